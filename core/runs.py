"""The run store on disk: runs/<run_id>/ with config.json, metrics.jsonl, status.json, evals, checkpoints, model/.

Everything a run produced survives a restart: a new RunStore on the same folder lists every past run.
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
from core.train_config import TrainConfig

log = logging.getLogger(__name__)

CONFIG_FILE, METRICS_FILE, STATUS_FILE = "config.json", "metrics.jsonl", "status.json"
BASELINE_FILE, FINAL_FILE, MODEL_DIR = "eval_baseline.json", "eval_final.json", "model"
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


def _now() -> str:
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
        self._lock = threading.Lock()

    # ------------------------------------------------------------- folders

    def path(self, run_id: str) -> Path:
        """The run's folder; ValueError for an id that is not a plain run id or would leave root."""
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            raise UserError("{run!r} is not a run id (lower-case letters, digits and '-' only)", run=run_id)
        root = self.root.resolve()
        path = root / run_id
        if path.is_symlink() or path.resolve().parent != root:
            raise UserError("Run {run!r} points outside the runs folder: refused", run=run_id)
        return path

    def new_run(self, config: TrainConfig) -> str:
        """Create a run folder holding config.json and a 'queued' status; returns the run id."""
        for _ in range(20):
            run_id = new_run_id(config.run_name)
            try:
                self.path(run_id).mkdir()
            except FileExistsError:
                continue
            config.save(self.path(run_id) / CONFIG_FILE)
            self.write_status(run_id, {"state": "queued", "run_name": config.run_name or run_id, "created": _now()})
            return run_id
        raise RuntimeError("could not create a unique run folder")  # 20 collisions of 16 bits in one second

    def exists(self, run_id: str) -> bool:
        return (self.path(run_id) / CONFIG_FILE).is_file()

    def _existing(self, run_id: str) -> Path:
        path = self.path(run_id)
        if not (path / CONFIG_FILE).is_file():
            raise UserError("Run {run!r} was not found in {root}: pick one from the runs list", run=run_id, root=self.root)
        return path

    def read_config(self, run_id: str) -> TrainConfig:
        return TrainConfig.load(self._existing(run_id) / CONFIG_FILE)

    def model_dir(self, run_id: str) -> Path:
        """The final model + tokenizer (transformers.pipeline('text-classification', model=...) loads it)."""
        return self.path(run_id) / MODEL_DIR

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

    # ------------------------------------------------------------- metrics

    def append_metric(self, run_id: str, record: dict) -> None:
        with self._lock, (self.path(run_id) / METRICS_FILE).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

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
            if isinstance(record, dict) and record.get("step", 0) > since_step:
                records.append(record)
        return records

    def truncate_metrics(self, run_id: str, after_step: int) -> None:
        """Drop training records past a checkpoint before resuming from it (they will be logged again)."""
        kept = [r for r in self.read_metrics(run_id) if r.get("kind") == "baseline" or r["step"] <= after_step]
        text = "".join(json.dumps(r) + "\n" for r in kept)
        self._write_atomic(self.path(run_id) / METRICS_FILE, text)

    def read_eval(self, run_id: str, which: str) -> dict:
        """The stored 'baseline' or 'final' evaluation ({} when there is none)."""
        name = {"baseline": BASELINE_FILE, "final": FINAL_FILE}[which]
        return self._read_json(self.path(run_id) / name) or {}

    # ------------------------------------------------------------- status

    def write_status(self, run_id: str, status: dict) -> None:
        """Replace status.json atomically (readers never see half a file)."""
        data = {**status, "updated": _now()}
        self._write_atomic(self.path(run_id) / STATUS_FILE, json.dumps(data, indent=2) + "\n")

    def update_status(self, run_id: str, **changes) -> dict:
        with self._lock:
            status = {**self.read_status(run_id), **changes}
        self.write_status(run_id, status)
        return status

    def read_status(self, run_id: str) -> dict:
        path = self.path(run_id) / STATUS_FILE
        status = self._read_json(path)
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
        """Every run, newest first: run_id, name, model, dataset, state, best_metric, created (+ a few extras)."""
        rows = []
        for run_id in self._run_ids():
            config = self._read_json(self.path(run_id) / CONFIG_FILE) or {}
            status = self.read_status(run_id)
            final = self.read_eval(run_id, "final")
            metric = f"eval_{(config.get('metrics') or ['accuracy'])[0]}"
            rows.append({
                "run_id": run_id, "name": config.get("run_name") or run_id, "model": config.get("model", ""),
                "dataset": _dataset_label(config.get("dataset") or {}), "state": status.get("state", "interrupted"),
                "best_metric": status.get("best_metric", final.get(metric)), "best_metric_name": metric,
                "created": status.get("created", ""), "step": status.get("step", 0),
                "error": status.get("error", ""), "has_model": (self.model_dir(run_id) / "config.json").exists(),
            })
        return sorted(rows, key=lambda r: (r["created"], r["run_id"]), reverse=True)

    # ------------------------------------------------------------- helpers

    def _run_ids(self) -> list[str]:
        return [p.name for p in self.root.iterdir()
                if RUN_ID.match(p.name) and p.is_dir() and not p.is_symlink() and (p / CONFIG_FILE).is_file()]

    @staticmethod
    def _read_json(path: Path) -> dict | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def _write_atomic(path: Path, text: str) -> None:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)


def _dataset_label(dataset: dict) -> str:
    from core.data import DatasetSource

    try:
        return DatasetSource.from_dict(dataset).label
    except (TypeError, ValueError):
        return str(dataset.get("name") or dataset.get("path") or "?")
