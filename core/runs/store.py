"""The run store on disk: the only code that knows the layout of a run folder.

    runs/<run_id>/config.json         the TrainConfig, as JSON
                  status.json         state, progress, owner, times (rewritten as the run goes)
                  metrics.jsonl       one record per Trainer log, appended line by line
                  eval_baseline.json  the evaluation before training
                  eval_final.json     the evaluation at the end
                  eval_report.json    confusion matrix and per-class scores of the saved model
                  samples.jsonl       a causal LM run: what it wrote at each evaluation, one line per evaluation
                  examples.json       per-example predictions before and after fine-tuning (core.results.examples)
                  tensorboard/        TensorBoard's event files, when the run reports to it
                  checkpoint-N/       the Trainer's checkpoints (resume starts from the highest N)
                  model/              the final model and tokenizer (pipeline() loads it); for a LoRA run
                                      the adapter (adapter_config.json, adapter_model.safetensors), the
                                      tokenizer and fts_adapter.json (its base model and class names)
    runs/_tracking/trackio/           trackio's database of every run that reports to it (one project)
    runs/_shared/<kind>-<sha256>.json work runs share: the untrained model's evaluation (core.training.untrained)

Everything a run produced survives a restart: a new RunStore on the same folder lists every past run. Every
JSON file is written atomically (core.runs.files: a temporary file, then a rename), so a reader never sees half a
file. The store deals in plain dicts: it sits below the code that gives them types (TrainConfig, DatasetSource).

Code asks `get_store()` for the store of the runs folder (one instance per folder in a process, so every writer
shares its lock); tests and benchmarks may build a RunStore on a folder of their own.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import socket
import threading
import time
from pathlib import Path

from core.messages import UserError
from core.runs.files import json_lines, read_json, write_json_atomic, write_text_atomic
from core.settings import get_settings

log = logging.getLogger(__name__)

CONFIG_FILE, METRICS_FILE, STATUS_FILE = "config.json", "metrics.jsonl", "status.json"
EVAL_FILES = {"baseline": "eval_baseline.json", "final": "eval_final.json", "report": "eval_report.json"}
MODEL_DIR = "model"
EXAMPLES_FILE = "examples.json"
SAMPLES_FILE = "samples.jsonl"  # a causal LM run: what the model wrote at each evaluation, one line per evaluation
MAX_SAMPLE_LINES = 1000  # read back at most this many evaluations' samples
TRACKING_DIR = "_tracking"  # beside the run folders; never a run id (those start with a letter or digit)
SHARED_DIR = "_shared"  # beside the run folders: work runs share, by key (core.training.untrained)
SHARED_KEY = re.compile(r"^[a-z]+-[a-f0-9]{64}$")
TRACKERS_PER_RUN = {"tensorboard": "tensorboard"}  # tool -> its folder inside a run folder
ADAPTER_CONFIG = "adapter_config.json"  # peft's name: a model/ folder holding it is a LoRA adapter
ADAPTER_INFO = "fts_adapter.json"       # beside the adapter: the base model and class names it goes on
RUN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LIVE_STATES = ("queued", "running", "stopping")
RESUMABLE_STATES = ("stopped", "failed", "interrupted")
_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def slugify(name: str, limit: int = 40) -> str:
    """Lower-case [a-z0-9-] only, at most limit characters ('run' when nothing is left)."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")[:limit].strip("-")
    return slug or "run"


def new_run_id(name: str) -> str:
    return f"{slugify(name)}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def find_latest_checkpoint(run_dir) -> Path | None:
    """The complete checkpoint-N folder (one with trainer_state.json) with the highest N, or None."""
    found = [(int(m.group(1)), p) for p in Path(run_dir).glob("checkpoint-*")
             if (m := _CHECKPOINT.match(p.name)) and p.is_dir() and (p / "trainer_state.json").exists()]
    return max(found, key=lambda item: item[0])[1] if found else None


def checkpoint_step(checkpoint: Path | None) -> int:
    """The global step a checkpoint-N folder was saved at (0 for None)."""
    return int(_CHECKPOINT.match(checkpoint.name).group(1)) if checkpoint else 0


