"""The inbox: files dropped into data/inbox/ are ingested once they stop changing.

One process owns the DuckDB file (the dashboard server); its watcher thread
calls `InboxWatcher.scan_once()` every few seconds. A CLI that finds the store
busy hands files over through the inbox and waits for their outcome JSON in
data/outcomes/ (see `hand_over`).
"""
from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from dashboard.core import store
from dashboard.core.config import Settings
from dashboard.core.ingest.loader import FileOutcome, ingest_file, sha256_of, write_outcome

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60.0
_TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".download")


def is_candidate(path: Path) -> bool:
    """Files the watcher considers: not hidden, not an editor lock or a partial download."""
    name = path.name
    return path.is_file() and not name.startswith((".", "~$")) and not name.lower().endswith(_TEMP_SUFFIXES)


def inbox_files(settings: Settings) -> list[Path]:
    if not settings.inbox_dir.is_dir():
        return []
    return sorted((p for p in settings.inbox_dir.iterdir() if is_candidate(p)), key=lambda p: p.stat().st_mtime)


class InboxWatcher:
    """Ingests settled inbox files. A file is settled when its size and mtime were
    the same at the previous scan and it is older than `settings.settle_seconds`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings,
                 on_outcome: Callable[[FileOutcome], None] | None = None):
        self.con = con
        self.settings = settings
        self.on_outcome = on_outcome
        self._last_seen: dict[Path, tuple[int, float]] = {}
        self._failed_at: dict[tuple[Path, int, float], float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.busy_with: str | None = None

    def scan_once(self, now: float | None = None) -> list[FileOutcome]:
        now = time.time() if now is None else now
        outcomes = []
        current = {}
        for path in inbox_files(self.settings):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            signature = (stat.st_size, stat.st_mtime)
            current[path] = signature
            settled = self._last_seen.get(path) == signature and now - stat.st_mtime >= self.settings.settle_seconds
            failed_key = (path, *signature)
            if not settled or now - self._failed_at.get(failed_key, -1e18) < RETRY_AFTER_SECONDS:
                continue
            outcome = self._ingest(path)
            if outcome is None:
                self._failed_at[failed_key] = now
                continue
            outcomes.append(outcome)
        self._last_seen = current
        return outcomes

    def _ingest(self, path: Path) -> FileOutcome | None:
        self.busy_with = path.name
        try:
            outcome = ingest_file(self.con, path, self.settings, keep_source=False)
        except Exception as exc:  # keep watching; the file stays in the inbox for a retry
            log.exception("ingest of %s failed", path)
            try:
                failed = FileOutcome(path.name, "failed", sha256_of(path),
                                     message=f"入库失败，文件留在收件箱，稍后重试：{exc}")
                write_outcome(self.settings, failed)
            except OSError:
                pass
            return None
        finally:
            self.busy_with = None
        write_outcome(self.settings, outcome)
        if self.on_outcome:
            self.on_outcome(outcome)
        return outcome

    def start(self, interval: float = 2.0) -> None:
        if self._thread and self._thread.is_alive():
            return

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.scan_once()
                except Exception:  # never let the watcher die silently
                    log.exception("inbox scan failed")
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, name="inbox-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)


def hand_over(path: Path, settings: Settings, timeout: float,
              on_wait: Callable[[float], None] | None = None) -> FileOutcome | None:
    """Copy a file into the inbox for the running server and wait for its outcome.

    Returns None when no outcome arrived within `timeout` seconds (the file stays
    in the inbox and will still be ingested)."""
    sha = sha256_of(path)
    outcome_file = settings.outcomes_dir / f"{sha}.json"
    outcome_file.unlink(missing_ok=True)
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    target = settings.inbox_dir / path.name
    n = 1
    while target.exists():
        target = settings.inbox_dir / f"{path.stem}_{n}{path.suffix}"
        n += 1
    partial = settings.inbox_dir / f".{target.name}.part"
    shutil.copy2(path, partial)
    partial.replace(target)  # the watcher never sees a half-copied file
    deadline = time.time() + timeout
    while time.time() < deadline:
        if outcome_file.exists():
            data = json.loads(outcome_file.read_text(encoding="utf-8"))
            if data.get("status") != "failed":
                return FileOutcome(**data)
        if on_wait:
            on_wait(deadline - time.time())
        time.sleep(0.5)
    return None


@dataclass
class Owner:
    """The process that owns the store: its one read-write connection and its inbox watcher."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    watcher: InboxWatcher


_owner: Owner | None = None
_owner_lock = threading.Lock()


def _alive(owner: Owner) -> bool:
    try:
        owner.con.execute("select 1").fetchall()
        return True
    except duckdb.Error:
        return False


def open_owner(settings: Settings) -> Owner:
    """Open the store and start the watcher once per process (the dashboard server calls this
    at start-up, so drops are ingested before anyone opens a page; pages reuse it)."""
    global _owner
    with _owner_lock:
        if _owner is not None and _owner.settings.db_path == settings.db_path and _alive(_owner):
            return _owner
        if _owner is not None:
            _owner.watcher.stop()
        con = store.connect(settings.db_path, memory_limit=settings.server_memory_limit)
        for folder in (settings.inbox_dir, settings.archive_dir, settings.rejected_dir, settings.outcomes_dir):
            folder.mkdir(parents=True, exist_ok=True)
        watcher = InboxWatcher(con, settings)
        watcher.start()
        _owner = Owner(con=con, settings=settings, watcher=watcher)
        return _owner


def close_owner() -> None:
    """Stop the watcher and close the owned store (tests; a clean shutdown)."""
    global _owner
    with _owner_lock:
        if _owner is not None:
            _owner.watcher.stop()
            try:
                _owner.con.close()
            except duckdb.Error:
                pass
        _owner = None
