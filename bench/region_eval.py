"""Regions found in the text of the real Teddy Cup exports, and how fast the matcher runs.

    .venv/bin/python bench/region_eval.py [--real ../shared/data/real] [--items 20000]

Not a test (the files are not ours to commit). Ingests the three xlsx files into a temporary store as
a user would and prints, per file, how many items got a region and from where (none of these files has
a region column, so every region comes from the text), and the most frequent regions. Then times
`Gazetteer.find` on one core: on the real items cut to ~240 characters (title + the start of the
text), and on the same texts without their titles (every item then scans its whole text).
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
from dashboard.core.text.regions import (  # noqa: E402
    clear_gazetteer_cache,
    get_gazetteer,
    national_places,
)

FILES = ["tipdm2020c_attach4_messages_with_replies.xlsx", "tipdm2020c_attach3_messages_with_votes.xlsx",
         "tipdm2020c_attach2_sample_labeled.xlsx"]


def coverage(real: Path) -> None:
    settings = settings_for(Path(tempfile.mkdtemp(prefix="yuqing-regions-")) / "data")
    con = store.connect(settings.db_path)
    for name in FILES:
        ingest_file(con, real / name, settings)
    frame = store.run_query(con, "regions/coverage")
    frame["share_from_text"] = (frame["from_text"] / frame["items"]).map("{:.1%}".format)
    print(frame.to_string(index=False))
    total, found = frame["items"].sum(), frame["from_text"].sum()
    print(f"all files: {found:,} of {total:,} items have a region from the text ({found / total:.1%})")
    print("top regions:")
    print(store.run_query(con, "regions/top", limit=20).to_string(index=False))
    con.close()


def speed(real: Path, items: int) -> None:
    texts = []
    for name in FILES:
        frame = pd.read_excel(real / name, engine="calamine", dtype=object)
        for title, content in zip(frame["留言主题"].astype(str), frame["留言详情"].astype(str)):
            texts.append((title, content.strip()))
    whole = list(texts)
    texts = [(title, content[: max(0, 240 - len(title))]) for title, content in texts]
    texts = (texts * (items // len(texts) + 1))[:items]
    national_places.cache_clear()
    clear_gazetteer_cache()
    started = time.perf_counter()
    gazetteer = get_gazetteer()
    print(f"load (national list + regions.txt): {time.perf_counter() - started:.2f} s, {len(gazetteer.names):,} names")
    for label, rows in (("title + text", texts), ("text only", [(None, t + c) for t, c in texts]),
                        ("whole items", whole)):
        started = time.perf_counter()
        found = sum(gazetteer.find(t, c) is not None for t, c in rows)
        seconds = time.perf_counter() - started
        mean = sum(len(t or "") + len(c) for t, c in rows) / len(rows)
        print(f"{label:13s} {len(rows):,} items of {mean:.0f} chars: {len(rows) / seconds:,.0f} items/s "
              f"({found / len(rows):.1%} with a region)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "real"))
    parser.add_argument("--items", type=int, default=50_000, help="items timed (the real ones, repeated)")
    args = parser.parse_args()
    coverage(Path(args.real))
    speed(Path(args.real), args.items)


if __name__ == "__main__":
    main()
