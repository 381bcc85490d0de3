"""Eligibility: apply one plan's rules to a registration and its inspected documents.

``decide`` is pure (no I/O besides the model catalog it is given, or the packaged one):
the pipeline, the CLI and the tests call it with the same inputs and get the same result.

Decision policy (docs/domain.md has the reasoning and the seed quotes):

* ``REJECTED``: a clear rule failure, established from the subscriber's own answers, the
  model catalog, or a purchase proof without defects (category not covered, device too old
  and purchase outside the window, mobile-anshin-value line conditions).
* ``NEEDS_REVIEW``: something a person must judge (an unsure reading, a duplicate IMEI, a
  model missing from the catalog, answers contradicted by the documents, odd dates).
* ``NEEDS_RESUBMISSION``: defects the subscriber can fix (re-take a photo, upload a missing
  document, correct an identifier).
* ``APPROVED``: every rule passed; ``coverage_starts_on`` is then set by the plan's rule.

Precedence: REJECTED > NEEDS_REVIEW > NEEDS_RESUBMISSION > APPROVED, and ``reasons`` lists
every code found, most severe first, so a reviewer also sees what the subscriber must fix.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from device_intake.domain.documents import DocumentFields, DocumentKind, InspectionResult
from device_intake.domain.imei import classify_identifier, mask
from device_intake.domain.plans import Limits, Plan, add_years
from device_intake.domain.reasons import ReasonCode
from device_intake.domain.registration import RegistrationFacts
from device_intake.domain.requirements import DocumentRequirement, document_requirement

# --- the catalog as eligibility needs it (device_intake.domain.catalog implements it) ------


class CatalogModelLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def maker(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def released_on(self) -> date | None: ...


class CatalogMatchLike(Protocol):
    @property
    def model(self) -> CatalogModelLike: ...
    @property
    def score(self) -> float: ...


class ModelLookup(Protocol):
    """The part of ``ModelCatalog`` used here: by id, and fuzzy by name."""

    def get(self, model_id: str) -> CatalogModelLike | None: ...

    def match(
        self, text: str, *, maker: str | None = None, category: str | None = None
    ) -> CatalogMatchLike | None: ...

    def find_in_text(
        self, text: str, *, maker: str | None = None, category: str | None = None
    ) -> Sequence[CatalogMatchLike]: ...


def _default_catalog() -> ModelLookup:
    # Imported here, not at module top: loading the packaged catalog reads data files, and
    # callers that pass their own catalog (tests, the pipeline's warm container) skip it.
    from device_intake.domain.catalog import ModelCatalog

    return ModelCatalog.load()


# --- results ------------------------------------------------------------------------------


class DecisionOutcome(StrEnum):
    APPROVED = "APPROVED"
    NEEDS_RESUBMISSION = "NEEDS_RESUBMISSION"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    REJECTED = "REJECTED"


class CheckOutcome(StrEnum):
    PASS = "pass"
    INFO = "info"  # noted for reviewers, no effect on the decision
    SKIPPED = "skipped"  # could not be evaluated (e.g. the proof must be re-taken first)
    RESUBMIT = "resubmit"
    REVIEW = "review"
    REJECT = "reject"


_SEVERITY: dict[CheckOutcome, int] = {
    CheckOutcome.REJECT: 3,
    CheckOutcome.REVIEW: 2,
    CheckOutcome.RESUBMIT: 1,
}
_DECISION_FOR: dict[CheckOutcome, DecisionOutcome] = {
    CheckOutcome.REJECT: DecisionOutcome.REJECTED,
    CheckOutcome.REVIEW: DecisionOutcome.NEEDS_REVIEW,
    CheckOutcome.RESUBMIT: DecisionOutcome.NEEDS_RESUBMISSION,
}


class Check(BaseModel):
    """One rule evaluated, for reviewers. ``detail`` is English and never holds a full IMEI."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str  # stable id, e.g. "release_window", "imei.front"
    outcome: CheckOutcome
    code: ReasonCode | None = None
    detail: str = ""
    document: DocumentKind | None = None  # the document the check is about, if one


class Decision(BaseModel):
    """What ``decide`` returns."""

    model_config = ConfigDict(extra="forbid")

    decision: DecisionOutcome
    reasons: list[ReasonCode] = Field(default_factory=list)  # most severe first, unique
    coverage_starts_on: date | None = None  # first covered day; only when APPROVED
    limits: Limits
    checks: list[Check] = Field(default_factory=list)
    plan_version: str
    model_id: str | None = None  # catalog model the device was resolved to
    released_on: date | None = None  # release date used for the release rule
    purchase_date: date | None = None  # purchase date read from the proof


