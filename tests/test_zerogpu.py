"""The ZeroGPU path, with the `spaces` decorator replaced by a stand-in that records how it is called."""

import sys
import threading
import types

import pytest

from core.jobs import zerogpu
from core.jobs.manager import JobManager
from core.runs.store import RunStore
from core.training.config import TrainConfig


@pytest.fixture()
def fake_spaces(monkeypatch):
    """A stand-in for the `spaces` package: GPU(duration=...) runs the function in the caller's thread."""
    calls = []

    def GPU(duration=60):  # noqa: N802 - the real decorator's name
        def decorate(fn):
            def run(*args, **kwargs):
                calls.append({"duration": duration, "thread": threading.current_thread().name})
                return fn(*args, **kwargs)
            return run
        return decorate

    monkeypatch.setitem(sys.modules, "spaces", types.SimpleNamespace(GPU=GPU))
    monkeypatch.setenv("SPACES_ZERO_GPU", "true")
    return calls


def tiny_config(model_dir, **overrides) -> TrainConfig:
    values = dict(run_name="zero", model=str(model_dir), max_train_samples=32, max_eval_samples=16,
                  max_length=32, batch_size=8, max_steps=3, logging_steps=1, eval_strategy="no")
    values.update(overrides)
    return TrainConfig(**values)


def test_zero_gpu_runs_the_job_inside_the_gpu_call_with_the_same_run_folder(
        fake_spaces, tiny_model_dir, isolated_settings):
    manager = JobManager(RunStore(isolated_settings.runs_dir))
    assert manager.inline  # SPACES_ZERO_GPU set: no worker thread may hold the GPU
    job_id = manager.start(tiny_config(tiny_model_dir))
    assert manager.wait(job_id, timeout=2) == "queued" and manager._workers == []

    ended = []  # a request handler's thread, as Gradio would call it
    request = threading.Thread(target=lambda: ended.append(zerogpu.run_in_gpu_slot(manager, job_id)),
                               name="request-thread")
    request.start()
    request.join(timeout=120)
    assert ended == ["done"]
    assert fake_spaces == [{"duration": zerogpu.MIN_SECONDS + 3, "thread": "request-thread"}]
    snap = manager.snapshot(job_id)
    assert [p["step"] for p in snap["points"] if p["kind"] == "train" and "loss" in p] == [1, 2, 3]
    assert manager.store.read_metrics(job_id) == snap["points"]  # same metrics.jsonl as the thread path
    assert (manager.store.model_dir(job_id) / "config.json").exists()


def test_zero_gpu_jobs_keep_fifo_order_and_a_cancelled_one_never_trains(
        fake_spaces, tiny_model_dir, isolated_settings):
    manager = JobManager(RunStore(isolated_settings.runs_dir))
    first = manager.start(tiny_config(tiny_model_dir, run_name="first"))
    second = manager.start(tiny_config(tiny_model_dir, run_name="second"))
    third = manager.start(tiny_config(tiny_model_dir, run_name="third"))
    finished = []
    late = threading.Thread(target=lambda: finished.append((second, zerogpu.run_in_gpu_slot(manager, second))))
    late.start()
    late.join(timeout=1.5)
    assert late.is_alive() and manager.snapshot(second)["state"] == "queued"  # waits behind the first
    assert manager.cancel(third) == "stopped"
    assert zerogpu.run_in_gpu_slot(manager, first) == "done"
    late.join(timeout=120)
    assert finished == [(second, "done")]
    assert zerogpu.run_in_gpu_slot(manager, third) == "stopped"
    assert len(fake_spaces) == 3


def test_gpu_seconds_follow_the_plan_within_the_cap(monkeypatch):
    monkeypatch.setenv("ZERO_GPU_MAX_SECONDS", "120")
    assert zerogpu.gpu_seconds(TrainConfig(max_steps=10)) == 70
    assert zerogpu.gpu_seconds(TrainConfig(max_train_samples=100_000, num_train_epochs=3.0)) == 120


def test_missing_spaces_package_is_a_clear_message(monkeypatch, tiny_model_dir, isolated_settings):
    monkeypatch.setenv("SPACES_ZERO_GPU", "1")
    monkeypatch.setitem(sys.modules, "spaces", None)  # import spaces -> ImportError
    manager = JobManager(RunStore(isolated_settings.runs_dir))
    job_id = manager.start(tiny_config(tiny_model_dir))
    with pytest.raises(ValueError, match="pip install spaces"):
        zerogpu.run_in_gpu_slot(manager, job_id)


class CallClock:
    """Stands in for the timer of a call's limit: the test says at which steps a call's time runs out."""

    def __init__(self, monkeypatch, at_steps):
        from core.jobs import inline_runs  # run_inline starts the call's timer
        from core.training import callbacks as metrics_mod

        self.pending, self.at_steps, self.started = [], set(at_steps), 0
        clock = self

        class Timer:
            def __init__(self, interval, function, args=()):
                self.interval, self.fire, self.daemon = interval, lambda: function(*args), False

            def start(self):
                clock.started += 1
                clock.pending.append(self)

            def cancel(self):
                if self in clock.pending:
                    clock.pending.remove(self)

        original = metrics_mod.MetricsCallback.on_step_end

        def on_step_end(callback, args, state, control, **kwargs):
            original(callback, args, state, control, **kwargs)
            if state.global_step in clock.at_steps and clock.pending:
                clock.at_steps.discard(state.global_step)
                clock.pending.pop().fire()  # the call's time is up now: the run stops after this step

        monkeypatch.setattr(inline_runs.threading, "Timer", Timer)
        monkeypatch.setattr(metrics_mod.MetricsCallback, "on_step_end", on_step_end)


def _last_losses(manager, job_id):
    points = manager.snapshot(job_id)["points"]
    return [(p["step"], p["loss"]) for p in points if p["kind"] == "train" and "loss" in p]


def test_a_run_longer_than_a_call_goes_on_in_the_next_calls_and_ends_as_one_run(
        fake_spaces, tiny_model_dir, isolated_settings, monkeypatch):
    manager = JobManager(RunStore(isolated_settings.runs_dir))
    config = tiny_config(tiny_model_dir, max_steps=9, eval_strategy="steps", eval_steps=9, save_model=False)
    whole = manager.start(config)
    assert zerogpu.run_in_gpu_slot(manager, whole) == "done" and len(fake_spaces) == 1

    clock = CallClock(monkeypatch, at_steps=(3, 6))  # each call's limit is reached at step 3, then at step 6
    split = manager.start(config)
    assert zerogpu.run_in_gpu_slot(manager, split) == "done"
    assert len(fake_spaces) == 4 and clock.started == 3  # three calls for the split run
    one, three = _last_losses(manager, whole), _last_losses(manager, split)
    assert [step for step, _ in three] == list(range(1, 10))  # one run's curve: each step once, no gap
    # up to the second pause the split run repeats the whole one exactly; after a pause inside a later epoch the
    # remaining batches of that epoch come in another order (accelerate's skip_first_batches keeps the sampler's
    # first epoch), so later steps agree closely rather than exactly, and the run ends where the whole one did
    losses_one, losses_three = [loss for _, loss in one], [loss for _, loss in three]
    assert losses_three[:6] == pytest.approx(losses_one[:6], rel=1e-5)
    assert losses_three[-1] == pytest.approx(losses_one[-1], rel=1e-3)
    assert manager.snapshot(split)["final"]["eval_loss"] == pytest.approx(manager.snapshot(whole)["final"]["eval_loss"],
                                                                           rel=1e-3)
    assert manager.store.read_metrics(split) == manager.snapshot(split)["points"]
