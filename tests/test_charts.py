"""Figure builders: traces, labels, colours, the previous-period overlay, spike marks, KPI numbers."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.analytics import series
from dashboard.core.display import drilldown, figures, kpis, tables
from dashboard.core.filters import Filters, Period, day_period

WEEK = Period(datetime(2024, 4, 24, 8), datetime(2024, 5, 1, 8))


def volume_rows(rows):
    return pd.DataFrame(rows, columns=["bucket", "series", "items"]).assign(bucket=lambda f: pd.to_datetime(f["bucket"]))


def test_fill_buckets_adds_empty_days():
    frame = volume_rows([("2024-04-25", "A", 3), ("2024-04-27", "B", 2)])
    filled = series.fill_buckets(frame, WEEK, "day", 8)
    assert len(filled) == 7 * 2
    assert filled["items"].sum() == 5
    assert filled.loc[(filled["bucket"] == "2024-04-26") & (filled["series"] == "A"), "items"].item() == 0


def test_cap_series_merges_the_smallest_and_remembers_them():
    frame = volume_rows([("2024-04-25", f"S{i}", 10 - i) for i in range(10)])
    capped, others = series.cap_series(frame, limit=4)
    assert set(capped["series"]) == {"S0", "S1", "S2", "其余 7 项"}
    assert others == {"其余 7 项": tuple(f"S{i}" for i in range(3, 10))}
    assert capped["items"].sum() == frame["items"].sum()


def test_volume_figure_traces_colours_and_customdata():
    frame = series.fill_buckets(volume_rows([("2024-04-25", "负面", 3), ("2024-04-25", "正面", 1),
                                             ("2024-04-26", "中性", 2)]), WEEK, "day", 8)
    fig = figures.volume_figure(frame, grain="day", dimension="sentiment", mode="stack")
    assert isinstance(fig, go.Figure)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["正面", "中性", "负面"]           # fixed sentiment order
    colours = {t.name: t.marker.color for t in bars}
    assert colours == {"正面": figures.SENTIMENT_COLORS["正面"], "中性": figures.SENTIMENT_COLORS["中性"],
                       "负面": figures.SENTIMENT_COLORS["负面"]}
    negative = next(t for t in bars if t.name == "负面")
    assert list(negative.y) == [0, 3, 0, 0, 0, 0, 0]
    assert list(negative.customdata[1][:3]) == [pd.Timestamp("2024-04-25").isoformat(), "负面", "current"]
    assert fig.layout.barmode == "stack" and fig.layout.yaxis.title.text == "条目数"
    lines = figures.volume_figure(frame, grain="day", dimension="sentiment", mode="line")
    assert {t.type for t in lines.data} == {"scatter"}


def test_category_colours_are_the_same_everywhere():
    assert figures.color_for("category", "城乡建设") == figures.CATEGORY_COLORS["城乡建设"]
    assert figures.color_for("category", "某个新分类") == figures.color_for("category", "某个新分类")
    assert figures.color_for("category", "未分类") == figures.UNLABELLED_COLOR
    assert figures.color_for("sentiment", "未评分") == figures.SENTIMENT_COLORS["未评分"]


def test_labels_from_data_are_escaped_but_customdata_keeps_the_raw_value():
    frame = series.fill_buckets(volume_rows([("2024-04-25", "<b>坏</b>", 3)]), WEEK, "day", 8)
    fig = figures.volume_figure(frame, grain="day", dimension="category")
    assert fig.data[0].name == "&lt;b&gt;坏&lt;/b&gt;"
    assert fig.data[0].customdata[0][1] == "<b>坏</b>"
    assert "<b>坏" not in fig.data[0].hovertemplate


def test_previous_period_overlay_is_aligned_bucket_by_bucket():
    previous_totals = volume_rows([("2024-04-17", "全部", 4), ("2024-04-23", "全部", 9)])
    overlay = series.align_previous(WEEK, previous_totals, "day", 8)
    assert overlay["bucket"].tolist() == [pd.Timestamp(date(2024, 4, 24) + timedelta(days=i)) for i in range(7)]
    assert overlay["previous_bucket"].iloc[0] == pd.Timestamp("2024-04-17")
    assert overlay["items"].tolist() == [4, 0, 0, 0, 0, 0, 9]
    frame = series.fill_buckets(volume_rows([("2024-04-25", "全部", 3)]), WEEK, "day", 8)
    fig = figures.volume_figure(frame, grain="day", previous=overlay)
    line = next(t for t in fig.data if t.name == "上一周期（合计）")
    assert line.line.dash == "dash" and list(line.y) == [4, 0, 0, 0, 0, 0, 9]
    assert line.customdata[0][2] == drilldown.PREVIOUS and line.customdata[0][0].startswith("2024-04-17")
    # and the drill of that point goes to the previous period's day
    drill = drilldown.from_time_selection({"points": [{"customdata": list(line.customdata[0])}]},
                                   Filters(period=WEEK, day_start_hour=8), "day")
    assert drill.filters.period == day_period(date(2024, 4, 17), 8)


def spike_totals(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"bucket": pd.to_datetime(list(counts)), "items": list(counts.values())})


def test_spike_rule_marks_a_jump_above_mean_plus_two_sd():
    days = [date(2024, 4, 10) + timedelta(days=i) for i in range(21)]
    counts = {str(d): 3 + (i % 2) for i, d in enumerate(days)}      # 3,4,3,4… : mean 3.5, sd 0.5
    counts["2024-04-27"] = 12
    counts["2024-04-29"] = 4
    spikes = series.find_spikes(spike_totals(counts), WEEK, "day", 8)
    assert len(spikes) == 7
    assert spikes.loc[spikes["spike"], "bucket"].tolist() == [pd.Timestamp("2024-04-27")]
    row = spikes.set_index("bucket").loc["2024-04-27"]
    assert row["baseline"] == 14 and row["items"] == 12 and row["threshold"] < 12
    fig = figures.volume_figure(series.fill_buckets(spike_totals(counts).assign(series="全部"), WEEK, "day", 8),
                               grain="day", spikes=spikes)
    marks = next(t for t in fig.data if t.name == "突增")
    assert [pd.Timestamp(x) for x in marks.x] == [pd.Timestamp("2024-04-27")]
    assert marks.marker.symbol == "triangle-down"


def test_spike_rule_needs_five_items_and_a_baseline():
    quiet = {str(date(2024, 4, 10) + timedelta(days=i)): 0 for i in range(21)}
    quiet["2024-04-27"] = 4                                         # 0 → 4 is not a spike
    assert not series.find_spikes(spike_totals(quiet), WEEK, "day", 8)["spike"].any()
    quiet["2024-04-27"] = 5                                         # 0 → 5 is
    assert series.find_spikes(spike_totals(quiet), WEEK, "day", 8)["spike"].sum() == 1
    # when the store only starts on 04-24 there is no baseline yet: nothing is marked
    recent = series.find_spikes(spike_totals(quiet), WEEK, "day", 8, first_data=datetime(2024, 4, 24, 9))
    assert not recent["spike"].any()


def test_category_tree_shares_changes_and_treemap():
    current = pd.DataFrame({"category": ["城乡建设", "城乡建设", "交通运输"], "subcategory": ["物业", "住房", "公交"],
                            "items": [30, 10, 10]})
    previous = pd.DataFrame({"category": ["城乡建设", "交通运输"], "subcategory": ["物业", "公交"], "items": [20, 2]})
    tree = series.category_tree(current, previous, min_denominator=5)
    top = tree[tree["level"] == 1].set_index("category")
    assert top.loc["城乡建设", "share"] == 0.8 and top.loc["城乡建设", "change"] == "+100.0%"
    assert top.loc["交通运输", "change"] == "+8 条（基数小）"
    sub = tree[(tree["level"] == 2) & (tree["subcategory"] == "住房")].iloc[0]
    assert sub["share"] == 0.25 and sub["change"] == "新出现"
    fig = figures.treemap_figure(tree)
    trace = fig.data[0]
    assert trace.type == "treemap" and trace.branchvalues == "total"
    assert "城乡建设" in trace.ids and drilldown.tree_id("城乡建设", "物业") in trace.ids
    assert trace.parents[list(trace.ids).index(drilldown.tree_id("城乡建设", "物业"))] == "城乡建设"
    table = tables.category_table(tree)
    assert table.columns.tolist() == ["分类", "条目数", "占比", "上期", "环比"] and table["占比"].tolist() == [80.0, 20.0]


def test_heatmap_has_a_clickable_marker_on_every_cell():
    frame = pd.DataFrame({"category": ["A", "A", "B"], "value": ["x", "y", "x"], "items": [5, 1, 2]})
    fig = figures.heatmap_figure(frame, "category", "region")
    heat, cells = fig.data
    assert heat.type == "heatmap" and cells.type == "scatter"
    assert list(heat.x) == ["x", "y"] and list(heat.y) == ["B", "A"]     # largest row on top
    assert heat.z.tolist() == [[2, 0], [5, 1]]
    assert len(cells.customdata) == 4 and ["A", "y"] in [list(c) for c in cells.customdata]
    many = pd.DataFrame({"category": ["A"] * 6, "value": list("uvwxyz"), "items": [6, 5, 4, 3, 2, 1]})
    merged = figures.heatmap_figure(many, max_columns=3)
    assert list(merged.data[0].x) == ["u", "v", "其余 4 项"]
    assert ["A", ["w", "x", "y", "z"]] in [[c[0], list(c[1]) if isinstance(c[1], (list, tuple)) else c[1]]
                                          for c in merged.data[1].customdata]


def test_negative_share_marks_small_bases():
    frame = series.fill_buckets(volume_rows([("2024-04-25", "负面", 3), ("2024-04-25", "正面", 7),
                                             ("2024-04-26", "负面", 1), ("2024-04-26", "未评分", 9)]),
                                WEEK, "day", 8)
    shares = series.negative_share(frame).set_index("bucket")
    assert shares.loc["2024-04-25", "share"] == 0.3
    assert shares.loc["2024-04-26", "scored"] == 1
    fig = figures.negative_share_figure(shares.reset_index(), grain="day", min_denominator=5)
    assert fig.data[0].customdata[2][3].endswith("（基数小）")


def test_kpis_carry_formula_numerator_and_denominator():
    current = {"items": 120, "scored": 100, "negative": 30}
    previous = {"items": 100, "scored": 80, "negative": 16}
    cards = kpis.summary_kpis(current, previous, None, 7, min_denominator=5)
    by_label = {k.label: k for k in cards}
    assert by_label["条目数"].text == "120" and by_label["条目数"].change == "+20.0%"
    assert by_label["条目数"].year_change == "去年同期无数据"
    negative = by_label["负面占比"]
    assert negative.text == "30.0%" and negative.change == "+10.0 个百分点"
    assert "分子 30" in negative.help and "分母 100" in negative.help and "已评分" in negative.help
    tiny = kpis.rate_kpi("负面占比", 1, 3, (0, 2), None, 5, "负面 ÷ 已评分")
    assert tiny.small_base and "分母过小" in tiny.help and tiny.change.endswith("（基数小）")
    small_previous = kpis.count_kpi("条目数", 9, 2, None, 5)
    assert small_previous.change == "+7 条（基数小）"


def test_comparisons_reaching_before_the_data_are_marked():
    cards = kpis.summary_kpis({"items": 50, "scored": 40, "negative": 10},
                                {"items": 20, "scored": 20, "negative": 5}, None, 7, 5)
    marked = kpis.with_coverage(cards, WEEK, datetime(2024, 4, 20))     # the previous week starts 04-17
    assert all("上期早于数据起点，环比仅供参考" in k.notes for k in marked)
    assert "环比仅供参考" in marked[0].help
    assert kpis.with_coverage(cards, WEEK, datetime(2024, 1, 1)) == cards
    spikes = series.find_spikes(spike_totals({"2024-04-25": 9}), WEEK, "day", 8)
    assert kpis.spike_kpi(spikes, "day").label == "突增天数" and "14 天" in series.spike_rule("day")
