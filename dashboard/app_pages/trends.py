"""趋势: volume by hour/day/week/month, split by a dimension, the previous period overlaid, spikes marked."""
from __future__ import annotations

import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core.analytics import series
from dashboard.core.config import AnalyticsSettings
from dashboard.core.display import drilldown, figures, kpis, tables
from dashboard.ui import filters as ui_filters
from dashboard.ui import widgets
from dashboard.ui.store import query

SPLITS = {"total": "不拆分（合计）", "category": "按分类", "channel": "按渠道", "sentiment": "按情感",
          "region": "按地区", "department": "按部门"}
MODES = {"stack": "堆叠柱", "group": "并列柱", "line": "折线"}

st.title("趋势")
if not widgets.data_status():
    st.stop()

settings = AnalyticsSettings()
f = ui_filters.current()
hour = f.day_start_hour
params, previous_filters, summary = widgets.period_summary_or_stop(f)

# The grain follows the span (core_filters.grain_for) until the user picks one; a new span starts over.
auto_grain = core_filters.grain_for(f.period)
if st.session_state.get("_trends_auto_grain") not in (None, auto_grain):
    st.session_state["trends_grain"] = auto_grain
st.session_state["_trends_auto_grain"] = auto_grain
settings_in_url = (("trends_grain", "grain", list(core_filters.GRAINS), auto_grain),
                   ("trends_split", "split", list(SPLITS), "total"), ("trends_mode", "mode", list(MODES), "stack"),
                   ("trends_previous", "prev", ["1", "0"], "1"))
for widget_key, url_key, options, default in settings_in_url[:3]:
    ui_filters.seed_view_setting(widget_key, url_key, options, default)
ui_filters.seed_view_setting("_trends_previous_url", "prev", ["1", "0"], "1")

left, middle, right = st.columns([2, 2, 2])
with left:
    grain = st.segmented_control("时间粒度", list(core_filters.GRAINS), format_func=core_filters.GRAIN_LABELS.get,
                                 required=True, key="trends_grain",
                                 help="默认随时间范围变化：两天以内按小时，三个月以内按日，两年以内按周，更长按月。")
with middle:
    split_choice = st.selectbox("拆分", list(SPLITS), format_func=SPLITS.get, key="trends_split")
split = None if split_choice == "total" else split_choice
with right:
    mode = st.segmented_control("样式", list(MODES), format_func=MODES.get, required=True, key="trends_mode")
show_previous = st.toggle("叠加上一周期", value=st.session_state["_trends_previous_url"] == "1", key="trends_previous",
                          help=f"上一周期：{core_filters.describe_period(f.period.previous(), hour)}（与本期等长、紧挨在前）")
for (_, url_key, _, default), value in zip(settings_in_url, (grain, split_choice, mode, "1" if show_previous else "0")):
    ui_filters.keep_view_setting(url_key, value, default)

volume = query("trends/volume", **params, grain=grain, dimension=split, day_start_hour=hour)
filled, others = series.cap_series(series.fill_buckets(volume, f.period, grain, hour))
previous_totals = query("trends/volume", **previous_filters.params(), grain=grain, dimension=None, day_start_hour=hour)
previous = series.align_previous(f.period, previous_totals, grain, hour) if show_previous else None
baseline = query("trends/volume", **f.with_period(series.baseline_period(f.period, grain)).params(), grain=grain,
                 dimension=None, day_start_hour=hour)
first_item = ui_filters.store_summary()["first_published"]
spikes = series.find_spikes(baseline, f.period, grain, hour, first_data=first_item)

previous_summary = query("trends/summary", **previous_filters.params()).iloc[0]
year_summary = query("trends/summary", **f.with_period(f.period.year_before()).params()).iloc[0]
widgets.kpi_cards(kpis.with_coverage(
    kpis.summary_kpis(summary, previous_summary, year_summary, kpis.period_days(f.period),
                        settings.min_denominator), f.period, first_item) + [kpis.spike_kpi(spikes, grain)])

view = (params, grain, split, mode, show_previous)
volume_key = widgets.view_key("trends_volume", *view)
event = widgets.chart(figures.volume_figure(filled, grain=grain, dimension=split, mode=mode, previous=previous,
                                           spikes=spikes, others=others, title="条目数量"),
                      key=volume_key, group="trends")
st.caption(series.spike_rule(grain))
all_spikes = spikes[spikes["spike"]] if not spikes.empty else spikes
if len(all_spikes) > figures.MAX_SPIKE_MARKS:
    st.caption(f"共 {len(all_spikes)} 个突增，图中只标出超出阈值最多的 {figures.MAX_SPIKE_MARKS} 个；全部列在下表。")
    widgets.table(tables.spikes_table(all_spikes, grain), hide_index=True, key=widgets.view_key("trends_spikes", *view),
                  height=min(38 + 35 * len(all_spikes), 250))

sentiment = series.fill_buckets(query("trends/volume", **params, grain=grain, dimension="sentiment",
                                      day_start_hour=hour), f.period, grain, hour)
negative_key = widgets.view_key("trends_negative", *view)
negative_event = widgets.chart(figures.negative_share_figure(series.negative_share(sentiment), grain=grain,
                                                            min_denominator=settings.min_denominator,
                                                            title="负面占比"),
                               key=negative_key, group="trends")

drill = widgets.pick_drill("trends", {
    volume_key: lambda: drilldown.from_time_selection(event, f, grain, split),
    negative_key: lambda: drilldown.from_time_selection(negative_event, f, grain, "sentiment"),
})
widgets.drill_panel(drill, key="trends_drill")
