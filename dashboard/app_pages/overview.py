"""总览: one monitoring day at a glance — totals with 环比/同比, negative share, alerts, hot topics,
rising terms, departments to remind, the items that drew most attention.

The day is the last day of the sidebar's time range (by default the current monitoring day, or the
day of the newest data when the store ends before today); the other sidebar filters apply too.
Item text is shown only through st.dataframe / st.text, never markdown.
"""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core import reports
from dashboard.core.analytics import alerts as core_alerts
from dashboard.core.analytics import metrics, series
from dashboard.core.config import AnalyticsSettings
from dashboard.core.display import figures, kpis, tables
from dashboard.core.display.kpis import Kpi
from dashboard.ui import cached, widgets
from dashboard.ui import filters as ui_filters
from dashboard.ui.reports import report_downloads
from dashboard.ui.store import query

SEVERITY_ICONS = {"高": ":material/error:", "中": ":material/warning:", "低": ":material/info:"}
ALERTS_SHOWN = 6
TOPICS_SHOWN = 5

st.title("总览")
if not widgets.data_status():
    st.stop()

settings = AnalyticsSettings()
f = ui_filters.current()
hour = f.day_start_hour
newest = ui_filters.store_summary()["last_published"]
default_day = cached.view_day(f, newest)
pick, note = st.columns([1, 3], vertical_alignment="bottom")
with pick:
    day = widgets.day_picker("overview_day", default_day, hour)
fd = cached.day_filters(f, day)
with note:
    st.caption(f"本页统计：{core_filters.describe_period(fd.period, hour)}。"
               "环比与前一天相比，同比与去年同一天相比；侧栏的分类、渠道等筛选同样适用。")
if age := core_filters.data_age_note(day, newest, ui_filters.now(), hour):
    st.info(age, icon=":material/history:")

# ------------------------------------------------------------------------------------ headline
params = fd.params()
summary = query("trends/summary", **params).iloc[0]
previous = query("trends/summary", **fd.with_period(fd.period.previous()).params()).iloc[0]
year = query("trends/summary", **fd.with_period(fd.period.year_before()).params()).iloc[0]
items_kpi, _, negative_kpi = kpis.summary_kpis(summary, previous, year, 1, settings.min_denominator)
due, window = cached.due_reply_rate(f, day)
due_before, _ = cached.due_reply_rate(f, day - timedelta(days=1))
reply_kpi = kpis.due_rate_kpi(due.numerator, due.denominator, (due_before.numerator, due_before.denominator),
                                *metrics.due_rate_parts(due, window, settings), settings.min_denominator)
listed = cached.day_alerts(f, day)
warnings, reminders = list(listed.warnings), list(listed.reminders)
counts = core_alerts.AlertCounts.of(listed.alerts)
alerts_kpi = Kpi(label="预警", value=counts.warnings, text=str(counts.warnings),
                 formula="当日触发的预警条数（数量激增、负面占比上升、关注词、超期未答复），规则见「热点与预警」页；"
                         "部门提醒另计",
                 notes=(" · ".join(f"{s} {n}" for s, n in counts.by_severity.items())
                        + (f"，另有 {len(listed.held)} 条未列出" if listed.held else ""), f"部门提醒 {counts.reminders} 个"))
first_item = ui_filters.store_summary()["first_published"]
widgets.kpi_cards(kpis.with_coverage([items_kpi, negative_kpi], fd.period, first_item) + [reply_kpi, alerts_kpi])
week = fd.with_period(core_filters.days_period(day - timedelta(days=6), day, hour))
week_volume = query("trends/volume", **week.params(), grain="day", dimension=None, day_start_hour=hour)
st.caption("近7天每日条目数")
widgets.chart(figures.sparkline_figure(series.fill_buckets(week_volume, week.period, "day", hour)),
              key=widgets.view_key("overview_week", week.params()), selectable=False)
report_downloads("overview_digest", "生成摘报", lambda: cached.daily_digest(day),
                 lambda r: reports.file_name(r, day)[:-5], signature=f"{day}",
                 help=f"《舆情摘报》：{day} 监测日（08:00 至次日 08:00），不受侧栏其他筛选影响。"
                      "生成时编为第 N 期（同一天再次生成沿用原期号）。", whole_store=True)

# ------------------------------------------------------------------------------------- alerts
left, right = st.columns(2)
with left:
    st.subheader("预警")
    if not warnings:
        st.caption("当日没有触发预警。")
    else:
        table = tables.alerts_table(warnings)
        widgets.table(table, hide_index=True, height=min(38 + 35 * len(table), 250), key="overview_alerts_table",
                     column_config={"说明": st.column_config.TextColumn("说明", width="large")})
        for alert in warnings[:ALERTS_SHOWN]:
            label = f"{alert.severity} · {alert.kind_label} · {widgets.md_escape(alert.value)}（{alert.count} 条）"
            with st.expander(label, icon=SEVERITY_ICONS.get(alert.severity)):
                st.text(alert.message)
                rows = cached.alert_items(alert)
                widgets.table(tables.item_table(rows), hide_index=True, height=220,
                             column_config=widgets.ITEM_COLUMNS, key=f"overview_alert_{alert.key}")
        if len(warnings) > ALERTS_SHOWN:
            st.caption(f"另有 {len(warnings) - ALERTS_SHOWN} 条预警，见「热点与预警」页。")
    if listed.held:
        st.caption(listed.held_text())
    if listed.backlog:
        st.caption(f"超期积压：{listed.backlog.text()}")

# --------------------------------------------------------------------------------- hot topics
with right:
    st.subheader("热点话题")
    hot = cached.hot_topics(fd, limit=TOPICS_SHOWN)
    if not hot:
        st.caption("当日没有形成话题（至少 3 条相互关联的信息）。")
    else:
        widgets.table(tables.topics_table(hot, full=False), hide_index=True, key="overview_topics",
                     column_config={"代表性原话": st.column_config.TextColumn("代表性原话", width="large"),
                                    "最新": st.column_config.DatetimeColumn("最新", format="MM-DD HH:mm")})

# ------------------------------------------------------------------------ rising terms, reminders
left, right = st.columns(2)
with left:
    st.subheader("上升词")
    rising = cached.rising_terms(fd, limit=10, min_count=3)
    if rising.empty:
        st.caption("与前一天相比没有明显上升的词（至少 3 条信息使用）。")
    else:
        widgets.table(
            tables.rising_terms_table(rising), hide_index=True, key="overview_rising",
            column_config={"上升倍数": st.column_config.NumberColumn("上升倍数", format="%.1f")})
with right:
    st.subheader("提醒部门")
    if not reminders:
        st.caption("没有低于提醒线的部门（已到答复期限的诉求）。")
    else:
        widgets.table(tables.reminders_table(reminders), hide_index=True, key="overview_reminders",
                     column_config={"答复率": st.column_config.NumberColumn("答复率", format="percent"),
                                    "满意率": st.column_config.NumberColumn("满意率", format="percent")})
        st.caption("统计已到答复期限的诉求（提醒规则见「部门」页与「热点与预警」页）。")

# ----------------------------------------------------------------------------- attention items
st.subheader("高关注信息")
attention = cached.attention_items(fd, limit=10)
if attention.empty:
    widgets.no_items_note()
else:
    widgets.table(tables.attention_table(attention), hide_index=True,
                 key="overview_attention", column_config=widgets.ITEM_COLUMNS)
    st.caption("按点赞数从多到少，同样点赞时负面在前、较新的在前。")
