"""数据管理's 用户 and 审计日志 sections (administrators only): list, add, disable and reset accounts; read
and export the audit log. Every change goes through core/access/users (which writes its audit row)."""
from __future__ import annotations

import streamlit as st

from dashboard.core.access import audit, passwords, roles, users
from dashboard.core.reports.exports import csv_bytes, with_footer
from dashboard.ui import auth, widgets
from dashboard.ui.store import get_store

AUDIT_ROWS = 1000


def require_data_admin() -> None:
    """Stop the page unless the logged-in role may manage data (the router already hides it from others)."""
    role = auth.current_role()
    if role is None or not role.data_admin:
        st.error("只有管理员可以打开「数据管理」页。")
        st.stop()


def users_section() -> None:
    st.subheader("用户")
    con = get_store().con
    widgets.table(users.shown_users(users.list_users(con), auth.now()), hide_index=True)
    st.caption("命令行（`python -m dashboard user …`）以数据库所在机器的账户运行，不受登录限制。")
    left, right = st.columns(2)
    with left, st.form("user_add", clear_on_submit=True):
        st.markdown("**新建用户**")
        name = st.text_input("用户名", key="user_add_name")
        role = st.selectbox("角色", list(roles.ROLES), index=list(roles.ROLES).index("leader"),
                            format_func=lambda r: roles.ROLES[r].label, key="user_add_role")
        departments = st.text_input("限定部门（可选，多个用逗号分隔）", key="user_add_departments")
        regions = st.text_input("限定地区（可选，多个用逗号分隔）", key="user_add_regions")
        unit = st.text_input("单位（信息员填写，用于按单位统计采用情况）", key="user_add_unit")
        desk = st.checkbox("编辑权限（分析员可处理编辑台、编排摘报）", key="user_add_desk")
        if st.form_submit_button("新建"):
            _change(lambda password: users.add(con, name, role, password, auth.now(), departments=_split(departments),
                                                regions=_split(regions), unit=unit, desk=desk,
                                                by=auth.current_session()),
                    f"已新建用户 {name}")
    with right:
        names = users.list_users(con)["name"].tolist()
        if names:
            target = st.selectbox("选择用户", names, key="user_target")
            one, two, three = st.columns(3)
            if three.button("授予/收回编辑权限", key="user_desk",
                            help="分析员有编辑权限即为编辑：可处理编辑台、编排摘报，并能看到信息员姓名"):
                has = bool(users.find(con, target)["desk"])
                _change(lambda _: users.set_desk(con, target, not has, auth.now(), by=auth.current_session()),
                        f"已{'收回' if has else '授予'} {target} 的编辑权限", password=False)
            if one.button("重置密码", key="user_reset"):
                _change(lambda password: users.reset_password(con, target, password, auth.now(),
                                                               by=auth.current_session()), f"已重置 {target} 的密码")
            if two.button("停用", key="user_disable", disabled=target == auth.current_session().user,
                          help="不能停用自己正在使用的账号"):
                _change(lambda _: users.set_disabled(con, target, auth.now(), by=auth.current_session()),
                        f"已停用用户 {target}", password=False)


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


def _change(action, done: str, password: bool = True) -> None:
    """Run an account change with a new one-time password (shown once on this page)."""
    secret = passwords.one_time_password() if password else None
    try:
        action(secret)
    except (users.AccountError, ValueError) as exc:
        st.error(str(exc))
        return
    st.success(done + (f"。一次性密码（只显示这一次，请当面或当场转交）：{secret}" if secret else "。"))


def audit_section() -> None:
    st.subheader("审计日志")
    con = get_store().con
    shown = audit.shown_entries(audit.entries(con, limit=AUDIT_ROWS))
    if shown.empty:
        st.caption("还没有审计记录。")
        return
    st.caption(f"最新 {AUDIT_ROWS:,} 条；登录、退出、失败登录、锁定、显示原文、导出、下载报告、上传和账号变更各记一条，只增不改。")
    widgets.table(shown, hide_index=True)
    st.download_button("导出审计日志（CSV）", _audit_export, file_name="audit_log.csv", mime="text/csv",
                       key="audit_csv", on_click="ignore")


def _audit_export() -> bytes:
    """The whole audit log as CSV, with the exporter's footer; the export is itself recorded."""
    con = get_store().con
    session = auth.current_session()
    frame = audit.shown_entries(audit.entries(con, limit=None))
    moment = auth.now()
    data = csv_bytes(with_footer(frame, audit.exporter_line(session, moment)))
    audit.record(con, session, "export", now=moment, query="access/audit_list", row_count=len(frame),
                 file_bytes=data, detail="audit_log.csv")
    return data
