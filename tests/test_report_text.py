"""Reports are safe by construction (issue 11, finding 9): any text renders, and data stays text.

Every kind of block gets the same arbitrary text (hypothesis): the DOCX always renders and reads back
exactly that text minus the removed control characters; the Markdown, rendered by GitHub's own renderer
(cmark-gfm, raw HTML allowed so a leak would show) and by markdown-it with linkify, has exactly the
report's structure — headings, a quote, a table, the chart image — and every element's text equals the
data: no tag, link, image, emphasis or code from the data.
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dashboard.core.reports import charts as report_charts
from dashboard.core.reports.document import Report
from dashboard.core.reports.text import md_text, printable

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "![](http://evil.example/a.png)", "&lt;script&gt;", "&#60;b&#62;", "a | b", "http://evil.example/x",
    "www.evil.example", "evil.example.com", "user@evil.example", "<http://evil.example>", "**粗**",
    "__粗__", "*斜*", "`code`", "```", "~~删~~", "# 标题", "> 引用", "- 列表", "+ 列表", "1. 列表", "1) 列表",
    "---", "***", "===", "$x$", "\\", "\\|", "[^1]", "[ ] 任务", "    缩进", "\t制表", "a  \nb", "javascript:alert(1)",
    "mailto:a@b.cn", "<!-- c -->", "<div>块</div>", "]", "[", "!", "data:text/html,x", "\x00", "\x01", "\x0b",
    "\x1b[31m", "\r\n", "\x7f", "\x85", "\ufffe", "\ud800", "—", "　", "12345@qq.com",
]
TEXT = st.lists(
    st.one_of(st.text(st.characters(codec=None), max_size=12), st.sampled_from(PAYLOADS)), max_size=8,
).map("".join)
STRUCTURE_TAGS = {"h1", "h2", "h3", "p", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "img"}


def report_with(text: str, chart: bool = True) -> Report:
    report = Report("special", text, [text])
    report.heading(text)
    report.heading(text, 2)
    report.paragraph(text)
    report.note(text)
    report.table([text, "数量"], [[text, 1], ["市城管局", text]])
    if chart:
        report.chart(report_charts.Chart(text, ("1月",), (("信息", (1,)),), axis_label="条"))
    return report


# --- what a reader sees ---------------------------------------------------------------------------

def shown_markdown(text: str) -> str:
    """What the Markdown must render as: one line, trimmed, an e-mail's @ full width (report_text.py)."""
    flat = re.sub(r"^[\s\ufeff]+|[\s\ufeff]+$", "", printable(text).replace("\n", " "))
    return re.sub(r"(?<=[A-Za-z0-9._+\-])@", "＠", flat)


