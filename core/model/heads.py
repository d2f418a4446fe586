"""The same checkpoint under every AutoModel* class: what each head outputs, which weights it had to make up.

`model_outputs(name, text)` builds each variant the architecture supports, runs the text through it and returns
the tutorial's table, computed: variant, output fields and their shapes, the typical task, and the weights that
were newly initialized (the warning every beginner sees at from_pretrained). It also shows what an untrained
classification head says (softmax of its logits: close to uniform) and the masked-LM head's guesses for a [MASK].

Loading a model is guarded by its parameter count (MAX_INSPECT_PARAMS), done one variant at a time under a lock
(seven copies of a large model at once would exhaust memory), and the answers are cached (cachetools).
"""

from __future__ import annotations

import inspect
import logging
import threading

from cachetools import LRUCache

from core.messages import N_, UserError, say
from core.model.describe import human_count, load_config, parameter_count, skeleton
from core.settings import get_settings
from core.sources import resolve_model

log = logging.getLogger(__name__)

# variant -> (transformers Auto class, typical task, why an architecture may lack it)
VARIANTS = {
    "base": ("AutoModel", N_("features: one vector per token, the body every head sits on"), ""),
    "sequence_classification": ("AutoModelForSequenceClassification",
                                N_("one label per text: sentiment, topic, spam"),
                                N_("transformers has no such head for this architecture")),
    "token_classification": ("AutoModelForTokenClassification",
                             N_("one label per token: named entities, parts of speech"),
                             N_("transformers has no such head for this architecture")),
    "question_answering": ("AutoModelForQuestionAnswering",
                           N_("extractive question answering: where the answer starts and ends"),
                           N_("transformers has no such head for this architecture")),
    "masked_lm": ("AutoModelForMaskedLM", N_("fill in a [MASK]: how BERT-like encoders are pretrained"),
                  N_("only encoders such as BERT are pretrained to fill in a [MASK]")),
    "causal_lm": ("AutoModelForCausalLM", N_("predict the next token: text generation"),
                  N_("only decoders such as GPT-2 (and some encoders) predict the next token")),
    "seq2seq_lm": ("AutoModelForSeq2SeqLM", N_("turn one text into another: translation, summaries"),
                   N_("only encoder-decoders such as T5 and BART turn one text into another")),
}
TOKEN_LABELS = 3          # the tutorial's token-classification example: [1, 10, 3]
TOP_K = 5                 # masked-LM guesses shown
MAX_HEADS_INPUT_CHARS = 2_000  # the table needs a sentence, not a book
MASK = "[MASK]"
_results: LRUCache = LRUCache(maxsize=32)
_results_lock = threading.Lock()
_build_lock = threading.Lock()  # one model in memory at a time, whoever asks


def auto_class(variant: str):
    """The transformers Auto class of a variant; unknown variants are refused naming the known ones."""
    import transformers  # slow import, deferred to first use

    if variant not in VARIANTS:
        raise UserError("Unknown head {variant!r}: use one of {choices}", variant=str(variant)[:40],
                        choices=", ".join(VARIANTS))
    return getattr(transformers, VARIANTS[variant][0])


def supports(config, variant: str) -> bool:
    """Whether transformers has this variant for the config's architecture."""
    return variant == "base" or type(config) in auto_class(variant)._model_mapping


def require_head(config, variant: str, name: str) -> None:
    """Refuse, naming why, a head the architecture does not have (gpt2 has no masked-LM head)."""
    if not supports(config, variant):
        raise UserError("{model} ({architecture}) has no {variant} class: {why}", model=name,
                        architecture=type(config).__name__.removesuffix("Config"), variant=VARIANTS[variant][0],
                        why=VARIANTS[variant][2])


def check_size(config, name: str) -> int:
    """The parameter count, refused above the server's MAX_INSPECT_PARAMS (loading it would exhaust memory)."""
    total = parameter_count(skeleton(config))
    limit = get_settings().max_inspect_params
    if limit > 0 and total > limit:
        raise UserError("{model} has {params} parameters, more than this server loads to show its heads ({limit}, "
                        "MAX_INSPECT_PARAMS) - pick a smaller model, or run the app on your own machine",
                        model=name, params=human_count(total), limit=human_count(limit))
    return total


