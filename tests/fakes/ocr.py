"""OCR results built by hand, for tests of what is done with a reading."""

from __future__ import annotations

from device_intake.inspection.ocr import OcrLine, OcrWord


def ocr_line(
    words: list[tuple[str, int, int]], *, y: int, h: int, confidence: float = 0.9
) -> OcrLine:
    """A line of words ``(text, x, width)`` on one row (top ``y``, height ``h``)."""
    parts = tuple(OcrWord(text, confidence, (x, y, w, h)) for text, x, w in words)
    x0 = min(x for _, x, _ in words)
    x1 = max(x + w for _, x, w in words)
    text = " ".join(text for text, _, _ in words)
    return OcrLine(text, confidence, (x0, y, x1 - x0, h), parts)
