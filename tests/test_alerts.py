"""Alerts on fixtures whose right answers are known by construction."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.core import store
from dashboard.core.analytics import alerts
from dashboard.core.analytics.alerts import Alert, AlertRules
from dashboard.core.analytics.watch_context import Context, load_context
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, days_period
from dashboard.core.ingest.loader import ingest_frame

SETTINGS = AnalyticsSettings(min_denominator=5, overdue_days=15, reminder_threshold=0.9, reminder_rule="both",
                             average_mode="pooled", day_start_hour=8)
D = date(2024, 4, 18)                    # the monitoring day: 2024-04-18 08:00 .. 2024-04-19 08:00
AT_NOON = datetime(2024, 4, 18, 12)      # a moment inside it


def at(day_offset: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on the monitoring day D + day_offset (hour ≥ 8 keeps it on that monitoring day)."""
    return datetime.combine(D + timedelta(days=day_offset), datetime.min.time()).replace(hour=hour, minute=minute)


def make_item(item_id, published, *, category="城乡建设", region="A市", channel="留言板", department="市住建局",
              level="市直", valid=True, replied=None, satisfaction=None, sentiment="中性", content=None):
    return {
        "id": item_id, "title": f"标题{item_id}", "content": content or "小区路灯不亮，请尽快维修。",
        "published_at": published.strftime("%Y-%m-%d %H:%M:%S"), "channel": channel, "category": category,
        "region": region, "department": department, "department_level": level, "is_valid": valid,
        "replied_at": replied.strftime("%Y-%m-%d %H:%M:%S") if replied else None,
        "satisfaction": satisfaction, "sentiment": sentiment, "likes": 0,
    }


def load(con, settings, rows, name="fixture"):
    outcome = ingest_frame(con, pd.DataFrame(rows), settings, name)
    assert outcome.status == "loaded" and outcome.loaded_new == len(rows), outcome


def answered(published):
    return dict(replied=published + timedelta(days=1), satisfaction="满意")


def ids(frame: pd.DataFrame) -> set[str]:
    return set(frame["id"])


def of(found: list[Alert], kind: str, dimension: str | None = None) -> dict[str, Alert]:
    return {a.value: a for a in found if a.kind == kind and (dimension is None or a.dimension == dimension)}


# ------------------------------------------------------------------------------------ volume spikes
@pytest.fixture
def volume_store(con, settings):
    """28 days of history before D, then day D. Categories (all items answered, so no other alerts):
    稳定: 2 a day, then 10 on D                     -> spike (10 ≥ 2×2, ≥ 2 + 3·0), 高 (≥ 3×2, ≥ 10)
    新增一件: nothing, then 1 on D                    -> no spike (0 → 1)
    新增四件: nothing, then 4 on D                    -> no spike (below min_count 5)
    新增五件: nothing, then 5 on D                    -> spike (0 → 5), 中 (5 < 2·min_count)
    波动: 0 and 10 on alternate days, then 12 on D   -> no spike (12 < 5 + 3·5)
    周一高: 10 on each same weekday, 1 on other days, then 18 on D -> no spike (weekday baseline 10)
    """
    rows, n = [], 0

    def add(category, when, count):
        nonlocal n
        for i in range(count):
            n += 1
            t = when + timedelta(minutes=i)
            rows.append(make_item(f"V{n}", t, category=category, department=f"市{category}局",
                                  region=f"{category}区", channel="论坛", **answered(t)))

    for back in range(1, 29):
        add("稳定", at(-back), 2)
        add("波动", at(-back), 10 if back % 2 else 0)
        add("周一高", at(-back), 10 if back % 7 == 0 else 1)
    add("稳定", at(0), 10)
    add("新增一件", at(0), 1)
    add("新增四件", at(0), 4)
    add("新增五件", at(0), 5)
    add("波动", at(0), 12)
    add("周一高", at(0), 18)
    load(con, settings, rows)
    return con


