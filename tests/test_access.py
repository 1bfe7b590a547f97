"""Accounts, roles, the choke point and the audit log (issue 13) on a real store: passwords, lock-out and
expiry with injected time, every query file run under every role, scoped accounts, exports, the CLI."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta

import pandas as pd
import pytest

from dashboard.core import store
from dashboard.core.access import audit, choke, passwords, roles, sessions, tokens, users
from dashboard.core.access.sessions import Session
from dashboard.core.analytics import terms
from dashboard.core.config import QUERIES_DIR, AccessSettings
from dashboard.core.filters import Filters, Period
from tests import pii_cases
from tests.test_metrics import load, make_item
from tests.test_queries import ACCESS_WRITES, READ_QUERIES
from tests.test_shown_text import _params

NOW = datetime(2024, 3, 10, 9, 0)
SETTINGS = AccessSettings(lockout_count=3, lockout_minutes=15, idle_minutes=30, absolute_minutes=480)
DEPARTMENTS = ("市住建局", "市交通局")
AUTHOR = "张三丰"
PASSWORD = "correct-horse-battery"


def pii_sentences() -> list[pii_cases.Case]:
    """Two generated sentences of every phone and ID number format the masks always find."""
    wanted = [g for g, (kind, _) in pii_cases.VALID.items() if kind in ("mobile", "id_card")
              and g != "手机 分组 前后有其他数字"]
    return [c for c in pii_cases.cases(seed=13, per_group=2) if c.group in wanted]


@pytest.fixture(scope="module")
def planted() -> list[str]:
    return [c.text[c.start:c.end] for c in pii_sentences()]


@pytest.fixture
def pii_store(con, settings):
    rows = []
    for i, case in enumerate(pii_sentences()):
        published = datetime(2024, 3, 5, 8) + timedelta(hours=i)
        row = make_item(f"Q{i:03d}", published, DEPARTMENTS[i % 2], "市直", title=f"来电反映{case.text[:20]}",
                        content=case.text, replied=published + timedelta(days=1), satisfaction="满意",
                        sentiment="负面", region="A市" if i % 3 else "B县")
        row["author"] = AUTHOR
        rows.append(row)
    load(con, settings, rows, "pii")
    return con


def session_of(role: str, departments=(), regions=(), user: str | None = None) -> Session:
    return Session(user=user or f"u-{role}", role=role, login_at=NOW, last_seen=NOW,
                   departments=tuple(departments), regions=tuple(regions))


# ------------------------------------------------------------------------------------ passwords, users
def test_passwords_are_argon2_hashes_and_one_time_passwords_are_strong():
    hashed = passwords.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert passwords.verify_password(hashed, PASSWORD)
    assert not passwords.verify_password(hashed, PASSWORD + "x")
    assert not passwords.verify_password(None, PASSWORD) and not passwords.verify_password("garbage", PASSWORD)
    generated = {passwords.one_time_password() for _ in range(50)}
    assert len(generated) == 50 and all(len(p) == 16 for p in generated)
    assert passwords.check_strength("short") and passwords.check_strength(PASSWORD) is None


def test_lock_out_after_repeated_failures_and_unlock_when_the_time_has_passed(con):
    users.add(con, "李四", "analyst", PASSWORD, NOW)
    for attempt in range(SETTINGS.lockout_count - 1):
        result = users.login(con, "李四", "wrong-password", NOW + timedelta(seconds=attempt), SETTINGS)
        assert result.account is None and "再错" in result.message
    locked = users.login(con, "李四", "wrong-password", NOW, SETTINGS)
    assert locked.account is None and "已锁定" in locked.message
    # the right password does not open a locked account …
    assert users.login(con, "李四", PASSWORD, NOW + timedelta(minutes=14), SETTINGS).account is None
    # … until the lock-out has run out; then the count starts again
    opened = users.login(con, "李四", PASSWORD, NOW + timedelta(minutes=15), SETTINGS)
    assert opened.account is not None and opened.account["failed_count"] == 0
    actions = audit.entries(con, limit=None)["action"].tolist()[::-1]
    assert actions == ["user_add", "login_failed", "login_failed", "login_failed", "locked", "login_failed", "login"]


def test_unknown_and_disabled_accounts_get_the_same_answer(con):
    users.add(con, "王五", "leader", PASSWORD, NOW)
    users.set_disabled(con, "王五", NOW)
    unknown = users.login(con, "没有这个人", PASSWORD, NOW, SETTINGS)
    disabled = users.login(con, "王五", PASSWORD, NOW, SETTINGS)
    assert unknown.account is None and disabled.account is None and unknown.message == disabled.message


def test_reset_password_lifts_a_lock_out_and_the_old_password_stops_working(con):
    users.add(con, "赵六", "analyst", PASSWORD, NOW)
    for _ in range(SETTINGS.lockout_count):
        users.login(con, "赵六", "nope-nope-nope", NOW, SETTINGS)
    users.reset_password(con, "赵六", "another-good-password", NOW)
    assert users.login(con, "赵六", PASSWORD, NOW, SETTINGS).account is None
    assert users.login(con, "赵六", "another-good-password", NOW, SETTINGS).account is not None


def test_account_changes_are_refused_with_reasons(con):
    users.add(con, "管理员", "admin", PASSWORD, NOW)
    with pytest.raises(users.AccountError, match="已存在"):
        users.add(con, "管理员", "admin", PASSWORD, NOW)
    with pytest.raises(ValueError, match="未知的角色"):
        users.add(con, "某人", "editor", PASSWORD, NOW)          # an editor is an analyst with the desk right
    with pytest.raises(users.AccountError, match="只能给分析员"):
        users.add(con, "某人", "leader", PASSWORD, NOW, desk=True)
    with pytest.raises(users.AccountError, match="至少"):
        users.add(con, "某人", "leader", "short", NOW)
    with pytest.raises(users.AccountError, match="没有用户"):
        users.set_disabled(con, "不存在", NOW)


def test_sessions_expire_when_idle_and_after_the_absolute_limit():
    start = sessions.start({"name": "a", "role": "leader", "departments": ("市住建局",), "regions": ()}, NOW)
    assert start.departments == ("市住建局",) and start.scoped
    assert sessions.expired(start, NOW + timedelta(minutes=29), SETTINGS) is None
    assert "30 分钟" in sessions.expired(start, NOW + timedelta(minutes=30), SETTINGS)
    busy = start
    for minute in range(0, 480, 20):                  # active every 20 minutes: never idle …
        busy = busy.seen(NOW + timedelta(minutes=minute))
        assert sessions.expired(busy, NOW + timedelta(minutes=minute + 1), SETTINGS) is None
    assert "8 小时" in sessions.expired(busy, NOW + timedelta(minutes=480), SETTINGS)   # … but not for ever


def test_a_session_ends_when_its_account_is_disabled_or_changed(con):
    users.add(con, "钱七", "analyst", PASSWORD, NOW, departments=["市住建局"])
    session = sessions.start(users.find(con, "钱七"), NOW)
    assert users.still_valid(con, session)
    assert not users.still_valid(con, session.__class__(**{**session.__dict__, "role": "admin"}))
    users.set_disabled(con, "钱七", NOW)
    assert not users.still_valid(con, session)


def test_a_login_token_resumes_until_a_limit_and_only_its_hash_is_stored(con):
    users.add(con, "孙八", "analyst", PASSWORD, NOW, departments=["市住建局"])
    token = tokens.issue(con, sessions.start(users.find(con, "孙八"), NOW))
    stored = con.execute("select token_hash from login_tokens").fetchall()
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(),)] and token not in str(stored)
    resumed = tokens.resume(con, token, NOW + timedelta(minutes=25), SETTINGS)
    assert (resumed.user, resumed.role, resumed.departments, resumed.login_at) == ("孙八", "analyst", ("市住建局",), NOW)
    for minute in range(50, 480, 25):                  # used every 25 minutes: never idle …
        assert tokens.resume(con, token, NOW + timedelta(minutes=minute), SETTINGS) is not None
    assert tokens.resume(con, token, NOW + timedelta(minutes=480), SETTINGS) is None     # … but not for ever
    assert con.execute("select count(*) from login_tokens").fetchone() == (0,)           # and it is gone
    assert tokens.resume(con, "not-a-token", NOW, SETTINGS) is None and tokens.resume(con, None, NOW) is None


def test_a_login_token_ends_when_idle_disabled_or_revoked(con):
    users.add(con, "周九", "leader", PASSWORD, NOW)
    session = sessions.start(users.find(con, "周九"), NOW)
    idle = tokens.issue(con, session)
    assert tokens.resume(con, idle, NOW + timedelta(minutes=30), SETTINGS) is None
    revoked = tokens.issue(con, session)
    assert tokens.exists(con, revoked)
    tokens.revoke(con, revoked)                     # 退出登录 in one tab: every tab of the browser sees it
    assert not tokens.exists(con, revoked)
    assert tokens.resume(con, revoked, NOW + timedelta(minutes=1), SETTINGS) is None
    disabled = tokens.issue(con, session)
    tokens.touch(con, disabled, NOW + timedelta(minutes=20))
    users.set_disabled(con, "周九", NOW + timedelta(minutes=21))
    assert tokens.resume(con, disabled, NOW + timedelta(minutes=22), SETTINGS) is None


def test_find_by_subject_and_the_list_never_holds_a_password_hash(con):
    users.add(con, "单点用户", "leader", None, NOW, sso_subject="sub-123")
    assert users.find_by_subject(con, "sub-123")["name"] == "单点用户"
    assert users.find_by_subject(con, "sub-999") is None
    listed = users.list_users(con)
    assert "password_hash" not in listed.columns
    assert users.shown_users(listed, NOW)["角色"].tolist() == ["领导"]


# ------------------------------------------------------------------------------------- the choke point
def refused_by_rule(role: str, name: str) -> bool:
    """docs/security.md's table, said again independently: why `role` may not run `name`."""
    if role == "informant":
        return not name.startswith("submit/")
    if name.startswith("submit/"):
        return True
    return ((name.startswith(choke.ADMIN_ONLY_QUERIES) and role != "admin")
            or (name.startswith("desk/") and role != "admin"))   # an analyst without the desk right


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_every_query_file_under_every_role(pii_store, planted, role):
    """Every read query runs through the choke point as each role: a query the role may not run is
    refused; what it may run never holds an author column (leaders, analysts) nor an unmasked phone or ID
    number — only the administrator's 显示原文 and the raw readers named in test_shown_text read them."""
    session = session_of(role)
    raw_for_admin = {"access/item_original", "topics/items", "admin/rejected_rows"}
    ran = 0
    for name in READ_QUERIES:
        params = _params(name, None)
        if not choke.may_run(role, name):
            assert refused_by_rule(role, name), (role, name)
            with pytest.raises(choke.NotAllowed):
                choke.run_as(pii_store, session, name, **params)
            continue
        if name == "access/item_original":
            params["item_id"] = "Q000"
        frame = choke.run_as(pii_store, session, name, **params)
        ran += 1
        if not roles.ROLES[role].authors:
            assert not set(roles.AUTHOR_COLUMNS) & set(frame.columns), (role, name)
        if role == "admin" and name in raw_for_admin:
            continue
        cells = [str(v) for v in frame.to_numpy().ravel()]
        for raw in [*planted, AUTHOR]:
            assert not any(raw in cell for cell in cells), (role, name, raw)
    assert ran > (0 if role == "informant" else 50)


