"""What of a run others may see: the one rule, applied by every endpoint and view that shows a run.

A run learns from its data. When that data is a visitor's own (an upload, or on a public server a file of the
server's), whatever the run derived from it belongs to its owner: texts, the samples a causal LM writes and the
prompts it writes from, per-example rows, class names, column names and values, failure reasons that may quote
them, the exported script and the model. Everyone else sees the run's shape: its name, state, progress, counts and
metric curves (numbers). A run that continues another run's model ("run:<id>") inherits that run's privacy, since
its weights learned from the same data.

Who may see is core.ownership's rule: the owner, or the admin with ADMIN_KEY (a private server's own user
may see runs with no owner).
"""

from __future__ import annotations

from core.messages import N_, UserError
from core.ownership import may_change
from core.runs.store import RunStore
from core.settings import get_settings

RUN_MODEL_PREFIX = "run:"  # a model that continues a run (core.model.checkpoints.RUN_PREFIX, a layer above)
PRIVATE_KINDS = ("upload",)  # a visitor's own file; on a public server a server file (file, disk) is too
SERVER_KINDS = ("file", "disk")
MAX_CHAIN = 8  # "run:<id>" links followed; a longer chain is treated as private
# config fields that hold strings taken from the data or typed about it (prompts, columns, values, classes)
DATA_FIELDS = ("sample_prompts", "text_column", "text_pair_column", "label_column", "only_column", "only_value",
               "label_names", "dataset")
# a failure reason may quote the data (a column's values, class names): only the run's owner reads it
WITHHELD_REASON = N_("The reason is shown to the visitor who started this run.")


def private_data(config: dict) -> bool:
    """Whether a config's dataset is someone's own (not the Hub's or the embedded sample's)."""
    dataset = config.get("dataset") if isinstance(config.get("dataset"), dict) else {}
    kind = dataset.get("kind")
    return kind in PRIVATE_KINDS or (kind in SERVER_KINDS and get_settings().public)


def learned_privately(store: RunStore, run_id: str) -> bool:
    """Whether a run learned from private data: its own dataset, or the run its model continues from."""
    for _ in range(MAX_CHAIN):
        config = store.read_config(run_id)
        if private_data(config):
            return True
        model = str(config.get("model") or "")
        if not model.startswith(RUN_MODEL_PREFIX):
            return False
        run_id = model[len(RUN_MODEL_PREFIX):]
        if not store.exists(run_id):
            return False  # the run it continued from was deleted: what is left is this run's own data
    return True


def may_see_data(store: RunStore, run_id: str, caller: str, admin: bool = False) -> bool:
    """Whether this caller may see what the run derived from its data (see the module docstring)."""
    if not learned_privately(store, run_id):
        return True
    return may_change(str(store.read_status(run_id).get("owner") or ""), caller, admin)


def require_data_access(store: RunStore, run_id: str, caller: str, admin: bool = False) -> None:
    """Refuse, naming why, an action that would hand out what a run learned from another visitor's data."""
    if not may_see_data(store, run_id, caller, admin):
        raise UserError("This run learned from another visitor's own data: only they may see its texts, samples, "
                        "code or model (you may still follow its curves)")


def shown_snapshot(snapshot: dict, sees_data: bool, yours: bool) -> dict:
    """A job snapshot or status as a caller may see it: the samples (prompts and what the model wrote) only when
    they may see the run's data; the failure reason only when the run is theirs, whatever it learned from."""
    shown = dict(snapshot)
    if not sees_data and shown.get("samples"):
        shown["samples"] = []
    if not yours and shown.get("error"):
        shown["error"] = WITHHELD_REASON
    return shown


def shown_config(config: dict, sees_data: bool) -> dict:
    """A run's config as a caller may see it: fields that name or quote the data are blanked when not theirs."""
    if sees_data:
        return config
    blank = {name: [] if isinstance(config.get(name), list) else {} if isinstance(config.get(name), dict) else ""
             for name in DATA_FIELDS if name in config}
    return {**config, **blank}
