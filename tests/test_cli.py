"""The CLI is a public interface: commands, output and exit codes, run as a user runs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, data_dir: Path, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, YUQING_DATA_DIR=str(data_dir), YUQING_SETTLE_SECONDS="0.5")
    env.pop("YUQING_DB", None)
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def test_help_documents_every_command(data_dir):
    result = run_cli("--help", data_dir=data_dir)
    assert result.returncode == 0
    for command in ("ingest", "watch", "demo", "query", "check", "serve"):
        assert command in result.stdout
    ingest_help = run_cli("ingest", "--help", data_dir=data_dir).stdout
    assert "--mapping" in ingest_help and "--db" in ingest_help and "--encoding" in ingest_help


def test_ingest_exit_codes(data_dir, tmp_path):
    good = run_cli("ingest", str(FIXTURES / "messages_utf8.csv"), data_dir=data_dir)
    assert good.returncode == 0, good.stderr
    assert "新增 6" in good.stdout and "读取 6 行" in good.stdout
    assert (FIXTURES / "messages_utf8.csv").exists(), "files outside the inbox are copied, not moved"

    partial = run_cli("ingest", str(FIXTURES / "bad_rows.csv"), "--max-reject-share", "0.5", data_dir=data_dir)
    assert partial.returncode == 0, "rejected rows are allowed"
    assert "拒绝 9" in partial.stdout and "报告" in partial.stdout

    quarantined = run_cli("ingest", str(FIXTURES / "missing_columns.csv"), data_dir=data_dir)
    assert quarantined.returncode == 1 and "已隔离" in quarantined.stdout

    assert run_cli("ingest", str(tmp_path / "nope.csv"), data_dir=data_dir).returncode == 2
    unknown = run_cli("ingest", str(FIXTURES / "messages_gbk.csv"), "--mapping", "nope", data_dir=data_dir)
    assert unknown.returncode == 2 and "找不到映射文件" in unknown.stderr
    assert run_cli("ingest", data_dir=data_dir).returncode == 2

    again = run_cli("ingest", str(FIXTURES / "messages_utf8.csv"), "--json", data_dir=data_dir)
    assert again.returncode == 0
    assert json.loads(again.stdout)["status"] == "duplicate_file"


def test_demo_query_and_check(data_dir, tmp_path):
    demo = run_cli("demo", "--items", "400", "--days", "20", "--seed", "7", data_dir=data_dir)
    assert demo.returncode == 0, demo.stderr
    summary = run_cli("query", "admin/store_summary", "--format", "json", data_dir=data_dir)
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)[0]["items"] == 400
    log = run_cli("query", "admin/ingest_log", "--param", "status=loaded", "--param", "limit=5", data_dir=data_dir)
    assert log.returncode == 0 and log.stdout.startswith("id,file_name,status")
    assert run_cli("query", "no/such_query", data_dir=data_dir).returncode == 2
    assert run_cli("query", "admin/store_summary", "--param", "bogus=1", data_dir=data_dir).returncode == 2
    listed = run_cli("query", "--list", data_dir=data_dir)
    assert "admin/rejected_rows  $file_id" in listed.stdout
    check = run_cli("check", data_dir=data_dir)
    assert check.returncode == 0 and "通过" in check.stdout

    out = tmp_path / "drops"
    files = run_cli("demo", "--items", "50", "--days", "5", "--out", str(out), "--format", "parquet",
                    data_dir=data_dir)
    assert files.returncode == 0 and len(list(out.glob("*.parquet"))) == 1
    loaded = run_cli("ingest", str(out), data_dir=data_dir)
    assert loaded.returncode == 0 and "新增 50" in loaded.stdout


def test_ingest_hands_over_to_a_running_owner(data_dir, tmp_path):
    """While another process owns the store (as the dashboard does), ingest goes through the inbox."""
    env = dict(os.environ, YUQING_DATA_DIR=str(data_dir), YUQING_SETTLE_SECONDS="0.5")
    owner = subprocess.Popen([sys.executable, "-m", "dashboard", "watch", "--interval", "0.5"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while not (data_dir / "warehouse.duckdb").exists() and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        result = run_cli("ingest", str(FIXTURES / "messages_gbk.csv"), "--wait", "60", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert "收件箱" in result.stderr and "新增 6" in result.stdout
        assert not list((data_dir / "inbox").glob("*.csv")), "the handed-over copy was archived"
    finally:
        owner.terminate()
        owner.wait(timeout=30)
    assert run_cli("query", "admin/store_summary", "--format", "json", data_dir=data_dir).returncode == 0


def test_sentiment_reads_lines_and_writes_labels(data_dir):
    lines = "物业乱收费，多次投诉没人管，非常气愤！\n感谢城管局及时处理，效率很高，点赞！\n\n请问公积金提取需要哪些材料？\n"
    result = run_cli("sentiment", data_dir=data_dir, input=lines)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["负面", "正面", "中性", "中性"]


def test_serve_owns_the_store_and_ingests_drops_before_any_page_is_opened(data_dir):
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, YUQING_DATA_DIR=str(data_dir), YUQING_SETTLE_SECONDS="0.5")
    server = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--no-demo", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not start")
        (data_dir / "inbox" / "drop.csv").write_bytes((FIXTURES / "messages_utf8.csv").read_bytes())
        deadline = time.time() + 60
        while not list((data_dir / "archive").rglob("*-drop.csv")) and time.time() < deadline:
            time.sleep(0.5)
        assert list((data_dir / "archive").rglob("*-drop.csv")), "the watcher did not ingest the drop"
        assert run_cli("ingest", str(FIXTURES / "late_reply.csv"), "--wait", "60",
                       data_dir=data_dir).returncode == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = run_cli("query", "admin/store_summary", "--format", "json", data_dir=data_dir)
    assert json.loads(summary.stdout)[0]["items"] == 6


def test_query_errors_are_messages_not_tracebacks(data_dir):
    assert run_cli("demo", "--items", "50", "--days", "3", data_dir=data_dir).returncode == 0
    bad = run_cli("query", "trends/summary", "--param", "start=notadate", data_dir=data_dir)
    assert bad.returncode == 2 and "无法执行" in bad.stderr and "Traceback" not in bad.stderr
