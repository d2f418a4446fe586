"""Every visitor is a stranger, and the API is the door: two visitors against a public server.

Visitor A uploads a file and trains; visitor B tries, through gradio_client and through the raw queue protocol the
page uses (which reaches the page's private events too), to run code on the server, read its files or A's data,
plant code in a script, change what is A's, and break the app. Each attempt must be refused with a message naming
the fix, the app must keep serving A, and nothing of A's may be readable or changed.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import time
import uuid
from dataclasses import replace

import httpx
import pytest

from tests.serving import served_app

ADMIN_KEY = "correct-horse-battery-staple-42"
SERVER_TOKEN = "hf_server_owner_secret_token"
HOSTILE = ['x"; import os; os.system("touch /tmp/pwned") #', "a'''b\"\"\"c", "line\nimport os", "back\\slash\\",
           "\u2028os.system('x')", "{__import__('os')}"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app in public mode on loopback, with an admin key and a server HF_TOKEN it must not lend out."""
    root = tmp_path_factory.mktemp("public")
    os.environ["HF_TOKEN"] = SERVER_TOKEN
    try:
        # every visitor here without an address of its own is one stranger (loopback): their many model calls are
        # not what this suite counts (test_many_sessions_of_one_address_share_one_minute_of_model_calls does)
        with served_app(root, stop_jobs=True, public=True, admin_key=ADMIN_KEY, allow_any_stop=False,
                        max_upload_mb=5, model_calls_per_minute=600) as (url, demo):
            yield {"url": url, "demo": demo, "root": root}
    finally:
        os.environ.pop("HF_TOKEN", None)


class Visitor:
    """One visitor: a gradio_client session, and the raw queue protocol on the same session."""

    def __init__(self, server, address: str = ""):
        """address: the client address a proxy on this machine reports (X-Forwarded-For), for strangers elsewhere."""
        from gradio_client import Client

        self.headers = {"X-Forwarded-For": address} if address else {}
        self.server, self.client = server, Client(server["url"], verbose=False, headers=self.headers or None)
        self.session = self.client.session_hash

    def api(self, name: str, *args):
        """("ok", result) or ("error", message) for a public endpoint."""
        try:
            return "ok", self.client.predict(*args, api_name=name)
        except Exception as err:  # noqa: BLE001 - the message is what the test reads
            return "error", str(err)

    def event(self, handler: str, *data):
        """Call a page event by its fn_index, as a raw HTTP client can (private events included)."""
        fn_index = next(i for i, fn in self.server["demo"].fns.items() if getattr(fn.fn, "__name__", "") == handler)
        url = self.server["url"] + "gradio_api/"
        with httpx.Client(timeout=120, headers=self.headers) as http:
            http.post(url + "queue/join", json={"data": list(data), "fn_index": fn_index,
                                                "session_hash": self.session, "event_data": None,
                                                "trigger_id": None}).raise_for_status()
            with http.stream("GET", url + "queue/data", params={"session_hash": self.session}) as stream:
                toast = None  # a page-only refusal is a toast with the outputs left as they were (ui.errors)
                for line in stream.iter_lines():
                    if line.startswith("data:"):
                        message = json.loads(line[5:])
                        if message.get("msg") == "log" and message.get("title") == "Not done":
                            toast = message.get("log")
                        if message.get("msg") == "process_completed":
                            output = message.get("output") or {}
                            if toast is not None:
                                return "error", toast
                            return ("ok", output.get("data")) if message.get("success") else \
                                ("error", str(output.get("error")))
        return "error", "no answer"


def sees_runs(visitor: Visitor) -> Visitor:
    """The page's runs list for this session (Gradio checks a dropdown's value against the choices it was sent)."""
    assert visitor.event("refresh_runs")[0] == "ok"
    return visitor


def loaded_source(out) -> dict:
    """The source load_dataset answers with (its hidden JSON output: outputs are read by kind, not position, so a
    panel added to the tab's outputs moves nothing here)."""
    return next(item for item in out if isinstance(item, dict) and "kind" in item)


def refused(outcome, *words):
    kind, message = outcome
    assert kind == "error", f"accepted: {message!r}"
    for word in words:
        assert word.lower() in message.lower(), message
    return message


@pytest.fixture(scope="module")
def visitors(server, tmp_path_factory):
    """A has uploaded a file and started a long run (it trains while B attacks); B is a stranger."""
    from gradio_client import handle_file

    ann, bob = Visitor(server), Visitor(server)
    folder = tmp_path_factory.mktemp("ann")
    secret = folder / "ann_private_notes.csv"
    secret.write_text("text,label\n" + "".join(f"ann secret row {i},{'pos' if i % 2 else 'neg'}\n" for i in range(40)))
    kind, out = ann.api("/load_dataset", "file", "", "", "", handle_file(str(secret)), 3, 0)
    assert kind == "ok", out
    source = loaded_source(out)  # the loaded source: the uploader, and only they, learn their upload's id
    assert source["kind"] == "upload" and source["upload"].startswith("up-")
    manager = importlib.import_module("core.jobs.manager").get_manager()
    config = {"run_name": "ann run", "max_train_samples": 32, "max_eval_samples": 16, "max_steps": 400,
              "max_length": 32, "batch_size": 8, "eval_strategy": "no", "logging_steps": 1, "evaluate_before": False,
              "dataset": source, "eval_split": ""}
    # a run that fails on A's data first (its reason quotes A's class names), then a long one B can attack
    kind, failing = ann.api("/start_training", json.dumps({**config, "run_name": "ann fails", "num_labels": 3}))
    assert kind == "ok", failing
    kind, status = ann.api("/start_training", json.dumps(config))
    assert kind == "ok", status
    return {"ann": ann, "bob": bob, "upload": source["upload"], "file_name": secret.name, "run": status["job_id"],
            "failing": failing["job_id"], "manager": manager}


def still_serves(visitor):
    kind, out = visitor.api("/load_dataset", "sample", "", "", "", None, 3, 0)
    assert kind == "ok" and "embedded/reviews" in out[0]


# ------------------------------------------------------------------ 1. running code on the server

@pytest.mark.parametrize("change, words", [
    ({"trust_remote_code": True}, ["trust_remote_code", "turn it off"]),
    ({"model": "/tmp"}, ["not a Hub id"]),
    ({"model": "."}, ["not a Hub id"]),
    ({"model": "../../etc"}, ["not a Hub id"]),
    ({"model": "~/models"}, ["not a Hub id"]),
])
def test_no_code_or_local_model_from_a_visitor(visitors, change, words):
    refused(visitors["bob"].api("/start_training", json.dumps({"max_steps": 1, **change})), *words)
    refused(visitors["bob"].api("/step_through", json.dumps(change)), *words)


def test_a_server_folder_named_as_a_hub_id_reads_like_any_unknown_id(visitors):
    """'core' and 'tests' are folders where the server runs; an attacker must not learn that."""
    bob = visitors["bob"]
    real = refused(bob.api("/start_training", json.dumps({"max_steps": 1, "model": "core"})))
    made_up = refused(bob.api("/start_training", json.dumps({"max_steps": 1, "model": "nosuchthing"})))
    assert real.replace("core", "X") == made_up.replace("nosuchthing", "X")
    real = refused(bob.api("/tokenize", "hi", "", "tests", {}, False, False))
    made_up = refused(bob.api("/tokenize", "hi", "", "nosuchthing", {}, False, False))
    assert real.replace("tests", "X") == made_up.replace("nosuchthing", "X")


@pytest.mark.parametrize("tokenizer", ["/etc", "/tmp/", "../core", "runs/../../etc"])
def test_no_local_folder_as_a_tokenizer(visitors, tokenizer):
    refused(visitors["bob"].api("/tokenize", "hi", "", tokenizer, {}, False, False), "not a Hub id")


def test_a_file_outside_gradios_uploads_cannot_be_handed_in(visitors):
    outcome = visitors["bob"].event("load_dataset", "file", "", "", "", {"path": "/etc/passwd", "meta":
                                    {"_type": "gradio.FileData"}, "orig_name": "passwd.csv"}, 3, 0)
    assert outcome[0] == "error" and "root:" not in outcome[1]


def test_an_uploaded_script_is_never_loaded(visitors, tmp_path):
    from gradio_client import handle_file

    script = tmp_path / "model.py"
    script.write_text("import os\nos.system('touch /tmp/pwned')\n")
    # Gradio checks the type of a file handed to the upload component; ours checks it again before reading
    refused(visitors["bob"].api("/load_dataset", "file", "", "", "", handle_file(str(script)), 3, 0), ".csv")


# ------------------------------------------------------------------ 2. reading files on the server

@pytest.mark.parametrize("source", [{"kind": "file", "path": "/etc/passwd"}, {"kind": "disk", "path": "/"},
                                    {"kind": "file", "path": "README.md"}])
def test_no_server_path_as_a_dataset(visitors, source):
    bob = visitors["bob"]
    refused(bob.api("/token_length_stats", "", None, source, "train", None), "never a path on the server")
    refused(bob.api("/train_bpe_tokenizer", "stolen", 500, source, "train", None), "never a path on the server")
    refused(bob.api("/start_training", json.dumps({"dataset": source, "max_steps": 1})), "never a path on the server")
    refused(bob.api("/step_through", json.dumps({"dataset": source})), "never a path on the server")


@pytest.mark.parametrize("source, words", [
    ({"kind": "hub", "name": "../../etc/passwd"}, ["not a Hub id"]),
    ({"kind": "upload", "upload": "../../etc/passwd"}, ["not an upload id"]),
    ({"kind": "sample", "pth": "/etc/passwd"}, ["unknown setting 'pth'", "did you mean 'path'"]),
    ({"kind": "ftp", "name": "x"}, ["Unknown dataset source kind"]),
    ({"kind": "hub", "name": "imdb", "split": "train; rm -rf /"}, ["characters a dataset name never has"]),
    ("not an object", ["expected an object"]),
])
def test_malformed_dataset_sources_are_refused(visitors, source, words):
    refused(visitors["bob"].api("/token_length_stats", "", None, source, "train", None), *words)


# ------------------------------------------------------------------ 3. another visitor's data

def test_nothing_lists_or_exports_where_a_visitors_upload_lives(visitors, server):
    bob, run = visitors["bob"], visitors["run"]
    answers = [bob.api("/list_runs")[1], bob.api("/training_status", run)[1], bob.api("/export_code", run, 2)[1]]
    text = json.dumps(answers)
    for secret in (visitors["upload"], visitors["file_name"], str(server["root"]), "ann secret row"):
        assert secret not in text
    assert not any(row["yours"] for row in answers[0])
    assert [row["dataset"] for row in answers[0] if row["run_id"] == run] == ["upload"]
    assert "owner" not in text


