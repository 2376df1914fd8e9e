"""The interface every operator of the coupled run has (:mod:`.operators`, :mod:`.field_ops`)."""

from __future__ import annotations

__all__ = ["Operator"]


class Operator:
    """Interface of an operator of the coupled run."""

    name = "operator"

    def limits(self, state) -> dict:
        """Stable step limits [s] by name."""
        return {}

    def advance(self, state, dt: float, ledger) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def attrs(self) -> dict:
        return {}
