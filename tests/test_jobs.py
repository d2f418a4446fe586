"""The job manager: a worker thread, live snapshots, stop/cancel/resume, failures, the FIFO queue, restarts."""

import csv
import subprocess
import sys
import threading

import pytest

from core import settings as settings_mod
from core.jobs import manager as jobs_mod
from core.jobs.failures import describe_error
from core.jobs.manager import JobManager
from core.runs.store import RunStore
from core.training import callbacks as metrics_mod
from core.training import trainer as training_mod
from core.training.config import TrainConfig

TIMEOUT = 120  # generous: a busy 2-core CI machine; a healthy run ends in seconds


def write_reviews(folder, rows=40):
    path = folder / "reviews.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        for i in range(rows):
            text = f"{'lovely great' if i % 2 else 'awful bad'} review number {i}"
            writer.writerow([text, "pos" if i % 2 else "neg"])
    return path


@pytest.fixture()
def data_csv(tmp_path):
    return write_reviews(tmp_path)


def config_for(model_dir, data_csv, **overrides) -> TrainConfig:
    values = dict(run_name="job", model=str(model_dir), dataset={"kind": "file", "path": str(data_csv)},
                  eval_split="", max_train_samples=0, max_eval_samples=0, max_length=24, batch_size=8,
                  eval_batch_size=16, logging_steps=1, learning_rate=1e-3, save_model=False)
    return TrainConfig(**{**values, **overrides})


@pytest.fixture()
def manager(isolated_settings):
    # in this process: the Gate and the monkeypatched failures reach into the training thread
    # (tests/test_job_process.py covers the child-process path the app uses by default)
    return JobManager(RunStore(isolated_settings.runs_dir), max_queue=2, isolate=False)


class Gate:
    """Holds the training thread at the end of a given step until the test releases it."""

    def __init__(self, monkeypatch, step):
        self.reached, self.release, self.step = threading.Event(), threading.Event(), step
        original = metrics_mod.MetricsCallback.on_step_end

        def on_step_end(callback, args, state, control, **kwargs):
            original(callback, args, state, control, **kwargs)
            if state.global_step == self.step and not self.release.is_set():
                self.reached.set()
                assert self.release.wait(TIMEOUT), "the test never released the gate"

        monkeypatch.setattr(metrics_mod.MetricsCallback, "on_step_end", on_step_end)

    def wait(self):
        assert self.reached.wait(TIMEOUT), "training never reached the gate"


def test_a_job_runs_in_a_thread_and_its_metrics_arrive_incrementally(manager, tiny_model_dir, data_csv, monkeypatch):
    gate = Gate(monkeypatch, step=3)
    job_id = manager.start(config_for(tiny_model_dir, data_csv, num_train_epochs=2), owner="ann")
    gate.wait()

    reads = []
    monkeypatch.setattr(RunStore, "read_metrics", lambda *a, **k: reads.append(a) or [])
    live = manager.snapshot(job_id)
    assert not reads  # a live job is served from memory only
    assert live["state"] == "running" and manager.active_job_id() == job_id
    assert live["step"] == 3 and live["max_steps"] == 8 and live["device"] == "cpu"
    assert live["baseline"]["eval_accuracy"] >= 0 and live["final"] == {}
    assert [p["step"] for p in live["points"]] == [0, 1, 2]  # step 3 may still get more records
    assert live["points"][0]["kind"] == "baseline"
    assert live["elapsed_s"] > 0 and live["queue_position"] == 0 and live["error"] == ""
    assert set(live) >= {"job_id", "run_name", "eta_s", "samples_per_second", "epoch"}
    assert manager.snapshot(job_id, since_step=2)["points"] == []
    monkeypatch.undo()

    gate.release.set()
    assert manager.wait(job_id, TIMEOUT) == "done"
    rest = manager.snapshot(job_id, since_step=2)
    assert rest["state"] == "done" and min(p["step"] for p in rest["points"]) == 3
    assert [p["step"] for p in rest["points"] if p["kind"] == "eval"] == [4, 8]
    assert rest["final"]["eval_accuracy"] == rest["points"][-2]["eval_accuracy"]
    assert rest["step"] == 8 and rest["eta_s"] is None and manager.active_job_id() is None
    on_disk = manager.store.read_metrics(job_id)
    assert [p["step"] for p in on_disk] == [p["step"] for p in manager.snapshot(job_id)["points"]]
    status = manager.store.read_status(job_id)
    assert status["state"] == "done" and status["best_metric"] == max(
        p["eval_accuracy"] for p in on_disk if p["kind"] == "eval")


