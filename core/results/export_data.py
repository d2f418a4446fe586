"""The data lines the exported scripts share: the embedded JSON-lines files beside a script, the held-out split, one
part of the data, and the caps on rows. One writer each, so the scripts of every task split and cap data alike.

Every config value is written by `lit` (core.results.literals).
"""

from __future__ import annotations

from core.results.literals import lit


def beside_lines(folder: str, what: str) -> list[str]:
    """`raw`: an embedded set's two JSON-lines files, which come in the zip beside the script in folder/."""
    files = ", ".join(f'"{s}": str(HERE / "{folder}" / "{s}.jsonl")' for s in ("train", "test"))
    return [f"# {what}: two JSON-lines files in the zip beside this script",
            f"raw = load_dataset(\"json\", data_files={{{files}}})"]


def holdout_lines(cfg: dict) -> list[str]:
    """train_ds and eval_ds: the evaluation split, or a part of train held out (not stratified: no labels)."""
    lines = [f"train_ds = raw[{lit(cfg['train_split'])}]"]
    if cfg.get("eval_split"):
        return lines + [f"eval_ds = raw[{lit(cfg['eval_split'])}]"]
    fraction, seed = lit(cfg["eval_fraction"]), lit(cfg["seed"])
    return lines + [f"parts = train_ds.train_test_split(test_size={fraction}, seed={seed})",
                    "train_ds, eval_ds = parts[\"train\"], parts[\"test\"]"]


def only_lines(cfg: dict, why: str = "") -> list[str]:
    """The rows whose only_column is only_value, in both sets (none when the run kept every row)."""
    if not cfg.get("only_column"):
        return []
    column, value = lit(cfg["only_column"]), lit(cfg["only_value"])
    return ([f"# {why}"] if why else []) + [
        f"train_ds = train_ds.filter(lambda row: str(row[{column}]) == {value})",
        f"eval_ds = eval_ds.filter(lambda row: str(row[{column}]) == {value})"]


def cap_lines(cfg: dict, why: str = "") -> list[str]:
    """A random subset of at most max_train_samples / max_eval_samples rows (0 or less: all of them)."""
    lines, note = [], f"  # {why}" if why else ""
    for name, cap in (("train_ds", cfg["max_train_samples"]), ("eval_ds", cfg["max_eval_samples"])):
        if cap and cap > 0:
            lines += [f"if len({name}) > {lit(cap)}:{note}",
                      f"    {name} = {name}.shuffle(seed={lit(cfg['seed'])}).select(range({lit(cap)}))"]
    return lines
