"""Ingest end to end on a real DuckDB file: readers, mapping, rules, idempotency, safety."""
from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core import store
from dashboard.core.ingest import loader
from dashboard.core.ingest.loader import IngestAborted, ingest_file
from dashboard.core.ingest.readers import detect_encoding, read_table
from tests.conftest import FIXTURES

SAME_ITEMS = ["messages_utf8.csv", "messages_utf8_bom.csv", "messages_gbk.csv", "messages_gb18030.csv",
              "messages_en.tsv", "messages_traditional.csv", "messages.xlsx", "messages.parquet"]


def items(con, columns="id, title, content, published_at, category, likes, replied_at, reply_content, author"):
    return con.execute(f"select {columns} from items order by id").df()


def balanced(outcome) -> bool:
    return outcome.rows_read == outcome.loaded_new + outcome.updated + outcome.unchanged_duplicates + outcome.rejected


@pytest.mark.parametrize("name", SAME_ITEMS)
def test_every_format_yields_the_same_six_items(name, con, settings, drop):
    outcome = ingest_file(con, drop(name), settings)
    assert outcome.status == "loaded", outcome.summary()
    assert (outcome.rows_read, outcome.loaded_new, outcome.rejected) == (6, 6, 0)
    got = items(con)
    assert got["id"].tolist() == ["1001", "1002", "1003", "1004", "1005", "1006"]
    assert got.loc[0, "published_at"] == pd.Timestamp("2019-04-25 09:32:09")
    assert got.loc[1, "published_at"] == pd.Timestamp("2019-04-26 21:05:00")
    assert got.loc[2, "replied_at"] == pd.Timestamp("2019-05-03 16:20:11")
    assert pd.isna(got.loc[1, "replied_at"]) and pd.isna(got.loc[1, "reply_content"])
    assert got["likes"].tolist() == [12, 3, 0, 5, 20, 8]
    assert got.loc[0, "category"] == "城乡建设"
    # padding trimmed at both ends, the citizen's own U+3000 inside kept
    assert got.loc[0, "content"].startswith("尊敬的领导：\u3000\u3000我们小区")
    assert got.loc[0, "content"].endswith("没有召开业主大会。")


def test_encoding_detection():
    assert detect_encoding(FIXTURES / "messages_utf8.csv") == "utf-8"
    assert detect_encoding(FIXTURES / "messages_utf8_bom.csv") == "utf-8-sig"
    assert detect_encoding(FIXTURES / "messages_gbk.csv") == "gb18030"
    assert detect_encoding(FIXTURES / "messages_gb18030.csv") == "gb18030"


def test_gb18030_only_characters_survive(con, settings, drop):
    ingest_file(con, drop("messages_gb18030.csv"), settings)
    content = con.execute("select content from items where id = '1006'").fetchall()[0][0]
    assert "\xa0专家号" in content and "㮾塘" in content


def test_encoding_override_and_wrong_override(con, settings, drop):
    assert ingest_file(con, drop("messages_gbk.csv"), settings, encoding="gbk").loaded_new == 6
    wrong = ingest_file(con, drop("messages_gb18030.csv", "again.csv"), settings, encoding="utf-8")
    assert wrong.status == "quarantined"
    assert "utf-8" in wrong.message.lower() and "--encoding" in wrong.message


def test_xlsx_first_sheet_mixed_dates_blank_rows_and_sheet_rows():
    table = read_table(FIXTURES / "messages.xlsx")
    assert len(table.rows) == 6                      # blank and blank-formatted rows ignored
    assert table.lines == [2, 3, 4, 6, 7, 8]          # Excel's own row numbers, past the blank row 5
    kinds = {type(row[3]).__name__ for row in table.rows}
    assert kinds == {"str", "datetime"}


