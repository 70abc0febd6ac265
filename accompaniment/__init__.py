"""Accompaniment of cooperatives: diagnosis, development plan and coaching (a plugin of the LMS).

Follows a cooperative as an organisation over a programme's 24 months, as ODCO's Mourafaka does:
a strategic diagnosis, a plan drawn from its weakest axes, coaching sessions against the plan.
Imports the lms core only; the marketplace's profiles come through the registry.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from lms.plugins import ContentLoader, MenuEntry, registry


def init_app(app: Flask) -> None:
    from accompaniment import demo, questionnaire
    from accompaniment.views import bp, dashboard_card

    app.register_blueprint(bp)
    reg = registry(app)
    reg.menu.append(
        MenuEntry("accompaniment.index", _l("Accompaniment"), frozenset({"coach", "admin"}), 55)
    )
    reg.dashboard_cards.append(dashboard_card)
    reg.content_loaders.append(ContentLoader(read=questionnaire.read, store=questionnaire.store))
    reg.demo_seeders.append(demo.seed_demo)
