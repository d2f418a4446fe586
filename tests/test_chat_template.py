"""Chat templates (issue 23): the rendered text, the special tokens, each token's turn, and which tokens SFT trains
on - compared token by token with the labels of a real TRL SFTTrainer - and the warnings that name the fix."""

import copy

import pytest

from core.messages import UserError
from core.tokenizer.chat_masks import LOSSES, end_of_turn_id, trained_tokens
from core.tokenizer.chat_template import CHATML_TEMPLATE, END_OF_TURN, render_chat

CHAT = [{"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Is this review positive or negative? The book was great."},
        {"role": "assistant", "content": "positive"},
        {"role": "user", "content": "And this one? It broke in a day."},
        {"role": "assistant", "content": "negative"}]
LLAMA_SPECIALS = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]


@pytest.fixture(scope="module")
def tiny_gpt(tiny_chat_gpt):
    """The tiny GPT as the app builds it (ChatML template, <|im_end|>), one block, a 500-token BPE (tests/conftest.py)."""
    return tiny_chat_gpt


def _tokenizer(folder):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder))


@pytest.fixture(scope="module")
def llama_tokenizer(tiny_gpt):
    """A Llama 3 style tokenizer: its header / end-of-turn tokens and Meta's template (no generation markers),
    with eos = <|eot_id|> and no pad token, as Llama 3 Instruct ships."""
    from pathlib import Path

    import trl

    tok = _tokenizer(tiny_gpt)
    tok.add_special_tokens({"additional_special_tokens": LLAMA_SPECIALS}, replace_extra_special_tokens=False)
    tok.bos_token, tok.eos_token = "<|begin_of_text|>", "<|eot_id|>"
    tok.chat_template = (Path(trl.__file__).parent / "chat_templates" / "llama3.jinja").read_text(encoding="utf-8")
    return tok


def trl_labels(tiny_gpt, tok, rows, loss, max_length=1024, out="unused"):
    """What SFTTrainer trains on: its prepared dataset's input_ids and labels, row by row."""
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM
    from trl import SFTConfig, SFTTrainer

    model = AutoModelForCausalLM.from_pretrained(str(tiny_gpt))
    model.resize_token_embeddings(len(tok))
    if loss == "completion_only":
        data = Dataset.from_dict({"prompt": [r[:-1] for r in rows], "completion": [r[-1:] for r in rows]})
    else:
        data = Dataset.from_dict({"messages": rows})
    args = SFTConfig(output_dir=str(out), assistant_only_loss=loss == "assistant_only", max_length=max_length,
                     report_to=[], use_cpu=True, dataset_num_proc=None)
    with torch.device("cpu"):
        trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=copy.deepcopy(tok))
    prepared = trainer.train_dataset
    return [(r["input_ids"], r["labels"]) for r in prepared]


def ours(tok, row, loss, max_length=1024):
    shown = trained_tokens(tok, row, loss, max_length)
    kept = shown["kept"]
    labels = [i if t else -100 for i, t in zip(shown["ids"], shown["trained"])]
    return shown["ids"][:kept], labels[:kept]


