"""The Streamlit app through streamlit.testing: real pages on a real store in tmp_path."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.ingest.loader import ingest_file
from tests.conftest import FIXTURES

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")


@pytest.fixture
def app_env(app_data_dir):
    return settings_for(app_data_dir)


def test_admin_page_on_an_empty_store(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception                              # the default page (总览) copes with no data
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception
    assert at.title[0].value == "数据管理"
    assert any("还没有数据" in i.value for i in at.info)


def ingest_log(at: AppTest):
    """The 入库记录 table of the 数据管理 page (the one with 文件 and 状态 columns)."""
    tables = [d.value for d in at.dataframe if {"文件", "状态"} <= set(d.value.columns)]
    assert len(tables) == 1
    return tables[0]


def test_admin_page_lists_ingests_and_picks_up_new_drops(app_env):
    settings = app_env
    con = store.connect(settings.db_path)
    for folder in (settings.inbox_dir, settings.archive_dir, settings.rejected_dir):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "messages_utf8.csv", settings.inbox_dir / "first.csv")
    ingest_file(con, settings.inbox_dir / "first.csv", settings)
    con.close()

    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception
    assert at.metric[0].value == "6"
    log = ingest_log(at)
    assert log["文件"].tolist() == ["first.csv"] and log["状态"].tolist() == ["已入库"]

    # A file dropped into the inbox while the app runs is ingested by its watcher; the page follows.
    shutil.copy(FIXTURES / "bad_rows.csv", settings.inbox_dir / "second.csv")
    from dashboard.ui.store import get_store

    con = get_store().con
    deadline = time.time() + 30
    while store.data_version(con) < 2 and time.time() < deadline:
        time.sleep(0.3)
    at.run()
    assert not at.exception
    log = ingest_log(at)
    assert "second.csv" in log["文件"].tolist()
    assert not (settings.inbox_dir / "second.csv").exists()
    # the quarantined file offers its refused rows for download
    assert at.selectbox[0].value is not None


def test_every_page_of_the_router_renders_on_demo_data(app_env):
    from datetime import datetime

    from dashboard.core.demo.generator import generate_items
    from dashboard.core.ingest.loader import ingest_frame

    settings = app_env
    con = store.connect(settings.db_path)
    ingest_frame(con, generate_items(1500, days=40, seed=5, end=datetime(2024, 5, 1, 8)), settings, "demo",
                 demo=True)
    con.close()
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    pages = ["overview", "hot", "trends", "categories", "words", "departments", "items", "admin"]
    for page in pages:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        assert at.title, f"{page} has no title"
        # while demo items are in the store, every page says so in one line
        assert [w.value for w in at.warning if "演示数据" in w.value], page


def test_the_first_real_file_removes_the_demo_and_the_pages_say_so(app_env):
    from datetime import datetime

    from dashboard.core.demo.generator import generate_items
    from dashboard.core.ingest.loader import ingest_frame

    settings = app_env
    con = store.connect(settings.db_path)
    ingest_frame(con, generate_items(300, days=10, seed=5, end=datetime(2024, 5, 1, 8)), settings, "demo", demo=True)
    outcome = ingest_file(con, FIXTURES / "messages_utf8.csv", settings)
    assert outcome.demo_removed == 300 and "已删除演示数据 300 条" in outcome.summary()
    con.close()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not [w for w in at.warning if "演示数据" in w.value]
    at.switch_page("app_pages/admin.py").run()
    log = at.dataframe[0].value
    assert "已删除演示数据 300 条" in " ".join(str(m) for m in log["说明"])
