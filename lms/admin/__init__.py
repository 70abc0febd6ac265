"""Administration: the list of users, their roles and whether their account is active."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms.admin.views import bp
from lms.plugins import MenuEntry, TabEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    reg = registry(app)
    reg.menu.append(MenuEntry("admin.users", _l("Users"), frozenset({"admin"}), 90))
    reg.tabs.append(TabEntry("admin.users", _l("Users"), "users", "admin", 20))
