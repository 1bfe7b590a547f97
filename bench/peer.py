"""The peer: the plain pipeline a typical project would write, for comparison with ours.

    ingest     pandas.read_csv (UTF-8) + jieba.lcut per item (title + content) in one process, then
               insert the items and (item_id, term, count) rows into a DuckDB file.
    top_terms  the request-time word cloud: load the filtered items' title + content from DuckDB with
               pandas, jieba.lcut each, Counter top N.

`python bench/peer.py ingest FILE --rows N --db PEER.duckdb` prints one JSON line (items, term_rows).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

import duckdb
import jieba
import pandas as pd

jieba.setLogLevel(60)


def _keep(token: str) -> bool:
    """What a typical project drops: single characters, blanks, punctuation and numbers."""
    return len(token) > 1 and not token.isspace() and not token.isdigit()


def _text(frame: pd.DataFrame) -> list[str]:
    return (frame["title"].fillna("") + " " + frame["content"].fillna("")).tolist()


def ingest(path: str, rows: int | None, db: str) -> dict:
    frame = pd.read_csv(path, encoding="utf-8", nrows=rows)
    terms = []
    for item_id, text in zip(frame["id"].astype(str), _text(frame)):
        counts = Counter(t for t in jieba.lcut(text) if _keep(t))
        terms.extend((item_id, term, n) for term, n in counts.items())
    term_frame = pd.DataFrame(terms, columns=["item_id", "term", "n"])
    con = duckdb.connect(db)
    con.execute("create or replace table items as select * from frame")
    con.execute("create or replace table item_terms as select * from term_frame")
    count = con.execute("select count(*) from items").fetchone()[0]
    con.close()
    return {"items": int(count), "term_rows": len(term_frame)}


def top_terms(con: duckdb.DuckDBPyConnection, start, end, category: str | None = None,
              limit: int = 200) -> list[tuple[str, int]]:
    frame = con.execute(
        "select title, content from items where published_at >= ? and published_at < ? "
        "and (?::varchar is null or category = ?)", [start, end, category, category]).df()
    counts: Counter = Counter()
    for text in _text(frame):
        counts.update(t for t in jieba.lcut(text) if _keep(t))
    return counts.most_common(limit)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("path")
    p.add_argument("--rows", type=int)
    p.add_argument("--db", required=True)
    args = parser.parse_args()
    print(json.dumps(ingest(args.path, args.rows, args.db)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
