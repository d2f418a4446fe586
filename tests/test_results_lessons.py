"""Learning from a run: the best checkpoint and early stopping, per-example results, the diagnosis, the model card.

Tiny models for the mechanics; constructed metrics.jsonl files for the diagnosis (each finding fires on its own
shape of curve and stays silent on a healthy one).
"""

from __future__ import annotations

import ast
import math
import os
from types import SimpleNamespace

import numpy as np
import pytest

from core.messages import UserError, localize
from core.results import diagnosis, examples
from core.runs.store import RunStore
from core.training import recorder
from core.training.config import TrainConfig


def _tiny(model_dir, **changes) -> TrainConfig:
    base = dict(run_name="lessons", model=str(model_dir), max_train_samples=64, max_eval_samples=24, max_length=32,
                batch_size=4, logging_steps=1, learning_rate=1e-3, eval_strategy="steps", eval_steps=2, max_steps=6)
    return TrainConfig(**{**base, **changes})


# ------------------------------------------------------------------ settings

@pytest.mark.parametrize("changes, words", [
    ({"early_stopping_patience": -1}, ["early_stopping_patience", "0 turns it off"]),
    ({"early_stopping_patience": 2, "eval_strategy": "no"}, ["early_stopping_patience", "eval_strategy to epoch"]),
    ({"load_best_model_at_end": True, "eval_strategy": "no"}, ["load_best_model_at_end", "eval_strategy"]),
    ({"metric_for_best_model": "bleu"}, ["metric_for_best_model", "choose one of those"]),
    ({"metric_for_best_model": "f1", "metrics": ["accuracy"]}, ["f1 is not computed", "add it to metrics"]),
    ({"report_to": "wandb"}, ["report_to", "none, trackio, tensorboard"]),
])
def test_best_checkpoint_settings_are_checked(changes, words):
    with pytest.raises(UserError) as caught:
        TrainConfig(**changes)
    for word in words:
        assert word in str(caught.value)
    assert localize(caught.value, "zh") != str(caught.value)  # every refusal has its Chinese


def test_report_to_needs_the_package_installed(monkeypatch):
    import importlib.util

    config = TrainConfig(report_to="tensorboard")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError, match="tensorboard is not installed on this server - choose none"):
        config.check_limits()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if name == "tensorboardX" else None)
    config.check_limits()  # either package writes TensorBoard's files


def test_tracking_goes_into_the_runs_folder(tmp_path, monkeypatch):
    from core.training import trainer

    monkeypatch.setenv("TRACKIO_DIR", "before")  # the test sets it; monkeypatch puts back what was there
    run_dir = RunStore(tmp_path / "runs").path("demo-run")
    args = trainer.training_arguments(TrainConfig(report_to="trackio"), run_dir, "fp32")
    assert args.report_to == ["trackio"] and args.run_name == "demo-run" and args.project == trainer.TRACKIO_PROJECT
    assert args.trackio_static_space_id is False and args.trackio_space_id is None  # local only, never a Space
    assert os.environ["TRACKIO_DIR"] == str(tmp_path / "runs" / "_tracking" / "trackio")
    args = trainer.training_arguments(TrainConfig(report_to="tensorboard"), run_dir, "fp32")
    assert args.report_to == ["tensorboard"]
    assert RunStore(tmp_path / "runs").tracking_dir("tensorboard", "demo-run") == run_dir / "tensorboard"
    assert trainer.training_arguments(TrainConfig(), run_dir, "fp32").report_to in ("none", [], ["none"])
    TensorBoardCallback = type("TensorBoardCallback", (), {"logging_dir": None})  # transformers' own, by name
    fake = SimpleNamespace(callback_handler=SimpleNamespace(callbacks=[TensorBoardCallback(), object()]))
    trainer._send_tensorboard_to_run_folder(fake, RunStore(tmp_path / "runs"), "demo-run")
    assert fake.callback_handler.callbacks[0].logging_dir == str(run_dir / "tensorboard")


# ------------------------------------------------------------------ the best checkpoint

