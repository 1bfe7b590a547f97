"""The inbox: files dropped into data/inbox/ are ingested once they stop changing.

One process owns the DuckDB file (the dashboard server); its watcher thread
calls `InboxWatcher.scan_once()` every few seconds. A CLI that finds the store
busy hands files over through the inbox and waits for their outcome JSON in
data/outcomes/ (see `hand_over`).
"""
from __future__ import annotations

import json
import logging
import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from dashboard.core import store
from dashboard.core.config import Settings
from dashboard.core.ingest import files
from dashboard.core.ingest.guard import megabytes
from dashboard.core.ingest.loader import (
    FileOutcome,
    ingest_file,
    judge_pending_replies,
    sha256_of,
    write_outcome,
)

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60.0          # the first retry after a failed write; doubled each time
RETRY_AT_MOST_SECONDS = 3600.0
_TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".download")


def is_candidate(path: Path) -> bool:
    """Entries the watcher considers: not hidden, not an editor lock or a partial download, not a
    folder. Links and other non-regular entries are candidates too: the loader moves them to
    rejected/ without reading them."""
    name = path.name
    if name.startswith((".", "~$")) or name.lower().endswith(_TEMP_SUFFIXES):
        return False
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _mtime(path: Path) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return 0.0


def inbox_entries(settings: Settings) -> list[Path]:
    """Every candidate in the inbox, links included (what the watcher handles), oldest first."""
    if not settings.inbox_dir.is_dir():
        return []
    return sorted((p for p in settings.inbox_dir.iterdir() if is_candidate(p)), key=_mtime)


def inbox_files(settings: Settings) -> list[Path]:
    """The regular files waiting in the inbox (what 数据管理 lists)."""
    return [p for p in inbox_entries(settings) if files.is_regular(p)]


@dataclass
class _Retry:
    attempts: int
    after: float


@dataclass
class _Archived:
    """A file moved to the archive: watched for a while in case its writer was only pausing."""

    path: Path
    name: str
    size: int
    mtime: float
    until: float


class InboxWatcher:
    """Ingests settled inbox files. A file is settled when its size and mtime have stayed the same for
    `settings.settle_seconds` (seen unchanged over that long, and not modified for that long).

    A failed write is retried after 60 s, then 2, 4 … minutes (at most hourly) and the loader quarantines
    the file after Settings.max_attempts; a file that changed while it was read must settle again;
    a file that could not be archived is not retried by this process (it would be a duplicate each
    time). An archived inbox file that keeps growing (its writer had only paused) is dropped into the
    inbox again, so the rows written late load too (the earlier ones as unchanged duplicates)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings,
                 on_outcome: Callable[[FileOutcome], None] | None = None):
        self.con = con
        self.settings = settings
        self.on_outcome = on_outcome
        self._first_seen: dict[Path, tuple[tuple[int, float], float]] = {}
        self._retry: dict[tuple[Path, int, float], _Retry] = {}
        self._stuck: set[tuple[Path, int, float]] = set()
        self._archived: list[_Archived] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.busy_with: str | None = None

    def scan_once(self, now: float | None = None) -> list[FileOutcome]:
        now = time.time() if now is None else now
        self._check_archived(now)
        outcomes = []
        seen = {}
        for path in inbox_entries(self.settings):
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue
            signature = (info.st_size, info.st_mtime)
            previous = self._first_seen.get(path)
            since = previous[1] if previous and previous[0] == signature else now
            seen[path] = (signature, since)
            key = (path, *signature)
            if not self._due(key, signature, since, now):
                continue
            outcome = self._ingest(path)
            self._after(path, key, outcome, now, seen)
            if outcome is not None and outcome.status not in ("failed", "waiting"):
                outcomes.append(outcome)
        self._first_seen = seen
        return outcomes

    def _due(self, key: tuple, signature: tuple[int, float], since: float, now: float) -> bool:
        settle = self.settings.settle_seconds
        if now - since < settle or now - signature[1] < settle or key in self._stuck:
            return False
        retry = self._retry.get(key)
        return retry is None or now >= retry.after

    def _after(self, path: Path, key: tuple, outcome: FileOutcome | None, now: float, seen: dict) -> None:
        status = outcome.status if outcome else "failed"
        if status == "waiting":
            seen.pop(path, None)                      # changed while read: it must settle again
        elif status == "failed":
            attempts = self._retry.get(key, _Retry(0, 0)).attempts + 1
            delay = min(RETRY_AFTER_SECONDS * 2 ** (attempts - 1), RETRY_AT_MOST_SECONDS)
            self._retry[key] = _Retry(attempts, now + delay)
        elif outcome.archive_error:
            self._stuck.add(key)
        elif outcome.archive_path:
            self._watch_archived(outcome, key, now)

    def _watch_archived(self, outcome: FileOutcome, key: tuple, now: float) -> None:
        """Loaded, duplicate or quarantined (a half-written workbook is broken): watched for growth.
        Links and other non-regular entries never are (their target is never read)."""
        archived = Path(outcome.archive_path)
        if files.is_regular(archived):
            self._archived.append(_Archived(archived, key[0].name, key[1], key[2],
                                            now + max(60.0, 10 * self.settings.settle_seconds)))

    def _check_archived(self, now: float) -> None:
        kept = []
        for entry in self._archived:
            try:
                info = os.lstat(entry.path)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if (info.st_size, info.st_mtime) != (entry.size, entry.mtime):
                stem, suffix = os.path.splitext(entry.name)
                again = files.place(self.settings.inbox_dir, f"{stem}（归档后续写）{suffix}", entry.path)
                log.warning("%s grew after it was archived; its new rows are ingested again as %s", entry.path, again)
                entry.size, entry.mtime, entry.until = info.st_size, info.st_mtime, now + 60.0
            if now < entry.until:
                kept.append(entry)
        self._archived = kept

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
        if outcome.sha256:
            write_outcome(self.settings, outcome)
        if self.on_outcome:
            self.on_outcome(outcome)
        return outcome

    def start(self, interval: float = 2.0) -> None:
        if self._thread and self._thread.is_alive():
            return

        def loop() -> None:
            judge_pending_replies(self.con, self.settings)
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
    files.place(settings.inbox_dir, path.name, path)  # the watcher never sees a half-copied file
    deadline = time.time() + timeout
    while time.time() < deadline:
        if outcome_file.exists():
            data = json.loads(outcome_file.read_text(encoding="utf-8"))
            if data.get("status") not in ("failed", "waiting"):    # those are tried again
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
        store.execute(owner.con, "meta/alive").fetchall()
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


class UploadRefused(ValueError):
    """An upload that must not go into the inbox (the message says why, in Chinese)."""


def place_upload(settings: Settings, name: str, data: bytes) -> Path:
    """Put an uploaded file into the inbox under a safe name (no folders or odd characters, bounded in
    bytes), atomically; the watcher ingests it once it has settled."""
    limit = settings.limits.max_file_bytes
    if len(data) > limit:
        raise UploadRefused(f"文件大小 {megabytes(len(data) / 2**20)}，超过上限 {megabytes(settings.limits.max_file_mb)}"
                            "（YUQING_MAX_FILE_MB），未放入收件箱：请拆分为几个较小的文件后再上传")
    if not data:
        raise UploadRefused("文件是空的（0 字节），未放入收件箱：请检查导出是否完成后再上传")
    try:
        return files.place(settings.inbox_dir, name, data)
    except OSError as exc:
        raise UploadRefused(f"无法写入收件箱（{exc.strerror or exc}），未放入：请检查 {settings.inbox_dir} 的空间和权限") \
            from exc
