"""Item rows and category rows shaped for tables, details and exports: authors masked, response times in
days and hours, Chinese column names, cells a spreadsheet would run as formulas made inert. No streamlit."""
from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.core.display.figures import HOVER_TIME
from dashboard.core.reports.exports import protect_frame


def category_table(tree: pd.DataFrame) -> pd.DataFrame:
    """The level-1 rows of category_tree() for a table: 分类, 条目数, 占比, 上期, 环比."""
    top = tree[tree["level"] == 1]
    return pd.DataFrame({
        "分类": top["category"].to_numpy(), "条目数": top["items"].to_numpy(),
        "占比": (top["share"] * 100).round(1).to_numpy(), "上期": top["previous"].to_numpy(),
        "环比": top["change"].to_numpy(),
    })


ITEM_COLUMNS = {
    "id": "编号", "published_at": "发布时间", "title": "标题", "content": "内容", "channel": "渠道",
    "source": "来源", "category": "分类", "subcategory": "二级分类", "region": "地区", "department": "承办部门",
    "department_level": "部门级别", "sentiment": "情感", "is_valid": "有效诉求", "replied_at": "答复时间",
    "response": "响应时长", "response_hours": "响应时长（小时）", "reply_content": "答复内容",
    "satisfaction": "满意度", "author": "作者", "likes": "点赞数", "dislikes": "反对数", "url": "链接",
    # columns the alert and overdue item queries add
    "word": "关注词", "day": "监测日", "overdue_kind": "超期类型", "days": "已过天数", "open_days": "未答复天数",
    "waited": "等待天数", "limit_days": "时限（天）",
    "kind": "类型", "reply_status": "答复状态", "region_source": "地区来源", "category_predicted": "预测分类",
}


def format_duration(hours: Any) -> str:
    """Response time as Chinese text: '45 分钟', '5 小时 30 分钟', '2 天 3 小时' (whole
    hours from a day on); '' when there is no reply."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)) or pd.isna(hours):
        return ""
    minutes = round(float(hours) * 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    days, rest = divmod(minutes, 24 * 60)
    whole_hours, rest_minutes = divmod(rest, 60)
    if days == 0:
        return f"{whole_hours} 小时" + (f" {rest_minutes} 分钟" if rest_minutes else "")
    return f"{days} 天" + (f" {whole_hours} 小时" if whole_hours else "")


def item_table(frame: pd.DataFrame, newest_first: bool = False) -> pd.DataFrame:
    """Rows of items/list.sql for display (authors come masked from the staging view): response time as
    text, Chinese headers; `newest_first` orders them so.

    Text that a spreadsheet would run as a formula (=, +, -, @ …) gets a leading apostrophe here too:
    st.dataframe has its own "download as CSV" button, which cannot be turned off and does not protect
    cells, so the table itself must already be safe. (The detail view shows the text untouched.)
    """
    shown = protect_frame(frame.copy())
    if newest_first and "published_at" in shown.columns:
        shown = shown.sort_values("published_at", ascending=False, kind="stable")
    if "response_hours" in shown.columns:
        shown.insert(list(shown.columns).index("response_hours"), "response",
                     shown["response_hours"].map(format_duration))
        shown = shown.drop(columns=["response_hours"])
    if "is_valid" in shown.columns:
        shown["is_valid"] = shown["is_valid"].map({True: "是", False: "否"})
    return shown.rename(columns=ITEM_COLUMNS)


def export_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of items/export.sql for CSV/XLSX (authors masked by the staging view): response hours kept as a
    number too."""
    shown = frame.copy()
    if "response_hours" in shown.columns:
        shown.insert(list(shown.columns).index("response_hours"), "response",
                     shown["response_hours"].map(format_duration))
        shown["response_hours"] = shown["response_hours"].round(1)
    if "is_valid" in shown.columns:
        shown["is_valid"] = shown["is_valid"].map({True: "是", False: "否"})
    return shown.rename(columns=ITEM_COLUMNS)


