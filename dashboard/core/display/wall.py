"""The 大屏 (wall display) figures: dark, large type, readable from five metres. No streamlit."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.display.figures import _layout, bars_figure

WALL_BACKGROUND = "#0b1426"
WALL_TEXT = "#e8eef9"
PANEL_SECONDS = 15          # each panel stays this long
PANELS = ("volume", "alerts", "topics", "regions", "departments")
PANEL_TITLES = {"volume": "今日信息量", "alerts": "实时预警", "topics": "热点话题", "regions": "地区排行",
                "departments": "部门响应"}


def panel_at(seconds: float, panels: tuple[str, ...] = PANELS, every: int = PANEL_SECONDS) -> str:
    """The panel shown at a moment (all screens in a room show the same one)."""
    return panels[int(seconds // every) % len(panels)]


def dark(fig: go.Figure, height: int = 760) -> go.Figure:
    """A figure restyled for the wall: dark background, light large type, no toolbar-sized details."""
    fig.update_layout(paper_bgcolor=WALL_BACKGROUND, plot_bgcolor=WALL_BACKGROUND, height=height,
                      font=dict(color=WALL_TEXT, size=26), margin=dict(l=20, r=40, t=20, b=20), showlegend=False)
    fig.update_xaxes(gridcolor="#23314f", zerolinecolor="#23314f")
    fig.update_yaxes(gridcolor="#23314f")
    return fig


def ranking_figure(frame: pd.DataFrame, dimension: str, limit: int = 10) -> go.Figure:
    """The top `limit` values (frame: value, items) as large horizontal bars."""
    top = frame.nlargest(limit, "items")
    fig = bars_figure(top, dimension)
    fig.update_traces(texttemplate="%{x}", textposition="outside", textfont=dict(size=28))
    fig.update_xaxes(title=None)
    return dark(fig)


def hourly_figure(today: pd.DataFrame, yesterday: pd.DataFrame) -> go.Figure:
    """Items per hour of the day: today as bars, yesterday as a line (frames: hour 0–23, items)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=today["hour"], y=today["items"], name="今日", marker_color="#4fc3f7",
                         hovertemplate="%{x} 时：%{y} 条<extra>今日</extra>"))
    fig.add_trace(go.Scatter(x=yesterday["hour"], y=yesterday["items"], name="昨日", mode="lines",
                             line=dict(color="#ffb74d", width=4, dash="dash"),
                             hovertemplate="%{x} 时：%{y} 条<extra>昨日</extra>"))
    fig.update_xaxes(title="时", dtick=2)
    fig.update_yaxes(title=None, rangemode="tozero")
    fig = dark(_layout(fig), height=560)
    fig.update_layout(showlegend=True, legend=dict(orientation="h", y=1.08, x=0, font=dict(size=26)))
    return fig
