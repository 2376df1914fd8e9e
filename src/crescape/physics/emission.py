"""The paper's neutrino estimate: Eqs. (16) and (17).

δ-function approximation: a proton of energy E makes ``nu_yield`` neutrinos of
energy E_ν = ηE per inelastic collision, with a constant cross section σ_pp.
The full pp spectra are in :mod:`crescape.physics.pp`.
cgs floats or arrays in, cgs out (intensities in erg cm^-2 s^-1 sr^-1).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, FloatArray

__all__ = [
    "geometric_factor_paper",
    "neutrino_E2_flux_column",
    "neutrino_E2_flux_eq16",
    "neutrino_E2_flux_eq17",
    "profile_column",
]


def geometric_factor_paper(R_d: ArrayLike) -> FloatArray:
    """The line-of-sight factor of Eq. (16), R_d/(2π) [cm sr^-1].

    The intensity is the emissivity times this length per steradian.
    """
    return R_d / (2.0 * np.pi)


def neutrino_E2_flux_eq16(
    E2phi_parent: ArrayLike,
    v_A: ArrayLike,
    n_gas: ArrayLike,
    R_d: ArrayLike,
    eta: ArrayLike,
    sigma_pp: ArrayLike,
    nu_yield: ArrayLike = 1.0,
) -> FloatArray:
    """Eq. (16): E_ν² F_ν(E_ν) [erg cm^-2 s^-1 sr^-1] in the δ-function approximation.

    Parameters
    ----------
    E2phi_parent : E²φ_CR(E) at the parent energy E = E_ν/η [erg cm^-2 s^-1]
    v_A : the advection speed ṽ_A [cm/s] (the CR density is φ/ṽ_A, Eq. 15)
    n_gas : gas number density [cm^-3]
    R_d : disk radius [cm] (geometric factor R_d/2π)
    eta : E_ν/E
    sigma_pp : inelastic cross section [cm²]
    nu_yield : neutrinos of energy ηE per collision (the paper's Eq. 16 has 1)

    Notes
    -----
    E_ν² F = (φ/ṽ_A)(E_ν²/E²)(dE/dE_ν) E² · n_gas c σ_pp R_d/(2π); with E_ν = ηE,
    (E_ν²/E²)(dE/dE_ν) = η.
    """
    return neutrino_E2_flux_column(
        E2phi_parent, n_gas / v_A * geometric_factor_paper(R_d), eta, sigma_pp, nu_yield
    )


def neutrino_E2_flux_column(
    E2phi_parent: ArrayLike,
    column: ArrayLike,
    eta: ArrayLike,
    sigma_pp: ArrayLike,
    nu_yield: ArrayLike = 1.0,
) -> FloatArray:
    """Eq. (16) with its line of sight written out: E_ν² F_ν = ν η E²φ c σ_pp X [erg cm^-2 s^-1 sr^-1].

    ``column`` X [s cm^-3 sr^-1] is the sky-averaged column of n_gas/ṽ_A per steradian
    along the line of sight: n_gas R_d/(2π ṽ_A) in the paper's Eq. (16)
    (:func:`neutrino_E2_flux_eq16`), :func:`profile_column` for a radial profile.
    """
    return nu_yield * eta * E2phi_parent * C.c * sigma_pp * column


def profile_column(
    n_over_vA: Callable[[np.ndarray], np.ndarray],
    R_d: float,
    R_out: float | None = None,
    R_sun: float | None = None,
    n_dir: int = 48,
    kappa: ArrayLike | None = None,
) -> FloatArray:
    """X = (1/4π)·(1/4π)∫dΩ∫ds f(r) n(r)/ṽ_A(r) [s cm^-3 sr^-1]: the column of Eq. (16) for a profile.

    Parameters
    ----------
    n_over_vA : callable
        n_gas(r)/ṽ_A(r) [s cm^-4] at radii r [cm] (an array); may return r.shape + (n,).
    R_d, R_out, R_sun : float [cm]
        The geometry of :class:`crescape.physics.cgm_source.HaloGeometry` (the CR density
        falls as f(r) = (R_d/r)² beyond R_d, none beyond R_out = 10 R_d by default; the
        observer at R_sun = 8.178 kpc).
    n_dir : int
        Directions of the sky quadrature (:func:`crescape.physics.cgm_source.los_nodes`).
    kappa : array (n,) or None
        Absorption coefficient [cm^-1] for each of the n quantities: the integrand is
        multiplied by e^{-κ s} at the path length s from the observer (γ rays on the CMB).

    Any radial integrand can be given in place of n/ṽ_A (e.g. a ratio to a uniform CGM);
    the result is then in its units times cm sr^-1.

    Notes
    -----
    For a uniform n/ṽ_A this is (n/ṽ_A) L_eff/(4π), L_eff the sky-averaged path of
    :func:`crescape.physics.cgm_source.effective_path_length`; the paper's R_d/(2π)
    corresponds to L_eff = 2R_d.
    """
    from .cgm_source import R_SUN, HaloGeometry, los_nodes

    geom = HaloGeometry(float(R_d), R_out, float(R_SUN if R_sun is None else R_sun))
    s, r, w = los_nodes(geom, n_dir)
    g = np.asarray(n_over_vA(r.ravel()), dtype=float)
    g = g.reshape(r.size, -1) * (geom.profile(r.ravel()) * w.ravel())[:, None]
    if kappa is not None:
        g = g * np.exp(-np.atleast_1d(np.asarray(kappa, dtype=float))[None, :] * s.ravel()[:, None])
    out = g.sum(axis=0) / (4.0 * np.pi) ** 2
    return out[0] if out.size == 1 else out


def neutrino_E2_flux_eq17(
    L_CR: ArrayLike,
    Lambda: ArrayLike,
    rho: ArrayLike,
    eta: ArrayLike,
    sigma_pp: ArrayLike,
    nu_yield: ArrayLike = 1.0,
) -> FloatArray:
    """Eq. (17): E_ν² F_ν ≈ (L/Λ)^{1/2} (c ρ/2π)^{3/2} η σ_pp/m_p [erg cm^-2 s^-1 sr^-1].

    Eq. (16) with ṽ_A in the saturated field of Eq. (8), for s = 2 (flat in E_ν);
    R_d cancels. ≈ 5e-12 δ_G^{3/2} GeV cm^-2 s^-1 sr^-1 at the paper's parameters.
    ``Lambda`` is the effective logarithm L/(2πR_d² E²φ) (= ln(E_max/E_min) for s = 2).
    """
    return (
        nu_yield
        * np.sqrt(L_CR / Lambda)
        * (C.c * rho / (2.0 * np.pi)) ** 1.5
        * eta
        * sigma_pp
        / C.m_p
    )
