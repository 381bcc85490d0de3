"""OCR port (``OcrEngine``) and its tesseract adapter (``TesseractOcrEngine``).

Everything in ``inspection/`` that needs text goes through :class:`OcrEngine`, so a second
engine (``ocr_rapid.RapidOcrEngine``) or a fake in tests can stand in. The tesseract adapter
keeps one ``PyTessBaseAPI`` per (lang, psm) for the life of the process: initialising
``jpn`` costs ~0.3-0.5 s, which would dominate a Lambda invocation if paid per call.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

# tesseract's OpenMP threads fight each other on a shared 2-core box and in Lambda;
# must be set before the library is loaded.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger(__name__)

TESSDATA_DIR = os.environ.get("TESSDATA_PREFIX_DIR", "/usr/share/tesseract-ocr/5/tessdata/")
DIGITS_WHITELIST = "0123456789 "


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str
    confidence: float  # 0..1
    box: tuple[int, int, int, int]  # x, y, w, h in the pixels of the image passed to read()


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One text line as read by an engine."""

    text: str
    confidence: float  # 0..1 (mean over the line's words)
    box: tuple[int, int, int, int]  # x, y, w, h in the pixels of the image passed to read()
    words: tuple[OcrWord, ...] = field(default=())


@runtime_checkable
class OcrEngine(Protocol):
    """Reads text lines from an image.

    ``image`` is a uint8 ndarray, grayscale (H, W) or BGR (H, W, 3). ``psm`` is a tesseract
    page-segmentation mode hint (6 = a block of lines, 7 = one line, 11 = sparse text);
    engines without such a notion treat 7 as "this is one line" and ignore the rest.
    ``whitelist`` restricts the characters an engine may output where it supports that.
    """

    name: str

    def read(
        self,
        image: np.ndarray,
        *,
        lang: str = "jpn+eng",
        psm: int = 6,
        whitelist: str | None = None,
    ) -> list[OcrLine]: ...


class OcrUnavailableError(RuntimeError):
    """The OCR engine cannot run here (library or language data missing)."""


def _required_langs(lang: str) -> list[str]:
    return [part for part in lang.split("+") if part]


class TesseractOcrEngine:
    """Tesseract through ``tesserocr`` (in-process, model kept loaded).

    Falls back to ``pytesseract`` (a subprocess per call, ~10x slower for small crops)
    only when ``tesserocr`` cannot be imported.
    """

    name = "tesseract"

    def __init__(self, tessdata: str = TESSDATA_DIR, langs: tuple[str, ...] = ("jpn", "eng")):
        self._tessdata = tessdata
        self._lock = threading.Lock()
        self._apis: dict[tuple[str, int], Any] = {}
        try:
            import tesserocr
        except ImportError:  # pragma: no cover - depends on the image build
            self._tesserocr: Any = None
            self._backend = "pytesseract"
            self._check_pytesseract_langs(langs)
        else:
            self._tesserocr = tesserocr
            self._backend = "tesserocr"
            _, available = tesserocr.get_languages(tessdata)
            missing = [lang for lang in langs if lang not in available]
            if missing:
                # tesseract silently falls back to whatever it has; fail loudly instead.
                raise OcrUnavailableError(f"tesseract languages missing in {tessdata}: {missing}")
            # Load jpn+eng now so the first request does not pay for it, and prove it loads.
            api = self._api("+".join(langs), 6)
            loaded = set(api.GetLoadedLanguages())
            if not set(langs) <= loaded:
                raise OcrUnavailableError(f"tesseract loaded {sorted(loaded)}, need {langs}")

    @property
    def backend(self) -> str:
        return self._backend

    def _check_pytesseract_langs(self, langs: tuple[str, ...]) -> None:  # pragma: no cover
        import pytesseract

        available = set(pytesseract.get_languages(config=f"--tessdata-dir {self._tessdata}"))
        missing = [lang for lang in langs if lang not in available]
        if missing:
            raise OcrUnavailableError(f"tesseract languages missing: {missing}")

    def _api(self, lang: str, psm: int) -> Any:
        key = (lang, psm)
        api = self._apis.get(key)
        if api is None:
            tess = self._tesserocr
            api = tess.PyTessBaseAPI(
                path=self._tessdata, lang=lang, psm=psm, oem=tess.OEM.LSTM_ONLY
            )
            loaded = set(api.GetLoadedLanguages())
            if not set(_required_langs(lang)) <= loaded:
                raise OcrUnavailableError(f"tesseract could not load {lang}")
            self._apis[key] = api
        return api

    def read(
        self,
        image: np.ndarray,
        *,
        lang: str = "jpn+eng",
        psm: int = 6,
        whitelist: str | None = None,
    ) -> list[OcrLine]:
        img = np.ascontiguousarray(image)
        if img.ndim == 3:
            # tesseract wants RGB; BGR→RGB by reversing the channel axis.
            img = np.ascontiguousarray(img[:, :, ::-1])
        if img.size == 0:
            return []
        if self._tesserocr is None:  # pragma: no cover
            return _read_pytesseract(img, lang, psm, whitelist, self._tessdata)
        with self._lock:
            api = self._api(lang, psm)
            api.SetVariable("tessedit_char_whitelist", whitelist or "")
            h, w = img.shape[:2]
            bpp = 1 if img.ndim == 2 else 3
            api.SetImageBytes(img.tobytes(), w, h, bpp, w * bpp)
            # 300 dpi keeps tesseract from rescaling our already-sized text.
            api.SetSourceResolution(300)
            api.Recognize()
            lines = list(_iter_lines(api, self._tesserocr))
            api.Clear()
        return lines

    def close(self) -> None:
        with self._lock:
            for api in self._apis.values():
                api.End()
            self._apis.clear()


