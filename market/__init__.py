"""The cooperative marketplace: the step after My.COOP (a plugin of the LMS)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.path import MY_COOP, unlocked_after_course
from lms.plugins import MenuEntry, PathStep, TabEntry, registry


def init_app(app: Flask) -> None:
    from market import demo
    from market.cli import market_cli
    from market.views import bp, dashboard_card

    app.register_blueprint(bp)
    app.cli.add_command(market_cli)
    reg = registry(app)
    reg.dashboard_cards.append(dashboard_card)
    reg.home_figures.append(_cooperatives_figure)
    reg.demo_seeders.append(demo.seed_demo)
    # For the accompaniment plugin: cooperatives' profiles as plain dicts, stable keys.
    reg.provide("market.cooperative_profiles", _cooperative_profiles)
    reg.menu.append(MenuEntry("market.index", _l("Marketplace"), frozenset({"public"}), 50))
    reg.tabs.extend(
        TabEntry("market.index", _l("Market"), "store", role, 40)
        for role in ("anonymous", "learner", "coach")
    )
    reg.path_steps.append(
        PathStep(
            key="marketplace",
            label=_l("Marketplace"),
            endpoint="market.index",
            order=50,
            icon="store",
            status=lambda user: unlocked_after_course(
                user,
                MY_COOP,
                _l(
                    "Opens when you have completed the course “Manage your agricultural cooperative” (My.COOP)."  # noqa: E501
                ),
            ),
        )
    )


def _cooperative_profiles() -> list[dict]:
    from lms.db import session
    from market.services import cooperative_profiles

    return cooperative_profiles(session)


def _cooperatives_figure(db):
    from sqlalchemy import func, select

    from market.models import Cooperative

    count = db.scalar(select(func.count(Cooperative.id)))
    return count, ngettext("cooperative", "cooperatives", count)
