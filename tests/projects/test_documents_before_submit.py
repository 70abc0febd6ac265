"""A holder attaches documents to the draft, then submits: the submitted project carries them."""

from __future__ import annotations

from tests.projects.conftest import PDF_BYTES
from tests.projects.test_pages import _form
from tests.projects.test_uploads import _send


def test_documents_attached_to_the_draft_go_with_the_submitted_project(
    app, client, auth, holder, load
):
    auth.login(holder)
    client.set_cookie("lang", "en")
    assert "Save the draft first" in client.get("/projects/new").text
    response = client.post("/projects/new", data=_form(action="save", name="Argan Tamanar"))
    project_id = int(response.headers["Location"].rsplit("/", 1)[1])

    form = client.get(f"/projects/{project_id}/edit").text
    assert "0 documents attached." in form
    assert f'href="/projects/{project_id}#documents"' in form
    assert _send(client, project_id, PDF_BYTES, "quote.pdf").status_code == 303
    assert "1 document attached." in client.get(f"/projects/{project_id}/edit").text

    client.post(f"/projects/{project_id}/edit", data=_form(action="submit", name="Argan Tamanar"))
    with app.app_context():
        project = load(project_id)
        assert project.state == "submitted"
        assert [d.original_name for d in project.documents] == ["quote.pdf"]
