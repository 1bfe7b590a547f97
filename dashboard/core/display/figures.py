"""Pure figure builders: DataFrame in, plotly Figure out. No streamlit here.

Every builder labels in Chinese and colours consistently across pages: sentiment 正面 green, 中性 grey,
负面 red, 未评分 light grey; categories have fixed colours (a stable hash picks one for a category this
file does not know), and unlabelled values are grey.

Text from the data (category names and the like) is escaped before plotly sees it, because plotly
renders a subset of HTML in labels and hover text. The raw values a mark stands for travel in its
`customdata` (treemap tiles: in their `id`), which `drilldown.py` reads back when the mark is clicked.

The data behind them is shaped in analytics/series.py.
"""
from __future__ import annotations

import base64
import html
import zlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.analytics.series import by_size, others_label, series_order
from dashboard.core.display.drilldown import CURRENT, PREVIOUS, tree_id
from dashboard.core.filters import DIMENSION_LABELS, GRAIN_LABELS, UNLABELLED_VALUES

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

# Tick labels that follow the zoom: the grain's own format while ticks are close, then year-month,
# then the year alone (nine years by day would otherwise read "01-01" at every tick). plotly's dtick:
# milliseconds below a month, "M1" / "M12" for month and year ticks.
_DAY_MS = 86_400_000
_COARSER = [("M1", "%m-%d"), ("M12", "%Y-%m"), (None, "%Y年")]


def tick_stops(grain: str) -> list[dict]:
    """plotly tickformatstops for a time axis at this grain (never finer than the grain)."""
    steps = ([(_DAY_MS, TICK_FORMATS["hour"])] if grain == "hour" else []) + _COARSER
    if grain == "month":
        steps = _COARSER[1:]
    stops, low = [], None
    for high, value in steps:
        stops.append(dict(dtickrange=[low, high], value=value))
        low = high
    return stops


MAX_SPIKE_MARKS = 5     # marked on the chart; every spike is listed in the table under it

HOVER_TIME = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d", "week": "%Y-%m-%d 起的一周", "month": "%Y年%m月"}

HEATMAP_COLUMNS = 15    # heatmap columns beyond this are merged likewise


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


def _time_axis(fig: go.Figure, grain: str) -> None:
    """Chinese tick labels at every zoom (tick_stops), never finer than the grain."""
    fig.update_xaxes(title=None, tickformatstops=tick_stops(grain))


def top_spikes(spikes: pd.DataFrame, limit: int = MAX_SPIKE_MARKS) -> pd.DataFrame:
    """The spikes worth a mark: the `limit` furthest above their threshold (the rest are in the table)."""
    marked = spikes[spikes["spike"]]
    excess = marked["items"] / marked["threshold"].clip(lower=1)
    return marked.assign(_excess=excess).nlargest(limit, "_excess").drop(columns="_excess").sort_values("bucket")


def empty_figure(message: str = "所选条件下没有数据") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=esc(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=16, color="#757575"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=260)


