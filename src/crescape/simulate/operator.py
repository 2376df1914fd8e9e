"""The cosmic-ray transport operator: coefficients, boundaries and discretisation.

Solves, for the number density per unit ln p, g = 4π p³ f [cm^-3],

    ∂g/∂t + A⁻¹∂_z(A u g) − A⁻¹∂_z(A D_eff ∂_z g) + ∂_y(ẏ g) = Q,
    y = ln p,   ẏ = −(1/3) A⁻¹∂_z(A u),

which is the transport equation of the issue,

    ∂f/∂t + u ∂f/∂z = A⁻¹∂_z(A D ∂_z f) + (1/3)(A⁻¹∂_z(A u)) p ∂f/∂p + Q_f,

multiplied by 4π p³ and written in conservation form (Skilling 1975,
MNRAS 172, 557; e.g. Drury 1983, Rep. Prog. Phys. 46, 973, Eq. 3.22). Every
term is a divergence of a flux, so the finite-volume scheme conserves the
number of particles exactly up to the fluxes through the four boundaries.

A caller (e.g. a self-consistent field and gas solver) may change D, u and Q
between steps with :meth:`TransportOperator.set_coefficients` and read the CR
flux and pressure gradient with :meth:`flux`, :meth:`pressure` and
:meth:`pressure_gradient`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import numpy as np

from . import reference as _ref
from .boundaries import FreeEscape, PrescribedFlux

__all__ = ["TransportOperator"]

_BACKENDS = ("numba", "reference")

#: time integrators of the diffusion step
SCHEMES = ("theta", "tr-bdf2")
#: TR-BDF2 constants: γ = 2 − √2 (the trapezoidal stage ends at γΔt), and the BDF2 stage
#: g' = a g* − b g + w Δt f(g')
TRBDF2_GAMMA = 2.0 - np.sqrt(2.0)
TRBDF2_A = 1.0 / (TRBDF2_GAMMA * (2.0 - TRBDF2_GAMMA))
TRBDF2_B = (1.0 - TRBDF2_GAMMA) ** 2 / (TRBDF2_GAMMA * (2.0 - TRBDF2_GAMMA))
TRBDF2_W = (1.0 - TRBDF2_GAMMA) / (2.0 - TRBDF2_GAMMA)


def _fast():
    from . import _fast as mod  # imported lazily: numba compiles (or loads its cache) on first use

    return mod


class TransportOperator:
    """The discretised transport operator for one grid and one set of coefficients.

    Parameters
    ----------
    grid : SpatialGrid
    pgrid : MomentumGrid
    D : float, array or callable
        Diffusion coefficient at the cell centres [cm² s^-1]: a scalar, an
        array broadcastable to (n_z, n_p), or ``D(z, p, t)`` called with
        ``z[:, None]`` and ``p[None, :]``.
    u : float, array or callable
        Gas velocity at the cell faces [cm/s]: scalar, array (n_z + 1,) or
        ``u(z_faces, t)``.
    Q : float, array or callable
        Source [cm^-3 s^-1 per ln p]: like D.
    inner, outer : boundary objects (see :mod:`crescape.simulate.boundaries`)
    flux_limiter : bool
        Levermore–Pomraning limiter (:mod:`crescape.simulate.limiter`), so that |F| ≤ v g.
    adiabatic : bool
        Keep the momentum-advection (adiabatic) term.
    limited_advection : bool
        Second-order flux-limited advection (van Leer); False gives first-order upwind.
    p_boundary : {"extrapolate", "zero"}
        What flows in through the momentum edges: a power-law extrapolation of
        the two edge bins, or nothing.
    backend : {"numba", "reference"}
    threads : int or None
        Threads of the numba kernels (``prange`` over cells or blocks of momentum bins);
        None: the default of :func:`crescape.simulate._fast.set_threads` (1). The results
        do not depend on it.
    """

    def __init__(
        self,
        grid,
        pgrid,
        D: float | np.ndarray | Callable,
        u: float | np.ndarray | Callable = 0.0,
        Q: float | np.ndarray | Callable = 0.0,
        inner=None,
        outer=None,
        flux_limiter: bool = True,
        adiabatic: bool = True,
        limited_advection: bool = True,
        p_boundary: str = "extrapolate",
        backend: str = "numba",
        threads: int | None = None,
    ):
        self.grid = grid
        self.pgrid = pgrid
        self.inner = inner if inner is not None else PrescribedFlux(0.0)
        self.outer = outer if outer is not None else FreeEscape()
        self.bc_in = self.inner.code("inner")
        self.bc_out = self.outer.code("outer")
        self.flux_limiter = bool(flux_limiter)
        self.adiabatic = bool(adiabatic)
        self.limited_advection = bool(limited_advection)
        if p_boundary not in ("extrapolate", "zero"):
            raise ValueError(
                f"p_boundary = {p_boundary!r} is not allowed: must be 'extrapolate' or 'zero'"
            )
        self.p_boundary = p_boundary
        if backend not in _BACKENDS:
            raise ValueError(f"backend = {backend!r} is not allowed: must be one of {_BACKENDS}")
        self.backend = backend
        self.kernels = _fast() if backend == "numba" else _ref
        if threads is not None:
            threads = int(threads)
            if threads < 1:
                raise ValueError(f"threads = {threads} is not allowed: must be >= 1")
        self.threads = threads
        self.shape = (grid.n, pgrid.n)
        self._zc = grid.centres[:, None]
        self._p = pgrid.p[None, :]
        self.D = self.u = self.Q = None
        self._bv_cache = None
        self._workspace = None
        #: number of TR-BDF2 diffusion steps redone with backward Euler to stay positive
        self.diffusion_fallbacks = 0
        self.set_coefficients(D=D, u=u, Q=Q)

    @property
    def workspace(self):
        """Work arrays of the numba kernels, allocated on first use (None for the reference backend)."""
        if self._workspace is None and self.backend == "numba":
            self._workspace = self.kernels.Workspace(self.shape)
        return self._workspace

    def _using_threads(self):
        """numba: the kernels' thread count inside a ``with`` block; reference: nothing."""
        if self.backend == "numba":
            return self.kernels.using_threads(self.threads)
        return contextlib.nullcontext()

    # ------------------------------------------------------------------ coefficients
    def set_coefficients(self, D=None, u=None, Q=None) -> None:
        """Replace D, u and/or Q (arrays or callables); takes effect at the next step."""
        if D is not None:
            self.D = D if callable(D) else self._cell_field(D, "D", nonneg=True)
        if u is not None:
            self.u = u if callable(u) else self._face_field(u)
        if Q is not None:
            self.Q = Q if callable(Q) else self._cell_field(Q, "Q", nonneg=False)

    def _cell_field(self, value, name, nonneg):
        arr = np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), self.shape))
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} has non-finite values: must be finite")
        if nonneg and np.any(arr < 0):
            raise ValueError(f"{name} has values < 0 (min {arr.min():g}): must be >= 0")
        return arr

    def _face_field(self, value):
        arr = np.ascontiguousarray(
            np.broadcast_to(np.asarray(value, dtype=float), (self.grid.n + 1,))
        )
        if not np.all(np.isfinite(arr)):
            raise ValueError("u has non-finite values: must be finite")
        return arr

    def coefficients(self, t: float):
        """(D (n_z, n_p), u (n_z+1,), Q (n_z, n_p)) at time t."""
        D = (
            self._cell_field(self.D(self._zc, self._p, t), "D", True)
            if callable(self.D)
            else self.D
        )
        u = self._face_field(self.u(self.grid.faces, t)) if callable(self.u) else self.u
        Q = (
            self._cell_field(self.Q(self._zc, self._p, t), "Q", False)
            if callable(self.Q)
            else self.Q
        )
        return D, u, Q

    def boundary_values(self, t: float):
        """(F_in, g_in, g_out) arrays over momentum at time t (cached for the last t)."""
        cached = self._bv_cache
        if cached is not None and cached[0] == t:
            return cached[1]
        out = self._boundary_values(t)
        self._bv_cache = (t, out)
        return out

    def _boundary_values(self, t: float):
        p = self.pgrid.p
        vin = self.inner.values(p, t)
        F_in = vin if self.bc_in == 0 else np.zeros_like(p)
        g_in = vin if self.bc_in == 2 else np.zeros_like(p)
        g_out = self.outer.values(p, t)
        return F_in, g_in, g_out

    def ydot(self, u):
        """ẏ = d ln p/dt = −(1/3) ∇·u per cell (zero if the adiabatic term is off)."""
        if not self.adiabatic:
            return np.zeros(self.grid.n)
        return -self.grid.divergence(u) / 3.0

    # ------------------------------------------------------------------ sub-steps
    def _inject_by_advection(self, u) -> bool:
        """A prescribed inner flux enters with the advection sub-steps when u > 0 on the inner
        face (so that the split scheme keeps the steady state n = φ/u exactly), otherwise
        with the diffusion step."""
        return self.bc_in == 0 and u[0] > 0

    def advect(self, g, u, t, dt, budget, out=None, reverse=False):
        """Explicit advection in z then in ln p over dt (ln p then z if ``reverse``); updates
        ``budget``; returns g.

        The Strang step of :class:`~crescape.simulate.stepper.Stepper` calls it with
        ``reverse=False`` before the diffusion and ``reverse=True`` after it, so that the
        whole step, z, ln p, diffusion, ln p, z, is symmetric (second order in Δt).
        With the numba backend the result is written into ``out`` (a new array if None);
        without flow (u = 0) the input g itself is returned.
        """
        if not np.any(u):
            return g  # no flow: nothing to advect in z or in ln p (the inner flux enters with diffusion)
        if self.backend == "numba":
            res = np.empty(self.shape) if out is None else out
            with self._using_threads():
                if reverse and self.adiabatic:
                    tmp = self.workspace.pre
                    self._advect_p(g, u, dt, budget, tmp)
                    self._advect_z(tmp, u, t, dt, budget, res)
                else:
                    self._advect_z(g, u, t, dt, budget, res)
                    if self.adiabatic:
                        self._advect_p(res, u, dt, budget, res)
            return res
        if reverse:
            g = self._advect_p(g, u, dt, budget)
            return self._advect_z(g, u, t, dt, budget)
        g = self._advect_z(g, u, t, dt, budget)
        return self._advect_p(g, u, dt, budget)

    def _advect_z(self, g, u, t, dt, budget, out=None):
        """−A⁻¹∂_z(A u g) over dt (SSP-RK2 MUSCL); numba: into ``out`` (must not overlap g)."""
        G, K = self.grid, self.kernels
        F_in, g_in, g_out = self.boundary_values(t)
        if not self._inject_by_advection(u):
            F_in = np.zeros_like(F_in)
        args = (
            g,
            u,
            G.area,
            G.volume,
            G.dz,
            dt,
            self.bc_in,
            F_in,
            g_in,
            self.bc_out,
            g_out,
            self.limited_advection,
        )
        if self.backend == "numba":
            ws = self.workspace
            n_in, n_out = K.advect_z_into(*args, out, ws.z1, ws.F)
        else:
            out, n_in, n_out = K.advect_z(*args)
        dy = self.pgrid.dy
        budget["inner_in"] += n_in * dy
        budget["outer_out"] += n_out * dy
        return out

    def _advect_p(self, g, u, dt, budget, out=None):
        """−∂_y(ẏ g) over dt (the adiabatic term; g unchanged if it is off); numba: into ``out``
        (may be g)."""
        if not self.adiabatic:
            return g
        G, K = self.grid, self.kernels
        dy = self.pgrid.dy
        args = (
            g,
            self.ydot(u),
            G.volume,
            dy,
            dt,
            self.p_boundary == "extrapolate",
            self.limited_advection,
        )
        if self.backend == "numba":
            ws = self.workspace
            n_lo, n_hi = K.advect_y_into(*args, out, ws.E, ws.RQ, ws.LQ, ws.C, ws.y1)
        else:
            out, n_lo, n_hi = K.advect_y(*args)
        budget["p_low_in"] += n_lo * dy
        budget["p_high_out"] += n_hi * dy
        return out

    def diffuse(self, g, D, u, Q, t_mid, dt, theta, budget, out=None, scheme="theta"):
        """Implicit diffusion plus source (and inner flux if u ≤ 0 there) over dt.

        ``scheme="theta"``: the θ-scheme. ``scheme="tr-bdf2"``: TR-BDF2 (θ is not used), a
        trapezoidal stage to γΔt, γ = 2 − √2, then a BDF2 stage to Δt (Bank et al. 1985;
        Hosea & Shampine 1996), each one tridiagonal solve per momentum bin, with the face
        coefficients (the flux limiter) from g. TR-BDF2 is L-stable but, like every linear
        second-order scheme, not positive for every step: if its result has a value below
        min(0, min g), the step is redone with backward Euler (positive for any Δt) and
        :attr:`diffusion_fallbacks` counts it. With the numba backend the result is written
        into ``out`` (a new array if None).
        """
        with self._using_threads():
            return self._diffuse(g, D, u, Q, t_mid, dt, theta, budget, out, scheme)

    def _diffuse(self, g, D, u, Q, t_mid, dt, theta, budget, out, scheme):
        G = self.grid
        F_in, g_in, g_out = self.boundary_values(t_mid)
        if self._inject_by_advection(u):
            F_in = np.zeros_like(F_in)
        if scheme not in SCHEMES:
            raise ValueError(f"scheme = {scheme!r} is not allowed: must be one of {SCHEMES}")
        geo = (self.pgrid.velocity, G.area, G.volume, G.dz, G.dzc)
        bnd = (self.flux_limiter, self.bc_in, F_in, g_in, self.bc_out, g_out, Q)
        numba = self.backend == "numba"
        ws = self.workspace
        res = (np.empty(self.shape) if out is None else out) if numba else None
        if scheme == "theta":
            args = (g, D, *geo, dt, theta, *bnd)
            if numba:
                n = self.kernels.diffuse_into(*args, res, ws.cp, ws.T, ws.rows)
            else:
                res, *n = self.kernels.diffuse(*args)
        else:
            # TR-BDF2: g* = g + (γΔt/2)(f(g) + f(g*)); g' = a g* − b g + w Δt f(g'),
            # a = 1/(γ(2 − γ)), b = (1 − γ)²/(γ(2 − γ)), w = (1 − γ)/(2 − γ); a − b = 1, so the
            # change of the number is a (N* − N) + that of the BDF2 stage: budgets likewise.
            a, b, w = TRBDF2_A, TRBDF2_B, TRBDF2_W
            args1 = (g, D, *geo, TRBDF2_GAMMA * dt, 0.5, *bnd)
            if numba:
                n1 = self.kernels.diffuse_into(*args1, ws.tr, ws.cp, ws.T, ws.rows)
                self.kernels.combine_into(a, ws.tr, b, g, ws.bdf)
                n2 = self.kernels.diffuse_into(
                    ws.bdf, D, *geo, w * dt, 1.0, *bnd, res, ws.cp, ws.T, ws.rows, True
                )
            else:
                T = self.transmissibility(g, D, t_mid)
                g1, *n1 = self.kernels.diffuse(*args1, T=T)
                res, *n2 = self.kernels.diffuse(a * g1 - b * g, D, *geo, w * dt, 1.0, *bnd, T=T)
            n = [a * x + y for x, y in zip(n1, n2, strict=True)]
            if res.min() < min(0.0, g.min()):
                # TR-BDF2 is not positive for every step (no linear second-order scheme is,
                # Bolley & Crouzeix 1978): this step again with backward Euler (positive)
                self.diffusion_fallbacks += 1
                args = (g, D, *geo, dt, 1.0, *bnd)
                if numba:
                    n = self.kernels.diffuse_into(*args, res, ws.cp, ws.T, ws.rows)
                else:
                    res, *n = self.kernels.diffuse(*args)
        n_in, n_out, n_src = n
        dy = self.pgrid.dy
        budget["inner_in"] += n_in * dy
        budget["outer_out"] += n_out * dy
        budget["source"] += n_src * dy
        return res

    def transmissibility(self, g, D, t):
        """Face coefficients T = A D_eff/h (n_z+1, n_p), limiter applied to the state g."""
        G = self.grid
        _, g_in, g_out = self.boundary_values(t)
        if self.backend == "numba":
            T = np.empty((G.n + 1, self.pgrid.n))
            with self._using_threads():
                self.kernels.transmissibility_into(
                    g,
                    D,
                    self.pgrid.velocity,
                    G.area,
                    G.dz,
                    G.dzc,
                    self.flux_limiter,
                    self.bc_in,
                    g_in,
                    self.bc_out,
                    g_out,
                    T,
                )
            return T
        return _ref.face_transmissibility(
            g,
            D,
            self.pgrid.velocity,
            G.area,
            G.dz,
            G.dzc,
            self.flux_limiter,
            self.bc_in,
            g_in,
            self.bc_out,
            g_out,
        )

    def explicit_rate(self, g, D, t) -> float:
        """max over cells and bins of the explicit diffusive outflow rate [s^-1] (positivity limit).

        min(T_{i−1/2} + T_{i+1/2}, (A_{i−1/2} + A_{i+1/2}) v)/V_i; the second form only with the limiter.
        """
        G = self.grid
        if self.backend == "numba":
            _, g_in, g_out = self.boundary_values(t)
            ws = self.workspace
            with self._using_threads():
                rate = self.kernels.explicit_rate_into(
                    g,
                    D,
                    self.pgrid.velocity,
                    G.area,
                    G.volume,
                    G.dz,
                    G.dzc,
                    self.flux_limiter,
                    self.bc_in,
                    g_in,
                    self.bc_out,
                    g_out,
                    ws.T,
                    ws.row,
                )
            return float(rate)
        T = self.transmissibility(g, D, t)
        rate = T[:-1] + T[1:]
        if self.flux_limiter:
            rate = np.minimum(
                rate, (G.area[:-1] + G.area[1:])[:, None] * self.pgrid.velocity[None, :]
            )
        return float((rate / G.volume[:, None]).max())

    # ------------------------------------------------------------------ diagnostics
    def number(self, g) -> float:
        """Total number of particles Σ g V Δy (per unit A as the geometry defines it)."""
        return float(np.sum(g * self.grid.volume[:, None]) * self.pgrid.dy)

    def flux(self, g, t: float = 0.0) -> np.ndarray:
        """Total CR flux per ln p on the n_z+1 faces [cm^-2 s^-1]: upwind advective + limited diffusive.

        On the inner face it is the prescribed flux for a :class:`PrescribedFlux` boundary.
        """
        D, u, _ = self.coefficients(t)
        T = self.transmissibility(g, D, t)
        G = self.grid
        F = np.zeros((G.n + 1, self.pgrid.n))
        with np.errstate(divide="ignore", invalid="ignore"):
            F[1:-1] = -np.where(
                G.area[1:-1, None] > 0, T[1:-1] * np.diff(g, axis=0) / G.area[1:-1, None], 0.0
            )
        uu = u[1:-1, None]
        F[1:-1] += np.where(uu > 0, uu * g[:-1], uu * g[1:])
        F_in, g_in, g_out = self.boundary_values(t)
        if self.bc_in == 0:
            F[0] = F_in
        elif self.bc_in == 2 and G.area[0] > 0:
            F[0] = T[0] * (g_in - g[0]) / G.area[0] + np.where(u[0] > 0, u[0] * g_in, u[0] * g[0])
        if self.bc_out != 2:
            gb = g_out if self.bc_out == 3 else 0.0
            F[-1] = T[-1] * (g[-1] - gb) / G.area[-1] + np.where(
                u[-1] > 0, u[-1] * g[-1], u[-1] * gb if self.bc_out == 3 else 0.0
            )
        return F

    def pressure(self, g) -> np.ndarray:
        """CR pressure P = ∫ (p v/3) g d ln p per cell [erg cm^-3]."""
        pg = self.pgrid
        return (g * (pg.p * pg.velocity / 3.0)[None, :]).sum(axis=1) * pg.dy

    def pressure_gradient(self, g) -> np.ndarray:
        """∂P/∂z on the interior faces (n_z − 1) [erg cm^-4]."""
        return np.diff(self.pressure(g)) / self.grid.dzc

    def attrs(self) -> dict:
        """Description of the operator for output attributes."""
        out = {
            "flux_limiter": "levermore_pomraning" if self.flux_limiter else "none",
            "adiabatic": int(self.adiabatic),
            "advection_scheme": "sweby_van_leer" if self.limited_advection else "upwind",
            "p_boundary": self.p_boundary,
            "particle_mass_g": self.pgrid.mass,
        }
        out.update(self.grid.geometry.attrs())
        out.update(self.inner.attrs("inner"))
        out.update(self.outer.attrs("outer"))
        return out
