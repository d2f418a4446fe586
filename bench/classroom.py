"""A class of thirty on one server (issue 25): every student joins with the code, changes one setting and presses
Start within the same minute, then polls like a page does; the teacher's class is open before they come.

The app is served as app.main() serves it (public mode: a classroom server listens on the network), in a child
process, with its worker pool planned from this machine (TRAINING_WORKERS unset) unless --workers says otherwise.
The class is opened as the admin would, through core.classes, in the classes folder the server then loads (a class
outlives a restart). Each student is a separate process with its own gradio_client session, all from one school
address (X-Forwarded-For from this machine, as a local proxy sends it). Each page tick (every --tick-s seconds) is one
call, as the panel's timer makes one: /class_board, with the counts of its last answer (only new points come back),
which also gives the student's place. (Before 2026-12-07 15:30 each tick called /class_place and /class_board and
received every run's whole curve.)

Reported: students refused; the time from the first Start to the last run's end; each student's first estimated
finish against the actual one (error relative to the time left when the estimate was made); p95 of every page call;
the board's delay after each evaluation (when a poll first shows the eval record, minus the record's time).

    python bench/classroom.py [--students 30] [--preset quick|class_light] [--workers N] [--quick]
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import ROOT, load_average, median, parser, percentile, report, write_result

SCHOOL = "198.51.100.7"
LEARNING_RATES = (1e-5, 3e-5, 5e-5, 3e-4, 1e-3, 3e-3)  # each student changes one setting: these cycle


def serve(port: int, folder: Path, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PUBLIC_MODE": "1", "RUNS_DIR": str(folder / "runs"), "UPLOADS_DIR": str(folder / "uploads"),
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "MAX_QUEUE": "8"}
    if workers:
        env["TRAINING_WORKERS"] = str(workers)
    log = open(folder / "server.log", "w")  # noqa: SIM115 - the server's whole life
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--offline"], env=env,
                              cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT)
    import httpx

    for _ in range(480):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the app did not start")


def open_class(folder: Path, preset: str, size: int) -> tuple[str, str]:
    """Open the class as the admin would (core.classes), in the folder the server loads it from."""
    from core import settings as settings_mod
    from core.classes.book import ClassBook

    settings_mod.set_settings(settings_mod.Settings(runs_dir=folder / "runs", uploads_dir=folder / "uploads"))
    # per_network=0: the whole class sits behind one school address, as a lab does (the teacher allows it)
    opened = ClassBook(folder / "classes").open_class("Bench class", preset, ["learning_rate"], size, admin=True,
                                                      per_network=0)
    return opened.class_id, opened.code


def student(args: tuple) -> dict:
    """One student's page: join, change one setting, Start, then tick until their run has ended."""
    url, code, index, tick_s, start_at, deadline = args
    from gradio_client import Client

    calls, estimates, seen_evals, board_delays = [], [], set(), []
    time.sleep(index * 0.3)  # pages open over a few seconds, as a class's do
    for attempt in range(5):  # the page itself: a busy server may answer its first request late
        try:
            page = Client(url, verbose=False, headers={"X-Forwarded-For": SCHOOL}, httpx_kwargs={"timeout": 60})
            break
        except Exception:  # noqa: BLE001 - retried; the last failure is the measurement
            if attempt == 4:
                return {"index": index, "refused": "could not open the page", "calls": []}
            time.sleep(2)

    def call(name, *values):
        began = time.time()
        try:
            return page.predict(*values, api_name=f"/{name}")
        finally:
            calls.append((name, time.time() - began))

    time.sleep(max(0.0, start_at - time.time()))  # everyone within the same minute
    out = {"index": index, "refused": ""}
    try:
        joined = call("class_join", code, f"student {index}")
        started = call("class_start", joined["class_id"], {"learning_rate": LEARNING_RATES[index % len(LEARNING_RATES)]})
    except Exception as err:  # noqa: BLE001 - a refusal's words are the measurement
        return {**out, "refused": str(err)[:300], "calls": calls}
    out["started"], run_id, state, seen = time.time(), started["run_id"], "queued", {}
    while state in ("queued", "running", "stopping") and time.time() < deadline:
        time.sleep(tick_s)
        # one call a tick, as the panel's timer makes one: the board with this student's place, and only the points
        # added since its last answer
        board = call("class_board", joined["class_id"], seen)
        seen, place = board["counts"], board["place"]
        state = place["state"]
        if place.get("finish_in_s") is not None and not estimates:
            estimates.append((time.time(), time.time() + place["finish_in_s"]))
        now = time.time()
        for rid, points in board["points"].items():
            for p in points:
                if p.get("kind") == "eval" and (rid, p["step"]) not in seen_evals:
                    seen_evals.add((rid, p["step"]))
                    board_delays.append(now - p["time"])
    out.update(state=state, finished=time.time(), calls=calls, first_estimate=estimates[0] if estimates else None,
               board_delays=board_delays[1:] if board_delays else [])  # the first poll sees evals made before it
    return out


