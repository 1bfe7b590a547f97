"""Tests for dashboard.core.demo.generator: determinism, batching, value domains, realistic shape."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from dashboard.core import contract
from dashboard.core.demo import generator as demo
from dashboard.core.demo import vocab as demo_vocab

END = datetime(2024, 6, 1, 8, 0)
N = 5000
DAYS = 90

CHANNELS = {"留言板", "热线", "网站", "论坛", "微博", "贴吧", "新闻", "电话", "传真", "邮件"}
REQUEST_CHANNELS = {"留言板", "热线", "电话", "传真", "邮件"}


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    return demo.generate_items(N, days=DAYS, seed=42, end=END)


def check_char(body17: str) -> str:
    """GB 11643 check character, computed independently of the module under test."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


# --- structure -----------------------------------------------------------------------

def test_columns_and_dtypes(items):
    assert list(items.columns) == demo.CANONICAL_COLUMNS
    assert len(items) == N
    for name in demo.TEXT_COLUMNS:
        assert pd.api.types.is_string_dtype(items[name]), name
    for name in ("published_at", "replied_at"):
        assert str(items[name].dtype) == "datetime64[us]", name   # naive local time
    assert items["is_valid"].dtype == bool
    assert items["likes"].dtype == np.int64 and items["dislikes"].dtype == np.int64
    assert items["sentiment"].isna().all()


def test_ids_unique_and_urls_fictional(items):
    assert items["id"].is_unique
    assert items["id"].str.fullmatch(r"DEMO-42-\d{7}").all()
    urls = items["url"].dropna()
    assert len(urls) > 0
    assert urls.str.match(r"https://[a-z.-]*example(/|\.)").all()
    assert urls.is_unique


def test_same_arguments_same_frame_other_seed_other_frame(items):
    again = demo.generate_items(N, days=DAYS, seed=42, end=END)
    pd.testing.assert_frame_equal(items, again)
    other = demo.generate_items(N, days=DAYS, seed=43, end=END)
    assert not other["content"].equals(items["content"])
    assert not other["published_at"].equals(items["published_at"])
    assert set(other["id"]).isdisjoint(items["id"])   # another seed adds items instead of replacing


@pytest.mark.parametrize("batch_size", [999, 7000])
def test_batches_concatenate_to_generate_items(items, batch_size):
    batches = list(demo.iter_item_batches(N, days=DAYS, seed=42, end=END, batch_size=batch_size))
    assert all(len(b) == batch_size for b in batches[:-1]) and 0 < len(batches[-1]) <= batch_size
    pd.testing.assert_frame_equal(pd.concat(batches), items)


@pytest.mark.parametrize("batch_size", [1234, 4000])
def test_batches_do_not_depend_on_block_boundaries(monkeypatch, batch_size):
    # Several internal blocks, batches cutting across them.
    monkeypatch.setattr(demo, "BLOCK_SIZE", 1500)
    whole = demo.generate_items(N, days=DAYS, seed=7, end=END)
    batches = list(demo.iter_item_batches(N, days=DAYS, seed=7, end=END, batch_size=batch_size))
    pd.testing.assert_frame_equal(pd.concat(batches), whole)
    assert whole["id"].is_unique


def test_empty_and_bad_arguments():
    empty = demo.generate_items(0, days=10, seed=1, end=END)
    assert list(empty.columns) == demo.CANONICAL_COLUMNS and len(empty) == 0
    assert list(demo.iter_item_batches(0, days=10, end=END)) == []
    with pytest.raises(ValueError):
        demo.generate_items(-1, end=END)
    with pytest.raises(ValueError):
        demo.generate_items(10, days=0, end=END)
    with pytest.raises(ValueError):
        list(demo.iter_item_batches(10, end=END, batch_size=0))


