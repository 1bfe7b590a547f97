"""The desk's candidates (编辑台): informants' submissions, alerts, hot topics and items picked on 明细 or
热点 (加入摘报). The editor sets each one's kind, writes the 编者按 and the wording that goes into the issue,
merges related ones, or sets one aside with a reason. Every change names who and when (audit log)."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.core import store
from dashboard.core.access import audit
from dashboard.core.access.sessions import Session
from dashboard.core.desk.kinds import (CONTENT_KINDS, MERGED, PENDING, SELECTED, SET_ASIDE, SIGNED, WAITING,
                                       DeskError)
from dashboard.core.filters import Filters

WORDING_CHARS = 400     # a new candidate's wording starts as the first item's text, cut here


def _editor(session: Session | None) -> None:
    if session is None or not session.editor:
        raise DeskError("只有编辑（有编辑台权限的分析员）和管理员可以处理候选信息")


def _first_text(con, item_ids: list[str]) -> tuple[str, str]:
    """(title, text) of the first of `item_ids` as people see it (masked)."""
    records = store.run_query(con, "items/detail", filters=Filters().record(), item_ids=list(item_ids[:1]))
    if records.empty:
        return "", ""
    row = records.iloc[0]
    text = str(row.get("content") or "")
    return str(row.get("title") or ""), text[:WORDING_CHARS] + ("……" if len(text) > WORDING_CHARS else "")


def add(con, origin: str, source_key: str, item_ids: list[str], now: datetime, *, user: str,
        headline: str | None = None, wording: str | None = None, content_kind: str | None = None) -> int | None:
    """Put a candidate on the desk (None: one from the same source is there already). Headline and
    wording default to the first item's masked title and text."""
    title, text = _first_text(con, item_ids) if item_ids else ("", "")
    added = store.run_query(con, "desk/candidate_add", origin=origin, source_key=source_key,
                            headline=(headline or title or source_key)[:500], item_ids=list(item_ids),
                            content_kind=content_kind, wording=wording if wording is not None else text,
                            user=user, now=now)
    return None if added.empty else int(added.iat[0, 0])


def pick(con, session: Session, origin: str, source_key: str, item_ids: list[str], now: datetime,
         headline: str | None = None, wording: str | None = None) -> int | None:
    """加入摘报 from a page: an editor adds an item, an alert or a topic to the desk."""
    _editor(session)
    if not item_ids:
        raise DeskError("没有可加入的条目")
    new = add(con, origin, source_key, item_ids, now, user=session.user, headline=headline, wording=wording)
    if new is not None:
        audit.record(con, session, "desk_pick", now=now, detail=f"{origin}：{source_key}", row_count=len(item_ids))
    return new


def find(con, candidate_id: int) -> dict:
    found = store.run_query(con, "desk/candidate_find", id=candidate_id)
    if found.empty:
        raise DeskError(f"没有编号为 {candidate_id} 的候选信息")
    return found.iloc[0].to_dict()


def _open(con, candidate_id: int) -> dict:
    """The candidate, refused once it is merged, in an issue awaiting approval (the leader reads what will
    go out) or in a signed one (what was issued stays as issued)."""
    candidate = find(con, candidate_id)
    if candidate["state"] == MERGED:
        raise DeskError(f"候选 {candidate_id} 已并入候选 {int(candidate['merged_into'])}，请处理合并后的那一条")
    issue_state = _issue_state(con, candidate["issue_id"]) if candidate["state"] == SELECTED else None
    if issue_state == SIGNED:
        raise DeskError(f"候选 {candidate_id} 所在的摘报已签发，不能再修改")
    if issue_state == PENDING:
        raise DeskError(f"候选 {candidate_id} 所在的摘报正等领导审签，不能修改（退回后再改）")
    return candidate


def _issue_state(con, issue_id) -> str | None:
    if issue_id is None or pd.isna(issue_id):
        return None
    found = store.run_query(con, "issues/find", id=int(issue_id))
    return None if found.empty else found.at[0, "state"]