SHORT = [{"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "A tiny GPT."}]
ROWS = [CHAT, CHAT[1:3], SHORT]


@pytest.mark.parametrize("loss", LOSSES)
def test_the_trained_tokens_are_exactly_those_of_trls_sft_trainer(tiny_gpt, llama_tokenizer, loss, tmp_path):
    """Every token, with and without a max_length that cuts the long conversation (into its answer: TRL keeps
    the row) or drops a row (no trained token left: TRL leaves it out, and nothing of it is marked trained)."""
    for tok in (_tokenizer(tiny_gpt), llama_tokenizer):
        for max_length in (1024, 60, 18):
            expected = [(list(i), list(l)) for i, l in trl_labels(tiny_gpt, tok, ROWS, loss, max_length, tmp_path)]
            shown = [ours(tok, row, loss, max_length) for row in ROWS]
            assert [row for row in shown if any(label != -100 for label in row[1])] == expected
            dropped = len(ROWS) - len(expected)
            if max_length == 1024 or loss == "all":
                assert dropped == 0
            elif max_length == 18:  # the prompts alone are longer: those rows are left out
                assert dropped > 0
    masked = {loss: ours(llama_tokenizer, CHAT, loss)[1].count(-100) for loss in LOSSES}
    assert masked["all"] == 0 < masked["assistant_only"] < masked["completion_only"]  # the test tells them apart


def test_the_chat_is_rendered_with_its_turns_special_tokens_and_generation_prompt(tiny_gpt):
    tok = _tokenizer(tiny_gpt)
    asking = render_chat(tok, CHAT[:2], add_generation_prompt=True)
    assert asking.endswith("<|im_start|>assistant\n") and not render_chat(tok, CHAT[:2]).endswith("assistant\n")
    shown = trained_tokens(tok, CHAT, "assistant_only")
    assert shown["notes"] == [] and not shown["default_template"]
    assert [s["token"] for s in shown["special_tokens"]] == ["<|im_start|>", END_OF_TURN]
    assert shown["special_tokens"][1]["roles"] == ["end_of_turn"]
    by_role = {role: "".join(tok.convert_tokens_to_string([t]) for t, r in zip(shown["tokens"], shown["roles"])
                             if r == role) for role in ("system", "user", "assistant")}
    assert by_role == {"system": CHAT[0]["content"], "user": CHAT[1]["content"] + CHAT[3]["content"],
                       "assistant": "positivenegative"}
    trained = [t for t, on in zip(shown["tokens"], shown["trained"]) if on]
    assert trained.count(END_OF_TURN) == 2  # the model learns to stop after each answer


def test_the_end_of_turn_token_is_the_one_the_template_closes_an_answer_with(tiny_gpt, llama_tokenizer):
    tok = _tokenizer(tiny_gpt)
    assert end_of_turn_id(tok) == tok.convert_tokens_to_ids(END_OF_TURN) != tok.eos_token_id
    assert end_of_turn_id(llama_tokenizer) == llama_tokenizer.convert_tokens_to_ids("<|eot_id|>")


def test_warnings_name_the_fix_pad_is_end_of_turn_and_a_swapped_training_template(llama_tokenizer):
    notes = trained_tokens(llama_tokenizer, CHAT, "assistant_only")["notes"]
    assert any("TRL swaps in its training version" in n for n in notes)
    assert any("<|eot_id|> is also the end-of-turn token" in n and "<|pad|>" in n for n in notes)
    fixed = copy.deepcopy(llama_tokenizer)
    fixed.add_special_tokens({"pad_token": "<|pad|>"})
    assert trained_tokens(fixed, CHAT, "all")["notes"] == []


def test_truncation_that_leaves_no_answer_or_cuts_its_end_is_named_with_the_length_needed(tiny_gpt):
    tok = _tokenizer(tiny_gpt)
    full = trained_tokens(tok, SHORT, "assistant_only")
    needed = max(i for i, on in enumerate(full["trained"]) if on) + 1
    cut = trained_tokens(tok, SHORT, "assistant_only", max_length=needed - 1)
    assert any(f"cuts the end of the answer (it ends at token {needed})" in n for n in cut["notes"])
    nothing = trained_tokens(tok, SHORT, "assistant_only", max_length=5)
    assert not any(nothing["trained"]) and nothing["kept"] == 5
    assert any(f"No assistant token is trained" in n and f"raise max_length to {needed}" in n for n in nothing["notes"])


def test_templates_without_markers_or_a_stop_token_outside_them_and_no_template_are_explained(tiny_gpt):
    tok = _tokenizer(tiny_gpt)
    unknown = copy.deepcopy(tok)
    unknown.chat_template = CHATML_TEMPLATE.replace("{%- generation %}", "").replace("{%- endgeneration %}", "")
    shown = trained_tokens(unknown, CHAT, "assistant_only")
    assert not any(shown["trained"]) and any("add them, or choose completion-only" in n for n in shown["notes"])
    early = copy.deepcopy(tok)
    early.chat_template = CHATML_TEMPLATE.replace("message['content'] + '<|im_end|>' }}{%- endgeneration %}",
                                                  "message['content'] }}{%- endgeneration %}{{- '<|im_end|>' }}")
    assert any("<|im_end|> is not trained" in n for n in trained_tokens(early, CHAT, "assistant_only")["notes"])
    bare = copy.deepcopy(tok)
    bare.chat_template = None
    shown = trained_tokens(bare, CHAT, "all")
    assert shown["default_template"] and any("no chat template: shown with ChatML" in n for n in shown["notes"])
    assert bare.chat_template is None and END_OF_TURN in shown["tokens"]  # the default went on a copy


def test_roles_out_of_order_are_a_warning_and_bad_settings_or_turns_are_refused(tiny_gpt):
    tok = _tokenizer(tiny_gpt)
    notes = trained_tokens(tok, [CHAT[2], CHAT[1]], "all")["notes"]
    assert any("turn 1 is assistant where user should come" in n for n in notes)
    for loss, max_length, fix in (("answers", 64, "use one of all, completion_only"), ("all", 0, "use 1..")):
        with pytest.raises(UserError, match=fix):
            trained_tokens(tok, CHAT, loss, max_length)
    with pytest.raises(UserError, match=r"turn 2 \(assistant\) has no text"):
        trained_tokens(tok, [CHAT[1], {"role": "assistant", "content": " "}], "all")
