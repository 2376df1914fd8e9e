"""The state of the coupled run: CR distribution, gas, field, one clock."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..gas import GasState
from ..state import State

__all__ = ["CoupledState"]


@dataclass
class CoupledState:
    """Everything that evolves, with one time and one step count.

    Attributes
    ----------
    cr : crescape.simulate.State
        CR number per unit volume and ln p, g[i, j] [cm^-3], with its particle budget.
    gas : crescape.simulate.gas.GasState
        ρ, ρu, E per cell, with the gas boundary budget.
    dB : array (n_z,)
        Turbulent field δB [G].
    t : float
        Time [s].
    step : int
    aux : dict of arrays
        Per-cell diagnostics that the operators keep between steps (growth rate,
        field status, time spent in each status); checkpointed with the rest.
    """

    cr: State
    gas: GasState
    dB: np.ndarray
    t: float = 0.0
    step: int = 0
    aux: dict = field(default_factory=dict)

    @property
    def g(self) -> np.ndarray:
        return self.cr.g

    def set_time(self, t: float) -> None:
        self.t = self.cr.t = self.gas.t = float(t)

    def set_step(self, n: int) -> None:
        self.step = self.cr.step = int(n)

    def to_arrays(self) -> dict:
        out = {f"cr_{k}": v for k, v in self.cr.to_arrays().items()}
        out.update(gas_rho=self.gas.rho, gas_mom=self.gas.mom, gas_ener=self.gas.ener)
        out.update({f"gasb_{k}": np.float64(v) for k, v in self.gas.budget.items()})
        out.update(dB=self.dB, t=np.float64(self.t), step=np.int64(self.step))
        out.update({f"aux_{k}": np.asarray(v) for k, v in self.aux.items()})
        return out

    @classmethod
    def from_arrays(cls, a: dict) -> CoupledState:
        cr = State.from_arrays({k[3:]: a[k] for k in a if k.startswith("cr_")})
        t = float(a["t"])
        gas = GasState(
            np.array(a["gas_rho"]),
            np.array(a["gas_mom"]),
            np.array(a["gas_ener"]),
            t,
            {k[5:]: float(a[k]) for k in a if k.startswith("gasb_")},
        )
        aux = {k[4:]: np.array(a[k]) for k in a if k.startswith("aux_")}
        return cls(cr, gas, np.array(a["dB"]), t, int(a["step"]), aux)
