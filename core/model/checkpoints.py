"""Checkpoints: where a run's model is (model_location, the one resolver of every model a run loads), how long an
input it takes, the model side of the pad-token fix, and the sequence classifier a run fine-tunes."""

from __future__ import annotations

import logging
from pathlib import Path

from core import sources
from core.messages import UserError
from core.model.tiny_gpt import ensure_tiny_gpt
from core.tokenizer.loading import ensure_pad_token
from core.tokenizer.call_settings import MAX_LENGTH_LIMIT
from core.tokenizer.explanations import model_max

log = logging.getLogger(__name__)

POSITION_LIMIT_KEYS = ("max_position_embeddings", "n_positions", "max_seq_len")
RUN_PREFIX = "run:"  # model "run:<run id>": continue from the model a finished run saved (pretrain, then fine-tune)


def model_location(name: str) -> str:
    """What from_pretrained takes for the model a run trains: the tiny GPT (built on first use), a run's saved model
    ("run:<id>"; TrainConfig.check_access checks who may use it), or what core.sources resolves (the embedded model,
    a Hub id, a local folder in private mode). Everything a run loads goes through here, so the checks and the
    run agree on what a name means."""
    if name == sources.TINY_GPT:
        return str(ensure_tiny_gpt())
    if isinstance(name, str) and name.startswith(RUN_PREFIX):
        return str(run_model_dir(name[len(RUN_PREFIX):]))
    return sources.resolve_model(name)


def run_model_dir(run_id: str) -> Path:
    """The saved model of a finished run of this server (the caller checks who may use it)."""
    from core.runs.store import get_store  # the runs folder of this server: only for run: models

    store = get_store()
    if not store.exists(run_id) or not store.has_model(run_id) or store.has_adapter(run_id):
        raise UserError("model: run {run!r} has no saved model to continue from - pick a finished run that saved "
                        "its model (not a LoRA adapter)", run=run_id[:80])
    return store.model_dir(run_id)


def model_max_length(model: str, tokenizer=None, model_config=None) -> int:
    """Longest input the model takes: the smallest sane limit of its tokenizer and its position embeddings."""
    if model_config is None:
        from transformers import AutoConfig  # slow import, only when no config was passed in

        model_config = AutoConfig.from_pretrained(model_location(model))
    limits = [getattr(model_config, key, None) for key in POSITION_LIMIT_KEYS]
    if tokenizer is not None:
        limits.append(model_max(tokenizer))
    return min([v for v in limits if isinstance(v, int) and v > 0], default=MAX_LENGTH_LIMIT)


def check_max_length(model: str, max_length: int, model_config, tokenizer, name: str = "max_length") -> None:
    """Refuse a max_length (a causal LM's block_size) beyond what the model has positions for (an index error)."""
    limit = model_max_length(model, tokenizer, model_config)
    if max_length > limit:
        raise UserError("{name}: {length} is beyond what {model} takes ({limit} tokens) - set {name} to "
                        "{limit} or less", name=name, length=max_length, model=model, limit=limit)


def load_model_tokenizer(name: str, trust_remote_code: bool = False):
    """The tokenizer of the model a run trains: a fresh one, not core.tokenizer.loading's shared cache, because the
    pad-token fix may add a token to it (one without a pad token, GPT-2, pads with its end-of-text token)."""
    from transformers import AutoTokenizer  # slow import, deferred to first use

    tokenizer = AutoTokenizer.from_pretrained(model_location(name), trust_remote_code=trust_remote_code)
    fix = ensure_pad_token(tokenizer, add=True)
    if fix:  # the pad-token lesson: say what was done, as the tutorials do it by hand
        log.info("the tokenizer had no pad token: %s", "pad_token = eos_token" if fix == "eos" else "added [PAD]")
    return tokenizer


def fit_pad_token(net, tokenizer=None) -> None:
    """The model's half of the pad-token fix (the tokenizer's half: core.tokenizer.loading.ensure_pad_token).

    An added [PAD] needs a row in the embeddings; the model needs the pad id to find each row's last token (a
    classifier on GPT-2) and to pad what it generates. Without a tokenizer (a timed step on random ids) the
    end-of-text id stands in, or 0.
    """
    if tokenizer is not None and len(tokenizer) > net.get_input_embeddings().num_embeddings:
        net.resize_token_embeddings(len(tokenizer))  # a pad token was added
    pad_id = tokenizer.pad_token_id if tokenizer is not None else getattr(net.config, "eos_token_id", None) or 0
    if net.config.pad_token_id is None:
        net.config.pad_token_id = pad_id
    generation = getattr(net, "generation_config", None)
    if generation is not None and generation.pad_token_id is None:
        generation.pad_token_id = pad_id


def load_classifier(model: str, label_names: list[str], tokenizer, trust_remote_code: bool = False):
    """A classification model with num_labels, id2label and label2id, so the saved model predicts names."""
    import torch  # slow import, deferred to first use
    from transformers import AutoModelForSequenceClassification

    net = AutoModelForSequenceClassification.from_pretrained(
        model_location(model), num_labels=len(label_names), trust_remote_code=trust_remote_code,
        # transformers 5 keeps a checkpoint's stored dtype: a half-precision one would train half-precision weights
        # (fp16 mixed precision refuses them, bf16 loses small updates); mixed precision wants fp32 weights
        dtype=torch.float32,
        id2label=dict(enumerate(label_names)), label2id={n: i for i, n in enumerate(label_names)},
        ignore_mismatched_sizes=True)  # a fine-tuned checkpoint may carry a head for other classes
    fit_pad_token(net, tokenizer)
    # The loss is a mean over the batch's rows. Its forward takes **kwargs, so the Trainer would take it for a sum
    # over tokens normalised by num_items_in_batch: it would then not divide it by gradient_accumulation_steps and
    # would multiply it by the number of processes (a loss of 1.39 instead of 0.69, gradients 2x before clipping).
    net.accepts_loss_kwargs = False
    return net
