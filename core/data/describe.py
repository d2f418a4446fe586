"""Describe a loaded dataset: its columns and labels, random rows, label counts and text lengths."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.messages import UserError

TEXT_NAME_HINTS = ("text", "sentence", "review", "content", "body", "document", "question", "premise")
LABEL_NAME_HINTS = ("label", "labels", "class", "target", "sentiment", "category", "stars", "rating")


def class_names(dataset, column: str) -> list[str] | None:
    """The ClassLabel names of a column, or None when it holds raw values."""
    feature = dataset.features.get(column)
    return list(feature.names) if getattr(feature, "names", None) else None


def guess_columns(dataset) -> tuple[list[str], str | None]:
    """Pick the text column(s) and the label column where it is obvious."""
    import datasets  # slow import, deferred to first use

    strings = [c for c, f in dataset.features.items()
               if isinstance(f, datasets.Value) and f.dtype in {"string", "large_string"}]
    label = next((c for c, f in dataset.features.items() if isinstance(f, datasets.ClassLabel)), None)
    if label is None:
        label = next((c for c in dataset.column_names if c.lower() in LABEL_NAME_HINTS), None)
    pair = [c for c in ("sentence1", "sentence2") if c in strings] or \
           [c for c in ("question", "sentence") if c in strings]
    if len(pair) == 2:
        return pair, label
    hinted = [c for c in strings if c != label and any(h in c.lower() for h in TEXT_NAME_HINTS)]
    candidates = hinted or [c for c in strings if c != label]
    if not candidates:
        return [], label
    if len(candidates) > 1:  # the longest strings are the text; short ones are ids or categories
        import pyarrow.compute as pc

        # one Arrow read of the first rows: a per-column Python read is quadratic in the column count
        probe = dataset.select(range(min(len(dataset), 200))).with_format("arrow")[:]
        total = {c: pc.sum(pc.utf8_length(probe.column(c))).as_py() or 0 for c in candidates}
        candidates.sort(key=lambda c: -total[c])
    return candidates[:1], label


def describe(dsd) -> dict:
    """Splits with row counts, the features schema and the label names, as plain data."""
    first = next(iter(dsd.values()))
    text_cols, label_col = guess_columns(first)
    return {
        "splits": {name: len(split) for name, split in dsd.items()},
        "features": {col: _feature_text(f) for col, f in first.features.items()},
        "columns": list(first.column_names),
        "text_columns": text_cols,
        "label_column": label_col,
        "label_names": class_names(first, label_col) if label_col else None,
    }


def _feature_text(feature) -> str:
    names = getattr(feature, "names", None)
    if names:
        shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        return f"ClassLabel({len(names)}): {shown}"
    return getattr(feature, "dtype", None) or type(feature).__name__


def sample_rows(dataset, n: int = 10, seed: int | None = 0) -> pd.DataFrame:
    """n random rows (draws n indices and selects them: O(n), never a shuffle), labels shown as names."""
    if len(dataset) == 0:
        raise UserError("This split is empty: choose another split")
    n = max(1, min(int(n), 50, len(dataset)))
    if seed is not None and not 0 <= seed < 2**32:
        raise UserError("seed: {value} is not allowed - use a whole number from 0 to 4294967295, e.g. 0", value=seed)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(dataset), size=n, replace=False) if len(dataset) > 4 * n else \
        rng.permutation(len(dataset))[:n]
    frame = dataset.select(sorted(int(i) for i in idx)).to_pandas()
    frame.insert(0, "row", sorted(int(i) for i in idx))
    features = dataset.features  # a copy per access: read it once (a wide table has thousands of columns)
    for col in frame.columns:
        names = list(features[col].names) if col in features and getattr(features[col], "names", None) else None
        if names:
            frame[col] = [f"{names[v]} ({v})" if 0 <= v < len(names) else str(v) for v in frame[col]]
    return frame


def label_counts(dataset, label_column: str) -> pd.DataFrame:
    """Rows per label (names decoded), computed on the Arrow column without a Python loop."""
    if label_column not in dataset.column_names:
        raise UserError("Column {column!r} not found: choose one of {choices}", column=label_column,
                        choices=", ".join(dataset.column_names))
    counts = dataset.data.column(label_column).value_counts().to_pylist()
    names = class_names(dataset, label_column)
    rows = [{"label": names[c["values"]] if names and c["values"] is not None and 0 <= c["values"] < len(names)
             else str(c["values"]), "count": c["counts"]} for c in counts]
    return pd.DataFrame(rows, columns=["label", "count"]).sort_values("label", ignore_index=True)


def text_lengths(dataset, text_column: str, max_rows: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """Characters and words per text, over all rows or a random sample of max_rows."""
    if text_column not in dataset.column_names:
        raise UserError("Column {column!r} not found: choose one of {choices}", column=text_column,
                        choices=", ".join(dataset.column_names))
    subset = dataset
    if len(dataset) > max_rows:
        idx = np.random.default_rng(seed).choice(len(dataset), size=max_rows, replace=False)
        subset = dataset.select(sorted(int(i) for i in idx))
    import pyarrow.compute as pc  # slow import, deferred to first use

    # with_format("arrow") honours select()'s indices mapping; subset.data would be the whole unselected table
    column = subset.with_format("arrow")[text_column]

    chars = pc.utf8_length(column.cast("string")).to_numpy(zero_copy_only=False)
    words = pc.list_value_length(pc.utf8_split_whitespace(column.cast("string"))).to_numpy(zero_copy_only=False)
    return pd.DataFrame({"characters": np.nan_to_num(chars), "words": np.nan_to_num(words)}).astype(int)
