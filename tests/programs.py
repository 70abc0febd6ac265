"""Programs some tests drive besides Python: Chromium for the browser tests, pdftotext for PDFs.

`make test` installs them where it may (root with apt: .ci/system-packages). Where one is missing
its tests are skipped and the run ends with one line naming them and the command that brings
them; with TAAWUN_REQUIRE_ALL_TESTS=1 (set by .ci/run) they fail instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

REQUIRE_ALL = os.environ.get("TAAWUN_REQUIRE_ALL_TESTS") == "1"
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
#: axe-core from the npm registry (.ci/axe puts it there), injected into pages by browser tests
AXE = str(Path(__file__).resolve().parents[1] / ".cache/axe/node_modules/axe-core/axe.min.js")


@dataclass(frozen=True)
class Program:
    what: str  # which tests need it, in the summary line
    path: str
    package: str  # the Debian package that brings it
    brought_by: str = ""  # the command that brings it, when it is not a Debian package

    def missing(self) -> bool:
        return not (Path(self.path).is_file() or shutil.which(self.path))

    def note(self, count: int) -> str:
        return (
            f"skipped {count} {self.what} ({self.path} is missing): "
            f"`{self.brought_by or 'sudo apt-get install -y ' + self.package}` brings them"
        )


PROGRAMS = {
    "chromium": Program("browser tests", CHROMIUM, "chromium fonts-dejavu-core"),
    "pdftotext": Program("PDF layout tests", "pdftotext", "poppler-utils"),
    "axe": Program("axe accessibility checks", AXE, "npm", brought_by=".ci/axe"),
}
