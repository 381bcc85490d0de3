"""The SAM-local event files (tests/events/*.json), re-targeted at the running stack."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

EVENTS = Path(__file__).resolve().parents[1] / "events"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return data


def inspect_event(objects: list[tuple[str, str]], *, receive_count: int = 1) -> dict[str, Any]:
    """One SQS record per (bucket, key), each carrying an S3 notification as S3 sends it."""
    template = load("inspect_s3_upload.json")["Records"][0]
    records = []
    for bucket, key in objects:
        record = copy.deepcopy(template)
        body = json.loads(record["body"])
        s3 = body["Records"][0]["s3"]
        s3["bucket"] = {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}
        s3["object"] = {"key": quote_plus(key), "size": 1}  # S3 URL-encodes keys
        record["body"] = json.dumps(body)
        record["messageId"] = str(uuid.uuid4())
        record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
        records.append(record)
    return {"Records": records}


def decide_event(registration_id: str, copies: int = 1) -> dict[str, Any]:
    template = load("eligibility_decide.json")["Records"][0]
    records = []
    for _ in range(copies):
        record = copy.deepcopy(template)
        record["body"] = json.dumps({"registration_id": registration_id})
        record["messageId"] = str(uuid.uuid4())
        records.append(record)
    return {"Records": records}
