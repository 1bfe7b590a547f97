"""Stand-ins that really crash, importable by worker processes (a spawned worker imports by name)."""
from __future__ import annotations

import os


def crash_slice(*args, **kwargs):
    """Replaces enrich.prepare_slice: the worker process dies as a segfault or the OOM killer would
    kill it (no exception, no cleanup)."""
    os._exit(70)
