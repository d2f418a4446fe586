"""The tokenizer call's settings (validated), its result as plain data, and plain-words explanations."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

import pandas as pd

from core.messages import N_, UserError, say
from core.sources import EMBEDDED_MODEL

MAX_LENGTH_LIMIT = 100_000
MAX_TEXT_CHARS = 2_000_000        # a pasted megabyte is fine; beyond this the page is asked for less
MAX_BATCH = 64                    # lines in batch mode
MAX_SHOWN_SEQUENCES = 16          # sequences rendered token by token
DISPLAY_TOKENS = 512              # tokens rendered per sequence
DECODED_CHARS = 2_000
EMBEDDED_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
TABLE_COLUMNS = ["sequence", "position", "token", "id", "attention_mask", "token_type_id", "special?"]

PADDING = {"false": False, "longest": "longest", "max_length": "max_length"}
TRUNCATION = {"false": False, "longest_first": "longest_first", "only_first": "only_first",
              "only_second": "only_second"}
TENSORS = {"": "", "none": "", "pt": "pt", "np": "np"}


class NoPadTokenError(UserError):
    """Padding was asked of a tokenizer that has no pad token (GPT-2 and BPE tokenizers trained here)."""

    def __init__(self, original: str = "") -> None:
        super().__init__(N_(
            "This tokenizer has no pad token, so it cannot pad (transformers: \"Asking to pad but the "
            "tokenizer does not have a padding token\"). GPT-2-style tokenizers are trained without one: "
            "a sequence simply ends where its text ends. Padding needs some id to fill the short rows "
            "with. The standard fix is `tokenizer.pad_token = tokenizer.eos_token`: the filler reuses the "
            "end-of-text id and the attention mask (0) tells the model to ignore it. Or turn padding off."))
        self.original = original


def _canon(value, table: dict, what: str, true_means: str) -> str:
    key = str(value).strip().lower()  # True -> "true", False -> "false"
    key = {"true": true_means, "": "false", "none": "false", "do_not_pad": "false",
           "do_not_truncate": "false"}.get(key, key)
    if key not in table:
        raise UserError("{what}={value!r} is not a choice: use one of {choices} (or True/False)", what=what, value=value,
                        choices=", ".join(table))
    return key


@dataclass(frozen=True)
class EncodeSettings:
    """Every argument of `tokenizer(text, text_pair, ...)` the playground exposes, validated."""

    padding: str = field(default="false", metadata={"help": "False: no padding · 'longest' (= True): pad "
                         "to the longest sequence in the batch · 'max_length': pad every row to max_length"})
    truncation: str = field(default="false", metadata={"help": "False: keep every token · True "
                            "('longest_first'): cut the longer text of a pair first · 'only_first' / "
                            "'only_second': cut only that text of a pair"})
    max_length: int | None = field(default=None, metadata={"help": "The length truncation cuts to and "
                                   "padding='max_length' fills to (special tokens included); None: the "
                                   "model's maximum"})
    add_special_tokens: bool = field(default=True, metadata={"help": "Add the model's markers, e.g. "
                                     "[CLS] at the start and [SEP] at the end (BERT)"})
    return_attention_mask: bool = field(default=True, metadata={"help": "Also return the mask: 1 for a "
                                        "real token, 0 for padding the model must ignore"})
    return_token_type_ids: bool = field(default=True, metadata={"help": "Also return segment ids: 0 for "
                                        "the first text, 1 for the pair (BERT-style models)"})
    padding_side: str = field(default="", metadata={"help": "Where padding goes: right (BERT, "
                              "classification) or left (decoder models generating text); empty: the "
                              "tokenizer's own"})
    return_tensors: str = field(default="pt", metadata={"help": "'pt' (PyTorch) or 'np' (NumPy) "
                                "tensors, shown as their shape; none: plain Python lists"})

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen dataclass)
        set_("padding", _canon(self.padding, PADDING, "padding", "longest"))
        set_("truncation", _canon(self.truncation, TRUNCATION, "truncation", "longest_first"))
        set_("max_length", _check_max_length(self.max_length))
        side = (self.padding_side or "").strip().lower()
        if side not in {"", "right", "left"}:
            raise UserError("padding_side={value!r} is not a choice: use right or left", value=self.padding_side)
        set_("padding_side", side)
        tensors = str(self.return_tensors or "").strip().lower()
        if tensors not in TENSORS:
            raise UserError("return_tensors={value!r} is not a choice: use pt, np or none", value=self.return_tensors)
        set_("return_tensors", TENSORS[tensors])
        for name in ("add_special_tokens", "return_attention_mask", "return_token_type_ids"):
            set_(name, bool(getattr(self, name)))

    @classmethod
    def field_help(cls) -> dict[str, str]:
        """One line per setting, for the UI's info= texts."""
        return {f.name: f.metadata["help"] for f in fields(cls)}

    @classmethod
    def from_dict(cls, data: dict | None) -> "EncodeSettings":
        """Build from JSON (unknown keys are an error, so a typo is not silently ignored)."""
        data = dict(data or {})
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise UserError("Unknown setting(s) {unknown}: use {choices}", unknown=", ".join(sorted(unknown)),
                            choices=", ".join(f.name for f in fields(cls)))
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)

    def check_inputs(self, has_pair: bool) -> None:
        """Settings that need a text pair fail clearly when there is none."""
        if self.truncation == "only_second" and not has_pair:
            raise UserError("truncation 'only_second' cuts the second text of a pair, but there is no "
                            "pair: type a text pair, or use True / 'only_first'")

    def call_kwargs(self) -> dict:
        """The keyword arguments for tokenizer(...), return_tensors aside."""
        kwargs = {"padding": PADDING[self.padding], "truncation": TRUNCATION[self.truncation],
                  "max_length": self.max_length, "add_special_tokens": self.add_special_tokens,
                  "return_attention_mask": self.return_attention_mask,
                  "return_token_type_ids": self.return_token_type_ids}
        if self.padding_side:
            kwargs["padding_side"] = self.padding_side
        return kwargs


