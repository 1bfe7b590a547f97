"""Department responsiveness: the figures of the monthly bulletin, each one explainable.

No streamlit here. Pages, reports, alerts, the CLI and benchmarks share these functions, and every
figure comes from one query, queries/metrics/department_stats.sql; this module turns its counts into
rates, lists and ranks. The same period, filters and cut-off give the same numbers everywhere.

The rules (shown to readers by `rules_text()`)
----------------------------------------------
Scope     Requests (诉求: items.kind) published in ``filters.period`` ([start, end)) that match the other
          filters. Web opinion (舆情) is never counted, so it is never "unanswered".
as of     Reply status is taken *as of* a moment: ``as_of`` when given, else the store's data cut-off
          (``data_cutoff``: the newest published or replied time in the store — the replies known when
          the data was last updated). Data, not the clock: the same data gives the same figures.
received  every request (valid or not, assigned to a department or not).
valid     requests marked 有效 (``is_valid``; true when the source does not say).
known     a request's source may not provide replies (no reply columns) or satisfaction: such requests
          are *unknown* for that figure, never "not replied" or "not satisfied". Rates, response times
          and overdue counts use only the requests whose source provides the field; the rest are counted
          and stated ("来源未提供答复信息 N 件").
replied   valid requests whose source tracks replies, with ``replied_at`` at or before as_of.
satisfied valid requests whose source tracks satisfaction, rated in ``satisfied_values`` (by default 满意
          and 基本满意) and answered by as_of (when replies are tracked): satisfied ≤ replied.
reply rate        = replied ÷ valid requests with replies tracked      (the bulletin's 195/205 ≈ 95%)
satisfaction rate = satisfied ÷ valid requests with satisfaction tracked (185/205 ≈ 90%) — both over the
          valid requests of the group, not over replied items; unknown when the base is 0 and the
          source provides nothing.
tiny      a rate whose base is below ``settings.min_denominator`` (default 5) is shown flagged.
groups    a department's group (市直 / 县市区 / 其他) is the level most of its requests carry; requests
          without a department form the group 未标注 (counted in 合计, never honoured, reminded or ranked).
average   "pooled" = Σ numerators ÷ Σ bases over the group (what the bulletin prints); "mean" = the mean
          of the department rates (named departments with a known rate). Both are always computed;
          ``settings.average_mode`` says which one is *the* average.
overdue   超期未答复 (overdue open): valid, replies tracked, no reply as of as_of, published more than
          ``settings.overdue_days`` (default 15) days before as_of (elapsed time).
          超期答复 (replied late): replied more than ``overdue_days`` days after publication.
aging     open requests by elapsed time: ≤3天, 4–7天 (>3 and ≤7), 8–15天, 16–30天, >30天.
honour    named departments with both rates known and at 100%.
reminder  named departments below ``reminder_threshold`` (default 90%) on both known rates
          (``reminder_rule`` "both", the bulletin's rule) or on either known rate ("either"). Exactly at
          the threshold is not below. Tiny departments are listed too, flagged.
rank      within each group, by reply rate (high first; unknown last), then satisfaction rate, then
          median response time (short first, none last), then valid requests (more first). Equal on all
          four share a rank (1, 2, 2, 4); within a shared rank rows are ordered by name.
movement  previous rank − current rank against ``filters.period.previous()`` (the period of equal length
          just before), judged as of ``as_of − period length``: +2 = up two places; None = not ranked then.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.core import store
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import UNLABELLED, Filters, Period, days_period

__all__ = [
    "SATISFIED_DEFAULT", "UNLABELLED", "GROUPS", "TOTAL", "AGING_BANDS", "OVERDUE_OPEN", "REPLIED_LATE",
    "NO_REPLIES", "NO_SATISFACTION", "Rate", "GroupSummary", "Bulletin",
    "now_local", "data_cutoff", "figures_as_of", "satisfied_values", "month_period",
    "due_window", "due_reply_rate", "due_rate_parts", "department_stats", "department_table", "department_rates", "group_summary", "group_table",
    "honour_list", "reminder_list", "overdue_items", "aging_bands", "shortfall_items", "bulletin",
    "rules_text",
]

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SATISFIED_DEFAULT = ("满意", "基本满意")
# UNLABELLED (from filters): the group of requests without a department
GROUPS = ("市直", "县市区", "其他", UNLABELLED)
TOTAL = "合计"
AGING_BANDS = ("≤3天", "4–7天", "8–15天", "16–30天", ">30天")
OVERDUE_OPEN = "超期未答复"
REPLIED_LATE = "超期答复"
NO_REPLIES = "来源未提供答复信息"
NO_SATISFACTION = "来源未提供满意度"

_COUNT_COLUMNS = ("received", "valid", "reply_known", "reply_unknown", "replied", "satisfaction_known",
                  "satisfaction_unknown", "satisfied", "very_satisfied", "basic_satisfied", "unsatisfied",
                  "unrated", "open_items", "overdue_open", "replied_late")
_TIME_COLUMNS = ("response_days_median", "response_days_p90", "response_days_max", "oldest_open_days")


# --------------------------------------------------------------------------------------------- rates
@dataclass(frozen=True)
class Rate:
    """A rate with everything needed to explain it.

    kind "pooled": numerator ÷ denominator (counts of requests); `unknown` counts the requests of the
    same scope whose source does not provide the figure (not in the rate; said beside it).
    kind "mean":   numerator = the sum of department rates, denominator = the number of departments.
    """

    label: str                       # 答复率
    numerator: float
    denominator: int
    numerator_label: str = "已答复"
    denominator_label: str = "有效件"
    min_denominator: int = 5
    kind: str = "pooled"
    unknown: int = 0
    unknown_label: str = NO_REPLIES

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def is_unknown(self) -> bool:
        """True when the source provides nothing for this rate: say so, never show 0%."""
        return not self.denominator and self.unknown > 0

    @property
    def tiny(self) -> bool:
        """True when the denominator is below the minimum: the rate rests on too few items."""
        return 0 < self.denominator < self.min_denominator if self.kind == "pooled" \
            else self.denominator < self.min_denominator

    def percent(self, digits: int = 1) -> str:
        value = self.value
        if value is None:
            return self.unknown_label if self.is_unknown else "—"
        return f"{value * 100:.{digits}f}%"

    def rounded(self) -> int | None:
        """The rate in whole percent, as a bulletin prints it (95.1% -> 95)."""
        value = self.value
        return None if value is None else int(math.floor(value * 100 + 0.5))

    @property
    def unknown_note(self) -> str:
        """'另有 N 件来源未提供答复信息，不计入' when some requests of the scope are unknown, else ''."""
        if not self.unknown or self.kind != "pooled":
            return ""
        return f"{self.unknown_label}的有效件 {self.unknown} 件" + ("" if self.is_unknown else "，不计入")

    @property
    def formula(self) -> str:
        """e.g. 答复率 = 已答复 195 ÷ 有效件 205 = 95.1%"""
        if self.kind == "mean":
            if not self.denominator:
                return f"{self.label}：没有可计算的部门"
            return (f"{self.label} = {self.numerator_label} {self.numerator * 100:.1f}% ÷ "
                    f"{self.denominator_label} {self.denominator} = {self.percent()}")
        if self.is_unknown:
            return f"{self.label}：{self.unknown_note}"
        if not self.denominator:
            return f"{self.label}：{self.denominator_label}为 0，无法计算"
        text = (f"{self.label} = {self.numerator_label} {_number(self.numerator)} ÷ {self.denominator_label} "
                f"{self.denominator} = {self.percent()}")
        if self.tiny:
            text += f"（{self.denominator_label}不足 {self.min_denominator} 件，仅供参考）"
        if self.unknown:
            text += f"；另有{self.unknown_note}"
        return text

    def __str__(self) -> str:
        return self.percent() + ("*" if self.tiny else "")

    def as_dict(self) -> dict:
        return {"label": self.label, "numerator": self.numerator, "denominator": self.denominator,
                "value": self.value, "tiny": self.tiny, "unknown": self.unknown, "formula": self.formula,
                "kind": self.kind}


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def reply_rate(replied: int, known: int, settings: AnalyticsSettings, unknown: int = 0) -> Rate:
    """replied ÷ valid requests whose source tracks replies; `unknown`: valid requests whose source does not."""
    return Rate("答复率", int(replied), int(known), "已答复", "有效件", settings.min_denominator,
                unknown=int(unknown), unknown_label=NO_REPLIES)


def satisfaction_rate(satisfied: int, known: int, settings: AnalyticsSettings, unknown: int = 0) -> Rate:
    """satisfied ÷ valid requests whose source tracks satisfaction."""
    return Rate("满意率", int(satisfied), int(known), "满意", "有效件", settings.min_denominator,
                unknown=int(unknown), unknown_label=NO_SATISFACTION)


def _mean_rate(label: str, rates: list[float]) -> Rate:
    return Rate(f"{label}（各部门平均）", float(sum(rates)), len(rates), f"各部门{label}之和", "部门数",
                min_denominator=1, kind="mean")


def rates_of(row, settings: AnalyticsSettings) -> tuple[Rate, Rate]:
    """(reply rate, satisfaction rate) of a row of department_stats / department_table."""
    return (reply_rate(row["replied"], row["reply_known"], settings, row["reply_unknown"]),
            satisfaction_rate(row["satisfied"], row["satisfaction_known"], settings, row["satisfaction_unknown"]))


# ----------------------------------------------------------------------------------- time and scope
def now_local() -> datetime:
    """Now in Asia/Shanghai local time, naive (as items are stored)."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def data_cutoff(con) -> datetime | None:
    """The newest moment the store knows of: the latest published_at or replied_at of any item
    (queries/metrics/data_cutoff.sql). Data, not the clock: the same data gives the same moment.
    None when the store is empty."""
    value = store.run_query(con, "metrics/data_cutoff").iat[0, 0]
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def figures_as_of(con, as_of: datetime | None = None) -> datetime:
    """The moment reply status is judged at: `as_of` when given, else the data cut-off, else now."""
    return as_of or data_cutoff(con) or now_local()


