"""Linear theory of the nonresonant (Bell) instability: the dispersion relation with the CR response.

Parallel, circularly polarised modes δB ∝ exp[i(kz - ωt)] in a cold, ideal
MHD plasma of mass density ρ threaded by B0 ẑ, through which cosmic rays carry
a current J ẑ that is compensated by a return current in the plasma
(Bell 2004, MNRAS 353, 550, Eqs. 8-13). With k_c = 4πJ/(cB0) and
v_A = B0/√(4πρ) the two polarisations obey

    right:  ω² = k²v_A² - k k_c v_A² [1 - σ(k)]
    left:   ω² = k²v_A² + k k_c v_A² [1 - σ*(k)]

where σ is the response of the current-carrying CRs (Bell 2004, Eq. 10 for
one momentum): the fraction of the CR current that follows the perturbed
field lines and so cancels the destabilising j×δB force of the return current.
σ → 1 for k r_L ≪ 1 (no instability) and σ → 0 for k r_L ≫ 1 (Bell's
nonresonant regime); its imaginary part, nonzero where k r_L > 1, is the
gyroresonant (Kulsrud-Pearce) interaction.

For CRs of one momentum (Bell 2004; re-derived in docs/dispersion.md)

    K(x) = 3/(2x²) [1 + (x²-1)/(2x) ln((1+x)/(1-x))],   x = k r_L,

with the causal branch Im K = (3π/4)(1 - 1/x²)/x for x > 1. For a power-law
current spectrum, dJ/dp ∝ p^-s above p_min (i.e. an anisotropic part of the
distribution function ∝ p^-(s+2), as for the E^-s escaping flux of Eq. 3), σ
is the current-weighted mean of K over momenta (the kinetic result of
Amato & Blasi 2009, MNRAS 392, 1591, with the CR anisotropy carried at
fixed momentum). For the paper's s = 2 the mean is done in closed form
(elementary functions, :func:`sigma_complement`); for other slopes by a fixed
Gauss-Legendre rule in t^(1-s) split at the resonance k r_L = 1.

Everything here takes cgs floats or arrays and broadcasts, and imports no unit
layer; the Quantity twins are in :mod:`crescape.formulary`
(``cold_dispersion``, ``dispersion_modes``, ``warm_dispersion``). The paper's estimates
(Eqs. 5, 7) are in :mod:`crescape.physics.instability`; the thermal
modification is in :mod:`crescape.physics.thermal`.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import numpy as np
from scipy.special import xlogy

from .. import constants as C
from ..errors import ParameterError
from ._typing import ArrayLike, ComplexArray, FloatArray

__all__ = [
    "sigma_mono",
    "sigma_complement",
    "sigma_powerlaw",
    "drifting_p4_complement",
    "critical_kc_rL",
    "small_x_complement",
    "dispersion_modes",
    "growth_curve",
    "fastest_mode",
    "unstable_band",
    "fastest_growth",
    "saturation_field",
    "check_positive",
]

# --- the monoenergetic response K(x) (Bell 2004, Eq. 10) --------------------------------------

_NSER = 12
_n = np.arange(_NSER + 1)
#: K(x) = Σ c_n x^2n for |x| < 1 (c_0 = 1), from (3/4)∫(1-μ²) μ^2n dμ
_C_SMALL = 3.0 / ((2 * _n + 1) * (2 * _n + 3))
_m = np.arange(1, _NSER + 1)
#: Re K(x) = 3/x² - 3 Σ_{m>=1} x^-(2m+2)/((2m-1)(2m+1)) for x > 1
_D_LARGE = 3.0 / ((2 * _m - 1) * (2 * _m + 1))
#: H_reg(y) = Σ_{m>=1} c_m y^(2m-1)/(2m-1) for small y (regular part of ∫K/y²)
_E_SMALL = _C_SMALL[1:] / (2 * _m - 1)
#: Re H(y) = -1/y³ + 3 Σ_{m>=1} y^-(2m+3)/((2m-1)(2m+1)(2m+3)) for large y
_F_LARGE = 3.0 / ((2 * _m - 1) * (2 * _m + 1) * (2 * _m + 3))
_SMALL, _LARGE = 0.1, 10.0
#: Im H(∞) = 3π/16 (the resonant part of the s = 2 response)
_IM_H_INF = 3.0 * np.pi / 16.0


def _poly(coef: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Σ coef[i] z^i by Horner's rule (vectorised)."""
    out = np.zeros_like(z)
    for c in coef[::-1]:
        out = out * z + c
    return out


def _xlog_abs(a: np.ndarray) -> np.ndarray:
    """a ln|a|, zero at a = 0."""
    return np.sign(a) * xlogy(np.abs(a), np.abs(a))


def _one_minus_K(x: Any) -> np.ndarray:
    """1 - K(x) for x >= 0, complex, computed without cancellation (see :func:`sigma_mono`)."""
    x = np.abs(np.asarray(x, dtype=float))
    small = x < _SMALL
    large = x > _LARGE
    mid = ~(small | large)
    xs = np.where(small, x, 0.05)
    xl = np.where(large, x, 20.0)
    xm = np.where(mid, x, 0.5)
    # small x: 1 - K = -Σ_{n>=1} c_n x^2n
    re_small = -(xs**2) * _poly(_C_SMALL[1:], xs**2)
    # large x: K ≈ 3/x² - 3 Σ ...
    inv2 = 1.0 / xl**2
    re_large = 1.0 - 3.0 * inv2 + inv2 * _poly(np.concatenate([[0.0], _D_LARGE]), inv2)
    # middle: closed form; (x²-1) ln|1-x| = (x+1) (x-1) ln|x-1|
    num = (xm**2 - 1.0) * np.log1p(xm) - (xm + 1.0) * _xlog_abs(xm - 1.0)
    K_mid = 1.5 / xm**2 * (1.0 + num / (2.0 * xm))
    re = np.where(small, re_small, np.where(large, re_large, 1.0 - K_mid))
    xi = np.where(x > 1.0, x, 2.0)
    im = np.where(x > 1.0, 0.75 * np.pi * (1.0 - 1.0 / xi**2) / xi, 0.0)
    return re - 1j * im


