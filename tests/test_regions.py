"""Regions found in an item's text: precedence, false-positive guards, regions.txt edits, the ingest
and `python -m dashboard derive`."""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import datetime

import pandas as pd
import pytest

from dashboard import cli
from dashboard.core import store
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.ingest.loader import ingest_frame
from dashboard.core.text.regions import (
    Gazetteer,
    clear_gazetteer_cache,
    get_gazetteer,
    national_places,
    parse_regions,
)

SHIPPED = PROJECT_ROOT / "data" / "dicts"


@pytest.fixture
def dicts(tmp_path):
    """A copy of the shipped dictionaries, free to edit."""
    folder = tmp_path / "dicts"
    shutil.copytree(SHIPPED, folder)
    clear_gazetteer_cache()
    yield folder
    clear_gazetteer_cache()


def write_regions(folder, text: str) -> None:
    path = folder / "regions.txt"
    path.write_text(text, encoding="utf-8")
    # a second edit within the same clock tick must still be seen: the signature is mtime + size
    os.utime(path, ns=(path.stat().st_mtime_ns + 1_000_000, path.stat().st_mtime_ns + 1_000_000))


def gazetteer(local_text: str = "") -> Gazetteer:
    return Gazetteer(parse_regions(local_text.encode()), national_places())


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"published_at": datetime(2024, 5, 1, 9, 0), "channel": "留言板"}
    return pd.DataFrame([{**base, **row} for row in rows])


# --- the matcher -----------------------------------------------------------------

def test_shipped_list_finds_the_anonymised_names():
    find = get_gazetteer(SHIPPED).find
    assert find("A市A5区汇金路五矿万境K9县存在一系列问题") == "A5区"     # county over city; then the earlier
    assert find("咨询A7县星沙街道落户政策") == "A7县"
    assert find("B9市某中学乱收费") == "B9市"
    assert find("西地省人民医院挂号难") == "西地省"


def test_title_before_text_and_most_specific_level():
    find = gazetteer("A市\nA5区 A市\n").find
    assert find("A市物业纠纷", "我家住在A5区某小区") == "A市"             # the title names a region
    assert find("物业纠纷", "我是A市A5区某小区的业主") == "A5区"
    assert find("物业纠纷", "湖南省长沙市雨花区某小区") == "雨花区"          # national: county level
    assert find("物业纠纷", "湖南省长沙市某小区") == "长沙市"
    assert find("A市公安局A5区分局不立案") == "A5区"


def test_a_title_naming_only_the_province_gives_way_to_the_text():
    find = gazetteer("西地省\nA市 西地省\nA5区 A市\n").find
    assert find("西地省人民医院挂号难", "我在A5区，每次去挂号都要排很久") == "A5区"
    assert find("西地省人民医院挂号难", "每次去挂号都要排很久") == "西地省"
    assert find("A市人民医院挂号难", "我在A5区") == "A市"                 # a city in the title stands


def test_local_list_wins_over_the_national_one():
    find = gazetteer("A市\n").find
    assert find("A市的公交比北京市西城区的还挤") == "A市"


def test_aliases_give_the_canonical_name():
    find = gazetteer("A7县 A市 星沙 榔梨街道\nA市\n").find
    assert find("星沙301公交车不按时发车") == "A7县"
    assert find("榔梨街道噪音扰民") == "A7县"


@pytest.mark.parametrize("text", [
    "中山路施工噪音扰民",            # a bare national alias (中山) is never a place
    "朝阳公园门口乱停车",
    "长沙的房价太高",
    "城区道路拥堵",                 # two-character names (城区, 东区) are left out
    "东区菜场乱收费",
    "农贸市场管理混乱",              # 市场 is not a 市
    "中山市场摊位费太贵",
    "该区域内违建严重",
    "附近的老城区居民用不上天然气",     # X城区: an everyday phrase
    "我们属于沿海城市",
    "县城东区建设一期",
    "AB1区", "9市",
])
def test_everyday_words_are_not_places(text):
    find = gazetteer("A市\nB1区 B市\n").find
    assert find(text) is None


