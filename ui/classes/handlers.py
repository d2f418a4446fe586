"""The class's endpoints (gr.api: class_open, class_close, class_join, class_remove, class_start, class_place,
class_board) and the
panel's handlers, which call them and turn the answer into component updates. core.classes does the work.

Who is who comes from ui.identity: the teacher is an admin session (ADMIN_KEY, or the machine's own user on a private
server); a student is their owner key. Join attempts count against the session's owner key and the client address;
the students one stranger may be in a class count against their address or account (ui.identity's share).
"""

from __future__ import annotations

import json

import gradio as gr

from core.classes import board, places
from core.classes.book import get_book
from core.classes.roster import DEFAULT_PER_NETWORK, Classroom
from core.jobs.manager import get_manager
from core.messages import UserError
from core.ownership import may_change
from ui.classes import views
from ui.errors import shows_errors
from ui.i18n import lang_of
from ui.identity import address_key, visitor
from ui.setting_widgets import TYPES

MAX_CHANGES_TEXT = 4000


# ------------------------------------------------------------ API (JSON in, JSON out)

@shows_errors
def class_open(name: str, preset: str, editable: list[str], size: int = 40, request: gr.Request = None,
               per_network: int = DEFAULT_PER_NETWORK) -> dict:
    """Open a class (the server owner only): its id and the code students type. per_network: how many students may
    join from one address or account (0: any; a school lab behind one address needs the class size)."""
    who = visitor(request)
    if not isinstance(editable, list):
        raise UserError("The changes must be a JSON object of settings such as {example}", example='["learning_rate"]')
    opened = get_book().open_class(name, preset, editable, size, caller=who.owner, admin=who.admin,
                                   per_network=per_network)
    return views.class_json(opened, teacher=True)


@shows_errors
def class_close(class_id: str, is_open: bool = False, request: gr.Request = None,
                per_network: int | None = None) -> dict:
    """Close a class (no joins, no new runs; queued runs keep their place), or open it again (is_open=true);
    per_network, when given, changes how many students may join from one address or account (0: any)."""
    who = visitor(request)
    changed = get_book().set_open(class_id, is_open, caller=who.owner, admin=who.admin, per_network=per_network)
    return views.class_json(changed, teacher=True)


@shows_errors
def class_join(code: str, nickname: str, request: gr.Request = None) -> dict:
    """Join a class with its code and a nickname; the class's base settings and which of them may change."""
    who = visitor(request)
    joined = get_book().join(code, nickname, who.owner, (who.owner, address_key(request)), stranger=who.share)
    return {**views.class_json(joined), "nickname": joined.students[who.owner]}


@shows_errors
def class_remove(class_id: str, nickname: str, request: gr.Request = None) -> dict:
    """Remove a student from a class (the teacher only): their seat is free, their runs leave the board and stop,
    and they may not join again."""
    who = visitor(request)
    runs = get_book().remove_student(class_id, nickname, caller=who.owner, admin=who.admin)
    manager = get_manager()
    for run_id in runs:
        if manager.live_state(run_id) in ("queued", "running"):  # it would hold the class's worker
            manager.stop(run_id, admin=True)
    return {**views.class_json(get_book().get(class_id), teacher=True), "removed_runs": len(runs)}


@shows_errors
def class_start(class_id: str, changes: dict, request: gr.Request = None) -> dict:
    """Start your run in your class with these changes to its base preset; its id and its place."""
    who = visitor(request)
    if isinstance(changes, str):
        changes = _parse_changes(changes)
    run_id = places.start_run(get_book(), get_manager(), class_id, who.owner, changes)
    return {"run_id": run_id, **class_place(run_id, request)}


@shows_errors
def class_place(run_id: str, request: gr.Request = None) -> dict:
    """Where your class run stands: state, queue position, estimated start and finish (seconds from now)."""
    who = visitor(request)
    classroom, run = _class_of_run(run_id)
    if not may_change(run["owner"], who.owner, who.admin):  # the class's record: no status.json read per tick
        raise UserError("Only the student who started this run sees its place in the queue (the board shows it to "
                        "the class)")
    return _place_of(classroom, run_id, request)


def _place_of(classroom: Classroom, run_id: str, request) -> dict:
    found = places.place(get_manager(), classroom, run_id)
    return {**found, "run_id": run_id, "line": views.place_line(found, request)}


