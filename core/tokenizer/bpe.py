"""Train a small byte-level BPE tokenizer (the GPT-2 recipe) on dataset text, in seconds.

The result is a normal tokenizer folder (`AutoTokenizer.from_pretrained` loads it) with bos/eos
"<|endoftext|>" and, like GPT-2, no pad token: the Tokenizer tab teaches the pad-token fix with it.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from core.messages import UserError
from core.ownership import may_change
from core.runs.files import write_json_atomic
from core.tokenizer.length_stats import check_columns
from core.tokenizer.loading import OWNER_FILE, TRAINED_PREFIX, forget, tokenizers_dir, trained_info

log = logging.getLogger(__name__)

END_OF_TEXT = "<|endoftext|>"
VOCAB_MIN, VOCAB_MAX = 300, 32_000
TRAIN_MAX_ROWS = 50_000
TRAIN_MAX_CHARS = 20_000_000
MODEL_MAX_LENGTH = 1024            # GPT-2's context; gives the length checks a maximum to talk about
_save_lock = threading.Lock()


def safe_name(name: str) -> str:
    """A folder name made of letters, digits, '.', '_' and '-' (so it cannot leave the tokenizers folder)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", (name or "").strip()).strip(".-_")[:64]
    if not cleaned:
        raise UserError("Tokenizer name {name!r} has no usable characters: use letters, digits, - or _, e.g. reviews-bpe",
                        name=name)
    return cleaned


def tokenizer_folder(name: str) -> Path:
    """Where a trained tokenizer of this name lives (always directly inside tokenizers_dir())."""
    root = tokenizers_dir().resolve()
    folder = (root / safe_name(name)).resolve()
    if folder.parent != root:
        raise UserError("Tokenizer name {name!r} would leave the tokenizers folder: use a plain name", name=name)
    return folder


def dataset_texts(dataset, columns: list[str], max_rows: int = TRAIN_MAX_ROWS,
                  max_chars: int = TRAIN_MAX_CHARS) -> Iterator[str]:
    """The non-empty texts of the chosen column(s), in order, stopping at max_rows / max_chars."""
    columns = check_columns(dataset, columns)
    subset = dataset.select(range(min(len(dataset), max_rows)))
    used = 0
    for batch in subset.iter(batch_size=1_000):
        for values in zip(*(batch[c] for c in columns)):
            for text in values:
                if text and str(text).strip():
                    used += len(str(text))
                    yield str(text)
            if used >= max_chars:
                return


def train_bpe(texts: Iterable[str], name: str, vocab_size: int = 4000, min_frequency: int = 2,
              owner: str = "", private: bool = False) -> dict:
    """Train a byte-level BPE tokenizer and save it as tokenizers_dir()/<safe name>, owned by owner.

    private: it learned from the owner's own upload, so only they may use it (its vocabulary holds their words).

    Returns {"name": "trained/<safe>", "vocab_size", "requested_vocab_size", "texts", "seconds"}; ValueError for a
    bad name, a name another visitor's tokenizer has, a vocab size outside VOCAB_MIN..VOCAB_MAX, or no text.
    Everyone may load a trained tokenizer; only its owner may train it again.
    """
    # slow import, deferred to first use
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    folder = tokenizer_folder(name)
    check_may_retrain(folder, owner)
    if isinstance(vocab_size, bool) or int(vocab_size) != vocab_size or not VOCAB_MIN <= vocab_size <= VOCAB_MAX:
        raise UserError("vocab_size={value!r} is out of range: use {low}..{high}, e.g. 4000", value=vocab_size, low=VOCAB_MIN,
                        high=VOCAB_MAX)
    counter = _Counter(texts)
    start = time.perf_counter()
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=int(vocab_size), min_frequency=min_frequency,
                                  special_tokens=[END_OF_TEXT], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    backend.train_from_iterator(counter, trainer=trainer)
    if counter.count == 0:
        raise UserError("There is no text to train on: choose a dataset whose text column has rows")
    tok = PreTrainedTokenizerFast(tokenizer_object=backend, bos_token=END_OF_TEXT, eos_token=END_OF_TEXT,
                                  model_max_length=MODEL_MAX_LENGTH)
    _save(tok, folder, owner, private)
    seconds = time.perf_counter() - start
    log.info("trained BPE %s: vocab %d on %d texts in %.1f s", folder.name, len(tok), counter.count, seconds)
    return {"name": TRAINED_PREFIX + folder.name, "vocab_size": len(tok),
            "requested_vocab_size": int(vocab_size), "texts": counter.count, "seconds": round(seconds, 2)}


class _Counter:
    """Passes texts through to the trainer and counts them."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts, self.count = texts, 0

    def __iter__(self) -> Iterator[str]:
        for text in self.texts:
            self.count += 1
            yield text


def check_may_retrain(folder: Path, owner: str) -> None:
    """A name belongs to the visitor who first trained it (core.ownership)."""
    if not folder.exists() or may_change(str(trained_info(folder).get("owner") or ""), owner):
        return
    raise UserError("A tokenizer named {name!r} was trained by another visitor: choose another name",
                    name=folder.name)


def _save(tok, folder: Path, owner: str, private: bool) -> None:
    """Save beside the target, then swap it in, so a reader never sees half a folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}"
    tok.save_pretrained(str(staging))
    write_json_atomic(staging / OWNER_FILE, {"owner": owner, "private": private})
    with _save_lock:
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
        forget(folder)
