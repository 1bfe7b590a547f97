"""How pages read to a person, through streamlit.testing on real stores: no raw gaps ("None") in any
table, on a store built from fixtures shaped like the real message-board exports (items from 2019,
many fields the source leaves empty) and on demo data."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.display.tables import MISSING, without_gaps
from dashboard.core.ingest.loader import ingest_file

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "streamlit_app.py")
FIXTURES = ROOT / "tests" / "fixtures"
EXPORTS = ("messages_utf8.csv", "hotline_gbk.csv", "late_reply.csv")
PAGES = ("overview", "hot", "trends", "categories", "words", "departments", "items", "admin")


@pytest.fixture
def exports_app(app_data_dir):
    settings = settings_for(app_data_dir)
    for folder in (settings.inbox_dir, settings.archive_dir, settings.rejected_dir, settings.outcomes_dir):
        folder.mkdir(parents=True, exist_ok=True)
    con = store.connect(settings.db_path)
    for name in EXPORTS:
        assert ingest_file(con, FIXTURES / name, settings).ok
    con.close()

    def open_page(page: str, **params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(f"app_pages/{page}.py")
        return at.run()
    return open_page


def test_without_gaps_writes_a_dash_and_keeps_the_column_format():
    frame = pd.DataFrame({"标题": ["甲", None], "点赞": [3.0, None], "答复率": [0.5, None],
                          "答复时间": pd.to_datetime(["2019-05-06 10:00", None]), "条目": [1, 2]})
    shown, converted = without_gaps(frame, {"答复率": "percent", "答复时间": "YYYY-MM-DD HH:mm"})
    assert shown.to_dict("list") == {"标题": ["甲", MISSING], "点赞": ["3", MISSING], "答复率": ["50.0%", MISSING],
                                     "答复时间": ["2019-05-06 10:00", MISSING], "条目": [1, 2]}
    assert sorted(converted) == ["点赞", "答复时间", "答复率"]


def _gaps(at: AppTest) -> list[str]:
    found = []
    for number, element in enumerate(at.dataframe):
        frame = element.value
        if not isinstance(frame, pd.DataFrame):
            continue
        for column in frame.columns:
            raw = frame[column].isna() | frame[column].astype(str).isin(["None", "nan", "NaT", "empty", ""])
            if raw.any():
                found.append(f"表 {number}「{column}」有 {int(raw.sum())} 个空值")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_table_shows_a_raw_gap_on_the_real_exports(exports_app, page):
    at = exports_app(page)
    assert not at.exception, at.exception[0].value
    if page != "trends":     # 趋势 draws charts only
        assert at.dataframe, f"{page} 没有表格（数据没有进入页面？）"
    assert not _gaps(at), _gaps(at)