def sigma_mono(x: ArrayLike) -> ComplexArray:
    """Bell's response σ(k r_L) of CRs of a single momentum (complex).

    Parameters
    ----------
    x : float or array
        k r_L, the wavenumber times the Larmor radius r_L = pc/(eB0) (its
        absolute value is used).

    Returns
    -------
    complex array
        K(x) = 3/(2x²) [1 + (x²-1)/(2x) ln((1+x)/(1-x))] with
        Im K = (3π/4)(1 - 1/x²)/x for x > 1 (causal branch, right-hand mode;
        the left-hand mode takes the complex conjugate).

    Notes
    -----
    Bell (2004), Eq. 10; K = (3/4)∫(1-μ²)/(1 + xμ - i0) dμ from the linearised
    Vlasov equation (docs/dispersion.md). Limits: K = 1 + x²/5 + ... for x ≪ 1,
    Re K = 3/x² + ... for x ≫ 1; Re K(1) = 3/2.

    Examples
    --------
    >>> round(float(sigma_mono(1e-4).real), 12)
    1.000000002
    """
    return 1.0 - _one_minus_K(x)


def _H_reg_re(y) -> np.ndarray:
    """Re[H(y) + 1/y] (see :func:`_H_reg`), each branch evaluated only where it applies."""
    y = np.abs(np.asarray(y, dtype=float))
    out = np.zeros(y.shape)
    small = y < _SMALL
    large = np.isfinite(y) & (y > _LARGE)
    mid = ~(small | (y > _LARGE))
    ys = y[small]
    out[small] = ys * _poly(_E_SMALL, ys * ys)
    inv = 1.0 / y[large]
    out[large] = inv - inv**3 + inv**5 * _poly(_F_LARGE, inv * inv)
    ym = y[mid]
    # (1-y^-2)² L = (y²-1)²/y⁴ [ln(1+y) - ln|1-y|];  (y²-1)² ln|1-y| = (y+1)²(y-1) (y-1)ln|y-1|
    y2 = ym * ym
    Lterm = (
        (y2 - 1.0) ** 2 * np.log1p(ym) - (ym + 1.0) ** 2 * (ym - 1.0) * _xlog_abs(ym - 1.0)
    ) / (y2 * y2)
    out[mid] = 0.1875 * (Lterm - 2.0 * (1.0 / ym + 1.0 / (ym * y2))) + 1.0 / ym
    return out  # y = ∞ gives 0


def _H_reg(y: np.ndarray) -> np.ndarray:
    """H(y) + 1/y, with H(y) = ∫ K(y)/y² dy the antiderivative that vanishes (real part) at ∞.

    H(y) = (3/16)[(1 - y^-2)² L(y) - 2(y^-1 + y^-3)], L = ln((1+y)/(1-y)) with
    Im L = π for y > 1, so Im H = (3π/16)(1 - y^-2)² for y > 1 and 0 below.
    """
    y = np.abs(np.asarray(y, dtype=float))
    yi = np.where((y > 1.0) & (y < 1e150), y, 2.0)
    im = np.where(y > 1.0, _IM_H_INF * (1.0 - 1.0 / yi**2) ** 2, 0.0)
    im = np.where(np.isfinite(y), im, _IM_H_INF)
    return _H_reg_re(y) + 1j * im


# Gauss-Legendre rule for the general-slope momentum average (two pieces split at k r_L = 1)
_GL_N = 64
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_GL_N)


def _complement_quadrature(x1, slope, t_max):
    """1 - σ for a general slope by Gauss-Legendre quadrature, split at the resonance x1 t = 1.

    Below the resonance (1 <= t <= 1/x1) the rule runs in ln t; above it in
    w = t^(1-s) on [t_max^(1-s), x1^(s-1)], where dw ∝ t^-s dt is the current
    weight. Each piece sees the (y-1) ln|y-1| kink of K only at an end point.
    """
    x1, s, t_max = np.broadcast_arrays(
        np.asarray(x1, dtype=float), np.asarray(slope, dtype=float), np.asarray(t_max, dtype=float)
    )
    a = np.where(np.isfinite(t_max), t_max ** (1.0 - s), 0.0)
    norm = (1.0 - a) / (s - 1.0)  # ∫_1^t_max t^-s dt
    x1p = np.maximum(x1, 1e-300)
    # piece A: ln t in [0, ln min(1/x1, t_max)]
    top = np.maximum(np.minimum(-np.log(x1p), np.log(t_max)), 0.0)
    half = 0.5 * top
    lt = half[..., None] * (1.0 + _GL_X)
    t = np.exp(lt)
    sa = s[..., None]
    piece_a = np.sum(t ** (1.0 - sa) * _one_minus_K(x1[..., None] * t) * _GL_W, axis=-1) * half
    # piece B: w = t^(1-s) in [a, w*], w* = x1^(s-1) (empty when x1 t_max <= 1)
    w_star = np.clip(x1p ** (s - 1.0), a, 1.0)
    half = 0.5 * (w_star - a)
    w = (0.5 * (w_star + a))[..., None] + half[..., None] * _GL_X
    y = x1[..., None] * np.maximum(w, 1e-300) ** (-1.0 / (sa - 1.0))
    piece_b = np.sum(_one_minus_K(y).real * _GL_W, axis=-1) * half / (s - 1.0)
    return (piece_a.real + piece_b) / norm - 1j * _im_sigma(x1, s, t_max)


