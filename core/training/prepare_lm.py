"""Data for a causal language model: text rows -> token blocks the model learns to continue.

Two preparations, as the Hugging Face course teaches them:
- packing (the `group_texts` recipe): tokenize every text, add the end-of-text token, concatenate everything and
  cut it into block_size chunks. Every block is full, so no compute is spent on padding.
- one text per row: truncate each text to block_size and pad the batch; this needs a pad token, which GPT-2 has
  not (the fix: pad_token = eos_token, hidden by the attention mask and ignored by the loss).
One text per row batches with `DataCollatorForLanguageModeling(mlm=False)`: it pads, copies input_ids into labels and
sets the pads' labels to -100 (ignored by the loss); the model shifts labels by one itself. Packed blocks carry their
labels already (the recipe's `labels = input_ids.copy()`) and need no padding, so `default_data_collator` stacks
them: with pad = eos, the language-model collator would also hide every end-of-text separator from the loss.
"""

from __future__ import annotations

import logging

from core.data.loading import load_source
from core.messages import UserError
from core.settings import get_settings
from core.training.config import TrainConfig
from core.training.prepare import IN_MEMORY_ROWS, PreparedData, keep_only

log = logging.getLogger(__name__)


def prepare_lm_data(config: TrainConfig, tokenizer) -> PreparedData:
    """Load the text rows, then pack or pad them into blocks; the collator makes the labels."""
    train, eval_set = select_text_rows(config)
    if not config.packing:
        check_pad_token(tokenizer)
    prepare = pack if config.packing else per_row
    return PreparedData(prepare(train, tokenizer, config), prepare(eval_set, tokenizer, config), [],
                        lm_collator(tokenizer, config.packing))


def lm_collator(tokenizer, packing: bool):
    """Packed blocks: stacked as they are; one text per row: padded, with the pads' labels -100."""
    from transformers import DataCollatorForLanguageModeling, default_data_collator  # slow import, deferred

    return default_data_collator if packing else DataCollatorForLanguageModeling(tokenizer, mlm=False)


def select_text_rows(config: TrainConfig):
    """(train, eval) datasets with only the text column, empty texts dropped, capped by the max_*_samples."""
    dsd = load_source(config.dataset)
    train = _text_split(dsd, config.train_split, config, "train_split")
    if config.eval_split:
        eval_set = _text_split(dsd, config.eval_split, config, "eval_split")
    else:
        parts = train.train_test_split(test_size=config.eval_fraction, seed=config.seed)
        train, eval_set = parts["train"], parts["test"]
    return (_cap(train, get_settings().train_rows(config.max_train_samples), config.seed),
            _cap(eval_set, config.max_eval_samples, config.seed))


def _text_split(dsd, split: str, config: TrainConfig, field_name: str):
    if split not in dsd:
        raise UserError("{field}: split {split!r} not found - choose one of {choices}", field=field_name, split=split,
                        choices=", ".join(dsd))
    dataset = dsd[split]
    if config.text_column not in dataset.column_names:
        raise UserError("text_column: column {column!r} not found in split {split!r} - choose one of {choices}",
                        column=config.text_column, split=split, choices=", ".join(dataset.column_names))
    dataset = keep_only(dataset, config, split)
    column = config.text_column
    dataset = dataset.select_columns([column]).filter(
        lambda row: isinstance(row[column], str) and bool(row[column].strip()), desc="Dropping empty texts")
    if len(dataset) == 0:
        raise UserError("text_column: {column!r} has no text in split {split!r} - choose a column of texts",
                        column=column, split=split)
    return dataset


def _cap(dataset, limit: int, seed: int):
    if limit and len(dataset) > limit:
        return dataset.shuffle(seed=seed).select(range(limit))
    return dataset


def check_pad_token(tokenizer) -> None:
    """One text per row pads each batch, so the tokenizer needs a pad token (the trainer sets pad = eos first)."""
    if tokenizer.pad_token is None:
        raise UserError("packing is off, so batches are padded, but this tokenizer has no pad token - set "
                        "tokenizer.pad_token = tokenizer.eos_token, or turn packing on")


def pack(dataset, tokenizer, config: TrainConfig):
    """The group_texts recipe: texts + end-of-text, concatenated, cut into full blocks (the tail is dropped)."""
    column, size, eos = config.text_column, config.block_size, tokenizer.eos_token_id

    def encode(batch):
        ids = tokenizer(batch[column], add_special_tokens=False)["input_ids"]
        return {"input_ids": [row + [eos] if eos is not None else row for row in ids]}

    def group(batch):
        joined = [token for row in batch["input_ids"] for token in row]
        usable = len(joined) // size * size
        blocks = [joined[i:i + size] for i in range(0, usable, size)]
        return {"input_ids": blocks, "attention_mask": [[1] * size for _ in blocks], "labels": [b[:] for b in blocks]}

    keep = len(dataset) <= IN_MEMORY_ROWS
    encoded = dataset.map(encode, batched=True, remove_columns=[column], keep_in_memory=keep, desc="Tokenizing")
    # batch_size=None: one group over the whole subset, so only the very last partial block is lost
    blocks = encoded.map(group, batched=True, batch_size=None, keep_in_memory=keep, desc="Packing")
    if len(blocks) == 0:
        total = sum(len(r) for r in encoded["input_ids"])
        raise UserError("block_size: the texts hold {tokens} tokens, less than one block of {size} - lower block_size "
                        "or use more rows", tokens=total, size=size)
    return blocks


def per_row(dataset, tokenizer, config: TrainConfig):
    """One example per text, truncated to block_size; the collator pads each batch to its longest row."""
    column = config.text_column

    def encode(batch):
        return tokenizer(batch[column], truncation=True, max_length=config.block_size)

    return dataset.map(encode, batched=True, remove_columns=[column], keep_in_memory=len(dataset) <= IN_MEMORY_ROWS,
                       desc="Tokenizing")
