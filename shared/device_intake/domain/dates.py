"""Dates on Japanese purchase documents: parse one, find all in OCR text, render for tests.

Japanese receipts, carrier contracts and warranty cards print dates year-first: western
(``2024年3月15日``, ``2024/03/15``, ``2024.03.15``, ``'24/03/15``) or in the imperial era
calendar, 和暦 (``令和6年3月15日``, ``令和元年``, ``令和六年三月十五日``, ``R6.3.15``,
``H31.4.30``), often with full-width digits, a weekday (``(金)``) or a time. Foreign
receipts add ``15 Mar 2024``, ``March 15, 2024``, ``15.03.2024`` and ``15/03/2024``.

Why no library: ``japanera`` (needs ``kanjize``, builds on CPython's private ``_strptime``)
and ``jpdatetime`` (zero deps) parse one string against a format you already know; neither
finds dates in free text or copes with OCR noise, and ``jpdatetime`` accepts dates outside
their era (平成31年5月1日, 令和1年4月1日). See ``docs/dates.md``.

Decisions (also in ``docs/dates.md``):

- An era date must lie inside its era: 平成 ends 2019-04-30, 令和 starts 2019-05-01.
  明治 dates are accepted from 明治6年 (1873-01-01), when Japan adopted the Gregorian
  calendar; earlier 明治 dates are lunisolar and are not converted.
- Two-digit years (``24/03/15``, ``'24/03/15``, ``24年3月15日``) are 20xx, year first.
- ``NN/NN/YYYY`` is read day-first when the first number is > 12, month-first when the
  second is > 12, and not at all when both are ≤ 12 and differ (``03/04/2024``): a wrong
  purchase date is worse than none (the caller asks for it or sends it to a reviewer).
  ``find_dates`` settles such a date only when the other dates in the same text agree on
  one order. ``NN.NN.YYYY`` is always day-first (only Europe prints dotted dates).
- ``同年4月24日`` / ``同28年3月24日`` (court and contract prose) take the year or era from
  the closest year mentioned before them in the same text; without one they are skipped.
- OCR misreadings measured with tesseract (jpn) are repaired only where the raw reading
  cannot be a date (or inside a kanji numeral run) and the result is flagged
  ``ocr_corrected``: O/l/I for 0/1, 0 read as 9 or 6 in an out-of-range month or day,
  ニ/ー/O for 二/一/〇, 晶 for 日, K for the era letter R, spaces inside numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

__all__ = [
    "DATE_RANGE",
    "ERAS",
    "FORMATS",
    "WESTERN_YEARS",
    "Era",
    "FoundDate",
    "can_format",
    "find_dates",
    "format_date",
    "parse_date",
]


@dataclass(frozen=True, slots=True)
class Era:
    name: str  # 令和
    letter: str  # R
    first_day: date  # first day of year 1 of the era
    first_convertible: date  # earliest date we convert (明治: Gregorian adoption)


# Newest first. Each era ends the day before the next one starts.
ERAS: Final[tuple[Era, ...]] = (
    Era("令和", "R", date(2019, 5, 1), date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8), date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25), date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30), date(1912, 7, 30)),
    Era("明治", "M", date(1868, 10, 23), date(1873, 1, 1)),
)
_ERA_BY_KEY: Final[dict[str, Era]] = (
    {e.name: e for e in ERAS} | {e.letter: e for e in ERAS} | {"K": ERAS[0], "B": ERAS[1]}
)

WESTERN_YEARS: Final = (1900, 2099)  # a 4-digit year outside this is not a purchase date


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in text. ``start``/``end`` are offsets into the ORIGINAL text and
    ``text == original[start:end]`` (weekday and time of day included when printed)."""

    date: date
    start: int
    end: int
    text: str
    format: str  # a family name such as "ymd_kanji", "wareki_abbr", "dmy_slash", "mdy_name"
    ocr_corrected: bool = False  # read only after repairing an OCR misreading (O for 0, …)
    weekday: int | None = None  # the weekday printed with it (0 = Monday), if any

    @property
    def weekday_contradicts(self) -> bool:
        """A printed weekday that is not the date's: one of the two was misread."""
        return self.weekday is not None and self.weekday != self.date.weekday()


