"""部门: responsiveness per department (the monthly bulletin's figures), 市直 vs 县市区, honour and
reminder lists, group rates with their formulas, and one department in detail (trend, items).

Requests only (web opinion never counts). Figures come from core/analytics/metrics.py (through ui/cached.py) —
the same query and cut-off as the 通报 — and a figure the sources do not provide says so (来源未提供…),
never 0%. The rules are printed in an expander.
"""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core.analytics import metrics, replies, series
from dashboard.core.config import AnalyticsSettings
from dashboard.core.display import figures, kpis, tables
from dashboard.ui import cached, widgets
from dashboard.ui import filters as ui_filters
from dashboard.ui.reports import report_downloads
from dashboard.ui.store import query

NONE = "（选择部门）"
DETAIL_ROWS = 200
CONFIG = {
    "答复率": st.column_config.NumberColumn("答复率", format="percent",
                                         help="已答复 ÷ 有效件（来源提供答复信息的）；空白：来源未提供答复信息"),
    "满意率": st.column_config.NumberColumn("满意率", format="percent",
                                         help="满意（含基本满意）÷ 有效件（来源提供满意度的）；空白：来源未提供满意度"),
    "答复用时中位数（天）": st.column_config.NumberColumn("答复用时中位数（天）", format="%.1f"),
    "答复用时P90（天）": st.column_config.NumberColumn("答复用时P90（天）", format="%.1f"),
    "名次变化": st.column_config.NumberColumn("名次变化", format="%+d", help="上期名次 − 本期名次：正数为上升"),
    "有效件不足": st.column_config.CheckboxColumn("有效件不足", help="有效件少于最小分母，比率仅供参考"),
}

st.title("部门")
if not widgets.data_status():
    st.stop()

settings = AnalyticsSettings()
f = ui_filters.current()
hour = f.day_start_hour
as_of = cached.figures_as_of()
st.caption(f"时间：{core_filters.describe_period(f.period, hour)}。只统计诉求（留言板、热线、来信等），网络舆情不计入。"
           f"答复情况统计截至 {as_of:%Y-%m-%d %H:%M}（库中最新的发布或答复时间，与《通报》相同）；"
           f"名次变化与上一个等长时间段相比。有效件少于 {settings.min_denominator} 件的比率标 * 或勾选「有效件不足」，仅供参考。")
if f.period and f.period.end > as_of - timedelta(days=settings.overdue_days):
    st.info(f"所选时间段的后段仍在 {settings.overdue_days} 天答复时限内，这些诉求尚未到期，答复率、满意率会偏低。"
            "月度通报请在侧栏选择「上月」。")
with st.expander("统计规则", icon=":material/rule:"):
    st.text("\n".join(f"• {line}" for line in cached.rules_text()))
if f.period is not None:
    report_downloads("departments_bulletin", "生成通报", lambda: cached.bulletin_report(f),
                     lambda r: widgets.export_name("网民留言办理情况通报", f), signature=repr(f.period),
                     help="《网民留言办理情况通报》：侧栏时间段，全部诉求，与本页数字相同。", whole_store=True)

table = cached.department_table(f)
if table.empty:
    widgets.no_items_note()
    st.stop()
groups = {g.group: g for g in cached.group_summary(f)}
total = groups[metrics.TOTAL]
widgets.kpi_cards(kpis.responsiveness_kpis(total, settings))

present = [g for g in metrics.GROUPS if g in ("市直", "县市区") or (table["group"] == g).any()]
for tab, group in zip(st.tabs(present), present):
    with tab:
        summary = groups.get(group)
        if summary is not None:
            widgets.kpi_cards(kpis.group_kpis(summary))
        rows = table[table["group"] == group]
        widgets.table(tables.department_table(rows), hide_index=True, column_config=CONFIG,
                     key=f"departments_table_{group}")
        if tables.has_unknown_sources(rows):
            st.caption("部分诉求的来源文件没有答复或满意度列：这些诉求不计入相应比率，比率空白表示来源未提供。")
        if group == metrics.UNLABELLED:
            st.caption("未标注承办单位的诉求不参加排名、表扬和提醒。")
            continue
        honour, reminder = st.columns(2)
        with honour:
            st.markdown("**表扬名单**（答复率、满意率均为 100%）")
            listed = cached.honour_list(f, group)
            if listed.empty:
                st.caption("没有。")
            else:
                widgets.table(tables.department_list_table(listed), hide_index=True, column_config=CONFIG,
                             key=f"departments_honour_{group}")
        with reminder:
            rule = "均" if settings.reminder_rule == "both" else "有一项"
            st.markdown(f"**提醒名单**（答复率、满意率{rule}低于 {settings.reminder_threshold * 100:g}%）")
            listed = cached.reminder_list(f, group)
            if listed.empty:
                st.caption("没有。")
            else:
                widgets.table(tables.department_list_table(listed), hide_index=True, column_config=CONFIG,
                             key=f"departments_reminder_{group}")

# ------------------------------------------------------------------------------- reply substance
st.subheader("答复质量")
quality = cached.reply_quality(f)
if quality.empty:
    st.caption("所选范围内没有可判断的答复：来源未提供答复内容，或诉求尚未答复。")
else:
    widgets.table(tables.reply_quality_table(quality), hide_index=True, key="departments_reply_quality")
    st.caption(replies.RULES_TEXT)

# ------------------------------------------------------------------------------------- detail
st.subheader("部门详情")
names = [d for d in table["department"].tolist() if d != metrics.UNLABELLED]
chosen = st.selectbox("部门", [NONE, *names], key="departments_detail")
if chosen == NONE:
    st.caption("选择一个部门，查看它的趋势、名次、超期诉求和条目。")
    st.stop()

row = table[table["department"] == chosen].iloc[0]
widgets.kpi_cards(kpis.department_kpis(row, settings))

fdept = core_filters.narrow(f, "department", [chosen])
dept_grain = core_filters.grain_for(fdept.period)
volume = query("trends/volume", **fdept.params(), grain=dept_grain, dimension=None, day_start_hour=hour)
widgets.chart(figures.volume_figure(series.fill_buckets(volume, fdept.period, dept_grain, hour), grain=dept_grain,
                                   title=f"每{core_filters.GRAIN_LABELS[dept_grain]}条目数"),
              key=widgets.view_key("departments_trend", fdept), selectable=False)

overdue = cached.overdue_items(fdept, limit=200)
if not overdue.empty:
    st.markdown("**超期诉求**")
    widgets.table(tables.item_table(overdue.rename(columns={"overdue_kind": "超期类型", "days": "天数"})),
                 hide_index=True, column_config=widgets.ITEM_COLUMNS, key="departments_detail_overdue")

flagged = cached.flagged_replies(fdept)
if not flagged.empty:
    st.markdown(f"**需改进的答复**（{len(flagged):,} 件）")
    widgets.table(tables.flagged_reply_table(flagged), hide_index=True, key="departments_detail_flagged")

st.markdown("**条目**")
total_items = int(query("items/count", **fdept.params(), subcategories=None).iat[0, 0])
rows = query("items/list", **fdept.params(), subcategories=None, limit=DETAIL_ROWS, offset=0)
st.caption(f"共 {total_items:,} 条" + (f"，下方显示最新 {DETAIL_ROWS} 条" if total_items > DETAIL_ROWS else ""))
widgets.table(tables.item_table(rows), hide_index=True, column_config=widgets.ITEM_COLUMNS, height=360,
             key="departments_detail_items")
