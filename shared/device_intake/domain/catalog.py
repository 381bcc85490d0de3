"""The model catalog: devices sold in Japan 2015–2026, their Japanese release dates, and
the names receipts, carrier contracts and subscribers use for them.

Data lives in ``domain/data/models.csv`` (one row per model, ``aliases`` separated by ``|``,
``source`` says where the release date came from; ``unverified: ...`` when nobody could
check it). See ``docs/catalog.md`` for how rows are sourced and how to add one.

Matching works on a *skeleton* of the text: NFKC-folded, lower-case, katakana product words
mapped to their Latin names (アイフォン → iphone), storage sizes / colours / carrier names
removed, everything but ASCII letters, digits and Japanese characters dropped, and the
OCR-confusable characters folded (o → 0, i/l → 1). An alias matches only where it starts
and ends on a token boundary of the original text, and when two aliases overlap the longer
one wins, so ``iPhone 15 Pro Max`` is never read as ``iPhone 15 Pro`` or ``iPhone 15``.
"""

from __future__ import annotations

import builtins
import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator


class DeviceCategory(StrEnum):
    """The ``device.category`` values of ``shared/spec/cli.md`` (the form's 種別)."""

    SMARTPHONE = "smartphone"
    FEATURE_PHONE = "feature_phone"
    TABLET = "tablet"
    LAPTOP = "laptop"
    DESKTOP_PC = "desktop_pc"
    ROUTER = "router"
    SMARTWATCH = "smartwatch"
    GAME_CONSOLE = "game_console"
    PORTABLE_GAME_CONSOLE = "portable_game_console"
    MUSIC_PLAYER = "music_player"
    WIRELESS_EARBUDS = "wireless_earbuds"
    MOBILE_DATA_DEVICE = "mobile_data_device"


class CatalogModel(BaseModel):
    """One device model as sold in Japan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    maker: str
    name: str  # canonical name, as the maker writes it
    category: DeviceCategory
    released_on: date  # the Japanese release date (発売日)
    aliases: tuple[str, ...] = ()
    source: str = ""  # where released_on comes from; "unverified: <why>" if nobody checked

    @field_validator("aliases", mode="before")
    @classmethod
    def _split_aliases(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(a.strip() for a in value.split("|") if a.strip())
        return value

    @property
    def verified(self) -> bool:
        """True when ``released_on`` was checked against a cited source."""
        return bool(self.source) and not self.source.startswith("unverified")

    def all_names(self) -> tuple[str, ...]:
        """Name, maker + name, and every alias (what the matcher indexes)."""
        names = [self.name]
        if not _fold(self.name).startswith(_fold(self.maker)):
            names.append(f"{self.maker} {self.name}")
        names.extend(self.aliases)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class CatalogMatch:
    """A catalog model found in a text: ``score`` 1.0 = the whole text is this model's name."""

    model: CatalogModel
    score: float
    matched_alias: str
    matched_text: str = ""  # the normalised text span that matched (for reviewers, never logged)


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Colour words printed after the model name (they never distinguish models). Katakana
# first, longest first, so that スターライト loses its ライト before ライト → lite runs.
_KATAKANA_COLOURS = sorted(
    [
        "ナチュラルチタニウム", "ブラックチタニウム", "ホワイトチタニウム", "ブルーチタニウム",
        "デザートチタニウム", "チタニウム", "スペースグレイ", "スペースグレー",
        "スペースブラック", "ミッドナイト", "スターライト", "ジェットブラック",
        "ローズゴールド", "プロダクトレッド", "シエラブルー", "アルパイングリーン",
        "パシフィックブルー", "ディープパープル", "グラファイト", "ウルトラマリン",
        "ファントムブラック", "ファントムホワイト", "ファントムシルバー", "ミスティック",
        "ライトブルー", "ライトピンク", "ライトグリーン", "ダークグリーン", "ダークブルー",
        "ネイビー", "ブラック", "ホワイト", "シルバー", "ゴールド", "ブルー", "レッド",
        "グリーン", "ピンク", "パープル", "イエロー", "グレー", "グレイ", "コーラル",
        "ラベンダー", "ミント", "オブシディアン", "ヘーゼル", "ポーセリン", "ティール",
        "ベージュ", "クリーム", "ブロンズ", "ブラウン", "オレンジ", "ライム", "アイスブルー",
        "アイシーブルー", "マリンブルー", "ミスティックブロンズ", "ターコイズ", "カッパー",
        "スカイブルー", "ディープブルー", "コズミックオレンジ", "クラウドホワイト",
        "ラベンダーミスト", "セージ", "ミストブルー", "ローズ", "ペオニー",
        "ウィンターグリーン",
    ],
    key=len,
    reverse=True,
)
_ENGLISH_COLOURS = (
    "black white silver gold blue red green pink purple yellow gray grey midnight starlight"
    " graphite titanium natural desert space sierra alpine pacific coral lavender mint"
    " obsidian hazel porcelain ultramarine teal phantom cream navy bronze orange rose"
    " jet product beige lime copper cosmic sage mist deep light dark sky"
)
_ENGLISH_COLOUR_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(_ENGLISH_COLOURS.split()) + r")(?![a-z0-9])"
)