def _iter_lines(api: Any, tess: Any) -> Iterator[OcrLine]:
    it = api.GetIterator()
    if it is None:
        return
    line_level = tess.RIL.TEXTLINE
    word_level = tess.RIL.WORD
    words: list[OcrWord] = []
    line_box: tuple[int, int, int, int] | None = None
    # Walk words and group them by the line they belong to (a line iterator loses the
    # per-word boxes, which layout matching needs).
    while True:
        if it.IsAtBeginningOf(line_level) and words and line_box is not None:
            yield make_line(words, line_box)
            words = []
        if it.IsAtBeginningOf(line_level):
            bb = it.BoundingBox(line_level)
            if bb is not None:
                x1, y1, x2, y2 = bb
                line_box = (x1, y1, x2 - x1, y2 - y1)
        try:
            text = it.GetUTF8Text(word_level)
        except RuntimeError:  # tesserocr raises on an empty element instead of returning ""
            text = ""
        bb = it.BoundingBox(word_level)
        if text and bb is not None:
            x1, y1, x2, y2 = bb
            words.append(
                OcrWord(text.strip(), it.Confidence(word_level) / 100.0, (x1, y1, x2 - x1, y2 - y1))
            )
        if not it.Next(word_level):
            break
    if words and line_box is not None:
        yield make_line(words, line_box)


def make_line(words: list[OcrWord], box: tuple[int, int, int, int]) -> OcrLine:
    text = _join_words([w.text for w in words])
    conf = float(np.mean([w.confidence for w in words])) if words else 0.0
    return OcrLine(text=text, confidence=conf, box=box, words=tuple(words))


def _join_words(parts: list[str]) -> str:
    """Join words with spaces, except between two CJK words (tesseract splits those)."""
    out = ""
    for part in parts:
        if out and not (_is_cjk(out[-1]) and part and _is_cjk(part[0])):
            out += " "
        out += part
    return out


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def read_words(
    engine: OcrEngine,
    image: np.ndarray,
    boxes: list[tuple[int, int, int, int]],
    *,
    lang: str,
    strip_px: int = 2400,
) -> list[OcrWord | None]:
    """Read many word boxes of ``image`` in a few calls: the crops are laid side by side,
    a gap apart, on white strips up to ``strip_px`` wide, and each strip is read as one line
    (an engine call per word costs a page layout pass each). Returns per box the engine's
    reading of it (words that fall in its slot, joined), or None where nothing was read.
    """
    out: list[OcrWord | None] = [None] * len(boxes)
    if not boxes:
        return out
    h_img, w_img = image.shape[:2]
    crops: list[np.ndarray] = []
    for x, y, w, h in boxes:
        # Room above and below for accents; little at the sides, where the neighbour is.
        pad, side = max(2, h // 5), 2
        top, left = max(0, y - pad), max(0, x - side)
        crops.append(image[top : min(h_img, y + h + pad), left : min(w_img, x + w + side)])
    height = max(c.shape[0] for c in crops)
    gap = max(12, height)
    strips: list[list[int]] = [[]]
    width = gap
    for i, crop in enumerate(crops):
        if strips[-1] and width + crop.shape[1] + gap > strip_px:
            strips.append([])
            width = gap
        strips[-1].append(i)
        width += crop.shape[1] + gap
    for members in strips:
        total = gap + sum(crops[i].shape[1] + gap for i in members)
        shape = (height + 2 * gap, total, *image.shape[2:])
        strip = np.full(shape, 255, dtype=image.dtype)
        slots: list[tuple[int, int, int]] = []
        x = gap
        for i in members:
            crop = crops[i]
            top = gap + (height - crop.shape[0]) // 2
            strip[top : top + crop.shape[0], x : x + crop.shape[1]] = crop
            slots.append((x, x + crop.shape[1], i))
            x += crop.shape[1] + gap
        found: dict[int, list[OcrWord]] = {}
        for line in engine.read(strip, lang=lang, psm=7):
            for word in line.words or (OcrWord(line.text, line.confidence, line.box),):
                centre = word.box[0] + word.box[2] / 2
                for left, right, i in slots:
                    if left - gap / 2 <= centre < right + gap / 2:
                        found.setdefault(i, []).append(word)
                        break
        for i, words in found.items():
            text = "".join(w.text for w in words).strip()
            if text:
                out[i] = OcrWord(text, min(w.confidence for w in words), boxes[i])
    return out


def _read_pytesseract(  # pragma: no cover - only without tesserocr
    img: np.ndarray, lang: str, psm: int, whitelist: str | None, tessdata: str
) -> list[OcrLine]:
    import pytesseract

    config = f"--tessdata-dir {tessdata} --psm {psm} --oem 1"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist.replace(' ', '')}"
    data = pytesseract.image_to_data(
        img, lang=lang, config=config, output_type=pytesseract.Output.DICT
    )
    groups: dict[tuple[int, int, int], list[OcrWord]] = {}
    for i, text in enumerate(data["text"]):
        if not text.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
        groups.setdefault(key, []).append(
            OcrWord(text.strip(), max(float(data["conf"][i]), 0.0) / 100.0, box)
        )
    lines = []
    for words in groups.values():
        x1 = min(w.box[0] for w in words)
        y1 = min(w.box[1] for w in words)
        x2 = max(w.box[0] + w.box[2] for w in words)
        y2 = max(w.box[1] + w.box[3] for w in words)
        lines.append(make_line(words, (x1, y1, x2 - x1, y2 - y1)))
    return lines


