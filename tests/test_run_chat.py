"""Chat with a run (issue 23): a run's model answers a conversation through its chat template, beside its base, with
bounded decoding that stops at the end-of-turn token; each side keeps its own history; clear refusals."""

import gradio as gr
import pytest

from core.messages import UserError
from core.results import generate as gen
from core.results.chat import chat, check_chat, fit_turns
from core.runs.store import RunStore
from core.training.config import TrainConfig

WHO = [{"role": "user", "content": "Who are you?"}]
GREEDY = gen.Decoding(max_new_tokens=12, greedy=True)


@pytest.fixture(scope="module")
def chat_run(tmp_path_factory, tiny_gpts):
    """A tiny GPT (one block, ChatML) taught by a real SFTTrainer, in 30 steps, to answer "Who are you?" with
    "Studio Tiny." and end its turn; its run config names the untrained tiny GPT as its base."""
    from datasets import Dataset

    from core import settings
    from core.data.source import CHAT
    from core.training.sft import SFTSettings, run_sft

    root = tmp_path_factory.mktemp("run-chat")
    saved = settings._current
    settings._current = settings.Settings(runs_dir=root / "runs", uploads_dir=root / "uploads")
    try:
        gpt = tiny_gpts(128, 500)
        review = [{"role": "user", "content": "Is this review positive or negative? Great room."},
                  {"role": "assistant", "content": "positive"}]
        data = Dataset.from_dict({"messages": [WHO + [{"role": "assistant", "content": "Studio Tiny."}], review] * 8})
        store = RunStore(root / "runs")
        run_id = store.new_run(TrainConfig(task="sft", model=str(gpt), dataset=CHAT, text_column="messages",
                                           label_column="").to_dict())
        run_sft(gpt, data, store.model_dir(run_id), SFTSettings(max_steps=30, batch_size=8, learning_rate=1e-2,
                                                                max_length=64))
        store.write_status(run_id, {"state": "done"})
        yield {"store": store, "run": run_id, "gpt": gpt, "root": root}
    finally:
        settings._current = saved


def test_the_run_answers_and_ends_its_turn_where_its_base_rambles(chat_run):
    out = chat(chat_run["store"], chat_run["run"], WHO, GREEDY)
    assert out["fine_tuned"] == "Studio Tiny." and out["stop"]["fine_tuned"] == "end_of_turn"
    assert out["base"] != out["fine_tuned"] and out["stop"]["base"] != "end_of_turn"  # random weights: no stop learnt
    assert out["dropped_turns"] == {"fine_tuned": 0, "base": 0}
    alone = chat(chat_run["store"], chat_run["run"], WHO, GREEDY, with_base=False)
    assert alone["fine_tuned"] == out["fine_tuned"] and alone["base"] == "" and set(alone["stop"]) == {"fine_tuned"}


def test_each_side_reads_its_own_history_and_old_turns_give_way_to_fit_the_model(chat_run):
    from transformers import AutoTokenizer

    long_turn = "Tell me about the hotel room and the staff and the breakfast. " * 4
    history = [{"role": "system", "content": "Be brief."}]
    for _ in range(3):
        history += [{"role": "user", "content": long_turn}, {"role": "assistant", "content": "positive"}]
    tok = AutoTokenizer.from_pretrained(str(chat_run["gpt"]))
    kept, dropped = fit_turns(tok, history + WHO, 128 - 12)
    assert dropped >= 2 and dropped % 2 == 0 and kept[0]["role"] == "system" and kept[-1] == WHO[0]
    rendered = tok.apply_chat_template(kept, add_generation_prompt=True, return_dict=True)["input_ids"]
    assert len(rendered) <= 116
    out = chat(chat_run["store"], chat_run["run"], history + WHO, GREEDY, base_messages=WHO)
    assert out["dropped_turns"]["fine_tuned"] == dropped and out["dropped_turns"]["base"] == 0
    with pytest.raises(UserError, match="has room for 58 before its answer - shorten it"):
        chat(chat_run["store"], chat_run["run"], [{"role": "user", "content": long_turn * 3}],
             gen.Decoding(max_new_tokens=70, greedy=True))


