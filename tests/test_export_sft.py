"""The export of an SFT run (issue 23): a TRL script that runs from any folder, offline, and writes each setting the
run used (loss, packing, template, LoRA); and the chat model card."""

import ast
import os
import subprocess
import sys
import zipfile

import pytest

from core import sources
from core.data.source import DatasetSource
from core.results.export_sft import generate_sft_script
from core.training.config import TrainConfig

CHAT_SET = DatasetSource("sample", name="chat")


def sft_config(**overrides) -> TrainConfig:
    """An sft run's config: the embedded conversations on the tiny GPT, two steps."""
    values = dict(task="sft", model=sources.TINY_GPT, dataset=CHAT_SET, text_column="messages", label_column="",
                  train_split="train", eval_split="test", max_train_samples=16, max_eval_samples=4, max_length=128,
                  packing=False, max_steps=2, batch_size=4, eval_batch_size=4, eval_strategy="no", logging_steps=1,
                  run_name="chat lesson")
    return TrainConfig(**{**values, **overrides})


def sft_cfg(**overrides) -> dict:
    return sft_config(**overrides).to_dict()


def test_the_script_trains_the_tiny_gpt_to_chat_from_a_fresh_folder_offline(tmp_path):
    from core.results import export_forms
    from core.results.export_script import script_name

    cfg = sft_cfg()
    assert export_forms.generate(sft_config()) == generate_sft_script(cfg)  # the task's hook writes it
    archive = export_forms.bundle(sft_config(), tmp_path)
    folder = tmp_path / "elsewhere"
    zipfile.ZipFile(archive).extractall(folder)
    assert sorted(p.name for p in (folder / "chat").iterdir()) == ["test.jsonl", "train.jsonl"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PYTHONPATH": "", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, script_name(cfg)], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("before: loss") for line in lines) and any(line.startswith("after: loss")
                                                                         for line in lines)
    answers = [line for line in lines if line.endswith(("(ended its turn)", "(cut at max_new_tokens)"))]
    assert len(answers) == 3  # held-out questions, answered through the chat template
    saved = folder / "chat_lesson-output" / "model"
    assert (saved / "model.safetensors").is_file() and "generation" in (saved / "chat_template.jinja").read_text()


@pytest.mark.parametrize("overrides, present, absent", [
    ({}, ["assistant_only_loss=True", "completion_only_loss=False", "packing=False", "GPT2Config(",
          "<|im_end|>", "peft_config = None", 'str(HERE / "chat" / "train.jsonl")'],
     ["split_last", "LoraConfig"]),
    ({"sft_loss": "completion_only", "packing": True},
     ["completion_only_loss=True", "assistant_only_loss=False", "packing=True", "def split_last(row):"], []),
    ({"sft_loss": "all"}, ["assistant_only_loss=False", "completion_only_loss=False"], ["split_last"]),
    ({"model": "HuggingFaceTB/SmolLM2-135M", "chat_template": "chatml", "train_mode": "lora", "lora_r": 4,
      "lora_target_modules": ["q_proj", "v_proj"]},
     ["MODEL = 'HuggingFaceTB/SmolLM2-135M'", "tokenizer.chat_template = ", "resize_token_embeddings",
      "LoraConfig(task_type=\"CAUSAL_LM\", r=4", "target_modules=['q_proj', 'v_proj']", "merge_and_unload()"],
     ["GPT2Config("]),
    ({"model": "HuggingFaceTB/SmolLM2-135M-Instruct"}, ["The model's own chat template"],
     ["tokenizer.chat_template = "]),
    ({"model": "run:tiny-gpt-20260101-abcd", "chat_template": "chatml"},
     ["MODEL = str(HERE / 'base-model')", "tokenizer.chat_template = "], ["tiny-gpt-20260101-abcd"]),
    ({"dataset": DatasetSource("hub", name="HuggingFaceTB/smoltalk", config="everyday-conversations"),
      "eval_split": "", "only_column": "task", "only_value": "sentiment"},
     ["load_dataset('HuggingFaceTB/smoltalk', 'everyday-conversations')", "train_test_split(test_size=0.2",
      "str(row['task']) == 'sentiment'"], ["HERE / \"chat\""]),
])
def test_the_script_writes_the_runs_loss_packing_template_and_lora(overrides, present, absent):
    script = generate_sft_script(sft_cfg(**overrides))
    ast.parse(script)
    for text in present:
        assert text in script, text
    for text in absent:
        assert text not in script, text


def test_the_chat_card_says_how_to_chat_its_template_data_loss_and_scores(tmp_path, tiny_gpts):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core.results.model_card import card_for_run
    from core.runs.store import RunStore

    gpt = tiny_gpts(64, 400)
    store = RunStore(tmp_path / "runs")
    cfg = sft_cfg()
    run_id = store.new_run(cfg)
    AutoTokenizer.from_pretrained(str(gpt)).save_pretrained(str(store.model_dir(run_id)))
    AutoModelForCausalLM.from_pretrained(str(gpt)).save_pretrained(str(store.model_dir(run_id)))
    store.write_eval(run_id, "baseline", {"eval_loss": 7.9, "eval_perplexity": 2700.0, "eval_runtime": 1.0})
    store.write_eval(run_id, "final", {"eval_loss": 1.2, "eval_perplexity": 3.3, "eval_stop_rate": 0.95,
                                       "eval_runtime": 1.0, "eval_samples_per_second": 9.0})
    card = card_for_run(store, run_id, "me/tiny-chat")  # the task's hook writes it
    assert "pipeline_tag: text-generation" in card and "- trl" in card and "- sft" in card
    assert 'pipeline("text-generation", model=\'me/tiny-chat\')' in card and "apply_chat_template(messages" in card
    assert "<|im_start|>user\nWho are you?<|im_end|>\n" in card and card.count("<|im_start|>assistant\n") == 2
    assert "ends each answer with `<|im_end|>`" in card and "ChatML" in card
    assert "embedded conversations" in card and "loss `assistant_only`: every assistant turn" in card
    assert "| loss | 7.9 | 1.2 | -6.7000 |" in card and "| perplexity |" in card and "| stop_rate | - | 0.95 |" in card
    assert "runtime" not in card and "samples_per_second" not in card
    assert "| `sft_loss` | assistant_only |" in card and "| `chat_template` | model |" in card
