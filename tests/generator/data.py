"""Vocabulary for generated cases: TACs, IMEIs, serials, models, stores, dates, fonts.

Everything here is drawn from a ``random.Random`` handed in by the caller, so a seed fixes
the output. The dev and holdout splits draw from partly disjoint pools (fonts, screen
resolutions, device colours, backgrounds) so that a holdout score says something about
generalisation rather than memorised rendering details.
"""

from __future__ import annotations

import csv
import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from device_intake.domain.imei import luhn_check_digit

Split = Literal["dev", "holdout"]

REPO_ROOT = Path(__file__).resolve().parents[2]
TAC_DB = REPO_ROOT.parent / "shared" / "data" / "tac_osmocom" / "tacdb.csv"

FONT_DIR_GOTHIC = Path("/usr/share/fonts/opentype/ipafont-gothic")
FONT_DIR_MINCHO = Path("/usr/share/fonts/opentype/ipafont-mincho")
FONT_DIR_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# Japanese-capable fonts per split: holdout uses the proportional IPA faces dev never sees.
JP_FONTS: dict[str, dict[str, Path]] = {
    "dev": {
        "gothic": FONT_DIR_GOTHIC / "ipag.ttf",
        "mincho": FONT_DIR_MINCHO / "ipam.ttf",
    },
    "holdout": {
        "gothic": FONT_DIR_GOTHIC / "ipagp.ttf",
        "mincho": FONT_DIR_MINCHO / "ipamp.ttf",
    },
}
# Latin-only faces (digits on screens, monospace on receipts), also split.
LATIN_FONTS: dict[str, dict[str, Path]] = {
    "dev": {
        "sans": FONT_DIR_DEJAVU / "DejaVuSans.ttf",
        "sans_bold": FONT_DIR_DEJAVU / "DejaVuSans-Bold.ttf",
        "mono": FONT_DIR_DEJAVU / "DejaVuSansMono.ttf",
    },
    "holdout": {
        "sans": FONT_DIR_DEJAVU / "DejaVuSansCondensed.ttf",
        "sans_bold": FONT_DIR_DEJAVU / "DejaVuSansCondensed-Bold.ttf",
        "mono": FONT_DIR_DEJAVU / "DejaVuSansMono-Bold.ttf",
    },
}

# (width, height) of real device screens.
PHONE_SCREENS: dict[str, list[tuple[int, int]]] = {
    "dev": [(1179, 2556), (1170, 2532), (1080, 2400), (750, 1334), (1440, 3120)],
    "holdout": [(1284, 2778), (1080, 2340), (828, 1792)],
}
TABLET_SCREENS: dict[str, list[tuple[int, int]]] = {
    "dev": [(1640, 2360)],
    "holdout": [(2048, 2732)],
}

# Device body colours (RGB).
BODY_COLOURS: dict[str, list[tuple[int, int, int]]] = {
    "dev": [
        (30, 30, 32),
        (235, 235, 230),
        (200, 170, 140),
        (60, 80, 110),
        (180, 40, 50),
        (90, 110, 90),
        (240, 220, 200),
        (120, 120, 125),
    ],
    "holdout": [
        (70, 40, 110),
        (230, 200, 80),
        (40, 120, 140),
        (250, 190, 200),
        (15, 45, 40),
    ],
}
BACKGROUNDS: dict[str, list[str]] = {
    "dev": ["wood", "desk", "cloth", "hand"],
    "holdout": ["paper", "stone", "carpet"],
}


@functools.cache
def _tac_rows() -> tuple[tuple[str, str, str], ...]:
    makers = {
        "Apple",
        "Samsung",
        "Sony",
        "Sharp",
        "Google",
        "Huawei",
        "LG",
        "HTC",
        "Motorola",
        "Kyocera",
        "Fujitsu",
        "ZTE",
        "Xiaomi",
        "OnePlus",
        "Oppo",
        "Asus",
        "Sony Mobile",
    }
    rows: list[tuple[str, str, str]] = []
    with TAC_DB.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)  # licence line
        next(reader)  # header
        for row in reader:
            if len(row) >= 3 and len(row[0]) == 8 and row[0].isdigit() and row[1] in makers:
                rows.append((row[0], row[1], row[2]))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class TacEntry:
    tac: str
    maker: str
    name: str


