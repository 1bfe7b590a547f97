"""Printable reports: the monthly responsiveness bulletin (通报) and the daily digest 《舆情摘报》.

No streamlit here. A `Report` is a list of blocks (headings, paragraphs, tables, charts) rendered two
ways with the same content: `.markdown()` and `.docx_bytes()` (python-docx; `.save(path)` picks by
suffix). Charts are static PNG images drawn offline (core/reports/charts.py, matplotlib with the bundled
Chinese font): the DOCX embeds them (15 cm wide); `.save("x.md")` writes them next to the Markdown as
`x_chart1.png`, `x_chart2.png` … linked by relative path; `.markdown()` without an image stem (the
dashboard's Markdown download) names each chart in a line of text and refers to the Word version.

Rules
-----
Deterministic   the same data gives the same text: no "generated now" in the body (the generation time
                goes only into the DOCX core properties). The bulletin judges replies as of the store's
                data cut-off (metrics.data_cutoff: the newest published/replied time), the digest as of
                its period end: never the clock, so a closed period always reads the same.
Personal data   only masked titles/quotes (title_masked, topic quotes); authors never appear.
Untrusted text  every block's text is data: `.markdown()` escapes it (never a tag, link or image from
                data) and both formats drop control characters Word cannot hold (core/reports/text.py).
Caps            every list that is cut says so: "另有 N 条/个……未列出".
Bulletin        calendar days (00:00); every request (诉求) of the period, web opinion never; figures
                from metrics.bulletin()/department_table() — the 部门 page's — and as the page, replies
                known by the data cut-off; a figure the sources do not provide says so; the "average" rate follows
                AnalyticsSettings.average_mode and the text says which one it is. Chart: reply rate per
                department.
Special         《专报》 on one hot topic or any filter selection (special_report): overview, volume by
                day (by month beyond 62 days, by year beyond two years) with sentiment as a stacked bar chart, masked quotes, the
                items as a capped appendix. Reply figures from the bulletin's query (metrics) over the
                requests of the selection. Not numbered.
Digest          one monitoring day (settings.day_start_hour, 08:00–08:00); numbered 第 N 期 via the
                report_issues table (queries/reports/digest_issue.sql, issue_digest.sql): a number is
                never reused and the same period regenerated keeps its number. Chart: the volume of the
                last seven monitoring days (negative items stacked).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from dashboard.core.analytics import alerts as alerts_mod
from dashboard.core import store
from dashboard.core.analytics import metrics
from dashboard.core.reports import charts as report_charts
from dashboard.core.analytics import topics
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters, Period, day_period
from dashboard.core.reports.text import chart_text, md_text, printable

__all__ = ["Report", "bulletin_report", "daily_digest", "special_report", "issue_number", "file_name",
           "BODY_FONT", "HEADING_FONT", "OVERDUE_CAP", "ALERT_CAP", "TOPIC_CAP", "REMINDER_CAP", "APPENDIX_CAP",
           "QUOTE_CAP"]

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TABLE_STYLE = "Table Grid"
OVERDUE_CAP = 20
ALERT_CAP = 10
TOPIC_CAP = 5
REMINDER_CAP = 10
APPENDIX_CAP = 100
QUOTE_CAP = 3
QUOTE_CHARS = 80
CHART_WIDTH_CM = 15
VOLUME_DAYS = 7          # the digest's volume chart: this day and the six before
DAILY_SPAN_DAYS = 62     # a special report over a longer span counts by month,
MONTHLY_SPAN_DAYS = 731  # and over more than two years by year
CN_NUM = "一二三四五六七八九十"


# ------------------------------------------------------------------------------------------ report
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
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        doc = Document()
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
        props = doc.core_properties
        props.title = printable(self.title)
        props.subject = printable(self.kind)
        props.author = "舆情看板"
        props.last_modified_by = "舆情看板"
        props.comments = ""
        if self.generated_at is not None:
            props.created = self.generated_at
            props.modified = self.generated_at
        doc.add_heading(printable(self.title), 0)
        for line in self.subtitle:
            doc.add_paragraph(printable(line), style="Subtitle")
        n = 0
        for block in self.blocks:
            if block[0] == "chart":
                n += 1
                doc.add_picture(io.BytesIO(report_charts.png(_drawable(block[1]))), width=Cm(CHART_WIDTH_CM))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                caption = doc.add_paragraph(f"图{n}　{printable(block[1].title)}")
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block[0] == "heading":
                doc.add_heading(printable(block[2]), min(block[1], 3))
            elif block[0] == "paragraph":
                doc.add_paragraph(printable(block[1]))
            elif block[0] == "note":
                doc.add_paragraph(printable(block[1]), style="Quote")
            elif block[0] == "table":
                _, headers, rows = block
                table = doc.add_table(rows=1, cols=len(headers), style=TABLE_STYLE)
                for cell, header in zip(table.rows[0].cells, headers):
                    cell.text = printable(header)
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row):
                        cell.text = printable(value)
                doc.add_paragraph("")
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


# ---------------------------------------------------------------------------------------- formats
def _date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _moment_cn(moment: datetime, with_year: bool = False) -> str:
    text = f"{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{moment.year}年{text}" if with_year else text


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _threshold(settings: AnalyticsSettings) -> str:
    return f"{settings.reminder_threshold * 100:g}%"


def _more(n: int, unit: str, what: str) -> str:
    return f"另有 {n} {unit}{what}未列出。"


def _numbered(report: Report, lines: list[str], cap: int, unit: str, what: str) -> None:
    """At most `cap` numbered paragraphs, then one saying how many more there are (never cut silently)."""
    for i, line in enumerate(lines[:cap], start=1):
        report.paragraph(f"{i}. {line}")
    if len(lines) > cap:
        report.paragraph(_more(len(lines) - cap, unit, what))


def _period_days(period: Period) -> tuple[date, date]:
    """First and last day of a period made of whole days."""
    return period.start.date(), (period.end - timedelta(microseconds=1) - timedelta(hours=period.start.hour)).date()


# --------------------------------------------------------------------------------------- bulletin
def bulletin_report(con, period: Period, settings: AnalyticsSettings | None = None,
                    as_of: datetime | None = None, overdue_cap: int = OVERDUE_CAP) -> Report:
    """The monthly (or any period's) responsiveness bulletin: DOMAIN.md's shape, with the ranking and
    the overdue requests.

    Scope: every request (诉求) of the period — valid or not, assigned or not; web opinion never. Replies
    are judged as of `as_of` when given, else as of the store's data cut-off (metrics.figures_as_of), as
    on the 部门 page, so the same period gives the same figures in both."""
    settings = settings or AnalyticsSettings()
    filters = Filters(period=period)
    as_of_rule = "由调用方指定" if as_of is not None else None
    b = metrics.bulletin(con, filters, settings, as_of)
    table = metrics.department_table(con, filters, settings, b.as_of)
    reminders = metrics.reminder_list(con, filters, settings, b.as_of, table=table)
    span = _span_cn(period)
    report = Report("bulletin", "网民留言办理情况通报",
                    [f"（{span}）", f"答复情况统计截至：{_moment_cn(b.as_of, with_year=True)}"],
                    generated_at=None)
    report.heading("一、总体情况")
    if b.total.received == 0:
        report.paragraph(f"{span}，没有收到诉求件，本期不作通报。")
        _rules_appendix(report, settings, as_of_rule)
        return report
    _bulletin_overview(report, b, span, settings)
    ranked = table[table["rank"].notna()]
    if len(ranked):
        report.chart(report_charts.Chart(
            "各单位答复率", tuple(f"{d}（{g}）" for d, g in zip(ranked["department"], ranked["group"])),
            (("答复率", tuple(float(v) if pd.notna(v) else 0.0 for v in ranked["reply_rate"])),),
            horizontal=True, percent=True, reference=settings.reminder_threshold,
            reference_label=f"提醒线 {_threshold(settings)}"))
    threshold = _threshold(settings)
    both = "均" if settings.reminder_rule == "both" else "有一项"

    report.heading("二、通报表扬")
    if b.honour:
        report.paragraph(f"答复率、满意率均达到 100% 的单位共 {len(b.honour)} 个，予以通报表扬："
                         f"{'、'.join(b.honour)}。")
    else:
        report.paragraph("本期没有答复率、满意率均达到 100% 的单位。")

    report.heading("三、提醒督办")
    if len(reminders):
        report.paragraph(f"答复率、满意率{both}低于 {threshold} 的单位共 {len(reminders)} 个，予以提醒，"
                         f"请加快办理、提高答复质量：{'、'.join(reminders['department'])}。各单位办理情况如下：")
        report.table(["单位", "类别", "有效", "已答复", "答复率", "满意", "满意率", "低于阈值"],
                     [[r["department"] + ("*" if r["tiny"] else ""), r["group"], r["valid"],
                       *_rate_cells(table.loc[table["department"] == r["department"]].iloc[0], settings), r["below"]]
                      for _, r in reminders.iterrows()])
        if reminders["tiny"].any():
            report.paragraph(f"注：标“*”的单位有效件少于 {settings.min_denominator} 件，比率仅供参考。")
    else:
        report.paragraph(f"本期没有答复率、满意率{both}低于 {threshold} 的单位。")

    report.heading("四、办理情况排名")
    report.paragraph("各单位在本组内按答复率、满意率（高者在前）、答复用时中位数（短者在前）、有效件数（多者在前）排名，"
                     "完全相同者名次并列。")
    for group in ("市直", "县市区", "其他"):
        rows = table[(table["group"] == group) & table["rank"].notna()]
        if rows.empty:
            continue
        report.heading(f"{group}{'部门' if group == '市直' else ''}", 2)
        report.table(["名次", "单位", "有效", "已答复", "答复率", "满意", "满意率", "答复用时中位数（天）", "超期未答复", "较上期名次"],
                     [[int(r["rank"]), r["department"], r["valid"], *_rate_cells(r, settings),
                       "—" if pd.isna(r["response_days_median"]) else f"{r['response_days_median']:.1f}",
                       r["overdue_open"] if r["reply_known"] else "—", _movement(r["rank_change"])]
                      for _, r in rows.iterrows()])

    report.heading("五、超期办理情况")
    overdue = pd.concat([metrics.overdue_items(con, filters, settings, b.as_of, kind=kind)
                         for kind in (metrics.OVERDUE_OPEN, metrics.REPLIED_LATE)], ignore_index=True)
    if not b.total.replies_known:
        report.paragraph(f"{metrics.NO_REPLIES}，无法判断超期。")
    elif overdue.empty:
        report.paragraph(f"本期没有超过 {settings.overdue_days} 天未答复或超期答复的有效留言。")
    else:
        counts = overdue["overdue_kind"].value_counts()
        report.paragraph(f"本期有效留言中，超过 {settings.overdue_days} 天未答复的 "
                         f"{int(counts.get(metrics.OVERDUE_OPEN, 0))} 件，超过 {settings.overdue_days} 天才答复的 "
                         f"{int(counts.get(metrics.REPLIED_LATE, 0))} 件，合计 {len(overdue)} 件，"
                         f"先未答复、后超期答复，按天数由多到少列出前 {min(overdue_cap, len(overdue))} 件：")
        shown = overdue.head(overdue_cap)
        report.table(["编号", "情况", "天数", "发布时间", "承办单位", "标题"],
                     [[r["id"], r["overdue_kind"], f"{r['days']:.1f}", f"{r['published_at']:%Y-%m-%d %H:%M}",
                       r["department"], r["title"]] for _, r in shown.iterrows()])
        if len(overdue) > len(shown):
            report.paragraph(_more(len(overdue) - len(shown), "件", "超期留言"))

    _rules_appendix(report, settings, as_of_rule)
    return report


def _span_cn(period: Period) -> str:
    first, last = _period_days(period)
    return (f"{_date_cn(first)}至{last.month}月{last.day}日" if first.year == last.year
            else f"{_date_cn(first)}至{_date_cn(last)}")


def _bulletin_overview(report: Report, b: metrics.Bulletin, span: str, settings: AnalyticsSettings) -> None:
    """一、总体情况: the seed's sentences (受理, 有效, 市直/县市区, replies and satisfaction), then the table."""
    m, c, total, unassigned = b.municipal, b.county, b.total, b.unassigned
    how = ("平均值为合计比率，即已答复件数、满意件数分别除以有效件数" if settings.average_mode != "mean"
           else "平均值为各部门比率的算术平均")
    not_assigned = f"，未标注承办单位 {unassigned.valid} 件" if unassigned and unassigned.valid else ""
    report.paragraph(
        f"{span}，本栏目共受理网民留言 {total.received} 件，其中有效留言 {total.valid} 件；"
        f"交由市直部门办理 {m.valid} 件，交由各县市区办理 {c.valid} 件{not_assigned}。"
        f"{_group_sentence('市直部门', m)}（{how}）。")
    report.paragraph(f"{_group_sentence('各县市区', c)}。{_overdue_sentence(total)}")
    for rate in (total.reply, total.satisfaction):
        if rate.unknown:
            report.note(f"{rate.unknown_label}：有效诉求 {rate.unknown} 件的来源文件不含这一项，"
                        f"不计入{rate.label}{'、答复用时和超期' if rate.label == '答复率' else ''}。")
    report.table(["类别", "单位数", "受理", "有效", "已答复", "答复率", "满意", "满意率"],
                 [[g.group, g.departments, g.received, g.valid, _known(g.replied, g.reply), g.reply_average.percent(),
                   _known(g.satisfied, g.satisfaction), g.satisfaction_average.percent()] for g in b.groups.values()])


def _known(count: int, rate: metrics.Rate) -> str | int:
    """A count behind a rate, or "—" when the sources do not provide the figure (never a 0 as a fact)."""
    return "—" if rate.is_unknown else count


def _rate_cells(row, settings: AnalyticsSettings) -> list:
    """已答复, 答复率, 满意, 满意率 of a department_table row, unknown figures said as such; a rate on
    fewer than min_denominator requests is starred."""
    reply, satisfaction = metrics.department_rates(row, settings)
    return [_known(int(row["replied"]), reply), str(reply), _known(int(row["satisfied"]), satisfaction),
            str(satisfaction)]


def _group_sentence(who: str, g: metrics.GroupSummary) -> str:
    if not g.valid:
        return f"{who}本期没有交办的有效诉求"
    replies = (f"{who}已答复 {g.replied} 件" if not g.reply.is_unknown else f"{who}{metrics.NO_REPLIES}")
    satisfied = (f"网民表示满意 {g.satisfied} 件" if not g.satisfaction.is_unknown else metrics.NO_SATISFACTION)
    return (f"{replies}，{satisfied}，平均答复率为 {_rounded(g.reply_average)}，"
            f"平均满意率为 {_rounded(g.satisfaction_average)}")


def _overdue_sentence(total: metrics.GroupSummary) -> str:
    if not total.replies_known:
        return f"超期情况：{metrics.NO_REPLIES}。"
    return f"截至统计截止时间，超期未答复 {total.overdue_open} 件，超期答复 {total.replied_late} 件。"


def _rules_appendix(report: Report, settings: AnalyticsSettings, as_of_rule: str | None) -> None:
    report.heading("附：统计口径")
    for i, rule in enumerate(metrics.rules_text(settings, as_of_rule=as_of_rule), start=1):
        report.note(f"{i}. {rule}")


def _movement(change) -> str:
    if change is None or pd.isna(change):
        return "—"
    change = int(change)
    return "持平" if change == 0 else (f"上升 {change}" if change > 0 else f"下降 {-change}")


def _rounded(rate: metrics.Rate) -> str:
    value = rate.rounded()
    return rate.percent() if value is None else f"{value}%"


# ----------------------------------------------------------------------------------------- digest
def issue_number(con, period: Period, now: datetime | None = None) -> int:
    """The digest's 第 N 期 for this period: the existing number, else the next one (stored)."""
    found = store.run_query(con, "reports/digest_issue", start=period.start, end=period.end)
    if found.empty:
        store.run_query(con, "reports/issue_digest", start=period.start, end=period.end,
                        as_of=now or metrics.now_local())
        found = store.run_query(con, "reports/digest_issue", start=period.start, end=period.end)
    return int(found.iat[0, 0])


def _change(now: int, before: int) -> str:
    diff = now - before
    if before == 0:
        return "上期为 0 条" if now else "与上期持平（均为 0 条）"
    rate = f"{abs(diff) / before * 100:.1f}%"
    if diff > 0:
        return f"较上期增加 {diff} 条（环比上升 {rate}）"
    if diff < 0:
        return f"较上期减少 {-diff} 条（环比下降 {rate}）"
    return "与上期持平"


def _summary(con, period: Period) -> dict:
    row = store.run_query(con, "trends/summary", **Filters(period=period).params()).iloc[0]
    return {k: (0 if pd.isna(row[k]) else int(row[k])) for k in ("items", "scored", "negative", "requests", "opinion")}


def _digest_overview(con, day: date, today: dict, before: dict, as_of: datetime,
                     settings: AnalyticsSettings) -> str:
    negative_share = f"，占已判定倾向信息的 {today['negative'] / today['scored'] * 100:.1f}%" if today["scored"] else ""
    due, window = metrics.due_reply_rate(con, day, Filters(), settings, as_of)
    value, formula = metrics.due_rate_parts(due, window, settings)
    return (f"本期共监测到信息 {today['items']} 条（诉求 {today['requests']} 件、网络舆情 {today['opinion']} 条），"
            f"{_change(today['items'], before['items'])}；其中负面信息 {today['negative']} 条{negative_share}，"
            f"{_change(today['negative'], before['negative'])}。到期诉求答复率 {value}（{formula}）。")


def daily_digest(con, day: date, settings: AnalyticsSettings | None = None, dicts_dir: str | Path | None = None,
                 now: datetime | None = None, alert_cap: int = ALERT_CAP, topic_cap: int = TOPIC_CAP,
                 reminder_cap: int = REMINDER_CAP) -> Report:
    """《舆情摘报》 for monitoring day `day` (settings.day_start_hour to the same hour the next day)."""
    settings = settings or AnalyticsSettings()
    hour = settings.day_start_hour
    period = day_period(day, hour)
    generated = now or metrics.now_local()
    number = issue_number(con, period, generated)
    start, end = period.start, period.end

    report = Report("daily_digest", "舆情摘报",
                    [f"第 {number} 期", f"监测时段：{_moment_cn(start, True)} 至 {_moment_cn(end, True)}"],
                    generated_at=generated)
    week = [day - timedelta(days=k) for k in range(VOLUME_DAYS - 1, -1, -1)]
    volumes = {d: _summary(con, day_period(d, hour)) for d in week}
    today, before = volumes[day], volumes[week[-2]]
    as_of = min(generated, end)
    report.heading("一、总体情况")
    report.paragraph(_digest_overview(con, day, today, before, as_of, settings))
    report.chart(report_charts.Chart(
        f"近 {VOLUME_DAYS} 个监测日信息量", tuple(f"{d.month}月{d.day}日" for d in week),
        (("负面", tuple(volumes[d]["negative"] for d in week)),
         ("其他", tuple(volumes[d]["items"] - volumes[d]["negative"] for d in week))),
        axis_label="信息（条）"))

    found = alerts_mod.current_alerts(con, day, settings, dicts_dir=dicts_dir, now=as_of)
    warnings, reminders = alerts_mod.split(found)
    hot = topics.hot_topics(con, Filters(period=period), limit=200) if today["items"] else []

    if not warnings and not hot and not reminders:
        report.heading("二、重要舆情")
        report.paragraph("本期无重要舆情。")
        return report

    report.heading("二、预警提示")
    if warnings:
        report.paragraph(f"本期共有{alerts_mod.AlertCounts.of(found).text()}；预警按严重程度排列如下"
                         f"（部门提醒见第四部分）：")
        _numbered(report, [f"【{a.severity}·{a.kind_label}】{a.message}" for a in warnings], alert_cap,
                  "条", "预警（严重程度较低）")
    else:
        report.paragraph("本期无预警。")

    report.heading("三、热点话题")
    if hot:
        for i, topic in enumerate(hot[:topic_cap], start=1):
            report.heading(f"（{CN_NUM[i - 1] if i <= 10 else i}）{topic.label}", 2)
            same_day = topic.first_at.date() == topic.last_at.date()
            last = f"{topic.last_at:%H:%M}" if same_day else _moment_cn(topic.last_at)
            departments = "、".join([d for d in topic.departments if d != metrics.UNLABELLED][:3]) or "未标注"
            report.paragraph(
                f"本期相关信息 {topic.size} 条，涉及 {topic.people} 位网民，首条发布于 {_moment_cn(topic.first_at)}，"
                f"最新一条发布于 {last}；主要来源：{'、'.join(topic.channels[:3]) or '未标注'}；"
                f"涉及单位：{departments}。代表性留言：《{topic.representative_title}》。")
            for quote in topic.quotes[:2]:
                report.note(f"网民原话：“{quote}”")
        if len(hot) > topic_cap:
            report.paragraph(_more(len(hot) - topic_cap, "个", "规模较小的话题"))
    else:
        report.paragraph("本期未形成热点话题。")

    report.heading("四、提醒部门")
    if reminders:
        report.paragraph(f"以下 {len(reminders)} 个单位近期已到期诉求的答复率、满意率低于 {_threshold(settings)}，"
                         f"请督促办理：")
        _numbered(report, [a.message for a in reminders], reminder_cap, "个", "单位")
    else:
        report.paragraph("本期没有需要提醒的单位。")
    return report


# ---------------------------------------------------------------------------------------- special
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


def _describe_filters(filters: Filters) -> str:
    parts = []
    for label, values in (("分类", filters.categories), ("渠道", filters.channels), ("地区", filters.regions),
                          ("部门", filters.departments), ("倾向", filters.sentiments)):
        if values:
            parts.append(f"{label}：{'、'.join(values)}")
    if (filters.keyword or "").strip():
        parts.append(f"关键词：“{filters.keyword.strip()}”")
    return "；".join(parts) or "全部信息"


def _top(series: pd.Series, n: int = 5) -> str:
    counts = series.value_counts()
    counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    shown = [f"{k}（{v} 条）" for k, v in counts.head(n).items()]
    more = f"等 {len(counts)} 个" if len(counts) > n else ""
    return "、".join(shown) + more if shown else "无"


def _quote(content) -> str | None:
    if content is None or (not isinstance(content, str) and pd.isna(content)):
        return None
    text = " ".join(str(content).split())
    if not text:
        return None
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"


def _special_replies(report: Report, con, filters: Filters, item_ids: list[str] | None,
                     settings: AnalyticsSettings) -> None:
    """The requests of the selection and their replies: the 部门 page's and the bulletin's query
    (metrics), over these items; figures the sources do not provide say so."""
    total = metrics.group_summary(con, filters, settings, item_ids=item_ids)[-1]
    if not total.received:
        report.paragraph("所选信息中没有诉求件（均为网络舆情），不计算答复率。")
        return
    median = (f"，答复用时中位数 {total.response_days_median:.1f} 天" if total.response_days_median is not None
              else "")
    report.paragraph(f"其中诉求 {total.received} 件（有效 {total.valid} 件）；{total.reply.formula}"
                     f"（与办理情况通报口径一致）{median}。")
    table = metrics.department_table(con, filters, settings, compare_previous=False, item_ids=item_ids)
    table = table.sort_values(["received", "department"], ascending=[False, True], kind="stable")
    report.table(["单位", "诉求", "有效", "已答复", "答复率", "答复用时中位数（天）"],
                 [[r["department"], int(r["received"]), int(r["valid"]), *_rate_cells(r, settings)[:2],
                   "—" if pd.isna(r["response_days_median"]) else f"{r['response_days_median']:.1f}"]
                  for _, r in table.iterrows()])
    if table["tiny"].any():
        report.paragraph(f"注：标“*”的比率有效件少于 {settings.min_denominator} 件，仅供参考。")


def special_report(con, filters: Filters, title: str | None = None, topic: topics.Topic | None = None,
                   appendix_cap: int = APPENDIX_CAP, quote_cap: int = QUOTE_CAP) -> Report:
    """《专报》 on a hot topic (its items) or on any filter selection (the items matching `filters`).

    Deterministic: the same data and filters give the same text. Titles and quotes are masked copies;
    authors never appear. Reply figures from the bulletin's query (metrics) over the requests of the
    selection; web opinion is counted but never in a reply figure."""
    settings = AnalyticsSettings()
    rows = store.run_query(con, "items/export", **filters.params(), subcategories=None, limit=None)
    for column in ("channel", "region", "department"):
        rows[column] = rows[column].fillna(metrics.UNLABELLED)
    if topic is not None:
        ids = set(topic.item_ids)
        rows = rows[rows["id"].astype(str).isin(ids)]
    rows = rows.drop(columns=["author"], errors="ignore")
    rows = rows.sort_values(["published_at", "id"], kind="stable").reset_index(drop=True)
    subject = title or (f"关于“{topic.label}”的舆情专报" if topic is not None else "舆情专报")
    subtitle = []
    if filters.period is not None:
        subtitle.append(f"统计时段：{_moment_cn(filters.period.start, True)} 至 {_moment_cn(filters.period.end, True)}")
    subtitle.append(f"范围：{_describe_filters(filters)}" + (f"；话题：{topic.label}" if topic is not None else ""))
    report = Report("special", subject, subtitle)

    n = len(rows)
    report.heading("一、总体情况")
    if n == 0:
        report.paragraph("所选范围内没有舆情信息。")
        return report
    first_at, last_at = rows["published_at"].min(), rows["published_at"].max()
    departments = rows["department"][rows["department"] != metrics.UNLABELLED]
    report.paragraph(
        f"所选范围内共有信息 {n} 条（诉求 {int(rows['kind'].eq('诉求').sum())} 件、网络舆情 "
        f"{int(rows['kind'].eq('舆情').sum())} 条），首条发布于 {_moment_cn(first_at, True)}，"
        f"最新一条发布于 {_moment_cn(last_at, True)}。主要来源渠道：{_top(rows['channel'])}；"
        f"涉及地区：{_top(rows['region'])}；涉及单位：{_top(departments) if len(departments) else '未标注'}。")
    _special_replies(report, con, filters, list(topic.item_ids) if topic is not None else None, settings)

    hour = filters.day_start_hour
    days = (rows["published_at"] - pd.Timedelta(hours=hour)).dt.date
    span_days = (days.max() - days.min()).days + 1
    unit = "日" if span_days <= DAILY_SPAN_DAYS else ("月" if span_days <= MONTHLY_SPAN_DAYS else "年")
    buckets = days.map({"日": date.isoformat, "月": lambda d: f"{d.year}-{d.month:02d}",
                        "年": lambda d: str(d.year)}[unit])
    order = ["负面", "中性", "正面", "未评分"]
    counts = rows["sentiment"].value_counts()
    labels = [s for s in order if s in counts.index] + sorted(s for s in counts.index if s not in order)
    by_bucket = pd.crosstab(buckets, rows["sentiment"]).reindex(columns=labels, fill_value=0).sort_index()

    report.heading(f"二、每{unit}信息量")
    report.table([{"日": "日期", "月": "月份", "年": "年份"}[unit], "信息", *labels],
                 [[b, int(r.sum()), *(int(v) for v in r)] for b, r in by_bucket.iterrows()])
    if unit != "日":
        limit = DAILY_SPAN_DAYS if unit == "月" else MONTHLY_SPAN_DAYS
        report.note(f"时间跨度超过 {limit} 天，按{unit}统计（仅列出有信息的{unit}份）。")
    elif hour:
        report.note(f"按监测日（{hour:02d}:00 至次日 {hour:02d}:00）统计。")
    report.chart(report_charts.Chart(
        f"每{unit}信息量及情感倾向", tuple(by_bucket.index),
        tuple((s, tuple(int(v) for v in by_bucket[s])) for s in labels), axis_label="信息（条）"))

    report.heading("三、情感倾向")
    report.table(["倾向", "信息", "占比"], [[s, int(counts[s]), _pct(counts[s] / n)] for s in labels])

    report.heading("四、网民原话")
    quotes: list[str] = list(topic.quotes) if topic is not None else []
    if len(quotes) < quote_cap:
        texts = topics.topic_items(con, rows["id"].astype(str).tolist())
        texts = texts.assign(_neg=texts["sentiment"].eq("负面").fillna(False))
        texts = texts.sort_values(["likes", "_neg", "published_at", "id"], ascending=[False, False, False, True],
                                  kind="stable")
        for content in texts["content"]:
            q = _quote(content)
            if q and q not in quotes:
                quotes.append(q)
            if len(quotes) >= quote_cap:
                break
    if quotes:
        for q in quotes[:quote_cap]:
            report.note(f"网民原话：“{q}”")
    else:
        report.paragraph("没有可引用的原话。")

    report.heading("附：信息列表")
    shown = rows.head(appendix_cap)
    report.paragraph(f"共 {n} 条，按发布时间先后列出" + (f"前 {len(shown)} 条：" if n > len(shown) else "："))
    report.table(["编号", "发布时间", "渠道", "地区", "单位", "倾向", "答复", "标题"],
                 [[r["id"], f"{r['published_at']:%Y-%m-%d %H:%M}", r["channel"], r["region"], r["department"],
                   r["sentiment"], r["reply_status"], r["title"]]
                  for _, r in shown.iterrows()])
    if n > len(shown):
        report.paragraph(_more(n - len(shown), "条", "信息"))
    return report