# --- inspection flags ---------------------------------------------------------------------

# Defects found by inspection: the subscriber can fix them by uploading again. A flag that is
# not listed here is unknown to this engine and goes to a person rather than being ignored.
_RESUBMIT_FLAGS: frozenset[ReasonCode] = frozenset(
    {
        ReasonCode.UNSUPPORTED_FORMAT,
        ReasonCode.CORRUPT_FILE,
        ReasonCode.FILE_TOO_LARGE,
        ReasonCode.SCREENSHOT,
        ReasonCode.PARTIAL_FRAME,
        ReasonCode.CASE_ATTACHED,
        ReasonCode.WRONG_SUBJECT,
        ReasonCode.BACK_SIDE_SHOWN,
        ReasonCode.FRONT_SIDE_SHOWN,
        ReasonCode.LOW_RESOLUTION,
        ReasonCode.TOO_DARK,
        ReasonCode.BLURRY,
        ReasonCode.IMEI_NOT_FOUND,
        ReasonCode.IMEI_CHECKSUM_INVALID,
        ReasonCode.DATE_NOT_FOUND,
        ReasonCode.MODEL_OR_ID_NOT_FOUND,
        ReasonCode.PARTIAL_DOCUMENT,
        ReasonCode.UPLOAD_OUTSIDE_PREFIX,
    }
)


_FIELD_NAMES = frozenset(DocumentFields.model_fields)


def flag_outcome(code: ReasonCode) -> CheckOutcome:
    """How a flag raised by inspection weighs in the decision."""
    return CheckOutcome.RESUBMIT if code in _RESUBMIT_FLAGS else CheckOutcome.REVIEW


# --- the engine ---------------------------------------------------------------------------


@dataclass
class _Run:
    checks: list[Check] = field(default_factory=list)

    def add(
        self, rule: str, outcome: CheckOutcome, code: ReasonCode | None = None, detail: str = ""
    ) -> None:
        self.checks.append(
            Check(rule=rule, outcome=outcome, code=code, detail=detail, document=_document_of(rule))
        )


_PROOF_RULES = ("model.proof", "carrier.proof", "seller.proof", "purchase_window", "purchase_date")


def _document_of(rule: str) -> DocumentKind | None:
    for kind in DocumentKind:
        if rule in (f"inspection.{kind}", f"imei.{kind}", f"serial.{kind}"):
            return kind
    if rule.startswith(_PROOF_RULES):
        return DocumentKind.PROOF
    return None


def _drop_defects_of_unneeded_documents(
    run: _Run, requirement: DocumentRequirement, present: Iterable[DocumentKind]
) -> None:
    """A defective document the registration does not need is noted, not sent back.

    000: 「購入日証明書(ない場合は端末の正面・背面の写真)」: when the proof alone, or the two
    photos alone, satisfy the documents row, a blurry extra is no reason to ask again.
    """
    # Only quality defects: a document that contradicts another (IMEI_MISMATCH) still counts.
    def droppable(c: Check) -> bool:
        return c.outcome is CheckOutcome.RESUBMIT and (
            c.rule.startswith("inspection.") or c.code is ReasonCode.IMEI_NOT_FOUND
        )

    defective = {c.document for c in run.checks if c.document and droppable(c)}
    usable = set(present) - defective
    if not defective or not requirement.is_satisfied_by(usable):
        return
    run.checks = [
        c.model_copy(update={"outcome": CheckOutcome.INFO, "detail": f"not needed: {c.detail}"})
        if c.document in defective and droppable(c)
        else c
        for c in run.checks
    ]


@dataclass(frozen=True)
class _ProofDate:
    value: date | None
    trusted: bool  # read from a proof without defects or doubt: safe to reject on


