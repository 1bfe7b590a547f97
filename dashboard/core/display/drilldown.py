"""Drill-down: from a click on a figure to the items behind it, and the item list itself. No streamlit.

A figure is drawn from items matching a `Filters` (the *base*). Clicking a bar, a treemap tile or a
heatmap cell gives a selection event (Streamlit's `st.plotly_chart(on_select=...)` state, or its
`selection` part, or a bare list of points). The functions here turn that event into a `Drill`: the
base filters narrowed to exactly what the clicked marks counted —

* a time bucket (hour, day, week, month) becomes a period, cut to the base period (a week bucket that
  starts before the chosen range only counted the items inside the range). Day, week and month
  buckets follow the day boundary: with the 08:00 monitoring day, the day labelled D runs from
  D 08:00 to D+1 08:00, so 07:59 on D+1 is still in it;
* a series value (category, channel, region, department, sentiment) replaces that filter with the one
  value (the figure was already filtered, so the value is inside the base selection);
* a subcategory tile adds a subcategory list (not part of the global filters; the item queries take
  it as `$subcategories`);
* several points (box or lasso selection, or a multi-row table selection) give the union of the
  values in each dimension and the span of the periods: the bounding rectangle of the selection.

Builders in `charts.py` put the raw values every mark stands for in its `customdata` (display labels
are escaped for plotly, so they are never parsed back); treemap tiles carry them in their `id`, as
plotly sends no customdata for treemap clicks.

The second half shapes item rows for the item list, its detail view and exports: authors masked,
response times in days and hours, Chinese column names.
"""
from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from dashboard.core.reports.exports import protect_frame
from dashboard.core.filters import Filters, Period, day_period
from dashboard.core.text.pii import mask_name

GRAINS = ("hour", "day", "week", "month")
GRAIN_LABELS = {"hour": "小时", "day": "日", "week": "周", "month": "月"}

# dimension name -> the Filters field that selects it
DIMENSION_FIELDS = {
    "category": "categories", "channel": "channels", "region": "regions",
    "department": "departments", "sentiment": "sentiments",
}
DIMENSION_LABELS = {
    "category": "分类", "subcategory": "二级分类", "channel": "渠道", "region": "地区",
    "department": "部门", "sentiment": "情感",
}
# How filtered_items() labels missing values (queries/schema/002_filters.sql).
UNLABELLED_VALUES = {
    "category": "未分类", "subcategory": "未分类", "channel": "未标注", "region": "未标注",
    "department": "未标注", "sentiment": "未评分",
}

# Separates category and subcategory in treemap tile ids (a control character no label contains).
TREE_SEP = "\x1f"
# customdata roles of time-series points
CURRENT, PREVIOUS = "current", "previous"


@dataclass(frozen=True)
class Drill:
    """Filters narrowed to one mark (or a selection of marks) of a figure."""

    filters: Filters
    subcategories: tuple[str, ...] | None = None
    label: str = ""

    def params(self) -> dict:
        """The standard query parameters plus `subcategories` (the item queries take both)."""
        return {**self.filters.params(), "subcategories": list(self.subcategories) if self.subcategories else None}


# --------------------------------------------------------------------------------------------------
# Times and buckets
# --------------------------------------------------------------------------------------------------