def test_spike_versus_zero_to_one(volume_store):
    found = alerts.current_alerts(volume_store, D, SETTINGS, now=AT_NOON + timedelta(days=30), merge=False)
    spikes = of(found, "volume_spike", "category")
    assert set(spikes) == {"稳定", "新增五件"}
    steady = spikes["稳定"]
    assert steady.severity == "高" and steady.count == 10
    assert steady.figures["trailing_mean"] == 2 and steady.figures["baseline"] == 2
    assert steady.message == ("4月18日（08:00 至次日 08:00）分类「稳定」新增 10 件，是前 14 天日均 2.0 件、"
                              "前 4 周同星期日均 2.0 件中较高者的 5.0 倍，超过激增阈值。")
    assert spikes["新增五件"].severity == "中"
    assert "前 14 天没有此类信息" in spikes["新增五件"].message
    # the same rule per department and region (each category has its own department and region)
    assert set(of(found, "volume_spike", "department")) == {"市稳定局", "市新增五件局"}
    assert set(of(found, "volume_spike", "region")) == {"稳定区", "新增五件区"}
    # each alert's item query returns exactly the items behind it
    for alert in of(found, "volume_spike").values():
        items = alert.items(volume_store)
        assert len(items) == alert.count
        if alert.dimension == "category":
            assert set(items["category"]) == {alert.value}
            assert set(items["day"].astype(str)) == {"2024-04-18"}


def test_weekday_baseline_and_sd_guard(volume_store):
    found = alerts.current_alerts(volume_store, D, SETTINGS, now=AT_NOON + timedelta(days=30), merge=False)
    assert "波动" not in of(found, "volume_spike") and "周一高" not in of(found, "volume_spike")
    # without the same-weekday baseline the 周一高 jump would be a spike; with a lower sd factor 波动 too
    no_weekday = alerts.current_alerts(volume_store, D, SETTINGS, now=AT_NOON + timedelta(days=30),
                                       rules=AlertRules(weekday_weeks=0), merge=False)
    assert "周一高" in of(no_weekday, "volume_spike", "category")
    low_sd = alerts.current_alerts(volume_store, D, SETTINGS, now=AT_NOON + timedelta(days=30),
                                   rules=AlertRules(spike_sd=1), merge=False)
    assert "波动" in of(low_sd, "volume_spike", "category")


def test_short_history_gives_no_baseline(con, settings):
    rows = [make_item(f"S{i}", at(-3, 10, i), **answered(at(-3, 10, i))) for i in range(2)]
    rows += [make_item(f"T{i}", at(0, 10, i), **answered(at(0, 10, i))) for i in range(20)]
    load(con, settings, rows)
    found = alerts.current_alerts(con, D, SETTINGS, now=AT_NOON + timedelta(days=30))
    assert not of(found, "volume_spike")
    assert of(alerts.current_alerts(con, D, SETTINGS, now=AT_NOON + timedelta(days=30),
                                    rules=AlertRules(min_baseline_days=3)), "volume_spike")


# ------------------------------------------------------------------------------- negative share
def test_negative_share_surge(con, settings):
    """History: 10 items a day in 投诉 with 1 negative (10%). D: 12 items, 8 negative (66.7%) -> surge.
    In 咨询: D has 12 items, 4 negative -> not enough negatives (min_count 5)."""
    rows, n = [], 0
    for back in range(1, 15):
        for i in range(10):
            n += 1
            t = at(-back, 9, i)
            rows.append(make_item(f"N{n}", t, category="投诉", sentiment="负面" if i == 0 else "中性",
                                  **answered(t)))
            rows.append(make_item(f"Q{n}", t, category="咨询", sentiment="负面" if i == 0 else "正面",
                                  **answered(t)))
    today_negative = set()
    for i in range(12):
        t = at(0, 9, i)
        rows.append(make_item(f"NT{i}", t, category="投诉", sentiment="负面" if i < 8 else "中性", **answered(t)))
        rows.append(make_item(f"QT{i}", t, category="咨询", sentiment="负面" if i < 4 else "正面", **answered(t)))
        if i < 8:
            today_negative.add(f"NT{i}")
    load(con, settings, rows)
    found = alerts.current_alerts(con, D, SETTINGS, now=AT_NOON + timedelta(days=30), merge=False)
    surges = of(found, "negative_surge", "category")
    assert set(surges) == {"投诉"}
    surge = surges["投诉"]
    assert surge.figures["share"] == pytest.approx(8 / 12) and surge.figures["baseline_share"] == pytest.approx(0.1)
    assert surge.severity == "中"     # 66.7% ≥ 50%, but 8 negatives < 2 × min_count
    assert "负面信息 8 件，占有情感判断的 12 件的 66.7%，前 14 天为 10.0%（14/140），上升 56.7 个百分点" in surge.message
    assert ids(surge.items(con)) == today_negative
    assert not of(found, "volume_spike", "category")      # 12 against 10 a day is no spike


