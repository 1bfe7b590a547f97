"""Where a file's prepared rows wait for the write transaction, so that no file is ever held whole in memory.

Slices come back from the workers (core/ingest/enrich.py) as Arrow tables and are appended at once to
temporary DuckDB tables of one cursor: `staged` (rows), `staged_terms`, `staged_rejections`. They are
temporary (the store is untouched until the one write transaction, which runs on the same cursor and
inserts from them) and DuckDB spills them to disk past its memory limit (YUQING_INGEST_MEMORY for the
CLI, YUQING_SERVER_MEMORY in the dashboard). Ids repeated within the file are settled over all staged
rows in SQL. A repeat that is refused needs its cells verbatim, so every slice's raw rows are written to
a spill folder by the worker that prepared it and read back only for those lines.
"""
from __future__ import annotations

import bisect
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pyarrow as pa

from dashboard.core import contract, store
from dashboard.core.ingest.normalise import Rejection, raw_row
from dashboard.core.ingest.readers import RawTable

# Read back from DuckDB this many rows at a time (repeats, rejections for the report).
_BATCH = 10_000
# A spill folder this old belongs to a process killed mid-ingest (an ingest never runs this long): removed.
STALE_SPILL_SECONDS = 24 * 3600
_REJECTIONS_SCHEMA = pa.schema([("line", pa.int64()), ("reason", pa.string()), ("raw", pa.string())])


