"""Page geometry and image preparation for paper documents (receipts, contracts, cards).

``find_page`` decides whether the picture is a photo of paper on a background (then it
finds the sheet's four corners, and whether the sheet runs off the picture) or a flat
image (scan, screenshot, rendered PDF: the whole image is the page). ``prepare_page``
warps photographed paper to a flat rectangle and scales it so that text is
``SMALL_TEXT_PX``-``TARGET_TEXT_PX`` high, where tesseract reads well and fast: large
phone photos get smaller (faster), coarse scans larger (readable).

All geometry runs on a copy with a long side of ``GEOMETRY_LONG_SIDE`` px; the returned
quads are in the pixels of the full image, and ``PreparedPage.to_original`` maps points of
the prepared image back to it (for the reviewer boxes).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

GEOMETRY_LONG_SIDE = 1000
# A sheet must cover at least this share of the picture to be "the document".
MIN_PAGE_AREA = 0.12
# The bright region covering this much of the picture means: no background, a flat image.
FLAT_AREA = 0.88
# Text height (px) handed to OCR. Larger text is scaled down to TARGET_TEXT_PX: tesseract
# reads 22 px print as well as 30 px, and ~20 % faster (its layout analysis and the LSTM
# both work on fewer pixels); 18 px reads prices and store names better still and is
# another ~6 % faster (dev proofs, see the commit). Text under SMALL_TEXT_PX (a
# low-resolution scan or photo) is scaled up to UPSCALE_TEXT_PX, at most MAX_UPSCALE
# times: blown up, thin strokes read better. In between the page keeps its size.
TARGET_TEXT_PX = 18.0
SMALL_TEXT_PX = 16.0
UPSCALE_TEXT_PX = 30.0
MAX_UPSCALE = 2.5
# The sheet touches the picture border along more than this share of a side: cut off.
EDGE_TOUCH_SHARE = 0.06
# Gaussian blurs (px, on the ~1000 px copy) under which the sheet's edge outline is looked
# for, in turn, until one is a true quadrilateral: its area at least TRUE_QUAD of its edge
# contour's hull (a corner cut off the sheet leaves less). Dev photographed proofs (206,
# cache and sweeps): at the light blur 199 reach 0.97; the other 7 (0.91-0.966) reach
# 0.988-0.992 under the stronger one.
EDGE_BLURS = (5, 9)
TRUE_QUAD = 0.97


@dataclass(frozen=True, slots=True)
class PageGeometry:
    quad: np.ndarray  # (4, 2) float32, TL TR BR BL, full-image pixels
    flat: bool  # no paper edge seen: scan, screenshot or rendered page
    cut_sides: tuple[str, ...]  # sides of the picture the sheet runs off ("top", ...)


@dataclass(frozen=True, slots=True)
class PreparedPage:
    image: np.ndarray  # grayscale uint8, upright, text ~16-18 px high (see prepare_page)
    to_original: np.ndarray  # 3x3: prepared-image px -> original-image px
    text_px: float | None  # estimated character height in ORIGINAL pixels
    scale: float  # prepared px per original px (along the text)


def order_quad(points: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL (image coordinates, y down), robust for rotated quads."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def _full_quad(w: int, h: int) -> np.ndarray:
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)


def _small(gray: np.ndarray) -> tuple[np.ndarray, float]:
    h, w = gray.shape[:2]
    scale = min(1.0, GEOMETRY_LONG_SIDE / max(h, w))
    if scale < 1.0:
        gray = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return gray, scale


def to_gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def find_page(image: np.ndarray) -> PageGeometry:
    """Where the sheet of paper is, and whether it is cut by the picture's border.

    First the sheet's outline as a closed quadrilateral of edges (robust to a light desk
    or a hand under the paper); when there is none, the largest bright, unsaturated region
    (a sheet running off the picture has no closed outline) and the sides it touches.
    """
    gray_full = to_gray(image)
    h_full, w_full = gray_full.shape[:2]
    gray, scale = _small(gray_full)
    full = _full_quad(w_full, h_full)
    quad = _edge_quad(gray)
    if quad is not None:
        return PageGeometry(_to_full(quad, scale, w_full, h_full), False, ())
    colour = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    small_colour = cv2.resize(colour, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_AREA)
    blob = _paper_blob(gray, small_colour)
    if blob is None:
        return PageGeometry(full, True, ())
    sheet, quad = blob
    h, w = gray.shape[:2]
    cut = _cut_sides(sheet.reshape(-1, 2), w, h)
    return PageGeometry(_to_full(quad, scale, w_full, h_full), False, cut)


def _to_full(quad: np.ndarray, scale: float, w_full: int, h_full: int) -> np.ndarray:
    return np.clip(quad / scale, 0, [w_full - 1, h_full - 1]).astype(np.float32)


def _quad_of(contour: np.ndarray) -> np.ndarray | None:
    """Four corners of a sheet-like contour: the larger of the polygon approximation and
    the diagonal extreme points (approxPolyDP sometimes cuts a corner off a shaded sheet)."""
    hull = cv2.convexHull(contour)
    candidates: list[np.ndarray] = []
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            candidates.append(order_quad(approx.reshape(4, 2).astype(np.float32)))
            break
    pts = hull.reshape(-1, 2).astype(np.float32)
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    extremes = np.array(
        [pts[np.argmin(s)], pts[np.argmax(d)], pts[np.argmax(s)], pts[np.argmin(d)]]
    )
    if len({tuple(p) for p in extremes.tolist()}) == 4:
        candidates.append(order_quad(extremes))
    if not candidates:
        return None
    return max(candidates, key=lambda q: cv2.contourArea(q.astype(np.float32)))


def _edge_quad(gray: np.ndarray) -> np.ndarray | None:
    """The largest convex 4-corner outline of edges, well inside the picture.

    Under the ``EDGE_BLURS`` in turn, until an outline fills its contour's hull to
    ``TRUE_QUAD``; else the one that fills it best. A textured
    surface under the sheet (a checked cloth, a mottled desk) can join its edges to the
    sheet's outline into one contour that reaches the border or covers the picture (the
    sheet then looks cut); a sheet's side against a background of its brightness (the
    light streak of a wood grain) breaks at the light blur, and the outline found cuts a
    corner off the sheet (its rows are then rectified askew and run into each other). The
    stronger blur loses the texture and joins the broken side. A sheet cut by the border
    reaches it under either blur: the region test then decides what is cut.
    """
    found = []
    for blur in EDGE_BLURS:
        got = _edge_quad_at(gray, blur)
        if got is not None:
            if got[1] >= TRUE_QUAD:
                return got[0]
            found.append(got)
    if not found:
        return None
    return max(found, key=lambda f: f[1])[0]


def _edge_quad_at(gray: np.ndarray, blur_size: int) -> tuple[np.ndarray, float] | None:
    """The largest sheet-like edge outline at one blur (None if the largest one reaches
    the border), with how well it fills its contour's hull (1.0: a true quadrilateral)."""
    h, w = gray.shape[:2]
    blur = cv2.GaussianBlur(gray, (blur_size, blur_size), 0)
    edges = cv2.Canny(blur, 30, 90)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        hull_area = float(cv2.contourArea(cv2.convexHull(contour)))
        area = hull_area / float(h * w)
        if area < MIN_PAGE_AREA or area > 0.97:
            continue
        quad = _quad_of(contour)
        if quad is None:
            continue
        # The hull must really be a quadrilateral (a sheet), not a blob with 4 extremes.
        ratio = float(cv2.contourArea(quad)) / max(1.0, hull_area)
        if ratio < 0.9:
            continue
        margin = 3
        if (
            quad[:, 0].min() <= margin
            or quad[:, 1].min() <= margin
            or quad[:, 0].max() >= w - 1 - margin
            or quad[:, 1].max() >= h - 1 - margin
        ):
            return None  # touches the border: let the region test decide what is cut
        if not _is_paper_inside(gray, quad):
            continue
        return quad, min(ratio, 1.0 / ratio)
    return None


