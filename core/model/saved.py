"""A run's trained classifier on disk: a whole model, or (a LoRA run) an adapter of a few megabytes that goes on
its base model. Loaded back after a restart the same way for predictions and reports; merged into a whole model
for a download or a push, so whoever receives it needs neither peft nor the base model.

Which files a folder holds is core.runs.store's knowledge (is_adapter, read_adapter_info, write_adapter_info).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from core import sources
from core.messages import UserError
from core.model.checkpoints import load_classifier
from core.model.trainable import is_peft_model
from core.runs.store import RunStore, is_adapter, read_adapter_info

log = logging.getLogger(__name__)

ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "README.md")  # what peft writes
ADAPTER_SUBFOLDER = "adapter"  # in a download: the adapter beside the merged model


def public_name(model: str) -> str:
    """How an adapter names its base: the embedded MiniLM by its Hub id, never by its folder on this server."""
    return sources.EMBEDDED_HUB_ID if not model or model == sources.EMBEDDED_MODEL else model


def save_run_model(trainer, store: RunStore, run_id: str, config, label_names: list[str], base_vocab: int) -> None:
    """The final model into the run's model/ folder: the whole model, or a LoRA run's adapter and what it needs."""
    model_dir = store.model_dir(run_id)
    model = trainer.model
    if not is_peft_model(model):
        trainer.save_model(str(model_dir))  # also saves the tokenizer (processing_class)
        return
    if not trainer.is_world_process_zero():
        return
    base_name = public_name(config.model)  # the adapter's config and model card name the base, not its folder
    model.peft_config["default"].base_model_name_or_path = base_name
    model.get_base_model().config.name_or_path = model.get_base_model().name_or_path = base_name
    resized = model.get_input_embeddings().num_embeddings != base_vocab  # a pad token was added: save embeddings
    model.save_pretrained(str(model_dir), save_embedding_layers=resized)
    trainer.processing_class.save_pretrained(str(model_dir))
    store.write_adapter_info(run_id, {"base_model": config.model, "labels": list(label_names),
                                      "trust_remote_code": bool(config.trust_remote_code)})
    log.info("saved a LoRA adapter for %s (%d labels)", run_id, len(label_names))


def load_run_model(model_dir):
    """(model, tokenizer) of a saved run: a whole model, or a LoRA adapter put on its base and merged into it."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer  # slow import, deferred

    model_dir = Path(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if not is_adapter(model_dir):
        return AutoModelForSequenceClassification.from_pretrained(str(model_dir)), tokenizer
    from peft import PeftModel  # slow import (peft), only for LoRA runs

    info = read_adapter_info(model_dir)
    labels = info.get("labels")
    if not isinstance(labels, list) or not isinstance(info.get("base_model"), str):
        raise UserError("Run {run} has a LoRA adapter without its base model and class names: train it again",
                        run=model_dir.parent.name)
    base = load_classifier(info["base_model"], labels, tokenizer, bool(info.get("trust_remote_code")))
    merged = PeftModel.from_pretrained(base, str(model_dir)).merge_and_unload()
    return merged.eval(), tokenizer


def load_run_lm(model_dir):
    """(model, tokenizer) of a saved causal LM run: a whole model, or a LoRA adapter merged into its base."""
    from transformers import AutoModelForCausalLM, AutoTokenizer  # slow import, deferred to first use

    model_dir = Path(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if not is_adapter(model_dir):
        return AutoModelForCausalLM.from_pretrained(str(model_dir)).eval(), tokenizer
    from peft import PeftModel  # slow import (peft), only for LoRA runs

    from core.model.causal_lm import load_causal_lm  # the base as training loaded it: only for LoRA runs

    info = read_adapter_info(model_dir)
    if not isinstance(info.get("base_model"), str):
        raise UserError("Run {run} has a LoRA adapter without its base model: train it again", run=model_dir.parent.name)
    base = load_causal_lm(info["base_model"], tokenizer, bool(info.get("trust_remote_code")))
    return PeftModel.from_pretrained(base, str(model_dir)).merge_and_unload().eval(), tokenizer


def export_folder(model_dir, work_dir) -> Path:
    """A folder to zip or push: the model folder itself, or for a LoRA run the merged model with the adapter in
    an adapter/ subfolder (a few megabytes, for those who want to keep using peft)."""
    model_dir, work_dir = Path(model_dir), Path(work_dir)
    if not is_adapter(model_dir):
        return model_dir
    model, tokenizer = load_run_model(model_dir)
    target = work_dir / "merged"
    model.save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    (target / ADAPTER_SUBFOLDER).mkdir(exist_ok=True)
    for name in ADAPTER_FILES:
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, target / ADAPTER_SUBFOLDER / name)
    return target
