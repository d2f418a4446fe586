"""Encode text with every padding / truncation setting, each effect explained; compare two tokenizers.

Every call into a tokenizer holds `_call_lock`, because a fast tokenizer's padding/truncation state is set
on the shared Rust object for each call (tokenizers are shared by every session, core.tokenizer.loading).
"""

from __future__ import annotations

import logging
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from core import sources
from core.messages import UserError, say
from core.tokenizer.call_settings import MAX_BATCH, MAX_ENCODE_CHARS, EncodeSettings, NoPadTokenError
from core.tokenizer.explanations import explain_message
from core.tokenizer.result import DISPLAY_TOKENS, EncodeResult, build_result

PADDED_CELL_LIMIT = 2_000_000     # n_sequences x padded width; beyond it padding would eat memory
_call_lock = threading.RLock()


def parse_inputs(text: str, text_pair: str = "", batch: bool = False) -> tuple[list[str], list[str] | None, list[str]]:
    """Turn the text boxes into (texts, pairs or None, notes); ValueError for empty or oversize input."""
    text, text_pair = text or "", text_pair or ""
    if not isinstance(text, str) or not isinstance(text_pair, str):
        raise UserError("The text must be text, not {kind}: type a sentence to tokenize",
                        kind=type(text if not isinstance(text, str) else text_pair).__name__)
    if not text.strip():
        raise UserError("The text is empty: type a sentence to tokenize")
    if len(text) + len(text_pair) > MAX_ENCODE_CHARS:
        raise UserError("The text is {count:,} characters, over the {limit:,} limit: paste a shorter excerpt",
                        count=len(text) + len(text_pair), limit=MAX_ENCODE_CHARS)
    if not batch:
        return [text], ([text_pair] if text_pair.strip() else None), []
    texts = [line for line in text.splitlines() if line.strip()]
    pairs = [line for line in text_pair.splitlines() if line.strip()] or None
    if pairs is not None and len(pairs) != len(texts):
        raise UserError("Batch mode pairs line by line, but there are {texts} texts and {pairs} pairs: give one pair "
                        "line per text line, or clear the pair box", texts=len(texts), pairs=len(pairs))
    notes = []
    if len(texts) > MAX_BATCH:
        notes.append(say("Batch mode uses the first {shown} of {count} lines.", shown=MAX_BATCH, count=len(texts)))
        texts, pairs = texts[:MAX_BATCH], pairs[:MAX_BATCH] if pairs else None
    return texts, pairs, notes


def encode(tok, texts: list[str], pairs: list[str] | None = None,
           settings: EncodeSettings | None = None, *, name: str = "", pad_to_eos: bool = False) -> EncodeResult:
    """Call the tokenizer on a batch exactly as the settings say; every warning comes back explained.

    Raises NoPadTokenError (a ValueError) when padding is asked of a tokenizer without a pad token,
    and ValueError for settings the inputs cannot satisfy.
    """
    settings = settings or EncodeSettings()
    settings.check_inputs(has_pair=bool(pairs))
    captured: list[str] = []
    with call_lock(captured):
        _guard_padded_size(tok, texts, pairs, settings)
        enc, shape = _call_tokenizer(tok, texts, pairs, settings)
        result = build_result(tok, texts, pairs, settings, enc, shape, name=name, pad_to_eos=pad_to_eos)
    result.notes[:0] = [note for note in captured if note not in result.notes]
    return result


def _call_tokenizer(tok, texts, pairs, settings: EncodeSettings):
    kwargs = settings.call_kwargs()
    try:
        enc = tok(texts, pairs, return_tensors=settings.return_tensors or None, **kwargs)
    except ValueError as err:
        if "padding token" in str(err):
            raise NoPadTokenError(str(err)) from err
        if "Unable to create tensor" not in str(err):
            raise UserError("The tokenizer refused these settings: {error}", error=err) from err
        enc = tok(texts, pairs, **kwargs)
        lengths = [len(ids) for ids in enc["input_ids"]]
        return enc, say(
            "{tensors}: cannot make a tensor, the sequences have different lengths ({lengths}). A tensor is a "
            "rectangle: turn on padding ('longest', or 'max_length' with truncation) so every row has "
            "the same length", tensors=settings.return_tensors,
            lengths=", ".join(map(str, lengths[:12])) + (" ..." if len(lengths) > 12 else ""))
    except Exception as err:  # the Rust backend raises a bare Exception for impossible truncations
        raise _explain_backend_error(err, settings) from err
    ids = enc["input_ids"]
    if settings.return_tensors:
        return enc, f"{settings.return_tensors}: {ids.shape}"
    lengths = sorted({len(row) for row in ids})
    return enc, (f"lists: {len(ids)} × {lengths[0]}" if len(lengths) == 1 else
                 f"lists: {len(ids)} sequences, ragged (lengths {lengths[0]}..{lengths[-1]})")


