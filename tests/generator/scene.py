"""Camera simulation: backgrounds, placing objects in a photo, optics and sensor defects, encoding.

Images are numpy uint8 RGB arrays (H, W, 3) or RGBA (H, W, 4) for objects with a shape.
All randomness comes from the ``random.Random`` / ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import functools
import io
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFont

Array = np.ndarray


@functools.cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def latin_only(s: str) -> bool:
    """True when the DejaVu faces can draw ``s`` (Latin, punctuation, ¥, arrows)."""
    return all(ord(c) < 0x2E80 for c in s)


# --- backgrounds --------------------------------------------------------------------------


def _smooth_noise(nrng: np.random.Generator, h: int, w: int, scale: int) -> Array:
    small = nrng.random((max(2, h // scale), max(2, w // scale))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def background(kind: str, w: int, h: int, rng: random.Random, nrng: np.random.Generator) -> Array:
    """A textured surface ``kind`` (wood, desk, cloth, hand, paper, stone, carpet)."""
    # Build the texture at a reduced size and upscale: 12 MP textures are slow and camera
    # photos of a table are smooth at that scale anyway.
    sw, sh = max(64, w // 4), max(64, h // 4)
    base = np.array([rng.randint(60, 220) for _ in range(3)], dtype=np.float32)
    if kind == "wood":
        base = np.array(
            [rng.randint(120, 190), rng.randint(80, 130), rng.randint(40, 80)], np.float32
        )
        yy = np.linspace(0, 1, sh, dtype=np.float32)[:, None]
        warp = _smooth_noise(nrng, sh, sw, 40) * rng.uniform(3, 8)
        freq = rng.uniform(25, 60)
        grain = 0.5 + 0.5 * np.sin((yy * freq + warp) * math.pi)
        tex: Array = (0.75 + 0.35 * grain)[..., None] * base
        if rng.random() < 0.5:
            tex = np.transpose(tex, (1, 0, 2))
            tex = cv2.resize(tex, (sw, sh))
    elif kind == "desk":
        v = rng.randint(150, 240)
        base = np.array([v, v - rng.randint(0, 15), v - rng.randint(0, 25)], np.float32)
        tex = (0.95 + 0.1 * _smooth_noise(nrng, sh, sw, 30))[..., None] * base
    elif kind == "cloth":
        yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
        p = rng.uniform(2.0, 4.0)
        weave = 0.5 + 0.25 * np.sin(xx * p) + 0.25 * np.sin(yy * p)
        tex = (0.8 + 0.3 * weave + 0.15 * _smooth_noise(nrng, sh, sw, 50))[..., None] * base
    elif kind == "hand":
        skin = np.array(
            [rng.randint(190, 235), rng.randint(140, 185), rng.randint(110, 150)], np.float32
        )
        tex = np.ones((sh, sw, 3), np.float32) * np.array([rng.randint(40, 120)] * 3, np.float32)
        mask: Array = np.zeros((sh, sw), np.float32)
        cx, cy = rng.uniform(0.3, 0.7) * sw, rng.uniform(0.5, 0.9) * sh
        cv2.ellipse(
            mask,
            (int(cx), int(cy)),
            (int(sw * 0.35), int(sh * 0.3)),
            rng.uniform(-30, 30),
            0,
            360,
            1.0,
            -1,
        )
        for _ in range(4):  # fingers
            fx = cx + rng.uniform(-0.35, 0.35) * sw
            cv2.ellipse(
                mask,
                (int(fx), int(cy - sh * 0.3)),
                (int(sw * 0.05), int(sh * 0.18)),
                rng.uniform(-20, 20),
                0,
                360,
                1.0,
                -1,
            )
        mask = cv2.GaussianBlur(mask, (0, 0), max(2, sw // 60))
        tex = (
            tex * (1 - mask[..., None])
            + skin * mask[..., None] * (0.9 + 0.1 * _smooth_noise(nrng, sh, sw, 20))[..., None]
        )
    elif kind == "paper":
        v = rng.randint(215, 250)
        base = np.array([v, v, v - rng.randint(0, 20)], np.float32)
        fibres = nrng.normal(0, 0.02, (sh, sw)).astype(np.float32)
        tex = (0.97 + fibres + 0.05 * _smooth_noise(nrng, sh, sw, 25))[..., None] * base
    elif kind == "stone":
        n = _smooth_noise(nrng, sh, sw, 12) * 0.5 + _smooth_noise(nrng, sh, sw, 4) * 0.5
        veins = np.abs(np.sin(_smooth_noise(nrng, sh, sw, 60) * 12)) < 0.08
        tex = (0.7 + 0.4 * n)[..., None] * base
        tex[veins] *= 0.75
    else:  # carpet
        tex = (0.75 + 0.5 * nrng.random((sh, sw)).astype(np.float32))[..., None] * base
        tex = cv2.GaussianBlur(tex, (3, 3), 0)
    tex = np.clip(tex, 0, 255).astype(np.uint8)
    return cv2.resize(tex, (w, h), interpolation=cv2.INTER_LINEAR)


# --- placing an object --------------------------------------------------------------------


def object_quad(
    canvas_shape: tuple[int, ...],
    obj_shape: tuple[int, ...],
    *,
    fill: float,
    rotation_deg: float,
    perspective: float,
    side: str,
    centre: tuple[float, float] = (0.5, 0.5),
) -> np.ndarray:
    """Corners (tl, tr, br, bl) of the object in the photo.

    ``fill`` is the object's size relative to the canvas (1.0 = touches the limiting side);
    ``perspective`` (0..0.25) shrinks the ``side`` edge like a camera tilted away from it.
    """
    ch, cw = canvas_shape[:2]
    oh, ow = obj_shape[:2]
    scale = fill * min(ch / oh, cw / ow)
    w, h = ow * scale, oh * scale
    cx, cy = centre[0] * cw, centre[1] * ch
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    k = perspective
    idx = {"top": ((0, 1), 0), "bottom": ((2, 3), 0), "left": ((0, 3), 1), "right": ((1, 2), 1)}[
        side
    ]
    for i in idx[0]:
        pts[i, idx[1]] *= 1 - k
    a = math.radians(rotation_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    return (pts @ rot.T + np.array([cx, cy], np.float32)).astype(np.float32)


def cut_fraction(quad: np.ndarray, canvas_shape: tuple[int, ...]) -> float:
    """Share of the quadrilateral's area outside the canvas (0 = whole object in frame)."""
    ch, cw = canvas_shape[:2]
    full = abs(_poly_area(quad))
    if not full:
        return 1.0
    frame = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    inside = cv2.intersectConvexConvex(quad.astype(np.float32), frame)[0]
    return float(max(0.0, 1 - inside / full))


