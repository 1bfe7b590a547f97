"""The audit log (append-only table audit_log): who did what, when, in which role. Logins, logouts, failed
logins, lock-outs, 显示原文, every export and report download (query, parameters, row count, sha256 of the
file), uploads and account changes each write one row here."""
from __future__ import annotations

import getpass
import hashlib
import json
from datetime import date, datetime
from typing import Any

import pandas as pd

from dashboard.core import store
from dashboard.core.access.sessions import Session

CLI_ROLE = "cli"   # the command line keeps full access (the store owner's rights on the machine)

ACTION_LABELS = {
    "login": "登录", "logout": "退出", "login_failed": "登录失败", "locked": "账号锁定", "expired": "登录过期",
    "show_original": "显示原文", "export": "导出", "report": "下载报告", "upload": "上传文件",
    "user_add": "新建账号", "user_disable": "停用账号", "user_enable": "启用账号", "user_reset_password": "重置密码",
    "user_desk_on": "授予编辑权限", "user_desk_off": "收回编辑权限",
    "desk_submit": "信息员报送", "desk_pick": "加入摘报", "desk_machine_draft": "从机器草稿取候选",
    "desk_edit": "编辑候选", "desk_set_aside": "搁置候选", "desk_restore": "恢复候选", "desk_merge": "合并候选",
    "desk_issue_create": "新建摘报", "desk_issue_add": "摘报加入条目", "desk_issue_remove": "摘报移出条目",
    "desk_issue_submit": "摘报送审", "desk_issue_return": "摘报退回", "desk_issue_sign": "摘报签发",
}


def cli_actor() -> tuple[str, str]:
    """Who runs a CLI command: the operating-system account."""
    try:
        return f"命令行（{getpass.getuser()}）", CLI_ROLE
    except Exception:   # no login name (some containers)
        return "命令行", CLI_ROLE


def _json(value: Any) -> str | None:
    if value is None:
        return None

    def plain(v: Any) -> Any:
        if isinstance(v, (datetime, date, pd.Timestamp)):
            return v.isoformat()
        return str(v)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=plain)


def record(con, session: Session | None, action: str, *, now: datetime, user: str | None = None,
           role: str | None = None, query: str | None = None, parameters: Any = None,
           row_count: int | None = None, file_bytes: bytes | None = None, detail: str | None = None) -> None:
    """Append one audit row. `session` None: `user`/`role` say who (a failed login, the CLI)."""
    if session is not None:
        user, role = session.user, session.role
    store.run_query(con, "access/audit_record", at=now, user_name=user, role=role, action=action,
                    query_name=query, parameters=_json(parameters), row_count=row_count,
                    file_hash=hashlib.sha256(file_bytes).hexdigest() if file_bytes is not None else None,
                    detail=detail)


def entries(con, limit: int | None = 1000, action: str | None = None) -> pd.DataFrame:
    return store.run_query(con, "access/audit_list", limit=limit, action=action)


def shown_entries(frame: pd.DataFrame) -> pd.DataFrame:
    """The audit log as the 数据管理 page and its CSV show it (Chinese headings and action names)."""
    shown = frame.assign(action=frame["action"].map(lambda a: ACTION_LABELS.get(a, a)))
    return shown.rename(columns={"id": "序号", "logged_at": "时间", "user_name": "用户", "role": "角色", "action": "操作",
                                 "query_name": "查询", "parameters": "参数", "row_count": "行数",
                                 "file_hash": "文件 SHA-256", "detail": "说明"})


def exporter_line(session_or_user: Session | str, now: datetime) -> str:
    """The line every export and report carries: who exported it and when."""
    who = session_or_user.user if isinstance(session_or_user, Session) else session_or_user
    return f"导出人：{who}　导出时间：{now:%Y-%m-%d %H:%M:%S}"
