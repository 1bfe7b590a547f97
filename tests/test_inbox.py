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


def _rows(con, table="ingest_files"):
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def test_a_write_that_keeps_failing_is_retried_with_backoff_then_quarantined(con, settings, monkeypatch):
    """Finding 4: a file whose write failed was retried every 60 s forever, a manifest row each time.
    Now: 60 s, 2, 4, 8 min …, and after YUQING_MAX_ATTEMPTS failures it is quarantined."""
    from dashboard.core import store
    from dashboard.core.ingest import inbox, loader

    real = store.execute

    def broken(cursor, name, **params):
        if name == "ingest/insert_new_items":
            raise OSError("No space left on device")
        return real(cursor, name, **params)

    monkeypatch.setattr(loader.store, "execute", broken)
    settings = replace(settings, max_attempts=3)
    watcher = InboxWatcher(con, settings)
    path = settings.inbox_dir / "drop.csv"
    shutil.copy(FIXTURES / "messages_utf8.csv", path)
    now = time.time() + 10
    watcher.scan_once(now=now)
    assert _rows(con) == 1 and path.exists()
    for later in (1, 30, 59):                                     # not before the back-off is over
        watcher.scan_once(now=now + later)
    assert _rows(con) == 1
    watcher.scan_once(now=now + inbox.RETRY_AFTER_SECONDS + 1)
    assert _rows(con) == 2
    watcher.scan_once(now=now + inbox.RETRY_AFTER_SECONDS + 100)  # the second wait is twice as long
    assert _rows(con) == 2
    watcher.scan_once(now=now + 3 * inbox.RETRY_AFTER_SECONDS + 2)
    assert _rows(con) == 3
    watcher.scan_once(now=now + 7 * inbox.RETRY_AFTER_SECONDS + 3)
    statuses = [r[0] for r in con.execute("select status from ingest_files order by id").fetchall()]
    assert statuses == ["failed", "failed", "failed", "quarantined"] and not path.exists()
    for later in range(8, 100, 7):
        watcher.scan_once(now=now + later * inbox.RETRY_AFTER_SECONDS)
    assert _rows(con) == 4 and _rows(con, "items") == 0
    # once the store is fixed, the file moved back into the inbox (as its reason says) starts afresh
    monkeypatch.setattr(loader.store, "execute", real)
    shutil.move(next(settings.rejected_dir.rglob("*-drop.csv")), path)
    outcomes = watcher.scan_once(now=now + 200 * inbox.RETRY_AFTER_SECONDS)
    assert [o.loaded_new for o in outcomes] == [6]


def test_a_file_that_cannot_be_archived_is_not_taken_again_and_again(con, settings):
    """Finding 6: the items were committed but the archive move failed, so every scan found the file
    again and added a duplicate_file row. Now the watcher leaves it alone (it stays in the inbox)."""
    shutil.rmtree(settings.archive_dir)
    settings.archive_dir.write_text("not a folder", encoding="utf-8")    # the move must fail
    watcher = InboxWatcher(con, settings)
    path = settings.inbox_dir / "drop.csv"
    shutil.copy(FIXTURES / "messages_utf8.csv", path)
    now = time.time() + 10
    first = watcher.scan_once(now=now)
    assert first[0].status == "loaded" and "归档失败" in first[0].message and path.exists()
    for later in range(1, 40):
        watcher.scan_once(now=now + later * 100)
    assert _rows(con) == 1 and _rows(con, "items") == 6


def test_rows_written_after_the_file_was_archived_still_load(con, settings):
    """Finding 2: a writer paused longer than the settle time, the watcher took 5 rows and moved the
    file, then the writer wrote 6 more into it (the same open handle). The grown file is dropped into
    the inbox again: its 6 new rows load, the first 5 are unchanged duplicates."""
    header = "编号,标题,时间\n"
    path = settings.inbox_dir / "slow_writer.csv"
    watcher = InboxWatcher(con, settings)
    with path.open("w", encoding="utf-8") as writer:
        writer.write(header + "".join(f"{i},第{i}条,2020-01-02 10:00\n" for i in range(1, 6)))
        writer.flush()
        now = time.time() + 10
        first = watcher.scan_once(now=now)
        assert [o.loaded_new for o in first] == [5] and not path.exists()
        writer.write("".join(f"{i},第{i}条,2020-01-02 10:00\n" for i in range(6, 12)))
    outcomes = watcher.scan_once(now=now + 1)       # noticed, dropped into the inbox again, taken
    assert [(o.loaded_new, o.unchanged_duplicates) for o in outcomes] == [(6, 5)]
    assert "归档后续写" in outcomes[0].file_name
    assert _rows(con, "items") == 11
    assert watcher.scan_once(now=now + 2) == [] and _rows(con) == 2


def test_a_workbook_taken_half_written_is_read_again_once_complete(con, settings, tmp_path):
    """A copy that paused past the settle time left half a workbook: it is broken, so it is quarantined;
    the copy then finishes into the quarantined file, which is dropped again and loads."""
    from tests import hostile

    whole = hostile.xlsx(tmp_path / "book.xlsx", hostile.sheet_rows(hostile.sheet_data_rows(30))).read_bytes()
    path = settings.inbox_dir / "book.xlsx"
    watcher = InboxWatcher(con, settings)
    with path.open("wb") as writer:
        writer.write(whole[: len(whole) // 2])
        writer.flush()
        now = time.time() + 10
        first = watcher.scan_once(now=now)
        assert [o.status for o in first] == ["quarantined"] and not path.exists()
        writer.write(whole[len(whole) // 2:])
    outcomes = watcher.scan_once(now=now + 1)
    assert [(o.status, o.loaded_new) for o in outcomes] == [("loaded", 30)]
