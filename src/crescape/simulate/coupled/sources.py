"""Source terms of the gas: the protocol and the two forces of the coupled run.

A source term is one small class with a ``name`` and
``rates(rho, u, P, t) -> (s_mom, s_ener)`` [dyn cm^-3, erg cm^-3 s^-1]; the Euler
solver evaluates it on each Runge–Kutta stage and reports what it delivered per
cell. A term whose energy comes from another component (the CR or field
pressure force) is paid for by that component's operator, from the delivered
amount (:mod:`crescape.simulate.coupled.operators`). Gravity
(:mod:`crescape.simulate.coupled.gravity`) is a further class of the same shape; a
term that sets ``uses_face_flux = True`` is called as ``rates(rho, u, P, t, flux=F)``
with the stage's face fluxes F (3, n + 1), as gravity's work is written from the
mass fluxes. Radiative cooling, integrated exactly, is an operator of its own
(:mod:`crescape.simulate.coupled.cooling`).

Both forces are held fixed over a step (evaluated from the state when the gas
step starts) and written as differences of face values, so that the momentum
they give is the momentum flux through the boundaries plus, for the isotropic
CR pressure, the geometric term, to round-off.
"""

from __future__ import annotations

import numpy as np

from ..grid import face_values

__all__ = ["GasSource", "PressureForce", "face_force"]


class GasSource:
    """Protocol of a gas source term (see the module docstring)."""

    name = "source"
    uses_face_flux = False

    def rates(self, rho, u, P, t):  # pragma: no cover - protocol
        raise NotImplementedError


def face_force(P, grid, geometric: bool):
    """(f, A P on the faces): f = −A⁻¹∂_z(A P) (+ P A⁻¹∂_z A if ``geometric``) [dyn cm^-3].

    The face values are :func:`crescape.simulate.grid.face_values` (linear
    interpolation, linear extrapolation to the two boundary faces).
    """
    AP = grid.area * face_values(P, grid)
    f = -np.diff(AP) / grid.volume
    if geometric:
        f = f + np.asarray(P, dtype=float) * np.diff(grid.area) / grid.volume
    return f, AP


class PressureForce(GasSource):
    """The force of a pressure that is not the gas's own, its work f·u on each stage.

    Parameters
    ----------
    name : str
    grid : SpatialGrid
    geometric : bool
        True for an isotropic pressure (the CRs: −∇P), False for the pressure of
        a transverse field along z (−A⁻¹∂_z(A δB²/8π), which includes the hoop
        stress of a field transverse to the radius).
    """

    def __init__(self, name, grid, geometric):
        self.name = name
        self.grid = grid
        self.geometric = bool(geometric)
        self.f = np.zeros(grid.n)
        self.AP = np.zeros(grid.n + 1)
        self.P = np.zeros(grid.n)

    def freeze(self, P) -> None:
        """Hold the force of the cell pressures P over the next gas step."""
        self.P = np.asarray(P, dtype=float).copy()
        self.f, self.AP = face_force(self.P, self.grid, self.geometric)

    def momentum_boundary(self) -> float:
        """Momentum per unit time through the boundary faces, A P (inner) − A P (outer)."""
        return float(self.AP[0] - self.AP[-1])

    def momentum_geometric(self) -> float:
        return float(np.sum(self.P * np.diff(self.grid.area))) if self.geometric else 0.0

    def rates(self, rho, u, P, t):
        return self.f, self.f * u
