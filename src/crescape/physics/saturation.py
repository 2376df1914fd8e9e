"""Saturation of the field and the resulting diffusion: Eqs. (8), (9) and (14).

cgs floats or arrays in, cgs out.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, Cutoff, FloatArray
from .escape import escape_energy_flux

__all__ = [
    "B_sat",
    "B_sat_current",
    "B_sat_luminosity",
    "B_sat_escape",
    "larmor_radius",
    "bohm_diffusion",
    "B_alfven_balance",
    "cascade_damping_rate",
    "cascade_decay",
]


def B_sat(E2phi: ArrayLike) -> FloatArray:
    """Eq. (8): δB ≈ √(4π E²φ/c) [G], the field at which the plasma displacement reaches r_L.

    Notes
    -----
    From Δr ≈ δB J/(cργ_max²) = r_L = E/(eδB) with J = eEφ and γ_max of Eq. (7):
    δB² = 4π E²φ/c. For s = 2, E²φ = L/(2πR_d²Λ) and δB = √(2L/(cR_d²Λ))
    (see :func:`B_sat_luminosity`), independent of E, B0 and ρ.
    """
    return np.sqrt(4.0 * np.pi * E2phi / C.c)


def B_sat_current(E: ArrayLike, J: ArrayLike) -> FloatArray:
    """Eq. (8) with the exact current J(>E) in place of eEφ: δB = √(4π E J/(e c)) [G]."""
    return np.sqrt(4.0 * np.pi * E * J / (C.e * C.c))


def B_sat_luminosity(L_CR: ArrayLike, R_d: ArrayLike, Lambda: ArrayLike) -> FloatArray:
    """Eq. (8) as printed for s = 2: δB = √(2 L_CR/(c R_d² Λ)) [G]."""
    return np.sqrt(2.0 * L_CR / (C.c * R_d**2 * Lambda))


def B_sat_escape(
    E: ArrayLike,
    L_CR: ArrayLike,
    R_d: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """Eq. (8) for the escaping spectrum of Eq. (3) at energy E: δB = √(4π E²φ_CR(E)/c) [G].

    For any slope s; for s = 2 it equals :func:`B_sat_luminosity` with Λ = ln(E_max/E_min)
    and does not depend on E. For s ≠ 2 it does (E²φ ∝ E^{2-s}), so callers name the energy.
    ``E_break``, ``slope_high``: the optional spectral break (:mod:`crescape.physics.spectrum`).
    """
    return B_sat(escape_energy_flux(E, L_CR, R_d, slope, E_min, E_max, cutoff, E_break, slope_high))


def larmor_radius(E: ArrayLike, B: ArrayLike) -> FloatArray:
    """r_L = E/(eB) [cm] for a relativistic unit-charge particle of energy E in field B."""
    return E / (C.e * B)


def bohm_diffusion(E: ArrayLike, dB: ArrayLike) -> FloatArray:
    """Eq. (9): Bohm diffusion D = (1/3) E c/(e δB) = r_L c/3 [cm² s^-1].

    ≈ 1.5e24 E_GeV L_41^1/2 R_10 cm² s^-1 at the paper's δB.
    """
    return larmor_radius(E, dB) * C.c / 3.0


def B_alfven_balance(E2phi: ArrayLike, rho: ArrayLike) -> FloatArray:
    """Eq. (14): the field at which v_D ≈ v_bg ≈ ṽ_A [G].

    Notes
    -----
    From v_D = √(πD/4t) (Eq. 11) and v_bg = E²φ t/(Dρ) (Eq. 13) both equal to
    ṽ_A = δB/√(4πρ): ṽ_A³ = πE²φ/(4ρ), i.e. δB³ = π(4π)^{3/2} ρ^{1/2} E²φ/4.
    D cancels. For s = 2 this is (π^{3/2} ρ^{1/2} L/(R_d²Λ))^{1/3}
    ≈ 3e-7 L_41^1/3 δ_G^1/6 R_10^-2/3 G.
    """
    return np.cbrt(np.pi * (4.0 * np.pi) ** 1.5 * np.sqrt(rho) * E2phi / 4.0)


def cascade_damping_rate(
    W: ArrayLike, rho: ArrayLike, ell: ArrayLike, efficiency: ArrayLike = 1.0
) -> FloatArray:
    """Decay rate of undriven strong MHD turbulence, Γ = c_d δv/ℓ [s^-1], with δv = √(2W/ρ).

    The energy of freely decaying strong MHD turbulence is lost in about one crossing time
    ℓ/δv of its outer scale ℓ (Stone, Ostriker & Gammie 1998, ApJ 508, L99; Mac Low 1999,
    ApJ 524, 169, Eq. 7: Ė ≈ −η m v³/ℓ), with the velocity fluctuations in equipartition with
    the field, ½ρδv² = W = δB²/8π. ``efficiency`` is the order-unity factor c_d.
    """
    return efficiency * np.sqrt(2.0 * np.asarray(W) / rho) / ell


def cascade_decay(
    W: ArrayLike, rho: ArrayLike, ell: ArrayLike, dt: ArrayLike, efficiency: ArrayLike = 1.0
) -> FloatArray:
    """W(t + dt) of dW/dt = −Γ(W) W with Γ of :func:`cascade_damping_rate` (ρ and ℓ fixed).

    dW/dt = −a W^{3/2}, a = c_d √(2/ρ)/ℓ, has the exact solution
    W(t + dt) = W / (1 + a √W dt/2)², i.e. δB ∝ 1/(1 + t/2τ) with τ = 1/Γ at the start.
    """
    W = np.asarray(W, dtype=float)
    return W / (1.0 + 0.5 * cascade_damping_rate(W, rho, ell, efficiency) * dt) ** 2
