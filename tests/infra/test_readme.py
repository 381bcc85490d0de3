"""The README is edited by hand after every benchmark and CI run: keep it one document."""

from __future__ import annotations

import collections
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_readme_heading_occurs_once() -> None:
    headings = [
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    ]
    repeated = [h for h, n in collections.Counter(headings).items() if n > 1]
    assert headings and not repeated, repeated


def test_readme_names_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
