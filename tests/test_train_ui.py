"""Train and Runs tab handlers, called directly (no server): real jobs on a tiny model in tmp_path."""

import json
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest

from core.jobs import manager as jobs
from core.runs.store import RunStore
from core.training.config import TrainConfig
from ui import charts
from ui.runs import handlers as runs_actions
from ui.state import Selection
from ui.train import form as train_form
from ui.train import handlers as train_tab
from ui.train import live as train_live


def _request(session="alice"):
    return SimpleNamespace(session_hash=session, headers={"accept-language": "en"})


@pytest.fixture(scope="module")
def tabs():
    """The Train and Runs tabs' components (built once): the keys of their handlers' answers."""
    from ui.runs.tab import build_runs_tab
    from ui.train.tab import build_train_tab

    with gr.Blocks():
        return SimpleNamespace(train=build_train_tab(gr.State(Selection())), runs=build_runs_tab())


@pytest.fixture()
def manager(isolated_settings, monkeypatch):
    mgr = jobs.JobManager(RunStore(isolated_settings.runs_dir), max_queue=4)
    monkeypatch.setattr(jobs, "_manager", mgr)
    return mgr


def _tiny_config(model_dir) -> dict:
    return TrainConfig(run_name="ui tiny", model=str(model_dir), max_train_samples=48, max_eval_samples=24,
                       max_length=32, max_steps=6, batch_size=8, eval_strategy="steps", eval_steps=3,
                       logging_steps=1, learning_rate=1e-3).to_dict()


# ------------------------------------------------------------------ charts

def test_downsample_caps_points_and_keeps_extremes():
    x = np.arange(20_000)
    y = np.sin(x / 500.0)
    y[12_345], y[777] = 50.0, -50.0  # single-point spikes must survive
    dx, dy = charts.downsample(x, y, max_points=1000)
    assert len(dx) <= 1000
    assert dy.max() == 50.0 and dy.min() == -50.0
    assert dx[0] == 0 and dx[-1] == 19_999 and np.all(np.diff(dx) > 0)
    small_x, small_y = charts.downsample([1, 2, 3], [3, 1, 2])
    assert small_x.tolist() == [1, 2, 3] and small_y.tolist() == [3, 1, 2]


