"""Ingest one drop file (or one in-memory batch) safely and explain the result row by row.

The order matters:
1. hash the bytes: the same bytes already loaded under any name -> `duplicate_file`;
2. read, map columns, validate, enrich (slow work, no transaction open yet);
3. quarantine the whole file when required columns are missing or too many rows fail;
4. one short transaction writes the manifest row, new and changed items, their
   terms and the rejected rows; a failure rolls all of it back and leaves the file
   where it was, to be retried;
5. only after commit is the file moved (inbox) or copied (elsewhere) to
   data/archive/, with a report of its rejected rows beside it.

Accounting, checked before commit: rows_read = loaded_new + updated +
unchanged_duplicates + lossy_duplicates + rejected. A quarantined file counts every row as rejected.
A lossy duplicate is a row whose only differences from the stored item are values that would damage it
('?' for characters the exporting encoding lacks, text cut short): the stored values are kept, and the
row's line is noted (row_notes).

The first real file committed to a store that holds demo items removes them in its transaction.
"""
from __future__ import annotations

import csv
import hashlib
import itertools
import json
import logging
import os
import shutil
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard.core import contract, store
from dashboard.core.analytics import categories, replies
from dashboard.core.config import Settings
from dashboard.core.ingest import enrich, files, ledger
from dashboard.core.ingest.mapping import (
    ColumnMap,
    Profile,
    auto_profile,
    find_profile,
    map_columns,
)
from dashboard.core.ingest.normalise import LOCAL_TZ, Rejection, strip_controls
from dashboard.core.ingest.readers import RawTable, ReadError, read_table
from dashboard.core.ingest.staging import Staging, rejections_table

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]

# DuckDB allows one writer; threads of one process take turns here.
_WRITE_LOCK = threading.RLock()

STATUS_LABELS = {"loaded": "已入库", "quarantined": "已隔离", "duplicate_file": "重复文件，已跳过", "failed": "失败，待重试",
                 "removed": "演示数据，已删除", "waiting": "未入库，稍后重试"}
sha256_of = files.sha256_of


@dataclass
class FileOutcome:
    file_name: str
    status: str
    sha256: str
    file_id: int | None = None
    rows_read: int = 0
    loaded_new: int = 0
    updated: int = 0
    unchanged_duplicates: int = 0
    lossy_duplicates: int = 0
    rejected: int = 0
    demo_removed: int = 0
    controls_removed: int = 0
    lossy_lines: list[int] | None = None
    message: str = ""
    first_error: str | None = None
    duplicate_of: int | None = None
    archive_path: str | None = None
    report_path: str | None = None
    archive_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "duplicate_file")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        label = STATUS_LABELS.get(self.status, self.status)
        if self.status == "loaded":
            lossy = f" + 有损重复 {self.lossy_duplicates}" if self.lossy_duplicates else ""
            text = (f"{self.file_name}：{label}。读取 {self.rows_read} 行 = 新增 {self.loaded_new} + 更新 {self.updated}"
                    f" + 未变重复 {self.unchanged_duplicates}{lossy} + 拒绝 {self.rejected}")
            if self.first_error:
                text += f"；首个错误：{self.first_error}"
            if self.lossy_lines:
                text += f"；{lossy_note(self.lossy_lines)}"
            if self.demo_removed:
                text += f"；{demo_removed_note(self.demo_removed)}"
            if self.controls_removed:
                text += f"；{controls_note(self.controls_removed)}"
            return text
        return f"{self.file_name}：{label}。{self.message}"


class IngestAborted(Exception):
    """Raised inside the transaction to roll it back (tests inject failures this way too)."""


class FileChanged(Exception):
    """The file's bytes changed between reading and writing (it is still being written)."""


