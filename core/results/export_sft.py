"""The TRL script of an SFT run: conversations as chat messages, the chat template, SFTConfig's loss choice and
packing, LoRA with peft, SFTTrainer, loss and perplexity before and after, and a few answers at the end.

It runs from any folder: the embedded conversations come in the zip beside it (core.results.export_script.bundle),
the offline tiny GPT is built the way the app builds it (a byte-level BPE, here trained on the conversations, with
ChatML's two turn tokens, and a GPT-2 from a config), and a run that continued another run's model names a folder
beside the script (that run's model zip, unzipped). Every config value is written by `lit`, so no name or text a
visitor typed can become a statement (tests/test_hostile.py parses the script).
"""

from __future__ import annotations

from core import sources
from core.model.tiny_gpt import TINY_GPT_SHAPE, TINY_GPT_VOCAB
from core.results.export_data import beside_lines, cap_lines, holdout_lines, only_lines
from core.results.export_lm import model_lines
from core.results.export_script import (CHAT_FOLDER, chat_sample, data_source_lines, script_name,
                                        training_args_lines)
from core.results.export_train_mode import lora_targets_of
from core.results.literals import lit
from core.tokenizer.chat_template import CHATML_TEMPLATE, END_OF_TURN, START_OF_TURN

ANSWERS_SHOWN, ANSWER_TOKENS = 3, 48  # held-out conversations answered at the end, and each answer's bound


def _load_lines(cfg: dict) -> list[str]:
    if not chat_sample(cfg):
        return data_source_lines(cfg)
    return beside_lines(CHAT_FOLDER, "The embedded conversations (made from the reviews)")


def _data_lines(cfg: dict) -> list[str]:
    """train_ds / eval_ds as `messages` rows (prompt / completion for completion-only loss)."""
    lines = holdout_lines(cfg) + only_lines(cfg) + cap_lines(cfg)
    lines += ["", f"TEXT_COLUMN = {lit(cfg.get('text_column') or 'messages')}", "",
              "def to_messages(row):",
              "    \"\"\"A row of any of the common formats as chat messages: a column of role / content turns, prompt +",
              "    completion, or instruction + input + output (Alpaca).\"\"\"",
              "    if isinstance(row.get(TEXT_COLUMN), list):",
              "        turns = row[TEXT_COLUMN]",
              "    elif \"completion\" in row:",
              "        turns = as_turns(row[\"prompt\"], \"user\") + as_turns(row[\"completion\"], \"assistant\")",
              "    else:",
              "        extra = (row.get(\"input\") or \"\").strip()",
              "        user = row[\"instruction\"] + (\"\\n\\n\" + row[\"input\"] if extra else \"\")",
              "        turns = [{\"role\": \"user\", \"content\": user}, {\"role\": \"assistant\", \"content\": row[\"output\"]}]",
              "    return {\"messages\": [{\"role\": t[\"role\"], \"content\": t[\"content\"]} for t in turns]}", "",
              "def as_turns(value, role):  # plain text is one turn; a list of turns stays as it is",
              "    return list(value) if isinstance(value, list) else [{\"role\": role, \"content\": value}]", "",
              "train_ds = train_ds.map(to_messages, remove_columns=train_ds.column_names)",
              "eval_ds = eval_ds.map(to_messages, remove_columns=eval_ds.column_names)",
              "held_out = [row[\"messages\"] for row in eval_ds.select(range(min(len(eval_ds), "
              f"{lit(ANSWERS_SHOWN)})))]"]
    if cfg.get("sft_loss") == "completion_only":
        lines += ["# completion_only: SFTTrainer trains the completion only, so the last answer is the completion and",
                  "# every turn before it the prompt",
                  "def split_last(row):",
                  "    return {\"prompt\": row[\"messages\"][:-1], \"completion\": row[\"messages\"][-1:]}", "",
                  "train_ds = train_ds.map(split_last, remove_columns=[\"messages\"])",
                  "eval_ds = eval_ds.map(split_last, remove_columns=[\"messages\"])"]
    return lines


def _uses_chatml(cfg: dict) -> bool:
    return cfg.get("model") == sources.TINY_GPT or cfg.get("chat_template") == "chatml"


