"""Readable reference implementation of the transport operator (numpy + scipy).

Same algorithms and signatures as the fast kernels in :mod:`crescape.simulate._fast`,
written for clarity: whole-array numpy expressions for the fluxes, and one
banded solve (:func:`scipy.linalg.solve_banded`) per momentum bin for the
implicit diffusion. The tests compare the two to round-off.

Discretisation (see docs/transport.md): g[i, j] is the cell average of the
number density per unit ln p in cell i and momentum bin j.

* Advection in z and in y = ln p: the flux-limited Lax–Wendroff scheme of
  Sweby (1984), SIAM J. Numer. Anal. 21, 995, with the van Leer limiter
  ψ(r) = (r + |r|)/(1 + |r|): second order where smooth, TVD for Courant ≤ 1.
* Diffusion: θ-scheme, face coefficients are the distance-weighted harmonic
  mean of the cell values, limited by :mod:`crescape.simulate.limiter`.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_banded

from .boundaries import IN_FLUX, IN_VALUE, OUT_FREE, OUT_REFLECT, OUT_VALUE
from .limiter import limited_diffusion

__all__ = ["advect_z", "advect_y", "diffuse", "van_leer", "light_crossing_dt"]


def van_leer(r):
    """van Leer (1974) limiter ψ(r) = (r + |r|)/(1 + |r|)."""
    return (r + np.abs(r)) / (1.0 + np.abs(r))


def _sweby(w, g_upup, g_up, g_down, nu, limited):
    d = g_down - g_up
    if not limited:
        return w * g_up
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(d != 0, (g_up - g_upup) / np.where(d != 0, d, 1.0), 0.0)
    return w * (g_up + 0.5 * (1.0 - nu) * van_leer(r) * d)


def _advect_z_euler(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited):
    """Forward-Euler stage of −A⁻¹∂_z(A u g). Returns (g_new, N_in, N_out) per unit Δy.

    Fluxes are u times the reconstructed particles per unit length, m = g V/Δz,
    so that a steady flow (u m = const) is exact in any geometry.
    """
    nz, ny = g.shape
    m = g * (V / dz)[:, None]
    F = np.zeros((nz + 1, ny))  # particles per unit time through each face
    mpad = np.concatenate([m[:1], m[:1], m, m[-1:], m[-1:]])  # mpad[i + 2] = m[i]
    for k in range(1, nz):
        w = u[k]
        if w >= 0:
            lim = limited and k >= 2
            F[k] = _sweby(w, mpad[k], mpad[k + 1], mpad[k + 2], 0.0, lim)
        else:
            lim = limited and k + 1 < nz
            F[k] = _sweby(w, mpad[k + 3], mpad[k + 2], mpad[k + 1], 0.0, lim)
    w = u[0]
    if bc_in == IN_VALUE:
        F[0] = w * A[0] * g_in if w > 0 else w * m[0]
    elif bc_in == IN_FLUX:
        F[0] = A[0] * F_in
    w = u[nz]
    if bc_out != OUT_REFLECT:
        if w > 0:
            F[nz] = w * m[-1]
        elif bc_out == OUT_VALUE:
            F[nz] = w * A[nz] * g_out
    Fdt = F * dt
    g_new = g - (Fdt[1:] - Fdt[:-1]) / V[:, None]
    return g_new, Fdt[0].sum(), Fdt[-1].sum()


def advect_z(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited):
    """One step of −A⁻¹∂_z(A u g) with the two-stage SSP Runge–Kutta (Heun) method
    (Shu & Osher 1988, J. Comput. Phys. 77, 439). Returns (g_new, N_in, N_out) per unit Δy."""
    g1, a1, b1 = _advect_z_euler(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited)
    g2, a2, b2 = _advect_z_euler(g1, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited)
    return 0.5 * (g + g2), 0.5 * (a1 + a2), 0.5 * (b1 + b2)


def _ghosts(g, extrap):
    """The spectra of all cells with two ghost bins on each side, (n_z, n_p + 4): a power-law
    extrapolation of the two edge bins (zero where one of them is not positive), or zero."""
    nz, ny = g.shape
    e = np.zeros((nz, ny + 4))
    e[:, 2:-2] = g
    if not extrap:
        return e
    if ny == 1:
        e[:] = g
        return e
    for a, b, inner, outer in ((g[:, 0], g[:, 1], 1, 0), (g[:, -1], g[:, -2], -2, -1)):
        ok = (a > 0) & (b > 0)
        q = np.where(ok, a / np.where(ok, b, 1.0), 0.0)
        e[:, inner] = a * q
        e[:, outer] = a * q * q
    return e


def _log_slopes(e, dy):
    """One-sided d ln g/dy between neighbouring bins of padded spectra (0 where g <= 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (e[:, :-1] > 0) & (e[:, 1:] > 0)
        lo = np.log(np.where(ok, e[:, :-1], 1.0))
        hi = np.log(np.where(ok, e[:, 1:], 1.0))
        return np.where(ok, hi - lo, 0.0) / dy


def _advect_y_euler(g, ydot, V, dy, dt, extrap, limited):
    """Forward-Euler stage of −∂_y(ẏ g). Returns (g_new, N_low_in, N_high_out) per unit Δy.

    Each face flux comes from the upwind bin reconstructed as a power law,
    g_up e^{σ(y − y_up)} σΔy/(2 sinh(σΔy/2)) (cell average g_up), with σ the
    minmod of its two one-sided slopes of ln g, evaluated on the face.
    """
    ny = g.shape[1]
    e = _ghosts(g, extrap)  # e[:, j + 2] = g[:, j], j = -2 .. ny + 1
    s = _log_slopes(e, dy)  # s[:, m] = slope between e[:, m] and e[:, m + 1]
    k = np.arange(ny + 1)
    w = ydot[:, None]
    pos = w > 0
    # w > 0: the upwind bin of face k is j = k - 1 (e index k + 1), its slopes s[k], s[k + 1];
    # w < 0: it is j = k (e index k + 2), its slopes s[k + 1], s[k + 2]
    g_up = np.where(pos, e[:, k + 1], e[:, k + 2])
    sl = np.where(pos, s[:, k], s[:, k + 1])
    sr = np.where(pos, s[:, k + 1], s[:, k + 2])
    off = np.where(pos, 0.5 * dy, -0.5 * dy)
    sig = (
        np.where(sl * sr > 0, np.where(np.abs(sl) < np.abs(sr), sl, sr), 0.0)
        if limited
        else np.zeros_like(sl)
    )
    x = 0.5 * sig * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(np.abs(x) < 1e-8, 1.0, x / np.sinh(x))
    F = w * g_up * np.exp(sig * off) * shape  # zero in cells with ẏ = 0
    g_new = g - np.diff(F, axis=1) * (dt / dy)
    return g_new, float(np.sum(V * F[:, 0]) * dt / dy), float(np.sum(V * F[:, -1]) * dt / dy)


def advect_y(g, ydot, V, dy, dt, extrap, limited):
    """One step of −∂_y(ẏ g) with SSP-RK2 (Heun), like :func:`advect_z`.
    Returns (g_new, N_low_in, N_high_out) per unit Δy.

    The face fluxes are those of the piecewise power-law reconstruction
    (:func:`_advect_y_euler`), so a power law g ∝ p^k keeps its slope exactly; the
    method of lines with a Runge–Kutta integrator keeps the scheme second order in Δt
    also at the extrema of the spectrum, where the reconstruction is flat.
    """
    g1, a1, b1 = _advect_y_euler(g, ydot, V, dy, dt, extrap, limited)
    g2, a2, b2 = _advect_y_euler(g1, ydot, V, dy, dt, extrap, limited)
    return 0.5 * (g + g2), 0.5 * (a1 + a2), 0.5 * (b1 + b2)


def face_transmissibility(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out):
    """T = A D_eff / h on all nz+1 faces (zero where no diffusive flux)."""
    nz, ny = g.shape
    T = np.zeros((nz + 1, ny))
    h = dzc[:, None]
    with np.errstate(divide="ignore"):
        Df = np.where(
            (D[:-1] > 0) & (D[1:] > 0),
            h / (0.5 * dz[:-1, None] / D[:-1] + 0.5 * dz[1:, None] / D[1:]),
            0.0,
        )
    gf = 0.5 * (g[:-1] + g[1:])
    grad = np.abs(np.diff(g, axis=0)) / h
    Deff = limited_diffusion(Df, gf, grad, v, h) if limiter else Df
    T[1:-1] = A[1:-1, None] * Deff / h
    if bc_in == IN_VALUE:
        hb = 0.5 * dz[0]
        Db = (
            limited_diffusion(D[0], 0.5 * (g_in + g[0]), np.abs(g[0] - g_in) / hb, v, hb)
            if limiter
            else D[0]
        )
        T[0] = A[0] * Db / hb
    if bc_out in (OUT_FREE, OUT_VALUE):
        hb = 0.5 * dz[-1]
        gb = g_out if bc_out == OUT_VALUE else np.zeros(ny)
        Db = (
            limited_diffusion(D[-1], 0.5 * (gb + g[-1]), np.abs(g[-1] - gb) / hb, v, hb)
            if limiter
            else D[-1]
        )
        T[-1] = A[-1] * Db / hb
    return T


def diffuse(
    g, D, v, A, V, dz, dzc, dt, theta, limiter, bc_in, F_in, g_in, bc_out, g_out, Q, T=None
):
    """θ-scheme step of A⁻¹∂_z(A D_eff ∂_z g) + Q. Returns (g_new, N_in, N_out, N_src) per unit Δy.

    For each momentum bin, V (g' − g)/Δt = θ L g' + (1 − θ) L g + V Q + boundary terms,
    with (L g)_i = T_{i+1/2}(g_{i+1} − g_i) − T_{i−1/2}(g_i − g_{i−1}). The face
    coefficients T are computed from g unless given (the second TR-BDF2 stage).
    """
    nz, ny = g.shape
    if T is None:
        T = face_transmissibility(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out)
    gb_out = g_out if bc_out == OUT_VALUE else np.zeros(ny)
    g_new = np.empty_like(g)
    s = dt / V
    for j in range(ny):
        Tj = T[:, j]
        Lg = Tj[1:] * np.append(np.diff(g[:, j]), 0.0) - Tj[:-1] * np.insert(
            np.diff(g[:, j]), 0, 0.0
        )
        rhs = g[:, j] + dt * Q[:, j] + (1 - theta) * s * Lg
        if bc_in == IN_FLUX:
            rhs[0] += s[0] * A[0] * F_in[j]
        elif bc_in == IN_VALUE:
            rhs[0] += s[0] * Tj[0] * (g_in[j] - (1 - theta) * g[0, j])
        rhs[-1] += s[-1] * Tj[-1] * (gb_out[j] - (1 - theta) * g[-1, j])
        ab = np.zeros((3, nz))
        ab[0, 1:] = -theta * s[:-1] * Tj[1:-1]  # super-diagonal: row i, column i+1
        ab[1] = 1.0 + theta * s * (Tj[:-1] + Tj[1:])
        ab[2, :-1] = -theta * s[1:] * Tj[1:-1]  # sub-diagonal: row i+1, column i
        g_new[:, j] = solve_banded((1, 1), ab, rhs)
    n_src = float(np.sum(V[:, None] * Q) * dt)
    n_in = float(A[0] * np.sum(F_in) * dt) if bc_in == IN_FLUX else 0.0
    if bc_in == IN_VALUE:
        n_in = float(np.sum(T[0] * (g_in - theta * g_new[0] - (1 - theta) * g[0])) * dt)
    n_out = float(np.sum(T[-1] * (theta * g_new[-1] + (1 - theta) * g[-1] - gb_out)) * dt)
    return g_new, n_in, n_out, n_src


def light_crossing_dt(D, dz, v):
    """min Δz_i/v_j over the cells i and bins j whose mean free path 3 D_ij/v_j exceeds the cell
    (where the flux limiter acts); inf if there are none (local light-crossing limit)."""
    ballistic = 3.0 * D > v[None, :] * dz[:, None]
    if not np.any(ballistic):
        return np.inf
    return float(np.min(np.where(ballistic, dz[:, None] / v[None, :], np.inf)))
