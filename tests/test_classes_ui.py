"""The class panel's handlers and endpoints, called directly (no server): open, join, start, place, board, CSV."""

from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from core.classes import book as book_mod
from core.jobs import manager as jobs
from core.runs.store import RunStore
from ui.classes import handlers


def _request(session, lang="en"):
    return SimpleNamespace(session_hash=session, headers={"accept-language": lang}, client=SimpleNamespace(host="10.0.0.9"))


@pytest.fixture(scope="module")
def panel():
    from ui.classes.panel import build_class_panel

    with gr.Blocks():
        return build_class_panel()


@pytest.fixture()
def waiting(isolated_settings, monkeypatch):
    """A private server (its user is the teacher) whose jobs wait: no worker takes them."""
    monkeypatch.setattr(jobs, "_manager", jobs.JobManager(RunStore(isolated_settings.runs_dir), max_queue=2, inline=True))
    monkeypatch.setattr(book_mod, "_books", {})
    return jobs.get_manager()


def test_a_class_from_open_to_board_through_the_panel(panel, waiting):
    teacher, ann = _request("teacher"), _request("ann", "zh")
    opened = handlers.open_from_page(panel, "Monday", "quick", ["learning_rate"], 30, teacher)
    class_id = opened[panel.class_state]
    code = book_mod.get_book().get(class_id).code
    assert f"`{code}`" in opened[panel.teacher_md] and "0 of 30 joined" in opened[panel.teacher_md]
    assert "1 run at a time" in opened[panel.pool_md] and opened[panel.timer].active

    joined = handlers.join_from_page(panel, code.lower(), "Ann", ann)
    assert joined[panel.class_state] == class_id and joined[panel.changes_df] == [["learning_rate", 1e-4, 1e-4]]
    assert "Ann" in joined[panel.joined_md] and "没有改" in joined[panel.changed_md]
    table = [["learning_rate", 1e-4, "3e-4"]]  # typed in the table as text
    assert "learning_rate 0.0001 → 0.0003" in handlers.table_changed(panel, table, joined[panel.base_state])[
        panel.changed_md].replace("你改了：", "")
    started = handlers.start_from_page(panel, class_id, table, ann)
    run_id = started[panel.run_state]
    assert "还没有运行训练过" in started[panel.place_md]  # nothing trained yet: no estimate, said in Chinese

    shown = handlers.tick(panel, class_id, run_id, "", ann)
    frame = shown[panel.board_df]
    again = handlers.tick(panel, class_id, run_id, shown[panel.board_state], ann)
    assert panel.metric_plot in shown and panel.metric_plot not in again  # curves unchanged: not drawn again
    assert list(frame.iloc[0])[1:4] == ["Ann", "learning_rate=0.0003", "queued"]
    assert "1 of 30 joined" in handlers.tick(panel, class_id, "", "", teacher)[panel.teacher_md]  # the line follows
    reloaded = handlers.restore_from_page(panel, ann)  # Ann's page reloaded: her class, her run, her change
    assert (reloaded[panel.class_state], reloaded[panel.run_state]) == (class_id, run_id)
    assert reloaded[panel.changes_df] == [["learning_rate", 1e-4, 3e-4]] and reloaded[panel.nick_tb] == "Ann"
    assert "还没有运行训练过" in reloaded[panel.place_md] and reloaded[panel.timer].active
    assert handlers.restore_from_page(panel, teacher)[panel.class_state] == class_id  # the teacher's newest class
    assert "还没有可比较的" in shown[panel.summary_md]
    csv_path = handlers.csv_from_page(panel, class_id, teacher)[panel.csv_file]
    assert open(csv_path, encoding="utf-8").read().splitlines()[1].split(",")[1:4] == ["Ann", "learning_rate=0.0003",
                                                                                      "queued"]
    with pytest.raises(gr.Error, match="only the student|Only the student"):
        handlers.class_place(run_id, _request("bob"))
    answer = handlers.class_board(class_id, teacher)
    assert answer["rows"][0]["nickname"] == "Ann" and answer["place"] is None  # the teacher has no run of their own
    mine = handlers.class_board(class_id, ann, {run_id: 0})
    assert mine["place"]["run_id"] == run_id and mine["place"]["state"] == "queued" and mine["counts"] == {run_id: 0}


def test_the_endpoints_refuse_markup_locked_settings_and_strangers_on_a_public_server(waiting, isolated_settings,
                                                                                       monkeypatch):
    from core import settings as settings_mod

    monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(
        runs_dir=isolated_settings.runs_dir, uploads_dir=isolated_settings.uploads_dir, public=True))
    with pytest.raises(gr.Error, match="Only the server owner"):
        handlers.class_open("Monday", "quick", ["learning_rate"], 30, _request("stranger"))
    classroom = book_mod.get_book().open_class("Monday", "quick", ["learning_rate"], admin=True)
    with pytest.raises(gr.Error, match="no markup") as refused:
        handlers.class_join(classroom.code, '<img src=x onerror="alert(1)">', _request("eve"))
    assert "<img" not in str(refused.value)  # the message quotes the input as text
    handlers.class_join(classroom.code, "Eve", _request("eve"))
    with pytest.raises(gr.Error, match="max_length: fixed by the teacher"):
        handlers.class_start(classroom.class_id, '{"max_length": 512}', _request("eve"))
    with pytest.raises(gr.Error, match="see its board"):
        handlers.class_board(classroom.class_id, _request("mallory"))
    assert book_mod.get_book().get(classroom.class_id).runs == []