def test_everyday_name_counts_right_after_a_place():
    find = gazetteer().find
    assert find("北京市西城区某小区") == "西城区"
    assert find("辽宁省海城市") == "海城市"


def test_letter_codes_are_not_read_inside_other_codes():
    find = gazetteer("A1区 A市\nA市\n").find
    assert find("BA1区") is None and find("CA市") is None
    assert find("小区A1区门口") == "A1区"


def test_regions_file_format():
    places = parse_regions("# 注释\nA市 西地省\n西地省\nA1区 A市 一区 # 行尾注释\nX开发区 - 开发区甲\n".encode())
    assert places["A1区"].level > places["A市"].level > places["西地省"].level
    assert places["一区"].name == "A1区"
    assert places["开发区甲"].name == "X开发区" and "-" not in places


# --- regions.txt edits -----------------------------------------------------------------

def test_an_edit_of_regions_txt_takes_effect(dicts):
    write_regions(dicts, "Q市\n")
    assert get_gazetteer(dicts).find("Q市Z9区路灯不亮") == "Q市"
    write_regions(dicts, "Q市\nZ9区 Q市\n")
    assert get_gazetteer(dicts).find("Q市Z9区路灯不亮") == "Z9区"
    (dicts / "regions.txt").unlink()
    assert get_gazetteer(dicts).find("Q市Z9区路灯不亮") is None


# --- through the ingest and `derive` -----------------------------------------------------

def test_ingest_marks_regions_from_text_and_keeps_source_regions(con, settings, dicts):
    settings = replace(settings, dicts_dir=dicts)
    write_regions(dicts, "A市\nA5区 A市\n")
    ingest_frame(con, frame([
        {"id": "1", "title": "A5区路灯不亮", "content": "晚上很黑"},
        {"id": "2", "title": "路灯不亮", "content": "A5区某路", "region": "A3区"},
        {"id": "3", "title": "路灯不亮", "content": "晚上很黑"},
    ]), settings, "测试")
    assert regions(con) == {"1": ("A5区", "text"), "2": ("A3区", "source"), "3": (None, None)}


def test_derive_applies_an_edited_list_to_stored_items(con, settings, dicts, capsys, monkeypatch):
    settings = replace(settings, dicts_dir=dicts)
    write_regions(dicts, "A市\n")
    ingest_frame(con, frame([
        {"id": "1", "title": "A市Z9区路灯不亮", "content": "晚上很黑"},
        {"id": "2", "title": "Z9区路灯不亮", "content": "晚上很黑", "region": "A3区"},
        {"id": "3", "title": "路灯不亮", "content": "Z9区某路"},
        {"id": "4", "title": "路灯不亮", "content": "晚上很黑"},
    ]), settings, "测试")
    assert regions(con)["1"] == ("A市", "text") and regions(con)["3"] == (None, None)
    con.close()
    write_regions(dicts, "A市\nZ9区 A市\n")
    monkeypatch.setenv("YUQING_DICTS", str(dicts))
    assert cli.main(["derive", "--db", str(settings.db_path)]) == cli.EXIT_OK
    assert "2 条条目的地区已更新" in capsys.readouterr().out
    reopened = store.connect(settings.db_path)
    try:
        assert regions(reopened) == {"1": ("Z9区", "text"), "2": ("A3区", "source"), "3": ("Z9区", "text"),
                                     "4": (None, None)}
    finally:
        reopened.close()


def test_derive_says_so_when_the_store_is_busy(con, settings, capsys, monkeypatch):
    def busy(*args, **kwargs):
        raise store.StoreBusy("locked")

    monkeypatch.setattr(store, "connect", busy)
    assert cli.main(["derive", "--db", str(settings.db_path)]) == cli.EXIT_USAGE
    assert "看板占用" in capsys.readouterr().err


def regions(con) -> dict:
    return {id_: (region, source) for id_, region, source in
            con.execute("select id, region, region_source from items").fetchall()}
