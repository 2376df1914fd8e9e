"""The state of a transport run: the distribution, the time and the particle budget."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["State", "BUDGET_KEYS"]

#: Cumulative particle numbers (per unit A as the geometry defines it):
#: entered through the inner face, left through the outer face, entered through
#: the lowest momentum face, left through the highest one, injected by Q.
BUDGET_KEYS = ("inner_in", "outer_out", "p_low_in", "p_high_out", "source")


@dataclass
class State:
    """Distribution g[i, j] (number per unit volume per unit ln p, cm^-3), time, step count, budget.

    Attributes
    ----------
    g : ndarray (n_z, n_p)
    t : float
        Time [s].
    step : int
        Number of steps taken.
    budget : dict
        Cumulative particle numbers through each boundary (:data:`BUDGET_KEYS`).
    """

    g: np.ndarray
    t: float = 0.0
    step: int = 0
    budget: dict = field(default_factory=lambda: {k: 0.0 for k in BUDGET_KEYS})

    def copy(self) -> State:
        return State(self.g.copy(), self.t, self.step, dict(self.budget))

    def to_arrays(self) -> dict:
        """Everything needed to restart, as numpy arrays (for checkpoints)."""
        out = {"g": self.g, "t": np.float64(self.t), "step": np.int64(self.step)}
        out.update({f"budget_{k}": np.float64(v) for k, v in self.budget.items()})
        return out

    @classmethod
    def from_arrays(cls, arrays) -> State:
        budget = {k: float(arrays[f"budget_{k}"]) for k in BUDGET_KEYS}
        return cls(
            np.array(arrays["g"], dtype=float), float(arrays["t"]), int(arrays["step"]), budget
        )
