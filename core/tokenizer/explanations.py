"""What tokenizer settings did (or did not do) to a batch, in plain words; transformers' warnings explained."""

from __future__ import annotations

from core.messages import say
from core.tokenizer.call_settings import EncodeSettings


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
