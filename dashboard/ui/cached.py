"""Streamlit cache wrappers for the analytics core (metrics, alerts, topics, terms, word cloud).

The core functions take the store's connection; here they run on `get_store().con` and are cached
with `st.cache_data` keyed by the data version (a new drop refreshes every page) and `repr(filters)`
(Filters is a frozen dataclass of plain values, so its repr is a stable key). The Filters object
itself is passed as an unhashed `_filters` argument. Results that depend on "now" (alerts, the
reply status of an open day) also expire after a few minutes.

Every public function returns a fresh copy of DataFrames, so pages may rename or reorder freely.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard.core import alerts as core_alerts
from dashboard.core import metrics, reports, store, terms, topics
from dashboard.core.alerts import Alert
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, Period, day_period
from dashboard.core.topics import Topic
from dashboard.core.wordcloud_render import wordcloud_png
from dashboard.ui.store import data_version, get_store

NOW_TTL = 300      # seconds: figures judged "as of now" are recomputed at least this often


def _con():
    return get_store().con


def _key(filters: Filters) -> str:
    return repr(filters)


def settings_for_day(filters: Filters) -> AnalyticsSettings:
    """The analytics settings with the filters' day boundary (监测日 or 自然日)."""
    return replace(AnalyticsSettings(), day_start_hour=filters.day_start_hour)


def view_day(filters: Filters) -> date:
    """The monitoring day a day view (总览, 预警) opens on: the last day of the filters' period.

    The sidebar's presets count back from min(now, newest item) (drilldown.anchor_time), so with the
    default range this is today's monitoring day — or, when the store ends before today (an old
    export), the day of the newest data."""
    if filters.period is None:
        return (metrics.now_local() - timedelta(hours=filters.day_start_hour)).date()
    return (filters.period.end - timedelta(hours=filters.day_start_hour, microseconds=1)).date()


def day_filters(filters: Filters, day: date) -> Filters:
    """The filters narrowed to one day under their own day boundary."""
    return filters.with_period(day_period(day, filters.day_start_hour))


# ------------------------------------------------------------------------------------------ metrics
@st.cache_data(show_spinner=False, max_entries=64, ttl=NOW_TTL)
def _department_table(version: int, key: str, _filters: Filters, compare_previous: bool) -> pd.DataFrame:
    return metrics.department_table(_con(), _filters, compare_previous=compare_previous)


def department_table(filters: Filters, compare_previous: bool = True) -> pd.DataFrame:
    return _department_table(data_version(), _key(filters), filters, compare_previous).copy()


@st.cache_data(show_spinner=False, max_entries=64, ttl=NOW_TTL)
def _group_summary(version: int, key: str, _filters: Filters) -> list[metrics.GroupSummary]:
    return metrics.group_summary(_con(), _filters)


def group_summary(filters: Filters) -> list[metrics.GroupSummary]:
    return list(_group_summary(data_version(), _key(filters), filters))


def honour_list(filters: Filters, group: str | None = None) -> pd.DataFrame:
    table = department_table(filters)
    return metrics.honour_list(None, filters, group=group, table=table)


def reminder_list(filters: Filters, group: str | None = None) -> pd.DataFrame:
    table = department_table(filters)
    return metrics.reminder_list(None, filters, group=group, table=table)


@st.cache_data(show_spinner=False, max_entries=64, ttl=NOW_TTL)
def _overdue_items(version: int, key: str, _filters: Filters, kind: str | None, limit: int | None) -> pd.DataFrame:
    return metrics.overdue_items(_con(), _filters, kind=kind, limit=limit)


def overdue_items(filters: Filters, kind: str | None = None, limit: int | None = 500) -> pd.DataFrame:
    return _overdue_items(data_version(), _key(filters), filters, kind, limit).copy()


@st.cache_data(show_spinner=False, max_entries=64, ttl=NOW_TTL)
def _aging_bands(version: int, key: str, _filters: Filters) -> pd.DataFrame:
    return metrics.aging_bands(_con(), _filters)


def aging_bands(filters: Filters) -> pd.DataFrame:
    return _aging_bands(data_version(), _key(filters), filters).copy()


@st.cache_data(show_spinner=False, max_entries=4)
def _figures_as_of(version: int) -> datetime:
    return metrics.figures_as_of(_con())


def figures_as_of() -> datetime:
    """When reply status is judged for the 部门 page and the 通报: the data cut-off (metrics.figures_as_of)."""
    return _figures_as_of(data_version())


def rules_text() -> list[str]:
    return metrics.rules_text(AnalyticsSettings())


@st.cache_data(show_spinner=False, max_entries=64, ttl=NOW_TTL)
def _due_reply_rate(version: int, key: str, day: date, _filters: Filters) -> tuple[metrics.Rate, Period]:
    settings = settings_for_day(_filters)
    as_of = min(day_period(day, settings.day_start_hour).end, metrics.now_local())
    return metrics.due_reply_rate(_con(), day, _filters.with_period(None), settings, as_of)


def due_reply_rate(filters: Filters, day: date) -> tuple[metrics.Rate, Period]:
    """到期诉求答复率 of monitoring `day` and its due window, as of the end of the day (or now), with the
    filters' other fields: the same figure and window as the day's department reminders."""
    return _due_reply_rate(data_version(), _key(filters), day, filters)


# ------------------------------------------------------------------------------------------- alerts
@st.cache_data(show_spinner=False, max_entries=32, ttl=NOW_TTL)
def _alerts(version: int, key: str, day: date, _filters: Filters) -> list[Alert]:
    return core_alerts.current_alerts(_con(), day, settings=settings_for_day(_filters), filters=_filters)


