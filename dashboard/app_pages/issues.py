"""摘报: the numbered 《重要舆情摘报》 issues of the desk and their way through 草稿 → 待审 → 已签发 (or 退回 and
back). Editors revise drafts and send them for approval; a leader signs (the issue gets its number and its
DOCX as issued) or returns one with a comment; everyone who may open the page reads signed issues and each
issue's history. Entries are shown as text, never as markdown."""
from __future__ import annotations

import streamlit as st

from dashboard.core.desk import issues
from dashboard.core.desk.kinds import DRAFT, PENDING, RETURNED, SIGNED
from dashboard.core.display import desk_tables
from dashboard.ui import auth, desk, widgets
from dashboard.ui.reports import DOCX_MIME
from dashboard.ui.store import get_store

VIEWS = {"待审": [PENDING], "草稿与退回": [DRAFT, RETURNED], "已签发": [SIGNED]}

st.title("摘报")
st.caption("《重要舆情摘报》由编辑在编辑台编排，送领导审签；签发后才编号（第 N 期，每年从 1 起，号码不重复使用）。")
desk.notice()
role = auth.current_role()
view = st.segmented_control("状态", list(VIEWS), default="草稿与退回" if desk.editor() else "待审", key="issues_view")
listed = desk.live("issues/list", states=VIEWS[view or "待审"])
if listed.empty:
    st.info("没有这一状态的摘报。" + ("编辑可在「编辑台」选择候选，编入新一期摘报。" if view != "已签发" else ""))
    st.stop()
picked = widgets.selectable_table(desk_tables.issues_table(listed), key=widgets.view_key("issues_list", view, len(listed)),
                                  height=min(38 + 35 * len(listed), 300),
                                  column_config={"更新时间": st.column_config.DatetimeColumn("更新时间", format="MM-DD HH:mm"),
                                                 "签发时间": st.column_config.DatetimeColumn("签发时间", format="MM-DD HH:mm")})
if not picked:
    st.caption("在上表中点击一期，查看内容、流转记录并处理。")
    st.stop()
issue = listed.iloc[picked[0]]
issue_id = int(issue["id"])
history = desk.live("issues/events", issue=issue_id)
entries = desk.live("issues/entries", issue=issue_id)

st.subheader(f"{issue['title']}　{desk_tables.issue_label(issue['year'], issue['number'])}"
             if issue["state"] == SIGNED else f"{issue['title']}（{issue['state']}，签发后编号）")
if issue["state"] == RETURNED:
    returned = history[history["to_state"] == RETURNED].iloc[-1]
    st.warning(f"领导 {widgets.md_escape(returned['actor'])} 于 {returned['happened_at']:%m-%d %H:%M} 退回，意见："
               f"{widgets.md_escape(returned['comment'])}")
widgets.table(desk_tables.entries_table(entries), hide_index=True, key=f"issues_entries_{issue_id}",
              column_config={"编发文字": st.column_config.TextColumn("编发文字", width="large")})
with st.expander("流转记录", icon=":material/history:"):
    widgets.table(desk_tables.history_table(history), hide_index=True, key=f"issues_history_{issue_id}",
                  column_config={"时间": st.column_config.DatetimeColumn("时间", format="YYYY-MM-DD HH:mm")})


def download(data: bytes, label: str, name: str) -> None:
    st.download_button(label, data, file_name=name, mime=DOCX_MIME, key=f"issues_docx_{issue_id}_{issue['state']}",
                       icon=":material/download:",
                       on_click=lambda: auth.record("report", query="issues/find", parameters={"id": issue_id},
                                                   file_bytes=data, detail="desk_issue"))


def editor_actions() -> None:
    st.caption("条目的类别、编者按和编发文字在「编辑台」的「已编入摘报」中修改。")
    with st.form(f"issues_edit_{issue_id}"):
        title = st.text_input("刊名", value=issue["title"])
        recipients = st.text_input("报送单位（用顿号或逗号分隔）", value="、".join(issue["recipients"]))
        if st.form_submit_button("保存"):
            desk.act(issues.edit, issue_id, title, recipients.replace(",", "、").replace("，", "、").split("、"),
                     done="已保存。")
    if not entries.empty:
        labels = {f"{int(r.id)}　{r.headline}": int(r.id) for r in entries.itertuples()}
        which, remove = st.columns([4, 1], vertical_alignment="bottom")
        chosen = which.selectbox("移出条目（回到编辑台待选）", list(labels), key=f"issues_remove_pick_{issue_id}")
        if remove.button("移出", key=f"issues_remove_{issue_id}"):
            desk.act(issues.remove_entry, issue_id, labels[chosen], done="已移出，回到编辑台待选。")
    if st.button("送领导审签", key=f"issues_send_{issue_id}", type="primary", icon=":material/send:"):
        desk.act(issues.send_for_approval, issue_id, done="已送审，等待领导签发。")


def signer_actions() -> None:
    comment = st.text_input("意见", key=f"issues_comment_{issue_id}", placeholder="退回时必填；签发时可写“同意”")
    sign_col, return_col, _ = st.columns([1, 1, 3])
    if sign_col.button("签发", key=f"issues_sign_{issue_id}", type="primary", icon=":material/verified:"):
        desk.act(issues.sign, issue_id, comment=comment, done="已签发：第 {result} 期。")
    if return_col.button("退回", key=f"issues_return_{issue_id}", icon=":material/undo:"):
        desk.act(issues.return_issue, issue_id, comment, done="已退回编辑。")


if issue["state"] == SIGNED:
    download(issues.issued_docx(get_store().con, issue_id), "下载正式文本（DOCX）",
             f"{issue['title']}_{int(issue['year'])}年第{int(issue['number'])}期.docx")
else:
    preview = issues.draft_report(get_store().con, issue_id).docx_bytes()
    download(preview, "下载送审稿（DOCX）", f"{issue['title']}_送审稿_{issue_id}.docx")
    if issue["state"] in (DRAFT, RETURNED) and desk.editor():
        editor_actions()
    elif issue["state"] == PENDING and role is not None and role.signs:
        signer_actions()
    elif issue["state"] == PENDING:
        st.caption("等待领导签发。")
