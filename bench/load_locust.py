"""Load, measured with a real load tool: 20 visitors in their own processes against the app while it trains.

The app is launched as app.main() serves it (app.build_app(), app.serve_queue(), a warm training process, the
job manager's child-process training at TRAINING_NICE) on 127.0.0.1 in this process. The visitors never run
in it: `locust --headless` (bench/locustfile.py: gevent users speaking the page's HTTP protocol, one process;
--locust-processes N forks N), or with --generator gradio one process per visitor, each with its own
gradio_client.Client (an earlier measurement's method; gradio_client costs the caller ~55 ms of CPU a call,
on the same cores as the server here). Each visitor loads the embedded sample once (/load_dataset, the
"arrival"), then alternates /sample_rows and /tokenize with a uniform 2-4 s think time for --duration s.

Windows: --repeats loaded windows with no training; then one training job (MiniLM, max_length 128, dynamic
padding, a log every step, started through the job manager as the Train tab does) with solo windows (no
visitor) and loaded windows alternating, so the training speed with visitors is compared with its speed
alone inside the same job, each loaded window with the solo windows on either side. Latency is quoted for
the steady calls (after every visitor's /load_dataset) and, separately, for the arrival burst. Each window
records the load average and where the CPU went: this server process (by thread), the visitors, the
training process and the rest of the (shared) machine. --profile adds a loaded window with and one without
training with `py-spy record` on the server (bench/load_profile.py breaks the samples down).

    python bench/load_locust.py [--quick] [--repeats 2] [--users 20] [--duration 60] [--solo-s 20]
                                [--generator locust|gradio] [--profile] [--label NAME] [--env KEY=VALUE]

Targets (issue 18): p95 < 1 s with 20 visitors while training; training keeps > 80 % of its solo samples/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import (OUT_DIR, check, cpu_seconds, load_average, machine_info, median, parser, percentile, report,
                    thread_cpu, write_result)

BENCH = Path(__file__).resolve().parent
WANTED = ("load_dataset", "sample_rows", "tokenize")
STEADY = ("sample_rows", "tokenize")
TEXT = "The staff were friendly, but the room was noisy and the breakfast was cold."
# What each endpoint is sent, as the page sends it (None: the session's gr.State, kept by the server).
VISIT = {"load_dataset": lambda i: ["sample", "", "", "", None, 10, 0],
         "sample_rows": lambda i: [None, 10, i],
         "tokenize": lambda i: [f"{TEXT} ({i})", "", "", None, False, False]}


def endpoints(url: str) -> dict[str, list]:
    """api_name -> [fn_index, trigger_id, queued] from the app's /config, as the page reads them."""
    import httpx  # a dependency of gradio; imported only where this process calls the app itself

    config = httpx.get(f"{url}config", timeout=30).json()
    found = {d["api_name"]: [d["id"], d["targets"][0][0] if d.get("targets") else None, d.get("queue") is not False]
             for d in config["dependencies"] if d.get("api_name") in WANTED}
    missing = [name for name in WANTED if name not in found]
    if missing:
        raise SystemExit(f"load_locust: the app exposes no {missing}")
    return found


def call_page(http, url: str, eps: dict, api_name: str, data: list, session: str) -> float:
    """One call with the page's protocol (queue/join, then the session's event stream); returns ms."""
    fn_index, trigger_id, _queued = eps[api_name]
    start = time.perf_counter()
    body = {"data": data, "fn_index": fn_index, "trigger_id": trigger_id, "session_hash": session, "event_data": None}
    http.post(f"{url}gradio_api/queue/join", json=body).raise_for_status()
    with http.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and (message := json.loads(line[5:])).get("msg") == "process_completed":
                if not message.get("success"):
                    raise RuntimeError(f"{api_name} failed: {message.get('output')}")
                return (time.perf_counter() - start) * 1000
    raise RuntimeError(f"{api_name}: the event stream ended early")


def warm_up(url: str, eps: dict, calls: int) -> dict:
    """First calls load the dataset and the tokenizer (not latency samples); then one visitor alone."""
    import httpx  # see endpoints()

    session = uuid.uuid4().hex[:11]
    with httpx.Client(timeout=120) as http:
        for name in WANTED:
            call_page(http, url, eps, name, VISIT[name](0), session)
        serial = {name: [call_page(http, url, eps, name, VISIT[name](i), session) for i in range(calls)]
                  for name in WANTED}
    return {name: {"p50_ms": percentile(v, 50), "max_ms": max(v)} for name, v in serial.items()}


