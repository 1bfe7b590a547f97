"""Alerts: what needs a leader's attention on a monitoring day. No streamlit here.

`current_alerts(con, day)` returns a list of `Alert`, most severe first. Every alert explains itself in
one Chinese sentence with its numbers and says how to fetch the items behind it
(`alert.items(con)` runs `alert.query` with `alert.params`).

The rules (`AlertRules`, shown to readers by `rules_text()`)
------------------------------------------------------------
Day       The monitoring day D: items with ``day_of(published_at, settings.day_start_hour) = D``
          (08:00 to 08:00 by default; 07:59 belongs to the day before). ``day`` defaults to the current
          monitoring day. Figures are taken as of the earlier of the end of D and now.
Scope     The optional ``filters`` narrow every alert (their period is ignored: the day sets it).
Baseline  Trailing: the ``baseline_days`` (14) days before D, each day with no items counting as 0 —
          but only days from the store's first day on; with fewer than ``min_baseline_days`` (7) such
          days there is no baseline and no spike/surge alert. Same weekday: D−7, D−14, … D−28 (days from
          the store's first day on).
volume_spike (数量激增), per value of 分类, 地区, 渠道, 部门 and for 全部:
          n = items on D; m, s = mean and (population) standard deviation of the trailing daily counts;
          w = mean of the same-weekday counts (when there are any); baseline b = max(m, w).
          Spike when n ≥ min_count (5) and n ≥ spike_ratio (2) × b and n ≥ m + spike_sd (3) × s.
          So 0 → 1 (or 0 → 4) is never a spike; 0 → 5 is. 高 when n ≥ high_ratio (3) × b and
          n ≥ 2 × min_count, else 中.
negative_surge (负面占比上升), same dimensions:
          k = 负面 items on D, t = items on D with a sentiment; share = k ÷ t; baseline share
          p = Σ负面 ÷ Σ scored over the trailing days (needs ≥ negative_min_scored scored items).
          Surge when t ≥ negative_min_scored (10), k ≥ min_count (5), share ≥ p + negative_rise (15
          percentage points) and share ≥ negative_ratio (1.5) × p. 高 when share ≥ 50% and
          k ≥ 2 × min_count, else 中.
watch_word (关注词): a watch word (data/dicts/watchwords.txt) is a term of an item published on D, or
          in its text, and at least one of its mentions is meant (watch_context.py: not denied, not a
          comparison, not in a quoted name or an exception phrase of data/dicts/watchword_exceptions.txt).
          One alert per word; severity is the word's (高/中/low); its items are exactly the firing ones.
overdue (超期未答复): the backlog (`overdue_backlog`): valid requests whose source tracks replies, with no
          reply as of as_of, published more than settings.overdue_days days before it; what crossed the
          limit during D (新超期) and the overdue ones answered during D (本日办结). One line every day
          (`Backlog.text`); ONE alert for the whole backlog only when it grew by
          settings.backlog_alert_growth (10) or more in the day (高 at three times that). Never one alert
          per department: a chronic backlog is a state, not news.
reminder (部门提醒): per named department, the requests already due (metrics.due_window: published in
          the settings.due_window_days (30) monitoring days ending overdue_days days before D), with at
          least settings.min_denominator of them in a known rate, below settings.reminder_threshold on
          both known rates (reminder_rule "both") or either ("either"). 中 when below on both, 低 when
          below on one. Requests whose source provides no replies (or no satisfaction) are in no rate.
Dedup     One alert per cause per day: the key is kind | dimension | value | day; a repeated key keeps
          the most severe alert (then the one with most items).
Merge     One alert per event (`merge_related`): spikes, surges and watch words on a word, category,
          region or department whose item sets share ≥ 2 items, ≥ half of the smaller and ≥ 5% of the
          larger set are merged (transitively); a spike over all items or a whole channel joins the
          event holding at least half of its items (never linking two events). The merged alert is the
          most severe, then most specific member; the others are named in `related` and its message;
          its items are the specific members' union.
Budget    `day_alerts` is what every list shows (总览, 热点与预警, the 摘报): per severity at most
          settings.alert_budget (高 5, 中 5, 低 3) warnings in order; the rest `held`, said in one sentence
          (`AlertDay.held_text`: 另有 N 条低级预警未列出). Reminders are listed apart.
Order     severity (高, 中, 低), then kind (关注词, 激增, 负面, 超期, 提醒), then items (most first), then key.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from dashboard.core import store
from dashboard.core.analytics import metrics
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import (
    DIMENSION_FIELDS,
    Filters,
    Period,
    current_day,
    day_period,
    days_period,
    narrow,
)
from dashboard.core.analytics.watch_context import fires, load_context
from dashboard.core.text.tokens import load_watchwords

__all__ = ["Alert", "AlertRules", "AlertCounts", "AlertDay", "Backlog", "SEVERITIES", "KIND_LABELS",
           "DIMENSION_LABELS", "current_alerts", "day_alerts", "budgeted", "merge_related", "overdue_backlog",
           "dedupe", "split", "rules_text"]

SEVERITIES = ("高", "中", "低")
KIND_LABELS = {
    "watch_word": "关注词",
    "volume_spike": "数量激增",
    "negative_surge": "负面占比上升",
    "overdue": "超期未答复",
    "reminder": "部门提醒",
}
KIND_ORDER = tuple(KIND_LABELS)
DIMENSION_LABELS = {"category": "分类", "region": "地区", "channel": "渠道", "department": "部门", "all": "全部",
                    "word": "关注词"}


@dataclass(frozen=True)
class AlertRules:
    min_count: int = 5
    baseline_days: int = 14
    weekday_weeks: int = 4
    min_baseline_days: int = 7
    spike_ratio: float = 2.0
    spike_sd: float = 3.0
    high_ratio: float = 3.0
    negative_min_scored: int = 10
    negative_rise: float = 0.15
    negative_ratio: float = 1.5
    negative_high_share: float = 0.5
    dimensions: tuple[str, ...] = ("category", "region", "channel", "department", "all")
    merge_share_smaller: float = 0.5    # alerts are one event when they share this much of the smaller …
    merge_share_larger: float = 0.05    # … and this much of the larger item set …
    merge_min_shared: int = 2           # … and at least this many items
    merge_share_broad: float = 0.5      # an all-items or channel spike joins the event holding this much of it


@dataclass(frozen=True)
class Alert:
    kind: str                    # a key of KIND_LABELS
    severity: str                # 高 / 中 / 低
    day: date                    # the monitoring day
    dimension: str               # category / region / channel / department / all / word
    value: str                   # the dimension's value (a category, a department, a watch word …)
    message: str                 # one Chinese sentence with the numbers
    count: int                   # how many items are behind it
    query: str                   # the query that returns those items …
    params: dict = field(default_factory=dict, compare=False, hash=False)   # … with these parameters
    figures: dict = field(default_factory=dict, compare=False, hash=False)  # the numbers in the message
    related: tuple[str, ...] = field(default=(), compare=False, hash=False)  # merged alerts (merge_related)

    @property
    def key(self) -> str:
        """Stable across runs: one alert per cause per day."""
        return f"{self.kind}|{self.dimension}|{self.value}|{self.day.isoformat()}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def dimension_label(self) -> str:
        return DIMENSION_LABELS.get(self.dimension, self.dimension)

    def items(self, con) -> pd.DataFrame:
        """The items behind this alert."""
        return store.run_query(con, self.query, **self.params)

    def as_row(self) -> dict:
        return {"severity": self.severity, "kind": self.kind_label, "day": self.day,
                "dimension": self.dimension_label, "value": self.value, "count": self.count,
                "message": self.message, "key": self.key}


def split(alerts: list[Alert]) -> tuple[list[Alert], list[Alert]]:
    """(warnings, reminders): the 预警 (spikes, surges, watch words, overdue) and the 部门提醒. Every page
    and report counts them this way, so the screen and the 摘报 say the same numbers."""
    return ([a for a in alerts if a.kind != "reminder"], [a for a in alerts if a.kind == "reminder"])


@dataclass(frozen=True)
class AlertCounts:
    """How many warnings of each severity, and how many department reminders, a day has."""

    warnings: int
    by_severity: dict[str, int]
    reminders: int

    @classmethod
    def of(cls, alerts: list[Alert]) -> "AlertCounts":
        warnings, reminders = split(alerts)
        return cls(len(warnings), {s: sum(1 for a in warnings if a.severity == s) for s in SEVERITIES},
                   len(reminders))

    def text(self) -> str:
        """e.g. 预警 12 条（高 1 · 中 5 · 低 6），部门提醒 3 个"""
        severities = " · ".join(f"{s} {self.by_severity[s]}" for s in SEVERITIES)
        return f"预警 {self.warnings} 条（{severities}），部门提醒 {self.reminders} 个"


def _sort_key(alert: Alert) -> tuple:
    return (SEVERITIES.index(alert.severity), KIND_ORDER.index(alert.kind) if alert.kind in KIND_ORDER else 99,
            -alert.count, alert.key)


def dedupe(alerts: list[Alert]) -> list[Alert]:
    """One alert per key (kind | dimension | value | day): the most severe, then the one with most items.
    Returned in severity order."""
    best: dict[str, Alert] = {}
    for alert in alerts:
        kept = best.get(alert.key)
        if kept is None or (SEVERITIES.index(alert.severity), -alert.count) < (SEVERITIES.index(kept.severity),
                                                                               -kept.count):
            best[alert.key] = alert
    return sorted(best.values(), key=_sort_key)


# ------------------------------------------------------------------------------------------ helpers
def _day_text(day: date, day_start_hour: int) -> str:
    text = f"{day.month}月{day.day}日"
    if day_start_hour:
        text += f"（{day_start_hour:02d}:00 至次日 {day_start_hour:02d}:00）"
    return text


def _moment_text(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _narrow(filters: Filters, dimension: str, value: str) -> Filters:
    """The filters narrowed to one value of a dimension (inside any existing selection); 'all' and
    'word' narrow nothing."""
    return narrow(filters, dimension, [value]) if dimension in DIMENSION_FIELDS else filters


def _label(dimension: str, value: str) -> str:
    return "全部信息" if dimension == "all" else f"{DIMENSION_LABELS[dimension]}「{value}」"


# ------------------------------------------------------------------------------------ the alerts
def current_alerts(con, day: date | None = None, settings: AnalyticsSettings | None = None,
                   dicts_dir: str | Path | None = None, filters: Filters | None = None,
                   rules: AlertRules | None = None, now: datetime | None = None, merge: bool = True) -> list[Alert]:
    """Every alert for monitoring day `day` (default: the current one), most severe first; alerts about
    the same items merged into one per event (`merge_related`) unless `merge` is False. No budget: the
    lists people read come from `day_alerts`."""
    return _collect(con, day, settings, dicts_dir, filters, rules, now, merge)[0]


def _collect(con, day, settings, dicts_dir, filters, rules, now, merge) -> tuple[list[Alert], "Backlog | None"]:
    settings = settings or AnalyticsSettings()
    rules = rules or AlertRules()
    filters = filters or Filters()
    now = now or metrics.now_local()
    hour = settings.day_start_hour
    day = day or current_day(now, hour)
    as_of = min(day_period(day, hour).end, now)
    backlog = overdue_backlog(con, day, as_of, filters, settings)
    found: list[Alert] = []
    found += _volume_alerts(con, day, hour, filters, rules)
    found += _watch_word_alerts(con, day, hour, filters, dicts_dir)
    found += _backlog_alerts(backlog, filters, settings)
    found += _reminder_alerts(con, day, hour, as_of, filters, settings, rules)
    found = dedupe(found)
    return (merge_related(con, found, rules) if merge else found), backlog


def _volume_alerts(con, day: date, hour: int, filters: Filters, rules: AlertRules) -> list[Alert]:
    coverage = store.run_query(con, "alerts/coverage", day_start_hour=hour)
    first_day = coverage.iat[0, 0]
    if first_day is None or pd.isna(first_day):
        return []
    first_day = pd.Timestamp(first_day).date()
    lookback = max(rules.baseline_days, 7 * rules.weekday_weeks)
    window = days_period(day - timedelta(days=lookback), day, hour)
    counts = store.run_query(con, "alerts/daily_counts", **filters.with_period(window).params(),
                             day_start_hour=hour)
    if counts.empty:
        return []
    counts["day"] = pd.to_datetime(counts["day"]).dt.date
    trailing_days = [day - timedelta(days=k) for k in range(1, rules.baseline_days + 1)
                     if day - timedelta(days=k) >= first_day]
    weekday_days = [day - timedelta(days=7 * k) for k in range(1, rules.weekday_weeks + 1)
                    if day - timedelta(days=7 * k) >= first_day]
    if len(trailing_days) < rules.min_baseline_days:
        return []
    today_rows = counts[counts["day"] == day]
    alerts = []
    day_filters = filters.with_period(day_period(day, hour))
    for row in today_rows.itertuples(index=False):
        if row.dimension not in rules.dimensions:
            continue
        history = counts[(counts["dimension"] == row.dimension) & (counts["value"] == row.value)]
        by_day = {d: r for d, r in zip(history["day"], history.itertuples(index=False))}
        alert = _spike(row, by_day, trailing_days, weekday_days, day, hour, day_filters, rules)
        if alert:
            alerts.append(alert)
        alert = _negative(row, by_day, trailing_days, day, hour, day_filters, rules)
        if alert:
            alerts.append(alert)
    return alerts


def _spike(row, by_day, trailing_days, weekday_days, day, hour, day_filters, rules) -> Alert | None:
    n = int(row.items)
    if n < rules.min_count:
        return None
    trailing = [int(by_day[d].items) if d in by_day else 0 for d in trailing_days]
    mean = statistics.fmean(trailing)
    sd = statistics.pstdev(trailing)
    weekday = [int(by_day[d].items) if d in by_day else 0 for d in weekday_days]
    weekday_mean = statistics.fmean(weekday) if weekday else None
    baseline = max(mean, weekday_mean or 0.0)
    if not (n >= rules.spike_ratio * baseline and n >= mean + rules.spike_sd * sd):
        return None
    high = n >= rules.high_ratio * baseline and n >= 2 * rules.min_count
    label = _label(row.dimension, row.value)
    if baseline > 0:
        compare = (f"是前 {len(trailing_days)} 天日均 {mean:.1f} 件"
                   + (f"、前 {len(weekday)} 周同星期日均 {weekday_mean:.1f} 件" if weekday_mean is not None else "")
                   + f"中较高者的 {n / baseline:.1f} 倍")
    else:
        compare = f"而前 {len(trailing_days)} 天没有此类信息"
    message = f"{_day_text(day, hour)}{label}新增 {n} 件，{compare}，超过激增阈值。"
    return Alert(
        kind="volume_spike", severity="高" if high else "中", day=day, dimension=row.dimension, value=row.value,
        message=message, count=n, query="alerts/items",
        params=dict(_narrow(day_filters, row.dimension, row.value).params(), day_start_hour=hour),
        figures={"today": n, "trailing_mean": mean, "trailing_sd": sd, "weekday_mean": weekday_mean,
                 "baseline": baseline, "trailing_days": len(trailing_days), "weekday_days": len(weekday)},
    )


def _negative(row, by_day, trailing_days, day, hour, day_filters, rules) -> Alert | None:
    scored, negative = int(row.scored), int(row.negative)
    if scored < rules.negative_min_scored or negative < rules.min_count:
        return None
    base_scored = sum(int(by_day[d].scored) for d in trailing_days if d in by_day)
    base_negative = sum(int(by_day[d].negative) for d in trailing_days if d in by_day)
    if base_scored < rules.negative_min_scored:
        return None
    share, base_share = negative / scored, base_negative / base_scored
    if not (share >= base_share + rules.negative_rise and share >= rules.negative_ratio * base_share):
        return None
    high = share >= rules.negative_high_share and negative >= 2 * rules.min_count
    label = _label(row.dimension, row.value)
    message = (f"{_day_text(day, hour)}{label}负面信息 {negative} 件，占有情感判断的 {scored} 件的 "
               f"{share * 100:.1f}%，前 {len(trailing_days)} 天为 {base_share * 100:.1f}%"
               f"（{base_negative}/{base_scored}），上升 {(share - base_share) * 100:.1f} 个百分点。")
    only_negative = replace(_narrow(day_filters, row.dimension, row.value), sentiments=("负面",))
    params = dict(only_negative.params(), day_start_hour=hour)
    return Alert(
        kind="negative_surge", severity="高" if high else "中", day=day, dimension=row.dimension, value=row.value,
        message=message, count=negative, query="alerts/items", params=params,
        figures={"negative": negative, "scored": scored, "share": share, "baseline_negative": base_negative,
                 "baseline_scored": base_scored, "baseline_share": base_share},
    )


def watch_word_params(words: list[str]) -> dict:
    """The parameters of alerts/watchword_items for `words`: the list, and one regular expression
    matching any of them case-insensitively."""
    words = sorted(words)
    return {"words": words, "pattern": "(?i)" + "|".join(re.escape(w) for w in words) if words else "(?!)"}


def _watch_word_alerts(con, day, hour, filters, dicts_dir) -> list[Alert]:
    words = load_watchwords(dicts_dir)
    if not words:
        return []
    params = dict(filters.with_period(day_period(day, hour)).params(), day_start_hour=hour)
    hits = store.run_query(con, "alerts/watchword_items", **params, **watch_word_params(list(words)))
    hits = _live_hits(hits, load_context(dicts_dir))
    alerts = []
    for word, group in hits.groupby("word", sort=True):
        item_ids = tuple(sorted(group["id"].unique()))
        n = len(item_ids)
        first = str(group.sort_values(["published_at", "id"]).iloc[0]["title"] or "")
        sample = first if len(first) <= 24 else first[:24] + "…"
        severity = words.get(word, "中")
        message = (f"{_day_text(day, hour)}有 {n} 条信息出现关注词「{word}」（{severity}），"
                   f"如「{sample}」。")
        alerts.append(Alert(
            kind="watch_word", severity=severity if severity in SEVERITIES else "中", day=day, dimension="word",
            value=word, message=message, count=n, query="alerts/items",
            params=dict(replace(filters.with_period(day_period(day, hour)), item_ids=item_ids).params(),
                        day_start_hour=hour),
            figures={"items": n, "word_severity": severity},
        ))
    return alerts


def _live_hits(hits: pd.DataFrame, context) -> pd.DataFrame:
    """The (word, item) hits where the word is meant (watch_context.fires): not denied, not a comparison,
    not part of a name or an exception phrase."""
    if hits.empty:
        return hits
    keep = []
    for word, title, content in zip(hits["word"], hits["title"], hits["content"]):
        verdicts = [fires(str(text), word, context) for text in (title, content) if isinstance(text, str)]
        keep.append(True in verdicts or not any(v is False for v in verdicts))
    return hits[keep]


@dataclass(frozen=True)
class Backlog:
    """The overdue backlog on a monitoring day: one line, said every day; an alert only when it grows by
    settings.backlog_alert_growth or more in the day (new overdue minus overdue answered)."""

    day: date
    as_of: datetime
    overdue_days: int
    open: int                    # valid requests open for more than overdue_days as of as_of
    departments: int             # with at least one of them (未标注 counts as one)
    oldest_days: float
    new_today: int               # crossed the limit during the monitoring day
    closed_today: int            # overdue requests answered during the monitoring day
    top_new: tuple[tuple[str, int], ...]   # departments with the most new overdue requests

    @property
    def growth(self) -> int:
        return self.new_today - self.closed_today

    def text(self) -> str:
        """e.g. 截至12月4日 08:00，超过 15 天未答复的有效诉求共 230 件（12 个承办单位，最久 59.8 天）；本监测日新超期 9 件
        （「A2区人民政府」4 件、…），本日办结超期诉求 6 件，净增 3 件。"""
        where = "、".join(f"「{d}」{n} 件" for d, n in self.top_new)
        change = "净增" if self.growth > 0 else "净减" if self.growth < 0 else "持平"
        return (f"截至{_moment_text(self.as_of)}，超过 {self.overdue_days} 天未答复的有效诉求共 {self.open:,} 件"
                f"（{self.departments} 个承办单位，最久 {self.oldest_days:.1f} 天）；本监测日新超期 {self.new_today} 件"
                + (f"（{where}）" if where else "") + f"，本日办结超期诉求 {self.closed_today} 件，"
                + (f"{change} {abs(self.growth)} 件。" if self.growth else "积压持平。"))


def overdue_backlog(con, day: date, as_of: datetime, filters: Filters, settings: AnalyticsSettings) -> Backlog | None:
    """The overdue backlog as of `as_of` (any publication date), what crossed the limit during `day` (the
    items published in [day start − limit, as_of − limit)) and what of it was answered during `day`. None
    when nothing is overdue and nothing was closed (or the sources provide no replies)."""
    limit = timedelta(days=settings.overdue_days)
    day_start = day_period(day, settings.day_start_hour).start

    def overdue(start, end) -> pd.DataFrame:
        return store.run_query(con, "alerts/overdue_by_department", **filters.with_period(Period(start, end)).params(),
                               as_of=as_of, overdue_days=settings.overdue_days)

    backlog = overdue(None, as_of)
    fresh = overdue(day_start - limit, as_of - limit).sort_values(["overdue_open", "department"],
                                                                 ascending=[False, True])
    closed = int(store.run_query(con, "alerts/overdue_closed", **filters.with_period(Period(None, as_of)).params(),
                                 answered_from=day_start, as_of=as_of,
                                 overdue_days=settings.overdue_days)["closed"].iat[0])
    if backlog.empty and not closed:
        return None
    return Backlog(day=day, as_of=as_of, overdue_days=settings.overdue_days, open=int(backlog["overdue_open"].sum()),
                   departments=len(backlog), oldest_days=float(backlog["oldest_days"].max()) if len(backlog) else 0.0,
                   new_today=int(fresh["overdue_open"].sum()), closed_today=closed,
                   top_new=tuple((str(d), int(n)) for d, n in zip(fresh["department"], fresh["overdue_open"]))[:3])


def _backlog_alerts(backlog: Backlog | None, filters: Filters, settings: AnalyticsSettings) -> list[Alert]:
    """One alert for the whole backlog, only when it grew by settings.backlog_alert_growth or more (高 at
    three times that)."""
    threshold = settings.backlog_alert_growth
    if backlog is None or backlog.growth < threshold:
        return []
    until = filters.with_period(Period(None, backlog.as_of))
    return [Alert(
        kind="overdue", severity="高" if backlog.growth >= 3 * threshold else "中", day=backlog.day,
        dimension="all", value="全部", message=backlog.text()[:-1] + f"，达到积压增长阈值 {threshold} 件。",
        count=backlog.open, query="metrics/overdue_items",
        params=dict(until.params(), as_of=backlog.as_of, overdue_days=settings.overdue_days,
                    overdue_kind=metrics.OVERDUE_OPEN, limit=None),
        figures={"overdue_open": backlog.open, "new_today": backlog.new_today, "closed_today": backlog.closed_today,
                 "growth": backlog.growth, "oldest_days": backlog.oldest_days, "overdue_days": settings.overdue_days},
    )]


def _reminder_alerts(con, day, hour, as_of, filters, settings, rules) -> list[Alert]:
    window = metrics.due_window(day, settings)
    scoped = filters.with_period(window)
    table = metrics.department_table(con, scoped, settings, as_of=as_of, compare_previous=False)
    known = table[["reply_known", "satisfaction_known"]].max(axis=1)
    below = table[table["reminder"] & (known >= settings.min_denominator)]
    first, last = window.start.date(), (window.end - timedelta(days=1)).date()
    return [_reminder_alert(row, day, first, last, scoped, as_of, settings) for _, row in below.iterrows()]


def _reminder_alert(row, day, first, last, scoped: Filters, as_of, settings) -> Alert:
    reply, satisfaction = metrics.department_rates(row, settings)
    threshold = settings.reminder_threshold
    both = all(r.value is not None and r.value < threshold for r in (reply, satisfaction))
    rates = "、".join(f"{r.label} {r.percent()}" + (f"（{_fmt(r.numerator)}/{r.denominator}）" if r.denominator else "")
                     for r in (reply, satisfaction))
    message = (f"{first.month}月{first.day}日至{last.month}月{last.day}日受理、已到答复期限的有效诉求中，"
               f"「{row['department']}」{rates}，{'均' if both else '有一项'}低于 {threshold * 100:g}%。")
    return Alert(
        kind="reminder", severity="中" if both else "低", day=day, dimension="department",
        value=row["department"], message=message,
        count=int(max(row["reply_known"] - row["replied"], row["satisfaction_known"] - row["satisfied"])),
        query="metrics/shortfall_items",
        params=dict(_narrow(scoped, "department", row["department"]).params(), as_of=as_of,
                    satisfied_values=metrics.satisfied_values(settings), limit=None),
        figures={"valid": int(row["valid"]), "replied": int(row["replied"]), "satisfied": int(row["satisfied"]),
                 "reply_rate": reply.value, "satisfaction_rate": satisfaction.value,
                 "window_start": scoped.period.start, "window_end": scoped.period.end},
    )


# ------------------------------------------------------------------------- merging and the budget
def merge_related(con, alerts: list[Alert], rules: AlertRules) -> list[Alert]:
    """One alert per event. Spikes, surges and watch words about specific things (a word, a category, a
    region, a department) are merged, transitively, when they share at least rules.merge_min_shared items,
    at least rules.merge_share_smaller of the smaller item set and rules.merge_share_larger of the larger.
    A broad one (all items, a whole channel) then joins the event that holds most of its items when that
    is at least rules.merge_share_broad of them; it never links two events. The merged alert is its most
    severe, then most specific member, the others named in `related`; its count and items are the
    specific members' union. The backlog and reminders are never merged."""
    mergeable = [a for a in alerts if a.kind in MERGED_KINDS]
    if len(mergeable) < 2:
        return alerts
    sets = [frozenset(a.items(con)["id"]) for a in mergeable]
    specific = [i for i, a in enumerate(mergeable) if a.dimension not in BROAD]
    groups = [[specific[k] for k in group] for group in _overlap_groups([sets[i] for i in specific], rules)]
    events = [frozenset().union(*(sets[k] for k in group)) for group in groups]   # before any broad joins
    alone: list[list[int]] = []
    for i, alert in enumerate(mergeable):
        if alert.dimension in BROAD:
            _join_broad(i, sets[i], groups, events, rules, alone)
    groups += alone
    merged = [_merged([mergeable[i] for i in group], [sets[i] for i in group]) for group in groups]
    return sorted(merged + [a for a in alerts if a.kind not in MERGED_KINDS], key=_sort_key)


