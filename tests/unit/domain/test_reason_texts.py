"""Every reason code has a Japanese title and action and an English reviewer line."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from device_intake.domain.reasons import ReasonCode, ReasonText, describe

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _raw() -> dict[str, dict[str, str]]:
    path = resources.files("device_intake.domain").joinpath("data", "reasons.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_has_all_three_texts(code):
    text = describe(code)
    assert isinstance(text, ReasonText)
    assert _JAPANESE.search(text.title_ja), code
    assert _JAPANESE.search(text.action_ja), code
    assert text.reviewer_en.isascii() and len(text.reviewer_en) > 10, code


def test_no_text_for_a_code_that_does_not_exist():
    assert set(_raw()) <= {c.value for c in ReasonCode}


def test_actions_are_polite_requests_or_waiting_notices():
    for code in ReasonCode:
        action = describe(code).action_ja
        assert re.search(r"(ください|お待ちください|いただけません|ご確認ください)。", action), code


def test_screenshot_action_says_to_use_another_device():
    action = describe(ReasonCode.SCREENSHOT).action_ja
    assert "スクリーンショット" in describe("SCREENSHOT").title_ja
    assert "別の端末で撮影" in action


def test_unknown_code_is_an_error():
    with pytest.raises(ValueError):
        describe("NOT_A_CODE")
