"""A real browser (Debian's chromium, driven by Playwright) walks every tab and trains the quick demo."""

import os
import shutil
from pathlib import Path

import pytest

from tests.serving import served_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed "
                                "(apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))


@pytest.fixture()
def app_url(isolated_settings):
    with served_app() as (url, _demo):
        yield url


def loss_points(page) -> int:
    """How many training-step points (step >= 1, not the step-0 baseline) the live loss chart has drawn."""
    return page.evaluate("""() => {
        const plot = document.querySelector('#loss-plot .js-plotly-plot');
        // calcdata: the points plotly computed per trace (trace.x may be a binary-encoded array)
        if (!plot || !plot.calcdata) return 0;
        return plot.calcdata.reduce((n, trace) => n + trace.filter(pt => Number.isFinite(pt.y) && pt.x >= 1).length, 0);
    }""")


def wait_for_loss_point(page, manager, timeout: float = 420) -> None:
    """Poll the chart (not a sleep): ends as soon as a point is drawn, fails at once if the job fails."""
    import time

    deadline, snap = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        if loss_points(page) >= 1:
            return
        job_id = manager.active_job_id() or (manager.queue() or [None])[0]
        snap = manager.snapshot(job_id) if job_id else snap
        assert snap.get("state") != "failed", snap.get("error")
        page.wait_for_timeout(1000)
    pytest.fail(f"no loss point drawn within {timeout} s; job: { {k: snap.get(k) for k in ('state', 'step')} }")


def test_walk_every_tab_and_train_the_quick_demo(app_url):
    from playwright.sync_api import expect, sync_playwright

    from core.jobs import manager as jobs

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600}, locale="en-US")
        page.goto(app_url)
        # 1. Datasets: the embedded sample is loaded on page open, labels shown as names
        expect(page.get_by_text("embedded/reviews").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("positive (1)").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "datasets.png"), full_page=True)
        # 2. Tokenizer: tokenize the default text and see special tokens
        page.get_by_role("tab", name="2 · Tokenizer").click()
        page.get_by_role("button", name="Tokenize", exact=True).click()
        expect(page.get_by_text("[CLS]").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "tokenizer.png"), full_page=True)
        # 3. Model: every head on the default text, computed when the page opened
        page.get_by_role("tab", name="3 · Model").click()
        expect(page.get_by_text("logits [1, 2]").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("last_hidden_state").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "model.png"), full_page=True)
        # 4. Train: the Before Start estimate follows the form; start the quick demo, wait for a loss point, stop
        page.get_by_role("tab", name="4 · Train").click()
        page.get_by_role("radio", name="head", exact=True).check()
        expect(page.get_by_text("770 of 22,713,986 parameters train").first).to_be_visible(timeout=60_000)
        page.get_by_role("radio", name="full", exact=True).check()
        page.get_by_role("button", name="Start", exact=True).click()
        wait_for_loss_point(page, jobs.get_manager())
        assert loss_points(page) >= 1
        page.screenshot(path=str(SCREENSHOTS / "train.png"), full_page=True)
        job_id = jobs.get_manager().active_job_id()
        assert job_id, "the training job should be running"
        page.get_by_role("button", name="Stop", exact=True).click()
        assert jobs.get_manager().wait(job_id, timeout=180) in {"stopped", "done"}
        # 5. Runs: the run is listed
        page.get_by_role("tab", name="5 · Runs").click()
        page.get_by_role("button", name="Refresh").click()
        expect(page.get_by_role("tabpanel").get_by_text("quick-demo").filter(visible=True).first).to_be_visible(
            timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "runs.png"), full_page=True)
        browser.close()


def test_step_through_one_batch_in_the_browser(app_url):
    """The Train tab's panel: the last stage's button runs the six stages on the embedded MiniLM and shows the loss
    before and after the step, a chart and the PyTorch lines; the first shows the batch."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600}, locale="en-US")
        page.goto(app_url)
        # the page's own first load imports transformers; a second first import at the same moment races it
        expect(page.get_by_text("positive (1)").first).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="4 · Train").click()
        page.get_by_text("Step through one batch").first.click()
        page.get_by_role("button", name="6 · Loss after the step").click()
        expect(page.get_by_text("The same batch after one step").first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("One step on this batch already fits it better").first).to_be_visible()
        expect(page.get_by_text("outputs.loss  # after one step").first).to_be_visible()
        page.get_by_role("button", name="1 · Batch").click()
        expect(page.get_by_text("16 rows × 64 tokens").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "step_through.png"), full_page=True)
        browser.close()
