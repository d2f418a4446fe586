"""The app as a whole: import has no side effects, build_app gives Blocks, and the API works end to end."""

import importlib
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.serving import free_port, served_app


def test_importing_app_has_no_side_effects():
    code = ("import sys, app; heavy = [m for m in ('gradio', 'torch', 'transformers', 'datasets') "
            "if m in sys.modules]; print(heavy); assert callable(app.build_app) and callable(app.main)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_queue_does_not_rebuild_gradio_monitoring_after_every_event(monkeypatch):
    """Gradio's default rebuilds a DataFrame of up to 10,000 past events after each one (bench/RESULTS.md, 5)."""
    import gradio as gr

    app = importlib.import_module("app")
    monkeypatch.setenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1")  # so that teardown restores what was there
    monkeypatch.delenv("GRADIO_ANALYTICS_CACHE_FREQUENCY")
    with gr.Blocks() as demo:
        gr.Markdown("x")
    queue = app.serve_queue(demo)._queue
    queue.events_recorded = 10_000
    past = [{"function": "sample_rows", "status": "success", "process_time": 0.01, "time": 0.0}] * 100
    assert queue.compute_analytics_summary(past) == {"functions": {}}  # the cached empty summary: no DataFrame
    assert app.LAUNCH_OPTIONS["enable_monitoring"] is False  # and no /monitoring page showing it


def test_build_app_returns_blocks_with_every_tab():
    import gradio as gr

    app = importlib.import_module("app")
    demo = app.build_app()
    assert isinstance(demo, gr.Blocks)
    tab_ids = {block.id for block in demo.blocks.values() if isinstance(block, gr.Tab)}
    assert {"datasets", "tokenizer", "model", "train", "runs"} <= tab_ids


@pytest.fixture(scope="module")
def server():
    """The real app, launched on 127.0.0.1 on a free port, in this process."""
    with served_app() as (url, _demo):
        yield url


def test_api_loads_and_samples_the_embedded_dataset(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/load_dataset", "/sample_rows"} <= set(endpoints)
    assert not any("change_view" in name for name in endpoints)  # internal events stay hidden
    summary, schema, split_dd, text_dd, label_dd, table = client.predict(
        "sample", "", "", "", None, 5, 0, api_name="/load_dataset")[:6]
    assert "embedded/reviews" in summary and "train 1," in summary
    assert ["label", "ClassLabel(2): negative, positive"] in schema["data"]
    assert text_dd["value"] == ["text"] and label_dd["value"] == "label"
    assert len(table["data"]) == 5
    # the client's session keeps its loaded dataset: sampling again uses it
    table = client.predict(7, 3, api_name="/sample_rows")
    assert len(table["data"]) == 7
    label_index = table["headers"].index("label")
    assert all(row[label_index] in {"negative (0)", "positive (1)"} for row in table["data"])


def test_api_upload_and_bad_upload(server, tmp_path):
    from gradio_client import Client, handle_file

    client = Client(server, verbose=False)
    good = tmp_path / "mine.csv"
    good.write_text("comment,sentiment\nlovely day,pos\nawful food,neg\nfine,pos\n")
    result = client.predict("file", "", "", "", handle_file(str(good)), 3, 0, api_name="/load_dataset")
    assert result[3]["value"] == ["comment"] and result[4]["value"] == "sentiment"
    bad = tmp_path / "latin.csv"
    bad.write_bytes("text,label\ncaf\xe9,1\n".encode("latin-1"))
    with pytest.raises(Exception, match="UTF-8"):
        client.predict("file", "", "", "", handle_file(str(bad)), 3, 0, api_name="/load_dataset")
    # the server keeps serving after a bad input
    assert "embedded/reviews" in client.predict("sample", "", "", "", None, 2, 0, api_name="/load_dataset")[0]


def test_app_starts_fast_offline(tmp_path):
    port = free_port()
    env = {**os.environ, "RUNS_DIR": str(tmp_path / "runs")}
    root = os.path.dirname(os.path.dirname(__file__))
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "app.py", "--offline", "--port", str(port)], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = start + 90
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.25)
                assert proc.poll() is None, proc.stdout.read()
        else:
            pytest.fail("the app did not start listening within 90 s")
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert "offline" in out


def test_two_visitors_keep_their_own_dataset(server, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client, handle_file

    own = tmp_path / "own.csv"
    own.write_text("comment,sentiment\n" + "".join(f"my own row {i},pos\n" for i in range(30)))
    ann, bob = Client(server, verbose=False), Client(server, verbose=False)
    ann.predict("sample", "", "", "", None, 3, 0, api_name="/load_dataset")
    bob.predict("file", "", "", "", handle_file(str(own)), 3, 0, api_name="/load_dataset")
    with ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(lambda c: c.predict(20, 1, api_name="/sample_rows"), [ann, bob, ann, bob]))
    for client_table, expected_column in zip(tables, ["text", "comment", "text", "comment"]):
        assert expected_column in client_table["headers"]
    assert all(row[-1].startswith("my own row") for row in tables[1]["data"])


def test_errors_follow_the_visitors_language(server, tmp_path):
    """core's messages reach a Chinese browser in Chinese (Accept-Language), an English one in English."""
    from gradio_client import Client, handle_file

    bad = tmp_path / "latin.csv"
    bad.write_bytes("text,label\ncaf\xe9,1\n".encode("latin-1"))
    zh = Client(server, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    with pytest.raises(Exception, match="latin.csv 不是 UTF-8 文本（第 14 字节）"):
        zh.predict("file", "", "", "", handle_file(str(bad)), 3, 0, api_name="/load_dataset")
    with pytest.raises(Exception, match=r"max_length=0 放不下任何 token"):
        zh.predict("Hello", "", "", {"max_length": 0}, False, False, api_name="/tokenize")
    en = Client(server, verbose=False, headers={"Accept-Language": "en-GB,en;q=0.9"})
    with pytest.raises(Exception, match=r"latin.csv is not UTF-8 text \(byte 14\)"):
        en.predict("file", "", "", "", handle_file(str(bad)), 3, 0, api_name="/load_dataset")
