"""Taawun's learning management system: create_app() builds the Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms import config, db, i18n, security
from lms.extensions import csrf, limiter, login_manager
from lms.plugins import Registry, load_plugins, registry

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(Path(app.instance_path)))
    app.config.update(overrides or {})
    app.config["DATABASE_URL"] = config.check_database_url(app.config["DATABASE_URL"])

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    security.init_app(app)
    app.extensions["taawun.registry"] = Registry(translation_dirs=[PACKAGE_DIR / "translations"])

    _register_core(app)
    load_plugins(app)
    i18n.init_app(app, registry(app).translation_dirs)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(public_id: str):
        return db.session.query(User).filter_by(public_id=public_id).one_or_none()


def _register_core(app: Flask) -> None:
    from lms import cli, courses, xapi
    from lms.admin.views import bp as admin_bp
    from lms.auth.views import bp as auth_bp
    from lms.main import views as main

    for blueprint in (main.bp, auth_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(CSRFError, main.handle_csrf_error)
    app.register_error_handler(HTTPException, main.handle_http_error)
    app.register_error_handler(Exception, main.handle_unexpected_error)
    cli.register(app)
    xapi.init_app(app)
    courses.init_app(app)
    from lms import certificates, coaching, cohorts

    cohorts.init_app(app)
    certificates.init_app(app)
    coaching.init_app(app)
    _register_menu(app)

    @app.context_processor
    def _layout():
        from flask_login import current_user

        def menu():
            entries = sorted(registry(app).menu, key=lambda entry: entry.order)
            return [e for e in entries if _menu_visible(e, current_user)]

        def profile_sections():
            sections = [section(current_user) for section in registry(app).profile_sections]
            return [section for section in sections if section]

        return {"menu": menu, "profile_sections": profile_sections}


def _menu_visible(entry, user) -> bool:
    if "public" in entry.roles:
        return True
    if not user.is_authenticated:
        return False
    return "user" in entry.roles or user.has_any_role(entry.roles)


def _register_menu(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.plugins import MenuEntry

    menu = app.extensions["taawun.registry"].menu
    menu += [
        MenuEntry("main.dashboard", _l("My space"), frozenset({"user"}), order=10),
        MenuEntry("admin.users", _l("Users"), frozenset({"admin"}), order=90),
    ]
