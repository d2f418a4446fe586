"""The plain Python script (and `accelerate launch` commands) equivalent to a TrainConfig.

The app is a teacher: whatever it trains can be reproduced without it. The script uses only
datasets / transformers / evaluate, mirrors the Hugging Face fine-tuning tutorial and runs as is.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from core import sources
from core.data.source import SAMPLE_DIR
from core.messages import UserError
from core.training.metrics import METRIC_MODULES_DIR

log = logging.getLogger(__name__)
SAMPLE_FEATURES = ('Features({"text": Value("string"), '
                   '"label": ClassLabel(names=["negative", "positive"]), "domain": Value("string")})')


def _as_dict(config) -> dict:
    return config.to_dict() if hasattr(config, "to_dict") else dict(config)


def script_name(config) -> str:
    """A file name for the script, from the run name (safe for any shell)."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", _as_dict(config).get("run_name") or "").strip("_")
    return f"train_{name or 'model'}.py"


def model_reference(model: str) -> str:
    """What from_pretrained gets in the script: the embedded model's folder, a local folder, or a Hub id."""
    model = (model or "").strip()
    if not model or model == sources.EMBEDDED_MODEL:
        return str(sources.embedded_model_path())
    local = Path(model).expanduser()
    return str(local.resolve()) if local.is_dir() else model


def _load_lines(dataset: dict) -> list[str]:
    kind = dataset.get("kind", "sample")
    split = dataset.get("split") or ""
    if kind == "sample":
        files = {s: str(SAMPLE_DIR / f"{s}.csv") for s in ("train", "test")}
        return ["# The embedded sample (two CSV files shipped with Fine-tune Studio)",
                f"raw = load_dataset(\"csv\", data_files={files!r})",
                f"raw = raw.cast({SAMPLE_FEATURES})"]
    if kind == "hub":
        config = dataset.get("config") or None
        args = f"{dataset['name']!r}" + (f", {config!r}" if config else "")
        lines = [f"raw = load_dataset({args})"]
    elif kind == "file":
        path = Path(dataset["path"]).resolve()
        builder = {".tsv": "csv", ".jsonl": "json"}.get(path.suffix.lower(), path.suffix.lower().lstrip("."))
        extra = ', delimiter="\\t"' if path.suffix.lower() == ".tsv" else ""
        lines = [f"raw = load_dataset({builder!r}, data_files={{'train': {str(path)!r}}}{extra})"]
    elif kind == "disk":
        lines = ["from datasets import load_from_disk", f"raw = load_from_disk({str(Path(dataset['path']).resolve())!r})"]
    else:
        raise UserError("Unknown dataset source kind {kind!r}: use sample, hub, file or disk", kind=kind)
    if split:
        lines.append(f"raw = DatasetDict({{{split!r}: raw[{split!r}]}})")
    return lines


def _split_lines(cfg: dict) -> list[str]:
    label, seed = cfg["label_column"], cfg["seed"]
    lines = ["# Labels must be a ClassLabel so the model knows the class names (and splits can be stratified)",
             f"if not isinstance(raw[{cfg['train_split']!r}].features[{label!r}], ClassLabel):",
             f"    raw = raw.class_encode_column({label!r})",
             f"train_ds = raw[{cfg['train_split']!r}]"]
    if cfg.get("eval_split"):
        lines.append(f"eval_ds = raw[{cfg['eval_split']!r}]")
    else:
        lines += ["# No evaluation split: hold out a stratified part of train",
                  f"parts = train_ds.train_test_split(test_size={cfg['eval_fraction']}, "
                  f"stratify_by_column={label!r}, seed={seed})",
                  "train_ds, eval_ds = parts[\"train\"], parts[\"test\"]"]
    for name, cap in (("train_ds", cfg["max_train_samples"]), ("eval_ds", cfg["max_eval_samples"])):
        if cap and cap > 0:
            lines += [f"if len({name}) > {cap}:  # a random subset keeps the run short",
                      f"    {name} = {name}.shuffle(seed={seed}).select(range({cap}))"]
    lines.append(f"label_names = train_ds.features[{label!r}].names")
    return lines


