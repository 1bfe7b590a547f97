"""Streamlit caches for the analytics core (metrics, alerts, topics, terms, word cloud, queries).

The core functions take the store's connection; here they run on `get_store().con`. One decorator,
`store_cached`, caches each of them with `st.cache_data`, keyed by the data version (a new drop refreshes
every page) and the repr of its arguments (Filters is a frozen dataclass of plain values, so its repr is
a stable key). Results that depend on "now" (alerts, the reply status of an open day) also expire after
a few minutes. Every call returns fresh copies of DataFrames, so pages may rename or reorder freely.
"""
from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Callable

import pandas as pd
import streamlit as st

from dashboard.core import reports, store
from dashboard.core.analytics import alerts as core_alerts
from dashboard.core.analytics import metrics, replies, terms, topics
from dashboard.core.analytics.alerts import Alert
from dashboard.core.analytics.topics import Topic
from dashboard.core.access import choke
from dashboard.core.access.sessions import Session
from dashboard.core.config import AnalyticsSettings
from dashboard.core.display.wordcloud import PlacedWord, wordcloud_layout
from dashboard.core.filters import Filters, Period, current_day, day_period, to_datetime
from dashboard.ui.auth import current_session
from dashboard.ui.store import data_version, get_store

NOW_TTL = 300      # seconds: figures judged "as of now" are recomputed at least this often


def _con():
    return get_store().con