def _now() -> datetime:
    return datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, settings: Settings, mapping: str | None = None,
                encoding: str | None = None, sheet: str | int | None = None, keep_source: bool | None = None,
                progress: Progress | None = None) -> FileOutcome:
    """Ingest one file. Files in the inbox are moved to the archive; others are copied.

    Never raises for anything the file holds: a file that cannot be read is quarantined, a write that
    fails is a `failed` outcome (retried later, quarantined after Settings.max_attempts), a file that
    changed while it was read is a `waiting` outcome. An unknown mapping profile raises MappingError."""
    path = Path(path)
    in_inbox = files.in_folder(path, settings.inbox_dir)
    if keep_source is None:
        keep_source = not in_inbox
    if in_inbox and not files.is_regular(path):
        return _refuse_link(con, path, settings)
    started = _now()
    try:
        stat = path.stat()
        sha = files.sha256_of(path, no_follow=in_inbox)
    except OSError as exc:
        if in_inbox and not files.is_regular(path):
            return _refuse_link(con, path, settings)
        return FileOutcome(_shown_name(path), "waiting", "", message=f"无法打开文件（{exc.strerror or exc}），本次未入库：请检查文件权限后重试")
    meta = dict(file_name=_shown_name(path), source_path=str(path.absolute()), sha256=sha, size_bytes=stat.st_size,
                file_mtime=datetime.fromtimestamp(stat.st_mtime), file_kind=path.suffix.lower().lstrip("."),
                started_at=started)
    earlier = store.run_query(con, "ingest/find_loaded_file", sha256=sha)
    if not earlier.empty:
        return _duplicate(con, path, settings, meta, earlier.iloc[0], keep_source)
    # An unknown profile name raises MappingError: a usage error for the caller to report.
    profile = find_profile(settings.mappings_dir, mapping) if mapping else None
    attempts = store.run_query(con, "ingest/attempts", sha256=sha).iloc[0]
    interrupted = ledger.interruptions(settings, sha, _timestamp(attempts["last_finished"]))
    refusal = _refusal(settings, interrupted, int(attempts["failures"]), attempts["last_failure"])
    if refusal:
        outcome = _quarantine(con, path, settings, meta, keep_source, sha, refusal, rows_read=0, rejections=[])
        ledger.finish(settings, sha)
        return outcome
    ledger.begin(settings, sha, meta["file_name"], started, interrupted)
    try:
        return _read_and_ingest(con, path, settings, meta, profile, encoding, sheet, keep_source, progress)
    finally:
        ledger.finish(settings, sha)


def _shown_name(path: Path) -> str:
    """The file's name as the manifest keeps it (whole, however long; control characters removed)."""
    return strip_controls(path.name) or "（无名文件）"


def _timestamp(value: Any) -> datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def _refusal(settings: Settings, interrupted: int, failures: int, last_failure: Any) -> str | None:
    """Why these bytes must not be tried again (the poison-file rule), or None."""
    if interrupted and interrupted >= settings.poison_after:
        return (f"上次处理此文件时程序中断（崩溃、内存不足或被强行停止，共 {interrupted} 次），为免一个文件拖住其他文件，"
                "已隔离，不再自动重试：请检查文件是否损坏或过大；如中断只是因为重启，把它从 rejected 目录移回 inbox 即可重新入库")
    if failures >= settings.max_attempts:
        return (f"此文件已连续 {failures} 次写入数据库失败，不再自动重试，已隔离。最后一次的原因：{last_failure}。"
                "请检查磁盘空间和数据库后，把文件从 rejected 目录移回 inbox")
    return None


def _read_and_ingest(con, path: Path, settings: Settings, meta: dict[str, Any], profile: Profile | None,
                     encoding: str | None, sheet: str | int | None, keep_source: bool,
                     progress: Progress | None) -> FileOutcome:
    sha = meta["sha256"]
    try:
        if progress:
            progress("读取文件", 0.0)
        table = read_table(path, encoding=encoding or (profile.encoding if profile else None),
                           sheet=sheet if sheet is not None else (profile.sheet if profile else None), lazy=True,
                           limits=settings.limits)
    except ReadError as exc:
        if not _same_stat(path, meta):           # half a file is broken: it was still being written
            return _waiting(meta)
        return _quarantine(con, path, settings, meta, keep_source, sha, str(exc), rows_read=0, rejections=[])
    except OSError as exc:
        return FileOutcome(meta["file_name"], "waiting", sha,
                           message=f"读取文件时出错（{exc.strerror or exc}），本次未入库，文件留在原处：稍后会重试")
    except Exception as exc:  # a reader failure of any kind quarantines this file, never the process
        log.exception("reading %s failed", path)
        return _quarantine(con, path, settings, meta, keep_source, sha, _internal_reason("读取", exc), 0, [])
    if profile is None:
        profile = auto_profile(settings.mappings_dir, table.headers)
    return ingest_table(con, table, settings, meta, profile=profile, source_path=path,
                        keep_source=keep_source, progress=progress)


