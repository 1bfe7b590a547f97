"""The ONE table of what each role may do (docs/security.md prints it). Pages, the query choke point
(ui/store.query, ui/cached.store_cached), exports and the 数据管理 page all ask here.

Roles are plain strings checked here (not in the schema), so a new role — e.g. an informant account
seeing only its own submissions — is one more row of this table."""
from __future__ import annotations

from dataclasses import dataclass

# Pages by their file name in dashboard/app_pages/.
ALL_PAGES = ("overview", "hot", "trends", "categories", "words", "departments", "items", "wall", "admin")


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


ROLES = {
    "leader": Role("leader", "领导", ALL_PAGES[:-1], item_exports=False, reports=False, unmasked_text=False,
                   authors=False, data_admin=False),
    "analyst": Role("analyst", "分析员", ALL_PAGES[:-1], item_exports=True, reports=True, unmasked_text=False,
                    authors=False, data_admin=False),
    "admin": Role("admin", "管理员", ALL_PAGES, item_exports=True, reports=True, unmasked_text=True,
                  authors=True, data_admin=True),
}

# Columns that name a person: dropped from every frame a role without `authors` receives.
AUTHOR_COLUMNS = ("author", "作者")


def role(name: str) -> Role:
    """The role called `name`; an unknown role may do nothing (KeyError is never shown to users)."""
    try:
        return ROLES[name]
    except KeyError:
        raise ValueError(f"未知的角色：{name}（可选：{'、'.join(ROLES)}）") from None


def may_open(role_name: str, page: str) -> bool:
    return role_name in ROLES and page in ROLES[role_name].pages


def without_authors(frame, role_name: str):
    """`frame` without author columns unless the role may see authors."""
    if role_name in ROLES and ROLES[role_name].authors:
        return frame
    present = [c for c in AUTHOR_COLUMNS if c in getattr(frame, "columns", ())]
    return frame.drop(columns=present) if present else frame
