"""Accounts: registration, login and logout, profile, password, and the signed-in user."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.access import ROLES
from lms.auth import member_views, sessions  # noqa: F401  (member_views: routes on bp)
from lms.auth.services import count_learners, find_by_public_id
from lms.auth.views import bp
from lms.db import session
from lms.extensions import login_manager
from lms.plugins import MenuEntry, TabEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    registry(app).home_figures.append(_learners_figure)
    registry(app).tabs.extend(
        [
            TabEntry("auth.login", _l("Log in"), "login", "anonymous", 90),
            *(TabEntry("auth.profile", _l("Me"), "user", role, 90) for role in ROLES),
        ]
    )
    # On a shared phone: the next member picks herself (learners only; staff log out).
    registry(app).menu.append(
        MenuEntry("auth.switch", _l("Switch person"), frozenset({"learner"}), 90)
    )


def _load_user(public_id: str):
    user = find_by_public_id(session, public_id)
    # A session ended by logout, a new password or deactivation, or too old: anonymous.
    return user if user is not None and sessions.is_current(user) else None


def _learners_figure(db):
    count = count_learners(db)
    return count, ngettext("learner", "learners", count)
