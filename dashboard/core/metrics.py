"""Department responsiveness: the figures of the monthly bulletin, each one explainable.

No streamlit here: pages, reports, the CLI and benchmarks share these functions. The SQL is in
queries/metrics/*.sql; this module turns its counts into rates, lists and ranks.

The rules (shown to readers by `rules_text()`)
----------------------------------------------
Scope     Items published in ``filters.period`` ([start, end)) that match the other filters.
as of     Reply status is taken *as of* a moment: ``as_of`` when given, else the earlier of the period
          end and now (Asia/Shanghai). So a closed month gives the same figures whenever it is run (a
          reply after the month end does not count), and the running month counts replies up to now.
          Pass ``as_of`` (e.g. the bulletin's cut-off day) to count later replies.
received  every item assigned to the department (valid or not).
valid     items marked 有效 (``is_valid``).
replied   valid items with ``replied_at`` at or before as_of.
satisfied replied items whose satisfaction is in ``satisfied_values``: by default 满意 and 基本满意
          (``SATISFIED_DEFAULT``; ``("满意",)`` for the strict reading). A rating on an item without a
          reply (by as_of) does not count: satisfied ≤ replied always.
reply rate        = replied ÷ valid      (the bulletin's 195/205 ≈ 95%)
satisfaction rate = satisfied ÷ valid    (the bulletin's 185/205 ≈ 90%) — both over the valid items
          assigned, not over replied items.
tiny      a rate whose denominator is below ``settings.min_denominator`` (default 5) is shown flagged.
average   "pooled" = Σ numerators ÷ Σ denominators over the group (what the bulletin prints);
          "mean" = the mean of the department rates (named departments with ≥ 1 valid item). Both are
          always computed; ``settings.average_mode`` says which one is *the* average.
overdue   超期未答复 (overdue open): valid, no reply as of as_of, published more than
          ``settings.overdue_days`` (default 15) days before as_of (elapsed time, not calendar days).
          超期答复 (replied late): replied more than ``overdue_days`` days after publication.
aging     open items by elapsed time: ≤3天, 4–7天 (>3 and ≤7), 8–15天, 16–30天, >30天.
未标注    items without a department are counted under 未标注 (group 未标注) in every table and total;
          未标注 is not a department, so it is never honoured, reminded or ranked.
assigned  ``assigned_only=True`` (the bulletin's default, ``$assigned_only`` in the SQL) keeps only items
          with a responsible department: requests assigned to departments, not web posts. Then there is
          no 未标注 row. Tables for the 部门 page keep every item (the default False).
cut-off   ``data_cutoff(con)``: the newest published_at / replied_at in the store. The bulletin report
          judges replies as of it (replies known when the data was last updated).
groups    a department's group (市直 / 县市区 / 其他) is the level most of its items carry.
honour    named departments with ≥ 1 valid item at 100% on both rates (replied = satisfied = valid).
reminder  named departments with ≥ 1 valid item below ``reminder_threshold`` (default 90%) on both
          rates (``reminder_rule`` "both", the bulletin's rule) or on either ("either"). Exactly at the
          threshold is not below. Tiny departments are listed too, flagged.
rank      within each group, by reply rate (high first), then satisfaction rate (high), then median
          response time (short first, none last), then valid items (more first). Departments equal on
          all four share a rank (1, 2, 2, 4); within a shared rank rows are ordered by name.
movement  previous rank − current rank against ``filters.period.previous()`` (the period of equal length
          just before), judged as of ``as_of − period length``: +2 = up two places; None = not ranked
          then (or no period).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.core import store
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, Period, days_period

__all__ = [
    "SATISFIED_DEFAULT", "UNLABELLED", "GROUPS", "TOTAL", "AGING_BANDS", "OVERDUE_OPEN", "REPLIED_LATE",
    "Rate", "GroupSummary", "Bulletin",
    "now_local", "default_as_of", "data_cutoff", "satisfied_values", "month_period",
    "department_stats", "department_table", "department_rates", "group_summary", "group_table",
    "honour_list", "reminder_list", "overdue_items", "aging_bands", "shortfall_items", "bulletin",
    "rules_text",
]

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SATISFIED_DEFAULT = ("满意", "基本满意")
UNLABELLED = "未标注"
GROUPS = ("市直", "县市区", "其他", UNLABELLED)
TOTAL = "合计"
AGING_BANDS = ("≤3天", "4–7天", "8–15天", "16–30天", ">30天")
OVERDUE_OPEN = "超期未答复"
REPLIED_LATE = "超期答复"

_COUNT_COLUMNS = ("received", "valid", "replied", "satisfied", "very_satisfied", "basic_satisfied",
                  "unsatisfied", "unrated", "open_items", "overdue_open", "replied_late")
_TIME_COLUMNS = ("response_days_median", "response_days_p90", "response_days_max", "oldest_open_days")


# --------------------------------------------------------------------------------------------- rates
@dataclass(frozen=True)
class Rate:
    """A rate with everything needed to explain it.

    kind "pooled": numerator ÷ denominator (counts of items).
    kind "mean":   numerator = the sum of department rates, denominator = the number of departments.
    """

    label: str                       # 答复率
    numerator: float
    denominator: int
    numerator_label: str = "已答复"
    denominator_label: str = "有效件"
    min_denominator: int = 5
    kind: str = "pooled"

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def tiny(self) -> bool:
        """True when the denominator is below the minimum: the rate rests on too few items."""
        return self.denominator < self.min_denominator

    def percent(self, digits: int = 1) -> str:
        value = self.value
        return "—" if value is None else f"{value * 100:.{digits}f}%"

    def rounded(self) -> int | None:
        """The rate in whole percent, as a bulletin prints it (95.1% -> 95)."""
        value = self.value
        return None if value is None else int(math.floor(value * 100 + 0.5))

    @property
    def formula(self) -> str:
        """e.g. 答复率 = 已答复 195 ÷ 有效件 205 = 95.1%"""
        if self.kind == "mean":
            if not self.denominator:
                return f"{self.label}：没有可计算的部门"
            return (f"{self.label} = {self.numerator_label} {self.numerator * 100:.1f}% ÷ "
                    f"{self.denominator_label} {self.denominator} = {self.percent()}")
        num = _number(self.numerator)
        if not self.denominator:
            return f"{self.label}：{self.denominator_label}为 0，无法计算"
        text = (f"{self.label} = {self.numerator_label} {num} ÷ {self.denominator_label} "
                f"{self.denominator} = {self.percent()}")
        if self.tiny:
            text += f"（{self.denominator_label}不足 {self.min_denominator} 件，仅供参考）"
        return text

    def __str__(self) -> str:
        return self.percent() + ("*" if self.tiny and self.denominator else "")

    def as_dict(self) -> dict:
        return {"label": self.label, "numerator": self.numerator, "denominator": self.denominator,
                "value": self.value, "tiny": self.tiny, "formula": self.formula, "kind": self.kind}


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def reply_rate(replied: int, valid: int, settings: AnalyticsSettings) -> Rate:
    return Rate("答复率", int(replied), int(valid), "已答复", "有效件", settings.min_denominator)


def satisfaction_rate(satisfied: int, valid: int, settings: AnalyticsSettings) -> Rate:
    return Rate("满意率", int(satisfied), int(valid), "满意", "有效件", settings.min_denominator)


def _mean_rate(label: str, rates: list[float]) -> Rate:
    return Rate(f"{label}（各部门平均）", float(sum(rates)), len(rates), f"各部门{label}之和", "部门数",
                min_denominator=1, kind="mean")


# ----------------------------------------------------------------------------------- time and scope
def now_local() -> datetime:
    """Now in Asia/Shanghai local time, naive (as items are stored)."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def default_as_of(period: Period | None, as_of: datetime | None = None, now: datetime | None = None) -> datetime:
    """`as_of` when given; else the earlier of the period end and now."""
    if as_of is not None:
        return as_of
    now = now or now_local()
    return min(period.end, now) if period is not None else now


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


