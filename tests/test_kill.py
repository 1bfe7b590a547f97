"""Kill ingest at random moments: nothing lost, nothing partial, nothing counted twice.

Each run starts from the same store (one baseline file loaded) with three drops in the inbox: new
items (CSV), updates of baseline items (CSV) and new items (XLSX). `python -m dashboard ingest` is
started on the three and killed with SIGKILL at a random moment of its work on them (from the first
file begun to just past the end of an uninterrupted run);
then `python -m dashboard watch --once` (the restart) handles what is left. Afterwards:

- every drop's bytes are in archive/ or rejected/, none left behind and none lost;
- each drop is either wholly in the store (a `loaded` manifest row, exactly its rows as a clean run
  gives them) or not at all (the store as it was for its items); no drop loaded twice;
- `python -m dashboard check` finds nothing (manifest sums, term rollup, orphans …).

CI runs YUQING_KILL_RUNS (default 3) runs; set it higher for a longer trial (YUQING_KILL_SEED fixes
the delays; YUQING_KILL_REPORT=FILE writes what each run saw as JSON).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.ingest.loader import ingest_file
from tests import hostile
from tests.test_cli import ROOT

RUNS = int(os.environ.get("YUQING_KILL_RUNS", "3"))
SEED = int(os.environ.get("YUQING_KILL_SEED", str(int(time.time()))))
SNAPSHOT = ("select id, title, content, published_at, likes, replied_at, reply_content, category "
            "from items order by id")


def _baseline_text() -> str:
    return hostile.csv_text(200, start=1)


def _drops(folder: Path) -> dict[str, Path]:
    """Three drops with disjoint ids: new items, updates of baseline items, new items in a workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    new = folder / "a_new.csv"
    new.write_text(hostile.csv_text(400, start=1000), encoding="utf-8")
    updates = folder / "b_updates.csv"
    updates.write_text(hostile.HEADER + ",答复时间,答复意见\n" + "".join(
        f"{hostile.row(i, likes=i + 7)},2020-02-0{1 + i % 9} 09:00,已安排维修{i}\n" for i in range(1, 61)),
        encoding="utf-8")
    rows = [["编号", "标题", "时间", "点赞数"]] + [[str(i), f"第{i}条留言：噪音扰民", "2020-03-02 10:00", i]
                                            for i in range(5000, 5150)]
    book = hostile.xlsx(folder / "c_new.xlsx", hostile.sheet_rows(rows))
    return {"a": new, "b": updates, "c": book}


def _ids(path: Path) -> set[str]:
    from dashboard.core.ingest.readers import read_table

    return {str(r[0]).split(".")[0] for r in read_table(path).rows}