# --------------------------------------------------------------------------- numbers

_KANJI_DIGIT: Final = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_KANJI_UNIT: Final = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUM: Final = "[〇零一二三四五六七八九十百千]"


def _kanji_to_int(text: str) -> int | None:
    """``十五`` → 15, ``三十一`` → 31, ``二〇二四`` → 2024, ``二千二十四`` → 2024."""
    if not text:
        return None
    if all(c in _KANJI_DIGIT for c in text):  # digit by digit: 二〇二四
        return int("".join(str(_KANJI_DIGIT[c]) for c in text))
    total, current, last_unit = 0, None, 10_000
    for c in text:
        if c in _KANJI_DIGIT:
            if current is not None:
                return None  # 二三十: two digits in a row in positional form
            current = _KANJI_DIGIT[c]
        else:
            unit = _KANJI_UNIT[c]
            if unit >= last_unit:
                return None  # 十十, 十百: units must fall
            total += (1 if current is None else current) * unit
            current, last_unit = None, unit
    return total + (current or 0)


def _to_int(text: str) -> int | None:
    text = re.sub(r"\s", "", text)
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    return _kanji_to_int(text)


# ------------------------------------------------------------------- normalisation

# OCR reads 0 as O/o/〇 and 1 as l/I/| inside numbers; fixed only inside a token of such
# characters joined by date separators (2O24/lO/ll) that holds a real digit and is not part
# of a word (so "Oct", "iOS", "Oll/lO" stay), or alone between 年/月/日 (2024年lO月l日).
_OCR_FIX: Final = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_LOOKALIKE = "[0-9OoIl|〇]"
_OCR_RUN: Final = re.compile(
    rf"(?:(?<![A-Za-z])|(?<=(?<![A-Za-z])[RHSTMKB]))"  # RO4.05.26: after an era letter too
    rf"{_LOOKALIKE}+(?:[./\-:]{_LOOKALIKE}+)*(?![A-Za-z])"
)
_OCR_KANJI_BOUNDED: Final = re.compile(r"(?<=[年月])[ \t]{0,2}[0-9OoIl|]{1,2}(?=[ \t]{0,2}[月日])")
# tesseract's Japanese model reads the kanji numerals 二 and 一 as katakana ニ and ー;
# fixed only in a numeral run right before 年/月/日 that holds a real kanji numeral.
_KANA_NUMERAL_RUN: Final = re.compile(r"[〇一二三四五六七八九十ニーO]+(?=[ \t]{0,2}[年月日])")
_KANA_FIX: Final = str.maketrans({"ニ": "二", "ー": "一", "O": "〇"})  # and 〇 as Latin O


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character (full-width → ASCII, ㋿ → 令和) with a map back to ``text``.

    ``index[i]`` is the offset in ``text`` of normalised character ``i``; one extra entry
    maps the end. Per-character NFKC keeps the map exact.
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        out.append(norm)
        index.extend([i] * len(norm))
    index.append(len(text))
    return "".join(out), index


def _ocr_view(norm: str) -> str:
    """Same length as ``norm``; O/l look-alikes inside digit runs replaced by digits."""

    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        return run.translate(_OCR_FIX) if any(c.isdigit() for c in run) else run

    def fix_kana(m: re.Match[str]) -> str:
        run = m.group(0)
        real = any(c in _KANJI_DIGIT or c == "十" for c in run)
        return run.translate(_KANA_FIX) if real else run

    view = _OCR_RUN.sub(fix, norm)
    view = _OCR_KANJI_BOUNDED.sub(lambda m: m.group(0).translate(_OCR_FIX), view)
    return _KANA_NUMERAL_RUN.sub(fix_kana, view)


# ------------------------------------------------------------------------ patterns

