"""Measure the sentiment scorer on real labelled text, and its speed.

    .venv/bin/python bench/sentiment_eval.py [--reviews ZIP] [--real DIR] [--errors N]

Not a test (the data files are not ours to commit; nothing here is shipped).

1. Product reviews (`online_shopping_10_cats.zip`, label 1 = positive, 0 =
   negative; the one empty review is skipped). The scorer answers 正面 / 中性 /
   负面; 中性 counts as wrong.  Accuracy = correct / all.  Macro-F1 = mean of
   the F1 of the two true classes, where precision(c) = correct c / predicted c
   and recall(c) = correct c / true c (so a 中性 answer lowers recall and never
   counts as a hit).  Printed for all reviews and separately for the "dev"
   fifth (crc32(review) % 5 == 0: the only part whose errors were read while
   the lexicon was written, see --errors) and the held-out other four fifths.
2. Citizen messages: `bench/labels/citizen_messages.csv` holds our own labels
   (file, 留言编号, label, sample, reason — never the text).  The text is joined
   back from the Teddy Cup xlsx files by id, as ingest builds it
   (title + " " + content).  Accuracy and 3-class macro-F1 (mean F1 of 正面,
   中性, 负面), a confusion matrix, and the random-sample subset alone (which
   has no 正面 message, so its macro-F1 averages 中性 and 负面 only).
3. Throughput on this machine, one core: `score_tokens` over pre-tokenised
   texts (the ingest path) and end-to-end `tokens()` + `score_tokens`, for the
   reviews and for all 7,637 real messages (median ~230 characters).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.core.text.sentiment import (  # noqa: E402
    LABELS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    explain,
    get_lexicon,
    score_tokens,
)
from dashboard.core.text.tokens import get_tokenizer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
MESSAGE_FILES = ["tipdm2020c_attach3_messages_with_votes.xlsx", "tipdm2020c_attach4_messages_with_replies.xlsx",
                 "tipdm2020c_attach2_sample_labeled.xlsx"]


def f1_table(truth: list[str], pred: list[str], classes: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for c in classes:
        tp = sum(1 for t, p in zip(truth, pred) if t == c and p == c)
        n_pred = sum(1 for p in pred if p == c)
        n_true = sum(1 for t in truth if t == c)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_true if n_true else 0.0
        out[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def report(name: str, truth: list[str], pred: list[str], classes: tuple[str, ...]) -> None:
    """Accuracy and macro-F1 over ``classes`` (a class absent from ``truth`` is left
    out of the average: its F1 would be 0 by definition)."""
    acc = sum(t == p for t, p in zip(truth, pred)) / len(truth)
    classes = tuple(c for c in classes if c in truth)
    f1 = f1_table(truth, pred, classes)
    macro = sum(f1.values()) / len(f1)
    per = "  ".join(f"F1[{c}]={v:.3f}" for c, v in f1.items())
    neutral = sum(p == NEUTRAL for p in pred) / len(pred)
    print(f"  {name:<28} n={len(truth):>6}  accuracy={acc:.4f}  macro-F1={macro:.4f}  ({per}; 中性 answers {neutral:.1%})")


def throughput(tokenizer, texts: list[str], label: str) -> None:
    lex = get_lexicon(tokenizer.dicts_dir, tokenizer)
    # CPU time of this process (best of 3), so other work on the machine does not count.
    clock = time.process_time
    tok_time = score_time = float("inf")
    for _ in range(3):
        t0 = clock()
        token_lists = [tokenizer.tokens(t) for t in texts]
        tok_time = min(tok_time, clock() - t0)
        s0 = clock()
        for toks in token_lists:
            score_tokens(toks, lex)
        score_time = min(score_time, clock() - s0)
    n = len(texts)
    score_rate = n / score_time
    e2e = n / (tok_time + score_time)
    mean_chars = statistics.mean(len(t) for t in texts)
    mean_toks = statistics.mean(len(t) for t in token_lists)
    print(f"  {label}: {n} texts, mean {mean_chars:.0f} chars / {mean_toks:.0f} tokens")
    print(f"    score_tokens (pre-tokenised): {score_rate:,.0f} items/s  ({1e6 / score_rate:.1f} µs/item)")
    print(f"    tokens() + score_tokens:      {e2e:,.0f} items/s  (tokenising {n / tok_time:,.0f} items/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", default=str(REAL / "online_shopping_10_cats.zip"))
    parser.add_argument("--real", default=str(REAL), help="folder with the Teddy Cup xlsx files")
    parser.add_argument("--labels", default=str(ROOT / "bench" / "labels" / "citizen_messages.csv"))
    parser.add_argument("--errors", type=int, default=0,
                        help="print this many wrong answers from the review DEV fifth, and the citizen errors")
    parser.add_argument("--only", choices=("reviews", "citizen", "speed"), help="run one part only")
    args = parser.parse_args()

    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    tokenizer = get_tokenizer()
    lex = get_lexicon(tokenizer.dicts_dir, tokenizer)
    print(f"lexicon {lex.directory}: {lex.sizes()}  tokenizer backend={tokenizer.backend}")

    # ---- reviews ---------------------------------------------------------------
    if args.only in (None, "reviews", "speed"):
        reviews = review_part(args, tokenizer, lex, quiet=args.only == "speed")
    else:
        reviews = []
    if args.only == "reviews":
        return
    all_messages = citizen_part(args, tokenizer, lex, quiet=args.only == "speed")

    # ---- throughput -------------------------------------------------------------
    if args.only in (None, "speed"):
        print(f"\nThroughput (CPU time, one core of {os.cpu_count()}, best of 3; "
              f"{sys.implementation.name} {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f})")
        throughput(tokenizer, reviews, "reviews")
        throughput(tokenizer, all_messages, "citizen messages (title + content)")
        throughput(tokenizer, [m[:240] for m in all_messages], "citizen messages cut to 240 chars")


def review_part(args, tokenizer, lex, quiet: bool = False) -> list[str]:
    frame = pd.read_csv(args.reviews)
    frame = frame[frame["review"].notna()].reset_index(drop=True)
    reviews = frame["review"].astype(str).tolist()
    truth = [POSITIVE if v == 1 else NEGATIVE for v in frame["label"]]
    if quiet:
        return reviews
    tokens = [tokenizer.tokens(t) for t in reviews]
    pred = [score_tokens(t, lex) for t in tokens]
    dev = [zlib.crc32(t.encode("utf-8")) % 5 == 0 for t in reviews]
    print(f"\nReviews ({args.reviews})")
    two = (POSITIVE, NEGATIVE)
    report("all", truth, pred, two)
    report("dev fifth (errors read)", [t for t, d in zip(truth, dev) if d], [p for p, d in zip(pred, dev) if d], two)
    report("held-out four fifths", [t for t, d in zip(truth, dev) if not d],
           [p for p, d in zip(pred, dev) if not d], two)
    print("  per category (accuracy, n):")
    for cat, idx in frame.groupby("cat").groups.items():
        idx = list(idx)
        acc = sum(truth[i] == pred[i] for i in idx) / len(idx)
        print(f"    {cat:<6} {acc:.4f}  {len(idx)}")
    if args.errors:
        wrong = [i for i in range(len(reviews)) if dev[i] and truth[i] != pred[i]]
        print(f"\n  {len(wrong)} wrong in the dev fifth; first {args.errors}:")
        for i in wrong[: args.errors]:
            e = explain(reviews[i], tokenizer)
            hits = " ".join(f"{h['word']}{h['weight']:+g}" for h in e["hits"] if "weight" in h and h["weight"])
            print(f"    [{truth[i]}→{pred[i]}] {reviews[i][:100]!r}  | {hits}")
    return reviews


def citizen_part(args, tokenizer, lex, quiet: bool = False) -> list[str]:
    labels = pd.read_csv(args.labels, dtype={"留言编号": str})
    texts: dict[tuple[str, str], str] = {}
    all_messages: list[str] = []
    for name in MESSAGE_FILES:
        path = Path(args.real) / name
        if not path.exists():
            print(f"\n(missing {path}: citizen messages skipped)")
            return all_messages
        msgs = pd.read_excel(path, engine="calamine", dtype=object)
        for mid, title, content in zip(msgs["留言编号"], msgs["留言主题"], msgs["留言详情"]):
            text = " ".join(str(p).strip() for p in (title, content) if isinstance(p, str) and p.strip())
            texts[(name, str(mid))] = text
            all_messages.append(text)
    missing = [k for k in zip(labels["file"], labels["留言编号"]) if k not in texts]
    if missing:
        raise SystemExit(f"labels without a message: {missing[:5]}")
    if quiet:
        return all_messages
    ctruth = labels["label"].tolist()
    ctexts = [texts[k] for k in zip(labels["file"], labels["留言编号"])]
    cpred = [score_tokens(tokenizer.tokens(t), lex) for t in ctexts]
    print(f"\nCitizen messages (our labels: {dict(Counter(ctruth))}; samples: {dict(Counter(labels['sample']))})")
    report("all labelled", ctruth, cpred, LABELS)
    rnd = [s == "random" for s in labels["sample"]]
    report("random sample only", [t for t, r in zip(ctruth, rnd) if r], [p for p, r in zip(cpred, rnd) if r], LABELS)
    print("  confusion (rows = our label, columns = scorer):")
    print("          " + "  ".join(f"{c:>4}" for c in LABELS))
    for t in LABELS:
        print(f"    {t}  " + "  ".join(f"{sum(1 for a, b in zip(ctruth, cpred) if a == t and b == p):>6}" for p in LABELS))
    if args.errors:
        print("  errors (id, our label → scorer, score):")
        for (f, mid), t, p, text in zip(zip(labels["file"], labels["留言编号"]), ctruth, cpred, ctexts):
            if t != p:
                e = explain(text, tokenizer)
                print(f"    {f[10:17]} {mid:>6} {t}→{p} score={e['score']:+.2f} bar={e['bar']}")
    return all_messages

if __name__ == "__main__":
    main()
