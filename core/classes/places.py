"""A student's run in a class: its config (the base preset plus the changes the class allows), starting it with its
reserved place, and where it stands (queue position, estimated start and finish).

Shares: every run of a class is queued under "class:<id>/<student>" (core.jobs.fair_queue). The class is one group
beside the server's other visitors, so a lesson does not push everyone else back thirty turns; inside it, turns go
by student, so each student's first run trains before anyone's second (one eager student cannot fill the pool).

Estimates come from this class only: all its runs share one preset, so a finished run's time (start to end,
its process start-up and last evaluation included) is what the next one will take on this machine, and a running
run has that time less what it has run. Until one has finished, the running runs' own projection stands in (once a
quarter of their steps is done: the first steps' pace overstates it): the time before their first step, their steps
at their pace, and the stages after the last step from their own loading and baseline times (projected_seconds);
before either, there is none. The first runs of a class also evaluate the untrained model for every later run (its
baseline and per-example pass, core.training.untrained), which the later runs read back: a run's time as the
estimate of a later one leaves that work out (the seconds it took, or will take, this run: shared_seconds).
"""

from __future__ import annotations

import heapq
import re
import statistics
import time

from core.classes.book import ClassBook
from core.classes.roster import NEVER_EDITABLE, Classroom
from core.jobs.job import TERMINAL_STATES
from core.jobs.manager import JobManager
from core.messages import UserError, check_known_fields
from core.settings import get_settings
from core.training.config import TrainConfig

LIVE = ("queued", "running", "stopping")
PROJECT_FROM = 0.25  # of a run's steps done before its own remaining-time estimate is trusted
# After the last step a run evaluates once more and computes its results (the report's, the fine-tuned and the
# untrained model's passes over the eval rows, core.tasks.classification.RESULT_PASSES), each pass about as long as its
# baseline evaluation, loads two models for them and its process ends, which take longer the longer its loading took:
# the quick demo on a quiet core (bench/RESULTS.md, "Phases"): 3.25 s baseline, 2.2 s loading, 15.1 s after the last
# step (this says 18.5 s); the light class preset through the job manager under load 10-16: 2.7 s baseline, 4.9 s
# loading, 30.5 s after the last step, 8 of them the process ending (this says 23.2 s; its whole run 88 s of 90).
POST_EVAL_PASSES = 4
POST_LOADINGS = 2.5
# the untrained per-example pass a run that computed its baseline will compute after its last step too: one pass over
# the eval rows (as long as its baseline) and the base model's load, this share of its loading stage (the light class
# preset under load 6-8, bench/RESULTS.md §14b: baseline 1.87 s, loading 2.45 s, the untrained pass 2.61 s)
UNTRAINED_LOADINGS = 0.3
MAX_CONTENTION = 5.0  # the most a stage's share of a core against the steps' scales it (a measure of a few seconds)
RECENT_RUNS = 7  # finished runs an estimate is the median of
# runs one student may start in one class: each is a row of the class's file and board (read on every page's tick),
# and only live runs count against the queue, so starting and stopping in a loop would grow them without end
MAX_RUNS_PER_STUDENT = 30


def student_config(classroom: Classroom, changes: dict, nickname: str = "") -> TrainConfig:
    """The base preset with a student's changes; a setting the class keeps fixed, changed, is refused by name.

    changes may be a whole config (the form sends every field): a fixed setting equal to the base is no change."""
    if not isinstance(changes, dict):
        raise UserError("The changes must be a JSON object of settings such as {example}", example='{"learning_rate": 3e-4}')
    base = classroom.base_config().to_dict()
    check_known_fields(changes, base, "config")
    changed = {k: v for k, v in changes.items() if k != "run_name" and v != base[k]}
    locked = sorted(k for k in changed if k not in classroom.editable or k in NEVER_EDITABLE)
    if locked:
        raise UserError("{settings}: fixed by the teacher in this class; you may change {allowed}",
                        settings=", ".join(locked), allowed=", ".join(classroom.editable) or "-")
    name = _run_name(classroom.name, nickname) if nickname else base["run_name"]
    return TrainConfig.from_dict({**base, **changed, "run_name": name})


