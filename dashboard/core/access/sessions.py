"""A logged-in session and when it ends: idle (YUQING_IDLE_MINUTES, default 30) and absolute
(YUQING_ABSOLUTE_MINUTES, default 8 hours) limits. Time is always passed in (`now`), so tests inject it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dashboard.core.config import AccessSettings


@dataclass(frozen=True)
class Session:
    user: str
    role: str
    login_at: datetime
    last_seen: datetime
    departments: tuple[str, ...] = ()     # () = every department
    regions: tuple[str, ...] = ()         # () = every region
    method: str = "local"                 # local | oidc
    desk: bool = False                    # the desk right (an editor; core/access/roles.has_desk)

    def seen(self, now: datetime) -> "Session":
        return replace(self, last_seen=now)

    @property
    def editor(self) -> bool:
        """Works the desk (roles.has_desk): sees the queue and who submitted what."""
        from dashboard.core.access.roles import has_desk

        return has_desk(self.role, self.desk)

    @property
    def scoped(self) -> bool:
        return bool(self.departments or self.regions)


def start(account: dict, now: datetime, method: str = "local") -> Session:
    """The session of `account` (a users row, as users.find returns it) logging in at `now`."""
    return Session(user=account["name"], role=account["role"], login_at=now, last_seen=now,
                   departments=tuple(account.get("departments") or ()), regions=tuple(account.get("regions") or ()),
                   method=method, desk=bool(account.get("desk")))


def expired(session: Session, now: datetime, settings: AccessSettings | None = None) -> str | None:
    """Why `session` has ended at `now` (a Chinese sentence), or None while it is valid."""
    settings = settings or AccessSettings()
    if now - session.login_at >= timedelta(minutes=settings.absolute_minutes):
        hours = settings.absolute_minutes / 60
        return f"登录已超过 {hours:g} 小时，请重新登录。"
    if now - session.last_seen >= timedelta(minutes=settings.idle_minutes):
        return f"已有 {settings.idle_minutes} 分钟没有操作，请重新登录。"
    return None