def current_alerts(filters: Filters, day: date) -> list[Alert]:
    """Every alert of monitoring `day`, most severe first, narrowed by the filters' other fields."""
    return list(_alerts(data_version(), _key(filters), day, filters))


@st.cache_data(show_spinner=False, max_entries=128, ttl=NOW_TTL)
def _alert_items(version: int, query: str, params_key: str, _params: dict) -> pd.DataFrame:
    return store.run_query(_con(), query, **_params)


def alert_items(alert: Alert) -> pd.DataFrame:
    """The items behind an alert (masked titles, as the alert queries return them)."""
    params_key = repr(sorted(alert.params.items()))
    return _alert_items(data_version(), alert.query, params_key, alert.params).copy()


def alert_rules_text(filters: Filters) -> list[str]:
    return core_alerts.rules_text(settings_for_day(filters))


# ------------------------------------------------------------------------------------------- topics
@st.cache_data(show_spinner=False, max_entries=32)
def _hot_topics(version: int, key: str, _filters: Filters, limit: int, min_size: int) -> list[Topic]:
    return topics.hot_topics(_con(), _filters, limit=limit, min_size=min_size)


def hot_topics(filters: Filters, limit: int = 20, min_size: int = 3) -> list[Topic]:
    return list(_hot_topics(data_version(), _key(filters), filters, limit, min_size))


@st.cache_data(show_spinner=False, max_entries=32)
def _topic_scope(version: int, key: str, _filters: Filters) -> topics.Scope:
    return topics.topic_scope(_con(), _filters)


def topic_scope(filters: Filters) -> topics.Scope:
    return _topic_scope(data_version(), _key(filters), filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _topic_items(version: int, item_ids: tuple[str, ...], since) -> pd.DataFrame:
    return topics.topic_items(_con(), item_ids, since)


def topic_items(item_ids, since=None) -> pd.DataFrame:
    """Items by id (masked title and content; `author` raw: mask it before showing). `since`: no
    later than the oldest of them, when known."""
    return _topic_items(data_version(), tuple(str(i) for i in item_ids), since).copy()


@st.cache_data(show_spinner=False, max_entries=32)
def _attention_items(version: int, key: str, _filters: Filters, limit: int) -> pd.DataFrame:
    ids = store.run_query(_con(), "items/list", **_filters.params(), subcategories=None, limit=None,
                          offset=0)["id"].tolist()
    if not ids:
        return topics.topic_items(_con(), [])
    rows = topics.topic_items(_con(), ids, _filters.period.start if _filters.period else None)
    rows["_negative"] = rows["sentiment"].eq("负面").fillna(False)
    rows = rows.sort_values(["likes", "_negative", "published_at", "id"], ascending=[False, False, False, True],
                            kind="stable")
    return rows.drop(columns="_negative").head(limit).reset_index(drop=True)


def attention_items(filters: Filters, limit: int = 10) -> pd.DataFrame:
    """The items of the filters that drew most attention: most liked first, then negative, then newest.
    (Masked title and content; `author` raw: mask it before showing.)"""
    return _attention_items(data_version(), _key(filters), filters, limit).copy()


# -------------------------------------------------------------------------------------------- terms
@st.cache_data(show_spinner=False, max_entries=64)
def _top_terms(version: int, key: str, _filters: Filters, limit: int) -> pd.DataFrame:
    return terms.top_terms(_con(), _filters, limit=limit)


def top_terms(filters: Filters, limit: int = 200) -> pd.DataFrame:
    return _top_terms(data_version(), _key(filters), filters, limit).copy()


@st.cache_data(show_spinner=False, max_entries=64)
def _rising_terms(version: int, key: str, _filters: Filters, limit: int, min_count: int) -> pd.DataFrame:
    return terms.rising_terms(_con(), _filters, limit=limit, min_count=min_count)


def rising_terms(filters: Filters, limit: int = 20, min_count: int = 5) -> pd.DataFrame:
    return _rising_terms(data_version(), _key(filters), filters, limit, min_count).copy()


@st.cache_data(show_spinner=False, max_entries=64)
def _term_trend(version: int, key: str, _filters: Filters, words: tuple[str, ...]) -> pd.DataFrame:
    return terms.term_trend(_con(), _filters, list(words))


def term_trend(filters: Filters, words) -> pd.DataFrame:
    return _term_trend(data_version(), _key(filters), filters, tuple(words)).copy()


@st.cache_data(show_spinner=False, max_entries=64)
def _items_with_term(version: int, key: str, _filters: Filters, term: str, limit: int) -> pd.DataFrame:
    return terms.items_with_term(_con(), _filters, term, limit=limit)


def items_with_term(filters: Filters, term: str, limit: int = 500) -> pd.DataFrame:
    return _items_with_term(data_version(), _key(filters), filters, term, limit).copy()


@st.cache_data(show_spinner=False, max_entries=32)
def _wordcloud(version: int, key: str, frequencies: tuple[tuple[str, int], ...], width: int,
               height: int) -> bytes | None:
    return wordcloud_png(dict(frequencies), width, height)


def wordcloud(filters: Filters, frequencies: dict[str, int], width: int = 900, height: int = 420) -> bytes | None:
    """The PNG of a word cloud (core/wordcloud_render), cached per data version and frequencies."""
    frozen = tuple(sorted((str(k), int(v)) for k, v in frequencies.items()))
    return _wordcloud(data_version(), _key(filters), frozen, width, height)


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
    return reports.special_report(_con(), filters, topic=topic)
