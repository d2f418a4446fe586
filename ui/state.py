"""What one browser session carries between tabs: small, copyable, JSON-safe values only."""

from __future__ import annotations

from core.data.source import SAMPLE, DatasetSource


def default_selection() -> dict:
    """The embedded sample with its columns, as the Datasets tab would pick them."""
    return {
        "source": vars(SAMPLE).copy(),
        "split": "train",
        "text_columns": ["text"],
        "label_column": "label",
        "label_names": ["negative", "positive"],
        "splits": {"train": 0, "test": 0},
        "recommended_max_length": None,
        "tokenizer": "",
    }


def source_of(selection: dict) -> DatasetSource:
    """The DatasetSource a selection points to."""
    return DatasetSource.from_dict((selection or default_selection())["source"])
