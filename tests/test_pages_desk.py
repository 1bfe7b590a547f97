"""The editorial desk's pages in the real app (AppTest on a real store, the real router): an informant submits
on 信息报送, an editor works the 编辑台 and sends the issue, a leader signs it on 摘报, the informant sees it
adopted; who submitted is on no page of a leader or an analyst without the desk right."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.access import audit, users
from dashboard.core.config import settings_for
from tests.conftest import log_in
from tests.test_login import APP, PASSWORD, shown_text
from tests.test_metrics import load, make_item

INFORMANT, EDITOR, LEADER, ANALYST = "信息员小王", "编辑老李", "领导老张", "分析员小赵"
UNIT = "东城区网信办"


@pytest.fixture
def desk_store(app_data_dir):
    settings = settings_for(app_data_dir)
    con = store.connect(settings.db_path)
    now = datetime.now().replace(microsecond=0)
    load(con, settings, [make_item(f"W{i}", now - timedelta(hours=3 + i), channel="微博", title=f"网帖{i}")
                         for i in range(5)], "web")
    for name, role, unit, desk in ((INFORMANT, "informant", UNIT, False), (EDITOR, "analyst", None, True),
                                   (LEADER, "leader", None, False), (ANALYST, "analyst", None, False)):
        users.add(con, name, role, PASSWORD, now, unit=unit, desk=desk)
    con.close()


def as_user(name: str, role: str, page: str, desk: bool = False) -> AppTest:
    at = log_in(AppTest.from_file(APP, default_timeout=60), role, name=name, desk=desk)
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def select_row(at: AppTest, pattern: str, rows: list[int]) -> AppTest:
    key = next(k for k in at.session_state if re.match(pattern, k))
    at.session_state[key] = {"selection": {"rows": rows, "columns": []}}
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


@pytest.mark.anonymous
def test_from_submission_to_signed_issue_through_the_pages(desk_store):
    informant = as_user(INFORMANT, "informant", "submit")
    assert not informant.exception and [t.value for t in informant.title] == ["信息报送"]
    informant.text_input[0].input("某路口夜间施工扰民")
    informant.text_area[0].input("连续一周凌晨施工，居民反映强烈，电话 13912345678。")
    informant.selectbox[0].select("热点难点和新情况新问题")
    informant.radio[0].set_value("紧急")
    informant.button[0].click()            # the form's 报送
    informant.run()
    assert not informant.exception and any("已报送" in s for s in successes(informant))
    mine = informant.dataframe[0].value
    assert mine["处理情况"].tolist() == ["编辑处理中"] and "13912345678" not in mine.to_csv()

    editor = as_user(EDITOR, "analyst", "desk", desk=True)
    queue = editor.dataframe[0].value
    assert queue["报送人"].tolist() == [INFORMANT] and queue["单位"].tolist() == [UNIT]
    editor = select_row(editor, r"desk_queue_", [0])
    form_areas = [a for a in editor.text_area if a.label in ("编者按", "编发文字")]
    form_areas[0].input("夜间施工许可与居民休息的矛盾需协调。")
    form_areas[1].input("东城区某路口连续一周凌晨施工，居民反映强烈。")
    button(editor, "保存").click()
    editor.run()
    assert not editor.exception and "已保存。" in successes(editor)
    editor = select_row(editor, r"desk_queue_", [0])
    button(editor, "编入新一期摘报（1 条）").click()
    editor.run()
    assert any("已新建摘报草稿" in s for s in successes(editor))

    editor.switch_page("app_pages/issues.py")
    editor.run()
    editor = select_row(editor, r"issues_list_", [0])
    button(editor, "送领导审签").click()
    editor.run()
    assert "已送审，等待领导签发。" in successes(editor)

    leader = as_user(LEADER, "leader", "issues")
    leader = select_row(leader, r"issues_list_", [0])
    assert INFORMANT not in shown_text(leader) and "夜间施工" in shown_text(leader)
    button(leader, "签发").click()
    leader.run()
    assert not leader.exception and "已签发：第 1 期。" in successes(leader)

    informant = as_user(INFORMANT, "informant", "submit")
    mine = informant.dataframe[0].value
    assert mine["处理情况"].tolist() == ["已采用"] and mine["采用刊期"].tolist() == [f"{datetime.now().year}年第 1 期"]
    from dashboard.ui.store import get_store

    actions = audit.entries(get_store().con, limit=None)["action"].tolist()
    assert {"desk_submit", "desk_edit", "desk_issue_create", "desk_issue_submit", "desk_issue_sign"} <= set(actions)


@pytest.mark.anonymous
def test_who_submitted_is_on_no_page_of_a_leader_or_a_plain_analyst(desk_store):
    informant = as_user(INFORMANT, "informant", "submit")
    informant.text_input[0].input("线索")
    informant.text_area[0].input("内容")
    informant.selectbox[0].select("社情民意")
    informant.button[0].click()
    informant.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        informant.switch_page("app_pages/overview.py")       # an informant sees nothing of the dashboard
    for name, role in ((LEADER, "leader"), (ANALYST, "analyst")):
        at = as_user(name, role, "records")
        assert not at.exception and INFORMANT not in shown_text(at)
        assert "各单位信息员" in [s.value for s in at.subheader] and "信息员报送与采用" not in [s.value for s in at.subheader]
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("app_pages/desk.py")
    editor = as_user(EDITOR, "analyst", "records", desk=True)
    assert INFORMANT in shown_text(editor) and "信息员报送与采用" in [s.value for s in editor.subheader]
