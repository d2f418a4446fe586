"""Model tab handlers, and its JSON endpoints (describe_model, model_outputs, estimate_training).

The tab's handlers take its components first (ui.model.tab.ModelTab, bound with ui.binding.bind) and return a dict
keyed by component; tests call them directly. Model names follow core.sources.resolve_model's rules: in public
mode no local folder, and a model too large to load for its heads is refused (MAX_INSPECT_PARAMS).
"""

from __future__ import annotations


import gradio as gr

from core import sources
from core.jobs import request_work
from core.messages import N_
from core.model import describe, estimate, heads
from core.training.config import TrainConfig
from core.training.fields import lora_alpha_for
from ui.errors import shows_errors
from ui.identity import model_call, visitor
from ui import what_to_train
from ui.model import views as view
from ui.state import Selection

# the what-to-train controls (ModelTab attribute -> TrainConfig setting), in the order show_estimate takes them
ESTIMATE_SETTINGS = {"mode_radio": "train_mode", "last_nb": "train_last_layers", "lora_r_nb": "lora_r",
                     "batch_nb": "batch_size", "length_nb": "max_length"}
ESTIMATE_DEFAULTS = TrainConfig()
DEFAULT_MASK_TEXT = "The food was [MASK] and the staff were friendly."
MODEL_CHOICES = [sources.EMBEDDED_MODEL, "bert-base-uncased", "distilbert-base-uncased", "roberta-base", "gpt2",
                 "t5-small"]


def _labels(selection: Selection | None) -> list[str]:
    """The class names the Datasets tab found (the untrained head predicts those), else negative/positive."""
    names = list(selection.label_names or []) if selection is not None else []
    return names if 2 <= len(names) <= 100 else ["negative", "positive"]


@shows_errors
def show_model(tab, name: str, request: gr.Request = None) -> dict:
    """Load a checkpoint's config: in words, and its module tree with parameter counts (no weights loaded)."""
    described = describe.describe_model(name)
    return {tab.config_md: view.config_markdown(described, request), tab.tree_html: view.tree_html(described, request)}


@shows_errors
def run_heads(tab, name: str, text: str, mask_text: str, selection: Selection | None,
              request: gr.Request = None) -> dict:
    """Every AutoModel* variant on the text: the table, what new weights mean, and two untrained answers."""
    result = _outputs(name, text, mask_text, _labels(selection), request)
    return {tab.heads_df: view.heads_table(result, request), tab.new_md: view.new_weights_note(result, request),
            tab.probs_label: view.probabilities(result), tab.probs_md: view.probabilities_note(result, request),
            tab.guesses_label: view.guesses(result), tab.guesses_md: view.guesses_note(result, request)}


def show_estimate(tab, name: str, mode: str, last_layers: float, lora_r: float, batch_size: float,
                  max_length: float, request: gr.Request = None) -> dict:
    """The Before Start estimate for the loaded model and a train mode (fp32, as on a CPU)."""
    try:
        config = TrainConfig(model=name, train_mode=mode, train_last_layers=last_layers, lora_r=lora_r,
                             lora_alpha=lora_alpha_for(lora_r or ESTIMATE_DEFAULTS.lora_r), batch_size=batch_size,
                             max_length=max_length)
        text = what_to_train.estimate_markdown(estimate.estimate(config, "fp32"), request)
    except ValueError as err:  # a half-typed number: said in the panel, not as a pop-up on every keystroke
        text = what_to_train.failed_markdown(err, request)
    return {tab.estimate_md: text}


def initial_load(tab, filled: bool, selection: Selection | None = None, request: gr.Request = None) -> dict:
    """What the tab shows the first time it is opened: the embedded model, its heads on the default text (cached);
    nothing changes when it is opened again."""
    if filled:
        return {}
    name = sources.EMBEDDED_MODEL
    return {tab.filled: True, **show_model(tab, name, request),
            **run_heads(tab, name, tab.text_tb.value, DEFAULT_MASK_TEXT, selection, request),
            **show_estimate(tab, name, *(getattr(ESTIMATE_DEFAULTS, s) for s in ESTIMATE_SETTINGS.values()), request)}


# ---------------------------------------------------------------- JSON endpoints (gr.api)

@shows_errors
def api_describe_model(model: str = "") -> dict:
    """A checkpoint's config in words (architecture, layers, hidden size, heads, vocabulary, positions) and its
    module tree with parameter counts per block and in total. No weights are loaded."""
    return describe.describe_model(model)


@shows_errors
def api_model_outputs(model: str = "", text: str = "Hello world! Tokenizers split text into pieces.",
                      mask_text: str = DEFAULT_MASK_TEXT, labels: list[str] | None = None,
                      request: gr.Request = None) -> dict:
    """Every AutoModel* variant the architecture supports, run on the text: output fields and shapes, typical
    task, newly initialized weights; the untrained classification head's probabilities over labels and the
    masked-LM head's guesses for the [MASK] in mask_text. Unsupported variants say why."""
    return _outputs(model, text, mask_text, labels, request)


def _outputs(name: str, text: str, mask_text: str, labels: list[str] | None, request: gr.Request = None) -> dict:
    """The heads, once the model's weights are known to fit in what one request may take (issue 22), within the
    stranger's model calls (every head variant runs the model: ui.identity.model_call)."""
    estimate.check_inference_fits(name, 1, N_("Loading this model to run its heads"))
    with model_call(request):
        return heads.model_outputs(name, text, mask_text, labels)


@shows_errors
def api_estimate_training(config: dict | str, measure_step: bool = False, request: gr.Request = None) -> dict:
    """Before Start: trainable parameters, their share and the memory (weights, gradients, AdamW state,
    activations) a TrainConfig needs, with the arithmetic; measure_step times one real training step too."""
    from core.training.trainer import resolve_precision  # imports torch: only when an estimate is asked for

    cfg = TrainConfig.from_json(config or "{}")  # empty: the defaults
    cfg.check_access(visitor(request).owner)  # the same door as start_training: no server paths, no remote code
    result = estimate.estimate(cfg, resolve_precision(cfg.precision))
    if measure_step is True:  # bounded: public batch and length, a memory check, a child process (issue 22)
        result["step"] = request_work.timed_step(cfg, result["precision"])
    return result


API_ENDPOINTS = {"describe_model": api_describe_model, "model_outputs": api_model_outputs,
                 "estimate_training": api_estimate_training}
