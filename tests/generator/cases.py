"""Case families, the public ``generate`` / ``iter_cases`` API and the labels.

A *family* is one situation from the photo rules (写真撮影時の注意事項, 購入証明書の撮影・注意事項):
an acceptable front photo, a screenshot, a device cut by the frame, a back with a case, a
receipt, a truncated file ... Each family knows its document kind and the reason codes an
ideal inspector returns (``expected_flags``); ``optional_flags`` are codes that are
defensible either way (e.g. IMEI_NOT_FOUND on a photo that is already TOO_DARK) and are
ignored when scoring.
"""

from __future__ import annotations

import io
import math
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import cv2
import numpy as np
from PIL import Image

from tests.generator import data, device, documents, scene, screens
from tests.generator.pdf import write_pdf

Kind = Literal["front", "back", "proof"]
Array = np.ndarray

# Seeds of the two splits never overlap: dev draws from [0, 5e8), holdout from [5e8, 1e9).
SPLIT_SEED_BASE = {"dev": 0, "holdout": 500_000_000}


@dataclass
class CaseSpec:
    """What to generate: a family, the split whose parameter pools to use, optional overrides.

    ``params`` overrides: ``photo_size`` (w, h) to keep images small in tests, ``layout``,
    ``dark``, ``output`` (proof output form), ``doc`` (proof document type), ``kind``
    (for bad-file families).
    """

    family: str
    split: data.Split = "dev"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class GeneratedCase:
    data: bytes
    filename: str
    content_type: str
    kind: Kind
    label: dict[str, Any]
    # Every text string drawn into the image (not part of labels.jsonl; for tests/debugging).
    texts: list[str] = field(default_factory=list)


@dataclass
class _Ctx:
    spec: CaseSpec
    seed: int
    rng: random.Random
    nrng: np.random.Generator

    @property
    def split(self) -> data.Split:
        return self.spec.split

    def p(self, key: str, default: Any) -> Any:
        return self.spec.params.get(key, default)


def _fields(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "imei": None,
        "imeis": [],
        "serial": None,
        "purchase_date": None,
        "model_name": None,
        "store_name": None,
        "price_jpy": None,
        "carrier": None,
    }
    base.update(kw)
    return base


def _label(
    kind: Kind,
    family: str,
    flags: list[str],
    fields: dict[str, Any],
    params: dict[str, Any],
    optional: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "expected_flags": sorted(set(flags)),
        "optional_flags": sorted(set(optional or [])),
        "acceptable": not flags,
        "fields": fields,
        "case": family,
        "params": params,
    }


# --- photo pipeline -----------------------------------------------------------------------

PHOTO_SIZES_12MP = [(3024, 4032)]
PHOTO_SIZES_OTHER = [(2268, 4032), (1920, 2560), (1536, 2048), (1440, 1920), (1080, 1440)]


def _photo_size(ctx: _Ctx, *, landscape_ok: bool = False) -> tuple[int, int]:
    if "photo_size" in ctx.spec.params:
        w, h = ctx.spec.params["photo_size"]
        return int(w), int(h)
    r = ctx.rng.random()
    w, h = ctx.rng.choice(PHOTO_SIZES_12MP) if r < 0.35 else ctx.rng.choice(PHOTO_SIZES_OTHER)
    # Landscape only for large photos: a portrait device in a small landscape frame is tiny.
    if landscape_ok and max(w, h) >= 3000 and ctx.rng.random() < 0.3:
        w, h = h, w
    return w, h


@dataclass
class _Shot:
    image: Array
    quad: np.ndarray
    params: dict[str, Any]


