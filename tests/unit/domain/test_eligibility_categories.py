"""Every category in and out, per plan, as the seeds list them."""

from __future__ import annotations

import pytest
from device_intake.domain.catalog import ModelCatalog
from device_intake.domain.plans import CATEGORIES
from domain_builders import (
    ENROLLED,
    FakeCatalog,
    back,
    front,
    make_facts,
    phone,
    photos,
    proof,
    run,
)

# Written from the seeds, not from the plan files, so a wrong data file fails here.
COVERED = {
    # 000 表: スマートフォン タブレット端末 スマートウォッチ モバイルゲーム機 モバイル音楽プレイヤー
    #        ノートパソコン (デスクトップ型PCは対象外)
    "keitai-support-plus": {
        "smartphone",
        "tablet",
        "smartwatch",
        "portable_game_console",
        "music_player",
        "laptop",
    },
    # 002 表: スマートフォン フィーチャーフォン タブレット端末 ノートパソコン
    #        デスクトップパソコン ルーター
    "vision-hikari": {
        "smartphone",
        "feature_phone",
        "tablet",
        "laptop",
        "desktop_pc",
        "router",
        "mobile_data_device",  # モバイルWi-Fiルーター: read as a ルーター (docs/domain.md)
    },
    # 001/003 別紙2 2.(1): スマートフォン、フィーチャーフォン、タブレット端末、ノートパソコン、
    #   ゲーム機、ルーター、スマートウォッチ、AirPods
    "smart-care-m": {
        "smartphone",
        "feature_phone",
        "tablet",
        "laptop",
        "game_console",
        "portable_game_console",
        "router",
        "mobile_data_device",
        "smartwatch",
        "wireless_earbuds",
    },
    # 004 第11条/第18条: フィーチャーフォン、モバイルデータ通信機器、スマートフォン、タブレット端末
    "mobile-anshin-value": {"smartphone", "tablet", "feature_phone", "mobile_data_device"},
}
COVERED["nap-mobile-anshin"] = COVERED["smart-care-m"]

MAV = {
    "carrier": "docomo",
    "contract_type": "new",
    "carrier_guarantee": True,
    "sold_by_operator": True,
}


def _decide(plan_id, category, maker="Apple"):
    extra = MAV if plan_id == "mobile-anshin-value" else {}
    model = phone(category=category, maker=maker)
    facts = make_facts(plan_id, category=category, maker=maker, after=True, **extra)
    return run(facts, [*photos(), proof(ENROLLED)], catalog=FakeCatalog(model))


@pytest.mark.parametrize("plan_id", sorted(COVERED))
@pytest.mark.parametrize("category", CATEGORIES)
def test_category_coverage_follows_the_seed(plan_id, category):
    decision = _decide(plan_id, category)
    if category in COVERED[plan_id]:
        assert decision.decision == "APPROVED", decision.checks
    else:
        assert decision.decision == "REJECTED"
        assert decision.reasons == ["CATEGORY_NOT_COVERED"]


@pytest.mark.parametrize("plan_id", ["smart-care-m", "nap-mobile-anshin"])
def test_only_airpods_among_wireless_earbuds(plan_id):
    assert _decide(plan_id, "wireless_earbuds", maker="Apple").decision == "APPROVED"
    other = _decide(plan_id, "wireless_earbuds", maker="Sony")
    assert other.decision == "REJECTED"
    assert other.reasons == ["CATEGORY_NOT_COVERED"]


def test_desktop_pc_is_excluded_from_keitai_support_plus():
    decision = _decide("keitai-support-plus", "desktop_pc")
    assert decision.reasons == ["CATEGORY_NOT_COVERED"]
    assert "desktop_pc" in decision.checks[0].detail


def test_uncovered_category_is_rejected_even_with_defective_photos():
    facts = make_facts("vision-hikari", category="smartwatch")
    decision = run(
        facts, [front(flags=("BLURRY",)), back()], catalog=FakeCatalog(phone(category="smartwatch"))
    )
    assert decision.decision == "REJECTED"
    assert decision.reasons == ["CATEGORY_NOT_COVERED", "BLURRY"]  # most severe first


def test_catalog_category_that_is_not_covered_goes_to_review():
    # Declared a smartphone, the catalog knows the model as a desktop PC (not covered by 000).
    catalog = FakeCatalog(phone(category="desktop_pc"))
    decision = run(make_facts(), photos(), catalog=catalog)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["DECLARATION_MISMATCH"]


def test_model_found_under_another_category_is_a_category_question_not_an_unknown_model():
    # Real catalog: an iPad declared as a smartphone (both covered by 000) is only noted.
    facts = make_facts(model="iPad Air (第5世代)", released_on=None, after=True)
    decision = run(
        facts, [*photos(), proof(ENROLLED, model_name=None)], catalog=ModelCatalog.load()
    )
    assert decision.model_id is not None
    assert "MODEL_NOT_IN_CATALOG" not in decision.reasons
    assert [c.outcome.value for c in decision.checks if c.rule == "model.category"] == ["info"]
