"""Report download areas for the pages (总览 摘报, 部门 通报, 热点与预警 / 明细 专报).

Two steps on every page: a "生成……" button builds the report (for the digest this is when it gets
its 第 N 期 number in the store — merely opening 总览 never numbers anything), then DOCX and
Markdown download buttons offer that exact report. The built report is kept in session_state under
the area's key together with a signature of what it was built for (filters, day, topic); when the
selection changes the old files are no longer offered.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from dashboard.core.access import audit
from dashboard.core.reports.document import Report
from dashboard.ui import auth

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_downloads(key: str, label: str, build: Callable[[], Report], stem: Callable[[Report], str],
                     signature: str, help: str | None = None, whole_store: bool = False) -> Report | None:
    """A generate button and, once generated for this `signature`, DOCX + Markdown download buttons.
    Returns the report currently offered (or None).

    Only roles that may have reports see the button (core/access/roles.py); a report over the whole store
    (`whole_store`: the digest, the bulletin) is not offered to an account restricted to some departments or
    regions. The report ends with a 导出人 … 导出时间 … line; each download writes one audit row."""
    session = auth.current_session()
    role = auth.current_role()
    if role is None or not role.reports:
        return None
    if whole_store and session.scoped:
        st.caption("本账号只能查看部分部门或地区的数据，不提供覆盖全部数据的报告。")
        return None
    state_key = f"_report_{key}"
    left, docx_col, md_col = st.columns([1, 1, 1], vertical_alignment="bottom")
    with left:
        if st.button(label, key=f"{key}_generate", help=help, icon=":material/description:"):
            with st.spinner("正在生成……"):
                report = build()
                report.note(audit.exporter_line(session, auth.now()))
                st.session_state[state_key] = {"signature": signature, "stem": stem(report),
                                               "markdown": report.markdown(), "docx": report.docx_bytes(),
                                               "report": report}
    held = st.session_state.get(state_key)
    if not held or held["signature"] != signature:
        return None
    markdown = held["markdown"].encode("utf-8")
    with docx_col:
        st.download_button("下载 DOCX", held["docx"], file_name=f"{held['stem']}.docx", mime=DOCX_MIME,
                           key=f"{key}_docx", on_click=_audited(held, "docx", held["docx"]),
                           icon=":material/download:")
    with md_col:
        st.download_button("下载 Markdown", markdown, file_name=f"{held['stem']}.md", mime="text/markdown",
                           key=f"{key}_md", on_click=_audited(held, "md", markdown), icon=":material/download:")
    return held["report"]


def _audited(held: dict, kind: str, data: bytes) -> Callable[[], None]:
    def record() -> None:
        auth.record("report", query=held["stem"], parameters={"signature": held["signature"]}, file_bytes=data,
                    detail=kind)
    return record