def _check_max_length(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise UserError("max_length must be a whole number, e.g. 128")
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise UserError("max_length={value!r} is not a number: use e.g. 128", value=value) from err
    if math.isnan(number) or number != int(number):
        raise UserError("max_length={value!r} must be a whole number, e.g. 128", value=value)
    if number <= 0:
        raise UserError("max_length={value} leaves no room for any token: use at least 1, e.g. 128 "
                        "(or leave it empty for the model's maximum)", value=int(number))
    if number > MAX_LENGTH_LIMIT:
        raise UserError("max_length={value:,} is over the {limit:,} limit: models take 512-8192 tokens, so use e.g. 512",
                        value=int(number), limit=MAX_LENGTH_LIMIT)
    return int(number)


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


# ---------------------------------------------------------------- explanations

def model_max(tok) -> int | None:
    """The model's max sequence length, or None when the tokenizer sets none (a huge sentinel)."""
    value = int(tok.model_max_length)
    return value if value < 10**8 else None


_KNOWN = ("longer than the specified maximum sequence length", "is ignored when `padding`=`True`")


def explain_message(message: str) -> str:
    """A transformers warning in plain words; '' when explain_settings already says it with numbers."""
    if any(key in message for key in _KNOWN):
        return ""
    return say("transformers says: {message}", message=message.strip())


def explain_settings(tok, settings: EncodeSettings, has_pair: bool, lengths: list[int]) -> list[str]:
    """What these settings did (or did not do) to this batch, in plain words."""
    m, pad, trunc = settings.max_length, settings.padding, settings.truncation
    limit = model_max(tok)
    notes = []
    if m and trunc == "false" and pad == "false":
        notes.append(say("max_length={m} does nothing here: it is used only by truncation (cut longer "
                         "sequences) and by padding='max_length' (fill shorter ones).", m=m))
    if m and trunc == "false" and pad == "longest":
        notes.append(say("padding='longest' pads to the longest sequence in the batch and ignores max_length={m} "
                         "(transformers warns about this). Use padding='max_length' for a fixed width, or "
                         "turn on truncation.", m=m))
    too_long = sum(n > m for n in lengths) if m else 0
    if pad == "max_length" and trunc == "false" and too_long:
        notes.append(say("padding='max_length' only adds tokens: {count} sequence(s) longer than max_length={m} "
                         "stay longer. Turn on truncation to cut them to the same width.", count=too_long, m=m))
    if m is None and (pad == "max_length" or trunc != "false"):
        notes.append(say("No max_length: padding/truncation use the model's maximum ({limit}).", limit=limit)
                     if limit else say("No max_length and this tokenizer sets no model maximum, so transformers "
                                       "skips padding='max_length' and truncation: set a max_length."))
    if trunc == "only_first" and not has_pair:
        notes.append(say("'only_first' is a strategy for pairs; with a single text it cuts that text, like True."))
    if pad == "longest" and len(lengths) == 1:
        notes.append(say("padding='longest' pads to the longest sequence of the batch: one text has nothing "
                         "to be padded to. Use batch mode (one text per line) or padding='max_length'."))
    specials = tok.num_special_tokens_to_add(pair=has_pair) if settings.add_special_tokens else 0
    if m and trunc != "false" and m <= specials:
        notes.append(say("max_length={m} leaves no room for text: the special tokens alone take {specials}.", m=m,
                         specials=specials))
    over = [n for n in lengths if limit and n > limit]
    if over:
        notes.append(say("{count} sequence(s) are longer than the model's maximum of {limit} tokens (up to "
                         "{longest:,}): the model has no position for the extra tokens and would fail with an "
                         "index error. Turn on truncation (with max_length <= the maximum).", count=len(over),
                         limit=limit, longest=max(over)))
    return notes


# ---------------------------------------------------------------- result

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
    return EncodeResult(name or tok.name_or_path, sequences, len(ids_all), shape, notes, code)
