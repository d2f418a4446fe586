"""Data for a training run: splits, labels as ClassLabel, subsets and tokenization (used by core.training)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.data import DatasetSource, load_source
from core.train_config import TrainConfig

log = logging.getLogger(__name__)

IN_MEMORY_ROWS = 100_000  # tokenized subsets up to this size stay in RAM instead of the datasets cache


@dataclass
class PreparedData:
    """Tokenized train/eval sets, the class names (index = label id) and the collator to batch them."""

    train: object
    eval: object
    label_names: list[str]
    collator: object

    @property
    def num_labels(self) -> int:
        return len(self.label_names)


def prepare_data(config: TrainConfig, tokenizer) -> PreparedData:
    """Load, split, label-encode, subsample and tokenize the data a config points to."""
    dsd = load_source(DatasetSource.from_dict(config.dataset))
    train = _split(dsd, config.train_split, "train_split")
    _check_columns(train, config, config.train_split)
    eval_set = None
    if config.eval_split:
        eval_set = _split(dsd, config.eval_split, "eval_split")
        _check_columns(eval_set, config, config.eval_split)
    train = _drop_missing(train, config)
    train, names = encode_labels(train, config.label_column, config.num_labels)
    if eval_set is None:  # carved and capped before train is subsampled: eval rows never depend on train's cap
        train, eval_set = _carve_eval(train, config)
    else:
        eval_set = _align_labels(_drop_missing(eval_set, config), config.label_column, train)
    train = _subsample(train, config.max_train_samples, config.seed)
    eval_set = _subsample(eval_set, config.max_eval_samples, config.seed)
    return PreparedData(_tokenize(train, tokenizer, config), _tokenize(eval_set, tokenizer, config),
                        names, _collator(tokenizer, config))


def _split(dsd, name: str, field_name: str):
    if name not in dsd:
        hint = " or leave eval_split empty to carve one out of train" if field_name == "eval_split" else ""
        raise ValueError(f"{field_name}: split {name!r} not found - choose one of {', '.join(dsd)}{hint}")
    return dsd[name]


def _check_columns(dataset, config: TrainConfig, split: str) -> None:
    wanted = {"text_column": config.text_column, "text_pair_column": config.text_pair_column,
              "label_column": config.label_column}
    for field_name, column in wanted.items():
        if column and column not in dataset.column_names:
            raise ValueError(f"{field_name}: column {column!r} not found in split {split!r} - "
                             f"choose one of {', '.join(dataset.column_names)}")


def _drop_missing(dataset, config: TrainConfig):
    """Rows without a text or label cannot be trained on; drop them (only when there are any)."""
    columns = [c for c in (config.text_column, config.text_pair_column, config.label_column) if c]
    if not any(dataset.data.column(c).null_count for c in columns):
        return dataset
    kept = dataset.filter(lambda row: all(row[c] is not None for c in columns))
    log.warning("dropped %d rows with an empty text or label", len(dataset) - len(kept))
    if len(kept) == 0:
        raise ValueError("Every row has an empty text or label: check text_column and label_column")
    return kept


def encode_labels(dataset, column: str, num_labels: int = 0):
    """Make the label column a ClassLabel: names kept, strings class-encoded, integer ids checked."""
    import datasets

    feature = dataset.features[column]
    if isinstance(feature, datasets.ClassLabel):
        names = list(feature.names)
        _check_unlabelled(dataset, column)
    elif getattr(feature, "dtype", "") in {"string", "large_string"}:
        dataset = dataset.class_encode_column(column)
        names = list(dataset.features[column].names)
    elif getattr(feature, "dtype", "").startswith(("int", "uint", "float")):
        dataset, names = _encode_ids(dataset, column, num_labels)
    else:
        raise ValueError(f"label_column: {column!r} holds {feature}, not class names or ids - "
                         "choose the column with the classes")
    if num_labels and num_labels != len(names):
        raise ValueError(f"num_labels: {num_labels} but {column!r} has {len(names)} classes "
                         f"({', '.join(names[:10])}) - set num_labels to {len(names)} or 0")
    if len(names) < 2:
        raise ValueError(f"label_column: {column!r} has only {len(names)} class - a classifier needs at least 2")
    return dataset, names


def _encode_ids(dataset, column: str, num_labels: int):
    import datasets
    import pyarrow as pa
    import pyarrow.compute as pc

    values = dataset.data.column(column)
    if pa.types.is_floating(values.type):  # 0.0/1.0 from a CSV are ids; 0.5 is a regression target
        if not pc.all(pc.equal(values, pc.floor(values))).as_py():
            raise ValueError(f"label_column: {column!r} holds fractions (regression?) - "
                             "a classifier needs class ids 0, 1, 2 ... or class names")
        dataset = dataset.cast_column(column, datasets.Value("int64"))
    low, high = int(pc.min(values).as_py()), int(pc.max(values).as_py())
    count = num_labels or high + 1
    if low < 0 or high >= count:
        raise ValueError(f"label_column: label ids must be 0..{count - 1} but {column!r} holds {low}..{high} - "
                         f"fix the labels or set num_labels (now {num_labels or 'read from the data'})")
    names = [str(i) for i in range(count)]
    return dataset.cast_column(column, datasets.ClassLabel(names=names)), names


def _align_labels(eval_set, column: str, train):
    """Give the eval split the train split's class ids (names that train never saw are refused)."""
    import datasets

    target = train.features[column]
    feature = eval_set.features[column]
    if isinstance(feature, datasets.ClassLabel):
        if list(feature.names) != list(target.names):
            raise ValueError(f"label_column: eval split classes {feature.names} differ from train's {target.names}")
        _check_unlabelled(eval_set, column)
        return eval_set
    if getattr(feature, "dtype", "") in {"string", "large_string"}:
        unseen = sorted(set(eval_set.unique(column)) - set(target.names))
        if unseen:
            raise ValueError(f"label_column: the eval split has classes train never shows ({', '.join(unseen[:5])}) - "
                             "use a split with the same classes, or leave eval_split empty")
    else:
        high = max(eval_set.unique(column))
        if high >= target.num_classes or min(eval_set.unique(column)) < 0:
            raise ValueError(f"label_column: eval label ids must be 0..{target.num_classes - 1}, found {high}")
    return eval_set.cast_column(column, target)


