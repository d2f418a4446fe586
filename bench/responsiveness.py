"""Is the app responsive while it trains? 20 concurrent API sessions against a fine-tune on the same CPU.

The app is built with app.build_app(), queued as app.main() does, and launched on a free 127.0.0.1 port.
Each of --clients gradio_client sessions calls /sample_rows and /tokenize --rounds times (bounded, loopback
only), back to back or with a think time (--think-s, a person reading the answer). Latencies are taken with
no training, then while a job started through core.jobs trains the packaged MiniLM (max_length 128, dynamic
padding, a train log every step) in its child process, as the app does (--thread: in a thread of the server,
TRAINING_PROCESS=0). The sessions run in a separate process (browsers are not threads of the server).
Training throughput is compared between windows with and without the clients inside the same job,
alternating, so both see the same job and load.
Targets (issue 18): p95 < 1 s while training; training keeps > 80% of its solo samples/s.

    python bench/responsiveness.py [--quick] [--clients 20] [--rounds 5] [--repeats 2] [--think-s 0] [--thread]
                                   [--nice N] [--client-nice N]

It also reports where the CPU went in each loaded window: the server process, the sessions' process, and
the training process (/proc, Linux).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, bench_model, check, cpu_seconds, machine_info, median, parser, percentile, report, write_result

BATCH = 16
WANTED = ("/sample_rows", "/tokenize")
TOKENIZE_TEXT = "The staff were friendly, but the room was noisy and the breakfast was cold."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(runs_dir, training_process: bool, training_nice: int | None = None):
    """The app as app.main() serves it (its queue, a warm training process), in this process (so the job
    manager is the app's own); training_nice: None for TRAINING_NICE."""
    from dataclasses import replace

    from core import sources
    from core.settings import get_settings, set_settings

    sources.detect_online()
    nice = get_settings().training_nice if training_nice is None else training_nice
    set_settings(replace(get_settings(), runs_dir=runs_dir, training_process=training_process, training_nice=nice))
    import app
    from core.jobs.manager import get_manager

    demo = app.serve_queue(app.build_app())
    if training_process:
        get_manager().prewarm()  # as app.main(): a training process has imported torch before Start
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **app.LAUNCH_OPTIONS)
    return demo, f"http://127.0.0.1:{port}/"


def call_sample_rows(client, i: int):
    return client.predict(10, i, api_name="/sample_rows")


def call_tokenize(client, i: int):
    return client.predict(text=f"{TOKENIZE_TEXT} ({i})", api_name="/tokenize")


CALLS = {"/sample_rows": call_sample_rows, "/tokenize": call_tokenize}


def exposed_endpoints(url: str) -> list[str]:
    """The wanted endpoints this app exposes (checked with view_api, as a client would)."""
    from gradio_client import Client

    api = Client(url, verbose=False, download_files=False).view_api(print_info=False, return_format="dict")
    return [name for name in WANTED if name in api["named_endpoints"]]


def client_session(url: str, names: list[str], rounds: int, barrier: threading.Barrier, out: list,
                   think_s: float = 0.0, seed: int = 0) -> None:
    """One browser-like session: its own Client, every endpoint `rounds` times; latencies in ms to out.
    think_s: mean pause before each call (exponential), as a person reads the last answer; 0: back to back."""
    import random

    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    pause = random.Random(seed)
    barrier.wait()  # all sessions connected: start calling together
    for i in range(rounds):
        for name in names:
            if think_s > 0:
                time.sleep(pause.expovariate(1.0 / think_s))
            start = time.perf_counter()
            CALLS[name](client, i)
            out.append((name, (time.perf_counter() - start) * 1000))


def burst(url: str, names: list[str], clients: int, rounds: int, think_s: float = 0.0) -> dict:
    """clients sessions in parallel; latencies by endpoint and the burst's start and end (wall clock).

    Runs in a separate process (see load_burst): browsers are not threads of the server process, and
    client threads inside it would compete with the server and the training for the GIL.
    """
    out: list[tuple[str, float]] = []
    barrier = threading.Barrier(clients + 1)
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client_session, url, names, rounds, barrier, out, think_s, seed)
                   for seed in range(clients)]
        barrier.wait(timeout=120)
        start, cpu = time.time(), time.process_time()
        for future in futures:
            future.result(timeout=600)
        end, cpu = time.time(), time.process_time() - cpu
    return {"latencies": out, "start": start, "end": end, "client_cpu_s": cpu}