def item_detail(row: Mapping[str, Any]) -> dict[str, Any]:
    """One item (items/detail.sql) as label → text, for the detail view. Every value is plain text."""
    def text(value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, (pd.Timestamp, datetime)):
            return f"{value:%Y-%m-%d %H:%M}"
        return str(value)

    replied = row.get("replied_at")
    has_reply = replied is not None and not pd.isna(replied)
    response = format_duration(row.get("response_hours")) if has_reply else ""
    author = row.get("author")
    region_source = text(row.get("region_source"))
    return {
        "编号": text(row.get("id")),
        "标题": text(row.get("title")),
        "发布时间": text(row.get("published_at")),
        "渠道 / 来源": " / ".join(x for x in (text(row.get("channel")), text(row.get("source"))) if x),
        "分类": " / ".join(x for x in (text(row.get("category")), text(row.get("subcategory"))) if x),
        "预测分类": text(row.get("category_predicted")),
        "地区": text(row.get("region")) + (f"（{region_source}）" if region_source and row.get("region") else ""),
        "类型": text(row.get("kind")),
        "承办部门": " / ".join(x for x in (text(row.get("department")), text(row.get("department_level"))) if x),
        "情感": text(row.get("sentiment")) or "未评分",
        "作者": text(author),
        "内容": text(row.get("content")),
        "答复时间": text(replied) if has_reply else text(row.get("reply_status")),
        "响应时长": response,
        "答复内容": text(row.get("reply_content")),
        "满意度": text(row.get("satisfaction")),
        "链接": text(row.get("url")),
    }


# --------------------------------------------------------------------------------------------------
# Alerts and hot topics as tables
# --------------------------------------------------------------------------------------------------

def alerts_table(alerts: list) -> pd.DataFrame:
    """Alerts (analytics.alerts.Alert) for a table: 级别, 类型, 对象, 条目, 说明."""
    return pd.DataFrame([{"级别": a.severity, "类型": a.kind_label, "对象": a.value, "条目": a.count,
                          "说明": a.message} for a in alerts], columns=["级别", "类型", "对象", "条目", "说明"])


def reminders_table(reminders: list) -> pd.DataFrame:
    """Department reminders (alerts of kind 'reminder') for a table: 部门, 有效件, 答复率, 满意率, 级别."""
    return pd.DataFrame([{"部门": a.value, "有效件": a.figures["valid"], "答复率": a.figures["reply_rate"],
                          "满意率": a.figures["satisfaction_rate"], "级别": a.severity} for a in reminders],
                        columns=["部门", "有效件", "答复率", "满意率", "级别"])


def topics_table(topics: list, full: bool = True) -> pd.DataFrame:
    """Hot topics (analytics.topics.Topic) for a table; `full` adds first day, channels and departments."""
    rows = []
    for t in topics:
        row = {"话题": t.label, "关键词": t.key_terms, "条目": t.size, "人数": t.people, "点赞": t.likes}
        if full:
            row |= {"首条": t.first_at, "最新": t.last_at, "渠道": "、".join(t.channels),
                    "部门": "、".join(t.departments[:3]) + ("等" if len(t.departments) > 3 else "")}
        else:
            row["最新"] = t.last_at
        row["代表性原话"] = t.quotes[0] if t.quotes else t.representative_title
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Department responsiveness, rising terms and attention items as tables
# --------------------------------------------------------------------------------------------------

DEPARTMENT_COLUMNS = {
    "department": "部门", "received": "受理", "valid": "有效", "replied": "已答复", "reply_rate": "答复率",
    "satisfied": "满意", "satisfaction_rate": "满意率", "response_days_median": "答复用时中位数（天）",
    "response_days_p90": "答复用时P90（天）", "overdue_open": "超期未答复", "replied_late": "超期答复",
    "reply_unknown": "来源未提供答复", "satisfaction_unknown": "来源未提供满意度",
    "rank": "名次", "rank_change": "名次变化", "tiny": "有效件不足", "honour": "表扬", "reminder": "提醒",
}
UNKNOWN_COLUMNS = ("reply_unknown", "satisfaction_unknown")
DEPARTMENT_LIST_COLUMNS = {"department": "部门", "valid": "有效", "replied": "已答复", "satisfied": "满意",
                           "reply_rate": "答复率", "satisfaction_rate": "满意率", "tiny": "有效件不足",
                           "below": "低于提醒线"}