def load_variant(path: str, variant: str, labels: list[str]):
    """A variant with weights: (model, newly initialized parameter names). New heads are seeded: same every time."""
    import torch  # slow import, deferred to first use

    kwargs = {}
    if variant == "sequence_classification":
        kwargs = {"num_labels": len(labels), "id2label": dict(enumerate(labels)),
                  "label2id": {n: i for i, n in enumerate(labels)}}
    elif variant == "token_classification":
        kwargs = {"num_labels": TOKEN_LABELS}
    if kwargs:  # a fine-tuned checkpoint may carry a classifier for another number of classes: it is replaced
        kwargs["ignore_mismatched_sizes"] = True
    torch.manual_seed(0)
    model, info = auto_class(variant).from_pretrained(path, output_loading_info=True, trust_remote_code=False,
                                                      **kwargs)
    new = sorted(set(info.get("missing_keys") or []) | {key for key, *_ in info.get("mismatched_keys") or []})
    return model.eval(), new


def forward(model, variant: str, encoded: dict) -> object:
    """One forward pass; an encoder-decoder's decoder gets its start token, caches are off."""
    import torch  # slow import, deferred to first use

    accepted = inspect.signature(model.forward).parameters
    inputs = {k: v for k, v in encoded.items() if k in accepted}
    if getattr(model.config, "is_encoder_decoder", False) and variant in ("base", "seq2seq_lm"):
        start = model.config.decoder_start_token_id
        inputs["decoder_input_ids"] = torch.tensor([[start if start is not None else model.config.pad_token_id or 0]])
    if "use_cache" in accepted:
        inputs["use_cache"] = False
    with torch.inference_mode():
        return model(**inputs)


def output_shapes(outputs) -> dict[str, list[int]]:
    """Each tensor field of a ModelOutput and its shape: {"logits": [1, 2], ...}."""
    import torch  # slow import, deferred to first use

    return {key: list(value.shape) for key, value in outputs.items() if isinstance(value, torch.Tensor)}


def new_weight_count(model, names: list[str]) -> int:
    state = model.state_dict()
    return sum(state[name].numel() for name in names if name in state)


def variant_row(config, path: str, variant: str, encoded: dict, labels: list[str], tokenizer, mask_text: str) -> dict:
    """One row of the table (and, for two heads, what they say before any training)."""
    cls_name, task, why = VARIANTS[variant]
    row = {"variant": variant, "auto_class": cls_name, "task": task, "supported": supports(config, variant)}
    if not row["supported"]:
        return {**row, "reason": say("{architecture} has no {variant} class: {why}", variant=cls_name, why=why,
                                     architecture=type(config).__name__.removesuffix("Config"))}
    try:
        model, new = load_variant(path, variant, labels)
        outputs = forward(model, variant, encoded)
    except (ValueError, RuntimeError, IndexError, TypeError, OSError) as err:  # one head's failure, not the table's
        log.info("%s of %s failed: %s", cls_name, path, err)
        detail = type(err).__name__ if get_settings().public else f"{type(err).__name__}: {str(err)[:200]}"
        return {**row, "supported": False, "reason": say("{variant} failed on this text ({error})",
                                                          variant=cls_name, error=detail)}
    row.update({"class": type(model).__name__, "outputs": output_shapes(outputs), "new_weights": new,
                "new_params": new_weight_count(model, new)})
    if variant == "sequence_classification":
        probs = outputs.logits.softmax(-1)[0].tolist()
        row["probabilities"] = {labels[i]: float(p) for i, p in enumerate(probs)}
    if variant == "masked_lm":
        row["guesses"] = masked_guesses(model, tokenizer, mask_text)
    return row