# Katakana product words → Latin, longest first (アイフォーン before プロ).
_KATAKANA_WORDS = sorted(
    {
        "ニンテンドースイッチ": " nintendo switch ",
        "任天堂スイッチ": " nintendo switch ",
        "アイフォーン": " iphone ",
        "アイフォン": " iphone ",
        "アイパッド": " ipad ",
        "アイポッドタッチ": " ipod touch ",
        "アップルウォッチ": " apple watch ",
        "アップルウオッチ": " apple watch ",
        "エアーポッズ": " airpods ",
        "エアポッズ": " airpods ",
        "エアポッツ": " airpods ",
        "ギャラクシー": " galaxy ",
        "エクスペリア": " xperia ",
        "アクオス": " aquos ",
        "アローズ": " arrows ",
        "グーグルピクセル": " google pixel ",
        "ピクセル": " pixel ",
        "マックブック": " macbook ",
        "プレイステーション": " playstation ",
        "プレステ": " playstation ",
        "ウォークマン": " walkman ",
        "サーフェス": " surface ",
        "シリーズ": " series ",
        "プロマックス": " pro max ",
        "プロ": " pro ",
        "マックス": " max ",
        "プラス": " plus ",
        "ミニ": " mini ",
        "ウルトラ": " ultra ",
        "エアー": " air ",
        "エア": " air ",
        "ライト": " lite ",
        "スイッチ": " switch ",
        "センス": " sense ",
        "ウィッシュ": " wish ",
        "フリップ": " flip ",
        "フォールド": " fold ",
        "ウォッチ": " watch ",
        "エース": " ace ",
        "レッドミー": " redmi ",
        "シャオミ": " xiaomi ",
        "オッポ": " oppo ",
        "リノ": " reno ",
    }.items(),
    key=lambda kv: len(kv[0]),
    reverse=True,
)

_STORAGE_RE = re.compile(
    r"(?<![0-9])\d{1,4}\s*(?:gb|tb|ギガ(?:バイト)?|テラ(?:バイト)?)(?![a-z])"
)
_GENERATION_JA_RE = re.compile(r"第\s*(\d{1,2})\s*世代")
_GENERATION_EN_RE = re.compile(r"(?<![0-9])(\d{1,2})\s*(?:st|nd|rd|th)\s*gen(?:eration)?(?![a-z])")
_INCH_RE = re.compile(r"(\d{1,2}(?:\.\d)?)\s*(?:インチ|-?inch(?:es)?|型|″|\")")
# Words that describe a variant of the SAME model (connectivity, condition, carrier) and
# must not lower the match score. Only removed in match(), where the whole text is a name.
_NOISE_RE = re.compile(
    r"(?<![a-z0-9])(?:docomo|au|softbank|ymobile|y!mobile|uq|mobile|rakuten|ahamo|povo|linemo"
    r"|sim\s*free|wi-?fi|cellular|gps|model|chip|with|new|unlocked)(?![a-z0-9])"
    r"|ドコモ|ソフトバンク|ワイモバイル|楽天モバイル|ＳＩＭフリー|simフリー|sim フリー"
    r"|セルラー|モデル|チップ|搭載|新品|未使用|中古|本体|端末|機種名|機種|品名|商品名"
)

