"""A predicted category for items whose source gives none, learnt from the store's own labelled items.

Kept apart from the source: `items.category` is never written here; the prediction goes to
`items.category_predicted` with its confidence in `items.category_confidence`, and only on items
without a source category (docs/data-contract.md, "Predicted category").

The model is a multinomial naive Bayes over the terms made at ingest (item_terms), trained in SQL
(queries/categories/, the scoring macro in queries/schema/views.sql): nothing is downloaded and the
terms are already stored. To say how good it is, a fifth of the labelled items (fold 0, by a hash of
the id, so always the same ones) is held out: a model trained on the rest predicts them, which gives
the held-out accuracy, and fits the temperature. Naive Bayes treats every word as independent evidence,
so its posteriors are nearly always 0.99+, and the more so the longer the item. The scores are therefore
taken per term of the item, then divided by a temperature T (the one that best predicts the held-out
items, by likelihood): the confidence is then a probability that means what it says (on the real sample,
items at 0.8–0.9 are right 84% of the time; bench/category_eval.py).
The model is then trained again on every labelled item.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from dashboard.core import store

# Below these there is no model and no prediction: a few dozen items cannot describe a category.
MIN_LABELLED = 50
# Retrain after an ingest only when the labelled items changed this much (share of their number) or
# their categories changed: a retrain re-predicts every unlabelled item (about 20 s at a million), and a
# few more labelled items barely move the model. `derive` (retrain=True) always retrains.
RETRAIN_CHANGE = 0.1
MIN_CATEGORIES = 2
HELDOUT_FOLD = 0
TEMPERATURE_RANGE = (0.001, 1000.0)   # scores are per term: T is usually well below 1


@dataclass(frozen=True)
class PredictionSummary:
    retrained: bool
    has_model: bool
    labelled_items: int
    categories: int
    heldout_items: int | None
    heldout_accuracy: float | None
    temperature: float | None
    predicted: int          # predictions written by this refresh
    cleared: int            # predictions removed from items that now have a source category

    def describe(self) -> str:
        """One paragraph in Chinese for the CLI and the admin page."""
        if not self.has_model:
            return (f"分类预测：有分类的条目 {self.labelled_items:,} 条、{self.categories} 类，"
                    f"不足 {MIN_LABELLED} 条或不足 {MIN_CATEGORIES} 类，不做预测。")
        lines = [f"分类预测：模型{'已重新训练' if self.retrained else '未变'}"
                 f"（{self.labelled_items:,} 条有分类的条目，{self.categories} 类）。"]
        if self.heldout_accuracy is not None:
            lines.append(f"留出 {self.heldout_items:,} 条检验，准确率 {self.heldout_accuracy:.1%}。")
        lines.append(f"本次给出预测分类 {self.predicted:,} 条。")
        if self.cleared:
            lines.append(f"{self.cleared:,} 条已有来源分类，其预测分类已清除。")
        return "".join(lines)


def refresh_predictions(con: duckdb.DuckDBPyConnection, retrain: bool | None = None) -> PredictionSummary:
    """Bring the predictions up to date, in one transaction.

    `retrain` None: retrain when the labelled items differ enough from those the model was trained on
    (is_stale). After a retrain every unlabelled item is predicted again; otherwise only those without
    a prediction. Items that have a source category lose any prediction (always)."""
    cursor = con.cursor()
    try:
        cursor.begin()
        try:
            summary = _refresh(cursor, retrain)
            cursor.commit()
        except Exception:
            cursor.rollback()
            raise
        return summary
    finally:
        cursor.close()


def _refresh(cursor: duckdb.DuckDBPyConnection, retrain: bool | None) -> PredictionSummary:
    signature = store.fetch(cursor, "categories/labelled_signature").iloc[0]
    key = f"{signature['labelled_items']}:{signature['categories']}:{signature['checksum']}"
    model = model_info(cursor)
    if retrain is None:
        retrain = is_stale(model, int(signature["labelled_items"]), int(signature["categories"]), key)
    cleared = _count(store.execute(cursor, "categories/clear_predictions"))
    if retrain:
        model = _train(cursor, int(signature["labelled_items"]), int(signature["categories"]), key)
    has_model = model is not None and model["vocabulary"] > 0
    predicted = 0
    if retrain and not has_model:
        store.execute(cursor, "categories/clear_predictions", all=True)
    elif has_model:
        predicted = _count(store.execute(cursor, "categories/predict", all=retrain))
        if retrain:   # every unlabelled item was written, NULL where there is nothing to predict from
            predicted = int(store.fetch(cursor, "categories/prediction_summary")["predicted"].iat[0])
    return PredictionSummary(
        retrained=retrain, has_model=has_model, predicted=predicted, cleared=cleared,
        labelled_items=int(model["labelled_items"]) if model else int(signature["labelled_items"]),
        categories=int(model["categories"]) if model else int(signature["categories"]),
        heldout_items=_or_none(model, "heldout_items", int), heldout_accuracy=_or_none(model, "heldout_accuracy"),
        temperature=_or_none(model, "temperature"))


def is_stale(model: dict | None, labelled: int, categories: int, key: str) -> bool:
    """Whether the labelled items changed enough since the model was trained: no model yet (or none
    possible then, and possible now), other categories, or RETRAIN_CHANGE of their number."""
    if model is None:
        return True
    if model["labelled_signature"] == key:
        return False
    if not model["vocabulary"]:
        return labelled >= MIN_LABELLED and categories >= MIN_CATEGORIES
    trained = int(model["labelled_items"])
    return categories != int(model["categories"]) or abs(labelled - trained) >= RETRAIN_CHANGE * max(trained, 1)


def model_info(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The stored model's row (queries/categories/model.sql), or None when never trained."""
    frame = store.fetch(con, "categories/model")
    return None if frame.empty else frame.iloc[0].to_dict()


