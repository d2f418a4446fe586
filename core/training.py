"""Fine-tune a sequence classifier with the real Trainer: TrainConfig -> data, model, Trainer -> run folder.

`run()` is the one code path: the job manager calls it in a thread, the command line
(`python -m core.training --config cfg.json`, also under `accelerate launch`) calls it directly.
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import sys
import threading
from pathlib import Path

from core.messages import UserError
from core.runs import BASELINE_FILE, CONFIG_FILE, FINAL_FILE, METRICS_FILE, MODEL_DIR, find_latest_checkpoint
from core.train_config import (EVAL_STRATEGIES, MAX_LENGTH_LIMIT, PADDINGS, PRECISIONS, TrainConfig,
                               quick_demo_config, tutorial_config)

__all__ = ["TrainConfig", "quick_demo_config", "tutorial_config", "run", "main", "model_max_length",
           "resolve_precision", "load_tokenizer", "load_model", "training_arguments", "stop_callback",
           "is_main_process", "EVAL_STRATEGIES", "PADDINGS", "PRECISIONS", "MAX_LENGTH_LIMIT"]

log = logging.getLogger(__name__)


def is_main_process() -> bool:
    """True unless this is a secondary process of a distributed (accelerate launch) run."""
    from accelerate import PartialState

    return PartialState().is_main_process


def resolve_precision(precision: str) -> str:
    """auto -> bf16 where the GPU supports it, else fp16 on CUDA, fp32 on CPU; refuses what the device lacks."""
    import torch

    cuda = torch.cuda.is_available()
    bf16_ok = cuda and torch.cuda.is_bf16_supported()
    if precision == "auto":
        return "bf16" if bf16_ok else "fp16" if cuda else "fp32"
    if precision == "fp16" and not cuda:
        raise UserError("precision: fp16 needs a CUDA GPU - choose auto or fp32")
    if precision == "bf16" and cuda and not bf16_ok:
        raise UserError("precision: this GPU has no bf16 - choose auto or fp16")
    return precision


def model_max_length(model: str, tokenizer=None, model_config=None) -> int:
    """Longest input the model takes: the smallest sane limit of its tokenizer and its position embeddings."""
    if model_config is None:
        from transformers import AutoConfig

        model_config = AutoConfig.from_pretrained(_resolve(model))
    limits = [getattr(model_config, k, None) for k in ("max_position_embeddings", "n_positions", "max_seq_len")]
    if tokenizer is not None and tokenizer.model_max_length < 1e6:  # unset limits are a huge sentinel
        limits.append(int(tokenizer.model_max_length))
    return min([v for v in limits if isinstance(v, int) and v > 0], default=MAX_LENGTH_LIMIT)


def _resolve(model: str) -> str:
    from core.sources import resolve_model

    return resolve_model(model)


def load_tokenizer(config: TrainConfig):
    """The model's tokenizer; decoder models without a pad token (GPT-2) pad with their end-of-text token."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(_resolve(config.model), trust_remote_code=config.trust_remote_code)
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is not None:
            tokenizer.pad_token = tokenizer.eos_token
        else:
            tokenizer.add_special_tokens({"pad_token": "[PAD]"})
    return tokenizer


def check_max_length(config: TrainConfig, model_config, tokenizer) -> None:
    limit = model_max_length(config.model, tokenizer, model_config)
    if config.max_length > limit:
        raise UserError("max_length: {length} is beyond what {model} takes ({limit} tokens) - set max_length to "
                        "{limit} or less", length=config.max_length, model=config.model, limit=limit)


def load_model(config: TrainConfig, label_names: list[str], tokenizer):
    """A classification model with num_labels, id2label and label2id, so the saved model predicts names."""
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(
        _resolve(config.model), num_labels=len(label_names), trust_remote_code=config.trust_remote_code,
        id2label=dict(enumerate(label_names)), label2id={n: i for i, n in enumerate(label_names)},
        ignore_mismatched_sizes=True)  # a fine-tuned checkpoint may carry a head for other classes
    if len(tokenizer) > model.get_input_embeddings().num_embeddings:
        model.resize_token_embeddings(len(tokenizer))  # a pad token was added
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return model


def training_arguments(config: TrainConfig, run_dir: Path, precision: str):
    """TrainingArguments for the config; checkpoints follow the eval rhythm so a resume loses little."""
    import torch
    from transformers import TrainingArguments

    accepted = inspect.signature(TrainingArguments.__init__).parameters
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
        bf16=precision == "bf16", fp16=precision == "fp16",
        # Workers would fork a process that holds the web server; tokenization is done up front anyway.
        dataloader_num_workers=0, dataloader_pin_memory=torch.cuda.is_available(),
    )
    # transformers 5 renamed these; keep older versions working too.
    if "group_by_length" in accepted:
        kwargs.update(group_by_length=config.group_by_length, warmup_ratio=config.warmup_ratio)
    else:
        kwargs.update(train_sampling_strategy="group_by_length" if config.group_by_length else "random",
                      warmup_steps=config.warmup_ratio)
    return TrainingArguments(**kwargs)


def stop_callback(stop_event: threading.Event):
    from transformers import TrainerCallback

    class StopCallback(TrainerCallback):
        """Stop button: end training after this step and save a checkpoint to resume from."""

        def on_step_end(self, args, state, control, **kwargs):
            if stop_event.is_set():
                control.should_training_stop = control.should_save = control.should_log = True

        def on_epoch_end(self, args, state, control, **kwargs):
            if stop_event.is_set():  # the step-end save already happened: skip the epoch's eval and save
                control.should_evaluate = control.should_save = False

    return StopCallback()


