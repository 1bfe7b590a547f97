"""The rollups answer as the items do (core/rollups.py, schema/013_item_counts.sql).

item_counts is counted again, bucket by bucket, whenever items come, change or go; these tests walk a
store through demo items, a real drop that removes them, a re-drop that moves items to other days,
categories, departments and channels, and regions found again, and after each step compare the table
with a rebuild from the items. Then every query the router sends to a rollup must give exactly the rows
of its item-level query."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from dashboard.core import rollups, store
from dashboard.core.demo import generate_items
from dashboard.core.filters import Filters, Period
from dashboard.core.ingest.loader import ingest_frame
from dashboard.core.text.regions import derive_regions

START = datetime(2024, 3, 1, 6)


def _real_items(n: int = 60) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"R{i}" for i in range(n)],
        "title": [f"{'物业' if i % 3 else '噪音'}问题{'停车' if i % 2 else '供暖'}" for i in range(n)],
        "content": ["小区物业乱收费，业主投诉停车难" if i % 4 else "夜间施工噪音扰民，供暖不热" for i in range(n)],
        "published_at": [START + timedelta(hours=5 * i) for i in range(n)],
        "category": ["城乡建设" if i % 2 else "环境保护" for i in range(n)],
        "subcategory": ["物业管理" if i % 2 else "噪声污染" for i in range(n)],
        "channel": ["12345热线" if i % 5 else "微博" for i in range(n)],
        "department": [None if i % 7 == 0 else ("市住建局" if i % 2 else "市生态环境局") for i in range(n)],
        "sentiment": ["负面" if i % 3 == 0 else "中性" for i in range(n)],
    })


def _table(con) -> pd.DataFrame:
    return con.execute("select * from item_counts order by bucket, dimension, value, parent").df()


def _assert_equal_to_a_rebuild(con) -> None:
    """The table holds what the items give (the check), and counting every bucket again changes nothing."""
    assert store.run_query(con, "checks/item_counts_mismatch").empty
    kept = _table(con)
    assert not kept.empty
    every_bucket = set(kept["bucket"]) | set(con.execute("select term_bucket(published_at) from items").df().iloc[:, 0])
    with store.transaction(con) as cursor:
        store.recount_buckets(cursor, every_bucket)
    pd.testing.assert_frame_equal(_table(con), kept)


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """A store after every kind of change, each step held equal to a rebuild of item_counts."""
    from dashboard.core.config import settings_for
    root = tmp_path_factory.mktemp("rollups")
    settings = settings_for(root / "data")
    settings.inbox_dir.mkdir(parents=True)
    con = store.connect(settings.db_path)
    ingest_frame(con, generate_items(300, days=10, seed=3, end=datetime(2024, 3, 12, 8)), settings, "演示", demo=True)
    _assert_equal_to_a_rebuild(con)
    items = _real_items()
    assert ingest_frame(con, items, settings, "first").demo_removed == 300
    _assert_equal_to_a_rebuild(con)
    moved = items.iloc[:12].copy()
    moved["published_at"] = moved["published_at"] + timedelta(days=3, hours=1)
    moved["category"], moved["subcategory"] = "交通运输", "公交线路"
    moved["department"], moved["channel"] = "市交通局", "网站留言"
    moved["content"] = "公交线路调整，道路拥堵"
    assert ingest_frame(con, moved, settings, "update").updated == 12
    ingest_frame(con, items.iloc[20:30], settings, "again")          # unchanged duplicates change nothing
    _assert_equal_to_a_rebuild(con)
    dicts = root / "dicts"
    dicts.mkdir()
    (dicts / "regions.txt").write_text("幽灵区  -  小区\n", encoding="utf-8")
    assert derive_regions(con, dicts).changed > 0                     # items move to region 幽灵区
    _assert_equal_to_a_rebuild(con)
    assert int(con.execute("select count(*) from item_counts where value = '幽灵区'").fetchall()[0][0]) > 0
    yield con
    con.close()


def _cases() -> list[tuple[str, dict]]:
    day = Period(datetime(2024, 3, 4, 8), datetime(2024, 3, 5, 8))             # a monitoring day
    span = Period(datetime(2024, 3, 1), datetime(2024, 3, 20))
    cases = [("items/filter_options", {"filters": Filters().record(), "start": p.start, "end": p.end})
             for p in (day, span)]
    for period in (None, day, span):
        params = Filters(period=period).params()
        cases += [(name, params) for name in ("trends/summary", "items/breakdown", "categories/tree")]
        cases += [("alerts/daily_counts", {**params, "day_start_hour": hour}) for hour in (0, 8)]
        cases += [("trends/volume", {**params, "grain": grain, "dimension": dimension, "day_start_hour": 8})
                  for grain in (None, "week", "month") for dimension in sorted(rollups.VOLUME_DIMENSIONS, key=str)]
    return cases


def test_every_rollup_answer_is_the_item_level_answer(walked):
    for name, params in _cases():
        twin = rollups.answering_query(name, params)
        assert twin == f"{name}_rollup", (name, params)
        exact = store.fetch(walked.cursor(), name, **params)
        pd.testing.assert_frame_equal(store.run_query(walked, name, **params), exact, obj=f"{name} {params}")
    summary = store.run_query(walked, "trends/summary", **Filters().params())
    assert int(summary["items"].iat[0]) == 60                         # the demo items are gone, no item twice


def test_the_router_keeps_the_item_level_query_for_what_a_rollup_cannot_see():
    day = Period(datetime(2024, 3, 4, 8), datetime(2024, 3, 5, 8))
    off_boundary = Period(datetime(2024, 3, 4, 9), datetime(2024, 3, 5, 9))
    kept = [
        ("trends/summary", Filters(period=day, keyword="物业").params()),
        ("trends/summary", Filters(period=day, categories=("城乡建设",)).params()),
        ("trends/summary", Filters(period=day, kinds=("诉求",)).params()),
        ("trends/summary", Filters(period=day).scoped(("市住建局",), None).params()),
        ("trends/summary", Filters(period=off_boundary).params()),
        ("trends/volume", {**Filters(period=day).params(), "grain": "hour", "dimension": None, "day_start_hour": 8}),
        ("trends/volume", {**Filters(period=day).params(), "grain": "day", "dimension": None, "day_start_hour": 7}),
        ("items/filter_options", {"filters": Filters().scoped(None, ("A市",)).record(),
                                  "start": day.start, "end": day.end}),
        ("items/filter_options", {"filters": Filters().record(), "start": off_boundary.start, "end": day.end}),
        ("terms/top_terms", {**Filters(period=day, channels=("微博",)).params(), "limit": 10}),
        ("terms/top_terms", {**Filters(period=day, kinds=("诉求",)).params(), "limit": 10}),
        ("metrics/department_stats", Filters(period=day).params()),
    ]
    for name, params in kept:
        assert rollups.answering_query(name, params) == name, (name, params)
    assert rollups.answering_query("terms/top_terms", {**Filters(period=day, categories=("城乡建设",)).params(),
                                                       "limit": 10}) == "terms/top_terms_rollup"
