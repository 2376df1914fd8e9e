"""The galaxy stellar-mass function and the relations that put a CR luminosity on each mass.

The cosmic population of :mod:`crescape.population` is, by default, made of copies of the
Milky Way in number n(z) = ρ_LCR(z)/L_CR,MW. The emission of one halo is not linear in
its L_CR (ṽ_A grows with L_CR) nor in δ_G, so how the CR luminosity density is shared
among galaxies of different mass changes the background. This module gives that share:

* :func:`stellar_mass_function` - the double Schechter fit of Baldry et al. (2012, MNRAS
  421, 621), Eq. 6, with the parameters of their abstract (H_0 = 70 km s⁻¹ Mpc⁻¹, GAMA,
  z < 0.06, valid for 10⁸-10^11.5 M_⊙): M* = 10^10.66 M_⊙, φ*₁ = 3.96e-3 Mpc⁻³,
  α₁ = -0.35, φ*₂ = 0.79e-3 Mpc⁻³, α₂ = -1.47;
* :func:`stellar_mass_density` - its mass integral in closed form (incomplete Γ functions);
* :func:`sfr_mass_slope` - the slope β of the star-forming sequence SFR ∝ M*^β of
  Whitaker et al. (2012, ApJ 754, L29), abstract: β = 0.6 for all star-forming galaxies
  at 0 < z < 2.5, β = 1 for blue galaxies only;
* :func:`cr_luminosity_weights` - the fraction of the CR luminosity density held by each
  mass, w(M) ∝ φ(M) L_CR(M), with L_CR(M) = L_CR,MW (M/M_MW)^β.

The Milky Way anchors the relation: M_MW = 6.08e10 M_⊙ (Licquia & Newman 2015, ApJ 806,
96, abstract: (6.08 ± 1.14) × 10¹⁰ M_⊙), the galaxy of SFR 1.65 M_⊙/yr of
:func:`crescape.galaxies.galaxy` ``("Milky Way")``.

Units: masses in M_⊙ (plain numbers), number densities in Mpc⁻³.

Examples
--------
>>> from crescape import massfunction as mf
>>> round(float(mf.stellar_mass_function(10**10.66).value) * 1e3, 3)  # per dex
4.024
"""

from __future__ import annotations

import math
from typing import Any

import astropy.units as u
import numpy as np
from scipy.special import gamma, gammaincc

from .errors import ParameterError
from .units import parse_quantity

__all__ = [
    "BALDRY12",
    "BALDRY12_RANGE",
    "M_MILKY_WAY",
    "WHITAKER12_SLOPES",
    "stellar_mass_function",
    "stellar_mass_density",
    "sfr_mass_slope",
    "cr_luminosity_weights",
]

#: Baldry et al. (2012, MNRAS 421, 621), abstract and Eq. 6: double Schechter fit of the
#: GAMA z < 0.06 stellar-mass function for H_0 = 70 km/s/Mpc (M_star in M_⊙, phi in Mpc⁻³).
BALDRY12 = {
    "M_star": 10**10.66,
    "phi1": 3.96e-3,
    "alpha1": -0.35,
    "phi2": 0.79e-3,
    "alpha2": -1.47,
}
#: Range of stellar mass over which Baldry et al. (2012) find the fit a good description [M_⊙].
BALDRY12_RANGE = (1e8, 10**11.5)
#: Stellar mass of the Milky Way [M_⊙], Licquia & Newman (2015, ApJ 806, 96), abstract.
M_MILKY_WAY = 6.08e10
#: Slopes β of SFR ∝ M*^β, Whitaker et al. (2012, ApJ 754, L29), abstract.
WHITAKER12_SLOPES = {"star_forming": 0.6, "blue": 1.0}


def _mass(M, name="M"):
    m = np.asarray(parse_quantity(M, u.Msun, name).to_value(u.Msun), dtype=float)
    if not np.all(np.isfinite(m) & (m > 0)):
        raise ParameterError(f"{name} = {M} is not allowed: must be finite and > 0 Msun")
    return m


def _phi_dex(m, p=BALDRY12):
    """dn/dlog10 M [Mpc⁻³ dex⁻¹] of the double Schechter function (cgs-free floats)."""
    x = m / p["M_star"]
    return (
        math.log(10.0)
        * np.exp(-x)
        * (p["phi1"] * x ** (p["alpha1"] + 1.0) + p["phi2"] * x ** (p["alpha2"] + 1.0))
    )


