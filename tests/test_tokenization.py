"""Core tokenization: exact outputs of the embedded (uncased WordPiece) tokenizer for each padding and
truncation setting, the explained warnings, bad input, the BPE pad-token lesson, and dataset statistics."""

import threading

import numpy as np
import pytest

from core import sources
from core.tokenizer import encode as tke
from core.tokenizer import loading as tkn
from core.tokenizer.bpe import END_OF_TEXT, VOCAB_MAX, dataset_texts, safe_name, tokenizer_folder, train_bpe
from core.tokenizer.call_settings import MAX_ENCODE_CHARS, EncodeSettings, NoPadTokenError
from core.tokenizer.length_stats import encode_rows, recommend_max_length, token_length_stats
from core.tokenizer.result import DISPLAY_TOKENS, python_snippet

A, B = "the quick brown fox jumps", "over the lazy dog"
CORPUS = [f"the {a} {b} was {c} and the plot {d}" for a in ("film", "movie", "show", "story")
          for b in ("actor", "director", "writer") for c in ("great", "boring", "brilliant", "awful")
          for d in ("worked", "failed", "surprised me")] * 3


@pytest.fixture(scope="module")
def tok():
    return tkn.load_tokenizer(sources.EMBEDDED_MODEL)


def run(tok, texts, pairs=None, **settings):
    return tke.encode(tok, texts, pairs, EncodeSettings(**settings))


def seq(result, i=0):
    s = result.sequences[i]
    return s["tokens"], s["input_ids"], s["attention_mask"], s["token_type_ids"]


# ---------------------------------------------------------------- exact outputs

def test_padding_max_length_pins_tokens_ids_and_mask(tok):
    r = run(tok, ["Hello world"], padding="max_length", max_length=8)
    tokens, ids, mask, types = seq(r)
    assert tokens == ["[CLS]", "hello", "world", "[SEP]"] + ["[PAD]"] * 4
    assert ids == [101, 7592, 2088, 102, 0, 0, 0, 0]
    assert mask == [1, 1, 1, 1, 0, 0, 0, 0] and types == [0] * 8
    assert r.shape == "pt: torch.Size([1, 8])" and r.notes == []
    assert r.sequences[0]["pad"] == [False] * 4 + [True] * 4
    assert r.sequences[0]["special"] == [True, False, False, True] + [False] * 4
    table = r.table()
    assert list(table["special?"]) == ["yes", "", "", "yes", "pad", "pad", "pad", "pad"]
    assert list(table.columns) == ["sequence", "position", "token", "id", "attention_mask", "token_type_id",
                                   "special?"]


def test_no_padding_no_truncation(tok):
    r = run(tok, ["Hello world"])
    assert seq(r)[:2] == (["[CLS]", "hello", "world", "[SEP]"], [101, 7592, 2088, 102])
    assert r.sequences[0]["decoded"] == "[CLS] hello world [SEP]"
    assert r.sequences[0]["decoded_without_special"] == "hello world"
    assert r.sequences[0]["round_trip_exact"] is False  # uncased: "Hello" comes back as "hello"


@pytest.mark.parametrize("strategy, tokens, types", [
    ("longest_first", ["[CLS]", "the", "quick", "brown", "fox", "[SEP]", "over", "the", "lazy", "[SEP]"],
     [0] * 6 + [1] * 4),
    ("only_first", ["[CLS]", "the", "quick", "brown", "[SEP]", "over", "the", "lazy", "dog", "[SEP]"],
     [0] * 5 + [1] * 5),
    ("only_second", ["[CLS]", "the", "quick", "brown", "fox", "jumps", "[SEP]", "over", "the", "[SEP]"],
     [0] * 7 + [1] * 3),
])
def test_truncation_strategies_on_a_pair(tok, strategy, tokens, types):
    r = run(tok, [A], [B], truncation=strategy, max_length=10)
    assert seq(r)[0] == tokens and seq(r)[3] == types
    assert r.shape == "pt: torch.Size([1, 10])"


def test_truncation_true_is_longest_first(tok):
    r = run(tok, [A], [B], truncation=True, max_length=8)
    assert seq(r)[1] == [101, 1996, 4248, 2829, 102, 2058, 1996, 102]
    assert run(tok, [A], truncation=True, max_length=5).sequences[0]["tokens"] == \
        ["[CLS]", "the", "quick", "brown", "[SEP]"]


