"""Trainer callbacks, small and in one module: the metrics recorder's feed and the Stop button."""

from __future__ import annotations

import threading

from transformers import TrainerCallback

from core.training.distributed import any_process
from core.training.recorder import MetricsRecorder, make_record


class MetricsCallback(TrainerCallback):
    """Records every Trainer log (loss, learning_rate, grad_norm, eval metrics...) into a MetricsRecorder."""

    def __init__(self, recorder: MetricsRecorder):
        self.recorder = recorder
        self._last_logged: dict | None = None
        self._eval_batches = 0

    def on_train_begin(self, args, state, control, **kwargs):
        per_step = args.train_batch_size * args.gradient_accumulation_steps * max(args.world_size, 1)
        self.recorder.begin_training(state.global_step, state.max_steps, per_step)
        self.recorder.set_stage("")  # loaded (and the baseline evaluated): the steps' own progress from here

    def on_step_end(self, args, state, control, **kwargs):
        self.recorder.set_progress(state.global_step, state.max_steps, state.epoch)
        if _at_end(state):  # the final evaluation comes next (in the Trainer's loop, or the run's own after it)
            self.recorder.set_stage("final_eval")

    def on_prediction_step(self, args, state, control, eval_dataloader=None, **kwargs):
        """One evaluation batch done: the stage's own progress (the baseline, an evaluation, the final one)."""
        if not state.is_world_process_zero:
            return
        self._eval_batches += 1
        stage = "baseline" if self.recorder.phase == "baseline" else "final_eval" if _at_end(state) else "evaluating"
        total = len(eval_dataloader) if has_length(eval_dataloader) else 0
        self.recorder.set_stage(stage, self._eval_batches, total)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and state.is_world_process_zero:
            self._last_logged = logs
            self._record(logs, state)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        # Trainer.evaluate logs the same dict before calling on_evaluate: record it only if on_log did not.
        if metrics and metrics is not self._last_logged and state.is_world_process_zero:
            self._record(metrics, state)
        self._eval_batches = 0
        # after the last step's evaluation the Trainer saves its checkpoint, then the run saves its model
        self.recorder.set_stage("saving" if _at_end(state) else "")

    def _record(self, logs: dict, state) -> None:
        is_eval = any(k.startswith("eval_") for k in logs)
        kind = "baseline" if self.recorder.phase == "baseline" else "eval" if is_eval else "train"
        self.recorder.add(make_record(logs, state.global_step, state.epoch, kind))


def _at_end(state) -> bool:
    return bool(state.max_steps) and state.global_step >= state.max_steps


def has_length(loader) -> bool:
    try:
        return loader is not None and len(loader) >= 0
    except TypeError:  # an iterable dataset has no length
        return False


class StopCallback(TrainerCallback):
    """The Stop button: end training after this step and save a checkpoint to resume from.

    With several processes (accelerate launch), they agree at each step end whether any of them was asked to stop
    (Ctrl-C reaches each at a slightly different moment): one that stopped alone would leave the others waiting.
    """

    def __init__(self, stop_event: threading.Event):
        self.stop_event = stop_event
        self.stopping = False

    def on_step_end(self, args, state, control, **kwargs):
        asked = self.stop_event.is_set()
        self.stopping = any_process(asked, args.device) if args.world_size > 1 else asked
        if self.stopping:
            control.should_training_stop = control.should_save = control.should_log = True

    def on_epoch_end(self, args, state, control, **kwargs):
        if self.stopping:  # the step-end save already happened: skip the epoch's eval and save
            control.should_evaluate = control.should_save = False
