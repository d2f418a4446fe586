"""What to train, as code: the lines that make an exported script's `model` train what the config trains.

The same rules as core.model.trainable (tests/test_train_modes.py runs both and compares what trains); any exported
loop (the Trainer script, a plain loop, an Accelerate loop) adds `train_mode_lines(cfg)` right after it builds
`model`. Every value goes through `lit`.
"""

from __future__ import annotations

import logging

from core.results.literals import lit

log = logging.getLogger(__name__)


def train_mode_lines(cfg: dict) -> list[str]:
    """Lines that make a script's `model` train what the config trains (core.model.trainable's rules): nothing for
    full, requires_grad_(False) for head and last_n_layers, peft for lora. Reusable by any exported loop."""
    mode = cfg.get("train_mode") or "full"
    if mode == "head":
        lines = ["# What to train: only the new head; the pretrained body (model.base_model) is frozen",
                 "for param in model.base_model.parameters():",
                 "    param.requires_grad_(False)"]
    elif mode == "last_n_layers":
        lines = ["# What to train: the top TRAIN_LAST_LAYERS blocks and all above them (pooler, head); the embeddings",
                 "# and the lower blocks are frozen. The blocks are the body's longest ModuleList.",
                 f"TRAIN_LAST_LAYERS = {lit(cfg.get('train_last_layers', 2))}",
                 "blocks = max((m for m in model.base_model.modules() if isinstance(m, torch.nn.ModuleList)), key=len)",
                 "first_trained = next(blocks[len(blocks) - TRAIN_LAST_LAYERS].parameters())",
                 "trainable = False",
                 "for param in model.parameters():  # in registration order: embeddings, blocks, pooler, head",
                 "    trainable = trainable or param is first_trained",
                 "    param.requires_grad_(trainable)"]
    elif mode == "lora":
        targets = lora_targets_of(cfg)
        lines = ["# What to train: LoRA adapters (small low-rank updates) on a few layers, and the new head in full",
                 "from peft import LoraConfig, get_peft_model", "",
                 "head = [name for name, child in model.named_children()",
                 "        if name != model.base_model_prefix and list(child.parameters())]",
                 "lora_config = LoraConfig(",
                 "    task_type=\"SEQ_CLS\",",
                 f"    r={lit(cfg.get('lora_r', 8))},",
                 f"    lora_alpha={lit(cfg.get('lora_alpha', 16))},",
                 f"    lora_dropout={lit(cfg.get('lora_dropout', 0.1))},",
                 f"    target_modules={lit(targets) if targets else 'None'},  # the layers LoRA adapts (None: peft's default)",
                 "    modules_to_save=head,  # the new head trains in full and is saved with the adapter",
                 ")",
                 "model = get_peft_model(model, lora_config)"]
    else:
        return []
    return lines + ["print(\"trainable parameters:\", sum(p.numel() for p in model.parameters() if p.requires_grad),",
                    "      \"of\", sum(p.numel() for p in model.parameters()))"]


def lora_targets_of(cfg: dict) -> list[str]:
    """The layers a LoRA run adapts: the config's, else the model's default as the app chose it (empty when the
    model cannot be read here, e.g. a Hub id offline; the script then takes peft's default)."""
    if cfg.get("lora_target_modules"):
        return list(cfg["lora_target_modules"])
    from core.model.estimate import lora_target_names  # reads the model's config: only for LoRA exports

    try:
        return lora_target_names(cfg.get("model") or "")
    except ValueError as err:
        log.info("LoRA targets left to peft's default: %s", err)
        return []