def _run_name(class_name: str, nickname: str) -> str:
    """The class and the student as a run name: a class name may hold : ( ), which RUN_NAME refuses (and no student
    could fix), so they become spaces."""
    return " ".join(re.sub(r"[^\w .-]", " ", f"{class_name}-{nickname}").split())[:60]


def changed_settings(classroom: Classroom, config: dict) -> dict:
    """What a config changes from the class's base: setting -> new value (the board's "changed" column)."""
    base = classroom.base_config().to_dict()
    return {k: config[k] for k in classroom.editable if k in config and config[k] != base.get(k)}


def start_run(book: ClassBook, manager: JobManager, class_id: str, owner: str, changes: dict) -> str:
    """Queue a student's run in their class, with its reserved place (never refused for a full queue while the class
    is open; the class size bounds the class's live runs, MAX_JOBS_PER_VISITOR each student's)."""
    classroom = book.get(class_id)
    if not classroom.open:
        raise UserError("The class {name!r} is closed: ask your teacher to open it again", name=classroom.name)
    if owner not in classroom.students:
        raise UserError("Join the class with its code and a nickname before starting a run in it")
    if sum(run["owner"] == owner for run in classroom.runs) >= MAX_RUNS_PER_STUDENT:
        raise UserError("You have started {count} runs in this class, the most one student may: compare them on the "
                        "board, or ask your teacher to open a new class", count=MAX_RUNS_PER_STUDENT)
    config = student_config(classroom, changes, classroom.students[owner])
    live = sum(1 for run in classroom.runs if manager.live_state(run["run_id"]) in LIVE)
    cap = classroom.size * max(1, get_settings().max_jobs_per_visitor)  # each student's share of the class's room
    if live >= cap:
        raise UserError("The class has {count} runs waiting or training, the most its size allows: wait for one to "
                        "end", count=live)
    run_id = manager.start(config, owner=owner, share=classroom.share_of(owner), reserved=True)
    try:
        book.record_run(class_id, {"run_id": run_id, "owner": owner,
                                   "changes": changed_settings(classroom, config.to_dict()), "started": time.time()})
    except UserError:  # removed by the teacher while it was queued: it takes no turn
        manager.stop(run_id, admin=True)
        raise
    return run_id


def typical_seconds(manager: JobManager, classroom: Classroom) -> tuple[float | None, int]:
    """(seconds one more run of this class takes, how many runs that is measured from), or (None, 0) before any: the
    runs' times less the shared untrained work they computed, which the next run reads back."""
    done = [t for run in classroom.runs if (t := manager.run_seconds(run["run_id"], less_shared=True)) is not None]
    if done:  # the newest ones: the machine's load moves during a lesson
        return statistics.median(done[-RECENT_RUNS:]), len(done)
    projected = [seconds for run in classroom.runs
                 if (seconds := projected_seconds(manager.live_snapshot(run["run_id"]), repeat=True)) is not None]
    return (statistics.median(projected), 0) if projected else (None, 0)


def projected_seconds(snap: dict | None, repeat: bool = False) -> float | None:
    """A running run's whole time by its own pace, once a quarter of its steps is done: the time before its first
    step, its steps at their pace so far, and the stages after the last one (the final evaluation, saving, the
    results) by what its loading and baseline evaluation took. None for a run not that far. repeat: the time of a
    later run like it, which reads back the shared untrained work this one did (shared_seconds)."""
    if not snap or snap["state"] != "running" or snap.get("eta_s") is None or \
            snap["step"] < PROJECT_FROM * max(1, snap.get("max_steps") or 0):
        return None
    spent = snap.get("stage_s") or {}
    if not spent:  # no stage times (an older recorder): the Trainer's own projection, steps only
        return snap["elapsed_s"] + snap["eta_s"]
    before = max(0.0, snap["elapsed_s"] - sum(spent.values())) + spent.get("loading", 0.0) + spent.get("baseline", 0.0)
    steps = spent.get("train", 0.0) + spent.get("evaluating", 0.0) + snap["eta_s"]
    after = max(POST_EVAL_PASSES * _pass_seconds(snap) + POST_LOADINGS * _now(snap, "loading"),
                sum(spent.get(stage, 0.0) for stage in ("final_eval", "saving", "results")))
    return before + steps + after - (shared_seconds(snap) if repeat else 0.0)