@shows_errors
def class_board(class_id: str, request: gr.Request = None, seen: dict | None = None) -> dict:
    """The class board: runs ranked by the evaluation metric, the summary lines, each run's curve points and how many
    it has (counts), and the place of your newest run in the class (as class_place gives it; None before you start
    one), so a page's tick is one call. seen: the counts of your last answer, to get only the points added since (a
    page polling every two seconds then receives a few records, not every run's whole curve)."""
    classroom = _member_class(class_id, request)
    ranked, points = board.rows(get_manager(), classroom)
    counts = {run_id: len(found) for run_id, found in points.items()}
    if isinstance(seen, dict):
        points = {run_id: found[_seen(seen, run_id, len(found)):] for run_id, found in points.items()}
    owner = visitor(request).owner
    mine = [run["run_id"] for run in classroom.runs if owner and run["owner"] == owner]
    return {"class": views.class_json(classroom), "rows": ranked, "summary": views.summary_lines(classroom, ranked,
                                                                                                 request),
            "points": points, "counts": counts, "place": _place_of(classroom, mine[-1], request) if mine else None}


def _seen(seen: dict, run_id: str, have: int) -> int:
    """How many of a run's points the caller has: its count if that is a number up to what the run has (a resumed run
    drops the records past its checkpoint: then all of them again)."""
    count = seen.get(run_id)
    return count if isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= have else 0


def _member_class(class_id: str, request) -> Classroom:
    who = visitor(request)
    classroom = get_book().get(class_id)
    if not (who.admin or who.owner in classroom.students or may_change("", who.owner)):
        raise UserError("Only the class's students and its teacher see its board: join it with its code")
    return classroom


def _class_of_run(run_id: str) -> tuple[Classroom, dict]:
    """The class a run was started in and its entry there (run_id, owner, changes)."""
    for classroom in get_book().classes():
        for run in classroom.runs:
            if run["run_id"] == run_id:
                return classroom, run
    raise UserError("Run {run!r} was not found: pick one from the runs list", run=str(run_id)[:80])


def _parse_changes(text: str) -> dict:
    if len(text) > MAX_CHANGES_TEXT:
        raise UserError("The changes must be a JSON object of settings such as {example}", example='{"learning_rate": 3e-4}')
    try:
        return json.loads(text or "{}")
    except (json.JSONDecodeError, RecursionError) as err:  # a few thousand brackets fit under MAX_CHANGES_TEXT
        raise UserError("The changes must be a JSON object of settings such as {example}",
                        example='{"learning_rate": 3e-4}') from err


def changes_from_table(rows) -> dict:
    """The student's column of the settings table as typed changes (a number typed as text becomes a number)."""
    changes = {}
    for row in rows or []:
        if len(row) < 3 or row[0] not in TYPES:
            continue
        name, value = row[0], row[2]
        kind = TYPES[name]
        if isinstance(value, str) and kind in ("int", "float"):
            try:
                value = float(value) if kind == "float" else int(float(value))
            except ValueError as err:
                raise UserError("{setting}: {value!r} is not a number: type one such as 0.0003", setting=name,
                                value=value[:40]) from err
        elif kind == "bool" and isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "yes", "on")
        changes[name] = value
    return changes


# ------------------------------------------------------------ the panel (components first, dict of updates back)

def open_from_page(panel, name: str, preset: str, editable: list[str], size, request: gr.Request = None,
                   per_network=None) -> dict:
    per_network = DEFAULT_PER_NETWORK if per_network is None else int(per_network)
    info = class_open(name, preset, list(editable or []), int(size or 0), request, per_network)
    return {panel.class_state: info["class_id"], panel.teacher_md: views.class_line(info, request),
            panel.pool_md: views.pool_line(get_manager().pool.reason, request), panel.timer: gr.Timer(active=True)}


def set_open_from_page(panel, class_id: str, is_open: bool, request: gr.Request = None, per_network=None) -> dict:
    if not class_id:
        raise UserError("Class {class_id!r} was not found: join it with its code", class_id="")
    per_network = None if per_network is None else int(per_network)  # the teacher's box, applied with the button
    return {panel.teacher_md: views.class_line(class_close(class_id, is_open, request, per_network), request)}


def remove_from_page(panel, class_id: str, nickname: str, request: gr.Request = None) -> dict:
    if not class_id:
        raise UserError("Class {class_id!r} was not found: join it with its code", class_id="")
    info = class_remove(class_id, nickname, request)
    return {panel.teacher_md: views.class_line(info, request), panel.remove_tb: ""}


