"""Supervised fine-tuning (SFT) of a chat model with TRL's SFTTrainer, and its answers to held-out conversations.

The standalone core of the `sft` task (issue 23): the task registry wires it in (data, form, recorder, export).
The loss choice maps to SFTConfig as core.tokenizer.chat_masks shows it token by token:
- `all`: `messages` rows, every token trained;
- `completion_only`: prompt / completion rows (the turns before the last answer / the last answer),
  `completion_only_loss=True`;
- `assistant_only`: `messages` rows, `assistant_only_loss=True` (every assistant turn, through its end-of-turn token).
Answers are scored on what a learner can see: does the answer stop at the end-of-turn token, and is it the known one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from core.data.conversations import to_messages
from core.messages import UserError
from core.model.trainable import default_lora_targets
from core.settings import get_settings
from core.tokenizer.chat_masks import LOSSES
from core.training.chat_answers import MAX_NEW_TOKENS, answer_turns, prompts_and_answers, score_answers  # noqa: F401
from core.training.sft_checks import conversations_of

log = logging.getLogger(__name__)


@dataclass
class SFTSettings:
    """What a short SFT run needs; validated on creation."""

    loss: str = "assistant_only"     # which tokens train: all, completion_only, assistant_only
    max_length: int = 256            # tokens kept per conversation (keep_start); the tiny GPT has 256 positions
    packing: bool = False            # several conversations per row (fewer pad tokens) or one per row
    max_steps: int = 60
    batch_size: int = 8
    learning_rate: float = 1e-3      # a from-scratch tiny GPT; a pretrained model wants about 1e-5 to 1e-4
    lora_r: int = 0                  # 0: every weight trains; else LoRA adapters of this rank (alpha 2r)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise UserError("loss: {value!r} is unknown - use one of {choices}", value=str(self.loss)[:40],
                            choices=", ".join(LOSSES))
        for name, low, high in (("max_length", 16, 4096), ("max_steps", 1, 100_000), ("batch_size", 1, 512),
                                ("lora_r", 0, 256)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise UserError("{name}: {value!r} is out of range - use {low}..{high}", name=name, value=value,
                                low=low, high=high)
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 0.1:
            raise UserError("learning_rate: {value!r} is out of range - use a number in (0, 0.1], e.g. 1e-3 for the "
                            "tiny GPT and 5e-5 for a pretrained model", value=rate)


def sft_dataset(conversations, loss: str):
    """A `messages` dataset in the shape SFTTrainer reads for this loss (prompt / completion for completion_only)."""
    from datasets import Dataset  # slow import, deferred to first use

    rows = list(conversations["messages"])
    if loss == "completion_only":
        return Dataset.from_dict({"prompt": [turns[:-1] for turns in rows], "completion": [turns[-1:] for turns in rows]})
    return Dataset.from_dict({"messages": rows})


def select_conversations(config) -> tuple:
    """A run's (train, eval) as `messages` datasets: the dataset's conversational format converted (a malformed row
    is named), only_column applied, eval carved out of train when there is no eval split, both capped by
    max_*_samples."""
    from core.training.prepare import keep_only  # loads pandas: only when a run prepares its data

    train, eval_set = raw_conversations(config)
    train = _cap(keep_only(train, config, config.train_split), get_settings().train_rows(config.max_train_samples),
                 config.seed)
    eval_set = _cap(keep_only(eval_set, config, config.eval_split or config.train_split), config.max_eval_samples,
                    config.seed)
    return to_messages(train), to_messages(eval_set)


TASK_COLUMN = "task"  # data/chat's kind of question (sentiment, domain, summary, identity): scores per kind


def held_out(config, limit: int) -> tuple[list[list[dict]], list[str]]:
    """The first `limit` conversations of the run's eval set (as select_conversations picks it), as turns, and the
    kind of each (its `task` column, as data/chat has; "" without one)."""
    from core.training.prepare import keep_only  # loads pandas: only when a run prepares its data

    eval_set = keep_only(raw_conversations(config)[1], config, config.eval_split or config.train_split)
    eval_set = _cap(eval_set, config.max_eval_samples, config.seed)
    turns = list(to_messages(eval_set, limit=limit)["messages"])
    kinds = eval_set[TASK_COLUMN][:len(turns)] if TASK_COLUMN in eval_set.column_names else [""] * len(turns)
    return turns, [str(kind) for kind in kinds]


def raw_conversations(config) -> tuple:
    """The (train, eval) rows as stored, in a conversational format (sft_checks.conversations_of names the fix)."""
    from core.data.loading import load_source  # reads the data: only when a run prepares it

    dsd = load_source(config.dataset)
    for field, split in (("train_split", config.train_split), ("eval_split", config.eval_split)):
        if split and split not in dsd:
            raise UserError("{field}: split {split!r} not found - choose one of {choices}", field=field, split=split,
                            choices=", ".join(dsd))
    train = conversations_of(dsd[config.train_split], config.text_column)
    if config.eval_split:
        return train, conversations_of(dsd[config.eval_split], config.text_column)
    parts = train.train_test_split(test_size=config.eval_fraction, seed=config.seed)
    return parts["train"], parts["test"]


def _cap(dataset, limit: int, seed: int):
    return dataset.shuffle(seed=seed).select(range(limit)) if limit and len(dataset) > limit else dataset


def sft_arguments(settings: SFTSettings, output_dir: Path):
    """The SFTConfig of a run: a GPU where there is one (bf16 where it has it), else the CPU; no hub, no tracker,
    no checkpoints."""
    import torch  # slow import, deferred to first use
    from trl import SFTConfig

    gpu = torch.cuda.is_available()
    return SFTConfig(
        use_cpu=not gpu, bf16=gpu and torch.cuda.is_bf16_supported(),  # TRL defaults to bf16, which a CPU lacks
        output_dir=str(output_dir), max_steps=settings.max_steps, per_device_train_batch_size=settings.batch_size,
        learning_rate=settings.learning_rate, lr_scheduler_type="linear", warmup_steps=0.1, seed=settings.seed,
        max_length=settings.max_length, packing=settings.packing, packing_strategy="wrapped",
        assistant_only_loss=settings.loss == "assistant_only",
        completion_only_loss=settings.loss == "completion_only", report_to="none", save_strategy="no",
        logging_steps=10, disable_tqdm=True, dataset_num_proc=None)


def build_sft_trainer(model_dir: str | Path, train, output_dir: str | Path, settings: SFTSettings):
    """TRL's SFTTrainer for the chat model in model_dir and `train` (a messages dataset), prepared as settings say."""
    from transformers import AutoModelForCausalLM, AutoTokenizer  # slow import, deferred to first use
    from trl import SFTTrainer

    tok = AutoTokenizer.from_pretrained(str(model_dir))
    if not tok.chat_template:
        raise UserError("{model} has no chat template, so SFT cannot lay out its conversations - choose a chat "
                        "model (e.g. the tiny GPT, which has ChatML) or add a template", model=str(model_dir)[-80:])
    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    return SFTTrainer(model=model, args=sft_arguments(settings, Path(output_dir)),
                      train_dataset=sft_dataset(train, settings.loss), processing_class=tok,
                      peft_config=_lora(model, settings.lora_r))