def _internal_reason(stage: str, exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, MemoryError):
        return f"{stage}此文件时内存不足，已隔离：请拆分为几个较小的文件后重新放入"
    if isinstance(exc, enrich.WorkerCrashed):
        return (f"{stage}此文件时工作进程意外退出（可能是文件内容触发了崩溃或内存不足），已隔离，不再自动重试："
                "请检查文件，或拆分后重新放入")
    return f"{stage}此文件时出错（{type(exc).__name__}：{detail}），已隔离，不影响其他文件：请检查文件内容，或把文件交给技术人员"


def _duplicate(con, path: Path, settings: Settings, meta: dict[str, Any], first: pd.Series,
               keep_source: bool) -> FileOutcome:
    outcome = FileOutcome(meta["file_name"], "duplicate_file", meta["sha256"], duplicate_of=int(first["id"]),
                          message=f"与第 {int(first['id'])} 号入库文件（{first['file_name']}）内容完全相同，未重复计入")
    _record_simple(con, outcome, meta)
    _archive(path, outcome, settings, keep_source, rejections=[], quarantined=False, con=con)
    ledger.finish(settings, meta["sha256"])      # an earlier attempt cut short after its commit
    return outcome


def _refuse_link(con, path: Path, settings: Settings) -> FileOutcome:
    """A link (or pipe, device …) in the inbox is never read: it is moved to rejected/ as it is."""
    kind = "符号链接" if path.is_symlink() else "特殊文件（不是普通文件）"
    key = f"{kind}:{path.name}:{_now().isoformat()}"
    meta = dict(file_name=_shown_name(path), source_path=str(path.absolute()),
                sha256=hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest(), size_bytes=None,
                file_mtime=None, file_kind=path.suffix.lower().lstrip("."), started_at=_now())
    reason = (f"这是一个{kind}，收件箱只接受普通文件，未读取其内容（也不跟随链接），已移到 rejected 目录："
              "请把数据文件本身复制到收件箱")
    return _quarantine(con, path, settings, meta, keep_source=False, sha=meta["sha256"], reason=reason,
                       rows_read=0, rejections=[])


def lossy_note(lines: list[int]) -> str:
    shown = "、".join(str(n) for n in lines[:10]) + (f" 等 {len(lines)} 行" if len(lines) > 10 else " 行")
    return f"第 {shown}的部分文字只是把原有字符换成“?”或被截短，已保留库中原文（见逐行说明）"


def demo_removed_note(count: int) -> str:
    return f"已删除演示数据 {count} 条（库中首次导入真实数据）"


def controls_note(count: int) -> str:
    return f"{count} 个单元格含有看不见的控制字符（如 NUL、\\x01），已删除这些字符，其余文字不变"


def ingest_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, settings: Settings, name: str,
                 progress: Progress | None = None, demo: bool = False) -> FileOutcome:
    """Ingest rows already in canonical columns through the same rules. `demo`: generated demo items
    (marked as such; removed by the first real file)."""
    key = hashlib.sha256()
    key.update(name.encode("utf-8"))
    key.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
    sha = key.hexdigest()
    earlier = store.run_query(con, "ingest/find_loaded_file", sha256=sha)
    started = _now()
    meta = dict(file_name=name, source_path=None, sha256=sha, size_bytes=None, file_mtime=None,
                file_kind="demo" if demo else "generated", started_at=started)
    if not earlier.empty:
        outcome = FileOutcome(name, "duplicate_file", sha, duplicate_of=int(earlier.iat[0, 0]),
                              message="同一批数据已入库，未重复计入")
        _record_simple(con, outcome, meta)
        return outcome
    table = RawTable(headers=list(frame.columns), rows=[], lines=list(range(2, len(frame) + 2)),
                     frame=frame.astype(object).where(frame.notna(), None))
    return ingest_table(con, table, settings, meta, profile=None, source_path=None, keep_source=True,
                        progress=progress, demo=demo)


