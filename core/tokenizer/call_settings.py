"""EncodeSettings: the arguments of tokenizer(text, text_pair, ...) the playground exposes, validated, and the
error a tokenizer without a pad token raises."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from core.messages import N_, UserError, check_known_fields

MAX_LENGTH_LIMIT = 8192  # the longest max_length accepted anywhere: long-context models take 8192 tokens
MAX_ENCODE_CHARS = 2_000_000      # a pasted megabyte is fine; beyond this the page is asked for less
MAX_BATCH = 64                    # lines in batch mode

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
    def from_dict(cls, data) -> "EncodeSettings":
        """Build from JSON: an object of known settings (a typo is refused, naming the closest one)."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise UserError("settings: expected an object such as {example}, got {value!r}",
                            example='{"padding": "longest", "truncation": true}', value=data)
        check_known_fields(data, [f.name for f in fields(cls)], N_("tokenizer settings"))
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