_default_engine: OcrEngine | None = None
_default_lock = threading.Lock()
_second_engine: OcrEngine | None = None
_second_lock = threading.Lock()


def second_reader(primary: OcrEngine) -> OcrEngine | None:
    """The engine to consult where ``primary`` is unsure: the hybrid engine's own
    secondary, else one process-wide RapidOcrEngine (loaded on first use: ~400 MB, so
    only a photo or page that needs it pays). None when the primary is RapidOCR."""
    fallback = getattr(primary, "secondary", None)
    if fallback is not None:
        return fallback
    if getattr(primary, "name", "") == "rapidocr":
        return None
    global _second_engine
    with _second_lock:
        if _second_engine is None:
            from device_intake.inspection.ocr_rapid import RapidOcrEngine  # type: ignore[import-not-found,unused-ignore]

            _second_engine = RapidOcrEngine()
        return _second_engine


def default_engine() -> OcrEngine:
    """The process-wide engine chosen by ``DEVICE_INTAKE_OCR`` (tesseract|rapidocr|hybrid).

    Created lazily once per process (Lambda container), never at import time.
    """
    global _default_engine
    with _default_lock:
        if _default_engine is None:
            _default_engine = make_engine(os.environ.get("DEVICE_INTAKE_OCR", "tesseract"))
        return _default_engine


def make_engine(choice: str) -> OcrEngine:
    """Build an engine by name; ``hybrid`` = tesseract first, rapidocr where it is unsure."""
    choice = choice.strip().lower()
    if choice == "tesseract":
        return TesseractOcrEngine()
    if choice in ("rapidocr", "hybrid"):
        from device_intake.inspection.ocr_rapid import RapidOcrEngine  # type: ignore[import-not-found,unused-ignore]

        rapid: OcrEngine = RapidOcrEngine()
        if choice == "rapidocr":
            return rapid
        return HybridOcrEngine(TesseractOcrEngine(), rapid)
    raise ValueError(f"unknown OCR engine {choice!r} (tesseract|rapidocr|hybrid)")


class HybridOcrEngine:
    """Tesseract as primary; ``secondary`` is consulted by callers only where the primary
    result fails validation (e.g. no Luhn-valid IMEI in an IMEI row). ``read`` uses the
    primary; ``read_secondary`` the fallback."""

    name = "hybrid"

    def __init__(self, primary: OcrEngine, secondary: OcrEngine):
        self.primary = primary
        self.secondary = secondary

    def read(
        self,
        image: np.ndarray,
        *,
        lang: str = "jpn+eng",
        psm: int = 6,
        whitelist: str | None = None,
    ) -> list[OcrLine]:
        return self.primary.read(image, lang=lang, psm=psm, whitelist=whitelist)

    def read_secondary(
        self,
        image: np.ndarray,
        *,
        lang: str = "jpn+eng",
        psm: int = 6,
        whitelist: str | None = None,
    ) -> list[OcrLine]:
        return self.secondary.read(image, lang=lang, psm=psm, whitelist=whitelist)