def test_batch_longest_padding_right_and_left(tok):
    r = run(tok, ["Hello world", "How are you today"], padding="longest")
    assert seq(r, 0)[1] == [101, 7592, 2088, 102, 0, 0] and seq(r, 0)[2] == [1, 1, 1, 1, 0, 0]
    assert seq(r, 1)[1] == [101, 2129, 2024, 2017, 2651, 102]
    assert r.shape == "pt: torch.Size([2, 6])"
    left = run(tok, ["Hello world", "How are you today"], padding=True, padding_side="left")
    assert seq(left, 0)[1] == [0, 0, 101, 7592, 2088, 102] and left.sequences[0]["pad"][:2] == [True, True]


def test_padding_and_truncation_together_make_a_rectangle(tok):
    r = run(tok, ["Hello world", A + " " + B], padding="max_length", truncation=True, max_length=6)
    assert r.shape == "pt: torch.Size([2, 6])"
    assert seq(r, 1)[0] == ["[CLS]", "the", "quick", "brown", "fox", "[SEP]"]


def test_switches_and_tensor_kinds(tok):
    assert seq(run(tok, ["Hello world"], add_special_tokens=False))[1] == [7592, 2088]
    r = run(tok, ["Hello world"], return_attention_mask=False, return_token_type_ids=False)
    assert seq(r)[2:] == (None, None) and r.table()["attention_mask"].isna().all()
    assert run(tok, ["Hello world"], return_tensors="np").shape == "np: (1, 4)"
    assert run(tok, ["Hello world"], return_tensors="").shape == "lists: 1 × 4"
    assert run(tok, ["Hello world", "a b c"], return_tensors="").shape == "lists: 2 sequences, ragged (lengths 4..5)"


def test_ragged_batch_explains_why_no_tensor(tok):
    r = run(tok, ["Hello world", "a b c"], return_tensors="pt")
    assert r.shape.startswith("pt: cannot make a tensor") and "(4, 5)" in r.shape and "padding" in r.shape
    assert seq(r, 1)[1] == [101, 1037, 1038, 1039, 102]  # the lists are still shown


def test_python_snippet_is_the_same_call():
    code = python_snippet("gpt2", EncodeSettings(padding=True, max_length=16, padding_side="left"), True, True)
    assert "from_pretrained('gpt2')" in code and "tokenizer.pad_token = tokenizer.eos_token" in code
    assert "tokenizer(texts, pairs, padding='longest', truncation=False, max_length=16, padding_side='left', " \
           "return_tensors='pt')" in code
    assert "sentence-transformers/all-MiniLM-L6-v2" in python_snippet(sources.EMBEDDED_MODEL, EncodeSettings(), False)


# ---------------------------------------------------------------- warnings, explained

def test_max_length_without_truncation_is_explained(tok):
    assert "does nothing here" in run(tok, ["Hello world"], max_length=4).notes[0]
    notes = run(tok, ["Hello world", "How are you today"], padding="longest", max_length=4).notes
    assert len(notes) == 1 and "ignores max_length=4" in notes[0]  # transformers' warning, said once
    assert "stay longer" in run(tok, ["Hello world"], padding="max_length", max_length=3).notes[0]


def test_pair_strategy_without_pair_and_longest_on_one_text(tok):
    assert "strategy for pairs" in run(tok, ["Hello world"], truncation="only_first", max_length=3).notes[0]
    assert "one text has nothing" in run(tok, ["Hello world"], padding="longest").notes[0]


def test_longer_than_model_max_is_explained_every_time(tok):
    for _ in range(2):  # transformers logs this once per tokenizer; the explanation comes every time
        notes = run(tok, ["word " * 600]).notes
        assert any("longer than the model's maximum of 512" in n for n in notes)


def test_other_library_warnings_are_captured_and_foreign_ones_passed_on(tok):
    import logging
    import warnings

    notes: list[str] = []
    with pytest.warns(UserWarning, match="not about tokenizing"):
        with tke.call_lock(notes):
            warnings.warn_explicit("odd setting", UserWarning, "transformers/tokenization_utils_base.py", 1)
            warnings.warn("not about tokenizing")  # e.g. a training thread's: re-emitted, not shown as a note
            logging.getLogger("transformers.tokenization_utils_base").warning("log line")
    assert notes == ["transformers says: odd setting", "transformers says: log line"]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("value, words", [(0, "no room"), (-5, "no room"), (8193, "over the 8,192"),
                                          (2.5, "whole number"), ("ten", "not a number")])
def test_bad_max_length(value, words):
    with pytest.raises(ValueError, match=words):
        EncodeSettings(max_length=value)


def test_settings_normalise_and_reject():
    s = EncodeSettings(padding=True, truncation="True", max_length=12.0, return_tensors="none")
    assert (s.padding, s.truncation, s.max_length, s.return_tensors) == ("longest", "longest_first", 12, "")
    assert EncodeSettings(padding=False, truncation=False).call_kwargs()["padding"] is False
    with pytest.raises(ValueError, match="not a choice"):
        EncodeSettings(padding="sideways")
    with pytest.raises(ValueError, match="(?i)unknown setting"):
        EncodeSettings.from_dict({"pading": True})
    assert set(EncodeSettings.field_help()) == set(EncodeSettings().to_dict())


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text(text):
    with pytest.raises(ValueError, match="empty"):
        tke.parse_inputs(text)


