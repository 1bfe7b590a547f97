"""A printable report as blocks (headings, paragraphs, notes, tables, charts) rendered two ways with the
same content: `.markdown()` and `.docx_bytes()` (python-docx; `.save(path)` picks by suffix); and the
Chinese formats of dates, rates and capped lists every report uses. No streamlit.

Charts are static PNG images drawn offline (reports/charts.py, matplotlib with the bundled Chinese font):
the DOCX embeds them (15 cm wide); `.save("x.md")` writes them next to the Markdown as `x_chart1.png` …
linked by relative path; `.markdown()` without an image stem (the dashboard's Markdown download) names
each chart in a line of text and refers to the Word version.

Untrusted text: every block's text is data: `.markdown()` escapes it (never a tag, link or image from
data) and both formats drop control characters Word cannot hold (reports/text.py). Caps: every list that
is cut says so ("另有 N 条/个……未列出").
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Period
from dashboard.core.reports import charts as report_charts
from dashboard.core.reports.text import chart_text, md_text, printable

BODY_FONT = "仿宋"

HEADING_FONT = "黑体"

TABLE_STYLE = "Table Grid"

CHART_WIDTH_CM = 15


@dataclass
class Report:
    """A report as blocks: ("heading", level, text), ("paragraph", text), ("table", headers, rows),
    ("note", text), ("chart", report_charts.Chart). `title` and `subtitle` lines head it."""

    kind: str
    title: str
    subtitle: list[str] = field(default_factory=list)
    blocks: list[tuple] = field(default_factory=list)
    generated_at: datetime | None = None      # DOCX core properties only, never in the body

    # building
    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(("heading", level, text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(("paragraph", text))

    def note(self, text: str) -> None:
        self.blocks.append(("note", text))

    def table(self, headers: list[str], rows: list[list]) -> None:
        self.blocks.append(("table", list(headers), [[_cell(v) for v in row] for row in rows]))

    def chart(self, chart: report_charts.Chart) -> None:
        self.blocks.append(("chart", chart))

    def charts(self) -> list[report_charts.Chart]:
        return [b[1] for b in self.blocks if b[0] == "chart"]

    def images(self, stem: str) -> list[tuple[str, bytes]]:
        """(file name, PNG bytes) of every chart, in order: `<stem>_chart1.png`, …"""
        return [(f"{stem}_chart{n}.png", report_charts.png(_drawable(c)))
                for n, c in enumerate(self.charts(), start=1)]

    # reading
    def paragraphs(self) -> list[str]:
        return [b[1] for b in self.blocks if b[0] in ("paragraph", "note")]

    def text(self) -> str:
        return self.markdown()

    def markdown(self, image_stem: str | None = None) -> str:
        """The Markdown text. With `image_stem`, chart n is linked as `<image_stem>_chart<n>.png` (written by
        save()); without, each chart is named in a line of text (the image is in the Word version)."""
        lines = [f"# {_md(self.title)}", ""]
        for line in self.subtitle:
            lines += [_md(line), ""]
        n = 0
        for block in self.blocks:
            if block[0] == "chart":
                n += 1
                caption = f"图{n}　{_md(block[1].title)}"
                target = f"{image_stem}_chart{n}.png"
                target = f"<{target}>" if " " in target else target
                lines += [f"![{caption}]({target})" if image_stem
                          else f"（{caption}：图片见 Word 版本）", ""]
            elif block[0] == "heading":
                lines += [f"{'#' * (block[1] + 1)} {_md(block[2])}", ""]
            elif block[0] == "paragraph":
                lines += [_md(block[1]), ""]
            elif block[0] == "note":
                lines += [f"> {_md(block[1])}", ""]
            elif block[0] == "table":
                _, headers, rows = block
                lines.append("| " + " | ".join(_md(h) for h in headers) + " |")
                lines.append("|" + "|".join("---" for _ in headers) + "|")
                lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def docx_bytes(self) -> bytes:
        from docx import Document

        doc = Document()
        _docx_styles(doc)
        _docx_properties(doc, self)
        doc.add_heading(printable(self.title), 0)
        for line in self.subtitle:
            doc.add_paragraph(printable(line), style="Subtitle")
        charts = 0
        for block in self.blocks:
            if block[0] == "chart":
                charts += 1
                _docx_chart(doc, block[1], charts)
            elif block[0] == "heading":
                doc.add_heading(printable(block[2]), min(block[1], 3))
            elif block[0] == "paragraph":
                doc.add_paragraph(printable(block[1]))
            elif block[0] == "note":
                doc.add_paragraph(printable(block[1]), style="Quote")
            elif block[0] == "table":
                _docx_table(doc, block[1], block[2])
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write the DOCX, or the Markdown and its chart images (`<stem>_chart<n>.png` beside it)."""
        path = Path(path)
        fmt = fmt or ("docx" if path.suffix.lower() == ".docx" else "md")
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "docx":
            path.write_bytes(self.docx_bytes())
        else:
            path.write_text(self.markdown(image_stem=path.stem), encoding="utf-8")
            for name, data in self.images(path.stem):
                (path.parent / name).write_bytes(data)
        return path


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(value)