# ------------------------------------------------------------------ visitors as gradio_client processes

def gradio_visitor(url: str, duration: float, think: tuple[float, float], log_dir: str, seed: int) -> None:
    """One gradio_client session in its own process; each call (with the caller's CPU) to log_dir/<pid>.jsonl."""
    from gradio_client import Client  # in the visitor's own process only

    deadline, pause = time.time() + duration, random.Random(seed)
    client = Client(url, verbose=False, download_files=False)
    send = {"load_dataset": lambda i: client.predict("sample", "", "", "", None, 10, 0, api_name="/load_dataset"),
            "sample_rows": lambda i: client.predict(10, i, api_name="/sample_rows"),
            "tokenize": lambda i: client.predict(text=f"{TEXT} ({i})", api_name="/tokenize")}
    with open(os.path.join(log_dir, f"{os.getpid()}.jsonl"), "a", encoding="utf-8") as log:
        for turn in range(10**6):
            name = "load_dataset" if turn == 0 else STEADY[turn % 2]
            start, t0, cpu = time.time(), time.perf_counter(), time.process_time()
            try:
                send[name](seed * 10_000 + turn)
                ok, error = True, None
            except Exception as err:  # noqa: BLE001 - a failed call is a result: record it and go on
                ok, error = False, f"{type(err).__name__}: {err}"[:300]
            ms = (time.perf_counter() - t0) * 1000
            log.write(json.dumps({"name": name, "start": start, "end": start + ms / 1000, "ms": ms, "ok": ok,
                                  "error": error, "caller_cpu_ms": 1000 * (time.process_time() - cpu)}) + "\n")
            log.flush()
            if time.time() >= deadline:
                break
            time.sleep(min(pause.uniform(*think), max(0.0, deadline - time.time())))
    client.close()


def run_gradio_visitors(args) -> None:
    """--visitors-of URL: start --users visitor processes and wait for them (bounded)."""
    import multiprocessing  # only this mode starts processes

    think = tuple(float(v) for v in args.think.split(","))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=gradio_visitor, args=(args.visitors_of, args.duration, think, str(args.log_dir), seed),
                         daemon=True) for seed in range(args.users)]
    for proc in procs:
        proc.start()
    deadline = time.time() + args.duration + 60
    for proc in procs:
        proc.join(timeout=max(0.1, deadline - time.time()))
        if proc.is_alive():  # stuck in a call: bounded
            proc.kill()


# ------------------------------------------------------------------ windows

