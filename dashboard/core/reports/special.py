"""The special report 《专报》 on one hot topic or any filter selection: overview, the requests and their
replies (the bulletin's query over the selection), volume by day (by month beyond 62 days, by year beyond
two years) with sentiment as a stacked bar chart, masked quotes, the items as a capped appendix. Not
numbered. Deterministic; titles and quotes are masked copies; authors never appear. No streamlit.
"""
from __future__ import annotations

from dataclasses import replace
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
TOPIC_CAP = 10          # topics listed in 五、主要话题
QUOTE_CHARS = 80
DAILY_SPAN_DAYS = 62     # a special report over a longer span counts by month,
MONTHLY_SPAN_DAYS = 731  # and over more than two years by year
SENTIMENTS = ("负面", "中性", "正面", "未评分")   # a report reads the negative first


def _describe_filters(filters: Filters) -> str:
    parts = []
    for label, values in (("分类", filters.categories), ("渠道", filters.channels), ("地区", filters.regions),
                          ("部门", filters.departments), ("倾向", filters.sentiments)):
        if values:
            parts.append(f"{label}：{'、'.join(values)}")
    if (filters.keyword or "").strip():
        parts.append(f"关键词：“{filters.keyword.strip()}”")
    return "；".join(parts) or "全部信息"


def _top(breakdown: pd.DataFrame, dimension: str, n: int = 5) -> str:
    """'A（3 条）、B（2 条）等 7 个' from items/breakdown rows of one dimension (most items first)."""
    rows = breakdown[breakdown["dimension"] == dimension]
    if dimension == "department":
        rows = rows[rows["value"] != metrics.UNLABELLED]
    shown = [f"{v}（{int(k)} 条）" for v, k in zip(rows["value"].head(n), rows["items"].head(n))]
    if not shown:
        return "未标注" if dimension == "department" else "无"
    return "、".join(shown) + (f"等 {len(rows)} 个" if len(rows) > n else "")


def _quote(content) -> str | None:
    if content is None or (not isinstance(content, str) and pd.isna(content)):
        return None
    text = " ".join(str(content).split())
    if not text:
        return None
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"


def special_report(con, filters: Filters, title: str | None = None, topic: topics.Topic | None = None,
                   appendix_cap: int = APPENDIX_CAP, quote_cap: int = QUOTE_CAP,
                   topic_cap: int = TOPIC_CAP) -> Report:
    """《专报》 on a hot topic (its items) or on any filter selection (the items matching `filters`).

    Every figure comes from the named queries the pages use, over the selection (a topic narrows the
    filters to its item ids). Deterministic: the same data and filters give the same text. Titles and
    quotes are masked copies; authors never appear; web opinion is counted but never in a reply figure."""
    scope = replace(filters, item_ids=tuple(topic.item_ids)) if topic is not None else filters
    report = Report("special", title or (f"关于“{topic.label}”的舆情专报" if topic is not None else "舆情专报"),
                    _subtitle(filters, topic))
    summary = store.run_query(con, "trends/summary", **scope.params()).iloc[0]
    report.heading("一、总体情况")
    if not int(summary["items"]):
        report.paragraph("所选范围内没有舆情信息。")
        return report
    _overview(report, con, scope, summary)
    _replies(report, con, scope, AnalyticsSettings())
    _volume(report, con, scope)
    _sentiments(report, summary)
    _quotes(report, con, scope, list(topic.quotes) if topic is not None else [], quote_cap)
    _top_topics(report, con, scope, topic_cap)
    _appendix(report, con, scope, int(summary["items"]), appendix_cap)
    return report


def _top_topics(report: Report, con, scope: Filters, cap: int) -> None:
    """五、主要话题: the hot topics of the selection (over any span: topics.hot_topics, the 热点与预警 page's),
    each with its headline, key terms, items, people, likes, first and last day."""
    report.heading("五、主要话题")
    found = topics.hot_topics(con, scope, limit=cap)
    if not found:
        report.paragraph("所选范围内没有形成话题（至少 3 条相互关联的信息）。")
        return
    report.table(["话题", "关键词", "信息", "人数", "点赞", "首条", "最新"],
                 [[t.label, t.key_terms, t.size, t.people, t.likes, f"{t.first_at:%Y-%m-%d}", f"{t.last_at:%Y-%m-%d}"]
                  for t in found])


def _subtitle(filters: Filters, topic: topics.Topic | None) -> list[str]:
    lines = []
    if filters.period is not None:
        lines.append(f"统计时段：{moment_cn(filters.period.start, True)} 至 {moment_cn(filters.period.end, True)}")
    lines.append(f"范围：{_describe_filters(filters)}" + (f"；话题：{topic.label}（关键词：{topic.key_terms}）" if topic is not None else ""))
    return lines


def _overview(report: Report, con, scope: Filters, summary) -> None:
    breakdown = store.run_query(con, "items/breakdown", **scope.params())
    report.paragraph(
        f"所选范围内共有信息 {int(summary['items'])} 条（诉求 {int(summary['requests'])} 件、网络舆情 "
        f"{int(summary['opinion'])} 条），首条发布于 {moment_cn(summary['first_published'], True)}，"
        f"最新一条发布于 {moment_cn(summary['last_published'], True)}。主要来源渠道：{_top(breakdown, 'channel')}；"
        f"涉及地区：{_top(breakdown, 'region')}；涉及单位：{_top(breakdown, 'department')}。")


