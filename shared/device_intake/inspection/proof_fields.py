"""Reading the fields of a purchase proof out of its text (no pixels here).

Input is a list of text lines (from OCR, with boxes, or from a PDF text layer); output is
:class:`ProofFields`. Pure functions, so every label/date/distractor combination is tested
on plain text, fast.

How the purchase date is chosen: every date found by ``domain.dates.find_dates`` is scored
by the label in front of it (same line, or the line above for table layouts):

====  ==========================================================================
 30   購入日 / ご購入日 / お買上げ日 / お買い上げ日 / purchase date
 20   契約日 / お申込日 / 申込日 / 注文日 / ご注文日 / 販売日 / invoice date / Factuurdatum
 10   発行日 / 領収日 / 日付 / Date / Datum / order date
  0   no label (a receipt's printed date at the top)
-50   印刷日 / 保証期限 / 保証期間 / お支払期日 / 発送日 / お届け予定日 / due date / ...
====  ==========================================================================

The best score wins, ties go to the date printed first. A document whose only dates are
distractors has no purchase date (``DATE_NOT_FOUND``): a warranty expiry is not a
purchase. The end of a range (``2024年3月15日～2026年3月14日``) is never a purchase date.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from device_intake.domain.dates import find_dates
from device_intake.domain.imei import find_imeis, is_valid_imei


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of document text; ``box`` (x, y, w, h) in the inspected image when known."""

    text: str
    box: tuple[int, int, int, int] | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class ProofFields:
    purchase_date: date | None = None
    purchase_date_score: int = -100  # label score of the chosen date (see module docstring)
    model_name: str | None = None
    model_id: str | None = None  # catalog id when the model came from the catalog
    imeis: list[str] = field(default_factory=list)
    serial: str | None = None
    store_name: str | None = None
    price_jpy: int | None = None
    price: float | None = None  # the total in the document's currency
    currency: str | None = None  # ISO 4217 when recognisable
    carrier: str | None = None
    uncertain: list[str] = field(default_factory=list)
    # Line index (into the input lines) each field was read from, for boxes.
    lines: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- text helpers

_CJK = r"\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f々〆"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


# Kanji numerals as OCR misreads them: katakana ニ for 二, Latin O / 0 for 〇, before 年月日.
_KANJI_NUMERAL_RUN = re.compile(r"[〇一二三四五六七八九十ニOo0ロ ]{2,}(?=[年月日])")
_KANJI_FIX = str.maketrans({"ニ": "二", "O": "〇", "o": "〇", "0": "〇", "ロ": "〇", " ": ""})