def _snapshot(con) -> dict[str, tuple]:
    return {r[0]: r for r in con.execute(SNAPSHOT).fetchall()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The baseline store, the drops, and what each drop's items look like with and without it."""
    root = tmp_path_factory.mktemp("kill")
    settings = settings_for(root / "reference")
    baseline_csv = root / "baseline.csv"
    baseline_csv.write_text(_baseline_text(), encoding="utf-8")
    con = store.connect(root / "baseline.duckdb")
    assert ingest_file(con, baseline_csv, settings).loaded_new == 200
    without = _snapshot(con)
    con.close()
    drops = _drops(root / "drops")
    with_drop = {}
    for key, path in drops.items():
        shutil.copy(root / "baseline.duckdb", root / f"with-{key}.duckdb")
        con = store.connect(root / f"with-{key}.duckdb")
        assert ingest_file(con, path, settings).status == "loaded"
        rows = _snapshot(con)
        con.close()
        with_drop[key] = {i: rows[i] for i in _ids(path)}
    return {"root": root, "without": without, "drops": drops, "with": with_drop,
            "sha": {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in drops.items()}}


def _env(data: Path) -> dict:
    env = dict(os.environ, YUQING_DATA_DIR=str(data), YUQING_SETTLE_SECONDS="0.2")
    env.pop("YUQING_DB", None)
    return env


def _prepare_run(world, run: Path) -> list[Path]:
    data = run / "data"
    (data / "inbox").mkdir(parents=True)
    shutil.copy(world["root"] / "baseline.duckdb", data / "warehouse.duckdb")
    placed = []
    for path in world["drops"].values():
        shutil.copy(path, data / "inbox" / path.name)
        placed.append(data / "inbox" / path.name)
    return placed


def _ingest(run: Path, placed: list[Path], kill_after: float | None) -> tuple[float, float]:
    """Run ingest, killed `kill_after` seconds after it began on the first file (its in-flight marker
    appeared: interpreter start and imports are not the interesting part); returns when that was and
    when the process ended, in seconds from its start."""
    command = [sys.executable, "-m", "dashboard", "ingest", *map(str, placed), "--json"]
    started = time.time()
    proc = subprocess.Popen(command, cwd=ROOT, env=_env(run / "data"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    state, began = run / "data" / "state", None
    deadline = started + 300
    while proc.poll() is None and time.time() < deadline:
        if began is None and state.is_dir() and any(state.iterdir()):
            began = time.time() - started
            if kill_after is not None:
                deadline = time.time() + kill_after
        time.sleep(0.002)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    ended = time.time() - started
    return (began if began is not None else ended), ended


def _verify(world, data: Path) -> dict:
    """The checks of the module docstring; returns what the run ended with."""
    assert not [p for p in (data / "inbox").iterdir() if not p.name.startswith(".")], "a drop was left behind"
    kept = {hashlib.sha256(p.read_bytes()).hexdigest() for folder in ("archive", "rejected")
            for p in (data / folder).rglob("*") if p.is_file() and not p.name.endswith((".txt", ".rejected.csv"))}
    assert set(world["sha"].values()) <= kept, "a drop's bytes are gone"
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        manifest = con.execute("select sha256, status from ingest_files").fetchall()
        actual = _snapshot(con)
    finally:
        con.close()
    expected = dict(world["without"])
    ended = {}
    for key, sha in world["sha"].items():
        loads = sum(1 for s, status in manifest if s == sha and status == "loaded")
        assert loads <= 1, f"drop {key} loaded twice"
        ended[key] = "loaded" if loads else next((st for s, st in manifest if s == sha), "untouched")
        if loads:
            expected.update(world["with"][key])
    assert actual == expected, "a drop is partly in the store, or the store changed otherwise"
    check = subprocess.run([sys.executable, "-m", "dashboard", "check"], cwd=ROOT, env=_env(data),
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout[-3000:]
    return ended


@pytest.mark.slow
def test_killing_ingest_at_random_moments_loses_and_doubles_nothing(world, tmp_path):
    calibration = tmp_path / "whole"
    began, whole = _ingest(calibration, _prepare_run(world, calibration), kill_after=None)
    assert _verify(world, calibration / "data") == {"a": "loaded", "b": "loaded", "c": "loaded"}
    rng = random.Random(SEED)
    report = []
    for n in range(RUNS):
        run = tmp_path / f"run{n}"
        placed = _prepare_run(world, run)
        delay = rng.uniform(0.0, 1.1 * (whole - began))      # from the first file to just past the end
        _ingest(run, placed, kill_after=delay)
        restart = subprocess.run([sys.executable, "-m", "dashboard", "watch", "--once"], cwd=ROOT,
                                 env=_env(run / "data"), capture_output=True, text=True, timeout=300)
        assert restart.returncode == 0, restart.stderr[-3000:]
        ended = _verify(world, run / "data")
        report.append({"run": n, "seed": SEED, "kill_after_first_file_s": round(delay, 3),
                       "files_took_s": round(whole - began, 3), **ended})
        shutil.rmtree(run)
    if os.environ.get("YUQING_KILL_REPORT"):
        Path(os.environ["YUQING_KILL_REPORT"]).write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"kill runs: {len(report)} (seed {SEED}), every one verified: {report}")
