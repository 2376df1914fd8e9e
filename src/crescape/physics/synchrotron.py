"""Secondary electrons in the CGM: steady state under synchrotron and inverse-Compton losses,
and their synchrotron emission.

* Losses (Thomson regime, Blumenthal & Gould 1970, Rev. Mod. Phys. 42, 237, Eqs. 2.16, 4.4):
  b(E) = -dE/dt = (4/3) σ_T c γ² (u_B + u_rad), u_B = B²/8π, u_rad = u_CMB by default.
  The Klein-Nishina reduction of the CMB losses matters only above ~10 TeV and does not
  affect the GHz-emitting electrons (E ~ 10-100 GeV in δB ~ 10^-8 G).
* Steady state with injection Q(E) and continuous losses, no escape
  (e.g. Blumenthal & Gould 1970, Sec. 4):
  N(E) = (1/b(E)) ∫_E^∞ Q(E') dE'.
  Valid when the loss time is shorter than the age ~ R_d/ṽ_A of the region (tested).
* Synchrotron power per unit frequency of an electron, averaged over an isotropic
  pitch-angle distribution (Aharonian, Kelner & Prosekin 2010, PRD 82, 043002, Eq. D7):
  P(ν, E) = √3 e³ B/(m_e c²) G(ν/ν_c),  ν_c = 3 e B γ²/(4π m_e c), with::

      G(x) ≈ 1.808 x^{1/3}/√(1 + 3.4 x^{2/3}) (1 + 2.21 x^{2/3} + 0.347 x^{4/3})
             /(1 + 1.353 x^{2/3} + 0.217 x^{4/3}) e^{-x}.

* Emissivity j_ν = (1/4π) ∫ N(E) P(ν, E) dE [erg s^-1 cm^-3 Hz^-1 sr^-1].

cgs floats, vectorised with fixed Gauss-Legendre rules.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayFunction, ArrayLike, FloatArray

__all__ = [
    "energy_loss_rate",
    "loss_time",
    "steady_state",
    "G_isotropic",
    "synchrotron_power",
    "critical_frequency",
    "emissivity",
]

_GL = np.polynomial.legendre.leggauss(64)


def energy_loss_rate(E: ArrayLike, B: ArrayLike, u_rad: ArrayLike = C.u_cmb) -> FloatArray:
    """b(E) = (4/3) σ_T c γ² (B²/8π + u_rad) [erg/s] (Thomson regime; Blumenthal & Gould 1970)."""
    gamma = np.asarray(E, dtype=float) / C.m_e_c2
    return 4.0 / 3.0 * C.sigma_T * C.c * gamma**2 * (np.asarray(B) ** 2 / (8.0 * np.pi) + u_rad)


def loss_time(E: ArrayLike, B: ArrayLike, u_rad: ArrayLike = C.u_cmb) -> FloatArray:
    """E/b(E) [s]."""
    return np.asarray(E, dtype=float) / energy_loss_rate(E, B, u_rad)


def steady_state(
    E: ArrayLike, Q: ArrayFunction, B: ArrayLike, E_top: ArrayLike, u_rad: ArrayLike = C.u_cmb
) -> FloatArray:
    """N(E) = (1/b(E)) ∫_E^{E_top} Q(E') dE' [cm^-3 erg^-1].

    Parameters
    ----------
    E : array [erg]
    Q : callable, injection rate per volume and energy [cm^-3 s^-1 erg^-1], vectorised
    B : float or array broadcastable with E [G]
    E_top : float [erg], Q vanishes above it
    """
    E = np.asarray(E, dtype=float)
    lo = np.log(E)
    hi = np.log(np.maximum(E_top, E))
    x, w = _GL
    half = 0.5 * (hi - lo)[..., None]
    lnE = 0.5 * (hi + lo)[..., None] + half * x
    Ep = np.exp(lnE)
    integral = np.sum(Q(Ep) * Ep * w * half, axis=-1)
    return integral / energy_loss_rate(E, B, u_rad)


def G_isotropic(x: ArrayLike) -> FloatArray:
    """The pitch-angle averaged synchrotron kernel G(x) (Aharonian, Kelner & Prosekin 2010, Eq. D7)."""
    x = np.asarray(x, dtype=float)
    x13 = np.cbrt(x)
    x23 = x13 * x13
    return (
        1.808
        * x13
        / np.sqrt(1.0 + 3.4 * x23)
        * (1.0 + 2.21 * x23 + 0.347 * x23 * x23)
        / (1.0 + 1.353 * x23 + 0.217 * x23 * x23)
        * np.exp(-x)
    )


def critical_frequency(E: ArrayLike, B: ArrayLike) -> FloatArray:
    """ν_c = 3 e B γ²/(4π m_e c) [Hz] (for pitch angle 90°)."""
    gamma = np.asarray(E, dtype=float) / C.m_e_c2
    return 3.0 * C.e * B * gamma**2 / (4.0 * np.pi * C.m_e * C.c)


def synchrotron_power(nu: ArrayLike, E: ArrayLike, B: ArrayLike) -> FloatArray:
    """P(ν, E) = √3 e³ B/(m_e c²) G(ν/ν_c) [erg s^-1 Hz^-1], isotropic pitch angles."""
    return (
        np.sqrt(3.0)
        * C.e**3
        * B
        / C.m_e_c2
        * G_isotropic(np.asarray(nu) / critical_frequency(E, B))
    )


def emissivity(
    nu: ArrayLike, N: ArrayFunction, B: float, E_lo: float, E_hi: float, n: int = 128
) -> FloatArray:
    """j_ν = (1/4π) ∫ N(E) P(ν, E) dE [erg s^-1 cm^-3 Hz^-1 sr^-1].

    Parameters
    ----------
    nu : array [Hz]
    N : callable, electron density per energy [cm^-3 erg^-1]
    B : float [G]
    E_lo, E_hi : float [erg], the electron energy range
    """
    nu = np.asarray(nu, dtype=float)
    x, w = np.polynomial.legendre.leggauss(n)
    lo, hi = np.log(E_lo), np.log(E_hi)
    half = 0.5 * (hi - lo)
    E = np.exp(0.5 * (hi + lo) + half * x)
    NE = N(E)
    P = synchrotron_power(nu[..., None], E, B)
    return np.sum(NE * P * E * w * half, axis=-1) / (4.0 * np.pi)