def _check_unlabelled(dataset, column: str) -> None:
    """Hub test splits often hold -1 (no label): training or scoring on them would crash or mislead."""
    import pyarrow.compute as pc

    if len(dataset) and pc.min(dataset.data.column(column)).as_py() < 0:
        raise ValueError(f"label_column: {column!r} holds -1 (unlabelled rows, as in many Hub test splits) - "
                         "choose a labelled split, e.g. validation, or leave eval_split empty")


def _carve_eval(train, config: TrainConfig):
    """Hold out a stratified eval_fraction of train (every class keeps its share)."""
    try:
        parts = train.train_test_split(test_size=config.eval_fraction, seed=config.seed,
                                       stratify_by_column=config.label_column)
    except ValueError as err:  # e.g. a class with a single row cannot be stratified
        log.warning("stratified split impossible (%s): splitting at random", err)
        parts = train.train_test_split(test_size=config.eval_fraction, seed=config.seed)
    return parts["train"], parts["test"]


def _subsample(dataset, limit: int, seed: int):
    if limit and len(dataset) > limit:
        return dataset.shuffle(seed=seed).select(range(limit))
    return dataset


def _tokenize(dataset, tokenizer, config: TrainConfig):
    text, pair = config.text_column, config.text_pair_column
    padding = "max_length" if config.padding == "max_length" else False

    def encode(batch):
        args = (batch[text], batch[pair]) if pair else (batch[text],)
        return tokenizer(*args, truncation=True, max_length=config.max_length, padding=padding)

    remove = [c for c in dataset.column_names if c != config.label_column]
    encoded = dataset.map(encode, batched=True, remove_columns=remove,
                          keep_in_memory=len(dataset) <= IN_MEMORY_ROWS, desc="Tokenizing")
    return encoded.rename_column(config.label_column, "labels") if config.label_column != "labels" else encoded


def _collator(tokenizer, config: TrainConfig):
    from transformers import DataCollatorWithPadding, default_data_collator

    return DataCollatorWithPadding(tokenizer) if config.padding == "dynamic" else default_data_collator
