"""The cooperative project bank: the step after Start.COOP (a plugin of the LMS)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms.path import unlocked_after_course
from lms.plugins import MenuEntry, PathStep, registry


def init_app(app: Flask) -> None:
    from projects import services
    from projects.views import bp

    app.register_blueprint(bp)
    reg = registry(app)
    reg.menu.append(MenuEntry("projects.index", _l("Project bank"), frozenset({"public"}), 40))
    reg.menu.append(
        MenuEntry(
            "projects.review_list", _l("Projects to review"), frozenset({"coach", "admin"}), 45
        )
    )
    reg.path_steps.append(
        PathStep(
            key="project-bank",
            label=_l("Project bank"),
            endpoint="projects.index",
            order=30,
            status=lambda user: unlocked_after_course(
                user, "start-coop", _l("Opens when you have completed Start a cooperative.")
            ),
        )
    )
    # Read services for other plugins (they never import projects): plain dicts, stable keys.
    reg.provide("projects.launched_for_user", services.launched_for_user)
    reg.provide("projects.for_coach", services.for_coach)
