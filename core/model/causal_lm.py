"""Causal language models: check that a checkpoint can write, load it, and build the offline tiny GPT.

The offline path is the tutorial's other half, pretraining: a small GPT-2 built from a config (a few million
weights, random at first) with a byte-level BPE tokenizer trained on the embedded reviews (core.tokenizer.bpe).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from core import sources
from core.messages import UserError
from core.model.checkpoints import model_max_length
from core.runs.visibility import RUN_MODEL_PREFIX

log = logging.getLogger(__name__)

# The tiny GPT: 4 blocks of width 192 over a 4000-token vocabulary, about 2.6 M weights; 256 positions.
TINY_GPT_SHAPE = {"n_layer": 4, "n_embd": 192, "n_head": 4, "n_positions": 256}
TINY_GPT_VOCAB = 4000
LORA_ABOVE_PARAMS = 100_000_000  # a causal LM larger than this trains LoRA adapters by default (memory, speed)
_build_lock = threading.Lock()


def ensure_tiny_gpt() -> Path:
    """Build the tiny GPT once (a BPE tokenizer on the embedded reviews, then a GPT-2 from a config); its folder."""
    folder = sources.tiny_gpt_path()
    with _build_lock:
        if not (folder / "model.safetensors").is_file():
            build_tiny_gpt(folder)
    return folder


def build_tiny_gpt(folder: Path, shape: dict | None = None, vocab_size: int = TINY_GPT_VOCAB, seed: int = 0) -> Path:
    """A GPT-2 of random weights and its tokenizer in folder: what pretraining starts from."""
    import torch  # slow import, deferred to first use
    from transformers import GPT2Config, GPT2LMHeadModel

    from core.data.loading import load_source  # reads the embedded reviews: only when the model is built
    from core.data.source import SAMPLE
    from core.tokenizer.bpe import train_bpe
    from core.tokenizer.loading import load_tokenizer

    texts = list(load_source(SAMPLE)["train"]["text"])
    info = train_bpe(texts, "tiny-gpt-reviews", vocab_size=vocab_size)
    tok = load_tokenizer(info["name"])
    shape = {**TINY_GPT_SHAPE, **(shape or {})}
    config = GPT2Config(vocab_size=len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, **shape)
    torch.manual_seed(seed)  # the same random start on every machine
    model = GPT2LMHeadModel(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    tok.save_pretrained(str(folder))
    log.info("built the tiny GPT in %s: %d weights", folder, model.num_parameters())
    return folder


# model "run:<run id>": continue from the model a finished run saved (pretrain, then fine-tune); the run store's
# visibility rule follows the same link (a run continued from a private run is private too)
RUN_PREFIX = RUN_MODEL_PREFIX


def model_location(name: str) -> str:
    """What from_pretrained takes for a model choice: the tiny GPT (built on first use), a run's saved model, or
    what core.sources resolves."""
    if name == sources.TINY_GPT:
        return str(ensure_tiny_gpt())
    if isinstance(name, str) and name.startswith(RUN_PREFIX):
        return str(run_model_dir(name[len(RUN_PREFIX):]))
    return sources.resolve_model(name)


def run_model_dir(run_id: str) -> Path:
    """The saved model of a finished run of this server (the caller checks who may use it)."""
    from core.runs.store import RunStore  # the runs folder of this server: only for run: models
    from core.settings import get_settings

    store = RunStore(get_settings().runs_dir)
    if not store.exists(run_id) or not store.has_model(run_id) or store.has_adapter(run_id):
        raise UserError("model: run {run!r} has no saved model to continue from - pick a finished run that saved "
                        "its model (not a LoRA adapter)", run=run_id[:80])
    return store.model_dir(run_id)


def check_causal_lm(name: str, model_config) -> None:
    """Refuse a model that cannot write: one whose checkpoint has no language-model head (an encoder, a classifier)."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES  # slow import, deferred

    kind = getattr(model_config, "model_type", "")
    architectures = list(getattr(model_config, "architectures", None) or [])
    writes = any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures)
    if kind not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES or (architectures and not writes):
        raise UserError("model: {model} ({kind}) was not trained to write text, so causal_lm cannot fine-tune it - "
                        "choose a causal LM (e.g. {tiny}, distilgpt2, HuggingFaceTB/SmolLM2-135M) or the task "
                        "classification", model=name, kind=", ".join(architectures) or kind, tiny=sources.TINY_GPT)


def check_model_writes(name: str, block_size: int) -> None:
    """Before a causal LM run queues: the model has a language-model head and positions for block_size tokens."""
    from transformers import AutoConfig  # slow import, deferred to first use

    model_config = AutoConfig.from_pretrained(model_location(name))
    check_causal_lm(name, model_config)
    limit = model_max_length(name, None, model_config)
    if block_size > limit:
        raise UserError("{name}: {length} is beyond what {model} takes ({limit} tokens) - set {name} to "
                        "{limit} or less", name="block_size", length=block_size, model=name, limit=limit)


def suggested_train_mode(name: str) -> str:
    """lora for a Hub causal LM above LORA_ABOVE_PARAMS weights (counted on the meta device, nothing downloaded
    but its config), else full; the tiny GPT and earlier runs train in full."""
    if name == sources.TINY_GPT or name.startswith(RUN_PREFIX):
        return "full"
    from core.model.describe import describe_model  # builds a meta-device skeleton: only when a form asks

    return "lora" if describe_model(name)["total_params"] > LORA_ABOVE_PARAMS else "full"


def load_causal_lm(name: str, tokenizer, trust_remote_code: bool = False):
    """An AutoModelForCausalLM whose pad token is the tokenizer's (GPT-2 has none of its own)."""
    from transformers import AutoModelForCausalLM  # slow import, deferred to first use

    net = AutoModelForCausalLM.from_pretrained(model_location(name), trust_remote_code=trust_remote_code)
    if len(tokenizer) > net.get_input_embeddings().num_embeddings:
        net.resize_token_embeddings(len(tokenizer))  # a pad token was added
    if net.config.pad_token_id is None:
        net.config.pad_token_id = tokenizer.pad_token_id
    if net.generation_config is not None and net.generation_config.pad_token_id is None:
        net.generation_config.pad_token_id = tokenizer.pad_token_id
    return net
