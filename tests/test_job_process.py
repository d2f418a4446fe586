"""Jobs trained in a child process (the app's default): live metrics, stop and resume, failures, crashes."""

import multiprocessing
import os
import signal
import time

import pytest

from core.jobs import child_process as job_process
from core.jobs.manager import JobManager
from core.runs.store import RunStore, checkpoint_step
from core.training import trainer as training_mod
from tests.test_jobs import TIMEOUT, config_for, write_reviews


@pytest.fixture()
def data_csv(tmp_path):
    return write_reviews(tmp_path)


@pytest.fixture()
def manager(isolated_settings):
    return JobManager(RunStore(isolated_settings.runs_dir), max_queue=2, isolate=True)


def wait_for_step(manager, job_id, step):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        snap = manager.snapshot(job_id)
        assert snap["state"] in ("queued", "running"), snap
        if snap["step"] >= step:
            return snap
        time.sleep(0.1)
    pytest.fail(f"the job never reached step {step}")


def test_a_job_trains_in_a_child_process_and_streams_its_metrics(manager, tiny_model_dir, data_csv, monkeypatch):
    # training in this process would fail: the job can only finish if another process trains it
    monkeypatch.setattr(training_mod, "run", lambda *a, **k: pytest.fail("trained in the server process"))
    job_id = manager.start(config_for(tiny_model_dir, data_csv, max_steps=60, logging_steps=1,
                                      eval_strategy="steps", eval_steps=30))
    live = wait_for_step(manager, job_id, 2)
    assert live["device"] == "cpu" and live["max_steps"] == 60 and live["baseline"]["eval_accuracy"] >= 0
    assert live["points"][0]["kind"] == "baseline"
    assert manager.wait(job_id, TIMEOUT) == "done"
    snap = manager.snapshot(job_id)
    assert snap["step"] == 60 and snap["final"]["eval_accuracy"] >= 0 and snap["error"] == ""
    assert [p["step"] for p in snap["points"] if p["kind"] == "eval"] == [30, 60]
    assert [p["step"] for p in snap["points"] if p["kind"] == "train" and "loss" in p] == list(range(1, 61))
    on_disk = manager.store.read_metrics(job_id)  # one writer (this process): each record once
    assert on_disk == snap["points"]
    assert manager.store.read_status(job_id)["state"] == "done"
    assert not multiprocessing.active_children()


def test_stop_reaches_the_child_and_resume_continues_from_its_checkpoint(manager, tiny_model_dir, data_csv):
    job_id = manager.start(config_for(tiny_model_dir, data_csv, max_steps=100_000, eval_strategy="no"))
    wait_for_step(manager, job_id, 3)
    (child,) = multiprocessing.active_children()
    if hasattr(os, "getpriority"):  # the pages come first: the training process runs at a lower priority
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    assert manager.stop(job_id) == "stopping"
    assert manager.wait(job_id, TIMEOUT) == "stopped"
    stopped_at = manager.snapshot(job_id)["step"]
    assert manager.store.latest_checkpoint(job_id).name == f"checkpoint-{stopped_at}"
    manager.resume(job_id)
    wait_for_step(manager, job_id, stopped_at + 2)
    manager.stop(job_id)
    assert manager.wait(job_id, TIMEOUT) == "stopped"
    steps = [p["step"] for p in manager.store.read_metrics(job_id) if p["kind"] == "train" and "loss" in p]
    assert steps == list(range(1, len(steps) + 1)) and len(steps) > stopped_at  # continued, no gap, no repeat


def test_a_failure_or_a_killed_child_fails_the_job_with_its_reason_and_the_next_job_runs(
        manager, tiny_model_dir, data_csv):
    bad = manager.start(config_for(tiny_model_dir, data_csv, text_column="no_such_column"))
    assert manager.wait(bad, TIMEOUT) == "failed"
    assert "no_such_column" in manager.snapshot(bad)["error"]

    doomed = manager.start(config_for(tiny_model_dir, data_csv, max_steps=100_000, eval_strategy="no"))
    wait_for_step(manager, doomed, 1)
    (child,) = multiprocessing.active_children()
    os.kill(child.pid, signal.SIGKILL)  # what the kernel's out-of-memory killer does, here with memory to spare
    assert manager.wait(doomed, TIMEOUT) == "failed"
    error = manager.snapshot(doomed)["error"]
    assert "killed (SIGKILL; it used" in error and "so not for lack of memory" in error and " GB" in error
    assert manager.store.read_status(doomed)["state"] == "failed"

    after = manager.start(config_for(tiny_model_dir, data_csv, max_steps=3))
    assert manager.wait(after, TIMEOUT) == "done"


