"""The site's frame: home, dashboard, language choice, health check and the error pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.main import views
from lms.plugins import MenuEntry, TabEntry, registry

#: The roles whose first tab is their home page (a learner's is "Learn").
STAFF = ("trainer", "coach", "admin")


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_error_handler(CSRFError, views.handle_csrf_error)
    app.register_error_handler(HTTPException, views.handle_http_error)
    app.register_error_handler(Exception, views.handle_unexpected_error)
    reg = registry(app)
    reg.menu.append(MenuEntry("main.dashboard", _l("My space"), frozenset({"user"}), 10))
    reg.tabs.extend(
        [
            TabEntry("main.home", _l("Home"), "home", "anonymous", 10),
            TabEntry("main.dashboard", _l("Learn"), "book", "learner", 10),
            TabEntry("main.learning_path", _l("Path"), "path", "learner", 20),
            *(TabEntry("main.dashboard", _l("Home"), "home", role, 10) for role in STAFF),
        ]
    )
