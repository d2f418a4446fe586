"""Presets: named starting configs the Train tab offers (and the tests and benchmarks reuse).

Each returns a fresh TrainConfig, so the checks in core.training.config apply to it like to any other.
"""

from __future__ import annotations

from core import sources
from core.model.causal_lm import RUN_PREFIX as RUN_MODEL_PREFIX
from core.training.config import TrainConfig

PRETRAIN_EPOCHS = 8.0  # a few minutes on 2 CPU cores (bench/causal_lm.py measures it)
DOMAIN_PROMPTS = ("I", "The", "It was")  # neutral openings: what follows shows which domain the model writes in


def quick_demo_config() -> TrainConfig:
    """The embedded MiniLM on the embedded reviews: about a minute on a laptop CPU."""
    return TrainConfig(run_name="quick-demo", max_train_samples=480, max_eval_samples=200, max_length=64,
                       num_train_epochs=1.0, learning_rate=1e-4, batch_size=16, logging_steps=2)


def tutorial_config() -> TrainConfig:
    """The Hugging Face 'Fine-tune a pretrained model' tutorial: bert-base-cased on 1000 Yelp reviews, 3 epochs."""
    return TrainConfig(run_name="yelp-tutorial", model="bert-base-cased",
                       dataset={"kind": "hub", "name": "yelp_review_full", "config": "", "path": "", "split": ""},
                       train_split="train", eval_split="test", max_train_samples=1000, max_eval_samples=1000,
                       max_length=512, padding="max_length", num_train_epochs=3.0, learning_rate=5e-5,
                       batch_size=8, eval_batch_size=8, eval_strategy="epoch", logging_steps=10)


def pretrain_tiny_gpt_config() -> TrainConfig:
    """Offline pretraining: the tiny GPT (random weights, built here) learns English from every embedded review."""
    return TrainConfig(run_name="tiny-gpt-pretrain", task="causal_lm", model=sources.TINY_GPT, block_size=128,
                       packing=True, max_train_samples=0, max_eval_samples=0, num_train_epochs=PRETRAIN_EPOCHS,
                       learning_rate=2e-3, warmup_ratio=0.05, weight_decay=0.01, batch_size=16, eval_batch_size=32,
                       eval_strategy="steps", eval_steps=40, logging_steps=5, label_column="label",
                       sample_prompts=list(DOMAIN_PROMPTS))


def domain_finetune_config(run_id: str, domain: str = "hotels") -> TrainConfig:
    """Fine-tune a pretrained run on one domain of the reviews (only_column domain): its writing moves there."""
    return TrainConfig(run_name=f"tiny-gpt-{domain}", task="causal_lm", model=f"{RUN_MODEL_PREFIX}{run_id}",
                       block_size=128, packing=True, max_train_samples=0, max_eval_samples=0, only_column="domain",
                       only_value=domain, num_train_epochs=4.0, learning_rate=5e-4, batch_size=16,
                       eval_strategy="steps", eval_steps=10, logging_steps=2, sample_prompts=list(DOMAIN_PROMPTS))
