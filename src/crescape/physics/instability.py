"""The nonresonant streaming instability in the paper's estimates: Eqs. (4)-(7), B_th and B_*.

All functions take cgs floats or arrays and broadcast. The full linear theory
(Bell's dispersion relation with the CR response, thermal effects) is in
:mod:`crescape.physics.dispersion`; the forms here are the ones the paper
uses, and the cold-plasma result they should be compared with.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, BoolArray, FloatArray

__all__ = [
    "gas_density",
    "mean_molecular_weight",
    "alfven_speed",
    "instability_condition",
    "B0_max",
    "k_max_paper",
    "k_fastest_cold",
    "gamma_max_paper",
    "gamma_max_cold",
    "B_thermal_paper",
    "B_thermal",
    "B_star_paper",
]


def gas_density(delta_G: ArrayLike, Omega_b_h2: ArrayLike, rho_cr_h2: ArrayLike) -> FloatArray:
    """ρ = δ_G Ω_b ρ_cr [g cm^-3] (text after Eq. 5); h cancels between Ω_b h² and ρ_cr/h²."""
    return delta_G * Omega_b_h2 * rho_cr_h2


def mean_molecular_weight(X_H: ArrayLike) -> FloatArray:
    """μ of a fully ionised H + He plasma of hydrogen mass fraction X: 1/μ = 2X + 3(1-X)/4."""
    return 1.0 / (2.0 * X_H + 0.75 * (1.0 - X_H))


def alfven_speed(B: ArrayLike, rho: ArrayLike) -> FloatArray:
    """v_A = B/√(4πρ) [cm s^-1] (after Eq. 5; with δB for ṽ_A, before Eq. 10)."""
    return B / np.sqrt(4.0 * np.pi * rho)


def instability_condition(E2phi: ArrayLike, B0: ArrayLike) -> BoolArray:
    """Eq. (4): the nonresonant instability is driven when E²φ/c > B0²/4π (returns bool)."""
    return E2phi / C.c > B0**2 / (4.0 * np.pi)


def B0_max(E2phi: ArrayLike) -> FloatArray:
    """Eq. (6): the largest seed field for which Eq. (4) holds, B0 = √(4π E²φ/c) [G].

    For s = 2 this is √(2 L_CR/(c R_d² Λ)) ≈ 2.2e-8 L_41^1/2 R_10^-1 G, the same
    expression as the saturation field of Eq. (8).
    """
    return np.sqrt(4.0 * np.pi * E2phi / C.c)


def k_max_paper(J: ArrayLike, B0: ArrayLike) -> FloatArray:
    """Eq. (5): k_max = 4π J/(c B0) [cm^-1].

    Notes
    -----
    In Bell's (2004) cold dispersion relation ω² = k²v_A² - k B0 J/(ρc) this is
    the *cutoff* of the unstable band, k_c; the fastest-growing mode is at
    k_c/2 (:func:`k_fastest_cold`).
    """
    return 4.0 * np.pi * J / (C.c * B0)


def k_fastest_cold(J: ArrayLike, B0: ArrayLike) -> FloatArray:
    """The fastest-growing wavenumber of Bell's (2004) cold relation, k_c/2 = 2πJ/(cB0) [cm^-1].

    Notes
    -----
    Bell (2004), Eq. 11 without the CR response: ω² = k²v_A² - k k_c v_A² with
    k_c = 4πJ/(cB0); -ω² is largest at k = k_c/2.
    """
    return 0.5 * k_max_paper(J, B0)


def gamma_max_paper(J: ArrayLike, rho: ArrayLike) -> FloatArray:
    """Eq. (7): γ_max = k_max v_A = 4πJ/(c √(4πρ)) [s^-1], independent of B0.

    ≈ 2 yr^-1 δ_G^-1/2 E_GeV^-1 L_41 R_10^-2 at the paper's parameters.
    """
    return 4.0 * np.pi * J / (C.c * np.sqrt(4.0 * np.pi * rho))


def gamma_max_cold(J: ArrayLike, rho: ArrayLike) -> FloatArray:
    """The maximum growth rate of Bell's (2004) cold relation, k_c v_A/2 = γ_max(paper)/2 [s^-1]."""
    return 0.5 * gamma_max_paper(J, rho)


def B_thermal_paper(rho: ArrayLike, T: ArrayLike) -> FloatArray:
    """The paper's equipartition field B_th = √(4π (ρ/m_p) k_B T) [G] (text after Eq. 6).

    Notes
    -----
    Reconstructed from the quoted 2e-9 G δ_G^1/2 T_4^1/2: the thermal pressure
    n k_B T of n = ρ/m_p particles set equal to B²/4π (the convention of Eq. 4).
    """
    return np.sqrt(4.0 * np.pi * rho / C.m_p * C.k_B * T)


def B_thermal(rho: ArrayLike, T: ArrayLike, X_H: ArrayLike = 0.76) -> FloatArray:
    """Equipartition of B²/8π with the thermal energy density (3/2) n_tot k_B T [G].

    n_tot = ρ/(μ m_p) counts electrons and ions of a fully ionised H/He plasma.
    """
    n_tot = rho / (mean_molecular_weight(X_H) * C.m_p)
    return np.sqrt(8.0 * np.pi * 1.5 * n_tot * C.k_B * T)


def B_star_paper(J: ArrayLike, rho: ArrayLike, T: ArrayLike) -> FloatArray:
    """The thermal threshold B_* of refs [13, 14] in the paper's normalisation [G].

    Below B_* finite ion temperature reduces the growth rate (text after Eq. 7):
    B_* ≈ 1.8e-9 G δ_G^1/6 T_6^1/3 [L_41/(E_GeV R_10²)]^1/3.

    Notes
    -----
    The paper gives only the scaling. It follows from the condition
    k_max² v_th² > Ω_i γ_max (Reville et al. 2008; Zweibel & Everett 2010),
    with k_max = 4πJ/(cB0), γ_max = k_max v_A, Ω_i = eB0/(m_p c) and
    v_th² = 2k_BT/m_p, which gives B_*³ = 8π J k_B T √(4πρ)/e and reproduces the
    1.8e-9 G normalisation. The full thermal treatment is in
    :mod:`crescape.physics.thermal`.
    """
    return np.cbrt(8.0 * np.pi * J * C.k_B * T * np.sqrt(4.0 * np.pi * rho) / C.e)
