"""End to end as a person meets it: a real `python -m dashboard serve`, every page opened in headless
Chromium (Debian's, driven by Playwright; no browser is ever downloaded), at desktop width (1440×1000)
and phone width (390×844), on demo data and on a store built from fixtures shaped like the real
message-board exports (tests/fixtures/, items from 2019: the store ends long before today). The first
visit meets the real login form and logs in with the one-time password the server or `user add`
printed; later visits come back logged in through the browser's login cookie, as a person's do, and a
reload keeps the login until 退出登录 ends it.

A page fails when it shows Streamlit's exception box or an error, when Streamlit answers "Page not
found", when its own title never appears, when its script never finishes, when visible text (or a
chart toolbar tooltip) holds a Latin word outside the allow list (ids, units, file names), or, at
phone width, when the page scrolls sideways. Screenshots of the views the README shows are saved to
docs/screenshots/."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.core import store
from dashboard.core.config import settings_for
from dashboard.core.display.wordcloud import font_path
from tests.serving import ROOT, log_tail, serving

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:      # reported by the test as a failure, with what to install
    sync_playwright = None

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# The router's pages, by URL path, with the title each shows; 总览 is served at the root.
PAGES = {"": "总览", "hot": "热点与预警", "trends": "趋势", "categories": "分类", "words": "词云",
         "departments": "部门", "items": "明细", "desk": "编辑台", "issues": "摘报", "records": "报送统计",
         "admin": "数据管理", "wall": "舆情态势大屏"}
# Addresses a person might type (the default page's own name, Chinese names): each opens its page.
ALIASES = {"overview": "总览", "总览": "总览", "热点与预警": "热点与预警", "明细": "明细"}
# The pages a leader opens on a phone (checked at phone width on both stores; the demo checks every page).
PHONE_PAGES = {"": "总览", "hot": "热点与预警"}
DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Shown in the README: (store, width name, url path) -> file name
WALL = {"width": 1920, "height": 1080}
SHOTS = {("demo", "desktop", ""): "desktop-overview.png", ("demo", "desktop", "hot"): "desktop-hot.png",
         ("demo", "phone", ""): "phone-overview.png", ("demo", "phone", "hot"): "phone-hot.png"}
# From the machine notes: without the background-networking flags Chromium keeps trying hosts this
# closed network refuses; a fresh profile (launch_persistent_context) keeps every run alike.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The script has run to its end: Streamlit marks its root notRunning, and the page drew its title or
# died with an exception box. (Before its first run the root is notRunning too, with neither.)
_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FINISHED = f'{_DONE} [data-testid="stMain"] h1, {_DONE} [data-testid="stException"]'
PAGE_SECONDS = 120
FIXTURE_FILES = ("messages_utf8.csv", "hotline_gbk.csv", "late_reply.csv")

# Latin words a Chinese user may meet: file formats, encodings, units. Paths, file names (anything
# with a dot or slash) and ids (letters with digits: A00012345, GB18030) are removed before looking.
ALLOWED_LATIN = {"CSV", "TSV", "XLSX", "XLS", "XLSM", "Parquet", "PARQUET", "UTF", "GBK", "MB", "KB", "GB",
                 "DOCX", "PNG", "TOML", "ID", "Excel", "WPS"}
_PATHS_AND_IDS = re.compile(r"[\w\-]*[/\\.][\w\-./\\]+|\b\w*\d\w*\b")
_LATIN = re.compile(r"[A-Za-z]{2,}")

# Every visible text node (not icon ligatures, not screen-reader-only text, not code: a command to
# type is Latin by nature) and every chart toolbar tooltip: what a person can read on the page.
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('[data-testid="stIconMaterial"], script, style, noscript, code, pre')) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const style = getComputedStyle(el);
    if (/Material/i.test(style.fontFamily) || parseFloat(style.fontSize) < 1) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    out.push(node.textContent);
  }
  document.querySelectorAll('.modebar-btn[data-title]').forEach(b => {
    if (b.checkVisibility()) out.push(b.getAttribute('data-title'));
  });
  return out;
}"""


