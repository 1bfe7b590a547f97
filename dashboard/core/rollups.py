"""Which queries a rollup answers, and keeping item_counts true. No streamlit.

Two tables hold work done once at ingest, each per 8-hour bucket (00-08, 08-16, 16-24: every calendar
day and every 08:00 monitoring day is a whole number of buckets):

- ``term_rollup`` (schema/005): items and occurrences per term and category — the word cloud, rising terms
  and term trends;
- ``item_counts`` (schema/013): items per value of each dimension, with the KPI figures — the sidebar's
  choices, the KPI cards, volume trends, the category tree, the report's breakdown, the alerts' counts.

A query named here has a twin, ``<name>_rollup``, that reads the rollup and gives the same rows
(tests/test_rollups.py compares them; ``checks/term_rollup_mismatch`` and ``checks/item_counts_mismatch``
compare the tables with the items). ``store.run_query`` asks ``answering_query`` which of the two to
run, so every page, report and alert gets the same figure from the same place. The twin answers only
when every filter it cannot see is unset, the period (and ``$start``/``$end``) lies on bucket
boundaries and days start at 0, 8 or 16 o'clock.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BUCKET_HOURS = 8  # the term_bucket macro (functions.sql)

# The filter fields each rollup can apply; every other field of $filters must be unset.
_TERM_ROLLUP_FILTERS = frozenset({"start", "end", "categories"})
_COUNTS_FILTERS = frozenset({"start", "end"})

TERM_ROLLUP_QUERIES = frozenset({"terms/top_terms", "terms/rising_terms", "terms/term_trend"})
COUNTS_QUERIES = frozenset({"trends/summary", "trends/volume", "items/breakdown", "alerts/daily_counts",
                            "categories/tree", "items/filter_options"})
VOLUME_GRAINS = frozenset({None, "day", "week", "month", "year"})          # not 'hour': finer than a bucket
VOLUME_DIMENSIONS = frozenset({None, "category", "channel", "region", "department", "sentiment"})


def answering_query(name: str, params: Mapping[str, Any]) -> str:
    """`name`, or its rollup twin `name`_rollup when that gives the same rows for these parameters."""
    if name in TERM_ROLLUP_QUERIES and term_rollup_answers(params.get("filters"), params.get("day_start_hour")):
        return f"{name}_rollup"
    if name in COUNTS_QUERIES and _counts_answer(name, params):
        return f"{name}_rollup"
    return name


def term_rollup_answers(record: Mapping[str, Any] | None, day_start_hour: int | None = None) -> bool:
    """Whether term_rollup answers for the filter record (and days starting at `day_start_hour`)."""
    return _only(record, _TERM_ROLLUP_FILTERS) and _day_start_ok(day_start_hour)


def _counts_answer(name: str, params: Mapping[str, Any]) -> bool:
    if not (_only(params.get("filters"), _COUNTS_FILTERS) and _day_start_ok(params.get("day_start_hour"))):
        return False
    if name == "trends/volume":
        return params.get("grain") in VOLUME_GRAINS and params.get("dimension") in VOLUME_DIMENSIONS
    if name == "items/filter_options":
        return _on_boundary(params.get("start")) and _on_boundary(params.get("end"))
    return True


def _only(record: Mapping[str, Any] | None, allowed: frozenset[str]) -> bool:
    """Every field of the filter record outside `allowed` is unset, and the period is on bucket boundaries."""
    if record is None:
        return True
    if any(value not in (None, "", [], ()) for key, value in record.items() if key not in allowed):
        return False
    return _on_boundary(record.get("start")) and _on_boundary(record.get("end"))


def _day_start_ok(day_start_hour: int | None) -> bool:
    return day_start_hour is None or day_start_hour % BUCKET_HOURS == 0


def _on_boundary(moment) -> bool:
    if moment is None:
        return True
    if not hasattr(moment, "hour"):      # not a time (a CLI typo): the item-level query says what is wrong
        return False
    return (moment.minute, moment.second, moment.microsecond) == (0, 0, 0) and moment.hour % BUCKET_HOURS == 0
