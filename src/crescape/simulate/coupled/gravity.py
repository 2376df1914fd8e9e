"""Gravity as a source term of the gas: momentum ρg and energy ρg·u on each Runge–Kutta stage.

The potential is static, Φ(z) along the line of the run (for the Galaxy,
:meth:`crescape.physics.potential.GalaxyPotential.phi_axis`). The force is
written, as in the well-balanced scheme of Käppeli & Mishra (2014, J. Comput.
Phys. 259, 199), as the pressure differences of each cell's local isothermal
equilibrium across the cell,

    S_i = P_i [A_{i+1/2}(e^{−(Φ_{i+1/2} − Φ_i)/θ_i} − 1) − A_{i−1/2}(e^{−(Φ_{i−1/2} − Φ_i)/θ_i} − 1)] / V_i,

θ_i = P_i/ρ_i (the factors are :func:`crescape.simulate.gas.hydrostatic_factor`),
which tends to ρ_i g_i (g = −dΦ/dz) as the cells shrink and cancels exactly the flux difference and the geometric term of an isothermal
atmosphere in equilibrium reconstructed by the solver's hydrostatic
reconstruction (:meth:`crescape.simulate.gas.EulerSolver.set_potential`).
The energy source is written from the mass fluxes F of the stage through the
faces (the solver passes them, ``uses_face_flux``),

    S^E_i = −[A_{i+1/2} F_{i+1/2} (Φ_{i+1/2} − Φ_i) − A_{i−1/2} F_{i−1/2} (Φ_{i−1/2} − Φ_i)] / V_i,

the work ρ u·g of the cell (it tends to S_i u_i) in the form that makes the sum of the gas
energy and the potential energy Σ ρ_i Φ_i V_i change only by the potential energy the mass
carries through the boundary faces, Σ_b A F Φ_b Δt, to round-off: with the discrete
continuity equation V_i dρ_i/dt = −(A F)_{i+1/2} + (A F)_{i−1/2}, the sum over cells of
S^E_i V_i + Φ_i V_i dρ_i/dt telescopes to the boundary terms. The work gravity does is thus
drawn exactly from the potential energy it releases. What gravity delivered is the
ledger's ``gravity_work`` (momentum and energy).
"""

from __future__ import annotations

import numpy as np

from .sources import GasSource

__all__ = ["Gravity", "hydrostatic_halo", "bernoulli"]


class Gravity(GasSource):
    """The gravitational force of a static potential on the gas (a source term of :mod:`.sources`).

    Parameters
    ----------
    grid : crescape.simulate.grid.SpatialGrid
    potential : callable
        Φ(z) [cm² s^-2] of the coordinate z [cm]; evaluated once at the centres and faces.
    """

    name = "gravity_work"
    uses_face_flux = True

    def __init__(self, grid, potential):
        self.grid = grid
        self.phi_c = np.asarray(potential(grid.centres), dtype=float) * np.ones(grid.n)
        self.phi_f = np.asarray(potential(grid.faces), dtype=float) * np.ones(grid.n + 1)
        if not (np.all(np.isfinite(self.phi_c)) and np.all(np.isfinite(self.phi_f))):
            raise ValueError("potential is not allowed: must be finite at every cell and face")
        self.dphi_hi = self.phi_f[1:] - self.phi_c
        self.dphi_lo = self.phi_f[:-1] - self.phi_c

    def force(self, rho, P):
        """S_i [dyn cm^-3] (module docstring; Käppeli & Mishra 2014)."""
        A, V = self.grid.area, self.grid.volume
        theta = P / rho
        # hydrostatic_factor − 1, without the cancellation
        hi = np.expm1(-self.dphi_hi / theta)
        lo = np.expm1(-self.dphi_lo / theta)
        return P * (A[1:] * hi - A[:-1] * lo) / V

    def acceleration(self):
        """g = −dΦ/dz at the centres from the face values [cm s^-2]."""
        return -np.diff(self.phi_f) / self.grid.dz

    def work(self, mass_flux):
        """S^E_i [erg cm^-3 s^-1] from the face mass fluxes F [g cm^-2 s^-1] (module docstring)."""
        A, V = self.grid.area, self.grid.volume
        AF = A * mass_flux
        return -(AF[1:] * self.dphi_hi - AF[:-1] * self.dphi_lo) / V

    def potential_energy(self, rho):
        """Σ ρ_i Φ_i V_i [erg per unit A of the geometry]."""
        return float(np.sum(rho * self.phi_c * self.grid.volume))

    def potential_energy_flux(self, mass_flux):
        """Potential energy carried into the domain per unit time, A F Φ (inner − outer face)."""
        A = self.grid.area
        return float(A[0] * mass_flux[0] * self.phi_f[0] - A[-1] * mass_flux[-1] * self.phi_f[-1])

    def rates(self, rho, u, P, t, flux=None):
        S = self.force(rho, P)
        return S, (S * u if flux is None else self.work(flux[0]))


