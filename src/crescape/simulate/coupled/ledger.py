"""The budget ledger: every operator reports what it moved, under a name, into one of four budgets.

Each entry is a cumulative amount (per unit A of the geometry) in one of the
budgets ``mass``, ``momentum``, ``energy`` (sources and sinks of the whole
system: boundary fluxes and what floors added) or ``exchange`` (transfers
between the components inside the domain: work of the CR force on the gas,
field growth paid by the CRs, ...; they cancel in the totals and are kept to
show where the energy went). A budget closes when the change of the system's
total equals the sum of its sources; :meth:`Ledger.residual` returns that
difference. Entries whose name starts with ``floor_`` or ``unpaid_`` are
corrections, not physics: :meth:`Ledger.corrections` lists them so that a run
can check they are negligible.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Ledger", "KINDS"]

KINDS = ("mass", "momentum", "energy", "number", "exchange")


class Ledger:
    """Cumulative named amounts per budget kind."""

    def __init__(self):
        self.entries: dict[str, dict[str, float]] = {k: {} for k in KINDS}

    def add(self, kind: str, name: str, value: float) -> None:
        d = self.entries[kind]
        d[name] = d.get(name, 0.0) + float(value)

    def get(self, kind: str, name: str) -> float:
        return self.entries[kind].get(name, 0.0)

    def sources(self, kind: str) -> float:
        """Sum of every entry of a budget (the exchange budget is not summed)."""
        return float(sum(self.entries[kind].values()))

    def corrections(self, kind: str = "energy") -> dict:
        return {k: v for k, v in self.entries[kind].items() if k.startswith(("floor_", "unpaid_"))}

    def copy(self) -> Ledger:
        led = Ledger()
        led.entries = {k: dict(d) for k, d in self.entries.items()}
        return led

    def to_arrays(self) -> dict:
        return {
            f"ledger_{kind}__{name}": np.float64(v)
            for kind, d in self.entries.items()
            for name, v in d.items()
        }

    @classmethod
    def from_arrays(cls, a: dict) -> Ledger:
        led = cls()
        for k, v in a.items():
            if k.startswith("ledger_"):
                kind, name = k[7:].split("__", 1)
                led.entries[kind][name] = float(v)
        return led

    def flat(self) -> dict:
        return {f"{kind}.{name}": v for kind, d in self.entries.items() for name, v in d.items()}