def latin_words(texts: list[str]) -> set[str]:
    """The Latin words in `texts` outside the allow list."""
    found = set()
    for text in texts:
        found.update(w for w in _LATIN.findall(_PATHS_AND_IDS.sub(" ", text)) if w not in ALLOWED_LATIN)
    return found


def test_latin_words_allows_ids_units_and_file_names_only():
    assert latin_words(["收件箱（/tmp/x/data/inbox）为空", "CSV、XLSX", "编号 A00012345", "20 MB",
                        "messages_utf8.csv 已入库"]) == set()
    assert latin_words(["Page not found"]) == {"Page", "not", "found"}
    assert latin_words(["下载 Download plot as a PNG"]) == {"Download", "plot", "as"}


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


def _fonts_conf(folder: Path) -> Path:
    """A fontconfig file that adds the Chinese font the word cloud ships with (requirements.txt) to the
    system's fonts: a bare machine has none, and screenshots would show boxes for every character."""
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f'<dir>{font_path().parent}</dir><cachedir>{folder / "font-cache"}</cachedir>'
                    '</fontconfig>', encoding="utf-8")
    return conf


@pytest.fixture
def browser(tmp_path):
    executable = _chromium()
    env = dict(os.environ, FONTCONFIG_FILE=str(_fonts_conf(tmp_path)))
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=executable, headless=True,
            args=CHROMIUM_FLAGS, viewport=DESKTOP, env=env)
        try:
            yield context
        finally:
            context.close()


def _problems(page, title: str, phone: bool) -> list[str]:
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
    if words := latin_words(page.evaluate(VISIBLE_TEXT_JS)):
        problems.append(f"页面上有英文：{sorted(words)}")
    if phone:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"手机宽度下可以横向滚动（多出 {overflow} 像素）")
    return problems


def _open(page, url: str, title: str, account: tuple[str, str], phone: bool = False) -> list[str]:
    """Open `url` as typed: the login form first, then the page asked for."""
    page.goto(url)
    if problems := _log_in_if_asked(page, *account):
        return problems
    return _drawn(page, title, phone)


def _drawn(page, title: str, phone: bool) -> list[str]:
    """What is wrong with the page once its script has run with `title` as its heading."""
    try:
        page.locator('[data-testid="stMain"] h1', has_text=title).wait_for(timeout=PAGE_SECONDS * 1000)
        page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"{PAGE_SECONDS} 秒内没有运行完"] + _problems(page, title, phone)
    page.wait_for_timeout(300)     # charts draw their toolbars just after the script ends
    return _problems(page, title, phone)


LOGIN_TITLE = "舆情态势感知 · 登录"


def _log_in(page, user: str, password: str) -> list[str]:
    """The login form as a person fills it; nothing behind it is drawn before. [] once logged in."""
    try:
        page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"登录页 {PAGE_SECONDS} 秒内没有运行完"]
    if problems := _problems(page, LOGIN_TITLE, phone=False):
        return problems
    if page.locator('[data-testid="stSidebarNav"]').count() or page.locator('[data-testid="stDataFrame"]').count():
        return ["登录前就显示了导航或数据"]
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    refused = page.locator('[data-testid="stAlertContentError"]')
    try:   # either the form says why, or the page asked for opens
        page.locator(f'[data-testid="stAlertContentError"], {_DONE} [data-testid="stMain"] h1:not(:has-text("登录"))'
                     ).first.wait_for(timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"登录后 {PAGE_SECONDS} 秒内既没有打开页面也没有提示"]
    return ["登录被拒绝：" + refused.first.inner_text()] if refused.count() else []


def _heading(page) -> str:
    heading = page.locator('[data-testid="stMain"] h1')
    return heading.first.inner_text().strip() if heading.count() else "（无）"


def _log_in_if_asked(page, user: str, password: str) -> list[str]:
    """The login form when the page asks for it (the first visit of this browser); a browser logged in
    earlier goes straight to the page (its login cookie)."""
    try:
        page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    except PlaywrightTimeout:
        return [f"{PAGE_SECONDS} 秒内没有运行完"]
    return _log_in(page, user, password) if _heading(page) == LOGIN_TITLE else []


