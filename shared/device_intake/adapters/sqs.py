"""The decide queue: the inspect step asks the eligibility function to decide."""

from __future__ import annotations

import json
from typing import Any


class SqsDecisionQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def request_decision(self, registration_id: str) -> None:
        self._sqs.send_message(
            QueueUrl=self._url, MessageBody=json.dumps({"registration_id": registration_id})
        )
