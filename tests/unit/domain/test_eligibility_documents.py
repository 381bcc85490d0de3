"""Cross-document checks, inspection flags and the decision policy."""

from __future__ import annotations

from datetime import date

import pytest
from device_intake.domain.eligibility import CheckOutcome, decide, flag_outcome
from device_intake.domain.plans import load_plan
from device_intake.domain.reasons import ReasonCode
from domain_builders import (
    ENROLLED,
    IMEI,
    IMEI_2,
    OTHER_IMEI,
    RECENT,
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

# --- IMEI / serial -----------------------------------------------------------------------


def test_front_photo_imei_equal_to_the_typed_one_passes():
    decision = run(make_facts(), photos())
    assert decision.decision == "APPROVED"
    assert check(decision, "imei.front") == ["pass"]


def test_front_photo_showing_another_imei_needs_resubmission():
    decision = run(make_facts(), [front((OTHER_IMEI,)), back()])
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["IMEI_MISMATCH"]


def test_dual_sim_phone_matches_either_imei_on_the_front_photo():
    decision = run(make_facts(imei=IMEI_2), [front((IMEI, IMEI_2)), back()])
    assert decision.decision == "APPROVED"


def test_typed_imeisv_is_compared_by_its_imei():
    imeisv = IMEI[:14] + "07"  # 16 digits: 14 + software version
    decision = run(make_facts(imei=imeisv), photos())
    assert decision.decision == "APPROVED", decision.checks


def test_grouped_full_width_typed_imei_is_normalised():
    typed = "３５ ２０９９００ １７６１４８ １"
    assert run(make_facts(imei=typed), photos()).decision == "APPROVED"


def test_typed_imei_with_a_wrong_check_digit_needs_resubmission():
    decision = run(make_facts(imei=IMEI[:14] + "2"), photos())
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert "IMEI_CHECKSUM_INVALID" in decision.reasons


def test_no_identifier_typed_at_all_needs_resubmission():
    decision = run(make_facts(imei=None), [front(()), back()])
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert "DECLARATION_INCOMPLETE" in decision.reasons


def test_serial_on_the_front_photo_matches_the_typed_serial():
    facts = make_facts(category="laptop", imei=None, serial="C02XK1ABJGH5")
    docs = [front((), serial="c02xk1abjgh5"), back()]
    catalog = FakeCatalog(phone(category="laptop"))
    assert run(facts, docs, catalog=catalog).decision == "APPROVED"


def test_serial_on_the_front_photo_differs_from_the_typed_serial():
    facts = make_facts(category="laptop", imei=None, serial="C02XK1ABJGH5")
    docs = [front((), serial="C02XK1ABJGH6"), back()]
    decision = run(facts, docs, catalog=FakeCatalog(phone(category="laptop")))
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["IMEI_MISMATCH"]


def test_front_photo_without_the_typed_identifier_needs_resubmission():
    decision = run(make_facts(), [front(()), back()])
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["IMEI_NOT_FOUND"]


def test_imei_on_the_proof_differs_from_the_typed_one_goes_to_review():
    docs = [*photos(), proof(date(2023, 10, 1), imeis=(OTHER_IMEI,))]
    decision = run(make_facts(), docs)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["IMEI_MISMATCH"]


def test_imei_on_the_proof_equal_to_the_typed_one_passes():
    docs = [*photos(), proof(date(2023, 10, 1), imeis=(IMEI,))]
    decision = run(make_facts(), docs)
    assert decision.decision == "APPROVED"
    assert check(decision, "imei.proof") == ["pass"]


def test_proof_imei_is_compared_with_the_front_photo_when_only_a_serial_was_typed():
    facts = make_facts(imei=None, serial="F2LXK1ABJGH5")
    docs = [front((IMEI,), serial="F2LXK1ABJGH5"), back(), proof(RECENT, imeis=(OTHER_IMEI,))]
    decision = run(facts, docs)
    assert decision.decision == "NEEDS_REVIEW"
    assert "IMEI_MISMATCH" in decision.reasons


def test_imei_registered_by_another_subscriber_goes_to_review():
    decision = run(make_facts(duplicate=True), photos())
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["DUPLICATE_IMEI"]
    assert IMEI not in " ".join(c.detail for c in decision.checks)  # masked, never in full


# --- model ---------------------------------------------------------------------------------


def test_proof_naming_another_catalog_model_goes_to_review():
    catalog = FakeCatalog(phone(), phone(name="Test Phone Pro"))
    docs = [*photos(), proof(date(2023, 10, 1), model_name="Test Phone Pro")]
    decision = run(make_facts(), docs, catalog=catalog)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["MODEL_MISMATCH"]


def test_proof_model_line_with_storage_and_colour_still_names_the_model():
    catalog = FakeCatalog(phone(), phone(name="Test Phone Pro"))
    docs = [*photos(), proof(date(2023, 10, 1), model_name="Test Phone 128GB ブラック")]
    decision = run(make_facts(), docs, catalog=catalog)
    assert decision.decision == "APPROVED", decision.checks


def test_proof_model_alias_counts_as_the_same_model():
    model = phone()
    aliased = type(model)(
        model.id, model.maker, model.name, model.category, model.released_on, aliases=("MTLX3J/A",)
    )
    docs = [*photos(), proof(date(2023, 10, 1), model_name="MTLX3J/A")]
    assert run(make_facts(), docs, catalog=FakeCatalog(aliased)).decision == "APPROVED"


def test_model_missing_from_the_catalog_goes_to_review_even_with_a_release_date():
    decision = run(make_facts(model="Obscure X1", released_on=RECENT), photos())
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["MODEL_NOT_IN_CATALOG"]


def test_model_missing_from_the_catalog_is_never_approved_without_a_release_date():
    decision = run(make_facts(model="Obscure X1"), photos(), catalog=FakeCatalog())
    assert decision.decision == "NEEDS_REVIEW"
    assert check(decision, "release_window") == ["skipped"]


def test_model_id_from_the_form_is_used_before_the_name():
    facts = make_facts(model="typed anything")
    facts = facts.model_copy(update={"device": facts.device.model_copy(update={"model_id": "x1"})})
    catalog = FakeCatalog(phone(model_id="x1"))
    assert run(facts, photos(), catalog=catalog).decision == "APPROVED"


# --- declarations vs evidence ---------------------------------------------------------------


def test_declared_within_five_years_but_catalog_says_older_goes_to_review():
    decision = run(make_facts(), photos(), released_on=date(2018, 1, 1))
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons[0] == "DECLARATION_MISMATCH"
    assert "DOCUMENT_MISSING" in decision.reasons  # the proof the rule needs is also asked for


def test_declared_over_five_years_for_a_recent_device_is_only_noted():
    decision = run(make_facts(over=True), [*photos(), proof(date(2023, 10, 1))])
    assert decision.decision == "APPROVED"
    assert check(decision, "declared.release_age") == ["info"]


def test_declared_bought_after_enrollment_but_proof_is_older_goes_to_review():
    decision = run(make_facts(after=True), [*photos(), proof(date(2024, 12, 1))])
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["DECLARATION_MISMATCH"]


def test_declared_release_date_that_disagrees_with_the_catalog_on_the_rule_goes_to_review():
    facts = make_facts(released_on=date(2021, 1, 1))  # catalog: 2019 → over 5 years
    decision = run(facts, photos(), released_on=date(2019, 1, 1))
    assert decision.decision == "NEEDS_REVIEW"
    assert "DECLARATION_MISMATCH" in decision.reasons


# --- dates on the proof -----------------------------------------------------------------------


def test_purchase_date_after_the_submission_goes_to_review():
    decision = run(make_facts(after=True), [*photos(), proof(date(2025, 4, 11))])
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["PURCHASE_IN_FUTURE"]


def test_purchase_on_the_submission_day_is_fine():
    assert run(make_facts(after=True), [proof(date(2025, 4, 10))]).decision == "APPROVED"


def test_purchase_long_before_the_release_goes_to_review():
    decision = run(make_facts(), [*photos(), proof(date(2023, 6, 1))], released_on=RECENT)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["PURCHASE_BEFORE_RELEASE"]


def test_pre_order_receipt_a_few_days_before_release_is_fine():
    decision = run(make_facts(), [*photos(), proof(date(2023, 9, 15))], released_on=RECENT)
    assert decision.decision == "APPROVED"


# --- documents matrix in decide -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "kinds", "expected"),
    [
        (True, {"proof"}, "APPROVED"),  # 購入日証明書
        (True, {"front", "back"}, "APPROVED"),  # (ない場合は端末の正面・背面の写真)
        (True, {"front"}, "NEEDS_RESUBMISSION"),
        (False, {"front", "back"}, "APPROVED"),  # 加入日より前: 正面・背面の写真
        (False, {"proof"}, "NEEDS_RESUBMISSION"),
        (False, {"back"}, "NEEDS_RESUBMISSION"),
    ],
)
def test_documents_follow_the_matrix(after, kinds, expected):
    purchased = date(2025, 4, 5) if after else date(2023, 10, 1)
    every = {"front": front(), "back": back(), "proof": proof(purchased)}
    decision = run(make_facts(after=after), [every[k] for k in sorted(kinds)])
    assert decision.decision == expected, decision.checks
    if expected != "APPROVED":
        assert decision.reasons == ["DOCUMENT_MISSING"]