def _shoot(
    ctx: _Ctx,
    obj: Array,
    *,
    fill: tuple[float, float],
    rotation: float = 25.0,
    perspective: float = 0.12,
    partial: bool = False,
    landscape_ok: bool = False,
    glare_spots: int | None = None,
    bg_kind: str | None = None,
    text_px: float | None = None,
    size: tuple[int, int] | None = None,
) -> _Shot:
    """Photograph ``obj`` (RGBA) on a background; ``partial`` lets the frame cut the object.

    ``text_px``: height in object pixels of the text that must stay legible; the object is
    then shown large enough for that text to be at least 16 px tall in the photo.
    """
    rng = ctx.rng
    w, h = size or _photo_size(ctx, landscape_ok=landscape_ok)
    bg = bg_kind or rng.choice(data.BACKGROUNDS[ctx.split])
    canvas = scene.background(bg, w, h, rng, ctx.nrng)
    f = rng.uniform(*fill)
    fit = min(h / obj.shape[0], w / obj.shape[1])
    if text_px:
        f = min(0.95, max(f, 16.0 / (text_px * fit)))
    rot = rng.uniform(-rotation, rotation)
    persp = rng.uniform(0, perspective)
    side = rng.choice(["top", "bottom", "left", "right"])
    centre = (0.5 + rng.uniform(-0.06, 0.06), 0.5 + rng.uniform(-0.06, 0.06))

    def place(f: float, rot: float, centre: tuple[float, float]) -> np.ndarray:
        return scene.object_quad(
            canvas.shape,
            obj.shape,
            fill=f,
            rotation_deg=rot,
            perspective=persp,
            side=side,
            centre=centre,
        )

    quad = place(f, rot, centre)
    cut = 0.0
    if partial:
        # Slide the object towards one edge until 12–45 % of it is outside the frame.
        target = rng.uniform(0.12, 0.45)
        ang = rng.uniform(0, 2 * math.pi)
        for step in range(1, 80):
            c = (centre[0] + math.cos(ang) * step * 0.01, centre[1] + math.sin(ang) * step * 0.01)
            quad = place(f, rot, c)
            cut = scene.cut_fraction(quad, canvas.shape)
            if cut >= target:
                break
    else:
        for _ in range(4):
            while not scene.inside_margin(quad, canvas.shape, 0.02) and f > 0.2:
                f *= 0.93
                quad = place(f, rot, centre)
            if not text_px or text_px * f * fit >= 15.5:
                break
            # Shrinking to fit made the text too small: hold the camera straighter instead.
            rot *= 0.5
            f = min(0.95, 16.0 / (text_px * fit))
            quad = place(f, rot, centre)
        # An acceptable photo shows the whole device with a margin: never let the last
        # straightening step leave it touching the frame (that photo is PARTIAL_FRAME).
        while not scene.inside_margin(quad, canvas.shape, 0.01) and f > 0.2:
            f *= 0.97
            quad = place(f, rot, centre)
        if (
            text_px
            and text_px * f * fit < 15.5
            and size is None
            and "photo_size" not in ctx.spec.params
        ):
            # The whole device and a legible IMEI do not fit this camera's resolution: the
            # subscriber's phone would have taken a full 12 MP photo.
            return _shoot(
                ctx,
                obj,
                fill=fill,
                rotation=rotation,
                perspective=perspective,
                landscape_ok=landscape_ok,
                glare_spots=glare_spots,
                bg_kind=bg_kind,
                text_px=text_px,
                size=PHOTO_SIZES_12MP[0],
            )
    scene.warp_onto(canvas, obj, quad)
    light = rng.uniform(0.0, 0.45)
    canvas = scene.lighting_gradient(canvas, rng, light)
    n_glare = rng.choice([0, 0, 1, 2]) if glare_spots is None else glare_spots
    if n_glare:
        canvas = scene.glare(canvas, rng, [(float(q[0]), float(q[1])) for q in quad], n_glare)
    params = {
        "text_px_in_photo": round(text_px * f * fit, 1) if text_px else None,
        "photo_size": [w, h],
        "background": bg,
        "fill": round(f, 3),
        "rotation": round(rot, 2),
        "perspective": round(persp, 3),
        "lighting": round(light, 3),
        "glare_spots": n_glare,
        "cut_fraction": round(cut, 3),
    }
    return _Shot(canvas, quad, params)


def _camera_finish(
    ctx: _Ctx, img: Array, params: dict[str, Any], *, blur: str = "mild", dark: bool = False
) -> Array:
    rng = ctx.rng
    long_side = max(img.shape[:2])
    if dark:
        gain = rng.uniform(0.08, 0.2)
        img = scene.exposure(img, gain, gamma=rng.uniform(1.1, 1.5))
        params["exposure_gain"] = round(gain, 3)
    if blur == "strong":
        if rng.random() < 0.5:
            sigma = long_side * rng.uniform(0.006, 0.012)
            img = scene.defocus(img, sigma)
            params["blur"] = {"defocus_sigma": round(sigma, 1)}
        else:
            length = int(long_side * rng.uniform(0.025, 0.05))
            img = scene.motion_blur(img, rng, length)
            params["blur"] = {"motion_px": length}
    else:
        sigma = rng.choice([0.0, 0.0, 0.6, 1.0]) * long_side / 3000
        img = scene.defocus(img, sigma)
        params["blur"] = {"defocus_sigma": round(sigma, 2)}
    noise = rng.uniform(1.0, 5.0) * (2.5 if dark else 1.0)
    img = scene.sensor_noise(img, ctx.nrng, noise)
    params["noise_sigma"] = round(noise, 2)
    return img


def _encode_photo(
    ctx: _Ctx,
    img: Array,
    params: dict[str, Any],
    *,
    stem: str,
    fmt: str | None = None,
    orientation: int = 1,
) -> tuple[bytes, str, str]:
    rng = ctx.rng
    quality = rng.randint(60, 95)
    keep_exif = rng.random() < 0.75 or orientation != 1
    exif = scene.make_exif(rng, orientation=orientation) if keep_exif else None
    params.update({"jpeg_quality": quality, "exif": keep_exif, "orientation": orientation})
    fmt = fmt or "JPEG"
    params["format"] = fmt
    if fmt == "HEIF":
        return scene.encode(img, "HEIF", quality=quality, exif=exif), stem + ".heic", "image/heic"
    return scene.encode(img, "JPEG", quality=quality, exif=exif), stem + ".jpg", "image/jpeg"