_S = r"[ \t]{0,2}"  # tesseract puts spaces between CJK characters and digits
_ERA_NAME = "令和|平成|昭和|大正|明治"
# tesseract reads the era letters R as K (K3.7.14) and H as B (B27/11/27); neither is an
# era letter, so they can only be R and H.
_ERA_ANY = rf"(?P<era>{_ERA_NAME}|(?<![A-Za-z])[RHSTMKB])"
_NUM12 = rf"(?:\d{{1,2}}|{_KANJI_NUM}{{1,3}})"
_EYEAR = rf"(?P<ey>元|\d(?:[ \t]?\d)?|{_KANJI_NUM}{{1,4}})"  # 平成2 7年: OCR spacing
# Between 月 and 日 a space inside the number is OCR spacing (8月2 5日), never two numbers.
_NUM12_SPACED = rf"(?:\d(?:[ \t]?\d)?|{_KANJI_NUM}{{1,3}})"
# 日 after a day number is read as 晶 by tesseract (2023年11月23晶); nothing else fits there.
_MD_KANJI = rf"(?P<m>{_NUM12_SPACED}){_S}月{_S}(?P<d>{_NUM12_SPACED}){_S}(?P<day_mark>[日晶])"
_WEEKDAY = (
    rf"(?:{_S}[(（]{_S}(?:(?P<wd>[月火水木金土日])(?:曜日?)?|(?P<wd_en>Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    rf"\.?){_S}[)）]|{_S}(?P<wd_long>[月火水木金土日])曜日?)"
)
_TIME = (
    r"(?:[ \t]{1,3}(?:午前|午後|AM|PM)?[ \t]?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?![\d:])"
    r"|[ \t]{0,3}(?:午前|午後)?\d{1,2}時(?:\d{1,2}分)?(?:\d{1,2}秒)?)"
)
_TAIL = rf"(?:{_WEEKDAY})?(?:{_TIME})?"
_NUM_END = r"(?!\d)(?![./\-]\d)"  # 2024-03-15-1234 is an order number, not a date
_NUM_START = r"(?<!\d)(?<!\d[./\-])"

# Month names on foreign receipts: English, German, French, Dutch (seen in the invoice
# sample: 7. Mai 2014, 02 Juillet 2015, 29 maart 2014), Spanish, Italian; case ignored.
_EN_MONTHS: Final = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS: Final[dict[str, int]] = {
    **{m: i for i, m in enumerate(_EN_MONTHS, 1)},
    **{m[:3]: i for i, m in enumerate(_EN_MONTHS, 1)},
    "sept": 9,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "okt": 10, "dez": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7,
    "déc": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "mrt": 3,
    # Spanish, Italian
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6,
    "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12,
}  # fmt: skip
_MONTH_NAMES: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))
_LETTER = r"A-Za-zÀ-ÿ"
_MON = rf"(?<![{_LETTER}])(?P<mon>{_MONTH_NAMES})(?![{_LETTER}])\.?"
_ORD = r"(?:st|nd|rd|th|er|\.)?"  # 15th, 1er (French), 7. (German)

