"""The text of one 《重要舆情摘报》 issue from the desk (core/desk/issues.py): its number once signed (a
preview says it has none yet), the entries grouped by kind of content in the seed's order, each with its
编者按 and wording, then whom it goes to. Entries are the editors' words about untrusted items: the
Report escapes them in Markdown and drops control characters in DOCX like every report."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.core.desk.kinds import CONTENT_KINDS, SIGNED
from dashboard.core.reports.document import Report

CN_NUM = "一二三四五六七八九十"


def _cn(n: int) -> str:
    return CN_NUM[n - 1] if n <= 10 else str(n)


def _listed(value) -> list[str]:
    return [] if value is None or (not hasattr(value, "__len__") and pd.isna(value)) else [str(v) for v in value]


def issue_report(issue: dict, entries: pd.DataFrame) -> Report:
    signed = issue["state"] == SIGNED
    number = f"{int(issue['year'])}年第 {int(issue['number'])} 期" if signed else "（送审稿，签发后编号）"
    lines = [number]
    if signed:
        signed_at = pd.Timestamp(issue["signed_at"]).to_pydatetime()
        lines.append(f"签发：{issue['signed_by']}　{signed_at.year}年{signed_at.month}月{signed_at.day}日")
    report = Report("desk_issue", str(issue["title"]), lines,
                    generated_at=pd.Timestamp(issue["signed_at"]).to_pydatetime() if signed else datetime.now())
    order = {kind: k for k, kind in enumerate(CONTENT_KINDS)}
    ranked = entries.assign(_rank=entries["content_kind"].map(lambda k: order.get(k, len(order))))
    for n, (_, group) in enumerate(ranked.sort_values(["_rank", "id"]).groupby("_rank", sort=True), start=1):
        report.heading(f"{_cn(n)}、{group['content_kind'].iloc[0] or '未分类'}")
        for k, row in enumerate(group.itertuples(), start=1):
            report.heading(f"（{_cn(k)}）{row.headline}", 2)
            if isinstance(row.editor_note, str) and row.editor_note.strip():
                report.paragraph(f"【编者按】{row.editor_note.strip()}")
            report.paragraph(str(row.wording or ""))
    recipients = "、".join(_listed(issue.get("recipients"))) or "未指定"
    report.note(f"报送：{recipients}。本期共 {len(entries)} 条。")
    return report