# Parts of a name that tell neighbours apart: iPhone 15 vs 15 Pro vs 15 Pro Max vs 15 Plus.
_VARIANT_WORDS = frozenset(
    {"pro", "max", "plus", "mini", "ultra", "lite", "fe", "xl", "se", "air", "fold", "flip"}
    | {"edge", "neo", "note", "a", "s", "e", "r", "c", "ii", "iii", "iv", "v", "vi", "vii"}
)

# OCR confusions folded on both sides of every comparison.
_CONFUSABLE = str.maketrans({"o": "0", "i": "1", "l": "1"})


def _base_normalize(text: str) -> str:
    """NFKC, lower case, katakana product words → Latin; keeps positions meaningful."""
    s = unicodedata.normalize("NFKC", text).lower()
    for word in _KATAKANA_COLOURS:
        if word in s:
            s = s.replace(word, " ")
    for word, latin in _KATAKANA_WORDS:
        if word in s:
            s = s.replace(word, latin)
    s = _ENGLISH_COLOUR_RE.sub(" ", s)
    s = _STORAGE_RE.sub(" ", s)
    s = _GENERATION_JA_RE.sub(r" \1gen ", s)
    s = _GENERATION_EN_RE.sub(r" \1gen ", s)
    s = _INCH_RE.sub(r"\1inch ", s)
    return s


def _char_class(ch: str) -> str:
    if "a" <= ch <= "z":
        return "L"
    if "0" <= ch <= "9":
        return "D"
    if ch == "\n":
        return "N"
    if ch.isalnum():  # kana, kanji: every position is a word boundary in Japanese
        return "J"
    return ""


@dataclass(slots=True)
class _Skeleton:
    """Folded comparable characters of a normalised text, with token-boundary flags."""

    chars: str
    boundary: list[bool]  # boundary[k]: a token boundary lies before chars[k] (len+1 entries)
    source: str  # the normalised text
    positions: list[int]  # chars[k] came from source[positions[k]]


def _skeleton(normalized: str) -> _Skeleton:
    chars: list[str] = []
    positions: list[int] = []
    classes: list[str] = []
    for i, ch in enumerate(normalized):
        cls = _char_class(ch)
        if cls:
            chars.append(ch)
            positions.append(i)
            classes.append(cls)
    boundary = [True] * (len(chars) + 1)
    for k in range(1, len(chars)):
        adjacent = positions[k] == positions[k - 1] + 1
        same_run = classes[k] == classes[k - 1] and classes[k] in ("L", "D")
        boundary[k] = not (adjacent and same_run)
    return _Skeleton("".join(chars).translate(_CONFUSABLE), boundary, normalized, positions)


def _fold(text: str) -> str:
    """The comparable form of a name (what aliases are indexed under)."""
    return _skeleton(_base_normalize(text)).chars.replace("\n", "")


def _tokens(normalized: str) -> list[str]:
    return re.findall(r"[a-z]+|[0-9]+", normalized)


def _is_variant_like(word: str) -> bool:
    if word in _VARIANT_WORDS:
        return True
    for v in _VARIANT_WORDS:
        if len(v) < 3:
            continue
        ratio = difflib.SequenceMatcher(None, word, v).ratio()
        # OCR garbles usually keep the first letter: "Mak"/"Mx" for Max, "Pr" for Pro.
        if ratio >= 0.75 or (ratio >= 0.66 and word[0] == v[0]):
            return True
    return False


# --------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------

