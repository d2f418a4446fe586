"""Tokenizer tab handlers: plain functions that call core and return component values (tests call them
directly), and the JSON endpoints registered for the Gradio API (tokenize, token_length_stats, ...)."""

from __future__ import annotations

from dataclasses import fields

import gradio as gr
import pandas as pd

from core import sources
from core.data import describe as data_describe
from core.data import loading as data_loading
from core.data.source import SAMPLE, DatasetSource
from core.messages import UserError
from core.settings import get_settings
from core.tokenizer import encode as tke
from core.tokenizer import loading as tkn
from core.tokenizer.bpe import dataset_texts, train_bpe
from core.tokenizer.call_settings import EncodeSettings, NoPadTokenError
from core.tokenizer.length_stats import encode_rows, token_length_stats
from core.tokenizer.result import TABLE_COLUMNS
from ui.i18n import local, msg, register
from ui.state import source_of
from ui.tokenizer import views as view

SETTING_NAMES = [f.name for f in fields(EncodeSettings)]
DEFAULT_TEXT = "Hello world! Tokenizers split text into pieces."
MAX_TRAINED_TOKENIZERS = 100
# the widgets start from the tutorial's tokenizer(text, truncation=True, max_length=128)
UI_DEFAULTS = {"truncation": "longest_first", "max_length": 128}

register(
    en={"tokh.shape": "**Shape:** {shape}", "tokh.pad_failed": "**Padding failed.** {error}",
        "tokh.no_eos": " This tokenizer has no eos token either: turn padding off.",
        "tokh.no_dataset": "Could not read the dataset ({error}): load it on the Datasets tab first",
        "tokh.no_recommendation": "No recommendation yet: compute the token length statistics first",
        "tokh.smaller": " (asked {asked}: this text has fewer merges to learn)",
        "tokh.trained": "Trained **{name}** in {seconds} s on {texts} texts: vocab size {vocab}{smaller}. Saved to "
                        "`{path}`. Like GPT-2 it has no pad token: try padding='longest' in batch mode to see why that "
                        "fails, then apply the fix.",
        "tokh.training_off": "Training is switched off on this server (TRAINING_ENABLED=0), tokenizers included",
        "tokh.too_many": "{count} tokenizers are saved already: retrain one of them by name, or delete some from {root}",
        "tokh.vocab_whole": "vocab_size={value!r} must be a whole number, e.g. 4000"},
    zh={"tokh.shape": "**形状：** {shape}", "tokh.pad_failed": "**填充失败。** {error}",
        "tokh.no_eos": " 这个分词器也没有 eos token：请关闭 padding。",
        "tokh.no_dataset": "无法读取数据集（{error}）：请先在“数据集”标签页中加载",
        "tokh.no_recommendation": "还没有推荐值：请先计算 token 长度统计",
        "tokh.smaller": "（请求的是 {asked}：这些文本可学习的合并更少）",
        "tokh.trained": "已训练 **{name}**，用时 {seconds} 秒，{texts} 段文本：词表大小 {vocab}{smaller}。保存在 "
                        "`{path}`。和 GPT-2 一样，它没有 pad token：在批量模式下试试 padding='longest'，看看为什么会失败，"
                        "然后应用修复。",
        "tokh.training_off": "这台服务器关闭了训练（TRAINING_ENABLED=0），包括训练分词器",
        "tokh.too_many": "已经保存了 {count} 个分词器：请按名称重新训练其中一个，或从 {root} 中删除一些",
        "tokh.vocab_whole": "vocab_size={value!r} 必须是整数，例如 4000"},
)


def settings_values(**overrides) -> list:
    """The settings widgets' values in order (defaults, with overrides): handy for tests and the UI."""
    return [overrides.get(name, getattr(EncodeSettings(), name)) for name in SETTING_NAMES]


def _settings(values) -> EncodeSettings:
    try:
        return EncodeSettings(**dict(zip(SETTING_NAMES, values)))
    except ValueError as err:
        raise gr.Error(local(err)) from err


def _load(name: str, pad_fix: bool = False):
    try:
        return tkn.load_tokenizer(name, pad_to_eos=bool(pad_fix))
    except ValueError as err:
        raise gr.Error(local(err)) from err


def _stored_name(name: str) -> str:
    """What the Train tab can pass to from_pretrained: trained tokenizers as their folder path."""
    if (name or "").startswith(tkn.TRAINED_PREFIX):
        return tkn.resolve_tokenizer(name)
    return name or sources.EMBEDDED_MODEL