# (family, compiled pattern). Order matters only for equal start and length.
_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, re.compile(p, re.IGNORECASE if name.endswith("_name") else 0))
    for name, p in (
        # 令和6年3月15日, 令和元年5月1日, 令和六年三月十五日, R6年3月15日
        ("wareki_kanji", rf"{_ERA_ANY}{_S}{_EYEAR}{_S}年{_S}{_MD_KANJI}{_TAIL}"),
        # 同年4月24日, 同28年3月24日: year/era from context
        ("same_year", rf"同{_S}(?:(?P<ey>\d{{1,2}}|{_KANJI_NUM}{{1,4}}){_S})?年{_S}{_MD_KANJI}"),
        # 2024年3月15日, 二〇二四年三月十五日, 24年3月15日
        (
            "ymd_kanji",
            rf"(?<![\d同])(?P<y>(?:[12][ \t]?\d[ \t]?\d[ \t]?\d|\d\d)(?!\d)|{_KANJI_NUM}{{2,7}})"
            rf"{_S}年{_S}{_MD_KANJI}{_TAIL}",
        ),
        # R6.3.15, H31/4/30, 令和6.3.15
        (
            "wareki_abbr",
            rf"{_ERA_ANY}{_S}(?P<ey>元|\d{{1,2}})[ \t]?(?P<sep>[./\-])[ \t]?(?P<m>\d{{1,2}})"
            rf"[ \t]?(?P=sep)[ \t]?(?P<d>\d{{1,2}}){_NUM_END}{_TAIL}",
        ),
        # 2024/03/15, 2024.03.15, 2024-03-15
        (
            "ymd_numeric",
            rf"{_NUM_START}(?P<y>[12]\d{{3}})[ \t]?(?P<sep>[./\-])[ \t]?(?P<m>\d{{1,2}})"
            rf"[ \t]?(?P=sep)[ \t]?(?P<d>\d{{1,2}}){_NUM_END}{_TAIL}",
        ),
        # 24/03/15, '24/03/15
        (
            "yy_slash",
            rf"(?:['’‘`\"“”](?<!\d.))?{_NUM_START}(?P<yy>\d{{2}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})"
            rf"{_NUM_END}{_TAIL}",
        ),
        # 15.03.2024, 15/03/2024, 03/15/2024
        (
            "dmy_numeric",
            rf"{_NUM_START}(?P<a>\d{{1,2}})[ \t]?(?P<sep>[./\-])[ \t]?(?P<b>\d{{1,2}})"
            rf"[ \t]?(?P=sep)[ \t]?(?P<y>[12]\d{{3}}){_NUM_END}{_TAIL}",
        ),
        # 15 Mar 2024, 15-Mar-2024, 15th March, 2024, 15-Mar-24, 7. Mai 2014, 3 de marzo de 2024
        (
            "dmy_name",
            rf"(?<![\d.])(?P<d>\d{{1,2}}){_ORD}[ \t\-]?(?:de[ \t])?{_MON},?[ \t\-]?"
            rf"(?:de[ \t])?(?P<y>[12]\d{{3}}|\d{{2}})(?!\d)",
        ),
        # March 15, 2024, Mar. 15 2024, August 3 , 2014
        (
            "mdy_name",
            rf"{_MON}[ \t]?(?P<d>\d{{1,2}}){_ORD}[ \t]?[,、。]?[ \t]?(?P<y>[12]\d{{3}})(?!\d)",
        ),
    )
)

# A year mentioned on its own (平成27年, 2024年) gives 同年 / 同N年 their context.
_YEAR_MENTION: Final = re.compile(
    rf"(?:(?P<era>{_ERA_NAME}){_S}{_EYEAR}|(?<!\d)(?P<y>[12]\d{{3}})(?!\d)){_S}年"
)


# ----------------------------------------------------------------------- validation


def _era_date(era: Era, era_year: int, month: int, day: int) -> date | None:
    """A date in ``era``, or None when it does not exist or falls outside the era."""
    if era_year < 1:
        return None
    try:
        d = date(era.first_day.year + era_year - 1, month, day)
    except ValueError:
        return None
    newer = ERAS.index(era) - 1
    if d < era.first_convertible or (newer >= 0 and d >= ERAS[newer].first_day):
        return None
    if d.year > WESTERN_YEARS[1]:  # R97.11.19 is an OCR error, not the year 2115
        return None
    return d


def _western_date(year: int, month: int, day: int) -> date | None:
    if not WESTERN_YEARS[0] <= year <= WESTERN_YEARS[1]:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _to_date(
    family: str,
    m: re.Match[str],
    context: tuple[Era | None, int] | None,
    day_first: bool | None = None,
) -> tuple[date | None, str, bool]:
    """(date or None, format family, whether an OCR 9/6 was read back as 0)."""
    g = m.groupdict()
    value, fmt = _read(family, g, context, day_first)
    if value is not None:
        return value, fmt, g.get("era") in ("K", "B") or g.get("day_mark") == "晶"
    if fmt != _AMBIGUOUS:
        fixed = {k: _unnine(k, v) for k, v in g.items()}
        if fixed != g:
            value, fmt = _read(family, fixed, context, day_first)
            return value, fmt, value is not None
    return value, fmt, False


