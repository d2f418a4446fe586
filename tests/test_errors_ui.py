"""A refused page action is one toast and leaves every widget as it was (issue 26, item 3)."""

import warnings

import gradio as gr
import pytest

from core.messages import UserError
from ui.errors import shows_errors, toasts_errors

from tests.test_train_ui import tabs  # noqa: F401 - the Train/Runs tabs fixture


def _toasts(handler, *args):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        answer = handler(*args)
    return answer, [str(w.message) for w in seen]


def test_a_refusal_is_one_toast_and_no_output_changes():
    @toasts_errors
    def refuse(name):
        raise UserError("No column named {name}: pick one from the list", name=name)

    answer, toasts = _toasts(refuse, "<b>x</b>")
    assert answer == gr.skip()  # Gradio then leaves every output as it was: no red "Error" badge
    assert toasts == ["No column named &lt;b&gt;x&lt;/b&gt;: pick one from the list"]  # once, as text


def test_a_bug_is_one_toast_without_its_text():
    @toasts_errors
    def crash():
        raise KeyError("/srv/secret/path")

    answer, toasts = _toasts(crash)
    assert answer == gr.skip() and len(toasts) == 1 and "secret" not in toasts[0]


def test_an_accepted_action_is_unchanged():
    assert toasts_errors(lambda: {"a": 1})() == {"a": 1}


def test_api_endpoints_still_fail():
    with pytest.raises(gr.Error):  # a client of the API must still receive the error
        shows_errors(lambda: (_ for _ in ()).throw(UserError("Nothing to stop")))()


def test_a_refused_stop_keeps_the_status_line(monkeypatch):
    from ui.train import handlers

    monkeypatch.setattr(handlers, "get_manager", lambda: type("M", (), {"active_job_id": lambda self: None})())
    answer, toasts = _toasts(handlers.stop_from_button, None)
    assert answer == gr.skip() and len(toasts) == 1


def test_a_refused_dataset_load_keeps_the_loaded_sample_on_screen(monkeypatch):
    from ui.datasets.tab import build_datasets_tab

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with gr.Blocks() as demo:
        tab = build_datasets_tab(gr.State())
    by_trigger = {fn.targets[0][0]: fn for fn in demo.fns.values() if fn.targets}
    page, api = by_trigger[tab.load_btn._id], by_trigger[tab.api_load_btn._id]
    assert api.api_name == "load_dataset" and page.api_visibility == "private"
    answer, toasts = _toasts(page.fn, "hub", "imdb", "", "", None, 3, 0)
    assert answer == gr.skip() and len(toasts) == 1  # the page: one toast, the sample stays
    with pytest.raises(gr.Error):  # an API client is told it failed
        api.fn("hub", "imdb", "", "", None, 3, 0)


def test_picking_another_run_clears_the_answers_of_the_one_before():
    from ui.runs.handlers import clear_answers
    from ui.runs.tab import build_runs_tab

    with gr.Blocks():
        tab = build_runs_tab()
    cleared = clear_answers(tab, "some-run")
    assert cleared[tab.tuned_label] is None and cleared[tab.base_label] is None
    assert cleared[tab.predict_md] == cleared[tab.tuned_text] == cleared[tab.base_text] == ""


def test_a_causal_lm_confusion_panel_says_why_once(monkeypatch, tabs):
    from ui.train import live

    monkeypatch.setattr(live, "_without_classes", lambda job_id: True)
    tab = tabs.train
    figure = live.show_results(tab, "lm-run", {})[tab.confusion_plot]
    notes = [a.text for a in figure.layout.annotations]
    assert notes == ["A causal LM has no classes: see its perplexity above and what it writes."]
    assert "no run yet" not in str(figure.layout.title.text or "")


def _events_of(demo, component) -> list:
    return [fn for fn in demo.fns.values() if any(target[0] == component._id for target in fn.targets)]


def test_a_refused_load_start_or_resume_has_nothing_on_screen_to_badge():
    """The Model tab's load, the Tokenizer tab's picker and pad fix, Start and Resume: the event that may refuse
    writes only a hidden State (Gradio badges a failed event's outputs "Error"); the next event shows the answer."""
    from ui.model.tab import build_model_tab
    from ui.state import Selection
    from ui.tokenizer.tab import build_tokenizer_tab
    from ui.train.tab import build_train_tab

    with gr.Blocks() as demo:
        selection = gr.State(Selection())
        model, tokenizer, train = build_model_tab(selection, "hi"), build_tokenizer_tab(selection), \
            build_train_tab(selection)
    for trigger in (model.load_btn, model.model_dd, tokenizer.tokenizer_dd, tokenizer.fix_btn, train.start_btn,
                    train.resume_btn):
        events = [fn for fn in _events_of(demo, trigger) if fn.outputs]
        assert events, trigger
        for fn in events:
            assert all(isinstance(block, gr.State) for block in fn.outputs), (trigger, fn.outputs)
    # typing a model name then clicking Load is one load, not two errors ("Error (2)")
    load, = _events_of(demo, model.load_btn)
    assert _events_of(demo, model.model_dd).count(load) == 1 and load.trigger_mode == "once"


def test_keeps_outputs_stops_the_chain_on_a_refusal_and_shows_an_answer_by_component():
    from ui.errors import keeps_outputs

    def handler(value):
        if value == "bad":
            raise UserError("value: {value!r} is refused - use another", value=value)
        return {shown: value.upper()}

    with gr.Blocks() as demo:
        box, shown, other = gr.Textbox(), gr.Markdown(), gr.Markdown()
        keeps_outputs(box.submit, handler, box, [shown, other])
    compute, = [fn for fn in _events_of(demo, box)]
    with pytest.raises(gr.Error, match="is refused"):  # the chain stops: the answer is never shown
        compute.fn("bad")
    answer = compute.fn("ok")
    assert answer[0] == "OK" and answer[1] == gr.skip()  # what the handler did not name keeps what it showed
