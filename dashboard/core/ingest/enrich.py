"""The slow, row-by-row work of an ingest, done before the write transaction opens.

For each row: validation (normalise.validate), personal-data masks, word terms and a
sentiment label from one segmentation. All of it is stored, so pages never tokenise or
scan for phone numbers at request time.

Rows are independent, so a file is cut into slices (YUQING_INGEST_SLICE_ROWS) that worker
processes prepare in parallel (one per core, in a pool kept for the life of the process:
starting a worker and loading the dictionaries costs about a second). Each slice comes back
as Arrow tables in the store's staging types and goes straight into the file's staging
tables (core/ingest/staging.py), so memory holds a few slices, never the file; only ids
repeated within the file need the whole file, and are settled there afterwards, in SQL.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import types
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.ingest.mapping import ColumnMap, Profile
from dashboard.core.ingest.normalise import Rejection, _Stats, validate
from dashboard.core.ingest.readers import RawTable
from dashboard.core.text.pii import mask_name, mask_text
from dashboard.core.text.regions import get_gazetteer
from dashboard.core.text.sentiment import get_lexicon, score_tokens
from dashboard.core.text.tokens import get_tokenizer

if TYPE_CHECKING:
    from dashboard.core.ingest.staging import Staging

# Below this many rows one process is faster than handing slices to workers.
PARALLEL_THRESHOLD = 20_000
# Slices handed to the workers and not yet staged, per worker: enough to keep every worker busy while
# this process reads and stages (a staging insert that spills to disk can take a second or two; with 2
# per worker the workers idled then: 200k rows 68 s, with 4: 61 s); more would only hold the file in
# memory again (reading outruns tokenising).
IN_FLIGHT_PER_WORKER = 4

Progress = Callable[[str, float], None]

# Explicit Arrow types for the staged rows: DuckDB would otherwise guess each column's type from
# its first rows, and a column empty there (no personal data in the first thousand items) is
# guessed as NULL and then fails on the first real value.
STAGED_SCHEMA = pa.schema([
    *[(name, pa.string()) for name in (
        "id", "title", "content", "channel", "source", "category", "subcategory", "region", "department",
        "department_level", "reply_content", "satisfaction", "sentiment", "author", "url", "extra",
        "title_masked", "content_masked", "reply_masked", "sentiment_source", "kind", "region_text",
        "author_masked")],
    ("published_at", pa.timestamp("us")), ("replied_at", pa.timestamp("us")), ("is_valid", pa.bool_()),
    ("likes", pa.int64()), ("dislikes", pa.int64()), ("pii_kinds", pa.list_(pa.string())), ("line", pa.int64()),
])
# Terms are keyed by the row's line (unique within a file); the write joins them to the row's id.
TERMS_SCHEMA = pa.schema([("line", pa.int64()), ("term", pa.string()), ("n", pa.int16())])


@dataclass
class Prepared:
    staging: "Staging"               # rows (STAGED_SCHEMA), terms (TERMS_SCHEMA) and refused rows
    rejected: int                    # rows refused
    first_rejection: Rejection | None  # the first refused row by line (its raw cells not read back)
    identical_duplicates: int = 0
    controls_removed: int = 0        # cells whose control characters were removed


class WorkerCrashed(Exception):
    """A worker process died while preparing a slice of this file (the pool is started afresh)."""


def add_masks(frame: pd.DataFrame) -> pd.DataFrame:
    """Masked copies of title, content and reply where they hold personal data (else NULL)."""
    kinds_per_row: list[set[str]] = [set() for _ in range(len(frame))]
    for source, target in (("title", "title_masked"), ("content", "content_masked"),
                           ("reply_content", "reply_masked")):
        masked_values = []
        for i, text in enumerate(frame[source]):
            masked, kinds = mask_text(text)
            if kinds:
                kinds_per_row[i].update(kinds)
                masked_values.append(masked)
            else:
                masked_values.append(None)
        frame[target] = pd.Series(masked_values, dtype=object, index=frame.index)
    frame["pii_kinds"] = pd.Series([sorted(k) for k in kinds_per_row], dtype=object, index=frame.index)
    # the author as others may see it (张三丰 → 张**): made once here, read by the staging view
    frame["author_masked"] = _map_distinct(frame["author"], mask_name)
    return frame


def _map_distinct(values: pd.Series, func) -> pd.Series:
    """func applied once per distinct non-null value (authors repeat); None stays None."""
    done = {v: func(v) for v in pd.unique(values.dropna())}
    return pd.Series([None if v is None or v != v else done[v] for v in values], dtype=object, index=values.index)


def regions_from_text(frame: pd.DataFrame, dicts_dir: Path | str | None) -> pd.Series:
    """The region named in the title or text of each row without a region (core/text/regions.py), else None."""
    gazetteer = get_gazetteer(dicts_dir)
    missing = frame["region"].isna().to_numpy()
    found = [gazetteer.find(title, content) if need else None
             for need, title, content in zip(missing, frame["title"].tolist(), frame["content"].tolist())]
    return pd.Series(found, dtype=object, index=frame.index)


def analyse(frame: pd.DataFrame, dicts_dir: Path | str | None) -> tuple[pa.Table, list[str]]:
    """Terms (line, term, n) and a sentiment label per row, from one segmentation of title + content."""
    tokenizer = get_tokenizer(dicts_dir)
    lexicon = get_lexicon(dicts_dir, tokenizer=tokenizer)
    lines, terms, counts, labels = [], [], [], []
    for line, title, content in zip(frame["line"].tolist(), frame["title"].tolist(), frame["content"].tolist()):
        text = f"{title} {content}" if title and content else (title or content or "")
        tokens, term_counts = tokenizer.analyse(text)
        labels.append(score_tokens(tokens, lexicon))
        lines.extend([line] * len(term_counts))
        terms.extend(term_counts)
        counts.extend(term_counts.values())
    table = pa.table([pa.array(lines, pa.int64()), pa.array(terms, pa.string()),
                      pc.min_element_wise(pa.array(counts, pa.int64()), 32767).cast(pa.int16())],
                     schema=TERMS_SCHEMA)
    return table, labels


def typed(frame: pd.DataFrame) -> pa.Table:
    """The frame in STAGED_SCHEMA types."""
    columns = {}
    for field in STAGED_SCHEMA:
        values = frame[field.name]
        if pa.types.is_timestamp(field.type):
            columns[field.name] = pa.array(values.to_numpy(dtype="datetime64[us]"), type=field.type,
                                           mask=values.isna().to_numpy())
        elif pa.types.is_integer(field.type):
            columns[field.name] = pa.array(pd.array(values, dtype="Int64"), type=field.type)
        else:
            columns[field.name] = pa.array(values.astype(object).to_numpy(), type=field.type, from_pandas=True)
    return pa.table(columns, schema=STAGED_SCHEMA)


def prepare_slice(table: RawTable, columns: ColumnMap, profile: Profile | None, dicts_dir: str | None,
                  now: datetime, spill: str | None = None) -> tuple[pa.Table, pa.Table, list[Rejection], int]:
    """Validate, mask, tokenise and score one slice of a file (runs in a worker); its raw rows are
    written to `spill` (see staging.py)."""
    if spill is not None:
        table.spill_to(spill)
    stats = _Stats()
    good, rejections = validate(table, columns, profile, now, stats)
    staged, terms = enrich_rows(good, dicts_dir)
    return staged, terms, rejections, stats.controls_removed


def enrich_rows(frame: pd.DataFrame, dicts_dir: Path | str | None) -> tuple[pa.Table, pa.Table]:
    """Valid rows (normalise.OUTPUT_COLUMNS + line) with their masks, region from the text, terms and
    sentiment, in STAGED_SCHEMA and TERMS_SCHEMA. A sentiment from the data (a person's judgement) wins
    over the scorer's: rows with `sentiment_source` 'data', or a sentiment when that column is absent."""
    frame = add_masks(frame)
    frame["region_text"] = regions_from_text(frame, dicts_dir)
    terms, labels = analyse(frame, dicts_dir)
    if "sentiment_source" in frame.columns:
        given = frame["sentiment_source"].eq("data").fillna(False).to_numpy(dtype=bool)
    else:
        given = frame["sentiment"].notna().to_numpy()
    frame["sentiment_source"] = np.where(given, "data", "model").astype(object)
    frame["sentiment"] = np.where(given, frame["sentiment"].to_numpy(dtype=object), np.array(labels, dtype=object))
    return typed(frame), terms


def prepare(table: RawTable, columns: ColumnMap, profile: Profile | None, dicts_dir: Path | str | None,
            now: datetime, staging: "Staging", slice_rows: int, progress: Progress | None = None) -> Prepared:
    """Every row of `table` validated, enriched and staged, ids repeated within the file settled.

    Slices go to the worker pool as soon as they have been read (a lazily read file is still being
    read meanwhile) once the file reaches PARALLEL_THRESHOLD rows; smaller files stay in this process.
    At most IN_FLIGHT_PER_WORKER slices per worker are out at once, and each is staged as it comes
    back. Raises ReadError when the rest of a lazily read file turns out unreadable."""
    args = (columns, profile, str(dicts_dir) if dicts_dir else None, now)
    flow = _Flow(staging, progress, table)
    pending: list[tuple[RawTable, str | None]] = []   # not handed on yet: the file may still prove small
    try:
        for start, stop in table.stream(slice_rows):
            part = table.slice(start, stop)
            pending.append((part, staging.spill_path(part)))
            table.release(stop)
            if stop >= PARALLEL_THRESHOLD:
                flow.hand_on(pending, args)
                pending = []
            flow.read(stop)
        for part, spill in pending:
            flow.stage(prepare_slice(part, *args, spill), len(part))
        flow.finish()
    except BaseException:
        flow.cancel()
        raise
    identical = staging.settle_repeats(table)
    rejected, first = staging.rejection_summary()
    return Prepared(staging, rejected, first, identical, flow.controls)


class _Flow:
    """Slices out to the workers and back into the staging tables, in file order."""

    def __init__(self, staging: "Staging", progress: Progress | None, table: RawTable):
        self.staging, self.progress, self.table = staging, progress, table
        self.pool, self.started = None, False
        self.in_flight: deque = deque()
        self.read_rows = self.staged_rows = self.controls = 0

    def hand_on(self, parts: list[tuple[RawTable, str | None]], args: tuple) -> None:
        if not self.started:
            self.pool, self.started = worker_pool(), True
        for part, spill in parts:
            if self.pool is None:               # one core: no workers, this process does it
                self.stage(prepare_slice(part, *args, spill), len(part))
                continue
            with plain_main():
                self.in_flight.append((_submit(self.pool, part, args, spill), len(part)))
        limit = IN_FLIGHT_PER_WORKER * worker_count()
        while len(self.in_flight) > limit:
            self._take_oldest()

    def _take_oldest(self) -> None:
        future, rows = self.in_flight.popleft()
        self.stage(_result(future), rows)

    def stage(self, result, rows: int) -> None:
        staged, terms, rejections, controls = result
        self.staging.add(staged, terms, rejections)
        self.controls += controls
        self.staged_rows += rows
        if self.progress:
            self.progress("校验、分词与情感", self.table.read_fraction * self.staged_rows / max(self.read_rows, 1))

    def read(self, rows: int) -> None:
        self.read_rows = rows

    def finish(self) -> None:
        while self.in_flight:
            self._take_oldest()

    def cancel(self) -> None:
        """The file failed: slices not started yet are dropped (the pool stays for the next file)."""
        for future, _ in self.in_flight:
            future.cancel()
        self.in_flight.clear()


def _submit(pool: Executor, part: RawTable, args: tuple, spill: str | None):
    try:
        return pool.submit(prepare_slice, part, *args, spill)
    except BrokenProcessPool as exc:
        raise WorkerCrashed(str(exc)) from exc


def _result(future):
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerCrashed(str(exc)) from exc


# --------------------------------------------------------------------------- #
# Worker pool
# --------------------------------------------------------------------------- #

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def worker_count() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def worker_pool() -> Executor | None:
    """The process-wide pool of workers (None on a one-core machine). Started on first use."""
    global _pool
    if worker_count() < 2:
        return None
    with _pool_lock:
        if _pool is None or getattr(_pool, "_broken", False):
            # spawn, not fork: the dashboard process runs threads, and forking those is unsafe
            _pool = ProcessPoolExecutor(max_workers=worker_count(), mp_context=get_context("spawn"))
        return _pool


@contextmanager
def plain_main():
    """While workers may start. A spawned worker first imports its parent's __main__ module, and inside
    the dashboard that is the page script (Streamlit's script runner installs a stand-in __main__ whose
    __file__ is streamlit_app.py), which would open the store in every worker and kill it. Workers start
    only in ProcessPoolExecutor.submit, on the calling thread: hide the main module for that moment."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown_pool)
