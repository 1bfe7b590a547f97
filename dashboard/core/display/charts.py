"""Pure figure builders: DataFrame in, plotly Figure out. No streamlit here.

Every builder labels in Chinese and colours consistently across pages: sentiment 正面 green, 中性 grey,
负面 red, 未评分 light grey; categories have fixed colours (a stable hash picks one for a category this
file does not know), and unlabelled values are grey.

Text from the data (category names and the like) is escaped before plotly sees it, because plotly
renders a subset of HTML in labels and hover text. The raw values a mark stands for travel in its
`customdata` (treemap tiles: in their `id`), which `drilldown.py` reads back when the mark is clicked.

The reshaping behind the figures lives here too: zero-filled time buckets, the previous period
aligned under the current one, spike marks, the category tree with shares and changes, and the KPI
numbers with their formulas.

Spike rule (趋势 page, any time grain): a bucket is marked 突增 when it has at least `min_items` (5)
items and more than mean + `k` (2) × standard deviation of the `window` (14) buckets before it.
Empty buckets count as 0, buckets before the store's first item do not count, and a bucket with
fewer than `min_baseline` (7) baseline buckets is never marked. (Alerts — core/analytics/alerts.py, the 热点与预警
page — use their own, stricter daily rule per category/region/…; this one only marks the chart.)
"""
from __future__ import annotations

import html
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.display.drilldown import (
    CURRENT,
    DIMENSION_LABELS,
    GRAIN_LABELS,
    PREVIOUS,
    UNLABELLED_VALUES,
    bucket_labels,
    bucket_of,
    bucket_period,
    tree_id,
)
from dashboard.core.filters import Period

SENTIMENT_ORDER = ("正面", "中性", "负面", "未评分")
SENTIMENT_COLORS = {"正面": "#2e7d32", "中性": "#9e9e9e", "负面": "#d32f2f", "未评分": "#d9d9d9"}
CATEGORY_COLORS = {
    "城乡建设": "#1f77b4", "环境保护": "#17becf", "交通运输": "#ff7f0e", "教育文体": "#9467bd",
    "劳动和社会保障": "#8c564b", "商贸旅游": "#e377c2", "卫生计生": "#bcbd22", "农村农业": "#2ca02c",
    "政法": "#393b79", "民政": "#aec7e8", "科技与信息产业": "#ffbb78", "国土资源": "#98df8a",
}
UNLABELLED_COLOR = "#bdbdbd"
OTHERS_COLOR = "#cfd8dc"
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f",
           "#af7aa1", "#86bcb6", "#d37295", "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#499894")
PREVIOUS_COLOR = "#455a64"
SPIKE_COLOR = "#b71c1c"

TICK_FORMATS = {"hour": "%m-%d %H时", "day": "%m-%d", "week": "%m-%d", "month": "%Y-%m"}
HOVER_TIME = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d", "week": "%Y-%m-%d 起的一周", "month": "%Y年%m月"}
SERIES_LIMIT = 8        # series beyond this are merged into one '其余 N 项' mark
HEATMAP_COLUMNS = 15    # heatmap columns beyond this are merged likewise
SPIKE_WINDOW = 14
SPIKE_K = 2.0
SPIKE_MIN_ITEMS = 5
SPIKE_MIN_BASELINE = 7
# grain -> (the bucket as a noun, "N of them" counter): 天 / 14 天, 小时 / 14 个小时 …
SPIKE_UNITS = {"hour": ("小时", "个小时"), "day": ("天", "天"), "week": ("周", "周"), "month": ("月", "个月")}


def spike_rule(grain: str) -> str:
    """The spike rule in one Chinese sentence, for the caption under the chart."""
    noun, counter = SPIKE_UNITS[grain]
    return (f"▼ 突增：该{noun}条目数 ≥ {SPIKE_MIN_ITEMS}，且高于此前 {SPIKE_WINDOW} {counter}的均值 + "
            f"{SPIKE_K:g} 倍标准差（没有条目的{noun}按 0 计，数据开始之前的不计；此前不足 {SPIKE_MIN_BASELINE} "
            f"{counter}时不标记）。")


def esc(text: Any) -> str:
    """Data text made safe for plotly labels (which understand a little HTML)."""
    return html.escape("" if text is None else str(text), quote=False)