def _tokenizer_lines(cfg: dict) -> list[str]:
    if cfg.get("model") == sources.TINY_GPT:
        lines = ["# A byte-level BPE (GPT-2's recipe) trained on the conversations, with ChatML's turn markers as",
                 "# special tokens (never split)",
                 "bpe = Tokenizer(models.BPE())",
                 "bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)",
                 "bpe.decoder = decoders.ByteLevel()",
                 "texts = [turn[\"content\"] for row in raw[" + lit(cfg["train_split"]) + "].map(to_messages)"
                 "[\"messages\"] for turn in row]",
                 f"bpe.train_from_iterator(texts, trainers.BpeTrainer(vocab_size={lit(TINY_GPT_VOCAB)}, min_frequency=2,",
                 f"    special_tokens=[\"<|endoftext|>\", {lit(START_OF_TURN)}, {lit(END_OF_TURN)}],",
                 "    initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))",
                 "tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token=\"<|endoftext|>\",",
                 "                                    eos_token=\"<|endoftext|>\", pad_token=\"<|endoftext|>\")"]
    else:
        lines = ["tokenizer = AutoTokenizer.from_pretrained(MODEL)"]
    if _uses_chatml(cfg):
        lines += ["# ChatML: each turn is <|im_start|>role ... <|im_end|>; the {% generation %} markers tell",
                  "# SFTTrainer which tokens the assistant wrote (assistant-only loss)",
                  "# (as special tokens: never split, and known as the end of a turn)",
                  f"tokenizer.add_special_tokens({{\"additional_special_tokens\": [{lit(START_OF_TURN)}, {lit(END_OF_TURN)}]}},",
                  "                           replace_extra_special_tokens=False)",
                  f"tokenizer.chat_template = {lit(CHATML_TEMPLATE)}"]
    else:
        lines += ["# The model's own chat template lays out the conversations"]
    return lines + ["if tokenizer.pad_token is None:  # SFTTrainer's collator masks padding by position, not by id",
                    "    tokenizer.pad_token = tokenizer.eos_token"]


def _model_build_lines(cfg: dict) -> list[str]:
    if cfg.get("model") == sources.TINY_GPT:
        shape = ", ".join(f"{k}={lit(v)}" for k, v in TINY_GPT_SHAPE.items())
        lines = ["# A small GPT-2 with random weights (the app's tiny GPT)",
                 f"model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), {shape},",
                 "                                  bos_token_id=tokenizer.bos_token_id, "
                 "eos_token_id=tokenizer.eos_token_id))"]
    else:
        remote = ", trust_remote_code=True" if cfg.get("trust_remote_code") is True else ""
        lines = [f"model = AutoModelForCausalLM.from_pretrained(MODEL{remote})",
                 "if model.get_input_embeddings().num_embeddings < len(tokenizer):  # room for added turn tokens",
                 "    model.resize_token_embeddings(len(tokenizer))"]
    return lines + [
        "model.config.pad_token_id = tokenizer.pad_token_id",
        "# An answer ends at the end-of-turn token (or the end of text): generation stops at either",
        "END_OF_TURN = tokenizer.apply_chat_template([{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", "
        "\"content\": \"Hello\"}], tokenize=True, return_dict=True)[\"input_ids\"]",
        "END_OF_TURN = next((i for i in reversed(END_OF_TURN) if i in tokenizer.all_special_ids), tokenizer.eos_token_id)",
        "STOPS = list(dict.fromkeys([END_OF_TURN, tokenizer.eos_token_id]))",
        "model.generation_config.eos_token_id = STOPS",
        "model.generation_config.pad_token_id = tokenizer.pad_token_id"]


def _lora_lines(cfg: dict) -> list[str]:
    if cfg.get("train_mode") != "lora":
        return ["peft_config = None  # every weight trains"]
    targets = lora_targets_of(cfg)
    return ["# What to train: LoRA adapters (small low-rank updates) on a few layers; SFTTrainer wraps the model",
            "from peft import LoraConfig", "",
            f"peft_config = LoraConfig(task_type=\"CAUSAL_LM\", r={lit(cfg.get('lora_r', 8))}, "
            f"lora_alpha={lit(cfg.get('lora_alpha', 16))},",
            f"                         lora_dropout={lit(cfg.get('lora_dropout', 0.1))}, "
            f"target_modules={lit(targets) if targets else 'None'})"]