@pytest.mark.parametrize("days", [1, 2])
def test_a_window_too_short_for_incidents_still_generates(days):
    """A day or two plans no incidents; the items are routed by their subcategory alone."""
    assert len(demo.planned_incidents(400, days=days, seed=3, end=END)) == 0
    frame = demo.generate_items(400, days=days, seed=3, end=END)
    assert len(frame) == 400
    assert frame["published_at"].min() >= pd.Timestamp(END - timedelta(days=days))
    assert frame["published_at"].max() < pd.Timestamp(END)
    requests = frame[frame["department"].notna()]
    assert len(requests) > 100 and requests["department_level"].notna().all()


def test_default_end_is_the_latest_0800():
    assert demo.default_end(datetime(2024, 5, 1, 9, 15)) == datetime(2024, 5, 1, 8, 0)
    assert demo.default_end(datetime(2024, 5, 1, 7, 59)) == datetime(2024, 4, 30, 8, 0)
    frame = demo.generate_items(50, days=3, seed=1)
    assert frame["published_at"].max() < pd.Timestamp(demo.default_end())


def test_aware_end_is_converted_to_local_time():
    aware = datetime(2024, 6, 1, 0, 0, tzinfo=timezone.utc)       # 08:00 in Asia/Shanghai
    pd.testing.assert_frame_equal(demo.generate_items(300, days=10, seed=5, end=aware),
                                  demo.generate_items(300, days=10, seed=5, end=END))


# --- value domains ---------------------------------------------------------------------

def test_value_domains(items):
    assert set(items["channel"]) <= CHANNELS
    assert set(items["channel"]) <= set(contract.CHANNELS)
    assert set(items["satisfaction"].dropna()) <= set(contract.SATISFACTION)
    assert set(items["department_level"].dropna()) == {"市直", "县市区"}
    assert items["source"].notna().all() and items["title"].notna().all() and items["content"].notna().all()
    regions = {f"A{i}区" for i in range(1, 7)} | {"A7县", "A8县", "A9市"}
    assert set(items["region"].dropna()) == regions
    assert items["category"].dropna().isin(["城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游",
                                            "卫生计生", "政法", "农村农业"]).all()
    assert (items["likes"] >= 0).all() and (items["dislikes"] >= 0).all()
    # No template slot left unfilled.
    for name in ("title", "content", "reply_content"):
        assert not items[name].dropna().str.contains(r"[{}%]").any(), name


def test_every_department_has_its_level(items):
    with_dept = items[items["department"].notna()]
    assert items["department_level"].notna().eq(items["department"].notna()).all()
    levels = with_dept.groupby("department")["department_level"].nunique()
    assert (levels == 1).all()
    county = with_dept.loc[with_dept["department_level"] == "县市区", "department"]
    assert county.str.fullmatch(r"A\d(区|县|市)人民政府").all()
    assert 20 <= with_dept["department"].nunique() <= 40


def test_only_valid_requests_are_assigned(items):
    assigned = items[items["department"].notna()]
    assert assigned["is_valid"].all()
    assert set(assigned["channel"]) <= REQUEST_CHANNELS | {"网站"}
    requests = items[items["channel"].isin(REQUEST_CHANNELS) & items["is_valid"]]
    assert requests["department"].notna().all()


def test_reply_times_and_satisfaction(items):
    start = pd.Timestamp(END - timedelta(days=DAYS))
    assert items["published_at"].between(start, pd.Timestamp(END), inclusive="left").all()
    replied = items[items["replied_at"].notna()]
    assert (replied["replied_at"] >= replied["published_at"]).all()
    assert (replied["replied_at"] <= pd.Timestamp(END)).all()
    assert replied["department"].notna().all()
    assert items["reply_content"].notna().eq(items["replied_at"].notna()).all()
    assert items.loc[items["replied_at"].isna(), "satisfaction"].isna().all()


# --- realistic shape ----------------------------------------------------------------------

def test_shares_and_lengths(items):
    assert 0.85 <= items["is_valid"].mean() <= 0.92
    assert 150 <= items["content"].str.len().mean() <= 330
    assert 10 <= items["title"].str.len().median() <= 30
    assert items["category"].nunique() == 9
    assert items["subcategory"].nunique() >= 40
    assert items["likes"].median() == 0 and items["likes"].max() >= 100