def _fix_kanji_numerals(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        # Only runs that are mostly kanji numerals: "2024年" must stay Arabic.
        if sum(ch in "〇一二三四五六七八九十ニ" for ch in run) * 2 < len(run.replace(" ", "")):
            return run
        return run.translate(_KANJI_FIX)

    return _KANJI_NUMERAL_RUN.sub(fix, text)


_DAY_INTO_TIME = re.compile(r"(?<!\d)([12]\d{3}([./\-])\d{1,2}\2\d{2})(\d{1,2}:\d{2})(?!\d)")


def normalize_line(text: str) -> str:
    """NFKC, tesseract's ``\\`` for ``¥`` fixed, spaces inside Japanese words removed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("購人", "購入")  # tesseract's most common kanji slips on proofs
    text = re.sub(r"[信今合]和(?=\s*[\d元一二三四五六七八九十〇])", "令和", text)
    text = re.sub(r"乎成(?=\s*[\d元一二三四五六七八九十〇])", "平成", text)
    text = _fix_kanji_numerals(text)
    text = re.sub(r"\\(?=\s?\d)", "¥", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = re.sub(r"(?<=\d) +,", ",", text)  # "August 3 , 2014" (PDF text layers)
    text = re.sub(r"(?<=\d),\s+(?=\d{3}(?!\d))", ",", text)  # OCR's "¥124, 080"
    text = re.sub(r"(?<=\d)[,.]{2}(?=\d{3}(?!\d))", ",", text)  # OCR's "¥121,.400"
    # A line read without spaces runs the day into the time: "2023/05/0619:22".
    text = _DAY_INTO_TIME.sub(r"\1 \3", text)
    return text.strip()


def _compact(text: str) -> str:
    return re.sub(r"[\s:：・]", "", text).lower()


def as_lines(text: str) -> list[TextLine]:
    """Split a PDF text layer (or any plain text) into :class:`TextLine` s."""
    return [TextLine(t) for t in text.replace("\f", "\n").splitlines() if t.strip()]


# --------------------------------------------------------------------------- dates

_DATE_LABELS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (-50, (
        "印刷日", "出力日", "書面発行日", "書面作成日", "保証期限", "保証期間", "保証終了",
        "保証満了", "お支払期日",
        "お支払い期日", "支払期日", "支払期限", "お支払期限", "お支払い期限", "振替日",
        "引落日", "引き落とし日", "発送日", "出荷日", "お届け予定日", "お届け日",
        "配送予定日", "到着予定日", "有効期限", "生年月日", "満了日", "終了日", "更新日",
        "次回", "再発行日", "duedate", "paymentdue", "datedue", "vervaldatum",
        "échéance", "echeance", "fälligkeit", "faelligkeit", "expiry", "expires",
        "validuntil", "deliverydate", "leverdatum", "shipdate", "shippingdate",
        "lieferdatum", "printed", "datelimite", "paiement", "prélèvement", "prelevement",
    )),
    (30, (
        "ご購入日", "購入日", "購入年月日", "お買上げ日", "お買い上げ日", "お買上日",
        "お買い上げ年月日", "お買上げ年月日", "purchasedate", "dateofpurchase",
        "kaufdatum", "aankoopdatum", "dated'achat", "dateachat",
    )),
    (20, (
        "ご契約日", "契約日", "契約年月日", "お申込日", "お申し込み日", "お申込み日",
        "申込日", "申込年月日", "ご注文日", "注文日", "販売日", "受付日", "領収日",
        "invoicedate", "dateofinvoice", "billdate", "factuurdatum", "rechnungsdatum",
        "datedefacture", "datefacture", "datedefacturation",
    )),
    (10, (
        "発行日", "作成日", "日付", "年月日", "orderdate", "orderdatum", "bestelldatum",
        "datedecommande", "date", "datum", "dated",
    )),
)
_RANGE_SEPARATOR = re.compile(r"^\s*[~〜～\-–—]|^\s*(から|to|bis|au|tot)\b")


def label_score(context: str) -> int:
    """Score of the label nearest to the END of ``context`` (the text before a date)."""
    compact = _compact(context)
    best_pos = -1
    best_score = 0
    for score, labels in _DATE_LABELS:
        for label in labels:
            pos = compact.rfind(label)
            if pos < 0:
                continue
            end = pos + len(label)
            # The nearest label to the date wins; on a tie the more specific (listed first).
            if end > best_pos:
                best_pos, best_score = end, score
    if best_pos < 0:
        return 0
    # A label far away from the date (another column's header) counts for little.
    if len(compact) - best_pos > 24:
        return best_score // 3 if best_score > 0 else best_score
    return best_score


_DATE_SHAPE = re.compile(r"\d\s*[年月]|\d\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d")


def _looks_dated(line: str) -> bool:
    """The line has a date, or the shape of one OCR broke: its label is its own."""
    return bool(find_dates(line) or _DATE_SHAPE.search(line))


def _label_sequence(text: str) -> list[int]:
    """Scores of the date labels in ``text``, left to right (longest label wins where
    labels overlap: "Due Date" is one distractor, not a distractor and a "Date")."""
    compact = _compact(text)
    hits: list[tuple[int, int, int]] = []  # start, end, score
    for score, labels in _DATE_LABELS:
        for label in labels:
            start = compact.find(label)
            while start >= 0:
                hits.append((start, start + len(label), score))
                start = compact.find(label, start + 1)
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[int] = []
    last_end = -1
    for start, end, score in hits:
        if start >= last_end:
            out.append(score)
            last_end = end
    return out


@dataclass(frozen=True, slots=True)
class DateCandidate:
    date: date
    score: int
    line: int
    start: int
    # Read through OCR look-alikes (O for 0), printed with another weekday, or in the future.
    doubtful: bool = False


@dataclass(frozen=True, slots=True)
class _Found:
    date: date
    start: int
    end: int
    misread: bool = False  # read through OCR look-alikes, or its printed weekday disagrees


_MONTHS = {
    # nl, fr, de, es, it: foreign invoices are in scope (English ones are in domain.dates).
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "oktober": 10, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3,
    "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "januar": 1,
    "februar": 2, "märz": 3, "maerz": 3, "april": 4, "august": 8, "september": 9,
    "dezember": 12, "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6,
    "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12, "december": 12,
    "november": 11,
}
_DMY_WORD = re.compile(r"(?<!\d)(\d{1,2})\.?\s+([A-Za-zÀ-ÿ]{3,10})\.?\s+(\d{4})(?!\d)")
_DMY_NUM = re.compile(r"(?<![\d/.\-])(\d{1,2})([\-/.])(\d{1,2})\2(\d{4})(?![\d/.\-])")


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d) if 1900 <= y <= 2099 else None
    except ValueError:
        return None


def _find_dates(line: str, day_first: bool | None) -> list[_Found]:
    """``domain.dates.find_dates`` plus what only document context can settle: European
    month names, and ``8-9-2022`` (both parts ≤ 12) read day-first on a European invoice
    (€, BTW, TVA, MwSt) or month-first on a dollar one; unsettled ones stay unread."""
    found = [
        _Found(f.date, f.start, f.end, f.ocr_corrected or f.weekday_contradicts)
        for f in find_dates(line)
    ]
    taken = [(f.start, f.end) for f in found]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _DMY_WORD.finditer(line):
        month = _MONTHS.get(m.group(2).lower())
        if month and free(m.start(), m.end()):
            d = _safe_date(int(m.group(3)), month, int(m.group(1)))
            if d:
                found.append(_Found(d, m.start(), m.end()))
    if day_first is not None:
        for m in _DMY_NUM.finditer(line):
            if not free(m.start(), m.end()):
                continue
            a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
            d = _safe_date(y, b, a) if day_first else _safe_date(y, a, b)
            if d:
                found.append(_Found(d, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _day_first(text: str) -> bool | None:
    if re.search(r"€|EUR\b|BTW|TVA|MwSt|Factu|Rechnung|Faktura|PLN|₹|INR|Rs\.", text):
        return True
    if re.search(r"\$|USD", text):
        return False
    return None


def date_candidates(lines: list[str]) -> list[DateCandidate]:
    """Every date in ``lines`` (normalised text) with its label score, in document order."""
    out: list[DateCandidate] = []
    day_first = _day_first("\n".join(lines))
    for i, line in enumerate(lines):
        found = _find_dates(line, day_first)
        for k, fd in enumerate(found):
            before = line[: fd.start]
            if k > 0:
                before = line[found[k - 1].end : fd.start]
                if _RANGE_SEPARATOR.search(before) and not _compact(before).strip("~〜～-–—"):
                    # "2024年3月15日～2026年3月14日": the second is the end of a period.
                    out.append(DateCandidate(fd.date, -50, i, fd.start))
                    continue
                if not _compact(before):
                    before = line[: found[k - 1].start]  # label shared by both dates
            score = label_score(before)
            if score == 0 and i > 0 and not _looks_dated(lines[i - 1]):
                # Table layout: labels on the line above, values below in the same order
                # ("Invoice Date: Due Date:" / "03/20/2023 04/04/2023").
                header = _label_sequence(lines[i - 1])
                if len(header) > 1 and k < len(header):
                    score = header[k]
                elif not _compact(before):
                    score = label_score(lines[i - 1][-40:])
            doubtful = fd.misread or fd.date > date.today()
            out.append(DateCandidate(fd.date, score, i, fd.start, doubtful))
    return out


def pick_purchase_date(lines: list[str]) -> DateCandidate | None:
    best: DateCandidate | None = None
    for cand in date_candidates(lines):
        if cand.score < 0:
            continue
        if best is None or cand.score > best.score:
            best = cand
    return best


# --------------------------------------------------------------------------- model

_MODEL_LABELS = (
    "機種名", "機種", "品名", "商品名", "製品名", "端末名", "端末", "品目", "型番", "モデル",
    "移動機", "機器名", "model", "product", "device", "artikel", "designation",
)
_MODEL_LABEL_RE = re.compile(
    r"(機種名|機種|品名|商品名|製品名|端末名|型番|Model(?:\s*name)?|Product(?:\s*name)?|Device)"
    r"\s*[:：]?\s*(?P<value>.+)$",
    re.IGNORECASE,
)

# "(5G)" as OCR reads it: "(56)", "(5C)", "(SG)". No model is named "(56)", but the
# catalog knows "Pixel 4a" as well as "Pixel 4a (5G)": read "(56)", the 5G model was
# taken for its 4G sibling with full confidence (dev proofs, a receipt and a carrier page).
_OCR_5G = re.compile(r"\(\s*[5S]\s*[6GC]\s*\)")
# Unbracketed ("OPPO A79 5G" read "OPPO A79 56"): tried only when the line names nothing.
_OCR_5G_WORD = re.compile(r"(?<=[A-Za-z0-9] )5[6C](?= |$)")
# The Z of "Galaxy Z Flip6" / "Z Fold5" as OCR reads it: "7" or "2" (dev carrier pages:
# "Galaxy 7 Flip5" matched no model). Every Flip and Fold of the line is a Z model.
_OCR_Z = re.compile(r"(?<=Galaxy )[72](?= ?(?:Flip|Fold))", re.IGNORECASE)


@lru_cache(maxsize=1)
def _catalog() -> Any:
    from device_intake.domain.catalog import ModelCatalog

    return ModelCatalog.load()


@lru_cache(maxsize=1)
def model_families() -> frozenset[str]:
    """First words of the catalog's model names (iPhone, Galaxy, Xperia, AQUOS...)."""
    return frozenset(model.name.split()[0] for model in _catalog() if model.name.split())


@lru_cache(maxsize=1)
def _glued_family() -> re.Pattern[str]:
    names = sorted(model_families(), key=len, reverse=True)
    return re.compile(r"(?<=[^\W\d_])(" + "|".join(map(re.escape, names)) + r")(?=[\s\d])")


def _unglue_family(line: str) -> str:
    """The line with a space before a family word that letters run into (OCR noise)."""
    return _glued_family().sub(r" \1", line)


# Readings of a line tried in turn, only while it names no model: OCR's slips in names.
_MODEL_MISREADS: tuple[Callable[[str], str], ...] = (
    # The S of "Galaxy S23" read "$".
    lambda line: re.sub(r"\$(?=\d{2}\b)", "S", line),
    lambda line: _OCR_5G_WORD.sub("5G", line),
    lambda line: _OCR_Z.sub("Z", line),
    # Noise glued to the family word ("«SsiPhone 14 Pro Max"): a name starts a word.
    _unglue_family,
)


def _find_model(lines: list[str], fields: ProofFields) -> None:
    catalog = _catalog()
    best: tuple[float, int, Any] | None = None
    for i, line in enumerate(lines):
        line = _OCR_5G.sub("(5G)", line)
        matches = catalog.find_in_text(line)
        for repair in _MODEL_MISREADS:
            if matches:
                break
            repaired = repair(line)
            if repaired != line:
                matches = catalog.find_in_text(repaired)
        if not matches:
            continue
        top = max(matches, key=lambda m: m.score)
        labelled = any(label in _compact(line) for label in _MODEL_LABELS)
        # A labelled line (商品名 iPhone 15) beats a passing mention (iPhone 15 ケース付属).
        rank = top.score + (0.5 if labelled else 0.0)
        if best is None or rank > best[0]:
            best = (rank, i, top)
    if best is not None:
        _, i, match = best
        fields.model_name = match.model.name
        fields.model_id = match.model.id
        fields.lines["model_name"] = i
        if match.score < 0.8:
            fields.uncertain.append("model_name")
        return
    # Not in the catalog: keep what the document says, and ask a reviewer.
    for i, line in enumerate(lines):
        m = _MODEL_LABEL_RE.search(line)
        if not m or re.search(r"代金|価格|金額|円|[¥￥]|変更", line):
            continue  # 機種代金 ¥102,500 is a price row, 機種変更 a contract type
        value = re.split(r"\s{2,}|[¥￥]|\d+円", m.group("value"))[0].strip(" :：")
        # "品名 スマートフォン" on a warranty card names the category, not the model.
        if (
            not re.search(r"[A-Za-z]", value)
            or not re.search(r"\d", value)
            or re.fullmatch(r"[\d\s\-]{8,}", value)
        ):
            # Needs a maker's letters and a number (F-52B, Pixel 8a); a bare number is an
            # IMEI on a misaligned row, letters alone are usually OCR noise.
            continue
        if len(re.sub(r"\W", "", value)) >= 3 and not find_dates(value):
            fields.model_name = value[:80]
            fields.lines["model_name"] = i
            fields.uncertain.append("model_name")
            return


# --------------------------------------------------------------------------- IMEI / serial

_ID_LABEL = re.compile(
    r"(IMEI|製造番号|シリアル(?:番号|No\.?|ナンバー)?|S/N|Serial(?:\s*(?:No\.?|number))?|"
    r"Serienummer|Seriennummer|端末識別番号)\s*[:：.]?\s*(?P<value>[A-Za-z0-9\-\s]{5,40})",
    re.IGNORECASE,
)
_OCR_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1",
                                "S": "5", "B": "8", "Z": "2", "G": "6"})


