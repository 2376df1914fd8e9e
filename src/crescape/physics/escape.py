"""Cosmic rays in the Galaxy and their escape: Eqs. (1)-(3) of Blasi & Amato (2019).

All inputs and outputs are cgs floats or arrays (energies in erg, lengths in
cm). Public Quantity twins are in :mod:`crescape.formulary`.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, Cutoff, FloatArray
from .spectrum import energy_norm, integral_shape, spectral_shape

__all__ = [
    "injection_rate",
    "galactic_diffusion",
    "n_gal",
    "n_halo",
    "escape_flux",
    "escape_energy_flux",
    "current_above",
    "current_paper",
    "n_ballistic",
]


def injection_rate(
    E: ArrayLike,
    L_CR: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """Q_CR(E) = L_CR E^-s / Λ_s: particles injected per unit energy and time [erg^-1 s^-1].

    Notes
    -----
    Eq. (3): a luminosity L_CR in a spectrum ∝ E^-s between E_min and E_max,
    with Λ_s = ∫ E^(1-s) dE (= ln(E_max/E_min) for s = 2). ``E_break``,
    ``slope_high``: the optional break of :mod:`crescape.physics.spectrum`
    (E^-s below E_break, E_break^(s₂-s) E^-s₂ above; default none), which every
    function of this module passes on.
    """
    return (
        L_CR
        * spectral_shape(E, slope, E_min, E_max, cutoff, E_break, slope_high)
        / energy_norm(slope, E_min, E_max, cutoff, E_break, slope_high)
    )


def galactic_diffusion(
    E: ArrayLike, D_gal: ArrayLike, D_gal_slope: ArrayLike, E_D: ArrayLike
) -> FloatArray:
    """D(E) = D_gal (E/E_D)^δ, the diffusion coefficient inside the halo [cm^2 s^-1] (Eq. 1)."""
    return D_gal * (np.asarray(E, dtype=float) / E_D) ** D_gal_slope


def n_gal(
    E: ArrayLike,
    L_CR: ArrayLike,
    R_d: ArrayLike,
    H: ArrayLike,
    D: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """Eq. (1): CR density in the disk, n_gal = Q_CR/(2π R_d²) · H/D [cm^-3 erg^-1].

    Parameters
    ----------
    E : energy [erg]; L_CR [erg/s]; R_d, H [cm]; D : Galactic D(E) [cm^2/s]
    """
    Q = injection_rate(E, L_CR, slope, E_min, E_max, cutoff, E_break, slope_high)
    return Q / (2.0 * np.pi * R_d**2) * H / D


def n_halo(
    z: ArrayLike,
    E: ArrayLike,
    L_CR: ArrayLike,
    R_d: ArrayLike,
    H: ArrayLike,
    D: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """Eq. (2): n_CR(z, E) = n_gal(E)(1 - |z|/H) for |z| <= H, zero beyond [cm^-3 erg^-1]."""
    profile = np.clip(1.0 - np.abs(np.asarray(z, dtype=float)) / H, 0.0, None)
    return n_gal(E, L_CR, R_d, H, D, slope, E_min, E_max, cutoff, E_break, slope_high) * profile


def escape_flux(
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
    """Eq. (3): φ_CR(E) = L_CR E^-s / (2π R_d² Λ_s) [cm^-2 s^-1 erg^-1].

    The flux through the halo boundary per unit energy. It equals D n_gal/H
    for any D and H: the escaping spectrum is the injected one.
    """
    return injection_rate(E, L_CR, slope, E_min, E_max, cutoff, E_break, slope_high) / (
        2.0 * np.pi * R_d**2
    )


def escape_energy_flux(
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
    """E² φ_CR(E), the energy flux per logarithmic energy interval [erg cm^-2 s^-1] (Eqs. 3, 4).

    For s = 2 it is L_CR/(2π R_d² Λ), independent of E.
    """
    E = np.asarray(E, dtype=float)
    return E**2 * escape_flux(E, L_CR, R_d, slope, E_min, E_max, cutoff, E_break, slope_high)


def current_above(
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
    """J(>E) = e ∫_E φ_CR(E') dE', the electric current of CRs above E [statA cm^-2].

    Notes
    -----
    The exact current of Eq. (3)'s flux. For s = 2 and a sharp cutoff it is
    e L/(2π R_d² Λ) (1/E - 1/E_max), which the paper approximates by e E φ(E)
    (see :func:`current_paper`).
    """
    norm = L_CR / (
        2.0 * np.pi * R_d**2 * energy_norm(slope, E_min, E_max, cutoff, E_break, slope_high)
    )
    return C.e * norm * integral_shape(E, slope, E_min, E_max, cutoff, E_break, slope_high)


def current_paper(
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
    """The paper's current J_CR = e E φ_CR(E) [statA cm^-2] (text before Eq. 4).

    Exact for s = 2 when E ≪ E_max; for s ≠ 2 the exact current is
    e E φ/(s-1) (see :func:`current_above`).
    """
    E = np.asarray(E, dtype=float)
    return C.e * E * escape_flux(E, L_CR, R_d, slope, E_min, E_max, cutoff, E_break, slope_high)


def n_ballistic(phi: ArrayLike) -> FloatArray:
    """Density of CRs streaming ballistically out of the halo, n = 3φ/c [cm^-3 erg^-1].

    Notes
    -----
    The paper's estimate from flux conservation, D ∇n = (c/3) n_out
    (Introduction, and n_CR,ext = 3φ/c after Eq. 3). For a beam moving
    radially at c the density would be φ/c.
    """
    return 3.0 * np.asarray(phi, dtype=float) / C.c
