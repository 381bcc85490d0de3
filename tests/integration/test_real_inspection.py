"""One registration through the REAL inspection engine (OCR) with generated photos."""

from __future__ import annotations

import io

import pytest
from device_intake.domain.catalog import ModelCatalog
from device_intake.domain.documents import DocumentKind
from PIL import Image

from infra.local_stack import LocalStack
from tests.generator import CaseSpec, generate
from tests.integration.support import Client, ScriptedInspector, registration_body, upload

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_GPS_IFD = 0x8825


def _with_gps(jpeg: bytes) -> bytes:
    """The same photo as a phone would store it: with the place it was taken."""
    with Image.open(io.BytesIO(jpeg)) as im:
        exif = im.getexif()
        gps = exif.get_ifd(_GPS_IFD)
        gps.update({1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)})
        out = io.BytesIO()
        im.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


def test_generated_photos_are_inspected_decided_and_stored_without_gps(
    stack: LocalStack, subscriber: Client, inspector: ScriptedInspector
) -> None:
    front = generate(CaseSpec("front_photo", params={"photo_size": (900, 1200)}), 7)
    back = generate(CaseSpec("back_photo", params={"photo_size": (900, 1200)}), 7)
    imei = front.label["fields"]["imei"]
    match = ModelCatalog.load().match(front.label["fields"]["model_name"] or "")
    front_bytes = inspector.on(_with_gps(front.data), "real")
    back_bytes = inspector.on(back.data, "real")
    reg = subscriber.post("/api/registrations", registration_body(
        imei, model=front.label["fields"]["model_name"],
        model_id=match.model.id if match else None)).json()

    upload(reg["uploads"]["front"], front_bytes, front.filename)
    upload(reg["uploads"]["back"], back_bytes, back.filename)
    done = stack.wait_for_status(reg["id"], timeout=180)

    assert done.decision is not None
    slot = done.documents[DocumentKind.FRONT]
    assert slot.status == "INSPECTED" and slot.inspection is not None
    assert slot.inspection.engine  # the real engine names itself; the double does not
    clean = stack.client("s3").get_object(Bucket=stack.names["UploadsBucket"],
                                          Key=slot.clean_key)["Body"].read()
    with Image.open(io.BytesIO(front_bytes)) as original:
        assert original.getexif().get_ifd(_GPS_IFD)  # the upload had a location
    with Image.open(io.BytesIO(clean)) as stored:
        assert not stored.getexif().get_ifd(_GPS_IFD)  # the reviewer copy does not