def test_volume_has_bursts_and_a_weekly_rhythm(items):
    # Monitoring days run 08:00 to 08:00.
    per_day = (items["published_at"] - pd.Timedelta(hours=8)).dt.floor("D").value_counts()
    assert per_day.max() >= 3 * per_day.median()
    hotline = items.loc[items["channel"] == "热线", "published_at"]
    weekend = hotline.dt.day_of_week >= 5
    assert (~weekend).sum() / 5 > 1.3 * weekend.sum() / 2
    hours = items["published_at"].dt.hour
    assert (hours.between(9, 11)).mean() > 3 * (hours.between(1, 3)).mean()


def test_replies_look_like_a_responsiveness_bulletin(items):
    assigned = items[items["department"].notna()]
    lag_days = (assigned["replied_at"] - assigned["published_at"]).dt.total_seconds() / 86400
    assert 3 <= lag_days.median() <= 10
    assert (lag_days > 15).mean() > 0.03                      # overdue replies exist
    assert 0.03 <= assigned["replied_at"].isna().mean() <= 0.2
    recent = assigned[assigned["published_at"] > pd.Timestamp(END) - pd.Timedelta(days=2)]
    assert recent["replied_at"].isna().mean() > 0.5          # fresh items mostly still open
    ok = assigned["satisfaction"].isin(["满意", "基本满意"])
    rates = pd.DataFrame({"replied": assigned["replied_at"].notna(), "satisfied": ok,
                          "department": assigned["department"]}).groupby("department").agg(["mean", "size"])
    big = rates[rates[("replied", "size")] >= 10]
    honour = big[(big[("replied", "mean")] == 1) & (big[("satisfied", "mean")] == 1)]
    reminder = big[(big[("replied", "mean")] < 0.9) & (big[("satisfied", "mean")] < 0.9)]
    assert len(honour) >= 2 and len(reminder) >= 2
    assert assigned["satisfaction"].value_counts().idxmax() == "满意"


def test_item_kinds_and_incidents(items):
    text = items["title"] + items["content"]
    assert text.str.contains("征求意见|出台|公布后").sum() > 20          # reactions to policies
    assert text.str.contains("会议|全会|讲话|政府工作报告").sum() > 20    # reactions to meetings and speeches
    assert text.str.contains("退休职工|讨薪|集体").sum() > 20           # possible sources of instability
    assert items["title"].str.startswith("咨询").sum() > 50           # consultations
    assert items["title"].str.contains("建议").sum() > 20             # suggestions
    incidents = demo.planned_incidents(N, days=DAYS, seed=42, end=END)
    assert 3 <= len(incidents) <= 5
    start = pd.Timestamp(END - timedelta(days=DAYS))
    assert incidents["onset"].between(start, pd.Timestamp(END)).all()
    for incident in incidents.itertuples():
        window = items["published_at"].between(incident.onset, incident.onset + pd.Timedelta(days=3))
        about = items[window & (items["region"] == incident.region) & (items["subcategory"] == incident.subcategory)]
        assert len(about) >= 0.6 * incident.expected_items, incident.name
        assert about["likes"].mean() > items["likes"].mean()           # incident posts travel further
    # Each incident's items crowd into a few days in one region.
    by_day_region = items.groupby([(items["published_at"] - pd.Timedelta(hours=8)).dt.floor("D"), "region"]).size()
    assert by_day_region.max() > 5 * by_day_region.median()


def test_most_requests_answered_in_time_some_late_very_few_never():
    """The shares stated in the generator's docstring and the README: over requests published 60 days or
    more before the end (late replies come within 60 days), ~94% within 15 days, ~5% late, ~1% never."""
    items = demo.generate_items(20_000, days=180, seed=42, end=END)
    assigned = items[items["department"].notna() & items["is_valid"]]
    old = assigned[assigned["published_at"] < pd.Timestamp(END) - pd.Timedelta(days=60)]
    lag_days = (old["replied_at"] - old["published_at"]).dt.total_seconds() / 86400
    assert len(old) > 5000
    assert 0.90 <= (lag_days <= 15).mean() <= 0.97
    assert 0.03 <= (lag_days > 15).mean() <= 0.08
    assert 0.003 <= lag_days.isna().mean() <= 0.02
    assert lag_days.max() <= 63                                     # 60 days, then office hours
    in_time = (lag_days <= 15).groupby(old["department"]).mean()
    assert (in_time < 0.9).sum() >= 2 and (in_time < 0.9).mean() < 0.3   # a few departments to remind


