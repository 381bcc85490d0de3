"""Device bodies (front with a screen, back with a camera module) and cases, as RGBA arrays."""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np

from tests.generator import data
from tests.generator.scene import font
from tests.generator.screens import Device

Array = np.ndarray


@dataclass(frozen=True)
class BodyGeometry:
    bezel: int
    radius: int
    notch: str  # "island", "notch", "punch", "none", "home_button"
    button_px: int


def geometry(dev: Device, rng: random.Random) -> BodyGeometry:
    w, _ = dev.screen_size
    if dev.screen_size == (750, 1334):
        notch = "home_button"
    elif dev.apple:
        notch = rng.choice(["island", "notch"])
    else:
        notch = rng.choice(["punch", "punch", "none"])
    bezel = int(w * (rng.uniform(0.035, 0.06) if not dev.tablet else rng.uniform(0.05, 0.08)))
    if notch == "home_button":
        bezel = int(w * 0.05)
    radius = int(w * rng.uniform(0.08, 0.14)) if notch != "home_button" else int(w * 0.12)
    return BodyGeometry(bezel, radius, notch, max(4, int(w * 0.012)))


def _rounded_mask(h: int, w: int, r: int) -> Array:
    m = np.zeros((h, w), np.uint8)
    r = max(1, min(r, h // 2, w // 2))
    cv2.rectangle(m, (r, 0), (w - r, h), 255, -1)
    cv2.rectangle(m, (0, r), (w, h - r), 255, -1)
    for cx, cy in ((r, r), (w - r - 1, r), (r, h - r - 1), (w - r - 1, h - r - 1)):
        cv2.circle(m, (cx, cy), r, 255, -1, lineType=cv2.LINE_AA)
    return m


def _shade(colour: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    return tuple(int(max(0, min(255, c * f))) for c in colour)  # type: ignore[return-value]


def front_body(dev: Device, screen: Array, rng: random.Random, geo: BodyGeometry) -> Array:
    """The device seen from the front: frame + black glass border + screen + cut-outs."""
    sh, sw = screen.shape[:2]
    top_extra = int(sw * 0.18) if geo.notch == "home_button" else 0
    b = geo.bezel
    bw, bh = sw + 2 * b, sh + 2 * b + 2 * top_extra
    btn = geo.button_px
    W, H = bw + 2 * btn, bh
    out = np.zeros((H, W, 4), np.uint8)
    # Side buttons stick out of the frame: a cue for "whole device" detectors.
    frame_col = _shade(dev.body_colour, 0.85)
    for y0, y1, left in ((0.18, 0.24, True), (0.27, 0.35, True), (0.25, 0.36, False)):
        x0 = 0 if left else W - btn - 2
        cv2.rectangle(out, (x0, int(bh * y0)), (x0 + btn + 2, int(bh * y1)), (*frame_col, 255), -1)
    body = np.zeros((bh, bw, 4), np.uint8)
    mask = _rounded_mask(bh, bw, geo.radius)
    body[..., :3] = frame_col
    inner = _rounded_mask(bh - 2 * max(2, b // 5), bw - 2 * max(2, b // 5), geo.radius - b // 5)
    m = max(2, b // 5)
    glass = np.zeros((bh, bw), np.uint8)
    glass[m : bh - m, m : bw - m] = inner
    body[glass > 0, :3] = (
        (8, 8, 10) if geo.notch != "home_button" or rng.random() < 0.5 else (235, 235, 235)
    )
    sy = b + top_extra
    screen_mask = (
        _rounded_mask(sh, sw, max(1, geo.radius - b))
        if geo.notch != "home_button"
        else np.full((sh, sw), 255, np.uint8)
    )
    region = body[sy : sy + sh, b : b + sw, :3]
    sm = (screen_mask > 0)[..., None]
    body[sy : sy + sh, b : b + sw, :3] = np.where(sm, screen, region)
    cx = bw // 2
    if geo.notch == "island":
        cv2.rectangle(
            body,
            (cx - int(sw * 0.16), sy + int(sw * 0.03)),
            (cx + int(sw * 0.16), sy + int(sw * 0.11)),
            (0, 0, 0, 255),
            -1,
        )
    elif geo.notch == "notch":
        cv2.rectangle(
            body,
            (cx - int(sw * 0.22), sy),
            (cx + int(sw * 0.22), sy + int(sw * 0.08)),
            (0, 0, 0, 255),
            -1,
        )
    elif geo.notch == "punch":
        cv2.circle(
            body,
            (cx, sy + int(sw * 0.05)),
            int(sw * 0.025),
            (0, 0, 0, 255),
            -1,
            lineType=cv2.LINE_AA,
        )
    elif geo.notch == "home_button":
        cv2.circle(
            body,
            (cx, bh - top_extra // 2 - b // 2),
            int(top_extra * 0.33),
            (40, 40, 44, 255),
            max(2, b // 8),
            lineType=cv2.LINE_AA,
        )
        cv2.rectangle(
            body,
            (cx - int(sw * 0.08), top_extra // 2),
            (cx + int(sw * 0.08), top_extra // 2 + max(3, b // 6)),
            (30, 30, 30, 255),
            -1,
        )
    body[..., 3] = mask
    out[:, btn : btn + bw][mask > 0] = body[mask > 0]
    return out


def back_body(
    dev: Device, rng: random.Random, geo: BodyGeometry, split: data.Split
) -> tuple[Array, tuple[int, int, int, int]]:
    """The device's back: coloured glass or matte, camera module with 1–3 lenses, a logo.

    Returns the RGBA image and the camera area (x0, y0, x1, y1) in it, where a case has
    its cut-out.
    """
    sw, sh = dev.screen_size
    b = geo.bezel
    bw, bh = sw + 2 * b, sh + 2 * b
    btn = geo.button_px
    W, H = bw + 2 * btn, bh
    out = np.zeros((H, W, 4), np.uint8)
    frame_col = _shade(dev.body_colour, 0.85)
    for y0, y1, left in ((0.18, 0.24, False), (0.27, 0.35, False), (0.25, 0.36, True)):
        x0 = 0 if left else W - btn - 2
        cv2.rectangle(out, (x0, int(bh * y0)), (x0 + btn + 2, int(bh * y1)), (*frame_col, 255), -1)
    body: Array = np.zeros((bh, bw, 3), np.float32)
    body[:] = dev.body_colour
    # Glass sheen: a diagonal highlight; matte backs get a weaker one.
    glossy = rng.random() < 0.6
    yy, xx = np.mgrid[0:bh:4, 0:bw:4].astype(np.float32)
    diag = (xx / bw + yy / bh) / 2
    sheen = np.exp(-(((diag - rng.uniform(0.3, 0.7)) / 0.12) ** 2)) * (0.25 if glossy else 0.08)
    sheen = cv2.resize(sheen, (bw, bh))
    body = body * (1 + sheen[..., None]) + 30 * sheen[..., None]
    frame = _rounded_mask(bh, bw, geo.radius)
    inner = np.zeros_like(frame)
    m = max(2, b // 4)
    inner[m : bh - m, m : bw - m] = _rounded_mask(bh - 2 * m, bw - 2 * m, geo.radius - m)
    body[(frame > 0) & (inner == 0)] = frame_col
    body = np.clip(body, 0, 255).astype(np.uint8)
    style = "module" if dev.apple else rng.choice(["module", "bar", "column"])
    lenses = rng.randint(1, 3)
    lens_r = int(bw * rng.uniform(0.07, 0.1))
    mod_col = _shade(dev.body_colour, rng.uniform(0.75, 1.15))
    if style == "module":
        mx, my = int(bw * 0.07), int(bw * 0.07)
        ms = int(bw * 0.42)
        cv2.rectangle(body, (mx, my), (mx + ms, my + ms), mod_col, -1)
        spots = [
            (mx + ms // 4, my + ms // 4),
            (mx + ms // 4, my + 3 * ms // 4),
            (mx + 3 * ms // 4, my + ms // 2),
        ]
    elif style == "bar":
        my = int(bh * 0.08)
        cv2.rectangle(body, (m, my), (bw - m, my + int(lens_r * 2.6)), (20, 20, 22), -1)
        spots = [(int(bw * 0.2) + i * int(lens_r * 2.4), my + int(lens_r * 1.3)) for i in range(3)]
    else:
        spots = [(int(bw * 0.2), int(bh * 0.06) + lens_r + i * int(lens_r * 2.3)) for i in range(3)]
    for sx, sy in spots[:lenses]:
        cv2.circle(body, (sx, sy), lens_r, (25, 25, 28), -1, lineType=cv2.LINE_AA)
        cv2.circle(body, (sx, sy), int(lens_r * 0.6), (5, 5, 12), -1, lineType=cv2.LINE_AA)
        cv2.circle(
            body,
            (sx - lens_r // 4, sy - lens_r // 4),
            max(2, lens_r // 8),
            (200, 200, 220),
            -1,
            lineType=cv2.LINE_AA,
        )
    flash = spots[-1] if lenses < 3 else (spots[0][0] + int(lens_r * 2.2), spots[0][1])
    cv2.circle(
        body, (flash[0], flash[1]), max(3, lens_r // 4), (240, 230, 200), -1, lineType=cv2.LINE_AA
    )
    # Logo: a filled circle for a fruit-like logo, or a word mark.
    logo_col = _shade(dev.body_colour, 0.8 if sum(dev.body_colour) > 380 else 1.6)
    if dev.apple:
        cv2.circle(body, (bw // 2, bh // 2), int(bw * 0.07), logo_col, -1, lineType=cv2.LINE_AA)
        cv2.circle(
            body,
            (bw // 2 + int(bw * 0.06), bh // 2 - int(bw * 0.02)),
            int(bw * 0.03),
            tuple(int(c) for c in dev.body_colour),
            -1,
        )
    else:
        from PIL import Image, ImageDraw

        pil = Image.fromarray(body)
        d = ImageDraw.Draw(pil)
        word = {"Google": "G", "Samsung": "SAMSUNG", "Sony": "SONY", "Sharp": "AQUOS"}.get(
            dev.maker, dev.maker.upper()
        )
        f = font(
            data.LATIN_FONTS[split]["sans_bold"],
            max(12, int(bw * (0.06 if len(word) > 2 else 0.1))),
        )
        d.text((bw // 2, int(bh * 0.72)), word, font=f, fill=logo_col, anchor="mm")
        body = np.asarray(pil).copy()
    full = np.dstack([body, frame])
    out[:, btn : btn + bw][frame > 0] = full[frame > 0]
    used = [*spots[:lenses], flash]
    pad = int(lens_r * 1.25)
    xs = [x for x, _ in used]
    ys = [y for _, y in used]
    if style == "module":
        box = (mx - m, my - m, mx + ms + m, my + ms + m)
    else:
        box = (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    box = (max(0, box[0]) + btn, max(0, box[1]), min(bw, box[2]) + btn, min(bh, box[3]))
    return out, box


def add_case(
    back: Array,
    rng: random.Random,
    case: str,
    split: data.Split,
    camera: tuple[int, int, int, int] | None = None,
) -> Array:
    """Wrap a back view in a case: ``opaque``, ``clear`` or ``book`` (手帳型, flap open).

    ``camera`` is the camera area of ``back`` (from :func:`back_body`): the cut-out.
    """
    h, w = back.shape[:2]
    rim = int(w * (0.035 if case != "clear" else 0.03))
    if camera is None:
        camera = (int(w * 0.05), int(w * 0.05), int(w * 0.52), int(w * 0.52))
    H, W = h + 2 * rim, w + 2 * rim
    mask = _rounded_mask(H, W, int(w * 0.14) + rim)
    out = np.zeros((H, W, 4), np.uint8)
    if case == "opaque":
        col = np.array(
            rng.choice(
                [
                    (20, 20, 25),
                    (200, 60, 80),
                    (40, 90, 160),
                    (230, 220, 200),
                    (90, 140, 90),
                    (250, 170, 190),
                ]
            ),
            np.float32,
        )
        tex = col * (
            0.92
            + 0.08
            * np.random.default_rng(rng.randint(0, 2**31)).random((H, W, 1)).astype(np.float32)
        )
        out[..., :3] = np.clip(tex, 0, 255).astype(np.uint8)
        # Camera cut-out shows the phone's lenses, with a raised lip around them.
        cx0, cy0, cx1, cy1 = camera
        out[rim + cy0 : rim + cy1, rim + cx0 : rim + cx1, :3] = back[cy0:cy1, cx0:cx1, :3]
        lip = tuple(int(c * 0.75) for c in col)
        cv2.rectangle(
            out, (rim + cx0, rim + cy0), (rim + cx1, rim + cy1), (*lip, 255), max(3, rim // 3)
        )
        # A moulded rim line: a darker inner outline.
        inner = _rounded_mask(h, w, int(w * 0.14))
        edge = cv2.morphologyEx(inner, cv2.MORPH_GRADIENT, np.ones((5, 5), np.uint8))
        out[rim : rim + h, rim : rim + w][edge > 0, :3] = (
            out[rim : rim + h, rim : rim + w][edge > 0, :3] * 0.7
        ).astype(np.uint8)
        out[..., 3] = mask
        return out
    if case == "clear":
        out[rim : rim + h, rim : rim + w] = back
        col = np.array([235, 235, 215], np.float32)
        rimmask = (mask > 0) & ~np.pad(back[..., 3] > 0, rim)
        base: Array = out[..., :3].astype(np.float32)
        base[rimmask] = col * 0.85
        # Air-cushion corners: milky, thicker polymer where drop protection sits.
        bumps = np.zeros((H, W), np.uint8)
        rr = int(rim * 2.4)
        for cx, cy in ((rr, rr), (W - rr, rr), (rr, H - rr), (W - rr, H - rr)):
            cv2.circle(bumps, (cx, cy), rr, 255, -1)
        milky = (bumps > 0) & (mask > 0)
        base[milky] = base[milky] * 0.55 + 105
        # The moulded outer edge catches the light; a ring stands around the lenses.
        edge = cv2.morphologyEx(mask, cv2.MORPH_GRADIENT, np.ones((5, 5), np.uint8))
        base[edge > 0] = 245
        cx0, cy0, cx1, cy1 = camera
        cv2.rectangle(
            base, (rim + cx0, rim + cy0), (rim + cx1, rim + cy1), (235, 235, 230), max(3, rim // 3)
        )
        # Slight yellowing over the whole back and a few reflection streaks.
        base = base * 0.93 + np.array([18, 16, 4], np.float32)
        for _ in range(rng.randint(1, 3)):
            x = rng.randint(0, W)
            lit: Array = base.copy()
            cv2.line(lit, (x, 0), (x + int(W * 0.4), H), (255, 255, 255), max(3, W // 25))
            lit = cv2.GaussianBlur(lit, (0, 0), max(2, W // 100))
            base = cv2.addWeighted(base, 0.7, lit, 0.3, 0)  # a soft sheen, not a painted line
        out[..., :3] = np.clip(base, 0, 255).astype(np.uint8)
        out[..., 3] = mask
        return out
    # book-type: the closed-around back cover plus the front flap opened beside it.
    leather = np.array(
        rng.choice([(90, 50, 30), (30, 30, 35), (160, 120, 90), (120, 30, 40), (60, 70, 100)]),
        np.float32,
    )
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    grain = cv2.GaussianBlur(nrng.random((H, W)).astype(np.float32), (0, 0), 2)
    cover = np.clip(leather * (0.85 + 0.3 * grain[..., None]), 0, 255).astype(np.uint8)
    gap = int(W * 0.04)
    full = np.zeros((H, 2 * W + gap, 4), np.uint8)
    sq = np.full((H, W), 255, np.uint8)
    full[:, W + gap :, :3] = cover
    full[:, W + gap :, 3] = sq
    inside = np.clip(cover.astype(np.float32) * 0.8, 0, 255).astype(np.uint8)
    full[:, :W, :3] = inside
    full[:, :W, 3] = sq
    for i in range(3):  # card slots on the inside of the flap
        y = int(H * (0.15 + 0.12 * i))
        cv2.rectangle(
            full,
            (int(W * 0.1), y),
            (int(W * 0.9), y + int(H * 0.09)),
            (*(inside[0, 0] * 0.7).astype(int).tolist(), 255),
            max(2, W // 120),
        )
    full[:, W : W + gap, :3] = cover[:, :gap] * 0.6
    full[:, W : W + gap, 3] = 255
    cx0, cy0, cx1, cy1 = camera
    ox = W + gap + rim
    full[rim + cy0 : rim + cy1, ox + cx0 : ox + cx1, :3] = back[cy0:cy1, cx0:cx1, :3]
    stitch = max(2, W // 200)
    cv2.rectangle(
        full,
        (W + gap + rim // 2, rim // 2),
        (2 * W + gap - rim // 2, H - rim // 2),
        (200, 190, 170, 255),
        stitch,
        lineType=cv2.LINE_4,
    )
    return full
