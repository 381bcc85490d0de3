"""Photo quality measures shared by the front and back inspections: darkness, blur, size.

Every measure is a plain number so the benchmark can sweep thresholds; the thresholds
live here as named constants (documented in ``docs/vision.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Mean luminance (0..255) of the whole photo below which it is TOO_DARK, unless the lit
# screen alone is bright (a phone photographed in a dim room is still readable).
DARK_MEAN = 55.0
# 99th percentile luminance: a dark photo has nothing bright at all.
DARK_P99 = 90.0
# Edge steepness (see :func:`edge_sharpness`) below which a photo is BLURRY.
BLUR_EDGE = 0.08
# A front's device crop carries the screen's text and the glass edge: below this it is
# BLURRY (dev sweep: every sharp front, a back in the front slot included, >= 0.21;
# blurred fronts whose outline was still found <= 0.17). A plain back needs BLUR_EDGE.
BLUR_EDGE_FRONT = 0.19
# The same for a whole photo in which no device was found (the background counts too).
BLUR_EDGE_WHOLE = 0.14
# The same with the full tonal range as contrast (see edge_sharpness): a photo in which no
# device was found is BLURRY below either (dev sweep: blurred backs <= 0.098, the sharp
# photos of a device that was not found >= 0.11 unless soft on the other measure too).
BLUR_EDGE_FULL_RANGE = 0.104
# A device cut by the frame is BLURRY when neither its crop nor the whole photo reaches
# this (dev sweep: sharp partial backs >= 0.13 on the better of the two, blurred <= 0.13).
BLUR_EDGE_PARTIAL = 0.12
# A device crop with few steep edges overall (a plain back: BLUR_EDGE_FRONT would call it
# blurred) is in focus when one of its tiles has edges this steep (see crisp_detail): the
# lens ring or the maker's logo of a back. Dev: in-focus backs in the front slot >= 0.50
# (second-best tile), defocused or shaken fronts whose outline was found <= 0.26.
CRISP_DETAIL = 0.40
# Fewer pixels than this on the screen's short side cannot carry readable digits.
MIN_SCREEN_SHORT_SIDE = 260
# A phone body is at most this many times as long as it is wide (a 21:9 screen): the long
# side of a device cut by the frame bounds its width from below.
MAX_DEVICE_ASPECT = 2.3
# A whole photo smaller than this (long side) is LOW_RESOLUTION whatever it shows.
MIN_IMAGE_LONG_SIDE = 640


@dataclass(frozen=True, slots=True)
class Brightness:
    mean: float
    p50: float
    p99: float

    @property
    def too_dark(self) -> bool:
        return self.mean < DARK_MEAN and self.p99 < DARK_P99


def to_gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def brightness(gray: np.ndarray) -> Brightness:
    """Luminance statistics on a (small) grayscale copy."""
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    total = float(hist.sum()) or 1.0
    cdf = np.cumsum(hist) / total
    mean = float((hist * np.arange(256)).sum() / total)
    return Brightness(
        mean=mean,
        p50=float(np.searchsorted(cdf, 0.50)),
        p99=float(np.searchsorted(cdf, 0.99)),
    )


def edge_sharpness(
    gray: np.ndarray, *, target_long_side: int = 640, full_range: bool = False
) -> float:
    """Steepest edges relative to contrast, in the least sharp direction (0..~0.6).

    A crisp step rises over 1-2 px, so its gradient is about half the contrast; defocus of
    sigma px divides that by ~2.5 sigma. Motion blur only softens edges along its direction,
    hence the minimum over four directions. The region is resized to a fixed long side so
    a device filling a 12 MP photo and one in a 2 MP photo compare. ``full_range``: contrast
    from the darkest to the brightest pixel instead of the 1st-99th percentiles (a few dark
    camera lenses on a light back then count as contrast, not as a steep edge).
    """
    h, w = gray.shape[:2]
    if h < 16 or w < 16:
        return 0.0
    region, directional = _gradients(gray, target_long_side)
    lo, hi = np.percentile(region, (0, 100) if full_range else (1, 99))
    contrast = float(hi - lo)
    if contrast < 10:
        return 0.0
    return min(float(np.percentile(g, 99.7)) for g in directional) / contrast


def _gradients(gray: np.ndarray, long_side: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """``gray`` resized to ``long_side`` (float32) and its absolute gradients along x, y and
    the two diagonals (a step of contrast c over 1-2 px gives ~c/2)."""
    h, w = gray.shape[:2]
    scale = long_side / max(h, w)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    region = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=interp)
    region = region.astype(np.float32)
    gx = cv2.Sobel(region, cv2.CV_32F, 1, 0, ksize=3) / 4.0
    gy = cv2.Sobel(region, cv2.CV_32F, 0, 1, ksize=3) / 4.0
    return region, (np.abs(gx), np.abs(gy), np.abs(gx + gy) / 1.414, np.abs(gx - gy) / 1.414)


def noise_sigma(gray: np.ndarray) -> float:
    """Immerkær's fast noise estimate (std of sensor noise, in grey levels).

    A camera photo has sigma ≳ 0.8 even after JPEG; a rendered screenshot has ~0 in its
    flat areas. Computed on flat pixels only so that text edges do not count as noise.
    """
    if gray.shape[0] < 3 or gray.shape[1] < 3:
        return 0.0
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
    g = gray.astype(np.float32)
    response = np.abs(cv2.filter2D(g, -1, kernel))[1:-1, 1:-1]
    grad = cv2.Sobel(g, cv2.CV_32F, 1, 0) ** 2 + cv2.Sobel(g, cv2.CV_32F, 0, 1) ** 2
    flat = grad[1:-1, 1:-1] < np.percentile(grad, 50) + 1e-3
    if flat.sum() < 100:
        return 0.0
    return float(np.sqrt(np.pi / 2) * response[flat].mean() / 6.0)


def exact_flat_fraction(gray: np.ndarray) -> float:
    """Share of pixels whose 3x3 neighbourhood is exactly uniform (no noise at all)."""
    if gray.shape[0] < 3 or gray.shape[1] < 3:
        return 0.0
    mx = cv2.dilate(gray, np.ones((3, 3), np.uint8))
    mn = cv2.erode(gray, np.ones((3, 3), np.uint8))
    return float(np.count_nonzero(mx == mn)) / float(gray.size)


def downscale(image: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """Image resized so its long side is ``long_side`` (never upscaled) and the factor used."""
    h, w = image.shape[:2]
    scale = min(1.0, long_side / max(h, w))
    if scale >= 1.0:
        return image, 1.0
    size = (round(w * scale), round(h * scale))
    step = int(1.0 / scale)
    if step >= 2:
        # INTER_AREA is 3x faster for a whole factor (block averages): 12 MP to ~1000 px
        # costs ~12 ms + a few for the remainder instead of ~38 ms on one core.
        image = cv2.resize(image, None, fx=1.0 / step, fy=1.0 / step, interpolation=cv2.INTER_AREA)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return small, scale


def median_u8(gray: np.ndarray) -> float:
    """``np.median`` of a uint8 image from its histogram (3x faster on a 12 MP screen)."""
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist)
    n = gray.size
    lo = int(np.searchsorted(cdf, (n - 1) // 2 + 1))
    hi = int(np.searchsorted(cdf, n // 2 + 1))
    return (lo + hi) / 2.0


def looks_blurry(device_edge: float, photo: np.ndarray) -> bool:
    """BLURRY from the device crop's :func:`edge_sharpness` and the whole (grey) photo.

    A plain back (or a screen) has few edges of its own, so a softly blurred device can
    keep its crop above ``BLUR_EDGE``; when the whole photo is soft as well, the camera
    shook or missed focus. Sharp photos on dev measure >= 0.19 on both. The whole photo
    is measured only when the crop is in doubt.
    """
    if device_edge < BLUR_EDGE:
        return True
    return device_edge < BLUR_EDGE_WHOLE and edge_sharpness(photo) < BLUR_EDGE_WHOLE


def crop_box(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The axis-aligned crop of ``gray`` round ``quad`` (clipped to the image)."""
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    h, w = gray.shape[:2]
    return gray[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]


