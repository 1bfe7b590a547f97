"""Time series and category counts shaped for charts and cards: zero-filled buckets, capped series,
the previous period aligned under the current one, spike marks, negative share, the category tree
with shares and changes. Pure pandas: no streamlit, no plotly.

Spike rule (趋势 page, any time grain): a bucket is marked 突增 when it has at least `min_items` (5)
items and more than mean + `k` (2) × standard deviation of the `window` (14) buckets before it.
Empty buckets count as 0, buckets before the store's first item do not count, and a bucket with
fewer than `min_baseline` (7) baseline buckets is never marked. (Alerts — core/analytics/alerts.py, the 热点与预警
page — use their own, stricter daily rule per category/region/…; this one only marks the chart.)
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import pandas as pd

from dashboard.core.filters import (
    UNLABELLED_VALUES,
    Period,
    bucket_labels,
    bucket_of,
    bucket_period,
)

SENTIMENT_ORDER = ("正面", "中性", "负面", "未评分")

SERIES_LIMIT = 8        # series beyond this are merged into one '其余 N 项' mark

SPIKE_WINDOW = 14

SPIKE_K = 2.0

SPIKE_MIN_ITEMS = 5

SPIKE_MIN_BASELINE = 7

# grain -> (the bucket as a noun, "N of them" counter): 天 / 14 天, 小时 / 14 个小时 …
SPIKE_UNITS = {"hour": ("小时", "个小时"), "day": ("天", "天"), "week": ("周", "周"), "month": ("月", "个月")}


def spike_rule(grain: str) -> str:
    """The spike rule in one Chinese sentence, for the caption under the chart."""
    noun, counter = SPIKE_UNITS[grain]
    return (f"▼ 突增：该{noun}条目数 ≥ {SPIKE_MIN_ITEMS}，且高于此前 {SPIKE_WINDOW} {counter}的均值 + "
            f"{SPIKE_K:g} 倍标准差（没有条目的{noun}按 0 计，数据开始之前的不计；此前不足 {SPIKE_MIN_BASELINE} "
            f"{counter}时不标记）。")


def others_label(count: int) -> str:
    return f"其余 {count} 项"


def fill_buckets(frame: pd.DataFrame, period: Period | None, grain: str, day_start_hour: int = 0) -> pd.DataFrame:
    """queries/trends/volume rows → every (bucket, series) of the period, empty buckets as 0."""
    frame = frame[["bucket", "series", "items"]].copy()
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    if period is None:
        if frame.empty:
            return frame.assign(items=frame["items"].astype("int64"))
        period = Period(frame["bucket"].min().to_pydatetime(),
                        bucket_period(frame["bucket"].max(), grain, day_start_hour).end)
    labels = pd.DatetimeIndex(bucket_labels(period, grain, day_start_hour), name="bucket")
    series = list(dict.fromkeys(frame["series"])) or ["全部"]
    grid = pd.MultiIndex.from_product([labels, series], names=["bucket", "series"])
    filled = (frame.groupby(["bucket", "series"])["items"].sum()
              .reindex(grid, fill_value=0).reset_index())
    filled["items"] = filled["items"].astype("int64")
    return filled


def cap_series(frame: pd.DataFrame, limit: int = SERIES_LIMIT) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Keep the `limit` largest series; merge the rest into '其余 N 项'. Returns the frame and, for the
    merged mark, the values it stands for (so a click on it selects exactly those)."""
    totals = frame.groupby("series")["items"].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= limit:
        return frame, {}
    keep = list(totals.index[: limit - 1])
    rest = tuple(totals.index[limit - 1:])
    label = others_label(len(rest))
    merged = frame.assign(series=frame["series"].where(frame["series"].isin(keep), label))
    merged = merged.groupby(["bucket", "series"], as_index=False)["items"].sum()
    return merged, {label: rest}


def by_size(totals: pd.Series) -> list[str]:
    """Values by total, largest first; '其余 N 项' and unlabelled values (未分类 / 未标注 / 未评分) last."""
    last = set(UNLABELLED_VALUES.values())
    return sorted(totals.index, key=lambda v: (v.startswith("其余 ") or v in last, -int(totals[v]), v))


def series_order(frame: pd.DataFrame, dimension: str | None) -> list[str]:
    """Sentiment in its fixed order; other series by total, largest first; merged and unlabelled last."""
    names = list(dict.fromkeys(frame["series"]))
    if dimension == "sentiment":
        return [s for s in SENTIMENT_ORDER if s in names] + [s for s in names if s not in SENTIMENT_ORDER]
    return by_size(frame.groupby("series")["items"].sum().reindex(names, fill_value=0))


def baseline_period(period: Period, grain: str, window: int = SPIKE_WINDOW) -> Period:
    """The period to query for spike baselines: `window` buckets before `period`, and `period`."""
    if grain == "hour":
        back = timedelta(hours=window)
    elif grain == "day":
        back = timedelta(days=window)
    elif grain == "week":
        back = timedelta(days=7 * window)
    else:
        back = timedelta(days=31 * window)
    return Period(period.start - back, period.end)