def join_from_page(panel, code: str, nickname: str, request: gr.Request = None) -> dict:
    info = class_join(code, nickname, request)
    return {panel.class_state: info["class_id"], panel.base_state: info["base"],
            panel.joined_md: views.joined_line(info, request), panel.changes_df: views.settings_rows(info),
            panel.changed_md: views.changed_line({}, info["base"], request), panel.timer: gr.Timer(active=True)}


def table_changed(panel, rows, base: dict, request: gr.Request = None) -> dict:
    try:
        line = views.changed_line(changes_from_table(rows), base or {}, request)
    except UserError as err:
        line = views.local_text(err, request)
    return {panel.changed_md: line}


def start_from_page(panel, class_id: str, rows, request: gr.Request = None) -> dict:
    if not class_id:
        raise UserError("Join the class with its code and a nickname before starting a run in it")
    started = class_start(class_id, changes_from_table(rows), request)
    return {panel.run_state: started["run_id"], panel.place_md: started["line"]}


def tick(panel, class_id: str, run_id: str, drawn: str = "", request: gr.Request = None) -> dict:
    """The timer: the student's place, the teacher's line (who joined, how many runs) and the board, while a class is
    open on this page; the charts only when their curves changed since this page drew them (drawn: their version),
    so thirty pages ticking every two seconds do not each redraw thirty runs' curves."""
    if not class_id:
        return {panel.summary_md: views.msg_text("class.none", request)}
    try:
        classroom = _member_class(class_id, request)
    except UserError:  # the teacher removed this student, or the server forgot the class: the page stops asking
        return {panel.timer: gr.Timer(active=False), panel.summary_md: views.msg_text("class.not_member", request)}
    out = {}
    if run_id and any(run["run_id"] == run_id for run in classroom.runs):  # (a removed student's run left it)
        out[panel.place_md] = class_place(run_id, request)["line"]
    if _is_teacher(request):
        out[panel.teacher_md] = views.class_line(views.class_json(classroom, teacher=True), request)
    ranked, points = board.rows(get_manager(), classroom)
    version = f"{class_id}-{board.version(ranked, points)}"
    if version != drawn:
        out[panel.metric_plot], out[panel.loss_plot] = views.shared_figures(classroom, ranked, points, version,
                                                                            lang_of(request))
        out[panel.board_state] = version
    return {**out, panel.board_df: views.board_frame(ranked, request),
            panel.summary_md: "\n".join(f"- {line}" for line in views.summary_lines(classroom, ranked, request))}


def csv_from_page(panel, class_id: str, request: gr.Request = None) -> dict:
    classroom = _member_class(class_id, request)
    return {panel.csv_file: views.csv_file(classroom, board.to_csv(board.rows(get_manager(), classroom)[0]))}


def restore_from_page(panel, request: gr.Request = None) -> dict:
    """A reloaded page finds its class again: a student's newest open class and their latest run in it (its place
    and the board follow on the timer), else, for the teacher, their newest open class. Nothing for anyone else."""
    who = visitor(request)
    joined = get_book().class_of(who.owner)
    if joined is not None:
        info = {**views.class_json(joined), "nickname": joined.students[who.owner]}
        mine = [run for run in joined.runs if run["owner"] == who.owner]
        changes = dict(mine[-1]["changes"]) if mine else {}
        out = {panel.class_state: joined.class_id, panel.base_state: info["base"],
               panel.nick_tb: info["nickname"], panel.joined_md: views.joined_line(info, request),
               panel.changes_df: views.settings_rows(info, changes),
               panel.changed_md: views.changed_line(changes, info["base"], request), panel.timer: gr.Timer(active=True)}
        if mine:
            out[panel.run_state] = mine[-1]["run_id"]
            out[panel.place_md] = class_place(mine[-1]["run_id"], request)["line"]
        return out
    taught = next((c for c in get_book().classes() if c.open), None) if _is_teacher(request) else None
    if taught is None:
        return {}
    return {panel.class_state: taught.class_id, panel.timer: gr.Timer(active=True),
            panel.teacher_md: views.class_line(views.class_json(taught, teacher=True), request),
            panel.pool_md: views.pool_line(get_manager().pool.reason, request),
            panel.per_network_nb: taught.per_network}  # Close / Open again send it: it must be the class's own


def _is_teacher(request) -> bool:
    """The server owner: an admin session, or anyone on a private server (the machine's own user)."""
    who = visitor(request)
    return who.admin or may_change("", who.owner)