def _unnine(key: str, value: str | None) -> str | None:
    """Tesseract's Japanese model reads a 0 as 9 or 6 (2018/01/95, 2025/94/93, 25/19/23,
    2019年62月6日, 2915年). Tried only on a number that is out of range on its own (month >
    12, day > 31, year 29xx), and only when exactly one single 9/6 → 0 change brings it in range;
    2023/02/29 stays impossible (29 is a day, just not in that February)."""
    if value is None or key not in _RANGES:
        return value
    digits = re.sub(r"\s", "", value)
    if not digits.isdigit():
        return value
    low, high = _RANGES[key]
    if low <= int(digits) <= high:
        return value
    spots = [i for i, c in enumerate(digits) if c in "96"]
    options = {digits[:i] + "0" + digits[i + 1 :] for i in spots}
    valid = {o for o in options if low <= int(o) <= high}
    return valid.pop() if len(valid) == 1 else value


_RANGES: Final = {
    "y": WESTERN_YEARS,
    "m": (1, 12),
    "d": (1, 31),
    "a": (1, 31),
    "b": (1, 31),
    "ey": (1, 64),  # no era lasted longer than 昭和 (64 years)
}


_NUMBER_KEYS: Final = frozenset({"y", "yy", "ey", "m", "d", "a", "b"})


def _read(
    family: str,
    g: dict[str, Any],  # Match.groupdict(): unmatched optional groups are None
    context: tuple[Era | None, int] | None,
    day_first: bool | None,
) -> tuple[date | None, str]:
    if family in ("wareki_kanji", "wareki_abbr"):
        ey, mo, dy = _to_int(g["ey"]), _to_int(g["m"]), _to_int(g["d"])
        if ey is None or mo is None or dy is None:
            return None, family
        return _era_date(_ERA_BY_KEY[g["era"].upper()], ey, mo, dy), family
    if family == "same_year":
        mo, dy = _to_int(g["m"]), _to_int(g["d"])
        if context is None or mo is None or dy is None:
            return None, family
        era, year = context
        if g["ey"] is None:  # 同年: the very year mentioned last
            return _western_date(year, mo, dy) if era is None else _era_date(
                era, year - era.first_day.year + 1, mo, dy
            ), family
        ey = _to_int(g["ey"])
        if era is None or ey is None:  # 同28年 needs an era
            return None, family
        return _era_date(era, ey, mo, dy), family
    if family == "ymd_kanji":
        y, mo, dy = _to_int(g["y"]), _to_int(g["m"]), _to_int(g["d"])
        if y is None or mo is None or dy is None:
            return None, family
        if len(re.sub(r"\s", "", g["y"])) == 2 and g["y"].isdigit():
            y += 2000
        return _western_date(y, mo, dy), family
    if family == "ymd_numeric":
        return _western_date(int(g["y"]), int(g["m"]), int(g["d"])), f"ymd_{_SEP_NAME[g['sep']]}"
    if family == "yy_slash":
        return _western_date(2000 + int(g["yy"]), int(g["m"]), int(g["d"])), family
    if family == "dmy_numeric":
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        sep = _SEP_NAME[g["sep"]]
        if g["sep"] == ".":
            return _western_date(y, b, a), "dmy_dot"
        if a > 12 or a == b:
            return _western_date(y, b, a), f"dmy_{sep}"
        if b > 12:
            return _western_date(y, a, b), f"mdy_{sep}"
        if day_first is None:
            return None, _AMBIGUOUS  # 03/04/2024: 3 April or March 4? see module docstring
        if day_first:
            return _western_date(y, b, a), f"dmy_{sep}"
        return _western_date(y, a, b), f"mdy_{sep}"
    if family in ("dmy_name", "mdy_name"):
        mo = _MONTHS[g["mon"].lower()]
        y = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
        return _western_date(y, mo, int(g["d"])), family
    raise AssertionError(family)


