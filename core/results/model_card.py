"""The model card pushed with a model (README.md on the Hub): data, settings, before/after scores, intended use, limits.

Built with huggingface_hub's ModelCard: its YAML header (base_model, datasets, metrics, pipeline_tag) lets the Hub
link the model to what it came from. Text a visitor typed (names, columns, labels) goes into table cells and code
literals only, with the characters that would break a table or a line taken out.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from core import sources
from core.data.source import DatasetSource
from core.messages import UserError
from core.runs.store import RunStore
from core.task_registry import task_of
from core.training.config import RUN_MODEL_PREFIX, TrainConfig
from core.training.metrics import SCORE_KEYS

log = logging.getLogger(__name__)

SETTINGS = ("model", "max_length", "num_train_epochs", "max_steps", "learning_rate", "batch_size",
            "gradient_accumulation_steps", "weight_decay", "warmup_ratio", "eval_strategy", "seed", "precision",
            "early_stopping_patience", "load_best_model_at_end", "metric_for_best_model")
SCORES = ("eval_loss", *SCORE_KEYS)

TEMPLATE = """---
{{ card_data }}
---

# {{ title }}

A text classifier fine-tuned from `{{ base }}` with Fine-tune Studio (the Hugging Face `Trainer`),
for {{ labels | length }} classes: {{ labels | join(", ") }}.

## Training data

- dataset: {{ dataset }}
- text column: `{{ text_column }}`{% if pair_column %}, second text column: `{{ pair_column }}`{% endif %};
  label column: `{{ label_column }}`
- training rows: {{ train_rows }}; evaluation rows: {{ eval_rows }}

## Training settings

{{ settings_table }}
## Results on the evaluation rows

{{ scores_table }}
"Before" is the pretrained model with a new, randomly initialised classification head: chance level.
{% if best_step %}The model is the best checkpoint, at step {{ best_step }} (by {{ best_metric }}), not the last one.
{% endif %}
## How to use

```python
from transformers import pipeline

classifier = pipeline("text-classification", model={{ repo_literal }})
print(classifier("I loved it."))
```

## Intended use

Learning and experiments: classifying short texts like the training rows ({{ labels | join(", ") }}).

## Limits