def department_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Departments of one group (metrics.department_table rows) with Chinese headers; the 来源未提供 columns
    only when some source lacked the field (a column of zeros would say nothing)."""
    shown = [c for c in DEPARTMENT_COLUMNS if c in rows.columns and (c not in UNKNOWN_COLUMNS or rows[c].any())]
    return rows[shown].rename(columns=DEPARTMENT_COLUMNS)


def has_unknown_sources(rows: pd.DataFrame) -> bool:
    return any(c in rows.columns and rows[c].any() for c in UNKNOWN_COLUMNS)


def department_list_table(listed: pd.DataFrame) -> pd.DataFrame:
    """An honour or reminder list (metrics.honour_list / reminder_list) with Chinese headers."""
    return listed[[c for c in DEPARTMENT_LIST_COLUMNS if c in listed.columns]].rename(columns=DEPARTMENT_LIST_COLUMNS)


REPLY_QUALITY_COLUMNS = {"department": "部门", "judged": "判断答复", "substantive": "实质性答复",
                         "substantive_rate": "实质答复率", "ack_only": "仅收悉/转办", "template": "模板答复",
                         "median_chars": "答复字数中位数"}


def reply_quality_table(quality: pd.DataFrame) -> pd.DataFrame:
    """replies/by_department rows with Chinese headers; the rate as a percentage text."""
    shown = quality[list(REPLY_QUALITY_COLUMNS)].rename(columns=REPLY_QUALITY_COLUMNS)
    shown["实质答复率"] = quality["substantive_rate"].map(lambda v: f"{v * 100:.1f}%")
    return shown


def flagged_reply_table(flagged: pd.DataFrame) -> pd.DataFrame:
    """Replies judged not substantive: when, which request (masked title), how long, why."""
    return item_table(flagged[["published_at", "title", "department", "reply_chars", "reasons"]]).rename(
        columns={"reply_chars": "答复字数", "reasons": "原因"})


def rising_terms_table(rising: pd.DataFrame) -> pd.DataFrame:
    """terms/rising rows: 词语, 当日条目, 前一天条目, 上升倍数."""
    return rising[["term", "count", "prev_count", "lift"]].rename(
        columns={"term": "词语", "count": "当日条目", "prev_count": "前一天条目", "lift": "上升倍数"})


ATTENTION_COLUMNS = ["published_at", "title", "channel", "category", "department", "sentiment", "likes"]


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    """items/attention rows for the 高关注信息 table (safe cells, Chinese headers, 点赞 for short)."""
    return item_table(attention[ATTENTION_COLUMNS]).rename(columns={"点赞数": "点赞"})


MISSING = "—"
_MOMENT_FORMATS = {"YYYY-MM-DD HH:mm": "%Y-%m-%d %H:%M", "MM-DD HH:mm": "%m-%d %H:%M", "YYYY-MM-DD": "%Y-%m-%d"}


def _number_text(value: Any, fmt: str | None) -> str:
    if fmt == "percent":
        return f"{value:.1%}"
    if fmt and fmt.startswith("%"):
        return fmt % value
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def without_gaps(frame: pd.DataFrame, formats: dict[str, str | None] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The frame as people read it: an empty cell says "—" instead of Streamlit's "None" or nothing.

    Text columns fill their gaps and blank strings. A numeric or time column with gaps becomes text, each value
    written the way its column format (`formats`: column -> a Streamlit NumberColumn / DatetimeColumn
    format) would have shown it. Returns the frame and the columns turned into text."""
    formats = formats or {}
    out, converted = frame.copy(), []
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            blank = values.isna() | values.astype(str).str.strip().eq("")
            if blank.any():
                out[column] = values.astype(object).where(~blank, MISSING)
            continue
        if not values.isna().any():
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            pattern = _MOMENT_FORMATS.get(formats.get(column) or "", "%Y-%m-%d %H:%M")
            out[column] = [MISSING if pd.isna(v) else pd.Timestamp(v).strftime(pattern) for v in values]
            converted.append(column)
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = [MISSING if pd.isna(v) else _number_text(v, formats.get(column)) for v in values]
            converted.append(column)
    return out, converted


def spikes_table(spikes: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Every spike of a trend (find_spikes rows with spike set): when, how many, against what."""
    return pd.DataFrame({
        "时间": [pd.Timestamp(b).strftime(HOVER_TIME[grain]) for b in spikes["bucket"]],
        "条目数": spikes["items"].astype(int).tolist(),
        "阈值": spikes["threshold"].round(1).tolist(),
        "超出倍数": (spikes["items"] / spikes["threshold"].clip(lower=1)).round(1).tolist(),
    })
