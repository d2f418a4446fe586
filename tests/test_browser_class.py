"""A class in real browsers (chromium, Playwright): the teacher opens a class on the Runs tab, two students join it
from their own browser contexts and train, and the teacher's board shows both runs."""

import re

import pytest

from tests.serving import served_app
from tests.test_browser import CHROMIUM, FLAGS, SCREENSHOTS, pytestmark  # noqa: F401 - skipped without chromium

ADMIN_KEY = "a-long-classroom-admin-key-42"


@pytest.fixture()
def class_server(tmp_path):
    with served_app(tmp_path, stop_jobs=True, public=True, admin_key=ADMIN_KEY) as (url, _demo):
        yield url


def _runs_tab(page, url):
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_text("positive (1)").first).to_be_visible(timeout=90_000)  # the page's first load is done
    page.get_by_role("tab", name="5 · Runs").click(timeout=120_000)
    page.get_by_text("Class: everyone trains, the teacher sees every run").first.click()


def test_a_teacher_opens_a_class_two_students_train_and_the_board_shows_both(class_server):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        teacher = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="en-US").new_page()
        _runs_tab(teacher, class_server)
        teacher.get_by_text("Server owner").first.click()
        teacher.get_by_label("Admin key").fill(ADMIN_KEY)
        teacher.get_by_role("button", name="Sign in as admin").click()
        expect(teacher.get_by_text("admin", exact=False).first).to_be_visible(timeout=30_000)
        teacher.get_by_text("Teacher: open a class").first.click()
        teacher.get_by_label("Class name", exact=True).fill("Monday NLP")
        teacher.get_by_role("combobox", name="Base preset").click()
        teacher.get_by_role("option", name="Light class demo (embedded MiniLM, 160 reviews)").click()
        teacher.get_by_role("button", name="Open the class").click()
        code_line = teacher.get_by_text(re.compile(r"Code: [A-Z0-9]{6}")).first
        expect(code_line).to_be_visible(timeout=30_000)
        code = re.search(r"Code: ([A-Z0-9]{6})", code_line.inner_text()).group(1)

        for nickname in ("Ann", "Bo"):  # each student in a browser context of their own: their own secret
            student = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="en-US").new_page()
            _runs_tab(student, class_server)
            student.get_by_label("Class code").fill(code.lower())
            student.get_by_label("Nickname (the class sees it)").fill(nickname)
            student.get_by_role("button", name="Join", exact=True).click()
            expect(student.get_by_text(f"You are {nickname} in Monday NLP").first).to_be_visible(timeout=30_000)
            expect(student.get_by_text("You changed nothing yet").first).to_be_visible()
            student.get_by_role("button", name="Start my run").click()
            expect(student.get_by_text(re.compile("Your run (waits|trains|is)")).first).to_be_visible(timeout=60_000)

        _runs_tab(student, class_server)  # Bo's page reloaded: it finds the class and the run again
        expect(student.get_by_text("You are Bo in Monday NLP").first).to_be_visible(timeout=60_000)
        expect(student.get_by_text(re.compile("Your run (waits|trains|is)")).first).to_be_visible(timeout=60_000)

        board = teacher.get_by_label("Runs ranked by the evaluation metric")
        for nickname in ("Ann", "Bo"):
            expect(board.get_by_text(nickname, exact=True).filter(visible=True).first).to_be_visible(timeout=60_000)
        expect(board.get_by_text("done", exact=True).filter(visible=True)).to_have_count(2, timeout=600_000)
        expect(teacher.get_by_text("Best so far:").first).to_be_visible(timeout=30_000)
        teacher.screenshot(path=str(SCREENSHOTS / "class_board.png"), full_page=True)
        browser.close()
