"""The model card of an SFT run (README.md on the Hub): how to chat with it (the pipeline, apply_chat_template), its
chat template with an example conversation laid out by it, the data, which tokens the loss trained, the settings and
the scores before and after.

Built with huggingface_hub's ModelCard like the other cards (core.results.model_card, whose helpers keep a
visitor's text to table cells and code literals).
"""

from __future__ import annotations

import logging

from core import sources
from core.data.source import DatasetSource
from core.model.checkpoints import RUN_PREFIX
from core.results.model_card import base_model_id, cell, dataset_line, render_card, score_rows
from core.runs.store import RunStore
from core.tokenizer.chat_masks import end_of_turn_id
from core.tokenizer.chat_template import render_chat

log = logging.getLogger(__name__)

SFT_SETTINGS = ("sft_loss", "chat_template", "max_length", "packing", "num_train_epochs", "max_steps",
                "learning_rate", "batch_size", "weight_decay", "warmup_ratio", "seed", "train_mode")
EXAMPLE = [{"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "A small chat model."},
           {"role": "user", "content": "Is this review positive or negative? The staff were lovely."}]
LOSS_LINES = {
    "assistant_only": "every assistant turn, through its end-of-turn token; the system and user turns and the "
                      "template's markup are masked (labels -100), so the model learns to answer and to stop, "
                      "not to write questions",
    "completion_only": "the last answer of each conversation (its completion); every turn before it is the prompt "
                       "and is masked (labels -100)",
    "all": "every token of each conversation, the questions and the template's markup included",
}
SKIPPED = ("_runtime", "_per_second", "_entropy", "num_tokens")  # timings and counters, not scores

SFT_TEMPLATE = """---
{{ card_data }}
---

# {{ title }}

A chat model: {{ base }}, taught to chat by supervised fine-tuning (TRL's `SFTTrainer`) in Fine-tune Studio.

## How to chat with it

```python
from transformers import pipeline

chat = pipeline("text-generation", model={{ repo_literal }})
messages = [{"role": "user", "content": "Who are you?"}]
reply = chat(messages, max_new_tokens=48, do_sample=False)
print(reply[0]["generated_text"][-1]["content"])
```

Step by step, with the chat template (what the pipeline does):

```python
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({{ repo_literal }})
model = AutoModelForCausalLM.from_pretrained({{ repo_literal }})
ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
out = model.generate(**ids, max_new_tokens=48, do_sample=False)  # stops at the end-of-turn token
print(tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True))
```

## Its chat template

{{ template_name }}{% if end_of_turn %}; the model ends each answer with `{{ end_of_turn }}`{% endif %}.
{% if example %}A conversation, laid out by the template with `add_generation_prompt=True` (the last line asks for
the assistant's turn):

```text
{{ example }}
```
{% endif %}
## Training data

- dataset: {{ dataset }}
- each row a conversation (column `{{ text_column }}`), read as chat messages (role / content turns)

## Which tokens it learned from

- loss `{{ loss }}`: {{ loss_line }}
- `max_length` {{ max_length }}: longer conversations are cut to their first {{ max_length }} tokens
- {{ packing }}

## Training settings

{{ settings_table }}
## Results on the held-out conversations

{{ scores_table }}
Loss and perplexity (exp(loss)) are measured on the trained tokens only.

## Limits

A small model taught on few conversations: it answers in the format it was taught, not with facts it was never
shown. Learning and experiments only.
"""


def _tokenizer_facts(store: RunStore, run_id: str) -> tuple[str, str]:
    """(an example conversation laid out by the run's saved template, its end-of-turn token); ("", "") when the
    tokenizer cannot be read."""
    from transformers import AutoTokenizer  # slow import, deferred to first use

    try:
        tok = AutoTokenizer.from_pretrained(str(store.model_dir(run_id)))
    except (OSError, ValueError) as err:
        log.info("card of %s without its template: %s", run_id, err)
        return "", ""
    if not tok.chat_template:
        return "", ""
    stop = end_of_turn_id(tok)
    example = render_chat(tok, EXAMPLE, add_generation_prompt=True).replace("```", "'''")
    token = "" if stop is None else " ".join(str(tok.convert_ids_to_tokens(stop)).replace("`", "'").split())[:40]
    return example, token  # in a code span: no backtick, no line break


def _dataset(source: DatasetSource) -> tuple[str, list[str]]:
    if source.kind == "sample" and source.name == "chat":
        return ("Fine-tune Studio's embedded conversations (questions on its English reviews with a known answer: "
                "sentiment, domain, a five-word summary; and who the model is)", [])
    return dataset_line(source)


def _scores(baseline: dict, final: dict) -> list:
    keys = [key for key in final if key.startswith("eval_") and not key.endswith(SKIPPED)]
    first = [key for key in ("eval_loss", "eval_perplexity") if key in keys]
    return score_rows(baseline, final, first + sorted(set(keys) - set(first)))


def build_sft_card(store: RunStore, run_id: str, config, repo_id: str) -> str:
    """The README.md of an SFT run's model: how to chat with it, its template, its data and loss, its scores."""
    from huggingface_hub import ModelCardData  # slow import, deferred to first use

    built_here = config.model == sources.TINY_GPT or config.model.startswith(RUN_PREFIX)
    base = None if built_here else base_model_id(config.model)  # the tiny GPT and earlier runs are not on the Hub
    shown = "the tiny GPT (a GPT-2 built from a config)" if config.model == sources.TINY_GPT else \
        "an earlier run's model" if built_here else f"`{cell(base or 'a local model')}`"
    dataset, hub_datasets = _dataset(config.dataset)
    data = ModelCardData(base_model=base, datasets=hub_datasets or None, library_name="transformers",
                         pipeline_tag="text-generation", tags=["trl", config.task, "chat", "fine-tune-studio"])
    loss = getattr(config, "sft_loss", "assistant_only")
    chatml = getattr(config, "chat_template", "model") == "chatml" or config.model == sources.TINY_GPT
    example, end_of_turn = _tokenizer_facts(store, run_id)
    packing = ("packed: several conversations per row of max_length tokens, no padding" if config.packing
               else "one conversation per row, padded per batch")
    settings = [(name, cell(getattr(config, name))) for name in SFT_SETTINGS if hasattr(config, name)]
    return render_card(
        data, SFT_TEMPLATE, repo_id, settings,
        _scores(store.read_eval(run_id, "baseline"), store.read_eval(run_id, "final")), base=shown,
        template_name="ChatML (`<|im_start|>role ... <|im_end|>`)" if chatml else "The base model's own chat template",
        end_of_turn=end_of_turn, example=example, dataset=dataset, text_column=cell(config.text_column),
        loss=cell(loss), loss_line=LOSS_LINES.get(loss, ""), max_length=config.max_length, packing=packing)
