"""The site's frame: home, dashboard, language choice, health check and the error pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.main import views
from lms.plugins import MenuEntry, registry


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_error_handler(CSRFError, views.handle_csrf_error)
    app.register_error_handler(HTTPException, views.handle_http_error)
    app.register_error_handler(Exception, views.handle_unexpected_error)
    registry(app).menu.append(MenuEntry("main.dashboard", _l("My space"), frozenset({"user"}), 10))
