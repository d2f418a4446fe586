"""The causal LM task: learn to continue texts (GPT-style), scored by the eval loss and its perplexity.

Its pieces live in the layers below: core.training.prepare_lm (packing or one text per row), core.model.causal_lm
(the checks, the loader, the offline tiny GPT), core.training.lm_callbacks (perplexity, samples at evaluations),
core.results.export_lm (its script) and core.results.model_card (its card); this module says which ones a causal LM
run uses. lm_callbacks and export_lm load transformers, so they are imported by the hooks that need them.
"""

from __future__ import annotations

from core.messages import UserError
from core.model.causal_lm import check_causal_lm, check_model_writes, load_causal_lm, suggested_train_mode
from core.model.checkpoints import check_max_length
from core.results.model_card import build_lm_card
from core.task_registry import Task


class CausalLM(Task):
    name = "causal_lm"
    writes_text = True
    estimates = True  # its memory (with the logits over the vocabulary) and a timed step on its own head
    length_setting = "block_size"
    lora_task_type = "CAUSAL_LM"  # the LM head stays frozen: only the adapters train
    export_forms = ("trainer",)
    compare_metric = "eval_perplexity"

    def check(self, config) -> None:
        """A causal LM learns from text alone: no labels, no pair, loss and perplexity as its only scores."""
        check_text_only(config)

    def check_access(self, config) -> None:
        if not config.trust_remote_code:  # remote code: the run itself will say
            check_model_writes(config.model, config.block_size, self)  # an encoder, or too short a context: refused now

    def best_metric(self, config) -> tuple[str, bool]:
        return "eval_perplexity", True  # a causal LM's best is its lowest eval perplexity

    def suggested_train_mode(self, model: str) -> str:
        return suggested_train_mode(model)

    def check_model(self, config, model_config, tokenizer) -> None:
        check_causal_lm(config.model, model_config, self.name)
        check_max_length(config.model, getattr(config, self.length_setting), model_config, tokenizer,
                         self.length_setting)

    def prepare_data(self, config, tokenizer):
        from core.training.prepare_lm import prepare_lm_data  # loads pandas: not for a config's checks (0.9 s)

        return prepare_lm_data(config, tokenizer)

    def load_model(self, config, data, tokenizer):
        return load_causal_lm(config.model, tokenizer, config.trust_remote_code)

    def callbacks(self, config, recorder, write_samples) -> list:
        """Perplexity beside each eval loss (before the recorder sees it) and samples at evaluations."""
        from core.training.lm_callbacks import PerplexityCallback, SamplesCallback  # imports transformers

        return [PerplexityCallback(), SamplesCallback(recorder, config.sample_prompts, write_samples)]

    def finish_metrics(self, metrics: dict) -> dict:
        from core.training.lm_callbacks import with_perplexity  # imports transformers: in the training process

        return with_perplexity(metrics)

    def export_script(self, config) -> str:
        from core.results.export_lm import generate_lm_script  # imports transformers: only when a script is asked

        return generate_lm_script(config.to_dict() if hasattr(config, "to_dict") else dict(config))

    def model_card(self, store, run_id: str, config, repo_id: str) -> str:
        return build_lm_card(config, repo_id, store.read_eval(run_id, "baseline"), store.read_eval(run_id, "final"))


TASK = CausalLM()


def check_text_only(config) -> None:
    """The checks of every task that trains a causal LM on text alone (causal LM, SFT): a text column, no pair, no
    new head, loss as the best-model metric."""
    for name in ("train_split", "text_column"):
        if not getattr(config, name):
            raise UserError("{name}: must not be empty - e.g. {example!r}", name=name,
                            example=type(config).__dataclass_fields__[name].default)
    if config.text_pair_column:
        raise UserError("text_pair_column: a causal language model reads one text - leave text_pair_column empty")
    if config.train_mode in ("head", "last_n_layers"):
        raise UserError("train_mode: {mode} trains a new classifier head, which a causal LM has not - choose full "
                        "or lora", mode=config.train_mode)
    if config.metric_for_best_model != "loss":
        raise UserError("metric_for_best_model: a causal LM is scored by its loss (perplexity = exp(loss)) - "
                        "choose loss")
