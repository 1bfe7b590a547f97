"""Every query file runs on a fixture store and the data checks find nothing on good data
(that each finds the faults it is written for: tests/test_checks.py)."""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.core import store
from dashboard.core.demo.generator import generate_items
from dashboard.core.ingest.loader import ingest_file, ingest_frame
from tests.conftest import FIXTURES, data_settings

# ingest/ and store/ write: they run in an ingest (below) and in a migration (test_migrations.py); the
# account and audit statements write too: tests/test_access.py runs them.
ACCESS_WRITES = ("access/user_add", "access/user_set_", "access/user_login_failed", "access/user_clear_failures",
                 "access/audit_record", "access/token_add", "access/token_touch", "access/token_drop")
DESK_WRITES = ("desk/candidate_add", "desk/candidate_edit", "desk/candidate_set_state", "desk/candidate_absorb",
               "desk/candidate_mark_merged", "desk/candidate_assign", "desk/issue_", "desk/number_next", "submit/add")
# regions/apply_text writes regions found again (core/text/regions.derive_regions, with item_counts in the
# same transaction): tests/test_regions.py and tests/test_rollups.py run it.
OTHER_WRITES = ("regions/apply_text",)
READ_QUERIES = [n for n in store.list_queries()
                if not n.startswith(("ingest/", "store/", *ACCESS_WRITES, *DESK_WRITES, *OTHER_WRITES))]
# A sample value for every parameter name any query uses (the standard filter set first).
SAMPLE_FILTERS = {
    "start": datetime(2019, 1, 1), "end": datetime(2030, 1, 1), "categories": ["城乡建设"], "channels": ["留言板"],
    "regions": ["A市"], "departments": ["未标注"], "sentiments": ["负面"], "kinds": ["诉求"], "keyword": "物业",
    "item_ids": ["1001", "1002"], "scope_departments": ["未标注"], "scope_regions": None,
}
SAMPLE_PARAMS = {
    "filters": SAMPLE_FILTERS, "oldest_first": True,
    "start": datetime(2019, 1, 1), "end": datetime(2030, 1, 1), "categories": ["城乡建设"],
    "channels": ["留言板"], "regions": ["A市"], "departments": ["未标注"], "sentiments": ["负面"],
    "keyword": "物业", "day_start_hour": 8, "as_of": datetime(2020, 2, 1), "answered_from": datetime(2020, 1, 31), "overdue_days": 15, "limit": 10, "cap": 3,
    "min_count": 2, "baseline_days": 14, "window_days": 30, "item_ids": ["1001", "1002"],
    "topic_item_ids": ["1001", "1002"], "ids": ["1001", "1002"], "department": "未标注", "words": ["火灾"], "term": "物业费",
    "file_id": 1, "status": "loaded", "satisfied_values": ["满意"], "overdue_kind": "超期未答复",
    "grain": "day", "dimension": "category", "subcategories": ["物业管理"], "offset": 0,
    "pattern": "(?i)火灾", "since": datetime(2019, 1, 1),
    # regions/ and categories/ (the derived region and the predicted category)
    "after": "1000", "holdout_fold": 0, "fold": 0, "all": True, "min_confidence": 0.8,
    "trained_at": datetime(2024, 1, 1), "labelled_items": 60, "heldout_items": 12, "heldout_accuracy": 0.75,
    "temperature": 2.0, "labelled_signature": "60:2:0",
    # replies/ (reply substance verdicts)
    "template_min_items": 3, "min_relevance": 0.1, "short_chars": 60,
    # access/ (accounts and the audit log)
    "user": "管理员", "subject": "sub-1", "action": "login", "item_id": "1001", "token_hash": "0" * 64,
    # desk/, issues/, submit/ (the editorial desk)
    "states": ["待选"], "id": 1, "issue": 1, "submitter": "信息员甲",
}


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory):
    """One fixture store for the module (building it per query took a minute of the suite)."""
    settings = data_settings(tmp_path_factory.mktemp("queries") / "data")
    con = store.connect(settings.db_path)
    for name, limits in (("messages_utf8.csv", settings), ("bad_rows.csv", replace(settings, max_reject_share=0.5)),
                         ("late_reply.csv", settings)):
        ingest_file(con, Path(shutil.copy(FIXTURES / name, settings.inbox_dir / name)), limits)
    yield con
    con.close()


@pytest.fixture
def filled(filled_store):
    """The shared store, each test inside a transaction rolled back after it: a few read queries tidy
    derived tables (replies/drop_stale), and no test may see another's changes."""
    filled_store.begin()
    yield filled_store
    filled_store.rollback()


@pytest.mark.parametrize("name", READ_QUERIES)
def test_read_query_runs_with_all_and_sample_params(filled, name):
    params = store.query_params(name)
    everything = store.run_query(filled, name)               # NULL parameters mean "all"
    assert list(everything.columns), name
    sample = {p: SAMPLE_PARAMS[p] for p in params if p in SAMPLE_PARAMS}
    assert set(sample) == set(params), f"{name}: add sample values for {set(params) - set(sample)}"
    store.run_query(filled, name, **sample)


def test_every_ingest_statement_runs_during_an_ingest(con, settings, drop, monkeypatch):
    used = set()
    real = store.execute

    def recording(cursor, name, **params):
        used.add(name)
        return real(cursor, name, **params)

    real_batches = store.fetch_batches

    def recording_batches(cursor, name, batch_rows, **params):
        used.add(name)
        return real_batches(cursor, name, batch_rows, **params)

    monkeypatch.setattr(store, "execute", recording)   # fetch and run_query go through execute too
    monkeypatch.setattr(store, "fetch_batches", recording_batches)
    ingest_frame(con, generate_items(50, days=5), settings, "演示", demo=True)
    ingest_file(con, drop("messages_utf8.csv"), settings)     # the first real file removes the demo
    ingest_file(con, drop("messages_utf8.csv"), settings)   # duplicate file
    ingest_file(con, drop("late_reply.csv"), settings)        # an update
    ingest_file(con, drop("bad_rows.csv"), settings)          # quarantined
    ingest_file(con, drop("duplicate_ids.csv"), settings)     # ids repeated within the file, a refused row
    lossy = settings.inbox_dir / "lossy.csv"                  # a character lost to '?': the stored text stays
    lossy.write_text((FIXTURES / "messages_utf8.csv").read_text(encoding="utf-8").replace("梅溪湖", "梅?湖", 1),
                     encoding="utf-8")
    assert ingest_file(con, lossy, settings).lossy_duplicates == 1
    assert {n for n in used if n.startswith("ingest/")} == {n for n in store.list_queries() if n.startswith("ingest/")}


@pytest.mark.parametrize("name", [n for n in READ_QUERIES if n.startswith("checks/")])
def test_checks_pass_on_good_data(filled, name):
    assert store.run_query(filled, name).empty


def test_unknown_parameter_is_refused(filled):
    with pytest.raises(TypeError, match="不接受参数"):
        store.run_query(filled, "admin/store_summary", start="2020-01-01")


def test_query_names_cannot_escape_the_queries_folder():
    with pytest.raises(store.QueryNotFound):
        store.load_sql("../README")


def test_migrations_are_idempotent(con):
    assert store.migrate(con) == []
