"""What the 数据管理 page needs from ingest, in one place: the inbox and uploads, the manifest as a table,
refused rows (masked), the mapping profiles. No streamlit."""
from __future__ import annotations

import pandas as pd

from dashboard.core.ingest.inbox import UploadRefused, inbox_files, place_upload
from dashboard.core.ingest.loader import STATUS_LABELS
from dashboard.core.ingest.mapping import MappingError, list_profiles
from dashboard.core.ingest.readers import SUPPORTED_SUFFIXES
from dashboard.core.ingest.rejections import shown_reason, shown_rejected_rows

__all__ = ["UploadRefused", "inbox_files", "place_upload", "MappingError", "SUPPORTED_SUFFIXES",
           "shown_rejected_rows", "ingest_log_table", "INGEST_LOG_COLUMNS", "profiles_table", "rejected_rows_table"]

# manifest column -> label; the page adds help texts to some of them
INGEST_LOG_COLUMNS = {
    "id": "编号", "file_name": "文件", "status": "状态", "finished_at": "完成时间", "rows_read": "读取行数",
    "loaded_new": "新增", "updated": "更新", "unchanged_duplicates": "未变重复", "lossy_duplicates": "有损重复",
    "rejected": "拒绝", "demo_removed": "删除演示数据", "provides": "来源提供", "first_error": "首个错误",
    "message": "说明",
}


def _provides(replies, satisfaction) -> str:
    """Which optional fields a loaded file's source provided (its manifest row)."""
    if pd.isna(replies) or pd.isna(satisfaction):   # quarantined, duplicate: nothing was read
        return ""
    known = [name for name, flag in (("答复", replies), ("满意度", satisfaction)) if flag]
    return "、".join(known) or "无答复、满意度列"


def ingest_log_table(log: pd.DataFrame) -> pd.DataFrame:
    """queries/admin/ingest_log rows as the page shows them: status in words, what each file's source
    provides, and first errors and messages masked (they may quote a refused row's cell)."""
    shown = log.assign(status=log["status"].map(lambda s: STATUS_LABELS.get(s, s)),
                       first_error=log["first_error"].fillna("").map(shown_reason),
                       message=log["message"].fillna("").map(shown_reason))
    shown["provides"] = [_provides(r, s) for r, s in zip(log["tracks_replies"], log["tracks_satisfaction"])]
    return shown[list(INGEST_LOG_COLUMNS)].rename(columns=INGEST_LOG_COLUMNS)


def rejected_rows_table(rows: pd.DataFrame) -> pd.DataFrame:
    """queries/admin/rejected_rows with personal data masked (core/ingest/rejections.py: the seam for roles
    that may see it) and Chinese headers, for the download."""
    return shown_rejected_rows(rows).rename(columns={
        "ingest_file_id": "入库编号", "file_name": "文件", "line": "行号", "reason": "原因", "raw": "原始内容"})


def profiles_table(mappings_dir) -> pd.DataFrame:
    """The mapping profiles: name, description, the headers that apply one automatically. Raises
    MappingError when a profile cannot be read."""
    profiles = list_profiles(mappings_dir)
    return pd.DataFrame({
        "名称": [p.name for p in profiles],
        "说明": [p.description for p in profiles],
        "自动匹配的表头": ["、".join(p.match_headers) or "（仅手动 --mapping）" for p in profiles],
    })