def color_for(dimension: str | None, value: str) -> str:
    """The one colour a value has on every chart."""
    if dimension == "sentiment" and value in SENTIMENT_COLORS:
        return SENTIMENT_COLORS[value]
    if value in UNLABELLED_VALUES.values():
        return UNLABELLED_COLOR
    if value.startswith("其余 "):
        return OTHERS_COLOR
    if dimension in (None, "category") and value in CATEGORY_COLORS:
        return CATEGORY_COLORS[value]
    return PALETTE[zlib.crc32(value.encode("utf-8")) % len(PALETTE)]


def others_label(count: int) -> str:
    return f"其余 {count} 项"


def _iso(moment: Any) -> str:
    return pd.Timestamp(moment).isoformat()


def _layout(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    fig.update_layout(
        title=title, height=height, margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title=None),
        hovermode="closest", clickmode="event+select",
        font=dict(family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"),
    )
    return fig


def empty_figure(message: str = "所选条件下没有数据") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=esc(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=16, color="#757575"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=260)


# --------------------------------------------------------------------------------------------------
# Time series: zero-filling, series caps, previous period, spikes
# --------------------------------------------------------------------------------------------------

def fill_buckets(frame: pd.DataFrame, period: Period | None, grain: str, day_start_hour: int = 0) -> pd.DataFrame:
    """queries/trends/volume rows → every (bucket, series) of the period, empty buckets as 0."""
    frame = frame[["bucket", "series", "items"]].copy()
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    if period is None:
        if frame.empty:
            return frame.assign(items=frame["items"].astype("int64"))
        period = Period(frame["bucket"].min().to_pydatetime(),
                        bucket_period(frame["bucket"].max(), grain, day_start_hour).end)
    labels = pd.DatetimeIndex(bucket_labels(period, grain, day_start_hour), name="bucket")
    series = list(dict.fromkeys(frame["series"])) or ["全部"]
    grid = pd.MultiIndex.from_product([labels, series], names=["bucket", "series"])
    filled = (frame.groupby(["bucket", "series"])["items"].sum()
              .reindex(grid, fill_value=0).reset_index())
    filled["items"] = filled["items"].astype("int64")
    return filled


def cap_series(frame: pd.DataFrame, limit: int = SERIES_LIMIT) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Keep the `limit` largest series; merge the rest into '其余 N 项'. Returns the frame and, for the
    merged mark, the values it stands for (so a click on it selects exactly those)."""
    totals = frame.groupby("series")["items"].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= limit:
        return frame, {}
    keep = list(totals.index[: limit - 1])
    rest = tuple(totals.index[limit - 1:])
    label = others_label(len(rest))
    merged = frame.assign(series=frame["series"].where(frame["series"].isin(keep), label))
    merged = merged.groupby(["bucket", "series"], as_index=False)["items"].sum()
    return merged, {label: rest}


def _by_size(totals: pd.Series) -> list[str]:
    """Values by total, largest first; '其余 N 项' and unlabelled values (未分类 / 未标注 / 未评分) last."""
    last = set(UNLABELLED_VALUES.values())
    return sorted(totals.index, key=lambda v: (v.startswith("其余 ") or v in last, -int(totals[v]), v))


def series_order(frame: pd.DataFrame, dimension: str | None) -> list[str]:
    """Sentiment in its fixed order; other series by total, largest first; merged and unlabelled last."""
    names = list(dict.fromkeys(frame["series"]))
    if dimension == "sentiment":
        return [s for s in SENTIMENT_ORDER if s in names] + [s for s in names if s not in SENTIMENT_ORDER]
    return _by_size(frame.groupby("series")["items"].sum().reindex(names, fill_value=0))


def baseline_period(period: Period, grain: str, window: int = SPIKE_WINDOW) -> Period:
    """The period to query for spike baselines: `window` buckets before `period`, and `period`."""
    if grain == "hour":
        back = timedelta(hours=window)
    elif grain == "day":
        back = timedelta(days=window)
    elif grain == "week":
        back = timedelta(days=7 * window)
    else:
        back = timedelta(days=31 * window)
    return Period(period.start - back, period.end)


def find_spikes(totals: pd.DataFrame, period: Period, grain: str, day_start_hour: int = 0,
                first_data: datetime | None = None, window: int = SPIKE_WINDOW, k: float = SPIKE_K,
                min_items: int = SPIKE_MIN_ITEMS, min_baseline: int = SPIKE_MIN_BASELINE) -> pd.DataFrame:
    """Mark spikes (module docstring). `totals`: (bucket, items) over baseline_period(period) — the
    rows of queries/trends/volume with no dimension. Returns one row per bucket of `period`: bucket,
    items, mean, sd, threshold, baseline (how many buckets the baseline had), spike."""
    extended = baseline_period(period, grain, window)
    labels = bucket_labels(extended, grain, day_start_hour)
    counts = pd.Series(0, index=pd.DatetimeIndex(labels, name="bucket"), dtype="int64")
    if not totals.empty:
        given = totals.assign(bucket=pd.to_datetime(totals["bucket"])).groupby("bucket")["items"].sum()
        given = given[given.index.isin(counts.index)]
        counts.loc[given.index] = given.astype("int64")
    known = pd.Series(True, index=counts.index)
    if first_data is not None and not pd.isna(first_data):
        first_data = pd.Timestamp(first_data).to_pydatetime()
        first_bucket = pd.Timestamp(bucket_period(bucket_of(first_data, grain, day_start_hour), grain,
                                                  day_start_hour).start)
        starts = pd.Series([bucket_period(b, grain, day_start_hour).start for b in counts.index], index=counts.index)
        known = pd.to_datetime(starts) >= first_bucket
    baseline_values = counts.where(known)
    shifted = baseline_values.shift(1)
    mean = shifted.rolling(window, min_periods=1).mean()
    sd = shifted.rolling(window, min_periods=1).std(ddof=0)
    n = shifted.rolling(window, min_periods=1).count()
    threshold = mean + k * sd
    out = pd.DataFrame({"items": counts, "mean": mean, "sd": sd, "threshold": threshold, "baseline": n})
    out["baseline"] = out["baseline"].fillna(0).astype("int64")
    out["spike"] = ((out["items"] >= min_items) & (out["baseline"] >= min_baseline)
                    & (out["items"] > out["threshold"].fillna(math.inf)))
    inside = [bucket_period(b, grain, day_start_hour).start < period.end
              and bucket_period(b, grain, day_start_hour).end > period.start for b in out.index]
    return out[inside].reset_index()


def align_previous(current: Period, previous_totals: pd.DataFrame, grain: str,
                   day_start_hour: int = 0) -> pd.DataFrame:
    """The previous equal period (current.previous()) laid under the current one bucket by bucket:
    the i-th bucket of the previous period is drawn at the i-th bucket of the current one.
    Returns bucket (where it is drawn), previous_bucket (what it counts) and items."""
    previous = current.previous()
    now_labels = bucket_labels(current, grain, day_start_hour)
    before_labels = bucket_labels(previous, grain, day_start_hour)
    counts = {}
    if not previous_totals.empty:
        counts = (previous_totals.assign(bucket=pd.to_datetime(previous_totals["bucket"]))
                  .groupby("bucket")["items"].sum().to_dict())
    rows = [{"bucket": pd.Timestamp(a), "previous_bucket": pd.Timestamp(b), "items": int(counts.get(pd.Timestamp(b), 0))}
            for a, b in zip(now_labels, before_labels)]
    return pd.DataFrame(rows, columns=["bucket", "previous_bucket", "items"])


def volume_figure(frame: pd.DataFrame, *, grain: str, dimension: str | None = None, mode: str = "stack",
                  previous: pd.DataFrame | None = None, spikes: pd.DataFrame | None = None,
                  others: Mapping[str, tuple[str, ...]] | None = None, title: str | None = None) -> go.Figure:
    """Volume over time. `frame`: (bucket, series, items), zero-filled (fill_buckets, cap_series).

    mode: 'stack' (stacked bars), 'group' (bars side by side) or 'line' (one line per series).
    previous: align_previous() output, drawn as a dashed line 上一周期. spikes: find_spikes() output;
    marked buckets get a red triangle above the bar. customdata of every mark:
    [bucket ISO, series value(s) or None, 'current'|'previous', hover label].
    """
    if frame.empty or int(frame["items"].sum()) == 0 and (previous is None or int(previous["items"].sum()) == 0):
        return empty_figure()
    others = others or {}
    fig = go.Figure()
    hover_time = HOVER_TIME[grain]
    for name in series_order(frame, dimension):
        part = frame[frame["series"] == name].sort_values("bucket")
        raw: Any = list(others[name]) if name in others else (None if dimension is None else name)
        custom = [[_iso(b), raw, CURRENT, ""] for b in part["bucket"]]
        shown = "条目数" if dimension is None else esc(name)
        hover = f"%{{x|{hover_time}}}<br>{shown}：%{{y}} 条<extra></extra>"
        colour = color_for(dimension, name) if dimension else "#1f77b4"
        if mode == "line":
            fig.add_trace(go.Scatter(x=part["bucket"], y=part["items"], name=shown, mode="lines+markers",
                                     line=dict(color=colour), customdata=custom, hovertemplate=hover))
        else:
            fig.add_trace(go.Bar(x=part["bucket"], y=part["items"], name=shown, marker_color=colour,
                                 customdata=custom, hovertemplate=hover))
    if previous is not None and not previous.empty:
        custom = [[_iso(b), None, PREVIOUS, pd.Timestamp(b).strftime(hover_time)] for b in previous["previous_bucket"]]
        fig.add_trace(go.Scatter(
            x=previous["bucket"], y=previous["items"], name="上一周期（合计）", mode="lines",
            line=dict(color=PREVIOUS_COLOR, dash="dash", width=2), customdata=custom,
            hovertemplate="上一周期 %{customdata[3]}：%{y} 条<extra></extra>"))
    if spikes is not None and not spikes.empty and bool(spikes["spike"].any()):
        marked = spikes[spikes["spike"]]
        custom = [[_iso(r.bucket), None, CURRENT,
                   f"前 {int(r.baseline)} 个{GRAIN_LABELS[grain]}均值 {r.mean:.1f}，标准差 {r.sd:.1f}，阈值 {r.threshold:.1f}"]
                  for r in marked.itertuples()]
        fig.add_trace(go.Scatter(
            x=marked["bucket"], y=marked["items"], name="突增", mode="markers+text", text=["突增"] * len(marked),
            textposition="top center", textfont=dict(color=SPIKE_COLOR),
            marker=dict(symbol="triangle-down", size=12, color=SPIKE_COLOR), customdata=custom,
            hovertemplate=f"%{{x|{hover_time}}} 突增：%{{y}} 条<br>%{{customdata[3]}}<extra></extra>"))
    fig.update_layout(barmode="group" if mode == "group" else "stack", bargap=0.15)
    fig.update_xaxes(title=None, tickformat=TICK_FORMATS[grain])
    fig.update_yaxes(title="条目数", rangemode="tozero")
    return _layout(fig, title=title)


def negative_share(frame: pd.DataFrame) -> pd.DataFrame:
    """Volume by sentiment (fill_buckets with dimension 'sentiment') → per bucket: negative, scored
    (items with a sentiment) and share = negative ÷ scored (NaN when nothing was scored)."""
    pivot = frame.pivot_table(index="bucket", columns="series", values="items", aggfunc="sum", fill_value=0)
    negative = pivot["负面"] if "负面" in pivot.columns else pd.Series(0, index=pivot.index)
    scored = pivot[[c for c in pivot.columns if c != "未评分"]].sum(axis=1)
    out = pd.DataFrame({"negative": negative.astype("int64"), "scored": scored.astype("int64")})
    out["share"] = (out["negative"] / out["scored"]).where(out["scored"] > 0)
    return out.reset_index()


def negative_share_figure(frame: pd.DataFrame, *, grain: str, min_denominator: int,
                          title: str | None = None) -> go.Figure:
    """负面占比 over time from negative_share(). Buckets with fewer than `min_denominator` scored items
    are drawn hollow and marked 基数小 in the hover. customdata = [bucket, '负面', 'current', hover]."""
    if frame.empty or int(frame["scored"].sum()) == 0:
        return empty_figure("所选条件下没有已评分的条目")
    hover_time = HOVER_TIME[grain]
    small = frame["scored"] < min_denominator
    custom = [[_iso(r.bucket), "负面", CURRENT,
               f"负面 {int(r.negative)} ÷ 已评分 {int(r.scored)}" + ("（基数小）" if r.scored < min_denominator else "")]
              for r in frame.itertuples()]
    fig = go.Figure(go.Scatter(
        x=frame["bucket"], y=frame["share"], mode="lines+markers", name="负面占比",
        line=dict(color=SENTIMENT_COLORS["负面"]),
        marker=dict(color=[("white" if s else SENTIMENT_COLORS["负面"]) for s in small],
                    line=dict(color=SENTIMENT_COLORS["负面"], width=1.5), size=7),
        customdata=custom, hovertemplate=f"%{{x|{hover_time}}}：%{{y:.1%}}<br>%{{customdata[3]}}<extra></extra>",
    ))
    fig.update_xaxes(title=None, tickformat=TICK_FORMATS[grain])
    fig.update_yaxes(title="负面占比", tickformat=".0%", rangemode="tozero")
    return _layout(fig, title=title, height=300)


# --------------------------------------------------------------------------------------------------
# Categories: tree with shares and changes, treemap, heatmaps
# --------------------------------------------------------------------------------------------------

def change_text(current: float, previous: float | None, min_denominator: int) -> str:
    """环比 as text: '+12.5%', '新出现', '—', or the difference when the base is tiny ('+3 条（基数小）')."""
    if previous is None or (isinstance(previous, float) and math.isnan(previous)):
        return "—"
    if previous == 0:
        return "新出现" if current > 0 else "—"
    if previous < min_denominator:
        return f"{int(current - previous):+d} 条（基数小）"
    return f"{(current - previous) / previous:+.1%}"


def category_tree(current: pd.DataFrame, previous: pd.DataFrame | None, min_denominator: int = 5) -> pd.DataFrame:
    """queries/categories/tree rows for this and the previous period → one row per category (level 1)
    and per subcategory (level 2): items, previous, share (of all items; of the category for level 2)
    and change (环比 text)."""
    previous = previous if previous is not None else current.iloc[0:0]
    cur_sub = current.groupby(["category", "subcategory"])["items"].sum()
    prev_sub = previous.groupby(["category", "subcategory"])["items"].sum()
    cur_cat = current.groupby("category")["items"].sum()
    prev_cat = previous.groupby("category")["items"].sum()
    total = int(cur_cat.sum())
    rows = []
    for category, items in cur_cat.sort_values(ascending=False, kind="stable").items():
        before = int(prev_cat.get(category, 0))
        rows.append(dict(level=1, category=category, subcategory=None, items=int(items), previous=before,
                         share=items / total if total else 0.0,
                         change=change_text(int(items), before, min_denominator)))
        subs = cur_sub.loc[category].sort_values(ascending=False, kind="stable")
        for subcategory, n in subs.items():
            before_sub = int(prev_sub.get((category, subcategory), 0))
            rows.append(dict(level=2, category=category, subcategory=subcategory, items=int(n),
                             previous=before_sub, share=n / items if items else 0.0,
                             change=change_text(int(n), before_sub, min_denominator)))
    return pd.DataFrame(rows, columns=["level", "category", "subcategory", "items", "previous", "share", "change"])


def category_table(tree: pd.DataFrame) -> pd.DataFrame:
    """The level-1 rows of category_tree() for a table: 分类, 条目数, 占比, 上期, 环比."""
    top = tree[tree["level"] == 1]
    return pd.DataFrame({
        "分类": top["category"].to_numpy(), "条目数": top["items"].to_numpy(),
        "占比": (top["share"] * 100).round(1).to_numpy(), "上期": top["previous"].to_numpy(),
        "环比": top["change"].to_numpy(),
    })


def treemap_figure(tree: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Category → subcategory treemap from category_tree(). Tile ids carry the raw values
    (drilldown.tree_id); labels are escaped; hover shows share, previous period and change."""
    if tree.empty:
        return empty_figure()
    ids, labels, parents, values, colours, hover = [], [], [], [], [], []
    for row in tree.itertuples():
        if row.level == 1:
            ids.append(tree_id(row.category))
            parents.append("")
            labels.append(esc(row.category))
            colours.append(color_for("category", row.category))
            scope = "占全部"
        else:
            ids.append(tree_id(row.category, row.subcategory))
            parents.append(tree_id(row.category))
            labels.append(esc(row.subcategory))
            colours.append(color_for("category", row.category))
            scope = "占本分类"
        values.append(int(row.items))
        hover.append([f"{scope} {row.share:.1%}；上期 {int(row.previous)} 条；环比 {esc(row.change)}",
                      f"{row.share:.0%} · 环比 {esc(row.change)}"])
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker=dict(colors=colours, line=dict(width=1, color="white")),
        customdata=hover, texttemplate="%{label}<br>%{value} 条<br>%{customdata[1]}",
        hovertemplate="%{label}：%{value} 条<br>%{customdata[0]}<extra></extra>", maxdepth=2,
        pathbar=dict(visible=True), root=dict(color="#fafafa"),
    ))
    fig.update_layout(margin=dict(l=5, r=5, t=40 if title else 10, b=5))
    return _layout(fig, title=title, height=480)