def now_text() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def _pid_alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class RunStore:
    """Run folders under root; run ids are checked so no path escapes root."""

    def __init__(self, root):
        self.root = Path(root).expanduser()
        self.root.mkdir(parents=True, exist_ok=True)
        # appends, rewrites of a .jsonl file and status changes; re-entrant: update_status writes while holding it
        self._lock = threading.RLock()

    # ------------------------------------------------------------- folders

    def path(self, run_id: str) -> Path:
        """The run's folder; ValueError for an id that is not a plain run id or would leave root."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
            raise UserError("{run!r} is not a run id (lower-case letters, digits and '-' only)", run=run_id)
        root = self.root.resolve()
        path = root / run_id
        if path.is_symlink() or path.resolve().parent != root:
            raise UserError("Run {run!r} points outside the runs folder: refused", run=run_id)
        return path

    def new_run(self, config: dict, owner: str = "") -> str:
        """Create a run folder holding config.json and a 'queued' status; returns the run id."""
        for _ in range(20):
            run_id = new_run_id(config.get("run_name", ""))
            try:
                self.path(run_id).mkdir()
            except FileExistsError:
                continue
            self.write_config(run_id, config)
            self.write_status(run_id, {"state": "queued", "run_name": config.get("run_name") or run_id,
                                       "owner": owner, "created": now_text()})
            return run_id
        raise RuntimeError("could not create a unique run folder")  # 20 collisions of 16 bits in one second

    def exists(self, run_id: str) -> bool:
        return (self.path(run_id) / CONFIG_FILE).is_file()

    def _existing(self, run_id: str) -> Path:
        path = self.path(run_id)
        if not (path / CONFIG_FILE).is_file():
            raise UserError("Run {run!r} was not found: pick one from the runs list", run=run_id)
        return path

    def read_config(self, run_id: str) -> dict:
        """The run's config.json as a dict (training.config.TrainConfig.from_dict gives it its type)."""
        data = read_json(self._existing(run_id) / CONFIG_FILE)
        if data is None:
            raise UserError("Run {run!r} has an unreadable config.json: delete the run or fix the file", run=run_id)
        return data

    def write_config(self, run_id: str, config: dict) -> None:
        write_json_atomic(self.path(run_id) / CONFIG_FILE, config)

    def model_dir(self, run_id: str) -> Path:
        """The final model + tokenizer (transformers.pipeline('text-classification', model=...) loads it)."""
        return self.path(run_id) / MODEL_DIR

    def has_model(self, run_id: str) -> bool:
        """A saved model, or a saved LoRA adapter (which predicts on its base model)."""
        return has_saved_model(self.model_dir(run_id))

    def has_adapter(self, run_id: str) -> bool:
        return is_adapter(self.model_dir(run_id))

    def write_adapter_info(self, run_id: str, info: dict) -> None:
        """What a LoRA adapter needs after a restart: its base model and class names (beside the adapter)."""
        write_json_atomic(self.model_dir(run_id) / ADAPTER_INFO, info)

    def latest_checkpoint(self, run_id: str) -> Path | None:
        """The complete checkpoint-N with the highest N, or None."""
        return find_latest_checkpoint(self.path(run_id))

    def delete(self, run_id: str) -> None:
        """Remove a finished run's folder (a queued or running one must be stopped first)."""
        path = self._existing(run_id)
        state = self.read_status(run_id).get("state")
        if state in LIVE_STATES:
            raise UserError("Run {run!r} is {state}: stop it before deleting it", run=run_id, state=state)
        shutil.rmtree(path)

    # ------------------------------------------------------------- metrics and evaluations

    def append_metric(self, run_id: str, record: dict) -> None:
        """One metrics.jsonl line, written in one call so a crash loses at most that record."""
        line = json.dumps(record) + "\n"
        with self._lock, (self.path(run_id) / METRICS_FILE).open("a", encoding="utf-8") as fh:
            fh.write(line)

    def read_metrics(self, run_id: str, since_step: int = -1) -> list[dict]:
        """Records with step > since_step; a half-written last line (a crash mid-write) is skipped."""
        path = self.path(run_id) / METRICS_FILE
        if not path.exists():
            return []
        records = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("step"), int) and record["step"] > since_step:
                records.append(record)
        return records

    def append_samples(self, run_id: str, record: dict) -> None:
        """One samples.jsonl line: the texts a causal LM wrote at one evaluation."""
        line = json.dumps(record, ensure_ascii=False)
        with self._lock, (self.path(run_id) / SAMPLES_FILE).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def read_samples(self, run_id: str) -> list[dict]:
        """The run's samples, oldest first; damaged lines are skipped."""
        path = self.path(run_id) / SAMPLES_FILE
        if not path.is_file():
            return []
        rows = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict) and isinstance(row.get("samples"), list):
                    rows.append(row)
        return rows[-MAX_SAMPLE_LINES:]

    def truncate_samples(self, run_id: str, after_step: int) -> None:
        """Drop samples written past a checkpoint before resuming from it (the evaluations will write them again)."""
        path = self.path(run_id) / SAMPLES_FILE
        if not path.is_file():
            return
        with self._lock:  # read and rewrite as one step: an append in between would be lost
            kept = [r for r in self.read_samples(run_id)
                    if r.get("kind") == "baseline" or r.get("step", 0) <= after_step]
            write_text_atomic(path, json_lines(kept, ascii_only=False))

    def truncate_metrics(self, run_id: str, after_step: int) -> None:
        """Drop training records past a checkpoint before resuming from it (they will be logged again)."""
        with self._lock:  # read and rewrite as one step: an append in between would be lost
            kept = [r for r in self.read_metrics(run_id) if r.get("kind") == "baseline" or r["step"] <= after_step]
            write_text_atomic(self.path(run_id) / METRICS_FILE, json_lines(kept))

    def read_eval(self, run_id: str, which: str) -> dict:
        """The stored 'baseline' or 'final' evaluation, or the 'report' ({} when there is none)."""
        return read_json(self.path(run_id) / EVAL_FILES[which]) or {}

    def write_eval(self, run_id: str, which: str, data: dict) -> None:
        write_json_atomic(self.path(run_id) / EVAL_FILES[which], data)

    def read_examples(self, run_id: str) -> dict:
        """The stored per-example predictions ({} when none were computed yet)."""
        return read_json(self.path(run_id) / EXAMPLES_FILE) or {}

    def write_examples(self, run_id: str, data: dict) -> None:
        write_json_atomic(self._existing(run_id) / EXAMPLES_FILE, data)

    def read_shared(self, key: str) -> dict:
        """What a run stored for the runs that do the same work (write_shared), or {}."""
        return read_json(self._shared(key)) or {}

    def write_shared(self, key: str, data: dict) -> None:
        path = self._shared(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, data)

    def _shared(self, key: str) -> Path:
        if not isinstance(key, str) or not SHARED_KEY.fullmatch(key):
            raise RuntimeError(f"not a shared work key: {key!r}")  # a bug, not bad input: keys are made by code
        return self.root / SHARED_DIR / f"{key}.json"

    def tracking_dir(self, tool: str, run_id: str | None = None) -> Path:
        """Where an experiment tracker writes: TensorBoard inside the run folder, trackio one database for all runs."""
        if tool in TRACKERS_PER_RUN:
            return self.path(run_id) / TRACKERS_PER_RUN[tool]
        if tool != "trackio":
            raise UserError("report_to: {tool!r} is not a tracker - choose none, trackio or tensorboard", tool=tool)
        return self.root / TRACKING_DIR / tool

    # ------------------------------------------------------------- status

    def write_status(self, run_id: str, status: dict) -> None:
        """Replace status.json atomically (readers never see half a file)."""
        with self._lock:
            write_json_atomic(self.path(run_id) / STATUS_FILE, {**status, "updated": now_text()})

    def update_status(self, run_id: str, **changes) -> dict:
        """Change some status.json keys; read and write under the lock, so no other change of this process is lost."""
        with self._lock:
            status = {**self.read_status(run_id), **changes}
            self.write_status(run_id, status)
        return status

    def read_status(self, run_id: str) -> dict:
        path = self.path(run_id) / STATUS_FILE
        status = read_json(path)
        if status is None:
            return {"state": "interrupted", "error": "status.json is missing or unreadable"} if path.parent.exists() \
                else {}
        return status

    def mark_interrupted(self, keep=()) -> list[str]:
        """Turn live states left by a dead process into 'interrupted' (resumable); returns the run ids changed.

        Runs in keep (this process's live jobs) and runs of another live process on this host are left alone.
        """
        changed = []
        host = socket.gethostname()
        for run_id in self._run_ids():
            status = self.read_status(run_id)
            if status.get("state") not in LIVE_STATES or run_id in keep:
                continue
            pid = status.get("pid")
            if pid != os.getpid() and status.get("host") == host and _pid_alive(pid):
                continue
            self.write_status(run_id, {**status, "state": "interrupted",
                                       "error": "The app stopped while this run was " + status["state"]})
            changed.append(run_id)
        return changed

    def list_runs(self) -> list[dict]:
        """Every run, newest first: run_id, config, state, owner, best_metric, created (+ a few extras).

        Every field has its type whatever a run folder holds, so one damaged status.json cannot break the list.
        """
        rows = []
        for run_id in self._run_ids():
            config = read_json(self.path(run_id) / CONFIG_FILE) or {}
            status = self.read_status(run_id)
            metrics = config.get("metrics") if isinstance(config.get("metrics"), list) else None
            named = status.get("best_metric_name")  # a causal LM run names its own (eval_perplexity)
            metric = named if isinstance(named, str) and named else f"eval_{(metrics or ['accuracy'])[0]}"
            best = status.get("best_metric", self.read_eval(run_id, "final").get(metric))
            rows.append({
                "run_id": run_id, "name": str(config.get("run_name") or run_id), "config": config,
                "state": str(status.get("state") or "interrupted"), "owner": str(status.get("owner") or ""),
                "best_metric": best if isinstance(best, (int, float)) else None, "best_metric_name": metric,
                "created": str(status.get("created") or ""), "step": _int(status.get("step")),
                "error": str(status.get("error") or ""), "has_model": self.has_model(run_id),
            })
        return sorted(rows, key=lambda r: (r["created"], r["run_id"]), reverse=True)

    def _run_ids(self) -> list[str]:
        return [p.name for p in self.root.iterdir()
                if RUN_ID.fullmatch(p.name) and p.is_dir() and not p.is_symlink() and (p / CONFIG_FILE).is_file()]