def _params(filters: Filters, settings: AnalyticsSettings, as_of: datetime,
            satisfied: tuple[str, ...] | None, assigned_only: bool = False) -> dict:
    return dict(filters.params(), as_of=as_of, overdue_days=settings.overdue_days,
                satisfied_values=satisfied_values(settings, satisfied), assigned_only=assigned_only)


def data_cutoff(con) -> datetime | None:
    """The newest moment the store knows of: the latest published_at or replied_at of any item
    (queries/metrics/data_cutoff.sql). Data, not the clock: the same data gives the same moment.
    None when the store is empty."""
    value = store.run_query(con, "metrics/data_cutoff").iat[0, 0]
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


# ------------------------------------------------------------------------------------- departments
def department_stats(con, filters: Filters, settings: AnalyticsSettings | None = None,
                     as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None,
                     assigned_only: bool = False) -> pd.DataFrame:
    """The raw counts of queries/metrics/department_stats.sql (department, group and total rows).
    assigned_only: only items with a responsible department (the bulletin's scope)."""
    settings = settings or AnalyticsSettings()
    as_of = default_as_of(filters.period, as_of)
    frame = store.run_query(con, "metrics/department_stats",
                            **_params(filters, settings, as_of, satisfied, assigned_only))
    for column in _COUNT_COLUMNS:
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def _group_order(group: str) -> int:
    return GROUPS.index(group) if group in GROUPS else len(GROUPS)


