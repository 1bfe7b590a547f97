"""The daily digest 《舆情摘报》 for one monitoring day (settings.day_start_hour, 08:00–08:00): overview with
the due-aware reply rate, the alerts, the hot topics, the departments to remind. No streamlit.

Numbered 第 N 期 via the report_issues table (queries/reports/digest_issue.sql, issue_digest.sql): a number
is never reused and the same period regenerated keeps its number. Judged as of the end of the day (or
when it is generated, for a running day). Alerts are listed and counted as on 总览 and 热点与预警 (alerts.day_alerts).
Chart: the volume of the last seven monitoring days (negative items stacked).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from dashboard.core import store
from dashboard.core.analytics import alerts as alerts_mod
from dashboard.core.analytics import metrics, topics
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, Period, day_period
from dashboard.core.reports import charts as report_charts
from dashboard.core.reports.document import (
    Report,
    moment_cn,
    more,
    numbered,
    threshold_text,
)

ALERT_CAP = 10

TOPIC_CAP = 5

REMINDER_CAP = 10

VOLUME_DAYS = 7          # the digest's volume chart: this day and the six before

CN_NUM = "一二三四五六七八九十"


def issue_number(con, period: Period, now: datetime | None = None) -> int:
    """The digest's 第 N 期 for this period: the existing number, else the next one (stored)."""
    found = store.run_query(con, "reports/digest_issue", start=period.start, end=period.end)
    if found.empty:
        store.run_query(con, "reports/issue_digest", start=period.start, end=period.end,
                        as_of=now or metrics.now_local())
        found = store.run_query(con, "reports/digest_issue", start=period.start, end=period.end)
    return int(found.iat[0, 0])


def _change(now: int, before: int) -> str:
    diff = now - before
    if before == 0:
        return "上期为 0 条" if now else "与上期持平（均为 0 条）"
    rate = f"{abs(diff) / before * 100:.1f}%"
    if diff > 0:
        return f"较上期增加 {diff} 条（环比上升 {rate}）"
    if diff < 0:
        return f"较上期减少 {-diff} 条（环比下降 {rate}）"
    return "与上期持平"


def _summary(con, period: Period) -> dict:
    row = store.run_query(con, "trends/summary", **Filters(period=period).params()).iloc[0]
    return {k: (0 if pd.isna(row[k]) else int(row[k])) for k in ("items", "scored", "negative", "requests", "opinion")}


def _digest_overview(con, day: date, today: dict, before: dict, as_of: datetime,
                     settings: AnalyticsSettings) -> str:
    negative_share = f"，占已判定倾向信息的 {today['negative'] / today['scored'] * 100:.1f}%" if today["scored"] else ""
    due, window = metrics.due_reply_rate(con, day, Filters(), settings, as_of)
    value, formula = metrics.due_rate_parts(due, window, settings)
    return (f"本期共监测到信息 {today['items']} 条（诉求 {today['requests']} 件、网络舆情 {today['opinion']} 条），"
            f"{_change(today['items'], before['items'])}；其中负面信息 {today['negative']} 条{negative_share}，"
            f"{_change(today['negative'], before['negative'])}。到期诉求答复率 {value}（{formula}）。")


def daily_digest(con, day: date, settings: AnalyticsSettings | None = None, dicts_dir: str | Path | None = None,
                 now: datetime | None = None, alert_cap: int = ALERT_CAP, topic_cap: int = TOPIC_CAP,
                 reminder_cap: int = REMINDER_CAP) -> Report:
    """《舆情摘报》 for monitoring day `day` (settings.day_start_hour to the same hour the next day)."""
    settings = settings or AnalyticsSettings()
    period = day_period(day, settings.day_start_hour)
    generated = now or metrics.now_local()
    number = issue_number(con, period, generated)
    report = Report("daily_digest", "舆情摘报",
                    [f"第 {number} 期",
                     f"监测时段：{moment_cn(period.start, True)} 至 {moment_cn(period.end, True)}"],
                    generated_at=generated)
    as_of = min(generated, period.end)
    today = _digest_overview_section(report, con, day, as_of, settings)

    listed = alerts_mod.day_alerts(con, day, settings, dicts_dir=dicts_dir, now=as_of)
    warnings, reminders = list(listed.warnings), list(listed.reminders)
    hot = topics.hot_topics(con, Filters(period=period), limit=200) if today["items"] else []
    if not warnings and not listed.held and not listed.backlog and not hot and not reminders:
        report.heading("二、重要舆情")
        report.paragraph("本期无重要舆情。")
        return report
    _digest_warnings(report, listed, alert_cap)
    _digest_topics(report, hot, topic_cap)
    _digest_reminders(report, reminders, reminder_cap, settings)
    return report


