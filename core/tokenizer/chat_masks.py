"""Which tokens of a conversation supervised fine-tuning trains on: exactly the labels TRL's SFTTrainer builds.

TRL 1.16 (trl/trainer/sft_trainer.py, `_prepare_dataset`) tokenizes each conversation with the chat template and
sets labels to -100 where a token is not trained:
- `all`: a `messages` row, every token trained (labels are the input ids);
- `completion_only`: a prompt / completion row (here: every turn before the last answer, then the last answer);
  the prompt is rendered with the generation prompt, and training starts where the two renderings part
  (`common_prefix_length`): only the final answer is trained;
- `assistant_only`: `assistant_only_loss=True`; the template's `{% generation %}` markers tell
  `apply_chat_template(return_assistant_tokens_mask=True)` which tokens the assistant wrote; a template without
  them is swapped for TRL's training version when TRL knows one (`get_training_chat_template`).
Then `max_length` keeps the first tokens (truncation_mode keep_start) and a row left with no trained token is
dropped. TRL's collator pads labels with -100, so padding never hides a token of the row itself.
tests/test_chat_template.py compares these labels token by token with those of a real SFTTrainer.
"""

from __future__ import annotations

from core.data.conversations import check_messages, order_problem
from core.messages import UserError, say
from core.tokenizer.call_settings import MAX_LENGTH_LIMIT
from core.tokenizer.chat_template import DEFAULT_TEMPLATE_NAME, template_special_tokens, token_roles, with_template

LOSSES = ("all", "completion_only", "assistant_only")
DEFAULT_MAX_LENGTH = 1024  # SFTConfig's default


def trained_tokens(tokenizer, messages, loss: str = "assistant_only", max_length: int = DEFAULT_MAX_LENGTH) -> dict:
    """A conversation's tokens, each with its turn and whether SFT trains on it, and the warnings (with their fix)
    a learner must see before a run: {text, tokens, ids, roles, trained, kept, special_tokens, notes}."""
    _check_settings(loss, max_length)
    turns = check_messages(messages)
    notes = [problem for problem in [order_problem(turns, need_answer=True)] if problem]
    tok, borrowed = with_template(tokenizer)
    if borrowed:
        notes.append(say("This tokenizer has no chat template: shown with {default} (<|im_start|> ... <|im_end|>), "
                         "whose two tokens a model must learn - choose a chat model, or train with {default}",
                         default=DEFAULT_TEMPLATE_NAME))
    template, note = _training_template(tok, loss)
    notes += [note] if note else []
    ids, labels = _labels(tok, turns, loss, template)
    text = tok.apply_chat_template(turns, tokenize=False, chat_template=template)
    roles = token_roles(tok, text, ids, turns)
    kept = min(len(ids), max_length)
    trained = [label != -100 for label in labels[:kept]]
    if not any(trained):  # TRL drops a row left without a trained token: nothing of it is learned
        trained = [False] * kept
    trained += [False] * (len(ids) - kept)
    stop = _end_of_turn(tok, ids, roles)
    notes += _warnings(tok, ids, labels, trained, stop, loss, max_length)
    special = template_special_tokens(tok, ids)
    for entry in special:
        if stop is not None and entry["id"] == ids[stop]:
            entry["roles"].append("end_of_turn")
    return {"text": text, "tokens": tok.convert_ids_to_tokens(ids), "ids": ids, "roles": roles,
            "trained": trained, "kept": kept, "special_tokens": special, "notes": notes,
            "default_template": borrowed}


def _check_settings(loss: str, max_length: int) -> None:
    if loss not in LOSSES:
        raise UserError("loss: {value!r} is unknown - use one of {choices}", value=str(loss)[:40],
                        choices=", ".join(LOSSES))
    if isinstance(max_length, bool) or not isinstance(max_length, int) or not 1 <= max_length <= MAX_LENGTH_LIMIT:
        raise UserError("max_length: {value!r} is out of range - use 1..{limit}, e.g. {default}",
                        value=max_length, limit=MAX_LENGTH_LIMIT, default=DEFAULT_MAX_LENGTH)


