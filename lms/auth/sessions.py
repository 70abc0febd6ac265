"""Login sessions that can end: a version and a login time in the signed cookie, checked on
every request.

Flask keeps the session in a signed cookie, so the server cannot delete a copy of it. Each
session instead carries the account's `session_version` and its login time: bumping the version
(logout, new password, deactivation, "log out everywhere") ends every copy at once, and a
session older than LMS_SESSION_DAYS is refused even if its cookie was kept.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping

from flask import current_app, session
from flask_login import login_user, logout_user

from lms.auth import services
from lms.auth.models import User

VERSION_KEY = "session_version"
LOGIN_AT_KEY = "login_at"


def start(user: User) -> None:
    """Log the user in on this browser, for at most LMS_SESSION_DAYS."""
    login_user(user)
    session.permanent = True  # the cookie's lifetime is PERMANENT_SESSION_LIFETIME
    stamp(session, user.session_version)


def stamp(target: MutableMapping, version: int) -> None:
    """Mark a session as opened now with this session version (also for tests and benches that
    log in without the form)."""
    target[VERSION_KEY] = version
    target[LOGIN_AT_KEY] = int(time.time())


def is_current(user: User) -> bool:
    """Whether this request's session may still act for `user`."""
    login_at = session.get(LOGIN_AT_KEY)
    if session.get(VERSION_KEY) != user.session_version or not isinstance(login_at, int):
        return False
    return time.time() - login_at < current_app.permanent_session_lifetime.total_seconds()


def end_everywhere(user: User) -> None:
    """Log out here and on every other browser, and end the user's launch credentials."""
    services.end_sessions(user)
    logout_user()


#: Sent with a sign-out: the browser drops the pages it cached for the member who leaves (a
#: shared phone), never "storage", where content or an offline queue may keep statements that
#: are not yet sent.
CLEAR_CACHE = {"Clear-Site-Data": '"cache"'}