def _digest_overview_section(report: Report, con, day: date, as_of: datetime,
                             settings: AnalyticsSettings) -> dict:
    """一、总体情况: the day against the day before, and the week's volume chart; returns the day's summary."""
    hour = settings.day_start_hour
    week = [day - timedelta(days=k) for k in range(VOLUME_DAYS - 1, -1, -1)]
    volumes = {d: _summary(con, day_period(d, hour)) for d in week}
    report.heading("一、总体情况")
    report.paragraph(_digest_overview(con, day, volumes[day], volumes[week[-2]], as_of, settings))
    report.chart(report_charts.Chart(
        f"近 {VOLUME_DAYS} 个监测日信息量", tuple(f"{d.month}月{d.day}日" for d in week),
        (("负面", tuple(volumes[d]["negative"] for d in week)),
         ("其他", tuple(volumes[d]["items"] - volumes[d]["negative"] for d in week))),
        axis_label="信息（条）"))
    return volumes[day]


def _digest_warnings(report: Report, listed, cap: int) -> None:
    """二、预警提示: the day's alerts as 热点与预警 lists them (alerts.day_alerts: one per event, within the
    daily budget, the rest in one sentence), then the overdue backlog's line."""
    report.heading("二、预警提示")
    if not listed.warnings:
        report.paragraph(f"本期无预警（{listed.counts_text()}）。" + listed.held_text())
    else:
        report.paragraph(f"本期共有{listed.counts_text()}；预警按严重程度排列如下（部门提醒见第四部分）：")
        numbered(report, [f"【{a.severity}·{a.kind_label}】{a.message}" for a in listed.warnings], cap,
                 "条", "预警（严重程度较低）")
        if listed.held:
            report.paragraph(listed.held_text())
    if listed.backlog:
        report.paragraph(f"超期积压：{listed.backlog.text()}")


def _digest_topics(report: Report, hot: list, cap: int) -> None:
    report.heading("三、热点话题")
    if not hot:
        report.paragraph("本期未形成热点话题。")
        return
    for i, topic in enumerate(hot[:cap], start=1):
        report.heading(f"（{CN_NUM[i - 1] if i <= 10 else i}）{topic.label}", 2)
        report.paragraph(topic_paragraph(topic))
        for quote in topic.quotes[:2]:
            report.note(f"网民原话：“{quote}”")
    if len(hot) > cap:
        report.paragraph(more(len(hot) - cap, "个", "规模较小的话题"))


def topic_paragraph(topic) -> str:
    same_day = topic.first_at.date() == topic.last_at.date()
    last = f"{topic.last_at:%H:%M}" if same_day else moment_cn(topic.last_at)
    departments = "、".join([d for d in topic.departments if d != metrics.UNLABELLED][:3]) or "未标注"
    return (f"关键词：{topic.key_terms}。本期相关信息 {topic.size} 条，涉及 {topic.people} 位网民，首条发布于 {moment_cn(topic.first_at)}，"
            f"最新一条发布于 {last}；主要来源：{'、'.join(topic.channels[:3]) or '未标注'}；"
            f"涉及单位：{departments}。代表性留言：《{topic.representative_title}》。")


def _digest_reminders(report: Report, reminders: list, cap: int, settings: AnalyticsSettings) -> None:
    report.heading("四、提醒部门")
    if not reminders:
        report.paragraph("本期没有需要提醒的单位。")
        return
    report.paragraph(f"以下 {len(reminders)} 个单位近期已到期诉求的答复率、满意率低于 {threshold_text(settings)}，"
                     f"请督促办理：")
    numbered(report, [a.message for a in reminders], cap, "个", "单位")
