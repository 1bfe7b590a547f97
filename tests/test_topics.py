"""Hot topics and repeat complaints on stores whose right answers are known by construction.

Background items are built so that no two of them share more than one term: item (r, c) of a
10 x 10 grid talks about row word R[r], column word C[c] and diagonal word D[(r + c) % 10], so two
different items share at most one of the three (a link needs two shared terms).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from dashboard.core.analytics import topics
from dashboard.core.filters import Filters, Period
from dashboard.core.ingest.loader import ingest_frame

ROWS = "苹果 香蕉 葡萄 西瓜 草莓 樱桃 菠萝 芒果 柠檬 橙子".split()
COLS = "钢琴 吉他 小提琴 二胡 笛子 鼓手 唢呐 琵琶 古筝 口琴".split()
DIAG = "足球 篮球 排球 网球 乒乓球 羽毛球 棒球 高尔夫 游泳 滑雪".split()

JINMAOWAN = [  # 8 messages about school places for one estate, in citizens' words
    ("反映A市金毛湾小区配套入学的问题", "金毛湾小区的孩子入学没有学位，配套学校迟迟不开学。"),
    ("金毛湾小区孩子入学难", "我们金毛湾小区业主的孩子今年入学找不到学位，希望配套学校尽快开学。"),
    ("金毛湾配套学校什么时候开学", "金毛湾小区入学问题拖了半年，配套学校还没有开学。"),
    ("请解决金毛湾小区入学问题", "金毛湾小区业主孩子入学无门，配套学位严重不足。"),
    ("金毛湾小区业主孩子入学问题", "交房时承诺的配套学校至今没有开学，金毛湾小区孩子入学困难。"),
    ("再次反映金毛湾入学问题", "金毛湾小区孩子入学的事情一直没有答复，学位问题怎么办。"),
    ("金毛湾小区学位不足", "金毛湾小区配套学校学位不足，孩子入学只能跨区。联系电话13812345678。"),
    ("金毛湾小区孩子要入学了", "九月就要开学了，金毛湾小区的孩子入学还没有着落，配套学校在哪里？"),
]
ELEVATOR = [
    ("青山小区电梯坏了三个月没人修", "青山小区电梯坏了三个月没人修，老人上下楼困难。"),
    ("青山小区电梯停运", "青山小区电梯停运没人修，物业不管，老人下楼困难。"),
    ("再次反映青山小区电梯问题", "青山小区电梯还是坏的，没人修，老人上下楼太困难了。"),
    ("青山小区电梯何时修好", "青山小区电梯坏了这么久没人修，老人困在楼上下楼困难。"),
]
STREETLIGHT = [
    ("红星路路灯全部不亮", "红星路的路灯全部不亮，夜里行人摔倒。"),
    ("红星路夜里一片漆黑", "红星路路灯不亮，夜里行人经常摔倒。"),
    ("请修红星路的路灯", "红星路路灯坏了不亮，夜里行人走路摔倒。"),
    ("红星路路灯不亮", "红星路路灯不亮一个多月，夜里行人摔倒受伤。"),
]
START = datetime(2024, 3, 1, 9, 0)


def row(item_id, title, content, published, author=None, likes=0, channel="留言板", department=None,
        category=None):
    return {"id": item_id, "title": title, "content": content,
            "published_at": published.strftime("%Y-%m-%d %H:%M:%S"), "channel": channel,
            "category": category, "department": department, "author": author or f"U{item_id}",
            "likes": likes}


def background(prefix="B", start=START, days=60):
    out = []
    for r in range(10):
        for c in range(10):
            i = r * 10 + c
            text = f"关于{ROWS[r]}、{COLS[c]}和{DIAG[(r + c) % 10]}的一些想法"
            out.append(row(f"{prefix}{i:03d}", text, text, start + timedelta(hours=13 * i % (days * 24))))
    return out


def story(prefix, messages, start, step_days=2, likes=None, **extra):
    likes = likes or [0] * len(messages)
    return [row(f"{prefix}{k}", title, content, start + timedelta(days=step_days * k, hours=k), likes=likes[k],
                **extra)
            for k, (title, content) in enumerate(messages)]


def load(con, settings, rows, name="fixture"):
    outcome = ingest_frame(con, pd.DataFrame(rows), settings, name)
    assert outcome.status == "loaded" and outcome.loaded_new == len(rows), outcome.summary()


# ------------------------------------------------------------------------------------- hot topics

def test_duplicate_story_is_one_topic_with_its_size_label_and_representative(con, settings):
    jin = story("J", JINMAOWAN, START + timedelta(days=5), likes=[3, 120, 0, 7, 0, 1, 0, 2])
    load(con, settings, background() + jin)
    found = topics.hot_topics(con, Filters())
    assert len(found) == 1                      # the 100 unrelated items form no topic
    topic = found[0]
    assert topic.size == 8 and topic.people == 8 and topic.likes == 133
    assert set(topic.item_ids) == {r["id"] for r in jin}
    assert list(topic.item_ids) == [r["id"] for r in jin]            # time order
    assert topic.topic_id == "TJ0"
    assert {"金毛", "入学"} <= set(topic.key_terms.split("、"))
    assert 3 <= len(topic.key_terms.split("、")) <= 5
    assert topic.label == "金毛湾小区孩子入学难"                    # a headline from its own titles
    assert topic.representative_title in {t for t, _ in JINMAOWAN}
    assert topic.first_at == START + timedelta(days=5)
    assert topic.last_at == START + timedelta(days=5 + 14, hours=7)
    assert topic.channels == ("留言板",) and topic.departments == ("未标注",)
    assert len(topic.quotes) in (1, 2)
    assert all(any(quote.rstrip("…") in c or c in quote for _, c in JINMAOWAN) or "****" in quote
               for quote in topic.quotes)
    assert not any("13812345678" in quote for quote in topic.quotes)


def test_topic_items_lists_a_topic_with_masked_text(con, settings):
    load(con, settings, background() + story("J", JINMAOWAN, START))
    topic = topics.hot_topics(con, Filters())[0]
    frame = topics.topic_items(con, topic.item_ids)
    assert list(frame["id"]) == list(topic.item_ids)
    assert not frame["content"].str.contains("13812345678").any()
    assert frame["content"].str.contains("138****5678", regex=False).any()


def test_unrelated_items_and_small_groups_make_no_topic(con, settings):
    load(con, settings, background() + story("J", JINMAOWAN[:2], START))
    assert topics.hot_topics(con, Filters()) == []
    assert topics.hot_topics(con, Filters(), min_size=2)[0].size == 2


def test_time_window_splits_the_same_story_200_days_apart(con, settings):
    later = START + timedelta(days=200)
    rows = (background() + background("L", later)
            + story("E", JINMAOWAN[:4], START) + story("F", JINMAOWAN[4:], later))
    load(con, settings, rows)
    found = topics.hot_topics(con, Filters())
    assert sorted(t.size for t in found) == [4, 4]
    assert {frozenset(t.item_ids) for t in found} == {frozenset({"E0", "E1", "E2", "E3"}),
                                                       frozenset({"F0", "F1", "F2", "F3"})}
    merged = topics.hot_topics(con, Filters(), window_days=365)
    assert [t.size for t in merged] == [8]


def test_ranking_by_people_likes_and_recency(con, settings):
    end = START + timedelta(days=40)
    # three stories that all end on the same day, so recency is equal
    jin = story("J", JINMAOWAN, end - timedelta(days=14, hours=7))                 # 8 people, 0 likes
    lift = story("E", ELEVATOR, end - timedelta(days=6, hours=3), likes=[2000, 0, 0, 0])  # 4 people
    light = story("S", STREETLIGHT, end - timedelta(days=6, hours=3))              # 4 people, 0 likes
    load(con, settings, background() + jin + lift + light)
    period = Period(START, end + timedelta(days=1))
    found = topics.hot_topics(con, Filters(period=period))
    assert [t.topic_id for t in found] == ["TE0", "TJ0", "TS0"]
    # (ln 5 + 0.5 ln 2001) > ln 9 > ln 5, each times the same recency
    assert found[0].score > found[1].score > found[2].score
    assert topics.hot_topics(con, Filters(period=period), limit=2)[1].topic_id == "TJ0"


def test_recent_topic_ranks_above_an_equal_old_one(con, settings):
    period = Period(START, START + timedelta(days=60))
    old = story("E", ELEVATOR, START)
    new = story("S", STREETLIGHT, START + timedelta(days=50))
    load(con, settings, background() + old + new)
    found = topics.hot_topics(con, Filters(period=period))
    assert [t.topic_id for t in found] == ["TS0", "TE0"]
    assert found[1].score < found[0].score


def test_one_person_posting_many_times_counts_once(con, settings):
    many = story("E", ELEVATOR, START, author="same-person")
    load(con, settings, background() + many + story("S", STREETLIGHT, START))
    by_id = {t.topic_id: t for t in topics.hot_topics(con, Filters())}
    assert by_id["TE0"].size == 4 and by_id["TE0"].people == 1
    assert by_id["TS0"].people == 4
    assert by_id["TS0"].score > by_id["TE0"].score


def test_filters_apply_and_empty_store_gives_nothing(con, settings):
    assert topics.hot_topics(con, Filters()) == []
    load(con, settings, background() + story("J", JINMAOWAN, START, channel="微博"))
    assert topics.hot_topics(con, Filters(channels=("留言板",))) == []
    assert [t.size for t in topics.hot_topics(con, Filters(channels=("微博",)))] == [8]


def test_chained_items_are_split_into_cohesive_topics(con, settings, monkeypatch):
    # Item i talks about words i, i+1 and i+2: each item is close to its neighbours, so they all
    # chain into one component, though the first and the last have nothing in common.
    words = ROWS + COLS + DIAG
    chain = [row(f"C{i:02d}", "、".join(words[i:i + 3]), "、".join(words[i:i + 3]), START + timedelta(hours=5 * i))
             for i in range(28)]
    load(con, settings, chain + story("J", JINMAOWAN, START))
    found = topics.hot_topics(con, Filters())
    assert [t.topic_id for t in found] == ["TJ0"] and found[0].size == 8
    monkeypatch.setattr(topics, "MIN_COHESION", 0.0)      # without the guard: one long chain
    assert sorted(t.size for t in topics.hot_topics(con, Filters())) == [8, 28]


# ------------------------------------------------------------------------------ repeat complaints

def test_same_author_twice_within_window_is_one_repeat(con, settings):
    rows = background() + [
        row("A1", *ELEVATOR[0], START, author="张三", department="物业科"),
        row("A2", *ELEVATOR[2], START + timedelta(days=10), author="张三", department="物业科"),
    ]
    load(con, settings, rows)
    groups = topics.repeat_complaints(con, Filters())
    assert len(groups) == 1
    group = groups.iloc[0]
    assert group["item_ids"] == ["A1", "A2"] and group["repeats"] == 1 and group["first_id"] == "A1"
    assert "同一作者" in group["kinds"] and group["authors"] == ["张三"]
    assert group["title"] == ELEVATOR[0][0]


def test_same_author_40_days_apart_is_no_repeat(con, settings):
    rows = background() + [
        row("A1", *ELEVATOR[0], START, author="张三"),
        row("A2", *ELEVATOR[2], START + timedelta(days=40), author="张三"),
    ]
    load(con, settings, rows)
    assert topics.repeat_complaints(con, Filters()).empty
    assert len(topics.repeat_complaints(con, Filters(), window_days=45)) == 1


def test_same_author_on_another_issue_is_no_repeat(con, settings):
    rows = background() + [
        row("A1", *ELEVATOR[0], START, author="张三"),
        row("A2", *STREETLIGHT[0], START + timedelta(days=3), author="张三"),
    ]
    load(con, settings, rows)
    assert topics.repeat_complaints(con, Filters()).empty


def test_same_author_same_category_and_department_is_a_repeat(con, settings):
    rows = background() + [
        row("A1", *ELEVATOR[0], START, author="张三", category="城乡建设", department="住建局"),
        row("A2", *STREETLIGHT[0], START + timedelta(days=3), author="张三", category="城乡建设",
            department="住建局"),
    ]
    load(con, settings, rows)
    assert topics.repeat_complaints(con, Filters())["item_ids"].tolist() == [["A1", "A2"]]


def test_near_identical_text_from_different_people_across_channels_is_a_repeat(con, settings):
    title, content = JINMAOWAN[1]
    rows = background() + [
        row("N1", title, content, START, author="李四", channel="微博"),
        row("N2", title, content, START + timedelta(days=5), author="王五", channel="热线"),
        row("N3", *ELEVATOR[0], START + timedelta(days=6), author="赵六"),
    ]
    load(con, settings, rows)
    groups = topics.repeat_complaints(con, Filters())
    assert len(groups) == 1
    group = groups.iloc[0]
    assert group["item_ids"] == ["N1", "N2"] and group["kinds"] == "文本相近"
    assert group["channels"] == ["微博", "热线"] and group["authors"] == ["李四", "王五"]


def test_anonymous_authors_are_not_the_same_person(con, settings):
    rows = background() + [
        row("A1", *ELEVATOR[0], START, author="匿名"),
        row("A2", *ELEVATOR[2], START + timedelta(days=10), author="匿名"),
    ]
    load(con, settings, rows)
    groups = topics.repeat_complaints(con, Filters())
    assert all("同一作者" not in k for k in groups["kinds"])


def test_repeat_counts_by_department(con, settings):
    rows = background() + [
        # 物业科: 4 items, one of them a repeat (A2 repeats A1)
        row("A1", *ELEVATOR[0], START, author="张三", department="物业科"),
        row("A2", *ELEVATOR[2], START + timedelta(days=10), author="张三", department="物业科"),
        row("A3", *STREETLIGHT[0], START, department="物业科"),
        row("A4", "东风巷排水沟堵塞", "东风巷的排水沟堵塞发臭，蚊虫很多。", START, department="物业科"),
        # 教育局: 2 items, the second near-identical to the first (another person, another channel)
        row("E1", *JINMAOWAN[3], START + timedelta(days=1), author="李四", department="教育局"),
        row("E2", *JINMAOWAN[3], START + timedelta(days=2), author="王五", department="教育局", channel="热线"),
    ]
    load(con, settings, rows)
    counts = topics.repeat_counts_by_department(con, Filters()).set_index("department")
    assert counts.loc["物业科", "items"] == 4 and counts.loc["物业科", "repeat_items"] == 1
    assert counts.loc["物业科", "repeat_rate"] == pytest.approx(0.25)
    assert counts.loc["教育局", "items"] == 2 and counts.loc["教育局", "repeat_items"] == 1
    assert counts.loc["教育局", "repeat_rate"] == pytest.approx(0.5)
    assert counts.loc["未标注", "items"] == 100 and counts.loc["未标注", "repeat_items"] == 0
    only = topics.repeat_counts_by_department(con, Filters(departments=("教育局",)))
    assert only.to_dict("records") == [{"department": "教育局", "items": 2, "repeat_items": 1, "repeat_rate": 0.5}]


def test_repeats_on_an_empty_filter(con, settings):
    assert topics.repeat_complaints(con, Filters()).empty
    assert topics.repeat_counts_by_department(con, Filters()).empty


def test_topics_are_found_among_the_newest_items_when_there_are_too_many(con, settings, monkeypatch):
    """Over the cap, topics come from the newest `cap` items only (a period from the cap-th newest item)."""
    old = story("J", JINMAOWAN, START + timedelta(days=5))
    load(con, settings, background(days=30) + old + story("N", JINMAOWAN, START + timedelta(days=200)))
    everything = topics.topic_scope(con, Filters())
    assert not everything.capped and everything.total == 116
    assert {t.topic_id for t in topics.hot_topics(con, Filters(), window_days=30)} == {"TJ0", "TN0"}
    monkeypatch.setattr(topics, "TOPIC_ITEM_CAP", 6)  # the last six items of story N
    scope = topics.topic_scope(con, Filters())
    assert scope.capped and scope.total == 116 and scope.start == START + timedelta(days=200 + 2 * 2, hours=2)
    capped = topics.hot_topics(con, Filters(), min_size=2)
    assert capped and all(t.topic_id.startswith("TN") and t.first_at >= scope.start for t in capped)