def to_datetime(value: Any) -> datetime:
    """A bucket value as sent back by a figure (datetime, date, Timestamp or ISO text) → naive datetime."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip().replace("/", "-")
        stamp = pd.Timestamp(text)
        return stamp.to_pydatetime().replace(tzinfo=None)
    raise ValueError(f"无法识别的时间：{value!r}")


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bucket_period(bucket: Any, grain: str, day_start_hour: int = 0) -> Period:
    """The instants a bucket label covers.

    hour: [h, h+1h). day: day D under the day boundary. week: the 7 days from the label (a Monday).
    month: the days of the label's month. Day, week and month start at `day_start_hour` on their first day.
    """
    start = to_datetime(bucket)
    if grain == "hour":
        start = start.replace(minute=0, second=0, microsecond=0)
        return Period(start, start + timedelta(hours=1))
    first = start.date()
    if grain == "week":
        first = first - timedelta(days=first.weekday())
        days = 7
    elif grain == "month":
        first = first.replace(day=1)
        days = calendar.monthrange(first.year, first.month)[1]
    elif grain == "day":
        days = 1
    else:
        raise ValueError(f"未知的时间粒度：{grain}")
    begin = day_period(first, day_start_hour).start
    return Period(begin, begin + timedelta(days=days))


def bucket_of(moment: datetime, grain: str, day_start_hour: int = 0) -> datetime:
    """The label of the bucket an instant falls in (what queries/trends/volume.sql returns)."""
    if grain == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = (moment - timedelta(hours=day_start_hour)).date()
    if grain == "week":
        day = day - timedelta(days=day.weekday())
    elif grain == "month":
        day = day.replace(day=1)
    elif grain != "day":
        raise ValueError(f"未知的时间粒度：{grain}")
    return datetime(day.year, day.month, day.day)


def bucket_labels(period: Period, grain: str, day_start_hour: int = 0) -> list[datetime]:
    """Every bucket label that overlaps `period`, in order (for zero-filling a series)."""
    labels = []
    current = bucket_of(period.start, grain, day_start_hour)
    while True:
        span = bucket_period(current, grain, day_start_hour)
        if span.start >= period.end:
            break
        labels.append(current)
        if grain == "hour":
            current = current + timedelta(hours=1)
        elif grain == "day":
            current = current + timedelta(days=1)
        elif grain == "week":
            current = current + timedelta(days=7)
        else:
            nxt = _add_months(current.date(), 1)
            current = datetime(nxt.year, nxt.month, 1)
    return labels


def intersect(period: Period, bounds: Period | None) -> Period | None:
    """The part of `period` inside `bounds` (None: nothing in common)."""
    if bounds is None:
        return period
    start, end = max(period.start, bounds.start), min(period.end, bounds.end)
    return Period(start, end) if start < end else None


def span(periods: Iterable[Period]) -> Period | None:
    periods = list(periods)
    if not periods:
        return None
    return Period(min(p.start for p in periods), max(p.end for p in periods))


def describe_period(period: Period | None, day_start_hour: int = 0) -> str:
    """'2024-05-01（08:00 至次日 08:00）', '2024-04-25 至 2024-05-01（每日 08:00 起算）' or exact instants."""
    if period is None:
        return "全部时间"
    hour = day_start_hour
    aligned = (period.start.hour == hour and period.end.hour == hour
               and period.start.minute == period.start.second == period.end.minute == period.end.second == 0
               and period.length >= timedelta(days=1) and period.length.seconds == 0)
    if aligned:
        first = period.start.date()
        last = (period.end - timedelta(days=1)).date()
        boundary = "" if hour == 0 else f"（监测日，每日 {hour:02d}:00 起算）"
        if first == last:
            return f"{first:%Y-%m-%d}{boundary}"
        return f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}{boundary}"
    return f"{period.start:%Y-%m-%d %H:%M} 至 {period.end:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------------------------------
# Date-range presets
# --------------------------------------------------------------------------------------------------

PRESETS = {"today": "今天", "7d": "近7天", "30d": "近30天", "month": "本月", "last_month": "上月", "custom": "自定义"}


def anchor_time(now: datetime, newest: datetime | None) -> datetime:
    """What the presets count back from: the earlier of now and the newest item ("数据截至").

    So when the newest item is older than today (a store filled from last month's export, a feed that
    stopped), 今天 is the last day with data and 近7天 the seven days ending there, instead of empty
    charts. With data arriving live, the anchor is simply now.
    """
    if newest is None or pd.isna(newest):
        return now
    newest = to_datetime(newest)
    return min(now, newest)


def parse_bound(text: str, day_start_hour: int, end: bool) -> datetime:
    """A custom range bound from the URL: a date ('2024-05-01', whole day under the day boundary;
    `end` means the end of that day) or an exact instant ('2024-05-01T09:00', used as is)."""
    text = text.strip()
    if "T" in text or " " in text:
        return to_datetime(text)
    day = date.fromisoformat(text)
    period = day_period(day, day_start_hour)
    return period.end if end else period.start


def preset_period(preset: str, anchor: datetime, day_start_hour: int = 0,
                  start: datetime | None = None, end: datetime | None = None) -> Period:
    """The period a preset means on the day `anchor` falls on (under the day boundary).

    今天: that day; 近7天 / 近30天: the 7 / 30 days ending with it; 本月: from the 1st of its month to the
    end of that day; 上月: the whole month before; 自定义: [start, end). Unknown presets mean 近7天.
    """
    today = (anchor - timedelta(hours=day_start_hour)).date()
    if preset == "custom" and start is not None and end is not None and start < end:
        return Period(start, end)
    if preset == "today":
        return day_period(today, day_start_hour)
    if preset == "30d":
        first = today - timedelta(days=29)
    elif preset == "month":
        first = today.replace(day=1)
    elif preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        first = last.replace(day=1)
        return Period(day_period(first, day_start_hour).start, day_period(last, day_start_hour).end)
    else:
        first = today - timedelta(days=6)
    return Period(day_period(first, day_start_hour).start, day_period(today, day_start_hour).end)


def period_bounds_text(period: Period, day_start_hour: int) -> tuple[str, str]:
    """The URL form of a period: dates when it is whole days under the boundary, else exact instants."""
    whole = (period.start.hour == day_start_hour and period.end.hour == day_start_hour
             and period.start.minute == period.start.second == period.start.microsecond == 0
             and period.end.minute == period.end.second == period.end.microsecond == 0)
    if whole:
        return f"{period.start:%Y-%m-%d}", f"{(period.end - timedelta(days=1)):%Y-%m-%d}"
    return f"{period.start:%Y-%m-%dT%H:%M}", f"{period.end:%Y-%m-%dT%H:%M}"


# --------------------------------------------------------------------------------------------------
# Selection events
# --------------------------------------------------------------------------------------------------

def points_of(event: Any) -> list[dict]:
    """The selected points of an `on_select` event, whatever shape it arrives in."""
    if event is None:
        return []
    if isinstance(event, Mapping):
        if "selection" in event:
            return points_of(event["selection"])
        points = event.get("points")
        return [dict(p) for p in points] if points else []
    selection = getattr(event, "selection", None)
    if selection is not None:
        return points_of(selection)
    if isinstance(event, (list, tuple)):
        return [dict(p) for p in event]
    return []


def _customdata(point: Mapping) -> list:
    data = point.get("customdata", point.get("customData"))
    if data is None:
        return []
    if isinstance(data, (list, tuple)):
        return list(data)
    return [data]


def _values(raw: Any) -> list[str]:
    """A customdata value slot: one value, or the list of values an '其余 N 项' mark stands for."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return []
    if isinstance(raw, (list, tuple)):
        return [str(v) for v in raw]
    return [str(raw)]