def describe_device(args) -> str:
    import torch

    device = args.device
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    return str(device)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def run(config: TrainConfig, run_dir, *, callbacks=(), stop_event: threading.Event | None = None,
        resume: bool = False, recorder=None) -> dict:
    """Train synchronously into run_dir; returns {"baseline", "final", "state" ("done" | "stopped"), ...}.

    resume=True continues from the run folder's last checkpoint (from the start when there is none).
    recorder: a core.metrics.MetricsRecorder to fill (the job manager reads it live); by default one
    that appends to run_dir/metrics.jsonl.
    """
    from transformers import AutoConfig, PrinterCallback, Trainer, set_seed

    from core.metrics import MetricsCallback, MetricsRecorder, make_compute_metrics

    config.check_limits()
    run_dir, main = Path(run_dir), is_main_process()
    stop_event = stop_event or threading.Event()
    if main:
        run_dir.mkdir(parents=True, exist_ok=True)
        if not (run_dir / CONFIG_FILE).exists():
            config.save(run_dir / CONFIG_FILE)
    recorder = recorder or MetricsRecorder(run_dir / METRICS_FILE if main else None)
    checkpoint = find_latest_checkpoint(run_dir) if resume else None
    precision = resolve_precision(config.precision)
    set_seed(config.seed)
    tokenizer = load_tokenizer(config)
    check_max_length(config, AutoConfig.from_pretrained(_resolve(config.model),
                                                         trust_remote_code=config.trust_remote_code), tokenizer)
    from core.train_data import prepare_data

    data = prepare_data(config, tokenizer)
    _check_planned_steps(config, len(data.train))
    trainer = Trainer(
        model=load_model(config, data.label_names, tokenizer),
        args=training_arguments(config, run_dir, precision), data_collator=data.collator,
        train_dataset=data.train, eval_dataset=data.eval, processing_class=tokenizer,
        compute_metrics=make_compute_metrics(config.metrics, data.num_labels),
        callbacks=[MetricsCallback(recorder), stop_callback(stop_event), *callbacks])
    trainer.remove_callback(PrinterCallback)  # the recorder keeps the logs; stdout stays for results
    recorder.device = describe_device(trainer.args)
    recorder.baseline = _baseline(trainer, config, run_dir, recorder, main, resume) or {}
    result = {"baseline": recorder.baseline, "final": {}, "state": "stopped", "run_dir": str(run_dir)}
    if stop_event.is_set():
        return result
    log.info("training %s on %d rows (%s, %s)", config.model, len(data.train), recorder.device, precision)
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    result["global_step"] = trainer.state.global_step
    if stop_event.is_set() and trainer.state.global_step < trainer.state.max_steps:
        return result
    recorder.final = _final(trainer, recorder)
    if main:
        _write_json(run_dir / FINAL_FILE, recorder.final)
    if config.save_model:
        trainer.save_model(str(run_dir / MODEL_DIR))  # also saves the tokenizer (processing_class)
    return {**result, "final": recorder.final, "state": "done"}


def _check_planned_steps(config: TrainConfig, train_rows: int) -> None:
    from core.settings import get_settings

    cap, steps = get_settings().max_steps, config.planned_steps(train_rows)
    if cap > 0 and steps is not None and steps > cap:
        raise UserError("max_steps: this run would take {steps} steps on {rows} rows but this server allows at most "
                        "{cap} (MAX_STEPS) - set max_steps to {cap} or less", steps=steps, rows=train_rows, cap=cap)


def _baseline(trainer, config, run_dir: Path, recorder, main: bool, resume: bool) -> dict | None:
    """Evaluate the untrained model once; a resumed run keeps the baseline it already has."""
    stored = _read_json(run_dir / BASELINE_FILE) if resume else None
    if stored is not None or not config.evaluate_before:
        return stored
    recorder.phase = "baseline"
    try:
        metrics = trainer.evaluate()
    finally:
        recorder.phase = "train"
    metrics = {k: v for k, v in metrics.items() if k.startswith("eval_")}
    if main:
        _write_json(run_dir / BASELINE_FILE, metrics)
    return metrics


def _final(trainer, recorder) -> dict:
    """The evaluation at the last step: the one the eval strategy just ran, or a new one."""
    if recorder.last_eval and recorder.last_eval[0] == trainer.state.global_step:
        return dict(recorder.last_eval[1])
    return {k: v for k, v in trainer.evaluate().items() if k.startswith("eval_")}


# ----------------------------------------------------------------- command line

def main(argv=None) -> int:
    """python -m core.training --config cfg.json [--runs-dir DIR] [--resume RUN_ID]"""
    parser = argparse.ArgumentParser(prog="python -m core.training", description=main.__doc__)
    parser.add_argument("--config", type=Path, help="TrainConfig JSON file (optional with --resume)")
    parser.add_argument("--runs-dir", type=Path, help="runs folder (default: RUNS_DIR or ./runs)")
    parser.add_argument("--resume", metavar="RUN_ID", help="continue a stopped/failed run from its checkpoint")
    args = parser.parse_args(argv)
    if not args.config and not args.resume:
        parser.error("give --config cfg.json (or --resume RUN_ID)")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from core.cli import run_from_cli

    try:
        result = run_from_cli(args.config, args.runs_dir, args.resume)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if result is not None:
        print(json.dumps(result, indent=2))
    return 0 if result is None or result.get("state") in {"done", "stopped"} else 1


if __name__ == "__main__":
    sys.exit(main())
