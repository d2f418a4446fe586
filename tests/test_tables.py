"""A table of review texts fits the page: its widths share 100 % by how long each column's cells are (issue 26)."""

import pandas as pd

from ui.tables import column_widths


def test_the_text_column_takes_the_room_and_every_column_keeps_some():
    frame = pd.DataFrame({"row": [1, 2], "label": ["negative", "positive"], "text": ["We had high hopes " * 20, "ok"]})
    widths = [float(w.rstrip("%")) for w in column_widths(frame)]
    assert abs(sum(widths) - 100) < 0.5 and widths[2] > 60 and min(widths) >= 5


def test_a_chinese_header_counts_its_characters_twice():
    narrow, wide = column_widths(pd.DataFrame({"ab": [1], "text": ["x" * 60]})), \
        column_widths(pd.DataFrame({"微调后置信度": [1], "text": ["x" * 60]}))
    assert float(wide[0].rstrip("%")) > float(narrow[0].rstrip("%"))


def test_the_runs_table_has_one_width_per_column_and_fills_the_page():
    from ui.runs.handlers import RUN_COLUMNS
    from ui.runs.tab import RUNS_TABLE_WIDTHS

    assert len(RUNS_TABLE_WIDTHS) == len(RUN_COLUMNS)
    assert sum(float(width.rstrip("%")) for width in RUNS_TABLE_WIDTHS) == 100
