"""Inspection benchmark: ``python -m bench.run`` (``make bench``). See ``docs/bench.md``."""
