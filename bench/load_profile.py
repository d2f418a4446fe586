"""Where the server's time goes: a breakdown of a py-spy recording (raw, collapsed stacks) of the app under load.

bench/load_locust.py --profile records the server with `py-spy record --gil --threads --format raw`: a sample
is taken only when a thread of the server holds the GIL, so every sample is Python work of the server (native
code that releases the GIL, e.g. inside tokenizers or pyarrow, is not in it), and samples / (rate x seconds)
is how busy the GIL was. Each sample goes to the first phase whose rule matches its stack (PHASES), and
to the library of its innermost frame (LIBRARIES).

    python bench/load_profile.py bench/out/pyspy_baseline_training.txt [--calls N] [--seconds 60] [--rate 100]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

# (phase, substrings: the first phase with one of them anywhere in the stack wins)
PHASES = [
    ("bench harness (load_locust.py sampling /proc)", ("(load_locust.py",)),
    ("training relay thread (child's messages -> recorder -> metrics.jsonl)",
     ("run_in_process (core/jobs/child_process.py", "training-worker", "QueueFeederThread")),
    ("gradio queue analytics (a pandas DataFrame of every past event, after each event)",
     ("compute_analytics_summary",)),
    ("gradio new session (SessionState: every component's config, on a visitor's first call)",
     ("SessionState.__init__",)),
    ("handler /sample_rows", ("sample_rows (ui/datasets/handlers.py",)),
    ("handler /tokenize", ("api_tokenize (ui/tokenizer/handlers.py",)),
    ("handler /load_dataset", ("load_dataset (ui/datasets/handlers.py",)),
    ("gradio postprocess (outputs to JSON: Dataframe, State, updates)", ("postprocess_data (gradio/blocks.py",)),
    ("gradio preprocess (inputs, session state)", ("preprocess_data (gradio/blocks.py",
                                                   "restore_session_state (gradio/route_utils.py")),
    ("gradio process_api, other", ("process_api (gradio/blocks.py", "call_process_api (gradio/route_utils.py")),
    ("gradio queue join / push / SSE messages", ("gradio/routes.py", "gradio/queueing.py", "gradio/server_messages.py")),
    ("HTTP (uvicorn, starlette, fastapi, h11)", ("uvicorn/", "starlette/", "fastapi/", "h11/", "httptools")),
    ("asyncio event loop", ("asyncio/",)),
]
LIBRARIES = [("gradio", "gradio/"), ("pandas", "pandas/"), ("pyarrow", "pyarrow/"), ("datasets", "datasets/"),
             ("transformers", "transformers/"), ("tokenizers", "tokenizers/"), ("numpy", "numpy/"),
             ("pydantic", "pydantic"), ("plotly", "plotly"), ("http stack", ("uvicorn/", "starlette/", "fastapi/", "h11/")),
             ("asyncio", "asyncio/"), ("json", ("json/", "orjson")), ("anyio", "anyio/"),
             ("app core/", "(core/"), ("app ui/", "(ui/")]


def read_raw(path: Path) -> list[tuple[list[str], int]]:
    """[(frames root first, count)] from py-spy's raw format: 'frame;frame;... count' per line."""
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out.append((stack.split(";"), int(count)))
    return out


def phase_of(stack: str) -> str:
    return next((name for name, keys in PHASES if any(k in stack for k in keys)), "other")


def library_of(frame: str) -> str:
    for name, keys in LIBRARIES:
        if any(k in frame for k in ((keys,) if isinstance(keys, str) else keys)):
            return name
    return "python stdlib / other"


def breakdown(path: Path, calls: int = 0, seconds: float = 0.0, rate: int = 100) -> dict:
    """Samples by phase (with the library split inside each), share of samples, and ms per call."""
    phases, libs, functions = Counter(), Counter(), Counter()
    total = 0
    for frames, count in read_raw(path):
        stack = ";".join(frames)
        phase = phase_of(stack)
        phases[phase] += count
        libs[(phase, library_of(frames[-1]))] += count
        functions[re.sub(r":\d+\)", ")", frames[-1])] += count
        total += count
    ms = 1000 / rate

    def row(n: int) -> dict:
        return {"samples": n, "share": n / total if total else 0.0,
                "ms_per_call": n * ms / calls if calls else None}

    return {"file": str(path), "samples": total, "rate_hz": rate, "calls": calls,
            "gil_busy": total / (rate * seconds) if seconds else None,
            "phases": {p: {**row(n), "libraries": {lib: row(m) for (q, lib), m in libs.most_common() if q == p}}
                       for p, n in phases.most_common()},
            "top_functions": {f: row(n) for f, n in functions.most_common(25)}}


def render(result: dict) -> str:
    """A text table: phase, share of samples, ms per call, and the main libraries inside it."""
    lines = [f"{result['samples']} GIL samples at {result['rate_hz']} Hz"
             + (f", GIL busy {result['gil_busy']:.0%} of the window" if result.get("gil_busy") else "")
             + (f", {result['calls']} calls" if result["calls"] else "")]
    for phase, r in result["phases"].items():
        per_call = f"{r['ms_per_call']:6.2f} ms/call" if r["ms_per_call"] is not None else ""
        libs = ", ".join(f"{lib} {v['share'] / r['share']:.0%}" for lib, v in list(r["libraries"].items())[:4]
                         if r["share"])
        lines.append(f"  {r['share']:6.1%} {per_call}  {phase}  [{libs}]")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", type=Path)
    p.add_argument("--calls", type=int, default=0, help="calls served in the recording (for ms per call)")
    p.add_argument("--seconds", type=float, default=0.0, help="length of the recording (for the GIL's busy share)")
    p.add_argument("--rate", type=int, default=100)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    result = breakdown(args.file, args.calls, args.seconds, args.rate)
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
