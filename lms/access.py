"""Who may open a view: one decorator, used by every view, checked for every route in tests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

PUBLIC = "public"  # anyone, logged in or not
USER = "user"  # any logged-in, active account
ROLES = ("learner", "trainer", "coach", "admin")


def allow(*who: str) -> Callable:
    """Let PUBLIC, USER or any of the named roles through; others get login or 403."""
    unknown = set(who) - {PUBLIC, USER, *ROLES}
    if not who or unknown:
        raise ValueError(f"allow(): unknown roles {sorted(unknown)}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in who:
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                if USER not in who and not current_user.has_any_role(who):
                    abort(403)
            return view(*args, **kwargs)

        guarded.allowed = frozenset(who)  # read by the route-matrix test
        return guarded

    return decorate


def allowed(view: Callable) -> frozenset[str] | None:
    return getattr(view, "allowed", None)
