"""Precision: of the examples predicted as a class, the share that truly belong to it (an `evaluate` metric module).

Written for Fine-tune Studio after the official `evaluate` "precision" module, so that it loads offline
with `evaluate.load("<this folder>")`. Computed with scikit-learn's `precision_score`.
"""

import datasets
import numpy as np
from sklearn.metrics import precision_score

import evaluate

_DESCRIPTION = """
Precision = TP / (TP + FP): how often a predicted class is right.
Use average="binary" for two classes (scores the class `pos_label`) and "macro" (mean over classes,
each class counting the same) for more than two.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `int`): predicted class ids.
    references (`list` of `int`): true class ids.
    labels (`list` of `int`): the classes to include when average is not "binary" (default: all seen).
    pos_label (`int`): the positive class when average="binary". Defaults to 1.
    average (`str` or None): "binary" (default), "micro", "macro", "weighted", "samples", or None for
        one score per class.
    sample_weight (`list` of `float`): optional weight of each example.
    zero_division (`"warn"`, 0 or 1): the value used when a ratio divides by zero. Defaults to "warn".
Returns:
    precision (`float`, or an array of floats when average is None): between 0 and 1, higher is better.
Examples:
    >>> metric = evaluate.load("core/training/metric_modules/precision")
    >>> metric.compute(references=[0, 1, 0, 1], predictions=[0, 1, 1, 1])
    {'precision': 0.6666666666666666}
"""

_CITATION = """
@article{scikit-learn, title={Scikit-learn: Machine Learning in {P}ython}, author={Pedregosa, F. and others},
  journal={Journal of Machine Learning Research}, volume={12}, pages={2825--2830}, year={2011}}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Precision(evaluate.Metric):
    """Precision of single-label (or, with config "multilabel", multi-label) predictions."""

    def _info(self):
        value = datasets.Value("int32")
        column = datasets.Sequence(value) if self.config_name == "multilabel" else value
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": column, "references": column}),
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.precision_score.html"],
        )

    def _compute(self, predictions, references, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
        score = precision_score(references, predictions, labels=labels, pos_label=pos_label, average=average,
                       sample_weight=sample_weight, zero_division=zero_division)
        return {"precision": float(score) if np.ndim(score) == 0 else score}
