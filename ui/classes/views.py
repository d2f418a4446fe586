"""What the class panel shows: the class as JSON and in words, a student's place in words, the board's table,
charts and summary in the visitor's language."""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path

import cachetools
import pandas as pd

from core.classes import board
from core.classes.roster import Classroom
from core.task_registry import task_of
from core.training.presets import PRESETS_BY_KEY
from ui import charts, downloads
from ui.i18n import lang_of, local, msg

BOARD_KEYS = ("rank", "nickname", "changed", "state", "time", "metric")


def class_json(classroom: Classroom, teacher: bool = False) -> dict:
    """A class as the API gives it: the code only to the teacher (students already have it)."""
    base = classroom.base_config().to_dict()
    shown = {"class_id": classroom.class_id, "name": classroom.name, "preset": classroom.preset,
             "editable": list(classroom.editable), "base": {k: base[k] for k in classroom.editable},
             "open": classroom.open, "size": classroom.size, "students": len(classroom.students),
             "runs": len(classroom.runs)}
    return {**shown, "code": classroom.code, "per_network": classroom.per_network} if teacher else shown


def preset_name(key: str, request=None) -> str:
    preset = PRESETS_BY_KEY[key]
    return preset.name_zh if lang_of(request) == "zh" else preset.name


def class_line(info: dict, request=None) -> str:
    """The teacher's view of their class: the code in large type and its numbers."""
    return msg("class.opened", request, code=info["code"], name=_text(info["name"]),
               state=msg("class.state.open" if info["open"] else "class.state.closed", request),
               preset=preset_name(info["preset"], request), editable=", ".join(info["editable"]) or "-",
               students=info["students"], size=info["size"], runs=info["runs"]) + "\n\n" + _per_network(info, request)


def _per_network(info: dict, request=None) -> str:
    """What bounds one stranger in the class, said to the teacher (a school lab behind one address needs more)."""
    if not info.get("per_network"):
        return msg("class.per_network.any", request)
    return msg("class.per_network", request, count=info["per_network"])


def settings_rows(info: dict, changes: dict | None = None) -> list[list]:
    """The student's settings table: setting, the base value, their value (the base, or what they changed)."""
    changes = changes or {}
    return [[name, _cell(value), _cell(changes.get(name, value))] for name, value in info["base"].items()]


def changed_line(changes: dict, base: dict, request=None) -> str:
    changed = {k: v for k, v in changes.items() if k in base and v != base[k]}
    if not changed:
        return msg("class.unchanged", request)
    return msg("class.changed", request, changes=", ".join(f"{k} {base[k]} → {_text(str(v))}" for k, v in changed.items()))


def _duration(seconds: float, request=None) -> str:
    if seconds < 90:
        return msg("class.seconds", request, seconds=int(round(seconds)))
    return msg("class.minutes", request, minutes=round(seconds / 60, 1))


def place_line(found: dict, request=None) -> str:
    """A student's place in words: position, start and finish from the class's finished runs, or why none yet."""
    state = found["state"]
    if state not in ("queued", "running", "stopping"):
        return msg("class.place.ended", request, state=state)
    if found["finish_in_s"] is None:
        return msg("class.place.unknown", request, state=state, position=found["position"])
    basis = msg("class.basis.done", request, count=found["basis"]) if found["basis"] else \
        msg("class.basis.live", request)
    if state == "queued":
        return msg("class.place.queued", request, position=found["position"], start=_duration(found["start_in_s"], request),
                   finish=_duration(found["finish_in_s"], request), basis=basis)
    return msg("class.place.running", request, finish=_duration(found["finish_in_s"], request), basis=basis)


def summary_lines(classroom: Classroom, ranked: list[dict], request=None) -> list[str]:
    return [local(line, request) for line in board.summary(classroom, ranked)]


def board_table(ranked: list[dict]) -> list[list]:
    """One row per run for the board's table (BOARD_KEYS), best first."""
    return [[row["rank"] or "", row["nickname"], ", ".join(f"{k}={v}" for k, v in row["changes"].items()) or "-",
             row["state"], round(float(row["seconds"] or 0.0), 1),
             "" if row["score"] is None else round(row["score"], 4)] for row in ranked]


@cachetools.cached(cachetools.LRUCache(maxsize=64), key=lambda classroom, ranked, points, version, lang: (version, lang),
                   lock=threading.Lock())
def shared_figures(classroom: Classroom, ranked: list[dict], points: dict, version: str, lang: str) -> tuple:
    """board_figures drawn once per version of the class's curves (its id and core.classes.board.version) and
    language (the axes' words are the page's: lang_of the request drawing them) for every page of the class."""
    return board_figures(classroom, ranked, points)


def board_figures(classroom: Classroom, ranked: list[dict], points: dict) -> tuple:
    """The overlay charts: the class's evaluation metric and the training loss, one trace per student's run."""
    metric = task_of(classroom.base_config()).best_metric(classroom.base_config())[0]
    named = {f"{row['nickname']} ({row['run_id'][-4:]})": points.get(row["run_id"], []) for row in ranked}
    return (charts.overlay_figure(named, "eval", metric, metric),
            charts.overlay_figure(named, "train", "loss", "loss"))


def _cell(value) -> str | float | int | bool:
    return value if isinstance(value, (int, float, bool, str)) else str(value)


def _text(text: str) -> str:
    """A name a visitor typed, shown as text in Markdown (nicknames are checked; class names too, but escape anyway)."""
    return html.escape(text, quote=False)


def pool_line(reason: str, request=None) -> str:
    return msg("class.pool", request, reason=local(reason, request))


def joined_line(info: dict, request=None) -> str:
    return msg("class.joined", request, nickname=_text(info["nickname"]), name=_text(info["name"]),
               preset=preset_name(info["preset"], request))


def local_text(err, request=None) -> str:
    return _text(local(err, request))


def msg_text(key: str, request=None) -> str:
    return msg(key, request)


def board_frame(ranked: list[dict], request=None):
    """The board's table with headers in the visitor's language."""
    columns = [msg(f"class.col.{key}", request) if key != "metric" else (ranked[0]["metric"] if ranked else "score")
               for key in BOARD_KEYS]
    return pd.DataFrame(board_table(ranked), columns=columns)


def csv_file(classroom: Classroom, text: str) -> str:
    """The board's CSV as a file to download, named after the class: one file per class, rewritten at each download
    (ui.downloads), so downloads fill no disk."""
    def build(work: Path) -> Path:
        path = work / f"{slug(classroom.name)}-board.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return str(downloads.kept_file(f"board/{classroom.class_id}", build))


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "class"
