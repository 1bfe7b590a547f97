"""Alerts per monitoring day, by severity: how many a leader would read each morning.

    .venv/bin/python bench/alerts_per_day.py --demo 20000            # a fresh demo store (180 days)
    .venv/bin/python bench/alerts_per_day.py --real ../shared/data/real
    .venv/bin/python bench/alerts_per_day.py --db data/warehouse.duckdb --days 30

Not a test. Builds the store in a temporary YUQING_DATA_DIR (demo: `cli.load_demo`, the same code as
`python -m dashboard demo`; real: the three Teddy Cup exports through `ingest_file`, as bench/real_data.py
loads them), then runs `alerts.current_alerts` for each of the newest --days monitoring days that have
items and prints one line per day: warnings by severity (高/中/低), reminders, and the total shown
(warnings + reminders) as `alerts.day_alerts` lists them (within the daily budget), how many were held
over the budget, and the overdue backlog (open, new today, closed today). For the demo it also lists the planned bursts (`demo.planned_incidents`) and
whether an alert on the burst's first three days has items of the burst (its region and category in
those days).
"""
from __future__ import annotations

import argparse
import statistics
from collections import Counter
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.core import store  # noqa: E402
from dashboard.core.analytics import alerts  # noqa: E402
from dashboard.core.config import AnalyticsSettings, settings_for  # noqa: E402
from dashboard.core.demo import default_end  # noqa: E402
from dashboard.core.filters import Filters, days_period  # noqa: E402

REAL_FILES = ["tipdm2020c_attach4_messages_with_replies.xlsx", "tipdm2020c_attach3_messages_with_votes.xlsx",
              "tipdm2020c_attach2_sample_labeled.xlsx"]


def build_demo(items: int, days: int, seed: int):
    from dashboard.cli import load_demo

    settings = settings_for(Path(tempfile.mkdtemp(prefix="yuqing-alerts-demo-")) / "data")
    con = store.connect(settings.db_path)
    load_demo(con, settings, items, days, seed)
    return con


def build_real(real: Path):
    from dashboard.core.ingest.loader import ingest_file

    settings = settings_for(Path(tempfile.mkdtemp(prefix="yuqing-alerts-real-")) / "data")
    con = store.connect(settings.db_path)
    for name in REAL_FILES:
        print(ingest_file(con, real / name, settings).summary(), file=sys.stderr)
    return con


def days_with_items(con, hour: int, count: int) -> list:
    frame = store.run_query(con, "alerts/days_with_items", day_start_hour=hour)
    days = [pd.Timestamp(d).date() for d in frame["day"]]
    return days[-count:]


def per_day(con, days: list, settings: AnalyticsSettings) -> dict:
    """{day: AlertDay} as the pages and the 摘报 list them (or, on a checkout before day_alerts, every
    alert of the day as one list)."""
    listing = getattr(alerts, "day_alerts", None)
    return {day: listing(con, day, settings) if listing else alerts.current_alerts(con, day, settings) for day in days}


def listed(day_alerts) -> list:
    return day_alerts.alerts if hasattr(day_alerts, "alerts") else day_alerts


def everything(day_alerts) -> list:
    """Listed and held (over the budget) alerts."""
    return [*listed(day_alerts), *getattr(day_alerts, "held", ())]


def print_table(found: dict) -> None:
    print(f"{'day':<12}{'高':>4}{'中':>4}{'低':>4}{'预警':>6}{'提醒':>6}{'合计':>6}{'未列出':>6}  积压")
    totals = []
    for day, day_alerts in found.items():
        counts = alerts.AlertCounts.of(listed(day_alerts))
        total = counts.warnings + counts.reminders
        totals.append(total)
        s = counts.by_severity
        backlog = getattr(day_alerts, "backlog", None)
        print(f"{day.isoformat():<12}{s['高']:>4}{s['中']:>4}{s['低']:>4}{counts.warnings:>6}{counts.reminders:>6}"
              f"{total:>6}{len(getattr(day_alerts, 'held', ())):>6}  "
              + (f"{backlog.open} (+{backlog.new_today} −{backlog.closed_today})" if backlog else "—"))
    kinds = Counter(a.kind_label for day_alerts in found.values() for a in listed(day_alerts))
    print("by kind over these days:", dict(kinds.most_common()))
    if totals:
        print(f"days {len(totals)}; alerts per day: median {statistics.median(totals):g}, mean "
              f"{statistics.fmean(totals):.1f}, max {max(totals)}; days with more than 10: "
              f"{sum(t > 10 for t in totals)}")


def burst_report(con, found: dict, items: int, days: int, seed: int, end: datetime, hour: int) -> None:
    from dashboard.core.demo import planned_incidents

    incidents = planned_incidents(items, days=days, seed=seed, end=end)
    for incident in incidents.itertuples():
        onset = pd.Timestamp(incident.onset).to_pydatetime()
        first = (onset - timedelta(hours=hour)).date()
        window = [first + timedelta(days=k) for k in range(3)]
        burst = Filters(period=days_period(first, window[-1], hour), regions=(incident.region,),
                        categories=(incident.category,))
        burst_ids = set(store.run_query(con, "alerts/items", **burst.params(), day_start_hour=hour)["id"])
        for d in window:
            if d not in found:      # a burst before the days measured: its days are looked at too
                found.update(per_day(con, [d], AnalyticsSettings()))
        caught = [a for d in window for a in everything(found[d]) if a.kind != "reminder"
                  and burst_ids & set(a.items(con)["id"])]
        print(f"burst {incident.name} ({incident.region} {incident.subcategory}, from {first}, "
              f"{len(burst_ids)} items): {'caught by ' + caught[0].kind_label + ' ' + caught[0].value if caught else 'MISSED'}"
              + (f" (+{len(caught) - 1} more alerts)" if len(caught) > 1 else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", type=int, metavar="ITEMS", help="build a demo store of this many items")
    source.add_argument("--real", metavar="DIR", help="build a store from the real exports in DIR")
    source.add_argument("--db", metavar="PATH", help="an existing store")
    parser.add_argument("--demo-days", type=int, default=180)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=30, help="the newest N monitoring days with items")
    args = parser.parse_args()
    settings = AnalyticsSettings()
    end = default_end()      # the demo ends where `python -m dashboard demo` ends it (today's 08:00)
    started = time.perf_counter()
    if args.demo:
        con = build_demo(args.demo, args.demo_days, args.seed)
    elif args.real:
        con = build_real(Path(args.real))
    else:
        con = store.connect(args.db, read_only=True)
    print(f"store ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    found = per_day(con, days_with_items(con, settings.day_start_hour, args.days), settings)
    print_table(found)
    if args.demo:
        burst_report(con, found, args.demo, args.demo_days, args.seed, end, settings.day_start_hour)
    con.close()


if __name__ == "__main__":
    main()