class Elements(HTMLParser):
    """(tag, attributes, text) of every element, text including its children's."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[list] = []
        self.open: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.found.append([tag, dict(attrs), ""])
        if tag != "img":
            self.open.append(len(self.found) - 1)

    def handle_startendtag(self, tag, attrs):
        self.found.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for index in self.open:
            self.found[index][2] += data

    def handle_comment(self, data):
        self.found.append(["<!--", {}, data])


def elements(html: str) -> list[list]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def render_gfm(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


_MARKDOWN_IT = MarkdownIt("gfm-like")     # html and linkify on: stricter than GitHub about bare domains


@pytest.mark.parametrize("render", [render_gfm, _MARKDOWN_IT.render], ids=["cmark-gfm", "markdown-it"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_markdown_renders_data_as_text_and_keeps_the_structure(render, text):
    found = elements(render(report_with(text).markdown(image_stem="r")))
    tags = [tag for tag, _, _ in found]
    assert set(tags) <= STRUCTURE_TAGS, tags                      # no a, em, code, script, li, hr …
    shown = shown_markdown(text)
    assert [t for tag, _, t in found if tag == "h1"] == [shown]
    assert [t for tag, _, t in found if tag in ("h2", "h3")] == [shown, shown]
    assert [t.strip("\n") for tag, _, t in found if tag == "blockquote"] == [shown]
    cells = [t for tag, _, t in found if tag in ("th", "td")]
    assert cells == [shown, "数量", shown, "1", "市城管局", shown]
    [image] = [attrs for tag, attrs, _ in found if tag == "img"]
    assert image["src"] == "r_chart1.png" and image["alt"] == f"图1　{shown}"
    paragraphs = [t for tag, _, t in found if tag == "p"]
    # subtitle, paragraph, the quote's text (empty ones make no paragraph), then the chart image's
    assert paragraphs == [t for t in (shown, shown, shown) if t] + [""]


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_escaped_text_leaves_no_markdown_character_bare(text):
    escaped = md_text(text)
    for match in re.finditer(r"[\\`*_\[\]<>#|~&$@]", escaped):
        backslashes = len(escaped[:match.start()]) - len(escaped[:match.start()].rstrip("\\"))
        assert backslashes % 2 == 1 or match.group() == "\\", (escaped, match.start())
    assert "\n" not in escaped and "\r" not in escaped


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_known_payload_is_inert(payload):
    html = render_gfm(report_with(f"标题{payload}尾").markdown(image_stem="r"))
    assert "<script" not in html and "<a " not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert [attrs["src"] for tag, attrs, _ in elements(html) if tag == "img"] == ["r_chart1.png"]


def test_ordinary_report_text_reads_as_written():
    for text in ("2024年2月1日至2月29日，平均答复率为 95.0%，截至 2024-03-03 10:00。", "A1区人民政府", "PM2.5",
                 "答复率 50.0%*", "z***@qq.com"):
        rendered = elements(render_gfm(md_text(text)))
        assert rendered[0][2] == text
    assert md_text("2024-03-03 10:00，95.0%") == "2024-03-03 10:00，95.0%"     # no backslash where none is needed


# --- DOCX -----------------------------------------------------------------------------------------

def docx_texts(report: Report) -> tuple[list[str], list[str], str]:
    doc = Document(io.BytesIO(report.docx_bytes()))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return [p.text for p in doc.paragraphs], cells, doc.core_properties.title


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_docx_always_renders_and_keeps_the_visible_text(text):
    paragraphs, cells, title = docx_texts(report_with(text, chart=False))
    kept = printable(text)
    assert paragraphs[:6] == [kept, kept, kept, kept, kept, kept]     # title, subtitle, 2 headings, paragraph, note
    assert cells == [kept, "数量", kept, "1", "市城管局", kept]
    assert title == kept


def test_control_characters_in_a_title_render_in_docx_and_markdown():
    title = "关于\x01幸福路\x00积水\x0b的\r\n专报\x1b"
    report = report_with(title)
    paragraphs, _, _ = docx_texts(report)
    assert paragraphs[0] == "关于幸福路积水\n的\n专报"
    assert "图1　关于幸福路积水\n的\n专报" in paragraphs
    assert report.markdown().startswith("# 关于幸福路积水 的 专报\n")


def test_printable_rule():
    assert printable("a\x00b\x01c\x7fd\x9fe") == "abcde"
    assert printable("一\r\n二\r三\x0b四\x0c五\x85六") == "一\n二\n三\n四\n五\n六"
    assert printable("制表\t和换行\n不变，全角　与 emoji 🙂 不变") == "制表\t和换行\n不变，全角　与 emoji 🙂 不变"
    assert printable("\ud800x\ufffe\uffff") == "x"
    assert printable(None) == ""


@pytest.mark.parametrize("text", ["$x^$", "市$\\foo$局", "关于\x01积水\x00的\x1b专报", "<b>粗</b> **粗**"])
def test_chart_texts_from_data_draw_literally(text):
    report = Report("special", "专报")
    report.chart(report_charts.Chart(text, (text, "2月"), ((text, (1, 2)),), axis_label=text,
                                     reference=1.5, reference_label=text))
    doc = Document(io.BytesIO(report.docx_bytes()))                 # matplotlib would refuse "$x^$"
    assert len(doc.inline_shapes) == 1 and f"图1　{printable(text)}" in [p.text for p in doc.paragraphs]
    [(name, png)] = report.images("r")
    assert name == "r_chart1.png" and png.startswith(b"\x89PNG")