def ingest_table(con: duckdb.DuckDBPyConnection, table: RawTable, settings: Settings, meta: dict[str, Any],
                 profile: Profile | None, source_path: Path | None, keep_source: bool,
                 progress: Progress | None = None, demo: bool = False) -> FileOutcome:
    meta = dict(meta, encoding=table.encoding, mapping=profile.name if profile else None)
    columns = map_columns(table.headers, profile)
    missing = _missing_required(columns)
    try:
        if missing:
            found = "、".join(h for h in table.headers if h) or "（无）"
            reason = f"缺少必需的列：{missing}。文件中的列：{_cut(found, 300)}。请修改表头，或在 data/mappings/ 中添加映射文件"
            return _quarantine(con, source_path, settings, meta, keep_source, meta["sha256"], reason, table.drain(),
                               [], columns.describe(table.headers))
    except ReadError as exc:
        return _unreadable(con, source_path, settings, meta, keep_source, exc)
    # the file's prepared rows wait in temporary tables of their own cursor (staging.py) until the
    # write transaction, which runs on that cursor; closing it drops them
    with Staging(con, settings.state_dir / "staging", enrich.STAGED_SCHEMA, enrich.TERMS_SCHEMA) as staging:
        return _prepare_and_write(con, table, settings, meta, profile, columns, staging, source_path,
                                  keep_source, progress, demo)


def _unreadable(con, source_path: Path | None, settings: Settings, meta: dict[str, Any], keep_source: bool,
                exc: ReadError) -> FileOutcome:
    """The rest of a lazily read file is unreadable: quarantined, unless it was still being written."""
    if source_path is not None and not _same_stat(source_path, meta):
        return _waiting(meta)
    return _quarantine(con, source_path, settings, meta, keep_source, meta["sha256"], str(exc), rows_read=0,
                       rejections=[])


def _prepare_and_write(con, table: RawTable, settings: Settings, meta: dict[str, Any], profile: Profile | None,
                       columns: ColumnMap, staging: Staging, source_path: Path | None, keep_source: bool,
                       progress: Progress | None, demo: bool) -> FileOutcome:
    sha = meta["sha256"]
    # reading (a large file is read while its first slices are being prepared), validating and
    # enriching span 5%..90% of the file's progress bar
    stage = (lambda label, f: progress(label, 0.05 + 0.85 * f)) if progress else None
    try:
        prepared = enrich.prepare(table, columns, profile, settings.dicts_dir, now=_now(), staging=staging,
                                  slice_rows=settings.ingest_slice_rows, progress=stage)
    except ReadError as exc:
        return _unreadable(con, source_path, settings, meta, keep_source, exc)
    except Exception as exc:  # validating or enriching failed on something in this file
        log.exception("preparing %s failed", meta["file_name"])
        return _quarantine(con, source_path, settings, meta, keep_source, sha, _internal_reason("校验", exc), 0, [])
    if source_path is not None and not _unchanged(source_path, table, meta):
        return _waiting(meta)
    rows_read = len(table)
    rejected = prepared.rejected
    if rows_read and rejected / rows_read > settings.max_reject_share:
        first = prepared.first_rejection
        reason = (f"{rejected}/{rows_read} 行（{rejected / rows_read:.0%}）未通过校验，超过上限 "
                  f"{settings.max_reject_share:.0%}，整个文件已隔离，未入库。首个错误：第 {first.line} 行："
                  f"{first.reason}")
        return _quarantine(con, source_path, settings, meta, keep_source, sha, reason, rows_read,
                           [first], columns.describe(table.headers), staging=staging)
    if progress:
        progress("写入数据库", 0.9)
    tracks_replies, tracks_satisfaction = columns.tracks(profile)
    meta = dict(meta, tracks_replies=tracks_replies, tracks_satisfaction=tracks_satisfaction)
    try:
        outcome = _commit(con, prepared, meta, columns, table, rows_read, settings.dicts_dir, demo,
                          check=(lambda: _same_stat(source_path, meta)) if source_path is not None else None)
    except FileChanged:
        return _waiting(meta)
    except Exception as exc:  # the store refused the write: rolled back, recorded, retried later
        log.exception("writing %s failed", meta["file_name"])
        return FileOutcome(meta["file_name"], "failed", sha, message=_failure_message(exc))
    _archive(source_path, outcome, settings, keep_source, staging.rejections(), quarantined=False, con=con)
    if not demo:   # a demo load refreshes once, after its last batch (cli.load_demo)
        refresh_predictions_after(con, outcome)
    if progress:
        progress("完成", 1.0)
    return outcome


