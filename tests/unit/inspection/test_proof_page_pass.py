"""The proof page pass: Japanese model on the page, English model on its Latin words."""

from __future__ import annotations

import numpy as np
import pytest
from device_intake.inspection import proof
from device_intake.inspection.ocr import OcrLine, OcrWord, TesseractOcrEngine
from PIL import Image, ImageDraw, ImageFont

from tests.fakes.ocr import ocr_line

FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"


class _Split:
    """Reads ``機種名 iPhone1S`` with ``jpn``; with ``eng`` returns ``english`` over the ink it
    is given; ``jpn+eng`` reads the row right in one go. Records the languages asked for."""

    def __init__(self, english: str, confidence: float, name: str = "tesseract"):
        self.english = english
        self.confidence = confidence
        self.name = name
        self.langs: list[str] = []

    def read(self, image: np.ndarray, *, lang: str, psm: int = 6, **_: object) -> list[OcrLine]:
        self.langs.append(lang)
        if lang == "jpn":
            words = [("機種名", 20, 90), ("iPhone1S", 130, 160)]
            return [ocr_line(words, y=30, h=24, confidence=0.8)]
        if lang == "eng":
            cols = np.flatnonzero((image < 128).any(axis=0))
            box = (int(cols[0]), 0, int(cols[-1] - cols[0] + 1), image.shape[0])
            word = OcrWord(self.english, self.confidence, box)
            return [OcrLine(self.english, self.confidence, box, (word,))]
        return [ocr_line([("機種名", 20, 90), ("iPhone15", 130, 160)], y=30, h=24)]


def _page() -> np.ndarray:
    page = np.full((100, 400), 255, np.uint8)
    page[30:54, 20:110] = 0  # 機種名
    page[30:54, 130:290] = 0  # iPhone1S
    return page


def test_latin_words_are_read_again_in_english_and_kanji_left_alone() -> None:
    ocr = _Split("iPhone15", 0.85)
    lines = proof._read_page(ocr, _page())
    assert ocr.langs == ["jpn", "eng"]
    assert lines[0].text == "機種名 iPhone15"
    assert [w.text for w in lines[0].words] == ["機種名", "iPhone15"]
    assert lines[0].words[1].box == (130, 30, 160, 24)  # the page's box, not the strip's


def test_a_much_less_confident_english_reading_is_not_taken() -> None:
    lines = proof._read_page(_Split("lPhonels", 0.5), _page())
    assert lines[0].text == "機種名 iPhone1S"


@pytest.mark.parametrize(
    ("name", "split", "env"),
    [("tesseract", False, "on"), ("rapidocr", True, "on"), ("tesseract", True, "off")],
)
def test_joint_pass_for_blown_up_print_other_engines_and_when_turned_off(
    name: str, split: bool, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVICE_INTAKE_PROOF_SPLIT", env)
    ocr = _Split("iPhone15", 0.85, name=name)
    lines = proof._read_page(ocr, _page(), split=split)
    assert ocr.langs == ["jpn+eng"]
    assert lines[0].text == "機種名 iPhone15"


class _Recording(TesseractOcrEngine):
    def __init__(self) -> None:
        super().__init__()
        self.langs: list[str] = []

    def read(self, image: np.ndarray, **kwargs: object) -> list[OcrLine]:
        self.langs.append(str(kwargs.get("lang")))
        return super().read(image, **kwargs)  # type: ignore[arg-type]


def test_real_tesseract_reads_a_receipt_row_of_kanji_latin_and_digits() -> None:
    img = Image.new("L", (900, 180), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 30)
    draw.text((12, 14), "機種名 iPhone 15 Pro", font=font, fill=0)
    draw.text((12, 94), "製造番号 353166054852274", font=font, fill=0)
    ocr = _Recording()
    lines = proof._read_page(ocr, np.array(img))
    assert ocr.langs == ["jpn", "eng"]
    assert [line.text for line in lines] == ["機種名 iPhone 15 Pro", "製造番号 353166054852274"]


def _word(text: str, confidence: float) -> OcrWord:
    return OcrWord(text, confidence, (0, 0, 10, 10))


@pytest.mark.parametrize(
    ("japanese", "english", "wins"),
    [
        (("353166954852274", 0.92), ("353166054852274", 0.8), True),  # a number: English
        (("¥122,", 0.5), ("«689122,", 0.6), False),  # digits added: Japanese stays
        (("193,", 0.97), ("193)", 0.84), False),  # a number is replaced by a number only
        (("iPhone1S", 0.8), ("iPhone15", 0.75), True),  # within the margin
        (("Pone", 0.28), ("iPhone", 0.6), True),  # letters Japanese dropped
        (("39,200", 0.9), ("39,2000", 0.95), False),  # a digit added to a number
        (("56,02", 0.9), ("5602", 0.95), False),  # nor a separator dropped
        (("を", 0.5), ("€", 0.8), True),  # a symbol the Japanese model made kana
        (("名", 0.9), ("1", 0.95), False),  # but a kanji is not made a digit
        (("Galaxv", 0.8), ("Galaxy", 0.65), False),  # far less confident
    ],
)
def test_which_reading_of_a_latin_word_is_kept(
    japanese: tuple[str, float], english: tuple[str, float], wins: bool
) -> None:
    assert proof._english_wins(_word(*japanese), _word(*english)) is wins


def test_only_unsure_latin_words_numbers_and_symbols_in_latin_rows_are_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class _Page(_Split):
        def read(self, image: np.ndarray, *, lang: str, psm: int = 6, **_: object) -> list[OcrLine]:
            return [
                ocr_line([("iPhone", 10, 60), ("15", 80, 20), ("1", 110, 10)], y=0, h=20),
                ocr_line([("合計", 10, 40), ("122,100", 60, 70), ("円", 140, 20)], y=40, h=20),
                ocr_line([("Totaal", 10, 60), ("を", 80, 20), ("717,97", 110, 60)], y=80, h=20),
            ]

    picked: list[list[tuple[int, int, int, int]]] = []

    def spy(_engine: object, _image: object, boxes: list[tuple[int, int, int, int]], **_: object):
        picked.append(boxes)
        return [None] * len(boxes)

    monkeypatch.setattr(proof, "read_words", spy)
    proof._read_page(_Page("", 0.0), np.full((120, 200), 255, np.uint8))
    # Latin words read surely (0.9: "iPhone", "15", "Totaal") and a lone digit stay;
    # 122,100, 717,97 and the euro sign read as を go again; 円 in a Japanese row does not.
    assert picked == [[(60, 40, 70, 20), (80, 80, 20, 20), (110, 80, 60, 20)]]
