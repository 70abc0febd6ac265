"""Taawun's learning management system: create_app() builds the Flask application."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from lms import config, db, i18n, rate_limits, security
from lms.extensions import csrf
from lms.layout import layout_context
from lms.plugins import Registry, load_plugins, registry

PACKAGE_DIR = Path(__file__).resolve().parent

#: The core features, each a package with `init_app(app)`, registered in this order (their
#: dashboard cards, profile sections and demo seeders keep it). They plug in through the registry
#: as the plugins named in LMS_PLUGINS do; the factory never reaches inside them.
CORE_FEATURES = (
    "lms.main",
    "lms.auth",
    "lms.admin",
    "lms.xapi",
    "lms.courses",
    "lms.cohorts",
    "lms.certificates",
    "lms.coaching",
)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(Path(app.instance_path)))
    app.config.update(overrides or {})
    app.config["DATABASE_URL"] = config.check_database_url(app.config["DATABASE_URL"])

    db.init_app(app)
    csrf.init_app(app)
    rate_limits.init_app(app)
    security.init_app(app)
    app.extensions["taawun.registry"] = Registry(translation_dirs=[PACKAGE_DIR / "translations"])

    from lms import cli  # cycle: lms.cli, the command line above the factory, imports create_app

    cli.register(app)
    for name in CORE_FEATURES:
        importlib.import_module(name).init_app(app)
    app.context_processor(lambda: layout_context(app))
    load_plugins(app)
    rate_limits.apply_limits(app)
    i18n.init_app(app, registry(app).translation_dirs)
    return app
