"""Documents: accepted by content (not name), size- and count-limited, served safely."""

from __future__ import annotations

import io

import pytest

from projects import uploads
from projects.models import Document
from tests.projects.conftest import PDF_BYTES, picture_bytes


def _send(client, project_id, data: bytes, filename: str):
    return client.post(
        f"/projects/{project_id}/documents",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF_BYTES, "pdf"),
        (picture_bytes("PNG"), "png"),
        (picture_bytes("JPEG"), "jpeg"),
        (picture_bytes("WEBP"), "webp"),
    ],
)
def test_pdfs_and_pictures_are_recognised_by_their_content(data, kind):
    assert uploads.check(data) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"<html><script>alert(1)</script></html>", "This kind of file is not accepted"),
        (b"MZ\x90\x00 an executable", "This kind of file is not accepted"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, "The picture is damaged"),
        (b"%PDF-1.4 cut in the middle", "The PDF file is incomplete or damaged."),
        (b"%PDF-1.4\n" + b"0" * uploads.MAX_BYTES + b"%%EOF", "The file is too large"),
    ],
)
def test_wrong_files_are_refused_with_a_clear_reason(data, message):
    with pytest.raises(uploads.UploadError) as refused:
        uploads.check(data)
    assert str(refused.value).startswith(message)


def test_a_holder_attaches_documents_and_they_are_served_safely(app, client, auth, holder,
                                                                make_project):  # fmt: skip
    project_id = make_project(holder)
    auth.login(holder)
    # An HTML page renamed .png is refused, whatever its name says.
    refused = _send(client, project_id, b"<html><body>hi</body></html>", "photo.png")
    assert refused.status_code == 422
    assert "Ce type de fichier n&#39;est pas accepté" in refused.get_data(as_text=True)
    picture = picture_bytes("PNG")
    assert _send(client, project_id, picture, "local.png").status_code == 303
    assert _send(client, project_id, PDF_BYTES, "devis.pdf").status_code == 303
    with app.app_context():
        documents = app.extensions["db_session"]().query(Document).filter_by(
            project_id=project_id).order_by(Document.id).all()  # fmt: skip
        stored = [uploads.path_of(d) for d in documents]
    assert [d.content_type for d in documents] == ["image/png", "application/pdf"]
    assert stored[0].read_bytes() == picture
    assert all(path.parent.name == "project-documents" for path in stored)
    assert all(path.suffix in (".png", ".pdf") and path.stem not in ("local", "devis")
               for path in stored)  # fmt: skip

    shown = client.get(f"/projects/{project_id}/documents/{documents[0].id}")
    assert shown.status_code == 200 and shown.data == picture
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert shown.headers["Content-Disposition"].startswith("inline")
    pdf = client.get(f"/projects/{project_id}/documents/{documents[1].id}")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def test_a_project_takes_ten_documents_at_most(app, client, auth, holder, make_project):
    project_id = make_project(holder)
    auth.login(holder)
    for number in range(uploads.MAX_DOCUMENTS):
        assert _send(client, project_id, PDF_BYTES, f"doc{number}.pdf").status_code == 303
    eleventh = _send(client, project_id, PDF_BYTES, "one-too-many.pdf")
    assert eleventh.status_code == 422
    assert "10 documents au plus" in eleventh.get_data(as_text=True)


def test_too_large_files_are_refused(client, auth, holder, make_project):
    project_id = make_project(holder)
    auth.login(holder)
    big = b"%PDF-1.4\n" + b"0" * (uploads.MAX_BYTES + 10) + b"\n%%EOF\n"
    response = _send(client, project_id, big, "big.pdf")
    assert response.status_code == 422
    assert "Le fichier est trop lourd : 5 Mo au plus." in response.get_data(as_text=True)


def test_only_people_who_may_see_the_project_get_its_documents(
    app, client, auth, holder, make_user, make_project
):
    project_id = make_project(holder)
    auth.login(holder)
    assert _send(client, project_id, PDF_BYTES, "devis.pdf").status_code == 303
    with app.app_context():
        document = app.extensions["db_session"]().query(Document).filter_by(
            project_id=project_id).one()  # fmt: skip
    url = f"/projects/{project_id}/documents/{document.id}"
    auth.login(make_user("learner"))
    assert client.get(url).status_code == 404
    auth.login(make_user("coach"))
    assert client.get(url).status_code == 404  # still a draft: private to the holder
    auth.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_documents_are_frozen_once_submitted(app, client, auth, holder, make_project):
    project_id = make_project(holder)
    auth.login(holder)
    assert _send(client, project_id, PDF_BYTES, "devis.pdf").status_code == 303
    with app.app_context():
        session = app.extensions["db_session"]()
        document = session.query(Document).filter_by(project_id=project_id).one()
        from projects.models import Project

        session.get(Project, project_id).state = "submitted"
        session.commit()
        path = uploads.path_of(document)
    assert _send(client, project_id, PDF_BYTES, "other.pdf").status_code == 403
    delete = f"/projects/{project_id}/documents/{document.id}/delete"
    assert client.post(delete).status_code == 403
    assert path.exists()


def test_no_file_is_left_behind_or_lost_when_the_transaction_fails(app, holder, make_project):
    """A rolled-back upload leaves no file; a rolled-back delete keeps the file."""
    from projects.models import Project

    project_id = make_project(holder)
    with app.test_request_context():
        session = app.extensions["db_session"]()
        project = session.get(Project, project_id)
        lost = uploads.path_of(uploads.attach(session, project, project.holder, "a.pdf", PDF_BYTES))
        assert lost.exists()
        session.rollback()
        assert not lost.exists()

        project = session.get(Project, project_id)
        kept = uploads.attach(session, project, project.holder, "b.pdf", PDF_BYTES)
        session.commit()
        path = uploads.path_of(kept)
        uploads.remove(session, kept)
        session.rollback()
        assert path.exists() and session.get(Document, kept.id) is not None
        uploads.remove(session, session.get(Document, kept.id))
        session.commit()
        assert not path.exists()
