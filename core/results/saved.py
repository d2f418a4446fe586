"""Why a run has no saved model, told truly: 'save model' was off, the run stopped before its end, or it is still
training. Per-example results, the eval report and Try it all need the saved model."""

from __future__ import annotations

from core.messages import UserError
from core.runs.store import RESUMABLE_STATES, RunStore


def no_model_error(store: RunStore, run_id: str) -> UserError:
    """The refusal for a run without a saved model, naming the fix that applies to this run."""
    config, state = store.read_config(run_id), store.read_status(run_id).get("state")
    if config.get("save_model") is False:
        return UserError("Run {run} has no saved model: 'save model' was off - train it again with 'save model' on",
                         run=run_id)
    if state in RESUMABLE_STATES:  # the model is saved after the final evaluation, which a stopped run never reached
        return UserError("Run {run} has no saved model: it was {state} before its final evaluation saved one - "
                         "resume it (Train tab, Resume) to finish it", run=run_id, state=state)
    if state == "done":  # it finished and saved one, since removed (a copied or pruned runs folder)
        return UserError("Run {run} has no saved model: its model folder is gone - train it again to get one",
                         run=run_id)
    return UserError("Run {run} has no saved model yet: it is {state} - its model is saved when it finishes",
                     run=run_id, state=str(state))
