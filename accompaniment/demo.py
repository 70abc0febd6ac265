"""Demo data: two cooperatives followed by the demo coach, each with a diagnosis, a plan and
sessions, so `make run` shows accompaniment at work (registered as `accompaniment.seed_demo`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from accompaniment import questionnaire as qn
from accompaniment import services
from accompaniment.models import FollowedCooperative
from lms.auth.services import find_by_email

DEMO = [
    {"name": "Coopérative Tifawin", "region": "souss-massa", "sector": "argan",
     "members_count": 18, "women_count": 15, "youth_count": 6, "year_registered": 2024,
     "language": "ar", "leaders": ["learner@example.org"], "levels": (1, 2, 0, 2, 1, 3)},
    {"name": "Coopérative Al Baraka", "region": "fes-meknes", "sector": "honey",
     "members_count": 9, "women_count": 3, "youth_count": 4, "year_registered": 2023,
     "language": "fr", "leaders": [], "levels": (2, 3, 1, 1, 2, 2)},
]  # fmt: skip


def seed_demo(session) -> str:
    coach = find_by_email(session, "coach@example.org")
    if coach is None or session.scalar(select(FollowedCooperative.id).limit(1)) is not None:
        return ""
    if qn.current(session) is None:  # `make run` loads content first; the tests may not have
        parsed, faults = qn.read(Path(current_app.root_path).parent / "content", None)
        if faults or not parsed:
            return "accompaniment: no diagnosis questionnaire in content/, no demo data"
        qn.store(session, parsed)
        session.flush()
    start = date.today() - timedelta(days=200)
    for item in DEMO:
        levels = item["levels"]
        fields = {key: value for key, value in item.items() if key not in ("leaders", "levels")}
        fields.update(programme="Mourafaka", cohort="2026-A", start_date=start,
                      horizon_months=24)  # fmt: skip
        coop = services.enrol(session, coach, fields, item["leaders"])
        diagnosis = services.start_diagnosis(session, coop, coach, 0)
        for number, axis in enumerate(diagnosis.questionnaire.data["axes"]):
            for offset, question in enumerate(axis["questions"]):
                score = max(0, min(3, levels[number] + (offset % 2) - (offset % 3 == 2)))
                services.save_answer(session, diagnosis, question["id"], score, "")
        services.complete_diagnosis(session, diagnosis, coach)
        diagnosis.opportunities = "Demande touristique croissante; place de marché Taawun"
        diagnosis.threats = "Sécheresse; concurrence des produits non coopératifs"
        actions = services.propose_plan(session, diagnosis)
        actions[0].due_on = date.today() - timedelta(days=10)  # one overdue, for the reminders
        actions[0].owner = "Président"
        services.publish_plan(session, coop)
        services.move_action(session, actions[1], coach, "done")
        for weeks, minutes in ((20, 90), (8, 120)):
            services.log_session(session, coop, coach, {
                "held_on": date.today() - timedelta(weeks=weeks), "minutes": minutes,
                "attendees": "Président, trésorière", "topics": "Plan de développement",
                "next_steps": "Préparer l'assemblée générale", "notes": ""},
                [actions[0].id, actions[1].id])  # fmt: skip
    return "accompaniment: 2 demo cooperatives followed by coach@example.org"