def _training_template(tok, loss: str) -> tuple[str | None, str]:
    """The template TRL trains with (None: the tokenizer's own) and a note when it is not the tokenizer's."""
    if loss != "assistant_only":
        return None, ""
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers  # slow import

    if has_generation_markers(tok.chat_template):
        return None, ""
    try:
        swapped = get_training_chat_template(tok)
    except ValueError:  # TRL knows no training version: SFTTrainer stops with "no assistant tokens"
        return None, say("Assistant-only loss needs {{% generation %}} markers around the assistant's answer and "
                         "its end-of-turn token, and this template has none - add them, or choose completion-only "
                         "loss")
    return swapped, say("This template has no {{% generation %}} markers: for assistant-only loss TRL swaps in its "
                        "training version of it (shown here), which has them")


def _labels(tok, turns: list[dict], loss: str, template: str | None) -> tuple[list[int], list[int]]:
    """input_ids and labels (-100: not trained) as SFTTrainer's tokenize_fn and build_labels make them."""
    if loss == "completion_only":
        return _completion_labels(tok, turns)
    out = tok.apply_chat_template(turns, tokenize=True, return_dict=True, chat_template=template,
                                  return_assistant_tokens_mask=loss == "assistant_only")
    ids = list(out["input_ids"])
    if loss == "all":
        return ids, list(ids)
    return ids, [token if mask else -100 for token, mask in zip(ids, out["assistant_masks"])]


def _completion_labels(tok, turns: list[dict]) -> tuple[list[int], list[int]]:
    from trl.data_utils import common_prefix_length  # slow import, deferred to first use

    answer = 1 if turns[-1]["role"] == "assistant" else 0
    prompt, completion = turns[:len(turns) - answer], turns[len(turns) - answer:]
    prompt_ids = tok.apply_chat_template(prompt, tokenize=True, return_dict=True, add_generation_prompt=True)
    ids = list(tok.apply_chat_template(prompt + completion, tokenize=True, return_dict=True)["input_ids"])
    start = common_prefix_length(list(prompt_ids["input_ids"]), ids) if completion else len(ids)
    return ids, [-100] * start + ids[start:]


def _warnings(tok, ids, labels, trained, stop: int | None, loss: str, max_length: int) -> list[str]:
    """What would spoil the run, each with its fix: nothing trained, a cut answer, an untrained stop token."""
    notes = []
    wanted = [i for i, label in enumerate(labels) if label != -100]
    if wanted and not any(trained):
        notes.append(say("No assistant token is trained: max_length {max_length} cuts the conversation before its "
                         "answer, which ends at token {needed} - raise max_length to {needed} or shorten the prompt",
                         max_length=max_length, needed=wanted[-1] + 1))
    elif wanted and wanted[-1] >= max_length:
        notes.append(say("max_length {max_length} cuts the end of the answer (it ends at token {needed}): the model "
                         "learns answers that never stop - raise max_length to {needed}", max_length=max_length,
                         needed=wanted[-1] + 1))
    if stop is None:
        return notes
    pad = tok.pad_token or tok.eos_token  # SFTTrainer pads with the eos token when there is no pad token
    if pad == tok.convert_ids_to_tokens(ids[stop]):
        notes.append(say("The padding token {pad} is also the end-of-turn token: a collator that masks padding by "
                         "its id (transformers' DataCollatorForLanguageModeling) never trains the model to stop, and "
                         "generation can end at once - add a pad token of its own (e.g. <|pad|>)", pad=pad))
    if loss != "all" and any(trained) and not trained[stop] and stop < max_length:
        notes.append(say("The end-of-turn token {token} is not trained: the model never learns to stop - put it "
                         "inside the template's {{% generation %}} markers, or train on every token",
                         token=tok.convert_ids_to_tokens(ids[stop])))
    return notes


def end_of_turn_id(tokenizer) -> int | None:
    """The id of the token that closes an assistant turn in this tokenizer's template (<|im_end|>, <|eot_id|>), the
    one a chat model must learn to write; None when the template puts no special token there."""
    tok, _ = with_template(tokenizer)
    turns = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi"}]
    ids = list(tok.apply_chat_template(turns, tokenize=True, return_dict=True)["input_ids"])
    text = tok.apply_chat_template(turns, tokenize=False)
    stop = _end_of_turn(tok, ids, token_roles(tok, text, ids, turns))
    return None if stop is None else ids[stop]


def _end_of_turn(tok, ids: list[int], roles: list[str]) -> int | None:
    """The position of the token that closes the last assistant turn (a special token right after its text)."""
    answers = [i for i, role in enumerate(roles) if role == "assistant"]
    special = set(tok.all_special_ids) | set(tok.get_added_vocab().values())
    if answers and answers[-1] + 1 < len(ids) and ids[answers[-1] + 1] in special:
        return answers[-1] + 1
    return None