def sample(training_pid: int | None) -> dict:
    """CPU seconds used so far: this server process (and its threads), the training process, the machine."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    tick = os.sysconf("SC_CLK_TCK")
    return {"t": time.time(), "server": time.process_time(), "server_sys": os.times().system, "threads": thread_cpu(),
            "training": (cpu_seconds(training_pid) or 0.0) if training_pid else 0.0,
            "busy": (sum(fields) - fields[3] - fields[4]) / tick, "total": sum(fields) / tick,
            "load": [round(v, 2) for v in load_average()]}


def cpu_split(a: dict, b: dict, visitors_cpu_s: float = 0.0, profiler_cpu_s: float = 0.0) -> dict:
    """Where the CPU went between two samples; the rest of the machine is what none of ours used."""
    server, training, busy = b["server"] - a["server"], b["training"] - a["training"], b["busy"] - a["busy"]
    threads = {name: round(b["threads"][name] - a["threads"].get(name, 0.0), 2) for name in b["threads"]}
    return {"wall_s": b["t"] - a["t"], "machine_core_s": b["total"] - a["total"], "server_cpu_s": server,
            "server_sys_s": b["server_sys"] - a["server_sys"],
            "server_threads_cpu_s": {k: v for k, v in sorted(threads.items(), key=lambda kv: -kv[1]) if v > 0},
            "visitors_cpu_s": visitors_cpu_s, "training_cpu_s": training, "profiler_cpu_s": profiler_cpu_s,
            "other_cpu_s": max(0.0, busy - server - visitors_cpu_s - training - profiler_cpu_s),
            "load_start": a["load"], "load_end": b["load"]}


def wait_bounded(proc: subprocess.Popen, deadline: float) -> float:
    """Wait for a child we started (its process group killed at the deadline); its CPU seconds with its own
    children's (wait4's rusage)."""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if not pid and time.time() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        time.sleep(0.5)


def generator_command(url: str, args, log_dir: Path) -> list[str]:
    if args.generator == "gradio":
        return [sys.executable, __file__, "--visitors-of", url, "--users", str(args.users), "--duration",
                str(args.duration), "--think", args.think, "--log-dir", str(log_dir)]
    cmd = [sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless", "--host", url.rstrip("/"),
           "-u", str(args.users), "-r", str(args.users), "-t", f"{args.duration}s", "--stop-timeout", "15",
           "--only-summary", "--csv", str(log_dir / "locust"), "--loglevel", "WARNING"]
    return cmd + (["--processes", str(args.locust_processes)] if args.locust_processes != 1 else [])


def loaded_window(kind: str, url: str, eps: dict, args, training_pid: int | None, profile: Path | None = None) -> dict:
    """Run the visitors once (bounded): their calls' latencies, the CPU split, the steady part's times."""
    log_dir = OUT_DIR / "tmp" / f"load-{kind}-{time.time_ns()}"
    log_dir.mkdir(parents=True)
    env = {**os.environ, "LOAD_ENDPOINTS": json.dumps(eps), "LOAD_LOG_DIR": str(log_dir), "LOAD_THINK": args.think}
    spy = None
    if profile is not None:  # py-spy samples this process (the server) while the visitors run
        spy = subprocess.Popen(["py-spy", "record", "--pid", str(os.getpid()), "--duration", str(args.duration + 5),
                                "--rate", "100", "--gil", "--threads", "--format", "raw", "-o", str(profile)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    first = sample(training_pid)
    with open(log_dir / "generator.log", "w") as out:
        proc = subprocess.Popen(generator_command(url, args, log_dir), env=env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=BENCH, start_new_session=True)
        visitors_cpu = wait_bounded(proc, time.time() + args.duration + 90)
    last = sample(training_pid)
    profiler_cpu = wait_bounded(spy, time.time() + 60) if spy is not None else 0.0
    records = [json.loads(line) for f in log_dir.glob("*.jsonl") for line in f.read_text().splitlines()]
    arrivals = [r["end"] for r in records if r["name"] == "load_dataset"]
    window = {"kind": kind, "start": first["t"], "end": last["t"], "generator_rc": proc.returncode,
              "steady_start": max(arrivals, default=first["t"]), "steady_end": max((r["end"] for r in records), default=last["t"]),
              "cpu": cpu_split(first, last, visitors_cpu, profiler_cpu), "calls": len(records),
              "n_failed": sum(not r["ok"] for r in records), "failures": [r["error"] for r in records if not r["ok"]][:5],
              "generator_log_tail": (log_dir / "generator.log").read_text()[-1500:]}
    window["latency"] = summarize(records, window["steady_start"])
    caller = [r["caller_cpu_ms"] for r in records if "caller_cpu_ms" in r and r["name"] in STEADY]
    window["caller_cpu_ms_per_call"] = median(caller) if caller else visitors_cpu * 1000 / max(1, len(records))
    if spy is not None and profile.exists():
        from load_profile import breakdown, render  # the reader of py-spy's output, only when profiling

        window["profile"] = breakdown(profile, len(records), args.duration + 5)
        report(f"py-spy, {kind} window (server, GIL holder only):\n{render(window['profile'])}")
    shutil.rmtree(log_dir, ignore_errors=True)
    return window


def summarize(records: list[dict], steady_start: float) -> dict:
    """p50/p95/max: the steady calls (started after every visitor had its dataset) by endpoint and together,
    the arrival burst (/load_dataset), and every call."""
    ok = [r for r in records if r["ok"]]

    def stats(rows: list[dict]) -> dict:
        ms = [r["ms"] for r in rows]
        return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
                "max_ms": max(ms) if ms else float("nan")}

    steady = [r for r in ok if r["name"] in STEADY and r["start"] >= steady_start]
    out = {"steady": stats(steady), "all": stats(ok), "load_dataset": stats([r for r in ok if r["name"] == "load_dataset"])}
    out.update({name: stats([r for r in steady if r["name"] == name]) for name in STEADY})
    return out


def solo_window(seconds: float, training_pid: int | None) -> dict:
    first = sample(training_pid)
    time.sleep(seconds)
    last = sample(training_pid)
    return {"kind": "solo", "start": first["t"], "end": last["t"], "cpu": cpu_split(first, last)}


def training_phase(url: str, eps: dict, args) -> list[dict]:
    """One job: solo and loaded windows alternating (solo first and last); then the job is stopped."""
    from core.jobs import manager as jobs  # the app's own job manager (this process is the server)
    from responsiveness import start_job, train_rate, training_pid, wait_running

    manager = jobs.get_manager()
    job_id = start_job(args.quick, steps=100_000)
    windows: list[dict] = []
    try:
        wait_running(job_id, min_step=3)
        child = training_pid()
        for _ in range(args.repeats):
            windows += [solo_window(args.solo_s, child), loaded_window("training", url, eps, args, child)]
        windows.append(solo_window(args.solo_s, child))
        if args.profile:
            windows.append(loaded_window("profile-training", url, eps, args, child,
                                         OUT_DIR / f"pyspy_{args.label}_training.txt"))
    finally:
        manager.stop(job_id)
        manager.wait(job_id, timeout=120)
    points = manager.snapshot(job_id)["points"]
    for w in windows:  # a loaded window counts from the last arrival until the visitors have left
        w["train_samples_per_s"] = train_rate(points, w.get("steady_start", w["start"]), w["end"])
    return windows


# ------------------------------------------------------------------ summary

def pooled(windows: list[dict], kind: str) -> dict:
    """Latency of the windows of one kind: the median of their p50s and p95s, the p95s' range, the max."""
    out = {}
    for key in ("steady", *STEADY, "load_dataset", "all"):
        values = [w["latency"][key] for w in windows if w["kind"] == kind and w["latency"][key]["n"]]
        if values:
            out[key] = {"n": sum(v["n"] for v in values), "p50_ms": median(v["p50_ms"] for v in values),
                        "p95_ms": median(v["p95_ms"] for v in values),
                        "p95_range_ms": [min(v["p95_ms"] for v in values), max(v["p95_ms"] for v in values)],
                        "max_ms": max(v["max_ms"] for v in values)}
    return out


