"""The login gate (docs/security.md): streamlit_app.py asks `valid_session()` before anything else draws
and shows `login_screen()` when there is none.

Local accounts (YUQING_AUTH=local, the default): a Chinese form (用户名 / 密码 / 登录) checked by
core/access/users.login, lock-out after repeated failures, the session kept in st.session_state and
checked on every rerun (idle and absolute expiry, the account still enabled with the same role and scope).
Single sign-on (YUQING_AUTH=oidc): dashboard/ui/sso.require_sso_session() returns the Session (checked on
every rerun against the token's issue time and the users table), kept in st.session_state like a local one.
"""
from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from dashboard.core.access import audit, roles, sessions, tokens, users
from dashboard.core.access.sessions import Session
from dashboard.core.config import AccessSettings
from dashboard.ui.store import get_store

SESSION_KEY = "auth_session"
_NOTICE_KEY = "_auth_notice"
_TOKEN_KEY = "_auth_token"            # this tab's login token (core/access/tokens.py)
_COOKIE_KEY = "_auth_cookie"          # a cookie to set (the token) or clear ("") at the next run
_TOUCHED_KEY = "_auth_touched"        # when the token's last use was last written
TOUCH_EVERY_SECONDS = 60
FIRST_ADMIN_COMMAND = "python -m dashboard user add 管理员 --role admin"


def now() -> datetime:
    """Local time, as every other time in the store (the audit log, users.locked_until)."""
    return datetime.now()


def current_session() -> Session | None:
    session = st.session_state.get(SESSION_KEY)
    return session if isinstance(session, Session) else None


def current_role() -> roles.Role | None:
    session = current_session()
    return roles.ROLES.get(session.role) if session else None


def valid_session() -> Session | None:
    """The valid session of this browser tab, or None (nothing drawn: the router then keeps the page the
    address asked for and shows `login_screen()` in its place, so after the login that page opens).
    Single sign-on redirects to the identity provider instead and never returns None."""
    settings = AccessSettings()
    if settings.auth_mode == "oidc":
        from dashboard.ui.sso import require_sso_session

        session = require_sso_session()
        st.session_state[SESSION_KEY] = session
        return session
    con = get_store().con
    session = current_session() or _resumed(con, settings)
    if session is None:
        return None
    moment = now()
    reason = sessions.expired(session, moment, settings)
    if reason is None and not users.still_valid(con, session):
        reason = "账号已被停用或权限已变更，请重新登录。"
    token = st.session_state.get(_TOKEN_KEY)
    if reason is None and token and not tokens.exists(con, token):
        reason = "已在本浏览器的其他窗口退出登录，请重新登录。"
    if reason is None:
        session = session.seen(moment)
        st.session_state[SESSION_KEY] = session
        _touch(con, moment)
        return session
    audit.record(con, session, "expired", now=moment, detail=reason)
    _end(reason)
    return None


def _resumed(con, settings: AccessSettings) -> Session | None:
    """A login this browser made earlier (its cookie), when it is still valid: a reload, a new tab or a
    link keeps the person logged in until the idle or absolute limit."""
    token = _cookie()
    session = tokens.resume(con, token, now(), settings)
    if session is None:
        if token:
            st.session_state[_COOKIE_KEY] = ""      # an ended login: the browser forgets it
        return None
    st.session_state[SESSION_KEY] = session
    st.session_state[_TOKEN_KEY] = token
    st.session_state[_TOUCHED_KEY] = session.last_seen
    return session


def _cookie() -> str | None:
    """The login cookie the browser sent when this tab connected (anything else is no token)."""
    value = st.context.cookies.get(tokens.COOKIE)
    return value if isinstance(value, str) and 0 < len(value) <= tokens.MAX_TOKEN_CHARS else None


def _touch(con, moment: datetime) -> None:
    """Write the token's last use now and then (the idle limit of a reload counts from it)."""
    token = st.session_state.get(_TOKEN_KEY)
    touched = st.session_state.get(_TOUCHED_KEY)
    if token and (touched is None or (moment - touched).total_seconds() >= TOUCH_EVERY_SECONDS):
        tokens.touch(con, token, moment)
        st.session_state[_TOUCHED_KEY] = moment


def sync_cookie() -> None:
    """Set or clear the login cookie in the browser when a login began or ended (an invisible script; the
    token is random letters and digits, and the cookie is SameSite=Strict, Secure over HTTPS)."""
    pending = st.session_state.pop(_COOKIE_KEY, None)
    if pending is None:
        return
    age = AccessSettings().absolute_minutes * 60 if pending else 0
    st.html(f"""<script>
window.parent.document.cookie = {json.dumps(f"{tokens.COOKIE}={pending}; path=/; max-age={age}; SameSite=Strict")}
  + (window.parent.location.protocol === "https:" ? "; Secure" : "");
</script>""", unsafe_allow_javascript=True)


def login_screen() -> None:
    """The login form in place of the page; stops the run (a successful login reruns it)."""
    sync_cookie()
    _login_screen(get_store().con, AccessSettings())
    st.stop()


def _end(notice: str | None) -> None:
    st.session_state.pop(SESSION_KEY, None)
    token = st.session_state.pop(_TOKEN_KEY, None) or _cookie()
    if token:
        tokens.revoke(get_store().con, token)
        st.session_state[_COOKIE_KEY] = ""
    if notice:
        st.session_state[_NOTICE_KEY] = notice


def _login_screen(con, settings: AccessSettings) -> None:
    st.title("舆情态势感知 · 登录")
    if users.enabled_admins(con) == 0:
        st.error("尚未设置管理员账号，看板暂不开放。请先停止看板，在项目目录运行下面的命令新建管理员"
                 "（命令会显示一次性密码），然后重新启动看板：")
        st.code(FIRST_ADMIN_COMMAND, language="bash")
        return
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice)
    with st.form("login", clear_on_submit=False):
        name = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        _try_login(con, name, password, settings)


def _try_login(con, name: str, password: str, settings: AccessSettings) -> None:
    if not name or not password:
        st.error("请输入用户名和密码。")
        return
    moment = now()
    result = users.login(con, name, password, moment, settings)
    if result.account is None:
        st.error(result.message)
        return
    session = sessions.start(result.account, moment)
    token = tokens.issue(con, session)
    st.session_state.update({SESSION_KEY: session, _TOKEN_KEY: token, _TOUCHED_KEY: moment, _COOKIE_KEY: token})
    st.rerun()


def logout_button() -> None:
    """退出登录 in the sidebar, with who is logged in."""
    session = current_session()
    if session is None:
        return
    role = roles.ROLES.get(session.role)
    scope = "、".join(session.departments + session.regions)
    st.sidebar.caption(f"当前用户：{session.user}（{role.label if role else session.role}）"
                       + (f"　数据范围：{scope}" if scope else ""))
    if st.sidebar.button("退出登录", key="auth_logout", icon=":material/logout:"):
        if session.method == "oidc":
            from dashboard.ui.sso import sign_out

            st.session_state.pop(SESSION_KEY, None)
            sign_out(session)
            st.stop()
        audit.record(get_store().con, session, "logout", now=now())
        _end("已退出登录。")
        st.rerun()


def record(action: str, **details) -> None:
    """Write one audit row for the logged-in user (exports, report downloads, 显示原文, uploads)."""
    audit.record(get_store().con, current_session(), action, now=now(), **details)