def test_best_step_is_the_first_strict_improvement():
    points = [{"kind": "baseline", "step": 0, "eval_accuracy": 0.99}] + [
        {"kind": "eval", "step": s, "eval_accuracy": a, "eval_loss": lo}
        for s, a, lo in ((2, 0.5, 0.7), (4, 0.7, 0.6), (6, 0.7, 0.5), (8, None, 0.55))]
    assert recorder.best_step(points, "accuracy", greater_is_better=True) == 4  # a tie does not move it
    assert recorder.best_step(points, "loss", greater_is_better=False) == 6
    assert recorder.best_step([], "loss", False) is None
    assert recorder.kept_step(TrainConfig(), points) is None  # the last model is kept: no best step
    assert recorder.kept_step(TrainConfig(load_best_model_at_end=True, metric_for_best_model="accuracy"), points) == 4
    assert recorder.kept_step(TrainConfig(load_best_model_at_end=True, metric_for_best_model="loss"), points) == 6


def test_one_rule_says_which_way_the_best_checkpoint_improves():
    from core.results.export_forms import generate
    from core.training.rules import greater_is_better
    from core.training.trainer import best_model_arguments

    assert [greater_is_better(m) for m in ("loss", "eval_loss", "accuracy", "eval_f1")] == [False, False, True, True]
    for metric in ("loss", "f1"):
        config = TrainConfig(load_best_model_at_end=True, metric_for_best_model=metric)
        assert best_model_arguments(config)["greater_is_better"] is greater_is_better(metric)
        assert f"greater_is_better={greater_is_better(metric)}," in generate(config)  # the exported script agrees


def _scripted_accuracy(monkeypatch, values):
    """compute_metrics that returns these accuracies, one per evaluation: a constructed metric sequence."""
    from core.tasks import classification  # the task that gives the Trainer its compute_metrics

    sequence = iter(values)
    monkeypatch.setattr(classification, "make_compute_metrics",
                        lambda names, n: lambda pred: {"accuracy": next(sequence)})


def _weights(folder):
    from safetensors.numpy import load_file

    return load_file(str(folder / "model.safetensors"))


def test_early_stopping_stops_at_the_expected_step_and_keeps_the_best(manager, tiny_model_dir, monkeypatch):
    # evaluations every 2 steps: 0.5, 0.7 (best, step 4), 0.6, 0.65 -> two without improvement: stop at step 8
    _scripted_accuracy(monkeypatch, [0.5, 0.7, 0.6, 0.65, 0.9, 0.9, 0.9, 0.9])
    config = _tiny(tiny_model_dir, max_steps=20, evaluate_before=False, metrics=["accuracy"],
                   early_stopping_patience=2, load_best_model_at_end=True, metric_for_best_model="accuracy")
    run_id = manager.start(config)
    assert manager.wait(run_id, 180) == "done"
    store = manager.store
    evals = [r["step"] for r in store.read_metrics(run_id) if r["kind"] == "eval"]
    assert evals == [2, 4, 6, 8]  # stopped after the fourth evaluation, not at step 20
    status = store.read_status(run_id)
    assert status["best_step"] == 4 and status["step"] == 8
    assert store.read_eval(run_id, "final")["eval_accuracy"] == 0.7  # the kept model's score, not the last one's
    kept, best = _weights(store.model_dir(run_id)), _weights(store.path(run_id) / "checkpoint-4")
    assert kept.keys() == best.keys() and all(np.array_equal(kept[k], best[k]) for k in kept)
    assert manager.snapshot(run_id)["best_step"] == 4


def test_without_keeping_the_best_the_model_is_the_last_one(manager, tiny_model_dir, monkeypatch):
    _scripted_accuracy(monkeypatch, [0.5, 0.7, 0.6, 0.65, 0.9])
    config = _tiny(tiny_model_dir, max_steps=20, evaluate_before=False, metrics=["accuracy"],
                   early_stopping_patience=2, metric_for_best_model="accuracy")
    run_id = manager.start(config)
    assert manager.wait(run_id, 180) == "done"
    assert manager.store.read_status(run_id)["best_step"] is None
    assert manager.store.read_eval(run_id, "final")["eval_accuracy"] == 0.65
    assert [r["step"] for r in manager.store.read_metrics(run_id) if r["kind"] == "eval"][-1] == 8


