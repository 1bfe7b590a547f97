"""数据管理: upload drops, watch the inbox, read the ingest manifest, download refused rows."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.ingest.inbox import UploadRefused, inbox_files, place_upload
from dashboard.core.ingest.loader import STATUS_LABELS
from dashboard.core.ingest.mapping import MappingError, list_profiles
from dashboard.core.ingest.readers import SUPPORTED_SUFFIXES
from dashboard.core.ingest.rejections import shown_reason, shown_rejected_rows
from dashboard.core.reports.exports import csv_bytes
from dashboard.ui.store import get_store, query
from dashboard.ui.widgets import md_escape


def _provides(replies, satisfaction) -> str:
    """Which optional fields a loaded file's source provided (its manifest row)."""
    if pd.isna(replies) or pd.isna(satisfaction):   # quarantined, duplicate: nothing was read
        return ""
    known = [name for name, flag in (("答复", replies), ("满意度", satisfaction)) if flag]
    return "、".join(known) or "无答复、满意度列"


st.title("数据管理")
handle = get_store()
settings = handle.settings

summary = query("admin/store_summary").iloc[0]
if int(summary["items"]) == 0:
    st.info("数据库中还没有数据。请在下方上传文件，或把文件放入 data/inbox/ 文件夹。")
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
    type=[s.lstrip(".") for s in sorted(SUPPORTED_SUFFIXES)], accept_multiple_files=True,
)

if uploads and st.button("放入收件箱", type="primary"):
    placed, refused = 0, []
    for upload in uploads:
        try:
            place_upload(settings, upload.name, upload.getvalue())
            placed += 1
        except UploadRefused as exc:
            refused.append(f"{upload.name}：{exc}")
    if placed:
        st.success(f"已放入收件箱 {placed} 个文件，稍候将自动入库，本页会自动刷新。")
    for problem in refused:
        st.error(md_escape(problem))

st.subheader("收件箱")
waiting = inbox_files(settings)
if handle.watcher.busy_with:
    st.info(f"正在入库：{md_escape(handle.watcher.busy_with)}")
if waiting:
    st.dataframe({"文件": [p.name for p in waiting], "大小（字节）": [p.stat().st_size for p in waiting]},
                 hide_index=True)
else:
    st.caption(f"收件箱（{md_escape(settings.inbox_dir)}）为空。")

st.subheader("入库记录")
log = query("admin/ingest_log")
if log.empty:
    st.caption("还没有入库记录。")
else:
    # a first error quotes a refused row's cell: masked like the refused rows below
    shown = log.assign(status=log["status"].map(lambda s: STATUS_LABELS.get(s, s)),
                       first_error=log["first_error"].fillna("").map(shown_reason),
                       message=log["message"].fillna("").map(shown_reason))
    shown["provides"] = [_provides(r, s) for r, s in zip(log["tracks_replies"], log["tracks_satisfaction"])]
    st.dataframe(
        shown[["id", "file_name", "status", "finished_at", "rows_read", "loaded_new", "updated",
               "unchanged_duplicates", "lossy_duplicates", "rejected", "demo_removed", "provides", "first_error",
               "message"]],
        hide_index=True,
        column_config={
            "id": "编号", "file_name": "文件", "status": "状态", "finished_at": "完成时间", "rows_read": "读取行数",
            "loaded_new": "新增", "updated": "更新", "unchanged_duplicates": "未变重复",
            "lossy_duplicates": st.column_config.NumberColumn(
                "有损重复", help="新文件只是把原有文字换成“?”或截短：保留库中原文，见下方逐行说明"),
            "rejected": "拒绝", "demo_removed": st.column_config.NumberColumn("删除演示数据", help="首个真实文件删除的演示条目"),
            "provides": st.column_config.TextColumn("来源提供", help="文件有答复列才说明答复情况；没有的，答复率等显示“来源未提供”"),
            "first_error": "首个错误", "message": "说明",
        },
    )
    notes = query("admin/row_notes", limit=1000)
    if not notes.empty:
        st.markdown("**逐行说明**（已入库、但未照原样写入的行）")
        st.dataframe(notes.rename(columns={"ingest_file_id": "入库编号", "file_name": "文件", "line": "行号",
                                           "item_id": "条目编号", "note": "说明"}), hide_index=True)
    with_rejections = log[log["rejected"] > 0]
    if not with_rejections.empty:
        choice = st.selectbox(
            "下载被拒绝的行", with_rejections["id"].tolist(),
            format_func=lambda i: f"#{i} {log.loc[log['id'] == i, 'file_name'].iat[0]}",
        )
        # personal data masked for everyone until roles exist (core/ingest/rejections.py: the seam for them)
        rejected = shown_rejected_rows(query("admin/rejected_rows", file_id=int(choice)))
        st.download_button("下载 CSV", csv_bytes(rejected.rename(columns={
            "ingest_file_id": "入库编号", "file_name": "文件", "line": "行号", "reason": "原因", "raw": "原始内容"})),
            file_name=f"rejected_{choice}.csv", mime="text/csv")

st.subheader("映射文件")
try:
    profiles = list_profiles(settings.mappings_dir)
except MappingError as exc:
    st.error(f"{md_escape(exc)}。请修正该文件；修正前自动匹配不可用。")
    profiles = []
if profiles:
    st.dataframe({
        "名称": [p.name for p in profiles],
        "说明": [p.description for p in profiles],
        "自动匹配的表头": ["、".join(p.match_headers) or "（仅手动 --mapping）" for p in profiles],
    }, hide_index=True)
else:
    st.caption("没有映射文件：文件按内置的中英文表头别名识别。")