def _find_ids(lines: list[str], fields: ProofFields) -> None:
    for i, line in enumerate(lines):
        for imei in find_imeis(line):
            if imei not in fields.imeis:
                fields.imeis.append(imei)
                fields.lines.setdefault("imei", i)
    for i, line in enumerate(lines):
        m = _ID_LABEL.search(line)
        if not m:
            continue
        raw = m.group("value").strip()
        label = m.group(1).lower()
        digits = re.sub(r"[\s\-]", "", raw.translate(_OCR_DIGIT_FIX))
        if label == "imei" or (digits.isdigit() and len(digits) >= 15):
            # An IMEI row the plain pass missed: OCR read O for 0 or split the digits.
            candidate = digits[:15]
            if is_valid_imei(candidate) and candidate not in fields.imeis:
                fields.imeis.append(candidate)
                fields.lines.setdefault("imei", i)
            continue
        token = re.split(r"\s{2,}", raw)[0].replace(" ", "").upper()
        if 6 <= len(token) <= 20 and any(ch.isdigit() for ch in token) and fields.serial is None:
            fields.serial = token
            fields.lines.setdefault("serial", i)


# --------------------------------------------------------------------------- store

# (key as printed, spaces removed; canonical name). Longer keys first: the first hit wins.
_CHAINS = (
    ("ヨドバシカメラ", "ヨドバシカメラ"), ("ヨドバシ.com", "ヨドバシ.com"),
    ("ビックカメラ", "ビックカメラ"), ("ヤマダデンキ", "ヤマダデンキ"),
    ("ヤマダ電機", "ヤマダ電機"), ("ケーズデンキ", "ケーズデンキ"), ("エディオン", "エディオン"),
    ("ジョーシン", "ジョーシン"), ("上新電機", "上新電機"), ("ノジマ", "ノジマ"),
    ("コジマ", "コジマ"), ("ソフマップ", "ソフマップ"), ("ベスト電器", "ベスト電器"),
    ("docomoショップ", "docomoショップ"), ("ドコモショップ", "ドコモショップ"),
    ("auショップ", "auショップ"), ("auStyle", "au Style"),
    ("ソフトバンクショップ", "ソフトバンクショップ"), ("SoftBankショップ", "SoftBankショップ"),
    ("ワイモバイルショップ", "ワイモバイルショップ"),
    ("楽天モバイルショップ", "楽天モバイルショップ"), ("UQスポット", "UQスポット"),
    ("AppleStoreオンライン", "Apple Store オンライン"), ("AppleStore", "Apple Store"),
    ("Appleストア", "Apple Store"), ("Amazon.co.jp", "Amazon.co.jp"), ("アマゾン", "Amazon.co.jp"),
    ("楽天市場", "楽天市場"), ("Yahoo!ショッピング", "Yahoo!ショッピング"), ("イオン", "イオン"),
    ("ゲオ", "ゲオ"), ("イオシス", "イオシス"), ("じゃんぱら", "じゃんぱら"),
    ("ドン・キホーテ", "ドン・キホーテ"),
    # Carriers' own (online) shops, last: a contract header names the carrier too.
    ("楽天モバイル", "楽天モバイル"), ("ソフトバンク", "ソフトバンク"),
    ("ワイモバイル", "ワイモバイル"),
)
_STORE_LABEL = re.compile(
    r"(販売店名|販売店|店舗名|店名|取扱店|お買上げ店|お買い上げ店|ご購入店|購入店|ショップ名|"
    r"販売元|発行元|Sprzedawca|Sold\s*by|Seller|Verkoper|Verkäufer|Vendeur)\s*[:：]?\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_ISSUER_MARK = re.compile(
    r"(株式会社|\(株\)|有限会社|合同会社|店$|ショップ|ストア|"
    r"\b(?:Inc|Ltd|LLC|B\.V|GmbH|AG|S\.A|SARL|SAS|Pvt|Co\.|Corp|Limited)\b)",
    re.IGNORECASE,
)
_NOT_ISSUER = re.compile(
    r"(様|御中|お客様|Bill\s*to|Ship\s*to|Customer|Billing|Shipping|ATTN|Attention|"
    r"T\.a\.v\.|z\.Hd\.|TOTAL|Amount)",
    re.IGNORECASE,
)