def _tokenize_lines(cfg: dict) -> list[str]:
    pair = cfg.get("text_pair_column") or ""
    texts = f"batch[{cfg['text_column']!r}]" + (f", batch[{pair!r}]" if pair else "")
    padding = ', padding="max_length"' if cfg.get("padding") == "max_length" else ""
    label = cfg["label_column"]
    lines = ["tokenizer = AutoTokenizer.from_pretrained(MODEL)",
             "if tokenizer.pad_token is None:  # GPT-style tokenizers have no padding token: reuse end-of-text",
             "    tokenizer.pad_token = tokenizer.eos_token", "",
             "def tokenize(batch):",
             "    # Dynamic padding: the data collator pads each batch to its longest text" if not padding else
             "    # Every text padded to max_length: simple, but slower than dynamic padding",
             f"    return tokenizer({texts}, truncation=True, max_length={cfg['max_length']}{padding})", "",
             "train_ds = train_ds.map(tokenize, batched=True)",
             "eval_ds = eval_ds.map(tokenize, batched=True)"]
    if label not in ("label", "labels"):
        lines += [f"train_ds = train_ds.rename_column({label!r}, \"labels\")",
                  f"eval_ds = eval_ds.rename_column({label!r}, \"labels\")"]
    return lines


def _metric_lines(cfg: dict) -> list[str]:
    names = list(cfg.get("metrics") or ["accuracy"])
    return [f"METRIC_DIR = Path({str(METRIC_MODULES_DIR)!r})  # local copies, so evaluate works offline",
            "",
            "def load_metric(name):",
            "    local = METRIC_DIR / name / f\"{name}.py\"",
            "    return evaluate.load(str(local) if local.exists() else name)",
            "",
            f"metrics = {{name: load_metric(name) for name in {names!r}}}",
            "average = \"binary\" if len(label_names) == 2 else \"macro\"",
            "",
            "def compute_metrics(eval_pred):",
            "    logits, labels = eval_pred",
            "    predictions = np.argmax(logits, axis=-1)",
            "    results = {}",
            "    for name, metric in metrics.items():",
            "        kwargs = {} if name == \"accuracy\" else {\"average\": average}",
            "        if name in (\"precision\", \"recall\"):",
            "            kwargs[\"zero_division\"] = 0",
            "        results.update(metric.compute(predictions=predictions, references=labels, **kwargs))",
            "    return results"]


def _precision_args(precision: str) -> list[str]:
    if precision == "fp16":
        return ["    fp16=True,"]
    if precision == "bf16":
        return ["    bf16=True,"]
    if precision == "auto":  # mixed precision only where a GPU supports it; CPU stays fp32
        return ["    bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),",
                "    fp16=torch.cuda.is_available() and not torch.cuda.is_bf16_supported(),"]
    return []


def _training_args_lines(cfg: dict) -> list[str]:
    out = f"{(script_name(cfg)[6:-3])}-output"
    lines = ["args = TrainingArguments(",
             f"    output_dir={out!r},",
             f"    learning_rate={cfg['learning_rate']!r},",
             f"    per_device_train_batch_size={cfg['batch_size']},",
             f"    per_device_eval_batch_size={cfg['eval_batch_size']},",
             f"    gradient_accumulation_steps={cfg['gradient_accumulation_steps']},",
             f"    num_train_epochs={cfg['num_train_epochs']!r},"]
    if cfg.get("max_steps", -1) > 0:
        lines.append(f"    max_steps={cfg['max_steps']},  # overrides num_train_epochs")
    lines += [f"    weight_decay={cfg['weight_decay']!r},",
              f"    warmup_steps={cfg['warmup_ratio']!r},  # a float below 1 is a fraction of all steps",
              f"    eval_strategy={cfg['eval_strategy']!r},"]
    if cfg["eval_strategy"] == "steps":
        lines.append(f"    eval_steps={cfg['eval_steps']},")
    if cfg.get("group_by_length"):
        lines.append("    train_sampling_strategy=\"group_by_length\",  # batches of similar length: less padding")
    lines += [f"    logging_steps={cfg['logging_steps']},", "    logging_first_step=True,",
              "    save_strategy=\"no\",  # the final model is saved below",
              f"    seed={cfg['seed']},",
              *_precision_args(cfg.get("precision", "auto")),
              "    report_to=\"none\",",
              ")"]
    return lines