# -------------------------------------------------------------------------------------- watch words
def test_watch_words_one_alert_per_word_per_day(con, settings):
    rows = [
        make_item("W1", at(0, 9), content="小区三号楼发生火灾，浓烟很大。", **answered(at(0, 9))),
        make_item("W2", at(0, 11), content="昨晚火灾后楼道还没有清理，火灾隐患仍在。", **answered(at(0, 11))),
        make_item("W3", at(0, 12), content="工地发生爆炸，附近居民很担心。", **answered(at(0, 12))),  # 发生爆炸 is one token
        make_item("W4", at(-1, 12), content="去年的火灾赔偿还没有落实。", **answered(at(-1, 12))),   # another day
        make_item("W5", at(1, 7, 59), content="凌晨仓库起火。", **answered(at(1, 7, 59))),            # 07:59 next day: D
        make_item("W6", at(0, 7, 59), content="厂房起火。", **answered(at(0, 7, 59))),                 # 07:59 on D: D−1
        make_item("W7", at(0, 13), content="路面坑洼，希望修补。", **answered(at(0, 13))),
    ]
    load(con, settings, rows)
    found = alerts.current_alerts(con, D, SETTINGS, now=AT_NOON + timedelta(days=30))
    words = of(found, "watch_word")
    assert set(words) == {"火灾", "爆炸", "起火"}            # two causes -> two alerts; 火灾 twice -> one
    fire = words["火灾"]
    assert fire.count == 2 and fire.severity == "高" and fire.key == "watch_word|word|火灾|2024-04-18"
    assert ids(fire.items(con)) == {"W1", "W2"}
    assert ids(words["爆炸"].items(con)) == {"W3"}
    assert ids(words["起火"].items(con)) == {"W5"}            # the monitoring-day boundary
    assert "有 2 条信息出现关注词「火灾」（高）" in fire.message
    previous = of(alerts.current_alerts(con, D - timedelta(days=1), SETTINGS, now=AT_NOON), "watch_word")
    assert ids(previous["起火"].items(con)) == {"W6"} and ids(previous["火灾"].items(con)) == {"W4"}
    # a custom dictionary: only its words, with its severities
    dicts = settings.data_dir / "dicts"
    dicts.mkdir()
    (dicts / "watchwords.txt").write_text("爆炸 低\n", encoding="utf-8")
    custom = of(alerts.current_alerts(con, D, SETTINGS, dicts_dir=dicts, now=AT_NOON), "watch_word")
    assert set(custom) == {"爆炸"} and custom["爆炸"].severity == "低"


