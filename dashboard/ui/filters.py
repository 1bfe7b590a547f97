"""The global filters in the sidebar, kept in the URL so a copied link opens the same view.

URL query parameters (absent = default; the defaults are never written, so a plain link is short):

    range   all | year | 30d | 7d (default) | today (最新监测日) | month | last_month | custom   时间范围
    from    custom only: a date 2024-05-01 (that whole day) or an instant 2024-05-01T09:00
    to      custom only: a date (inclusive, to the end of that day) or an instant (exclusive)
    day     mon (default: the 08:00 monitoring day, AnalyticsSettings.day_start_hour) | cal (calendar day)
    cat     category, repeated for several (cat=城乡建设&cat=环境保护)          分类
    ch      channel                                                            渠道
    reg     region                                                             地区
    dept    department                                                         部门
    sent    sentiment (正面 / 中性 / 负面 / 未评分)                              情感
    q       keyword in title or content                                        关键词
    sub     subcategory: a page parameter of 明细 only (a drill-down from a subcategory tile)

Presets count back from the anchor = min(now, newest item) (core_filters.anchor_time): when the store
ends before today, 今天 is the last day with data. The resolved dates are shown under the selector.

How the URL and the widgets stay in step: widgets own the state while the user works; after every
run the state is written to st.query_params. At the start of a run the URL is read back only when it
is *new* — a permalink opened, a drill-down link followed, browser history — i.e. different from
every URL this session wrote. If the URL carries no filter parameters at all on a later run (a page
switch that dropped them), the widgets keep their values and the URL is written again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard.core.config import AnalyticsSettings
from dashboard.core.display.drilldown import Drill
from dashboard.core.filters import (
    PRESETS,
    Filters,
    Period,
    anchor_time,
    describe_period,
    parse_bound,
    period_bounds_text,
    preset_period,
)
from dashboard.ui.store import query

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_PRESET = "7d"
DAY_MODES = {"mon": "监测日", "cal": "自然日"}
DEFAULT_DAY_MODE = "mon"
# URL key -> (dimension, Filters field, widget label)
MULTI = {
    "cat": ("category", "categories", "分类"),
    "ch": ("channel", "channels", "渠道"),
    "reg": ("region", "regions", "地区"),
    "dept": ("department", "departments", "部门"),
    "sent": ("sentiment", "sentiments", "情感"),
}
SENTIMENT_OPTIONS = ("正面", "中性", "负面", "未评分")
FILTER_KEYS = ("range", "from", "to", "day", *MULTI, "q")
# A drill-down opened in 明细 narrows that page only (never the sidebar, so other pages keep their
# filters): d + the filter's URL key for the values, dfrom / dto for the period, sub for subcategories.
DRILL_KEYS = tuple(f"d{key}" for key in MULTI)
PAGE_KEYS = ("sub", *DRILL_KEYS, "dfrom", "dto")
WIDGET = {"range": "f_range", "dates": "f_dates", "day": "f_day", "q": "f_q", **{k: f"f_{k}" for k in MULTI}}
_WRITTEN = "_filters_written"     # URL signatures this session wrote (newest last)
_STATE = "_filters_state"         # the last FilterState applied
_FILTERS = "_filters"             # the last Filters (pages read it through current())
_EXACT = "_filters_exact"         # exact custom bounds from a URL, while the date widget still shows them


@dataclass(frozen=True)
class FilterState:
    """What the URL holds (text, before it is resolved against the data and the day boundary)."""

    preset: str = DEFAULT_PRESET
    date_from: str | None = None
    date_to: str | None = None
    day_mode: str = DEFAULT_DAY_MODE
    values: dict = field(default_factory=dict)   # URL key ('cat', …) -> tuple of values
    keyword: str = ""

    def selected(self, key: str) -> tuple[str, ...]:
        return tuple(self.values.get(key, ()))


def _all(params: Mapping[str, Any], key: str) -> list[str]:
    if hasattr(params, "get_all"):
        return [v for v in params.get_all(key)]
    value = params.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def state_from_query(params: Mapping[str, Any]) -> FilterState:
    """Read the filter parameters of a URL; unknown or malformed values fall back to the defaults."""
    preset = (_all(params, "range") or [DEFAULT_PRESET])[-1]
    if preset not in PRESETS:
        preset = DEFAULT_PRESET
    date_from = (_all(params, "from") or [None])[-1]
    date_to = (_all(params, "to") or [None])[-1] or date_from
    if preset == "custom":
        try:
            valid = parse_bound(date_from, 0, end=False) < parse_bound(date_to, 0, end=True)
        except (TypeError, ValueError, AttributeError):
            valid = False
        if not valid:
            preset, date_from, date_to = DEFAULT_PRESET, None, None
    else:
        date_from = date_to = None
    day_mode = (_all(params, "day") or [DEFAULT_DAY_MODE])[-1]
    if day_mode not in DAY_MODES:
        day_mode = DEFAULT_DAY_MODE
    values = {}
    for key in MULTI:
        chosen = tuple(dict.fromkeys(v.strip() for v in _all(params, key) if v and v.strip()))
        if chosen:
            values[key] = chosen
    keyword = ((_all(params, "q") or [""])[-1] or "").strip()
    return FilterState(preset, date_from, date_to, day_mode, values, keyword)


def state_to_query(state: FilterState) -> dict[str, str | list[str]]:
    """The URL parameters of a state; defaults are left out."""
    out: dict[str, str | list[str]] = {}
    if state.preset != DEFAULT_PRESET:
        out["range"] = state.preset
    if state.preset == "custom" and state.date_from and state.date_to:
        out["from"], out["to"] = state.date_from, state.date_to
    if state.day_mode != DEFAULT_DAY_MODE:
        out["day"] = state.day_mode
    for key in MULTI:
        if state.selected(key):
            out[key] = list(state.selected(key))
    if state.keyword:
        out["q"] = state.keyword
    return out


def day_start_hour(state: FilterState, settings: AnalyticsSettings | None = None) -> int:
    settings = settings or AnalyticsSettings()
    monitoring = settings.day_start_hour or 8
    return monitoring if state.day_mode == "mon" else 0


def to_filters(state: FilterState, anchor: datetime, settings: AnalyticsSettings | None = None,
               first: datetime | None = None) -> Filters:
    """Resolve a state against the anchor (core_filters.anchor_time), the oldest item `first` (全部)
    and the day boundary."""
    hour = day_start_hour(state, settings)
    start = end = None
    if state.preset == "custom" and state.date_from and state.date_to:
        start = parse_bound(state.date_from, hour, end=False)
        end = parse_bound(state.date_to, hour, end=True)
    period = preset_period(state.preset, anchor, hour, start, end, first=first)
    fields = {MULTI[key][1]: state.selected(key) or None for key in MULTI}
    return Filters(period=period, keyword=state.keyword or None, day_start_hour=hour, **fields)


def drill_query(drill: Drill, state: FilterState) -> dict[str, str | list[str]]:
    """URL parameters that open 明细 on exactly a drill-down's items: the sidebar's own filters as
    they are, and the drill's narrowing in page-only keys (DRILL_KEYS, dfrom / dto, sub)."""
    f = drill.filters
    params = state_to_query(state)
    for key, (_, field_name, _) in MULTI.items():
        values = tuple(getattr(f, field_name) or ())
        if values and values != state.selected(key):
            params[f"d{key}"] = list(values)
    if f.period is not None:
        params["dfrom"], params["dto"] = period_bounds_text(f.period, f.day_start_hour)
    if drill.subcategories:
        params["sub"] = list(drill.subcategories)
    return params