_SEP_NAME: Final = {"/": "slash", ".": "dot", "-": "dash"}
_AMBIGUOUS: Final = "ambiguous"


def _day_first(formats: list[str]) -> bool | None:
    """The order this document writes day and month in, if its other dates agree on one."""
    votes = {f.startswith("dmy") for f in formats if f[:3] in ("dmy", "mdy")}
    return votes.pop() if len(votes) == 1 else None


# ------------------------------------------------------------------------- public


def find_dates(text: str) -> list[FoundDate]:
    """Every date in free (OCR) text, in order of appearance, without overlaps.

    Offsets refer to ``text`` itself (before any normalisation). Where two readings
    overlap, the one starting first (then the longer) wins, and a span that looks like a
    date but is impossible (2月30日, 平成31年5月1日) yields nothing rather than a
    shorter reading of part of it. Phone numbers, prices, IMEIs and order numbers do
    not match (4-digit years, digit boundaries, no trailing ``-1234``).
    """
    norm, index = _normalise(text)
    view = _ocr_view(norm)
    candidates: list[tuple[int, int, str, re.Match[str]]] = []
    for family, pattern in _PATTERNS:
        for m in pattern.finditer(view):
            candidates.append((m.start(), m.end(), family, m))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    mentions = [(mm.start(), mm) for mm in _YEAR_MENTION.finditer(view)]  # for 同年 / 同N年

    chosen: list[tuple[int, int, str, re.Match[str]]] = []
    taken_until = -1
    for start, end, family, m in candidates:
        if start >= taken_until:
            chosen.append((start, end, family, m))
            taken_until = end

    readings = [
        (
            start,
            end,
            family,
            m,
            *_to_date(
                family, m, _context_before(mentions, start) if family == "same_year" else None
            ),
        )
        for start, end, family, m in chosen
    ]
    # 8-9-2022 next to 22-9-2022 on the same invoice is 8 September: a document keeps one
    # day/month order, so its unambiguous dates decide the ambiguous ones.
    day_first = _day_first([fmt for *_, value, fmt, _ in readings if value is not None])
    found: list[FoundDate] = []
    for start, end, family, m, value, fmt, repaired in readings:
        if fmt == _AMBIGUOUS and day_first is not None:
            value, fmt, repaired = _to_date(family, m, None, day_first)
        if value is None:
            continue
        o_start, o_end = index[start], index[end - 1] + 1
        found.append(
            FoundDate(
                date=value,
                start=o_start,
                end=o_end,
                text=text[o_start:o_end],
                format=fmt,
                ocr_corrected=repaired or view[start:end] != norm[start:end],
                weekday=_printed_weekday(m),
            )
        )
    return found


_WEEKDAY_EN: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _printed_weekday(m: re.Match[str]) -> int | None:
    """The weekday a date match carries ("(金)", "金曜日", "(Fri)"), 0 = Monday."""
    g = m.groupdict()
    ja = g.get("wd") or g.get("wd_long")
    if ja:
        return _WEEKDAY_JA.index(ja)
    if g.get("wd_en"):
        return _WEEKDAY_EN.index(g["wd_en"].lower())
    return None


def _context_before(
    mentions: list[tuple[int, re.Match[str]]], pos: int
) -> tuple[Era | None, int] | None:
    """(era or None, western year) of the last year mentioned before ``pos``."""
    for start, mm in reversed(mentions):
        if start >= pos:
            continue
        if mm.group("era"):
            era = _ERA_BY_KEY[mm.group("era")]
            ey = _to_int(mm.group("ey"))
            if ey is None:
                continue
            return era, era.first_day.year + ey - 1
        return None, int(mm.group("y"))
    return None


def parse_date(text: str) -> date | None:
    """The date written in ``text``, a field or cell holding one date (``2024/3/15``,
    ``令和6年3月15日(金)``, ``R6.3.15``, ``　２０２４年３月１５日　``, ``購入日: 2024-03-15``).

    None when the text holds no valid date, or several different ones (a range is not a
    purchase date), or only an ambiguous one (``03/04/2024``).
    """
    dates = {f.date for f in find_dates(text)}
    return dates.pop() if len(dates) == 1 else None