def test_old_device_needs_proof_and_both_photos():
    facts = make_facts(over=True, after=True)
    old = date(2015, 1, 1)
    only_proof = run(facts, [proof(date(2025, 4, 5))], released_on=old)
    all_three = run(facts, [*photos(), proof(date(2025, 4, 5))], released_on=old)
    assert only_proof.reasons == ["DOCUMENT_MISSING"]
    assert all_three.decision == "APPROVED"


def test_the_last_inspection_of_a_kind_counts():
    decision = run(make_facts(), [front(flags=("BLURRY",)), front(), back()])
    assert decision.decision == "APPROVED"


# --- inspection flags and the decision policy -------------------------------------------------


@pytest.mark.parametrize(
    "flag",
    [
        "SCREENSHOT",
        "PARTIAL_FRAME",
        "CASE_ATTACHED",
        "WRONG_SUBJECT",
        "BACK_SIDE_SHOWN",
        "LOW_RESOLUTION",
        "TOO_DARK",
        "BLURRY",
        "IMEI_NOT_FOUND",
        "CORRUPT_FILE",
    ],
)
def test_photo_defects_need_resubmission(flag):
    decision = run(make_facts(), [front(flags=(flag,)), back()])
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == [flag]


def test_screenshot_front_photo_is_not_also_compared_for_imei():
    decision = run(make_facts(), [front((OTHER_IMEI,), flags=("SCREENSHOT",)), back()])
    assert decision.reasons == ["SCREENSHOT"]