def heatmap_figure(frame: pd.DataFrame, row_dimension: str = "category", column_dimension: str = "region",
                   max_columns: int = HEATMAP_COLUMNS, title: str | None = None) -> go.Figure:
    """Counts of `row_dimension` × `column_dimension` (queries/categories/matrix: category, value, items).

    Rows and columns are ordered by total, largest first; columns beyond `max_columns` are merged into
    '其余 N 项'. Plotly heatmaps send no click data, so an invisible marker sits on every cell and
    carries customdata = [row value(s), column value(s)] for drilldown.from_heatmap_selection.
    """
    if frame.empty or int(frame["items"].sum()) == 0:
        return empty_figure()
    data = frame.rename(columns={"category": "row", "value": "column"})[["row", "column", "items"]]
    col_totals = data.groupby("column")["items"].sum().sort_values(ascending=False, kind="stable")
    merged: dict[str, list[str]] = {}
    if len(col_totals) > max_columns:
        keep = list(col_totals.index[: max_columns - 1])
        rest = list(col_totals.index[max_columns - 1:])
        label = others_label(len(rest))
        merged[label] = rest
        data = data.assign(column=data["column"].where(data["column"].isin(keep), label))
        data = data.groupby(["row", "column"], as_index=False)["items"].sum()
        col_totals = data.groupby("column")["items"].sum().sort_values(ascending=False, kind="stable")
    row_totals = data.groupby("row")["items"].sum()
    rows = list(reversed(_by_size(row_totals)))      # plotly draws the first row at the bottom
    columns = _by_size(col_totals)
    matrix = data.pivot_table(index="row", columns="column", values="items", aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=rows, columns=columns, fill_value=0)
    x_labels = [esc(c) for c in columns]
    y_labels = [esc(r) for r in rows]
    row_name = DIMENSION_LABELS.get(row_dimension, row_dimension)
    col_name = DIMENSION_LABELS.get(column_dimension, column_dimension)
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=x_labels, y=y_labels, colorscale="Blues", text=matrix.to_numpy(),
        texttemplate="%{text}", hoverinfo="skip", colorbar=dict(title="条目数"), xgap=1, ygap=1,
    ))
    xs, ys, custom, hover = [], [], [], []
    for r, y in zip(rows, y_labels):
        for c, x in zip(columns, x_labels):
            xs.append(x)
            ys.append(y)
            custom.append([r, merged.get(c, c)])
            hover.append(f"{y} × {x}：{int(matrix.at[r, c])} 条")
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers", marker=dict(size=24, opacity=0, symbol="square"), customdata=custom,
        text=hover, hovertemplate="%{text}<extra></extra>", showlegend=False, name="单元格",
    ))
    fig.update_xaxes(title=col_name, type="category", side="bottom")
    fig.update_yaxes(title=row_name, type="category")
    return _layout(fig, title=title, height=max(320, 32 * len(rows) + 140))