def test_bad_rows_are_rejected_with_line_and_reason(con, settings, drop):
    settings = replace(settings, max_reject_share=0.5)
    outcome = ingest_file(con, drop("bad_rows.csv"), settings)
    assert outcome.status == "loaded"
    assert balanced(outcome)
    assert outcome.rows_read == 29 and outcome.rejected == 9 and outcome.loaded_new == 20
    reasons = dict(con.execute("select line, reason from rejected_rows order by line").fetchall())
    # line 1 is the header; row k of BAD_ROWS is on line k + 2
    assert "标题和内容都为空" in reasons[3]
    assert "去年春天" in reasons[4] and "无法识别" in reasons[4]
    assert "2019-02-30" in reasons[5]
    assert "未来" in reasons[6]
    assert "答复时间" in reasons[7] and "早于发布时间" in reasons[7]
    assert "满意度「还行吧」无法识别" in reasons[8]
    assert "点赞数「很多」不是非负整数" in reasons[9]
    assert "标题过长（501 字，上限 500 字）" in reasons[10]
    assert "9 个字段" in reasons[30]
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 10, 30}
    # the rows with unusual but valid times all landed, in local time
    times = dict(con.execute("select id, published_at from items").fetchall())
    assert times["2010"] == datetime(2020, 1, 4, 9, 30)
    assert times["2011"] == datetime(2020, 1, 4, 9, 30)
    assert times["2012"] == datetime(2020, 1, 4, 0, 0)
    assert times["2013"] == datetime(2020, 1, 4, 9, 30)   # 01:30Z is 09:30 in Shanghai
    assert times["2015"] == datetime(2020, 1, 4, 9, 30)
    satisfaction = dict(con.execute("select id, satisfaction from items").fetchall())
    assert satisfaction["2010"] == "满意" and satisfaction["2014"] == "基本满意"
    # the report beside the archived file lists the same rows
    with open(outcome.report_path, encoding="utf-8-sig") as fh:
        report = list(csv.reader(fh))
    assert report[0] == ["文件", "行号", "原因", "原始内容"]
    assert [int(r[1]) for r in report[1:]] == sorted(reasons)


def test_too_many_bad_rows_quarantines_the_whole_file(con, settings, drop):
    path = drop("bad_rows.csv")
    outcome = ingest_file(con, path, settings)          # default limit 30% < 9/29
    assert outcome.status == "quarantined"
    assert balanced(outcome) and outcome.rejected == 29
    assert "整个文件已隔离" in outcome.message
    assert con.execute("select count(*) from items").fetchall()[0][0] == 0
    assert not path.exists()
    quarantined = list(settings.rejected_dir.rglob("*-bad_rows.csv"))
    assert len(quarantined) == 1
    reason = quarantined[0].with_name(quarantined[0].name + ".reason.txt").read_text(encoding="utf-8")
    assert "已隔离" in reason and "data/inbox/" in reason


def test_missing_required_columns_quarantines(con, settings, drop):
    outcome = ingest_file(con, drop("missing_columns.csv"), settings)
    assert outcome.status == "quarantined"
    assert "缺少必需的列" in outcome.message and "时间" in outcome.message and "标题或内容" in outcome.message
    assert outcome.rows_read == 2 and balanced(outcome)


def test_unsupported_file_is_quarantined_not_lost(con, settings):
    path = settings.inbox_dir / "notes.docx"
    path.write_bytes(b"PK\x03\x04 not really a document")
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "quarantined" and "不支持的文件类型" in outcome.message
    assert list(settings.rejected_dir.rglob("*-notes.docx"))


def test_same_bytes_under_any_name_load_once(con, settings, drop):
    first = ingest_file(con, drop("messages_utf8.csv"), settings)
    again = ingest_file(con, drop("messages_utf8.csv"), settings)
    renamed = ingest_file(con, drop("messages_utf8.csv", "副本.csv"), settings)
    assert first.loaded_new == 6
    assert again.status == renamed.status == "duplicate_file"
    assert again.duplicate_of == first.file_id
    assert con.execute("select count(*) from items").fetchall()[0][0] == 6
    # every drop is archived, never deleted
    assert len(list(settings.archive_dir.rglob("*.csv"))) == 3


def test_same_items_in_another_format_are_unchanged_duplicates(con, settings, drop):
    ingest_file(con, drop("messages_utf8.csv"), settings)
    outcome = ingest_file(con, drop("messages.xlsx"), settings)
    assert (outcome.loaded_new, outcome.updated, outcome.unchanged_duplicates) == (0, 0, 6)
    assert con.execute("select count(*) from items").fetchall()[0][0] == 6


def test_late_reply_updates_the_item(con, settings, drop):
    ingest_file(con, drop("messages_utf8.csv"), settings)
    outcome = ingest_file(con, drop("late_reply.csv"), settings)
    assert (outcome.rows_read, outcome.loaded_new, outcome.updated) == (1, 0, 1)
    row = con.execute("select replied_at, reply_content, ingest_file_id from items where id = '1002'").fetchall()[0]
    assert row[0] == datetime(2019, 5, 8, 18, 0) and row[1].startswith("您好，路灯")
    assert row[2] == outcome.file_id
    assert con.execute("select count(*) from items").fetchall()[0][0] == 6


