"""TrainConfig: every training setting, typed, validated, with a one-line help each, saved as JSON.

Free of torch and transformers, so forms and the job manager import it cheaply.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core import sources
from core.data.source import DatasetSource
from core.messages import N_, UserError, check_known_fields
from core.model.causal_lm import RUN_PREFIX as RUN_MODEL_PREFIX
from core.model.trainable import TRAIN_MODES
from core.settings import Settings, get_settings
from core.task_registry import task_of
from core.training.fields import (BEST_MODEL_METRICS, CHAT_TEMPLATES, DPO_LOSS_TYPES, EVAL_STRATEGIES, LOSSES,
                                  MAX_PROMPT_CHARS, MAX_SAMPLE_PROMPTS, PADDINGS, PRECISIONS, TASKS, TRACKERS,
                                  TrainFields)
from core.training.config_json import check_depth, parse_config_json
from core.training.metrics import check_metric_names
from core.training.setting import settings_of

log = logging.getLogger(__name__)

RUN_NAME = re.compile(r"^[\w .-]{0,64}$")  # also what exported scripts and folder names may show
TRACKER_PACKAGES = {"trackio": ("trackio",), "tensorboard": ("tensorboard", "tensorboardX")}
SETTINGS = settings_of(TrainFields)  # field name -> its Setting: bounds, choices, labels (core.training.fields)


@dataclass
class TrainConfig(TrainFields):
    """One fine-tuning run; the fields and their bounds are declared in core.training.fields, and impossible
    values raise UserError naming the fix."""

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
        if not isinstance(self.dataset, DatasetSource):  # JSON gives a dict: refused unless it is a source
            self.dataset = DatasetSource.from_dict(self.dataset)
        self.metrics = check_metric_names(self.metrics)
        self.lora_target_modules = _layer_names(self.lora_target_modules)
        self.sample_prompts = _prompts(self.sample_prompts)
        if not RUN_NAME.fullmatch(self.run_name):
            raise UserError("run_name: {value!r} - use letters, digits, spaces, '.', '-' or '_' (at most 64), e.g. "
                            "quick-demo", value=self.run_name[:80])

    def _check_ranges(self) -> None:
        """Every bounded setting against its declared bounds (core.training.fields), the same the form offers."""
        if self.max_steps == 0 or self.max_steps < -1:
            raise UserError("max_steps: {value} is not allowed - use -1 to train by epochs, or a positive number of steps",
                            value=self.max_steps)
        for name, spec in SETTINGS.items():
            if spec.bounded and not (spec.low_open or spec.high_open):
                _between(name, getattr(self, name), spec.low, spec.high, spec.hint)
        if self.max_steps == -1 and self.num_train_epochs <= 0:
            raise UserError("num_train_epochs: 0 epochs with max_steps -1 trains nothing - "
                            "set num_train_epochs above 0 (e.g. 1) or max_steps to a positive number")
        rate, warmup = SETTINGS["learning_rate"], SETTINGS["warmup_ratio"]  # open intervals: their own words
        if not rate.low < self.learning_rate <= rate.high:
            raise UserError("learning_rate: {value:g} is outside (0, 0.1] - fine-tuning uses about 1e-5 to 1e-4, e.g. 5e-5",
                            value=self.learning_rate)
        if not warmup.low <= self.warmup_ratio < warmup.high:
            raise UserError("warmup_ratio: {value:g} must be in [0, 1) - e.g. 0.0 or 0.1", value=self.warmup_ratio)
        beta = SETTINGS["beta"]
        if not beta.low < self.beta <= beta.high:
            raise UserError("beta: {value:g} is outside (0, {high:g}] - DPO's beta scales the implicit reward "
                            "(above 0, as TRL needs); TRL's default is 0.1, 0.01 to 0.5 is usual", value=self.beta,
                            high=beta.high)

    def _check_choices(self) -> None:
        _choice("padding", self.padding, PADDINGS)
        _choice("eval_strategy", self.eval_strategy, EVAL_STRATEGIES)
        _choice("precision", self.precision, PRECISIONS)
        _choice("train_mode", self.train_mode, TRAIN_MODES)
        _choice("task", self.task, TASKS)
        _choice("sft_loss", self.sft_loss, LOSSES)
        _choice("chat_template", self.chat_template, CHAT_TEMPLATES)
        _choice("loss_type", self.loss_type, DPO_LOSS_TYPES)
        if bool(self.only_column) != bool(self.only_value):
            raise UserError("only_column and only_value go together - set both (e.g. domain and hotels) or neither")
        task_of(self).check(self)  # the task's own checks (core/tasks/): columns, train modes, scores
        self._check_best_model()
        if self.eval_split and self.eval_split == self.train_split:
            raise UserError("eval_split: {split!r} is also the train split, so scores would be measured on training rows "
                            "- choose another split or leave it empty to carve one", split=self.eval_split)

    def _check_best_model(self) -> None:
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
    def from_json(cls, config) -> "TrainConfig":
        """The one reader of a config from outside (the API, the form, a file): JSON text, or an object an API
        client sent already parsed. Bad JSON, a huge or deeply nested text, anything but an object of known fields
        and impossible values are refused, each with one message naming the fix."""
        if isinstance(config, (str, bytes)):
            config = parse_config_json(config)
        else:
            check_depth(config)
        return cls.from_dict(config)

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
        self.dataset.check_access(owner)
        if self.model.startswith(RUN_MODEL_PREFIX):
            self._check_run_model(owner)
        else:
            sources.resolve_model(self.model)
        task_of(self).check_access(self)  # what the task reads of the model: its head, its train mode, its length
        if settings.public and self.trust_remote_code and self.model not in settings.trusted_remote_code:
            raise UserError("trust_remote_code: this server runs no code from model repositories (only the owner's "
                            "TRUSTED_REMOTE_CODE list may) - turn it off, or run the app on your own machine")

    def _check_run_model(self, owner: str) -> None:
        """model "run:<id>": continue from a run's saved model, which only the run's owner may do."""
        from core.ownership import may_change  # who may use a run: only for run: models
        from core.runs.store import get_store

        store, run_id = get_store(), self.model[len(RUN_MODEL_PREFIX):]
        try:
            known = store.exists(run_id) and may_change(store.read_status(run_id).get("owner", ""), owner)
        except ValueError:  # not a run id at all: the same answer as for someone else's run
            known = False
        if not known:
            raise UserError("model: run {run!r} was not found among your runs - pick one of your finished runs",
                            run=run_id[:80])

    @classmethod
    def load(cls, path) -> "TrainConfig":
        """A config file (the command line's --config)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise UserError("{path} is not a readable TrainConfig JSON file ({error}): check the path",
                            path=path, error=err) from err
        return cls.from_json(text)

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
