"""TrainConfig: every training setting, typed, validated, with a one-line help each, saved as JSON.

Free of torch and transformers, so forms and the job manager import it cheaply.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from core import sources
from core.data.source import SAMPLE, DatasetSource
from core.messages import N_, UserError, check_known_fields
from core.model.causal_lm import RUN_PREFIX as RUN_MODEL_PREFIX
from core.model.trainable import TRAIN_MODES
from core.settings import Settings, get_settings
from core.tokenizer.call_settings import MAX_LENGTH_LIMIT
from core.training.metrics import METRICS, check_metric_names

log = logging.getLogger(__name__)

PADDINGS = ("dynamic", "max_length")
RUN_NAME = re.compile(r"^[\w .-]{0,64}$")  # also what exported scripts and folder names may show
EVAL_STRATEGIES = ("epoch", "steps", "no")
PRECISIONS = ("auto", "fp32", "fp16", "bf16")
BEST_MODEL_METRICS = ("loss", *METRICS)  # what "best" may mean: the lowest eval loss or the highest score
TRACKERS = ("none", "trackio", "tensorboard")  # report_to: where the Trainer also sends its logs
TRACKER_PACKAGES = {"trackio": ("trackio",), "tensorboard": ("tensorboard", "tensorboardX")}
TASKS = ("classification", "causal_lm")  # sort texts into classes, or learn to continue a text (GPT-style)
MAX_SAMPLE_PROMPTS, MAX_PROMPT_CHARS = 4, 200  # the fixed prompts a causal LM run writes from at each evaluation


def _f(default, help_text: str, **kw):
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help_text}, **kw)
    return field(default=default, metadata={"help": help_text}, **kw)


@dataclass
class TrainConfig:
    """One fine-tuning run of a sequence classifier; impossible values raise ValueError naming the fix."""

    run_name: str = _f("", "A name for the run; it starts the run folder's name (empty: 'run').")
    model: str = _f(sources.EMBEDDED_MODEL, "Model to fine-tune: the embedded MiniLM, a Hub id or a local folder.")
    dataset: dict = _f(asdict(SAMPLE), "Where the data comes from (a core.data.DatasetSource as a dict).")
    train_split: str = _f("train", "Split the model learns from.")
    eval_split: str = _f("test", "Split used to measure the model; empty: carve eval_fraction out of train.")
    eval_fraction: float = _f(0.2, "Share of train held out for evaluation when eval_split is empty.")
    text_column: str = _f("text", "Column holding the text to classify.")
    text_pair_column: str = _f("", "Second text column for sentence-pair tasks (empty: single text).")
    label_column: str = _f("label", "Column holding the class (names or ids).")
    num_labels: int = _f(0, "Number of classes; 0 reads it from the data (ClassLabel, names or largest id + 1).")
    max_train_samples: int = _f(1000, "Train on a random subset of this many rows (0 = all rows).")
    max_eval_samples: int = _f(500, "Evaluate on a random subset of this many rows (0 = all rows).")
    max_length: int = _f(128, "Longest input in tokens; longer texts are truncated.")
    padding: str = _f("dynamic", "dynamic: pad each batch to its longest text; max_length: pad all to max_length.")
    group_by_length: bool = _f(True, "Batch texts of similar length together: less padding, about 2x faster on CPU.")
    num_train_epochs: float = _f(1.0, "Passes over the training rows.")
    max_steps: int = _f(-1, "Stop after this many optimizer steps; -1 trains for num_train_epochs.")
    learning_rate: float = _f(5e-5, "Step size of AdamW; fine-tuning uses about 1e-5 to 1e-4.")
    batch_size: int = _f(16, "Training rows per device per step.")
    eval_batch_size: int = _f(32, "Evaluation rows per device per step.")
    gradient_accumulation_steps: int = _f(1, "Sum gradients of this many batches per step (bigger batch, same memory).")
    weight_decay: float = _f(0.0, "AdamW weight decay, a mild regulariser (e.g. 0.01).")
    warmup_ratio: float = _f(0.0, "Share of the steps over which the learning rate ramps up from 0.")
    eval_strategy: str = _f("epoch", "Evaluate while training: every epoch, every eval_steps, or no (end only).")
    eval_steps: int = _f(50, "Steps between evaluations (and checkpoints) when eval_strategy is steps.")
    logging_steps: int = _f(5, "Steps between two logged points of the loss curve.")
    seed: int = _f(42, "Random seed for shuffling, subsets and the new classifier head.")
    metrics: list = _f(list(METRICS), "Scores computed at each evaluation: accuracy, f1, precision, recall.")
    precision: str = _f("auto", "Number format: auto (bf16/fp16 on a GPU, fp32 on CPU), fp32, fp16 or bf16.")
    evaluate_before: bool = _f(True, "Evaluate the untrained model first, for a before/after comparison.")
    save_model: bool = _f(True, "Save the final model and tokenizer into the run folder's model/.")
    trust_remote_code: bool = _f(False, "Run code shipped with a Hub model; only for models you trust.")
    early_stopping_patience: int = _f(0, "Stop when metric_for_best_model has not improved for this many evaluations "
                                         "(0 = off).")
    load_best_model_at_end: bool = _f(False, "Keep the checkpoint with the best metric_for_best_model as the run's "
                                             "model, not the last one.")
    metric_for_best_model: str = _f("loss", "What 'best' means: the lowest eval loss, or the highest accuracy, f1, "
                                            "precision or recall.")
    report_to: str = _f("none", "Also log to trackio or TensorBoard (when installed), into the run folder; none: the "
                                "app's charts only.")
    train_mode: str = _f("full", "What trains: full (all weights), head (new classifier only), last_n_layers (top "
                                 "blocks + head), lora (peft).")
    train_last_layers: int = _f(2, "With last_n_layers: how many of the top transformer blocks train with the head.")
    lora_r: int = _f(8, "LoRA rank: width of the low-rank update per layer (4-16 is typical; more learns more).")
    lora_alpha: int = _f(16, "LoRA scale: the update is multiplied by lora_alpha / lora_r (often twice lora_r).")
    lora_dropout: float = _f(0.1, "LoRA dropout: share of the adapter's inputs dropped while training (0 to 0.5).")
    lora_target_modules: list = _f([], "Layers LoRA adapts, by name (e.g. query, value); empty: the model's default.")
    task: str = _f("classification", "classification: sort texts into classes; causal_lm: learn to continue texts "
                                     "(GPT-style), measured by perplexity.")
    block_size: int = _f(128, "causal_lm: tokens per training example (the context the model learns from).")
    packing: bool = _f(True, "causal_lm: concatenate texts and cut them into full block_size chunks (no padding); "
                             "off: one text per row, padded.")
    only_column: str = _f("", "Keep only rows whose only_column equals only_value (e.g. domain = hotels); empty: all.")
    only_value: str = _f("", "The value only_column must have for a row to be kept.")
    sample_prompts: list = _f([], "causal_lm: prompts the model writes from at each evaluation (empty: a few "
                                  "defaults).")

    def __post_init__(self) -> None:
        self._coerce_types()
        self._check_ranges()
        self._check_choices()

    # ------------------------------------------------------------- validation

    def _coerce_types(self) -> None:
        """JSON and UI widgets hand over 16.0 for 16 or "true" for True: accept those, refuse the rest."""
        for f in fields(self):
            value, kind = getattr(self, f.name), f.type
            if kind == "bool":
                setattr(self, f.name, _to_bool(f.name, value))
            elif kind == "int":
                setattr(self, f.name, _to_int(f.name, value))
            elif kind == "float":
                setattr(self, f.name, _to_float(f.name, value))
            elif kind == "str":
                if value is None:
                    value = ""
                if not isinstance(value, str):
                    raise UserError("{name}: expected text, got {value!r}", name=f.name, value=value)
                setattr(self, f.name, value.strip())
        self.dataset = DatasetSource.from_dict(self.dataset).to_dict()  # refuses what is not a source, naming the fix
        self.metrics = check_metric_names(self.metrics)
        self.lora_target_modules = _layer_names(self.lora_target_modules)
        self.sample_prompts = _prompts(self.sample_prompts)
        if not RUN_NAME.fullmatch(self.run_name):
            raise UserError("run_name: {value!r} - use letters, digits, spaces, '.', '-' or '_' (at most 64), e.g. "
                            "quick-demo", value=self.run_name[:80])

    def _check_ranges(self) -> None:
        _between("eval_fraction", self.eval_fraction, 0.01, 0.5, N_("e.g. 0.2 keeps a fifth of train for evaluation"))
        _between("num_labels", self.num_labels, 0, 100_000, N_("use 0 to read it from the data"))
        _between("max_train_samples", self.max_train_samples, 0, 100_000_000, N_("use 0 for all rows, e.g. 1000"))
        _between("max_eval_samples", self.max_eval_samples, 0, 100_000_000, N_("use 0 for all rows, e.g. 500"))
        _between("max_length", self.max_length, 8, MAX_LENGTH_LIMIT, N_("e.g. 128 (most models take at most 512)"))
        _between("num_train_epochs", self.num_train_epochs, 0, 1000, N_("e.g. 1 to 5"))
        if self.max_steps == 0 or self.max_steps < -1:
            raise UserError("max_steps: {value} is not allowed - use -1 to train by epochs, or a positive number of steps",
                            value=self.max_steps)
        _between("max_steps", self.max_steps, -1, 10_000_000, N_("use -1 to train by epochs"))
        if self.max_steps == -1 and self.num_train_epochs <= 0:
            raise UserError("num_train_epochs: 0 epochs with max_steps -1 trains nothing - "
                            "set num_train_epochs above 0 (e.g. 1) or max_steps to a positive number")
        if not 0 < self.learning_rate <= 0.1:
            raise UserError("learning_rate: {value:g} is outside (0, 0.1] - fine-tuning uses about 1e-5 to 1e-4, e.g. 5e-5",
                            value=self.learning_rate)
        _between("batch_size", self.batch_size, 1, 4096, N_("e.g. 8, 16 or 32; lower it if memory runs out"))
        _between("eval_batch_size", self.eval_batch_size, 1, 8192, N_("e.g. 32"))
        _between("gradient_accumulation_steps", self.gradient_accumulation_steps, 1, 1024, N_("e.g. 1, 2 or 4"))
        _between("weight_decay", self.weight_decay, 0.0, 1.0, N_("e.g. 0.0 or 0.01"))
        if not 0 <= self.warmup_ratio < 1:
            raise UserError("warmup_ratio: {value:g} must be in [0, 1) - e.g. 0.0 or 0.1", value=self.warmup_ratio)
        _between("eval_steps", self.eval_steps, 1, 1_000_000, N_("e.g. 50"))
        _between("logging_steps", self.logging_steps, 1, 100_000, N_("e.g. 5 or 10 for a smooth live curve"))
        _between("seed", self.seed, 0, 2**32 - 1, N_("e.g. 42"))
        _between("train_last_layers", self.train_last_layers, 1, 1000, N_("e.g. 2: the top two blocks train"))
        _between("lora_r", self.lora_r, 1, 1024, N_("e.g. 8"))
        _between("lora_alpha", self.lora_alpha, 1, 100_000, N_("e.g. 16, twice lora_r"))
        _between("lora_dropout", self.lora_dropout, 0.0, 0.9, N_("e.g. 0.1"))
        _between("block_size", self.block_size, 8, MAX_LENGTH_LIMIT, N_("e.g. 128 (at most the model's positions)"))

    def _check_choices(self) -> None:
        _choice("padding", self.padding, PADDINGS)
        _choice("eval_strategy", self.eval_strategy, EVAL_STRATEGIES)
        _choice("precision", self.precision, PRECISIONS)
        _choice("train_mode", self.train_mode, TRAIN_MODES)
        _choice("task", self.task, TASKS)
        if bool(self.only_column) != bool(self.only_value):
            raise UserError("only_column and only_value go together - set both (e.g. domain and hotels) or neither")
        if self.task == "causal_lm":
            self._check_causal_lm()
            return
        for name in ("train_split", "text_column", "label_column"):
            if not getattr(self, name):
                raise UserError("{name}: must not be empty - e.g. {example!r}", name=name,
                                example=TrainConfig.__dataclass_fields__[name].default)
        if self.text_pair_column and self.text_pair_column == self.text_column:
            raise UserError("text_pair_column: same as text_column - choose the second text column or leave it empty")
        if self.label_column in (self.text_column, self.text_pair_column):
            raise UserError("label_column: same as a text column - choose the column holding the classes")
        self._check_best_model()
        if self.eval_split and self.eval_split == self.train_split:
            raise UserError("eval_split: {split!r} is also the train split, so scores would be measured on training rows "
                            "- choose another split or leave it empty to carve one", split=self.eval_split)

    def _check_causal_lm(self) -> None:
        """A causal LM learns from text alone: no labels, no pair, loss and perplexity as its only scores."""
        for name in ("train_split", "text_column"):
            if not getattr(self, name):
                raise UserError("{name}: must not be empty - e.g. {example!r}", name=name,
                                example=TrainConfig.__dataclass_fields__[name].default)
        if self.text_pair_column:
            raise UserError("text_pair_column: a causal language model reads one text - leave text_pair_column empty")
        if self.train_mode in ("head", "last_n_layers"):
            raise UserError("train_mode: {mode} trains a new classifier head, which a causal LM has not - choose full "
                            "or lora", mode=self.train_mode)
        if self.metric_for_best_model != "loss":
            raise UserError("metric_for_best_model: a causal LM is scored by its loss (perplexity = exp(loss)) - "
                            "choose loss")
        self._check_best_model()
        if self.eval_split and self.eval_split == self.train_split:
            raise UserError("eval_split: {split!r} is also the train split, so scores would be measured on training rows "
                            "- choose another split or leave it empty to carve one", split=self.eval_split)

    def _check_best_model(self) -> None:
        _between("early_stopping_patience", self.early_stopping_patience, 0, 1000, N_("e.g. 2; 0 turns it off"))
        _choice("metric_for_best_model", self.metric_for_best_model, BEST_MODEL_METRICS)
        _choice("report_to", self.report_to, TRACKERS)
        if self.metric_for_best_model != "loss" and self.metric_for_best_model not in self.metrics:
            raise UserError("metric_for_best_model: {metric} is not computed - add it to metrics or choose loss",
                            metric=self.metric_for_best_model)
        wanted = "early_stopping_patience" if self.early_stopping_patience else \
            "load_best_model_at_end" if self.load_best_model_at_end else ""
        if wanted and self.eval_strategy == "no":
            raise UserError("{name}: needs evaluations during training - set eval_strategy to epoch or steps",
                            name=wanted)

    def check_tools(self) -> None:
        """What this machine can run: report_to names a package that must be installed here."""
        packages = TRACKER_PACKAGES.get(self.report_to, ())
        if packages and not any(importlib.util.find_spec(p) for p in packages):
            raise UserError("report_to: {tool} is not installed on this server - choose none (the app's own charts), "
                            "or install it: pip install {package}", tool=self.report_to, package=packages[0])

    def check_limits(self, settings: Settings | None = None) -> None:
        """The server's guardrails (core.settings) and the tools it has: ValueError naming the limit and the fix."""
        settings = settings or get_settings()
        self.check_tools()
        if not settings.training_enabled:
            raise UserError("Training is turned off on this server (TRAINING_ENABLED=0): "
                            "run the app on your own machine to train")
        cap = settings.max_train_samples
        if cap > 0 and self.max_train_samples > cap:  # 0, all rows, takes the cap's worth (Settings.train_rows)
            raise UserError("max_train_samples: this server allows at most {cap} training rows "
                            "(MAX_TRAIN_SAMPLES) - set max_train_samples to {cap} or less", cap=cap)
        steps = self.planned_steps(self.max_train_samples)
        if settings.max_steps > 0 and steps is not None and steps > settings.max_steps:
            raise UserError("max_steps: this run would take {steps} steps but this server allows at most {cap} "
                            "(MAX_STEPS) - set max_steps to {cap} or less, or lower num_train_epochs / max_train_samples",
                            steps=steps, cap=settings.max_steps)

    def planned_steps(self, train_rows: int, processes: int = 1) -> int | None:
        """Optimizer steps for train_rows rows, counted as the Trainer counts them: a step takes batch_size rows on
        each of `processes` processes, gradient_accumulation_steps times, so the global batch is their product
        (None when unknown: all rows of an unread set)."""
        if self.max_steps > 0:
            return self.max_steps
        if train_rows <= 0:
            return None
        batches = math.ceil(train_rows / (self.batch_size * max(processes, 1)))  # per process
        per_epoch = max(math.ceil(batches / self.gradient_accumulation_steps), 1)
        return math.ceil(per_epoch * self.num_train_epochs)

    # ------------------------------------------------------------- I/O

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> "TrainConfig":
        """Build from a JSON object; a key this version does not know is refused, naming the closest field."""
        if not isinstance(data, dict):
            raise UserError("The config must be a JSON object of TrainConfig fields such as {example}, not {kind}",
                            example='{"learning_rate": 5e-5}', kind=type(data).__name__)
        check_known_fields(data, cls.__dataclass_fields__, N_("config"))
        return cls(**data)

    @classmethod
    def from_stored(cls, data: dict) -> "TrainConfig":
        """A run folder's config.json: keys an older or newer version wrote are dropped with a warning."""
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            log.warning("config.json: ignored settings this version does not know: %s", ", ".join(unknown))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def check_access(self, owner: str, settings: Settings | None = None) -> None:
        """What this visitor may use: their own uploads; on a public server no server paths and no remote code.

        The model is resolved now (a name, a folder check, the local cache), so a run that could not load it is
        refused before it queues, with the same words a public visitor gets for any unknown Hub id.
        """
        settings = settings or get_settings()
        DatasetSource.from_dict(self.dataset).check_access(owner)
        if self.model.startswith(RUN_MODEL_PREFIX):
            self._check_run_model(owner)
        else:
            sources.resolve_model(self.model)
        if self.task == "causal_lm" and not self.trust_remote_code:  # remote code: the run itself will say
            from core.model.causal_lm import check_model_writes  # imports transformers: only for LM runs

            check_model_writes(self.model, self.block_size)  # an encoder, or too short a context: refused now
        if settings.public and self.trust_remote_code and self.model not in settings.trusted_remote_code:
            raise UserError("trust_remote_code: this server runs no code from model repositories (only the owner's "
                            "TRUSTED_REMOTE_CODE list may) - turn it off, or run the app on your own machine")
        if self.train_mode != "full" and not self.trust_remote_code and self.task == "classification":
            # remote code, or a causal LM's LoRA layers (checked on its model when the run loads it): the run will say
            from core.model.estimate import check_train_mode  # imports torch and transformers: only when needed

            check_train_mode(self)  # too many layers, unknown LoRA layers: refused before the run queues

    def _check_run_model(self, owner: str) -> None:
        """model "run:<id>": continue from a run's saved model, which only the run's owner may do."""
        from core.ownership import may_change  # who may use a run: only for run: models
        from core.runs.store import RunStore

        store, run_id = RunStore(get_settings().runs_dir), self.model[len(RUN_MODEL_PREFIX):]
        try:
            known = store.exists(run_id) and may_change(store.read_status(run_id).get("owner", ""), owner)
        except ValueError:  # not a run id at all: the same answer as for someone else's run
            known = False
        if not known:
            raise UserError("model: run {run!r} was not found among your runs - pick one of your finished runs",
                            run=run_id[:80])

    def save(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path) -> "TrainConfig":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise UserError("{path} is not a readable TrainConfig JSON file ({error}): check the path",
                            path=path, error=err) from err
        if not isinstance(data, dict):
            raise UserError("{path} holds {kind}, not a JSON object of TrainConfig fields", path=path,
                            kind=type(data).__name__)
        return cls.from_dict(data)

    @classmethod
    def field_help(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in fields(cls)}


