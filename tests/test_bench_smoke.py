"""bench/run.py --smoke works: every section it ran reports real, positive figures (not a timed test)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow       # the bench scripts as real processes: ingest, queries, a server

ROOT = Path(__file__).resolve().parents[1]


def test_bench_smoke(tmp_path):
    out = tmp_path / "results"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--keep-files",
                           "--out", str(out)], check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    assert (out / "results.md").read_text() in proc.stdout          # the table printed is the one written
    items = results["items"]
    assert items == 2000
    assert set(results["sections"]) >= {"ingest", "peer", "queries", "wordcloud"}
    for section in results["sections"]:
        assert results["section_seconds"][section] > 0

    ingest = results["ingest"]
    for fmt in ("csv-utf8", "csv-gbk", "xlsx", "parquet"):
        assert ingest[fmt]["items"] == items and ingest[fmt]["loaded_new"] == items, fmt
        assert ingest[fmt]["seconds"] > 0 and ingest[fmt]["items_per_s"] > 0 and ingest[fmt]["peak_rss_mb"] > 50
    assert ingest["gbk_over_utf8_time"] > 0 and ingest["xlsx_rows_per_s"] > 0
    con = duckdb.connect(ingest["store"], read_only=True)        # kept by --keep-files
    try:
        assert con.execute("select count(*) from items").fetchone()[0] == items
        assert con.execute("select count(distinct item_id) from item_terms").fetchone()[0] > items * 0.9
    finally:
        con.close()

    peer = results["peer"]
    assert peer["items"] == 500 and peer["term_rows"] > 500 and peer["items_per_s"] > 0
    assert peer["ours_over_peer"] > 0

    queries = results["queries"]
    assert not queries["errors"]
    assert {"terms/top_terms", "items/list", "meta/data_version"} <= set(queries["queries"])
    for name, q in queries["queries"].items():
        assert q["calls"] > 0 and 0 < q["p50_ms"] <= q["p95_ms"] and q["raw_p50_ms"] > 0, name
    assert set(queries["pages"]) == {"overview", "hot", "trends", "categories", "words", "departments", "items",
                                     "admin"}
    assert all(p["p50_ms"] > 0 for p in queries["pages"].values())

    for case in results["wordcloud"].values():
        assert case["items"] > 0 and case["ours_p50_ms"] > 0 and case["peer_p50_ms"] > 0

    if "serve" in results["sections"]:
        serve = results["serve"]
        assert serve["health_s"] > 0 and serve["rss_mb"] > 50
        if serve["page_visits"]:
            assert 0 < serve["health_s"] <= serve["login_form_s"] <= serve["first_page_s"]
            assert serve["login_s"] > 0          # the first page is reached through the login form


def test_soak_smoke(tmp_path):
    """bench/soak.py: a few seconds of drops (good and hostile) while pages and queries run; it must
    verify everything and report real figures."""
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "soak.py"), "--seconds", "6", "--drop-every", "0.5",
                           "--items", "300", "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads((tmp_path / "soak.json").read_text())
    assert result["ok"] and result["good_files"] >= 3 and result["hostile_files"] >= 1
    assert result["rows_found"] == result["rows_expected"] > 0
    assert result["pages_rendered"] > 0 and result["queries_run"] > 0
