"""Analytic transport estimates in the circumgalactic medium: Eqs. (10)-(13) and (15).

cgs floats or arrays in, cgs out. The time-dependent solver that checks these
estimates is :mod:`crescape.simulate`.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, FloatArray

__all__ = [
    "n_diffusive",
    "diffusive_front",
    "drift_speed",
    "pressure_gradient",
    "pressure_gradient_isotropic",
    "gas_speed",
    "advection_time",
    "n_advective",
    "fill_time",
    "overdensity_paper",
    "overdensity",
    "diffusion_in_field",
]


def n_diffusive(phi: ArrayLike, D: ArrayLike, t: ArrayLike) -> FloatArray:
    """Eq. (10): n_CR(0, t) = 2φ √(t/(πD)) for a constant flux φ into a half-space [cm^-3 erg^-1].

    The exact surface value of the half-space diffusion problem with a constant
    flux (Carslaw & Jaeger 1959, §2.9).
    """
    return 2.0 * phi * np.sqrt(t / (np.pi * D))


def diffusive_front(D: ArrayLike, t: ArrayLike) -> FloatArray:
    """The reach of diffusion after time t, z = √(4Dt) [cm] (condition of Eq. 10)."""
    return np.sqrt(4.0 * D * t)


def drift_speed(D: ArrayLike, t: ArrayLike) -> FloatArray:
    """Eq. (11): v_D = φ/n_CR = √(πD/(4t)) [cm s^-1]."""
    return np.sqrt(np.pi * D / (4.0 * t))


def pressure_gradient(E2phi: ArrayLike, D: ArrayLike) -> FloatArray:
    """Eq. (12) as printed: |∇P_CR| = E²φ/D [erg cm^-4] per logarithmic energy interval.

    See :func:`pressure_gradient_isotropic` for the pressure of an isotropic distribution.
    """
    return E2phi / D


def pressure_gradient_isotropic(E2phi: ArrayLike, D: ArrayLike) -> FloatArray:
    """|∂P_CR/∂z| = E²φ/(3D) [erg cm^-4] per logarithmic energy interval (Eq. 12 with P = (1/3)∫E n dE).

    Notes
    -----
    For relativistic CRs P = (1/3)∫E n(E) dE; with the diffusive flux φ = -D ∂n/∂z the
    gradient per ln E is E² ∂n/∂z /3 = -E²φ/(3D). Eq. (12) omits the 1/3
    (docs/paper-notes.md); the time-dependent solver reproduces this form
    (tests/simulate/test_transport_numerics.py).
    """
    return E2phi / (3.0 * D)


def gas_speed(E2phi: ArrayLike, D: ArrayLike, rho: ArrayLike, t: ArrayLike) -> FloatArray:
    """Eq. (13): v_bg ≈ E²φ t/(Dρ) [cm s^-1], the gas speed after time t."""
    return E2phi * t / (D * rho)


def advection_time(E2phi: ArrayLike, D: ArrayLike, rho: ArrayLike) -> FloatArray:
    """The time at which v_bg (Eq. 13) overtakes v_D (Eq. 11) [s].

    Notes
    -----
    E²φ t/(Dρ) = √(πD/4t) gives t = (π/4)^{1/3} D ρ^{2/3} (E²φ)^{-2/3}. The paper
    says this happens "after a time of a few γ_max^-1" (after Eq. 14).
    """
    return (np.pi / 4.0) ** (1.0 / 3.0) * D * rho ** (2.0 / 3.0) * E2phi ** (-2.0 / 3.0)


def n_advective(phi: ArrayLike, v_A: ArrayLike) -> FloatArray:
    """Eq. (15): n_CR = φ/ṽ_A [cm^-3 erg^-1], CRs advected at the amplified Alfvén speed."""
    return phi / v_A


def fill_time(R_d: ArrayLike, v_A: ArrayLike) -> FloatArray:
    """The time to fill the 1D region, R_d/ṽ_A [s] (after Eq. 15; 1e8-1e9 yr in the paper)."""
    return R_d / v_A


def overdensity_paper(v_A: ArrayLike) -> FloatArray:
    """The paper's CR overdensity over ballistic escape, c/ṽ_A (after Eq. 15)."""
    return C.c / v_A


def overdensity(v_A: ArrayLike) -> FloatArray:
    """n_CR(Eq. 15)/n_CR,ballistic with the paper's own ballistic density 3φ/c: c/(3ṽ_A)."""
    return C.c / (3.0 * v_A)


def diffusion_in_field(
    pc: ArrayLike,
    v: ArrayLike,
    B_tot: ArrayLike,
    dB: ArrayLike,
    coherence: ArrayLike | None = None,
    D_max: float = np.inf,
) -> np.ndarray:
    """D(z, p) in a turbulent field δB on top of B0 [cm² s^-1], shape (n_z, n_p).

    Parameters
    ----------
    pc, v : array (n_p,)
        Particle momentum times c [erg] (= E for relativistic particles) and speed [cm/s].
    B_tot, dB : array (n_z,)
        Total field √(B0² + δB²) and turbulent field δB [G].
    coherence : array (n_z,) or None
        Coherence length ℓ_c of the turbulence [cm]; None: every particle in the Bohm regime.
    D_max : float
        Upper bound [cm² s^-1].

    Notes
    -----
    With the Larmor radius r_L = pc/(eB): D = (v/3) r_L (B/δB)² for r_L ≤ ℓ_c,
    the quasi-linear mean free path r_L (B/δB)², which is Bohm diffusion
    (Eq. 9, written there for v = c and pc = E) once δB ≳ B; and
    D = (v/3) (r_L²/ℓ_c) (B/δB)² for r_L > ℓ_c, the small-scale-field form
    (mean free path ∝ r_L²/ℓ_c: Subedi et al. 2017, ApJ 837, 140; Casse,
    Lemoine & Pelletier 2002, PRD 65, 023002).
    """
    pc = np.asarray(pc, dtype=float)
    B_tot = np.asarray(B_tot, dtype=float)
    # (v/3) r_L (B/δB)² = (v pc/3e) · B/δB², an outer product
    zfac = B_tot / np.maximum(np.asarray(dB, dtype=float), 1e-300) ** 2
    D = np.multiply.outer(zfac, np.asarray(v, dtype=float) * pc / (3.0 * C.e))
    if coherence is not None:
        rL = pc[None, :] / (C.e * B_tot[:, None])
        D *= np.maximum(1.0, rL / np.asarray(coherence, dtype=float)[:, None])
    if np.isfinite(D_max):
        np.minimum(D, D_max, out=D)
    return D
