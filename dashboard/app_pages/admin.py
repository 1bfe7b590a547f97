"""数据管理 (administrators only): upload drops, watch the inbox, read the ingest manifest, download refused
rows, manage accounts, read the audit log."""
from __future__ import annotations

import streamlit as st

from dashboard.core.ingest import admin as ingest
from dashboard.core.access import audit
from dashboard.core.reports.exports import csv_bytes, with_footer
from dashboard.ui import accounts, auth, widgets
from dashboard.ui.store import get_store, query
from dashboard.ui.widgets import md_escape

accounts.require_data_admin()
st.title("数据管理")
handle = get_store()
settings = handle.settings

summary = query("admin/store_summary").iloc[0]
if int(summary["items"]) == 0:
    st.info(f"数据库中还没有数据。请在下方上传文件，或把文件放入收件箱文件夹（{md_escape(settings.inbox_dir)}）。")
else:
    cols = st.columns(4)
    cols[0].metric("条目总数", f"{int(summary['items']):,}")
    cols[1].metric("已入库文件", f"{int(summary['files_loaded']):,}")
    cols[2].metric("被拒绝的行", f"{int(summary['rows_rejected']):,}")
    cols[3].metric("最新条目时间", str(summary["last_published"])[:16])
    st.caption(f"数据截至 {str(summary['last_published'])[:16]}；最近一次入库 {str(summary['last_ingest'])[:19]}")

st.subheader("上传文件")
uploads = st.file_uploader(
    "支持 CSV / TSV（UTF-8 或 GBK）、XLSX、Parquet；上传后自动放入收件箱，几秒内入库。",
    type=[s.lstrip(".") for s in sorted(ingest.SUPPORTED_SUFFIXES)], accept_multiple_files=True,
)
# Streamlit's own hint under the box is English and cannot be translated (ui/style.py hides it).
st.caption("把文件拖到上方框内，或点「选择文件」；可一次选多个文件，每个不超过 1024 MB。")

if uploads and st.button("放入收件箱", type="primary"):
    placed, refused = 0, []
    for upload in uploads:
        try:
            ingest.place_upload(settings, upload.name, upload.getvalue())
            placed += 1
            auth.record("upload", detail=upload.name, file_bytes=upload.getvalue())
        except ingest.UploadRefused as exc:
            refused.append(f"{upload.name}：{exc}")
    if placed:
        st.success(f"已放入收件箱 {placed} 个文件，稍候将自动入库，本页会自动刷新。")
    for problem in refused:
        st.error(md_escape(problem))

st.subheader("收件箱")
waiting = ingest.inbox_files(settings)
if handle.watcher.busy_with:
    st.info(f"正在入库：{md_escape(handle.watcher.busy_with)}")
if waiting:
    widgets.table({"文件": [p.name for p in waiting], "大小（字节）": [p.stat().st_size for p in waiting]},
                 hide_index=True)
else:
    st.caption(f"收件箱（{md_escape(settings.inbox_dir)}）为空。")

st.subheader("入库记录")
log = query("admin/ingest_log")
if log.empty:
    st.caption("还没有入库记录。")
else:
    widgets.table(ingest.ingest_log_table(log), hide_index=True, column_config={
        "有损重复": st.column_config.NumberColumn(
            "有损重复", help="新文件只是把原有文字换成“?”或截短：保留库中原文，见下方逐行说明"),
        "删除演示数据": st.column_config.NumberColumn("删除演示数据", help="首个真实文件删除的演示条目"),
        "来源提供": st.column_config.TextColumn("来源提供", help="文件有答复列才说明答复情况；没有的，答复率等显示“来源未提供”"),
    })
    notes = query("admin/row_notes", limit=1000)
    if not notes.empty:
        st.markdown("**逐行说明**（已入库、但未照原样写入的行）")
        widgets.table(notes.rename(columns={"ingest_file_id": "入库编号", "file_name": "文件", "line": "行号",
                                           "item_id": "条目编号", "note": "说明"}), hide_index=True)
    with_rejections = log[log["rejected"] > 0]
    if not with_rejections.empty:
        choice = st.selectbox(
            "下载被拒绝的行", with_rejections["id"].tolist(),
            format_func=lambda i: f"#{i} {log.loc[log['id'] == i, 'file_name'].iat[0]}",
        )
        rejected = ingest.rejected_rows_table(query("admin/rejected_rows", file_id=int(choice)))
        data = csv_bytes(with_footer(rejected, audit.exporter_line(auth.current_session(), auth.now())))
        st.download_button("下载 CSV", data, file_name=f"rejected_{choice}.csv", mime="text/csv",
                           on_click=lambda: auth.record("export", query="admin/rejected_rows",
                                                        parameters={"file_id": int(choice)},
                                                        row_count=len(rejected), file_bytes=data))

st.subheader("映射文件")
try:
    profiles = ingest.profiles_table(settings.mappings_dir)
except ingest.MappingError as exc:
    st.error(f"{md_escape(exc)}。请修正该文件；修正前自动匹配不可用。")
    profiles = None
if profiles is not None and not profiles.empty:
    widgets.table(profiles, hide_index=True)
elif profiles is not None:
    st.caption("没有映射文件：文件按内置的中英文表头别名识别。")

accounts.users_section()
accounts.audit_section()
