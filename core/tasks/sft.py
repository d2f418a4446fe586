"""The sft task (issue 23): teach a causal LM to chat, with TRL's SFTTrainer on conversations.

Started, not registered yet: core.task_registry lists it once its exports and card exist (export_script and
model_card are the protocol's hooks still missing). What works: its checks, its data (any conversational format of
core.data.conversations, as `messages`, or prompt / completion for completion-only loss), the model, and TRL's
SFTConfig / SFTTrainer with the loss the model's template allows (`argument_overrides`), through
core.training.trainer.run like any task (tests/test_sft.py runs it registered for one test).

The loss: assistant-only where the chat template has `{% generation %}` markers (the tiny GPT's ChatML), else
completion-only (the last answer), the two TRL can mask; core.tokenizer.chat_masks shows either token by token.
"""

from __future__ import annotations

from core.messages import UserError
from core.model.causal_lm import check_causal_lm, check_model_writes, load_causal_lm, suggested_train_mode
from core.model.checkpoints import check_max_length, load_model_tokenizer
from core.task_registry import Task
from core.tasks.causal_lm import check_text_only


def sft_loss(tokenizer) -> str:
    """assistant_only where the template marks what the assistant writes, else completion_only."""
    from trl.chat_template_utils import has_generation_markers  # slow import, deferred to first use

    return "assistant_only" if has_generation_markers(tokenizer.chat_template or "") else "completion_only"


class SFT(Task):
    name = "sft"
    writes_text = True
    length_setting = "max_length"
    lora_task_type = "CAUSAL_LM"
    export_forms = ("trainer",)
    compare_metric = "eval_loss"

    def check(self, config) -> None:
        """Conversations in, a causal LM's loss out: no label, no pair, no new head."""
        check_text_only(config)

    def check_access(self, config) -> None:
        if not config.trust_remote_code:
            check_model_writes(config.model, config.max_length)

    def suggested_train_mode(self, model: str) -> str:
        return suggested_train_mode(model)

    def check_model(self, config, model_config, tokenizer) -> None:
        check_causal_lm(config.model, model_config)
        check_max_length(config.model, config.max_length, model_config, tokenizer, "max_length")
        if not tokenizer.chat_template:
            raise UserError("{model} has no chat template, so SFT cannot lay out its conversations - choose a chat "
                            "model (e.g. the tiny GPT, which has ChatML) or add a template", model=config.model)

    def prepare_data(self, config, tokenizer):
        """The rows as conversations (a malformed row is named), shaped for the loss; SFTTrainer tokenizes them."""
        from core.training.prepare import PreparedData  # loads datasets and pandas: not for a config's checks
        from core.training.sft import select_conversations, sft_dataset

        loss = sft_loss(tokenizer)
        train, eval_set = (sft_dataset(rows, loss) for rows in select_conversations(config))
        return PreparedData(train, eval_set, [], None)  # no collator: SFTTrainer makes TRL's own

    def load_model(self, config, data, tokenizer):
        return load_causal_lm(config.model, tokenizer, config.trust_remote_code)

    def arguments_class(self):
        from trl import SFTConfig  # slow import, deferred to first use

        return SFTConfig

    def trainer_class(self):
        from trl import SFTTrainer  # slow import, deferred to first use

        return SFTTrainer

    def argument_overrides(self, config) -> dict:
        """SFTConfig's own settings: the loss the template allows, max_length, packing (wrapped: no
        padding-free attention kernel is needed on a CPU)."""
        loss = sft_loss(load_model_tokenizer(config.model, config.trust_remote_code))
        return {"max_length": config.max_length, "packing": config.packing, "packing_strategy": "wrapped",
                "assistant_only_loss": loss == "assistant_only", "completion_only_loss": loss == "completion_only",
                "dataset_num_proc": None}


TASK = SFT()
