"""The words people use: top terms (word cloud), rising terms, term trends, drill-down.

Everything reads the terms stored at ingest (``item_terms``: stop words, punctuation and
numbers were dropped then), through queries/terms/*.sql; nothing is tokenised here.

Rising terms compare the filter's period with ``period.previous()`` (the period of equal
length just before it, same other filters). A term's share is the share of the period's
items that use it; its lift is the ratio of the two shares, each smoothed as if one more
item used the term and one more did not, ``((count + 1) / (items + 2)) / ((prev_count + 1) /
(prev_items + 2))``: a term absent before gets a large but finite lift, and an empty previous
period divides by nothing. Only terms used by at least ``min_count`` items in the period and
whose share rose are listed, strongest lift first.

Each question has two exact answers: from ``item_terms`` joined to the filtered items (any filter)
and from ``term_rollup`` (terms per 8-hour bucket and category, schema/005_term_rollup.sql), which
is read when only the period and categories are set and the period starts and ends on bucket
boundaries (every calendar or 08:00 monitoring day does): core/rollups.py decides, for every caller.
``checks/term_rollup_mismatch.sql`` and the tests hold the two to the same numbers.
"""
from __future__ import annotations

from typing import Iterable

import duckdb
import pandas as pd

from dashboard.core import rollups
from dashboard.core.filters import Filters
from dashboard.core.store import run_query

__all__ = ["top_terms", "rising_terms", "term_trend", "items_with_term"]

RISING_COLUMNS = ["term", "count", "prev_count", "share", "prev_share", "lift", "share_change"]


def uses_rollup(filters: Filters, day_start_hour: int | None = None) -> bool:
    """Whether term_rollup answers for `filters` (and days starting at `day_start_hour`): core/rollups.py."""
    return rollups.term_rollup_answers(filters.record(), day_start_hour)


def _run(con, name: str, filters: Filters, **params) -> pd.DataFrame:
    """Query `name`; store.run_query reads term_rollup instead when it gives the same rows."""
    return run_query(con, name, **filters.params(), **params)


def top_terms(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """The `limit` most used terms: term, count (occurrences), items (items using it)."""
    return _run(con, "terms/top_terms", filters, limit=limit)


def rising_terms(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 20,
                 min_count: int = 5) -> pd.DataFrame:
    """Terms whose share of items rose most against the previous period of equal length.

    Columns: term, count, prev_count (items using the term), share, prev_share, lift, share_change
    (share - prev_share). Empty when the filter has no period.
    """
    if filters.period is None:
        return pd.DataFrame(columns=RISING_COLUMNS)
    totals = run_query(con, "terms/period_items", **filters.params()).iloc[0]
    items, prev_items = int(totals["items"]), int(totals["prev_items"])
    counts = _run(con, "terms/rising_terms", filters, min_count=min_count)
    count, prev = counts["count"].astype(float), counts["prev_count"].astype(float)
    counts["share"] = count / items if items else 0.0
    counts["prev_share"] = prev / prev_items if prev_items else 0.0
    counts["lift"] = ((count + 1) / (items + 2)) / ((prev + 1) / (prev_items + 2))
    counts["share_change"] = counts["share"] - counts["prev_share"]
    rising = counts[(counts["lift"] > 1) & (counts["share"] > counts["prev_share"])]
    rising = rising.sort_values(["lift", "count", "term"], ascending=[False, False, True], kind="stable")
    return rising[RISING_COLUMNS].head(limit).reset_index(drop=True)


def term_trend(con: duckdb.DuckDBPyConnection, filters: Filters, terms: Iterable[str],
               day_start_hour: int | None = None) -> pd.DataFrame:
    """Items per day using each of `terms` (day, term, items), every day of the period present.

    Days start at `day_start_hour` (default: the filter's). Without a period the days run from the
    first to the last day on which one of the terms is used.
    """
    terms = list(dict.fromkeys(t for t in terms if t))
    hour = filters.day_start_hour if day_start_hour is None else day_start_hour
    if not terms:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[us]"), "term": pd.Series(dtype=str),
                             "items": pd.Series(dtype="int64")})
    counts = _run(con, "terms/term_trend", filters, words=terms, day_start_hour=hour)
    counts["day"] = pd.to_datetime(counts["day"])
    if filters.period is not None:
        first = pd.Timestamp(filters.period.start - pd.Timedelta(hours=hour)).normalize()
        last = pd.Timestamp(filters.period.end - pd.Timedelta(hours=hour) - pd.Timedelta(microseconds=1)).normalize()
    elif len(counts):
        first, last = counts["day"].min(), counts["day"].max()
    else:
        return counts
    days = pd.date_range(first, last, freq="D")
    full = pd.MultiIndex.from_product([days, terms], names=["day", "term"])
    filled = counts.set_index(["day", "term"])["items"].reindex(full, fill_value=0)
    return filled.astype("int64").reset_index()


def items_with_term(con: duckdb.DuckDBPyConnection, filters: Filters, term: str, limit: int = 500) -> pd.DataFrame:
    """The items of the filter that use `term`, newest first (masked title and content, term_count)."""
    return run_query(con, "terms/items_with_term", **filters.params(), term=term, limit=limit)
