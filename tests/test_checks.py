"""Every data check (queries/checks/*.sql) fires: for each, a store broken on purpose in the way the
check is written for makes it return exactly the offending rows. A new check file fails
test_every_check_has_a_break until it gets its breaks here."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.core import contract, store
from dashboard.core.config import settings_for
from dashboard.core.ingest.loader import ingest_file

CHECKS = sorted(n for n in store.list_queries() if n.startswith("checks/"))
# Item 1001 uses the term 幽灵词 twice (item_terms: item_id, term, n, published_at).
GHOST_TERM_OF_1001 = "select id, '幽灵词', 2, published_at from items where id = '1001'"


@dataclass(frozen=True)
class Break:
    what: str
    statements: tuple[str, ...]
    column: str            # a column of the check's result …
    expected: list         # … and its values: exactly the rows the break made wrong


BREAKS: dict[str, list[Break]] = {
    "checks/bad_enum_values": [
        Break("satisfaction outside the vocabulary", ("update items set satisfaction = '还行' where id = '1001'",),
              "id", ["1001"]),
        Break("sentiment outside the vocabulary", ("update items set sentiment = '开心' where id = '1002'",),
              "id", ["1002"]),
        Break("department level outside the vocabulary",
              ("update items set department_level = '省直' where id = '1001'",), "id", ["1001"]),
        Break("kind outside the vocabulary", ("update items set kind = '投诉' where id = '1002'",), "id", ["1002"]),
    ],
    # items.id is the primary key, so only a table rebuilt without it (a copy made with CREATE TABLE AS,
    # a restore from an export) can hold an id twice: the check guards such a store.
    "checks/duplicate_item_ids": [
        Break("items rebuilt without its key, one item twice",
              ("create table items_copy as select * from items", "drop table items",
               "alter table items_copy rename to items", "insert into items select * from items where id = '1001'"),
              "id", ["1001"]),
    ],
    "checks/item_counts_mismatch": [
        Break("an item moved to another channel without its counts",
              ("update items set channel = '幽灵渠道' where id = '1001'",),     # its old channel's row and the new one
              "dimension", ["channel", "channel"]),
        Break("a counts row with no items behind it",
              ("insert into item_counts values (timestamp '2000-01-01', 'region', '幽灵县', null, 1, 1, 0, 0, 1, 0, 1, "
               "timestamp '2000-01-01', timestamp '2000-01-01')",), "value", ["幽灵县"]),
        Break("a row held twice",
              ("insert into item_counts select * from item_counts where dimension = 'all' "
               "and bucket = (select min(bucket) from item_counts)",), "copies", [2]),
    ],
    "checks/items_without_file": [
        Break("an item pointing at no manifest row", ("update items set ingest_file_id = 999 where id = '1002'",),
              "id", ["1002"]),
    ],
    "checks/manifest_unbalanced": [
        Break("a file whose counts do not add up", ("update ingest_files set rows_read = rows_read + 1 where id = 1",),
              "id", [1]),
    ],
    "checks/orphan_terms": [
        Break("a term of no item", ("insert into item_terms (item_id, term, n) values ('no-such-item', '词', 1)",),
              "item_id", ["no-such-item"]),
    ],
    "checks/prediction_mismatch": [
        Break("a prediction beside a source category",
              ("update items set category_predicted = '城乡建设', category_confidence = 0.9 where id = '1001'",),
              "id", ["1001"]),
        Break("a prediction the model does not have",
              ("update items set category = null, category_predicted = '天气', category_confidence = 0.9 "
               "where id = '1002'",), "id", ["1002"]),
        Break("a confidence above 1",
              ("insert into category_classes values ('城乡建设', 1, 0, 0)",
               "update items set category = null, category_predicted = '城乡建设', category_confidence = 1.5 "
               "where id = '1002'"), "id", ["1002"]),
    ],
    "checks/reply_before_item": [
        Break("a reply dated before its item",
              ("update items set replied_at = published_at - interval 1 day where id = '1001'",), "id", ["1001"]),
    ],
    "checks/term_rollup_mismatch": [
        Break("an item's term without its rollup share", (f"insert into item_terms {GHOST_TERM_OF_1001}",),
              "term", ["幽灵词"]),
        Break("a term counted differently in the rollup",
              (f"insert into item_terms {GHOST_TERM_OF_1001}",
               "insert into term_rollup select term_bucket(published_at), coalesce(category, '未分类'), '幽灵词', 1, 1 "
               "from items where id = '1001'"),          # the item uses it twice, the rollup says once
              "term", ["幽灵词"]),
        Break("a rollup row with no item terms behind it",
              ("insert into term_rollup values (timestamp '2000-01-01', '未分类', '幽灵词', 1, 1)",),
              "term", ["幽灵词"]),
    ],
}


@pytest.fixture(scope="module")
def broken_store(tmp_path_factory):
    """One good store for all breaks; each break runs in a transaction that is rolled back."""
    settings = settings_for(tmp_path_factory.mktemp("checks") / "data")
    settings.inbox_dir.mkdir(parents=True)
    con = store.connect(settings.db_path)
    for name in ("messages_utf8.csv", "late_reply.csv"):
        ingest_file(con, Path(__file__).parent / "fixtures" / name, settings)
    yield con
    con.close()


def test_every_check_has_a_break():
    assert set(BREAKS) == set(CHECKS), {"checks without a break (add one to BREAKS)": set(CHECKS) - set(BREAKS),
                                       "breaks of no check": set(BREAKS) - set(CHECKS)}


@pytest.mark.parametrize("name", CHECKS)
def test_the_check_finds_exactly_what_a_break_made_wrong(broken_store, name):
    assert store.run_query(broken_store, name).empty, f"{name} finds rows on a good store"
    for case in BREAKS.get(name, []):
        cursor = broken_store.cursor()
        cursor.begin()
        try:
            for statement in case.statements:
                cursor.execute(statement)
            found = store.fetch(cursor, name)
        finally:
            cursor.rollback()
            cursor.close()
        assert found[case.column].tolist() == case.expected, (name, case.what, found)


def test_bad_enum_values_uses_the_contract_vocabularies():
    sql = store.load_sql("checks/bad_enum_values")
    listed = {field: tuple(re.findall(r"'([^']*)'", values))
              for field, values in re.findall(r"(\w+) not in \(([^)]*)\)", sql)}
    assert listed == {"satisfaction": contract.SATISFACTION, "sentiment": contract.SENTIMENTS,
                      "department_level": contract.DEPARTMENT_LEVELS, "kind": contract.KINDS}
