"""The benchmark: `python bench/run.py --items 1000000` (or `make bench ITEMS=1000000`).

Generates demo items, then measures and prints one table (also written as results.json and
results.md to --out):

  ingest     `python -m dashboard ingest FILE` (the real CLI, a fresh store each time) on UTF-8 CSV,
             GBK CSV (Chinese headers), XLSX and Parquet drops of the same items: seconds, items/s,
             peak RSS of the largest process and of the whole process tree; median of --repeat runs.
  peer       bench/peer.py (pandas + jieba.lcut per item + DuckDB insert) on a prefix of the UTF-8 CSV.
  queries    every query every page runs, timed inside the pages (AppTest, caches cleared) under
             varied URL filters, next to the same SQL executed alone (the raw floor); page render times.
  wordcloud  the 词云 page's data path (core.terms.top_terms) against jieba at request time.
  serve      `python -m dashboard serve`: time to the first rendered page, RSS after visiting every page.

See bench/README.md for what each figure means.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np
from tqdm import tqdm

PY = sys.executable
SECTIONS = ("ingest", "peer", "queries", "wordcloud", "serve")
PAGES = ("overview", "hot", "trends", "categories", "words", "departments", "items", "admin")
TITLES = {"overview": "总览", "hot": "热点与预警", "trends": "趋势", "categories": "分类", "words": "词云",
          "departments": "部门", "items": "明细", "admin": "数据管理"}


def _url_path(page: str) -> str:
    """总览 is the default page, served at the root (Streamlit ignores a default page's url_path)."""
    return "" if page == PAGES[0] else page


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
FORMATS = ("csv-utf8", "csv-gbk", "xlsx", "parquet")
CN_HEADERS = {   # aliases from core/ingest/mapping.py (docs/data-contract.md), as a Chinese export has them
    "id": "编号", "title": "标题", "content": "内容", "published_at": "发布时间", "channel": "渠道", "source": "来源",
    "category": "分类", "subcategory": "二级分类", "region": "地区", "department": "承办单位",
    "department_level": "部门级别", "is_valid": "是否有效", "replied_at": "答复时间", "reply_content": "答复意见",
    "satisfaction": "满意度", "sentiment": "情感", "author": "作者", "likes": "点赞数", "dislikes": "反对数", "url": "链接",
}
# A child process's wall time and peak RSS, measured by a wrapper of its own: ru_maxrss of
# RUSAGE_CHILDREN is the largest of all children ever waited for (the CLI or one of its workers), so
# one wrapper per measurement; tree_rss_mb is the sum over the whole process tree, sampled from /proc
# every 0.1 s (what the machine must hold at once; a peak shorter than that may be missed). Output goes
# to files, not pipes, so a chatty child cannot block while the wrapper samples.
WRAPPER = """
import json, os, resource, subprocess, sys, tempfile, time
def tree_kb(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration):
            continue
    return total
t = time.perf_counter()
out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
p = subprocess.Popen(json.loads(sys.argv[1]), stdout=out_file, stderr=err_file, text=True)
peak = 0
while p.poll() is None:
    peak = max(peak, tree_kb(p.pid))
    time.sleep(0.1)
out_file.seek(0)
err_file.seek(0)
out, err = out_file.read(), err_file.read()
print(json.dumps({"seconds": time.perf_counter() - t, "rc": p.returncode, "stdout": out[-20000:],
                  "stderr": err[-3000:], "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "tree_rss_mb": peak / 1024}))
"""


# --------------------------------------------------------------------------------------------- helpers

def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def pct(values, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def child(cmd: list[str], env: dict | None = None) -> dict:
    """Run cmd in its own wrapper process: wall seconds, exit code, output, peak RSS (MB)."""
    out = subprocess.run([PY, "-c", WRAPPER, json.dumps([str(c) for c in cmd])], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, **(env or {})}, check=True)
    result = json.loads(out.stdout)
    if result["rc"] not in (0,):
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result['rc']}: {result['stderr']}")
    return result