def _fresh(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return value.copy()
    return list(value) if isinstance(value, list) else value


def store_cached(ttl: int | None = None, max_entries: int = 64) -> Callable:
    """Turn `compute(con, *args, **kwargs)` into a cached `call(*args, **kwargs)` on the page's store."""
    def wrap(compute: Callable) -> Callable:
        def run(version: int, key: str, _args: tuple, _kwargs: dict) -> Any:
            return compute(_con(), *_args, **_kwargs)
        # st.cache_data keys a function by its module, qualified name and source: give each its own name
        run.__qualname__ = f"{compute.__qualname__}__cached"
        run.__module__ = compute.__module__
        cached = st.cache_data(show_spinner=False, max_entries=max_entries, ttl=ttl)(run)

        @functools.wraps(compute)
        def call(*args: Any, **kwargs: Any) -> Any:
            # The choke point (with ui/store.query): every Filters argument gets the account's scope, so
            # the key (the repr of the arguments) differs between accounts of different scope, and a role
            # that may not see authors never receives an author column.
            session = current_session()
            if session is None:
                raise choke.NotAllowed("未登录")
            args = tuple(_scoped(a, session) for a in args)
            kwargs = {k: _scoped(v, session) for k, v in kwargs.items()}
            key = repr((args, sorted(kwargs.items())))
            return _for_role(_fresh(cached(data_version(), key, args, kwargs)), session)
        return call
    return wrap


def _scoped(value: Any, session: Session | None) -> Any:
    return choke.scoped_filters(value, session) if isinstance(value, Filters) else value


def _for_role(value: Any, session: Session | None) -> Any:
    return choke.shown(value, session)


def scoped(filters: Filters) -> Filters:
    """`filters` restricted to the logged-in account's departments and regions."""
    return _scoped(filters, current_session())


def settings_for_day(filters: Filters) -> AnalyticsSettings:
    """The analytics settings with the filters' day boundary (监测日 or 自然日)."""
    return replace(AnalyticsSettings(), day_start_hour=filters.day_start_hour)


def view_day(filters: Filters, newest: Any = None) -> date:
    """The monitoring day a day view (总览, 预警) opens on: the last day of the filters' period, but
    never after the day of the newest item `newest` (a custom range ending after the data opens on
    the newest day that has data, not on an empty one).

    The sidebar's presets count back from min(now, newest item) (drilldown.anchor_time), so with the
    default range this is today's monitoring day — or, when the store ends before today (an old
    export), the day of the newest data."""
    hour = filters.day_start_hour
    if filters.period is None:
        last = (metrics.now_local() - timedelta(hours=hour)).date()
    else:
        last = (filters.period.end - timedelta(hours=hour, microseconds=1)).date()
    if newest is None or pd.isna(newest):
        return last
    return min(last, current_day(to_datetime(newest), hour))



def day_filters(filters: Filters, day: date) -> Filters:
    """The filters narrowed to one day under their own day boundary."""
    return filters.with_period(day_period(day, filters.day_start_hour))


def _day_end(filters: Filters, day: date) -> datetime:
    """The moment a day's figures are judged at: the end of the day, or now while it runs."""
    return min(day_period(day, filters.day_start_hour).end, metrics.now_local())


# ------------------------------------------------------------------------------------------ metrics
@store_cached(ttl=NOW_TTL)
def department_table(con, filters: Filters, compare_previous: bool = True) -> pd.DataFrame:
    return metrics.department_table(con, filters, compare_previous=compare_previous)


@store_cached(ttl=NOW_TTL)
def group_summary(con, filters: Filters) -> list[metrics.GroupSummary]:
    return metrics.group_summary(con, filters)


@store_cached()
def reply_quality(con, filters: Filters) -> pd.DataFrame:
    return replies.department_quality(con, filters)


@store_cached()
def flagged_replies(con, filters: Filters) -> pd.DataFrame:
    judged = replies.judged_replies(con, filters)
    return judged[~judged["substantive"]]


def honour_list(filters: Filters, group: str | None = None) -> pd.DataFrame:
    return metrics.honour_list(None, filters, group=group, table=department_table(filters))


def reminder_list(filters: Filters, group: str | None = None) -> pd.DataFrame:
    return metrics.reminder_list(None, filters, group=group, table=department_table(filters))


@store_cached(ttl=NOW_TTL)
def overdue_items(con, filters: Filters, kind: str | None = None, limit: int | None = 500) -> pd.DataFrame:
    return metrics.overdue_items(con, filters, kind=kind, limit=limit)


@store_cached(max_entries=4)
def figures_as_of(con) -> datetime:
    """When reply status is judged for the 部门 page and the 通报: the data cut-off (metrics.figures_as_of)."""
    return metrics.figures_as_of(con)


@store_cached(ttl=NOW_TTL)
def due_reply_rate(con, filters: Filters, day: date) -> tuple[metrics.Rate, Period]:
    """到期诉求答复率 of monitoring `day` and its due window, as of the end of the day (or now), with the
    filters' other fields: the same figure and window as the day's department reminders."""
    return metrics.due_reply_rate(con, day, filters.with_period(None), settings_for_day(filters),
                                  _day_end(filters, day))


def rules_text() -> list[str]:
    return metrics.rules_text(AnalyticsSettings())


# ------------------------------------------------------------------------------------------- alerts
@store_cached(ttl=NOW_TTL, max_entries=32)
def current_alerts(con, filters: Filters, day: date) -> list[Alert]:
    """Every alert of monitoring `day`, most severe first, narrowed by the filters' other fields."""
    return core_alerts.current_alerts(con, day, settings=settings_for_day(filters), filters=filters)


@store_cached(ttl=NOW_TTL, max_entries=32)
def day_alerts(con, filters: Filters, day: date) -> core_alerts.AlertDay:
    """The alerts of monitoring `day` as every list shows them: one per event, within the daily budget,
    with the overdue backlog line (the same as the 摘报)."""
    return core_alerts.day_alerts(con, day, settings=settings_for_day(filters), filters=filters)


@store_cached(ttl=NOW_TTL, max_entries=128)
def _alert_items(con, query: str, params: dict) -> pd.DataFrame:
    return store.run_query(con, query, **params)


def alert_items(alert: Alert) -> pd.DataFrame:
    """The items behind an alert (masked titles, as the alert queries return them), scoped like any query."""
    params = choke.params_for(current_session(), alert.query, dict(alert.params))
    return _alert_items(alert.query, dict(sorted(params.items())))


def alert_rules_text(filters: Filters) -> list[str]:
    return core_alerts.rules_text(settings_for_day(filters))


# ------------------------------------------------------------------------------------------- topics
@store_cached(max_entries=32)
def hot_topics(con, filters: Filters, limit: int = 20, min_size: int = 3) -> list[Topic]:
    return topics.hot_topics(con, filters, limit=limit, min_size=min_size)


@store_cached(max_entries=32)
def topic_scope(con, filters: Filters) -> topics.Scope:
    return topics.topic_scope(con, filters)


@store_cached()
def _topic_items(con, item_ids: tuple[str, ...], since) -> pd.DataFrame:
    return topics.topic_items(con, item_ids, since)


def topic_items(item_ids, since=None) -> pd.DataFrame:
    """Items by id (masked title and content; `author` raw: mask it before showing). `since`: no
    later than the oldest of them, when known."""
    return _topic_items(tuple(str(i) for i in item_ids), since)


@store_cached(max_entries=32)
def attention_items(con, filters: Filters, limit: int = 10) -> pd.DataFrame:
    """The items of the filters that drew most attention: most liked first, then negative, then newest.
    (Masked title and content; `author` raw: mask it before showing.)"""
    return store.run_query(con, "items/attention", **filters.params(), limit=limit)


# -------------------------------------------------------------------------------------------- terms
@store_cached()
def top_terms(con, filters: Filters, limit: int = 200) -> pd.DataFrame:
    return terms.top_terms(con, filters, limit=limit)


@store_cached()
def rising_terms(con, filters: Filters, limit: int = 20, min_count: int = 5) -> pd.DataFrame:
    return terms.rising_terms(con, filters, limit=limit, min_count=min_count)


@store_cached()
def _term_trend(con, filters: Filters, words: tuple[str, ...]) -> pd.DataFrame:
    return terms.term_trend(con, filters, list(words))


def term_trend(filters: Filters, words) -> pd.DataFrame:
    return _term_trend(filters, tuple(words))


@store_cached()
def items_with_term(con, filters: Filters, term: str, limit: int = 500) -> pd.DataFrame:
    return terms.items_with_term(con, filters, term, limit=limit)


@st.cache_data(show_spinner=False, max_entries=32)
def _wordcloud(frequencies: tuple[tuple[str, int], ...], width: int, height: int
               ) -> tuple[bytes, list[PlacedWord]] | None:
    return wordcloud_layout(dict(frequencies), width, height)


def wordcloud(frequencies: dict[str, int], width: int = 900, height: int = 420
              ) -> tuple[bytes, list[PlacedWord]] | None:
    """The PNG of a word cloud and where each word sits (core/display/wordcloud), cached by its
    frequencies and size."""
    return _wordcloud(tuple(sorted((str(k), int(v)) for k, v in frequencies.items())), width, height)


def now() -> datetime:
    return metrics.now_local()


# ------------------------------------------------------------------------------------------ reports
# Not cached: built only when the user presses a "生成" button (the digest numbers itself in the store).
def daily_digest(day: date) -> "reports.Report":
    """《舆情摘报》 for monitoring `day` (08:00 boundary, as DOMAIN.md defines it); assigns 第 N 期."""
    return reports.daily_digest(_con(), day, AnalyticsSettings())


def bulletin_report(filters: Filters) -> "reports.Report":
    return reports.bulletin_report(_con(), filters.period, AnalyticsSettings())


def special_report(filters: Filters, topic: Topic | None = None) -> "reports.Report":
    return reports.special_report(_con(), scoped(filters), topic=topic)
