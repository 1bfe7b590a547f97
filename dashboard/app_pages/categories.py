"""分类: category → subcategory shares and changes, category × region / channel heatmaps, drill-down."""
from __future__ import annotations

import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core.analytics import series
from dashboard.core.config import AnalyticsSettings
from dashboard.core.display import drilldown, figures, kpis, tables
from dashboard.ui import filters as ui_filters
from dashboard.ui import widgets
from dashboard.ui.store import query

HEATMAPS = {"region": "分类 × 地区", "channel": "分类 × 渠道"}

st.title("分类")
if not widgets.data_status():
    st.stop()

settings = AnalyticsSettings()
f = ui_filters.current()
params, previous_filters, summary = widgets.period_summary_or_stop(f)

tree = series.category_tree(query("categories/tree", **params), query("categories/tree", **previous_filters.params()),
                            settings.min_denominator)
previous_summary = query("trends/summary", **previous_filters.params()).iloc[0]
year_summary = query("trends/summary", **f.with_period(f.period.year_before()).params()).iloc[0]
widgets.kpi_cards(kpis.with_coverage(
    kpis.category_kpis(tree, summary, previous_summary, year_summary, settings.min_denominator), f.period,
    ui_filters.store_summary()["first_published"]))

st.subheader("分类构成")
st.caption(f"本期 {core_filters.describe_period(f.period, f.day_start_hour)}；上期 "
           f"{core_filters.describe_period(f.period.previous(), f.day_start_hour)}。点击色块查看条目，再次点击可展开二级分类。")
tree_col, table_col = st.columns([3, 2])
with tree_col:
    tree_key = widgets.view_key("categories_tree", params)
    tree_event = widgets.chart(figures.treemap_figure(tree), key=tree_key, group="categories")
with table_col:
    table = tables.category_table(tree)
    table_key = widgets.view_key("categories_table", params)
    picked = widgets.selectable_table(table, key=table_key, group="categories", height=440, column_config={
        "占比": st.column_config.NumberColumn("占比", format="%.1f%%"),
        "环比": st.column_config.TextColumn("环比", help="与上一等长周期相比；上期少于 "
                                                   f"{settings.min_denominator} 条时给出条数差"),
    })

heat_keys = {}
heat_events = {}
for tab, dimension in zip(st.tabs(list(HEATMAPS.values())), HEATMAPS):
    with tab:
        matrix = query("categories/matrix", **params, dimension=dimension)
        heat_keys[dimension] = widgets.view_key(f"categories_heat_{dimension}", params)
        with st.container(key=f"desktop_only_{dimension}"):
            heat_events[dimension] = widgets.chart(figures.heatmap_figure(matrix, "category", dimension),
                                                   key=heat_keys[dimension], group="categories")
        with st.container(key=f"phone_only_{dimension}"):     # a heatmap is unreadable at phone width
            ranked = matrix.groupby("value", as_index=False)["items"].sum().nlargest(12, "items")
            widgets.chart(figures.bars_figure(ranked, dimension), key=f"{heat_keys[dimension]}_bars", selectable=False)

drill = widgets.pick_drill("categories", {
    tree_key: lambda: drilldown.from_treemap_selection(tree_event, f),
    table_key: lambda: drilldown.from_table_rows(table, picked, f, {"分类": "category"}),
    **{key: (lambda d=dimension: drilldown.from_heatmap_selection(heat_events[d], f, "category", d))
       for dimension, key in heat_keys.items()},
})
widgets.drill_panel(drill, key="categories_drill",
                    hint="点击树图色块、表格行或热力图格子，可在此查看对应的条目。")

# ------------------------------------------------------------------------ predicted categories
predicted = query("categories/by_predicted", **params, min_confidence=0.8)
if not predicted.empty:
    st.subheader("未分类信息的预测分类")
    model = query("categories/model")
    accuracy = model["heldout_accuracy"].iat[0] if not model.empty else None
    st.caption(f"来源未提供分类的 {int(predicted['items'].sum()):,} 条信息，按库中有分类的信息训练的模型给出预测分类，"
               "仅供参考，不计入上方的分类统计"
               + (f"；留出检验准确率 {accuracy:.0%}" if accuracy is not None and accuracy == accuracy else "")
               + "。「明细」页的「预测分类」列列出每条的预测与把握。")
    widgets.table(predicted.rename(columns={"predicted_category": "预测分类", "items": "条目", "mean_confidence": "平均把握",
                                           "confident": "把握≥80%"}),
                 hide_index=True, key="categories_predicted",
                 column_config={"平均把握": st.column_config.NumberColumn("平均把握", format="percent")})
