"""The command line (`python train.py --config cfg.json`, also under `accelerate launch`): the same
execute_job as the app's worker, in the foreground."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from core.jobs.job import Job, execute_job, load_resume
from core.runs.store import get_store
from core.settings import get_settings, set_settings
from core.training.config import TrainConfig
from core.training.metrics import SCORE_KEYS
from core.training.recorder import MetricsRecorder
from core.training.distributed import broadcast, is_main_process, single_process_cpu_launch

log = logging.getLogger(__name__)
RELAYED_SIGINT_S = 3.0  # a launcher passes a terminal's Ctrl-C on to its processes, which then see it twice


def run_from_cli(config_path, runs_dir, resume_id: str | None) -> dict:
    """The CLI's run: the same execute_job as the worker, in the foreground; Ctrl-C stops after the step.

    Whoever runs the command line owns the machine, so it runs in private mode (local files and folders allowed)
    even where PUBLIC_MODE is set for the app.
    """
    single_process_cpu_launch()  # a warning in the log: --cpu --num_processes 2 trains as one process
    settings = replace(get_settings(), public=False)
    set_settings(replace(settings, runs_dir=Path(runs_dir)) if runs_dir else settings)
    store, main = get_store(), is_main_process()
    if resume_id:
        config, points = load_resume(store, resume_id) if main else \
            (TrainConfig.from_stored(store.read_config(resume_id)), [])
        run_id = resume_id
    else:
        config, points = TrainConfig.load(config_path), []
        config.check_limits()
        run_id = broadcast(store.new_run(config.to_dict()) if main else None)
    job = Job(run_id, config, resume=bool(resume_id))  # no owner: the machine's own user (core.ownership)
    job.created = store.read_status(run_id).get("created") or job.created
    job.recorder = MetricsRecorder(functools.partial(store.append_metric, run_id) if main else None, points,
                                   on_record=_log_record)

    first = []

    def on_sigint(signum, frame):  # first Ctrl-C: stop cleanly with a checkpoint; a later one: abort
        if not first:
            first.append(time.monotonic())
            log.warning("stopping after this step (Ctrl-C again to abort)")
            job.stop_event.set()
        elif time.monotonic() - first[0] > RELAYED_SIGINT_S:
            raise KeyboardInterrupt
        # else: the launcher (accelerate launch, torchrun) relaying the same Ctrl-C to its processes

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        execute_job(store, job, threading.Condition(), write=main)
    finally:
        signal.signal(signal.SIGINT, previous)
    return {"run_id": run_id, "state": job.state, "error": job.error, "baseline": job.recorder.baseline,
            "final": job.recorder.final, "run_dir": str(store.path(run_id)),
            "model_dir": str(store.model_dir(run_id))} if main else None


def _log_record(record: dict) -> None:
    shown = {k: round(v, 4) if isinstance(v, float) else v for k, v in record.items()
             if k in ("loss", "learning_rate", "eval_loss", *SCORE_KEYS)}
    log.info("%s step %d epoch %.2f %s", record["kind"], record["step"], record["epoch"], shown)


def main(argv=None) -> int:
    """python train.py --config cfg.json [--runs-dir DIR] [--resume RUN_ID]"""
    parser = argparse.ArgumentParser(prog="train.py", description=main.__doc__)
    parser.add_argument("--config", type=Path, help="TrainConfig JSON file (optional with --resume)")
    parser.add_argument("--runs-dir", type=Path, help="runs folder (default: RUNS_DIR or ./runs)")
    parser.add_argument("--resume", metavar="RUN_ID", help="continue a stopped/failed run from its checkpoint")
    args = parser.parse_args(argv)
    if not args.config and not args.resume:
        parser.error("give --config cfg.json (or --resume RUN_ID)")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = run_from_cli(args.config, args.runs_dir, args.resume)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if result is not None:
        print(json.dumps(result, indent=2))
    return 0 if result is None or result.get("state") in {"done", "stopped"} else 1