def narrow(base: Filters, dimension: str, values: Iterable[str]) -> Filters:
    """`base` with one dimension set to `values` (kept in first-seen order, duplicates dropped)."""
    field = DIMENSION_FIELDS.get(dimension)
    if field is None:
        raise ValueError(f"不能按 {dimension} 下钻")
    chosen = tuple(dict.fromkeys(values))
    return replace(base, **{field: chosen or None})


def _label(parts: list[str]) -> str:
    return " · ".join(p for p in parts if p)


def _value_text(dimension: str, values: list[str]) -> str:
    if not values:
        return ""
    shown = "、".join(values[:5]) + (f" 等 {len(values)} 项" if len(values) > 5 else "")
    return f"{DIMENSION_LABELS.get(dimension, dimension)}：{shown}"


def from_time_selection(event: Any, base: Filters, grain: str, dimension: str | None = None) -> Drill | None:
    """Bars/lines over time (charts.volume_figure). customdata = [bucket, series value(s), role].

    role 'previous' marks the overlaid previous period: its bucket is cut to base.period.previous().
    A series value of None (the total, or a spike marker) leaves the dimension as it was.
    """
    points = points_of(event)
    periods: list[Period] = []
    values: list[str] = []
    for point in points:
        data = _customdata(point)
        if not data or data[0] is None:
            continue
        bucket = bucket_period(data[0], grain, base.day_start_hour)
        role = data[2] if len(data) > 2 else CURRENT
        bounds = base.period
        if role == PREVIOUS and base.period is not None:
            bounds = base.period.previous()
        clipped = intersect(bucket, bounds)
        if clipped is None:
            continue
        periods.append(clipped)
        if dimension and len(data) > 1:
            values.extend(_values(data[1]))
    period = span(periods)
    if period is None:
        return None
    filters = base.with_period(period)
    if dimension and values:
        filters = narrow(filters, dimension, values)
    label = _label([describe_period(period, base.day_start_hour), _value_text(dimension or "", values)])
    return Drill(filters=filters, label=label)