def other_cores(w: dict) -> float:
    """How many cores the rest of the shared machine used during a window."""
    return w["cpu"]["other_cpu_s"] / w["cpu"]["wall_s"] if w["cpu"]["wall_s"] else float("nan")


def paired_ratios(windows: list[dict]) -> list[dict]:
    """Each loaded window's samples/s over the mean of the solo windows just before and after it."""
    out = []
    for i, w in enumerate(windows):
        if w["kind"] == "training" and 0 < i < len(windows) - 1 and windows[i + 1]["kind"] == "solo":
            before, rate, after = (x.get("train_samples_per_s") for x in (windows[i - 1], w, windows[i + 1]))
            if before and after and rate:
                out.append({"kept": rate / ((before + after) / 2), "solo": (before + after) / 2, "loaded": rate,
                            "other_cores": max(other_cores(x) for x in windows[i - 1:i + 2])})
    return out


def summarize_run(windows: list[dict]) -> dict:
    pairs = paired_ratios(windows)
    for w in windows:
        w["other_cores"] = other_cores(w)
    return {"idle": pooled(windows, "idle"), "training": pooled(windows, "training"),
            "train_rates": {k: [w["train_samples_per_s"] for w in windows if w["kind"] == k] for k in ("solo", "training")},
            "pairs": pairs, "throughput_kept": median(p["kept"] for p in pairs) if pairs else float("nan"),
            "windows": windows}


def report_run(results: dict) -> None:
    for w in results["windows"]:
        c = w["cpu"]
        lat = w.get("latency", {}).get("steady")
        rate = w.get("train_samples_per_s")
        report(f"{w['kind']:16s} {c['wall_s']:5.1f} s, load {c['load_start'][0]:.2f}->{c['load_end'][0]:.2f}: CPU server "
               f"{c['server_cpu_s']:.1f} s, visitors {c['visitors_cpu_s']:.1f} s, training {c['training_cpu_s']:.1f} s, "
               f"other {c['other_cpu_s']:.1f} s of {c['machine_core_s']:.0f} core-s"
               + (f"; steady {lat['n']} calls p50 {lat['p50_ms']:.0f} / p95 {lat['p95_ms']:.0f} ms" if lat else "")
               + (f"; training {rate:.1f} samples/s" if rate else "") + (f"; {w['n_failed']} FAILED" if w.get("n_failed") else ""))
        if w["kind"] != "solo":
            report("    server threads (CPU s): " + ", ".join(f"{k} {v:.1f}" for k, v in list(c["server_threads_cpu_s"].items())[:5])
                   + f"; caller CPU {w['caller_cpu_ms_per_call']:.1f} ms a call")
    for kind in ("idle", "training"):
        for key, s in results[kind].items():
            report(f"{kind:8s} {key:12s} {s['n']:4d} calls: p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms "
                   f"(windows {', '.join(f'{v:.0f}' for v in s['p95_range_ms'])}), max {s['max_ms']:.0f} ms")
    report("training samples/s, loaded / solo around it: " + ", ".join(
        f"{p['loaded']:.1f} / {p['solo']:.1f} = {p['kept']:.1%} (other {p['other_cores']:.2f} cores)" for p in results["pairs"]))


