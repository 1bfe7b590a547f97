"""Accounts in the store (the interface shared with branch `auth`, which keeps the full version: add, list,
disable, reset, login with lock-out). Minimal here: what single sign-on reads, and adding an account."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.core import store


def _row(frame: pd.DataFrame) -> dict | None:
    if frame.empty:
        return None
    row = frame.iloc[0].to_dict()
    for column in ("departments", "regions"):
        value = row.get(column)
        row[column] = tuple(value) if value is not None and not (isinstance(value, float) and pd.isna(value)) else ()
    return row


def find_by_subject(con, subject: str) -> dict | None:
    """The account registered for a single sign-on subject (users.sso_subject), or None."""
    return _row(store.run_query(con, "access/user_find_by_subject", subject=subject))


def add(con, name: str, role: str, now: datetime, *, sso_subject: str | None = None,
        departments: tuple[str, ...] = (), regions: tuple[str, ...] = ()) -> None:
    store.run_query(con, "access/user_add", user=name, role=role, password_hash=None, sso_subject=sso_subject,
                    departments=list(departments) or None, regions=list(regions) or None, now=now)
