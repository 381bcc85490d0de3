"""DynamoDB repository: one table, access patterns in docs/pipeline.md.

Items (pk / sk):
  REG#<id> / META            the registration (status, device, decision); GSIs BySubscriber, ByImei
  REG#<id> / DOC#<kind>      one document slot and its latest inspection
  REG#<id> / DECISION#<fp>   once-only marker of a system decision on a set of document versions
  REG#<id> / REVIEW          review item; ``queue_pk`` present only while open (GSI ReviewQueue)
  REG#<id> / AUDIT#<at>#<n>  audit trail
  OBJ#<bucket>/<key> / V#<version-id>   processed marker of one S3 object version (idempotency)
  SUB#<id> / PROFILE         the subscriber's contact phone

Each model is stored as JSON in ``body`` next to the top-level attributes that conditions and
indexes need; every mutable item carries ``rev`` for optimistic concurrency.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from device_intake.app.errors import Conflict, NotFound
from device_intake.app.ports import ProcessedObject
from device_intake.app.records import (
    IN_FLIGHT,
    AuditEntry,
    DecisionRecord,
    DocumentSlot,
    DocumentStatus,
    Registration,
    RegistrationStatus,
    RejectedObject,
    ReviewItem,
    SubscriberProfile,
    parse_iso,
)
from device_intake.domain.documents import DocumentKind, InspectionResult

T = TypeVar("T")
OPEN = "OPEN"
_RETRIES = 8


def _reg_pk(registration_id: str) -> str:
    return f"REG#{registration_id}"


def _obj_key(bucket: str, key: str, version_id: str | None) -> dict[str, Any]:
    return {"pk": f"OBJ#{bucket}/{key}", "sk": f"V#{version_id or 'null'}"}


def _condition_failed(exc: ClientError) -> bool:
    code = exc.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = exc.response.get("CancellationReasons") or []
        # Any conflict or failed condition: the caller re-reads and decides again.
        return all(r.get("Code") in ("None", "ConditionalCheckFailed", "TransactionConflict")
                   for r in reasons) if reasons else True
    return False


class DynamoRegistrationRepository:
    """``RegistrationRepository`` over one DynamoDB table (``TableName`` from template.yaml)."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client
        self._name = table.name

    # ------------------------------------------------------------------ helpers
    def _items(self, pk: str, prefix: str | None = None) -> list[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        cond: Any = Key("pk").eq(pk)
        if prefix:
            cond = cond & Key("sk").begins_with(prefix)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": cond, "ConsistentRead": True}
        while True:
            page = self._table.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True).get("Item")
        return item

    @staticmethod
    def _meta_item(reg: Registration, rev: int) -> dict[str, Any]:
        body = reg.model_dump(mode="json", exclude={"documents"})
        item: dict[str, Any] = {
            "pk": _reg_pk(reg.id),
            "sk": "META",
            "type": "registration",
            "rev": rev,
            "status": reg.status,
            "subscriber_id": reg.subscriber_id,
            "plan": reg.plan,
            "updated_at": reg.updated_at,
            "gsi1pk": f"SUB#{reg.subscriber_id}",
            "gsi1sk": f"{reg.created_at}#{reg.id}",
            "body": json.dumps(body, ensure_ascii=False),
        }
        if reg.device.imei:
            item["imei_pk"] = f"IMEI#{reg.device.imei}"
            item["imei_sk"] = _reg_pk(reg.id)
        return item

    @staticmethod
    def _doc_item(registration_id: str, slot: DocumentSlot, rev: int) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": _reg_pk(registration_id),
            "sk": f"DOC#{slot.kind.value}",
            "type": "document",
            "rev": rev,
            "status": slot.status,
            "body": slot.model_dump_json(),
        }
        if slot.expected_key:
            item["expected_key"] = slot.expected_key
        return item

    def _assemble(self, items: list[dict[str, Any]]) -> Registration | None:
        meta = next((i for i in items if i["sk"] == "META"), None)
        if meta is None:
            return None
        data = json.loads(meta["body"])
        slots = [DocumentSlot.model_validate_json(i["body"]) for i in items
                 if i["sk"].startswith("DOC#")]
        order = list(DocumentKind)
        data["documents"] = {
            s.kind: s.model_dump(mode="json")
            for s in sorted(slots, key=lambda s: order.index(s.kind))
        }
        return Registration.model_validate(data)

    def _update_meta(
        self, registration_id: str, change: Callable[[Registration], Registration | None]
    ) -> Registration | None:
        """Read-modify-write META with optimistic locking; ``change`` returns None to skip."""
        return self._compare_and_set(
            registration_id,
            "META",
            lambda item: Registration.model_validate(json.loads(item["body"])),
            self._meta_item,
            change,
            "registration",
        )

    def _update_doc(
        self,
        registration_id: str,
        kind: DocumentKind,
        change: Callable[[DocumentSlot], DocumentSlot | None],
    ) -> DocumentSlot | None:
        return self._compare_and_set(
            registration_id,
            f"DOC#{kind.value}",
            lambda item: DocumentSlot.model_validate_json(item["body"]),
            lambda slot, rev: self._doc_item(registration_id, slot, rev),
            change,
            "document slot",
        )

    def _compare_and_set(
        self,
        registration_id: str,
        sk: str,
        parse: Callable[[dict[str, Any]], T],
        to_item: Callable[[T, int], dict[str, Any]],
        change: Callable[[T], T | None],
        what: str,
    ) -> T | None:
        """One item's read-modify-write under its ``rev`` counter, retried on a lost race."""
        for _ in range(_RETRIES):
            item = self._get(_reg_pk(registration_id), sk)
            if item is None:
                raise NotFound(f"{what} not found")
            changed = change(parse(item))
            if changed is None:
                return None
            try:
                self._table.put_item(
                    Item=to_item(changed, int(item["rev"]) + 1),
                    ConditionExpression="rev = :rev",
                    ExpressionAttributeValues={":rev": item["rev"]},
                )
                return changed
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
        raise Conflict(f"{what} is being changed concurrently")

    # ------------------------------------------------------------------ registrations
    def add(self, registration: Registration) -> None:
        meta = registration.model_copy(update={"documents": {}})
        transact = [
            {
                "Put": {
                    "TableName": self._name,
                    "Item": self._meta_item(meta, 1),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ] + [
            {"Put": {"TableName": self._name, "Item": self._doc_item(registration.id, slot, 1)}}
            for slot in registration.documents.values()
        ]
        self._table_transact(transact)

    def _table_transact(self, items: list[dict[str, Any]]) -> None:
        # The resource's own client serialises plain Python values (as the Table does).
        self._client.transact_write_items(TransactItems=items)

    def get(self, registration_id: str) -> Registration | None:
        items = [
            i for i in self._items(_reg_pk(registration_id))
            if i["sk"] == "META" or i["sk"].startswith("DOC#")
        ]
        return self._assemble(items)

    def list_for_subscriber(self, subscriber_id: str) -> list[Registration]:
        from boto3.dynamodb.conditions import Key

        ids: list[str] = []
        kwargs: dict[str, Any] = {
            "IndexName": "BySubscriber",
            "KeyConditionExpression": Key("gsi1pk").eq(f"SUB#{subscriber_id}"),
            "ScanIndexForward": False,
        }
        while True:
            page = self._table.query(**kwargs)
            ids.extend(i["pk"].removeprefix("REG#") for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        found = [self.get(i) for i in ids]
        return [r for r in found if r is not None]

    def start_upload(
        self, registration_id: str, kind: DocumentKind, key: str, at: str
    ) -> DocumentSlot:
        def bump(slot: DocumentSlot) -> DocumentSlot:
            return DocumentSlot(kind=kind, version=slot.version + 1, expected_key=key)

        slot = self._update_doc(registration_id, kind, bump)
        assert slot is not None

        def reopen(reg: Registration) -> Registration:
            return reg.model_copy(
                update={"status": "AWAITING_UPLOADS", "decision": None, "failure": None,
                        "updated_at": at}
            )

        self._update_meta(registration_id, reopen)
        review = self._get(_reg_pk(registration_id), "REVIEW")
        if review is not None and "queue_pk" in review:
            # A resubmission supersedes whatever a reviewer was asked to look at.
            self._table.update_item(
                Key={"pk": _reg_pk(registration_id), "sk": "REVIEW"},
                UpdateExpression="REMOVE queue_pk, queue_sk",
            )
        return slot

    def begin_inspection(
        self, registration_id: str, kind: DocumentKind, key: str, version_id: str | None, at: str
    ) -> bool:
        def start(slot: DocumentSlot) -> DocumentSlot | None:
            if slot.expected_key != key or slot.status in ("INSPECTED", "REJECTED_FILE"):
                return None
            return slot.model_copy(
                update={"status": "INSPECTING", "object_key": key, "object_version": version_id,
                        "uploaded_at": slot.uploaded_at or at}
            )

        return self._update_doc(registration_id, kind, start) is not None

    def processed_object(
        self, bucket: str, key: str, version_id: str | None
    ) -> ProcessedObject | None:
        k = _obj_key(bucket, key, version_id)
        item = self._get(k["pk"], k["sk"])
        if item is None:
            return None
        return ProcessedObject(
            bucket=bucket, key=key, version_id=version_id, outcome=item["outcome"],
            reason=item.get("reason"), at=item["at"],
        )

    def _marker(
        self, bucket: str, key: str, version_id: str | None, outcome: str, reason: str | None,
        at: str,
    ) -> dict[str, Any]:
        item = {**_obj_key(bucket, key, version_id), "type": "object", "outcome": outcome,
                "at": at}
        if reason:
            item["reason"] = reason
        return item

    def record_inspection(
        self,
        registration_id: str,
        kind: DocumentKind,
        *,
        bucket: str,
        key: str,
        version_id: str | None,
        status: DocumentStatus,
        flags: list[str],
        inspection: InspectionResult | None,
        clean_key: str | None,
        at: str,
    ) -> bool:
        for _ in range(_RETRIES):
            item = self._get(_reg_pk(registration_id), f"DOC#{kind.value}")
            if item is None:
                return False
            slot = DocumentSlot.model_validate_json(item["body"])
            if slot.expected_key != key:
                return False
            done = slot.model_copy(
                update={"status": status, "flags": flags, "inspection": inspection,
                        "clean_key": clean_key, "inspected_at": at,
                        "object_key": key, "object_version": version_id,
                        "uploaded_at": slot.uploaded_at or at}
            )
            try:
                self._table_transact([
                    {"Put": {
                        "TableName": self._name,
                        "Item": self._marker(bucket, key, version_id, status,
                                             flags[0] if status == "REJECTED_FILE" and flags
                                             else None, at),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }},
                    {"Put": {
                        "TableName": self._name,
                        "Item": self._doc_item(registration_id, done, int(item["rev"]) + 1),
                        "ConditionExpression": "rev = :rev AND expected_key = :key",
                        "ExpressionAttributeValues": {":rev": item["rev"], ":key": key},
                    }},
                ])
                return True
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
                if self.processed_object(bucket, key, version_id) is not None:
                    return False
        raise Conflict("document is being changed concurrently")

    def record_rejected_object(self, rejected: RejectedObject) -> bool:
        try:
            self._table.put_item(
                Item=self._marker(rejected.bucket, rejected.key, rejected.version_id,
                                  "REJECTED_OBJECT", rejected.reason, rejected.at),
                ConditionExpression="attribute_not_exists(pk)",
            )
            return True
        except ClientError as exc:
            if _condition_failed(exc):
                return False
            raise

    def set_status(self, registration_id: str, status: RegistrationStatus) -> bool:
        def move(reg: Registration) -> Registration | None:
            if reg.status not in IN_FLIGHT or reg.status == status:
                return None
            return reg.model_copy(update={"status": status})

        return self._update_meta(registration_id, move) is not None

    def save_decision(
        self,
        registration_id: str,
        decision: DecisionRecord,
        status: RegistrationStatus,
        *,
        audit: AuditEntry | None = None,
        review: ReviewItem | None = None,
    ) -> bool:
        """Once per fingerprint, and only while the documents are still those versions."""
        marker = {
            "pk": _reg_pk(registration_id),
            "sk": f"DECISION#{decision.fingerprint}",
            "type": "decision",
            "body": decision.model_dump_json(),
        }
        for _ in range(_RETRIES):
            item = self._get(_reg_pk(registration_id), "META")
            if item is None:
                return False
            reg = Registration.model_validate(json.loads(item["body"]))
            if reg.status not in IN_FLIGHT:
                return False
            # Read after META: a new ticket changes the slot first and META (rev) second, so
            # either the fingerprint differs here or the rev condition below fails.
            current = self.get(registration_id)
            if current is None or current.fingerprint() != decision.fingerprint:
                return False  # decided on documents that have been superseded
            decided = reg.model_copy(
                update={"status": status, "decision": decision, "updated_at": decision.decided_at}
            )
            ops: list[dict[str, Any]] = [
                {"Put": {"TableName": self._name, "Item": marker,
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self._name,
                         "Item": self._meta_item(decided, int(item["rev"]) + 1),
                         "ConditionExpression": "rev = :rev",
                         "ExpressionAttributeValues": {":rev": item["rev"]}}},
            ]
            if audit is not None:
                ops.append({"Put": {"TableName": self._name, "Item": self._audit_item(audit)}})
            if review is not None:
                existing = self._get(_reg_pk(registration_id), "REVIEW")
                rev = int(existing["rev"]) + 1 if existing else 1
                ops.append({"Put": {"TableName": self._name,
                                    "Item": self._review_item(review, rev)}})
            try:
                self._table_transact(ops)
                return True
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
                if self._get(marker["pk"], marker["sk"]) is not None:
                    return False
        raise Conflict("registration is being changed concurrently")

    def mark_failed(
        self, registration_id: str, kind: DocumentKind | None, reason: str, at: str
    ) -> None:
        if kind is not None:
            self._update_doc(
                registration_id, kind,
                lambda s: s.model_copy(update={"status": "REJECTED_FILE", "flags": [reason]}),
            )
        self._update_meta(
            registration_id,
            lambda r: r.model_copy(update={"status": "FAILED", "failure": reason,
                                           "updated_at": at}),
        )

    def imei_holders(self, imei: str) -> list[tuple[str, str]]:
        from boto3.dynamodb.conditions import Key

        page = self._table.query(
            IndexName="ByImei", KeyConditionExpression=Key("imei_pk").eq(f"IMEI#{imei}")
        )
        return [(i["pk"].removeprefix("REG#"), i["subscriber_id"]) for i in page.get("Items", [])]

    def get_profile(self, subscriber_id: str) -> SubscriberProfile | None:
        item = self._get(f"SUB#{subscriber_id}", "PROFILE")
        return SubscriberProfile.model_validate_json(item["body"]) if item else None

    def save_profile(self, profile: SubscriberProfile) -> None:
        self._table.put_item(Item={"pk": f"SUB#{profile.subscriber_id}", "sk": "PROFILE",
                                   "type": "profile", "body": profile.model_dump_json()})

    # ------------------------------------------------------------------ review
    @staticmethod
    def _review_item(item: ReviewItem, rev: int) -> dict[str, Any]:
        row: dict[str, Any] = {
            "pk": _reg_pk(item.registration_id),
            "sk": "REVIEW",
            "type": "review",
            "rev": rev,
            "body": item.model_dump_json(),
        }
        if item.open:
            row["queue_pk"] = OPEN
            row["queue_sk"] = f"{item.queued_at}#{item.registration_id}"
        if item.claimed_by:
            row["claimed_by"] = item.claimed_by
            row["lease_expires_at"] = item.lease_expires_at
        return row

    def enqueue_review(self, item: ReviewItem) -> None:
        existing = self._get(_reg_pk(item.registration_id), "REVIEW")
        rev = int(existing["rev"]) + 1 if existing else 1
        self._table.put_item(Item=self._review_item(item, rev))

    def review_queue(self, limit: int) -> list[ReviewItem]:
        from boto3.dynamodb.conditions import Key

        items: list[ReviewItem] = []
        kwargs: dict[str, Any] = {
            "IndexName": "ReviewQueue",
            "KeyConditionExpression": Key("queue_pk").eq(OPEN),
            "ScanIndexForward": True,
        }
        while len(items) < limit:
            page = self._table.query(**kwargs)
            items.extend(ReviewItem.model_validate_json(i["body"]) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items[:limit]

    def get_review(self, registration_id: str) -> ReviewItem | None:
        item = self._get(_reg_pk(registration_id), "REVIEW")
        return ReviewItem.model_validate_json(item["body"]) if item else None

    def claim(self, registration_id: str, reviewer: str, now: str, until: str) -> ReviewItem:
        item = self._get(_reg_pk(registration_id), "REVIEW")
        if item is None:
            raise NotFound("no review item")
        review = ReviewItem.model_validate_json(item["body"])
        if not review.open:
            raise Conflict("this item has been decided")
        claimed = review.model_copy(update={"claimed_by": reviewer, "lease_expires_at": until})
        try:
            # The condition, not the read above, decides who wins a simultaneous claim.
            self._table.put_item(
                Item=self._review_item(claimed, int(item["rev"]) + 1),
                ConditionExpression=(
                    "rev = :rev AND (attribute_not_exists(claimed_by) OR claimed_by = :me"
                    " OR lease_expires_at <= :now)"
                ),
                ExpressionAttributeValues={":rev": item["rev"], ":me": reviewer, ":now": now},
            )
        except ClientError as exc:
            if _condition_failed(exc):
                raise Conflict("another reviewer holds this item") from exc
            raise
        return claimed

    def release(self, registration_id: str, reviewer: str, now: str) -> None:
        item = self._get(_reg_pk(registration_id), "REVIEW")
        if item is None:
            raise NotFound("no review item")
        review = ReviewItem.model_validate_json(item["body"])
        released = review.model_copy(update={"claimed_by": None, "lease_expires_at": None})
        try:
            self._table.put_item(
                Item=self._review_item(released, int(item["rev"]) + 1),
                ConditionExpression="rev = :rev AND claimed_by = :me AND lease_expires_at > :now",
                ExpressionAttributeValues={":rev": item["rev"], ":me": reviewer, ":now": now},
            )
        except ClientError as exc:
            if _condition_failed(exc):
                raise Conflict("you do not hold this item") from exc
            raise

    def complete_review(
        self,
        registration_id: str,
        reviewer: str,
        now: str,
        decision: DecisionRecord,
        status: RegistrationStatus,
        field_edits: dict[DocumentKind, dict[str, str | None]],
        audit: AuditEntry,
    ) -> None:
        pk = _reg_pk(registration_id)
        review_row = self._get(pk, "REVIEW")
        meta_row = self._get(pk, "META")
        if review_row is None or meta_row is None:
            raise NotFound("no review item")
        review = ReviewItem.model_validate_json(review_row["body"])
        reg = Registration.model_validate(json.loads(meta_row["body"]))
        closed = review.model_copy(update={"open": False, "status": status})
        decided = reg.model_copy(
            update={"status": status, "decision": decision, "updated_at": now, "failure": None}
        )
        ops: list[dict[str, Any]] = [
            {"Put": {
                "TableName": self._name,
                "Item": self._review_item(closed, int(review_row["rev"]) + 1)
                | {"claimed_by": reviewer},
                "ConditionExpression": (
                    "rev = :rev AND claimed_by = :me AND lease_expires_at > :now"
                ),
                "ExpressionAttributeValues": {":rev": review_row["rev"], ":me": reviewer,
                                              ":now": now},
            }},
            {"Put": {
                "TableName": self._name,
                "Item": self._meta_item(decided, int(meta_row["rev"]) + 1),
                "ConditionExpression": "rev = :rev",
                "ExpressionAttributeValues": {":rev": meta_row["rev"]},
            }},
            {"Put": {"TableName": self._name, "Item": self._audit_item(audit)}},
        ]
        for kind, edits in field_edits.items():
            doc_row = self._get(pk, f"DOC#{kind.value}")
            if doc_row is None:
                raise NotFound("document slot not found")
            slot = DocumentSlot.model_validate_json(doc_row["body"])
            edited = slot.model_copy(update={"field_edits": {**slot.field_edits, **edits}})
            ops.append({"Put": {
                "TableName": self._name,
                "Item": self._doc_item(registration_id, edited, int(doc_row["rev"]) + 1),
                "ConditionExpression": "rev = :rev",
                "ExpressionAttributeValues": {":rev": doc_row["rev"]},
            }})
        try:
            self._table_transact(ops)
        except ClientError as exc:
            if _condition_failed(exc):
                raise Conflict("the lease expired or the registration changed") from exc
            raise

    @staticmethod
    def _audit_item(entry: AuditEntry) -> dict[str, Any]:
        return {
            "pk": _reg_pk(entry.registration_id),
            "sk": f"AUDIT#{entry.at}#{os.urandom(4).hex()}",
            "type": "audit",
            "body": entry.model_dump_json(),
        }

    def append_audit(self, entry: AuditEntry) -> None:
        self._table.put_item(Item=self._audit_item(entry))

    def audit_trail(self, registration_id: str) -> list[AuditEntry]:
        rows = self._items(_reg_pk(registration_id), "AUDIT#")
        entries = [AuditEntry.model_validate_json(r["body"]) for r in rows]
        return sorted(entries, key=lambda e: parse_iso(e.at))