def bars_figure(frame: pd.DataFrame, dimension: str, *, value_column: str = "items",
                title: str | None = None) -> go.Figure:
    """Horizontal bars, one per value of `dimension` (frame: value, items). customdata = [value]."""
    if frame.empty:
        return empty_figure()
    data = frame.sort_values(value_column, ascending=True, kind="stable")
    fig = go.Figure(go.Bar(
        x=data[value_column], y=[esc(v) for v in data["value"]], orientation="h",
        marker_color=[color_for(dimension, v) for v in data["value"]],
        customdata=[[v] for v in data["value"]], hovertemplate="%{y}：%{x} 条<extra></extra>",
    ))
    fig.update_xaxes(title="条目数")
    fig.update_yaxes(title=None, type="category")
    return _layout(fig, title=title, height=max(260, 26 * len(data) + 100))


# --------------------------------------------------------------------------------------------------
# KPI numbers
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    """One KPI card: the value, its formula with numerator and denominator, 环比 and 同比."""

    label: str
    value: float | None
    text: str
    formula: str
    numerator: float | None = None
    denominator: float | None = None
    previous: float | None = None
    year_before: float | None = None
    change: str = "—"
    year_change: str = "—"
    small_base: bool = False      # the value's own denominator is below min_denominator
    higher_is_worse: bool = False
    notes: tuple[str, ...] = ()   # e.g. the previous period starts before the data does
    caption: str | None = None    # shown on the card itself (the formula of a figure easy to misread)

    @property
    def help(self) -> str:
        lines = [f"计算方法：{self.formula}"]
        if self.numerator is not None and self.denominator is not None:
            lines.append(f"分子 {_num(self.numerator)}，分母 {_num(self.denominator)}")
        if self.small_base:
            lines.append("分母过小，数值仅供参考")
        if self.change != "—" or self.previous is not None:
            lines.append(f"环比（与紧挨在前的等长周期相比）：{self.change}"
                         + (f"（上期 {_num(self.previous)}）" if self.previous is not None else ""))
        if self.year_change != "—" or self.year_before is not None:
            lines.append(f"同比（与去年同期相比）：{self.year_change}"
                         + (f"（去年同期 {_num(self.year_before)}）" if self.year_before is not None else ""))
        lines.extend(self.notes)
        return "\n\n".join(lines)


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.1f}"