def find_spikes(totals: pd.DataFrame, period: Period, grain: str, day_start_hour: int = 0,
                first_data: datetime | None = None, window: int = SPIKE_WINDOW, k: float = SPIKE_K,
                min_items: int = SPIKE_MIN_ITEMS, min_baseline: int = SPIKE_MIN_BASELINE) -> pd.DataFrame:
    """Mark spikes (module docstring). `totals`: (bucket, items) over baseline_period(period) — the
    rows of queries/trends/volume with no dimension. Returns one row per bucket of `period`: bucket,
    items, mean, sd, threshold, baseline (how many buckets the baseline had), spike."""
    extended = baseline_period(period, grain, window)
    labels = bucket_labels(extended, grain, day_start_hour)
    counts = pd.Series(0, index=pd.DatetimeIndex(labels, name="bucket"), dtype="int64")
    if not totals.empty:
        given = totals.assign(bucket=pd.to_datetime(totals["bucket"])).groupby("bucket")["items"].sum()
        given = given[given.index.isin(counts.index)]
        counts.loc[given.index] = given.astype("int64")
    known = pd.Series(True, index=counts.index)
    if first_data is not None and not pd.isna(first_data):
        first_data = pd.Timestamp(first_data).to_pydatetime()
        first_bucket = pd.Timestamp(bucket_period(bucket_of(first_data, grain, day_start_hour), grain,
                                                  day_start_hour).start)
        starts = pd.Series([bucket_period(b, grain, day_start_hour).start for b in counts.index], index=counts.index)
        known = pd.to_datetime(starts) >= first_bucket
    baseline_values = counts.where(known)
    shifted = baseline_values.shift(1)
    mean = shifted.rolling(window, min_periods=1).mean()
    sd = shifted.rolling(window, min_periods=1).std(ddof=0)
    n = shifted.rolling(window, min_periods=1).count()
    threshold = mean + k * sd
    out = pd.DataFrame({"items": counts, "mean": mean, "sd": sd, "threshold": threshold, "baseline": n})
    out["baseline"] = out["baseline"].fillna(0).astype("int64")
    out["spike"] = ((out["items"] >= min_items) & (out["baseline"] >= min_baseline)
                    & (out["items"] > out["threshold"].fillna(math.inf)))
    inside = [bucket_period(b, grain, day_start_hour).start < period.end
              and bucket_period(b, grain, day_start_hour).end > period.start for b in out.index]
    return out[inside].reset_index()


def align_previous(current: Period, previous_totals: pd.DataFrame, grain: str,
                   day_start_hour: int = 0) -> pd.DataFrame:
    """The previous equal period (current.previous()) laid under the current one bucket by bucket:
    the i-th bucket of the previous period is drawn at the i-th bucket of the current one.
    Returns bucket (where it is drawn), previous_bucket (what it counts) and items."""
    previous = current.previous()
    now_labels = bucket_labels(current, grain, day_start_hour)
    before_labels = bucket_labels(previous, grain, day_start_hour)
    counts = {}
    if not previous_totals.empty:
        counts = (previous_totals.assign(bucket=pd.to_datetime(previous_totals["bucket"]))
                  .groupby("bucket")["items"].sum().to_dict())
    rows = [{"bucket": pd.Timestamp(a), "previous_bucket": pd.Timestamp(b), "items": int(counts.get(pd.Timestamp(b), 0))}
            for a, b in zip(now_labels, before_labels)]
    return pd.DataFrame(rows, columns=["bucket", "previous_bucket", "items"])


def negative_share(frame: pd.DataFrame) -> pd.DataFrame:
    """Volume by sentiment (fill_buckets with dimension 'sentiment') → per bucket: negative, scored
    (items with a sentiment) and share = negative ÷ scored (NaN when nothing was scored)."""
    pivot = frame.pivot_table(index="bucket", columns="series", values="items", aggfunc="sum", fill_value=0)
    negative = pivot["负面"] if "负面" in pivot.columns else pd.Series(0, index=pivot.index)
    scored = pivot[[c for c in pivot.columns if c != "未评分"]].sum(axis=1)
    out = pd.DataFrame({"negative": negative.astype("int64"), "scored": scored.astype("int64")})
    out["share"] = (out["negative"] / out["scored"]).where(out["scored"] > 0)
    return out.reset_index()


def change_text(current: float, previous: float | None, min_denominator: int) -> str:
    """环比 as text: '+12.5%', '新出现', '—', or the difference when the base is tiny ('+3 条（基数小）')."""
    if previous is None or (isinstance(previous, float) and math.isnan(previous)):
        return "—"
    if previous == 0:
        return "新出现" if current > 0 else "—"
    if previous < min_denominator:
        return f"{int(current - previous):+d} 条（基数小）"
    return f"{(current - previous) / previous:+.1%}"


def category_tree(current: pd.DataFrame, previous: pd.DataFrame | None, min_denominator: int = 5) -> pd.DataFrame:
    """queries/categories/tree rows for this and the previous period → one row per category (level 1)
    and per subcategory (level 2): items, previous, share (of all items; of the category for level 2)
    and change (环比 text)."""
    previous = previous if previous is not None else current.iloc[0:0]
    cur_sub = current.groupby(["category", "subcategory"])["items"].sum()
    prev_sub = previous.groupby(["category", "subcategory"])["items"].sum()
    cur_cat = current.groupby("category")["items"].sum()
    prev_cat = previous.groupby("category")["items"].sum()
    total = int(cur_cat.sum())
    rows = []
    for category, items in cur_cat.sort_values(ascending=False, kind="stable").items():
        before = int(prev_cat.get(category, 0))
        rows.append(dict(level=1, category=category, subcategory=None, items=int(items), previous=before,
                         share=items / total if total else 0.0,
                         change=change_text(int(items), before, min_denominator)))
        subs = cur_sub.loc[category].sort_values(ascending=False, kind="stable")
        for subcategory, n in subs.items():
            before_sub = int(prev_sub.get((category, subcategory), 0))
            rows.append(dict(level=2, category=category, subcategory=subcategory, items=int(n),
                             previous=before_sub, share=n / items if items else 0.0,
                             change=change_text(int(n), before_sub, min_denominator)))
    return pd.DataFrame(rows, columns=["level", "category", "subcategory", "items", "previous", "share", "change"])