# ----------------------------------------------------------------------- rendering

_WEEKDAY_JA: Final = "月火水木金土日"


def _era_of(d: date) -> Era | None:
    for era in ERAS:
        if d >= era.first_day:
            return era if d >= era.first_convertible else None
    return None


def _int_to_kanji(n: int) -> str:
    """Positional kanji numeral for 1..99 (三十一, 十五, 二十)."""
    tens, ones = divmod(n, 10)
    digits = "〇一二三四五六七八九"
    return ("" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")) + (
        digits[ones] if ones else ""
    )


def _fullwidth(s: str) -> str:
    return s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _clock(d: date) -> tuple[int, int]:
    """A deterministic time of day for the *_time formats (any would do)."""
    n = d.toordinal()
    return 9 + n % 12, (n * 7) % 60


def _render(d: date, fmt: str) -> str:
    y, m, dd = d.year, d.month, d.day
    wd = _WEEKDAY_JA[d.weekday()]
    hh, mi = _clock(d)
    era = _era_of(d)
    ey = 0 if era is None else y - era.first_day.year + 1
    ey_ja = "元" if ey == 1 else str(ey)
    match fmt:
        case "ymd_kanji":
            return f"{y}年{m}月{dd}日"
        case "ymd_kanji_padded":
            return f"{y}年{m:02d}月{dd:02d}日"
        case "ymd_kanji_spaced":
            return f"{y}年{m:2d}月{dd:2d}日"
        case "ymd_kanji_weekday":
            return f"{y}年{m}月{dd}日({wd})"
        case "ymd_kanji_fullwidth":
            return _fullwidth(f"{y}年{m}月{dd}日")
        case "ymd_kanji_numerals":
            year = "".join("〇一二三四五六七八九"[int(c)] for c in str(y))
            return f"{year}年{_int_to_kanji(m)}月{_int_to_kanji(dd)}日"
        case "ymd_kanji_time":
            return f"{y}年{m}月{dd}日 {hh}時{mi:02d}分"
        case "ymd_slash":
            return f"{y}/{m}/{dd}"
        case "ymd_slash_padded":
            return f"{y}/{m:02d}/{dd:02d}"
        case "ymd_slash_time":
            return f"{y}/{m:02d}/{dd:02d} {hh:02d}:{mi:02d}"
        case "ymd_slash_weekday_time":
            return f"{y}/{m:02d}/{dd:02d}({wd}) {hh:02d}:{mi:02d}"
        case "ymd_dot":
            return f"{y}.{m:02d}.{dd:02d}"
        case "ymd_iso":
            return d.isoformat()
        case "yy_slash":
            return f"{y % 100:02d}/{m:02d}/{dd:02d}"
        case "yy_slash_apostrophe":
            return f"'{y % 100:02d}/{m:02d}/{dd:02d}"
        case "wareki_kanji" if era:
            return f"{era.name}{ey_ja}年{m}月{dd}日"
        case "wareki_kanji_padded" if era:
            return f"{era.name}{ey:02d}年{m:02d}月{dd:02d}日"
        case "wareki_kanji_weekday" if era:
            return f"{era.name}{ey_ja}年{m}月{dd}日({wd})"
        case "wareki_kanji_fullwidth" if era:
            return _fullwidth(f"{era.name}{ey_ja}年{m}月{dd}日")
        case "wareki_kanji_numerals" if era:
            year = "元" if ey == 1 else _int_to_kanji(ey)
            return f"{era.name}{year}年{_int_to_kanji(m)}月{_int_to_kanji(dd)}日"
        case "wareki_abbr_dot" if era:
            return f"{era.letter}{ey}.{m}.{dd}"
        case "wareki_abbr_dot_padded" if era:
            return f"{era.letter}{ey:02d}.{m:02d}.{dd:02d}"
        case "wareki_abbr_slash" if era:
            return f"{era.letter}{ey}/{m}/{dd}"
        case "dmy_en_short":
            return f"{dd} {d.strftime('%b')} {y}"
        case "dmy_en_long":
            return f"{dd} {d.strftime('%B')} {y}"
        case "mdy_en_short":
            return f"{d.strftime('%b')} {dd}, {y}"
        case "mdy_en_long":
            return f"{d.strftime('%B')} {dd}, {y}"
        case "dmy_dot":
            return f"{dd:02d}.{m:02d}.{y}"
        case "dmy_slash":
            return f"{dd:02d}/{m:02d}/{y}"
        case "mdy_slash":
            return f"{m:02d}/{dd:02d}/{y}"
    raise ValueError(f"cannot render {d.isoformat()} as {fmt!r}")