# --- front ---------------------------------------------------------------------------------


def _front_object(
    ctx: _Ctx, dev: screens.Device, layout: str | None = None, *, status_bar: bool | None = None
) -> tuple[Array, screens.ScreenContent, dict[str, Any]]:
    rng = ctx.rng
    lay = layout or ctx.p("layout", None) or screens.pick_layout(dev, rng)
    dark = bool(ctx.p("dark", rng.random() < 0.4))
    sb = rng.random() < 0.85 if status_bar is None else status_bar
    content = screens.render_screen(dev, rng, ctx.split, lay, dark=dark, status_bar=sb)
    scr = content.image
    if rng.random() < 0.4:
        scr = scene.moire(scr, rng, rng.uniform(0.04, 0.12))
    geo = device.geometry(dev, rng)
    obj = device.front_body(dev, scr, rng, geo)
    params = {
        "layout": lay,
        "dark_mode": dark,
        "status_bar": sb,
        "screen": list(dev.screen_size),
        "body_colour": list(dev.body_colour),
        "notch": geo.notch,
        "tablet": dev.tablet,
        "moire": scr is not content.image,
    }
    return obj, content, params


def _front_fields(content: screens.ScreenContent) -> dict[str, Any]:
    imeis = list(dict.fromkeys(content.shown_imeis))
    return _fields(
        imei=imeis[0] if imeis else None,
        imeis=imeis,
        serial=content.shown_serial,
        model_name=content.shown_model,
    )


def _front_photo(
    ctx: _Ctx,
    *,
    flags: list[str],
    optional: list[str] | None = None,
    partial: bool = False,
    blur: str = "mild",
    dark: bool = False,
    lowres: bool = False,
    fmt: str | None = None,
    orientation: int = 1,
    kind: Kind = "front",
    layout: str | None = None,
    bad_check_digit: bool = False,
) -> GeneratedCase:
    dev = screens.make_device(ctx.rng, ctx.split)
    if bad_check_digit:
        # A counterfeit or re-flashed phone: every IMEI on its screen fails the Luhn check.
        dev = replace(
            dev,
            imei=_break_check_digit(ctx.rng, dev.imei),
            imei2=_break_check_digit(ctx.rng, dev.imei2) if dev.imei2 else None,
        )
    obj, content, params = _front_object(ctx, dev, layout)
    if bad_check_digit:
        params["bad_check_digit"] = True
    box = content.imei_box
    text_px = float(box[3] - box[1]) if box and not flags else None
    shot = _shoot(ctx, obj, fill=(0.55, 0.9), partial=partial, text_px=text_px, landscape_ok=True)
    params.update(shot.params)
    img = _camera_finish(ctx, shot.image, params, blur=blur, dark=dark)
    if lowres:
        img = _lowres(ctx, img, params)
    if orientation in (6, 8):
        # The sensor stores the image sideways and EXIF says how to turn it upright.
        img = np.ascontiguousarray(np.rot90(img, 1 if orientation == 6 else -1))
    payload, name, ctype = _encode_photo(
        ctx, img, params, stem=_stem(ctx), fmt=fmt, orientation=orientation
    )
    # An invalid IMEI is not an IMEI: the ideal inspector returns none and says why.
    fields = _front_fields(content) if kind == "front" and not bad_check_digit else _fields()
    texts = [content.layout, *content.shown_imeis]
    return GeneratedCase(
        payload,
        name,
        ctype,
        kind,
        _label(kind, ctx.spec.family, flags, fields, params, optional),
        texts,
    )


def _break_check_digit(rng: random.Random, imei: str) -> str:
    """``imei`` with its last digit replaced by one of the nine that fail Luhn."""
    wrong = rng.choice([d for d in "0123456789" if d != imei[-1]])
    return imei[:-1] + wrong


