"""Release and purchase windows, one day on each side of every boundary, for every plan.

Seed sentences (the wording decides inclusive vs strict and the anchor):
- 000: サービス加入日を起算日としてメーカー発売日が過去5年以内の端末 … 5年経過している端末は
  加入日前1年以内もしくは加入日以降の購入証明をもって対象
- 002: 利用契約開始日を起算日としてメーカー発売日から5年以内 … 5年以上経過した製品であっても、
  本サービス利用契約開始日を起算日として1年前より後に購入されたことが証明できる端末
- 001/003: 利用契約開始日時点でメーカー発売日から5年以内 … 5年以上経過した製品であって、
  利用契約開始日を起算日として起算日後に購入したものが、購入後一年以内のものであることの証明がとれる端末
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from domain_builders import (
    ENROLLED,
    OLD,
    PLANS_WITH_RELEASE_RULE,
    FakeCatalog,
    back,
    check,
    front,
    make_facts,
    phone,
    photos,
    proof,
    run,
)

DAY = timedelta(days=1)
FIVE_YEARS_BEFORE = date(2020, 4, 1)  # ENROLLED (2025-04-01) minus 5 years


# --- release rule: 5 years, inclusive, anchored on enrollment (every plan but 004) --------


@pytest.mark.parametrize("plan_id", PLANS_WITH_RELEASE_RULE)
def test_device_released_exactly_five_years_before_enrollment_is_within(plan_id):
    decision = run(make_facts(plan_id), photos(), released_on=FIVE_YEARS_BEFORE)
    assert decision.decision == "APPROVED", decision.checks
    assert check(decision, "release_window") == ["pass"]


@pytest.mark.parametrize("plan_id", PLANS_WITH_RELEASE_RULE)
def test_device_released_one_day_earlier_is_over_five_years(plan_id):
    # Declared honestly (over 5 years, bought before enrollment) and no proof uploaded.
    decision = run(make_facts(plan_id, over=True), photos(), released_on=FIVE_YEARS_BEFORE - DAY)
    assert decision.decision != "APPROVED"
    assert "pass" not in check(decision, "release_window")


@pytest.mark.parametrize("plan_id", PLANS_WITH_RELEASE_RULE)
def test_device_released_after_enrollment_is_within(plan_id):
    # 000: サービス加入日以降に新しく発売される端末が対象
    decision = run(
        make_facts(plan_id, after=True, submitted=date(2025, 6, 1)),
        [proof(date(2025, 5, 20))],
        released_on=date(2025, 5, 10),
    )
    assert decision.decision == "APPROVED", decision.checks


def test_leap_day_release_is_within_five_years_until_28_february():
    released = date(2020, 2, 29)
    inside = run(
        make_facts(enrolled=date(2025, 2, 28), submitted=date(2025, 3, 3)),
        photos(),
        released_on=released,
    )
    outside = run(
        make_facts(enrolled=date(2025, 3, 1), submitted=date(2025, 3, 3), over=True),
        photos(),
        released_on=released,
    )
    assert check(inside, "release_window") == ["pass"]
    assert "pass" not in check(outside, "release_window")


@pytest.mark.parametrize(
    ("plan_id", "within"),
    [
        # 000/002 count back from the anchor: 2024-02-29 − 5 y = 2019-02-28, inclusive.
        ("keitai-support-plus", True),
        ("vision-hikari", True),
        # 001/003 count on from the release: 2019-02-28 + 5 y = 2024-02-28 < 2024-02-29.
        ("smart-care-m", False),
        ("nap-mobile-anshin", False),
    ],
)
def test_leap_day_enrollment_shows_which_date_the_years_are_counted_from(plan_id, within):
    facts = make_facts(plan_id, enrolled=date(2024, 2, 29), submitted=date(2024, 3, 1))
    decision = run(facts, photos(), released_on=date(2019, 2, 28))
    assert (check(decision, "release_window") == ["pass"]) is within


# --- older devices: the purchase window --------------------------------------------------


def _old_device(plan_id, purchased, *, submitted=date(2025, 4, 10), after=None):
    bought_after = purchased >= ENROLLED if after is None else after
    facts = make_facts(plan_id, submitted=submitted, over=True, after=bought_after)
    return run(facts, [front(), back(), proof(purchased)], released_on=OLD)


# 000: 加入日前1年以内 (inclusive) もしくは加入日以降
def test_keitai_support_plus_accepts_purchase_exactly_one_year_before_enrollment():
    assert _old_device("keitai-support-plus", date(2024, 4, 1)).decision == "APPROVED"


def test_keitai_support_plus_rejects_purchase_one_year_and_a_day_before_enrollment():
    decision = _old_device("keitai-support-plus", date(2024, 3, 31))
    assert decision.decision == "REJECTED"
    assert decision.reasons[:2] == ["RELEASE_TOO_OLD", "PURCHASE_OUTSIDE_WINDOW"]


@pytest.mark.parametrize("purchased", [ENROLLED, ENROLLED + DAY, date(2025, 4, 10)])
def test_keitai_support_plus_accepts_purchase_on_or_after_enrollment(purchased):
    assert _old_device("keitai-support-plus", purchased).decision == "APPROVED"


def test_keitai_support_plus_window_from_a_leap_day_enrollment():
    facts = make_facts(enrolled=date(2024, 2, 29), submitted=date(2024, 3, 5), over=True)
    inside = run(facts, [front(), back(), proof(date(2023, 2, 28))], released_on=OLD)
    outside = run(facts, [front(), back(), proof(date(2023, 2, 27))], released_on=OLD)
    assert inside.decision == "APPROVED"
    assert outside.decision == "REJECTED"


# 002: 1年前より後 (strict)
def test_vision_hikari_rejects_purchase_exactly_one_year_before_contract_start():
    decision = _old_device("vision-hikari", date(2024, 4, 1))
    assert decision.decision == "REJECTED"
    assert "PURCHASE_OUTSIDE_WINDOW" in decision.reasons


def test_vision_hikari_accepts_purchase_one_year_minus_a_day_before_contract_start():
    assert _old_device("vision-hikari", date(2024, 4, 2)).decision == "APPROVED"


@pytest.mark.parametrize("plan_id", ["smart-care-m", "nap-mobile-anshin"])
class TestSmartCareOlderDevices:
    # 起算日後に購入 (strictly after the contract start)
    def test_purchase_on_the_contract_start_day_does_not_qualify(self, plan_id):
        decision = _old_device(plan_id, ENROLLED)
        assert decision.decision == "REJECTED"
        assert "PURCHASE_OUTSIDE_WINDOW" in decision.reasons

    def test_purchase_the_day_after_the_contract_start_qualifies(self, plan_id):
        assert _old_device(plan_id, ENROLLED + DAY).decision == "APPROVED"

    def test_purchase_before_the_contract_start_does_not_qualify(self, plan_id):
        assert _old_device(plan_id, ENROLLED - DAY).decision == "REJECTED"

    # 購入後一年以内のものであることの証明: registered within one year of the purchase
    def test_registered_exactly_one_year_after_purchase_qualifies(self, plan_id):
        purchased = date(2025, 5, 1)
        assert _old_device(plan_id, purchased, submitted=date(2026, 5, 1)).decision == "APPROVED"

    def test_registered_one_year_and_a_day_after_purchase_does_not(self, plan_id):
        purchased = date(2025, 5, 1)
        decision = _old_device(plan_id, purchased, submitted=date(2026, 5, 2))
        assert decision.decision == "REJECTED"
        assert "PURCHASE_OUTSIDE_WINDOW" in decision.reasons

    def test_old_device_declared_bought_before_the_contract_is_rejected_outright(self, plan_id):
        decision = run(make_facts(plan_id, over=True, after=False), photos(), released_on=OLD)
        assert decision.decision == "REJECTED"
        assert decision.reasons[0] == "RELEASE_TOO_OLD"


def test_keitai_support_plus_old_device_needs_the_proof_not_a_rejection():
    # 000 allows purchases up to a year before enrollment: without a proof the subscriber
    # is asked for one (it could still qualify).
    decision = run(make_facts(over=True), photos(), released_on=OLD)
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["DOCUMENT_MISSING"]


def test_recent_device_ignores_the_purchase_window():
    # Bought long before enrollment but released within 5 years: covered (000 item 1 of the rule).
    decision = run(
        make_facts(), [front(), back(), proof(date(2021, 1, 10))], released_on=date(2021, 1, 5)
    )
    assert decision.decision == "APPROVED", decision.checks


def test_mobile_anshin_value_has_no_release_age_rule():
    facts = make_facts(
        "mobile-anshin-value",
        carrier="docomo",
        contract_type="new",
        carrier_guarantee=True,
        sold_by_operator=True,
        after=True,
    )
    decision = run(facts, [front(), back(), proof(ENROLLED)], released_on=OLD)
    assert decision.decision == "APPROVED", decision.checks


def test_outside_window_on_a_defective_proof_asks_for_a_new_proof_instead_of_rejecting():
    facts = make_facts(over=True)
    decision = run(
        facts, [front(), back(), proof(date(2020, 1, 1), flags=("BLURRY",))], released_on=OLD
    )
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["BLURRY"]


def test_outside_window_on_an_uncertain_date_goes_to_review_not_rejection():
    facts = make_facts(over=True)
    decision = run(
        facts,
        [front(), back(), proof(date(2020, 1, 1), uncertain=("purchase_date",))],
        released_on=OLD,
    )
    assert decision.decision == "NEEDS_REVIEW"
    assert "PURCHASE_OUTSIDE_WINDOW" not in decision.reasons


def test_older_device_with_an_unsure_date_inside_the_window_goes_to_review():
    facts = make_facts(over=True)
    docs = [front(), back(), proof(date(2024, 6, 1), uncertain=("purchase_date",))]
    decision = run(facts, docs, released_on=OLD)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["INSPECTION_UNCERTAIN"]


def test_recent_device_with_an_unsure_purchase_date_is_fine():
    docs = [front(), back(), proof(date(2023, 10, 1), uncertain=("purchase_date",))]
    assert run(make_facts(), docs).decision == "APPROVED"


def test_an_unverified_catalog_release_date_is_not_enough_to_reject():
    # The subscriber says "within 5 years"; only an unverified catalog date says otherwise.
    catalog = FakeCatalog(phone(OLD, verified=False))
    docs = [front(), back(), proof(date(2023, 1, 1))]
    decision = run(make_facts(), docs, catalog=catalog)
    assert decision.decision == "NEEDS_REVIEW"
    assert "RELEASE_TOO_OLD" in decision.reasons


def test_a_verified_catalog_release_date_rejects():
    catalog = FakeCatalog(phone(OLD, verified=True))
    docs = [front(), back(), proof(date(2023, 1, 1))]
    assert run(make_facts(), docs, catalog=catalog).decision == "REJECTED"


def test_the_subscribers_own_over_five_years_answer_is_enough_to_reject():
    catalog = FakeCatalog(phone(OLD, verified=False))
    docs = [front(), back(), proof(date(2023, 1, 1))]
    assert run(make_facts(over=True), docs, catalog=catalog).decision == "REJECTED"
