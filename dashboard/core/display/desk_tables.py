"""The desk's rows shaped for tables (信息报送, 编辑台, 摘报, 报送统计): Chinese headers, 第 N 期 as text,
rates as percentages, cells a spreadsheet would run as formulas made inert. No streamlit."""
from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.core.reports.exports import protect_frame


def issue_label(year: Any, number: Any) -> str:
    """2026年第 3 期, or "—" before an issue is signed."""
    if year is None or number is None or pd.isna(year) or pd.isna(number):
        return "—"
    return f"{int(year)}年第 {int(number)} 期"


def _listed(value: Any) -> str:
    return "" if value is None or (not hasattr(value, "__len__") and pd.isna(value)) else "、".join(map(str, value))


def submissions_table(mine: pd.DataFrame) -> pd.DataFrame:
    """submit/mine rows: an informant's own submissions and what became of each."""
    return protect_frame(pd.DataFrame({
        "报送时间": mine["submitted_at"], "标题": mine["title"], "信息类别": mine["content_kind"],
        "紧急程度": mine["urgency"], "处理情况": mine["outcome"],
        "采用刊期": [issue_label(y, n) for y, n in zip(mine["year"], mine["number"])],
    }))


def candidates_table(queue: pd.DataFrame) -> pd.DataFrame:
    """desk/candidates rows for the editor's queue (who submitted is there: the desk's readers may see it)."""
    return protect_frame(pd.DataFrame({
        "编号": queue["id"], "来源": queue["origin"], "紧急程度": queue["urgency"].fillna("—"),
        "信息类别": queue["content_kind"], "标题": queue["headline"], "条目": queue["items"],
        "报送人": queue["submitter"], "单位": queue["unit"], "状态": queue["state"],
        "搁置原因": queue["reason"], "加入时间": queue["added_at"],
    }))


def issues_table(listed: pd.DataFrame) -> pd.DataFrame:
    """issues/list rows."""
    return protect_frame(pd.DataFrame({
        "编号": listed["id"], "状态": listed["state"], "刊期": [issue_label(y, n) for y, n in zip(listed["year"], listed["number"])],
        "刊名": listed["title"], "条数": listed["entries"], "报送单位": listed["recipients"].map(_listed),
        "编辑": listed["created_by"], "更新时间": listed["updated_at"], "签发人": listed["signed_by"],
        "签发时间": listed["signed_at"],
    }))


def entries_table(entries: pd.DataFrame) -> pd.DataFrame:
    """issues/entries rows: what goes into the issue."""
    return protect_frame(pd.DataFrame({
        "候选编号": entries["id"], "信息类别": entries["content_kind"], "标题": entries["headline"],
        "编者按": entries["editor_note"], "编发文字": entries["wording"], "涉及条目": entries["items"],
    }))


def history_table(events: pd.DataFrame) -> pd.DataFrame:
    """issues/events rows: every change with who, when and the comment."""
    return protect_frame(pd.DataFrame({
        "时间": events["happened_at"], "操作人": events["actor"], "原状态": events["from_state"].fillna("（新建）"),
        "新状态": events["to_state"], "意见": events["comment"],
    }))


def _rate(frame: pd.DataFrame) -> list[str]:
    return [f"{r * 100:.1f}%" for r in frame["adoption_rate"]]


def months_table(months: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"月份": months["month"], "签发期数": months["issues"], "刊发条数": months["entries"]})


def kinds_table(kinds: pd.DataFrame) -> pd.DataFrame:
    return protect_frame(pd.DataFrame({"信息类别": kinds["content_kind"], "刊发条数": kinds["entries"]}))


def recipients_table(sent: pd.DataFrame) -> pd.DataFrame:
    return protect_frame(pd.DataFrame({"报送单位": sent["recipient"], "期数": sent["issues"], "条数": sent["entries"]}))


def units_table(units: pd.DataFrame) -> pd.DataFrame:
    return protect_frame(pd.DataFrame({"单位": units["unit"], "报送": units["submitted"], "采用": units["adopted"],
                                       "采用率": _rate(units)}))


def informants_table(people: pd.DataFrame) -> pd.DataFrame:
    return protect_frame(pd.DataFrame({"信息员": people["submitter"], "单位": people["unit"], "报送": people["submitted"],
                                       "采用": people["adopted"], "采用率": _rate(people)}))
