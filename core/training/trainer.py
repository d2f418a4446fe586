"""Fine-tune a sequence classifier with the real Trainer: TrainConfig -> data, model, Trainer -> run folder.

`run()` is the one code path: the job manager calls it in a child process (or a thread), the command line
(`python train.py --config cfg.json`, also under `accelerate launch`) calls it in the foreground.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import threading
from pathlib import Path

from core.messages import UserError
from core.model.checkpoints import load_model_tokenizer, model_location
from core.model.saved import save_run_model
from core.model.trainable import apply_train_mode
from core.runs.store import RunStore, get_store
from core.settings import get_settings
from core.task_registry import task_of
from core.training import distributed, untrained
from core.training.config import TrainConfig
from core.training.recorder import MetricsRecorder
from core.training.rules import MAX_GRAD_NORM, greater_is_better

log = logging.getLogger(__name__)

TRACKIO_PROJECT = "fine-tune-studio"  # every run of the app is one trackio run of this project


def is_main_process() -> bool:
    """True unless this is a secondary process of a distributed (accelerate launch) run."""
    return distributed.is_main_process()


def resolve_precision(precision: str) -> str:
    """auto -> bf16 where the GPU supports it, else fp16 on CUDA, fp32 on CPU; refuses what the device lacks."""
    import torch  # slow import, deferred to first use

    cuda = torch.cuda.is_available()
    bf16_ok = cuda and torch.cuda.is_bf16_supported()
    if precision == "auto":
        return "bf16" if bf16_ok else "fp16" if cuda else "fp32"
    if precision == "fp16" and not cuda:
        raise UserError("precision: fp16 needs a CUDA GPU - choose auto or fp32")
    if precision == "bf16" and cuda and not bf16_ok:
        raise UserError("precision: this GPU has no bf16 - choose auto or fp16")
    return precision


def training_arguments(config: TrainConfig, run_dir: Path, precision: str):
    """TrainingArguments for the config; checkpoints follow the eval rhythm so a resume loses little."""
    import torch  # slow import, deferred to first use

    task = task_of(config)
    arguments = task.arguments_class()  # TrainingArguments, or a subclass of it (TRL's SFTConfig)
    accepted = inspect.signature(arguments.__init__).parameters
    steps = config.eval_strategy == "steps"
    kwargs = dict(
        output_dir=str(run_dir), per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.eval_batch_size, learning_rate=config.learning_rate,
        gradient_accumulation_steps=config.gradient_accumulation_steps, weight_decay=config.weight_decay,
        num_train_epochs=config.num_train_epochs, max_steps=config.max_steps,
        eval_strategy=config.eval_strategy, eval_steps=config.eval_steps if steps else None,
        save_strategy=config.eval_strategy, save_steps=config.eval_steps if steps else 500, save_total_limit=1,
        logging_strategy="steps", logging_steps=config.logging_steps, logging_first_step=True,
        report_to="none", seed=config.seed, data_seed=config.seed, disable_tqdm=True,
        bf16=precision == "bf16", fp16=precision == "fp16", max_grad_norm=MAX_GRAD_NORM,
        # Workers would fork a process that holds the web server; tokenization is done up front anyway.
        dataloader_num_workers=0, dataloader_pin_memory=torch.cuda.is_available(),
    )
    kwargs.update(best_model_arguments(config), **tracking_arguments(config, run_dir, accepted))
    # transformers 5 renamed these; keep older versions working too.
    if "group_by_length" in accepted:
        kwargs.update(group_by_length=config.group_by_length, warmup_ratio=config.warmup_ratio)
    else:
        kwargs.update(train_sampling_strategy="group_by_length" if config.group_by_length else "random",
                      warmup_steps=config.warmup_ratio)
    kwargs.update(task.argument_overrides(config))  # last: e.g. SFTConfig's loss masks, DPO's own sampling
    return arguments(**kwargs)


def best_model_arguments(config: TrainConfig) -> dict:
    """Which checkpoint is best (metric_for_best_model) and whether it becomes the run's model at the end.

    Checkpoints are saved at every evaluation (save_strategy follows eval_strategy), which load_best_model_at_end
    needs; save_total_limit=1 then keeps the best checkpoint and the latest one.
    """
    if not (config.load_best_model_at_end or config.early_stopping_patience):
        return {}
    return {"metric_for_best_model": config.metric_for_best_model,
            "greater_is_better": greater_is_better(config.metric_for_best_model),
            "load_best_model_at_end": config.load_best_model_at_end}


def tracking_arguments(config: TrainConfig, run_dir: Path, accepted) -> dict:
    """report_to: trackio or TensorBoard also receive the logs, written under the runs folder (never to the Hub)."""
    if config.report_to == "none":
        return {}
    kwargs = {"report_to": [config.report_to], "run_name": run_dir.name}
    if config.report_to == "trackio":
        # trackio reads its folder from the environment when it is imported (here: in the training process)
        os.environ["TRACKIO_DIR"] = str(get_store(run_dir.parent).tracking_dir("trackio"))
        kwargs.update(project=TRACKIO_PROJECT, trackio_space_id=None)
        if "trackio_static_space_id" in accepted:
            kwargs["trackio_static_space_id"] = False  # local logs only: no Space is created or synced
    return kwargs


def training_callbacks(config: TrainConfig) -> list:
    """The Trainer's own callbacks a config asks for: early stopping on metric_for_best_model."""
    from transformers import EarlyStoppingCallback  # slow import, deferred to first use

    return [EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience)] \
        if config.early_stopping_patience else []