def summarize(results: list[dict], first_start: float) -> dict:
    done = [r for r in results if not r["refused"]]
    errors, signed = [], []
    for r in done:
        if r.get("first_estimate") and r["state"] == "done":
            made, predicted = r["first_estimate"]
            left = max(1.0, r["finished"] - made)
            errors.append(abs(predicted - r["finished"]) / left)
            signed.append((predicted - r["finished"]) / left)  # > 0: the estimate said later than it was
    latencies = [s for r in results for _, s in r["calls"]]
    delays = [d for r in done for d in r.get("board_delays", [])]
    return {"students": len(results), "refused": [r["refused"] for r in results if r["refused"]],
            "ended": {s: sum(1 for r in done if r.get("state") == s) for s in {r.get("state") for r in done}},
            "class_minutes": round((max((r["finished"] for r in done), default=first_start) - first_start) / 60, 2),
            "estimate_error_median": round(median(errors), 3) if errors else None,
            "estimate_errors": sorted(round(e, 2) for e in errors),
            "estimate_signed_median": round(median(signed), 3) if signed else None,
            "estimates": len(errors), "page_calls": len(latencies),
            "page_p95_s": round(percentile(latencies, 95), 3) if latencies else None,
            "page_p50_s": round(percentile(latencies, 50), 3) if latencies else None,
            "board_delay_median_s": round(median(delays), 2) if delays else None,
            "board_delay_p95_s": round(percentile(delays, 95), 2) if delays else None}


def measure(students: int, preset: str, workers: int, tick_s: float, limit_s: float) -> dict:
    from tests.serving import free_port

    folder = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    class_id, code = open_class(folder, preset, max(students, 1))
    port = free_port()
    server = serve(port, folder, workers)
    url = f"http://127.0.0.1:{port}/"
    load_before = load_average()
    try:
        first_start = time.time() + 5 + 0.5 * students  # the processes start, then all press within the minute
        starts = [first_start + random.uniform(0, min(60.0, 2.0 * students)) for _ in range(students)]
        jobs = [(url, code, i, tick_s, starts[i], first_start + limit_s) for i in range(students)]
        with multiprocessing.get_context("spawn").Pool(students) as pool:
            results = pool.map(student, jobs)
        pool_line = next((line for line in (folder / "server.log").read_text().splitlines() if "worker pool" in line),
                         "")
    finally:
        server.terminate()
        server.wait(30)
    return {"preset": preset, "workers": workers or "auto", "pool": pool_line.split("worker pool: ")[-1],
            "load_before": load_before, "load_after": load_average(), **summarize(results, min(starts))}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--preset", default="quick")
    p.add_argument("--workers", type=int, default=0, help="TRAINING_WORKERS for the server (0: the machine decides)")
    p.add_argument("--tick-s", type=float, default=2.0)
    p.add_argument("--limit-min", type=float, default=40.0, help="students stop polling after this")
    args = p.parse_args()
    if args.quick:
        args.students, args.preset, args.limit_min = 3, "class_light", 10.0
    result = {"quick": args.quick, **measure(args.students, args.preset, args.workers, args.tick_s, args.limit_min * 60)}
    report(json.dumps(result, indent=1))
    write_result("classroom", result, args.out)


if __name__ == "__main__":
    main()