# ------------------------------------------------------------------------------ overdue and reminder
def test_overdue_backlog_is_one_line_and_an_alert_only_when_it_grows(con, settings):
    rows = [
        make_item("L1", at(-20), department="市住建局"),                         # open 20 days: overdue
        make_item("L2", at(-40), department="市住建局"),                         # open 40 days: overdue
        make_item("L3", at(-10), department="市住建局"),                         # open 10 days: not yet
        make_item("L4", at(-20), department="市交通局", replied=at(0, 9)),          # answered late on D: 办结
        make_item("L5", at(-15, 9), department="市交通局"),                      # open 15 d 3 h: overdue since 09:00
        make_item("L6", at(-20), department="市交通局", valid=False),            # invalid: never overdue
        make_item("L7", at(-20), department=None, level=None),                    # no department: 未标注
    ]
    load(con, settings, rows)
    day = alerts.day_alerts(con, D, SETTINGS, now=AT_NOON)
    backlog = day.backlog
    assert (backlog.open, backlog.departments, backlog.new_today, backlog.closed_today) == (4, 3, 1, 1)
    assert backlog.top_new == (("市交通局", 1),) and backlog.growth == 0
    assert backlog.text() == ("截至4月18日 12:00，超过 15 天未答复的有效诉求共 4 件（3 个承办单位，最久 40.1 天）；"
                              "本监测日新超期 1 件（「市交通局」1 件），本日办结超期诉求 1 件，积压持平。")
    # a standing backlog is no alert, whatever its size; no alert per department
    assert not of(alerts.current_alerts(con, D, SETTINGS, now=AT_NOON), "overdue")
    # growing by the threshold or more raises one alert for the whole backlog, with its items
    grows = replace(SETTINGS, backlog_alert_growth=1)
    assert not of(alerts.current_alerts(con, D, grows, now=AT_NOON), "overdue")      # growth 0 < 1
    rows = [make_item(f"G{i}", at(-15, 9, i), department="市水务集团") for i in range(3)]
    load(con, settings, rows, name="more")
    overdue = of(alerts.current_alerts(con, D, grows, now=AT_NOON), "overdue")
    assert set(overdue) == {"全部"}
    alert = overdue["全部"]
    assert alert.severity == "高" and alert.figures["growth"] == 3 and alert.count == 7    # 3 ≥ 3 × 1
    assert ids(alert.items(con)) == {"L1", "L2", "L5", "L7", "G0", "G1", "G2"}
    assert alert.message.endswith("净增 3 件，达到积压增长阈值 1 件。")
    # before 09:00 on D, nothing had crossed the limit yet and nothing was answered
    early = alerts.day_alerts(con, D, SETTINGS, now=datetime(2024, 4, 18, 8, 30)).backlog
    assert (early.open, early.new_today, early.closed_today) == (4, 0, 0)      # L4 still open at 08:30


def test_overdue_and_reminders_only_where_the_source_tracks_replies(con, settings):
    """A drop whose source has no reply column (reply_tracked false) is never overdue nor reminded."""
    rows = [make_item(f"U{i}", at(-20, 9, i), department="市无答复局") for i in range(8)]
    for row in rows:
        del row["replied_at"], row["satisfaction"]
    load(con, settings, rows)
    day = alerts.day_alerts(con, D, SETTINGS, now=AT_NOON)
    assert day.backlog is None and not day.reminders
    assert not [a for a in day.warnings if a.kind == "overdue"]


def test_reminder_for_departments_below_threshold(con, settings):
    """Due window for D = 4月18日: items published on 3月4日 … 4月2日 (30 monitoring days ending 16 days
    before D). 市慢局: 10 due items, 6 answered (5 满意, 1 不满意) -> 60% / 50%, both below: 中.
    市快局: 10 due, all answered, 8 满意 -> 100% / 80%: below on one only (no alert under "both").
    市新局: 3 due items, none answered: too few (min_denominator 5). Items after the window never count."""
    rows = []
    for i in range(10):
        t = at(-20, 9, i)
        rows.append(make_item(f"S{i}", t, department="市慢局", replied=t + timedelta(days=1) if i < 6 else None,
                              satisfaction=("满意" if i < 5 else "不满意") if i < 6 else None))
        rows.append(make_item(f"F{i}", t, department="市快局", replied=t + timedelta(days=1),
                              satisfaction="满意" if i < 8 else "不满意"))
    rows += [make_item(f"Y{i}", at(-25, 9, i), department="市新局") for i in range(3)]
    rows += [make_item(f"R{i}", at(-3, 9, i), department="市慢局") for i in range(5)]    # not yet due
    load(con, settings, rows)
    found = alerts.current_alerts(con, D, SETTINGS, now=AT_NOON)
    reminders = of(found, "reminder")
    assert set(reminders) == {"市慢局"}
    slow = reminders["市慢局"]
    assert slow.severity == "中" and slow.count == 5
    assert ids(slow.items(con)) == {"S5", "S6", "S7", "S8", "S9"}
    assert ("3月4日至4月2日受理、已到答复期限的有效诉求中，「市慢局」答复率 60.0%（6/10）、满意率 50.0%（5/10），"
            "均低于 90%。") == slow.message
    either = of(alerts.current_alerts(con, D, replace(SETTINGS, reminder_rule="either"), now=AT_NOON), "reminder")
    assert set(either) == {"市慢局", "市快局"} and either["市快局"].severity == "低"
    assert ids(either["市快局"].items(con)) == {"F8", "F9"}


