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
watch_word (关注词): a watch word (data/dicts/watchwords.txt) is a term of an item published on D.
          One alert per word; severity is the word's (高/中/低).
overdue (超期未答复): per department, valid items with no reply as of as_of, published more than
          settings.overdue_days days before it (any publication date). Severity follows what changed
          on the day: 高 when ≥ min_count items crossed the limit during D, 中 when 1–4 did, 低 for a
          standing backlog (nothing new). Items without a department (未标注: nobody to chase) are
          always 低.
reminder (部门提醒): per named department, the requests already due (metrics.due_window: published in
          the settings.due_window_days (30) monitoring days ending overdue_days days before D), with at
          least settings.min_denominator of them in a known rate, below settings.reminder_threshold on
          both known rates (reminder_rule "both") or either ("either"). 中 when below on both, 低 when
          below on one. Requests whose source provides no replies (or no satisfaction) are in no rate.
Dedup     One alert per cause per day: the key is kind | dimension | value | day; a repeated key keeps
          the most severe alert (then the one with most items).
Order     severity (高, 中, 低), then kind (关注词, 激增, 负面, 超期, 提醒), then items (most first), then key.
"""
from __future__ import annotations

import re
import statistics
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
from dashboard.core.text.tokens import load_watchwords

__all__ = ["Alert", "AlertRules", "AlertCounts", "SEVERITIES", "KIND_LABELS", "DIMENSION_LABELS", "current_alerts",
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
                   rules: AlertRules | None = None, now: datetime | None = None) -> list[Alert]:
    """Every alert for monitoring day `day` (default: the current one), most severe first."""
    settings = settings or AnalyticsSettings()
    rules = rules or AlertRules()
    filters = filters or Filters()
    now = now or metrics.now_local()
    hour = settings.day_start_hour
    day = day or current_day(now, hour)
    period = day_period(day, hour)
    as_of = min(period.end, now)
    alerts: list[Alert] = []
    alerts += _volume_alerts(con, day, hour, filters, rules)
    alerts += _watch_word_alerts(con, day, hour, filters, dicts_dir)
    alerts += _overdue_alerts(con, day, hour, as_of, filters, settings, rules)
    alerts += _reminder_alerts(con, day, hour, as_of, filters, settings, rules)
    return dedupe(alerts)


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
    alerts = []
    for word, group in hits.groupby("word", sort=True):
        n = int(group["id"].nunique())
        first = str(group.sort_values(["published_at", "id"]).iloc[0]["title"] or "")
        sample = first if len(first) <= 24 else first[:24] + "…"
        severity = words.get(word, "中")
        message = (f"{_day_text(day, hour)}有 {n} 条信息出现关注词「{word}」（{severity}），"
                   f"如「{sample}」。")
        alerts.append(Alert(
            kind="watch_word", severity=severity if severity in SEVERITIES else "中", day=day, dimension="word",
            value=word, message=message, count=n, query="alerts/watchword_items",
            params=dict(params, **watch_word_params([word])), figures={"items": n, "word_severity": severity},
        ))
    return alerts


def _overdue_alerts(con, day, hour, as_of, filters, settings, rules) -> list[Alert]:
    """Per department: valid items open for more than overdue_days as of as_of (any publication date).
    Those that crossed the limit during the monitoring day are exactly the ones published in
    [day start − limit, as_of − limit): counted with a second run of the same query."""
    limit = timedelta(days=settings.overdue_days)
    def overdue(start, end) -> pd.DataFrame:
        return store.run_query(con, "alerts/overdue_by_department", **filters.with_period(Period(start, end)).params(),
                               as_of=as_of, overdue_days=settings.overdue_days)

    backlog = overdue(None, as_of)
    if backlog.empty:
        return []
    fresh = overdue(day_period(day, hour).start - limit, as_of - limit)
    fresh = dict(zip(fresh["department"], fresh["overdue_open"]))
    until = filters.with_period(Period(None, as_of))
    extra = dict(as_of=as_of, overdue_days=settings.overdue_days, overdue_kind=metrics.OVERDUE_OPEN, limit=None)
    alerts = []
    for row in backlog.itertuples(index=False):
        n, new_today = int(row.overdue_open), int(fresh.get(row.department, 0))
        oldest = float(row.oldest_days)
        unlabelled = row.department == metrics.UNLABELLED
        if unlabelled:
            severity = "低"
        else:
            severity = "高" if new_today >= rules.min_count else "中" if new_today else "低"
        who = "未标注承办单位的 " if unlabelled else f"「{row.department}」有 "
        message = (f"截至{_moment_text(as_of)}，{who}{n} 件有效诉求超过 {settings.overdue_days} 天未答复（最久 {oldest:.1f} 天"
                   + (f"，本监测日新超期 {new_today} 件" if new_today else "") + "）。")
        alerts.append(Alert(
            kind="overdue", severity=severity, day=day, dimension="department", value=row.department,
            message=message, count=n, query="metrics/overdue_items",
            params=dict(_narrow(until, "department", row.department).params(), **extra),
            figures={"overdue_open": n, "oldest_days": oldest, "new_today": new_today,
                     "overdue_days": settings.overdue_days},
        ))
    return alerts


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
        "关注词：当日新发布的信息中出现关注词表中的词，每个词每天一条提醒，级别取该词的级别。",
        f"超期未答复：有效诉求发布超过 {settings.overdue_days} 天仍未答复，按承办单位汇总；本监测日新超期不少于 "
        f"{r.min_count} 件为高、1 至 {r.min_count - 1} 件为中、没有新超期为低（未标注承办单位的始终为低）。",
        f"部门提醒：近 {settings.due_window_days} 天已到答复期限的有效诉求（不少于 {settings.min_denominator} 件）中，"
        f"答复率、满意率{'均' if settings.reminder_rule == 'both' else '任一项'}低于 "
        f"{settings.reminder_threshold * 100:g}%（来源未提供的比率不作判断）。",
        "超期未答复与部门提醒只统计诉求（留言板、热线等），且只统计来源提供答复信息的诉求；网络舆情从不计为未答复。",
        "同一原因（类型、维度、取值、日期相同）每天只提醒一次。",
    ]