def test_a_visitors_upload_id_is_useless_to_another(visitors):
    bob, source = visitors["bob"], {"kind": "upload", "upload": visitors["upload"], "name": "x.csv"}
    message = refused(bob.api("/token_length_stats", "", None, source, "train", None), "was not found")
    assert "ann secret" not in message
    refused(bob.api("/start_training", json.dumps({"dataset": source, "max_steps": 1})), "was not found")
    refused(bob.api("/step_through", json.dumps({"dataset": source})), "was not found")
    refused(bob.api("/train_bpe_tokenizer", "bobs", 500, source, "train", None), "was not found")
    ann = visitors["ann"].api("/token_length_stats", "", None, source, "train", None)
    assert ann[0] == "ok" and ann[1]["rows"] == 40  # its owner still reads it


# ------------------------------------------------------------------ 4. code planted in scripts others run

def _shape(script: str) -> str:
    """The script's syntax tree with every constant blanked: equal shapes mean no statement came from input."""
    tree = ast.parse(script)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            node.value = None
    return ast.dump(tree)


@pytest.mark.parametrize("form", ["trainer", "loop", "accelerate"])
def test_hostile_names_stay_literals_in_exported_scripts(form):
    from core.results.export_forms import generate
    from core.training.config import TrainConfig

    def script(text):
        return generate(TrainConfig(model=f"owner/{'m' if text == 'x' else 'n'}", text_column=text,
                                           text_pair_column=text + "2", label_column=text + "3",
                                           train_split="train", eval_split="",
                                           dataset={"kind": "hub", "name": "imdb", "config": "plain"}), form)

    benign = _shape(script("x"))
    for text in HOSTILE:
        exported = script(text)
        assert _shape(exported) == benign, text
        assert "pwned" not in exported.replace(repr(HOSTILE[0])[1:-1], "")  # only inside the quoted literal


def test_a_hostile_config_through_the_api_exports_an_inert_script(visitors):
    bob = visitors["bob"]
    config = {"max_steps": 1, "text_column": HOSTILE[0], "text_pair_column": HOSTILE[1],
              "label_column": HOSTILE[2]}
    kind, status = bob.api("/start_training", json.dumps(config))
    assert kind == "ok", status  # accepted: column names are the data's business; it fails at data preparation
    for form in ("trainer", "loop", "accelerate"):
        exported = bob.api("/export_code", status["job_id"], 2, form)[1]["script"]
        statements = {type(node).__name__ for node in ast.parse(exported).body}
        assert statements <= {"Expr", "Import", "ImportFrom", "Assign", "AugAssign", "If", "FunctionDef", "For",
                              "While"}
        calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                 for node in ast.walk(ast.parse(exported)) if isinstance(node, ast.Call)}
        assert "system" not in calls and "__import__" not in calls
    visitors["manager"].stop(status["job_id"], admin=True)


@pytest.mark.parametrize("name", ['demo"""; import os', "run\nname", "<img src=x onerror=alert(1)>", "a" * 65])
def test_run_names_have_a_limited_character_set(visitors, name):
    message = refused(visitors["bob"].api("/start_training", json.dumps({"run_name": name, "max_steps": 1})),
                      "run_name", "letters, digits")
    assert "<img" not in message  # shown as text: the markup arrives escaped


# ------------------------------------------------------------------ 5. changing what is not yours

def test_only_the_owner_stops_resumes_deletes_and_pushes(visitors, server):
    ann, bob, run, manager = visitors["ann"], visitors["bob"], visitors["run"], visitors["manager"]
    deadline = time.monotonic() + 180
    while manager.active_job_id() != run and time.monotonic() < deadline:  # A's run trains (after B's queued ones)
        manager.wait(run, 0.2)
    refused(bob.api("/stop_training", run), "Only the visitor who started this run can stop it")
    refused(bob.api("/stop_training", ""), "Only the visitor")  # the running job, named by default
    refused(sees_runs(bob).event("delete_run", run, True), "can delete it")
    refused(bob.event("push_run", run, "bob/stolen", "hf_bob"), "can push it")
    assert ann.api("/stop_training", run)[0] == "ok"
    assert manager.wait(run, 180) in {"stopped", "done"}
    refused(bob.api("/resume_training", run), "can resume it")
    refused(bob.event("delete_run", run, True), "can delete it")
    assert manager.store.exists(run) and manager.store.read_status(run)["owner"]


def test_a_wrong_admin_key_gives_nothing_and_the_right_one_everything(server, visitors):
    carol, run, manager = sees_runs(Visitor(server)), visitors["run"], visitors["manager"]
    assert "not the admin key" in carol.event("sign_in_admin", "guess")[1][0]
    refused(carol.event("delete_run", run, True), "can delete it")
    assert "Admin" in carol.event("sign_in_admin", ADMIN_KEY)[1][0]
    manager.wait(run, 180)
    assert carol.event("delete_run", run, True)[0] == "ok"
    assert not manager.store.exists(run)


def test_the_servers_token_never_pushes_for_a_visitor(visitors):
    from types import SimpleNamespace

    from core.training.config import TrainConfig
    from ui.identity import visitor

    bob, manager = visitors["bob"], visitors["manager"]
    run = manager.start(TrainConfig(max_steps=1), owner=visitor(SimpleNamespace(session_hash=bob.session)).owner)
    manager.stop(run, admin=True)
    manager.wait(run, 180)
    message = refused(sees_runs(bob).event("push_run", run, "bob/model", ""), "Sign in with Hugging Face or paste a write token")
    assert SERVER_TOKEN not in message


def test_a_tokenizer_name_belongs_to_who_trained_it_first(visitors):
    ann, bob = visitors["ann"], visitors["bob"]
    assert ann.api("/train_bpe_tokenizer", "anns-bpe", 500, None, "train", None)[0] == "ok"
    refused(bob.api("/train_bpe_tokenizer", "anns-bpe", 500, None, "train", None), "trained by another visitor")
    assert bob.api("/tokenize", "hello", "", "trained/anns-bpe", {}, False, False)[0] == "ok"  # reading is fine


def _raw_call(server, name: str, *data):
    """POST /gradio_api/call/<name> with no session, then read the answer: what curl would do."""
    with httpx.Client(timeout=120) as http:
        event = http.post(server["url"] + f"gradio_api/call/{name}", json={"data": list(data)}).json()["event_id"]
        body = http.get(server["url"] + f"gradio_api/call/{name}/{event}").text
    kind = "error" if "event: error" in body else "ok"
    return kind, body.split("data:")[-1].strip()


def test_a_raw_caller_without_a_session_cannot_change_a_run_later(server):
    kind, body = _raw_call(server, "start_training", json.dumps({"max_steps": 1}))
    assert kind == "ok", body
    run = json.loads(body)[0]["job_id"]
    manager = importlib.import_module("core.jobs.manager").get_manager()
    assert manager.owner_of(run)  # Gradio gives each session-less call a session of its own: an owner nobody has
    assert _raw_call(server, "stop_training", run)[0] == "error"
    manager.stop(run, admin=True)


# ------------------------------------------------------------------ 6. breaking the app for others

@pytest.mark.parametrize("config, words", [
    ("[1, 2]", ["JSON object"]), ("42", ["JSON object"]), ("{not json", ["not valid JSON"]),
    (json.dumps({"num_train_epoch": 3}), ["did you mean 'num_train_epochs'"]),
    (json.dumps({"learning_rte": 1e-4}), ["did you mean 'learning_rate'"]),
    (json.dumps({"max_length": 10**9}), ["max_length"]), (json.dumps({"seed": -1}), ["seed"]),
    (json.dumps({"batch_size": "lots"}), ["batch_size"]), (json.dumps({"learning_rate": None}), ["learning_rate"]),
    (json.dumps({"metrics": ["bleu"]}), ["metrics"]), (json.dumps({"dataset": []}), ["expected an object"]),
])
def test_bad_configs_are_named_and_the_app_keeps_serving(visitors, config, words):
    refused(visitors["bob"].api("/start_training", config), *words)
    still_serves(visitors["ann"])


# deeply nested JSON: refused on the raw text before json.loads recurses (it answered RecursionError and logged a
# traceback), by every endpoint that reads a config
NESTED_CONFIGS = {"objects": '{"a": ' * 20000 + "1" + "}" * 20000, "arrays": "[" * 100_000 + "]" * 100_000}


@pytest.mark.parametrize("endpoint", ["/start_training", "/estimate_training", "/step_through"])
@pytest.mark.parametrize("shape", sorted(NESTED_CONFIGS))
def test_deeply_nested_config_json_is_refused_naming_the_fix(visitors, endpoint, shape):
    extra = (False,) if endpoint == "/estimate_training" else ()  # measure_step
    kind, answer = visitors["bob"].api(endpoint, NESTED_CONFIGS[shape], *extra)
    assert kind == "error" and "levels deep" in answer and "RecursionError" not in answer, answer
    still_serves(visitors["ann"])


@pytest.mark.parametrize("args, words", [
    (("hi", "", "", "not an object", False, False), ["expected an object"]),
    (("hi", "", "", {"paddin": "longest"}, False, False), ["did you mean 'padding'"]),
    (("hi", "", "", {"max_length": 10**9}, False, False), ["8,192"]),
    ((12345, "", "", {}, False, False), ["must be text"]),
    (("x" * 2_000_001, "", "", {}, False, False), ["over the 2,000,000 limit"]),
])
def test_bad_tokenizer_calls_are_named(visitors, args, words):
    refused(visitors["bob"].api("/tokenize", *args), *words)


def test_a_seed_of_minus_one_is_named(visitors):
    refused(visitors["bob"].api("/sample_rows", 5, -1), "seed", "from 0")


def test_a_very_wide_csv_is_refused_fast(visitors, tmp_path):
    from gradio_client import handle_file

    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(3000)) + "\n" + ",".join("x" for _ in range(3000)) + "\n")
    start = time.monotonic()
    refused(visitors["bob"].api("/load_dataset", "file", "", "", "", handle_file(str(wide)), 3, 0), "3,000 columns")
    assert time.monotonic() - start < 30
    still_serves(visitors["ann"])