def _count_change(current: float, previous: float | None, min_denominator: int) -> str:
    if previous is None:
        return "无数据"
    return change_text(current, previous, min_denominator)


def count_kpi(label: str, current: float, previous: float | None, year_before: float | None,
              min_denominator: int, formula: str = "所选时间和条件下的条目数", unit: str = "条") -> Kpi:
    """A count: 环比/同比 as relative change; a previous value below min_denominator shows the difference."""
    return Kpi(label=label, value=current, text=f"{_num(current)}", formula=formula,
               previous=previous, year_before=year_before,
               change=_count_change(current, previous, min_denominator),
               year_change=_count_change(current, year_before, min_denominator) if year_before else "去年同期无数据")


def rate_kpi(label: str, numerator: float, denominator: float, previous: tuple[float, float] | None,
             year_before: tuple[float, float] | None, min_denominator: int, formula: str,
             higher_is_worse: bool = False, compare_year: bool = True) -> Kpi:
    """A share: value = numerator ÷ denominator; 环比/同比 in percentage points; small denominators marked."""
    def rate(pair):
        if pair is None or not pair[1]:
            return None
        return pair[0] / pair[1]

    value = numerator / denominator if denominator else None
    prev_rate, year_rate = rate(previous), rate(year_before)

    def points(other, pair):
        if value is None or other is None:
            return "无数据"
        text = f"{(value - other) * 100:+.1f} 个百分点"
        if pair[1] < min_denominator or denominator < min_denominator:
            text += "（基数小）"
        return text

    return Kpi(label=label, value=value, text="—" if value is None else f"{value:.1%}", formula=formula,
               numerator=numerator, denominator=denominator,
               previous=None if prev_rate is None else round(prev_rate * 100, 1),
               year_before=None if year_rate is None else round(year_rate * 100, 1),
               change=points(prev_rate, previous),
               year_change=(points(year_rate, year_before) if year_rate is not None
                            else "去年同期无数据" if compare_year else "—"),
               small_base=denominator < min_denominator, higher_is_worse=higher_is_worse)


