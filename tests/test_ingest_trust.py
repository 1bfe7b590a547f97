"""Drops that would make the figures lie: lossy re-exports, demo data mixed with real data, sources that
do not say what kind of item they hold or whether they track replies."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.core import store
from dashboard.core.demo.generator import generate_items
from dashboard.core.ingest.loader import ingest_file, ingest_frame

RARE = ["㓜口小区停水三天", "㮾梨街道路灯不亮\xa0已有一周", "请处理•谢谢", "网友反映©问题"]


def _messages() -> pd.DataFrame:
    return pd.DataFrame({
        "留言编号": [101, 102, 103, 104, 105],
        "留言用户": ["A001", "A002", "A003", "A004", "A005"],
        "留言主题": ["关于㓜口小区停水", "㮾梨街道路灯", "垃圾清运", "噪音扰民", "停车难"],
        "留言时间": ["2024/3/1 9:00:00", "2024/3/2 9:00:00", "2024/3/3 9:00:00", "2024/3/4 9:00:00",
                 "2024/3/5 9:00:00"],
        "留言详情": RARE + ["小区停车位太少，晚上回家找不到车位，请有关部门规划增加停车位。"],
    })


def _checks(con) -> dict[str, int]:
    return {n: len(store.run_query(con, n)) for n in store.list_queries() if n.startswith("checks/")}


def test_a_lossy_gbk_re_export_changes_nothing(con, settings, tmp_path):
    first = tmp_path / "export.csv"
    _messages().to_csv(first, index=False, encoding="utf-8")
    assert ingest_file(con, first, settings).loaded_new == 5
    before = con.execute("select id, title, content, title_masked, content_masked, sentiment from items order by id").fetchall()
    terms = con.execute("select item_id, term, n from item_terms order by all").fetchall()
    # the same export from a GBK system that writes '?' for every character GBK lacks
    again = tmp_path / "export_gbk.csv"
    again.write_bytes(_messages().to_csv(index=False).encode("gbk", errors="replace"))
    outcome = ingest_file(con, again, settings)
    assert (outcome.loaded_new, outcome.updated, outcome.unchanged_duplicates, outcome.lossy_duplicates) == (0, 0, 1, 4)
    assert outcome.lossy_lines == [2, 3, 4, 5] and "有损重复 4" in outcome.summary()
    assert con.execute("select id, title, content, title_masked, content_masked, sentiment from items order by id"
                       ).fetchall() == before
    assert con.execute("select item_id, term, n from item_terms order by all").fetchall() == terms
    notes = store.run_query(con, "admin/row_notes", file_id=outcome.file_id)
    assert sorted(set(notes["line"])) == [2, 3, 4, 5] and notes["note"].str.contains("已保留库中原文").all()
    log = store.run_query(con, "admin/ingest_log")
    assert int(log.loc[log["id"] == outcome.file_id, "lossy_duplicates"].iat[0]) == 4
    assert not any(_checks(con).values())


def test_a_cut_text_is_lossy_a_real_edit_is_an_update(con, settings, tmp_path):
    first = tmp_path / "a.csv"
    frame = _messages()
    frame.to_csv(first, index=False)
    ingest_file(con, first, settings)
    edited = frame.copy()
    edited.loc[0, "留言详情"] = RARE[0][:4]                                  # cut short by the exporter
    edited.loc[1, "留言详情"] = RARE[1] + "。补充：今晚仍然不亮"              # a real change
    edited.loc[2, "留言主题"] = "垃圾清运？"                                  # a question mark added: a change
    second = tmp_path / "b.csv"
    edited.to_csv(second, index=False)
    outcome = ingest_file(con, second, settings)
    assert (outcome.updated, outcome.lossy_duplicates, outcome.unchanged_duplicates) == (2, 1, 2)
    stored = dict(con.execute("select id, content from items").fetchall())
    assert stored["101"] == RARE[0] and stored["102"].endswith("今晚仍然不亮")


def test_padding_that_comes_back_as_question_marks_is_lossy(con, settings, tmp_path):
    first = tmp_path / "a.csv"
    frame = _messages()
    frame.loc[3, "留言详情"] = "\xa0\xa0 夜间施工噪音扰民\xa0"                     # stored trimmed
    frame.to_csv(first, index=False)
    ingest_file(con, first, settings)
    second = tmp_path / "b.csv"
    second.write_bytes(frame.to_csv(index=False).encode("gbk", errors="replace"))   # "?? 夜间…?"
    outcome = ingest_file(con, second, settings)
    assert (outcome.updated, outcome.lossy_duplicates, outcome.unchanged_duplicates) == (0, 4, 1)
    assert con.execute("select content from items where id = '104'").fetchall() == [("夜间施工噪音扰民",)]


def test_a_lossy_title_with_a_new_reply_updates_the_reply_only(con, settings, tmp_path):
    first = tmp_path / "a.csv"
    _messages().to_csv(first, index=False)
    ingest_file(con, first, settings)
    later = _messages().assign(答复意见="已安排维修。", 答复时间="2024/3/10 10:00:00")
    second = tmp_path / "b.csv"
    second.write_bytes(later.to_csv(index=False).encode("gbk", errors="replace"))
    outcome = ingest_file(con, second, settings)
    assert (outcome.updated, outcome.lossy_duplicates) == (5, 0) and outcome.lossy_lines == [2, 3, 4, 5]
    row = con.execute("select title, content, reply_content, reply_tracked from items where id = '101'").fetchall()
    assert row == [("关于㓜口小区停水", RARE[0], "已安排维修。", True)]
    assert not any(_checks(con).values())


def test_message_board_exports_are_requests_on_the_board(con, settings, tmp_path):
    path = tmp_path / "board.csv"
    _messages().to_csv(path, index=False)
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "loaded"
    rows = con.execute("select distinct kind, channel, reply_tracked, satisfaction_tracked from items").fetchall()
    assert rows == [("诉求", "留言板", False, False)]
    assert store.run_query(con, "admin/ingest_log")["mapping"].tolist() == ["message_board"]


def test_kind_from_a_column_from_the_channel_or_by_rule(con, settings, tmp_path):
    path = tmp_path / "mixed.csv"
    pd.DataFrame({
        "编号": ["K1", "K2", "K3", "K4", "K5"],
        "标题": ["热线来电", "网帖", "网站留言", "无渠道有部门", "无渠道"],
        "发布时间": ["2024-03-01 09:00:00"] * 5,
        "渠道": ["12345", "新浪微博", "网站", None, None],
        "信息类型": [None, None, "诉求", None, None],
        "承办单位": [None, None, None, "市住建局", None],
    }).to_csv(path, index=False)
    ingest_file(con, path, settings)
    kinds = dict(con.execute("select id, kind from items").fetchall())
    assert kinds == {"K1": "诉求", "K2": "舆情", "K3": "诉求", "K4": "诉求", "K5": "舆情"}


# ------------------------------------------------------------------------------------------- demo
def test_demo_items_are_marked_and_the_first_real_file_removes_them(con, settings, drop):
    ingest_frame(con, generate_items(400, days=20, seed=9, end=datetime(2024, 5, 1, 8)), settings, "演示", demo=True)
    assert con.execute("select count(*) from items where is_demo").fetchall() == [(400,)]
    outcome = ingest_file(con, drop("messages_utf8.csv"), settings)
    assert outcome.demo_removed == 400 and outcome.loaded_new == 6
    assert con.execute("select count(*), count(*) filter (where is_demo) from items").fetchall() == [(6, 0)]
    assert not any(_checks(con).values())                        # terms and term_rollup follow
    log = store.run_query(con, "admin/ingest_log")
    assert log["status"].tolist() == ["loaded", "removed"]          # newest first: the demo batch is marked
    assert "已删除演示数据 400 条" in log["message"].iat[0]


def test_demo_command_marks_refuses_real_stores_and_removes(tmp_path, capsys, drop, settings):
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(db), "--items", "300", "--days", "10"]) == 0
    assert "导入第一个真实文件时会自动删除" in capsys.readouterr().out
    assert main(["demo", "--db", str(db), "--remove"]) == 0
    assert "已删除演示数据 300 条" in capsys.readouterr().out
    con = store.connect(db)
    assert con.execute("select count(*) from items").fetchall() == [(0,)]
    ingest_file(con, drop("messages_utf8.csv"), settings)
    con.close()
    assert main(["demo", "--db", str(db), "--items", "300", "--days", "10"]) == 2
    assert "已有 6 条真实数据" in capsys.readouterr().err


@pytest.mark.parametrize("tracks, expected", [(None, (True, False)), (False, (False, False))])
def test_a_profile_can_say_what_its_source_tracks(con, settings, tmp_path, tracks, expected):
    mappings = tmp_path / "mappings"
    mappings.mkdir()
    option = "" if tracks is None else f"tracks_replies = {str(tracks).lower()}\n"
    (mappings / "one.toml").write_text(f'[match]\nheaders = ["工单号"]\n[options]\n{option}', encoding="utf-8")
    from dataclasses import replace

    path = tmp_path / "orders.csv"
    pd.DataFrame({"工单号": ["T1"], "标题": ["路灯"], "发布时间": ["2024-03-01 09:00:00"], "答复时间": [None],
                  "渠道": ["热线"]}).to_csv(path, index=False)
    ingest_file(con, path, replace(settings, mappings_dir=mappings))
    assert con.execute("select reply_tracked, satisfaction_tracked from items").fetchall() == [expected]


def test_lossy_padding_is_the_padding_ingest_trims(con):
    """The SQL list of what may pad a lossy copy is normalise.PADDING plus '?' and U+FFFD, kept in step."""
    from dashboard.core.ingest.normalise import PADDING

    padding = con.execute("select lossy_padding()").fetchall()[0][0]
    assert set(padding) == set(PADDING) | {"?", "\ufffd"}
