"""Reply substance (答复质量, issue 15 point 5): rules on reply shapes taken from real message-board replies,
then a real store: judged at ingest, verdicts per reply and per department, re-judged when a reply changes,
and the `report replies` CLI (CSV columns, Markdown)."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core import store
from dashboard.core.analytics import replies
from dashboard.core.config import settings_for
from dashboard.core.filters import Filters
from dashboard.core.ingest.loader import ingest_file
from dashboard.core.text.tokens import get_tokenizer

DICTS = Path(__file__).resolve().parents[1] / "data" / "dicts"
RULES = replies.load_rules(DICTS)

# Shapes of real replies (附件4): acknowledgement or forwarding only.
ACKNOWLEDGEMENTS = [
    "网友：您好！留言已收悉",
    "已收悉",
    "您的留言已收悉！我们已将您反映的问题转相关部门进行处理，敬请关注后续回复，谢谢！",
    "您的留言已收悉。关于您反映的问题，已转F9市调查处理。",
    "您好，你所反映的问题已转交相关单位调查处置。",
]
SPECIFIC = ("网友“UU0081984”您好！您反映的情况已收悉，我局迅速组织工作人员深入现场调查核实，现回复如下：燕兴华城位于C4市区"
            "涟滨南路，原102线路在该地段设置了起凤广场站点，与燕兴华城小区距离有500m。为方便群众出行，我局将于2019年8月"
            "在燕兴华城增设公交站点。感谢您对我市交通运输事业的关心。")
SPECIFIC_TITLE = "建议在燕兴华城小区门口增设公交站点"
SPECIFIC_TEXT = "燕兴华城小区居民出行不便，最近的公交站点有500米，希望在小区门口增设102路公交站点。"


def judged(title: str, text: str, reply: str) -> replies.Judgement:
    """As at ingest: the request's terms (item_terms) most frequent first."""
    counts = get_tokenizer(DICTS).term_counts(f"{title}。{text}")
    terms = sorted(counts, key=lambda t: (-counts[t], t))
    return replies.judge(title, text, reply, RULES, terms)


@pytest.mark.parametrize("reply", ACKNOWLEDGEMENTS)
def test_acknowledgement_only_replies_are_recognised(reply):
    j = judged("反映K4县某小区停水问题", "小区停水三天了，请尽快处理。", reply)
    assert j.ack_only, reply


def test_a_specific_reply_is_relevant_complete_and_not_an_acknowledgement():
    j = judged(SPECIFIC_TITLE, SPECIFIC_TEXT, SPECIFIC)
    assert not j.ack_only
    assert j.has_action and j.has_actor and j.has_time
    assert j.relevance >= 0.5 and "燕兴华城小区" in j.names_found


def test_an_answer_about_something_else_is_off_point():
    j = judged(SPECIFIC_TITLE, SPECIFIC_TEXT,
               "网友您好！根据相关政策规定，参保人员的养老金从社会保障行政部门审批退休的次月起开始发放，如有疑问请致电。")
    assert not j.ack_only and j.relevance < replies.MIN_RELEVANCE


def test_form_letters_with_names_changed_share_one_template_key():
    keys = {replies.template_key(replies.compact(f"网友“UU00{n}”您好！您反映的问题已转{place}调查处理，{day}。"), RULES)
            for n, place, day in (("81", "F9市", "2019年6月1日"), ("92", "A7县", "2019年7月12日"),
                                  ("13", "市教育局", "2018年1月3日"))}
    assert len(keys) == 1
    assert replies.template_key(SPECIFIC, RULES) not in keys


def test_a_rule_that_matches_empty_text_is_refused(tmp_path):
    text = (DICTS / replies.RULES_FILE).read_text(encoding="utf-8").replace("|调查|核实|", "|调查||核实|", 1)
    (tmp_path / replies.RULES_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="空文本"):
        replies.load_rules(tmp_path)


# --- a store -----------------------------------------------------------------------------------------

START = datetime(2024, 5, 6, 9)
TEMPLATE = "网友“{user}”您好！您的留言已收悉。关于您反映的问题，已转{place}调查处理。"


def _requests() -> pd.DataFrame:
    """By construction: 市交通局 4 replies (2 substantive: the specific one, sent twice to a duplicate
    message, is no template; 1 acknowledgement; 1 off-point); 市教育局 3 form letters with names changed
    (a template: all flagged); 市住建局 2 requests never answered (nothing judged); one web post."""
    rows = []

    def add(rid, dept, title, text, reply=None, days=3):
        published = START + timedelta(hours=len(rows))
        rows.append({"编号": rid, "标题": title, "内容": text, "发布时间": published, "渠道": "12345",
                     "承办单位": dept, "答复意见": reply,
                     "答复时间": published + timedelta(days=days) if reply else None})
    add("T1", "市交通局", SPECIFIC_TITLE, SPECIFIC_TEXT, SPECIFIC)
    add("T2", "市交通局", SPECIFIC_TITLE, SPECIFIC_TEXT + "（重复留言）", SPECIFIC)
    add("T3", "市交通局", "反映K4县某路口红绿灯故障", "K4县某路口红绿灯坏了一周。", ACKNOWLEDGEMENTS[0])
    add("T4", "市交通局", SPECIFIC_TITLE, SPECIFIC_TEXT,
        "网友您好！根据相关政策规定，参保人员的养老金从社会保障行政部门审批退休的次月起开始发放，如有疑问请致电。", days=20)
    for i, (user, place) in enumerate((("UU81", "A7县"), ("UU92", "F9市"), ("UU13", "A2区"))):
        add(f"E{i}", "市教育局", f"反映某学校收费问题{i}", "学校乱收费。", TEMPLATE.format(user=user, place=place))
    add("H1", "市住建局", "小区电梯坏了", "电梯坏了很久。")
    add("H2", "市住建局", "小区漏水", "楼顶漏水。")
    return pd.DataFrame(rows)