def test_exported_script_keeps_the_best_checkpoint_and_stops_early():
    from core.results.export_script import generate_script

    script = generate_script(TrainConfig(early_stopping_patience=3, load_best_model_at_end=True,
                                         metric_for_best_model="f1", eval_strategy="steps", eval_steps=25,
                                         report_to="tensorboard"))
    ast.parse(script)
    for line in ("from transformers import EarlyStoppingCallback", "save_strategy='steps',", "save_steps=25,",
                 "metric_for_best_model='f1',", "greater_is_better=True,", "load_best_model_at_end=True,",
                 "report_to='tensorboard',", "EarlyStoppingCallback(early_stopping_patience=3)"):
        assert line in script, line
    plain = generate_script(TrainConfig())
    assert "EarlyStopping" not in plain and 'save_strategy="no"' in plain


# ------------------------------------------------------------------ per-example results

@pytest.fixture(scope="module")
def finished_run(tiny_model_dir, tmp_path_factory):
    """A tiny run trained to the end (baseline and final evaluations, saved model) in its own runs folder."""
    from core.training import trainer

    store = RunStore(tmp_path_factory.mktemp("lessons") / "runs")
    config = _tiny(tiny_model_dir, max_steps=8, seed=3)
    run_id = store.new_run(config.to_dict())
    result = trainer.run(config, store.path(run_id))
    assert result["state"] == "done"
    return SimpleNamespace(store=store, run_id=run_id, config=config)


def test_per_example_results_add_up_and_match_the_evaluations(finished_run):
    store, run_id, config = finished_run.store, finished_run.run_id, finished_run.config
    found = examples.run_examples(store, run_id)
    counts, rows = found["counts"], found["rows"]
    assert counts["total"] == len(rows) == 24
    assert counts["fixed"] + counts["broken"] + counts["still_wrong"] + counts["still_right"] == 24
    assert found["labels"] == ["negative", "positive"] and {"text", "label", "before", "after"} <= set(rows[0])
    # "after" is the saved model, "before" the baseline model: their accuracies are the stored evaluations'
    final, baseline = store.read_eval(run_id, "final"), store.read_eval(run_id, "baseline")
    assert np.mean([r["after"] == r["label"] for r in rows]) == pytest.approx(final["eval_accuracy"])
    assert np.mean([r["before"] == r["label"] for r in rows]) == pytest.approx(baseline["eval_accuracy"])
    assert store.read_examples(run_id) == found  # kept in the run folder
    # the baseline's loss, recomputed from the "before" model's probabilities, is the stored one
    from core.results.predict import load_base_pipeline, load_pipeline
    from core.training.prepare import select_rows

    _, eval_rows, names = select_rows(config)
    base = load_base_pipeline(config.model, names, seed=config.seed)
    probs = examples.probabilities(base.model, load_pipeline(store.model_dir(run_id)).tokenizer,
                                   list(eval_rows["text"]), None, config.max_length)
    labels = np.asarray(eval_rows["label"])
    assert -np.mean(np.log(probs[np.arange(len(labels)), labels])) == pytest.approx(baseline["eval_loss"], rel=1e-3)


def test_filters_and_cells_select_the_right_rows(finished_run):
    found = examples.run_examples(finished_run.store, finished_run.run_id)
    counts = found["counts"]
    for which in ("fixed", "broken", "still_wrong"):
        rows, matched = examples.select(found, which)
        assert matched == counts[which] == len(rows)
    mistakes, matched = examples.select(found, "confident_mistakes")
    assert matched == counts["broken"] + counts["still_wrong"]
    assert [r["after_p"] for r in mistakes] == sorted((r["after_p"] for r in mistakes), reverse=True)
    cells = dict(examples.cells(found))
    assert sum(cells.values()) == 24
    for name, count in cells.items():
        cell = examples.parse_cell(name, found["labels"])
        rows, matched = examples.select(found, "all", cell, limit=5)
        assert matched == count and len(rows) == min(5, count)
        assert all((r["label"], r["after"]) == cell for r in rows)
    with pytest.raises(UserError, match="not a cell of the confusion matrix"):
        examples.parse_cell("negative -> nothing", found["labels"])
    with pytest.raises(UserError, match="filter"):
        examples.select(found, "everything")


# ------------------------------------------------------------------ the diagnosis

def _rec(kind, step, **values):
    return {"kind": kind, "step": step, "epoch": round(step / 50, 4), "time": float(step), **values}


