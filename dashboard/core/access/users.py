"""Local accounts: add, list, disable, reset a password, and check a login with lock-out (YUQING_LOCKOUT_COUNT
failures in a row lock the account for YUQING_LOCKOUT_MINUTES). Time is passed in (`now`); every change is
written to the audit log by whoever made it (`by`: a session, or None for the command line)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from dashboard.core import store
from dashboard.core.access import audit, passwords, roles
from dashboard.core.access.sessions import Session
from dashboard.core.config import AccessSettings


class AccountError(ValueError):
    """A refused account change, with a Chinese reason."""


@dataclass(frozen=True)
class LoginResult:
    account: dict | None      # the users row when the login succeeded
    message: str | None       # why it failed (Chinese), None on success


def _row(frame: pd.DataFrame) -> dict | None:
    if frame.empty:
        return None
    row = frame.iloc[0].to_dict()
    for column in ("departments", "regions"):
        value = row.get(column)
        row[column] = tuple(value) if value is not None and not (isinstance(value, float) and pd.isna(value)) else ()
    row["unit"] = None if pd.isna(row.get("unit")) else row.get("unit")
    if pd.isna(row.get("locked_until")):
        row["locked_until"] = None
    return row


def find(con, name: str) -> dict | None:
    return _row(store.run_query(con, "access/user_find", user=name))


def find_by_subject(con, subject: str) -> dict | None:
    return _row(store.run_query(con, "access/user_find_by_subject", subject=subject))


def list_users(con) -> pd.DataFrame:
    return store.run_query(con, "access/user_list")


def enabled_admins(con) -> int:
    return int(store.run_query(con, "access/enabled_admins").iat[0, 0])


def _actor(by: Session | None) -> dict:
    if by is not None:
        return {"session": by}
    user, role = audit.cli_actor()
    return {"session": None, "user": user, "role": role}


def add(con, name: str, role: str, password: str | None, now: datetime, *, departments=(), regions=(),
        sso_subject: str | None = None, unit: str | None = None, desk: bool = False,
        by: Session | None = None) -> None:
    name = (name or "").strip()
    if not name:
        raise AccountError("用户名不能为空")
    roles.role(role)                                   # refuses an unknown role
    if desk and not roles.ROLES[role].may_have_desk:
        raise AccountError(f"编辑权限（--desk）只能给分析员；{roles.ROLES[role].label}不能编辑摘报")
    if find(con, name) is not None:
        raise AccountError(f"用户 {name} 已存在")
    if sso_subject is not None and not sso_subject.strip():
        raise AccountError("统一身份认证主体（--sso-subject）不能为空")
    if sso_subject is not None and find_by_subject(con, sso_subject) is not None:
        raise AccountError(f"统一身份认证主体 {sso_subject} 已登记给另一个用户")
    if password is not None and (reason := passwords.check_strength(password)):
        raise AccountError(reason)
    store.run_query(con, "access/user_add", user=name, role=role,
                    password_hash=passwords.hash_password(password) if password is not None else None,
                    sso_subject=sso_subject, departments=list(departments) or None, regions=list(regions) or None,
                    unit=(unit or "").strip() or None, desk=desk, now=now)
    scope = {"departments": list(departments), "regions": list(regions), "unit": unit, "desk": desk}
    audit.record(con, action="user_add", now=now, detail=f"{name}（{role}）", parameters=scope, **_actor(by))


def _existing(con, name: str) -> dict:
    account = find(con, name)
    if account is None:
        raise AccountError(f"没有用户 {name}（可用 python -m dashboard user list 查看）")
    return account


def set_disabled(con, name: str, now: datetime, disabled: bool = True, by: Session | None = None) -> None:
    _existing(con, name)
    store.run_query(con, "access/user_set_disabled", user=name, disabled=disabled, now=now)
    audit.record(con, action="user_disable" if disabled else "user_enable", now=now, detail=name, **_actor(by))


def set_desk(con, name: str, desk: bool, now: datetime, by: Session | None = None) -> None:
    """Give an analyst the desk right (an editor) or take it away."""
    account = _existing(con, name)
    if desk and not roles.ROLES[account["role"]].may_have_desk:
        raise AccountError(f"编辑权限只能给分析员；{name} 是{roles.ROLES[account['role']].label}")
    store.run_query(con, "access/user_set_desk", user=name, desk=desk, now=now)
    audit.record(con, action="user_desk_on" if desk else "user_desk_off", now=now, detail=name, **_actor(by))


def reset_password(con, name: str, password: str, now: datetime, by: Session | None = None) -> None:
    _existing(con, name)
    if reason := passwords.check_strength(password):
        raise AccountError(reason)
    store.run_query(con, "access/user_set_password", user=name, password_hash=passwords.hash_password(password),
                    now=now)
    audit.record(con, action="user_reset_password", now=now, detail=name, **_actor(by))


def login(con, name: str, password: str, now: datetime, settings: AccessSettings | None = None) -> LoginResult:
    """Check a local login at `now`; records login / login_failed / locked in the audit log."""
    settings = settings or AccessSettings()
    account = find(con, (name or "").strip())
    refused = "用户名或密码不正确。"
    if account is None or account["disabled"]:
        audit.record(con, None, "login_failed", now=now, user=name, detail="无此用户或已停用")
        return LoginResult(None, refused)
    if account["locked_until"] is not None:
        if account["locked_until"] > now:
            audit.record(con, None, "login_failed", now=now, user=account["name"], role=account["role"],
                         detail="账号锁定中")
            return LoginResult(None, _locked_message(account["locked_until"]))
        store.run_query(con, "access/user_clear_failures", user=account["name"], now=now)   # the lock ran out
        account = {**account, "failed_count": 0, "locked_until": None}
    if not passwords.verify_password(account["password_hash"], password):
        return _failed(con, account, now, settings)
    store.run_query(con, "access/user_clear_failures", user=account["name"], now=now)
    audit.record(con, None, "login", now=now, user=account["name"], role=account["role"], detail="本地账号")
    return LoginResult(find(con, account["name"]), None)


def _failed(con, account: dict, now: datetime, settings: AccessSettings) -> LoginResult:
    until = now + timedelta(minutes=settings.lockout_minutes)
    store.run_query(con, "access/user_login_failed", user=account["name"], max_failures=settings.lockout_count,
                    locked_until=until, now=now)
    audit.record(con, None, "login_failed", now=now, user=account["name"], role=account["role"], detail="密码错误")
    if account["failed_count"] + 1 >= settings.lockout_count:
        audit.record(con, None, "locked", now=now, user=account["name"], role=account["role"],
                     detail=f"连续 {settings.lockout_count} 次密码错误，锁定 {settings.lockout_minutes} 分钟")
        return LoginResult(None, _locked_message(until))
    left = settings.lockout_count - account["failed_count"] - 1
    return LoginResult(None, f"用户名或密码不正确。再错 {left} 次账号将被锁定。")


def _locked_message(until: datetime) -> str:
    return f"连续输错密码次数过多，账号已锁定，请于 {until:%H:%M} 后再试，或请管理员重置密码。"


def still_valid(con, session: Session) -> bool:
    """Whether the account behind `session` still exists, is enabled and has the same role and scope
    (an administrator's change takes effect at the user's next click)."""
    account = find(con, session.user)
    return (account is not None and not account["disabled"] and account["role"] == session.role
            and tuple(account["departments"]) == session.departments and tuple(account["regions"]) == session.regions
            and bool(account.get("desk")) == session.desk)


def _listed(value) -> list[str]:
    return [] if value is None or (not hasattr(value, "__len__") and pd.isna(value)) else [str(v) for v in value]


def shown_users(frame: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """The accounts as `user list` and the 数据管理 page show them (no password hash is ever read)."""
    def state(row) -> str:
        if row["disabled"]:
            return "已停用"
        locked = row["locked_until"]
        return "已锁定" if locked is not None and not pd.isna(locked) and locked > now else "正常"

    return pd.DataFrame({
        "用户": frame["name"],
        "角色": [roles.ROLES[r].label if r in roles.ROLES else r for r in frame["role"]],
        "状态": [state(row) for _, row in frame.iterrows()],
        "数据范围": ["、".join(_listed(d) + _listed(r)) or "全部" for d, r in zip(frame["departments"], frame["regions"])],
        "单位": frame["unit"].fillna("") if "unit" in frame else "",
        "编辑权限": ["有" if d else "" for d in frame["desk"]] if "desk" in frame else "",
        "单点登录标识": frame["sso_subject"].fillna(""),
        "创建时间": frame["created_at"],
    })