@contextmanager
def env(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ------------------------------------------------------------------------------------------ drop files

def write_drops(args, work: Path) -> dict[str, tuple[Path, int]]:
    """The same generated items as UTF-8 CSV, GBK CSV, Parquet, and the first --xlsx-items as XLSX."""
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dashboard.core.demo.generator import iter_item_batches

    paths = {"csv-utf8": work / "items-utf8.csv", "csv-gbk": work / "items-gbk.csv",
             "xlsx": work / "items.xlsx", "parquet": work / "items.parquet"}
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("留言")
    sheet.append([CN_HEADERS[c] for c in CN_HEADERS])
    parquet, xlsx_rows, gbk_replaced = None, 0, 0
    with tqdm(total=args.items, desc="generate drop files", unit="item") as bar:
        for k, frame in enumerate(iter_item_batches(args.items, days=args.days, seed=args.seed, batch_size=50_000)):
            first = k == 0
            frame.to_csv(paths["csv-utf8"], index=False, encoding="utf-8", mode="w" if first else "a", header=first)
            cn = frame.rename(columns=CN_HEADERS)
            text = cn.to_csv(index=False, header=first)
            gbk = text.encode("gbk", errors="replace")
            gbk_replaced += gbk.count(b"?") - text.count("?")
            with open(paths["csv-gbk"], "wb" if first else "ab") as fh:
                fh.write(gbk)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            parquet = parquet or pq.ParquetWriter(paths["parquet"], table.schema)
            parquet.write_table(table.cast(parquet.schema))
            take = min(len(frame), args.xlsx_items - xlsx_rows)
            if take > 0:
                part = cn.iloc[:take].astype(object)
                for row in part.where(part.notna(), None).itertuples(index=False):
                    sheet.append(list(row))
                xlsx_rows += take
            bar.update(len(frame))
    parquet.close()
    book.save(paths["xlsx"])
    if gbk_replaced:
        print(f"note: {gbk_replaced} characters had no GBK code and were written as '?'")
    rows = {name: args.items for name in paths} | {"xlsx": xlsx_rows}
    return {name: (paths[name], rows[name]) for name in paths}


# ------------------------------------------------------------------------------------------ sections

def bench_ingest(args, work: Path, drops) -> dict:
    from dashboard.core.ingest.readers import read_table

    results = {}
    for fmt, (path, rows) in drops.items():
        runs = []
        for r in tqdm(range(args.repeat), desc=f"ingest {fmt} ({rows:,} items)", unit="run"):
            data = work / f"store-{fmt}"
            shutil.rmtree(data, ignore_errors=True)
            res = child([PY, "-m", "dashboard", "ingest", path, "--db", data / "warehouse.duckdb", "--json"],
                        env={"YUQING_DATA_DIR": str(data), "YUQING_DB": str(data / "warehouse.duckdb")})
            outcome = json.loads(res["stdout"].strip().splitlines()[-1])
            if outcome["status"] != "loaded" or outcome["rows_read"] != rows:
                raise RuntimeError(f"ingest of {path.name} did not load every row: {outcome}")
            runs.append({"seconds": res["seconds"], "rss_mb": res["rss_mb"], "tree_rss_mb": res["tree_rss_mb"],
                         "loaded_new": outcome["loaded_new"], "rejected": outcome["rejected"]})
        seconds = statistics.median(r["seconds"] for r in runs)
        read_seconds = timed(lambda: len(read_table(path)))[0]   # the reader alone, in this process
        results[fmt] = {"items": rows, "seconds": seconds, "items_per_s": rows / seconds,
                        "read_seconds": read_seconds, "read_rows_per_s": rows / read_seconds,
                        "peak_rss_mb": max(r["rss_mb"] for r in runs),
                        "tree_rss_mb": max(r["tree_rss_mb"] for r in runs), "loaded_new": runs[-1]["loaded_new"],
                        "rejected": runs[-1]["rejected"], "runs": [r["seconds"] for r in runs]}
        if fmt != "csv-utf8":
            shutil.rmtree(work / f"store-{fmt}", ignore_errors=True)
    results["store"] = str(work / "store-csv-utf8" / "warehouse.duckdb")
    results["gbk_over_utf8_time"] = results["csv-gbk"]["seconds"] / results["csv-utf8"]["seconds"]
    results["xlsx_rows_per_s"] = results["xlsx"]["items_per_s"]
    return results


def bench_peer(args, work: Path, drops, ingest: dict | None) -> dict:
    path, _ = drops["csv-utf8"]
    rows = min(args.peer_items, args.items)
    db = work / "peer.duckdb"
    db.unlink(missing_ok=True)
    print(f"peer: pandas + jieba.lcut + DuckDB on the first {rows:,} items …", flush=True)
    res = child([PY, ROOT / "bench" / "peer.py", "ingest", path, "--rows", rows, "--db", db])
    out = json.loads(res["stdout"].strip().splitlines()[-1])
    result = {"items": out["items"], "term_rows": out["term_rows"], "seconds": res["seconds"],
              "items_per_s": out["items"] / res["seconds"], "peak_rss_mb": res["rss_mb"]}
    if ingest:
        result["ours_over_peer"] = ingest["csv-utf8"]["items_per_s"] / result["items_per_s"]
    db.unlink(missing_ok=True)
    return result


def store_facts(db: Path) -> dict:
    """First/last day, the biggest category and a mid-frequency keyword, for the filters."""
    import duckdb

    from dashboard.core.analytics import terms
    from dashboard.core.filters import Filters

    con = duckdb.connect(str(db), read_only=True)
    try:
        first, last, items = con.execute("select min(published_at)::date, max(published_at)::date, count(*) "
                                         "from items").fetchone()
        category = con.execute("select category from items where category is not null group by 1 "
                               "order by count(*) desc limit 1").fetchone()[0]
        top = terms.top_terms(con, Filters(), limit=40)["term"].tolist()
    finally:
        con.close()
    keyword = next((t for t in top[19:] if len(t) >= 2), top[-1])
    return {"first": first, "last": last, "items": items, "category": category, "keyword": keyword}


def _days(facts: dict) -> tuple[date, date]:
    """The last whole day (demo data ends at 08:00 today) and the first day of the 30 days up to it."""
    last = facts["last"] - timedelta(days=1)
    return last, last - timedelta(days=29)


def scenarios(facts: dict, names=None) -> dict[str, dict]:
    """The URL filters pages are opened with (see docs/ARCHITECTURE.md, "Pages, filters and permalinks")."""
    last, month = _days(facts)
    custom = {"range": "custom"}
    every = {
        "day": {**custom, "from": str(last), "to": str(last)},
        "month": {**custom, "from": str(month), "to": str(last)},
        "all": {**custom, "from": str(facts["first"]), "to": str(last)},
        "category_month": {**custom, "from": str(month), "to": str(last), "cat": facts["category"]},
        "keyword_all": {**custom, "from": str(facts["first"]), "to": str(last), "q": facts["keyword"]},
    }
    return {name: every[name] for name in (names or every)}


def bench_queries(args, db: Path, facts: dict, work: Path) -> dict:
    import duckdb
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.core import store
    from tests.accounts import log_in
    from dashboard.core.ingest.inbox import close_owner

    calls: list[dict] = []           # every query a page ran: name, params, ms, page, scenario
    where = {}
    original = store.fetch

    def fetch(cursor, name, **params):   # run_query and every page query go through store.fetch
        seconds, frame = timed(original, cursor, name, **params)
        calls.append({"name": name, "params": params, "ms": seconds * 1000, **where})
        return frame

    def open_page(page: str, params: dict) -> tuple[float, object]:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard" / "streamlit_app.py"), default_timeout=600)
        log_in(at, "admin", name="bench-admin")   # the pages sit behind the login (tests/accounts.py)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(f"app_pages/{page}.py")
        return timed(at.run)

    filters = scenarios(facts, args.filters)
    renders, errors = {}, []
    store.fetch = fetch
    try:
        with env(YUQING_DATA_DIR=work / "appdata", YUQING_DB=db):
            (work / "appdata").mkdir(exist_ok=True)
            where.update(page="warm-up", scenario="")
            for page in PAGES[:1 if args.smoke else None]:   # imports and opening the store are not page time
                open_page(page, {})
            calls.clear()
            plan = [(s, p, r) for s in filters for p in PAGES for r in range(args.query_runs)]
            for scenario, page, run in tqdm(plan, desc="pages × filters × runs", unit="page"):
                where.update(page=page, scenario=scenario)
                seconds, at = open_page(page, filters[scenario])
                renders.setdefault(page, []).append(seconds * 1000)
                # a page that fails shows st.error (never a traceback): count both
                if (at.exception or at.error) and run == 0:
                    shown = at.exception[0].message if at.exception else at.error[0].value
                    errors.append(f"{page} [{scenario}]: {shown}")
            close_owner()
            st.cache_resource.clear()
    finally:
        store.fetch = original

    limit = 300 if facts["items"] <= 1_000_000 else 1000
    by_name: dict[str, list] = {}
    for call in calls:
        by_name.setdefault(call["name"], []).append(call)
    con = duckdb.connect(str(db), read_only=True)
    queries = {}
    try:
        for name, group in tqdm(sorted(by_name.items()), desc="raw floor (SQL alone)", unit="query"):
            sql, distinct = store.load_sql(name), {repr(sorted(c["params"].items())): c["params"] for c in group}

            def alone(params, sql=sql, name=name):
                return con.execute(sql, store.bind(name, params)).to_arrow_table()

            floor = [timed(alone, params)[0] * 1000
                     for params in list(distinct.values())[:10] for _ in range(args.query_runs)]
            ms = [c["ms"] for c in group]
            worst = max(group, key=lambda c: c["ms"])
            queries[name] = {"calls": len(ms), "pages": sorted({c["page"] for c in group}),
                             "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "max_ms": max(ms),
                             "worst": f"{worst['page']}/{worst['scenario']}",
                             "raw_p50_ms": pct(floor, 50), "slow": pct(ms, 95) > limit}
    finally:
        con.close()
    pages = {p: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95), "runs": len(v)} for p, v in renders.items()}
    return {"store_items": facts["items"], "filters": filters,
            "limit_ms": limit, "queries": queries, "pages": pages, "errors": errors,
            "slow": sorted(n for n, q in queries.items() if q["slow"])}


