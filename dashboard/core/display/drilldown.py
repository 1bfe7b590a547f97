"""Drill-down: from a click on a figure to the items behind it. No streamlit.

A figure is drawn from items matching a `Filters` (the *base*). Clicking a bar, a treemap tile or a
heatmap cell gives a selection event (Streamlit's `st.plotly_chart(on_select=...)` state, or its
`selection` part, or a bare list of points). The functions here turn that event into a `Drill`: the
base filters narrowed to exactly what the clicked marks counted —

* a time bucket (hour, day, week, month) becomes a period, cut to the base period (a week bucket that
  starts before the chosen range only counted the items inside the range). Day, week and month
  buckets follow the day boundary: with the 08:00 monitoring day, the day labelled D runs from
  D 08:00 to D+1 08:00, so 07:59 on D+1 is still in it;
* a series value (category, channel, region, department, sentiment) replaces that filter with the one
  value (the figure was already filtered, so the value is inside the base selection);
* a subcategory tile adds a subcategory list (not part of the global filters; the item queries take
  it as `$subcategories`);
* several points (box or lasso selection, or a multi-row table selection) give the union of the
  values in each dimension and the span of the periods: the bounding rectangle of the selection.

Builders in `figures.py` put the raw values every mark stands for in its `customdata` (display labels
are escaped for plotly, so they are never parsed back); treemap tiles carry them in their `id`, as
plotly sends no customdata for treemap clicks.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.core.filters import (
    DIMENSION_LABELS,
    Filters,
    Period,
    bucket_period,
    describe_period,
    intersect,
    narrow,
    span,
)

# Separates category and subcategory in treemap tile ids (a control character no label contains).
TREE_SEP = "\x1f"

# customdata roles of time-series points
CURRENT, PREVIOUS = "current", "previous"


@dataclass(frozen=True)
class Drill:
    """Filters narrowed to one mark (or a selection of marks) of a figure."""

    filters: Filters
    subcategories: tuple[str, ...] | None = None
    label: str = ""

    def params(self) -> dict:
        """The standard query parameters plus `subcategories` (the item queries take both)."""
        return {**self.filters.params(), "subcategories": list(self.subcategories) if self.subcategories else None}


def points_of(event: Any) -> list[dict]:
    """The selected points of an `on_select` event, whatever shape it arrives in."""
    if event is None:
        return []
    if isinstance(event, Mapping):
        if "selection" in event:
            return points_of(event["selection"])
        points = event.get("points")
        return [dict(p) for p in points] if points else []
    selection = getattr(event, "selection", None)
    if selection is not None:
        return points_of(selection)
    if isinstance(event, (list, tuple)):
        return [dict(p) for p in event]
    return []


def _customdata(point: Mapping) -> list:
    data = point.get("customdata", point.get("customData"))
    if data is None:
        return []
    if isinstance(data, (list, tuple)):
        return list(data)
    return [data]


def _values(raw: Any) -> list[str]:
    """A customdata value slot: one value, or the list of values an '其余 N 项' mark stands for."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return []
    if isinstance(raw, (list, tuple)):
        return [str(v) for v in raw]
    return [str(raw)]


def _label(parts: list[str]) -> str:
    return " · ".join(p for p in parts if p)


def _value_text(dimension: str, values: list[str]) -> str:
    if not values:
        return ""
    shown = "、".join(values[:5]) + (f" 等 {len(values)} 项" if len(values) > 5 else "")
    return f"{DIMENSION_LABELS.get(dimension, dimension)}：{shown}"


