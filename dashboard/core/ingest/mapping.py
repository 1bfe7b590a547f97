"""Which file column feeds which `items` field, and how source vocabularies map to ours.

Headers are matched after normalising (trim, lower case, no spaces or
underscores, traditional characters folded to simplified), so `留言時間`,
` 留言时间 ` and `Published_At` all find `published_at`. A mapping profile
(`data/mappings/NAME.toml`) adds headers and value vocabularies for one source
system; see docs/data-contract.md.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.core import contract

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

# The canonical fields a file may feed, with the headers real exports use.
# Order matters only for display; the first header in a file that maps to a
# field wins, later ones are kept in `extra` with a note.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "留言编号", "工单编号", "工单号", "信件编号", "item_id"),
    "title": ("title", "标题", "主题", "留言主题", "信件标题", "诉求标题"),
    "content": ("content", "内容", "正文", "详情", "留言详情", "留言内容", "诉求内容", "信件内容", "text"),
    "published_at": ("published_at", "时间", "发布时间", "留言时间", "来电时间", "受理时间", "创建时间", "日期",
                     "time", "date", "datetime", "created_at"),
    "channel": ("channel", "渠道", "来源渠道", "受理渠道"),
    "source": ("source", "来源", "网站", "站点", "site"),
    "category": ("category", "分类", "类别", "一级分类", "一级标签", "问题分类", "诉求类型"),
    "subcategory": ("subcategory", "二级分类", "二级标签", "子类"),
    "region": ("region", "地区", "区域", "县市区", "所属区域", "行政区", "所属地区"),
    "department": ("department", "部门", "承办单位", "责任单位", "承办部门", "办理单位", "责任部门"),
    "department_level": ("department_level", "部门级别", "部门类型", "单位类型"),
    "is_valid": ("is_valid", "是否有效", "有效诉求", "有效性"),
    "replied_at": ("replied_at", "答复时间", "回复时间", "办结时间"),
    "reply_content": ("reply_content", "答复意见", "回复内容", "答复内容", "办理结果"),
    "satisfaction": ("satisfaction", "满意度", "评价", "满意度评价", "回访结果"),
    "sentiment": ("sentiment", "情感", "倾向", "情感倾向", "舆情倾向"),
    "author": ("author", "留言用户", "作者", "网民", "用户", "用户名", "发帖人", "诉求人"),
    "likes": ("likes", "点赞数", "点赞", "赞同数", "支持数"),
    "dislikes": ("dislikes", "反对数", "反对"),
    "url": ("url", "链接", "网址", "原文链接", "link"),
    "kind": ("kind", "信息类型", "信息种类"),
}

INPUT_FIELDS = tuple(FIELD_ALIASES)

# Enough traditional→simplified folding for the headers above; headers are short
# and fixed, so a character table beats a conversion dependency.
_TRAD_TO_SIMP = str.maketrans({
    "編": "编", "號": "号", "標": "标", "題": "题", "內": "内", "詳": "详", "時": "时", "間": "间", "發": "发", "佈": "布", "來": "来", "網": "网",
    "類": "类", "別": "别", "級": "级", "籤": "签", "簽": "签", "區": "区", "縣": "县", "門": "门", "單": "单", "責": "责", "辦": "办", "覆": "复",
    "復": "复", "見": "见", "評": "评", "價": "价", "滿": "满", "傾": "倾", "嚮": "向", "戶": "户", "讚": "赞", "贊": "赞", "數": "数", "對": "对",
    "連": "连", "鏈": "链", "結": "结", "點": "点", "項": "项", "訴": "诉", "電": "电", "話": "话", "無": "无", "資": "资", "訊": "讯", "處": "处",
    "論": "论", "壇": "坛", "關": "关", "於": "于", "態": "态", "說": "说", "條": "条", "業": "业", "務": "务", "從": "从", "屬": "属", "歸": "归",
    "記": "记", "錄": "录", "員": "员", "書": "书", "創": "创", "熱": "热", "線": "线", "郵": "邮", "傳": "传", "聞": "闻", "歡": "欢", "負": "负",
    "積": "积", "極": "极",
})

_HEADER_JUNK = re.compile(r"[\s_\-（）()\[\]【】:：]+")


def normalise_header(header: str) -> str:
    return _HEADER_JUNK.sub("", str(header).translate(_TRAD_TO_SIMP).strip().lower())


_ALIAS_INDEX: dict[str, str] = {
    normalise_header(alias): name for name, aliases in FIELD_ALIASES.items() for alias in aliases
}


class MappingError(Exception):
    """A mapping profile is missing or malformed."""


@dataclass
class Profile:
    """A source system's mapping: extra header aliases, value maps, defaults."""

    name: str
    description: str = ""
    match_headers: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)     # normalised header -> field
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {source value -> ours}
    defaults: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | int | None = None
    id_prefix: str = ""
    department_levels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)     # channel -> 诉求 / 舆情 (overrides the built-in table)
    # Whether the source provides replies / satisfaction; None: it does when the file has such a column.
    tracks_replies: bool | None = None
    tracks_satisfaction: bool | None = None
    path: Path | None = None

    def matches(self, headers: list[str]) -> bool:
        if not self.match_headers:
            return False
        present = {normalise_header(h) for h in headers}
        return all(normalise_header(h) in present for h in self.match_headers)


