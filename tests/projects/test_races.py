"""Two people moving the same project at the same moment: the second is told, never overwrites."""

from __future__ import annotations

import html

from sqlalchemy import select, update

from projects import services
from projects.models import Project, StateChange


def _decided_meanwhile(app, monkeypatch, project_id: int, state: str) -> None:
    """Another reviewer's request commits `state` between this request's read and its write."""
    real = services.change_state

    def change_state(session, project, user, target, **details):
        with app.extensions["db_engine"].begin() as other:
            other.execute(update(Project).where(Project.id == project_id).values(state=state))
        return real(session, project, user, target, **details)

    monkeypatch.setattr(services, "change_state", change_state)


def test_two_reviewers_deciding_at_once_the_second_is_told_the_new_state(
    app, client, auth, make_user, holder, make_project, load, monkeypatch
):
    project_id = make_project(holder, state="under_review")
    _decided_meanwhile(app, monkeypatch, project_id, "qualified")
    auth.login(make_user("coach"))
    response = client.post(
        f"/projects/{project_id}/state", data={"target": "rejected", "reason": "Pas viable."}
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Ce changement d'état n'est pas permis : Retenu → Refusé." in page
    assert load(project_id).state == "qualified"
    with app.app_context():
        session = app.extensions["db_session"]()
        moves = session.scalars(
            select(StateChange.to_state).where(StateChange.project_id == project_id)
        ).all()
        app.extensions["db_session"].remove()
    assert "rejected" not in moves


def test_a_holder_cannot_resubmit_a_project_a_reviewer_just_took_up(
    app, client, auth, holder, make_project, load, monkeypatch
):
    project_id = make_project(holder, state="changes_requested")
    _decided_meanwhile(app, monkeypatch, project_id, "under_review")
    auth.login(holder)
    response = client.post(f"/projects/{project_id}/state", data={"target": "resubmitted"})
    assert response.status_code == 422
    assert load(project_id).state == "under_review"
