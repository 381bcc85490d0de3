"""mobile-anshin-value (seed 004): the line and the shop, not the device's age, decide.

第5条2: 当社（当社の指定する代理店を含みます。）が販売した、
  契約者回線に接続されている携帯電話に限ります。
第6条2(1): 移動体通信事業者の提供する携帯電話を新規契約または機種変更により…
  回線利用契約を締結していること
第6条2(2): 移動体通信事業者が提供する、各保証サービスに入会していること
第2条(2): ソフトバンク株式会社・KDDI 株式会社・株式会社NTT ドコモ
"""

from __future__ import annotations

from datetime import date

import pytest
from device_intake.domain import eligibility
from device_intake.domain.plans import load_plan
from domain_builders import ENROLLED, FakeCatalog, back, front, make_facts, phone, proof, run

PLAN = "mobile-anshin-value"
GOOD = {
    "carrier": "docomo",
    "contract_type": "model_change",
    "carrier_guarantee": True,
    "sold_by_operator": True,
}


def _decide(*, carrier_on_proof=None, today=date(2025, 4, 12), **changes):
    answers = {**GOOD, **changes}
    facts = make_facts(PLAN, after=True, **answers)
    docs = [front(), back(), proof(ENROLLED, carrier=carrier_on_proof)]
    return run(facts, docs, today=today)


def test_all_conditions_met_is_approved_from_the_approval_date():
    decision = _decide(today=date(2025, 4, 12))
    assert decision.decision == "APPROVED"
    assert decision.coverage_starts_on == date(2025, 4, 12)
    assert decision.limits.theft_loss_max_jpy == 5_500


@pytest.mark.parametrize(
    "carrier", ["docomo", "au", "softbank", "NTTドコモ", "KDDI", "ＳｏｆｔＢａｎｋ", "ワイモバイル"]
)
def test_the_three_carriers_in_any_spelling_are_accepted(carrier):
    assert _decide(carrier=carrier).decision == "APPROVED"


@pytest.mark.parametrize("carrier", ["rakuten", "楽天モバイル", "IIJmio", "mineo"])
def test_other_carriers_are_rejected(carrier):
    decision = _decide(carrier=carrier)
    assert decision.decision == "REJECTED"
    assert decision.reasons == ["CARRIER_NOT_COVERED"]


@pytest.mark.parametrize("contract_type", ["new", "model_change", "mnp"])
def test_new_contract_model_change_and_mnp_are_accepted(contract_type):
    # MNP転入 is a new line contract with the receiving carrier (docs/domain.md).
    assert _decide(contract_type=contract_type).decision == "APPROVED"


def test_mnp_can_be_excluded_by_the_plan_data():
    plan = load_plan(PLAN)
    strict = plan.model_copy(
        update={
            "carrier_conditions": plan.carrier_conditions.model_copy(
                update={"accepted_contract_types": ["new", "model_change"]}
            )
        }
    )
    facts = make_facts(PLAN, after=True, **{**GOOD, "contract_type": "mnp"})
    decision = eligibility.decide(
        facts,
        [front(), back(), proof(ENROLLED)],
        plan=strict,
        today=ENROLLED,
        catalog=FakeCatalog(phone()),
    )
    assert decision.decision == "REJECTED"
    assert decision.reasons == ["CONTRACT_TYPE_NOT_COVERED"]


def test_without_the_carrier_guarantee_service_it_is_rejected():
    decision = _decide(carrier_guarantee=False)
    assert decision.decision == "REJECTED"
    assert decision.reasons == ["CARRIER_GUARANTEE_REQUIRED"]


def test_a_phone_not_sold_by_the_operator_is_rejected():
    decision = _decide(sold_by_operator=False)
    assert decision.decision == "REJECTED"
    assert decision.reasons == ["NOT_SOLD_BY_OPERATOR"]


def test_every_failed_condition_is_reported():
    decision = _decide(carrier="rakuten", carrier_guarantee=False, sold_by_operator=False)
    assert decision.reasons == [
        "CARRIER_NOT_COVERED",
        "CARRIER_GUARANTEE_REQUIRED",
        "NOT_SOLD_BY_OPERATOR",
    ]


@pytest.mark.parametrize(
    "missing", ["carrier", "contract_type", "carrier_guarantee", "sold_by_operator"]
)
def test_an_unanswered_condition_needs_resubmission(missing):
    decision = _decide(**{missing: None})
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["DECLARATION_INCOMPLETE"]


def test_proof_from_another_carrier_goes_to_review():
    decision = _decide(carrier_on_proof="au")
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["DECLARATION_MISMATCH"]


def test_proof_from_the_declared_carrier_passes():
    assert _decide(carrier_on_proof="NTTドコモ").decision == "APPROVED"


def test_proof_is_required_with_both_photos():
    facts = make_facts(PLAN, after=True, **GOOD)
    decision = run(facts, [front(), back()])
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["DOCUMENT_MISSING"]


@pytest.mark.parametrize(
    ("declared", "on_proof"),
    [
        ("au", "uq"),
        ("UQモバイル", "KDDI"),
        ("docomo", "ahamo"),
        ("softbank", "ymobile"),
        ("LINEMO", "softbank"),
    ],
)
def test_a_carriers_own_brand_is_that_carriers_line(declared, on_proof):
    assert _decide(carrier=declared, carrier_on_proof=on_proof).decision == "APPROVED"
