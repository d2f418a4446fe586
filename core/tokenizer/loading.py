"""Load tokenizers by name (embedded, Hub id, local folder, trained/<name>) and describe them.

Tokenizers are cached process-wide (many sessions share one) and never mutated after loading: the
pad-token fix is a separate cache entry.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from cachetools import LRUCache, cached

from core import sources
from core.messages import N_, UserError
from core.settings import get_settings
from core.tokenizer.explanations import model_max

log = logging.getLogger(__name__)

HUB_EXAMPLES = ("bert-base-cased", "gpt2", "distilbert-base-uncased")
TRAINED_PREFIX = "trained/"
ROLES = (("CLS", "cls_token"), ("SEP", "sep_token"), ("PAD", "pad_token"), ("UNK", "unk_token"),
         ("MASK", "mask_token"), ("BOS", "bos_token"), ("EOS", "eos_token"))
_cache: LRUCache = LRUCache(maxsize=8)
_cache_lock = threading.Lock()


# ---------------------------------------------------------------- loading

def tokenizers_dir() -> Path:
    """Where trained tokenizers are saved: beside the runs folder."""
    return get_settings().runs_dir.parent / "tokenizers"


def tokenizer_choices() -> list[str]:
    """The embedded tokenizer, the tutorial Hub ids, and every tokenizer trained here."""
    root = tokenizers_dir()
    trained = sorted(TRAINED_PREFIX + p.name for p in root.iterdir()
                     if (p / "tokenizer_config.json").exists()) if root.is_dir() else []
    return [sources.EMBEDDED_MODEL, *HUB_EXAMPLES, *trained]


def resolve_tokenizer(name: str) -> str:
    """What from_pretrained takes: a folder path or a Hub id (ValueError offline or for a bad name)."""
    name = (name or "").strip()
    if name.startswith(TRAINED_PREFIX):
        folder = tokenizers_dir() / name[len(TRAINED_PREFIX):]
        if folder.resolve().parent != tokenizers_dir().resolve() or not folder.is_dir():
            raise UserError("No trained tokenizer {name!r}: train one first, or pick another tokenizer", name=name)
        return str(folder)
    return sources.resolve_model(name)


def load_tokenizer(name: str, pad_to_eos: bool = False):
    """A tokenizer by name (embedded, Hub id, local folder, trained/<name>), from the shared LRU cache.

    pad_to_eos applies the GPT-2 fix `tokenizer.pad_token = tokenizer.eos_token` (a separate entry).
    """
    return _load_resolved(resolve_tokenizer(name), bool(pad_to_eos), name)


@cached(_cache, lock=_cache_lock, key=lambda location, pad_to_eos, name: (location, pad_to_eos))
def _load_resolved(location: str, pad_to_eos: bool, name: str):
    tok = _from_pretrained(location, name)
    if pad_to_eos:
        ensure_pad_token(tok)
    return tok


def forget(path: str | Path) -> None:
    """Drop cached copies of a folder's tokenizer (it was retrained in place)."""
    target = Path(path).resolve()
    with _cache_lock:
        for key in [k for k in _cache if Path(k[0]).resolve() == target]:
            _cache.pop(key, None)


def _from_pretrained(location: str, name: str):
    from transformers import AutoTokenizer  # slow import, deferred to first use

    try:
        return AutoTokenizer.from_pretrained(location, trust_remote_code=False)
    except (OSError, ValueError, KeyError, TypeError) as err:
        # a public server says no more than that: the library's text can name server paths
        detail = N_("not found, or not a tokenizer") if get_settings().public else \
            f"{type(err).__name__}: {(str(err).splitlines() or [''])[0][:200]}"
        fields = dict(name=name or location, examples=", ".join(HUB_EXAMPLES), error=detail)
        if Path(location).is_dir() and not get_settings().public:
            raise UserError("Tokenizer {name!r} could not be loaded as a folder ({error}). Check the name, e.g. "
                            "{examples}, or a folder with tokenizer files", **fields) from err
        raise UserError("Tokenizer {name!r} could not be loaded as a Hub id ({error}). Check the name, e.g. "
                        "{examples}, or a folder with tokenizer files", **fields) from err


def ensure_pad_token(tok, add: bool = False) -> str:
    """Give a tokenizer without a pad token (GPT-2, BPE trained here) one; the one definition of this fix.

    The standard fix is `tokenizer.pad_token = tokenizer.eos_token`: padding reuses the end-of-text id and the
    attention mask hides it. A tokenizer with no eos token either gets a new [PAD] token when add is True
    (training then resizes the model's embeddings) and is refused otherwise. Returns what was done:
    "" (it had one), "eos" or "added".
    """
    if tok.pad_token is not None:
        return ""
    if tok.eos_token is not None:
        tok.pad_token = tok.eos_token
        return "eos"
    if not add:
        raise UserError("This tokenizer has neither a pad nor an eos token: add one with {code} (and resize the "
                        "model)", code="tokenizer.add_special_tokens({'pad_token': '[PAD]'})")
    tok.add_special_tokens({"pad_token": "[PAD]"})
    return "added"


def describe_tokenizer(tok) -> dict:
    """Special tokens with ids, vocab size, max length, fast/slow and the padding/truncation sides."""
    special = [{"role": role, "attribute": attr, "token": getattr(tok, attr),
                "id": getattr(tok, attr + "_id")} for role, attr in ROLES if getattr(tok, attr, None)]
    return {
        "name": tok.name_or_path,
        "class": type(tok).__name__,
        "fast": bool(tok.is_fast),
        "vocab_size": len(tok),
        "model_max_length": model_max(tok),
        "padding_side": tok.padding_side,
        "truncation_side": tok.truncation_side,
        "special_tokens": special,
        "has_pad_token": tok.pad_token is not None,
    }
