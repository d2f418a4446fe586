"""One tokenizer call as plain data: per-sequence token views (capped for display), the shape, the notes and
the Python that makes the same call."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from core.messages import say
from core.sources import EMBEDDED_HUB_ID, EMBEDDED_MODEL
from core.tokenizer.call_settings import EncodeSettings
from core.tokenizer.explanations import explain_settings

MAX_SHOWN_SEQUENCES = 16          # sequences rendered token by token
DISPLAY_TOKENS = 512              # tokens rendered per sequence
DECODED_CHARS = 2_000
TABLE_COLUMNS = ["sequence", "position", "token", "id", "attention_mask", "token_type_id", "special?"]


def python_snippet(name: str, settings: EncodeSettings, has_pair: bool, pad_to_eos: bool = False) -> str:
    """The plain Python that makes the same call."""
    shown = EMBEDDED_HUB_ID if name in ("", EMBEDDED_MODEL) else name
    lines = ["from transformers import AutoTokenizer", "",
             f"tokenizer = AutoTokenizer.from_pretrained({shown!r})"]
    if pad_to_eos:
        lines.append("tokenizer.pad_token = tokenizer.eos_token  # GPT-2 has no pad token")
    defaults = EncodeSettings()
    args = ["texts"] + (["pairs"] if has_pair else [])
    for key, value in settings.call_kwargs().items():
        if key in ("padding", "truncation", "max_length") or value != getattr(defaults, key):
            args.append(f"{key}={value!r}")
    if settings.return_tensors:
        args.append(f"return_tensors={settings.return_tensors!r}")
    lines.append(f"encoded = tokenizer({', '.join(args)})")
    return "\n".join(lines)


@dataclass
class EncodeResult:
    """One tokenizer call: per-sequence token views (display-capped), shape text, notes, code."""

    tokenizer: str
    sequences: list[dict]
    n_sequences: int
    shape: str
    notes: list[str]
    python: str

    def table(self) -> pd.DataFrame:
        """One row per shown token: sequence, position, token, id, attention_mask, token_type_id, special?"""
        rows = []
        for seq in self.sequences:
            mask, types = seq["attention_mask"], seq["token_type_ids"]
            for pos, (token, tid) in enumerate(zip(seq["tokens"], seq["input_ids"])):
                kind = "pad" if seq["pad"][pos] else "yes" if seq["special"][pos] else ""
                rows.append({"sequence": seq["index"], "position": pos, "token": token, "id": tid,
                             "attention_mask": mask[pos] if mask else None,
                             "token_type_id": types[pos] if types else None, "special?": kind})
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    def to_dict(self) -> dict:
        """Plain JSON-able data (the API's answer)."""
        return asdict(self)


def _as_lists(value) -> list[list[int]] | None:
    if value is None:
        return None
    return value.tolist() if hasattr(value, "tolist") else [list(row) for row in value]


def _pad_flags(ids: list[int], mask: list[int] | None, pad_id: int | None, side: str) -> list[bool]:
    if mask is not None:
        return [m == 0 for m in mask]
    flags = [False] * len(ids)  # no mask returned: padding is the run of pad ids on the padding side
    order = range(len(ids) - 1, -1, -1) if side == "right" else range(len(ids))
    for i in order:
        if pad_id is None or ids[i] != pad_id:
            break
        flags[i] = True
    return flags


def build_result(tok, texts: list[str], pairs: list[str] | None, settings: EncodeSettings, enc, shape: str,
                 name: str = "", pad_to_eos: bool = False) -> EncodeResult:
    """Turn a BatchEncoding into display-capped token views (call it holding the tokenizer lock)."""
    ids_all = _as_lists(enc["input_ids"])
    masks, types = _as_lists(enc.get("attention_mask")), _as_lists(enc.get("token_type_ids"))
    lengths = [len(row) for row in ids_all]
    notes = explain_settings(tok, settings, bool(pairs), lengths)
    if any(n > DISPLAY_TOKENS for n in lengths):
        notes.append(say("Showing the first {shown} tokens of each sequence (longest: {longest:,}).",
                         shown=DISPLAY_TOKENS, longest=max(lengths)))
    if len(ids_all) > MAX_SHOWN_SEQUENCES:
        notes.append(say("Showing the first {shown} of {count} sequences.", shown=MAX_SHOWN_SEQUENCES,
                         count=len(ids_all)))
    special_ids = set(tok.all_special_ids)
    side = settings.padding_side or tok.padding_side
    sequences = []
    for i, ids in enumerate(ids_all[:MAX_SHOWN_SEQUENCES]):
        cut = ids[:DISPLAY_TOKENS]
        mask = masks[i] if masks else None
        pad = _pad_flags(ids, mask, tok.pad_token_id, side)[:DISPLAY_TOKENS]
        source = texts[i] + (" " + pairs[i] if pairs else "")
        clean = tok.decode(cut, skip_special_tokens=True)  # decoding only what is shown keeps 1 MB fast
        sequences.append({
            "index": i, "text": source[:200], "n_tokens": len(ids), "shown": len(cut),
            "tokens": tok.convert_ids_to_tokens(cut), "input_ids": cut,
            "attention_mask": mask[:DISPLAY_TOKENS] if mask else None,
            "token_type_ids": types[i][:DISPLAY_TOKENS] if types else None,
            "special": [t in special_ids and not p for t, p in zip(cut, pad)], "pad": pad,
            "decoded": tok.decode(cut, skip_special_tokens=False)[:DECODED_CHARS],
            "decoded_without_special": clean[:DECODED_CHARS],
            "round_trip_exact": " ".join(clean.split()) == " ".join(source.split()) if len(cut) == len(ids)
            else None,
        })
    code = python_snippet(name, settings, bool(pairs), pad_to_eos)
    return EncodeResult((name or "").strip() or EMBEDDED_MODEL, sequences, len(ids_all), shape, notes, code)