def masked_guesses(model, tokenizer, mask_text: str) -> dict:
    """The masked-LM head's top guesses for the first [MASK] (the tokenizer's own mask token is accepted too)."""
    import torch  # slow import, deferred to first use

    mask = tokenizer.mask_token
    text = (mask_text or "").replace(MASK, mask) if mask else mask_text
    encoded = tokenizer(text, return_tensors="pt", truncation=True)
    where = (encoded["input_ids"][0] == tokenizer.mask_token_id).nonzero()
    if not len(where):
        return {"text": mask_text, "note": say("Put {mask} where a word is missing, e.g. 'Paris is the {mask} of "
                                               "France.'", mask=MASK), "top": []}
    with torch.inference_mode():
        logits = forward(model, "masked_lm", encoded).logits[0, int(where[0][0])]
    probs = logits.softmax(-1)
    top = probs.topk(TOP_K)
    return {"text": mask_text, "note": "",
            "top": [{"token": tokenizer.convert_ids_to_tokens(int(i)), "score": float(p)}
                    for p, i in zip(top.values.tolist(), top.indices.tolist())]}


def model_outputs(name: str, text: str, mask_text: str = "", labels: list[str] | None = None) -> dict:
    """Every AutoModel* variant of a checkpoint run on the text: the tutorial's table, computed (cached)."""
    text, mask_text, labels = _check_inputs(text, mask_text, labels)
    path = resolve_model(name)
    key = (path, text, mask_text, tuple(labels))
    with _results_lock:
        if key in _results:
            return _results[key]
    result = _compute(name, path, text, mask_text, labels)
    with _results_lock:
        _results[key] = result
    return result


def _compute(name: str, path: str, text: str, mask_text: str, labels: list[str]) -> dict:
    from core.tokenizer.loading import load_tokenizer  # the shared tokenizer cache (imports transformers)

    config = load_config(name)
    total = check_size(config, name)
    tokenizer = load_tokenizer(name)
    encoded = dict(tokenizer(text, return_tensors="pt", truncation=True))
    with _build_lock:
        rows = [variant_row(config, path, variant, encoded, labels, tokenizer, mask_text or text)
                for variant in VARIANTS]
    masked = next((r for r in rows if r["variant"] == "masked_lm"), {})
    return {"model": name, "text": text, "tokens": int(encoded["input_ids"].shape[-1]), "total_params": total,
            "variants": rows, "mask_head": mask_head_note(masked)}


def mask_head_note(row: dict) -> str:
    """Whether the masked-LM guesses mean anything: a pretrained head, or a new random one."""
    if not row.get("supported"):
        return say("This architecture has no masked-LM head, so there is nothing to ask for a [MASK].")
    if row.get("new_weights"):
        return say("The checkpoint has no masked-LM head: it was newly initialized ({count} weights), so its "
                   "guesses are random.", count=f"{row['new_params']:,}")
    return say("The checkpoint brought its masked-LM head from pretraining: these are its real guesses.")


def _check_inputs(text, mask_text, labels) -> tuple[str, str, list[str]]:
    for value, what in ((text, N_("text")), (mask_text, N_("mask_text"))):
        if value is not None and not isinstance(value, str):
            raise UserError("{what} must be text, not {kind}: type a sentence", what=what, kind=type(value).__name__)
    text, mask_text = (text or "").strip(), (mask_text or "").strip()
    if not text:
        raise UserError("Type a text to run through the heads first")
    if len(text) + len(mask_text) > MAX_HEADS_INPUT_CHARS:
        raise UserError("The text is {count:,} characters, over the {limit:,} limit: one or two sentences are enough",
                        count=len(text) + len(mask_text), limit=MAX_HEADS_INPUT_CHARS)
    labels = ["negative", "positive"] if labels is None or labels == [] else labels
    if not isinstance(labels, (list, tuple)) or not 2 <= len(labels) <= 100 or len(set(map(str, labels))) != len(labels) or \
            not all(isinstance(n, str) and 0 < len(n.strip()) <= 100 for n in labels):
        raise UserError("labels: {value} - give 2 to 100 different class names, e.g. [\"negative\", \"positive\"]",
                        value=repr(labels)[:120])
    return text, mask_text, [n.strip() for n in labels]
