"""Is this front "photo" a screenshot? A score from several signals, none decisive alone.

Messaging apps strip EXIF from real photos and re-encode screenshots as JPEG, so no single
signal decides. Each signal adds log-odds-like points; the sum is compared with
:data:`SCREENSHOT_THRESHOLD`. Scores within :data:`UNCERTAIN_MARGIN` of the threshold are
reported as uncertain so a reviewer looks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np

from device_intake.inspection.device import rectangle_like
from device_intake.inspection.quality import noise_sigma

SCREENSHOT_THRESHOLD = 2.0
UNCERTAIN_MARGIN = 0.75
# Most points "no sensor noise" (exactly flat pixels and a low noise estimate) may add.
MAX_NOISELESS = 2.5
# A device outline turned at least this much (mean of its sides, degrees) from the image's
# axes is a photographed object; see :func:`tilted_outline`.
TILT_DEGREES = 3.0
# Whole-image edge steepness (quality.edge_sharpness) below which the image is too soft to
# be a capture (dev: screenshots >= 0.80, sharp photos >= 0.20, blurred photos 0.08-0.15).
SOFT_EDGES = 0.2

# Native screen resolutions (portrait, px) of phones and tablets sold in Japan.
NATIVE_RESOLUTIONS: frozenset[tuple[int, int]] = frozenset(
    {
        # iPhone
        (640, 1136),
        (750, 1334),
        (1080, 1920),
        (1242, 2208),
        (1125, 2436),
        (828, 1792),
        (1242, 2688),
        (1080, 2340),
        (1170, 2532),
        (1284, 2778),
        (1179, 2556),
        (1290, 2796),
        (1206, 2622),
        (1320, 2868),
        (1260, 2736),
        # Android phones
        (720, 1280),
        (720, 1440),
        (720, 1520),
        (720, 1560),
        (720, 1600),
        (720, 1612),
        (1080, 2160),
        (1080, 2220),
        (1080, 2280),
        (1080, 2310),
        (1080, 2340),
        (1080, 2400),
        (1080, 2408),
        (1080, 2412),
        (1080, 2520),
        (1440, 2560),
        (1440, 2880),
        (1440, 2960),
        (1440, 3040),
        (1440, 3088),
        (1440, 3120),
        (1440, 3200),
        (1644, 3840),
        (1096, 2560),
        (1264, 2780),
        (1280, 2856),
        (1344, 2992),
        (1008, 2244),
        # iPad / Android tablets
        (1536, 2048),
        (1620, 2160),
        (1640, 2360),
        (1668, 2224),
        (1668, 2388),
        (2048, 2732),
        (1488, 2266),
        (1200, 1920),
        (1200, 2000),
        (1600, 2560),
        (1752, 2800),
        (1800, 2880),
        (1200, 2000),
        (1600, 2560),
        (1840, 2960),
        (2064, 2752),
    }
)
# Phone-screen aspect ratios (long/short) that camera sensors do not produce (4:3, 3:2,
# 16:9 and 1:1 are camera formats, so they are not evidence).
_TALL_RATIOS = (18 / 9, 18.5 / 9, 19 / 9, 19.5 / 9, 20 / 9, 21 / 9)
_CAMERA_RATIOS = (4 / 3, 3 / 2, 16 / 9, 1.0)
# The other native screens' ratios no camera produces: tablets (1640x2360 is 1.439, 16:10,
# 5:3) and odd phones. A messenger that scales a screenshot down keeps its ratio, to within
# a pixel's rounding (0.2 % at 600 px), so they are matched tightly.
_NATIVE_ONLY_RATIOS = tuple(
    sorted(
        {
            round(h / w, 4)
            for w, h in NATIVE_RESOLUTIONS
            if not any(abs(h / w - c) < 0.012 * c for c in (*_CAMERA_RATIOS, *_TALL_RATIOS))
        }
    )
)


@dataclass(slots=True)
class ScreenshotVerdict:
    score: float
    signals: dict[str, float] = field(default_factory=dict)  # name -> contribution

    @property
    def is_screenshot(self) -> bool:
        return self.score >= SCREENSHOT_THRESHOLD

    @property
    def uncertain(self) -> bool:
        return abs(self.score - SCREENSHOT_THRESHOLD) < UNCERTAIN_MARGIN


_CAMERA_TAGS = (
    "Make",
    "Model",
    "ExposureTime",
    "FNumber",
    "ISOSpeedRatings",
    "PhotographicSensitivity",
    "FocalLength",
    "LensModel",
)


def camera_exif(exif: Mapping[str, object] | None) -> bool:
    """EXIF written by a camera (make/model/exposure) — strong evidence of a real photo."""
    if not exif:
        return False
    return any(exif.get(tag) not in (None, "", b"") for tag in _CAMERA_TAGS)


def exif_says_screenshot(exif: Mapping[str, object] | None) -> bool:
    """iOS writes UserComment "Screenshot"; some Android ROMs put it in Software."""
    if not exif:
        return False
    for tag in ("UserComment", "Software", "ImageDescription"):
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "ignore")
        if isinstance(value, str) and "screenshot" in value.lower():
            return True
    return False


def native_resolution(size: tuple[int, int]) -> bool:
    w, h = size
    return (min(w, h), max(w, h)) in NATIVE_RESOLUTIONS


def tall_aspect(size: tuple[int, int]) -> bool:
    w, h = size
    ratio = max(w, h) / max(1, min(w, h))
    return any(abs(ratio - r) < 0.012 * r for r in _TALL_RATIOS)


def screen_aspect(size: tuple[int, int]) -> bool:
    """A screen's shape that no camera format has: tall phone ratios, or the exact ratio
    of another native screen (an iPad's 1640x2360 scaled to 889x1280 by a messenger)."""
    w, h = size
    ratio = max(w, h) / max(1, min(w, h))
    return tall_aspect(size) or any(abs(ratio - r) < 0.005 * r for r in _NATIVE_ONLY_RATIOS)


def tilted_outline(quad: np.ndarray) -> bool:
    """A rectangle-like outline turned away from the image's axes: the "no perspective"
    signal read the other way round.

    A device held in front of a camera is never exactly square to the frame; what a
    screenshot offers as an outline (a dialog card, a barcode, a list group) is drawn on
    the pixel grid, at 0°, or is no rectangle at all. So: every corner 70-110°, every side
    turned the same way by 1° or more, and by ``TILT_DEGREES`` on average. Dev sweeps: 0 of
    240 screenshots' outlines, 45-52 of 60 photos' in each front family.
    """
    q = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    sides = np.roll(q, -1, axis=0) - q
    angle = np.degrees(np.arctan2(sides[:, 1], sides[:, 0])) % 90.0
    turn = np.where(angle < 45.0, angle, angle - 90.0)  # signed, from the nearest axis
    same_way = bool(np.all(turn >= 1.0) or np.all(turn <= -1.0))
    return rectangle_like(q, 20.0) and same_way and abs(float(turn.mean())) >= TILT_DEGREES


def exact_flat_share(gray: np.ndarray) -> float:
    """Share of mid-tone pixels whose 3x3 neighbourhood is exactly uniform.

    Rendered UI has large exactly-flat areas (and JPEG keeps a flat 8x8 block exactly
    flat); a camera's sensor noise never does. Clipped pixels (0-2, 253-255) are left out
    because an overexposed lit screen is flat at 255 in real photos too.
    """
    if gray.shape[0] < 3 or gray.shape[1] < 3:
        return 0.0
    kernel = np.ones((3, 3), np.uint8)
    flat = cv2.dilate(gray, kernel) == cv2.erode(gray, kernel)
    mid = (gray > 2) & (gray < 253)
    n_mid = int(np.count_nonzero(mid))
    if n_mid < 1000:
        return 0.0
    return float(np.count_nonzero(flat & mid)) / n_mid


def top_band_uniform(gray: np.ndarray) -> float:
    """Share of the top rows equal to their most common value (a status bar flush with the edge)."""
    band = gray[: max(2, gray.shape[0] // 200)]
    values, counts = np.unique(band, return_counts=True)
    if counts.size == 0:
        return 0.0
    mode = int(values[np.argmax(counts)])
    return float(np.count_nonzero(np.abs(band.astype(np.int16) - mode) <= 1)) / band.size


def background_sample(
    gray: np.ndarray, device_quad: np.ndarray, max_side: int = 1200
) -> np.ndarray | None:
    """The widest strip between the device and the photo border, at full resolution.

    In a real photo that is the table or hand: textured and noisy. A screen (photographed
    or captured) can be flat, so the centre of a photo is poor evidence.
    """
    h, w = gray.shape[:2]
    x0, y0 = np.floor(device_quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(device_quad.max(axis=0)).astype(int)
    strips = [
        gray[:, : max(0, x0)],
        gray[:, min(w, x1) :],
        gray[: max(0, y0), :],
        gray[min(h, y1) :, :],
    ]
    best = max(strips, key=lambda a: min(a.shape[:2]) if a.size else 0)
    if best.size == 0 or min(best.shape[:2]) < 64:
        return None
    return sample_full_res(best, max_side)


def sample_full_res(gray: np.ndarray, max_side: int = 1200) -> np.ndarray:
    """A central crop at full resolution: downscaling would average away the sensor noise."""
    h, w = gray.shape[:2]
    ch, cw = min(h, max_side), min(w, max_side)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    return gray[y0 : y0 + ch, x0 : x0 + cw]


def score_screenshot(
    image: np.ndarray,
    *,
    exif: Mapping[str, object] | None,
    file_format: str | None,
    original_size: tuple[int, int] | None,
    device_found: bool,
    device_fills_frame: bool,
    device_quad: np.ndarray | None = None,
    sharpness: float | None = None,
) -> ScreenshotVerdict:
    """Combine the signals into one score (higher = more screenshot-like).

    ``sharpness``: :func:`quality.edge_sharpness` of the whole image (grey, ~1000 px), if the
    caller has it: a capture's text and UI edges are one-pixel steps, so a soft image is a
    photo (a motion-blurred one loses its outline and its noise, the other photo signals).
    """
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    size = original_size or (image.shape[1], image.shape[0])
    signals: dict[str, float] = {}
    if camera_exif(exif):
        signals["camera_exif"] = -3.0
    if exif_says_screenshot(exif):
        signals["exif_screenshot"] = 3.0
    if native_resolution(size):
        # 4:3 tablet resolutions (1536x2048 ...) are also what cameras and phones scale
        # photos to, so they count for less than a screen-only shape.
        signals["native_resolution"] = 1.5 if screen_aspect(size) else 0.5
    elif screen_aspect(size):
        signals["screen_aspect"] = 0.75
    crop = None
    if device_quad is not None and device_found and not device_fills_frame:
        crop = background_sample(gray, device_quad)
    if crop is None:
        crop = sample_full_res(gray)
    flat = exact_flat_share(crop)
    # 0.05 in a photo is already unusual; rendered UI is usually > 0.3.
    flat_points = float(np.clip((flat - 0.08) * 8.0, -0.6, 2.5))
    sigma = noise_sigma(crop)
    noise_points = float(np.clip((0.6 - sigma) * 2.0, -1.5, 1.0))
    # Both measure one thing, the absence of sensor noise, which a messenger's re-encoding
    # or a phone's denoiser also produces on a smooth table: together they count once.
    signals["flat_pixels"] = flat_points
    signals["noise"] = min(noise_points, MAX_NOISELESS - flat_points)
    top = top_band_uniform(gray)
    if top > 0.9:
        signals["top_band_flat"] = 0.5
    if not device_found:
        signals["no_device_outline"] = 0.75
    else:
        signals["device_outline"] = -1.0
        if device_quad is not None and tilted_outline(device_quad):
            signals["tilted_outline"] = -1.0
    # 0 = too little contrast to measure (a nearly blank capture): no evidence either way.
    if sharpness is not None and 0.0 < sharpness < SOFT_EDGES:
        signals["soft_edges"] = -1.5
    if (file_format or "").lower() == "png":
        signals["png"] = 0.75
    score = float(sum(signals.values()))
    return ScreenshotVerdict(score=score, signals=signals)