def _chain_in(text: str) -> str | None:
    compact = re.sub(r"\s", "", text).lower()
    for key, name in _CHAINS:
        if key.lower() in compact:
            return name
    return None


def _chain_like(text: str) -> str | None:
    """A chain name OCR bent a little (auシヨョツノ, ピックカメラ): whole-line similarity."""
    compact = re.sub(r"\s", "", text)
    if not 3 <= len(compact) <= 16:
        return None
    best, best_ratio = None, 0.0
    for key, name in _CHAINS:
        ratio = difflib.SequenceMatcher(None, compact.lower(), key.lower()).ratio()
        if ratio > best_ratio:
            best, best_ratio = name, ratio
    return best if best_ratio >= 0.6 else None


def _find_store(lines: list[str], fields: ProofFields) -> None:
    # 1. A labelled seller (販売店: エディオン 新宿西口店) beats a carrier's name in the header.
    for i, line in enumerate(lines):
        m = _STORE_LABEL.search(line)
        if m:
            value = m.group("value").strip(" :：")
            if len(value) >= 2:
                fields.store_name = _chain_in(value) or value[:60]
                fields.lines["store_name"] = i
                return
    # 2. A known chain anywhere, top first: the chain's own name (branches and labels
    #    vary; the reviewer sees the whole line in the box anyway).
    for i, line in enumerate(lines):
        name = _chain_in(line)
        if name:
            fields.store_name = name
            fields.lines["store_name"] = i
            return
    # 3. The receipt's header, misread: close enough to a chain name.
    for i, line in enumerate(lines[:4]):
        name = _chain_like(line)
        if name:
            fields.store_name = name
            fields.lines["store_name"] = i
            fields.uncertain.append("store_name")
            return
    # 4. The issuer line near the top (company suffixes), for invoices.
    for i, line in enumerate(lines[:12]):
        if _ISSUER_MARK.search(line) and not _NOT_ISSUER.search(line):
            value = re.split(r"\s+[-–|]\s+|,\s*\d", line)[0].strip()
            fields.store_name = value[:60]
            fields.lines["store_name"] = i
            fields.uncertain.append("store_name")
            return


