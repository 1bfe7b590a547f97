"""Ingest the real Teddy Cup exports as a user would and print the figures.

    .venv/bin/python bench/real_data.py [--real ../shared/data/real]

Not a test (the files are not ours to commit). Checks: the three xlsx files load
with no mapping; re-ingesting adds nothing; the same messages as a GBK CSV (with
Chinese headers) and as an English-header UTF-8 CSV are recognised as the same
items (no double counts); prints categories, time ranges and timings.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.core import store  # noqa: E402
from dashboard.core.config import settings_for  # noqa: E402
from dashboard.core.ingest.loader import ingest_file  # noqa: E402

FILES = ["tipdm2020c_attach4_messages_with_replies.xlsx", "tipdm2020c_attach3_messages_with_votes.xlsx",
         "tipdm2020c_attach2_sample_labeled.xlsx"]
ENGLISH = {"留言编号": "id", "留言用户": "author", "留言主题": "title", "留言时间": "published_at",
           "留言详情": "content", "答复意见": "reply_content", "答复时间": "replied_at", "一级分类": "category",
           "点赞数": "likes", "反对数": "dislikes"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "real"))
    args = parser.parse_args()
    real = Path(args.real)
    work = Path(tempfile.mkdtemp(prefix="yuqing-real-"))
    settings = settings_for(work / "data")
    con = store.connect(settings.db_path)

    print(f"store: {settings.db_path}")
    for round_name in ("first ingest", "again (same files)"):
        for name in FILES:
            started = time.perf_counter()
            outcome = ingest_file(con, real / name, settings)
            print(f"[{round_name}] {outcome.summary()}  ({time.perf_counter() - started:.2f} s)")

    # The same messages in other shapes: GBK CSV with Chinese headers, UTF-8 CSV with English headers.
    converted = work / "converted"
    converted.mkdir()
    for name in FILES:
        frame = pd.read_excel(real / name, engine="calamine", dtype=object)
        gbk = converted / (Path(name).stem + "_gbk.csv")
        # Some cells hold characters GBK lacks (NBSP, rare CJK): GB18030 encodes those, so the file
        # is GBK wherever GBK can be, as an export from a GBK system with GB18030 fallback would be.
        gbk.write_bytes(frame.to_csv(index=False).encode("gb18030"))
        english = converted / (Path(name).stem + "_en.csv")
        frame.rename(columns=ENGLISH).to_csv(english, index=False, encoding="utf-8")
        # A GBK system that writes '?' for what GBK lacks: every such row must stay as stored (有损重复).
        lossy = converted / (Path(name).stem + "_gbk_lossy.csv")
        lossy.write_bytes(frame.to_csv(index=False).encode("gbk", errors="replace"))
        for path in (gbk, english, lossy):
            outcome = ingest_file(con, path, settings)
            print(f"[converted] {outcome.summary()}")

    facts = con.execute("""
        select count(*) as items, count(distinct id) as ids, min(published_at), max(published_at),
               count(*) filter (where replied_at is not null) as replied
        from items""").fetchall()[0]
    print(f"items={facts[0]} distinct ids={facts[1]} published {facts[2]} … {facts[3]} replied={facts[4]}")
    print("categories:", con.execute(
        "select category, count(*) from items where category is not null group by 1 order by 2 desc").fetchall())
    print("rejected rows:", con.execute("select file_name, line, reason from rejected_rows").fetchall())
    print("checks:", {n: len(store.run_query(con, n)) for n in store.list_queries() if n.startswith("checks/")})
    print_figures(con)
    con.close()


def print_figures(con) -> None:
    """What a leader would read on these files: kinds, what the sources provide, regions, predicted
    categories, and the responsiveness figures (never 0% or overdue for what the files do not say)."""
    from datetime import date

    from dashboard.core.analytics import alerts, metrics
    from dashboard.core.config import AnalyticsSettings
    from dashboard.core.filters import Filters, days_period

    print("kind/channel/tracked:", con.execute(
        "select kind, channel, reply_tracked, satisfaction_tracked, count(*) from items group by all order by all"
    ).fetchall())
    print("region from text: {} of {} items".format(*con.execute(
        "select count(*) filter (where region_source = 'text'), count(*) from items").fetchall()[0]))
    print("predicted categories:", con.execute(
        "select count(category_predicted), count(*) filter (where category is null) from items").fetchall()[0],
        "model:", con.execute("select labelled_items, heldout_items, heldout_accuracy from category_model").fetchall())
    settings = AnalyticsSettings()
    year = Filters(period=days_period(date(2019, 1, 1), date(2019, 12, 31)))
    for g in metrics.group_summary(con, year, settings):
        print(f"2019 {g.group}: 受理 {g.received} 有效 {g.valid}；{g.reply.formula}；{g.satisfaction.formula}；"
              f"超期未答复 {g.overdue_open if g.replies_known else metrics.NO_REPLIES}")
    found = alerts.current_alerts(con, date(2019, 4, 16), settings)
    print("2019-04-16:", alerts.AlertCounts.of(found).text())
    for alert in found:
        print("  ", alert.severity, alert.kind_label, alert.message)


if __name__ == "__main__":
    main()