- It learned from {{ train_rows }} rows: expect mistakes on texts unlike them (other topics, styles, languages).
- It reflects its training data, including its biases and labelling errors; check it on your own data first.
- Texts longer than {{ max_length }} tokens are cut to their first {{ max_length }} tokens.
- Scores come from {{ eval_rows }} evaluation rows: a small set gives uncertain numbers.
"""


def _cell(value) -> str:
    """A value as one table cell: no line breaks, no column separators."""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return " ".join(text.replace("|", "/").split())[:200]


def _base_model(model: str) -> str | None:
    """The Hub id the model came from (None for a local folder, which the Hub cannot link)."""
    if not model or model == sources.EMBEDDED_MODEL:
        return sources.EMBEDDED_HUB_ID
    return None if Path(model).expanduser().is_dir() else model


def _dataset(source: DatasetSource) -> tuple[str, list[str]]:
    """How the card names the data, and the Hub datasets for its header."""
    if source.kind == "hub":
        name = source.name + (f" ({source.config})" if source.config else "")
        return f"[{_cell(name)}](https://huggingface.co/datasets/{source.name})", [source.name]
    if source.kind == "sample":
        return "Fine-tune Studio's embedded review sample (English reviews, negative/positive)", []
    return "the author's own file (not published)", []


def _scores(baseline: dict, final: dict, keys=SCORES) -> list[tuple[str, str, str, str]]:
    rows = []
    for key in keys:
        before, after = baseline.get(key), final.get(key)
        if not isinstance(after, (int, float)):
            continue
        change = after - before if isinstance(before, (int, float)) else None
        rows.append((key.removeprefix("eval_"), _cell(before if before is not None else "-"), _cell(after),
                     _cell(f"{change:+.4f}" if change is not None else "-")))
    return rows


def render_card(data, template: str, repo_id: str, settings: list, scores: list, before: str = "before training",
                **fields) -> str:
    """A card's text from its template, which names its two tables as {{ settings_table }} and {{ scores_table }}
    (one writer for every task's tables); the title and repo_literal come from repo_id."""
    from huggingface_hub import ModelCard  # slow import, deferred to first use

    settings_table = "| setting | value |\n|---|---|\n" + "".join(
        f"| `{name}` | {value} |\n" for name, value in settings)
    scores_table = f"| metric | {before} | after | change |\n|---|---|---|---|\n" + "".join(
        f"| {name} | {was} | {now} | {change} |\n" for name, was, now, change in scores)
    card = ModelCard.from_template(data, template_str=template, title=_cell(repo_id.split("/")[-1]),
                                   repo_literal=repr(repo_id), settings_table=settings_table,
                                   scores_table=scores_table, **fields)
    return str(card)


# for the chat and preference cards (card_sft, export_dpo)
cell, base_model_id, dataset_line, score_rows = _cell, _base_model, _dataset, _scores


def build_card(config: TrainConfig, repo_id: str, baseline: dict, final: dict, labels: list[str],
               best_step: int | None = None, train_rows: int | str = "?", eval_rows: int | str = "?") -> str:
    """The README.md text of a model card (YAML header and markdown) for a fine-tuned run."""
    from huggingface_hub import ModelCardData  # slow import, deferred to first use

    source = config.dataset
    dataset, hub_datasets = _dataset(source)
    base = _base_model(config.model)
    data = ModelCardData(base_model=base, datasets=hub_datasets or None, library_name="transformers",
                         pipeline_tag="text-classification", metrics=list(config.metrics),
                         tags=["text-classification", "fine-tune-studio"])
    settings = [(name, _cell(getattr(config, name))) for name in SETTINGS if name != "model"]
    return render_card(
        data, TEMPLATE, repo_id, settings, _scores(baseline, final), before="before fine-tuning",
        base=_cell(base or "a local model"), labels=[_cell(n) for n in labels], dataset=dataset,
        text_column=_cell(config.text_column), pair_column=_cell(config.text_pair_column),
        label_column=_cell(config.label_column), train_rows=train_rows, eval_rows=eval_rows, best_step=best_step,
        best_metric=_cell(config.metric_for_best_model), max_length=config.max_length)


LM_TEMPLATE = """---
{{ card_data }}
---

# {{ title }}

A causal language model trained from `{{ base }}` with Fine-tune Studio (the Hugging Face `Trainer`): it continues
texts like its training rows.

## Training data

- dataset: {{ dataset }}; text column: `{{ text_column }}`{% if only %}; only rows where {{ only }}{% endif %}
- {{ preparation }}

## Training settings

{{ settings_table }}
## Results on the evaluation rows

{{ scores_table }}
Perplexity is exp(loss): how many equally likely next tokens the model hesitates between.

## How to use

```python
from transformers import pipeline

writer = pipeline("text-generation", model={{ repo_literal }})
print(writer("The hotel", max_new_tokens=30, do_sample=True, top_k=50)[0]["generated_text"])
```

## Limits

A small model trained on few texts: it writes plausible fragments, not facts. Learning and experiments only.
"""
LM_SETTINGS = ("block_size", "packing", "num_train_epochs", "max_steps", "learning_rate", "batch_size", "weight_decay",
               "warmup_ratio", "seed", "train_mode")


def build_lm_card(config: TrainConfig, repo_id: str, baseline: dict, final: dict) -> str:
    """The README.md of a causal LM run: what it learned from, how, its perplexity before and after, how to use it."""
    from huggingface_hub import ModelCardData  # slow import, deferred to first use

    dataset, hub_datasets = _dataset(config.dataset)
    built_here = config.model == sources.TINY_GPT or config.model.startswith(RUN_MODEL_PREFIX)
    base = None if built_here else _base_model(config.model)  # the tiny GPT and earlier runs are not on the Hub
    shown = "a GPT-2 built from a config (random weights)" if config.model == sources.TINY_GPT else \
        "an earlier run's model" if built_here else base or "a local model"
    data = ModelCardData(base_model=base, datasets=hub_datasets or None, library_name="transformers",
                         pipeline_tag="text-generation", tags=["text-generation", "fine-tune-studio"])
    only = f"`{_cell(config.only_column)}` = {_cell(config.only_value)}" if config.only_column else ""
    preparation = (f"packed: texts joined and cut into blocks of {config.block_size} tokens" if config.packing
                   else f"one text per row, at most {config.block_size} tokens, padded")
    scores = _scores(baseline, final, ("eval_loss", "eval_perplexity"))
    settings = [(name, _cell(getattr(config, name))) for name in LM_SETTINGS]
    return render_card(data, LM_TEMPLATE, repo_id, settings, scores, base=_cell(shown), dataset=dataset,
                       text_column=_cell(config.text_column), only=only, preparation=preparation)


def card_for_run(store: RunStore, run_id: str, repo_id: str) -> str:
    """The model card of a stored run, from its config, evaluations, report and status."""
    if not store.has_model(run_id):
        raise UserError("Run {run} has no saved model: train it with 'save model' on first", run=run_id)
    config = TrainConfig.from_stored(store.read_config(run_id))
    return task_of(config).model_card(store, run_id, config, repo_id)  # build_card or build_lm_card (core/tasks/)


def labels_of(store: RunStore, run_id: str) -> list[str]:
    """The class names of a run's saved model, in label-id order (its config.json's id2label)."""
    try:  # the saved model's config.json names its classes
        saved = json.loads((store.model_dir(run_id) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    id2label = saved.get("id2label") or {}
    return [str(id2label[k]) for k in sorted(id2label, key=lambda k: int(k))]