# ------------------------------------------------------------------------- dedup, order, defaults
def _alert(kind="watch_word", severity="中", value="火灾", count=1, day=D):
    return Alert(kind=kind, severity=severity, day=day, dimension="word", value=value, message="…", count=count,
                 query="alerts/items")


def test_dedupe_one_alert_per_cause_per_day():
    same_twice = alerts.dedupe([_alert(severity="中"), _alert(severity="高", count=2)])
    assert len(same_twice) == 1 and same_twice[0].severity == "高"
    two_causes = alerts.dedupe([_alert(value="火灾"), _alert(value="爆炸")])
    assert len(two_causes) == 2
    two_days = alerts.dedupe([_alert(), _alert(day=D - timedelta(days=1))])
    assert len(two_days) == 2
    two_kinds = alerts.dedupe([_alert(), _alert(kind="volume_spike")])
    assert len(two_kinds) == 2
    ordered = alerts.dedupe([_alert(severity="低", value="a"), _alert(severity="高", value="b"),
                             _alert(severity="中", value="c", count=5), _alert(severity="中", value="d", count=9)])
    assert [a.value for a in ordered] == ["b", "d", "c", "a"]


def test_all_alerts_distinct_sorted_and_stable(volume_store):
    now = AT_NOON + timedelta(days=30)
    first = alerts.current_alerts(volume_store, D, SETTINGS, now=now)
    again = alerts.current_alerts(volume_store, D, SETTINGS, now=now)
    assert [a.key for a in first] == [a.key for a in again]
    assert len({a.key for a in first}) == len(first)
    ranks = [alerts.SEVERITIES.index(a.severity) for a in first]
    assert ranks == sorted(ranks)
    for alert in first:                                   # every item query runs with its own parameters
        assert store.query_params(alert.query)
        assert len(alert.items(volume_store)) == alert.count


def test_default_day_is_the_current_monitoring_day(con, settings):
    rows = [make_item("Z1", datetime(2024, 4, 19, 7, 30), content="凌晨发生爆炸。", **answered(at(1, 7, 30)))]
    load(con, settings, rows)
    early = alerts.current_alerts(con, settings=SETTINGS, now=datetime(2024, 4, 19, 7, 45))
    assert [(a.kind, a.value, a.day) for a in early] == [("watch_word", "爆炸", D)]
    later = alerts.current_alerts(con, settings=SETTINGS, now=datetime(2024, 4, 19, 8, 5))
    assert later == []                                    # 08:05: a new monitoring day has begun
    calendar = alerts.current_alerts(con, settings=replace(SETTINGS, day_start_hour=0),
                                     now=datetime(2024, 4, 19, 7, 45))
    assert [a.day for a in calendar] == [date(2024, 4, 19)]


def test_filters_narrow_alerts(con, settings):
    rows = [make_item("F1", at(0), category="环境保护", content="化工厂爆炸。", **answered(at(0))),
            make_item("F2", at(0), category="城乡建设", content="楼房坍塌。", **answered(at(0)))]
    load(con, settings, rows)
    narrowed = alerts.current_alerts(con, D, SETTINGS, filters=Filters(categories=("环境保护",)), now=AT_NOON)
    assert {a.value for a in narrowed} == {"爆炸"}
    assert ids(narrowed[0].items(con)) == {"F1"}


def test_rules_text_names_the_numbers():
    text = "".join(alerts.rules_text(SETTINGS))
    assert "08:00" in text and "5 件" in text and "2 倍" in text and "15 天" in text and "90%" in text


