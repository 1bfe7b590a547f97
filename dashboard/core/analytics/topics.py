"""Hot topics (events) and repeat complaints, from the terms stored at ingest.

No model and no tokenising here: every item is represented by its most
distinctive stored terms, and items that say the same thing are linked.

How items are grouped into topics
---------------------------------
1. ``queries/topics/item_terms.sql`` weighs every stored term of every item in
   the filter, TF-IDF style *within the filter*:
   ``(1 + ln n) * ln((N + 1) / df)^2 * (3 if the term is in the title)``.
   Terms of a single item (they cannot link anything) and ubiquitous terms (in
   more than 5% of the items and more than 50) are left out.  Rare names of
   estates, roads, schools and cases weigh most, as they should.
2. Each item keeps its ``ITEM_TERMS`` (16) strongest terms as a unit vector.
3. Similar pairs come from an inverted index: the items of each term, in time
   order, are paired with the next ``NEIGHBOURS`` (64) items of that term that
   are at most ``window_days`` later; the products of the two weights, summed
   per pair, are the pair's cosine.  (Exact, unless a term is shared by more
   than 64 items within the window around the pair; such common terms weigh
   little, so the cosine is then slightly underestimated.)  At most
   ``PAIR_BUDGET`` (2 million) term-pairs are formed, so a flood of template
   texts cannot make a request slow; beyond it the nearest neighbours count.
4. A pair is linked when its cosine is at least ``LINK_THRESHOLD`` (0.25) and
   it shares at least ``MIN_SHARED_TERMS`` (2) terms; linked items form topics
   (connected components, so a story that runs for months stays one topic as
   long as no gap exceeds the window).
5. Chaining guard: a topic whose items are on average less similar than
   ``MIN_COHESION`` (0.35) to its centroid (the mean cosine is the length of
   the sum of the items' unit vectors over their number) is not one story
   (e.g. template texts chained together); its own links are looked at again
   with a threshold raised by 0.1, until every topic is cohesive.  On the real
   message-board export, real topics have a cohesion of 0.5-0.8.
6. Topics with fewer than ``min_size`` items are dropped.

Complexity, with N items in the filter and k = 16: the SQL is linear in the
filter's term rows (a hash join, a group-by); in Python, sorting the N*k
postings O(Nk log Nk), forming at most min(N*k*64, 2M) term-pairs and summing
them per pair (a sort), components in a few vectorised passes over the links.
Measured on 2 cores (bench/hot_topics_real.py): 0.5 s for 13k items of real
message text, 1.35 s for 52k, 3.1 s for 104k; demo data 0.6 s / 1.3 s / 2.2 s
for 10k / 52k / 100k items in the filter.  About half is the SQL.

Ranking
-------
``score = (ln(1 + people) + 0.5 * ln(1 + likes)) * recency``.  ``people`` is
the number of distinct authors (an item without an author, or with an
anonymous placeholder, counts as one person), so a person who posts the same
message fifteen times counts once; ``size`` (items) is reported beside it.
``recency = 1 - 0.5 * age / span``: ``age`` is the time from the topic's last
item to the newest item in the filter, ``span`` the period's length (or, with
no period, the filter's time span).  So 2,000 likes weigh as much as 44
people, and a topic that went quiet at the very start of the period keeps half
its score.  ``min_size=1`` also lists single items (a message with 1,700 likes
and no echo is then a "topic" of one).

Labels, representative, quotes
------------------------------
A topic's centroid is the sum of its items' vectors.  Its ``terms`` are the
heaviest centroid terms; its ``key_terms`` the 3-5 heaviest, in the order they
appear in the representative title; its ``label`` a headline a person would
write, made from the titles of the representative and the 11 next most central
items (core/analytics/headlines.py: the representative's main clause when short,
else the phrase most titles share followed by the key terms they share).  The representative item is the most liked
among the central items (cosine to the centroid at least 70% of the best one).
Quotes are 1-2 sentences from the masked content of the representative and of
the next most central items, chosen for the topic terms they contain, word for
word (cut at 80 characters with "…"; salutations and thanks skipped).
``topic_id`` is ``"T"`` + the id of the topic's earliest item, which stays the
same while a story grows.

Repeat complaints
-----------------
Two items are a repeat pair when, within ``window_days`` of each other,
either (a) the same author (not an anonymous placeholder) wrote both about the
same issue: they share at least 2 of their 16 terms with a cosine of at least
``SAME_AUTHOR_MIN_SIMILARITY``, or they have the same category and the same
department; or (b) whoever wrote them, the texts are near-identical: cosine at
least ``NEAR_IDENTICAL_THRESHOLD`` (0.9) with at least 3 shared terms.
Channels do not matter.  Pairs join into groups; in each group the earliest
item is the original and every later one a repeat.  Per department: items,
repeat items (repeats whose own department it is) and the rate.  Authors are
returned raw: masking them is the page's job.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core import store
from dashboard.core.analytics.headlines import headline
from dashboard.core.filters import UNLABELLED, Filters, Period

__all__ = [
    "Topic", "hot_topics", "topic_items", "TOPIC_ITEMS_QUERY",
    "repeat_complaints", "repeat_counts_by_department",
    "LINK_THRESHOLD", "NEAR_IDENTICAL_THRESHOLD", "MIN_COHESION",
]

TOPIC_ITEMS_QUERY = "topics/topic_items"   # $item_ids -> the items with masked text, in time order

ITEM_TERMS = 16                 # strongest terms kept per item
LINK_THRESHOLD = 0.25           # cosine for two items to be about the same thing
MIN_SHARED_TERMS = 2            # ... and at least this many terms in common
MIN_COHESION = 0.35             # mean cosine of a topic's items to its centroid, else split again
SPLIT_STEP = 0.1
NEIGHBOURS = 64                 # per term, each item is paired with this many later items
PAIR_BUDGET = 2_000_000         # term-pairs formed at most per request
TOPIC_ITEM_CAP = 100_000        # topics are found among the newest this many items of the filter
LIKES_WEIGHT = 0.5              # score = (ln(1+people) + LIKES_WEIGHT ln(1+likes)) * recency
CENTRAL_SHARE = 0.7             # representative: most liked item at >= 70% of the best centrality
NEAR_IDENTICAL_THRESHOLD = 0.9  # repeat: near-identical texts
NEAR_IDENTICAL_SHARED = 3
SAME_AUTHOR_MIN_SIMILARITY = 0.5
AUTHOR_NEIGHBOURS = 16          # an author's item is compared with their next 16 items
QUOTE_CHARS = 80
HEADLINE_TITLES = 12            # the label is made from the titles of the 12 most central items
QUOTE_MIN_CHARS = 10
# Author values that stand for "nobody in particular": never evidence of a repeat.
ANONYMOUS_AUTHORS = frozenset({"", "匿名", "匿名用户", "网友", "市民", "群众", "游客", "未知", "无", "-",
                               "none", "null", "nan", "anonymous"})

_SENTENCE_RE = re.compile(r"[^。！？!?；;\n\r]+[。！？!?；;]?")
_BOILERPLATE_RE = re.compile(r"您好|你好|尊敬|敬爱|谢谢|感谢|此致|敬礼|辛苦")
_SALUTATION_RE = re.compile(r"^[^：:。！!？?]{0,24}(?:您好|你好|尊敬|敬爱|领导|书记|市长|县长|区长)[^：:。！!？?，,]{0,12}[：:]\s*")
_SPACE_RE = re.compile(r"\s+")
_EPS = 1e-4          # tolerance of threshold comparisons (pair cosines are summed to ~1e-5)
_PRODUCT_BITS = 20


@dataclass(frozen=True)
class Topic:
    topic_id: str                  # "T" + id of the earliest item
    label: str                     # a headline from the topic's own titles (headlines.headline)
    terms: tuple[str, ...]         # up to 8 top terms, heaviest first
    representative_id: str
    representative_title: str      # masked
    quotes: tuple[str, ...]        # 1-2 excerpts of masked content, the citizens' own words
    size: int                      # items
    people: int                    # distinct authors (an item without an author counts as one)
    likes: int
    first_at: datetime
    last_at: datetime
    channels: tuple[str, ...]      # most frequent first
    departments: tuple[str, ...]
    regions: tuple[str, ...]
    item_ids: tuple[str, ...]      # in time order
    score: float
    key_terms: str = ""            # 3-5 top terms, joined with "、", shown beside the label


# --------------------------------------------------------------------------- #
# Loading: items and their strongest terms, from one snapshot
# --------------------------------------------------------------------------- #

@dataclass
class _Vectors:
    terms: np.ndarray     # (N, k) int32 term codes, -1 = none; codes follow the terms' sorted order
    weights: np.ndarray   # (N, k) float64, rows of unit length (or all zero)
    vocab: np.ndarray     # code -> term (sorted)

    @property
    def size(self) -> int:
        return len(self.vocab)


def _load(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[pd.DataFrame, _Vectors]:
    params = filters.params()
    cursor = con.cursor()
    try:
        cursor.begin()   # one snapshot: `pos` in the terms must match the items
        items = store.fetch(cursor, "topics/items", **params)
        terms = None
        if len(items):
            name = "topics/item_terms"
            terms = cursor.sql(store.load_sql(name), params=store.bind(name, params)).to_arrow_table()
        cursor.rollback()
    finally:
        cursor.close()
    items["id"] = items["id"].astype(str)
    items["likes"] = items["likes"].fillna(0).astype(np.int64)
    return items, _top_terms(len(items), terms, ITEM_TERMS)


def _top_terms(n: int, table: pa.Table | None, k: int) -> _Vectors:
    """Each item's k heaviest terms (ties: the term that sorts first) as unit vectors.

    Term codes come from the SQL in the terms' sorted order, so ties break the same way every time.
    """
    codes_out = np.full((n, k), -1, dtype=np.int32)
    weights_out = np.zeros((n, k), dtype=np.float64)
    if table is None or table.num_rows == 0:
        return _Vectors(codes_out, weights_out, np.array([], dtype=object))
    is_vocab = pc.is_null(table.column("pos")).to_numpy(zero_copy_only=False)
    code = table.column("code").to_numpy().astype(np.int64)
    vocab = np.empty(int(code[is_vocab].max()) + 1 if is_vocab.any() else 0, dtype=object)
    vocab[code[is_vocab]] = table.filter(pa.array(is_vocab)).column("term").to_pylist()
    rows = ~is_vocab
    pos = table.column("pos").to_numpy(zero_copy_only=False)[rows].astype(np.int64)
    codes = code[rows]
    weight = table.column("weight").to_numpy(zero_copy_only=False)[rows].astype(np.float64)
    if len(pos) == 0:
        return _Vectors(codes_out, weights_out, vocab)
    pos_bits, code_bits = max(n - 1, 1).bit_length(), max(len(vocab) - 1, 1).bit_length()
    weight_bits = 62 - pos_bits - code_bits
    if weight_bits >= 20:
        # One plain sort of packed int64 (item, heaviest first, then term order): several times faster
        # than a three-key lexsort. Weights are kept to 2^-weight_bits of the largest one.
        top = (1 << weight_bits) - 1
        scale = top / max(float(weight.max()), 1e-12)
        inverted = top - np.floor(weight * scale).astype(np.int64)
        packed = (pos << (weight_bits + code_bits)) | (inverted << code_bits) | codes.astype(np.int64)
        packed.sort()
        pos = packed >> (weight_bits + code_bits)
        weight = (top - ((packed >> code_bits) & top)) / scale
        codes = packed & ((1 << code_bits) - 1)
    else:
        sort = np.lexsort((codes, -weight, pos))
        pos, codes, weight = pos[sort], codes[sort], weight[sort]
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    lengths = np.diff(np.r_[starts, len(pos)])
    rank = np.arange(len(pos)) - np.repeat(starts, lengths)
    keep = rank < k
    codes_out[pos[keep], rank[keep]] = codes[keep]
    weights_out[pos[keep], rank[keep]] = weight[keep]
    norm = np.sqrt((weights_out ** 2).sum(axis=1))
    norm[norm == 0] = 1.0
    return _Vectors(codes_out, weights_out / norm[:, None], vocab)


def _seconds(times: pd.Series) -> np.ndarray:
    return times.to_numpy(dtype="datetime64[s]").astype(np.int64).astype(np.float64)


# --------------------------------------------------------------------------- #
# Similar pairs, components, cohesion
# --------------------------------------------------------------------------- #

def _pairs(vectors: _Vectors, seconds: np.ndarray, window_days: float, neighbours: int = NEIGHBOURS,
           budget: int = PAIR_BUDGET) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (a < b) that share a term within the window: a, b, cosine, shared terms."""
    n = len(seconds)
    rows, cols = np.nonzero(vectors.terms >= 0)
    empty = np.empty(0, np.int64)
    if len(rows) < 2:
        return empty, empty, np.empty(0), empty
    codes = vectors.terms[rows, cols].astype(np.int64)
    weights = vectors.weights[rows, cols]
    times = seconds[rows]
    order = np.lexsort((rows, times, codes))
    rows, codes, times, weights = rows[order].astype(np.int64), codes[order], times[order], weights[order]
    window_s = window_days * 86400.0
    total = len(rows)
    keys, products = [], []
    formed = 0
    active = np.arange(total - 1)
    for step in range(1, neighbours + 1):
        active = active[active + step < total]
        other = active + step
        # postings are sorted by term, then time: a row that fails here fails at every later step
        active = active[(codes[other] == codes[active]) & (times[other] - times[active] <= window_s)]
        if len(active) == 0 or formed >= budget:
            break
        first, second = rows[active], rows[active + step]
        keys.append(np.minimum(first, second) * n + np.maximum(first, second))
        products.append(weights[active] * weights[active + step])
        formed += len(active)
    if not keys:
        return empty, empty, np.empty(0), empty
    key = np.concatenate(keys)
    product = np.concatenate(products)
    if n * n < 2 ** (62 - _PRODUCT_BITS):
        # Sort pair keys and products together, packed into one int64 (the product, in [0, 1],
        # kept to 1e-6 in the low bits): a plain sort is several times faster than an argsort.
        scale = 2 ** _PRODUCT_BITS - 1
        packed = (key << _PRODUCT_BITS) | np.floor(product * scale).astype(np.int64)
        packed.sort()
        key = packed >> _PRODUCT_BITS
        product = (packed & scale) / scale
    else:
        sort = np.argsort(key)
        key, product = key[sort], product[sort]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sims = np.add.reduceat(product, starts)
    shared = np.diff(np.r_[starts, len(key)])
    pair = key[starts]
    return pair // n, pair % n, sims, shared