# Every format ``format_date`` renders and ``parse_date`` / ``find_dates`` read back.
FORMATS: Final[tuple[str, ...]] = (
    "ymd_kanji",  # 2024年3月15日
    "ymd_kanji_padded",  # 2024年03月15日
    "ymd_kanji_spaced",  # 2024年 3月15日 (fixed-width receipt printers)
    "ymd_kanji_weekday",  # 2024年3月15日(金)
    "ymd_kanji_fullwidth",  # ２０２４年３月１５日
    "ymd_kanji_numerals",  # 二〇二四年三月十五日
    "ymd_kanji_time",  # 2024年3月15日 14時32分
    "ymd_slash",  # 2024/3/15
    "ymd_slash_padded",  # 2024/03/15
    "ymd_slash_time",  # 2024/03/15 14:32
    "ymd_slash_weekday_time",  # 2024/03/15(金) 14:32
    "ymd_dot",  # 2024.03.15
    "ymd_iso",  # 2024-03-15
    "yy_slash",  # 24/03/15 (2000-2099)
    "yy_slash_apostrophe",  # '24/03/15 (2000-2099)
    "wareki_kanji",  # 令和6年3月15日, 令和元年5月1日
    "wareki_kanji_padded",  # 令和06年03月15日
    "wareki_kanji_weekday",  # 令和6年3月15日(金)
    "wareki_kanji_fullwidth",  # 令和６年３月１５日
    "wareki_kanji_numerals",  # 令和六年三月十五日, 平成三十一年四月三十日
    "wareki_abbr_dot",  # R6.3.15, H31.4.30
    "wareki_abbr_dot_padded",  # R06.03.15
    "wareki_abbr_slash",  # R6/3/15
    "dmy_en_short",  # 15 Mar 2024
    "dmy_en_long",  # 15 March 2024
    "mdy_en_short",  # Mar 15, 2024
    "mdy_en_long",  # March 15, 2024
    "dmy_dot",  # 15.03.2024
    "dmy_slash",  # 15/03/2024 (only when day > 12 or day == month)
    "mdy_slash",  # 03/15/2024 (only when day > 12 or day == month)
)


def can_format(d: date, fmt: str) -> bool:
    """True when ``format_date(d, fmt)`` exists and reads back unambiguously as ``d``."""
    if fmt not in FORMATS:
        return False
    if fmt.startswith("yy_"):
        return 2000 <= d.year <= 2099
    if fmt.startswith("wareki_"):
        return _era_of(d) is not None
    if fmt in ("dmy_slash", "mdy_slash"):
        return WESTERN_YEARS[0] <= d.year <= WESTERN_YEARS[1] and (d.day > 12 or d.day == d.month)
    return WESTERN_YEARS[0] <= d.year <= WESTERN_YEARS[1]


def format_date(d: date, fmt: str) -> str:
    """Render ``d`` in format ``fmt`` (one of ``FORMATS``); ValueError when it cannot
    be written that way unambiguously (see ``can_format``)."""
    if not can_format(d, fmt):
        raise ValueError(f"cannot render {d.isoformat()} as {fmt!r}")
    return _render(d, fmt)


# The earliest and latest dates any format covers (for generators and property tests).
DATE_RANGE: Final = (date(WESTERN_YEARS[0], 1, 1), date(WESTERN_YEARS[1], 12, 31))
