"""Accuracy: the fraction of predictions equal to the reference label (an `evaluate` metric module).

Written for Fine-tune Studio after the official `evaluate` "accuracy" module, so that it loads offline
with `evaluate.load("<this folder>")`. Computed with scikit-learn's `accuracy_score`.
"""

import datasets
from sklearn.metrics import accuracy_score

import evaluate

_DESCRIPTION = """
Accuracy is the share of examples whose predicted label equals the reference label:
accuracy = correct predictions / all predictions, between 0 and 1 (higher is better).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `int`): predicted class ids.
    references (`list` of `int`): true class ids.
    normalize (`bool`): True (default) returns the fraction correct, False the count correct.
    sample_weight (`list` of `float`): optional weight of each example.
Returns:
    accuracy (`float`): the fraction (or count) of correct predictions.
Examples:
    >>> metric = evaluate.load("core/training/metric_modules/accuracy")
    >>> metric.compute(references=[0, 1, 2, 0], predictions=[0, 1, 1, 0])
    {'accuracy': 0.75}
"""

_CITATION = """
@article{scikit-learn, title={Scikit-learn: Machine Learning in {P}ython}, author={Pedregosa, F. and others},
  journal={Journal of Machine Learning Research}, volume={12}, pages={2825--2830}, year={2011}}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Accuracy(evaluate.Metric):
    """Accuracy of single-label (or, with config "multilabel", exact-match multi-label) predictions."""

    def _info(self):
        value = datasets.Value("int32")
        column = datasets.Sequence(value) if self.config_name == "multilabel" else value
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": column, "references": column}),
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.accuracy_score.html"],
        )

    def _compute(self, predictions, references, normalize=True, sample_weight=None):
        score = accuracy_score(references, predictions, normalize=normalize, sample_weight=sample_weight)
        return {"accuracy": float(score)}