def _replies(report: Report, con, scope: Filters, settings: AnalyticsSettings) -> None:
    """The requests of the selection and their replies: the 部门 page's and the bulletin's query; figures
    the sources do not provide say so."""
    total = metrics.group_summary(con, scope, settings)[-1]
    if not total.received:
        report.paragraph("所选信息中没有诉求件（均为网络舆情），不计算答复率。")
        return
    median = (f"，答复用时中位数 {total.response_days_median:.1f} 天" if total.response_days_median is not None
              else "")
    report.paragraph(f"其中诉求 {total.received} 件（有效 {total.valid} 件）；{total.reply.formula}"
                     f"（与办理情况通报口径一致）{median}。")
    table = metrics.department_table(con, scope, settings, compare_previous=False)
    table = table.sort_values(["received", "department"], ascending=[False, True], kind="stable")
    report.table(["单位", "诉求", "有效", "已答复", "答复率", "答复用时中位数（天）"],
                 [[r["department"], int(r["received"]), int(r["valid"]), *rate_cells(r, settings)[:2],
                   "—" if pd.isna(r["response_days_median"]) else f"{r['response_days_median']:.1f}"]
                  for _, r in table.iterrows()])
    if table["tiny"].any():
        report.paragraph(f"注：标“*”的比率有效件少于 {settings.min_denominator} 件，仅供参考。")


_UNITS = {"day": ("日", "日期", date.isoformat), "month": ("月", "月份", lambda d: f"{d.year}-{d.month:02d}"),
          "year": ("年", "年份", lambda d: str(d.year))}


def _volume(report: Report, con, scope: Filters) -> None:
    """二、每日（月、年）信息量 by sentiment: trends/volume with the grain the span needs."""
    hour = scope.day_start_hour
    days = store.run_query(con, "trends/volume", **scope.params(), grain="day", dimension=None, day_start_hour=hour)
    span = (pd.to_datetime(days["bucket"]).max() - pd.to_datetime(days["bucket"]).min()).days + 1
    grain = "day" if span <= DAILY_SPAN_DAYS else ("month" if span <= MONTHLY_SPAN_DAYS else "year")
    unit, header, label = _UNITS[grain]
    rows = store.run_query(con, "trends/volume", **scope.params(), grain=grain, dimension="sentiment",
                           day_start_hour=hour)
    table = rows.pivot_table(index="bucket", columns="series", values="items", aggfunc="sum", fill_value=0)
    labels = [s for s in SENTIMENTS if s in table.columns]
    table = table.reindex(columns=labels).sort_index()
    buckets = [label(pd.Timestamp(b).date()) for b in table.index]
    report.heading(f"二、每{unit}信息量")
    report.table([header, "信息", *labels],
                 [[b, int(r.sum()), *(int(v) for v in r)] for b, (_, r) in zip(buckets, table.iterrows())])
    if grain != "day":
        limit = DAILY_SPAN_DAYS if grain == "month" else MONTHLY_SPAN_DAYS
        report.note(f"时间跨度超过 {limit} 天，按{unit}统计（仅列出有信息的{unit}份）。")
    elif hour:
        report.note(f"按监测日（{hour:02d}:00 至次日 {hour:02d}:00）统计。")
    report.chart(report_charts.Chart(
        f"每{unit}信息量及情感倾向", tuple(buckets),
        tuple((s, tuple(int(v) for v in table[s])) for s in labels), axis_label="信息（条）"))


def _sentiments(report: Report, summary) -> None:
    """三、情感倾向 from trends/summary: 负面, 中性, 正面 and 未评分 with their shares."""
    n, scored = int(summary["items"]), int(summary["scored"])
    counts = {"负面": int(summary["negative"]), "中性": scored - int(summary["negative"]) - int(summary["positive"]),
              "正面": int(summary["positive"]), "未评分": n - scored}
    report.heading("三、情感倾向")
    report.table(["倾向", "信息", "占比"], [[s, k, pct(k / n)] for s, k in counts.items() if k])


def _quotes(report: Report, con, scope: Filters, quotes: list[str], cap: int) -> None:
    """四、网民原话: the topic's quotes, then the most liked items' words (items/attention)."""
    report.heading("四、网民原话")
    if len(quotes) < cap:
        liked = store.run_query(con, "items/attention", **scope.params(), limit=cap * 10)
        for content in liked["content"]:
            q = _quote(content)
            if q and q not in quotes:
                quotes.append(q)
            if len(quotes) >= cap:
                break
    for q in quotes[:cap]:
        report.note(f"网民原话：“{q}”")
    if not quotes:
        report.paragraph("没有可引用的原话。")


def _appendix(report: Report, con, scope: Filters, n: int, cap: int) -> None:
    rows = store.run_query(con, "items/export", **scope.params(), subcategories=None, limit=cap, oldest_first=True)
    report.heading("附：信息列表")
    report.paragraph(f"共 {n} 条，按发布时间先后列出" + (f"前 {len(rows)} 条：" if n > len(rows) else "："))
    report.table(["编号", "发布时间", "渠道", "地区", "单位", "倾向", "答复", "标题"],
                 [[r["id"], f"{r['published_at']:%Y-%m-%d %H:%M}", r["channel"], r["region"], r["department"],
                   r["sentiment"], r["reply_status"], r["title"]] for _, r in rows.iterrows()])
    if n > len(rows):
        report.paragraph(more(n - len(rows), "条", "信息"))