def test_duplicate_ids_inside_one_file(con, settings, drop):
    outcome = ingest_file(con, drop("duplicate_ids.csv"), settings)
    # rows: 1001, 1002, 1002 (identical), 1003 (category 城乡建设), 1003 (category 劳动和社会保障)
    assert (outcome.rows_read, outcome.loaded_new, outcome.unchanged_duplicates, outcome.rejected) == (5, 3, 1, 1)
    reason = con.execute("select line, reason from rejected_rows").fetchall()[0]
    # CSV lines are physical lines: message 1001 spans lines 2-4 (a quoted multi-line cell)
    assert reason[0] == 8 and "第 7 行已出现" in reason[1] and "分类" in reason[1]
    assert con.execute("select category from items where id = '1003'").fetchall()[0][0] == "城乡建设"


def test_failure_mid_transaction_leaves_the_store_as_it_was(con, settings, drop, monkeypatch):
    ingest_file(con, drop("messages_utf8.csv"), settings)
    before = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
              for t in ("items", "item_terms", "rejected_rows")}
    real_execute = store.execute

    def failing(cursor, name, **params):
        result = real_execute(cursor, name, **params)
        if name == "ingest/insert_terms":     # after items were inserted and updated
            raise IngestAborted("injected failure")
        return result

    monkeypatch.setattr(loader.store, "execute", failing)
    path = drop("duplicate_ids.csv")
    failed = ingest_file(con, path, replace(settings, max_reject_share=0.9))
    assert failed.status == "failed" and "injected failure" in failed.message and "未做任何改动" in failed.message
    after = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in before}
    assert after == before
    assert con.execute("select category from items where id = '1003'").fetchall()[0][0] == "劳动和社会保障"
    assert path.exists(), "the file stays in the inbox for a retry"
    status = con.execute("select status, message from ingest_files order by id desc limit 1").fetchall()[0]
    assert status[0] == "failed" and "未做任何改动" in status[1]
    monkeypatch.setattr(loader.store, "execute", real_execute)
    retry = ingest_file(con, path, settings)
    assert retry.status == "loaded" and retry.updated == 1 and retry.loaded_new == 0


def test_inbox_files_move_other_files_are_copied(con, settings, drop, tmp_path):
    inbox_path = drop("messages_utf8.csv")
    ingest_file(con, inbox_path, settings)
    assert not inbox_path.exists()
    outside = tmp_path / "mine.csv"
    outside.write_bytes((FIXTURES / "late_reply.csv").read_bytes())
    outcome = ingest_file(con, outside, settings)
    assert outside.exists() and outcome.archive_path and outcome.archive_path.endswith("-mine.csv")


def test_mapping_profile_auto_matches_and_maps_values(con, settings, drop):
    outcome = ingest_file(con, drop("hotline_gbk.csv"), settings)
    assert outcome.status == "loaded" and outcome.loaded_new == 4, outcome.summary()
    got = con.execute("""select id, channel, source, satisfaction, is_valid, department_level, region,
                                json_extract_string(extra, '$.坐席工号') as seat
                         from items order by id""").df()
    assert got["id"].tolist() == ["12345-GD001", "12345-GD002", "12345-GD003", "12345-GD004"]
    assert set(got["channel"]) == {"热线"} and set(got["source"]) == {"12345政务服务便民热线"}
    assert got["satisfaction"].tolist()[:2] == ["满意", "基本满意"]
    assert pd.isna(got.loc[2, "satisfaction"]) and got.loc[3, "satisfaction"] == "不满意"
    assert got["is_valid"].tolist() == [True, True, False, True]
    assert got["department_level"].tolist() == ["市直", "县市区", "县市区", "市直"]
    assert got["seat"].tolist() == ["1024", "1025", "1024", "1026"], "unknown columns are kept in extra"
    mapping = con.execute("select mapping, encoding from ingest_files").fetchall()[0]
    assert mapping == ("hotline_12345_example", "gb18030")


def test_personal_data_is_masked_and_the_raw_kept(con, settings, drop):
    ingest_file(con, drop("messages_utf8.csv"), settings)
    content, masked, kinds = con.execute(
        "select content, content_masked, pii_kinds from items where id = '1004'").fetchall()[0]
    assert "13812345678" in content
    assert "13812345678" not in masked and "138****5678" in masked
    assert kinds == ["mobile"]
    assert con.execute("select count(*) from items where content_masked is not null").fetchall()[0][0] == 1


