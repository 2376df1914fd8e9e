"""Kernels of the 1.5D MHD solver (:mod:`crescape.simulate.mhd`): the numpy reference and numba.

The semi-discrete scheme of :mod:`crescape.simulate.mhd` (its docstring states the
equations, the CR force and the scheme): primitive/conserved variables, the physical
flux, the fast speed, HLL (Toro 2009, §10.3) and HLLD (Miyoshi & Kusano 2005) face
fluxes, and the cold CR force F = −(J/c) x̂ × B (Bell 2004). :func:`rhs_reference`
is the readable numpy version; ``_rhs_fast`` the numba kernel the tests compare with it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .gas import LIMITERS, _limit, _limit_np

__all__ = ["rhs_reference", "VARIABLES", "MHD_LIMITERS"]

#: slope limiters of the reconstruction: the gas solver's, and "none" (unlimited central
#: slopes (a + b)/2, Fromm's scheme: the linear second-order scheme, for smooth linear tests)
MHD_LIMITERS = {**LIMITERS, "none": 2}

#: rows of the conserved-variable array
VARIABLES = ("rho", "mom_x", "mom_y", "mom_z", "B_y", "B_z", "energy")
_FOURPI = 4.0 * np.pi
_EIGHTPI = 8.0 * np.pi

# --------------------------------------------------------------------------- reference (numpy)


def _primitive_np(U, Bx, gamma, iso, cs2):
    rho = U[0]
    ux, uy, uz = U[1] / rho, U[2] / rho, U[3] / rho
    By, Bz = U[4], U[5]
    if iso:
        P = cs2 * rho
    else:
        P = (gamma - 1.0) * (
            U[6]
            - 0.5 * rho * (ux * ux + uy * uy + uz * uz)
            - (Bx * Bx + By * By + Bz * Bz) / _EIGHTPI
        )
    return np.array([rho, ux, uy, uz, By, Bz, P])


def _conserved_np(W, Bx, gamma, iso):
    rho, ux, uy, uz, By, Bz, P = W
    E = (
        np.zeros_like(rho)
        if iso
        else P / (gamma - 1.0)
        + 0.5 * rho * (ux * ux + uy * uy + uz * uz)
        + (Bx * Bx + By * By + Bz * Bz) / _EIGHTPI
    )
    return np.array([rho, rho * ux, rho * uy, rho * uz, By, Bz, E])


def _flux_np(W, U, Bx, iso):
    """Physical flux of the 1.5D MHD equations (module docstring)."""
    rho, ux, uy, uz, By, Bz, P = W
    pm = (Bx * Bx + By * By + Bz * Bz) / _EIGHTPI
    uB = ux * Bx + uy * By + uz * Bz
    F = np.empty_like(U)
    F[0] = rho * ux
    F[1] = rho * ux * ux + P + pm - Bx * Bx / _FOURPI
    F[2] = rho * ux * uy - Bx * By / _FOURPI
    F[3] = rho * ux * uz - Bx * Bz / _FOURPI
    F[4] = ux * By - uy * Bx
    F[5] = ux * Bz - uz * Bx
    F[6] = 0.0 if iso else (U[6] + P + pm) * ux - Bx * uB / _FOURPI
    return F


def _fast_speed_np(W, Bx, gamma, iso, cs2):
    """Fast magnetosonic speed along x (e.g. Toro 2009, §1.6; Miyoshi & Kusano 2005, Eq. 3)."""
    rho, By, Bz, P = W[0], W[4], W[5], W[6]
    a2 = cs2 if iso else gamma * P / rho
    b2 = (Bx * Bx + By * By + Bz * Bz) / (_FOURPI * rho)
    bx2 = Bx * Bx / (_FOURPI * rho)
    s = a2 + b2
    return np.sqrt(0.5 * (s + np.sqrt(np.maximum(s * s - 4.0 * a2 * bx2, 0.0))))


def _cr_source_np(U, Jc, iso):
    """CR force density and its work, F = −(J/c) x̂ × B (Bell 2004; module docstring)."""
    S = np.zeros_like(U)
    rho, By, Bz = U[0], U[4], U[5]
    S[2] = Jc * Bz
    S[3] = -Jc * By
    if not iso:
        S[6] = (U[2] * S[2] + U[3] * S[3]) / rho
    return S


def rhs_reference(
    U, dx, Bx, Jc, gamma=5.0 / 3.0, isothermal=False, cs2=0.0, limiter="mc", riemann="hll"
):
    """dU/dt of the semi-discrete scheme (numpy reference) and the CR source part of it.

    Parameters
    ----------
    U : array (7, N)
        Conserved variables (rows :data:`VARIABLES`), cgs, Gaussian B [G].
    dx : float
        Cell size [cm].
    Bx : float
        Constant parallel field B0 [G].
    Jc : float
        J_CR/c [statA cm^-2 / (cm s^-1)], the CR current over c.
    gamma, isothermal, cs2, limiter
        Adiabatic index, isothermal switch, isothermal sound speed squared
        [cm² s^-2], slope limiter (``"minmod"``, ``"mc"`` or ``"none"``, unlimited).
    riemann : {"hll", "hlld"}
        HLL (Toro 2009, §10.3) or HLLD (Miyoshi & Kusano 2005; isothermal: Mignone 2007).
        The reference HLLD runs the kernel's scalar function uncompiled, face by face.

    Returns
    -------
    dUdt, S : arrays (7, N)
        The full right-hand side and the CR force/work part of it (periodic
        boundaries).
    """
    code = MHD_LIMITERS[limiter]
    W = _primitive_np(U, Bx, gamma, isothermal, cs2)
    a, b = W - np.roll(W, 1, axis=1), np.roll(W, -1, axis=1) - W
    dW = 0.5 * (a + b) if code == 2 else _limit_np(a, b, code)
    WL = W + 0.5 * dW  # left state of face i+1/2
    WR = np.roll(W - 0.5 * dW, -1, axis=1)  # right state of face i+1/2
    UL, UR = _conserved_np(WL, Bx, gamma, isothermal), _conserved_np(WR, Bx, gamma, isothermal)
    FL, FR = _flux_np(WL, UL, Bx, isothermal), _flux_np(WR, UR, Bx, isothermal)
    cL = _fast_speed_np(WL, Bx, gamma, isothermal, cs2)
    cR = _fast_speed_np(WR, Bx, gamma, isothermal, cs2)
    SL = np.minimum(np.minimum(WL[1] - cL, WR[1] - cR), 0.0)
    SR = np.maximum(np.maximum(WL[1] + cL, WR[1] + cR), 0.0)
    F = (SR * FL - SL * FR + SL * SR * (UR - UL)) / (SR - SL)
    if riemann == "hlld":
        f, work = np.empty(7), np.empty((10, 7))
        for i in range(U.shape[1]):
            if isothermal:
                _hlld_iso_flux.py_func(WL[:, i].copy(), WR[:, i].copy(), Bx, cs2, f, work)
            else:
                _hlld_flux.py_func(WL[:, i].copy(), WR[:, i].copy(), Bx, gamma, f, work)
            F[:, i] = f
    S = _cr_source_np(U, Jc, isothermal)
    return -(F - np.roll(F, 1, axis=1)) / dx + S, S


# --------------------------------------------------------------------------- fast (numba)


@njit(cache=True)
def _rhs_fast(U, dx, Bx, Jc, gamma, iso, cs2, code, out, src, riemann=0):
    """The scheme of :func:`rhs_reference`, one pass over cells and faces; writes out and src."""
    n = U.shape[1]
    W = np.empty((7, n))
    for i in range(n):
        rho = U[0, i]
        ux = U[1, i] / rho
        uy = U[2, i] / rho
        uz = U[3, i] / rho
        By = U[4, i]
        Bz = U[5, i]
        W[0, i] = rho
        W[1, i] = ux
        W[2, i] = uy
        W[3, i] = uz
        W[4, i] = By
        W[5, i] = Bz
        if iso:
            W[6, i] = cs2 * rho
        else:
            W[6, i] = (gamma - 1.0) * (
                U[6, i]
                - 0.5 * rho * (ux * ux + uy * uy + uz * uz)
                - (Bx * Bx + By * By + Bz * Bz) / _EIGHTPI
            )
    dW = np.empty((7, n))
    for i in range(n):
        im = i - 1 if i > 0 else n - 1
        ip = i + 1 if i < n - 1 else 0
        for v in range(7):
            if code == 2:
                dW[v, i] = 0.5 * (W[v, ip] - W[v, im])
            else:
                dW[v, i] = _limit(W[v, i] - W[v, im], W[v, ip] - W[v, i], code)
    F = np.empty((7, n))
    wl = np.empty(7)
    wr = np.empty(7)
    ul = np.empty(7)
    ur = np.empty(7)
    fl = np.empty(7)
    fr = np.empty(7)
    work = np.empty((10, 7))
    for i in range(n):
        ip = i + 1 if i < n - 1 else 0
        for v in range(7):
            wl[v] = W[v, i] + 0.5 * dW[v, i]
            wr[v] = W[v, ip] - 0.5 * dW[v, ip]
        if riemann == 1:
            if iso:
                _hlld_iso_flux(wl, wr, Bx, cs2, fl, work)
            else:
                _hlld_flux(wl, wr, Bx, gamma, fl, work)
            for v in range(7):
                F[v, i] = fl[v]
            continue
        cl = _state_flux(wl, Bx, gamma, iso, cs2, ul, fl)
        cr = _state_flux(wr, Bx, gamma, iso, cs2, ur, fr)
        sl = min(wl[1] - cl, wr[1] - cr, 0.0)
        sr = max(wl[1] + cl, wr[1] + cr, 0.0)
        inv = 1.0 / (sr - sl)
        for v in range(7):
            F[v, i] = (sr * fl[v] - sl * fr[v] + sl * sr * (ur[v] - ul[v])) * inv
    for i in range(n):
        im = i - 1 if i > 0 else n - 1
        for v in range(7):
            out[v, i] = -(F[v, i] - F[v, im]) / dx
            src[v, i] = 0.0
        sy = Jc * U[5, i]
        sz = -Jc * U[4, i]
        src[2, i] = sy
        src[3, i] = sz
        out[2, i] += sy
        out[3, i] += sz
        if not iso:
            w = (U[2, i] * sy + U[3, i] * sz) / U[0, i]
            src[6, i] = w
            out[6, i] += w


@njit(cache=True, inline="always")
def _cf(a2, b2, bx2):
    """Fast magnetosonic speed along x from a², v_A² and v_Ax² (Miyoshi & Kusano 2005, Eq. 3)."""
    s = a2 + b2
    return np.sqrt(0.5 * (s + np.sqrt(max(s * s - 4.0 * a2 * bx2, 0.0))))


@njit(cache=True, inline="always")
def _state_flux(w, Bx, gamma, iso, cs2, u, f):
    """Conserved state u, flux f and fast speed (returned) of the primitive state w."""
    rho, ux, uy, uz, By, Bz, P = w[0], w[1], w[2], w[3], w[4], w[5], w[6]
    pm = (Bx * Bx + By * By + Bz * Bz) / _EIGHTPI
    u[0] = rho
    u[1] = rho * ux
    u[2] = rho * uy
    u[3] = rho * uz
    u[4] = By
    u[5] = Bz
    if iso:
        u[6] = 0.0
        a2 = cs2
    else:
        u[6] = P / (gamma - 1.0) + 0.5 * rho * (ux * ux + uy * uy + uz * uz) + pm
        a2 = gamma * P / rho
    f[0] = rho * ux
    f[1] = rho * ux * ux + P + pm - Bx * Bx / _FOURPI
    f[2] = rho * ux * uy - Bx * By / _FOURPI
    f[3] = rho * ux * uz - Bx * Bz / _FOURPI
    f[4] = ux * By - uy * Bx
    f[5] = ux * Bz - uz * Bx
    f[6] = 0.0 if iso else (u[6] + P + pm) * ux - Bx * (ux * Bx + uy * By + uz * Bz) / _FOURPI
    return _cf(a2, 2.0 * pm / rho, Bx * Bx / (_FOURPI * rho))


@njit(cache=True, inline="always")
def _flux_b(f, r, u, v, z, by, bz, pt, bx):
    """Mass, momentum and induction fluxes f[0:6] of one state in b = B/√(4π) units, total
    pressure pt (Miyoshi & Kusano 2005, Eq. 2; the energy flux f[6] is the caller's)."""
    f[0] = r * u
    f[1] = r * u * u + pt - bx * bx
    f[2] = r * u * v - bx * by
    f[3] = r * u * z - bx * bz
    f[4] = u * by - v * bx
    f[5] = u * bz - z * bx


@njit(cache=True, inline="always")
def _single_star(r, u, v, z, by, bz, S, SM, bx):
    """(v*, w*, B_y*, B_z*) behind the fast wave S of an outer state moving at S_M, b units.

    Miyoshi & Kusano (2005), Eqs. 44-47; the isothermal HLLD of Mignone (2007) has the same
    jumps with S_M = u*. The degenerate case S = S_M ± c_A (the denominator zero) keeps
    the outer state's values, as in their text below Eq. 47.
    """
    d = r * (S - u) * (S - SM) - bx * bx
    if abs(d) < 1e-12 * (r * (S - u) * (S - u) + bx * bx + 1e-300):
        return v, z, by, bz
    fac = (r * (S - u) * (S - u) - bx * bx) / d
    vs = v - bx * by * (SM - u) / d  # Eq. 44
    zs = z - bx * bz * (SM - u) / d  # Eq. 46
    return vs, zs, by * fac, bz * fac  # Eqs. 45, 47


@njit(cache=True, inline="always")
def _double_star(s0, s1, vs, sgn):
    """(v**, w**, B_y**, B_z**) between the rotational discontinuities, b units.

    Miyoshi & Kusano (2005), Eqs. 59-62, with s0, s1 = √ρ*_L, √ρ*_R and vs[j] = (v*, w*,
    B_y*, B_z*) of the left (j = 0) and right single-star states; the isothermal HLLD
    (Mignone 2007) is the case ρ*_L = ρ*_R.
    """
    inv = 1.0 / (s0 + s1)
    vss = (s0 * vs[0, 0] + s1 * vs[1, 0] + (vs[1, 2] - vs[0, 2]) * sgn) * inv  # Eq. 59
    zss = (s0 * vs[0, 1] + s1 * vs[1, 1] + (vs[1, 3] - vs[0, 3]) * sgn) * inv  # Eq. 60
    byss = (s0 * vs[1, 2] + s1 * vs[0, 2] + s0 * s1 * (vs[1, 0] - vs[0, 0]) * sgn) * inv  # Eq. 61
    bzss = (s0 * vs[1, 3] + s1 * vs[0, 3] + s0 * s1 * (vs[1, 1] - vs[0, 1]) * sgn) * inv  # Eq. 62
    return vss, zss, byss, bzss


@njit(cache=True, inline="always")
def _star_row(row, rs, us, v, z, by, bz, e):
    """The conserved single- or double-star state (ρ, ρu, ρv, ρw, B_y, B_z, E) in ``row``."""
    row[0] = rs
    row[1] = rs * us
    row[2] = rs * v
    row[3] = rs * z
    row[4] = by
    row[5] = bz
    row[6] = e


@njit(cache=True, inline="always")
def _outer_flux(F, f, S, Us, U):
    """F*_a = F_a + S_a (U*_a − U_a), the flux in an outer intermediate state: the
    Rankine–Hugoniot condition across the fast wave S_a (the F*_α of the HLLD flux of
    Miyoshi & Kusano 2005)."""
    for k in range(7):
        F[k] = f[k] + S * (Us[k] - U[k])


@njit(cache=True)
def _hlld_flux(wl, wr, Bx, gamma, F, work):
    """HLLD flux of Miyoshi & Kusano (2005), J. Comput. Phys. 208, 315, Eqs. 38-63 (adiabatic).

    wl, wr: primitive states (ρ, u_x, u_y, u_z, B_y, B_z, P) in Gaussian units; F: the
    flux (7), Gaussian; work: scratch space (10, 7). Internally b = B/√(4π), so that the magnetic pressure is b²/2 as
    in the paper. Signal speeds S_L, S_R of their Eq. 67.
    """
    sq = np.sqrt(_FOURPI)
    bx = Bx / sq
    rl, ul, vl, zl, byl, bzl, pl = wl[0], wl[1], wl[2], wl[3], wl[4] / sq, wl[5] / sq, wl[6]
    rr, ur, vr, zr, byr, bzr, pr = wr[0], wr[1], wr[2], wr[3], wr[4] / sq, wr[5] / sq, wr[6]
    pml = 0.5 * (bx * bx + byl * byl + bzl * bzl)
    pmr = 0.5 * (bx * bx + byr * byr + bzr * bzr)
    ptl, ptr = pl + pml, pr + pmr
    el = pl / (gamma - 1.0) + 0.5 * rl * (ul * ul + vl * vl + zl * zl) + pml
    er = pr / (gamma - 1.0) + 0.5 * rr * (ur * ur + vr * vr + zr * zr) + pmr
    # fast speeds (Eq. 3)
    a2l, a2r = gamma * pl / rl, gamma * pr / rr
    cfl = _cf(a2l, 2.0 * pml / rl, bx * bx / rl)
    cfr = _cf(a2r, 2.0 * pmr / rr, bx * bx / rr)
    cmax = max(cfl, cfr)
    SL = min(ul, ur) - cmax
    SR = max(ul, ur) + cmax
    # physical fluxes (b units)
    fl, fr, Ul, Ur, Us, Uss, vs, sqr = (
        work[0],
        work[1],
        work[2],
        work[3],
        work[4:6],
        work[6],
        work[7:9],
        work[9],
    )
    _star_row(Ul, rl, ul, vl, zl, byl, bzl, el)
    _star_row(Ur, rr, ur, vr, zr, byr, bzr, er)
    _flux_b(fl, rl, ul, vl, zl, byl, bzl, ptl, bx)
    _flux_b(fr, rr, ur, vr, zr, byr, bzr, ptr, bx)
    fl[6] = (el + ptl) * ul - bx * (ul * bx + vl * byl + zl * bzl)
    fr[6] = (er + ptr) * ur - bx * (ur * bx + vr * byr + zr * bzr)
    if SL >= 0.0:
        for k in range(7):
            F[k] = fl[k]
    elif SR <= 0.0:
        for k in range(7):
            F[k] = fr[k]
    else:
        dl, dr = SL - ul, SR - ur
        den = dr * rr - dl * rl
        SM = (dr * rr * ur - dl * rl * ul - ptr + ptl) / den  # Eq. 38
        pts = (dr * rr * ptl - dl * rl * ptr + rl * rr * dr * dl * (ur - ul)) / den  # Eq. 41
        # single-star states (Eqs. 43-48)
        # Us: the two single-star states; vs: their v*, w*, By*, Bz*; sqr: √ρ*
        for j in range(2):
            if j == 0:
                r, u, v, z, by, bz, e, S, pt = rl, ul, vl, zl, byl, bzl, el, SL, ptl
            else:
                r, u, v, z, by, bz, e, S, pt = rr, ur, vr, zr, byr, bzr, er, SR, ptr
            rs = r * (S - u) / (S - SM)  # Eq. 43
            vsj, zsj, bysj, bzsj = _single_star(r, u, v, z, by, bz, S, SM, bx)
            es = (
                (S - u) * e
                - pt * u
                + pts * SM
                + bx * (u * bx + v * by + z * bz - (SM * bx + vsj * bysj + zsj * bzsj))
            ) / (S - SM)  # Eq. 48
            _star_row(Us[j], rs, SM, vsj, zsj, bysj, bzsj, es)
            sqr[j] = np.sqrt(rs)
            vs[j, 0], vs[j, 1], vs[j, 2], vs[j, 3] = vsj, zsj, bysj, bzsj
        SLs = SM - abs(bx) / sqr[0]  # Eq. 51
        SRs = SM + abs(bx) / sqr[1]
        if SLs >= 0.0:  # F*L
            _outer_flux(F, fl, SL, Us[0], Ul)
        elif SRs <= 0.0:  # F*R
            _outer_flux(F, fr, SR, Us[1], Ur)
        else:
            sgn = 1.0 if bx > 0 else (-1.0 if bx < 0 else 0.0)
            s0, s1 = sqr[0], sqr[1]
            vss, zss, byss, bzss = _double_star(s0, s1, vs, sgn)
            vbss = SM * bx + vss * byss + zss * bzss
            if SM >= 0.0:
                j, S, Ss, f, U = 0, SL, SLs, fl, Ul
                ess = (
                    Us[0, 6]
                    - s0 * (SM * bx + vs[0, 0] * vs[0, 2] + vs[0, 1] * vs[0, 3] - vbss) * sgn
                )
            else:
                j, S, Ss, f, U = 1, SR, SRs, fr, Ur
                ess = (
                    Us[1, 6]
                    + s1 * (SM * bx + vs[1, 0] * vs[1, 2] + vs[1, 1] * vs[1, 3] - vbss) * sgn
                )
            _star_row(Uss, Us[j, 0], SM, vss, zss, byss, bzss, ess)  # Eqs. 61-63
            for k in range(7):
                F[k] = f[k] + Ss * Uss[k] - (Ss - S) * Us[j, k] - S * U[k]
    F[4] *= sq
    F[5] *= sq


@njit(cache=True)
def _hlld_iso_flux(wl, wr, Bx, cs2, F, work):
    """Isothermal HLLD flux of Mignone (2007), J. Comput. Phys. 225, 1427 (Gaussian units).

    Four waves: the fast waves S_L, S_R (the estimate of Miyoshi & Kusano 2005, Eq. 67)
    and the rotational discontinuities S*_L,R = u* ∓ |B_x|/√(4πρ*). Density and normal
    velocity are the same in the three intermediate states: ρ* = ρ_HLL and
    u* = F_HLL(ρ)/ρ_HLL, which satisfy the mass jump ρ*(S_a − u*) = ρ_a(S_a − u_a) across
    both fast waves; the fluxes of ρ and ρu_x are the HLL ones. The transverse velocity and
    field of the outer states follow from the jumps of transverse momentum and induction
    across S_a (:func:`_single_star`, the forms of Miyoshi & Kusano 2005, Eqs. 44-47, with
    S_M = u*), those of the central state from the jumps across S*_a with ρ, u_x continuous
    (:func:`_double_star`, their Eqs. 59-62 with ρ*_L = ρ*_R). wl, wr: primitive states
    (ρ, u_x, u_y, u_z, B_y, B_z, P); F: the flux (7; F[6] = 0, no energy equation); work:
    scratch space (10, 7).
    """
    sq = np.sqrt(_FOURPI)
    bx = Bx / sq
    rl, ul, vl, zl, byl, bzl = wl[0], wl[1], wl[2], wl[3], wl[4] / sq, wl[5] / sq
    rr, ur, vr, zr, byr, bzr = wr[0], wr[1], wr[2], wr[3], wr[4] / sq, wr[5] / sq
    pml = 0.5 * (bx * bx + byl * byl + bzl * bzl)
    pmr = 0.5 * (bx * bx + byr * byr + bzr * bzr)
    ptl, ptr = cs2 * rl + pml, cs2 * rr + pmr
    cfl = _cf(cs2, 2.0 * pml / rl, bx * bx / rl)
    cfr = _cf(cs2, 2.0 * pmr / rr, bx * bx / rr)
    cmax = max(cfl, cfr)
    SL = min(ul, ur) - cmax
    SR = max(ul, ur) + cmax
    fl, fr, Ul, Ur, Us, Uss, vs = work[0], work[1], work[2], work[3], work[4:6], work[6], work[7:9]
    _star_row(Ul, rl, ul, vl, zl, byl, bzl, 0.0)
    _star_row(Ur, rr, ur, vr, zr, byr, bzr, 0.0)
    _flux_b(fl, rl, ul, vl, zl, byl, bzl, ptl, bx)
    _flux_b(fr, rr, ur, vr, zr, byr, bzr, ptr, bx)
    fl[6] = 0.0
    fr[6] = 0.0
    if SL >= 0.0:
        for k in range(7):
            F[k] = fl[k]
    elif SR <= 0.0:
        for k in range(7):
            F[k] = fr[k]
    else:
        inv = 1.0 / (SR - SL)
        rs = (SR * rr - SL * rl - fr[0] + fl[0]) * inv  # ρ_HLL
        f_rho = (SR * fl[0] - SL * fr[0] + SL * SR * (rr - rl)) * inv
        f_mx = (SR * fl[1] - SL * fr[1] + SL * SR * (Ur[1] - Ul[1])) * inv
        us = f_rho / rs
        for j in range(2):
            if j == 0:
                r, u, v, z, by, bz, S = rl, ul, vl, zl, byl, bzl, SL
            else:
                r, u, v, z, by, bz, S = rr, ur, vr, zr, byr, bzr, SR
            vsj, zsj, bysj, bzsj = _single_star(r, u, v, z, by, bz, S, us, bx)
            _star_row(Us[j], rs, us, vsj, zsj, bysj, bzsj, 0.0)
            vs[j, 0], vs[j, 1], vs[j, 2], vs[j, 3] = vsj, zsj, bysj, bzsj
        sqr = np.sqrt(rs)
        SLs = us - abs(bx) / sqr
        SRs = us + abs(bx) / sqr
        if SLs >= 0.0:  # F*L
            _outer_flux(F, fl, SL, Us[0], Ul)
        elif SRs <= 0.0:  # F*R
            _outer_flux(F, fr, SR, Us[1], Ur)
        else:  # the central state (ρ, u_x continuous across S*_L and S*_R)
            sgn = 1.0 if bx > 0 else (-1.0 if bx < 0 else 0.0)
            vc, zc, byc, bzc = _double_star(sqr, sqr, vs, sgn)
            _star_row(Uss, rs, us, vc, zc, byc, bzc, 0.0)
            for k in range(7):
                F[k] = fl[k] + SLs * Uss[k] - (SLs - SL) * Us[0, k] - SL * Ul[k]
        F[0] = f_rho
        F[1] = f_mx
    F[4] *= sq
    F[5] *= sq


# --------------------------------------------------------------------------- Hall correction


def _hall_correction_rhs_np(b, f, wf, a, c, dx):
    """−∂_x Φ, Φ_{i+1/2} = i w_{i+1/2} [a (b_{i+1} − b_i) + c (f_i + f_{i+1})] (numpy reference).

    The local-density correction of the Hall step (:class:`crescape.simulate.mhd_ops.HallOperator`):
    a = (c_light/e)(B0/4π)/Δx, c = c_light/(2e), f = F_y + iF_z, wf = 1/n − 1/n̄ at the faces.
    """
    phi = 1j * wf * (a * (np.roll(b, -1) - b) + c * (f + np.roll(f, -1)))
    return -(phi - np.roll(phi, 1)) / dx


@njit(cache=True)
def _hall_correction_rhs(b, f, wf, a, c, dx, out):
    """The numba kernel of :func:`_hall_correction_rhs_np`; writes ``out``."""
    n = b.shape[0]
    phi_last = 1j * wf[n - 1] * (a * (b[0] - b[n - 1]) + c * (f[n - 1] + f[0]))
    prev = phi_last
    for i in range(n):
        ip = i + 1 if i < n - 1 else 0
        phi = 1j * wf[i] * (a * (b[ip] - b[i]) + c * (f[i] + f[ip])) if i < n - 1 else phi_last
        out[i] = -(phi - prev) / dx
        prev = phi


@njit(cache=True)
def _hall_correction_rk3(b0, wf, a, c, Jc, h, dx, out):
    """Three-stage SSP Runge–Kutta (Shu & Osher 1988) of ∂_t b = :func:`_hall_correction_rhs_np`
    over h with the local CR force f = −i (J/c) b (no CR response), in one pass; writes ``out``.

    b1 = b0 + h L(b0), b2 = 3/4 b0 + 1/4 (b1 + h L(b1)), out = 1/3 b0 + 2/3 (b2 + h L(b2)).
    """
    n = b0.shape[0]
    f = np.empty_like(b0)
    r = np.empty_like(b0)
    b1 = np.empty_like(b0)
    b2 = np.empty_like(b0)
    for i in range(n):
        f[i] = -1j * Jc * b0[i]
    _hall_correction_rhs(b0, f, wf, a, c, dx, r)
    for i in range(n):
        b1[i] = b0[i] + h * r[i]
        f[i] = -1j * Jc * b1[i]
    _hall_correction_rhs(b1, f, wf, a, c, dx, r)
    for i in range(n):
        b2[i] = 0.75 * b0[i] + 0.25 * (b1[i] + h * r[i])
        f[i] = -1j * Jc * b2[i]
    _hall_correction_rhs(b2, f, wf, a, c, dx, r)
    for i in range(n):
        out[i] = b0[i] / 3.0 + (2.0 / 3.0) * (b2[i] + h * r[i])