def test_the_board_csv_is_one_file_per_class_rewritten_at_each_download(panel, waiting):
    teacher, ann = _request("teacher"), _request("ann")
    class_id = handlers.open_from_page(panel, "Monday", "quick", ["learning_rate"], 30, teacher)[panel.class_state]
    first = handlers.csv_from_page(panel, class_id, teacher)[panel.csv_file]
    handlers.join_from_page(panel, book_mod.get_book().get(class_id).code, "Ann", ann)
    handlers.start_from_page(panel, class_id, [["learning_rate", 1e-4, "3e-4"]], ann)
    again = handlers.csv_from_page(panel, class_id, ann)[panel.csv_file]
    assert again == first and "Ann" in open(again, encoding="utf-8").read()  # the same file, the new board
    assert [p.name for p in Path(again).parent.iterdir()] == ["Monday-board.csv"]
    assert not [p for p in Path(again).parent.parent.iterdir() if p.name.startswith(".build-")]  # nothing left behind


def test_the_teacher_removes_a_student_and_their_queued_run_stops(panel, waiting):
    teacher, mallory = _request("teacher"), _request("mallory")
    opened = handlers.open_from_page(panel, "Monday", "quick", ["learning_rate"], 30, teacher, per_network=3)
    class_id = opened[panel.class_state]
    assert "At most 3 students may join from one network" in opened[panel.teacher_md]
    handlers.join_from_page(panel, book_mod.get_book().get(class_id).code, "Mallory", mallory)
    run_id = handlers.start_from_page(panel, class_id, [], mallory)[panel.run_state]
    assert waiting.live_state(run_id) == "queued"
    removed = handlers.remove_from_page(panel, class_id, "Mallory", teacher)
    assert "0 of 30 joined" in removed[panel.teacher_md] and removed[panel.remove_tb] == ""
    assert waiting.live_state(run_id) == "stopped" and handlers.class_board(class_id, teacher)["rows"] == []
    with pytest.raises(gr.Error, match="removed you"):
        handlers.class_join(book_mod.get_book().get(class_id).code, "Mallory", mallory)
    assert "Mallory" not in str(handlers.tick(panel, class_id, run_id, "", mallory)[panel.board_df])  # no error


def test_a_removed_students_page_stops_asking_on_a_public_server(panel, waiting, isolated_settings, monkeypatch):
    from core import settings as settings_mod

    monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(
        runs_dir=isolated_settings.runs_dir, uploads_dir=isolated_settings.uploads_dir, public=True))
    classroom = book_mod.get_book().open_class("Monday", "quick", ["learning_rate"], admin=True)
    mallory = _request("mallory")
    handlers.class_join(classroom.code, "Mallory", mallory)
    run_id = handlers.class_start(classroom.class_id, "{}", mallory)["run_id"]
    book_mod.get_book().remove_student(classroom.class_id, "Mallory", admin=True)
    ticked = handlers.tick(panel, classroom.class_id, run_id, "", mallory)  # no error every 2 s: her timer stops
    assert ticked[panel.timer].active is False and "join it with its code" in ticked[panel.summary_md]


def test_a_deleted_class_run_leaves_its_student_a_board_and_a_reloaded_page(panel, waiting):
    teacher, ann = _request("teacher"), _request("ann")
    class_id = handlers.open_from_page(panel, "Monday", "quick", ["learning_rate"], 30, teacher)[panel.class_state]
    handlers.join_from_page(panel, book_mod.get_book().get(class_id).code, "Ann", ann)
    run_id = handlers.start_from_page(panel, class_id, [], ann)[panel.run_state]
    waiting.stop(run_id, admin=True)
    waiting.delete(run_id, admin=True)  # her own run, deleted on the Runs tab
    assert handlers.class_board(class_id, ann)["place"]["state"] == "deleted"
    assert panel.board_df in handlers.tick(panel, class_id, run_id, "", ann)
    assert handlers.restore_from_page(panel, ann)[panel.class_state] == class_id


def test_the_teachers_reloaded_page_keeps_the_class_bound_per_network(panel, waiting):
    teacher = _request("teacher")
    handlers.open_from_page(panel, "Monday", "quick", ["learning_rate"], 30, teacher, per_network=2)
    assert handlers.restore_from_page(panel, teacher)[panel.per_network_nb] == 2  # Close / Open again send it back


def test_the_board_charts_are_drawn_in_each_pages_language(panel, waiting):
    teacher, ann = _request("teacher"), _request("ann", lang="zh")
    class_id = handlers.open_from_page(panel, "Monday", "quick", ["learning_rate"], 30, teacher)[panel.class_state]
    handlers.join_from_page(panel, book_mod.get_book().get(class_id).code, "Ann", ann)
    from gradio.context import LocalContext

    drawn = {}
    for name, request in (("en", teacher), ("zh", ann)):  # as Gradio serves each page: its request in the context
        token = LocalContext.request.set(request)
        try:
            drawn[name] = handlers.tick(panel, class_id, "", "", request)[panel.metric_plot].to_json()
        finally:
            LocalContext.request.reset(token)
    assert "no run picked yet" in drawn["en"] and "no run picked yet" not in drawn["zh"]
