"""Back photos end to end on a few generated cases (fixed seeds, small photos, cached)."""

from __future__ import annotations

import functools

from device_intake.domain.documents import InspectionResult
from device_intake.inspection.back import inspect_back
from device_intake.inspection.loading import load_document

from tests.generator.cases import CaseSpec, generate


@functools.cache
def _inspect(family: str, seed: int, **extra: object) -> InspectionResult:
    params: dict[str, object] = {"photo_size": (1536, 2048), **extra}
    case = generate(CaseSpec(family, "dev", params), seed)
    doc = load_document(case.data, filename=case.filename, content_type=case.content_type)
    return inspect_back(doc)


def test_bare_back_is_acceptable_and_outlined() -> None:
    result = _inspect("back_photo", 1)
    assert result.flags == []
    assert [b.label for b in result.boxes] == ["device"]


def test_opaque_case_is_case_attached() -> None:
    assert _inspect("back_case", 2, case="opaque").flags == ["CASE_ATTACHED"]


def test_lit_settings_screen_on_the_back_slot_is_front_side_shown() -> None:
    assert _inspect("back_front_shown", 1).flags == ["FRONT_SIDE_SHOWN"]
