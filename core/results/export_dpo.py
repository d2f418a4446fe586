"""The TRL script and the model card of a DPO run.

The script is TRL's own recipe (DPOConfig, DPOTrainer on prompt / chosen / rejected pairs, LoRA through
`peft_config` so the reference is the adapter-free base) and runs from any folder: a run that started from another
run's model names a folder beside the script (that run's model zip from the Runs tab, unzipped). Every config value
is written by `lit`.
"""

from __future__ import annotations

from core.model.checkpoints import RUN_PREFIX
from core.results.export_script import PREFS_FOLDER, data_source_lines, model_source_lines, prefs_sample, script_name
from core.results.literals import lit
from core.results.model_card import _base_model, _cell, _dataset, _scores

BASE_FOLDER = "base-model"  # a run: model, beside the script
SCRIPT_SETTINGS = ("beta", "max_length", "learning_rate", "batch_size", "eval_batch_size",
                   "gradient_accumulation_steps", "num_train_epochs", "weight_decay", "logging_steps", "seed")
ARGUMENT_NAMES = {"batch_size": "per_device_train_batch_size", "eval_batch_size": "per_device_eval_batch_size"}


def _model_lines(cfg: dict) -> list[str]:
    model = cfg.get("model") or ""
    if model.startswith(RUN_PREFIX):
        return ["# DPO started from an earlier run's model (its sft run): download that run's model zip (Runs tab)",
                f"# and unzip it beside this script as {BASE_FOLDER}/",
                f"MODEL = str(HERE / {lit(BASE_FOLDER)})"]
    return model_source_lines(model)


def _load_lines(cfg: dict) -> list[str]:
    if not prefs_sample(cfg):
        return data_source_lines(cfg)
    files = ", ".join(f'"{s}": str(HERE / "{PREFS_FOLDER}" / "{s}.jsonl")' for s in ("train", "test"))
    return ["# The embedded preference pairs (made for the project): two JSON-lines files in the zip beside this script",
            f"raw = load_dataset(\"json\", data_files={{{files}}})"]


def _data_lines(cfg: dict) -> list[str]:
    seed, train = lit(cfg["seed"]), lit(cfg["train_split"])
    lines = [f"train_ds = raw[{train}]"]
    if cfg.get("eval_split"):
        lines.append(f"eval_ds = raw[{lit(cfg['eval_split'])}]")
    else:
        lines += [f"parts = train_ds.train_test_split(test_size={lit(cfg['eval_fraction'])}, seed={seed})",
                  "train_ds, eval_ds = parts[\"train\"], parts[\"test\"]"]
    for name, cap in (("train_ds", cfg["max_train_samples"]), ("eval_ds", cfg["max_eval_samples"])):
        if cap and cap > 0:
            lines += [f"if len({name}) > {lit(cap)}:",
                      f"    {name} = {name}.shuffle(seed={seed}).select(range({lit(cap)}))"]
    return lines + [
        "", "def as_turns(row):  # plain-text pairs become one user turn and one assistant answer (the chat template)",
        "    turns = lambda value, role: [{\"role\": role, \"content\": value}] if isinstance(value, str) else value",
        "    return {\"prompt\": turns(row[\"prompt\"], \"user\"), \"chosen\": turns(row[\"chosen\"], \"assistant\"),",
        "            \"rejected\": turns(row[\"rejected\"], \"assistant\")}", "",
        "columns = [\"prompt\", \"chosen\", \"rejected\"]",
        "train_ds = train_ds.map(as_turns).select_columns(columns)",
        "eval_ds = eval_ds.map(as_turns).select_columns(columns)"]


def _lora_lines(cfg: dict) -> list[str]:
    if cfg.get("train_mode") != "lora":
        return ["peft_config = None  # every weight trains; the reference is a frozen copy of the model"]
    targets = cfg.get("lora_target_modules") or []
    return ["# LoRA: small low-rank adapters train; the reference is the same model with the adapters off",
            "from peft import LoraConfig", "",
            "peft_config = LoraConfig(task_type=\"CAUSAL_LM\",",
            f"                         r={lit(cfg.get('lora_r', 8))}, lora_alpha={lit(cfg.get('lora_alpha', 16))},",
            f"                         lora_dropout={lit(cfg.get('lora_dropout', 0.1))},",
            f"                         target_modules={lit(targets) if targets else None})"]


def _args_lines(cfg: dict) -> list[str]:
    out = f"{script_name(cfg)[6:-3]}-output"
    lines = ["args = DPOConfig(", f"    output_dir={lit(out)},",
             f"    loss_type=[{lit(cfg['loss_type'])}],  # sigmoid: DPO; ipo: IPO; hinge: SLiC"]
    lines += [f"    {ARGUMENT_NAMES.get(name, name)}={lit(cfg[name])}," for name in SCRIPT_SETTINGS]
    if cfg.get("max_steps", -1) > 0:
        lines.append(f"    max_steps={lit(cfg['max_steps'])},  # overrides num_train_epochs")
    return lines + [f"    warmup_steps={lit(cfg['warmup_ratio'])},  # a float below 1 is a fraction of all steps",
                    f"    eval_strategy={lit(cfg['eval_strategy'])},",
                    *([f"    eval_steps={lit(cfg['eval_steps'])},"] if cfg["eval_strategy"] == "steps" else []),
                    "    gradient_checkpointing=False,  # TRL turns it on; a small model does not need it",
                    "    bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),  # TRL's default needs a GPU",
                    "    save_strategy=\"no\", report_to=\"none\",", ")"]