def _one_time_password(printed: str, pattern: str) -> str:
    found = re.search(pattern + r"([A-Za-z0-9]+)", printed)
    assert found, f"没有打印一次性密码：\n{printed}"
    return found.group(1)


def _demo_account(log: Path) -> tuple[str, str]:
    """The demo administrator `serve` created on the demo store, with the password it printed once."""
    return "演示管理员", _one_time_password(log_tail(log, 100_000), r"演示账号：用户名 演示管理员，一次性密码 ")


def _visit(page, url: str, path: str, title: str, account: tuple[str, str], phone: bool) -> list[str]:
    """At desktop width a page in the visible sidebar is followed through it, as a person clicks (the
    tab's login stays); any other address, and every page at phone width (the sidebar is folded away
    there), is opened as typed, through the login form."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href="{url}/{path}"]')
    if phone or not path or not link.count() or not link.first.is_visible():
        return _open(page, f"{url}/{path}", title, account, phone=phone)
    link.first.click()
    return _drawn(page, title, phone)


def _walk(browser, url: str, account: tuple[str, str], store: str, desktop: dict[str, str],
          phone: dict[str, str]) -> dict[str, list[str]]:
    """The `desktop` pages at desktop width, the `phone` ones at phone width; failures by address."""
    failures = {}
    for width, viewport, pages in (("desktop", DESKTOP, desktop), ("phone", PHONE, phone)):
        page = browser.new_page()
        page.set_viewport_size(viewport)
        for path, title in pages.items():
            if found := _visit(page, url, path, title, account, phone=width == "phone"):
                failures[f"{width} /{path}"] = found
            if (shot := SHOTS.get((store, width, path))) is not None:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / shot))
        page.close()
    return failures


def test_every_page_on_demo_data_at_desktop_and_phone_width(tmp_path, browser):
    data = tmp_path / "data"
    log = data.parent / "serve.log"
    with serving(data, "--demo-items", "2000") as url:
        account = _demo_account(log)
        page = browser.new_page()
        page.goto(url)
        assert any("用户名或密码不正确" in p for p in _log_in(page, "演示管理员", "not-the-password"))
        failures = _walk(browser, url, account, "demo", {**PAGES, **ALIASES}, PAGES)
        assert not failures, f"{failures}\n看板日志：\n{log_tail(log)}"
        assert not _open(page, url, "总览", account)
        hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("as => as.map(a => a.href)")
        _a_click_on_the_word_cloud_lists_items(page, url, account)
        _reload_keeps_the_login_and_logout_ends_it(page, url)
    assert sorted(h.removeprefix(url + "/").removeprefix(url) for h in hrefs) == sorted(PAGES), \
        "侧栏导航与路由的页面不一致"
    assert "not-the-password" not in log_tail(log, 1_000_000)


# Where plotly drew a word cloud's first clickable point, in page pixels.
_FIRST_WORD_JS = """() => { const g = document.querySelector('.js-plotly-plot'), L = g._fullLayout, d = g.data[0];
  const box = g.getBoundingClientRect();
  return {word: d.customdata[0][0], x: box.left + L.xaxis._offset + L.xaxis.d2p(d.x[0]),
          y: box.top + L.yaxis._offset + L.yaxis.d2p(d.y[0])}; }"""


def _a_click_on_the_word_cloud_lists_items(page, url: str, account: tuple[str, str]) -> None:
    assert not (found := _open(page, f"{url}/words", "词云", account)), found
    assert page.get_by_text("选择一个词语，列出使用它的信息。").count()
    point = page.evaluate(_FIRST_WORD_JS)
    page.mouse.click(point["x"], point["y"])
    page.get_by_text("最新的在前").first.wait_for(timeout=PAGE_SECONDS * 1000)
    assert not page.get_by_text("选择一个词语，列出使用它的信息。").count()


def _reload_keeps_the_login_and_logout_ends_it(page, url: str) -> None:
    """A reload and a second tab keep the login; 退出登录 in one tab ends it in the other at its next
    click, and a reload after it meets the form."""
    shown = _heading(page)
    page.reload()
    page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    assert _heading(page) == shown != LOGIN_TITLE, "刷新页面后需要重新登录"
    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    assert _heading(other) == "总览", "新开的窗口需要重新登录"
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    page.locator('[data-testid="stMain"] h1', has_text=LOGIN_TITLE).wait_for(timeout=PAGE_SECONDS * 1000)
    page.reload()
    page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    assert _heading(page) == LOGIN_TITLE, "退出登录后刷新页面又回到了登录状态"
    other.locator(f'[data-testid="stSidebarNav"] a[href="{url}/hot"]').click()
    other.locator('[data-testid="stMain"] h1', has_text=LOGIN_TITLE).wait_for(timeout=PAGE_SECONDS * 1000)
    other.close()


def test_the_wall_display_at_1920_by_1080(tmp_path, browser):
    """大屏: no sidebar, dark, every rotating panel drawn without an error or English."""
    data = tmp_path / "data"
    with serving(data, "--demo-items", "2000") as url:
        account = _demo_account(data.parent / "serve.log")
        page = browser.new_page()
        page.set_viewport_size(WALL)
        assert not (found := _open(page, f"{url}/wall", "舆情态势大屏", account)), found
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        background = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert background == "rgb(11, 20, 38)", background
        assert not (found := _open(page, f"{url}/wall?panel=volume", "舆情态势大屏", account)), found
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "wall.png"))


def test_every_page_on_a_store_shaped_like_the_real_exports(tmp_path, browser):
    """Message-board exports from 2019 (ids, masked authors, replies; a hotline file in GBK): the store
    ends years before today, which is how real exports arrive. Then a file uploaded on 数据管理 is
    ingested, and the upload is one audit row (who, the file's name and sha256)."""
    data = tmp_path / "data"
    fixtures = [str(ROOT / "tests" / "fixtures" / name) for name in FIXTURE_FILES]
    env = dict(os.environ, YUQING_DATA_DIR=str(data))
    env.pop("YUQING_DB", None)
    done = subprocess.run([sys.executable, "-m", "dashboard", "ingest", *fixtures], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    added = subprocess.run([sys.executable, "-m", "dashboard", "user", "add", "值班员", "--role", "admin"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stdout + added.stderr
    account = "值班员", _one_time_password(added.stdout, r"一次性密码（[^）]*）：")
    with serving(data) as url:
        failures = _walk(browser, url, account, "exports", PAGES, PHONE_PAGES)
        assert not failures, f"{failures}\n看板日志：\n{log_tail(data.parent / 'serve.log')}"
        _upload(browser, url, account, UPLOADED)
        outcome = data / "outcomes" / f"{hashlib.sha256(UPLOADED.read_bytes()).hexdigest()}.json"
        deadline = time.monotonic() + PAGE_SECONDS
        while not outcome.exists() and time.monotonic() < deadline:   # the watcher ingests the upload
            time.sleep(0.3)
    assert json.loads(outcome.read_text(encoding="utf-8"))["status"] == "loaded", log_tail(data.parent / "serve.log")
    con = store.connect(settings_for(data).db_path)
    try:
        uploads = con.execute("select user_name, role, detail, file_hash from audit_log where action = 'upload'").fetchall()
    finally:
        con.close()
    assert uploads == [("值班员", "admin", UPLOADED.name, hashlib.sha256(UPLOADED.read_bytes()).hexdigest())]


UPLOADED = ROOT / "tests" / "fixtures" / "messages_gbk.csv"


def _upload(browser, url: str, account: tuple[str, str], path: Path) -> None:
    """数据管理's uploader as a person uses it: choose the file, press 放入收件箱, see it accepted."""
    page = browser.new_page()
    assert not (found := _open(page, f"{url}/admin", "数据管理", account)), found
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_role("button", name="放入收件箱").click()
    page.get_by_text("已放入收件箱 1 个文件").wait_for(timeout=PAGE_SECONDS * 1000)
    page.close()