def decide(
    facts: RegistrationFacts,
    inspections: Sequence[InspectionResult],
    *,
    plan: Plan,
    today: date,
    catalog: ModelLookup | None = None,
) -> Decision:
    """Decide one registration under ``plan``.

    ``inspections``: the current inspection of each uploaded document (when a kind appears
    twice, the last one counts). ``today``: the decision date (approval date for plans whose
    cover starts on approval). ``catalog``: the model catalog; the packaged
    ``ModelCatalog`` when None.
    """
    if facts.plan != plan.id:
        raise ValueError(f"registration is for plan {facts.plan!r}, not {plan.id!r}")
    lookup = catalog if catalog is not None else _default_catalog()
    run = _Run()
    docs = {doc.kind: doc for doc in inspections}

    _check_category(run, facts, plan)
    _check_carrier_conditions(run, facts, plan, docs.get(DocumentKind.PROOF))
    screenless = facts.device.category in plan.policy.screenless_categories
    _check_inspection_flags(run, docs, screenless=screenless)

    model = _resolve_model(run, facts, plan, lookup)
    released_on = _release_date(run, facts, model, plan)
    proof_date = _proof_date(docs.get(DocumentKind.PROOF))

    over = _release_over(plan, released_on, facts.enrolled_on)
    bought_after = _bought_after_enrollment(plan, proof_date, facts.enrolled_on)
    _check_declarations(run, facts, over, bought_after)
    effective_over = over if over is not None else facts.declared.release_over_5_years
    effective_after = (
        bought_after if bought_after is not None else facts.declared.purchased_after_enrollment
    )

    requirement = document_requirement(plan, effective_after, effective_over)
    _check_documents(run, requirement, docs)
    _check_identifiers(run, facts, docs, screenless=screenless)
    _check_model_on_proof(run, facts, model, docs.get(DocumentKind.PROOF), lookup)
    _check_seller(run, plan, docs.get(DocumentKind.PROOF))
    dates_plausible = _check_purchase_date(run, facts, proof_date, released_on, plan)
    # Rejecting for age needs an age we are sure of: the subscriber's own "over 5 years", or
    # a catalog date checked against a source (the catalog marks guesses "unverified").
    age_established = facts.declared.release_over_5_years or (
        model is not None and bool(getattr(model, "verified", True))
    )
    _check_release_and_window(
        run, facts, plan, over, proof_date, dates_plausible, docs, age_established
    )

    _drop_defects_of_unneeded_documents(run, requirement, docs)

    if facts.imei_registered_elsewhere:
        run.add(
            "imei.duplicate",
            CheckOutcome.REVIEW,
            ReasonCode.DUPLICATE_IMEI,
            f"IMEI {mask(facts.device.imei)} is registered by another subscriber",
        )

    outcome, reasons = _summarise(run.checks)
    coverage = (
        plan.coverage_starts_on(facts.enrolled_on, approved_on=today)
        if outcome is DecisionOutcome.APPROVED
        else None
    )
    return Decision(
        decision=outcome,
        reasons=reasons,
        coverage_starts_on=coverage,
        limits=plan.limits,
        checks=run.checks,
        plan_version=plan.version,
        model_id=model.id if model is not None else None,
        released_on=released_on,
        purchase_date=proof_date.value,
    )


def _summarise(checks: Iterable[Check]) -> tuple[DecisionOutcome, list[ReasonCode]]:
    ranked = sorted(
        (c for c in checks if c.outcome in _SEVERITY and c.code is not None),
        key=lambda c: -_SEVERITY[c.outcome],  # stable: keeps rule order within a severity
    )
    if not ranked:
        return DecisionOutcome.APPROVED, []
    reasons: list[ReasonCode] = []
    for check in ranked:
        assert check.code is not None
        if check.code not in reasons:
            reasons.append(check.code)
    return _DECISION_FOR[ranked[0].outcome], reasons


# --- individual rules -----------------------------------------------------------------------


def _check_category(run: _Run, facts: RegistrationFacts, plan: Plan) -> None:
    device = facts.device
    if plan.covers_category(device.category, device.maker):
        run.add("category", CheckOutcome.PASS, detail=f"{device.category} is covered")
        return
    if device.category in plan.covered_categories:
        makers = ", ".join(plan.category_makers.get(device.category, []))
        detail = f"{device.category} is covered only for {makers}, not {device.maker!r}"
    else:
        detail = f"{device.category} is not a covered category of {plan.id}"
    run.add("category", CheckOutcome.REJECT, ReasonCode.CATEGORY_NOT_COVERED, detail)


