"""Back photos end to end on a few generated cases (fixed seeds, small photos, cached)."""

from __future__ import annotations

import functools

import cv2
import numpy as np
import pytest
from device_intake.domain.documents import InspectionResult
from device_intake.inspection.back import (
    FOLD_STEP,
    GRAIN_SPREAD,
    NO_LOGO,
    ODD_CORNER,
    RIM_RIDGE,
    fold_step,
    glare_streaks,
    inspect_back,
    logo_detail,
    rim_ridge,
)
from device_intake.inspection.device import corner_angles, rectangle_like
from device_intake.inspection.loading import load_document

from tests.generator.cases import CaseSpec, generate


@functools.cache
def _inspect(family: str, seed: int, **extra: object) -> InspectionResult:
    params: dict[str, object] = {"photo_size": (1536, 2048), **extra}
    case = generate(CaseSpec(family, "dev", params), seed)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    return inspect_back(doc)


def test_bare_back_is_acceptable_and_outlined() -> None:
    result = _inspect("back_photo", 1)
    assert result.flags == []
    assert [b.label for b in result.boxes] == ["device"]


def test_opaque_case_is_case_attached() -> None:
    assert _inspect("back_case", 2, case="opaque").flags == ["CASE_ATTACHED"]


def test_a_book_case_perspective_makes_phone_long_is_case_attached() -> None:
    # Opened flat and seen at a slant, the two panels measure 1.6 : 1 like a phone, and
    # the card slots pass for a logo: only the fold between the panels tells.
    assert _inspect("back_case", 16, case="book").flags == ["CASE_ATTACHED"]


def test_a_back_cut_by_the_frame_over_a_hand_of_its_brightness_is_partial_frame() -> None:
    # No outline is found, and where the back crosses the (pink) hand its side is a
    # colour step only: on grey-level edges no side ran into the frame (BLURRY, or
    # WRONG_SUBJECT).
    assert _inspect("back_partial", 4, background="hand").flags == ["PARTIAL_FRAME"]


def test_a_camera_bar_is_not_taken_for_a_whole_back_when_the_frame_cuts_the_phone() -> None:
    # Dev sweep: the frame cuts a beige back on a beige desk, whose own outline does not
    # close; the black camera bar (4 : 1) was the only outline, judged as a whole back with
    # no logo: CASE_ATTACHED and, for its size, LOW_RESOLUTION.
    assert _inspect("back_partial", 908_137).flags == ["PARTIAL_FRAME"]


def _face(fold: bool) -> np.ndarray:
    """A rectified object (600 x 1000): camera bar at the top, a logo, a diagonal sheen,
    a short dark bar across half the middle; with ``fold``, a darker band straight across
    the middle (the spine between a book case's panels)."""
    h, w = 1000, 600
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    face = np.full((h, w), 120.0, np.float32)
    face += 40.0 * np.exp(-((((xx / w + yy / h) / 2 - 0.5) / 0.12) ** 2))
    face[80:200, 20:580] = 25.0
    face[(yy - 600) ** 2 + (xx - 300) ** 2 < 50**2] = 95.0
    face[430:445, 0:300] = 60.0
    if fold:
        face[490:510, :] *= 0.6
    noise = np.random.default_rng(3).normal(0, 2.0, face.shape)
    return np.clip(face + noise, 0, 255).astype(np.uint8)


def test_a_fold_straight_across_the_middle_is_a_book_case() -> None:
    assert fold_step(_face(fold=True)) >= FOLD_STEP
    assert fold_step(_face(fold=True).T.copy()) >= FOLD_STEP  # the other way round
    # A camera bar (outside the middle), a logo, a sheen and a bar across only half the
    # width are not a fold.
    assert fold_step(_face(fold=False)) < FOLD_STEP


def test_lit_settings_screen_on_the_back_slot_is_front_side_shown() -> None:
    assert _inspect("back_front_shown", 1).flags == ["FRONT_SIDE_SHOWN"]


def _black_back(logo: bool, wide_glare: bool = False, noise: float = 1.5) -> np.ndarray:
    """A rectified black back (500 x 1000) with two soft glare spots, one on the logo."""
    h, w = 1000, 500
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    face = np.full((h, w), 30.0, np.float32)
    for cy, cx, sigma in ((590, 235, 45), (700, 300, 40)):
        face += 110.0 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * sigma**2))
    if wide_glare:
        # A broad soft band of glare across the lower middle (more than half of it lit).
        face += 90.0 * np.exp(-((yy - 700) ** 2) / (2 * 110.0**2))
    if logo:
        # A soft-edged logo 12 grey levels above the body, under the first glare spot.
        disc = np.zeros((h, w), np.float32)
        disc[(yy - 600) ** 2 + (xx - 250) ** 2 < 45**2] = 12.0
        face += cv2.GaussianBlur(disc, (0, 0), 2.0)
    grain = np.random.default_rng(7).normal(0, noise, face.shape)
    return np.clip(face + grain, 0, 255).astype(np.uint8)


