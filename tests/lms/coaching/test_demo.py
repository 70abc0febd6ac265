"""`lms seed-demo`: coaching seeds its own demo data, the demo coach following the demo cohort."""

from __future__ import annotations

from sqlalchemy import select

from lms.auth.services import find_by_email
from lms.coaching.models import CoachAssignment
from lms.cohorts.demo import DEMO_COHORT
from tests.lms.cohorts.helpers import database


def test_seed_demo_has_the_demo_coach_follow_the_demo_cohort_once(app, runner, client):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0 and "demo coach: coach@example.org" in result.output
    with database(app) as db:
        coach = find_by_email(db, "coach@example.org")
        rows = db.scalars(select(CoachAssignment).where(CoachAssignment.coach_id == coach.id))
        assert [row.cohort.name for row in rows] == [DEMO_COHORT]
    client.post("/login", data={"email": "coach@example.org", "password": "demo-password"})
    assert DEMO_COHORT in client.get("/coach").text
