"""Fast kernels of the transport operator (numba, compiled once and cached).

The algorithms are those of :mod:`crescape.simulate.reference`, written as
loops over cells (rows) with an inner loop over all momentum bins (contiguous
in memory), written so that LLVM vectorises the inner loops:

* ``error_model="numpy"``: no zero-divisor check (which blocks vectorisation)
  on divisions; every denominator is positive by construction or guarded;
* no njit helpers taking arrays inside the row loops (each call costs the
  reference counting of every array argument), no array views inside loops;
* no loop reads one row of an array while writing another (the Thomas sweeps
  keep the previous row in row buffers).

:func:`advect_z_into` does both SSP-RK2 stages of the z advection;
:func:`y_prepare`, then ``numpy.log`` (SIMD, about 5× faster than scalar
calls), then :func:`y_faces` the ln p advection; :func:`diffuse_into` the
θ-scheme with the limited face coefficients; :func:`explicit_rate_into` the
positivity limit. Work arrays are passed in by the caller (:class:`Workspace`,
one per operator), so a step allocates nothing but its result. ``advect_z``,
``advect_y``, ``diffuse``, ``transmissibility`` and ``explicit_rate`` keep the
signatures of the reference implementation (they allocate their own work arrays).
Boundary codes are the integers defined in :mod:`crescape.simulate.boundaries`.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import get_num_threads, njit, prange

#: threads of the kernels when the caller does not say (see :func:`set_threads`)
_DEFAULT_THREADS = [1]


def set_threads(n: int) -> None:
    """Default number of threads of the parallel kernels (``prange`` over cells or blocks of
    momentum bins), 1 to ``numba.config.NUMBA_NUM_THREADS``; 1 at import. The results do not
    depend on it (no reduction depends on the split)."""
    n = int(n)
    if not 1 <= n <= numba.config.NUMBA_NUM_THREADS:
        raise ValueError(
            f"threads = {n} is not allowed: must be between 1 and "
            f"{numba.config.NUMBA_NUM_THREADS} (numba.config.NUMBA_NUM_THREADS)"
        )
    _DEFAULT_THREADS[0] = n


class using_threads:
    """Context manager: numba's thread count for the calling thread set to n (the default of
    :func:`set_threads` if None) inside, restored on exit."""

    __slots__ = ("n", "old")

    def __init__(self, n=None):
        self.n = _DEFAULT_THREADS[0] if n is None else n
        self.old = 0

    def __enter__(self):
        self.old = get_num_threads()
        if self.old != self.n:
            numba.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        if self.old != self.n:
            numba.set_num_threads(self.old)
        return False


# boundary codes (kept in sync with boundaries.py)
IN_FLUX, IN_REFLECT, IN_VALUE = 0, 1, 2
OUT_FREE, OUT_OUTFLOW, OUT_REFLECT, OUT_VALUE = 0, 1, 2, 3


class Workspace:
    """Work arrays of the fast kernels for one grid shape (allocated once per operator)."""

    def __init__(self, shape):
        nz, ny = shape
        self.shape = (nz, ny)
        self.z1 = np.empty((nz, ny))  # first SSP-RK2 stage
        self.adv = np.empty((nz, ny))  # result of the first advection half step
        self.pre = np.empty((nz, ny))  # ln p advection before the z advection (second half step)
        self.y1 = np.empty((nz, ny))  # first SSP-RK2 stage of the ln p advection
        self.tr = np.empty((nz, ny))  # TR-BDF2: the trapezoidal stage
        self.bdf = np.empty((nz, ny))  # TR-BDF2: the right-hand side of the BDF2 stage
        self.dif = np.empty((nz, ny))  # result of the diffusion step
        self.cp = np.empty((nz, ny))  # Thomas algorithm: modified super-diagonal
        self.F = np.empty((nz + 1, ny))  # face fluxes of the z advection
        self.T = np.empty((nz + 1, ny))  # face transmissibilities
        self.E = np.empty((nz, ny + 4))  # spectra with two ghost bins on each side
        self.RQ = np.ones((nz, ny + 3))  # ratios of neighbouring bins (1 where not both > 0)
        self.LQ = np.zeros((nz, ny + 3))  # their logs
        self.row = np.empty(ny + 1)  # row buffer
        self.C = np.empty((nz, ny + 1))  # face values of the ln p advection, per cell
        self.rows = np.empty((6, ny))  # row buffers of the Thomas algorithm, per-bin budgets


# ---------------------------------------------------------------------- advection in z
@njit(cache=True, inline="always", error_model="numpy")
def _half_van_leer(a, d):
    """½ ψ(r) d for r = a/d with the van Leer limiter: a d/(a + d) if a d > 0, else 0."""
    p = a * d
    return p / (a + d) if p > 0.0 else 0.0


@njit(cache=True, error_model="numpy", parallel=True)
def _z_fluxes(g, u, A, V, dz, bc_in, F_in, g_in, bc_out, g_out, limited, F):
    """Particles per unit time through every face (per unit Δy), for every momentum bin, into F.

    The reconstructed variable is m = g V/Δz, the particles per unit length, so
    that a steady flow (u m = const) is kept exactly in any geometry.
    """
    nz, ny = g.shape
    w = u[0]
    if bc_in == IN_VALUE:
        if w > 0:
            for j in range(ny):
                F[0, j] = w * A[0] * g_in[j]
        else:
            c = V[0] / dz[0]
            for j in range(ny):
                F[0, j] = w * (g[0, j] * c)
    elif bc_in == IN_FLUX:
        for j in range(ny):
            F[0, j] = A[0] * F_in[j]
    else:
        for j in range(ny):
            F[0, j] = 0.0
    w = u[nz]
    if bc_out == OUT_REFLECT:
        for j in range(ny):
            F[nz, j] = 0.0
    elif w > 0:
        c = V[nz - 1] / dz[nz - 1]
        for j in range(ny):
            F[nz, j] = w * (g[nz - 1, j] * c)
    elif bc_out == OUT_VALUE:
        for j in range(ny):
            F[nz, j] = w * A[nz] * g_out[j]
    else:
        for j in range(ny):
            F[nz, j] = 0.0
    for k in prange(1, nz):
        w = u[k]
        if w >= 0.0:
            c1 = V[k - 1] / dz[k - 1]
            if limited and k >= 2:
                c0 = V[k - 2] / dz[k - 2]
                c2 = V[k] / dz[k]
                for j in range(ny):
                    mu = g[k - 1, j] * c1
                    F[k, j] = w * (mu + _half_van_leer(mu - g[k - 2, j] * c0, g[k, j] * c2 - mu))
            else:
                for j in range(ny):
                    F[k, j] = w * (g[k - 1, j] * c1)
        else:
            c1 = V[k] / dz[k]
            if limited and k + 1 < nz:
                c0 = V[k + 1] / dz[k + 1]
                c2 = V[k - 1] / dz[k - 1]
                for j in range(ny):
                    mu = g[k, j] * c1
                    F[k, j] = w * (
                        mu + _half_van_leer(mu - g[k + 1, j] * c0, g[k - 1, j] * c2 - mu)
                    )
            else:
                for j in range(ny):
                    F[k, j] = w * (g[k, j] * c1)


@njit(cache=True, error_model="numpy", parallel=True)
def advect_z_into(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited, out, work, F):
    """One step of −A⁻¹∂_z(A u g) with SSP-RK2 (Heun) into ``out``; returns (N_in, N_out) per unit Δy.

    ``work`` (shape of g) holds the first stage and ``F`` (n_z + 1, n_p) the face fluxes;
    ``out`` and ``work`` must not overlap g.
    """
    nz, ny = g.shape
    _z_fluxes(g, u, A, V, dz, bc_in, F_in, g_in, bc_out, g_out, limited, F)
    a1 = 0.0
    b1 = 0.0
    for j in range(ny):
        a1 += F[0, j] * dt
        b1 += F[nz, j] * dt
    for i in prange(nz):
        s = dt / V[i]
        for j in range(ny):
            work[i, j] = g[i, j] - s * (F[i + 1, j] - F[i, j])
    _z_fluxes(work, u, A, V, dz, bc_in, F_in, g_in, bc_out, g_out, limited, F)
    a2 = 0.0
    b2 = 0.0
    for j in range(ny):
        a2 += F[0, j] * dt
        b2 += F[nz, j] * dt
    for i in prange(nz):
        s = dt / V[i]
        for j in range(ny):
            out[i, j] = 0.5 * (g[i, j] + (work[i, j] - s * (F[i + 1, j] - F[i, j])))
    return 0.5 * (a1 + a2), 0.5 * (b1 + b2)


def advect_z(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited):
    """One step of −A⁻¹∂_z(A u g) with SSP-RK2 (Heun); returns (g_new, N_in, N_out) per unit Δy."""
    g = np.ascontiguousarray(g, dtype=float)
    out = np.empty_like(g)
    work = np.empty_like(g)
    F = np.empty((g.shape[0] + 1, g.shape[1]))
    with using_threads():
        n_in, n_out = advect_z_into(
            g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited, out, work, F
        )
    return out, n_in, n_out


# ---------------------------------------------------------------------- advection in ln p
@njit(cache=True, inline="always", error_model="numpy")
def _ext(g, i, j, ny, extrap):
    """g[i, j] with two ghost bins on each side (power-law extrapolation or zero)."""
    if 0 <= j < ny:
        return g[i, j]
    if not extrap:
        return 0.0
    if ny == 1:
        return g[i, 0]
    if j < 0:
        a, b = g[i, 0], g[i, 1]
        if a <= 0.0 or b <= 0.0:
            return 0.0
        q = a / b
        return a * q if j == -1 else a * q * q
    a, b = g[i, ny - 1], g[i, ny - 2]
    if a <= 0.0 or b <= 0.0:
        return 0.0
    q = a / b
    return a * q if j == ny else a * q * q


@njit(cache=True, error_model="numpy", parallel=True)
def y_prepare(g, ydot, extrap, limited, E, RQ):
    """First pass of the ln p advection: ghost-padded spectra E[i, j + 2] = g[i, j] and the
    ratios RQ[i, m] = E[i, m + 1]/E[i, m] (1 where either is not positive), for ẏ_i ≠ 0."""
    nz, ny = g.shape
    for i in prange(nz):
        if ydot[i] == 0.0:
            continue
        E[i, 0] = _ext(g, i, -2, ny, extrap)
        E[i, 1] = _ext(g, i, -1, ny, extrap)
        for j in range(ny):
            E[i, j + 2] = g[i, j]
        E[i, ny + 2] = _ext(g, i, ny, ny, extrap)
        E[i, ny + 3] = _ext(g, i, ny + 1, ny, extrap)
        if limited:
            for m in range(ny + 3):
                a = E[i, m]
                b = E[i, m + 1]
                ok = (a > 0.0) & (b > 0.0)
                RQ[i, m] = b / a if ok else 1.0


@njit(cache=True, inline="always", error_model="numpy")
def _y_factor(a, b, q_a, q_b, pos):
    """Face value of the upwind bin's power law per unit cell average (1 where the minmod
    slope is zero). a, b: ln q on the two sides of the upwind bin, q_a, q_b: the ratios q."""
    # minmod: σΔy = ln q of the flatter side
    left = abs(a) < abs(b)
    L = a if left else b
    q = q_a if left else q_b
    y2 = L if pos else -L  # 2x, x = ±σΔy/2
    # face factor 2x/(1 − e^{−2x}) = L q/(q − 1) (w > 0) or L/(q − 1) (w < 0)
    y4 = y2 * y2
    f_series = 1.0 + 0.5 * y2 + y4 * (1.0 / 12.0) - y4 * y4 * (1.0 / 720.0)
    f_exact = L * (q if pos else 1.0) / (q - 1.0)
    fac = f_series if abs(y2) < 1e-3 else f_exact
    return fac if a * b > 0.0 else 1.0


@njit(cache=True, error_model="numpy", parallel=True)
def y_faces(g, E, RQ, LQ, ydot, V, dy, dt, limited, out, C, g0, heun):
    """Second pass of one forward-Euler stage of the ln p advection: face fluxes and the
    update into ``out`` (which may be g or g0), the cells in parallel (``prange``).

    Piecewise power-law reconstruction in momentum (exact for g ∝ p^k); see
    :func:`crescape.simulate.reference.advect_y`. The log slope between two bins
    is LQ = ln q with q = RQ the ratio of their values, so the face factor
    needs no further transcendental function; the loop over faces has no branches
    (it vectorises). C (n_z, n_p + 1) holds the face values of each cell. With ``heun``
    the result is the second SSP-RK2 stage, out = (g0 + g − Δt L g)/2, else
    out = g − Δt L g. Returns (N_low_in, N_high_out) of the stage per unit Δy, summed
    over the cells in order (independent of the number of threads).
    """
    nz, ny = g.shape
    inv_dy = 1.0 / dy
    lo = np.zeros(nz)
    hi = np.zeros(nz)
    for i in prange(nz):
        w = ydot[i]
        if w == 0.0:
            for j in range(ny):
                out[i, j] = g0[i, j] if heun else g[i, j]
            continue
        pos = w > 0
        sh = 1 if pos else 2  # E index of the upwind bin of face k is k + sh
        nu = w * dt * inv_dy  # Courant number; C = w g_face dt/Δy = nu g_face
        if limited:
            for k in range(ny + 1):
                m = k + sh
                C[i, k] = (E[i, m] * nu) * _y_factor(
                    LQ[i, m - 1], LQ[i, m], RQ[i, m - 1], RQ[i, m], pos
                )
        else:
            for k in range(ny + 1):
                C[i, k] = E[i, k + sh] * nu
        if heun:
            for j in range(ny):
                out[i, j] = 0.5 * (g0[i, j] + ((E[i, j + 2] + C[i, j]) - C[i, j + 1]))
        else:
            for j in range(ny):
                out[i, j] = (E[i, j + 2] + C[i, j]) - C[i, j + 1]
        lo[i] = V[i] * C[i, 0]
        hi[i] = V[i] * C[i, ny]
    n_lo = 0.0
    n_hi = 0.0
    for i in range(nz):
        n_lo += lo[i]
        n_hi += hi[i]
    return n_lo, n_hi


def advect_y_into(g, ydot, V, dy, dt, extrap, limited, out, E, RQ, LQ, C, work):
    """One step of −∂_y(ẏ g), ẏ = −(∇·u)/3, with SSP-RK2 (Heun) into ``out`` (may be g);
    ``work`` (shape of g, must not overlap g or out) holds the first stage.
    Returns (N_low_in, N_high_out) per unit Δy."""
    y_prepare(g, ydot, extrap, limited, E, RQ)
    if limited:
        np.log(RQ, out=LQ)
    a1, b1 = y_faces(g, E, RQ, LQ, ydot, V, dy, dt, limited, work, C, g, False)
    y_prepare(work, ydot, extrap, limited, E, RQ)
    if limited:
        np.log(RQ, out=LQ)
    a2, b2 = y_faces(work, E, RQ, LQ, ydot, V, dy, dt, limited, out, C, g, True)
    return 0.5 * (a1 + a2), 0.5 * (b1 + b2)


def advect_y(g, ydot, V, dy, dt, extrap, limited):
    """One step of −∂_y(ẏ g), ẏ = −(∇·u)/3 (SSP-RK2); returns (g_new, N_low_in, N_high_out)
    per unit Δy."""
    g = np.ascontiguousarray(g, dtype=float)
    nz, ny = g.shape
    out = np.empty_like(g)
    with using_threads():
        n_lo, n_hi = _advect_y_alloc(g, ydot, V, dy, dt, extrap, limited, out)
    return out, n_lo, n_hi


def _advect_y_alloc(g, ydot, V, dy, dt, extrap, limited, out):
    nz, ny = g.shape
    return advect_y_into(
        g,
        np.ascontiguousarray(ydot, dtype=float),
        V,
        dy,
        dt,
        extrap,
        limited,
        out,
        np.empty((nz, ny + 4)),
        np.ones((nz, ny + 3)),
        np.zeros((nz, ny + 3)),
        np.empty((nz, ny + 1)),
        np.empty_like(g),
    )


# ---------------------------------------------------------------------- diffusion
@njit(cache=True, inline="always", error_model="numpy")
def _deff(D, gf, grad, v, h, limiter):
    if not limiter or D == 0.0:
        return D
    if gf > 0.0:
        R = 3.0 * D * grad / (v * gf)
    else:
        R = 3.0 * D / (v * h)
    return 3.0 * D * (2.0 + R) / (6.0 + 3.0 * R + R * R)


@njit(cache=True, error_model="numpy", parallel=True)
def transmissibility_into(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out, T):
    """T = A D_eff / h on the nz+1 faces into T (zero where there is no diffusive flux)."""
    nz, ny = g.shape
    if bc_in == IN_VALUE:
        h = 0.5 * dz[0]
        for j in range(ny):
            gf = 0.5 * (g_in[j] + g[0, j])
            T[0, j] = A[0] * _deff(D[0, j], gf, abs(g[0, j] - g_in[j]) / h, v[j], h, limiter) / h
    else:
        for j in range(ny):
            T[0, j] = 0.0
    if bc_out == OUT_FREE or bc_out == OUT_VALUE:
        h = 0.5 * dz[nz - 1]
        for j in range(ny):
            gb = g_out[j] if bc_out == OUT_VALUE else 0.0
            gf = 0.5 * (gb + g[nz - 1, j])
            T[nz, j] = (
                A[nz] * _deff(D[nz - 1, j], gf, abs(g[nz - 1, j] - gb) / h, v[j], h, limiter) / h
            )
    else:
        for j in range(ny):
            T[nz, j] = 0.0
    for k in prange(1, nz):
        h = dzc[k - 1]
        hl = 0.5 * dz[k - 1]
        hr = 0.5 * dz[k]
        ah = A[k] / h
        for j in range(ny):
            d0 = D[k - 1, j]
            d1 = D[k, j]
            # distance-weighted harmonic mean h/(h_l/D_l + h_r/D_r) = h D_l D_r/(h_l D_r + h_r D_l)
            den = hl * d1 + hr * d0
            Df = h * d0 * d1 / den if den > 0.0 else 0.0
            if limiter:
                # R = 3 D |Δg| / (h v g_face); on a face between empty cells R = 3 D/(v h)
                s2 = g[k - 1, j] + g[k, j]  # 2 g_face
                full = s2 > 0.0
                num = 6.0 * Df * abs(g[k, j] - g[k - 1, j]) if full else 3.0 * Df
                den2 = h * v[j] * (s2 if full else 1.0)
                R = num / den2
                Df = 3.0 * Df * (2.0 + R) / (6.0 + R * (3.0 + R))
            T[k, j] = ah * Df


def transmissibility(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out):
    """T = A D_eff / h on the nz+1 faces (zero where there is no diffusive flux)."""
    T = np.empty((g.shape[0] + 1, g.shape[1]))
    with using_threads():
        transmissibility_into(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out, T)
    return T


@njit(cache=True, error_model="numpy")
def _diffuse_bins(
    j0, j1, g, v, A, V, dt, theta, bc_in, F_in, g_in, bc_out, g_out, Q, out, cp, T, rows
):
    """The θ-scheme sweeps of :func:`diffuse_into` for the momentum bins j0 ≤ j < j1 (one block
    of bins, advanced together row by row); the bins' boundary and source budgets go to
    rows[3:6, j]."""
    nz, ny = g.shape
    pc = rows[0]  # cp of the previous row (forward), out of the next row (backward)
    pd = rows[1]  # d' of the previous row
    qs = rows[2]  # Σ_i V_i Q_ij per momentum bin
    th = theta
    ex = 1.0 - theta
    # first row: inner boundary terms (T[0] is non-zero only for a fixed value)
    s = dt / V[0]
    for j in range(j0, j1):
        Tl = T[0, j]
        Tr = T[1, j]
        gi = g[0, j]
        b = 1.0 + th * s * (Tl + Tr)
        rhs = gi + dt * Q[0, j]
        if nz > 1:
            rhs += ex * s * Tr * (g[1, j] - gi)
        if bc_in == IN_FLUX:
            rhs += s * A[0] * F_in[j]
        elif bc_in == IN_VALUE:
            rhs += s * Tl * (g_in[j] - ex * gi)
        if nz == 1:
            gb = g_out[j] if bc_out == OUT_VALUE else 0.0
            rhs += s * Tr * (gb - ex * gi)
        m = 1.0 / b
        c = -th * s * Tr * m
        d = rhs * m
        cp[0, j] = c
        out[0, j] = d
        pc[j] = c
        pd[j] = d
        qs[j] = V[0] * Q[0, j]  # Σ_i V_i Q_ij per momentum bin
    # interior rows, no branches in the inner loop
    for i in range(1, nz - 1):
        s = dt / V[i]
        ts = th * s
        es = ex * s
        vi = V[i]
        for j in range(j0, j1):
            Tl = T[i, j]
            Tr = T[i + 1, j]
            gi = g[i, j]
            q = Q[i, j]
            a = -ts * Tl
            b = 1.0 + ts * (Tl + Tr)
            rhs = gi + dt * q + es * (Tr * (g[i + 1, j] - gi) - Tl * (gi - g[i - 1, j]))
            m = 1.0 / (b - a * pc[j])
            c = -ts * Tr * m
            d = (rhs - a * pd[j]) * m
            cp[i, j] = c
            out[i, j] = d
            pc[j] = c
            pd[j] = d
            qs[j] += vi * q
    # last row: outer boundary terms (T[nz] is non-zero for free escape or a fixed value)
    if nz > 1:
        i = nz - 1
        s = dt / V[i]
        for j in range(j0, j1):
            Tl = T[i, j]
            Tr = T[i + 1, j]
            gi = g[i, j]
            gb = g_out[j] if bc_out == OUT_VALUE else 0.0
            a = -th * s * Tl
            b = 1.0 + th * s * (Tl + Tr)
            rhs = gi + dt * Q[i, j] - ex * s * Tl * (gi - g[i - 1, j]) + s * Tr * (gb - ex * gi)
            m = 1.0 / (b - a * pc[j])
            d = (rhs - a * pd[j]) * m
            cp[i, j] = 0.0
            out[i, j] = d
            qs[j] += V[i] * Q[i, j]
    for j in range(j0, j1):
        pc[j] = out[nz - 1, j]
    for i in range(nz - 2, -1, -1):
        for j in range(j0, j1):
            x = out[i, j] - cp[i, j] * pc[j]
            out[i, j] = x
            pc[j] = x
    for j in range(j0, j1):
        n_in = A[0] * F_in[j] * dt if bc_in == IN_FLUX else 0.0
        if bc_in == IN_VALUE:
            n_in = T[0, j] * (g_in[j] - th * out[0, j] - ex * g[0, j]) * dt
        gb = g_out[j] if bc_out == OUT_VALUE else 0.0
        rows[3, j] = n_in
        rows[4, j] = T[nz, j] * (th * out[nz - 1, j] + ex * g[nz - 1, j] - gb) * dt
        rows[5, j] = qs[j] * dt


@njit(cache=True, error_model="numpy", parallel=True)
def _diffuse_blocks(
    nb,
    g,
    D,
    v,
    A,
    V,
    dz,
    dzc,
    dt,
    theta,
    limiter,
    bc_in,
    F_in,
    g_in,
    bc_out,
    g_out,
    Q,
    out,
    cp,
    T,
    rows,
    given_T,
):
    """:func:`diffuse_into` with the bins split into ``nb`` blocks."""
    nz, ny = g.shape
    if not given_T:
        transmissibility_into(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out, T)
    for b in prange(nb):
        _diffuse_bins(
            (b * ny) // nb,
            ((b + 1) * ny) // nb,
            g,
            v,
            A,
            V,
            dt,
            theta,
            bc_in,
            F_in,
            g_in,
            bc_out,
            g_out,
            Q,
            out,
            cp,
            T,
            rows,
        )
    n_in = 0.0
    n_out = 0.0
    n_src = 0.0
    for j in range(ny):
        n_in += rows[3, j]
        n_out += rows[4, j]
        n_src += rows[5, j]
    return n_in, n_out, n_src


def diffuse_into(
    g,
    D,
    v,
    A,
    V,
    dz,
    dzc,
    dt,
    theta,
    limiter,
    bc_in,
    F_in,
    g_in,
    bc_out,
    g_out,
    Q,
    out,
    cp,
    T,
    rows,
    given_T=False,
):
    """θ-scheme step of A⁻¹∂_z(A D_eff ∂_z g) + Q with the inner/outer boundary terms, into out.

    One Thomas algorithm per momentum bin; the bins are split into one block per thread
    (``prange``), and in each block all bins are advanced together row by row.
    ``cp`` (shape of g), ``T`` (n_z + 1, n_p) and ``rows`` (6, n_p) are work arrays;
    ``out`` must not overlap g. With ``given_T`` the face coefficients already in T are
    used (the second TR-BDF2 stage), else they are computed from g. Returns (N_in, N_out,
    N_src) per unit Δy, summed over the bins in order (the result does not depend on the
    number of threads).

    The previous row of the sweeps is kept in the row buffers, so that no loop reads
    one row of an array while writing another (the loops over momentum vectorise).
    """
    nb = max(1, min(get_num_threads(), g.shape[1]))
    return _diffuse_blocks(
        nb,
        g,
        D,
        v,
        A,
        V,
        dz,
        dzc,
        dt,
        theta,
        limiter,
        bc_in,
        F_in,
        g_in,
        bc_out,
        g_out,
        Q,
        out,
        cp,
        T,
        rows,
        given_T,
    )


def diffuse(g, D, v, A, V, dz, dzc, dt, theta, limiter, bc_in, F_in, g_in, bc_out, g_out, Q):
    """θ-scheme step of A⁻¹∂_z(A D_eff ∂_z g) + Q with the inner/outer boundary terms.

    Returns (g_new, N_in, N_out, N_src) per unit Δy.
    """
    g = np.ascontiguousarray(g, dtype=float)
    nz, ny = g.shape
    out = np.empty_like(g)
    with using_threads():
        n_in, n_out, n_src = _diffuse_alloc(
            g, D, v, A, V, dz, dzc, dt, theta, limiter, bc_in, F_in, g_in, bc_out, g_out, Q, out
        )
    return out, n_in, n_out, n_src


def _diffuse_alloc(
    g, D, v, A, V, dz, dzc, dt, theta, limiter, bc_in, F_in, g_in, bc_out, g_out, Q, out
):
    nz, ny = g.shape
    return diffuse_into(
        g,
        D,
        v,
        A,
        V,
        dz,
        dzc,
        dt,
        theta,
        limiter,
        bc_in,
        F_in,
        g_in,
        bc_out,
        g_out,
        Q,
        out,
        np.empty_like(g),
        np.empty((nz + 1, ny)),
        np.empty((6, ny)),
    )


@njit(cache=True, error_model="numpy", parallel=True)
def combine_into(a, x, b, y, out):
    """out = a x − b y (the right-hand side of the BDF2 stage of TR-BDF2)."""
    nz, ny = x.shape
    for i in prange(nz):
        for j in range(ny):
            out[i, j] = a * x[i, j] - b * y[i, j]


@njit(cache=True, error_model="numpy")
def explicit_rate_into(g, D, v, A, V, dz, dzc, limiter, bc_in, g_in, bc_out, g_out, T, best):
    """max_ij of min(T_{i−1/2} + T_{i+1/2}, (A_{i−1/2} + A_{i+1/2}) v_j)/V_i (positivity limit of
    the θ-scheme), with work arrays T (n_z + 1, n_p) and best (n_p).

    The second term applies only with the flux limiter (limited outflow < A v g).
    """
    nz, ny = g.shape
    transmissibility_into(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out, T)
    for j in range(ny):
        best[j] = 0.0
    for i in range(nz):
        inv = 1.0 / V[i]
        aa = A[i] + A[i + 1]
        for j in range(ny):
            r = T[i, j] + T[i + 1, j]
            if limiter:
                c = aa * v[j]
                r = c if c < r else r
            r *= inv
            best[j] = r if r > best[j] else best[j]
    out = 0.0
    for j in range(ny):
        if best[j] > out:
            out = best[j]
    return out


def explicit_rate(g, D, v, A, V, dz, dzc, limiter, bc_in, g_in, bc_out, g_out):
    """:func:`explicit_rate_into` with its own work arrays."""
    T = np.empty((g.shape[0] + 1, g.shape[1]))
    best = np.empty(g.shape[1])
    with using_threads():
        return explicit_rate_into(
            g, D, v, A, V, dz, dzc, limiter, bc_in, g_in, bc_out, g_out, T, best
        )


@njit(cache=True, error_model="numpy")
def light_crossing_dt(D, dz, v):
    """min Δz_i/v_j over the cells i and bins j whose mean free path 3 D_ij/v_j exceeds the cell
    (where the flux limiter acts); inf if there are none (local light-crossing limit)."""
    nz, ny = D.shape
    out = np.inf
    for i in range(nz):
        h = dz[i]
        for j in range(ny):
            w = v[j] * h
            x = h / v[j] if 3.0 * D[i, j] > w else np.inf
            out = x if x < out else out
    return out
