"""Topic labels read like headlines, made from the topic's own titles (core/analytics/headlines.py)."""
from __future__ import annotations

import pytest

from dashboard.core.analytics.headlines import MAX_CHARS, headline

CASES = [
    # the phrase the titles share, then the key terms most of them share
    (["富源化工有限公司火灾后空气刺鼻，请求公开监测数据", "富源化工火灾伤员情况", "关于富源化工火灾的问题",
      "A7县化工厂着火了，烟有没有毒？"], ["富源", "化工", "火灾", "刺鼻"], "富源化工火灾"),
    (["丽发新城小区附近搅拌站噪音扰民", "投诉丽发新城搅拌站扰民", "丽发新城旁搅拌站粉尘污染严重",
      "反映A2区丽发新城搅拌站扰民问题"], ["丽发新城", "搅拌站", "扰民", "噪音"], "丽发新城搅拌站扰民"),
    # a title that is a headline already: its main clause, cleaned of 关于 … 的问题
    (["关于物业擅自把小区绿地改成停车位的问题", "小区绿地被物业改成停车场", "物业擅自占用绿地"],
     ["物业", "擅自", "绿地", "改成"], "物业擅自把小区绿地改成停车位"),
    (["化工厂爆炸声吓醒全村人"], ["爆炸声", "吓醒", "全村人"], "化工厂爆炸声吓醒全村人"),
    # the clause with the key terms, not the salutation
    (["尊敬的领导：魅力之城小区临街门面油烟扰民", "魅力之城小区餐馆油烟扰民何时解决"], ["魅力之城", "油烟", "扰民"],
     "魅力之城小区临街门面油烟扰民"),
]


@pytest.mark.parametrize("titles, terms, expected", CASES)
def test_headline_from_the_titles(titles, terms, expected):
    assert headline(titles, terms) == expected


def test_long_titles_are_shortened_around_the_key_terms():
    label = headline(["A市经济学院寒假过年期间组织学生去工厂打工并且强制收取实习费用"], ["经济学院", "打工", "实习"])
    assert label == "打工并且强制收取实习"          # the window with most key terms
    assert len(label) <= MAX_CHARS


def test_without_titles_the_key_terms():
    assert headline([], ["后续", "白鹤", "进展", "更新"]) == "后续、白鹤、进展"
    assert headline(["", None], ["物业", "绿地"]) == "物业、绿地"
