"""Tokenizer tab handlers, and the JSON endpoints registered for the Gradio API (tokenize, token_length_stats, ...).

The tab's handlers take its components first (ui.tokenizer.tab.TokenizerTab, bound with functools.partial when
wired) and return a dict keyed by component; tests call them directly.
"""

from __future__ import annotations

from dataclasses import fields, replace

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
from ui.errors import error, shows_errors
from ui.i18n import headers, local, msg
from ui.identity import visitor
from ui.state import Selection
from ui.tokenizer import views as view
from ui.tokenizer.strings import STRINGS as TOKENIZER_STRINGS

SETTING_NAMES = [f.name for f in fields(EncodeSettings)]
DEFAULT_TEXT = TOKENIZER_STRINGS["tok.default_text"]["en"]  # the text box's value before the page's load fills it
MAX_TRAINED_TOKENIZERS = 100
# the widgets start from the tutorial's tokenizer(text, truncation=True, max_length=128)
UI_DEFAULTS = {"truncation": "longest_first", "max_length": 128}



def settings_values(**overrides) -> list:
    """The settings widgets' values in order (defaults, with overrides): handy for tests and the UI."""
    return [overrides.get(name, getattr(EncodeSettings(), name)) for name in SETTING_NAMES]


def _settings(values) -> EncodeSettings:
    return EncodeSettings(**dict(zip(SETTING_NAMES, values)))


def _load(name: str, request: gr.Request | None, pad_fix: bool = False):
    """A tokenizer this visitor may use (their own private ones included)."""
    return tkn.load_tokenizer(name, pad_to_eos=bool(pad_fix), owner=visitor(request).owner)


def _played(tab, result) -> dict:
    """What every tokenize action fills, from one EncodeResult."""
    return {tab.notes_md: view.notes_markdown(result.notes), tab.fix_btn: gr.Button(visible=False),
            tab.shape_md: msg("tokh.shape", shape=result.shape), tab.tokens_html: view.tokens_html(result),
            tab.table_df: headers(result.table(), cells=("special?",)), tab.decoded_md: view.decoded_markdown(result),
            tab.code_box: result.python}


def _no_pad(tab, err: NoPadTokenError, tok) -> dict:
    """Padding without a pad token: the lesson and the fix button instead of an error."""
    can_fix = tok.eos_token is not None
    text = msg("tokh.pad_failed", error=local(err)) + ("" if can_fix else msg("tokh.no_eos"))
    return {tab.notes_md: text, tab.fix_btn: gr.Button(visible=can_fix), tab.shape_md: "", tab.tokens_html: "",
            tab.table_df: headers(pd.DataFrame(columns=TABLE_COLUMNS)), tab.decoded_md: "", tab.code_box: ""}


@shows_errors
def choose_tokenizer(tab, name: str, request: gr.Request = None) -> dict:
    """Load a tokenizer, describe it and reset the pad fix."""
    info = tkn.describe_tokenizer(_load(name, request), name)
    return {tab.info_md: view.tokenizer_markdown(info), tab.fix_btn: gr.Button(visible=False), tab.pad_fix: False}


@shows_errors
def apply_pad_fix(tab, name: str, request: gr.Request = None) -> dict:
    """The GPT-2 fix, tokenizer.pad_token = tokenizer.eos_token, for this session (a separate cached copy)."""
    info = tkn.describe_tokenizer(_load(name, request, pad_fix=True), name)
    return {tab.pad_fix: True, tab.info_md: view.tokenizer_markdown(info)}


@shows_errors
def tokenize_text(tab, request: gr.Request, name: str, pad_fix: bool, text: str, pair: str, batch: bool,
                  *values) -> dict:
    """The playground: encode the typed text (pair, batch) with the settings; a missing pad token is
    explained and the fix offered instead of an error."""
    settings = _settings(values)
    tok = _load(name, request, pad_fix)
    texts, pairs, notes = tke.parse_inputs(text, pair, bool(batch))
    try:
        result = tke.encode(tok, texts, pairs, settings, name=name, pad_to_eos=bool(pad_fix))
    except NoPadTokenError as err:
        return _no_pad(tab, err, tok)
    result.notes[:0] = notes
    return _played(tab, result)