def pick_tac(rng: random.Random, *, apple: bool | None = None) -> TacEntry:
    rows = _tac_rows()
    if apple is not None:
        rows = tuple(r for r in rows if (r[1] == "Apple") == apple)
    tac, maker, name = rng.choice(rows)
    return TacEntry(tac, maker, name)


def make_imei(rng: random.Random, tac: str) -> str:
    body = tac + "".join(rng.choice("0123456789") for _ in range(6))
    return body + str(luhn_check_digit(body))


def corrupt_check_digit(imei: str) -> str:
    good = int(imei[-1])
    return imei[:-1] + str((good + 1 + (good % 3)) % 10)


def make_serial(rng: random.Random, *, apple: bool) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    if apple:
        return "".join(rng.choice(alphabet) for _ in range(rng.choice([10, 12])))
    prefix = rng.choice(["R5C", "R58", "353", "FA7", "HT8", "CB5"])
    return prefix + "".join(rng.choice(alphabet) for _ in range(rng.choice([8, 9])))


def make_eid(rng: random.Random) -> str:
    return "89049032" + "".join(rng.choice("0123456789") for _ in range(24))


def make_meid(imei: str) -> str:
    return imei[:14]


def make_imeisv(imei: str, rng: random.Random) -> str:
    return imei[:14] + f"{rng.randint(1, 99):02d}"


def make_phone_number(rng: random.Random) -> str:
    return f"0{rng.choice(['70', '80', '90'])}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def group_imei(imei: str, style: str) -> str:
    """Print forms of an IMEI as seen on screens and documents."""
    if style == "apple":  # iOS 設定→一般→情報 shows "35 209900 176148 1"
        return f"{imei[:2]} {imei[2:8]} {imei[8:14]} {imei[14]}"
    if style == "dash":
        return f"{imei[:2]}-{imei[2:8]}-{imei[8:14]}-{imei[14]}"
    return imei


# --- models -------------------------------------------------------------------------------