def _check_carrier_conditions(
    run: _Run, facts: RegistrationFacts, plan: Plan, proof: InspectionResult | None
) -> None:
    cond = plan.carrier_conditions
    if cond is None:
        return
    declared = facts.declared
    carrier = cond.canonical_carrier(declared.carrier)
    if declared.carrier is None or not declared.carrier.strip():
        run.add(
            "carrier",
            CheckOutcome.RESUBMIT,
            ReasonCode.DECLARATION_INCOMPLETE,
            "carrier not answered",
        )
    elif carrier is None:
        run.add(
            "carrier",
            CheckOutcome.REJECT,
            ReasonCode.CARRIER_NOT_COVERED,
            f"carrier {declared.carrier!r} is not one of {cond.accepted_carriers}",
        )
    else:
        run.add("carrier", CheckOutcome.PASS, detail=f"carrier {carrier}")

    if declared.contract_type is None:
        run.add(
            "contract_type",
            CheckOutcome.RESUBMIT,
            ReasonCode.DECLARATION_INCOMPLETE,
            "contract type not answered",
        )
    elif declared.contract_type not in cond.accepted_contract_types:
        run.add(
            "contract_type",
            CheckOutcome.REJECT,
            ReasonCode.CONTRACT_TYPE_NOT_COVERED,
            f"contract type {declared.contract_type} not in {cond.accepted_contract_types}",
        )
    else:
        run.add("contract_type", CheckOutcome.PASS, detail=declared.contract_type)

    for rule, required, answer, code in (
        (
            "carrier_guarantee",
            cond.require_carrier_guarantee,
            declared.carrier_guarantee,
            ReasonCode.CARRIER_GUARANTEE_REQUIRED,
        ),
        (
            "sold_by_operator",
            cond.require_sold_by_operator,
            declared.sold_by_operator,
            ReasonCode.NOT_SOLD_BY_OPERATOR,
        ),
    ):
        if not required:
            continue
        if answer is None:
            run.add(rule, CheckOutcome.RESUBMIT, ReasonCode.DECLARATION_INCOMPLETE, "not answered")
        elif answer is False:
            run.add(rule, CheckOutcome.REJECT, code, "declared no")
        else:
            run.add(rule, CheckOutcome.PASS)

    # The line's carrier printed on the contract should be the one declared.
    if proof is not None and proof.fields.carrier and carrier is not None:
        on_proof = cond.canonical_carrier(proof.fields.carrier)
        if on_proof != carrier:
            run.add(
                "carrier.proof",
                CheckOutcome.REVIEW,
                ReasonCode.DECLARATION_MISMATCH,
                f"proof names carrier {proof.fields.carrier!r}, declared {carrier}",
            )
        else:
            run.add("carrier.proof", CheckOutcome.PASS)


def _check_inspection_flags(
    run: _Run, docs: dict[DocumentKind, InspectionResult], *, screenless: bool
) -> None:
    for kind in (DocumentKind.FRONT, DocumentKind.BACK, DocumentKind.PROOF):
        doc = docs.get(kind)
        if doc is None:
            continue
        for flag in doc.flags:
            if screenless and kind is DocumentKind.FRONT and flag is ReasonCode.IMEI_NOT_FOUND:
                # A router or earbuds cannot show their number on a screen (000 asks for the
                # number on the screen); the proof and the reviewer carry the identity.
                run.add(
                    f"inspection.{kind}",
                    CheckOutcome.INFO,
                    detail="no screen to show the identifier on",
                )
                continue
            run.add(f"inspection.{kind}", flag_outcome(flag), flag, f"{kind} flagged {flag}")
        # Doubt about a field is weighed by the rule that reads the field (an unsure IMEI
        # that matches the typed one is fine); doubt about the photo itself (a borderline
        # screenshot score, an animated file) needs a person now.
        about_photo = [u for u in doc.uncertain if u not in _FIELD_NAMES]
        about_fields = [u for u in doc.uncertain if u in _FIELD_NAMES]
        if about_photo:
            run.add(
                f"inspection.{kind}",
                CheckOutcome.REVIEW,
                ReasonCode.INSPECTION_UNCERTAIN,
                f"{kind}: unsure about {', '.join(about_photo)}",
            )
        if about_fields:
            run.add(
                f"inspection.{kind}",
                CheckOutcome.INFO,
                detail=f"{kind}: unsure reading of {', '.join(about_fields)}",
            )
        if not doc.flags and not doc.uncertain:
            run.add(f"inspection.{kind}", CheckOutcome.PASS)


