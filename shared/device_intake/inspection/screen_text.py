"""OCR of a rectified screen: size the text, read the layout, re-read the IMEI rows.

Tesseract reads best when capital letters are ~30-40 px tall. The screen's text height
is estimated from connected components first, so a tablet's small UI and a phone's large
one both end up at that size. The layout pass (jpn+eng, psm 6) finds labels; each IMEI
row's value is then cropped from the full-resolution screen and re-read as one line
(psm 7) with a digits whitelist, which fixes most of the digit confusions of pass 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from device_intake.inspection.identifiers import (
    Row,
    digits_of,
    find_rows,
    fold,
    imei_candidates,
    serial_from,
)
from device_intake.inspection.ocr import DIGITS_WHITELIST, OcrEngine, OcrLine
from device_intake.inspection.quality import median_u8

LAYOUT_TEXT_HEIGHT = 22.0  # px, median glyph height for the layout pass (speed vs. accuracy)
ROW_TEXT_HEIGHT = 38.0  # px, glyph height for the single-row re-read
MAX_LAYOUT_LONG_SIDE = 3000
BINARISE_OFFSET = 30
MAX_LAYOUT_LINES = 80  # more lines than any settings screen has: the page is noise
MAX_UNLABELLED_REREADS = 6
# How iOS groups an IMEI on its 情報 / About screen (2-6-6-1 digits); a label as good as
# "IMEI" for a row whose label could not be read.
IMEI_GROUPING = re.compile(r"(?<!\d)\d{2} \d{6} \d{6} \d(?!\d)")


@dataclass(slots=True)
class FoundValue:
    kind: str  # "imei" | "serial"
    value: str
    box: tuple[float, float, float, float]  # x, y, w, h in rectified-screen pixels
    read_text: str
    corrected: bool = False
    slot: int | None = None  # the SIM slot its label names (IMEI2 → 2), if any


@dataclass(slots=True)
class ScreenText:
    lines: list[OcrLine]
    scale: float  # layout-pass pixels per rectified pixel
    text_height: float  # median glyph height in rectified pixels (0 = no text seen)
    imeis: list[FoundValue] = field(default_factory=list)
    serial: FoundValue | None = None
    invalid_imei_rows: list[FoundValue] = field(default_factory=list)  # 15 digits, bad Luhn
    imei_rows_unread: int = 0  # IMEI rows where no 15-digit number could be read
    unread_rows: list[FoundValue] = field(default_factory=list)
    # The first IMEI read may be IMEI2: an IMEI row above it was unreadable, or its label
    # names slot 2 (IMEI1's row was not even seen).
    first_row_unread: bool = False
    engines: set[str] = field(default_factory=set)
    corrected: bool = False

    @property
    def text_line_count(self) -> int:
        return sum(1 for ln in self.lines if ln.confidence > 0.5 and len(ln.text.strip()) >= 2)


def normalise_polarity(gray: np.ndarray) -> np.ndarray:
    """Dark text on a light background (dark-mode screens are inverted)."""
    return 255 - gray if median_u8(gray) < 110 else gray


def estimate_text_height(gray: np.ndarray) -> float:
    """Median height (px of ``gray``) of glyph-like connected components; 0 if none."""
    h, w = gray.shape[:2]
    probe_scale = min(1.0, 900.0 / max(h, w))
    probe = (
        cv2.resize(gray, None, fx=probe_scale, fy=probe_scale, interpolation=cv2.INTER_AREA)
        if probe_scale < 1
        else gray
    )
    block = max(15, (min(probe.shape[:2]) // 20) | 1)
    binary = cv2.adaptiveThreshold(
        probe, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return 0.0
    hs = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float32)
    ws = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float32)
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float32)
    fill = areas / np.maximum(1.0, hs * ws)
    glyph = (
        (hs >= 4)
        & (hs <= probe.shape[0] * 0.08)
        & (ws <= hs * 2.5)
        & (ws >= 1)
        & (fill > 0.12)
        & (fill < 0.95)
    )
    if glyph.sum() < 8:
        return 0.0
    # A low percentile: keypads, barcodes and titles are bigger than the rows we read.
    return float(np.percentile(hs[glyph], 35)) / probe_scale


def _resize(gray: np.ndarray, scale: float) -> np.ndarray:
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)


def _value_box(row: Row, lines: list[OcrLine]) -> tuple[int, int, int, int]:
    """Box (layout-pass px) of the value part of a row.

    For an IMEI row the box ends with the last word that holds a digit: a chevron, a glint
    or the bezel read as a trailing "円" / "|" would otherwise stretch the re-read crop over
    the black bezel, and the single-line re-read of such a crop returns nothing.
    """
    if len(row.line_indexes) > 1:
        return lines[row.line_indexes[-1]].box
    line = lines[row.line_indexes[0]]
    # Same line: skip the words that make up the label.
    label_len = len(row.label_text.replace(" ", ""))
    acc = 0
    start_x = None
    end_x = line.box[0] + line.box[2]
    for k, word in enumerate(line.words):
        acc += len(fold(word.text).replace(" ", ""))
        if acc >= label_len:
            rest = line.words[k + 1 :]
            # "IMEI 2" / "(SIMスロット1)" decorations: skip words with no digit run of 2+.
            while rest and sum(ch.isdigit() for ch in rest[0].text) < 2 and len(rest) > 1:
                rest = rest[1:]
            if rest:
                start_x = rest[0].box[0]
                if row.kind == "imei":
                    digits = [wd for wd in rest if any(ch.isdigit() for ch in wd.text)]
                    if digits:
                        end_x = digits[-1].box[0] + digits[-1].box[2]
            break
    x, y, w, h = line.box
    if start_x is None or start_x >= x + w:
        return line.box
    return (start_x, y, min(end_x, x + w) - start_x, h)


def _reread(
    screen: np.ndarray,
    box: tuple[int, int, int, int],
    layout_scale: float,
    ocr: OcrEngine,
    *,
    secondary: bool = False,
) -> tuple[list[str], tuple[float, float, float, float]]:
    """Re-OCR a value box from the full-resolution screen as one line of digits."""
    x, y, w, h = (v / layout_scale for v in box)
    pad_x, pad_y = h * 0.6, h * 0.45
    x0, y0 = max(0, int(x - pad_x)), max(0, int(y - pad_y))
    x1 = min(screen.shape[1], int(x + w + pad_x))
    y1 = min(screen.shape[0], int(y + h + pad_y))
    crop = screen[y0:y1, x0:x1]
    if crop.size == 0 or h < 2:
        return [], (x, y, w, h)
    scale = min(4.0, ROW_TEXT_HEIGHT / max(h * 0.8, 1.0))
    crop = _resize(crop, scale)
    readings: list[str] = []
    if secondary and hasattr(ocr, "read_secondary"):
        lines = ocr.read_secondary(crop, psm=7, whitelist=DIGITS_WHITELIST)
        readings.extend(ln.text for ln in lines)
        return readings, (x, y, w, h)
    for variant in (crop, None):
        if variant is None:
            variant = _binarise(crop)
        lines = ocr.read(variant, lang="eng", psm=7, whitelist=DIGITS_WHITELIST)
        if lines:
            readings.append(" ".join(ln.text for ln in lines))
            if imei_candidates(readings)[0] is not None and not imei_candidates(readings)[2]:
                break  # a clean Luhn-valid reading: the binarised variant adds nothing
    return readings, (x, y, w, h)


def binarise_local(gray: np.ndarray, text_height: float) -> np.ndarray:
    """Local threshold: grey secondary text (iOS values are #8A8A8E on white) must survive.

    Tesseract's global Otsu puts the threshold between black labels and white and drops
    the grey values entirely, which are exactly the digits we need.
    """
    block = max(15, int(text_height * 2.5) | 1)
    # The offset is high on purpose: moiré fringes and glare are ±10-20 grey levels, text
    # (even grey text) is 100+ darker than its background.
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, BINARISE_OFFSET
    )


def _binarise(gray: np.ndarray) -> np.ndarray:
    _, binary = cv2.threshold(
        cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    return binary


def read_screen(screen_gray: np.ndarray, ocr: OcrEngine, *, retries: bool = True) -> ScreenText:
    """Read IMEIs and the serial number from a rectified, upright screen (grayscale).

    The first attempt (locally binarised, text sized from its glyph estimate) reads most
    screens; only when it finds no IMEI are two more tried: grey levels as they are (tiny
    text suffers from binarisation) and twice the size (the glyph estimate is fooled by
    keypads and barcodes on a ``*#06#`` screen).
    """
    gray = normalise_polarity(screen_gray)
    text_h = estimate_text_height(gray)
    base = min(1.0, 1000.0 / max(gray.shape[:2])) if text_h <= 0 else LAYOUT_TEXT_HEIGHT / text_h
    limit = min(3.0, MAX_LAYOUT_LONG_SIDE / max(gray.shape[:2]))
    attempts = [(min(base, limit), True), (min(base * 1.8, limit), True)]
    if 0 < text_h * min(base, limit) < 14 or text_h < 12:
        # Tiny text loses strokes to binarisation: try the grey image too.
        attempts.insert(1, (min(base, limit), False))
    best: ScreenText | None = None
    serial: FoundValue | None = None
    tried: set[tuple[float, bool]] = set()
    for scale, binarise in attempts:
        if (round(scale, 2), binarise) in tried:
            continue
        tried.add((round(scale, 2), binarise))
        result = _read_once(gray, text_h, scale, binarise, ocr)
        serial = serial or result.serial
        if best is None or _rank(result) > _rank(best):
            best = result
        if result.imeis or not retries or _looks_like_noise(result):
            break
    assert best is not None
    if best.serial is None:
        best.serial = serial  # read in another attempt (boxes are in screen pixels)
    return best


def _looks_like_noise(text: ScreenText) -> bool:
    """Tesseract output from noise (a dark or grainy photo): many lines, low confidence.

    Retrying such a screen costs seconds per pass (tesseract segments every speck) and
    never finds an IMEI, so it is not retried.
    """
    if len(text.lines) > MAX_LAYOUT_LINES:
        return True
    confs = [ln.confidence for ln in text.lines]
    return bool(confs) and float(np.mean(confs)) < 0.45 and len(confs) > 15


def _rank(text: ScreenText) -> tuple[int, int, int, int]:
    """Valid IMEIs first, then 15 digits read off an IMEI row that fail the check digit
    (the row was read: a serial from another attempt would hide a wrong IMEI), then a
    serial, then lines."""
    return (
        len(text.imeis),
        int(bool(text.invalid_imei_rows)),
        int(text.serial is not None),
        text.text_line_count,
    )


def _digit_words_box(line: OcrLine) -> tuple[int, int, int, int]:
    words = [w for w in line.words if sum(ch.isdigit() for ch in w.text) >= 2]
    if not words:
        return line.box
    x0 = min(w.box[0] for w in words)
    y0 = min(w.box[1] for w in words)
    x1 = max(w.box[0] + w.box[2] for w in words)
    y1 = max(w.box[1] + w.box[3] for w in words)
    return (x0, y0, x1 - x0, y1 - y0)


def _read_once(
    gray: np.ndarray, text_h: float, scale: float, binarise: bool, ocr: OcrEngine
) -> ScreenText:
    layout = _resize(gray, scale)
    if binarise:
        layout = binarise_local(layout, LAYOUT_TEXT_HEIGHT)
    lines = ocr.read(layout, lang="jpn+eng", psm=6)
    result = ScreenText(lines=lines, scale=scale, text_height=text_h)
    result.engines.add(ocr.name)
    _find_values(result, gray, ocr)
    return result


def read_screen_second(
    screen_gray: np.ndarray,
    reader: OcrEngine,
    ocr: OcrEngine,
    *,
    text_height: float | None = None,
) -> ScreenText:
    """The whole screen read by a second engine (``reader``, RapidOCR), for a screen on
    which tesseract found no IMEI row at all: tiny text under moiré, where tesseract's
    layout pass returns garbage. Values are then handled as in :func:`read_screen`
    (digit rows re-read by ``ocr``, Luhn-checked). ``text_height``: the first reading's
    estimate for this screen, if there was one."""
    gray = normalise_polarity(screen_gray)
    text_h = estimate_text_height(gray) if text_height is None else text_height
    # RapidOCR's detector wants glyphs of ~10 px and more; tiny screens are doubled.
    scale = 2.0 if 0 < text_h < 10 else 1.0
    lines = reader.read(_resize(gray, scale) if scale != 1.0 else gray, psm=6)
    result = ScreenText(lines=lines, scale=scale, text_height=text_h)
    result.engines.update((getattr(reader, "name", "reader"), ocr.name))
    _find_values(result, gray, ocr)
    return result


def _find_values(result: ScreenText, gray: np.ndarray, ocr: OcrEngine) -> None:
    """IMEI and serial rows among ``result.lines`` (read at ``result.scale``)."""
    lines = result.lines
    scale = result.scale
    texts = [ln.text for ln in lines]
    rows = find_rows(texts)
    excluded_lines: set[int] = set()
    for row in rows:
        if row.kind in ("eid", "meid", "imeisv"):
            excluded_lines.update(row.line_indexes)
    for row in rows:
        if row.kind == "imei":
            excluded_lines.update(row.line_indexes)
            box = _value_box(row, lines)
            _add_imei(result, gray, box, [row.value_text], ocr, labelled=True, slot=row.slot)
        elif row.kind == "serial" and result.serial is None:
            serial = serial_from(row.value_text)
            if serial:
                box = _value_box(row, lines)
                x, y, w, h = (v / scale for v in box)
                result.serial = FoundValue("serial", serial, (x, y, w, h), serial)
    # Numbers whose label was misread or absent (a *#06# dialog may list bare numbers):
    # any line holding 13-17 digits is re-read as a digit row and kept only if Luhn-valid,
    # unless its grouping says it is an IMEI (then a bad check digit is reported).
    rereads = 0
    for k, line in enumerate(lines):
        if k in excluded_lines or rereads >= MAX_UNLABELLED_REREADS:
            continue
        if 13 <= len(digits_of(line.text)) <= 17:
            rereads += 1
            # Grouped as iOS shows an IMEI ("35 533708 514220 2"): the grouping is a label.
            grouped = IMEI_GROUPING.search(fold(line.text)) is not None
            _add_imei(result, gray, _digit_words_box(line), [line.text], ocr, labelled=grouped)
    # Order by position on screen: IMEI (slot 1) is above IMEI2 in every layout.
    result.imeis.sort(key=lambda v: (v.box[1], v.box[0]))
    unread_above = [
        v
        for v in result.invalid_imei_rows + result.unread_rows
        if result.imeis and v.box[1] < result.imeis[0].box[1]
    ]
    if unread_above or (result.imeis and result.imeis[0].slot == 2):
        # An IMEI row above the first one read failed, or the first one read is labelled
        # IMEI2: what we report may be IMEI2.
        result.first_row_unread = True


def _add_imei(
    result: ScreenText,
    gray: np.ndarray,
    box: tuple[int, int, int, int],
    first_readings: list[str],
    ocr: OcrEngine,
    *,
    labelled: bool,
    slot: int | None = None,
) -> None:
    readings, rbox = _reread(gray, box, result.scale, ocr)
    readings = first_readings + readings
    imei, fifteen, corrected = imei_candidates(readings)
    if imei is None and hasattr(ocr, "read_secondary"):
        more, _ = _reread(gray, box, result.scale, ocr, secondary=True)
        result.engines.add("rapidocr")
        imei, fifteen, corrected = imei_candidates(readings + more)
    if imei is not None:
        if all(v.value != imei for v in result.imeis):
            result.imeis.append(FoundValue("imei", imei, rbox, imei, corrected, slot))
            result.corrected |= corrected
    elif not labelled:
        return
    elif fifteen is not None:
        result.invalid_imei_rows.append(FoundValue("imei", fifteen, rbox, fifteen))
    else:
        result.imei_rows_unread += 1
        result.unread_rows.append(FoundValue("imei", "", rbox, ""))
