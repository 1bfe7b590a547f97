"""Soak: files keep landing in the inbox while pages and queries keep being requested (issue 11).

    .venv/bin/python bench/soak.py --seconds 300            # or: bench/run.py --sections soak --soak-seconds 300

One process owns a fresh store exactly as `python -m dashboard serve` does (`inbox.open_owner`: the
store and the inbox watcher thread). Meanwhile
  - a page thread opens every page in turn (streamlit AppTest: the real page scripts, their queries
    going through the owned connection), and
  - a query thread replays the queries the pages ran, on cursors of the same connection,
while the main thread drops files into the inbox: good drops (CSV, XLSX, Parquet; new items and updates
of earlier ones; some written slowly, pausing longer than the settle time), and every case of the
hostile corpus (tests/hostile.py) in turn.

At the end (after the inbox has drained) it checks and prints: every good row in the store exactly once
(none lost, none partial, none twice), every dropped file's bytes in archive/ or rejected/, every
hostile drop with the outcome its case expects, no file that crashed a worker or failed to write, the
data checks (queries/checks) clean, no page exception, the watcher alive; plus page render and query
times and the peak RSS. Exit 1 on any failure.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import resource
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ("overview", "hot", "trends", "categories", "words", "departments", "items", "admin")


@dataclass
class Tally:
    good_files: int = 0
    good_rows: dict[str, tuple] = field(default_factory=dict)   # id -> (title, likes) expected last
    hostile: list[tuple[str, str]] = field(default_factory=list)  # (case, file name in the inbox)
    updatable: set[str] = field(default_factory=set)                # ids later drops may update
    shas: set[str] = field(default_factory=set)
    slow_writes: int = 0
    renders_ms: list[float] = field(default_factory=list)
    queries_ms: list[float] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    query_errors: list[str] = field(default_factory=list)
    captured: list[tuple[str, dict]] = field(default_factory=list)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def good_drop(k: int, rng: random.Random, tally: Tally, folder: Path, settle: float) -> Path:
    """New rows, and updates (likes changed) of rows from earlier drops, as CSV, XLSX or Parquet."""
    import pandas as pd

    n = rng.randint(20, 300)
    rows = [(f"SOAK-{k}-{i}", f"第{k}批第{i}条：小区路灯不亮请维修", f"2020-0{1 + k % 9}-1{i % 10} 10:00", i)
            for i in range(n)]
    earlier = rng.sample(sorted(tally.updatable), min(len(tally.updatable), rng.randint(0, 20)))
    rows += [(item, tally.good_rows[item][0], tally.good_rows[item][2], tally.good_rows[item][1] + 1 + k)
             for item in earlier]
    frame = pd.DataFrame(rows, columns=["编号", "标题", "时间", "点赞数"])
    kind = rng.choice(["csv", "csv", "xlsx", "parquet"])
    staging = folder.parent / "staging"
    staging.mkdir(exist_ok=True)
    path = staging / f"good_{k:04d}.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    else:
        frame.to_parquet(path, index=False)
    for item, title, at, likes in rows:
        tally.good_rows[item] = (title, likes, at)
    tally.good_files += 1
    tally.shas.add(_sha(path))
    target = folder / path.name
    slow = kind == "csv" and rng.random() < 0.3
    if not slow:     # a slow file's rows may be loaded again later (re-dropped): nobody updates them
        tally.updatable.update(item for item, *_ in rows)
    if slow:         # a writer that pauses longer than the settle time
        data = path.read_bytes()
        with target.open("wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(settle * 1.5)
            fh.write(data[len(data) // 2:])
        tally.slow_writes += 1
    else:
        shutil.copy(path, folder / (path.name + ".part"))
        os.replace(folder / (path.name + ".part"), target)
    return target


def hostile_drop(k: int, case, tally: Tally, folder: Path) -> None:
    """A case of the corpus, written aside and placed into the inbox whole (a link as a link, a pipe
    made in place)."""
    from dashboard.core.ingest.files import cut_name

    staging = folder.parent / "staging" / f"hostile_{k:04d}"
    staging.mkdir(parents=True)
    path = case.write(staging)
    target = folder / cut_name(f"{k:04d}_{path.name}", 200)
    if path.is_symlink():
        os.symlink(os.readlink(path), target)
    elif path.is_file():
        tally.shas.add(_sha(path))
        shutil.copy(path, folder / (target.name + ".part"))
        os.replace(folder / (target.name + ".part"), target)
    else:
        os.mkfifo(target)
    # cases that need other limits or an --encoding are only checked for surviving them
    if not case.limits and not case.encoding:
        tally.hostile.append((case.name, target.name))


def page_loop(stop: threading.Event, tally: Tally) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.core import store
    from tests.accounts import log_in

    original = store.fetch

    def capture(cursor, name, **params):   # what the pages read (not the watcher's, not the replays)
        if threading.current_thread().name not in ("inbox-watcher", "soak-queries") \
                and not name.startswith(("ingest/", "access/")) and len(tally.captured) < 500:
            tally.captured.append((name, params))
        return original(cursor, name, **params)

    store.fetch = capture
    k = 0
    try:
        while not stop.is_set():
            page = PAGES[k % len(PAGES)]
            k += 1
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "dashboard" / "streamlit_app.py"), default_timeout=600)
            log_in(at, "admin", name="bench-admin")   # the pages sit behind the login (tests/accounts.py)
            at.query_params.update({"range": "custom", "from": "2019-12-01", "to": "2020-12-31"})
            at.switch_page(f"app_pages/{page}.py")
            started = time.perf_counter()
            try:
                at.run()
            except Exception as exc:             # an AppTest timeout or a crash outside the page
                tally.page_errors.append(f"{page}: {exc!r}")
                continue
            tally.renders_ms.append((time.perf_counter() - started) * 1000)
            if at.exception:
                tally.page_errors.append(f"{page}: {at.exception[0].message}")
    finally:
        store.fetch = original


def query_loop(stop: threading.Event, tally: Tally, con, rng: random.Random) -> None:
    from dashboard.core import store

    while not stop.is_set():
        if not tally.captured:
            time.sleep(0.1)
            continue
        name, params = rng.choice(tally.captured)
        started = time.perf_counter()
        try:
            store.run_query(con, name, **params)
        except Exception as exc:
            tally.query_errors.append(f"{name}: {exc!r}")
        tally.queries_ms.append((time.perf_counter() - started) * 1000)


def drain(settings, owner, seconds: float) -> bool:
    from dashboard.core.ingest.inbox import inbox_entries

    deadline = time.time() + seconds
    while time.time() < deadline:
        if not inbox_entries(settings) and owner.watcher.busy_with is None:
            time.sleep(2 * settings.settle_seconds + 3)          # a re-dropped (grown) file may follow
            if not inbox_entries(settings) and owner.watcher.busy_with is None:
                return True
        time.sleep(0.5)
    return False


def verify(settings, con, tally: Tally, drained: bool, watcher_alive: bool) -> dict:
    from dashboard.core import store
    from tests import hostile

    found = dict((r[0], (r[1], r[2])) for r in con.execute(
        "select id, title, likes from items where starts_with(id, 'SOAK-')").fetchall())
    expected = {item: (title, likes) for item, (title, likes, _) in tally.good_rows.items()}
    lost = sorted(set(expected) - set(found))
    wrong = sorted(i for i in set(expected) & set(found) if found[i] != expected[i])
    extra = sorted(set(found) - set(expected))
    kept = {_sha(p) for folder in (settings.archive_dir, settings.rejected_dir) for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink() and not p.name.endswith((".reason.txt", ".rejected.csv"))}
    missing_files = len(tally.shas - kept)
    statuses = {}
    for file_name, status in con.execute("select file_name, status from ingest_files order by id").fetchall():
        statuses.setdefault(file_name, []).append(status)
    hostile_wrong = []
    for name, file_name in tally.hostile:
        got = statuses.get(file_name, [])
        status = hostile.BY_NAME[name].status
        if status not in got and not (got and set(got) == {"duplicate_file"}):
            hostile_wrong.append(f"{name} ({file_name}): {got or 'never handled'}, expected {status}")
    checks = [n for n in store.list_queries() if n.startswith("checks/") and not store.run_query(con, n).empty]
    # a worker process or the process itself died on a file: contained (quarantined), but never expected
    crashed = [f"{r[0]}: {r[1][:80]}" for r in con.execute(
        "select file_name, message from ingest_files where contains(message, '工作进程意外退出') "
        "or contains(message, '程序中断') or status = 'failed'").fetchall()]
    return {"drained": drained, "watcher_alive": watcher_alive, "rows_expected": len(expected),
            "rows_found": len(found), "lost": len(lost), "wrong_values": len(wrong), "unexpected": len(extra),
            "files_missing": missing_files, "hostile_wrong": hostile_wrong, "checks_failing": checks,
            "crashed_or_failed": crashed,
            "page_errors": tally.page_errors[:20], "query_errors": tally.query_errors[:20]}


def run(seconds: float, out: Path, seed: int, items: int, drop_every: float) -> dict:
    from tests import hostile

    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    os.environ.update(YUQING_DATA_DIR=str(data), YUQING_DB=str(data / "warehouse.duckdb"),
                      YUQING_SETTLE_SECONDS=os.environ.get("YUQING_SETTLE_SECONDS", "1"))
    from dashboard.core.config import Settings
    from dashboard.core.ingest.inbox import close_owner, open_owner
    from dashboard.core.ingest.loader import ingest_file

    settings = Settings()
    owner = open_owner(settings)
    baseline = work / "baseline.csv"
    baseline.write_text(hostile.csv_text(items, start=1_000_000), encoding="utf-8")
    ingest_file(owner.con, baseline, settings)
    rng, tally, stop = random.Random(seed), Tally(), threading.Event()
    threads = [threading.Thread(target=page_loop, args=(stop, tally), daemon=True),
               threading.Thread(target=query_loop, args=(stop, tally, owner.con, random.Random(seed + 1)),
                                daemon=True, name="soak-queries")]
    for thread in threads:
        thread.start()
    started, k, cases = time.time(), 0, list(hostile.CASES)
    while time.time() - started < seconds:
        k += 1
        if k % 3 == 0:
            hostile_drop(k, cases[(k // 3) % len(cases)], tally, settings.inbox_dir)
        else:
            good_drop(k, rng, tally, settings.inbox_dir, settings.settle_seconds)
        time.sleep(drop_every)
    drained = drain(settings, owner, 600)
    stop.set()
    for thread in threads:
        thread.join(timeout=600)
    alive = owner.watcher._thread is not None and owner.watcher._thread.is_alive()
    result = verify(settings, owner.con, tally, drained, alive)
    close_owner()
    result.update(seconds=round(time.time() - started, 1), drops=k, good_files=tally.good_files,
                  slow_writes=tally.slow_writes, hostile_files=len(tally.hostile),
                  pages_rendered=len(tally.renders_ms), queries_run=len(tally.queries_ms),
                  render_p50_ms=_pct(tally.renders_ms, 50), render_p95_ms=_pct(tally.renders_ms, 95),
                  query_p50_ms=_pct(tally.queries_ms, 50), query_p95_ms=_pct(tally.queries_ms, 95),
                  peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    result["ok"] = ok(result)
    return result


def _pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    return round(statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0], 1)


def ok(result: dict) -> bool:
    return (result["drained"] and result["watcher_alive"] and not result["lost"] and not result["wrong_values"]
            and not result["unexpected"] and not result["files_missing"] and not result["hostile_wrong"]
            and not result["checks_failing"] and not result["crashed_or_failed"] and not result["page_errors"]
            and not result["query_errors"])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Drops (good and hostile) while pages and queries are requested.")
    p.add_argument("--seconds", type=float, default=120, help="how long to keep dropping files (default 120)")
    p.add_argument("--drop-every", type=float, default=1.0, help="seconds between drops (default 1)")
    p.add_argument("--items", type=int, default=2000, help="items in the store before the soak (default 2000)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "soak"), help="results folder")
    args = p.parse_args(argv)
    for name in ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context",
                 "dashboard.core.ingest.loader", "dashboard.core.ingest.inbox"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = run(args.seconds, out, args.seed, args.items, args.drop_every)
    (out / "soak.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print("soak:", "OK" if result["ok"] else "FAILED")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
