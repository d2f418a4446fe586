"""A checkpoint in words: its config (architecture, layers, hidden size, heads, vocabulary, positions) and its
module tree with parameter counts per block.

Nothing here loads weights: the tree is built on PyTorch's meta device (shapes without memory), so describing a
7-billion-parameter model costs what describing MiniLM costs. Skeletons are cached (cachetools).
"""

from __future__ import annotations

import copy
import logging
import threading

from cachetools import LRUCache, cached

from core.messages import N_, UserError, say
from core.settings import get_settings
from core.sources import resolve_model

log = logging.getLogger(__name__)

MAX_DEPTH = 4          # levels of the module tree returned (model > body > encoder > layer > block)
MAX_CHILDREN = 40      # children listed per node; the rest are summed into one "... more" entry
CONFIG_KEYS = {        # what each quantity is called across architectures (BERT, GPT-2, T5, ...)
    "layers": ("num_hidden_layers", "n_layer", "num_layers"),
    "hidden_size": ("hidden_size", "n_embd", "d_model"),
    "heads": ("num_attention_heads", "n_head", "num_heads"),
    "intermediate_size": ("intermediate_size", "n_inner", "d_ff"),
    "max_positions": ("max_position_embeddings", "n_positions", "max_seq_len"),
    "vocab_size": ("vocab_size",),
}
_skeletons: LRUCache = LRUCache(maxsize=8)
_lock = threading.Lock()


def load_config(name: str):
    """The model's config (never its code: trust_remote_code stays off here); a clear message when it fails."""
    from transformers import AutoConfig  # slow import, deferred to first use

    path = resolve_model(name)
    try:
        return AutoConfig.from_pretrained(path, trust_remote_code=False)
    except (OSError, ValueError, KeyError, TypeError) as err:
        # a public server says no more than that: the library's text can name server paths
        detail = N_("not found, or not a model") if get_settings().public else \
            f"{type(err).__name__}: {(str(err).splitlines() or [''])[0][:200]}"
        raise UserError("Model {name!r} could not be loaded ({error}): check the name, e.g. bert-base-cased, gpt2 "
                        "or the embedded model", name=name, error=detail) from err


def config_value(config, quantity: str):
    """A quantity (layers, hidden_size, heads, ...) under whichever name this architecture uses; None if absent."""
    for key in CONFIG_KEYS[quantity]:
        value = getattr(config, key, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def model_kind(config) -> str:
    """encoder (reads the whole text: BERT), decoder (reads left to right: GPT) or encoder-decoder (T5, BART)."""
    from transformers import AutoModelForMaskedLM  # slow import, deferred to first use

    if getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder"
    return "encoder" if type(config) in AutoModelForMaskedLM._model_mapping else "decoder"


def config_in_words(config, total_params: int | None = None) -> dict:
    """The config's main numbers, and one sentence saying what they mean."""
    info = {"architecture": (getattr(config, "architectures", None) or [type(config).__name__])[0],
            "model_type": str(getattr(config, "model_type", "")), "kind": model_kind(config),
            **{quantity: config_value(config, quantity) for quantity in CONFIG_KEYS}}
    positions = info["max_positions"]
    info["summary"] = say(
        "{architecture} ({kind}): {layers} layers, hidden size {hidden}, {heads} attention heads per layer, a "
        "vocabulary of {vocab} tokens, inputs up to {positions} tokens; {params} parameters",
        architecture=info["architecture"], kind=info["kind"], layers=info["layers"] or "?",
        hidden=info["hidden_size"] or "?", heads=info["heads"] or "?", vocab=f"{info['vocab_size'] or 0:,}",
        positions=f"{positions:,}" if positions else "?", params=human_count(total_params or 0))
    return info


def human_count(n: int) -> str:
    """22,713,216 -> '22.7 M'; small counts in full."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return str(n)


def _architecture_class(config):
    """The checkpoint's own class (BertForMaskedLM for bert-base-uncased), or AutoModel's body when unknown."""
    import transformers  # slow import, deferred to first use

    for name in getattr(config, "architectures", None) or []:
        cls = getattr(transformers, name, None)
        if isinstance(cls, type) and issubclass(cls, transformers.PreTrainedModel):
            return cls
    return None


@cached(_skeletons, lock=_lock, key=lambda config, kind="checkpoint", num_labels=2: (config.to_json_string(), kind, num_labels))
def skeleton(config, kind: str = "checkpoint", num_labels: int = 2):
    """The model's modules on the meta device (no memory): the checkpoint's class, a sequence classifier
    ("classifier"), or a causal LM ("lm": its language-model head on top)."""
    import torch  # slow import, deferred to first use
    from transformers import AutoModel, AutoModelForCausalLM, AutoModelForSequenceClassification

    config = copy.deepcopy(config)
    with torch.device("meta"):
        if kind == "classifier":
            config.num_labels = num_labels
            return AutoModelForSequenceClassification.from_config(config)
        if kind == "lm":
            return AutoModelForCausalLM.from_config(config)
        cls = _architecture_class(config)
        return cls(config) if cls is not None else AutoModel.from_config(config)


def parameter_count(module) -> int:
    """Parameters of a module, tied weights counted once."""
    return sum(p.numel() for p in module.parameters())


def module_tree(module, depth: int = 0) -> list[dict]:
    """Children as {name, type, params, children}, MAX_DEPTH levels deep; long lists end in one '...' entry."""
    nodes = []
    children = list(module.named_children())
    for name, child in children[:MAX_CHILDREN]:
        nodes.append({"name": name, "type": type(child).__name__, "params": parameter_count(child),
                      "children": module_tree(child, depth + 1) if depth + 1 < MAX_DEPTH else []})
    rest = children[MAX_CHILDREN:]
    if rest:
        nodes.append({"name": f"... {len(rest)} more", "type": "", "children": [],
                      "params": sum(parameter_count(child) for _, child in rest)})
    return nodes


def describe_model(name: str) -> dict:
    """A checkpoint's config in words, its module tree with parameter counts, and its parameter total."""
    config = load_config(name)
    net = skeleton(config)
    total = parameter_count(net)
    return {"model": name, "config": config_in_words(config, total), "total_params": total,
            "class": type(net).__name__, "tree": module_tree(net)}
