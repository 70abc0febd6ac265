"""The cooperative project bank: the step after Start.COOP (a plugin of the LMS)."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms.bidi import with_names
from lms.path import START_COOP, course_completed, unlocked_after_course
from lms.plugins import MenuEntry, PathStep, StepStatus, TabEntry, registry

PREREQUISITE_COURSE = START_COOP
#: The step is done once a coach has retained one of the learner's projects.
DONE_STATES = frozenset({"qualified", "incubated", "launched"})


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
    reg.tabs.append(TabEntry("projects.review_list", _l("Projects"), "briefcase", "coach", 30))
    reg.path_steps.append(
        PathStep(
            key="project-bank",
            label=_l("Project bank"),
            endpoint="projects.index",
            order=30,
            status=path_status,
            icon="briefcase",
        )
    )
    reg.dashboard_cards.append(dashboard_card)
    # Read services for other plugins (they never import projects): plain dicts, stable keys.
    reg.provide("projects.launched_for_user", services.launched_for_user)


def path_status(user) -> StepStatus:
    from lms.db import session
    from projects import services

    locked = unlocked_after_course(
        user, PREREQUISITE_COURSE, _l("Opens when you have completed Start a cooperative.")
    )
    mine = services.projects_of(session, user) if user.is_authenticated else []
    if not mine:
        return locked
    latest = mine[0]
    return StepStatus(
        unlocked=True,
        done=any(project.state in DONE_STATES for project in mine),
        hint=with_names(
            _("%(name)s: %(state)s"), name=latest.name, state=services.STATES[latest.state]
        ),
    )


def dashboard_card(user):
    """The learner's projects and, for reviewers, how many wait for a review."""
    from lms.db import session
    from projects import services
    from projects.views import template_helpers

    mine = services.projects_of(session, user)
    waiting = services.waiting_for_review(session) if services.is_reviewer(user) else None
    may_create = course_completed(user, PREREQUISITE_COURSE)
    if not (mine or may_create or waiting is not None):
        return None
    # The template is rendered with autoescape: its output is safe markup.
    return Markup(  # noqa: S704
        render_template(
            "projects/_card.html",
            mine=mine,
            waiting=waiting,
            may_create=may_create,
            **template_helpers(),
        )
    )
