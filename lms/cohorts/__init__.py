"""Cohorts: trainer accreditation, cohorts with a join code, sessions and attendance."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.cohorts.views import bp, dashboard_card
    from lms.plugins import MenuEntry, registry

    app.register_blueprint(bp)
    from lms.cohorts import catalog

    app.add_template_filter(catalog.course_title, "course_title")
    registry(app).dashboard_cards.append(dashboard_card)
    from lms.cohorts.demo import seed_demo

    registry(app).provide("cohorts.seed_demo", seed_demo)
    registry(app).menu.extend(
        [
            MenuEntry("cohorts.index", _l("My cohorts"), frozenset({"trainer", "admin"}), 20),
            MenuEntry("cohorts.join", _l("Join a cohort"), frozenset({"learner"}), 25),
            MenuEntry("cohorts.accreditations", _l("Accreditations"), frozenset({"admin"}), 80),
        ]
    )
