"""The hostile-input corpus (tests/hostile.py) through the real loader on a real DuckDB file.

For every case: the outcome it must have, and what must hold whatever the file held: no exception,
rows_read = new + updated + duplicates + rejected, every data check clean, the source's bytes kept
in archive/ or rejected/, and nothing from the file that must not be stored anywhere in the store.
"""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from dashboard.core import store
from dashboard.core.ingest import loader
from dashboard.core.ingest.loader import ingest_file
from tests import hostile

TEXT_TABLES = {
    "items": "coalesce(title, '') || coalesce(content, '') || coalesce(extra::varchar, '') || coalesce(id, '')",
    "rejected_rows": "coalesce(reason, '') || coalesce(raw::varchar, '')",
    "ingest_files": "coalesce(file_name, '') || coalesce(message, '') || coalesce(first_error, '') "
                    "|| coalesce(columns_mapped, '')",
}


def _settings_for(case: hostile.Case, settings):
    return replace(settings, limits=replace(settings.limits, **case.limits)) if case.limits else settings


def _source_bytes(path):
    if not os.path.lexists(path) or not path.is_file() or path.is_symlink():
        return None
    return path.read_bytes()


@pytest.mark.parametrize("name", [case.name for case in hostile.CASES])
def test_hostile_case(name, con, settings, tmp_path):
    case = hostile.BY_NAME[name]
    settings = _settings_for(case, settings)
    folder = settings.inbox_dir if case.inbox else tmp_path / "elsewhere"
    folder.mkdir(parents=True, exist_ok=True)
    path = case.write(folder)
    original = _source_bytes(path)

    outcome = ingest_file(con, path, settings, encoding=case.encoding)

    told = " ".join(filter(None, [outcome.message, outcome.first_error]))
    assert outcome.status == case.status, outcome.summary()
    assert outcome.rows_read == outcome.loaded_new + outcome.updated + outcome.unchanged_duplicates \
        + outcome.lossy_duplicates + outcome.rejected
    if case.loaded is not None:
        assert outcome.loaded_new == case.loaded, outcome.summary()
    reasons = dict(con.execute("select line, reason from rejected_rows").fetchall())
    if case.rejected_lines is not None:
        assert sorted(reasons) == list(case.rejected_lines), reasons
    for words in case.says:
        assert words in told or any(words in r for r in reasons.values()), (words, told, reasons)
    _assert_store_sound(con)
    _assert_never_stored(con, settings, case.never_stored)
    _assert_source_kept(path, outcome, original)


def _assert_store_sound(con):
    for name in store.list_queries():
        if name.startswith("checks/") and name != "checks/term_rollup_mismatch":
            assert store.run_query(con, name).empty, name
    assert store.run_query(con, "checks/term_rollup_mismatch").empty


def _assert_never_stored(con, settings, texts):
    if not texts:
        return
    for table, expression in TEXT_TABLES.items():
        for text in texts:
            hits = con.execute(f"select count(*) from {table} where contains({expression}, ?)", [text]).fetchall()
            assert hits[0][0] == 0, (table, repr(text[:20]))
    for report in (*settings.rejected_dir.rglob("*.txt"), *settings.rejected_dir.rglob("*.rejected.csv"),
                   *settings.archive_dir.rglob("*.rejected.csv")):
        body = report.read_text(encoding="utf-8-sig")
        assert not any(text in body for text in texts), report


def _assert_source_kept(path, outcome, original):
    """Never lost: an inbox file is moved whole to archive/ or rejected/ (a link as the link itself)."""
    assert outcome.archive_path, outcome.summary()
    kept = type(path)(outcome.archive_path)
    assert os.path.lexists(kept)
    if original is not None:
        assert kept.read_bytes() == original
    assert not os.path.lexists(path) or "elsewhere" in str(path)
    assert len(os.fsencode(kept.name)) <= 255 - len(".rejected.csv")


def test_the_corpus_is_big_enough():
    """Issue 11 asks for at least 25 classes; most reproduce one of its findings."""
    assert len(hostile.CASES) >= 25
    assert len({c.finding for c in hostile.CASES} - {"extra"}) >= 7


