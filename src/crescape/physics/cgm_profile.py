"""Density and temperature profiles of the circumgalactic gas (cgs floats).

* uniform: ρ = δ_G Ω_b ρ_cr, the paper's CGM (text after Eq. 5;
  :func:`crescape.physics.instability.gas_density`);
* the β-model of the Milky Way's hot halo fitted to the O VIII emission lines by
  Miller & Bregman (2015, ApJ 800, 14, abstract):
  n(r) = n₀ r_c^{3β} (r² + r_c²)^{−3β/2}, which for r ≫ r_c is their
  n₀ r_c^{3β}/r^{3β} with n₀ r_c^{3β} = 1.35(±0.24)e-2 cm^-3 kpc^{3β}, β = 0.50(±0.03)
  (:data:`MILLER_BREGMAN_2015`);
* an isothermal gas in hydrostatic equilibrium in a potential, ρ = ρ_ref exp[−(Φ − Φ_ref)/θ]
  with θ = P/ρ = k_B T/(μ m_p);
* a polytropic gas P ∝ ρ^Γ in hydrostatic equilibrium,
  ρ = ρ_ref [1 − (Γ − 1)(Φ − Φ_ref)/(Γ θ_ref)]^{1/(Γ−1)}, T = T_ref (ρ/ρ_ref)^{Γ−1};
* a table of n(r), T(r), interpolated linearly in log n, log T against log r.

Number and mass density are related by the paper's convention for the pp target,
n = ρ/m_p (Eq. 16): :func:`mass_density`.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ..errors import ParameterError
from ._typing import ArrayLike, FloatArray

__all__ = [
    "MILLER_BREGMAN_2015",
    "beta_model_density",
    "isothermal_hydrostatic_density",
    "polytropic_hydrostatic_density",
    "mass_density",
    "number_density",
    "log_interpolate",
]

#: the O VIII fit of Miller & Bregman (2015, ApJ 800, 14, abstract): normalisation
#: n₀ r_c^{3β} [cm^-3 kpc^{3β}] and its 1σ error, β and its error; r_c → 0 (their r ≫ r_c form).
#: The abstract prints the normalisation as "1.35 ± 0.24 cm^-3 kpc^{3β}"; 1.35e-2 is the value
#: of their densities (n ≈ 4e-5 cm^-3 at 50 kpc; docs/halo.md)
MILLER_BREGMAN_2015 = {
    "n0_rc3b": 1.35e-2,
    "n0_rc3b_error": 0.24e-2,
    "beta": 0.50,
    "beta_error": 0.03,
    "r_c": 0.0,
}


def beta_model_density(r: ArrayLike, n0_rc3b: float, beta: float, r_c: float = 0.0) -> FloatArray:
    """n(r) = n₀ r_c^{3β} (r² + r_c²)^{−3β/2} [cm^-3] (the β-model of Miller & Bregman 2015).

    Parameters
    ----------
    r : array [cm]
    n0_rc3b : float
        n₀ r_c^{3β} in cm^-3 kpc^{3β} (the unit in which Miller & Bregman quote it).
    beta : float
    r_c : float [cm]
        Core radius; 0 gives their large-radius form n₀ r_c^{3β} r^{−3β}.
    """
    x2 = (np.asarray(r, dtype=float) ** 2 + r_c**2) / C.kpc**2
    return n0_rc3b * x2 ** (-1.5 * beta)


def isothermal_hydrostatic_density(
    phi: ArrayLike, phi_ref: float, rho_ref: float, theta: float
) -> FloatArray:
    """ρ = ρ_ref exp[−(Φ − Φ_ref)/θ] [g cm^-3]: dP/dr = −ρ dΦ/dr with P = θρ, θ = k_B T/(μ m_p)."""
    return rho_ref * np.exp(-(np.asarray(phi, dtype=float) - phi_ref) / theta)


def polytropic_hydrostatic_density(
    phi: ArrayLike, phi_ref: float, rho_ref: float, theta_ref: float, Gamma: float
) -> FloatArray:
    """ρ = ρ_ref [1 − (Γ − 1)(Φ − Φ_ref)/(Γ θ_ref)]^{1/(Γ−1)} [g cm^-3], θ_ref = P_ref/ρ_ref.

    The hydrostatic equilibrium dP/dr = −ρ dΦ/dr of P = P_ref (ρ/ρ_ref)^Γ: the enthalpy
    Γθ/(Γ − 1) falls by ΔΦ. Zero where the bracket is ≤ 0 (above the top of the atmosphere).
    """
    x = 1.0 - (Gamma - 1.0) * (np.asarray(phi, dtype=float) - phi_ref) / (Gamma * theta_ref)
    return rho_ref * np.maximum(x, 0.0) ** (1.0 / (Gamma - 1.0))


def mass_density(n: ArrayLike) -> FloatArray:
    """ρ = m_p n [g cm^-3] (the paper's convention n = ρ/m_p, Eq. 16)."""
    return C.m_p * np.asarray(n, dtype=float)


def number_density(rho: ArrayLike) -> FloatArray:
    """n = ρ/m_p [cm^-3] (the paper's convention, Eq. 16)."""
    return np.asarray(rho, dtype=float) / C.m_p


def log_interpolate(
    r: ArrayLike, r_tab: np.ndarray, q_tab: np.ndarray, name: str = "r"
) -> FloatArray:
    """q(r) linear in log q against log r through the table (r_tab increasing, q_tab > 0).

    Raises
    ------
    ParameterError
        For r outside [r_tab[0], r_tab[-1]] (no extrapolation).
    """
    r = np.asarray(r, dtype=float)
    lo, hi = r_tab[0], r_tab[-1]
    bad = (r < lo * (1 - 1e-12)) | (r > hi * (1 + 1e-12)) | ~np.isfinite(r)
    if np.any(bad):
        v = r[bad].flat[0] if r.ndim else float(r)
        raise ParameterError(
            f"{name} = {v / C.kpc:g} kpc is not allowed: must be within the table's "
            f"{lo / C.kpc:g} to {hi / C.kpc:g} kpc"
        )
    return np.exp(np.interp(np.log(r), np.log(r_tab), np.log(q_tab)))
