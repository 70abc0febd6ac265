"""What the page frame shows each person: the full menu, and the few tabs of their main role."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from lms.plugins import registry

#: The role whose tab bar a person with several roles sees: the one with the most to do.
ROLE_PRECEDENCE = ("admin", "coach", "trainer", "learner")
ANONYMOUS = "anonymous"
MAX_TABS = 5


def main_role(user) -> str:
    if not user.is_authenticated:
        return ANONYMOUS
    return next((role for role in ROLE_PRECEDENCE if user.has_role(role)), "learner")


def layout_context(app: Flask) -> dict:
    def menu():
        entries = sorted(registry(app).menu, key=lambda entry: entry.order)
        return [e for e in entries if _menu_visible(e, current_user)]

    def tabs():
        role = main_role(current_user)
        entries = sorted(registry(app).tabs, key=lambda entry: entry.order)
        return [e for e in entries if e.role == role][:MAX_TABS]

    def profile_sections():
        sections = [section(current_user) for section in registry(app).profile_sections]
        return [section for section in sections if section]

    return {"menu": menu, "tabs": tabs, "profile_sections": profile_sections}


def _menu_visible(entry, user) -> bool:
    if "public" in entry.roles:
        return True
    if not user.is_authenticated:
        return False
    return "user" in entry.roles or user.has_any_role(entry.roles)