def bench_wordcloud(args, db: Path, facts: dict) -> dict:
    import duckdb
    import jieba
    import peer

    from dashboard.core.analytics import terms
    from dashboard.core.filters import Filters, days_period

    jieba.initialize()       # a server would have loaded the dictionary already
    last, month = _days(facts)
    cases = {"day": (days_period(last, last), None), "month": (days_period(month, last), None),
             "category_month": (days_period(month, last), facts["category"])}
    cases = {name: cases[name] for name in (args.wordcloud_cases or cases)}
    con = duckdb.connect(str(db), read_only=True)
    results = {}
    try:
        for case, (period, category) in tqdm(cases.items(), desc="word cloud: ours vs request-time jieba"):
            filters = Filters(period=period, categories=(category,) if category else None)
            ours = [timed(terms.top_terms, con, filters, limit=200)[0] * 1000 for _ in range(args.query_runs)]
            items = con.execute("select count(*) from items where published_at >= ? and published_at < ? "
                                "and (?::varchar is null or category = ?)",
                                [period.start, period.end, category, category]).fetchone()[0]
            theirs = [timed(peer.top_terms, con, period.start, period.end, category)[0] * 1000
                      for _ in range(1 if items > 5000 else args.query_runs)]
            results[case] = {"items": items, "ours_p50_ms": pct(ours, 50), "peer_p50_ms": pct(theirs, 50),
                             "peer_over_ours": pct(theirs, 50) / pct(ours, 50)}
    finally:
        con.close()
    return results