@pytest.mark.parametrize("name", ["..csv", "a" * 150 + ".csv", "résumé données.CSV"])
def test_valid_csv_files_with_odd_names_load(visitors, tmp_path, name):
    from gradio_client import handle_file

    path = tmp_path / name
    path.write_text("text,label\nlovely,pos\nawful,neg\nfine,pos\n")
    kind, out = visitors["bob"].api("/load_dataset", "file", "", "", "", handle_file(str(path)), 3, 0)
    assert kind == "ok", out
    assert "3 rows" in out[0] and str(path.parent) not in out[0]


def test_a_changed_file_uploaded_again_shows_its_new_rows(visitors, tmp_path):
    from gradio_client import handle_file

    path = tmp_path / "same.csv"
    bob = visitors["bob"]
    path.write_text("text,label\nfirst version,pos\nfirst again,neg\n")
    bob.api("/load_dataset", "file", "", "", "", handle_file(str(path)), 2, 0)
    path.write_text("text,label\nsecond version,pos\nsecond again,neg\n")
    bob.api("/load_dataset", "file", "", "", "", handle_file(str(path)), 2, 0)
    rows = bob.api("/sample_rows", 2, 0)[1]["data"]
    assert all("second" in " ".join(map(str, row)) for row in rows)


def test_a_trained_tokenizer_answer_has_nothing_to_download(visitors):
    kind, out = visitors["bob"].api("/train_bpe_tokenizer", f"bob-{uuid.uuid4().hex[:6]}", 500, None, "train", None)
    assert kind == "ok" and "path" not in out and out["name"].startswith("trained/bob-")


def test_markup_in_an_error_comes_back_as_text(visitors):
    message = refused(visitors["bob"].api("/tokenize", "hi", "", "<img src=x onerror=alert(1)>", {}, False, False))
    assert "<img" not in message and "&lt;img" in message


def test_a_damaged_run_folder_does_not_break_the_runs_list(visitors, server):
    manager = visitors["manager"]
    run = manager.store.new_run({"run_name": "damaged"}, owner="nobody")
    status = manager.store.path(run) / "status.json"
    status.write_text(json.dumps({"state": None, "created": None, "step": "three", "best_metric": "high"}))
    kind, rows = visitors["bob"].api("/list_runs")
    assert kind == "ok" and run in [r["run_id"] for r in rows]
    still_serves(visitors["ann"])


# ------------------------------------------------------------------ found by a red-team probe

def test_visitors_hub_requests_carry_no_server_token(monkeypatch):
    """Without ALLOW_SERVER_TOKEN a public server sends no token of its own with the Hub requests visitors cause."""
    from huggingface_hub import constants
    from huggingface_hub.utils import build_hf_headers

    from core import sources

    monkeypatch.setenv("HF_TOKEN", SERVER_TOKEN)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", False)
    monkeypatch.delenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", raising=False)
    assert SERVER_TOKEN in build_hf_headers().get("authorization", "")  # what happened before
    sources.keep_server_token_private()
    assert "authorization" not in build_hf_headers()
    assert SERVER_TOKEN in build_hf_headers(token=SERVER_TOKEN)["authorization"]  # a visitor's own, explicit token
    assert os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] == "1"  # the training process inherits it


def test_a_public_server_works_in_an_empty_folder(monkeypatch):
    from core import sources

    monkeypatch.chdir(os.getcwd())  # restored after the test
    folder = sources.work_in_empty_folder()
    assert os.getcwd() == str(folder) and not any(folder.iterdir())


@pytest.mark.parametrize("name, words", [("csv", ["is a file format"]), ("parquet", ["is a file format"]),
                                         ("core", ["needs the Hugging Face Hub"]),
                                         ("tests", ["needs the Hugging Face Hub"])])
def test_hub_dataset_names_never_read_the_servers_folder(visitors, name, words):
    refused(visitors["bob"].api("/token_length_stats", "", None, {"kind": "hub", "name": name}, "train", None), *words)


def test_a_tokenizer_trained_on_an_upload_is_its_owners_alone(visitors):
    ann, bob, source = visitors["ann"], visitors["bob"], {"kind": "upload", "upload": visitors["upload"]}
    assert ann.api("/train_bpe_tokenizer", "anns-private", 300, source, "train", ["text"])[0] == "ok"
    assert ann.api("/tokenize", "ann secret row", "", "trained/anns-private", {}, False, False)[0] == "ok"
    refused(bob.api("/tokenize", "ann secret row", "", "trained/anns-private", {}, False, False), "No trained tokenizer")
    refused(bob.api("/describe_tokenizer", "trained/anns-private"), "No trained tokenizer")


def test_another_visitors_failure_reason_is_withheld(visitors):
    ann, bob, failing, manager = visitors["ann"], visitors["bob"], visitors["failing"], visitors["manager"]
    assert manager.wait(failing, 180) == "failed"
    theirs = bob.api("/training_status", failing)[1]
    assert theirs["state"] == "failed" and "shown to the visitor who started" in theirs["error"]
    assert "neg" not in theirs["error"]
    assert "num_labels: 3" in ann.api("/training_status", failing)[1]["error"]


def test_the_script_zip_carries_no_upload_id_and_the_model_stays_with_its_owner(visitors):
    import zipfile

    ann, bob, run = sees_runs(visitors["ann"]), sees_runs(visitors["bob"]), visitors["failing"]
    for form in ("trainer", "loop", "accelerate"):  # even its owner's zip names no server id or her file
        kind, out = ann.event("download_script", run, form)
        assert kind == "ok", out
        with zipfile.ZipFile(out[0]["path"]) as archive:
            config = json.loads(archive.read("config.json"))
            text = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".py"))
        assert config["dataset"]["kind"] == "file" and config["dataset"]["path"] == "data.csv"
        for secret in (visitors["upload"], visitors["file_name"]):
            assert secret not in json.dumps(config) and secret not in text
    refused(bob.event("download_script", run, "trainer"), "another visitor's own data")  # its settings are hers
    refused(bob.event("download_model", run), "another visitor's own data")


def test_one_visitor_cannot_fill_the_queue(server, visitors):
    dave, manager = Visitor(server), visitors["manager"]
    started = [dave.api("/start_training", json.dumps({"max_steps": 1}))[1]["job_id"] for _ in range(2)]
    refused(dave.api("/start_training", json.dumps({"max_steps": 1})), "MAX_JOBS_PER_VISITOR")
    for run in started:
        manager.stop(run, admin=True)


@pytest.mark.parametrize("name, args, words", [
    ("/describe_tokenizer", (123,), ["must be a name"]),
    ("/tokenize", ("hi", "", ["gpt2"], {}, False, False), ["must be a name"]),
    ("/resume_training", ([1],), ["not a run id"]),
    ("/training_status", ("run\n",), ["not a run id"]),
    ("/export_code", ("any-run", "x"), ["num_processes"]),
    ("/export_code", ("any-run", 10**12), ["num_processes"]),
    ("/export_code", ("any-run", 2, "keras"), ["form", "trainer, loop, accelerate"]),
    ("/step_through", ("[1, 2]",), ["JSON object"]),
    ("/step_through", (json.dumps({"batch_size": "all"}),), ["batch_size"]),
    ("/token_length_stats", ("", None, {"kind": "upload", "upload": "up-" + "0" * 24 + "\n"}, "train", None),
     ["not an upload id"]),
])
def test_wrong_types_get_a_message_naming_the_fix(visitors, name, args, words):
    refused(visitors["bob"].api(name, *args), *words)


def test_answers_name_no_server_path(visitors, server):
    bob = visitors["bob"]
    text = json.dumps([bob.api("/tokenize", "hi", "", "", {}, False, False)[1],
                       bob.api("/describe_tokenizer", "")[1], bob.api("/describe_tokenizer", "trained/anns-bpe")[1],
                       bob.api("/predict", visitors["failing"], "hello")])
    for path in ("site-packages", str(server["root"]), os.getcwd()):
        assert path not in text
    assert bob.api("/token_length_stats", "", None, None, "train", "text")[1]["columns"] == ["text"]


def test_a_wide_json_lines_file_is_refused_fast(visitors, tmp_path):
    from gradio_client import handle_file

    wide = tmp_path / "wide.jsonl"
    wide.write_text("\n".join(json.dumps({f"k{i}": 1 for i in range(30_000)}) for _ in range(3)))
    start = time.monotonic()
    refused(visitors["bob"].api("/load_dataset", "file", "", "", "", handle_file(str(wide)), 3, 0), "30,000 columns")
    assert time.monotonic() - start < 30



def test_a_visitor_steps_through_within_the_servers_bounds(visitors):
    bob = visitors["bob"]
    runs_before = {row["run_id"] for row in bob.api("/list_runs")[1]}
    kind, answer = bob.api("/step_through", json.dumps({"batch_size": 4096, "max_length": 512,
                                                        "max_train_samples": 0, "learning_rate": 1e-4}))
    assert kind == "ok", answer
    assert answer["stages"]["batch"]["shapes"]["input_ids"][0] == 32  # bounded, with a note saying so
    assert any("batch_size 4096 lowered to 32" in note for note in answer["notes"])
    assert answer["stages"]["batch"]["shapes"]["input_ids"][1] <= 256 and answer["rows"] <= 2000
    assert {row["run_id"] for row in bob.api("/list_runs")[1]} <= runs_before  # no run, no folder: nothing kept
    still_serves(bob)


# ------------------------------------------------------------------ what a run teaches (per-example results, diagnosis)

@pytest.fixture(scope="module")
def anns_finished_run(visitors):
    """A run of A's that learned from A's upload and finished with a saved model."""
    ann, manager = visitors["ann"], visitors["manager"]
    for earlier in (visitors["run"], visitors["failing"]):  # A may have two runs at once: end those (run alone)
        if manager.store.exists(earlier):
            manager.stop(earlier, admin=True)
            manager.wait(earlier, 180)
    config = {"run_name": "ann lesson", "max_train_samples": 32, "max_eval_samples": 8, "max_steps": 2,
              "max_length": 32, "batch_size": 8, "eval_strategy": "no", "logging_steps": 1,
              "dataset": {"kind": "upload", "upload": visitors["upload"], "name": "x.csv"}, "eval_split": ""}
    kind, status = ann.api("/start_training", json.dumps(config))
    assert kind == "ok", status
    assert manager.wait(status["job_id"], 300) == "done"
    return status["job_id"]


