"""In a real browser: a Chinese visitor reads no English where a run is shown, and "try again with ..." fills the
Train form with exactly one setting changed (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.serving import served_app

from ui.technical_terms import TECHNICAL_TERMS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed "
                                "(apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Names a learner meets in code stay as they are in Chinese (README: technical names are kept): the app's one list
# (ui/technical_terms.py), and the tutorial names this page shows
TECHNICAL = TECHNICAL_TERMS | {"loss", "step", "epoch", "accuracy", "f1", "precision", "recall", "CPU", "MB",
                               "bert-base-cased", "yelp_review_full", "Hugging", "Face", "Hub", "HF_HUB_OFFLINE"}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("lessons-browser")) as (url, _demo):
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def english_words(text: str) -> list[str]:
    """Latin-script words that are not technical names."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_./-]*[A-Za-z0-9]|[A-Za-z]", text) if w not in TECHNICAL]


def test_a_chinese_browser_reads_the_train_tab_in_chinese(app_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="zh-CN")
    page.goto(app_url)
    page.get_by_role("tab", name="4 · 训练").click()
    expect(page.get_by_text("还没有运行").first).to_be_visible(timeout=60_000)  # the charts' page-load words arrived
    panel = page.get_by_role("tabpanel").filter(visible=True)
    seen = page.evaluate("""() => {
        const texts = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null || e.closest('svg'))
                                                                 .map(e => e.textContent);
        const lines = [...document.querySelectorAll('.prose')].map(e => e.innerText)
                                                               .filter(t => /设备|离线/.test(t));
        return {lines, charts: texts('#loss-plot svg text, #lr-plot svg text, #metrics-plot svg text, '
                                     + '#speed-plot svg text, #confusion-plot svg text'),
                headers: texts('#compare-table th, #per-class-table th').map(t => t.replace('⋮', '').trim())};
    }""")
    assert len(seen["lines"]) >= 2, seen["lines"]  # the device and limits line, the offline notice
    titles = [t for t in seen["charts"] if t.strip() and not re.fullmatch(r"[-−\d.,e+%]+", t.strip())]
    assert {"损失 (loss)", "学习率和梯度范数", "评估", "吞吐量"} <= set(titles), titles
    assert any(t.startswith("混淆矩阵") for t in titles) and any("还没有运行" in t for t in titles)
    assert {"指标", "微调前", "微调后", "变化", "标签", "样本数"} <= set(seen["headers"]), seen["headers"]
    preset = panel.get_by_label("预设")
    presets = [preset.input_value()]
    preset.click()
    presets += page.get_by_role("option").all_inner_texts()
    assert len(presets) >= 4 and presets[0].startswith("快速演示"), presets
    found = {where: english_words(" ".join(texts)) for where, texts in
             (("lines", seen["lines"]), ("charts", titles), ("headers", seen["headers"]), ("presets", presets))}
    assert not any(found.values()), found
    page.close()


def _form_values(page) -> list:
    """Every input of the Train form (all its accordions opened), in page order."""
    return page.evaluate("""() => [...document.querySelectorAll('#train-form input, #train-form textarea')]
        .map(e => [e.type, (e.type === 'checkbox' || e.type === 'radio') ? e.checked : e.value])""")


def _open_form(page) -> None:
    for header in page.locator("#train-form button.label-wrap").all():
        if "open" not in (header.get_attribute("class") or ""):
            header.click()


def test_try_again_fills_the_form_with_exactly_one_change(app_url, browser):
    from playwright.sync_api import expect

    from core.jobs.manager import get_manager
    from core.training.presets import quick_demo_config

    store = get_manager().store
    config = quick_demo_config()  # what the form shows on page load
    run_id = store.new_run(config.to_dict())
    for step in range(2, 40, 2):  # a loss that turns NaN at step 24: the learning rate is too high
        store.append_metric(run_id, {"step": step, "epoch": step / 30, "kind": "train", "time": float(step),
                                     "loss": None if step == 24 else 0.7 - step / 100})
    store.update_status(run_id, state="done")

    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="en-US")
    page.goto(app_url)
    page.get_by_role("tab", name="4 · Train").click()
    expect(page.get_by_text("no run yet").first).to_be_visible(timeout=60_000)
    _open_form(page)
    before = _form_values(page)
    assert len(before) > 30
    page.get_by_role("tab", name="5 · Runs").click()
    page.get_by_role("button", name="Refresh").click()
    picker = page.get_by_role("tabpanel").filter(visible=True).get_by_label("Run", exact=True)
    picker.click()
    page.get_by_role("option", name=re.compile("quick-demo")).first.click()
    fix = page.get_by_role("button", name="Try again with learning_rate = 1e-05")
    expect(fix).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The loss became NaN at step 24").first).to_be_visible()
    fix.click()
    expect(page.get_by_role("tab", name="4 · Train")).to_have_attribute("aria-selected", "true", timeout=30_000)
    expect(page.get_by_text("one setting changed").first).to_be_visible(timeout=30_000)
    _open_form(page)
    after = _form_values(page)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    # the learning rate, ten times lower, and the run's name saying so
    values = sorted((after[i][1] for i in changed), key=lambda v: str(v).startswith("lr-"))
    assert len(after) == len(before) and len(changed) == 2, (changed, [after[i] for i in changed])
    assert float(values[0]) == pytest.approx(1e-5) and values[1] == "lr-1e-05"
    page.close()
