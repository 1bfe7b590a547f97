"""Predicted categories: learnt from the store's labelled items through the real ingest (jieba terms) and
DuckDB, kept apart from the source category, measured on held-out items, retrained only when needed."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from dashboard import cli
from dashboard.core import store
from dashboard.core.analytics.categories import (
    MIN_LABELLED,
    fit_temperature,
    model_info,
    probabilities,
    refresh_predictions,
)
from dashboard.core.ingest.loader import ingest_frame

# Each category has its own words; every item also gets words of other categories (noise) and of none.
VOCABULARY = {
    "城乡建设": ["物业", "小区", "拆迁", "违建", "电梯", "装修", "房产证", "开发商"],
    "交通运输": ["公交", "红绿灯", "道路", "停车", "拥堵", "地铁", "出租车", "站台"],
    "教育文体": ["学校", "学生", "老师", "入学", "幼儿园", "学位", "补课", "体育馆"],
    "卫生计生": ["医院", "医生", "看病", "疫苗", "挂号", "医保", "护士", "药品"],
}
SHARED = ["市民", "附近", "时间", "晚上", "周末", "邻居", "费用", "上午"]


def items(n: int, start: int, seed: int, labelled: bool = True) -> tuple[pd.DataFrame, dict[str, str]]:
    """n items with ids start…; returns the frame and each item's true category."""
    rng = random.Random(seed)
    names = list(VOCABULARY)
    rows, truth = [], {}
    for k in range(start, start + n):
        category = names[k % len(names)]
        others = [w for c in names if c != category for w in VOCABULARY[c]]
        words = rng.sample(VOCABULARY[category], 4) + rng.sample(others, 2) + rng.sample(SHARED, 3)
        rng.shuffle(words)
        item_id = f"T{k:05d}"
        truth[item_id] = category
        rows.append({"id": item_id, "title": "关于" + VOCABULARY[category][k % 8] + "的反映",
                     "content": "，".join(words) + "。", "channel": "留言板",
                     "published_at": datetime(2024, 5, 1) + timedelta(minutes=k),
                     "category": category if labelled else None})
    return pd.DataFrame(rows), truth


def load(con, settings, frame: pd.DataFrame, name: str) -> None:
    outcome = ingest_frame(con, frame, settings, name)
    assert outcome.ok, outcome.summary()


def column(con, sql: str) -> dict:
    return dict(con.execute(sql).fetchall())


def checks_are_empty(con) -> bool:
    return all(store.run_query(con, n).empty for n in store.list_queries() if n.startswith("checks/"))


@pytest.fixture
def labelled_store(con, settings):
    labelled, _ = items(300, 0, seed=1)
    unlabelled, truth = items(100, 1000, seed=2, labelled=False)
    load(con, settings, labelled, "有分类")
    load(con, settings, unlabelled, "无分类")
    return con, truth


def test_too_few_labelled_items_give_no_model_and_no_predictions(con, settings):
    load(con, settings, items(MIN_LABELLED - 1, 0, seed=1)[0], "有分类")
    load(con, settings, items(20, 1000, seed=2, labelled=False)[0], "无分类")
    summary = refresh_predictions(con)
    assert not summary.has_model and summary.predicted == 0
    assert "不做预测" in summary.describe()
    assert model_info(con)["vocabulary"] == 0
    assert con.execute("select count(*) from items where category_predicted is not null").fetchall() == [(0,)]


def test_one_category_gives_no_model(con, settings):
    frame, _ = items(200, 0, seed=1)
    frame["category"] = "城乡建设"
    load(con, settings, frame, "一类")
    assert not refresh_predictions(con).has_model


def test_predictions_are_stored_apart_and_measured_on_held_out_items(labelled_store):
    con, truth = labelled_store
    # the ingest of the unlabelled items already predicted them (loader.refresh_predictions_after)
    predicted = column(con, "select id, category_predicted from items where category_predicted is not null")
    assert set(predicted) == set(truth)
    before = column(con, "select id, category from items")
    summary = refresh_predictions(con, retrain=True)
    assert column(con, "select id, category from items") == before          # never touches category
    predicted = column(con, "select id, category_predicted from items where category_predicted is not null")
    assert set(predicted) == set(truth)                                      # only items without one
    assert sum(predicted[i] == truth[i] for i in truth) / len(truth) >= 0.9
    confidence = column(con, "select id, category_confidence from items where category_confidence is not null")
    assert all(0 < c <= 1 for c in confidence.values())
    model = model_info(con)
    assert summary.retrained and summary.has_model and summary.predicted == 100
    assert model["labelled_items"] == 300 and model["categories"] == 4
    assert 30 <= model["heldout_items"] <= 90                                # about a fifth, by a hash of the id
    assert model["heldout_accuracy"] == pytest.approx(summary.heldout_accuracy) and summary.heldout_accuracy >= 0.9
    assert checks_are_empty(con)


