"""The ONE table of what each role may do (docs/security.md prints it). Pages, the query choke point
(ui/store.query, ui/cached.store_cached), exports and the 数据管理 page all ask here.

Roles are plain strings checked here (not in the schema), so a new role is one more row of this table.
The editorial desk (docs/workflow.md) adds one role and one right: an informant (信息员) only submits and
sees its own submissions; an editor is an analyst whose account has the desk right (users.desk), which
opens the 编辑台 and shows who submitted what. Administrators have every right; only leaders sign issues."""
from __future__ import annotations

from dataclasses import dataclass

# Pages by their file name in dashboard/app_pages/.
ALL_PAGES = ("overview", "hot", "trends", "categories", "words", "departments", "items", "wall", "submit", "desk",
             "issues", "records", "admin")

DASHBOARD_PAGES = ALL_PAGES[:8]

DESK_PAGES = ("desk",)    # opened by the desk right (an editor), or by an administrator


@dataclass(frozen=True)
class Role:
    name: str
    label: str
    pages: tuple[str, ...]        # url paths of the pages it may open
    item_exports: bool            # CSV/XLSX of items (always masked, without author)
    reports: bool                 # 摘报 / 通报 / 专报 downloads
    unmasked_text: bool           # "显示原文" (recorded in the audit log)
    authors: bool                 # the (masked) author column
    data_admin: bool              # 数据管理: upload, quarantine, ingest log, users, audit log
    reads_items: bool = True      # the dashboard's pages and queries (an informant: only its own submissions)
    submits: bool = False         # 信息报送: submits items, sees its own submissions
    may_have_desk: bool = False   # an account of this role can be given the desk right (editor)
    signs: bool = False           # approves (签发) or returns the 《重要舆情摘报》


ROLES = {      # least to most rights (single sign-on picks the last of several granted roles)
    "informant": Role("informant", "信息员", ("submit",), item_exports=False, reports=False, unmasked_text=False,
                      authors=False, data_admin=False, reads_items=False, submits=True),
    "leader": Role("leader", "领导", DASHBOARD_PAGES + ("issues", "records"), item_exports=False, reports=False,
                   unmasked_text=False, authors=False, data_admin=False, signs=True),
    "analyst": Role("analyst", "分析员", DASHBOARD_PAGES + ("issues", "records"), item_exports=True, reports=True,
                    unmasked_text=False, authors=False, data_admin=False, may_have_desk=True),
    "admin": Role("admin", "管理员", tuple(p for p in ALL_PAGES if p != "submit"), item_exports=True, reports=True,
                  unmasked_text=True, authors=True, data_admin=True, may_have_desk=True),
}

# Columns that name a person: dropped from every frame a role without `authors` receives.
AUTHOR_COLUMNS = ("author", "作者")


def role(name: str) -> Role:
    """The role called `name`; an unknown role may do nothing (KeyError is never shown to users)."""
    try:
        return ROLES[name]
    except KeyError:
        raise ValueError(f"未知的角色：{name}（可选：{'、'.join(ROLES)}）") from None


def has_desk(role_name: str, desk_right: bool) -> bool:
    """Whether an account works the desk: an administrator always, an analyst with the desk right."""
    role_ = ROLES.get(role_name)
    return role_ is not None and (role_.data_admin or (role_.may_have_desk and bool(desk_right)))


def may_open(role_name: str, page: str, desk_right: bool = False) -> bool:
    if role_name not in ROLES:
        return False
    if page in DESK_PAGES:
        return has_desk(role_name, desk_right)
    return page in ROLES[role_name].pages


def without_authors(frame, role_name: str):
    """`frame` without author columns unless the role may see authors."""
    if role_name in ROLES and ROLES[role_name].authors:
        return frame
    present = [c for c in AUTHOR_COLUMNS if c in getattr(frame, "columns", ())]
    return frame.drop(columns=present) if present else frame