def device_blurry(
    gray_small: np.ndarray, quad_small: np.ndarray, partial: bool, crop_limit: float = BLUR_EDGE
) -> tuple[bool, float]:
    """BLURRY for a found device (quad in ``gray_small`` pixels), and its crop's sharpness.

    ``crop_limit``: the crop's sharpness below which it is blurred whatever the photo
    (``BLUR_EDGE`` for a plain back, ``BLUR_EDGE_FRONT`` for a screen). A device cut by the
    frame shows little of its outline, and the rest of the photo may be soft (a hand, a
    cloth): it is blurred only when neither has a crisp edge.
    """
    crop = crop_box(gray_small, quad_small)
    crop_edge = edge_sharpness(crop)
    if partial:
        return max(crop_edge, edge_sharpness(gray_small)) < BLUR_EDGE_PARTIAL, crop_edge
    blurred = crop_edge < crop_limit or looks_blurry(crop_edge, gray_small)
    if blurred and crop_edge >= BLUR_EDGE and crisp_detail(crop) >= CRISP_DETAIL:
        # Few steep edges, but the ones there are crisp: a plain face in focus.
        blurred = False
    return blurred, crop_edge


def device_short_side(size: tuple[float, float], partial: bool) -> float:
    """The device's short side in photo pixels, for the LOW_RESOLUTION test.

    A device cut by the frame shows only part of its width; its visible long side (the
    frame rarely cuts both) divided by ``MAX_DEVICE_ASPECT`` is a floor for the real one.
    """
    short, long = min(size), max(size)
    if partial:
        return max(short, long / MAX_DEVICE_ASPECT)
    return short


def crisp_detail(gray: np.ndarray, *, tile: int = 80, min_contrast: float = 40.0) -> float:
    """Edge steepness of the second-crispest tile of ``gray`` (resized to a 640 px long side).

    :func:`edge_sharpness` over a whole plain back is low: its few edges (lens ring, logo)
    are under 0.3 % of the pixels. Judged per tile (half-overlapping, each against its own
    contrast, tiles of less than ``min_contrast`` grey levels skipped) a focused detail
    keeps its steepness, while defocus and camera shake soften every tile. The second best
    tile, so a single glint cannot pass a blurred photo.
    """
    h, w = gray.shape[:2]
    if h < 16 or w < 16:
        return 0.0
    region, directional = _gradients(gray, 640)
    rh, rw = region.shape
    step = tile // 2
    steepness = []
    for y in range(0, max(1, rh - step), step):
        for x in range(0, max(1, rw - step), step):
            block = region[y : y + tile, x : x + tile]
            lo, hi = np.percentile(block, (1, 99))
            if hi - lo < min_contrast:
                continue
            peak = min(float(np.percentile(g[y : y + tile, x : x + tile], 99)) for g in directional)
            steepness.append(peak / float(hi - lo))
    if len(steepness) < 2:
        return 0.0
    return sorted(steepness)[-2]


def photo_blurry(gray_small: np.ndarray) -> bool:
    """BLURRY for a photo in which no device was found: judged on the whole photo."""
    return (
        edge_sharpness(gray_small) < BLUR_EDGE_WHOLE
        or edge_sharpness(gray_small, full_range=True) < BLUR_EDGE_FULL_RANGE
    )
