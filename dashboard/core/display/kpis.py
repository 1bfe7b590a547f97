"""KPI cards as data: the value, its formula with numerator and denominator, 环比 and 同比, notes and a
caption for figures easy to misread. Pages draw them (ui/widgets.kpi_cards). No streamlit, no plotly."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from dashboard.core.analytics import metrics
from dashboard.core.analytics.series import SPIKE_UNITS, change_text, spike_rule
from dashboard.core.filters import UNLABELLED_VALUES, Period


@dataclass(frozen=True)
class Kpi:
    """One KPI card: the value, its formula with numerator and denominator, 环比 and 同比."""

    label: str
    value: float | None
    text: str
    formula: str
    numerator: float | None = None
    denominator: float | None = None
    previous: float | None = None
    year_before: float | None = None
    change: str = "—"
    year_change: str = "—"
    small_base: bool = False      # the value's own denominator is below min_denominator
    higher_is_worse: bool = False
    notes: tuple[str, ...] = ()   # e.g. the previous period starts before the data does
    caption: str | None = None    # shown on the card itself (the formula of a figure easy to misread)

    @property
    def help(self) -> str:
        lines = [f"计算方法：{self.formula}"]
        if self.numerator is not None and self.denominator is not None:
            lines.append(f"分子 {_num(self.numerator)}，分母 {_num(self.denominator)}")
        if self.small_base:
            lines.append("分母过小，数值仅供参考")
        if self.change != "—" or self.previous is not None:
            lines.append(f"环比（与紧挨在前的等长周期相比）：{self.change}"
                         + (f"（上期 {_num(self.previous)}）" if self.previous is not None else ""))
        if self.year_change != "—" or self.year_before is not None:
            lines.append(f"同比（与去年同期相比）：{self.year_change}"
                         + (f"（去年同期 {_num(self.year_before)}）" if self.year_before is not None else ""))
        lines.extend(self.notes)
        return "\n\n".join(lines)


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.1f}"


def _count_change(current: float, previous: float | None, min_denominator: int) -> str:
    if previous is None:
        return "无数据"
    return change_text(current, previous, min_denominator)


def count_kpi(label: str, current: float, previous: float | None, year_before: float | None,
              min_denominator: int, formula: str = "所选时间和条件下的条目数", unit: str = "条") -> Kpi:
    """A count: 环比/同比 as relative change; a previous value below min_denominator shows the difference."""
    return Kpi(label=label, value=current, text=f"{_num(current)}", formula=formula,
               previous=previous, year_before=year_before,
               change=_count_change(current, previous, min_denominator),
               year_change=_count_change(current, year_before, min_denominator) if year_before else "去年同期无数据")


def rate_kpi(label: str, numerator: float, denominator: float, previous: tuple[float, float] | None,
             year_before: tuple[float, float] | None, min_denominator: int, formula: str,
             higher_is_worse: bool = False, compare_year: bool = True) -> Kpi:
    """A share: value = numerator ÷ denominator; 环比/同比 in percentage points; small denominators marked."""
    def rate(pair):
        if pair is None or not pair[1]:
            return None
        return pair[0] / pair[1]

    value = numerator / denominator if denominator else None
    prev_rate, year_rate = rate(previous), rate(year_before)

    def points(other, pair):
        if value is None or other is None:
            return "无数据"
        text = f"{(value - other) * 100:+.1f} 个百分点"
        if pair[1] < min_denominator or denominator < min_denominator:
            text += "（基数小）"
        return text

    return Kpi(label=label, value=value, text="—" if value is None else f"{value:.1%}", formula=formula,
               numerator=numerator, denominator=denominator,
               previous=None if prev_rate is None else round(prev_rate * 100, 1),
               year_before=None if year_rate is None else round(year_rate * 100, 1),
               change=points(prev_rate, previous),
               year_change=(points(year_rate, year_before) if year_rate is not None
                            else "去年同期无数据" if compare_year else "—"),
               small_base=denominator < min_denominator, higher_is_worse=higher_is_worse)


def due_rate_kpi(numerator: float, denominator: float, previous: tuple[float, float] | None, value_text: str,
                 formula: str, min_denominator: int) -> Kpi:
    """到期诉求答复率: only requests past their reply deadline, so a fresh day does not look unanswered.
    The formula stands on the card (value_text and formula: metrics.due_rate_parts)."""
    kpi = rate_kpi("到期诉求答复率", numerator, denominator, previous, None, min_denominator, formula,
                   compare_year=False)
    return replace(kpi, text=value_text, caption=formula)


def responsiveness_kpis(total: Any, settings: Any) -> list[Kpi]:
    """The 部门 page cards from the 合计 row (metrics.GroupSummary): 受理, 有效, 平均答复率, 平均满意率,
    超期未答复. A figure the sources do not provide says so (the Rate's unknown label), never 0."""
    def rate_card(label: str, rate: Any) -> Kpi:
        return Kpi(label=label, value=rate.value, text=str(rate), formula=rate.formula, small_base=rate.tiny,
                   caption=rate.unknown_note or None)

    known = total.replies_known
    overdue_text = f"{total.overdue_open:,}" if known else total.reply.unknown_label
    return [
        Kpi(label="受理", value=total.received, text=f"{total.received:,}",
            formula="所选时间段内的全部诉求（有效或无效、交办或未交办），不含网络舆情"),
        Kpi(label="有效", value=total.valid, text=f"{total.valid:,}", formula="其中标为有效的诉求"),
        rate_card("平均答复率", total.reply_average),
        rate_card("平均满意率", total.satisfaction_average),
        Kpi(label="超期未答复", value=total.overdue_open if known else None, text=overdue_text,
            formula=f"有效诉求发布后超过 {settings.overdue_days} 天仍未答复（只统计来源提供答复信息的诉求）",
            higher_is_worse=True),
    ]


def group_kpis(summary: Any) -> list[Kpi]:
    """A group's (市直, 县市区 …) average reply and satisfaction rates, each with both of its formulas."""
    def card(label: str, average: Any, pooled: Any, mean: Any) -> Kpi:
        formula = f"{pooled.formula}；{mean.formula}"
        return Kpi(label=f"{summary.group}{label}", value=average.value, text=str(average), formula=formula,
                   small_base=average.tiny, caption=formula)
    return [card("平均答复率", summary.reply_average, summary.reply, summary.reply_mean),
            card("平均满意率", summary.satisfaction_average, summary.satisfaction, summary.satisfaction_mean)]


def department_kpis(row: Mapping[str, Any], settings: Any) -> list[Kpi]:
    """One department's cards (a metrics.department_table row): 有效, 答复率, 满意率, 名次 in its group,
    超期未答复 (or what the sources do not provide)."""
    reply, satisfaction = metrics.department_rates(row, settings)
    rank = row["rank"]
    ranked = rank is not None and not pd.isna(rank)
    known = bool(row["reply_known"])
    return [
        Kpi(label="有效", value=row["valid"], text=f"{int(row['valid']):,}", formula="所选时间段内该部门的有效诉求"),
        Kpi(label="答复率", value=reply.value, text=str(reply), formula=reply.formula, small_base=reply.tiny),
        Kpi(label="满意率", value=satisfaction.value, text=str(satisfaction), formula=satisfaction.formula,
            small_base=satisfaction.tiny),
        Kpi(label="名次", value=int(rank) if ranked else None, text=f"{int(rank)}" if ranked else "—",
            formula=f"在「{row['group']}」组内：答复率高者在前，其次满意率、答复用时中位数、有效件数（两项比率来源均未提供的不排名）"),
        Kpi(label="超期未答复", value=int(row["overdue_open"]) if known else None,
            text=f"{int(row['overdue_open']):,}" if known else metrics.NO_REPLIES, higher_is_worse=True,
            formula=f"有效诉求发布后超过 {settings.overdue_days} 天仍未答复（只统计来源提供答复信息的诉求）"),
    ]


def summary_kpis(current: Mapping[str, Any], previous: Mapping[str, Any] | None,
                 year_before: Mapping[str, Any] | None, days: float, min_denominator: int) -> list[Kpi]:
    """The 趋势 page cards from queries/trends/summary rows (this period, the previous one, a year before)."""
    def get(row, key):
        return None if row is None else float(row[key] or 0)

    items = float(current["items"] or 0)
    year_items = get(year_before, "items")
    cards = [
        count_kpi("条目数", items, get(previous, "items"), year_items or None, min_denominator),
        Kpi(label="日均条目", value=items / days if days else None,
            text=f"{items / days:,.1f}" if days else "—", formula="条目数 ÷ 天数",
            numerator=items, denominator=days,
            previous=None if previous is None else round(get(previous, "items") / days, 1),
            year_before=None if not year_items else round(year_items / days, 1),
            change=_count_change(items, get(previous, "items"), min_denominator),
            year_change=_count_change(items, year_items, min_denominator) if year_items else "去年同期无数据"),
        rate_kpi("负面占比", float(current["negative"] or 0), float(current["scored"] or 0),
                 None if previous is None else (get(previous, "negative"), get(previous, "scored")),
                 None if not year_items else (get(year_before, "negative"), get(year_before, "scored")),
                 min_denominator, "负面条目数 ÷ 已评分条目数（未评分的不计入分母）", higher_is_worse=True),
    ]
    return cards


def with_coverage(kpis: list[Kpi], period: Period | None, first_data: Any) -> list[Kpi]:
    """Mark comparisons whose other period starts before the store's first item (so it is only
    partly covered and the change overstates growth)."""
    if period is None or first_data is None or pd.isna(first_data):
        return kpis
    first = pd.Timestamp(first_data).to_pydatetime()
    previous_note = "上期早于数据起点，环比仅供参考" if period.previous().start < first else None
    year = period.year_before()
    year_note = "去年同期数据不全，同比仅供参考" if year.start < first < year.end else None
    marked = []
    for kpi in kpis:
        extra = []
        if previous_note and kpi.change not in ("—", "无数据"):
            extra.append(previous_note)
        if year_note and kpi.year_change not in ("—", "去年同期无数据"):
            extra.append(year_note)
        marked.append(replace(kpi, notes=kpi.notes + tuple(extra)) if extra else kpi)
    return marked


def period_days(period: Period | None) -> float:
    return 0.0 if period is None else period.length.total_seconds() / 86400


def spike_kpi(spikes: pd.DataFrame, grain: str) -> Kpi:
    """How many buckets of the period are marked 突增 (find_spikes), and the largest of them."""
    marked = spikes[spikes["spike"]] if not spikes.empty else spikes
    count = len(marked)
    noun, counter = SPIKE_UNITS[grain]
    peak = "" if marked.empty else f"，最多的一{'个' if grain in ('hour', 'month') else ''}{noun} {int(marked['items'].max())} 条"
    return Kpi(label=f"突增{noun}数", value=count, text=str(count),
               formula=spike_rule(grain).lstrip("▼ ") + f" 本期共 {count} {counter}{peak}。",
               change="—", year_change="—")


def category_kpis(tree: pd.DataFrame, current: Mapping[str, Any], previous: Mapping[str, Any] | None,
                  year_before: Mapping[str, Any] | None, min_denominator: int) -> list[Kpi]:
    """The 分类 page cards: items, how many categories have items, and the share left unclassified."""
    top = tree[tree["level"] == 1] if not tree.empty else tree
    items = float(current["items"] or 0)
    prev_items = None if previous is None else float(previous["items"] or 0)
    year_items = None if year_before is None else float(year_before["items"] or 0)
    unlabelled_name = UNLABELLED_VALUES["category"]
    named = top[top["category"] != unlabelled_name] if not top.empty else top
    unlabelled = top[top["category"] == unlabelled_name] if not top.empty else top
    now_unlabelled = float(unlabelled["items"].sum()) if not unlabelled.empty else 0.0
    before_unlabelled = float(unlabelled["previous"].sum()) if not unlabelled.empty else 0.0
    prev_categories = int((named["previous"] > 0).sum()) if not named.empty else 0
    return [
        count_kpi("条目数", items, prev_items, year_items or None, min_denominator),
        Kpi(label="有条目的分类", value=len(named), text=str(len(named)),
            formula="本期至少有 1 条的一级分类个数（未分类不计）", previous=prev_categories,
            change=f"{len(named) - prev_categories:+d} 个" if prev_items else "无数据"),
        rate_kpi("未分类占比", now_unlabelled, items,
                 None if not prev_items else (before_unlabelled, prev_items), None, min_denominator,
                 "没有一级分类的条目数 ÷ 条目数", higher_is_worse=True, compare_year=False),
    ]
