"""The tasks, one module each (classification, causal_lm): what a run of that task checks, prepares, trains, scores,
exports and writes in its card. core.task_registry names them and is what the rest of the app asks."""
