"""The 趋势, 分类 and 明细 pages through streamlit.testing: real pages on a real store in tmp_path.

The store is demo data (fixed seed and end) plus a few hand-made items, built once and copied per test.
Each test changes something (a filter, the search box, a table selection, a link) and checks that the
figures, tables and URL follow, against counts taken straight from the store.
"""
from __future__ import annotations

import base64
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.demo.generator import CANONICAL_COLUMNS, generate_items
from dashboard.core.filters import Filters, Period
from dashboard.core.ingest.loader import ingest_frame

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "streamlit_app.py")
END = datetime(2024, 5, 1, 8)
WEEK = Period(datetime(2024, 4, 24, 8), datetime(2024, 5, 1, 8))   # 近7天 from the newest item, 08:00 days
HTML_TITLE = "<script>alert('xss')</script>求助"
HTML_CONTENT = "<img src=x onerror=alert(1)> **粗体** [链接](http://evil.example) 联系电话 13812345678"


def special_items() -> pd.DataFrame:
    rows = [dict(id="X-HTML", title=HTML_TITLE, content=HTML_CONTENT, published_at=datetime(2024, 4, 30, 10),
                 channel="留言板", category="城乡建设", subcategory="物业管理", region="A1区",
                 department="A市住房和城乡建设局", author="张三丰", replied_at=datetime(2024, 5, 1, 1, 30),
                 reply_content="已转交物业公司处理，联系人电话 13900001111", satisfaction="满意", sentiment="负面")]
    frame = pd.DataFrame(rows)
    for column in CANONICAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    return frame[CANONICAL_COLUMNS]


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    settings = settings_for(tmp_path_factory.mktemp("pages") / "data")
    for folder in (settings.inbox_dir, settings.archive_dir, settings.rejected_dir, settings.outcomes_dir):
        folder.mkdir(parents=True, exist_ok=True)
    con = store.connect(settings.db_path)
    frame = generate_items(1600, days=35, seed=11, end=END)
    frame["sentiment"] = pd.array([("正面", "中性", "负面", None)[i % 4] for i in range(len(frame))], dtype="str")
    ingest_frame(con, frame, settings, "demo")
    ingest_frame(con, special_items(), settings, "special")
    con.close()
    return settings.db_path


