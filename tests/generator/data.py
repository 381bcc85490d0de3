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

# Fallback until ``device_intake.domain.catalog`` exists: (maker, name, category, released).
_FALLBACK_MODELS: tuple[tuple[str, str, str, date], ...] = (
    ("Apple", "iPhone 15", "smartphone", date(2023, 9, 22)),
    ("Apple", "iPhone 15 Pro", "smartphone", date(2023, 9, 22)),
    ("Apple", "iPhone 14", "smartphone", date(2022, 9, 16)),
    ("Apple", "iPhone 13 mini", "smartphone", date(2021, 9, 24)),
    ("Apple", "iPhone SE (第3世代)", "smartphone", date(2022, 3, 18)),
    ("Apple", "iPhone 16", "smartphone", date(2024, 9, 20)),
    ("Apple", "iPad Air (第5世代)", "tablet", date(2022, 3, 18)),
    ("Google", "Pixel 8", "smartphone", date(2023, 10, 12)),
    ("Google", "Pixel 7a", "smartphone", date(2023, 5, 11)),
    ("Samsung", "Galaxy S24", "smartphone", date(2024, 4, 11)),
    ("Samsung", "Galaxy A54 5G", "smartphone", date(2023, 5, 25)),
    ("Sony", "Xperia 10 V", "smartphone", date(2023, 7, 6)),
    ("Sony", "Xperia 1 V", "smartphone", date(2023, 6, 16)),
    ("Sharp", "AQUOS sense8", "smartphone", date(2023, 11, 9)),
    ("Sharp", "AQUOS wish3", "smartphone", date(2023, 7, 13)),
    ("Fujitsu", "arrows We", "smartphone", date(2021, 12, 3)),
    ("Kyocera", "TORQUE G06", "smartphone", date(2023, 10, 19)),
    ("OPPO", "OPPO Reno10 Pro 5G", "smartphone", date(2023, 10, 6)),
    ("Xiaomi", "Redmi Note 13 Pro 5G", "smartphone", date(2024, 5, 16)),
)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    maker: str
    name: str
    category: str
    released_on: date | None


@functools.cache
def _models() -> tuple[ModelInfo, ...]:
    try:
        from device_intake.domain.catalog import ModelCatalog

        catalog = ModelCatalog.load()
        found = [
            ModelInfo(m.maker, m.name, str(m.category), m.released_on)
            for cat in ("smartphone", "tablet")
            for m in catalog.list(category=cat)
        ]
        # Very old models make every proof fall outside a plan window; keep recent-ish ones.
        recent = [m for m in found if m.released_on is None or m.released_on.year >= 2018]
        if len(recent) >= 10:
            return tuple(sorted(recent, key=lambda m: (m.maker, m.name)))
    except Exception:  # the catalog is another helper's module; fall back while it lands
        pass
    return tuple(ModelInfo(*m) for m in _FALLBACK_MODELS)


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


def date_formats() -> tuple[str, ...]:
    """Format ids: ``domain.dates.FORMATS`` when helper "dates" provides it, else our own."""
    mod = _dates_module()
    return tuple(mod.FORMATS) if mod is not None else OWN_DATE_FORMATS


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