def drill_scope(f: Filters, params: Mapping[str, Any]) -> tuple[Filters, list[str]]:
    """明细's filters narrowed by a drill-down's page-only keys, and what they narrow (for the page)."""
    notes = []
    for key, (_, field_name, label) in MULTI.items():
        values = tuple(v for v in _all(params, f"d{key}") if v)
        if values:
            f = replace(f, **{field_name: values})
            notes.append(f"{label}：{'、'.join(values)}")
    first, last = (_all(params, "dfrom") or [None])[-1], (_all(params, "dto") or [None])[-1]
    try:
        period = Period(parse_bound(first, f.day_start_hour, end=False), parse_bound(last, f.day_start_hour, end=True))
    except (TypeError, ValueError, AttributeError):
        period = None
    if period is not None and period.start < period.end:
        f = f.with_period(period)
        notes.append(f"时间：{describe_period(period, f.day_start_hour)}")
    return f, notes


def _signature(params: Mapping[str, Any]) -> tuple:
    return tuple((key, tuple(_all(params, key))) for key in FILTER_KEYS if _all(params, key))


def now() -> datetime:
    """Now in Asia/Shanghai, naive (how the store keeps times)."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


_now = now


# --------------------------------------------------------------------------------------------------
# Streamlit side
# --------------------------------------------------------------------------------------------------

def _seed_widgets(state: FilterState, anchor: datetime, settings: AnalyticsSettings) -> None:
    ss = st.session_state
    ss[WIDGET["range"]] = state.preset
    ss[WIDGET["day"]] = state.day_mode
    ss[WIDGET["q"]] = state.keyword
    for key in MULTI:
        ss[WIDGET[key]] = list(state.selected(key))
    ss.pop(_EXACT, None)
    if state.preset == "custom":
        period = to_filters(state, anchor, settings).period
        shown = _dates_of(period, day_start_hour(state, settings))
        ss[WIDGET["dates"]] = shown
        exact = any("T" in (v or "") for v in (state.date_from, state.date_to))
        if exact:
            ss[_EXACT] = (state.date_from, state.date_to, shown)


def _dates_of(period: Period, hour: int) -> tuple[date, date]:
    first = (period.start - timedelta(hours=hour)).date()
    last = (period.end - timedelta(hours=hour) - timedelta(microseconds=1)).date()
    return first, max(first, last)


def _state_from_widgets() -> FilterState:
    ss = st.session_state
    preset = ss.get(WIDGET["range"], DEFAULT_PRESET)
    date_from = date_to = None
    if preset == "custom":
        exact = ss.get(_EXACT)
        dates = tuple(ss.get(WIDGET["dates"]) or ())
        if exact and tuple(exact[2]) == dates:
            date_from, date_to = exact[0], exact[1]
        elif dates:
            ss.pop(_EXACT, None)
            first = dates[0]
            last = dates[1] if len(dates) > 1 else dates[0]
            date_from, date_to = f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"
        else:
            preset = DEFAULT_PRESET
    values = {key: tuple(ss.get(WIDGET[key]) or ()) for key in MULTI}
    return FilterState(preset, date_from, date_to, ss.get(WIDGET["day"], DEFAULT_DAY_MODE),
                       {k: v for k, v in values.items() if v}, (ss.get(WIDGET["q"]) or "").strip())


def _on_preset_change() -> None:
    """Switching to 自定义 starts from the dates the previous preset showed."""
    ss = st.session_state
    if ss.get(WIDGET["range"]) == "custom" and ss.get("_filters_period_dates"):
        ss[WIDGET["dates"]] = ss["_filters_period_dates"]
        ss.pop(_EXACT, None)


def reset() -> None:
    """Back to the defaults (a button callback)."""
    ss = st.session_state
    ss[WIDGET["range"]] = DEFAULT_PRESET
    ss[WIDGET["day"]] = DEFAULT_DAY_MODE
    ss[WIDGET["q"]] = ""
    for key in MULTI:
        ss[WIDGET[key]] = []
    ss.pop(_EXACT, None)


def set_keyword(value: str) -> None:
    """Change the global keyword from a page (call from a widget callback, before the sidebar runs)."""
    st.session_state[WIDGET["q"]] = (value or "").strip()


def _options(frame: pd.DataFrame, key: str, chosen: tuple[str, ...]) -> list[str]:
    dimension = MULTI[key][0]
    if dimension == "sentiment":
        values = list(SENTIMENT_OPTIONS)
    else:
        values = frame.loc[frame["dimension"] == dimension, "value"].tolist()
    # A value from a link that the store does not have (any more) stays selectable: the filter is
    # honoured (and shows nothing) rather than silently dropped.
    return values + [v for v in chosen if v not in values]


def store_summary() -> pd.Series:
    return query("admin/store_summary").iloc[0]


def sidebar(page_path: str = "") -> Filters:
    """Draw the filters in the sidebar, keep the URL in step, and return the resolved Filters."""
    ss = st.session_state
    settings = AnalyticsSettings()
    summary = store_summary()
    newest = summary["last_published"]
    first = None if pd.isna(summary["first_published"]) else summary["first_published"]
    now = _now()
    anchor = anchor_time(now, None if pd.isna(newest) else newest)

    params = st.query_params
    incoming = _signature(params)
    written = ss.setdefault(_WRITTEN, [])
    if incoming and incoming not in written:
        _seed_widgets(state_from_query(params), anchor, settings)       # a link, not our own write
    elif WIDGET["range"] not in ss:
        _seed_widgets(ss.get(_STATE) or state_from_query(params), anchor, settings)

    with st.sidebar:
        st.header("筛选")
        preset = st.selectbox("时间范围", list(PRESETS), format_func=PRESETS.get, key=WIDGET["range"],
                              on_change=_on_preset_change)
        if preset == "custom":
            if WIDGET["dates"] not in ss:
                ss[WIDGET["dates"]] = ss.get("_filters_period_dates") or (anchor.date() - timedelta(days=6),
                                                                          anchor.date())
            st.date_input("起止日期", key=WIDGET["dates"], format="YYYY-MM-DD",
                          help="包含起止两天；按下方「日界」计算每天的起点。")
        st.radio("日界", list(DAY_MODES), format_func=DAY_MODES.get, key=WIDGET["day"], horizontal=True,
                 help=f"监测日：每天 {settings.day_start_hour or 8:02d}:00 至次日同一时刻（例如 4 月 18 日 08:00 至 "
                      "4 月 19 日 08:00 记为 4 月 18 日）；自然日：00:00 至 24:00。")
        state = _state_from_widgets()
        filters = to_filters(state, anchor, settings, first)
        hour = filters.day_start_hour
        st.caption(f"时间：{describe_period(filters.period, hour)}")
        if state.preset != "custom" and anchor < now - timedelta(hours=1):
            st.caption(f"「{PRESETS[state.preset]}」按数据截至 {anchor:%Y-%m-%d %H:%M} 计算（此后没有新条目）。")
        ss["_filters_period_dates"] = _dates_of(filters.period, hour)

        options = query("items/filter_options", start=filters.period.start, end=filters.period.end)
        for key, (_, _, label) in MULTI.items():
            chosen = tuple(ss.get(WIDGET[key]) or ())
            st.multiselect(label, _options(options, key, chosen), key=WIDGET[key], placeholder="全部",
                           help="不选即全部；按条目数从多到少排列。未填写的记为 未分类 / 未标注 / 未评分。")
        st.text_input("关键词", key=WIDGET["q"], placeholder="标题或内容包含……",
                      help="在标题和正文中查找这段文字（区分大小写和全角半角）。")
        st.button("重置筛选", on_click=reset, width="stretch")

    state = _state_from_widgets()
    filters = to_filters(state, anchor, settings, first)
    _write_url(state, keep_page_keys=page_path == "items")
    ss[_STATE] = state
    ss[_FILTERS] = filters
    return filters


def _write_url(state: FilterState, keep_page_keys: bool) -> None:
    wanted = state_to_query(state)
    params = st.query_params
    for key in FILTER_KEYS:
        if key not in wanted and key in params:
            del params[key]
    for key, value in wanted.items():
        if _all(params, key) != (value if isinstance(value, list) else [value]):
            params[key] = value
    if not keep_page_keys:
        for key in PAGE_KEYS:
            if key in params:
                del params[key]
    written = st.session_state.setdefault(_WRITTEN, [])
    signature = _signature(wanted)
    if signature in written:
        written.remove(signature)
    written.append(signature)
    del written[:-20]


def current() -> Filters:
    """The filters the sidebar resolved on this run (defaults when it has not run)."""
    filters = st.session_state.get(_FILTERS)
    if filters is None:
        state = st.session_state.get(_STATE) or FilterState()
        filters = to_filters(state, anchor_time(_now(), None))
    return filters


def current_state() -> FilterState:
    return st.session_state.get(_STATE) or FilterState()


# --------------------------------------------------------------------------------------------------
# A page's own view settings in the URL (趋势: grain, split, style, previous period), so a permalink
# opens the same view. Defaults are left out, like the filters.
# --------------------------------------------------------------------------------------------------

def seed_view_setting(widget_key: str, url_key: str, options: list[str], default: str) -> None:
    """Before the widget is drawn: take the URL's value on the session's first run (a permalink),
    else keep what the user chose; `default` when neither."""
    ss = st.session_state
    if widget_key in ss:
        return
    value = (_all(st.query_params, url_key) or [default])[-1]
    ss[widget_key] = value if value in options else default


def keep_view_setting(url_key: str, value: str, default: str) -> None:
    """After the widget: the URL holds the value unless it is the default."""
    params = st.query_params
    if value == default:
        if url_key in params:
            del params[url_key]
    elif _all(params, url_key) != [value]:
        params[url_key] = value
