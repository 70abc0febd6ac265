"""Accompaniment fixtures: the content loaded, a coach, leaders, an admin; enrol and diagnose
through HTTP as the coach would."""

from __future__ import annotations

import pytest

from accompaniment.models import Diagnosis
from tests.conftest import log_in_as

ENROL = {
    "programme": "Mourafaka", "cohort": "2026-B", "start_date": "2026-01-15",
    "horizon_months": "24", "market_cooperative_id": "0", "name": "Coop Aïn Leuh (Atlas)",
    "region": "fes-meknes", "sector": "honey", "members_count": "10", "women_count": "6",
    "youth_count": "2", "year_registered": "2024", "language": "ar",
}  # fmt: skip


@pytest.fixture(scope="module")
def loaded(app):
    result = app.test_cli_runner().invoke(args=["load-content", "content"])
    assert result.exit_code == 0, result.output
    assert "cooperative-diagnosis: loaded" in result.output


@pytest.fixture(scope="module")
def people(app, loaded):
    from tests.conftest import create_user

    with app.app_context():
        session = app.extensions["db_session"]()
        made = {
            name: create_user(session, f"acc-{name}@example.org", "pw-123456789", roles=roles)
            for name, roles in (("coach", ("coach",)), ("other_coach", ("coach",)),
                                ("leader", ("learner",)), ("stranger", ("learner",)),
                                ("admin", ("admin",)))
        }  # fmt: skip
        session.commit()
        app.extensions["db_session"].remove()
    return made


def english(app):
    """A client reading pages in English, so assertions read as the messages are written."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def enrol(client, people, **changes) -> int:
    log_in_as(client, people["coach"])
    form = {**ENROL, "leader_emails": "acc-leader@example.org", **changes}
    response = client.post("/accompaniment/enrol", data=form)
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def diagnose(app, client, followed_id: int, level: int = 1, month: int = 0) -> int:
    response = client.post(f"/accompaniment/cooperatives/{followed_id}/diagnoses",
                           data={"month": str(month)})  # fmt: skip
    assert response.status_code == 302, response.text
    diagnosis_id = int(response.headers["Location"].split("/")[-3])
    with app.app_context():
        session = app.extensions["db_session"]()
        axes = session.get(Diagnosis, diagnosis_id).questionnaire.data["axes"]
        app.extensions["db_session"].remove()
    for number, axis in enumerate(axes, 1):
        form = {
            f"score-{q['id']}": str(min(3, level + (number % 3 == 0))) for q in axis["questions"]
        }
        form[f"evidence-{axis['questions'][0]['id']}"] = "Registre vu"
        response = client.post(f"/accompaniment/diagnoses/{diagnosis_id}/axes/{number}", data=form)
        assert response.status_code == 302
    assert client.post(f"/accompaniment/diagnoses/{diagnosis_id}/complete").status_code == 302
    return diagnosis_id
