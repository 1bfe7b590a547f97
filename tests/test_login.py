"""The login gate and the roles in the real app (AppTest on a real store): nothing without login, the first
administrator, the form, lock-out and expiry, each role's pages, an analyst's items without authors or
unmasked numbers, a department account's counts, 显示原文 and the audit rows they write."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store
from dashboard.core.access import audit, roles, users
from dashboard.core.config import settings_for
from dashboard.core.filters import Filters
from dashboard.ui.auth import FIRST_ADMIN_COMMAND, SESSION_KEY
from tests.conftest import log_in
from tests.test_access import AUTHOR, DEPARTMENTS, PASSWORD, pii_sentences
from tests.test_metrics import load, make_item

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")
ACCOUNTS = {"管理员": ("admin", ()), "领导甲": ("leader", ()), "分析员乙": ("analyst", ()),
            "住建分析员": ("analyst", ("市住建局",))}


def fill(con, settings) -> int:
    """Items with planted phone and ID numbers over two departments, published in the last days (so the
    default 近7天 view holds them); returns how many belong to 市住建局."""
    rows, now = [], datetime.now().replace(microsecond=0)
    for i, case in enumerate(pii_sentences()):
        published = now - timedelta(hours=2 + i)
        row = make_item(f"Q{i:03d}", published, DEPARTMENTS[i % 2], "市直", title=f"来电{case.text[:16]}",
                        content=case.text, sentiment="负面")
        row["author"] = AUTHOR
        rows.append(row)
    load(con, settings, rows, "pii")
    return sum(1 for r in rows if r["department"] == "市住建局")


@pytest.fixture
def planted():
    return [c.text[c.start:c.end] for c in pii_sentences()]


@pytest.fixture
def accounts_store(app_data_dir):
    settings = settings_for(app_data_dir)
    con = store.connect(settings.db_path)
    own = fill(con, settings)
    for name, (role, departments) in ACCOUNTS.items():
        users.add(con, name, role, PASSWORD, datetime.now(), departments=departments)
    con.close()
    return own


def audit_rows(action: str | None = None):
    from dashboard.ui.store import get_store

    return audit.entries(get_store().con, limit=None, action=action)


def shown_text(at: AppTest) -> str:
    parts = [e.value for kind in ("text", "markdown", "caption", "title", "subheader", "metric", "info", "error")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


def anonymous() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_user").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


# ------------------------------------------------------------------------------------- without login
@pytest.mark.anonymous
def test_a_store_without_an_administrator_shows_only_the_command(app_data_dir):
    settings = settings_for(app_data_dir)
    con = store.connect(settings.db_path)
    fill(con, settings)
    con.close()
    at = anonymous().run()
    assert not at.exception
    assert any("尚未设置管理员" in e.value for e in at.error)
    assert [c.value for c in at.code] == [FIRST_ADMIN_COMMAND]
    assert not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.text_input


@pytest.mark.anonymous
def test_no_page_shows_data_without_login(accounts_store):
    for page in roles.ALL_PAGES:
        at = anonymous()
        at.query_params["range"] = "7d"
        at.run()
        assert not at.exception
        at.switch_page(f"app_pages/{page}.py").run() if page != "overview" else None
        assert [t.label for t in at.text_input] == ["用户名", "密码"], page
        assert not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.get("download_button")
        assert "来电" not in shown_text(at)


@pytest.mark.anonymous
def test_login_through_the_form_then_logout(accounts_store):
    at = login(anonymous().run(), "分析员乙", PASSWORD)
    assert not at.exception
    assert at.session_state[SESSION_KEY].user == "分析员乙"
    assert "login_user" not in [t.key for t in at.text_input]         # the form is gone
    assert any("当前用户：分析员乙（分析员）" in c.value for c in at.sidebar.caption)
    assert audit_rows("login")["user_name"].tolist() == ["分析员乙"]
    next(b for b in at.sidebar.button if b.key == "auth_logout").click().run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert any("已退出登录" in i.value for i in at.info)
    assert audit_rows("logout")["user_name"].tolist() == ["分析员乙"]


@pytest.mark.anonymous
def test_wrong_passwords_then_lock_out(accounts_store, monkeypatch):
    monkeypatch.setenv("YUQING_LOCKOUT_COUNT", "2")
    at = login(anonymous().run(), "领导甲", "wrong-password")
    assert any("用户名或密码不正确。再错 1 次" in e.value for e in at.error)
    at = login(at, "领导甲", "wrong-password")
    assert any("已锁定" in e.value for e in at.error)
    at = login(at, "领导甲", PASSWORD)                       # locked: the right password does not open it
    assert any("已锁定" in e.value for e in at.error) and SESSION_KEY not in at.session_state
    assert audit_rows("locked")["user_name"].tolist() == ["领导甲"]
    assert len(audit_rows("login_failed")) == 3


@pytest.mark.anonymous
def test_an_expired_session_goes_back_to_the_login(accounts_store):
    at = log_in(anonymous(), "leader", name="领导甲")
    session = at.session_state[SESSION_KEY]
    at.session_state[SESSION_KEY] = session.__class__(**{**session.__dict__,
                                                         "login_at": datetime.now() - timedelta(hours=9)})
    at.run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.dataframe
    assert any("8 小时" in i.value for i in at.info)
    assert audit_rows("expired")["user_name"].tolist() == ["领导甲"]

    at = log_in(anonymous(), "leader", name="领导甲")
    session = at.session_state[SESSION_KEY]
    at.session_state[SESSION_KEY] = session.__class__(**{**session.__dict__,
                                                         "last_seen": datetime.now() - timedelta(minutes=31)})
    at.run()
    assert any("30 分钟没有操作" in i.value for i in at.info)


@pytest.mark.anonymous
def test_a_disabled_account_is_logged_out_at_its_next_click(accounts_store):
    at = log_in(anonymous(), "analyst", name="分析员乙").run()
    assert at.session_state[SESSION_KEY].user == "分析员乙"
    from dashboard.ui.store import get_store

    users.set_disabled(get_store().con, "分析员乙", datetime.now())
    at.run()
    assert any("已被停用" in i.value for i in at.info) and SESSION_KEY not in at.session_state


# ---------------------------------------------------------------------------------------------- roles
@pytest.mark.anonymous
@pytest.mark.parametrize("name", ["领导甲", "分析员乙", "管理员"])
def test_each_role_sees_exactly_its_pages(accounts_store, name):
    role = ACCOUNTS[name][0]
    at = log_in(anonymous(), role, name=name).run()
    assert not at.exception
    for page in roles.ALL_PAGES:
        if roles.may_open(role, page):
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, page
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"app_pages/{page}.py")
    dashboard = ["overview", "hot", "trends", "categories", "words", "departments", "items", "wall"]
    assert [page for page in roles.ALL_PAGES if roles.may_open(role, page)] == {
        "admin": dashboard + ["desk", "issues", "records", "admin"],
        "leader": dashboard + ["issues", "records"], "analyst": dashboard + ["issues", "records"]}[role]
    assert roles.may_open(role, "desk", desk_right=True) == (role in ("analyst", "admin"))


def items_page(name: str) -> AppTest:
    role, departments = ACCOUNTS[name]
    at = log_in(anonymous(), role, departments=departments, name=name)
    at.switch_page("app_pages/items.py")
    return at.run()


def pick_first_row(at: AppTest) -> AppTest:
    key = next(k for k in at.session_state if re.match(r"items_.*_table_", k))
    at.session_state[key] = {"selection": {"rows": [0], "columns": []}}
    return at.run()


@pytest.mark.anonymous
def test_an_analyst_sees_no_author_and_no_unmasked_number(accounts_store, planted):
    at = items_page("分析员乙")
    assert not at.exception
    table = at.dataframe[0].value
    assert "作者" not in table.columns and len(table) == len(planted)
    assert {b.label for b in at.get("download_button")} == {"导出 CSV", "导出 XLSX"}
    at = pick_first_row(at)
    text = shown_text(at)
    assert table["标题"].iat[0] in text                                   # the detail view is drawn …
    assert "作者" not in [c.value for c in at.caption]                     # … without an author line
    assert AUTHOR not in text and "张**" not in text
    assert not any(raw in text for raw in planted)
    assert not [b for b in at.button if b.label == "显示原文"]
    # the special report an analyst may generate holds no author and no unmasked number either
    next(b for b in at.button if b.key == "items_special_generate").click().run()
    held = at.session_state["_report_items_special"]
    assert "导出人：分析员乙" in held["markdown"]
    assert AUTHOR not in held["markdown"] and not any(raw in held["markdown"] for raw in planted)


@pytest.mark.anonymous
def test_a_leader_gets_no_item_exports_and_no_reports(accounts_store):
    at = items_page("领导甲")
    assert not at.exception and len(at.dataframe[0].value) > 0
    assert not at.get("download_button")
    assert not [b for b in at.button if b.key and b.key.endswith("_generate")]


@pytest.mark.anonymous
def test_a_department_account_counts_only_its_department(accounts_store):
    at = items_page("住建分析员")
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["承办部门"]) == {"市住建局"} and len(table) == accounts_store
    assert any(c.value.startswith(f"共 {accounts_store:,} 条") for c in at.caption)
    assert any(c.value.startswith("数据截至") and c.value.endswith(f"共 {accounts_store:,} 条") for c in at.caption)
    assert next(m for m in at.sidebar.multiselect if m.label == "部门").options == ["市住建局"]
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "overview_digest_generate"]     # whole-store report
    assert any("不提供覆盖全部数据的报告" in c.value for c in at.caption)
    at.switch_page("app_pages/departments.py").run()
    assert not at.exception
    assert "市交通局" not in shown_text(at)


@pytest.mark.anonymous
def test_admin_shows_the_original_and_it_is_recorded(accounts_store, planted):
    at = pick_first_row(items_page("管理员"))
    assert "张**" in shown_text(at) and AUTHOR not in shown_text(at)      # masked until asked
    assert audit_rows("show_original").empty
    next(b for b in at.button if b.label == "显示原文").click().run()
    assert not at.exception
    text = shown_text(at)
    assert AUTHOR in text and any(raw in text for raw in planted)
    row = audit_rows("show_original").iloc[0]
    assert (row["user_name"], row["role"], row["query_name"], row["row_count"]) == (
        "管理员", "admin", "access/item_original", 1)


@pytest.mark.anonymous
def test_admin_manages_users_and_reads_the_audit_log(accounts_store):
    at = log_in(anonymous(), "admin", name="管理员")
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "用户" in d.value.columns)
    assert set(listed["用户"]) == set(ACCOUNTS)
    at.text_input(key="user_add_name").input("新领导")
    next(b for b in at.button if b.label == "新建").click().run()
    assert not at.exception
    created = next(s.value for s in at.success if "已新建用户 新领导" in s.value)
    password = created.rsplit("：", 1)[1]
    from dashboard.ui.store import get_store

    assert users.login(get_store().con, "新领导", password, datetime.now()).account["role"] == "leader"
    log = next(d.value for d in at.dataframe if "操作" in d.value.columns)
    assert "新建账号" in log["操作"].tolist()
    assert audit_rows("user_add")["user_name"].iloc[0] == "管理员"
    assert "audit_csv" in [b.key for b in at.get("download_button")]


def test_filters_from_the_url_cannot_widen_a_scope():
    # the scope is not a URL parameter: the sidebar builds Filters without it, the choke point adds it
    from dashboard.ui.filters import FilterState, to_filters

    assert to_filters(FilterState(), datetime.now()).scope_departments is None
    assert Filters().scoped(("市住建局",), None).record()["scope_departments"] == ["市住建局"]


@pytest.mark.anonymous
def test_each_report_download_writes_one_audit_row(accounts_store):
    import hashlib

    at = items_page("分析员乙")
    next(b for b in at.button if b.key == "items_special_generate").click().run()
    held = at.session_state["_report_items_special"]
    assert audit_rows("report").empty                       # generating is not downloading
    at.download_button(key="items_special_docx").click().run()
    assert not at.exception
    rows = audit_rows("report")
    assert len(rows) == 1
    assert (rows["user_name"].iat[0], rows["role"].iat[0], rows["detail"].iat[0]) == ("分析员乙", "analyst", "docx")
    assert rows["file_hash"].iat[0] == hashlib.sha256(held["docx"]).hexdigest()
    at.download_button(key="items_special_md").click().run()
    assert audit_rows("report")["detail"].tolist() == ["md", "docx"]
