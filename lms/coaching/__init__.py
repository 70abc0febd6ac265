"""Coaching: coaches' assignments, progress dashboards, timelines, coaching log, programme view."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.coaching.views import bp, next_steps_section
    from lms.plugins import MenuEntry, registry

    app.register_blueprint(bp)
    from lms.coaching.tallies import register_cli

    register_cli(app)
    reg = registry(app)
    reg.profile_sections.append(next_steps_section)
    reg.menu.extend(
        [
            MenuEntry("coaching.index", _l("Coaching"), frozenset({"coach"}), 30),
            MenuEntry("coaching.assignments", _l("Coaches"), frozenset({"admin"}), 82),
            MenuEntry("coaching.programme", _l("Programme"), frozenset({"admin"}), 84),
        ]
    )
