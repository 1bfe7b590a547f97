"""The 总览, 热点与预警, 部门 and 词云 pages through streamlit.testing, on a small demo store in tmp_path.

The pages are run through a tiny router written to tmp_path (the same store, sidebar filters and
navigation as dashboard/streamlit_app.py), so they are tested whether or not the main router lists
them yet. Each test checks the headline elements and one real interaction.
"""
from __future__ import annotations

import json

import shutil
import textwrap
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.demo.generator import generate_items
from dashboard.core.filters import Filters, Period
from dashboard.core.ingest.loader import ingest_frame

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "dashboard" / "app_pages"
END = datetime(2024, 5, 1, 8)
LAST_DAY = date(2024, 4, 30)            # the monitoring day of the newest item (08:00 days)
WEEK = Period(datetime(2024, 4, 24, 8), datetime(2024, 5, 1, 8))

ROUTER = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from dashboard.ui.filters import sidebar
from dashboard.ui.store import get_store
st.set_page_config(layout="wide")
get_store()
pages = [st.Page({pages!r} + "/" + name + ".py", title=name, url_path=name, default=(name == "overview"))
         for name in ("overview", "hot", "departments", "words", "items")]
navigation = st.navigation(pages)
sidebar(navigation.url_path)
navigation.run()
"""


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    settings = settings_for(tmp_path_factory.mktemp("analytics_pages") / "data")
    for folder in (settings.inbox_dir, settings.archive_dir, settings.rejected_dir, settings.outcomes_dir):
        folder.mkdir(parents=True, exist_ok=True)
    con = store.connect(settings.db_path)
    ingest_frame(con, generate_items(n=1500, days=40, seed=3, end=END), settings, "demo")
    con.close()
    return settings.db_path


@pytest.fixture
def app(built_store, app_data_dir, tmp_path):
    shutil.copy(built_store, app_data_dir / "warehouse.duckdb")
    router = tmp_path / "router.py"
    router.write_text(textwrap.dedent(ROUTER.format(root=str(ROOT), pages=str(PAGES))), encoding="utf-8")

    def open_page(name: str) -> AppTest:
        at = AppTest.from_file(str(router), default_timeout=60)
        at.switch_page(str(PAGES / f"{name}.py"))
        return at.run()

    return open_page


def run(name: str, **params):
    from dashboard.ui.store import get_store

    return store.run_query(get_store().con, name, **params)


def count(filters: Filters) -> int:
    return int(run("items/count", **filters.params(), subcategories=None).iat[0, 0])


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table(at: AppTest, *columns: str):
    """The last table showing all these columns (plain st.dataframe elements carry no key)."""
    return [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)][-1]


def no_html(at: AppTest) -> None:
    """Item text never goes through markdown: no markdown element may carry an item title."""
    titles = set(run("items/list", limit=None)["title"].dropna())
    for element in list(at.markdown) + list(at.caption):
        assert element.value not in titles


# --- 总览 ----------------------------------------------------------------------------------------

def test_overview(app):
    at = app("overview")
    assert not at.exception, at.exception
    assert at.title[0].value == "总览"
    assert [m.label for m in at.metric] == ["条目数", "负面占比", "到期诉求答复率", "预警"]
    # the due-aware rate shows its formula on the card: which requests are due, what is divided by what
    assert any("已过 15 天答复时限" in c.value for c in at.caption)
    day_input = at.date_input[0]
    assert day_input.value == LAST_DAY
    assert any("2024-04-30" in c.value for c in at.caption)
    last = Period(datetime(2024, 4, 30, 8), datetime(2024, 5, 1, 8))
    assert metric(at, "条目数") == f"{count(Filters(period=last, day_start_hour=8)):,}"
    assert [s.value for s in at.subheader] == ["预警", "热点话题", "上升词", "提醒部门", "高关注信息"]
    no_html(at)

    day_input.set_value(date(2024, 4, 20)).run()
    assert not at.exception, at.exception
    other = Period(datetime(2024, 4, 20, 8), datetime(2024, 4, 21, 8))
    assert metric(at, "条目数") == f"{count(Filters(period=other, day_start_hour=8)):,}"


# --- 热点与预警 ------------------------------------------------------------------------------------

def test_hot(app):
    at = app("hot")
    assert not at.exception, at.exception
    assert at.title[0].value == "热点与预警"
    assert [s.value for s in at.subheader][:2] == ["预警", "热点话题"]
    assert at.expander, "every alert (and the rules) sit in expanders"
    topic_box = next(s for s in at.selectbox if s.label == "查看话题")
    assert len(topic_box.options) >= 2
    first_items = len(table(at, "编号", "内容"))
    topic_box.select_index(1).run()
    assert not at.exception, at.exception
    second_items = len(table(at, "编号", "内容"))
    assert first_items >= 3 and second_items >= 3
    sizes = table(at, "代表性原话", "首条")["条目"].tolist()
    assert [first_items, second_items] == sizes[:2]
    no_html(at)


# --- 部门 ------------------------------------------------------------------------------------------

def test_departments(app):
    at = app("departments")
    assert not at.exception, at.exception
    assert at.title[0].value == "部门"
    assert [t.label for t in at.tabs][:2] == ["市直", "县市区"]
    # captions are Markdown-escaped (\= shows as =)
    assert any("答复率 = 已答复" in c.value.replace("\\", "") for c in at.caption)
    assert {"市直平均答复率", "市直平均满意率", "县市区平均答复率", "县市区平均满意率"} <= {m.label for m in at.metric}
    quality = table(at, "实质答复率", "判断答复")         # reply substance: the same query as the CLI report
    from dashboard.core.analytics import replies
    from dashboard.ui.store import get_store
    expected_quality = replies.department_quality(get_store().con, Filters(period=WEEK, day_start_hour=8))
    assert quality["判断答复"].tolist() == expected_quality["judged"].tolist() and len(quality) > 0
    departments = table(at, "部门", "名次变化")
    assert {"部门", "受理", "有效", "已答复", "答复率", "满意", "满意率", "答复用时中位数（天）", "超期未答复",
            "名次", "名次变化"} <= set(departments.columns)
    box = at.selectbox(key="departments_detail")
    department = box.options[1]
    box.set_value(department).run()
    assert not at.exception, at.exception
    every_group = pd.concat([d.value for d in at.dataframe if {"部门", "名次变化"} <= set(d.value.columns)])
    row = every_group[every_group["部门"] == department].iloc[0]
    assert [m.value for m in at.metric if m.label == "有效"][-1] == f"{int(row['有效']):,}"   # the detail cards
    assert metric(at, "名次") == (f"{int(row['名次'])}" if pd.notna(row["名次"]) else "—")
    items = table(at, "编号", "承办部门")
    expected = count(Filters(period=WEEK, departments=(department,), day_start_hour=8))
    assert len(items) == min(expected, 200)
    assert set(items["承办部门"]) == {department}


# --- 词云 ------------------------------------------------------------------------------------------

def test_words(app):
    at = app("words")
    assert not at.exception, at.exception
    assert at.title[0].value == "词云"
    terms_table = table(at, "词语", "次数", "条目数")
    cloud = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert cloud["layout"]["images"][0]["source"].startswith("data:image/png;base64,"), "the word cloud is drawn"
    clickable = [point[0] for point in cloud["data"][0]["customdata"]]
    assert clickable and set(clickable) <= set(terms_table["词语"]), "every word of the cloud can be clicked"
    assert len(terms_table) > 10
    box = next(s for s in at.selectbox if s.label == "词语")
    term = terms_table["词语"].iloc[3]
    box.set_value(term).run()
    assert not at.exception, at.exception
    items = table(at, "编号", "词频")
    assert len(items) == int(terms_table.loc[terms_table["词语"] == term, "条目数"].iloc[0])
    no_html(at)