def _resolve_model(
    run: _Run, facts: RegistrationFacts, plan: Plan, lookup: ModelLookup
) -> CatalogModelLike | None:
    device = facts.device
    model: CatalogModelLike | None = None
    if device.model_id:
        try:
            model = lookup.get(device.model_id)
        except KeyError:
            model = None
    if model is None:
        found = lookup.match(device.model, maker=device.maker, category=device.category)
        if found is None:
            # A wrong 種別 on the form should read as a category question, not an unknown model.
            found = lookup.match(device.model, maker=device.maker)
        model = found.model if found is not None else None
    if model is None:
        run.add(
            "model.catalog",
            CheckOutcome.REVIEW,
            ReasonCode.MODEL_NOT_IN_CATALOG,
            f"{device.maker} {device.model!r} is not in the model catalog",
        )
        return None
    run.add("model.catalog", CheckOutcome.PASS, detail=f"catalog model {model.id}")
    if model.category != device.category:
        # Only a category that changes coverage matters; catalog and form may label
        # borderline devices differently (a hybrid console, a tablet PC).
        if plan.covers_category(device.category, device.maker) and not plan.covers_category(
            model.category, model.maker
        ):
            run.add(
                "model.category",
                CheckOutcome.REVIEW,
                ReasonCode.DECLARATION_MISMATCH,
                f"declared {device.category}, catalog says {model.category} (not covered)",
            )
        else:
            run.add(
                "model.category",
                CheckOutcome.INFO,
                detail=f"declared {device.category}, catalog says {model.category}",
            )
    return model


def _release_date(
    run: _Run, facts: RegistrationFacts, model: CatalogModelLike | None, plan: Plan
) -> date | None:
    given = facts.device.released_on
    from_catalog = model.released_on if model is not None else None
    if given is not None and from_catalog is not None:
        gap = abs((given - from_catalog).days)
        if gap > plan.policy.release_date_tolerance_days:
            enrolled = facts.enrolled_on
            if _release_over(plan, given, enrolled) != _release_over(plan, from_catalog, enrolled):
                run.add(
                    "release_date",
                    CheckOutcome.REVIEW,
                    ReasonCode.DECLARATION_MISMATCH,
                    f"release date {given} differs from catalog {from_catalog} "
                    "and changes the release-age answer",
                )
            else:
                run.add(
                    "release_date",
                    CheckOutcome.INFO,
                    detail=f"release date {given} differs from catalog {from_catalog}",
                )
    return given if given is not None else from_catalog


def _proof_date(proof: InspectionResult | None) -> _ProofDate:
    if proof is None or proof.fields.purchase_date is None:
        return _ProofDate(None, trusted=False)
    trusted = not proof.flags and "purchase_date" not in proof.uncertain
    return _ProofDate(proof.fields.purchase_date, trusted=trusted)


def _release_over(plan: Plan, released_on: date | None, enrolled_on: date) -> bool | None:
    """True when the device is outside the plan's release rule on the anchor date."""
    rule = plan.release_rule
    if rule is None:
        return False  # no release-age rule: every device is "within"
    if released_on is None:
        return None
    return not rule.within(released_on, enrolled_on)


def _bought_after_enrollment(plan: Plan, proof: _ProofDate, enrolled_on: date) -> bool | None:
    if proof.value is None or not proof.trusted:
        return None
    if plan.purchased_after_includes_enrollment_day:
        return proof.value >= enrolled_on
    return proof.value > enrolled_on


def _check_declarations(
    run: _Run, facts: RegistrationFacts, over: bool | None, bought_after: bool | None
) -> None:
    declared = facts.declared
    if over is not None:
        if over and not declared.release_over_5_years:
            # The harmful direction: answering "not 5 years" skips the proof the rule needs.
            run.add(
                "declared.release_age",
                CheckOutcome.REVIEW,
                ReasonCode.DECLARATION_MISMATCH,
                "declared release within 5 years; release date says otherwise",
            )
        elif over is False and declared.release_over_5_years:
            run.add(
                "declared.release_age",
                CheckOutcome.INFO,
                detail="declared over 5 years; release date says within (more documents sent)",
            )
        else:
            run.add("declared.release_age", CheckOutcome.PASS)
    if bought_after is not None:
        if declared.purchased_after_enrollment and not bought_after:
            run.add(
                "declared.purchase_timing",
                CheckOutcome.REVIEW,
                ReasonCode.DECLARATION_MISMATCH,
                "declared purchased on/after enrollment; proof is dated before",
            )
        elif bought_after and not declared.purchased_after_enrollment:
            run.add(
                "declared.purchase_timing",
                CheckOutcome.INFO,
                detail="declared purchased before enrollment; proof is dated on/after",
            )
        else:
            run.add("declared.purchase_timing", CheckOutcome.PASS)


def _check_documents(
    run: _Run, requirement: DocumentRequirement, docs: dict[DocumentKind, InspectionResult]
) -> None:
    present = list(docs)
    if requirement.is_satisfied_by(present):
        run.add("documents", CheckOutcome.PASS, detail="have " + ", ".join(sorted(present)))
        return
    missing = requirement.missing(present)
    run.add(
        "documents",
        CheckOutcome.RESUBMIT,
        ReasonCode.DOCUMENT_MISSING,
        f"missing {', '.join(missing)}",
    )