def _send_tensorboard_to_run_folder(trainer, store: RunStore, run_id: str) -> None:
    """transformers 5 reads TensorBoard's folder from the environment; each run writes into its own folder instead."""
    for callback in trainer.callback_handler.callbacks:
        if type(callback).__name__ == "TensorBoardCallback":
            callback.logging_dir = str(store.tracking_dir("tensorboard", run_id))


def describe_device(args) -> str:
    import torch  # slow import, deferred to first use

    device = args.device
    name = f"{device} ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else str(device)
    return f"{name} × {args.world_size} processes" if args.world_size > 1 else name


def run(config: TrainConfig, run_dir, *, callbacks=(), stop_event: threading.Event | None = None,
        resume: bool = False, recorder=None) -> dict:
    """Train synchronously into run_dir; returns {"baseline", "final", "state" ("done" | "stopped"), ...}.

    run_dir is a run folder of a RunStore (its parent is the runs folder), created when missing; every file
    goes through the store. resume=True continues from the folder's last checkpoint (from the start when
    there is none). recorder: a MetricsRecorder to fill (the job manager reads it live); by default one that
    appends to the run's metrics.jsonl.
    """
    from transformers import AutoConfig, PrinterCallback, set_seed  # slow import, deferred to first use

    from core.training.callbacks import MetricsCallback, StopCallback  # imports transformers: only when training

    config.check_limits()
    run_dir, main = Path(run_dir), is_main_process()
    store, run_id = get_store(run_dir.parent), run_dir.name
    stop_event = stop_event or threading.Event()
    if main:
        store.path(run_id).mkdir(exist_ok=True)
        if not store.exists(run_id):
            store.write_config(run_id, config.to_dict())
    recorder = recorder or MetricsRecorder(functools.partial(store.append_metric, run_id) if main else None)
    recorder.set_stage("loading")  # the model and the data: a minute on a busy CPU, before any step
    checkpoint = store.latest_checkpoint(run_id) if resume else None
    precision = resolve_precision(config.precision)
    set_seed(config.seed)
    tokenizer = load_model_tokenizer(config.model, config.trust_remote_code)
    model_config = AutoConfig.from_pretrained(model_location(config.model), trust_remote_code=config.trust_remote_code)
    task = task_of(config)  # its data, model, scores and callbacks (core/tasks/)
    task.check_model(config, model_config, tokenizer)
    data = task.prepare_data(config, tokenizer)
    _check_planned_steps(config, len(data.train), distributed.state().num_processes)
    model = apply_train_mode(task.load_model(config, data, tokenizer), config)  # full, head, last_n_layers or lora
    write_samples = functools.partial(store.append_samples, run_id) if main else None
    trainer = task.trainer_class()(
        model=model,
        args=training_arguments(config, run_dir, precision), data_collator=data.collator,
        train_dataset=data.train, eval_dataset=data.eval, processing_class=tokenizer,
        compute_metrics=task.compute_metrics(config, data),
        callbacks=[*task.callbacks(config, recorder, write_samples), MetricsCallback(recorder),
                   StopCallback(stop_event), *training_callbacks(config), *callbacks],
        **task.trainer_kwargs(config, model, data))  # e.g. DPOTrainer's ref_model
    trainer.remove_callback(PrinterCallback)  # the recorder keeps the logs; stdout stays for results
    _send_tensorboard_to_run_folder(trainer, store, run_id)
    recorder.set_device(describe_device(trainer.args))
    recorder.set_baseline(_baseline(trainer, config, store, run_id, recorder, main, resume))
    result = {"baseline": recorder.baseline, "final": {}, "state": "stopped", "run_dir": str(run_dir)}
    if stop_event.is_set():
        return result
    log.info("training %s on %d rows (%s, %s)", config.model, len(data.train), recorder.device, precision)
    # the same random state at the first step whether or not the baseline was just evaluated: a resumed run (which
    # reads its baseline back) then draws its first epoch's order as the whole run did (core.jobs.zerogpu's split runs)
    set_seed(config.seed)
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    result["global_step"] = trainer.state.global_step
    result["best_step"] = trainer.state.best_global_step if config.load_best_model_at_end else None
    if stop_event.is_set() and trainer.state.global_step < trainer.state.max_steps:
        return result
    recorder.set_final(task.finish_metrics(_final(trainer, result["best_step"])))
    if main:
        store.write_eval(run_id, "final", recorder.final)
    if config.save_model:  # the whole model, or a LoRA run's adapter (core.model.saved)
        recorder.set_stage("saving")
        save_run_model(trainer, store, run_id, config, data.label_names, model_config.vocab_size)
        if main:
            _finish_results(task, store, run_id, recorder)
    recorder.set_stage("")
    return {**result, "final": recorder.final, "state": "done"}


