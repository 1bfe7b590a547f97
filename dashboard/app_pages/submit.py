"""信息报送: an informant submits an item (title, text, source or link, kind, urgency, an attachment's text)
and sees its own submissions and what became of each. Who submitted is shown to editors and
administrators only (core/access/roles.py); the informant's own list is read with its own name forced in
(core/access/choke.py)."""
from __future__ import annotations

import streamlit as st

from dashboard.core.desk import submissions
from dashboard.core.desk.kinds import CONTENT_KINDS, URGENCIES
from dashboard.core.display import desk_tables
from dashboard.ui import desk, widgets
from dashboard.ui.store import get_store

ATTACHMENT_MAX_BYTES = 200_000

st.title("信息报送")
st.caption("报送的信息直接进入编辑台，由编辑筛选、编入《重要舆情摘报》，经领导签发后即为“采用”。"
           "您的姓名和单位只有编辑和管理员能看到。")
desk.notice()

form_round = st.session_state.setdefault("_submit_round", 0)      # a new form after each submission
with st.form(f"submit_form_{form_round}"):
    title = st.text_input("标题", max_chars=500)
    text = st.text_area("内容", height=180, placeholder="事情经过、时间地点、涉及人数、网民反映等")
    left, right = st.columns(2)
    kind = left.selectbox("信息类别", CONTENT_KINDS, index=None, placeholder="请选择")
    urgency = right.radio("紧急程度", URGENCIES, horizontal=True)
    source = left.text_input("来源", placeholder="网站、论坛、会议、现场等", max_chars=100)
    link = right.text_input("链接", placeholder="原帖或报道的网址（可不填）", max_chars=2000)
    attachment = st.text_area("附件文字", height=90, placeholder="可粘贴附件中的文字")
    upload = st.file_uploader("或上传文本附件（.txt，200 KB 以内）", type=["txt"])
    sent = st.form_submit_button("报送", type="primary", icon=":material/send:")

if sent:
    attached, problem = submissions.attachment_text(upload.getvalue() if upload else b"", ATTACHMENT_MAX_BYTES)
    if problem:
        st.error(problem)
    else:
        st.session_state["_submit_round"] = form_round + 1
        desk.act(submissions.submit, submissions.Submission(
            title=title, text=text, content_kind=kind or "", urgency=urgency, source=source, link=link,
            attachment="\n\n".join(t for t in (attachment.strip(), attached) if t)),
            get_store().settings, done="已报送，可在下方“我的报送”中查看处理情况。")
        st.session_state["_submit_round"] = form_round          # refused: keep what was typed

st.subheader("我的报送")
mine = desk.live("submit/mine")
if mine.empty:
    st.caption("还没有报送记录。")
else:
    widgets.table(desk_tables.submissions_table(mine), hide_index=True, key="submit_mine",
                  column_config={"标题": st.column_config.TextColumn("标题", width="large")})