def test_the_role_test_can_tell(pii_store, planted):
    # the administrator does get the original text and author, so the absence above means something
    original = choke.run_as(pii_store, session_of("admin"), "access/item_original",
                            filters=Filters().record(), item_id="Q000")
    assert original["author"].tolist() == [AUTHOR] and planted[0] in original["content"].iat[0]
    listed = choke.run_as(pii_store, session_of("admin"), "items/list", **Filters().params(), limit=5, offset=0)
    assert set(listed["author"]) == {"张**"}                      # admins see the masked author in lists


def test_keyword_search_never_finds_a_masked_number(pii_store, planted):
    for role in [r for r in roles.ROLES if roles.ROLES[r].reads_items]:
        for raw in planted[:6]:
            found = choke.run_as(pii_store, session_of(role), "items/count", **Filters(keyword=raw).params())
            assert int(found.iat[0, 0]) == 0, (role, raw)


SCOPED_QUERIES = [n for n in READ_QUERIES if "filters" in store.query_params(n)
                  and not n.startswith(("checks/", "access/"))]


def test_a_scoped_account_counts_only_its_department(pii_store):
    scoped = session_of("analyst", departments=["市住建局"])
    everyone = session_of("analyst")
    period = Filters(period=Period(datetime(2024, 3, 1), datetime(2024, 4, 1)))
    own = int(choke.run_as(pii_store, everyone, "items/count",
                           **Filters(departments=("市住建局",)).params()).iat[0, 0])
    total = int(choke.run_as(pii_store, everyone, "items/count", **Filters().params()).iat[0, 0])
    assert 0 < own < total
    assert int(choke.run_as(pii_store, scoped, "items/count", **Filters().params()).iat[0, 0]) == own
    # whatever the filters ask for, nothing outside the department comes back
    other = choke.run_as(pii_store, scoped, "items/list", **Filters(departments=("市交通局",)).params(),
                         limit=None, offset=0)
    assert other.empty
    listed = choke.run_as(pii_store, scoped, "items/export", **period.params(), limit=None)
    assert set(listed["department"]) == {"市住建局"} and len(listed) == own


