"""IMEI / IMEISV handling: normalisation, Luhn check digit, finding IMEIs in free text.

An IMEI is 14 digits (TAC 8 + serial 6) plus a Luhn check digit. An IMEISV is the same 14
digits plus a 2-digit software version and has no check digit. Printed forms group the
digits (``35 209900 176148 1``, ``35-209900-176148-1``); full-width digits occur on
Japanese documents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―ー－/.]")
# A run of digits possibly broken by single separators, as printed on labels and screens.
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ \-‐‑‒–—―－/.]?\d){13,16}(?!\d)")


def normalize_digits(text: str) -> str:
    """NFKC-fold (full-width digits → ASCII) and drop the usual grouping separators."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def luhn_check_digit(first14: str) -> int:
    """The Luhn check digit for 14 IMEI digits."""
    if len(first14) != 14 or not first14.isdigit():
        raise ValueError("need exactly 14 digits")
    total = 0
    for i, ch in enumerate(first14):
        d = int(ch)
        if i % 2 == 1:  # every second digit from the left is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def is_valid_imei(value: str) -> bool:
    """True for 15 digits whose last digit is the Luhn check digit of the first 14."""
    digits = normalize_digits(value)
    return (
        len(digits) == 15
        and digits.isdigit()
        and luhn_check_digit(digits[:14]) == int(digits[14])
    )


def is_imeisv(value: str) -> bool:
    digits = normalize_digits(value)
    return len(digits) == 16 and digits.isdigit()


def tac(value: str) -> str | None:
    """Type Allocation Code (first 8 digits) of an IMEI or IMEISV."""
    digits = normalize_digits(value)
    return digits[:8] if len(digits) in (14, 15, 16) and digits.isdigit() else None


IdentifierKind = Literal["imei", "imeisv", "imei_bad_checksum", "serial"]


@dataclass(frozen=True, slots=True)
class DeviceIdentifier:
    """What a subscriber typed into the IMEI / シリアル番号 / 製造番号 field."""

    kind: IdentifierKind
    value: str  # normalised: digits only for IMEI forms, upper-case for serials

    @property
    def imei(self) -> str | None:
        """The 15-digit IMEI this identifier stands for (IMEISV → IMEI with a computed digit)."""
        if self.kind == "imei":
            return self.value
        if self.kind == "imeisv":
            body = self.value[:14]
            return body + str(luhn_check_digit(body))
        return None


_SERIAL = re.compile(r"^[A-Z0-9]{6,20}$")


def classify_identifier(raw: str) -> DeviceIdentifier | None:
    """Classify a typed identifier; ``None`` when it is neither an IMEI form nor a serial."""
    folded = unicodedata.normalize("NFKC", raw).strip()
    digits = _SEPARATORS.sub("", folded)
    if digits.isdigit():
        if len(digits) == 15:
            kind: IdentifierKind = "imei" if is_valid_imei(digits) else "imei_bad_checksum"
            return DeviceIdentifier(kind, digits)
        if len(digits) == 16:
            return DeviceIdentifier("imeisv", digits)
    serial = digits.upper()
    if _SERIAL.match(serial) and not serial.isdigit():
        return DeviceIdentifier("serial", serial)
    if serial.isdigit() and 6 <= len(serial) <= 20 and len(serial) not in (14, 15, 16):
        return DeviceIdentifier("serial", serial)  # some makers use numeric 製造番号
    return None


def find_imeis(text: str) -> list[str]:
    """Every Luhn-valid 15-digit IMEI in ``text`` (grouped forms allowed), in order, unique.

    A 16-digit run is read as an IMEISV and yields no IMEI (its last two digits are the
    software version, not a check digit). A label's digit separated by one space
    (``IMEI1 35 209900 176148 1``, ``IMEI 2 35…``) is not part of the number: a run whose
    first or last group has one or two digits is also tried without that group.
    """
    found: list[str] = []
    folded = unicodedata.normalize("NFKC", text)
    for match in _DIGIT_RUN.finditer(folded):
        run = match.group(0)
        digits = re.sub(r"\D", "", run)
        candidates = [digits]
        if len(digits) != 15:
            groups = re.split(r"\D+", run)
            if len(groups) > 1 and len(groups[0]) <= 2:
                candidates.append("".join(groups[1:]))
            if len(groups) > 1 and len(groups[-1]) <= 2:
                candidates.append("".join(groups[:-1]))
        for candidate in candidates:
            if len(candidate) == 15 and is_valid_imei(candidate):
                if candidate not in found:
                    found.append(candidate)
                break
    return found


def mask(imei: str | None) -> str:
    """A log-safe form: TAC and the last two digits only (never log a full IMEI)."""
    if not imei:
        return "-"
    digits = normalize_digits(imei)
    return f"{digits[:8]}*****{digits[-2:]}" if len(digits) >= 10 else "***"
