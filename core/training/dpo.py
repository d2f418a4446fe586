"""Preference tuning (DPO) with TRL's DPOTrainer: the pairs, the checks before a run queues, and what the live view
and the per-example view measure.

A pair is a prompt with two answers, `chosen` (better) and `rejected` (worse), in TRL's format: plain text or lists
of chat turns. Plain text is laid out as one user turn and one assistant answer, so every pair goes through the
model's chat template the way TRL tokenizes conversations (the prompt with the generation header, then the answer).

What DPO changes is measured as TRL does: the implicit reward of an answer is beta * (log p_model - log p_reference)
of its tokens. At the baseline the model is its own reference, so every reward is 0; what the learner can compare
before and after is each pair's log-probability margin, log p(chosen) - log p(rejected): above 0 the model prefers
the chosen answer. The implicit reward margin after training is beta times how far that margin moved.
"""

from __future__ import annotations

import logging

from core.data.conversations import check_messages
from core.messages import UserError

log = logging.getLogger(__name__)

SIDES = ("prompt", "chosen", "rejected")
MAX_TRACKED_PAIRS = 64  # held-out pairs whose margins are measured at each evaluation (the per-example view)
MAX_ANSWERS = 4  # held-out prompts the model answers at each evaluation (Watch it answer)
MAX_CHECKED_ROWS = 500  # rows checked for truncation before a run queues (bounded work in the server)


def _turns(value, role: str, side: str, row: int) -> list[dict]:
    """One side of a pair as chat turns: plain text is one turn of `role`; a missing or empty side is refused."""
    if value is None:
        raise UserError("Row {row}: {side} is missing - every pair needs a prompt, a chosen and a rejected "
                        "answer", row=row, side=side)
    if (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value):
        raise UserError("Row {row}: {side} is empty - every pair needs a prompt, a chosen and a rejected answer",
                        row=row, side=side)
    turns = [{"role": role, "content": value}] if isinstance(value, str) else value
    return check_messages(turns, row)


def as_pair(row: dict, number: int) -> dict:
    """One row as a conversational pair {prompt, chosen, rejected}; number (from 1) names the row in a message.

    Rows without a prompt column hold whole conversations in chosen and rejected: their shared turns are the prompt
    (TRL's extract_prompt)."""
    for side in SIDES[1:]:
        if side not in row:
            raise UserError("Row {row}: {side} is missing - every pair needs a prompt, a chosen and a rejected "
                            "answer", row=number, side=side)
    chosen = _turns(row["chosen"], "assistant", "chosen", number)
    rejected = _turns(row["rejected"], "assistant", "rejected", number)
    if row.get("prompt") is None and "prompt" not in row:
        shared = 0
        while shared < min(len(chosen), len(rejected)) - 1 and chosen[shared] == rejected[shared]:
            shared += 1
        prompt, chosen, rejected = chosen[:shared], chosen[shared:], rejected[shared:]
        if not prompt:
            raise UserError("Row {row}: {side} is empty - every pair needs a prompt, a chosen and a rejected "
                            "answer", row=number, side="prompt")
    else:
        prompt = _turns(row.get("prompt"), "user", "prompt", number)
    if [t["content"].strip() for t in chosen] == [t["content"].strip() for t in rejected]:
        raise UserError("Row {row}: the chosen and rejected answers are the same, so there is nothing to prefer - "
                        "make the rejected answer worse (wrong, rambling or rude) or drop the row", row=number)
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected}


def pair_dataset(dataset, limit: int | None = None):
    """A dataset of pairs (TRL's format, text or turns) as a conversational pairs dataset, its first `limit` rows;
    the first malformed row stops it with a message naming the row and the fix."""
    from datasets import Dataset  # slow import, deferred to first use

    missing = [side for side in SIDES[1:] if side not in dataset.column_names]
    if missing:
        raise UserError("The columns {columns} are not preference pairs: give prompt, chosen and rejected columns "
                        "(text or chat turns), as TRL's DPOTrainer reads them",
                        columns=", ".join(map(str, dataset.column_names)) or "(none)")
    rows = dataset.select(range(min(len(dataset), limit))) if limit is not None else dataset
    pairs = [as_pair(row, number) for number, row in enumerate(rows, start=1)]
    return Dataset.from_dict({side: [p[side] for p in pairs] for side in SIDES})


def select_pairs(config, limit: int | None = None) -> tuple:
    """A run's (train, eval) pairs, split and capped as an sft run's conversations: eval carved out of train when
    there is no eval split, train capped by max_train_samples (and the server's cap), eval by max_eval_samples."""
    from core.data.loading import load_source  # reads the data: only when a run prepares it
    from core.settings import get_settings

    dsd = load_source(config.dataset)
    for field, split in (("train_split", config.train_split), ("eval_split", config.eval_split)):
        if split and split not in dsd:
            raise UserError("{field}: split {split!r} not found - choose one of {choices}", field=field, split=split,
                            choices=", ".join(dsd))
    train = dsd[config.train_split]
    if config.eval_split:
        eval_set = dsd[config.eval_split]
    else:
        parts = train.train_test_split(test_size=config.eval_fraction, seed=config.seed)
        train, eval_set = parts["train"], parts["test"]
    train = _cap(train, limit or get_settings().train_rows(config.max_train_samples), config.seed)
    return pair_dataset(train), pair_dataset(_cap(eval_set, limit or config.max_eval_samples, config.seed))


