"""The sft task (issue 23): teach a causal LM to chat, with TRL's SFTTrainer on conversations.

Its data is any conversational format of core.data.conversations (the embedded data/chat set, an upload, a Hub
dataset), read as `messages` (prompt / completion for completion-only loss: core.training.sft). Which tokens train is
the `sft_loss` setting, with the chat template the `chat_template` setting picks; core.tokenizer.chat_masks shows
either token by token, and core.training.sft_checks refuses, before the run queues, what would spoil it. The model
is a causal LM (core.model.causal_lm); TRL's SFTConfig / SFTTrainer train it through core.training.trainer.run like
any task. Its script (TRL's SFTTrainer) is core.results.export_sft's, its chat model card core.results.card_sft's.
"""

from __future__ import annotations

from core.model.causal_lm import check_causal_lm, check_model_writes, load_causal_lm, suggested_train_mode
from core.model.checkpoints import check_max_length, load_model_tokenizer
from core.task_registry import Task
from core.tasks.causal_lm import check_text_only


class SFT(Task):
    name = "sft"
    writes_text = True
    length_setting = "max_length"
    lora_task_type = "CAUSAL_LM"  # LoRA by default above 100M weights, as for a causal LM (suggested_train_mode)
    export_forms = ("trainer",)
    compare_metric = "eval_perplexity"  # of the trained tokens (the answers, under assistant or completion loss)

    # ------------------------------------------------------------- settings, before the run queues
    def check(self, config) -> None:
        """Conversations in, a causal LM's loss out: no label, no pair, no new head."""
        check_text_only(config)

    def check_access(self, config) -> None:
        """An encoder or too short a context, no template, a template assistant-only loss cannot use, data that is
        not a conversation, answers max_length always cuts: refused now, naming the fix."""
        if config.trust_remote_code:  # the model's own code would run to read its tokenizer: the run will say
            return
        from core.training.sft_checks import check_chat_tokenizer, check_data, fit_chat_template  # loads trl lazily

        check_model_writes(config.model, config.max_length, self, "max_length")
        tokenizer = load_model_tokenizer(config.model)
        fit_chat_template(config, tokenizer)
        check_chat_tokenizer(config, tokenizer)
        check_data(config, tokenizer)

    def best_metric(self, config) -> tuple[str, bool]:
        return "eval_perplexity", True

    def suggested_train_mode(self, model: str) -> str:
        return suggested_train_mode(model)

    # ------------------------------------------------------------- training (in the training process)
    def check_model(self, config, model_config, tokenizer) -> None:
        check_causal_lm(config.model, model_config, self.name)
        check_max_length(config.model, config.max_length, model_config, tokenizer, "max_length")

    def prepare_data(self, config, tokenizer):
        """The run's chat template on the tokenizer, then the rows as conversations (a malformed row is named),
        shaped for the loss; SFTTrainer tokenizes them."""
        from core.training.prepare import PreparedData  # loads datasets and pandas: not for a config's checks
        from core.training.sft import select_conversations, sft_dataset
        from core.training.sft_checks import check_chat_tokenizer, fit_chat_template

        fit_chat_template(config, tokenizer)  # ChatML's turn tokens, when added, grow the embeddings in load_model
        check_chat_tokenizer(config, tokenizer)
        train, eval_set = (sft_dataset(rows, config.sft_loss) for rows in select_conversations(config))
        return PreparedData(train, eval_set, [], None)  # no collator: SFTTrainer makes TRL's own

    def load_model(self, config, data, tokenizer):
        return load_causal_lm(config.model, tokenizer, config.trust_remote_code)

    def arguments_class(self):
        from trl import SFTConfig  # slow import, deferred to first use

        return SFTConfig

    def argument_overrides(self, config) -> dict:
        """SFTConfig's own settings: the loss, max_length, packing (wrapped: no padding-free attention kernel is
        needed on a CPU); the data is tokenized in this process."""
        return {"max_length": config.max_length, "packing": config.packing, "packing_strategy": "wrapped",
                "assistant_only_loss": config.sft_loss == "assistant_only",
                "completion_only_loss": config.sft_loss == "completion_only", "dataset_num_proc": None}

    def trainer_class(self):
        from trl import SFTTrainer  # slow import, deferred to first use

        return SFTTrainer

    def callbacks(self, config, recorder, write_samples) -> list:
        """Perplexity beside each eval loss, and at each evaluation the answers to held-out conversations: their
        stop rate and accuracy beside it, the first few shown as Watch it answer (before the recorder sees them)."""
        from core.training.lm_callbacks import PerplexityCallback  # imports transformers: only when training
        from core.training.sft import held_out
        from core.training.sft_callbacks import ANSWERED, AnswersCallback

        conversations, kinds = held_out(config, ANSWERED)
        return [PerplexityCallback(), AnswersCallback(recorder, conversations, config.sample_prompts, write_samples,
                                                      kinds)]

    def finish_metrics(self, metrics: dict) -> dict:
        """Perplexity added; TRL's eval_num_tokens left out: it counts the tokens trained on so far, not a score of
        the model, and would read as one in the before/after table."""
        from core.training.lm_callbacks import with_perplexity  # imports transformers: in the training process

        return with_perplexity({key: value for key, value in metrics.items() if key != "eval_num_tokens"})

    def diagnosis_report(self, records: list[dict], report: dict | None) -> dict | None:
        from core.results.sft_report import stop_rates  # the results layer: only when a run is diagnosed

        return stop_rates(records)

    def findings(self, train, evals, config, report: dict | None, live: bool) -> list:
        """Answers that do not end their turn after training (core.results.sft_report)."""
        from core.results.sft_report import sft_findings  # the results layer: only when a run is diagnosed

        return sft_findings(report or {}, config, live)

    # ------------------------------------------------------------- results
    def export_script(self, config) -> str:
        from core.results.export_sft import generate_sft_script  # imports transformers' names: only when asked

        return generate_sft_script(config.to_dict() if hasattr(config, "to_dict") else dict(config))

    def model_card(self, store, run_id: str, config, repo_id: str) -> str:
        from core.results.card_sft import build_sft_card  # the chat card (loads the run's tokenizer)

        return build_sft_card(store, run_id, config, repo_id)


TASK = SFT()