def test_a_warm_spare_process_takes_the_next_job_and_another_follows(manager, tiny_model_dir, data_csv):
    def trainers():
        return [p for p in multiprocessing.active_children() if p.name == "training"]

    try:
        manager.prewarm()  # what app.main() does at start-up
        assert job_process.wait_warm(TIMEOUT)  # its imports are done before any job exists
        (spare,) = trainers()
        job_id = manager.start(config_for(tiny_model_dir, data_csv, max_steps=3))
        assert manager.wait(job_id, TIMEOUT) == "done"
        spare.join(timeout=TIMEOUT)
        assert spare.exitcode == 0  # the spare trained this job (one job per process) and left
        assert job_process.wait_warm(TIMEOUT)
        (follower,) = trainers()  # the next job's process was started when this one began, and only one
        assert follower.pid != spare.pid
        again = manager.start(config_for(tiny_model_dir, data_csv, max_steps=2))
        assert manager.wait(again, TIMEOUT) == "done"
        follower.join(timeout=TIMEOUT)
        assert follower.exitcode == 0
    finally:
        job_process.shutdown()
    deadline = time.time() + TIMEOUT
    while trainers() and time.time() < deadline:
        time.sleep(0.1)
    assert not trainers()  # shutdown dismissed the spare


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] in ("Z", "X")  # a zombie has finished
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to follow the orphaned process")
def test_when_the_app_dies_its_training_process_stops_with_a_checkpoint(isolated_settings, tiny_model_dir,
                                                                        data_csv):
    import subprocess
    import sys
    from pathlib import Path

    runs = isolated_settings.runs_dir
    script = f"""
import multiprocessing, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
from core.jobs import child_process as job_process
from core.jobs.manager import JobManager
from core.runs.store import RunStore
from tests.test_jobs import config_for
manager = JobManager(RunStore({str(runs)!r}), isolate=True)
job = manager.start(config_for({str(tiny_model_dir)!r}, {str(data_csv)!r}, max_steps=100_000, eval_strategy="no"))
while manager.snapshot(job)["step"] < 2:
    time.sleep(0.1)
(trainer,) = multiprocessing.active_children()
job_process.prewarm()  # a spare waiting for the next job must not outlive the app either
job_process.wait_warm(120)
spare = [p for p in multiprocessing.active_children() if p.pid != trainer.pid][0]
print(job, trainer.pid, spare.pid, flush=True)
time.sleep(600)
"""
    app = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        job_id, child, spare = app.stdout.readline().split()
    finally:
        app.kill()  # the app dies without stopping its job
        app.wait(timeout=30)
    deadline = time.time() + TIMEOUT
    while not (_gone(int(child)) and _gone(int(spare))) and time.time() < deadline:
        time.sleep(0.2)
    assert _gone(int(child)), "the orphaned training process kept running"
    assert _gone(int(spare)), "the orphaned spare process kept waiting"
    store = RunStore(runs)
    checkpoint = store.latest_checkpoint(job_id)
    assert checkpoint is not None  # stopped cleanly: the work so far is kept
    after = JobManager(store, isolate=True)
    assert after.snapshot(job_id)["state"] == "interrupted"  # listed as resumable after a restart

    # Resumed by the restarted app: every step keeps exactly one loss point, the boundary included (the child
    # wrote the records the dead app could not).
    boundary = checkpoint_step(checkpoint)
    assert after.resume(job_id) == job_id
    wait_for_step(after, job_id, boundary + 2)
    after.stop(job_id)
    assert after.wait(job_id, TIMEOUT) == "stopped"
    steps = [r["step"] for r in store.read_metrics(job_id) if r["kind"] == "train" and "loss" in r]
    assert steps == list(range(1, len(steps) + 1)) and boundary in steps and len(steps) >= boundary + 2


def test_every_recorder_message_reaches_the_parent_by_name_and_an_unknown_one_is_ignored(caplog):
    import queue

    from core.training.recorder import MESSAGES, MetricsRecorder

    channel = queue.Queue()
    child, parent = MetricsRecorder(send=job_process.forwarder(channel)), MetricsRecorder()
    record = {"step": 3, "epoch": 0.5, "kind": "eval", "time": 1.0, "eval_loss": 0.5}
    child.begin_training(2, max_steps=10, samples_per_step=4)  # by keyword too: the payload names each argument
    child.set_progress(3, 10, 0.5)
    child.set_phase("baseline")
    child.set_device("cpu")
    child.set_baseline({"eval_accuracy": 0.5})
    child.set_final({"eval_accuracy": 0.9})
    child.add(record)
    child.add_samples({"step": 3, "kind": "eval", "samples": []})
    child.set_stage("final_eval", 2, 7)
    child.note_shared("baseline", 1.5)
    sent = [channel.get_nowait() for _ in range(channel.qsize())]
    assert {name for name, _ in sent} == set(MESSAGES)  # each kind of message was sent, and is a known one
    assert sent[0] == ("begin_training", {"step": 2, "max_steps": 10, "samples_per_step": 4})
    for message in sent:
        assert job_process.receive(parent, message) is None
    for attribute in ("phase", "device", "baseline", "final", "step", "max_steps", "epoch", "last_eval", "shared_s"):
        assert getattr(parent, attribute) == getattr(child, attribute), attribute
    assert parent.points() == child.points() == [record] and parent.samples() == child.samples()
    assert parent.progress()["stage"] == child.progress()["stage"] == {"name": "final_eval", "done": 2, "total": 7}

    with caplog.at_level("WARNING"):
        assert job_process.receive(parent, ("rm_rf", {"path": "/"})) is None  # not a recorder method: nothing runs
    assert "ignored an unknown message" in caplog.text and parent.points() == [record]
    assert job_process.receive(parent, ("result", {"state": "done"})) == ("result", {"state": "done"})


def test_a_kill_is_explained_by_its_signal_and_the_memory_seen():
    from core.jobs.failures import exit_reason

    gb = 2**30
    oom = exit_reason(-signal.SIGKILL, peak_rss=22 * gb, total=24 * gb, least_available=gb // 10)
    assert "when memory ran out (it used 22.0 GB of this machine's 24.0 GB)" in oom and "batch_size" in oom
    outside = exit_reason(-signal.SIGKILL, peak_rss=2 * gb, total=24 * gb, least_available=18 * gb)
    assert "not for lack of memory" in outside and "out of memory" not in outside
    assert "SIGTERM" in exit_reason(-signal.SIGTERM, 2 * gb, 24 * gb, 18 * gb)
    assert "exit code 3" in exit_reason(3)