@pytest.mark.parametrize("flag", ["DATE_NOT_FOUND", "MODEL_OR_ID_NOT_FOUND", "PARTIAL_DOCUMENT"])
def test_proof_defects_need_resubmission(flag):
    decision = run(make_facts(after=True), [proof(None, flags=(flag,))])
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert flag in decision.reasons


def test_case_on_the_back_photo_needs_resubmission():
    decision = run(make_facts(), [front(), back(flags=("CASE_ATTACHED",))])
    assert decision.reasons == ["CASE_ATTACHED"]


def test_borderline_screenshot_goes_to_review():
    decision = run(make_facts(), [front(uncertain=("screenshot_score=0.55",)), back()])
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["INSPECTION_UNCERTAIN"]


def test_unsure_imei_reading_that_matches_the_typed_imei_is_fine():
    decision = run(make_facts(), [front(uncertain=("imei",)), back()])
    assert decision.decision == "APPROVED"
    assert "info" in check(decision, "inspection.front")


def test_unsure_imei_reading_that_differs_goes_to_review_not_back_to_the_subscriber():
    decision = run(make_facts(), [front((OTHER_IMEI,), uncertain=("imei",)), back()])
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["IMEI_MISMATCH"]


def test_unsure_store_name_on_the_proof_does_not_matter():
    docs = [*photos(), proof(date(2023, 10, 1), uncertain=("store_name",))]
    assert run(make_facts(), docs).decision == "APPROVED"


def test_failed_inspection_goes_to_review():
    assert flag_outcome(ReasonCode.INSPECTION_FAILED) is CheckOutcome.REVIEW
    decision = run(make_facts(), [front(flags=("INSPECTION_FAILED",)), back()])
    assert decision.decision == "NEEDS_REVIEW"


def test_review_outranks_resubmission_and_both_reasons_are_kept():
    decision = run(make_facts(duplicate=True), [front(flags=("BLURRY",)), back()])
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["DUPLICATE_IMEI", "BLURRY"]


def test_every_check_is_explained_for_reviewers():
    decision = run(make_facts(), photos())
    rules = {c.rule for c in decision.checks}
    assert {"category", "documents", "imei.front", "model.catalog", "release_window"} <= rules


def test_decide_refuses_a_plan_other_than_the_registrations():
    with pytest.raises(ValueError, match="plan"):
        decide(
            make_facts(),
            photos(),
            plan=load_plan("vision-hikari"),
            today=ENROLLED,
            catalog=FakeCatalog(phone()),
        )


