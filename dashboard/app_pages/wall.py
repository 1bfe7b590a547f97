"""大屏: the monitoring centre's wall (1920×1080, dark, large type, no sidebar, no controls).

It shows the newest monitoring day with data and rotates every PANEL_SECONDS through today's volume
against yesterday, the live alerts, the top topics, a regional ranking (no map) and department
responsiveness (`?panel=alerts` pins one panel, for a wall of several screens). The router's 5-second check reruns it when new data arrives. Item text is shown only
through st.text / st.metric / plotly (escaped), never markdown or HTML."""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core.analytics import alerts as core_alerts
from dashboard.core.config import AnalyticsSettings
from dashboard.core.display import wall
from dashboard.ui import cached, widgets
from dashboard.ui import filters as ui_filters
from dashboard.ui.store import query

settings = AnalyticsSettings()
HOUR = settings.day_start_hour or 8


def _day_filters() -> tuple[core_filters.Filters, object]:
    newest = ui_filters.store_summary()["last_published"]
    anchor = core_filters.anchor_time(ui_filters.now(), None if pd.isna(newest) else newest)
    day = core_filters.current_day(anchor, HOUR)
    return core_filters.Filters(period=core_filters.day_period(day, HOUR), day_start_hour=HOUR), day


def _hours(f: core_filters.Filters) -> pd.DataFrame:
    rows = query("trends/volume", **f.params(), grain="hour", dimension=None, day_start_hour=HOUR)
    counts = {pd.Timestamp(b).hour: int(n) for b, n in zip(rows["bucket"], rows["items"])} if not rows.empty else {}
    order = [(HOUR + i) % 24 for i in range(24)]
    return pd.DataFrame({"hour": [f"{h:02d}" for h in order], "items": [counts.get(h, 0) for h in order]})


def volume_panel(f, day) -> None:
    before = f.with_period(f.period.previous())
    today, yesterday = query("trends/summary", **f.params()).iloc[0], query("trends/summary", **before.params()).iloc[0]
    a, b, c = st.columns(3)
    a.metric("今日信息", f"{int(today['items']):,} 条", delta=f"{int(today['items']) - int(yesterday['items']):+,} 条",
             delta_color="off", delta_description="较昨日")
    b.metric("昨日信息", f"{int(yesterday['items']):,} 条")
    negative = int(today.get("negative", 0) or 0)
    c.metric("今日负面", f"{negative:,} 条")
    st.plotly_chart(wall.hourly_figure(_hours(f), _hours(before)), key="wall_hours", config={"staticPlot": True})


def alerts_panel(f, day) -> None:
    warnings, reminders = core_alerts.split(cached.current_alerts(f, day))
    if not warnings:
        st.text("当日没有预警。")
    for alert in warnings[:8]:
        st.text(f"【{alert.severity}】{alert.kind_label} · {alert.value}（{alert.count} 条）")
    if len(warnings) > 8:
        st.text(f"另有 {len(warnings) - 8} 条预警")
    st.caption(f"部门提醒 {len(reminders)} 个")


def topics_panel(f, day) -> None:
    hot = cached.hot_topics(f, limit=8)
    if not hot:
        st.text("当日没有形成话题。")
    for rank, topic in enumerate(hot, 1):
        st.text(f"{rank}. {topic.label}　{topic.size} 条 · {topic.people} 人")


def regions_panel(f, day) -> None:
    rows = query("trends/volume", **f.params(), grain="day", dimension="region", day_start_hour=HOUR)
    ranked = rows.groupby("series", as_index=False)["items"].sum().rename(columns={"series": "value"})
    ranked = ranked[ranked["value"] != core_filters.UNLABELLED]
    if ranked.empty:
        st.text("当日没有带地区的信息。")
        return
    st.plotly_chart(wall.ranking_figure(ranked, "region"), key="wall_regions", config={"staticPlot": True})


def departments_panel(f, day) -> None:
    week = f.with_period(core_filters.days_period(day - pd.Timedelta(days=29), day, HOUR))
    table = cached.department_table(week, compare_previous=False)
    if table.empty or "reply_rate" not in table:
        st.text("来源未提供答复情况，无法统计部门响应。")
        return
    shown = table.dropna(subset=["reply_rate"]).sort_values(["reply_rate", "valid"], ascending=[True, False]).head(8)
    st.caption("近30天答复率最低的部门（已到答复期限的诉求）")
    for row in shown.itertuples():
        st.text(f"{row.department}　答复率 {row.reply_rate:.0%}　有效 {int(row.valid)} 件")


PANELS = {"volume": volume_panel, "alerts": alerts_panel, "topics": topics_panel, "regions": regions_panel,
          "departments": departments_panel}


@st.fragment(run_every=f"{wall.PANEL_SECONDS}s")
def rotating_panel() -> None:
    f, day = _day_filters()
    pinned = st.query_params.get("panel")       # ?panel=alerts: a screen that always shows one panel
    name = pinned if pinned in PANELS else wall.panel_at(time.time())
    with st.container(key="wall_panel"):
        st.header(f"{wall.PANEL_TITLES[name]} · {day:%Y-%m-%d}")
        PANELS[name](f, day)
    st.caption(f"每 {wall.PANEL_SECONDS} 秒轮换：" + " → ".join(wall.PANEL_TITLES.values()))


with st.container(key="wall"):
    st.title("舆情态势大屏")
    if widgets.data_status():
        rotating_panel()