def test_terms_are_stored_at_ingest(con, settings, drop):
    ingest_file(con, drop("messages_utf8.csv"), settings)
    terms = dict(con.execute("select term, sum(n) from item_terms where item_id = '1001' group by term").fetchall())
    assert "物业费" in terms and "的" not in terms
    assert con.execute("select count(distinct item_id) from item_terms").fetchall()[0][0] == 6


def test_outcome_json_for_handover(con, settings, drop):
    outcome = ingest_file(con, drop("messages_utf8.csv"), settings)
    path = loader.write_outcome(settings, outcome)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["status"] == "loaded" and data["loaded_new"] == 6 and data["sha256"] == outcome.sha256


def test_sentiment_is_scored_at_ingest_unless_the_data_has_it(con, settings, drop, tmp_path):
    ingest_file(con, drop("messages_utf8.csv"), settings)
    scored = dict(con.execute("select id, sentiment from items").fetchall())
    assert scored["1001"] == "负面" and scored["1005"] == "正面"      # 乱收费 complaint; thanks
    assert set(con.execute("select distinct sentiment_source from items").fetchall()) == {("model",)}

    # A file with its own labels: the label wins, and a later unlabelled drop never replaces it.
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("编号,标题,时间,情感倾向\nS1,服务态度很好，感谢,2020-01-01 10:00,负面\n", encoding="utf-8")
    ingest_file(con, labelled, settings)
    unlabelled = tmp_path / "unlabelled.csv"
    unlabelled.write_text("编号,标题,时间,点赞数\nS1,服务态度很好，感谢,2020-01-01 10:00,3\n", encoding="utf-8")
    outcome = ingest_file(con, unlabelled, settings)
    assert outcome.updated == 1                                     # likes changed
    row = con.execute("select sentiment, sentiment_source, likes from items where id = 'S1'").fetchall()[0]
    assert row == ("负面", "data", 3)


def test_a_column_mostly_empty_still_loads(con, settings, tmp_path):
    """DuckDB must not guess a column's type from a sample of rows: one item with personal data among
    5,000 (sampling misses it) used to fail with "Unimplemented type for cast (VARCHAR -> NULL)"."""
    rows = ["编号,标题,时间,内容,点赞数"]
    for i in range(5000):
        content = "请回电13812345678" if i == 3183 else "路灯不亮请维修"
        rows.append(f"{i},第{i}条留言,2020-01-01 10:00,{content},{3 if i == 3183 else ''}")
    path = tmp_path / "sparse_pii.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "loaded" and outcome.loaded_new == 5000
    masked = con.execute("select content_masked, likes, pii_kinds from items where id = '3183'").fetchall()[0]
    assert masked == ("请回电138****5678", 3, ["mobile"])


def _store_contents(con) -> dict:
    return {
        "items": con.execute("select * exclude (ingest_file_id, ingested_at, updated_at) from items order by id").df(),
        "terms": con.execute("select * from item_terms order by all").df(),
        "rejected": con.execute("select line, reason, raw from rejected_rows order by line").df(),
        "files": con.execute("select rows_read, loaded_new, updated, unchanged_duplicates, rejected, first_error "
                             "from ingest_files order by id").df(),
    }


def test_worker_processes_and_one_process_give_the_same_store(settings, drop, tmp_path, monkeypatch):
    """Slices prepared by worker processes (here 2 rows each, so a repeated id and its first line land in
    different slices) must give exactly what one process gives."""
    from dashboard.core.ingest import enrich

    settings = replace(settings, max_reject_share=0.5)
    names = ["bad_rows.csv", "duplicate_ids.csv", "messages_utf8.csv"]
    serial = store.connect(tmp_path / "serial.duckdb")
    for name in names:
        ingest_file(serial, drop(name), settings)
    monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", 1)
    settings = replace(settings, ingest_slice_rows=2)
    parallel = store.connect(tmp_path / "parallel.duckdb")
    outcomes = [ingest_file(parallel, drop(name), settings) for name in names]
    assert enrich.worker_pool() is not None  # this machine has two cores: the pool really ran
    assert [o.rejected for o in outcomes] == [9, 1, 0]
    expected, got = _store_contents(serial), _store_contents(parallel)
    for key in expected:
        pd.testing.assert_frame_equal(got[key], expected[key], check_dtype=False, obj=key)
    assert len(got["terms"]) > 50 and len(got["items"]) == 26


