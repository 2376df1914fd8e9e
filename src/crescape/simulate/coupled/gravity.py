"""Gravity as a source term of the gas: momentum ρg and energy ρg·u on each Runge–Kutta stage.

The potential is static, Φ(z) along the line of the run (for the Galaxy,
:meth:`crescape.physics.potential.GalaxyPotential.phi_axis`). The force is
written, as in the well-balanced scheme of Käppeli & Mishra (2014, J. Comput.
Phys. 259, 199, §4), as the pressure differences of each cell's local
isothermal equilibrium across the cell,

    S_i = P_i [A_{i+1/2}(e^{−(Φ_{i+1/2} − Φ_i)/θ_i} − 1) − A_{i−1/2}(e^{−(Φ_{i−1/2} − Φ_i)/θ_i} − 1)] / V_i,

θ_i = P_i/ρ_i (the factors are :func:`crescape.simulate.gas.hydrostatic_factor`), which tends to ρ_i g_i (g = −dΦ/dz) as the cells shrink and
cancels exactly the flux difference and the geometric term of an isothermal
atmosphere in equilibrium reconstructed by the solver's hydrostatic
reconstruction (:meth:`crescape.simulate.gas.EulerSolver.set_potential`).
The energy source is S_i u_i of each stage; what gravity delivered is the
ledger's ``gravity_work`` (momentum and energy), drawn from the static
potential (the potential energy is not part of the evolved totals).
"""

from __future__ import annotations

import numpy as np

from .sources import GasSource

__all__ = ["Gravity"]


class Gravity(GasSource):
    """The gravitational force of a static potential on the gas (a source term of :mod:`.sources`).

    Parameters
    ----------
    grid : crescape.simulate.grid.SpatialGrid
    potential : callable
        Φ(z) [cm² s^-2] of the coordinate z [cm]; evaluated once at the centres and faces.
    """

    name = "gravity_work"

    def __init__(self, grid, potential):
        self.grid = grid
        self.phi_c = np.asarray(potential(grid.centres), dtype=float) * np.ones(grid.n)
        self.phi_f = np.asarray(potential(grid.faces), dtype=float) * np.ones(grid.n + 1)
        if not (np.all(np.isfinite(self.phi_c)) and np.all(np.isfinite(self.phi_f))):
            raise ValueError("potential is not allowed: must be finite at every cell and face")
        self.dphi_hi = self.phi_f[1:] - self.phi_c
        self.dphi_lo = self.phi_f[:-1] - self.phi_c

    def force(self, rho, P):
        """S_i [dyn cm^-3] (module docstring; Käppeli & Mishra 2014, §4)."""
        A, V = self.grid.area, self.grid.volume
        theta = P / rho
        # hydrostatic_factor − 1, without the cancellation
        hi = np.expm1(-self.dphi_hi / theta)
        lo = np.expm1(-self.dphi_lo / theta)
        return P * (A[1:] * hi - A[:-1] * lo) / V

    def acceleration(self):
        """g = −dΦ/dz at the centres from the face values [cm s^-2]."""
        return -np.diff(self.phi_f) / self.grid.dz

    def rates(self, rho, u, P, t):
        S = self.force(rho, P)
        return S, S * u