def remember_past_events(demo, count: int) -> None:
    """Fill the queue's record of past events (gradio.queueing.Queue.event_analytics, one dict per event, what
    Queue.process_events keeps) with `count` finished calls of our endpoints, as hours of visitors leave it."""
    pick = random.Random(0)
    for i in range(count):
        demo._queue.event_analytics[f"past-{i}"] = {
            "time": time.time() - count + i, "status": "success", "process_time": pick.uniform(0.005, 0.05),
            "function": WANTED[i % len(WANTED)], "session_hash": f"s{i % 200}"}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=2)
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--duration", type=int, default=60, help="seconds of each loaded window")
    p.add_argument("--solo-s", type=float, default=20.0, help="seconds of each solo (no visitor) training window")
    p.add_argument("--think", default="2,4", help="uniform think time between a visitor's calls, 'min,max' s")
    p.add_argument("--generator", choices=("locust", "gradio"), default="locust",
                   help="locust users (one process), or one gradio_client process per visitor")
    p.add_argument("--locust-processes", type=int, default=1, help="locust --processes (1: one gevent process)")
    p.add_argument("--profile", action="store_true", help="also py-spy the server in a loaded window, idle and training")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="set in the server's environment before the app is built (a variant to compare)")
    p.add_argument("--label", default="", help="variant name: bench/out/load_locust[_LABEL].json")
    p.add_argument("--prior-events", type=int, default=0,
                   help="start as a server up for a while: Gradio's queue has recorded this many past events "
                        "(20 visitors make ~7 a second; Gradio keeps the last 10,000)")
    p.add_argument("--visitors-of", default="", help=argparse.SUPPRESS)
    p.add_argument("--log-dir", type=Path, default=Path("."), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.visitors_of:  # the --generator gradio child: only visitors, no app
        return run_gradio_visitors(args)
    if args.quick:
        args.users, args.duration, args.repeats, args.solo_s = 3, 6, 1, 1.5
    args.label = args.label or ("quick" if args.quick else "")
    for item in args.env:
        key, _, value = item.partition("=")
        os.environ[key] = value
    info = machine_info()
    import transformers  # quiet model-loading reports in the benchmark's output

    transformers.logging.set_verbosity_error()
    from core.jobs import child_process  # the app's warm training process, shut down at the end
    from responsiveness import launch

    runs_dir = OUT_DIR / "tmp" / f"load-runs-{time.time_ns()}"
    demo, url = launch(runs_dir, training_process=True)
    if args.prior_events:
        remember_past_events(demo, args.prior_events)
    try:
        child_process.wait_warm(120)
        eps = endpoints(url)
        serial = warm_up(url, eps, 2 if args.quick else 10)
        report(f"one visitor alone (ms, p50): {json.dumps({k: round(v['p50_ms']) for k, v in serial.items()})}")
        windows = [loaded_window("idle", url, eps, args, None) for _ in range(args.repeats)]
        if args.profile:
            windows.append(loaded_window("profile-idle", url, eps, args, None, OUT_DIR / f"pyspy_{args.label}_idle.txt"))
        windows += training_phase(url, eps, args)
    finally:
        demo.close()
        child_process.shutdown()
        shutil.rmtree(runs_dir, ignore_errors=True)
    results = {"users": args.users, "duration_s": args.duration, "think_s": args.think, "generator": args.generator,
               "locust_processes": args.locust_processes, "env": args.env, "prior_events": args.prior_events, "serial": serial, **summarize_run(windows)}
    report_run(results)
    targets = [check("p95 latency with 20 visitors while training (ms)", results["training"]["steady"]["p95_ms"], 1000),
               check("p95 latency of every call (arrivals included) while training (ms)",
                     results["training"]["all"]["p95_ms"], 1000),
               check("training throughput kept with visitors", results["throughput_kept"], 0.8, lower_is_better=False)]
    name = "load_locust" + (f"_{args.label}" if args.label else "")
    path = write_result(name, {"machine": info, "quick": args.quick, "results": results, "targets": targets}, args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