def _norm_serial(text: str | None) -> str | None:
    if not text:
        return None
    folded = "".join(unicodedata.normalize("NFKC", text).upper().split())
    return folded.replace("-", "") or None


def _doc_imeis(doc: InspectionResult | None) -> list[str]:
    if doc is None:
        return []
    found = list(doc.fields.imeis)
    if doc.fields.imei and doc.fields.imei not in found:
        found.insert(0, doc.fields.imei)
    return found


def _check_identifiers(
    run: _Run,
    facts: RegistrationFacts,
    docs: dict[DocumentKind, InspectionResult],
    *,
    screenless: bool,
) -> None:
    device = facts.device
    declared_imei: str | None = None
    if device.imei and device.imei.strip():
        ident = classify_identifier(device.imei)
        if ident is None or ident.imei is None:
            run.add(
                "imei.declared",
                CheckOutcome.RESUBMIT,
                ReasonCode.IMEI_CHECKSUM_INVALID,
                f"typed IMEI {mask(device.imei)} is not a valid IMEI",
            )
        else:
            declared_imei = ident.imei
            run.add("imei.declared", CheckOutcome.PASS)
    declared_serial = _norm_serial(device.serial)
    if device.imei is None and declared_serial is None:
        run.add(
            "identifier.declared",
            CheckOutcome.RESUBMIT,
            ReasonCode.DECLARATION_INCOMPLETE,
            "no IMEI, serial or 製造番号 was entered",
        )

    front = docs.get(DocumentKind.FRONT)
    front_imeis = _doc_imeis(front)
    front_serial = _norm_serial(front.fields.serial) if front else None
    if front is not None and not _has_unreadable_flag(front):
        if declared_imei and front_imeis:
            if declared_imei in front_imeis:  # dual-SIM phones show two IMEIs: either matches
                run.add("imei.front", CheckOutcome.PASS)
            else:
                # An unsure reading may be the engine's mistake, not the subscriber's.
                unsure = "imei" in front.uncertain or "imeis" in front.uncertain
                run.add(
                    "imei.front",
                    CheckOutcome.REVIEW if unsure else CheckOutcome.RESUBMIT,
                    ReasonCode.IMEI_MISMATCH,
                    f"typed {mask(declared_imei)}, front shows "
                    + ", ".join(mask(i) for i in front_imeis)
                    + (" (unsure reading)" if unsure else ""),
                )
        elif declared_serial and front_serial:
            if declared_serial == front_serial:
                run.add("serial.front", CheckOutcome.PASS)
            else:
                run.add(
                    "serial.front",
                    CheckOutcome.RESUBMIT,
                    ReasonCode.IMEI_MISMATCH,
                    "typed serial differs from the serial on the front photo",
                )
        elif (declared_imei or declared_serial) and not front.flags and not screenless:
            # The seed asks for the identifier typed in item 4 to be shown on the screen. A
            # photo already flagged (too dark, blurry...) is re-taken anyway: no second code.
            run.add(
                "imei.front",
                CheckOutcome.RESUBMIT,
                ReasonCode.IMEI_NOT_FOUND,
                "the typed identifier could not be read on the front photo",
            )

    proof = docs.get(DocumentKind.PROOF)
    proof_imeis = _doc_imeis(proof)
    if proof_imeis:
        reference = [declared_imei] if declared_imei else front_imeis
        if reference:
            if set(reference) & set(proof_imeis):
                run.add("imei.proof", CheckOutcome.PASS)
            else:
                # Could be a proof for another device: a person decides.
                run.add(
                    "imei.proof",
                    CheckOutcome.REVIEW,
                    ReasonCode.IMEI_MISMATCH,
                    "IMEI on the proof "
                    + ", ".join(mask(i) for i in proof_imeis)
                    + f" differs from {mask(reference[0])}",
                )
    proof_serial = _norm_serial(proof.fields.serial) if proof else None
    if proof_serial and declared_serial:
        if proof_serial == declared_serial:
            run.add("serial.proof", CheckOutcome.PASS)
        else:
            run.add(
                "serial.proof",
                CheckOutcome.REVIEW,
                ReasonCode.IMEI_MISMATCH,
                "serial on the proof differs from the typed serial",
            )


