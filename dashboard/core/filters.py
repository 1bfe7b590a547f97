"""Periods, the monitoring day, time buckets, date-range presets and the dashboard filters, as query
parameters. No streamlit.

Every query over items takes one filter record, $filters (read by filtered_items in
queries/schema/views.sql): start (inclusive), end (exclusive), categories, channels, regions, departments,
sentiments, kinds, keyword and item_ids; where it buckets by day it also takes $day_start_hour.
`Filters.params()` gives {"filters": record}; a None field means "all".

Time buckets (hour, day, week, month) follow the day boundary: with the 08:00 monitoring day, the day
labelled D runs from D 08:00 to D+1 08:00, so 07:59 on D+1 is still in it; weeks start on the Monday
of that day, months on its first day. Presets (今天, 近7天 …) count back from the earlier of now and the
newest item, so a store whose data ends before today still opens on data.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

MONITORING_DAY_START_HOUR = 8  # the 08:00-to-08:00 monitoring day (DOMAIN.md)


@dataclass(frozen=True)
class Period:
    start: datetime   # inclusive, Asia/Shanghai local
    end: datetime     # exclusive

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> "Period":
        """The period of equal length just before this one (环比)."""
        return Period(self.start - self.length, self.start)

    def year_before(self) -> "Period":
        """The same period one year earlier (同比)."""
        def back(moment: datetime) -> datetime:
            try:
                return moment.replace(year=moment.year - 1)
            except ValueError:  # 29 February
                return moment.replace(year=moment.year - 1, day=28)
        return Period(back(self.start), back(self.end))


def day_period(day: date, day_start_hour: int = 0) -> Period:
    """One day: calendar (hour 0) or the monitoring day starting at `day_start_hour` on `day`."""
    start = datetime.combine(day, time(hour=day_start_hour))
    return Period(start, start + timedelta(days=1))


def days_period(first: date, last: date, day_start_hour: int = 0) -> Period:
    """From the start of day `first` to the end of day `last`, both inclusive."""
    return Period(day_period(first, day_start_hour).start, day_period(last, day_start_hour).end)


def current_day(now: datetime, day_start_hour: int = 0) -> date:
    """The day `now` falls on under this day boundary (07:59 belongs to yesterday's monitoring day)."""
    return (now - timedelta(hours=day_start_hour)).date()


@dataclass(frozen=True)
class Filters:
    period: Period | None = None
    categories: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    departments: tuple[str, ...] | None = None
    sentiments: tuple[str, ...] | None = None
    keyword: str | None = None
    day_start_hour: int = 0
    kinds: tuple[str, ...] | None = None        # 诉求 / 舆情
    item_ids: tuple[str, ...] | None = None     # only these items (a hot topic's); never in the URL
    # The account's data scope (core/access: a department or region account), set by the query choke
    # point (ui/store, ui/cached) from the session, never from the URL; None = no restriction.
    scope_departments: tuple[str, ...] | None = None
    scope_regions: tuple[str, ...] | None = None

    def record(self) -> dict:
        """The filter record queries read as $filters (filtered_items in queries/schema/views.sql); empty
        selections mean 'all' (NULL). Every field is always present."""
        def listed(values):
            return list(values) if values else None
        return {
            "start": self.period.start if self.period else None,
            "end": self.period.end if self.period else None,
            "categories": listed(self.categories),
            "channels": listed(self.channels),
            "regions": listed(self.regions),
            "departments": listed(self.departments),
            "sentiments": listed(self.sentiments),
            "kinds": listed(self.kinds),
            "keyword": (self.keyword or "").strip() or None,
            "item_ids": listed(self.item_ids),
            "scope_departments": listed(self.scope_departments),
            "scope_regions": listed(self.scope_regions),
        }

    def params(self) -> dict:
        """The query parameters these filters set: {"filters": record()}."""
        return {"filters": self.record()}

    def scoped(self, departments: tuple[str, ...] | None, regions: tuple[str, ...] | None) -> "Filters":
        """These filters restricted to an account's departments and regions (empty: no restriction)."""
        return replace(self, scope_departments=tuple(departments) if departments else None,
                       scope_regions=tuple(regions) if regions else None)

    def with_period(self, period: Period | None) -> "Filters":
        return replace(self, period=period)

    def describe(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, (), "")}


