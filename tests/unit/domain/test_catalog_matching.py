"""Matching model names from receipts, carrier contracts and the form against the catalog."""

from __future__ import annotations

import pytest
from device_intake.domain.catalog import DeviceCategory, ModelCatalog


@pytest.fixture(scope="module")
def catalog() -> ModelCatalog:
    return ModelCatalog.load()


# (text as printed / typed / OCR'd, expected model id or None)
MATCH_CASES: list[tuple[str, str | None]] = [
    # iPhone neighbours with storage, colours, carriers
    ("iPhone 15 Pro 128GB ブラックチタニウム", "iphone-15-pro"),
    ("iPhone 15 128GB ブラック", "iphone-15"),
    ("iPhone 15 Pro Max 256GB ナチュラルチタニウム", "iphone-15-pro-max"),
    ("iPhone 15 Plus 512GB イエロー", "iphone-15-plus"),
    ("docomo iPhone 15 Pro 1TB White Titanium", "iphone-15-pro"),
    ("SoftBank iPhone 14 Plus 128GB (PRODUCT)RED", "iphone-14-plus"),
    ("au iPhone 14 Pro Max 256GB ディープパープル", "iphone-14-pro-max"),
    ("iPhone 13 mini 128GB ミッドナイト", "iphone-13-mini"),
    ("iPhone SE (第3世代) 64GB スターライト", "iphone-se-3"),
    ("iPhone SE 第2世代 64GB", "iphone-se-2"),
    # Japanese, full-width, spacing
    ("アイフォン15プロ", "iphone-15-pro"),
    ("アイフォーン 15 プロ マックス", "iphone-15-pro-max"),
    ("ｉＰｈｏｎｅ１５　Ｐｌｕｓ", "iphone-15-plus"),
    ("iphone15pro", "iphone-15-pro"),
    ("IPHONE 16 PRO MAX", "iphone-16-pro-max"),
    ("iPhone 16e 128GB", "iphone-16e"),
    # OCR confusions (0/O, 1/l/I)
    ("iPhone l5 Pr0", "iphone-15-pro"),
    ("iPhone I4 Plus", "iphone-14-plus"),
    ("Pixe1 8a", "pixel-8a"),
    ("Xperia 1O V", "xperia-10-v"),
    # typos in letters
    ("iPhnoe 15 Pro", "iphone-15-pro"),
    # Apple model numbers and carrier model codes
    ("A3102", "iphone-15-pro"),
    ("A2846", "iphone-15"),
    ("SO-51D", "xperia-1-v"),
    ("SO51D", "xperia-1-v"),
    ("SOG07", "xperia-10-iv"),
    ("A301SO", "xperia-1-v"),
    ("SHG11", "aquos-sense8"),
    ("SC-51E", "galaxy-s24"),
    ("ＳＣ－５２Ｄ", "galaxy-s23-ultra"),
    # Pixel neighbours
    ("Google Pixel 8", "pixel-8"),
    ("Pixel 8a 128GB Bay", "pixel-8a"),
    ("Pixel 8 Pro 256GB Obsidian", "pixel-8-pro"),
    ("Pixel 4a (5G)", "pixel-4a-5g"),
    ("Pixel 4a", "pixel-4a"),
    # Galaxy neighbours
    ("Galaxy S23 SC-51D", "galaxy-s23"),
    ("Galaxy S23 Ultra SC-52D ファントムブラック", "galaxy-s23-ultra"),
    ("ギャラクシー S24 ウルトラ", "galaxy-s24-ultra"),
    # Xperia neighbours
    ("Xperia 10 V", "xperia-10-v"),
    ("Xperia 1 V", "xperia-1-v"),
    ("Xperia 1 VI", "xperia-1-vi"),
    ("Xperia 10 Ⅳ SOG07", "xperia-10-iv"),
    # other categories
    ("iPad 第10世代 Wi-Fi 64GB", "ipad-10"),
    ("Nintendo Switch（有機ELモデル）", "nintendo-switch-oled"),
    ("Nintendo Switch Lite", "nintendo-switch-lite"),
    ("ニンテンドースイッチ", "nintendo-switch"),
    ("MacBook Air 13インチ M2", "macbook-air-m2-13"),
    ("PlayStation 5 Pro CFI-7000B01", "playstation-5-pro"),
    # not a catalog model, or ambiguous between neighbours
    ("iPhone SE", None),  # which generation? never guess (release dates differ by 6 years)
    ("iPhone 15 Pro Mx", None),  # Pro or Pro Max: the garbled word decides
    ("Pixel 8 Pr", None),
    ("Galaxy S23 Ultr", None),
    ("iPhone 3G", None),
    ("領収書 合計 ¥12,800", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), MATCH_CASES)
def test_match_finds_the_named_model_and_never_a_neighbour(
    catalog: ModelCatalog, text: str, expected: str | None
) -> None:
    found = catalog.match(text)
    assert (found.model.id if found else None) == expected


def test_a_clean_name_scores_one_and_surrounding_words_score_lower(catalog: ModelCatalog) -> None:
    exact = catalog.match("iPhone 15 Pro")
    noisy = catalog.match("iPhone 15 Pro 下取りプログラム適用")
    assert exact is not None and exact.score == 1.0
    assert noisy is not None and noisy.model.id == "iphone-15-pro" and noisy.score < 1.0