# --- personal data ----------------------------------------------------------------------

def test_personal_data_is_present_and_id_numbers_are_valid(items):
    content = items["content"]
    mobiles = content.str.contains(r"(?<![0-9])1[3-9][0-9](?:-?[0-9]{4}){2}(?![0-9])")
    landlines = content.str.contains(r"0731-8[0-9]{7}(?![0-9])")
    emails = content.str.contains(r"@[a-z.]*example\.")
    assert mobiles.sum() >= 10 and landlines.sum() >= 3 and emails.sum() >= 3
    ids = content.str.extractall(r"(?<![0-9])([1-9][0-9]{16}[0-9X])(?![0-9X])")[0]
    valid = ids[[check_char(x[:17]) == x[17] for x in ids]]
    invalid = ids[[check_char(x[:17]) != x[17] for x in ids]]
    assert len(valid) >= 10
    # Numbers with a wrong check character are only the deliberate look-alikes.
    for (row, _), number in invalid.items():
        assert "号码有误" in content.iloc[row], number
    assert len(invalid) >= 1
    assert content.str.contains(r"[0-9]{19,}").sum() >= 3              # long order numbers
    has_pii = mobiles | landlines | emails | content.str.contains(r"身份证号")
    assert 0.01 <= has_pii.mean() <= 0.035


# --- fingerprint ------------------------------------------------------------------------

def _sha256(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()


def test_demo_fingerprint_is_pinned():
    """One small fixed case of the demo, pinned to the byte.

    The demo is built from the vocabulary (data/demo/*.toml, read by dashboard.core.demo.vocab)
    and the generator (dashboard.core.demo.generator). Any edit to either that changes what the demo contains changes these
    hashes. When the change is deliberate (new templates, other weights, a new column),
    regenerate the two hashes below and say so in the commit; when it is not, the test
    has caught an accident (e.g. a reordered list, a number that became text).
    """
    end = datetime(2024, 6, 1, 8, 0)
    items = demo.generate_items(2000, days=60, seed=5, end=end)
    incidents = demo.planned_incidents(2000, days=60, seed=5, end=end)
    assert _sha256(items) == "ab34fda879e7fd304fb480b8756c8a3837e1611795d55eb2a16caefbe65682b3"
    assert _sha256(incidents) == "167e2e01d44b959aaee954c152ddaf94aa15fa9a7ba8847a1f936fb8f59b551d"


# --- vocabulary files -------------------------------------------------------------------

def test_vocabulary_is_read_from_the_project_not_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    demo_vocab.vocabulary.cache_clear()
    try:
        assert demo_vocab.ESTATES[:2] == ("阳光花园", "阳光家园")          # heads x tails, heads outer
        assert demo_vocab.REGIONS[0] == ("A1区", 16)                        # arrays are tuples
        assert demo_vocab.COUNTY_OF_REGION["A7县"] == "A7县人民政府"
        assert demo_vocab.SUBCATEGORIES["城乡建设"]["物业管理"]["season"] == {}
        assert demo_vocab.SUBCATEGORIES["城乡建设"]["供水供电"]["season"][7] == 2.2
    finally:
        demo_vocab.vocabulary.cache_clear()


def test_a_name_defined_in_two_files_is_an_error(monkeypatch, tmp_path):
    (tmp_path / "a.toml").write_text('firms = ["甲"]\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('firms = ["乙"]\n', encoding="utf-8")
    monkeypatch.setattr(demo_vocab, "DEMO_DIR", tmp_path)
    demo_vocab.vocabulary.cache_clear()
    try:
        with pytest.raises(ValueError, match="firms"):
            demo_vocab.vocabulary()
    finally:
        demo_vocab.vocabulary.cache_clear()