def stellar_mass_function(M: Any) -> u.Quantity:
    """φ(M) = dn/dlog₁₀M = ln10 e^{-M/M*} [φ*₁ (M/M*)^{α₁+1} + φ*₂ (M/M*)^{α₂+1}] [Mpc⁻³ dex⁻¹].

    Baldry et al. (2012, MNRAS 421, 621), Eq. 6 (φ(M) dM = e^{-M/M*} [φ*₁ (M/M*)^α₁ +
    φ*₂ (M/M*)^α₂] dM/M*), per dex of mass, with the parameters :data:`BALDRY12` of their
    abstract. Valid for 10⁸-10^11.5 M_⊙ (:data:`BALDRY12_RANGE`); beyond it the formula
    is an extrapolation. At M = M*: ln10 e⁻¹ (φ*₁ + φ*₂) = 4.024e-3 Mpc⁻³ dex⁻¹.

    Parameters
    ----------
    M : Quantity [mass] or float in M_⊙
    """
    return u.Quantity(_phi_dex(_mass(M)), u.Mpc**-3)


def stellar_mass_density(M_min: Any = BALDRY12_RANGE[0], M_max: Any = np.inf) -> u.Quantity:
    """ρ_* = ∫_{M_min}^{M_max} M φ(M) dM [M_⊙ Mpc⁻³] of :func:`stellar_mass_function`.

    Closed form: Σ_i φ*_i M* [Γ(α_i + 2, M_min/M*) - Γ(α_i + 2, M_max/M*)] with Γ(a, x)
    the upper incomplete gamma function (a = α_i + 2 > 0 for both components).
    """
    lo = float(_mass(M_min, "M_min"))
    hi = math.inf if np.isinf(M_max) else float(_mass(M_max, "M_max"))
    if not lo < hi:
        raise ParameterError(f"M_min, M_max = {M_min}, {M_max} are not allowed: need M_min < M_max")
    p = BALDRY12
    total = 0.0
    for phi, alpha in ((p["phi1"], p["alpha1"]), (p["phi2"], p["alpha2"])):
        a = alpha + 2.0
        up = 0.0 if math.isinf(hi) else gammaincc(a, hi / p["M_star"])
        total += phi * p["M_star"] * gamma(a) * (gammaincc(a, lo / p["M_star"]) - up)
    return u.Quantity(total, u.Msun / u.Mpc**3)


def sfr_mass_slope(relation: str | float = "star_forming") -> float:
    """β of SFR ∝ M*^β: 'star_forming' 0.6, 'blue' 1.0 (Whitaker et al. 2012, abstract), or a number.

    A number must be finite, >= 0 and <= 2.
    """
    if isinstance(relation, str):
        if relation not in WHITAKER12_SLOPES:
            raise ParameterError(
                f"relation = {relation!r} is not allowed: must be one of "
                f"{', '.join(WHITAKER12_SLOPES)} or a number >= 0 and <= 2"
            )
        return WHITAKER12_SLOPES[relation]
    b = float(relation)
    if not (math.isfinite(b) and 0.0 <= b <= 2.0):
        raise ParameterError(f"sfr_mass_slope = {relation} is not allowed: must be >= 0 and <= 2")
    return b


def cr_luminosity_weights(beta: float, n: int = 48, M_range=BALDRY12_RANGE):
    """Mass nodes M_k [M_⊙] and weights w_k = share of the CR luminosity density at M_k.

    w(M) dlnM ∝ φ(M) (M/M_MW)^β dlnM, normalised so that Σ w_k = 1: Gauss-Legendre in
    ln M on ``M_range`` (default the range of validity of Baldry et al. 2012), ``n``
    nodes. L_CR(M) = L_CR,MW (M/M_MW)^β is the CR luminosity of a galaxy of mass M,
    SFR ∝ M^β (Whitaker et al. 2012) and L_CR ∝ SFR (:func:`crescape.galaxies.cr_luminosity_from_sfr`).
    Returns (M, w, L_ratio) with L_ratio = L_CR(M)/L_CR,MW.
    """
    lo, hi = (float(x) for x in M_range)
    if not (0 < lo < hi and math.isfinite(hi)):
        raise ParameterError(f"M_range = {M_range} is not allowed: must be 0 < M_min < M_max < inf")
    x, wq = np.polynomial.legendre.leggauss(int(n))
    a, b = math.log(lo), math.log(hi)
    lnM = 0.5 * (b - a) * x + 0.5 * (b + a)
    M = np.exp(lnM)
    ratio = (M / M_MILKY_WAY) ** float(beta)
    w = 0.5 * (b - a) * wq * _phi_dex(M) / math.log(10.0) * ratio
    return M, w / np.sum(w), ratio