def _im_sigma(x1, s, t_max):
    """Im σ of the power law in closed form (any s): the resonant part of Bell's σ.

    Im σ = (3π/4) ∫ t^-s (1 - (x1 t)^-2)/(x1 t) dt / ∫ t^-s dt over max(1, 1/x1) <= t <= t_max.
    """
    x1p = np.maximum(x1, 1e-300)
    t0 = np.maximum(1.0, 1.0 / x1p)
    tm = np.maximum(t_max, t0)
    a = np.where(np.isfinite(t_max), t_max ** (1.0 - s), 0.0)
    tm_s = np.where(np.isfinite(tm), tm ** (-s), 0.0)
    tm_s2 = np.where(np.isfinite(tm), tm ** (-s - 2.0), 0.0)
    val = (t0 ** (-s) - tm_s) / (s * x1p) - (t0 ** (-s - 2.0) - tm_s2) / ((s + 2.0) * x1p**3)
    return 0.75 * np.pi * (s - 1.0) / (1.0 - a) * val


def sigma_complement(
    x1: ArrayLike, slope: ArrayLike = 2.0, t_max: ArrayLike = np.inf
) -> ComplexArray:
    """1 - σ for a power-law CR current dJ/dp ∝ p^-s between p_min and t_max p_min (complex).

    This is the factor that multiplies the destabilising term in Bell's
    dispersion relation; it is computed directly (not as 1 - σ) so that it
    keeps full relative precision for k r_L ≪ 1, where σ → 1.

    Parameters
    ----------
    x1 : float or array
        k r_L(p_min), wavenumber times the Larmor radius of the lowest-momentum
        current-carrying particles.
    slope : float or array
        s > 1 (s = 2: the paper's E^-2 escaping flux, f ∝ p^-4).
    t_max : float or array
        p_max/p_min > 1 (default ∞).

    Returns
    -------
    complex array
        1 - σ with σ = ∫ t^-s K(x1 t) dt / ∫ t^-s dt over [1, t_max] and K from
        :func:`sigma_mono`. Right-hand-mode branch (Im σ >= 0).

    Notes
    -----
    For s = 2 (docs/dispersion.md, derived here from Bell 2004, Eq. 10):

        σ = x1 [H(x1 t_max) - H(x1)]/(1 - 1/t_max),
        H(y) = (3/16)[(1 - y^-2)² ln((1+y)/(1-y)) - 2/y - 2/y³],

    so for t_max = ∞: Re σ = 1 - x1²/5 + ... (x1 ≪ 1), Re σ → 1/x1² and
    Im σ → 3π/(8 x1) (x1 ≫ 1), Im σ = (3π/16) x1 [1 - (1 - x1^-2)²] in general.
    Other slopes use 2 × 64-point Gauss-Legendre quadrature (relative
    accuracy ~1e-7).
    """
    x1 = np.abs(np.asarray(x1, dtype=float))
    slope = np.asarray(slope, dtype=float)
    t_max = np.asarray(t_max, dtype=float)
    if np.all(slope == 2.0):
        norm = np.where(np.isfinite(t_max), 1.0 - 1.0 / t_max, 1.0)
        re = _H_reg_re(x1)
        if not np.all(np.isinf(t_max)):
            re = re - _H_reg_re(x1 * t_max)
        return x1 * re / norm - 1j * _im_sigma(x1, 2.0, t_max)
    return _complement_quadrature(x1, slope, t_max)


def sigma_powerlaw(
    x1: ArrayLike, slope: ArrayLike = 2.0, t_max: ArrayLike = np.inf
) -> ComplexArray:
    """σ(k r_L(p_min)) for a power-law CR current, dJ/dp ∝ p^-s above p_min (complex).

    See :func:`sigma_complement` (this is 1 minus it). For s = 2 σ is computed
    from H directly, so that Re σ ≈ 1/x1² keeps its relative precision for x1 ≫ 1.
    """
    slope = np.asarray(slope, dtype=float)
    if np.all(slope == 2.0):
        x1 = np.abs(np.asarray(x1, dtype=float))
        t_max = np.asarray(t_max, dtype=float)
        norm = np.where(np.isfinite(t_max), 1.0 - 1.0 / t_max, 1.0)
        re = (x1 * (_H(x1 * t_max) - _H(x1))).real / norm
        return re + 1j * _im_sigma(x1, 2.0, t_max)
    return 1.0 - sigma_complement(x1, slope, t_max)


def _H(y):
    """H(y) = ∫ K/y² dy itself (not H + 1/y), accurate in relative terms for y ≫ 1."""
    y = np.abs(np.asarray(y, dtype=float))
    big = np.isfinite(y) & (y > _LARGE)
    yb = np.where(big, y, 20.0)
    inv = 1.0 / yb
    re_big = -(inv**3) + inv**5 * _poly(_F_LARGE, inv**2)
    im_big = _IM_H_INF * (1.0 - inv**2) ** 2
    with np.errstate(divide="ignore"):
        rest = _H_reg(y) - np.where(np.isfinite(y), 1.0 / np.where(y > 0, y, np.inf), 0.0)
    return np.where(big, re_big + 1j * im_big, rest)