def generate_script(config) -> str:
    """A standalone Python script that fine-tunes like `config` and prints metrics before and after."""
    cfg = _as_dict(config)
    model = model_reference(cfg.get("model", ""))
    remote = ", trust_remote_code=True" if cfg.get("trust_remote_code") else ""
    header = [f'"""Fine-tune {cfg.get("model") or sources.EMBEDDED_MODEL} for text classification.',
              "",
              "Generated by Fine-tune Studio" + (f" for run {cfg['run_name']!r}" if cfg.get("run_name") else "") + ".",
              f"Run:           python {script_name(cfg)}",
              f"Several GPUs:  accelerate launch --num_processes 2 {script_name(cfg)}",
              '"""', "",
              "from pathlib import Path", "",
              "import evaluate", "import numpy as np", "import torch",
              "from datasets import ClassLabel, DatasetDict, Features, Value, load_dataset",
              "from transformers import (AutoModelForSequenceClassification, AutoTokenizer, "
              "DataCollatorWithPadding,",
              "                          Trainer, TrainingArguments, set_seed)", "",
              f"MODEL = {model!r}", f"set_seed({cfg['seed']})", ""]
    model_lines = ["model = AutoModelForSequenceClassification.from_pretrained(",
                   "    MODEL, num_labels=len(label_names),",
                   "    id2label=dict(enumerate(label_names)),",
                   f"    label2id={{name: i for i, name in enumerate(label_names)}}{remote})",
                   "model.config.pad_token_id = tokenizer.pad_token_id"]
    trainer_lines = ["trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,",
                     "                  processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer),",
                     "                  compute_metrics=compute_metrics)"]
    before = ["print(\"before fine-tuning:\", trainer.evaluate())"] if cfg.get("evaluate_before", True) else []
    body = (["# 1. Data"] + _load_lines(cfg.get("dataset") or {"kind": "sample"}) + _split_lines(cfg)
            + ["", "# 2. Tokenize"] + _tokenize_lines(cfg)
            + ["", "# 3. Model: the pretrained body with a new, randomly initialised classification head"]
            + model_lines + ["", "# 4. Metrics"] + _metric_lines(cfg)
            + ["", "# 5. Train"] + _training_args_lines(cfg) + trainer_lines + before
            + ["trainer.train()", "print(\"after fine-tuning:\", trainer.evaluate())"])
    if cfg.get("save_model", True):
        body += ["trainer.save_model(args.output_dir + \"/model\")  # model + tokenizer, ready for pipeline()"]
    return "\n".join(header + body) + "\n"


def accelerate_commands(config, num_processes: int = 2, config_path: str = "config.json") -> str:
    """Shell lines to run the same training on several GPUs: the exported script, or the app's own CLI."""
    if num_processes < 1:
        raise UserError("num_processes must be at least 1: use the number of GPUs")
    script = script_name(config)
    return "\n".join([
        "# the exported script, one process per GPU",
        f"accelerate launch --num_processes {num_processes} {script}",
        "# or the app's own training code, from the project folder (config.json comes with each run)",
        f"accelerate launch --num_processes {num_processes} train.py --config {config_path}",
    ])
