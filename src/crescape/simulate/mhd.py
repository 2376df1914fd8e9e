"""1.5D MHD driven by a fixed cosmic-ray current: Bell's nonresonant instability on a grid.

The gas moves along x, parallel to the mean field B0 x̂, and carries transverse
velocities and fields (Gaussian units, periodic box of length L):

    ∂ρ/∂t    + ∂_x(ρu_x)                                   = 0,
    ∂(ρu_x)/∂t + ∂_x(ρu_x² + P + B²/8π − B_x²/4π)          = 0,
    ∂(ρu_⊥)/∂t + ∂_x(ρu_x u_⊥ − B_x B_⊥/4π)               = F_⊥,
    ∂B_⊥/∂t   + ∂_x(u_x B_⊥ − u_⊥ B_x)                    = 0,
    ∂E/∂t     + ∂_x[(E + P + B²/8π) u_x − B_x (u·B)/4π]   = u·F,

with E = P/(γ−1) + ρu²/2 + B²/8π, B_x = B0 constant (∂_x B_x = 0 in 1D), and
⊥ = y, z. In the isothermal option P = ρ c_s² and the energy equation is dropped.

The CR force (Bell 2004, MNRAS 353, 550, Eqs. 5–8). The cosmic rays carry a
fixed current J_CR = J x̂ that the plasma compensates: the current in the
thermal plasma is j_th = (c/4π)∇×B − J_CR (the return current −J_CR plus the
current that supports the perturbed field), so the Lorentz force on the gas is

    (1/c) j_th × B = (1/4π)(∇×B)×B − (1/c) J_CR × B,

and the CR term is the external force density

    F = −(1/c) J_CR × B = −(J/c) x̂ × δB,   F_y = +(J/c) B_z,   F_z = −(J/c) B_y

(B0 x̂ drops out). In the ideal-MHD field E = −u×B/c, the field does work
−E·J_CR = (1/c) J_CR·(u×B) = u·F on the gas plus field, which is the source of
the total-energy equation above. Writing b = B_y + i B_z and F_y + iF_z = −i (J/c) b,
small perturbations ∝ exp[i(kx − ωt)] obey ω² = k²v_A² − k k_c v_A² with
k_c = 4πJ/(cB0), v_A = B0/√(4πρ) (Bell 2004, the cold relation of
:func:`crescape.physics.dispersion.dispersion_modes` with σ = 0): the helicity
B_y + iB_z ∝ e^{ikx}, k > 0 (called "right" here, as in :mod:`~crescape.physics.dispersion`)
grows for 0 < k < k_c at the rate γ = v_A√(k(k_c − k)), fastest γ = k_c v_A/2 at
k = k_c/2; the opposite helicity (B_y + iB_z ∝ e^{−ikx}, "left") is a stable
wave with ω² = k²v_A² + k k_c v_A².

Scheme: finite volumes on a uniform periodic grid; piecewise-linear
reconstruction of the primitive variables (ρ, u_x, u_y, u_z, B_y, B_z, P) with the
minmod or monotonised-central limiter (the gas solver's, :mod:`crescape.simulate.gas`);
HLL fluxes (Harten, Lax & van Leer 1983; Toro 2009, §10.3) with the fast
magnetosonic signal speeds of Davis (1988) (Toro 2009, Eq. 10.48, with the fast
speed in place of the sound speed), or for the adiabatic gas the HLLD fluxes of
Miyoshi & Kusano (2005), J. Comput. Phys. 208, 315, which resolve the Alfvén and
contact waves (``riemann="hlld"``); the CR force and its work evaluated on the
cell averages at each stage; second-order strong-stability-preserving
Runge–Kutta in time (Heun; Shu & Osher 1988). The momentum and energy given by
the CR force are accumulated with the same Runge–Kutta weights as the state, so
that in the periodic box Σ ρu and ΣE change by exactly the recorded impulse and work.

Two implementations of the same scheme: :func:`rhs_reference` (numpy, readable)
and the numba kernel ``_rhs_fast`` (``backend="numba"``); the tests compare them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .. import constants as C
from ..errors import ParameterError
from ..units import to_cgs
from .gas import LIMITERS, _limit, _limit_np

__all__ = [
    "MHDState",
    "BellMHD",
    "rhs_reference",
    "mode_amplitude",
    "fit_growth_rate",
    "linear_growth_run",
    "VARIABLES",
]

#: rows of the conserved-variable array
VARIABLES = ("rho", "mom_x", "mom_y", "mom_z", "B_y", "B_z", "energy")
_FOURPI = 4.0 * np.pi
_EIGHTPI = 8.0 * np.pi


@dataclass
class MHDState:
    """Conserved variables per cell (rows of :data:`VARIABLES`, cgs, Gaussian B), the time, a budget.

    ``budget`` holds, per unit area [cgs], the cumulative x-, y- and
    z-momentum (``impulse_x``, ``impulse_y``, ``impulse_z``) and the energy
    (``work``) that the CR force has given the gas; ``steps`` counts steps.
    """

    U: np.ndarray
    t: float = 0.0
    budget: dict = field(
        default_factory=lambda: {"impulse_x": 0.0, "impulse_y": 0.0, "impulse_z": 0.0, "work": 0.0}
    )
    steps: int = 0

    def copy(self) -> MHDState:
        return MHDState(self.U.copy(), self.t, dict(self.budget), self.steps)

    @property
    def rho(self) -> np.ndarray:
        return self.U[0]

    @property
    def u(self) -> np.ndarray:
        """Velocity (3, N) [cm/s]."""
        return self.U[1:4] / self.U[0]

    @property
    def B_perp(self) -> np.ndarray:
        """Transverse field (2, N) [G]."""
        return self.U[4:6]


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
        [cm² s^-2], slope limiter (``"minmod"`` or ``"mc"``).
    riemann : {"hll", "hlld"}
        HLL (Toro 2009, §10.3) or HLLD (Miyoshi & Kusano 2005; adiabatic only). The
        reference HLLD runs the kernel's scalar function uncompiled, face by face.

    Returns
    -------
    dUdt, S : arrays (7, N)
        The full right-hand side and the CR force/work part of it (periodic
        boundaries).
    """
    code = LIMITERS[limiter]
    W = _primitive_np(U, Bx, gamma, isothermal, cs2)
    dW = _limit_np(W - np.roll(W, 1, axis=1), np.roll(W, -1, axis=1) - W, code)
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
    b2 = 2.0 * pm / rho
    bx2 = Bx * Bx / (_FOURPI * rho)
    s = a2 + b2
    return np.sqrt(0.5 * (s + np.sqrt(max(s * s - 4.0 * a2 * bx2, 0.0))))


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
    sl_ = a2l + 2.0 * pml / rl
    sr_ = a2r + 2.0 * pmr / rr
    cfl = np.sqrt(0.5 * (sl_ + np.sqrt(max(sl_ * sl_ - 4.0 * a2l * bx * bx / rl, 0.0))))
    cfr = np.sqrt(0.5 * (sr_ + np.sqrt(max(sr_ * sr_ - 4.0 * a2r * bx * bx / rr, 0.0))))
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
    Ul[0], Ul[1], Ul[2], Ul[3], Ul[4], Ul[5], Ul[6] = rl, rl * ul, rl * vl, rl * zl, byl, bzl, el
    Ur[0], Ur[1], Ur[2], Ur[3], Ur[4], Ur[5], Ur[6] = rr, rr * ur, rr * vr, rr * zr, byr, bzr, er
    for f, r, u, v, z, by, bz, pt, e in (
        (fl, rl, ul, vl, zl, byl, bzl, ptl, el),
        (fr, rr, ur, vr, zr, byr, bzr, ptr, er),
    ):
        f[0] = r * u
        f[1] = r * u * u + pt - bx * bx
        f[2] = r * u * v - bx * by
        f[3] = r * u * z - bx * bz
        f[4] = u * by - v * bx
        f[5] = u * bz - z * bx
        f[6] = (e + pt) * u - bx * (u * bx + v * by + z * bz)
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
            rs = r * (S - u) / (S - SM)
            d = r * (S - u) * (S - SM) - bx * bx
            if abs(d) < 1e-12 * (r * (S - u) * (S - u) + bx * bx + 1e-300):
                vsj, zsj, bysj, bzsj = v, z, by, bz  # degenerate: S = SM ± c_A
            else:
                vsj = v - bx * by * (SM - u) / d  # Eq. 44
                zsj = z - bx * bz * (SM - u) / d
                fac = (r * (S - u) * (S - u) - bx * bx) / d  # Eq. 45
                bysj = by * fac
                bzsj = bz * fac
            es = (
                (S - u) * e
                - pt * u
                + pts * SM
                + bx * (u * bx + v * by + z * bz - (SM * bx + vsj * bysj + zsj * bzsj))
            ) / (S - SM)  # Eq. 48
            Us[j, 0] = rs
            Us[j, 1] = rs * SM
            Us[j, 2] = rs * vsj
            Us[j, 3] = rs * zsj
            Us[j, 4] = bysj
            Us[j, 5] = bzsj
            Us[j, 6] = es
            sqr[j] = np.sqrt(rs)
            vs[j, 0], vs[j, 1], vs[j, 2], vs[j, 3] = vsj, zsj, bysj, bzsj
        SLs = SM - abs(bx) / sqr[0]  # Eq. 51
        SRs = SM + abs(bx) / sqr[1]
        if SLs >= 0.0:  # F*L
            for k in range(7):
                F[k] = fl[k] + SL * (Us[0, k] - Ul[k])
        elif SRs <= 0.0:  # F*R
            for k in range(7):
                F[k] = fr[k] + SR * (Us[1, k] - Ur[k])
        else:
            sgn = 1.0 if bx > 0 else (-1.0 if bx < 0 else 0.0)
            s0, s1 = sqr[0], sqr[1]
            inv = 1.0 / (s0 + s1)
            vss = (s0 * vs[0, 0] + s1 * vs[1, 0] + (vs[1, 2] - vs[0, 2]) * sgn) * inv  # Eq. 59
            zss = (s0 * vs[0, 1] + s1 * vs[1, 1] + (vs[1, 3] - vs[0, 3]) * sgn) * inv  # Eq. 60
            byss = (s0 * vs[1, 2] + s1 * vs[0, 2] + s0 * s1 * (vs[1, 0] - vs[0, 0]) * sgn) * inv
            bzss = (s0 * vs[1, 3] + s1 * vs[0, 3] + s0 * s1 * (vs[1, 1] - vs[0, 1]) * sgn) * inv
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
            rs = Us[j, 0]
            Uss[0], Uss[1], Uss[2], Uss[3] = rs, rs * SM, rs * vss, rs * zss  # Eq. 62
            Uss[4], Uss[5], Uss[6] = byss, bzss, ess  # Eqs. 61, 63
            for k in range(7):
                F[k] = f[k] + Ss * Uss[k] - (Ss - S) * Us[j, k] - S * U[k]
    F[4] *= sq
    F[5] *= sq


