"""The server's memory high-water mark through the hostile suite (tests/test_hostile.py).

The suite serves the app in the pytest process (tests/serving.py: two visitors attack it over HTTP), so that
process's peak resident memory bounds the server's from above (it also holds the test clients). Its training runs
and bounded children are other processes: their peak is reported apart. Polled every 0.2 s with psutil.

    python bench/hostile_memory.py [--quick] [-k EXPRESSION]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

import psutil

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import ROOT, load_average, parser, report, write_result


def watch(proc: subprocess.Popen) -> dict:
    """Peak RSS of the pytest process and of the largest of its descendants, until it exits."""
    me, peak, child_peak, samples = psutil.Process(proc.pid), 0, 0, 0
    while proc.poll() is None:
        try:
            peak = max(peak, me.memory_info().rss)
            for child in me.children(recursive=True):
                child_peak = max(child_peak, child.memory_info().rss)
        except psutil.Error:  # a child that has just exited
            pass
        samples += 1
        time.sleep(0.2)
    return {"pytest_peak_rss_mb": round(peak / 2**20), "largest_child_peak_rss_mb": round(child_peak / 2**20),
            "samples": samples}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("-k", default="", help="pytest -k expression (default: the whole file)")
    args = p.parse_args()
    expression = args.k or ("public_defaults" if args.quick else "")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_hostile.py"]
    command += ["-k", expression] if expression else []
    load_before, start = load_average(), time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:  # not a pipe: a full pipe would stall pytest
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True)
        result = watch(proc)
        out.seek(0)
        tail = out.read().strip().splitlines()[-1:]
    result.update({"seconds": round(time.perf_counter() - start), "pytest": tail, "returncode": proc.returncode})
    report(str(result))
    write_result("hostile_memory", {"quick": args.quick, **result, "load_before": load_before,
                                    "load_after": load_average()}, args.out)


if __name__ == "__main__":
    main()
