"""The editorial desk end to end as its people meet it (docs/workflow.md): a real `python -m dashboard serve`
on a small store, the accounts made with `python -m dashboard user add` before it starts, and headless
Chromium at desktop width, one browser context (one login cookie) per person. An informant submits on
信息报送 (a phone number in the text); the editor finds it on 编辑台 with the informant's name, sets its kind,
writes the 编者按 and the wording and puts it into a new issue; on 摘报 sends it for approval; the leader
returns it once with a comment; the editor revises the entry and sends it again; the leader signs it
(第 1 期); the informant sees it adopted with its issue; 报送统计 shows the leader the unit's figures and
never the informant's name.

Every step fails on an exception box, an error, a Latin word outside test_browser's allow list; the rows
of st.dataframe are clicked where a person clicks (the checkbox cell of the row, drawn on a canvas) and read
through the table's own 下载 (CSV) button. One screenshot per step goes to docs/screenshots/workflow-*.png."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.core import store
from dashboard.core.config import settings_for
from tests.serving import ROOT, log_tail, serving
from tests.test_browser import (CHROMIUM_FLAGS, DESKTOP, FINISHED, PAGE_SECONDS, SCREENSHOTS, VISIBLE_TEXT_JS,
                                _chromium, _fonts_conf, _one_time_password, _open, _problems, _visit)
from tests.test_metrics import load, make_item

try:
    from playwright.sync_api import sync_playwright
except ImportError:      # _chromium() fails the test, saying what to install
    sync_playwright = None

pytestmark = pytest.mark.slow

INFORMANT, EDITOR, LEADER, ADMIN = "信息员小王", "编辑老李", "领导老张", "管理员"
UNIT = "东城区网信办"
INFORMANT_PASSWORD = "night-works-at-the-crossing"      # given with --password-stdin; the others print theirs
PHONE = "13912345678"
TITLE = "某路口夜间施工扰民"
KIND = "社情民意"
RETURN_COMMENT = "请补充处置进展后再报。"
REVISED = "东城区某路口连续一周凌晨施工，居民反映强烈；区城管委已责令夜间停工。"
# Glide data grid (st.dataframe) draws on a canvas: a header row, then rows of 35 pixels; the leftmost
# column holds each row's checkbox.
ROW_PIXELS = 35
CHECKBOX_X = 18
# Streamlit saves a table's CSV through the File System Access API when the browser has it, which opens a
# save dialog nobody can answer headless; without it the file comes as an ordinary download.
NO_SAVE_DIALOG = "delete window.showSaveFilePicker;"


# ------------------------------------------------------------------------------------------------ set-up
def _small_store(data: Path) -> None:
    """Five web posts of the last hours (the dashboard's pages need items; the desk works beside them)."""
    settings = settings_for(data)
    con = store.connect(settings.db_path)
    try:
        now = datetime.now().replace(microsecond=0)
        load(con, settings, [make_item(f"W{i}", now - timedelta(hours=3 + i), channel="微博", title=f"网帖{i}")
                             for i in range(5)], "web")
    finally:
        con.close()


def _user_add(data: Path, name: str, *options: str, password: str | None = None) -> tuple[str, str]:
    """`python -m dashboard user add`, as an operator runs it before starting the dashboard; the account
    and its password (read from stdin, or the one-time password the command printed)."""
    env = dict(os.environ, YUQING_DATA_DIR=str(data))
    env.pop("YUQING_DB", None)
    args = [sys.executable, "-m", "dashboard", "user", "add", name, *options]
    done = subprocess.run(args + (["--password-stdin"] if password else []), cwd=ROOT, env=env, text=True,
                          input=f"{password}\n" if password else None, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return name, password or _one_time_password(done.stdout, r"一次性密码（[^）]*）：")


@pytest.fixture
def people(tmp_path):
    """One browser, a fresh context (cookies, downloads) for each person who logs in."""
    executable = _chromium()
    env = dict(os.environ, FONTCONFIG_FILE=str(_fonts_conf(tmp_path)))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS, env=env)
        opened = []

        def person():
            context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
            context.add_init_script(NO_SAVE_DIALOG)
            opened.append(context)
            return context.new_page()
        try:
            yield person
        finally:
            for context in opened:
                context.close()
            browser.close()


# ----------------------------------------------------------------------------------------- page helpers
def _ok(found: list[str]) -> None:
    assert not found, found


def _settled(page, title: str, *, text: str | None = None, role: str | None = None, name: str | None = None) -> None:
    """Wait until what an action brings is there (a text, or a control by role and name) and the script has
    run to its end; then the page must show no exception, error or English."""
    target = page.get_by_role(role, name=name, exact=True) if role else page.get_by_text(text).filter(visible=True)
    target.first.wait_for(timeout=PAGE_SECONDS * 1000)
    page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    _ok(_problems(page, title, phone=False))


def _grid(page, n: int):
    return page.locator('[data-testid="stDataFrame"]').nth(n)


def _pick_row(page, table: int, row: int) -> None:
    """Click the row's checkbox cell in the `table`-th st.dataframe of the page, as a person does."""
    box = _grid(page, table).locator('[data-testid="data-grid-canvas"]').bounding_box()
    assert box, "表格没有画出来"
    page.mouse.click(box["x"] + CHECKBOX_X, box["y"] + ROW_PIXELS * (row + 1) + ROW_PIXELS // 2)


def _rows(page, table: int) -> list[dict[str, str]]:
    """The `table`-th st.dataframe as its toolbar's CSV download gives it."""
    grid = _grid(page, table)
    grid.hover()
    with page.expect_download(timeout=PAGE_SECONDS * 1000) as download:
        grid.locator('[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]').click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _shown(page) -> str:
    return "\n".join(page.evaluate(VISIBLE_TEXT_JS))


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def _shot(page, step: str, show=None) -> None:
    """docs/screenshots/workflow-<step>.png as a person sees the page at rest: no field in focus (a field
    that commits its value on leaving reruns the page), no pointer over a table's toolbar."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(DESKTOP["width"] - 1, DESKTOP["height"] - 1)
    page.wait_for_timeout(300)
    page.wait_for_selector(FINISHED, timeout=PAGE_SECONDS * 1000)
    if show is not None:
        show.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"workflow-{step}.png"))


# --------------------------------------------------------------------------------------------- the walk
def test_from_an_informants_submission_to_a_signed_issue_in_the_browser(tmp_path, people):
    data = tmp_path / "data"
    _small_store(data)
    _user_add(data, ADMIN, "--role", "admin")     # without an administrator the dashboard opens no page
    informant = _user_add(data, INFORMANT, "--role", "informant", "--unit", UNIT, password=INFORMANT_PASSWORD)
    editor = _user_add(data, EDITOR, "--role", "analyst", "--desk")
    leader = _user_add(data, LEADER, "--role", "leader")
    year = datetime.now().year
    log = data.parent / "serve.log"
    with serving(data, "--no-demo") as url:
        try:
            _walk(people, url, informant, editor, leader, year)
        except AssertionError as failed:     # the server's own account of it, beside the step that failed
            failed.args = (f"{failed}\n看板日志：\n{log_tail(log)}",)
            raise
    _the_audit_log_names_each_step(settings_for(data).db_path)


def _walk(people, url: str, informant, editor, leader, year: int) -> None:
    # 1 · the informant submits
    informant_page = people()
    _ok(_open(informant_page, f"{url}/submit", "信息报送", informant))
    assert not informant_page.locator('[data-testid="stSidebarNav"]').count(), "信息员看到了看板的导航"
    informant_page.get_by_label("标题", exact=True).fill(TITLE)
    informant_page.get_by_label("内容", exact=True).fill(f"连续一周凌晨施工，居民反映强烈，联系人电话 {PHONE}。")
    _choose(informant_page, "信息类别", "热点难点和新情况新问题")
    informant_page.get_by_text("紧急", exact=True).click()
    informant_page.get_by_label("来源", exact=True).fill("现场")
    _shot(informant_page, "1-submit")
    informant_page.get_by_role("button", name="报送").click()
    _settled(informant_page, "信息报送", text="已报送")
    mine = _rows(informant_page, 0)
    assert [(r["标题"], r["处理情况"], r["采用刊期"]) for r in mine] == [(TITLE, "编辑处理中", "—")], mine

    # 2 · the editor finds it on 编辑台, with who sent it
    editor_page = people()
    _ok(_open(editor_page, f"{url}/desk", "编辑台", editor))
    queue = _rows(editor_page, 0)
    assert [(r["来源"], r["标题"], r["报送人"], r["单位"], r["紧急程度"], r["状态"]) for r in queue] == \
        [("信息员报送", TITLE, INFORMANT, UNIT, "紧急", "待选")], queue
    _shot(editor_page, "2-desk")

    # 3 · sets the kind, writes the 编者按 and the wording, saves, and puts it into a new issue
    _pick_row(editor_page, 0, 0)
    _settled(editor_page, "编辑台", role="textbox", name="编者按")
    wording = editor_page.get_by_label("编发文字", exact=True)
    assert "139****5678" in wording.input_value() and PHONE not in wording.input_value(), wording.input_value()
    _choose(editor_page, "信息类别", KIND)
    editor_page.get_by_label("编者按", exact=True).fill("夜间施工许可与居民休息的矛盾需要协调。")
    wording.fill("东城区某路口连续一周凌晨施工，居民反映强烈。")
    editor_page.get_by_role("button", name="保存").click()
    _settled(editor_page, "编辑台", text="已保存。")
    _shot(editor_page, "3-edit")
    editor_page.get_by_role("button", name="编入新一期摘报（1 条）").click()
    _settled(editor_page, "编辑台", text="已新建摘报草稿")

    # 4 · on 摘报 the draft (草稿与退回 is an editor's first view), sent for approval
    _ok(_visit(editor_page, url, "issues", "摘报", editor, phone=False))
    _pick_row(editor_page, 0, 0)
    _settled(editor_page, "摘报", role="button", name="送领导审签")
    assert _rows(editor_page, 0)[0]["状态"] == "草稿"
    _shot(editor_page, "4-issue-draft")
    editor_page.get_by_role("button", name="送领导审签").click()
    _settled(editor_page, "摘报", text="已送审，等待领导签发。")

    # 5 · the leader opens it (待审 is a leader's first view) and returns it with a comment
    leader_page = people()
    _ok(_open(leader_page, f"{url}/issues", "摘报", leader))
    _pick_row(leader_page, 0, 0)
    _settled(leader_page, "摘报", role="button", name="签发")
    entries = _rows(leader_page, 1)
    assert [(r["信息类别"], r["标题"]) for r in entries] == [(KIND, TITLE)], entries
    assert "报送人" not in entries[0] and INFORMANT not in _shown(leader_page), "领导看到了信息员的姓名"
    leader_page.get_by_label("意见", exact=True).fill(RETURN_COMMENT)
    _shot(leader_page, "5-approve")
    leader_page.get_by_role("button", name="退回").click()
    _settled(leader_page, "摘报", text="已退回编辑。")

    # 6 · the editor sees why, revises the entry on 编辑台 (已编入摘报) and sends the issue again
    _ok(_open(editor_page, f"{url}/issues", "摘报", editor))
    _pick_row(editor_page, 0, 0)
    _settled(editor_page, "摘报", text=RETURN_COMMENT)
    assert _rows(editor_page, 0)[0]["状态"] == "退回"
    _shot(editor_page, "6-returned")
    _ok(_visit(editor_page, url, "desk", "编辑台", editor, phone=False))
    editor_page.get_by_role("radio", name="已编入摘报").click()
    _settled(editor_page, "编辑台", text="已编入摘报 1 条")
    _pick_row(editor_page, 0, 0)
    _settled(editor_page, "编辑台", role="textbox", name="编发文字")
    editor_page.get_by_label("编发文字", exact=True).fill(REVISED)
    editor_page.get_by_role("button", name="保存").click()
    _settled(editor_page, "编辑台", text="已保存。")
    _ok(_visit(editor_page, url, "issues", "摘报", editor, phone=False))
    _pick_row(editor_page, 0, 0)
    _settled(editor_page, "摘报", role="button", name="送领导审签")
    assert REVISED in [r["编发文字"] for r in _rows(editor_page, 1)]
    editor_page.get_by_role("button", name="送领导审签").click()
    _settled(editor_page, "摘报", text="已送审，等待领导签发。")

    # 7 · the leader signs: now, and only now, it is 第 1 期; its DOCX is kept as issued
    _ok(_open(leader_page, f"{url}/issues", "摘报", leader))
    _pick_row(leader_page, 0, 0)
    _settled(leader_page, "摘报", role="button", name="签发")
    leader_page.get_by_label("意见", exact=True).fill("同意")
    leader_page.get_by_role("button", name="签发").click()
    _settled(leader_page, "摘报", text="已签发：第 1 期。")
    leader_page.get_by_role("radio", name="已签发").click()
    _settled(leader_page, "摘报", text="在上表中点击一期")
    _pick_row(leader_page, 0, 0)
    _settled(leader_page, "摘报", text=f"{year}年第 1 期")
    assert leader_page.get_by_role("button", name="下载正式文本（DOCX）").count()
    leader_page.get_by_text("流转记录", exact=True).click()
    history = _rows(leader_page, 2)
    assert [(r["原状态"], r["新状态"]) for r in history] == [
        ("（新建）", "草稿"), ("草稿", "待审"), ("待审", "退回"), ("退回", "待审"), ("待审", "已签发")], history
    assert [r["意见"] for r in history if r["新状态"] == "退回"] == [RETURN_COMMENT]
    assert {r["操作人"] for r in history} == {EDITOR, LEADER}
    _shot(leader_page, "7-signed")
    with leader_page.expect_download(timeout=PAGE_SECONDS * 1000) as download:
        leader_page.get_by_role("button", name="下载正式文本（DOCX）").click()
    with zipfile.ZipFile(download.value.path()) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert "区城管委已责令夜间停工" in document and PHONE not in document and INFORMANT not in document

    # 8 · the informant sees it adopted, with the issue that carried it (信息报送 is an informant's only page:
    # the default, served at the root, and at /submit, the address a bookmark keeps)
    _ok(_open(informant_page, f"{url}/submit", "信息报送", informant))
    mine = _rows(informant_page, 0)
    assert [(r["标题"], r["处理情况"], r["采用刊期"]) for r in mine] == [(TITLE, "已采用", f"{year}年第 1 期")], mine
    _shot(informant_page, "8-adopted", show=informant_page.get_by_text("我的报送", exact=True))

    # 9 · 报送统计 for the leader: the unit's figures, never the informant's name
    _ok(_visit(leader_page, url, "records", "报送统计", leader, phone=False))
    metrics = leader_page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert [m.split("\n")[-1].strip() for m in metrics] == ["1", "1 条", "1 条"], metrics
    units = _rows(leader_page, 3)
    assert [(r["单位"], r["报送"], r["采用"], r["采用率"]) for r in units] == [(UNIT, "1", "1", "100.0%")], units
    tables = [_rows(leader_page, n) for n in range(leader_page.locator('[data-testid="stDataFrame"]').count())]
    assert INFORMANT not in _shown(leader_page) + repr(tables), "报送统计向领导显示了信息员的姓名"
    assert not leader_page.get_by_text("信息员报送与采用").count()
    _shot(leader_page, "9-records")


def _the_audit_log_names_each_step(db: Path) -> None:
    con = store.connect(db)
    try:
        done = con.execute("select user_name, action from audit_log where action like 'desk_%' "
                           "order by id").fetchall()
    finally:
        con.close()
    assert done == [(INFORMANT, "desk_submit"), (EDITOR, "desk_edit"), (EDITOR, "desk_issue_create"),
                    (EDITOR, "desk_issue_submit"), (LEADER, "desk_issue_return"), (EDITOR, "desk_edit"),
                    (EDITOR, "desk_issue_submit"), (LEADER, "desk_issue_sign")], done