# --------------------------------------------------------------------------- price

_TOTAL_LABELS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (40, ("お支払金額", "お支払い金額", "ご請求金額", "請求金額", "合計金額", "お買上げ金額",
          "お買上金額", "領収金額", "総合計", "grandtotal", "totalamountdue", "amountdue",
          "totalttc", "totaal", "gesamtbetrag", "rechnungsbetrag", "totalamount",
          "factuurtotaal", "totalfacture", "sommeàpayer", "należność", "razem", "dozapłaty")),
    (30, ("合計", "総額", "税込", "total", "summe", "montant")),
    (20, ("端末代金", "機種代金", "本体価格", "販売価格", "price", "prijs")),
    (5, ("小計", "subtotal", "subtotaal")),
)
_NOT_TOTAL = ("お預り", "お預かり", "お釣り", "おつり", "割引", "ポイント", "値引",
              "change", "discount", "tax", "btw", "tva", "mwst", "vat", "消費税", "内税")
_AMOUNT = re.compile(
    r"(?P<pre>[¥￥$€£₹]|Rs\.?|JPY|USD|EUR|INR|GBP)?\s*"
    r"(?P<num>\d{1,3}(?:(?:[,.]\s?|\s)\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*"
    r"(?P<post>円|€|EUR|USD|JPY|INR|PLN|zł)?",
)
_CURRENCY = {"¥": "JPY", "￥": "JPY", "円": "JPY", "JPY": "JPY", "$": "USD", "USD": "USD",
             "€": "EUR", "EUR": "EUR", "£": "GBP", "₹": "INR", "Rs": "INR", "Rs.": "INR",
             "INR": "INR", "PLN": "PLN", "zł": "PLN"}


