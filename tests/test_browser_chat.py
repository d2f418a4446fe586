"""Issue 23 in a real browser (Debian's chromium, driven by Playwright) and through the API: the Datasets tab draws
the embedded conversations as chats, the Tokenizer tab's chat template lesson follows an edited turn (which tokens
train, which are masked), and the "Teach the tiny GPT to chat" preset runs to its first answers (Watch it answer).

Kept short for CI: the tiny GPT built from a config, 4 SFT steps, an evaluation every 2, 8 held-out conversations.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from tests.serving import served_app, wait_done

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed "
                                "(apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PRESET = "Teach the tiny GPT to chat"
SHORT = {"max_steps": 4, "eval_steps": 2, "max_eval_samples": 8}  # the preset, cut to its first answers


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("chat-browser"), stop_jobs=True) as (url, _demo):
        yield url


def _trained_text(page) -> dict:
    """The chat lesson's tokens: the text of those SFT trains on, and how many are masked (labels -100)."""
    return page.evaluate("""() => {
        const spans = [...document.querySelectorAll('.fts-chat-tok')].filter(e => !e.closest('.fts-legend'));
        return {trained: spans.filter(e => e.classList.contains('fts-trained')).map(e => e.textContent).join(''),
                masked: spans.filter(e => e.classList.contains('fts-masked')).length};
    }""")


def _set_number(panel, label: str, value: int) -> None:
    field = panel.get_by_label(label, exact=True).first
    field.fill(str(value))
    field.press("Enter")


def test_chat_lesson_and_the_chat_preset_to_its_first_answers(app_url):
    from playwright.sync_api import expect, sync_playwright

    from core.jobs.manager import get_manager

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="en-US")
        page.goto(app_url)
        # 1. Datasets: the embedded conversations, each sampled row a chat, every row checked
        expect(page.get_by_text("embedded/reviews").first).to_be_visible(timeout=60_000)
        page.get_by_role("radio", name="Embedded conversations (offline, for SFT)").check()
        page.get_by_role("button", name="Load dataset").click()
        expect(page.get_by_text("every one is a conversation SFT can train on").first).to_be_visible(timeout=60_000)
        assert page.locator(".fts-conv .fts-r-assistant").count() >= 1
        # 2. Tokenizer: edit the assistant's turn; the trained tokens are the new answer, the question is masked
        page.get_by_role("tab", name="2 · Tokenizer").click()
        page.get_by_text("Chat template: which tokens does SFT train on?").click()
        page.get_by_role("gridcell", name="positive", exact=True).dblclick()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("negative, sadly")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Show the tokens").click()
        expect(page.get_by_text("tokens trained").first).to_be_visible(timeout=60_000)
        shown = _trained_text(page)
        assert "negative, sadly" in shown["trained"] and "spotless" not in shown["trained"], shown
        assert shown["masked"] > 10  # the system and user turns and the template's markup
        # 3. Train: the preset, cut short, runs to the base model's answers and the first evaluation's
        page.get_by_role("tab", name="4 · Train").click()
        panel = page.get_by_role("tabpanel").filter(visible=True)
        panel.get_by_label("Preset").click()
        page.get_by_role("option", name=PRESET).first.click()
        expect(panel.get_by_text("embedded/chat").first).to_be_visible(timeout=30_000)  # the preset's data
        for header in page.locator("#train-form button.label-wrap").all():
            if "open" not in (header.get_attribute("class") or ""):
                header.click()
        for name, value in SHORT.items():
            _set_number(panel, name if name in ("max_steps", "eval_steps") else "Max eval samples", value)
        expect(panel.get_by_label("max_steps", exact=True).first).to_have_value("4")
        page.get_by_role("button", name="Start", exact=True).click()
        answers = page.locator("#lm-samples")
        expect(answers).to_contain_text("Watch it answer", timeout=420_000)
        expect(answers).to_contain_text("base model", timeout=420_000)
        step_two = answers.locator("tr > td:first-child").filter(has_text=re.compile(r"^\s*2\s*$"))
        expect(step_two.first).to_be_visible(timeout=420_000)  # the first evaluation's answers, at step 2
        job_id = get_manager().active_job_id()
        if job_id:
            get_manager().wait(job_id, timeout=300)
        browser.close()


def test_the_same_through_the_api(app_url):
    from gradio_client import Client

    from core.training.presets import PRESETS_BY_KEY

    client = Client(app_url, verbose=False)
    loaded = client.predict("chat", "", "", "", None, 2, 0, api_name="/load_dataset")
    assert "embedded/chat" in loaded[0] and loaded[-1]["value"].count('class="fts-conv"') == 2
    turns = [{"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "Studio Tiny."}]
    shown = client.predict("embedded/tiny-gpt", turns, "assistant_only", 256, api_name="/chat_tokens")
    trained = "".join(tok for tok, on in zip(shown["tokens"], shown["trained"]) if on)
    assert "Studio" in trained.replace("Ġ", " ") and "Who" not in trained
    config = {**PRESETS_BY_KEY["chat_gpt"].factory().to_dict(), **SHORT, "run_name": "chat-api"}
    job = client.predict(json.dumps(config), api_name="/start_training")["job_id"]
    status = wait_done(client, job)
    assert status["state"] == "done", status
    answered = [row for record in status["samples"] for row in record["samples"]]
    assert {record.get("kind") for record in status["samples"]} >= {"baseline"} and answered
    assert all({"answer", "stopped"} <= set(row) for row in answered)
