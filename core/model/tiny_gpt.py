"""The offline tiny GPT: a small GPT-2 of random weights built from a config, with a byte-level BPE tokenizer trained
on the embedded reviews (core.tokenizer.bpe) and a chat template (ChatML, core.tokenizer.chat_template), so the same
model can be pretrained, fine-tuned and later taught to chat. It is built once, on first use, beside the runs folder.
"""

from __future__ import annotations

import copy
import logging
import threading
from pathlib import Path

from core import sources
from core.model import load_lock

log = logging.getLogger(__name__)

# The tiny GPT: 4 blocks of width 192 over a 4000-token vocabulary, about 2.6 M weights; 256 positions.
TINY_GPT_SHAPE = {"n_layer": 4, "n_embd": 192, "n_head": 4, "n_positions": 256}
TINY_GPT_VOCAB = 4000
_build_lock = threading.Lock()


def ensure_tiny_gpt() -> Path:
    """Build the tiny GPT once (a BPE tokenizer on the embedded reviews, then a GPT-2 from a config); its folder."""
    folder = sources.tiny_gpt_path()
    with _build_lock:
        # a tiny GPT built before it had a chat template is built again (it is random weights either way)
        if not (folder / "model.safetensors").is_file() or not (folder / "chat_template.jinja").is_file():
            build_tiny_gpt(folder)
    return folder


def build_tiny_gpt(folder: Path, shape: dict | None = None, vocab_size: int = TINY_GPT_VOCAB, seed: int = 0) -> Path:
    """A GPT-2 of random weights and its tokenizer in folder: what pretraining starts from."""
    import torch  # slow import, deferred to first use
    from transformers import GPT2Config, GPT2LMHeadModel

    from core.data.loading import load_source  # reads the embedded reviews: only when the model is built
    from core.data.source import SAMPLE
    from core.tokenizer.bpe import train_bpe
    from core.tokenizer.chat_template import END_OF_TURN, add_chat_template
    from core.tokenizer.loading import load_tokenizer

    texts = list(load_source(SAMPLE)["train"]["text"])
    info = train_bpe(texts, "tiny-gpt-reviews", vocab_size=vocab_size)
    tok = copy.deepcopy(load_tokenizer(info["name"]))  # the loaded one is shared: the chat tokens go on a copy
    add_chat_template(tok)
    shape = {**TINY_GPT_SHAPE, **(shape or {})}
    config = GPT2Config(vocab_size=len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, **shape)
    with load_lock.loading():  # another thread's from_pretrained turns weight init off meanwhile
        torch.manual_seed(seed)  # the same random start on every machine
        model = GPT2LMHeadModel(config)
    # generation stops at the end of text (pretraining) or at the end of a turn (a chat)
    model.generation_config.eos_token_id = [tok.eos_token_id, tok.convert_tokens_to_ids(END_OF_TURN)]
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    tok.save_pretrained(str(folder))
    log.info("built the tiny GPT in %s: %d weights", folder, model.num_parameters())
    return folder
