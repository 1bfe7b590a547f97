"""The sentiment scorer's answers on a small fixed corpus, pinned to the byte.

The corpus is a small demo (fixed arguments), each item's title + content cut once as
ingest cuts it (``Tokenizer.analyse``, see core/ingest/enrich.py ``analyse``).  Pinned:
the label of every item, its raw score, and what ``explain`` records about it (every
word that counted, with negation, degree and clause factors).  A refactoring of
``core/text/sentiment.py`` must leave the hash as it is.  A deliberate change (the
lexicon in data/dicts/sentiment, the rules, the tokenizer's dictionaries, the demo)
changes it: regenerate the hash and say so in the commit.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime

from dashboard.core.config import PROJECT_ROOT
from dashboard.core.demo.generator import generate_items
from dashboard.core.text.sentiment import _score, get_lexicon, score_tokens, score_value
from dashboard.core.text.tokens import get_tokenizer

DICTS = PROJECT_ROOT / "data" / "dicts"


def _answers() -> tuple[list[str], str]:
    items = generate_items(400, days=60, seed=5, end=datetime(2024, 6, 1, 8, 0))
    tokenizer = get_tokenizer(DICTS)
    lexicon = get_lexicon(DICTS, tokenizer=tokenizer)
    labels, records = [], []
    for title, content in zip(items["title"].tolist(), items["content"].tolist()):
        tokens, _ = tokenizer.analyse(f"{title} {content}" if title and content else (title or content or ""))
        trace: list[dict] = []
        pos, neg, questions = _score(tokens, lexicon.table, trace)
        label = score_tokens(tokens, lexicon)
        labels.append(label)
        records.append([label, repr(score_value(tokens, lexicon)), repr(pos), repr(neg), questions, trace])
    digest = hashlib.sha256(json.dumps(records, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return labels, digest


def test_sentiment_of_a_fixed_corpus_is_pinned():
    labels, digest = _answers()
    assert Counter(labels) == PINNED_COUNTS
    assert digest == PINNED_SHA256


PINNED_COUNTS = Counter({"负面": 348, "中性": 25, "正面": 27})
PINNED_SHA256 = "140e90b9d2e7be622d16d3c2c49f65e73fe89075e06225b30a4b165c9b75fed4"