def test_every_filtered_query_honours_the_scope(pii_store):
    """Each query over the staging view returns, for a scoped account, what the department filter gives."""
    scoped = session_of("admin", departments=["市住建局"])
    for name in SCOPED_QUERIES:
        params = _params(name, None)
        as_scoped = choke.run_as(pii_store, scoped, name, **params)
        narrowed = {**params, "filters": {**params["filters"], "departments": ["市住建局"]}}
        as_filtered = choke.run_as(pii_store, session_of("admin"), name, **narrowed)
        pd.testing.assert_frame_equal(as_scoped, as_filtered, check_dtype=False, obj=name)


def test_term_figures_of_a_scoped_account_leave_the_rollup(pii_store):
    whole = Filters(period=Period(datetime(2024, 3, 1), datetime(2024, 4, 1)))
    assert terms.uses_rollup(whole)
    scoped = whole.scoped(("市住建局",), None)
    assert not terms.uses_rollup(scoped)
    by_department = terms.top_terms(pii_store, Filters(period=whole.period, departments=("市住建局",)), limit=50)
    all_items = terms.top_terms(pii_store, whole, limit=50)
    got = terms.top_terms(pii_store, scoped, limit=50)
    pd.testing.assert_frame_equal(got, by_department)
    assert not got.equals(all_items)


