"""Results: predictions, the evaluation report, exported code and publishing a model."""
