"""A signed-in session (the interface shared with the local accounts of branch `auth`, which keeps the full
version: expiry by idle and absolute limits). Minimal here so that single sign-on can build one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Session:
    user: str
    role: str
    login_at: datetime
    last_seen: datetime
    departments: tuple[str, ...] = ()     # () = every department
    regions: tuple[str, ...] = ()         # () = every region
    method: str = "local"                 # local | oidc