def test_a_logo_under_glare_on_a_black_back_is_still_seen() -> None:
    # The glare used to set the stretch of the dim middle, which left the logo at its
    # 12 levels and without edges: the bare back was taken for an opaque case.
    with_logo, _ = logo_detail(_black_back(logo=True))
    glare_only, _ = logo_detail(_black_back(logo=False))
    assert with_logo >= NO_LOGO
    assert glare_only < NO_LOGO


def test_a_logo_is_still_seen_when_glare_lights_most_of_the_middle() -> None:
    # The body was judged dark on the middle's median, which the glare lifted over 70:
    # the logo was then looked for without the stretch and not found.
    with_logo, _ = logo_detail(_black_back(logo=True, wide_glare=True))
    glare_only, _ = logo_detail(_black_back(logo=False, wide_glare=True))
    assert with_logo >= NO_LOGO
    assert glare_only < NO_LOGO


def test_sensor_noise_on_a_black_back_is_neither_grain_nor_a_logo() -> None:
    # Stretched 3x at fixed Canny thresholds, noise put edges over most of the middle:
    # at sigma 3 a plain back had a "logo" and case grain; at 4.5, edges everywhere.
    # The threshold now follows the noise in the gradient.
    with_logo, spread = logo_detail(_black_back(logo=True, noise=3.0))
    assert with_logo >= NO_LOGO
    assert spread < GRAIN_SPREAD
    for noise in (3.0, 4.5):
        plain, plain_spread = logo_detail(_black_back(logo=False, noise=noise))
        assert plain < NO_LOGO
        assert plain_spread < GRAIN_SPREAD


def _faint_word_mark(level: float, noise: float, seed: int) -> np.ndarray:
    """A plain black back (500 x 1000) with, when ``level``, a soft word mark that many
    grey levels above the body where word marks sit (0.72 of the height)."""
    face = np.full((1000, 500), 30.0, np.float32)
    if level:
        mark = np.zeros(face.shape, np.uint8)
        cv2.putText(mark, "SONY", (150, 730), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 1, 9, cv2.LINE_AA)
        face += cv2.GaussianBlur(mark.astype(np.float32) * level, (0, 0), 2.5)
    grain = np.random.default_rng(seed).normal(0, noise, face.shape)
    return np.clip(face + grain, 0, 255).astype(np.uint8)


def test_a_faint_soft_word_mark_on_a_black_back_is_a_logo() -> None:
    # Dev backs: a black phone's word mark, softened by focus and resampling, 8 levels
    # above the body. Stretched at most 3x it made no edge and the bare back read as an
    # opaque case (CASE_ATTACHED on 5 of 2,270 dev backs).
    for seed in (7, 8):
        mark, spread = logo_detail(_faint_word_mark(8.0, 1.5, seed))
        assert mark >= NO_LOGO
        assert spread < GRAIN_SPREAD
        for noise in (1.5, 3.0, 4.5):
            plain, plain_spread = logo_detail(_faint_word_mark(0.0, noise, seed))
            assert plain < NO_LOGO
            assert plain_spread < GRAIN_SPREAD


def test_a_wedge_shaped_outline_is_not_judged_for_a_case_but_sent_to_a_reviewer() -> None:
    # Dev backs on wood and on a hand: a glare's diagonal edge split the colour blob and
    # the outline found was a wedge of the back (a corner of 24-58°). Its rectified face,
    # a stretched piece with no logo in its middle, was called an opaque case.
    rng = np.random.default_rng(3)
    img = np.clip(rng.normal(150, 12, (1600, 1200, 3)), 0, 255).astype(np.uint8)
    img = cv2.GaussianBlur(img, (0, 0), 2)
    wedge = np.array([[420, 300], [820, 330], [760, 1250], [470, 800]], np.int32)
    cv2.fillPoly(img, [wedge], (40, 40, 45))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    result = inspect_back(load_document(buf.tobytes(), filename="w.jpg", content_type="image/jpeg"))
    assert result.flags == [] and result.uncertain == ["case"]
    assert [b.label for b in result.boxes] == ["device"]