def satisfied_values(settings: AnalyticsSettings, values: tuple[str, ...] | None = None) -> list[str]:
    """Which ratings count as satisfied: `values`, else `settings.satisfied_values` when the settings
    have that field, else 满意 + 基本满意."""
    chosen = values or getattr(settings, "satisfied_values", None) or SATISFIED_DEFAULT
    return list(chosen)


def month_period(year: int, month: int, day_start_hour: int = 0) -> Period:
    """A calendar month as a period, its days starting at `day_start_hour` (bulletins: usually 0)."""
    first = date(year, month, 1)
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return days_period(first, last, day_start_hour)


def due_window(day: date, settings: AnalyticsSettings) -> Period:
    """The requests already due on `day`: those published in the settings.due_window_days days (under
    settings.day_start_hour) that ended settings.overdue_days days before it, so by the end of `day`
    every one of them is past its reply deadline. The daily 到期诉求答复率 and the department reminders
    both judge this window, as of the end of `day`."""
    last = day - timedelta(days=settings.overdue_days + 1)
    first = last - timedelta(days=settings.due_window_days - 1)
    return days_period(first, last, settings.day_start_hour)


def due_reply_rate(con, day: date, filters: Filters, settings: AnalyticsSettings,
                   as_of: datetime) -> tuple[Rate, Period]:
    """到期诉求答复率 of monitoring day `day` (the due window of due_window) with its window: replied ÷
    valid requests whose source tracks replies, as of `as_of`; the other filters apply."""
    window = due_window(day, settings)
    total = group_summary(con, filters.with_period(window), settings, as_of)[-1]
    return replace(total.reply, label="到期诉求答复率"), window


