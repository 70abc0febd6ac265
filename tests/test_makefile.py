"""A newcomer's first commands: `make help` lists every target with what it does."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_help_lists_every_target_with_what_it_does():
    targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M)
    listed = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    described = {line.split()[1]: line.split(None, 2)[2] for line in listed}
    assert set(described) == set(targets) and {"run", "test", "help"} <= set(described)
    assert all(len(text) > 10 for text in described.values())
