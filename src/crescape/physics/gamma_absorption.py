"""Absorption of γ rays by pair production on the cosmic microwave background, γγ → e⁺e⁻.

The Breit-Wheeler cross section (Gould & Schréder 1967, Phys. Rev. 155, 1404, Eq. 4),
with s̃ = s/(4 m_e²c⁴) = E ε (1 - cos θ)/(2 m_e²c⁴) and β = √(1 - 1/s̃):

    σ_γγ(s̃) = (3σ_T/16)(1 - β²)[(3 - β⁴) ln((1 + β)/(1 - β)) - 2β(2 - β²)].

For an isotropic photon field of number density n(ε) dε, averaging over the angle
(Gould & Schréder 1967, Eqs. 9-10):

    κ(E) = 1/λ(E) = ∫ dε n(ε) (2 m_e⁴c⁸/(E² ε²)) Ψ(E ε/m_e²c⁴),    Ψ(y) = ∫_1^y s̃ σ_γγ(s̃) ds̃,

and for the CMB n(ε) = (8π/(hc)³) ε²/(exp(ε/kT) - 1).

Ψ is tabulated once on a logarithmic grid; κ(E) is then a fixed Gauss-Legendre
sum over ε, vectorised over E. The mean free path has its minimum ≈ 8-9 kpc near
E ≈ 2 PeV (tested), so the CGM γ rays above ~100 TeV are attenuated over tens of kpc.
cgs units throughout.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, FloatArray

__all__ = ["sigma_gg", "absorption_coefficient", "optical_depth", "attenuation"]


def sigma_gg(s_tilde: ArrayLike) -> FloatArray:
    """The Breit-Wheeler cross section σ_γγ(s̃) [cm²], s̃ = s/(4m_e²c⁴) (Gould & Schréder 1967, Eq. 4)."""
    s = np.asarray(s_tilde, dtype=float)
    ok = s > 1.0
    b = np.sqrt(np.clip(1.0 - 1.0 / np.where(ok, s, 2.0), 0.0, 1.0))
    val = (
        (3.0 * C.sigma_T / 16.0)
        * (1.0 - b**2)
        * ((3.0 - b**4) * np.log((1.0 + b) / (1.0 - b)) - 2.0 * b * (2.0 - b**2))
    )
    return np.where(ok, val, 0.0)


def _psi_table(n=6000, y_max=1e12):
    """Ψ(y) = ∫_1^y s̃ σ_γγ ds̃ on a log grid in (y - 1) (cumulative trapezoid in ln)."""
    ln_ym1 = np.linspace(np.log(1e-10), np.log(y_max), n)
    y = 1.0 + np.exp(ln_ym1)
    f = y * sigma_gg(y) * (y - 1.0)  # d/d ln(y-1)
    psi = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(ln_ym1))])
    # contribution of [1, 1 + 1e-10]: σ ∝ β there, negligible
    return np.log(y), psi


_LNY, _PSI = _psi_table()
_GL = np.polynomial.legendre.leggauss(96)


def _psi(y):
    y = np.asarray(y, dtype=float)
    out = np.interp(np.log(np.maximum(y, 1.0)), _LNY, _PSI)
    return np.where(y > 1.0, out, 0.0)


def absorption_coefficient(E: ArrayLike, T: float = C.T_cmb) -> FloatArray:
    """κ(E) = 1/λ(E) [cm^-1]: the γγ absorption coefficient in a blackbody of temperature T.

    Parameters
    ----------
    E : array [erg]
        γ-ray energy.
    T : float [K]
        Blackbody temperature (default: the CMB today, Fixsen 2009).
    """
    E = np.asarray(E, dtype=float)
    m2 = C.m_e_c2**2
    kT = C.k_B * T
    eps_min = m2 / E
    lo = np.log(eps_min)
    hi = np.log(eps_min + 60.0 * kT)
    x, w = _GL
    half = 0.5 * (hi - lo)[..., None]
    ln_eps = 0.5 * (hi + lo)[..., None] + half * x
    eps = np.exp(ln_eps)
    planck = 1.0 / np.expm1(np.minimum(eps / kT, 700.0))
    # ∫ dε ... = ∫ ε d ln ε; n(ε) ∝ ε², times 2m⁴/(E²ε²): the ε² cancel
    integrand = planck * _psi(E[..., None] * eps / m2) * eps
    pref = 8.0 * np.pi / (C.h_planck * C.c) ** 3 * 2.0 * m2**2 / E**2
    return pref * np.sum(integrand * w * half, axis=-1)


def optical_depth(E: ArrayLike, L: ArrayLike, T: float = C.T_cmb) -> FloatArray:
    """τ = κ(E) L for a path length L [cm] in a uniform blackbody field."""
    return absorption_coefficient(E, T) * np.asarray(L, dtype=float)


def attenuation(E: ArrayLike, L: ArrayLike, T: float = C.T_cmb) -> FloatArray:
    """exp(-τ): the surviving fraction of γ rays of energy E [erg] after a path L [cm]."""
    return np.exp(-optical_depth(E, L, T))
