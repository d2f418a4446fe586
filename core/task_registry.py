"""The task registry: which tasks exist, the module of each, and the protocol a task implements.

A task (classification, causal LM; SFT and DPO next) is one module in core/tasks/ holding one `Task` object: its
checks, data, model, Trainer pieces, scores, exports and card. Everything else asks this registry for the task of a
config and then asks the task (`task_of(config).has_classes`), never compares task names.

The registry names each task's module and imports it on first use, as transformers' Auto classes map a model type
to its module: the tasks sit above the results layer (they use exports, cards, the Trainer run), while the code
that asks them (TrainConfig's checks, the model and training layers) sits below. Only names and the protocol live
here, so this module imports nothing of the app and every layer may ask it.
"""

from __future__ import annotations

import functools
import importlib

from core.messages import UserError

# name -> module holding its TASK; the first is the default. A new task adds one line here (CONTRIBUTING.md).
TASK_MODULES = {
    "classification": "core.tasks.classification",  # sort texts into classes
    "causal_lm": "core.tasks.causal_lm",  # learn to continue a text (GPT-style)
    "sft": "core.tasks.sft",  # teach a causal LM to chat: supervised fine-tuning on conversations (TRL)
    "dpo": "core.tasks.dpo",  # prefer the chosen answer of each pair (TRL's DPOTrainer)
}
TASK_NAMES = tuple(TASK_MODULES)
DEFAULT_TASK = TASK_NAMES[0]


class Task:
    """The protocol: what a task says about itself (capabilities) and what it does (hooks, given what they need).

    Capabilities are class attributes, read without loading a model. A task module imports what loads transformers
    or pandas inside its hooks, so asking a task what it can do (or checking a config) stays cheap. The defaults are
    those of a task without classes or text writing.
    """

    name: str = ""
    has_classes: bool = False  # one label per text: per-example results, confusion matrix, accuracy curves
    writes_text: bool = False  # it continues a prompt: samples while training, Try it, Watch it write
    estimates: bool = False  # the Before Start estimate and the timed step cover it (Step through: has_classes)
    length_setting: str = "max_length"  # the setting bounding an example's tokens, checked against the model
    trains_new_head: bool = False  # a new head is created and trained in full (LoRA also saves it)
    lora_task_type: str = ""  # peft's TaskType for its LoRA adapters
    export_forms: tuple[str, ...] = ("trainer",)  # the exported forms it can be written as
    compare_metric: str = "eval_loss"  # the eval curve runs of this task are compared on
    compares_pairs: bool = False  # preference pairs: its per-example view is each pair's margin before and after
    # its evaluation only scores (no samples, no answers), so runs of the same untrained model and rows share the
    # untrained model's (core.training.untrained)
    shares_untrained_eval: bool = False

    # ------------------------------------------------------------- settings
    def check(self, config) -> None:
        """Cross-setting checks of a config of this task (TrainConfig runs them): UserError naming the fix."""

    def check_access(self, config) -> None:
        """Checks before a run queues that read the model (its config only): UserError naming the fix."""

    def best_metric(self, config) -> tuple[str, bool]:
        """The eval metric a run's status calls best, and whether lower is better."""
        return "eval_loss", True

    def suggested_train_mode(self, model: str) -> str:
        """The train mode the form switches to for this model ("" to leave the visitor's choice)."""
        return ""

    # ------------------------------------------------------------- training (in the training process)
    def check_model(self, config, model_config, tokenizer) -> None:
        """The loaded model config fits the task and the length setting."""
        raise NotImplementedError

    def prepare_data(self, config, tokenizer):
        """core.training.prepare.PreparedData: tokenized train and eval sets, label names, collator."""
        raise NotImplementedError

    def load_model(self, config, data, tokenizer):
        """The model to train, before the train mode (core.model.trainable) is applied."""
        raise NotImplementedError

    def arguments_class(self):
        """The class of the Trainer's arguments (TRL's SFTConfig or DPOConfig for the chat tasks)."""
        from transformers import TrainingArguments  # slow import, deferred to first use

        return TrainingArguments

    def argument_overrides(self, config) -> dict:
        """Settings of its arguments class beyond TrainingArguments' (SFTConfig's loss masks, max_length, packing)."""
        return {}

    def trainer_class(self):
        """The Trainer class a run uses (TRL's SFTTrainer or DPOTrainer for the chat tasks)."""
        from transformers import Trainer  # slow import, deferred to first use

        return Trainer

    def trainer_kwargs(self, config, model, data) -> dict:
        """What its Trainer class takes beyond the Trainer's (DPOTrainer's ref_model)."""
        return {}

    def compute_metrics(self, config, data):
        """The Trainer's compute_metrics (None: the eval loss alone)."""
        return None

    def callbacks(self, config, recorder, write_samples) -> list:
        """Extra Trainer callbacks (before the metrics recorder's, so it sees what they add to the logs)."""
        return []

    def finish_metrics(self, metrics: dict) -> dict:
        """An evaluation's metrics as stored (the baseline, the final): derived scores added."""
        return metrics

    def diagnosis_report(self, records: list[dict], report: dict | None) -> dict | None:
        """What its findings read besides the loss curves, from a run's metrics records (DPO: its reward curves);
        by default the evaluation report (a classifier's confusion matrix)."""
        return report

    def findings(self, train, evals, config, report: dict | None, live: bool) -> list:
        """Its own diagnosis rules, after the shared ones (core.results.diagnosis): a finding or None each."""
        return []

    def finish_results(self, store, run_id: str, progress) -> None:
        """After the model is saved, in the training process: results the page shows, computed and kept in the run
        folder (a classifier's eval report and per-example results); progress(done, total) reports how far."""

    # ------------------------------------------------------------- results
    def export_script(self, config) -> str:
        """The Trainer script that reproduces a run (core.results.export_forms asks for it)."""
        raise NotImplementedError

    def model_card(self, store, run_id: str, config, repo_id: str) -> str:
        """The README.md of a run's model on the Hub."""
        raise NotImplementedError


def get_task(name: str) -> Task:
    """The task named `name`; an unknown name (or not a name: a raw API client's list) is refused naming the known
    ones."""
    if not isinstance(name, str) or name not in TASK_MODULES:
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name="task",
                        value=str(name)[:40], choices=", ".join(TASK_NAMES))
    return _load(name)


@functools.cache
def _load(name: str) -> Task:
    return importlib.import_module(TASK_MODULES[name]).TASK  # once: a module's TASK is one object for the process


def task_of(config) -> Task:
    """The task of a TrainConfig, or of a config dict (a stored config.json); no task: the default."""
    name = config.get("task") if isinstance(config, dict) else getattr(config, "task", None)
    return get_task(name or DEFAULT_TASK)