def test_a_large_csv_is_handed_on_in_slices_while_it_is_read(tmp_path, monkeypatch):
    from dashboard.core.ingest import readers

    monkeypatch.setattr(readers, "_YIELD_EVERY", 3)
    path = tmp_path / "rows.csv"
    path.write_text("标题,时间\n" + "".join(f"第{i}条,2020-01-01\n\n" for i in range(10)), encoding="utf-8")
    table = read_table(path, lazy=True)
    assert table.headers == ["标题", "时间"] and table.rows == []      # nothing read beyond the header yet
    ranges = []
    for start, stop in table.stream(2):
        ranges.append((start, stop))
        assert len(table.rows) >= stop                                 # a slice is never handed on unread
    assert ranges == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    assert table.lines[:3] == [2, 4, 6] and len(table) == 10           # blank lines skipped, lines kept


def test_rows_handed_on_are_let_go(tmp_path, monkeypatch):
    """A file is held a few slices at a time: rows released after their slice is taken are gone from
    the table, while positions, lines and the row count stay those of the whole file."""
    from dashboard.core.ingest import readers

    monkeypatch.setattr(readers, "_YIELD_EVERY", 3)
    path = tmp_path / "rows.csv"
    path.write_text("标题,时间\n" + "".join(f"第{i}条,2020-01-01\n" for i in range(10)), encoding="utf-8")
    table = read_table(path, lazy=True)
    held, firsts = [], []
    for start, stop in table.stream(2):
        part = table.slice(start, stop)
        firsts.append((part.lines[0], part.rows[0][0]))
        table.release(stop)
        held.append(len(table.rows))
    assert max(held) <= 3 and table.rows == [] and len(table) == 10
    assert firsts == [(2, "第0条"), (4, "第2条"), (6, "第4条"), (8, "第6条"), (10, "第8条")]


def test_a_limit_reached_deep_in_a_large_file_quarantines_it_whole(con, settings, monkeypatch):
    """The file turns out too long only after the first slices went to the workers: nothing is stored."""
    from dashboard.core.ingest import enrich, readers

    monkeypatch.setattr(readers, "_YIELD_EVERY", 100)
    monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", 100)
    settings = replace(settings, ingest_slice_rows=50)
    settings = replace(settings, limits=replace(settings.limits, max_rows=2500))
    path = settings.inbox_dir / "too_long.csv"
    path.write_text("编号,标题,时间\n" + "".join(f"{i},物业收费问题{i},2020-01-01 10:00\n" for i in range(3000)),
                    encoding="utf-8")
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "quarantined" and "超过 2,500 行" in outcome.message, outcome.message
    assert con.execute("select count(*) from items").fetchall()[0][0] == 0
    assert con.execute("select count(*) from item_terms").fetchall()[0][0] == 0
    assert not path.exists() and "rejected" in outcome.archive_path


def test_an_unreadable_line_deep_in_a_large_file_is_one_rejected_row(con, settings, monkeypatch):
    """A GBK line deep in a UTF-8 file (found after the first slices went to the workers) is rejected
    with its line number; every other row loads."""
    from dashboard.core.ingest import enrich, readers

    monkeypatch.setattr(readers, "_YIELD_EVERY", 100)
    monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", 100)
    settings = replace(settings, ingest_slice_rows=50)
    path = settings.inbox_dir / "deep_bad_byte.csv"
    good = "".join(f"{i},物业收费问题{i},2020-01-01 10:00\n" for i in range(3000)).encode("utf-8")
    path.write_bytes("编号,标题,时间\n".encode("utf-8") + good + "3000,供暖".encode("gbk") + b",2020-01-01\n")
    outcome = ingest_file(con, path, settings, encoding="utf-8")
    assert (outcome.status, outcome.loaded_new, outcome.rejected) == ("loaded", 3000, 1), outcome.summary()
    assert outcome.first_error.startswith("第 3002 行：") and "UTF-8" in outcome.first_error


def test_workers_start_even_when_main_is_a_page_script(settings, drop, tmp_path, monkeypatch):
    """Inside the dashboard, Streamlit installs the page script as __main__; a spawned worker would import
    it (and open the store) before doing any work. The pool must not depend on what __main__ is."""
    import sys
    import types

    from dashboard.core.ingest import enrich

    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('a worker ran the page script')\n", encoding="utf-8")
    page_main = types.ModuleType("__main__")
    page_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page_main)
    monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", 1)
    settings = replace(settings, ingest_slice_rows=2)
    enrich.shutdown_pool()                      # workers of an earlier test may already be running
    con = store.connect(tmp_path / "w.duckdb")
    outcome = ingest_file(con, drop("messages_utf8.csv"), settings)
    assert outcome.status == "loaded" and outcome.loaded_new == 6
    assert sys.modules["__main__"] is page_main
    enrich.shutdown_pool()


