"""The single sign-on gate (YUQING_AUTH=oidc): Streamlit's st.login / st.user / st.logout against the
identity provider that `serve` wrote into the `[auth]` secrets (core/access/sso.py).

Nothing of the dashboard is drawn before `require_sso_session` returns: without a sign-in it shows the
sign-in screen, a token older than the absolute limit is signed out, a person without a role is refused."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard.core.access import sso, users
from dashboard.core.access.sessions import Session
from dashboard.core.config import SsoSettings
from dashboard.ui.store import get_store
from dashboard.ui.widgets import md_escape

SIGN_IN_LABEL = "统一身份认证登录"


def require_sso_session() -> Session:
    """The signed-in person's session; otherwise draws why not (in Chinese) and stops the script."""
    settings = SsoSettings()
    if not st.user.is_logged_in:
        _sign_in_screen(settings)
    claims = st.user.to_dict()
    now = datetime.now()
    if sso.sso_expired(sso.token_issued_at(claims), now, settings.max_age_minutes):
        _signed_out_expired(settings)
    subject = str(claims.get("sub") or "")
    account = users.find_by_subject(get_store().con, subject) if subject else None
    session = sso.sign_in(account, claims, settings, now)
    if session is None:
        _refused(claims, registered=account is not None)
    _signed_in_sidebar(session)
    return session


ROLE_NAMES = {"leader": "领导", "analyst": "分析员", "admin": "管理员"}


def _signed_in_sidebar(session: Session) -> None:
    with st.sidebar:
        st.caption(f"已登录：{md_escape(session.user)}（{ROLE_NAMES.get(session.role, session.role)}，统一身份认证）")
        if st.button("退出登录", key="sso_logout"):
            st.logout()


def _hours(settings: SsoSettings) -> str:
    return f"{settings.max_age_minutes / 60:g}"


def _sign_in_screen(settings: SsoSettings) -> None:
    st.title("舆情态势感知")
    st.info("本看板需要登录后使用。请用单位的统一身份认证账号登录；"
            f"登录 {_hours(settings)} 小时后需要重新登录。")
    if st.button(SIGN_IN_LABEL, type="primary"):
        st.login(sso.PROVIDER)
    st.stop()


def _signed_out_expired(settings: SsoSettings) -> None:
    st.title("舆情态势感知")
    st.warning(f"登录已超过 {_hours(settings)} 小时，已自动退出。请重新用统一身份认证登录。")
    st.logout()
    st.stop()


def _refused(claims: dict, registered: bool) -> None:
    st.title("舆情态势感知")
    who = md_escape(sso.display_name(claims))   # from the provider: shown as text, never as Markdown
    if registered:
        reason = "您的账号已在本看板停用"
    else:
        reason = "统一身份认证没有为您的账号提供本看板的角色（领导、分析员或管理员）"
    st.error(f"{who}：{reason}，不能查看数据。请联系本看板的管理员为您开通，然后重新登录。")
    if st.button("退出"):
        st.logout()
    st.stop()
