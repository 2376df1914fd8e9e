"""The 1.5D MHD solver of :mod:`crescape.simulate.mhd` as operators of the coupled framework.

Each operator has the interface of :class:`crescape.simulate.coupled.base.Operator`
(``limits(state)``, ``advance(state, dt, ledger)``, ``attrs()``) and acts in place on an
:class:`~crescape.simulate.mhd.MHDState`; :meth:`BellMHD.operators
<crescape.simulate.mhd.BellMHD.operators>` builds them and :meth:`BellMHD.stepper
<crescape.simulate.mhd.BellMHD.stepper>` composes them with the coupled
:class:`~crescape.simulate.coupled.splitting.SplitStepper`:

* :class:`MHDFluxOperator` – the finite-volume update of the ideal 1.5D MHD equations with
  the CR force and its work, one SSP-RK2 (Heun) step (Shu & Osher 1988); its limits are the
  fast-wave Courant time and the CR-force time;
* :class:`HallOperator` – the Hall part of the induction equation over a fraction of the
  step (:meth:`BellMHD.hall_step <crescape.simulate.mhd.BellMHD.hall_step>`); two of them,
  each over Δt/2, around the flux operator make Strang's splitting (Strang 1968).

Both record into the ledger (:class:`~crescape.simulate.coupled.ledger.Ledger`) what the
CR current gave the gas and field: the impulse per unit area ``momentum.cr_impulse_x``,
``_y``, ``_z`` and the work ``energy.cr_work`` (the Hall field's work −J_CR·E_Hall included).
"""

from __future__ import annotations

import numpy as np

from .coupled.base import Operator
from .mhd_kernels import _fast_speed_np

__all__ = ["MHDFluxOperator", "HallOperator", "IMPULSE", "WORK"]

_FOURPI = 4.0 * np.pi
_EIGHTPI = 8.0 * np.pi

#: ledger entries (kind, name) of the CR impulse along x, y, z and of the CR work
IMPULSE = (("momentum", "cr_impulse_x"), ("momentum", "cr_impulse_y"), ("momentum", "cr_impulse_z"))
WORK = ("energy", "cr_work")


class MHDFluxOperator(Operator):
    """Finite volumes of ideal 1.5D MHD with the CR force, one SSP-RK2 step per advance.

    U1 = U + Δt L(U), U' = (U + U1 + Δt L(U1))/2 (Heun; Shu & Osher 1988), L the
    semi-discrete right-hand side of :meth:`BellMHD.rhs <crescape.simulate.mhd.BellMHD.rhs>`.
    The CR force and its work S are accumulated with the same weights, Δt Δx (S(U) + S(U1))/2
    summed over cells, so that in the periodic box Σ ρu and ΣE change by exactly the recorded
    impulse and work.

    Parameters
    ----------
    sim : crescape.simulate.mhd.BellMHD
    """

    name = "mhd_flux"

    def __init__(self, sim):
        self.sim = sim

    def limits(self, state) -> dict:
        """cfl Δx/max(|u_x| + c_f) (``fast_wave``) and cfl/(k_c v_A,max) (``cr_force``) [s].

        Raises FloatingPointError on a non-positive density or pressure.
        """
        sim = self.sim
        W = sim.primitive(state)
        if not (np.all(W[0] > 0) and np.all(W[6] > 0) and np.all(np.isfinite(W))):
            raise FloatingPointError(
                f"non-positive density or pressure at t = {state.t:g} s (step {state.steps}): "
                "reduce cfl or the perturbation"
            )
        cf = _fast_speed_np(W, sim.B0, sim.gamma, sim.isothermal, sim.cs2)
        out = {"fast_wave": sim.cfl * sim.dx / float(np.max(np.abs(W[1]) + cf))}
        if sim.J > 0:
            vA = sim.B0 / np.sqrt(_FOURPI * float(np.min(W[0])))
            out["cr_force"] = sim.cfl / (sim.k_c * vA)
        return out

    def advance(self, state, dt: float, ledger) -> None:
        sim = self.sim
        U0 = state.U
        L0, S0 = sim.rhs(U0)
        U1 = U0 + dt * L0
        if not np.all(U1[0] > 0):
            raise FloatingPointError(f"negative density at t = {state.t:g} s: reduce cfl")
        L1, S1 = sim.rhs(U1)
        state.U = 0.5 * (U0 + U1 + dt * L1)
        Ssum = (0.5 * dt * sim.dx) * (S0.sum(axis=1) + S1.sum(axis=1))
        for (kind, name), v in zip(IMPULSE, Ssum[1:4], strict=True):
            ledger.add(kind, name, v)
        ledger.add(*WORK, Ssum[6])

    def attrs(self) -> dict:
        s = self.sim
        return {"riemann": s.riemann, "limiter": s.limiter, "cfl": s.cfl, "backend": s.backend}


class HallOperator(Operator):
    """The Hall part of the induction equation over ``fraction`` Δt, in place.

    The physics is that of :meth:`BellMHD.hall_step <crescape.simulate.mhd.BellMHD.hall_step>`
    (which calls this operator): b = B_y + iB_z advanced exactly, mode by mode, with the
    box-mean density; the velocities are not changed, each cell's energy gains the change of
    its magnetic energy (pressure unchanged), and the sum is the work −J_CR·E_Hall of the CR
    current, recorded as ``energy.cr_work``.

    Parameters
    ----------
    sim : crescape.simulate.mhd.BellMHD
    fraction : float
        Share of the step this operator advances (1/2 for each half of Strang's splitting).
    """

    name = "hall"

    def __init__(self, sim, fraction: float = 0.5):
        self.sim = sim
        self.fraction = float(fraction)

    def advance(self, state, dt: float, ledger) -> None:
        sim = self.sim
        h = self.fraction * dt
        U = state.U
        rho_bar = float(np.mean(U[0]))
        d_i = sim.ion_inertial_length * np.sqrt(sim.rho0 / rho_bar)
        vA = sim.B0 / np.sqrt(_FOURPI * rho_bar)
        k = 2.0 * np.pi * np.fft.fftfreq(sim.n, 1.0 / sim.n) / sim.L
        mult = np.ones(sim.n) if sim.response is None else sim.response
        lam = 1j * (k * k * d_i * vA - k * sim.k_c * vA * d_i * mult)
        U = U.copy()
        b = np.fft.ifft(np.exp(lam * h) * np.fft.fft(U[4] + 1j * U[5]))
        old = (U[4] ** 2 + U[5] ** 2) / _EIGHTPI
        U[4], U[5] = b.real, b.imag
        dE = (U[4] ** 2 + U[5] ** 2) / _EIGHTPI - old
        if not sim.isothermal:
            U[6] += dE
            ledger.add(*WORK, float(dE.sum() * sim.dx))
        state.U = U

    def attrs(self) -> dict:
        return {"hall_fraction": self.fraction}
