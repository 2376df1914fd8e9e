"""Thermal modification of the nonresonant instability and the validity of the cold MHD treatment.

The paper (text after Eq. 7, refs [13, 14]: Reville et al. 2008, IJMPD 17,
1795; Zweibel & Everett 2010, ApJ 709, 1412) notes that a finite ion
temperature reduces the growth when B0 < B_*. Here the warm-ion correction is
the first finite-Larmor-radius term of the parallel kinetic ion response
(Maxwellian ions, |ω ± Ω_i| ≫ k v_th; derivation in docs/dispersion.md):

    ω² + ω k² (k_B T/m_p)/Ω_i = k²v_A² - k k_c v_A²          (right-hand mode)

so thermal effects matter where k² (k_BT/m_p) ≳ Ω_i γ, the condition the
paper quotes. Solving the quadratic gives the reduced growth
γ(k) = √(k k_c v_A² - k²v_A² - k⁴ (k_BT/m_p)²/(4Ω_i²)), whose maximum is found
from a cubic (:func:`warm_growth_max`). In the hot limit
γ_max → √3 τ^-1/3 (k_c v_A/2), with τ = k_c k_BT/(m_p Ω_i v_A).

The validity conditions of the cold MHD treatment and the regime that applies,
decided with the actual growth of the full relation, are in
:mod:`crescape.physics.validity`.

cgs floats or arrays in and out; the Quantity forms are in :mod:`crescape.formulary`
(``warm_dispersion``, ``thermal_parameter``, ``B_star_warm``, ...).
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, FloatArray
from .dispersion import _golden_max, check_positive, dispersion_modes
from .instability import B_star_paper, k_max_paper

__all__ = [
    "ion_cyclotron_frequency",
    "ion_thermal_speed",
    "ion_larmor_radius",
    "thermal_parameter",
    "thermal_ratio_paper",
    "B_star",
    "warm_growth_max",
    "warm_modes",
    "warm_fastest_growth",
]


def ion_cyclotron_frequency(B0: ArrayLike) -> FloatArray:
    """Ω_i = eB0/(m_p c) [rad s^-1], the proton gyrofrequency."""
    return C.e * np.asarray(B0, dtype=float) / (C.m_p * C.c)


def ion_thermal_speed(T: ArrayLike) -> FloatArray:
    """v_th = √(2 k_B T/m_p) [cm s^-1] (the paper's convention for B_*)."""
    return np.sqrt(2.0 * C.k_B * np.asarray(T, dtype=float) / C.m_p)


def ion_larmor_radius(T: ArrayLike, B0: ArrayLike) -> FloatArray:
    """Thermal proton Larmor radius r_i = v_th/Ω_i [cm], v_th = √(2k_BT/m_p) (the paper's B_*, after Eq. 7)."""
    return ion_thermal_speed(T) / ion_cyclotron_frequency(B0)


def thermal_parameter(J: ArrayLike, B0: ArrayLike, rho: ArrayLike, T: ArrayLike) -> FloatArray:
    """τ = k_c (k_BT/m_p)/(Ω_i v_A): the strength of the ion finite-Larmor-radius term.

    Notes
    -----
    In units of k_c v_A the warm right-hand mode without the CR response is
    ω̂² + τ q² ω̂ = q² - q (q = k/k_c). τ = 2 k²(k_BT/m_p)/(Ω_i γ) at Bell's
    fastest cold mode (k = k_c/2, γ = k_c v_A/2): thermal effects matter for
    τ ≳ 1. τ ∝ J T √ρ / B0³.
    """
    J = check_positive("J", J, unit="statA cm^-2")
    B0 = check_positive("B0", B0, unit="G")
    rho = check_positive("rho", rho, unit="g cm^-3")
    T = check_positive("T", T, allow_zero=True, unit="K")
    kc = k_max_paper(J, B0)
    vA = B0 / np.sqrt(4.0 * np.pi * rho)
    return kc * C.k_B * T / (C.m_p * ion_cyclotron_frequency(B0) * vA)


def thermal_ratio_paper(J: ArrayLike, B0: ArrayLike, rho: ArrayLike, T: ArrayLike) -> FloatArray:
    """The paper's thermal condition k_max² v_th²/(Ω_i γ_max) with Eqs. (5), (7), v_th² = 2k_BT/m_p.

    Equal to 2τ (:func:`thermal_parameter`); it is 1 at B0 = B_* of the paper
    (:func:`crescape.physics.instability.B_star_paper`).
    """
    return 2.0 * thermal_parameter(J, B0, rho, T)


def B_star(J: ArrayLike, rho: ArrayLike, T: ArrayLike, tau: ArrayLike = 1.0) -> FloatArray:
    """The field below which ion temperature changes the fastest growth: τ(B_*) = tau [G].

    Parameters
    ----------
    J : float or array [statA cm^-2]
    rho : float or array [g cm^-3]
    T : float or array [K]
    tau : float
        The value of τ that marks the transition (default 1: the thermal term
        equals γ at Bell's fastest cold mode, k²k_BT/m_p = Ω_i γ/2 at k = k_c/2).

    Returns
    -------
    array [G]
        B_*³ = 4π J k_B T √(4πρ)/(e tau), i.e. B_* = B_*(paper) (2 tau)^(-1/3).

    Notes
    -----
    The paper's B_* (≈ 1.8e-9 G δ_G^1/6 T_6^1/3 (L_41/(E_GeV R_10²))^1/3, refs
    [13, 14]) corresponds to k_max² v_th² = Ω_i γ_max with the paper's k_max and
    γ_max, i.e. τ = 1/2. With Bell's fastest mode (τ = 1) the threshold is
    2^(-1/3) = 0.79 times the paper's; the growth is halved (γ_warm = γ_cold/2) at
    τ ≈ 34.4, i.e. at 0.244 B_*(paper) (docs/dispersion.md).
    """
    return B_star_paper(J, rho, T) * (2.0 * np.asarray(tau, dtype=float)) ** (-1.0 / 3.0)


def warm_growth_max(tau: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Fastest growth of the warm right-hand mode without CR response, in units of k_c.

    Parameters
    ----------
    tau : float or array
        :func:`thermal_parameter` (>= 0).

    Returns
    -------
    (q_max, g_max) : arrays
        k/k_c of the fastest growth, the real root of τ² q³ + 2q - 1 = 0, and
        γ_max/(k_c v_A) = √(q - q² - τ² q⁴/4). τ = 0 gives Bell's 1/2, 1/2; for
        τ ≫ 1, q → τ^(-2/3) and γ_max/(k_c v_A) → (√3/2) τ^(-1/3).
    """
    tau = check_positive("tau", tau, allow_zero=True)
    t2 = tau**2
    q = np.full(tau.shape, 0.5)
    q = np.minimum(q, np.where(tau > 0, 1.0 / np.cbrt(np.maximum(t2, 1e-300)), 0.5))
    q = np.maximum(q, 0.0)
    # Newton on f(q) = τ² q³ + 2q - 1 (increasing, convex for q > 0); start right of the root
    q = np.where(t2 * q**3 + 2 * q - 1 >= 0, q, 0.5)
    for _ in range(60):
        f = t2 * q**3 + 2.0 * q - 1.0
        q = q - f / (3.0 * t2 * q**2 + 2.0)
    g2 = q - q**2 - 0.25 * t2 * q**4
    return q, np.sqrt(np.maximum(g2, 0.0))


def warm_modes(
    k: ArrayLike,
    J: ArrayLike,
    B0: ArrayLike,
    rho: ArrayLike,
    E: ArrayLike,
    T: ArrayLike,
    slope: float | None = 2.0,
    E_max: ArrayLike | None = np.inf,
    cr_response: bool = True,
    hall: bool = True,
) -> dict[str, np.ndarray]:
    """ω(k) [s^-1] of both polarisations with ion temperature and the Hall term (cgs lite form).

    Parameters
    ----------
    k [cm^-1], J [statA cm^-2], B0 [G], rho [g cm^-3], E [erg], T [K] : float or array
        ``E`` is the energy of the lowest-energy current-carrying CRs, ``T`` the ion temperature.
    slope : float or None
        Index of dJ/dE ∝ E^-s (None: one energy).
    E_max : float [erg] or None
        Highest energy of the current (None: no cutoff).
    cr_response, hall : bool

    Returns
    -------
    dict of complex arrays [s^-1]
        ``{"right": ω_R, "left": ω_L}``.

    Notes
    -----
    ω² ± ω [R_± + k² k_BT/m_p]/Ω_i = R_±, R_± = k² v_A² ∓ k k_c v_A² (1 - σ):
    Bell (2004), Eqs. 8-13 with the Hall term and the first finite-Larmor-radius
    term of the Maxwellian ion response (cf. Reville et al. 2008; Zweibel &
    Everett 2010); valid for k r_i ≪ 1. It is
    :func:`crescape.physics.dispersion.dispersion_modes` with the Hall term on by
    default; the Quantity form is :func:`crescape.formulary.warm_dispersion`.
    """
    return dispersion_modes(
        k,
        J,
        B0,
        rho,
        E,
        slope=slope,
        E_max=np.inf if E_max is None else E_max,
        cr_response=cr_response,
        hall=hall,
        T=T,
    )


def warm_fastest_growth(
    J: ArrayLike,
    B0: ArrayLike,
    rho: ArrayLike,
    E: ArrayLike,
    T: ArrayLike,
    slope: float | None = 2.0,
    E_max: ArrayLike = np.inf,
    hall: bool = True,
    cr_response: bool = True,
    n_grid: int = 400,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fastest growth of the full relation (CR response, Hall term, ion temperature), right-hand mode.

    Parameters
    ----------
    J [statA cm^-2], B0 [G], rho [g cm^-3], E [erg], T [K] : float or array
    slope : float or None
    E_max : float [erg]
    hall, cr_response : bool
    n_grid : int
        Coarse grid points in ln(k/k_c) before a golden-section refinement.

    Returns
    -------
    (k_fastest [cm^-1], gamma_max [s^-1], omega_r [s^-1]) : arrays
        The wavenumber and growth rate of the fastest mode and its real
        frequency (zero for a purely growing mode).
    """
    J, B0, rho, E, T = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (J, B0, rho, E, T))
    )
    kc = k_max_paper(check_positive("J", J), check_positive("B0", B0))
    zeta = kc * check_positive("E", E) / (C.e * B0)
    lz = np.log(np.maximum(zeta, 1e-300))
    lo = np.minimum(np.log(0.05) - 2.0 * lz, np.log(1e-8))
    hi = np.maximum(np.log(2.0), np.log(10.0) - lz)
    u_ = np.linspace(0.0, 1.0, n_grid)
    grid = lo[..., None] + u_ * (hi - lo)[..., None]

    def growth(lq, expand=False):
        ax = (lambda a: a[..., None]) if expand else (lambda a: a)
        w = dispersion_modes(
            np.exp(lq) * ax(kc),
            ax(J),
            ax(B0),
            ax(rho),
            ax(E),
            slope=slope,
            E_max=E_max,
            cr_response=cr_response,
            hall=hall,
            T=ax(T),
        )["right"]
        return w

    g = growth(grid, expand=True).imag
    i = np.argmax(g, axis=-1)
    a = np.take_along_axis(grid, np.clip(i - 1, 0, n_grid - 1)[..., None], -1)[..., 0]
    b = np.take_along_axis(grid, np.clip(i + 1, 0, n_grid - 1)[..., None], -1)[..., 0]
    lq, gmax = _golden_max(lambda x: growth(x).imag, a, b)
    w = growth(lq)
    return np.exp(lq) * kc, gmax, w.real
