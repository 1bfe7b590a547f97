"""Report download areas: 生成 button first, then DOCX and Markdown download buttons (AppTest)."""
from __future__ import annotations

import io

from docx import Document

from tests.test_pages_analytics import app, built_store  # noqa: F401  (fixtures)


def _labels(at):
    return [b.label for b in at.get("download_button")]


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_departments_generate_bulletin_then_download(app):
    at = app("departments")
    assert not at.exception
    assert "下载 DOCX" not in _labels(at)
    _button(at, "departments_bulletin_generate").click().run()
    assert not at.exception
    assert {"下载 DOCX", "下载 Markdown"} <= set(_labels(at))
    held = at.session_state["_report_departments_bulletin"]
    assert held["stem"].startswith("网民留言办理情况通报_")
    assert held["markdown"].startswith("# 网民留言办理情况通报")
    assert Document(io.BytesIO(held["docx"])).paragraphs[0].text == "网民留言办理情况通报"


def test_overview_numbers_digest_only_on_click(app):
    from dashboard.ui.store import get_store

    at = app("overview")
    assert not at.exception
    con = get_store().con
    assert con.execute("select count(*) from report_issues").fetchone()[0] == 0
    _button(at, "overview_digest_generate").click().run()
    assert not at.exception
    assert {"下载 DOCX", "下载 Markdown"} <= set(_labels(at))
    held = at.session_state["_report_overview_digest"]
    assert held["stem"].startswith("舆情摘报_第1期_")
    assert con.execute("select count(*) from report_issues").fetchone()[0] == 1


def test_hot_and_items_special_report(app):
    for page, key in (("hot", "hot_special"), ("items", "items_special")):
        at = app(page)
        assert not at.exception
        _button(at, f"{key}_generate").click().run()
        assert not at.exception, page
        assert {"下载 DOCX", "下载 Markdown"} <= set(_labels(at)), page
        held = at.session_state[f"_report_{key}"]
        assert held["stem"].startswith("舆情专报_") and "所选范围内共有信息" in held["markdown"]