def _downsample_loop(xs, ys, max_points=1000):
    """The plain loop charts.downsample replaced (bench/chart_tick.py): the reference it must match."""
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if len(x) <= max_points:
        return x, y
    buckets = max(1, (max_points - 2) // 2)
    edges = np.linspace(1, len(x) - 1, buckets + 1).astype(int)
    keep = [0]
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi <= lo:
            continue
        seg = y[lo:hi]
        keep.extend(sorted({lo + int(np.nanargmin(seg)), lo + int(np.nanargmax(seg))})
                    if np.isfinite(seg).any() else [lo])
    keep.append(len(x) - 1)
    idx = np.unique(np.asarray(keep))
    return x[idx], y[idx]


def test_vectorized_downsample_keeps_the_same_points_as_the_loop():
    rng = np.random.default_rng(1)
    for n in (5, 999, 1000, 1001, 4321, 10_000):
        ys = rng.normal(size=n)
        ys[rng.integers(0, n, size=max(1, n // 50))] = np.nan
        ys[:3] = 1.0  # ties: both keep the first occurrence
        ys[n // 2: n // 2 + 40] = np.nan  # a bucket of NaN only keeps its first point
        xs = np.arange(n) * 2
        want, got = _downsample_loop(xs, ys), charts.downsample(xs, ys)
        assert np.array_equal(want[0], got[0]), n
        assert np.allclose(want[1], got[1], equal_nan=True), n


def test_add_points_drops_repeats_and_asks_one_step_back():
    job = "job-dedupe"
    charts.forget(job)
    assert charts.since_step(job) == -1
    first = [{"step": 0, "kind": "baseline", "time": 1.0, "eval_accuracy": 0.5},
             {"step": 5, "kind": "train", "time": 2.0, "loss": 0.9, "learning_rate": 1e-4}]
    assert charts.add_points(job, first) == 2
    assert charts.since_step(job) == 4  # the eval of step 5 may come after its train log
    again = first[1:] + [{"step": 5, "kind": "eval", "time": 3.0, "eval_accuracy": 0.7, "eval_loss": 0.6}]
    assert charts.add_points(job, again) == 1
    entry = charts.curves(job)
    assert entry.series["accuracy"] == ([0, 5], [0.5, 0.7])
    assert entry.series["train loss"] == ([5], [0.9])
    loss, lr, metrics, speed = charts.figures(job)
    assert {tr.name for tr in loss.data} == {"train loss", "eval loss"}


def test_the_chart_caches_keep_the_recently_drawn_jobs_and_smoothing_weights():
    jobs = [f"job-lru-{i}" for i in range(charts._MAX_JOBS)]
    for job in jobs:
        charts.forget(job)
        charts.curves(job)
    first = charts.curves(jobs[0])  # drawn again: now the most recent
    charts.curves("job-lru-new")  # one job too many: the least recently drawn one goes
    assert charts.curves(jobs[0]) is first and jobs[1] not in charts._jobs and len(charts._jobs) == charts._MAX_JOBS

    charts.add_points("job-lru-new", [{"step": s, "kind": "train", "time": float(s), "loss": 1.0 / s} for s in (1, 2, 3)])
    entry = charts.curves("job-lru-new")
    smoothed = [entry.smooth("train loss", weight / 20) for weight in range(charts.MAX_SMOOTHED + 3)]
    assert len(entry.smoothed) == charts.MAX_SMOOTHED and len(smoothed[-1]) == 3
    assert ("train loss", 0.0) not in entry.smoothed  # the first weights the slider passed are dropped
    for job in [*jobs, "job-lru-new"]:
        charts.forget(job)


def test_new_samples_bump_the_chart_version_once():
    job = "job-samples"
    charts.forget(job)
    record = {"step": 0, "kind": "baseline", "samples": [{"prompt": "The", "greedy": " a", "sampled": " b"}]}
    before = charts.curves(job).version
    assert charts.add_samples(job, [record]) is True
    after = charts.curves(job).version
    assert after != before
    assert charts.add_samples(job, [record]) is False and charts.curves(job).version == after  # nothing new
    assert charts.add_samples(job, [record, {**record, "step": 3}]) is True and charts.curves(job).version != after
    charts.forget(job)


def test_tick_fetches_only_new_points_and_stops_the_timer(tabs, monkeypatch):
    calls = []
    script = [("running", [{"step": 1, "kind": "train", "time": 1.0, "loss": 1.0}]),
              ("running", []),
              ("running", []),
              ("done", [{"step": 2, "kind": "train", "time": 2.0, "loss": 0.5}])]

    class FakeManager:
        def snapshot(self, job_id, since_step=-1):
            state, points = script[len(calls)]
            calls.append(since_step)
            return {"job_id": job_id, "state": state, "step": len(calls), "max_steps": 2, "points": points,
                    "baseline": {"eval_accuracy": 0.5}, "final": {"eval_accuracy": 0.75}}

        def view(self, job_id, since_step=-1, caller="", admin=False):  # as JobManager.view: a run open to all
            return self.snapshot(job_id, since_step)

    tab = tabs.train
    monkeypatch.setattr(train_live, "get_manager", lambda: FakeManager())
    monkeypatch.setattr(train_live, "show_results", lambda tab, job_id, snap, request=None: {tab.compare_df: "t"})
    monkeypatch.setattr(train_live, "_live_findings", lambda tab, job_id, request: {})  # no run folder here
    charts.forget("job-fake")
    out = train_live.refresh_live(tab, "job-fake", 0)
    assert out[tab.timer].active is True and charts.curves("job-fake").series["train loss"] == ([1], [1.0])
    drawn = out[tab.drawn_state]
    other_viewer = train_live.refresh_live(tab, "job-fake", 0)  # a second browser still draws what the first fetched
    assert tab.loss_plot in other_viewer and other_viewer[tab.drawn_state] == drawn
    out = train_live.refresh_live(tab, "job-fake", drawn)
    assert tab.loss_plot not in out  # nothing new for this viewer: the charts are not re-sent
    assert tab.finished_state not in out and tab.compare_df not in out
    out = train_live.refresh_live(tab, "job-fake", drawn)
    assert calls == [-1, 0, 0, 0]
    assert out[tab.timer].active is False and out[tab.finished_state] == "job-fake" and out[tab.compare_df] == "t"
    assert tab.loss_plot in out and out[tab.drawn_state] > drawn
    assert charts.curves("job-fake").series["train loss"] == ([1, 2], [1.0, 0.5])
    assert train_live.refresh_live(tab, None)[tab.timer].active is False


# ------------------------------------------------------------------ form

def test_form_round_trip_and_selection_prefill():
    cfg = TrainConfig().to_dict()
    values = train_form.config_to_values(cfg)
    back = train_form.values_to_config(cfg["dataset"], [float(v) if isinstance(v, int) and not isinstance(v, bool)
                                                        else v for v in values])
    assert TrainConfig.from_dict(back) == TrainConfig()
    from core.data.source import DatasetSource

    selection = Selection(DatasetSource("hub", name="glue", config="mrpc"), "train", ("sentence1", "sentence2"),
                          "label", None, (("train", 1), ("validation", 1)), recommended_max_length=96)
    pre = train_form.config_from_selection(selection, cfg)
    assert (pre["text_column"], pre["text_pair_column"], pre["eval_split"], pre["max_length"]) == \
        ("sentence1", "sentence2", "validation", 96)
    assert set(train_form.FIELD_ORDER) == set(TrainConfig.field_help()) - {"dataset"}


def test_tutorial_preset_is_refused_offline(tabs):
    tab = tabs.train
    assert train_tab.apply_preset(tab, train_tab.PRESET_TUTORIAL, None, _request()) == {}  # the form stays as it was
    quick = train_tab.apply_preset(tab, train_tab.PRESET_QUICK, None, _request())
    assert json.loads(quick[tab.config_code])["run_name"] == "quick-demo"
    assert quick[tab.form["run_name"]] == "quick-demo" and "embedded/reviews" in quick[tab.dataset_md]


# ------------------------------------------------------------------ real training through the handlers

def test_start_follow_results_runs_export(tabs, manager, tiny_model_dir):
    bad = dict(_tiny_config(tiny_model_dir), learning_rate=5.0)
    with pytest.raises(gr.Error, match="learning_rate"):
        train_tab.start_training(json.dumps(bad), _request())
    with pytest.raises(gr.Error, match="JSON"):
        train_tab.start_training("{not json", _request())
    status = train_tab.start_training(json.dumps(_tiny_config(tiny_model_dir)), _request("alice"))
    job_id = status["job_id"]
    assert "points" not in status and status["state"] in {"queued", "running"}
    with pytest.raises(gr.Error, match="Only the visitor who started this run can stop it"):
        train_tab.stop_training(job_id, _request("mallory"))
    assert manager.wait(job_id, timeout=120) == "done"
    assert train_tab.attach(tabs.train, None, _request("bob"))[tabs.train.job_state] in (None, job_id)
    tab = tabs.train
    out = train_live.refresh_live(tab, job_id, 0, request=_request())
    assert out[tab.timer].active is False and out[tab.finished_state] == job_id
    series = charts.curves(job_id).series
    assert len(series["train loss"][0]) == 6 and series["accuracy"][0][0] == 0  # baseline + 2 evals
    table, confusion, per_class = out[tab.compare_df], out[tab.confusion_plot], out[tab.per_class_df]
    assert set(table["metric"]) >= {"accuracy", "f1", "precision", "recall", "loss"}
    assert confusion.data[0].z.sum() == 24 and list(per_class["label"]) == ["negative", "positive"]
    assert train_tab.training_status(job_id)["state"] == "done"

    runs = runs_actions.list_runs(_request("alice"))
    assert runs[0]["run_id"] == job_id and runs[0]["has_model"] and runs[0]["yours"] is True
    assert runs_actions.list_runs(_request("bob"))[0]["yours"] is False
    prediction = runs_actions.predict(job_id, "Great screen, awful battery.")
    assert sum(prediction["fine_tuned"].values()) == pytest.approx(1, abs=1e-4)
    assert set(prediction["base"]) == {"negative", "positive"}
    exported = runs_actions.export_code(job_id, 4)
    assert str(tiny_model_dir) in exported["script"] and "--num_processes 4" in exported["commands"]
    assert str(manager.store.root) not in exported["commands"]  # the run's config.json comes in the zip
    acc, loss = runs_actions.compare_runs([job_id])
    assert len(loss.data) == 1 and len(acc.data[0].x) == 3
    assert runs_actions.download_model(job_id, _request()).endswith(".zip")
    assert runs_actions.download_script(job_id, _request()).endswith(".zip")
    loop = runs_actions.export_code(job_id, 2, "loop")
    assert loop["file_name"] == "train_ui_tiny_loop.py" and "loss.backward()" in loop["script"]
    accelerated = runs_actions.export_code(job_id, 3, "accelerate")
    assert "accelerate launch --num_processes 3 train_ui_tiny_accelerate.py" in accelerated["commands"]
    shown = runs_actions.show_code(tabs.runs, job_id, 2, "accelerate")
    assert shown[tabs.runs.script_code] == accelerated["script"]
    assert runs_actions.download_script(job_id, _request(), "loop").endswith("train_ui_tiny_loop.zip")
    with pytest.raises(gr.Error, match="form"):
        runs_actions.export_code(job_id, 2, "keras")
    runs = tabs.runs
    for request, confirmed, told in ((_request(), False, "Tick"),
                                     (_request("mallory"), True, "Only the visitor who started this run can delete it")):
        with pytest.warns(UserWarning, match=told):  # a toast, once; every widget keeps what it showed (no badge)
            assert runs_actions.delete_run(runs, request, job_id, confirmed) == gr.skip()
    assert runs_actions.list_runs(_request())  # the refused deletes left the run
    out = runs_actions.delete_run(runs, _request("alice"), job_id, True)
    assert out[runs.confirm_cb] is False and out[runs.runs_df].empty
    assert runs_actions.list_runs(_request()) == []


def test_stop_and_resume_through_the_handlers(manager, tiny_model_dir, isolated_settings, monkeypatch):
    config = dict(_tiny_config(tiny_model_dir), max_steps=400, eval_steps=200)
    job_id = train_tab.start_training(json.dumps(config), _request("alice"))["job_id"]
    for _ in range(600):  # wait until it trains, then stop it from the owner's session
        if manager.snapshot(job_id, since_step=1 << 62)["step"] >= 2:
            break
        manager.wait(job_id, timeout=0.05)
    assert train_tab.stop_training(job_id, _request("alice"))["state"] in {"stopping", "stopped"}
    assert manager.wait(job_id, timeout=120) == "stopped"
    for _ in range(100):  # status.json is written just after the in-memory state changes
        if manager.store.read_status(job_id)["state"] == "stopped":
            break
        manager.wait(job_id, timeout=0.05)
    with pytest.raises(gr.Error):
        train_tab.resume_training("", _request())
    with pytest.raises(gr.Error, match="can resume it"):
        train_tab.resume_training(job_id, _request("bob"))
    resumed = train_tab.resume_training(job_id, _request("alice"))
    assert resumed["job_id"] == job_id
    from dataclasses import replace

    from core import settings
    monkeypatch.setattr(settings, "_current", replace(isolated_settings, allow_any_stop=True))
    train_tab.stop_training(job_id, _request("bob"))  # alice owns it, but this server lets anyone stop
    assert manager.wait(job_id, timeout=120) == "stopped"


# ------------------------------------------------------------------ step through one batch

def test_the_step_through_panel_shows_each_stage(tabs, tiny_model_dir):
    from ui.train import step_through as panel_actions

    panel, cfg = tabs.train.step_panel, _tiny_config(tiny_model_dir)
    values = train_form.config_to_values(cfg)
    shown = {}
    for stage in ("batch", "forward", "loss", "backward", "step", "after"):
        shown[stage] = panel_actions.show_stage(panel, _request("stepper"), stage, cfg["dataset"], *values)
        assert shown[stage][panel.code] and not shown[stage][panel.table_df].empty
    assert "8 rows" in shown["batch"][panel.text_md] and shown["batch"][panel.chart_plot].visible
    assert "logits of shape [8, 2]" in shown["forward"][panel.text_md]
    assert "loss.backward()" in shown["backward"][panel.code]
    assert list(shown["backward"][panel.table_df]["layer"]) == ["embeddings", "encoder.layer.0", "pooler",
                                                                 "classifier"]
    assert shown["backward"][panel.chart_plot].visible and not shown["loss"][panel.chart_plot].visible
    assert "fits it better" in shown["after"][panel.text_md]
    cleared = panel_actions.start_again(panel, _request("stepper"))
    assert cleared[panel.text_md] == "" and not cleared[panel.chart_plot].visible
    with pytest.raises(gr.Error, match="learning_rate"):
        panel_actions.show_stage(panel, _request("stepper"), "batch", cfg["dataset"],
                                 *train_form.config_to_values({**cfg, "learning_rate": 7.0}))

    answer = panel_actions.step_through_api(json.dumps(cfg), _request("api"))
    assert list(answer["stages"]) == ["batch", "forward", "loss", "backward", "step", "after"]
    assert json.loads(json.dumps(answer))["stages"]["forward"]["logits_shape"] == [8, 2]
    with pytest.raises(gr.Error, match="JSON"):
        panel_actions.step_through_api("{not json", _request("api"))


def test_chart_legend_sits_below_the_x_axis_title():
    # the x-axis title sits ~35 px under the plot; a legend drawn higher than that overlaps it
    fig = charts.overlay_figure({"a": [{"step": 1, "kind": "train", "loss": 1.0}],
                                 "b": [{"step": 1, "kind": "train", "loss": 2.0}]}, "train", "loss", "t")
    layout = fig.layout
    plot_height = layout.height - layout.margin.t - layout.margin.b
    legend_top_px = -layout.legend.y * plot_height
    assert layout.legend.yanchor == "top" and legend_top_px >= 45
    assert layout.margin.b >= legend_top_px + 20  # room for one legend row inside the figure


def test_selection_preset_says_when_token_statistics_changed_max_length(tabs, monkeypatch):
    said = []
    monkeypatch.setattr(train_tab.gr, "Info", said.append)
    tab = tabs.train
    plain = train_tab.apply_preset(tab, train_tab.PRESET_SELECTION, Selection(), _request())
    assert plain[tab.form["max_length"]] == 64 and said == []
    measured = train_tab.apply_preset(tab, train_tab.PRESET_SELECTION, Selection(recommended_max_length=80),
                                      _request())
    assert measured[tab.form["max_length"]] == 80
    assert len(said) == 1 and "80" in said[0] and "64" in said[0]
