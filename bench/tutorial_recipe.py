"""The fine-tune written the way the Hugging Face tutorial does it, as the baseline the app is measured against.

load_dataset("csv") -> map(tokenize, batched=True) -> AutoModelForSequenceClassification -> TrainingArguments
-> Trainer -> evaluate accuracy. Only two things differ from the tutorial text: the model and the data are the
packaged offline ones, and the accuracy module is loaded from the project's copy (the Hub is unreachable).

Run alone: `python bench/tutorial_recipe.py [--quick] [--padding dynamic]` prints wall time and accuracy.
"""

from __future__ import annotations

import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path before any Hugging Face import)

from common import OUT_DIR, bench_model, parser, report, write_result


def step_clock():
    """A TrainerCallback keeping perf_counter() at the end of every optimizer step (for train-only samples/s)."""
    from transformers import TrainerCallback

    class StepClock(TrainerCallback):
        def __init__(self):
            self.times: list[float] = []

        def on_train_begin(self, args, state, control, **kwargs):
            self.times = [time.perf_counter()]

        def on_step_end(self, args, state, control, **kwargs):
            self.times.append(time.perf_counter())

        def samples_per_second(self, batch_size: int, warmup_steps: int) -> float:
            """Throughput over the steps after the warm-up (evaluation is not inside any step)."""
            if len(self.times) <= warmup_steps + 1:
                return float("nan")
            steps = len(self.times) - 1 - warmup_steps
            return steps * batch_size / (self.times[-1] - self.times[warmup_steps])

    return StepClock()


def run_recipe(out_dir: Path, *, model: str = "", max_length: int = 128, padding: str = "max_length", train_rows: int = 0,
               eval_rows: int = 0, max_steps: int = -1, batch_size: int = 16, learning_rate: float = 5e-5,
               seed: int = 42, logging_steps: int = 500, evaluate_at_end: bool = True, callbacks=()) -> dict:
    """The tutorial's script as a function; padding 'max_length' (the tutorial) or 'dynamic' (collator pads)."""
    start = time.perf_counter()
    import evaluate
    import numpy as np
    from datasets import load_dataset
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding,
                              Trainer, TrainingArguments, default_data_collator, set_seed)

    from core.data.source import SAMPLE_DIR
    from core.sources import embedded_model_path
    from core.training.metrics import METRIC_MODULES_DIR

    model_path = model or str(embedded_model_path())
    dataset = load_dataset("csv", data_files={"train": str(SAMPLE_DIR / "train.csv"),
                                              "test": str(SAMPLE_DIR / "test.csv")})
    dataset = dataset.class_encode_column("label")
    tokenizer = AutoTokenizer.from_pretrained(model_path)

    def tokenize_function(examples):
        return tokenizer(examples["text"], padding="max_length" if padding == "max_length" else False,
                         truncation=True, max_length=max_length)

    tokenized = dataset.map(tokenize_function, batched=True)
    # The tutorial's small_train_dataset = shuffle(seed).select(range(n)), only when a subset is asked for.
    train, test = tokenized["train"], tokenized["test"]
    if train_rows and train_rows < len(train):
        train = train.shuffle(seed=seed).select(range(train_rows))
    if eval_rows and eval_rows < len(test):
        test = test.shuffle(seed=seed).select(range(eval_rows))

    set_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(model_path, num_labels=2)
    metric = evaluate.load(str(METRIC_MODULES_DIR / "accuracy"))

    def compute_metrics(eval_pred):
        logits, labels = eval_pred
        return metric.compute(predictions=np.argmax(logits, axis=-1), references=labels)

    args = TrainingArguments(output_dir=str(out_dir), per_device_train_batch_size=batch_size,
                             per_device_eval_batch_size=32, learning_rate=learning_rate, num_train_epochs=1,
                             max_steps=max_steps, seed=seed, logging_steps=logging_steps, eval_strategy="no",
                             save_strategy="no", report_to="none", disable_tqdm=True)
    collator = default_data_collator if padding == "max_length" else DataCollatorWithPadding(tokenizer)
    trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=test, data_collator=collator,
                      compute_metrics=compute_metrics, callbacks=list(callbacks))
    train_out = trainer.train()
    metrics = trainer.evaluate() if evaluate_at_end else {}
    return {"wall_s": time.perf_counter() - start, "train_runtime": train_out.metrics["train_runtime"],
            "train_samples_per_second": train_out.metrics["train_samples_per_second"],
            "global_step": trainer.state.global_step, "train_rows": len(train), "eval_rows": len(test),
            "eval_accuracy": metrics.get("eval_accuracy"), "eval_loss": metrics.get("eval_loss")}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--padding", choices=("max_length", "dynamic"), default="max_length")
    p.add_argument("--max-length", type=int, default=128)
    args = p.parse_args()
    kwargs = dict(train_rows=32, eval_rows=32, max_length=32, model=bench_model(True)) if args.quick \
        else dict(max_length=args.max_length)
    result = run_recipe(OUT_DIR / "tmp" / "tutorial_recipe", padding=args.padding, **kwargs)
    report(f"tutorial recipe ({args.padding}): wall {result['wall_s']:.1f} s, "
           f"{result['train_samples_per_second']:.1f} train samples/s, accuracy {result['eval_accuracy']}")
    write_result("tutorial_recipe", {"quick": args.quick, "padding": args.padding, "result": result}, args.out)


if __name__ == "__main__":
    main()
