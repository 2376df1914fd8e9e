"""Fast kernels of the transport operator (numba, compiled once and cached).

The algorithms are those of :mod:`crescape.simulate.reference`, written as
fused loops: the inner loop runs over momentum bins (contiguous in memory), so
the tridiagonal (Thomas) solves of all momentum bins proceed together.
Boundary codes are the integers defined in :mod:`crescape.simulate.boundaries`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# boundary codes (kept in sync with boundaries.py)
IN_FLUX, IN_REFLECT, IN_VALUE = 0, 1, 2
OUT_FREE, OUT_OUTFLOW, OUT_REFLECT, OUT_VALUE = 0, 1, 2, 3
_BLOCK = 16  # momentum bins per block of the tridiagonal solves


@njit(cache=True, inline="always")
def _psi(r):
    """van Leer limiter ψ(r) = (r + |r|)/(1 + |r|)."""
    ar = abs(r)
    return (r + ar) / (1.0 + ar)


@njit(cache=True, inline="always")
def _sweby(w, g_upup, g_up, g_down, nu, limited):
    """Flux-limited Lax-Wendroff face flux (Sweby 1984) with the van Leer limiter."""
    d = g_down - g_up
    if not limited or d == 0.0:
        return w * g_up
    r = (g_up - g_upup) / d
    return w * (g_up + 0.5 * (1.0 - nu) * _psi(r) * d)


@njit(cache=True, inline="always")
def _half_van_leer(a, d):
    """½ ψ(r) d for r = a/d with the van Leer limiter: a d/(a + d) if a d > 0, else 0."""
    p = a * d
    return p / (a + d) if p > 0.0 else 0.0


@njit(cache=True)
def _advect_z_euler(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited):
    """Forward-Euler stage of −A⁻¹∂_z(A u g); returns (g_new, N_in, N_out) per unit Δy.

    The reconstructed variable is m = g V/Δz, the particles per unit length, so
    that a steady flow (u m = const) is kept exactly in any geometry.
    """
    nz, ny = g.shape
    m = np.empty((nz, ny))
    for i in range(nz):
        w = V[i] / dz[i]
        for j in range(ny):
            m[i, j] = g[i, j] * w
    F = np.empty((nz + 1, ny))  # particles per unit time through each face
    w = u[0]
    for j in range(ny):
        if bc_in == IN_VALUE:
            F[0, j] = w * A[0] * g_in[j] if w > 0 else w * m[0, j]
        elif bc_in == IN_FLUX:
            F[0, j] = A[0] * F_in[j]
        else:
            F[0, j] = 0.0
    w = u[nz]
    for j in range(ny):
        if bc_out == OUT_REFLECT:
            F[nz, j] = 0.0
        elif w > 0:
            F[nz, j] = w * m[nz - 1, j]
        elif bc_out == OUT_VALUE:
            F[nz, j] = w * A[nz] * g_out[j]
        else:
            F[nz, j] = 0.0
    for k in range(1, nz):
        w = u[k]
        if w >= 0.0:
            if limited and k >= 2:
                for j in range(ny):
                    mu = m[k - 1, j]
                    F[k, j] = w * (mu + _half_van_leer(mu - m[k - 2, j], m[k, j] - mu))
            else:
                for j in range(ny):
                    F[k, j] = w * m[k - 1, j]
        else:
            if limited and k + 1 < nz:
                for j in range(ny):
                    mu = m[k, j]
                    F[k, j] = w * (mu + _half_van_leer(mu - m[k + 1, j], m[k - 1, j] - mu))
            else:
                for j in range(ny):
                    F[k, j] = w * m[k, j]
    out = np.empty((nz, ny))
    for i in range(nz):
        s = dt / V[i]
        for j in range(ny):
            out[i, j] = g[i, j] - s * (F[i + 1, j] - F[i, j])
    n_in = 0.0
    n_out = 0.0
    for j in range(ny):
        n_in += F[0, j] * dt
        n_out += F[nz, j] * dt
    return out, n_in, n_out


@njit(cache=True)
def advect_z(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited):
    """One step of −A⁻¹∂_z(A u g) with SSP-RK2 (Heun); returns (g_new, N_in, N_out) per unit Δy."""
    g1, a1, b1 = _advect_z_euler(g, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited)
    g2, a2, b2 = _advect_z_euler(g1, u, A, V, dz, dt, bc_in, F_in, g_in, bc_out, g_out, limited)
    return 0.5 * (g + g2), 0.5 * (a1 + a2), 0.5 * (b1 + b2)


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
def _face_factor(sig, dy, sign):
    """e^{±x} x/sinh(x) with x = σΔy/2: face value / cell average of an exponential in y."""
    y = 0.5 * sig * dy * sign
    if abs(y) < 1e-8:
        return 1.0 + y
    return 2.0 * y / (-np.expm1(-2.0 * y))


@njit(cache=True, inline="always")
def _time_average(a):
    """(1 − e^{−a})/a, the mean of e^{−σ w s} over the step."""
    if abs(a) < 1e-8:
        return 1.0 - 0.5 * a
    return -np.expm1(-a) / a


@njit(cache=True)
def advect_y(g, ydot, V, dy, dt, extrap, limited):
    """One step of −∂_y(ẏ g), ẏ = −(∇·u)/3; returns (g_new, N_low_in, N_high_out) per unit Δy.

    Piecewise power-law reconstruction in momentum (exact for g ∝ p^k); see
    :func:`crescape.simulate.reference.advect_y`. The log slope between two bins
    is ln q with q the ratio of their values, so the face factor needs no extra
    transcendental function: one log per bin and one exp per face.
    """
    nz, ny = g.shape
    out = g.copy()
    n_lo = 0.0
    n_hi = 0.0
    e = np.empty(ny + 4)  # e[j + 2] = g[i, j], two ghosts on each side
    lq = np.zeros(ny + 3)  # ln q, q = e[m + 1]/e[m] (0 if either is not positive)
    rq = np.ones(ny + 3)  # q itself
    inv_dy = 1.0 / dy
    for i in range(nz):
        w = ydot[i]
        if w == 0.0:
            continue
        for m in range(ny + 4):
            e[m] = _ext(g, i, m - 2, ny, extrap)
        if limited:
            for m in range(ny + 3):
                if e[m] > 0.0 and e[m + 1] > 0.0:
                    q = e[m + 1] / e[m]
                    rq[m] = q
                    lq[m] = np.log(q)
                else:
                    rq[m] = 1.0
                    lq[m] = 0.0
        sign = 1.0 if w > 0 else -1.0
        sh = 1 if w > 0 else 2  # e index of the upwind bin of face k is k + sh
        nu = w * dt * inv_dy
        for k in range(ny + 1):
            u_idx = k + sh
            g_up = e[u_idx]
            fac = 1.0
            if limited:
                a = lq[u_idx - 1]
                b = lq[u_idx]
                if a * b > 0.0:
                    # minmod: σΔy = ln q of the flatter side
                    if abs(a) < abs(b):
                        L = a
                        q = rq[u_idx - 1]
                    else:
                        L = b
                        q = rq[u_idx]
                    y2 = sign * L  # 2x, x = ±σΔy/2
                    # face factor 2x/(1 − e^{−2x}), with e^{−2x} = 1/q (w > 0) or q (w < 0)
                    if abs(y2) < 1e-3:
                        y4 = y2 * y2
                        fac = 1.0 + 0.5 * y2 + y4 / 12.0 - y4 * y4 / 720.0
                    else:
                        fac = y2 / (1.0 - (1.0 / q if w > 0 else q))
                    # time average (1 − e^{−a})/a over the step, a = σ w dt
                    at = L * nu
                    fac *= 1.0 - 0.5 * at if abs(at) < 1e-8 else -np.expm1(-at) / at
            F = w * g_up * fac
            c = F * dt * inv_dy
            if k > 0:
                out[i, k - 1] -= c
            if k < ny:
                out[i, k] += c
            if k == 0:
                n_lo += V[i] * c
            elif k == ny:
                n_hi += V[i] * c
    return out, n_lo, n_hi


@njit(cache=True, inline="always")
def _deff(D, gf, grad, v, h, limiter):
    if not limiter or D == 0.0:
        return D
    if gf > 0.0:
        R = 3.0 * D * grad / (v * gf)
    else:
        R = 3.0 * D / (v * h)
    return 3.0 * D * (2.0 + R) / (6.0 + 3.0 * R + R * R)


@njit(cache=True)
def transmissibility(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out):
    """T = A D_eff / h on the nz+1 faces (zero where there is no diffusive flux)."""
    nz, ny = g.shape
    T = np.zeros((nz + 1, ny))
    for k in range(1, nz):
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
                num = 6.0 * Df * abs(g[k, j] - g[k - 1, j]) if s2 > 0.0 else 3.0 * Df
                den = h * v[j] * (s2 if s2 > 0.0 else 1.0)
                R = num / den
                Df = 3.0 * Df * (2.0 + R) / (6.0 + R * (3.0 + R))
            T[k, j] = ah * Df
    if bc_in == IN_VALUE:
        h = 0.5 * dz[0]
        for j in range(ny):
            gf = 0.5 * (g_in[j] + g[0, j])
            T[0, j] = A[0] * _deff(D[0, j], gf, abs(g[0, j] - g_in[j]) / h, v[j], h, limiter) / h
    if bc_out == OUT_FREE or bc_out == OUT_VALUE:
        h = 0.5 * dz[nz - 1]
        for j in range(ny):
            gb = g_out[j] if bc_out == OUT_VALUE else 0.0
            gf = 0.5 * (gb + g[nz - 1, j])
            T[nz, j] = (
                A[nz] * _deff(D[nz - 1, j], gf, abs(g[nz - 1, j] - gb) / h, v[j], h, limiter) / h
            )
    return T


@njit(cache=True)
def diffuse(g, D, v, A, V, dz, dzc, dt, theta, limiter, bc_in, F_in, g_in, bc_out, g_out, Q):
    """θ-scheme step of A⁻¹∂_z(A D_eff ∂_z g) + Q with the inner/outer boundary terms.

    Returns (g_new, N_in, N_out, N_src) per unit Δy.
    """
    nz, ny = g.shape
    T = transmissibility(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out)
    th = theta
    ex = 1.0 - theta
    n_src = 0.0
    n_in = 0.0
    for i in range(nz):
        for j in range(ny):
            n_src += V[i] * Q[i, j] * dt
    out = np.empty((nz, ny))
    # Thomas algorithm on blocks of momentum bins, so that the work arrays stay in cache
    bs = _BLOCK
    cp = np.empty((nz, bs))
    dp = np.empty((nz, bs))
    for j0 in range(0, ny, bs):
        nb = min(bs, ny - j0)
        # first row: inner boundary terms (T[0] is non-zero only for a fixed value)
        s = dt / V[0]
        for jj in range(nb):
            j = j0 + jj
            Tl = T[0, j]
            Tr = T[1, j]
            gi = g[0, j]
            b = 1.0 + th * s * (Tl + Tr)
            rhs = gi + dt * Q[0, j]
            if nz > 1:
                rhs += ex * s * Tr * (g[1, j] - gi)
            if bc_in == IN_FLUX:
                rhs += s * A[0] * F_in[j]
                n_in += A[0] * F_in[j] * dt
            elif bc_in == IN_VALUE:
                rhs += s * Tl * (g_in[j] - ex * gi)
            if nz == 1:
                gb = g_out[j] if bc_out == OUT_VALUE else 0.0
                rhs += s * Tr * (gb - ex * gi)
            m = 1.0 / b
            cp[0, jj] = -th * s * Tr * m
            dp[0, jj] = rhs * m
        # interior rows, no branches in the inner loop
        for i in range(1, nz - 1):
            s = dt / V[i]
            ts = th * s
            es = ex * s
            for jj in range(nb):
                j = j0 + jj
                Tl = T[i, j]
                Tr = T[i + 1, j]
                gi = g[i, j]
                a = -ts * Tl
                b = 1.0 + ts * (Tl + Tr)
                rhs = gi + dt * Q[i, j] + es * (Tr * (g[i + 1, j] - gi) - Tl * (gi - g[i - 1, j]))
                m = 1.0 / (b - a * cp[i - 1, jj])
                cp[i, jj] = -ts * Tr * m
                dp[i, jj] = (rhs - a * dp[i - 1, jj]) * m
        # last row: outer boundary terms (T[nz] is non-zero for free escape or a fixed value)
        if nz > 1:
            i = nz - 1
            s = dt / V[i]
            for jj in range(nb):
                j = j0 + jj
                Tl = T[i, j]
                Tr = T[i + 1, j]
                gi = g[i, j]
                gb = g_out[j] if bc_out == OUT_VALUE else 0.0
                a = -th * s * Tl
                b = 1.0 + th * s * (Tl + Tr)
                rhs = gi + dt * Q[i, j] - ex * s * Tl * (gi - g[i - 1, j]) + s * Tr * (gb - ex * gi)
                m = 1.0 / (b - a * cp[i - 1, jj])
                cp[i, jj] = 0.0
                dp[i, jj] = (rhs - a * dp[i - 1, jj]) * m
        for jj in range(nb):
            out[nz - 1, j0 + jj] = dp[nz - 1, jj]
        for i in range(nz - 2, -1, -1):
            for jj in range(nb):
                out[i, j0 + jj] = dp[i, jj] - cp[i, jj] * out[i + 1, j0 + jj]
    n_out = 0.0
    for j in range(ny):
        if bc_in == IN_VALUE:
            n_in += T[0, j] * (g_in[j] - th * out[0, j] - ex * g[0, j]) * dt
        gb = g_out[j] if bc_out == OUT_VALUE else 0.0
        n_out += T[nz, j] * (th * out[nz - 1, j] + ex * g[nz - 1, j] - gb) * dt
    return out, n_in, n_out, n_src


@njit(cache=True)
def explicit_rate(g, D, v, A, V, dz, dzc, limiter, bc_in, g_in, bc_out, g_out):
    """max_ij of min(T_{i−1/2} + T_{i+1/2}, (A_{i−1/2} + A_{i+1/2}) v_j)/V_i (positivity limit of the θ-scheme).

    The second term applies only with the flux limiter (limited outflow < A v g).
    """
    T = transmissibility(g, D, v, A, dz, dzc, limiter, bc_in, g_in, bc_out, g_out)
    nz, ny = g.shape
    best = 0.0
    for i in range(nz):
        inv = 1.0 / V[i]
        aa = A[i] + A[i + 1]
        for j in range(ny):
            r = T[i, j] + T[i + 1, j]
            if limiter:
                c = aa * v[j]
                if c < r:
                    r = c
            r *= inv
            if r > best:
                best = r
    return best
