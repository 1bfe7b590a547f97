"""The numbered 《重要舆情摘报》: an editor assembles a draft (草稿) from the desk's candidates and sends it for
approval (待审); a leader signs it (已签发: only now it gets its number 第 N 期 of the year, never reused, and
its final DOCX, kept as issued) or returns it with a comment (退回: the editor revises and sends it again).
Every change is a row in desk_issue_events (who, when, from, to, comment) and in the audit log."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.core import store
from dashboard.core.access import audit, roles
from dashboard.core.access.sessions import Session
from dashboard.core.config import DeskSettings
from dashboard.core.desk.kinds import CONTENT_KINDS, DRAFT, PENDING, RETURNED, SIGNED, WAITING, DeskError

# Who may move an issue from one state to the next.
EDITOR_MOVES = {(DRAFT, PENDING), (RETURNED, PENDING)}
SIGNER_MOVES = {(PENDING, SIGNED), (PENDING, RETURNED)}


def _editor(session: Session | None) -> None:
    if session is None or not session.editor:
        raise DeskError("只有编辑（有编辑台权限的分析员）和管理员可以编排摘报")


def _signer(session: Session | None) -> None:
    if session is None or not roles.ROLES[session.role].signs:
        raise DeskError("只有领导可以签发或退回摘报")


def find(con, issue_id: int) -> dict:
    found = store.run_query(con, "issues/find", id=int(issue_id))
    if found.empty:
        raise DeskError(f"没有编号为 {issue_id} 的摘报")
    return found.iloc[0].to_dict()


def entries(con, issue_id: int) -> pd.DataFrame:
    return store.run_query(con, "issues/entries", issue=int(issue_id))


def history(con, issue_id: int) -> pd.DataFrame:
    return store.run_query(con, "issues/events", issue=int(issue_id))


def _event(cursor, issue_id: int, session: Session, before: str | None, after: str, comment: str | None,
           now: datetime) -> None:
    store.execute(cursor, "desk/issue_event_add", issue=int(issue_id), now=now, user=session.user,
                  from_state=before, to_state=after, comment=comment)


def create(con, session: Session, candidate_ids: list[int], now: datetime, title: str | None = None,
           recipients: list[str] | None = None) -> int:
    """A new draft holding `candidate_ids` (each waiting on the desk); returns its id."""
    _editor(session)
    _check_waiting(con, candidate_ids)
    settings = DeskSettings()
    with store.transaction(con) as cursor:
        issue_id = int(store.fetch(cursor, "desk/issue_create", title=title or settings.issue_title,
                                   recipients=list(recipients or settings.recipients), user=session.user,
                                   now=now).iat[0, 0])
        store.execute(cursor, "desk/candidate_assign", ids=[int(c) for c in candidate_ids], issue=issue_id, now=now)
        _event(cursor, issue_id, session, None, DRAFT, None, now)
    audit.record(con, session, "desk_issue_create", now=now, detail=str(issue_id), row_count=len(candidate_ids))
    return issue_id


def _check_waiting(con, candidate_ids: list[int]) -> None:
    if not candidate_ids:
        raise DeskError("请至少选择一条候选信息")
    queue = store.run_query(con, "desk/candidates", states=[WAITING])
    missing = sorted(set(int(c) for c in candidate_ids) - set(queue["id"].astype(int)))
    if missing:
        raise DeskError(f"候选 {'、'.join(map(str, missing))} 不在待选状态（可能已编入其他摘报、已搁置或已合并）")


def _editable(con, issue_id: int) -> dict:
    issue = find(con, issue_id)
    if issue["state"] not in (DRAFT, RETURNED):
        raise DeskError(f"摘报处于「{issue['state']}」状态，不能修改（待审的请等领导签发或退回）")
    return issue


def add_entries(con, session: Session, issue_id: int, candidate_ids: list[int], now: datetime) -> None:
    _editor(session)
    _editable(con, issue_id)
    _check_waiting(con, candidate_ids)
    store.run_query(con, "desk/candidate_assign", ids=[int(c) for c in candidate_ids], issue=int(issue_id), now=now)
    audit.record(con, session, "desk_issue_add", now=now, detail=str(issue_id), row_count=len(candidate_ids))


def remove_entry(con, session: Session, issue_id: int, candidate_id: int, now: datetime) -> None:
    """Take one entry out of an unsigned issue (back to 待选)."""
    _editor(session)
    _editable(con, issue_id)
    if int(candidate_id) not in set(entries(con, issue_id)["id"].astype(int)):
        raise DeskError(f"候选 {candidate_id} 不在这期摘报中")
    store.run_query(con, "desk/candidate_set_state", id=int(candidate_id), state=WAITING, reason=None, now=now)
    audit.record(con, session, "desk_issue_remove", now=now, detail=f"{issue_id}：{candidate_id}")


def edit(con, session: Session, issue_id: int, title: str, recipients: list[str], now: datetime) -> None:
    _editor(session)
    _editable(con, issue_id)
    recipients = [r.strip() for r in recipients if r.strip()]
    if not title.strip() or not recipients:
        raise DeskError("刊名和报送单位都不能为空")
    store.run_query(con, "desk/issue_edit", id=int(issue_id), title=title.strip(), recipients=recipients, now=now)


def _unfinished(frame: pd.DataFrame) -> list[str]:
    """Entries not ready to go (no kind, no wording), as Chinese lines."""
    return [f"候选 {int(row.id)}《{row.headline}》" for row in frame.itertuples()
            if row.content_kind not in CONTENT_KINDS or not str(row.wording or "").strip()]


def _move(con, session: Session, issue_id: int, after: str, now: datetime, comment: str | None = None) -> None:
    issue = find(con, issue_id)
    before = issue["state"]
    allowed = EDITOR_MOVES if after == PENDING else SIGNER_MOVES
    if (before, after) not in allowed:
        raise DeskError(f"摘报处于「{before}」状态，不能改为「{after}」")
    with store.transaction(con) as cursor:
        store.execute(cursor, "desk/issue_set_state", id=int(issue_id), state=after, now=now)
        _event(cursor, issue_id, session, before, after, comment, now)
    audit.record(con, session, f"desk_issue_{'submit' if after == PENDING else 'return'}", now=now,
                 detail=f"{issue_id}" + (f"：{comment}" if comment else ""))


def send_for_approval(con, session: Session, issue_id: int, now: datetime) -> None:
    """草稿 or 退回 → 待审, once every entry has a kind and a wording."""
    _editor(session)
    listed = entries(con, issue_id)
    if listed.empty:
        raise DeskError("这期摘报还没有任何条目")
    if unfinished := _unfinished(listed):
        raise DeskError("以下条目还没有选定类别或编发文字：" + "；".join(unfinished))
    _move(con, session, issue_id, PENDING, now)


def return_issue(con, session: Session, issue_id: int, comment: str, now: datetime) -> None:
    """A leader returns an issue awaiting approval, saying why (the editor sees the comment)."""
    _signer(session)
    if not comment.strip():
        raise DeskError("退回时请写明意见，编辑据此修改")
    _move(con, session, issue_id, RETURNED, now, comment.strip())


def sign(con, session: Session, issue_id: int, now: datetime, comment: str | None = None) -> int:
    """A leader signs an issue awaiting approval: in one transaction it takes the year's next number
    (never reused), its DOCX as issued is built and kept, and the change is recorded. Returns the number."""
    from dashboard.core.reports.desk_issue import issue_report

    _signer(session)
    issue = find(con, issue_id)
    if issue["state"] != PENDING:
        raise DeskError(f"只有待审的摘报可以签发（这期是「{issue['state']}」）")
    with store.transaction(con) as cursor:
        number = int(store.fetch(cursor, "desk/number_next", year=now.year).iat[0, 0])
        report = issue_report({**issue, "state": SIGNED, "year": now.year, "number": number,
                               "signed_by": session.user, "signed_at": now},
                              store.fetch(cursor, "issues/entries", issue=int(issue_id)))
        docx = report.docx_bytes()
        signed = store.fetch(cursor, "desk/issue_sign", id=int(issue_id), year=now.year, number=number,
                             user=session.user, now=now, docx=docx)
        if signed.empty:
            raise DeskError("这期摘报刚被其他人处理过，请刷新后再看")
        _event(cursor, issue_id, session, PENDING, SIGNED, (comment or "").strip() or None, now)
    audit.record(con, session, "desk_issue_sign", now=now, detail=f"{issue_id}：{now.year}年第{number}期",
                 file_bytes=docx)
    return number


def issued_docx(con, issue_id: int) -> bytes:
    """The DOCX of a signed issue exactly as it was issued."""
    issue = find(con, issue_id)
    if issue["state"] != SIGNED or issue["docx"] is None:
        raise DeskError("只有已签发的摘报有正式文本")
    return bytes(issue["docx"])


def draft_report(con, issue_id: int):
    """The issue as it would read now (a preview: unnumbered until signed)."""
    from dashboard.core.reports.desk_issue import issue_report

    return issue_report(find(con, issue_id), entries(con, issue_id))

