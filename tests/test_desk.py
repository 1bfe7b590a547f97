"""The editorial desk (issue 15) on a real store: an informant's submission reaches the desk and an editor,
who submitted it is invisible to leaders and to analysts without the desk right; an issue gets its number
only when a leader signs it, numbers are never reused, a returned issue keeps its history; the yearly
records count by construction."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dashboard.core.access import audit, choke, users
from dashboard.core.access.sessions import Session
from dashboard.core.desk import candidates, issues, records, submissions
from dashboard.core.desk.kinds import CONTENT_KINDS, PUBLIC_SENTIMENT, DeskError
from dashboard.core.desk.submissions import Submission
from dashboard.core.filters import Filters
from tests.test_metrics import load, make_item

NOW = datetime(2026, 3, 2, 9, 30)
PHONE = "13912345678"
EVENTS, POLICY = CONTENT_KINDS[2], CONTENT_KINDS[1]
PASSWORD = "correct-horse-battery"

# name: (role, unit, desk right)
PEOPLE = {
    "信息员甲": ("informant", "东城区网信办", False), "信息员乙": ("informant", "西城区网信办", False),
    "信息员丙": ("informant", "东城区网信办", False), "编辑丁": ("analyst", None, True),
    "分析员戊": ("analyst", None, False), "领导己": ("leader", None, False), "管理员庚": ("admin", None, False),
}


def person(name: str) -> Session:
    role, _, desk = PEOPLE[name]
    return Session(user=name, role=role, login_at=NOW, last_seen=NOW, desk=desk)


@pytest.fixture
def desk(con, settings):
    for name, (role, unit, desk_right) in PEOPLE.items():
        users.add(con, name, role, PASSWORD, NOW, unit=unit, desk=desk_right)
    load(con, settings, [make_item(f"W{i}", NOW - timedelta(hours=i), channel="微博", title=f"网帖{i}",
                                   content=f"某路段积水严重，第{i}条") for i in range(6)], "web")
    return con


def submit(con, settings, who: str, title: str, kind: str = EVENTS, now: datetime = NOW, **extra) -> str:
    text = extra.pop("text", f"{title}。现场群众较多，联系人电话 {PHONE}。")
    return submissions.submit(con, person(who), Submission(title=title, text=text, content_kind=kind, **extra),
                              settings, now)


def queue(con, who: str = "编辑丁"):
    return choke.run_as(con, person(who), "desk/candidates")


def candidate_of(con, item_id: str) -> int:
    frame = queue(con)
    return int(frame.loc[frame["item_ids"].map(lambda ids: item_id in list(ids)), "id"].iat[0])


# ------------------------------------------------------------------------------------------ submissions
def test_a_submission_reaches_the_desk_and_only_editors_see_who(desk, settings):
    item_id = submit(desk, settings, "信息员甲", "某小区发生燃气泄漏", urgency="紧急", source="现场",
                     link="https://example.org/a", attachment="附件：现场照片说明")
    shown = choke.run_as(desk, person("分析员戊"), "items/detail", filters=Filters().record(), item_ids=[item_id])
    assert shown["channel"].tolist() == ["信息员报送"] and shown["kind"].tolist() == ["舆情"]
    assert PHONE not in shown["content"].iat[0] and "【附件】" in shown["content"].iat[0]

    listed = queue(desk)
    row = listed.loc[listed["id"] == candidate_of(desk, item_id)].iloc[0]
    assert (row["submitter"], row["unit"], row["urgency"], row["origin"]) == ("信息员甲", "东城区网信办", "紧急", "信息员报送")
    assert queue(desk, "管理员庚")["submitter"].tolist() == ["信息员甲"]
    for reader in ("分析员戊", "领导己", "信息员乙"):
        with pytest.raises(choke.NotAllowed):
            queue(desk, reader)
    # nothing a leader or an analyst can run names the informant
    for reader in ("分析员戊", "领导己"):
        for name in ("items/list", "items/export", "issues/list"):
            params = {**Filters().params(), "limit": None} if name.startswith("items/") else {}
            frame = choke.run_as(desk, person(reader), name, **params)
            assert not frame.astype(str).apply(lambda c: c.str.contains("信息员甲")).any().any(), (reader, name)


def test_an_informant_sees_only_its_own_submissions(desk, settings):
    mine = submit(desk, settings, "信息员甲", "甲的线索")
    submit(desk, settings, "信息员乙", "乙的线索")
    own = choke.run_as(desk, person("信息员甲"), "submit/mine", submitter="信息员乙")   # the choke point decides
    assert own["id"].tolist() == [mine] and own["outcome"].tolist() == ["编辑处理中"]
    with pytest.raises(choke.NotAllowed):
        choke.run_as(desk, person("信息员甲"), "items/list", **Filters().params(), limit=5, offset=0)
    with pytest.raises(DeskError, match="不能报送"):
        submit(desk, settings, "分析员戊", "不是信息员")


def test_a_submission_with_problems_is_refused_with_reasons(desk, settings):
    with pytest.raises(DeskError, match="请填写标题.*请选择信息类别"):
        submissions.submit(desk, person("信息员甲"), Submission(title=" ", text="内容", content_kind="其他"),
                           settings, NOW)
    assert queue(desk).empty


# ------------------------------------------------------------------------------------------ the desk
def test_the_editor_words_merges_and_sets_aside(desk, settings):
    first = candidate_of(desk, submit(desk, settings, "信息员甲", "河道污染"))
    second = candidate_of(desk, submit(desk, settings, "信息员丙", "河道又见死鱼"))
    picked = candidates.pick(desk, person("编辑丁"), "明细", "W1", ["W1"], NOW)
    assert candidates.pick(desk, person("编辑丁"), "明细", "W1", ["W1"], NOW) is None, "added once"
    with pytest.raises(DeskError, match="只有编辑"):
        candidates.pick(desk, person("分析员戊"), "明细", "W2", ["W2"], NOW)

    candidates.merge(desk, person("编辑丁"), first, [second], NOW)
    merged = candidates.find(desk, first)
    assert sorted(merged["item_ids"]) == sorted(candidates.find(desk, first)["item_ids"]) and len(merged["item_ids"]) == 2
    assert candidates.find(desk, second)["state"] == "已合并"
    with pytest.raises(DeskError, match="已并入"):
        candidates.edit(desk, person("编辑丁"), second, NOW, content_kind=EVENTS, headline="x", editor_note="",
                        wording="y")
    candidates.edit(desk, person("编辑丁"), first, NOW, content_kind=EVENTS, headline="城区河道污染引关注",
                    editor_note="需环保部门尽快核查", wording="多名信息员报告……")
    with pytest.raises(DeskError, match="写明原因"):
        candidates.set_aside(desk, person("编辑丁"), picked, " ", NOW)
    candidates.set_aside(desk, person("编辑丁"), picked, "信息价值不大", NOW)
    states = queue(desk).set_index("id")["state"].to_dict()
    assert states == {first: "待选", picked: "搁置"}             # the merged one is not listed on its own
    actions = audit.entries(desk, limit=None)["action"].tolist()
    assert {"desk_pick", "desk_merge", "desk_edit", "desk_set_aside", "desk_submit"} <= set(actions)


# ------------------------------------------------------------------------------------------ issues
def ready_candidate(con, settings, who: str, title: str, kind: str = EVENTS, now: datetime = NOW) -> int:
    cid = candidate_of(con, submit(con, settings, who, title, kind=kind, now=now))
    candidates.edit(con, person("编辑丁"), cid, now, content_kind=kind, headline=title, editor_note="",
                    wording=f"{title}：编辑整理的文字。")
    return cid


def test_an_issue_is_numbered_only_when_a_leader_signs_it(desk, settings):
    cid = ready_candidate(desk, settings, "信息员甲", "暴雨致道路积水")
    issue = issues.create(desk, person("编辑丁"), [cid], NOW)
    assert issues.find(desk, issue)["number"] is None or str(issues.find(desk, issue)["number"]) == "<NA>"
    with pytest.raises(DeskError, match="只有领导"):
        issues.sign(desk, person("编辑丁"), issue, NOW)
    with pytest.raises(DeskError, match="只有待审"):
        issues.sign(desk, person("领导己"), issue, NOW)          # a draft cannot be signed
    assert "送审稿" in issues.draft_report(desk, issue).markdown()
    issues.send_for_approval(desk, person("编辑丁"), issue, NOW)
    with pytest.raises(DeskError, match="正等领导审签"):
        candidates.edit(desk, person("编辑丁"), cid, NOW, content_kind=EVENTS, headline="改", editor_note="",
                        wording="改")
    for not_leader in ("编辑丁", "分析员戊", "管理员庚"):
        with pytest.raises(DeskError, match="只有领导"):
            issues.sign(desk, person(not_leader), issue, NOW)
    number = issues.sign(desk, person("领导己"), issue, NOW + timedelta(hours=1))
    signed = issues.find(desk, issue)
    assert (number, signed["state"], signed["year"], signed["signed_by"]) == (1, "已签发", 2026, "领导己")
    docx = issues.issued_docx(desk, issue)
    assert docx[:2] == b"PK"
    text = issues.draft_report(desk, issue).markdown()
    assert "2026年第 1 期" in text and "暴雨致道路积水" in text and "市委办公室" in text
    with pytest.raises(DeskError, match="已签发，不能再修改"):
        candidates.edit(desk, person("编辑丁"), cid, NOW, content_kind=EVENTS, headline="改", editor_note="",
                        wording="改")
    sign_row = audit.entries(desk, action="desk_issue_sign")
    assert sign_row["user_name"].tolist() == ["领导己"] and sign_row["file_hash"].notna().all()


def test_an_issue_is_not_sent_with_unfinished_entries(desk, settings):
    raw = candidate_of(desk, submit(desk, settings, "信息员甲", "未编辑的线索"))
    candidates.edit(desk, person("编辑丁"), raw, NOW, content_kind=EVENTS, headline="未编辑的线索", editor_note="",
                    wording="有文字")
    blank = candidates.pick(desk, person("编辑丁"), "明细", "W3", ["W3"], NOW)   # no kind yet
    issue = issues.create(desk, person("编辑丁"), [raw, blank], NOW)
    with pytest.raises(DeskError, match=f"候选 {blank}"):
        issues.send_for_approval(desk, person("编辑丁"), issue, NOW)
    with pytest.raises(DeskError, match="不在待选"):
        issues.create(desk, person("编辑丁"), [raw], NOW)        # already in an issue


def test_a_returned_issue_keeps_its_history(desk, settings):
    cid = ready_candidate(desk, settings, "信息员甲", "某校食堂投诉")
    issue = issues.create(desk, person("编辑丁"), [cid], NOW)
    issues.send_for_approval(desk, person("编辑丁"), issue, NOW + timedelta(minutes=5))
    with pytest.raises(DeskError, match="写明意见"):
        issues.return_issue(desk, person("领导己"), issue, "", NOW)
    issues.return_issue(desk, person("领导己"), issue, "请补充学校的回应", NOW + timedelta(minutes=30))
    assert issues.find(desk, issue)["state"] == "退回"
    candidates.edit(desk, person("编辑丁"), cid, NOW, content_kind=EVENTS, headline="某校食堂投诉",
                    editor_note="学校已回应", wording="补充了学校的回应。")
    issues.send_for_approval(desk, person("编辑丁"), issue, NOW + timedelta(minutes=40))
    issues.sign(desk, person("领导己"), issue, NOW + timedelta(minutes=50), comment="同意")
    history = issues.history(desk, issue)
    assert history[["actor", "from_state", "to_state"]].fillna("").values.tolist() == [
        ["编辑丁", "", "草稿"], ["编辑丁", "草稿", "待审"], ["领导己", "待审", "退回"], ["编辑丁", "退回", "待审"],
        ["领导己", "待审", "已签发"]]
    assert history["comment"].tolist()[2] == "请补充学校的回应" and history["comment"].tolist()[4] == "同意"
    assert history["happened_at"].is_monotonic_increasing


def test_numbers_are_never_reused(desk, settings, monkeypatch):
    made = []
    for k in range(3):
        issue = issues.create(desk, person("编辑丁"), [ready_candidate(desk, settings, "信息员甲", f"线索{k}")], NOW)
        issues.send_for_approval(desk, person("编辑丁"), issue, NOW)
        made.append(issue)
    assert issues.sign(desk, person("领导己"), made[0], NOW) == 1
    # a signing that fails half-way (after taking a number) leaves no trace: the issue waits, no number is used up
    from dashboard.core.reports import desk_issue

    def broken(*_):
        raise RuntimeError("disk full")
    monkeypatch.setattr(desk_issue, "issue_report", broken)
    with pytest.raises(RuntimeError):
        issues.sign(desk, person("领导己"), made[1], NOW)
    monkeypatch.undo()
    assert issues.find(desk, made[1])["state"] == "待审"
    assert issues.sign(desk, person("领导己"), made[2], NOW) == 2
    assert issues.sign(desk, person("领导己"), made[1], NOW) == 3
    with pytest.raises(DeskError, match="只有待审"):
        issues.sign(desk, person("领导己"), made[1], NOW)          # signing twice never takes another number
    next_year = issues.create(desk, person("编辑丁"), [ready_candidate(desk, settings, "信息员乙", "新年线索")], NOW)
    issues.send_for_approval(desk, person("编辑丁"), next_year, NOW)
    assert issues.sign(desk, person("领导己"), next_year, datetime(2027, 1, 2, 9)) == 1     # numbered per year
    numbers = choke.run_as(desk, person("领导己"), "issues/list", states=["已签发"])
    assert sorted(zip(numbers["year"], numbers["number"])) == [(2026, 1), (2026, 2), (2026, 3), (2027, 1)]


# ------------------------------------------------------------------------------------------ records
def test_yearly_statistics_count_by_construction(desk, settings):
    """Three informants in two units; four issues: January (2 entries), February (3 entries, one of them two
    merged submissions, one 社情民意), one returned and never signed, one signed the next year."""
    jan, feb, later = datetime(2025, 1, 20, 10), datetime(2025, 2, 10, 10), datetime(2026, 1, 5, 10)
    a1 = ready_candidate(desk, settings, "信息员甲", "甲一", now=jan)
    b1 = ready_candidate(desk, settings, "信息员乙", "乙一", kind=PUBLIC_SENTIMENT, now=jan)
    first = issues.create(desk, person("编辑丁"), [a1, b1], jan)
    a2 = ready_candidate(desk, settings, "信息员甲", "甲二", now=feb)
    c1 = ready_candidate(desk, settings, "信息员丙", "丙一", now=feb)          # merged into a2: adopted with it
    candidates.merge(desk, person("编辑丁"), a2, [c1], feb)
    b2 = ready_candidate(desk, settings, "信息员乙", "乙二", kind=PUBLIC_SENTIMENT, now=feb)
    w1 = candidates.pick(desk, person("编辑丁"), "明细", "W1", ["W1"], feb)
    candidates.edit(desk, person("编辑丁"), w1, feb, content_kind=POLICY, headline="网帖", editor_note="", wording="网帖。")
    second = issues.create(desk, person("编辑丁"), [a2, b2, w1], feb, recipients=["市委办公室", "市委宣传部", "市政府办公室"])
    a3 = ready_candidate(desk, settings, "信息员甲", "甲三", now=feb)          # only in a returned issue
    returned = issues.create(desk, person("编辑丁"), [a3], feb)
    a4 = ready_candidate(desk, settings, "信息员甲", "甲四", now=feb)
    candidates.set_aside(desk, person("编辑丁"), a4, "已有同类报道", feb)
    c2 = ready_candidate(desk, settings, "信息员丙", "丙二", now=later)        # next year
    third = issues.create(desk, person("编辑丁"), [c2], later)
    for issue, when in ((first, jan), (second, feb), (returned, feb), (third, later)):
        issues.send_for_approval(desk, person("编辑丁"), issue, when)
    issues.sign(desk, person("领导己"), first, jan + timedelta(hours=2))
    issues.sign(desk, person("领导己"), second, feb + timedelta(hours=2))
    issues.return_issue(desk, person("领导己"), returned, "不报", feb + timedelta(hours=2))
    issues.sign(desk, person("领导己"), third, later + timedelta(hours=2))

    year = records.Span.year(2025)
    months = records.by_month(desk, year)
    assert months.values.tolist() == [["2025-01", 1, 2], ["2025-02", 1, 3]]
    kinds = records.by_kind(desk, year).set_index("content_kind")["entries"].to_dict()
    assert kinds == {EVENTS: 2, PUBLIC_SENTIMENT: 2, POLICY: 1}
    assert records.totals(months, records.by_kind(desk, year)) == records.Totals(2, 5, 2)
    sent = records.by_recipient(desk, year).set_index("recipient")[["issues", "entries"]].values.tolist()
    assert dict(zip(records.by_recipient(desk, year)["recipient"], sent)) == {
        "市委办公室": [2, 5], "市委宣传部": [2, 5], "市政府办公室": [1, 3]}
    people = records.by_informant(desk, year).set_index("submitter")
    assert people.loc["信息员甲", ["submitted", "adopted"]].tolist() == [4, 2]      # 甲三 returned, 甲四 set aside
    assert people.loc["信息员乙", ["submitted", "adopted"]].tolist() == [2, 2]
    assert people.loc["信息员丙", ["submitted", "adopted"]].tolist() == [1, 1]      # 丙二 is next year's
    assert people.loc["信息员甲", "adoption_rate"] == pytest.approx(0.5)
    units = records.by_unit(desk, year).set_index("unit")[["submitted", "adopted"]].values.tolist()
    assert dict(zip(records.by_unit(desk, year)["unit"], units)) == {"东城区网信办": [5, 3], "西城区网信办": [2, 2]}
    with pytest.raises(choke.NotAllowed):
        choke.run_as(desk, person("领导己"), "desk/stats_by_informant", start=year.start, end=year.end)
    mine = choke.run_as(desk, person("信息员甲"), "submit/mine").set_index("title")["outcome"].to_dict()
    assert mine == {"甲一": "已采用", "甲二": "已采用", "甲三": "已编入摘报，待领导签发", "甲四": "未采用：已有同类报道"}


# ------------------------------------------------------------------------------------------ the machine draft
def test_the_machine_draft_puts_its_alerts_and_topics_on_the_desk_once(con, settings):
    from datetime import date

    from dashboard.core.analytics import alerts, topics
    from dashboard.core.demo.generator import generate_items
    from dashboard.core.filters import day_period
    from dashboard.core.ingest.loader import ingest_frame

    end, day = datetime(2024, 5, 1, 8), date(2024, 4, 30)
    ingest_frame(con, generate_items(n=1500, days=40, seed=3, end=end), settings, "demo")
    users.add(con, "编辑丁", "analyst", PASSWORD, NOW, desk=True)
    listed = alerts.day_alerts(con, day, dicts_dir=settings.dicts_dir, now=end)
    hot = topics.hot_topics(con, Filters(period=day_period(day, 8)), limit=200)[:5]
    assert listed.warnings and hot, "the fixture day must have alerts and topics, or this test proves nothing"
    added = candidates.from_machine_draft(con, person("编辑丁"), day, end, dicts_dir=settings.dicts_dir)
    assert added == len(listed.warnings) + len(hot)
    frame = queue(con)
    assert sorted(frame["origin"].value_counts().items()) == sorted(
        {"预警": len(listed.warnings), "热点话题": len(hot)}.items())
    by_wording = set(frame["wording"])
    assert {a.message for a in listed.warnings} <= by_wording and (frame["items"] > 0).all()
    assert set(frame.loc[frame["origin"] == "热点话题", "headline"]) == {t.label for t in hot}
    assert candidates.from_machine_draft(con, person("编辑丁"), day, end, dicts_dir=settings.dicts_dir) == 0
    with pytest.raises(DeskError, match="只有编辑"):
        candidates.from_machine_draft(con, person("领导己"), day, end)