# ------------------------------------------------------------------------------------ exports and audit
def test_leaders_may_not_export_items(pii_store):
    with pytest.raises(choke.NotAllowed):
        choke.export_items(pii_store, session_of("leader"), Filters().params(), "csv", NOW)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_analysts_export_is_masked_signed_and_audited(pii_store, planted, kind):
    analyst = session_of("analyst", departments=["市交通局"], user="分析员甲")
    data = choke.export_items(pii_store, analyst, Filters().params(), kind, NOW)
    frame = (pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False) if kind == "csv"
             else pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna(""))
    assert "作者" not in frame.columns
    footer = frame.iloc[-1, 0]
    assert footer == f"导出人：分析员甲　导出时间：{NOW:%Y-%m-%d %H:%M:%S}"
    body = frame.iloc[:-1]
    assert set(body["承办部门"]) == {"市交通局"}
    text = " ".join(map(str, frame.to_numpy().ravel()))
    assert AUTHOR not in text and not any(raw in text for raw in planted)
    row = audit.entries(pii_store, limit=1).iloc[0]
    assert (row["user_name"], row["role"], row["action"], row["query_name"]) == ("分析员甲", "analyst", "export",
                                                                                   "items/export")
    assert row["row_count"] == len(body) and row["file_hash"] == hashlib.sha256(data).hexdigest()
    assert "市交通局" in row["parameters"]                         # the scope it ran with


def test_the_audit_log_is_append_only():
    """No statement in queries/ updates or deletes audit rows (the migration creates the table)."""
    writes = re.compile(r"\b(update|delete\s+from|truncate|drop\s+table|alter\s+table)\s+audit_log\b", re.I)
    offenders = [str(p.relative_to(QUERIES_DIR)) for p in QUERIES_DIR.rglob("*.sql")
                 if writes.search(re.sub(r"--[^\n]*", "", p.read_text(encoding="utf-8")))]
    assert offenders == []
    assert writes.search("update audit_log set detail = null")       # the pattern does catch one


def test_each_account_change_writes_one_audit_row(con):
    admin = session_of("admin", user="管理员")
    users.add(con, "甲", "leader", PASSWORD, NOW, by=admin)
    users.reset_password(con, "甲", "new-password-123", NOW, by=admin)
    users.set_disabled(con, "甲", NOW, by=admin)
    users.set_disabled(con, "甲", NOW, disabled=False, by=admin)
    users.add(con, "乙", "analyst", PASSWORD, NOW, by=admin)
    users.set_desk(con, "乙", True, NOW, by=admin)
    assert users.find(con, "乙")["desk"] and not users.find(con, "甲")["desk"]
    with pytest.raises(users.AccountError, match="只能给分析员"):
        users.set_desk(con, "甲", True, NOW, by=admin)
    log = audit.entries(con, limit=None)[::-1]
    assert log["action"].tolist() == ["user_add", "user_reset_password", "user_disable", "user_enable", "user_add",
                                      "user_desk_on"]
    assert set(log["user_name"]) == {"管理员"} and set(log["detail"].str[:1]) == {"甲", "乙"}
    assert not log.astype(str).apply(lambda c: c.str.contains("new-password-123")).any().any()


