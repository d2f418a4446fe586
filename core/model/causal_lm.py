"""Causal language models: check that a checkpoint can write, and load it.

The offline path is the tutorial's other half, pretraining: the tiny GPT (core.model.tiny_gpt), a small GPT-2 of
random weights built from a config. Generation stops at the end of text or at the end of a turn.
"""

from __future__ import annotations

import logging

from core import sources
from core.messages import UserError
from core.model.checkpoints import RUN_PREFIX, fit_pad_token, model_location, model_max_length

log = logging.getLogger(__name__)

LORA_ABOVE_PARAMS = 100_000_000  # a causal LM larger than this trains LoRA adapters by default (memory, speed)


def check_causal_lm(name: str, model_config, task: str) -> None:
    """Refuse a model that cannot write: one whose checkpoint has no language-model head (an encoder, a classifier);
    task names the task that asked (causal_lm, sft) in the message."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES  # slow import, deferred

    kind = getattr(model_config, "model_type", "")
    architectures = list(getattr(model_config, "architectures", None) or [])
    writes = any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures)
    if kind not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES or (architectures and not writes):
        raise UserError("model: {model} ({kind}) was not trained to write text, so {task} cannot fine-tune it - "
                        "choose a causal LM (e.g. {tiny}, distilgpt2, HuggingFaceTB/SmolLM2-135M) or "
                        "the task classification",
                        model=name, kind=", ".join(architectures) or kind, tiny=sources.TINY_GPT, task=task)


def check_model_writes(name: str, length: int, task, setting: str = "block_size") -> None:
    """Before a run of a task that writes (a Task: causal LM, SFT) queues: the model has a language-model head and
    positions for `length` tokens (the task's length setting)."""
    from transformers import AutoConfig  # slow import, deferred to first use

    model_config = AutoConfig.from_pretrained(model_location(name))
    check_causal_lm(name, model_config, task.name)
    limit = model_max_length(name, None, model_config)
    if length > limit:
        raise UserError("{name}: {length} is beyond what {model} takes ({limit} tokens) - set {name} to "
                        "{limit} or less", name=setting, length=length, model=name, limit=limit)


def suggested_train_mode(name: str) -> str:
    """lora for a Hub causal LM above LORA_ABOVE_PARAMS weights (counted on the meta device, nothing downloaded
    but its config), else full; the tiny GPT and earlier runs train in full."""
    if name == sources.TINY_GPT or name.startswith(RUN_PREFIX):
        return "full"
    from core.model.describe import describe_model  # builds a meta-device skeleton: only when a form asks

    return "lora" if describe_model(name)["total_params"] > LORA_ABOVE_PARAMS else "full"


def load_causal_lm(name: str, tokenizer, trust_remote_code: bool = False):
    """An AutoModelForCausalLM whose pad token is the tokenizer's (GPT-2 has none of its own)."""
    import torch  # slow import, deferred to first use
    from transformers import AutoModelForCausalLM

    # fp32 weights whatever the checkpoint stores (transformers 5 keeps its dtype): mixed precision trains them
    net = AutoModelForCausalLM.from_pretrained(model_location(name), trust_remote_code=trust_remote_code,
                                               dtype=torch.float32)
    fit_pad_token(net, tokenizer)
    return net
