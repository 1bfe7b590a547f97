"""A real `python -m dashboard serve` for end-to-end tests: started as its own process on a free port,
healthy before it is used, always stopped afterwards."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-chars:] if log.exists() else ""


def _wait_healthy(server: subprocess.Popen, url: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"看板进程启动失败（退出码 {server.returncode}）：\n{log_tail(log)}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"看板 {seconds:.0f} 秒内没有就绪（{url}/_stcore/health）：\n{log_tail(log)}")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:   # a hung shutdown must not leave a server behind
        server.kill()
        server.wait(timeout=30)


@contextlib.contextmanager
def serving(data_dir: Path, *args: str, env: dict | None = None, ready_within: float = 180) -> Iterator[str]:
    """Run `serve` on data_dir with extra args; yield its base URL. The server's output goes to a
    file beside the data folder (a pipe nobody reads could fill and block it)."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / "serve.log"
    full_env = dict(os.environ, YUQING_DATA_DIR=str(data_dir), **(env or {}))
    full_env.pop("YUQING_DB", None)
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--port", str(port), *args],
                                  cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(server, url, log, ready_within)
        yield url
    finally:
        _stop(server)
