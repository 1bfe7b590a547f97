"""Numbered migrations cannot drift: each is recorded with its checksum, an applied one that changed
(or went missing) stops the start with a message saying what to do, a store from before checksums is
trusted once, and a new migration runs exactly once."""
from __future__ import annotations

import shutil

import pytest

from dashboard.core import store


@pytest.fixture
def schema(tmp_path, monkeypatch):
    """A copy of queries/schema/ that a test may edit; the store migrates from it."""
    folder = tmp_path / "schema"
    shutil.copytree(store.SCHEMA_DIR, folder)
    monkeypatch.setattr(store, "SCHEMA_DIR", folder)
    return folder


def recorded(con) -> dict[str, str | None]:
    return dict(con.execute("select version, checksum from schema_migrations").fetchall())


def make_pre_checksum(con) -> None:
    """Give schema_migrations the shape every store had before checksums: no checksum column."""
    con.execute("create table old_migrations as select version, applied_at from schema_migrations")
    con.execute("drop table schema_migrations")
    con.execute("create table schema_migrations (version varchar primary key, applied_at timestamp)")
    con.execute("insert into schema_migrations select * from old_migrations")
    con.execute("drop table old_migrations")


def test_every_migration_is_recorded_with_the_checksum_of_its_file(con):
    files = {p.stem: store.migration_checksum(p) for p in store.SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql")}
    assert len(files) >= 7
    assert recorded(con) == files


def test_a_new_migration_applies_once(schema, settings):
    con = store.connect(settings.db_path)
    (schema / "999_test_counter.sql").write_text(
        "create table test_counter (n integer);\ninsert into test_counter values (1);\n", encoding="utf-8")
    assert store.migrate(con) == ["999_test_counter"]
    assert store.migrate(con) == []
    con.close()
    con = store.connect(settings.db_path)
    assert con.execute("select count(*) from test_counter").fetchall() == [(1,)]
    assert recorded(con)["999_test_counter"] == store.migration_checksum(schema / "999_test_counter.sql")
    con.close()


def test_a_changed_migration_is_refused_before_anything_is_applied(schema, settings):
    store.connect(settings.db_path).close()
    path = schema / "003_sentiment_source.sql"
    path.write_text(path.read_text(encoding="utf-8") + "\nalter table items add column mood varchar;\n",
                    encoding="utf-8")
    (schema / "998_pending.sql").write_text("create table pending (x integer);\n", encoding="utf-8")
    with pytest.raises(store.MigrationChanged) as refused:
        store.connect(settings.db_path)
    message = str(refused.value)
    assert "queries/schema/003_sentiment_source.sql" in message and "被修改过" in message
    assert "新的编号迁移" in message and "999_" in message          # the next free number
    con = store.connect(settings.db_path, read_only=True)
    assert "998_pending" not in recorded(con)                        # nothing applied after the refusal
    assert not con.execute("select * from duckdb_tables() where table_name = 'pending'").fetchall()
    con.close()


def test_a_removed_migration_is_refused(schema, settings):
    store.connect(settings.db_path).close()
    (schema / "007_category_predictions.sql").unlink()
    with pytest.raises(store.MigrationChanged, match="007_category_predictions.sql 找不到"):
        store.connect(settings.db_path)


def test_line_endings_are_not_a_change(schema, settings):
    store.connect(settings.db_path).close()
    path = schema / "001_init.sql"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))      # a Windows checkout
    store.connect(settings.db_path).close()


def test_a_store_from_before_checksums_is_accepted_and_gains_them(schema, settings, monkeypatch):
    used = []
    real = store.execute
    monkeypatch.setattr(store, "execute", lambda c, name, **p: used.append(name) or real(c, name, **p))
    con = store.connect(settings.db_path)
    make_pre_checksum(con)
    con.close()
    con = store.connect(settings.db_path)
    assert recorded(con) == {p.stem: store.migration_checksum(p) for p in schema.glob("[0-9][0-9][0-9]_*.sql")}
    assert store.migrate(con) == []                                   # trusted, not applied again
    con.close()
    # a new store and an old one between them run every bookkeeping statement
    assert {n for n in used if n.startswith("store/")} == {n for n in store.list_queries() if n.startswith("store/")}
    # trusted once: from now on an edit is refused
    path = schema / "002_filters.sql"
    path.write_text(path.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    with pytest.raises(store.MigrationChanged, match="002_filters.sql"):
        store.connect(settings.db_path)


def test_the_cli_says_why_a_store_refuses_to_open(schema, settings, capsys):
    from dashboard.cli import EXIT_FAILED, main

    store.connect(settings.db_path).close()
    path = schema / "003_sentiment_source.sql"
    path.write_text(path.read_text(encoding="utf-8") + "\n-- edited\nselect 1;\n", encoding="utf-8")
    assert main(["demo", "--remove", "--db", str(settings.db_path)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "003_sentiment_source.sql" in err and "Traceback" not in err
