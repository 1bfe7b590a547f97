"""The special report 《专报》 on one hot topic or any filter selection: overview, the requests and their
replies (the bulletin's query over the selection), volume by day (by month beyond 62 days, by year beyond
two years) with sentiment as a stacked bar chart, masked quotes, the items as a capped appendix. Not
numbered. Deterministic; titles and quotes are masked copies; authors never appear. No streamlit.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.core import store
from dashboard.core.analytics import metrics, topics
from dashboard.core.config import AnalyticsSettings
from dashboard.core.filters import Filters
from dashboard.core.reports import charts as report_charts
from dashboard.core.reports.bulletin import rate_cells
from dashboard.core.reports.document import Report, moment_cn, more, pct

APPENDIX_CAP = 100

QUOTE_CAP = 3

QUOTE_CHARS = 80

DAILY_SPAN_DAYS = 62     # a special report over a longer span counts by month,

MONTHLY_SPAN_DAYS = 731  # and over more than two years by year


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
                 [[r["department"], int(r["received"]), int(r["valid"]), *rate_cells(r, settings)[:2],
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
        subtitle.append(f"统计时段：{moment_cn(filters.period.start, True)} 至 {moment_cn(filters.period.end, True)}")
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
        f"{int(rows['kind'].eq('舆情').sum())} 条），首条发布于 {moment_cn(first_at, True)}，"
        f"最新一条发布于 {moment_cn(last_at, True)}。主要来源渠道：{_top(rows['channel'])}；"
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
    report.table(["倾向", "信息", "占比"], [[s, int(counts[s]), pct(counts[s] / n)] for s in labels])

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
        report.paragraph(more(n - len(shown), "条", "信息"))
    return report