def load_profile(path: Path) -> Profile:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"映射文件 {path.name} 无法读取：{exc}") from exc
    columns = {}
    for header, target in (raw.get("columns") or {}).items():
        if target not in INPUT_FIELDS and target != "ignore":
            raise MappingError(f"映射文件 {path.name}：列「{header}」指向未知字段 {target}（可用：{', '.join(INPUT_FIELDS)}）")
        columns[normalise_header(header)] = target
    values = {}
    for target, table in (raw.get("values") or {}).items():
        if target not in INPUT_FIELDS:
            raise MappingError(f"映射文件 {path.name}：[values.{target}] 不是已知字段")
        values[target] = {str(k).strip(): v for k, v in table.items()}
    defaults = dict(raw.get("defaults") or {})
    for target in defaults:
        if target not in INPUT_FIELDS:
            raise MappingError(f"映射文件 {path.name}：[defaults] 中的 {target} 不是已知字段")
    options = raw.get("options") or {}
    kinds = {str(k): str(v) for k, v in (raw.get("kinds") or {}).items()}
    for channel, kind in kinds.items():
        if kind not in contract.KINDS:
            raise MappingError(f"映射文件 {path.name}：[kinds] 中渠道「{channel}」的类型「{kind}」无效（可用：诉求、舆情）")
    return Profile(
        name=path.stem,
        description=str(raw.get("description", "")),
        match_headers=tuple((raw.get("match") or {}).get("headers", ())),
        columns=columns,
        values=values,
        defaults=defaults,
        encoding=options.get("encoding"),
        sheet=options.get("sheet"),
        id_prefix=str(options.get("id_prefix", "")),
        department_levels={str(k): str(v) for k, v in (raw.get("department_levels") or {}).items()},
        kinds=kinds,
        tracks_replies=_optional_bool(options, "tracks_replies", path),
        tracks_satisfaction=_optional_bool(options, "tracks_satisfaction", path),
        path=path,
    )


def _optional_bool(options: dict, key: str, path: Path) -> bool | None:
    value = options.get(key)
    if value is not None and not isinstance(value, bool):
        raise MappingError(f"映射文件 {path.name}：[options] {key} 应为 true 或 false")
    return value


def list_profiles(mappings_dir: Path) -> list[Profile]:
    if not mappings_dir.is_dir():
        return []
    return [load_profile(p) for p in sorted(mappings_dir.glob("*.toml"))]


def find_profile(mappings_dir: Path, name: str) -> Profile:
    path = mappings_dir / f"{name.removesuffix('.toml')}.toml"
    if not path.is_file():
        known = ", ".join(p.name for p in list_profiles(mappings_dir)) or "（无）"
        raise MappingError(f"找不到映射文件 {path.name}（已有：{known}）")
    return load_profile(path)


def auto_profile(mappings_dir: Path, headers: list[str]) -> Profile | None:
    """The first profile (by file name) whose [match] headers are all in the file."""
    for profile in list_profiles(mappings_dir):
        if profile.matches(headers):
            return profile
    return None


@dataclass
class ColumnMap:
    """Result of matching a file's headers: field -> column index, plus the rest."""

    fields: dict[str, int]
    extra: dict[str, int]          # header -> column index, kept verbatim in items.extra
    notes: list[str]

    def tracks(self, profile: "Profile | None") -> tuple[bool, bool]:
        """(replies, satisfaction): whether this file's source provides them. A file says something about
        replies only when it has a reply-time or reply column (a file without them is silent, not "no
        reply"); a profile may say otherwise."""
        replies = "replied_at" in self.fields or "reply_content" in self.fields
        satisfaction = "satisfaction" in self.fields
        if profile is not None:
            replies = replies if profile.tracks_replies is None else profile.tracks_replies
            satisfaction = satisfaction if profile.tracks_satisfaction is None else profile.tracks_satisfaction
        return replies, satisfaction

    def describe(self, headers: list[str]) -> str:
        parts = [f"{headers[i]}→{name}" for name, i in self.fields.items()]
        if self.extra:
            parts.append("其他列保存在 extra：" + "、".join(self.extra))
        return "；".join(parts)


def map_columns(headers: list[str], profile: Profile | None = None) -> ColumnMap:
    fields: dict[str, int] = {}
    extra: dict[str, int] = {}
    notes: list[str] = []
    ignored = []
    for index, header in enumerate(headers):
        key = normalise_header(header)
        target = None
        if profile is not None and key in profile.columns:
            target = profile.columns[key]
            if target == "ignore":
                ignored.append(header)
                continue
        target = target or _ALIAS_INDEX.get(key)
        label = header or f"第{index + 1}列"
        if target is None:
            extra[_unique_key(extra, label)] = index
            continue
        if target in fields:
            notes.append(f"列「{label}」也对应字段 {target}，以前面的列「{headers[fields[target]]}」为准，本列保存在 extra")
            extra[_unique_key(extra, label)] = index
            continue
        fields[target] = index
    if ignored:
        notes.append("映射文件要求忽略的列：" + "、".join(ignored))
    return ColumnMap(fields=fields, extra=extra, notes=notes)


def _unique_key(existing: dict[str, int], label: str) -> str:
    key, n = label, 2
    while key in existing:
        key, n = f"{label}_{n}", n + 1
    return key
