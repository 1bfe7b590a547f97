"""Logins that survive a reload: at a local login the browser is given a random token (a cookie, set by
ui/auth.py); the store keeps only the token's sha256 (queries/access/token_*.sql). A later visit with the
cookie resumes the login if the account is still enabled with the same role and scope and neither the
idle nor the absolute limit has passed (core/access/sessions.expired, the same limits as a tab's session).
Time is passed in (`now`), so tests inject it. Writes go through store.run_query (a cursor of its own),
as the other account statements do: page threads share the owner's connection."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime

from dashboard.core import store
from dashboard.core.access import sessions, users
from dashboard.core.access.sessions import Session
from dashboard.core.config import AccessSettings

COOKIE = "yuqing_login"
MAX_TOKEN_CHARS = 100        # ours are 43; a longer cookie is not ours


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(con, session: Session) -> str:
    """A new token for `session` (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    store.run_query(con, "access/token_add", token_hash=_hash(token), user=session.user, now=session.login_at)
    return token


def resume(con, token: str | None, now: datetime, settings: AccessSettings | None = None) -> Session | None:
    """The session `token` stands for at `now`, or None (unknown, expired, or the account changed: an
    ended login's token is deleted)."""
    if not token:
        return None
    found = store.run_query(con, "access/token_find", token_hash=_hash(token))
    if found.empty:
        return None
    row = found.iloc[0]
    account = users.find(con, str(row["user_name"]))
    if account is None or account["disabled"]:
        revoke(con, token)
        return None
    session = replace(sessions.start(account, row["login_at"].to_pydatetime()), last_seen=row["last_seen"].to_pydatetime())
    if sessions.expired(session, now, settings):
        revoke(con, token)
        return None
    touch(con, token, now)
    return session.seen(now)


def exists(con, token: str) -> bool:
    """Whether the login `token` stands for has not ended (logged out in another tab, expired, revoked)."""
    return not store.run_query(con, "access/token_find", token_hash=_hash(token)).empty


def touch(con, token: str, now: datetime) -> None:
    store.run_query(con, "access/token_touch", token_hash=_hash(token), now=now)


def revoke(con, token: str | None) -> None:
    if token:
        store.run_query(con, "access/token_drop", token_hash=_hash(token))
