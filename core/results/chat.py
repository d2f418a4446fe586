"""Chat with a run: its model answers a multi-turn conversation, beside the model it started from.

The conversation is laid out by the run's chat template with the generation prompt (what a chat model reads when
asked to answer), and decoding stops at the template's end-of-turn token: an SFT run learned to write it, its base
often did not (it rambles past the turn until max_new_tokens). The bounds are those of core.results.generate's Try
it: the same decoding settings and their limits, a time limit per answer, the memory check before loading, the same
model cache. A conversation longer than the model reads loses its oldest exchanges (the system turn stays), as chat
apps do, and says how many.

Who may chat with a run is the caller's rule (core.runs.visibility, applied by the endpoint).
"""

from __future__ import annotations

import logging

from core.data.conversations import check_messages, order_problem
from core.messages import N_, UserError
from core.model import estimate
from core.results import generate
from core.results.saved import no_model_error
from core.runs.store import RunStore
from core.task_registry import task_of
from core.tokenizer.chat_masks import end_of_turn_id
from core.training.config import TrainConfig

log = logging.getLogger(__name__)

SIDES = ("fine_tuned", "base")


def check_chat(messages) -> list[dict]:
    """A conversation a model can answer: checked turns (roles, text, bounds), in order, ending with the user."""
    turns = check_messages(messages)
    problem = order_problem(turns)
    if problem:
        raise UserError("The conversation: {problem}", problem=problem)
    if turns[-1]["role"] != "user":
        raise UserError("The conversation ends with a {role} turn: end it with your message (a user turn) for the "
                        "model to answer", role=turns[-1]["role"])
    return turns


def stop_ids(model, tokenizer) -> list[int]:
    """Every token that ends an answer: the generation config's eos ids, the tokenizer's eos, the end of turn."""
    configured = model.generation_config.eos_token_id
    ids = list(configured) if isinstance(configured, (list, tuple)) else [configured]
    return [i for i in dict.fromkeys(ids + [tokenizer.eos_token_id, end_of_turn_id(tokenizer)]) if i is not None]


def fit_turns(tokenizer, turns: list[dict], room: int, template: str | None = None) -> tuple[list[dict], int]:
    """The newest turns whose rendering fits in `room` tokens: the oldest user/assistant exchanges are dropped (a
    system turn stays). Returns (turns, how many turns were dropped); refuses a last message too long alone."""
    system = turns[:1] if turns[0]["role"] == "system" else []
    body = turns[len(system):]
    while True:
        kept = system + body
        count = len(tokenizer.apply_chat_template(kept, add_generation_prompt=True, tokenize=True,
                                                  return_dict=True, chat_template=template)["input_ids"])
        if count <= room:
            return kept, len(turns) - len(kept)
        if len(body) <= 1:
            raise UserError("Your message takes {count} tokens with the chat template, and the model has room for "
                            "{room} before its answer - shorten it (or the system turn), or lower max_new_tokens",
                            count=count, room=max(room, 0))
        body = body[2:]  # the oldest user turn and the answer to it


def answer(model, tokenizer, turns: list[dict], decoding: generate.Decoding, template: str | None = None) -> dict:
    """One model's next turn: {"answer", "stop", "dropped_turns"}; stop says why it ended: end_of_turn (the
    template's end-of-turn token), end_of_text (eos, a pretrained model's stop), length (max_new_tokens) or time."""
    import torch  # slow import, deferred to first use

    room = generate.model_positions(model) - decoding.max_new_tokens
    kept, dropped = fit_turns(tokenizer, turns, room, template)
    ids = tokenizer.apply_chat_template(kept, add_generation_prompt=True, return_tensors="pt", return_dict=True,
                                        chat_template=template).to(model.device)
    stops, turn_end = stop_ids(model, tokenizer), end_of_turn_id(tokenizer)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else stops[0]
    torch.manual_seed(decoding.seed)  # the same click, the same answer
    with torch.no_grad():
        out = model.generate(**ids, eos_token_id=stops, pad_token_id=pad, max_time=generate.time_limit(),
                             **decoding.options())
    new = out[0, ids["input_ids"].shape[1]:].tolist()
    ended = bool(new) and new[-1] in stops
    text = tokenizer.decode(new[:-1] if ended else new, skip_special_tokens=True).strip()
    if ended:
        stop = "end_of_turn" if turn_end is None or new[-1] == turn_end else "end_of_text"
    else:
        stop = "length" if len(new) >= decoding.max_new_tokens else "time"
    return {"answer": text, "stop": stop, "dropped_turns": dropped}


def chat(store: RunStore, run_id: str, messages, decoding: generate.Decoding | None = None,
         base_messages=None, with_base: bool = True) -> dict:
    """The run's answer to `messages` and its base model's answer to `base_messages` (default the same turns; a
    side-by-side chat keeps each side's own earlier answers). {"fine_tuned", "base" (answers; base "" unless
    with_base), "stop": {side: why it ended}, "dropped_turns": {side: turns left out to fit}}."""
    decoding = decoding or generate.Decoding()
    turns = check_chat(messages)
    base_turns = check_chat(base_messages) if with_base and base_messages is not None else turns
    config = TrainConfig.from_stored(store.read_config(run_id))
    if not task_of(config).writes_text:
        raise UserError("Run {run} is a classifier, which does not chat - pick an sft run (or a causal LM run of the "
                        "tiny GPT, which has a chat template)", run=run_id)
    if not store.has_model(run_id):
        raise no_model_error(store, run_id)
    estimate.check_inference_fits(config.model, 2 if with_base else 1, N_("Chatting with this run"))
    model, tok = generate.run_model(store.model_dir(run_id))
    if not tok.chat_template:
        raise UserError("Run {run}'s model has no chat template, so it cannot lay out a conversation - chat with an "
                        "sft run, or make this run continue plain text (Try it: make a causal LM run write)", run=run_id)
    mine = answer(model, tok, turns, decoding)
    result = {"fine_tuned": mine["answer"], "base": "", "stop": {"fine_tuned": mine["stop"]},
              "dropped_turns": {"fine_tuned": mine["dropped_turns"]}}
    if with_base:
        base, base_tok = generate.base_model(config)
        # a base without a template of its own reads the conversation as the run was taught to
        theirs = answer(base, base_tok, base_turns, decoding, None if base_tok.chat_template else tok.chat_template)
        result["base"] = theirs["answer"]
        result["stop"]["base"], result["dropped_turns"]["base"] = theirs["stop"], theirs["dropped_turns"]
    log.info("chat with %s: %d turns, stops %s", run_id, len(turns), result["stop"])
    return result
