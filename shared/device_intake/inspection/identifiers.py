"""Reading IMEI / serial rows out of OCR lines of a settings screen.

Layouts covered (Japanese and English UIs):

- iOS 設定 → 一般 → 情報: label left, value right on the same row (``IMEI  35 209900 176148 1``).
- Android 端末情報 / 端末の状態: label on one line, value on the next
  (``IMEI (SIMスロット1)`` / ``352099001761481``).
- The ``*#06#`` dialog: ``IMEI1: …``, ``IMEI2: …``, ``MEID: …``, or a bare list of numbers.

EIDs (32 digits), IMEISVs (16 digits) and MEIDs (14 hex) are never taken as an IMEI.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from device_intake.domain.imei import find_imeis, is_valid_imei

RowKind = Literal["imei", "eid", "meid", "imeisv", "serial"]

# Label patterns, tried in order (more specific first). OCR often reads IMEI as "1MEI",
# "IME1", "lMEI", and small blurred text's M as N or V ("IVEI2", "IVEI SV"); we accept those.
_IMEI_WORD = r"[I1l|][MNV][E£][I1l|]"
_LABELS: list[tuple[RowKind, re.Pattern[str]]] = [
    ("imeisv", re.compile(rf"{_IMEI_WORD}\s*[-_ ]?\s*S\s*V", re.I)),
    ("eid", re.compile(r"(?<![A-Z])E\s*[I1l|]\s*D(?![A-Z])", re.I)),
    ("meid", re.compile(r"(?<![A-Z])M\s*E\s*[I1l|]\s*D(?![A-Z])", re.I)),
    ("imei", re.compile(_IMEI_WORD, re.I)),
    (
        "serial",
        re.compile(
            r"シ\s*リ\s*ア\s*ル|製\s*造\s*番\s*号|Serial\s*(?:Number|No\.?)?|S\s*/\s*N(?![A-Z])",
            re.I,
        ),
    ),
]

# What OCR puts where a digit belongs, in a value that is mostly digits.
_DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "L": "1",
        "!": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "b": "6",
        "g": "9",
        "q": "9",
        "T": "7",
        "A": "4",
    }
)
# Alternatives for a single misread digit, most likely first (seen on tesseract output).
DIGIT_CONFUSIONS: dict[str, str] = {
    "0": "869",
    "1": "7I4",
    "2": "7",
    "3": "8 9 5",
    "4": "1",
    "5": "6 3 8",
    "6": "5 8 0",
    "7": "1 2",
    "8": "3 6 0 9 B",
    "9": "8 0 3",
}


@dataclass(slots=True)
class Row:
    """A labelled row: the label kind, the value text, and where it came from."""

    kind: RowKind
    label_text: str
    value_text: str
    line_indexes: tuple[int, ...]  # OCR lines the label and value came from
    slot: int | None = None  # IMEI slot number (IMEI2 → 2)
    alternatives: list[str] = field(default_factory=list)  # more readings of the value


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def digits_of(value: str) -> str:
    """Digits of a value as OCR read it, with look-alike letters folded to digits.

    Only used on values already known to be numeric (IMEI rows), so that "35 2O99" → 352099.
    """
    folded = fold(value)
    # Keep only the first number group sequence: stop at a word that is clearly not digits.
    tokens = re.split(r"\s+", folded.strip())
    out = []
    for tok in tokens:
        if not tok or (len(tok) == 1 and not tok.isdigit()):
            continue  # a lone "|" or "l" is a row separator or cursor, not a digit
        mapped = tok.translate(_DIGIT_LOOKALIKES)
        mapped = re.sub(r"[-‐‑–—/.:,]", "", mapped)
        if mapped.isdigit():
            out.append(mapped)
        elif out:
            break  # the number ended
        elif sum(ch.isdigit() for ch in mapped) >= 0.6 * max(1, len(mapped)):
            out.append(re.sub(r"\D", "", mapped))
    return "".join(out)


def classify_label(text: str) -> tuple[RowKind, re.Match[str]] | None:
    folded = fold(text)
    for kind, pattern in _LABELS:
        m = pattern.search(folded)
        if m:
            # "IMEI" must start the line or follow a separator, not sit inside a word.
            return kind, m
    return None


_SLOT = re.compile(
    r"^\s*(?:[(（]?\s*(?:SIM\s*)?(?:スロット|slot)\s*([12])\s*[)）]?|([12])(?=\s*[:：]|\s+\d|\s*$))",
    re.I,
)


def _split_slot(tail: str) -> tuple[int | None, str]:
    """Split "2 35 209900 ..." / "(SIMスロット1)" / "1: ..." into (slot, value)."""
    m = _SLOT.match(tail)
    if not m:
        return None, tail
    slot = int(m.group(1) or m.group(2))
    rest = tail[m.end() :]
    if m.group(2) and sum(ch.isdigit() for ch in rest) < 14 and rest.strip():
        return None, tail  # the "digit" was the start of the value, not a slot number
    return slot, rest


def _value_after(text: str, match: re.Match[str]) -> tuple[int | None, str]:
    tail = fold(text)[match.end() :]
    slot, tail = _split_slot(tail)
    # Drop other "(...)" decorations between label and value.
    tail = re.sub(r"^\s*[(（][^)）]{0,14}[)）]", "", tail)
    return slot, tail.strip(" :：")


_LONG_DIGIT_RUN = re.compile(r"\d{18}")


def _looks_like_value(text: str, kind: RowKind) -> bool:
    folded = fold(text).strip()
    if not folded:
        return False
    if kind == "serial":
        return bool(re.search(r"[A-Z0-9]{5,}", folded.upper().replace(" ", "")))
    if kind == "imei" and _LONG_DIGIT_RUN.search(folded):
        # 18+ digits unbroken: an EID (32) read a line off, never an IMEI's value.
        return False
    return sum(ch.isdigit() for ch in folded) >= 6


def find_rows(lines: Sequence[str]) -> list[Row]:
    """Pair each label with its value (same line, else the next unlabelled line)."""
    rows: list[Row] = []
    labelled = [classify_label(t) for t in lines]
    for i, hit in enumerate(labelled):
        if hit is None:
            continue
        kind, match = hit
        text = lines[i]
        slot, value = _value_after(text, match)
        used: tuple[int, ...] = (i,)
        if not _looks_like_value(value, kind):
            # Android: the value is on the next line (skip one blank/noise line at most).
            for j in (i + 1, i + 2):
                if j < len(lines) and labelled[j] is None and _looks_like_value(lines[j], kind):
                    value = fold(lines[j]).strip()
                    used = (i, j)
                    break
        rows.append(Row(kind, match.group(0), value, used, slot if kind == "imei" else None))
    return rows


def imei_candidates(readings: Sequence[str]) -> tuple[str | None, str | None, bool]:
    """Pick an IMEI from several readings of one IMEI row.

    Returns ``(imei, fifteen_digits_seen, corrected)``: the Luhn-valid IMEI (or None), a
    15-digit string that was read but failed Luhn (for IMEI_CHECKSUM_INVALID), and whether
    a correction was needed. The only correction: a reading of 16 digits, none of 15, where
    dropping exactly one digit passes Luhn. A 15-digit number that fails is reported, never
    "repaired".
    """
    digit_strings = []
    for r in readings:
        # An exact 15-digit Luhn-valid run anywhere in a reading is the strongest evidence.
        for exact in find_imeis(fold(r)):
            return exact, exact, False
    for r in readings:
        d = digits_of(r)
        if len(d) in (15, 16, 17) and d not in digit_strings:
            digit_strings.append(d)
    fifteen = [d for d in digit_strings if len(d) == 15]
    # Majority first, then the rest.
    for d in fifteen:
        if is_valid_imei(d):
            return d, d, False
    if fifteen:
        # Fifteen digits read and none passes Luhn: reported as read. No digit is changed
        # to make one pass: Luhn "fixes" any single digit, so a number shown wrong on the
        # screen and misread once would become another phone's IMEI (1,615 dev fronts: 17
        # of 194 bad-check-digit fronts were "repaired", no good one needed it).
        return None, fifteen[0], False
    # No 15-digit reading, one of 16: an extra digit was hallucinated (e.g. a stray "1"
    # from a separator). Drop one digit if exactly one deletion makes a valid IMEI — but
    # never for an IMEISV row (the caller excludes those). 17 digits are not shortened.
    for d in digit_strings:
        if len(d) == 16:
            valid = {d[:k] + d[k + 1 :] for k in range(16) if is_valid_imei(d[:k] + d[k + 1 :])}
            if len(valid) == 1 and len(digit_strings) > 1:
                return valid.pop(), d, True
    return None, None, False


# Serials are 10-12 characters on Apple devices, 11 on Samsung's, 8 and more on others'.
# Shorter tokens are words of a misread label ("Serial Nusber 2" -> "NUSBER2").
_SERIAL_TOKEN = re.compile(r"[A-Z0-9]{8,20}")


def serial_from(value: str) -> str | None:
    """A serial number from a serial row's value text (upper-case, no spaces)."""
    folded = fold(value).upper()
    folded = re.sub(r"[\s\-]", "", folded)
    m = _SERIAL_TOKEN.search(folded)
    if not m:
        return None
    token = m.group(0)
    # A serial always has a digit or is long; "UNKNOWN"/"不明" are not serials.
    if token in {"UNKNOWN", "NONE"} or not any(ch.isdigit() for ch in token):
        return None
    return token
