"""The DuckDB store: connections, schema migrations and the one way to run SQL.

Every statement the product runs is a file under queries/ (schema/ holds the
migrations, store/ their bookkeeping). `run_query(con, "area/name", **params)` loads
it, binds the named `$params` it uses (missing ones are NULL, which the SQL reads
as "all"), and returns a DataFrame — from the query's rollup twin when that gives the same rows
(core/rollups.py). Nothing here formats values into SQL text.
"""
from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.core import rollups
from dashboard.core.config import QUERIES_DIR
from dashboard.core.filters import Filters

SCHEMA_DIR = QUERIES_DIR / "schema"
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT_RE = re.compile(r"--[^\n]*")


class StoreBusy(Exception):
    """Another process (usually the running dashboard) holds the database file."""


class QueryNotFound(KeyError):
    pass


class MigrationChanged(RuntimeError):
    """An applied numbered migration no longer matches its file (edited, renamed or removed)."""


def connect(db_path: Path | str, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store, creating and migrating it when writable. `memory_limit` (e.g. "1GB") caps
    DuckDB's memory for this database in this process."""
    db_path = Path(db_path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only,
                             config={"memory_limit": memory_limit} if memory_limit else {})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(str(exc)) from exc
        raise
    except duckdb.InvalidInputException as exc:
        if memory_limit:
            raise ValueError(f"内存上限设置无效：{memory_limit}（应如 1GB、512MB）：{exc}") from exc
        raise
    execute(con, "store/progress_bar_off")
    if not read_only:
        try:
            migrate(con)
        except BaseException:
            con.close()  # a store refused at start must not stay open (and locked) in this process
            raise
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring the store up to date: the scalar macros (schema/functions.sql), then every numbered
    migration (schema/NNN_*.sql) not yet applied, each in its own transaction, then the table macros
    (schema/views.sql). The two definition files are applied on every start, so a change to a macro
    reaches existing stores; the numbered files change data and run once, so an applied one must never
    change: its checksum is recorded, and a store whose applied migrations differ from the files is
    refused (MigrationChanged) before anything is applied."""
    _apply(con, SCHEMA_DIR / "functions.sql")
    files = {path.stem: path for path in sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql"))}
    recorded = _recorded_checksums(con)
    _refuse_drift(files, recorded)
    for version, checksum in recorded.items():
        if checksum is None:  # applied before checksums existed: trust the file as it is now, once
            execute(con, "store/trust_checksum", version=version, checksum=migration_checksum(files[version]))
    applied = []
    for version, path in files.items():
        if version not in recorded:
            _apply(con, path, record=version)
            applied.append(version)
    _apply(con, SCHEMA_DIR / "views.sql")
    execute(con, "store/fill_item_counts")   # item_counts' rows are defined in views.sql (counted_buckets)
    return applied


def migration_checksum(path: Path) -> str:
    """sha256 of the file's text; line endings are normalised because a Windows checkout (git's
    autocrlf) changes the bytes without changing the migration."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _recorded_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """version -> checksum of every applied migration (None for those applied before checksums)."""
    execute(con, "store/migrations_table")
    execute(con, "store/migrations_checksum_column")
    return dict(execute(con, "store/applied_migrations").fetchall())


def _refuse_drift(files: dict[str, Path], recorded: dict[str, str | None]) -> None:
    """Raise MigrationChanged, naming every file, when an applied migration's file is gone or edited."""
    problems = []
    for version, checksum in recorded.items():
        path = files.get(version)
        if path is None:
            problems.append(f"已应用的迁移 queries/schema/{version}.sql 找不到了（被删除或改名，或程序版本比数据库旧）："
                            f"请恢复该文件，或换用与数据库相符的程序版本。")
            continue
        current = migration_checksum(path)
        if checksum is not None and checksum != current:
            problems.append(f"迁移文件 queries/schema/{path.name} 在应用到本数据库之后被修改过"
                            f"（应用时校验和 {checksum[:12]}…，现在 {current[:12]}…）。已应用的迁移不会再运行，"
                            f"改动到不了已有的数据库：请把该文件恢复原样（git checkout -- queries/schema/{path.name}），"
                            f"把改动写成新的编号迁移（如 queries/schema/{_next_number(files):03d}_说明.sql）。")
    if problems:
        raise MigrationChanged("数据库结构与迁移文件不一致，没有应用任何迁移：\n" + "\n".join(problems))


