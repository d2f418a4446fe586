"""The page the tabs are built into: the list of tabs becomes numbered gr.Tabs, each tab says how it is built and
how it links to the rest of the page, and the tabs pass each other components only through the Page.

A tab is one folder of ui (tab.py, handlers.py, views.py, strings.py) whose tab.py defines `TAB = TabSpec(...)`;
app.py names the folders in order. Its title (`tab.<folder>`) and intro carry `{number}`, filled from that order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui import classroom
from ui.i18n import fill, t


@dataclass
class Page:
    """What the app gives every tab, and the channels between tabs (tabs never import each other).

    The app makes the first three; a tab sets the channel it owns while it is built, and the tabs that read one
    read it when they are linked, after every tab is built, so the list's order does not matter to the links (the
    Model tab also starts from the Tokenizer tab's text when that tab is built before it)."""

    demo: gr.Blocks
    tabs: gr.Tabs
    selection: gr.State  # the Datasets tab's choice (ui.state.Selection), read by the others
    text: gr.Textbox | None = None  # set by the Tokenizer tab: the text it studies, which the Model tab follows
    finished: gr.State | None = None  # set by the Train tab: the id of a job that just ended (the Runs tab refreshes)
    retry: gr.State | None = None  # set by the Runs tab: a "try again with" request, which fills the Train form
    visitor_known: Any = None  # the page-load event that knows the visitor (identity.attach), before the links


@dataclass(frozen=True)
class TabSpec:
    """How a tab is built (inside its open gr.Tab, below its intro) and linked to the page (after every tab)."""

    intro: str  # the key of the tab's heading and first paragraph, "### {number}. ..."
    build: Callable[[Page], Any]  # lays the tab out, wires its own events, returns its dataclass
    link: Callable[[Any, Page, gr.Tab], None]  # (its dataclass, the page, its gr.Tab): page-load and cross-tab events


def tab_spec(name: str) -> TabSpec:
    """The TAB of ui/<name>/tab.py (imported by name: the tabs and this module never import each other)."""
    return importlib.import_module(f"ui.{name}.tab").TAB


def number_tabs(names: tuple[str, ...]) -> None:
    """Number the tabs' titles and intros from their place in the list, from 1."""
    for number, name in enumerate(names, start=1):
        for key in (f"tab.{name}", tab_spec(name).intro):
            fill(key, number=number)


def build_tabs(names: tuple[str, ...], page: Page) -> list[tuple[TabSpec, Any, gr.Tab]]:
    """Build the tabs of these ui folders in order, numbered, each with its teacher notes below it."""
    number_tabs(names)
    built = []
    for name in names:
        spec = tab_spec(name)
        with gr.Tab(t(f"tab.{name}"), id=name) as panel:
            gr.Markdown(t(spec.intro))
            built.append((spec, spec.build(page), panel))
            classroom.teacher_notes(name)
    return built


def link_tabs(built: list[tuple[TabSpec, Any, gr.Tab]], page: Page) -> None:
    """Each tab's page-load and cross-tab events, in the list's order."""
    for spec, tab, panel in built:
        spec.link(tab, page, panel)