def _similarity(vectors: _Vectors, a: np.ndarray, b: np.ndarray, chunk: int = 100_000):
    """Exact cosine and number of shared terms of given pairs (a[i], b[i])."""
    sims = np.empty(len(a), dtype=np.float64)
    shared = np.empty(len(a), dtype=np.int64)
    for start in range(0, len(a), chunk):
        ia, ib = a[start:start + chunk], b[start:start + chunk]
        ta, tb = vectors.terms[ia], vectors.terms[ib]
        same = (ta[:, :, None] == tb[:, None, :]) & (ta[:, :, None] >= 0)
        sims[start:start + chunk] = np.einsum("pij,pi,pj->p", same, vectors.weights[ia], vectors.weights[ib])
        shared[start:start + chunk] = same.sum(axis=(1, 2))
    return sims, shared


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components: each item's label is the smallest item index of its component."""
    parent = np.arange(n)
    if len(a) == 0:
        return parent
    while True:
        ra, rb = parent[a], parent[b]
        differ = ra != rb
        if not differ.any():
            return parent
        lo, hi = np.minimum(ra[differ], rb[differ]), np.maximum(ra[differ], rb[differ])
        np.minimum.at(parent, hi, lo)   # hang each larger root under a smaller one
        while True:                     # then point every item straight at its root
            nxt = parent[parent]
            if np.array_equal(nxt, parent):
                break
            parent = nxt