def _write(store: RunStore, config: TrainConfig, records) -> str:
    """A run folder holding a constructed metrics.jsonl."""
    run_id = store.new_run(config.to_dict())
    for record in records:
        store.append_metric(run_id, record)
    return run_id


CONFIG = TrainConfig(num_train_epochs=4, eval_strategy="steps", eval_steps=20, logging_steps=5, learning_rate=5e-5)
HEALTHY = [_rec("baseline", 0, eval_loss=0.69, eval_accuracy=0.5)] + \
    [_rec("train", s, loss=0.65 * math.exp(-s / 80) + 0.1 + 0.01 * math.sin(s), learning_rate=5e-5, grad_norm=2.0)
     for s in range(5, 201, 5)] + \
    [_rec("eval", s, eval_loss=0.55 * math.exp(-s / 100) + 0.2, eval_accuracy=0.9) for s in range(20, 201, 20)] + \
    [_rec("train", 200, train_loss=0.3)]  # the Trainer's end-of-training summary (no "loss")
BALANCED = {"labels": ["neg", "pos"], "confusion": [[45, 5], [4, 46]], "rows": 100}


def _shapes():
    overfit = [_rec("train", s, loss=0.7 * math.exp(-s / 40) + 0.01) for s in range(5, 201, 5)] + \
        [_rec("eval", s, eval_loss=0.5 + ((s - 80) / 200) ** 2, eval_accuracy=0.8) for s in range(20, 201, 20)]
    nan = HEALTHY[:12] + [_rec("train", 60, loss=None, grad_norm=None)] + HEALTHY[12:20]
    spike = [r if r.get("step") != 100 or r["kind"] != "train" else {**r, "loss": 4.2} for r in HEALTHY]
    diverge = [_rec("train", s, loss=0.7 + s / 150) for s in range(5, 201, 5)]
    flat = [_rec("train", s, loss=0.693 + 0.002 * (s % 3)) for s in range(5, 201, 5)]
    few = [_rec("train", s, loss=0.69 - s / 100) for s in (1, 2, 3, 4)]
    sparse = [_rec("train", s, loss=0.69 - s / 1000) for s in (1, 50, 100)]
    return {"overfitting": (overfit, None), "lr_too_high/nan": (nan, None), "lr_too_high/spike": (spike, None),
            "lr_too_high/diverged": (diverge, None), "underfitting": (flat, BALANCED),
            "majority_class": (HEALTHY, {"labels": ["neg", "pos"], "confusion": [[0, 30], [0, 70]], "rows": 100}),
            "too_few_steps/steps": (few, None), "too_few_steps/points": (sparse, None)}


@pytest.mark.parametrize("shape", list(_shapes()))
def test_each_diagnosis_fires_on_its_curve_and_changes_one_setting(shape, tmp_path):
    records, report = _shapes()[shape]
    store = RunStore(tmp_path / "runs")
    run_id = _write(store, CONFIG, records)
    found = diagnosis.diagnose(store.read_metrics(run_id), store.read_config(run_id), report)
    kind = shape.split("/")[0]
    assert [f.kind for f in found] == [kind]
    finding = found[0]
    (name, value), = finding.change.items()  # exactly one setting
    changed = TrainConfig.from_dict({**CONFIG.to_dict(), name: value})  # a valid config
    assert getattr(changed, name) != getattr(CONFIG, name)
    assert finding.evidence and localize(finding.text, "zh") != finding.text  # evidence, and Chinese words
    assert localize(finding.advice, "zh") != finding.advice


def test_the_evidence_names_the_steps():
    records, _ = _shapes()["overfitting"]
    finding, = diagnosis.diagnose(records, CONFIG)
    assert finding.evidence["best_step"] == 80 and finding.evidence["last_step"] == 200
    assert finding.text.startswith("Overfitting from step 80: eval loss was lowest there (0.500)")
    assert finding.change == {"num_train_epochs": 2.0}  # step 80 is epoch 1.6: stop by epoch 2
    by_steps, = diagnosis.diagnose(records, TrainConfig(max_steps=200, eval_strategy="steps"))
    assert by_steps.change == {"max_steps": 80}
    nan, = diagnosis.diagnose(_shapes()["lr_too_high/nan"][0], CONFIG)
    assert nan.evidence["nan_step"] == 60 and nan.change == {"learning_rate": 1e-5}  # a tenth, kept in 1e-5..1e-4