def drifting_p4_complement(x1: ArrayLike, t_max: ArrayLike = np.inf) -> ComplexArray:
    """1 - σ for an isotropic f ∝ p^-4 distribution that drifts through the plasma (complex).

    The set-up of the kinetic treatment of Amato & Blasi (2009, MNRAS 392, 1591):
    CRs with f ∝ p^-4 between p_min and p_max, isotropic in the shock frame,
    stream with the shock speed V ≪ c through the upstream plasma. Their
    current spectrum is not the pure dJ/dp ∝ p^-2 of :func:`sigma_complement`
    (the escaping flux of Eq. 3): the boosted sharp edges add shells of
    opposite current at p_min and p_max.

    Parameters
    ----------
    x1 : float or array
        k r_L(p_min), r_L(p) = pc/(eB0) (exact for any v(p)).
    t_max : float
        p_max/p_min > 1 (default ∞).

    Returns
    -------
    complex array
        1 - σ, right-hand-mode branch (Im σ >= 0), with

            σ = [4(1 - 1/t) σ₂(x1) - K(x1) + K(x1 t)/t] / [3(1 - 1/t)],

        σ₂ = :func:`sigma_powerlaw` (s = 2), K = :func:`sigma_mono`, t = t_max.

    Notes
    -----
    Derived in docs/dispersion.md (§2.3) from the linearised Vlasov equation:
    to first order in V/c the plasma-frame distribution is
    f0(p) - (pV/v) μ ∂f0/∂p, so the current weight p²v F1 = -V p³ ∂f0/∂p is
    4p^-2 inside (p_min, p_max) (independent of v(p), so valid down to
    p_min = m_p c) minus δ(p - p_min)/p_min plus δ(p - p_max)/p_max. For
    t_max = ∞: 1 - σ = x1²/3 + ... (x1 ≪ 1), 1 - σ → 1 (x1 ≫ 1, Bell's
    relation), Im σ = (π/4) min(x1, 1/x1); the nonresonant branch exists for
    k_c r_L(p_min) > 1.667 (against 2.493 for the escaping-flux spectrum).
    A thin drifting shell (t_max → 1) gives σ = K + xK'/3, not K.
    Tested against quadrature of the Lorentz-boosted distribution in
    tests/physics/test_dispersion_published.py.
    """
    x1 = np.abs(np.asarray(x1, dtype=float))
    t = np.asarray(t_max, dtype=float)
    if np.any(~(t > 1.0)):
        raise ParameterError(f"t_max = {np.min(t):g} is not allowed: must be > 1 (p_max/p_min)")
    c2 = sigma_complement(x1, 2.0, t)
    edge_lo = _one_minus_K(x1)
    if np.all(np.isinf(t)):
        return (4.0 * c2 - edge_lo) / 3.0
    finite = np.isfinite(t)
    inv_t = np.where(finite, 1.0 / np.where(finite, t, 1.0), 0.0)
    edge_hi = _one_minus_K(np.where(finite, x1 * np.where(finite, t, 1.0), 1.0)) * inv_t
    return (4.0 * (1.0 - inv_t) * c2 - edge_lo + edge_hi) / (3.0 * (1.0 - inv_t))


# --- the dispersion relation ---------------------------------------------------------------


def check_positive(name: str, value: Any, allow_zero: bool = False, unit: str = "") -> np.ndarray:
    """Return ``value`` as a float array, or raise ParameterError naming it and the allowed range."""
    v = np.asarray(value, dtype=float)
    bad = ~np.isfinite(v) | ((v < 0) if allow_zero else (v <= 0))
    if np.any(bad):
        shown = v[bad].flat[0] if v.ndim else float(v)
        rel = ">= 0" if allow_zero else "> 0"
        raise ParameterError(
            f"{name} = {shown:g}{(' ' + unit) if unit else ''} is not allowed: must be a finite value {rel}"
        )
    return v


def _check_slope(slope) -> np.ndarray | None:
    if slope is None:
        return None
    s = np.asarray(slope, dtype=float)
    if np.any(~np.isfinite(s) | (s <= 1.0) | (s > 10.0)):
        shown = s[~np.isfinite(s) | (s <= 1.0) | (s > 10.0)].flat[0] if s.ndim else float(s)
        raise ParameterError(
            f"slope = {shown:g} is not allowed: must be a finite value > 1 and <= 10"
        )
    return s


def _complement(x1, slope, t_max):
    """1 - σ for slope=None (one momentum) or a power law."""
    if slope is None:
        return _one_minus_K(x1)
    return sigma_complement(x1, slope, t_max)


def _solve_modes(k, kc, vA2, oms, Omega=None, hall=False, thermal2=0.0):
    """Solve the quadratic dispersion relation for both polarisations.

    ε = +1 (right), -1 (left), R_ε = k² v_A² - ε k k_c v_A² (1 - σ_ε), σ_R = σ, σ_L = σ*:
        ω² + ε ω [hall R_ε + k² v_T²]/Ω_i = R_ε,
    i.e. ω² = R_ε (1 - ε ω/Ω_i) with the Hall term (cold ions, exact) plus the
    ion finite-Larmor-radius term (v_T² = k_BT/m_p). Returns the root with the
    larger imaginary part.
    """
    out = {}
    for name, eps in (("right", 1.0), ("left", -1.0)):
        om_eps = oms if eps > 0 else np.conj(oms)
        rhs = k**2 * vA2 - eps * k * kc * vA2 * om_eps
        if hall or np.any(np.asarray(thermal2) != 0):
            A = eps * ((rhs if hall else 0.0) + k**2 * thermal2) / Omega
            disc = np.sqrt(A * A + 4.0 * rhs + 0j)
            # roots of ω² + Aω - R = 0 without cancellation: r1 = -(A ± disc)/2, r2 = -R/r1
            disc = np.where((np.conj(A) * disc).real >= 0, disc, -disc)
            r1 = -0.5 * (A + disc)
            safe = np.abs(r1) > 0
            r2 = np.where(safe, -rhs / np.where(safe, r1, 1.0), -r1)
            out[name] = np.where(r1.imag >= r2.imag, r1, r2)
        else:
            r = np.sqrt(rhs + 0j)
            out[name] = np.where(r.imag >= 0, r, -r)
    return out


