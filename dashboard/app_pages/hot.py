"""热点与预警: every alert of the monitoring day (severity, one-sentence explanation, its items) and the
hot topics of the sidebar period (size, engagement, first/latest item, channels, departments,
representative quotes), with a drill-down to a topic's items.

Item text is shown only through st.dataframe / st.text, never markdown.
"""
from __future__ import annotations

import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core.analytics import alerts as core_alerts
from dashboard.core.analytics import topics
from dashboard.core.display import tables
from dashboard.core.reports.digest import topic_paragraph
from dashboard.ui import cached, desk, widgets
from dashboard.ui import filters as ui_filters
from dashboard.ui.reports import report_downloads

SEVERITY_ICONS = {"高": ":material/error:", "中": ":material/warning:", "低": ":material/info:"}

st.title("热点与预警")
if not widgets.data_status():
    st.stop()

f = ui_filters.current()
hour = f.day_start_hour

# ------------------------------------------------------------------------------------- alerts
st.subheader("预警")
default_day = cached.view_day(f, ui_filters.store_summary()["last_published"])
pick, severity_col = st.columns([1, 2], vertical_alignment="bottom")
with pick:
    day = widgets.day_picker("hot_day", default_day, hour)
with severity_col:
    severities = st.pills("级别", ["高", "中", "低"], selection_mode="multi", default=["高", "中", "低"],
                          key="hot_severity")
listed = cached.day_alerts(f, day)
shown = [a for a in listed.alerts if a.severity in (severities or [])]
st.caption(f"{core_filters.describe_period(cached.day_filters(f, day).period, hour)}：共有"
           f"{listed.counts_text()}（与《舆情摘报》的计法相同）。侧栏的分类、渠道等筛选同样适用。")
if listed.backlog:
    st.text(f"超期积压：{listed.backlog.text()}")
if not shown:
    st.info("所选级别没有预警。")
for alert in shown:
    label = f"{alert.severity} · {alert.kind_label} · {widgets.md_escape(alert.value)}（{alert.count} 条）"
    with st.expander(label, expanded=alert.severity == "高", icon=SEVERITY_ICONS.get(alert.severity)):
        st.text(alert.message)
        rows = cached.alert_items(alert)
        widgets.table(tables.item_table(rows), hide_index=True, height=min(38 + 35 * len(rows), 300),
                     column_config=widgets.ITEM_COLUMNS, key=f"hot_alert_{alert.key}")
        desk.pick_button("预警", alert.key, list(rows["id"]), key=f"hot_pick_{alert.key}",
                         headline=f"【{alert.kind_label}】{alert.value}", wording=alert.message)
if listed.held:
    with st.expander(listed.held_text(), icon=":material/more_horiz:"):
        widgets.table(tables.alerts_table(list(listed.held)), hide_index=True, key="hot_alerts_held",
                     column_config={"说明": st.column_config.TextColumn("说明", width="large")})
with st.expander("预警规则", icon=":material/rule:"):
    st.text("\n".join(f"• {line}" for line in cached.alert_rules_text(f)))

# --------------------------------------------------------------------------------- hot topics
st.subheader("热点话题")
st.caption(f"时间：{core_filters.describe_period(f.period, hour)}（侧栏时间范围）。把说同一件事的信息归为一个话题，"
           "按参与人数、点赞数和新近程度排序；至少 3 条相互关联的信息才成为话题。")
scope = cached.topic_scope(f)
if scope.capped:
    st.caption(f"所选范围共 {scope.total:,} 条信息，话题按其中最新的 {topics.TOPIC_ITEM_CAP:,} 条"
               f"（{scope.start:%Y-%m-%d %H:%M} 以后）归并，以保证页面及时响应；查看更早的话题请缩小时间范围。")
hot = cached.hot_topics(f, limit=20)
if not hot:
    st.info("所选时间和筛选条件下没有形成话题。可以放宽筛选条件或选择更长的时间范围。")
    st.stop()

widgets.table(tables.topics_table(hot), hide_index=True, key="hot_topics_table",
             column_config={"首条": st.column_config.DatetimeColumn("首条", format="MM-DD HH:mm"),
                            "最新": st.column_config.DatetimeColumn("最新", format="MM-DD HH:mm"),
                            "代表性原话": st.column_config.TextColumn("代表性原话", width="large")})

by_label = {f"{i + 1}. {t.label}（{t.size} 条）": t for i, t in enumerate(hot)}
topic = by_label[st.selectbox("查看话题", list(by_label), key=widgets.view_key("hot_topic", f, [t.topic_id for t in hot]))]

cols = st.columns(4)
cols[0].metric("条目", f"{topic.size:,}", border=True)
cols[1].metric("人数", f"{topic.people:,}", help="不同作者数（没有作者或匿名的每条算一人）", border=True)
cols[2].metric("点赞", f"{topic.likes:,}", border=True)
cols[3].metric("持续", tables.format_duration((topic.last_at - topic.first_at).total_seconds() / 3600) or "0 分钟",
               help="从首条到最新一条", border=True)
st.text(f"时间：{topic.first_at:%Y-%m-%d %H:%M} 至 {topic.last_at:%Y-%m-%d %H:%M}\n"
        f"关键词：{'、'.join(topic.terms)}\n"
        f"渠道：{'、'.join(topic.channels)}\n"
        f"涉及部门：{'、'.join(topic.departments)}\n"
        f"地区：{'、'.join(topic.regions)}\n"
        f"代表性标题：{topic.representative_title}")
for quote in topic.quotes:
    st.text(f"“{quote}”")
desk.pick_button("热点话题", topic.topic_id, list(topic.item_ids), key=f"hot_pick_{topic.topic_id}",
                 headline=topic.label, wording=topic_paragraph(topic))
report_downloads("hot_special", "生成专报", lambda: cached.special_report(f, topic),
                 lambda r: f"舆情专报_{topic.label}_{topic.first_at:%Y-%m-%d}", signature=f"{f!r}|{topic.topic_id}",
                 help="《专报》：所选话题（侧栏筛选范围内）的概况、每日信息量、情感倾向、网民原话和信息列表。")
items = cached.topic_items(topic.item_ids, since=topic.first_at)
widgets.table(tables.item_table(items, newest_first=True),
             hide_index=True, key="hot_topic_items", height=min(38 + 35 * len(items), 400),
             column_config={**widgets.ITEM_COLUMNS, "内容": st.column_config.TextColumn("内容", width="large")})