def _parse_amount(num: str) -> float | None:
    num = num.replace(" ", "")
    m = re.fullmatch(r"(\d+(?:[.,]\d{3})*)(?:([.,])(\d{1,2}))?", num)
    if not m:
        return None
    whole = re.sub(r"[.,]", "", m.group(1))
    frac = m.group(3)
    try:
        return float(f"{whole}.{frac}") if frac else float(whole)
    except ValueError:
        return None


_MARK_BEFORE = re.compile(
    r"([¥￥$€£₹]|Rs\.?|JPY|USD|EUR|INR|PLN)\s?-?\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,2})?(?!\d|[,.]\d)"
)
_MARK_AFTER = re.compile(r"\d(?:[.,]\d{1,2})?\s?(円|€|EUR|USD|JPY|INR|PLN|zł)")


def _currency_marks(text: str) -> list[str]:
    """Currency marks that stand next to an amount (an "S" read as "$" in an id does not)."""
    return [m.group(1) for m in _MARK_BEFORE.finditer(text)] + [
        m.group(1) for m in _MARK_AFTER.finditer(text)
    ]


def _find_price(lines: list[str], fields: ProofFields, japanese: bool) -> None:
    best: tuple[int, float, int, str | None] | None = None
    for i, line in enumerate(lines):
        compact = _compact(line)
        for sub in ("subtotal", "subtotaal", "小計"):
            compact = compact.replace(sub, "小計")  # so that "total" does not match inside
        score = 0
        for s, labels in _TOTAL_LABELS:
            if any(label in compact for label in labels):
                score = s
                break
        if score == 0:
            continue
        if score < 40 and any(bad in compact for bad in _NOT_TOTAL) and "税込" not in compact:
            continue  # お預り / お釣り / tax lines carry amounts that are not the price
        amounts: list[tuple[float, str | None]] = []
        for m in _AMOUNT.finditer(line):
            if find_dates(line) and not (m.group("pre") or m.group("post")):
                continue  # digits of a date on the same line
            value = _parse_amount(m.group("num"))
            if value is None or value == 0:
                continue
            mark = m.group("pre") or m.group("post")
            currency = _CURRENCY.get(mark.strip()) if mark else None
            if not mark and score < 30 and value < 100:
                continue  # a quantity, not a price
            amounts.append((value, currency))
        if not amounts:
            continue
        # The last amount on a total line is the total (earlier ones are counts or rates).
        value, currency = amounts[-1]
        if best is None or score > best[0]:
            best = (score, value, i, currency)
    if best is None:
        return
    _, value, i, currency = best
    if currency is None:
        # The total line has no symbol: use the currency the document prints most.
        marks = [_CURRENCY[m] for m in _currency_marks("\n".join(lines)) if m in _CURRENCY]
        if marks:
            currency = max(set(marks), key=marks.count)
        elif japanese:
            currency = "JPY"
    fields.price = value
    fields.currency = currency
    fields.lines["price"] = i
    if currency == "JPY" and float(value).is_integer():
        fields.price_jpy = int(value)