_MAKER_SYNONYMS = {
    "apple": "Apple", "アップル": "Apple",
    "google": "Google", "グーグル": "Google",
    "samsung": "Samsung", "サムスン": "Samsung", "サムソン": "Samsung",
    "sony": "Sony", "ソニー": "Sony", "sonyericsson": "Sony",
    "sharp": "Sharp", "シャープ": "Sharp",
    "fcnt": "FCNT", "富士通": "FCNT", "fujitsu": "FCNT",
    "kyocera": "Kyocera", "京セラ": "Kyocera",
    "oppo": "OPPO", "オッポ": "OPPO",
    "xiaomi": "Xiaomi", "シャオミ": "Xiaomi", "小米": "Xiaomi",
    "nintendo": "Nintendo", "任天堂": "Nintendo",
    "sonyinteractiveentertainment": "Sony Interactive Entertainment",
    "microsoft": "Microsoft", "マイクロソフト": "Microsoft",
    "lenovo": "Lenovo", "レノボ": "Lenovo",
    "dynabook": "Dynabook", "ダイナブック": "Dynabook", "toshiba": "Dynabook", "東芝": "Dynabook",
    "vaio": "VAIO", "バイオ": "VAIO",
    "nec": "NEC", "日本電気": "NEC",
    "buffalo": "Buffalo", "バッファロー": "Buffalo",
    "zte": "ZTE", "huawei": "Huawei", "ファーウェイ": "Huawei",
    "hp": "HP", "hewlettpackard": "HP", "dell": "Dell", "デル": "Dell",
    "asus": "ASUS", "エイスース": "ASUS",
    "tp-link": "TP-Link", "tplink": "TP-Link",
}


def canonical_maker(maker: str) -> str:
    """A maker name as the catalog spells it (``アップル`` → ``Apple``); unknown names pass."""
    key = re.sub(r"[\s_.・,()（）]", "", unicodedata.normalize("NFKC", maker).lower())
    key = key.replace("株式会社", "").replace("(株)", "")
    return _MAKER_SYNONYMS.get(key, maker.strip())


@dataclass(frozen=True, slots=True)
class _Alias:
    model: CatalogModel
    text: str  # the alias as written
    key: str  # folded skeleton
    primary: bool  # the canonical name (or maker + name) rather than a code / nickname


@dataclass(slots=True)
class _Hit:
    alias: _Alias
    start: int  # skeleton index
    end: int


_MIN_KEY = 3  # shorter folded aliases would match noise


