"""Preference tuning (DPO) with TRL's DPOTrainer: the pairs, the checks before a run queues, and what the live view
and the per-example view measure.

A pair is a prompt with two answers, `chosen` (better) and `rejected` (worse), in TRL's format: plain text or lists
of chat turns (core.data.preferences reads and checks them). Plain text is laid out as one user turn and one
assistant answer, so every pair goes through the model's chat template the way TRL tokenizes conversations (the
prompt with the generation header, then the answer).

What DPO changes is measured as TRL does: the implicit reward of an answer is beta * (log p_model - log p_reference)
of its tokens. At the baseline the model is its own reference, so every reward is 0; what the learner can compare
before and after is each pair's log-probability margin, log p(chosen) - log p(rejected): above 0 the model prefers
the chosen answer. The implicit reward margin after training is beta times how far that margin moved.
"""

from __future__ import annotations

import logging

from core.data.preferences import to_preferences
from core.messages import UserError

log = logging.getLogger(__name__)

MAX_TRACKED_PAIRS = 64  # held-out pairs whose margins are measured at each evaluation (the per-example view)
MAX_ANSWERS = 4  # held-out prompts the model answers at each evaluation (Watch it answer)
MAX_CHECKED_ROWS = 500  # rows checked for truncation before a run queues (bounded work in the server)
MAX_TEXT_CHARS = 300  # a pair's texts as the per-example view keeps them


def _turns(value, role: str) -> list[dict]:
    return [{"role": role, "content": value}] if isinstance(value, str) else list(value)


def pair_dataset(dataset, limit: int | None = None):
    """A dataset of pairs (core.data.preferences: explicit or implicit prompt, text or turns) as chat turns, its
    first `limit` rows; the first malformed row stops it with a message naming the row and the fix."""
    from datasets import Dataset  # slow import, deferred to first use

    pairs = to_preferences(dataset, limit)
    return Dataset.from_dict({"prompt": [_turns(p, "user") for p in pairs["prompt"]],
                              "chosen": [_turns(c, "assistant") for c in pairs["chosen"]],
                              "rejected": [_turns(r, "assistant") for r in pairs["rejected"]]})


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


def pair_texts(pair: dict) -> dict:
    """A pair as the per-example view shows it: each side's words (turns joined), at most MAX_TEXT_CHARS."""
    def short(turns):
        text = " / ".join(t["content"] for t in turns)
        return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS - 1] + "…"

    return {"prompt": short(pair["prompt"]), "chosen": short(pair["chosen"]), "rejected": short(pair["rejected"])}


def measure_pairs(model, tokenizer, pairs: list[dict], max_length: int) -> dict:
    """What one evaluation records of the held-out pairs: each pair's (log p(chosen), log p(rejected)), the share
    the model prefers chosen in, and its own answers to the first MAX_ANSWERS prompts (greedy, bounded), in the
    shape of Watch it answer (the chosen answer as the one expected)."""
    from core.training.chat_answers import answer_turns  # greedy answers that stop at the end of turn

    logps = answer_logps(model, tokenizer, pairs, max_length)
    shown = pairs[:MAX_ANSWERS]
    answers = answer_turns(model, tokenizer, [p["prompt"] for p in shown], limit=max_length)
    wins = sum(c > r for c, r in logps) / len(logps) if logps else None
    return {"pairs": [[round(c, 4), round(r, 4)] for c, r in logps], "prefers_chosen": wins,
            "samples": [{"prompt": prompt_text(p), "expected": pair_texts(p)["chosen"], **a}
                        for p, a in zip(shown, answers)]}
