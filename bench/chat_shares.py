"""A stranger with many sessions against a class's chats: how long each student waits for a chat answer.

The app is served as app.main() serves it, in public mode, in a child process (bench/fair_shares.py's `serve`). An
owner trains one short sft run of the tiny GPT on the embedded chat set (public data: anyone may chat with it). Then,
for --seconds, the stranger's --sessions gradio_client sessions (one address) each send chat turns back to back
(max_new_tokens 200: the most a turn may ask), while --students students (an address each, as a local proxy reports
them) each send one turn (48 tokens) every --every-s seconds. Three phases, each on a fresh server: the students
alone (the floor), the stranger with the per-stranger limits off (MODEL_CALLS_AT_ONCE=0, MODEL_CALLS_PER_MINUTE=0:
what main did before them), and with the defaults (1 at once, 20 a minute). Reported per phase: the students' answer
time (median, p95, max) and refusals, the stranger's answered and refused turns, the server's CPU seconds.

    python bench/chat_shares.py [--sessions 10] [--students 5] [--seconds 60] [--every-s 5] [--quick]
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import ROOT, cpu_seconds, load_average, median, parser, percentile, report, write_result
from fair_shares import client, serve

STRANGER = "203.0.113.9"
OWNER = "198.51.100.200"
CHAT_RUN = {"task": "sft", "model": "embedded/tiny-gpt", "dataset": {"kind": "sample", "name": "chat"},
            "text_column": "messages", "label_column": "", "eval_split": "", "max_steps": 2, "batch_size": 4,
            "max_length": 128, "max_train_samples": 16, "eval_strategy": "no", "logging_steps": 1,
            "run_name": "chat for all"}
QUESTION = [{"role": "user", "content": "Is this review positive or negative? The room was clean and quiet."}]
NO_LIMITS = {"MODEL_CALLS_AT_ONCE": "0", "MODEL_CALLS_PER_MINUTE": "0"}


def chat(session, run: str, tokens: int) -> tuple[str, float]:
    """("ok" or the refusal's first words, seconds the turn took)."""
    began = time.monotonic()
    try:
        session.predict(run, QUESTION, None, tokens, 1.0, 50, 0.95, False, api_name="/chat_with_run")
        return "ok", time.monotonic() - began
    except Exception as err:  # noqa: BLE001 - the refusal's words are the measurement
        return str(err)[:80], time.monotonic() - began


def train_chat_run(url: str) -> str:
    owner = client(url, OWNER)
    run = owner.predict(json.dumps(CHAT_RUN), api_name="/start_training")["job_id"]
    for _ in range(900):
        state = owner.predict(run, api_name="/training_status")["state"]
        if state == "done":
            return run
        if state in ("failed", "stopped", "interrupted"):
            raise RuntimeError(f"the chat run ended {state}")
        time.sleep(1)
    raise RuntimeError("the chat run did not finish in 15 minutes")


def phase(url: str, pid: int, run: str, sessions: int, students: int, seconds: float, every_s: float) -> dict:
    stop_at = time.monotonic() + seconds
    stranger, pupils, lock = [], [], threading.Lock()

    def flood(session):
        while time.monotonic() < stop_at:
            outcome = chat(session, run, 200)
            with lock:
                stranger.append(outcome)

    def student(session, offset: float):
        time.sleep(offset)  # spread over the interval, as a class types
        while time.monotonic() < stop_at:
            began = time.monotonic()
            outcome = chat(session, run, 48)
            with lock:
                pupils.append(outcome)
            time.sleep(max(0.0, every_s - (time.monotonic() - began)))

    floods = [client(url, STRANGER) for _ in range(sessions)]
    pupil_sessions = [client(url, f"198.51.100.{i + 1}") for i in range(students)]
    cpu_before, load_before = cpu_seconds(pid), load_average()[0]
    threads = [threading.Thread(target=flood, args=(s,)) for s in floods]
    threads += [threading.Thread(target=student, args=(s, i * every_s / max(students, 1)))
                for i, s in enumerate(pupil_sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered = [s for kind, s in pupils if kind == "ok"]
    return {"students": {"turns": len(pupils), "refused": len(pupils) - len(answered),
                         "refusals": sorted({kind for kind, _ in pupils if kind != "ok"}),
                         "answer_s": {"median": round(median(answered), 2) if answered else None,
                                      "p95": round(percentile(answered, 95), 2) if answered else None,
                                      "max": round(max(answered), 2) if answered else None}},
            "stranger": {"answered": sum(1 for kind, _ in stranger if kind == "ok"),
                         "refused": sum(1 for kind, _ in stranger if kind != "ok"),
                         "refusals": sorted({kind for kind, _ in stranger if kind != "ok"})},
            "server_cpu_s": round((cpu_seconds(pid) or 0) - (cpu_before or 0), 1),
            "load_avg_1min": [round(load_before, 2), round(load_average()[0], 2)]}


def measure(name: str, folder: Path, extra_env: dict, sessions: int, students: int, seconds: float,
            every_s: float) -> dict:
    """One phase on a fresh server over `folder` (the chat run trained by the first phase stays there)."""
    from tests.serving import free_port

    port = free_port()
    server = serve(ROOT, port, folder, 48, extra_env)
    url = f"http://127.0.0.1:{port}/"
    try:
        runs = client(url, OWNER).predict(api_name="/list_runs")
        run = next((r["run_id"] for r in runs if r["state"] == "done"), None) or train_chat_run(url)
        report(f"{name}: chat run {run}; {seconds:.0f} s of chats")
        return phase(url, server.pid, run, sessions, students, seconds, every_s)
    finally:
        server.kill()
        server.wait(30)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=10, help="the stranger's gradio_client sessions")
    p.add_argument("--students", type=int, default=5)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--every-s", type=float, default=5.0, help="seconds between one student's turns")
    args = p.parse_args()
    if args.quick:
        args.sessions, args.students, args.seconds, args.every_s = 2, 1, 6.0, 2.0
    phases = {"students alone": ({}, 0), "stranger, no limits": (NO_LIMITS, args.sessions),
              "stranger, limits": ({}, args.sessions)}
    results, folder = {}, Path(tempfile.mkdtemp(prefix="chat-shares-"))
    for name, (env, sessions) in phases.items():
        results[name] = measure(name, folder, env, sessions, args.students, args.seconds, args.every_s)
        report(f"{name}: {json.dumps(results[name])}")
    write_result("chat_shares", {"quick": args.quick, "sessions": args.sessions, "students": args.students,
                                 "seconds": args.seconds, "every_s": args.every_s, "results": results}, args.out)


if __name__ == "__main__":
    main()