GRAINS = ("hour", "day", "week", "month")

GRAIN_LABELS = {"hour": "小时", "day": "日", "week": "周", "month": "月"}

# The grain a span reads best at (the longest span, in days, for each): hours for a day or two, days
# up to about three months, weeks up to two years, months beyond.
GRAIN_SPANS = (("hour", 2), ("day", 92), ("week", 731))


def grain_for(period: "Period | None") -> str:
    """The grain a chart over `period` opens at (the user may pick another)."""
    if period is None:
        return "month"
    days = period.length / timedelta(days=1)
    return next((grain for grain, longest in GRAIN_SPANS if days <= longest), "month")

# dimension name -> the Filters field that selects it
DIMENSION_FIELDS = {
    "category": "categories", "channel": "channels", "region": "regions",
    "department": "departments", "sentiment": "sentiments",
}

DIMENSION_LABELS = {
    "category": "分类", "subcategory": "二级分类", "channel": "渠道", "region": "地区",
    "department": "部门", "sentiment": "情感",
}

# How the staging view items_shown labels missing values (the macros category_shown, label_shown and
# sentiment_shown in queries/schema/functions.sql; tests/test_contract.py keeps the two equal).
UNLABELLED_VALUES = {
    "category": "未分类", "subcategory": "未分类", "channel": "未标注", "region": "未标注",
    "department": "未标注", "sentiment": "未评分",
}
UNLABELLED = UNLABELLED_VALUES["department"]   # items without a department, channel or region


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


# In the order the selector lists them; "today" keeps its URL key (old links) and means the newest day.
PRESETS = {"all": "全部", "year": "本年", "30d": "近30天", "7d": "近7天", "today": "最新监测日", "month": "本月",
           "last_month": "上月", "custom": "自定义"}


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


def data_age_note(day: date, newest: Any, now: datetime, day_start_hour: int = 0) -> str | None:
    """What a day view says when the data ends before today: "最新数据在 2019-05-02（距今 2,409 天）";
    None when the newest item is from the current day (or the store is empty)."""
    if newest is None or pd.isna(newest):
        return None
    today = current_day(now, day_start_hour)
    newest_day = current_day(to_datetime(newest), day_start_hour)
    if newest_day >= today:
        return None
    shown = "即最新数据所在的一天" if day == newest_day else f"{day:%Y-%m-%d}"
    return f"最新数据在 {newest_day:%Y-%m-%d}（距今 {(today - newest_day).days:,} 天）；本页显示{shown}。"


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
                  start: datetime | None = None, end: datetime | None = None,
                  first: datetime | None = None) -> Period:
    """The period a preset means on the day `anchor` falls on (under the day boundary).

    最新监测日 (today): that day; 近7天 / 近30天: the 7 / 30 days ending with it; 本月: from the 1st of
    its month to the end of that day; 本年: from 1 January likewise; 上月: the whole month before;
    全部: from the day of the oldest item `first` (that day alone when the store is empty); 自定义:
    [start, end). Unknown presets mean 近7天.
    """
    today = (anchor - timedelta(hours=day_start_hour)).date()
    if preset == "custom" and start is not None and end is not None and start < end:
        return Period(start, end)
    if preset == "today":
        return day_period(today, day_start_hour)
    if preset == "all":
        oldest = today if first is None or pd.isna(first) else current_day(to_datetime(first), day_start_hour)
        return days_period(min(oldest, today), today, day_start_hour)
    if preset == "year":
        return days_period(today.replace(month=1, day=1), today, day_start_hour)
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


def narrow(base: Filters, dimension: str, values: Iterable[str]) -> Filters:
    """`base` with one dimension set to `values` (kept in first-seen order, duplicates dropped)."""
    field = DIMENSION_FIELDS.get(dimension)
    if field is None:
        raise ValueError(f"不能按 {dimension} 下钻")
    chosen = tuple(dict.fromkeys(values))
    return replace(base, **{field: chosen or None})
