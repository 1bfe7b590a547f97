"""End to end as a person meets it: a real `python -m dashboard serve` on a small demo store, logged in
through the real form with the demo administrator's one-time password the server printed, every page
opened in headless Chromium (Debian's, driven by Playwright; no browser is ever downloaded).

A page fails when it shows Streamlit's exception box or an error, when Streamlit answers "Page not
found", when its own title never appears, or when its script never finishes running."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.serving import log_tail, serving

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:      # reported by the test as a failure, with what to install
    sync_playwright = None

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# The router's pages, by URL path, with the title each shows; the default page (总览) is served at the
# root: Streamlit ignores the url_path of the default page, so /overview is not one of its addresses.
PAGES = {"": "总览", "hot": "热点与预警", "trends": "趋势", "categories": "分类", "words": "词云",
         "departments": "部门", "items": "明细", "admin": "数据管理"}
# From the machine notes: without the background-networking flags Chromium keeps trying hosts this
# closed network refuses; a fresh profile (launch_persistent_context) keeps every run alike.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The script has run to its end: Streamlit marks its root notRunning, and the page drew its title or
# died with an exception box. (Before its first run the root is notRunning too, with neither.)
_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FINISHED = f'{_DONE} [data-testid="stMain"] h1, {_DONE} [data-testid="stException"]'
PAGE_SECONDS = 120


def _chromium() -> str:
    """A missing browser fails the test: CI would otherwise report a pass that checked nothing."""
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        pytest.fail("没有找到 Chromium（/usr/bin/chromium）：请运行 .ci/run（会自动安装），"
                    "或 apt-get install -y chromium")
    if sync_playwright is None:
        pytest.fail("没有安装 playwright：请运行 make test（安装 requirements.txt），"
                    "或 .venv/bin/python -m pip install -r requirements.txt")
    return found


@pytest.fixture
def browser_page(tmp_path):
    executable = _chromium()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=executable, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000})
        try:
            yield context.new_page()
        finally:
            context.close()


def _problems(page, title: str) -> list[str]:
    problems = []
    if page.locator('[data-testid="stException"]').count():
        problems.append("异常框：" + page.locator('[data-testid="stException"]').first.inner_text()[:500])
    errors = page.locator('[data-testid="stAlertContentError"]:not([data-testid="stException"] *)')
    if errors.count():
        problems.append("错误提示：" + errors.first.inner_text()[:500])
    if page.get_by_text("Page not found").count():
        problems.append("Streamlit 显示 Page not found")
    heading = page.locator('[data-testid="stMain"] h1')
    shown = heading.first.inner_text().strip() if heading.count() else "（无）"
    if shown != title:
        problems.append(f"页面标题是「{shown}」，应为「{title}」")
    return problems


def _open(page, url: str, title: str) -> list[str]:
    page.goto(url)
    try:
        page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"{PAGE_SECONDS} 秒内没有运行完"]
    return _problems(page, title)


LOGIN_TITLE = "舆情态势感知 · 登录"


def _log_in(page, url: str, user: str, password: str) -> list[str]:
    """The login form as a person fills it; the pages behind it are not drawn before."""
    problems = _open(page, url, LOGIN_TITLE)
    if problems:
        return problems
    if page.locator('[data-testid="stSidebarNav"]').count() or page.locator('[data-testid="stDataFrame"]').count():
        return ["登录前就显示了导航或数据"]
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    refused = page.locator('[data-testid="stAlertContentError"]')
    try:   # either the form says why, or 总览 opens
        page.locator(f'[data-testid="stAlertContentError"], {_DONE} [data-testid="stMain"] h1:has-text("总览")'
                     ).first.wait_for(timeout=PAGE_SECONDS * 1000)
        if refused.count():
            return ["登录被拒绝：" + refused.first.inner_text()]
        page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"登录后 {PAGE_SECONDS} 秒内既没有打开总览也没有提示"]
    return _problems(page, "总览")


def _follow(page, url: str, path: str, title: str) -> list[str]:
    """Open a page through the sidebar (the login lives in this browser tab's session)."""
    page.locator(f'[data-testid="stSidebarNav"] a[href="{url}/{path}"]').click()
    try:
        page.locator('[data-testid="stMain"] h1', has_text=title).wait_for(timeout=PAGE_SECONDS * 1000)
        page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"{PAGE_SECONDS} 秒内没有运行完"]
    return _problems(page, title)


def _demo_password(log: Path) -> str:
    found = re.search(r"演示管理员账号：用户名 demo-admin，一次性密码 ([A-Za-z0-9]+)", log_tail(log, 100_000))
    assert found, f"serve 没有打印演示管理员的一次性密码：\n{log_tail(log)}"
    return found.group(1)


def test_every_page_opens_in_a_real_browser_on_a_real_server(tmp_path, browser_page):
    data = tmp_path / "data"
    log = data.parent / "serve.log"
    with serving(data, "--demo-items", "2000") as url:
        wrong = _log_in(browser_page, url, "demo-admin", "not-the-password")
        assert any("用户名或密码不正确" in p for p in wrong), wrong
        assert not _log_in(browser_page, url, "demo-admin", _demo_password(log)), log_tail(log)
        hrefs = browser_page.locator('[data-testid="stSidebarNav"] a').evaluate_all("as => as.map(a => a.href)")
        failures = {path or "/": found for path, title in PAGES.items()
                    if (found := _follow(browser_page, url, path, title))}
        assert not failures, f"{failures}\n看板日志：\n{log_tail(log)}"
    assert sorted(h.removeprefix(url + "/").removeprefix(url) for h in hrefs) == sorted(PAGES), \
        "侧栏导航与路由的页面不一致"
    assert "not-the-password" not in log_tail(log, 1_000_000)
