"""Hostile drops as a user meets them: real `python -m dashboard` processes, where a crash or a stop
must be observed, not assumed (and the CLI in this process where neither is at stake)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests import hostile
from tests.test_cli import ROOT, run_cli


def _store(data: Path, sql: str) -> list:
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_a_workbook_claiming_a_huge_range_neither_kills_ingest_nor_stops_the_files_after_it(tmp_path):
    """Finding 1: `ingest` died (exit 134, no manifest row) and took every file behind it along."""
    data, drops = tmp_path / "data", tmp_path / "drops"
    drops.mkdir()
    bomb = hostile.BY_NAME["xlsx_far_corner"].write(drops)
    good = drops / "good.csv"
    good.write_text(hostile.csv_text(5), encoding="utf-8")
    result = run_cli("ingest", str(bomb), str(good), "--json", data_dir=data)
    assert result.returncode == 1, result.stderr[-2000:]              # one file quarantined, no crash
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in outcomes] == ["quarantined", "loaded"]
    assert "使用范围" in outcomes[0]["message"] and outcomes[1]["loaded_new"] == 5
    assert _store(data, "select status from ingest_files order by id") == [("quarantined",), ("loaded",)]


@pytest.mark.slow
def test_the_watcher_survives_a_workbook_claiming_a_huge_range(tmp_path):
    """Finding 1: `watch` died on 3 of 3 starts and nothing behind the file was ever ingested."""
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    hostile.BY_NAME["xlsx_far_corner"].write(inbox)
    (inbox / "good.csv").write_text(hostile.csv_text(5), encoding="utf-8")
    result = run_cli("watch", "--once", data_dir=data)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "已隔离" in result.stdout and "已入库" in result.stdout
    assert list(inbox.iterdir()) == []
    assert _store(data, "select count(*) from items") == [(5,)]


def test_every_file_of_a_multi_file_call_is_tried_and_reported(cli, tmp_path):
    """Finding 5: `ingest a b c` stopped at the first failing file; --json printed nothing for the rest.
    (An exception, not a dying process: the CLI runs in this process.)"""
    drops = tmp_path / "drops"
    drops.mkdir()
    first = drops / "a.csv"
    first.write_text(hostile.csv_text(5), encoding="utf-8")
    crashed_before = hostile.BY_NAME["likes_twenty_digits"].write(drops)
    unreadable = drops / "really_a_csv.xlsx"
    unreadable.write_text(hostile.csv_text(3, start=300), encoding="utf-8")
    last = drops / "z.csv"
    last.write_text(hostile.csv_text(5, start=500), encoding="utf-8")
    paths = [str(p) for p in (first, crashed_before, unreadable, last)]
    as_json = cli("ingest", *paths, "--json", data_dir=tmp_path / "data")
    outcomes = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [o["status"] for o in outcomes] == ["loaded", "loaded", "quarantined", "loaded"], as_json.stderr
    assert as_json.returncode == 1
    as_text = cli("ingest", *paths, data_dir=tmp_path / "text")
    assert as_text.returncode == 1
    summaries = [line for line in as_text.stdout.splitlines() if "：" in line and not line.startswith("  ")]
    assert len(summaries) == 4 and "z.csv" in summaries[-1] and "新增 5" in summaries[-1]


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow
def test_a_file_the_process_died_on_is_quarantined_on_the_next_start_and_the_rest_load(tmp_path):
    """The poison-file rule, observed: the watcher process is killed (as the OOM killer would) while it
    reads a file; on the next start that file is quarantined instead of read again, and the file behind
    it loads."""
    data = tmp_path / "data"
    inbox = data / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "big.csv").write_text(hostile.csv_text(15_000), encoding="utf-8")
    env = dict(os.environ, YUQING_DATA_DIR=str(data), YUQING_SETTLE_SECONDS="0.2")
    env.pop("YUQING_DB", None)
    watcher = subprocess.Popen([sys.executable, "-m", "dashboard", "watch", "--interval", "0.1"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        began = _wait_for(lambda: any((data / "state").glob("inflight-*.json")), 60)
    finally:
        watcher.send_signal(signal.SIGKILL)
        watcher.wait()
    assert began, "the watcher never started on the file"
    assert (inbox / "big.csv").exists()
    (inbox / "small.csv").write_text(hostile.csv_text(5, start=90_000), encoding="utf-8")
    again = run_cli("watch", "--once", data_dir=data)
    assert again.returncode == 0, again.stderr[-2000:]
    assert list(inbox.iterdir()) == []
    rows = _store(data, "select file_name, status, message from ingest_files order by id")
    assert [(r[0], r[1]) for r in rows] == [("big.csv", "quarantined"), ("small.csv", "loaded")]
    assert "程序中断" in rows[0][2]
    assert _store(data, "select count(*) from items") == [(5,)]
    assert len(list((data / "rejected").rglob("*-big.csv"))) == 1
