"""The plain Trainer script of a causal LM run: the course's `group_texts` recipe (or one text per row with padding),
`DataCollatorForLanguageModeling(mlm=False)`, perplexity before and after, and a few generations at the end.

For the offline tiny GPT the script builds it the same way the app does (a byte-level BPE trained on the texts, a
GPT-2 from a config), so it runs with no download. A run that continued another run's model names a folder beside
the script: the model zip of that run from the Runs tab, unzipped. Every config value is written by `lit`.
"""

from __future__ import annotations

from core import sources
from core.model.checkpoints import RUN_PREFIX
from core.model.tiny_gpt import TINY_GPT_SHAPE, TINY_GPT_VOCAB
from core.results.export_data import cap_lines, holdout_lines, only_lines
from core.results.export_script import data_source_lines, model_source_lines, script_name, training_args_lines
from core.results.export_train_mode import train_mode_lines
from core.results.literals import lit
from core.training.lm_callbacks import DEFAULT_PROMPTS

BASE_FOLDER = "base-model"  # a run: model, beside the script


def model_lines(cfg: dict) -> list[str]:
    """MODEL = ...: the tiny GPT (built in the script), an earlier run's model beside the script, or the Hub/local id
    (the causal LM and sft scripts share it)."""
    model = cfg.get("model") or ""
    if model == sources.TINY_GPT:
        return ["MODEL = None  # the tiny GPT is built below from a config, with a tokenizer trained on the texts"]
    if model.startswith(RUN_PREFIX):
        return ["# This run continued the model of an earlier run: download that run's model zip (Runs tab) and unzip",
                f"# it beside this script as {BASE_FOLDER}/",
                f"MODEL = str(HERE / {lit(BASE_FOLDER)})"]
    return model_source_lines(model)


def _text_lines(cfg: dict) -> list[str]:
    text = lit(cfg["text_column"])
    return (holdout_lines(cfg)
            + only_lines(cfg, "Only one part of the data (e.g. one domain): the model's writing moves towards it")
            + ["# Text alone: the labels are the text itself, shifted by one token inside the model",
               f"train_ds = train_ds.select_columns([{text}]).filter(lambda row: bool((row[{text}] or \"\").strip()))",
               f"eval_ds = eval_ds.select_columns([{text}]).filter(lambda row: bool((row[{text}] or \"\").strip()))"]
            + cap_lines(cfg))


def _tokenizer_lines(cfg: dict) -> list[str]:
    if cfg.get("model") != sources.TINY_GPT:
        return ["tokenizer = AutoTokenizer.from_pretrained(MODEL)"]
    return ["# A byte-level BPE (GPT-2's recipe) trained on the training texts",
            "bpe = Tokenizer(models.BPE())",
            "bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)",
            "bpe.decoder = decoders.ByteLevel()",
            "bpe.post_processor = processors.ByteLevel(trim_offsets=False)",
            f"bpe.train_from_iterator(raw[{lit(cfg['train_split'])}][{lit(cfg['text_column'])}], trainers.BpeTrainer(",
            f"    vocab_size={lit(TINY_GPT_VOCAB)}, min_frequency=2, special_tokens=[\"<|endoftext|>\"],",
            "    initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))",
            "tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token=\"<|endoftext|>\",",
            "                                    eos_token=\"<|endoftext|>\")"]


