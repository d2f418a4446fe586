"""The dpo task (issue 24): preference tuning of a chat model with TRL's DPOTrainer, on pairs of a prompt with a
chosen and a rejected answer.

It starts from a model that already chats: an sft run's model (model "run:<id>") or an instruct model with a chat
template. Its pieces: core.training.dpo (the pairs, the truncation check, the per-pair log-probabilities),
core.training.dpo_callbacks (the held-out pairs measured at each evaluation), core.results.dpo_report (the
per-example view and the diagnosis), core.results.export_dpo (the TRL script and the model card).

The reference model is the model before training, as TRL has it: with LoRA (the default above 100M weights) the
adapter-free base (TRL computes it with the adapters off: a fresh adapter is the base), in full a frozen copy.
"""

from __future__ import annotations

import copy
import inspect

from core import sources
from core.messages import UserError
from core.model.causal_lm import check_causal_lm, load_causal_lm, suggested_train_mode
from core.model.checkpoints import RUN_PREFIX, check_max_length, load_model_tokenizer, model_location
from core.task_registry import Task

CHAT_TASKS = ("sft", "dpo")  # a run of these trained on conversations: its model answers in its chat template


class DPO(Task):
    name = "dpo"
    writes_text = True
    length_setting = "max_length"
    lora_task_type = "CAUSAL_LM"
    export_forms = ("trainer",)
    compare_metric = "eval_rewards/margins"
    compares_pairs = True

    def check(self, config) -> None:
        """Pairs in, a causal LM's preference out: no label, no second text, no new head, scored by its loss."""
        if config.text_pair_column:
            raise UserError("text_pair_column: DPO reads prompt, chosen and rejected columns - leave "
                            "text_pair_column empty")
        if config.train_mode in ("head", "last_n_layers"):
            raise UserError("train_mode: {mode} trains a new classifier head, which a causal LM has not - choose full "
                            "or lora", mode=config.train_mode)
        if config.metric_for_best_model != "loss":
            raise UserError("metric_for_best_model: a DPO run is scored by its loss - choose loss")

    def check_access(self, config) -> None:
        """Before the run queues: a chat model that was taught to chat, and pairs whose answers fit max_length."""
        from core.training.dpo import MAX_CHECKED_ROWS, check_pairs_fit, select_pairs  # reads the data

        from transformers import AutoConfig  # slow import, deferred to first use

        if config.trust_remote_code:  # remote code: the run itself will say
            return
        check_chat_model(config.model)  # by its name first: the raw tiny GPT, a run of another task
        tokenizer = load_model_tokenizer(config.model)
        self.check_model(config, AutoConfig.from_pretrained(model_location(config.model)), tokenizer)
        train, _ = select_pairs(config, limit=MAX_CHECKED_ROWS)
        check_pairs_fit(tokenizer, list(train), config.max_length)

    def suggested_train_mode(self, model: str) -> str:
        return suggested_train_mode(model)

    def check_model(self, config, model_config, tokenizer) -> None:
        check_causal_lm(config.model, model_config, self.name)
        check_max_length(config.model, config.max_length, model_config, tokenizer, "max_length")
        check_chat_model(config.model, tokenizer)

    def prepare_data(self, config, tokenizer):
        """The pairs as chat turns (a malformed row is named); DPOTrainer tokenizes them with the template."""
        from core.training.dpo import MAX_CHECKED_ROWS, check_pairs_fit, select_pairs  # loads datasets
        from core.training.prepare import PreparedData

        train, eval_set = select_pairs(config)
        check_pairs_fit(tokenizer, list(train.select(range(min(len(train), MAX_CHECKED_ROWS)))), config.max_length)
        return PreparedData(train, eval_set, [], None)  # no collator: DPOTrainer makes TRL's own

    def load_model(self, config, data, tokenizer):
        return load_causal_lm(config.model, tokenizer, config.trust_remote_code)

    def arguments_class(self):
        from trl import DPOConfig  # slow import, deferred to first use

        return DPOConfig

    def argument_overrides(self, config) -> dict:
        """DPOConfig's own settings; TRL's defaults that do not suit a CPU or a lesson are set back."""

        # TRL tokenizes inside the trainer, so there is no input_ids column to group batches by length with
        sampling = {"group_by_length": False} if "group_by_length" in inspect.signature(
            self.arguments_class().__init__).parameters else {"train_sampling_strategy": "random"}
        return {"beta": config.beta, "loss_type": [config.loss_type], "max_length": config.max_length,
                "gradient_checkpointing": False,  # TRL turns it on; slower, and a small model does not need it
                "dataset_num_proc": None, "precompute_ref_log_probs": False, **sampling}

    def trainer_class(self):
        from trl import DPOTrainer  # slow import, deferred to first use

        return DPOTrainer

    def trainer_kwargs(self, config, model, data) -> dict:
        """The reference: a frozen copy of the model before training; none with LoRA (TRL turns the adapters off)."""

        if hasattr(model, "peft_config"):
            return {}
        reference = copy.deepcopy(model).eval()
        reference.requires_grad_(False)
        return {"ref_model": reference}

    def callbacks(self, config, recorder, write_samples) -> list:
        """The held-out pairs measured at each evaluation (their margins, the model's answers)."""
        from core.training.dpo import MAX_TRACKED_PAIRS, select_pairs  # loads datasets: in the training process
        from core.training.dpo_callbacks import PairsCallback  # imports transformers

        _, eval_set = select_pairs(config)
        tracked = list(eval_set.select(range(min(len(eval_set), MAX_TRACKED_PAIRS))))
        return [PairsCallback(recorder, tracked, config.max_length, write_samples)]

    def diagnosis_report(self, records: list[dict], report: dict | None) -> dict | None:
        from core.results.dpo_report import reward_curves  # the results layer: only when a run is diagnosed

        return reward_curves(records)

    def findings(self, train, evals, config, report: dict | None, live: bool) -> list:
        from core.results.dpo_report import dpo_findings  # the results layer: only when a run is diagnosed

        return dpo_findings(report or {}, config, live)

    def export_script(self, config) -> str:
        from core.results.export_dpo import generate_dpo_script  # imports transformers: only when a script is asked

        return generate_dpo_script(config.to_dict() if hasattr(config, "to_dict") else dict(config))

    def model_card(self, store, run_id: str, config, repo_id: str) -> str:
        from core.results.export_dpo import build_dpo_card  # the results layer: only when a card is asked

        return build_dpo_card(config, repo_id, store.read_eval(run_id, "baseline"), store.read_eval(run_id, "final"),
                              self.name)


TASK = DPO()


def check_chat_model(model: str, tokenizer=None) -> None:
    """DPO refines a model that already answers in turns: an sft (or dpo) run's model, or an instruct model with a
    chat template. The tiny GPT has ChatML but never learned to answer; a run of another task never saw turns."""
    if model == sources.TINY_GPT:
        raise UserError("model: the tiny GPT has a chat template but was never taught to answer - first run the "
                        "preset 'Teach the tiny GPT to chat' (sft), then start DPO from that run")
    if model.startswith(RUN_PREFIX):
        from core.runs.store import get_store  # the run's own record: which task trained it

        task = get_store().read_config(model[len(RUN_PREFIX):]).get("task")
        if task not in CHAT_TASKS:
            raise UserError("model: that run trained {task}, not a chat model - start DPO from an sft run or an "
                            "instruct model (e.g. HuggingFaceTB/SmolLM2-135M-Instruct)", task=task or "classification")
    if tokenizer is not None and not getattr(tokenizer, "chat_template", None):
        raise UserError("model: {model} has no chat template, so it was not fine-tuned to chat - start DPO from an "
                        "sft run or an instruct model (e.g. HuggingFaceTB/SmolLM2-135M-Instruct)", model=model[-80:])