class ModelCatalog:
    """The device models of ``models.csv``, with a precomputed alias index.

    Build one with :meth:`load` (cached, the bundled data) or from any models (tests).
    """

    def __init__(self, models: Iterable[CatalogModel]) -> None:
        self._models: dict[str, CatalogModel] = {}
        for model in models:
            if model.id in self._models:
                raise ValueError(f"duplicate model id {model.id!r}")
            self._models[model.id] = model
        self._aliases: list[_Alias] = []
        self._by_key: dict[str, list[_Alias]] = {}
        self._by_prefix: dict[str, list[_Alias]] = {}
        for model in self._models.values():
            canonical = {_fold(model.name), _fold(f"{model.maker} {model.name}")}
            for text in model.all_names():
                key = _fold(text)
                if len(key) < _MIN_KEY:
                    continue
                alias = _Alias(model, text, key, key in canonical)
                self._aliases.append(alias)
                self._by_key.setdefault(key, []).append(alias)
                self._by_prefix.setdefault(key[:_MIN_KEY], []).append(alias)
        # Models whose name another model's name extends by more words (Pixel 10 Pro ->
        # Pixel 10 Pro XL, iPhone 15 -> iPhone 15 Plus).
        words = {m.id: m.name.casefold().split() for m in self._models.values()}
        self._extended = frozenset(
            a.id
            for a in self._models.values()
            for b in self._models.values()
            if a.maker == b.maker
            and len(words[b.id]) > len(words[a.id])
            and words[b.id][: len(words[a.id])] == words[a.id]
        )

    # ---- construction ----------------------------------------------------------------

    @classmethod
    def load(cls) -> ModelCatalog:
        """The bundled catalog (``domain/data/models.csv``), parsed once per process."""
        return _bundled_catalog()

    @classmethod
    def from_csv_text(cls, text: str) -> ModelCatalog:
        return cls(_parse_csv(text))

    # ---- lookups -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._models)

    def __iter__(self) -> Iterator[CatalogModel]:
        return iter(self._models.values())

    def get(self, model_id: str) -> CatalogModel | None:
        """The model with this id, or ``None``."""
        return self._models.get(model_id)

    def list(
        self, category: DeviceCategory | str | None = None, maker: str | None = None
    ) -> list[CatalogModel]:
        """Models, optionally of one category and/or maker, newest release first."""
        wanted_maker = canonical_maker(maker).casefold() if maker else None
        found = [
            m
            for m in self._models.values()
            if (category is None or m.category == category)
            and (wanted_maker is None or m.maker.casefold() == wanted_maker)
        ]
        return sorted(found, key=lambda m: (m.released_on, m.name), reverse=True)

    def makers(self, category: DeviceCategory | str | None = None) -> builtins.list[str]:
        """Makers with at least one model (of this category), alphabetically (the form's list)."""
        return sorted({m.maker for m in self.list(category)}, key=str.casefold)

    def alias_keys(self) -> dict[str, builtins.list[str]]:
        """Folded alias → ids of the models using it (tests check it has no collisions)."""
        return {key: sorted({a.model.id for a in aliases}) for key, aliases in self._by_key.items()}

    # ---- matching ----------------------------------------------------------------------

    def match(
        self,
        text: str,
        *,
        maker: str | None = None,
        category: DeviceCategory | str | None = None,
        min_score: float = 0.75,
    ) -> CatalogMatch | None:
        """The catalog model that ``text`` (one model name as typed or printed) names.

        Tolerates case, full-width forms, spacing, katakana names, storage sizes, colours,
        carrier and connectivity words and OCR confusions (0/O, 1/l/I). ``score`` is 1.0
        when the whole text is a name of the model, lower when other words surround it, and
        the result is ``None`` below ``min_score`` or when the text could equally name a
        neighbour (``iPhone 15 Pro Mx``).

        ``maker`` restricts the candidates (an unknown maker such as その他 restricts
        nothing). ``category`` is a preference: a model of that category wins, but when
        none matches, a model filed under another category is still returned — forms and
        the catalog may file a borderline device differently (Switch, Surface Pro, ガラホ)
        and the caller compares ``result.model.category`` itself.
        """
        if not text or not text.strip():
            return None
        if category is not None:
            preferred = self._match(text, self._filter(maker, category), min_score)
            if preferred is not None:
                return preferred
        return self._match(text, self._filter(maker, None), min_score)

    def _match(
        self, text: str, allowed: frozenset[str] | None, min_score: float
    ) -> CatalogMatch | None:
        normalized = _base_normalize(text)
        skeleton = _skeleton(normalized)
        hits = self._resolve(self._hits(skeleton, allowed))
        # Carrier / connectivity / packaging words do not count against the coverage.
        noise = {i for m in _NOISE_RE.finditer(normalized) for i in range(m.start(), m.end())}
        covered_by_hit = {k for h in hits for k in range(h.start, h.end)}
        total = sum(
            1
            for k, ch in enumerate(skeleton.chars)
            if ch != "\n" and (k in covered_by_hit or skeleton.positions[k] not in noise)
        )
        if total == 0:
            return None
        if hits:
            best = max(hits, key=lambda h: (h.end - h.start, h.alias.primary))
            if self._neighbour_ambiguity(skeleton, best):
                return None
            covered = sum(h.end - h.start for h in hits if h.alias.model.id == best.alias.model.id)
            others = {h.alias.model.id for h in hits} - {best.alias.model.id}
            coverage = min(covered / total, 1.0)
            score = 0.75 + 0.25 * coverage
            if others:  # two different models named in one "name": trust neither fully
                score -= 0.2
            result = self._make_match(best, skeleton, round(score, 3))
            return result if result.score >= min_score else None
        stripped = _NOISE_RE.sub(" ", normalized)
        fuzzy = self._fuzzy(stripped, _skeleton(stripped).chars.replace("\n", ""), allowed)
        return fuzzy if fuzzy is not None and fuzzy.score >= min_score else None

    def find_in_text(
        self,
        text: str,
        *,
        maker: str | None = None,
        category: DeviceCategory | str | None = None,
    ) -> builtins.list[CatalogMatch]:
        """Every catalog model named anywhere in ``text`` (OCR of a receipt), best first.

        One entry per model. A name next to a word that looks like a variant (``Pro``,
        ``Max``, ``Plus``…) it does not include scores 0.5: the text may name a neighbour
        the OCR garbled. Short aliases (model codes under 5 characters) score 0.8.
        """
        allowed = self._filter(maker, category)
        skeleton = _skeleton(_base_normalize(text))
        hits = self._resolve(self._hits(skeleton, allowed))
        best: dict[str, tuple[float, int, int, _Hit]] = {}
        for hit in hits:
            if self._neighbour_ambiguity(skeleton, hit) or self._accessory(skeleton, hit):
                score = 0.5
            elif len(hit.alias.key) < 5:
                score = 0.8
            else:
                score = 1.0 if hit.alias.primary or len(hit.alias.key) >= 6 else 0.9
            length = hit.end - hit.start
            current = best.get(hit.alias.model.id)
            if current is None or (score, length) > (current[0], current[1]):
                best[hit.alias.model.id] = (score, length, hit.start, hit)
        ranked = sorted(best.values(), key=lambda t: (-t[0], -t[1], t[2]))
        return [self._make_match(hit, skeleton, score) for score, _, _, hit in ranked]

    def same_model(self, a: str, b: str) -> bool:
        """True when two model names (declared vs printed on the proof) name the same model.

        Both must resolve to one catalog model; names the catalog does not know are compared
        by their folded form (so two spellings of an uncatalogued model still agree).
        """
        ma, mb = self.match(a), self.match(b)
        if ma is not None and mb is not None:
            return ma.model.id == mb.model.id
        if ma is not None or mb is not None:
            return False
        fa = _fold(_NOISE_RE.sub(" ", _base_normalize(a)))
        fb = _fold(_NOISE_RE.sub(" ", _base_normalize(b)))
        return bool(fa) and fa == fb

    # ---- internals ---------------------------------------------------------------------

    def _filter(
        self, maker: str | None, category: DeviceCategory | str | None
    ) -> frozenset[str] | None:
        if maker is None and category is None:
            return None
        wanted_maker = canonical_maker(maker).casefold() if maker else None
        if wanted_maker and wanted_maker not in {m.maker.casefold() for m in self}:
            wanted_maker = None  # "その他" or an uncatalogued maker: nothing to restrict by
        return frozenset(
            m.id
            for m in self
            if (category is None or m.category == category)
            and (wanted_maker is None or m.maker.casefold() == wanted_maker)
        )

    def _hits(
        self, skeleton: _Skeleton, allowed: frozenset[str] | None
    ) -> builtins.list[_Hit]:
        chars, boundary = skeleton.chars, skeleton.boundary
        hits: builtins.list[_Hit] = []
        for start in range(len(chars) - _MIN_KEY + 1):
            if not boundary[start]:
                continue
            for alias in self._by_prefix.get(chars[start : start + _MIN_KEY], ()):
                end = start + len(alias.key)
                if (
                    end <= len(chars)
                    and boundary[end]
                    and chars.startswith(alias.key, start)
                    and (allowed is None or alias.model.id in allowed)
                ):
                    hits.append(_Hit(alias, start, end))
        return hits

    @staticmethod
    def _resolve(hits: builtins.list[_Hit]) -> builtins.list[_Hit]:
        """Keep the longest of overlapping hits (a longer name contains its neighbours)."""
        hits.sort(key=lambda h: (-(h.end - h.start), not h.alias.primary, h.start))
        kept: builtins.list[_Hit] = []
        for hit in hits:
            if all(hit.end <= k.start or hit.start >= k.end for k in kept):
                kept.append(hit)
        return sorted(kept, key=lambda h: h.start)

    @staticmethod
    def _accessory(skeleton: _Skeleton, hit: _Hit) -> bool:
        """``iPhone 15用`` / ``for iPhone 15``: a case or film FOR the model, not the model."""
        after = skeleton.source[skeleton.positions[hit.end - 1] + 1 :].lstrip(" ")
        before = skeleton.source[: skeleton.positions[hit.start]].rstrip(" ()（")
        return after.startswith(_ACCESSORY_AFTER) or before.endswith(_ACCESSORY_BEFORE)

    def _neighbour_ambiguity(self, skeleton: _Skeleton, hit: _Hit) -> bool:
        """Is the word right after the hit a garbled variant word (``Pro Mx``, ``Plas``),
        or a lone glyph where a longer model has its variant word (``Pixel 10 Pro 氏``:
        the Japanese OCR model read the XL of a Pixel 10 Pro XL as one kanji)?"""
        if hit.end >= len(skeleton.positions):
            return False
        line_end = skeleton.source.find("\n", skeleton.positions[hit.end - 1])
        after = skeleton.source[skeleton.positions[hit.end - 1] + 1 :]
        if line_end != -1:
            after = skeleton.source[skeleton.positions[hit.end - 1] + 1 : line_end]
        if hit.alias.model.id in self._extended and _LONE_GLYPH.match(after):
            return True
        m = re.match(r"[\s()\-/・]*([a-z0-9]+)", after)
        if not m:
            return False
        word = m.group(1)
        glued = not after[:1].isspace() and after[:1] not in "()-/・"
        if not word.isalpha():
            return False
        if glued and len(word) <= 2:
            return True  # "Pixel 8a" with no 8a in the catalog: never call it a Pixel 8
        if len(word) == 1:
            return False  # a free-standing "a" / "s" is too common in receipts to distrust
        return _is_variant_like(word) and word not in _NOT_VARIANTS

    def _fuzzy(
        self, normalized: str, key: str, allowed: frozenset[str] | None
    ) -> CatalogMatch | None:
        """Typos in letters (``iPhnoe 15``): close aliases with the same digits and variants."""
        tokens = _tokens(normalized)
        digits = [t for t in tokens if t.isdigit()]
        variants = {t for t in tokens if t in _VARIANT_WORDS}
        if not digits or len(key) < 5:
            return None  # a model name without a number is too vague to guess at
        best: tuple[float, _Alias] | None = None
        runner_up = 0.0
        for alias in self._aliases:
            if allowed is not None and alias.model.id not in allowed:
                continue
            sm = difflib.SequenceMatcher(None, key, alias.key)
            if sm.real_quick_ratio() < 0.75 or sm.quick_ratio() < 0.75:
                continue
            ratio = sm.ratio()
            if ratio < 0.8:
                continue
            a_tokens = _tokens(_base_normalize(alias.text))
            if [t for t in a_tokens if t.isdigit()] != digits:
                continue
            if {t for t in a_tokens if t in _VARIANT_WORDS} != variants:
                continue
            if best is None or ratio > best[0]:
                if best is not None and best[1].model.id != alias.model.id:
                    runner_up = max(runner_up, best[0])
                best = (ratio, alias)
            elif alias.model.id != best[1].model.id:
                runner_up = max(runner_up, ratio)
        if best is None or best[0] - runner_up < 0.05:
            return None
        model, text = best[1].model, best[1].text
        return CatalogMatch(model, round(0.9 * best[0], 3), text, normalized.strip())

    @staticmethod
    def _make_match(hit: _Hit, skeleton: _Skeleton, score: float) -> CatalogMatch:
        span = skeleton.source[skeleton.positions[hit.start] : skeleton.positions[hit.end - 1] + 1]
        return CatalogMatch(hit.alias.model, score, hit.alias.text, span)


_ACCESSORY_AFTER = ("用", "対応", "専用", "ケース", "case", "カバー", "フィルム", "保護")
_ACCESSORY_BEFORE = ("for", "対応機種", "適合機種")

# One kana or kanji standing alone after a model name (a colour kanji is a real word).
_LONE_GLYPH = re.compile(
    r"\s*(?![白黒青赤緑紫金銀灰黄])[\u3040-\u30ff\u4e00-\u9fff](?=$|[\s(（\[【/])"
)

# Words after a model name that look like variants but are ordinary receipt words.
_NOT_VARIANTS = frozenset(
    {"case", "cover", "film", "care", "plan", "price", "set", "for", "new", "now", "per", "man"}
)


def _parse_csv(text: str) -> list[CatalogModel]:
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [CatalogModel.model_validate(row) for row in rows]


@lru_cache(maxsize=1)
def _bundled_catalog() -> ModelCatalog:
    text = resources.files("device_intake.domain").joinpath("data/models.csv").read_text("utf-8")
    return ModelCatalog.from_csv_text(text)