def _finish_results(task, store: RunStore, run_id: str, recorder) -> None:
    """What the task keeps for the page (a classifier's eval report and per-example results), computed here, in the
    training process, with its progress on the status line: the page then reads them instead of running two models
    over every eval row inside a web request. A failure leaves the run done: the page computes them on demand and
    says why it cannot."""
    recorder.set_stage("results")  # loading the models comes before the first batch's count
    try:
        with untrained.noting(recorder.note_shared):  # the per-example pass's shared work, on this run's recorder
            task.finish_results(store, run_id, functools.partial(recorder.set_stage, "results"))
    except (ValueError, OSError, RuntimeError) as err:
        log.warning("results of %s not computed after training: %s", run_id, err)


def _check_planned_steps(config: TrainConfig, train_rows: int, processes: int = 1) -> None:
    cap, steps = get_settings().max_steps, config.planned_steps(train_rows, processes)
    if cap > 0 and steps is not None and steps > cap:
        raise UserError("max_steps: this run would take {steps} steps on {rows} rows but this server allows at most "
                        "{cap} (MAX_STEPS) - set max_steps to {cap} or less", steps=steps, rows=train_rows, cap=cap)


def _baseline(trainer, config, store: RunStore, run_id: str, recorder, main: bool, resume: bool) -> dict:
    """Evaluate the untrained model once; a resumed run keeps the baseline it already has."""
    stored = store.read_eval(run_id, "baseline") if resume else {}
    if stored or not config.evaluate_before:
        return stored

    def evaluate() -> dict:
        recorder.set_phase("baseline")
        try:
            metrics = trainer.evaluate()
        finally:
            recorder.set_phase("train")
        return task_of(config).finish_metrics({k: v for k, v in metrics.items() if k.startswith("eval_")})

    # a class's runs evaluate the same untrained model on the same rows: the first one's evaluation serves them all
    metrics = untrained.shared_baseline(config, store, recorder, trainer.args, evaluate, trainer.eval_dataset)
    if main:
        store.write_eval(run_id, "baseline", metrics)
    return metrics


def _final(trainer, best_step: int | None = None) -> dict:
    """The evaluation of the run's model: the one the eval strategy ran at its step, or a new one.

    Decided from the Trainer's own log, which every process keeps (the recorder records on the main process only)
    and a resumed run restores from its checkpoint: a new evaluation gathers from all processes, so they must all
    run it or none. With load_best_model_at_end the model is the best checkpoint, evaluated at its step; a new
    evaluation of it is kept off the curves: it would draw the best model's scores at the last step.
    """
    step = best_step or trainer.state.global_step
    for entry in reversed(trainer.state.log_history):
        if entry.get("step") == step and any(k.startswith("eval_") for k in entry):
            return {k: v for k, v in entry.items() if k.startswith("eval_")}
    if best_step:
        from core.training.callbacks import MetricsCallback  # imports transformers: only when training

        trainer.remove_callback(MetricsCallback)
    return {k: v for k, v in trainer.evaluate().items() if k.startswith("eval_")}
