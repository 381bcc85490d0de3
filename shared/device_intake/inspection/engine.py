"""One entry point for every upload: :func:`inspect_document` (load → route → time).

Error policy (the pipeline relies on it):

- Bad INPUT never raises: an unreadable, unsupported or oversized file comes back as an
  :class:`InspectionResult` whose ``flags`` hold the reason (``CORRUPT_FILE``,
  ``UNSUPPORTED_FORMAT``, ``FILE_TOO_LARGE``).
- A BUG in an inspector (an unexpected exception) is NOT turned into a flag here: it
  propagates, so the queue retries it and, after the retries, the pipeline records
  ``INSPECTION_FAILED`` and a reviewer looks. Hiding it as, say, ``CORRUPT_FILE`` would
  tell a subscriber their good photo is broken and hide the bug from us.
- ``OcrUnavailableError`` (tesseract or its language data missing) also propagates: it is
  a deployment fault, not a property of the document.

OCR engines are created once per process (Lambda container) through
``inspection.ocr.default_engine()``, lazily on the first call that needs one, never at
import time and never per call. The engine is chosen by ``DEVICE_INTAKE_OCR``
(``tesseract`` | ``rapidocr`` | ``hybrid``); see ``docs/inspection.md``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from device_intake.domain.documents import DocumentKind, InspectionResult
from device_intake.inspection import debug as debug_images
from device_intake.inspection.loading import DocumentRejected, LoadedDocument, load_document

log = logging.getLogger(__name__)


def inspect_document(
    kind: DocumentKind | str,
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    debug_dir: Path | str | None = None,
) -> InspectionResult:
    """Inspect one upload of ``kind`` (front / back / proof).

    Never raises for bad input (see the module docstring); raises ``ValueError`` for an
    unknown ``kind`` (a caller bug). With ``debug_dir``, annotated images showing why the
    result came out as it did are written there (see ``inspection.debug``).
    """
    doc_kind = DocumentKind(kind)
    started = time.perf_counter()
    recorder = debug_images.DebugRecorder(Path(debug_dir)) if debug_dir else None
    doc: LoadedDocument | None = None
    try:
        doc = load_document(data, filename=filename, content_type=content_type)
    except DocumentRejected as exc:
        log.info("document rejected kind=%s code=%s detail=%s", doc_kind, exc.code, exc.detail)
        result = InspectionResult(kind=doc_kind, flags=[exc.code])
    else:
        with debug_images.recording(recorder):
            result = _route(doc_kind, doc)
    result.duration_ms = round((time.perf_counter() - started) * 1000.0, 1)
    if recorder is not None:
        recorder.write_result(doc, result)
    log.info(
        "inspected kind=%s flags=%s engine=%s duration_ms=%s",
        doc_kind,
        ",".join(result.flags) or "-",
        result.engine,
        result.duration_ms,
    )
    return result


def _route(kind: DocumentKind, doc: LoadedDocument) -> InspectionResult:
    # Imports are local so that loading a proof never imports the front/back models and a
    # back photo never builds an OCR engine.
    if kind is DocumentKind.FRONT:
        from device_intake.inspection.front import inspect_front
        from device_intake.inspection.ocr import default_engine

        return inspect_front(doc, default_engine())
    if kind is DocumentKind.BACK:
        from device_intake.inspection.back import inspect_back

        return inspect_back(doc)
    from device_intake.inspection.ocr import default_engine
    from device_intake.inspection.proof import inspect_proof

    # A PDF with a text layer needs no OCR at all: do not even build the engine.
    ocr = None if doc.text_layer else default_engine()
    return inspect_proof(doc, ocr)