class Staging:
    """One file's staged rows: temporary tables on a cursor of their own, raw rows in a spill folder.
    Use as a context manager: closing drops the tables (with the cursor) and the folder."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spill_root: Path, row_schema: pa.Schema,
                 term_schema: pa.Schema):
        self.cursor = con.cursor()
        spill_root.mkdir(parents=True, exist_ok=True)
        remove_stale_spills(spill_root)
        self.spill_dir = Path(tempfile.mkdtemp(prefix="staging-", dir=spill_root))
        self._spills: list[tuple[int, Path]] = []     # (first line, file) per spilled slice, in line order
        self._register(row_schema.empty_table(), term_schema.empty_table(), [])
        for name in ("ingest/stage_create_rows", "ingest/stage_create_terms", "ingest/stage_create_rejections"):
            store.execute(self.cursor, name)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.cursor.close()
        finally:
            shutil.rmtree(self.spill_dir, ignore_errors=True)

    # ----------------------------------------------------------------------------------- filling

    def spill_path(self, table: RawTable) -> str | None:
        """Where the worker preparing this slice keeps its raw rows (None: an in-memory frame, which the
        caller holds anyway and raw_rows() reads directly)."""
        if table.frame is not None or not table.lines:
            return None
        path = self.spill_dir / f"{len(self._spills):06d}.pickle"
        self._spills.append((table.lines[0], path))
        return str(path)

    def add(self, rows: pa.Table, terms: pa.Table, rejections: list[Rejection]) -> None:
        self._register(rows, terms, rejections)
        for name in ("ingest/stage_add_rows", "ingest/stage_add_terms", "ingest/stage_add_rejections"):
            store.execute(self.cursor, name)

    def _register(self, rows: pa.Table, terms: pa.Table, rejections: list[Rejection]) -> None:
        self.cursor.register("slice_rows", rows)
        self.cursor.register("slice_terms", terms)
        self.cursor.register("slice_rejections", rejections_table(rejections))

    def replace_lines(self, lines: list[int], rows: pa.Table, terms: pa.Table) -> None:
        """Staged rows (and their terms) of these lines replaced by `rows` and `terms`."""
        store.execute(self.cursor, "ingest/stage_drop_rows", lines=lines)
        store.execute(self.cursor, "ingest/stage_drop_terms", lines=lines)
        self.add(rows, terms, [])

    def rows_at(self, lines: list[int]) -> pa.Table:
        return store.fetch_batches(self.cursor, "ingest/staged_rows_at", _BATCH, lines=lines).read_all()

    # ----------------------------------------------------------------------------------- ids repeated

    def settle_repeats(self, table: RawTable) -> int:
        """Ids repeated within the file, over every staged row: an exact repeat is dropped and counted
        (the number is returned), a repeat with other values is refused pointing at the first line, since
        nobody can tell which version is right. `table`: the file, for raw cells of an in-memory frame."""
        store.execute(self.cursor, "ingest/stage_find_repeats")
        identical, after = 0, 0
        # a page at a time: the cursor cannot stage refusals while a result is still being read
        while repeats := store.execute(self.cursor, "ingest/staged_repeats_page", after=after,
                                       page_rows=_BATCH).fetchall():
            differing = [r for r in repeats if r[3]]
            identical += len(repeats) - len(differing)
            if differing:
                raws = self.raw_rows({r[0] for r in differing}, table)
                self._add_rejections([_repeat_rejection(*r, raws[r[0]]) for r in differing])
            after = repeats[-1][0]
        store.execute(self.cursor, "ingest/stage_drop_repeats")
        return identical

    def _add_rejections(self, rejections: list[Rejection]) -> None:
        self.cursor.register("slice_rejections", rejections_table(rejections))
        store.execute(self.cursor, "ingest/stage_add_rejections")

    def raw_rows(self, lines: set[int], table: RawTable) -> dict[int, dict[str, Any]]:
        """The cells of these lines as the rejected-rows report shows them."""
        if table.frame is not None:
            return {line: raw_row(table, pos) for pos, line in enumerate(table.lines) if line in lines}
        found: dict[int, dict[str, Any]] = {}
        firsts = [first for first, _ in self._spills]
        by_file: dict[int, set[int]] = {}
        for line in lines:
            by_file.setdefault(bisect.bisect_right(firsts, line) - 1, set()).add(line)
        for index, wanted in by_file.items():
            spilled = RawTable.from_spill(self._spills[index][1], table.headers)
            found.update({line: raw_row(spilled, pos) for pos, line in enumerate(spilled.lines) if line in wanted})
        return found

    # ----------------------------------------------------------------------------------- rejections

    def rejection_summary(self) -> tuple[int, Rejection | None]:
        """How many rows are refused, and the first of them (by line)."""
        count, line, reason = store.execute(self.cursor, "ingest/staged_rejection_summary").fetchall()[0]
        return int(count), (Rejection(int(line), reason, {}) if count else None)

    def rejections(self) -> Iterator[Rejection]:
        """Every refused row, by line, read back a batch at a time (for the report beside the archive)."""
        reader = store.fetch_batches(self.cursor, "ingest/staged_rejections", _BATCH)
        for batch in reader:
            for r in batch.to_pylist():
                yield Rejection(r["line"], r["reason"], json.loads(r["raw"]))


def rejections_table(rejections: list[Rejection]) -> pa.Table:
    return pa.table([pa.array([r.line for r in rejections], pa.int64()),
                     pa.array([r.reason for r in rejections], pa.string()),
                     pa.array([json.dumps(r.raw, ensure_ascii=False, default=str) for r in rejections], pa.string())],
                    schema=_REJECTIONS_SCHEMA)


def _repeat_rejection(line: int, item_id: str, first_line: int, differing: list[str],
                      raw: dict[str, Any]) -> Rejection:
    labels = "、".join(contract.FIELD_LABELS[name] for name in differing)
    return Rejection(line=line, raw=raw,
                     reason=f"编号 {item_id} 在本文件第 {first_line} 行已出现，且{labels}不同：请核对后只保留一条")


def remove_stale_spills(spill_root: Path, now: float | None = None) -> list[Path]:
    """Remove the spill folders a killed ingest left behind (older than STALE_SPILL_SECONDS); returns them."""
    now = time.time() if now is None else now
    stale = [p for p in spill_root.glob("staging-*") if now - p.stat().st_mtime > STALE_SPILL_SECONDS]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale
