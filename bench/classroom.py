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

The class's load is the same for its first and last runs, as in a lesson: the teacher says go once every page is
open (the 30 client processes starting are not work beside the first runs), and each page keeps ticking until every
run of the class has ended, as the panel's timer does (ui/classes/panel.py: it ticks while a class is open on the
page, not only while the student's own run lasts). (Before 2026-12-07 18:30 students pressed Start at fixed moments
whether their page was open or not, and stopped ticking when their own run ended, so each later run had fewer
polling pages beside it.)

Reported: students refused; the time from the first Start to the last run's end; each student's first estimated
finish against the actual one (error relative to the time left when the estimate was made); p95 of every page call;
the board's delay after each evaluation (when a poll first shows the eval record, minus the record's time); each
run's time, stage times and shared untrained work as its status.json records them (`runs`).

    python bench/classroom.py [--students 30] [--preset quick|class_light] [--workers N] [--quick] [--light-polls]
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


# set in each student's process by the pool (spawned processes share these through the initializer only)
CLASS: dict = {}
PAGES_OPEN_S = 240.0  # the most the class waits for every page to open before the teacher says "go"


def _share(opened, ended, go, nice: int = 0) -> None:
    """Pool initializer: the counts of pages open and runs ended, and the moment the teacher says go; nice: the
    student processes' priority (--client-nice)."""
    CLASS.update(opened=opened, ended=ended, go=go)
    if nice:
        os.nice(nice)


def _count(name: str, students: int = 0) -> int:
    value = CLASS[name]
    with value.get_lock():
        value.value += 1
        if name == "opened" and value.value >= students:  # the last page open: everyone starts from now
            CLASS["go"].value = time.time() + 2.0
        return value.value


def _open_page(url: str, index: int):
    from gradio_client import Client

    time.sleep(index * 0.3)  # pages open over a few seconds, as a class's do
    for attempt in range(5):  # the page itself: a busy server may answer its first request late
        try:
            return Client(url, verbose=False, headers={"X-Forwarded-For": SCHOOL}, httpx_kwargs={"timeout": 60})
        except Exception:  # noqa: BLE001 - retried; the last failure is the measurement
            if attempt < 4:
                time.sleep(2)
    return None


def student(args: tuple) -> dict:
    """One student's page: open it, wait for the teacher's go, join, change one setting, Start within the minute,
    then tick as the page's timer does until the class ends (every student's run ended), not only their own run."""
    url, code, index, students, tick_s, offset, deadline, light = args
    page = _open_page(url, index)
    _count("opened", students)
    waited = time.time() + PAGES_OPEN_S
    while CLASS["go"].value == 0.0 and time.time() < waited:  # the lesson starts when every page is open
        time.sleep(0.2)
    out, calls = {"index": index, "refused": "", "calls": []}, []
    if page is None:
        _count("ended")
        return {**out, "refused": "could not open the page"}

    http = _light_client() if light else None

    def call(name, *values):
        began = time.time()
        try:
            if http is not None and name == "class_board":  # the ticks, the same session (the same visitor)
                return _light_call(http, url, page.session_hash, name, list(values))
            return page.predict(*values, api_name=f"/{name}")
        finally:
            calls.append((name, time.time() - began))

    time.sleep(max(0.0, (CLASS["go"].value or time.time()) + offset - time.time()))  # within the same minute
    out.update(pressed=time.time(), calls=calls)
    try:
        joined = call("class_join", code, f"student {index}")
        call("class_start", joined["class_id"], {"learning_rate": LEARNING_RATES[index % len(LEARNING_RATES)]})
    except Exception as err:  # noqa: BLE001 - a refusal's words are the measurement
        _count("ended")
        return {**out, "refused": str(err)[:300]}
    out["started"] = time.time()
    return {**out, **_tick(call, joined["class_id"], students, tick_s, deadline)}


def _light_client():
    import httpx

    return httpx.Client(headers={"X-Forwarded-For": SCHOOL}, timeout=60)


def _light_call(http, url: str, session_hash: str, name: str, data: list):
    """One call over Gradio's plain HTTP API (POST /gradio_api/call/<name>, then its event stream) in the page's
    session: what the server does is the same as for gradio_client, what the bench's own process does is less (a
    browser's tick costs its own machine, not the server's; here the clients share the server's cores)."""
    posted = http.post(f"{url}gradio_api/call/{name}", json={"data": data, "session_hash": session_hash})
    posted.raise_for_status()
    event, kind = posted.json()["event_id"], ""
    with http.stream("GET", f"{url}gradio_api/call/{name}/{event}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line[len("event:"):].strip()
            elif line.startswith("data:") and kind == "complete":
                return json.loads(line[len("data:"):])[0]
            elif line.startswith("data:") and kind == "error":
                raise RuntimeError(line[:300])
    raise RuntimeError(f"{name}: the event stream ended without an answer")


def _tick(call, class_id: str, students: int, tick_s: float, deadline: float) -> dict:
    """The page's timer: one call a tick (the board with this student's place, and only the points added since its
    last answer) until every run of the class has ended; the first estimate, the run's end, the board's delays."""
    estimates, seen_evals, board_delays, seen, state, ended = [], set(), [], {}, "queued", None
    while time.time() < deadline and (ended is None or CLASS["ended"].value < students):
        time.sleep(tick_s)
        board = call("class_board", class_id, seen)
        seen, place, now = board["counts"], board["place"], time.time()
        if ended is None:
            state = place["state"]
            if place.get("finish_in_s") is not None and not estimates:
                estimates.append((now, now + place["finish_in_s"]))
            if state not in ("queued", "running", "stopping"):
                ended = now
                _count("ended")
        for rid, points in board["points"].items():
            for p in points:
                if p.get("kind") == "eval" and (rid, p["step"]) not in seen_evals:
                    seen_evals.add((rid, p["step"]))
                    board_delays.append(now - p["time"])
    return {"state": state, "finished": ended or time.time(), "first_estimate": estimates[0] if estimates else None,
            "board_delays": board_delays[1:]}  # the first poll sees evals made before it


def summarize(results: list[dict], first_start: float) -> dict:
    done = [r for r in results if not r["refused"]]
    errors, signed, firsts = [], [], []
    for r in done:
        if r.get("first_estimate") and r["state"] == "done":
            made, predicted = r["first_estimate"]
            left = max(1.0, r["finished"] - made)
            errors.append(abs(predicted - r["finished"]) / left)
            signed.append((predicted - r["finished"]) / left)  # > 0: the estimate said later than it was
            # seconds from the first Start: when the estimate was made, the end it said, the end seen
            firsts.append([round(t - first_start, 1) for t in (made, predicted, r["finished"])])
    latencies = [s for r in results for _, s in r["calls"]]
    delays = [d for r in done for d in r.get("board_delays", [])]
    return {"students": len(results), "refused": [r["refused"] for r in results if r["refused"]],
            "ended": {s: sum(1 for r in done if r.get("state") == s) for s in {r.get("state") for r in done}},
            "class_minutes": round((max((r["finished"] for r in done), default=first_start) - first_start) / 60, 2),
            "estimate_error_median": round(median(errors), 3) if errors else None,
            "estimate_errors": sorted(round(e, 2) for e in errors),
            "estimate_signed_median": round(median(signed), 3) if signed else None,
            "estimates": len(errors), "first_estimates": sorted(firsts, key=lambda f: f[2]), "page_calls": len(latencies),
            "page_p95_s": round(percentile(latencies, 95), 3) if latencies else None,
            "page_p50_s": round(percentile(latencies, 50), 3) if latencies else None,
            "board_delay_median_s": round(median(delays), 2) if delays else None,
            "board_delay_p95_s": round(percentile(delays, 95), 2) if delays else None}


def measure(students: int, preset: str, workers: int, tick_s: float, limit_s: float, client_nice: int = 0,
            light_polls: bool = False) -> dict:
    from tests.serving import free_port

    folder = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    class_id, code = open_class(folder, preset, max(students, 1))
    port = free_port()
    server = serve(port, folder, workers)
    url = f"http://127.0.0.1:{port}/"
    load_before = load_average()
    try:
        # each student presses Start at a random moment within the minute after the teacher's go (every page open)
        offsets = [random.uniform(0, min(60.0, 2.0 * students)) for _ in range(students)]
        limit = time.time() + PAGES_OPEN_S + limit_s
        jobs = [(url, code, i, students, tick_s, offsets[i], limit, light_polls) for i in range(students)]
        ctx = multiprocessing.get_context("spawn")
        shared = (ctx.Value("i", 0), ctx.Value("i", 0), ctx.Value("d", 0.0))
        with ctx.Pool(students, initializer=_share, initargs=(*shared, client_nice)) as pool:
            results = pool.map(student, jobs)
        pool_line = next((line for line in (folder / "server.log").read_text().splitlines() if "worker pool" in line),
                         "")
    finally:
        server.terminate()
        server.wait(30)
    return {"preset": preset, "workers": workers or "auto", "pool": pool_line.split("worker pool: ")[-1],
            "load_before": load_before, "load_after": load_average(),
            **summarize(results, min((r["pressed"] for r in results if "pressed" in r), default=time.time())),
            "runs": run_stages(folder / "runs")}


def run_stages(runs: Path) -> list[dict]:
    """Each run's recorded time, stage times and shared untrained work (status.json), in start order: the stages after
    the last step of real runs, and what the first runs computed for the others (core.classes.places calibrates on
    them)."""
    found = []
    for status_file in runs.glob("*/status.json"):
        status = json.loads(status_file.read_text())
        if isinstance(status.get("started"), (int, float)) and isinstance(status.get("finished"), (int, float)):
            found.append({"started": status["started"], "state": status.get("state"),
                          "seconds": round(status["finished"] - status["started"], 1),
                          "stage_s": status.get("stage_s"), "shared_s": status.get("shared_s")})
    return sorted(found, key=lambda run: run["started"])


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--preset", default="quick")
    p.add_argument("--workers", type=int, default=0, help="TRAINING_WORKERS for the server (0: the machine decides)")
    p.add_argument("--tick-s", type=float, default=2.0)
    p.add_argument("--limit-min", type=float, default=40.0, help="students stop polling after this")
    p.add_argument("--light-polls", action="store_true",
                   help="the ticks over Gradio's plain HTTP API (httpx) instead of gradio_client: the same calls to the "
                        "server, less CPU in the bench's own 30 processes, which share the server's cores")
    p.add_argument("--client-nice", type=int, default=0,
                   help="run the 30 student processes at this nice value (19: they take only the CPU the server and "
                        "the training leave, as pages on the students' own machines would)")
    args = p.parse_args()
    if args.quick:
        args.students, args.preset, args.limit_min = 3, "class_light", 10.0
    result = {"quick": args.quick, **measure(args.students, args.preset, args.workers, args.tick_s, args.limit_min * 60,
                                                       args.client_nice, args.light_polls),
              "client_nice": args.client_nice, "light_polls": args.light_polls}
    report(json.dumps(result, indent=1))
    write_result("classroom", result, args.out)


if __name__ == "__main__":
    main()
