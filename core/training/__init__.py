"""Training: TrainConfig, data preparation, metrics, callbacks and the Trainer run."""