def due_rate_kpi(numerator: float, denominator: float, previous: tuple[float, float] | None, value_text: str,
                 formula: str, min_denominator: int) -> Kpi:
    """到期诉求答复率: only requests past their reply deadline, so a fresh day does not look unanswered.
    The formula stands on the card (value_text and formula: metrics.due_rate_parts)."""
    kpi = rate_kpi("到期诉求答复率", numerator, denominator, previous, None, min_denominator, formula,
                   compare_year=False)
    return replace(kpi, text=value_text, caption=formula)


def responsiveness_kpis(total: Any, settings: Any) -> list[Kpi]:
    """The 部门 page cards from the 合计 row (metrics.GroupSummary): 受理, 有效, 平均答复率, 平均满意率,
    超期未答复. A figure the sources do not provide says so (the Rate's unknown label), never 0."""
    def rate_card(label: str, rate: Any) -> Kpi:
        return Kpi(label=label, value=rate.value, text=str(rate), formula=rate.formula, small_base=rate.tiny,
                   caption=rate.unknown_note or None)

    known = total.replies_known
    overdue_text = f"{total.overdue_open:,}" if known else total.reply.unknown_label
    return [
        Kpi(label="受理", value=total.received, text=f"{total.received:,}",
            formula="所选时间段内的全部诉求（有效或无效、交办或未交办），不含网络舆情"),
        Kpi(label="有效", value=total.valid, text=f"{total.valid:,}", formula="其中标为有效的诉求"),
        rate_card("平均答复率", total.reply_average),
        rate_card("平均满意率", total.satisfaction_average),
        Kpi(label="超期未答复", value=total.overdue_open if known else None, text=overdue_text,
            formula=f"有效诉求发布后超过 {settings.overdue_days} 天仍未答复（只统计来源提供答复信息的诉求）",
            higher_is_worse=True),
    ]


