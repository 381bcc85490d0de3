"""Use case: inspect one uploaded file (CLI, the inspection Lambda, the benchmark).

Thin on purpose: the work is in ``inspection.engine.inspect_document``; this layer only
turns a path into bytes plus the hints (file name) the loader may use.
"""

from __future__ import annotations

from pathlib import Path

from device_intake.domain.documents import DocumentKind, InspectionResult
from device_intake.inspection.engine import inspect_document


def inspect_file(
    kind: DocumentKind | str, path: Path | str, debug_dir: Path | str | None = None
) -> InspectionResult:
    """Inspect the file at ``path`` (``OSError`` if it cannot be read: a caller problem)."""
    file_path = Path(path)
    return inspect_document(
        kind, file_path.read_bytes(), filename=file_path.name, debug_dir=debug_dir
    )


def inspect_bytes(
    kind: DocumentKind | str,
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    debug_dir: Path | str | None = None,
) -> InspectionResult:
    """Inspect an upload already in memory (e.g. read from S3 by the pipeline)."""
    return inspect_document(
        kind, data, filename=filename, content_type=content_type, debug_dir=debug_dir
    )
