"""Data for a training run: splits, labels as ClassLabel, subsets and tokenization (used by the trainer and
the evaluation report)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.data.loading import load_source
from core.messages import UserError
from core.settings import get_settings
from core.training.config import TrainConfig

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
    train, eval_set, names = select_rows(config)
    return PreparedData(_tokenize(train, tokenizer, config), _tokenize(eval_set, tokenizer, config),
                        names, _collator(tokenizer, config))


def select_rows(config: TrainConfig):
    """The rows a run trains and evaluates on, before tokenization: (train, eval, label names). The eval rows, in
    this order, are the ones every evaluation of the run scores (per-example results show their texts)."""
    dsd = load_source(config.dataset)
    train = _split(dsd, config.train_split, "train_split")
    _check_columns(train, config, config.train_split)
    train = keep_only(train, config, config.train_split)
    eval_set = None
    if config.eval_split:
        eval_set = _split(dsd, config.eval_split, "eval_split")
        _check_columns(eval_set, config, config.eval_split)
        eval_set = keep_only(eval_set, config, config.eval_split)
    train = _drop_missing(train, config)
    train, names = encode_labels(train, config.label_column, config.num_labels)
    if eval_set is None:  # carved and capped before train is subsampled: eval rows never depend on train's cap
        train, eval_set = _carve_eval(train, config)
    else:
        eval_set = _align_labels(_drop_missing(eval_set, config), config.label_column, train)
    train = _subsample(train, get_settings().train_rows(config.max_train_samples), config.seed)
    eval_set = _subsample(eval_set, config.max_eval_samples, config.seed)
    return train, eval_set, names


def _split(dsd, name: str, field_name: str):
    if name not in dsd:
        if field_name == "eval_split":
            raise UserError("eval_split: split {split!r} not found - choose one of {choices} or leave eval_split "
                            "empty to carve one out of train", split=name, choices=", ".join(dsd))
        raise UserError("{field}: split {split!r} not found - choose one of {choices}", field=field_name, split=name,
                        choices=", ".join(dsd))
    return dsd[name]


def _check_columns(dataset, config: TrainConfig, split: str) -> None:
    wanted = {"text_column": config.text_column, "text_pair_column": config.text_pair_column,
              "label_column": config.label_column}
    for field_name, column in wanted.items():
        if column and column not in dataset.column_names:
            raise UserError("{field}: column {column!r} not found in split {split!r} - choose one of {choices}",
                            field=field_name, column=column, split=split, choices=", ".join(dataset.column_names))


def keep_only(dataset, config: TrainConfig, split: str):
    """Rows whose only_column equals only_value (e.g. domain = hotels), when the config names one."""
    column, value = config.only_column, config.only_value
    if not column:
        return dataset
    if column not in dataset.column_names:
        raise UserError("only_column: column {column!r} not found in split {split!r} - choose one of {choices}",
                        column=column, split=split, choices=", ".join(dataset.column_names))
    kept = dataset.filter(lambda row: str(row[column]) == value, desc="Keeping one value")
    if len(kept) == 0:
        seen = sorted({str(v) for v in dataset.unique(column)})[:10]
        raise UserError("only_value: no row of split {split!r} has {column} = {value!r} - choose one of {choices}",
                        split=split, column=column, value=value, choices=", ".join(seen))
    return kept


def _drop_missing(dataset, config: TrainConfig):
    """Rows without a text or label cannot be trained on; drop them (only when there are any)."""
    columns = [c for c in (config.text_column, config.text_pair_column, config.label_column) if c]
    if not any(dataset.data.column(c).null_count for c in columns):
        return dataset
    kept = dataset.filter(lambda row: all(row[c] is not None for c in columns))
    log.warning("dropped %d rows with an empty text or label", len(dataset) - len(kept))
    if len(kept) == 0:
        raise UserError("Every row has an empty text or label: check text_column and label_column")
    return kept


def encode_labels(dataset, column: str, num_labels: int = 0):
    """Make the label column a ClassLabel: names kept, strings class-encoded, integer ids checked."""
    import datasets  # slow import, deferred to first use

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
        raise UserError("label_column: {column!r} holds {feature}, not class names or ids - choose the column with the "
                        "classes", column=column, feature=feature)
    if num_labels and num_labels != len(names):
        raise UserError("num_labels: {num_labels} but {column!r} has {count} classes ({names}) - set num_labels to "
                        "{count} or 0", num_labels=num_labels, column=column, count=len(names),
                        names=", ".join(names[:10]))
    if len(names) < 2:
        raise UserError("label_column: {column!r} has only {count} class - a classifier needs at least 2",
                        column=column, count=len(names))
    return dataset, names


def _encode_ids(dataset, column: str, num_labels: int):
    import datasets  # slow import, deferred to first use
    import pyarrow as pa
    import pyarrow.compute as pc

    values = dataset.data.column(column)
    if pa.types.is_floating(values.type):  # 0.0/1.0 from a CSV are ids; 0.5 is a regression target
        if not pc.all(pc.equal(values, pc.floor(values))).as_py():
            raise UserError("label_column: {column!r} holds fractions (regression?) - a classifier needs class ids "
                            "0, 1, 2 ... or class names", column=column)
        dataset = dataset.cast_column(column, datasets.Value("int64"))
    low, high = int(pc.min(values).as_py()), int(pc.max(values).as_py())
    count = num_labels or high + 1
    if low < 0 or high >= count:
        raise UserError("label_column: label ids must be 0..{top} but {column!r} holds {low}..{high} - fix the labels "
                        "or set num_labels (now {now})", top=count - 1, column=column, low=low, high=high,
                        now=num_labels or "read from the data")
    names = [str(i) for i in range(count)]
    return dataset.cast_column(column, datasets.ClassLabel(names=names)), names


def _align_labels(eval_set, column: str, train):
    """Give the eval split the train split's class ids (names that train never saw are refused)."""
    import datasets  # slow import, deferred to first use

    target = train.features[column]
    feature = eval_set.features[column]
    if isinstance(feature, datasets.ClassLabel):
        if list(feature.names) != list(target.names):
            raise UserError("label_column: eval split classes {eval_names} differ from train's {train_names}",
                            eval_names=feature.names, train_names=target.names)
        _check_unlabelled(eval_set, column)
        return eval_set
    if getattr(feature, "dtype", "") in {"string", "large_string"}:
        unseen = sorted(set(eval_set.unique(column)) - set(target.names))
        if unseen:
            raise UserError("label_column: the eval split has classes train never shows ({unseen}) - use a split with "
                            "the same classes, or leave eval_split empty", unseen=", ".join(unseen[:5]))
    else:
        high = max(eval_set.unique(column))
        if high >= target.num_classes or min(eval_set.unique(column)) < 0:
            raise UserError("label_column: eval label ids must be 0..{top}, found {high}", top=target.num_classes - 1,
                            high=high)
    return eval_set.cast_column(column, target)


def _check_unlabelled(dataset, column: str) -> None:
    """Hub test splits often hold -1 (no label): training or scoring on them would crash or mislead."""
    import pyarrow.compute as pc  # slow import, deferred to first use

    if len(dataset) and pc.min(dataset.data.column(column)).as_py() < 0:
        raise UserError("label_column: {column!r} holds -1 (unlabelled rows, as in many Hub test splits) - choose a "
                        "labelled split, e.g. validation, or leave eval_split empty", column=column)


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
    from transformers import DataCollatorWithPadding, default_data_collator  # slow import, deferred to first use

    return DataCollatorWithPadding(tokenizer) if config.padding == "dynamic" else default_data_collator
