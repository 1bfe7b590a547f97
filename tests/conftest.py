"""Shared fixtures: a throwaway data folder and a real DuckDB file per test."""
from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from dashboard.cli import main
from dashboard.core import store
from dashboard.core.config import settings_for

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def settings(tmp_path):
    return data_settings(tmp_path / "data")


def data_settings(folder: Path):
    """Settings of a fresh data folder with its inbox, archive, rejected and outcomes folders."""
    s = settings_for(folder)
    for sub in (s.inbox_dir, s.archive_dir, s.rejected_dir, s.outcomes_dir):
        sub.mkdir(parents=True, exist_ok=True)
    return replace(s, settle_seconds=0.0)


@pytest.fixture
def con(settings):
    connection = store.connect(settings.db_path)
    yield connection
    connection.close()


@pytest.fixture
def drop(settings):
    """Copy a fixture file into the inbox (optionally under another name) and return its path."""
    def _drop(name: str, as_name: str | None = None) -> Path:
        target = settings.inbox_dir / (as_name or name)
        shutil.copy(FIXTURES / name, target)
        return target
    return _drop


@pytest.fixture
def cli(monkeypatch):
    """`python -m dashboard …` called in this process (dashboard.cli.main) with the environment of
    tests/test_cli.py's run_cli; returns its returncode, stdout and stderr as run_cli does."""
    def run(*args, data_dir: Path) -> SimpleNamespace:
        monkeypatch.setenv("YUQING_DATA_DIR", str(data_dir))
        monkeypatch.setenv("YUQING_SETTLE_SECONDS", "0.5")
        monkeypatch.delenv("YUQING_DB", raising=False)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:       # argparse: --help (0) and usage errors (2)
                code = 0 if exc.code is None else exc.code
        return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())
    return run


@pytest.fixture
def app_data_dir(tmp_path, monkeypatch):
    """A data folder for Streamlit page tests: the environment points the app at it, the caches
    start empty, and the owned store and its watcher are closed afterwards."""
    import streamlit as st

    from dashboard.core.ingest.inbox import close_owner

    data_dir = tmp_path / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("YUQING_DATA_DIR", str(data_dir))
    monkeypatch.setenv("YUQING_DB", str(data_dir / "warehouse.duckdb"))
    monkeypatch.setenv("YUQING_SETTLE_SECONDS", "0")
    close_owner()
    st.cache_resource.clear()
    st.cache_data.clear()
    yield data_dir
    close_owner()
    st.cache_resource.clear()
    st.cache_data.clear()


# --- logging in to the app under test ------------------------------------------------------------------
# Every AppTest starts logged in as an administrator (the pages' own tests are about the pages); a test
# marked `@pytest.mark.login(role=…, departments=…, regions=…)` logs in as that account instead, and one
# marked `@pytest.mark.anonymous` starts logged out (the login gate's tests). The account is created in
# the app's own store before each run, so the gate's check that it exists and is enabled is real.
from tests.accounts import ensure_account, log_in  # noqa: E402,F401  (used by the fixture below and tests)


@pytest.fixture(autouse=True)
def _apps_log_in(request, monkeypatch):
    if request.node.get_closest_marker("anonymous"):
        return
    from streamlit.testing.v1 import AppTest

    marker = request.node.get_closest_marker("login")
    account = dict(marker.kwargs) if marker else {}
    original = AppTest.from_file

    def from_file(*args, **kwargs):
        return log_in(original(*args, **kwargs), **account)
    monkeypatch.setattr(AppTest, "from_file", from_file)


def pytest_collection_modifyitems(config, items):
    """Slow tests first: with several workers they then run beside the many short ones instead of after them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
