"""How one visitor looks at the training curves (smoothing, log scale, x by step or epoch, the best step) and the
charts' words in both languages. ui.charts draws with them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ui.i18n import register

X_AXES = ("step", "epoch")
MAX_SMOOTHING = 0.99

register(
    en={"chart.loss": "loss", "chart.lr": "learning rate and gradient norm", "chart.evaluation": "evaluation",
        "chart.throughput": "throughput", "chart.step": "step", "chart.epoch": "epoch", "chart.score": "score",
        "chart.no_run": "no run yet: press Start", "chart.waiting": "no points yet", "chart.pick_runs":
        "no run picked yet", "chart.best": "best (step {step})", "chart.raw": "{name} (raw)",
        "chart.confusion": "confusion matrix ({rows} eval rows)", "chart.predicted": "predicted", "chart.true": "true",
        "chart.s.train loss": "train loss", "chart.s.eval loss": "eval loss", "chart.s.learning rate": "learning rate",
        "chart.s.grad norm": "gradient norm", "chart.s.train steps/s": "train steps/s",
        "chart.s.eval samples/s": "eval samples/s", "chart.s.accuracy": "accuracy", "chart.s.f1": "f1",
        "chart.s.precision": "precision", "chart.s.recall": "recall",
        "chart.eval_accuracy": "eval accuracy", "chart.train_loss": "train loss",
        "chart.eval_perplexity": "eval perplexity"},
    zh={"chart.loss": "损失 (loss)", "chart.lr": "学习率和梯度范数", "chart.evaluation": "评估",
        "chart.throughput": "吞吐量", "chart.step": "步数 (step)", "chart.epoch": "轮次 (epoch)", "chart.score": "分数",
        "chart.no_run": "还没有运行：点“开始”", "chart.waiting": "还没有数据点", "chart.pick_runs": "还没有选择运行",
        "chart.best": "最佳（第 {step} 步）", "chart.raw": "{name}（原始）",
        "chart.confusion": "混淆矩阵（{rows} 条评估样本）", "chart.predicted": "预测", "chart.true": "真实",
        "chart.s.train loss": "训练 loss", "chart.s.eval loss": "验证 loss", "chart.s.learning rate": "学习率",
        "chart.s.grad norm": "梯度范数", "chart.s.train steps/s": "训练 步/秒",
        "chart.s.eval samples/s": "评估 样本/秒", "chart.s.accuracy": "accuracy", "chart.s.f1": "f1",
        "chart.s.precision": "precision", "chart.s.recall": "recall",
        "chart.eval_accuracy": "评估 accuracy", "chart.train_loss": "训练 loss",
        "chart.eval_perplexity": "评估困惑度 (perplexity)"},
)


@dataclass(frozen=True)
class ChartView:
    """How one visitor looks at the curves: smoothing, log-scale loss, x by step or epoch, the best step marked."""

    smoothing: float = 0.0  # TensorBoard's slider: the weight of the moving average, 0 = raw points
    log_loss: bool = False
    x_axis: str = "step"
    best_step: int | None = None

    @classmethod
    def of(cls, smoothing=0.0, log_loss=False, x_axis="step", best_step=None) -> "ChartView":
        """From widget values (a raw client may send anything): out-of-range values fall back to the defaults."""
        number = smoothing if isinstance(smoothing, (int, float)) and not isinstance(smoothing, bool) else 0.0
        best = best_step if isinstance(best_step, int) and not isinstance(best_step, bool) else None
        return cls(min(max(float(number), 0.0), MAX_SMOOTHING) if np.isfinite(number) else 0.0, log_loss is True,
                   x_axis if x_axis in X_AXES else "step", best)


def ema_extend(state: tuple, values, weight: float) -> tuple:
    """TensorBoard's smoothing, continued over the values not yet smoothed: an exponential moving average, debiased
    at the start; NaN stays NaN. state: (values done, average, finite values seen, smoothed values); a live chart
    keeps it, so a tick smooths only the points that arrived (bench/chart_tick.py)."""
    done, average, seen, out = state
    for value in list(values[done:]):
        if math.isfinite(value):
            average, seen = average * weight + (1 - weight) * value, seen + 1
            out.append(average / (1 - weight ** seen))
        else:
            out.append(math.nan)
    return len(values), average, seen, out


def ema(values, weight: float) -> np.ndarray:
    """A whole series smoothed (see ema_extend)."""
    return np.asarray(ema_extend((0, 0.0, 0, []), [float(v) for v in values], weight)[3], dtype=float)