def test_submission_before_enrollment_is_invalid_input():
    with pytest.raises(ValueError, match="submitted_on"):
        make_facts(submitted=date(2025, 3, 31))


def test_dark_front_photo_is_not_also_reported_as_missing_the_imei():
    decision = run(make_facts(), [front((), flags=("TOO_DARK",)), back()])
    assert decision.reasons == ["TOO_DARK"]


# 000: 「サービス加入日当日以降の購入端末」: buying on the enrollment day is "after".
def test_proof_dated_on_the_enrollment_day_agrees_with_bought_after():
    decision = run(make_facts(after=True), [proof(ENROLLED)])
    assert decision.decision == "APPROVED"
    assert check(decision, "declared.purchase_timing") == ["pass"]


def test_proof_dated_the_day_before_enrollment_contradicts_bought_after():
    decision = run(make_facts(after=True), [proof(date(2025, 3, 31))])
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons[0] == "DECLARATION_MISMATCH"
    # Bought before enrollment: the matrix asks for both photos instead of the proof.
    assert "DOCUMENT_MISSING" in decision.reasons


# --- defects of documents the registration does not need -------------------------------------


def test_blurry_proof_is_not_sent_back_when_both_photos_already_suffice():
    docs = [*photos(), proof(date(2025, 4, 5), flags=("BLURRY",))]
    decision = run(make_facts(after=True), docs)
    assert decision.decision == "APPROVED"
    assert any(c.detail.startswith("not needed") for c in decision.checks)


def test_blurry_optional_proof_of_a_device_bought_before_enrollment_is_ignored():
    docs = [*photos(), proof(date(2023, 10, 1), flags=("LOW_RESOLUTION",))]
    assert run(make_facts(), docs).decision == "APPROVED"


def test_screenshot_front_is_not_needed_when_the_proof_suffices():
    docs = [front(flags=("SCREENSHOT",)), proof(date(2025, 4, 5))]
    assert run(make_facts(after=True), docs).decision == "APPROVED"


def test_a_needed_proof_with_a_defect_is_still_sent_back():
    docs = [*photos(), proof(date(2025, 4, 5), flags=("BLURRY",))]
    decision = run(make_facts(after=True, over=True), docs, released_on=date(2015, 1, 1))
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["BLURRY"]


def test_front_photo_of_another_device_counts_even_when_the_proof_suffices():
    docs = [front((OTHER_IMEI,)), back(), proof(date(2025, 4, 5))]
    decision = run(make_facts(after=True), docs)
    assert decision.decision == "NEEDS_RESUBMISSION"
    assert decision.reasons == ["IMEI_MISMATCH"]


def test_checks_name_the_document_they_are_about():
    decision = run(make_facts(), [front(flags=("BLURRY",)), back()])
    (blurry,) = [c for c in decision.checks if c.code == "BLURRY"]
    assert blurry.document == "front"


@pytest.mark.parametrize(
    ("plan_id", "category"), [("vision-hikari", "router"), ("smart-care-m", "wireless_earbuds")]
)
def test_screenless_device_is_not_asked_to_show_its_number_on_a_screen(plan_id, category):
    facts = make_facts(plan_id, category=category, imei=None, serial="SN0012345678")
    docs = [front((), flags=("IMEI_NOT_FOUND",)), back()]
    decision = run(facts, docs, catalog=FakeCatalog(phone(category=category)))
    assert decision.decision == "APPROVED", decision.checks


def test_a_phone_must_show_its_number_on_the_front_photo():
    decision = run(make_facts(), [front((), flags=("IMEI_NOT_FOUND",)), back()])
    assert decision.reasons == ["IMEI_NOT_FOUND"]


# 000: 家族・知人・フリーマーケット・オークション等の個人間による購入・譲受した端末は保険対象外
@pytest.mark.parametrize("seller", ["メルカリ", "ヤフオク!", "PayPayフリマ", "Yahoo!オークション"])
def test_proof_from_a_marketplace_between_individuals_goes_to_review(seller):
    docs = [*photos(), proof(date(2023, 10, 1), store_name=seller)]
    decision = run(make_facts(), docs)
    assert decision.decision == "NEEDS_REVIEW"
    assert decision.reasons == ["PURCHASED_FROM_INDIVIDUAL"]


@pytest.mark.parametrize("seller", ["ヨドバシカメラ", "docomoショップ 渋谷店", "Apple Store"])
def test_proof_from_a_shop_passes(seller):
    docs = [*photos(), proof(date(2023, 10, 1), store_name=seller)]
    assert run(make_facts(), docs).decision == "APPROVED"