def load_burst(pool, url: str, names: list[str], clients: int, rounds: int, think_s: float = 0.0) -> dict:
    return pool.submit(burst, url, names, clients, rounds, think_s).result(timeout=900)


def latency_summary(latencies: list[tuple[str, float]]) -> dict:
    every = [ms for _, ms in latencies]
    out = {"all": {"n": len(every), "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95),
                   "max_ms": max(every)}}
    for name in sorted({n for n, _ in latencies}):
        values = [ms for n, ms in latencies if n == name]
        out[name] = {"n": len(values), "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95)}
    return out


def train_rate(points: list[dict], start: float, end: float) -> float | None:
    """Training samples/s between two wall-clock times: steps done by `end` minus steps done by `start`
    (from the per-step train records' timestamps), so a window with only a step or two still counts."""
    train = sorted((p["time"], p["step"]) for p in points if p.get("kind") == "train")

    def done_by(moment: float) -> int | None:
        steps = [step for t, step in train if t <= moment]
        return steps[-1] if steps else None

    first, last = done_by(start), done_by(end)
    if first is None or last is None or end <= start:
        return None
    return (last - first) * BATCH / (end - start)


def training_pid() -> int | None:
    """The job's training process (a child named "training"); None when it trains in a thread of ours."""
    import multiprocessing

    return next((p.pid for p in multiprocessing.active_children() if p.name == "training"), None)


def start_job(quick: bool, steps: int) -> str:
    from core.jobs import manager as jobs
    from core.training.config import TrainConfig

    config = TrainConfig(run_name="responsiveness", model=bench_model(quick), max_length=128, padding="dynamic",
                         max_train_samples=0, max_eval_samples=32, max_steps=steps, batch_size=BATCH,
                         num_train_epochs=100.0, eval_strategy="no", evaluate_before=False, save_model=False,
                         metrics=["accuracy"], logging_steps=1)
    return jobs.get_manager().start(config)


def wait_running(job_id: str, min_step: int, timeout: float = 300) -> None:
    from core.jobs import manager as jobs

    deadline = time.time() + timeout
    while time.time() < deadline:
        snap = jobs.get_manager().snapshot(job_id)
        if snap["state"] not in ("queued", "running"):
            raise RuntimeError(f"training job ended early: {snap['state']} {snap.get('error')}")
        if snap["step"] >= min_step:
            return
        time.sleep(0.5)
    raise TimeoutError("the training job did not start in time")


def measure_training(pool, url: str, names: list[str], args) -> dict:
    """Alternate solo windows and client bursts inside one job; then stop it."""
    from core.jobs import manager as jobs

    manager = jobs.get_manager()
    job_id = start_job(args.quick, steps=100_000)
    windows = {"solo": [], "loaded": []}
    latencies: list[tuple[str, float]] = []
    cpu: list[dict] = []  # where the CPU went in each loaded window: server, clients, training
    try:
        wait_running(job_id, min_step=3)
        child = training_pid()
        for _ in range(args.repeats):
            start = time.time()
            time.sleep(args.solo_s)
            windows["solo"].append((start, time.time()))
            server, trainer = time.process_time(), cpu_seconds(child) if child else None
            result = load_burst(pool, url, names, args.clients, args.rounds, args.think_s)
            server, trainer = time.process_time() - server, (cpu_seconds(child) - trainer) if child else None
            latencies += result["latencies"]
            windows["loaded"].append((result["start"], result["end"]))
            cpu.append({"wall_s": result["end"] - result["start"], "server_cpu_s": server,
                        "client_cpu_s": result["client_cpu_s"], "training_cpu_s": trainer})
        start = time.time()
        time.sleep(args.solo_s)
        windows["solo"].append((start, time.time()))
    finally:
        manager.stop(job_id)
        manager.wait(job_id, timeout=120)
    points = manager.snapshot(job_id)["points"]
    rates = {k: [train_rate(points, a, b) for a, b in v] for k, v in windows.items()}
    return {"latencies": latencies, "rates": rates, "cpu": cpu}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--rounds", type=int, default=5, help="calls of each endpoint per session")
    p.add_argument("--solo-s", type=float, default=15.0, help="seconds of training alone per solo window")
    p.add_argument("--torch-threads", type=int, default=0, help="torch.set_num_threads for the app (0: default)")
    p.add_argument("--think-s", type=float, default=0.0,
                   help="mean pause of a session before each call (0: back to back, the worst case)")
    p.add_argument("--thread", action="store_true",
                   help="train in a thread of the server (TRAINING_PROCESS=0) instead of the default child process")
    p.add_argument("--nice", type=int, default=None, help="the training process's nice value (default: TRAINING_NICE)")
    p.add_argument("--client-nice", type=int, default=0,
                   help="nice value of the sessions' process: 19 approximates browsers on other machines "
                        "(their CPU no longer competes with training; their own latency then includes waiting)")
    args = p.parse_args()
    if args.quick:
        args.clients, args.rounds, args.repeats, args.solo_s = 3, 1, 1, 2.0
    import multiprocessing

    import torch
    import transformers

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    transformers.logging.set_verbosity_error()
    info = machine_info()
    runs_dir = OUT_DIR / "tmp" / f"resp-runs-{time.time_ns()}"
    from core.settings import get_settings

    nice = get_settings().training_nice if args.nice is None else args.nice
    demo, url = launch(runs_dir, training_process=not args.thread, training_nice=nice)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=os.nice if args.client_nice else None,
                               initargs=(args.client_nice,) if args.client_nice else ())
    try:
        names = exposed_endpoints(url)
        missing = [n for n in WANTED if n not in names]
        if not names:
            raise SystemExit(f"none of {WANTED} is exposed by app.build_app(): wire the tabs in first")
        load_burst(pool, url, names, 1, 1)  # first calls load the dataset / tokenizer: not latency samples
        serial = load_burst(pool, url, names, 1, 10)["latencies"]  # one session alone: the cost of a call
        idle = [load_burst(pool, url, names, args.clients, args.rounds, args.think_s)["latencies"]
                for _ in range(args.repeats)]
        idle_lat = [x for b in idle for x in b]
        trained = measure_training(pool, url, names, args)
    finally:
        pool.shutdown()
        demo.close()
        shutil.rmtree(runs_dir, ignore_errors=True)  # the stopped job's checkpoint
    results = {"endpoints": names, "missing_endpoints": missing, "clients": args.clients,
               "think_s": args.think_s, "training_process": not args.thread, "training_nice": nice,
               "client_nice": args.client_nice,
               "torch_threads": torch.get_num_threads(), "rounds": args.rounds, "serial": latency_summary(serial), "idle": latency_summary(idle_lat),
               "training": latency_summary(trained["latencies"]), "train_rates": trained["rates"],
               "loaded_cpu": trained["cpu"]}
    solo, loaded = median(trained["rates"]["solo"]), median(trained["rates"]["loaded"])
    results["throughput_kept"] = loaded / solo if solo else float("nan")
    for key in ("serial", "idle", "training"):
        s = results[key]["all"]
        report(f"{key:8s} {s['n']} calls: p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms, max {s['max_ms']:.0f} ms")
    report(f"training samples/s: solo {trained['rates']['solo']}, with clients {trained['rates']['loaded']}")
    calls = len(trained["latencies"]) / max(1, len(trained["cpu"]))
    for w in trained["cpu"]:  # server/training CPU: in thread mode the server's figure includes the training
        trainer = f", training {w['training_cpu_s']:.1f} s" if w["training_cpu_s"] is not None else ""
        report(f"loaded window {w['wall_s']:.1f} s ({calls:.0f} calls): CPU server {w['server_cpu_s']:.1f} s "
               f"({1000 * w['server_cpu_s'] / calls:.0f} ms/call), clients {w['client_cpu_s']:.1f} s "
               f"({1000 * w['client_cpu_s'] / calls:.0f} ms/call){trainer}, of {(os.cpu_count() or 1) * w['wall_s']:.1f} core-s")
    if missing:
        report(f"NOTE: endpoints not exposed by the app, not measured: {missing}")
    targets = [check("p95 latency while training (ms)", results["training"]["all"]["p95_ms"], 1000),
               check("training throughput kept with clients", results["throughput_kept"], 0.8, lower_is_better=False)]
    name = "responsiveness" + (f"_threads{args.torch_threads}" if args.torch_threads else "") \
        + ("_thread" if args.thread else f"_nice{nice}") + (f"_think{args.think_s:g}" if args.think_s else "") \
        + (f"_clientnice{args.client_nice}" if args.client_nice else "")
    path = write_result(name, {"machine": info, "quick": args.quick, "results": results,
                                           "targets": targets}, args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
