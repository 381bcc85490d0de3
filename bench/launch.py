"""Run a command and report its peak RSS: ``python -m bench.launch OUT.json -- CMD...``.

Linux carries a process's ``ru_maxrss`` across ``exec``, so a worker started straight
from the (large) benchmark parent would report the parent's memory as its own. This small
launcher is a fresh interpreter; the worker it forks starts from the launcher's few MB, so
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` here is the worker's own peak (or that of its
largest child process, e.g. a tesseract CLI run).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1 :]
    rc = subprocess.call(cmd)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.write_text(json.dumps({"returncode": rc, "children_maxrss_mb": round(peak_kb / 1024, 1)}))
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
