"""The single sign-on gate in the real app (AppTest on a real store, YUQING_AUTH=oidc): st.user seeded with
the claims an identity token carries. Nothing without a sign-in, the role from the claim or from the users
table (with its department scope), refusal, sign-out by the token's issue time, and the audit rows."""
from __future__ import annotations

import time
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.access import users
from dashboard.ui.auth import SESSION_KEY
from dashboard.ui.sso import SIGN_IN_LABEL
from tests.test_login import APP, accounts_store, audit_rows, shown_text  # noqa: F401  (fixture)

pytestmark = pytest.mark.anonymous      # the gate itself decides who is signed in, from st.user


@pytest.fixture(autouse=True)
def oidc_mode(monkeypatch):
    monkeypatch.setenv("YUQING_AUTH", "oidc")


def signed_in(**claims) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "sub": "u-1", "iat": int(time.time()) - 60, **claims}
    return at


def no_data(at: AppTest) -> None:
    assert not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.get("download_button")
    assert "来电" not in shown_text(at)


def test_nothing_without_a_sign_in(accounts_store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == [SIGN_IN_LABEL]
    assert not at.text_input, "no local password form in oidc mode"
    no_data(at)


def test_the_role_claim_signs_in_and_one_login_row_is_written(accounts_store):
    at = signed_in(preferred_username="li.si", role="analyst").run()
    assert not at.exception
    session = at.session_state[SESSION_KEY]
    assert (session.user, session.role, session.method) == ("li.si", "analyst", "oidc")
    assert at.metric, "总览 draws its figures"
    assert any("当前用户：li.si（分析员）" in c.value for c in at.sidebar.caption)
    at.run()
    assert audit_rows("login")["user_name"].tolist() == ["li.si"], "one row per browser session, not per rerun"
    next(b for b in at.sidebar.button if b.key == "auth_logout").click().run()
    assert at.user["is_logged_in"] is False
    assert audit_rows("logout")["user_name"].tolist() == ["li.si"]


def test_a_registered_subject_gets_the_tables_role_and_department(accounts_store):
    from dashboard.ui.store import get_store

    at = signed_in(preferred_username="zhou.ba", role="admin", sub="u-7")
    at.run()     # opens the app's own store, where the account is registered next
    users.add(get_store().con, "周八", "analyst", None, datetime.now(), departments=("市住建局",), sso_subject="u-7")
    at.switch_page("app_pages/items.py").run()
    assert not at.exception
    session = at.session_state[SESSION_KEY]
    assert (session.user, session.role, session.departments) == ("周八", "analyst", ("市住建局",))
    table = at.dataframe[0].value
    assert set(table["承办部门"]) == {"市住建局"} and len(table) == accounts_store


def test_no_role_is_refused(accounts_store):
    at = signed_in(preferred_username="wang.wu").run()
    assert not at.exception
    # the provider's name is escaped for Markdown (shown as text): wang\.wu in the source, wang.wu on screen
    assert any("不能查看数据" in e.value and r"wang\.wu" in e.value for e in at.error)
    assert [b.label for b in at.button] == ["退出"]
    no_data(at)
    assert audit_rows("login_failed")["user_name"].tolist() == ["wang.wu"]
    at.button[0].click().run()
    assert at.user["is_logged_in"] is False


def test_a_token_past_the_limit_is_signed_out(accounts_store, monkeypatch):
    monkeypatch.setenv("YUQING_ABSOLUTE_MINUTES", "60")
    at = signed_in(preferred_username="zhao.liu", role="admin", iat=int(time.time()) - 61 * 60).run()
    assert not at.exception
    assert any("已超过 1 小时" in w.value for w in at.warning)
    assert at.user["is_logged_in"] is False, "st.logout() was called"
    no_data(at)
    assert audit_rows("expired")["user_name"].tolist() == ["zhao.liu"]
    fresh = signed_in(preferred_username="zhao.liu", role="admin", iat=int(time.time()) - 59 * 60).run()
    assert fresh.metric and not fresh.warning