def test_a_healthy_run_gets_no_finding(tmp_path):
    store = RunStore(tmp_path / "runs")
    run_id = _write(store, CONFIG, HEALTHY)
    assert diagnosis.diagnose(store.read_metrics(run_id), store.read_config(run_id), BALANCED) == []
    assert diagnosis.diagnose(HEALTHY[:15], CONFIG, live=True) == []  # mid-run too


def test_live_diagnosis_judges_only_what_a_running_curve_shows():
    from ui import charts

    few = _shapes()["too_few_steps/steps"][0]
    assert diagnosis.diagnose(few, CONFIG, live=True) == []  # too early to call it "too few"
    for shape, kinds in (("lr_too_high/nan", ["lr_too_high"]), ("overfitting", ["overfitting"])):
        records = _shapes()[shape][0]
        assert [f.kind for f in diagnosis.diagnose(records, CONFIG, live=True)] == kinds
        job = f"live-{shape}"
        charts.forget(job)
        charts.add_points(job, records)  # what the live charts hold gives the same answer
        assert diagnosis.diagnose_curves(*charts.curve_points(job), CONFIG, live=True) == \
            diagnosis.diagnose(records, CONFIG, live=True)
    charts.forget("live-healthy")
    charts.add_points("live-healthy", HEALTHY)
    assert diagnosis.diagnose_curves(*charts.curve_points("live-healthy"), CONFIG, live=True) == []


# ------------------------------------------------------------------ the model card

def test_the_model_card_has_data_settings_scores_use_and_limits(finished_run):
    from huggingface_hub import ModelCard

    from core.results.model_card import card_for_run

    text = card_for_run(finished_run.store, finished_run.run_id, "alice/tiny-reviews")
    card = ModelCard(text)
    assert card.data.pipeline_tag == "text-classification" and card.data.library_name == "transformers"
    assert card.data.base_model == str(finished_run.config.model) or card.data.base_model is None
    for part in ("## Training data", "embedded review sample", "## Training settings", "| `learning_rate` | 0.001 |",
                 "## Results on the evaluation rows", "| accuracy |", "## Intended use", "## Limits",
                 "pipeline(\"text-classification\", model='alice/tiny-reviews')"):
        assert part in text, part


def test_a_hostile_label_stays_inside_its_table_cell():
    from core.results.model_card import build_card

    text = build_card(TrainConfig(text_column="a|b\n## injected"), "bob/x", {}, {"eval_accuracy": 0.5},
                      ["x|y\n# heading", "ok"])
    assert "\n## injected" not in text and "\n# heading" not in text
    assert "a/b ## injected" in text


def test_push_writes_the_model_card(finished_run, monkeypatch):
    from core import sources
    from core.results import publish

    calls = []

    class FakeApi:
        def __init__(self, token):
            self.token = token

        def create_repo(self, repo_id, **kw):
            return f"https://huggingface.co/{repo_id}"

        def upload_folder(self, **kw):
            calls.append(("folder", kw["repo_id"]))

        def upload_file(self, **kw):
            calls.append(("file", kw["path_in_repo"], kw["path_or_fileobj"].decode()))

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    monkeypatch.setattr(sources, "require_online", lambda what: None)
    publish.push_model(finished_run.store.model_dir(finished_run.run_id), "alice/tiny", "hf_x", card="---\n---\n# x")
    assert calls == [("folder", "alice/tiny"), ("file", "README.md", "---\n---\n# x")]


# ------------------------------------------------------------------ charts and the copy-with-change request