def test_stop_is_for_the_owner_and_leaves_a_checkpoint_then_resume_continues(
        manager, tiny_model_dir, data_csv, monkeypatch):
    gate = Gate(monkeypatch, step=2)
    job_id = manager.start(config_for(tiny_model_dir, data_csv, num_train_epochs=2), owner="ann")
    gate.wait()
    with pytest.raises(ValueError, match="Only the visitor who started this run can stop it"):
        manager.stop(job_id, owner="bob")
    assert manager.stop(job_id, owner="ann") == "stopping"
    assert manager.snapshot(job_id)["state"] == "stopping"
    gate.release.set()
    assert manager.wait(job_id, TIMEOUT) == "stopped"
    assert manager.store.latest_checkpoint(job_id).name == "checkpoint-2"
    assert manager.store.read_status(job_id)["state"] == "stopped"
    assert manager.snapshot(job_id)["final"] == {}

    created = manager.store.read_status(job_id)["created"]
    with pytest.raises(ValueError, match="Only the visitor who started this run can resume it"):
        manager.resume(job_id, owner="bob")
    with pytest.raises(ValueError, match="can delete it"):
        manager.delete(job_id, owner="bob")
    assert manager.resume(job_id, owner="ann") == job_id
    assert manager.wait(job_id, TIMEOUT) == "done"
    assert manager.store.read_status(job_id)["created"] == created
    points = manager.store.read_metrics(job_id)
    train_steps = [p["step"] for p in points if p["kind"] == "train" and "loss" in p]
    assert train_steps == list(range(1, 9))  # continued at step 3, each step logged once
    assert [p["kind"] for p in points].count("baseline") == 1  # the stored baseline was kept
    snap = manager.snapshot(job_id)
    assert snap["final"]["eval_accuracy"] >= 0 and snap["baseline"]["eval_accuracy"] >= 0
    with pytest.raises(ValueError, match="only a stopped, failed or interrupted run"):
        manager.resume(job_id, owner="ann")
    assert manager.store.read_status(job_id)["owner"] == "ann"  # a resume keeps the owner
    manager.delete(job_id, owner="ann")
    assert not manager.store.path(job_id).exists()


def test_anyone_may_stop_an_anonymous_job_or_when_the_server_allows_it(manager, tiny_model_dir, data_csv,
                                                                      monkeypatch, isolated_settings):
    gate = Gate(monkeypatch, step=1)
    first = manager.start(config_for(tiny_model_dir, data_csv, max_steps=3))
    gate.wait()
    queued = manager.start(config_for(tiny_model_dir, data_csv, max_steps=3), owner="ann")
    with pytest.raises(ValueError, match="ADMIN_KEY"):
        manager.cancel(queued, owner="bob")
    monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(
        runs_dir=isolated_settings.runs_dir, allow_any_stop=True))
    assert manager.cancel(queued, owner="bob") == "stopped"
    assert manager.stop(first, owner="anybody") == "stopping"
    gate.release.set()
    assert manager.wait(first, TIMEOUT) == "stopped"


def test_a_failure_is_stored_with_its_reason_and_the_next_job_runs(manager, tiny_model_dir, data_csv):
    bad = manager.start(config_for(tiny_model_dir, data_csv, text_column="review"))
    good = manager.start(config_for(tiny_model_dir, data_csv, max_steps=2))
    assert manager.wait(bad, TIMEOUT) == "failed"
    snap = manager.snapshot(bad)
    assert "text_column: column 'review' not found" in snap["error"] and "text, label" in snap["error"]
    assert manager.store.read_status(bad)["error"] == snap["error"]
    assert manager.wait(good, TIMEOUT) == "done"


