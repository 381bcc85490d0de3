"""The documents matrix (seed 000 items 5–7 and the 登録方法 list)."""

from __future__ import annotations

import pytest
from device_intake.domain.documents import DocumentKind
from device_intake.domain.plans import load_plan
from device_intake.domain.requirements import document_requirement, required_documents

FRONT, BACK, PROOF = DocumentKind.FRONT, DocumentKind.BACK, DocumentKind.PROOF


@pytest.mark.parametrize(
    "plan_id", ["keitai-support-plus", "vision-hikari", "smart-care-m", "nap-mobile-anshin"]
)
@pytest.mark.parametrize(
    ("after", "over", "required", "optional"),
    [
        # サービス加入日当日以降の購入端末：②購入日証明書(ない場合は端末の正面・背面の写真)
        (True, False, [PROOF], [FRONT, BACK]),
        # サービス加入日より前の購入端末：②端末の正面・背面の写真
        (False, False, [FRONT, BACK], [PROOF]),
        # 「5年経過している」をお選びいただいた場合は購入証明書のアップロードが必要
        # 表示例: ①購入証明書の写真 ②端末の正面写真と背面写真
        (True, True, [PROOF, FRONT, BACK], []),
        (False, True, [PROOF, FRONT, BACK], []),
    ],
)
def test_required_and_optional_documents(plan_id, after, over, required, optional):
    assert required_documents(load_plan(plan_id), after, over) == (required, optional)


def test_proof_alone_or_both_photos_satisfy_a_purchase_after_enrollment():
    req = document_requirement(load_plan("keitai-support-plus"), True, False)
    assert req.is_satisfied_by([PROOF])
    assert req.is_satisfied_by([FRONT, BACK])
    assert not req.is_satisfied_by([FRONT])
    assert req.missing([FRONT]) == [BACK]
    assert req.missing([]) == [PROOF]


def test_old_device_needs_all_three():
    req = document_requirement(load_plan("keitai-support-plus"), False, True)
    assert not req.is_satisfied_by([FRONT, BACK])
    assert req.missing([FRONT, BACK]) == [PROOF]
    assert req.is_satisfied_by([PROOF, FRONT, BACK])


def test_mobile_anshin_value_always_needs_the_contract_and_both_photos():
    plan = load_plan("mobile-anshin-value")
    for after in (True, False):
        for over in (True, False):
            assert required_documents(plan, after, over) == ([PROOF, FRONT, BACK], [])
