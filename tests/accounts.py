"""Logging in to the app under test (AppTest) and the bench's pages: a session of an account that exists in
the app's own store, so the login gate's checks (the account exists, is enabled, has this role and scope)
are real. Used by tests/conftest.py (every AppTest) and bench/run.py, bench/soak.py."""
from __future__ import annotations

TEST_USER = "测试用户"


def ensure_account(name: str, role: str, departments=(), regions=(), desk: bool = False) -> None:
    """The account `name` in the store the app under test opens (its owner connection)."""
    from datetime import datetime

    from dashboard.core.access import users
    from dashboard.ui.store import get_store

    con = get_store().con
    account = users.find(con, name)
    if account is None:
        users.add(con, name, role, "test-password-1", datetime.now(), departments=departments, regions=regions,
                  desk=desk)
    elif ((account["role"], account["departments"], account["regions"], bool(account["desk"]))
          != (role, tuple(departments), tuple(regions), desk)):
        raise AssertionError(f"test account {name} exists with another role or scope")


def log_in(at, role: str = "admin", departments=(), regions=(), name: str | None = None, desk: bool = False):
    """Put a session of a `role` account into the AppTest `at` (created in the store at each run)."""
    from datetime import datetime

    from dashboard.core.access.sessions import Session
    from dashboard.ui.auth import SESSION_KEY

    name = name or (f"{TEST_USER}-{role}" + ("-" + "-".join((*departments, *regions)) if departments or regions else "")
                    + ("-编辑" if desk else ""))
    now = datetime.now()
    at.session_state[SESSION_KEY] = Session(user=name, role=role, login_at=now, last_seen=now,
                                            departments=tuple(departments), regions=tuple(regions), desk=desk)
    run = at.run

    def run_as_account(*args, **kwargs):
        ensure_account(name, role, departments, regions, desk=desk)
        return run(*args, **kwargs)
    at.run = run_as_account
    return at