def _sliced_drop(path: Path) -> None:
    """40 rows whose refusals and repeated ids fall on both sides of slice boundaries: an exact repeat
    and a repeat with another category several slices after their first line, an unparsable time, a
    ragged row and an unclosed quote."""
    rows = ["编号,标题,时间,内容,分类"]
    for i in range(40):
        rows.append(f"{i},第{i}条留言：物业收费,2020-01-{1 + i % 28:02d} 10:00,小区物业问题第{i}条，请回电13812345678,城乡建设")
    rows[9] = "8,第8条留言：物业收费,不是时间,重复行,城乡建设"               # refused
    rows[14] = rows[3].replace("城乡建设", "劳动和社会保障")                 # id 2 again, another category
    rows[22] = rows[5]                                                         # id 4 again, exactly
    rows[30] = "29,只有三列,2020-01-02 10:00"                                  # ragged
    rows[35] = '34,"引号没有闭合,2020-01-03 10:00,内容,城乡建设'             # unclosed quote
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_file_in_many_slices_gives_the_same_store_as_one_slice(settings, tmp_path, monkeypatch):
    """The file is staged slice by slice (YUQING_INGEST_SLICE_ROWS), with repeated ids settled over all
    staged rows: slices of 3 rows, in this process or in workers, must give exactly the store, the
    counts and the refused-rows report that one slice gives."""
    from dashboard.core.ingest import enrich

    results = {}
    for name, slice_rows, threshold in (("one", 1000, 20_000), ("serial", 3, 20_000), ("workers", 3, 1)):
        monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", threshold)
        con = store.connect(tmp_path / f"{name}.duckdb")
        path = tmp_path / name / "sliced.csv"
        path.parent.mkdir()
        _sliced_drop(path)
        outcome = ingest_file(con, path, replace(settings, ingest_slice_rows=slice_rows))
        report = Path(outcome.report_path).read_text(encoding="utf-8-sig")
        results[name] = (outcome, _store_contents(con), report)
        con.close()
    one, contents, report = results["one"]
    assert (one.rows_read, one.loaded_new, one.unchanged_duplicates, one.rejected) == (40, 35, 1, 4)
    rejected = contents["rejected"]
    assert rejected["line"].tolist() == [10, 15, 31, 36]
    assert "在本文件第 4 行已出现，且分类不同" in rejected.loc[rejected["line"] == 15, "reason"].iat[0]
    assert "劳动和社会保障" in rejected.loc[rejected["line"] == 15, "raw"].iat[0]     # the cells verbatim
    for name in ("serial", "workers"):
        outcome, got, got_report = results[name]
        assert outcome.to_dict() | {"archive_path": None, "report_path": None} == \
            one.to_dict() | {"archive_path": None, "report_path": None}, name
        for key in contents:
            pd.testing.assert_frame_equal(got[key], contents[key], check_dtype=False, obj=f"{name}: {key}")
        assert got_report == report, name
    assert enrich.worker_pool() is not None      # two cores here: the workers really ran


def test_spill_folders_of_a_killed_ingest_are_removed_later(settings):
    """A process killed mid-ingest cannot remove its spill folder; the next ingest removes folders older than
    a day and leaves younger ones (another ingest's, in principle) alone."""
    import os
    import time

    from dashboard.core.ingest.staging import STALE_SPILL_SECONDS

    root = settings.state_dir / "staging"
    old, young = root / "staging-killed", root / "staging-recent"
    for folder in (old, young):
        folder.mkdir(parents=True)
        (folder / "slice-0.jsonl").write_text("[]", encoding="utf-8")
    past = time.time() - STALE_SPILL_SECONDS - 60
    os.utime(old, (past, past))
    con = store.connect(settings.db_path)
    try:
        path = settings.inbox_dir / "one.csv"
        path.write_text("编号,标题,内容,发布时间\nS1,标题,内容,2024-01-01 10:00:00\n", encoding="utf-8")
        outcome = ingest_file(con, path, settings)
    finally:
        con.close()
    assert outcome.loaded_new == 1
    assert not old.exists() and young.exists()
