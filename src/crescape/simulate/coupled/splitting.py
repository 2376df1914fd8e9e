"""The splitting that composes the operators of the coupled run, written once.

A step of length Δt applies the operators in order (Lie splitting), each to
the state the previous one left. The order is the physical chain of the
model: the current grows the field (paid by the CRs), the CR and magnetic
pressure forces accelerate the gas (their work time-centred in each stage), the
field is carried by the gas (paying the magnetic work), the CRs are
transported in z with D from the field and advected with the gas, and the
adiabatic term pays the CR work. Δt is the smallest of the operators' limits,
``dt_max`` and the time left to the next output; :attr:`SplitStepper.last_limit`
names the limit that set it.

The stepper takes any state with ``t``, ``step``, ``aux`` (a dict),
``set_time(t)`` and ``set_step(n)``: :class:`~.state.CoupledState` here, and
:class:`crescape.simulate.mhd.MHDState` for the 1.5D MHD operators.
"""

from __future__ import annotations

import math

__all__ = ["SplitStepper"]


class SplitStepper:
    """Compose operators with one clock.

    Parameters
    ----------
    operators : sequence of Operator
    dt_max : float
        Largest step [s].
    dt_initial : float
        First step [s]; each later step is at most ``growth`` times the one before, so
        that the start (the first growth of the field, the first CRs entering) is
        resolved and the result does not depend on the first step.
    growth : float
    """

    def __init__(self, operators, dt_max: float = math.inf, dt_initial=math.inf, growth=1.2):
        self.operators = list(operators)
        self.dt_max = float(dt_max)
        self.dt_initial = float(dt_initial)
        self.growth = float(growth)
        self.last_limit = ""
        self.last_dt = None

    def limits(self, state) -> dict:
        prev = self.last_dt if self.last_dt is not None else state.aux.get("last_dt")
        ramp = self.dt_initial if prev is None else self.growth * float(prev)
        out = {"dt_max": self.dt_max, "ramp": ramp}
        for op in self.operators:
            out.update(op.limits(state))
        return out

    def next_dt(self, state, t_stop: float = math.inf) -> float:
        lim = self.limits(state)
        name = min(lim, key=lim.get)
        dt = lim[name]
        rem = t_stop - state.t
        if dt >= rem * (1 - 1e-12):
            dt, name = rem, "output"
        self.last_limit = name
        return dt

    def step(self, state, dt: float, ledger) -> None:
        for op in self.operators:
            op.advance(state, dt, ledger)
        state.set_time(state.t + dt)
        state.aux["last_dt"] = self.last_dt = dt
        state.set_step(state.step + 1)

    def advance_to(self, state, t_stop: float, ledger, callback=None) -> None:
        """Step until t_stop (the last step lands on it exactly); ``callback(state)`` after each step."""
        while state.t < t_stop:
            dt = self.next_dt(state, t_stop)
            last = self.last_limit == "output"
            self.step(state, dt, ledger)
            if last:
                state.set_time(t_stop)
            if callback is not None and callback(state) is False:
                return
