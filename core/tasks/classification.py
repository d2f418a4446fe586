"""The classification task: sort texts (or text pairs) into classes, scored by accuracy, f1, precision and recall.

Its pieces live in the layers below (core.training.prepare for the data, core.model.checkpoints for the model,
core.training.metrics for the scores, core.results for the script and the card); this module says which ones a
classification run uses.
"""

from __future__ import annotations

from core.messages import UserError
from core.model.checkpoints import check_max_length, load_classifier
from core.results.diagnosis import majority_class
from core.results.export_script import generate_script
from core.results.model_card import build_card, labels_of
from core.task_registry import Task
from core.training.metrics import make_compute_metrics


RESULT_PASSES = 3  # over the eval rows after training: the report's (saved model), the examples' (saved, base)


def passes_progress(progress, passes: int):
    """One progress(done, total) over several passes of the same batches, each reporting its own (1..n, n)."""
    seen = {"pass": 0}

    def report(done: int, total: int) -> None:
        if done == 1:
            seen["pass"] += 1
        progress(min(seen["pass"] - 1, passes - 1) * total + done, passes * total)
    return report


class Classification(Task):
    name = "classification"
    has_classes = True
    shares_untrained_eval = True  # compute_metrics only: the same head from the same seed scores the same
    estimates = True
    trains_new_head = True
    lora_task_type = "SEQ_CLS"
    export_forms = ("trainer", "loop", "accelerate")
    compare_metric = "eval_accuracy"

    def check(self, config) -> None:
        for name in ("train_split", "text_column", "label_column"):
            if not getattr(config, name):
                raise UserError("{name}: must not be empty - e.g. {example!r}", name=name,
                                example=type(config).__dataclass_fields__[name].default)
        if config.text_pair_column and config.text_pair_column == config.text_column:
            raise UserError("text_pair_column: same as text_column - choose the second text column or leave it empty")
        if config.label_column in (config.text_column, config.text_pair_column):
            raise UserError("label_column: same as a text column - choose the column holding the classes")

    def check_access(self, config) -> None:
        if config.train_mode != "full" and not config.trust_remote_code:
            # remote code: the run itself will say
            from core.model.estimate import check_train_mode  # imports torch and transformers: only when needed

            check_train_mode(config)  # too many layers, unknown LoRA layers: refused before the run queues

    def best_metric(self, config) -> tuple[str, bool]:
        return f"eval_{config.metrics[0]}", False

    def findings(self, train, evals, config, report: dict | None, live: bool) -> list:
        """The majority-class trap, read from the evaluation report's confusion matrix once the run is over."""
        return [majority_class(report, config)] if report and not live else []

    def finish_results(self, store, run_id: str, progress) -> None:
        """The eval report (confusion matrix, per-class scores) and the per-example results, one pass of the saved
        model and one of the base model over the eval rows, counted in batches together."""
        from core.results import eval_report, examples  # load models and datasets: only after training

        overall = passes_progress(progress, RESULT_PASSES)
        eval_report.eval_report(store, run_id, progress=overall)
        examples.run_examples(store, run_id, progress=overall)

    def check_model(self, config, model_config, tokenizer) -> None:
        check_max_length(config.model, getattr(config, self.length_setting), model_config, tokenizer,
                         self.length_setting)

    def prepare_data(self, config, tokenizer):
        from core.training.prepare import prepare_data  # loads pandas: not for a config's checks (0.9 s)

        return prepare_data(config, tokenizer)

    def load_model(self, config, data, tokenizer):
        return load_classifier(config.model, data.label_names, tokenizer, config.trust_remote_code)

    def compute_metrics(self, config, data):
        return make_compute_metrics(config.metrics, data.num_labels)

    def export_script(self, config) -> str:
        return generate_script(config)

    def model_card(self, store, run_id: str, config, repo_id: str) -> str:
        report, status = store.read_eval(run_id, "report"), store.read_status(run_id)
        labels = report.get("labels") or labels_of(store, run_id)
        best = status.get("best_step") if isinstance(status.get("best_step"), int) else None
        return build_card(config, repo_id, store.read_eval(run_id, "baseline"), store.read_eval(run_id, "final"),
                          labels, best,
                          train_rows=f"at most {config.max_train_samples}" if config.max_train_samples else "all",
                          eval_rows=report.get("rows") or "?")


TASK = Classification()
