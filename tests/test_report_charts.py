"""Report charts: PNGs drawn offline with matplotlib and the bundled Chinese font."""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

from dashboard.core.display.wordcloud import FONT_PACKAGE, font_path
from dashboard.core.reports import charts as report_charts
from dashboard.core.reports.charts import Chart

ROOT = Path(__file__).resolve().parents[1]
SENTIMENT = Chart("每日信息量及情感倾向", ("2024-04-01", "2024-04-02"), (("负面", (3, 1)), ("中性", (1, 2))))
RATES = Chart("各单位答复率", ("市城管局（市直）", "A1区人民政府（县市区）"), (("答复率", (0.8, 1.0)),),
              horizontal=True, percent=True, reference=0.9, reference_label="提醒线 90%")


def test_labels_use_the_bundled_chinese_font_and_no_glyph_is_missing():
    assert FONT_PACKAGE in str(font_path()).replace("-", "_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # matplotlib warns "Glyph … missing from font"
        for chart in (SENTIMENT, RATES):
            fig = report_charts.figure(chart)
            ax = fig.axes[0]
            texts = [ax.title, *ax.get_xticklabels(), *ax.get_yticklabels(), *fig.legends[0].get_texts()]
            chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text())]
            assert chinese, chart.title
            assert {Path(t.get_fontproperties().get_file()) for t in chinese} == {font_path()}
            report_charts.png(chart)


def test_png_is_deterministic():
    first = report_charts.png(RATES)
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == report_charts.png(RATES)


def test_charts_render_without_network():
    code = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from dashboard.core.reports import charts as report_charts
from tests.test_report_charts import SENTIMENT
assert report_charts.png(SENTIMENT)[:4] == b"\\x89PNG"
"""
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