def test_per_example_texts_of_an_upload_stay_with_their_owner(visitors, anns_finished_run):
    ann, bob, run = visitors["ann"], visitors["bob"], anns_finished_run
    kind, mine = ann.api("/run_examples", run, "all", "", 50)
    assert kind == "ok" and mine["rows"] and "ann secret row" in json.dumps(mine)
    kind, theirs = bob.api("/run_examples", run, "all", "", 50)
    assert kind == "ok" and theirs["texts_withheld"] is True and theirs["counts"] == mine["counts"]
    text = json.dumps(theirs)
    assert "ann secret" not in text and not theirs["rows"] and not theirs["labels"]
    kind, cell = bob.api("/run_examples", run, "all", "neg -> pos", 50)  # a cell names nothing it could learn from
    assert kind == "ok" and not cell["rows"]
    kind, findings = bob.api("/diagnose_run", run)
    assert kind == "ok" and "ann secret" not in json.dumps(findings)
    assert "majority_class" not in [f["kind"] for f in findings]  # that finding names the classes: the owner's


@pytest.mark.parametrize("args, words", [
    (("all", "", 10**9), ["limit", "from 0 to 200"]), (("all", "", -1), ["limit"]), (("all", "", "9"), ["limit"]),
    (("everything", "", 5), ["filter", "choose one of those"]), ((["all"], "", 5), ["filter"]),
    (("all", "../../etc -> passwd", 5), ["not a cell of the confusion matrix"]),
])
def test_bad_example_requests_are_named(visitors, anns_finished_run, args, words):
    refused(visitors["ann"].api("/run_examples", anns_finished_run, *args), *words)


@pytest.mark.parametrize("name, args", [("/run_examples", ("../runs", "all", "", 5)), ("/diagnose_run", ("x/../y",)),
                                        ("/diagnose_run", (["run"],))])
def test_lessons_of_no_run_are_refused(visitors, name, args):
    refused(visitors["bob"].api(name, *args), "not a run id")


def test_try_again_cannot_copy_another_visitors_upload_run(visitors, anns_finished_run):
    from core.messages import UserError
    from ui import lessons
    from ui.identity import visitor

    bob, run = visitors["bob"], anns_finished_run
    request = type("Request", (), {"session_hash": bob.session, "headers": {}})()
    assert visitor(request).owner  # Bob's session, as the server knows it
    with pytest.raises(UserError, match="only they may train it again"):
        lessons.retry_config({"run_id": run, "change": {"seed": 7}}, request)
    outcome = bob.event("fill_from_retry", {"run_id": run, "change": {"seed": 7}})  # the page's own event, raw
    assert outcome[0] == "error" and visitors["upload"] not in outcome[1]


# ------------------------------------------------------------------ the Model tab's endpoints

@pytest.mark.parametrize("model", ["/etc", "../core", "~/models", "/tmp/"])
def test_no_local_folder_as_a_model_to_describe_or_run(visitors, model):
    bob = visitors["bob"]
    refused(bob.api("/describe_model", model), "not a Hub id")
    refused(bob.api("/model_outputs", model, "hi", "", None), "not a Hub id")
    refused(bob.api("/estimate_training", json.dumps({"model": model}), False), "not a Hub id")


def test_a_server_folder_named_as_a_model_reads_like_any_unknown_id(visitors):
    bob = visitors["bob"]
    real = refused(bob.api("/describe_model", "core"))
    made_up = refused(bob.api("/describe_model", "nosuchthing"))
    assert real.replace("core", "X") == made_up.replace("nosuchthing", "X")


def test_a_model_over_the_servers_size_limit_is_refused(visitors):
    from core import settings as settings_mod

    before = settings_mod.get_settings()
    settings_mod.set_settings(replace(before, max_inspect_params=1_000_000))  # MiniLM has 22.7 M
    try:
        message = refused(visitors["bob"].api("/model_outputs", "", "a text nobody asked before", "", None),
                          "MAX_INSPECT_PARAMS", "pick a smaller model")
        assert "22.7 M" in message
        refused(visitors["bob"].api("/estimate_training", json.dumps({"train_mode": "head"}), True), "MAX_INSPECT_PARAMS")
    finally:
        settings_mod.set_settings(before)
    assert visitors["bob"].api("/describe_model", "")[0] == "ok"  # describing loads no weights: any size is fine


@pytest.mark.parametrize("args, words", [
    (("", 12345, "", None), ["must be text"]), (("", "hi", "", "negative"), ["class names"]),
    (("", "hi", "", ["a", "a"]), ["different class names"]), (("", "x" * 5000, "", None), ["5,000 characters"]),
    (("", "hi", ["[MASK]"], None), ["must be text"]),
])
def test_bad_model_outputs_calls_are_named(visitors, args, words):
    refused(visitors["bob"].api("/model_outputs", *args), *words)
    still_serves(visitors["ann"])


@pytest.mark.parametrize("config, words", [
    ({"train_mode": "lora", "lora_target_modules": ["value\nimport os"]}, ["lora_target_modules", "letters"]),
    ({"train_mode": "lora", "lora_target_modules": ["attention_out"]}, ["is not a linear layer"]),
    ({"train_mode": "last_n_layers", "train_last_layers": 99}, ["more than the 6 blocks"]),
    ({"lora_r": -4}, ["lora_r"]), ({"train_mode": "everything"}, ["train_mode"]),
    ({"dataset": {"kind": "file", "path": "/etc/passwd"}}, ["never a path on the server"]),
    ({"trust_remote_code": True}, ["trust_remote_code", "turn it off"]),
])
def test_bad_what_to_train_settings_are_refused_before_anything_runs(visitors, config, words):
    bob = visitors["bob"]
    refused(bob.api("/estimate_training", json.dumps(config), False), *words)
    refused(bob.api("/start_training", json.dumps({"max_steps": 1, **config})), *words)


def test_a_hostile_lora_config_exports_an_inert_script():
    from core.results.export_script import generate_script
    from core.training.config import TrainConfig

    def shape(name):
        return _shape(generate_script(TrainConfig(train_mode="lora", lora_target_modules=[name, "value"],
                                                  text_column=name)))

    benign = shape("query")
    for text in ("query.x", "a_b.c.d", "q" * 90):  # the names the config accepts stay one literal each
        assert shape(text) == benign


def test_model_answers_name_no_server_path(visitors, server):
    bob = visitors["bob"]
    text = json.dumps([bob.api("/describe_model", "")[1], bob.api("/model_outputs", "", "hi", "a [MASK]", None)[1],
                       bob.api("/estimate_training", json.dumps({"train_mode": "lora"}), False)[1]])
    assert "BertModel" in text and "last_hidden_state" in text and "74,498" in text
    for path in ("site-packages", str(server["root"]), os.getcwd()):
        assert path not in text


# ------------------------------------------------------------------ strangers at scale (issue 22): what others see

ANNA_MARK = "ANNA-PRIVATE-1"


@pytest.fixture(scope="module")
def annas_private_lm(server, visitors):
    """A causal LM run of a third visitor, Anna, trained on her upload: her marker is in its texts, its prompt, the
    rows it keeps (only_value) and so in what it writes. Bob must find it nowhere."""
    from gradio_client import handle_file

    from core import sources
    from core.model.tiny_gpt import build_tiny_gpt

    build_tiny_gpt(sources.tiny_gpt_path(), shape={"n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": 64},
                   vocab_size=300)
    anna, manager = Visitor(server), visitors["manager"]
    if manager.store.exists(visitors["run"]):  # A's long run would hold the worker: end it (tests run alone too)
        manager.stop(visitors["run"], admin=True)
    diary = server["root"] / "anna_diary.csv"
    diary.write_text("text,label\n" + "".join(f"{ANNA_MARK} dear diary line {i},{ANNA_MARK}-keep\n" for i in range(60)))
    kind, out = anna.api("/load_dataset", "file", "", "", "", handle_file(str(diary)), 3, 0)
    assert kind == "ok", out
    config = {"task": "causal_lm", "model": sources.TINY_GPT, "dataset": loaded_source(out), "eval_split": "", "run_name": "diary",
              "max_train_samples": 40, "max_eval_samples": 8, "max_steps": 2, "block_size": 16, "batch_size": 4,
              "eval_strategy": "steps", "eval_steps": 2, "logging_steps": 1, "sample_prompts": [ANNA_MARK],
              "only_column": "label", "only_value": f"{ANNA_MARK}-keep"}
    kind, status = anna.api("/start_training", json.dumps(config))
    assert kind == "ok", status
    assert manager.wait(status["job_id"], 300) == "done"
    return {"anna": anna, "run": status["job_id"], "upload": loaded_source(out)}