def run_sft(model_dir: str | Path, train, output_dir: str | Path, settings: SFTSettings | None = None) -> dict:
    """Fine-tune the chat model in model_dir on `train` (a messages dataset) and save it (or its LoRA adapter) in
    output_dir. Returns {"train_loss", "steps", "mean_token_accuracy", "settings", "model" (the trained model)}."""
    settings = settings or SFTSettings()
    trainer = build_sft_trainer(model_dir, train, output_dir, settings)
    result = trainer.train()
    trainer.save_model(str(output_dir))
    trainer.processing_class.save_pretrained(str(output_dir))
    accuracy = [entry["mean_token_accuracy"] for entry in trainer.state.log_history if "mean_token_accuracy" in entry]
    log.info("SFT %s: %d steps, loss %.3f", settings.loss, result.global_step, result.training_loss)
    return {"train_loss": result.training_loss, "steps": result.global_step,
            "mean_token_accuracy": accuracy[-1] if accuracy else None, "settings": asdict(settings),
            "model": trainer.model}


def _lora(model, rank: int):
    """LoRA adapters on the architecture's usual layers (core.model.trainable), or None to train every weight."""
    if not rank:
        return None
    from peft import LoraConfig  # slow import (peft), deferred to first use

    return LoraConfig(task_type="CAUSAL_LM", r=rank, lora_alpha=2 * rank, lora_dropout=0.05,
                      target_modules=default_lora_targets(model))


def chat_answers(model, tok, conversations, max_new_tokens: int = MAX_NEW_TOKENS) -> list[dict]:
    """Greedy answers to each conversation's turns before its last answer (core.training.chat_answers): {answer,
    stopped, ended_text, expected, correct}; correct: exactly the known answer."""
    prompts, expected = prompts_and_answers(conversations["messages"])
    return [{**result, "expected": known, "correct": result["answer"] == known}
            for result, known in zip(answer_turns(model, tok, prompts, max_new_tokens), expected)]
