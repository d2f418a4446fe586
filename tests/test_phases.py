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
    assert set(order) <= set(STAGES) and "baseline" in order and "evaluating" in order
    assert order[-3:] == ["final_eval", "saving", "results"], order  # after the last step, in this order
    results = [p for name, p in sent if name == "set_stage" and p["stage"] == "results"]
    assert results[-1]["done"] == results[-1]["total"] > 0  # the bar reaches its end
    assert recorder.progress()["stage"] == {}  # the run is over: no stage left on the status line
    assert store.read_eval(run_id, "report")["rows"] > 0 and store.read_examples(run_id)["counts"]["total"] > 0
