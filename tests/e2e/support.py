"""Helpers for the browser tests: generated photos, API calls for set-up, waiting."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import requests

IN_FLIGHT = {"AWAITING_UPLOADS", "INSPECTING", "DECIDING"}
ENROLLED = date(2024, 4, 1)
XSS = "<img src=x onerror=\"document.title='pwned';alert(1)\">"


@dataclass(frozen=True)
class Photo:
    path: Path
    content_type: str
    label: dict[str, Any]

    @property
    def imei(self) -> str | None:
        return self.label.get("fields", {}).get("imei")

    @property
    def model_name(self) -> str | None:
        return self.label.get("fields", {}).get("model_name")


def generate_photo(family: str, seed: int, out: Path) -> Photo:
    """One upload from the team's generator (tests.generator), written to ``out``."""
    from tests.generator import CaseSpec, generate

    case = generate(CaseSpec(family), seed)
    path = out / case.filename
    path.write_bytes(case.data)
    return Photo(path, case.content_type, case.label)


class Api:
    """Set-up calls against the stack's HTTP API (the browser does the part under test)."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: Any = None, *, expect: int | None = None) -> Any:
        res = requests.request(
            method, f"{self.base}{path}", json=body, headers=self.headers, timeout=30
        )
        if expect is not None:
            assert res.status_code == expect, (method, path, res.status_code, res.text[:300])
        return res.json() if res.content else None

    def register(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "category": "smartphone",
            "maker": "Apple",
            "model": "iPhone 15",
            "model_id": None,
            "model_free_text": None,
            "imei": None,
            "serial": None,
            "purchased_after_enrollment": False,
            "release_over_5_years": False,
        }
        body.update(overrides)
        return self.call("POST", "/api/registrations", body, expect=201)

    def upload(self, registration_id: str, kind: str, photo: Photo) -> None:
        ticket = self.call(
            "POST",
            f"/api/registrations/{registration_id}/documents/{kind}/upload",
            {"content_type": photo.content_type, "filename": photo.path.name},
            expect=200,
        )
        with photo.path.open("rb") as fh:
            res = requests.post(
                ticket["url"],
                data=ticket["fields"],
                files={"file": (photo.path.name, fh, photo.content_type)},
                timeout=60,
            )
        assert res.status_code in (200, 201, 204), res.text[:300]

    def status(self, registration_id: str) -> str:
        return str(self.call("GET", f"/api/registrations/{registration_id}", expect=200)["status"])

    def wait_until_settled(self, registration_id: str, timeout: float = 150.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        view: dict[str, Any] = {}
        while time.monotonic() < deadline:
            view = self.call("GET", f"/api/registrations/{registration_id}", expect=200)
            busy = any(d["status"] in ("UPLOADED", "INSPECTING") for d in view["documents"])
            if view["status"] not in IN_FLIGHT and not busy:
                return view
            time.sleep(0.5)
        raise TimeoutError(f"{registration_id} still {view.get('status')}")