def _cap(dataset, limit: int, seed: int):
    return dataset.shuffle(seed=seed).select(range(limit)) if limit and len(dataset) > limit else dataset


def tokenize_pair(tokenizer, pair: dict) -> dict:
    """prompt_ids, chosen_ids, rejected_ids as TRL's DPOTrainer makes them: the prompt with the generation header,
    each answer where the rendered prompt + answer leaves the prompt."""
    from trl.data_utils import common_prefix_length  # slow import, deferred to first use

    def ids(turns, generation):
        return list(tokenizer.apply_chat_template(turns, add_generation_prompt=generation, tokenize=True,
                                                  return_dict=True)["input_ids"])

    prompt = ids(pair["prompt"], True)
    chosen, rejected = ids(pair["prompt"] + pair["chosen"], False), ids(pair["prompt"] + pair["rejected"], False)
    start = min(common_prefix_length(prompt, chosen), common_prefix_length(prompt, rejected))
    return {"prompt_ids": prompt[:start], "chosen_ids": chosen[start:], "rejected_ids": rejected[start:]}


def check_pairs_fit(tokenizer, pairs, max_length: int) -> None:
    """Refuse the first pair whose answers max_length cuts away: its prompt fills max_length (TRL would drop it
    silently), or what is left of its two answers is the same (nothing to prefer)."""
    for number, pair in enumerate(pairs, start=1):
        tokens = tokenize_pair(tokenizer, pair)
        prompt, room = len(tokens["prompt_ids"]), max_length - len(tokens["prompt_ids"])
        if room <= 0 or tokens["chosen_ids"][:room] == tokens["rejected_ids"][:room]:
            longest = prompt + max(len(tokens["chosen_ids"]), len(tokens["rejected_ids"]))
            raise UserError("Row {row}: max_length {limit} cuts its answers away (the prompt alone is {prompt} "
                            "tokens), so DPO has nothing to compare - raise max_length to {needed} or shorten the "
                            "prompt", row=number, limit=max_length, prompt=prompt, needed=longest)


def answer_logps(model, tokenizer, pairs, max_length: int, batch_size: int = 8) -> list[tuple[float, float]]:
    """(log p(chosen), log p(rejected)) of each pair under the model: the sum over the answer's tokens, cut at
    max_length as training cuts them."""
    import torch  # slow import, deferred to first use
    from trl.trainer.dpo_trainer import DataCollatorForPreference

    collate = DataCollatorForPreference(pad_token_id=tokenizer.pad_token_id or 0, max_length=max_length)
    was_training, out = model.training, []
    model.eval()
    try:
        for start in range(0, len(pairs), batch_size):
            batch = collate([tokenize_pair(tokenizer, p) for p in pairs[start:start + batch_size]])
            with torch.no_grad():
                logits = model(input_ids=batch["input_ids"].to(model.device),
                               attention_mask=batch["attention_mask"].to(model.device)).logits[:, :-1].float()
            targets = batch["input_ids"][:, 1:].to(model.device)
            token_logps = torch.log_softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
            sums = (token_logps * batch["completion_mask"][:, 1:].to(model.device)).sum(-1).tolist()
            half = len(sums) // 2
            out.extend(zip(sums[:half], sums[half:]))
    finally:
        model.train(was_training)
    return out


def prompt_text(pair: dict) -> str:
    """The last user turn of a pair's prompt: what a learner reads as the question."""
    users = [t["content"] for t in pair["prompt"] if t["role"] == "user"]
    return users[-1] if users else pair["prompt"][-1]["content"]


def measure_pairs(model, tokenizer, pairs: list[dict], max_length: int) -> dict:
    """What one evaluation records of the held-out pairs: each pair's (log p(chosen), log p(rejected)), the share
    the model prefers chosen in, and its own answers to the first MAX_ANSWERS prompts (greedy)."""
    from datasets import Dataset  # slow import, deferred to first use

    from core.training.sft import chat_answers  # greedy answers that stop at the end of turn

    logps = answer_logps(model, tokenizer, pairs, max_length)
    was_training = model.training
    try:
        shown = pairs[:MAX_ANSWERS]
        answers = chat_answers(model, tokenizer, Dataset.from_dict(
            {"messages": [p["prompt"] + p["chosen"] for p in shown]}))
    finally:
        model.train(was_training)
    wins = sum(c > r for c, r in logps) / len(logps) if logps else None
    return {"pairs": [[round(c, 4), round(r, 4)] for c, r in logps], "prefers_chosen": wins,
            "samples": [{"prompt": prompt_text(p), "greedy": a["answer"]} for p, a in zip(shown, answers)]}
