"""Top terms, rising terms, term trends and drill-down, on stores built so the answers are known."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.core import rollups, store
from dashboard.core.analytics import terms
from dashboard.core.filters import Filters, Period
from dashboard.core.ingest.loader import ingest_frame

PREVIOUS = Period(datetime(2024, 1, 1), datetime(2024, 1, 11))
CURRENT = Period(datetime(2024, 1, 11), datetime(2024, 1, 21))
FRUITS = "苹果 香蕉 葡萄 西瓜 草莓 樱桃 菠萝 芒果 柠檬 橙子".split()


def row(item_id, text, published, channel="留言板", title=None):
    return {"id": item_id, "title": title or text[:10], "content": text,
            "published_at": published.strftime("%Y-%m-%d %H:%M:%S"), "channel": channel}


def load(con, settings, rows):
    outcome = ingest_frame(con, pd.DataFrame(rows), settings, "fixture")
    assert outcome.status == "loaded" and outcome.loaded_new == len(rows), outcome.summary()


def in_period(period: Period, k: int) -> datetime:
    return period.start + timedelta(hours=9 + 11 * k)        # spread over the ten days


@pytest.fixture
def rising_store(con, settings):
    """20 items in each period. 停水: 0 -> 10 items; 垃圾: 10 -> 10; 噪音: 0 -> 3."""
    rows = []
    for k in range(20):
        words = [FRUITS[k % 10]]
        if k < 10:
            words.append("垃圾")
        rows.append(row(f"P{k:02d}", "、".join(words), in_period(PREVIOUS, k), title=FRUITS[k % 10]))
    for k in range(20):
        words = [FRUITS[k % 10]]
        if k < 10:
            words += ["垃圾", "停水"]
        if 10 <= k < 13:
            words.append("噪音")
        rows.append(row(f"C{k:02d}", "、".join(words), in_period(CURRENT, k), title=FRUITS[k % 10]))
    load(con, settings, rows)
    return con


def test_a_term_going_from_0_to_10_rises_and_a_steady_one_does_not(rising_store):
    rising = terms.rising_terms(rising_store, Filters(period=CURRENT))
    assert list(rising.columns) == terms.RISING_COLUMNS
    assert rising["term"].tolist() == ["停水"]                    # 垃圾 is steady, 噪音 too rare
    top = rising.iloc[0]
    assert (top["count"], top["prev_count"]) == (10, 0)
    assert top["share"] == pytest.approx(0.5) and top["prev_share"] == 0
    assert top["lift"] == pytest.approx((11 / 22) / (1 / 22))    # smoothed: no division by zero
    assert top["share_change"] == pytest.approx(0.5)


def test_min_count_lets_rarer_terms_in(rising_store):
    rising = terms.rising_terms(rising_store, Filters(period=CURRENT), min_count=3)
    assert rising["term"].tolist() == ["停水", "噪音"]
    assert rising.set_index("term").loc["噪音", "lift"] == pytest.approx((4 / 22) / (1 / 22))


def test_rising_against_an_empty_previous_period_and_without_a_period(rising_store):
    first = Period(datetime(2024, 1, 1), datetime(2024, 1, 21))   # the previous 20 days hold nothing
    rising = terms.rising_terms(rising_store, Filters(period=first), min_count=1)
    # smoothed share of an empty period is 1/2: only a term in more than half the items could rise
    assert rising.empty or (rising["lift"] > 1).all()
    assert terms.rising_terms(rising_store, Filters()).empty
    assert list(terms.rising_terms(rising_store, Filters()).columns) == terms.RISING_COLUMNS


def test_rising_terms_respect_the_other_filters(con, settings):
    rows = [row(f"P{k}", f"{FRUITS[k]}", in_period(PREVIOUS, k)) for k in range(10)]
    rows += [row(f"C{k}", f"{FRUITS[k]}、停水", in_period(CURRENT, k), channel="微博") for k in range(6)]
    rows += [row(f"D{k}", f"{FRUITS[k]}", in_period(CURRENT, k), channel="留言板") for k in range(6, 10)]
    load(con, settings, rows)
    assert terms.rising_terms(con, Filters(period=CURRENT))["term"].tolist() == ["停水"]
    assert terms.rising_terms(con, Filters(period=CURRENT, channels=("留言板",))).empty


def test_top_terms_count_occurrences_and_items(con, settings):
    rows = [
        row("1", "停水停水，又停水", datetime(2024, 1, 2, 10)),
        row("2", "小区停水三天了", datetime(2024, 1, 3, 10)),
        row("3", "楼下垃圾没人清运", datetime(2024, 1, 4, 10)),
    ]
    load(con, settings, rows)
    top = terms.top_terms(con, Filters()).set_index("term")
    # title (first 10 characters) and content are both counted
    assert top.loc["停水", "count"] == 3 + 3 + 1 + 1 and top.loc["停水", "items"] == 2
    assert top.loc["垃圾", "count"] == 2 and top.loc["垃圾", "items"] == 1
    assert terms.top_terms(con, Filters(), limit=1)["term"].tolist() == ["停水"]
    later = Filters(period=Period(datetime(2024, 1, 4), datetime(2024, 1, 5)))
    assert "停水" not in set(terms.top_terms(con, later)["term"])


def test_items_with_term_for_drill_down(con, settings):
    rows = [
        row("1", "停水停水，又停水", datetime(2024, 1, 2, 10)),
        row("2", "小区停水三天了，电话13812345678", datetime(2024, 1, 3, 10), title="小区停水"),
        row("3", "楼下垃圾没人清运", datetime(2024, 1, 4, 10)),
    ]
    load(con, settings, rows)
    found = terms.items_with_term(con, Filters(), "停水")
    assert found["id"].tolist() == ["2", "1"]                     # newest first
    assert found["term_count"].tolist() == [2, 6]                 # title + content
    assert "138****5678" in found.iloc[0]["content"] and "13812345678" not in found.iloc[0]["content"]
    assert terms.items_with_term(con, Filters(), "停水", limit=1)["id"].tolist() == ["2"]
    assert terms.items_with_term(con, Filters(), "没有这个词").empty


def test_term_trend_counts_items_per_monitoring_day_with_zero_days(con, settings):
    rows = [
        row("1", "停水", datetime(2024, 1, 2, 7, 59)),     # monitoring day 1 January (08:00 start)
        row("2", "停水、垃圾", datetime(2024, 1, 2, 8, 0)),  # monitoring day 2 January
        row("3", "垃圾", datetime(2024, 1, 2, 20, 0)),
        row("4", "停水", datetime(2024, 1, 4, 9, 0)),
    ]
    load(con, settings, rows)
    period = Period(datetime(2024, 1, 1, 8), datetime(2024, 1, 5, 8))   # four monitoring days
    trend = terms.term_trend(con, Filters(period=period), ["停水", "垃圾"], day_start_hour=8)
    table = trend.pivot(index="day", columns="term", values="items")
    assert [d.date() for d in table.index] == [date(2024, 1, d) for d in (1, 2, 3, 4)]
    assert table["停水"].tolist() == [1, 1, 0, 1]
    assert table["垃圾"].tolist() == [0, 2, 0, 0]
    calendar = terms.term_trend(con, Filters(), ["停水"], day_start_hour=0)
    assert calendar.set_index("day")["items"].tolist() == [2, 0, 1]        # 2, 3, 4 January
    assert terms.term_trend(con, Filters(), []).empty


def test_the_rollup_and_the_item_terms_give_the_same_answers(tmp_path, settings, monkeypatch):
    """term_rollup is kept by signed deltas at ingest; after new items, an update that moves an item to
    another category and day, and a re-drop, both paths agree and checks/term_rollup_mismatch finds nothing."""
    con = store.connect(tmp_path / "rollup.duckdb")
    items = pd.DataFrame({
        "id": [f"R{i}" for i in range(60)],
        "title": [f"{'物业' if i % 3 else '噪音'}问题{'停车' if i % 2 else '供暖'}" for i in range(60)],
        "content": ["小区物业乱收费，业主投诉停车难" if i % 4 else "夜间施工噪音扰民，供暖不热" for i in range(60)],
        "published_at": [datetime(2024, 3, 1, 6) + timedelta(hours=5 * i) for i in range(60)],
        "category": ["城乡建设" if i % 2 else "环境保护" for i in range(60)],
        "channel": ["12345热线" if i % 5 else "微博" for i in range(60)],
    })
    ingest_frame(con, items, settings, "first")
    moved = items.iloc[:10].copy()
    moved["category"] = "交通运输"
    moved["published_at"] = moved["published_at"] + timedelta(days=3)
    moved["content"] = "公交线路调整，道路拥堵"
    assert ingest_frame(con, moved, settings, "update").updated == 10
    ingest_frame(con, items.iloc[20:30], settings, "again")  # unchanged duplicates change nothing
    assert store.run_query(con, "checks/term_rollup_mismatch").empty
    monitoring_day = Period(datetime(2024, 3, 3, 8), datetime(2024, 3, 4, 8))
    cases = [Filters(), Filters(period=monitoring_day), Filters(period=Period(datetime(2024, 3, 1), datetime(2024, 3, 12))),
             Filters(period=monitoring_day, categories=("交通运输",)), Filters(categories=("城乡建设", "环境保护"))]
    for filters in cases:
        assert terms.uses_rollup(filters)
        rolled = terms.top_terms(con, filters)
        exact = store.fetch(con.cursor(), "terms/top_terms", **filters.params(), limit=200)   # never the rollup
        pd.testing.assert_frame_equal(rolled, exact, check_dtype=False)
        assert not rolled.empty
    period = Period(datetime(2024, 3, 4), datetime(2024, 3, 8))
    by_day = Filters(period=period, day_start_hour=8)
    rolled = terms.rising_terms(con, Filters(period=period), min_count=1)
    rolled_trend = terms.term_trend(con, by_day, ["物业", "公交线路"])
    monkeypatch.setattr(rollups, "answering_query", lambda name, params: name)   # the item terms only
    pd.testing.assert_frame_equal(rolled, terms.rising_terms(con, Filters(period=period), min_count=1),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(rolled_trend, terms.term_trend(con, by_day, ["物业", "公交线路"]),
                                  check_dtype=False)
    assert not rolled.empty and rolled_trend["items"].sum() > 0
    # other filters, or a period off the 8-hour grid, take the exact path
    assert not terms.uses_rollup(Filters(channels=("微博",)))
    assert not terms.uses_rollup(Filters(period=Period(datetime(2024, 3, 1, 9), datetime(2024, 3, 2))))