_stores: dict[Path, RunStore] = {}
_stores_lock = threading.Lock()


def get_store(root=None) -> RunStore:
    """The run store of this process for a runs folder (default: core.settings' runs_dir, read at each call so
    tests and the command line may point it elsewhere): one instance per folder, so its writers share one lock."""
    root = Path(get_settings().runs_dir if root is None else root).expanduser().resolve()
    with _stores_lock:
        store = _stores.get(root)
        if store is None:
            store = _stores[root] = RunStore(root)
        return store


def is_adapter(model_dir) -> bool:
    """True for a model folder that holds a LoRA adapter (not a whole model)."""
    return (Path(model_dir) / ADAPTER_CONFIG).is_file()


def has_saved_model(model_dir) -> bool:
    """A whole model (config.json) or a LoRA adapter with what it needs to load (its base and class names)."""
    model_dir = Path(model_dir)
    return (model_dir / "config.json").is_file() or (is_adapter(model_dir) and (model_dir / ADAPTER_INFO).is_file())


def read_adapter_info(model_dir) -> dict:
    """The base model and class names of a LoRA adapter folder ({} when missing or damaged)."""
    return read_json(Path(model_dir) / ADAPTER_INFO) or {}


def model_stamp(model_dir) -> float:
    """When a model folder's model was last written (a retrained run in the same folder is reloaded)."""
    model_dir = Path(model_dir)
    marker = model_dir / (ADAPTER_CONFIG if is_adapter(model_dir) else "config.json")
    return marker.stat().st_mtime if marker.exists() else 0.0


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
