"""Inspection benchmark: ``python -m bench.run`` (``make bench``). See ``docs/bench.md``."""

import sys
from pathlib import Path

# Measure the code of THIS checkout. The package is installed editable from the main
# checkout, so run from a worktree (to compare two commits) the benchmark and its
# workers would otherwise import the main checkout's ``shared/`` and compare it with
# itself.
_SHARED = str(Path(__file__).resolve().parent.parent / "shared")
if _SHARED not in sys.path:
    sys.path.insert(0, _SHARED)