def _rank_key(row) -> tuple:
    median = row["response_days_median"]
    return (-row["reply_rate"], -row["satisfaction_rate"],
            math.inf if pd.isna(median) else float(median), -int(row["valid"]))


def _ranks(frame: pd.DataFrame) -> pd.Series:
    """Competition ranks (1, 2, 2, 4) within each group over the rank key; None when not ranked."""
    ranks = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    rankable = frame[(frame["group"] != UNLABELLED) & (frame["valid"] > 0)]
    for _, members in rankable.groupby("group", sort=False):
        keys = {index: _rank_key(row) for index, row in members.iterrows()}
        ordered = sorted(keys.values())
        for index, key in keys.items():
            ranks[index] = 1 + sum(1 for other in ordered if other < key)
    return ranks


def _with_rates(frame: pd.DataFrame, settings: AnalyticsSettings) -> pd.DataFrame:
    frame = frame.copy()
    reply = [reply_rate(r, v, settings) for r, v in zip(frame["replied"], frame["valid"])]
    satisfaction = [satisfaction_rate(s, v, settings) for s, v in zip(frame["satisfied"], frame["valid"])]
    frame["reply_rate"] = pd.Series([r.value for r in reply], index=frame.index, dtype="float64")
    frame["satisfaction_rate"] = pd.Series([r.value for r in satisfaction], index=frame.index, dtype="float64")
    frame["tiny"] = [r.tiny for r in reply]
    frame["reply_formula"] = [r.formula for r in reply]
    frame["satisfaction_formula"] = [r.formula for r in satisfaction]
    return frame


def _is_below(frame: pd.DataFrame, settings: AnalyticsSettings, rule: str | None = None) -> pd.Series:
    rule = rule or settings.reminder_rule
    if rule not in ("both", "either"):
        raise ValueError(f"reminder_rule 只能是 both 或 either，收到 {rule!r}")
    named = (frame["group"] != UNLABELLED) & (frame["valid"] > 0)
    reply_below = frame["reply_rate"] < settings.reminder_threshold
    satisfaction_below = frame["satisfaction_rate"] < settings.reminder_threshold
    below = (reply_below & satisfaction_below) if rule == "both" else (reply_below | satisfaction_below)
    return named & below.fillna(False)


def department_table(con, filters: Filters, settings: AnalyticsSettings | None = None,
                     as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None,
                     rule: str | None = None, compare_previous: bool = True,
                     assigned_only: bool = False) -> pd.DataFrame:
    """One row per department (and 未标注) with every figure of the bulletin.

    Columns: department, group, received, valid, replied, satisfied, very_satisfied, basic_satisfied,
    unsatisfied, unrated, open_items, overdue_open, replied_late, response_days_median,
    response_days_p90, response_days_max, oldest_open_days, reply_rate, satisfaction_rate (0–1, NaN when
    valid = 0), tiny, reply_formula, satisfaction_formula, honour, reminder, rank, previous_rank,
    rank_change (previous − current; + is up) — the last three nullable Int64, <NA> when not ranked
    (compare_previous=False skips the previous period: previous_rank and rank_change stay <NA>).
    assigned_only: only items with a responsible department (no 未标注 row).
    Ordered by group (市直, 县市区, 其他, 未标注), rank, name.
    """
    settings = settings or AnalyticsSettings()
    as_of = default_as_of(filters.period, as_of)
    table = _department_rows(con, filters, settings, as_of, satisfied, assigned_only)
    table["honour"] = ((table["group"] != UNLABELLED) & (table["valid"] > 0)
                       & (table["replied"] == table["valid"]) & (table["satisfied"] == table["valid"]))
    table["reminder"] = _is_below(table, settings, rule)
    table["rank"] = _ranks(table)
    previous_rank = pd.Series([None] * len(table), index=table.index, dtype=object)
    if filters.period is not None and compare_previous:
        before = filters.with_period(filters.period.previous())
        earlier = _department_rows(con, before, settings, as_of - filters.period.length, satisfied,
                                   assigned_only)
        earlier["rank"] = _ranks(earlier)
        lookup = {(g, d): r for g, d, r in zip(earlier["group"], earlier["department"], earlier["rank"])}
        previous_rank = pd.Series([lookup.get((g, d)) for g, d in zip(table["group"], table["department"])],
                                  index=table.index, dtype=object)
    table["previous_rank"] = previous_rank
    table["rank_change"] = [None if (p is None or r is None) else int(p) - int(r)
                            for p, r in zip(table["previous_rank"], table["rank"])]
    table["_order"] = table["group"].map(_group_order)
    table["_rank"] = [math.inf if r is None else r for r in table["rank"]]
    table = table.sort_values(["_order", "_rank", "department"], kind="stable").drop(columns=["_order", "_rank"])
    for column in ("rank", "previous_rank", "rank_change"):   # nullable integers: <NA> when not ranked
        table[column] = pd.array(table[column].tolist(), dtype="Int64")
    return table.reset_index(drop=True)