def inside_margin(quad: np.ndarray, canvas_shape: tuple[int, ...], margin: float) -> bool:
    ch, cw = canvas_shape[:2]
    mx, my = margin * cw, margin * ch
    return bool(
        (quad[:, 0] >= mx).all()
        and (quad[:, 0] <= cw - mx).all()
        and (quad[:, 1] >= my).all()
        and (quad[:, 1] <= ch - my).all()
    )


def warp_onto(canvas: Array, obj_rgba: Array, quad: np.ndarray, *, shadow: bool = True) -> None:
    """Draw ``obj_rgba`` into ``canvas`` (in place) with its corners at ``quad``."""
    ch, cw = canvas.shape[:2]
    oh, ow = obj_rgba.shape[:2]
    src = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    # Warp only into the object's bounding box (clipped): a full 12 MP warp per object is slow.
    pad = int(0.03 * max(x1 - x0, y1 - y0)) + 4
    bx0, by0, bx1, by1 = max(0, x0 - pad), max(0, y0 - pad), min(cw, x1 + pad), min(ch, y1 + pad)
    if bx1 <= bx0 or by1 <= by0:
        return
    shift = np.array([[1, 0, -bx0], [0, 1, -by0], [0, 0, 1]], np.float64)
    size = (int(bx1 - bx0), int(by1 - by0))
    downscale = (x1 - x0) * (y1 - y0) < ow * oh
    warped = cv2.warpPerspective(
        obj_rgba,
        shift @ m,
        size,
        flags=cv2.INTER_AREA if downscale else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    region = canvas[by0:by1, bx0:bx1].astype(np.float32)
    alpha = warped[..., 3].astype(np.float32) / 255.0
    if shadow:
        # A soft drop shadow, computed at 1/8 scale: a wide blur at full size is slow.
        off = int(max(2, 0.012 * max(size)))
        small = cv2.resize(
            alpha, (max(2, size[0] // 8), max(2, size[1] // 8)), interpolation=cv2.INTER_AREA
        )
        so = max(1, off // 8)
        sh_mask = np.zeros_like(small)
        sh_mask[so:, so:] = small[:-so, :-so]
        sh_mask = cv2.GaussianBlur(sh_mask, (0, 0), max(1.0, off / 8))
        sh_mask = cv2.resize(sh_mask, size, interpolation=cv2.INTER_LINEAR)
        region *= (1 - 0.45 * sh_mask)[..., None]
    a3 = alpha[..., None]
    region = region * (1 - a3) + warped[..., :3].astype(np.float32) * a3
    canvas[by0:by1, bx0:bx1] = np.clip(region, 0, 255).astype(np.uint8)


def _poly_area(p: Array) -> float:
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


# --- optics and sensor --------------------------------------------------------------------


def lighting_gradient(img: Array, rng: random.Random, strength: float) -> Array:
    h, w = img.shape[:2]
    a = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h:8, 0:w:8].astype(np.float32)
    g = np.cos(a) * xx / w + np.sin(a) * yy / h
    g = (g - g.min()) / max(1e-6, float(g.max() - g.min()))
    g = cv2.resize((1 - strength / 2 + strength * g).astype(np.float32), (w, h))
    # cv2 multiplies uint8 by a float gain map with saturation in one C++ pass.
    return cv2.multiply(img, cv2.merge([g, g, g]), dtype=cv2.CV_8U)


def glare(img: Array, rng: random.Random, corners: list[tuple[float, float]], n: int) -> Array:
    """Soft specular spots inside the object's quadrilateral (a lamp reflected in glass)."""
    h, w = img.shape[:2]
    pts = np.array(corners, np.float32)
    out = img.astype(np.float32)
    for _ in range(n):
        u, v = rng.uniform(0.15, 0.85), rng.uniform(0.1, 0.9)
        top = pts[0] + (pts[1] - pts[0]) * u
        bot = pts[3] + (pts[2] - pts[3]) * u
        cx, cy = top + (bot - top) * v
        diag = float(np.linalg.norm(pts[2] - pts[0]))
        r = rng.uniform(0.03, 0.09) * diag
        x0, y0 = int(max(0, cx - 3 * r)), int(max(0, cy - 3 * r))
        x1, y1 = int(min(w, cx + 3 * r)), int(min(h, cy + 3 * r))
        if x1 <= x0 or y1 <= y0:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        spot = np.exp(-(((xx - cx) / (r * rng.uniform(1.0, 2.5))) ** 2 + ((yy - cy) / r) ** 2))
        # Screen blend with a capped strength: a reflection washes text out but (on an
        # acceptable photo) does not erase it, so the label "readable" stays true.
        a = (rng.uniform(0.25, 0.55) * spot)[..., None]
        out[y0:y1, x0:x1] = 255.0 - (255.0 - out[y0:y1, x0:x1]) * (1.0 - a)
    return np.clip(out, 0, 255).astype(np.uint8)


def _plane_wave(h: int, w: int, angle: float, freq: float) -> Array:
    """sin(kx·x + ky·y) as a sum of two outer products: 12 MP in milliseconds."""
    kx = np.arange(w, dtype=np.float32) * np.float32(math.cos(angle) * freq * 2 * math.pi)
    ky = np.arange(h, dtype=np.float32) * np.float32(math.sin(angle) * freq * 2 * math.pi)
    return np.sin(ky)[:, None] * np.cos(kx)[None, :] + np.cos(ky)[:, None] * np.sin(kx)[None, :]


def moire(screen: Array, rng: random.Random, strength: float) -> Array:
    """Interference fringes of a display's pixel grid against the camera sensor."""
    h, w = screen.shape[:2]
    a = rng.uniform(0, math.pi)
    f = rng.uniform(0.02, 0.08)
    pattern = _plane_wave(h, w, a, f) + 0.5 * _plane_wave(h, w, a + 0.3, f * 1.7)
    gain = 1 + (strength / 1.5) * pattern
    return np.clip(screen.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


def sensor_noise(img: Array, nrng: np.random.Generator, sigma: float) -> Array:
    if sigma <= 0:
        return img
    noise = nrng.normal(0, sigma, img.shape[:2]).astype(np.float32)
    return cv2.add(img, cv2.merge([noise, noise, noise]), dtype=cv2.CV_8U)


def motion_blur(img: Array, rng: random.Random, length: int) -> Array:
    if length < 2:
        return img
    k: Array = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0 / length
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1.0)
    k = cv2.warpAffine(k, m, (length, length))
    k = (k / max(1e-6, float(k.sum()))).astype(np.float32)
    return cv2.filter2D(img, -1, k)


def defocus(img: Array, sigma: float) -> Array:
    return img if sigma <= 0 else cv2.GaussianBlur(img, (0, 0), sigma)


def exposure(img: Array, gain: float, gamma: float = 1.0) -> Array:
    x = (img.astype(np.float32) / 255.0) ** gamma * gain
    return np.clip(x * 255, 0, 255).astype(np.uint8)


# --- encoding -----------------------------------------------------------------------------

CAMERAS = [
    ("Apple", "iPhone 13"),
    ("Apple", "iPhone 14 Pro"),
    ("Apple", "iPhone SE (2nd generation)"),
    ("Google", "Pixel 7"),
    ("SHARP", "SH-53C"),
    ("Sony", "XQ-DC44"),
    ("samsung", "SC-51D"),
]


def make_exif(rng: random.Random, *, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    make, model = rng.choice(CAMERAS)
    exif[0x010F] = make  # Make
    exif[0x0110] = model  # Model
    exif[0x0112] = orientation  # Orientation
    taken = datetime(2024, 1, 1, 9, 0) + timedelta(minutes=rng.randint(0, 60 * 24 * 600))
    exif[0x0131] = "17.5.1" if make == "Apple" else "Android"
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    ifd[0x920A] = 4.2  # FocalLength
    return exif


def encode(img: Array, fmt: str, *, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    pil = Image.fromarray(img)
    buf = io.BytesIO()
    if fmt == "JPEG":
        kwargs: dict[str, object] = {"quality": quality}
        if exif is not None:
            kwargs["exif"] = exif.tobytes()
        pil.save(buf, format="JPEG", **kwargs)
    elif fmt == "PNG":
        pil.save(buf, format="PNG", compress_level=6)
    elif fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
        kwargs = {"quality": quality}
        if exif is not None:
            kwargs["exif"] = exif.tobytes()
        pil.save(buf, format="HEIF", **kwargs)
    elif fmt == "WEBP":
        pil.save(buf, format="WEBP", quality=quality)
    else:
        pil.save(buf, format=fmt)
    return buf.getvalue()


def rgba_from_rgb(rgb: Array, mask: Array | None = None) -> Array:
    a = np.full(rgb.shape[:2], 255, np.uint8) if mask is None else mask
    return np.dstack([rgb, a])
