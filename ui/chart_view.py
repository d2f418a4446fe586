"""How one visitor looks at the training curves (smoothing, log scale, x by step or epoch, the best step) and the
charts' words in both languages. ui.charts draws with them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


X_AXES = ("step", "epoch")
MAX_SMOOTHING = 0.99



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