def choose_tokenizer(name: str, selection: dict):
    """Load a tokenizer, describe it, reset the pad fix and remember the choice in the session."""
    tok = _load(name)
    info = tkn.describe_tokenizer(tok)
    selection = {**(selection or {}), "tokenizer": _stored_name(name)}
    return view.tokenizer_markdown(info), gr.update(visible=False), False, selection


def apply_pad_fix(name: str):
    """The GPT-2 fix, tokenizer.pad_token = tokenizer.eos_token, for this session (a separate cached copy)."""
    info = tkn.describe_tokenizer(_load(name, pad_fix=True))
    return True, view.tokenizer_markdown(info)


def _show(result) -> tuple:
    return (view.notes_markdown(result.notes), gr.update(visible=False), msg("tokh.shape", shape=result.shape),
            view.tokens_html(result), result.table(), view.decoded_markdown(result), result.python)


def _explain_no_pad(err: NoPadTokenError, tok) -> tuple:
    can_fix = tok.eos_token is not None
    text = msg("tokh.pad_failed", error=local(err)) + ("" if can_fix else msg("tokh.no_eos"))
    return (text, gr.update(visible=can_fix), "", "", pd.DataFrame(columns=TABLE_COLUMNS), "", "")


def tokenize_text(name: str, pad_fix: bool, text: str, pair: str, batch: bool, *values):
    """The playground: encode the typed text (pair, batch) with the settings; a missing pad token is
    explained and the fix offered instead of an error."""
    settings = _settings(values)
    tok = _load(name, pad_fix)
    try:
        texts, pairs, notes = tke.parse_inputs(text, pair, bool(batch))
        result = tke.encode(tok, texts, pairs, settings, name=name, pad_to_eos=bool(pad_fix))
    except NoPadTokenError as err:
        return _explain_no_pad(err, tok)
    except ValueError as err:
        raise gr.Error(local(err)) from err
    result.notes[:0] = notes
    return _show(result)


def _split(selection: dict):
    try:
        dsd = data_loading.load_source(source_of(selection))
        return dsd[selection["split"]], list(selection.get("text_columns") or [])
    except (ValueError, KeyError) as err:
        raise gr.Error(msg("tokh.no_dataset", error=local(err))) from err


def tokenize_rows(name: str, pad_fix: bool, selection: dict, n_rows: float, *values):
    """Encode N random rows of the loaded dataset with the current settings."""
    settings = _settings(values)
    tok = _load(name, pad_fix)
    split, columns = _split(selection)
    try:
        return _show(encode_rows(tok, split, columns, int(n_rows), settings, name=name, pad_to_eos=bool(pad_fix)))
    except NoPadTokenError as err:
        return _explain_no_pad(err, tok)
    except ValueError as err:
        raise gr.Error(local(err)) from err


def length_stats(name: str, pad_fix: bool, selection: dict, max_length: float | None):
    """Token length histogram over the split; stores the recommended max_length and tokenizer in the session."""
    tok = _load(name, pad_fix)
    split, columns = _split(selection)
    try:
        ml = EncodeSettings(max_length=max_length).max_length
        stats = token_length_stats(tok, split, columns, ml)
    except ValueError as err:
        raise gr.Error(local(err)) from err
    selection = {**selection, "recommended_max_length": stats["recommended_max_length"],
                 "tokenizer": _stored_name(name)}
    return view.lengths_figure(stats), view.stats_markdown(stats), selection


def use_recommended(selection: dict):
    """Copy the recommended max_length into the playground's max_length."""
    value = (selection or {}).get("recommended_max_length")
    if not value:
        raise gr.Error(msg("tokh.no_recommendation"))
    return value


def train_tokenizer(name: str, vocab_size: float, selection: dict):
    """Train a byte-level BPE tokenizer on the split's text column(s) and select it."""
    split, columns = _split(selection)
    try:
        info = _train(split, columns, name, vocab_size)
    except ValueError as err:
        raise gr.Error(local(err)) from err
    smaller = (msg("tokh.smaller", asked=f"{info['requested_vocab_size']:,}")
               if info["vocab_size"] < info["requested_vocab_size"] else "")
    text = msg("tokh.trained", name=info["name"], seconds=info["seconds"], texts=f"{info['texts']:,}",
               vocab=f"{info['vocab_size']:,}", smaller=smaller, path=info["path"])
    choices = tkn.tokenizer_choices()
    return (text, gr.update(choices=choices, value=info["name"]), gr.update(choices=choices),
            gr.update(choices=choices))