def dispersion_modes(
    k: ArrayLike,
    J: ArrayLike,
    B0: ArrayLike,
    rho: ArrayLike,
    E: ArrayLike,
    slope: ArrayLike | None = 2.0,
    E_max: ArrayLike | None = np.inf,
    cr_response: bool = True,
    hall: bool = False,
    T: ArrayLike = 0.0,
) -> dict[str, np.ndarray]:
    """Complex ω(k) [s^-1] of both circular polarisations (cgs lite form).

    Parameters
    ----------
    k : float or array [cm^-1]
        Wavenumber (> 0), along the CR current.
    J : float or array [statA cm^-2]
        CR current (> 0), e.g. J(>E) from :func:`crescape.physics.escape.current_above`.
    B0 : float or array [G]
        Background field (> 0).
    rho : float or array [g cm^-3]
        Gas density (> 0).
    E : float or array [erg]
        Energy of the lowest-energy current-carrying particles (r_L = E/(eB0)).
    slope : float, array or None
        Power-law index s of the current spectrum dJ/dE ∝ E^-s (default 2);
        None for CRs of a single energy E (Bell 2004, Eq. 10).
    E_max : float or array [erg] or None
        Highest energy of the current spectrum (default and None: ∞).
    cr_response : bool
        Include σ (True) or not (Bell's cold relation with σ = 0).
    hall : bool
        Include the Hall term (ion inertia; limits γ to Ω_i).
    T : float or array [K]
        Ion temperature for the finite-Larmor-radius term (see
        :mod:`crescape.physics.thermal`); 0 (the default) = cold.

    Returns
    -------
    dict
        ``{"right": ω_R, "left": ω_L}``, complex arrays; for each polarisation
        the root with the larger imaginary part (the growth rate is Im ω).

    Raises
    ------
    ParameterError
        If k, J, B0, rho, E are not finite and > 0, T < 0, or slope not in (1, 10].

    Notes
    -----
    Bell (2004), Eqs. 8-13: ω² = k²v_A² ∓ k k_c v_A² (1 - σ), k_c = 4πJ/(cB0)
    (the paper's k_max, Eq. 5), v_A = B0/√(4πρ). With the Hall term (ion
    inertia and the electron drift that carries the return current) and the ion
    temperature (docs/dispersion.md), with R_± = k²v_A² ∓ k k_c v_A² (1 - σ):
    ω² ± ω [R_± + k² k_BT/m_p]/Ω_i = R_±. The Hall term alone limits the
    growth to γ <= Ω_i.
    """
    k = check_positive("k", k, unit="cm^-1")
    J = check_positive("J", J, unit="statA cm^-2")
    B0 = check_positive("B0", B0, unit="G")
    rho = check_positive("rho", rho, unit="g cm^-3")
    E = check_positive("E", E, unit="erg")
    T = check_positive("T", T, allow_zero=True, unit="K")
    s = _check_slope(slope)
    E_max = np.asarray(np.inf if E_max is None else E_max, dtype=float)
    if np.any(~(E_max > E)):
        raise ParameterError(
            f"E_max = {np.max(E_max):g} erg is not allowed: must be above E = {np.min(E):g} erg"
        )
    kc = 4.0 * np.pi * J / (C.c * B0)
    vA2 = B0**2 / (4.0 * np.pi * rho)
    rL = E / (C.e * B0)
    if cr_response:
        oms = _complement(k * rL, s, E_max / E)
    else:
        oms = np.ones(np.broadcast(k, rL).shape, dtype=complex)
    Omega = C.e * B0 / (C.m_p * C.c)
    thermal2 = C.k_B * T / C.m_p
    return _solve_modes(k, kc, vA2, oms, Omega=Omega, hall=hall, thermal2=thermal2)


# --- dimensionless growth curve, its maximum, the band and the threshold ---------------------


def growth_curve(
    q: ArrayLike,
    zeta: ArrayLike,
    slope: ArrayLike | None = 2.0,
    t_max: float = np.inf,
    mode: Literal["right", "left", "max"] = "right",
) -> FloatArray:
    """γ(k)/(k_c v_A) against q = k/k_c, for k_c r_L = zeta (Hall and temperature off).

    Parameters
    ----------
    q : float or array
        k/k_c (> 0).
    zeta : float or array
        k_c r_L(p_min) = 4πJE/(c e B0²), how far the current is above threshold.
    slope : float or None
        Current spectrum index (None: one energy).
    t_max : float
        p_max/p_min.
    mode : {'right', 'left', 'max'}
        Polarisation (the nonresonant mode is 'right' for k along J).

    Returns
    -------
    array
        Im ω/(k_c v_A) of the growing root, from ω̂² = q² ∓ q (1 - σ(q ζ)) (Bell 2004, Eq. 11).
        Without the CR response (ζ → ∞) this is √(q(1-q)) for q < 1, maximal (1/2) at q = 1/2.
    """
    q = np.asarray(q, dtype=float)
    zeta = np.asarray(zeta, dtype=float)
    oms = _complement(q * zeta, slope, t_max)
    modes = _solve_modes(q, 1.0, 1.0, oms)
    if mode == "max":
        return np.maximum(modes["right"].imag, modes["left"].imag)
    return modes[mode].imag


_GOLD = 0.5 * (np.sqrt(5.0) - 1.0)


def _golden_max(f, lo, hi, n_iter=60):
    """Vectorised golden-section search for the maximum of f on [lo, hi] (in ln q)."""
    a, b = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    c = b - _GOLD * (b - a)
    d = a + _GOLD * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(n_iter):
        left = fc >= fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_c = b - _GOLD * (b - a)
        new_d = a + _GOLD * (b - a)
        # reuse one evaluation per iteration
        c_next = np.where(left, new_c, d)
        d_next = np.where(left, c, new_d)
        f_new = f(np.where(left, new_c, new_d))
        fc_next = np.where(left, f_new, fd)
        fd_next = np.where(left, fc, f_new)
        c, d, fc, fd = c_next, d_next, fc_next, fd_next
    x = 0.5 * (a + b)
    return x, f(x)