def test_out_of_memory_fails_with_the_settings_to_change(manager, tiny_model_dir, data_csv, monkeypatch):
    import torch

    def no_memory(*args, **kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    from core.tasks import classification  # where the classification task loads its model

    monkeypatch.setattr(classification, "load_classifier", no_memory)
    job_id = manager.start(config_for(tiny_model_dir, data_csv, batch_size=64))
    assert manager.wait(job_id, TIMEOUT) == "failed"
    error = manager.snapshot(job_id)["error"]
    assert error.startswith("Out of memory on the GPU") and "batch_size (now 64)" in error
    assert "max_length" in error and "gradient_accumulation_steps" in error
    monkeypatch.undo()
    assert manager.wait(manager.start(config_for(tiny_model_dir, data_csv, max_steps=1)), TIMEOUT) == "done"


def test_the_queue_is_fifo_with_positions_and_a_limit(manager, tiny_model_dir, data_csv, monkeypatch):
    gate = Gate(monkeypatch, step=1)
    order = []
    original_run = training_mod.run
    monkeypatch.setattr(training_mod, "run", lambda config, *a, **k: order.append(config.run_name)
                        or original_run(config, *a, **k))
    first = manager.start(config_for(tiny_model_dir, data_csv, run_name="a", max_steps=2, evaluate_before=False))
    gate.wait()
    second = manager.start(config_for(tiny_model_dir, data_csv, run_name="b", max_steps=1, evaluate_before=False))
    third = manager.start(config_for(tiny_model_dir, data_csv, run_name="c", max_steps=1, evaluate_before=False))
    assert [manager.snapshot(j)["queue_position"] for j in (first, second, third)] == [0, 1, 2]
    assert manager.snapshot(third)["state"] == "queued" and manager.queue() == [second, third]
    with pytest.raises(ValueError, match="queue is full.*limit 2 = MAX_QUEUE"):
        manager.start(config_for(tiny_model_dir, data_csv, run_name="d"))

    assert manager.cancel(second) == "stopped"
    assert manager.snapshot(third)["queue_position"] == 1
    fourth = manager.start(config_for(tiny_model_dir, data_csv, run_name="e", max_steps=1, evaluate_before=False))
    assert manager.snapshot(fourth)["queue_position"] == 2
    with pytest.raises(ValueError, match="not queued"):
        manager.cancel(first)

    gate.release.set()
    for job_id in (first, third, fourth):
        assert manager.wait(job_id, TIMEOUT) == "done"
    assert order == ["a", "c", "e"]
    assert manager.snapshot(second)["error"] == "Cancelled before it started"


def test_start_refuses_what_the_settings_forbid(isolated_settings, monkeypatch, tiny_model_dir, data_csv):
    monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(
        runs_dir=isolated_settings.runs_dir, training_enabled=False))
    manager = JobManager(RunStore(isolated_settings.runs_dir), max_queue=2)
    with pytest.raises(ValueError, match="TRAINING_ENABLED"):
        manager.start(config_for(tiny_model_dir, data_csv))
    assert manager.store.list_runs() == []


def test_after_a_restart_past_runs_are_listed_and_an_interrupted_one_resumes(
        isolated_settings, tiny_model_dir, data_csv):
    # in this process like the others here: the child-process restart is test_job_process.py's app-dies test
    before = JobManager(RunStore(isolated_settings.runs_dir), isolate=False)
    job_id = before.start(config_for(tiny_model_dir, data_csv, max_steps=4, eval_strategy="steps", eval_steps=2))
    assert before.wait(job_id, TIMEOUT) == "done"
    # As if the process had died mid-run: status still says running, written by a process now gone.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    (before.store.path(job_id) / "eval_final.json").unlink()
    before.store.update_status(job_id, state="running", pid=dead.pid)

    after = JobManager(RunStore(isolated_settings.runs_dir), isolate=False)
    listed = after.store.list_runs()
    assert [r["run_id"] for r in listed] == [job_id] and listed[0]["state"] == "interrupted"
    snap = after.snapshot(job_id)
    assert snap["state"] == "interrupted" and snap["baseline"]["eval_accuracy"] >= 0
    assert [p["step"] for p in snap["points"] if p["kind"] == "eval"] == [2, 4]
    assert [p["step"] for p in after.snapshot(job_id, since_step=3)["points"]] == [4, 4, 4]
    after.resume(job_id)
    assert after.wait(job_id, TIMEOUT) == "done"
    assert after.snapshot(job_id)["final"]["eval_accuracy"] >= 0


def test_unknown_jobs_and_the_process_singleton(isolated_settings):
    manager = jobs_mod.get_manager() if jobs_mod._manager is None else None
    try:
        if manager is not None:
            assert manager.store.root == isolated_settings.runs_dir and jobs_mod.get_manager() is manager
            with pytest.raises(ValueError, match="not found"):
                jobs_mod.get_manager().snapshot("no-such-run")
            with pytest.raises(ValueError, match="not a run id"):
                jobs_mod.get_manager().stop("../etc")
    finally:
        if manager is not None:
            jobs_mod._manager = None


def test_describe_error_keeps_value_errors_and_names_other_types():
    config = TrainConfig()
    assert describe_error(ValueError("text_column: fix it"), config) == "text_column: fix it"
    assert describe_error(KeyError("x"), config) == "KeyError: 'x'"
    assert describe_error(MemoryError(), config).startswith("Out of memory in RAM")


def test_a_job_the_worker_just_took_still_answers_a_snapshot(manager, tiny_model_dir, data_csv):
    """Between the worker taking a job off the queue and marking it running, a snapshot must not fail."""
    from core.jobs.job import Job

    job = Job("taken-job", config_for(tiny_model_dir, data_csv))
    manager.store.path(job.job_id).mkdir()
    manager._jobs[job.job_id] = job  # queued in memory, no longer in the deque
    snap = manager.snapshot(job.job_id)
    assert snap["state"] == "queued" and snap["queue_position"] == 0

