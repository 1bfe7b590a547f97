"""词云: the words people use in the filtered items — a word cloud (CJK font), the top terms with
counts, rising terms against the previous period, term trends, and the items that use a term.

Terms are the ones stored at ingest (core/analytics/terms.py); nothing is tokenised here. Item text is shown
only through st.dataframe.
"""
from __future__ import annotations

import streamlit as st

from dashboard.core import filters as core_filters
from dashboard.core.display import drilldown, figures, tables
from dashboard.ui import cached, widgets
from dashboard.ui import filters as ui_filters

NONE = "（选择词语）"
CLOUD_TERMS = 150
CLOUD_WIDTH, CLOUD_HEIGHT = 900, 420

st.title("词云")
if not widgets.data_status():
    st.stop()

f = ui_filters.current()
hour = f.day_start_hour
top = cached.top_terms(f, limit=200)
st.caption(f"时间：{core_filters.describe_period(f.period, hour)}。词语来自入库时的分词（已去掉停用词、标点和数字）；"
           "次数为出现次数，条目数为使用该词的信息条数。")
if top.empty:
    widgets.no_items_note()
    st.stop()

cloud, table_col = st.columns([3, 2])
with cloud:
    drawn = cached.wordcloud(dict(zip(top["term"].head(CLOUD_TERMS), top["count"].head(CLOUD_TERMS))),
                             CLOUD_WIDTH, CLOUD_HEIGHT)
    cloud_key = widgets.view_key("words_cloud", f)
    if drawn is None:
        st.info("没有可以绘制的词语。")
    else:
        cloud_event = widgets.chart(figures.wordcloud_figure(*drawn, CLOUD_WIDTH, CLOUD_HEIGHT),
                                    key=cloud_key, group="words")
        st.caption(f"出现次数最多的 {min(CLOUD_TERMS, len(top))} 个词（字越大出现越多）；点一个词，下方列出使用它的信息。")
with table_col:
    top_key = widgets.view_key("words_top_table", f)
    top_rows = widgets.selectable_table(top.rename(columns={"term": "词语", "count": "次数", "items": "条目数"}),
                                        key=top_key, group="words", height=420)
    st.caption("点表中的一行，下方列出使用该词的信息。")

st.subheader("上升词")
rising = cached.rising_terms(f, limit=20, min_count=5)
if rising.empty:
    st.caption(f"与上一个等长时间段（{core_filters.describe_period(f.period.previous(), hour)}）相比没有明显上升的词"
               "（至少 5 条信息使用）。" if f.period else "没有时间范围，无法比较。")
else:
    st.caption(f"与上一个等长时间段（{core_filters.describe_period(f.period.previous(), hour)}）相比，"
               "使用该词的信息占比上升最多的词；上升倍数 = 本期占比 ÷ 上期占比（各加 1 平滑）。")
    rising_key = widgets.view_key("words_rising_table", f)
    rising_rows = widgets.selectable_table(rising.rename(columns={"term": "词语", "count": "本期条目", "prev_count": "上期条目",
                                        "share": "本期占比", "prev_share": "上期占比", "lift": "上升倍数",
                                        "share_change": "占比变化"}),
                 key=rising_key, group="words",
                 column_config={"本期占比": st.column_config.NumberColumn(format="percent"),
                                "上期占比": st.column_config.NumberColumn(format="percent"),
                                "占比变化": st.column_config.NumberColumn(format="percent"),
                                "上升倍数": st.column_config.NumberColumn(format="%.1f")})

st.subheader("词语趋势")
choices = list(dict.fromkeys(top["term"].tolist() + rising["term"].tolist()))
trend_terms = st.multiselect("比较的词语", choices, default=top["term"].head(5).tolist(), max_selections=8,
                             key=widgets.view_key("words_trend_terms", f))
if trend_terms:
    trend = cached.term_trend(f, trend_terms)
    widgets.chart(figures.term_trend_figure(trend), key="words_trend_chart", selectable=False)
    st.caption("每天使用该词的信息条数" + ("（按监测日）" if hour else "") + "。")

st.subheader("包含词语的信息")
clicked = {top_key: lambda: top["term"].iloc[top_rows[0]] if top_rows else None}
if drawn is not None:
    clicked[cloud_key] = lambda: drilldown.picked_word(cloud_event)
if not rising.empty:
    clicked[rising_key] = lambda: rising["term"].iloc[rising_rows[0]] if rising_rows else None
term_key = widgets.view_key("words_term", f)
last = widgets.last_selected("words")
picked = next((word for key in sorted(clicked, key=lambda k: k != last) if (word := clicked[key]())), None)
if picked and picked in choices and st.session_state.get("_words_picked") != (term_key, picked):
    st.session_state[term_key] = picked              # a click in a table chooses the word below
    st.session_state["_words_picked"] = (term_key, picked)
term = st.selectbox("词语", [NONE, *choices], key=term_key)
if term == NONE:
    st.caption("选择一个词语，列出使用它的信息。")
else:
    items = cached.items_with_term(f, term, limit=500)
    st.caption(f"共 {len(items):,} 条" + ("（最多显示 500 条）" if len(items) >= 500 else "") + "，最新的在前。")
    widgets.table(tables.item_table(items).rename(columns={"term_count": "词频"}), hide_index=True,
                 column_config={**widgets.ITEM_COLUMNS,
                                "内容": st.column_config.TextColumn("内容", width="large")},
                 key="words_items", height=360)
