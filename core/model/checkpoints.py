"""Checkpoints: how long an input a model takes, and the sequence classifier a run fine-tunes."""

from __future__ import annotations

from core.messages import UserError
from core.sources import resolve_model
from core.tokenizer.call_settings import MAX_LENGTH_LIMIT
from core.tokenizer.explanations import model_max

POSITION_LIMIT_KEYS = ("max_position_embeddings", "n_positions", "max_seq_len")


def model_max_length(model: str, tokenizer=None, model_config=None) -> int:
    """Longest input the model takes: the smallest sane limit of its tokenizer and its position embeddings."""
    if model_config is None:
        from transformers import AutoConfig  # slow import, only when no config was passed in

        model_config = AutoConfig.from_pretrained(resolve_model(model))
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


def load_classifier(model: str, label_names: list[str], tokenizer, trust_remote_code: bool = False):
    """A classification model with num_labels, id2label and label2id, so the saved model predicts names."""
    import torch  # slow import, deferred to first use
    from transformers import AutoModelForSequenceClassification

    net = AutoModelForSequenceClassification.from_pretrained(
        resolve_model(model), num_labels=len(label_names), trust_remote_code=trust_remote_code,
        # transformers 5 keeps a checkpoint's stored dtype: a half-precision one would train half-precision weights
        # (fp16 mixed precision refuses them, bf16 loses small updates); mixed precision wants fp32 weights
        dtype=torch.float32,
        id2label=dict(enumerate(label_names)), label2id={n: i for i, n in enumerate(label_names)},
        ignore_mismatched_sizes=True)  # a fine-tuned checkpoint may carry a head for other classes
    if len(tokenizer) > net.get_input_embeddings().num_embeddings:
        net.resize_token_embeddings(len(tokenizer))  # a pad token was added
    if net.config.pad_token_id is None:
        net.config.pad_token_id = tokenizer.pad_token_id
    # The loss is a mean over the batch's rows. Its forward takes **kwargs, so the Trainer would take it for a sum
    # over tokens normalised by num_items_in_batch: it would then not divide it by gradient_accumulation_steps and
    # would multiply it by the number of processes (a loss of 1.39 instead of 0.69, gradients 2x before clipping).
    net.accepts_loss_kwargs = False
    return net
