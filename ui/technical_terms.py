"""The English a Chinese page may show: technical names a learner meets in code, kept as they are (README: "technical
names are kept"), in ONE list. The translation check (tests/test_translation.py on the catalogue, the Playwright walk
tests/test_browser_walk.py on the page's text) calls `english_words` and fails on any word it returns.

What counts as a technical name:
- a word in TECHNICAL_TERMS (plain words that are also names in the libraries: Trainer, padding, token, loss...);
- a word that looks like code: an identifier with `_`, `.`, `/`, `(` or a digit (max_length, glue/mrpc, gpt2), a
  CamelCase class (AutoModelForCausalLM), an acronym in capitals (CPU, JSON, [CLS]);
- text in a code span (`...` in Markdown, <code> on the page): the page shows code there, not prose.
Everything else written in Latin letters is English a Chinese visitor should not have to read.
"""

from __future__ import annotations

import functools
import re

# Plain words kept in English on the Chinese page: each is a name in the code, the libraries or the field
# (a learner searches the docs for it), or a proper name. Add a word here only when its Chinese would hide that name.
TECHNICAL_TERMS = frozenset({
    # libraries, products and formats
    "Hugging", "Face", "Hub", "Trainer", "Accelerate", "PyTorch", "Python", "NumPy", "Rust", "Gradio", "TensorBoard",
    "peft", "accelerate", "evaluate", "tokenizers", "transformers", "datasets", "launch", "torch", "ChatML", "Space",
    "Spaces", "Fine-tune", "Studio", "MiniLM", "BERT", "GPT", "Bert", "LoRA", "lora", "AdamW", "Adam", "TRL", "SFT",
    "DPO", "SmolLM", "zip",
    "Yelp", "IMDb", "cpu", "cuda", "csv", "tsv", "json", "jsonl", "parquet", "imdb", "glue", "mrpc", "encoder",
    "decoder", "transformer",
    # the words of a tokenizer call, a batch and a model's outputs, as the API names them
    "token", "tokens", "tokenizer", "tokenize", "padding", "truncation", "pad", "batch", "batched", "split", "mask",
    "attention", "logits", "logit", "softmax", "embedding", "Embedding",
    "prompt", "completion", "assistant", "user", "system", "role", "content", "fast", "slow", "eos", "unk", "features",
    "checkpoint", "config", "collator", "dropout", "warm-up", "greedy", "nucleus", "top-k", "top-p", "temperature",
    "perplexity",
    # the training loop and its measures
    "loss", "step", "steps", "epoch", "epochs", "accuracy", "f1", "precision", "recall", "head", "full",
    "lr", "ln", "log", "id", "ids", "train", "test", "validation",
    # Python's literals and the tokenizer call's choices as written in code
    "True", "False", "None", "none", "true", "false", "longest", "pt", "np",
    # names of models, tokenizers and runs the app offers or its messages give as examples
    "bert-base-cased", "bert-base-uncased", "distilbert-base-uncased", "roberta-base", "reviews-bpe", "quick-demo",
    "end-of-text", "pip", "install", "python",
    # the API's parameter names besides the settings (setting_names() adds those and their choices)
    "labels", "columns", "cell", "limit", "form", "format", "settings", "messages", "text", "label", "name",
    # the columns of conversation and preference data as TRL and the Alpaca format name them, the embedded sets
    "generation", "chosen", "rejected", "instruction", "input", "output", "Alpaca", "instruct", "chat", "prefs",
    # units
    "MB", "GB", "MiB", "GiB", "KB", "ms",
})

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_./'-]*[A-Za-z0-9_]|[A-Za-z]")
# code spans, and quoted literals (a value to type, a warning quoted as the library prints it)
CODE_SPAN = re.compile(r"`[^`]*`|(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])|\"[^\"\n]*\"")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@functools.lru_cache(maxsize=1)
def setting_names() -> frozenset[str]:
    """Every TrainConfig setting's name and its choices as written in code (core.training.fields declares them):
    a message names the setting to change, as the API and the exported script do."""
    from core.training.setting import settings_of  # loads every setting declaration: only when a check runs
    from core.training.fields import TrainFields

    names = set()
    for name, spec in settings_of(TrainFields).items():
        names.add(name)
        names.update(str(choice) for choice in spec.choices)
    return frozenset(names)


def looks_like_code(word: str) -> bool:
    """An identifier, a path or Hub id, a call, a CamelCase class or an acronym: a name, not a sentence's word."""
    if len(word) == 1 or any(c in word for c in "_./") or any(c.isdigit() for c in word):  # x, m: symbols
        return True
    if len(word) > 1 and word.isupper():
        return True
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def english_words(text: str, allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The English words of a text meant for a Chinese reader: every Latin-script word that is not a technical
    name, not code and not in `allowed` (the learner's own data on the page: column, label and run names)."""
    text = CODE_SPAN.sub(" ", text)
    return [match[0] for match in WORD.finditer(text)
            if match[0] not in TECHNICAL_TERMS and match[0] not in allowed and match[0] not in setting_names()
            and not looks_like_code(match[0]) and not text.startswith(("(", "/"), match.end())  # decode(ids), a path
            and not text[:match.start()].endswith("-")]  # a flag: --offline


def catalogue_english(text: str) -> list[str]:
    """english_words for a catalogue template: its {placeholders} are filled at run time, so they are skipped."""
    return english_words(PLACEHOLDER.sub(" ", text))