def _department_rows(con, filters, settings, as_of, satisfied, assigned_only=False) -> pd.DataFrame:
    stats = department_stats(con, filters, settings, as_of, satisfied, assigned_only)
    rows = stats[stats["row_kind"] == "department"].drop(columns=["row_kind"])
    rows = rows.rename(columns={"group_name": "group"})
    columns = ["department", "group", *_COUNT_COLUMNS, *_TIME_COLUMNS]
    return _with_rates(rows[columns].reset_index(drop=True), settings)


def department_rates(row, settings: AnalyticsSettings | None = None) -> tuple[Rate, Rate]:
    """(reply rate, satisfaction rate) as Rate objects for a row of department_table()."""
    settings = settings or AnalyticsSettings()
    return (reply_rate(row["replied"], row["valid"], settings),
            satisfaction_rate(row["satisfied"], row["valid"], settings))


# ------------------------------------------------------------------------------------------ groups
@dataclass(frozen=True)
class GroupSummary:
    """市直 / 县市区 / 其他 / 未标注 / 合计: counts, pooled and mean rates, response times."""

    group: str
    departments: int            # named departments with items in the group
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
        return self.reply_mean if self.average_mode == "mean" else self.reply

    @property
    def satisfaction_average(self) -> Rate:
        return self.satisfaction_mean if self.average_mode == "mean" else self.satisfaction

    def as_row(self) -> dict:
        return {
            "group": self.group, "departments": self.departments, "received": self.received,
            "valid": self.valid, "replied": self.replied, "satisfied": self.satisfied,
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
                  as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None,
                  assigned_only: bool = False) -> list[GroupSummary]:
    """市直 and 县市区 always, 其他 and 未标注 when they have items, then 合计.
    assigned_only: only items with a responsible department (then never 未标注)."""
    settings = settings or AnalyticsSettings()
    as_of = default_as_of(filters.period, as_of)
    stats = department_stats(con, filters, settings, as_of, satisfied, assigned_only)
    departments = _with_rates(stats[stats["row_kind"] == "department"].rename(columns={"group_name": "group"}),
                              settings)
    totals = stats[stats["row_kind"] != "department"].set_index("group_name")
    present = [g for g in GROUPS if g in totals.index]
    groups = [g for g in GROUPS if g in ("市直", "县市区") or g in present] + [TOTAL]
    out = []
    for group in groups:
        named = departments[departments["group"] != UNLABELLED]
        if group != TOTAL:
            named = named[named["group"] == group]
        rated = named[named["valid"] > 0]
        row = totals.loc[group] if group in totals.index else None

        def count(column: str) -> int:
            return 0 if row is None else int(row[column])

        out.append(GroupSummary(
            group=group,
            departments=len(named),
            received=count("received"), valid=count("valid"), replied=count("replied"),
            satisfied=count("satisfied"), open_items=count("open_items"),
            overdue_open=count("overdue_open"), replied_late=count("replied_late"),
            reply=reply_rate(count("replied"), count("valid"), settings),
            satisfaction=satisfaction_rate(count("satisfied"), count("valid"), settings),
            reply_mean=_mean_rate("答复率", rated["reply_rate"].tolist()),
            satisfaction_mean=_mean_rate("满意率", rated["satisfaction_rate"].tolist()),
            average_mode=settings.average_mode,
            response_days_median=None if row is None else _optional(row["response_days_median"]),
            response_days_p90=None if row is None else _optional(row["response_days_p90"]),
            response_days_max=None if row is None else _optional(row["response_days_max"]),
        ))
    return out


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
    """Named departments at 100% on both rates (all groups, or one `group`), by group then name."""
    table = table if table is not None else department_table(con, filters, settings, as_of, satisfied)
    chosen = table[table["honour"]]
    if group is not None:
        chosen = chosen[chosen["group"] == group]
    return _by_name(chosen[_LIST_COLUMNS])


