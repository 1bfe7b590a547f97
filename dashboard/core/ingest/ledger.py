"""Which files an ingest has begun and not finished: what a crash leaves behind (the poison-file rule).

Before the slow work on a file starts, a marker `data/state/inflight-<sha256>.json` is written; it is
removed when the ingest ends in any way the process survives (loaded, quarantined, failed, waiting).
A marker found when the same bytes come up again means a process died while it had them (killed, out
of memory, a reader that aborted the process). After `Settings.poison_after` such interruptions the
file is quarantined instead of being read again, so one file can never stop the inbox.

Markers live beside the store, not in it: a crash must leave the store exactly as it was.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dashboard.core.config import Settings

# Tells this process's markers from those of an earlier process that had the same pid.
_PROCESS = uuid.uuid4().hex


@dataclass
class Marker:
    file_name: str
    started_at: datetime
    pid: int
    process: str
    interruptions: int       # interruptions of these bytes before this attempt


def _path(settings: Settings, sha: str) -> Path:
    return settings.state_dir / f"inflight-{sha}.json"


def read(settings: Settings, sha: str) -> Marker | None:
    try:
        data = json.loads(_path(settings, sha).read_text(encoding="utf-8"))
        return Marker(file_name=str(data["file_name"]), started_at=datetime.fromisoformat(data["started_at"]),
                      pid=int(data["pid"]), process=str(data["process"]), interruptions=int(data["interruptions"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):   # a marker cut short by the crash itself
        return Marker(file_name="", started_at=datetime.min, pid=0, process="", interruptions=0)


def interruptions(settings: Settings, sha: str, last_finished: datetime | None) -> int:
    """How many attempts at these bytes ended with the process gone (0 when none, or when the last
    marker belongs to an attempt that did finish, or to a live process working on it now)."""
    marker = read(settings, sha)
    if marker is None or marker.process == _PROCESS:
        return 0
    if last_finished is not None and last_finished >= marker.started_at:
        return marker.interruptions           # that attempt finished; only its marker was left
    if marker.pid != os.getpid() and _alive(marker.pid):
        return 0
    return marker.interruptions + 1


def begin(settings: Settings, sha: str, file_name: str, started_at: datetime, interrupted: int) -> None:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    target = _path(settings, sha)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"file_name": file_name, "started_at": started_at.isoformat(), "pid": os.getpid(),
                               "process": _PROCESS, "interruptions": interrupted}, ensure_ascii=False),
                   encoding="utf-8")
    tmp.replace(target)


def finish(settings: Settings, sha: str) -> None:
    _path(settings, sha).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
