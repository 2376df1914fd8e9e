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

from .. import constants as C
from .coupled.base import Operator
from .mhd_kernels import (
    _fast_speed_np,
    _hall_correction_rhs,
    _hall_correction_rhs_np,
    _hall_correction_rk3,
)

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

    The equation is that of :meth:`BellMHD.hall_step <crescape.simulate.mhd.BellMHD.hall_step>`,
    ∂_t b = −i (c/e) ∂_x (g/n), b = B_y + iB_z, g = (B0/4π)∂_x b + F_y + iF_z, n = ρ/m_p
    (frozen during the Hall step: it changes only b). With 1/n = 1/n̄ + w, n̄ the box mean,
    it is advanced in two parts:

    * the mean-density part, exactly mode by mode (linear with constant coefficients);
    * with ``hall_density="local"``, the correction ∂_t b = −∂_x Φ, Φ = i (c/e) w g, in finite
      volumes: Φ at the faces with w and F_⊥ averaged from the two cells and ∂_x b their
      difference, three-stage SSP Runge–Kutta (Shu & Osher 1988), stable on the imaginary
      axis (the dispersive whistler part) for |λ| Δt <= √3. Its limit ``hall_whistler`` is
      cfl √3/(fraction λ_max) with the bound λ_max = (c/e) max|w| [(B0/4π) 4/Δx² +
      (J/c) max|1 − σ|/Δx] (Gershgorin) on the eigenvalues, max|w| from ρ_min and ρ_max; it vanishes (no limit, no
      correction) in a uniform density, where the result is the exact step alone.

    The first operator of the Strang step applies the exact part, then the correction; the
    one after the flux operator (``reverse=True``) the correction, then the exact part. The
    velocities are not changed; each cell's energy gains the change of its magnetic energy
    (pressure unchanged), and the sum is the work −J_CR·E_Hall of the CR current, recorded
    as ``energy.cr_work``.

    Parameters
    ----------
    sim : crescape.simulate.mhd.BellMHD
    fraction : float
        Share of the step this operator advances (1/2 for each half of Strang's splitting).
    reverse : bool
        Correction first, then the exact step.
    """

    name = "hall"

    def __init__(self, sim, fraction: float = 0.5, reverse: bool = False):
        self.sim = sim
        self.fraction = float(fraction)
        self.reverse = bool(reverse)
        self._lam = None

    # the two parts ---------------------------------------------------------------
    def _mean_step(self, U, h):
        """b of U advanced over h by the mean-density part, exactly (in place)."""
        rho_bar = float(np.mean(U[0]))
        b = np.fft.ifft(np.exp(self._rates(rho_bar) * h) * np.fft.fft(U[4] + 1j * U[5]))
        U[4], U[5] = b.real, b.imag

    def _rates(self, rho_bar):
        """λ_m = i d_i v_A k [k − k_c (1 − σ_m)] of the mean density ρ̄ (kept for the last ρ̄)."""
        if self._lam is not None and self._lam[0] == rho_bar:
            return self._lam[1]
        sim = self.sim
        d_i = sim.ion_inertial_length * np.sqrt(sim.rho0 / rho_bar)
        vA = sim.B0 / np.sqrt(_FOURPI * rho_bar)
        k = 2.0 * np.pi * np.fft.fftfreq(sim.n, 1.0 / sim.n) / sim.L
        mult = np.ones(sim.n) if sim.response is None else sim.response
        lam = 1j * (k * k * d_i * vA - k * sim.k_c * vA * d_i * mult)
        self._lam = (rho_bar, lam)
        return lam

    def _w(self, U):
        """w = 1/n − 1/n̄ [cm³] per cell (n = ρ/m_p)."""
        return C.m_p * (1.0 / U[0] - 1.0 / float(np.mean(U[0])))

    def _rate(self, U) -> float:
        """The bound λ_max [s^-1] on the eigenvalues of the correction (class docstring), with
        max|w| = m_p max(1/ρ_min − 1/ρ̄, 1/ρ̄ − 1/ρ_max) (>= the faces' max|w|)."""
        sim = self.sim
        rbar = float(np.mean(U[0]))
        wmax = C.m_p * max(
            1.0 / float(np.min(U[0])) - 1.0 / rbar, 1.0 / rbar - 1.0 / float(np.max(U[0]))
        )
        resp = 1.0 if sim.response is None else float(np.max(np.abs(sim.response)))
        return (C.c / C.e) * wmax * (sim.B0 / _FOURPI * 4.0 / sim.dx**2 + sim.Jc * resp / sim.dx)

    def _correction_rhs(self, b, wf):
        """−∂_x Φ, Φ = i (c/e) w g at the faces i+1/2 (class docstring), with the backend's
        kernel (:func:`~.mhd_kernels._hall_correction_rhs_np` or its numba twin)."""
        sim = self.sim
        f = sim.cr_force_perp(b)
        a = (C.c / C.e) * (sim.B0 / _FOURPI) / sim.dx
        c = 0.5 * C.c / C.e
        if sim.backend == "numpy":
            return _hall_correction_rhs_np(b, f, wf, a, c, sim.dx)
        out = np.empty_like(b)
        _hall_correction_rhs(b, f, wf, a, c, sim.dx, out)
        return out

    def _correction_step(self, U, h, w):
        """b of U advanced over h by the local-density correction, SSP-RK3 (in place)."""
        sim = self.sim
        wf = 0.5 * (w + np.roll(w, -1))
        b0 = U[4] + 1j * U[5]
        if sim.backend == "numba" and sim.response is None:  # the fused kernel
            b = np.empty_like(b0)
            a = (C.c / C.e) * (sim.B0 / _FOURPI) / sim.dx
            _hall_correction_rk3(b0, wf, a, 0.5 * C.c / C.e, sim.Jc, h, sim.dx, b)
            U[4], U[5] = b.real, b.imag
            return
        b1 = b0 + h * self._correction_rhs(b0, wf)
        b2 = 0.75 * b0 + 0.25 * (b1 + h * self._correction_rhs(b1, wf))
        b = b0 / 3.0 + (2.0 / 3.0) * (b2 + h * self._correction_rhs(b2, wf))
        U[4], U[5] = b.real, b.imag

    def _local(self, U) -> bool:
        """Whether the correction applies: the local density chosen, and not uniform."""
        return self.sim.hall_density == "local" and float(np.min(U[0])) != float(np.max(U[0]))

    # the operator interface --------------------------------------------------------
    def limits(self, state) -> dict:
        if not self._local(state.U):
            return {}
        rate = self._rate(state.U)
        return {"hall_whistler": self.sim.cfl * np.sqrt(3.0) / (self.fraction * rate)}

    def advance(self, state, dt: float, ledger) -> None:
        sim = self.sim
        h = self.fraction * dt
        U = state.U.copy()
        old = (U[4] ** 2 + U[5] ** 2) / _EIGHTPI
        if self._local(U):
            w = self._w(U)
            if self.reverse:
                self._correction_step(U, h, w)
                self._mean_step(U, h)
            else:
                self._mean_step(U, h)
                self._correction_step(U, h, w)
        else:
            self._mean_step(U, h)
        dE = (U[4] ** 2 + U[5] ** 2) / _EIGHTPI - old
        if not sim.isothermal:
            U[6] += dE
            ledger.add(*WORK, float(dE.sum() * sim.dx))
        state.U = U

    def attrs(self) -> dict:
        return {"hall_fraction": self.fraction, "hall_density": self.sim.hall_density}
