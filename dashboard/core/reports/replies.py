"""The reply-substance report 《答复质量报告》 and its CSV (`python -m dashboard report replies`): per
department the share of substantive replies, and every flagged reply with its reasons. The judgements and
verdicts are core/analytics/replies.py's; titles are the masked copies; authors never appear. No streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.core.analytics import replies
from dashboard.core.filters import Filters
from dashboard.core.reports.document import Report, more, pct, span_cn
from dashboard.core.reports.exports import csv_bytes

FLAGGED_CAP = 50
CSV_COLUMNS = ["id", "department", "published_at", "replied_at", "reply_chars", "relevance", "boilerplate",
               "substantive", "reasons", "title"]
REASON_COUNTS = (("仅回复已收悉或已转办", "仅回复已收悉或已转办"), ("模板答复", "模板答复"),
                 ("未回应所提问题", "未回应所提问题"), ("未说明办理措施", "未说明办理措施"))


def replies_report(con, filters: Filters, settings=None) -> Report:
    judged = replies.judged_replies(con, filters, settings)
    subtitle = [span_cn(filters.period)] if filters.period else ["全部时间"]
    if filters.departments:
        subtitle.append("部门：" + "、".join(filters.departments))
    report = Report(kind="replies", title="答复质量报告", subtitle=subtitle)
    if judged.empty:
        report.paragraph("所选范围内没有可判断的答复：来源未提供答复内容，或诉求尚未答复。")
        return report
    report.heading("一、总体情况")
    report.paragraph(_overview(judged))
    report.heading("二、各部门答复质量")
    department_quality_table(report, replies.department_quality(con, filters, settings))
    report.heading("三、需改进的答复")
    _flagged(report, judged[~judged["substantive"]])
    report.note(replies.RULES_TEXT)
    return report


def _overview(judged: pd.DataFrame) -> str:
    total, good = len(judged), int(judged["substantive"].sum())
    flagged = judged[~judged["substantive"]]
    parts = [f"{label} {int(flagged['reasons'].str.contains(key).sum()):,} 件" for key, label in REASON_COUNTS]
    return (f"共判断答复 {total:,} 件，其中实质性答复 {good:,} 件（{pct(good / total)}），"
            f"需改进 {total - good:,} 件：{'，'.join(parts)}（一件答复可有多项原因）。")


def department_quality_table(report: Report, table: pd.DataFrame) -> None:
    """replies/by_department as a report table (this report and the 通报)."""
    rows = [[r.department, r.judged, r.substantive, pct(r.substantive_rate), r.ack_only, r.template,
             int(r.median_chars)] for r in table.itertuples(index=False)]
    report.table(["部门", "判断答复", "实质性答复", "实质答复率", "仅收悉/转办", "模板答复", "答复字数中位数"], rows)


def _flagged(report: Report, flagged: pd.DataFrame) -> None:
    if flagged.empty:
        report.paragraph("所选范围内的答复均为实质性答复。")
        return
    shown = flagged.head(FLAGGED_CAP)
    rows = [[r.published_at.strftime("%Y-%m-%d"), r.department, r.title, r.reply_chars, r.reasons]
            for r in shown.itertuples(index=False)]
    report.table(["留言日期", "部门", "标题", "答复字数", "原因"], rows)
    if len(flagged) > FLAGGED_CAP:
        report.note(more(len(flagged) - FLAGGED_CAP, "件", "需改进的答复") + "完整清单请导出 CSV（--format csv）。")


@dataclass
class ReplyTable:
    """The judged replies as a CSV file (`report replies --format csv`), saved like a Report."""
    title: str
    subtitle: list[str]
    frame: pd.DataFrame

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(csv_bytes(self.frame))
        return path


def replies_table(con, filters: Filters, settings=None) -> ReplyTable:
    """One row per judged reply: id, department, times, reply_chars, relevance, boilerplate and substantive
    (true/false), reasons, the masked title. Written formula-safe, UTF-8 with BOM."""
    judged = replies.judged_replies(con, filters, settings)[CSV_COLUMNS].copy()
    for column in ("boilerplate", "substantive"):
        judged[column] = judged[column].map({True: "true", False: "false"})
    return ReplyTable("答复质量清单", [f"{len(judged):,} 件答复"], judged)