def _next_number(files: dict[str, Path]) -> int:
    return max((int(version[:3]) for version in files), default=0) + 1


def _apply(con: duckdb.DuckDBPyConnection, path: Path, record: str | None = None) -> None:
    """Run one schema file in a transaction (recording it, with its checksum, as an applied migration
    when `record`)."""
    con.begin()
    try:
        con.execute(path.read_text(encoding="utf-8"))
        if record:
            execute(con, "store/record_migration", version=record, checksum=migration_checksum(path))
        con.commit()
    except Exception:
        con.rollback()
        raise


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    path = (QUERIES_DIR / f"{name}.sql").resolve()
    if QUERIES_DIR.resolve() not in path.parents or not path.is_file():
        raise QueryNotFound(f"没有名为 {name} 的查询（queries/{name}.sql）")
    return path.read_text(encoding="utf-8")


def query_params(name: str) -> list[str]:
    """The named parameters a query file uses, in order of first use."""
    sql = _COMMENT_RE.sub("", load_sql(name))
    seen: dict[str, None] = {}
    for match in _PARAM_RE.finditer(sql):
        seen.setdefault(match.group(1), None)
    return list(seen)


def list_queries() -> list[str]:
    """Every runnable query name (schema migrations excluded)."""
    return sorted(
        str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in QUERIES_DIR.rglob("*.sql")
        if p.parent != SCHEMA_DIR
    )


def bind(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The values of the query's parameters: those given, NULL for the others — and for a missing filter
    record ($filters), the record of no filter (every field NULL: all items)."""
    wanted = query_params(name)
    unknown = set(params) - set(wanted)
    if unknown:
        raise TypeError(f"查询 {name} 不接受参数：{', '.join(sorted(unknown))}（可用：{', '.join(wanted) or '无'}）")
    bound = {key: params.get(key) for key in wanted}
    if "filters" in bound and bound["filters"] is None:
        bound["filters"] = Filters().record()
    return bound


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
    """Run a statement file (insert/update/DDL) on this connection or cursor."""
    return con.execute(load_sql(name), bind(name, params))


def fetch(cursor: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a query file on exactly this cursor (inside its open transaction) and return its rows."""
    return execute(cursor, name, **params).df()


def fetch_batches(cursor: duckdb.DuckDBPyConnection, name: str, batch_rows: int, **params: Any):
    """Run a query file on this cursor and read its rows as Arrow batches of `batch_rows`, so a large
    result is never held whole (a pyarrow RecordBatchReader)."""
    return cursor.sql(load_sql(name), params=bind(name, params)).to_arrow_reader(batch_rows)


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a query file and return its rows, from its rollup twin when that gives the same rows for these
    parameters (core/rollups.py). Takes its own cursor, so threads may share `con`."""
    cursor = con.cursor()
    try:
        return fetch(cursor, rollups.answering_query(name, params), **params)
    finally:
        cursor.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """A cursor of its own in one transaction: committed when the block ends, rolled back on any error."""
    cursor = con.cursor()
    try:
        cursor.begin()
        yield cursor
        cursor.commit()
    except BaseException:
        cursor.rollback()
        raise
    finally:
        cursor.close()


def recount_buckets(cursor: duckdb.DuckDBPyConnection, buckets) -> None:
    """Count the 8-hour buckets `buckets` of item_counts again from the items, in the caller's transaction:
    after an ingest, an update or a removal changed the items in them."""
    buckets = sorted({pd.Timestamp(b).to_pydatetime() for b in buckets})
    if buckets:
        execute(cursor, "ingest/counts_clear", buckets=buckets)
        execute(cursor, "ingest/counts_add", buckets=buckets, first=buckets[0], last=buckets[-1])


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Changes whenever an ingest commits: the cache key for every page query."""
    frame = run_query(con, "meta/data_version")
    return int(frame.iat[0, 0])
