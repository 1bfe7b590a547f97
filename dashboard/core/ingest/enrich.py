"""The slow, row-by-row work of an ingest, done before the write transaction opens.

For each row: validation (normalise.validate), personal-data masks, word terms and a
sentiment label from one segmentation. All of it is stored, so pages never tokenise or
scan for phone numbers at request time.

Rows are independent, so a large file is cut into slices that worker processes prepare
in parallel (one per core, in a pool kept for the life of the process: starting a
worker and loading the dictionaries costs about a second). Each slice comes back as
Arrow tables in the store's staging types; only ids repeated within the file need the
whole file, and are settled afterwards (normalise.resolve_duplicate_ids).
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import types
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.ingest.mapping import ColumnMap, Profile
from dashboard.core.ingest.normalise import (
    Rejection,
    _Stats,
    resolve_duplicate_ids,
    validate,
)
from dashboard.core.ingest.readers import RawTable
from dashboard.core.text.pii import mask_name, mask_text
from dashboard.core.text.regions import get_gazetteer
from dashboard.core.text.sentiment import get_lexicon, score_tokens
from dashboard.core.text.tokens import get_tokenizer

# Below this many rows one process is faster than handing slices to workers.
PARALLEL_THRESHOLD = 20_000
SLICE_ROWS = 10_000

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
    staged: pa.Table                 # rows to write, STAGED_SCHEMA
    terms: pa.Table                  # TERMS_SCHEMA, for the rows in `staged`
    rejections: list[Rejection]      # sorted by line
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
                  now: datetime) -> tuple[pa.Table, pa.Table, list[Rejection], int]:
    """Validate, mask, tokenise and score one slice of a file (runs in a worker)."""
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
            now: datetime, progress: Progress | None = None) -> Prepared:
    """Every row of `table` validated and enriched, ids repeated within the file settled.

    Slices go to the worker pool as soon as they have been read (a lazily read CSV is still being
    read meanwhile) once the file reaches PARALLEL_THRESHOLD rows; smaller files stay in this process.
    Raises ReadError when the rest of a lazily read file turns out unreadable."""
    dicts = str(dicts_dir) if dicts_dir else None
    args = (columns, profile, dicts, now)
    pending: list[RawTable] = []    # slices not handed on yet: the file may still prove small
    futures = []
    pool = None
    for start, stop in table.stream(SLICE_ROWS):
        pending.append(table.slice(start, stop))
        if pool is None and stop >= PARALLEL_THRESHOLD:
            pool = worker_pool()
        if pool is not None:
            with plain_main():
                futures += [_submit(pool, part, args) for part in pending]
            pending = []
        if progress:
            progress("读取文件", 0.25 * table.read_fraction)
    count = len(futures) + len(pending)   # one of the two is empty
    results = (_result(future) for future in futures) if futures else (prepare_slice(p, *args) for p in pending)
    staged, terms, rejections, controls = [], [], [], 0
    for done, (part_staged, part_terms, part_rejections, part_controls) in enumerate(results, start=1):
        staged.append(part_staged)
        terms.append(part_terms)
        rejections.extend(part_rejections)
        controls += part_controls
        if progress:
            progress("校验、分词与情感", 0.25 + 0.75 * done / count)
    staged_table = pa.concat_tables(staged) if staged else STAGED_SCHEMA.empty_table()
    terms_table = pa.concat_tables(terms) if terms else TERMS_SCHEMA.empty_table()
    staged_table, duplicate_rejections, identical = _settle_duplicates(staged_table, table)
    rejections = sorted(rejections + duplicate_rejections, key=lambda r: r.line)
    return Prepared(staged_table, terms_table, rejections, identical, controls)


def _submit(pool: Executor, part: RawTable, args: tuple):
    try:
        return pool.submit(prepare_slice, part, *args)
    except BrokenProcessPool as exc:
        raise WorkerCrashed(str(exc)) from exc


def _result(future):
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerCrashed(str(exc)) from exc


def _settle_duplicates(staged: pa.Table, table: RawTable) -> tuple[pa.Table, list[Rejection], int]:
    ids = staged.column("id").to_pandas()
    if not ids.duplicated().any():
        return staged, [], 0
    keep, rejections, identical = resolve_duplicate_ids(staged.to_pandas(), table)
    # the terms of a dropped repeat find no staged row with their line, so they are not written
    return staged.filter(pa.array(keep)), rejections, identical


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
