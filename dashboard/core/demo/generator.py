"""Deterministic, realistic demo items for the dashboard (no streamlit here).

``generate_items(n, days, seed, end)`` returns ``n`` items in CANONICAL_COLUMNS;
``iter_item_batches`` yields the very same rows in batches so that a million
items never sit in memory as Python objects at once.

How it stays deterministic and batch-independent
-------------------------------------------------
A *plan* is derived from (n, days, seed, end) alone: the time grid with its
daily, weekly and trend rhythm, and the incidents (bursts) with their place,
time and size.  Items are then produced in fixed internal blocks of
BLOCK_SIZE rows, block ``b`` drawing from ``numpy.random.default_rng([seed, 1, b])``.
``batch_size`` only regroups (or slices) finished blocks, so any batch size
gives identical rows.

Times are stratified: item ``i`` takes the ``(i + u)/n`` quantile of the
plan's time distribution, so ids run roughly in time order (as real exports
do) and every block covers its own stretch of the window.

Ids are ``DEMO-<seed>-<row number>`` (``DEMO-42-0000001``): loading the same seed
again updates the same items, another seed adds new ones.

Vocabulary (places, departments, templates) lives in data/demo/*.toml, read by
demo_vocab.py; every name is fictional and every URL uses an example domain.

Replies (how the departments answer)
------------------------------------
Each department has a response tier (data/demo/departments.toml: model, good, normal, slow,
poor); the tier sets the share never answered and a lognormal reply lag (shorter on the hotline),
capped at ``_LATEST_REPLY_DAYS`` (60). Over valid requests with a department old enough for a late
reply to have come (published 60 days or more before the end; tests/test_demo.py checks it on
20,000 items over 180 days): about 94% are answered within the 15-day limit, about 5% late
(16–60 days) and about 1% never. A few departments (the poor and slow tiers) answer 70–85% in
time and are the ones reminded; model departments answer everything in time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Iterator
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.demo import vocab as V

__all__ = ["CANONICAL_COLUMNS", "BLOCK_SIZE", "generate_items", "iter_item_batches", "planned_incidents",
           "default_end", "id_card_check_char"]

CANONICAL_COLUMNS = [
    "id", "title", "content", "published_at", "channel", "source", "category", "subcategory", "region",
    "department", "department_level", "is_valid", "replied_at", "reply_content", "satisfaction", "sentiment",
    "author", "likes", "dislikes", "url", "kind",
]
TEXT_COLUMNS = [c for c in CANONICAL_COLUMNS
                if c not in ("published_at", "replied_at", "is_valid", "likes", "dislikes")]

# Rows per internal block; the unit of determinism (see the module docstring).
BLOCK_SIZE = 50_000
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_HOUR = 3600
_DAY = 86400
_OVERDUE_DAYS = 15
# A late reply still comes: chased by the supervising office, a request answered at all is answered
# within this many days (the lognormal lag alone would leave a tail of replies after a year).
_LATEST_REPLY_DAYS = 60
_INVALID_SHARE = 0.12
_PII_SHARE = 0.023   # of valid items, so about 2% of all items
_LOOKALIKE_SHARE = 0.005

# Writing styles and kinds, as indices into the vocabulary tuples.
_STYLES = ("request", "weibo", "forum", "news")
_S_REQ, _S_WEIBO, _S_FORUM, _S_NEWS = range(4)
_K_COMPLAINT, _K_CONSULT, _K_SUGGEST, _K_PRAISE, _K_POLICY, _K_MEETING, _K_INCIDENT = range(7)
# Kinds of invalid items.
_INV_NONE, _INV_DUPLICATE, _INV_AD, _INV_UNCLEAR = range(4)


def default_end(now: datetime | None = None) -> datetime:
    """The latest 08:00 Asia/Shanghai that is not in the future (monitoring days run 08:00 to 08:00).

    Before 08:00 that is yesterday's 08:00, so generated items are never in the future.
    """
    now = now or datetime.now(LOCAL_TZ).replace(tzinfo=None)
    end = now.replace(hour=8, minute=0, second=0, microsecond=0)
    return end if end <= now else end - timedelta(days=1)


def id_card_check_char(body17: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2) check character of the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(body17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    return "10X98765432"[total % 11]


# --- templates -------------------------------------------------------------------

_SLOT_INDEX = {name: i for i, name in enumerate(V.SLOTS)}
_SLOT_RE = re.compile(r"\{(\w+)\}")


def _compile(template: str) -> str:
    """Named slots -> positional fields: str.format(*values) is much faster than keywords."""
    return _SLOT_RE.sub(lambda m: "{%d}" % _SLOT_INDEX[m.group(1)], template)


def _arr(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [_compile(v) for v in values]
    return out


class _Ragged:
    """Variable-length template pools per row of a table, flattened for vectorised picking."""

    def __init__(self, pools):
        pools = [list(p) for p in pools]
        self.length = np.array([len(p) for p in pools], dtype=np.int64)
        self.offset = np.concatenate(([0], np.cumsum(self.length)[:-1])).astype(np.int64)
        self.flat = _arr([v for p in pools for v in p])

    def index(self, rows: np.ndarray, u: np.ndarray, step: int = 0) -> np.ndarray:
        """Flat index of the (floor(u*len) + step) mod len -th entry of each row's pool."""
        length = self.length[rows]
        k = (np.minimum((u * length).astype(np.int64), length - 1) + step) % np.maximum(length, 1)
        return self.offset[rows] + k

    def pick(self, rows: np.ndarray, u: np.ndarray, step: int = 0) -> np.ndarray:
        return self.flat[self.index(rows, u, step)]