def _train(split, columns: list[str], name: str, vocab_size) -> dict:
    """train_bpe with this server's guardrails: training switched on, a bounded number of folders."""
    if not get_settings().training_enabled:
        raise ValueError(msg("tokh.training_off"))
    root = tkn.tokenizers_dir()
    existing = [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    if len(existing) >= MAX_TRAINED_TOKENIZERS and (name or "").strip() not in existing:
        raise ValueError(msg("tokh.too_many", count=len(existing), root=root))
    if vocab_size is None or float(vocab_size) != int(vocab_size):
        raise ValueError(msg("tokh.vocab_whole", value=vocab_size))
    return train_bpe(dataset_texts(split, columns), name, int(vocab_size))


def compare_tokenizers(name_a: str, name_b: str, text: str):
    """The same text through two tokenizers, side by side."""
    tok_a, tok_b = _load(name_a), _load(name_b)
    try:
        return view.compare_html(tke.compare(tok_a, tok_b, text, (name_a, name_b)))
    except ValueError as err:
        raise gr.Error(local(err)) from err


def initial_load():
    """What the tab shows when the page opens: the embedded tokenizer's summary and the default text."""
    info = view.tokenizer_markdown(tkn.describe_tokenizer(_load(sources.EMBEDDED_MODEL)))
    return (info, *tokenize_text(sources.EMBEDDED_MODEL, False, DEFAULT_TEXT, "", False,
                                 *settings_values(**UI_DEFAULTS)))


# ---------------------------------------------------------------- JSON endpoints (gr.api)

def _api(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError as err:
        raise gr.Error(local(err)) from err


def _api_split(dataset: dict | None, split: str, columns: list[str] | None):
    source = DatasetSource.from_dict(dataset) if dataset else SAMPLE
    dsd = data_loading.load_source(source)
    if split not in dsd:
        raise UserError("Split {split!r} not found: choose one of {choices}", split=split, choices=", ".join(dsd))
    return dsd[split], list(columns or data_describe.guess_columns(dsd[split])[0])


def api_tokenize(text: str, text_pair: str = "", tokenizer: str = "", settings: dict | None = None,
                 batch: bool = False, pad_to_eos: bool = False) -> dict:
    """Tokenize a text (or a pair; batch: one text per line) with tokenizer(...) settings: padding,
    truncation, max_length, add_special_tokens, return_attention_mask, return_token_type_ids,
    padding_side, return_tensors. Returns tokens, ids, masks, decoded text, the shape and explained warnings."""
    def run() -> dict:
        tok = tkn.load_tokenizer(tokenizer, pad_to_eos=pad_to_eos)
        texts, pairs, notes = tke.parse_inputs(text, text_pair, batch)
        result = tke.encode(tok, texts, pairs, EncodeSettings.from_dict(settings), name=tokenizer,
                            pad_to_eos=pad_to_eos)
        result.notes[:0] = notes
        return result.to_dict()
    return _api(run)


def api_describe_tokenizer(tokenizer: str = "") -> dict:
    """Special tokens with ids, vocab size, model_max_length, fast/slow, padding and truncation sides."""
    return _api(lambda: tkn.describe_tokenizer(tkn.load_tokenizer(tokenizer)))


def api_token_length_stats(tokenizer: str = "", max_length: int | None = None, dataset: dict | None = None,
                           split: str = "train", columns: list[str] | None = None) -> dict:
    """Token length statistics of a dataset split (default: the embedded sample) and a recommended
    max_length. dataset is a DatasetSource as a dict, e.g. {"kind": "hub", "name": "glue", "config": "mrpc"}."""
    def run() -> dict:
        stats = token_length_stats(tkn.load_tokenizer(tokenizer), *_api_split(dataset, split, columns),
                                   EncodeSettings(max_length=max_length).max_length)
        return {k: v for k, v in stats.items() if k != "lengths"}
    return _api(run)


def api_train_bpe_tokenizer(name: str, vocab_size: int = 4000, dataset: dict | None = None,
                            split: str = "train", columns: list[str] | None = None) -> dict:
    """Train a byte-level BPE tokenizer on a dataset split's text; load it afterwards as "trained/<name>"."""
    return _api(lambda: _train(*_api_split(dataset, split, columns), name, vocab_size))


def api_compare_tokenizers(text: str, tokenizer_a: str = "", tokenizer_b: str = "gpt2") -> dict:
    """The same text through two tokenizers: tokens and counts of each."""
    return _api(lambda: tke.compare(tkn.load_tokenizer(tokenizer_a), tkn.load_tokenizer(tokenizer_b), text,
                                    (tokenizer_a, tokenizer_b)))


API_ENDPOINTS = {"tokenize": api_tokenize, "describe_tokenizer": api_describe_tokenizer,
                 "token_length_stats": api_token_length_stats, "train_bpe_tokenizer": api_train_bpe_tokenizer,
                 "compare_tokenizers": api_compare_tokenizers}
