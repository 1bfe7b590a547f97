"""Department responsiveness on fixtures whose right answers are known by construction.

The acceptance fixture rebuilds DOMAIN.md's monthly bulletin: 1–29 February (2024 is a leap year),
540 requests received (valid or not, assigned or not: 150 of the 204 invalid ones were never assigned),
336 valid, 205 to municipal departments and 131 to counties/districts; municipal departments replied to
195 and 185 were satisfied (95% / 90%); 22 departments at 100% on both rates; 4 departments below 90% on
both. 60 web posts (微博/论坛/新闻: web opinion, not requests) never count.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.core.analytics import metrics
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, Period, days_period
from dashboard.core.ingest.loader import ingest_frame

RULES = AnalyticsSettings(min_denominator=5, overdue_days=15, reminder_threshold=0.9, reminder_rule="both",
                          average_mode="pooled", day_start_hour=8)
FEB = metrics.month_period(2024, 2)          # 2024-02-01 00:00 .. 2024-03-01 00:00
MARCH_1 = datetime(2024, 3, 1)


def make_item(item_id: str, published: datetime, department: str | None = None, level: str | None = None,
              valid: bool = True, replied: datetime | None = None, satisfaction: str | None = None,
              sentiment: str | None = None, category: str = "城乡建设", region: str = "A市",
              channel: str = "留言板", title: str | None = None, content: str | None = None) -> dict:
    return {
        "id": item_id, "title": title or f"诉求{item_id}", "content": content or "小区路灯不亮，请尽快维修。",
        "published_at": published.strftime("%Y-%m-%d %H:%M:%S"), "channel": channel, "category": category,
        "region": region, "department": department, "department_level": level, "is_valid": valid,
        "replied_at": replied.strftime("%Y-%m-%d %H:%M:%S") if replied else None,
        "satisfaction": satisfaction, "sentiment": sentiment, "likes": 0,
    }


def load(con, settings, rows: list[dict], name: str = "fixture") -> None:
    outcome = ingest_frame(con, pd.DataFrame(rows), settings, name)
    assert outcome.status == "loaded" and outcome.loaded_new == len(rows), outcome


# ------------------------------------------------------------------------------ the bulletin fixture
HONOUR = [f"市直属第{i:02d}局" for i in range(1, 23)]
REMINDED = ["市甲管理处", "市乙服务中心", "市丙集团", "市丁银行"]
MIDDLE = ["市戊局", "市己局", "市庚局", "市辛局", "市壬局"]
COUNTIES = [f"A{i}区人民政府" for i in range(1, 8)]
WEB_POSTS = 60


class Builder:
    def __init__(self):
        self.rows: list[dict] = []
        self.k = 0

    def add(self, department, level, *, valid=True, replied=True, satisfaction="满意", reply_at=None):
        self.k += 1
        published = datetime(2024, 2, 1 + self.k % 20, 9 + self.k % 8, 30)
        when = None
        if replied:
            when = reply_at or published + timedelta(days=1 + self.k % 5, hours=2)
        self.rows.append(make_item(f"B{self.k:04d}", published, department, level, valid, when,
                                   satisfaction if replied else None))


def bulletin_rows() -> list[dict]:
    b = Builder()
    # 22 honour departments × 5 valid items, all replied and satisfied (10 of them 基本满意) = 110
    for i, dept in enumerate(HONOUR):
        for j in range(5):
            b.add(dept, "市直", satisfaction="基本满意" if (j == 0 and i < 10) else "满意")
    # 4 reminded departments × 10 valid: 8 replied, 7 satisfied (1 基本满意), 1 不满意, 2 open = 40/32/28
    for dept in REMINDED:
        for j in range(10):
            if j < 7:
                b.add(dept, "市直", satisfaction="基本满意" if j == 0 else "满意")
            elif j == 7:
                b.add(dept, "市直", satisfaction="不满意")
            else:
                b.add(dept, "市直", replied=False)
    # 5 middle departments × 11 valid = 55; replied 10+10+11+11+11 = 53; satisfied 10+10+9+9+9 = 47
    for i, dept in enumerate(MIDDLE):
        for j in range(11):
            if i < 2:   # 90.9% on both: neither honoured nor reminded
                basic = j < (2 if i == 0 else 1)
                b.add(dept, "市直", replied=j < 10, satisfaction="基本满意" if basic else "满意")
            else:       # 100% replied, 81.8% satisfied: below on one rate only
                sat = {0: "基本满意", 9: "不满意", 10: None}.get(j, "满意")
                b.add(dept, "市直", satisfaction=sat)
    # 7 county governments: 6 × 19 valid (18 replied, satisfied) + 1 × 17 (16) = 131 valid, 124 replied.
    # A1区's open item is answered on 3 March (不满意): after the period, so open as of its end; the
    # bulletin report counts it (data cut-off 3 March), A1区 still below 100% satisfied: not honoured.
    for i, dept in enumerate(COUNTIES):
        size = 19 if i < 6 else 17
        for j in range(size):
            if j < size - 1:
                b.add(dept, "县市区")
            elif i == 0:
                b.add(dept, "县市区", reply_at=datetime(2024, 3, 3, 10), satisfaction="不满意")
            else:
                b.add(dept, "县市区", replied=False)
    # 204 invalid requests: 150 never assigned to a department (some answered all the same),
    # 34 municipal and 20 county ones assigned.
    for j in range(150):
        b.add(None, None, valid=False, replied=j % 3 == 0, satisfaction="满意")
    municipal = HONOUR[:20] + REMINDED + MIDDLE + HONOUR[:5]
    for dept in municipal[:34]:
        b.add(dept, "市直", valid=False, replied=False)
    for j in range(20):
        b.add(COUNTIES[j % 7], "县市区", valid=False, replied=j % 2 == 0, satisfaction="不满意")
    # 60 web posts without a department (微博/论坛/新闻; half marked valid, none replied): web opinion,
    # never counted as requests, never "unanswered".
    for j in range(WEB_POSTS):
        b.rows.append(make_item(f"W{j:03d}", datetime(2024, 2, 1 + j % 28, 12, 15), None, None, valid=j % 2 == 0,
                                channel=("微博", "论坛", "新闻")[j % 3], title=f"网帖{j}"))
    # Outside the period: must not count (the end is exclusive).
    b.rows.append(make_item("OUT1", datetime(2024, 1, 31, 23, 59, 59), HONOUR[0], "市直"))
    b.rows.append(make_item("OUT2", datetime(2024, 3, 1, 0, 0, 0), HONOUR[0], "市直"))
    return b.rows


@pytest.fixture
def bulletin_store(con, settings):
    load(con, settings, bulletin_rows(), "bulletin")
    return con


FEB_FILTERS = Filters(period=FEB)


CUTOFF = datetime(2024, 3, 3, 10)                # the newest reply in the fixture: the data cut-off


def test_bulletin_reproduces_the_domain_figures(bulletin_store):
    b = metrics.bulletin(bulletin_store, FEB_FILTERS, RULES)
    assert b.as_of == CUTOFF                       # replies known when the data was last updated
    assert (b.total.received, b.total.valid) == (540, 336)
    assert (b.municipal.valid, b.county.valid) == (205, 131)
    assert (b.municipal.replied, b.municipal.satisfied) == (195, 185)
    assert b.municipal.reply.rounded() == 95 and b.municipal.satisfaction.rounded() == 90
    assert b.municipal.reply.formula == "答复率 = 已答复 195 ÷ 有效件 205 = 95.1%"
    assert b.municipal.satisfaction.formula == "满意率 = 满意 185 ÷ 有效件 205 = 90.2%"
    assert b.honour == HONOUR and len(b.honour) == 22
    assert b.reminder == sorted(REMINDED) and len(b.reminder) == 4
    text = b.text()
    for piece in ("2024年2月1日至2月29日", "540 件", "336 件", "205 件", "131 件", "已答复 195 件", "满意 185 件",
                  "平均答复率 95%", "平均满意率 90%", "有 22 个", "有 4 个", "均低于 90%"):
        assert piece in text, piece


def test_group_summary_counts_every_request(bulletin_store):
    groups = {g.group: g for g in metrics.group_summary(bulletin_store, FEB_FILTERS, RULES)}
    assert list(groups) == ["市直", "县市区", "未标注", "合计"]
    assert groups["市直"].received == 205 + 34 and groups["县市区"].received == 131 + 20
    assert groups["未标注"].received == 150 and groups["未标注"].valid == 0
    assert groups["县市区"].replied == 125 and groups["县市区"].open_items == 6   # A1区 answered on 3 March
    assert sum(g.received for k, g in groups.items() if k != "合计") == groups["合计"].received == 540
    assert groups["合计"].valid == 336
    assert groups["市直"].departments == 31 and groups["县市区"].departments == 7
    frame = metrics.group_table(bulletin_store, FEB_FILTERS, RULES)
    assert frame["received"].tolist() == [239, 151, 150, 540]


def test_web_opinion_is_never_counted_or_unanswered(bulletin_store):
    table = metrics.department_table(bulletin_store, FEB_FILTERS, RULES)
    assert table.loc[table["department"] == "未标注", "received"].tolist() == [150]   # the unassigned requests
    overdue = metrics.overdue_items(bulletin_store, FEB_FILTERS, RULES, as_of=datetime(2024, 4, 1))
    assert not overdue["id"].str.startswith("W").any() and len(overdue) > 0
    shortfall = metrics.shortfall_items(bulletin_store, FEB_FILTERS, RULES)
    assert not shortfall["id"].str.startswith("W").any()
    assert bulletin_store.execute("select count(*) from items where id like 'W%' and kind = '舆情'").fetchall() == [(60,)]


def test_mean_of_department_rates_differs_from_pooled(bulletin_store):
    m = {g.group: g for g in metrics.group_summary(bulletin_store, FEB_FILTERS, RULES)}["市直"]
    reply_rates = [1.0] * 22 + [0.8] * 4 + [10 / 11] * 2 + [1.0] * 3
    satisfaction_rates = [1.0] * 22 + [0.7] * 4 + [10 / 11] * 2 + [9 / 11] * 3
    assert m.reply_mean.denominator == 31
    assert m.reply_mean.value == pytest.approx(sum(reply_rates) / 31)            # 96.8%
    assert m.satisfaction_mean.value == pytest.approx(sum(satisfaction_rates) / 31)  # 93.8%
    assert m.reply.value == pytest.approx(195 / 205)
    assert m.reply_average is m.reply                       # average_mode pooled
    assert m.reply_mean.percent() == "96.8%" and "部门数 31" in m.reply_mean.formula
    mean_rules = replace(RULES, average_mode="mean")
    b = metrics.bulletin(bulletin_store, FEB_FILTERS, mean_rules)
    assert b.municipal.reply_average.rounded() == 97 and b.municipal.satisfaction_average.rounded() == 94
    assert "平均答复率 97%" in b.text()


def test_reminder_rule_both_or_either(bulletin_store):
    both = metrics.reminder_list(bulletin_store, FEB_FILTERS, RULES)
    assert both["department"].tolist() == sorted(REMINDED)
    assert set(both["below"]) == {"答复率、满意率"}
    either = metrics.reminder_list(bulletin_store, FEB_FILTERS, replace(RULES, reminder_rule="either"))
    assert sorted(either["department"]) == sorted(REMINDED + MIDDLE[2:])
    assert set(either.loc[either["department"].isin(MIDDLE[2:]), "below"]) == {"满意率"}
    with pytest.raises(ValueError):
        metrics.reminder_list(bulletin_store, FEB_FILTERS, replace(RULES, reminder_rule="sometimes"))
    # a higher threshold catches the 90.9% departments and the 94.4% counties too; A1区 answered its last
    # request on 3 March (known by the data cut-off): 100% replied, so it is below on one rate only
    strict = metrics.reminder_list(bulletin_store, FEB_FILTERS, replace(RULES, reminder_threshold=0.95))
    assert sorted(strict["department"]) == sorted(REMINDED + MIDDLE[:2] + COUNTIES[1:])


def test_strict_satisfaction_counts_only_manyi(bulletin_store):
    b = metrics.bulletin(bulletin_store, FEB_FILTERS, RULES, satisfied=("满意",))
    assert b.municipal.satisfied == 185 - 20
    assert b.honour == HONOUR[10:]
    table = metrics.department_table(bulletin_store, FEB_FILTERS, RULES)
    municipal = table[table["group"] == "市直"]
    assert municipal["basic_satisfied"].sum() == 20 and municipal["very_satisfied"].sum() == 165


def test_department_table_rows_and_figures(bulletin_store):
    table = metrics.department_table(bulletin_store, FEB_FILTERS, RULES).set_index("department")
    assert len(table) == 22 + 4 + 5 + 7 + 1
    reminded = table.loc["市甲管理处"]
    assert (reminded["received"], reminded["valid"], reminded["replied"], reminded["satisfied"]) == (11, 10, 8, 7)
    assert (reminded["unsatisfied"], reminded["open_items"]) == (1, 2)
    assert reminded["reply_formula"] == "答复率 = 已答复 8 ÷ 有效件 10 = 80.0%"
    unlabelled = table.loc["未标注"]
    assert unlabelled["group"] == "未标注" and unlabelled["received"] == 150
    assert pd.isna(unlabelled["rank"]) and not unlabelled["honour"] and not unlabelled["reminder"]
    # ranks are 1-based within each group; the reminded departments tie on every key: all 28th of 31
    municipal = table[table["group"] == "市直"]
    assert municipal["rank"].min() == 1 and set(municipal.loc[REMINDED, "rank"]) == {28}
    assert table.loc[COUNTIES, "rank"].min() == 1
    rates = metrics.department_rates(table.loc["市甲管理处"].to_dict() | {"department": "市甲管理处"}, RULES)
    assert rates[0].value == 0.8 and rates[1].value == 0.7


def test_as_of_decides_which_replies_count(bulletin_store):
    earlier = metrics.group_summary(bulletin_store, FEB_FILTERS, RULES, as_of=MARCH_1)
    assert {g.group: g for g in earlier}["县市区"].replied == 124      # A1区's reply of 3 March not yet
    later = {g.group: g for g in metrics.group_summary(bulletin_store, FEB_FILTERS, RULES)}["县市区"]
    assert later.replied == 125                                         # as of the data cut-off
    assert metrics.figures_as_of(bulletin_store) == CUTOFF
    assert metrics.figures_as_of(bulletin_store, MARCH_1) == MARCH_1


# ------------------------------------------------------------------------------ small fixtures
def test_tiny_denominators_are_flagged(con, settings):
    t = datetime(2024, 5, 6, 10)
    rows = [make_item(f"T{i}", t, "市小局", "市直", replied=t + timedelta(days=1), satisfaction="满意")
            for i in range(3)]
    rows.append(make_item("T9", t, "市空局", "市直", valid=False))
    load(con, settings, rows)
    filters = Filters(period=days_period(date(2024, 5, 1), date(2024, 5, 31)))
    table = metrics.department_table(con, filters, RULES).set_index("department")
    small = table.loc["市小局"]
    assert small["tiny"] and small["reply_rate"] == 1.0
    assert small["reply_formula"] == "答复率 = 已答复 3 ÷ 有效件 3 = 100.0%（有效件不足 5 件，仅供参考）"
    empty = table.loc["市空局"]
    assert pd.isna(empty["reply_rate"]) and not empty["tiny"] and pd.isna(empty["rank"])
    assert empty["reply_formula"] == "答复率：有效件为 0，无法计算"
    honour = metrics.honour_list(con, filters, RULES)
    assert honour["department"].tolist() == ["市小局"] and bool(honour["tiny"].iat[0])
    assert not metrics.honour_list(con, filters, replace(RULES, min_denominator=3))["tiny"].iat[0]
    assert str(metrics.Rate("答复率", 3, 3)) == "100.0%*"
    assert metrics.Rate("答复率", 0, 0).value is None and metrics.Rate("答复率", 0, 0).percent() == "—"


def test_unlabelled_department_is_counted_never_dropped(con, settings):
    t = datetime(2024, 5, 6, 10)
    rows = [make_item("U1", t, None, None, replied=t + timedelta(hours=3), satisfaction="满意"),
            make_item("U2", t, None, None),
            make_item("D1", t, "市住建局", "市直", replied=t + timedelta(hours=3), satisfaction="满意")]
    load(con, settings, rows)
    filters = Filters(period=days_period(date(2024, 5, 1), date(2024, 5, 31)))
    table = metrics.department_table(con, filters, RULES).set_index("department")
    assert (table.loc["未标注", "received"], table.loc["未标注", "valid"], table.loc["未标注", "replied"]) == (2, 2, 1)
    groups = {g.group: g for g in metrics.group_summary(con, filters, RULES)}
    assert groups["合计"].valid == 3 and groups["合计"].replied == 2 and groups["未标注"].valid == 2
    assert groups["合计"].reply_mean.denominator == 1      # 未标注 is not a department in the mean
    assert metrics.honour_list(con, filters, RULES)["department"].tolist() == ["市住建局"]
    # the drill-down filter reaches the unlabelled items too
    only = Filters(period=filters.period, departments=("未标注",))
    assert sorted(metrics.shortfall_items(con, only, RULES)["id"]) == ["U2"]


def plain(series: pd.Series) -> dict:
    return {k: None if pd.isna(v) else int(v) for k, v in series.items()}


def test_rank_movement_and_ties(con, settings):
    """Previous 10 days: A 100%, C 80%, B 50%. Current 10 days: B 100%, A 80%, C 60%, D = B (tie)."""
    current = Period(datetime(2024, 5, 11), datetime(2024, 5, 21))
    previous = current.previous()
    rows = []

    def dept(name, start, valid, replied):
        for i in range(valid):
            t = start + timedelta(days=1, hours=i)
            rows.append(make_item(f"{name}{start.day}-{i}", t, name, "市直",
                                  replied=t + timedelta(days=1) if i < replied else None,
                                  satisfaction="满意" if i < replied else None))

    dept("市甲局", previous.start, 10, 10)
    dept("市乙局", previous.start, 10, 5)
    dept("市丙局", previous.start, 10, 8)
    dept("市甲局", current.start, 10, 8)
    dept("市乙局", current.start, 10, 10)
    dept("市丙局", current.start, 10, 6)
    dept("市丁局", current.start, 10, 10)        # same figures as 市乙局 in every key: shares rank 1
    load(con, settings, rows)
    table = metrics.department_table(con, Filters(period=current), RULES).set_index("department")
    assert str(table["rank"].dtype) == "Int64"
    assert plain(table["rank"]) == {"市丁局": 1, "市乙局": 1, "市甲局": 3, "市丙局": 4}
    assert plain(table["previous_rank"]) == {"市丁局": None, "市乙局": 3, "市甲局": 1, "市丙局": 2}
    assert plain(table["rank_change"]) == {"市丁局": None, "市乙局": 2, "市甲局": -2, "市丙局": -2}
    assert list(table.index) == ["市丁局", "市乙局", "市甲局", "市丙局"]   # rank, then name within a tie
    # a faster median response breaks the tie
    con.execute("update items set replied_at = replied_at - interval 12 hours where department = '市丁局'")
    table = metrics.department_table(con, Filters(period=current), RULES).set_index("department")
    assert (table.loc["市丁局", "rank"], table.loc["市乙局", "rank"]) == (1, 2)


def test_overdue_open_replied_late_and_aging(con, settings):
    as_of = datetime(2024, 6, 1, 12)
    d = lambda days, hours=0: as_of - timedelta(days=days, hours=hours)  # noqa: E731
    rows = [
        make_item("O1", d(20), "市住建局", "市直"),                                   # open 20 d: overdue
        make_item("O2", d(15), "市住建局", "市直"),                                   # exactly 15 d: not yet
        make_item("O3", d(15, 1), "市住建局", "市直"),                                # 15 d 1 h: overdue
        make_item("O4", d(40), "市住建局", "市直", replied=d(20), satisfaction="满意"),  # replied after 20 d
        make_item("O5", d(40), "市住建局", "市直", replied=d(30), satisfaction="满意"),  # replied in 10 d
        make_item("O6", d(2), "市住建局", "市直"),                                    # open 2 d
        make_item("O7", d(5), "市住建局", "市直"),                                    # open 5 d
        make_item("O8", d(35), "市住建局", "市直"),                                   # open 35 d
        make_item("O9", d(35), "市住建局", "市直", valid=False),                      # invalid: never overdue
        make_item("O10", d(25), "市住建局", "市直", replied=datetime(2024, 6, 2, 10), satisfaction="满意"),
    ]   # O10 is answered after as_of: open (25 d) as of as_of
    load(con, settings, rows)
    filters = Filters(period=Period(datetime(2024, 1, 1), datetime(2024, 6, 1, 12)))
    items = metrics.overdue_items(con, filters, RULES, as_of=as_of)
    kinds = dict(zip(items["id"], items["overdue_kind"]))
    assert kinds == {"O1": "超期未答复", "O3": "超期未答复", "O8": "超期未答复", "O10": "超期未答复",
                     "O4": "超期答复"}
    assert items.loc[items["id"] == "O4", "days"].iat[0] == 20.0
    only_open = metrics.overdue_items(con, filters, RULES, as_of=as_of, kind=metrics.OVERDUE_OPEN)
    assert sorted(only_open["id"]) == ["O1", "O10", "O3", "O8"]
    row = metrics.department_table(con, filters, RULES, as_of=as_of).set_index("department").loc["市住建局"]
    assert (row["overdue_open"], row["replied_late"], row["open_items"]) == (4, 1, 7)
    assert row["response_days_max"] == 20.0 and row["response_days_median"] == 15.0
    assert row["oldest_open_days"] == 35.0
    bands = metrics.aging_bands(con, filters, RULES, as_of=as_of)
    assert bands["band"].tolist() == list(metrics.AGING_BANDS)
    # O6 2 d | O7 5 d | O2 15 d | O3 15.04 d, O1 20 d, O10 25 d | O8 35 d
    assert bands["items"].tolist() == [1, 1, 1, 3, 1]
    # a longer limit: nothing is overdue
    assert metrics.overdue_items(con, filters, replace(RULES, overdue_days=40), as_of=as_of).empty


def test_monitoring_day_periods_put_0759_on_the_previous_day(con, settings):
    rows = [make_item("M1", datetime(2024, 5, 7, 7, 59), "市住建局", "市直"),
            make_item("M2", datetime(2024, 5, 7, 8, 0), "市住建局", "市直")]
    load(con, settings, rows)
    may6 = Filters(period=days_period(date(2024, 5, 6), date(2024, 5, 6), 8))
    may7 = Filters(period=days_period(date(2024, 5, 7), date(2024, 5, 7), 8))
    assert metrics.group_summary(con, may6, RULES)[-1].received == 1
    assert metrics.group_summary(con, may7, RULES)[-1].received == 1
    assert sorted(metrics.shortfall_items(con, may6, RULES)["id"]) == ["M1"]


def test_rate_formula_and_rules_text():
    rate = metrics.Rate("答复率", 195, 205)
    assert rate.formula == "答复率 = 已答复 195 ÷ 有效件 205 = 95.1%" and not rate.tiny
    assert rate.as_dict()["value"] == pytest.approx(0.9512195)
    text = "".join(metrics.rules_text(RULES))
    assert "满意、基本满意" in text and "15 天" in text and "90%" in text
    assert "满意" in "".join(metrics.rules_text(RULES, satisfied=("满意",)))
