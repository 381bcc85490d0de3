"""Screenshot score: each signal on its own, and that no single one decides."""

from __future__ import annotations

import cv2
import numpy as np
from device_intake.inspection.quality import downscale, edge_sharpness, to_gray
from device_intake.inspection.screenshot import (
    SCREENSHOT_THRESHOLD,
    ScreenshotVerdict,
    camera_exif,
    exact_flat_share,
    exif_says_screenshot,
    native_resolution,
    score_screenshot,
    screen_aspect,
    tall_aspect,
    tilted_outline,
)


def _ui(h: int = 2532, w: int = 1170) -> np.ndarray:
    img = np.full((h, w, 3), 242, np.uint8)
    img[300:2400:130, 40 : w - 40] = 255  # rows
    img[330:2400:130, 60:400] = 0  # label text strokes
    return img


def _photo(h: int = 3024, w: int = 4032, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.full((h, w, 3), 120.0) + rng.normal(0, 3.0, (h, w, 1))
    return np.clip(base, 0, 255).astype(np.uint8)


def test_camera_make_or_exposure_counts_as_camera_exif() -> None:
    assert camera_exif({"Make": "Apple", "Model": "iPhone 13"})
    assert camera_exif({"ExposureTime": 0.01})
    assert not camera_exif({"Software": "17.5.1"})
    assert not camera_exif({})


def test_ios_user_comment_marks_a_screenshot() -> None:
    assert exif_says_screenshot({"UserComment": b"Screenshot"})
    assert not exif_says_screenshot({"UserComment": "holiday"})


def test_native_phone_resolutions_in_either_orientation() -> None:
    assert native_resolution((1170, 2532)) and native_resolution((2532, 1170))
    assert not native_resolution((4032, 3024))
    assert tall_aspect((1080, 2400)) and not tall_aspect((3024, 4032))


def test_a_tablet_screen_scaled_down_by_a_messenger_keeps_a_shape_no_camera_has() -> None:
    # Dev *#06# screenshots of a 1640x2360 iPad, scaled to 889x1280 / 1111x1600 by a
    # messenger: with their dialog card taken for a device outline they scored 1.5.
    assert screen_aspect((889, 1280)) and screen_aspect((1600, 1111))
    assert screen_aspect((1080, 2400))  # the tall phone shapes are screen shapes too
    # Camera formats are no evidence: 4:3, 3:2, 16:9 (also iPhone 8's 750x1334), square.
    for size in ((3024, 4032), (1080, 1440), (4000, 6000), (2268, 4032), (750, 1334), (800, 800)):
        assert not screen_aspect(size), size
    # Matched to within a pixel's rounding: a 3:2 photo cropped a little is not an iPad mini.
    assert screen_aspect((1488, 2266)) and not screen_aspect((1488, 2300))


def test_a_messenger_scaled_tablet_screenshot_with_a_card_outline_is_a_screenshot() -> None:
    ui = _ui(1280, 889)
    verdict = score_screenshot(
        ui,
        exif={},
        file_format="jpeg",
        original_size=(889, 1280),
        device_found=True,  # the dialog card
        device_fills_frame=False,
        device_quad=np.array([[60, 500], [830, 500], [830, 800], [60, 800]], np.float32),
    )
    assert verdict.signals["screen_aspect"] == 0.75
    assert verdict.is_screenshot


def _box(angle: float) -> np.ndarray:
    return cv2.boxPoints(((500.0, 500.0), (300.0, 600.0), angle))


def test_an_outline_turned_from_the_pixel_grid_is_a_photographed_object() -> None:
    assert tilted_outline(_box(6.0)) and tilted_outline(_box(-20.0))
    # Drawn on the grid (a dialog card), or barely turned: no evidence.
    assert not tilted_outline(_box(0.0)) and not tilted_outline(_box(2.0))
    # Dev screenshot: a barcode and its digits fitted as a quad, one side slanted. No
    # rectangle, so no evidence either, however slanted that side.
    blob = np.array([[295.7, 756.5], [595.2, 759.0], [462.1, 908.8], [295.7, 887.0]])
    assert not tilted_outline(blob)
    # A card with one side off the grid (a rounded corner cut): its sides do not turn together.
    card = np.array([[100.0, 100.0], [700.0, 100.0], [700.0, 400.0], [110.0, 400.0]])
    assert not tilted_outline(card)


def test_a_turned_outline_on_a_flat_desk_keeps_a_photo_from_passing_for_a_screenshot() -> None:
    # Dev photos on a smooth hand, re-encoded without EXIF: flat pixels maxed out, and the
    # score sat at exactly the threshold before the outline's turn was counted.
    ui = _ui(1920, 1440)

    def score(quad: np.ndarray) -> ScreenshotVerdict:
        return score_screenshot(
            ui,
            exif={},
            file_format="jpeg",
            original_size=(1440, 1920),
            device_found=True,
            device_fills_frame=False,
            device_quad=quad,
        )

    turned, square = score(_box(6.4)), score(_box(0.0))
    assert turned.signals["tilted_outline"] == -1.0 and "tilted_outline" not in square.signals
    assert turned.score == square.score - 1.0


def test_rendered_ui_is_flat_and_sensor_noise_is_not() -> None:
    assert exact_flat_share(_ui()[:, :, 0]) > 0.5
    assert exact_flat_share(_photo(600, 800)[:, :, 0]) < 0.05


def test_png_ui_at_native_size_without_exif_scores_as_screenshot() -> None:
    verdict = score_screenshot(
        _ui(),
        exif={},
        file_format="png",
        original_size=(1170, 2532),
        device_found=False,
        device_fills_frame=False,
    )
    assert verdict.is_screenshot and verdict.score >= SCREENSHOT_THRESHOLD


def test_noisy_camera_photo_with_exif_and_a_device_outline_is_no_screenshot() -> None:
    verdict = score_screenshot(
        _photo(),
        exif={"Make": "Apple"},
        file_format="jpeg",
        original_size=(4032, 3024),
        device_found=True,
        device_fills_frame=False,
    )
    assert not verdict.is_screenshot
    assert "camera_exif" in verdict.signals


def test_camera_exif_alone_does_not_clear_a_flat_native_png() -> None:
    # Messaging apps strip EXIF and some editors add it: EXIF is evidence, not a verdict.
    verdict = score_screenshot(
        _ui(),
        exif={"Make": "Apple"},
        file_format="png",
        original_size=(1170, 2532),
        device_found=False,
        device_fills_frame=False,
    )
    assert verdict.score > -3.0 + 1.0


def test_a_soft_image_is_a_blurred_photo_not_a_capture() -> None:
    # dev-225 of a 240-front run: a motion-blurred photo at a tablet resolution without
    # EXIF lost its device outline and its sensor noise and scored 2.5 (SCREENSHOT).
    ui = _ui(2048, 1536)
    for y in range(340, 1900, 130):  # text: dark glyph blocks along each row
        for x in range(60, 1400, 48):
            ui[y : y + 30, x : x + 30] = 20
    blurred = cv2.blur(ui, (85, 1))  # the camera moved 85 px sideways (dev-225: 84 px)
    args = {
        "exif": {},
        "file_format": "jpeg",
        "original_size": (1536, 2048),
        "device_found": False,
        "device_fills_frame": False,
    }

    def sharpness(img: np.ndarray) -> float:
        return edge_sharpness(to_gray(downscale(img, 1000)[0]))

    crisp = score_screenshot(ui, sharpness=sharpness(ui), **args)
    soft = score_screenshot(blurred, sharpness=sharpness(blurred), **args)
    assert "soft_edges" not in crisp.signals and crisp.is_screenshot
    assert soft.signals["soft_edges"] < 0
    assert soft.score <= crisp.score - 1.5


def test_a_capture_too_blank_to_measure_gets_no_soft_edge_signal() -> None:
    verdict = score_screenshot(
        np.full((2048, 1536, 3), 242, np.uint8),
        exif={},
        file_format="png",
        original_size=(1536, 2048),
        device_found=False,
        device_fills_frame=False,
        sharpness=0.0,
    )
    assert "soft_edges" not in verdict.signals
