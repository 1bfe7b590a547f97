"""One search over shown text (issue 11, finding 8): nothing a user can do recovers masked personal data.

The keyword filter matches the masked copies people are shown, so a raw phone number finds nothing; no
read query returns raw personal data; refused rows are masked wherever they leave the store (the 数据管理
page's table and download, the rejected.csv report), while the store keeps their cells verbatim.
"""
from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest

from dashboard.core import store
from dashboard.core.filters import Filters, Period
from dashboard.core.ingest.loader import ingest_frame
from tests.conftest import data_settings
from tests.test_metrics import make_item
from tests.test_queries import READ_QUERIES, SAMPLE_PARAMS

MOBILE = "17575298217"
ID_NUMBER = "43010219900307104X"
EMAIL = "zhangsan@example.com"
LANDLINE = "0731-84567890"
RAW_VALUES = [MOBILE, ID_NUMBER, EMAIL, LANDLINE]
NOWHERE = "这句话不会出现在任何条目里"


def pii_rows() -> list[dict]:
    published = datetime(2024, 3, 5, 10)
    return [
        make_item("P1", published, "市住建局", "市直", title=f"物业不作为，请回电{MOBILE}",
                  content=f"我的身份证{ID_NUMBER}，邮箱{EMAIL}，座机{LANDLINE}，小区路灯坏了。",
                  replied=datetime(2024, 3, 6, 9), satisfaction="满意", sentiment="负面"),
        make_item("P2", published.replace(hour=11), "市住建局", "市直", title="路灯不亮",
                  content="小区路灯不亮，请尽快维修。", sentiment="负面"),
    ]


@pytest.fixture(scope="module")
def shared_pii_store(tmp_path_factory):
    """One store for the module (one per query made this file take 40 s of the suite)."""
    settings = data_settings(tmp_path_factory.mktemp("pii") / "data")
    con = store.connect(settings.db_path)
    rows = pii_rows()
    rows[0]["reply_content"] = f"已联系，回访电话{MOBILE}"
    outcome = ingest_frame(con, pd.DataFrame(rows), settings, "pii")
    assert outcome.status == "loaded" and outcome.loaded_new == 2
    yield con
    con.close()


@pytest.fixture
def pii_store(shared_pii_store):
    """Each test inside a transaction rolled back after it, so none sees another's changes."""
    shared_pii_store.begin()
    yield shared_pii_store
    shared_pii_store.rollback()


def count(con, keyword: str | None) -> int:
    return int(store.run_query(con, "items/count", **Filters(keyword=keyword).params()).iat[0, 0])


def test_keyword_search_reads_the_masked_text(pii_store):
    for raw in RAW_VALUES:
        assert count(pii_store, raw) == 0, raw            # searching a masked number finds nothing
        assert count(pii_store, raw[:8]) == 0, raw        # nor does a piece of its hidden part
    assert count(pii_store, "175****8217") == 1           # what the page shows can be searched
    assert count(pii_store, "8217") == 1
    assert count(pii_store, "路灯") == 2
    assert count(pii_store, None) == 2


def _params(name: str, keyword: str | None) -> dict:
    """Sample values for a query's parameters with every filter open, and this keyword."""
    open_filters = {"filters": Filters(period=Period(datetime(2019, 1, 1), datetime(2030, 1, 1)),
                                       keyword=keyword).record(),
                    "subcategories": None, "item_ids": ["P1", "P2"], "topic_item_ids": ["P1", "P2"],
                    "as_of": datetime(2024, 4, 1)}
    return {p: open_filters.get(p, SAMPLE_PARAMS.get(p)) for p in store.query_params(name)}


KEYWORD_QUERIES = [n for n in READ_QUERIES if "filters" in store.query_params(n)]


@pytest.mark.parametrize("name", KEYWORD_QUERIES)
def test_a_raw_value_is_searched_like_a_word_that_is_nowhere(pii_store, name):
    absent = store.run_query(pii_store, name, **_params(name, NOWHERE))
    for raw in RAW_VALUES:
        found = store.run_query(pii_store, name, **_params(name, raw))
        pd.testing.assert_frame_equal(found, absent, check_dtype=False, obj=f"{name} searching {raw}")