# A snapshot of ``domain/data/models.csv`` (smartphones and tablets released 2019 or later,
# taken 2026-11-23). The generator draws from this fixed list, not from the live catalog,
# so that catalog additions and release-date corrections do not change generated cases;
# names no longer in the catalog are dropped so that labels always use catalog names.
MODELS: tuple[tuple[str, str, str, date], ...] = (
    ("Apple", "iPhone 11 Pro Max", "smartphone", date(2019, 9, 20)),
    ("Apple", "iPhone 11 Pro", "smartphone", date(2019, 9, 20)),
    ("Apple", "iPhone 11", "smartphone", date(2019, 9, 20)),
    ("Apple", "iPhone SE (第2世代)", "smartphone", date(2020, 4, 24)),
    ("Apple", "iPhone 12 Pro", "smartphone", date(2020, 10, 23)),
    ("Apple", "iPhone 12", "smartphone", date(2020, 10, 23)),
    ("Apple", "iPhone 12 mini", "smartphone", date(2020, 11, 13)),
    ("Apple", "iPhone 12 Pro Max", "smartphone", date(2020, 11, 13)),
    ("Apple", "iPhone 13 mini", "smartphone", date(2021, 9, 24)),
    ("Apple", "iPhone 13 Pro Max", "smartphone", date(2021, 9, 24)),
    ("Apple", "iPhone 13 Pro", "smartphone", date(2021, 9, 24)),
    ("Apple", "iPhone 13", "smartphone", date(2021, 9, 24)),
    ("Apple", "iPad mini (第6世代)", "tablet", date(2021, 9, 24)),
    ("Apple", "iPad (第9世代)", "tablet", date(2021, 9, 24)),
    ("Apple", "iPhone SE (第3世代)", "smartphone", date(2022, 3, 18)),
    ("Apple", "iPad Air (第5世代)", "tablet", date(2022, 3, 18)),
    ("Apple", "iPhone 14 Pro Max", "smartphone", date(2022, 9, 16)),
    ("Apple", "iPhone 14 Pro", "smartphone", date(2022, 9, 16)),
    ("Apple", "iPhone 14", "smartphone", date(2022, 9, 16)),
    ("Apple", "iPhone 14 Plus", "smartphone", date(2022, 10, 7)),
    ("Apple", "iPad Pro 12.9インチ (第6世代)", "tablet", date(2022, 10, 26)),
    ("Apple", "iPad Pro 11インチ (第4世代)", "tablet", date(2022, 10, 26)),
    ("Apple", "iPad (第10世代)", "tablet", date(2022, 10, 26)),
    ("Apple", "iPhone 15 Pro Max", "smartphone", date(2023, 9, 22)),
    ("Apple", "iPhone 15 Pro", "smartphone", date(2023, 9, 22)),
    ("Apple", "iPhone 15 Plus", "smartphone", date(2023, 9, 22)),
    ("Apple", "iPhone 15", "smartphone", date(2023, 9, 22)),
    ("Apple", "iPad Pro 13インチ (M4)", "tablet", date(2024, 5, 15)),
    ("Apple", "iPad Pro 11インチ (M4)", "tablet", date(2024, 5, 15)),
    ("Apple", "iPad Air 13インチ (M2)", "tablet", date(2024, 5, 15)),
    ("Apple", "iPad Air 11インチ (M2)", "tablet", date(2024, 5, 15)),
    ("Apple", "iPhone 16 Pro Max", "smartphone", date(2024, 9, 20)),
    ("Apple", "iPhone 16 Pro", "smartphone", date(2024, 9, 20)),
    ("Apple", "iPhone 16 Plus", "smartphone", date(2024, 9, 20)),
    ("Apple", "iPhone 16", "smartphone", date(2024, 9, 20)),
    ("Apple", "iPad mini (A17 Pro)", "tablet", date(2024, 10, 23)),
    ("Apple", "iPhone 16e", "smartphone", date(2025, 2, 28)),
    ("Apple", "iPhone Air", "smartphone", date(2025, 9, 19)),
    ("Apple", "iPhone 17 Pro Max", "smartphone", date(2025, 9, 19)),
    ("Apple", "iPhone 17 Pro", "smartphone", date(2025, 9, 19)),
    ("Apple", "iPhone 17", "smartphone", date(2025, 9, 19)),
    ("FCNT", "arrows We", "smartphone", date(2021, 12, 3)),
    ("Google", "Pixel 3a", "smartphone", date(2019, 5, 17)),
    ("Google", "Pixel 4", "smartphone", date(2019, 10, 24)),
    ("Google", "Pixel 4a", "smartphone", date(2020, 8, 20)),
    ("Google", "Pixel 5", "smartphone", date(2020, 10, 15)),
    ("Google", "Pixel 4a (5G)", "smartphone", date(2020, 10, 15)),
    ("Google", "Pixel 5a (5G)", "smartphone", date(2021, 8, 26)),
    ("Google", "Pixel 6 Pro", "smartphone", date(2021, 10, 28)),
    ("Google", "Pixel 6", "smartphone", date(2021, 10, 28)),
    ("Google", "Pixel 6a", "smartphone", date(2022, 7, 28)),
    ("Google", "Pixel 7 Pro", "smartphone", date(2022, 10, 13)),
    ("Google", "Pixel 7", "smartphone", date(2022, 10, 13)),
    ("Google", "Pixel 7a", "smartphone", date(2023, 5, 11)),
    ("Google", "Pixel Tablet", "tablet", date(2023, 6, 20)),
    ("Google", "Pixel Fold", "smartphone", date(2023, 7, 27)),
    ("Google", "Pixel 8 Pro", "smartphone", date(2023, 10, 12)),
    ("Google", "Pixel 8", "smartphone", date(2023, 10, 12)),
    ("Google", "Pixel 8a", "smartphone", date(2024, 5, 14)),
    ("Google", "Pixel 9 Pro XL", "smartphone", date(2024, 8, 22)),
    ("Google", "Pixel 9", "smartphone", date(2024, 8, 22)),
    ("Google", "Pixel 9 Pro Fold", "smartphone", date(2024, 9, 4)),
    ("Google", "Pixel 9 Pro", "smartphone", date(2024, 9, 4)),
    ("Google", "Pixel 9a", "smartphone", date(2025, 4, 16)),
    ("Google", "Pixel 10 Pro XL", "smartphone", date(2025, 8, 28)),
    ("Google", "Pixel 10 Pro", "smartphone", date(2025, 8, 28)),
    ("Google", "Pixel 10", "smartphone", date(2025, 8, 28)),
    ("Microsoft", "Surface Pro 9", "tablet", date(2022, 10, 25)),
    ("OPPO", "OPPO Reno7 A", "smartphone", date(2022, 6, 23)),
    ("OPPO", "OPPO Reno9 A", "smartphone", date(2023, 6, 22)),
    ("OPPO", "OPPO A79 5G", "smartphone", date(2024, 2, 16)),
    ("OPPO", "OPPO Reno11 A", "smartphone", date(2024, 6, 27)),
    ("Samsung", "Galaxy S21 5G", "smartphone", date(2021, 4, 22)),
    ("Samsung", "Galaxy S22 Ultra", "smartphone", date(2022, 4, 21)),
    ("Samsung", "Galaxy S22", "smartphone", date(2022, 4, 21)),
    ("Samsung", "Galaxy S23 Ultra", "smartphone", date(2023, 4, 20)),
    ("Samsung", "Galaxy S23", "smartphone", date(2023, 4, 20)),
    ("Samsung", "Galaxy A54 5G", "smartphone", date(2023, 5, 25)),
    ("Samsung", "Galaxy Z Fold5", "smartphone", date(2023, 9, 1)),
    ("Samsung", "Galaxy Z Flip5", "smartphone", date(2023, 9, 1)),
    ("Samsung", "Galaxy Tab S9", "tablet", date(2023, 10, 19)),
    ("Samsung", "Galaxy S24 Ultra", "smartphone", date(2024, 4, 11)),
    ("Samsung", "Galaxy S24", "smartphone", date(2024, 4, 11)),
    ("Samsung", "Galaxy A55 5G", "smartphone", date(2024, 5, 30)),
    ("Samsung", "Galaxy Z Fold6", "smartphone", date(2024, 7, 31)),
    ("Samsung", "Galaxy Z Flip6", "smartphone", date(2024, 7, 31)),
    ("Samsung", "Galaxy S25 Ultra", "smartphone", date(2025, 2, 14)),
    ("Samsung", "Galaxy S25", "smartphone", date(2025, 2, 14)),
    ("Sharp", "AQUOS sense6", "smartphone", date(2021, 11, 4)),
    ("Sharp", "AQUOS sense7", "smartphone", date(2022, 11, 11)),
    ("Sharp", "AQUOS wish3", "smartphone", date(2023, 7, 7)),
    ("Sharp", "AQUOS R8 pro", "smartphone", date(2023, 7, 20)),
    ("Sharp", "AQUOS sense8", "smartphone", date(2023, 11, 9)),
    ("Sharp", "AQUOS R9", "smartphone", date(2024, 7, 12)),
    ("Sony", "Xperia 1 II", "smartphone", date(2020, 5, 22)),
    ("Sony", "Xperia 10 II", "smartphone", date(2020, 6, 4)),
    ("Sony", "Xperia 10 III", "smartphone", date(2021, 6, 11)),
    ("Sony", "Xperia 1 III", "smartphone", date(2021, 7, 9)),
    ("Sony", "Xperia 5 III", "smartphone", date(2021, 11, 12)),
    ("Sony", "Xperia 1 IV", "smartphone", date(2022, 6, 3)),
    ("Sony", "Xperia Ace III", "smartphone", date(2022, 6, 10)),
    ("Sony", "Xperia 10 IV", "smartphone", date(2022, 7, 8)),
    ("Sony", "Xperia 5 IV", "smartphone", date(2022, 10, 21)),
    ("Sony", "Xperia 1 V", "smartphone", date(2023, 6, 16)),
    ("Sony", "Xperia 10 V", "smartphone", date(2023, 7, 6)),
    ("Sony", "Xperia 5 V", "smartphone", date(2023, 10, 13)),
    ("Sony", "Xperia 1 VI", "smartphone", date(2024, 6, 7)),
    ("Sony", "Xperia 10 VI", "smartphone", date(2024, 7, 5)),
    ("Xiaomi", "Redmi Note 10 JE", "smartphone", date(2021, 8, 13)),
    ("Xiaomi", "Xiaomi Pad 6", "tablet", date(2023, 7, 27)),
    ("Xiaomi", "Redmi 12 5G", "smartphone", date(2023, 10, 5)),
    ("Xiaomi", "Xiaomi 13T Pro", "smartphone", date(2023, 12, 8)),
    ("Xiaomi", "Redmi Note 13 Pro 5G", "smartphone", date(2024, 5, 16)),
    ("Xiaomi", "Xiaomi 14T Pro", "smartphone", date(2024, 11, 28)),
)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    maker: str
    name: str
    category: str
    released_on: date | None