def from_time_selection(event: Any, base: Filters, grain: str, dimension: str | None = None) -> Drill | None:
    """Bars/lines over time (charts.volume_figure). customdata = [bucket, series value(s), role].

    role 'previous' marks the overlaid previous period: its bucket is cut to base.period.previous().
    A series value of None (the total, or a spike marker) leaves the dimension as it was.
    """
    points = points_of(event)
    periods: list[Period] = []
    values: list[str] = []
    for point in points:
        data = _customdata(point)
        if not data or data[0] is None:
            continue
        bucket = bucket_period(data[0], grain, base.day_start_hour)
        role = data[2] if len(data) > 2 else CURRENT
        bounds = base.period
        if role == PREVIOUS and base.period is not None:
            bounds = base.period.previous()
        clipped = intersect(bucket, bounds)
        if clipped is None:
            continue
        periods.append(clipped)
        if dimension and len(data) > 1:
            values.extend(_values(data[1]))
    period = span(periods)
    if period is None:
        return None
    filters = base.with_period(period)
    if dimension and values:
        filters = narrow(filters, dimension, values)
    label = _label([describe_period(period, base.day_start_hour), _value_text(dimension or "", values)])
    return Drill(filters=filters, label=label)


def from_category_selection(event: Any, base: Filters, dimension: str) -> Drill | None:
    """Bars with one mark per value of `dimension` (customdata = [value(s)])."""
    values: list[str] = []
    for point in points_of(event):
        data = _customdata(point)
        if data:
            values.extend(_values(data[0]))
    if not values:
        return None
    return Drill(filters=narrow(base, dimension, values), label=_value_text(dimension, values))


def tree_id(category: str, subcategory: str | None = None) -> str:
    """The id of a treemap tile: the category, or category + TREE_SEP + subcategory."""
    return category if subcategory is None else f"{category}{TREE_SEP}{subcategory}"


def from_treemap_selection(event: Any, base: Filters) -> Drill | None:
    """A category or subcategory tile (charts.treemap_figure). Plotly sends the tile's id, not customdata."""
    categories: list[str] = []
    subcategories: list[str] = []
    for point in points_of(event):
        tile = point.get("id")
        if not isinstance(tile, str) or not tile:
            continue
        category, _, subcategory = tile.partition(TREE_SEP)
        categories.append(category)
        if subcategory:
            subcategories.append(subcategory)
    if not categories:
        return None
    filters = narrow(base, "category", categories)
    subs = tuple(dict.fromkeys(subcategories)) or None
    label = _label([_value_text("category", list(dict.fromkeys(categories))),
                    _value_text("subcategory", list(subs or ()))])
    return Drill(filters=filters, subcategories=subs, label=label)


def from_heatmap_selection(event: Any, base: Filters, row_dimension: str, column_dimension: str) -> Drill | None:
    """Heatmap cells (charts.heatmap_figure): customdata = [row value, column value]."""
    rows: list[str] = []
    columns: list[str] = []
    for point in points_of(event):
        data = _customdata(point)
        if len(data) < 2:
            continue
        rows.extend(_values(data[0]))
        columns.extend(_values(data[1]))
    if not rows or not columns:
        return None
    filters = narrow(narrow(base, row_dimension, rows), column_dimension, columns)
    label = _label([_value_text(row_dimension, list(dict.fromkeys(rows))),
                    _value_text(column_dimension, list(dict.fromkeys(columns)))])
    return Drill(filters=filters, label=label)


def from_table_rows(frame: pd.DataFrame, rows: Iterable[int], base: Filters,
                    columns: Mapping[str, str]) -> Drill | None:
    """Rows picked in a summary table (st.dataframe selection). `columns` maps a frame column to the
    dimension it holds, e.g. {"category": "category"}; "subcategory" is allowed too."""
    picked = [frame.iloc[i] for i in rows if 0 <= i < len(frame)]
    if not picked:
        return None
    filters = base
    subs: tuple[str, ...] | None = None
    parts = []
    for column, dimension in columns.items():
        values = list(dict.fromkeys(str(row[column]) for row in picked))
        if dimension == "subcategory":
            subs = tuple(values)
        else:
            filters = narrow(filters, dimension, values)
        parts.append(_value_text(dimension, values))
    return Drill(filters=filters, subcategories=subs, label=_label(parts))


def picked_word(event: Any) -> str | None:
    """The word of the first point picked on the word cloud (figures.wordcloud_figure: customdata [word])."""
    for point in points_of(event):
        data = _customdata(point)
        if data and data[0]:
            return str(data[0])
    return None