def _explain_backend_error(err: Exception, settings: EncodeSettings) -> UserError:
    text = str(err)
    if "too short" in text:
        return UserError("Truncation {truncation!r} cannot reach max_length={m}: the sequence it may cut is too "
                         "short to remove enough tokens. Raise max_length, or use truncation 'longest_first', "
                         "which cuts from both texts", truncation=settings.truncation, m=settings.max_length)
    if "Second sequence not provided" in text:
        return UserError("truncation 'only_second' needs a text pair: type a second text, or choose another strategy")
    return UserError("The tokenizer refused these settings: {error}", error=text)


def _guard_padded_size(tok, texts, pairs, settings: EncodeSettings) -> None:
    """Refuse a padded batch that would fill millions of cells (a long line padded onto every row)."""
    if settings.padding == "false" or len(texts) < 2 or sum(map(len, texts)) < 50_000:
        return
    kwargs = dict(settings.call_kwargs(), padding=False, return_attention_mask=False,
                  return_token_type_ids=False)
    width = max(len(ids) for ids in tok(texts, pairs, **kwargs)["input_ids"])
    if settings.padding == "max_length" and settings.max_length:
        width = max(width, settings.max_length)
    if width * len(texts) > PADDED_CELL_LIMIT:
        raise UserError("Padding {count} sequences to {width:,} tokens would make {cells:,} cells: turn on truncation "
                        "with a max_length, or tokenize the long line on its own", count=len(texts), width=width,
                        cells=width * len(texts))


@contextmanager
def call_lock(notes: list[str]) -> Iterator[None]:
    """Hold the tokenizer lock and turn transformers' warnings and log lines into explained notes."""
    handler = _ThreadHandler(threading.get_ident())
    logger = logging.getLogger("transformers")
    with _call_lock, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
    ours = [w for w in caught if _from_tokenization_code(w.filename)]
    for w in caught:  # warnings are process-wide: another thread's (e.g. a training job's) go back out
        if w not in ours:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    for message in [str(w.message) for w in ours] + handler.messages:
        note = explain_message(message)
        if note and note not in notes:
            notes.append(note)


def _from_tokenization_code(filename: str) -> bool:
    path = Path(filename)
    return path.name.startswith("tokenization_") and "transformers" in path.parts


class _ThreadHandler(logging.Handler):
    """Collects transformers log lines emitted by one thread (other sessions' lines are not ours)."""

    def __init__(self, thread_id: int) -> None:
        super().__init__(logging.INFO)
        self.thread_id, self.messages = thread_id, []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread_id and record.levelno >= logging.WARNING:
            self.messages.append(record.getMessage())


# ---------------------------------------------------------------- comparing

def compare(tok_a, tok_b, text: str, names: tuple[str, str] = ("A", "B")) -> dict:
    """The same text through two tokenizers: {"a": {...}, "b": {...}} with tokens and counts each."""
    texts, _, _ = parse_inputs(text)
    out = {}
    for key, name, tok in zip(("a", "b"), names, (tok_a, tok_b)):
        with call_lock([]):
            ids = tok(texts[0], add_special_tokens=True, verbose=False)["input_ids"]
            tokens = tok.convert_ids_to_tokens(ids[:DISPLAY_TOKENS])
        shown, special = ids[:DISPLAY_TOKENS], set(tok.all_special_ids)
        unk = tok.unk_token_id
        out[key] = {"name": name or sources.EMBEDDED_MODEL, "tokens": tokens, "special": [i in special for i in shown],
                    "count": len(ids), "shown": len(shown), "words": len(texts[0].split()),
                    "unk": 0 if unk is None else ids.count(unk)}
    return out
