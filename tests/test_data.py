"""core.data: every file format, sampling, label decoding and each bad input."""

import json

import datasets
import pandas as pd
import pytest

from core import sources
from core.data import describe, loading, source
from core.settings import Settings

ROWS = [{"review": f"text number {i} " + "word " * (i % 7), "label": ["neg", "pos"][i % 2], "id": i}
        for i in range(40)]


def write_file(tmp_path, suffix):
    frame = pd.DataFrame(ROWS)
    path = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == ".json":
        path.write_text(json.dumps(ROWS))
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".parquet"])
def test_each_file_format_loads_with_columns_guessed(tmp_path, suffix, isolated_settings):
    dsd = loading.load_source(source.DatasetSource("file", path=str(write_file(tmp_path, suffix))))
    info = describe.describe(dsd)
    assert info["splits"] == {"train": 40}
    assert info["text_columns"] == ["review"]
    assert info["label_column"] == "label"


def test_embedded_sample_has_named_labels_and_two_splits():
    dsd = loading.load_source(source.SAMPLE)
    info = describe.describe(dsd)
    assert set(info["splits"]) == {"train", "test"}
    assert sum(info["splits"].values()) >= 1000
    assert info["label_names"] == ["negative", "positive"]
    assert info["text_columns"] == ["text"]


def test_sample_rows_decodes_class_labels_and_is_seeded():
    ds = datasets.Dataset.from_dict({"text": ["a", "b", "c", "d", "e"], "label": [0, 1, 2, 1, 0]},
                                    features=datasets.Features({"text": datasets.Value("string"),
                                                                "label": datasets.ClassLabel(names=["x", "y", "z"])}))
    frame = describe.sample_rows(ds, 3, seed=1)
    assert len(frame) == 3
    assert set(frame["label"]) <= {"x (0)", "y (1)", "z (2)"}
    assert frame.equals(describe.sample_rows(ds, 3, seed=1))
    assert len(describe.sample_rows(ds, 500)) == 5  # capped at the split size


def test_sample_rows_selects_k_indices_without_shuffling(monkeypatch):
    ds = datasets.Dataset.from_dict({"text": [str(i) for i in range(10_000)]})
    monkeypatch.setattr(datasets.Dataset, "shuffle", lambda *a, **k: pytest.fail("shuffled the whole split"))
    frame = describe.sample_rows(ds, 20, seed=3)
    assert len(frame) == 20 and frame["row"].is_unique
    assert list(frame["text"]) == [str(i) for i in frame["row"]]


def test_label_counts_and_lengths():
    ds = loading.load_source(source.SAMPLE)["train"]
    counts = describe.label_counts(ds, "label")
    assert list(counts["label"]) == ["negative", "positive"]
    assert counts["count"].sum() == len(ds)
    lengths = describe.text_lengths(ds, "text")
    assert len(lengths) == len(ds) and lengths["words"].min() >= 1
    assert lengths["words"].max() > 40


def test_text_lengths_measures_only_the_sampled_rows():
    # row i has i+1 words; a sample must measure its own rows, not the whole table behind select()
    ds = datasets.Dataset.from_dict({"text": [" ".join(["w"] * (i + 1)) for i in range(3_000)]})
    lengths = describe.text_lengths(ds, "text", max_rows=500, seed=1)
    assert len(lengths) == 500
    assert lengths["words"].is_unique and lengths["words"].between(1, 3_000).all()
    assert (lengths["characters"] == 2 * lengths["words"] - 1).all()


def test_guess_columns_finds_sentence_pairs():
    ds = datasets.Dataset.from_dict({"idx": [1], "sentence1": ["a b"], "sentence2": ["c d"], "label": [1]})
    assert describe.guess_columns(ds) == (["sentence1", "sentence2"], "label")


def test_no_text_column_is_reported_as_empty_choice(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    dsd = loading.load_source(source.DatasetSource("file", path=str(path)))
    assert describe.describe(dsd)["text_columns"] == []


@pytest.mark.parametrize("name,content,fix", [
    ("empty.csv", b"", "is empty"),
    ("latin1.csv", "text,label\ncaf\xe9 cr\xe8me,1\n".encode("latin-1"), "UTF-8"),
    ("bad.parquet", b"this is not parquet at all", "could not be read"),
    ("table.xlsx", b"PK\x03\x04", "upload a .csv"),
    ("header_only.csv", b"text,label\n", "empty"),
])
def test_bad_files_get_a_message_naming_the_fix(tmp_path, name, content, fix):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=fix):
        loading.load_source(source.DatasetSource("file", path=str(path)))


def test_upload_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    from core import settings

    monkeypatch.setattr(settings, "_current", Settings(max_upload_mb=1))
    path = tmp_path / "big.csv"
    path.write_bytes(b"text,label\n" + b"x" * (2 * 2**20) + b",1\n")
    with pytest.raises(ValueError, match="over the 1 MB upload limit.*MAX_UPLOAD_MB"):
        loading.load_source(source.DatasetSource("file", path=str(path)))


def test_hub_dataset_offline_fails_fast_with_a_way_out():
    assert not sources.is_online()
    with pytest.raises(ValueError, match="offline.*embedded sample"):
        loading.load_source(source.DatasetSource("hub", name="imdb"))


def test_unknown_split_and_empty_hub_id():
    with pytest.raises(ValueError, match="choose one of train, test"):
        loading.load_source(source.DatasetSource("sample", split="validation"))
    with pytest.raises(ValueError, match="Hub dataset id"):
        source.DatasetSource("hub", name="  ")


def test_saved_folder_loads(tmp_path):
    datasets.Dataset.from_dict({"text": ["a", "b"], "label": [0, 1]}).save_to_disk(tmp_path / "saved")
    dsd = loading.load_source(source.DatasetSource("disk", path=str(tmp_path / "saved")))
    assert dsd["train"].num_rows == 2
    with pytest.raises(ValueError, match="save_to_disk"):
        loading.load_source(source.DatasetSource("disk", path=str(tmp_path / "nothing")))
