"""The contract test core/contract.py promises: docs/data-contract.md lists every closed vocabulary
with all its aliases, every field's label and header aliases, and every column of `items`, exactly
as the code has them. When one fails, fix the document (the code is what runs)."""
from __future__ import annotations

import re
from datetime import datetime

from dashboard.core import contract, store
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.filters import UNLABELLED_VALUES
from dashboard.core.ingest.mapping import FIELD_ALIASES
from tests.test_metrics import load, make_item

DOC = (PROJECT_ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end if end > 0 else None]


def table(text: str) -> list[list[str]]:
    """The cells of the first Markdown table in `text`, header and separator rows left out."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    first = text.splitlines().index(lines[0])
    rows = []
    for line in text.splitlines()[first + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def names(cell: str) -> set[str]:
    return {name.strip().lower() for name in cell.split(",") if name.strip()}


def code_vocabularies() -> dict[tuple[str, str], set[str]]:
    """(field, value) -> every spelling the code accepts for it, lower-cased."""
    found: dict[tuple[str, str], set[str]] = {}

    def add(field, values, aliases):
        for value in (*values, *aliases.values()):
            key = (field, str(value).lower())
            found.setdefault(key, {str(value).lower()})
            found[key] |= {a.lower() for a, target in aliases.items() if target == value}

    add("channel", contract.CHANNELS, contract.CHANNEL_ALIASES)
    add("satisfaction", contract.SATISFACTION, contract.SATISFACTION_ALIASES)
    add("sentiment", contract.SENTIMENTS, contract.SENTIMENT_ALIASES)
    add("department_level", contract.DEPARTMENT_LEVELS, contract.DEPARTMENT_LEVEL_ALIASES)
    add("kind", contract.KINDS, contract.KIND_ALIASES)
    add("is_valid", (True, False), contract.VALID_ALIASES)
    found[("satisfaction", "null")] = {v.lower() for v in contract.SATISFACTION_EMPTY}
    return found


def test_every_closed_vocabulary_and_alias_is_in_the_contract():
    documented = {}
    for field, value, also in table(section("Vocabularies")):
        key = (field.strip("`"), value.lower())
        assert key not in documented, f"{key} listed twice"
        documented[key] = names(also) | ({value.lower()} if value != "NULL" else set())
    code = code_vocabularies()
    assert documented.keys() == code.keys(), {"only in the code": code.keys() - documented.keys(),
                                              "only in the document": documented.keys() - code.keys()}
    for key, spellings in code.items():
        assert documented[key] == spellings, (key, {"only in the code": spellings - documented[key],
                                                    "only in the document": documented[key] - spellings})


def test_every_field_label_and_header_alias_is_in_the_contract():
    documented = {}
    for field, label, headers in table(section("Accepted headers")):
        documented[field.strip("`")] = (label, names(headers))
    code = {field: (contract.FIELD_LABELS.get(field), {a.lower() for a in FIELD_ALIASES.get(field, ())})
            for field in contract.FIELD_LABELS.keys() | FIELD_ALIASES.keys()}
    assert documented == code


def documented_columns() -> list[str]:
    return [name.strip(" `") for first, *_ in table(section("`items`")) for name in first.split(",")]


def test_the_items_table_lists_every_column_of_the_store_once(con):
    columns = documented_columns()
    assert len(columns) == len(set(columns)), [c for c in columns if columns.count(c) > 1]
    stored = {row[0] for row in con.execute("select column_name from duckdb_columns() "
                                           "where table_name = 'items'").fetchall()}
    assert set(columns) == stored, {"undocumented": stored - set(columns), "not stored": set(columns) - stored}
    assert set(contract.FIELD_LABELS) <= stored


def test_files_the_contract_names_exist():
    named = set(re.findall(r"`((?:dashboard/|core/|queries/)[\w/]+\.(?:py|sql))`", DOC))
    assert named, "the pattern finds nothing: update it"
    missing = [p for p in named
               if not (PROJECT_ROOT / p).exists() and not (PROJECT_ROOT / "dashboard" / p).exists()]
    assert not missing, missing


def test_missing_values_are_shown_with_the_labels_the_code_filters_by(con, settings):
    """items_shown labels a missing category, channel, region, department or sentiment with exactly the
    values filters.UNLABELLED_VALUES names (charts select by them; a drift would select nothing)."""
    load(con, settings, [make_item("c1", datetime(2024, 5, 1, 9), category="城乡建设")])
    cursor = con.cursor()
    cursor.begin()
    try:
        columns = ", ".join(UNLABELLED_VALUES)
        cursor.execute(f"update items set ({columns}) = ({', '.join(['null'] * len(UNLABELLED_VALUES))})")
        shown = store.fetch(cursor, "items/detail", item_ids=["c1"]).iloc[0]
    finally:
        cursor.rollback()
        cursor.close()
    assert {field: shown[field] for field in UNLABELLED_VALUES} == UNLABELLED_VALUES
