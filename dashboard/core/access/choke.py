"""The one choke point every query of a logged-in user passes (ui/store.query and ui/cached.store_cached
call these; so do exports): which queries a role may run, the account's scope put into the filter record,
and the author column dropped for roles without authors. The CLI does not pass here: it keeps full access."""
from __future__ import annotations

from typing import Any

from dashboard.core import store
from dashboard.core.access import roles
from dashboard.core.access.sessions import Session
from dashboard.core.filters import Filters

# Queries only a role with 数据管理 runs: accounts and the audit log, the raw item for 显示原文, the ingest
# manifest and refused rows.
ADMIN_ONLY_QUERIES = ("access/", "admin/ingest_log", "admin/rejected_rows", "admin/row_notes", "admin/items_by_file")


# The desk's queue and figures per informant name who submitted what: editors and administrators only.
DESK_QUERIES = ("desk/",)

# An informant's own submissions: run with the logged-in account as $submitter, whatever the caller passes.
SUBMIT_QUERIES = ("submit/",)


class NotAllowed(PermissionError):
    """A query the session's role may not run (never reached through the pages it can open)."""


def may_run(role_name: str, name: str, desk_right: bool = False) -> bool:
    role = roles.ROLES.get(role_name)
    if role is None:
        return False
    if name.startswith(SUBMIT_QUERIES):
        return role.submits
    if not role.reads_items:
        return False
    if name.startswith(DESK_QUERIES):
        return roles.has_desk(role_name, desk_right)
    return role.data_admin or not name.startswith(ADMIN_ONLY_QUERIES)


def scoped_record(record: dict | None, session: Session | None) -> dict:
    """The filter record restricted to the session's departments and regions (none: no restriction)."""
    scoped = dict(record) if record is not None else Filters().record()
    scoped["scope_departments"] = list(session.departments) if session and session.departments else None
    scoped["scope_regions"] = list(session.regions) if session and session.regions else None
    return scoped


def scoped_filters(filters: Filters, session: Session | None) -> Filters:
    return filters.scoped(session.departments if session else None, session.regions if session else None)


def params_for(session: Session | None, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `session` runs query `name` with (refused when its role may not run it)."""
    if session is None or not may_run(session.role, name, session.desk):
        raise NotAllowed(f"当前账号无权运行查询 {name}")
    if name.startswith(SUBMIT_QUERIES):
        return {**params, "submitter": session.user}
    if "filters" in store.query_params(name):
        return {**params, "filters": scoped_record(params.get("filters"), session)}
    return dict(params)


def shown(value: Any, session: Session | None) -> Any:
    """A query's result as `session` may receive it: no author column unless its role sees authors."""
    if hasattr(value, "columns"):
        return roles.without_authors(value, session.role if session else "")
    return value


def run_as(con, session: Session, name: str, **params: Any):
    """Run query `name` as `session` may (what the pages' cached query does, uncached)."""
    return shown(store.run_query(con, name, **params_for(session, name, params)), session)


def export_items(con, session: Session, params: dict[str, Any], kind: str, now) -> bytes:
    """Every item matching `params` as `session` may export them (CSV or XLSX): masked, scoped, no author
    column for roles without authors, ending with a 导出人 … 导出时间 … row; writes one audit row with the
    file's sha256. Refused for roles without item exports."""
    from dashboard.core.access import audit
    from dashboard.core.display.tables import export_table
    from dashboard.core.reports.exports import csv_bytes, with_footer, xlsx_bytes

    if session is None or not roles.ROLES[session.role].item_exports:
        raise NotAllowed("当前账号不能导出条目")
    bound = params_for(session, "items/export", {**params, "limit": None})
    frame = shown(export_table(store.run_query(con, "items/export", **bound)), session)
    signed = with_footer(frame, audit.exporter_line(session, now))
    data = xlsx_bytes(signed) if kind == "xlsx" else csv_bytes(signed)
    audit.record(con, session, "export", now=now, query="items/export", parameters=bound, row_count=len(frame),
                 file_bytes=data, detail=kind)
    return data