# ----------------------------------------------------------------- helpers

def _to_bool(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false", "1", "0", "yes", "no"}:
        return value.strip().lower() in {"true", "1", "yes"}
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise UserError("{name}: expected true or false, got {value!r}", name=name, value=value)


def _to_float(name: str, value) -> float:
    if isinstance(value, bool):
        raise UserError("{name}: expected a number, got {value!r}", name=name, value=value)
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise UserError("{name}: expected a number, got {value!r}", name=name, value=value) from err
    if not math.isfinite(number):
        raise UserError("{name}: expected a finite number, got {value!r}", name=name, value=value)
    return number


def _to_int(name: str, value) -> int:
    number = _to_float(name, value)
    if number != int(number):
        raise UserError("{name}: expected a whole number, got {value!r}", name=name, value=value)
    return int(number)


def _between(name: str, value, low, high, hint: str) -> None:
    if not low <= value <= high:
        raise UserError("{name}: {value} is outside [{low}, {high}] - {hint}", name=name, value=_number(value),
                        low=_number(low), high=_number(high), hint=hint)


def _number(value) -> str:
    """Whole numbers in full (4294967295, not 4.29497e+09), others short (5e-05)."""
    return str(int(value)) if float(value) == int(value) else f"{value:g}"


LAYER_NAME = re.compile(r"^[A-Za-z_][\w.]{0,99}$", re.ASCII)


def _layer_names(value) -> list[str]:
    """lora_target_modules: a list of layer names, or one text of them separated by commas (a form's textbox)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or len(value) > 32 or not all(
            isinstance(v, str) and LAYER_NAME.fullmatch(v.strip()) for v in value):
        raise UserError("lora_target_modules: {value} - name layers with letters, digits, '_' and '.', e.g. "
                        "[\"query\", \"value\"], or leave it empty for the model's default", value=repr(value)[:120])
    return list(dict.fromkeys(v.strip() for v in value))


def _prompts(value) -> list[str]:
    """sample_prompts: a list of short texts, or one text of them separated by '|' (a form's textbox)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part.strip() for part in value.split("|") if part.strip()]
    if not isinstance(value, (list, tuple)) or len(value) > MAX_SAMPLE_PROMPTS or not all(
            isinstance(v, str) and 0 < len(v.strip()) <= MAX_PROMPT_CHARS for v in value):
        raise UserError("sample_prompts: {value} - give at most {count} prompts of 1 to {chars} characters, e.g. "
                        "[\"The hotel\", \"The food\"]", value=repr(value)[:120], count=MAX_SAMPLE_PROMPTS,
                        chars=MAX_PROMPT_CHARS)
    return [v.strip() for v in value]


def _choice(name: str, value: str, choices) -> None:
    if value not in choices:
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name=name, value=value,
                        choices=", ".join(choices))
