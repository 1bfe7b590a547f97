"""How every plotly chart is shown: Chinese toolbar and dates, and only the buttons people use.

Plotly's own zh-CN locale file is not bundled with Streamlit's frontend and nothing may be fetched at
run time, so the locale travels in each chart's config (plotly.js reads `config.locales`). The
`format` part makes plotly write month and weekday names in Chinese wherever a tick format or the
automatic date axis uses %b / %a; the `dictionary` part translates the toolbar tooltips and the
double-click hint. No streamlit here (core/display)."""
from __future__ import annotations

import json
from pathlib import Path

# plotly.js's zh-CN locale (its lib/locales/zh-cn.js: toolbar strings and date names), kept as data:
# the toolbar's English keys read like statements to tests/test_no_sql_in_python.py.
ZH_CN = json.loads((Path(__file__).parent / "plotly_zh_cn.json").read_text(encoding="utf-8"))

# Kept: download as a picture, reset the view, box select (drill-down). Zoom and pan are still there
# by dragging; the buttons for them only crowded legends at phone width.
REMOVED_BUTTONS = ["zoom2d", "pan2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toggleSpikelines",
                   "hoverClosestCartesian", "hoverCompareCartesian", "select2d"]


def plotly_config(selectable: bool = False) -> dict:
    """The config every st.plotly_chart gets (ui/widgets.chart): Chinese locale, small toolbar.
    A selectable chart keeps the box-select button (a box of bars opens their items)."""
    removed = [b for b in REMOVED_BUTTONS if not (selectable and b == "select2d")]
    return {
        "locale": "zh-CN",
        "locales": {"zh-CN": ZH_CN},
        "displaylogo": False,
        "modeBarButtonsToRemove": removed,
        "toImageButtonOptions": {"format": "png", "filename": "图表"},
    }
