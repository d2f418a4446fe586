"""One anonymous request against a public server in a memory limit: does it refuse, or does the server die?

Starts `python app.py` in public mode (PUBLIC_MODE=1) in a child process whose address space is capped with
resource.setrlimit(RLIMIT_AS) (default 6 GiB, like the issue's container), then sends estimate_training with
measure_step=true for batch_size x max_length configs (the issue's 4096 x 512 and a moderate 32 x 256) through
gradio_client. For each: the answer (or error), its wall time, whether the server still serves, and the server
process's peak RSS (VmHWM) after it.

    python bench/oversized_request.py [--quick] [--limit-gb 6] [--sizes 4096x512 32x256]

Before the fix (2026-12-07, load 1.4): the 4096 x 512 step failed inside the server after 12.5 s with a
RuntimeError from torch's allocator and left the server at 3.7 GB resident (without the address-space limit, the
kernel kills the server itself); bench/RESULTS.md, section 12, has the figures after.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import ROOT, load_average, parser, report, write_result


def peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(limit_bytes: int, folder: Path, port: int, extra_env: dict) -> subprocess.Popen:
    def cap() -> None:  # runs in the child before exec: the server, and every process it starts, inherit it
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    env = {**os.environ, "PUBLIC_MODE": "1", "RUNS_DIR": str(folder / "runs"), "UPLOADS_DIR": str(folder / "up"),
           "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2"), **extra_env}
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--offline"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=cap)


def wait_serving(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}) before serving")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the server did not start in time")


def one_request(url: str, proc: subprocess.Popen, batch: int, length: int) -> dict:
    from gradio_client import Client

    config = {"batch_size": batch, "max_length": length, "max_train_samples": 64, "num_train_epochs": 1}
    start = time.perf_counter()
    try:
        answer = Client(url, verbose=False).predict(json.dumps(config), True, api_name="/estimate_training")
        outcome = {"ok": True, "step": answer.get("step"), "estimate_gib": answer["bytes"]["total"] / 2**30}
    except Exception as err:  # noqa: BLE001 - the answer is what we record
        outcome = {"ok": False, "error": str(err)[:400]}
    outcome["seconds"] = round(time.perf_counter() - start, 2)
    outcome["server_alive"] = proc.poll() is None
    outcome["server_peak_rss_mb"] = round(peak_rss_mb(proc.pid), 1) if outcome["server_alive"] else None
    return {"batch_size": batch, "max_length": length, **outcome}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--limit-gb", type=float, default=6.0)
    p.add_argument("--sizes", nargs="+", default=["4096x512", "32x256"])
    p.add_argument("--port", type=int, default=7911)
    p.add_argument("--log", type=Path, default=None, help="keep the server's log here")
    args = p.parse_args()
    url = f"http://127.0.0.1:{args.port}/"
    results, load_before = [], load_average()
    with tempfile.TemporaryDirectory() as tmp:
        # --quick: a request budget MiniLM cannot meet, so the answer is the refusal, in seconds
        proc = start_server(int(args.limit_gb * 2**30), Path(tmp), args.port,
                            {"MAX_REQUEST_MB": "200"} if args.quick else {})
        try:
            wait_serving(url, proc)
            report(f"server up, peak RSS {peak_rss_mb(proc.pid):.0f} MiB")
            for size in args.sizes[:1] if args.quick else args.sizes:
                batch, length = map(int, size.split("x"))
                results.append(one_request(url, proc, batch, length))
                report(json.dumps(results[-1]))
                if proc.poll() is not None:
                    report("the server died; its log ends:\n" + (Path(tmp) / "server.log").read_text()[-2000:])
                    break
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)
            if args.log:
                args.log.write_text((Path(tmp) / "server.log").read_text())
    write_result("oversized_request", {"quick": args.quick, "limit_gb": args.limit_gb, "results": results,
                                       "load_before": load_before, "load_after": load_average()}, args.out)


if __name__ == "__main__":
    main()