def _flat(value, depth: int = 0) -> str:
    """Everything an answer carries, as text (component updates, figures and tables included)."""
    import gradio as gr
    import pandas as pd
    import plotly.graph_objects as go

    if depth > 8:
        return ""
    if isinstance(value, pd.DataFrame):
        return value.to_json()
    if isinstance(value, go.Figure):
        return value.to_json()
    if isinstance(value, dict):
        return " ".join(_flat(k, depth + 1) + " " + _flat(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return " ".join(_flat(v, depth + 1) for v in value)
    if isinstance(value, gr.blocks.Block):  # a component or its update
        return " ".join(f"{k} {_flat(v, depth + 1)}" for k, v in value.get_config().items())
    return str(value)


def _named_calls(run: str, upload: dict) -> dict:
    """Every named endpoint, called by a stranger with Anna's run, her upload or her model wherever it takes one."""
    lm = {"task": "causal_lm", "model": f"run:{run}", "dataset": upload}
    return {
        "/load_dataset": ("sample", "", "", "", None, 3, 0), "/sample_rows": (3, 0),
        "/tokenize": ("hello", "", "", {}, False, False), "/describe_tokenizer": ("",),
        "/token_length_stats": ("", None, upload, "train", None),
        "/train_bpe_tokenizer": ("bobs-bpe", 300, upload, "train", ["text"]),
        "/compare_tokenizers": ("hello", "", ""), "/describe_model": (f"run:{run}",),
        "/model_outputs": (f"run:{run}",), "/estimate_training": (json.dumps(lm), False),
        "/step_through": (json.dumps(lm),), "/start_training": (json.dumps(lm),),
        "/training_status": (run,), "/stop_training": (run,), "/resume_training": (run,), "/list_runs": (),
        "/predict": (run, "hello"), "/generate_text": (run, "dear"), "/export_code": (run, 2, "trainer"),
        "/diagnose_run": (run,), "/run_examples": (run, "all", "", 50),
        "/chat_tokens": (f"run:{run}", [{"role": "user", "content": "hello"}]),
        "/chat_with_run": (run, [{"role": "user", "content": "hello"}]),
        # a class shows its members' runs only; Anna's run is in none, and Bob joined none
        "/class_open": ("bobs class", "quick-demo", [], 40), "/class_close": ("nope", False),
        "/class_join": ("ZZZZZZ", "bob"), "/class_remove": ("nope", "bob"), "/class_start": ("nope", "{}"),
        "/class_place": (run,),
        "/class_board": ("nope",),
    }


def test_no_endpoint_shows_a_stranger_what_a_run_learned_from_anothers_upload(server, visitors, annas_private_lm):
    anna, bob, run = annas_private_lm["anna"], visitors["bob"], annas_private_lm["run"]
    mine = anna.api("/training_status", run)[1]  # the owner sees her samples: the marker is there to leak
    assert ANNA_MARK in json.dumps(mine["samples"])
    calls = _named_calls(run, annas_private_lm["upload"])
    assert set(calls) == set(server["demo"].get_api_info()["named_endpoints"]), "a new endpoint: add it here"
    for name, args in calls.items():
        kind, answer = bob.api(name, *args)
        assert ANNA_MARK not in _flat(answer), (name, answer)
    theirs = bob.api("/training_status", run)[1]  # counts and curves are everyone's
    assert theirs["state"] == "done" and theirs["step"] == mine["step"] == 2 and theirs["samples"] == []
    assert theirs["final"] == mine["final"]


# The page's own events, each by the handler the app wired (its tab bound in), as Bob's session: those that show a
# run are called with Anna's; every other handler is named here as one that shows none, so a new one is not missed.
RUN_VIEWS = {
    "refresh_live": lambda run: (run, 0, 0.0, False, "step"), "redraw": lambda run: (run, 0.0, False, "step"),
    "show_run_lessons": lambda run: (run,), "show_examples_now": lambda run: (run,),
    "show_examples": lambda run: (run, "all", ""), "show_code": lambda run: (run, 2, "trainer"),
    "download_script": lambda run: (run, None, "trainer"), "download_model": lambda run: (run,),
    "generate_from_ui": lambda run: (run, "ANNA", 20, 0.8, 50, 0.95, False), "send_chat": lambda run: (run, "ANNA", [], [], [], [], "", 20, 0.8, True),
    "predict_from_ui": lambda run: (run, "hi", ""),
    "refresh_runs": lambda run: (), "fill_from_retry": lambda run: ({"run_id": run, "change": {"seed": 7}},),
    "stop_from_button": lambda run: (run,), "resume_from_button": lambda run: (run,),
    "run_on_zero_gpu": lambda run: (run,), "pick_fix": lambda run: ([{"run_id": run, "change": {"seed": 7}}], 0),
    "follow_job": lambda run: (run, 0, 0.0, False, "step"), "class_place": lambda run: (run,),
    "tick": lambda run: ("nope", run),
}
SHOWS_NO_RUN = {None, "<lambda>", "attach", "clear_answers", "change_view", "choose_tokenizer", "apply_pad_fix", "tokenize_text",
                "tokenize_rows", "length_stats", "use_recommended", "train_tokenizer", "compare_tokenizers",
                "show_model", "run_heads", "show_estimate", "show_stage", "start_again", "apply_preset",
                "suggest_train_mode", "show_config", "estimate_from_form", "measure_from_form", "start_from_form",
                "initial_load", "page_words", "show_train_tab", "sign_in_admin", "sample_rows", "load_dataset",
                "step_through_api", "start_training", "stop_training", "resume_training", "training_status",
                "list_runs", "predict", "generate_text", "export_code", "diagnose_run", "run_examples",
                "push_run", "delete_run", "compare_view", "chat_tokens", "show_chat",
                "chat_with_run", "clear_chat", "sampled_chats", "shown", "class_open", "class_close", "class_join",
                "class_start", "class_board", "open_from_page", "set_open_from_page", "join_from_page",
                "table_changed", "start_from_page", "csv_from_page", "class_remove", "remove_from_page",
                "restore_from_page"} | {f"api_{n}" for n in (
                    "compare_tokenizers", "describe_model", "describe_tokenizer", "estimate_training",
                    "model_outputs", "token_length_stats", "tokenize", "train_bpe_tokenizer")}


def test_no_page_event_shows_a_stranger_what_a_run_learned_from_anothers_upload(server, visitors, annas_private_lm):
    from ui.identity import visitor

    run, fns = annas_private_lm["run"], server["demo"].fns.values()
    names = {getattr(fn.fn, "__name__", None) for fn in fns}
    assert names == set(RUN_VIEWS) | SHOWS_NO_RUN, "a new page event: add it to RUN_VIEWS or SHOWS_NO_RUN"
    request = type("Request", (), {"session_hash": visitors["bob"].session, "headers": {}, "client": None})()
    assert visitor(request).owner and not visitor(request).admin
    for name, args in RUN_VIEWS.items():
        handler = next(fn.fn for fn in fns if getattr(fn.fn, "__name__", None) == name)
        args = args(run)
        try:
            if name == "download_script":
                answer = handler(args[0], request, args[2])
            elif name in ("run_on_zero_gpu", "pick_fix"):
                answer = handler(*args)
            else:
                answer = handler(*args, request=request)
        except Exception as err:  # noqa: BLE001 - a refusal is fine; what it says is what the test reads
            answer = str(err)
        assert ANNA_MARK not in _flat(answer), (name, answer)
        if name == "download_script" and isinstance(answer, str) and answer.endswith(".zip"):
            raise AssertionError("a stranger downloaded the script of a run on another visitor's upload")
    compare = next(fn.fn for fn in fns if getattr(fn.fn, "__name__", None) == "compare_view")
    assert ANNA_MARK not in _flat(compare([run, visitors["failing"]], "step", request=request))  # the settings table


def test_many_sessions_of_one_address_are_one_stranger_and_wait_their_turn(server, visitors):
    manager, config = visitors["manager"], json.dumps({"max_steps": 1, "run_name": "stranger"})
    strangers = [Visitor(server, address="203.0.113.50") for _ in range(4)]
    outcomes = [s.api("/start_training", config) for s in strangers for _ in range(2)]
    started = [out["job_id"] for kind, out in outcomes if kind == "ok"]
    try:
        assert len(started) == 4  # MAX_JOBS_PER_ADDRESS, however many sessions
        refused(outcomes[-1], "MAX_JOBS_PER_ADDRESS")
        student = Visitor(server, address="198.51.100.20")
        kind, status = student.api("/start_training", json.dumps({"max_steps": 1, "run_name": "student"}))
        assert kind == "ok", status
        started.append(status["job_id"])
        waiting = [job for job in manager.queue() if job in started]
        assert waiting.index(status["job_id"]) <= 1  # at most one of the stranger's goes first
    finally:
        for run in started:
            manager.stop(run, admin=True)


def test_guessing_the_admin_key_is_slowed_then_locked_out(server, visitors):
    guesser = [Visitor(server, address="203.0.113.7") for _ in range(3)]  # three sessions of one address
    start = time.monotonic()
    answers = [guesser[i % 3].event("sign_in_admin", f"guess-{i}")[1][0] for i in range(30)]
    checked = sum("not the admin key" in answer for answer in answers)
    assert checked <= 3 + int(time.monotonic() - start)  # a few checked, then one a second at most
    assert sum("wait" in answer for answer in answers) == len(answers) - checked  # every other guess told to wait
    for i in range(8):  # a right key in a locked window is unread: tried with seconds of the window left (a checked
        said = guesser[0].event("sign_in_admin", f"more-{i}")[1][0]  # wrong guess doubles it), however slow the box
        left = int(re.search(r"wait (\d+) s", said).group(1)) if "wait" in said else 0
        if left >= 5:
            break
        time.sleep(left)
    assert left >= 5, said
    assert "wait" in guesser[0].event("sign_in_admin", ADMIN_KEY)[1][0]
    other = Visitor(server, address="198.51.100.9")  # another address is not held up by this one
    assert "Admin" in other.event("sign_in_admin", ADMIN_KEY)[1][0]


def test_strangers_cannot_fill_the_disk_with_uploads(server, visitors, tmp_path):
    from gradio_client import handle_file

    from core import settings as settings_mod

    before = settings_mod.get_settings()
    settings_mod.set_settings(replace(before, max_uploads_total_mb=2))  # MAX_UPLOADS_TOTAL_MB, small for the test
    try:
        sources = []
        for i in range(8):  # eight fresh sessions, 400 KB each: 3.2 MB asked for
            csv = tmp_path / f"fill{i}.csv"
            csv.write_text("text,label\n" + "".join(f"{'x' * 390} {i} {n},1\n" for n in range(1000)))
            stranger = Visitor(server, address="203.0.113.60")
            kind, out = stranger.api("/load_dataset", "file", "", "", "", handle_file(str(csv)), 3, 0)
            assert kind == "ok", out
            sources.append((stranger, loaded_source(out)))
        folder = before.uploads_dir
        kept = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        assert kept <= 2 * 2**20 + 2**20, kept  # the cap, and at most what queued jobs hold beyond it
        refused(sources[0][0].api("/token_length_stats", "", None, sources[0][1], "train", None), "upload the file again")
        assert sources[-1][0].api("/token_length_stats", "", None, sources[-1][1], "train", None)[0] == "ok"
    finally:
        settings_mod.set_settings(before)


def test_the_raw_upload_route_is_bounded_per_address(server):
    url = server["url"] + "gradio_api/upload"
    with httpx.Client(timeout=60, headers={"X-Forwarded-For": "203.0.113.70"}) as http:
        codes = [http.post(url, files={"files": ("a.csv", b"text\nx\n")}).status_code for _ in range(121)]
        assert codes[:120] == [200] * 120 and codes[120] == 429  # UPLOADS_PER_HOUR
    with httpx.Client(timeout=60, headers={"X-Forwarded-For": "198.51.100.71"}) as http:
        assert http.post(url, files={"files": ("a.csv", b"text\nx\n")}).status_code == 200


# ------------------------------------------------------------------ causal language models (issue 14)

@pytest.mark.parametrize("config, words", [
    ({"task": "causal_lm", "block_size": 0}, ["block_size", "outside"]),
    ({"task": "causal_lm", "block_size": 10**6}, ["block_size"]),
    ({"task": "causal_lm"}, ["not trained to write text", "causal_lm"]),  # the embedded MiniLM is an encoder
    ({"task": "causal_lm", "sample_prompts": ["x" * 5000]}, ["sample_prompts"]),
    ({"task": "causal_lm", "model": "run:../../etc"}, ["not found among your runs"]),
])
def test_bad_causal_lm_configs_are_named(visitors, config, words):
    refused(visitors["bob"].api("/start_training", json.dumps(config)), *words)


# ------------------------------------------------------------------ sft (issue 23): refused before the run queues

CHAT_SET = {"kind": "sample", "name": "chat"}
TINY_GPT = "embedded/tiny-gpt"  # core.sources.TINY_GPT, built on first use


@pytest.mark.parametrize("config, words", [
    ({"task": "sft"}, ["not trained to write text", "so sft cannot"]),  # the embedded MiniLM is an encoder
    ({"task": "sft", "model": TINY_GPT, "sft_loss": "answers"}, ["sft_loss", "not one of"]),
    ({"task": "sft", "model": TINY_GPT, "chat_template": "{{ evil }}"}, ["chat_template", "not one of"]),
    ({"task": "sft", "model": TINY_GPT, "dataset": {"kind": "sample", "name": "../../etc"}},
     ["not an embedded sample"]),
    ({"task": "sft", "model": TINY_GPT, "max_length": 64}, ["is not a conversation"]),  # reviews: text, label
    ({"task": "sft", "model": TINY_GPT, "dataset": CHAT_SET, "max_length": 8}, ["cuts every answer"]),
])
def test_bad_sft_configs_are_named(visitors, config, words):
    refused(visitors["bob"].api("/start_training", json.dumps(config)), *words)


def test_another_visitors_run_is_no_model_to_continue_from(visitors, anns_finished_run):
    config = {"task": "causal_lm", "model": f"run:{anns_finished_run}"}
    message = refused(visitors["bob"].api("/start_training", json.dumps(config)), "not found among your runs")
    assert visitors["upload"] not in message


@pytest.mark.parametrize("args, words", [
    (("hi", 10**6), ["max_new_tokens", "between 1 and 200"]),
    (("hi", 40, 0), ["temperature"]),
    (("x" * 5000,), ["keep it under 1000"]),
    (("",), ["Type a prompt"]),
])
def test_bad_generation_requests_are_named(visitors, anns_finished_run, args, words):
    refused(visitors["ann"].api("/generate_text", anns_finished_run, *args), *words)


def test_a_classifier_does_not_write_and_an_upload_run_writes_for_its_owner_only(visitors, anns_finished_run):
    refused(visitors["ann"].api("/generate_text", anns_finished_run, "The hotel"), "is a classifier")
    refused(visitors["bob"].api("/generate_text", anns_finished_run, "The hotel"), "another visitor's upload")
    refused(visitors["bob"].api("/generate_text", "../runs", "The hotel"), "not a run id")


# ------------------------------------------------------------------ strangers at scale: bounded model work (issue 22)
# Every request that runs a model checks its memory estimate against what one request may take (MAX_REQUEST_MB,
# 80% of what is free) and the public bounds before it runs; the timed step runs in a child with RLIMIT_AS and a
# time limit (core.jobs.bounded). The server here runs in a child process in an address-space limit, so a
# regression shows as a refused request or a dead server, never as a dead test run.

SERVER_MEMORY_LIMIT = 6 * 2**30  # the container: the 4096 x 512 step killed a server of this size
OVERSIZED = {"batch_size": 4096, "max_length": 512, "max_train_samples": 64, "learning_rate": 1e-4}


def _peak_rss(pid: int) -> int:
    """A process's high-water mark of resident memory (VmHWM), in bytes."""
    from pathlib import Path

    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.fixture(scope="module")
def bounded_server(tmp_path_factory):
    """`python app.py` in public mode in its own process, its address space capped; MAX_REQUEST_MB 200 (MiniLM
    needs more than that for anything but its description), so every refusal here is fast."""
    import subprocess
    import sys
    from pathlib import Path

    resource = pytest.importorskip("resource")
    if not Path("/proc/self/status").exists():
        pytest.skip("reads the server's memory from /proc (Linux)")
    from tests.serving import free_port

    root, port = tmp_path_factory.mktemp("bounded"), free_port()
    env = {**os.environ, "PUBLIC_MODE": "1", "RUNS_DIR": str(root / "runs"), "UPLOADS_DIR": str(root / "uploads"),
           "MAX_REQUEST_MB": "200", "OMP_NUM_THREADS": "1"}
    log = open(root / "server.log", "w")  # noqa: SIM115 - closed below

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (SERVER_MEMORY_LIMIT, SERVER_MEMORY_LIMIT))

    app_py = Path(__file__).resolve().parent.parent / "app.py"
    proc = subprocess.Popen([sys.executable, str(app_py), "--port", str(port), "--offline"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, preexec_fn=cap)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        assert proc.poll() is None, (root / "server.log").read_text()[-3000:]
        yield {"url": url, "proc": proc, "demo": None, "start_rss": _peak_rss(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_an_oversized_timed_step_is_refused_before_it_runs(bounded_server):
    stranger, start = Visitor(bounded_server), time.monotonic()
    message = refused(stranger.api("/estimate_training", json.dumps(OVERSIZED), True), "One timed training step",
                      "MAX_REQUEST_MB", "pick a smaller model")  # even one row: MiniLM's AdamW state alone is more
    assert time.monotonic() - start < 60 and bounded_server["proc"].poll() is None
    kind, plan = stranger.api("/estimate_training", json.dumps(OVERSIZED), False)  # the arithmetic alone runs nothing
    assert kind == "ok" and plan["bytes"]["total"] > 2**40 and "step" not in plan, plan
    assert "GiB" in message  # the need and the budget, in numbers


@pytest.mark.parametrize("name, args, words", [
    ("/step_through", (json.dumps(OVERSIZED),), ["Stepping through", "MAX_REQUEST_MB"]),
    ("/model_outputs", ("", "a text the heads never saw", "", None), ["MAX_REQUEST_MB", "pick a smaller model"]),
])
def test_model_work_over_a_requests_memory_is_refused(bounded_server, name, args, words):
    refused(Visitor(bounded_server).api(name, *args), *words)
    assert bounded_server["proc"].poll() is None


def test_the_bounded_server_stayed_small_and_still_describes_models(bounded_server):
    stranger = Visitor(bounded_server)
    assert stranger.api("/describe_model", "")[0] == "ok"  # a description loads no weights: it costs no memory
    for _ in range(3):  # a stranger asking again and again
        refused(stranger.api("/estimate_training", json.dumps(OVERSIZED), True), "MAX_REQUEST_MB")
    grown = _peak_rss(bounded_server["proc"].pid) - bounded_server["start_rss"]
    assert bounded_server["proc"].poll() is None and grown < 600 * 2**20, f"the server grew by {grown / 2**20:.0f} MiB"


def test_a_try_it_over_a_requests_memory_is_refused(visitors, anns_finished_run):
    from core import settings as settings_mod

    before = settings_mod.get_settings()
    settings_mod.set_settings(replace(before, max_request_mb=1))
    try:
        refused(visitors["ann"].api("/predict", anns_finished_run, "a review", ""), "Trying this run",
                "MAX_REQUEST_MB")
    finally:
        settings_mod.set_settings(before)
    assert visitors["ann"].api("/predict", anns_finished_run, "a review", "")[0] == "ok"


def test_public_defaults_keep_a_run_to_minutes(monkeypatch):
    from core.settings import PUBLIC_DEFAULTS, Settings

    for name in ("MAX_STEPS", "MAX_TRAIN_SAMPLES", "MAX_REQUEST_MB"):
        monkeypatch.delenv(name, raising=False)
    public = Settings(public=True)
    assert (public.max_steps, public.max_train_samples, public.max_request_mb) == (500, 5000, 4096)
    assert replace(Settings(public=False), public=True).max_steps == PUBLIC_DEFAULTS["max_steps"]  # --host 0.0.0.0
    assert Settings(public=False).max_steps == 0 and public.train_rows(0) == 5000
    monkeypatch.setenv("MAX_STEPS", "0")  # the owner's own choice, "no cap", wins
    assert Settings(public=True).max_steps == 0


def _allocate(n_bytes: int) -> int:
    return len(bytearray(n_bytes))


def _refuse() -> None:
    from core.messages import UserError

    raise UserError("Model {model!r} could not be loaded ({error}): check the name, e.g. bert-base-cased, gpt2 or the "
                    "embedded model", model="x", error="{braces}")


def test_a_bounded_child_that_runs_out_of_memory_costs_the_child():
    from core.jobs import bounded
    from core.messages import UserError

    assert bounded.run_bounded(_allocate, (10 * 2**20,), work_bytes=0) == 10 * 2**20
    with pytest.raises(UserError, match="ran out of the memory.*lower batch_size") as caught:
        bounded.run_bounded(_allocate, (bounded.address_limit(0) + 2**30,), work_bytes=0, fix="lower batch_size")
    assert caught.value.fields["fix"] == "lower batch_size"
    with pytest.raises(UserError, match="REQUEST_TIMEOUT_S") as caught:
        bounded.run_bounded(time.sleep, (60,), work_bytes=0, timeout_s=3)
    with pytest.raises(UserError, match="could not be loaded") as caught:  # the child's refusal, still translatable
        bounded.run_bounded(_refuse, work_bytes=0)
    assert caught.value.template.startswith("Model {model!r}") and caught.value.fields["error"] == "{braces}"


def test_the_timed_step_is_lowered_on_a_public_server_and_scaled_back():
    from core.jobs.request_work import lowered
    from core.model.estimate import step_summary
    from core.training.config import TrainConfig

    config = TrainConfig(**OVERSIZED)
    stepped, notes = lowered(config, public=True)
    assert (stepped.batch_size, stepped.max_length) == (32, 256) and len(notes) == 2
    assert lowered(config, public=False)[0] is config
    timing = {"step_s": 0.5, "device": "cpu", "batch_size": 32, "length": 256, "positions": 512}
    step = step_summary(config, timing, notes=notes)
    assert step["measured_s"] == 0.5 and step["step_s"] == pytest.approx(0.5 * 128 * 2)
    assert "lowered to 32" in step["summary"] and "scaled in proportion" in step["summary"]


def test_a_step_that_does_not_fit_names_the_batch_that_would(monkeypatch):
    from core.model import estimate
    from core.training.config import TrainConfig

    config = TrainConfig(batch_size=32, max_length=256)
    need = estimate.estimate(config, "fp32")["bytes"]
    monkeypatch.setattr(estimate, "request_budget", lambda: (need["total"] - need["activations"] // 2, "MAX_REQUEST_MB"))
    with pytest.raises(ValueError, match="lower batch_size to 16 or less"):
        estimate.check_step_fits(config, "fp32", "One timed training step")
    estimate.check_step_fits(TrainConfig(batch_size=16, max_length=256), "fp32", "One timed training step")


def test_one_real_timed_step_runs_in_a_bounded_child(monkeypatch):
    import psutil

    from core import settings as settings_mod
    from core.jobs import request_work
    from core.training.config import TrainConfig

    monkeypatch.setattr(settings_mod, "_current", replace(settings_mod.get_settings(), public=True))
    before = {child.pid for child in psutil.Process().children()}
    step = request_work.timed_step(TrainConfig(batch_size=2, max_length=16, max_train_samples=8, max_steps=4))
    assert step["step_s"] > 0 and step["planned_steps"] == 4 and step["device"] == "cpu" and not step["notes"]
    assert {child.pid for child in psutil.Process().children()} <= before  # the child has gone


def test_the_try_it_caches_keep_a_bounded_weight_of_models():
    import torch
    from cachetools import LRUCache

    from core.model import estimate

    def model(n_params: int):
        return torch.nn.Linear(n_params, 1, bias=False, device="meta")  # shapes only: no memory

    cache = LRUCache(maxsize=estimate.CACHED_MODELS_BYTES, getsizeof=estimate.cache_weight)
    for run in range(6):  # small models: four stay loaded, as before
        cache[run] = (model(1000), "tokenizer")
    assert sorted(cache) == [2, 3, 4, 5]
    cache["large"] = (model(300_000_000), "tokenizer")  # 1.2 GB of weights: three small ones make room
    assert "large" in cache and len(cache) == 2
    cache["huge"] = (model(2_000_000_000), "tokenizer")  # larger than the cache: kept alone, nothing else
    assert list(cache) == ["huge"]


# ------------------------------------------------------------------ dpo (issue 24): its settings, its script

@pytest.mark.parametrize("config, words", [
    ({"task": "dpo", "beta": 0}, ["beta", "outside (0, 10]"]), ({"task": "dpo", "beta": -1}, ["beta"]),
    ({"beta": 1e9}, ["beta", "TRL's default is 0.1"]), ({"beta": "NaN"}, ["beta"]), ({"beta": [0.1]}, ["beta"]),
    ({"loss_type": "kto"}, ["loss_type", "sigmoid, ipo, hinge"]), ({"loss_type": ["sigmoid"]}, ["loss_type"]),
    ({"task": "dpo", "model": "embedded/tiny-gpt"}, ["never taught to answer", "Teach the tiny GPT to chat"]),
    ({"task": "dpo", "train_mode": "head"}, ["trains a new classifier head"]),
])
def test_bad_dpo_settings_are_refused_before_anything_runs(visitors, config, words):
    refused(visitors["bob"].api("/start_training", json.dumps({"max_steps": 1, **config})), *words)
    still_serves(visitors["ann"])


@pytest.fixture(scope="module")
def chat_run(visitors):
    """Bob's finished chat run on the embedded conversations: what his DPO run starts from (on a public server a
    visitor starts only from their own runs)."""
    from types import SimpleNamespace

    from tests.test_browser_dpo import seed_chat_run
    from ui.identity import visitor

    return seed_chat_run(owner=visitor(SimpleNamespace(session_hash=visitors["bob"].session)).owner)


@pytest.mark.parametrize("max_length, words", [
    (24, ["Row 1: max_length 24 cuts its answers away", "raise max_length to"]),  # TRL would drop the pairs silently
    (512, ["max_length", "512"]),  # beyond the model's 256 positions
    (10**9, ["max_length"]), (0, ["max_length"]), ("256; import os", ["max_length"]),
])
def test_dpo_max_lengths_that_cut_the_answers_or_pass_the_model_are_refused_before_queueing(visitors, chat_run,
                                                                                           max_length, words):
    config = {"task": "dpo", "model": f"run:{chat_run}", "dataset": {"kind": "sample", "name": "prefs"},
              "label_column": "", "train_split": "train", "eval_split": "test", "max_steps": 1, "max_length": max_length}
    refused(visitors["bob"].api("/start_training", json.dumps(config)), *words)
    still_serves(visitors["ann"])


def test_hostile_names_stay_literals_in_an_exported_dpo_script():
    from core.results.export_dpo import generate_dpo_script
    from core.training.config import TrainConfig

    def script(text):
        return generate_dpo_script(TrainConfig(
            task="dpo", model=f"owner/{'m' if text == 'x' else 'n'}", train_split=text, eval_split=text + "2",
            train_mode="lora", lora_target_modules=["q_proj"], dataset={"kind": "hub", "name": "x/pairs"}).to_dict())

    benign = _shape(script("x"))
    for text in HOSTILE:
        exported = script(text)
        assert _shape(exported) == benign, text
        assert "pwned" not in exported.replace(repr(HOSTILE[0])[1:-1], "")


# ------------------------------------------------------------------ chatrun: chat with a run (issue 23)

@pytest.mark.parametrize("args, words", [
    (([{"role": "user", "content": "hi"}], None, 10**6), ["max_new_tokens", "between 1 and 200"]),
    (([{"role": "user", "content": "hi"}], None, 8, 0), ["temperature"]),
    (([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],), ["end it with your message"]),
    (([{"role": "user", "content": "x" * 30_000}],), ["more than 20000: shorten it"]),
    (([{"role": "user", "content": "hi"}] * 65,), ["more than 64"]),
    (("hi",), ["has no turns"]),
    (([{"role": "user", "content": HOSTILE[0]}], [{"role": "tool", "content": "x"}]), ["role 'tool' is unknown"]),
    # the probe of the newest endpoints (strangers): content that is not text, a role of 100,000 characters (quoted
    # cut), a system turn mid-conversation, settings of the wrong type, one message longer than the model reads
    (([{"role": "user", "content": [{"type": "text", "text": "hi"}]}],), ["has no text"]),
    (([{"role": "x" * 100_000, "content": "hi"}],), ["is unknown"]),
    (([{"role": "user", "content": "a"}, {"role": "system", "content": "b"}, {"role": "user", "content": "c"}],),
     ["turn 2 is system"]),
    (([{"role": "user", "content": "hi"}], None, 8, 0.8, "50"), ["top_k"]),
    (([{"role": "user", "content": "hi"}], None, 8.5), ["max_new_tokens"]),
    (([{"role": "user", "content": "hi"}], None, True), ["max_new_tokens"]),
    (([{"role": "user", "content": "hi"}], None, 8, 0.8, 50, 0.95, [1, 2]), ["greedy", "true or false"]),
    (([{"role": "user", "content": "z" * 19_999}],), ["room for", "shorten it"]),
    (([{"role": "user", "content": "a"}] * 10_000,), ["10000 turns, more than 64"]),
])
def test_bad_chat_requests_are_named(visitors, annas_private_lm, args, words):
    refused(annas_private_lm["anna"].api("/chat_with_run", annas_private_lm["run"], *args), *words)


def test_a_run_on_an_upload_chats_with_its_owner_only(visitors, annas_private_lm, anns_finished_run):
    anna, run, hello = annas_private_lm["anna"], annas_private_lm["run"], [{"role": "user", "content": "hello"}]
    kind, answer = anna.api("/chat_with_run", run, hello, None, 4)
    assert kind == "ok" and set(answer["stop"]) == {"fine_tuned", "base"}, answer
    refused(visitors["bob"].api("/chat_with_run", run, hello), "only they may chat with it")
    refused(visitors["bob"].api("/chat_with_run", "../runs", hello), "not a run id")
    refused(visitors["ann"].api("/chat_with_run", anns_finished_run, hello), "is a classifier, which does not chat")


def test_a_writing_run_is_no_classifier_and_markup_in_a_chat_is_only_text(visitors, annas_private_lm,
                                                                           anns_finished_run):
    """/predict read a chat run's model as a classifier with a random head and answered LABEL_0 / LABEL_1; a
    text_pair that was not text was refused as 'over the 100,000 limit'."""
    anna, run = annas_private_lm["anna"], annas_private_lm["run"]
    refused(anna.api("/predict", run, "hello"), "writes text and has no classes")
    refused(visitors["ann"].api("/predict", anns_finished_run, "hello", ["x"]), "text_pair", "must be text")
    refused(anna.api("/chat_with_run", {"a": 1}, [{"role": "user", "content": "hi"}]), "not a run id")
    markup = [{"role": "user", "content": "<img src=x onerror=alert(1)>"}]  # within the tiny GPT's 64 positions
    kind, answer = anna.api("/chat_with_run", run, markup, None, 4)
    assert kind == "ok" and all(isinstance(answer[side], str) for side in ("fine_tuned", "base")), answer


def test_hostile_names_stay_literals_in_the_sft_script():
    from core import sources
    from core.data.source import DatasetSource
    from core.results.export_sft import generate_sft_script
    from core.training.config import TrainConfig

    def script(text):
        cfg = TrainConfig(task="causal_lm", model=sources.TINY_GPT, dataset=DatasetSource("sample", name="chat"),
                          text_column=text, only_column=text, only_value=text, eval_split="").to_dict()
        return generate_sft_script({**cfg, "task": "sft", "sft_loss": "completion_only", "chat_template": "chatml"})

    benign = _shape(script("x"))
    for text in HOSTILE:
        assert _shape(script(text)) == benign, text


# ------------------------------------------------------------------ classroom: a class on one server (issue 25)

@pytest.fixture(scope="module")
def open_class(server):
    teacher = Visitor(server, address="198.51.100.60")
    assert "Admin" in teacher.event("sign_in_admin", ADMIN_KEY)[1][0]
    kind, opened = teacher.api("/class_open", "Lesson 1", "class_light", ["learning_rate"], 30)
    assert kind == "ok" and len(opened["code"]) == 6, opened
    return {"teacher": teacher, **opened}


def test_a_teacher_cannot_let_students_turn_on_remote_code(server, open_class):
    """A class could let its students change trust_remote_code: every student is a stranger, who never turns on
    remote code."""
    refused(open_class["teacher"].api("/class_open", "Lesson 3", "class_light", ["trust_remote_code"], 30),
            "may not change trust_remote_code")


def test_a_stranger_cannot_open_close_or_read_a_class(server, open_class):
    stranger = Visitor(server, address="203.0.113.61")
    refused(stranger.api("/class_open", "Mine", "quick", ["learning_rate"], 30), "Only the server owner")
    refused(stranger.api("/class_close", open_class["class_id"], False), "Only the server owner")
    refused(stranger.api("/class_board", open_class["class_id"]), "see its board")
    refused(stranger.api("/class_start", open_class["class_id"], {"learning_rate": 1e-3}), "Join the class")
    refused(stranger.api("/class_join", "AAAAAA", "Mallory"), "No class has the code")
    refused(stranger.api("/class_join", open_class["code"], "<b onmouseover=alert(1)>x</b>"), "no markup")
    board = open_class["teacher"].api("/class_board", open_class["class_id"])[1]
    assert board["class"]["students"] == 0 and board["rows"] == []


def test_a_student_changes_no_locked_setting_and_a_closed_class_takes_nobody(server, open_class):
    manager = importlib.import_module("core.jobs.manager").get_manager()
    ann = Visitor(server, address="198.51.100.61")
    assert ann.api("/class_join", open_class["code"].lower(), "Ann")[0] == "ok"
    refused(ann.api("/class_start", open_class["class_id"], {"max_length": 512}), "max_length", "fixed by the teacher")
    refused(ann.api("/class_start", open_class["class_id"], '{"learning_rate": "x'), "JSON object")
    kind, started = ann.api("/class_start", open_class["class_id"], {"learning_rate": 3e-4})
    assert kind == "ok", started
    try:
        assert started["state"] == "queued" or started["state"] in ("running", "done")
        refused(Visitor(server).api("/class_place", started["run_id"]), "Only the student")
        assert open_class["teacher"].api("/class_close", open_class["class_id"], False)[0] == "ok"
        refused(Visitor(server, address="198.51.100.62").api("/class_join", open_class["code"], "Late"), "closed")
        refused(ann.api("/class_start", open_class["class_id"], {}), "closed")
    finally:
        manager.stop(started["run_id"], admin=True)
        open_class["teacher"].api("/class_close", open_class["class_id"], True)


def test_a_hundred_join_tries_a_second_change_nothing(server, open_class):
    from concurrent.futures import ThreadPoolExecutor

    bots = [Visitor(server, address="203.0.113.62") for _ in range(4)]  # one address, four sessions
    began = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda i: bots[i % 4].api("/class_join", f"WRONG{i % 10}", f"bot{i}"), range(100)))
    elapsed = time.monotonic() - began
    assert all(kind == "error" for kind, _ in answers)
    assert all("No class has the code" in text or "Too many" in text for _, text in answers)
    if elapsed < 10:  # within the join budget's window, the address's 61st try and later are refused unread
        assert sum("Too many" in text for _, text in answers) >= 100 - 60
    board = open_class["teacher"].api("/class_board", open_class["class_id"])[1]
    assert all(not name.startswith("bot") for name in [r["nickname"] for r in board["rows"]])
# ------------------------------------------------------------------ prefs (issue 24): the embedded preference pairs

@pytest.mark.parametrize("source, words", [
    ({"kind": "sample", "name": "prefs/../../etc"}, ["not an embedded sample", "prefs for the preference pairs"]),
    ({"kind": "sample", "name": "../data/prefs"}, ["not an embedded sample"]),
])
def test_only_the_named_embedded_sets_load_as_samples(visitors, source, words):
    refused(visitors["bob"].api("/token_length_stats", "", None, source, "train", None), *words)


def test_a_stranger_loads_the_embedded_pairs_and_sees_no_path(visitors):
    kind, out = visitors["bob"].api("/load_dataset", "prefs", "", "", "", None, 3, 0)
    assert kind == "ok", out
    shown = json.dumps(out, default=str)
    assert "embedded/prefs" in shown and "data/prefs" not in shown and "fts-pair" in shown


# ------------------------------------------------------------------ probe: a hostile visitor against issues 23-25

@pytest.mark.parametrize("args, words", [
    (("", [{"role": "tool", "content": "x"}]), ["role 'tool' is unknown"]),
    (("", [{"role": "user", "content": "x"}] * 65), ["more than 64"]),
    (("", "not a list"), ["has no turns"]),
    (("run:../../etc", [{"role": "user", "content": "hi"}]), ["not a Hub id"]),
])
def test_bad_chat_token_requests_are_named(server, args, words):
    """/chat_tokens refused these with Gradio's bare 'The upstream Gradio app has raised an exception' (its
    UserError was never turned into a message), so a client never learned the fix."""
    refused(Visitor(server).api("/chat_tokens", *args), *words)


def test_deeply_nested_class_changes_are_refused_naming_the_fix(server):
    """4,000 brackets under the changes' size bound made json.loads raise RecursionError: an internal error and a
    traceback in the server's log for each request, instead of the message naming the fix."""
    stranger = Visitor(server, address="203.0.113.80")
    refused(stranger.api("/class_start", "0123abcd", "[" * 3000), "JSON object")


@pytest.mark.parametrize("class_name", ["Week 3: learning rates (a)", "Lesson 1"])
def test_a_class_name_with_punctuation_still_names_its_students_runs(class_name):
    """A class name may hold : ( ) (CLASS_NAME), a run name may not (RUN_NAME): every student's run in 'Week 3:
    learning rates (a)' was refused naming run_name, which no student can change."""
    from core.classes.places import student_config
    from core.classes.roster import new_classroom

    classroom = new_classroom(class_name, "quick", ["learning_rate"])
    for nickname in ("José", "小明", "a.b-c_d e"):
        config = student_config(classroom, {"learning_rate": 1e-4}, nickname)
        assert config.run_name.endswith(nickname) and config.run_name.startswith(class_name.split(":")[0])


def test_starting_and_stopping_in_a_loop_does_not_grow_a_class_without_end(isolated_settings, monkeypatch):
    """Only live runs counted against a class's room: a student starting and stopping runs in a loop added a row to
    the class's file and to every classmate's board tick each time, without end."""
    from core import settings as settings_mod
    from core.classes import places
    from core.classes.book import ClassBook
    from core.jobs.manager import JobManager
    from core.runs.store import RunStore

    monkeypatch.setattr(settings_mod, "_current", replace(isolated_settings, public=True, admin_key="k" * 16))
    book, manager = ClassBook(isolated_settings.runs_dir.parent / "classes"), \
        JobManager(RunStore(isolated_settings.runs_dir), max_queue=2, inline=True)  # no worker takes a run
    opened = book.open_class("Monday", "quick", ["learning_rate"], size=2, admin=True)
    book.join(opened.code, "Mallory", "b:mallory")
    for _ in range(places.MAX_RUNS_PER_STUDENT):
        manager.stop(places.start_run(book, manager, opened.class_id, "b:mallory", {}), owner="b:mallory")
    with pytest.raises(ValueError, match="the most one student may"):
        places.start_run(book, manager, opened.class_id, "b:mallory", {})
    assert len(book.get(opened.class_id).runs) == places.MAX_RUNS_PER_STUDENT


# ------------------------------------------------------------------ strangers: one person with many sessions (issue 22's
# rule for the newest endpoints): one share of model work, a few seats of a class, the teacher's say

def test_many_sessions_of_one_address_share_one_minute_of_model_calls(server, visitors):
    from core import settings as settings_mod

    manager, before = visitors["manager"], settings_mod.get_settings()
    run = manager.store.new_run({"run_name": "public data", "dataset": {"kind": "sample"}}, "b:someone")  # no model
    manager.store.write_status(run, {"state": "done"})
    settings_mod.set_settings(replace(before, model_calls_per_minute=3))
    try:
        bots = [Visitor(server, address="203.0.113.90") for _ in range(4)]
        answers = [bot.api("/generate_text", run, "dear") for bot in bots]
        for outcome in answers[:3]:  # each call is read (and refused for what it asks), counted for the address
            refused(outcome, "is a classifier")
        refused(answers[3], "in the last minute", "MODEL_CALLS_PER_MINUTE", "try again in")
        refused(bots[0].api("/chat_with_run", run, [{"role": "user", "content": "hi"}]), "try again in")
        refused(bots[1].api("/predict", run, "hello"), "try again in")
        refused(Visitor(server, address="198.51.100.90").api("/generate_text", run, "dear"), "is a classifier")
    finally:
        settings_mod.set_settings(before)
        manager.store.delete(run)


def test_one_person_with_many_sessions_fills_no_class_and_the_teacher_removes_them(server, open_class):
    teacher = open_class["teacher"]
    kind, opened = teacher.api("/class_open", "Lesson 2", "class_light", ["learning_rate"], 30, 2)
    assert kind == "ok" and opened["per_network"] == 2, opened
    code, class_id = opened["code"], opened["class_id"]
    bots = [Visitor(server, address="203.0.113.91") for _ in range(3)]
    assert bots[0].api("/class_join", code, "Bot one")[0] == "ok"
    refused(bots[1].api("/class_join", code, "bot ONE"), "is taken", "pick another")
    assert bots[1].api("/class_join", code, "Bot two")[0] == "ok"
    refused(bots[2].api("/class_join", code, "Bot three"), "at most 2 students from one network", "teacher")
    refused(bots[2].api("/class_remove", class_id, "Bot one"), "Only the server owner")
    kind, after = teacher.api("/class_remove", class_id, "bot one")
    assert kind == "ok" and after["students"] == 1 and after["removed_runs"] == 0, after
    refused(bots[0].api("/class_join", code, "Bot one again"), "removed you")
    refused(bots[2].api("/class_join", code, "Bot three"), "at most 2 students")  # the removed one still counts
    assert Visitor(server, address="198.51.100.91").api("/class_join", code, "Ann")[0] == "ok"
    refused(teacher.api("/class_close", class_id, True, -3), "whole number from 0")
    assert teacher.api("/class_close", class_id, True, 0)[1]["per_network"] == 0  # a school lab: any number
    assert bots[2].api("/class_join", code, "Bot three")[0] == "ok"


def test_downloads_keep_one_file_per_run_however_often_a_visitor_clicks(visitors, anns_finished_run):
    """Each click on Download wrote a new folder in the server's temporary folder (a model zip, a script zip, the
    board's CSV) that was never deleted: a stranger clicking in a loop filled the disk."""
    from ui import downloads

    ann, run = sees_runs(visitors["ann"]), anns_finished_run
    for _ in range(3):
        assert ann.event("download_model", run)[0] == "ok"
        assert ann.event("download_script", run, "loop")[0] == "ok"
    for thing in (f"model-{run}", f"script-{run}-loop"):
        assert len(list((downloads.folder() / thing).iterdir())) == 1, thing
    assert not [p for p in downloads.folder().iterdir() if p.name.startswith(".build-")]
