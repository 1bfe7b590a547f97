"""The responsiveness bulletin 网民留言办理情况通报 (DOMAIN.md's shape), with the ranking and the overdue
requests. No streamlit.

Calendar days (00:00); every request (诉求) of the period, web opinion never; figures from
metrics.bulletin() / department_table() — the 部门 page's — and as on the page, replies known by the data
cut-off; a figure the sources do not provide says so; the "average" rate follows
AnalyticsSettings.average_mode and the text says which one it is. Deterministic: the same data gives the
same text. Chart: reply rate per department. Not numbered.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.core.analytics import metrics, replies
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, Period
from dashboard.core.reports import charts as report_charts
from dashboard.core.reports.document import (
    Report,
    moment_cn,
    more,
    pct,
    span_cn,
    threshold_text,
)
from dashboard.core.reports.replies import department_quality_table

OVERDUE_CAP = 20


def bulletin_report(con, period: Period, settings: AnalyticsSettings | None = None,
                    as_of: datetime | None = None, overdue_cap: int = OVERDUE_CAP) -> Report:
    """The monthly (or any period's) responsiveness bulletin: DOMAIN.md's shape, with the ranking and
    the overdue requests.

    Scope: every request (诉求) of the period — valid or not, assigned or not; web opinion never. Replies
    are judged as of `as_of` when given, else as of the store's data cut-off (metrics.figures_as_of), as
    on the 部门 page, so the same period gives the same figures in both."""
    settings = settings or AnalyticsSettings()
    filters = Filters(period=period)
    b = metrics.bulletin(con, filters, settings, as_of)
    span = span_cn(period)
    report = Report("bulletin", "网民留言办理情况通报",
                    [f"（{span}）", f"答复情况统计截至：{moment_cn(b.as_of, with_year=True)}"],
                    generated_at=None)
    report.heading("一、总体情况")
    if b.total.received == 0:
        report.paragraph(f"{span}，没有收到诉求件，本期不作通报。")
    else:
        table = metrics.department_table(con, filters, settings, b.as_of)
        _bulletin_overview(report, b, span, settings)
        _rate_chart(report, table, settings)
        _honour(report, b)
        _reminders(report, table, metrics.reminder_list(con, filters, settings, b.as_of, table=table), settings)
        _ranking(report, table, settings)
        _overdue(report, con, filters, b, settings, overdue_cap)
        _reply_substance(report, con, filters, settings)
    _rules_appendix(report, settings, "由调用方指定" if as_of is not None else None)
    return report


def _rate_chart(report: Report, table: pd.DataFrame, settings: AnalyticsSettings) -> None:
    ranked = table[table["rank"].notna()]
    if len(ranked):
        report.chart(report_charts.Chart(
            "各单位答复率", tuple(f"{d}（{g}）" for d, g in zip(ranked["department"], ranked["group"])),
            (("答复率", tuple(float(v) if pd.notna(v) else 0.0 for v in ranked["reply_rate"])),),
            horizontal=True, percent=True, reference=settings.reminder_threshold,
            reference_label=f"提醒线 {threshold_text(settings)}"))


def _honour(report: Report, b: metrics.Bulletin) -> None:
    report.heading("二、通报表扬")
    if b.honour:
        report.paragraph(f"答复率、满意率均达到 100% 的单位共 {len(b.honour)} 个，予以通报表扬："
                         f"{'、'.join(b.honour)}。")
    else:
        report.paragraph("本期没有答复率、满意率均达到 100% 的单位。")


def _reminders(report: Report, table: pd.DataFrame, reminders: pd.DataFrame, settings: AnalyticsSettings) -> None:
    threshold, both = threshold_text(settings), "均" if settings.reminder_rule == "both" else "有一项"
    report.heading("三、提醒督办")
    if reminders.empty:
        report.paragraph(f"本期没有答复率、满意率{both}低于 {threshold} 的单位。")
        return
    report.paragraph(f"答复率、满意率{both}低于 {threshold} 的单位共 {len(reminders)} 个，予以提醒，"
                     f"请加快办理、提高答复质量：{'、'.join(reminders['department'])}。各单位办理情况如下：")
    report.table(["单位", "类别", "有效", "已答复", "答复率", "满意", "满意率", "低于阈值"],
                 [[r["department"] + ("*" if r["tiny"] else ""), r["group"], r["valid"],
                   *rate_cells(table.loc[table["department"] == r["department"]].iloc[0], settings), r["below"]]
                  for _, r in reminders.iterrows()])
    if reminders["tiny"].any():
        report.paragraph(f"注：标“*”的单位有效件少于 {settings.min_denominator} 件，比率仅供参考。")


def _ranking(report: Report, table: pd.DataFrame, settings: AnalyticsSettings) -> None:
    report.heading("四、办理情况排名")
    report.paragraph("各单位在本组内按答复率、满意率（高者在前）、答复用时中位数（短者在前）、有效件数（多者在前）排名，"
                     "完全相同者名次并列。")
    for group in ("市直", "县市区", "其他"):
        rows = table[(table["group"] == group) & table["rank"].notna()]
        if rows.empty:
            continue
        report.heading(f"{group}{'部门' if group == '市直' else ''}", 2)
        report.table(["名次", "单位", "有效", "已答复", "答复率", "满意", "满意率", "答复用时中位数（天）", "超期未答复", "较上期名次"],
                     [[int(r["rank"]), r["department"], r["valid"], *rate_cells(r, settings),
                       "—" if pd.isna(r["response_days_median"]) else f"{r['response_days_median']:.1f}",
                       r["overdue_open"] if r["reply_known"] else "—", _movement(r["rank_change"])]
                      for _, r in rows.iterrows()])


def _overdue(report: Report, con, filters: Filters, b: metrics.Bulletin, settings: AnalyticsSettings,
             cap: int) -> None:
    report.heading("五、超期办理情况")
    if not b.total.replies_known:
        report.paragraph(f"{metrics.NO_REPLIES}，无法判断超期。")
        return
    overdue = pd.concat([metrics.overdue_items(con, filters, settings, b.as_of, kind=kind)
                         for kind in (metrics.OVERDUE_OPEN, metrics.REPLIED_LATE)], ignore_index=True)
    if overdue.empty:
        report.paragraph(f"本期没有超过 {settings.overdue_days} 天未答复或超期答复的有效留言。")
        return
    counts = overdue["overdue_kind"].value_counts()
    report.paragraph(f"本期有效留言中，超过 {settings.overdue_days} 天未答复的 "
                     f"{int(counts.get(metrics.OVERDUE_OPEN, 0))} 件，超过 {settings.overdue_days} 天才答复的 "
                     f"{int(counts.get(metrics.REPLIED_LATE, 0))} 件，合计 {len(overdue)} 件，"
                     f"先未答复、后超期答复，按天数由多到少列出前 {min(cap, len(overdue))} 件：")
    shown = overdue.head(cap)
    report.table(["编号", "情况", "天数", "发布时间", "承办单位", "标题"],
                 [[r["id"], r["overdue_kind"], f"{r['days']:.1f}", f"{r['published_at']:%Y-%m-%d %H:%M}",
                   r["department"], r["title"]] for _, r in shown.iterrows()])
    if len(overdue) > len(shown):
        report.paragraph(more(len(overdue) - len(shown), "件", "超期留言"))


def _bulletin_overview(report: Report, b: metrics.Bulletin, span: str, settings: AnalyticsSettings) -> None:
    """一、总体情况: the seed's sentences (受理, 有效, 市直/县市区, replies and satisfaction), then the table."""
    m, c, total, unassigned = b.municipal, b.county, b.total, b.unassigned
    how = ("平均值为合计比率，即已答复件数、满意件数分别除以有效件数" if settings.average_mode != "mean"
           else "平均值为各部门比率的算术平均")
    not_assigned = f"，未标注承办单位 {unassigned.valid} 件" if unassigned and unassigned.valid else ""
    report.paragraph(
        f"{span}，本栏目共受理网民留言 {total.received} 件，其中有效留言 {total.valid} 件；"
        f"交由市直部门办理 {m.valid} 件，交由各县市区办理 {c.valid} 件{not_assigned}。"
        f"{_group_sentence('市直部门', m)}（{how}）。")
    report.paragraph(f"{_group_sentence('各县市区', c)}。{_overdue_sentence(total)}")
    for rate in (total.reply, total.satisfaction):
        if rate.unknown:
            report.note(f"{rate.unknown_label}：有效诉求 {rate.unknown} 件的来源文件不含这一项，"
                        f"不计入{rate.label}{'、答复用时和超期' if rate.label == '答复率' else ''}。")
    report.table(["类别", "单位数", "受理", "有效", "已答复", "答复率", "满意", "满意率"],
                 [[g.group, g.departments, g.received, g.valid, known_count(g.replied, g.reply), g.reply_average.percent(),
                   known_count(g.satisfied, g.satisfaction), g.satisfaction_average.percent()] for g in b.groups.values()])


def _reply_substance(report: Report, con, filters: Filters, settings: AnalyticsSettings) -> None:
    report.heading("六、答复质量")
    quality = replies.department_quality(con, filters, settings)
    if quality.empty:
        report.paragraph("本期没有可判断的答复：来源未提供答复内容，或诉求尚未答复。")
        return
    judged, good = int(quality["judged"].sum()), int(quality["substantive"].sum())
    report.paragraph(f"本期判断答复 {judged} 件，其中实质性答复 {good} 件（{pct(good / judged)}）；"
                     "各单位按实质答复率由低到高列出：")
    department_quality_table(report, quality)
    report.note(replies.RULES_TEXT)


def known_count(count: int, rate: metrics.Rate) -> str | int:
    """A count behind a rate, or "—" when the sources do not provide the figure (never a 0 as a fact)."""
    return "—" if rate.is_unknown else count


def rate_cells(row, settings: AnalyticsSettings) -> list:
    """已答复, 答复率, 满意, 满意率 of a department_table row, unknown figures said as such; a rate on
    fewer than min_denominator requests is starred."""
    reply, satisfaction = metrics.department_rates(row, settings)
    return [known_count(int(row["replied"]), reply), str(reply), known_count(int(row["satisfied"]), satisfaction),
            str(satisfaction)]


def _group_sentence(who: str, g: metrics.GroupSummary) -> str:
    if not g.valid:
        return f"{who}本期没有交办的有效诉求"
    replies = (f"{who}已答复 {g.replied} 件" if not g.reply.is_unknown else f"{who}{metrics.NO_REPLIES}")
    satisfied = (f"网民表示满意 {g.satisfied} 件" if not g.satisfaction.is_unknown else metrics.NO_SATISFACTION)
    return (f"{replies}，{satisfied}，平均答复率为 {whole_percent(g.reply_average)}，"
            f"平均满意率为 {whole_percent(g.satisfaction_average)}")


def _overdue_sentence(total: metrics.GroupSummary) -> str:
    if not total.replies_known:
        return f"超期情况：{metrics.NO_REPLIES}。"
    return f"截至统计截止时间，超期未答复 {total.overdue_open} 件，超期答复 {total.replied_late} 件。"


def _rules_appendix(report: Report, settings: AnalyticsSettings, as_of_rule: str | None) -> None:
    report.heading("附：统计口径")
    for i, rule in enumerate(metrics.rules_text(settings, as_of_rule=as_of_rule), start=1):
        report.note(f"{i}. {rule}")


def _movement(change) -> str:
    if change is None or pd.isna(change):
        return "—"
    change = int(change)
    return "持平" if change == 0 else (f"上升 {change}" if change > 0 else f"下降 {-change}")


def whole_percent(rate: metrics.Rate) -> str:
    value = rate.rounded()
    return rate.percent() if value is None else f"{value}%"