def _pass_seconds(snap: dict) -> float:
    """One evaluation pass over the eval rows at the steps' pace: the baseline evaluation as the run timed it whole
    (shared_s), else its stage (which starts at its first batch's end: 1.0 s of a 1.9-s pass under load,
    bench/RESULTS.md §14b), scaled as _now scales its stage."""
    whole = float((snap.get("shared_s") or {}).get("baseline") or 0.0)
    stage = (snap.get("stage_s") or {}).get("baseline", 0.0)
    return max(whole, stage) * _now(snap, "baseline") / stage if stage > 0 else whole


def _now(snap: dict, stage: str) -> float:
    """A stage's seconds as it would take now: it ran while the class started (every run loading, the next
    training process importing), so its share of a core then against the steps' share now scales it (the training
    process's CPU seconds per stage, stage_cpu_s); as it took where nothing measures them."""
    wall, cpu = snap.get("stage_s") or {}, snap.get("stage_cpu_s") or {}
    if not all(wall.get(name, 0.0) > 0 and cpu.get(name, 0.0) > 0 for name in (stage, "train")):
        return wall.get(stage, 0.0)
    ratio = (cpu[stage] / wall[stage]) / (cpu["train"] / wall["train"])
    return wall[stage] * min(max(ratio, 1 / MAX_CONTENTION), MAX_CONTENTION)


def shared_seconds(snap: dict | None) -> float:
    """The shared untrained work a run did, or will do, that the runs after it read back: its baseline evaluation
    and its per-example pass of the untrained model, as long as they took it (shared_s); a pass still to come, of a
    run that computed its baseline, as long as a pass and the base model's load now. 0.0 for a run that read them
    back."""
    shared = (snap or {}).get("shared_s") or {}
    baseline = float(shared.get("baseline") or 0.0)
    if "untrained" in shared:
        return baseline + float(shared["untrained"] or 0.0)
    return baseline + (_pass_seconds(snap) + UNTRAINED_LOADINGS * _now(snap, "loading") if baseline > 0 else 0.0)


def place(manager: JobManager, classroom: Classroom, run_id: str, now: float | None = None) -> dict:
    """Where a run stands: state, queue position (1 = next; 0 not waiting), estimated seconds until it starts and
    finishes (None: no run of the class to measure from yet), and how many finished runs the estimate is from."""
    now = time.time() if now is None else now
    snap = manager.live_snapshot(run_id)
    if snap is None or snap["state"] in TERMINAL_STATES:
        state = snap["state"] if snap else manager.live_state(run_id) if manager.store.exists(run_id) else "deleted"
        return {"state": state, "position": 0, "start_in_s": 0.0, "finish_in_s": 0.0, "basis": 0, "at": now}
    typical, basis = typical_seconds(manager, classroom)
    start, finish = _simulate(manager, run_id, typical)
    return {"state": snap["state"], "position": snap["queue_position"], "start_in_s": start, "finish_in_s": finish,
            "basis": basis, "at": now}


def _simulate(manager: JobManager, run_id: str, typical: float | None) -> tuple[float | None, float | None]:
    """Seconds until run_id starts and finishes: the pool's workers take the queue in order, each run `typical`."""
    if typical is None:
        return None, None
    free = []
    for active in manager.active_job_ids():
        snap = manager.live_snapshot(active) or {}  # a run doing the class's shared work takes that much longer
        left = max(0.0, typical + shared_seconds(snap) - snap.get("elapsed_s", 0.0))
        if active == run_id:
            return 0.0, float(left)
        free.append(float(left))
    free += [0.0] * max(0, manager.pool.workers - len(free))
    heapq.heapify(free)
    for waiting in manager.queue():
        start = heapq.heappop(free)
        if waiting == run_id:
            return start, start + typical
        heapq.heappush(free, start + typical)
    return None, None
