"""Hot topics on the real message board export, and how long they take.

    .venv/bin/python bench/hot_topics_real.py [--real ../shared/data/real] [--limit 10] [--timing]

Ingests tipdm2020c_attach3_messages_with_votes.xlsx (附件3, 4,326 messages with likes) into a
temporary store exactly as a user would, prints the top topics (label, items, people, likes,
dates, representative title, a quote) and the largest repeat groups and departments. Authors
are never printed. Not a test: the file is not ours to commit.

--timing also measures hot_topics() on bigger stores (built in a temporary folder, ~8 minutes):
  * the real messages repeated 3, 12 and 24 times, copy i shifted i years back (13k / 52k / 104k
    items of real text, so real term statistics; 2019, where almost all messages are, never
    overlaps between copies);
  * the demo generator (dashboard/core/demo.py) at 10k and 100k items over a year: template
    texts with a small vocabulary, the worst case for pairing (every term is everywhere).
It prints wall-clock and CPU seconds (median of 3 runs after a warm-up).

Measured (2-core machine, otherwise idle):
  real text  12,978 items 0.47 s | 51,912 items 1.35 s | 103,824 items 3.13 s
  demo       10,193 items 0.56 s | 52,133 items 1.34 s | 100,000 items 2.24 s
  (the demo's last 30 / 180 days / all of a 100k-item store; 10k demo items alone: 0.45 s)
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.core import store  # noqa: E402
from dashboard.core.analytics.topics import (  # noqa: E402
    hot_topics,
    repeat_complaints,
    repeat_counts_by_department,
)
from dashboard.core.config import settings_for  # noqa: E402
from dashboard.core.filters import Filters, Period  # noqa: E402
from dashboard.core.ingest.loader import ingest_file, ingest_frame  # noqa: E402
from dashboard.core.text.pii import mask_text  # noqa: E402

ATTACH3 = "tipdm2020c_attach3_messages_with_votes.xlsx"
HEADERS = {"留言编号": "id", "留言用户": "author", "留言主题": "title", "留言时间": "published_at",
           "留言详情": "content", "点赞数": "likes", "反对数": "dislikes"}


def show_topics(con, limit: int) -> None:
    started = time.perf_counter()
    topics = hot_topics(con, Filters(), limit=limit)
    took = time.perf_counter() - started
    print(f"\nTop {len(topics)} topics (hot_topics over all {count_items(con)} items: {took:.2f} s)")
    for rank, t in enumerate(topics, start=1):
        print(f"{rank:2d}. [{t.label}]  {t.size} items, {t.people} people, {t.likes} likes, "
              f"{t.first_at:%Y-%m-%d} – {t.last_at:%Y-%m-%d}, score {t.score:.2f}")
        print(f"    {t.representative_title}  ({t.representative_id})")
        for quote in t.quotes[:1]:
            print(f"    「{quote}」")


def show_repeats(con) -> None:
    groups = repeat_complaints(con, Filters())
    print(f"\nRepeat groups: {len(groups)}, repeat items: {int(groups['repeats'].sum()) if len(groups) else 0}")
    for row in groups.head(5).itertuples():
        print(f"  {row.size} items ({row.kinds}), {row.first_at:%Y-%m-%d} – {row.last_at:%Y-%m-%d}: {row.title}")
    counts = repeat_counts_by_department(con, Filters())
    print(counts.head(5).to_string(index=False))


def count_items(con) -> int:
    return len(store.run_query(con, "topics/items"))


def timed(con, filters: Filters, runs: int = 3) -> tuple[float, float, int]:
    hot_topics(con, filters)   # warm-up (first query plans, page cache)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        topics = hot_topics(con, filters)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), len(topics)


def real_copies(real: Path, work: Path, copies: int):
    settings = settings_for(work / f"real{copies}")
    con = store.connect(settings.db_path)
    raw = pd.read_excel(real / ATTACH3, engine="calamine", dtype=object).rename(columns=HEADERS)
    raw["published_at"] = pd.to_datetime(raw["published_at"].astype(str), format="mixed")
    frames = []
    for i in range(copies):
        frame = raw.copy()
        frame["id"] = f"C{i}-" + frame["id"].astype(str)
        frame["author"] = f"C{i}-" + frame["author"].astype(str)
        frame["published_at"] = (frame["published_at"] - pd.DateOffset(years=i)).dt.strftime("%Y-%m-%d %H:%M:%S")
        frames.append(frame)
    big = pd.concat(frames, ignore_index=True)
    # Rows holding personal data first: the loader lets DuckDB type a registered column from its
    # first rows, and content_masked is NULL until the first such row (reported to the lead).
    masked = big["content"].map(lambda text: bool(mask_text(text)[1]) if isinstance(text, str) else False)
    big = pd.concat([big[masked], big[~masked]], ignore_index=True)
    path = work / f"real{copies}.csv"
    big.to_csv(path, index=False)
    ingest_file(con, path, settings)
    return con, len(big)


def demo_store(work: Path, n: int):
    from dashboard.core.demo.generator import iter_item_batches
    settings = settings_for(work / f"demo{n}")
    con = store.connect(settings.db_path)
    for i, batch in enumerate(iter_item_batches(n, days=365, seed=7, batch_size=50_000)):
        ingest_frame(con, batch.reset_index(drop=True), settings, f"demo-{n}-{i}")
    return con


def timing(real: Path, work: Path) -> None:
    print("\nTiming of hot_topics() (median of 3; wall / CPU seconds; 2-core machine)")
    for copies in (3, 12, 24):
        con, n = real_copies(real, work, copies)
        wall, cpu, found = timed(con, Filters())
        print(f"  real text x{copies:<2d} {n:>7,} items in the filter: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({found} topics)")
        con.close()
    for n in (10_000, 100_000):
        con = demo_store(work, n)
        last = pd.Timestamp(store.run_query(con, "topics/items")["published_at"].max()).to_pydatetime()
        for days in (30, 180, None):
            period = Period(last - timedelta(days=days), last + timedelta(seconds=1)) if days else None
            filters = Filters(period=period)
            size = len(store.run_query(con, "topics/items", **filters.params()))
            wall, cpu, found = timed(con, filters)
            label = f"last {days} days" if days else "all"
            print(f"  demo {n:>7,} ({label:>12}) {size:>7,} items in the filter: {wall:.2f} s wall, {cpu:.2f} s CPU")
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "real"))
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args()
    real = Path(args.real)
    work = Path(tempfile.mkdtemp(prefix="yuqing-topics-"))
    settings = settings_for(work / "data")
    con = store.connect(settings.db_path)
    started = time.perf_counter()
    outcome = ingest_file(con, real / ATTACH3, settings)
    print(f"{outcome.summary()}  ({time.perf_counter() - started:.2f} s)")
    try:
        show_topics(con, args.limit)
        show_repeats(con)
        if args.timing:
            timing(real, work)
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