def from_category_selection(event: Any, base: Filters, dimension: str) -> Drill | None:
    """Bars with one mark per value of `dimension` (customdata = [value(s)])."""
    values: list[str] = []
    for point in points_of(event):
        data = _customdata(point)
        if data:
            values.extend(_values(data[0]))
    if not values:
        return None
    return Drill(filters=narrow(base, dimension, values), label=_value_text(dimension, values))


def tree_id(category: str, subcategory: str | None = None) -> str:
    """The id of a treemap tile: the category, or category + TREE_SEP + subcategory."""
    return category if subcategory is None else f"{category}{TREE_SEP}{subcategory}"


def from_treemap_selection(event: Any, base: Filters) -> Drill | None:
    """A category or subcategory tile (charts.treemap_figure). Plotly sends the tile's id, not customdata."""
    categories: list[str] = []
    subcategories: list[str] = []
    for point in points_of(event):
        tile = point.get("id")
        if not isinstance(tile, str) or not tile:
            continue
        category, _, subcategory = tile.partition(TREE_SEP)
        categories.append(category)
        if subcategory:
            subcategories.append(subcategory)
    if not categories:
        return None
    filters = narrow(base, "category", categories)
    subs = tuple(dict.fromkeys(subcategories)) or None
    label = _label([_value_text("category", list(dict.fromkeys(categories))),
                    _value_text("subcategory", list(subs or ()))])
    return Drill(filters=filters, subcategories=subs, label=label)


def from_heatmap_selection(event: Any, base: Filters, row_dimension: str, column_dimension: str) -> Drill | None:
    """Heatmap cells (charts.heatmap_figure): customdata = [row value, column value]."""
    rows: list[str] = []
    columns: list[str] = []
    for point in points_of(event):
        data = _customdata(point)
        if len(data) < 2:
            continue
        rows.extend(_values(data[0]))
        columns.extend(_values(data[1]))
    if not rows or not columns:
        return None
    filters = narrow(narrow(base, row_dimension, rows), column_dimension, columns)
    label = _label([_value_text(row_dimension, list(dict.fromkeys(rows))),
                    _value_text(column_dimension, list(dict.fromkeys(columns)))])
    return Drill(filters=filters, label=label)


def from_table_rows(frame: pd.DataFrame, rows: Iterable[int], base: Filters,
                    columns: Mapping[str, str]) -> Drill | None:
    """Rows picked in a summary table (st.dataframe selection). `columns` maps a frame column to the
    dimension it holds, e.g. {"category": "category"}; "subcategory" is allowed too."""
    picked = [frame.iloc[i] for i in rows if 0 <= i < len(frame)]
    if not picked:
        return None
    filters = base
    subs: tuple[str, ...] | None = None
    parts = []
    for column, dimension in columns.items():
        values = list(dict.fromkeys(str(row[column]) for row in picked))
        if dimension == "subcategory":
            subs = tuple(values)
        else:
            filters = narrow(filters, dimension, values)
        parts.append(_value_text(dimension, values))
    return Drill(filters=filters, subcategories=subs, label=_label(parts))


# --------------------------------------------------------------------------------------------------
# Item rows: list, detail, export
# --------------------------------------------------------------------------------------------------

ITEM_COLUMNS = {
    "id": "编号", "published_at": "发布时间", "title": "标题", "content": "内容", "channel": "渠道",
    "source": "来源", "category": "分类", "subcategory": "二级分类", "region": "地区", "department": "承办部门",
    "department_level": "部门级别", "sentiment": "情感", "is_valid": "有效诉求", "replied_at": "答复时间",
    "response": "响应时长", "response_hours": "响应时长（小时）", "reply_content": "答复内容",
    "satisfaction": "满意度", "author": "作者", "likes": "点赞数", "dislikes": "反对数", "url": "链接",
    # columns the alert and overdue item queries add
    "word": "关注词", "day": "监测日", "overdue_kind": "超期类型", "days": "已过天数", "open_days": "未答复天数",
    "waited": "等待天数", "limit_days": "时限（天）",
    "kind": "类型", "reply_status": "答复状态", "region_source": "地区来源", "category_predicted": "预测分类",
}


