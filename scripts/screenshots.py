"""Take the README's screenshots: run the quick demo to the end in headless chromium, capture each tab.

python scripts/screenshots.py [OUT_DIR]   (needs Debian's chromium; trains for a minute or two on a CPU)
"""

import os
import socket
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RUNS_DIR", tempfile.mkdtemp(prefix="screenshot-runs-"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main(out: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    import app
    from core import jobs, sources
    from ui.i18n import build_i18n, page_js

    sources.detect_online()
    demo = app.build_app()
    demo.queue()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, i18n=build_i18n(),
                css=app.CSS, js=page_js(), quiet=True)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.get_by_text("positive (1)").first).to_be_visible(timeout=60_000)
        page.screenshot(path=str(out / "datasets.png"))
        page.get_by_role("tab", name="2 · Tokenizer").click()
        page.get_by_role("button", name="Tokenize", exact=True).click()
        expect(page.get_by_text("[CLS]").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(out / "tokenizer.png"), full_page=True)
        page.get_by_role("tab", name="3 · Train").click()
        page.get_by_role("button", name="Start", exact=True).click()
        page.wait_for_timeout(3000)
        job_id = jobs.get_manager().active_job_id()
        assert jobs.get_manager().wait(job_id, timeout=600) == "done"
        page.wait_for_timeout(6000)  # the next timer ticks draw the last points and the results
        page.screenshot(path=str(out / "train.png"), full_page=True)
        page.get_by_role("tab", name="4 · Runs").click()
        page.get_by_role("button", name="Refresh").click()
        page.wait_for_timeout(2000)
        page.screenshot(path=str(out / "runs.png"))
        browser.close()
    demo.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