# ------------------------------------------------------------------ one event, context, the budget
def test_alerts_about_the_same_items_are_one_event(volume_store):
    """稳定's category, region and department spikes are the same 10 items: one alert, the most specific
    first. The overall and channel spikes (50 items, 稳定's 10 a fifth of them) are not 稳定's event, and
    a broad alert never links two events (新增五件 stays apart)."""
    found = alerts.current_alerts(volume_store, D, SETTINGS, now=AT_NOON + timedelta(days=30))
    steady = [a for a in found if a.value == "稳定"]
    assert len(steady) == 1 and steady[0].dimension == "category" and steady[0].count == 10
    assert steady[0].related == ("地区「稳定区」数量激增（高，10 条）", "部门「市稳定局」数量激增（高，10 条）")
    assert set(steady[0].items(volume_store)["category"]) == {"稳定"}
    five = [a for a in found if a.value == "新增五件"]
    assert len(five) == 1 and five[0].count == 5 and len(five[0].related) == 2
    assert sorted(a.value for a in found if a.kind == "volume_spike") == ["全部", "新增五件", "稳定", "论坛"]
    assert len(found) == 4
    unmerged = alerts.current_alerts(volume_store, D, SETTINGS, now=AT_NOON + timedelta(days=30), merge=False)
    assert len(unmerged) == 8


def test_watch_words_of_one_story_and_its_spike_merge(con, settings):
    rows = []
    for back in range(1, 15):                                    # history: 2 items a day in 环境保护
        rows += [make_item(f"H{back}-{i}", at(-back, 9, i), category="环境保护", region="A7县", **answered(at(-back)))
                 for i in range(2)]
    for i in range(12):                                          # D: a fire story, words 起火 / 爆炸
        text = "富源化工厂起火，随后发生爆炸，浓烟很大。" if i % 2 else "化工厂起火了，附近居民被疏散。"
        rows.append(make_item(f"E{i}", at(0, 10, i), category="环境保护", region="A7县", content=text,
                              **answered(at(0, 10, i))))
    rows.append(make_item("O1", at(0, 11), category="城乡建设", region="A1区", department="市应急局", channel="热线",
                          content="工地塔吊坍塌。",
                          **answered(at(0, 11))))
    load(con, settings, rows)
    found = alerts.current_alerts(con, D, SETTINGS, now=AT_NOON + timedelta(days=30))
    fire = [a for a in found if "E0" in ids(a.items(con))]
    assert len(fire) == 1                                        # 起火, 爆炸, category, region, all: one event
    event = fire[0]
    assert event.kind == "watch_word" and event.value == "起火" and event.count == 12
    assert any("关注词「爆炸」" in r for r in event.related) and any("分类「环境保护」" in r for r in event.related)
    assert any(r.startswith("全部信息数量激增") for r in event.related)       # 12 of its 13 items are the event
    assert "同一批信息还触发" in event.message and "本事件共 12 条信息" in event.message
    assert [a.value for a in found if a.kind == "watch_word" and a is not event] == ["坍塌"]   # other item apart


def test_watch_words_in_context(con, settings):
    rows = [
        make_item("X1", at(0, 9), content="工地夜间施工，白天和夜晚都达到80多分贝，就像一个巨大的爆炸场声响，严重影响休息。",
                  **answered(at(0, 9))),                                               # a comparison
        make_item("X2", at(0, 10), content="经核实，化工园区并没有发生爆炸。", **answered(at(0, 10))),         # denied
        make_item("X3", at(0, 11), content="我家住在“火灾花园”，门口路灯坏了。", **answered(at(0, 11))),      # a quoted name
        make_item("X4", at(0, 12), content="请问「爆炸城」项目什么时候交房？", **answered(at(0, 12))),     # a quoted name
        make_item("X5", at(0, 13), content="互联网时代信息爆炸，请加强政务公开。", **answered(at(0, 13))),  # a phrase
        make_item("X6", at(0, 14), content="仓库发生爆炸，有人受伤。", **answered(at(0, 14))),              # real
    ]
    load(con, settings, rows)
    found = of(alerts.current_alerts(con, D, SETTINGS, now=AT_NOON), "watch_word")
    assert ids(found["爆炸"].items(con)) == {"X6"} and found["爆炸"].count == 1
    assert set(found) == {"爆炸"}                          # no 火灾: “火灾花园” is a name
    # the exceptions are data: without the file every mention fires
    dicts = settings.data_dir / "dicts"
    dicts.mkdir()
    (dicts / "watchwords.txt").write_text("爆炸 高\n", encoding="utf-8")
    plain = of(alerts.current_alerts(con, D, SETTINGS, dicts_dir=dicts, now=AT_NOON), "watch_word")
    assert ids(plain["爆炸"].items(con)) == {"X1", "X2", "X4", "X5", "X6"}
    empty = settings.data_dir / "empty"
    empty.mkdir()
    assert load_context(empty) == Context() and load_context(None).denials and load_context(None).comparisons