@functools.cache
def _models() -> tuple[ModelInfo, ...]:
    snapshot = tuple(ModelInfo(*m) for m in MODELS)
    try:
        from device_intake.domain.catalog import ModelCatalog

        catalog = ModelCatalog.load()
        names = {m.name for cat in ("smartphone", "tablet") for m in catalog.list(category=cat)}
    except Exception:  # the catalog is another helper's module: keep the snapshot
        return snapshot
    kept = tuple(m for m in snapshot if m.name in names)
    return kept if len(kept) >= 10 else snapshot


def pick_model(rng: random.Random, *, maker: str | None = None) -> ModelInfo:
    models = _models()
    if maker is not None:
        same = [m for m in models if m.maker.lower() == maker.lower()]
        if same:
            return rng.choice(same)
    return rng.choice(models)


STORAGES = ["64GB", "128GB", "256GB", "512GB"]
COLOURS_JA = [
    "ブラック",
    "ホワイト",
    "ブルー",
    "ミッドナイト",
    "スターライト",
    "グリーン",
    "ピンク",
    "シルバー",
]


# --- stores -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Store:
    name: str  # as the label expects it
    kind: Literal["electronics", "carrier", "online", "apple"]
    carrier: str | None = None


STORES: tuple[Store, ...] = (
    Store("ヨドバシカメラ", "electronics"),
    Store("ビックカメラ", "electronics"),
    Store("ヤマダデンキ", "electronics"),
    Store("エディオン", "electronics"),
    Store("ケーズデンキ", "electronics"),
    Store("docomoショップ", "carrier", "docomo"),
    Store("auショップ", "carrier", "au"),
    Store("ソフトバンク", "carrier", "softbank"),
    Store("Apple Store", "apple"),
    Store("Amazon.co.jp", "online"),
)
BRANCHES = [
    "新宿西口店",
    "梅田店",
    "有楽町店",
    "札幌店",
    "博多店",
    "横浜店",
    "名古屋駅前店",
    "池袋本店",
]


