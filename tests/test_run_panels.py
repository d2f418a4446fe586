"""Every panel of the Train and Runs tabs shows the run on screen, or an empty state written for that case: never a
mix of two runs, never a heading over an empty body. Handlers called directly on runs written into a tmp store."""

import pytest

from core.training.config import TrainConfig
from ui import lessons
from ui.i18n import msg
from ui.runs import handlers as runs_actions
from ui.train import live as train_live

from tests.test_train_ui import _request, manager, tabs  # noqa: F401 - fixtures: the tabs, a job manager


def _finished(store, task: str) -> str:
    """A finished run of `task` with a baseline and an evaluation, as the recorder writes them."""
    run_id = store.new_run(TrainConfig(run_name=f"{task}-run", task=task).to_dict(), owner="")
    for step, kind, loss in ((0, "baseline", 5.0), (10, "eval", 3.0)):
        store.append_metric(run_id, {"step": step, "epoch": 1.0, "kind": kind, "time": 1.0, "eval_loss": loss})
    for step in range(1, 11):
        store.append_metric(run_id, {"step": step, "epoch": step / 10, "kind": "train", "time": 1.0,
                                     "loss": 5.0 - step * 0.2, "learning_rate": 1e-4})
    store.update_status(run_id, state="done")
    return run_id


def _visible(update) -> bool:
    return update.get("visible", True) if isinstance(update, dict) else getattr(update, "visible", True)


def test_a_finished_causal_lm_run_says_what_it_teaches_and_that_it_has_no_examples(tabs, manager):
    tab, run_id = tabs.train, _finished(manager.store, "causal_lm")
    shown = train_live.show_results(tab, run_id, {"baseline": {"eval_loss": 5.0}, "final": {"eval_loss": 3.0}},
                                    _request())
    assert shown[tab.diagnosis.findings_md].strip()  # "What this run teaches" has a body
    ex = tab.examples
    assert shown[ex.counts_md] == msg("ex.notask") and "saved model" not in shown[ex.counts_md]
    assert not any(_visible(shown[c]) for c in (ex.filter_radio, ex.cell_dd, ex.table))
    assert not _visible(shown[tab.per_class_df])  # no classes: the per-class table hides, the matrix says why once


def test_a_new_job_clears_every_results_panel_of_the_run_before(tabs, manager):
    tab = tabs.train
    shown = train_live.follow_job(tab, "no-such-job", 7, request=_request())
    assert shown[tab.compare_df].empty and shown[tab.per_class_df]["value"].empty  # no 0.55 of the run before
    assert shown[tab.samples_html] == "" and shown[tab.diagnosis.findings_md] == msg("lessons.empty")
    assert shown[tab.examples.counts_md] == msg("ex.none") and not _visible(shown[tab.examples.table])
    notes = [a.text for a in shown[tab.confusion_plot].layout.annotations]
    assert notes == [msg("train.res.pending")]  # a job is on screen: not "no run yet: press Start"
    lm = train_live.follow_job(tab, _finished(manager.store, "causal_lm"), 7, request=_request())
    assert not _visible(lm[tab.per_class_df]) and msg("train.res.lm") in str(lm[tab.confusion_plot].layout)


def test_the_examples_table_hides_while_it_has_no_rows(tabs):
    assert tabs.train.examples.table.visible is False  # an empty Dataframe is headed "1 2 3"
    empty = lessons.examples_view(tabs.train.examples, None, request=_request())
    assert not _visible(empty[tabs.train.examples.table])


def test_a_live_run_with_nothing_to_flag_says_so(tabs):
    block = tabs.train.diagnosis
    assert lessons.show_findings(block, "job", [], _request(), live=True)[block.findings_md] == msg("lessons.live_none")


@pytest.mark.parametrize("task, classify, write", [("causal_lm", False, True), ("classification", True, False)])
def test_picking_a_run_shows_only_the_try_it_panels_of_its_task(tabs, manager, task, classify, write):
    runs, run_id = tabs.runs, _finished(manager.store, task)
    shown = runs_actions.clear_answers(runs, run_id)
    assert shown[runs.tuned_label] is None and shown[runs.tuned_text] == ""  # no answer of the run before
    assert _visible(shown[runs.classify_col]) is classify and _visible(shown[runs.examples_btn]) is classify
    assert _visible(shown[runs.write.box]) is write
    none = runs_actions.clear_answers(runs, None)
    assert _visible(none[runs.classify_col]) and _visible(none[runs.write.box])


def test_the_runs_tab_examples_of_a_causal_lm_run_say_why_once(tabs, manager):
    runs, run_id = tabs.runs, _finished(manager.store, "causal_lm")
    shown = runs_actions.show_run_lessons(runs, run_id, _request())
    assert shown[runs.examples.counts_md] == msg("ex.notask")
    assert isinstance(shown[runs.diagnosis.findings_md], str) and shown[runs.diagnosis.findings_md]


def test_a_picked_classifier_run_without_a_saved_model_says_why_and_not_when_results_appear(tabs, manager):
    runs, run_id = tabs.runs, _finished(manager.store, "classification")
    manager.store.update_status(run_id, state="stopped")
    counts = runs_actions.show_run_lessons(runs, run_id, _request())[runs.examples.counts_md]
    assert "resume it" in counts and counts != msg("ex.none")


def test_a_finished_run_whose_model_folder_is_gone_says_so_not_that_it_is_still_to_finish(tabs, manager):
    runs, run_id = tabs.runs, _finished(manager.store, "classification")
    counts = runs_actions.show_run_lessons(runs, run_id, _request())[runs.examples.counts_md]
    assert "model folder is gone" in counts and "when it finishes" not in counts
