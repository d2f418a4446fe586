"""Column widths that fit a table to the page.

Gradio sizes each column by its longest cell written on one line, so a table with review texts grew wider than the
page: the text was cut at the right edge, its sideways scrollbar hidden on many systems (issue 26, item 6). Widths
in percent, shared by how long each column's cells are (capped), make the text column wrap inside the page.
"""

from __future__ import annotations

import unicodedata

import gradio as gr
import pandas as pd

CAP = 60  # characters: a column as wide as this takes its full share; longer text wraps
FLOOR = 5  # a column of one digit still fits its header
ROWS_READ = 50  # the widths come from the first rows only: a table may hold thousands


def shown_width(value) -> int:
    """How many Latin characters wide a cell's text is: a CJK character counts twice."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(value))


def column_widths(frame: pd.DataFrame) -> list[str]:
    """One width in percent per column, by the longest of its header and first cells, between FLOOR and CAP."""
    weights = [min(CAP, max(FLOOR, shown_width(header), *(shown_width(v) for v in frame.iloc[:ROWS_READ, i])))
               for i, header in enumerate(frame.columns)]
    total = sum(weights) or 1
    return [f"{100 * weight / total:.1f}%" for weight in weights]


def fitted(frame: pd.DataFrame, **props) -> gr.Dataframe:
    """The table as an update whose column widths keep its text columns inside the page."""
    return gr.Dataframe(value=frame, column_widths=column_widths(frame), **props)
