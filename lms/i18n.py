"""Interface language: choosing it for each request, and building the message catalogs.

`python -m lms.i18n compile` builds the .mo files from every package's .po files (run by
`make install`); `python -m lms.i18n update` extracts new strings and updates the .po files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from lms.bidi import isolate
from lms.config import DEFAULT_LANGUAGE, LANGUAGES, RTL_LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "projects", "market", "accompaniment")  # the LRS speaks JSON in English only
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


def select_language() -> str:
    """The user's saved choice, else the `lang` cookie, else Accept-Language, else French."""
    if current_user and current_user.is_authenticated and current_user.preferred_language:
        return current_user.preferred_language
    cookie = request.cookies.get("lang")
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def localised(texts: dict[str, str] | None, language: str | None = None) -> str:
    """Pick the text in the interface language from a {lang: text} map, falling back to fr, en."""
    if not texts:
        return ""
    language = language or current_language()
    for lang in (language, DEFAULT_LANGUAGE, "en", *texts):
        if texts.get(lang):
            return texts[lang]
    return ""


def list_text(items) -> str:
    """'A, B et C' / 'A وB وC' / 'A, B, and C': a list written as the language writes one."""
    items = list(items)
    if any(hasattr(item, "__html__") for item in items):
        # isolated names (<bdi>) stay markup: every item escaped, the joining words are CLDR's
        escaped = [str(escape(item)) for item in items]
        return Markup(format_list(escaped, locale=current_language()))  # noqa: S704
    return format_list([str(item) for item in items], locale=current_language())


def init_app(app: Flask, translation_dirs: list[Path]) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in translation_dirs)
    Babel(app, locale_selector=select_language)
    app.add_template_filter(list_text)
    app.add_template_filter(isolate, "bdi")
    app.jinja_env.globals.update(
        current_language=current_language,
        text_direction=text_direction,
        localised=localised,
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )


def catalogs() -> list[Path]:
    return sorted(ROOT.glob("*/translations/*/LC_MESSAGES/messages.po"))


def compile_catalogs() -> int:
    for po_path in catalogs():
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return len(catalogs())


def update_catalogs() -> None:
    """Extract each package's strings into its own catalog and merge them into the .po files."""
    for package in PACKAGES:
        package_dir = ROOT / package
        if not package_dir.is_dir():
            continue
        pot = package_dir / "translations" / "messages.pot"
        pot.parent.mkdir(exist_ok=True)
        pybabel = [sys.executable, "-m", "babel.messages.frontend"]
        subprocess.run(
            [*pybabel, "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
             "--no-location", "--sort-output", "-o", str(pot), str(package_dir)],
            check=True,
        )  # fmt: skip
        for language in LANGUAGES:
            po = package_dir / "translations" / language / "LC_MESSAGES" / "messages.po"
            action = "update" if po.exists() else "init"
            subprocess.run(
                [*pybabel, action, "-i", str(pot), "-d", str(pot.parent), "-l", language,
                 *(["--no-fuzzy-matching"] if action == "update" else [])],
                check=True,
            )  # fmt: skip


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "compile":
        print(f"compiled {compile_catalogs()} catalogs")
    elif command == "update":
        update_catalogs()
    else:
        sys.exit(f"usage: python -m lms.i18n compile|update (not {command!r})")
