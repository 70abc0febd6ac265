"""The registry through which xapi_store, projects and market plug into the LMS.

The core never imports them: `create_app` imports each module named in LMS_PLUGINS and calls its
`init_app(app)`. A plugin adds its menu entries, learning-path steps, dashboard cards and demo
seeder here, and may publish services other plugins ask for by name (so projects and market never
import each other). The core features (`CORE_FEATURES` in `lms/__init__.py`) plug in the same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from lms.db import Base as lms_base


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object  # a lazy_gettext string
    roles: frozenset[str] = frozenset({"public"})
    order: int = 50


@dataclass(frozen=True)
class TabEntry:
    """One destination of the phone's bottom tab bar (and the desktop header row).

    `role` is the one role whose bar shows it: each person sees the bar of their main role
    (`lms.layout.main_role`), so no bar grows past five entries.
    """

    endpoint: str
    label: object  # a short lazy_gettext word: it sits under an icon on a 360-px screen
    icon: str  # a name from templates/macros/icons.html
    role: str
    order: int = 50


@dataclass(frozen=True)
class PathStep:
    """One step of the learning path; `status(user)` says where the user stands on it."""

    key: str
    label: object
    endpoint: str
    order: int
    status: Callable  # (user) -> StepStatus
    icon: str = "book"  # a name from templates/macros/icons.html


@dataclass(frozen=True)
class StepStatus:
    unlocked: bool
    done: bool
    hint: object = ""  # what unlocks the step, or where the user is


@dataclass(frozen=True)
class ContentLoader:
    """Content a plugin keeps in `content/` beside the courses, checked and stored by
    `lms load-content` with them: `read(root, known_modules) -> (parsed, faults)` checks
    everything (faults are lms.courses.loader.Fault), `store(session, parsed) -> {name: outcome}`
    writes; nothing is written when any file, course or plugin content, has a fault."""

    read: Callable
    store: Callable


@dataclass
class Registry:
    menu: list[MenuEntry] = field(default_factory=list)
    tabs: list[TabEntry] = field(default_factory=list)
    path_steps: list[PathStep] = field(default_factory=list)
    dashboard_cards: list[Callable] = field(default_factory=list)  # (user) -> markup or None
    profile_sections: list[Callable] = field(default_factory=list)  # (user) -> markup or None
    #: the home page's figures, each (session) -> (count, label for that count) or None
    home_figures: list[Callable] = field(default_factory=list)
    #: `lms seed-demo` runs these in registration order, so a feature's demo data can stand on
    #: that of the features registered before it: (session) -> a line to print, or ""
    demo_seeders: list[Callable] = field(default_factory=list)
    #: Called with the user whenever all of a user's sessions end (logout, new password,
    #: deactivation), so what a feature handed out on the strength of a session ends too.
    sessions_ended: list[Callable] = field(default_factory=list)
    services: dict[str, Callable] = field(default_factory=dict)
    content_loaders: list[ContentLoader] = field(default_factory=list)
    migration_dirs: list[Path] = field(default_factory=list)
    metadata: list = field(default_factory=list)
    translation_dirs: list[Path] = field(default_factory=list)

    def provide(self, name: str, service: Callable) -> None:
        self.services[name] = service

    def service(self, name: str) -> Callable | None:
        return self.services.get(name)


def registry(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions["taawun.registry"]


def load_plugins(app: Flask) -> None:
    for name in app.config["PLUGINS"]:
        module = importlib.import_module(name)
        module.init_app(app)
        package_dir = Path(module.__file__).parent
        reg = registry(app)
        if (package_dir / "migrations" / "versions").is_dir():
            reg.migration_dirs.append(package_dir / "migrations" / "versions")
        if (package_dir / "translations").is_dir():
            reg.translation_dirs.append(package_dir / "translations")
        _collect_metadata(reg, name)


def _collect_metadata(reg: Registry, name: str) -> None:
    """A plugin with its own declarative base (xapi_store) brings its own metadata."""
    try:
        models = importlib.import_module(f"{name}.models")
    except ModuleNotFoundError:
        return
    base = getattr(models, "Base", None)
    if base is None or base is lms_base:  # the shared base's tables are the core's metadata
        return
    if base.metadata not in reg.metadata:
        reg.metadata.append(base.metadata)