def test_pair_problems(tok):
    with pytest.raises(ValueError, match="only_second.*no pair"):
        run(tok, ["Hello world"], truncation="only_second", max_length=4)
    with pytest.raises(ValueError, match="2 texts and 1 pairs"):
        tke.parse_inputs("a\nb", "c", batch=True)
    with pytest.raises(ValueError, match="too short"):
        run(tok, ["Hello world"], ["How are you today my friend"], truncation="only_first", max_length=8)


def test_megabyte_text_is_tokenized_but_display_capped(tok):
    text = "Hello wonderful world, a test of tokenization speed. " * 20_000  # ~1 MB
    texts, pairs, _ = tke.parse_inputs(text)
    r = tke.encode(tok, texts, pairs, EncodeSettings(return_tensors=""))
    s = r.sequences[0]
    assert s["n_tokens"] > 100_000 and s["shown"] == DISPLAY_TOKENS == len(s["tokens"])
    assert any(f"first {DISPLAY_TOKENS} tokens" in n for n in r.notes)
    assert len(r.table()) == DISPLAY_TOKENS and s["round_trip_exact"] is None
    with pytest.raises(ValueError, match="limit"):
        tke.parse_inputs("x" * (MAX_ENCODE_CHARS + 1))


def test_batch_mode_caps_lines_and_padded_size(tok):
    texts, _, notes = tke.parse_inputs("\n".join(f"line {i}" for i in range(100)), batch=True)
    assert len(texts) == tke.MAX_BATCH and "first 64 of 100" in notes[0]
    huge = ["word " * 60_000] + ["short"] * 39  # 40 rows padded to ~60,000 tokens: 2.4 million cells
    with pytest.raises(ValueError, match="cells"):
        run(tok, huge, padding="longest")


def test_unknown_and_offline_tokenizers(monkeypatch):
    with pytest.raises(ValueError, match="neither a folder nor a Hub id"):
        tkn.load_tokenizer("vocab.txt")
    with pytest.raises(ValueError, match="No trained tokenizer"):
        tkn.load_tokenizer("trained/../../etc")
    monkeypatch.setattr(sources, "_online", False)
    with pytest.raises(ValueError, match="offline"):
        tkn.load_tokenizer("gpt2")
    monkeypatch.setattr(sources, "_online", True)  # "online", but the id exists nowhere (tests are offline)
    with pytest.raises(ValueError, match="could not be loaded"):
        tkn.load_tokenizer("no-such-org/no-such-tokenizer")


# ---------------------------------------------------------------- loading and describing

def test_describe_embedded(tok):
    info = tkn.describe_tokenizer(tok)
    roles = {s["role"]: (s["token"], s["id"]) for s in info["special_tokens"]}
    assert roles == {"CLS": ("[CLS]", 101), "SEP": ("[SEP]", 102), "PAD": ("[PAD]", 0),
                     "UNK": ("[UNK]", 100), "MASK": ("[MASK]", 103)}
    assert (info["vocab_size"], info["model_max_length"], info["fast"]) == (30522, 512, True)
    assert (info["padding_side"], info["truncation_side"], info["has_pad_token"]) == ("right", "right", True)


def test_cache_shares_one_tokenizer(tok):
    assert tkn.load_tokenizer("") is tok is tkn.load_tokenizer(sources.EMBEDDED_MODEL)


def test_concurrent_calls_with_different_settings_do_not_mix(tok):
    errors = []

    def worker(length: int) -> None:
        for _ in range(20):
            r = run(tok, ["Hello world"], padding="max_length", max_length=length)
            if len(r.sequences[0]["input_ids"]) != length:
                errors.append(length)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (6, 9, 12, 15)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []


def test_compare(tok):
    out = tke.compare(tok, tok, "Unbelievable tokenization", ("x", "x"))
    assert out["a"]["tokens"] == ["[CLS]", "unbelievable", "token", "##ization", "[SEP]"]
    assert out["a"]["count"] == out["b"]["count"] == 5 and out["a"]["words"] == 2


# ---------------------------------------------------------------- BPE and the pad-token lesson

@pytest.fixture()
def bpe(isolated_settings):
    return train_bpe(CORPUS, "lesson", vocab_size=400)


