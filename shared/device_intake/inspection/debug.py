"""``--debug-dir``: annotated images that show a person why an inspection came out as it did.

Inspectors call :func:`record` with intermediate images (rectified page, screen crop,
binarised rows); it does nothing unless a :class:`DebugRecorder` is active (the engine
activates one for ``inspect_document(..., debug_dir=...)``), so the calls cost nothing in
production. At the end the engine writes ``annotated.jpg``: the normalised image with every
``InspectionResult.boxes`` polygon and its label/text drawn on it (IPA Gothic so Japanese
reads), plus ``result.json``.

Debug images contain the document itself: write them only to a local directory chosen by
an operator, never to logs or shared storage.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from device_intake.domain.documents import InspectionResult
    from device_intake.inspection.loading import LoadedDocument

log = logging.getLogger(__name__)

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
# One colour per box label (BGR→RGB handled by PIL drawing on RGB).
_COLOURS = {
    "document": (0, 160, 255),
    "device": (0, 200, 0),
    "screen": (255, 160, 0),
    "imei_row": (220, 0, 220),
    "imei": (220, 0, 220),
    "purchase_date": (230, 30, 30),
    "model_name": (30, 30, 230),
    "store_name": (0, 140, 140),
    "price": (140, 90, 0),
}

_active: contextvars.ContextVar[DebugRecorder | None] = contextvars.ContextVar(
    "device_intake_debug_recorder", default=None
)


class DebugRecorder:
    """Collects intermediate images and writes them, numbered, into ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._count = 0

    def add(self, name: str, image: np.ndarray) -> Path | None:
        if image is None or image.size == 0:
            return None
        self._count += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60] or "image"
        path = self.directory / f"{self._count:02d}_{safe}.png"
        cv2.imwrite(str(path), image)
        return path

    def write_result(self, doc: LoadedDocument | None, result: InspectionResult) -> None:
        (self.directory / "result.json").write_text(
            json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        if doc is None:
            return
        annotated = annotate(doc.image, result)
        path = self.directory / "annotated.jpg"
        cv2.imwrite(str(path), annotated, [cv2.IMWRITE_JPEG_QUALITY, 90])


@contextlib.contextmanager
def recording(recorder: DebugRecorder | None) -> Iterator[None]:
    """Make ``recorder`` the target of :func:`record` for the duration of the block."""
    token = _active.set(recorder)
    try:
        yield
    finally:
        _active.reset(token)


def active() -> bool:
    """True when debug images are being collected (skip expensive drawing otherwise)."""
    return _active.get() is not None


def record(name: str, image: np.ndarray) -> None:
    """Save an intermediate image if a recorder is active; otherwise do nothing."""
    recorder = _active.get()
    if recorder is not None:
        recorder.add(name, image)


_font_cache: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    font = _font_cache.get(size)
    if font is None:
        for candidate in FONT_CANDIDATES:
            if Path(candidate).is_file():
                font = ImageFont.truetype(candidate, size)
                break
        else:  # no Japanese font installed: labels still render, kana as boxes
            font = ImageFont.load_default()
        _font_cache[size] = font
    return font


def annotate(image: np.ndarray, result: InspectionResult) -> np.ndarray:
    """The image with the result's boxes, labels, read text and flags drawn on it (BGR)."""
    rgb = Image.fromarray(np.ascontiguousarray(image[:, :, ::-1]))
    draw = ImageDraw.Draw(rgb)
    w, h = rgb.size
    size = max(14, min(w, h) // 45)
    font = _font(size)
    line_width = max(2, min(w, h) // 400)
    for box in result.boxes:
        colour = _COLOURS.get(box.label, (255, 0, 0))
        points = [(float(x), float(y)) for x, y in box.points]
        if len(points) >= 2:
            draw.line([*points, points[0]], fill=colour, width=line_width)
        caption = box.label if not box.text else f"{box.label}: {box.text}"
        if points:
            x = min(p[0] for p in points)
            y = max(0.0, min(p[1] for p in points) - size - 4)
            _label(draw, (x, y), caption[:80], font, colour)
    flags = ", ".join(result.flags) if result.flags else "OK"
    _label(draw, (4, 4), f"{result.kind}: {flags}", font, (0, 0, 0))
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def _label(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    colour: tuple[int, int, int],
) -> None:
    left, top, right, bottom = draw.textbbox(xy, text, font=font)
    draw.rectangle((left - 2, top - 2, right + 2, bottom + 2), fill=(255, 255, 255))
    draw.text(xy, text, font=font, fill=colour)
