"""The `items` contract in one place: field labels, closed vocabularies and their aliases.

docs/data-contract.md describes the same contract for people; tests check that
every vocabulary here is listed there.
"""
from __future__ import annotations

# Chinese labels for the fields users see in reasons, reports and pages.
FIELD_LABELS = {
    "id": "编号", "title": "标题", "content": "内容", "published_at": "发布时间", "channel": "渠道",
    "source": "来源", "category": "分类", "subcategory": "二级分类", "region": "地区", "department": "部门",
    "department_level": "部门级别", "is_valid": "是否有效", "replied_at": "答复时间", "reply_content": "答复意见",
    "satisfaction": "满意度", "sentiment": "情感倾向", "author": "作者", "likes": "点赞数", "dislikes": "反对数",
    "url": "链接", "kind": "信息类型",
}

TEXT_FIELDS = ("title", "content", "channel", "source", "category", "subcategory", "region", "department",
               "reply_content", "author", "url")

# Longest value accepted per field (characters); longer values are rejected, not cut.
MAX_LENGTH = {
    "id": 128, "title": 500, "content": 50_000, "channel": 20, "source": 100, "category": 50,
    "subcategory": 50, "region": 50, "department": 100, "reply_content": 50_000, "author": 100,
    "url": 2_000,
}

CHANNELS = ("留言板", "热线", "网站", "论坛", "微博", "贴吧", "新闻", "微信", "电话", "传真", "邮件", "座谈会", "其他")
SATISFACTION = ("满意", "基本满意", "不满意")
SENTIMENTS = ("正面", "中性", "负面")
DEPARTMENT_LEVELS = ("市直", "县市区", "其他")
# 诉求: a request a department must answer (留言板, 12345 热线, 来信 …); 舆情: web opinion, watched only.
# Without a kind column an item's kind comes from its channel (item_kind() in queries/schema/functions.sql).
KINDS = ("诉求", "舆情")
REQUEST, OPINION = KINDS

# Channel is an open vocabulary: known aliases fold into CHANNELS, any other
# short name is kept as written (a new source system may bring 抖音, 头条 …).
CHANNEL_ALIASES = {
    "领导留言板": "留言板", "网络问政": "留言板", "市长信箱": "留言板", "书记信箱": "留言板", "留言": "留言板",
    "12345": "热线", "12345热线": "热线", "市长热线": "热线", "政务热线": "热线", "便民热线": "热线",
    "网页": "网站", "门户网站": "网站", "政府网站": "网站", "web": "网站", "website": "网站",
    "bbs": "论坛", "forum": "论坛", "社区论坛": "论坛",
    "weibo": "微博", "新浪微博": "微博",
    "百度贴吧": "贴吧", "tieba": "贴吧",
    "新闻网站": "新闻", "news": "新闻", "媒体": "新闻", "报纸": "新闻",
    "wechat": "微信", "微信公众号": "微信", "公众号": "微信",
    "来电": "电话", "phone": "电话", "tel": "电话",
    "fax": "传真",
    "电子邮件": "邮件", "email": "邮件", "e-mail": "邮件", "邮箱": "邮件",
    "座谈": "座谈会",
}

SATISFACTION_ALIASES = {
    "非常满意": "满意", "很满意": "满意", "满意": "满意", "satisfied": "满意",
    "基本满意": "基本满意", "比较满意": "基本满意", "一般": "基本满意", "partly satisfied": "基本满意",
    "不满意": "不满意", "很不满意": "不满意", "非常不满意": "不满意", "dissatisfied": "不满意",
    "unsatisfied": "不满意",
}
# Values that mean "no rating yet"; they become empty, not a rejection.
SATISFACTION_EMPTY = {"未评价", "未回访", "无", "暂无", "-", "—", "/", "n/a", "na", "none"}

SENTIMENT_ALIASES = {
    "正面": "正面", "积极": "正面", "positive": "正面", "pos": "正面",
    "中性": "中性", "中立": "中性", "neutral": "中性", "neu": "中性",
    "负面": "负面", "消极": "负面", "negative": "负面", "neg": "负面",
}

KIND_ALIASES = {
    "诉求": "诉求", "诉求件": "诉求", "工单": "诉求", "request": "诉求", "requests": "诉求",
    "舆情": "舆情", "网络舆情": "舆情", "网帖": "舆情", "opinion": "舆情", "web": "舆情",
}

VALID_ALIASES = {
    "是": True, "有效": True, "有效诉求": True, "true": True, "t": True, "yes": True, "y": True, "1": True,
    "否": False, "无效": False, "无效诉求": False, "false": False, "f": False, "no": False, "n": False, "0": False,
}

DEPARTMENT_LEVEL_ALIASES = {
    "市直": "市直", "市直部门": "市直", "市直单位": "市直", "市级": "市直", "市级部门": "市直", "municipal": "市直",
    "县市区": "县市区", "各县市区": "县市区", "县区": "县市区", "区县": "县市区", "县市区政府": "县市区",
    "县级": "县市区", "county": "县市区", "district": "县市区",
    "其他": "其他", "其它": "其他", "other": "其他",
}