def _tree_rss_mb(pid: int) -> float:
    """VmRSS of pid and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def bench_serve(args, db: Path, work: Path) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    port = args.port or _free_port()
    url = f"http://127.0.0.1:{port}"
    data = work / "servedata"
    data.mkdir(exist_ok=True)
    cmd = [PY, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port), "--no-demo"]
    account = _bench_account(db)
    serve_env = {**os.environ, "STREAMLIT_SERVER_HEADLESS": "true", "YUQING_DATA_DIR": str(data)}
    browser = pw = None
    if sync_playwright:
        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=args.chromium) if args.chromium else pw.chromium.launch()
    result: dict = {"page_visits": bool(browser)}
    start = time.perf_counter()
    server = subprocess.Popen(cmd, cwd=ROOT, env=serve_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"serve exited {server.returncode}: {server.stderr.read().decode()[-2000:]}")
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        result["health_s"] = time.perf_counter() - start
        if browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            def visit(path: str) -> float:
                """Through the sidebar, as a person moves between pages (the login stays with the tab)."""
                link = page.locator(f'[data-testid="stSidebarNav"] a[href="{url}/{_url_path(path)}"]').first
                seconds, _ = timed(lambda: (link.click(), _wait_rendered(page, TITLES[path])))
                return seconds

            page.goto(url)                         # the login form
            _wait_rendered(page)
            result["login_form_s"] = time.perf_counter() - start
            result["login_s"], _ = timed(lambda: _log_in(page, *account))
            result["first_page_s"] = time.perf_counter() - start
            pages = PAGES[1:][:0 if args.smoke else None]     # --smoke: the first page only
            result["page_s"] = {p: visit(p) for p in tqdm(pages, desc="serve: visit every page")}
        result["rss_mb"] = _tree_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if browser:
            browser.close()
            pw.stop()
    return result


BENCH_USER = "基准测试"


def _bench_account(db: Path) -> tuple[str, str]:
    """An administrator in the store to be served (made before the server opens it), with a fresh password."""
    from datetime import datetime

    from dashboard.core import store
    from dashboard.core.access import passwords, users

    password = passwords.one_time_password()
    con = store.connect(db)
    try:
        if users.find(con, BENCH_USER) is None:
            users.add(con, BENCH_USER, "admin", password, datetime.now())
        else:
            users.reset_password(con, BENCH_USER, password, datetime.now())
    finally:
        con.close()
    return BENCH_USER, password


def _log_in(page, user: str, password: str) -> None:
    """The login form as a person fills it; returns when the page behind it has run."""
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"] [data-testid="stMain"] '
                           'h1:not(:has-text("登录"))', timeout=600_000)


def _wait_rendered(page, title: str | None = None) -> None:
    """The app has run: Streamlit marks its root running → notRunning; the main block (with `title`) is there."""
    heading = f'h1:has-text("{title}")' if title else "h1"
    page.wait_for_selector(f'[data-testid="stApp"][data-test-script-state="notRunning"] [data-testid="stMain"] {heading}',
                           timeout=600_000)


# --------------------------------------------------------------------------------------------- report

def table(results: dict) -> str:
    lines = [f"# 舆情 dashboard benchmark — {results['items']:,} items, {results['days']} days, seed {results['seed']}",
             "", f"machine: {results['machine']}  date: {results['date']}", ""]

    def add(title, head, rows):
        lines.extend([f"## {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)])
        lines.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
        lines.append("")

    ing = results.get("ingest")
    if ing:
        add("Ingest (python -m dashboard ingest, fresh store, median of runs)",
            ["drop", "items", "seconds", "items/s", "peak RSS MB", "peak RSS all MB", "loaded", "rejected",
             "read alone s", "read rows/s"],
            [[f, f"{ing[f]['items']:,}", f"{ing[f]['seconds']:.2f}", f"{ing[f]['items_per_s']:,.0f}",
              f"{ing[f]['peak_rss_mb']:.0f}", f"{ing[f]['tree_rss_mb']:.0f}", f"{ing[f]['loaded_new']:,}",
              ing[f]["rejected"],
              f"{ing[f]['read_seconds']:.2f}", f"{ing[f]['read_rows_per_s']:,.0f}"] for f in FORMATS])
        lines.append(f"GBK time / UTF-8 time: {ing['gbk_over_utf8_time']:.2f}   XLSX rows/s: "
                     f"{ing['xlsx_rows_per_s']:,.0f}" + (f" (XLSX capped at {ing['xlsx']['items']:,} items)"
                                                         if ing["xlsx"]["items"] < results["items"] else ""))
        lines.append("")
    peer = results.get("peer")
    if peer:
        lines.append(f"## Peer (pandas.read_csv + jieba.lcut per item + DuckDB insert), measured on the first "
                     f"{peer['items']:,} items only (it runs at a few thousand items/s)")
        lines.append("")
        lines.append(f"peer: {peer['seconds']:.2f} s, {peer['items_per_s']:,.0f} items/s, peak RSS "
                     f"{peer['peak_rss_mb']:.0f} MB" + (f"; ours (UTF-8 CSV) / peer = {peer['ours_over_peer']:.1f}×"
                                                       if "ours_over_peer" in peer else ""))
        lines.append("")
    q = results.get("queries")
    if q:
        add(f"Page queries on {q['store_items']:,} items (p50/p95 over pages × filters × runs; raw = same SQL "
            f"alone; ! = p95 over {q['limit_ms']} ms)",
            ["query", "calls", "p50 ms", "p95 ms", "raw p50 ms", "slowest at", ""],
            [[n, v["calls"], f"{v['p50_ms']:.1f}", f"{v['p95_ms']:.1f}", f"{v['raw_p50_ms']:.1f}", v["worst"],
              "!" if v["slow"] else ""] for n, v in q["queries"].items()])
        add("Page render (AppTest run, caches cleared)", ["page", "runs", "p50 ms", "p95 ms"],
            [[p, v["runs"], f"{v['p50_ms']:.0f}", f"{v['p95_ms']:.0f}"] for p, v in q["pages"].items()])
        lines.append("filters: " + "; ".join(f"{k}={'&'.join(f'{a}={b}' for a, b in v.items())}"
                                              for k, v in q["filters"].items()))
        if q["errors"]:
            lines.append("page errors: " + "; ".join(q["errors"]))
        lines.append("")
    wc = results.get("wordcloud")
    if wc:
        add("Word cloud top 200: our data path (core.terms.top_terms) vs request-time pandas + jieba",
            ["filter", "items", "ours p50 ms", "peer ms", "peer / ours"],
            [[k, f"{v['items']:,}", f"{v['ours_p50_ms']:.1f}", f"{v['peer_p50_ms']:.0f}",
              f"{v['peer_over_ours']:.0f}×"] for k, v in wc.items()])
    sv = results.get("serve")
    if sv:
        lines.append("## Serve")
        lines.append("")
        if sv["page_visits"]:
            lines.append(f"first page rendered {sv['first_page_s']:.2f} s after start (health {sv['health_s']:.2f} s, "
                         f"login form {sv['login_form_s']:.2f} s, login {sv['login_s']:.2f} s); "
                         f"RSS after visiting {'every page' if sv['page_s'] else 'the first page'} {sv['rss_mb']:.0f} MB")
            if sv["page_s"]:
                lines.append("page visits (s): " + ", ".join(f"{p} {s:.2f}" for p, s in sv["page_s"].items()))
        else:
            lines.append(f"playwright not importable: page visits skipped; /_stcore/health after "
                         f"{sv['health_s']:.2f} s; RSS {sv['rss_mb']:.0f} MB")
        lines.append("")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 ** 2
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GB RAM, Python {sys.version.split()[0]}"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Benchmark ingest, queries, word cloud and serve (bench/README.md).")
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", help="results folder (default bench/results/<date>-<items>/)")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--db", help="an existing store for queries/wordcloud/serve (implies --skip-ingest)")
    p.add_argument("--skip-ingest", action="store_true", help="no drop files, ingest or peer (needs --db)")
    p.add_argument("--repeat", type=int, help="ingest runs per format (default 3 up to 200k items, else 1)")
    p.add_argument("--xlsx-items", type=int, help="items in the XLSX drop (default min(items, 200000))")
    p.add_argument("--peer-items", type=int, help="prefix the peer ingests (default min(items, 50000))")
    p.add_argument("--query-runs", type=int, default=5, help="runs per page × filter and per raw query")
    p.add_argument("--filters", help="comma-separated subset of day,month,all,category_month,keyword_all")
    p.add_argument("--wordcloud-cases", help="comma-separated subset of day,month,category_month (the peer "
                                             "tokenises every item of a case: ~1 ms each)")
    p.add_argument("--port", type=int, default=0, help="serve port (default: a free one)")
    p.add_argument("--chromium", default="/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    p.add_argument("--keep-files", action="store_true", help="keep the drop files and stores in OUT/work")
    p.add_argument("--smoke", action="store_true", help="tiny run (< 60 s): 2,000 items, 1 repeat, peer 500, 1 query run, filter keyword_all, no warm-up, serve: first page only")
    args = p.parse_args(argv)
    if args.smoke:
        args.items, args.days, args.repeat = 2000, 60, 1
        args.peer_items, args.xlsx_items, args.query_runs = args.peer_items or 500, args.xlsx_items or 2000, 1
        args.filters = args.filters or "keyword_all"
    args.repeat = args.repeat or (3 if args.items <= 200_000 else 1)
    args.xlsx_items = min(args.xlsx_items or 200_000, args.items)
    args.peer_items = min(args.peer_items or 50_000, args.items)
    args.filters = args.filters.split(",") if args.filters else None
    args.wordcloud_cases = args.wordcloud_cases.split(",") if args.wordcloud_cases else None
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    if unknown := set(args.sections) - set(SECTIONS):
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if args.db or args.skip_ingest:
        if not args.db:
            p.error("--skip-ingest needs --db")
        args.sections = [s for s in args.sections if s not in ("ingest", "peer")]
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    for name in ("streamlit.runtime.caching.cache_data_api",     # AppTest's "no runtime" warnings, per page
                 "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).disabled = True
    out = Path(args.out or ROOT / "bench" / "results" / f"{date.today()}-{args.items}")
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    results = {"items": args.items, "days": args.days, "seed": args.seed, "date": str(date.today()),
               "machine": machine(), "sections": args.sections,
               "command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])])}
    db = Path(args.db).resolve() if args.db else work / "store-csv-utf8" / "warehouse.duckdb"
    try:
        if {"ingest", "peer"} & set(args.sections):
            drops = write_drops(args, work)
        sections = {"ingest": lambda: bench_ingest(args, work, drops),
                    "peer": lambda: bench_peer(args, work, drops, results.get("ingest")),
                    "queries": lambda: bench_queries(args, db, facts, work),
                    "wordcloud": lambda: bench_wordcloud(args, db, facts),
                    "serve": lambda: bench_serve(args, db, work)}
        for name in [s for s in SECTIONS if s in args.sections]:
            if name in ("queries", "wordcloud", "serve") and "facts" not in locals():
                if not db.exists():
                    raise SystemExit(f"no store at {db}: run the ingest section or pass --db")
                facts = store_facts(db)
                results["store"] = {"path": str(db), **facts}
            seconds, results[name] = timed(sections[name])
            results.setdefault("section_seconds", {})[name] = seconds
    finally:
        if not args.keep_files:
            shutil.rmtree(work, ignore_errors=True)
    text = table(results)
    print("\n" + text)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    (out / "results.md").write_text(text + "\n")
    print(f"\nwritten: {out / 'results.json'}, {out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
