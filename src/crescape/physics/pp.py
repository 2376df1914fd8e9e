"""Secondary γ, e± and neutrinos from inelastic proton-proton collisions.

The spectra follow Kelner, Aharonian & Bugayov (2006), PRD 74, 034018
(hereafter KAB06; erratum PRD 79, 039901):

* above the transition energy (secondary energy >= ``E_TRANSITION`` = 0.1 TeV)
  the analytic fits F_γ (KAB06 Eq. 58), F_e (Eq. 62), F_νμ^(1) (Eq. 66) and
  F_νμ^(2) ≈ F_νe ≈ F_e (text after Eq. 66) are folded with the proton
  spectrum (KAB06 Eqs. 71-72);
* below it the δ-function approximation for the pion production rate
  (KAB06 Eq. 77, K_π = 0.17) is used, with the γ spectrum of KAB06 Eq. 78
  and, for the leptons, the pion → muon → lepton decay distributions of KAB06
  Eqs. 36-39. The free parameter ñ of Eq. 77 is fixed, as KAB06 prescribe, by
  continuity with the full spectrum at the transition energy; it is computed
  for each species and proton spectrum.

All spectra count particles and antiparticles together (F_e describes e⁺ + e⁻,
F_νe describes ν_e + ν̄_e, and ν_μ is F_νμ^(1) + F_νμ^(2)).

Everything is in cgs (energies in erg, densities in cm^-3, emissivities in
cm^-3 s^-1 erg^-1) and vectorised: every integral is a fixed Gauss-Legendre
rule evaluated on an (energies × nodes) array, no adaptive quadrature.

The proton spectrum is passed as a callable ``J(E_p)`` [cm^-3 erg^-1] of the
total proton energy, plus the energy ``E_p_max`` above which it vanishes (the
sharp cutoff, or a number of e-folds above an exponential cutoff), so that the
rules never straddle a discontinuity.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayFunction, ArrayLike, Cutoff, FloatArray, SigmaModel, Species

__all__ = [
    "SPECIES",
    "E_TRANSITION",
    "K_PI",
    "sigma_inel_kab06",
    "sigma_inel_kafexhiu14",
    "sigma_inel",
    "F_gamma",
    "F_electron",
    "F_numu1",
    "F_secondary",
    "pion_decay_lepton_distribution",
    "energy_fraction",
    "emissivity_full",
    "emissivity_delta",
    "emissivity",
    "nuclear_enhancement",
    "power_law_protons",
]

#: species understood by :func:`emissivity` (particles + antiparticles)
SPECIES = ("gamma", "e", "nu_mu", "nu_e", "nu_mu1", "nu_mu2")

#: transition between the δ-approximation and the full KAB06 spectra (KAB06 Sec. IV)
E_TRANSITION = 0.1 * C.TeV
#: fraction of the proton kinetic energy per produced pion, δ-approximation (KAB06 Eq. 77)
K_PI = 0.17
#: neutral and charged pion rest energies [erg] (PDG)
M_PI0_C2 = 134.9768e6 * C.eV
M_PIC_C2 = 139.57039e6 * C.eV
M_MU_C2 = 105.6583755e6 * C.eV
#: r = (m_μ/m_π)², the muon-energy fraction lower limit in π → μν (KAB06 Eq. 36)
R_MU_PI = (M_MU_C2 / M_PIC_C2) ** 2
#: kinematic threshold (total energy) of pp → pp π⁰: s = (2m_p + m_π)², i.e.
#: E_th = m_p + 2m_π + m_π²/(2m_p) = 1.21793 GeV with the PDG masses
E_TH_PI0 = C.m_p_c2 + 2.0 * M_PI0_C2 + M_PI0_C2**2 / (2.0 * C.m_p_c2)
#: the threshold of KAB06 Eq. 79 as published, E_th = 1.22 GeV (the same expression rounded;
#: naima's ``PionDecayKelner06`` uses 1.22 GeV too). σ_inel with :data:`E_TH_PI0` instead is
#: higher by 1.05% at E_p = 1.5 GeV, 0.22% at 2 GeV and 0.005% at 5 GeV.
E_TH_KAB06 = 1.22 * C.GeV
#: Kafexhiu et al. (2014) Eq. 1 threshold kinetic energy T_th = 2m_π + m_π²/(2m_p) ≈ 0.2797 GeV
T_TH_KAF14 = E_TH_PI0 - C.m_p_c2
#: upper end of the F_νμ^(1) support, x <= 0.427 (KAB06 Eq. 66)
X_NUMU1_MAX = 0.427

# Gauss-Legendre rules on [-1, 1]
_GL64 = np.polynomial.legendre.leggauss(64)
_GL48 = np.polynomial.legendre.leggauss(48)
#: smallest x = E/E_p kept in the full-spectrum integral. KAB06 fit F_γ for x >= 1e-3;
#: the integrand below is kept (the fits extrapolate smoothly) but is negligible
#: for spectra softer than E^-1.5.
X_MIN = 1e-5


def _gl_nodes(a, b, rule=_GL64):
    """Nodes and weights of a Gauss-Legendre rule on [a, b] (broadcasting over a, b)."""
    x, w = rule
    a = np.asarray(a, dtype=float)[..., None]
    b = np.asarray(b, dtype=float)[..., None]
    half = 0.5 * (b - a)
    return a + half * (x + 1.0), half * w


def _gl_nodes_split(a, b, m, rule=_GL64):
    """:func:`_gl_nodes` on [a, b], or on [a, m] and [m, b] (m clipped to [a, b]) when ``m`` is
    given: a kink of the integrand at m (the break of a broken power law) is then a node
    boundary, and each half is integrated as a smooth function."""
    if m is None:
        return _gl_nodes(a, b, rule)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    m = np.clip(np.asarray(m, dtype=float), a, b)
    x1, w1 = _gl_nodes(a, m, rule)
    x2, w2 = _gl_nodes(m, b, rule)
    return np.concatenate([x1, x2], axis=-1), np.concatenate([w1, w2], axis=-1)


# ---------------------------------------------------------------------------------------------
# inelastic cross sections
# ---------------------------------------------------------------------------------------------
def sigma_inel_kab06(E_p: ArrayLike, E_th: float = E_TH_KAB06) -> FloatArray:
    """Inelastic pp cross section of KAB06 Eq. 79 [cm²].

    σ_inel = (34.3 + 1.88 L + 0.25 L²) [1 - (E_th/E_p)^4]² mb, L = ln(E_p/1 TeV),
    zero below threshold.

    Parameters
    ----------
    E_p : array [erg]
        Total proton energy.
    E_th : float [erg]
        Threshold energy: :data:`E_TH_KAB06` = 1.22 GeV as published (default), or
        :data:`E_TH_PI0` = 1.21793 GeV, the exact π⁰ threshold that KAB06 round
        (model ``'KAB06-kinematic'`` of :func:`sigma_inel`).
    """
    E_p = np.asarray(E_p, dtype=float)
    L = np.log(np.maximum(E_p, 1e-300) / C.TeV)
    thr = np.clip(1.0 - (E_th / np.maximum(E_p, 1e-300)) ** 4, 0.0, None)
    return np.where(E_p > E_th, (34.3 + 1.88 * L + 0.25 * L**2) * thr**2, 0.0) * C.mb


def sigma_inel_kafexhiu14(E_p: ArrayLike) -> FloatArray:
    """Inelastic pp cross section of Kafexhiu et al. (2014), PRD 90, 123014, Eq. 1 [cm²].

    σ_inel = [30.7 - 0.96 ln(T_p/T_th) + 0.18 ln²(T_p/T_th)] [1 - (T_p/T_th)^{-1.9}]³ mb,
    T_p = E_p - m_p c² the kinetic energy, T_th = 2m_π + m_π²/(2m_p) ≈ 0.2797 GeV.

    Parameters
    ----------
    E_p : array [erg]
        Total proton energy.
    """
    E_p = np.asarray(E_p, dtype=float)
    T = E_p - C.m_p_c2
    x = np.maximum(T, 1e-300) / T_TH_KAF14
    lx = np.log(x)
    val = (30.7 - 0.96 * lx + 0.18 * lx**2) * np.clip(1.0 - x ** (-1.9), 0.0, None) ** 3
    return np.where(x > 1.0, val, 0.0) * C.mb


_SIGMA = {
    "KAB06": sigma_inel_kab06,
    "KAB06-kinematic": lambda E_p: sigma_inel_kab06(E_p, E_TH_PI0),
    "Kafexhiu14": sigma_inel_kafexhiu14,
}


def sigma_inel(E_p: ArrayLike, model: SigmaModel = "KAB06") -> FloatArray:
    """The inelastic pp cross section [cm²].

    ``model`` is 'KAB06' (KAB06 Eq. 79 with the published E_th = 1.22 GeV),
    'KAB06-kinematic' (the same with the exact π⁰ threshold :data:`E_TH_PI0`) or
    'Kafexhiu14' (Kafexhiu et al. 2014, Eq. 1).

    Raises
    ------
    ValueError
        For an unknown model.
    """
    try:
        func = _SIGMA[model]
    except KeyError:
        raise ValueError(
            f"sigma_model = {model!r} is not allowed: must be one of {', '.join(map(repr, _SIGMA))}"
        ) from None
    return func(E_p)


# ---------------------------------------------------------------------------------------------
# KAB06 analytic fits (valid for E_p >= 0.1 TeV, x >= 1e-3)
# ---------------------------------------------------------------------------------------------
def _F_gamma_like(y, B, beta, k):
    """The common shape of KAB06 Eqs. 58 and 66 in the variable y (0 < y < 1)."""
    ln_y = np.log(y)
    yb = y**beta
    den = 1.0 + k * yb * (1.0 - yb)
    bracket = (
        1.0 / ln_y - 4.0 * beta * yb / (1.0 - yb) - 4.0 * k * beta * yb * (1.0 - 2.0 * yb) / den
    )
    return B * ln_y / y * ((1.0 - yb) / den) ** 4 * bracket


def F_gamma(x: ArrayLike, E_p: ArrayLike) -> FloatArray:
    """KAB06 Eq. 58: photons per ln... per unit x = E_γ/E_p per collision, dN/dx.

    F_γ(x, E_p) = B_γ (ln x / x) [(1 - x^β)/(1 + k x^β(1 - x^β))]^4
    × [1/ln x - 4βx^β/(1 - x^β) - 4kβx^β(1 - 2x^β)/(1 + kx^β(1 - x^β))],
    with L = ln(E_p/1 TeV), B_γ = 1.30 + 0.14L + 0.011L², β_γ = 1/(1.79 + 0.11L + 0.008L²),
    k_γ = 1/(0.801 + 0.049L + 0.014L²) (KAB06 Eqs. 59-61).

    Parameters
    ----------
    x : array, 0 < x < 1
    E_p : array [erg]
    """
    x = np.asarray(x, dtype=float)
    L = np.log(np.asarray(E_p, dtype=float) / C.TeV)
    B = 1.30 + 0.14 * L + 0.011 * L**2
    beta = 1.0 / (1.79 + 0.11 * L + 0.008 * L**2)
    k = 1.0 / (0.801 + 0.049 * L + 0.014 * L**2)
    ok = (x > 0.0) & (x < 1.0)
    xs = np.where(ok, x, 0.5)
    return np.where(ok, _F_gamma_like(xs, B, beta, k), 0.0)


def F_electron(x: ArrayLike, E_p: ArrayLike) -> FloatArray:
    """KAB06 Eq. 62: e⁺ + e⁻ per unit x = E_e/E_p per collision.

    F_e = B_e (1 + k_e ln²x)³ / (x (1 + 0.3/x^β_e)) (-ln x)^5, with
    B_e = 1/(69.5 + 2.65L + 0.3L²), β_e = (0.201 + 0.062L + 0.00042L²)^{-1/4},
    k_e = (0.279 + 0.141L + 0.0172L²)/(0.3 + (2.3 + L)²) (KAB06 Eqs. 63-65).
    KAB06 state that F_νe ≈ F_e and F_νμ^(2) ≈ F_e to within a few per cent.
    """
    x = np.asarray(x, dtype=float)
    L = np.log(np.asarray(E_p, dtype=float) / C.TeV)
    B = 1.0 / (69.5 + 2.65 * L + 0.3 * L**2)
    beta = (0.201 + 0.062 * L + 0.00042 * L**2) ** -0.25
    k = (0.279 + 0.141 * L + 0.0172 * L**2) / (0.3 + (2.3 + L) ** 2)
    ok = (x > 0.0) & (x < 1.0)
    xs = np.where(ok, x, 0.5)
    lx = np.log(xs)
    val = B * (1.0 + k * lx**2) ** 3 / (xs * (1.0 + 0.3 / xs**beta)) * (-lx) ** 5
    return np.where(ok, val, 0.0)


def F_numu1(x: ArrayLike, E_p: ArrayLike) -> FloatArray:
    """KAB06 Eq. 66: ν_μ + ν̄_μ from the direct decay π → μν_μ, per unit x = E_ν/E_p.

    The shape of Eq. 58 in y = x/0.427 (zero for x > 0.427), with
    B' = 1.75 + 0.204L + 0.010L², β' = 1/(1.67 + 0.111L + 0.0038L²),
    k' = 1.07 - 0.086L + 0.002L² (KAB06 Eqs. 67-69).
    """
    x = np.asarray(x, dtype=float)
    L = np.log(np.asarray(E_p, dtype=float) / C.TeV)
    B = 1.75 + 0.204 * L + 0.010 * L**2
    beta = 1.0 / (1.67 + 0.111 * L + 0.0038 * L**2)
    k = 1.07 - 0.086 * L + 0.002 * L**2
    y = x / X_NUMU1_MAX
    ok = (y > 0.0) & (y < 1.0)
    ys = np.where(ok, y, 0.5)
    # dN/dx = (dN/dy)/0.427: KAB06 write Eq. 66 directly as F(x) with y = x/0.427 and no
    # Jacobian; we keep their normalisation (it is what their energy fractions use).
    return np.where(ok, _F_gamma_like(ys, B, beta, k), 0.0)


def F_secondary(x: ArrayLike, E_p: ArrayLike, species: Species) -> FloatArray:
    """dN/dx per collision for ``species`` in :data:`SPECIES` (KAB06 Eqs. 58, 62, 66)."""
    if species == "gamma":
        return F_gamma(x, E_p)
    if species in ("e", "nu_e", "nu_mu2"):
        return F_electron(x, E_p)
    if species == "nu_mu1":
        return F_numu1(x, E_p)
    if species == "nu_mu":
        return F_numu1(x, E_p) + F_electron(x, E_p)
    raise ValueError(f"species = {species!r} is not allowed: must be one of {', '.join(SPECIES)}")


def energy_fraction(E_p: ArrayLike, species: Species, n: int = 400) -> FloatArray:
    """∫ x F(x, E_p) dx: the fraction of E_p given to ``species`` per inelastic collision.

    Notes
    -----
    Computed with a Gauss-Legendre rule in ln x over [1e-5, 1] (KAB06 Sec. IV
    discuss these fractions). Vectorised over E_p.
    """
    E_p = np.asarray(E_p, dtype=float)
    rule = np.polynomial.legendre.leggauss(n)
    top = 0.0 if species != "nu_mu1" else np.log(X_NUMU1_MAX)
    lnx, w = _gl_nodes(np.log(X_MIN), top, rule)
    x = np.exp(lnx)
    tot = np.sum(x * x * F_secondary(x, E_p[..., None], species) * w, axis=-1)
    if species == "nu_mu":
        return energy_fraction(E_p, "nu_mu1", n) + energy_fraction(E_p, "nu_mu2", n)
    return tot


# ---------------------------------------------------------------------------------------------
# pion -> lepton decay distributions for the δ-approximation (KAB06 Eqs. 36-39)
# ---------------------------------------------------------------------------------------------
def pion_decay_lepton_distribution(
    x: ArrayLike, species: Species, r: float = R_MU_PI
) -> FloatArray:
    """Distribution dN/dx of a lepton of energy x E_π from one ultrarelativistic π± decay chain.

    KAB06 Eqs. 36-39 (decay π → μν_μ, μ → eν_eν_μ with the muon polarisation):

    * ``nu_mu1``: f = 1/(1 - r) for x < 1 - r (π → μν_μ);
    * ``nu_mu2`` and ``e``: f = g_νμ(x) for x > r, h⁽¹⁾_νμ + h⁽²⁾_νμ for x < r, with
      g_νμ = (3 - 2r)/(9(1-r)²) (9x² - 6 ln x - 4x³ - 5),
      h⁽¹⁾ = (3 - 2r)/(9(1-r)²)(9r² - 6 ln r - 4r³ - 5),
      h⁽²⁾ = (1 + 2r)(r - x)/(9r²) [9(r + x) - 4(r² + rx + x²)];
      KAB06 note f_e = f_νμ^(2) (identical spectra in μ decay);
    * ``nu_e``: g_νe = 2/(3(1-r)²) [(1 - x)(6(1-x)² + r(5 + 5x - 4x²)) + 6r ln x] for x > r,
      h⁽¹⁾ = 2/(3(1-r)²)[(1 - r)(6 - 7r + 11r² - 4r³) + 6r ln r],
      h⁽²⁾ = 2(r - x)/(3r²)(7r² - 4r³ + 7xr - 4xr² - 2x² - 4x²r) for x < r;
    * ``nu_mu``: nu_mu1 + nu_mu2.

    Each of these is normalised to one particle per decay chain
    (tests/physics/test_pp.py checks it and the energy sum (1 + r)/2 + (1 - r)/2 = 1).
    """
    x = np.asarray(x, dtype=float)
    ok = (x > 0.0) & (x < 1.0)
    xs = np.where(ok, x, 0.5)
    if species == "nu_mu1":
        return np.where(ok & (xs < 1.0 - r), 1.0 / (1.0 - r), 0.0)
    if species == "nu_mu":
        return pion_decay_lepton_distribution(x, "nu_mu1", r) + pion_decay_lepton_distribution(
            x, "nu_mu2", r
        )
    above = xs > r
    xa = np.where(above, xs, r)  # x > r branch
    xb = np.where(above, r, xs)  # x < r branch
    if species in ("nu_mu2", "e"):
        a = (3.0 - 2.0 * r) / (9.0 * (1.0 - r) ** 2)
        g = a * (9.0 * xa**2 - 6.0 * np.log(xa) - 4.0 * xa**3 - 5.0)
        h1 = a * (9.0 * r**2 - 6.0 * np.log(r) - 4.0 * r**3 - 5.0)
        h2 = (
            (1.0 + 2.0 * r)
            * (r - xb)
            / (9.0 * r**2)
            * (9.0 * (r + xb) - 4.0 * (r**2 + r * xb + xb**2))
        )
    elif species == "nu_e":
        a = 2.0 / (3.0 * (1.0 - r) ** 2)
        g = a * (
            (1.0 - xa) * (6.0 * (1.0 - xa) ** 2 + r * (5.0 + 5.0 * xa - 4.0 * xa**2))
            + 6.0 * r * np.log(xa)
        )
        h1 = a * ((1.0 - r) * (6.0 - 7.0 * r + 11.0 * r**2 - 4.0 * r**3) + 6.0 * r * np.log(r))
        h2 = (
            2.0
            * (r - xb)
            / (3.0 * r**2)
            * (
                7.0 * r**2
                - 4.0 * r**3
                + 7.0 * xb * r
                - 4.0 * xb * r**2
                - 2.0 * xb**2
                - 4.0 * xb**2 * r
            )
        )
    else:
        raise ValueError(
            f"species = {species!r} is not allowed for a pion decay: must be one of "
            "'nu_mu1', 'nu_mu2', 'nu_mu', 'nu_e', 'e'"
        )
    return np.where(ok, np.where(above, g, h1 + h2), 0.0)


# ---------------------------------------------------------------------------------------------
# emissivities
# ---------------------------------------------------------------------------------------------
def _check_species(species):
    if species not in SPECIES:
        raise ValueError(
            f"species = {species!r} is not allowed: must be one of {', '.join(SPECIES)}"
        )


def emissivity_full(
    E: ArrayLike,
    J: ArrayFunction,
    n_H: float,
    species: Species,
    E_p_max: float = np.inf,
    sigma_model: SigmaModel = "KAB06",
    E_p_break: float = np.inf,
) -> FloatArray:
    """KAB06 Eqs. 71-72: the production rate per volume above the transition [cm^-3 s^-1 erg^-1].

    Φ(E) = c n_H ∫_0^1 σ_inel(E/x) J(E/x) F(x, E/x) dx/x,

    evaluated with a 64-node Gauss-Legendre rule in ln x on [max(X_MIN, E/E_p_max), x_top]
    (x_top = 1, or 0.427 for ν_μ^(1)).

    Parameters
    ----------
    E : array [erg]
        Secondary energies (meaningful for E >= 0.1 TeV, where E_p >= 0.1 TeV).
    J : callable
        Proton density per unit total energy, J(E_p) [cm^-3 erg^-1], vectorised.
    n_H : float [cm^-3]
        Target proton density.
    species : str
        One of :data:`SPECIES`.
    E_p_max : float [erg]
        J vanishes above this energy.
    sigma_model : {'KAB06', 'KAB06-kinematic', 'Kafexhiu14'}
    E_p_break : float [erg]
        A kink of J (the break of a broken power law; default inf, none): the rule is
        split at x = E/E_p_break into two 64-node rules, so that each part is smooth.
    """
    _check_species(species)
    if species == "nu_mu":
        return emissivity_full(
            E, J, n_H, "nu_mu1", E_p_max, sigma_model, E_p_break
        ) + emissivity_full(E, J, n_H, "nu_mu2", E_p_max, sigma_model, E_p_break)
    E = np.asarray(E, dtype=float)
    top = np.log(X_NUMU1_MAX) if species == "nu_mu1" else 0.0
    lo = np.log(np.maximum(X_MIN, E / E_p_max))
    lo = np.minimum(lo, top)
    split = np.log(E / E_p_break) if np.isfinite(E_p_break) else None
    lnx, w = _gl_nodes_split(lo, np.full_like(lo, top), split)
    x = np.exp(lnx)
    Ep = E[..., None] / x
    integrand = sigma_inel(Ep, sigma_model) * J(Ep) * F_secondary(x, Ep, species)
    # dx/x = d ln x
    return C.c * n_H * np.sum(integrand * w, axis=-1)


def _pion_rate(E_pi, J, n_H, sigma_model):
    """KAB06 Eq. 77 with ñ = 1: q_π(E_π) = (c n_H/K_π) σ(E_p) J(E_p), E_p = m_p + E_π/K_π."""
    Ep = C.m_p_c2 + E_pi / K_PI
    return C.c * n_H / K_PI * sigma_inel(Ep, sigma_model) * J(Ep)


def emissivity_delta(
    E: ArrayLike,
    J: ArrayFunction,
    n_H: float,
    species: Species,
    E_p_max: float = np.inf,
    sigma_model: SigmaModel = "KAB06",
    n_tilde: ArrayLike = 1.0,
    E_p_break: float = np.inf,
) -> FloatArray:
    """The δ-function approximation of KAB06 Eqs. 77-78 [cm^-3 s^-1 erg^-1].

    γ rays (KAB06 Eq. 78)::

        Φ_γ(E) = 2 ∫_{E_min}^∞ q_π(E_π)/√(E_π² - m_π²) dE_π,  E_min = E + m_π²/(4E),

    computed in t = √(E_π² - m_π²), dE_π/t = dt/E_π, which removes the end-point singularity.

    Leptons (the same pion rate, charged pions twice as many as neutral ones by isospin,
    and the decay distributions of :func:`pion_decay_lepton_distribution`)::

        Φ_ℓ(E) = 2 ∫_E^∞ q_π(E_π) f_ℓ(E/E_π) dE_π/E_π.

    q_π = ñ (c n_H/K_π) σ_inel(m_p + E_π/K_π) J(m_p + E_π/K_π) (KAB06 Eq. 77).

    ``E_p_break`` (default inf, none): a kink of J, at which every rule is split
    (E_π = K_π (E_p_break - m_p c²)), so that each part is smooth.
    """
    _check_species(species)
    E = np.asarray(E, dtype=float)
    E_pi_max = K_PI * max(E_p_max - C.m_p_c2, 0.0) if np.isfinite(E_p_max) else 1e12 * C.PeV
    E_pi_b = K_PI * max(E_p_break - C.m_p_c2, 0.0) if np.isfinite(E_p_break) else None
    if species == "gamma":
        E_min = E + M_PI0_C2**2 / (4.0 * E)
        t_lo = np.sqrt(np.maximum(E_min**2 - M_PI0_C2**2, 1e-300))
        t_hi = np.sqrt(max(E_pi_max**2 - M_PI0_C2**2, 0.0))
        t_hi = np.maximum(t_hi, t_lo)
        # the integrand in ln t: q(E_π) t/E_π
        t_b = None if E_pi_b is None else 0.5 * np.log(max(E_pi_b**2 - M_PI0_C2**2, 1e-300))
        u, w = _gl_nodes_split(np.log(t_lo), np.log(t_hi), t_b, _GL64)
        t = np.exp(u)
        E_pi = np.sqrt(t**2 + M_PI0_C2**2)
        val = 2.0 * np.sum(_pion_rate(E_pi, J, n_H, sigma_model) * t / E_pi * w, axis=-1)
        return n_tilde * val
    if species == "nu_mu":
        return emissivity_delta(
            E, J, n_H, "nu_mu1", E_p_max, sigma_model, n_tilde, E_p_break
        ) + emissivity_delta(E, J, n_H, "nu_mu2", E_p_max, sigma_model, n_tilde, E_p_break)
    hi = np.log(np.maximum(E_pi_max, E))
    lnb = None if E_pi_b is None else np.log(E_pi_b)
    if species == "nu_mu1":
        # f = 1/(1-r) on x < 1-r: E_π from E/(1-r) up
        lo = np.minimum(np.log(E / (1.0 - R_MU_PI)), hi)
        lnEpi, w = _gl_nodes_split(lo, hi, lnb, _GL64)
        E_pi = np.exp(lnEpi)
        val = 2.0 * np.sum(_pion_rate(E_pi, J, n_H, sigma_model) / (1.0 - R_MU_PI) * w, axis=-1)
        return n_tilde * val
    # split at the kink x = r (E_π = E/r)
    mid = np.minimum(np.log(E / R_MU_PI), hi)
    lo = np.minimum(np.log(E), hi)
    total = 0.0
    for a, b in ((lo, mid), (mid, hi)):
        lnEpi, w = _gl_nodes_split(a, b, lnb, _GL48)
        E_pi = np.exp(lnEpi)
        f = pion_decay_lepton_distribution(E[..., None] / E_pi, species)
        total = total + np.sum(_pion_rate(E_pi, J, n_H, sigma_model) * f * w, axis=-1)
    return n_tilde * 2.0 * total


def _single(species):
    return ("nu_mu1", "nu_mu2") if species == "nu_mu" else (species,)


def emissivity(
    E: ArrayLike,
    J: ArrayFunction,
    n_H: float,
    species: Species,
    E_p_max: float = np.inf,
    sigma_model: SigmaModel = "KAB06",
    E_transition: float = E_TRANSITION,
    enhancement: ArrayLike = 1.0,
    return_n_tilde: bool = False,
    E_p_break: float = np.inf,
) -> FloatArray | tuple[FloatArray, dict[str, float]]:
    """Production rate of ``species`` per volume, time and energy [cm^-3 s^-1 erg^-1].

    The full KAB06 spectrum (Eqs. 71-72) at E >= ``E_transition`` and the δ-function
    approximation (Eqs. 77-78, with the decay distributions of Eqs. 36-39 for leptons)
    below it, with ñ fixed per species by continuity at ``E_transition``, as KAB06
    prescribe (Sec. IV B). ν_μ is the sum of ν_μ^(1) and ν_μ^(2), each matched separately.

    Parameters
    ----------
    E : array [erg]
    J : callable, proton density per unit energy [cm^-3 erg^-1]
    n_H : float [cm^-3], target density
    species : one of :data:`SPECIES`
    E_p_max : float [erg], J vanishes above
    sigma_model : {'KAB06', 'KAB06-kinematic', 'Kafexhiu14'}
    E_transition : float [erg]
    enhancement : float
        Nuclear enhancement factor multiplying the result (:func:`nuclear_enhancement`).
    return_n_tilde : bool
        Also return the dict of ñ used for each (sub)species.
    E_p_break : float [erg]
        A kink of J (a broken power law's break; default inf, none): every quadrature is
        split there (:func:`emissivity_full`, :func:`emissivity_delta`).

    Returns
    -------
    array, or (array, dict)
    """
    _check_species(species)
    E = np.asarray(E, dtype=float)
    out = np.zeros(E.shape)
    n_tildes = {}
    hi_mask = E >= E_transition
    for sp in _single(species):
        part = np.zeros(E.shape)
        if np.any(hi_mask):
            part[hi_mask] = emissivity_full(E[hi_mask], J, n_H, sp, E_p_max, sigma_model, E_p_break)
        if np.any(~hi_mask):
            et = np.array([E_transition])
            full_t = emissivity_full(et, J, n_H, sp, E_p_max, sigma_model, E_p_break)[0]
            delta_t = emissivity_delta(et, J, n_H, sp, E_p_max, sigma_model, 1.0, E_p_break)[0]
            nt = full_t / delta_t if delta_t > 0 else 0.0
            n_tildes[sp] = nt
            part[~hi_mask] = nt * emissivity_delta(
                E[~hi_mask], J, n_H, sp, E_p_max, sigma_model, 1.0, E_p_break
            )
        out += part
    out *= enhancement
    if return_n_tilde:
        return out, n_tildes
    return out


def nuclear_enhancement(he_gas: float = 0.0, he_cr: float = 0.0, A_exponent: float = 0.75) -> float:
    """Nuclear enhancement factor for helium in the target gas and in the CRs.

    ε = Σ_ij y_i^CR y_j^gas (A_i A_j)^a, with y_p = y_H = 1, A_He = 4 and a = 3/4:

    ε = 1 + 4^a (y_gas + y_CR) + 16^a y_gas y_CR.

    Parameters
    ----------
    he_gas : float
        He/H number ratio in the gas (primordial: (1 - X_H)/(4 X_H) ≈ 0.079).
    he_cr : float
        He/p ratio of the CRs at equal energy per nucleon, weighted for the nucleon
        spectrum (≈ 0.05-0.1 at TeV/n).
    A_exponent : float
        The A^a scaling of meson production per nucleus-nucleus collision.

    Notes
    -----
    An approximation of the A-scaling of secondary yields (e.g. Dermer 1986,
    A&A 157, 223; Mori 1997, ApJ 478, 225, who finds ε ≈ 1.5-2 for
    interstellar composition including heavier nuclei). It is a single number
    multiplying all spectra; it does not follow the change of shape near the
    maximum energy. The default 0, 0 gives ε = 1 (the paper's pure-proton case).
    """
    for name, v in (("he_gas", he_gas), ("he_cr", he_cr)):
        if not (np.isfinite(v) and 0.0 <= v <= 1.0):
            raise ValueError(f"{name} = {v} is not allowed: must be a finite value >= 0 and <= 1")
    q = 4.0**A_exponent
    return 1.0 + q * (he_gas + he_cr) + q * q * he_gas * he_cr


def power_law_protons(
    norm: ArrayLike,
    slope: ArrayLike,
    E_max: float = np.inf,
    cutoff: Cutoff = "sharp",
    E_min: float = 0.0,
) -> tuple[ArrayFunction, float]:
    """A proton density J(E) = norm (E/1 TeV)^-slope × cutoff as a callable, and its E_p_max.

    Convenience for tests and benchmarks. Returns ``(J, E_p_max)``.
    """

    def J(E):
        E = np.asarray(E, dtype=float)
        val = norm * (E / C.TeV) ** (-slope) * (E >= E_min)
        if cutoff == "exponential":
            return val * np.exp(-E / E_max)
        return val * (E <= E_max)

    E_p_max = E_max if cutoff == "sharp" else 60.0 * E_max
    return J, E_p_max
