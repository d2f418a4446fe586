"""Runs of the same untrained model on the same rows share its evaluation (core.training.untrained): a class's second
run reads the first one's baseline and per-example "before" pass back instead of computing them, and every result
is the one it would have computed alone."""

import dataclasses
import functools
from types import SimpleNamespace

from core.runs.store import RunStore
from core.training.recorder import MetricsRecorder
from core.training.trainer import run
from core.training.untrained import shared_baseline
from tests.test_training import tiny_config, write_reviews

MACHINE_KEYS = ("_runtime", "_per_second", "_preparation_time")  # how fast this machine was, not what the run learned


def _scores(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if not k.endswith(MACHINE_KEYS)}


def test_a_second_run_reads_the_untrained_evaluation_back_and_its_results_stay_the_same(isolated_settings,
                                                                                       tiny_model_dir, tmp_path):
    first = tiny_config(tiny_model_dir, write_reviews(tmp_path, rows=40), eval_fraction=0.25, max_steps=3)
    second = dataclasses.replace(first, learning_rate=5e-3, run_name="second")  # a student changed the learning rate
    shared, alone = tmp_path / "shared", tmp_path / "alone"
    computed = MetricsRecorder(functools.partial(RunStore(shared).append_metric, "first"))
    run(first, shared / "first", recorder=computed)
    recorder = MetricsRecorder()
    got = run(second, shared / "second", recorder=recorder)
    assert "baseline" not in recorder.progress()["stage_s"]  # not evaluated again: read back
    # what each run noted (a class's estimates leave the first run's shared work out of the runs after it)
    assert set(computed.shared_s) == {"baseline", "untrained"} and min(computed.shared_s.values()) > 0
    assert recorder.progress()["shared_s"] == {"baseline": 0.0, "untrained": 0.0}
    before = [p for p in recorder.points() if p["kind"] == "baseline"]
    assert len(before) == 1 and before[0]["eval_accuracy"] == got["baseline"]["eval_accuracy"]  # the curves' point

    expected = run(second, alone / "second")  # the same run where nothing was shared
    assert _scores(got["baseline"]) == _scores(expected["baseline"]) and got["baseline"]
    assert _scores(got["final"]) == _scores(expected["final"])
    shared_rows = RunStore(shared).read_examples("second")["rows"]
    assert shared_rows == RunStore(alone).read_examples("second")["rows"] and shared_rows


def test_only_settings_that_change_training_alone_share_the_evaluation(isolated_settings, tiny_model_dir, tmp_path):
    store, args, evaluated = RunStore(tmp_path / "runs"), SimpleNamespace(world_size=1, bf16=False, fp16=False,
                                                                          device="cpu"), []
    base = tiny_config(tiny_model_dir, tmp_path / "reviews.csv", eval_fraction=0.25)

    def baseline(config):
        recorder = MetricsRecorder()

        def evaluate():
            evaluated.append(config.run_name)
            recorder.add({"step": 0, "epoch": 0.0, "kind": "baseline", "time": 1.0, "eval_accuracy": 0.5})
            return {"eval_accuracy": 0.5}
        return shared_baseline(config, store, recorder, args, evaluate)

    for name, changes in (("first", {}), ("lr", {"learning_rate": 5e-3, "num_train_epochs": 3.0}),
                          ("length", {"max_length": 16}), ("seed", {"seed": 7}), ("rows", {"max_eval_samples": 5}),
                          ("mode", {"train_mode": "head"})):
        assert baseline(dataclasses.replace(base, run_name=name, **changes)) == {"eval_accuracy": 0.5}
    assert evaluated == ["first", "length", "seed", "rows", "mode"]  # the learning rate and epochs only: shared
    assert shared_baseline(base, store, MetricsRecorder(), SimpleNamespace(**{**vars(args), "world_size": 2}),
                           lambda: {"evaluated": True}) == {"evaluated": True}  # several processes: each evaluates
    tracked = dataclasses.replace(base, report_to="tensorboard")  # its tracker logs the evaluation: it evaluates
    assert shared_baseline(tracked, store, MetricsRecorder(), args, lambda: {"evaluated": True}) == {"evaluated": True}


def test_a_data_file_edited_in_place_is_evaluated_again(isolated_settings, tiny_model_dir, tmp_path):
    """The config names the same file; its rows changed (labels fixed): the baseline is the new rows', not a read-back."""
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path, rows=40), eval_fraction=0.25, max_steps=1)
    run(config, tmp_path / "runs" / "first")
    write_reviews(tmp_path, rows=40, label=lambda i: "neg pos".split()[(i // 2) % 2])  # half the labels changed
    recorder = MetricsRecorder()
    edited = run(dataclasses.replace(config, run_name="edited"), tmp_path / "runs" / "edited", recorder=recorder)
    assert "baseline" in recorder.progress()["stage_s"]  # evaluated, not read back
    alone = run(dataclasses.replace(config, run_name="edited"), tmp_path / "alone" / "edited")
    assert _scores(edited["baseline"]) == _scores(alone["baseline"])
