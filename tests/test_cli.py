"""The CLI is a public interface: commands, output and exit codes, run as a user runs them.

Most tests call `dashboard.cli.main` in this process (the `cli` fixture, conftest.py): the same parser, handlers, output
and exit codes as `python -m dashboard`, without starting an interpreter and importing everything
again each time. Real processes stay where they are what is tested: a server or another owner of the
store (DuckDB's lock is between processes), and the byte streams of `sentiment`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.serving import serving

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, data_dir: Path, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """`python -m dashboard …` as a new process."""
    env = dict(os.environ, YUQING_DATA_DIR=str(data_dir), YUQING_SETTLE_SECONDS="0.5")
    env.pop("YUQING_DB", None)
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def test_help_documents_every_command(cli, data_dir):
    result = cli("--help", data_dir=data_dir)
    assert result.returncode == 0
    for command in ("ingest", "watch", "demo", "query", "check", "derive", "sentiment", "report", "serve"):
        assert command in result.stdout
    ingest_help = cli("ingest", "--help", data_dir=data_dir).stdout
    assert "--mapping" in ingest_help and "--db" in ingest_help and "--encoding" in ingest_help


def test_ingest_exit_codes(cli, data_dir, tmp_path):
    good = cli("ingest", str(FIXTURES / "messages_utf8.csv"), data_dir=data_dir)
    assert good.returncode == 0, good.stderr
    assert "新增 6" in good.stdout and "读取 6 行" in good.stdout
    assert (FIXTURES / "messages_utf8.csv").exists(), "files outside the inbox are copied, not moved"

    partial = cli("ingest", str(FIXTURES / "bad_rows.csv"), "--max-reject-share", "0.5", data_dir=data_dir)
    assert partial.returncode == 0, "rejected rows are allowed"
    assert "拒绝 9" in partial.stdout and "报告" in partial.stdout

    quarantined = cli("ingest", str(FIXTURES / "missing_columns.csv"), data_dir=data_dir)
    assert quarantined.returncode == 1 and "已隔离" in quarantined.stdout

    assert cli("ingest", str(tmp_path / "nope.csv"), data_dir=data_dir).returncode == 2
    unknown = cli("ingest", str(FIXTURES / "messages_gbk.csv"), "--mapping", "nope", data_dir=data_dir)
    assert unknown.returncode == 2 and "找不到映射文件" in unknown.stderr
    assert cli("ingest", data_dir=data_dir).returncode == 2

    again = cli("ingest", str(FIXTURES / "messages_utf8.csv"), "--json", data_dir=data_dir)
    assert again.returncode == 0
    assert json.loads(again.stdout)["status"] == "duplicate_file"


def test_demo_query_and_check(cli, data_dir, tmp_path):
    demo = cli("demo", "--items", "400", "--days", "20", "--seed", "7", data_dir=data_dir)
    assert demo.returncode == 0, demo.stderr
    summary = cli("query", "admin/store_summary", "--format", "json", data_dir=data_dir)
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)[0]["items"] == 400
    log = cli("query", "admin/ingest_log", "--param", "status=loaded", "--param", "limit=5", data_dir=data_dir)
    assert log.returncode == 0 and log.stdout.startswith("id,file_name,status")
    assert cli("query", "no/such_query", data_dir=data_dir).returncode == 2
    assert cli("query", "admin/store_summary", "--param", "bogus=1", data_dir=data_dir).returncode == 2
    listed = cli("query", "--list", data_dir=data_dir)
    assert "admin/rejected_rows  $file_id" in listed.stdout
    check = cli("check", data_dir=data_dir)
    assert check.returncode == 0 and "通过" in check.stdout

    out = tmp_path / "drops"
    files = cli("demo", "--items", "50", "--days", "5", "--out", str(out), "--format", "parquet",
                    data_dir=data_dir)
    assert files.returncode == 0 and len(list(out.glob("*.parquet"))) == 1
    loaded = cli("ingest", str(out), data_dir=data_dir)
    assert loaded.returncode == 0 and "新增 50" in loaded.stdout


@pytest.mark.slow
def test_ingest_hands_over_to_a_running_owner(cli, data_dir):
    """While another process owns the store (as the dashboard does), ingest goes through the inbox."""
    env = dict(os.environ, YUQING_DATA_DIR=str(data_dir), YUQING_SETTLE_SECONDS="0.5")
    env.pop("YUQING_DB", None)
    owner = subprocess.Popen([sys.executable, "-m", "dashboard", "watch", "--interval", "0.5"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not (data_dir / "warehouse.duckdb").exists() and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        result = cli("ingest", FIXTURES / "messages_gbk.csv", "--wait", "60", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert "收件箱" in result.stderr and "新增 6" in result.stdout
        assert not list((data_dir / "inbox").glob("*.csv")), "the handed-over copy was archived"
    finally:
        owner.terminate()
        owner.wait(timeout=30)
    assert cli("query", "admin/store_summary", "--format", "json", data_dir=data_dir).returncode == 0


@pytest.mark.slow
def test_sentiment_reads_lines_and_writes_labels(data_dir):
    """A real process: what is tested is UTF-8 in and out over pipes, whatever the locale."""
    lines = "物业乱收费，多次投诉没人管，非常气愤！\n感谢城管局及时处理，效率很高，点赞！\n\n请问公积金提取需要哪些材料？\n"
    result = run_cli("sentiment", data_dir=data_dir, input=lines)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["负面", "正面", "中性", "中性"]


@pytest.mark.slow
def test_serve_owns_the_store_and_ingests_drops_before_any_page_is_opened(cli, data_dir):
    with serving(data_dir, "--no-demo", env={"YUQING_SETTLE_SECONDS": "0.5"}, ready_within=90):
        (data_dir / "inbox" / "drop.csv").write_bytes((FIXTURES / "messages_utf8.csv").read_bytes())
        deadline = time.time() + 60
        while not list((data_dir / "archive").rglob("*-drop.csv")) and time.time() < deadline:
            time.sleep(0.5)
        assert list((data_dir / "archive").rglob("*-drop.csv")), "the watcher did not ingest the drop"
        assert cli("ingest", FIXTURES / "late_reply.csv", "--wait", "60", data_dir=data_dir).returncode == 0
    summary = cli("query", "admin/store_summary", "--format", "json", data_dir=data_dir)
    assert json.loads(summary.stdout)[0]["items"] == 6


def test_query_errors_are_messages_not_tracebacks(cli, data_dir):
    assert cli("demo", "--items", "50", "--days", "3", data_dir=data_dir).returncode == 0
    bad = cli("query", "trends/summary", "--param", "start=notadate", data_dir=data_dir)
    assert bad.returncode == 2 and "无法执行" in bad.stderr and "Traceback" not in bad.stderr