def test_long_names_keep_the_original_in_the_manifest(con, settings):
    path = hostile.BY_NAME["long_file_name"].write(settings.inbox_dir)
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "loaded" and outcome.file_name == path.name
    stored = con.execute("select file_name, archive_path from ingest_files").fetchall()[0]
    assert stored[0] == path.name and stored[1].endswith("….csv")


def test_an_upload_with_a_long_name_lands_in_the_inbox(settings):
    from dashboard.core.ingest.inbox import UploadRefused, inbox_files, place_upload

    name = "群众来信" * 30 + ".csv"                                 # 120 characters, 364 bytes
    placed = place_upload(settings, name, hostile.csv_text(3).encode("utf-8"))
    again = place_upload(settings, name, hostile.csv_text(4).encode("utf-8"))
    assert placed != again and {placed, again} == set(inbox_files(settings))
    assert all(len(os.fsencode(p.name)) <= 250 and p.suffix == ".csv" for p in (placed, again))
    assert placed.read_text(encoding="utf-8") == hostile.csv_text(3)
    with pytest.raises(UploadRefused, match="YUQING_MAX_FILE_MB"):
        place_upload(replace(settings, limits=replace(settings.limits, max_file_mb=0.000001)), "x.csv", b"123456789")
    hidden = place_upload(settings, "../../.bashrc", b"a,b\n")
    assert hidden.parent == settings.inbox_dir and not hidden.name.startswith(".")


def test_a_file_changed_while_it_was_read_is_not_taken(con, settings):
    """Finding 2: the bytes read must be the bytes hashed; otherwise nothing is written and the file
    waits in the inbox to be read again once it is complete."""
    path = settings.inbox_dir / "growing.csv"
    path.write_text(hostile.csv_text(5), encoding="utf-8")

    def grow(stage, fraction):
        if stage == "读取文件" and fraction == 0.0:
            with path.open("a", encoding="utf-8") as fh:
                fh.write(hostile.row(6) + "\n")

    outcome = ingest_file(con, path, settings, progress=grow)
    assert outcome.status == "waiting" and "仍在写入" in outcome.message
    assert con.execute("select count(*) from items").fetchall()[0][0] == 0
    assert con.execute("select count(*) from ingest_files").fetchall()[0][0] == 0
    assert path.exists()
    again = ingest_file(con, path, settings)
    assert (again.status, again.loaded_new) == ("loaded", 6)


def test_a_file_changed_during_the_write_is_rolled_back(con, settings, monkeypatch):
    path = settings.inbox_dir / "late_append.csv"
    path.write_text(hostile.csv_text(5), encoding="utf-8")
    real = store.execute

    def appending(cursor, name, **params):
        if name == "ingest/insert_terms":
            with path.open("a", encoding="utf-8") as fh:
                fh.write(hostile.row(6) + "\n")
        return real(cursor, name, **params)

    monkeypatch.setattr(loader.store, "execute", appending)
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "waiting"
    assert con.execute("select count(*) from items").fetchall()[0][0] == 0
    assert con.execute("select count(*) from ingest_files").fetchall()[0][0] == 0
    monkeypatch.setattr(loader.store, "execute", real)
    assert ingest_file(con, path, settings).loaded_new == 6


def test_a_worker_that_dies_quarantines_its_file_and_the_next_file_loads(con, settings, monkeypatch):
    """A file that crashes a worker process is quarantined at once (not retried), and the pool is
    started afresh for the files after it."""
    from dashboard.core.ingest import enrich
    from tests import crashers

    monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", 1)
    settings = replace(settings, ingest_slice_rows=3)
    monkeypatch.setattr(enrich, "prepare_slice", crashers.crash_slice)
    path = settings.inbox_dir / "kills_workers.csv"
    path.write_text(hostile.csv_text(10), encoding="utf-8")
    outcome = ingest_file(con, path, settings)
    assert outcome.status == "quarantined" and "工作进程意外退出" in outcome.message, outcome.summary()
    assert con.execute("select count(*) from items").fetchall()[0][0] == 0
    monkeypatch.undo()
    monkeypatch.setattr(enrich, "PARALLEL_THRESHOLD", 1)
    settings = replace(settings, ingest_slice_rows=3)
    after = settings.inbox_dir / "next.csv"
    after.write_text(hostile.csv_text(10, start=100), encoding="utf-8")
    assert ingest_file(con, after, settings).loaded_new == 10