def refresh_predictions_after(con, outcome: FileOutcome) -> None:
    """Derived data follows the items: predicted categories (core/analytics/categories.py: new items get one,
    a retrain when the labelled items changed enough) and reply judgements (core/analytics/replies.py: new
    or changed replies). After the commit: a failure leaves the file loaded and is logged;
    `python -m dashboard derive` brings both up to date."""
    if not (outcome.loaded_new or outcome.updated or outcome.demo_removed):
        return
    for name, refresh in (("predicted categories", categories.refresh_predictions),
                          ("reply judgements", replies.refresh_judgements)):
        cursor = con.cursor()     # the owner's connection stays free for the pages
        try:
            with _WRITE_LOCK:
                refresh(cursor)
        except Exception:
            log.exception("%s not refreshed after %s", name, outcome.file_name)
        finally:
            cursor.close()


def judge_pending_replies(con, settings: Settings) -> None:
    """Replies not judged yet (a store from before reply judging, or a refresh that failed) are judged in
    the watcher thread when the server starts, so no page waits for them. On a cursor of its own: the
    owner's connection stays free for the pages (DuckDB refuses a second call on a busy connection)."""
    cursor = con.cursor()
    try:
        with _WRITE_LOCK:
            replies.refresh_judgements(cursor, settings)
    except Exception:
        log.exception("reply judgements not brought up to date")
    finally:
        cursor.close()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _unchanged(path: Path, table: RawTable, meta: dict[str, Any]) -> bool:
    """The bytes read are the bytes hashed before (a CSV is hashed as it is read; other files again)."""
    try:
        read = table.content_sha256 or files.sha256_of(path)
    except OSError:
        return False
    return read == meta["sha256"] and _same_stat(path, meta)


def _same_stat(path: Path, meta: dict[str, Any]) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == meta["size_bytes"] and datetime.fromtimestamp(stat.st_mtime) == meta["file_mtime"]


def _waiting(meta: dict[str, Any]) -> FileOutcome:
    return FileOutcome(meta["file_name"], "waiting", meta["sha256"],
                       message="文件在读取过程中发生了变化（可能仍在写入），本次未入库，数据库未改动，文件留在原处：写完后会重新读取")


