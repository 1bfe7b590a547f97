"""How pages read to a person, through streamlit.testing on real stores: no raw gaps ("None") in any
table, on a store built from fixtures shaped like the real message-board exports (items from 2019,
many fields the source leaves empty) and on demo data."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.display.tables import MISSING, without_gaps
from dashboard.core.display.wall import PANEL_TITLES, panel_at
from dashboard.core.display.figures import MAX_SPIKE_MARKS, top_spikes, volume_figure
from dashboard.core.filters import PRESETS, Filters, Period, data_age_note, day_period, days_period, grain_for, preset_period
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
    if page == "hot":        # ten items form no topic and raise no alert: the backlog line shows the data
        assert any("超期积压" in t.value for t in at.text), "热点与预警 没有超期积压（数据没有进入页面？）"
    elif page != "trends":   # 趋势 draws charts only
        assert at.dataframe, f"{page} 没有表格（数据没有进入页面？）"
    assert not _gaps(at), _gaps(at)


# ------------------------------------------------------------------------------------------ presets
def test_presets_all_and_year_count_back_from_the_newest_item():
    anchor = datetime(2019, 5, 6, 10)                     # the newest item, years before today
    first = datetime(2019, 4, 25, 9, 32)
    assert preset_period("all", anchor, 8, first=first) == days_period(date(2019, 4, 25), date(2019, 5, 6), 8)
    assert preset_period("all", anchor, 0, first=None) == day_period(date(2019, 5, 6), 0)
    assert preset_period("year", anchor, 0) == days_period(date(2019, 1, 1), date(2019, 5, 6), 0)
    assert preset_period("today", datetime(2019, 5, 6, 7), 8) == day_period(date(2019, 5, 5), 8)
    assert list(PRESETS)[:5] == ["all", "year", "30d", "7d", "today"]
    assert PRESETS["today"] == "最新监测日"


def test_data_age_note_says_how_old_the_newest_day_is():
    now = datetime(2026, 12, 5, 10)
    note = data_age_note(date(2019, 5, 6), datetime(2019, 5, 6, 10), now, 0)
    assert note == f"最新数据在 2019-05-06（距今 {(date(2026, 12, 5) - date(2019, 5, 6)).days:,} 天）；本页显示即最新数据所在的一天。"
    assert data_age_note(date(2026, 12, 5), datetime(2026, 12, 5, 9), now, 0) is None
    assert data_age_note(date(2026, 12, 5), None, now, 0) is None


def _sidebar_period(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if c.value.startswith("时间："))


def test_overview_on_old_exports_opens_on_the_newest_day_and_says_how_old(exports_app):
    at = exports_app("overview")
    newest = run("admin/store_summary").iloc[0]
    newest_day = (pd.Timestamp(newest["last_published"]) - pd.Timedelta(hours=8)).date()
    assert at.date_input[0].value == newest_day
    assert any(f"最新数据在 {newest_day:%Y-%m-%d}（距今" in i.value for i in at.info)
    assert at.metric[0].value != "0"


def test_presets_all_and_year_in_the_sidebar_on_old_exports(exports_app):
    newest = run("admin/store_summary").iloc[0]
    first_day = (pd.Timestamp(newest["first_published"]) - pd.Timedelta(hours=8)).date()
    last_day = (pd.Timestamp(newest["last_published"]) - pd.Timedelta(hours=8)).date()
    at = exports_app("trends", range="all")
    assert not at.exception
    assert _sidebar_period(at).startswith(f"时间：{first_day:%Y-%m-%d} 至 {last_day:%Y-%m-%d}")
    at = exports_app("trends", range="year")
    assert _sidebar_period(at).startswith(f"时间：{last_day.year}-01-01 至 {last_day:%Y-%m-%d}")
    assert any("按数据截至" in c.value for c in at.sidebar.caption)


def test_a_custom_range_ending_after_the_data_opens_overview_on_the_newest_day(exports_app):
    newest = run("admin/store_summary").iloc[0]
    last_day = (pd.Timestamp(newest["last_published"]) - pd.Timedelta(hours=8)).date()
    at = exports_app("overview", range="custom", **{"from": f"{last_day:%Y-%m-%d}", "to": "2026-01-01"})
    assert not at.exception
    assert at.date_input[0].value == last_day


def run(name: str, **params) -> pd.DataFrame:
    from dashboard.ui.store import get_store

    return store.run_query(get_store().con, name, **params)


# ------------------------------------------------------------------------------------------- grain
def test_grain_follows_the_span():
    def span(days: float) -> Period:
        return Period(datetime(2024, 1, 1), datetime(2024, 1, 1) + timedelta(days=days))
    assert [grain_for(span(d)) for d in (1, 2, 3, 92, 93, 731, 732, 9 * 365)] == \
        ["hour", "hour", "day", "day", "week", "week", "month", "month"]
    assert grain_for(None) == "month"


def test_trends_grain_follows_the_span_and_permalinks_hold_the_view(exports_app):
    at = exports_app("trends", range="today")
    assert at.button_group(key="trends_grain").value == "hour"
    at = exports_app("trends", range="custom", **{"from": "2018-06-01", "to": "2019-05-31"})
    assert at.button_group(key="trends_grain").value == "week"
    assert "grain" not in at.query_params                   # the default is never written

    at.button_group(key="trends_grain").set_value("month").run()
    at.selectbox(key="trends_split").set_value("category").run()
    at.toggle(key="trends_previous").set_value(False).run()
    assert (at.query_params["grain"], at.query_params["split"], at.query_params["prev"]) == ("month", "category", "0")

    link = {key: at.query_params[key] for key in ("range", "from", "to", "grain", "split", "prev")}
    again = exports_app("trends", **link)                    # the permalink in a new session
    assert again.button_group(key="trends_grain").value == "month"
    assert again.selectbox(key="trends_split").value == "category"
    assert again.toggle(key="trends_previous").value is False


def test_spike_marks_are_thinned_to_the_strongest():
    buckets = pd.date_range("2024-01-01", periods=12, freq="D")
    spikes = pd.DataFrame({"bucket": buckets, "items": range(10, 22), "mean": 3.0, "sd": 1.0, "threshold": 5.0,
                           "baseline": 7, "spike": True})
    top = top_spikes(spikes)
    assert len(top) == MAX_SPIKE_MARKS and top["items"].tolist() == [17, 18, 19, 20, 21]
    volume = pd.DataFrame({"bucket": buckets, "series": "合计", "items": range(10, 22)})
    figure = volume_figure(volume, grain="day", spikes=spikes)
    marks = [t for t in figure.data if t.name == "突增"]
    assert len(marks[0].x) == MAX_SPIKE_MARKS


# -------------------------------------------------------------------------------------- the rest
def test_empty_states_name_the_real_inbox_folder(app_data_dir):
    for page in ("overview", "admin"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception
        inbox = str(settings_for(app_data_dir).inbox_dir)
        shown = " ".join(i.value.replace("\\", "") for i in at.info)
        assert inbox in shown and "data/inbox/" not in shown.replace(inbox, ""), shown


def test_file_names_end_on_the_real_last_day():
    from dashboard.ui.widgets import export_name

    week = days_period(date(2026, 11, 27), date(2026, 12, 3), 8)      # 08:00 days, ends 12-04 08:00
    assert export_name("网民留言办理情况通报", Filters(period=week, day_start_hour=8)) == \
        "网民留言办理情况通报_2026-11-27_2026-12-03"
    calendar = days_period(date(2026, 11, 27), date(2026, 12, 3), 0)
    assert export_name("items", Filters(period=calendar)).endswith("_2026-11-27_2026-12-03")


# -------------------------------------------------------------------------------------------- 大屏
@pytest.mark.parametrize("panel", ["volume", "alerts", "topics", "regions", "departments"])
def test_every_wall_panel_draws_on_the_real_exports(exports_app, panel):
    at = exports_app("wall", panel=panel)
    assert not at.exception, at.exception[0].value
    assert not at.error
    assert at.title[0].value == "舆情态势大屏"
    assert at.header[0].value.startswith(PANEL_TITLES[panel])
    assert not at.sidebar.selectbox                        # no filters, no controls on the wall


def test_wall_panels_rotate_with_the_clock():
    assert [panel_at(s) for s in (0, 14, 15, 30, 45, 60, 75)] == \
        ["volume", "volume", "alerts", "topics", "regions", "departments", "volume"]


def test_a_click_on_the_word_cloud_lists_the_items_behind_the_word(exports_app):
    at = exports_app("words", range="all")
    assert not at.exception
    top = at.dataframe[0].value
    word = top.iloc[2]["词语"]
    key = next(k for k in at.session_state if str(k).startswith("words_cloud_"))
    at.session_state[key] = {"selection": {"points": [{"customdata": [word]}], "point_indices": [0],
                                           "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert next(s for s in at.selectbox if s.label == "词语").value == word
    assert any(c.value.startswith(f"共 {int(top.iloc[2]['条目数']):,} 条") for c in at.caption)


def test_a_click_in_the_word_table_lists_the_items_behind_the_word(exports_app):
    at = exports_app("words", range="all")
    assert not at.exception
    top = at.dataframe[0].value
    key = next(k for k in at.session_state if str(k).startswith("words_top_table_"))
    at.session_state[key] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    assert not at.exception
    word = top.iloc[1]["词语"]
    assert next(s for s in at.selectbox if s.label == "词语").value == word
    assert any(c.value.startswith(f"共 {int(top.iloc[1]['条目数']):,} 条") for c in at.caption)