def _cohesion(labels: np.ndarray, members: np.ndarray, vectors: _Vectors) -> np.ndarray:
    """Per component label: the mean cosine of its items to its centroid, which is the length of
    the sum of its items' unit vectors divided by their number (exact; 0 for other labels)."""
    n = len(labels)
    k = vectors.terms.shape[1]
    rows = np.repeat(members, k)
    codes = vectors.terms[members].ravel().astype(np.int64)
    weights = vectors.weights[members].ravel()
    present = codes >= 0
    rows, codes, weights = rows[present], codes[present], weights[present]
    out = np.zeros(n)
    if len(rows) == 0:
        return out
    v = max(vectors.size, 1)
    key = labels[rows].astype(np.int64) * v + codes
    if n * v < 2 ** (62 - _PRODUCT_BITS):
        scale = 2 ** _PRODUCT_BITS - 1       # weights in [0, 1], kept to 1e-6: packed, one plain sort
        packed = (key << _PRODUCT_BITS) | np.floor(weights * scale).astype(np.int64)
        packed.sort()
        key, weights = packed >> _PRODUCT_BITS, (packed & scale) / scale
    else:
        sort = np.argsort(key)
        key, weights = key[sort], weights[sort]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sums = np.add.reduceat(weights, starts)
    norm2 = np.bincount(key[starts] // v, weights=sums ** 2, minlength=n)
    sizes = np.bincount(labels[members], minlength=n)
    return np.sqrt(norm2) / np.maximum(sizes, 1)


def _cluster(n: int, vectors: _Vectors, a: np.ndarray, b: np.ndarray, sims: np.ndarray, shared: np.ndarray,
             threshold: float) -> np.ndarray:
    """Topic label of every item: components of the links, loose components split again with a
    threshold raised step by step (only their own links are looked at again)."""
    need = np.where(shared >= MIN_SHARED_TERMS, threshold, np.inf)
    keep = sims >= need - _EPS
    a, b, sims, need = a[keep], b[keep], sims[keep], need[keep]
    labels = _components(n, a, b)
    undecided = np.ones(n, dtype=bool)      # component labels that may still be split
    while True:
        sizes = np.bincount(labels, minlength=n)
        candidate = (sizes >= 3) & undecided
        members = np.flatnonzero(candidate[labels])
        loose = candidate & (_cohesion(labels, members, vectors) < MIN_COHESION)
        play = loose[labels[a]]              # links inside loose components
        raise_ = play & (need < 1.0)
        if not raise_.any():
            return labels
        need = np.where(raise_, need + SPLIT_STEP, need)
        a, b, sims, need = a[play], b[play], sims[play], need[play]
        keep = sims >= need - _EPS
        a, b, sims, need = a[keep], b[keep], sims[keep], need[keep]
        members = np.flatnonzero(loose[labels])
        labels[members] = _components(n, a, b)[members]
        undecided[:] = False
        undecided[labels[members]] = True


# --------------------------------------------------------------------------- #
# Hot topics
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Scope:
    """The items topics are found among: all of the filter's, or its newest `cap` from `start` on."""
    filters: Filters
    total: int
    capped: bool
    start: datetime | None = None


def topic_scope(con: duckdb.DuckDBPyConnection, filters: Filters, cap: int | None = None) -> Scope:
    """At most `cap` (default TOPIC_ITEM_CAP) items, the newest: a year of a provincial centre's items
    (a million) would take half a minute, and hot topics are about what is recent. Pages say when the
    cap applies."""
    cap = TOPIC_ITEM_CAP if cap is None else cap
    row = store.run_query(con, "topics/scope", **filters.params(), cap=cap).iloc[0]
    total = int(row["total"])
    if total <= cap:
        return Scope(filters, total, capped=False)
    start = pd.Timestamp(row["cap_start"]).to_pydatetime()
    end = filters.period.end if filters.period else pd.Timestamp(row["last_at"]).to_pydatetime() + pd.Timedelta(
        microseconds=1)
    return Scope(filters.with_period(Period(start, end)), total, capped=True, start=start)


def hot_topics(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 20, min_size: int = 3,
               window_days: float = 30, threshold: float = LINK_THRESHOLD) -> list[Topic]:
    """The `limit` hottest topics among the items matching `filters` (see the module notes), or among
    the newest TOPIC_ITEM_CAP of them (topic_scope)."""
    filters = topic_scope(con, filters).filters
    items, vectors = _load(con, filters)
    n = len(items)
    if n < max(min_size, 2):
        return []
    seconds = _seconds(items["published_at"])
    a, b, sims, shared = _pairs(vectors, seconds, window_days)
    labels = _cluster(n, vectors, a, b, sims, shared, threshold)

    sizes = np.bincount(labels, minlength=n)
    topic_labels = np.flatnonzero(sizes >= min_size)
    if len(topic_labels) == 0:
        return []
    in_topic = sizes[labels] >= min_size
    frame = items.loc[in_topic, ["id", "published_at", "likes", "author"]].copy()
    frame["topic"] = labels[in_topic]
    author = frame["author"].astype("string").str.strip()
    known = (author.notna() & ~author.fillna("").str.casefold().isin(ANONYMOUS_AUTHORS)).to_numpy(dtype=bool)
    frame["person"] = author.where(known, "\0" + frame["id"])
    stats = frame.groupby("topic").agg(size=("id", "size"), people=("person", "nunique"), likes=("likes", "sum"),
                                       first_at=("published_at", "min"), last_at=("published_at", "max"))
    reference = pd.Timestamp(items["published_at"].max())
    if filters.period is not None:
        span = filters.period.length.total_seconds()
    else:
        span = (reference - items["published_at"].min()).total_seconds()
    age = (reference - stats["last_at"]).dt.total_seconds().clip(lower=0)
    recency = (1 - 0.5 * (age / span).clip(upper=1)) if span > 0 else 1.0
    stats["score"] = (np.log1p(stats["people"]) + LIKES_WEIGHT * np.log1p(stats["likes"])) * recency
    stats = stats.sort_values(["score", "size", "first_at"], ascending=[False, False, True]).head(limit)

    drafts = [_draft(topic, row, items, labels, vectors) for topic, row in stats.iterrows()]
    wanted = sorted({i for d in drafts for i in d["title_ids"]})
    since = items.loc[items["id"].isin(wanted), "published_at"].min() if wanted else None
    texts = store.run_query(con, TOPIC_ITEMS_QUERY, item_ids=wanted, since=since).set_index("id")
    return [_finish(d, texts) for d in drafts]


def _draft(topic: int, stats: pd.Series, items: pd.DataFrame, labels: np.ndarray, vectors: _Vectors) -> dict:
    rows = np.flatnonzero(labels == topic)           # items are in time order
    members = items.iloc[rows]
    codes, weights = vectors.terms[rows], vectors.weights[rows]
    present = codes >= 0
    centroid = np.bincount(codes[present], weights=weights[present], minlength=max(vectors.size, 1))
    centroid /= np.sqrt((centroid ** 2).sum()) or 1.0
    centrality = (weights * np.where(present, centroid[np.maximum(codes, 0)], 0.0)).sum(axis=1)
    used = np.flatnonzero(centroid)
    top = used[np.lexsort((used, -centroid[used]))[:8]]
    terms = [str(vectors.vocab[c]) for c in top]
    term_weights = dict(zip(terms, centroid[top].tolist()))
    likes = members["likes"].to_numpy()
    central = np.flatnonzero(centrality >= CENTRAL_SHARE * centrality.max() - _EPS)
    best = central[np.lexsort((-centrality[central], -likes[central]))[0]]
    by_centrality = [i for i in np.argsort(-centrality, kind="stable") if i != best][:HEADLINE_TITLES - 1]
    ids = members["id"].tolist()

    def ranked(column: str) -> tuple[str, ...]:
        counts = Counter(UNLABELLED if v is None or v != v else str(v) for v in members[column].tolist())
        return tuple(sorted(counts, key=lambda x: (-counts[x], x)))

    return dict(
        topic_id=f"T{ids[0]}",
        representative_id=ids[best],
        quote_ids=[ids[best], *(ids[i] for i in by_centrality[:4])],
        title_ids=[ids[best], *(ids[i] for i in by_centrality)],
        terms=terms,
        term_weights=term_weights,
        size=int(stats["size"]),
        people=int(stats["people"]),
        likes=int(stats["likes"]),
        first_at=pd.Timestamp(stats["first_at"]).to_pydatetime(),
        last_at=pd.Timestamp(stats["last_at"]).to_pydatetime(),
        channels=ranked("channel"),
        departments=ranked("department"),
        regions=ranked("region"),
        item_ids=tuple(ids),
        score=float(stats["score"]),
    )


def _finish(draft: dict, texts: pd.DataFrame) -> Topic:
    rep = draft["representative_id"]
    title = texts.at[rep, "title"] if rep in texts.index else None
    title = "" if title is None or pd.isna(title) else str(title)
    weights = draft["term_weights"]
    terms = draft["terms"]
    label_terms = [t for t in terms[:5] if weights[t] >= 0.3 * weights[terms[0]]] if terms else []
    if len(label_terms) < 3:
        label_terms = terms[:3]
    # Read like the title: terms found in it first, in its order.
    label_terms = sorted(label_terms, key=lambda t: (title.find(t) if t in title else len(title) + 1, -weights[t]))
    quotes: list[str] = []
    for item_id in draft["quote_ids"]:
        if len(quotes) == 2:
            break
        if item_id in texts.index:
            quote = _best_sentence(texts.at[item_id, "content"], weights, exclude=set(quotes))
            if quote:
                quotes.append(quote)
    titles = [str(texts.at[i, "title"]) for i in draft["title_ids"]
              if i in texts.index and isinstance(texts.at[i, "title"], str)]
    return Topic(
        topic_id=draft["topic_id"],
        label=headline(titles, list(terms)),
        key_terms="、".join(label_terms),
        terms=tuple(terms),
        representative_id=rep,
        representative_title=title,
        quotes=tuple(quotes),
        size=draft["size"],
        people=draft["people"],
        likes=draft["likes"],
        first_at=draft["first_at"],
        last_at=draft["last_at"],
        channels=draft["channels"],
        departments=draft["departments"],
        regions=draft["regions"],
        item_ids=draft["item_ids"],
        score=draft["score"],
    )


def _best_sentence(content, weights: dict[str, float], exclude: set[str]) -> str | None:
    """The sentence of `content` that says most about the topic, as written (cut to QUOTE_CHARS)."""
    if content is None or pd.isna(content):
        return None
    best, best_score = None, 0.0
    for match in _SENTENCE_RE.finditer(str(content)):
        sentence = _SALUTATION_RE.sub("", _SPACE_RE.sub(" ", match.group()).strip())
        if len(sentence) < QUOTE_MIN_CHARS or _BOILERPLATE_RE.search(sentence):
            continue
        # topic terms it contains; short sentences say little, long ones get cut
        score = sum(w for t, w in weights.items() if t in sentence) * min(1.0, len(sentence) / 30) \
            / (1 + len(sentence) / 200)
        if score > best_score:
            quote = sentence if len(sentence) <= QUOTE_CHARS else sentence[:QUOTE_CHARS - 1] + "…"
            if quote not in exclude:
                best, best_score = quote, score
    return best


def topic_items(con: duckdb.DuckDBPyConnection, item_ids, since: datetime | None = None) -> pd.DataFrame:
    """The items of a topic or a repeat group (masked title and content, raw author), in time order.
    `since`, when known, is no later than the oldest of them (it spares reading older data)."""
    return store.run_query(con, TOPIC_ITEMS_QUERY, item_ids=[str(i) for i in item_ids], since=since)


# --------------------------------------------------------------------------- #
# Repeat complaints
# --------------------------------------------------------------------------- #

_REPEAT_COLUMNS = ["group_id", "first_id", "item_ids", "size", "repeats", "authors", "channels",
                   "departments", "first_at", "last_at", "kinds", "title"]
_SAME_AUTHOR, _NEAR_IDENTICAL = 1, 2


def _same_author_pairs(items: pd.DataFrame, vectors: _Vectors, seconds: np.ndarray,
                       window_days: float) -> tuple[np.ndarray, np.ndarray]:
    author = items["author"].astype("string").str.strip()
    usable = (author.notna() & ~author.fillna("").str.casefold().isin(ANONYMOUS_AUTHORS)).to_numpy()
    pos = np.flatnonzero(usable)
    empty = np.empty(0, np.int64)
    if len(pos) < 2:
        return empty, empty
    codes = pd.factorize(author.to_numpy()[pos])[0]
    order = np.lexsort((seconds[pos], codes))
    pos, codes = pos[order], codes[order]
    times = seconds[pos]
    firsts, seconds_ = [], []
    for step in range(1, AUTHOR_NEIGHBOURS + 1):
        if step >= len(pos):
            break
        ok = (codes[step:] == codes[:-step]) & (times[step:] - times[:-step] <= window_days * 86400.0)
        if not ok.any():
            break
        firsts.append(pos[:-step][ok])
        seconds_.append(pos[step:][ok])
    if not firsts:
        return empty, empty
    a, b = np.concatenate(firsts), np.concatenate(seconds_)
    sims, shared = _similarity(vectors, a, b)
    same_terms = (sims >= SAME_AUTHOR_MIN_SIMILARITY - _EPS) & (shared >= MIN_SHARED_TERMS)
    category = items["category"].to_numpy(dtype=object, na_value=None)
    department = items["department"].to_numpy(dtype=object, na_value=None)
    same_desk = (pd.notna(category[a]) & pd.notna(department[a])
                 & (category[a] == category[b]) & (department[a] == department[b]))
    keep = same_terms | same_desk.astype(bool)
    return a[keep], b[keep]


def _repeats_frame(con: duckdb.DuckDBPyConnection, filters: Filters, window_days: float) -> pd.DataFrame:
    """The filtered items with `group` (label of their repeat group, -1 = none), `kind` and `is_repeat`."""
    items, vectors = _load(con, filters)
    n = len(items)
    items["group"] = -1
    items["kind"] = 0
    items["is_repeat"] = False
    if n < 2:
        return items
    seconds = _seconds(items["published_at"])
    a1, b1, sims, shared = _pairs(vectors, seconds, window_days)
    near = (sims >= NEAR_IDENTICAL_THRESHOLD - _EPS) & (shared >= NEAR_IDENTICAL_SHARED)
    a1, b1 = a1[near], b1[near]
    a2, b2 = _same_author_pairs(items, vectors, seconds, window_days)
    labels = _components(n, np.concatenate([a1, a2]), np.concatenate([b1, b2]))
    kinds = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(kinds, labels[a2], _SAME_AUTHOR)
    np.bitwise_or.at(kinds, labels[a1], _NEAR_IDENTICAL)
    sizes = np.bincount(labels, minlength=n)
    grouped = sizes[labels] >= 2
    items["group"] = np.where(grouped, labels, -1)
    items["kind"] = kinds[labels]
    # Items are in time order, so a group's label (its smallest index) is its earliest item:
    # the original; every other item of the group is a repeat.
    items["is_repeat"] = grouped & (labels != np.arange(n))
    return items


def repeat_complaints(con: duckdb.DuckDBPyConnection, filters: Filters, window_days: float = 30) -> pd.DataFrame:
    """Repeat groups among the filtered items, largest first.

    Columns: group_id ("R" + first item id), first_id, item_ids (time order), size, repeats (size - 1),
    authors (raw, distinct), channels, departments, first_at, last_at, kinds (同一作者 / 文本相近),
    title (masked title of the first item).
    """
    items = _repeats_frame(con, filters, window_days)
    grouped = items[items["group"] >= 0]
    if grouped.empty:
        return pd.DataFrame(columns=_REPEAT_COLUMNS)
    groups: dict[int, dict] = {}
    columns = ["group", "id", "author", "channel", "department", "published_at", "kind"]
    for group, item_id, author, channel, department, published, kind in grouped[columns].itertuples(index=False):
        entry = groups.get(group)
        if entry is None:   # items come in time order: the first one seen is the original
            entry = groups[group] = dict(group_id=f"R{item_id}", first_id=item_id, item_ids=[], authors=set(),
                                         channels=set(), departments=set(), first_at=published,
                                         kinds="、".join(name for bit, name in ((_SAME_AUTHOR, "同一作者"),
                                                                               (_NEAR_IDENTICAL, "文本相近"))
                                                        if int(kind) & bit))
        entry["item_ids"].append(item_id)
        entry["last_at"] = published
        if author is not None and author == author:
            entry["authors"].add(str(author))
        entry["channels"].add(UNLABELLED if channel is None or channel != channel else str(channel))
        entry["departments"].add(UNLABELLED if department is None or department != department else str(department))
    rows = []
    for entry in groups.values():
        entry.update(size=len(entry["item_ids"]), repeats=len(entry["item_ids"]) - 1,
                     authors=sorted(entry["authors"]), channels=sorted(entry["channels"]),
                     departments=sorted(entry["departments"]))
        rows.append(entry)
    frame = pd.DataFrame(rows)
    titles = store.run_query(con, TOPIC_ITEMS_QUERY, item_ids=list(frame["first_id"]),
                             since=frame["first_at"].min()).set_index("id")["title"]
    frame["title"] = frame["first_id"].map(titles)
    return frame.sort_values(["size", "last_at", "group_id"], ascending=[False, False, True],
                             ignore_index=True)[_REPEAT_COLUMNS]


def repeat_counts_by_department(con: duckdb.DuckDBPyConnection, filters: Filters,
                                window_days: float = 30) -> pd.DataFrame:
    """Per department (未标注 when none): items, repeat_items, repeat_rate (= repeat_items / items)."""
    items = _repeats_frame(con, filters, window_days)
    if items.empty:
        return pd.DataFrame(columns=["department", "items", "repeat_items", "repeat_rate"])
    items["department"] = items["department"].fillna(UNLABELLED)
    counts = items.groupby("department").agg(items=("id", "size"), repeat_items=("is_repeat", "sum"))
    counts["repeat_items"] = counts["repeat_items"].astype(int)
    counts["repeat_rate"] = counts["repeat_items"] / counts["items"]
    return counts.reset_index().sort_values(["repeat_items", "items", "department"],
                                            ascending=[False, False, True], ignore_index=True)
