"""What one browser session carries between tabs (in a gr.State): the dataset it looked at and how."""

from __future__ import annotations

from dataclasses import dataclass

from core.data.source import SAMPLE, DatasetSource


@dataclass(frozen=True)
class Selection:
    """The Datasets tab's choice, read by the Tokenizer and Train tabs; small, immutable (replace() it) and hashable
    (Gradio hashes a state to see whether it changed)."""

    source: DatasetSource = SAMPLE
    split: str = "train"
    text_columns: tuple[str, ...] = ("text",)
    label_column: str | None = "label"
    label_names: tuple[str, ...] | None = ("negative", "positive")
    splits: tuple[tuple[str, int], ...] = (("train", 0), ("test", 0))  # (split, rows)
    recommended_max_length: int | None = None  # from the Tokenizer tab's length statistics
