"""明细: the items matching the filters, searchable, one item's detail with its reply, CSV/XLSX export."""
from __future__ import annotations

import math

import streamlit as st

from dashboard.core.display import tables
from dashboard.core.reports.exports import XLSX_MAX_ROWS
from dashboard.ui import cached, desk, widgets
from dashboard.ui import filters as ui_filters
from dashboard.ui.reports import report_downloads
from dashboard.ui.store import query

PAGE_SIZE = 1000

st.title("明细")
if not widgets.data_status():
    st.stop()

f, drilled = ui_filters.drill_scope(ui_filters.current(), st.query_params)
subcategories = [s for s in st.query_params.get_all("sub") if s]


def _search_changed() -> None:
    ui_filters.set_keyword(st.session_state["items_search"])


st.session_state["items_search"] = f.keyword or ""
st.text_input("搜索标题和内容", key="items_search", on_change=_search_changed, placeholder="输入词语后回车",
              help="与侧栏「关键词」相同：在标题和正文中查找这段文字（区分大小写和全角半角），其他筛选条件同时生效。")
if drilled:
    note, clear = st.columns([5, 1])
    note.caption("下钻范围（只在本页生效，侧栏筛选不变）：")
    note.text("；".join(drilled))
    if clear.button("取消下钻", key="items_clear_drill"):
        for key in ui_filters.PAGE_KEYS:
            if key in st.query_params:
                del st.query_params[key]
        st.rerun()
if subcategories:
    note, clear = st.columns([5, 1])
    note.caption("另按二级分类筛选（来自分类页下钻）：")
    note.text("、".join(subcategories))
    if clear.button("取消二级分类", key="items_clear_sub"):
        del st.query_params["sub"]
        st.rerun()

params = {**f.params(), "subcategories": subcategories or None}
total = int(query("items/count", **params).iat[0, 0])
if total == 0:
    widgets.no_items_note()
    st.stop()

pages = max(1, math.ceil(total / PAGE_SIZE))
view = widgets.view_key("items", params)
page = st.pagination(pages, key=f"{view}_page") if pages > 1 else 1
rows = query("items/list", **params, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
if pages > 1:
    st.caption(f"共 {total:,} 条，每页最多显示 {PAGE_SIZE:,} 条（当前第 {page}/{pages} 页：第 "
               f"{(page - 1) * PAGE_SIZE + 1:,}–{(page - 1) * PAGE_SIZE + len(rows):,} 条）；导出包含全部 {total:,} 条。")
else:
    st.caption(f"共 {total:,} 条；点击一行查看详情。")

table = tables.item_table(rows)
with st.container(key="desktop_only_items"):
    picked = widgets.selectable_table(table, key=f"{view}_table_{page}", height=420,
                                      column_config=widgets.ITEM_COLUMNS)
with st.container(key="phone_only_items"):       # at phone width: the columns a reader needs first
    compact = [c for c in ("标题", "情感", "发布时间", "承办部门") if c in table.columns]
    picked = picked or widgets.selectable_table(table[compact], key=f"{view}_phone_{page}", height=420,
                                                column_config=widgets.ITEM_COLUMNS)

stem = widgets.export_name("items", f)
if widgets.may_export_items():
    left, right, _ = st.columns([1, 1, 3])
    with left:
        st.download_button("导出 CSV", widgets.export_builder(params, "csv"), file_name=f"{stem}.csv", mime="text/csv",
                           key="items_csv", on_click="ignore", help=f"全部 {total:,} 条；UTF-8（带 BOM），Excel 可直接打开。")
    with right:
        too_many = total > XLSX_MAX_ROWS
        st.download_button("导出 XLSX", widgets.export_builder(params, "xlsx"), file_name=f"{stem}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="items_xlsx", on_click="ignore", disabled=too_many,
                           help=(f"超过 {XLSX_MAX_ROWS:,} 条时请导出 CSV（XLSX 生成较慢）；或缩小筛选范围。" if too_many
                                 else f"全部 {total:,} 条。"))

report_downloads("items_special", "生成专报", lambda: cached.special_report(f), lambda r: f"舆情专报_{stem.removeprefix('items_')}",
                 signature=repr(f), help="《专报》：侧栏筛选条件下的全部信息（不含分类页下钻的二级分类）。")

st.subheader("条目详情")
if not picked:
    st.caption("在上表中点击一行，这里显示该条目的全文、答复和办理时长。")
else:
    item_id = str(rows.iloc[picked[0]]["id"])
    detail = query("items/detail", **f.params(), item_ids=[item_id])
    if detail.empty:
        st.info("该条目已不在当前筛选结果中。")
    else:
        for label, value in tables.item_detail(detail.iloc[0].to_dict()).items():
            if not value:
                continue
            name, text = st.columns([1, 6])
            name.caption(label)
            text.text(value)
        widgets.original_text(item_id, f)
        desk.pick_button("明细", item_id, [item_id], key=f"items_pick_{item_id}")