MERGED_KINDS = ("watch_word", "volume_spike", "negative_surge")
BROAD = ("all", "channel")
_SPECIFIC = ("word", "category", "region", "department", "channel", "all")


def _overlap_groups(sets: list[frozenset], rules: AlertRules) -> list[list[int]]:
    parent = list(range(len(sets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            shared = len(sets[i] & sets[j])
            small, large = sorted((len(sets[i]), len(sets[j])))
            if (shared >= rules.merge_min_shared and shared >= rules.merge_share_smaller * small
                    and shared >= rules.merge_share_larger * large):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(sets)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _join_broad(i: int, own: frozenset, groups: list[list[int]], events: list[frozenset], rules: AlertRules,
                alone: list[list[int]]) -> None:
    """Put broad alert i into the specific event holding most of its items, or alone."""
    shares = [len(own & event) / len(own) if own else 0.0 for event in events]
    best = max(range(len(shares)), key=shares.__getitem__, default=None)
    if best is not None and shares[best] >= rules.merge_share_broad:
        groups[best].append(i)
    else:
        alone.append([i])


def _lead_key(alert: Alert) -> tuple:
    return (SEVERITIES.index(alert.severity), _SPECIFIC.index(alert.dimension) if alert.dimension in _SPECIFIC else 9,
            KIND_ORDER.index(alert.kind), -alert.count, alert.key)


def _merged(members: list[Alert], sets: list[frozenset]) -> Alert:
    if len(members) == 1:
        return members[0]
    order = sorted(range(len(members)), key=lambda i: _lead_key(members[i]))
    lead, lead_set = members[order[0]], sets[order[0]]
    # The event's items: its members' except those of a spike over all items or a whole channel (named,
    # but they would swell the event with the day's ordinary traffic).
    union = tuple(sorted(lead_set.union(*(sets[i] for i in order if members[i].dimension not in BROAD))))
    others = [members[i] for i in order[1:]]
    related = tuple(_short(a) for a in others)
    message = lead.message + f"同一批信息还触发：{'；'.join(related)}（本事件共 {len(union)} 条信息）。"
    hour = lead.params["day_start_hour"]
    params = dict(Filters(period=day_period(lead.day, hour), item_ids=union).params(), day_start_hour=hour)
    return replace(lead, message=message, count=len(union), query="alerts/items", params=params, related=related,
                   figures=dict(lead.figures, merged=[a.key for a in others]))


def _short(alert: Alert) -> str:
    what = f"关注词「{alert.value}」" if alert.dimension == "word" else _label(alert.dimension, alert.value)
    return f"{what}{'' if alert.dimension == 'word' else alert.kind_label}（{alert.severity}，{alert.count} 条）"


@dataclass(frozen=True)
class AlertDay:
    """What a monitoring day's alert list shows, the same on 总览, 热点与预警, the 摘报 and the CLI:
    `warnings` within the daily budget per severity (settings.alert_budget: 高, 中, 低), the rest `held`
    and summarised in one sentence, the department `reminders`, and the overdue `backlog` line."""

    day: date
    warnings: tuple[Alert, ...]
    held: tuple[Alert, ...]
    reminders: tuple[Alert, ...]
    backlog: Backlog | None

    @property
    def alerts(self) -> list[Alert]:
        """Everything listed: the warnings within budget, then the reminders."""
        return [*self.warnings, *self.reminders]

    def held_text(self) -> str:
        """e.g. 另有 4 条低级预警、1 条中级预警未列出（见「热点与预警」页的完整列表）。 — empty when nothing was held."""
        counts = Counter(a.severity for a in self.held)
        if not counts:
            return ""
        parts = "、".join(f"{counts[s]} 条{s}级预警" for s in reversed(SEVERITIES) if counts[s])
        return f"另有 {parts}未列出（每日按级别列出的条数有上限）。"

    def counts_text(self) -> str:
        """e.g. 预警 8 条（高 1 · 中 4 · 低 3），另有 2 条低级预警未列出；部门提醒 3 个"""
        counts = AlertCounts.of(self.alerts)
        severities = " · ".join(f"{s} {counts.by_severity[s]}" for s in SEVERITIES)
        held = f"，另有 {len(self.held)} 条未列出" if self.held else ""
        return f"预警 {counts.warnings} 条（{severities}）{held}，部门提醒 {counts.reminders} 个"


def day_alerts(con, day: date | None = None, settings: AnalyticsSettings | None = None,
               dicts_dir: str | Path | None = None, filters: Filters | None = None,
               rules: AlertRules | None = None, now: datetime | None = None) -> AlertDay:
    """The alerts of monitoring day `day` as people read them: merged per event, within the budget."""
    settings = settings or AnalyticsSettings()
    now = now or metrics.now_local()
    day = day or current_day(now, settings.day_start_hour)
    found, backlog = _collect(con, day, settings, dicts_dir, filters, rules, now, True)
    warnings, reminders = split(found)
    shown, held = budgeted(warnings, settings.alert_budget)
    return AlertDay(day, tuple(shown), tuple(held), tuple(reminders), backlog)


def budgeted(warnings: list[Alert], budget: tuple[int, ...]) -> tuple[list[Alert], list[Alert]]:
    """(shown, held): per severity (高, 中, 低) the first budget[k] warnings in order are shown."""
    limits = dict(zip(SEVERITIES, budget))
    shown, held, used = [], [], Counter()
    for alert in warnings:
        if used[alert.severity] < limits.get(alert.severity, len(warnings)):
            used[alert.severity] += 1
            shown.append(alert)
        else:
            held.append(alert)
    return shown, held


def rules_text(settings: AnalyticsSettings | None = None, rules: AlertRules | None = None) -> list[str]:
    """The alert rules, in Chinese, to print beside the alerts."""
    settings = settings or AnalyticsSettings()
    r = rules or AlertRules()
    hour = settings.day_start_hour
    day = f"监测日（{hour:02d}:00 至次日 {hour:02d}:00）" if hour else "自然日"
    return [
        f"统计口径：按{day}统计。",
        f"数量激增：当日件数不少于 {r.min_count} 件，且不低于基线的 {_fmt(r.spike_ratio)} 倍、"
        f"不低于前 {r.baseline_days} 天日均值加 {_fmt(r.spike_sd)} 倍标准差；基线取前 {r.baseline_days} 天日均值与"
        f"前 {r.weekday_weeks} 周同星期日均值中较高者；历史不足 {r.min_baseline_days} 天不判断。",
        f"负面占比上升：当日有情感判断的信息不少于 {r.negative_min_scored} 件、负面不少于 {r.min_count} 件，"
        f"负面占比比前 {r.baseline_days} 天高 {r.negative_rise * 100:g} 个百分点以上且达到其 {_fmt(r.negative_ratio)} 倍。",
        "关注词：当日新发布的信息中出现关注词表中的词，每个词每天一条提醒，级别取该词的级别；词出现在否定或比喻"
        "（“没有发生爆炸”“像爆炸一样”）、引号中的地名店名或例外短语里不算（例外表：watchword_exceptions.txt）。",
        f"超期未答复：发布超过 {settings.overdue_days} 天仍未答复的有效诉求每天汇总为一句（新超期、本日办结、净增）；"
        f"一天净增不少于 {settings.backlog_alert_growth} 件才作为预警（{3 * settings.backlog_alert_growth} 件以上为高）。",
        f"部门提醒：近 {settings.due_window_days} 天已到答复期限的有效诉求（不少于 {settings.min_denominator} 件）中，"
        f"答复率、满意率{'均' if settings.reminder_rule == 'both' else '任一项'}低于 "
        f"{settings.reminder_threshold * 100:g}%（来源未提供的比率不作判断）。",
        "超期未答复与部门提醒只统计诉求（留言板、热线等），且只统计来源提供答复信息的诉求；网络舆情从不计为未答复。",
        "同一原因（类型、维度、取值、日期相同）每天只提醒一次；涉及同一批信息的激增、负面占比上升和关注词合并为一条"
        "（按最具体的一条列出，其余写在说明中）。",
        "每日列出的预警条数有上限（" + " · ".join(f"{s} {n} 条" for s, n in zip(SEVERITIES, settings.alert_budget))
        + "），其余汇总为一句“另有 N 条…预警未列出”。",
    ]
