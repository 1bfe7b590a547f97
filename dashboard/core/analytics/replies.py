"""Reply substance (答复质量): is a department's reply an answer, or a form letter?

The seed asks for replies that hit the point and can be acted on, "坚决杜绝用应付式、程序化语言回帖或含糊其辞".
Every request with a reply is judged on the text users are shown (masked), by rules a reader can check
(data/dicts/reply_rules.toml, editable; docs/analytics.md "答复质量"):

ack only     nothing but greeting, 已收悉, forwarding (已转…处理) and thanks: at most `ack_rest_chars`
             characters remain once those phrases are removed.
template     the same text, or the same text with names, ids, numbers and dates changed, sent to at least
             `template_min_items` requests (the blanked text is `template_key`).
relevance    the share of the request's key terms (its 8 most frequent terms) and of the names it gives
             (places, estates, schools, roads) that the reply takes up; below `min_relevance` is off-point.
completeness says what was done or will be done (action), by whom (actor), when (time); a request that
             asks a question (咨询, 请问, …吗？) is answered by information, so it needs no action.
timeliness   days from the request to the reply (over the overdue limit is late; a reason, not a verdict).

substantive = not ack only, not a template, relevance ≥ min_relevance and an action stated (or a question).
Judged once per reply (re-judged when the request or reply changes); the verdicts are made at read time
(queries/schema/views.sql, reply_verdicts) so a changed threshold needs no re-judging.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dashboard.core import store
from dashboard.core.config import Settings
from dashboard.core.filters import Filters

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

RULES_FILE = "reply_rules.toml"
KEY_TERMS = 8                 # the request's most frequent terms that a reply should take up
BLANKS = re.compile(r"[\s\u00a0\u3000\u200b]+")
TEMPLATE_MIN_ITEMS = 3        # the same blanked text on this many requests is a template
MIN_RELEVANCE = 0.1           # below this share of the request's title pairs, terms and names: off-point
ACK_SCAN_CHARS = 400          # longer replies are never "acknowledgement only" (see judge)
SHORT_CHARS = 60              # shown as a reason ("答复过短") when the reply is shorter
JUDGE_BATCH_ROWS = 10_000     # replies judged and saved together
RULES_TEXT = ("判断规则：仅回复“已收悉”“已转相关部门”等而无实质内容的，为仅回复已收悉或已转办；同一文本（只换了姓名、"
              "编号、日期、地名）答复 3 件及以上的，为模板答复；答复未涉及所提问题的主要字词和地点的，为未回应所提问题；"
              "未说明做了或将做什么的（咨询类问题除外），为未说明办理措施。以上任一项即列为需改进；未说明由谁办理、时间和超期答复只列为提示。"
              "规则可在 data/dicts/reply_rules.toml 中修改（docs/analytics.md“答复质量”）。")


JUDGEMENT_SCHEMA = pa.schema([
    ("item_id", pa.string()), ("judged_hash", pa.string()), ("reply_chars", pa.int32()),
    ("template_key", pa.string()), ("ack_only", pa.bool_()), ("is_question", pa.bool_()),
    ("relevance", pa.float64()),
    ("names_found", pa.list_(pa.string())), ("has_action", pa.bool_()), ("has_actor", pa.bool_()),
    ("has_time", pa.bool_()), ("reply_days", pa.float64()), ("judged_at", pa.timestamp("us")),
])


@dataclass(frozen=True)
class Rules:
    ack: re.Pattern
    ack_rest_chars: int
    action: re.Pattern
    actor: re.Pattern
    time: re.Pattern
    question: re.Pattern
    names: re.Pattern
    request_filler: re.Pattern
    blanks: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Judgement:
    reply_chars: int
    template_key: str
    ack_only: bool
    is_question: bool
    relevance: float
    names_found: list[str]
    has_action: bool
    has_actor: bool
    has_time: bool


def _alternation(patterns: list[str]) -> re.Pattern:
    """One regex of the patterns; one that matches nothing at all (an empty alternative such as 'a||b')
    would match every reply, so it is refused with its text."""
    for pattern in patterns:
        if re.fullmatch(pattern, ""):
            raise ValueError(f"{RULES_FILE} 中的规则“{pattern}”能匹配空文本（多了一个“|”？），请修改后重试")
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=4)
def load_rules(dicts_dir: Path) -> Rules:
    data = tomllib.loads((dicts_dir / RULES_FILE).read_text(encoding="utf-8"))
    return Rules(ack=_alternation(data["ack_phrases"]), ack_rest_chars=int(data["ack_rest_chars"]),
                 action=_alternation(data["action_patterns"]), actor=_alternation(data["actor_patterns"]),
                 time=_alternation(data["time_patterns"]),
                 question=_alternation(data["question_patterns"]), names=re.compile("|".join(map(re.escape, data["name_suffixes"]))),
                 request_filler=_alternation(data["request_filler"]),
                 blanks=tuple(re.compile(p) for p in data["template_blanks"]))


def compact(text: str | None) -> str:
    return BLANKS.sub("", text or "")


def template_key(reply: str, rules: Rules) -> str:
    """The reply with ids, numbers, dates, places and units blanked: equal keys = one form letter."""
    for pattern in rules.blanks:
        reply = pattern.sub("○", reply)
    return re.sub("○+", "○", reply)


NAME_CHARS = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{1,12}$")


def request_names(request: str, rules: Rules) -> list[str]:
    """Places, estates, schools, roads named in the request: a name suffix (小区, 路 …) with up to 12
    characters before it (longest first, no repeats). Found suffix first: a pattern with the prefix
    first backtracks at every character and was most of the judging time."""
    found = set()
    for m in rules.names.finditer(request):
        before = NAME_CHARS.search(request, max(0, m.start() - 12), m.start())
        if before:
            found.add(before.group(0) + m.group(0))
    return sorted(found, key=len, reverse=True)[:10]


def relevance(title: str, request: str, reply: str, rules: Rules, terms: list[str]) -> tuple[float, list[str]]:
    """How much of the request the reply takes up, 0..1: the larger of the share of the title's character
    pairs (the title says what is asked; pairs survive the reply's rewording, 砂石场 → 砂石) and the share
    of the request's key terms and names; and the names it takes up."""
    pairs = _pairs(rules.request_filler.sub(" ", title))
    pair_share = sum(p in reply for p in pairs) / len(pairs) if pairs else 0.0
    terms = [t for t in terms if len(t) >= 2][:KEY_TERMS]
    names = request_names(request, rules)
    names_found = [n for n in names if _taken_up(n, reply)]
    cues = len(terms) + len(names)
    if not cues and not pairs:
        return 1.0, names_found      # nothing to take up: relevance cannot be judged against it
    term_share = (sum(term in reply for term in terms) + len(names_found)) / cues if cues else 0.0
    return round(max(pair_share, term_share), 3), names_found


def _pairs(text: str) -> set[str]:
    """Distinct pairs of adjacent Chinese characters."""
    han = re.sub(r"[^\u4e00-\u9fa5]+", " ", text)
    return {w[i:i + 2] for w in han.split() for i in range(len(w) - 1)}


def _taken_up(name: str, reply: str) -> bool:
    """A name counts as taken up when the reply repeats it or its last three characters or more
    ("关于A7县星沙宁华路" is taken up by "…宁华路南路…"): the pattern cannot tell where a name begins."""
    return any(name[-k:] in reply for k in range(3, len(name) + 1))


def judge(title: str, request: str, reply: str, rules: Rules, terms: list[str]) -> Judgement:
    """One reply to one request (both as users are shown them); `terms`: the request's terms, most
    frequent first (the stored item_terms)."""
    title, request, reply = compact(title), compact(f"{title}。{request}"), compact(reply)
    # Form phrases are removed only from replies short enough to be nothing else: in a long one they
    # change no verdict, and the alternation costs most of the judging time there.
    rest = rules.ack.sub("", reply) if len(reply) <= ACK_SCAN_CHARS else reply
    share, names_found = relevance(title, request, rest, rules, terms)
    return Judgement(reply_chars=len(reply), template_key=template_key(reply, rules),
                     ack_only=len(rest) <= rules.ack_rest_chars, is_question=bool(rules.question.search(title)),
                     relevance=share, names_found=names_found,
                     has_action=bool(rules.action.search(rest)), has_actor=bool(rules.actor.search(rest)),
                     has_time=bool(rules.time.search(rest)))


def refresh_judgements(con, settings: Settings | None = None, rejudge: bool = False) -> int:
    """Judge every reply not judged yet or changed since (all of them with `rejudge`); returns how many."""
    settings = settings or Settings()
    store.execute(con, "replies/clear_judgements" if rejudge else "replies/drop_stale")
    rules, count = None, 0
    reader = con.cursor()
    try:   # a batch at a time: a file of a million replies is never held whole in memory
        for batch in store.fetch_batches(reader, "replies/to_judge", JUDGE_BATCH_ROWS):
            rules = rules or load_rules(settings.dicts_dir)
            todo = _with_terms(con, batch.to_pandas())
            count += _save(con, [_row(r, rules) for r in todo.itertuples(index=False)])
    finally:
        reader.close()
    return count


def _with_terms(con, todo: pd.DataFrame) -> pd.DataFrame:
    """The requests with their stored terms, most frequent first (None when a request has none)."""
    terms = store.run_query(con, "replies/request_terms", ids=todo["id"].tolist(),
                            start=todo["published_at"].min().to_pydatetime(),
                            end=todo["published_at"].max().to_pydatetime())
    found = dict(zip(terms["item_id"], terms["terms"]))
    return todo.assign(terms=[found.get(i) for i in todo["id"]])


def _save(con, rows: list[dict]) -> int:
    """Store judgements on a cursor of their own (the reader's result is still open)."""
    cursor = con.cursor()
    try:
        cursor.register("new_judgements", pa.Table.from_pylist(rows, schema=JUDGEMENT_SCHEMA))
        store.execute(cursor, "ingest/save_reply_judgements")
    finally:
        cursor.close()
    return len(rows)


def _row(r, rules: Rules) -> dict:
    terms = [] if r.terms is None else list(r.terms)
    j = judge(r.title or "", r.content or "", r.reply_content, rules, terms)
    days = None if pd.isna(r.reply_days) else float(r.reply_days)
    return {"item_id": r.id, "judged_hash": r.judged_hash, **j.__dict__, "reply_days": days,
            "judged_at": datetime.now().replace(microsecond=0)}


def verdict_params(settings=None) -> dict:
    """The thresholds the verdict macro reads (one place; the CLI, pages and reports pass these)."""
    overdue = getattr(settings, "overdue_days", 15)
    return {"template_min_items": TEMPLATE_MIN_ITEMS, "min_relevance": MIN_RELEVANCE,
            "short_chars": SHORT_CHARS, "overdue_days": overdue}


def judged_replies(con, filters: Filters, settings=None) -> pd.DataFrame:
    """One row per judged reply of the filter's requests: id, department, reply_chars, relevance,
    boilerplate, substantive, reasons (Chinese, '；'-separated) and the inputs behind them."""
    return store.run_query(con, "replies/judged", **filters.params(), **verdict_params(settings))


def department_quality(con, filters: Filters, settings=None) -> pd.DataFrame:
    """Per department: replies judged, substantive, flagged and the share substantive (NULL when none
    judged: unknown, not 0%)."""
    return store.run_query(con, "replies/by_department", **filters.params(), **verdict_params(settings))
