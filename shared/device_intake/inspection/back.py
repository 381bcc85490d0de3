"""Back photo: the same device turned over, whole, no case (seed 000, 背面写真).

No OCR is needed: the checks are geometric and photometric, on a ~1000 px copy and on the
device rectified to a fixed size (see ``docs/vision.md`` for the signals and thresholds):

- ``FRONT_SIDE_SHOWN``: the rectified device carries rows of glyphs (a lit settings screen).
- ``CASE_ATTACHED``: a book-type case (two panels side by side: the outline is far wider
  than any phone), a clear case (a rim a few percent inside the outline on every side, or
  long straight glare streaks across it), or an opaque case (no logo-like detail).
- ``WRONG_SUBJECT``: a retail box (a device pictured on it) or a sheet of paper.
- ``PARTIAL_FRAME``, ``TOO_DARK``, ``BLURRY``, ``LOW_RESOLUTION`` as for the front.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

import cv2
import numpy as np

from device_intake.domain.documents import DocumentKind, InspectionResult
from device_intake.domain.reasons import ReasonCode
from device_intake.inspection import quality
from device_intake.inspection.device import (
    CASE_RIM_EDGE,
    GEOMETRY_LONG_SIDE,
    GLYPH_LIMIT,
    LIT_GLYPHS,
    PLAIN_FACE_DETAIL,
    WEDGE_CORNER,
    FaceReading,
    Photo,
    Region,
    count_text_glyphs,
    find_device,
    order_quad,
    polygon_box,
    quad_size,
    read_face,
    rectangle_like,
)

log = logging.getLogger(__name__)

# Canny edge pixels per 1000 in the middle of a back below which there is no logo (a case).
NO_LOGO = 2.2
# Edges that start above this height (share of the back's length) belong to the camera
# area (a case's cut-out, a camera module), not to a logo.
LOGO_TOP = 0.36
# Share of the middle's 8x8 grid that edges reach above which they are a case's grain
# (dev: bare backs' logos <= 0.25, a dark grained case 0.84).
GRAIN_SPREAD = 0.5
# Canny's high threshold on a stretched dark back, at least this many sigma of the noise
# in its gradient (Rayleigh: noise alone crosses 5 sigma at ~4 pixels in 10^6). At a fixed
# 60, noisy bare black backs (sensor sigma ~4.5) had edges over up to 98 % of the middle's
# grid and passed for a case's grain. Dev sweep: 4.0 / 5.0 / 6.0 sigma.
NOISE_EDGE = 5.0
# Glyph rows this close to the outline (share of the short side) do not make a lit screen:
# a book case's stitching. Dev sweep (240 backs): 0.02 / 0.03 / 0.05.
LIT_MARGIN = 0.03
# The stretch of a dark back's middle: at most DARK_GAIN x, on a copy blurred with sigma
# DARK_BLUR, minus its blur at DARK_DETAIL of the width (glare and lighting taken out). At
# 3x on the 3x3-blurred copy minus a 3 % blur, faint soft logos on black phones (~8 levels
# after focus and resampling) gave no edge, and bare black backs read as opaque cases.
# Dev sweep cache, 177 dark faces of back/case photos (102 cases): bare backs called cased
# 6 -> 2, cases missed 6 -> 6. The point is narrow: a gain of 4.5, a 1.2 blur or a 1.5 %
# scale lose a faint logo again; a gain of 6 with a 3 % scale puts edges round a soft
# glare spot on a plain dark case (a fresh dev case; tests/unit/.../test_back_photos.py).
DARK_BLUR = 1.0
DARK_GAIN = 5.0
DARK_DETAIL = 0.02
# Long/short side ratio below which the object is two panels side by side (book case).
BOOK_ASPECT = 1.2
# A clear case's glare streak on the face (FACE_LONG_SIDE px long): a band up to
# STREAK_WIDTH px wide, STREAK_CONTRAST grey levels above its surroundings (white top-hat).
# On a light body the streaks are wide and faint: at 25 px and 40 levels only 22 of 193
# dev clear cases showed two; at 45 and 15, 131, and none of 558 bare backs showed even
# one (at 75 px the soft glare blobs of bare backs start to count).
STREAK_WIDTH = 45
STREAK_CONTRAST = 15
# An outline with a corner further than this from a right angle is not a device's (a colour
# blob that a glare's edge split along a diagonal: a wedge of the back). Its rectified face
# is a stretched piece, whose missing logo or stretched grain the case tests would read as a
# case. Dev: in the large run such outlines on 3 of 250 whole backs (two bare ones called
# cased, a blurry one); in the sweep's 400 bare and 400 cased backs on one opaque case
# (which now goes to a reviewer). Pieces of cut backs have them too. find_device first
# squares such a wedge to the device's own sides (WEDGE_CORNER, the same angle); what
# reaches this test is a wedge it could not square.
ODD_CORNER = WEDGE_CORNER
# A step in grey level (over ~1.3 % of the face) that runs straight across the middle of
# the rectified object, in each of FOLD_SEGMENTS pieces of its width, at or above which it
# is a book case's fold between its two panels; perspective can make the opened case look
# as long as a phone (aspect up to ~1.6). Dev faces (sweep cache): bare backs <= 2.9 (520),
# clear and opaque cases <= 4.1 (212), book cases found whole >= 12.6 (80 of 87).
FOLD_STEP = 6.0
FOLD_SEGMENTS = 8
# A clear case's rim: a milky band brighter than both the background outside it and the
# back inside it, along three sides of four, wherever the outline fell (the rim is inside
# it when the outline took the case's edge, outside when it took the phone's body). Grey
# levels by which the band (at least RIDGE_WIDTH of the short side wide, within RIDGE_REACH
# of the outline either way) stands above both. Dev cache (152 whole backs): clear cases
# 8 of 14 at 35-90 (among them the two the other signs missed: dev-306, dev-885), bare
# backs <= 1.2 (94), opaque and book cases <= 0.
RIM_RIDGE = 20.0
RIDGE_WIDTH = 0.015
RIDGE_REACH = 0.06
# The rectified neighbourhood: the device at RIDGE_FACE px wide, RIDGE_MARGIN of that
# around it.
RIDGE_FACE = 300
RIDGE_MARGIN = 0.10


@dataclass(slots=True)
class BackFeatures:
    """Measured numbers behind the back-photo flags (kept for tuning and debugging)."""

    aspect: float = 0.0
    streaks: int = 0
    sharpness: float = 0.0
    logo: float = 0.0
    logo_spread: float = 0.0
    fold: float = 0.0
    rim_ridge: float = 0.0


def logo_detail(gray: np.ndarray, face: np.ndarray | None = None) -> tuple[float, float]:
    """Sharp detail in the middle of the back (logo, word mark): edge pixels per 1000, and
    the share of an 8x8 grid over that middle the detail reaches.

    Every bare back carries a logo or word mark between the camera and the bottom; an
    opaque case covers it with a uniform surface. Glare and lighting gradients are soft,
    so they produce no Canny edges at these thresholds. Edges that reach up towards the
    camera (a case's camera cut-out, a tablet's camera module) are not the logo. A logo is
    compact; a case's grain, stretched on a dark case, covers the whole middle.
    """
    h, w = gray.shape[:2]
    # From 0.42 h: a tablet's camera cut-out reaches ~0.4 h; logos sit at 0.5 h or 0.72 h.
    top, bottom = int(h * 0.42), int(h * 0.78)
    band = gray[:bottom, int(w * 0.3) : int(w * 0.7)]
    if band.shape[0] <= top or band.shape[1] < 8:
        return 0.0, 0.0
    raw = band
    band = cv2.GaussianBlur(band, (3, 3), 0).astype(np.float32)
    region = band[top:]
    # A black phone's logo is only ~20 grey levels above its body: stretch dim regions
    # (at most DARK_GAIN, so that a plain case's grain, stretched, stays below the edge
    # thresholds). A dark body, judged on the middle's 25th percentile: glare can light
    # half of it.
    if float(np.percentile(region, 25)) < 70:
        # Glare on a black back is soft and far brighter than the logo: it would set the
        # stretch and leave the logo under it at its ~20 levels. The stretch is measured
        # on the band minus its blur (glare and lighting gradients gone, edges kept).
        # A slightly wider blur first (DARK_BLUR) averages the noise a strong stretch
        # would raise; a logo's strokes are several pixels wide.
        smooth = cv2.GaussianBlur(raw.astype(np.float32), (0, 0), DARK_BLUR)
        sigma = max(4.0, w * DARK_DETAIL)
        detail = smooth - cv2.GaussianBlur(smooth, (0, 0), sigma)
        lo, hi = np.percentile(detail[top:], (1, 99))
        gain = min(DARK_GAIN, 120.0 / max(1.0, float(hi - lo)))
        stretched = np.clip((detail - lo) * gain, 0, 255).astype(np.uint8)
        # Sensor noise, stretched too, would cross fixed thresholds all over a plain black
        # back: the high threshold rises with the noise in the gradient Canny works on.
        high = max(60.0, NOISE_EDGE * _gradient_noise(stretched[top:]))
        edges = cv2.Canny(stretched, high * 25.0 / 60.0, high, L2gradient=True)
    else:
        edges = cv2.Canny(band.astype(np.uint8), 25, 60, L2gradient=True)
        if face is not None:
            # A word mark in a lighter shade of a saturated colour (red on red) differs
            # from the body more in one channel than in grey level.
            colour = face[:bottom, int(w * 0.3) : int(w * 0.7)]
            colour = cv2.GaussianBlur(colour, (3, 3), 0)
            edges = cv2.bitwise_or(edges, cv2.Canny(colour, 25, 60, L2gradient=True))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(edges, connectivity=8)
    reach = int(h * LOGO_TOP)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_TOP] >= reach  # starts below the camera area
    logo = (keep[labels] & (edges > 0))[top:]
    if not logo.any():
        return 0.0, 0.0
    rh, rw = logo.shape
    cells = [
        logo[i * rh // 8 : (i + 1) * rh // 8, j * rw // 8 : (j + 1) * rw // 8].any()
        for i in range(8)
        for j in range(8)
    ]
    return 1000.0 * float(np.count_nonzero(logo)) / float(logo.size), sum(cells) / 64.0


def fold_step(gray: np.ndarray) -> float:
    """The strongest straight step across the middle (0.35-0.65) of the face, along
    either axis: the least of its FOLD_SEGMENTS per-piece steps, so that it must run all
    the way across.

    A book case opened flat is two panels joined by a fold, a straight line from one side
    of the outline to the other; a bare back's logo, camera and glare are local or soft.
    A small wobble (±2 rows) is allowed for an outline that is a little off.
    """
    best = 0.0
    for image in (gray, gray.T):
        smooth = cv2.GaussianBlur(image.astype(np.float32), (0, 0), 1.5)
        h, w = smooth.shape
        if h < 40 or w < 4 * FOLD_SEGMENTS:
            continue
        cuts = np.linspace(int(w * 0.06), int(w * 0.94), FOLD_SEGMENTS + 1).astype(int)
        rows = np.stack([smooth[:, a:b].mean(axis=1) for a, b in itertools.pairwise(cuts)], 1)
        k = max(2, h // 150)
        step = np.zeros_like(rows)
        step[k:-k] = rows[2 * k :] - rows[: -2 * k]
        wobble = np.ones((5, 1), np.uint8)
        rising = cv2.dilate(step, wobble).min(axis=1)
        falling = (-cv2.erode(step, wobble)).min(axis=1)
        middle = slice(int(h * 0.35), int(h * 0.65))
        best = max(best, float(np.maximum(rising, falling)[middle].max()))
    return best


def _gradient_noise(image: np.ndarray) -> float:
    """Sigma of the noise in ``image``'s 3x3 Sobel gradient, the one Canny thresholds.

    Most pixels of a plain surface carry noise only, whose gradient magnitude is Rayleigh
    distributed: its median is 1.1774 sigma. Edges and soft glare move the median little.
    """
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.median(cv2.magnitude(gx, gy))) / 1.1774


def glare_streaks(gray: np.ndarray) -> int:
    """Long straight bright bands crossing the device (reflections on a clear case): bands
    narrower than ``STREAK_WIDTH`` at least ``STREAK_CONTRAST`` above their surroundings."""
    h, w = gray.shape[:2]
    tophat = cv2.morphologyEx(
        gray,
        cv2.MORPH_TOPHAT,
        cv2.getStructuringElement(cv2.MORPH_RECT, (STREAK_WIDTH, STREAK_WIDTH)),
    )
    _, bright = cv2.threshold(tophat, STREAK_CONTRAST, 255, cv2.THRESH_BINARY)
    lines = cv2.HoughLinesP(
        bright, 1, np.pi / 180, threshold=80, minLineLength=int(max(h, w) * 0.5), maxLineGap=10
    )
    if lines is None:
        return 0
    diag = 0
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):
        ang = abs(np.degrees(np.arctan2(y2 - y1, x2 - x1))) % 180
        if 15 < ang < 80 or 100 < ang < 165:  # oblique, not the device's own edges
            diag += 1
    return diag


def rim_ridge(gray_small: np.ndarray, quad_small: np.ndarray) -> float:
    """How far a band along the outline stands above both sides of it, on the third
    strongest side of four (a clear case's milky rim shows on every side; a bare back's
    frame, seen at a slant, on one or two).

    ``gray_small``: the ~1000 px photo in grey; ``quad_small``: the device outline in its
    pixels. The device plane is rectified with a margin round it, so the rim is seen
    whether the outline took the case's edge or the body's.
    """
    quad = order_quad(quad_small)
    qw, qh = quad_size(quad)
    if min(qw, qh) < 20:
        return 0.0
    if qw > qh:
        quad = np.roll(quad, -1, axis=0)  # long side vertical
        qw, qh = qh, qw
    w = RIDGE_FACE
    h = round(w * qh / qw)
    m = round(w * RIDGE_MARGIN)
    dst = np.array([[m, m], [m + w, m], [m + w, m + h], [m, m + h]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    plane = cv2.warpPerspective(
        gray_small, matrix, (w + 2 * m, h + 2 * m), borderMode=cv2.BORDER_REPLICATE
    ).astype(np.float32)
    d = m  # as deep inside as outside
    rows = slice(m + int(h * 0.2), m + int(h * 0.8))
    cols = slice(m + int(w * 0.2), m + int(w * 0.8))
    profiles = [  # outside -> inside, averaged along the side's middle
        plane[rows, : m + d].mean(axis=0),
        plane[rows, m + w - d :][:, ::-1].mean(axis=0),
        plane[: m + d, cols].mean(axis=1),
        plane[m + h - d :, cols][::-1].mean(axis=1),
    ]
    width = max(2, round(w * RIDGE_WIDTH))
    reach = round(w * RIDGE_REACH)
    heights = []
    for prof in profiles:
        outside = float(np.median(prof[: round(w * 0.03)]))
        inside = float(np.median(prof[m + reach :]))
        band = prof[m - reach : m + reach]
        # The band's floor over every window of ``width``: a rim, not a one-pixel line.
        floors = np.lib.stride_tricks.sliding_window_view(band, width).min(axis=1)
        heights.append(float(np.max(np.minimum(floors - outside, floors - inside))))
    return sorted(heights)[1]


def measure(
    face: np.ndarray, region: Region, gray_small: np.ndarray | None = None, scale: float = 1.0
) -> BackFeatures:
    """Case signals on the upright rectified device (``device.upright_face``), and the rim
    round it on ``gray_small`` (the photo downscaled by ``scale``, in grey) when given."""
    gray = cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)
    logo, spread = logo_detail(gray, face)
    return BackFeatures(
        aspect=region.aspect,
        streaks=glare_streaks(gray),
        logo=logo,
        logo_spread=spread,
        fold=fold_step(gray),
        rim_ridge=0.0 if gray_small is None else rim_ridge(gray_small, region.quad * scale),
    )


def inspect_back(doc: Photo) -> InspectionResult:
    """Inspect a back photo; never raises for a bad photo (flags say what is wrong)."""
    image = doc.image
    h, w = image.shape[:2]
    result = InspectionResult(kind=DocumentKind.BACK, image_size=(w, h))
    small, scale = quality.downscale(image, GEOMETRY_LONG_SIDE)
    gray_small = quality.to_gray(small)
    light = quality.brightness(gray_small)
    finding = find_device(image, small, scale, closed_sides=True)
    flags: list[ReasonCode] = []
    if light.too_dark:
        flags.append(ReasonCode.TOO_DARK)
    if max(w, h) < quality.MIN_IMAGE_LONG_SIDE:
        flags.append(ReasonCode.LOW_RESOLUTION)
    dev = finding.device
    if dev is None:
        if finding.cut_sides:
            flags.append(ReasonCode.PARTIAL_FRAME)  # its straight sides run into the frame
        elif quality.photo_blurry(gray_small):
            flags.append(ReasonCode.BLURRY)
        elif ReasonCode.TOO_DARK not in flags:
            flags.append(ReasonCode.WRONG_SUBJECT)
        result.flags = _ordered(flags)
        return result
    result.boxes.append(polygon_box("device", dev.quad))
    # A weak outline with straight sharp sides running into the frame: a piece of a device
    # cut by the frame (dev sweep cache: 4 of 160 cut backs, none of 1,300 other backs;
    # fronts are not judged this way, 1 of 230 good front photos would have been).
    partial = finding.partial or (finding.weak_outline and finding.cut_sides > 0)
    if partial:
        flags.append(ReasonCode.PARTIAL_FRAME)
    reading, face = read_face(image, dev)
    feats = measure(face, dev, gray_small, scale)
    blurry, feats.sharpness = quality.device_blurry(gray_small, dev.quad * scale, partial)
    if blurry:
        flags.append(ReasonCode.BLURRY)
    if quality.device_short_side(dev.size, partial) < quality.MIN_SCREEN_SHORT_SIDE:
        flags.append(ReasonCode.LOW_RESOLUTION)
    judged = not any(f in flags for f in (ReasonCode.TOO_DARK, ReasonCode.BLURRY))
    if judged:
        if not partial and feats.aspect < BOOK_ASPECT:
            # Wider than any phone or tablet: a book-type case opened flat.
            flags.append(ReasonCode.CASE_ATTACHED)
        elif reading.printed_device or reading.paper:
            # A retail box (a device pictured on it) or a sheet of paper.
            flags.append(ReasonCode.WRONG_SUBJECT)
        elif not partial and reading.lit and _lit_inside(face):
            # Not on a piece of a device: the cut leaves background (wood, cloth) inside
            # the outline, whose texture passes for rows of glyphs; PARTIAL_FRAME already
            # asks for a new photo.
            flags.append(ReasonCode.FRONT_SIDE_SHOWN)
        elif not partial and not rectangle_like(dev.quad, ODD_CORNER):
            result.uncertain.append("case")  # a piece's face: a reviewer looks for a case
        elif not partial and _case_attached(feats, reading):
            flags.append(ReasonCode.CASE_ATTACHED)
    result.flags = _ordered(flags)
    log.info(
        "back inspected flags=%s glyphs=%d logo=%.1f aspect=%.2f fold=%.1f inset=%.1f rim=%.1f "
        "sharp=%.3f",
        ",".join(result.flags) or "-",
        reading.glyphs,
        feats.logo,
        feats.aspect,
        feats.fold,
        reading.inset_edge,
        feats.rim_ridge,
        feats.sharpness,
    )
    return result


def _lit_inside(face: np.ndarray) -> bool:
    """Rows of glyphs away from the outline: a screen's text sits inside its bezel, a
    case's stitching (broken into glyph-sized pieces) runs along the edge."""
    gray = cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)
    return count_text_glyphs(gray, limit=GLYPH_LIMIT, margin=LIT_MARGIN) >= LIT_GLYPHS


def _case_attached(f: BackFeatures, face: FaceReading) -> bool:
    if f.fold >= FOLD_STEP:
        return True  # book case: a fold straight across between its two panels
    if f.streaks >= 2:
        return True  # clear case: straight glare streaks across the whole back
    if f.rim_ridge >= RIM_RIDGE:
        return True  # clear case: its milky rim all round the phone
    if face.inset_edge >= CASE_RIM_EDGE:
        return True  # a rim inside the outline on every side: the case's edge round the phone
    if face.detail >= PLAIN_FACE_DETAIL:
        return True  # grain all over (leather, fabric): a bare back is smooth glass or metal
    if f.logo_spread >= GRAIN_SPREAD:
        return True  # a dark case's grain, stretched, covers the whole middle
    return f.logo < NO_LOGO  # opaque case: no logo or word mark in the middle


def _ordered(flags: list[ReasonCode]) -> list[ReasonCode]:
    order = list(ReasonCode)
    return sorted(set(flags), key=order.index)
