"""Sentiment of an item: 正面 / 中性 / 负面, scored offline from its tokens.

Method (a hand-written lexicon with negation, degree and clause rules; no model)
--------------------------------------------------------------------------------
The text is cut once by the shared tokenizer (``dashboard.core.text.tokens``); ingest
keeps those tokens (``Tokenizer.analyse``) and calls :func:`score_tokens`, so
scoring adds one pass over a list of strings: one dict lookup per token, work
only on the few that are in the lexicon (~10 µs for a review, ~20 µs for a
240-character message on one core).

Lexicon files live in ``<dicts>/sentiment/`` (see ``data/dicts/README.md``):

``positive.txt`` / ``negative.txt``  ``word [weight]`` (default 1; 0 = shadow only)
``negation.txt``   ``word [weight]``: negates the next word (不 没有 未 无法 …); the
                   weight is what it counts as a negative word when it negates nothing
``degree.txt``     ``word multiplier`` (非常 2, 很 1.5, 有点 0.6 …)
``unmet.txt``      ``word [weight]``: neutral alone, negative when negated
                   (解决 → 未解决, 回复 → 没有回复, 管理 → 无人管理)
``contrast.txt``   contrast words (但是 不过 可是 …): what came before counts half
``wish.txt``       wish / request words (希望 建议 为了 …): positive words after
                   them, to the end of the sentence, count 0.2×
``question.txt``   consultation markers (请问 咨询 能否 是否 …)

An entry may be several tokens long (``霸王条款``, ``没有想象中的好``): it is cut
with the tokenizer when the lexicon loads and matched as a sequence (also whole,
and a two-character word the segmenter does not know also as two characters).
Words the segmenter's dictionary keeps whole although they are a negation or
degree word + a listed word (比较满意, 不实用) are scored as if cut.

Scoring, token by token, clause by clause (a clause ends at ，、：… ; a sentence
at 。；！？ or a line break):

* a sentiment word adds ``±weight``;
* a negation word directly before it (only transparent tokens — 是 的 很 那么
  任何 … — and degree words may stand between) turns a positive word negative
  (``不 热情`` → −1.5) and a negative word mildly positive (``不 贵`` → +0.5);
  two negations cancel; an "unmet" word counts only when negated
  (``至今 没有 解决`` → −1.5);
* a degree word before it multiplies the weight (``非常 满意`` → +3); after a
  negation it softens instead (``不是 很 满意`` → −0.75); ``好`` is a degree word
  before another sentiment word (``好 伤心``), a positive word otherwise;
* a clause ending in ！ counts 1.3×, one ending in ？ 0.7×;
* a contrast word halves everything before it (``虽然贵，但是很好用`` → +);
* after a wish word, positive words count 0.2× to the end of the sentence
  (``希望尽快处理，让生活更美好`` is not praise); negative words count in full;
* thanks for a fixed problem (``困扰多年的噪音问题解决了，非常感谢``) is 正面 whatever the problem
  words weigh, unless the text also says something was not fixed (:func:`thanks_for_a_fix`).

Label: ``score = positive − negative``; 正面 if ``score >= bar``, 负面 if
``score <= −bar``, else 中性, where ``bar = 0.3`` plus 0.5 for each consultation
marker (at most +1.0): weak or balanced evidence, and consultations without a
clear complaint or thanks, give 中性.  (A ？ alone does not raise the bar: in
complaints it is mostly rhetorical, 怎么还没到？)

:func:`explain` returns every step for one text, so an analyst can see why.
Measured by ``bench/sentiment_eval.py``.
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Iterable, Iterator

from dashboard.core.text.tokens import (
    Tokenizer,
    default_dicts_dir,
    files_signature,
    get_tokenizer,
)
from dashboard.core.text.tokens import dictionary_lines as _lines

__all__ = [
    "POSITIVE", "NEUTRAL", "NEGATIVE", "LABELS",
    "Lexicon", "get_lexicon", "clear_lexicon_cache",
    "score_tokens", "score_value", "score_text", "score_texts", "explain", "label_stream",
    "LEXICON_FILES", "SENTIMENT_SUBDIR",
]

log = logging.getLogger(__name__)

POSITIVE, NEUTRAL, NEGATIVE = "正面", "中性", "负面"
LABELS = (POSITIVE, NEUTRAL, NEGATIVE)

SENTIMENT_SUBDIR = "sentiment"
LEXICON_FILES = ("positive.txt", "negative.txt", "negation.txt", "degree.txt", "unmet.txt",
                 "contrast.txt", "question.txt", "wish.txt")

# Tunable constants (documented in the module docstring and data/dicts/README.md).
WINDOW = 1              # negation / degree reach: this many tokens ahead, same clause
                        # (transparent tokens and degree words in between do not count)
NEGATED_NEGATIVE = 0.5  # 不贵 / 没问题: a negated negative word counts +0.5 × its weight
SOFTENED = 0.5          # 不是很好: degree after a negation softens to 0.5 ×
EXCLAIM = 1.3           # clause ending in ！
QUESTION = 0.7          # clause ending in ？
CONTRAST = 0.5          # what came before 但是 / 不过 …
WISH = 0.2              # a positive word after 希望 / 建议 / 为了 … (same clause) is a wish, not praise
BAR = 0.3               # |score| needed for a polar label …
BAR_PER_QUESTION = 0.5  # … plus this per question marker …
BAR_QUESTION_MAX = 1.0  # … up to this much

# Kinds of lexicon entries.
_SENT, _NEG, _DEG, _UNMET, _CONTRAST, _QUEST, _SKIP, _DUAL, _WISH, _BREAK, _STOP, _EXCL, _QMARK = range(13)
_KIND_NAMES = {_SENT: "sentiment", _NEG: "negation", _DEG: "degree", _UNMET: "unmet",
               _CONTRAST: "contrast", _QUEST: "question", _DUAL: "sentiment"}

# Clause breaks: the tokenizer returns punctuation as one-character tokens.
# Sentence ends (_STOPS, ！, ？) also end a wish (希望……，让……更好。).
_BREAKS = "，,：:…、~～—|/（）()【】[]「」『』《》“”\"'‘’"
_STOPS = "。.；;\n\r\t"
_EXCLAIMS = "！!"
_QMARKS = "？?"
_HAN_RE = re.compile("[\u4e00-\u9fd5]+")
# Transparent tokens: between a negation / degree word and its sentiment word
# they do not use up the window (不 是 那么 好, 没有 任何 问题, 不 够 好).
TRANSPARENT = ("是", "的", "得", "地", "都", "也", "够", "会", "能", "再", "算", "就", "还", "又",
               "那么", "这么", "怎么", "任何", "什么", "那样", "这样", "一点", "一点儿", "有",
               "得到", "进行", "予以", "给予", "给", "被", "来", "去", "人")


# --------------------------------------------------------------------------- #
# Lexicon files
# --------------------------------------------------------------------------- #

def _parse_weighted(data: bytes | None, default: float, name: str,
                    allow_zero: bool = False) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in _lines(data):
        parts = line.split()
        word, value = parts[0], default
        if len(parts) > 1:
            try:
                value = float(parts[1])
                if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
                    raise ValueError
            except ValueError:
                log.warning("%s: bad weight %r for %r, using %s", name, parts[1], word, default)
                value = default
        out[word] = value  # a later line wins
    return out


def _parse_words(data: bytes | None) -> list[str]:
    return [word for line in _lines(data) for word in line.split()]


@dataclass(frozen=True)
class _Entry:
    kind: int
    value: float = 0.0
    word: str = ""
    degree: float = 1.0  # _DUAL: the multiplier when the next token is a sentiment word
    # Longer entries starting with this token, by their second token:
    # {second: ((tokens after the second, entry), …)}, longest first.
    phrases: dict | None = None


@dataclass
class Lexicon:
    """The sentiment lexicon of one dictionary folder, compiled for one tokenizer."""

    directory: Path
    positive: dict[str, float] = field(default_factory=dict)
    negative: dict[str, float] = field(default_factory=dict)
    negation: dict[str, float] = field(default_factory=dict)
    degree: dict[str, float] = field(default_factory=dict)
    unmet: dict[str, float] = field(default_factory=dict)
    contrast: frozenset[str] = frozenset()
    question: frozenset[str] = frozenset()
    wish: frozenset[str] = frozenset()
    table: dict[str, _Entry] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, directory: str | Path, tokenizer: Tokenizer | None = None) -> "Lexicon":
        d = Path(directory)
        raw: dict[str, bytes | None] = {}
        for name in LEXICON_FILES:
            try:
                raw[name] = (d / name).read_bytes()
            except FileNotFoundError:
                log.warning("sentiment lexicon file %s is missing; using none", d / name)
                raw[name] = None
        lex = cls(
            directory=d,
            positive=_parse_weighted(raw["positive.txt"], 1.0, "positive.txt", allow_zero=True),
            negative=_parse_weighted(raw["negative.txt"], 1.0, "negative.txt", allow_zero=True),
            negation=_parse_weighted(raw["negation.txt"], 0.0, "negation.txt", allow_zero=True),
            degree=_parse_weighted(raw["degree.txt"], 1.0, "degree.txt"),
            unmet=_parse_weighted(raw["unmet.txt"], 1.0, "unmet.txt"),
            contrast=frozenset(_parse_words(raw["contrast.txt"])),
            question=frozenset(_parse_words(raw["question.txt"])),
            wish=frozenset(_parse_words(raw["wish.txt"])),
        )
        lex._compile(tokenizer)
        return lex

    def _compile(self, tokenizer: Tokenizer | None) -> None:
        """One table token -> entry; multi-token entries become phrases hung on their first token."""
        entries = self._entries()
        self._add_compounds(entries, tokenizer)
        table, phrases = _tokenised(entries, tokenizer)
        _add_punctuation(table)
        _attach_phrases(table, phrases)
        self.table = table

    def _entries(self) -> dict[str, _Entry]:
        """Every lexicon word as an entry.  Precedence when a word is in two files:
        negation, contrast, degree, question, wish, unmet, negative, positive (later
        in this list loses)."""
        entries: dict[str, _Entry] = {}

        def put(word: str, entry: _Entry) -> None:
            entries.setdefault(word, entry)

        for w, v in self.negation.items():
            put(w, _Entry(_NEG, -v, w))
        for w in self.contrast:
            put(w, _Entry(_CONTRAST, 0.0, w))
        for w, v in self.degree.items():
            if w in self.positive or w in self.negative:
                # 好: a degree word before a sentiment word (好 伤心), else a sentiment word (质量 好)
                sv = self.positive.get(w, 0.0) - self.negative.get(w, 0.0)
                put(w, _Entry(_DUAL, sv, w, v))
            else:
                put(w, _Entry(_DEG, v, w))
        for w in self.question:
            put(w, _Entry(_QUEST, 0.0, w))
        for w in self.wish:
            put(w, _Entry(_WISH, 0.0, w))
        for w, v in self.unmet.items():
            put(w, _Entry(_UNMET, -v, w))
        for w, v in self.negative.items():
            put(w, _Entry(_SENT, -v, w))
        for w, v in self.positive.items():
            put(w, _Entry(_SENT, v, w))
        return entries

    def _add_compounds(self, entries: dict[str, _Entry], tokenizer: Tokenizer | None) -> None:
        """Words the segmenter keeps whole although they are a negation or degree
        word + a sentiment word (比较满意, 十分满意, 不实用): score them as if they
        had been cut (比较 × 满意).  Only compounds in the segmenter's dictionary
        are added; entries listed in the files win."""
        backend = getattr(tokenizer, "_backend", None)
        has_word = getattr(backend, "has_word", None)
        if has_word is None:
            return
        sentiment = [(w, e) for w, e in entries.items() if e.kind in (_SENT, _UNMET) and e.value and len(w) <= 3]
        modifiers = [(w, e) for w, e in entries.items() if e.kind in (_NEG, _DEG) and len(w) <= 2]
        added: dict[str, _Entry] = {}
        for m, me in modifiers:
            for w, we in sentiment:
                word = m + w
                if word in entries or word in added or not has_word(word):
                    continue
                v = we.value
                if me.kind == _NEG:
                    if we.kind == _SENT:
                        v = -v if v > 0 else -v * NEGATED_NEGATIVE
                    added[word] = _Entry(_SENT, v, word)
                elif we.kind == _SENT:
                    # remember the degree: 不是 很好 softens like 不是 很 好
                    added[word] = _Entry(_SENT, v * me.value, word, me.value)
                # degree + unmet word: nothing
        entries.update(added)

    def sizes(self) -> dict[str, int]:
        return {"positive": len(self.positive), "negative": len(self.negative),
                "negation": len(self.negation), "degree": len(self.degree), "unmet": len(self.unmet),
                "contrast": len(self.contrast), "question": len(self.question),
                "wish": len(self.wish)}


# --------------------------------------------------------------------------- #
# Cache: one lexicon per dictionary folder (and tokenizer), rebuilt when a file changes
# --------------------------------------------------------------------------- #

_RECHECK_SECONDS = 1.0
_cache_lock = threading.Lock()
# (lexicon folder, tokenizer backend, tokenizer fingerprint) -> (lexicon, file signature, checked at)
_cache: dict[tuple[str, str, str], tuple[Lexicon, tuple, float]] = {}


def _dicts_dir(dicts_dir: str | Path | None) -> Path:
    return (Path(dicts_dir).expanduser() if dicts_dir is not None else default_dicts_dir()).resolve()


def get_lexicon(dicts_dir: str | Path | None = None, tokenizer: Tokenizer | None = None) -> Lexicon:
    """The lexicon in ``<dicts_dir>/sentiment`` (default ``data/dicts``; with only a
    ``tokenizer``, its folder), compiled for that tokenizer (default: the shared
    one for the folder), which cuts multi-word entries.

    Thread-safe and cached per folder and tokenizer; reloaded when a lexicon
    file changes (checked at most once a second) or the tokenizer's
    dictionaries change.
    """
    if dicts_dir is None and tokenizer is not None:
        base = tokenizer.dicts_dir
    else:
        base = _dicts_dir(dicts_dir)
    tok = tokenizer if tokenizer is not None else get_tokenizer(base)
    d = base / SENTIMENT_SUBDIR
    key = (str(d), tok.backend, tok.fingerprint)
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[2] < _RECHECK_SECONDS:
        return hit[0]
    with _cache_lock:
        hit = _cache.get(key)
        sig = files_signature(d, LEXICON_FILES)
        if hit is not None and hit[1] == sig:
            _cache[key] = (hit[0], sig, time.monotonic())
            return hit[0]
        if hit is not None:
            log.info("sentiment lexicon in %s changed; reloading", d)
        lex = Lexicon.load(d, tok)
        _cache[key] = (lex, sig, time.monotonic())
        return lex


def clear_lexicon_cache() -> None:
    """Forget all cached lexicons (tests; or to force a reload)."""
    with _cache_lock:
        _cache.clear()


# --------------------------------------------------------------------------- #
# Scoring
# --------------------------------------------------------------------------- #

def _score(tokens: list[str], table: dict[str, _Entry], trace: list | None = None) -> tuple[float, float, int]:
    """(positive, negative, question markers) for a token list.

    The hot path of ingest: one dict lookup per token, work only on hits.
    With ``trace`` (a list), every decision is appended to it (for explain()).
    """
    # Why this stays one function of ~150 lines (issue 12 allows it where it says why): it is
    # a state machine over the locals below, which every branch reads and writes, run once per
    # lexicon hit (about 54 hits in a demo item, 72 in a real citizen message).  In CPython a
    # call per hit costs more than the 5% of scoring time this path may lose.  Measured over
    # 120,410 pre-tokenised texts (best of 7, idle machine): an empty call per hit made scoring
    # 6% slower, a sentiment word's weighting as a function 5%, closing a clause 5%, and each
    # would have to pass and return several of these locals; keeping them on an object instead
    # adds an attribute lookup to every step.  So only what runs rarely (a phrase match, ~0.6 per
    # item) or only for explain() (trace records) is a function; the branches follow the rules
    # of the module docstring in their order.
    get = table.get
    total_pos = total_neg = 0.0      # closed clauses
    c_pos = c_neg = 0.0              # current clause
    questions = 0
    neg_until = deg_until = -1       # token index up to which a negation / degree applies
    neg_parity = 0
    neg_at = deg_at = -1
    pending = 0.0                    # own weight (<= 0) of an open negation that negated nothing
    pending_word = ""
    deg = 1.0
    wish = False                     # inside a clause after 希望 / 建议 …
    skip_to = 0
    n = len(tokens)
    entries = list(map(get, tokens))
    # only tokens in the table do anything; compress() walks to them at C speed
    for i, e in compress(enumerate(entries), entries):
        if i < skip_to:
            continue
        if e.phrases is not None and i + 1 < n:
            cands = e.phrases.get(tokens[i + 1])
            if cands is not None:
                match = _longest_phrase(cands, tokens, i)
                if match is not None:
                    e, skip_to = match
        kind = e.kind
        if kind < 0:  # only the start of longer entries, none of which matched
            continue
        if kind == _SKIP:  # transparent (不 是 那么 好): stretches an open negation or degree
            if i <= neg_until:
                neg_until += 1
            if i <= deg_until:
                deg_until += 1
            continue
        if kind == _BREAK and not (pending or c_pos or c_neg):  # the common case: a bare comma
            neg_until = deg_until = -1
            neg_parity = 0
            continue
        if kind == _DUAL:  # 好: a degree word before a sentiment word (好 伤心), else a sentiment word
            nxt = entries[i + 1] if i + 1 < n else None
            if nxt is not None and (nxt.kind == _SENT or nxt.kind == _DUAL):
                deg = e.degree
                deg_until = i + WINDOW
                deg_at = i
                if i <= neg_until:
                    neg_until += 1
                continue
            kind = _SENT
        if kind == _SENT or kind == _UNMET:
            if not e.value:  # a zero-weight entry only shadows shorter words (说好的 …)
                continue
            negated = i <= neg_until and neg_parity
            if kind == _UNMET and not negated:
                if trace is not None:
                    trace.append({"word": e.word, "kind": "unmet", "negated": False, "weight": 0.0})
                continue
            if pending and not negated:  # the open negation expired before this word
                c_neg -= pending
                if trace is not None:
                    trace.append(_unused_negation(pending_word, pending))
            pending = 0.0
            w = e.value
            degree = 1.0
            if i <= deg_until:
                degree = SOFTENED if (negated and neg_at < deg_at) else deg
            if negated and kind == _SENT:
                if e.degree != 1.0:  # a degree compound (很好): negated, it softens (不是 很好)
                    w = w / e.degree
                    degree = SOFTENED
                w = -w if w > 0 else -w * NEGATED_NEGATIVE
            w *= degree
            if wish and w > 0:
                w *= WISH
            if w > 0:
                c_pos += w
            else:
                c_neg -= w
            if trace is not None:
                trace.append({"word": e.word, "kind": _KIND_NAMES[kind], "base": e.value,
                              "negated": bool(negated), "degree": degree, "weight": round(w, 3)})
            neg_until = deg_until = -1
            neg_parity = 0
        elif kind == _NEG:
            if i <= neg_until:  # two negations cancel (不是不好)
                neg_parity ^= 1
            else:
                if pending:
                    c_neg -= pending
                    if trace is not None:
                        trace.append(_unused_negation(pending_word, pending))
                neg_parity = 1
            pending, pending_word = e.value, e.word
            neg_until = i + WINDOW
            neg_at = i
        elif kind == _DEG:
            deg = e.value
            deg_until = i + WINDOW
            deg_at = i
            if i <= neg_until:
                neg_until += 1
        elif kind >= _BREAK or kind == _CONTRAST:  # a clause ends: weigh it, modifiers end with it
            if pending:
                c_neg -= pending
                if trace is not None:
                    trace.append(_unused_negation(pending_word, pending))
                pending = 0.0
            neg_until = deg_until = -1
            neg_parity = 0
            if kind != _BREAK:
                wish = False
            if kind == _CONTRAST:
                total_pos = (total_pos + c_pos) * CONTRAST
                total_neg = (total_neg + c_neg) * CONTRAST
                c_pos = c_neg = 0.0
                if trace is not None:
                    trace.append({"word": e.word, "kind": "contrast", "factor": CONTRAST})
                continue
            factor = EXCLAIM if kind == _EXCL else QUESTION if kind == _QMARK else 1.0
            if kind == _QMARK:
                questions += 1
            if c_pos or c_neg:
                total_pos += c_pos * factor
                total_neg += c_neg * factor
                if trace is not None and factor != 1.0:
                    trace.append({"word": e.word, "kind": "clause", "factor": factor})
                c_pos = c_neg = 0.0
        elif kind == _WISH:
            wish = True
            if trace is not None:
                trace.append({"word": e.word, "kind": "wish", "factor": WISH})
        elif kind == _QUEST:
            questions += 1
            if trace is not None:
                trace.append({"word": e.word, "kind": "question"})
    if pending:
        c_neg -= pending
        if trace is not None:
            trace.append(_unused_negation(pending_word, pending))
    return total_pos + c_pos, total_neg + c_neg, questions


def _longest_phrase(cands: tuple, tokens: list[str], i: int) -> tuple[_Entry, int] | None:
    """The first of ``cands`` (longest first) that the tokens after ``tokens[i + 1]`` continue:
    its entry and the index just after it; None if none does."""
    for rest, entry in cands:
        k = len(rest)
        if not k or tuple(tokens[i + 2:i + 2 + k]) == rest:
            return entry, i + 2 + k
    return None


def _unused_negation(word: str, weight: float) -> dict:
    """The trace record of a negation that negated nothing and counts as a negative word."""
    return {"word": word, "kind": "negation", "negated": False, "weight": weight}


# Thanks for a fixed problem (谢谢…困扰多年的噪音问题解决了，非常感谢): the problem words describe what
# was fixed, so the message is thanks, not a complaint. A fix is a fix word after 已 / 已经 / 得到, or
# followed by 了 / 完毕 / 好了; a negated fix (没有 解决) is not one.
THANKS = frozenset({"感谢", "谢谢", "非常感谢", "衷心感谢", "感激", "致谢", "点赞"})
FIX_WORDS = frozenset({"解决", "处理", "修复", "修好", "整改", "落实", "处理完毕", "解决完毕", "办好"})
_FIX_BEFORE = frozenset({"已", "已经", "得到", "得以", "终于", "都"})
_FIX_AFTER = frozenset({"了", "完毕", "好", "好了"})
_NOT_FIXED = frozenset({"没有", "没", "未", "未能", "尚未", "还没", "还没有", "不", "没能", "无法", "难以"})


def thanks_for_a_fix(tokens: list[str]) -> bool:
    """True when the text thanks someone and says a problem was fixed (and never says it was not)."""
    if not THANKS.intersection(tokens):
        return False
    fixed = False
    for i, token in enumerate(tokens):
        if token not in FIX_WORDS:
            continue
        before = tokens[i - 1] if i else ""
        if before in _NOT_FIXED or (i > 1 and tokens[i - 2] in _NOT_FIXED):
            return False
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        fixed = fixed or before in _FIX_BEFORE or after in _FIX_AFTER or token.endswith("完毕") or token == "修好"
    return fixed


def _label(pos: float, neg: float, questions: int, tokens: list[str] | None = None) -> tuple[str, float, float]:
    score = pos - neg
    if tokens and score < BAR and thanks_for_a_fix(tokens):
        return POSITIVE, score, BAR
    bar = BAR + min(questions * BAR_PER_QUESTION, BAR_QUESTION_MAX)
    if score >= bar:
        return POSITIVE, score, bar
    if score <= -bar:
        return NEGATIVE, score, bar
    return NEUTRAL, score, bar


def score_value(tokens: list[str], lexicon: Lexicon | None = None) -> float:
    """The raw score (positive − negative) of a token list."""
    pos, neg, _ = _score(tokens, (lexicon or get_lexicon()).table)
    return pos - neg


def score_tokens(tokens: list[str], lexicon: Lexicon | None = None) -> str:
    """正面 / 中性 / 负面 for a token list (``Tokenizer.tokens`` / ``analyse``)."""
    if not tokens:
        return NEUTRAL
    pos, neg, q = _score(tokens, (lexicon or get_lexicon()).table)
    return _label(pos, neg, q, tokens)[0]


def _resolve(tokenizer: Tokenizer | None) -> tuple[Tokenizer, Lexicon]:
    tok = tokenizer if tokenizer is not None else get_tokenizer()
    return tok, get_lexicon(tok.dicts_dir, tok)


def score_text(text: str | None, tokenizer: Tokenizer | None = None) -> str:
    """正面 / 中性 / 负面 for one text (empty → 中性)."""
    if not text or not text.strip():
        return NEUTRAL
    tok, lex = _resolve(tokenizer)
    return score_tokens(tok.tokens(text), lex)


def score_texts(texts: Iterable[str | None], tokenizer: Tokenizer | None = None) -> list[str]:
    """:func:`score_text` for many texts (the tokenizer and lexicon are looked up once)."""
    tok, lex = _resolve(tokenizer)
    out = []
    for text in texts:
        out.append(score_tokens(tok.tokens(text), lex) if text and text.strip() else NEUTRAL)
    return out


def explain(text: str | None, tokenizer: Tokenizer | None = None) -> dict:
    """Why a text got its label: the tokens, every word that counted (with the
    negation / degree applied and its weight), clause factors, question markers,
    the totals, the bar and the label."""
    tok, lex = _resolve(tokenizer)
    tokens = tok.tokens(text) if text and text.strip() else []
    trace: list[dict] = []
    pos, neg, q = _score(tokens, lex.table, trace)
    label, score, bar = _label(pos, neg, q, tokens) if tokens else (NEUTRAL, 0.0, BAR)
    return {
        "label": label,
        "score": round(score, 3),
        "positive": round(pos, 3),
        "negative": round(neg, 3),
        "questions": q,
        "bar": bar,
        "hits": trace,
        "tokens": tokens,
        "lexicon": str(lex.directory),
    }


def label_stream(lines: Iterable[str], tokenizer: Tokenizer | None = None) -> Iterator[str]:
    """One label per input line (for ``python -m dashboard sentiment``); a blank line → 中性."""
    tok, lex = _resolve(tokenizer)
    for line in lines:
        text = line.rstrip("\r\n")
        yield score_tokens(tok.tokens(text), lex) if text.strip() else NEUTRAL


def _tokenised(entries: dict[str, _Entry], tokenizer: Tokenizer | None
               ) -> tuple[dict[str, _Entry], dict[str, list[tuple[tuple[str, ...], _Entry]]]]:
    """Entries as the segmenter cuts them: one token → the table; several → a phrase on the first token."""
    has_word = getattr(getattr(tokenizer, "_backend", None), "has_word", None)
    table: dict[str, _Entry] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], _Entry]]] = {}
    for word, entry in entries.items():
        toks = tokenizer.tokens(word) if tokenizer is not None else [word]
        if len(toks) <= 1:
            table[toks[0] if toks else word] = entry
        else:
            phrases.setdefault(toks[0], []).append((tuple(toks[1:]), entry))
            # in running text the segmenter may keep the word whole (太差)
            table.setdefault(word, entry)
        # In running text the segmenter may cut a two-character word it does
        # not know into single characters (很给力 -> 很 / 给 / 力): match that too.
        if (len(word) == 2 and _HAN_RE.fullmatch(word) and list(word) != toks
                and not (has_word is not None and has_word(word))):
            phrases.setdefault(word[0], []).append((tuple(word[1:]), entry))
    return table, phrases


def _add_punctuation(table: dict[str, _Entry]) -> None:
    """Transparent words and punctuation; a lexicon word keeps its meaning except for ! and ?."""
    for w in TRANSPARENT:
        table.setdefault(w, _Entry(_SKIP, 0.0, w))
    for ch in _BREAKS:
        table.setdefault(ch, _Entry(_BREAK, 0.0, ch))
    for ch in _STOPS:
        table.setdefault(ch, _Entry(_STOP, 0.0, ch))
    for ch in _EXCLAIMS:
        table[ch] = _Entry(_EXCL, 0.0, ch)
    for ch in _QMARKS:
        table[ch] = _Entry(_QMARK, 0.0, ch)


def _attach_phrases(table: dict[str, _Entry], phrases: dict[str, list[tuple[tuple[str, ...], _Entry]]]) -> None:
    """Each first token gets an index second token → (rest, entry), the longest rest first."""
    for first, plist in phrases.items():
        by_second: dict[str, list] = {}
        for rest, entry in plist:
            seq = by_second.setdefault(rest[0], [])
            if all(r != rest[1:] for r, _ in seq):
                seq.append((rest[1:], entry))
        index = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in by_second.items()}
        base = table.get(first)
        if base is None:
            base = _Entry(-1, 0.0, first)  # only a phrase start
        table[first] = _Entry(base.kind, base.value, base.word, base.degree, index)