def test_chart_view_controls_and_the_best_step_marker():
    import plotly.graph_objects as go

    from ui import charts

    assert charts.ChartView.of("x", "yes", "minutes", True) == charts.ChartView()  # a raw client's nonsense
    assert charts.ChartView.of(5).smoothing == 0.99 and charts.ChartView.of(-1).smoothing == 0
    job = "lessons-view"
    charts.forget(job)
    charts.add_points(job, [_rec("baseline", 0, eval_loss=0.7, eval_accuracy=0.5)]
                      + [_rec("train", s, loss=1 / s, learning_rate=1e-4, grad_norm=1.0 + s % 2) for s in range(1, 51)]
                      + [_rec("eval", 25, eval_loss=0.3, eval_accuracy=0.8)])
    view = charts.ChartView.of(0.6, True, "epoch", 25)
    loss, lr, evaluation, speed = charts.figures(job, view)
    for figure in (loss, lr, evaluation, speed):
        go.Figure(figure.to_dict())  # plotly validates every key the fast path skipped
    assert loss.layout.yaxis.type == "log" and loss.layout.shapes[0].x0 == 0.5  # step 25 is epoch 0.5
    assert "best (step 25)" in loss.layout.annotations[0].text
    raw, smooth, _ = loss.data
    assert raw.opacity == 0.25 and smooth.y[0] == raw.y[0] and smooth.y[1] > raw.y[1]  # it lags a falling curve
    norms = [t for t in lr.data if t.name == "gradient norm"][0].y
    assert np.ptp(norms[10:]) < 1  # the raw gradient norm jumps between 1 and 2 at every step
    assert {t.name for t in lr.data} >= {"learning rate", "gradient norm"}
    assert "no run yet" in charts.empty_figures()[0].layout.annotations[0].text
    from ui.chart_view import ema, ema_extend

    np.testing.assert_allclose(ema([2.0, 2.0, float("nan"), 2.0], 0.9)[[0, 1, 3]], 2.0)  # debiased
    values = [1.0, 3.0, 2.0, 5.0, 4.0]
    state = ema_extend((0, 0.0, 0, []), values[:2], 0.6)
    assert ema_extend(state, values, 0.6)[3] == pytest.approx(list(ema(values, 0.6)))  # a tick extends, same result


def test_charts_speak_the_visitors_language():
    from gradio.context import LocalContext

    from ui import charts

    token = LocalContext.request.set(SimpleNamespace(headers={"accept-language": "zh-CN,zh;q=0.9"}))
    try:
        titles = [f.layout.title.text for f in charts.empty_figures()]
        note = charts.empty_figures()[0].layout.annotations[0].text
    finally:
        LocalContext.request.reset(token)
    assert titles == ["损失 (loss)", "学习率和梯度范数", "评估", "吞吐量"] and note.startswith("还没有运行")


def test_a_try_again_request_changes_exactly_one_setting(manager):
    from ui import lessons

    run_id = manager.store.new_run(TrainConfig(run_name="base").to_dict())
    config, note = lessons.retry_config({"run_id": run_id, "change": {"learning_rate": 5e-6}, "nonce": 1.0})
    before = TrainConfig().to_dict() | {"run_name": "base"}
    assert {k for k in config if config[k] != before[k]} == {"learning_rate", "run_name"} and "learning_rate = 5e-06" in note
    assert config["run_name"] == "lr-5e-06"  # named after what changed, not after the run it retries
    with pytest.raises(UserError):
        lessons.retry_config({"run_id": run_id, "change": {"learning_rate": 1e-5, "seed": 1}})
    with pytest.raises(UserError, match="learning_rate"):
        lessons.retry_config({"run_id": run_id, "change": {"learning_rate": 7}})
    assert lessons.pick_fix([{"run_id": run_id, "change": {"seed": 1}}], 3) is None


@pytest.mark.parametrize("lr, lowered", [(0.05, 3e-5), (1e-3, 1e-4), (1e-4, 1e-5), (1e-5, 1e-6)])
def test_a_lowered_learning_rate_lands_inside_the_forms_advised_range(lr, lowered):
    from core.training.setting import settings_of

    low, high = settings_of(TrainConfig)["learning_rate"].advised
    nan, = diagnosis.diagnose(_shapes()["lr_too_high/nan"][0], TrainConfig(**{**CONFIG.to_dict(), "learning_rate": lr}))
    assert nan.change == {"learning_rate": lowered}
    assert low <= lowered <= high or lr <= low  # only a rate already at the bottom goes below it


