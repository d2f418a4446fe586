"""Predictions from a run's saved model, the untrained base next to it, the eval report, exports."""

import json
import zipfile

import numpy as np
import pytest

from core.results import eval_report, predict, publish
from core.runs.store import RunStore
from core.training.config import TrainConfig

NAMES = ["negative", "positive"]


@pytest.fixture()
def run(tmp_path, tiny_model_dir):
    """A run folder whose model/ is the tiny BERT with the sample's label names (no training needed)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    store = RunStore(tmp_path / "runs")
    config = TrainConfig(run_name="tiny", model=str(tiny_model_dir), max_eval_samples=40, max_length=32,
                         eval_batch_size=16)
    run_id = store.new_run(config.to_dict())
    model = AutoModelForSequenceClassification.from_pretrained(
        str(tiny_model_dir), num_labels=2, id2label=dict(enumerate(NAMES)), label2id={n: i for i, n in enumerate(NAMES)})
    model.save_pretrained(store.model_dir(run_id))
    AutoTokenizer.from_pretrained(str(tiny_model_dir)).save_pretrained(store.model_dir(run_id))
    predict.clear_cache()
    return store, run_id


def test_predict_run_gives_label_names_that_sum_to_one(run):
    store, run_id = run
    result = predict.predict_run(store, run_id, "The battery died after two days.")
    for side in ("fine_tuned", "base"):
        labels = [r["label"] for r in result[side]]
        assert sorted(labels) == NAMES
        assert sum(r["score"] for r in result[side]) == pytest.approx(1.0, abs=1e-4)
        assert result[side][0]["score"] >= result[side][1]["score"]  # highest first


def test_a_text_longer_than_the_model_is_truncated_and_said_so(run):
    store, run_id = run
    assert predict.predict_run(store, run_id, "short and fine")["note"] == ""
    long_text = "the battery died after two days " * 120  # ~840 tokens; the model has 512 positions
    result = predict.predict_run(store, run_id, long_text)
    assert "it was cut to the first 512" in result["note"]
    assert sum(r["score"] for r in result["fine_tuned"]) == pytest.approx(1.0, abs=1e-4)


def test_pipelines_are_cached_and_text_is_required(run):
    store, run_id = run
    first = predict.load_pipeline(store.model_dir(run_id))
    assert predict.load_pipeline(store.model_dir(run_id)) is first
    with pytest.raises(ValueError, match="Type a text"):
        predict.classify(first, "   ")
    with pytest.raises(ValueError, match="has no saved model"):
        predict.load_pipeline(store.path(run_id) / "missing")


def test_eval_report_matches_the_eval_rows_and_is_cached(run):
    store, run_id = run
    report = eval_report.eval_report(store, run_id)
    matrix = np.asarray(report["confusion"])
    assert report["labels"] == NAMES and matrix.shape == (2, 2)
    assert report["rows"] == 40 == matrix.sum()  # max_eval_samples of the sample's test split
    assert report["accuracy"] == pytest.approx(np.trace(matrix) / matrix.sum())
    assert sum(c["support"] for c in report["per_class"]) == 40
    assert [c["support"] for c in report["per_class"]] == matrix.sum(axis=1).tolist()
    cached = store.path(run_id) / "eval_report.json"
    assert json.loads(cached.read_text()) == report
    cached.write_text(json.dumps({**report, "rows": -1}))
    assert eval_report.eval_report(store, run_id)["rows"] == -1  # read back, not recomputed
    assert eval_report.eval_report(store, run_id, refresh=True)["rows"] == 40


def test_eval_report_needs_a_saved_model(tmp_path):
    store = RunStore(tmp_path / "runs")
    run_id = store.new_run(TrainConfig(run_name="nomodel").to_dict())
    with pytest.raises(ValueError, match="no saved model"):
        eval_report.eval_report(store, run_id)


def test_zip_model_and_push_refusals(run, tmp_path):
    store, run_id = run
    archive = publish.zip_model(store.model_dir(run_id), tmp_path, "tiny")
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(zipfile.ZipFile(archive).namelist())
    with pytest.raises(ValueError, match="user/name"):
        publish.push_model(store.model_dir(run_id), "no-slash", "hf_secret")
    with pytest.raises(ValueError, match="offline") as err:
        publish.push_model(store.model_dir(run_id), "alice/tiny", "hf_secret")
    assert "hf_secret" not in str(err.value)
