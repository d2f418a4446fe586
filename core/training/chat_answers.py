"""A chat model's answers to held-out conversations, and what a learner reads from them: does each answer end its
turn (the end-of-turn token), does it end the text instead (a pretrained model's stop, not a chat turn's), and is it
the known answer.

Decoding is bounded (greedy, at most max_new_tokens, within the positions left after the prompt) and runs one
conversation at a time: no padding, so every answer is the one `generate` gives that conversation alone.
"""

from __future__ import annotations

from core.tokenizer.chat_masks import end_of_turn_id

MAX_NEW_TOKENS = 48  # the answers of the embedded set are a word or a sentence


def answer_turns(model, tok, prompts: list[list[dict]], max_new_tokens: int = MAX_NEW_TOKENS,
                 limit: int | None = None) -> list[dict]:
    """Greedy answers to each prompt (turns ending with the user's): {answer, stopped, ended_text}. limit: the
    longest sequence the model takes (prompt and answer); a prompt that leaves no room gets an empty answer."""
    import torch  # slow import, deferred to first use

    stops, turn_end = stop_ids(model, tok), end_of_turn_id(tok)
    pad = tok.pad_token_id if tok.pad_token_id is not None else stops[0]
    was_training, results = model.training, []
    model.eval()
    try:
        for turns in prompts:
            ids = tok.apply_chat_template(turns, add_generation_prompt=True, return_tensors="pt", return_dict=True)
            room = max_new_tokens if limit is None else min(max_new_tokens, limit - ids["input_ids"].shape[1])
            if room <= 0:
                results.append({"answer": "", "stopped": False, "ended_text": False})
                continue
            with torch.no_grad():
                out = model.generate(**ids.to(model.device), max_new_tokens=room, do_sample=False,
                                     eos_token_id=stops, pad_token_id=pad)
            results.append(_read(tok, out[0][ids["input_ids"].shape[1]:].tolist(), stops, turn_end))
    finally:
        model.train(was_training)
    return results


def _read(tok, new: list[int], stops: list[int], turn_end: int | None) -> dict:
    ended = bool(new) and new[-1] in stops
    answer = tok.decode(new[:-1] if ended else new, skip_special_tokens=True).strip()
    stopped = ended and (turn_end is None or new[-1] == turn_end)
    return {"answer": answer, "stopped": stopped, "ended_text": ended and not stopped}


def stop_ids(model, tok) -> list[int]:
    """Every token that ends generation: the generation config's eos ids, the tokenizer's eos, the end of turn."""
    configured = model.generation_config.eos_token_id
    ids = list(configured) if isinstance(configured, (list, tuple)) else [configured]
    return [i for i in dict.fromkeys(ids + [tok.eos_token_id, end_of_turn_id(tok)]) if i is not None]


def prompts_and_answers(conversations) -> tuple[list[list[dict]], list[str]]:
    """Each conversation's turns before its last answer, and that answer (what the model should say)."""
    rows = list(conversations)
    return [turns[:-1] for turns in rows], [turns[-1]["content"].strip() for turns in rows]


def score_answers(results: list[dict]) -> dict:
    """The share of answers that stop at the end-of-turn token, that end the text instead, and that are right
    (results with `correct`: exactly the known answer)."""
    count = max(len(results), 1)
    return {"stop_rate": sum(r["stopped"] for r in results) / count,
            "end_of_text_rate": sum(r.get("ended_text", False) for r in results) / count,
            "accuracy": sum(r["correct"] for r in results) / count, "answers": len(results)}