def _prepare_lines(cfg: dict) -> list[str]:
    text, size = lit(cfg["text_column"]), lit(cfg["block_size"])
    if cfg.get("packing", True):
        return [f"BLOCK_SIZE = {size}", "",
                "def tokenize(batch):  # every text ends with end-of-text, so the model learns where texts stop",
                f"    return {{\"input_ids\": [ids + [tokenizer.eos_token_id] for ids in "
                f"tokenizer(batch[{text}])[\"input_ids\"]]}}", "",
                "def group_texts(batch):  # concatenate everything, cut it into full blocks (the tail is dropped)",
                "    joined = [token for ids in batch[\"input_ids\"] for token in ids]",
                "    usable = len(joined) // BLOCK_SIZE * BLOCK_SIZE",
                "    blocks = [joined[i:i + BLOCK_SIZE] for i in range(0, usable, BLOCK_SIZE)]",
                "    return {\"input_ids\": blocks, \"attention_mask\": [[1] * BLOCK_SIZE for _ in blocks],",
                "            \"labels\": [block[:] for block in blocks]}", "",
                f"train_ds = train_ds.map(tokenize, batched=True, remove_columns=[{text}])"
                ".map(group_texts, batched=True, batch_size=None)",
                f"eval_ds = eval_ds.map(tokenize, batched=True, remove_columns=[{text}])"
                ".map(group_texts, batched=True, batch_size=None)",
                "collator = default_data_collator  # full blocks: nothing to pad, labels already there"]
    return ["if tokenizer.pad_token is None:  # GPT-2 has no padding token: reuse end-of-text (the mask hides it)",
            "    tokenizer.pad_token = tokenizer.eos_token", "",
            "def tokenize(batch):  # one text per row, cut at the block size; batches are padded by the collator",
            f"    return tokenizer(batch[{text}], truncation=True, max_length={size})", "",
            f"train_ds = train_ds.map(tokenize, batched=True, remove_columns=[{text}])",
            f"eval_ds = eval_ds.map(tokenize, batched=True, remove_columns=[{text}])",
            "# Copies input_ids into labels and sets the pads' labels to -100, which the loss ignores",
            "collator = DataCollatorForLanguageModeling(tokenizer, mlm=False)"]


def _build_model_lines(cfg: dict) -> list[str]:
    if cfg.get("model") == sources.TINY_GPT:
        shape = ", ".join(f"{k}={lit(v)}" for k, v in TINY_GPT_SHAPE.items())
        return ["# A small GPT-2 with random weights: pretraining starts from nothing",
                f"model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), {shape},",
                "                                  bos_token_id=tokenizer.bos_token_id, "
                "eos_token_id=tokenizer.eos_token_id))"]
    remote = ", trust_remote_code=True" if cfg.get("trust_remote_code") is True else ""
    return [f"model = AutoModelForCausalLM.from_pretrained(MODEL{remote})"]


def generate_lm_script(cfg: dict) -> str:
    """A standalone script that trains a causal LM like `cfg` and prints perplexity before and after."""
    name = script_name(cfg)
    prompts = list(cfg.get("sample_prompts") or DEFAULT_PROMPTS)
    header = ['"""Train a causal language model (generated by Fine-tune Studio).', "",
              f"Run:  python {name}", "The embedded sample comes in the zip beside this script.", '"""', "",
              "import importlib.util", "import math", "from pathlib import Path", "", "import torch",
              "from datasets import ClassLabel, Features, Value, load_dataset",
              "from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers",
              "from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForLanguageModeling,",
              "                          GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast, Trainer,",
              "                          TrainingArguments, default_data_collator, pipeline, set_seed)", "",
              "HERE = Path(__file__).resolve().parent  # data files are read beside the script",
              *model_lines(cfg), f"set_seed({lit(cfg['seed'])})", ""]
    body = (["# 1. Data"] + data_source_lines(cfg) + _text_lines(cfg)
            + ["", "# 2. Tokenizer and blocks"] + _tokenizer_lines(cfg) + _prepare_lines(cfg)
            + ["", "# 3. Model"] + _build_model_lines(cfg) + train_mode_lines(cfg)
            + ["if model.config.pad_token_id is None:", "    model.config.pad_token_id = tokenizer.pad_token_id"]
            + ["", "# 4. Train: the loss is the mean cross-entropy of the next token; perplexity = exp(loss)"]
            + training_args_lines(cfg)
            + ["trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,",
               "                  processing_class=tokenizer, data_collator=collator)",
               "before = trainer.evaluate()[\"eval_loss\"]",
               "print(f\"before: loss {before:.3f}, perplexity {math.exp(before):.1f}\")",
               "trainer.train()",
               "after = trainer.evaluate()[\"eval_loss\"]",
               "print(f\"after: loss {after:.3f}, perplexity {math.exp(after):.1f}\")", "",
               "# 5. Watch it write", "if tokenizer.pad_token is None:",
               "    tokenizer.pad_token = tokenizer.eos_token",
               "writer = pipeline(\"text-generation\", model=trainer.model, tokenizer=tokenizer)",
               f"for prompt in {lit(prompts)}:",
               "    out = writer(prompt, max_new_tokens=30, do_sample=True, top_k=50, temperature=0.8)",
               "    print(repr(out[0][\"generated_text\"]))"])
    if cfg.get("save_model", True):
        body += ["trainer.save_model(args.output_dir + \"/model\")  # model + tokenizer, ready for pipeline()"]
    return "\n".join(header + body) + "\n"
