"""After its last step a run says what it is doing (final evaluation, saving, per-example results), each with its own
progress, in both languages; the page then reads the results the training process kept."""

from core.runs.store import RunStore
from core.training.recorder import STAGES, MetricsRecorder
from core.training.trainer import run
from ui.train.views import status_html

from tests.test_training import tiny_config, write_reviews
from tests.test_train_ui import _request


def _zh():
    return type("R", (), {"session_hash": "z", "headers": {"accept-language": "zh-CN"}})()


def test_the_status_shows_the_stage_after_the_last_step_with_its_own_bar():
    snap = {"state": "running", "step": 30, "max_steps": 30, "stage": {"name": "final_eval", "done": 3, "total": 13}}
    line = status_html(snap, _request())
    assert "final evaluation · batch 3/13" in line and "<progress value='3' max='13'" in line
    assert "最后一次评估 · 第 3/13 批" in status_html(snap, _zh())
    saving = status_html({**snap, "stage": {"name": "saving", "done": 0, "total": 0}}, _request())
    assert "Saving the model" in saving and "<progress style=" in saving  # no count claimed: a busy bar
    assert "final evaluation" not in status_html({**snap, "state": "done"}, _request())
    assert "fts-stage" not in status_html({**snap, "stage": {}}, _request())


def test_a_run_reports_each_stage_and_keeps_its_results_for_the_page(tiny_model_dir, tmp_path):
    sent = []
    recorder = MetricsRecorder(send=lambda name, payload: sent.append((name, payload)))
    store = RunStore(tmp_path / "runs")
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), max_steps=4, eval_strategy="steps", eval_steps=2)
    run_id = store.new_run(config.to_dict())
    assert run(config, store.path(run_id), recorder=recorder)["state"] == "done"
    stages = [p["stage"] for name, p in sent if name == "set_stage" and p["stage"]]
    order = [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s]
    assert set(order) <= set(STAGES) and order[:2] == ["loading", "baseline"] and "evaluating" in order
    assert order[-3:] == ["final_eval", "saving", "results"], order  # after the last step, in this order
    results = [p for name, p in sent if name == "set_stage" and p["stage"] == "results"]
    assert results[-1]["done"] == results[-1]["total"] > 0  # the bar reaches its end
    assert recorder.progress()["stage"] == {}  # the run is over: no stage left on the status line
    assert store.read_eval(run_id, "report")["rows"] > 0 and store.read_examples(run_id)["counts"]["total"] > 0


# ------------------------------------------------------------------ times measured here, a causal LM's estimate

def test_a_causal_lm_run_gets_a_before_start_estimate_with_its_logits_and_a_timed_step(tiny_gpts):
    from transformers import AutoConfig

    from core.model import estimate
    from core.training.config import TrainConfig

    model = str(tiny_gpts(64, 400))
    config = TrainConfig(task="causal_lm", model=model, block_size=32, batch_size=4, max_length=512, max_steps=5)
    vocab = AutoConfig.from_pretrained(model).vocab_size  # its tokenizer's, special tokens included
    est = estimate.estimate(config)
    assert est["bytes"]["logits"] == 4 * 32 * vocab * 4 * 2  # batch × block_size (not max_length) × vocab × fp32 × 2
    assert any(line.startswith(f"logits: batch 4 × length 32 × vocabulary {vocab}") for line in est["arithmetic"])
    assert est["bytes"]["total"] == sum(v for k, v in est["bytes"].items() if k != "total")
    step = estimate.measure_step(config)  # a real step of the causal LM on its own next tokens
    assert step["step_s"] > 0 and step["max_length"] == 32 and "5 steps take about" in step["summary"]


def test_step_through_still_says_it_walks_a_classifier(tiny_gpts):
    import pytest

    from core.training.config import TrainConfig
    from core.training.step_through import walk_for

    with pytest.raises(ValueError, match="Step through walks a classification run"):
        walk_for(TrainConfig(task="causal_lm", model=str(tiny_gpts(64, 400))))


def _finished_run(store, started: float, took: float, state: str = "done", **settings) -> str:
    from core.training.config import TrainConfig

    run_id = store.new_run(TrainConfig(**settings).to_dict())
    store.update_status(run_id, state=state, started=started, finished=started + took)
    return run_id


def test_runs_of_the_same_work_say_how_long_it_takes_on_this_machine(tmp_path):
    from core.training import durations
    from core.training.presets import quick_demo_config

    store = RunStore(tmp_path / "runs")
    base = quick_demo_config().to_dict()
    assert durations.measured(store, base) == {"runs": 0, "median_s": None, "last_s": None}
    _finished_run(store, 100.0, 200.0, **{**base, "run_name": "first"})
    _finished_run(store, 1000.0, 260.0, **{**base, "run_name": "lr-1e-05", "learning_rate": 1e-5})  # same work
    _finished_run(store, 2000.0, 500.0, **{**base, "batch_size": 4})  # other work: more steps
    _finished_run(store, 3000.0, 10.0, state="stopped", **base)  # stopped early: not how long the work takes
    taken = durations.measured(store, base)
    assert taken["runs"] == 2 and taken["median_s"] == 230.0 and taken["last_s"] in (200.0, 260.0)
    followed = {**base, "model": "run:20260101-000000-aaaa"}
    assert durations.work_of(followed) == durations.work_of({**followed, "model": "run:other"})


def test_before_start_states_the_time_measured_here_and_no_preset_promises_a_laptop_minute(tmp_path, monkeypatch):
    from core.jobs import manager as jobs
    from core.training.presets import PRESETS, quick_demo_config
    from ui.i18n import msg
    from ui.train import estimate as before_start
    from ui.train import form as train_form

    store = RunStore(tmp_path / "runs")
    monkeypatch.setattr(jobs, "_manager", jobs.JobManager(store, max_queue=2))
    config = quick_demo_config().to_dict()
    tab = type("Tab", (), {"estimate_md": "estimate"})()
    values = train_form.config_to_values(config)
    none_yet = before_start.estimate_from_form(tab, _request(), config["dataset"], *values)["estimate"]
    assert "no run like this one has finished here yet" in none_yet and "parameters train" in none_yet
    _finished_run(store, 100.0, 3 * 60 + 20, **config)
    shown = before_start.estimate_from_form(tab, _request(), config["dataset"], *values)["estimate"]
    assert "took 3:20 from Start to the end (median of 1 finished runs" in shown
    words = " ".join([msg("train.preset.info"), *(p.name for p in PRESETS)])
    assert "laptop" not in words and "a few minutes" not in words


def test_a_timed_step_of_a_run_whose_steps_are_unknown_says_when_they_are_known():
    from core.model import estimate
    from core.training.presets import pretrain_tiny_gpt_config

    timing = {"step_s": 0.5, "device": "cpu", "batch_size": 16, "length": 128, "positions": 1024}
    summary = estimate.step_summary(pretrain_tiny_gpt_config(), timing)  # every review, packed into blocks
    assert summary["planned_steps"] is None and "?" not in summary["summary"]
    assert "the status line counts them" in summary["summary"]
