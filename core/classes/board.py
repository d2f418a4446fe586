"""The class board: every student's run (nickname, what they changed, state, time, score), ranked by the class's
evaluation metric, their curves for one overlay chart, a one-line summary of what the class learned, and a CSV.

A live run is read from the job manager's memory (no disk); a finished one once, from memory or from its folder, then
kept (it no longer changes; a resumed run is live again and read from memory). Thirty pages read the board every two
seconds: each read copies the curves of the runs training now, not every run's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import statistics

from cachetools import LRUCache

from core.classes.roster import Classroom
from core.jobs.job import TERMINAL_STATES
from core.jobs.manager import JobManager
from core.messages import say
from core.task_registry import task_of
from core.training.recorder import best_value

# (runs folder, run id[, state, elapsed, step: one ending of a run in memory]) -> snapshot of a run that has ended
_finished: LRUCache = LRUCache(maxsize=4096)
CSV_COLUMNS = ("rank", "nickname", "changed", "state", "seconds", "metric", "score", "run_id")


def _snapshot(manager: JobManager, run_id: str) -> dict:
    live = manager.live_snapshot(run_id)
    if live is not None and live["state"] in TERMINAL_STATES:  # ended, still in memory: copied once per ending
        key = (str(manager.store.root), run_id, live["state"], live["elapsed_s"], live["step"])
        if key not in _finished:
            _finished[key] = manager.snapshot(run_id, hold=False)
        return _finished[key]
    if live is not None:
        return manager.snapshot(run_id, hold=False) if live["state"] != "queued" else {**live, "points": []}
    key = (str(manager.store.root), run_id)
    if key not in _finished:
        _finished[key] = manager.snapshot(run_id) if manager.store.exists(run_id) else None
    return _finished[key] or {"state": "deleted", "points": [], "elapsed_s": 0.0}


def rows(manager: JobManager, classroom: Classroom) -> tuple[list[dict], dict[str, list[dict]]]:
    """(the board's rows ranked best first, each run's curve points by run id)."""
    metric, lowest = task_of(classroom.base_config()).best_metric(classroom.base_config())
    found, points = [], {}
    for run in classroom.runs:
        snap = _snapshot(manager, run["run_id"])
        points[run["run_id"]] = snap.get("points", [])
        found.append({"run_id": run["run_id"], "nickname": classroom.students.get(run["owner"], "?"),
                      "changes": dict(run.get("changes") or {}), "state": snap["state"],
                      "seconds": snap.get("elapsed_s", 0.0), "step": snap.get("step", 0),
                      "max_steps": snap.get("max_steps", 0), "metric": metric,
                      "score": best_value(snap.get("points", []), metric, lowest=lowest),
                      "learned": _learned(snap.get("points", []))})
    scored = sorted((r for r in found if r["score"] is not None), key=lambda r: r["score"], reverse=not lowest)
    ranked = scored + [r for r in found if r["score"] is None]
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank if row["score"] is not None else None
    return ranked, points


def version(ranked: list[dict], points: dict[str, list[dict]]) -> str:
    """What the board's curves depend on, as a short string: it changes when a run gets a record, changes rank or
    name, and only then (a page redraws its charts when it changes)."""
    shape = [(row["run_id"], row["nickname"], len(points.get(row["run_id"], ()))) for row in ranked]
    return hashlib.sha1(repr(shape).encode()).hexdigest()[:16]


def _learned(points: list[dict]) -> bool | None:
    """Whether the training loss went down (first logged vs last); None before two train records."""
    losses = [p["loss"] for p in points if p.get("kind") == "train" and isinstance(p.get("loss"), (int, float))]
    if len(losses) < 2:
        return None
    return math.isfinite(losses[-1]) and losses[-1] < losses[0]


def summary(classroom: Classroom, ranked: list[dict]) -> list[str]:
    """What the class learned, in sentences (English templates: core.messages.localize gives the Chinese)."""
    done = [r for r in ranked if r["state"] == "done" and r["score"] is not None]
    if len(done) < 2:
        return [say("Nothing to compare yet: {done} of {total} runs have finished", done=len(done), total=len(ranked))]
    base = classroom.base_config().to_dict()
    lines = []
    lowest = task_of(classroom.base_config()).best_metric(classroom.base_config())[1]
    setting = _deciding_setting(classroom, base, done, lowest)
    if setting is not None:
        name, (best, best_scores), (worst, worst_scores) = setting
        lines.append(say("{setting} mattered most: {best} scored {best_score:.3f} on average ({best_n} runs), {worst} "
                         "{worst_score:.3f} ({worst_n} runs)", setting=name, best=best,
                         best_score=statistics.mean(best_scores), best_n=len(best_scores), worst=worst,
                         worst_score=statistics.mean(worst_scores), worst_n=len(worst_scores)))
    stuck = [r for r in done if r["learned"] is False]
    if stuck:
        lines.append(say("{count} of {total} finished runs did not learn (their training loss did not go down): "
                         "{who}", count=len(stuck), total=len(done), who=", ".join(_changes_text(r) for r in stuck)))
    best = done[0]  # ranked best first
    lines.append(say("Best so far: {nickname} ({changes}), {metric} {score:.3f}", nickname=best["nickname"],
                     changes=_changes_text(best), metric=best["metric"], score=best["score"]))
    return lines


def _deciding_setting(classroom: Classroom, base: dict, done: list[dict], lowest: bool):
    """The setting whose values split the scores most: (name, (best value, scores), (worst value, scores))."""
    chosen, spread = None, 0.0
    for name in classroom.editable:
        groups: dict[str, list[float]] = {}
        for row in done:
            groups.setdefault(str(row["changes"].get(name, base.get(name))), []).append(row["score"])
        if len(groups) < 2:
            continue
        means = sorted(groups.items(), key=lambda item: statistics.mean(item[1]), reverse=not lowest)
        gap = abs(statistics.mean(means[0][1]) - statistics.mean(means[-1][1]))
        if gap > spread:
            chosen, spread = (name, means[0], means[-1]), gap
    return chosen


def _changes_text(row: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in row["changes"].items()) or "base"


def to_csv(ranked: list[dict]) -> str:
    """The board as CSV (a spreadsheet opens it): one row per run, best first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in ranked:
        writer.writerow([row["rank"] or "", _cell(row["nickname"]), _cell(_changes_text(row)), row["state"],
                         round(float(row["seconds"] or 0.0), 1), row["metric"],
                         "" if row["score"] is None else round(row["score"], 4), row["run_id"]])
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection: a nickname like '=HYPERLINK(...)')."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