def test_corner_angles_of_a_rectangle_a_slanted_phone_and_a_wedge() -> None:
    rect = np.array([[0, 0], [100, 0], [100, 200], [0, 200]], np.float32)
    assert np.allclose(corner_angles(rect), 90.0)
    slanted = cv2.boxPoints(((300.0, 300.0), (200.0, 420.0), 17.0))
    assert rectangle_like(slanted, 1.0)
    wedge = np.array([[420, 300], [820, 330], [760, 1250], [470, 800]], np.float32)
    assert not rectangle_like(wedge, ODD_CORNER)
    assert corner_angles(wedge).sum() == pytest.approx(360.0)


def _wood(rng: np.random.Generator) -> np.ndarray:
    """A grained mid-brown surface, 750 x 1000."""
    grain = cv2.GaussianBlur(rng.normal(0, 1, (1000, 750)).astype(np.float32), (0, 0), 6)
    grain = cv2.resize(grain[:, ::8], (750, 1000))  # long streaks
    base = 120 + 25 * grain / (np.abs(grain).max() + 1e-6)
    return np.clip(np.dstack([base * 0.55, base * 0.8, base]), 0, 255).astype(np.uint8)


def _phone_on_wood(rim: int, body: tuple[int, int, int] = (110, 80, 60)) -> np.ndarray:
    img = _wood(np.random.default_rng(5))
    if rim:
        cv2.rectangle(img, (250 - rim, 200 - rim), (500 + rim, 700 + rim), (205, 215, 215), -1)
    cv2.rectangle(img, (250, 200), (500, 700), body, -1)
    return img


@pytest.mark.parametrize("outline", ["case edge", "phone body"])
def test_a_milky_rim_all_round_the_phone_is_a_clear_case(outline: str) -> None:
    # Wherever the outline fell (on the case's outer edge, or on the phone inside the
    # rim), the band brighter than wood and back on every side is found.
    img = _phone_on_wood(rim=10)
    pad = 10 if outline == "case edge" else 0
    quad = np.array(
        [
            [250 - pad, 200 - pad],
            [500 + pad, 200 - pad],
            [500 + pad, 700 + pad],
            [250 - pad, 700 + pad],
        ],
        np.float32,
    )
    assert rim_ridge(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), quad) >= RIM_RIDGE


def test_a_bare_back_and_a_frame_seen_on_one_side_are_no_rim() -> None:
    quad = np.array([[250, 200], [500, 200], [500, 700], [250, 700]], np.float32)
    bare = _phone_on_wood(rim=0)
    assert rim_ridge(cv2.cvtColor(bare, cv2.COLOR_BGR2GRAY), quad) < RIM_RIDGE
    # A metal frame catching the light along one long side (the phone seen at a slant).
    framed = bare.copy()
    cv2.rectangle(framed, (240, 200), (250, 700), (225, 225, 225), -1)
    assert rim_ridge(cv2.cvtColor(framed, cv2.COLOR_BGR2GRAY), quad) < RIM_RIDGE


def _light_face(streaks: list[int], blob: bool = False) -> np.ndarray:
    """A beige face (900 x 450) with faint wide oblique streaks (+20 levels, 30 px wide)
    and, if asked, a lamp's soft glare spot."""
    rng = np.random.default_rng(7)
    img = np.clip(rng.normal(200, 3, (900, 450)), 0, 255).astype(np.float32)
    for start in streaks:
        band = np.zeros_like(img)
        cv2.line(band, (start, 0), (start + 250, 899), 1.0, 30)
        img += 20 * cv2.GaussianBlur(band, (0, 0), 4)
    if blob:
        yy, xx = np.mgrid[0:900, 0:450]
        img += 45 * np.exp(-(((xx - 220) / 120.0) ** 2 + ((yy - 500) / 90.0) ** 2))
    return np.clip(img, 0, 255).astype(np.uint8)


def test_faint_wide_streaks_on_a_light_clear_case_are_glare_streaks() -> None:
    # Dev clear cases on beige and white bodies: their streaks were too faint (40 levels)
    # and too wide (25 px) for the top-hat, and the case passed.
    assert glare_streaks(_light_face([40, 160])) >= 2
    assert glare_streaks(_light_face([40, 160], blob=True)) >= 2


def test_a_soft_glare_spot_on_a_bare_back_is_no_streak() -> None:
    assert glare_streaks(_light_face([], blob=True)) == 0
