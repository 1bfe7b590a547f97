"""Drill-down: selection events → Filters, on the monitoring-day boundary, and against the real queries:
the items a drill selects are exactly the items the clicked mark counted."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.core import filters as core_filters
from dashboard.core import store
from dashboard.core.demo.generator import CANONICAL_COLUMNS
from dashboard.core.display import drilldown, tables
from dashboard.core.filters import Filters, Period, day_period
from dashboard.core.ingest.loader import ingest_frame
from dashboard.core.reports.exports import csv_bytes, xlsx_bytes


def event(*customdata, **extra):
    """What st.plotly_chart(on_select=...) returns for clicked points."""
    return {"selection": {"points": [dict(extra, customdata=list(c)) for c in customdata],
                          "point_indices": list(range(len(customdata))), "box": [], "lasso": []}}


WEEK = Period(datetime(2024, 4, 24, 8), datetime(2024, 5, 1, 8))   # 近7天 on monitoring days
BASE = Filters(period=WEEK, day_start_hour=8)


# --- buckets and periods ------------------------------------------------------------------------

def test_day_bucket_follows_the_monitoring_day():
    assert core_filters.bucket_period("2024-04-18", "day", 8) == Period(datetime(2024, 4, 18, 8), datetime(2024, 4, 19, 8))
    assert core_filters.bucket_period("2024-04-18", "day", 0) == Period(datetime(2024, 4, 18), datetime(2024, 4, 19))
    # 07:59 belongs to the day before under the 08:00 boundary, to its own day on calendar days
    assert core_filters.bucket_of(datetime(2024, 4, 19, 7, 59), "day", 8) == datetime(2024, 4, 18)
    assert core_filters.bucket_of(datetime(2024, 4, 19, 8, 0), "day", 8) == datetime(2024, 4, 19)
    assert core_filters.bucket_of(datetime(2024, 4, 19, 7, 59), "day", 0) == datetime(2024, 4, 19)


def test_week_month_and_hour_buckets():
    assert core_filters.bucket_period("2024-04-22", "week", 8) == Period(datetime(2024, 4, 22, 8), datetime(2024, 4, 29, 8))
    assert core_filters.bucket_period("2024-02-01", "month", 0) == Period(datetime(2024, 2, 1), datetime(2024, 3, 1))
    assert core_filters.bucket_period("2024-04-18T09:00:00", "hour", 8) == Period(datetime(2024, 4, 18, 9),
                                                                         datetime(2024, 4, 18, 10))
    # a Monday 07:00 is still in the previous week's last monitoring day
    assert core_filters.bucket_of(datetime(2024, 4, 22, 7), "week", 8) == datetime(2024, 4, 15)
    assert core_filters.bucket_labels(WEEK, "week", 8) == [datetime(2024, 4, 22), datetime(2024, 4, 29)]
    assert len(core_filters.bucket_labels(WEEK, "day", 8)) == 7
    assert len(core_filters.bucket_labels(Period(datetime(2024, 4, 30, 8), datetime(2024, 5, 1, 8)), "hour", 8)) == 24


def test_presets_count_back_from_the_newest_data():
    now = datetime(2024, 6, 15, 12)
    newest = datetime(2024, 5, 1, 7, 39)          # the store stops before today
    anchor = core_filters.anchor_time(now, newest)
    assert anchor == newest
    assert core_filters.anchor_time(now, None) == now
    assert core_filters.anchor_time(now, datetime(2024, 6, 16)) == now   # an item "from the future" does not move it
    # 07:39 on 1 May is still the monitoring day of 30 April
    assert core_filters.preset_period("today", anchor, 8) == day_period(date(2024, 4, 30), 8)
    assert core_filters.preset_period("today", anchor, 0) == day_period(date(2024, 5, 1), 0)
    assert core_filters.preset_period("7d", anchor, 8) == WEEK
    assert core_filters.preset_period("30d", anchor, 8).start == datetime(2024, 4, 1, 8)
    assert core_filters.preset_period("month", anchor, 8) == Period(datetime(2024, 4, 1, 8), datetime(2024, 5, 1, 8))
    assert core_filters.preset_period("last_month", anchor, 8) == Period(datetime(2024, 3, 1, 8), datetime(2024, 4, 1, 8))
    custom = Period(datetime(2024, 1, 2, 8), datetime(2024, 1, 5, 8))
    assert core_filters.preset_period("custom", anchor, 8, custom.start, custom.end) == custom
    assert core_filters.preset_period("nonsense", anchor, 8) == WEEK


def test_url_bounds_round_trip():
    assert core_filters.parse_bound("2024-04-18", 8, end=False) == datetime(2024, 4, 18, 8)
    assert core_filters.parse_bound("2024-04-18", 8, end=True) == datetime(2024, 4, 19, 8)
    assert core_filters.parse_bound("2024-04-18T09:00", 8, end=True) == datetime(2024, 4, 18, 9)
    assert core_filters.period_bounds_text(WEEK, 8) == ("2024-04-24", "2024-04-30")
    hour = Period(datetime(2024, 4, 18, 9), datetime(2024, 4, 18, 10))
    assert core_filters.period_bounds_text(hour, 8) == ("2024-04-18T09:00", "2024-04-18T10:00")
    assert core_filters.describe_period(WEEK, 8).startswith("2024-04-24 至 2024-04-30")
    assert core_filters.describe_period(day_period(date(2024, 4, 18), 0), 0) == "2024-04-18"


# --- selection events → Drill -------------------------------------------------------------------

def test_bar_for_a_day_and_category():
    drill = drilldown.from_time_selection(event(["2024-04-25T00:00:00", "城乡建设", "current", ""]), BASE, "day",
                                   "category")
    assert drill.filters.period == Period(datetime(2024, 4, 25, 8), datetime(2024, 4, 26, 8))
    assert drill.filters.categories == ("城乡建设",)
    assert drill.filters.day_start_hour == 8
    assert "城乡建设" in drill.label and "2024-04-25" in drill.label


def test_drill_keeps_the_other_filters():
    base = Filters(period=WEEK, channels=("微博",), keyword="物业", day_start_hour=8)
    drill = drilldown.from_time_selection(event(["2024-04-25", "负面", "current", ""]), base, "day", "sentiment")
    assert drill.filters.channels == ("微博",) and drill.filters.keyword == "物业"
    assert drill.filters.sentiments == ("负面",)


def test_week_bar_is_cut_to_the_chosen_range():
    drill = drilldown.from_time_selection(event(["2024-04-22T00:00:00", None, "current", ""]), BASE, "week")
    assert drill.filters.period == Period(datetime(2024, 4, 24, 8), datetime(2024, 4, 29, 8))
    assert drill.filters.categories is None


def test_previous_period_point_selects_the_previous_period():
    drill = drilldown.from_time_selection(event(["2024-04-17T00:00:00", None, "previous", "x"]), BASE, "day")
    assert drill.filters.period == day_period(date(2024, 4, 17), 8)
    # a previous-period bucket outside the previous period selects nothing
    assert drilldown.from_time_selection(event(["2024-04-01", None, "previous", ""]), BASE, "day") is None


def test_merged_series_and_box_selection():
    merged = drilldown.from_time_selection(event(["2024-04-25", ["政法", "民政"], "current", ""]), BASE, "day", "category")
    assert merged.filters.categories == ("政法", "民政")
    box = drilldown.from_time_selection(event(["2024-04-25", "A", "current", ""], ["2024-04-27", "B", "current", ""],
                                       ["2024-04-26", "A", "current", ""]), BASE, "day", "region")
    assert box.filters.regions == ("A", "B")
    assert box.filters.period == Period(datetime(2024, 4, 25, 8), datetime(2024, 4, 28, 8))


def test_hour_bar():
    drill = drilldown.from_time_selection(event(["2024-04-30T07:00:00", "留言板", "current", ""]), BASE, "hour", "channel")
    assert drill.filters.period == Period(datetime(2024, 4, 30, 7), datetime(2024, 4, 30, 8))
    assert drill.filters.channels == ("留言板",)


def test_empty_and_foreign_events_give_nothing():
    assert drilldown.from_time_selection(None, BASE, "day") is None
    assert drilldown.from_time_selection({"selection": {"points": []}}, BASE, "day") is None
    assert drilldown.from_time_selection(event(), BASE, "day") is None
    assert drilldown.from_time_selection({"selection": {"points": [{"x": 1, "y": 2}]}}, BASE, "day") is None
    assert drilldown.from_treemap_selection({"selection": {"points": [{"label": "x"}]}}, BASE) is None
    assert drilldown.from_heatmap_selection(event(["only one"]), BASE, "category", "region") is None


def test_state_object_with_a_selection_attribute():
    class State:   # st.plotly_chart returns an attribute-style dict
        selection = {"points": [{"customdata": ["2024-04-25", "城乡建设", "current", ""]}]}

    assert drilldown.from_time_selection(State(), BASE, "day", "category").filters.categories == ("城乡建设",)


def test_treemap_tiles():
    category = drilldown.from_treemap_selection({"selection": {"points": [{"id": "城乡建设", "parent": "", "label": "城乡建设"}]}},
                                         BASE)
    assert category.filters.categories == ("城乡建设",) and category.subcategories is None
    tile = drilldown.tree_id("城乡建设", "物业管理")
    sub = drilldown.from_treemap_selection({"selection": {"points": [{"id": tile, "parent": "城乡建设"}]}}, BASE)
    assert sub.filters.categories == ("城乡建设",) and sub.subcategories == ("物业管理",)
    assert sub.params()["subcategories"] == ["物业管理"] and sub.filters.period == WEEK


def test_heatmap_cell_and_merged_column():
    cell = drilldown.from_heatmap_selection(event(["交通运输", "A1区"]), BASE, "category", "region")
    assert cell.filters.categories == ("交通运输",) and cell.filters.regions == ("A1区",)
    merged = drilldown.from_heatmap_selection(event(["交通运输", ["传真", "邮件"]]), BASE, "category", "channel")
    assert merged.filters.channels == ("传真", "邮件")


def test_table_rows():
    frame = pd.DataFrame({"分类": ["城乡建设", "交通运输"], "条目数": [3, 2]})
    drill = drilldown.from_table_rows(frame, [1], BASE, {"分类": "category"})
    assert drill.filters.categories == ("交通运输",)
    assert drilldown.from_table_rows(frame, [], BASE, {"分类": "category"}) is None


# --- against the store: a drill selects exactly what its mark counted ---------------------------

def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in CANONICAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    return frame[CANONICAL_COLUMNS]


@pytest.fixture
def boundary_store(con, settings):
    """Items on both sides of 08:00, in two categories, regions and channels, one without category."""
    rows = []
    times = [datetime(2024, 4, 25, 7, 59), datetime(2024, 4, 25, 8, 0), datetime(2024, 4, 25, 23, 30),
             datetime(2024, 4, 26, 7, 0), datetime(2024, 4, 27, 12, 0), datetime(2024, 4, 29, 8, 30),
             datetime(2024, 4, 30, 7, 59), datetime(2024, 4, 24, 8, 0), datetime(2024, 4, 24, 7, 0),
             datetime(2024, 4, 18, 9, 0)]
    for i, moment in enumerate(times * 3):
        rows.append(dict(
            id=f"T{i:03d}", title=f"测试条目{i}", content="小区物业收费不合理" if i % 2 else "公交线路调整",
            published_at=moment + timedelta(seconds=i // len(times)),
            category=[None, "城乡建设", "交通运输"][i % 3], subcategory=["物业管理", "公交线路"][i % 2],
            region=["A1区", "A2区"][i % 2], channel=["留言板", "热线", "微博"][i % 3],
            sentiment=["负面", "中性", "正面"][(i // 3) % 3], author="张三丰",
        ))
    ingest_frame(con, _frame(rows), settings, "boundary")
    return con


def _count(con, drill: drilldown.Drill) -> int:
    return int(store.run_query(con, "items/count", **drill.params()).iat[0, 0])


@pytest.mark.parametrize("grain, hour", [("day", 8), ("day", 0), ("hour", 8), ("week", 8), ("month", 0)])
def test_every_time_bar_drills_to_its_own_items(boundary_store, grain, hour):
    base = Filters(period=Period(datetime(2024, 4, 24, hour), datetime(2024, 5, 1, hour)), day_start_hour=hour)
    bars = store.run_query(boundary_store, "trends/volume", **base.params(), grain=grain, dimension="category",
                           day_start_hour=hour)
    assert not bars.empty
    for bar in bars.itertuples():
        drill = drilldown.from_time_selection(event([pd.Timestamp(bar.bucket).isoformat(), bar.series, "current", ""]),
                                       base, grain, "category")
        assert _count(boundary_store, drill) == bar.items, (grain, hour, bar)


def test_monitoring_day_bar_counts_0759_on_the_day_before(boundary_store):
    base = Filters(period=Period(datetime(2024, 4, 24, 8), datetime(2024, 5, 1, 8)), day_start_hour=8)
    drill = drilldown.from_time_selection(event(["2024-04-24", None, "current", ""]), base, "day")
    # 04-24 08:00 and 04-25 07:59 (three copies each), not 04-24 07:00
    assert _count(boundary_store, drill) == 6


def test_every_heatmap_cell_and_tree_tile_drills_to_its_own_items(boundary_store):
    base = Filters(period=Period(datetime(2024, 4, 1), datetime(2024, 5, 1)))
    cells = store.run_query(boundary_store, "categories/matrix", **base.params(), dimension="region")
    for cell in cells.itertuples():
        drill = drilldown.from_heatmap_selection(event([cell.category, cell.value]), base, "category", "region")
        assert _count(boundary_store, drill) == cell.items
    tiles = store.run_query(boundary_store, "categories/tree", **base.params())
    assert "未分类" in set(tiles["category"])
    for tile in tiles.itertuples():
        drill = drilldown.from_treemap_selection({"points": [{"id": drilldown.tree_id(tile.category, tile.subcategory)}]}, base)
        assert _count(boundary_store, drill) == tile.items


# --- item rows -----------------------------------------------------------------------------------

def test_response_time_text():
    assert tables.format_duration(None) == ""
    assert tables.format_duration(float("nan")) == ""
    assert tables.format_duration(0.5) == "30 分钟"
    assert tables.format_duration(5) == "5 小时"
    assert tables.format_duration(15.5) == "15 小时 30 分钟"
    assert tables.format_duration(51) == "2 天 3 小时"
    assert tables.format_duration(48) == "2 天"


def test_item_rows_mask_authors_and_export_safely(boundary_store):
    base = Filters(period=Period(datetime(2024, 4, 1), datetime(2024, 5, 1)))
    params = {**base.params(), "subcategories": None}
    listed = tables.item_table(store.run_query(boundary_store, "items/list", **params, limit=5, offset=0))
    assert len(listed) == 5 and "作者" in listed.columns and "响应时长" in listed.columns
    assert set(listed["作者"]) == {"张**"}
    exported = tables.export_table(store.run_query(boundary_store, "items/export", **params, limit=None))
    assert len(exported) == 30 and "张三丰" not in exported.to_string()
    exported.loc[0, "标题"] = "=HYPERLINK(\"http://example.com\")"
    text = csv_bytes(exported)
    assert text.startswith("\ufeff".encode("utf-8")) and b"'=HYPERLINK" in text
    book = pd.read_excel(io.BytesIO(xlsx_bytes(exported)), engine="calamine")
    assert len(book) == 30 and book.loc[0, "标题"].startswith("'=")
    assert set(book["作者"]) == {"张**"}


def test_item_detail_is_plain_text():
    row = dict(id="X1", title="<script>alert(1)</script>", content="正文", published_at=pd.Timestamp("2024-04-25 09:00"),
               replied_at=pd.Timestamp("2024-04-27 12:00"), response_hours=51.0, reply_content="已处理",
               author="李*", channel="留言板", source=None, category="城乡建设", subcategory=None)
    detail = tables.item_detail(row)
    assert detail["标题"] == "<script>alert(1)</script>"
    assert detail["作者"] == "李*" and detail["响应时长"] == "2 天 3 小时"
    assert detail["答复时间"] == "2024-04-27 12:00" and detail["分类"] == "城乡建设"
    # without a reply the detail says what the store knows: 未答复, or that the source has no reply column
    assert tables.item_detail({**row, "replied_at": None, "reply_status": "未答复"})["答复时间"] == "未答复"
    assert tables.item_detail({**row, "replied_at": None, "reply_status": "来源未提供"})["答复时间"] == "来源未提供"


def test_item_table_is_safe_for_the_dataframe_csv_button():
    rows = pd.DataFrame({"id": ["1"], "title": ["=cmd|' /C calc'!A0"], "author": ["王*"], "response_hours": [None]})
    table = tables.item_table(rows)
    assert table["标题"].tolist() == ["'=cmd|' /C calc'!A0"] and table["作者"].tolist() == ["王*"]
