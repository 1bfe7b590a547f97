"""The DuckDB store: connections, schema migrations and the one way to run SQL.

Every statement the product runs is a file under queries/ (schema/ holds the
migrations). `run_query(con, "area/name", **params)` loads it, binds the named
`$params` it uses (missing ones are NULL, which the SQL reads as "all"), and
returns a DataFrame. Nothing here formats values into SQL text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.core.config import QUERIES_DIR
from dashboard.core.filters import Filters

SCHEMA_DIR = QUERIES_DIR / "schema"
_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT_RE = re.compile(r"--[^\n]*")


class StoreBusy(Exception):
    """Another process (usually the running dashboard) holds the database file."""


class QueryNotFound(KeyError):
    pass


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
    con.execute("set enable_progress_bar = false")  # it would print over the CLI's own bar and into logs
    if not read_only:
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring the store up to date: the scalar macros (schema/functions.sql), then every numbered
    migration (schema/NNN_*.sql) not yet applied, each in its own transaction, then the table macros
    (schema/views.sql). The two definition files are applied on every start, so a change to a macro
    reaches existing stores; the numbered files change data and run once."""
    _apply(con, SCHEMA_DIR / "functions.sql")
    con.execute("create table if not exists schema_migrations (version varchar primary key, applied_at timestamp)")
    done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    applied = []
    for path in sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        if path.stem in done:
            continue
        _apply(con, path, record=path.stem)
        applied.append(path.stem)
    _apply(con, SCHEMA_DIR / "views.sql")
    return applied


def _apply(con: duckdb.DuckDBPyConnection, path: Path, record: str | None = None) -> None:
    """Run one schema file in a transaction (recording it as an applied migration when `record`)."""
    con.execute("begin transaction")
    try:
        con.execute(path.read_text(encoding="utf-8"))
        if record:
            con.execute("insert into schema_migrations values (?, current_timestamp)", [record])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
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


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a query file and return its rows. Takes its own cursor, so threads may share `con`."""
    cursor = con.cursor()
    try:
        return fetch(cursor, name, **params)
    finally:
        cursor.close()


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Changes whenever an ingest commits: the cache key for every page query."""
    frame = run_query(con, "meta/data_version")
    return int(frame.iat[0, 0])
