"""Fixtures for the generator's tests: small photos keep every case well under a second."""

from __future__ import annotations

import pytest

SMALL = {"photo_size": (600, 800)}


@pytest.fixture
def small() -> dict[str, object]:
    return dict(SMALL)
