"""Which documents a registration needs (seed 000 items 5–7, the 'アップロードが必要な写真').

The matrix is plan data (:class:`~device_intake.domain.plans.DocumentRow`); this module only
reads it. A row lists alternatives: any ONE complete alternative satisfies it
(000: "購入日証明書(ない場合は端末の正面・背面の写真)" = proof, or front + back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from device_intake.domain.documents import DocumentKind
from device_intake.domain.plans import Plan

_ORDER = (DocumentKind.PROOF, DocumentKind.FRONT, DocumentKind.BACK)


@dataclass(frozen=True, slots=True)
class DocumentRequirement:
    """The matrix row that applies to one registration."""

    alternatives: tuple[frozenset[DocumentKind], ...]

    @property
    def required(self) -> list[DocumentKind]:
        """What the form asks for first (the first alternative), in display order."""
        return [k for k in _ORDER if k in self.alternatives[0]]

    @property
    def optional(self) -> list[DocumentKind]:
        """Everything else: documents that can stand in for a required one (another
        alternative) or are accepted on top (an extra proof is always cross-checked)."""
        return [k for k in _ORDER if k not in self.alternatives[0]]

    def is_satisfied_by(self, present: Iterable[DocumentKind]) -> bool:
        have = set(present)
        return any(alt <= have for alt in self.alternatives)

    def missing(self, present: Iterable[DocumentKind]) -> list[DocumentKind]:
        """What is still missing for the closest alternative.

        Closest: fewest missing; on a tie, the one the subscriber has started (a front photo
        without its back asks for the back, not for a proof); then the form's order.
        """
        have = set(present)
        best = min(self.alternatives, key=lambda alt: (len(alt - have), -len(alt & have)))
        return [k for k in _ORDER if k in best - have]


def document_requirement(
    plan: Plan, purchased_after_enrollment: bool, release_over_5_years: bool
) -> DocumentRequirement:
    """The matrix row of ``plan`` for these answers to form items 5 and 6 (first match wins)."""
    for row in plan.documents:
        if (
            row.purchased_after_enrollment is not None
            and row.purchased_after_enrollment != purchased_after_enrollment
        ):
            continue
        if row.release_over_years is not None and row.release_over_years != release_over_5_years:
            continue
        return DocumentRequirement(tuple(frozenset(alt) for alt in row.alternatives))
    raise LookupError(f"plan {plan.version} has no documents row for these answers")


def required_documents(
    plan: Plan, purchased_after_enrollment: bool, release_over_5_years: bool
) -> tuple[list[DocumentKind], list[DocumentKind]]:
    """``(required, optional)`` for the registration form and ``RegistrationView``.

    ``required`` is the first alternative of the row; ``optional`` the documents of the
    other alternatives (e.g. front + back when a proof is what the form asks for first).
    """
    req = document_requirement(plan, purchased_after_enrollment, release_over_5_years)
    return req.required, req.optional


# Alias under the name used in /tmp/team.md's interface list.
documents_required = required_documents