def summary_kpis(current: Mapping[str, Any], previous: Mapping[str, Any] | None,
                 year_before: Mapping[str, Any] | None, days: float, min_denominator: int) -> list[Kpi]:
    """The 趋势 page cards from queries/trends/summary rows (this period, the previous one, a year before)."""
    def get(row, key):
        return None if row is None else float(row[key] or 0)

    items = float(current["items"] or 0)
    year_items = get(year_before, "items")
    cards = [
        count_kpi("条目数", items, get(previous, "items"), year_items or None, min_denominator),
        Kpi(label="日均条目", value=items / days if days else None,
            text=f"{items / days:,.1f}" if days else "—", formula="条目数 ÷ 天数",
            numerator=items, denominator=days,
            previous=None if previous is None else round(get(previous, "items") / days, 1),
            year_before=None if not year_items else round(year_items / days, 1),
            change=_count_change(items, get(previous, "items"), min_denominator),
            year_change=_count_change(items, year_items, min_denominator) if year_items else "去年同期无数据"),
        rate_kpi("负面占比", float(current["negative"] or 0), float(current["scored"] or 0),
                 None if previous is None else (get(previous, "negative"), get(previous, "scored")),
                 None if not year_items else (get(year_before, "negative"), get(year_before, "scored")),
                 min_denominator, "负面条目数 ÷ 已评分条目数（未评分的不计入分母）", higher_is_worse=True),
    ]
    return cards


