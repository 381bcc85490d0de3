"""Maker / model hint from an IMEI's Type Allocation Code (its first 8 digits).

Backed by the Osmocom TAC database (``domain/data/tacdb.csv.gz``, the export gzipped,
CC BY-SA 3.0, (c) Harald Welte 2016 — see ``domain/data/TAC_ATTRIBUTION.md``). The database is
community-maintained and incomplete (about 22,500 TACs, few recent Japanese models), so a
lookup is a *hint* for reviewers ("declared Apple, TAC says Samsung"), never proof: a
missing TAC means nothing, and a maker disagreement is a reason to look, not to reject.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from device_intake.domain.catalog import canonical_maker
from device_intake.domain.imei import normalize_digits
from device_intake.domain.imei import tac as tac_of


@dataclass(frozen=True, slots=True)
class TacInfo:
    """What the TAC database says about one Type Allocation Code."""

    tac: str
    maker: str  # as the database spells it, e.g. "Apple", "Samsung", "Sony Ericsson"
    model: str
    aka: tuple[str, ...] = ()  # other names / model numbers listed for the same TAC


def lookup(imei: str) -> TacInfo | None:
    """The TAC database entry for an IMEI / IMEISV / bare 8-digit TAC, or ``None``.

    ``None`` when the input has no TAC (wrong length, not digits) or the TAC is not in the
    database — which is common for recent devices and says nothing about the IMEI.
    """
    digits = normalize_digits(imei)
    code = digits if len(digits) == 8 else tac_of(digits)
    if code is None or not code.isdigit() or len(code) != 8:
        return None
    return _table().get(code)


def maker_conflict(declared_maker: str, imei: str) -> TacInfo | None:
    """The TAC entry when it names a DIFFERENT maker than the declared one, else ``None``.

    For the reviewer queue: "declared Apple, TAC says Samsung". Unknown TACs never conflict.
    """
    info = lookup(imei)
    if info is None or not declared_maker.strip():
        return None
    if _maker_key(info.maker) == _maker_key(declared_maker):
        return None
    return info


def _maker_key(maker: str) -> str:
    # "Sony Ericsson" phones and Sony's own share a maker for this purpose.
    return canonical_maker(maker).casefold().replace(" ericsson", "").replace(" mobile", "")


def table_size() -> int:
    """How many TACs the bundled database holds."""
    return len(_table())


@lru_cache(maxsize=1)
def _table() -> dict[str, TacInfo]:
    # Loaded on first use only: most requests never need it and it is ~1.5 MB of text.
    raw = resources.files("device_intake.domain").joinpath("data/tacdb.csv.gz").read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader, None)  # attribution line ("Osmocom TAC database under CC-BY-SA v3.0 ...")
    next(reader, None)  # header: tac,name,name,contributor,comment,gsmarena,gsmarena,aka
    table: dict[str, TacInfo] = {}
    for row in reader:
        if len(row) < 3:
            continue
        code = row[0].strip()  # a few rows carry a leading space
        if len(code) != 8 or not code.isdigit():
            continue
        aka = tuple(a.strip() for a in row[7].split(",") if a.strip()) if len(row) > 7 else ()
        table[code] = TacInfo(code, row[1].strip(), row[2].strip(), aka)
    return table
