"""Purchase-proof inspection: :func:`inspect_proof` (receipts, contracts, order mails...).

What the seed asks of a 購入証明書 (seed 000, 購入証明書の撮影・注意事項): the whole
document in the picture, a readable resolution (upload at original size), and on it the
purchase date plus the model name or an IMEI / serial / 製造番号. Steps:

1. A PDF with a text layer is read as text: no OCR, no geometry (whole by definition).
2. Otherwise find the page (``document.find_page``): photographed paper is warped flat;
   a sheet running off the picture is ``PARTIAL_DOCUMENT``. Flat images (scans,
   screenshots of carrier web pages: valid proofs, never ``SCREENSHOT``) are whole unless
   text is cut at an edge.
3. OCR on the page scaled to 16-18 px text: tesseract ``jpn``, then its Latin and digit
   words with ``eng`` (``_read_page``; one ``jpn+eng`` pass on print blown up from a
   small picture or with ``DEVICE_INTAKE_PROOF_SPLIT=off``). With the ``hybrid`` engine (or
   ``DEVICE_INTAKE_PROOF_FALLBACK=rapidocr``) a second engine reads the page again when
   the date or the model/ID is missing, and fills in what the first one missed.
4. Fields from text (``proof_fields``), then flags: ``DATE_NOT_FOUND``,
   ``MODEL_OR_ID_NOT_FOUND``; when something is missing, the cause if we can see it:
   ``LOW_RESOLUTION`` (text under ``MIN_TEXT_PX`` px high in the original, or a photo
   under ``MIN_LONG_SIDE`` px unless the sheet runs off it with print large enough), ``TOO_DARK``,
   ``BLURRY``. Text too small to read is ``LOW_RESOLUTION`` even when fields were found
   (the seed: low resolution cannot be checked by a person either).
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from typing import Any

import cv2
import numpy as np

from device_intake.domain.dates import find_dates
from device_intake.domain.documents import Box, DocumentFields, DocumentKind, InspectionResult
from device_intake.domain.reasons import ReasonCode
from device_intake.inspection import debug
from device_intake.inspection.document import (
    PreparedPage,
    find_page,
    map_box,
    prepare_page,
    quality,
    text_cut_at_border,
    to_gray,
)
from device_intake.inspection.loading import LoadedDocument
from device_intake.inspection.ocr import (
    OcrEngine,
    OcrLine,
    OcrWord,
    make_line,
    read_words,
    second_reader,
)
from device_intake.inspection.proof_fields import (
    ProofFields,
    TextLine,
    as_lines,
    extract_proof_fields,
    label_score,
    model_families,
    normalize_line,
)

log = logging.getLogger(__name__)

# Character height (original pixels) below which print is not reliably readable, by OCR
# or by a reviewer zooming in: 10 px is a 9-pt receipt line photographed at ~80 dpi.
# Dev proofs: downscaled uploads measure 5-8 px, readable ones 11 px and up.
MIN_TEXT_PX = 10.0
# A picture (not a rendered PDF) smaller than this on its long side was resized before
# upload; the seed asks for the original size ("できるだけ元のサイズのまま").
MIN_LONG_SIDE = 640
DARK_MEAN = 60.0
DARK_P99 = 140.0
BLUR_SHARPNESS = 25.0
# At most this many rows are re-read by the second engine (bounded cost per document).
MAX_REREAD_ROWS = 8
# A row tesseract read with less confidence than this may be a date it garbled entirely
# ("購入日 二〇二二年七月四日" → "BAB =O==#tABA").
LOW_CONFIDENCE = 0.6
# An OCR line touching the image edge this closely (px) on a flat image = text cut off.
EDGE_PX = 2


def inspect_proof(doc: LoadedDocument, ocr: OcrEngine | None) -> InspectionResult:
    """Inspect a purchase proof; ``ocr`` may be ``None`` only for a PDF with a text layer."""
    if doc.text_layer:
        return _inspect_text_layer(doc)
    if ocr is None:
        raise ValueError("an OCR engine is needed for documents without a text layer")
    return _inspect_image(doc, ocr)


def _inspect_text_layer(doc: LoadedDocument) -> InspectionResult:
    assert doc.text_layer is not None
    fields = extract_proof_fields(as_lines(doc.text_layer))
    flags = _field_flags(fields)
    h, w = doc.image.shape[:2]
    boxes = [Box(label="document", points=[(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)])]
    return _result(fields, flags, boxes, doc, engine="pdf-text")


def _inspect_image(doc: LoadedDocument, ocr: OcrEngine) -> InspectionResult:
    image = doc.image
    geometry = find_page(image)
    page = prepare_page(image, geometry)
    debug.record("proof_page", page.image)
    lines = _read_page(ocr, page.image, split=page.scale <= 1.0)
    engine_name = getattr(ocr, "name", "ocr")
    fields = extract_proof_fields(_text_lines(lines))
    if (
        _missing(fields)
        or _imei_row_unread(lines, fields)
        or _label_row_unread(lines, fields)
        or _model_row_unread(lines, fields)
    ):
        reader = _line_reader(ocr)
        if reader is not None:
            reread = _reread_rows(page.image, lines, fields, reader)
            if reread is not None:
                fields_2 = extract_proof_fields(_text_lines(reread))
                if _better(fields_2, fields):
                    lines, fields = reread, fields_2
                    engine_name = f"{engine_name}+{getattr(reader, 'name', 'reader')}:rows"
    if _missing(fields) and _full_page_fallback_enabled():
        secondary = _secondary(ocr)
        if secondary is not None:
            more = secondary.read(page.image, lang="jpn+eng", psm=6)
            fields_2 = extract_proof_fields(_text_lines(more))
            if _merge(fields, fields_2):
                engine_name = f"{engine_name}+{getattr(secondary, 'name', 'secondary')}"
                # Boxes follow the engine that gave the field.
                lines = _merge_lines(lines, more, fields)
    if _missing(fields) and len(doc.pages) > 1:
        # A scanned contract can put the model on page 2: read the other rendered pages.
        # Their fields get no box (boxes are drawn on page 1).
        for extra in doc.pages[1:]:
            extra_page = prepare_page(extra, find_page(extra))
            more_fields = extract_proof_fields(
                _text_lines(_read_page(ocr, extra_page.image, split=extra_page.scale <= 1.0))
            )
            more_fields.lines.clear()
            _merge(fields, more_fields)
            if not _missing(fields):
                break
    engine_name = _confirm_date(page.image, lines, fields, ocr, engine_name)
    flags = _field_flags(fields)
    uncertain: list[str] = []

    if geometry.cut_sides or (geometry.flat and _flat_page_cut(image, lines, page)):
        flags.append(ReasonCode.PARTIAL_DOCUMENT)

    missing = bool(flags)
    # The blob estimate measures the print itself; OCR line boxes only when it has none.
    text_px = page.text_px or _ocr_text_height(lines, page)
    long_side = max(image.shape[:2])
    # A sheet that runs off the picture makes a small picture of a large print: its
    # resolution is then the print's height, not the picture's size.
    cut = ReasonCode.PARTIAL_DOCUMENT in flags
    too_small = (
        long_side < MIN_LONG_SIDE
        and not doc.is_flat
        and not (cut and text_px is not None and text_px >= MIN_TEXT_PX)
    )
    tiny_print = text_px is not None and text_px < MIN_TEXT_PX
    # No measurable print at all, fields missing, small picture: most likely too coarse.
    unmeasured = text_px is None and missing and long_side < 2 * MIN_LONG_SIDE
    if too_small or tiny_print or unmeasured:
        flags.append(ReasonCode.LOW_RESOLUTION)
    if missing:
        mean, p99, sharp = quality(to_gray(image))
        if mean < DARK_MEAN and p99 < DARK_P99:
            flags.append(ReasonCode.TOO_DARK)
        elif sharp < BLUR_SHARPNESS and ReasonCode.LOW_RESOLUTION not in flags:
            flags.append(ReasonCode.BLURRY)
    if doc.animated:
        uncertain.append("animated")

    boxes = [Box(label="document", points=[(float(x), float(y)) for x, y in geometry.quad])]
    for name in ("purchase_date", "model_name", "imei", "store_name", "price"):
        index = fields.lines.get(name)
        if index is not None and 0 <= index < len(lines):
            label = "imei" if name == "imei" else name
            boxes.append(
                Box(
                    label=label,
                    points=map_box(lines[index].box, page.to_original),
                    text=_box_text(name, fields),
                )
            )
    result = _result(fields, flags, boxes, doc, engine=engine_name)
    result.uncertain.extend(u for u in uncertain if u not in result.uncertain)
    return result


_LATIN = re.compile(r"[A-Za-z0-9]")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z]")
# A Latin word the page pass read in Japanese and English read again: English's reading
# is taken unless it is this much less confident (numbers: see _english_wins).
ENGLISH_MARGIN = 0.1
# A Latin word (few digits) the Japanese model read at least this confidently stays as read.
SURE_LATIN = 0.9


def _read_page(ocr: OcrEngine, image: np.ndarray, *, split: bool = True) -> list[OcrLine]:
    """The page pass: tesseract ``jpn``, then its Latin/digit words again with ``eng``.

    ``jpn+eng`` on a whole page runs the English model on nearly every word after the
    Japanese one (tesseract's multi-language retry: an LSTM word is seldom "acceptable"),
    ~27 % of the page's time. The Japanese model alone misreads digits and Latin names
    ("353166054852274" → "...954...", "iPhone" → "Pone"), so only those words get the
    second model, read together in one call (``read_words``). Print blown up from a small
    picture (``split`` false) keeps the joint pass: there the Japanese model also garbles
    words the first pass does not see as Latin (dev lowres proofs lost models and IMEIs).
    ``DEVICE_INTAKE_PROOF_SPLIT=off`` turns the split off; engines other than tesseract
    read the page once.
    """
    if (
        not split
        or os.environ.get("DEVICE_INTAKE_PROOF_SPLIT", "on") == "off"
        or getattr(ocr, "name", "") not in ("tesseract", "hybrid")
    ):
        return ocr.read(image, lang="jpn+eng", psm=6)
    lines = ocr.read(image, lang="jpn", psm=6)
    # Latin words, and in a row of Latin words a lone kana or kanji: a symbol the Japanese
    # model made its own ("Totaal € 717,97" → "Totaal を 717,97"; "合計 122,100 円" keeps 円).
    picks = [
        (li, wi)
        for li, line in enumerate(lines)
        for wi, word in enumerate(line.words)
        if (_mostly_latin(word.text) and _worth_english(word))
        or (_CJK.fullmatch(word.text) and _latin_row(line.text))
    ]
    if not picks:
        return lines
    again = read_words(ocr, image, [lines[li].words[wi].box for li, wi in picks], lang="eng")
    out = list(lines)
    for (li, wi), word in zip(picks, again, strict=True):
        old = out[li].words[wi]
        if word is None or not _english_wins(old, word):
            continue
        words = list(out[li].words)
        words[wi] = OcrWord(word.text, word.confidence, old.box)
        out[li] = make_line(words, out[li].box)
    return out


_NUMBER = re.compile(r"[¥￥$]?\d[\d,./:\-]*")
_DIGIT = re.compile(r"\d")


def _english_wins(japanese: OcrWord, english: OcrWord) -> bool:
    """A number read as a number by both, the same but for its digits: English (the
    Japanese model reads the IPA font's 0 as 9, more confidently than English reads it
    right). A number is replaced by nothing else ("¥122," does not become "«689122,",
    "193," not "193)", "56,02" not "5602").
    A lone kana or kanji only by a symbol ("を" by "€", never "名" by "1"). Other words:
    English unless it is ``ENGLISH_MARGIN`` less confident (the Japanese model drops
    letters: "Pone" for "iPhone")."""
    if _CJK.fullmatch(japanese.text) and _LATIN.search(english.text):
        return False
    if _NUMBER.fullmatch(japanese.text):
        # Same text but for the digits: then English is a number too.
        return _DIGIT.sub("0", japanese.text) == _DIGIT.sub("0", english.text)
    return english.confidence >= japanese.confidence - ENGLISH_MARGIN


def _worth_english(word: OcrWord) -> bool:
    """Numbers of three digits or more always (the Japanese model's 0 → 9 comes with full
    confidence); other Latin words when the Japanese model was unsure of them."""
    return sum(c.isdigit() for c in word.text) >= 3 or word.confidence < SURE_LATIN


def _latin_row(text: str) -> bool:
    letters = len(_LETTER.findall(text))
    return letters >= 4 and letters >= 3 * len(_CJK.findall(text))


def _mostly_latin(text: str) -> bool:
    latin = len(_LATIN.findall(text))
    return latin >= 2 and 2 * latin >= len(text)


# Rows that may hold a date, generously: OCR spaces and letters ("RO5. 04. 11").
_DATEISH = re.compile(
    r"[年月日]|\d\s?[./\-]\s?\d|[RHS][O0o]?\d|令和|平成|日付|date|datum", re.IGNORECASE
)
_IMEI_LABEL = re.compile(r"IMEI|製造番号|端末識別", re.IGNORECASE)
_PRODUCTISH = re.compile(r"[A-Za-z]{3,}[^¥￥$€]*\d|機種|品名|型名|商品名")


def _imei_row_unread(lines: list[OcrLine], fields: ProofFields) -> bool:
    return not fields.imeis and any(_IMEI_LABEL.search(line.text) for line in lines)


_MODEL_LABEL = re.compile(r"機種名|品名|型名|商品名|製品名|機種")


def _names_family(text: str) -> bool:
    """A catalog model's family word (iPhone, Galaxy, Xperia...) among the row's words:
    "Xperia 1 V" read "Xperia V" has no digit left to look like a product."""
    return any(word in model_families() for word in text.split())


def _model_row_unread(lines: list[OcrLine], fields: ProofFields) -> bool:
    """No catalog model although a model row is there: a model label, or the family
    word of a catalog model (iPhone, Galaxy, Xperia...) with more text after it."""
    if fields.model_id is not None:
        return False
    families = model_families()
    for line in lines:
        if _MODEL_LABEL.search(line.text):
            return True
        words = line.text.split()
        if any(word in families for word in words[:-1]):
            return True
    return False


def _label_row_unread(lines: list[OcrLine], fields: ProofFields) -> bool:
    """A purchase/contract label whose row gave no date while a weaker date was chosen,
    or the chosen date itself looks misread."""
    if "purchase_date" in fields.uncertain and fields.purchase_date_score > 0:
        return True
    return bool(_unread_label_rows(lines)) and fields.purchase_date_score < 20


def _unread_label_rows(lines: list[OcrLine]) -> list[int]:
    rows = []
    for i, line in enumerate(lines):
        text = normalize_line(line.text)
        if label_score(text) >= 20 and not find_dates(text):
            rows.append(i)
    return rows


def _reread_rows(
    page: np.ndarray, lines: list[OcrLine], fields: ProofFields, reader: OcrEngine
) -> list[OcrLine] | None:
    """Read again, one row at a time, the rows that should hold a missing field.

    Tesseract loses kanji-numeral dates (二〇二五年七月十七日 → ニ 〇 ニニ五) and rows where a
    label and its value sit far apart; a second engine on just those rows (single-line
    reads, ~50-100 ms each) recovers them without paying for a second full-page pass.
    """
    want_date = fields.purchase_date is None
    want_id = not fields.imeis
    # Tesseract turns the katakana of "iPad Pro 12.9インチ (第6世代)" into "12.94 VF":
    # without model and ID, product-looking rows are worth a second reading.
    want_model = fields.model_id is None
    targets = _unread_label_rows(lines)
    chosen = fields.lines.get("purchase_date")
    if chosen is not None and "purchase_date" in fields.uncertain and chosen not in targets:
        targets.append(chosen)
    for i, line in enumerate(lines):
        if i in targets:
            continue
        text = line.text
        if (
            (want_date and (_DATEISH.search(text) or line.confidence < LOW_CONFIDENCE))
            or (want_id and _IMEI_LABEL.search(text))
            or (want_model and (_PRODUCTISH.search(text) or _names_family(text)))
        ):
            targets.append(i)
    if not targets:
        return None
    out = list(lines)
    changed = False
    for i in targets[:MAX_REREAD_ROWS]:
        crop = _row_crop(page, lines[i].box)
        if crop is None:
            continue
        got = reader.read(crop, lang="jpn+eng", psm=7)
        text = " ".join(part.text for part in got).strip()
        if text and text != lines[i].text:
            conf = min((part.confidence for part in got), default=0.0)
            out[i] = OcrLine(text=text, confidence=conf, box=lines[i].box, words=())
            changed = True
    return out if changed else None


def _row_crop(
    page: np.ndarray, box: tuple[int, int, int, int], span: tuple[int, int] | None = None
) -> np.ndarray | None:
    """The row of ``box`` from its label to the page's right edge (or across ``span``,
    x from-to, only), cut to its first band of ink, long blank stretches shrunk: what a
    single-line read is given."""
    h_img, w_img = page.shape[:2]
    x, y, _, h = box
    pad = max(4, h // 3)
    # To the right edge: values are often right-aligned far from their label.
    x0, x1 = (x - pad, w_img) if span is None else (span[0] - pad, span[1] + pad)
    crop = page[max(0, y - pad) : min(h_img, y + h + pad), max(0, x0) : min(w_img, x1)]
    if crop.size == 0:
        return None
    band = _first_text_band(crop)
    if band is not None:
        crop = crop[band[0] : band[1]]
    return _close_gaps(crop)


def _row_dates(engine: OcrEngine, crop: np.ndarray) -> dict[date, bool]:
    """The dates ``engine`` reads in a row, each with whether its printed weekday vouches
    for it. A reading whose printed weekday contradicts it is left out: one of the two was
    misread, and which one is not known."""
    got = engine.read(crop, lang="jpn+eng", psm=7)
    text = normalize_line(" ".join(part.text for part in got))
    out: dict[date, bool] = {}
    for found in find_dates(text):
        if not found.weekday_contradicts:
            out[found.date] = out.get(found.date, False) or found.weekday is not None
    return out


def _vouched(readings: dict[date, bool]) -> date | None:
    """The one date of a row reading, when its printed weekday agrees with it."""
    if len(readings) == 1:
        ((day, weekday_agrees),) = readings.items()
        return day if weekday_agrees else None
    return None


def _page_weekday_contradicts(line: OcrLine, chosen: date) -> bool:
    return any(
        found.date == chosen and found.weekday_contradicts
        for found in find_dates(normalize_line(line.text))
    )


def _confirm_date(
    page: np.ndarray, lines: list[OcrLine], fields: ProofFields, ocr: OcrEngine, engine_name: str
) -> str:
    """Read the purchase date's row once more, alone, and settle a disagreement.

    On a whole page tesseract misreads a digit of a clean date now and then with full
    confidence ("March 10, 2022" -> "March 19", "令和4年10月6日" -> "4年1月6日": dev proofs);
    the same row read as a single line (~20 ms) gets it right. When the two readings
    disagree, the second engine reads the row too and two agreeing readings win; with no
    majority the page's reading stays, marked uncertain (a reviewer checks it). Returns the
    engine name, extended when the second engine decided.
    """
    index = fields.lines.get("purchase_date")
    if index is None or not 0 <= index < len(lines) or fields.purchase_date is None:
        return engine_name
    chosen = fields.purchase_date
    crop = _date_crop(page, lines[index], chosen)
    if crop is None:
        crop = _row_crop(page, lines[index].box)
    if crop is None:
        return engine_name
    again = _row_dates(ocr, crop)
    if chosen in again:
        return engine_name  # confirmed
    # The page's date disagrees with its own printed weekday: a reading of the row whose
    # weekday agrees replaces it (that the two agree by chance is a 1-in-7 coincidence).
    contradicted = _page_weekday_contradicts(lines[index], chosen)
    if not again and not contradicted:
        return engine_name  # no date in the row on its own: no opinion
    if contradicted and (vouched := _vouched(again)) is not None:
        fields.purchase_date = vouched
        log.info("purchase date re-read on its row, its printed weekday agrees: replaced")
        return f"{engine_name}:weekday"
    reader = _line_reader(ocr)
    third = _row_dates(reader, crop) if reader is not None and reader is not ocr else {}
    if contradicted and (vouched := _vouched(third)) is not None:
        fields.purchase_date = vouched
        log.info("purchase date re-read by the second engine, its weekday agrees: replaced")
        return f"{engine_name}+{getattr(reader, 'name', 'reader')}:weekday"
    agreed = (again.keys() & third.keys()) - {chosen}
    if len(again) == 1 and len(agreed) == 1:
        fields.purchase_date = agreed.pop()
        log.info("purchase date re-read on its row by two engines: page reading replaced")
        return f"{engine_name}+{getattr(reader, 'name', 'reader')}:date"
    if chosen not in third and "purchase_date" not in fields.uncertain:
        fields.uncertain.append("purchase_date")
    return engine_name


def _holds(words: tuple[OcrWord, ...], wanted: date, weekday: bool = False) -> bool:
    text = normalize_line(" ".join(word.text for word in words))
    return any(
        found.date == wanted and (found.weekday is not None or not weekday)
        for found in find_dates(text)
    )


def _date_crop(page: np.ndarray, line: OcrLine, wanted: date) -> np.ndarray | None:
    """Just the words of ``line`` that make up the date ``wanted`` (and its weekday): the
    label and the rest of the row left out, so the single-line re-read has a third as much
    to read."""
    words = line.words
    if not words or not _holds(words, wanted):
        return None
    # A printed weekday stays in: it is the re-read's check on the date.
    weekday = _holds(words, wanted, weekday=True)
    start, end = 0, len(words)
    while start + 1 < end and _holds(words[start + 1 : end], wanted, weekday):
        start += 1
    while end - 1 > start and _holds(words[start : end - 1], wanted, weekday):
        end -= 1
    kept = words[start:end]
    x0 = min(word.box[0] for word in kept)
    x1 = max(word.box[0] + word.box[2] for word in kept)
    # Height from the row, not the words: tesseract's box for a kanji like 日 or 年 can
    # reach into the next row, whose top half then spoils the single-line read.
    return _row_crop(page, line.box, (x0, x1))


def _first_text_band(strip: np.ndarray) -> tuple[int, int] | None:
    """Rows (top, bottom) of the first line of text in a strip.

    Tesseract's row box often takes in half of the next row; a single-line read of two
    half rows is garbage, so the strip is cut down to its first band of ink. Columns that
    are ink from top to bottom (the sheet's edge, a table border) are ignored, and so are
    rules: long thin strokes across the row (a separator a little slanted on a photo
    spans several pixel rows and was taken for the row's text).
    """
    gray = to_gray(strip)
    if gray.shape[0] < 8:
        return None
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    full_columns = ink.mean(axis=0) > 0.8
    ink[:, full_columns] = 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width, height = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    rules = np.flatnonzero((width >= ink.shape[1] // 3) & (width >= 12 * height)) + 1
    if rules.size:
        ink[np.isin(labels, rules)] = 0
    rows = ink.sum(axis=1) > max(2, int(0.002 * ink.shape[1]))
    bands: list[tuple[int, int]] = []
    start = None
    for y, on in enumerate([*rows.tolist(), False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            bands.append((start, y))
            start = None
    bands = [b for b in bands if b[1] - b[0] >= 6]
    if not bands:
        return None
    top, bottom = bands[0]
    pad = max(3, (bottom - top) // 4)
    return max(0, top - pad), min(gray.shape[0], bottom + pad)


def _close_gaps(strip: np.ndarray) -> np.ndarray:
    """Shrink long blank stretches ("購入日 ............ R07.04.22") to one text height.

    A recogniser's cost grows with the line's width; the blank middle of a label/value
    row is most of it.
    """
    gray = to_gray(strip)
    h = gray.shape[0]
    if h < 4 or gray.shape[1] < 4 * h:
        return strip
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    blank = ink.sum(axis=0) == 0
    keep = np.ones(blank.shape[0], dtype=bool)
    run_start = None
    for x, is_blank in enumerate([*blank.tolist(), False]):
        if is_blank and run_start is None:
            run_start = x
        elif not is_blank and run_start is not None:
            if x - run_start > 2 * h:
                keep[run_start + h : x - h // 2] = False
            run_start = None
    return np.ascontiguousarray(strip[:, keep])


def _better(new: ProofFields, old: ProofFields) -> bool:
    """More of the required fields; on a tie, a date with a stronger label (契約日 read
    at last beats the 書面発行日 that was the only date tesseract could parse)."""

    def score(f: ProofFields) -> tuple[int, int]:
        sure_date = f.purchase_date is not None and "purchase_date" not in f.uncertain
        found = (
            (f.purchase_date is not None) * 2
            + sure_date
            + bool(f.imeis)
            + bool(f.model_name)
            + bool(f.model_id)  # a catalog model beats raw text
        )
        return found, f.purchase_date_score

    return score(new) > score(old)


def _box_text(name: str, fields: ProofFields) -> str | None:
    value: Any = {
        "purchase_date": fields.purchase_date,
        "model_name": fields.model_name,
        "imei": None,  # never echo a full IMEI into a debug caption
        "store_name": fields.store_name,
        "price": fields.price,
    }.get(name)
    return None if value is None else str(value)


def _text_lines(lines: list[OcrLine]) -> list[TextLine]:
    return [TextLine(line.text, line.box, line.confidence) for line in lines]


def _missing(fields: ProofFields) -> bool:
    return fields.purchase_date is None or not (fields.model_name or fields.imeis or fields.serial)


def _merge(into: ProofFields, other: ProofFields) -> bool:
    """Fill fields ``into`` lacks from ``other``; True if anything was taken."""
    took = False
    for name in ("purchase_date", "model_name", "serial", "store_name", "price_jpy", "carrier"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
            if name in other.lines:
                into.lines[name] = -1 - other.lines[name]  # negative: a line of `other`
            if name in other.uncertain:
                into.uncertain.append(name)
            took = True
    if into.price is None and other.price is not None:
        into.price, into.currency = other.price, other.currency
        took = True
    if not into.imeis and other.imeis:
        into.imeis = list(other.imeis)
        if "imei" in other.lines:
            into.lines["imei"] = -1 - other.lines["imei"]
        took = True
    if into.model_name and into.model_id is None and other.model_id:
        into.model_name, into.model_id = other.model_name, other.model_id
        into.uncertain = [u for u in into.uncertain if u != "model_name"]
        took = True
    return took


def _merge_lines(first: list[OcrLine], second: list[OcrLine], fields: ProofFields) -> list[OcrLine]:
    """One line list for boxes: ``first`` + ``second``, indices in ``fields.lines``
    rewritten (negative ones point into ``second``)."""
    offset = len(first)
    for name, index in list(fields.lines.items()):
        if index < 0:
            fields.lines[name] = offset + (-1 - index)
    return first + second


def _fallback_setting() -> str:
    """``DEVICE_INTAKE_PROOF_FALLBACK``: ``rows`` (default: re-read the rows of missing
    fields with rapidocr), ``page`` (rows, then a full second page read), ``none``."""
    return os.environ.get("DEVICE_INTAKE_PROOF_FALLBACK", "rows").strip().lower() or "rows"


def _full_page_fallback_enabled() -> bool:
    return _fallback_setting() == "page"


def _line_reader(ocr: OcrEngine) -> OcrEngine | None:
    if _fallback_setting() == "none":
        return None
    if getattr(ocr, "name", "") == "rapidocr":
        return ocr  # already the stronger reader: re-read rows with it
    return _secondary(ocr)


def _secondary(ocr: OcrEngine) -> OcrEngine | None:
    """The fallback reader: the hybrid engine's own, else the process-wide RapidOcrEngine."""
    if getattr(ocr, "secondary", None) is None and _fallback_setting() == "none":
        return None
    return second_reader(ocr)


def _ocr_text_height(lines: list[OcrLine], page: PreparedPage) -> float | None:
    """Median height of confidently read lines, in original-image pixels."""
    heights = [
        line.box[3] for line in lines if line.confidence >= 0.6 and len(line.text.strip()) >= 3
    ]
    if len(heights) < 3:
        return None
    # Line boxes include ascenders/descenders: ~1.15x the character height.
    return float(np.median(heights)) / 1.15 / page.scale


def _flat_page_cut(image: np.ndarray, lines: list[OcrLine], page: PreparedPage) -> bool:
    return bool(text_cut_at_border(to_gray(image))) or _text_cut_at_edge(lines, page)


def _text_cut_at_edge(lines: list[OcrLine], page: PreparedPage) -> bool:
    """A flat image whose text runs into its border was cropped through the document."""
    h, w = page.image.shape[:2]
    for line in lines:
        x, y, bw, bh = line.box
        if line.confidence < 0.5 or len(line.text.strip()) < 4:
            continue
        if x <= EDGE_PX or y <= EDGE_PX or x + bw >= w - EDGE_PX or y + bh >= h - EDGE_PX:
            return True
    return False


def _field_flags(fields: ProofFields) -> list[ReasonCode]:
    flags: list[ReasonCode] = []
    if fields.purchase_date is None:
        flags.append(ReasonCode.DATE_NOT_FOUND)
    if not (fields.model_name or fields.imeis or fields.serial):
        flags.append(ReasonCode.MODEL_OR_ID_NOT_FOUND)
    return flags


def _result(
    fields: ProofFields,
    flags: list[ReasonCode],
    boxes: list[Box],
    doc: LoadedDocument,
    *,
    engine: str,
) -> InspectionResult:
    h, w = doc.image.shape[:2]
    return InspectionResult(
        kind=DocumentKind.PROOF,
        flags=flags,
        fields=DocumentFields(
            imei=fields.imeis[0] if fields.imeis else None,
            imeis=list(fields.imeis),
            serial=fields.serial,
            purchase_date=fields.purchase_date,
            model_name=fields.model_name,
            store_name=fields.store_name,
            price_jpy=fields.price_jpy,
            carrier=fields.carrier,
            price=fields.price,
            currency=fields.currency,
        ),
        uncertain=list(dict.fromkeys(fields.uncertain)),
        boxes=boxes,
        image_size=(w, h),
        engine=engine,
    )