# --------------------------------------------------------------------------- solver


def _positive(name, value, unit, allow_zero=False):
    v = float(to_cgs(name, value, unit))
    if not (v > 0 or (allow_zero and v == 0)):
        rng = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name} = {v:g} {unit} is not allowed: must be {rng}")
    return v


class BellMHD:
    """1.5D MHD in a periodic box with a fixed CR current J x̂ along B0 x̂ (module docstring).

    Parameters
    ----------
    n_cells : int
        Number of cells (>= 8).
    length : float or Quantity [cm]
        Box length L (> 0).
    B0 : float or Quantity [G]
        Parallel field B_x (> 0).
    rho : float or Quantity [g cm^-3]
        Density of the uniform initial state (> 0).
    J : float or Quantity [statA cm^-2]
        CR current density along +x (>= 0), carried by the CRs and compensated by
        the plasma's return current (Bell 2004).
    sound_speed : float or Quantity [cm/s]
        Initial sound speed (> 0): adiabatic √(γP/ρ), or the isothermal c_s.
    gamma : float
        Adiabatic index (1 < γ <= 3; default 5/3).
    isothermal : bool
        Drop the energy equation, P = ρ c_s².
    limiter : {"mc", "minmod"}
        Slope limiter of the reconstruction.
    backend : {"numba", "numpy"}
        Fast kernel or the readable reference (:func:`rhs_reference`).
    riemann : {"hll", "hlld"}
        Face fluxes: HLL (default) or HLLD (Miyoshi & Kusano 2005; adiabatic only).
    cfl : float
        Courant number (0 < cfl <= 0.8) of the fast-wave step; the step is also
        kept below ``cfl``/(k_c v_A,max), the CR-force time.

    Raises
    ------
    ParameterError
        On any value outside the ranges above.

    Examples
    --------
    >>> sim = BellMHD(64, 1.0, 1.0, 1.0, J=0.0, sound_speed=1.0)
    >>> s = sim.uniform_state()
    >>> round(float(sim.totals(s)["mass"]), 12)
    1.0
    """

    def __init__(
        self,
        n_cells,
        length,
        B0,
        rho,
        J,
        sound_speed,
        gamma=5.0 / 3.0,
        isothermal=False,
        limiter="mc",
        backend="numba",
        cfl=0.4,
        riemann="hll",
    ):
        if isinstance(n_cells, bool) or not isinstance(n_cells, (int, np.integer)) or n_cells < 8:
            raise ParameterError(f"n_cells = {n_cells!r} is not allowed: must be an integer >= 8")
        self.n = int(n_cells)
        self.L = _positive("length", length, "cm")
        self.B0 = _positive("B0", B0, "G")
        self.rho0 = _positive("rho", rho, "g / cm3")
        self.J = _positive("J", J, "statA / cm2", allow_zero=True)
        self.cs0 = _positive("sound_speed", sound_speed, "cm / s")
        g = float(gamma)
        if not (1.0 < g <= 3.0):
            raise ParameterError(f"gamma = {gamma!r} is not allowed: must be in (1, 3]")
        self.gamma = g
        self.isothermal = bool(isothermal)
        if limiter not in LIMITERS:
            raise ParameterError(
                f"limiter = {limiter!r} is not allowed: must be one of {sorted(LIMITERS)}"
            )
        self.limiter = limiter
        if riemann not in ("hll", "hlld") or (riemann == "hlld" and self.isothermal):
            raise ParameterError(
                f"riemann = {riemann!r} is not allowed: must be 'hll', or 'hlld' for an adiabatic gas"
            )
        self.riemann = riemann
        if backend not in ("numba", "numpy"):
            raise ParameterError(
                f"backend = {backend!r} is not allowed: must be 'numba' or 'numpy'"
            )
        self.backend = backend
        c = float(cfl)
        if not (0.0 < c <= 0.8):
            raise ParameterError(f"cfl = {cfl!r} is not allowed: must be in (0, 0.8]")
        self.cfl = c
        self.dx = self.L / self.n
        self.x = (np.arange(self.n) + 0.5) * self.dx
        self.Jc = self.J / C.c
        self.cs2 = self.cs0**2
        self._out = np.empty((7, self.n))
        self._src = np.empty((7, self.n))

    # derived scales ------------------------------------------------------
    @property
    def k_c(self) -> float:
        """k_c = 4πJ/(cB0) [cm^-1] (Bell 2004; the paper's k_max, Eq. 5)."""
        return _FOURPI * self.J / (C.c * self.B0)

    @property
    def v_A(self) -> float:
        """v_A = B0/√(4πρ) of the initial state [cm/s]."""
        return self.B0 / np.sqrt(_FOURPI * self.rho0)

    @property
    def gamma_max(self) -> float:
        """Bell's fastest cold growth rate k_c v_A/2 [s^-1] (Bell 2004)."""
        return 0.5 * self.k_c * self.v_A

    def wavenumber(self, m: int) -> float:
        """k = 2π m/L [cm^-1] of Fourier index m."""
        return 2.0 * np.pi * m / self.L

    # states ----------------------------------------------------------------
    def uniform_state(self) -> MHDState:
        """Gas at rest, ρ = rho, B = B0 x̂, pressure from sound_speed."""
        n = self.n
        W = np.zeros((7, n))
        W[0] = self.rho0
        W[6] = self.rho0 * self.cs2 / (1.0 if self.isothermal else self.gamma)
        return MHDState(_conserved_np(W, self.B0, self.gamma, self.isothermal))

    def _eigenmode(self, m, a, polarisation, phase, rho):
        """(u_y + iu_z, B_y + iB_z) of one cold eigenmode (see :meth:`seed_mode`)."""
        from ..physics.dispersion import dispersion_modes

        k = self.wavenumber(m)
        sign = 1.0 if polarisation == "right" else -1.0
        if self.J == 0.0:
            om = complex(k * self.B0 / np.sqrt(_FOURPI * rho))
        else:
            om = complex(
                dispersion_modes(k, self.J, self.B0, rho, 1.0, cr_response=False)[polarisation]
            )
        b = a * self.B0 * np.exp(1j * (sign * k * self.x + phase))
        if om == 0:  # k = k_c: the marginal mode, B alone is a steady state
            return np.zeros_like(b), b
        return -(sign * k - self.k_c) * self.B0 * b / (_FOURPI * rho * om), b

    def _add_perturbation(self, state, du, b):
        W = _primitive_np(state.U, self.B0, self.gamma, self.isothermal, self.cs2)
        W[2] += du.real
        W[3] += du.imag
        W[4] += b.real
        W[5] += b.imag
        out = state.copy()
        out.U = _conserved_np(W, self.B0, self.gamma, self.isothermal)
        return out

    def _check_polarisation(self, polarisation):
        if polarisation not in ("right", "left"):
            raise ParameterError(
                f"polarisation = {polarisation!r} is not allowed: must be 'right' or 'left'"
            )

    def _check_m(self, name, m):
        if not (isinstance(m, (int, np.integer)) and 1 <= m < self.n // 2):
            raise ParameterError(
                f"{name} = {m!r} is not allowed: must be an integer in [1, {self.n // 2 - 1}]"
            )

    def seed_mode(
        self, state: MHDState, m: int, amplitude: float, polarisation: str = "right", phase=0.0
    ) -> MHDState:
        """Add one circularly polarised eigenmode of the cold relation, δB/B0 = amplitude.

        ``"right"``: B_y + iB_z = a B0 e^{i(kx + phase)}, k = 2πm/L > 0 (unstable for k < k_c);
        ``"left"``: B_y + iB_z = a B0 e^{i(−kx + phase)}. The velocity is the eigenvector
        u_y + iu_z = −(κ − k_c) B0 b/(4πρω), κ = ±k, with ω from
        :func:`crescape.physics.dispersion.dispersion_modes` (σ = 0, Bell 2004).
        The energy is raised by the perturbation's kinetic and magnetic energy (P unchanged).
        """
        self._check_polarisation(polarisation)
        self._check_m("m", m)
        a = float(amplitude)
        if not (np.isfinite(a) and a > 0):
            raise ParameterError(
                f"amplitude = {amplitude!r} is not allowed: must be finite and > 0"
            )
        rho = float(np.mean(state.U[0]))
        du, b = self._eigenmode(m, a, polarisation, float(phase), rho)
        return self._add_perturbation(state, du, b)

    def seed_noise(
        self, state: MHDState, amplitude: float, m_max: int, seed=0, polarisations=("right", "left")
    ) -> MHDState:
        """Add the eigenmodes m = 1 … m_max of each polarisation with random phases.

        Each mode has δB/B0 = amplitude/√(number of modes), so that the rms
        δB/B0 is ``amplitude``; the velocity of each is its eigenvector (:meth:`seed_mode`).
        """
        self._check_m("m_max", m_max)
        for p in polarisations:
            self._check_polarisation(p)
        a = float(amplitude)
        if not (np.isfinite(a) and a > 0):
            raise ParameterError(
                f"amplitude = {amplitude!r} is not allowed: must be finite and > 0"
            )
        rng = np.random.default_rng(seed)
        rho = float(np.mean(state.U[0]))
        am = a / np.sqrt(m_max * len(polarisations))
        du = np.zeros(self.n, complex)
        b = np.zeros(self.n, complex)
        for p in polarisations:
            for m in range(1, m_max + 1):
                dui, bi = self._eigenmode(m, am, p, rng.uniform(0, 2 * np.pi), rho)
                du += dui
                b += bi
        return self._add_perturbation(state, du, b)

    # stepping ----------------------------------------------------------------
    def primitive(self, state: MHDState) -> np.ndarray:
        """(ρ, u_x, u_y, u_z, B_y, B_z, P) per cell."""
        return _primitive_np(state.U, self.B0, self.gamma, self.isothermal, self.cs2)

    def max_dt(self, state: MHDState) -> float:
        """cfl dx / max(|u_x| + c_f), and cfl/(k_c v_A,max) for the CR force [s]."""
        W = self.primitive(state)
        if not (np.all(W[0] > 0) and np.all(W[6] > 0) and np.all(np.isfinite(W))):
            raise FloatingPointError(
                f"non-positive density or pressure at t = {state.t:g} s (step {state.steps}): "
                "reduce cfl or the perturbation"
            )
        cf = _fast_speed_np(W, self.B0, self.gamma, self.isothermal, self.cs2)
        dt = self.cfl * self.dx / float(np.max(np.abs(W[1]) + cf))
        if self.J > 0:
            vA = self.B0 / np.sqrt(_FOURPI * float(np.min(W[0])))
            dt = min(dt, self.cfl / (self.k_c * vA))
        return dt

    def rhs(self, U):
        """(dU/dt, CR source) with the chosen backend."""
        if self.backend == "numpy":
            return rhs_reference(
                U,
                self.dx,
                self.B0,
                self.Jc,
                self.gamma,
                self.isothermal,
                self.cs2,
                self.limiter,
                self.riemann,
            )
        out, src = np.empty_like(U), np.empty_like(U)
        _rhs_fast(
            U,
            self.dx,
            self.B0,
            self.Jc,
            self.gamma,
            self.isothermal,
            self.cs2,
            LIMITERS[self.limiter],
            out,
            src,
            1 if self.riemann == "hlld" else 0,
        )
        return out, src

    def step(self, state: MHDState, dt: float) -> MHDState:
        """One SSP-RK2 (Heun) step: U1 = U + dt L(U), U' = (U + U1 + dt L(U1))/2 (Shu & Osher 1988)."""
        U0 = state.U
        L0, S0 = self.rhs(U0)
        U1 = U0 + dt * L0
        if not np.all(U1[0] > 0):
            raise FloatingPointError(f"negative density at t = {state.t:g} s: reduce cfl")
        L1, S1 = self.rhs(U1)
        U = 0.5 * (U0 + U1 + dt * L1)
        Ssum = (0.5 * dt * self.dx) * (S0.sum(axis=1) + S1.sum(axis=1))
        b = dict(state.budget)
        b["impulse_x"] += Ssum[1]
        b["impulse_y"] += Ssum[2]
        b["impulse_z"] += Ssum[3]
        b["work"] += Ssum[6]
        return MHDState(U, state.t + dt, b, state.steps + 1)

    def run(self, state: MHDState, t_end: float, every: int = 1, observe=None, max_steps=10**8):
        """Advance to t_end [s] with the largest stable steps; call observe(state) every ``every`` steps."""
        s = state
        if observe is not None:
            observe(s)
        while s.t < t_end * (1 - 1e-14):
            if s.steps - state.steps >= max_steps:
                raise RuntimeError(f"max_steps = {max_steps} reached at t = {s.t:g} s")
            dt = min(self.max_dt(s), t_end - s.t)
            s = self.step(s, dt)
            if observe is not None and (s.steps % every == 0 or s.t >= t_end * (1 - 1e-14)):
                observe(s)
        return s

    def totals(self, state: MHDState) -> dict:
        """Σ U dx per unit area: mass, momentum (x, y, z), energy (gas + field, incl. B0²/8π)."""
        T = state.U.sum(axis=1) * self.dx
        return {
            "mass": T[0],
            "momentum_x": T[1],
            "momentum_y": T[2],
            "momentum_z": T[3],
            "energy": T[6],
        }


# --------------------------------------------------------------------------- diagnostics


def mode_amplitude(state: MHDState, m: int) -> complex:
    """Fourier amplitude (1/N) Σ (B_y + iB_z) e^{−2πi m j/N} [G]; m > 0 "right", m < 0 "left" helicity."""
    b = state.U[4] + 1j * state.U[5]
    n = b.size
    return complex(np.fft.fft(b)[m % n] / n)


def fit_growth_rate(t, amp, t_min=None, t_max=None) -> float:
    """Least-squares slope of ln|amp| against t on [t_min, t_max]: the growth rate of |δB_k| [s^-1]."""
    t = np.asarray(t, dtype=float)
    y = np.log(np.abs(np.asarray(amp)))
    sel = np.ones(t.size, bool)
    if t_min is not None:
        sel &= t >= t_min
    if t_max is not None:
        sel &= t <= t_max
    if sel.sum() < 3:
        raise ParameterError(
            f"fit window [{t_min}, {t_max}] s holds {sel.sum()} samples: need >= 3"
        )
    return float(np.polyfit(t[sel], y[sel], 1)[0])


def linear_growth_run(
    k_over_kc: float,
    n_cells: int = 64,
    polarisation: str = "right",
    efolds: float = 4.0,
    amplitude: float = 1e-6,
    **kwargs,
) -> dict:
    """Measure the growth rate of one seeded mode in a box of one wavelength (code units).

    ρ = B0 = 1, v_A = 1/√(4π), k_c = 1 (J = cB0/(4π)); L = 2π/k; sound speed v_A
    unless given. The mode is followed for ``efolds`` growth times of the
    fastest mode (1/γ_max, γ_max = k_c v_A/2); the rate is fitted to ln|δB_k|
    after the first growth time. Returns ``measured``, ``expected`` (Im ω of
    :func:`crescape.physics.dispersion.dispersion_modes`, cold, σ = 0),
    ``frequency`` (measured phase rotation rate, the sign convention of
    e^{−iωt}) and ``expected_frequency`` (Re ω), all in units of k_c v_A.
    """
    from ..physics.dispersion import dispersion_modes

    q = float(k_over_kc)
    if not (0.0 < q < 10.0):
        raise ParameterError(f"k_over_kc = {k_over_kc!r} is not allowed: must be in (0, 10)")
    B0, rho, kc = 1.0, 1.0, 1.0
    J = kc * C.c * B0 / _FOURPI
    k = q * kc
    vA = B0 / np.sqrt(_FOURPI * rho)
    kwargs.setdefault("sound_speed", vA)
    sim = BellMHD(n_cells, 2.0 * np.pi / k, B0, rho, J, **kwargs)
    s = sim.seed_mode(sim.uniform_state(), 1, amplitude, polarisation)
    m = 1 if polarisation == "right" else -1
    ts, amps = [], []

    def observe(st):
        ts.append(st.t)
        amps.append(mode_amplitude(st, m))

    t_end = efolds / sim.gamma_max
    sim.run(s, t_end, observe=observe)
    ts, amps = np.array(ts), np.array(amps)
    t0 = 1.0 / sim.gamma_max
    rate = fit_growth_rate(ts, amps, t_min=t0)
    sel = ts >= t0
    # e^{−iωt} with b ∝ e^{±ikx}: the phase of the amplitude decreases at Re ω
    phase = np.unwrap(np.angle(amps[sel]))
    freq = -float(np.polyfit(ts[sel], phase, 1)[0])
    om = complex(dispersion_modes(k, J, B0, rho, 1.0, cr_response=False)[polarisation])
    unit = kc * vA
    return {
        "measured": rate / unit,
        "expected": om.imag / unit,
        "frequency": freq / unit,
        "expected_frequency": om.real / unit,
        "n_steps": len(ts) - 1,
        "final_amplitude": float(np.abs(amps[-1])) / B0,
    }