def _failure_message(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    return f"写入数据库失败，数据库未做任何改动，文件留在原处，稍后会重试（原因：{detail}）"


def _missing_required(columns: ColumnMap) -> str:
    missing = []
    if "published_at" not in columns.fields:
        missing.append("时间（发布时间/留言时间/published_at）")
    if "title" not in columns.fields and "content" not in columns.fields:
        missing.append("标题或内容（标题/留言主题/内容/留言详情/title/content）")
    return "、".join(missing)


def _commit(con, prepared: enrich.Prepared, meta: dict[str, Any], columns: ColumnMap, table: RawTable,
            rows_read: int, dicts_dir: Path, demo: bool, check: Callable[[], bool] | None = None) -> FileOutcome:
    """One transaction, on the staging cursor (its temporary tables hold the file's rows). `check` runs
    last before the commit: False rolls back and raises FileChanged."""
    with _WRITE_LOCK:
        cursor = prepared.staging.cursor
        try:
            cursor.begin()
            file_id = int(store.fetch(cursor, "ingest/next_file_id").iat[0, 0])
            demo_removed = 0 if demo else _remove_demo_items(cursor)
            lossy = _keep_stored_over_lossy(prepared.staging, dicts_dir)
            store.execute(cursor, "ingest/classify_staged", reply_tracked=meta["tracks_replies"],
                          satisfaction_tracked=meta["tracks_satisfaction"], is_demo=demo)
            lossy_lines = sorted(set(lossy["line"].tolist()))
            counts = store.fetch(cursor, "ingest/count_changes", lossy_lines=lossy_lines).iloc[0]
            outcome = _loaded_outcome(meta, file_id, rows_read, counts, prepared, demo_removed, lossy_lines, columns)
            _check_balance(outcome)
            _write_staged(cursor, outcome, meta, columns.describe(table.headers), lossy)
            if check is not None and not check():
                raise FileChanged(meta["file_name"])
            cursor.commit()
        except BaseException as exc:
            cursor.rollback()
            if not isinstance(exc, FileChanged):
                _record_failure(con, meta, exc)
            raise
    return outcome


def _loaded_outcome(meta: dict[str, Any], file_id: int, rows_read: int, counts, prepared: enrich.Prepared,
                    demo_removed: int, lossy_lines: list[int], columns: ColumnMap) -> FileOutcome:
    """The file's counts as classify_staged found them, and the notes the 数据管理 page shows beside it."""
    outcome = FileOutcome(
        file_name=meta["file_name"], status="loaded", sha256=meta["sha256"], file_id=file_id,
        rows_read=rows_read, loaded_new=int(counts["loaded_new"]), updated=int(counts["updated"]),
        unchanged_duplicates=int(counts["unchanged"]) + prepared.identical_duplicates,
        lossy_duplicates=int(counts["lossy"]), rejected=prepared.rejected,
        demo_removed=demo_removed, lossy_lines=lossy_lines or None,
        controls_removed=prepared.controls_removed,
        first_error=(f"第 {prepared.first_rejection.line} 行：{prepared.first_rejection.reason}"
                     if prepared.first_rejection else None),
    )
    notes = list(columns.notes)
    if lossy_lines:
        notes.append(lossy_note(lossy_lines))
    if demo_removed:
        notes.append(demo_removed_note(demo_removed))
    if prepared.controls_removed:
        notes.append(controls_note(prepared.controls_removed))
    outcome.message = "；".join(notes)
    return outcome


def _write_staged(cursor, outcome: FileOutcome, meta: dict[str, Any], columns_mapped: str,
                  lossy: pd.DataFrame) -> None:
    """The manifest row, then items, terms, rollup deltas, refused rows and row notes, inside the open transaction."""
    file_id, now = outcome.file_id, _now()
    store.execute(cursor, "ingest/insert_file", id=file_id, status="loaded", finished_at=now,
                  rows_read=outcome.rows_read, loaded_new=outcome.loaded_new, updated=outcome.updated,
                  unchanged_duplicates=outcome.unchanged_duplicates,
                  lossy_duplicates=outcome.lossy_duplicates, rejected=outcome.rejected,
                  demo_removed=outcome.demo_removed, first_error=outcome.first_error,
                  message=outcome.message or None, duplicate_of=None, columns_mapped=columns_mapped, **meta)
    touched = _buckets(cursor, "ingest/touched_buckets")          # the changed items' old times
    if outcome.updated:
        store.execute(cursor, "ingest/rollup_remove_changed")
        store.execute(cursor, "ingest/delete_changed_terms")
    store.execute(cursor, "ingest/insert_new_items", file_id=file_id, now=now)
    store.execute(cursor, "ingest/update_changed_items", file_id=file_id, now=now)
    store.execute(cursor, "ingest/insert_terms")
    store.execute(cursor, "ingest/rollup_add")
    store.recount_buckets(cursor, touched | _buckets(cursor, "ingest/touched_buckets"))
    store.execute(cursor, "ingest/insert_rejected", file_id=file_id, file_name=meta["file_name"])
    cursor.register("staged_notes", _lossy_notes(lossy))
    store.execute(cursor, "ingest/insert_row_notes", file_id=file_id, file_name=meta["file_name"])


def _remove_demo_items(cursor) -> int:
    """Take every demo item out (in the caller's transaction); returns how many there were."""
    count = int(store.fetch(cursor, "ingest/count_demo_items").iat[0, 0])
    if count:
        touched = _buckets(cursor, "ingest/demo_buckets")
        for name in ("ingest/remove_demo_rollup", "ingest/remove_demo_terms", "ingest/remove_demo_items",
                     "ingest/mark_demo_files_removed"):
            store.execute(cursor, name)
        store.recount_buckets(cursor, touched)
    return count


def _buckets(cursor, name: str) -> set:
    """The 8-hour buckets query `name` lists (item_counts keys to count again)."""
    return set(store.fetch(cursor, name)["bucket"])


def remove_demo(con: duckdb.DuckDBPyConnection) -> int:
    """Remove every demo item in one transaction (`python -m dashboard demo --remove`); how many there were."""
    with _WRITE_LOCK:
        cursor = con.cursor()
        try:
            cursor.begin()
            count = _remove_demo_items(cursor)
            cursor.commit()
        except BaseException:
            cursor.rollback()
            raise
        finally:
            cursor.close()
    return count


def _keep_stored_over_lossy(staging: Staging, dicts_dir: Path) -> pd.DataFrame:
    """Where a staged text would only damage the stored one (ingest/lossy_values), stage the stored text
    instead, and make that row's masks, region, terms and sentiment again from it (in the open
    transaction). Returns the lossy values (line, id, field, stored)."""
    lossy = store.fetch(staging.cursor, "ingest/lossy_values")
    if lossy.empty:
        return lossy
    lines = sorted(set(lossy["line"].tolist()))
    rows = _object_frame(staging.rows_at(lines))
    for (line, field), stored in lossy.set_index(["line", "field"])["stored"].items():
        rows.loc[rows["line"] == line, field] = stored
    fixed, fixed_terms = enrich.enrich_rows(rows, dicts_dir)
    staging.replace_lines(lines, fixed, fixed_terms)
    return lossy


def _object_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas with text as Python str / None (what the enrich functions expect)."""
    frame = table.to_pandas()
    for field in table.schema:
        if pa.types.is_string(field.type):
            frame[field.name] = frame[field.name].astype(object).where(frame[field.name].notna(), None)
    return frame


def _lossy_notes(lossy: pd.DataFrame) -> pd.DataFrame:
    notes = [f"{contract.FIELD_LABELS[field]}：新文件中的值只是把原有字符换成“?”或被截短，已保留库中原文"
             for field in lossy["field"]]
    return pd.DataFrame({"line": pd.array(lossy["line"].tolist(), dtype="Int64"),
                         "item_id": pd.Series(lossy["id"].tolist(), dtype=object),
                         "note": pd.Series(notes, dtype=object)})


def _check_balance(outcome: FileOutcome) -> None:
    total = (outcome.loaded_new + outcome.updated + outcome.unchanged_duplicates + outcome.lossy_duplicates
             + outcome.rejected)
    if total != outcome.rows_read:
        raise IngestAborted(f"行数不平衡：读取 {outcome.rows_read} 行，但新增+更新+重复+有损重复+拒绝 = {total}")


def _record_simple(con, outcome: FileOutcome, meta: dict[str, Any]) -> None:
    """A manifest row for a file that loads nothing (duplicate or failure), in its own transaction."""
    with _WRITE_LOCK:
        cursor = con.cursor()
        try:
            file_id = int(store.fetch(cursor, "ingest/next_file_id").iat[0, 0])
            outcome.file_id = file_id
            store.execute(cursor, "ingest/insert_file", id=file_id, status=outcome.status, finished_at=_now(),
                          rows_read=outcome.rows_read, loaded_new=0, updated=0, unchanged_duplicates=0,
                          rejected=outcome.rejected, first_error=outcome.first_error, message=outcome.message,
                          duplicate_of=outcome.duplicate_of, columns_mapped=None,
                          **{k: meta.get(k) for k in ("file_name", "source_path", "sha256", "size_bytes",
                                                      "file_mtime", "file_kind", "started_at")},
                          encoding=meta.get("encoding"), mapping=meta.get("mapping"))
        finally:
            cursor.close()


def _record_failure(con, meta: dict[str, Any], exc: BaseException) -> None:
    outcome = FileOutcome(meta["file_name"], "failed", meta["sha256"], message=_failure_message(exc))
    try:
        _record_simple(con, outcome, meta)
    except Exception:  # the store itself may be the problem; the original error matters more
        log.exception("could not record the failed ingest of %s", meta["file_name"])


def _quarantine(con, path: Path | None, settings: Settings, meta: dict[str, Any], keep_source: bool, sha: str,
                reason: str, rows_read: int, rejections: list[Rejection],
                columns_mapped: str | None = None, staging: Staging | None = None) -> FileOutcome:
    """The whole file refused. Its refused rows are `rejections`, or, when `staging` is given, the
    rows staged there (`rejections` then holds only the first)."""
    outcome = FileOutcome(meta["file_name"], "quarantined", sha, rows_read=rows_read, rejected=rows_read,
                          message=reason, first_error=reason if not rejections else
                          f"第 {rejections[0].line} 行：{rejections[0].reason}")
    with _WRITE_LOCK:
        cursor = staging.cursor if staging is not None else con.cursor()
        try:
            cursor.begin()
            file_id = int(store.fetch(cursor, "ingest/next_file_id").iat[0, 0])
            outcome.file_id = file_id
            store.execute(cursor, "ingest/insert_file", id=file_id, status="quarantined", finished_at=_now(),
                          rows_read=rows_read, loaded_new=0, updated=0, unchanged_duplicates=0, rejected=rows_read,
                          first_error=outcome.first_error, message=reason, duplicate_of=None,
                          columns_mapped=columns_mapped, **meta)
            if staging is None:
                cursor.register("staged_rejections", rejections_table(rejections))
            store.execute(cursor, "ingest/insert_rejected", file_id=file_id, file_name=meta["file_name"])
            cursor.commit()
        except BaseException:
            cursor.rollback()
            raise
        finally:
            if staging is None:
                cursor.close()
    _archive(path, outcome, settings, keep_source, staging.rejections() if staging is not None else rejections,
             quarantined=True, con=con)
    return outcome


def _archive(path: Path | None, outcome: FileOutcome, settings: Settings, keep_source: bool,
             rejections: Iterable[Rejection], quarantined: bool, con=None) -> None:
    """Move (inbox) or copy the source file to archive/ or rejected/, with its reports beside it.
    A file that cannot be moved stays where it is and the outcome says so (nothing is deleted)."""
    if path is None or not os.path.lexists(path):
        return
    folder = (settings.rejected_dir if quarantined else settings.archive_dir) / _now().strftime("%Y-%m-%d")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = files.unique_target(folder, files.archive_name(outcome.file_id or 0, path.name))
        if keep_source:
            shutil.copy2(path, target)
        else:
            shutil.move(str(path), target)
        outcome.archive_path = str(target)
        _write_reports(target, outcome, rejections, quarantined)
    except OSError as exc:
        log.exception("archiving %s failed", path)
        outcome.archive_error = f"归档失败（{exc.strerror or exc}），文件留在原处，不会被删除：请检查 {folder} 的空间和权限"
        outcome.message = "；".join(m for m in (outcome.message, outcome.archive_error) if m)
    if con is not None and outcome.file_id is not None:
        with _WRITE_LOCK:
            cursor = con.cursor()
            try:
                store.execute(cursor, "ingest/set_file_paths", id=outcome.file_id,
                              archive_path=outcome.archive_path, report_path=outcome.report_path)
            finally:
                cursor.close()


def _write_reports(target: Path, outcome: FileOutcome, rejections: Iterable[Rejection], quarantined: bool) -> None:
    rejections = iter(rejections)          # read back from the staging tables as it is written
    first = next(rejections, None)
    if first is not None:
        report = target.with_name(target.name + ".rejected.csv")
        write_rejections_csv(report, outcome.file_name, itertools.chain([first], rejections))
        outcome.report_path = str(report)
    if quarantined:
        reason_file = target.with_name(target.name + ".reason.txt")
        reason_file.write_text(
            f"文件：{outcome.file_name}\n处理时间：{_now()}\n结果：已隔离，未入库任何数据\n原因：{outcome.message}\n"
            f"处理办法：修正文件（或在 data/mappings/ 添加映射文件）后，重新放入 data/inbox/ 即可。\n",
            encoding="utf-8")
        outcome.report_path = outcome.report_path or str(reason_file)


def write_rejections_csv(path: Path, file_name: str, rejections: Iterable[Rejection]) -> None:
    """UTF-8 with BOM so Excel opens it; cells guarded against formula injection. The report lies in the
    archive, where people other than administrators may read it: personal data in the cells and reasons
    is masked (core/ingest/rejections.py); the store keeps the cells as they were."""
    from dashboard.core.ingest.rejections import shown_reason, shown_row
    from dashboard.core.reports.exports import safe_cell

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["文件", "行号", "原因", "原始内容"])
        for r in rejections:
            writer.writerow([safe_cell(file_name), r.line, safe_cell(shown_reason(r.reason)),
                             safe_cell(json.dumps(shown_row(r.raw), ensure_ascii=False, default=str))])


def write_outcome(settings: Settings, outcome: FileOutcome) -> Path:
    """Leave the outcome where a CLI that handed the file over can find it (keyed by content hash)."""
    settings.outcomes_dir.mkdir(parents=True, exist_ok=True)
    target = settings.outcomes_dir / f"{outcome.sha256}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(target)
    return target
