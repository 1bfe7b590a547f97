"""Watch words in context: whether a watch word found in an item really reports what it names.

An item matched by a watch word (queries/alerts/watchword_items.sql: its terms or its text contain the
word) raises the word's alert only when at least one occurrence of the word in its title or content is
*live*. An occurrence is not live when

- it lies inside an exception phrase ([短语]: 爆炸式增长, 信息爆炸, 火灾隐患排查 …);
- its clause (the text since the last ，。！？；…) has a denial cue ([否定]: 没有, 未发生, 不是 …) or a
  comparison cue ([比喻]: 像, 就像, 如同 …) at most ``CUE_DISTANCE`` characters before it: "没有发生爆炸",
  "噪音就像一个巨大的爆炸场声响";
- it is inside a quoted name: 「…」, “…” or "…" of at most ``NAME_CHARS`` characters that ends with a name
  suffix ([名称后缀]: 小区, 花园, 路, 店 …), or any 《…》 title.

The lists are data (data/dicts/watchword_exceptions.txt), edited by administrators and read at every
alert run. An item whose text does not contain the word at all (only its stored terms do) fires: a
watch list errs on the side of seeing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.core.text.tokens import default_dicts_dir

__all__ = ["EXCEPTIONS_FILE", "Context", "load_context", "fires"]

EXCEPTIONS_FILE = "watchword_exceptions.txt"
CUE_DISTANCE = 8
NAME_CHARS = 15
_CLAUSE_END = "，。！？；,!?;\n\r…"
_QUOTES = {"「": "」", "“": "”", "\"": "\"", "『": "』", "《": "》"}
_SECTIONS = {"短语": "phrases", "否定": "denials", "比喻": "comparisons", "名称后缀": "name_suffixes"}


@dataclass(frozen=True)
class Context:
    phrases: tuple[str, ...] = ()
    denials: tuple[str, ...] = ()
    comparisons: tuple[str, ...] = ()
    name_suffixes: tuple[str, ...] = ()


def load_context(dicts_dir: str | Path | None = None) -> Context:
    """data/dicts/watchword_exceptions.txt as a Context (an empty one when the file is missing)."""
    path = Path(dicts_dir or default_dicts_dir()) / EXCEPTIONS_FILE
    if not path.is_file():
        return Context()
    lists: dict[str, list[str]] = {name: [] for name in _SECTIONS.values()}
    section = None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        heading = re.fullmatch(r"\[(.+)\]", line)
        if heading:
            section = _SECTIONS.get(heading.group(1).strip())
        elif section:
            lists[section].append(line)
    return Context(**{name: tuple(values) for name, values in lists.items()})


def fires(text: str, word: str, context: Context) -> bool | None:
    """True when some occurrence of `word` in `text` is live, False when every one is excused, None when
    `text` does not contain the word."""
    starts = [m.start() for m in re.finditer(re.escape(word), text, flags=re.IGNORECASE)]
    if not starts:
        return None
    return any(_live(text, start, len(word), context) for start in starts)


def _live(text: str, start: int, length: int, context: Context) -> bool:
    return not (_in_phrase(text, start, length, context.phrases)
                or _after_cue(text, start, context.denials + context.comparisons)
                or _in_quoted_name(text, start, length, context.name_suffixes))


def _in_phrase(text: str, start: int, length: int, phrases: tuple[str, ...]) -> bool:
    for phrase in phrases:
        for m in re.finditer(re.escape(phrase), text):
            if m.start() <= start and start + length <= m.end():
                return True
    return False


def _after_cue(text: str, start: int, cues: tuple[str, ...]) -> bool:
    clause_start = max(text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
    before = text[max(clause_start, start - CUE_DISTANCE):start]
    return any(cue in before for cue in cues)


def _in_quoted_name(text: str, start: int, length: int, suffixes: tuple[str, ...]) -> bool:
    for opening, closing in _QUOTES.items():
        left = text.rfind(opening, max(0, start - NAME_CHARS), start)
        if left < 0:
            continue
        right = text.find(closing, start + length, left + 1 + NAME_CHARS + 1)
        if right < 0 or right - left - 1 > NAME_CHARS:
            continue
        inner = text[left + 1:right]
        if opening == "《" or inner.endswith(tuple(suffixes)):
            return True
    return False
