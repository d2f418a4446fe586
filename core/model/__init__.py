"""The model: checkpoints, their limits and the classification model a run trains."""
