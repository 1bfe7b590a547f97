"""One figure, one definition: on a store with requests, web opinion and a file without reply columns,
the 部门 page, its 通报, `report bulletin` and `report daily` on the CLI, the 总览 cards and the alerts
give the same numbers, and nothing the sources do not provide shows as 0%, 0 or 未答复.

The store is built by code from three drops, each answer known by construction:
- hotline.csv  12345 work orders (热线) with departments, replies and satisfaction: 30 requests published
  2–11 March 2024 — 市住建局 (市直) 10: 9 replied, 8 satisfied, 1 open; 市城管局 (市直) 10: 6 replied
  (2 after 20 days), 5 satisfied, 4 open; A1区人民政府 (县市区) 10: 10 replied, 10 satisfied;
- board.csv    a message-board export (留言编号/留言主题/留言时间/留言详情): 20 requests, no reply and no
  satisfaction columns, no department;
- weibo.csv    15 微博 posts up to 1 April 20:00 (the data cut-off): web opinion, never a request.
As of the cut-off the 5 open requests are overdue (published 8–11 March).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.core import store
from dashboard.core.analytics import alerts, metrics
from dashboard.core.config import AnalyticsSettings, settings_for
from dashboard.core.filters import Filters
from dashboard.core.ingest.loader import ingest_file

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")
MARCH = metrics.month_period(2024, 3)
DAY = date(2024, 4, 1)        # a monitoring day whose due window holds most of March
SETTINGS = AnalyticsSettings(day_start_hour=8)


def _hotline() -> pd.DataFrame:
    rows = []
    plan = {"市住建局": ("市直", 9, 8, 0), "市城管局": ("市直", 6, 5, 2), "A1区人民政府": ("县市区", 10, 10, 0)}
    for d, (dept, (level, replied, satisfied, late)) in enumerate(plan.items()):
        for i in range(10):
            published = datetime(2024, 3, 2 + i, 9 + d)
            lag = timedelta(days=20) if i < late else timedelta(days=2)
            rows.append({"编号": f"H{d}{i:02d}", "标题": f"{dept}办理事项{i}", "内容": "小区门口道路破损，请尽快修复。",
                         "发布时间": published, "渠道": "12345", "承办单位": dept, "部门级别": level, "是否有效": "是",
                         "答复时间": published + lag if i < replied else None,
                         "满意度": "满意" if i < satisfied else ("不满意" if i < replied else None)})
    return pd.DataFrame(rows)


def _board() -> pd.DataFrame:
    return pd.DataFrame([{"留言编号": 5000 + i, "留言用户": f"A00{i:04d}", "留言主题": f"A7县某小区停水问题{i}",
                          "留言时间": f"2024/3/{3 + i % 25} 10:{i:02d}:00",
                          "留言详情": "A7县某小区停水三天了，请尽快处理。"} for i in range(20)])


def _weibo() -> pd.DataFrame:
    return pd.DataFrame([{"编号": f"W{i:02d}", "标题": f"网传某路段拥堵{i}", "内容": "今天早上某路段严重拥堵，大家注意绕行。",
                          "发布时间": datetime(2024, 3, 18, 20) + timedelta(days=i), "渠道": "微博"} for i in range(15)])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    settings = settings_for(tmp_path_factory.mktemp("agree") / "data")
    drops = settings.data_dir / "drops"
    drops.mkdir(parents=True)
    con = store.connect(settings.db_path)
    for name, frame in (("hotline.csv", _hotline()), ("board.csv", _board()), ("weibo.csv", _weibo())):
        frame.to_csv(drops / name, index=False)
        assert ingest_file(con, drops / name, settings).status == "loaded"
    con.close()
    return settings.db_path


@pytest.fixture
def db(built, tmp_path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(built.read_bytes())
    return copy


def test_the_store_knows_what_each_source_provides(db):
    con = store.connect(db, read_only=True)
    rows = con.execute("""select ingest_file_id, kind, channel, reply_tracked, satisfaction_tracked, count(*)
                          from items group by all order by 1""").fetchall()
    assert rows == [(1, "诉求", "热线", True, True, 30), (2, "诉求", "留言板", False, False, 20),
                    (3, "舆情", "微博", False, False, 15)]
    con.close()


def test_responsiveness_counts_requests_and_says_what_is_unknown(db):
    con = store.connect(db, read_only=True)
    groups = {g.group: g for g in metrics.group_summary(con, Filters(period=MARCH), SETTINGS)}
    total, unassigned = groups["合计"], groups["未标注"]
    assert (total.received, total.valid) == (50, 50)                       # 30 + 20 requests, no web post
    assert (total.reply.numerator, total.reply.denominator, total.reply.unknown) == (25, 30, 20)
    assert (total.satisfaction.numerator, total.satisfaction.denominator) == (23, 30)
    assert total.overdue_open == 5 and total.replied_late == 2
    assert unassigned.reply.is_unknown and str(unassigned.reply) == metrics.NO_REPLIES
    assert str(unassigned.satisfaction) == metrics.NO_SATISFACTION and unassigned.overdue_open == 0
    overdue = metrics.overdue_items(con, Filters(period=MARCH), SETTINGS)
    assert overdue["id"].str.startswith("H").all() and len(overdue) == 5 + 2   # never a board or web item
    con.close()


def _page(db: Path, page: str, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("YUQING_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_departments_page_bulletin_and_cli_agree(db, app_data_dir, monkeypatch, tmp_path):
    out = tmp_path / "bulletin.md"           # the CLI first: the page's process then holds the store
    assert main(["report", "bulletin", "--db", str(db), "--date", "2024-03", "-o", str(out)]) == 0
    from_cli = out.read_text(encoding="utf-8")
    assert "本栏目共受理网民留言 50 件，其中有效留言 50 件" in from_cli
    assert "| 合计 | 3 | 50 | 50 | 25 | 83.3% | 23 | 76.7% |" in from_cli
    assert "| 未标注 | 0 | 20 | 20 | — | 来源未提供答复信息 | — | 来源未提供满意度 |" in from_cli
    assert "网传" not in from_cli and not re.search(r"(?<![\d.])0\.0%", from_cli)

    at = _page(db, "departments", monkeypatch, range="custom", **{"from": "2024-03-01", "to": "2024-03-31"},
               day="cal")
    assert not at.exception, at.exception
    assert (_metric(at, "受理"), _metric(at, "有效")) == ("50", "50")
    assert _metric(at, "平均答复率") == "83.3%" and _metric(at, "平均满意率") == "76.7%"
    assert _metric(at, "超期未答复") == "5"
    captions = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "来源未提供答复信息的有效件 20 件" in captions                 # said on the card, not a 0
    next(b for b in at.button if b.key == "departments_bulletin_generate").click().run()
    from_page = at.session_state["_report_departments_bulletin"]["markdown"]
    # the page's copy ends with who exported it and when (the CLI's does not: it is not logged in)
    from_page, signed = from_page.rstrip("\n").rsplit("\n", 1)      # "…\n\n> 导出人：…" → "…\n"
    assert signed.startswith("> 导出人：") and "导出时间：" in signed
    # the same document but for how the chart is referred to (an image file beside the CLI's Markdown)
    chart = r"!\[[^]]*\]\([^)]*\)|（图\d[^）]*）"
    assert re.sub(chart, "", from_cli) == re.sub(chart, "", from_page)


def test_overview_cards_digest_and_alerts_agree(db, app_data_dir, monkeypatch, tmp_path):
    con = store.connect(db, read_only=True)
    end_of_day = datetime(2024, 4, 2, 8)
    listed = alerts.day_alerts(con, DAY, SETTINGS, now=end_of_day)
    counts = alerts.AlertCounts.of(listed.alerts)
    due, window = metrics.due_reply_rate(con, DAY, Filters(), SETTINGS, end_of_day)
    value, formula = metrics.due_rate_parts(due, window, SETTINGS)
    con.close()
    # due on 1 April: published 16 Feb – 16 Mar; the board's 14 of them are unknown, stated, not counted
    assert (due.numerator, due.denominator, due.unknown) == (25, 30, 14)
    out = tmp_path / "digest.md"
    assert main(["report", "daily", "--db", str(db), "--date", DAY.isoformat(), "-o", str(out)]) == 0
    digest = out.read_text(encoding="utf-8")
    assert f"到期诉求答复率 {value}（{formula}）" in digest
    # overdue at 市住建局 and 市城管局: one backlog line, no alert per department; 市城管局 below 90% on both
    # due rates: one department reminder
    assert listed.backlog is not None and listed.backlog.departments >= 2 and counts.reminders == 1
    assert not [a for a in listed.alerts if a.kind == "overdue"]
    assert listed.counts_text() in digest and listed.backlog.text() in digest

    params = dict(range="custom", **{"from": "2024-03-25", "to": DAY.isoformat()})
    at = _page(db, "overview", monkeypatch, **params)
    assert not at.exception, at.exception
    assert _metric(at, "预警") == str(counts.warnings)
    assert _metric(at, "到期诉求答复率") == value
    assert any(formula in c.value.replace("\\", "") for c in at.caption)
    hot = _page(db, "hot", monkeypatch, **params)
    assert any(listed.counts_text() in c.value.replace("\\", "") for c in hot.caption)
    assert any(listed.backlog.text() in t.value for t in hot.text)


def test_items_say_unknown_never_unanswered(db):
    con = store.connect(db, read_only=True)
    rows = store.run_query(con, "items/list", limit=None)
    status = rows.groupby(rows["id"].str[0])["reply_status"].agg(set).to_dict()
    assert status["5"] == {"来源未提供"} and status["W"] == {"不适用（网络舆情）"}
    assert status["H"] == {"已答复", "未答复"}
    satisfaction = rows.groupby(rows["id"].str[0])["satisfaction"].agg(set).to_dict()
    assert satisfaction["5"] == {"来源未提供"} and "未评价" in satisfaction["H"]
    exported = store.run_query(con, "items/export", limit=None)
    assert not exported.loc[~exported["id"].str.startswith("H"), "reply_status"].eq("未答复").any()
    con.close()
