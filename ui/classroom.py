"""Classroom helpers: a presentation mode for projectors and a teacher-notes panel per tab."""

from __future__ import annotations

import gradio as gr

from ui.i18n import t

TOGGLE_JS = "() => { document.body.classList.toggle('ft-present'); }"


def present_button() -> gr.Button:
    """A button that toggles large fonts and charts for a projector (pure browser side, no server call)."""
    btn = gr.Button(t("cls.present"), size="sm", scale=0, min_width=200)
    btn.click(None, js=TOGGLE_JS, api_visibility="private")
    return btn


def teacher_notes(tab: str) -> gr.Accordion:
    """A closed panel explaining a tab's step in a paragraph, pointing at the exported script."""
    with gr.Accordion(t("cls.notes"), open=False) as panel:
        gr.Markdown(t(f"cls.notes.{tab}"))
    return panel
