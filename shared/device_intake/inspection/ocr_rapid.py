"""``RapidOcrEngine``: the ``OcrEngine`` port on RapidOCR (PaddleOCR models on onnxruntime).

A second opinion next to tesseract: slower (~1 s for a receipt on one core vs ~0.2 s) but
steadier on photographed, low-contrast or slanted text. Used as a peer in the benchmark
and as the fallback of the ``hybrid`` engine (see ``docs/inspection.md``).

It must never download anything: the detection, orientation and recognition models ship
inside the ``rapidocr`` wheel, and we pass their paths explicitly, so a missing file is an
:class:`OcrUnavailableError` at construction rather than a network call at run time. The
PP-OCR recognition model reads Japanese kana and kanji as well as Latin text; ``lang`` is
therefore ignored. Construction costs ~1 s: build it once per process (lazily).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from device_intake.inspection.ocr import OcrLine, OcrUnavailableError, OcrWord

log = logging.getLogger(__name__)

_MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}


def _models_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"


class RapidOcrEngine:
    """RapidOCR behind the ``OcrEngine`` protocol (thread-safe; one instance per process)."""

    name = "rapidocr"

    def __init__(self, threads: int | None = None) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - depends on the image build
            raise OcrUnavailableError("rapidocr is not installed") from exc
        models = _models_dir()
        params: dict[str, Any] = {"Global.log_level": "error"}
        for stage, file_name in _MODEL_FILES.items():
            path = models / file_name
            if not path.is_file():
                # Without an explicit model file rapidocr would fetch one: refuse instead.
                raise OcrUnavailableError(f"rapidocr model missing: {file_name}")
            params[f"{stage}.model_path"] = str(path)
        # One thread by default: the CPU is shared (Lambda vCPUs, tesseract in parallel).
        n = threads or int(os.environ.get("OMP_THREAD_LIMIT", "1") or 1)
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = n
        params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        self._engine = RapidOCR(params=params)
        self._lock = threading.Lock()

    def read(
        self,
        image: np.ndarray,
        *,
        lang: str = "jpn+eng",
        psm: int = 6,
        whitelist: str | None = None,
    ) -> list[OcrLine]:
        """Detect and recognise text lines; ``psm=7`` means "this crop is one line"."""
        img = np.ascontiguousarray(image)
        if img.size == 0:
            return []
        if img.ndim == 2:
            img = np.ascontiguousarray(np.repeat(img[:, :, None], 3, axis=2))
        single_line = psm in (7, 8, 13)
        with self._lock:
            # Always pass all three switches: rapidocr keeps the last call's choice, so a
            # single-line read would otherwise turn detection off for the next page.
            if single_line:
                out = self._engine(img, use_det=False, use_cls=False, use_rec=True)
            else:
                out = self._engine(img, use_det=True, use_cls=True, use_rec=True)
        texts = list(getattr(out, "txts", None) or ())
        scores = list(getattr(out, "scores", None) or ())
        boxes = getattr(out, "boxes", None)
        h, w = img.shape[:2]
        lines: list[OcrLine] = []
        for i, text in enumerate(texts):
            if boxes is not None and len(boxes) > i:
                poly = np.asarray(boxes[i], dtype=np.float32).reshape(-1, 2)
                x1, y1 = np.floor(poly.min(axis=0)).astype(int)
                x2, y2 = np.ceil(poly.max(axis=0)).astype(int)
                box = (int(x1), int(y1), int(x2 - x1), int(y2 - y1))
            else:
                box = (0, 0, w, h)
            clean = _apply_whitelist(str(text), whitelist)
            if not clean.strip():
                continue
            conf = float(scores[i]) if len(scores) > i else 0.0
            lines.append(
                OcrLine(text=clean, confidence=conf, box=box, words=(OcrWord(clean, conf, box),))
            )
        # Reading order: top to bottom, then left to right within a row.
        lines.sort(key=lambda ln: (ln.box[1] + ln.box[3] // 2, ln.box[0]))
        return _merge_rows(lines)


def _apply_whitelist(text: str, whitelist: str | None) -> str:
    # rapidocr has no character whitelist: filter afterwards (same effect for digit rows).
    if not whitelist:
        return text
    allowed = set(whitelist)
    return "".join(ch for ch in text if ch in allowed)


def _merge_rows(lines: list[OcrLine]) -> list[OcrLine]:
    """Join boxes that sit on the same row (rapidocr splits "label    value" into two),
    so that a label and its value end up in one line, as tesseract returns them."""
    merged: list[OcrLine] = []
    for line in lines:
        if merged:
            prev = merged[-1]
            py, ph = prev.box[1], prev.box[3]
            cy = line.box[1] + line.box[3] / 2
            if py <= cy <= py + ph and line.box[0] >= prev.box[0] + prev.box[2] - 2:
                x1 = min(prev.box[0], line.box[0])
                y1 = min(prev.box[1], line.box[1])
                x2 = max(prev.box[0] + prev.box[2], line.box[0] + line.box[2])
                y2 = max(prev.box[1] + prev.box[3], line.box[1] + line.box[3])
                words = prev.words + line.words
                merged[-1] = OcrLine(
                    text=f"{prev.text} {line.text}",
                    confidence=min(prev.confidence, line.confidence),
                    box=(x1, y1, x2 - x1, y2 - y1),
                    words=words,
                )
                continue
        merged.append(line)
    return merged
