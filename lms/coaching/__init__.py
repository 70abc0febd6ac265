"""Coaching: coaches' assignments, progress dashboards, timelines, coaching log, programme view."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms.coaching import cli, demo
from lms.coaching.views import bp, next_steps_section, programme_card
from lms.plugins import MenuEntry, TabEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(cli.coaching_tallies_command)
    reg = registry(app)
    reg.profile_sections.append(next_steps_section)
    reg.dashboard_cards.insert(0, programme_card)  # an admin's home starts with the figures
    reg.demo_seeders.append(demo.seed_demo)
    reg.tabs.extend(
        [
            TabEntry("coaching.index", _l("Coaching"), "chart", "coach", 20),
            TabEntry("coaching.programme", _l("Programme"), "chart", "admin", 30),
        ]
    )
    reg.menu.extend(
        [
            MenuEntry("coaching.index", _l("Coaching"), frozenset({"coach"}), 30),
            MenuEntry("coaching.assignments", _l("Coaches"), frozenset({"admin"}), 82),
            MenuEntry("coaching.programme", _l("Programme"), frozenset({"admin"}), 84),
        ]
    )