def test_budget_per_severity_and_the_rest_summarised():
    made = [_alert(severity=s, value=f"{s}{i}", count=10 - i) for s, n in (("高", 2), ("中", 4), ("低", 6))
            for i in range(n)]
    shown, held = alerts.budgeted(alerts.dedupe(made), (5, 3, 1))
    assert [a.value for a in shown] == ["高0", "高1", "中0", "中1", "中2", "低0"]
    assert [a.value for a in held] == ["中3", "低1", "低2", "低3", "低4", "低5"]
    day = alerts.AlertDay(D, tuple(shown), tuple(held), (), None)
    assert day.held_text() == "另有 5 条低级预警、1 条中级预警未列出（每日按级别列出的条数有上限）。"
    assert day.counts_text() == "预警 6 条（高 2 · 中 3 · 低 1），另有 6 条未列出，部门提醒 0 个"


def test_day_alerts_apply_the_configured_budget(volume_store):
    tight = replace(SETTINGS, alert_budget=(1, 0, 0))
    day = alerts.day_alerts(volume_store, D, tight, now=AT_NOON + timedelta(days=30))
    assert [a.value for a in day.warnings] == ["稳定"] and {a.value for a in day.held} == {"新增五件", "论坛", "全部"}
    assert day.held_text() == "另有 3 条中级预警未列出（每日按级别列出的条数有上限）。"


# ------------------------------------------------------------------------------- on the demo data
DEMO_END = datetime(2024, 6, 1, 8, 0)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from dashboard.core.config import settings_for
    from dashboard.core.demo import generate_items

    demo_settings = settings_for(tmp_path_factory.mktemp("demo") / "data")
    demo_con = store.connect(demo_settings.db_path)
    outcome = ingest_frame(demo_con, generate_items(20_000, days=180, seed=42, end=DEMO_END), demo_settings, "演示",
                           demo=True)
    assert outcome.loaded_new == 20_000
    yield demo_con
    demo_con.close()


def test_demo_bursts_caught_and_normal_days_quiet(demo_store):
    """Every burst the demo plans (demo.planned_incidents) raises an alert with its items within its first
    three days; a normal day lists at most 10 (warnings and reminders), the 20,000-item demo that
    `python -m dashboard demo` loads."""
    from dashboard.core.demo import planned_incidents

    settings = AnalyticsSettings()
    incidents = planned_incidents(20_000, days=180, seed=42, end=DEMO_END)
    assert len(incidents) >= 2
    burst_days = set()
    for incident in incidents.itertuples():
        first = (pd.Timestamp(incident.onset) - pd.Timedelta(hours=8)).date()
        window = [first + timedelta(days=k) for k in range(3)]
        burst_days.update(window)
        scope = Filters(period=days_period(first, window[-1], 8), regions=(incident.region,),
                        categories=(incident.category,))
        burst = ids(store.run_query(demo_store, "alerts/items", **scope.params(), day_start_hour=8))
        caught = [a for d in window for a in alerts.day_alerts(demo_store, d, settings, now=DEMO_END).warnings
                  if burst & ids(a.items(demo_store))]
        assert caught, incident.name
        assert caught[0].severity == "高", incident.name
    normal = [DEMO_END.date() - timedelta(days=k) for k in range(1, 22)]
    for day in [d for d in normal if d not in burst_days]:
        listed = alerts.day_alerts(demo_store, day, settings, now=DEMO_END)
        assert len(listed.alerts) <= 10, (day, [a.message for a in listed.alerts])