def volume_figure(frame: pd.DataFrame, *, grain: str, dimension: str | None = None, mode: str = "stack",
                  previous: pd.DataFrame | None = None, spikes: pd.DataFrame | None = None,
                  others: Mapping[str, tuple[str, ...]] | None = None, title: str | None = None) -> go.Figure:
    """Volume over time. `frame`: (bucket, series, items), zero-filled (fill_buckets, cap_series).

    mode: 'stack' (stacked bars), 'group' (bars side by side) or 'line' (one line per series).
    previous: align_previous() output, drawn as a dashed line 上一周期. spikes: find_spikes() output;
    the MAX_SPIKE_MARKS strongest get a red triangle above the bar (top_spikes). customdata of every mark:
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
        marked = top_spikes(spikes)
        custom = [[_iso(r.bucket), None, CURRENT,
                   f"前 {int(r.baseline)} 个{GRAIN_LABELS[grain]}均值 {r.mean:.1f}，标准差 {r.sd:.1f}，阈值 {r.threshold:.1f}"]
                  for r in marked.itertuples()]
        fig.add_trace(go.Scatter(
            x=marked["bucket"], y=marked["items"], name="突增", mode="markers+text", text=["突增"] * len(marked),
            textposition="top center", textfont=dict(color=SPIKE_COLOR),
            marker=dict(symbol="triangle-down", size=12, color=SPIKE_COLOR), customdata=custom,
            hovertemplate=f"%{{x|{hover_time}}} 突增：%{{y}} 条<br>%{{customdata[3]}}<extra></extra>"))
    fig.update_layout(barmode="group" if mode == "group" else "stack", bargap=0.15)
    _time_axis(fig, grain)
    fig.update_yaxes(title="条目数", rangemode="tozero")
    return _layout(fig, title=title)


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
    _time_axis(fig, grain)
    fig.update_yaxes(title="负面占比", tickformat=".0%", rangemode="tozero")
    return _layout(fig, title=title, height=300)


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
    rows = list(reversed(by_size(row_totals)))      # plotly draws the first row at the bottom
    columns = by_size(col_totals)
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


def term_trend_figure(frame: pd.DataFrame, *, grain: str = "day") -> go.Figure:
    """Items using each term per bucket: frame (day, term, items); one line per term, Chinese dates on
    the axis and in the hover (the 词云 page's 词语趋势). customdata = [bucket, term]."""
    if frame.empty:
        return empty_figure()
    fig = go.Figure()
    hover_time = HOVER_TIME[grain]
    for term, part in frame.sort_values("day").groupby("term", sort=False):
        fig.add_trace(go.Scatter(
            x=part["day"], y=part["items"], name=esc(term), mode="lines+markers",
            line=dict(color=color_for("term", str(term))),
            customdata=[[_iso(d), str(term)] for d in part["day"]],
            hovertemplate=f"%{{x|{hover_time}}}<br>{esc(term)}：%{{y}} 条<extra></extra>"))
    _time_axis(fig, grain)
    fig.update_yaxes(title="条目数", rangemode="tozero")
    return _layout(fig, height=300)


def sparkline_figure(frame: pd.DataFrame, *, grain: str = "day") -> go.Figure:
    """A small line of items per bucket (frame: bucket, items), e.g. 总览's last seven days; no axes
    titles, the last point marked."""
    if frame.empty:
        return empty_figure()
    data = frame.sort_values("bucket")
    fig = go.Figure(go.Scatter(
        x=data["bucket"], y=data["items"], mode="lines+markers", line=dict(color="#1f77b4", width=3),
        marker=dict(size=[6] * (len(data) - 1) + [11]), fill="tozeroy", fillcolor="rgba(31,119,180,0.12)",
        hovertemplate=f"%{{x|{HOVER_TIME[grain]}}}：%{{y}} 条<extra></extra>"))
    _time_axis(fig, grain)
    fig.update_yaxes(title=None, rangemode="tozero")
    fig = _layout(fig, height=180)
    fig.update_layout(margin=dict(l=10, r=10, t=10, b=10), showlegend=False)
    return fig


def wordcloud_figure(png: bytes, placed: list, width: int, height: int) -> go.Figure:
    """The word-cloud picture with a clickable mark on every word (wordcloud.placed_words): the picture
    is the background, each word's box centre an invisible point whose customdata is [word]."""
    fig = go.Figure(go.Scatter(
        x=[p.x for p in placed], y=[p.y for p in placed], mode="markers",
        marker=dict(symbol="square", size=[min(max(p.height, 12), 60) for p in placed], opacity=0),
        customdata=[[p.word] for p in placed], text=[esc(p.word) for p in placed],
        hovertemplate=[f"{esc(p.word)}：出现 {p.count:,.0f} 次<br>点击查看使用该词的信息<extra></extra>"
                       for p in placed]))
    fig.add_layout_image(source="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                         xref="x", yref="y", x=0, y=0, sizex=width, sizey=height, xanchor="left",
                         yanchor="top", sizing="stretch", layer="below")
    fig.update_xaxes(visible=False, range=[0, width], fixedrange=True)
    fig.update_yaxes(visible=False, range=[height, 0], fixedrange=True, scaleanchor="x")
    fig = _layout(fig, height=height)
    fig.update_layout(margin=dict(l=0, r=0, t=0, b=0), showlegend=False, plot_bgcolor="white")
    return fig