def _split(selection: Selection):
    """The split the Datasets tab chose, and its text columns."""
    try:
        dsd = data_loading.load_source(selection.source)
        return dsd[selection.split], list(selection.text_columns)
    except (ValueError, KeyError) as err:
        raise UserError("Could not read the dataset ({error}): load it on the Datasets tab first",
                        error=local(err) if isinstance(err, ValueError) else repr(err)) from err


@shows_errors
def tokenize_rows(tab, request: gr.Request, name: str, pad_fix: bool, selection: Selection, n_rows: float,
                  *values) -> dict:
    """Encode N random rows of the loaded dataset with the current settings."""
    settings = _settings(values)
    tok = _load(name, request, pad_fix)
    split, columns = _split(selection)
    try:
        return _played(tab, encode_rows(tok, split, columns, int(n_rows), settings, name=name,
                                        pad_to_eos=bool(pad_fix)))
    except NoPadTokenError as err:
        return _no_pad(tab, err, tok)


@shows_errors
def length_stats(tab, name: str, pad_fix: bool, selection: Selection, max_length: float | None,
                 request: gr.Request = None) -> dict:
    """Token length histogram over the split; keeps the recommended max_length in the session."""
    tok = _load(name, request, pad_fix)
    split, columns = _split(selection)
    stats = token_length_stats(tok, split, columns, EncodeSettings(max_length=max_length).max_length)
    return {tab.stats_plot: view.lengths_figure(stats), tab.stats_md: view.stats_markdown(stats),
            tab.selection: replace(selection, recommended_max_length=stats["recommended_max_length"])}


@shows_errors
def use_recommended(selection: Selection) -> int:
    """Copy the recommended max_length into the playground's max_length."""
    if not selection.recommended_max_length:
        raise error(msg("tokh.no_recommendation"))
    return selection.recommended_max_length


@shows_errors
def train_tokenizer(tab, name: str, vocab_size: float, selection: Selection, request: gr.Request = None) -> dict:
    """Train a byte-level BPE tokenizer on the split's text column(s) and select it."""
    split, columns = _split(selection)
    owner = visitor(request).owner
    info = _train(split, columns, name, vocab_size, owner, private=selection.source.kind == "upload")
    smaller = (msg("tokh.smaller", asked=f"{info['requested_vocab_size']:,}")
               if info["vocab_size"] < info["requested_vocab_size"] else "")
    text = msg("tokh.trained", name=info["name"], seconds=info["seconds"], texts=f"{info['texts']:,}",
               vocab=f"{info['vocab_size']:,}", smaller=smaller)
    choices = tkn.tokenizer_choices(owner)
    return {tab.bpe_md: text, tab.tokenizer_dd: gr.Dropdown(choices=choices, value=info["name"]),
            tab.compare_a_dd: gr.Dropdown(choices=choices), tab.compare_b_dd: gr.Dropdown(choices=choices)}


def _train(split, columns: list[str], name: str, vocab_size, owner: str, private: bool) -> dict:
    """train_bpe with this server's guardrails: training switched on, a bounded number of folders."""
    if not get_settings().training_enabled:
        raise error(msg("tokh.training_off"))
    root = tkn.tokenizers_dir()
    existing = [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    if len(existing) >= MAX_TRAINED_TOKENIZERS and (name or "").strip() not in existing:
        raise error(msg("tokh.too_many", count=len(existing)))
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, (int, float)) or float(vocab_size) != int(vocab_size):
        raise error(msg("tokh.vocab_whole", value=vocab_size))
    return train_bpe(dataset_texts(split, columns), name, int(vocab_size), owner=owner, private=private)


@shows_errors
def compare_tokenizers(name_a: str, name_b: str, text: str, request: gr.Request = None) -> str:
    """The same text through two tokenizers, side by side."""
    tok_a, tok_b = _load(name_a, request), _load(name_b, request)
    return view.compare_html(tke.compare(tok_a, tok_b, text, (name_a, name_b)))


def initial_load(tab, request: gr.Request = None) -> dict:
    """What the tab shows when the page opens: the embedded tokenizer's summary and the default text, in the
    visitor's language (a Chinese text shows how the tokenizer cuts Chinese: mostly a token per character)."""
    info = view.tokenizer_markdown(tkn.describe_tokenizer(_load(sources.EMBEDDED_MODEL, request), sources.EMBEDDED_MODEL))
    text = msg("tok.default_text", request)
    return {tab.info_md: info, tab.text_tb: text,
            **tokenize_text(tab, request, sources.EMBEDDED_MODEL, False, text, "", False,
                            *settings_values(**UI_DEFAULTS))}