def hydrostatic_halo(sim, potential, rho_base=None, P_base=None) -> Gravity:
    """Put a coupled run in a static potential, its gas an isothermal atmosphere at rest.

    The solver reconstructs hydrostatically in Φ (:meth:`~crescape.simulate.gas.EulerSolver.set_potential`);
    the gas starts as the isothermal equilibrium through (ρ, P) at the halo boundary
    (default the run's ρ0, P0 there); the ``"inflow"`` reservoirs hold that atmosphere on the
    two boundary faces, so that the boundaries supply nothing while it is at rest;
    :class:`Gravity` is added to the gas step's source terms (ledger name ``gravity_work``)
    and the budgets restart from this state.

    Parameters
    ----------
    sim : crescape.simulate.coupled.CGMSimulation
    potential : callable
        Φ(z) [cm² s^-2], e.g. :meth:`crescape.physics.potential.GalaxyPotential.phi_axis`.
    rho_base, P_base : float or None
        Density [g cm^-3] and pressure [erg cm^-3] on the inner face.
    """
    from ..gas import hydrostatic_factor

    solver = sim.solver
    solver.set_potential(potential)
    rho_b = float(sim.rho0 if rho_base is None else rho_base)
    theta = solver.cs2 if solver.isothermal else float(sim.P0 if P_base is None else P_base) / rho_b
    fac = float(hydrostatic_factor(solver.phif[-1] - solver.phif[0], theta))
    solver.bval[:] = (rho_b, rho_b * theta, rho_b * fac, rho_b * theta * fac)
    sim.state.gas = solver.hydrostatic_state(rho_b, rho_b * theta)
    gravity = Gravity(sim.grid, potential)
    gas_op = next(op for op in sim.ops if op.name == "gas")
    gas_op.extra = (*tuple(s for s in gas_op.extra if s.name != gravity.name), gravity)
    sim.gravity = gravity
    sim.reset_initial()
    return gravity


def bernoulli(rho, u, P, phi, gamma, P_cr=None, gamma_cr=4.0 / 3.0):
    """Bernoulli parameter Be = u²/2 + γ/(γ−1) P/ρ + γ_c/(γ_c−1) P_c/ρ + Φ [cm² s^-2].

    Constant along a steady, adiabatic flow in the potential Φ (with the CR enthalpy for
    CRs advected with the gas; e.g. Ipavich 1975, ApJ 196, 107); Be > 0 where the gas can
    reach infinity (Φ → 0), Be < 0 where it is bound. Arrays per cell.
    """
    rho = np.asarray(rho, dtype=float)
    be = 0.5 * np.asarray(u, dtype=float) ** 2 + gamma / (gamma - 1.0) * np.asarray(P) / rho
    if P_cr is not None:
        be = be + gamma_cr / (gamma_cr - 1.0) * np.asarray(P_cr, dtype=float) / rho
    return be + np.asarray(phi, dtype=float)
