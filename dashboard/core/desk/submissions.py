"""信息员报送: an informant's submission becomes an item (channel 信息员报送, through the ingest rules, so it
is masked, tokenised and searchable like any other item) and a candidate on the desk; who submitted it is
kept only in `submissions` (queries/schema/012_desk.sql), which only desk queries read."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard.core import store
from dashboard.core.access import audit, roles, users
from dashboard.core.access.sessions import Session
from dashboard.core.config import Settings
from dashboard.core.contract import MAX_LENGTH
from dashboard.core.desk import candidates
from dashboard.core.desk.kinds import CHANNEL, CONTENT_KINDS, FROM_SUBMISSION, URGENCIES, DeskError


@dataclass(frozen=True)
class Submission:
    title: str
    text: str
    content_kind: str
    urgency: str = "一般"
    source: str = ""              # where it was seen (a site, a meeting …)
    link: str = ""
    attachment: str = ""          # an attachment's text, pasted or read from a .txt file

    def problems(self) -> list[str]:
        """What stops this submission (Chinese), empty when it can go."""
        found = []
        if not self.title.strip():
            found.append("请填写标题")
        if not (self.text.strip() or self.attachment.strip()):
            found.append("请填写内容（或附上附件文字）")
        if self.content_kind not in CONTENT_KINDS:
            found.append("请选择信息类别")
        if self.urgency not in URGENCIES:
            found.append("请选择紧急程度")
        if len(self.title) > MAX_LENGTH["title"]:
            found.append(f"标题过长（最多 {MAX_LENGTH['title']} 字）")
        if len(self.content()) > MAX_LENGTH["content"]:
            found.append(f"内容与附件合计过长（最多 {MAX_LENGTH['content']} 字）")
        if len(self.link) > MAX_LENGTH["url"] or len(self.source) > MAX_LENGTH["source"]:
            found.append("来源或链接过长")
        return found

    def content(self) -> str:
        attachment = self.attachment.strip()
        return self.text.strip() + (f"\n\n【附件】\n{attachment}" if attachment else "")


def attachment_text(data: bytes, max_bytes: int) -> tuple[str, str | None]:
    """The text of an uploaded .txt attachment (UTF-8, else GB18030) and why it was refused, if it was."""
    if not data:
        return "", None
    if len(data) > max_bytes:
        return "", f"附件超过 {max_bytes // 1000} KB，请只上传文字部分或把要点粘贴到“附件文字”"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).strip(), None
        except UnicodeDecodeError:
            continue
    return "", "附件不是 UTF-8 或 GBK 编码的文本文件，请另存为文本后再上传"


def new_item_id(now: datetime) -> str:
    return f"XXBS-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def submit(con, session: Session, submission: Submission, settings: Settings, now: datetime) -> str:
    """Store `submission` by `session` (an informant) and put it on the desk; returns the new item's id."""
    if session is None or not roles.ROLES[session.role].submits:
        raise DeskError("当前账号不能报送信息")
    if problems := submission.problems():
        raise DeskError("；".join(problems))
    from dashboard.core.ingest.loader import ingest_frame

    item_id = new_item_id(now)
    row = {"id": item_id, "title": submission.title.strip(), "content": submission.content(),
           "published_at": now, "channel": CHANNEL, "source": submission.source.strip() or None,
           "url": submission.link.strip() or None, "kind": "舆情"}
    outcome = ingest_frame(con, pd.DataFrame([row]), settings, f"信息员报送 {item_id}")
    if outcome.loaded_new != 1:
        raise DeskError(f"报送未能保存：{outcome.message or outcome.first_error or outcome.status}。请修改后重试")
    account = users.find(con, session.user) or {}
    store.run_query(con, "submit/add", item_id=item_id, submitter=session.user, unit=account.get("unit"),
                    content_kind=submission.content_kind, urgency=submission.urgency,
                    link=submission.link.strip() or None, now=now)
    candidates.add(con, FROM_SUBMISSION, item_id, [item_id], now, user=session.user,
                   content_kind=submission.content_kind)
    audit.record(con, session, "desk_submit", now=now, detail=item_id)
    return item_id
