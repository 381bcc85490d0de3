"""Page preparation for proof OCR: residual skew and light-on-dark bands."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from device_intake.inspection.document import _row_median_below, invert_dark_bands, skew_angle


def _rows_of_words(width: int = 1200, height: int = 900) -> np.ndarray:
    """Dark word-sized blocks in rows, like a printed page at OCR scale."""
    page = np.full((height, width), 255, np.uint8)
    rng = np.random.default_rng(7)
    for y in range(80, height - 80, 48):
        x = 90
        while x < width - 200:
            w = int(rng.integers(40, 160))
            cv2.rectangle(page, (x, y), (x + w, y + 20), 0, -1)
            x += w + int(rng.integers(18, 40))
    return page


def _rotated(page: np.ndarray, angle: float) -> np.ndarray:
    h, w = page.shape
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(page, matrix, (w, h), borderValue=255)


@pytest.mark.parametrize("tilt", [-6.0, -2.4, 0.0, 1.6, 4.0])
def test_skew_angle_is_the_rotation_that_straightens_the_rows(tilt: float) -> None:
    correction = skew_angle(_rotated(_rows_of_words(), tilt))
    assert correction == pytest.approx(-tilt, abs=0.21)


def test_skew_angle_of_a_blank_or_tiny_page_is_zero() -> None:
    assert skew_angle(np.full((30, 30), 255, np.uint8)) == 0.0


def test_a_light_on_dark_band_is_inverted_and_white_rows_are_kept() -> None:
    page = np.full((200, 400), 250, np.uint8)
    page[40:80] = 60  # a coloured header bar ...
    page[55:65, 50:150] = 240  # ... with light text on it
    page[120:130, 50:150] = 10  # ordinary dark text on white
    out = invert_dark_bands(page)
    assert out[60, 100] < 60 < out[45, 300]  # the bar's text is now darker than its ground
    assert np.array_equal(out[100:], page[100:])


def test_a_dark_band_with_dark_text_is_left_alone() -> None:
    page = np.full((120, 300), 250, np.uint8)
    page[20:60] = 150
    page[35:45, 30:120] = 20  # dark text on a grey band: already dark-on-light
    assert np.array_equal(invert_dark_bands(page), page)


@pytest.mark.parametrize("width", [1, 2, 7, 8, 301, 302])
def test_row_median_by_counting_equals_numpy_median(width: int) -> None:
    rng = np.random.default_rng(width)
    # Values around the level, so that even rows with exactly half below are common.
    rows = rng.integers(176, 184, size=(400, width), dtype=np.uint8)
    assert np.array_equal(_row_median_below(rows, 180), np.median(rows, axis=1) < 180)