# --------------------------------------------------------------------------- carrier

_CARRIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ahamo", re.compile(r"ahamo", re.IGNORECASE)),
    ("povo", re.compile(r"povo", re.IGNORECASE)),
    ("linemo", re.compile(r"LINEMO", re.IGNORECASE)),
    ("ymobile", re.compile(r"Y!\s*mobile|ワイモバイル|Ymobile", re.IGNORECASE)),
    ("uq", re.compile(r"UQ\s*(mobile|モバイル|WiMAX|スポット)|UQモバイル", re.IGNORECASE)),
    ("rakuten", re.compile(r"楽天モバイル|Rakuten\s*Mobile", re.IGNORECASE)),
    ("iijmio", re.compile(r"IIJ\s*mio", re.IGNORECASE)),
    ("mineo", re.compile(r"mineo|マイネオ", re.IGNORECASE)),
    ("ocn", re.compile(r"OCN\s*モバイル|OCN\s*mobile", re.IGNORECASE)),
    ("docomo", re.compile(r"docomo|ドコモ|NTT\s*ドコモ", re.IGNORECASE)),
    ("softbank", re.compile(r"Soft\s*Bank|ソフトバンク", re.IGNORECASE)),
    # "au" is a common Latin syllable: only with a Japanese neighbour, "My au" or KDDI.
    ("au", re.compile(rf"KDDI|(?<![A-Za-z])au(?=[{_CJK}]|\s*(Style|ショップ|ID|PAY|"
                      r"スマート|通信|契約))|My\s*au\b")),
)