def _opener():
    def open_page(page: str, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        return at.run()
    return open_page


@pytest.fixture
def app(built_store, app_data_dir):
    shutil.copy(built_store, app_data_dir / "warehouse.duckdb")
    return _opener()


@pytest.fixture
def empty_app(app_data_dir):
    return _opener()


def run(name: str, **params) -> pd.DataFrame:
    """A query on the app's own connection (the way the pages see the store)."""
    from dashboard.ui.store import get_store

    return store.run_query(get_store().con, name, **params)


def count(filters: Filters, subcategories=None) -> int:
    return int(run("items/count", **filters.params(), subcategories=subcategories).iat[0, 0])


def figures(at: AppTest) -> list[dict]:
    """The figures as the browser gets them (plotly's JSON; numeric arrays may come base64-packed)."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(array) -> list:
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def bars(figure: dict) -> list[dict]:
    return [trace for trace in figure["data"] if trace["type"] == "bar"]


def bar_total(figure: dict) -> int:
    return int(sum(sum(values(trace["y"])) for trace in bars(figure)))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def markdown_like(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [t.value for t in at.title] + [h.value for h in at.subheader]
    return "\n".join(parts)


def selection_key(at: AppTest, prefix: str, part: str = "") -> str:
    """The key of a selectable table (keys carry a hash of what they show)."""
    return next(k for k in at.session_state if k.startswith(prefix) and part in k)


# --- 趋势 --------------------------------------------------------------------------------------

def test_trends_page_follows_the_category_filter(app):
    at = app("app_pages/trends.py")
    assert not at.exception
    assert at.title[0].value == "趋势"
    assert any(c.value.startswith("数据截至 2024-05-01") for c in at.caption)
    assert [m.label for m in at.metric] == ["条目数", "日均条目", "负面占比", "突增天数"]
    everything = count(Filters(period=WEEK, day_start_hour=8))
    assert metric(at, "条目数") == f"{everything:,}"
    volume, negative = figures(at)[:2]
    assert bar_total(volume) == everything
    assert any(trace.get("name") == "上一周期（合计）" for trace in volume["data"])
    assert negative["layout"]["yaxis"]["tickformat"] == ".0%"

    at.multiselect(key="f_cat").set_value(["交通运输"]).run()
    assert not at.exception
    only = count(Filters(period=WEEK, categories=("交通运输",), day_start_hour=8))
    assert 0 < only < everything
    assert metric(at, "条目数") == f"{only:,}"
    assert bar_total(figures(at)[0]) == only
    assert at.query_params["cat"] in ("交通运输", ["交通运输"])

    at.selectbox(key="trends_split").set_value("channel").run()
    at.button_group(key="trends_grain").set_value("hour").run()
    assert not at.exception
    volume = figures(at)[0]
    assert bar_total(volume) == only
    assert {t["name"] for t in bars(volume)} <= set(run("items/filter_options")["value"])
    assert len(bars(volume)[0]["x"]) == 7 * 24


# --- 分类 --------------------------------------------------------------------------------------

def test_categories_page_drills_into_a_category_and_opens_it_in_items(app):
    at = app("app_pages/categories.py")
    assert not at.exception
    assert at.title[0].value == "分类"
    assert [m.label for m in at.metric] == ["条目数", "有条目的分类", "未分类占比"]
    kinds = [[t["type"] for t in figure["data"]] for figure in figures(at)]
    # each heatmap has its ranked-bar stand-in for phone width (shown by CSS at ≤ 480 px)
    assert kinds == [["treemap"], ["heatmap", "scatter"], ["bar"], ["heatmap", "scatter"], ["bar"]]
    table = at.dataframe[0].value
    assert table.columns.tolist() == ["分类", "条目数", "占比", "上期", "环比"]
    assert int(table["条目数"].sum()) == count(Filters(period=WEEK, day_start_hour=8))

    # a filter changes the table
    at.multiselect(key="f_reg").set_value(["A1区"]).run()
    narrowed = at.dataframe[0].value
    assert int(narrowed["条目数"].sum()) == count(Filters(period=WEEK, regions=("A1区",), day_start_hour=8))
    assert int(narrowed["条目数"].sum()) < int(table["条目数"].sum())

    # picking a row drills into that category (within the region filter)
    category, expected = narrowed.iloc[0]["分类"], int(narrowed.iloc[0]["条目数"])
    at.session_state[selection_key(at, "categories_table_")] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert any("下钻明细" in m.value for m in at.markdown)
    assert any(c.value.startswith(f"共 {expected:,} 条") for c in at.caption)
    drilled = at.dataframe[1].value
    assert set(drilled["分类"]) == {category} and set(drilled["地区"]) == {"A1区"}

    at.button(key="categories_drill_open").click().run()
    assert not at.exception
    assert at.title[0].value == "明细"
    # the drill narrows 明细 only: the sidebar keeps its own filters, page-only keys carry the drill
    assert at.query_params["reg"] in ("A1区", ["A1区"]) and "range" not in at.query_params
    assert at.query_params["dcat"] in (category, [category]) and at.query_params["dfrom"]
    assert at.multiselect(key="f_cat").value == []
    assert any(c.value.startswith(f"共 {expected:,} 条") for c in at.caption)
    at.switch_page("app_pages/categories.py").run()                 # leaving 明细 drops the drill
    assert "dcat" not in at.query_params and at.multiselect(key="f_cat").value == []


# --- 明细 --------------------------------------------------------------------------------------

def test_items_page_search_detail_and_reply_timing(app):
    at = app("app_pages/items.py", range="30d")
    assert not at.exception
    month = Period(datetime(2024, 4, 1, 8), datetime(2024, 5, 1, 8))
    total = count(Filters(period=month, day_start_hour=8))
    assert total > 1000                                   # more than one page
    assert any(c.value.startswith(f"共 {total:,} 条，每页最多显示 1,000 条") for c in at.caption)
    assert len(at.dataframe[0].value) == 1000
    assert {b.label for b in at.get("download_button")} == {"导出 CSV", "导出 XLSX"}

    at.text_input(key="items_search").input("物业").run()
    assert not at.exception
    found = count(Filters(period=month, keyword="物业", day_start_hour=8))
    assert 0 < found < total
    assert at.query_params["q"] == "物业" and at.text_input(key="f_q").value == "物业"
    assert any(c.value.startswith(f"共 {found:,} 条") for c in at.caption)
    listed = at.dataframe[0].value
    assert len(listed) == found

    replied = next(i for i, value in enumerate(listed["答复时间"]) if pd.notna(value) and value != "—")
    at.session_state[selection_key(at, "items_", "_table_")] = {"selection": {"rows": [replied], "columns": []}}
    at.run()
    assert not at.exception
    shown = texts(at)
    assert listed.iloc[replied]["标题"] in shown
    assert listed.iloc[replied]["响应时长"] in shown and listed.iloc[replied]["响应时长"]


def test_item_text_is_shown_as_text_and_personal_data_masked(app):
    at = app("app_pages/items.py", q="<script>")
    assert not at.exception
    listed = at.dataframe[0].value
    assert listed["标题"].tolist() == [HTML_TITLE]
    assert listed["作者"].tolist() == ["张**"]
    at.session_state[selection_key(at, "items_", "_table_")] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    shown = texts(at)
    assert HTML_TITLE in shown                                           # verbatim, as text
    content = next(t for t in shown if t.startswith("<img"))
    assert "onerror=alert(1)" in content and "138****5678" in content and "13812345678" not in content
    assert "张**" in shown and "张三丰" not in "\n".join(shown)
    assert any("139****1111" in t for t in shown)
    assert "15 小时 30 分钟" in shown                                       # 10:00 → 01:30 the next day
    rendered = markdown_like(at)
    assert "<script" not in rendered and "onerror" not in rendered and "evil.example" not in rendered
    for path in [ROOT / "dashboard" / "ui" / name for name in ("widgets.py", "filters.py")] + [
            ROOT / "dashboard" / "app_pages" / name for name in ("trends.py", "categories.py", "items.py")]:
        assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8"), path


# --- permalinks and shared behaviour --------------------------------------------------------------

def test_permalink_opens_the_same_view_and_survives_a_page_switch(app):
    link = {"range": "custom", "from": "2024-04-10", "to": "2024-04-12", "day": "cal",
            "cat": ["城乡建设", "交通运输"], "q": "小区"}
    at = app("app_pages/trends.py", **link)
    assert not at.exception
    assert at.selectbox(key="f_range").value == "custom"
    assert at.date_input(key="f_dates").value == (date(2024, 4, 10), date(2024, 4, 12))
    assert at.radio(key="f_day").value == "cal"
    assert at.multiselect(key="f_cat").value == ["城乡建设", "交通运输"]
    assert at.text_input(key="f_q").value == "小区"
    period = Period(datetime(2024, 4, 10), datetime(2024, 4, 13))      # calendar days, both ends inclusive
    expected = count(Filters(period=period, categories=("城乡建设", "交通运输"), keyword="小区"))
    assert expected > 0
    assert metric(at, "条目数") == f"{expected:,}"
    assert at.query_params["from"] == "2024-04-10" and at.query_params["day"] == "cal"

    at.switch_page("app_pages/categories.py").run()
    assert not at.exception
    assert at.multiselect(key="f_cat").value == ["城乡建设", "交通运输"]
    assert metric(at, "条目数") == f"{expected:,}"
    assert at.query_params["q"] == "小区" and at.query_params["cat"] == ["城乡建设", "交通运输"]

    # 数据管理 has no filters; coming back from it keeps them
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception and at.title[0].value == "数据管理" and not at.sidebar.multiselect
    at.switch_page("app_pages/trends.py").run()
    assert at.multiselect(key="f_cat").value == ["城乡建设", "交通运输"]
    assert at.date_input(key="f_dates").value == (date(2024, 4, 10), date(2024, 4, 12))
    assert metric(at, "条目数") == f"{expected:,}"


def test_permalink_with_exact_hours_and_a_subcategory(app):
    at = app("app_pages/items.py", range="custom", **{"from": "2024-04-30T10:00", "to": "2024-04-30T11:00"},
             cat="城乡建设", sub="物业管理")
    assert not at.exception
    hour = Period(datetime(2024, 4, 30, 10), datetime(2024, 4, 30, 11))
    expected = count(Filters(period=hour, categories=("城乡建设",), day_start_hour=8), subcategories=["物业管理"])
    assert expected >= 1
    assert any(c.value.startswith(f"共 {expected:,} 条") for c in at.caption)
    assert "物业管理" in texts(at)
    at.button(key="items_clear_sub").click().run()
    assert "sub" not in at.query_params
    assert any(c.value.startswith(f"共 {count(Filters(period=hour, categories=('城乡建设',))):,} 条")
               for c in at.caption)


def test_empty_filter_result_and_reset(app):
    at = app("app_pages/categories.py", q="这句话不会出现在任何条目里")
    assert not at.exception
    assert any("没有条目" in i.value for i in at.info)
    next(b for b in at.sidebar.button if b.label == "重置筛选").click().run()
    assert not at.exception and "q" not in at.query_params
    assert not any("没有条目" in i.value for i in at.info)


def test_markdown_escape_disarms_data_text():
    from dashboard.ui.widgets import md_escape

    text = "[链接](http://evil.example) **粗** $x$ :red[红] <b>"
    escaped = md_escape(text)
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "[]()*$:<>" and i)
    assert md_escape("第一行\n第二行") == "第一行 第二行"


def test_pages_on_an_empty_store(empty_app):
    for page in ("app_pages/trends.py", "app_pages/categories.py", "app_pages/items.py"):
        at = empty_app(page)
        assert not at.exception, page
        assert any("还没有数据" in i.value for i in at.info), page