def _choice(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Categorical draw from a cumulative weight vector (last entry = total)."""
    return np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), len(cum) - 1)


def _row_choice(cum_rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Categorical draw per item from its own cumulative weight row (items x options)."""
    x = u * cum_rows[:, -1]
    return np.minimum((cum_rows <= x[:, None]).sum(axis=1), cum_rows.shape[1] - 1)


# --- static tables built once from the vocabulary ------------------------------------

@dataclass(frozen=True)
class _Tables:
    channels: list
    ch_style: np.ndarray
    cat_placed: np.ndarray
    ch_request: np.ndarray
    ch_picked_up: np.ndarray
    ch_lag: np.ndarray
    ch_source_cum: np.ndarray
    ch_sources: list
    ch_likes: np.ndarray
    regions: list
    region_town: _Ragged
    categories: list
    subs: list
    sub_cat: np.ndarray
    sub_topic: np.ndarray
    sub_month_cum: np.ndarray
    sub_region_cum: np.ndarray
    route_dept: np.ndarray
    route_cum: np.ndarray
    sub_titles: _Ragged
    sub_shops: _Ragged
    sub_problems: _Ragged
    sub_consults: _Ragged
    sub_consult_titles: np.ndarray
    sub_suggests: _Ragged
    sub_suggest_titles: np.ndarray
    sub_finds: _Ragged
    sub_actions: _Ragged
    sub_intros: _Ragged
    cat_policies: _Ragged
    cat_concerns: _Ragged
    cat_pledges: _Ragged
    cat_consequences: _Ragged
    departments: list
    dept_level: list
    dept_tier: dict
    county_dept_of_region: np.ndarray
    kind_cum: np.ndarray
    openers: _Ragged
    closers: _Ragged
    pools: dict


# The vocabulary's template pools that items pick from uniformly, by name.
_POOL_NAMES = (
    "ESTATES", "ROADS", "SCHOOLS", "FIRMS", "HOSPITALS", "VILLAGES", "BUS_LINES", "DURATIONS", "MONEYS", "NUMS",
    "MONTHS", "SURNAMES", "GENERIC_TITLES", "HOTLINE_OPENERS", "HOTLINE_CLOSERS", "LETTER_OPENERS", "MEETINGS",
    "NEWS_QUOTE_TAILS", "NEWS_MIDDLES", "NEWS_TITLES", "DURATION_PHRASES", "ATTEMPTS", "IMPACTS", "ASKS",
    "CONSULT_LEADS", "CONSULT_TAILS", "CONSULT_CONTEXTS", "SUGGEST_LEADS", "SUGGEST_EXTRAS", "DETAILS",
    "EXPECTATIONS", "EVIDENCE", "EVIDENCE_UNPLACED", "BACKGROUNDS", "CONNECTORS", "SUGGEST_TAILS", "PRAISE_TITLES",
    "PRAISE_SENTENCES", "POLICY_TITLES", "POLICY_LEADS", "POLICY_TAILS", "MEETING_TITLES", "MEETING_SENTENCES",
    "REPLY_OPENERS", "REPLY_CHECKS", "REPLY_CLOSERS", "REPLY_BOILERPLATE", "UNCLEAR_TITLES", "UNCLEAR_CONTENTS",
    "NICK_HEADS", "NICK_TAILS", "REPORTER_NAMES", "CONSULT_ANSWERS", "SUGGEST_ANSWERS", "PRAISE_ANSWERS",
    "POLICY_ANSWERS",
)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Everything an item is drawn from, as arrays indexed by channel, subcategory, region or department."""
    regions = [r for r, _ in V.REGIONS]
    categories = list(V.SUBCATEGORIES)
    departments = _department_tables(regions)
    subcategories = _subcategory_tables(categories, regions, departments["departments"])
    pools = {name: _arr(getattr(V, name)) for name in _POOL_NAMES}
    return _Tables(
        **_channel_tables(), **subcategories, **departments,
        regions=regions, region_town=_Ragged([V.TOWNS[r] for r in regions]), categories=categories,
        cat_placed=np.array([V.CATEGORIES[c]["placed"] for c in categories]),
        cat_policies=_category_pool(categories, "policies"), cat_concerns=_category_pool(categories, "concerns"),
        cat_pledges=_category_pool(categories, "pledges"),
        cat_consequences=_category_pool(categories, "consequences"),
        kind_cum=np.cumsum([V.KIND_WEIGHTS[s] for s in _STYLES], axis=1),
        openers=_Ragged([V.OPENERS[s] for s in _STYLES]),
        closers=_Ragged([V.CLOSERS[s] for s in _STYLES]),
        pools=pools | {"AD_TITLES": _arr([t for t, _ in V.ADS]), "AD_CONTENTS": _arr([c for _, c in V.ADS])},
    )


def _channel_tables() -> dict:
    """Per channel: writing style, whether it carries requests, reply lag, sources and likes."""
    channels = list(V.CHANNELS)
    # Sources differ in number per channel: pad the cumulative weights with zeros to one width.
    width = max(len(V.CHANNELS[c][1]) for c in channels)
    ch_source_cum = np.zeros((len(channels), width))
    ch_sources = []
    for i, c in enumerate(channels):
        sources = V.CHANNELS[c][1]
        ch_sources.append([s for s, _ in sources])
        weights = [w for _, w in sources] + [0] * (width - len(sources))
        ch_source_cum[i] = np.cumsum(weights)
    return dict(
        channels=channels,
        ch_style=np.array([_STYLES.index(V.STYLE_OF_CHANNEL[c]) for c in channels]),
        ch_request=np.array([c in V.REQUEST_CHANNELS for c in channels]),
        ch_picked_up=np.array([V.PICKED_UP.get(c, 0.0) for c in channels]),
        ch_lag=np.array([V.REPLY_LAG.get(c, 1.0) for c in channels]),
        ch_source_cum=ch_source_cum, ch_sources=ch_sources,
        ch_likes=np.array([V.LIKES.get(c, (0.0, 1.0, 2.0)) for c in channels]),
    )


def _subcategory_tables(categories: list, regions: list, departments: list) -> dict:
    """Per subcategory: its category, weight by month, regions, routing and text templates."""
    subs, sub_cat, sub_data = [], [], []
    for ci, cat in enumerate(categories):
        for name, data in V.SUBCATEGORIES[cat].items():
            subs.append(name)
            sub_cat.append(ci)
            sub_data.append(data)
    sub_cat = np.array(sub_cat)
    base = np.array([V.CATEGORIES[categories[c]]["weight"] for c in sub_cat], dtype=float)
    within = np.array([d["weight"] for d in sub_data], dtype=float)
    # Each category keeps its share; subcategories split it by their own weights.
    cat_total = np.bincount(sub_cat, weights=within)
    sub_w = base * within / cat_total[sub_cat]
    month_w = np.array([[sub_w[s] * sub_data[s]["season"].get(m, 1.0) for s in range(len(subs))]
                        for m in range(1, 13)])
    # Rural topics (farming, villages) come from the counties, the others mostly from the city.
    urban = np.array([w for _, w in V.REGIONS], dtype=float)
    rural = np.array([V.RURAL_REGION_WEIGHTS[r] for r in regions], dtype=float)
    sub_region = np.array([rural if V.CATEGORIES[categories[c]]["rural"] else urban for c in sub_cat])
    route_dept, route_cum = _routing([d["depts"] for d in sub_data], departments)
    return dict(
        subs=subs, sub_cat=sub_cat, sub_topic=np.array([d["topic"] for d in sub_data], dtype=object),
        sub_month_cum=np.cumsum(month_w, axis=1), sub_region_cum=np.cumsum(sub_region, axis=1),
        route_dept=route_dept, route_cum=route_cum,
        sub_titles=_Ragged([d["titles"] for d in sub_data]),
        sub_shops=_Ragged([V.SHOPS[V.SHOP_OF_SUBCATEGORY.get(name, "retail")] for name in subs]),
        sub_problems=_Ragged([d["problems"] for d in sub_data]),
        sub_consults=_Ragged([[b for _, b in d["consults"]] for d in sub_data]),
        sub_consult_titles=_arr([t for d in sub_data for t, _ in d["consults"]]),
        sub_suggests=_Ragged([[b for _, b in d["suggests"]] for d in sub_data]),
        sub_suggest_titles=_arr([t for d in sub_data for t, _ in d["suggests"]]),
        sub_finds=_Ragged([d["finds"] for d in sub_data]),
        sub_actions=_Ragged([d["actions"] for d in sub_data]),
        sub_intros=_Ragged([d["intros"] or V.CATEGORIES[categories[c]]["intros"] for d, c in zip(sub_data, sub_cat)]),
    )


def _department_tables(regions: list) -> dict:
    """Departments (municipal first, then the counties'), their level and how well they answer."""
    municipal = [d for d, _ in V.MUNICIPAL_DEPARTMENTS]
    county = [d for d, _ in V.COUNTY_DEPARTMENTS]
    departments = municipal + county
    tiers = [t for _, t in V.MUNICIPAL_DEPARTMENTS] + [t for _, t in V.COUNTY_DEPARTMENTS]
    dept_tier = {
        key: np.array([V.TIERS[t][key] for t in tiers], dtype=float)
        for key in ("never", "median_days", "sigma", "unrated", "boilerplate")
    }
    dept_tier["sat_cum"] = np.cumsum([V.TIERS[t]["sat"] for t in tiers], axis=1)
    dept_tier["sat_late_cum"] = np.cumsum([V.TIERS[t]["sat_late"] for t in tiers], axis=1)
    return dict(
        departments=departments, dept_level=["市直"] * len(municipal) + ["县市区"] * len(county),
        dept_tier=dept_tier,
        county_dept_of_region=np.array([departments.index(V.COUNTY_OF_REGION[r]) for r in regions]),
    )


def _routing(dept_lists: list, departments: list) -> tuple[np.ndarray, np.ndarray]:
    """Up to three (department, probability) pairs per row as index and cumulative-probability
    arrays (rows x 3; -1 and 1.0 where a row has fewer).  The probability left over goes to the
    item's own county or district (see _route)."""
    route_dept = np.full((len(dept_lists), 3), -1)
    route_cum = np.ones((len(dept_lists), 3))
    for row, depts in enumerate(dept_lists):
        acc = 0.0
        for k, (dept, p) in enumerate(depts):
            acc += p
            route_dept[row, k] = departments.index(dept)
            route_cum[row, k] = acc
    return route_dept, route_cum


def _category_pool(categories: list, key: str) -> _Ragged:
    return _Ragged([V.CATEGORIES[c][key] for c in categories])


# --- the plan: time distribution and incidents, fixed by (n, days, seed, end) ----------

@dataclass
class _Plan:
    n: int
    days: int
    seed: int
    start_s: int                 # window start, naive local time in epoch seconds
    end_s: int                   # window end (exclusive for items, inclusive for replies)
    cell_start: np.ndarray       # hourly cells covering the window
    cell_lo: np.ndarray          # usable part of each cell: [cell_start + lo, cell_start + lo + span)
    cell_span: np.ndarray
    cell_cum: np.ndarray         # cumulative item mass over cells
    comp_cum: np.ndarray         # per cell, cumulative mass over components (group x channel)
    incidents: list              # incident keys, in component order
    inc_onset: np.ndarray        # epoch seconds
    inc_share: np.ndarray        # expected share of all items
    inc_sub: np.ndarray
    inc_region: np.ndarray
    inc_route_dept: np.ndarray
    inc_route_cum: np.ndarray
    inc_titles: _Ragged
    inc_sentences: _Ragged
    inc_finds: _Ragged
    inc_actions: _Ragged


def _to_seconds(value: datetime) -> int:
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return int(np.datetime64(value.replace(microsecond=0), "s").astype(np.int64))


def _incident_count(days: int, rng: np.random.Generator) -> int:
    if days >= 30:
        return int(rng.integers(3, 6))
    if days >= 10:
        return 2
    return 1 if days >= 3 else 0


@lru_cache(maxsize=8)
def _plan(n: int, days: int, seed: int, end_s: int) -> _Plan:
    """The time distribution and the incidents for (n, days, seed, end): what every block shares.

    All its random draws come from one generator seeded by ``seed`` alone, in this order: the
    daily noise, then the incidents; so the plan does not depend on how items are batched.
    """
    t = _tables()
    rng = np.random.default_rng([seed, 0])
    start_s = end_s - days * _DAY
    cells = _hour_cells(start_s, end_s)
    hourly = {k: np.array(v) / np.mean(v) for k, v in V.HOURLY.items()}
    normal = _normal_volume(t, cells, start_s, hourly, rng)
    incidents = _incidents(days, start_s, end_s, cells, hourly["social"] / hourly["social"].max(), rng)
    shares = np.array([x.share for x in incidents], dtype=float)
    # However many bursts there are, ordinary traffic stays the bulk of the items.
    if shares.sum() > 0.35:
        shares *= 0.35 / shares.sum()
    comp_cum = _component_cum(t, normal, shares, [x.profile for x in incidents])
    route_dept, route_cum = _routing([x.spec["depts"] for x in incidents], t.departments)
    texts = [x.texts for x in incidents]
    return _Plan(
        n=n, days=days, seed=seed, start_s=start_s, end_s=end_s,
        cell_start=cells.start, cell_lo=cells.lo, cell_span=cells.span,
        cell_cum=np.cumsum(comp_cum[:, -1]), comp_cum=comp_cum,
        incidents=[x.spec["key"] for x in incidents],
        inc_onset=np.array([x.onset for x in incidents], dtype=np.int64), inc_share=shares,
        inc_sub=np.array([t.subs.index(x.spec["subcategory"]) for x in incidents], dtype=np.int64),
        inc_region=np.array([t.regions.index(x.spec["region"]) for x in incidents], dtype=np.int64),
        inc_route_dept=route_dept, inc_route_cum=route_cum,
        # An empty pool would break _Ragged's picking; with no incidents nothing picks from these.
        inc_titles=_Ragged([x["titles"] for x in texts] or [[""]]),
        inc_sentences=_Ragged([x["sentences"] for x in texts] or [[""]]),
        inc_finds=_Ragged([x["finds"] for x in texts] or [[""]]),
        inc_actions=_Ragged([x["actions"] for x in texts] or [[""]]),
    )


@dataclass(frozen=True)
class _Cells:
    """The window cut into clock hours; the first and the last may lie partly outside it."""
    start: np.ndarray            # epoch seconds of each hour
    lo: np.ndarray               # usable part of each: [start + lo, start + lo + span)
    span: np.ndarray

    @property
    def hour(self) -> np.ndarray:
        return (self.start // _HOUR) % 24


def _hour_cells(start_s: int, end_s: int) -> _Cells:
    cell_start = np.arange(start_s // _HOUR * _HOUR, end_s, _HOUR, dtype=np.int64)
    cell_lo = np.maximum(start_s - cell_start, 0)
    return _Cells(cell_start, cell_lo, np.minimum(end_s - cell_start, _HOUR) - cell_lo)


def _normal_volume(t: _Tables, cells: _Cells, start_s: int, hourly: dict, rng: np.random.Generator) -> np.ndarray:
    """Relative volume of ordinary items per cell and channel (cells x channels): each channel's
    share, shaped by its hour-of-day and weekday rhythm, a trend and day-to-day noise."""
    weekday = (cells.start // _DAY + 3) % 7            # 1970-01-01 was a Thursday
    day = cells.start // _DAY - start_s // _DAY
    n_days = int(day.max()) + 1
    # A gentle upward trend and some day-to-day noise, so the volume line is not a ruler.
    trend = 0.85 + 0.30 * np.arange(n_days) / max(n_days - 1, 1)
    day_factor = trend * np.exp(rng.normal(0.0, 0.08, n_days))
    share = np.array([V.CHANNELS[c][0] for c in t.channels])
    normal = np.empty((len(cells.start), len(t.channels)))
    for i, c in enumerate(t.channels):
        weekly = np.array(V.WEEKLY[c]) / np.mean(V.WEEKLY[c])
        normal[:, i] = share[i] * hourly[V.RHYTHM[c]][cells.hour] * weekly[weekday]
    normal *= (day_factor[day] * cells.span / _HOUR)[:, None]
    return normal


@dataclass(frozen=True)
class _Incident:
    spec: dict                   # its entry in V.INCIDENTS
    onset: int                   # epoch seconds
    share: float                 # expected share of all items, before the cap in _plan
    profile: np.ndarray          # how its items spread over the cells (sums to 1)
    texts: dict                  # titles, sentences, finds, actions with its place names filled in


def _incidents(days: int, start_s: int, end_s: int, cells: _Cells, social: np.ndarray,
               rng: np.random.Generator) -> list[_Incident]:
    """Which incidents, when, how big.  Each takes its own stretch of the window; the first is
    the headline event, and with a long window the last one falls in the final twelve days
    so that a fresh spike is visible on the dashboard."""
    k = _incident_count(days, rng)
    order = [int(x) for x in rng.permutation(len(V.INCIDENTS))]
    segment = (days - 1.0) / max(k, 1)
    out = []
    for j in range(k):
        if days >= 60 and j == k - 1:
            lo_day, hi_day = days - 12.0, days - 1.0
        else:
            lo_day, hi_day = 1.0 + j * segment, 1.0 + (j + 1) * segment
        spec, span, fitting = _choose_incident(order, lo_day, hi_day, start_s // _DAY)
        duration = int(min(rng.integers(spec["duration"][0], spec["duration"][1] + 1), max(1, days // 4)))
        size = rng.uniform(5.0, 8.0) if j == 0 else rng.uniform(3.0, 6.0)   # in days of normal volume
        onset = _onset(spec, span, fitting, (lo_day, hi_day), duration, (start_s, end_s), rng)
        names = _incident_names(rng)
        profile = _incident_profile(cells, social, onset, duration)
        # One with no volume in the window is dropped; its draws are made, so later ones stay the same.
        if profile.sum() <= 0:
            continue
        texts = {key: _named(spec[key], names) for key in ("titles", "sentences", "finds", "actions")}
        out.append(_Incident(spec, onset, min(size / days, 0.08), profile / profile.sum(), texts))
    return out


def _choose_incident(order: list, lo_day: float, hi_day: float, first_day: int):
    """Take the incident for days lo_day..hi_day of the window out of ``order`` (seeded): the
    first whose season meets those days (rainstorms in the rainy season, school zoning before
    term), else the first one left.  Returns it, the stretch's days and the days that fit it."""
    span = np.arange(int(lo_day), int(hi_day) + 1)
    month = (span + first_day).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1

    def fitting_days(spec):
        return span if "months" not in spec else span[np.isin(month, spec["months"])]

    which = next((x for x in order if len(fitting_days(V.INCIDENTS[x]))), order[0])
    order.remove(which)
    spec = V.INCIDENTS[which]
    return spec, span, fitting_days(spec)


def _onset(spec: dict, span: np.ndarray, fitting: np.ndarray, stretch: tuple[float, float], duration: int,
           window: tuple[int, int], rng: np.random.Generator) -> int:
    """When an incident starts: a fitting day that leaves room for its duration in the stretch,
    an hour its kind happens at, and a minute; always inside the window."""
    (lo_day, hi_day), (start_s, end_s) = stretch, window
    candidates = fitting[fitting <= max(hi_day - duration, lo_day)]
    if len(candidates) == 0:
        candidates = span[:1]
    onset_day = int(candidates[int(rng.integers(len(candidates)))])
    onset_hour = int(rng.integers(spec["hours"][0], spec["hours"][1] + 1))
    onset = (start_s // _DAY + onset_day) * _DAY + onset_hour * _HOUR + int(rng.integers(0, 60)) * 60
    onset = int(min(max(onset, start_s + _HOUR), end_s - duration * _DAY - _HOUR))
    return max(onset, start_s)


def _incident_names(rng: np.random.Generator) -> dict:
    """marker -> the one estate, road, plant … that every item of an incident names."""
    names = {}
    for marker, (pool, suffix) in V.INCIDENT_MARKERS.items():
        values = getattr(V, pool)
        names[marker] = values[int(rng.integers(len(values)))] + suffix
    return names


def _named(templates: list, names: dict) -> list:
    out = []
    for text in templates:
        for marker, value in names.items():
            text = text.replace(marker, value)
        out.append(text)
    return out


def _incident_profile(cells: _Cells, social: np.ndarray, onset: int, duration: int) -> np.ndarray:
    """Relative volume of an incident per cell: a peak at its onset decaying over its duration
    (longer incidents decay slower), following the hours people are online."""
    age = cells.start + cells.lo + cells.span / 2 - onset
    tau = (6 + 5 * duration) * _HOUR
    return np.where((age >= 0) & (age < duration * _DAY),
                    np.exp(-np.clip(age, 0, None) / tau) * (0.25 + social[cells.hour]), 0.0) * cells.span / _HOUR


def _component_cum(t: _Tables, normal: np.ndarray, shares: np.ndarray, profiles: list) -> np.ndarray:
    """Per cell, the cumulative item mass over components: the channels of ordinary items, then
    each incident's channels (incidents spread over channels by V.INCIDENT_CHANNELS)."""
    nch = len(t.channels)
    inc_mix = np.array([V.INCIDENT_CHANNELS.get(c, 0.0) for c in t.channels])
    weights = np.zeros((len(normal), nch * (1 + len(profiles))))
    weights[:, :nch] = normal * (1.0 - shares.sum()) / normal.sum()
    for j, profile in enumerate(profiles):
        weights[:, nch * (1 + j):nch * (2 + j)] = shares[j] * profile[:, None] * (inc_mix / inc_mix.sum())[None, :]
    return np.cumsum(weights, axis=1)


# --- one block of items ------------------------------------------------------------------

# channel -> (prefix, suffix) around a post number; example domains only.
_URL_FORMATS = {
    "留言板": ("https://liuyan.a-city.example/thread/", ""),
    "网站": ("https://www.a-city.example/hdjl/", ".html"),
    "论坛": ("https://bbs.a-city.example/t/", ""),
    "微博": ("https://weibo.example/status/", ""),
    "贴吧": ("https://tieba.example/p/", ""),
    "新闻": ("https://news.a-city.example/content/", ".html"),
}
_GIVEN_NAMES = ("晓", "明", "婷", "军", "丽", "涛", "静", "勇", "敏", "磊")


def _numbers(values: np.ndarray, width: int = 0) -> pa.Array:
    """Integers as decimal strings (zero-padded to `width`), vectorised in Arrow."""
    text = pc.cast(pa.array(values, pa.int64()), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def _strings(values) -> pd.api.extensions.ExtensionArray:
    """Python strings (None = missing) or an Arrow array -> pandas' default ``str`` array.

    Going through pyarrow is several times faster than pd.array(objects, dtype="str").
    """
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values, pa.large_string(), from_pandas=True)
    return pd.array(values, dtype="str")


def _labels(names: list, codes: np.ndarray) -> pa.Array:
    """Labels from a short vocabulary by code (-1 = missing), without building Python strings."""
    codes = np.asarray(codes, dtype=np.int64)
    return pc.take(pa.array(names, pa.large_string()), pa.array(codes, mask=codes < 0))


def _fill(templates: np.ndarray, rows: list) -> list:
    return [tpl.format(*row) for tpl, row in zip(templates, rows)]


def _digits(rng: np.random.Generator, count: int, width: int) -> list:
    """`count` strings of `width` random digits."""
    return ["".join(map(str, r)) for r in rng.integers(0, 10, (count, width))]


def _id_numbers(rng: np.random.Generator, count: int) -> list:
    """Resident ID numbers with a real birth date and a correct check character."""
    areas = rng.integers(0, len(V.ID_AREAS), count)
    births = (np.datetime64("1950-01-01") + rng.integers(0, 55 * 365, count)).astype(str)
    seqs = rng.integers(0, 1000, count)
    out = []
    for a, b, s in zip(areas, births, seqs):
        body = f"{V.ID_AREAS[a]}{b.replace('-', '')}{s:03d}"
        out.append(body + id_card_check_char(body))
    return out


def _personal_data(rng: np.random.Generator, count: int, persons: np.ndarray) -> list:
    """Sentences carrying a phone number, landline, e-mail or ID number (about 2% of items)."""
    kind = rng.choice(4, count, p=[0.45, 0.15, 0.15, 0.25])
    pick = rng.random(count)
    mobiles = [f"1{'3456789'[p]}{d}" for p, d in zip(rng.integers(0, 7, count), _digits(rng, count, 9))]
    grouped = rng.random(count) < 0.2
    landlines = [f"0731-8{d}" for d in _digits(rng, count, 7)]
    emails = [f"{V.EMAIL_NAMES[a]}{b}@{V.EMAIL_DOMAINS[c]}" for a, b, c in zip(
        rng.integers(0, len(V.EMAIL_NAMES), count), rng.integers(10, 9999, count),
        rng.integers(0, len(V.EMAIL_DOMAINS), count))]
    ids = _id_numbers(rng, count)
    out = []
    for i in range(count):
        if kind[i] == 0:
            value = mobiles[i] if not grouped[i] else f"{mobiles[i][:3]}-{mobiles[i][3:7]}-{mobiles[i][7:]}"
            pool = V.PII_MOBILE
        elif kind[i] == 1:
            value, pool = landlines[i], V.PII_LANDLINE
        elif kind[i] == 2:
            value, pool = emails[i], V.PII_EMAIL
        else:
            value, pool = ids[i], V.PII_ID
        text = pool[int(pick[i] * len(pool))]
        out.append(text.replace("{value}", value).replace("{person}", persons[i]))
    return out


def _lookalikes(rng: np.random.Generator, count: int) -> list:
    """Numbers that resemble personal data but are not: long order numbers, mistyped ID numbers."""
    bad_id = rng.random(count) < 0.3
    pick = rng.random(count)
    widths = rng.integers(19, 23, count)
    orders = [f"{first}{rest[:w - 1]}" for first, rest, w in
              zip(rng.integers(1, 10, count), _digits(rng, count, 22), widths)]
    ids = _id_numbers(rng, count)
    out = []
    for i in range(count):
        if bad_id[i]:
            good = ids[i][-1]
            wrong = "0" if good != "0" else "1"
            out.append(V.LOOKALIKE_BAD_ID[0].replace("{value}", ids[i][:-1] + wrong))
        else:
            pool = V.LOOKALIKE_ORDER
            out.append(pool[int(pick[i] * len(pool))].replace("{value}", orders[i]))
    return out


class _Draws:
    """Random draws for the ``m`` items of a block (or of its replied items).

    Every call draws from the one generator, so the order of the calls is the order of the
    draws; the demo's fingerprint pins it.  Keep calls in place when moving code around.
    """

    def __init__(self, rng: np.random.Generator, m: int, pools: dict):
        self.rng, self.m, self.pools = rng, m, pools

    def u(self) -> np.ndarray:
        """One uniform number in [0, 1) per item."""
        return self.rng.random(self.m)

    def pick(self, pool: str) -> np.ndarray:
        """One entry per item of the template pool named ``pool``, uniformly."""
        values = self.pools[pool]
        return values[self.rng.integers(0, len(values), self.m)]


@dataclass
class _Items:
    """The items of one block as arrays, filled in by the steps of _block in turn."""
    g: np.ndarray                # global row numbers
    secs: np.ndarray             # published at, epoch seconds (naive local time)
    ch: np.ndarray               # channel
    is_inc: np.ndarray           # part of an incident …
    inc_row: np.ndarray          # … which one (0 where not)
    sub: np.ndarray              # subcategory, its category, the region, the writing style and kind
    cat: np.ndarray
    region: np.ndarray
    style: np.ndarray
    kind: np.ndarray
    # _mark_invalid
    inv: np.ndarray = None       # _INV_* kind of invalid item
    dup: np.ndarray = None       # a repeat …
    src: np.ndarray = None       # … of this position in the block
    valid: np.ndarray = None
    # _route
    request: np.ndarray = None   # a request to the government (诉求), not web opinion (舆情)
    has_dept: np.ndarray = None  # a department answers …
    dept: np.ndarray = None      # … which one (0 where none)
    # _reply_times, _satisfaction
    reply_s: np.ndarray = None
    replied: np.ndarray = None
    boiler: np.ndarray = None    # answered with boilerplate
    sat: np.ndarray = None       # satisfaction code, -1 = unrated
    # _texts, then the rest of _block
    title: np.ndarray = None
    content: np.ndarray = None
    reply: np.ndarray = None
    author: np.ndarray = None
    source: np.ndarray = None    # index into the flattened t.ch_sources
    url: pa.Array = None
    likes: np.ndarray = None
    dislikes: np.ndarray = None


def _block(plan: _Plan, b: int) -> pd.DataFrame:
    """Rows ``b * BLOCK_SIZE`` … of the demo, drawn from their own generator, seeded by (seed, 1, b).

    The steps run in this order because each draws from that generator in turn.
    """
    t = _tables()
    lo = b * BLOCK_SIZE
    m = min(plan.n, lo + BLOCK_SIZE) - lo
    draw = _Draws(np.random.default_rng([plan.seed, 1, b]), m, t.pools)
    it = _place(t, plan, draw, np.arange(lo, lo + m, dtype=np.int64))
    _mark_invalid(t, draw, it)
    _route(t, plan, draw, it)
    _reply_times(t, plan, draw, it)
    _satisfaction(t, draw, it)
    _texts(t, plan, draw, it)
    it.author = _authors(t, draw.rng, m, it.style, it.ch)
    it.author[it.dup] = it.author[it.src[it.dup]]
    _source_and_url(t, plan, draw, it)
    _likes(t, draw, it)
    frame = pd.DataFrame(index=pd.RangeIndex(lo, lo + m))
    for name, values in _columns(t, plan, it).items():
        if name in TEXT_COLUMNS:
            frame[name] = _strings(values)
        elif name in ("likes", "dislikes"):
            frame[name] = np.asarray(values, dtype=np.int64)
        else:
            frame[name] = values
    return frame


def _place(t: _Tables, plan: _Plan, draw: _Draws, g: np.ndarray) -> _Items:
    """When, on which channel, in which incident if any, what about and where.

    Subcategories follow the season, regions the topic (rural vs urban); items of an incident
    take its subcategory and region.
    """
    # Item i takes the (i + u)/n quantile of the time distribution (see the module docstring),
    # then a component (ordinary channel or incident x channel) by that hour's weights.
    cell = _choice(plan.cell_cum, (g + draw.u()) / plan.n)
    comp = _row_choice(plan.comp_cum[cell], draw.u())
    secs = plan.cell_start[cell] + plan.cell_lo[cell] + (draw.u() * plan.cell_span[cell]).astype(np.int64)
    nch = len(t.channels)
    ch = comp % nch
    inc = comp // nch - 1
    is_inc = inc >= 0
    month = secs.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) % 12
    sub = _row_choice(t.sub_month_cum[month], draw.u())
    sub[is_inc] = plan.inc_sub[inc[is_inc]]
    region = _row_choice(t.sub_region_cum[sub], draw.u())
    region[is_inc] = plan.inc_region[inc[is_inc]]
    style = t.ch_style[ch]
    kind = _row_choice(t.kind_cum[style], draw.u())
    kind[is_inc] = _K_INCIDENT
    return _Items(g=g, secs=secs, ch=ch, is_inc=is_inc, inc_row=np.where(is_inc, inc, 0), sub=sub,
                  cat=t.sub_cat[sub], region=region, style=style, kind=kind)


def _mark_invalid(t: _Tables, draw: _Draws, it: _Items) -> None:
    """Invalid items: repeated submissions, advertising, unclear messages.  News is edited, so rarely.

    A repeat copies an earlier valid item of the block: its attributes here, its words and
    author once they are written.
    """
    m = len(it.g)
    invalid = draw.u() < np.where(it.style == _S_NEWS, 0.01, _INVALID_SHARE)
    ut = draw.u()
    inv = np.where(invalid, np.where(ut < 0.45, _INV_DUPLICATE, np.where(ut < 0.65, _INV_AD, _INV_UNCLEAR)), _INV_NONE)
    inv[invalid & it.is_inc] = _INV_DUPLICATE
    # Nobody dictates an advert to a hotline operator.
    inv[(inv == _INV_AD) & np.isin(it.ch, [t.channels.index(c) for c in ("热线", "电话", "传真")])] = _INV_UNCLEAR
    good_pos = np.flatnonzero(~invalid)
    back = draw.rng.integers(0, 20, m)
    src_k = np.searchsorted(good_pos, np.arange(m)) - 1 - back
    dup = inv == _INV_DUPLICATE
    # With no valid item far enough back to repeat, a would-be repeat is an unclear message.
    inv[dup & (src_k < 0)] = _INV_UNCLEAR
    dup = inv == _INV_DUPLICATE
    src = np.arange(m)
    if len(good_pos):
        src[dup] = good_pos[np.clip(src_k[dup], 0, len(good_pos) - 1)]
    for arr in (it.ch, it.sub, it.region, it.cat, it.style, it.kind, it.is_inc, it.inc_row):
        arr[dup] = arr[src[dup]]
    it.inv, it.dup, it.src, it.valid = inv, dup, src, inv == _INV_NONE


def _route(t: _Tables, plan: _Plan, draw: _Draws, it: _Items) -> None:
    """Who answers: valid requests go to a municipal department (by the subcategory's or the
    incident's routing) or back to their county or district; web opinion to nobody, unless a
    department took it up."""
    it.request = t.ch_request[it.ch] | (draw.u() < t.ch_picked_up[it.ch])
    route_cum, route_dept = t.route_cum[it.sub], t.route_dept[it.sub]
    if len(plan.inc_route_cum):     # a window of a day or two plans no incidents
        route_cum = np.where(it.is_inc[:, None], plan.inc_route_cum[it.inc_row], route_cum)
        route_dept = np.where(it.is_inc[:, None], plan.inc_route_dept[it.inc_row], route_dept)
    k = (route_cum <= draw.u()[:, None]).sum(axis=1)
    dept = np.where(k < 3, route_dept[np.arange(len(it.g)), np.minimum(k, 2)], -1)
    dept = np.where(dept < 0, t.county_dept_of_region[it.region], dept)
    dept[~(it.valid & it.request)] = -1
    it.has_dept = dept >= 0
    it.dept = np.where(it.has_dept, dept, 0)


def _reply_times(t: _Tables, plan: _Plan, draw: _Draws, it: _Items) -> None:
    """When the department replies: a lognormal lag by its tier and the channel, moved into
    office hours, never after the window's end.  Model departments (the honour list) answer
    everything in time; others leave some unanswered."""
    tier, d, secs = t.dept_tier, it.dept, it.secs
    never = draw.u() < tier["never"][d]
    median = tier["median_days"][d] * t.ch_lag[it.ch]
    lag_days = np.minimum(median * np.exp(tier["sigma"][d] * draw.rng.standard_normal(len(d))), _LATEST_REPLY_DAYS)
    lag = (lag_days * _DAY).astype(np.int64)
    raw = secs + np.maximum(lag, 600)
    day0 = raw // _DAY * _DAY
    wd = (raw // _DAY + 3) % 7
    to_monday = np.where(wd == 5, 2, np.where(wd == 6, 1, 0)) * _DAY
    office = day0 + to_monday + (8.5 * _HOUR + draw.u() * 9 * _HOUR).astype(np.int64)
    reply_s = np.where(office < secs + 600, raw, office)
    # A model department's reply due after the end was in fact given before it.
    fits = tier["never"][d] == 0
    squeezed = secs + ((plan.end_s - secs) * (0.3 + 0.65 * draw.u())).astype(np.int64)
    it.reply_s = np.where(fits & (reply_s > plan.end_s), squeezed, reply_s)
    it.replied = it.has_dept & ~never & (it.reply_s <= plan.end_s)


def _satisfaction(t: _Tables, draw: _Draws, it: _Items) -> None:
    """Boilerplate replies (never to praise) and the writer's rating: worse when late or
    boilerplate, always satisfied when praising, often none."""
    tier, d = t.dept_tier, it.dept
    late = (it.reply_s - it.secs) > _OVERDUE_DAYS * _DAY
    praise = it.kind == _K_PRAISE
    it.boiler = it.replied & (draw.u() < tier["boilerplate"][d]) & ~praise
    sat_cum = np.where(late[:, None], tier["sat_late_cum"][d], tier["sat_cum"][d])
    sat_cum = np.where(it.boiler[:, None], np.array([0.15, 0.45, 1.0])[None, :], sat_cum)
    sat = _row_choice(sat_cum, draw.u())
    sat[praise] = 0
    it.sat = np.where(it.replied & (draw.u() >= tier["unrated"][d]), sat, -1)


def _texts(t: _Tables, plan: _Plan, draw: _Draws, it: _Items) -> None:
    """Title, content and reply: templates by style and kind filled with slot values, personal
    data in a few, then the invalid items' own words."""
    rows, persons = _slot_rows(t, draw, it)
    title_t, pieces = _compose(t, plan, draw, it)
    templates = ["".join(p) for p in zip(*pieces)]
    content = np.array(_fill(templates, rows), dtype=object)
    title = np.array(_fill(title_t, rows), dtype=object)
    it.reply = np.full(len(it.g), None, dtype=object)
    where = np.flatnonzero(it.replied)
    if len(where):
        reply_t = _compose_reply(t, plan, draw.rng, len(where), it.kind[where], it.sub[where], it.inc_row[where],
                                 it.boiler[where])
        it.reply[where] = _fill(reply_t, [rows[i] for i in where])
    _add_personal_data(draw, it, content, persons)
    # Repeats take their source's words; ads and unclear messages their own.
    content[it.dup] = content[it.src[it.dup]]
    title[it.dup] = title[it.src[it.dup]]
    ad = it.inv == _INV_AD
    unclear = it.inv == _INV_UNCLEAR
    which = draw.rng.integers(0, len(V.ADS), len(it.g))
    title[ad] = t.pools["AD_TITLES"][which][ad]
    content[ad] = t.pools["AD_CONTENTS"][which][ad]
    title[unclear] = draw.pick("UNCLEAR_TITLES")[unclear]
    content[unclear] = draw.pick("UNCLEAR_CONTENTS")[unclear]
    it.title, it.content = title, content


def _slot_rows(t: _Tables, draw: _Draws, it: _Items) -> tuple[list, np.ndarray]:
    """Per item, the values of the template slots in V.SLOTS order; and the person named."""
    persons = draw.pick("SURNAMES") + np.where(draw.u() < 0.5, "先生", "女士")
    dept_names = np.array(t.departments + ["相关部门"], dtype=object)[np.where(it.has_dept, it.dept,
                                                                               len(t.departments))]
    pick, u, sub, cat = draw.pick, draw.u, it.sub, it.cat
    slots = {
        "region": np.array(t.regions, dtype=object)[it.region], "town": t.region_town.pick(it.region, u()),
        "estate": pick("ESTATES"), "road": pick("ROADS"), "school": pick("SCHOOLS"), "firm": pick("FIRMS"),
        "hospital": pick("HOSPITALS"), "village": pick("VILLAGES"), "bus": pick("BUS_LINES"),
        "dur": pick("DURATIONS"), "money": pick("MONEYS"), "num": pick("NUMS"), "month": pick("MONTHS"),
        "shop": t.sub_shops.pick(sub, u()), "person": persons, "dept": dept_names, "topic": t.sub_topic[sub],
        "policy": t.cat_policies.pick(cat, u()), "meeting": pick("MEETINGS"), "pledge": t.cat_pledges.pick(cat, u()),
    }
    return list(zip(*(slots[name] for name in V.SLOTS))), persons


def _add_personal_data(draw: _Draws, it: _Items, content: np.ndarray, persons: np.ndarray) -> None:
    """Personal data in about 2% of genuine items, look-alike numbers in a few more (not in
    news reports: editors do not print readers' phone numbers)."""
    rng = draw.rng
    up = np.where(it.style == _S_NEWS, 1.0, draw.u())
    for mask, make in (((up < _PII_SHARE) & it.valid, lambda c, idx: _personal_data(rng, c, persons[idx])),
                       ((up >= _PII_SHARE) & (up < _PII_SHARE + _LOOKALIKE_SHARE) & it.valid,
                        lambda c, idx: _lookalikes(rng, c))):
        idx = np.flatnonzero(mask)
        if len(idx):
            content[idx] = content[idx] + np.array(make(len(idx), idx), dtype=object)


def _source_and_url(t: _Tables, plan: _Plan, draw: _Draws, it: _Items) -> None:
    """The source within the channel (by its weights) and a URL on an example domain."""
    source_offset = np.cumsum([0] + [len(x) for x in t.ch_sources])[:-1]
    it.source = source_offset[it.ch] + _row_choice(t.ch_source_cum[it.ch], draw.u())
    prefix, suffix = (np.array([_URL_FORMATS.get(c, (None, None))[i] for c in t.channels], dtype=object)[it.ch]
                      for i in (0, 1))
    # Post numbers differ between seeds, like the ids.
    post = 10_000_000 * (plan.seed % 1_000_000 + 1) + it.g + 1
    it.url = pc.binary_join_element_wise(pa.array(prefix, pa.string()), _numbers(post),
                                         pa.array(suffix, pa.string()), "")


def _likes(t: _Tables, draw: _Draws, it: _Items) -> None:
    """Likes: heavy-tailed and mostly zero; incident posts travel much further."""
    rng, u, is_inc = draw.rng, draw.u, it.is_inc
    p_like, scale, alpha = t.ch_likes[it.ch].T
    boost = np.where(is_inc, 8.0, 1.0)
    p_like = np.where(is_inc & (p_like > 0), np.minimum(p_like + 0.3, 0.95), p_like)
    it.likes = np.where(u() < p_like, np.ceil(scale * boost * rng.pareto(alpha)), 0)
    it.dislikes = np.where(u() < p_like * 0.25, np.ceil(0.5 * scale * boost * rng.pareto(1.6, len(it.g))), 0)


def _columns(t: _Tables, plan: _Plan, it: _Items) -> dict:
    """The block's items in CANONICAL_COLUMNS: codes become labels, seconds become timestamps."""
    width = max(7, len(str(plan.n)))
    replied_at = it.reply_s.astype("datetime64[s]").astype("datetime64[us]")
    replied_at[~it.replied] = np.datetime64("NaT")
    ad = it.inv == _INV_AD
    unclassified = ad | (it.inv == _INV_UNCLEAR)
    department = np.where(it.has_dept, it.dept, -1)
    columns = {
        "id": pc.binary_join_element_wise(f"DEMO-{plan.seed}-", _numbers(it.g + 1, width), ""),
        "title": it.title, "content": it.content,
        "published_at": it.secs.astype("datetime64[s]").astype("datetime64[us]"),
        "channel": _labels(t.channels, it.ch),
        "source": _labels([x for names in t.ch_sources for x in names], it.source),
        "category": _labels(t.categories, np.where(unclassified, -1, it.cat)),
        "subcategory": _labels(t.subs, np.where(unclassified, -1, it.sub)),
        "region": _labels(t.regions, np.where(ad, -1, it.region)),
        "department": _labels(t.departments, department), "department_level": _labels(t.dept_level, department),
        "is_valid": it.valid, "replied_at": replied_at, "reply_content": it.reply,
        "satisfaction": _labels(["满意", "基本满意", "不满意"], it.sat),
        "sentiment": pa.nulls(len(it.g), pa.large_string()), "author": it.author,
        "likes": np.minimum(it.likes, 500_000), "dislikes": np.minimum(it.dislikes, 50_000), "url": it.url,
        # requests (诉求: request channels, and the web items a department took up) and web opinion (舆情)
        "kind": np.where(it.request, "诉求", "舆情").astype(object),
    }
    return {name: columns[name] for name in CANONICAL_COLUMNS}


def _cycle(values: np.ndarray, u: np.ndarray, step: int) -> np.ndarray:
    """Entry floor(u*len)+step (mod len) of a flat pool: consecutive, distinct sentences per item."""
    n = len(values)
    return values[(np.minimum((u * n).astype(np.int64), n - 1) + step) % n]


# Content pieces, in reading order; every item fills some of them.
_PIECES = ("opener", "intro", "lead", "body1", "body2", "body3", "body4", "body5", "evidence", "consequence",
           "impact", "detail",
           "attempt", "demand", "ask", "closer")
_NUMERALS = ("一", "二", "三")


class _Writer:
    """The title templates and content pieces (see _PIECES) of a block's items as they are
    written, and what the kinds of item share: who writes how, and material drawn for all."""

    # Material several kinds use, drawn for every item by _shared_material.
    start: np.ndarray            # where in its subcategory's problems an item starts …
    n_problems: np.ndarray       # … of how many
    problem: list                # problems start, start + 1, … (4, wrapping round)
    more: np.ndarray             # one draw that makes several pieces likelier together: a longer text
    intro: np.ndarray
    detail: np.ndarray
    ask: np.ndarray
    demands: np.ndarray

    def __init__(self, t: _Tables, plan: _Plan, draw: _Draws, it: _Items):
        self.t, self.plan, self.draw = t, plan, draw
        self.sub, self.cat, self.inc_row = it.sub, it.cat, it.inc_row
        m = len(it.sub)
        self.title = np.full(m, "", dtype=object)
        self.pieces = {name: np.full(m, "", dtype=object) for name in _PIECES}
        self.request = it.style == _S_REQ                      # a letter or call to the government
        self.talk = self.request | (it.style == _S_FORUM)      # told at length, in the first person
        self.weibo = it.style == _S_WEIBO
        self.news = it.style == _S_NEWS
        self.spoken = np.isin(it.ch, [t.channels.index("热线"), t.channels.index("电话")])  # an operator writes

    def put(self, name: str, mask: np.ndarray, values) -> None:
        """Piece ``name`` of the items in ``mask`` (replacing what an earlier step put there)."""
        self.pieces[name][mask] = values[mask] if isinstance(values, np.ndarray) else values


def _compose(t: _Tables, plan: _Plan, draw: _Draws, it: _Items):
    """Title template and content pieces (see _PIECES) per item, by writing style and kind.

    Every step draws for all items and keeps the draws for its own; so a step's draws do not
    depend on how many items are of its kind, and the steps keep this order.
    """
    w = _Writer(t, plan, draw, it)
    _openers_and_closers(w, it.style)
    _shared_material(w)
    _complaints(w, it.kind == _K_COMPLAINT)
    _consultations(w, it.kind == _K_CONSULT)
    _suggestions(w, it.kind == _K_SUGGEST)
    _praise(w, it.kind == _K_PRAISE)
    _policy_opinions(w, it.kind == _K_POLICY)
    _meeting_opinions(w, it.kind == _K_MEETING)
    _incident_reports(w, it.kind == _K_INCIDENT)
    _as_news(w, it.kind)
    return w.title, [w.pieces[name] for name in _PIECES]


def _openers_and_closers(w: _Writer, style: np.ndarray) -> None:
    """By writing style; an operator's own formulas on the hotline and the phone."""
    everyone = np.ones(len(style), dtype=bool)
    w.put("opener", everyone, w.t.openers.pick(style, w.draw.u()))
    w.put("closer", everyone, w.t.closers.pick(style, w.draw.u()))
    w.put("opener", w.spoken, w.draw.pick("HOTLINE_OPENERS"))
    w.put("closer", w.spoken, w.draw.pick("HOTLINE_CLOSERS"))


def _shared_material(w: _Writer) -> None:
    t, sub, u, pick = w.t, w.sub, w.draw.u, w.draw.pick
    w.start = u()
    w.n_problems = t.sub_problems.length[sub]
    w.problem = [t.sub_problems.pick(sub, w.start, i) for i in range(4)]
    w.more = u()
    w.intro = t.sub_intros.pick(sub, u()) + np.where(u() < 0.6, pick("BACKGROUNDS"), "")
    w.detail = pick("DETAILS")
    w.ask = pick("EXPECTATIONS") + pick("ASKS")
    w.demands = _demand_lists()[w.draw.rng.integers(0, len(V.DEMANDS), len(sub))]


def _complaints(w: _Writer, c: np.ndarray) -> None:
    """Who I am, what is wrong and for how long, whom I asked, what I want."""
    t, sub, u, pick, put = w.t, w.sub, w.draw.u, w.draw.pick, w.put
    talk, news, request, weibo, more, problem = w.talk, w.news, w.request, w.weibo, w.more, w.problem
    # Title i announces problem i, so the title matches what the text complains about.
    first = np.minimum((w.start * w.n_problems).astype(np.int64), w.n_problems - 1)
    titled = first < t.sub_titles.length[sub]
    specific = t.sub_titles.flat[t.sub_titles.offset[sub] + np.where(titled, first, 0)]
    generic = ~titled | (u() < 0.15)
    w.title[c] = np.where(generic, pick("GENERIC_TITLES"), specific)[c]
    news_title = c & news & (u() < 0.5)
    w.title[news_title] = pick("NEWS_TITLES")[news_title]
    put("intro", c & talk, w.intro)
    put("lead", c & talk, pick("DURATION_PHRASES"))
    put("body1", c, problem[0])
    put("body2", c, problem[1])
    joined = np.where(u() < 0.5, pick("CONNECTORS"), "")
    put("body3", c & (talk | news | (more < 0.4)), joined + problem[2])
    put("body4", c & talk & (w.n_problems >= 4) & (more < 0.8), problem[3])
    _complaint_particulars(w, c)
    put("attempt", c & talk, pick("ATTEMPTS"))
    put("demand", c & request & (u() < 0.45), w.demands)
    put("ask", c & (request | (weibo & (u() < 0.5))), w.ask)


def _complaint_particulars(w: _Writer, c: np.ndarray) -> None:
    """Evidence, consequences, impact and details of a complaint.  Long letters (a right tail,
    as in real message boards) pile up particulars and consequences."""
    t, cat, pools, u, pick, put = w.t, w.cat, w.t.pools, w.draw.u, w.draw.pick, w.put
    talk, news, weibo, more = w.talk, w.news, w.weibo, w.more
    long_letter = talk & (u() < 0.35)
    evidence_start, consequence_start = u(), u()
    # Placed categories (a road, an estate) cite evidence with a place; the others without.
    placed = t.cat_placed[cat]
    evidence = np.where(placed, _cycle(pools["EVIDENCE"], evidence_start, 0),
                        _cycle(pools["EVIDENCE_UNPLACED"], evidence_start, 0))
    further = np.where(placed, _cycle(pools["EVIDENCE"], evidence_start, 1),
                       _cycle(pools["EVIDENCE_UNPLACED"], evidence_start, 1))
    evidence[long_letter] = (evidence + further)[long_letter]
    consequence = t.cat_consequences.pick(cat, consequence_start, 0)
    consequence[long_letter] = (consequence + t.cat_consequences.pick(cat, consequence_start, 1))[long_letter]
    put("evidence", c & talk & (long_letter | (u() < 0.7)), evidence)
    put("consequence", c & ~news & (long_letter | (u() < 0.7)), consequence)
    put("impact", c & ~news, pick("IMPACTS"))
    detail_start = u()
    details = (_cycle(pools["DETAILS"], detail_start, 0)
               + np.where(u() < 0.5, _cycle(pools["DETAILS"], detail_start, 1), ""))
    put("detail", c & (talk | (weibo & (more < 0.5))) & (u() < 0.8), details)


def _consultations(w: _Writer, q: np.ndarray) -> None:
    """A question about the subcategory's rules, with the writer's situation."""
    t, u, pick, put = w.t, w.draw.u, w.draw.pick, w.put
    index = t.sub_consults.index(w.sub, u())
    w.title[q] = t.sub_consult_titles[index][q]
    put("intro", q & ~w.weibo, w.intro)
    put("body1", q, w.problem[0])
    put("body2", q & (w.more < 0.7), w.problem[1])
    put("evidence", q & w.talk & (u() < 0.3), pick("EVIDENCE_UNPLACED"))
    put("body3", q, pick("CONSULT_LEADS") + t.sub_consults.flat[index])
    put("detail", q & (u() < 0.8), pick("CONSULT_CONTEXTS"))
    put("ask", q & w.request, pick("CONSULT_TAILS"))
    # A written consultation ends with its question; on the phone the operator's closing stays.
    put("closer", q & w.request & ~w.spoken, "")


def _suggestions(w: _Writer, s: np.ndarray) -> None:
    t, u, pick, put = w.t, w.draw.u, w.draw.pick, w.put
    index = t.sub_suggests.index(w.sub, u())
    w.title[s] = t.sub_suggest_titles[index][s]
    put("lead", s, pick("SUGGEST_LEADS"))
    put("body1", s, w.problem[0])
    put("body2", s & (w.more < 0.7), w.problem[1])
    put("body3", s, t.sub_suggests.flat[index])
    put("body4", s, pick("SUGGEST_EXTRAS"))
    put("ask", s, pick("SUGGEST_TAILS"))


def _praise(w: _Writer, p: np.ndarray) -> None:
    w.title[p] = w.draw.pick("PRAISE_TITLES")[p]
    start = w.draw.u()
    for i in range(5):
        w.put(f"body{i + 1}", p & ((i < 4) | (w.more < 0.5)), _cycle(w.t.pools["PRAISE_SENTENCES"], start, i))


def _policy_opinions(w: _Writer, y: np.ndarray) -> None:
    """Opinions on the category's policies, grounded in one's own problem."""
    u, pick, put = w.draw.u, w.draw.pick, w.put
    w.title[y] = pick("POLICY_TITLES")[y]
    put("lead", y, pick("POLICY_LEADS"))
    start = u()
    for i in range(3):
        put(f"body{i + 1}", y & ((i < 2) | (w.more < 0.6)), w.t.cat_concerns.pick(w.cat, start, i))
    put("body4", y & (u() < 0.7), "就拿我身边的事来说，" + w.problem[0])
    put("ask", y, pick("POLICY_TAILS"))


def _meeting_opinions(w: _Writer, e: np.ndarray) -> None:
    w.title[e] = w.draw.pick("MEETING_TITLES")[e]
    start = w.draw.u()
    for i in range(5):
        w.put(f"body{i + 1}", e, _cycle(w.t.pools["MEETING_SENTENCES"], start, i))


def _incident_reports(w: _Writer, n: np.ndarray) -> None:
    """Incidents share their vocabulary: the same plant, estate or line in every item.  Most
    writers begin with what happened (sentence 0), others with what upsets them most."""
    plan, inc_row, u, pick, put = w.plan, w.inc_row, w.draw.u, w.draw.pick, w.put
    w.title[n] = plan.inc_titles.pick(inc_row, u())[n]
    start = u() ** 3
    for i in range(5):
        put(f"body{i + 1}", n & ((i < 4) | (w.more < 0.5)), plan.inc_sentences.pick(inc_row, start, i))
    put("impact", n & (u() < 0.5), pick("IMPACTS"))
    put("detail", n & w.talk & (u() < 0.5), w.detail)
    put("demand", n & w.request & (u() < 0.3), w.demands)
    put("ask", n & w.request, w.ask)


def _as_news(w: _Writer, kind: np.ndarray) -> None:
    """News: a reporter quotes the citizen's own words; opinions run as readers' letters."""
    quoted = w.news & ((kind == _K_COMPLAINT) | (kind == _K_INCIDENT))
    w.put("intro", quoted, "“")
    w.put("impact", quoted, "”" + w.draw.pick("NEWS_QUOTE_TAILS") + w.draw.pick("NEWS_MIDDLES"))
    w.put("opener", w.news & ~quoted, w.draw.pick("LETTER_OPENERS"))


@lru_cache(maxsize=1)
def _demand_lists() -> np.ndarray:
    """"我们的诉求是：一、a；二、b；三、c。" for each run of three consecutive demands."""
    demands = V.DEMANDS
    out = []
    for k in range(len(demands)):
        parts = [f"{_NUMERALS[i]}、{demands[(k + i) % len(demands)]}" for i in range(3)]
        out.append("我们的诉求是：" + "；".join(parts) + "。")
    return _arr(out)


def _compose_reply(t: _Tables, plan: _Plan, rng: np.random.Generator, m: int, kind, sub, inc_row, boiler):
    """Reply templates in official style, specific to the subcategory or incident."""
    draw = _Draws(rng, m, t.pools)
    u, pick = draw.u, draw.pick
    # Finds and actions are written in pairs: action i follows from finding i.
    pair = u()
    incident = kind == _K_INCIDENT
    find = np.where(incident, plan.inc_finds.pick(inc_row, pair), t.sub_finds.pick(sub, pair))
    action = np.where(incident, plan.inc_actions.pick(inc_row, pair), t.sub_actions.pick(sub, pair))
    checked = np.array([f.startswith("经") for f in find], dtype=bool)
    check = np.where(checked, "", pick("REPLY_CHECKS"))
    body = check + find + "。" + action + "。"
    body = np.where(kind == _K_CONSULT, pick("CONSULT_ANSWERS"), body)
    body = np.where((kind == _K_SUGGEST) | (kind == _K_MEETING), pick("SUGGEST_ANSWERS"), body)
    body = np.where(kind == _K_PRAISE, pick("PRAISE_ANSWERS"), body)
    body = np.where(kind == _K_POLICY, pick("POLICY_ANSWERS"), body)
    reply = pick("REPLY_OPENERS") + body + pick("REPLY_CLOSERS")
    return np.where(boiler, pick("REPLY_BOILERPLATE"), reply)


def _authors(t: _Tables, rng: np.random.Generator, m: int, style, ch) -> np.ndarray:
    """User ids on government channels (a few frequent writers), nicknames online, reporters in news."""
    pools = t.pools
    u = rng.random(m)
    uid = np.where(u < 0.08, rng.integers(1000, 1300, m), rng.integers(1, 10_000_000, m))
    nick = (pools["NICK_HEADS"][rng.integers(0, len(V.NICK_HEADS), m)]
            + pools["NICK_TAILS"][rng.integers(0, len(V.NICK_TAILS), m)])
    digits = rng.integers(10, 10_000, m)
    with_digits = rng.random(m) < 0.5
    reporter = (pools["REPORTER_NAMES"][rng.integers(0, len(V.REPORTER_NAMES), m)] + " "
                + pools["SURNAMES"][rng.integers(0, len(V.SURNAMES), m)]
                + np.array(_GIVEN_NAMES, dtype=object)[rng.integers(0, len(_GIVEN_NAMES), m)])
    out = np.full(m, None, dtype=object)
    request = style == _S_REQ
    out[request] = [f"U{x:07d}" for x in uid[request]]
    social = (style == _S_WEIBO) | (style == _S_FORUM)
    out[social] = [f"{a}{b}" if w else a for a, b, w in zip(nick[social], digits[social], with_digits[social])]
    news = style == _S_NEWS
    out[news] = reporter[news]
    out[request & (u > 0.97)] = None   # anonymous callers and writers
    return out


# --- public API ------------------------------------------------------------------------


def _checked(n: int, days: int, seed: int, end: datetime | None) -> tuple[int, int, int, int]:
    if int(n) != n or n < 0:
        raise ValueError(f"n must be a whole number >= 0, got {n!r}")
    if int(days) != days or days < 1:
        raise ValueError(f"days must be a whole number >= 1, got {days!r}")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    end = default_end() if end is None else end
    if not isinstance(end, datetime):   # pandas.Timestamp is a datetime; a date is not enough
        raise TypeError(f"end must be a datetime, got {type(end).__name__}")
    return int(n), int(days), int(seed), _to_seconds(end)


def iter_item_batches(n: int, days: int = 180, seed: int = 42, end: datetime | None = None,
                      batch_size: int = 100_000) -> Iterator[pd.DataFrame]:
    """Yield the rows of ``generate_items(n, days, seed, end)`` in batches of exactly ``batch_size``
    rows (the last may be shorter).  Each batch keeps its global row positions as index, so
    ``pd.concat(batches)`` equals ``generate_items(...)``.  At most one internal block
    (BLOCK_SIZE rows) plus one batch are held at a time.
    """
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    n, days, seed, end_s = _checked(n, days, seed, end)
    if n == 0:
        return
    plan = _plan(n, days, seed, end_s)
    pending: list[pd.DataFrame] = []
    held = 0
    for b in range((n + BLOCK_SIZE - 1) // BLOCK_SIZE):
        block = _block(plan, b)
        while len(block):
            take = min(batch_size - held, len(block))
            pending.append(block.iloc[:take])
            block = block.iloc[take:]
            held += take
            if held == batch_size:
                yield pending[0] if len(pending) == 1 else pd.concat(pending)
                pending, held = [], 0
    if pending:
        yield pending[0] if len(pending) == 1 else pd.concat(pending)


def generate_items(n: int, days: int = 180, seed: int = 42, end: datetime | None = None) -> pd.DataFrame:
    """``n`` fictional items over the ``days`` days ending at ``end`` (default: the latest 08:00
    local time), in CANONICAL_COLUMNS.  The same arguments always give the same frame.

    Text columns use pandas' ``str`` dtype (missing = NA); ``published_at``/``replied_at`` are
    naive Asia/Shanghai ``datetime64[us]``; ``sentiment`` is always missing (scored later).
    """
    n, days, seed, end_s = _checked(n, days, seed, end)
    if n == 0:
        frame = pd.DataFrame({c: pd.array([], dtype="str") for c in TEXT_COLUMNS})
        frame["published_at"] = frame["replied_at"] = np.array([], dtype="datetime64[us]")
        frame["is_valid"] = np.array([], dtype=bool)
        frame["likes"] = frame["dislikes"] = np.array([], dtype=np.int64)
        return frame[CANONICAL_COLUMNS]
    end = datetime(1970, 1, 1) + timedelta(seconds=end_s)
    return pd.concat(list(iter_item_batches(n, days, seed, end, batch_size=BLOCK_SIZE)))


def planned_incidents(n: int, days: int = 180, seed: int = 42, end: datetime | None = None) -> pd.DataFrame:
    """The incidents (bursts) that ``generate_items`` with the same arguments contains: ground
    truth for checking hot-topic grouping and spike alerts.  One row per incident, by onset."""
    n, days, seed, end_s = _checked(n, days, seed, end)
    plan = _plan(max(n, 1), days, seed, end_s)
    specs = {spec["key"]: spec for spec in V.INCIDENTS}
    rows = [dict(key=key, name=specs[key]["name"], kind=specs[key]["kind"], category=specs[key]["category"],
                 subcategory=specs[key]["subcategory"], region=specs[key]["region"],
                 onset=pd.Timestamp(int(onset), unit="s"), expected_items=round(share * n))
            for key, onset, share in zip(plan.incidents, plan.inc_onset, plan.inc_share)]
    columns = ["key", "name", "kind", "category", "subcategory", "region", "onset", "expected_items"]
    return pd.DataFrame(rows, columns=columns).sort_values("onset", ignore_index=True)
