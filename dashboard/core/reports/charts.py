"""Static charts for printable reports: PNG images drawn offline with matplotlib.

One chart type, a bar chart (vertical or horizontal, one series or stacked series), serves every
report: the special report's items per day by sentiment, the daily digest's volume of the last seven
monitoring days, the bulletin's reply rate per department. No streamlit, no pyplot, nothing fetched:
the figure is drawn on matplotlib's Agg canvas with the Noto Sans SC font the word cloud uses
(package pylopdf-fonts-zh-cn, `wordcloud_render.font_path()`), so Chinese labels render on any machine.
The same chart gives the same picture (no timestamp or software tag in the PNG).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from dashboard.core.display.wordcloud import font_path

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: it costs a second at page start-up
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

__all__ = ["COLOURS", "Chart", "chart_font", "figure", "png"]

COLOURS = {"负面": "#c0392b", "中性": "#95a5a6", "正面": "#27ae60", "未评分": "#d5d8dc", "其他": "#7f8c8d"}
SINGLE = "#2e6da4"
PALETTE = ("#2e6da4", "#e67e22", "#16a085", "#8e44ad", "#7f8c8d")
DPI = 150
WIDTH_IN = 8.0
MAX_TICKS = 31          # more categories than this on the x axis: label every k-th


@dataclass(frozen=True)
class Chart:
    """A bar chart: `categories` along the axis; `series` stacked in order, each (label, values).

    horizontal: bars left to right, the first category on top. percent: values are shares (0–1) and
    the axis reads in %. reference: a dashed line at this value (e.g. the reminder threshold)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    horizontal: bool = False
    percent: bool = False
    reference: float | None = None
    reference_label: str | None = None
    axis_label: str = ""


@lru_cache(maxsize=1)
def chart_font() -> FontProperties:
    """The bundled Chinese font as matplotlib font properties (registered once with the font manager)."""
    from matplotlib import font_manager

    path = str(font_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path)


def figure(chart: Chart) -> Figure:
    """The chart drawn on an Agg canvas (no pyplot, no global backend change)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = chart_font()
    n = len(chart.categories)
    height = max(2.6, 0.26 * n + 1.3) if chart.horizontal else 3.6
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    positions = list(range(n))
    if chart.horizontal:
        positions = positions[::-1]            # the first category on top
    _bars(ax, chart, positions)
    _axes(ax, chart, positions, font)
    legend_room = 0.0
    if len(chart.series) > 1 or chart.reference_label:
        handles, names = ax.get_legend_handles_labels()
        fig.legend(handles, names, prop=font, frameon=False, loc="lower center", ncol=len(names))
        legend_room = 0.3 / height            # a line of legend under the axes, about 0.3 inch
    fig.tight_layout(rect=(0, legend_room, 1, 1))
    return fig


def _bars(ax, chart: Chart, positions: list[int]) -> None:
    """The series stacked, one colour each (a single series in the one house colour)."""
    base = [0.0] * len(positions)
    for k, (label, values) in enumerate(chart.series):
        colour = SINGLE if len(chart.series) == 1 else COLOURS.get(label, PALETTE[k % len(PALETTE)])
        values = [float(v) for v in values]
        if chart.horizontal:
            ax.barh(positions, values, left=base, color=colour, label=label, height=0.7)
        else:
            ax.bar(positions, values, bottom=base, color=colour, label=label, width=0.7)
        base = [b + v for b, v in zip(base, values)]
    if chart.reference is not None:
        line = ax.axvline if chart.horizontal else ax.axhline
        line(chart.reference, color="#c0392b", linestyle="--", linewidth=1, label=chart.reference_label)


def _axes(ax, chart: Chart, positions: list[int], font) -> None:
    """Category labels (thinned and slanted when many), the value axis as counts or percentages, title."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels, n = list(chart.categories), len(positions)
    if chart.horizontal:
        ax.set_yticks(positions, labels, fontproperties=font, fontsize=8)
        value_axis, limit = ax.xaxis, ax.set_xlim
    else:
        step = max(1, -(-n // MAX_TICKS))
        shown = [p for p in positions if p % step == 0]
        ax.set_xticks(shown, [labels[p] for p in shown], fontproperties=font, fontsize=8,
                      rotation=45 if n > 8 else 0, ha="right" if n > 8 else "center")
        value_axis, limit = ax.yaxis, ax.set_ylim
    if chart.percent:
        value_axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        limit(0, 1.05)
    else:
        value_axis.set_major_locator(MaxNLocator(integer=True))
    for tick in (ax.get_xticklabels() if chart.horizontal else ax.get_yticklabels()):
        tick.set_fontproperties(font)
    if chart.axis_label:
        (ax.set_xlabel if chart.horizontal else ax.set_ylabel)(chart.axis_label, fontproperties=font)
    ax.set_title(chart.title, fontproperties=font, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes."""
    buffer = io.BytesIO()
    figure(chart).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