def _train(cursor, labelled: int, categories: int, key: str) -> dict:
    """Train (held-out fold first, to measure and calibrate; then every labelled item) and save."""
    heldout_items = accuracy = temperature = None
    if categories < MIN_CATEGORIES or labelled < MIN_LABELLED:
        _clear_model(cursor)
    else:
        _fit(cursor, HELDOUT_FOLD)
        heldout_items, accuracy, temperature = evaluate(
            store.fetch(cursor, "categories/heldout_scores", fold=HELDOUT_FOLD))
        _fit(cursor, None)
    store.execute(cursor, "categories/save_model", trained_at=datetime.now(), labelled_items=labelled,
                  heldout_items=heldout_items, heldout_accuracy=accuracy,
                  temperature=temperature if temperature is not None else 1.0, labelled_signature=key)
    return model_info(cursor)


def fold_scores(con: duckdb.DuckDBPyConnection, fold: int) -> pd.DataFrame:
    """heldout_scores of fold `fold` (0–4) by a model trained on the other folds, for evaluation
    (bench/category_eval.py): trained in a transaction that is rolled back, so the stored model stays."""
    cursor = con.cursor()
    try:
        cursor.begin()
        try:
            _fit(cursor, fold)
            return store.fetch(cursor, "categories/heldout_scores", fold=fold)
        finally:
            cursor.rollback()
    finally:
        cursor.close()


def _fit(cursor, holdout_fold: int | None) -> None:
    """Train the model tables on the labelled items, all or all but one fold."""
    _clear_model(cursor)
    store.execute(cursor, "categories/train_terms", holdout_fold=holdout_fold)
    store.execute(cursor, "categories/train_classes", holdout_fold=holdout_fold)


def _clear_model(cursor) -> None:
    store.execute(cursor, "categories/clear_terms")
    store.execute(cursor, "categories/clear_classes")


# --------------------------------------------------------------------------- #
# Accuracy and calibration on held-out scores
# --------------------------------------------------------------------------- #

def evaluate(scores: pd.DataFrame) -> tuple[int, float | None, float]:
    """(held-out items, accuracy, temperature) from heldout_scores rows (item_id, actual, category, score).
    An item whose category the model does not know counts as wrong."""
    if scores.empty:
        return 0, None, 1.0
    matrix, actual = score_matrix(scores)
    hits = matrix.columns.to_numpy()[matrix.to_numpy().argmax(axis=1)] == actual
    known = np.isin(actual, matrix.columns)
    temperature = fit_temperature(matrix.to_numpy()[known], _positions(matrix.columns, actual[known]))
    return len(actual), float(hits.mean()), temperature


def score_matrix(scores: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Scores as items × categories, and each item's actual category."""
    matrix = scores.pivot(index="item_id", columns="category", values="score")
    actual = scores.drop_duplicates("item_id").set_index("item_id")["actual"].reindex(matrix.index)
    return matrix, actual.to_numpy(dtype=object)


def _positions(columns: pd.Index, labels: np.ndarray) -> np.ndarray:
    return columns.get_indexer(labels)


def probabilities(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax of scores / temperature per row."""
    scaled = scores / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    weights = np.exp(scaled)
    return weights / weights.sum(axis=1, keepdims=True)


def negative_log_likelihood(scores: np.ndarray, actual: np.ndarray, temperature: float) -> float:
    p = probabilities(scores, temperature)[np.arange(len(actual)), actual]
    return float(-np.log(np.maximum(p, 1e-300)).mean())


def fit_temperature(scores: np.ndarray, actual: np.ndarray) -> float:
    """The temperature that best predicts the actual categories (golden-section search on ln T):
    the likelihood is unimodal in T for a fixed set of scores."""
    if len(actual) == 0:
        return 1.0
    low, high = (math.log(t) for t in TEMPERATURE_RANGE)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if negative_log_likelihood(scores, actual, math.exp(a)) <= negative_log_likelihood(scores, actual, math.exp(b)):
            high = b
        else:
            low = a
    return math.exp((low + high) / 2)


def _count(result: duckdb.DuckDBPyConnection) -> int:
    rows = result.fetchall()
    return int(rows[0][0]) if rows else 0


def _or_none(row: dict | None, key: str, cast=float):
    if row is None:
        return None
    value = row.get(key)
    return None if value is None or pd.isna(value) else cast(value)
