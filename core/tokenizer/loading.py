"""Load tokenizers by name (embedded, Hub id, local folder, trained/<name>) and describe them.

Tokenizers are cached process-wide (many sessions share one) and never mutated after loading: the
pad-token fix is a separate cache entry.
"""

from __future__ import annotations

import json
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
OWNER_FILE = "fts_owner.json"  # in a trained tokenizer's folder: who trained it, and on whose data
ROLES = (("CLS", "cls_token"), ("SEP", "sep_token"), ("PAD", "pad_token"), ("UNK", "unk_token"),
         ("MASK", "mask_token"), ("BOS", "bos_token"), ("EOS", "eos_token"))
_cache: LRUCache = LRUCache(maxsize=8)
_cache_lock = threading.Lock()


# ---------------------------------------------------------------- loading

def tokenizers_dir() -> Path:
    """Where trained tokenizers are saved: beside the runs folder."""
    return get_settings().runs_dir.parent / "tokenizers"


def trained_info(folder: Path) -> dict:
    """Who trained the tokenizer in folder, and whether it learned from their own upload (then it is theirs alone:
    its vocabulary would show other visitors the words of the file). {} for one trained before this was kept."""
    try:
        info = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return info if isinstance(info, dict) else {}


def _visible(folder: Path, owner: str) -> bool:
    info = trained_info(folder)
    return not info.get("private") or (bool(owner) and info.get("owner") == owner)


def tokenizer_choices(owner: str = "") -> list[str]:
    """The embedded tokenizer, the tutorial Hub ids, and the tokenizers trained here that this visitor may use."""
    root = tokenizers_dir()
    trained = sorted(TRAINED_PREFIX + p.name for p in root.iterdir()
                     if (p / "tokenizer_config.json").exists() and _visible(p, owner)) if root.is_dir() else []
    return [sources.EMBEDDED_MODEL, *HUB_EXAMPLES, *trained]


def resolve_tokenizer(name: str, owner: str = "") -> str:
    """What from_pretrained takes: a folder path or a Hub id (ValueError offline or for a bad name).

    A tokenizer trained on someone's upload is theirs alone: for anyone else it does not exist.
    """
    sources.check_name(name, N_("Tokenizer"))
    name = (name or "").strip()
    if name.startswith(TRAINED_PREFIX):
        folder = tokenizers_dir() / name[len(TRAINED_PREFIX):]
        if folder.resolve().parent != tokenizers_dir().resolve() or not folder.is_dir() or not _visible(folder, owner):
            raise UserError("No trained tokenizer {name!r}: train one first, or pick another tokenizer", name=name)
        return str(folder)
    return sources.resolve_model(name)


def load_tokenizer(name: str, pad_to_eos: bool = False, owner: str = ""):
    """A tokenizer by name (embedded, Hub id, local folder, trained/<name>), from the shared LRU cache.

    pad_to_eos applies the GPT-2 fix `tokenizer.pad_token = tokenizer.eos_token` (a separate entry). owner: the
    visitor asking, who may use the tokenizers they trained on their own uploads.
    """
    return _load_resolved(resolve_tokenizer(name, owner), bool(pad_to_eos), name)


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


def describe_tokenizer(tok, name: str = "") -> dict:
    """Special tokens with ids, vocab size, max length, fast/slow and the padding/truncation sides.

    name: what the visitor called it (shown instead of where it was loaded from, which may be a server path).
    """
    special = [{"role": role, "attribute": attr, "token": getattr(tok, attr),
                "id": getattr(tok, attr + "_id")} for role, attr in ROLES if getattr(tok, attr, None)]
    return {
        "name": (name or "").strip() or sources.EMBEDDED_MODEL,
        "class": type(tok).__name__,
        "fast": bool(tok.is_fast),
        "vocab_size": len(tok),
        "model_max_length": model_max(tok),
        "padding_side": tok.padding_side,
        "truncation_side": tok.truncation_side,
        "special_tokens": special,
        "has_pad_token": tok.pad_token is not None,
    }
