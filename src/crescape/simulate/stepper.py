"""Time stepping: Strang splitting of explicit advection and implicit diffusion, adaptive Δt.

One step of length Δt is the symmetric (Strang) composition

    Z(Δt/2) ∘ P(Δt/2) ∘ D_θ(Δt) ∘ P(Δt/2) ∘ Z(Δt/2)

(applied right to left: z, ln p, diffusion, ln p, z), where Z is the explicit,
flux-limited advection in z, P the advection in ln p (the adiabatic term), both
integrated with SSP-RK2, and D_θ the θ-scheme diffusion (with the source and the
inner flux), solved with one tridiagonal system per momentum bin (or TR-BDF2, two
such solves, with ``scheme="tr-bdf2"``). The composition
is symmetric, so it is second order in Δt (Strang 1968, SIAM J. Numer. Anal. 5,
506) when θ = 1/2 or with TR-BDF2; the order measured with every term on (spherical wind with
∇·u ≠ 0, diffusion, adiabatic term) is 2.0 (tests/simulate/test_transport_order.py).

Stability and positivity limits on Δt (all checked every step; the smallest wins):

* advection in z: (Δt/2) max_i (u⁺_{i+1/2} + u⁻_{i−1/2})/Δz_i ≤ C_adv;
* advection in ln p: (Δt/2) max_i |ẏ_i|/Δy ≤ C_adv, with ẏ = −∇·u/3;
* explicit part of the θ-scheme (positivity, θ < 1 and ``scheme="theta"`` only):
  Δt (1 − θ) min[T_{i−1/2} + T_{i+1/2}, (A_{i−1/2} + A_{i+1/2}) v]/V_i ≤ 1, with
  T = A D_eff/h on the state at the start of the step (the second form holds
  with the flux limiter, whose outflow through a face is below A v g_i);
  θ = 1 is unconditionally positive;
* light crossing, when the flux limiter is on, local: Δt ≤ C_light Δz_i/v_j in
  the cells i and bins j where the mean free path 3D_ij/v_j exceeds the cell (there
  the limiter acts and fronts move at up to v); diffusive cells (3D/v ≤ Δz) and bins
  do not limit the step. (It was global, C_light min Δz/max v as soon as one cell
  was ballistic.)
* a user maximum ``dt_max`` and the next output time.

With ``scheme="tr-bdf2"`` the diffusion is TR-BDF2 (second order, L-stable) and has no
positivity limit.

Accuracy is not a stability limit: with θ = 1, with TR-BDF2 or without the positivity
limit nothing above may limit the step, which is then set by ``dt_max`` or the output
times. :meth:`Stepper.next_dt` issues an :class:`AccuracyWarning` when such a step exceeds
C_acc min Δz²/D over the diffusive cells (the diffusion length of one step is more than
√C_acc cells), and :meth:`Stepper.advance_to` one when √(D t) is below one cell in every
cell for some momentum bins (the diffusive profile is not resolved by the grid).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import constants as C
from .operator import SCHEMES
from .state import State

__all__ = ["Stepper", "AccuracyWarning"]


class AccuracyWarning(UserWarning):
    """The step or the grid is too coarse for the diffusion to be accurate (see :class:`Stepper`)."""


class Stepper:
    """Advance a :class:`State` with a :class:`TransportOperator`.

    Parameters
    ----------
    operator : TransportOperator
    state : State
    theta : float
        Implicitness of the diffusion step, 1/2 ≤ θ ≤ 1 (1/2: Crank–Nicolson, 1: backward Euler);
        not used by ``scheme="tr-bdf2"``.
    cfl : float
        C_adv, in (0, 1].
    light_cfl : float
        C_light > 0.
    dt_max : float
        Largest allowed step [s].
    positivity : bool
        Enforce the positivity limit of the explicit part (θ < 1).
    accuracy_factor : float
        C_acc of the accuracy warning: an :class:`AccuracyWarning` is issued (once per
        stepper) when :meth:`next_dt` gives a step set only by ``dt_max`` or the output
        time (no stability limit binds: θ = 1, TR-BDF2, or θ < 1 without the positivity
        limit) and Δt > C_acc min Δz_i²/D_ij over
        the cells and bins where diffusion acts and the mean free path 3D/v is below a
        cell, i.e. when the diffusion length of one step, √(D Δt), exceeds √C_acc cells
        (default 16: 4 cells). Backward Euler with such steps smears the profile that
        the grid resolves (the Eq. (10) problem in one step of t is 12% low, with TR-BDF2
        6% high, with Crank–Nicolson without the positivity limit 25% high).
    scheme : {"theta", "tr-bdf2"}
        Time integrator of the diffusion step. ``"theta"`` (default): the θ-scheme, with the
        positivity limit for θ < 1. ``"tr-bdf2"``: TR-BDF2 (Bank et al. 1985, IEEE Trans.
        Electron Devices 32, 1992; Hosea & Shampine 1996, Appl. Numer. Math. 20, 21), a
        trapezoidal stage to γΔt, γ = 2 − √2, then a BDF2 stage, each one tridiagonal solve
        per momentum bin: second order and L-stable, with no positivity limit on Δt (a step
        that would undershoot is redone with backward Euler, see
        :meth:`TransportOperator.diffuse`).
    warn : bool
        Issue the :class:`AccuracyWarning` s (this one, and one at the end of
        :meth:`advance_to` when √(D t) is below one cell in every cell for some
        momentum bins, i.e. the diffusive profile is not resolved there).

    Attributes
    ----------
    last_limit : str or None
        The limit that set the last step of :meth:`next_dt`: a key of :meth:`dt_limits`,
        or ``"output"`` when the step was cut to land on ``t_stop``.
    """

    def __init__(
        self,
        operator,
        state: State,
        theta: float = 0.5,
        cfl: float = 0.5,
        light_cfl: float = 1.0,
        dt_max: float = math.inf,
        positivity: bool = True,
        accuracy_factor: float = 16.0,
        warn: bool = True,
        scheme: str = "theta",
    ):
        if not (0.5 <= theta <= 1.0):
            raise ValueError(f"theta = {theta} is not allowed: must be between 0.5 and 1")
        if scheme not in SCHEMES:
            raise ValueError(f"scheme = {scheme!r} is not allowed: must be one of {SCHEMES}")
        if not (0 < cfl <= 1.0):
            raise ValueError(f"cfl = {cfl} is not allowed: must be > 0 and <= 1")
        if not (light_cfl > 0):
            raise ValueError(f"light_cfl = {light_cfl} is not allowed: must be > 0")
        if not (dt_max > 0):
            raise ValueError(f"dt_max = {dt_max} is not allowed: must be > 0")
        if state.g.shape != operator.shape:
            raise ValueError(
                f"state shape {state.g.shape} does not match the grid {operator.shape}"
            )
        self.op = operator
        self.state = state
        self.theta = float(theta)
        self.cfl = float(cfl)
        self.light_cfl = float(light_cfl)
        self.dt_max = float(dt_max)
        self.positivity = bool(positivity)
        self.scheme = scheme
        if not (accuracy_factor > 0):
            raise ValueError(f"accuracy_factor = {accuracy_factor} is not allowed: must be > 0")
        self.accuracy_factor = float(accuracy_factor)
        self.warn = bool(warn)
        self.last_limit = None
        self._warned = set()

    def dt_limits(self) -> dict:
        """The stability limits on the next step (see the module docstring) [s]."""
        op, s = self.op, self.state
        G = op.grid
        D, u, _ = op.coefficients(s.t)
        lim = {"dt_max": self.dt_max}
        out_rate = (
            G.area[1:] * np.maximum(u[1:], 0) + G.area[:-1] * np.maximum(-u[:-1], 0)
        ) / G.volume
        r = out_rate.max()
        if r > 0:
            lim["advection_z"] = 2.0 * self.cfl / r
        if op.adiabatic:
            yd = np.abs(op.ydot(u)).max()
            if yd > 0:
                lim["advection_p"] = 2.0 * self.cfl * op.pgrid.dy / yd
        if op.flux_limiter:
            # local: only the cells and bins whose mean free path exceeds the cell
            cross = op.kernels.light_crossing_dt(D, G.dz, op.pgrid.velocity)
            if cross < math.inf:
                lim["light_crossing"] = self.light_cfl * cross
        if self.theta < 1.0 and self.positivity and self.scheme == "theta":
            # with the flux limiter the outflow through a face is below A v g_i (R λ(R) < 1),
            # so the explicit part also stays positive if (1 − θ) Δt (A_l + A_r) v / V ≤ 1
            rate = op.explicit_rate(s.g, D, s.t)
            if rate > 0:
                lim["positivity"] = 1.0 / ((1.0 - self.theta) * rate)
        return lim

    def next_dt(self, t_stop: float = math.inf) -> float:
        """The next step: the smallest limit, cut to land on ``t_stop``; sets :attr:`last_limit`.

        Issues an :class:`AccuracyWarning` (once) if the step is set only by ``dt_max`` or
        ``t_stop`` and is too long for first-order (θ > 1/2) diffusion to be accurate.
        """
        lim = self.dt_limits()
        key = min(lim, key=lim.get)
        dt = lim[key]
        remaining = t_stop - self.state.t
        if dt >= remaining * (1 - 1e-12):
            dt, key = remaining, "output"
        self.last_limit = key
        if self.warn and key in ("dt_max", "output"):
            self._check_step_accuracy(dt)
        return dt

    def diffusion_accuracy_dt(self, D=None) -> float:
        """C_acc min Δz_i²/D_ij over the cells and bins with D > 0 and 3D/v ≤ Δz [s]
        (inf if there are none): the step beyond which √(D Δt) exceeds √C_acc cells."""
        op = self.op
        if D is None:
            D, _, _ = op.coefficients(self.state.t)
        dz = op.grid.dz[:, None]
        diffusive = (D > 0) & (3.0 * D <= op.pgrid.velocity[None, :] * dz)
        if not np.any(diffusive):
            return math.inf
        with np.errstate(divide="ignore"):
            tau = np.where(diffusive, dz * dz / np.where(diffusive, D, 1.0), math.inf)
        return self.accuracy_factor * float(tau.min())

    def _check_step_accuracy(self, dt):
        if "step" in self._warned:
            return
        dt_acc = self.diffusion_accuracy_dt()
        if dt > dt_acc:
            self._warned.add("step")
            cells = math.sqrt(self.accuracy_factor * dt / dt_acc)
            if self.scheme == "tr-bdf2":
                what = "TR-BDF2"
            elif self.theta == 0.5:
                what = "Crank-Nicolson without the positivity limit"
            else:
                what = f"first-order diffusion (theta = {self.theta:g})"
            warnings.warn(
                f"the transport step dt = {dt:.3g} s is set only by the output time or dt_max, "
                f"and the diffusion length of one step is {cells:.3g} cells (dt > "
                f"{self.accuracy_factor:g} dz^2/D = {dt_acc:.3g} s) with {what}: the result "
                "can be inaccurate; use a smaller dt_max (or theta = 0.5 with positivity=True)",
                AccuracyWarning,
                stacklevel=3,
            )

    def unresolved_bins(self, t_elapsed=None) -> np.ndarray:
        """Momentum bins with D > 0 somewhere in which the diffusion length √(D t) is below one
        cell in every cell (t: ``t_elapsed``, by default the state's time): a boolean (n_p,)."""
        op = self.op
        t = self.state.t if t_elapsed is None else t_elapsed
        D, _, _ = op.coefficients(self.state.t)
        dz = op.grid.dz[:, None]
        active = np.any(D > 0, axis=0)
        resolved = np.any(D * t >= dz * dz, axis=0)
        return active & ~resolved

    def _check_resolution(self):
        if "grid" in self._warned:
            return
        bad = self.unresolved_bins()
        if np.any(bad):
            self._warned.add("grid")
            E = self.op.pgrid.energy[bad] / C.GeV
            warnings.warn(
                f"the diffusion length sqrt(D t) at t = {self.state.t:.3g} s is below one cell "
                f"in {int(bad.sum())} of {bad.size} momentum bins (E = {E.min():.3g} to "
                f"{E.max():.3g} GeV): the diffusive profile is not resolved there; refine the "
                "grid near the boundary",
                AccuracyWarning,
                stacklevel=3,
            )

    def step(self, dt: float) -> State:
        """Advance the state by dt (no check of the limits: use :meth:`next_dt`)."""
        op, s = self.op, self.state
        t_mid = s.t + 0.5 * dt
        D, u, Q = op.coefficients(t_mid)
        g = s.g
        ws = op.workspace  # numba: intermediate results go to work arrays, the result is new
        if ws is None:
            g = op.advect(g, u, t_mid, 0.5 * dt, s.budget)
            g = op.diffuse(g, D, u, Q, t_mid, dt, self.theta, s.budget, scheme=self.scheme)
            g = op.advect(g, u, t_mid, 0.5 * dt, s.budget, reverse=True)
        else:
            g1 = op.advect(g, u, t_mid, 0.5 * dt, s.budget, out=ws.adv)
            moving = g1 is not g  # without flow the advection returns its input
            g = op.diffuse(
                g1,
                D,
                u,
                Q,
                t_mid,
                dt,
                self.theta,
                s.budget,
                out=ws.dif if moving else None,
                scheme=self.scheme,
            )
            # ln p then z, a new array (or the diffusion result)
            g = op.advect(g, u, t_mid, 0.5 * dt, s.budget, reverse=True)
        s.g = g
        s.t = s.t + dt
        s.step += 1
        return s

    def advance_to(self, t_stop: float, callback=None) -> State:
        """Step until t_stop; the last step lands on it exactly. ``callback(state, dt)`` after each step."""
        t_start = self.state.t
        while self.state.t < t_stop:
            dt = self.next_dt(t_stop)
            last = dt == t_stop - self.state.t
            self.step(dt)
            if last:
                self.state.t = t_stop
            if callback is not None:
                callback(self.state, dt)
        if self.warn and self.state.t > t_start:
            self._check_resolution()
        return self.state

    def attrs(self) -> dict:
        return {
            "theta": self.theta,
            "cfl": self.cfl,
            "light_cfl": self.light_cfl,
            "dt_max": self.dt_max,
            "positivity": int(self.positivity),
            "splitting": "strang",
            "diffusion_scheme": self.scheme,
            "splitting_order": "z, ln p, diffusion, ln p, z",
            "accuracy_factor": self.accuracy_factor,
        }
