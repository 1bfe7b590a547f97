"""Single sign-on end to end: a local OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, a real
`python -m dashboard serve` with YUQING_AUTH=oidc on a demo store, and headless Chromium signing in at the
provider the way a person does. Nothing of the data shows before the sign-in; a person the provider gives
no role is refused; a token issued longer ago than the limit is signed out."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.serving import log_tail, serving
from tests.test_browser import CHROMIUM_FLAGS, FINISHED, PAGE_SECONDS, PlaywrightTimeout, _chromium, sync_playwright

# The mock provider runs on Authlib APIs its newer releases deprecate; not this project's to fix.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

ANALYST, GUEST, STALE, REGISTERED = "analyst-1", "guest-1", "stale-1", "u-2001"
SIGN_IN = "统一身份认证登录"


def _users():
    from oidc_provider_mock import User

    nine_hours_ago = int(time.time()) - 9 * 3600
    return [User(sub=ANALYST, claims={"role": "analyst", "preferred_username": "li.si"}),
            User(sub=GUEST, claims={"preferred_username": "wang.wu"}),
            # Registered in the users table as a leader: the table wins over the provider's claim.
            User(sub=REGISTERED, claims={"role": "admin", "preferred_username": "chen.qi"}),
            # The provider copies user claims into the identity token after its own: this token says it
            # was issued nine hours ago, past the default limit of eight.
            User(sub=STALE, claims={"role": "analyst", "preferred_username": "zhao.liu", "iat": nine_hours_ago})]


@contextmanager
def oidc_provider():
    """The mock provider on 127.0.0.1 (a free port) in a thread of this process; yields its issuer URL."""
    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=_users()),
                                          threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _register(data: Path, name: str, role: str, subject: str) -> None:
    """An account for a single sign-on subject in the store `serve` will open (demo data loads after)."""
    from datetime import datetime

    from dashboard.core import store
    from dashboard.core.access import users

    data.mkdir(parents=True)
    con = store.connect(data / "warehouse.duckdb")
    try:
        users.add(con, name, role, None, datetime.now(), sso_subject=subject)
    finally:
        con.close()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    data = tmp_path_factory.mktemp("sso") / "data"
    _register(data, "陈七", "leader", REGISTERED)
    with oidc_provider() as issuer:
        env = {"YUQING_AUTH": "oidc", "YUQING_OIDC_METADATA_URL": f"{issuer}/.well-known/openid-configuration",
               "YUQING_OIDC_CLIENT_ID": "yuqing-dashboard", "YUQING_OIDC_CLIENT_SECRET": "test-secret",
               "YUQING_OIDC_REDIRECT_URI": "http://127.0.0.1:{port}/oauth2callback"}
        with serving(data, "--demo-items", "2000", env=env) as url:
            yield url, data


@pytest.fixture
def page(tmp_path):
    executable = _chromium()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=executable, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000})
        try:
            yield context.new_page()
        finally:
            context.close()


def _wait(page, locator, what: str) -> None:
    """Wait for `locator`; a timeout fails saying where the browser was (the server log is in the report)."""
    try:
        locator.wait_for(timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        pytest.fail(f"{PAGE_SECONDS} 秒内没有出现{what}（浏览器在 {page.url}）")


def _sign_in_screen(page, url: str) -> None:
    page.goto(url)
    _wait(page, page.get_by_role("button", name=SIGN_IN), "登录按钮")


def _sign_in_as(page, url: str, subject: str) -> None:
    """Through the provider's own page: the sign-in button leads there, choosing the user leads back."""
    _sign_in_screen(page, url)
    page.get_by_role("button", name=SIGN_IN).click()
    chosen = page.locator(f'button[name="sub"][value="{subject}"]')
    _wait(page, chosen, "身份提供方的登录页")
    assert page.url.startswith("http://127.0.0.1:") and "/oauth2/authorize" in page.url
    chosen.click()


def _no_data(page) -> None:
    for shown in ('[data-testid="stSidebarNav"]', '[data-testid="stMetric"]', '[data-testid="stPlotlyChart"]',
                  '[data-testid="stDataFrame"]'):
        assert page.locator(shown).count() == 0, f"登录前或被拒绝时显示了 {shown}"
    assert page.get_by_role("heading", name="总览").count() == 0


def _failure(data: Path) -> str:
    return "看板日志：\n" + log_tail(data.parent / "serve.log")


def test_nothing_is_shown_before_sign_in_and_an_analyst_signs_in(dashboard, page):
    url, data = dashboard
    _sign_in_screen(page, url)
    _no_data(page)
    page.goto(f"{url}/items")                       # a page's own address does not get round the gate
    _wait(page, page.get_by_role("button", name=SIGN_IN), "明细页地址上的登录按钮")
    _no_data(page)

    _sign_in_as(page, url, ANALYST)
    page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "总览", _failure(data)
    _wait(page, page.locator('[data-testid="stMetric"]').first, "总览的指标卡")
    assert page.locator('[data-testid="stException"]').count() == 0, _failure(data)
    assert page.get_by_text("当前用户：li.si（分析员）").count() == 1
    assert any(c["name"] == "_streamlit_user" for c in page.context.cookies())
    assert "演示管理员" not in log_tail(data.parent / "serve.log", 100_000), "no local demo account with SSO"


def test_a_person_without_a_role_is_refused(dashboard, page):
    url, data = dashboard
    _sign_in_as(page, url, GUEST)
    refusal = page.get_by_text("不能查看数据")
    _wait(page, refusal, "拒绝说明")
    assert "wang.wu" in refusal.inner_text() and "没有为您的账号提供本看板的角色" in refusal.inner_text()
    assert page.get_by_role("button", name="退出").count() == 1
    _no_data(page)


def test_a_token_issued_longer_ago_than_the_limit_is_signed_out(dashboard, page):
    url, data = dashboard
    _sign_in_as(page, url, STALE)
    # Streamlit's logout clears its cookie and goes on to the provider's end-of-session page.
    deadline = time.monotonic() + PAGE_SECONDS
    while any(c["name"] == "_streamlit_user" for c in page.context.cookies()) or "/oauth2/end_session" not in page.url:
        assert time.monotonic() < deadline, f"没有自动退出（{page.url}）\n{_failure(data)}"
        page.wait_for_timeout(200)
    _sign_in_screen(page, url)                    # back at the dashboard: signed out, nothing shown
    _no_data(page)


def test_the_users_table_decides_the_role_of_a_registered_subject(dashboard, page):
    url, data = dashboard
    _sign_in_as(page, url, REGISTERED)
    _wait(page, page.get_by_text("当前用户：陈七（领导）"), "用户表中的姓名和角色")
    assert page.get_by_text("当前用户：chen.qi").count() == 0 and page.get_by_text("（管理员）").count() == 0, "the provider's admin claim was not used"
