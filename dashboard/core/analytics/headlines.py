"""A topic's label as a person would write it: a short headline from the topic's own titles.

`headline(titles, terms)`: ``titles`` are the topic's titles, most central first (the representative
first); ``terms`` its key terms, heaviest first.

1. Each title is cleaned of what every message says (关于…, 反映, 咨询, 投诉, 请求, …的问题, 情况, a
   trailing number (再次反映2), quotes, brackets, 《》 kept as text) and cut into clauses at punctuation.
2. The clause of the first title that holds the heaviest key terms, when it has at most ``MAX_CHARS``
   characters: titles are often headlines already ("物业擅自把小区绿地改成停车位").
3. Else the phrase the titles share, the longest substring (4 to ``MAX_CHARS`` characters) of the first
   title that at least half of the titles (and at least two) contain, followed by the key terms that half
   the titles share, in the first title's order: "丽发新城" + "搅拌站" + "扰民" from "丽发新城小区附近
   搅拌站噪音扰民", "投诉丽发新城搅拌站扰民", ….
4. Else that clause shortened to ``MAX_CHARS`` around its key terms; with no title, the first three key
   terms joined with "、".

No model: deterministic, and what it shows is always words of the topic's own titles.
"""
from __future__ import annotations

import re

__all__ = ["headline", "MAX_CHARS", "MIN_CHARS"]

MAX_CHARS = 14
MIN_CHARS = 4
_PREFIX = re.compile(r"^(?:关于|有关|对于|反映|举报|投诉|咨询|请求|请问|建议|求助|恳请|强烈要求|要求|希望|紧急|急|网友|市民"
                     r"|相关部门|有关部门|部门|领导|政府|关注|重视|管管)+")
_SUFFIX = re.compile(r"(?:[0-9０-９]+|的问题|问题|的投诉|的建议|的咨询|的情况|情况|的反映|一事|事宜|的请求|的求助|怎么办|何时解决|谁来管|吗|呢)+$")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]{0,20}[）)】\]]")
_CLAUSE = re.compile(r"[，,。．.！!？?；;：:、\s“”\"‘’'「」『』…—~～]+")
_STOP_EDGE = "的了和与及在对把被让从向"
_STOP_END = "后时中"            # "火灾后", "出台后": the event, not when


def _clauses(title: str) -> list[str]:
    text = _BRACKETS.sub("", title or "").replace("《", "").replace("》", "")
    parts = []
    for part in _CLAUSE.split(text):
        part = _SUFFIX.sub("", _PREFIX.sub("", part.strip()))
        part = part.strip(_STOP_EDGE).rstrip(_STOP_END)
        if part:
            parts.append(part)
    return parts


def _shared_phrase(clauses: list[str], titles: list[str], terms: list[str]) -> str | None:
    needed = max(2, (len(titles) + 1) // 2)
    if len(titles) < 2:
        return None
    best, best_key = None, None
    for clause in clauses:
        for size in range(min(MAX_CHARS, len(clause)), MIN_CHARS - 1, -1):
            for start in range(len(clause) - size + 1):
                phrase = clause[start:start + size].strip(_STOP_EDGE)
                if len(phrase) < MIN_CHARS:
                    continue
                count = sum(phrase in t for t in titles)
                if count < needed:
                    continue
                rank = min((k for k, term in enumerate(terms) if term in phrase), default=len(terms))
                key = (len(phrase), -rank, count)
                if best_key is None or key > best_key:
                    best, best_key = phrase, key
    return best


def _shortened(clauses: list[str], terms: list[str]) -> str | None:
    if not clauses:
        return None
    def weight(clause: str) -> tuple:
        return (sum(len(terms) - k for k, term in enumerate(terms) if term in clause), -clauses.index(clause))
    clause = max(clauses, key=weight)
    if len(clause) <= MAX_CHARS:
        return clause
    hits = sorted((clause.find(term), clause.find(term) + len(term), len(terms) - k)
                  for k, term in enumerate(terms) if term in clause)
    if not hits:
        return clause[:MAX_CHARS]
    # the window of at most MAX_CHARS holding the most key terms (then the heaviest, then the earliest)
    def inside(start: int) -> list[tuple]:
        return [h for h in hits if h[0] >= start and h[1] <= start + MAX_CHARS]
    start = max((h[0] for h in hits), key=lambda x: (len(inside(x)), sum(h[2] for h in inside(x)), -x))
    end = max(max(h[1] for h in inside(start)), min(len(clause), start + MIN_CHARS))
    return clause[start:end].strip(_STOP_EDGE) or clause[:MAX_CHARS]


def _composed(phrase: str, clause: str, cleaned: list[str], terms: list[str]) -> str:
    """The shared phrase, then the key terms most titles share, in the order the first title has them."""
    needed = max(2, (len(cleaned) + 1) // 2)
    after = clause[clause.find(phrase) + len(phrase):] if phrase in clause else clause
    extra = [t for t in terms if t not in phrase and t in after and sum(t in c for c in cleaned) >= needed]
    label = phrase
    for term in sorted(extra, key=after.find):
        if len(label) + len(term) <= MAX_CHARS + 2:
            label += term
    return label


def headline(titles: list[str], terms: list[str]) -> str:
    """The topic's headline (see the module notes)."""
    titles = [t for t in titles if isinstance(t, str) and t.strip()]
    if not titles:
        return "、".join(terms[:3])
    cleaned = ["".join(_clauses(t)) for t in titles]
    clauses = _clauses(titles[0])
    best = _shortened(clauses, terms) if clauses else None
    if best and best in clauses and len(best) <= MAX_CHARS:
        return best                       # the first title's own clause is short enough: it is the headline
    phrase = _shared_phrase(clauses, cleaned, terms)
    if phrase:
        source = max(clauses, key=lambda c: phrase in c)
        return _composed(phrase, source, cleaned, terms)
    return best if best and len(best) >= 2 else "、".join(terms[:3])