def _sft_args_lines(cfg: dict) -> list[str]:
    """TrainingArguments' lines as SFTConfig, with its own: the loss, max_length, packing."""
    loss = cfg.get("sft_loss") or "assistant_only"
    lines = training_args_lines(cfg)
    lines[0] = "args = SFTConfig("
    return lines[:-1] + [
        f"    max_length={lit(cfg['max_length'])},  # tokens kept per conversation (its start)",
        f"    packing={lit(bool(cfg.get('packing')))},  # several conversations per row (no padding), or one per row",
        "    packing_strategy=\"wrapped\",  # packed rows cut at max_length: no padding-free attention kernel needed",
        f"    assistant_only_loss={lit(loss == 'assistant_only')},  # train on every assistant turn (and its end)",
        f"    completion_only_loss={lit(loss == 'completion_only')},  # train on the last answer only",
        "    dataset_num_proc=None,", ")"]


def generate_sft_script(cfg: dict) -> str:
    """A standalone script that fine-tunes a chat model like `cfg` with TRL and shows its answers."""
    name = script_name(cfg)
    tiny = cfg.get("model") == sources.TINY_GPT
    header = ['"""Teach a causal LM to chat: supervised fine-tuning with TRL (generated by Fine-tune Studio).', "",
              f"Run:  python {name}", "Needs: pip install trl peft transformers datasets", '"""', "",
              "import importlib.util", "import math", "from pathlib import Path", "", "import torch",
              "from datasets import DatasetDict, load_dataset",
              *(["from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers"] if tiny else []),
              "from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast, set_seed" if tiny else
              "from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed",
              "from trl import SFTConfig, SFTTrainer", "",
              "HERE = Path(__file__).resolve().parent  # data files are read beside the script",
              *model_lines(cfg),
              f"set_seed({lit(cfg['seed'])})", ""]
    body = (["# 1. Data: each row a conversation, as chat messages"] + _load_lines(cfg) + _data_lines(cfg)
            + ["", "# 2. Tokenizer and its chat template"] + _tokenizer_lines(cfg)
            + ["", "# 3. Model"] + _model_build_lines(cfg) + _lora_lines(cfg)
            + ["", "# 4. Train: the loss is the mean cross-entropy of the trained tokens; perplexity = exp(loss)"]
            + _sft_args_lines(cfg)
            + ["trainer = SFTTrainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,",
               "                     processing_class=tokenizer, peft_config=peft_config)"]
            + (["before = trainer.evaluate()[\"eval_loss\"]",
                "print(f\"before: loss {before:.3f}, perplexity {math.exp(before):.1f}\")"]
               if cfg.get("evaluate_before", True) else [])
            + ["trainer.train()", "after = trainer.evaluate()[\"eval_loss\"]",
               "print(f\"after: loss {after:.3f}, perplexity {math.exp(after):.1f}\")", ""]
            + _answer_lines() + _save_lines(cfg))
    return "\n".join(header + body) + "\n"


def _answer_lines() -> list[str]:
    return ["# 5. Chat with it: held-out questions, laid out by the template with the generation prompt",
            "model = trainer.model.eval()",
            "for turns in held_out:",
            "    ids = tokenizer.apply_chat_template(turns[:-1], add_generation_prompt=True, return_tensors=\"pt\",",
            "                                        return_dict=True).to(model.device)",
            "    with torch.no_grad():",
            f"        out = model.generate(**ids, max_new_tokens={lit(ANSWER_TOKENS)}, do_sample=False)",
            "    new = out[0, ids[\"input_ids\"].shape[1]:]",
            "    stopped = len(new) > 0 and int(new[-1]) in STOPS",
            "    print(repr(turns[-2][\"content\"]), \"->\", repr(tokenizer.decode(new, skip_special_tokens=True)),",
            "          \"(ended its turn)\" if stopped else \"(cut at max_new_tokens)\")"]


def _save_lines(cfg: dict) -> list[str]:
    if not cfg.get("save_model", True):
        return []
    lines = ["trainer.save_model(args.output_dir + \"/model\")  # model (or adapter) + tokenizer with its template"]
    if cfg.get("train_mode") == "lora":
        lines += ["# LoRA: model/ holds the adapter; merged into its base it is an ordinary model",
                  "merged = trainer.model.merge_and_unload()",
                  "merged.save_pretrained(args.output_dir + \"/merged\")",
                  "tokenizer.save_pretrained(args.output_dir + \"/merged\")"]
    return lines