def test_match_restricted_to_a_maker_ignores_other_makers(catalog: ModelCatalog) -> None:
    assert catalog.match("Galaxy S23", maker="Apple") is None
    assert catalog.match("Galaxy S23", maker="サムスン") is not None
    # "その他" is not a catalog maker: it restricts nothing
    assert catalog.match("Galaxy S23", maker="その他") is not None


def test_category_is_a_preference_so_borderline_devices_still_resolve(
    catalog: ModelCatalog,
) -> None:
    # A subscriber may file a Switch as a home console; the caller compares categories.
    found = catalog.match("Nintendo Switch", category=DeviceCategory.GAME_CONSOLE)
    assert found is not None and found.model.id == "nintendo-switch"
    assert found.model.category == DeviceCategory.PORTABLE_GAME_CONSOLE
    assert catalog.match("iPhone 15", category="smartphone") is not None


RECEIPT = """\
ヨドバシカメラ マルチメディア梅田
領収書
2024年03月15日 14:32
-----------------------------
アップル iPhone 15 Pro Max 256GB
  ナチュラルチタニウム MU6R3J/A
  IMEI 35 209900 176148 1
iPhone 15 Pro Max用 ケース      ¥4,980
保護フィルム                    ¥2,480
合計                         ¥196,240
"""


def test_find_in_text_puts_the_device_first_and_distrusts_accessories(
    catalog: ModelCatalog,
) -> None:
    found = catalog.find_in_text(RECEIPT)
    assert [m.model.id for m in found] == ["iphone-15-pro-max"]
    assert found[0].score == 1.0


def test_find_in_text_reports_each_model_once_best_first(catalog: ModelCatalog) -> None:
    text = "機種変更\n旧機種: iPhone 12 (A2402)\n新機種: Xperia 10 V SO-52D\nXperia 10 V 本体"
    ids = [m.model.id for m in catalog.find_in_text(text)]
    assert sorted(ids) == ["iphone-12", "xperia-10-v"]
    assert len(ids) == len(set(ids))


def test_find_in_text_does_not_join_words_across_lines(catalog: ModelCatalog) -> None:
    found = catalog.find_in_text("iPhone 15\nPro-rated fee")
    assert [m.model.id for m in found] == ["iphone-15"]


def test_find_in_text_flags_a_name_next_to_a_garbled_variant(catalog: ModelCatalog) -> None:
    found = catalog.find_in_text("品名 iPhone 15 Pro Mak 256GB")
    assert found and found[0].model.id == "iphone-15-pro" and found[0].score <= 0.5


@pytest.mark.parametrize(
    ("text", "model_id", "doubtful"),
    [
        # The Japanese OCR model read "XL" as one kanji: could be a Pixel 10 Pro XL.
        ("機種名 Pixel 10 Pro 氏 (スターライト) 512GB", "pixel-10-pro", True),
        ("機種名 Pixel 10 Pro XL (スターライト) 512GB", "pixel-10-pro-xl", False),
        ("機種名 Pixel 10 Pro (スターライト) 512GB", "pixel-10-pro", False),
        # No longer model to mistake it for, or a real word after the name.
        ("機種名 Pixel 10 Pro XL 氏 512GB", "pixel-10-pro-xl", False),
        ("商品名 iPhone 15 Pro 白 256GB", "iphone-15-pro", False),
        ("商品名 iPhone 15 Pro 本体 256GB", "iphone-15-pro", False),
    ],
)
def test_find_in_text_doubts_a_lone_glyph_where_a_variant_word_could_be(
    catalog: ModelCatalog, text: str, model_id: str, doubtful: bool
) -> None:
    top = catalog.find_in_text(text)[0]
    assert top.model.id == model_id
    assert (top.score <= 0.5) is doubtful


def test_find_in_text_handles_ocr_noise(catalog: ModelCatalog) -> None:
    text = "ご契約内容\n機種名:  SO-51D  (Xperia l V)\n製造番号 ...\n|| ~~ ;; ＊＊"
    assert catalog.find_in_text(text)[0].model.id == "xperia-1-v"


def test_find_in_text_on_a_long_receipt_returns_nothing_for_unknown_goods(
    catalog: ModelCatalog,
) -> None:
    text = "スーパーマーケット\n牛乳 ¥198\nパン ¥150\n" * 100
    assert catalog.find_in_text(text) == []


@pytest.mark.parametrize(
    ("declared", "printed", "same"),
    [
        ("iPhone 15", "iPhone 15 128GB ピンク", True),
        ("iPhone 15", "iPhone 15 Pro 128GB", False),
        ("Xperia 1 V", "SO-51D", True),
        ("Xperia 10 V", "Xperia 1 V", False),
        ("Pixel 8", "Google Pixel 8a", False),
        ("Galaxy S23", "SC-51D", True),
        ("Galaxy S23", "Galaxy S23 Ultra", False),
        ("らくらくホン F-99Z", "らくらくホン f-99z", True),  # not in the catalog: folded compare
        ("iPhone 15", "らくらくホン F-99Z", False),
    ],
)
def test_same_model_compares_declared_and_printed_names(
    catalog: ModelCatalog, declared: str, printed: str, same: bool
) -> None:
    assert catalog.same_model(declared, printed) is same
