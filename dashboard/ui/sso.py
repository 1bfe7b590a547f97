"""The single sign-on gate (YUQING_AUTH=oidc): Streamlit's st.login / st.user / st.logout against the
identity provider that `serve` wrote into the `[auth]` secrets (core/access/sso.py). ui/auth.valid_session
calls it in oidc mode.

Nothing of the dashboard is drawn before `require_sso_session` returns: without a sign-in it shows the
sign-in screen, a token issued longer ago than YUQING_ABSOLUTE_MINUTES is signed out, a person without a
role (or with a disabled account) is refused. Each outcome writes one audit row."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.core.access import audit, sso, users
from dashboard.core.access.sessions import Session
from dashboard.core.config import AccessSettings, SsoSettings
from dashboard.ui.store import get_store
from dashboard.ui.widgets import md_escape

SIGN_IN_LABEL = "统一身份认证登录"
_AUDITED_KEY = "_sso_login_recorded"      # the login row of this browser session is written once


def require_sso_session() -> Session:
    """The signed-in person's session; otherwise draws why not (in Chinese) and stops the script."""
    limit = AccessSettings().absolute_minutes
    if not st.user.is_logged_in:
        _sign_in_screen(limit)
    claims = st.user.to_dict()
    now = datetime.now()
    con = get_store().con
    if sso.sso_expired(sso.token_issued_at(claims), now, limit):
        audit.record(con, None, "expired", now=now, user=sso.display_name(claims), detail="统一身份认证：令牌已超过登录时限")
        _signed_out_expired(limit)
    subject = str(claims.get("sub") or "")
    account = users.find_by_subject(con, subject) if subject else None
    session = sso.sign_in(account, claims, SsoSettings(), now)
    if session is None:
        if not st.session_state.get(_AUDITED_KEY):
            st.session_state[_AUDITED_KEY] = True
            audit.record(con, None, "login_failed", now=now, user=sso.display_name(claims),
                         detail="统一身份认证：没有本看板的角色" if account is None else "统一身份认证：账号已停用")
        _refused(claims, registered=account is not None)
    if not st.session_state.get(_AUDITED_KEY):
        st.session_state[_AUDITED_KEY] = True
        audit.record(con, session, "login", now=now, detail=f"统一身份认证（主体 {subject}）")
    return session


def sign_out(session: Session) -> None:
    """退出登录 of a single sign-on session: Streamlit forgets the identity cookie and, when the provider
    offers it, ends the provider's session too."""
    audit.record(get_store().con, session, "logout", now=datetime.now(), detail="统一身份认证")
    st.session_state.pop(_AUDITED_KEY, None)
    st.logout()


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g}"


def _sign_in_screen(limit: float) -> None:
    st.title("舆情态势感知 · 登录")
    st.info(f"本看板需要登录后使用。请用单位的统一身份认证账号登录；登录 {_hours(limit)} 小时后需要重新登录。")
    if st.button(SIGN_IN_LABEL, type="primary"):
        st.login(sso.PROVIDER)
    st.stop()


def _signed_out_expired(limit: float) -> None:
    st.title("舆情态势感知 · 登录")
    st.warning(f"登录已超过 {_hours(limit)} 小时，已自动退出。请重新用统一身份认证登录。")
    st.logout()
    st.stop()


def _refused(claims: dict, registered: bool) -> None:
    st.title("舆情态势感知 · 登录")
    who = md_escape(sso.display_name(claims))   # from the provider: shown as text, never as Markdown
    if registered:
        reason = "您的账号已在本看板停用"
    else:
        reason = "统一身份认证没有为您的账号提供本看板的角色（领导、分析员或管理员）"
    st.error(f"{who}：{reason}，不能查看数据。请联系本看板的管理员为您开通，然后重新登录。")
    if st.button("退出"):
        st.logout()
    st.stop()
