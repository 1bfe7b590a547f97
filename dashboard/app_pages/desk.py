"""编辑台: the editors' queue of candidates — informants' submissions, alerts, hot topics, items picked with
加入摘报, and the machine draft's alerts and topics. Select one to set its kind, write the 编者按 and the
wording that goes into the issue, or set it aside with a reason; select several to merge them or to put
them into an issue (摘报 page: approval and numbering). Item text is shown only as text."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.desk import candidates, issues
from dashboard.core.desk.kinds import CONTENT_KINDS, DRAFT, RETURNED, SELECTED, SET_ASIDE, WAITING
from dashboard.core.display import desk_tables, tables
from dashboard.core.filters import Filters
from dashboard.ui import cached, desk, widgets
from dashboard.ui import filters as ui_filters
from dashboard.ui.store import get_store

STATES = {"待选": [WAITING], "已搁置": [SET_ASIDE], "已编入摘报": [SELECTED]}

st.title("编辑台")
desk.notice()


def machine_draft() -> None:
    with st.expander("从机器草稿取候选", icon=":material/smart_toy:"):
        st.caption("系统每天自动生成的《舆情摘报》（机器草稿）中的预警和热点话题，可一次放入候选，再逐条筛选。"
                   "同一条预警或话题只会加入一次。")
        f = ui_filters.current()
        newest = ui_filters.store_summary()["last_published"]
        if pd.isna(newest):
            st.caption("还没有数据。")
            return
        day = widgets.day_picker("desk_day", cached.view_day(f, newest), f.day_start_hour)
        if st.button("取候选", key="desk_machine_draft", icon=":material/download:"):
            desk.act(candidates.from_machine_draft, day, settings=cached.settings_for_day(f),
                     dicts_dir=get_store().settings.dicts_dir, done="从机器草稿加入了 {result} 条候选。")


def items_behind(row: pd.Series) -> None:
    with st.expander(f"涉及的 {int(row['items'])} 条信息"):
        found = desk.live("items/detail", filters=Filters().record(), item_ids=list(row["item_ids"])[:200])
        widgets.table(tables.item_table(found[["published_at", "title", "channel", "content"]]), hide_index=True,
                      key=f"desk_items_{row['id']}", column_config=widgets.ITEM_COLUMNS)


def edit_one(row: pd.Series) -> None:
    cid = int(row["id"])
    with st.form(f"desk_edit_{cid}"):
        kind = st.selectbox("信息类别", CONTENT_KINDS, placeholder="请选择",
                            index=CONTENT_KINDS.index(row["content_kind"]) if row["content_kind"] in CONTENT_KINDS else None)
        headline = st.text_input("标题", value=row["headline"], max_chars=500)
        note = st.text_area("编者按", value=row["editor_note"] if isinstance(row["editor_note"], str) else "", height=80,
                            placeholder="从分散的材料中提炼的观点、判断和建议")
        wording = st.text_area("编发文字", value=row["wording"] if isinstance(row["wording"], str) else "", height=200)
        if st.form_submit_button("保存", type="primary", icon=":material/save:"):
            desk.act(candidates.edit, cid, content_kind=kind or "", headline=headline, editor_note=note,
                     wording=wording, done="已保存。")
    if row["state"] == SELECTED:      # in an issue still open: revised here, taken out on 摘报
        return
    if row["state"] == SET_ASIDE:
        if st.button("恢复为待选", key=f"desk_restore_{cid}"):
            desk.act(candidates.restore, cid, done="已恢复为待选。")
        return
    reason_col, button_col = st.columns([4, 1], vertical_alignment="bottom")
    reason = reason_col.text_input("搁置原因", key=f"desk_reason_{cid}", placeholder="如：信息价值不大、已有同类报道")
    if button_col.button("搁置", key=f"desk_aside_{cid}"):
        desk.act(candidates.set_aside, cid, reason, done="已搁置。")


def several(rows: pd.DataFrame) -> None:
    waiting = rows[rows["state"] == WAITING]
    ids = [int(i) for i in waiting["id"]]
    if len(rows) > 1:
        labels = {f"{int(r.id)}　{r.headline}": int(r.id) for r in rows.itertuples()}
        target_col, merge_col = st.columns([4, 1], vertical_alignment="bottom")
        target = target_col.selectbox("合并到", list(labels), key="desk_merge_target",
                                      help="其余选中的候选并入这一条（条目合在一起，信息员的报送随之计算采用）。")
        if merge_col.button("合并", key="desk_merge"):
            desk.act(candidates.merge, labels[target], [i for i in labels.values() if i != labels[target]],
                     done="已合并。")
    if not ids:
        return
    new_col, add_col = st.columns(2, vertical_alignment="bottom")
    if new_col.button(f"编入新一期摘报（{len(ids)} 条）", key="desk_new_issue", type="primary", icon=":material/note_add:"):
        desk.act(issues.create, ids, done="已新建摘报草稿（编号 {result}），请到「摘报」页送审。")
    open_issues = desk.live("issues/list", states=["草稿", "退回"])
    if not open_issues.empty:
        labels = {f"{int(r.id)}　{r.title}（{r.state}，{int(r.entries)} 条）": int(r.id) for r in open_issues.itertuples()}
        with add_col:
            chosen = st.selectbox("或加入已有草稿", list(labels), key="desk_add_to")
            if st.button("加入", key="desk_add_issue"):
                desk.act(issues.add_entries, labels[chosen], ids, done="已加入摘报草稿。")


machine_draft()
state = st.segmented_control("候选", list(STATES), default="待选", key="desk_state") or "待选"
queue = desk.live("desk/candidates", states=STATES[state])
if queue.empty:
    st.info("没有这一状态的候选。信息员的报送、在「明细」「热点与预警」页点“加入摘报”的信息都会出现在这里。")
    st.stop()
HINTS = {"待选": "选一条可编辑或搁置；选多条可合并，或编入摘报。", "已搁置": "选一条可编辑或恢复为待选；选多条可合并。",
         "已编入摘报": "选一条可修改草稿或退回的摘报中的条目；查看整期和移出条目请到「摘报」页。"}
st.caption(f"{state} {len(queue)} 条（特急、紧急的排在前面）。{HINTS[state]}")
picked = widgets.selectable_table(desk_tables.candidates_table(queue), key=widgets.view_key("desk_queue", state, len(queue)),
                                  multi=True, height=min(38 + 35 * len(queue), 420),
                                  column_config={"标题": st.column_config.TextColumn("标题", width="medium"),
                                                 "加入时间": st.column_config.DatetimeColumn("加入时间", format="MM-DD HH:mm")})
if not picked:
    st.stop()
rows = queue.iloc[picked]
if state == "已编入摘报":       # an entry of a draft or a returned issue can still be revised
    open_issues = set(desk.live("issues/list", states=[DRAFT, RETURNED])["id"].astype(int))
    if len(rows) == 1 and not pd.isna(rows.iloc[0]["issue_id"]) and int(rows.iloc[0]["issue_id"]) in open_issues:
        items_behind(rows.iloc[0])
        edit_one(rows.iloc[0])
    else:
        st.caption("只有草稿或退回的摘报中的条目可以修改（待审的请等领导签发或退回，已签发的保持原样）。")
    st.stop()
if len(rows) == 1:
    items_behind(rows.iloc[0])
    edit_one(rows.iloc[0])
several(rows)