def fastest_mode(
    zeta: ArrayLike, slope: ArrayLike | None = 2.0, t_max: float = np.inf, n_grid: int = 256
) -> tuple[FloatArray, FloatArray]:
    """The fastest-growing mode of the right-hand polarisation for k_c r_L = zeta.

    Parameters
    ----------
    zeta : float or array
        k_c r_L(p_min) > 0.
    slope, t_max : see :func:`growth_curve`.
    n_grid : int
        Points of the coarse grid in ln q before the golden-section refinement.

    Returns
    -------
    (q_max, g_max) : arrays
        k/k_c of the fastest growth and γ_max/(k_c v_A). For ζ → ∞ these tend to
        Bell's cold values 1/2 and 1/2 (the paper's Eqs. 5 and 7 give 1 and 1).
    """
    zeta = np.asarray(zeta, dtype=float)
    lz = np.log(np.maximum(zeta, 1e-300))
    lnq_lo = np.minimum(np.log(0.05) - 2.0 * lz, np.log(1e-4))
    lnq_hi = np.maximum(np.log(2.0), np.log(10.0) - lz)
    u = np.linspace(0.0, 1.0, n_grid)
    grid = lnq_lo[..., None] + u * (lnq_hi - lnq_lo)[..., None]
    g = growth_curve(np.exp(grid), zeta[..., None], slope, t_max)
    i = np.argmax(g, axis=-1)
    i0 = np.clip(i - 1, 0, n_grid - 1)
    i1 = np.clip(i + 1, 0, n_grid - 1)
    lo = np.take_along_axis(grid, i0[..., None], -1)[..., 0]
    hi = np.take_along_axis(grid, i1[..., None], -1)[..., 0]
    x, gmax = _golden_max(lambda lq: growth_curve(np.exp(lq), zeta, slope, t_max), lo, hi)
    return np.exp(x), gmax


def _re_omega2(q, zeta, slope, t_max):
    """Re ω̂² of the right-hand mode: q² - q Re(1 - σ(qζ)); negative on the nonresonant branch."""
    return q**2 - q * _complement(q * zeta, slope, t_max).real


def unstable_band(
    zeta: ArrayLike,
    slope: ArrayLike | None = 2.0,
    t_max: float = np.inf,
    n_grid: int = 512,
    n_bisect: int = 50,
) -> tuple[FloatArray, FloatArray]:
    """The nonresonant band, where Re ω² < 0 for the right-hand mode, in units of k_c.

    Returns
    -------
    (q_lo, q_hi) : arrays
        The lowest and highest band edges k/k_c (NaN where there is no band, i.e. ζ
        below :func:`critical_kc_rL`). Without the CR response the band is (0, 1);
        with it, q_lo ≈ 5/ζ² for ζ ≫ 1 (s = 2) and q_hi → 1. For s < 2 the long
        waves k r_L(p_min) ≲ 1/t_max are unstable too (:func:`small_x_complement`),
        so the set can be two intervals, reported by its outer edges; with
        t_max = ∞ it reaches k → 0 and q_lo = 0 (searched down to k r_L(p_min) = 1e-100:
        for s → 2 the long-wave part shrinks as x* ∝ [ζ (s-1) I(s)]^(1/(2-s)) and can
        lie below, as for s = 1.99, ζ = 0.05, where NaN is returned).
    """
    zeta = np.asarray(zeta, dtype=float)
    lz = np.log(np.maximum(zeta, 1e-300))
    # in x = q ζ: from 1e-3/ζ (the s >= 2 edge ≈ 5/ζ) or 1e-2/t_max (below it 1 - σ < 0)
    lnq_lo = np.log(1e-3) - 2.0 * lz
    if np.isfinite(t_max):
        lnq_lo = np.minimum(lnq_lo, np.log(1e-2 / t_max) - lz)
    elif slope is not None and np.ndim(slope) == 0 and float(slope) < 2.0:
        # t_max = ∞, s < 2: the long-wave part of the band is x < x*, with
        # x*^(2-s) = ζ (s-1) I(s) from the leading term (small_x_complement)
        c = float(small_x_complement(1.0, slope))
        ln_x_star = (lz + np.log(c)) / (2.0 - float(slope))
        lnq_lo = np.minimum(lnq_lo, np.maximum(ln_x_star - np.log(10.0), np.log(1e-100)) - lz)
    u = np.linspace(0.0, 1.0, n_grid)
    grid = lnq_lo[..., None] + u * (np.log(1.5) - lnq_lo[..., None])
    f = _re_omega2(np.exp(grid), zeta[..., None], slope, t_max)
    neg = f < 0
    has = np.any(neg, axis=-1)
    first = np.argmax(neg, axis=-1)
    last = n_grid - 1 - np.argmax(neg[..., ::-1], axis=-1)

    def bisect(i_out, i_in):
        a = np.take_along_axis(grid, np.clip(i_out, 0, n_grid - 1)[..., None], -1)[..., 0]
        b = np.take_along_axis(grid, np.clip(i_in, 0, n_grid - 1)[..., None], -1)[..., 0]
        for _ in range(n_bisect):
            m = 0.5 * (a + b)
            inside = _re_omega2(np.exp(m), zeta, slope, t_max) < 0
            b = np.where(inside, m, b)
            a = np.where(inside, a, m)
        return np.exp(0.5 * (a + b))

    q_lo = np.where(neg[..., 0], 0.0, bisect(first - 1, first))
    q_hi = bisect(last + 1, last)
    return np.where(has, q_lo, np.nan), np.where(has, q_hi, np.nan)


def small_x_complement(x1: ArrayLike, slope: float) -> FloatArray:
    """Leading term of Re[1 - σ(x1)] for x1 → 0, power law with p_max = ∞ and 1 < s < 3.

    Re[1 - σ] = (s - 1) x1^(s-1) ∫_{x1}^∞ y^-s Re[1 - K(y)] dy (y = x1 t), and the
    integral tends to the Mellin transform

        I(s) = ∫_0^∞ y^-s Re[1 - K(y)] dy = 3π tan(π(2 - s)/2) / (2 s (s + 2)),

    from 1 - K(y) = (3/4)∫(1 - μ²) yμ/(1 + yμ) dμ (K of Bell 2004, Eq. 10) and
    ∫_0^∞ u^(a-1)/(1 + u) du = π/sin(πa), PV∫_0^∞ u^(a-1)/(1 - u) du = π cot(πa), a = 2 - s.
    So Re[1 - σ] ≈ (s - 1) I(s) x1^(s-1): positive for s < 2, zero for s = 2 (where
    the next term, x1²/5, leads) and negative for 2 < s < 3 (derived in docs/dispersion.md).

    Parameters
    ----------
    x1 : float or array
        k r_L(p_min) ≪ 1.
    slope : float
        1 < s < 3.

    Returns
    -------
    array
        (s - 1) I(s) x1^(s-1).

    Examples
    --------
    >>> round(float(small_x_complement(1e-6, 1.5)), 9)
    0.000448799
    >>> abs(float(small_x_complement(1e-6, 2.0))) < 1e-20
    True
    """
    s = float(slope)
    if not 1.0 < s < 3.0:
        raise ParameterError(f"slope = {s:g} is not allowed: must be > 1 and < 3")
    I_s = 1.5 * np.pi * np.tan(0.5 * np.pi * (2.0 - s)) / (s * (s + 2.0))
    return (s - 1.0) * I_s * np.asarray(x1, dtype=float) ** (s - 1.0)