# ---------------------------------------------------------------- JSON endpoints (gr.api)

def _api_split(dataset: dict | None, split: str, columns: list[str] | None, owner: str):
    """A split of a dataset the visitor may read (their own uploads, the Hub, the sample)."""
    source = DatasetSource.from_dict(dataset) if dataset else SAMPLE
    source.check_access(owner)
    if isinstance(columns, str):  # one column named as text, not a list of one
        columns = [columns]
    if columns is not None and (not isinstance(columns, list) or not all(isinstance(c, str) for c in columns)):
        raise UserError("columns: {value!r} - name one or two text columns, e.g. [\"text\"]", value=columns)
    dsd = data_loading.load_source(source)
    if split not in dsd:
        raise UserError("Split {split!r} not found: choose one of {choices}", split=split, choices=", ".join(dsd))
    return dsd[split], list(columns or data_describe.guess_columns(dsd[split])[0])


@shows_errors
def api_tokenize(text: str, text_pair: str = "", tokenizer: str = "", settings: dict | None = None,
                 batch: bool = False, pad_to_eos: bool = False, request: gr.Request = None) -> dict:
    """Tokenize a text (or a pair; batch: one text per line) with tokenizer(...) settings: padding,
    truncation, max_length, add_special_tokens, return_attention_mask, return_token_type_ids,
    padding_side, return_tensors. Returns tokens, ids, masks, decoded text, the shape and explained warnings."""
    tok = _load(tokenizer, request, pad_to_eos)
    texts, pairs, notes = tke.parse_inputs(text, text_pair, batch)
    result = tke.encode(tok, texts, pairs, EncodeSettings.from_dict(settings), name=tokenizer,
                        pad_to_eos=bool(pad_to_eos))
    result.notes[:0] = notes
    return result.to_dict()


@shows_errors
def api_describe_tokenizer(tokenizer: str = "", request: gr.Request = None) -> dict:
    """Special tokens with ids, vocab size, model_max_length, fast/slow, padding and truncation sides."""
    return tkn.describe_tokenizer(_load(tokenizer, request), tokenizer)


@shows_errors
def api_token_length_stats(tokenizer: str = "", max_length: int | None = None, dataset: dict | None = None,
                           split: str = "train", columns: list[str] | None = None,
                           request: gr.Request = None) -> dict:
    """Token length statistics of a dataset split (default: the embedded sample) and a recommended
    max_length. dataset is a DatasetSource as a dict, e.g. {"kind": "hub", "name": "glue", "config": "mrpc"}."""
    stats = token_length_stats(_load(tokenizer, request),
                               *_api_split(dataset, split, columns, visitor(request).owner),
                               EncodeSettings(max_length=max_length).max_length)
    return {k: v for k, v in stats.items() if k != "lengths"}


@shows_errors
def api_train_bpe_tokenizer(name: str, vocab_size: int = 4000, dataset: dict | None = None,
                            split: str = "train", columns: list[str] | None = None,
                            request: gr.Request = None) -> dict:
    """Train a byte-level BPE tokenizer on a dataset split's text; load it afterwards as "trained/<name>"."""
    owner = visitor(request).owner
    private = DatasetSource.from_dict(dataset).kind == "upload" if dataset else False
    return _train(*_api_split(dataset, split, columns, owner), name, vocab_size, owner, private)


@shows_errors
def api_compare_tokenizers(text: str, tokenizer_a: str = "", tokenizer_b: str = "gpt2",
                           request: gr.Request = None) -> dict:
    """The same text through two tokenizers: tokens and counts of each."""
    return tke.compare(_load(tokenizer_a, request), _load(tokenizer_b, request), text,
                       (tokenizer_a, tokenizer_b))


API_ENDPOINTS = {"tokenize": api_tokenize, "describe_tokenizer": api_describe_tokenizer,
                 "token_length_stats": api_token_length_stats, "train_bpe_tokenizer": api_train_bpe_tokenizer,
                 "compare_tokenizers": api_compare_tokenizers}