def reminder_list(con, filters: Filters, settings: AnalyticsSettings | None = None,
                  as_of: datetime | None = None, group: str | None = None, rule: str | None = None,
                  satisfied: tuple[str, ...] | None = None, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Named departments below the threshold on both rates (rule "both") or either ("either").

    Adds `below`: which rates are below (答复率、满意率 / 答复率 / 满意率)."""
    settings = settings or AnalyticsSettings()
    table = table if table is not None else department_table(con, filters, settings, as_of, satisfied)
    chosen = table[_is_below(table, settings, rule)].copy()
    if group is not None:
        chosen = chosen[chosen["group"] == group]
    threshold = settings.reminder_threshold
    chosen["below"] = ["、".join(name for name, v in (("答复率", r), ("满意率", s)) if v < threshold)
                       for r, s in zip(chosen["reply_rate"], chosen["satisfaction_rate"])]
    return _by_name(chosen[_LIST_COLUMNS + ["below"]])


def _by_name(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(_order=frame["group"].map(_group_order))
    return frame.sort_values(["_order", "department"], kind="stable").drop(columns="_order").reset_index(drop=True)


# ------------------------------------------------------------------------------------ item queries
def overdue_items(con, filters: Filters, settings: AnalyticsSettings | None = None,
                  as_of: datetime | None = None, kind: str | None = None, limit: int | None = None,
                  assigned_only: bool = False) -> pd.DataFrame:
    """The overdue items (queries/metrics/overdue_items.sql): kind OVERDUE_OPEN, REPLIED_LATE or None (both).
    assigned_only: only items with a responsible department."""
    settings = settings or AnalyticsSettings()
    as_of = default_as_of(filters.period, as_of)
    params = dict(filters.params(), as_of=as_of, overdue_days=settings.overdue_days, overdue_kind=kind,
                  limit=limit, assigned_only=assigned_only)
    return store.run_query(con, "metrics/overdue_items", **params)


def shortfall_items(con, filters: Filters, settings: AnalyticsSettings | None = None,
                    as_of: datetime | None = None, satisfied: tuple[str, ...] | None = None,
                    limit: int | None = None) -> pd.DataFrame:
    """Valid items not counted as satisfied (未答复 / 不满意 / 未评价 …): what keeps a rate below 100%."""
    settings = settings or AnalyticsSettings()
    as_of = default_as_of(filters.period, as_of)
    params = dict(filters.params(), as_of=as_of, satisfied_values=satisfied_values(settings, satisfied),
                  limit=limit)
    return store.run_query(con, "metrics/shortfall_items", **params)


def aging_bands(con, filters: Filters, settings: AnalyticsSettings | None = None,
                as_of: datetime | None = None) -> pd.DataFrame:
    """Open items by age band (band_order, band, items); every band present."""
    as_of = default_as_of(filters.period, as_of)
    frame = store.run_query(con, "metrics/aging_bands", **filters.params(), as_of=as_of)
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
    assigned_only: bool = True

    @property
    def total(self) -> GroupSummary:
        return self.groups[TOTAL]

    @property
    def municipal(self) -> GroupSummary:
        return self.groups["市直"]

    @property
    def county(self) -> GroupSummary:
        return self.groups["县市区"]

    def text(self) -> str:
        first = self.period.start.date()
        last = (self.period.end - timedelta(hours=self.day_start_hour, microseconds=1)).date()
        m = self.municipal
        threshold = f"{self.reminder_threshold * 100:g}%"
        both = "均" if self.reminder_rule == "both" else "有一项"
        parts = [
            f"{first.year}年{first.month}月{first.day}日至{last.month}月{last.day}日，共收到诉求 "
            f"{self.total.received} 件，其中有效诉求 {self.total.valid} 件；转市直部门 {m.valid} 件、"
            f"各县市区 {self.county.valid} 件。",
            f"市直部门已答复 {m.replied} 件，群众满意 {m.satisfied} 件，平均答复率 {m.reply_average.rounded()}%，"
            f"平均满意率 {m.satisfaction_average.rounded()}%。",
        ]
        if self.honour:
            parts.append(f"答复率、满意率均达到 100% 的单位有 {len(self.honour)} 个：{'、'.join(self.honour)}。")
        if self.reminder:
            parts.append(f"答复率、满意率{both}低于 {threshold} 的单位有 {len(self.reminder)} 个："
                         f"{'、'.join(self.reminder)}，予以提醒。")
        return "".join(parts)


def bulletin(con, filters: Filters, settings: AnalyticsSettings | None = None, as_of: datetime | None = None,
             satisfied: tuple[str, ...] | None = None, assigned_only: bool = True) -> Bulletin:
    """The bulletin for `filters.period` (required). Honour and reminder lists cover every group.

    assigned_only (default): the bulletin is about requests handled by departments, so only items with
    a responsible department count (web posts without one are left out)."""
    settings = settings or AnalyticsSettings()
    if filters.period is None:
        raise ValueError("通报需要一个时间段")
    as_of = default_as_of(filters.period, as_of)
    table = department_table(con, filters, settings, as_of, satisfied, assigned_only=assigned_only)
    groups = {g.group: g for g in group_summary(con, filters, settings, as_of, satisfied, assigned_only)}
    return Bulletin(
        period=filters.period, as_of=as_of, groups=groups,
        honour=honour_list(con, filters, settings, as_of, table=table)["department"].tolist(),
        reminder=reminder_list(con, filters, settings, as_of, table=table)["department"].tolist(),
        reminder_threshold=settings.reminder_threshold, reminder_rule=settings.reminder_rule,
        day_start_hour=filters.period.start.hour,
        rules=rules_text(settings, satisfied, assigned_only=assigned_only), assigned_only=assigned_only,
    )


def rules_text(settings: AnalyticsSettings | None = None, satisfied: tuple[str, ...] | None = None,
               assigned_only: bool = False, as_of_rule: str | None = None) -> list[str]:
    """The rules behind the figures, in Chinese, to print beside them.

    assigned_only: the scope is the requests assigned to a department (the bulletin); as_of_rule: how the
    cut-off moment was chosen, when not the default (the earlier of the period end and now)."""
    settings = settings or AnalyticsSettings()
    values = "、".join(satisfied_values(settings, satisfied))
    threshold = f"{settings.reminder_threshold * 100:g}%"
    rule = "两项均" if settings.reminder_rule == "both" else "任一项"
    average = "各部门比率的平均" if settings.average_mode == "mean" else "合计件数之比"
    scope = ("统计范围：所选时间段内发布、已转办至责任单位的诉求件（未标注责任单位的信息不计入）"
             if assigned_only else "统计范围：所选时间段内发布、符合筛选条件的诉求")
    as_of_rule = as_of_rule or "时间段结束与当前时间中较早者"
    unlabelled = ([] if assigned_only else ["未标注承办单位的诉求计入“未标注”，不参加排名、表扬和提醒。"])
    return [
        f"{scope}；答复情况以统计截止时间为准（{as_of_rule}）。",
        "答复率 = 已答复有效件 ÷ 有效件；满意率 = 满意有效件 ÷ 有效件（分母均为交办的有效件）。",
        f"“满意”包括：{values}；未答复的诉求不计入满意。",
        f"平均答复率、平均满意率按{average}计算。",
        f"有效件少于 {settings.min_denominator} 件的比率标注“*”，仅供参考。",
        f"超期：有效诉求发布后超过 {settings.overdue_days} 天未答复（超期未答复），或超过 {settings.overdue_days} 天才答复（超期答复）。",
        *unlabelled,
        f"表扬：答复率、满意率均为 100%；提醒：答复率、满意率{rule}低于 {threshold}。",
        "排名：同组内依次按答复率、满意率（高者在前）、答复用时中位数（短者在前）、有效件数（多者在前），完全相同者名次并列；"
        "名次变化与上一个等长时间段相比。",
    ]