def test_every_access_write_statement_is_exercised_here():
    # tests/test_queries.py leaves these out (they write); the tests above run each of them
    written = [n for n in store.list_queries() if n.startswith(ACCESS_WRITES)]
    assert sorted(written) == ["access/audit_record", "access/token_add", "access/token_drop", "access/token_touch",
                               "access/user_add", "access/user_clear_failures", "access/user_login_failed",
                               "access/user_set_desk", "access/user_set_disabled", "access/user_set_password"]


# ----------------------------------------------------------------------------------------------- CLI
def test_user_commands(cli, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    added = cli("user", "add", "管理员", "--role", "admin", data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    generated = re.search(r"一次性密码[^：]*：(\S+)", added.stdout).group(1)
    assert len(generated) == 16
    monkeypatch.setattr("sys.stdin", io.StringIO("chosen-password-1\n"))
    assert cli("user", "add", "部门用户", "--role", "leader", "--password-stdin", "--department", "市住建局",
               data_dir=data_dir).returncode == 0
    listed = cli("user", "list", data_dir=data_dir)
    assert "部门用户\t领导\t正常\t市住建局" in listed.stdout and "管理员\t管理员\t正常\t全部" in listed.stdout
    assert generated not in listed.stdout and "argon2" not in listed.stdout
    assert cli("user", "disable", "部门用户", data_dir=data_dir).returncode == 0
    reset = cli("user", "reset-password", "管理员", data_dir=data_dir)
    assert reset.returncode == 0 and "一次性密码" in reset.stdout
    assert cli("user", "add", "管理员", "--role", "admin", data_dir=data_dir).returncode == 2
    assert cli("user", "disable", "无此人", data_dir=data_dir).returncode == 2
    bad = cli("user", "add", "某人", "--role", "boss", data_dir=data_dir)
    assert bad.returncode == 2

    con = store.connect(data_dir / "warehouse.duckdb")
    try:
        assert users.login(con, "管理员", generated, datetime.now()).account is None          # reset since
        assert users.find(con, "部门用户")["disabled"]
        log = audit.entries(con, limit=None)
        assert log["role"].eq(audit.CLI_ROLE).sum() == 4 and log["user_name"].str.startswith("命令行").sum() == 4
        assert not log.astype(str).apply(lambda c: c.str.contains(generated)).any().any()
    finally:
        con.close()


def test_a_demo_start_gets_a_demo_administrator_and_a_real_store_does_not(con, settings, capsys):
    from dashboard.cli import DEMO_ADMIN, _demo_admin
    from dashboard.core.demo.generator import generate_items
    from dashboard.core.ingest.loader import ingest_frame

    _demo_admin(con)                                            # empty store: nothing to open, no account
    assert users.find(con, DEMO_ADMIN) is None
    ingest_frame(con, generate_items(50, days=5, seed=1, end=datetime(2024, 5, 1)), settings, "demo", demo=True)
    _demo_admin(con)
    password = re.search(r"一次性密码 ([A-Za-z0-9]+)", capsys.readouterr().err).group(1)
    assert users.login(con, DEMO_ADMIN, password, datetime.now()).account["role"] == "admin"
    _demo_admin(con)                                            # an administrator exists: nothing new
    assert "一次性密码" not in capsys.readouterr().err


def test_a_store_with_real_items_gets_no_demo_administrator(con, settings):
    from dashboard.cli import DEMO_ADMIN, _demo_admin

    load(con, settings, [make_item("R1", datetime(2024, 3, 1, 9), "市住建局")])
    _demo_admin(con)
    assert users.find(con, DEMO_ADMIN) is None and users.enabled_admins(con) == 0


def test_serve_hardens_streamlit(monkeypatch, tmp_path):
    """`serve` hands Streamlit XSRF and strict CORS, the upload limit from config, no developer menu and no
    error details (read back from the flags it passes to Streamlit's bootstrap)."""
    from streamlit import config as streamlit_config
    from streamlit.web import bootstrap

    from dashboard import cli

    passed = {}
    monkeypatch.setattr(streamlit_config, "_main_script_path", streamlit_config._main_script_path, raising=False)
    monkeypatch.setattr(bootstrap, "load_config_options", lambda flag_options: passed.update(flag_options))
    monkeypatch.setattr(bootstrap, "run", lambda *args: None)
    monkeypatch.setenv("YUQING_MAX_UPLOAD_MB", "50")
    cli._run_streamlit(tmp_path / "app.py", 8599)
    assert passed["server.enableXsrfProtection"] is True and passed["server.enableCORS"] is True
    assert passed["server.maxUploadSize"] == 50
    assert passed["client.toolbarMode"] == "minimal" and passed["client.showErrorDetails"] == "none"