def with_coverage(kpis: list[Kpi], period: Period | None, first_data: Any) -> list[Kpi]:
    """Mark comparisons whose other period starts before the store's first item (so it is only
    partly covered and the change overstates growth)."""
    if period is None or first_data is None or pd.isna(first_data):
        return kpis
    first = pd.Timestamp(first_data).to_pydatetime()
    previous_note = "上期早于数据起点，环比仅供参考" if period.previous().start < first else None
    year = period.year_before()
    year_note = "去年同期数据不全，同比仅供参考" if year.start < first < year.end else None
    marked = []
    for kpi in kpis:
        extra = []
        if previous_note and kpi.change not in ("—", "无数据"):
            extra.append(previous_note)
        if year_note and kpi.year_change not in ("—", "去年同期无数据"):
            extra.append(year_note)
        marked.append(replace(kpi, notes=kpi.notes + tuple(extra)) if extra else kpi)
    return marked


def period_days(period: Period | None) -> float:
    return 0.0 if period is None else period.length.total_seconds() / 86400


def spike_kpi(spikes: pd.DataFrame, grain: str) -> Kpi:
    """How many buckets of the period are marked 突增 (find_spikes), and the largest of them."""
    marked = spikes[spikes["spike"]] if not spikes.empty else spikes
    count = len(marked)
    noun, counter = SPIKE_UNITS[grain]
    peak = "" if marked.empty else f"，最多的一{'个' if grain in ('hour', 'month') else ''}{noun} {int(marked['items'].max())} 条"
    return Kpi(label=f"突增{noun}数", value=count, text=str(count),
               formula=spike_rule(grain).lstrip("▼ ") + f" 本期共 {count} {counter}{peak}。",
               change="—", year_change="—")


def category_kpis(tree: pd.DataFrame, current: Mapping[str, Any], previous: Mapping[str, Any] | None,
                  year_before: Mapping[str, Any] | None, min_denominator: int) -> list[Kpi]:
    """The 分类 page cards: items, how many categories have items, and the share left unclassified."""
    top = tree[tree["level"] == 1] if not tree.empty else tree
    items = float(current["items"] or 0)
    prev_items = None if previous is None else float(previous["items"] or 0)
    year_items = None if year_before is None else float(year_before["items"] or 0)
    unlabelled_name = UNLABELLED_VALUES["category"]
    named = top[top["category"] != unlabelled_name] if not top.empty else top
    unlabelled = top[top["category"] == unlabelled_name] if not top.empty else top
    now_unlabelled = float(unlabelled["items"].sum()) if not unlabelled.empty else 0.0
    before_unlabelled = float(unlabelled["previous"].sum()) if not unlabelled.empty else 0.0
    prev_categories = int((named["previous"] > 0).sum()) if not named.empty else 0
    return [
        count_kpi("条目数", items, prev_items, year_items or None, min_denominator),
        Kpi(label="有条目的分类", value=len(named), text=str(len(named)),
            formula="本期至少有 1 条的一级分类个数（未分类不计）", previous=prev_categories,
            change=f"{len(named) - prev_categories:+d} 个" if prev_items else "无数据"),
        rate_kpi("未分类占比", now_unlabelled, items,
                 None if not prev_items else (before_unlabelled, prev_items), None, min_denominator,
                 "没有一级分类的条目数 ÷ 条目数", higher_is_worse=True, compare_year=False),
    ]
