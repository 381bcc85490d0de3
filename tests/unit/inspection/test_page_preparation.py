"""Page preparation for proof OCR: residual skew and light-on-dark bands."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from device_intake.inspection.document import (
    _row_median_below,
    find_page,
    invert_dark_bands,
    skew_angle,
)
from device_intake.inspection.loading import load_document

from tests.generator.cases import CaseSpec, generate


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


@pytest.mark.parametrize(
    ("family", "seed"), [("proof_no_model", 905_017), ("proof_no_date", 905_086)]
)
def test_a_sheet_on_a_checked_cloth_is_found_whole(family: str, seed: int) -> None:
    # The cloth's checks joined the sheet's outline into one edge contour reaching the
    # border (or covering the picture); the bright-region fallback then took cloth for
    # paper running off the picture: PARTIAL_DOCUMENT on a whole sheet (dev sweep).
    case = generate(CaseSpec(family, "dev"), seed)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    page = find_page(doc.image)
    assert page.cut_sides == ()
    h, w = doc.image.shape[:2]
    assert 0.35 < cv2.contourArea(page.quad) / (h * w) < 0.8  # the sheet, not the picture


def _sheet_on_checks(bottom: int) -> np.ndarray:
    """A white sheet with rows of words on a checked cloth, 1500 x 2000; the sheet's
    lower edge at ``bottom`` (beyond 2000: it runs off the picture)."""
    yy, xx = np.mgrid[0:2000, 0:1500]
    checks = ((yy // 24 + xx // 24) % 2).astype(np.float32)
    cloth = np.dstack([120 + 40 * checks, 150 + 30 * checks, 110 + 40 * checks])
    img = np.clip(cloth, 0, 255).astype(np.uint8)
    sheet = np.array([[260, 220], [1240, 180], [1290, bottom], [220, bottom + 40]], np.int32)
    cv2.fillConvexPoly(img, sheet, (250, 250, 250))
    for y in range(320, min(bottom, 1960) - 60, 70):
        cv2.putText(
            img, "Xperia 1 V  2024/06/04", (330, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (40, 40, 40), 3
        )
    return img


def test_a_sheet_running_off_the_picture_stays_cut() -> None:
    assert find_page(_sheet_on_checks(2300)).cut_sides != ()
    assert find_page(_sheet_on_checks(1700)).cut_sides == ()


def test_a_sheet_whose_side_fades_into_light_wood_is_not_cut_at_a_corner() -> None:
    # At the light blur the sheet's top-left side broke against a light grain streak: the
    # outline cut the corner, the rows were rectified askew and ran into each other, and
    # the purchase date went unread (dev sweep, DATE_NOT_FOUND on a whole contract).
    case = generate(CaseSpec("proof", "dev"), 905_012)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    top_left = find_page(doc.image).quad[0]
    assert top_left[0] > 300 and top_left[1] < 400  # (350, 360); the cut corner: (148, 506)