def test_held_out_items_are_the_same_every_time(labelled_store):
    con, _ = labelled_store
    first = refresh_predictions(con)
    again = refresh_predictions(con, retrain=True)
    assert (again.heldout_items, again.heldout_accuracy) == (first.heldout_items, first.heldout_accuracy)


def test_retrains_only_when_the_labelled_items_change(con, settings, labelled_store):
    # every ingest refreshes the predictions (loader.refresh_predictions_after); the model is retrained
    # only when the labelled items changed by RETRAIN_CHANGE (10%) or in their categories
    trained_at = model_info(con)["trained_at"]
    unchanged = refresh_predictions(con)
    assert not unchanged.retrained and unchanged.predicted == 0 and model_info(con)["trained_at"] == trained_at

    load(con, settings, items(10, 2000, seed=3, labelled=False)[0], "新的无分类")
    assert predicted_count(con) == 110 and model_info(con)["trained_at"] == trained_at   # only the new ones

    load(con, settings, items(20, 3000, seed=4)[0], "几条新的有分类")          # 20 of 300: under 10%
    assert model_info(con)["labelled_items"] == 300 and model_info(con)["trained_at"] == trained_at

    load(con, settings, items(20, 4000, seed=5)[0], "又有新的有分类")          # 40 of 300 since training
    assert model_info(con)["labelled_items"] == 340 and model_info(con)["trained_at"] > trained_at
    assert predicted_count(con) == 110
    assert refresh_predictions(con, retrain=True).predicted == 110            # forced: every unlabelled item


def predicted_count(con) -> int:
    return con.execute("select count(*) from items where category_predicted is not null").fetchall()[0][0]


def test_an_item_that_gains_a_source_category_loses_its_prediction(con, settings, labelled_store):
    refresh_predictions(con)
    frame, _ = items(1, 1000, seed=2, labelled=False)
    frame["category"] = "环境保护"
    load(con, settings, frame, "补上分类")                                   # the ingest's refresh clears it
    row = con.execute("select category, category_predicted, category_confidence from items where id = 'T01000'")
    assert row.fetchall() == [("环境保护", None, None)]
    assert checks_are_empty(con)
    # the data check catches a prediction left beside a source category
    con.execute("update items set category_predicted = '城乡建设', category_confidence = 0.9 where id = 'T01000'")
    assert store.run_query(con, "checks/prediction_mismatch")["id"].tolist() == ["T01000"]


def test_temperature_makes_over_confident_scores_honest():
    rng = np.random.default_rng(0)
    n, k = 2000, 4
    actual = rng.integers(0, k, n)
    right = rng.random(n) < 0.7                      # the top score is right 70% of the time …
    top = np.where(right, actual, (actual + 1) % k)
    scores = rng.normal(0, 1, (n, k))
    scores[np.arange(n), top] += 40                  # … yet every softmax says 1.0
    temperature = fit_temperature(scores, actual)
    confidence = probabilities(scores, temperature).max(axis=1)
    assert temperature > 5
    assert confidence.mean() == pytest.approx(0.7, abs=0.05)


def test_derive_prints_the_model_accuracy(con, settings, labelled_store, capsys):
    con.close()
    assert cli.main(["derive", "--db", str(settings.db_path)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "准确率" in out and "本次给出预测分类 100 条" in out


def test_pages_show_predictions_apart_from_the_source_category(settings, app_data_dir):
    """分类: a section of its own for the predicted categories; 明细: a 预测分类 column beside 分类 (未分类)."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    con = store.connect(app_data_dir / "warehouse.duckdb")
    load(con, settings, items(300, 0, seed=1)[0], "有分类")
    load(con, settings, items(100, 1000, seed=2, labelled=False)[0], "无分类")
    con.close()
    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.query_params["range"] = "custom"
    at.query_params["from"], at.query_params["to"] = "2024-05-01", "2024-05-02"
    at.switch_page("app_pages/categories.py").run()
    assert not at.exception, at.exception
    assert "未分类信息的预测分类" in [s.value for s in at.subheader]
    predicted = next(d.value for d in at.dataframe if "预测分类" in d.value.columns)
    assert predicted["条目"].sum() == 100 and set(predicted["预测分类"]) <= set(VOCABULARY)
    at.switch_page("app_pages/items.py").run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "预测分类" in d.value.columns)
    unlabelled = table[table["分类"] == "未分类"]
    assert len(unlabelled) == 100 and unlabelled["预测分类"].str.contains("（预测 ").all()
    assert table.loc[table["分类"] != "未分类", "预测分类"].isna().all()