_UNREADABLE = frozenset(
    {
        ReasonCode.UNSUPPORTED_FORMAT,
        ReasonCode.CORRUPT_FILE,
        ReasonCode.FILE_TOO_LARGE,
        ReasonCode.SCREENSHOT,
        ReasonCode.WRONG_SUBJECT,
        ReasonCode.BACK_SIDE_SHOWN,
        ReasonCode.IMEI_NOT_FOUND,
        ReasonCode.IMEI_CHECKSUM_INVALID,
        ReasonCode.UPLOAD_OUTSIDE_PREFIX,
    }
)


def _has_unreadable_flag(doc: InspectionResult) -> bool:
    """A front photo that must be re-taken anyway: comparing what it shows adds only noise."""
    return any(flag in _UNREADABLE for flag in doc.flags)


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _names(model: CatalogModelLike) -> list[str]:
    names = [model.name]
    aliases = getattr(model, "aliases", None) or []
    names.extend(str(a) for a in aliases)
    return [n for n in (_fold(n) for n in names) if n]


def _check_model_on_proof(
    run: _Run,
    facts: RegistrationFacts,
    model: CatalogModelLike | None,
    proof: InspectionResult | None,
    lookup: ModelLookup,
) -> None:
    if proof is None or not proof.fields.model_name:
        return
    on_proof = proof.fields.model_name
    if model is not None:
        # The whole field as one model name first; then any model named inside it (a
        # receipt line carries storage, colour and carrier words around the name).
        found = lookup.match(on_proof)
        hits = list(lookup.find_in_text(on_proof))
        strong = {m.model.id for m in hits if m.score >= _STRONG}
        # A name only next to an accessory word (ケース) or a garbled variant ("15 Pr").
        weak_only = {m.model.id for m in hits if m.score < _STRONG} - strong
        named = [found.model.id] if found is not None else sorted(strong)
        if model.id in weak_only:
            run.add(
                "model.proof",
                CheckOutcome.REVIEW,
                ReasonCode.MODEL_MISMATCH,
                f"proof names {model.id} only next to an accessory or variant word",
            )
            return
        if model.id in named:
            run.add("model.proof", CheckOutcome.PASS, detail=f"proof names {model.id}")
            return
        if named or weak_only:
            run.add(
                "model.proof",
                CheckOutcome.REVIEW,
                ReasonCode.MODEL_MISMATCH,
                f"proof names {', '.join(named or sorted(weak_only))}, declared {model.id}",
            )
            return
    # The catalog cannot place the proof's name (or the declared model): compare the texts.
    declared_names = _names(model) if model is not None else [_fold(facts.device.model)]
    folded = _fold(on_proof)
    if folded and any(name and name in folded for name in declared_names):
        run.add("model.proof", CheckOutcome.PASS, detail="declared model named on the proof")
    else:
        run.add(
            "model.proof",
            CheckOutcome.REVIEW,
            ReasonCode.MODEL_MISMATCH,
            "model on the proof does not match the declared model",
        )


def _check_seller(run: _Run, plan: Plan, proof: InspectionResult | None) -> None:
    if proof is None or not proof.fields.store_name:
        return
    seller = _fold(proof.fields.store_name)
    hits = [m for m in plan.policy.private_sale_markers if _fold(m) and _fold(m) in seller]
    if hits:
        run.add(
            "seller.proof",
            CheckOutcome.REVIEW,
            ReasonCode.PURCHASED_FROM_INDIVIDUAL,
            f"seller on the proof matches {hits[0]!r}",
        )


# find_in_text scores 0.5 for a name next to a variant word (the OCR may have garbled
# "15 Pro" into "15 Pr"); only stronger hits count as "the proof names this model".
_STRONG = 0.8


def _check_purchase_date(
    run: _Run,
    facts: RegistrationFacts,
    proof: _ProofDate,
    released_on: date | None,
    plan: Plan,
) -> bool:
    """Sanity of the proof's date; False when it is too odd to reject anything on."""
    if proof.value is None:
        return True
    plausible = True
    if proof.value > facts.submitted_on:
        run.add(
            "purchase_date.future",
            CheckOutcome.REVIEW,
            ReasonCode.PURCHASE_IN_FUTURE,
            f"proof dated {proof.value}, after submission {facts.submitted_on}",
        )
        plausible = False
    if released_on is not None:
        grace = timedelta(days=plan.policy.purchase_before_release_grace_days)
        if proof.value < released_on - grace:
            run.add(
                "purchase_date.release",
                CheckOutcome.REVIEW,
                ReasonCode.PURCHASE_BEFORE_RELEASE,
                f"proof dated {proof.value}, model released {released_on}",
            )
            plausible = False
    if plausible:
        run.add("purchase_date", CheckOutcome.PASS, detail=f"purchased {proof.value}")
    return plausible


