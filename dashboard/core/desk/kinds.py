"""The desk's vocabularies and its one error type."""
from __future__ import annotations

# The five kinds of content the seed names as worth reporting, and 社情民意 (public sentiment) beside them.
CONTENT_KINDS = ("重要会议和讲话反响", "重大政策和部署反响", "重大突发事件", "热点难点和新情况新问题", "不稳定因素",
                 "社情民意")
PUBLIC_SENTIMENT = "社情民意"

URGENCIES = ("一般", "紧急", "特急")

CHANNEL = "信息员报送"          # the channel of an informant's submission (an item of kind 舆情)

# Where a candidate came from (desk_candidates.origin).
FROM_SUBMISSION, FROM_ALERT, FROM_TOPIC, FROM_ITEM = "信息员报送", "预警", "热点话题", "明细"

# Candidate states and issue states (docs/workflow.md draws them).
WAITING, SELECTED, SET_ASIDE, MERGED = "待选", "入选", "搁置", "已合并"
DRAFT, PENDING, SIGNED, RETURNED = "草稿", "待审", "已签发", "退回"


class DeskError(ValueError):
    """A refused desk action, with a Chinese reason the page shows as it is."""
