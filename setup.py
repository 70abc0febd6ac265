"""Build hook: compile the message catalogs (.po -> .mo) whenever the package is built."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path(__file__).parent.glob("*/translations/*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
