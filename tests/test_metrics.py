"""The offline evaluate metric modules, compute_metrics and the metrics recorder."""

import functools
import json
import threading

import evaluate
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from core.runs.store import RunStore
from core.training import metrics
from core.training.metrics import load_metric_modules, make_compute_metrics
from core.training.recorder import MetricsRecorder, make_record


class _Pred:
    def __init__(self, logits, labels):
        self.predictions, self.label_ids = logits, labels


def test_modules_are_evaluate_metrics_loaded_from_local_folders():
    modules = load_metric_modules(["accuracy", "f1", "precision", "recall"])
    assert set(modules) == {"accuracy", "f1", "precision", "recall"}
    for name, module in modules.items():
        assert isinstance(module, evaluate.Metric)
        assert module.name == name
        assert (metrics.METRIC_MODULES_DIR / name / f"{name}.py").is_file()
    direct = evaluate.load(str(metrics.METRIC_MODULES_DIR / "accuracy"))
    assert direct.compute(references=[0, 1, 2, 0], predictions=[0, 1, 1, 0]) == {"accuracy": 0.75}


def test_modules_agree_with_sklearn_and_the_official_examples():
    modules = load_metric_modules(["f1", "precision", "recall"])
    refs, preds = [0, 1, 0, 1, 0], [0, 0, 1, 1, 0]
    assert modules["f1"].compute(references=refs, predictions=preds) == {"f1": 0.5}
    refs3, preds3 = [0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]
    macro = modules["f1"].compute(references=refs3, predictions=preds3, average="macro")["f1"]
    assert round(macro, 2) == 0.27 == round(f1_score(refs3, preds3, average="macro"), 2)
    per_class = modules["recall"].compute(references=refs3, predictions=preds3, average=None)["recall"]
    assert list(np.round(per_class, 2)) == [1.0, 0.0, 0.0]
    weighted = modules["precision"].compute(references=refs3, predictions=preds3, average="weighted")
    assert weighted["precision"] == pytest.approx(precision_score(refs3, preds3, average="weighted", zero_division=0))


def test_compute_metrics_binary_uses_the_positive_class():
    compute = make_compute_metrics(["accuracy", "f1", "precision", "recall"], num_labels=2)
    labels = np.array([0, 1, 1, 0, 1, 1])
    logits = np.array([[2, 1], [0, 3], [1, 0], [3, 0], [0, 1], [2, 5]], dtype=float)
    preds = logits.argmax(-1)
    out = compute(_Pred(logits, labels))
    assert out == pytest.approx({"accuracy": accuracy_score(labels, preds), "f1": f1_score(labels, preds),
                                 "precision": precision_score(labels, preds), "recall": recall_score(labels, preds)})
    assert out["recall"] == 0.75


def test_compute_metrics_multiclass_uses_macro_average_and_tuple_logits():
    compute = make_compute_metrics(["f1", "recall"], num_labels=3)
    labels = np.array([0, 1, 2, 2, 1, 0])
    logits = np.eye(3)[[0, 2, 2, 1, 1, 0]]
    out = compute(_Pred((logits, np.zeros(1)), labels))
    assert out["f1"] == pytest.approx(f1_score(labels, logits.argmax(-1), average="macro"))
    assert out["recall"] == pytest.approx(recall_score(labels, logits.argmax(-1), average="macro"))


def test_a_class_never_predicted_scores_zero_without_warning(recwarn):
    compute = make_compute_metrics(["precision"], num_labels=2)
    assert compute(_Pred(np.array([[1.0, 0.0], [2.0, 0.0]]), np.array([0, 1])))["precision"] == 0.0
    assert not [w for w in recwarn if "zero_division" in str(w.message).lower() or "ill-defined" in str(w.message)]


@pytest.mark.parametrize("names", [["bleu"], [], "accuracy,rouge"])
def test_unknown_metric_names_are_refused(names):
    with pytest.raises(ValueError, match="metrics"):
        load_metric_modules(names)


def test_make_record_keeps_numbers_and_drops_what_json_cannot_hold():
    record = make_record({"loss": 0.5, "grad_norm": float("nan"), "epoch": 0.25, "total_flos": 3.0,
                          "learning_rate": np.float32(1e-5), "note": "text"}, step=7, epoch=0.25, kind="train")
    assert record["step"] == 7 and record["epoch"] == 0.25 and record["kind"] == "train"
    assert record["loss"] == 0.5 and record["grad_norm"] is None
    assert record["learning_rate"] == pytest.approx(1e-5)
    assert "note" not in record and "total_flos" not in record
    json.dumps(record, allow_nan=False)


def test_recorder_appends_lines_and_returns_points_after_a_step(tmp_path):
    store = RunStore(tmp_path / "runs")
    run_id = store.new_run({"run_name": "rec"})
    path = store.path(run_id) / "metrics.jsonl"
    seen = []
    recorder = MetricsRecorder(functools.partial(store.append_metric, run_id), on_record=seen.append)
    for step in (0, 2, 4, 4, 6):
        recorder.add({"step": step, "epoch": 0.0, "kind": "train", "time": 0.0})
    assert [p["step"] for p in recorder.points(since_step=2)] == [4, 4, 6]
    assert [p["step"] for p in recorder.points(since_step=-1, before_step=4)] == [0, 2]
    assert [json.loads(line)["step"] for line in path.read_text().splitlines()] == [0, 2, 4, 4, 6]
    assert len(seen) == 5
    recorder.points()[0]["step"] = 99  # copies: a reader cannot change the buffer
    assert recorder.points()[0]["step"] == 0


def test_recorder_is_safe_with_concurrent_writers_and_readers(tmp_path):
    store = RunStore(tmp_path / "runs")
    run_id = store.new_run({})
    recorder = MetricsRecorder(functools.partial(store.append_metric, run_id))

    def write(offset):
        for i in range(200):
            recorder.add({"step": offset + i, "epoch": 0.0, "kind": "train", "time": 0.0})

    threads = [threading.Thread(target=write, args=(k * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(50):
        recorder.points(since_step=500)
    for thread in threads:
        thread.join(timeout=30)
    assert len(recorder.points()) == 800
    assert len(store.read_metrics(run_id)) == 800


def test_recorder_progress_gives_rate_and_eta():
    recorder = MetricsRecorder()
    recorder.begin_training(step=0, max_steps=100, samples_per_step=16)
    recorder.train_started -= 10.0  # as if training began 10 s ago
    recorder.set_progress(step=20, max_steps=100, epoch=0.2)
    progress = recorder.progress()
    assert progress["step"] == 20 and progress["max_steps"] == 100
    assert progress["samples_per_second"] == pytest.approx(32.0, rel=0.05)
    assert progress["eta_s"] == pytest.approx(40.0, rel=0.05)