def edit(con, session: Session, candidate_id: int, now: datetime, *, content_kind: str, headline: str,
         editor_note: str, wording: str) -> None:
    _editor(session)
    _open(con, candidate_id)
    if content_kind not in CONTENT_KINDS:
        raise DeskError("请选择信息类别（五类重要舆情或社情民意）")
    if not headline.strip() or not wording.strip():
        raise DeskError("标题和编发文字都不能为空")
    store.run_query(con, "desk/candidate_edit", id=candidate_id, content_kind=content_kind,
                    headline=headline.strip()[:500], editor_note=editor_note.strip() or None,
                    wording=wording.strip(), now=now)
    audit.record(con, session, "desk_edit", now=now, detail=str(candidate_id))


def set_aside(con, session: Session, candidate_id: int, reason: str, now: datetime) -> None:
    _editor(session)
    _open(con, candidate_id)
    if not reason.strip():
        raise DeskError("搁置时请写明原因（信息员会看到）")
    store.run_query(con, "desk/candidate_set_state", id=candidate_id, state=SET_ASIDE, reason=reason.strip(), now=now)
    audit.record(con, session, "desk_set_aside", now=now, detail=f"{candidate_id}：{reason.strip()}")


def restore(con, session: Session, candidate_id: int, now: datetime) -> None:
    """A candidate set aside (or taken out of an unsigned issue) back to 待选."""
    _editor(session)
    _open(con, candidate_id)
    store.run_query(con, "desk/candidate_set_state", id=candidate_id, state=WAITING, reason=None, now=now)
    audit.record(con, session, "desk_restore", now=now, detail=str(candidate_id))


def merge(con, session: Session, target_id: int, others: list[int], now: datetime) -> None:
    """Merge `others` into `target_id`: the target carries their items; they point at it (so an informant's
    merged submission is adopted when the target is)."""
    _editor(session)
    others = [int(o) for o in others if int(o) != int(target_id)]
    if not others:
        raise DeskError("请至少选择一条要并入的其他候选")
    for candidate_id in (target_id, *others):
        _open(con, candidate_id)
    with store.transaction(con) as cursor:
        store.execute(cursor, "desk/candidate_absorb", target=int(target_id), ids=others, now=now)
        store.execute(cursor, "desk/candidate_mark_merged", target=int(target_id), ids=others, now=now)
    audit.record(con, session, "desk_merge", now=now, detail=f"{'、'.join(map(str, others))} → {target_id}")


def queue(con, states: list[str] | None = None) -> pd.DataFrame:
    """The desk's queue (names submitters: call only for an editor; the pages go through the choke point)."""
    return store.run_query(con, "desk/candidates", states=states)


def from_machine_draft(con, session: Session, day, now: datetime, settings=None, dicts_dir=None,
                       topic_cap: int = 5, item_cap: int = 200) -> int:
    """Start from the machine draft (the automatic 《舆情摘报》 of monitoring day `day`): its alerts and its
    hottest topics become candidates (each once). Returns how many were added."""
    from dashboard.core.analytics import alerts, topics
    from dashboard.core.config import AnalyticsSettings
    from dashboard.core.filters import day_period
    from dashboard.core.reports.digest import topic_paragraph

    _editor(session)
    settings = settings or AnalyticsSettings()
    listed = alerts.day_alerts(con, day, settings, dicts_dir=dicts_dir, now=now)
    added = 0
    for alert in listed.warnings:
        ids = [str(i) for i in alert.items(con)["id"].head(item_cap)]
        if ids:
            added += add(con, "预警", alert.key, ids, now, user=session.user, wording=alert.message,
                         headline=f"【{alert.kind_label}】{alert.value}") is not None
    for topic in topics.hot_topics(con, Filters(period=day_period(day, settings.day_start_hour)), limit=200)[:topic_cap]:
        added += add(con, "热点话题", topic.topic_id, list(topic.item_ids[:item_cap]), now,
                     user=session.user, headline=topic.label, wording=topic_paragraph(topic)) is not None
    audit.record(con, session, "desk_machine_draft", now=now, detail=day.isoformat(), row_count=added)
    return added