def due_rate_parts(rate: Rate, window: Period, settings: AnalyticsSettings) -> tuple[str, str]:
    """(value, formula in words) of the due-aware rate, for the card and the 摘报: what is divided by
    what, and which requests are due. The value is a percentage, 来源未提供答复信息, or 无."""
    first, last = window.start.date(), (window.end - timedelta(days=1)).date()
    span = (f"{first.month}月{first.day}日至{last.month}月{last.day}日" if first.year == last.year
            else f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日")
    due = f"{span}受理、已过 {settings.overdue_days} 天答复时限的有效诉求"
    if rate.is_unknown:
        return NO_REPLIES, f"{due} {rate.unknown} 件，来源均未提供答复信息"
    if not rate.denominator:
        return "无", f"没有{due}"
    unknown = f"；另有 {rate.unknown} 件{NO_REPLIES}，不计入" if rate.unknown else ""
    return str(rate), f"已答复 {_number(rate.numerator)} ÷ 到期有效诉求 {rate.denominator}：{due}{unknown}"


def _params(filters: Filters, settings: AnalyticsSettings, as_of: datetime,
            satisfied: tuple[str, ...] | None) -> dict:
    return dict(filters.params(), as_of=as_of, overdue_days=settings.overdue_days,
                satisfied_values=satisfied_values(settings, satisfied))


# ------------------------------------------------------------------------------------- departments
def department_stats(con, filters: Filters, settings: AnalyticsSettings | None = None,
                     as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The raw counts of queries/metrics/department_stats.sql (department, group and total rows)."""
    settings = settings or AnalyticsSettings()
    frame = store.run_query(con, "metrics/department_stats",
                            **_params(filters, settings, figures_as_of(con, as_of), satisfied))
    for column in _COUNT_COLUMNS:
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def _group_order(group: str) -> int:
    return GROUPS.index(group) if group in GROUPS else len(GROUPS)


def _rank_key(row) -> tuple:
    median = row["response_days_median"]

    def high_first(rate):
        return math.inf if pd.isna(rate) else -rate
    return (high_first(row["reply_rate"]), high_first(row["satisfaction_rate"]),
            math.inf if pd.isna(median) else float(median), -int(row["valid"]))


def _rankable(frame: pd.DataFrame) -> pd.Series:
    """Named departments with at least one known rate."""
    return ((frame["group"] != UNLABELLED) & ((frame["reply_known"] > 0) | (frame["satisfaction_known"] > 0))
            & (frame["valid"] > 0))


def _ranks(frame: pd.DataFrame) -> pd.Series:
    """Competition ranks (1, 2, 2, 4) within each group over the rank key; None when not ranked."""
    ranks = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for _, members in frame[_rankable(frame)].groupby("group", sort=False):
        keys = {index: _rank_key(row) for index, row in members.iterrows()}
        ordered = sorted(keys.values())
        for index, key in keys.items():
            ranks[index] = 1 + sum(1 for other in ordered if other < key)
    return ranks


def _with_rates(frame: pd.DataFrame, settings: AnalyticsSettings) -> pd.DataFrame:
    frame = frame.copy()
    pairs = [rates_of(row, settings) for _, row in frame.iterrows()]
    frame["reply_rate"] = pd.Series([r.value for r, _ in pairs], index=frame.index, dtype="float64")
    frame["satisfaction_rate"] = pd.Series([s.value for _, s in pairs], index=frame.index, dtype="float64")
    frame["tiny"] = [r.tiny or s.tiny for r, s in pairs]
    frame["reply_formula"] = [r.formula for r, _ in pairs]
    frame["satisfaction_formula"] = [s.formula for _, s in pairs]
    return frame


def _is_below(frame: pd.DataFrame, settings: AnalyticsSettings, rule: str | None = None) -> pd.Series:
    """Named departments below the threshold: on both known rates ("both"), or on any known one ("either").
    A rate the source does not provide is neither below nor at 100%."""
    rule = rule or settings.reminder_rule
    if rule not in ("both", "either"):
        raise ValueError(f"reminder_rule 只能是 both 或 either，收到 {rule!r}")
    named = (frame["group"] != UNLABELLED) & (frame["valid"] > 0)
    reply_below = (frame["reply_rate"] < settings.reminder_threshold).fillna(False)
    satisfaction_below = (frame["satisfaction_rate"] < settings.reminder_threshold).fillna(False)
    below = (reply_below & satisfaction_below) if rule == "both" else (reply_below | satisfaction_below)
    return named & below


def _is_honoured(frame: pd.DataFrame) -> pd.Series:
    """Named departments with both rates known and at 100%."""
    return ((frame["group"] != UNLABELLED) & (frame["reply_known"] > 0) & (frame["satisfaction_known"] > 0)
            & (frame["replied"] == frame["reply_known"]) & (frame["satisfied"] == frame["satisfaction_known"]))


def department_table(con, filters: Filters, settings: AnalyticsSettings | None = None,
                     as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None,
                     rule: str | None = None, compare_previous: bool = True) -> pd.DataFrame:
    """One row per department (and 未标注) with every figure of the bulletin.

    Columns: department, group, the counts of department_stats (received, valid, reply_known,
    reply_unknown, replied, satisfaction_known, satisfaction_unknown, satisfied, …, overdue_open,
    replied_late), response times, reply_rate and satisfaction_rate (0–1, NaN when not known), tiny,
    reply_formula, satisfaction_formula, honour, reminder, rank, previous_rank, rank_change
    (previous − current; + is up) — the last three nullable Int64, <NA> when not ranked
    (compare_previous=False skips the previous period). Ordered by group, rank, name.
    """
    settings = settings or AnalyticsSettings()
    as_of = figures_as_of(con, as_of)
    table = _department_rows(con, filters, settings, as_of, satisfied)
    table["honour"] = _is_honoured(table)
    table["reminder"] = _is_below(table, settings, rule)
    table["rank"] = _ranks(table)
    table["previous_rank"] = _previous_ranks(con, filters, settings, as_of, satisfied, table, compare_previous)
    table["rank_change"] = [None if (p is None or r is None) else int(p) - int(r)
                            for p, r in zip(table["previous_rank"], table["rank"])]
    table["_order"] = table["group"].map(_group_order)
    table["_rank"] = [math.inf if r is None else r for r in table["rank"]]
    table = table.sort_values(["_order", "_rank", "department"], kind="stable").drop(columns=["_order", "_rank"])
    for column in ("rank", "previous_rank", "rank_change"):   # nullable integers: <NA> when not ranked
        table[column] = pd.array(table[column].tolist(), dtype="Int64")
    return table.reset_index(drop=True)


def _previous_ranks(con, filters, settings, as_of, satisfied, table, compare_previous) -> pd.Series:
    if filters.period is None or not compare_previous:
        return pd.Series([None] * len(table), index=table.index, dtype=object)
    before = filters.with_period(filters.period.previous())
    earlier = _department_rows(con, before, settings, as_of - filters.period.length, satisfied)
    earlier["rank"] = _ranks(earlier)
    lookup = {(g, d): r for g, d, r in zip(earlier["group"], earlier["department"], earlier["rank"])}
    return pd.Series([lookup.get((g, d)) for g, d in zip(table["group"], table["department"])],
                     index=table.index, dtype=object)


def _department_rows(con, filters, settings, as_of, satisfied) -> pd.DataFrame:
    stats = department_stats(con, filters, settings, as_of, satisfied)
    rows = stats[stats["row_kind"] == "department"].drop(columns=["row_kind"])
    rows = rows.rename(columns={"group_name": "group"})
    columns = ["department", "group", *_COUNT_COLUMNS, *_TIME_COLUMNS]
    return _with_rates(rows[columns].reset_index(drop=True), settings)


def department_rates(row, settings: AnalyticsSettings | None = None) -> tuple[Rate, Rate]:
    """(reply rate, satisfaction rate) as Rate objects for a row of department_table()."""
    return rates_of(row, settings or AnalyticsSettings())


# ------------------------------------------------------------------------------------------ groups
@dataclass(frozen=True)
class GroupSummary:
    """市直 / 县市区 / 其他 / 未标注 / 合计: counts, pooled and mean rates, response times."""

    group: str
    departments: int            # named departments with requests in the group
    received: int
    valid: int
    replied: int
    satisfied: int
    open_items: int
    overdue_open: int
    replied_late: int
    reply: Rate                 # pooled
    satisfaction: Rate          # pooled
    reply_mean: Rate            # mean of department rates
    satisfaction_mean: Rate
    average_mode: str = "pooled"
    response_days_median: float | None = None
    response_days_p90: float | None = None
    response_days_max: float | None = None

    @property
    def reply_average(self) -> Rate:
        return self.reply_mean if self.average_mode == "mean" and not self.reply.is_unknown else self.reply

    @property
    def satisfaction_average(self) -> Rate:
        return (self.satisfaction_mean if self.average_mode == "mean" and not self.satisfaction.is_unknown
                else self.satisfaction)

    @property
    def replies_known(self) -> bool:
        """Whether any request of the group has replies tracked (else its overdue count means nothing)."""
        return self.reply.denominator > 0

    def as_row(self) -> dict:
        return {
            "group": self.group, "departments": self.departments, "received": self.received,
            "valid": self.valid, "replied": self.replied, "satisfied": self.satisfied,
            "reply_known": self.reply.denominator, "reply_unknown": self.reply.unknown,
            "satisfaction_known": self.satisfaction.denominator, "satisfaction_unknown": self.satisfaction.unknown,
            "open_items": self.open_items, "overdue_open": self.overdue_open, "replied_late": self.replied_late,
            "reply_rate": self.reply.value, "satisfaction_rate": self.satisfaction.value,
            "reply_rate_mean": self.reply_mean.value, "satisfaction_rate_mean": self.satisfaction_mean.value,
            "reply_average": self.reply_average.value, "satisfaction_average": self.satisfaction_average.value,
            "tiny": self.reply.tiny,
            "reply_formula": self.reply.formula, "satisfaction_formula": self.satisfaction.formula,
            "reply_mean_formula": self.reply_mean.formula,
            "satisfaction_mean_formula": self.satisfaction_mean.formula,
            "response_days_median": self.response_days_median, "response_days_p90": self.response_days_p90,
            "response_days_max": self.response_days_max,
        }


def _optional(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def group_summary(con, filters: Filters, settings: AnalyticsSettings | None = None,
                  as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None) -> list[GroupSummary]:
    """市直 and 县市区 always, 其他 and 未标注 when they have requests, then 合计 (every request)."""
    settings = settings or AnalyticsSettings()
    stats = department_stats(con, filters, settings, as_of, satisfied)
    departments = _with_rates(stats[stats["row_kind"] == "department"].rename(columns={"group_name": "group"}),
                              settings)
    totals = stats[stats["row_kind"] != "department"].set_index("group_name")
    groups = [g for g in GROUPS if g in ("市直", "县市区") or g in totals.index] + [TOTAL]
    return [_summary(group, totals.loc[group] if group in totals.index else None, departments, settings)
            for group in groups]


def _summary(group: str, row, departments: pd.DataFrame, settings: AnalyticsSettings) -> GroupSummary:
    named = departments[departments["group"] != UNLABELLED]
    if group != TOTAL:
        named = named[named["group"] == group]
    counts = {c: (0 if row is None else int(row[c])) for c in _COUNT_COLUMNS}
    reply, satisfaction = rates_of(counts, settings)
    return GroupSummary(
        group=group, departments=len(named),
        received=counts["received"], valid=counts["valid"], replied=counts["replied"],
        satisfied=counts["satisfied"], open_items=counts["open_items"], overdue_open=counts["overdue_open"],
        replied_late=counts["replied_late"], reply=reply, satisfaction=satisfaction,
        reply_mean=_mean_rate("答复率", named["reply_rate"].dropna().tolist()),
        satisfaction_mean=_mean_rate("满意率", named["satisfaction_rate"].dropna().tolist()),
        average_mode=settings.average_mode,
        response_days_median=None if row is None else _optional(row["response_days_median"]),
        response_days_p90=None if row is None else _optional(row["response_days_p90"]),
        response_days_max=None if row is None else _optional(row["response_days_max"]),
    )


def group_table(con, filters: Filters, settings: AnalyticsSettings | None = None,
                as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None) -> pd.DataFrame:
    """group_summary() as a DataFrame (one row per group, 合计 last)."""
    return pd.DataFrame([g.as_row() for g in group_summary(con, filters, settings, as_of, satisfied)])


# ---------------------------------------------------------------------------------- honour/reminder
_LIST_COLUMNS = ["department", "group", "valid", "replied", "satisfied", "reply_rate", "satisfaction_rate",
                 "tiny", "reply_formula", "satisfaction_formula"]


def honour_list(con, filters: Filters, settings: AnalyticsSettings | None = None,
                as_of: datetime | None = None, group: str | None = None,
                satisfied: tuple[str, ...] | None = None, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Named departments at 100% on both known rates (all groups, or one `group`), by group then name."""
    table = table if table is not None else department_table(con, filters, settings, as_of, satisfied)
    chosen = table[table["honour"]]
    if group is not None:
        chosen = chosen[chosen["group"] == group]
    return _by_name(chosen[_LIST_COLUMNS])


def reminder_list(con, filters: Filters, settings: AnalyticsSettings | None = None,
                  as_of: datetime | None = None, group: str | None = None, rule: str | None = None,
                  satisfied: tuple[str, ...] | None = None, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Named departments below the threshold on both known rates (rule "both") or either ("either").

    Adds `below`: which rates are below (答复率、满意率 / 答复率 / 满意率)."""
    settings = settings or AnalyticsSettings()
    table = table if table is not None else department_table(con, filters, settings, as_of, satisfied)
    chosen = table[_is_below(table, settings, rule)].copy()
    if group is not None:
        chosen = chosen[chosen["group"] == group]
    threshold = settings.reminder_threshold
    chosen["below"] = ["、".join(name for name, v in (("答复率", r), ("满意率", s)) if pd.notna(v) and v < threshold)
                       for r, s in zip(chosen["reply_rate"], chosen["satisfaction_rate"])]
    return _by_name(chosen[_LIST_COLUMNS + ["below"]])


def _by_name(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(_order=frame["group"].map(_group_order))
    return frame.sort_values(["_order", "department"], kind="stable").drop(columns="_order").reset_index(drop=True)


# ------------------------------------------------------------------------------------ item queries
def overdue_items(con, filters: Filters, settings: AnalyticsSettings | None = None,
                  as_of: datetime | None = None, kind: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The overdue requests (queries/metrics/overdue_items.sql): kind OVERDUE_OPEN, REPLIED_LATE or None (both)."""
    settings = settings or AnalyticsSettings()
    params = dict(filters.params(), as_of=figures_as_of(con, as_of), overdue_days=settings.overdue_days,
                  overdue_kind=kind, limit=limit)
    return store.run_query(con, "metrics/overdue_items", **params)


def shortfall_items(con, filters: Filters, settings: AnalyticsSettings | None = None,
                    as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None,
                    limit: int | None = None) -> pd.DataFrame:
    """Valid requests not counted as satisfied (未答复 / 不满意 / 未评价 …): what keeps a known rate below 100%."""
    settings = settings or AnalyticsSettings()
    params = dict(filters.params(), as_of=figures_as_of(con, as_of),
                  satisfied_values=satisfied_values(settings, satisfied), limit=limit)
    return store.run_query(con, "metrics/shortfall_items", **params)


def aging_bands(con, filters: Filters, settings: AnalyticsSettings | None = None,
                as_of: datetime | None = None) -> pd.DataFrame:
    """Open requests by age band (band_order, band, items); every band present."""
    frame = store.run_query(con, "metrics/aging_bands", **filters.params(), as_of=figures_as_of(con, as_of))
    frame["items"] = frame["items"].astype("int64")
    return frame


# --------------------------------------------------------------------------------------- bulletin
@dataclass(frozen=True)
class Bulletin:
    """The monthly responsiveness bulletin's figures (DOMAIN.md), with its text."""

    period: Period
    as_of: datetime
    groups: dict[str, GroupSummary]
    honour: list[str]
    reminder: list[str]
    reminder_threshold: float
    reminder_rule: str
    day_start_hour: int = 0
    rules: list[str] = field(default_factory=list)

    @property
    def total(self) -> GroupSummary:
        return self.groups[TOTAL]

    @property
    def municipal(self) -> GroupSummary:
        return self.groups["市直"]

    @property
    def county(self) -> GroupSummary:
        return self.groups["县市区"]

    @property
    def unassigned(self) -> GroupSummary | None:
        return self.groups.get(UNLABELLED)

    def text(self) -> str:
        first = self.period.start.date()
        last = (self.period.end - timedelta(hours=self.day_start_hour, microseconds=1)).date()
        m = self.municipal
        threshold = f"{self.reminder_threshold * 100:g}%"
        both = "均" if self.reminder_rule == "both" else "有一项"
        unassigned = self.unassigned
        parts = [
            f"{first.year}年{first.month}月{first.day}日至{last.month}月{last.day}日，共收到诉求 "
            f"{self.total.received} 件，其中有效诉求 {self.total.valid} 件；转市直部门 {m.valid} 件、"
            f"各县市区 {self.county.valid} 件" + (f"、未标注承办单位 {unassigned.valid} 件" if unassigned and
                                            unassigned.valid else "") + "。",
            f"市直部门已答复 {m.replied} 件，群众满意 {m.satisfied} 件，平均答复率 {_whole(m.reply_average)}，"
            f"平均满意率 {_whole(m.satisfaction_average)}。",
        ]
        if self.honour:
            parts.append(f"答复率、满意率均达到 100% 的单位有 {len(self.honour)} 个：{'、'.join(self.honour)}。")
        if self.reminder:
            parts.append(f"答复率、满意率{both}低于 {threshold} 的单位有 {len(self.reminder)} 个："
                         f"{'、'.join(self.reminder)}，予以提醒。")
        return "".join(parts)


def _whole(rate: Rate) -> str:
    """A rate in whole percent (95%), or what stands instead (来源未提供答复信息, —)."""
    value = rate.rounded()
    return rate.percent() if value is None else f"{value}%"


def bulletin(con, filters: Filters, settings: AnalyticsSettings | None = None, as_of: datetime | None = None,
             satisfied: tuple[str, ...] | None = None) -> Bulletin:
    """The bulletin for `filters.period` (required): every request of the period. Honour and reminder
    lists cover every group."""
    settings = settings or AnalyticsSettings()
    if filters.period is None:
        raise ValueError("通报需要一个时间段")
    as_of = figures_as_of(con, as_of)
    table = department_table(con, filters, settings, as_of, satisfied)
    groups = {g.group: g for g in group_summary(con, filters, settings, as_of, satisfied)}
    return Bulletin(
        period=filters.period, as_of=as_of, groups=groups,
        honour=honour_list(con, filters, settings, as_of, table=table)["department"].tolist(),
        reminder=reminder_list(con, filters, settings, as_of, table=table)["department"].tolist(),
        reminder_threshold=settings.reminder_threshold, reminder_rule=settings.reminder_rule,
        day_start_hour=filters.period.start.hour, rules=rules_text(settings, satisfied),
    )


def rules_text(settings: AnalyticsSettings | None = None, satisfied: tuple[str, ...] | None = None,
               as_of_rule: str | None = None) -> list[str]:
    """The rules behind the figures, in Chinese, to print beside them. as_of_rule: how the cut-off moment
    was chosen, when not the default (the data cut-off)."""
    settings = settings or AnalyticsSettings()
    values = "、".join(satisfied_values(settings, satisfied))
    threshold = f"{settings.reminder_threshold * 100:g}%"
    rule = "两项均" if settings.reminder_rule == "both" else "任一项"
    average = "各部门比率的平均" if settings.average_mode == "mean" else "合计件数之比"
    as_of_rule = as_of_rule or "数据最后更新时间，即库中最新的发布或答复时间"
    return [
        "统计范围：所选时间段内发布、符合筛选条件的诉求件（留言板、热线、来信等需要答复的信息）；"
        "微博、新闻、论坛等网络舆情不计入。受理 = 全部诉求（有效或无效、交办或未交办）；有效 = 有效诉求。",
        f"答复情况以统计截止时间为准（{as_of_rule}）。",
        "答复率 = 已答复有效件 ÷ 有效件；满意率 = 满意有效件 ÷ 有效件（分母为本组交办的有效件）。",
        f"来源文件没有答复列的诉求，答复情况未知：不计入答复率、答复用时和超期，单独注明“{NO_REPLIES}”；"
        f"没有满意度列的，不计入满意率，注明“{NO_SATISFACTION}”。",
        f"“满意”包括：{values}；未答复的诉求不计入满意。",
        f"平均答复率、平均满意率按{average}计算；另列各部门比率的平均。",
        f"有效件少于 {settings.min_denominator} 件的比率标注“*”，仅供参考。",
        f"超期：有效诉求发布后超过 {settings.overdue_days} 天未答复（超期未答复），或超过 {settings.overdue_days} 天才答复（超期答复）。",
        "未标注承办单位的诉求单列为“未标注”，计入合计，不参加排名、表扬和提醒。",
        f"表扬：答复率、满意率均为 100%；提醒：答复率、满意率{rule}低于 {threshold}（来源未提供的比率不作判断）。",
        "排名：同组内依次按答复率、满意率（高者在前）、答复用时中位数（短者在前）、有效件数（多者在前），完全相同者名次并列；"
        "名次变化与上一个等长时间段相比。",
    ]