# --- dates --------------------------------------------------------------------------------


def _to_fullwidth(s: str) -> str:
    return s.translate(str.maketrans("0123456789/.-", "０１２３４５６７８９／．－"))


_WEEKDAYS = "月火水木金土日"


def _era(d: date) -> tuple[str, str, int]:
    if d >= date(2019, 5, 1):
        return "令和", "R", d.year - 2018
    return "平成", "H", d.year - 1988


def _own_format(d: date, fmt: str) -> str:
    era, letter, ey = _era(d)
    table = {
        "kanji": f"{d.year}年{d.month}月{d.day}日",
        "kanji_pad": f"{d.year}年{d.month:02d}月{d.day:02d}日",
        "kanji_weekday": f"{d.year}年{d.month}月{d.day}日({_WEEKDAYS[d.weekday()]})",
        "slash": f"{d.year}/{d.month}/{d.day}",
        "slash_pad": f"{d.year}/{d.month:02d}/{d.day:02d}",
        "dot": f"{d.year}.{d.month:02d}.{d.day:02d}",
        "dash": f"{d.year}-{d.month:02d}-{d.day:02d}",
        "wareki": f"{era}{'元' if ey == 1 else ey}年{d.month}月{d.day}日",
        "wareki_short": f"{letter}{ey}.{d.month}.{d.day}",
        "fullwidth": _to_fullwidth(f"{d.year}年{d.month}月{d.day}日"),
        "yy_slash": f"'{d.year % 100:02d}/{d.month:02d}/{d.day:02d}",
        "slash_time": f"{d.year}/{d.month:02d}/{d.day:02d} {10 + d.day % 9}:{(d.day * 7) % 60:02d}",
    }
    return table[fmt]