def _is_paper_inside(gray: np.ndarray, quad: np.ndarray) -> bool:
    """Paper is brighter than what surrounds it (a screen or a dark table)."""
    mask = np.zeros_like(gray)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    inside = gray[mask > 0]
    outside = gray[mask == 0]
    if inside.size == 0:
        return False
    if outside.size < 50:
        return True
    return float(np.median(inside)) > float(np.median(outside)) + 10.0


def _paper_blob(gray: np.ndarray, colour: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(contour, quad) of the bright unsaturated region, or None for a flat image."""
    h, w = gray.shape[:2]
    hsv = cv2.cvtColor(colour, cv2.COLOR_BGR2HSV)
    value = cv2.GaussianBlur(hsv[:, :, 2], (5, 5), 0)
    paper_level = float(np.percentile(value, 95))
    otsu, _ = cv2.threshold(value, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Shaded corners of a sheet are ~40 levels darker than its lit middle; Otsu keeps a
    # bright grey desk out when the paper level alone would let it in.
    level = max(float(otsu), paper_level - 55)
    bright = ((value > level) & (hsv[:, :, 1] < 60)).astype(np.uint8) * 255
    k = max(5, (min(h, w) // 40) | 1)
    closed = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    closed = cv2.morphologyEx(closed, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    sheet = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(sheet) / float(h * w)
    mask = np.zeros_like(gray)
    cv2.drawContours(mask, [sheet], -1, 255, thickness=-1)
    outside = gray[mask == 0]
    inside = gray[mask > 0]
    contrast = float(np.median(inside) - np.median(outside)) if outside.size > 50 else 0.0
    if area >= FLAT_AREA or area < MIN_PAGE_AREA or contrast < 25.0:
        return None
    if outside.size and _synthetic(outside):
        return None  # a screenshot's flat-coloured header bar, not a table under paper
    quad = _quad_of(sheet)
    if quad is None:
        quad = order_quad(cv2.boxPoints(cv2.minAreaRect(cv2.convexHull(sheet))))
    return sheet, quad


def _synthetic(pixels: np.ndarray) -> bool:
    """Most pixels exactly one value: drawn UI, never a photographed surface (sensor
    noise and texture spread even a plain table over many grey levels)."""
    counts = np.bincount(pixels.ravel(), minlength=256)
    return float(counts.max()) / float(pixels.size) > 0.6


def _cut_sides(points: np.ndarray, w: int, h: int) -> tuple[str, ...]:
    """Sides of the picture along which the sheet's outline runs (= the sheet continues)."""
    margin = 2
    sides: list[str] = []
    checks = (
        ("left", points[:, 0] <= margin, points[:, 1], h),
        ("right", points[:, 0] >= w - 1 - margin, points[:, 1], h),
        ("top", points[:, 1] <= margin, points[:, 0], w),
        ("bottom", points[:, 1] >= h - 1 - margin, points[:, 0], w),
    )
    for name, on_side, along, length in checks:
        if on_side.sum() >= 2:
            extent = float(along[on_side].max() - along[on_side].min())
            if extent > EDGE_TOUCH_SHARE * length:
                sides.append(name)
    return tuple(sides)


def text_cut_at_border(gray: np.ndarray) -> tuple[str, ...]:
    """Sides of a flat image through which characters are cut (a cropped document).

    Glyph strokes crossing the border show up as several short dark runs in the outermost
    pixel rows, continuing a few pixels inward; a UI bar, a frame line or a dark-mode
    background is one long run and does not count.
    """
    h, w = gray.shape[:2]
    if h < 20 or w < 20:
        return ()
    _, dark = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    strips = {
        "top": (dark[0:2, :].max(axis=0), dark[3:6, :].max(axis=0)),
        "bottom": (dark[h - 2 : h, :].max(axis=0), dark[h - 6 : h - 3, :].max(axis=0)),
        "left": (dark[:, 0:2].max(axis=1), dark[:, 3:6].max(axis=1)),
        "right": (dark[:, w - 2 : w].max(axis=1), dark[:, w - 6 : w - 3].max(axis=1)),
    }
    cut = []
    for side, (edge, inner) in strips.items():
        both = (edge & inner).astype(np.int8)
        length = both.size
        if both.sum() == 0 or both.mean() > 0.4:
            continue
        edges = np.diff(np.concatenate([[0], both, [0]]))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        short = [(e - s_) for s_, e in zip(starts, ends, strict=True) if e - s_ < 0.06 * length]
        if len(short) >= 3:
            cut.append(side)
    return tuple(cut)


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height (px) of character-sized dark blobs: how big the text is."""
    small, scale = _small(gray)
    binary = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return None
    hs = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float32)
    ws = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float32)
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float32)
    fill = areas / np.maximum(hs * ws, 1.0)
    keep = (hs >= 3) & (hs <= small.shape[0] / 8) & (ws <= hs * 3) & (ws >= 1) & (fill > 0.1)
    if keep.sum() < 15:
        return None
    heights = hs[keep]
    # Kana, kanji and digits: take the upper part of the distribution (punctuation and
    # broken strokes are smaller than characters).
    return float(np.percentile(heights, 70)) / scale


def flatten_illumination(gray: np.ndarray) -> np.ndarray:
    """Divide by the local background: removes shadows and light gradients on paper."""
    # The background varies slowly: estimate it on a quarter-size copy (4x16 times less
    # work for the closing and the wide blur), then scale it back up.
    h, w = gray.shape[:2]
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(5, (min(small.shape[:2]) // 30) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), k / 3)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def remove_rules(gray: np.ndarray, text_px: float = TARGET_TEXT_PX) -> np.ndarray:
    """Paint out long thin horizontal rules (receipts' dashed separators, table borders).

    Tesseract merges a rule with the text line next to it and then reads the whole row as
    garbage ("購入日 ---- R5.12.21" came back as "eo eS no ee"). Only components much
    thinner than the text survive the filter, so text itself is never erased.
    """
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    gap = max(3, int(text_px * 0.5))  # joins the dashes of a dashed rule
    closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    # Find and label the rules on a copy pooled 4:1 along x: a rule is at least 40 px
    # long and rows keep their full resolution (thickness is the test), but a quarter of
    # the pixels is scanned and the opening's kernel is a quarter as long (at full size
    # the opening and the labelling took ~30 ms of a photographed receipt's page).
    pool = 4
    rw = closed.shape[1]
    # Max over each group of 4 columns: dilate rightwards, keep every 4th column.
    grown = cv2.dilate(closed, np.ones((1, pool), np.uint8), anchor=(0, 0))
    pooled = np.ascontiguousarray(grown[:, ::pool])
    long_run = max(40, rw // 5) // pool
    rules = cv2.morphologyEx(pooled, cv2.MORPH_OPEN, np.ones((1, long_run), np.uint8))
    if cv2.countNonZero(rules) == 0:
        return gray
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rules)
    band = max(3, int(text_px * 0.2))
    thin = []
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        x, w = x * pool, w * pool
        if h > max(4.0, text_px * 0.3):
            continue
        # The top strokes of a row of digits also close into a long thin run; a rule has
        # (almost) no ink right above AND right below it, a row of characters does.
        above = binary[max(0, y - band) : max(0, y - 1), x : x + w]
        below = binary[y + h + 1 : y + h + band, x : x + w]
        if max(_density(above), _density(below)) < 0.08:
            thin.append(i)
    if not thin:
        return gray
    keep = np.zeros(n, bool)
    keep[thin] = True
    on_rule = np.repeat(keep[labels], pool, axis=1)[:, :rw] & (closed > 0)
    mask = cv2.dilate(on_rule.astype(np.uint8) * 255, np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[mask > 0] = 255
    return out


def _density(region: np.ndarray) -> float:
    return float(np.count_nonzero(region)) / region.size if region.size else 0.0


def skew_angle(gray: np.ndarray) -> float:
    """Residual text skew in degrees (counter-clockwise positive), by projection profiles.

    The rows of a straight page give sharp peaks in the horizontal ink profile; the angle
    whose rotation makes them sharpest is the skew. Searched on a small binary copy,
    coarse (1°) then fine (0.2°), within ±8° (a warped sheet is never further off).
    """
    small, _ = _small(gray)
    h, w = small.shape[:2]
    if h < 40 or w < 40:
        return 0.0
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # The profile of the page rotated about its centre, computed from the ink pixels'
    # rotated rows instead of rotating the picture 26 times: the same angles on 52 dev
    # pages, 19 -> 9 ms a page. Ink rotated out of the frame is dropped, as a warp would.
    ys, xs = np.nonzero(binary)
    dx = (xs - w / 2.0).astype(np.float32)
    dy = (ys - h / 2.0).astype(np.float32)

    def sharpness(angle: float) -> float:
        theta = np.deg2rad(angle)
        cos, sin = np.float32(np.cos(theta)), np.float32(np.sin(theta))
        x2 = cos * dx + sin * dy + w / 2.0
        y2 = cos * dy - sin * dx + h / 2.0
        inside = (x2 >= -0.5) & (x2 < w - 0.5) & (y2 >= -0.5) & (y2 < h - 0.5)
        rows = np.rint(y2[inside]).astype(np.intp)
        profile = np.bincount(rows, minlength=h)[:h].astype(np.float64)
        return float(np.var(profile))

    best = max(np.arange(-8.0, 8.01, 1.0), key=sharpness)
    best = max(np.arange(best - 0.8, best + 0.81, 0.2), key=sharpness)
    return float(best)


def _row_median_below(gray: np.ndarray, level: int) -> np.ndarray:
    """``np.median(gray, axis=1) < level``, by counting (a page's row medians took 4-7 ms
    of sorting): a row's median is below ``level`` when more than half its pixels are;
    with an even width and exactly half, the two middle values decide, so those rows get
    the real median."""
    width = gray.shape[1]
    below = np.count_nonzero(gray < level, axis=1)
    result = below > width // 2
    if width % 2 == 0:
        tie = below == width // 2
        if tie.any():
            result[tie] = np.median(gray[tie], axis=1) < level
    return result


def invert_dark_bands(gray: np.ndarray) -> np.ndarray:
    """Make light-on-dark text (a web page's coloured header bar, dark mode) dark-on-light.

    Tesseract binarises for dark text on a light ground and skips inverted text, so the
    "My SoftBank" / "My au" bar of a carrier page, which names the carrier, was never read.
    A band of rows whose ground is not white is inverted when its text (the pixels far from
    the band's median) is mostly lighter than the ground.
    """
    coloured = _row_median_below(gray, 180)
    if not coloured.any():
        return gray
    out = gray.copy()
    start = None
    for y, is_coloured in enumerate([*coloured.tolist(), False]):
        if is_coloured and start is None:
            start = y
        elif not is_coloured and start is not None:
            if y - start >= 8:  # a band, not a rule
                band = gray[start:y]
                ground = float(np.median(band))
                lighter = int(np.count_nonzero(band > ground + 40))
                darker = int(np.count_nonzero(band < ground - 40))
                if lighter > darker:
                    # Inverted and stretched: the ground becomes white, the text black.
                    inverted = (255 - band).astype(np.float32)
                    scaled = inverted * (255.0 / max(255.0 - ground, 1.0))
                    out[start:y] = np.clip(scaled, 0, 255).astype(np.uint8)
            start = None
    return out


def prepare_page(image: np.ndarray, geometry: PageGeometry) -> PreparedPage:
    """Warp (photographed paper) and scale the page for OCR; see the module docstring."""
    gray = to_gray(image)
    if geometry.flat:
        warp = np.eye(3, dtype=np.float64)
        page = gray
    else:
        quad = geometry.quad
        tl, tr, br, bl = quad
        width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
        height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
        w, h = max(8, round(width)), max(8, round(height))
        dst = _full_quad(w, h)
        warp = cv2.getPerspectiveTransform(quad.astype(np.float32), dst).astype(np.float64)
        page = cv2.warpPerspective(
            gray, warp, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    text_px = estimate_text_height(page)
    scale = 1.0
    if text_px and text_px > TARGET_TEXT_PX:
        scale = max(0.25, TARGET_TEXT_PX / text_px)
    elif text_px and text_px < SMALL_TEXT_PX:
        scale = min(MAX_UPSCALE, UPSCALE_TEXT_PX / text_px)
    if abs(scale - 1.0) > 0.1:
        interp = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
        page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=interp)
    else:
        scale = 1.0
    to_page = np.diag([scale, scale, 1.0]) @ warp
    if not geometry.flat:
        page = flatten_illumination(page)
        # The sheet's corners are approximate: rows can stay tilted by a few degrees, and
        # tesseract then pairs a label with the value of the row below.
        angle = skew_angle(page)
        if abs(angle) >= 0.4:
            ph, pw = page.shape[:2]
            rotation = cv2.getRotationMatrix2D((pw / 2.0, ph / 2.0), angle, 1.0)
            page = cv2.warpAffine(
                page, rotation, (pw, ph), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
            to_page = np.vstack([rotation, [0.0, 0.0, 1.0]]) @ to_page
    page = remove_rules(invert_dark_bands(page), text_px * scale if text_px else TARGET_TEXT_PX)
    to_original = np.linalg.inv(to_page)
    # Text height in original pixels: the warp keeps the sheet's own scale.
    return PreparedPage(page, to_original, text_px, scale)


def map_box(box: tuple[int, int, int, int], to_original: np.ndarray) -> list[tuple[float, float]]:
    """An (x, y, w, h) box of the prepared image as a polygon in original pixels."""
    x, y, w, h = box
    pts = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float64)
    ones = np.ones((4, 1))
    mapped = (to_original @ np.hstack([pts, ones]).T).T
    mapped = mapped[:, :2] / mapped[:, 2:3]
    return [(round(float(px), 1), round(float(py), 1)) for px, py in mapped]


def quality(gray: np.ndarray) -> tuple[float, float, float]:
    """(mean luminance, 99th percentile, sharpness) on a fixed-size copy."""
    small, _ = _small(gray)
    mean = float(small.mean())
    p99 = float(np.percentile(small, 99))
    lap = cv2.Laplacian(small, cv2.CV_64F)
    contrast = float(small.std()) or 1.0
    sharp = float(lap.var()) / (contrast * contrast) * 1000.0
    return mean, p99, sharp
