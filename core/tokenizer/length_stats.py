"""A tokenizer over the loaded dataset: token length statistics and a few random rows encoded."""

from __future__ import annotations

import logging
import math

import numpy as np

from core.data.describe import sample_rows
from core.messages import UserError
from core.tokenizer.call_settings import EncodeSettings
from core.tokenizer.encode import call_lock, encode
from core.tokenizer.explanations import model_max
from core.tokenizer.result import EncodeResult

log = logging.getLogger(__name__)

STATS_MAX_ROWS = 10_000
_CHUNK = 1_000


def check_columns(dataset, columns: list[str] | tuple[str, ...]) -> list[str]:
    """One text column, or two for sentence pairs (glue/mrpc's sentence1 + sentence2)."""
    columns = [c for c in (columns or []) if c]
    if not columns:
        raise UserError("No text column is chosen: pick the text column(s) on the Datasets tab")
    if len(columns) > 2:
        raise UserError("{count} text columns are chosen: a tokenizer takes one text or a pair, so choose one or two "
                        "columns on the Datasets tab", count=len(columns))
    missing = [c for c in columns if c not in dataset.column_names]
    if missing:
        raise UserError("Column(s) {missing} not in this split: choose from {choices}", missing=", ".join(missing),
                        choices=", ".join(dataset.column_names))
    return columns


def _strings(values) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def sample_subset(dataset, max_rows: int, seed: int = 0):
    """The whole split when it is small enough, else max_rows random rows (indices drawn, no shuffle)."""
    if len(dataset) <= max_rows:
        return dataset
    idx = np.random.default_rng(seed).choice(len(dataset), size=max_rows, replace=False)
    return dataset.select(sorted(int(i) for i in idx))


def token_lengths(tok, texts: list[str], pairs: list[str] | None = None) -> np.ndarray:
    """Tokens per row with special tokens, no truncation; batched through the fast tokenizer."""
    lengths: list[int] = []
    notes: list[str] = []
    with call_lock(notes):
        for start in range(0, len(texts), _CHUNK):
            chunk_pairs = pairs[start:start + _CHUNK] if pairs else None
            enc = tok(texts[start:start + _CHUNK], chunk_pairs, truncation=False, padding=False,
                      return_attention_mask=False, return_token_type_ids=False, verbose=False)
            lengths.extend(len(ids) for ids in enc["input_ids"])
    return np.asarray(lengths, dtype=np.int64)


def recommend_max_length(lengths: np.ndarray, limit: int | None, coverage: float = 95.0) -> int:
    """The length that covers `coverage`% of rows, rounded up to a multiple of 8, capped at the model max."""
    value = max(8, int(math.ceil(float(np.percentile(lengths, coverage)) / 8) * 8))
    return min(value, limit) if limit else value


def token_length_stats(tok, dataset, columns: list[str], max_length: int | None = None,
                       max_rows: int = STATS_MAX_ROWS, seed: int = 0) -> dict:
    """Token lengths over a split (all of it up to max_rows, else a random sample), with the share that
    max_length would truncate and a recommended max_length (95% of rows, multiple of 8, <= model max)."""
    columns = check_columns(dataset, columns)
    if max_length is not None and max_length <= 0:
        raise UserError("max_length={m} leaves no room for any token: use e.g. 128", m=max_length)
    subset = sample_subset(dataset, max_rows, seed)
    table = subset.with_format("arrow")  # one Arrow read per column: 8x faster than iterating rows
    texts = _strings(table[columns[0]].to_pylist())
    pairs = _strings(table[columns[1]].to_pylist()) if len(columns) == 2 else None
    lengths = token_lengths(tok, texts, pairs)
    limit = model_max(tok)
    chosen = max_length or limit or int(lengths.max())
    truncated = int((lengths > chosen).sum())
    return {
        "rows": len(dataset), "measured": len(subset), "sampled": len(subset) < len(dataset),
        "columns": columns, "lengths": lengths.tolist(), "max_length": chosen,
        "truncated_rows": truncated, "truncated_share": truncated / len(lengths),
        "recommended_max_length": recommend_max_length(lengths, limit),
        "mean": float(lengths.mean()), "p50": float(np.percentile(lengths, 50)),
        "p95": float(np.percentile(lengths, 95)), "max": int(lengths.max()), "model_max_length": limit,
    }


def encode_rows(tok, dataset, columns: list[str], n: int, settings: EncodeSettings, seed: int | None = None,
                name: str = "", pad_to_eos: bool = False) -> EncodeResult:
    """Encode n random rows of a split (a batch, with the current settings)."""
    columns = check_columns(dataset, columns)
    frame = sample_rows(dataset, n, seed)
    texts = _strings(frame[columns[0]])
    pairs = _strings(frame[columns[1]]) if len(columns) == 2 else None
    result = encode(tok, texts, pairs, settings, name=name, pad_to_eos=pad_to_eos)
    for seq, row in zip(result.sequences, frame["row"]):
        seq["row"] = int(row)
    return result