def format_duration(hours: Any) -> str:
    """Response time as Chinese text: '45 分钟', '5 小时 30 分钟', '2 天 3 小时' (whole
    hours from a day on); '' when there is no reply."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)) or pd.isna(hours):
        return ""
    minutes = round(float(hours) * 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    days, rest = divmod(minutes, 24 * 60)
    whole_hours, rest_minutes = divmod(rest, 60)
    if days == 0:
        return f"{whole_hours} 小时" + (f" {rest_minutes} 分钟" if rest_minutes else "")
    return f"{days} 天" + (f" {whole_hours} 小时" if whole_hours else "")


def _masked_authors(frame: pd.DataFrame) -> pd.DataFrame:
    if "author" in frame.columns:
        frame = frame.assign(author=frame["author"].map(lambda a: mask_name(a) if isinstance(a, str) else a))
    return frame


def item_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of items/list.sql for display: authors masked, response time as text, Chinese headers.

    Text that a spreadsheet would run as a formula (=, +, -, @ …) gets a leading apostrophe here too:
    st.dataframe has its own "download as CSV" button, which cannot be turned off and does not protect
    cells, so the table itself must already be safe. (The detail view shows the text untouched.)
    """
    shown = protect_frame(_masked_authors(frame.copy()))
    if "response_hours" in shown.columns:
        shown.insert(list(shown.columns).index("response_hours"), "response",
                     shown["response_hours"].map(format_duration))
        shown = shown.drop(columns=["response_hours"])
    if "is_valid" in shown.columns:
        shown["is_valid"] = shown["is_valid"].map({True: "是", False: "否"})
    return shown.rename(columns=ITEM_COLUMNS)


def export_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of items/export.sql for CSV/XLSX: authors masked, response hours kept as a number too."""
    shown = _masked_authors(frame.copy())
    if "response_hours" in shown.columns:
        shown.insert(list(shown.columns).index("response_hours"), "response",
                     shown["response_hours"].map(format_duration))
        shown["response_hours"] = shown["response_hours"].round(1)
    if "is_valid" in shown.columns:
        shown["is_valid"] = shown["is_valid"].map({True: "是", False: "否"})
    return shown.rename(columns=ITEM_COLUMNS)


def item_detail(row: Mapping[str, Any]) -> dict[str, Any]:
    """One item (items/detail.sql) as label → text, for the detail view. Every value is plain text."""
    def text(value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, (pd.Timestamp, datetime)):
            return f"{value:%Y-%m-%d %H:%M}"
        return str(value)

    replied = row.get("replied_at")
    has_reply = replied is not None and not pd.isna(replied)
    response = format_duration(row.get("response_hours")) if has_reply else ""
    author = row.get("author")
    region_source = text(row.get("region_source"))
    return {
        "编号": text(row.get("id")),
        "标题": text(row.get("title")),
        "发布时间": text(row.get("published_at")),
        "渠道 / 来源": " / ".join(x for x in (text(row.get("channel")), text(row.get("source"))) if x),
        "分类": " / ".join(x for x in (text(row.get("category")), text(row.get("subcategory"))) if x),
        "预测分类": text(row.get("category_predicted")),
        "地区": text(row.get("region")) + (f"（{region_source}）" if region_source and row.get("region") else ""),
        "类型": text(row.get("kind")),
        "承办部门": " / ".join(x for x in (text(row.get("department")), text(row.get("department_level"))) if x),
        "情感": text(row.get("sentiment")) or "未评分",
        "作者": text(mask_name(author) if isinstance(author, str) else author),
        "内容": text(row.get("content")),
        "答复时间": text(replied) if has_reply else text(row.get("reply_status")),
        "响应时长": response,
        "答复内容": text(row.get("reply_content")),
        "满意度": text(row.get("satisfaction")),
        "链接": text(row.get("url")),
    }