def test_the_search_tests_can_tell(pii_store):
    # the shown form does find the item in the queries above, so equality with "nowhere" means something
    listed = store.run_query(pii_store, "items/list", **_params("items/list", "175****8217"))
    assert listed["id"].tolist() == ["P1"]


# Queries allowed to return raw personal data, each for a stated reason (everything else is checked).
RAW_READERS = {
    "admin/rejected_rows": "refused rows' cells, masked by core/rejections before they are shown",
    "access/item_original": "显示原文: administrators only (core/access/choke.py), every run audited",
}


@pytest.mark.parametrize("name", [n for n in READ_QUERIES if n not in RAW_READERS])
def test_no_read_query_returns_raw_personal_data(pii_store, name):
    for keyword in (None, "路灯"):
        frame = store.run_query(pii_store, name, **_params(name, keyword))
        cells = [str(v) for v in frame.to_numpy().ravel()]
        for raw in RAW_VALUES:
            assert not any(raw in cell for cell in cells), (name, raw)


def test_watch_words_match_the_shown_text_too(pii_store):
    # a watch word is matched like a search: against the text people are shown, so a watch list cannot
    # be used to probe a masked number either; the masked form is found
    for word, expected in ((MOBILE, []), ("175****8217", ["P1"])):
        params = {**_params("alerts/watchword_items", None), "words": [word], "pattern": re.escape(word)}
        hits = store.run_query(pii_store, "alerts/watchword_items", **params)
        assert hits["id"].tolist() == expected, word
        assert not any(MOBILE in str(v) for v in hits.drop(columns=["word"]).to_numpy().ravel())


# Queries that read the items table itself rather than the staging view (items_shown, filtered_items),
# each for a stated reason; none of them returns raw text, author or personal data to a page or file.
RAW_READERS_OF_ITEMS = {
    "topics/items": "repeat complaints by the same person need the raw author (张** is many people); never shown",
    "regions/text_batch": "`derive` finds place names in the raw text again; only the region is written back",
    "regions/touched_buckets": "the 8-hour buckets of items whose region `derive` changes: times only",
    "regions/top": "counts of regions by where they came from (bench/region_eval.py)",
    "regions/coverage": "counts of items per file by where their region came from (bench/region_eval.py)",
    "admin/items_by_file": "how many items each file provides: counts only",
    "alerts/coverage": "the first and last day with items: times only",
    "metrics/data_cutoff": "the newest published or replied time: times only",
    "categories/labelled_signature": "the category model's training set: ids and categories, counts only",
    "categories/predict": "writes predicted categories: ids and categories only",
    "categories/prediction_summary": "counts of predictions",
    "access/item_original": "显示原文: the raw item for administrators only (core/access/choke.py), audited",
}
_ITEMS_TABLE = re.compile(r"\b(?:from|join)\s+items\b(?!_)", re.I)
_COMMENT = re.compile(r"--[^\n]*")


def test_every_other_query_reads_items_through_the_staging_view():
    readers = {name for name in READ_QUERIES if not name.startswith("checks/")
               and _ITEMS_TABLE.search(_COMMENT.sub("", store.load_sql(name)))}
    assert readers == set(RAW_READERS_OF_ITEMS)


def test_the_staging_view_shows_masked_text_and_author_and_the_filter_reads_it():
    sql = _COMMENT.sub("", (store.SCHEMA_DIR / "views.sql").read_text(encoding="utf-8"))
    view = sql[sql.index("create or replace view items_shown"):sql.index("create or replace macro filtered_items")]
    for shown in ("coalesce(title_masked, title) as title", "coalesce(content_masked, content) as content",
                  "coalesce(reply_masked, reply_content) as reply_content", "author_masked as author"):
        assert shown in view, shown
    assert re.search(r"\bauthor\b(?! as)", view.replace("author_masked as author", "")) is None
    macro = sql[sql.index("create or replace macro filtered_items"):]
    assert "from items_shown" in macro and "contains(title, f['keyword'])" in macro
