"""Root test configuration: keep it small; suites keep their fixtures in their own conftest."""

from __future__ import annotations

import os
from pathlib import Path

# tesseract on 2 cores: one OpenMP thread per process is ~5x faster than the default.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