def _find_carrier(text: str, fields: ProofFields) -> None:
    hits = [(m.start(), name) for name, rx in _CARRIERS if (m := rx.search(text))]
    if hits:
        # The brand mentioned first is usually the issuer's (headers come first).
        fields.carrier = min(hits)[1]


# --------------------------------------------------------------------------- entry point


def extract_proof_fields(lines: list[TextLine]) -> ProofFields:
    """Every field a purchase proof can give, from its text lines (any language)."""
    texts = [normalize_line(line.text) for line in lines]
    fields = ProofFields()
    picked = pick_purchase_date(texts)
    if picked is not None:
        fields.purchase_date = picked.date
        fields.purchase_date_score = picked.score
        fields.lines["purchase_date"] = picked.line
        if picked.score <= 0 or picked.doubtful:
            # An unlabelled date is likely, not sure; a future or look-alike-corrected one
            # is probably misread (2020/04/02 read as 2029/94/92).
            fields.uncertain.append("purchase_date")
    _find_model(texts, fields)
    _find_ids(texts, fields)
    _find_store(texts, fields)
    joined = "\n".join(texts)
    japanese = bool(re.search(rf"[{_CJK}]", joined))
    _find_price(texts, fields, japanese)
    _find_carrier(joined, fields)
    return fields