#: points per decade of the grid in x = k r_L(p_min) on which ζ_c is bracketed
_CRIT_PER_DECADE = 50
#: grid points (rows x columns) evaluated at once by :func:`_critical_rows`
_CRIT_BLOCK = 20000


def _critical_rows(slope: float | None, t_max: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ζ_c, x_c) for each p_max/p_min of the 1-D array ``t_max`` (one slope), vectorised.

    ζ_c is the global minimum of x/Re[1 - σ(x)] over the x where Re[1 - σ] > 0.
    Asymptotics that bound the search (:func:`small_x_complement`):

    * x → ∞: σ → 0, the ratio grows as x; above x = 1e3 it exceeds any minimum below.
    * x t_max ≪ 1 (finite p_max): every particle follows the field lines,
      1 - σ ≈ -x²⟨t²⟩/5 < 0, so nothing below x = 1e-2/t_max can be the minimum.
    * t_max = ∞, 1 < s < 2: Re[1 - σ] ≈ (s - 1) I(s) x^(s-1) > 0, so the ratio falls as
      x^(2-s) → 0: the infimum is ζ_c = 0 at x → 0, returned as (0, 0). With a finite
      t_max the minimum sits near x ~ 1/t_max, so the search starts at 1e-2/t_max.
    * s >= 2 (and one momentum): below x = 1e-2 the ratio exceeds 5/x = 500 for s = 2
      (Re[1 - σ] ≈ x²/5, less with a finite t_max, which removes the particles that do
      not follow the field) and Re[1 - σ] < 0 for s > 2: the search starts at 1e-2.

    A grid of :data:`_CRIT_PER_DECADE` points per decade brackets the smallest grid
    value of each row, and a golden-section search refines it.
    """
    t = np.asarray(t_max, dtype=float).ravel()
    zc, xc = np.zeros(t.shape), np.zeros(t.shape)
    wide = slope is not None and slope < 2.0
    live = np.isfinite(t) if wide else np.ones(t.shape, dtype=bool)
    if not live.any():
        return zc, xc
    tl = t[live]
    lx_lo = np.log(1e-2 / tl) if wide else np.full(tl.shape, np.log(1e-2))
    lx_hi = np.log(1e3)
    step = np.log(10.0) / _CRIT_PER_DECADE
    n = np.ceil((lx_hi - lx_lo) / step).astype(int) + 1
    n_max = int(n.max())
    lo, hi = np.empty(tl.shape), np.empty(tl.shape)

    def ratio(lx, tt):
        x = np.exp(lx)
        re = _complement(x, slope, tt).real
        return np.where(re > 0, x / np.where(re > 0, re, 1.0), np.inf)

    # the bracketing grid in blocks (its memory), the refinement for every row at once
    block = max(1, _CRIT_BLOCK // n_max)
    for b0 in range(0, tl.size, block):
        sl = slice(b0, b0 + block)
        lx = np.minimum(lx_lo[sl, None] + step * np.arange(n_max), lx_hi)
        i = np.argmin(ratio(lx, tl[sl, None]), axis=1)
        rows = np.arange(lx.shape[0])
        lo[sl] = lx[rows, np.maximum(i - 1, 0)]
        hi[sl] = lx[rows, np.minimum(i + 1, n[sl] - 1)]
    lxm, val = _golden_max(lambda v: -ratio(v, tl), lo, hi, n_iter=80)
    zc[live], xc[live] = -val, np.exp(lxm)
    return zc, xc


@functools.lru_cache(maxsize=256)
def _critical_cached(slope: float | None, t_max: float) -> tuple[float, float]:
    z, x = _critical_rows(slope, np.array([t_max]))
    return float(z[0]), float(x[0])


def critical_kc_rL(
    slope: float | None = 2.0, t_max: ArrayLike = np.inf, return_x: bool = False
) -> FloatArray | tuple[FloatArray, FloatArray]:
    """The threshold ζ_c of k_c r_L(p_min) below which the nonresonant branch disappears.

    Parameters
    ----------
    slope : float or None
        Current spectrum index (None: one energy).
    t_max : float or array
        p_max/p_min (> 1, default ∞); an array gives an array of thresholds.
    return_x : bool
        Also return x = k r_L(p_min) of the last unstable mode.

    Returns
    -------
    float or array
        ζ_c = inf_x x / Re[1 - σ(x)]: for k_c r_L > ζ_c there are wavenumbers with
        Re ω² < 0 (Bell 2004, Eq. 11 with Eq. 10 averaged over the spectrum).
        ζ_c ≈ 2.4927 at x ≈ 1.60 for s = 2 (docs/dispersion.md).

        ζ_c = 0 (and x_c = 0) for s < 2 with t_max = ∞: the current of the particles
        with r_L > 1/k falls more slowly than k, so the longest waves are unstable
        for any current (:func:`small_x_complement`) and there is no threshold. With a
        finite t_max and s < 2 the minimum sits near x ~ 1/t_max, at k ~ 1/r_L(p_max),
        and ζ_c ∝ t_max^-(2-s) (0.0198 for s = 1.5, t_max = 1e6).

    Examples
    --------
    >>> round(critical_kc_rL(2.0), 4)
    2.4927
    >>> critical_kc_rL(1.5), round(critical_kc_rL(1.5, 1e6), 4)
    (0.0, 0.0198)
    >>> critical_kc_rL(2.0, [10.0, 1e6]).round(4)
    array([2.6396, 2.4927])
    """
    s = None if slope is None else float(_check_slope(slope))
    t = np.asarray(t_max, dtype=float)
    bad = ~(t > 1.0)
    if np.any(bad):
        shown = float(t[bad].flat[0]) if t.ndim else float(t)
        raise ParameterError(f"t_max = {shown:g} is not allowed: must be > 1 (p_max/p_min)")
    if t.ndim == 0:
        zc, xc = _critical_cached(s, float(t))
        return (zc, xc) if return_x else zc
    uniq, inv = np.unique(t, return_inverse=True)
    z, x = _critical_rows(s, uniq)
    zc, xc = z[inv].reshape(t.shape), x[inv].reshape(t.shape)
    return (zc, xc) if return_x else zc


# --- physical wrappers -----------------------------------------------------------------------


def fastest_growth(
    J: ArrayLike,
    B0: ArrayLike,
    rho: ArrayLike,
    E: ArrayLike,
    slope: ArrayLike | None = 2.0,
    E_max: ArrayLike = np.inf,
) -> dict[str, np.ndarray]:
    """Fastest growth, its wavenumber and the nonresonant band for physical parameters (cgs).

    Parameters
    ----------
    J [statA cm^-2], B0 [G], rho [g cm^-3], E [erg] : float or array (> 0)
        CR current, field, density and energy of the lowest-energy current-carrying CRs.
    slope : float or None
        Index of dJ/dE ∝ E^-s (None: one energy).
    E_max : float or array [erg]
        Highest CR energy (default ∞).

    Returns
    -------
    dict of arrays
        ``k_c`` [cm^-1] (= the paper's k_max, Eq. 5), ``v_A`` [cm/s],
        ``kc_rL`` (ζ = k_c r_L), ``k_fastest`` [cm^-1], ``gamma_max`` [s^-1],
        ``k_band_lo``, ``k_band_hi`` [cm^-1] (NaN if no nonresonant band),
        ``gamma_over_cold`` (γ_max/(k_c v_A/2)), ``gamma_over_paper``
        (γ_max/(k_c v_A), the ratio to Eq. 7), ``k_over_paper`` (k_fastest/k_c,
        the ratio to Eq. 5), ``driven`` (ζ > ζ_c).
    """
    J = check_positive("J", J, unit="statA cm^-2")
    B0 = check_positive("B0", B0, unit="G")
    rho = check_positive("rho", rho, unit="g cm^-3")
    E = check_positive("E", E, unit="erg")
    s = _check_slope(slope)
    J, B0, rho, E = np.broadcast_arrays(J, B0, rho, E)
    t_max = np.asarray(E_max, dtype=float) / E
    kc = 4.0 * np.pi * J / (C.c * B0)
    vA = B0 / np.sqrt(4.0 * np.pi * rho)
    zeta = kc * E / (C.e * B0)
    if np.ndim(t_max) and np.unique(t_max).size > 1:
        raise ParameterError("E_max/E must be the same for every element (one spectrum per call)")
    tm = float(np.ravel(t_max)[0]) if np.ndim(t_max) else float(t_max)
    q, g = fastest_mode(zeta, s, tm)
    q_lo, q_hi = unstable_band(zeta, s, tm)
    zc = critical_kc_rL(None if s is None else float(np.ravel(s)[0]), tm)
    return {
        "k_c": kc,
        "v_A": vA,
        "kc_rL": zeta,
        "k_fastest": q * kc,
        "gamma_max": g * kc * vA,
        "k_band_lo": q_lo * kc,
        "k_band_hi": q_hi * kc,
        "gamma_over_cold": 2.0 * g,
        "gamma_over_paper": g,
        "k_over_paper": q,
        "driven": zeta > zc,
    }


def saturation_field(
    J: ArrayLike, E: ArrayLike, slope: ArrayLike | None = 2.0, E_max: ArrayLike = np.inf
) -> FloatArray:
    """The field at which the nonresonant branch disappears, B = √(4πJE/(c e ζ_c)) [G].

    Parameters
    ----------
    J : float or array [statA cm^-2]
        CR current carried by particles above E.
    E : float or array [erg]
        Energy of the lowest-energy current-carrying particles.
    slope : float or None
        Index of the current spectrum (one value).
    E_max : float or array [erg]
        Highest energy of the current spectrum (default ∞).

    Returns
    -------
    array [G]

    Notes
    -----
    As the field B grows, ζ = k_c r_L = 4πJE/(c e B²) falls as B^-2; the
    nonresonant branch exists only for ζ > ζ_c (:func:`critical_kc_rL`). This
    is the Larmor-radius criterion behind Eq. (8) computed rather than
    estimated: Eq. (8) with J = eEφ is the same expression with ζ_c = 1
    (B_sat² = 4πE²φ/c), so B_lin = B_sat(Eq. 8)/√ζ_c ≈ 0.63 B_sat for s = 2.
    Where ζ_c = 0 (s < 2 with E_max = ∞) no field switches the branch off: the
    result is ∞. Each element has its own threshold ζ_c(s, E_max/E).
    """
    J = check_positive("J", J, unit="statA cm^-2")
    E = check_positive("E", E, unit="erg")
    s = _check_slope(slope)
    if s is not None and np.ndim(s) and np.unique(s).size > 1:
        raise ParameterError("slope must be the same for every element (one spectrum per call)")
    tm = np.asarray(E_max, dtype=float) / E
    zc = critical_kc_rL(None if s is None else float(np.ravel(s)[0]), tm)
    with np.errstate(divide="ignore"):
        return np.sqrt(4.0 * np.pi * J * E / (C.c * C.e * np.asarray(zc)))
