"""Causal LM (issue 14): packing vs one text per row, and the offline pretraining preset.

1. Tokens per second, packing vs per-row padding: the tiny GPT (core.model.causal_lm, about 2 M weights, a BPE
   trained on the reviews) trained on all embedded reviews with block_size 128 and batches of 16, each preparation
   made by core.training.prepare_lm. A plain loop (forward, backward, AdamW step) so only the data differs; "tokens"
   are real text tokens (attention mask 1), so padding counts as waste. Per-row is measured in random order and with
   rows sorted by length into batches (what group_by_length approximates).
2. The pretraining preset (`pretrain_tiny_gpt_config`) through the real engine (core.training.trainer.run): wall
   time and the eval perplexity it reaches on the 280 test reviews.
3. The domain preset (`domain_finetune_config`, hotels) from that run: hotel perplexity before and after, and how
   many sampled continuations of neutral openings use hotel words, pretrained vs fine-tuned.

    python bench/causal_lm.py [--quick] [--steps 20]
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, load_average, machine_info, report, write_result

HOTEL_WORDS = re.compile(r"\b(hotel|room|rooms|staff|stay|stayed|bed|breakfast|reception|pool|check|night|nights|"
                         r"lobby|desk|view|shower|bathroom|holiday)\b", re.I)


def use_isolated_settings(root: Path) -> None:
    from core import settings

    settings._current = settings.Settings(runs_dir=root / "runs", uploads_dir=root / "uploads")


def tokens_per_second(config, packing: bool, steps: int, sort_by_length: bool = False) -> dict:
    """Real tokens per second of a plain training loop over the prepared blocks or rows."""
    import torch

    from core.model.causal_lm import load_causal_lm
    from core.training.prepare_lm import prepare_lm_data
    from core.model.checkpoints import load_model_tokenizer

    config.packing = packing
    tok = load_model_tokenizer(config.model, config.trust_remote_code)
    data = prepare_lm_data(config, tok)
    torch.manual_seed(0)
    model = load_causal_lm(config.model, tok).train()
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    order = list(range(len(data.train)))
    random.Random(0).shuffle(order)
    if sort_by_length:  # batches of similar lengths, in random batch order
        order.sort(key=lambda i: len(data.train[i]["input_ids"]))
    batches = [order[i:i + config.batch_size] for i in range(0, len(order), config.batch_size)]
    random.Random(1).shuffle(batches)
    warmup, real, padded, start = 2, 0, 0, None
    for n, rows in enumerate((batches * 100)[:steps + warmup]):
        if n == warmup:
            start = time.perf_counter()
        batch = data.collator([data.train[i] for i in rows])
        loss = model(**batch).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
        if n >= warmup:
            real += int(batch["attention_mask"].sum())
            padded += batch["input_ids"].numel()
    seconds = time.perf_counter() - start
    return {"packing": packing, "sorted": sort_by_length, "examples": len(data.train), "steps": steps,
            "seconds": round(seconds, 2), "tokens_per_s": round(real / seconds, 1),
            "padding_share": round(1 - real / padded, 3)}


def hotel_share(model, tok, prompts, draws: int) -> float:
    from core.results.generate import Decoding, continue_text

    texts = [continue_text(model, tok, p, Decoding(max_new_tokens=30, temperature=1.0, top_k=50, top_p=1.0, seed=s))
             for p in prompts for s in range(draws)]
    return sum(bool(HOTEL_WORDS.search(t)) for t in texts) / len(texts)


def main() -> None:
    args_parser = common.parser("Causal LM: packing vs padding, and the offline pretraining preset")
    args_parser.add_argument("--steps", type=int, default=20, help="timed steps per preparation")
    args = args_parser.parse_args()
    root = OUT_DIR / "tmp" / "causal_lm"
    use_isolated_settings(root)
    from core.model.tiny_gpt import ensure_tiny_gpt
    from core.results.generate import base_model, run_model
    from core.runs.store import RunStore
    from core.training.presets import DOMAIN_PROMPTS, domain_finetune_config, pretrain_tiny_gpt_config
    from core.training.trainer import run

    result = {"machine": machine_info(), "quick": args.quick}
    start = time.perf_counter()
    ensure_tiny_gpt()
    result["build_s"] = round(time.perf_counter() - start, 2)
    steps = 3 if args.quick else args.steps
    result["throughput"] = [tokens_per_second(pretrain_tiny_gpt_config(), True, steps),
                            tokens_per_second(pretrain_tiny_gpt_config(), False, steps),
                            tokens_per_second(pretrain_tiny_gpt_config(), False, steps, sort_by_length=True)]
    for row in result["throughput"]:
        report(f"packing={row['packing']} sorted={row['sorted']}: {row['tokens_per_s']} tokens/s, "
               f"padding {row['padding_share']:.0%}")

    store = RunStore(root / "runs")
    config = pretrain_tiny_gpt_config()
    if args.quick:
        config.max_steps, config.eval_steps = 4, 2
    run_id = store.new_run(config.to_dict())
    start, load_start = time.perf_counter(), load_average()
    pre = run(config, store.path(run_id))
    result["pretrain"] = {"seconds": round(time.perf_counter() - start, 1), "steps": pre.get("global_step"),
                          "perplexity_before": pre["baseline"].get("eval_perplexity"),
                          "perplexity_after": pre["final"].get("eval_perplexity"),
                          "load": [load_start, load_average()], "samples": store.read_samples(run_id)[-1]}
    report(f"pretrain: {result['pretrain']['seconds']} s, {pre.get('global_step')} steps, perplexity "
           f"{pre['baseline'].get('eval_perplexity'):.1f} -> {pre['final'].get('eval_perplexity'):.1f}")

    domain = domain_finetune_config(run_id)
    if args.quick:
        domain.max_steps, domain.eval_steps = 2, 1
    domain_id = store.new_run(domain.to_dict())
    start = time.perf_counter()
    fine = run(domain, store.path(domain_id))
    draws = 2 if args.quick else 10
    pretrained, tok = base_model(domain)
    tuned, tuned_tok = run_model(store.model_dir(domain_id))
    result["domain"] = {"seconds": round(time.perf_counter() - start, 1), "steps": fine.get("global_step"),
                        "hotel_perplexity_before": fine["baseline"].get("eval_perplexity"),
                        "hotel_perplexity_after": fine["final"].get("eval_perplexity"),
                        "hotel_word_share_before": hotel_share(pretrained, tok, DOMAIN_PROMPTS, draws),
                        "hotel_word_share_after": hotel_share(tuned, tuned_tok, DOMAIN_PROMPTS, draws),
                        "continuations": len(DOMAIN_PROMPTS) * draws, "samples": store.read_samples(domain_id)[-1]}
    report(f"hotels: perplexity {result['domain']['hotel_perplexity_before']:.1f} -> "
           f"{result['domain']['hotel_perplexity_after']:.1f}; continuations with hotel words "
           f"{result['domain']['hotel_word_share_before']:.0%} -> {result['domain']['hotel_word_share_after']:.0%}")
    report(f"wrote {write_result('causal_lm', result)}")


if __name__ == "__main__":
    main()
