"""Issue 24 in a real browser (Debian's chromium, driven by Playwright) and through the API: the "Prefer polite
answers" preset (DPO) runs from the visitor's chat run to its first charts (loss; rewards of chosen and rejected,
their margin and the share where chosen wins) and its per-example view (each held-out pair before and after, the
model's own answers before and after).

The preset needs a finished chat run. The test seeds one as the chat preset leaves it, before the page opens: a
GPT built from a config with the tiny GPT's tokenizer and ChatML template, its weights untrained (the test watches
the views, not what DPO teaches: bench/dpo.py measures that). Kept short for CI: 4 DPO steps, an evaluation every 2,
8 held-out pairs.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.serving import served_app, wait_done

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed "
                                "(apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PRESET = "Prefer polite answers"
# the preset, cut to its first charts: train rewards logged every step, held-out pairs measured at steps 2 and 4
SHORT = {"max_steps": 4, "eval_steps": 2, "logging_steps": 1, "max_eval_samples": 8}
SHAPE = {"n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": 256}  # the tiny GPT's 256 positions, far fewer weights


def seed_chat_run(owner: str = "") -> str:
    """A finished run of the chat preset in the app's runs folder (the owner's; no owner: the machine's, which any
    visitor of a private server may use): what "Prefer polite answers" starts from."""
    from core.model.tiny_gpt import build_tiny_gpt
    from core.runs.store import get_store
    from core.training.presets import chat_tiny_gpt_config

    import tempfile

    from core import settings

    store = get_store()
    run_id = store.new_run(chat_tiny_gpt_config().to_dict(), owner=owner)
    saved = settings._current  # its BPE goes to a tokenizers folder of its own: the server's may hold a visitor's
    scratch = Path(tempfile.mkdtemp())
    settings._current = settings.Settings(runs_dir=scratch / "runs", uploads_dir=scratch / "uploads")
    try:
        build_tiny_gpt(store.model_dir(run_id), shape=SHAPE)  # the tiny GPT's own tokenizer: every pair fits 256
    finally:
        settings._current = saved
    store.update_status(run_id, state="done")
    return run_id


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("dpo-browser"), stop_jobs=True) as (url, _demo):
        yield url, seed_chat_run()


def _set_number(panel, label: str, value: int) -> None:
    field = panel.get_by_label(label, exact=True).first
    field.fill(str(value))
    field.press("Enter")


def test_the_polite_preset_runs_to_its_reward_charts_and_its_pairs_before_and_after(served):
    from playwright.sync_api import expect, sync_playwright

    from core.jobs.manager import get_manager

    url, chat_run = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="en-US")
        page.goto(url)
        expect(page.get_by_text("embedded/reviews").first).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="4 · Train").click()
        panel = page.get_by_role("tabpanel").filter(visible=True)
        panel.get_by_label("Preset").click()
        page.get_by_role("option", name=PRESET).first.click()
        expect(panel.get_by_text("embedded/prefs").first).to_be_visible(timeout=30_000)  # the preset's pairs
        expect(page.get_by_text(f"starting from your chat run {chat_run}").first).to_be_visible()  # the seeded one
        for header in page.locator("#train-form button.label-wrap").all():
            if "open" not in (header.get_attribute("class") or ""):
                header.click()
        for name, value in SHORT.items():
            _set_number(panel, "Max eval samples" if name == "max_eval_samples" else name, value)
        expect(panel.get_by_label("max_steps", exact=True).first).to_have_value("4")
        page.get_by_role("button", name="Start", exact=True).click()
        # the first charts: the loss, and on the evaluation chart the rewards, their margin and the win shares
        expect(page.locator("#loss-plot")).to_contain_text("train loss", timeout=420_000)
        rewards = page.locator("#metrics-plot")
        for series in ("reward of chosen (train)", "reward of rejected (train)", "margin (train)",
                       "chosen wins (train)", "prefers chosen (held-out)"):
            expect(rewards).to_contain_text(series, timeout=420_000)
        # the per-example view once the run is done: the pairs sorted by what changed, the model's own answers
        expect(panel.get_by_text("Held-out pairs, margin").first).to_be_visible(timeout=420_000)
        expect(panel.get_by_text("Its own answers").first).to_be_visible()
        assert panel.locator("ul.fts-answers li").count() >= 1  # each: prompt, answer before -> answer after
        expect(panel.get_by_text("margin before", exact=True).first).to_be_visible()  # the pairs' table
        job_id = get_manager().active_job_id()
        if job_id:
            get_manager().wait(job_id, timeout=300)
        browser.close()


def test_the_same_through_the_api(served):
    """The run through gradio_client, its status, diagnosis and per-example view as JSON."""
    from gradio_client import Client

    from core.training.presets import PRESETS_BY_KEY

    url, chat_run = served
    client = Client(url, verbose=False)
    config = {**PRESETS_BY_KEY["polite_dpo"].factory(chat_run).to_dict(), **SHORT, "max_steps": 2,
              "run_name": "dpo-api"}
    job = client.predict(json.dumps(config), api_name="/start_training")["job_id"]
    status = wait_done(client, job)
    assert status["state"] == "done", status
    measured = [record for record in status["samples"] if "pairs" in record]
    assert [record["kind"] for record in measured][:1] == ["baseline"] and len(measured[0]["pairs"]) == 8
    found = client.predict(job, "all", "", 50, api_name="/run_examples")
    assert found["pairs"] and not found["texts_withheld"] and sum(found["counts"].values()) == 8
    assert found["before_step"] == 0 and found["after_step"] == 2 and len(found["rows"]) == 8
    assert {"status", "before", "after", "reward_margin", "prompt", "chosen", "rejected"} <= set(found["rows"][0])
    assert found["answers"] and {"prompt", "before", "after"} == set(found["answers"][0])
    fixed = client.predict(job, "fixed", "", 50, api_name="/run_examples")
    assert fixed["matched"] == found["counts"]["flipped"]
    diagnosed = client.predict(job, api_name="/diagnose_run")
    assert isinstance(diagnosed, list) and all({"kind", "text", "advice"} <= set(f) for f in diagnosed)