@pytest.mark.parametrize("messages, fix", [
    ([], "has no turns"),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "end it with your message"),
    ([{"role": "assistant", "content": "Hello"}, {"role": "user", "content": "Hi"}], "turn 1 is assistant where user"),
    ([{"role": "user", "content": "  "}], "has no text"),
    ([{"role": "robot", "content": "Hi"}], "role 'robot' is unknown"),
    ("Who are you?", "has no turns"),
])
def test_a_conversation_a_model_cannot_answer_is_refused_naming_the_fix(messages, fix):
    with pytest.raises(UserError, match=fix):
        check_chat(messages)


def test_a_classifier_a_run_without_a_model_and_a_model_without_a_template_are_refused(chat_run, tiny_model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    store = chat_run["store"]
    classifier = store.new_run(TrainConfig(model=str(tiny_model_dir)).to_dict())
    with pytest.raises(UserError, match="is a classifier, which does not chat"):
        chat(store, classifier, WHO)
    unsaved = store.new_run(TrainConfig(task="causal_lm", model=str(chat_run["gpt"])).to_dict())
    store.write_status(unsaved, {"state": "running"})
    with pytest.raises(UserError, match="has no saved model yet"):
        chat(store, unsaved, WHO)
    bare = store.new_run(TrainConfig(task="causal_lm", model=str(chat_run["gpt"])).to_dict())
    tok = AutoTokenizer.from_pretrained(str(chat_run["gpt"]))
    tok.chat_template = None
    AutoModelForCausalLM.from_pretrained(str(chat_run["gpt"])).save_pretrained(str(store.model_dir(bare)))
    tok.save_pretrained(str(store.model_dir(bare)))
    (store.model_dir(bare) / "chat_template.jinja").unlink(missing_ok=True)
    with pytest.raises(UserError, match="has no chat template, so it cannot lay out a conversation"):
        chat(store, bare, WHO)


@pytest.fixture()
def manager(chat_run, monkeypatch):
    from core.jobs import manager as jobs

    mgr = jobs.JobManager(chat_run["store"], max_queue=2, isolate=False)
    monkeypatch.setattr(jobs, "_manager", mgr)
    return mgr


def _request(session):
    from types import SimpleNamespace

    return SimpleNamespace(session_hash=session, headers={"accept-language": "en"}, client=None)


def test_the_panel_keeps_two_conversations_and_a_new_run_starts_a_new_one(chat_run, manager):
    from ui.runs.chat import build_run_chat, clear_chat, send_chat

    with gr.Blocks():
        panel = build_run_chat(gr.Dropdown())
    run, request = chat_run["run"], _request("alice")
    first = send_chat(panel, run, "Who are you?", [], [], [], [], "", 12, 0.8, True, request)
    assert first[panel.run_state] == WHO + [{"role": "assistant", "content": "Studio Tiny."}]
    assert first[panel.run_bot][-1] == {"role": "assistant", "content": "Studio Tiny."}
    assert first[panel.message_tb] == "" and "end-of-turn token" in first[panel.note_md]
    assert "max_new_tokens" in first[panel.note_md] or "end-of-text" in first[panel.note_md]
    base_said = first[panel.base_bot][-1]["content"]
    assert base_said != "Studio Tiny." and len(first[panel.base_bot]) == 2
    second = send_chat(panel, run, "Who are you?", first[panel.run_state], first[panel.base_state],
                       first[panel.run_bot], first[panel.base_bot], "Be brief.", 12, 0.8, True, request)
    assert len(second[panel.run_bot]) == 4 and len(second[panel.run_state]) == 4
    assert all(turn["role"] != "system" for turn in second[panel.run_state])  # the system turn is re-read each time
    cleared = clear_chat(panel, run)
    assert set(cleared) == set(panel.outputs) and all(value in ([], "") for value in cleared.values())


def test_the_api_refuses_another_visitors_private_run_and_bad_decoding(chat_run, manager):
    from ui.identity import visitor
    from ui.runs.chat import chat_with_run

    store = chat_run["store"]
    config = TrainConfig(task="causal_lm", model=str(chat_run["gpt"])).to_dict()
    private = store.new_run({**config, "dataset": {"kind": "upload", "upload": "up-1", "name": "diary.csv"}},
                            owner=visitor(_request("alice")).owner)
    with pytest.raises(gr.Error, match="another visitor's own data, so only they may chat with it"):
        chat_with_run(private, WHO, request=_request("bob"))
    with pytest.raises(gr.Error, match="max_new_tokens: 1000 must be between 1 and 200"):
        chat_with_run(chat_run["run"], WHO, max_new_tokens=1000, request=_request("bob"))
    with pytest.raises(gr.Error, match="not a run id"):
        chat_with_run("../runs", WHO, request=_request("bob"))
    answered = chat_with_run(chat_run["run"], WHO, max_new_tokens=12, request=_request("bob"))
    assert answered["fine_tuned"] == "Studio Tiny." and set(answered) == {"fine_tuned", "base", "stop",
                                                                            "dropped_turns"}


def _from(session: str, host: str):
    from types import SimpleNamespace

    return SimpleNamespace(session_hash=session, headers={"accept-language": "en"}, client=SimpleNamespace(host=host))


def test_a_stranger_with_many_sessions_gets_one_share_of_chat_answers(chat_run, manager, monkeypatch):
    import threading

    from core.classes import book as book_mod
    from core.guard import CallLimit
    from ui import identity
    from ui.runs import chat as run_chat

    # a public server's limits (tests/test_hostile.py has them through a public server's API; the base model here is
    # a local folder, which a public server refuses to load)
    monkeypatch.setattr(identity, "model_calls", lambda: limit)
    limit = CallLimit(at_once=1, per_minute=3)
    monkeypatch.setattr(book_mod, "_books", {})
    real, entered, release = run_chat.core_chat.chat, threading.Event(), threading.Event()

    def held(*args, **kwargs):  # the first answer takes as long as the test wants
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(run_chat.core_chat, "chat", held)
    first = threading.Thread(target=run_chat.chat_with_run, args=(chat_run["run"], WHO),
                             kwargs={"max_new_tokens": 4, "request": _from("bot0", "203.0.113.5")})
    first.start()
    assert entered.wait(30)
    with pytest.raises(gr.Error, match="already have 1 model call.*MODEL_CALLS_AT_ONCE"):
        run_chat.chat_with_run(chat_run["run"], WHO, max_new_tokens=4, request=_from("bot1", "203.0.113.5"))
    release.set()
    first.join(60)
    for i in (2, 3):  # other sessions of the same address share its minute
        run_chat.chat_with_run(chat_run["run"], WHO, max_new_tokens=4, request=_from(f"bot{i}", "203.0.113.5"))
    with pytest.raises(gr.Error, match=r"in the last minute.*try again in \d+ s"):
        run_chat.chat_with_run(chat_run["run"], WHO, max_new_tokens=4, request=_from("bot4", "203.0.113.5"))
    other = run_chat.chat_with_run(chat_run["run"], WHO, max_new_tokens=12, request=_from("ann", "198.51.100.7"))
    assert other["fine_tuned"] == "Studio Tiny."  # another address is not held up
    classroom = book_mod.get_book().open_class("Lab", "quick", admin=True, per_network=0)
    student = _from("pupil", "203.0.113.5")  # a class behind the stranger's address: its students count on their own
    book_mod.get_book().join(classroom.code, "Pupil", run_chat.visitor(student).owner)
    assert run_chat.chat_with_run(chat_run["run"], WHO, max_new_tokens=12, request=student)["fine_tuned"]


def test_a_long_chat_on_the_page_keeps_its_newest_exchanges_within_the_bounds():
    from core.data.conversations import MAX_CHARS, MAX_TURNS
    from ui.runs import chat_views as view

    history = []
    for i in range(100):
        history = view.next_history(history, f"question {i}", f"answer {i}")
    assert len(history) <= MAX_TURNS and history[-1] == {"role": "assistant", "content": "answer 99"}
    read = view.conversation("Be brief.", history, "question 100")
    assert len(read) <= MAX_TURNS and read[0]["role"] == "system" and read[-1]["content"] == "question 100"
    assert [t["role"] for t in read[1:3]] == ["user", "assistant"]  # whole exchanges were left out
    check_chat(read)  # what the model is sent passes the conversation's checks
    wordy = view.conversation("", [{"role": "user", "content": "x" * 9000}, {"role": "assistant", "content": "y" * 9000},
                                   {"role": "user", "content": "z"}, {"role": "assistant", "content": "w"}], "q" * 3000)
    assert sum(len(t["content"]) for t in wordy) <= MAX_CHARS and [t["content"] for t in wordy] == ["z", "w", "q" * 3000]
    shown = []
    for i in range(100):
        shown = view.shown_turns(shown, f"question {i}", f"answer {i}")
    assert len(shown) == view.MAX_SHOWN and shown[-1]["content"] == "answer 99"
