"""Tasks as plug-ins: each task is one module (core/tasks/) behind one registry (core/task_registry.py).

The rest of the app asks a task for what it can do; it never compares a task's name. A new task is its module, one
line in the registry, its strings and its tests (CONTRIBUTING.md, "Extension points").
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from core.messages import UserError
from core.results.export_forms import FORMS
from core.task_registry import DEFAULT_TASK, TASK_MODULES, TASK_NAMES, Task, get_task, task_of
from core.training.config import TrainConfig

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "core/task_registry.py"
# Where a task's name may still be written, and why: not a comparison, but what the text names.
NAMED_ELSEWHERE = {
    "core/model/heads.py": "transformers' head variants (AutoModelForCausalLM is 'causal_lm'): a head, not a task",
    "core/training/presets.py": "a preset says which task it starts (the preset registry: names, factory, task)",
}
HOOKS = ("check_model", "prepare_data", "load_model", "export_script", "model_card")  # no default: each task's own


def _task_modules() -> set[str]:
    return {module.replace(".", "/") + ".py" for module in TASK_MODULES.values()}


def test_a_task_is_named_only_by_its_module_and_the_registry():
    quoted = re.compile("[\"'](" + "|".join(map(re.escape, TASK_NAMES)) + ")[\"']")
    allowed = _task_modules() | {REGISTRY} | set(NAMED_ELSEWHERE)
    files = [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "app.py", ROOT / "train.py"]
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in files if path.relative_to(ROOT).as_posix() not in allowed
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if quoted.search(line)]
    assert not found, "ask the task for a capability (core.task_registry.task_of(config).…):\n" + "\n".join(found)


def test_every_registered_task_is_one_module_implementing_the_protocol():
    for name in TASK_NAMES:
        task = get_task(name)
        assert isinstance(task, Task) and task.name == name
        missing = [hook for hook in HOOKS if getattr(type(task), hook) is getattr(Task, hook)]
        assert not missing, f"{name} does not implement {missing}"
        assert "trainer" in task.export_forms and set(task.export_forms) <= set(FORMS)
        assert task.length_setting in TrainConfig.__dataclass_fields__
        assert task.lora_task_type  # peft needs one for LoRA adapters
        assert get_task(name) is task  # loaded once


def test_the_capabilities_are_those_of_each_task():
    classify, lm = TrainConfig(), TrainConfig(task=TASK_NAMES[1], text_column="text", label_column="")
    assert task_of(classify).name == DEFAULT_TASK == TASK_NAMES[0]
    assert task_of(classify).has_classes and not task_of(classify).writes_text and task_of(classify).estimates
    assert task_of(lm).writes_text and not task_of(lm).has_classes and task_of(lm).estimates
    assert task_of(classify).best_metric(classify) == ("eval_accuracy", False)
    assert task_of(lm).best_metric(lm) == ("eval_perplexity", True)
    assert task_of(lm.to_dict()) is task_of(lm) and task_of({}) is task_of(classify)  # a stored config.json too


def test_an_unknown_task_is_refused_naming_the_known_ones():
    with pytest.raises(UserError, match="task: 'summarise' is not one of classification, causal_lm"):
        get_task("summarise")
    with pytest.raises(UserError, match="task: 'summarise' is not one of"):
        TrainConfig(task="summarise")
    with pytest.raises(UserError, match="is not one of classification, causal_lm"):
        task_of({"task": ["a", "list"]})  # what a raw API client may send where a name is expected


@pytest.mark.parametrize(("settings", "words"), [
    ({"label_column": ""}, "label_column: must not be empty"),
    ({"text_pair_column": "text"}, "text_pair_column: same as text_column"),
    ({"task": TASK_NAMES[1], "text_pair_column": "title"}, "a causal language model reads one text"),
    ({"task": TASK_NAMES[1], "train_mode": "head"}, "trains a new classifier head"),
    ({"task": TASK_NAMES[1], "metric_for_best_model": "accuracy"}, "a causal LM is scored by its loss"),
])
def test_each_task_checks_its_own_settings_with_the_same_words(settings, words):
    with pytest.raises(UserError, match=re.escape(words)):
        TrainConfig(**settings)


def test_the_run_takes_its_trainer_arguments_and_callbacks_from_the_task(tiny_model_dir, isolated_settings,
                                                                          monkeypatch):
    """What SFT and DPO need: their own Trainer and arguments classes (TRL's) and what those take beyond the
    Trainer's, through the task alone."""
    from transformers import Trainer, TrainerCallback, TrainingArguments

    from core.runs.store import RunStore
    from core.training.trainer import run

    @dataclasses.dataclass
    class TaskArguments(TrainingArguments):  # as TRL's SFTConfig: the Trainer's arguments and the task's own
        beta: float = 0.1

    class TaskTrainer(Trainer):
        built = []

        def __init__(self, *args, ref_model=None, **kwargs):  # as TRL's DPOTrainer: a reference model
            super().__init__(*args, **kwargs)
            TaskTrainer.built.append((type(self.args), self.args.beta, ref_model))

    class Steps(TrainerCallback):
        steps = []

        def on_step_end(self, args, state, control, **kwargs):
            Steps.steps.append(state.global_step)

    task = get_task(DEFAULT_TASK)
    monkeypatch.setattr(task, "arguments_class", lambda: TaskArguments)
    monkeypatch.setattr(task, "trainer_class", lambda: TaskTrainer)
    monkeypatch.setattr(task, "argument_overrides", lambda config: {"beta": 0.5})
    monkeypatch.setattr(task, "trainer_kwargs", lambda config, model, data: {"ref_model": "the base"})
    monkeypatch.setattr(task, "callbacks", lambda config, recorder, write_samples: [Steps()])
    config = TrainConfig(model=str(tiny_model_dir), max_train_samples=32, max_eval_samples=16, max_length=32,
                         max_steps=2, batch_size=8, evaluate_before=False, eval_strategy="no", save_model=False)
    store = RunStore(isolated_settings.runs_dir)
    result = run(config, store.path(store.new_run(config.to_dict())))
    assert result["state"] == "done" and "eval_accuracy" in result["final"]  # the task's scores, as before
    assert TaskTrainer.built == [(TaskArguments, 0.5, "the base")] and Steps.steps == [1, 2]