@pytest.fixture()
def built(tmp_path):
    settings = settings_for(tmp_path / "data")
    drops = tmp_path / "drops"
    drops.mkdir()
    _requests().to_csv(drops / "hotline.csv", index=False)
    con = store.connect(settings.db_path)
    assert ingest_file(con, drops / "hotline.csv", settings).status == "loaded"
    yield con, settings, drops
    con.close()


def test_replies_are_judged_at_ingest_with_verdicts_and_reasons(built):
    con, _, _ = built
    table = replies.judged_replies(con, Filters()).set_index("id")
    assert sorted(table.index) == ["E0", "E1", "E2", "T1", "T2", "T3", "T4"]     # unanswered: not judged
    assert table.loc["T1", "substantive"] and table.loc["T2", "substantive"]        # sent twice: no template
    assert not table.loc["T1", "boilerplate"]
    assert table.loc["T3", "boilerplate"] and "仅回复已收悉" in table.loc["T3", "reasons"]
    assert not table.loc["T4", "substantive"] and "未回应所提问题" in table.loc["T4", "reasons"]
    assert "超期答复" in table.loc["T4", "reasons"]
    for rid in ("E0", "E1", "E2"):
        assert table.loc[rid, "boilerplate"] and "模板答复（3 件相同）" in table.loc[rid, "reasons"]


def test_department_figures_count_by_construction_and_unknown_stays_absent(built):
    con, _, _ = built
    table = replies.department_quality(con, Filters()).set_index("department")
    assert table.loc["市交通局", ["judged", "substantive", "flagged", "ack_only"]].tolist() == [4, 2, 2, 1]
    assert table.loc["市交通局", "substantive_rate"] == pytest.approx(0.5)
    assert table.loc["市教育局", ["judged", "substantive", "template"]].tolist() == [3, 0, 3]
    assert "市住建局" not in table.index      # no reply known: its reply substance is unknown, not 0%
    scoped = replies.department_quality(con, Filters(departments=("市教育局",)))
    assert scoped["department"].tolist() == ["市教育局"]


def test_a_changed_reply_is_judged_again(built):
    con, settings, drops = built
    changed = _requests()
    changed.loc[changed["编号"] == "T3", "答复意见"] = (
        "网友您好！经查，K4县该路口红绿灯因线路老化故障，我局已于5月10日更换信号机，现已恢复正常。")
    changed.to_csv(drops / "hotline2.csv", index=False)
    assert ingest_file(con, drops / "hotline2.csv", settings).updated == 1
    row = replies.judged_replies(con, Filters()).set_index("id").loc["T3"]
    assert row["substantive"] and not row["boilerplate"]


def test_report_replies_writes_csv_markdown_and_docx(built, cli, tmp_path):
    con, settings, _ = built
    con.close()
    out = tmp_path / "out"
    result = cli("report", "replies", "--department", "市交通局", "-o", out / "replies.csv",
                 data_dir=settings.data_dir)
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out / "replies.csv", encoding="utf-8-sig", dtype=str)
    assert {"id", "department", "reply_chars", "relevance", "boilerplate", "reasons"} <= set(frame.columns)
    assert sorted(frame["id"]) == ["T1", "T2", "T3", "T4"]
    assert set(frame["boilerplate"]) == {"true", "false"}
    for fmt in ("md", "docx"):
        result = cli("report", "replies", "--from", "2024-05-01", "--to", "2024-05-31", "-o", out / f"r.{fmt}",
                     data_dir=settings.data_dir)
        assert result.returncode == 0, result.stderr
    text = (out / "r.md").read_text(encoding="utf-8")
    assert "共判断答复 7 件，其中实质性答复 2 件" in text and "| 市教育局 | 3 | 0 | 0.0% |" in text
    refused = cli("report", "bulletin", "--format", "csv", "-o", out / "b.csv", data_dir=settings.data_dir)
    assert refused.returncode != 0 and "只用于 replies" in refused.stderr


def test_the_bulletin_has_a_reply_substance_section_from_the_same_query(built):
    from dashboard.core import reports
    from dashboard.core.analytics import metrics

    con, _, _ = built
    text = reports.bulletin_report(con, metrics.month_period(2024, 5)).markdown(image_stem="b")
    section = text[text.index("## 六、答复质量"):]
    assert "本期判断答复 7 件，其中实质性答复 2 件（28.6%）" in section
    assert "| 市教育局 | 3 | 0 | 0.0% | 3 | 3 |" in section and "| 市交通局 | 4 | 2 | 50.0% | 1 | 0 |" in section


def test_the_server_judges_replies_a_store_holds_unjudged(built):
    """A store from before reply judging (its replies not judged) gets them from the watcher at start."""
    import time

    from dashboard.core.ingest.inbox import close_owner, open_owner

    con, settings, _ = built
    store.execute(con, "replies/clear_judgements")
    con.close()
    owner = open_owner(settings)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and replies.judged_replies(owner.con, Filters()).empty:
            time.sleep(0.1)
        assert len(replies.judged_replies(owner.con, Filters())) == 7
    finally:
        close_owner()
