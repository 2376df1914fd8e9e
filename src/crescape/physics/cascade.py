"""The universal spectrum of an electromagnetic cascade on the cosmic background light.

A γ ray absorbed by pair production on the EBL or the CMB (γγ → e⁺e⁻) hands its energy
to a pair, the pair inverse-Compton (IC) scatters CMB photons up to γ-ray energies, and
those photons above the absorption energy make new pairs. When the cascade has run its
course the photons left over have a spectrum that does not depend on the primaries
(Berezinsky & Smirnov 1975; Berezinsky & Kalashev 2016, PRD 94, 023007,
abstract: E^-2 from the multiplication stage, E^-3/2 from the IC cooling of the pairs at
low energies, the cascade energy ω its only numerical parameter)::

    dN/dE = K (E/E_X)^-3/2     E < E_X
          = K (E/E_X)^-2       E_X <= E <= E_c
          = 0                  E > E_c,

    K = ω / (E_X² (2 + ln(E_c/E_X))),  so that ∫ E dN/dE dE = ω

(the two integrals are 2 K E_X² below E_X and K E_X² ln(E_c/E_X) above).

* E_c is the energy above which cascade photons are absorbed again; it is the caller's
  (:mod:`crescape.population` takes the energy at which the optical depth to Earth is 1).
* E_X is the energy of the IC photons of the pairs made by a photon at E_c: each lepton
  takes ~E_c/2 (Lorentz factor γ = E_c/(2 m_e c²)) and, in the Thomson regime, an IC photon
  carries on average the Thomson loss rate (4/3) σ_T c γ² u over the scattering rate
  σ_T c n (Blumenthal & Gould 1970, Rev. Mod. Phys. 42, 237), i.e. (4/3) γ² ε̄ with ε̄ = u/n
  the mean energy of the target photons. So E_X = (1/3) (E_c/m_e c²)² ε̄(z), with ε̄ the
  mean energy of the CMB at redshift z (:func:`mean_photon_energy`). The equation numbers
  of Berezinsky & Kalashev's E_X were not checked against their text: E_X is derived here,
  and the form of the spectrum is the one their abstract states.

cgs floats (erg), vectorised with numpy broadcasting.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import zeta

from .. import constants as C
from ..errors import ParameterError
from ._typing import ArrayLike, FloatArray

__all__ = [
    "MEAN_PHOTON_ENERGY_FACTOR",
    "mean_photon_energy",
    "break_energy",
    "spectrum",
    "energy_fraction_below",
    "unit_depth_energy",
]

#: ε̄/kT = u/(n kT) = π⁴/(30 ζ(3)) = 2.701 for a blackbody (Planck's law integrated)
MEAN_PHOTON_ENERGY_FACTOR = math.pi**4 / (30.0 * float(zeta(3.0)))


def mean_photon_energy(T: ArrayLike) -> FloatArray:
    """ε̄ = u/n = π⁴/(30 ζ(3)) k T ≈ 2.701 k T [erg]: the mean photon energy of a blackbody.

    u = (π²/15) (kT)⁴/(ħc)³ and n = (2ζ(3)/π²) (kT)³/(ħc)³ (Planck's law integrated). For the
    CMB today (T = 2.7255 K) ε̄ = 6.34e-4 eV.
    """
    return MEAN_PHOTON_ENERGY_FACTOR * C.k_B * np.asarray(T, dtype=float)


def break_energy(E_c: ArrayLike, z: ArrayLike, T0: float = C.T_cmb) -> FloatArray:
    """E_X = (1/3) (E_c/m_e c²)² ε̄(z) [erg]: the IC energy of the pairs made at E_c.

    ε̄(z) = :func:`mean_photon_energy` (T0 (1+z)), the CMB at redshift z. A photon at E_c
    makes a pair of γ = E_c/(2 m_e c²) each, which scatters CMB photons to (4/3) γ² ε̄ on
    average (Thomson regime; Blumenthal & Gould 1970). ``E_c`` [erg] and ``z`` broadcast.
    """
    E = np.asarray(E_c, dtype=float)
    zz = np.asarray(z, dtype=float)
    return (E / C.m_e_c2) ** 2 * mean_photon_energy(T0 * (1.0 + zz)) / 3.0


def _check(omega, E_c, E_X):
    w = np.asarray(omega, dtype=float)
    Ec = np.asarray(E_c, dtype=float)
    EX = np.asarray(E_X, dtype=float)
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise ParameterError(f"omega = {omega} is not allowed: must be finite and >= 0")
    if not np.all(np.isfinite(Ec) & (Ec > 0)):
        raise ParameterError(f"E_c = {E_c} is not allowed: must be finite and > 0")
    if not np.all(np.isfinite(EX) & (EX > 0)):
        raise ParameterError(f"E_X = {E_X} is not allowed: must be finite and > 0")
    return w, Ec, np.minimum(EX, Ec)


def spectrum(E: ArrayLike, omega: ArrayLike, E_c: ArrayLike, E_X: ArrayLike) -> FloatArray:
    """dN/dE of the universal cascade spectrum carrying the energy ω.

    K (E/E_X)^-3/2 below E_X, K (E/E_X)^-2 from E_X to E_c, 0 above, with
    K = ω/(E_X² (2 + ln(E_c/E_X))) (Berezinsky & Smirnov 1975; Berezinsky & Kalashev 2016):
    ∫ E dN/dE dE = ω. E_X above E_c is taken as E_c (the spectrum is then E^-3/2 up to
    E_c). ``omega`` is any energy (erg, or erg per unit time and volume: dN/dE then has the
    same "per"); ``E``, ``E_c``, ``E_X`` [erg] broadcast.
    """
    w, Ec, EX = _check(omega, E_c, E_X)
    x = np.asarray(E, dtype=float) / EX
    K = w / (EX**2 * (2.0 + np.log(Ec / EX)))
    with np.errstate(divide="ignore"):
        shape = np.where(x < 1.0, x**-1.5, x**-2.0)
    return np.where(np.asarray(E, dtype=float) <= Ec, K * shape, 0.0)


def energy_fraction_below(E: ArrayLike, E_c: ArrayLike, E_X: ArrayLike) -> FloatArray:
    """F(E) = ∫_0^E E' dN/dE' dE' / ω: the share of the cascade energy below E.

    2 √(E/E_X)/(2 + L) below E_X, (2 + ln(E/E_X))/(2 + L) from E_X to E_c, 1 above, with
    L = ln(E_c/E_X) (the integrals of :func:`spectrum`). ``E``, ``E_c``, ``E_X`` [erg]
    broadcast.
    """
    _, Ec, EX = _check(0.0, E_c, E_X)
    Ev = np.minimum(np.asarray(E, dtype=float), Ec)
    x = np.maximum(Ev, 0.0) / EX
    total = 2.0 + np.log(Ec / EX)
    with np.errstate(divide="ignore"):
        below = np.where(x < 1.0, 2.0 * np.sqrt(x), 2.0 + np.log(np.maximum(x, 1.0)))
    return below / total


def unit_depth_energy(E: ArrayLike, tau: ArrayLike) -> FloatArray:
    """The lowest energy at which τ reaches 1, along the first axis of ``tau``.

    ``E`` [erg] is increasing, shape (n,); ``tau`` has shape (n, ...). Between the two
    grid points that bracket the first τ >= 1, ln τ is interpolated linearly in ln E
    (exact where τ is a power law). If τ >= 1 at the first point, E[0]; if τ < 1 at every
    point, E[-1] (the grid's top: the caller's choice of grid bounds the result).
    """
    Ev = np.asarray(E, dtype=float)
    t = np.asarray(tau, dtype=float)
    if Ev.ndim != 1 or t.shape[:1] != Ev.shape or Ev.size < 2 or np.any(np.diff(Ev) <= 0):
        raise ParameterError(
            f"E of shape {Ev.shape} is not allowed: must be increasing, with tau of shape "
            f"({Ev.size}, ...); tau has shape {t.shape}"
        )
    above = t >= 1.0
    k = np.argmax(above, axis=0)  # the first node with τ >= 1 (0 if none)
    found = np.any(above, axis=0)
    km = np.maximum(k - 1, 0)
    lnE = np.log(Ev)
    t_lo = np.maximum(np.take_along_axis(t, km[None, ...], axis=0)[0], 1e-300)
    t_hi = np.take_along_axis(t, k[None, ...], axis=0)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(t_lo) / (np.log(t_lo) - np.log(t_hi))  # where ln τ crosses 0
    s = np.clip(np.nan_to_num(s, nan=1.0), 0.0, 1.0)
    lnEc = lnE[km] + s * (lnE[k] - lnE[km])
    out = np.where(k == 0, Ev[0], np.exp(lnEc))
    return np.where(found, out, Ev[-1])