def purchase_in_window(
    plan: Plan, purchased_on: date, enrolled_on: date, submitted_on: date
) -> bool:
    """Whether a purchase date qualifies an older device under ``plan.purchase_window``."""
    window = plan.purchase_window
    if window is None:
        return True
    earliest = add_years(enrolled_on, -window.years_before_anchor)
    ok = purchased_on >= earliest if window.earliest_inclusive else purchased_on > earliest
    years = window.max_years_since_purchase_at_submission
    if ok and years is not None:
        limit = add_years(purchased_on, years)
        ok = submitted_on <= limit if window.max_years_inclusive else submitted_on < limit
    return ok


def _check_release_and_window(
    run: _Run,
    facts: RegistrationFacts,
    plan: Plan,
    over: bool | None,
    proof: _ProofDate,
    dates_plausible: bool,
    docs: dict[DocumentKind, InspectionResult],
    age_established: bool,
) -> None:
    rule = plan.release_rule
    if rule is None:
        run.add("release_window", CheckOutcome.PASS, detail=f"{plan.id} has no release-age rule")
        return
    if over is False:
        run.add("release_window", CheckOutcome.PASS, detail=f"released within {rule.years} years")
        return
    if over is None:
        # Unknown release date: MODEL_NOT_IN_CATALOG already sends this to a person.
        run.add("release_window", CheckOutcome.SKIPPED, detail="release date unknown")
        if proof.value is not None:
            ok = purchase_in_window(plan, proof.value, facts.enrolled_on, facts.submitted_on)
            run.add(
                "purchase_window",
                CheckOutcome.INFO,
                detail=f"purchase {proof.value} {'inside' if ok else 'outside'} the window "
                "for older devices",
            )
        return

    # Older than the release rule: only a qualifying purchase (with proof) keeps it covered.
    fail = CheckOutcome.REJECT if age_established else CheckOutcome.REVIEW
    unsure_age = "" if age_established else " (release date unverified: a person confirms)"
    window = plan.purchase_window
    assert window is not None  # guaranteed by Plan's validator
    proof_doc = docs.get(DocumentKind.PROOF)
    if proof.value is None and not facts.declared.purchased_after_enrollment and (
        window.years_before_anchor == 0
    ):
        # 001/003: only devices bought after the contract start can qualify; the subscriber
        # says it was bought before, so no proof can help.
        run.add(
            "release_window",
            fail,
            ReasonCode.RELEASE_TOO_OLD,
            f"released over {rule.years} years before {rule.anchor_term_ja} and declared "
            f"bought before it{unsure_age}",
        )
        return
    if proof_doc is None:
        run.add("purchase_window", CheckOutcome.SKIPPED, detail="no purchase proof")
        return
    if proof.value is None:
        if ReasonCode.DATE_NOT_FOUND not in proof_doc.flags and not proof_doc.flags:
            run.add(
                "purchase_window",
                CheckOutcome.RESUBMIT,
                ReasonCode.DATE_NOT_FOUND,
                "the proof shows no purchase date",
            )
        else:
            run.add("purchase_window", CheckOutcome.SKIPPED, detail="no readable purchase date")
        return
    ok = purchase_in_window(plan, proof.value, facts.enrolled_on, facts.submitted_on)
    if "purchase_date" in proof_doc.uncertain and not proof_doc.flags:
        # The whole eligibility of an older device rests on this date: a person confirms it.
        run.add(
            "purchase_window",
            CheckOutcome.REVIEW,
            ReasonCode.INSPECTION_UNCERTAIN,
            f"older device; purchase date {proof.value} "
            f"({'inside' if ok else 'outside'} the window) was read with doubt",
        )
        return
    if ok:
        run.add("purchase_window", CheckOutcome.PASS, detail=f"purchase {proof.value} qualifies")
        return
    if not proof.trusted or not dates_plausible:
        run.add(
            "purchase_window",
            CheckOutcome.SKIPPED,
            detail=f"purchase {proof.value} outside the window, but the date is not reliable",
        )
        return
    run.add(
        "release_window",
        fail,
        ReasonCode.RELEASE_TOO_OLD,
        f"released over {rule.years} years before {rule.anchor_term_ja}{unsure_age}",
    )
    run.add(
        "purchase_window",
        fail,
        ReasonCode.PURCHASE_OUTSIDE_WINDOW,
        f"purchase {proof.value} outside the window for older devices",
    )
