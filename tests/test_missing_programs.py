"""Without Chromium `make test` still runs: browser tests skipped, with one line to bring them.

CI (TAAWUN_REQUIRE_ALL_TESTS=1) must not skip them: there the same tests fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
A_BROWSER_TEST = "tests/browser/test_names_bidi.py"


def run_pytest(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "LMS_CHROMIUM": "/nonexistent/chromium"}
    environment.pop("TAAWUN_REQUIRE_ALL_TESTS", None)  # as on a newcomer's machine, unless given
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", A_BROWSER_TEST],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_without_chromium_browser_tests_are_skipped_with_one_line_saying_how_to_bring_them():
    result = run_pytest()
    assert result.returncode == 0, result.stdout + result.stderr
    notes = [line for line in result.stdout.splitlines() if "browser tests" in line]
    assert len(notes) == 1, result.stdout
    assert "/nonexistent/chromium is missing" in notes[0]
    assert "`sudo apt-get install -y chromium fonts-dejavu-core`" in notes[0]
    summary = result.stdout.splitlines()[-1]
    assert "skipped" in summary and "passed" not in summary and "error" not in summary


def test_ci_refuses_to_skip_the_browser_tests():
    result = run_pytest(TAAWUN_REQUIRE_ALL_TESTS="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TAAWUN_REQUIRE_ALL_TESTS=1 and /nonexistent/chromium is missing" in result.stdout
    summary = result.stdout.splitlines()[-1]
    assert "skipped" not in summary and re.search(r"\d+ errors? in", summary), summary
