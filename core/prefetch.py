"""Prefetch Hub datasets and models on a networked machine so a classroom can work offline later."""

from __future__ import annotations

import logging
from pathlib import Path

from core import sources
from core.messages import N_

log = logging.getLogger(__name__)


def _cache_roots() -> tuple[Path, Path]:
    import datasets.config

    return Path(datasets.config.HF_DATASETS_CACHE), sources.hub_cache_dir()


def _folder_names(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []


def is_dataset_cached(name: str) -> bool:
    """True when a Hub dataset (e.g. imdb, glue) was prepared in the local datasets cache.

    Short ids such as imdb are redirected to a namespace on the Hub (stanfordnlp/imdb), so the
    folder is matched on its last part: datasets names it 'ns___name', the hub cache 'datasets--ns--name'.
    """
    short = name.strip().split("/")[-1]
    if not short:
        return False
    datasets_root, hub_root = _cache_roots()
    prepared = any(f == short or f.endswith(f"___{short}") for f in _folder_names(datasets_root))
    downloaded = any(f.startswith("datasets--") and f.split("--")[-1] == short for f in _folder_names(hub_root))
    return prepared or downloaded


def is_model_cached(name: str) -> bool:
    """True when a Hub model's files are in the local hub cache."""
    folder = "models--" + name.strip().replace("/", "--")
    return (sources.hub_cache_dir() / folder / "snapshots").is_dir()


def cached_presets() -> dict[str, bool]:
    """For each tutorial preset, whether it can be loaded offline."""
    return {preset.name: is_dataset_cached(preset.name) for preset in sources.HUB_PRESETS}


def prefetch(dataset: str, models: list[str] | tuple[str, ...] = (), config: str = "") -> list[str]:
    """Download a dataset (all splits, prepared) and models into the local cache; returns what was fetched."""
    sources.require_online(N_("Prefetching"))
    import datasets
    from huggingface_hub import snapshot_download

    fetched = []
    if dataset:
        name, _, cfg = dataset.partition(":")  # glue:mrpc names a config
        datasets.load_dataset(name, cfg or config or None)
        fetched.append(f"dataset {dataset}")
    for model in models:
        snapshot_download(model, allow_patterns=["*.json", "*.txt", "*.model", "*.safetensors", "merges.txt"])
        fetched.append(f"model {model}")
    log.info("prefetched: %s", ", ".join(fetched))
    return fetched