def test_two_findings_with_one_change_get_one_button_and_a_descriptive_name(manager):
    from ui import lessons

    run_id = manager.store.new_run(TrainConfig(run_name="lr-too-high", learning_rate=0.05).to_dict())
    config = TrainConfig(learning_rate=0.05)
    diverged, = diagnosis.diagnose(_shapes()["lr_too_high/diverged"][0], config)
    trap = diagnosis.majority_class({"labels": ["neg", "pos"], "confusion": [[0, 30], [0, 70]], "rows": 100}, config)
    assert diverged.change == trap.change == {"learning_rate": 3e-5}
    block = SimpleNamespace(findings_md="md", changes_state="changes", fix_btns=["b0", "b1", "b2"])
    shown = lessons.show_findings(block, run_id, [diverged, trap])
    assert [shown[b].visible for b in block.fix_btns] == [True, False, False] and len(shown["changes"]) == 1
    config, _ = lessons.retry_config(lessons.pick_fix(shown["changes"], 0))
    assert (config["learning_rate"], config["run_name"]) == (3e-5, "lr-3e-05")


# ------------------------------------------------------------------ the trackers, for real (installed by requirements-dev)

def test_a_run_reporting_to_tensorboard_writes_its_curves_into_the_run_folder(tiny_model_dir, tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from core.training.trainer import run
    from tests.test_training import tiny_config, write_reviews

    run_dir = RunStore(tmp_path / "runs").path("tb-run")
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), max_steps=3, report_to="tensorboard",
                         eval_strategy="no", save_model=False)
    assert run(config, run_dir)["state"] == "done"
    events = EventAccumulator(str(run_dir / "tensorboard")).Reload()
    losses = events.Scalars("train/loss")
    assert [point.step for point in losses] == [1, 2, 3]  # logging_steps=1: one point a step, as on our chart
    assert all(math.isfinite(point.value) for point in losses)


def test_a_run_reporting_to_trackio_lands_in_the_local_trackio_project(tiny_model_dir, tmp_path):
    """In a fresh process, as the app trains (trackio reads TRACKIO_DIR once, when it is imported)."""
    pytest.importorskip("trackio")
    import json
    import subprocess
    import sys

    from tests.test_training import tiny_config, write_reviews

    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), max_steps=2, report_to="trackio",
                         eval_strategy="no", save_model=False, run_name="tracked")
    script = ("import sys, json; from core.training.config import TrainConfig; from core.training.trainer import run; "
              "print(run(TrainConfig(**json.loads(sys.argv[1])), sys.argv[2])['state'])")
    root = os.path.dirname(os.path.dirname(__file__))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_TOKEN": "", "TRACKIO_DIR": "somewhere-else"}
    done = subprocess.run([sys.executable, "-c", script, json.dumps(config.to_dict()), str(tmp_path / "runs" / "tr")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0 and "done" in done.stdout.splitlines(), done.stderr[-2000:]
    reader = ("import sys; from trackio.sqlite_storage import SQLiteStorage as S; "
              "print([round(r['train/loss'], 6) for r in S.get_logs(sys.argv[1], sys.argv[2]) if 'train/loss' in r])")
    env["TRACKIO_DIR"] = str(tmp_path / "runs" / "_tracking" / "trackio")  # where the app sent it, not the env's
    logs = subprocess.run([sys.executable, "-c", reader, "fine-tune-studio", "tr"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert logs.returncode == 0, logs.stderr[-2000:]
    losses = ast.literal_eval(logs.stdout.strip().splitlines()[-1])
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)
    assert not (tmp_path / "somewhere-else").exists()


@pytest.mark.parametrize("save_model, state, words", [
    (True, "stopped", "it was stopped before its final evaluation saved one - resume it"),
    (True, "interrupted", "it was interrupted before its final evaluation"),
    (False, "done", "'save model' was off - train it again with 'save model' on"),
    (True, "running", "no saved model yet: it is running"),
])
def test_a_run_without_a_saved_model_is_told_the_true_reason(isolated_settings, save_model, state, words):
    from core.results import eval_report

    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(TrainConfig(save_model=save_model).to_dict())
    store.update_status(run_id, state=state)
    from core.results import predict

    for needs_model in (examples.run_examples, eval_report.eval_report, lambda s, r: predict.predict_run(s, r, "hi")):
        with pytest.raises(UserError) as refused:
            needs_model(store, run_id)
        assert words in str(refused.value) and ("'save model' on" in str(refused.value)) is (not save_model)
        assert "运行" in localize(refused.value, "zh")
