"""报送统计: the year's records of the desk — signed issues per month, entries per kind of content (社情民意
among them), what each recipient received, and per unit (or, for editors and administrators, per
informant) submitted, adopted and the adoption rate: the figures of the seed's yearly summary and of
informant assessment (core/desk/records.py)."""
from __future__ import annotations

import streamlit as st

from dashboard.core.desk import records
from dashboard.core.display import desk_tables
from dashboard.core.reports.exports import csv_bytes
from dashboard.ui import auth, desk, widgets

st.title("报送统计")
this_year = auth.now().year
year = st.selectbox("年度", list(range(this_year, this_year - 6, -1)), key="records_year", format_func=lambda y: f"{y} 年")
span = records.Span.year(year)
months = desk.live("issues/stats_by_month", **span.params())
kinds = desk.live("issues/stats_by_kind", **span.params())
totals = records.totals(months, kinds)
cols = st.columns(3)
cols[0].metric("签发期数", f"{totals.issues:,}", border=True)
cols[1].metric("刊发信息", f"{totals.entries:,} 条", border=True)
cols[2].metric("其中社情民意", f"{totals.public_sentiment:,} 条", border=True)
st.caption(f"{year} 年{totals.sentence()}期数按签发时间计；报送和采用按报送时间计，“采用”指编入已签发的摘报。")

left, right = st.columns(2)
with left:
    st.subheader("每月签发")
    widgets.table(desk_tables.months_table(months), hide_index=True, key="records_months")
    st.subheader("各类信息")
    widgets.table(desk_tables.kinds_table(kinds), hide_index=True, key="records_kinds")
with right:
    st.subheader("报送单位收到")
    widgets.table(desk_tables.recipients_table(desk.live("issues/stats_by_recipient", **span.params())),
                  hide_index=True, key="records_recipients")
    st.subheader("各单位信息员")
    widgets.table(desk_tables.units_table(desk.live("issues/stats_by_unit", **span.params())),
                  hide_index=True, key="records_units")

if desk.editor():
    st.subheader("信息员报送与采用")
    people = desk_tables.informants_table(desk.live("desk/stats_by_informant", **span.params()))
    widgets.table(people, hide_index=True, key="records_people")
    data = csv_bytes(people)
    st.download_button("导出 CSV（信息员考核）", data, file_name=f"信息员报送采用_{year}.csv",
                       mime="text/csv", key="records_people_csv", icon=":material/download:",
                       on_click=lambda: auth.record("export", query="desk/stats_by_informant",
                                                    parameters=span.params(), row_count=len(people),
                                                    file_bytes=data, detail="csv"))