def _drawable(chart: report_charts.Chart) -> report_charts.Chart:
    """The chart with every text drawn literally (core/report_text.chart_text)."""
    return replace(chart, title=chart_text(chart.title),
                   categories=tuple(chart_text(c) for c in chart.categories),
                   series=tuple((chart_text(label), values) for label, values in chart.series),
                   reference_label=chart_text(chart.reference_label), axis_label=chart_text(chart.axis_label))


def _md(value: str) -> str:
    """Block text as inert Markdown (core/reports/text.py: data never becomes a tag, link or image)."""
    return md_text(value)


def date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def moment_cn(moment: datetime, with_year: bool = False) -> str:
    text = f"{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{moment.year}年{text}" if with_year else text


def pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def threshold_text(settings: AnalyticsSettings) -> str:
    return f"{settings.reminder_threshold * 100:g}%"


def more(n: int, unit: str, what: str) -> str:
    return f"另有 {n} {unit}{what}未列出。"


def numbered(report: Report, lines: list[str], cap: int, unit: str, what: str) -> None:
    """At most `cap` numbered paragraphs, then one saying how many more there are (never cut silently)."""
    for i, line in enumerate(lines[:cap], start=1):
        report.paragraph(f"{i}. {line}")
    if len(lines) > cap:
        report.paragraph(more(len(lines) - cap, unit, what))


def period_days(period: Period) -> tuple[date, date]:
    """First and last day of a period made of whole days."""
    return period.start.date(), (period.end - timedelta(microseconds=1) - timedelta(hours=period.start.hour)).date()


def span_cn(period: Period) -> str:
    first, last = period_days(period)
    return (f"{date_cn(first)}至{last.month}月{last.day}日" if first.year == last.year
            else f"{date_cn(first)}至{date_cn(last)}")


def file_name(report: Report, day: date | None = None, fmt: str = "docx") -> str:
    """A download name like 舆情摘报_第3期_2026-11-10.docx (parts: title, issue if numbered, day)."""
    parts = [report.title.strip("《》")]
    if report.subtitle and report.subtitle[0].startswith("第 ") and report.subtitle[0].endswith(" 期"):
        parts.append("第" + report.subtitle[0][2:-2] + "期")
    if day is not None:
        parts.append(day.isoformat())
    name = "_".join(parts)
    for bad in '\\/:*?"<>|':
        name = name.replace(bad, "_")
    return f"{name}.{fmt}"


def _docx_styles(doc) -> None:
    """Chinese fonts on every style the reports use, east-Asian slot included (Word ignores the theme otherwise)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for style_name, font in (("Normal", BODY_FONT), ("Title", HEADING_FONT), ("Heading 1", HEADING_FONT),
                             ("Heading 2", HEADING_FONT), ("Heading 3", HEADING_FONT),
                             ("Subtitle", BODY_FONT), ("Quote", BODY_FONT)):
        style = doc.styles[style_name]
        style.font.name = font
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            fonts.set(qn(attr), font)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    doc.styles["Normal"].font.size = Pt(14)


def _docx_properties(doc, report: "Report") -> None:
    """Document properties: the product as author, the report's time as created (same bytes for the same report)."""
    props = doc.core_properties
    props.title = printable(report.title)
    props.subject = printable(report.kind)
    props.author = "舆情看板"
    props.last_modified_by = "舆情看板"
    props.comments = ""
    if report.generated_at is not None:
        props.created = report.generated_at
        props.modified = report.generated_at


def _docx_chart(doc, chart, number: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(report_charts.png(_drawable(chart))), width=Cm(CHART_WIDTH_CM))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = doc.add_paragraph(f"图{number}　{printable(chart.title)}")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _docx_table(doc, headers, rows) -> None:
    table = doc.add_table(rows=1, cols=len(headers), style=TABLE_STYLE)
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = printable(header)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = printable(value)
    doc.add_paragraph("")
