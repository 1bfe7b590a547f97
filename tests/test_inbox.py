"""The inbox watcher takes a file only once it has stopped changing, and never a partial one."""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import replace

from dashboard.core.ingest.inbox import InboxWatcher, inbox_files
from tests.conftest import FIXTURES


def test_only_settled_files_are_taken(con, settings):
    settings = replace(settings, settle_seconds=5.0)
    watcher = InboxWatcher(con, settings)
    path = settings.inbox_dir / "drop.csv"
    shutil.copy(FIXTURES / "messages_utf8.csv", path)
    now = time.time()
    os.utime(path, (now, now))

    assert watcher.scan_once(now=now + 1) == []          # first sight: not yet known to be still
    with path.open("ab") as fh:                           # still being written: grows between scans
        fh.write(b"1007,A0,\xe6\xa0\x87\xe9\xa2\x98,2019/5/5 9:00:00,x,,,,0\r\n")
    os.utime(path, (now + 2, now + 2))
    assert watcher.scan_once(now=now + 3) == []
    assert watcher.scan_once(now=now + 4) == []           # unchanged now, but younger than 5 s
    outcomes = watcher.scan_once(now=now + 8)             # unchanged and old enough
    assert [o.status for o in outcomes] == ["loaded"] and outcomes[0].loaded_new == 7
    assert not path.exists()
    outcome_file = settings.outcomes_dir / f"{outcomes[0].sha256}.json"
    assert json.loads(outcome_file.read_text(encoding="utf-8"))["loaded_new"] == 7


def test_hidden_partial_and_lock_files_are_ignored(settings):
    for name in (".hidden.csv", "upload.csv.part", "~$book.xlsx", "big.csv.crdownload", "real.csv"):
        (settings.inbox_dir / name).write_text("x", encoding="utf-8")
    assert [p.name for p in inbox_files(settings)] == ["real.csv"]


def test_a_failing_file_is_retried_later_not_in_a_loop(con, settings, monkeypatch):
    from dashboard.core.ingest import inbox

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(inbox, "ingest_file", broken)
    watcher = InboxWatcher(con, settings)
    path = settings.inbox_dir / "drop.csv"
    shutil.copy(FIXTURES / "messages_utf8.csv", path)
    now = time.time() + 10
    watcher.scan_once(now=now)
    watcher.scan_once(now=now + 1)
    watcher.scan_once(now=now + 2)
    assert len(calls) == 1 and path.exists()
    watcher.scan_once(now=now + 1 + inbox.RETRY_AFTER_SECONDS + 1)
    assert len(calls) == 2


def test_the_server_store_has_a_memory_limit(settings):
    """The dashboard's own connection caps DuckDB's memory (YUQING_SERVER_MEMORY), so the server
    stays small however large the store."""
    from dashboard.core.ingest.inbox import close_owner, open_owner

    owner = open_owner(replace(settings, server_memory_limit="512MB"))
    try:
        limit = owner.con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        assert limit.replace(" ", "") in ("488.2MiB", "512.0MB", "512MB"), limit
    finally:
        close_owner()
