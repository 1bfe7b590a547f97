"""The login gate every page passes (the interface shared with branch `auth`, which keeps the full version:
local accounts, roles' pages, expiry). Minimal here: single sign-on when YUQING_AUTH=oidc."""
from __future__ import annotations

from dashboard.core.access.sessions import Session
from dashboard.core.config import SsoSettings


def require_login() -> Session | None:
    """The signed-in session; draws the sign-in screen and stops the script when there is none."""
    if SsoSettings().auth_mode == "oidc":
        from dashboard.ui.sso import require_sso_session

        return require_sso_session()
    return None   # local accounts: branch `auth`
