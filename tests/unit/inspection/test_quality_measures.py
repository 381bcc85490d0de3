"""Darkness, blur and size measures used by the front and back inspections."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from device_intake.inspection import quality


def _edges_image() -> np.ndarray:
    img = np.full((600, 400), 200, np.uint8)
    cv2.rectangle(img, (80, 100), (320, 500), 30, -1)
    for y in range(150, 450, 40):
        cv2.putText(img, "35 209900", (100, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 230, 2)
    return img


def test_dark_photo_is_too_dark_and_a_normal_one_is_not() -> None:
    normal = _edges_image()
    dark = (normal.astype(np.float32) * 0.12).astype(np.uint8)
    assert not quality.brightness(normal).too_dark
    assert quality.brightness(dark).too_dark


def test_defocus_lowers_edge_sharpness_below_the_blur_threshold() -> None:
    sharp = _edges_image()
    blurred = cv2.GaussianBlur(sharp, (0, 0), 12)
    assert quality.edge_sharpness(sharp) > quality.BLUR_EDGE * 2
    assert quality.edge_sharpness(blurred) < quality.BLUR_EDGE


def test_motion_blur_in_one_direction_is_caught() -> None:
    sharp = _edges_image()
    kernel = np.zeros((41, 41), np.float32)
    kernel[20, :] = 1 / 41
    smeared = cv2.filter2D(sharp, -1, kernel)
    assert quality.edge_sharpness(smeared) < quality.edge_sharpness(sharp) / 2


def test_edge_sharpness_does_not_depend_on_resolution() -> None:
    sharp = _edges_image()
    big = cv2.resize(sharp, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    assert abs(quality.edge_sharpness(big) - quality.edge_sharpness(sharp)) < 0.2


def test_noise_estimate_separates_sensor_noise_from_flat_render() -> None:
    flat = np.full((300, 300), 128, np.uint8)
    noisy = np.clip(flat + np.random.default_rng(1).normal(0, 4, flat.shape), 0, 255)
    assert quality.noise_sigma(flat) < 0.2
    assert quality.noise_sigma(noisy.astype(np.uint8)) > 2.0


def test_downscale_never_upscales() -> None:
    img = np.zeros((300, 200, 3), np.uint8)
    assert quality.downscale(img, 1000) == (img, 1.0) or quality.downscale(img, 1000)[1] == 1.0
    small, s = quality.downscale(np.zeros((4032, 3024, 3), np.uint8), 1000)
    assert max(small.shape[:2]) == 1000 and abs(s - 1000 / 4032) < 1e-9


def test_median_u8_equals_numpy_median_for_odd_and_even_counts() -> None:
    from device_intake.inspection.quality import median_u8

    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 4, 101, 1000):
        for low, high in ((0, 256), (100, 103)):  # spread out, and many ties
            values = rng.integers(low, high, (n, 1), dtype=np.uint8)
            assert median_u8(values) == float(np.median(values))


def test_downscale_of_a_12mp_photo_matches_a_direct_area_resize() -> None:
    from device_intake.inspection.quality import downscale

    rng = np.random.default_rng(2)
    noise = rng.integers(0, 256, (4032, 3024, 3), dtype=np.uint8)
    image = cv2.GaussianBlur(noise, (0, 0), 6)  # detail at a camera photo's scale
    small, scale = downscale(image, 1000)
    assert small.shape == (1000, 750, 3)
    assert scale == pytest.approx(1000 / 4032)
    direct = cv2.resize(image, (750, 1000), interpolation=cv2.INTER_AREA)
    # Two area steps average the same pixels up to rounding.
    assert np.abs(small.astype(int) - direct.astype(int)).mean() < 1.0


def _plain_back() -> tuple[np.ndarray, np.ndarray]:
    """A light, smoothly lit back with a black lens and a grey word mark on a grey table."""
    img = np.full((1000, 750), 110, np.uint8)
    body = np.linspace(150, 235, 450)[None, :] + np.linspace(0, 20, 900)[:, None]
    img[50:950, 150:600] = np.clip(body, 0, 255).astype(np.uint8)
    cv2.circle(img, (230, 140), 38, 25, -1)
    cv2.circle(img, (230, 140), 12, 70, -1)
    cv2.putText(img, "SONY", (320, 620), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 120, 3)
    quad = np.array([[150, 50], [599, 50], [599, 949], [150, 949]], np.float32)
    return img, quad


def test_a_plain_back_in_focus_is_not_blurry_with_the_front_limit() -> None:
    # Its few edges leave the crop under the front's limit (the back in the front slot
    # that was called BLURRY); the crisp lens ring and word mark say it is in focus.
    img, quad = _plain_back()
    crop = quality.crop_box(img, quad)
    assert quality.edge_sharpness(crop) < quality.BLUR_EDGE_FRONT
    assert quality.crisp_detail(crop) >= quality.CRISP_DETAIL
    blurred, _ = quality.device_blurry(img, quad, False, crop_limit=quality.BLUR_EDGE_FRONT)
    assert not blurred


@pytest.mark.parametrize("sigma", [2.5, 4.0])
def test_a_defocused_plain_back_stays_blurry(sigma: float) -> None:
    img, quad = _plain_back()
    soft = cv2.GaussianBlur(img, (0, 0), sigma)
    assert quality.crisp_detail(quality.crop_box(soft, quad)) < quality.CRISP_DETAIL
    assert quality.device_blurry(soft, quad, False, crop_limit=quality.BLUR_EDGE_FRONT)[0]


def test_camera_shake_leaves_no_crisp_tile() -> None:
    img, quad = _plain_back()
    kernel = np.zeros((31, 31), np.float32)
    kernel[15, :] = 1 / 31
    shaken = cv2.filter2D(img, -1, kernel)
    assert quality.crisp_detail(quality.crop_box(shaken, quad)) < quality.CRISP_DETAIL
    assert quality.device_blurry(shaken, quad, False, crop_limit=quality.BLUR_EDGE_FRONT)[0]


def test_crisp_detail_needs_two_contrasted_tiles() -> None:
    assert quality.crisp_detail(np.full((200, 200), 128, np.uint8)) == 0.0
    assert quality.crisp_detail(np.zeros((10, 10), np.uint8)) == 0.0


def test_a_cut_device_is_sized_by_its_visible_length() -> None:
    assert quality.device_short_side((225.0, 800.0), partial=False) == 225.0
    assert quality.device_short_side((225.0, 800.0), partial=True) == pytest.approx(
        800.0 / quality.MAX_DEVICE_ASPECT
    )
    # A whole small device stays small; a cut one is never smaller than what is seen.
    assert quality.device_short_side((200.0, 300.0), partial=True) == 200.0