def generate_dpo_script(cfg: dict) -> str:
    """A standalone script that preference-tunes like `cfg` and prints what changed."""
    name = script_name(cfg)
    header = ['"""Preference-tune a chat model with DPO (generated by Fine-tune Studio).', "",
              f"Run:  python {name}", "Each row is a prompt with a chosen (better) and a rejected (worse) answer.", '"""',
              "", "import importlib.util", "from pathlib import Path", "", "import torch",
              "from datasets import ClassLabel, DatasetDict, Features, Value, load_dataset",
              "from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed",
              "from trl import DPOConfig, DPOTrainer", "",
              "HERE = Path(__file__).resolve().parent  # data files are read beside the script",
              *_model_lines(cfg), f"set_seed({lit(cfg['seed'])})", ""]
    body = (["# 1. Pairs"] + _load_lines(cfg) + _data_lines(cfg)
            + ["", "# 2. The chat model (DPO refines a model that already answers in turns)",
               "tokenizer = AutoTokenizer.from_pretrained(MODEL)",
               "if tokenizer.pad_token is None:", "    tokenizer.pad_token = tokenizer.eos_token",
               "model = AutoModelForCausalLM.from_pretrained(MODEL, dtype=torch.float32)"] + _lora_lines(cfg)
            + ["", "# 3. Train: the loss pushes log p(chosen) - log p(rejected) up, relative to the reference;",
               "#    beta * that change is the implicit reward margin TRL logs as rewards/margins"]
            + _args_lines(cfg)
            + ["trainer = DPOTrainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,",
               "                     processing_class=tokenizer, peft_config=peft_config)",
               "trainer.train()",
               "after = trainer.evaluate()",
               "print(f\"held-out: chosen wins on {after['eval_rewards/accuracies']:.0%} of the pairs, \"",
               "      f\"margin {after['eval_rewards/margins']:.3f}\")", "",
               "# 4. Its own answers to a few held-out prompts",
               "model = trainer.model.eval()",
               "for pair in eval_ds.select(range(min(3, len(eval_ds)))):",
               "    ids = tokenizer.apply_chat_template(pair[\"prompt\"], add_generation_prompt=True, return_tensors=\"pt\",",
               "                                        return_dict=True).to(model.device)",
               "    out = model.generate(**ids, max_new_tokens=48, do_sample=False, pad_token_id=tokenizer.pad_token_id)",
               "    print(repr(pair[\"prompt\"][-1][\"content\"]), \"->\",",
               "          repr(tokenizer.decode(out[0, ids[\"input_ids\"].shape[1]:], skip_special_tokens=True)))"])
    if cfg.get("save_model", True):
        body += ["trainer.save_model(args.output_dir + \"/model\")  # model (or adapter) + tokenizer"]
    return "\n".join(header + body) + "\n"


DPO_TEMPLATE = """---
{{ card_data }}
---

# {{ title }}

A chat model preference-tuned from `{{ base }}` with Fine-tune Studio (TRL's `DPOTrainer`): on each training pair
it learned to prefer the chosen answer over the rejected one.

## Training data

- dataset: {{ dataset }}; each row a prompt with a chosen and a rejected answer

## Training settings

| setting | value |
|---|---|
{% for name, value in settings %}| `{{ name }}` | {{ value }} |
{% endfor %}
## Results on the held-out pairs

| metric | before training | after | change |
|---|---|---|---|
{% for name, before, after, change in scores %}| {{ name }} | {{ before }} | {{ after }} | {{ change }} |
{% endfor %}
rewards/accuracies: the share of pairs where the chosen answer's implicit reward beats the rejected one's;
prefers_chosen: the share where the model gives the chosen answer the higher probability.

## How to use

```python
from transformers import pipeline

chat = pipeline("text-generation", model={{ repo_literal }})
print(chat([{"role": "user", "content": "Hello!"}], max_new_tokens=48)[0]["generated_text"])
```

## Limits

Preference tuning moves a model towards the answers its pairs prefer; it adds no knowledge. A small model trained on
few pairs: learning and experiments only.
"""
CARD_SETTINGS = ("beta", "loss_type", "max_length", "max_steps", "learning_rate", "batch_size", "train_mode", "seed")
CARD_SCORES = ("eval_loss", "eval_rewards/accuracies", "eval_rewards/margins", "eval_prefers_chosen")


def build_dpo_card(config, repo_id: str, baseline: dict, final: dict, task_name: str) -> str:
    """The README.md of a DPO run: its pairs, settings, held-out scores before and after, how to use it."""
    from huggingface_hub import ModelCard, ModelCardData  # slow import, deferred to first use

    dataset, hub_datasets = _dataset(config.dataset)
    built_here = config.model.startswith(RUN_PREFIX)
    base = None if built_here else _base_model(config.model)
    data = ModelCardData(base_model=base, datasets=hub_datasets or None, library_name="transformers",
                         pipeline_tag="text-generation", tags=[task_name, "trl", "fine-tune-studio"])
    card = ModelCard.from_template(
        data, template_str=DPO_TEMPLATE, title=_cell(repo_id.split("/")[-1]),
        base=_cell("an earlier run's chat model" if built_here else base or "a local model"), dataset=dataset,
        settings=[(name, _cell(getattr(config, name))) for name in CARD_SETTINGS],
        scores=_scores(baseline, final, CARD_SCORES), repo_literal=repr(repo_id))
    return str(card)