def _lowres(ctx: _Ctx, img: Array, params: dict[str, Any]) -> Array:
    h, w = img.shape[:2]
    target = ctx.rng.choice([320, 400, 480, 560])
    s = target / max(h, w)
    small = cv2.resize(img, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    params["downscaled_to"] = [small.shape[1], small.shape[0]]
    return small


def _stem(ctx: _Ctx) -> str:
    return f"{ctx.split}-{ctx.seed}-{ctx.spec.family}"


def fam_front_photo(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=[])


def fam_front_photo_heic(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=[], fmt="HEIF")


def fam_front_photo_exif_rotated(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=[], orientation=ctx.rng.choice([6, 8]))


def fam_front_partial(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=["PARTIAL_FRAME"], optional=["IMEI_NOT_FOUND"], partial=True)


def fam_front_dark(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=["TOO_DARK"], optional=["IMEI_NOT_FOUND", "BLURRY"], dark=True)


def fam_front_blurry(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=["BLURRY"], optional=["IMEI_NOT_FOUND"], blur="strong")


def fam_front_lowres(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(
        ctx, flags=["LOW_RESOLUTION"], optional=["IMEI_NOT_FOUND", "BLURRY"], lowres=True
    )


def fam_front_no_imei(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=["IMEI_NOT_FOUND"], layout="home")


def fam_front_imei_invalid(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=["IMEI_CHECKSUM_INVALID"], bad_check_digit=True)


def fam_back_front_shown(ctx: _Ctx) -> GeneratedCase:
    return _front_photo(ctx, flags=["FRONT_SIDE_SHOWN"], kind="back")


def fam_front_screenshot(ctx: _Ctx) -> GeneratedCase:
    rng = ctx.rng
    dev = screens.make_device(rng, ctx.split)
    lay = ctx.p("layout", None) or screens.pick_layout(dev, rng)
    dark = rng.random() < 0.4
    sb = rng.random() < 0.7
    content = screens.render_screen(dev, rng, ctx.split, lay, dark=dark, status_bar=sb)
    variant = rng.choice(["png_native", "jpeg_reencode", "messenger"])
    img = content.image
    params: dict[str, Any] = {
        "layout": lay,
        "dark_mode": dark,
        "status_bar": sb,
        "screen": list(dev.screen_size),
        "variant": variant,
    }
    if variant == "png_native":
        payload, name, ctype = scene.encode(img, "PNG"), _stem(ctx) + ".png", "image/png"
    elif variant == "jpeg_reencode":
        q = rng.randint(70, 95)
        params["jpeg_quality"] = q
        payload, name, ctype = (
            scene.encode(img, "JPEG", quality=q),
            _stem(ctx) + ".jpg",
            "image/jpeg",
        )
    else:
        long_side = rng.choice([1280, 1600])
        h, w = img.shape[:2]
        s = long_side / max(h, w)
        img = cv2.resize(img, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
        q = rng.randint(70, 85)
        params.update({"jpeg_quality": q, "resized_long_side": long_side})
        payload, name, ctype = (
            scene.encode(img, "JPEG", quality=q),
            _stem(ctx) + ".jpg",
            "image/jpeg",
        )
    return GeneratedCase(
        payload,
        name,
        ctype,
        "front",
        _label("front", ctx.spec.family, ["SCREENSHOT"], _front_fields(content), params),
        [content.layout, *content.shown_imeis],
    )


# --- back ----------------------------------------------------------------------------------


def _back_photo(
    ctx: _Ctx,
    *,
    flags: list[str],
    optional: list[str] | None = None,
    case: str | None = None,
    partial: bool = False,
    kind: Kind = "back",
    blur: str = "mild",
    dark: bool = False,
) -> GeneratedCase:
    rng = ctx.rng
    dev = screens.make_device(rng, ctx.split)
    geo = device.geometry(dev, rng)
    obj, camera = device.back_body(dev, rng, geo, ctx.split)
    if case:
        obj = device.add_case(obj, rng, case, ctx.split, camera)
    shot = _shoot(ctx, obj, fill=(0.55, 0.88), partial=partial, landscape_ok=True)
    params: dict[str, Any] = {
        "body_colour": list(dev.body_colour),
        "case": case,
        "tablet": dev.tablet,
        "screen": list(dev.screen_size),
    }
    params.update(shot.params)
    img = _camera_finish(ctx, shot.image, params, blur=blur, dark=dark)
    payload, name, ctype = _encode_photo(ctx, img, params, stem=_stem(ctx))
    return GeneratedCase(
        payload,
        name,
        ctype,
        kind,
        _label(kind, ctx.spec.family, flags, _fields(), params, optional),
    )


def fam_back_photo(ctx: _Ctx) -> GeneratedCase:
    return _back_photo(ctx, flags=[])


def fam_back_case(ctx: _Ctx) -> GeneratedCase:
    case = ctx.p("case", ctx.rng.choice(["opaque", "opaque", "clear", "book"]))
    return _back_photo(ctx, flags=["CASE_ATTACHED"], case=case)


def fam_back_partial(ctx: _Ctx) -> GeneratedCase:
    return _back_photo(ctx, flags=["PARTIAL_FRAME"], partial=True)


def fam_back_dark(ctx: _Ctx) -> GeneratedCase:
    return _back_photo(ctx, flags=["TOO_DARK"], optional=["BLURRY"], dark=True)


def fam_back_blurry(ctx: _Ctx) -> GeneratedCase:
    return _back_photo(ctx, flags=["BLURRY"], blur="strong")


def fam_front_back_shown(ctx: _Ctx) -> GeneratedCase:
    return _back_photo(ctx, flags=["BACK_SIDE_SHOWN"], optional=["IMEI_NOT_FOUND"], kind="front")


# --- wrong subject ----------------------------------------------------------------------------


def _box_object(ctx: _Ctx) -> tuple[Array, dict[str, Any]]:
    """A retail phone box seen from above at an angle: printed device picture, model name."""
    rng = ctx.rng
    dev = screens.make_device(rng, ctx.split)
    dev.screen_size = (540, 1170)
    home = screens.render_home(dev, rng, ctx.split, dark=False, status_bar=False).image
    geo = device.geometry(dev, rng)
    pic = device.front_body(dev, home, rng, geo)
    bw, bh = 900, 1500
    white = rng.random() < 0.7
    col = (245, 245, 245) if white else (25, 25, 28)
    page = documents.Page(bw, bh, ctx.split, bg=col)
    ph = int(bh * 0.6)
    pw = int(pic.shape[1] * ph / pic.shape[0])
    pic_s = cv2.resize(pic, (pw, ph), interpolation=cv2.INTER_AREA)
    arr = np.asarray(page.img).copy()
    x0, y0 = (bw - pw) // 2, int(bh * 0.12)
    a = pic_s[..., 3:4].astype(np.float32) / 255
    arr[y0 : y0 + ph, x0 : x0 + pw] = (
        arr[y0 : y0 + ph, x0 : x0 + pw] * (1 - a) + pic_s[..., :3] * a
    ).astype(np.uint8)
    page.img = Image.fromarray(arr)
    page.d = __import__("PIL.ImageDraw", fromlist=["Draw"]).Draw(page.img)
    fg = (30, 30, 30) if white else (230, 230, 230)
    page.text_at(bw / 2, bh * 0.8, dev.model.name, 60, anchor="ma", fill=fg)
    sticker = rng.random() < 0.5
    if sticker:  # the IMEI sticker real boxes carry: a strong distractor
        page.d.rectangle(
            (bw * 0.1, bh * 0.88, bw * 0.9, bh * 0.97), fill=(255, 255, 255), outline=(0, 0, 0)
        )
        page.text_at(bw * 0.13, bh * 0.9, f"IMEI {dev.imei}", 34, fill=(0, 0, 0))
    side = np.zeros((bh + 60, bw + 60, 4), np.uint8)
    side[..., :3] = np.array(col) * 0.75
    side[..., 3] = 255
    side[:bh, :bw, :3] = np.asarray(page.img)
    return side, {"subject": "box", "imei_sticker": sticker}


def _paper_object(ctx: _Ctx) -> tuple[Array, dict[str, Any]]:
    rng = ctx.rng
    if rng.random() < 0.5:
        facts = documents.make_facts(rng)
        page = documents.contract(facts, rng, ctx.split)
    else:
        page = documents.render_wrong_text_page(rng, ctx.split)
    arr = page.array()
    return scene.rgba_from_rgb(arr), {"subject": "papers"}


def _wrong_subject(ctx: _Ctx, kind: Kind) -> GeneratedCase:
    obj, params = _box_object(ctx) if ctx.rng.random() < 0.6 else _paper_object(ctx)
    shot = _shoot(ctx, obj, fill=(0.55, 0.85), rotation=20)
    params.update(shot.params)
    img = _camera_finish(ctx, shot.image, params)
    payload, name, ctype = _encode_photo(ctx, img, params, stem=_stem(ctx))
    optional = ["IMEI_NOT_FOUND"] if kind == "front" else []
    return GeneratedCase(
        payload,
        name,
        ctype,
        kind,
        _label(kind, ctx.spec.family, ["WRONG_SUBJECT"], _fields(), params, optional),
    )


def fam_front_wrong_subject(ctx: _Ctx) -> GeneratedCase:
    return _wrong_subject(ctx, "front")


def fam_back_wrong_subject(ctx: _Ctx) -> GeneratedCase:
    return _wrong_subject(ctx, "back")


# --- proofs --------------------------------------------------------------------------------

PROOF_OUTPUTS = ("png", "pdf_text", "pdf_image", "scan_jpeg", "photo")


def _proof_fields(f: documents.ProofFacts) -> dict[str, Any]:
    return _fields(
        imei=f.imei,
        imeis=[f.imei] if f.imei else [],
        serial=f.serial,
        purchase_date=f.purchase_date.isoformat() if f.purchase_date else None,
        model_name=f.model.name if f.model else None,
        store_name=f.store.name if f.store_shown else None,
        price_jpy=f.price if f.price_shown else None,
        carrier=f.carrier,
    )


def _proof(
    ctx: _Ctx,
    *,
    flags: list[str],
    optional: list[str] | None = None,
    with_date: bool = True,
    with_model: bool = True,
    with_id: bool | None = None,
    partial: bool = False,
    lowres: bool = False,
) -> GeneratedCase:
    rng = ctx.rng
    doc = ctx.p(
        "doc", rng.choice(["receipt", "receipt", "contract", "email", "warranty", "carrier_web"])
    )
    if not with_model and not with_id:
        doc = ctx.p("doc", rng.choice(["receipt", "contract", "email", "warranty"]))
    facts = documents.make_facts(rng, with_date=with_date, with_model=with_model, with_id=with_id)
    page = documents.DOC_RENDERERS[doc](facts, rng, ctx.split)
    img = page.array()
    if doc == "carrier_web":
        output = ctx.p("output", rng.choice(["png", "png", "scan_jpeg"]))
    else:
        output = ctx.p(
            "output", rng.choice(["png", "pdf_text", "pdf_image", "scan_jpeg", "photo", "photo"])
        )
    if partial and output.startswith("pdf"):
        output = "png"
    params: dict[str, Any] = {
        "doc": doc,
        "output": output,
        "date_format": facts.date_format,
        "purchase_label": facts.purchase_label,
        "distractor_dates": {k: d.isoformat() for k, d in facts.distractors},
    }
    fields = _proof_fields(facts)
    optional = list(optional or [])
    if partial:
        # Cut the bottom (and sometimes a side): the labelled values sit in the upper part.
        # Cut through a text line in the lower part of the content, so the page visibly
        # stops mid-document (cutting blank paper below the text would not be partial).
        bottom = max(r.y + r.size for r in page.runs)
        lower = [r for r in page.runs if r.y > bottom * 0.5] or page.runs
        through = rng.choice(lower)
        cut_y = int(through.y + through.size * rng.uniform(0.35, 0.65))
        keep = cut_y / img.shape[0]
        lost = [r for r in page.runs if r.y + r.size > cut_y]
        img = img[:cut_y].copy()
        if rng.random() < 0.4:
            img = img[:, : int(img.shape[1] * rng.uniform(0.8, 0.92))].copy()
            optional += ["DATE_NOT_FOUND", "MODEL_OR_ID_NOT_FOUND"]
        params["kept_fraction"] = round(keep, 3)
        lost_text = {r.text for r in lost}
        purchase_text = facts.rendered_dates.get(facts.purchase_label or "")
        if purchase_text and purchase_text in lost_text:
            optional.append("DATE_NOT_FOUND")
        if facts.model_text and any(facts.model_text in t for t in lost_text):
            optional.append("MODEL_OR_ID_NOT_FOUND")
        if output == "photo":
            output = "scan_jpeg"  # a photo of a cut-off page: the scan of a cropped sheet
            params["output"] = output
    if lowres:
        h, w = img.shape[:2]
        target = rng.choice([360, 420, 500])
        s = target / max(h, w)
        img = cv2.resize(
            img, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA
        )
        params["downscaled_to"] = [img.shape[1], img.shape[0]]
        if output.startswith("pdf") or output == "photo":
            output = "png"
            params["output"] = output
    stem = _stem(ctx)
    if output == "png":
        payload, name, ctype = scene.encode(img, "PNG"), stem + ".png", "image/png"
    elif output in ("pdf_text", "pdf_image"):
        payload = write_pdf(img, page.runs if output == "pdf_text" else None, dpi=150.0)
        name, ctype = stem + ".pdf", "application/pdf"
    elif output == "scan_jpeg":
        q = rng.randint(70, 95)
        params["jpeg_quality"] = q
        payload, name, ctype = scene.encode(img, "JPEG", quality=q), stem + ".jpg", "image/jpeg"
    else:
        obj = scene.rgba_from_rgb(img)
        shot = _shoot(
            ctx,
            obj,
            fill=(0.7, 0.92),
            rotation=12,
            perspective=0.1,
            glare_spots=0,
            landscape_ok=doc == "warranty",
        )
        params.update(shot.params)
        photo = _camera_finish(ctx, shot.image, params)
        payload, name, ctype = _encode_photo(ctx, photo, params, stem=stem)
    return GeneratedCase(
        payload,
        name,
        ctype,
        "proof",
        _label("proof", ctx.spec.family, flags, fields, params, optional),
        [r.text for r in page.runs],
    )


def fam_proof(ctx: _Ctx) -> GeneratedCase:
    return _proof(ctx, flags=[])


def fam_proof_partial(ctx: _Ctx) -> GeneratedCase:
    return _proof(ctx, flags=["PARTIAL_DOCUMENT"], partial=True)


def fam_proof_lowres(ctx: _Ctx) -> GeneratedCase:
    return _proof(
        ctx,
        flags=["LOW_RESOLUTION"],
        optional=["DATE_NOT_FOUND", "MODEL_OR_ID_NOT_FOUND"],
        lowres=True,
    )


def fam_proof_no_date(ctx: _Ctx) -> GeneratedCase:
    return _proof(ctx, flags=["DATE_NOT_FOUND"], with_date=False)


def fam_proof_no_model(ctx: _Ctx) -> GeneratedCase:
    return _proof(ctx, flags=["MODEL_OR_ID_NOT_FOUND"], with_model=False, with_id=False)


# --- bad files -----------------------------------------------------------------------------


def _bad_kind(ctx: _Ctx) -> Kind:
    k = ctx.p("kind", ctx.rng.choice(["front", "back", "proof"]))
    return k


def _small_photo(ctx: _Ctx) -> Array:
    canvas = scene.background(
        ctx.rng.choice(data.BACKGROUNDS[ctx.split]), 480, 640, ctx.rng, ctx.nrng
    )
    cv2.rectangle(canvas, (120, 100), (360, 560), (20, 20, 20), -1)
    return canvas


def fam_bad_truncated(ctx: _Ctx) -> GeneratedCase:
    kind = _bad_kind(ctx)
    payload = scene.encode(_small_photo(ctx), "JPEG", quality=90)
    cut = int(len(payload) * ctx.rng.uniform(0.3, 0.7))
    return GeneratedCase(
        payload[:cut],
        _stem(ctx) + ".jpg",
        "image/jpeg",
        kind,
        _label(kind, ctx.spec.family, ["CORRUPT_FILE"], _fields(), {"kept_bytes": cut}),
    )


def fam_bad_random(ctx: _Ctx) -> GeneratedCase:
    kind = _bad_kind(ctx)
    n = ctx.rng.randint(2_000, 60_000)
    body = ctx.rng.randbytes(n)
    header = ctx.rng.random() < 0.5
    if header:  # a JPEG signature followed by garbage defeats "sniff the magic bytes" checks
        body = b"\xff\xd8\xff\xe0" + body
    return GeneratedCase(
        body,
        _stem(ctx) + ".jpg",
        "image/jpeg",
        kind,
        _label(
            kind,
            ctx.spec.family,
            ["CORRUPT_FILE"],
            _fields(),
            {"bytes": len(body), "jpeg_magic": header},
        ),
    )


def fam_bad_format(ctx: _Ctx) -> GeneratedCase:
    kind = _bad_kind(ctx)
    fmt = ctx.p("format", ctx.rng.choice(["GIF", "BMP", "TIFF", "TXT"]))
    if fmt == "TXT":
        imei = data.make_imei(ctx.rng, data.pick_tac(ctx.rng).tac)
        payload = f"IMEI: {imei}\n購入日: 2024年3月1日\n".encode()
        name, ctype = _stem(ctx) + ".txt", "text/plain"
    else:
        payload = scene.encode(_small_photo(ctx), fmt)
        ext = {"GIF": ".gif", "BMP": ".bmp", "TIFF": ".tif"}[fmt]
        name, ctype = _stem(ctx) + ext, f"image/{fmt.lower()}"
    return GeneratedCase(
        payload,
        name,
        ctype,
        kind,
        _label(kind, ctx.spec.family, ["UNSUPPORTED_FORMAT"], _fields(), {"format": fmt}),
    )


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + tag
        + body
        + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)
    )


def fam_bad_bomb(ctx: _Ctx) -> GeneratedCase:
    """Huge declared dimensions in a tiny file: must be refused before decoding."""
    kind = _bad_kind(ctx)
    variant = ctx.p("variant", ctx.rng.choice(["png", "jpeg"]))
    if variant == "png":
        side = ctx.rng.choice([20_000, 30_000])
        row = b"\x00" + b"\x00" * (side // 8)
        comp = zlib.compressobj(9)
        parts = [comp.compress(row * 500) for _ in range(side // 500)]
        parts.append(comp.flush())
        ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
        payload = (
            b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", b"".join(parts))
            + _png_chunk(b"IEND", b"")
        )
        name, ctype = _stem(ctx) + ".png", "image/png"
    else:
        side = ctx.rng.choice([40_000, 60_000])
        small = bytearray(scene.encode(_small_photo(ctx), "JPEG", quality=80))
        i = 2
        while i < len(small) - 9:  # patch the SOF0/SOF2 frame header's height and width
            if small[i] == 0xFF and small[i + 1] in (0xC0, 0xC2):
                small[i + 5 : i + 7] = struct.pack(">H", side)
                small[i + 7 : i + 9] = struct.pack(">H", side)
                break
            seg_len = struct.unpack(">H", small[i + 2 : i + 4])[0]
            i += 2 + seg_len
        payload = bytes(small)
        name, ctype = _stem(ctx) + ".jpg", "image/jpeg"
    return GeneratedCase(
        payload,
        name,
        ctype,
        kind,
        _label(
            kind,
            ctx.spec.family,
            ["FILE_TOO_LARGE"],
            _fields(),
            {"variant": variant, "declared": [side, side]},
        ),
    )


def fam_bad_animated(ctx: _Ctx) -> GeneratedCase:
    """An animated WebP/GIF is no camera photo or document scan (labelled UNSUPPORTED_FORMAT)."""
    kind = _bad_kind(ctx)
    fmt = ctx.p("format", ctx.rng.choice(["WEBP", "GIF"]))
    frames = [Image.fromarray(_small_photo(ctx)) for _ in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, format=fmt, save_all=True, append_images=frames[1:], duration=120, loop=0)
    ext = ".webp" if fmt == "WEBP" else ".gif"
    return GeneratedCase(
        buf.getvalue(),
        _stem(ctx) + ext,
        f"image/{fmt.lower()}",
        kind,
        _label(
            kind, ctx.spec.family, ["UNSUPPORTED_FORMAT"], _fields(), {"format": fmt, "frames": 3}
        ),
    )


# --- registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    name: str
    kind: Kind | Literal["any"]
    weight: float
    make: Callable[[_Ctx], GeneratedCase]


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family("front_photo", "front", 9, fam_front_photo),
        Family("front_photo_heic", "front", 1, fam_front_photo_heic),
        Family("front_photo_exif_rotated", "front", 1, fam_front_photo_exif_rotated),
        Family("front_screenshot", "front", 3, fam_front_screenshot),
        Family("front_partial", "front", 2, fam_front_partial),
        Family("front_back_shown", "front", 1.5, fam_front_back_shown),
        Family("front_wrong_subject", "front", 1.5, fam_front_wrong_subject),
        Family("front_no_imei", "front", 1, fam_front_no_imei),
        Family("front_imei_invalid", "front", 1, fam_front_imei_invalid),
        Family("front_dark", "front", 1, fam_front_dark),
        Family("front_blurry", "front", 1, fam_front_blurry),
        Family("front_lowres", "front", 1, fam_front_lowres),
        Family("back_photo", "back", 5, fam_back_photo),
        Family("back_case", "back", 3, fam_back_case),
        Family("back_front_shown", "back", 1.5, fam_back_front_shown),
        Family("back_partial", "back", 1.5, fam_back_partial),
        Family("back_wrong_subject", "back", 1, fam_back_wrong_subject),
        Family("back_dark", "back", 0.5, fam_back_dark),
        Family("back_blurry", "back", 0.5, fam_back_blurry),
        Family("proof", "proof", 9, fam_proof),
        Family("proof_partial", "proof", 1.5, fam_proof_partial),
        Family("proof_lowres", "proof", 1.5, fam_proof_lowres),
        Family("proof_no_date", "proof", 1.5, fam_proof_no_date),
        Family("proof_no_model", "proof", 1.5, fam_proof_no_model),
        Family("bad_truncated", "any", 0.6, fam_bad_truncated),
        Family("bad_random", "any", 0.6, fam_bad_random),
        Family("bad_format", "any", 0.8, fam_bad_format),
        Family("bad_bomb", "any", 0.5, fam_bad_bomb),
        Family("bad_animated", "any", 0.5, fam_bad_animated),
    ]
}


def generate(case: CaseSpec, seed: int) -> GeneratedCase:
    """Render one case. Same ``case`` and ``seed`` → the same bytes and label."""
    fam = FAMILIES[case.family]
    rng = random.Random(f"{case.split}:{case.family}:{seed}")
    nrng = np.random.default_rng([seed, zlib.crc32(f"{case.split}:{case.family}".encode())])
    ctx = _Ctx(case, seed, rng, nrng)
    out = fam.make(ctx)
    out.label["seed"] = seed
    out.label["split"] = case.split
    out.label["filename"] = out.filename
    return out


def _schedule(families: list[Family]) -> Iterator[Family]:
    """Smooth weighted round-robin: every prefix of the sequence is close to the weights."""
    current = {f.name: 0.0 for f in families}
    total = sum(f.weight for f in families)
    while True:
        for f in families:
            current[f.name] += f.weight
        best = max(families, key=lambda f: (current[f.name], f.name))
        current[best.name] -= total
        yield best


def iter_specs(
    split: data.Split, n: int, *, kinds: set[str] | None = None, families: set[str] | None = None
) -> Iterator[tuple[CaseSpec, int]]:
    """``n`` (spec, seed) pairs in a balanced, deterministic mix of families."""
    chosen = [
        f
        for f in FAMILIES.values()
        if (kinds is None or f.kind in kinds or f.kind == "any")
        and (families is None or f.name in families)
    ]
    if not chosen:
        return
    base = SPLIT_SEED_BASE[split]
    sched = _schedule(chosen)
    for i in range(n):
        fam = next(sched)
        params: dict[str, Any] = {}
        if fam.kind == "any" and kinds is not None:
            params["kind"] = sorted(kinds)[i % len(kinds)]
        yield CaseSpec(fam.name, split, params), base + i


def iter_cases(
    split: data.Split, n: int, *, kinds: set[str] | None = None, families: set[str] | None = None
) -> Iterator[GeneratedCase]:
    """``n`` generated cases of ``split`` in a balanced mix (see :func:`iter_specs`)."""
    for spec, seed in iter_specs(split, n, kinds=kinds, families=families):
        yield generate(spec, seed)
