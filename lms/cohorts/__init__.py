"""Cohorts: trainer accreditation, cohorts with a join code, sessions and attendance."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms.cohorts import catalog, demo, roster_views  # noqa: F401  (roster_views: routes on bp)
from lms.cohorts.views import bp, dashboard_card
from lms.plugins import MenuEntry, TabEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(catalog.course_title, "course_title")
    reg = registry(app)
    reg.dashboard_cards.append(dashboard_card)
    reg.demo_seeders.append(demo.seed_demo)
    reg.tabs.append(TabEntry("cohorts.index", _l("Cohorts"), "users", "trainer", 20))
    reg.menu.extend(
        [
            MenuEntry("cohorts.index", _l("My cohorts"), frozenset({"trainer", "admin"}), 20),
            MenuEntry("cohorts.join", _l("Join a cohort"), frozenset({"learner"}), 25),
            MenuEntry("cohorts.accreditations", _l("Accreditations"), frozenset({"admin"}), 80),
        ]
    )
