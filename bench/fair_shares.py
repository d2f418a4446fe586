"""A stranger with many sessions against a class (issue 22): how many students are refused or delayed, and by how much.

The app is served as app.main() serves it, in public mode, in a child process (from --tree: this checkout, or
another one such as a worktree of an older commit, to measure before and after). First one stranger opens
--sessions gradio_client sessions from one address and starts as many short runs as each is allowed; then
--students students, each from an address of their own (X-Forwarded-For from this machine, as a local proxy
sends it), start one short run each. Reported: the stranger's runs accepted, the students refused (and why), and
each student's place in the queue; the queue is then watched for --watch-s seconds to measure how long a short
run holds the worker, and a student's delay is their place times that (the runs ahead of them). MAX_QUEUE is
--max-queue (a classroom server's setting), so the queue's own size is not what refuses students.

    python bench/fair_shares.py [--tree PATH] [--students 30] [--sessions 10] [--watch-s 90] [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import ROOT, load_average, median, parser, percentile, report, write_result

SHORT_RUN = {"max_steps": 2, "max_train_samples": 32, "max_eval_samples": 16, "max_length": 32, "batch_size": 8,
             "eval_strategy": "no", "evaluate_before": False, "save_model": False}
STRANGER = "203.0.113.9"


def serve(tree: Path, port: int, folder: Path, max_queue: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "PUBLIC_MODE": "1", "MAX_QUEUE": str(max_queue), "RUNS_DIR": str(folder / "runs"),
           "UPLOADS_DIR": str(folder / "uploads"), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           **(extra_env or {})}
    server = subprocess.Popen([sys.executable, str(tree / "app.py"), "--port", str(port), "--offline"], env=env,
                              cwd=str(tree), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import httpx

    for _ in range(240):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the app did not start")


def client(url: str, address: str):
    from gradio_client import Client

    return Client(url, verbose=False, headers={"X-Forwarded-For": address})


def start(session, name: str) -> tuple[str, str]:
    """("ok", job id) or ("refused", the reason)."""
    try:
        return "ok", session.predict(json.dumps({**SHORT_RUN, "run_name": name}), api_name="/start_training")["job_id"]
    except Exception as err:  # noqa: BLE001 - the refusal's words are the measurement
        return "refused", str(err)


def measure(tree: Path, students: int, sessions: int, watch_s: float, max_queue: int) -> dict:
    from tests.serving import free_port

    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="fair-shares-"))
    server = serve(tree, port, folder, max_queue)
    url = f"http://127.0.0.1:{port}/"
    try:
        stranger_sessions = [client(url, STRANGER) for _ in range(sessions)]
        stranger = [(s, start(s, "stranger")) for s in stranger_sessions for _ in range(4)]
        with ThreadPoolExecutor(8) as pool:
            class_sessions = list(pool.map(lambda i: client(url, f"198.51.100.{i + 1}"), range(students)))
            outcomes = list(pool.map(lambda item: start(item[1], f"student{item[0]}"), enumerate(class_sessions)))
        positions = [session.predict(job, api_name="/training_status")["queue_position"]
                     for session, (kind, job) in zip(class_sessions, outcomes) if kind == "ok"]
        theirs = [session.predict(job, api_name="/training_status")["queue_position"]
                  for session, (kind, job) in stranger if kind == "ok"]
        # the stranger's runs ahead of each student (position 0: training now, ahead of everyone)
        ahead = [sum(1 for q in theirs if q < p) for p in positions]
        watcher = class_sessions[0]
        started, ended = time.monotonic(), 0
        while time.monotonic() - started < watch_s:
            time.sleep(2)
            ended = sum(1 for row in watcher.predict(api_name="/list_runs") if row["state"] in ("done", "failed"))
        per_run_s = (time.monotonic() - started) / max(ended, 1)
        delays = [p * per_run_s for p in positions]
        refused = [why for kind, why in outcomes if kind != "ok"]
        return {"tree": str(tree), "stranger_accepted": len(theirs),
                "stranger_runs_ahead_of_a_student": {"median": median(ahead) if ahead else None,
                                                     "max": max(ahead) if ahead else None},
                "delay_by_stranger_s": {"median": round(median(ahead) * per_run_s, 1) if ahead else None,
                                        "max": round(max(ahead) * per_run_s, 1) if ahead else None},
                "stranger_tries": len(stranger), "students": students, "students_refused": len(refused),
                "refusals": sorted({why[:120] for why in refused}), "queue_positions": positions,
                "runs_ended_in_watch": ended, "s_per_short_run": round(per_run_s, 1),
                "delay_s": {"median": round(median(delays), 1) if delays else None,
                            "p90": round(percentile(delays, 90), 1) if delays else None,
                            "max": round(max(delays), 1) if delays else None},
                "load_avg": [round(v, 2) for v in load_average()]}
    finally:
        server.kill()
        server.wait(30)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose app.py serves (default: this one)")
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--sessions", type=int, default=10, help="the stranger's gradio_client sessions")
    p.add_argument("--watch-s", type=float, default=90.0)
    p.add_argument("--max-queue", type=int, default=48)
    args = p.parse_args()
    if args.quick:
        args.students, args.sessions, args.watch_s = 3, 2, 10.0
    result = {"quick": args.quick,
              **measure(args.tree.resolve(), args.students, args.sessions, args.watch_s, args.max_queue)}
    report(json.dumps({k: v for k, v in result.items() if k != "queue_positions"}, indent=1))
    write_result("fair_shares", result, args.out)


if __name__ == "__main__":
    main()