def test_train_bpe_makes_a_gpt2_like_folder(bpe, isolated_settings):
    assert bpe["name"] == "trained/lesson" and bpe["texts"] == len(CORPUS)
    assert tokenizer_folder("lesson") == isolated_settings.runs_dir.parent.resolve() / "tokenizers" / "lesson"
    assert "trained/lesson" in tkn.tokenizer_choices()
    tok = tkn.load_tokenizer("trained/lesson")
    info = tkn.describe_tokenizer(tok)
    assert {s["role"]: s["token"] for s in info["special_tokens"]} == {"BOS": END_OF_TEXT, "EOS": END_OF_TEXT}
    assert not info["has_pad_token"] and info["model_max_length"] == 1024
    assert tok.decode(tok("the film was great")["input_ids"]) == "the film was great"


def test_pad_lesson_error_then_fix(bpe):
    plain = tkn.load_tokenizer("trained/lesson")
    with pytest.raises(NoPadTokenError, match=r"tokenizer.pad_token = tokenizer.eos_token") as info:
        run(plain, ["the film", "the movie was great"], padding="longest")
    assert isinstance(info.value, ValueError) and "Asking to pad" in info.value.original
    fixed = tkn.load_tokenizer("trained/lesson", pad_to_eos=True)
    assert fixed.pad_token_id == fixed.eos_token_id
    r = run(fixed, ["the film", "the movie was great"], padding="longest")
    assert r.sequences[0]["pad"][-1] and r.sequences[0]["input_ids"][-1] == fixed.eos_token_id
    assert plain.pad_token is None  # the shared, cached tokenizer was not changed


def test_retraining_replaces_the_cached_tokenizer(bpe):
    first = tkn.load_tokenizer("trained/lesson")
    train_bpe(CORPUS[:50], "lesson", vocab_size=300)
    assert tkn.load_tokenizer("trained/lesson") is not first


@pytest.mark.parametrize("name, expected", [("My BPE!", "My-BPE"), ("../../evil", "evil"), ("a/b", "a-b")])
def test_safe_names(name, expected):
    assert safe_name(name) == expected


def test_bad_bpe_requests(isolated_settings):
    with pytest.raises(ValueError, match="no usable characters"):
        train_bpe(CORPUS, "../..")
    with pytest.raises(ValueError, match="out of range"):
        train_bpe(CORPUS, "x", vocab_size=VOCAB_MAX + 1)
    with pytest.raises(ValueError, match="no text"):
        train_bpe([], "x", vocab_size=400)


# ---------------------------------------------------------------- on a dataset

@pytest.fixture(scope="module")
def pairs_ds():
    import datasets

    return datasets.Dataset.from_dict({"sentence1": [c for c in CORPUS[:200]],
                                       "sentence2": [c.upper() for c in CORPUS[:200]], "label": [0, 1] * 100})


def test_length_stats_and_recommendation(tok, pairs_ds):
    stats = token_length_stats(tok, pairs_ds, ["sentence1", "sentence2"], max_length=20)
    lengths = np.array(stats["lengths"])
    assert stats["rows"] == stats["measured"] == 200 and not stats["sampled"]
    assert lengths.min() >= 3 + 2 * 6  # three special tokens, at least six words each side
    assert stats["truncated_share"] == pytest.approx((lengths > 20).mean())
    rec = stats["recommended_max_length"]
    assert rec % 8 == 0 and (lengths <= rec).mean() >= 0.95
    sampled = token_length_stats(tok, pairs_ds, ["sentence1"], max_rows=50)
    assert sampled["measured"] == 50 and sampled["sampled"] and sampled["max_length"] == 512


def test_recommendation_rounds_and_caps():
    assert recommend_max_length(np.array([10] * 100), 512) == 16
    assert recommend_max_length(np.array([3] * 100), None) == 8
    assert recommend_max_length(np.array([900] * 100), 512) == 512


def test_dataset_errors(tok, pairs_ds):
    with pytest.raises(ValueError, match="No text column"):
        token_length_stats(tok, pairs_ds, [])
    with pytest.raises(ValueError, match="not in this split"):
        token_length_stats(tok, pairs_ds, ["review"])
    with pytest.raises(ValueError, match="3 text columns"):
        token_length_stats(tok, pairs_ds, ["sentence1", "sentence2", "label"])


def test_encode_rows_and_dataset_texts(tok, pairs_ds):
    r = encode_rows(tok, pairs_ds, ["sentence1", "sentence2"], 3, EncodeSettings(padding=True), seed=1)
    assert r.n_sequences == 3 and all("row" in s for s in r.sequences)
    assert 1 in r.sequences[0]["token_type_ids"]  # encoded as pairs
    assert len(list(dataset_texts(pairs_ds, ["sentence1", "sentence2"], max_rows=10))) == 20
