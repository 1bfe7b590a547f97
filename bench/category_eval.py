"""How well the predicted category does, and how long predicting takes at scale.

    .venv/bin/python bench/category_eval.py [--real ../shared/data/real]     # the real 附件2 sample
    .venv/bin/python bench/category_eval.py --scale 1000000 [--labelled-share 0.05]   # generated items

Not a test. Real data: ingests the labelled 附件2 sample (495 rows; id 37042 appears twice with two
different categories, so the ingest rejects the second and 494 items remain) into a temporary store with
the real ingest (jieba terms), then prints
- the split refresh_predictions uses (fold 0, a fifth by a hash of the id, held out; the rest trains) and
  the accuracy and temperature it stores;
- 5-fold cross-validation (each fold held out once): accuracy per fold and the mean, recall per category;
- calibration: accuracy by confidence band, with a temperature for each fold fitted on the other folds'
  held-out scores (so no fold calibrates itself).
Scale: generated demo items (core/demo/generator.py), of which only --labelled-share keep their category; times
refresh_predictions (train + predict every unlabelled item), a refresh that finds nothing to do, and one
after a new drop of 10,000 unlabelled items.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.core import store  # noqa: E402
from dashboard.core.analytics.categories import (  # noqa: E402
    evaluate,
    fit_temperature,
    fold_scores,
    probabilities,
    refresh_predictions,
    score_matrix,
)
from dashboard.core.config import settings_for  # noqa: E402
from dashboard.core.ingest.loader import ingest_file, ingest_frame  # noqa: E402

SAMPLE = "tipdm2020c_attach2_sample_labeled.xlsx"
BANDS = [0.0, 0.4, 0.6, 0.8, 0.9, 1.0001]


def fresh_store():
    settings = settings_for(Path(tempfile.mkdtemp(prefix="yuqing-categories-")) / "data")
    return store.connect(settings.db_path), settings


def real(path: Path) -> None:
    con, settings = fresh_store()
    print(ingest_file(con, path / SAMPLE, settings).summary())
    counts = store.run_query(con, "categories/labelled_signature")
    print(f"labelled items: {int(counts['labelled_items'].iat[0])} in {int(counts['categories'].iat[0])} categories")

    summary = refresh_predictions(con)
    print(f"\n80/20 (what the store keeps): held out {summary.heldout_items}, accuracy "
          f"{summary.heldout_accuracy:.1%}, temperature {summary.temperature:.2f}")

    folds = {k: fold_scores(con, k) for k in range(5)}
    print("\n5-fold cross-validation:")
    rows = []
    for k, scores in folds.items():
        n, accuracy, _ = evaluate(scores)
        rows.append((k, n, accuracy))
        print(f"  fold {k}: {n} items, accuracy {accuracy:.1%}")
    weighted = sum(n * a for _, n, a in rows) / sum(n for _, n, _ in rows)
    print(f"  mean of folds {np.mean([a for *_, a in rows]):.1%}; over all 494 items {weighted:.1%}")
    predictions = calibrated(folds)
    per_category(predictions)
    calibration(predictions)
    con.close()


def calibrated(folds: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Each held-out item: actual, predicted, confidence (temperature fitted on the other folds)."""
    matrices = {k: score_matrix(scores) for k, scores in folds.items()}
    columns = sorted(set().union(*(m.columns for m, _ in matrices.values())))
    out = []
    for k, (matrix, actual) in matrices.items():
        others = [(m.reindex(columns=columns, fill_value=-1e9), a) for j, (m, a) in matrices.items() if j != k]
        stacked = np.vstack([m.to_numpy() for m, _ in others])
        labels = np.concatenate([a for _, a in others])
        known = np.isin(labels, columns)
        temperature = fit_temperature(stacked[known], pd.Index(columns).get_indexer(labels[known]))
        p = probabilities(matrix.reindex(columns=columns, fill_value=-1e9).to_numpy(), temperature)
        out.append(pd.DataFrame({"actual": actual, "predicted": np.array(columns)[p.argmax(axis=1)],
                                 "confidence": p.max(axis=1), "fold": k}))
    return pd.concat(out, ignore_index=True)


def per_category(predictions: pd.DataFrame) -> None:
    print("\nper category (5-fold): labelled items, recall, precision")
    for category, group in predictions.groupby("actual"):
        chosen = predictions[predictions["predicted"] == category]
        precision = (chosen["actual"] == category).mean() if len(chosen) else float("nan")
        print(f"  {category}\t{len(group)}\trecall {(group['predicted'] == category).mean():.1%}"
              f"\tprecision {precision:.1%}")


def calibration(predictions: pd.DataFrame) -> None:
    print("\ncalibration (5-fold, temperature from the other folds): confidence band, items, mean confidence, accuracy")
    band = pd.cut(predictions["confidence"], BANDS, right=False)
    for interval, group in predictions.groupby(band, observed=True):
        print(f"  [{interval.left:.1f}, {min(interval.right, 1):.1f})\t{len(group)}\t"
              f"{group['confidence'].mean():.2f}\t{(group['actual'] == group['predicted']).mean():.1%}")
    right = predictions["actual"] == predictions["predicted"]
    print(f"  all\t{len(predictions)}\t{predictions['confidence'].mean():.2f}\t{right.mean():.1%}")


def scale(items: int, labelled_share: float) -> None:
    from dashboard.core.demo.generator import iter_item_batches

    con, settings = fresh_store()
    started = time.perf_counter()
    keep = int(1 / labelled_share)
    for k, frame in enumerate(iter_item_batches(items, days=365, seed=7, batch_size=100_000), start=1):
        unlabelled = np.array([zlib.crc32(i.encode()) % keep != 0 for i in frame["id"]])
        frame.loc[unlabelled, ["category", "subcategory"]] = None
        ingest_frame(con, frame, settings, f"生成数据第 {k} 批")
    print(f"ingest {items:,} items: {time.perf_counter() - started:.0f} s")
    terms = con.execute("select count(*) from item_terms").fetchall()[0][0]
    print(f"item_terms rows: {terms:,}")
    for label, run in (("train + predict all", lambda: refresh_predictions(con)),
                       ("nothing to do", lambda: refresh_predictions(con)),
                       ("after 10,000 new unlabelled items", lambda: refresh_predictions(con))):
        if label.startswith("after"):
            extra = next(iter_item_batches(10_000, days=30, seed=8, batch_size=10_000))
            extra["category"] = None
            extra["subcategory"] = None
            ingest_frame(con, extra, settings, "新数据")
        started = time.perf_counter()
        summary = run()
        print(f"{label}: {time.perf_counter() - started:.1f} s — labelled {summary.labelled_items:,}, "
              f"held-out accuracy {summary.heldout_accuracy:.1%}, predicted {summary.predicted:,}")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "real"))
    parser.add_argument("--scale", type=int, metavar="N", help="time predictions on N generated items instead")
    parser.add_argument("--labelled-share", type=float, default=0.05, help="with --scale: share keeping a category")
    args = parser.parse_args()
    if args.scale:
        scale(args.scale, args.labelled_share)
    else:
        real(Path(args.real))


if __name__ == "__main__":
    main()