OWN_DATE_FORMATS = (
    "kanji",
    "kanji_pad",
    "kanji_weekday",
    "slash",
    "slash_pad",
    "dot",
    "dash",
    "wareki",
    "wareki_short",
    "fullwidth",
    "yy_slash",
    "slash_time",
)


def _dates_module() -> Any | None:
    try:
        from device_intake.domain import dates
    except ImportError:  # helper "dates" owns the module; fall back while it lands
        return None
    return dates if hasattr(dates, "FORMATS") and hasattr(dates, "format_date") else None


# ``domain.dates.FORMATS`` as of 2026-11-23: a snapshot, so that a format added later does
# not reshuffle every generated proof (add it here deliberately to have it rendered).
DATE_FORMATS_SNAPSHOT: tuple[str, ...] = (
    "ymd_kanji",
    "ymd_kanji_padded",
    "ymd_kanji_spaced",
    "ymd_kanji_weekday",
    "ymd_kanji_fullwidth",
    "ymd_kanji_numerals",
    "ymd_kanji_time",
    "ymd_slash",
    "ymd_slash_padded",
    "ymd_slash_time",
    "ymd_slash_weekday_time",
    "ymd_dot",
    "ymd_iso",
    "yy_slash",
    "yy_slash_apostrophe",
    "wareki_kanji",
    "wareki_kanji_padded",
    "wareki_kanji_weekday",
    "wareki_kanji_fullwidth",
    "wareki_kanji_numerals",
    "wareki_abbr_dot",
    "wareki_abbr_dot_padded",
    "wareki_abbr_slash",
    "dmy_en_short",
    "dmy_en_long",
    "mdy_en_short",
    "mdy_en_long",
    "dmy_dot",
    "dmy_slash",
    "mdy_slash",
)


def date_formats() -> tuple[str, ...]:
    """Format ids of ``domain.dates`` (the snapshot's that still exist), else our own."""
    mod = _dates_module()
    if mod is None:
        return OWN_DATE_FORMATS
    kept = tuple(f for f in DATE_FORMATS_SNAPSHOT if f in mod.FORMATS)
    return kept or tuple(mod.FORMATS)


def pick_date_format(rng: random.Random, d: date) -> str:
    """A format that can write ``d`` unambiguously; Japanese forms three times as often."""
    formats = list(date_formats())
    mod = _dates_module()
    if mod is not None and hasattr(mod, "can_format"):
        formats = [f for f in formats if mod.can_format(d, f)]
    weighted = [f for f in formats for _ in range(1 if f[:3] in ("dmy", "mdy") else 3)]
    return rng.choice(weighted)


def format_date(d: date, fmt: str) -> str:
    """``d`` written as ``fmt``; a format that cannot write ``d`` falls back to YYYY/MM/DD."""
    mod = _dates_module()
    if mod is not None and fmt in mod.FORMATS:
        try:
            return str(mod.format_date(d, fmt))
        except ValueError:
            return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if fmt in OWN_DATE_FORMATS:
        return _own_format(d, fmt)
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
