"""The cosmic population: the diffuse ν and γ background from the CGM of all galaxies.

The paper (Blasi & Amato 2019) puts every galaxy in a halo of escaped CRs. This module
adds up the circumgalactic emission of all of them over cosmic time:

* :func:`star_formation_rate_density` - the cosmic star-formation history ψ(z) of
  Madau & Dickinson (2014, ARA&A 52, 415), Eq. 15 (Salpeter IMF, 0.1-100 M_⊙);
* :func:`cr_luminosity_density` - the CR luminosity density ρ_LCR(z) it implies, through
  the L_CR-SFR relation of :func:`crescape.galaxies.cr_luminosity_from_sfr`;
* :func:`ebl_optical_depth` - γγ absorption on the extragalactic background light, from
  the shipped optical-depth table of Domínguez et al. (2011, MNRAS 410, 2556);
  :func:`cmb_optical_depth` - the absorption on the CMB along the same path; the
  absorbed energy re-emitted as the universal cascade spectrum of
  :mod:`crescape.physics.cascade` (``CosmicPopulation(cascade=True)``, the default);
* :func:`background_intensity` - the background integral for any comoving emissivity,
  and :func:`redshift_factor`, its closed form for a non-evolving power law;
* :class:`CosmicPopulation` - the population of CGM halos, its ν (per flavour and all
  flavours) and γ intensity, and :func:`comparison`, against IceCube, the Fermi IGRB and
  the Milky Way's own CGM; with ``mass_function='baldry2012'`` the CR luminosity density
  is shared by stellar mass (:mod:`crescape.massfunction`: Baldry et al. 2012, SFR ∝ M^β
  of Whitaker et al. 2012, δ_G ∝ M^γ), with ``mass_function='tinker2008'`` by halo mass
  (the Tinker et al. 2008 halo-mass function and the stellar-to-halo mass relation of
  Moster et al. 2013, then the same SFR ∝ M*^β);
* :func:`published_estimates` - the star-forming-galaxy background estimates that their
  abstracts state (Loeb & Waxman 2006; Bechtol et al. 2017; Peretti et al. 2020;
  Ambrosone et al. 2021), and :func:`plot_background`, the figure against the data;
* :class:`PopulationProduct` - the background at 100 TeV and 100 GeV as a product of
  :func:`crescape.analysis.sweep.sweep` (``sweep("population", ...)``), with
  :func:`assumption_sweep` and :func:`uncertainty_bands`.

The scaling assumption (stated, not derived): every galaxy's CGM emits like the Milky
Way's (:func:`crescape.galaxies.galaxy` ``("Milky Way")``, the same δ_G, CGM model and CR
spectrum), and the number density of such galaxies is n(z) = ρ_LCR(z)/L_CR,MW. The
comoving emissivity is then q_c(E, z) = n(z) L_MW(E), with L_MW(E) the halo luminosity of
:func:`crescape.observer.halo_luminosity` [photons or neutrinos per unit energy and time].
The emission of a single halo is not linear in its L_CR (ṽ_A depends on L_CR), so this is
a population of Milky-Way copies, not a sum over a luminosity function; the stellar-mass
weighting of :class:`CosmicPopulation` shares ρ_LCR among galaxies of different mass.

Units follow docs/units.md: plain numbers for energies are GeV.

Examples
--------
>>> import astropy.units as u
>>> from crescape import population
>>> round(float(population.star_formation_rate_density(0).value), 4)
0.015
>>> pop = population.CosmicPopulation(delta_G=100)
>>> pop.intensity([100] * u.TeV, "nu_all").unit
Unit("1 / (GeV s sr cm2)")
"""

from __future__ import annotations

import copy
import functools
import math
from importlib import resources
from pathlib import Path
from typing import Any

import astropy.units as u
import numpy as np
from astropy.cosmology import Planck18
from astropy.table import QTable, Table
from scipy.interpolate import RegularGridInterpolator

from . import constants as C
from . import data as _data
from . import massfunction
from .analysis.sweep import Product
from .galaxies import XI_CR, cr_luminosity_from_sfr, galaxy, supernovae_per_mass
from .observer import halo_luminosity
from .params import SPECS, ParameterError
from .physics import cascade as _cascade
from .physics import cgm_source, gamma_absorption
from .physics.instability import gas_density
from .spectra import INTENSITY_UNIT, SED_UNIT, CGMEmission, _energy
from .units import parse_quantity

__all__ = [
    "MD14_PARAMETERS",
    "SALPETER_SLOPE",
    "star_formation_rate_density",
    "salpeter_supernovae_per_mass",
    "cr_luminosity_density",
    "ebl_table_path",
    "ebl_table",
    "ebl_optical_depth",
    "cmb_optical_depth",
    "CASCADE_ENERGY_RANGE",
    "redshift_factor",
    "background_intensity",
    "CosmicPopulation",
    "comparison",
    "reference_values",
    "published_estimates",
    "published_power_law_sed",
    "background_numbers",
    "PopulationProduct",
    "assumption_sweep",
    "uncertainty_bands",
    "plot_background",
    "SWEEP_OUTPUTS",
]

#: Madau & Dickinson (2014), Eq. 15: ψ = a (1+z)^b / (1 + ((1+z)/c)^d) M_⊙ yr⁻¹ Mpc⁻³.
MD14_PARAMETERS = {"a": 0.015, "b": 2.7, "c": 2.9, "d": 5.6}
#: Salpeter (1955, ApJ 121, 161) IMF slope, ξ(m) ∝ m^-2.35; Madau & Dickinson (2014) use it over 0.1-100 M_⊙.
SALPETER_SLOPE = 2.35
_SALPETER_RANGE = (0.1, 100.0)

_SFR_UNIT = u.Msun / u.yr / u.Mpc**3
_LDENS_UNIT = u.erg / u.s / u.Mpc**3
_MPC = u.Mpc.to(u.cm)
_EBL_FILE = "ebl_tau_dominguez2011"
_ESTIMATES_FILE = "sfg_neutrino_estimates"
_SPECIES = ("nu_e", "nu_mu", "nu_tau", "nu_all", "gamma")


def _finite_positive(value, name, unit=u.dimensionless_unscaled, *, upper=None):
    v = float(parse_quantity(value, unit, name).to_value(unit))
    if not (math.isfinite(v) and v > 0 and (upper is None or v <= upper)):
        rng = f"> 0 and <= {upper:g}" if upper is not None else "> 0"
        raise ParameterError(f"{name} = {value} is not allowed: must be a finite value {rng}")
    return v


def _redshift(z, name="z") -> np.ndarray:
    zz = np.asarray(parse_quantity(z, u.dimensionless_unscaled, name).value, dtype=float)
    if not np.all(np.isfinite(zz) & (zz >= 0)):
        raise ParameterError(f"{name} = {z} is not allowed: must be finite and >= 0")
    return zz


# --------------------------------------------------------------------------- star formation


def _psi(z, a):
    p = MD14_PARAMETERS
    x = 1.0 + z
    return a * x ** p["b"] / (1.0 + (x / p["c"]) ** p["d"])


def star_formation_rate_density(z: Any, norm: float = MD14_PARAMETERS["a"]) -> u.Quantity:
    """ψ(z) = 0.015 (1+z)^2.7 / (1 + ((1+z)/2.9)^5.6) [M_⊙ yr⁻¹ Mpc⁻³], comoving.

    Madau & Dickinson (2014, ARA&A 52, 415), Eq. 15: the best fit to the UV and IR
    star-formation rate densities, for a Salpeter (1955) IMF over 0.1-100 M_⊙. It peaks
    at z ≈ 1.9 (their abstract). ``norm`` replaces the 0.015 (the SFH normalisation).

    Parameters
    ----------
    z : float or array
        Redshift, >= 0.
    norm : float
        The normalisation a of Eq. 15 [M_⊙ yr⁻¹ Mpc⁻³], > 0 (default 0.015).

    Examples
    --------
    >>> star_formation_rate_density([0, 1.9]).round(4)
    <Quantity [0.015 , 0.1329] solMass / (yr Mpc3)>
    """
    a = _finite_positive(norm, "norm")
    return u.Quantity(_psi(_redshift(z), a), _SFR_UNIT)


def salpeter_supernovae_per_mass(m_sn: float | None = None) -> float:
    """N_SN/M_* for the Salpeter (1955) IMF over 0.1-100 M_⊙ [1/M_⊙]: 0.00742.

    N_SN/M_* = ∫_{m_sn}^{100} m^-2.35 dm / ∫_{0.1}^{100} m^-1.35 dm with every star born above
    m_sn = 8 M_⊙ exploding (Smartt 2009, ARA&A 47, 63), the IMF of the SFR of Madau &
    Dickinson (2014). Its ratio to the Kroupa value of
    :func:`crescape.galaxies.supernovae_per_mass` (0.667) converts ψ to the Kroupa-IMF
    SFR that :func:`crescape.galaxies.cr_luminosity_from_sfr` takes: both give the same
    supernova rate.
    """
    from .galaxies import M_SN_MIN

    m = M_SN_MIN if m_sn is None else float(m_sn)
    lo, hi = _SALPETER_RANGE
    if not (lo < m < hi):
        raise ParameterError(f"m_sn = {m_sn} is not allowed: must be > {lo:g} and < {hi:g} Msun")
    s = SALPETER_SLOPE
    number = (m ** (1.0 - s) - hi ** (1.0 - s)) / (s - 1.0)
    mass = (lo ** (2.0 - s) - hi ** (2.0 - s)) / (s - 2.0)
    return number / mass


def _kroupa_equivalent_factor() -> float:
    """SFR(Kroupa)/SFR(Salpeter) at the same supernova rate (0.667)."""
    return salpeter_supernovae_per_mass() / supernovae_per_mass()


def cr_luminosity_density(
    z: Any, norm: float = MD14_PARAMETERS["a"], xi: float = 0.1
) -> u.Quantity:
    """ρ_LCR(z) = ξ E_SN ψ(z) N_SN/M_* [erg s⁻¹ Mpc⁻³], comoving.

    ψ(z) is :func:`star_formation_rate_density` (Madau & Dickinson 2014, Eq. 15, Salpeter
    IMF), turned into the Kroupa-IMF SFR of the same supernova rate
    (:func:`salpeter_supernovae_per_mass`) and given to
    :func:`crescape.galaxies.cr_luminosity_from_sfr` (L_CR = ξ E_SN R_SN). At z = 0:
    3.5e38 erg s⁻¹ Mpc⁻³ for ξ = 0.1.
    """
    psi = star_formation_rate_density(z, norm).to_value(_SFR_UNIT)
    L = cr_luminosity_from_sfr(psi * _kroupa_equivalent_factor() * u.Msun / u.yr, xi)
    return u.Quantity(L.to_value(u.erg / u.s), _LDENS_UNIT)


# --------------------------------------------------------------------------- absorption


def ebl_table_path() -> Path:
    """Path of the shipped EBL optical-depth table (Domínguez et al. 2011)."""
    return Path(str(resources.files("crescape.data").joinpath("files", f"{_EBL_FILE}.ecsv")))


@functools.cache
def _ebl_read() -> Table:
    return Table.read(ebl_table_path(), format="ascii.ecsv")


def ebl_table() -> Table:
    """The EBL optical depth τ(E, z) of Domínguez et al. (2011, MNRAS 410, 2556), a fresh copy.

    Columns ``E`` [TeV] (observed energy), ``z`` (source redshift) and ``tau``; 50 energies
    from 0.03 to 30 TeV and 39 redshifts from 0.01 to 2. ``meta`` holds the citation and
    the origin of the file.
    """
    t = _ebl_read()
    out = t.copy(copy_data=True)
    out.meta = copy.deepcopy(dict(t.meta))
    return out


@functools.cache
def _ebl_grid():
    t = _ebl_read()
    E = np.unique(np.asarray(t["E"].quantity.to_value(u.erg)))
    z = np.unique(np.asarray(t["z"], dtype=float))
    tau = np.empty((E.size, z.size))
    iE = np.searchsorted(E, np.asarray(t["E"].quantity.to_value(u.erg)))
    iz = np.searchsorted(z, np.asarray(t["z"], dtype=float))
    tau[iE, iz] = np.asarray(t["tau"], dtype=float)
    interp = RegularGridInterpolator((np.log(E), z), np.log(tau), method="linear")
    return E, z, interp


def _tau_ebl(E, z):
    """τ_EBL at energies E [erg] and redshifts z (broadcast), the table extended as stated.

    Inside the table: linear interpolation of ln τ in (ln E, z). Outside: E is clamped to
    0.03-30 TeV (below 30 GeV this overestimates τ, above 30 TeV it underestimates it);
    z > 2 takes τ(E, 2) (an underestimate); z < 0.01 takes τ(E, 0.01) z/0.01 (τ ∝
    distance at small z).
    """
    Eg, zg, interp = _ebl_grid()
    E, z = np.broadcast_arrays(np.asarray(E, dtype=float), np.asarray(z, dtype=float))
    lnE = np.log(np.clip(E, Eg[0], Eg[-1]))
    zc = np.clip(z, zg[0], zg[-1])
    tau = np.exp(interp(np.stack([lnE.ravel(), zc.ravel()], axis=-1))).reshape(E.shape)
    return np.where(z < zg[0], tau * z / zg[0], tau)


def ebl_optical_depth(E: Any, z: Any) -> np.ndarray:
    """τ_γγ(E, z) on the extragalactic background light, Domínguez et al. (2011), table.

    Linear interpolation of ln τ in (ln E, z) on the shipped table (:func:`ebl_table`),
    exact at its nodes. The table spans 0.03-30 TeV and 0.01 <= z <= 2; outside it the
    energy is clamped to the range, z > 2 takes the z = 2 value and z < 0.01 scales as z.

    Parameters
    ----------
    E : Quantity [energy] or float in GeV
        Observed γ-ray energy.
    z : float or array
        Source redshift (>= 0); broadcast against E.

    Examples
    --------
    >>> round(float(ebl_optical_depth(1 * u.TeV, 0.1)), 3)
    1.058
    """
    return _tau_ebl(_energy(E), _redshift(z))


def _hubble(z, cosmology):
    """H(z) [1/s] of an astropy cosmology."""
    return cosmology.H0.to_value(1 / u.s) * np.asarray(cosmology.efunc(z), dtype=float)


@functools.cache
def _kappa_cmb0_table(n=4000):
    """ln E [erg] and ln κ_0 [1/cm] of today's CMB, 1 TeV to 1e12 GeV (κ_0 floored at 1e-300)."""
    lnE = np.linspace(math.log(1e3 * C.GeV), math.log(1e12 * C.GeV), n)
    kappa = gamma_absorption.absorption_coefficient(np.exp(lnE))
    return lnE, np.log(np.maximum(kappa, 1e-300))


def _kappa_cmb0(E):
    """κ_0(E) of today's CMB [1/cm] (Gould & Schréder 1967), interpolated in ln κ on a
    4000-point table in ln E (within 2e-4 of the direct sum above 30 TeV, tested);
    0 below 1 TeV."""
    lnE, lnk = _kappa_cmb0_table()
    lnx = np.log(np.asarray(E, dtype=float))
    out = np.exp(np.interp(lnx, lnE, lnk))
    return np.where(lnx < lnE[0], 0.0, out)


def _tau_cmb(E, z_nodes, cosmology, n=256):
    """τ_CMB at observed energies E [erg] (shape (nE,)) for sources at each of z_nodes.

    τ = ∫_0^z c dz'/((1+z')H(z')) κ_{z'}(E(1+z')), with κ_{z'}(E') = (1+z')³ κ_0(E'(1+z'))
    for the CMB at T_0(1+z') (κ ∝ T³ F(E T), Gould & Schréder 1967, Eqs. 9-10).
    Cumulative trapezoid in ln(1+z) on ``n`` points, interpolated to the nodes.
    """
    z_max = float(np.max(z_nodes))
    x = np.linspace(0.0, math.log1p(z_max), n)
    zz = np.expm1(x)
    opz = 1.0 + zz
    kappa = opz**3 * _kappa_cmb0(np.multiply.outer(E, opz**2))
    f = C.c / _hubble(zz, cosmology) * kappa  # dτ/dx = c/H κ (dz = (1+z) dx)
    cum = np.concatenate(
        [np.zeros((E.size, 1)), np.cumsum(0.5 * (f[:, 1:] + f[:, :-1]) * np.diff(x), axis=1)],
        axis=1,
    )
    xn = np.log1p(np.asarray(z_nodes, dtype=float))
    return np.stack([np.interp(xn, x, c) for c in cum])


def cmb_optical_depth(E: Any, z: Any, cosmology=Planck18) -> np.ndarray:
    """τ_γγ(E, z) on the CMB from a source at redshift z, for γ rays observed at E.

    τ = ∫_0^z c dz'/((1+z')H(z')) (1+z')³ κ_0(E(1+z')²), κ_0 the absorption coefficient of
    today's CMB (:func:`crescape.physics.gamma_absorption.absorption_coefficient`,
    Gould & Schréder 1967) and c dz/((1+z)H) the proper path. Returns an array of shape
    (len(E), len(z)).
    """
    Ev = np.atleast_1d(_energy(E))
    zz = np.atleast_1d(_redshift(z))
    return _tau_cmb(Ev, zz, cosmology)


# --------------------------------------------------------------------------- cascade grid

#: observed energies [GeV] over which the absorbed energy and the cascade cutoff are found
CASCADE_ENERGY_RANGE = (0.1, 1e8)
_CASCADE_PER_DECADE = 40  # τ (and E_c, the re-absorbed share) on 40 points a decade
_CASCADE_STRIDE = 4  # the emissivity on every 4th: 10 a decade (ω_abs within 5e-4 of 80 a decade)


@functools.cache
def _cascade_grid():
    """The fine grid of observed energies [erg] of :data:`CASCADE_ENERGY_RANGE`, read-only."""
    lo, hi = CASCADE_ENERGY_RANGE
    n = int(round(math.log10(hi / lo) * _CASCADE_PER_DECADE)) + 1
    E = np.geomspace(lo, hi, n) * C.GeV
    E.setflags(write=False)
    return E


@functools.lru_cache(maxsize=64)
def _halo_gamma_on_cascade_grid(emission, z_max, n_z):
    """L_MW(E (1+z)) of the γ rays on the cascade grid × redshift nodes, kept per template.

    The expensive part of the cascade budget (the pp emissivity at every emitted energy);
    the sweep's points that share a template share it. Read-only.
    """
    z, _ = _z_nodes(z_max, n_z)
    Eem = np.multiply.outer(_cascade_grid()[::_CASCADE_STRIDE], 1.0 + z)
    L = np.asarray(halo_luminosity(emission, Eem, "gamma"), dtype=float)
    L.setflags(write=False)
    return L


#: (ebl, cmb, id(cosmology), z_max, n_z) -> (cosmology, CosmicPopulation._cascade_shape())
_CASCADE_SHAPES: dict = {}


def _reabsorbed_share(E, tau, E_h, opz, E_c, E_X):
    """Share of the cascade energy emitted at each z that is absorbed on the way to Earth.

    ∫ (1 - e^{-τ}) dF, F the cascade energy below E (:func:`crescape.physics.cascade.
    energy_fraction_below`, exact at the breaks and at the cutoff), trapezoid in the
    Stieltjes sense over the observed grid ``E`` (τ of shape (nE, nz)); τ = τ(E[0]) below
    the grid (the EBL table is clamped below 30 GeV and the CMB does not absorb below 1
    TeV, so this is exact for this τ); at the cutoff E_h (observed) τ = 1 when reached.
    """
    a = -np.expm1(-tau)
    F = _cascade.energy_fraction_below(np.multiply.outer(E, opz), E_c, E_X)
    reached = np.any(tau >= 1.0, axis=0)
    a_h = np.where(reached, -math.expm1(-1.0), a[-1])
    crosses = (E[:-1, None] < E_h) & (E[1:, None] >= E_h)  # the interval that holds E_h
    a_end = np.where(crosses, a_h, a[1:])
    return a[0] * F[0] + np.sum(0.5 * (a[:-1] + a_end) * np.diff(F, axis=0), axis=0)


# --------------------------------------------------------------------------- background integral


@functools.lru_cache(maxsize=32)
def _z_nodes(z_max, n_z):
    """Gauss-Legendre nodes in x = ln(1+z) on [0, ln(1+z_max)]: (z, weight in z), read-only."""
    x, w = np.polynomial.legendre.leggauss(n_z)
    b = math.log1p(z_max)
    xs = 0.5 * b * (x + 1.0)
    z = np.expm1(xs)
    wz = 0.5 * b * w * (1.0 + z)  # dz = (1+z) dx
    z.setflags(write=False)
    wz.setflags(write=False)
    return z, wz


def background_intensity(
    E, emissivity, *, z_max: float = 6.0, cosmology=Planck18, optical_depth=None, n_z: int = 96
) -> np.ndarray:
    """I(E) = (c/4π) ∫_0^{z_max} dz q_c(E(1+z), z) e^{-τ(E, z)} / H(z) [1/(erg cm² s sr)].

    The diffuse intensity (number per unit energy, time, area and solid angle) of sources
    of comoving number emissivity q_c(E', z) [1/(erg s cm³)], E' the emitted energy.
    Photons (or neutrinos) emitted at z into E'..E'+dE' = (1+z)(E..E+dE) keep their
    comoving number; integrating over cosmic time dt = dz/((1+z)H) gives
    n(E) = ∫ dz (1+z) q_c(E(1+z), z)/((1+z)H(z)) and I = c n/4π. For the energy
    emissivity j(E') = E' q_c(E') this is the background integral of Peacock (1999,
    Cosmological Physics, CUP), E I(E) = (c/4π) ∫ dz j(E(1+z), z)/((1+z) H(z)); Loeb &
    Waxman (2006, JCAP 05, 003) and Tamborra, Ando & Murase (2014, JCAP 09, 043) use the same.

    cgs floats: ``E`` [erg], shape (nE,); ``emissivity(E_emit, z)`` takes E_emit of shape
    (nE, nz) and z of shape (nz,) and returns q_c [1/(erg s cm³)]; ``optical_depth(E, z)``
    likewise returns τ of shape (nE, nz), or None. Gauss-Legendre in ln(1+z), ``n_z`` nodes.
    """
    E = np.atleast_1d(np.asarray(E, dtype=float))
    z, wz = _z_nodes(z_max, n_z)
    Eem = np.multiply.outer(E, 1.0 + z)
    q = np.asarray(emissivity(Eem, z), dtype=float)
    if optical_depth is not None:
        q = q * np.exp(-np.asarray(optical_depth(E, z), dtype=float))
    return C.c / (4.0 * np.pi) * np.sum(q * (wz / _hubble(z, cosmology)), axis=-1)


def redshift_factor(slope: float, z_max: float = 6.0, cosmology=Planck18, n_z: int = 96):
    """ξ = ∫_0^{z_max} dz (1+z)^-Γ / E(z), E(z) = H(z)/H_0: the redshift factor of a power law.

    For a non-evolving population of comoving emissivity q_c = K E^-Γ,
    :func:`background_intensity` is I(E) = (c/4π H_0) K E^-Γ ξ. For Γ = 2 this is the
    ξ_z of Waxman & Bahcall (1999, PRD 59, 023002) without evolution. In a flat
    matter-only universe E(z) = (1+z)^{3/2} and ξ = (1 - (1+z_max)^{-(Γ+1/2)})/(Γ + 1/2).
    """
    z, wz = _z_nodes(_finite_positive(z_max, "z_max", upper=20.0), n_z)
    return float(np.sum(wz * (1.0 + z) ** (-float(slope)) / cosmology.efunc(z)))


# --------------------------------------------------------------------------- the population


def _build_template(xi, flat, cgm_kwargs):
    template = galaxy("Milky Way", xi=xi).parameters(**flat)
    return template, CGMEmission(template, **cgm_kwargs)


@functools.lru_cache(maxsize=64)
def _cached_template(xi, flat_items, cgm_items):
    return _build_template(xi, dict(flat_items), dict(cgm_items))


def _template_emission(xi, flat, cgm_kwargs):
    """The Milky-Way template and its :class:`CGMEmission`, kept per process for repeated inputs.

    A sweep builds one population per point, and most points share the template (the mass
    weighting, ξ aside, varies faster): the parameter validation and the emission set-up are
    then done once per template in each worker instead of once per point. Both objects are
    only read afterwards. Unhashable inputs (e.g. array-valued Quantities) skip the cache.
    """
    try:
        key = (float(xi), tuple(sorted(flat.items())), tuple(sorted(cgm_kwargs.items())))
        hash(key)
    except TypeError:
        return _build_template(xi, flat, cgm_kwargs)
    return _cached_template(*key)


#: the weightings of the CR luminosity density by mass: name -> (beta, n) -> (M*, w, L_ratio)
_MASS_FUNCTIONS = {
    None: None,
    "baldry2012": massfunction.cr_luminosity_weights,
    "tinker2008": massfunction.halo_cr_luminosity_weights,
}
_MASS_FUNCTION_WORDS = {
    "baldry2012": "Baldry et al. (2012) stellar-mass function, 1e8-10^11.5 Msun (z < 0.06 fit, "
    "the same at every z)",
    "tinker2008": "Tinker et al. (2008) halo-mass function, 10^10.6-1e14 Msun, stellar mass from "
    "Moster et al. (2013)",
}


class CosmicPopulation:
    """The CGM halos of all galaxies, each a copy of the Milky Way's, following ψ(z).

    Parameters
    ----------
    delta_G : float
        Overdensity of the CGM gas δ_G of every halo, 0 < δ_G <= 1e6 (the range of
        :class:`crescape.params.Parameters`), default 1.
    sfr_norm : float
        Normalisation of Madau & Dickinson's Eq. 15 [M_⊙ yr⁻¹ Mpc⁻³] (default 0.015).
    z_max : float
        Upper limit of the redshift integral, 0 < z_max <= 10 (default 6).
    cosmology : astropy.cosmology.Cosmology
        For H(z) (default Planck18).
    xi : float
        CR efficiency of every galaxy, L_CR = ξ E_SN R_SN (0 < ξ <= 1, default 0.1): it sets
        the template's L_CR and ρ_LCR (:func:`crescape.galaxies.cr_luminosity_from_sfr`).
    mass_function : {None, 'baldry2012', 'tinker2008'}
        None (default): Milky-Way copies. 'baldry2012': the CR luminosity density is shared
        among galaxies of stellar mass 10⁸-10^11.5 M_⊙ by the Baldry et al. (2012) mass
        function and SFR ∝ M^β (:func:`crescape.massfunction.cr_luminosity_weights`), each
        galaxy a halo with L_CR(M) = L_CR,MW (M/M_MW)^β and δ_G(M) = δ_G (M/M_MW)^γ.
        'tinker2008': the same with the galaxies counted by halo mass, 10^10.6-10^14 M_⊙, by
        the Tinker et al. (2008) halo-mass function and given a stellar mass M by Moster et
        al. (2013), at each redshift node of the background integral
        (:func:`crescape.massfunction.halo_cr_luminosity_weights`; see ``mass_evolution``).
    mass_evolution : bool
        With 'tinker2008': share ρ_LCR(z) with the weights of the halo-mass function and
        of M*(M_h, z) at each z (default True), or with those of z = 0 at every z (False,
        the weighting before the redshift dependence). 'baldry2012' is a z < 0.06 fit
        with no redshift dependence in its source: its weights are the same at every z
        either way.
    luminosity_normalisation : {'total', 'milky_way'}
        With a mass function: how bright each galaxy is. 'total' (default): a galaxy of
        stellar mass M* at z has L_CR = S(z) L_CR,MW (M*/M_MW)^β with S(z) set so that the
        mass function's galaxies add up to ρ_LCR(z) (:meth:`luminosity_scale_at`; S(0) ≈ 1.1
        for 'baldry2012', 1.2 for 'tinker2008', S(2) ≈ 25: galaxies at z ~ 2 form stars far
        faster than today's of the same mass). 'milky_way': L_CR = L_CR,MW (M*/M_MW)^β at
        every z, and the number of galaxies is whatever ρ_LCR(z) requires (the weighting
        before S). Since a halo's emission grows as L_CR^(1/2) (ṽ_A ∝ L_CR^(1/2)), the
        background scales as S^(-1/2).
    moster_mass_definition : {'200c', '200m'}
        With 'tinker2008': the halo mass of Moster et al.'s relation. '200c' (default,
        :data:`crescape.massfunction.MOSTER13_MASS_DEFINITION`) converts it to Tinker's
        M_200m through an NFW halo (:func:`crescape.massfunction.convert_halo_mass`);
        '200m' takes it as M_200m, unconverted (the weighting before the conversion).
    sfr_mass_slope : str or float
        β of SFR ∝ M^β: 'star_forming' (0.6) or 'blue' (1.0) of Whitaker et al. (2012), or a
        number in [0, 2] (only with ``mass_function``).
    delta_G_mass_slope : float
        γ of δ_G(M) = δ_G (M/M_MW)^γ, |γ| <= 2 (default 0: the same δ_G in every halo; only
        with ``mass_function``). An assumption to sweep, not a measured relation.
    n_mass : int
        Gauss-Legendre nodes in ln M, 4 <= n_mass <= 256 (default 32).
    ebl : bool
        Absorb the γ rays on the EBL (:func:`ebl_optical_depth`); default True.
    cmb : bool
        Absorb the γ rays on the CMB (:func:`cmb_optical_depth`); default True.
    cascade : bool
        Add the cascade of the absorbed γ rays to ``intensity(E, "gamma")`` (default True;
        :meth:`cascade_intensity` gives it alone). Nothing to add without EBL and CMB.
    n_z : int
        Gauss-Legendre nodes in ln(1+z), 8 <= n_z <= 1024 (default 96).
    params : dict, optional
        Further flat parameters of the template galaxy (``slope``, ``E_max``, ``R_d``, …).
    **cgm_kwargs
        The CGM model: passed to :class:`crescape.spectra.CGMEmission` (``R_out``,
        ``target``, ``sigma_model``, ``enhancement``).

    Notes
    -----
    With ``mass_function``, q_c(E, z) = [ρ_LCR(z)/L_CR,MW] L_MW(E) F(z) with the mass factor
    F(z) = Σ_k w_k(z) [L_k(E)/L_MW(E)] [L_CR,MW/L_CR(M_k)] (:meth:`mass_factor_at`;
    :attr:`mass_factor` is F(0)): w_k the share of ρ_LCR at mass M_k and L_k(E) the halo
    luminosity of a galaxy of that mass. The shape of L(E) depends only on the CR spectrum
    (slope, E_min, E_max, cutoff), which every halo shares: n_CR ∝ φ_CR/ṽ_A (Eqs. 3, 15)
    and the pp emissivity is linear in n_CR; so L_k(E)/L_MW(E) is one number per mass. The
    halo of a galaxy at z is the z = 0 CGM of its stellar mass (δ_G(M*) of today's mean
    baryon density, R_d of the template): only the shares w_k(z) and the stellar masses
    M*_k(z) change with z.

    q_c(E, z) = [ρ_LCR(z)/L_CR,MW] L_MW(E) (the module's scaling assumption), with
    ρ_LCR from :func:`cr_luminosity_density` and the template the Milky Way of
    :func:`crescape.galaxies.galaxy` (L_CR = 5.8e40 erg/s from its SFR, R_d = 10 kpc).
    I(E) is :func:`background_intensity`. The γ rays absorbed on the EBL and CMB start
    electromagnetic cascades that re-emit their energy at GeV energies: with ``cascade``
    the absorbed energy at each redshift node is re-emitted there as the universal
    spectrum (:meth:`cascade_intensity`, :attr:`cascade_budget`).
    """

    def __init__(
        self,
        delta_G: float = 1.0,
        *,
        sfr_norm: float = MD14_PARAMETERS["a"],
        z_max: float = 6.0,
        cosmology=Planck18,
        xi: float = XI_CR,
        mass_function: str | None = None,
        mass_evolution: bool = True,
        luminosity_normalisation: str = "total",
        moster_mass_definition: str = massfunction.MOSTER13_MASS_DEFINITION,
        sfr_mass_slope: str | float = "star_forming",
        delta_G_mass_slope: float = 0.0,
        n_mass: int = 32,
        ebl: bool = True,
        cmb: bool = True,
        cascade: bool = True,
        n_z: int = 96,
        params: dict | None = None,
        **cgm_kwargs: Any,
    ):
        self.sfr_norm = _finite_positive(sfr_norm, "sfr_norm")
        self.z_max = _finite_positive(z_max, "z_max", upper=10.0)
        if not (isinstance(n_z, (int, np.integer)) and 8 <= n_z <= 1024):
            raise ParameterError(f"n_z = {n_z} is not allowed: must be an integer >= 8 and <= 1024")
        self.n_z = int(n_z)
        self.cosmology = cosmology
        self.ebl = bool(ebl)
        self.cmb = bool(cmb)
        self.cascade = bool(cascade)
        self.xi = _finite_positive(xi, "xi", upper=1.0)
        flat = dict(params or {})
        flat["delta_G"] = delta_G
        self.cgm_kwargs = dict(cgm_kwargs)
        self.template, self.emission = _template_emission(self.xi, flat, self.cgm_kwargs)
        self.delta_G = float(self.template.cgs.delta_G)
        self.L_CR = float(self.template.cgs.L_CR)  # erg/s
        if mass_function not in _MASS_FUNCTIONS:
            raise ParameterError(
                f"mass_function = {mass_function!r} is not allowed: must be None, 'baldry2012' "
                "or 'tinker2008'"
            )
        self.mass_function = mass_function
        if not isinstance(mass_evolution, (bool, np.bool_)):
            raise ParameterError(
                f"mass_evolution = {mass_evolution!r} is not allowed: must be True or False"
            )
        self.mass_evolution = bool(mass_evolution)
        if luminosity_normalisation not in ("total", "milky_way"):
            raise ParameterError(
                f"luminosity_normalisation = {luminosity_normalisation!r} is not allowed: must be "
                "'total' or 'milky_way'"
            )
        self.luminosity_normalisation = luminosity_normalisation
        if moster_mass_definition not in massfunction.MASS_DEFINITIONS:
            raise ParameterError(
                f"moster_mass_definition = {moster_mass_definition!r} is not allowed: must be "
                f"one of {', '.join(massfunction.MASS_DEFINITIONS)}"
            )
        self.moster_mass_definition = moster_mass_definition
        self._F_cache: dict = {}
        self.sfr_mass_slope = massfunction.sfr_mass_slope(sfr_mass_slope)
        g = float(delta_G_mass_slope)
        if not (math.isfinite(g) and abs(g) <= 2.0):
            raise ParameterError(
                f"delta_G_mass_slope = {delta_G_mass_slope} is not allowed: must be >= -2 and <= 2"
            )
        self.delta_G_mass_slope = g
        if not (isinstance(n_mass, (int, np.integer)) and 4 <= n_mass <= 256):
            raise ParameterError(
                f"n_mass = {n_mass} is not allowed: must be an integer >= 4 and <= 256"
            )
        self.n_mass = int(n_mass)

    def _weights(self, z=0.0):
        """(M*, w, L_ratio) of the mass function at z (a number or an array of redshifts)."""
        if self.mass_function == "baldry2012":
            return massfunction.cr_luminosity_weights(self.sfr_mass_slope, self.n_mass)
        return massfunction.halo_cr_luminosity_weights(
            self.sfr_mass_slope, self.n_mass, z=z, mass_definition=self.moster_mass_definition
        )

    def luminosity_scale_at(self, z: Any) -> np.ndarray:
        """S(z) = ρ_LCR(z) / [L_CR,MW N_eq(z)]: how much more CR-luminous a galaxy is at z than
        the Milky-Way-anchored relation L_CR,MW (M*/M_MW)^β says (array of the shape of z).

        N_eq from :func:`crescape.massfunction.milky_way_equivalents` (the mass function at z
        for 'tinker2008' with ``mass_evolution``, at z = 0 otherwise). With
        ``luminosity_normalisation='total'`` (default) every galaxy of mass M at z has
        L_CR = S(z) L_CR,MW (M*/M_MW)^β, so that the galaxies' number density is that of the
        mass function and their total is ρ_LCR(z) of Madau & Dickinson; with 'milky_way'
        S = 1 (the anchored relation at every z; the number of galaxies is then what
        ρ_LCR requires). 1 without a mass function.
        """
        zz = _redshift(z)
        if self.mass_function is None or self.luminosity_normalisation == "milky_way":
            return np.ones(zz.shape)
        rho = self._cr_luminosity_density(zz)
        zn = zz.ravel() if (self._evolves and zz.ndim) else (float(zz) if self._evolves else 0.0)
        neq = massfunction.milky_way_equivalents(
            self.mass_function,
            self.sfr_mass_slope,
            self.n_mass,
            z=zn,
            mass_definition=self.moster_mass_definition,
        )
        neq = np.reshape(neq, zz.shape) if np.size(neq) == zz.size else float(neq)
        return np.asarray(rho / (self.L_CR * neq), dtype=float)

    def _factor(self, M, w, ratio, S=1.0):
        """Σ_k w_k [L_k/L_MW] [L_CR,MW/L_CR(M_k)] over the last axis (M, w, ratio broadcast),
        L_CR(M_k) = S L_CR,MW ratio_k (S of :meth:`luminosity_scale_at`)."""
        p = self.template.cgs
        dg = np.minimum(
            self.delta_G * (M / massfunction.M_MILKY_WAY) ** self.delta_G_mass_slope,
            SPECS["delta_G"].high,
        )
        # L_k/L_MW = (n_k/n_MW)(L_CR,k/L_CR,MW)(v_A,MW/v_A,k): the pp emissivity is linear in
        # n_target × n_CR and n_CR = φ_CR/ṽ_A ∝ L_CR/ṽ_A (Eqs. 3, 15) at fixed R_d and spectrum
        n_ratio = cgm_source.target_density(
            dg, p.Omega_b_h2, p.rho_cr_h2
        ) / cgm_source.target_density(
            self.delta_G, p.Omega_b_h2, p.rho_cr_h2
        )  # the convention ('paper' or 'hydrogen') cancels in the ratio
        rho = gas_density(dg, p.Omega_b_h2, p.rho_cr_h2)
        spec = (self.L_CR * ratio * S, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff)
        brk = {"E_break": p.E_break, "slope_high": p.slope_high}
        v_k = cgm_source.advection_speed(*spec, rho, self.emission.E_ref, **brk)
        return np.sum(w * n_ratio * self.emission.v_A / v_k, axis=-1)

    @functools.cached_property
    def mass_factor(self) -> float:
        """F(z = 0) = Σ_k w_k [L_k/L_MW] [L_CR,MW/L_CR(M_k)]: today's background over that of Milky-Way copies.

        1 without a mass function. δ_G(M) = δ_G (M/M_MW)^γ, M the stellar mass, clipped to
        the allowed range (0, 1e6]. At z > 0 see :meth:`mass_factor_at`.
        """
        if self.mass_function is None:
            return 1.0
        return float(self._factor(*self._weights(0.0), S=float(self.luminosity_scale_at(0.0))))

    @property
    def _evolves(self) -> bool:
        return self.mass_function == "tinker2008" and self.mass_evolution

    @property
    def _varies(self) -> bool:
        """F depends on z: evolving weights, or the luminosity scale S(z) of 'total'."""
        return self.mass_function is not None and (
            self._evolves or self.luminosity_normalisation == "total"
        )

    def mass_factor_at(self, z: Any) -> np.ndarray:
        """F(z): the mass factor of the population at each redshift (array of the shape of z).

        With 'tinker2008' and ``mass_evolution`` the weights w_k(z) and stellar masses
        M*_k(z) of :func:`crescape.massfunction.halo_cr_luminosity_weights` at each z, in
        one vectorised evaluation (kept per population for the background's redshift
        nodes); otherwise :attr:`mass_factor` at every z.
        """
        zz = _redshift(z)
        if not self._varies:
            return np.full(zz.shape, self.mass_factor)
        key = (zz.shape, zz.tobytes())
        if key not in self._F_cache:
            if len(self._F_cache) > 16:
                self._F_cache.clear()
            zr = zz.ravel()
            S = self.luminosity_scale_at(zr)[:, None]
            M, w, ratio = self._weights(zr) if self._evolves else self._weights(0.0)
            F = self._factor(M, w, ratio, S=S).reshape(zz.shape)
            F.setflags(write=False)
            self._F_cache[key] = F
        return self._F_cache[key]

    @property
    def assumptions(self) -> dict:
        """The stated assumptions and limits of this background, in words."""
        return {
            "scaling": "every galaxy's CGM emits like the Milky Way's (same delta_G, CGM model "
            "and CR spectrum); n(z) = rho_LCR(z) / L_CR,MW",
            "sfh": f"Madau & Dickinson (2014) Eq. 15, Salpeter IMF, norm = {self.sfr_norm:g}",
            "L_CR,MW": f"{self.L_CR:.4g} erg/s",
            "delta_G": self.delta_G,
            "xi": self.xi,
            "mass_function": (
                "Milky-Way copies"
                if self.mass_function is None
                else f"{_MASS_FUNCTION_WORDS[self.mass_function]}{self._mass_words()}; SFR ~ M^"
                f"{self.sfr_mass_slope:g} (Whitaker et al. 2012); delta_G ~ M^{self.delta_G_mass_slope:g}; "
                f"mass factor F(z=0) = {self.mass_factor:.4g}"
            ),
            "luminosity_normalisation": (
                "not applicable (Milky-Way copies)"
                if self.mass_function is None
                else "total: every galaxy S(z) times the Milky-Way-anchored L_CR(M*), S(z) = "
                "rho_LCR(z) / (L_CR,MW N_eq(z)) so the mass function's galaxies add up to rho_LCR; "
                f"S(0) = {float(self.luminosity_scale_at(0.0)):.4g}"
                if self.luminosity_normalisation == "total"
                else "milky_way: L_CR = L_CR,MW (M*/M_MW)^beta at every z; the number of galaxies "
                "is what rho_LCR(z) requires"
            ),
            "z_max": self.z_max,
            "cosmology": getattr(self.cosmology, "name", None) or repr(self.cosmology),
            "ebl": (
                "Dominguez et al. (2011) table; E clamped to 0.03-30 TeV, tau(E, z > 2) = "
                "tau(E, 2) (an underestimate), tau proportional to z below z = 0.01"
                if self.ebl
                else "not applied"
            ),
            "cmb": "gamma-gamma on the CMB along the path" if self.cmb else "not applied",
            "cascades": (
                "the gamma rays absorbed at each redshift re-emitted there as the universal "
                "cascade spectrum (E^-3/2 below E_X, E^-2 up to E_c: Berezinsky & Smirnov "
                "1975, Berezinsky & Kalashev 2016), E_c where tau to Earth is 1, E_X = "
                "(E_c/m_e c^2)^2 eps_CMB(z)/3; cascade photons absorbed on the way recycled "
                "into the same spectrum; IGMF deflection and IC on the EBL ignored"
                if self.cascade and self._absorbs
                else "not included"
                + ("" if self.cascade else " (cascade=False)")
                + ("" if self._absorbs else ": nothing is absorbed")
            ),
        }

    def _mass_words(self) -> str:
        if self.mass_function != "tinker2008":
            return ""
        zc = massfunction.TINKER08_Z_CALIBRATED
        when = (
            f" at each z (f(sigma) parameters held at z = {zc:g} beyond)"
            if self.mass_evolution
            else " at z = 0 for every z"
        )
        mdef = (
            "Moster's M_200c converted to M_200m (NFW, Duffy et al. 2008 concentrations)"
            if self.moster_mass_definition == "200c"
            else "Moster's halo mass taken as M_200m"
        )
        return f"{when}; {mdef}"

    def _cr_luminosity_density(self, z):
        """ρ_LCR(z) [erg s⁻¹ Mpc⁻³] of :func:`cr_luminosity_density` at this population's
        ``sfr_norm`` and ξ, on cgs floats (the hot path)."""
        return _psi(z, self.sfr_norm) * _kroupa_equivalent_factor() * self._cr_luminosity_per_sfr

    def _number_density(self, z):
        """n(z) F(z) = [ρ_LCR(z)/L_CR,MW] F(z) [1/cm³], comoving (F of :meth:`mass_factor_at`)."""
        F = self.mass_factor_at(z) if self._varies else self.mass_factor
        return self._cr_luminosity_density(z) / _MPC**3 / self.L_CR * F

    @functools.cached_property
    def _cr_luminosity_per_sfr(self) -> float:
        """L_CR of 1 M_⊙/yr [erg/s] (:func:`crescape.galaxies.cr_luminosity_from_sfr`, linear in the SFR)."""
        return float(cr_luminosity_from_sfr(1.0 * u.Msun / u.yr, self.xi).to_value(u.erg / u.s))

    def _emissivity(self, species):
        def q(Eem, z):
            return self._number_density(z) * halo_luminosity(self.emission, Eem, species)

        return q

    def _optical_depth(self, E, z):
        tau = np.zeros((E.size, z.size))
        if self.ebl:
            tau = tau + _tau_ebl(E[:, None], z[None, :])
        if self.cmb:
            tau = tau + _tau_cmb(E, z, self.cosmology)
        return tau

    @property
    def _absorbs(self) -> bool:
        """Some γγ absorption is on (EBL or CMB): the cascade has energy to carry."""
        return self.ebl or self.cmb

    @functools.cached_property
    def cascade_budget(self) -> dict:
        """The cascade source at each redshift node of the background integral (cgs floats).

        For each node z (:func:`background_intensity`'s Gauss-Legendre nodes):

        * ``absorbed``: ω_abs(z) = ∫ E' q_c(E', z) [1 - e^{-τ(E'/(1+z), z)}] dE'
          [erg s⁻¹ cm⁻³, comoving], the energy the direct γ rays (:meth:`_emissivity`) lose
          to pairs on their way to Earth, τ of :meth:`_optical_depth` (EBL and CMB as set);
          trapezoid in ln E over the observed energies of :data:`CASCADE_ENERGY_RANGE`
          (10 a decade, E' = E (1+z), as in :func:`background_intensity`);
        * ``E_c`` [erg, emitted]: (1+z) E_h, E_h the observed energy at which τ(E_h, z) = 1
          (:func:`crescape.physics.cascade.unit_depth_energy` on 40 points a decade): the
          "γ-ray horizon" of the source redshift, above which cascade photons do not reach
          Earth but cascade again; ``E_X`` = (1/3)(E_c/m_e c²)² ε̄_CMB(z)
          (:func:`crescape.physics.cascade.break_energy`);
        * ``reabsorbed``: the share f of the cascade spectrum's energy that τ absorbs on the
          way (:func:`_reabsorbed_share`); these photons make pairs again and are recycled
          into the same spectrum at the same z, so the spectrum emitted carries
          ``emitted`` = ω_abs/(1 - f) and the part that escapes carries ω_abs exactly;
        * ``z``, ``opz`` = 1+z, the nodes.

        Zero ``absorbed`` (and nothing to emit) without EBL and CMB.
        """
        z, _ = _z_nodes(self.z_max, self.n_z)
        Ef = _cascade_grid()
        opz = 1.0 + z
        if not self._absorbs:
            zero = np.zeros_like(z)
            one = np.full_like(z, Ef[-1])
            return {"z": z, "opz": opz, "absorbed": zero, "emitted": zero, "reabsorbed": zero,
                    "E_c": one * opz, "E_X": one * opz}  # fmt: skip
        tau, E_c, E_X, f = self._cascade_shape()
        E = Ef[::_CASCADE_STRIDE]
        Eem = np.multiply.outer(E, opz)
        # = self._emissivity("gamma")(Eem, z), the halo luminosity kept per template (tested)
        q = self._number_density(z) * _halo_gamma_on_cascade_grid(
            self.emission, self.z_max, self.n_z
        )
        absorbed = np.trapezoid(Eem**2 * q * -np.expm1(-tau), np.log(E), axis=0)
        return {"z": z, "opz": opz, "absorbed": absorbed, "emitted": absorbed / (1.0 - f),
                "reabsorbed": f, "E_c": E_c, "E_X": E_X}  # fmt: skip

    def _cascade_shape(self):
        """τ on the emissivity grid, E_c, E_X and the re-absorbed share at the nodes.

        They depend on the absorption (``ebl``, ``cmb``, ``cosmology``) and the nodes only, not
        on the halos: kept per process for the last 16 settings (a sweep's points share them).
        """
        key = (self.ebl, self.cmb, id(self.cosmology), self.z_max, self.n_z)
        hit = _CASCADE_SHAPES.get(key)
        if hit is not None and hit[0] is self.cosmology:
            return hit[1]
        z, _ = _z_nodes(self.z_max, self.n_z)
        opz = 1.0 + z
        Ef = _cascade_grid()
        tau_f = self._optical_depth(Ef, z)
        E_h = _cascade.unit_depth_energy(Ef, tau_f)
        E_c = E_h * opz
        E_X = np.minimum(_cascade.break_energy(E_c, z), E_c)
        f = _reabsorbed_share(Ef, tau_f, E_h, opz, E_c, E_X)
        out = tuple(np.ascontiguousarray(a) for a in (tau_f[::_CASCADE_STRIDE], E_c, E_X, f))
        for a in out:
            a.setflags(write=False)
        if len(_CASCADE_SHAPES) >= 16:
            _CASCADE_SHAPES.pop(next(iter(_CASCADE_SHAPES)))
        _CASCADE_SHAPES[key] = (self.cosmology, out)  # the reference keeps id() unique
        return out

    def _cascade_emissivity(self):
        """q_cas(E', z) [1/(erg s cm³)]: the universal spectrum of :attr:`cascade_budget` at z.

        The budget's values at its nodes, interpolated in ln(1+z) (exact at the nodes,
        which are those of :func:`background_intensity`).
        """
        b = self.cascade_budget
        xn = np.log1p(b["z"])
        lnEc, lnEX = np.log(b["E_c"]), np.log(b["E_X"])

        def q(Eem, z):
            x = np.log1p(np.asarray(z, dtype=float))
            w = np.interp(x, xn, b["emitted"])
            Ec, EX = np.exp(np.interp(x, xn, lnEc)), np.exp(np.interp(x, xn, lnEX))
            return _cascade.spectrum(Eem, w, Ec, EX)

        return q

    def cascade_intensity(self, E: Any) -> u.Quantity:
        """The cascade part of the γ-ray intensity at Earth [1/(GeV cm² s sr)].

        The universal spectrum of :attr:`cascade_budget` emitted at each redshift node,
        through :func:`background_intensity` with its own absorption e^{-τ} (the recycled
        share of it is in ``emitted``). Given whether or not ``cascade`` adds it to
        :meth:`intensity`; zero without EBL and CMB.
        """
        Ev = np.atleast_1d(_energy(E))
        if not self._absorbs:
            return u.Quantity(np.zeros(Ev.shape), INTENSITY_UNIT)
        val = self._background(Ev, self._cascade_emissivity(), True)
        return u.Quantity(val, "1 / (erg cm2 s sr)").to(INTENSITY_UNIT)

    def _check(self, species):
        if species not in _SPECIES:
            raise ParameterError(
                f"species = {species!r} is not allowed: must be one of {', '.join(_SPECIES)}"
            )

    def _background(self, Ev, emissivity, absorbed):
        """:func:`background_intensity` of one emissivity at this population's settings."""
        return background_intensity(
            Ev,
            emissivity,
            z_max=self.z_max,
            cosmology=self.cosmology,
            optical_depth=self._optical_depth if absorbed else None,
            n_z=self.n_z,
        )

    def _intensity(self, Ev, species, select=None):
        """I(E) [1/(erg cm² s sr)]; γ rays with the cascade if on; ``select(q)`` wraps emissivities."""
        pick = select or (lambda q: q)
        gamma = species == "gamma"
        out = self._background(Ev, pick(self._emissivity(species)), gamma and self._absorbs)
        if gamma and self.cascade and self._absorbs:
            out = out + self._background(Ev, pick(self._cascade_emissivity()), True)
        return out

    def intensity(self, E: Any, species: str = "nu_all") -> u.Quantity:
        """Diffuse intensity dN/dE of the population at Earth [1/(GeV cm² s sr)].

        ``species``: 'nu_e', 'nu_mu', 'nu_tau' (ν + ν̄ of one flavour after averaged
        oscillations), 'nu_all' (all flavours), 'gamma' (absorbed on the EBL and CMB as
        set, plus the cascade of the absorbed energy if ``cascade``:
        :meth:`cascade_intensity`).
        """
        self._check(species)
        Ev = np.atleast_1d(_energy(E))
        return u.Quantity(self._intensity(Ev, species), "1 / (erg cm2 s sr)").to(INTENSITY_UNIT)

    def sed(self, E: Any, species: str = "nu_all") -> u.Quantity:
        """E² dN/dE of the population [GeV/(cm² s sr)]."""
        Ev = np.atleast_1d(_energy(E))
        return (u.Quantity(Ev, u.erg) ** 2 * self.intensity(Ev * u.erg, species)).to(SED_UNIT)

    def cascade_sed(self, E: Any) -> u.Quantity:
        """E² dN/dE of the cascade part of the γ rays [GeV/(cm² s sr)] (:meth:`cascade_intensity`)."""
        Ev = np.atleast_1d(_energy(E))
        return (u.Quantity(Ev, u.erg) ** 2 * self.cascade_intensity(Ev * u.erg)).to(SED_UNIT)

    def milky_way_sed(self, E: Any, species: str = "nu_all") -> u.Quantity:
        """E² dN/dE of the Milky Way's own CGM at the Sun, sky-averaged [GeV/(cm² s sr)].

        :meth:`crescape.spectra.CGMEmission.sed` of the same template ('gamma' absorbed on
        the CMB only, over the halo's path).
        """
        self._check(species)
        return self.emission.sed(E, species).to(SED_UNIT)

    def absorbed_energy_intensity(
        self, E_min: Any = 10 * u.GeV, E_max: Any = 1e8 * u.GeV, n: int = 240
    ) -> u.Quantity:
        """∫ E [I_unabsorbed(E) - I_direct(E)] dE of the γ rays [GeV cm⁻² s⁻¹ sr⁻¹]: the cascade budget.

        The energy intensity, today, of the direct γ rays removed on the EBL and CMB
        between ``E_min`` and ``E_max`` (observed energies; trapezoid in ln E on ``n``
        points). The pairs they make pass it to the cascade. Energy can only be lost on
        the way (redshift acts on the primaries and the cascade photons alike), so this
        bounds the cascade's energy intensity today; the cascade of :meth:`cascade_intensity`,
        which recycles its own re-absorbed photons, carries all of it (over the same
        energies as :attr:`cascade_budget`: 0.1 GeV-1e8 GeV; tested).
        """
        Ev = np.geomspace(float(_energy(E_min)), float(_energy(E_max)), int(n))
        q = self._emissivity("gamma")
        kw = dict(z_max=self.z_max, cosmology=self.cosmology, n_z=self.n_z)
        bare = background_intensity(Ev, q, **kw)
        if not self._absorbs:
            return u.Quantity(0.0, SED_UNIT)
        kept = background_intensity(Ev, q, optical_depth=self._optical_depth, **kw)
        lnE = np.log(Ev)
        f = Ev**2 * (bare - kept)  # E · E dN/dE per ln E
        val = float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(lnE)))
        return u.Quantity(val, "erg / (cm2 s sr)").to(SED_UNIT)

    def redshift_fraction(self, species: str = "nu_all", E: Any = 100 * u.TeV, z_cut: float = 2.0):
        """Fraction of I(E) from sources beyond z_cut (e.g. the EBL table's last redshift)."""
        self._check(species)
        Ev = np.atleast_1d(_energy(E))
        zc = _finite_positive(z_cut, "z_cut", upper=self.z_max)

        def beyond(q):
            return lambda Eem, z: np.where(z > zc, q(Eem, z), 0.0)

        return float(self._intensity(Ev, species, beyond)[0] / self._intensity(Ev, species)[0])


def _icecube_at(name, E_GeV):
    """E²Φ per flavour of the IceCube bin holding E (value, lo, hi, upper limit?)."""
    t = _data.load(name)
    if t.meta["flux_convention"]["flavour"] == "all":
        t = _data.all_to_per_flavour(t)
    E_lo = t["E_min"].quantity.to_value(u.GeV)
    E_hi = t["E_max"].quantity.to_value(u.GeV)
    i = int(np.nonzero((E_lo <= E_GeV) & (E_GeV < E_hi))[0][0])
    f = t["E2Phi"].quantity[i].to_value(SED_UNIT)
    return f, bool(t["is_upper_limit"][i]), float(E_lo[i]), float(E_hi[i])


def _igrb_at(E_GeV):
    t = _data.fermi_band_to_e2dnde(_data.load("fermi_igrb_ackermann2015"), model="A")
    E_lo = t["E_min"].quantity.to_value(u.GeV)
    E_hi = t["E_max"].quantity.to_value(u.GeV)
    i = int(np.nonzero((E_lo <= E_GeV) & (E_GeV < E_hi))[0][0])
    return t["E2dNdE"].quantity[i].to_value(SED_UNIT), float(E_lo[i]), float(E_hi[i])


def reference_values() -> dict:
    """The measured values at 100 TeV (ν, per flavour) and 100 GeV (γ) that :func:`comparison` uses.

    IceCube 2015 (all flavours / 3) and 2025 combined fit in the bin holding 100 TeV, and
    the Fermi-LAT IGRB (Ackermann et al. 2015, model A) in the band holding 100 GeV, as
    Quantities [GeV cm⁻² s⁻¹ sr⁻¹] with the bin edges [GeV].
    """
    ic15 = _icecube_at("icecube_2015_differential", 1e5)
    ic25 = _icecube_at("icecube_2025_combinedfit", 1e5)
    igrb = _igrb_at(1e2)
    return {
        "icecube2015_per_flavour_100TeV": ic15[0] * SED_UNIT,
        "icecube2015_bin_GeV": (ic15[2], ic15[3]),
        "icecube2025_per_flavour_100TeV": ic25[0] * SED_UNIT,
        "icecube2025_bin_GeV": (ic25[2], ic25[3]),
        "igrb_100GeV": igrb[0] * SED_UNIT,
        "igrb_band_GeV": (igrb[1], igrb[2]),
    }


def comparison(delta_G_values=(1.0, 10.0, 100.0), **population_kwargs: Any) -> QTable:
    """The population's background against IceCube, the Fermi IGRB and the Milky Way's CGM.

    For each δ_G: E²Φ per flavour (ν_μ + ν̄_μ) at 100 TeV against the IceCube 2015
    (Aartsen et al. 2015, all flavours /3) and 2025 combined-fit bins holding 100 TeV,
    E² dN/dE of γ rays at 100 GeV against the Fermi-LAT IGRB band holding 100 GeV
    (Ackermann et al. 2015, Table 3, model A), and the same quantities for the Milky Way's
    own CGM (sky-averaged, :class:`crescape.spectra.CGMEmission`).
    """
    E_nu, E_g = 1e5, 1e2  # GeV
    ic15 = _icecube_at("icecube_2015_differential", E_nu)
    ic25 = _icecube_at("icecube_2025_combinedfit", E_nu)
    igrb = _igrb_at(E_g)
    rows = []
    for dG in delta_G_values:
        pop = CosmicPopulation(dG, **population_kwargs)
        nu = float(pop.sed(E_nu, "nu_mu")[0].to_value(SED_UNIT))
        g = float(pop.sed(E_g, "gamma")[0].to_value(SED_UNIT))
        mw_nu = float(pop.milky_way_sed(E_nu, "nu_mu").to_value(SED_UNIT))
        mw_g = float(pop.milky_way_sed(E_g, "gamma").to_value(SED_UNIT))
        rows.append((float(dG), nu, mw_nu, nu / ic15[0], nu / ic25[0], g, mw_g, g / igrb[0]))
    names = (
        "delta_G",
        "nu_pop_100TeV",
        "nu_mw_100TeV",
        "nu_pop_over_icecube2015",
        "nu_pop_over_icecube2025",
        "gamma_pop_100GeV",
        "gamma_mw_100GeV",
        "gamma_pop_over_igrb",
    )
    t = QTable(rows=rows, names=names)
    for c in ("nu_pop_100TeV", "nu_mw_100TeV", "gamma_pop_100GeV", "gamma_mw_100GeV"):
        t[c] = t[c] * SED_UNIT
    t.meta = {
        "icecube2015_per_flavour_100TeV": ic15[0] * SED_UNIT,
        "icecube2015_bin_GeV": (ic15[2], ic15[3]),
        "icecube2025_per_flavour_100TeV": ic25[0] * SED_UNIT,
        "icecube2025_bin_GeV": (ic25[2], ic25[3]),
        "igrb_100GeV": igrb[0] * SED_UNIT,
        "igrb_band_GeV": (igrb[1], igrb[2]),
        "neutrino_convention": "nu_mu + nu_mu-bar, per flavour",
        "gamma": "direct emission absorbed on the EBL (Dominguez et al. 2011) and CMB"
        + (
            ", plus the cascade of the absorbed energy (universal spectrum)"
            if population_kwargs.get("cascade", True)
            and (population_kwargs.get("ebl", True) or population_kwargs.get("cmb", True))
            else "; no cascades"
        ),
    }
    return t


# --------------------------------------------------------------------------- published estimates


@functools.cache
def _estimates_read() -> Table:
    path = resources.files("crescape.data").joinpath("files", f"{_ESTIMATES_FILE}.ecsv")
    return Table.read(Path(str(path)), format="ascii.ecsv")


def published_estimates() -> Table:
    """Published star-forming-galaxy background estimates, as their abstracts state them (a fresh copy).

    Shipped ECSV ``sfg_neutrino_estimates``: Loeb & Waxman (2006) E²Φ ≈ 1e-7 GeV cm⁻² s⁻¹
    sr⁻¹ at GeV energies with E²Φ ∝ E^(-0.15 ± 0.1) up to ~0.3 PeV; Bechtol et al. (2017)
    about an order of magnitude below IceCube for a CR index of 2.3; Peretti et al. (2020)
    all of IceCube's flux above ~200 TeV and <~ 40% of the EGB; Ambrosone et al. (2021) up
    to 40% of the HESE events. ``meta["not_shipped"]`` names what could not be cited.
    """
    t = _estimates_read()
    out = t.copy(copy_data=True)
    out.meta = copy.deepcopy(dict(t.meta))
    return out


def published_power_law_sed(key: str = "LW06", E: Any = None) -> u.Quantity:
    """E²Φ = E²Φ_ref (E/E_ref)^index of a ``power_law`` row of :func:`published_estimates` [GeV cm⁻² s⁻¹ sr⁻¹].

    NaN outside the stated range [E_lo, E_hi]. Default energies: 30 log-spaced over the range.
    """
    t = _estimates_read()
    rows = [r for r in t if str(r["key"]) == key and str(r["kind"]) == "power_law"]
    if not rows:
        known = sorted({str(r["key"]) for r in t if str(r["kind"]) == "power_law"})
        raise ParameterError(f"key = {key!r} is not allowed: must be one of {', '.join(known)}")
    r = rows[0]
    lo, hi = float(r["E_lo"]), float(r["E_hi"])
    Ev = np.geomspace(lo, hi, 30) if E is None else np.atleast_1d(_energy(E)) / C.GeV
    val = float(r["E2Phi_ref"]) * (Ev / float(r["E_ref"])) ** float(r["index"])
    return u.Quantity(
        np.where((Ev >= lo * (1 - 1e-12)) & (Ev <= hi * (1 + 1e-12)), val, np.nan), SED_UNIT
    )


# --------------------------------------------------------------------------- numbers, sweep, figure

#: outputs of :func:`background_numbers` and of :class:`PopulationProduct` [GeV cm⁻² s⁻¹ sr⁻¹ or ratio]
SWEEP_OUTPUTS = {
    "nu_mu_100TeV": "E^2 Phi of the population, nu_mu + nu_mu-bar (per flavour), at 100 TeV",
    "nu_all_100TeV": "E^2 Phi of the population, all flavours, at 100 TeV",
    "gamma_100GeV": "E^2 dN/dE of the population's gamma rays at 100 GeV, after EBL and CMB absorption, "
    "with the cascade of the absorbed energy unless cascade=False",
    "mw_nu_mu_100TeV": "the Milky Way's own CGM, nu_mu + nu_mu-bar, at 100 TeV, sky-averaged",
    "mw_gamma_100GeV": "the Milky Way's own CGM, gamma rays at 100 GeV, sky-averaged",
    "pop_over_mw_nu": "population / Milky Way, neutrinos at 100 TeV",
    "pop_over_mw_gamma": "population / Milky Way, gamma rays at 100 GeV",
    "nu_over_icecube2015": "population (per flavour) / IceCube 2015 (all flavours / 3), 100-215 TeV bin",
    "gamma_over_igrb": "population / Fermi-LAT IGRB (Ackermann et al. 2015, model A) in the band holding 100 GeV",
}


@functools.cache
def _references_100():
    return _icecube_at("icecube_2015_differential", 1e5)[0], _igrb_at(1e2)[0]


def _sed_float(pop, E_GeV, species):
    """E² dN/dE [GeV cm⁻² s⁻¹ sr⁻¹] of :meth:`CosmicPopulation.sed` at one energy, on cgs floats."""
    E = np.array([E_GeV * C.GeV])
    return float(E[0] ** 2 * pop._intensity(E, species)[0] / C.GeV)


@functools.lru_cache(maxsize=64)
def _milky_way_100(emission):
    """The Milky Way's own CGM (ν_μ at 100 TeV, γ at 100 GeV) of one emission object, kept per process."""
    return (
        float(emission.sed(1e5, "nu_mu").to_value(SED_UNIT)),
        float(emission.sed(1e2, "gamma").to_value(SED_UNIT)),
    )


def background_numbers(pop: CosmicPopulation) -> dict[str, float]:
    """The numbers of :data:`SWEEP_OUTPUTS` for one population (plain floats, GeV cm⁻² s⁻¹ sr⁻¹ or ratios)."""
    E_nu, E_g = 1e5, 1e2  # GeV
    nu_mu = _sed_float(pop, E_nu, "nu_mu")
    nu_all = _sed_float(pop, E_nu, "nu_all")
    g = _sed_float(pop, E_g, "gamma")
    mw_nu, mw_g = _milky_way_100(pop.emission)
    ic, igrb = _references_100()
    return {
        "nu_mu_100TeV": nu_mu,
        "nu_all_100TeV": nu_all,
        "gamma_100GeV": g,
        "mw_nu_mu_100TeV": mw_nu,
        "mw_gamma_100GeV": mw_g,
        "pop_over_mw_nu": nu_mu / mw_nu,
        "pop_over_mw_gamma": g / mw_g,
        "nu_over_icecube2015": nu_mu / ic,
        "gamma_over_igrb": g / igrb,
    }


def _variable_specs():
    from .params import Spec

    d = u.dimensionless_unscaled
    return {
        "xi": Spec("xi", "population", d, d, XI_CR, 0.0, 1.0, True, False,
                   "CR efficiency L_CR = xi E_SN R_SN of every galaxy"),
        "sfr_mass_slope": Spec("sfr_mass_slope", "population", d, d, massfunction.WHITAKER12_SLOPES["star_forming"], 0.0, 2.0, False, False,
                               "beta of SFR ~ M^beta (Whitaker et al. 2012: 0.6; blue galaxies 1.0)"),
        "delta_G_mass_slope": Spec("delta_G_mass_slope", "population", d, d, 0.0, -2.0, 2.0, False,
                                   False, "gamma of delta_G(M) = delta_G (M/M_MW)^gamma"),
    }  # fmt: skip


def _is_ratio(name):
    return name.startswith(("pop_over", "nu_over", "gamma_over"))


#: parameters of the template galaxy that a population sweep takes from the swept Parameters
_TEMPLATE_KEYS = ("delta_G", "slope", "E_max", "E_min", "cutoff")


class PopulationProduct(Product):
    """The population background at 100 TeV (ν) and 100 GeV (γ) as a sweep product.

    Axes: ``delta_G``, ``slope``, ``E_max``, ``E_min``, ``cutoff`` (parameters of the
    Milky-Way template; its L_CR always comes from its SFR) and the variables ``xi``,
    ``sfr_mass_slope``, ``delta_G_mass_slope`` (:class:`CosmicPopulation`). Evaluated
    point by point; the outputs are :data:`SWEEP_OUTPUTS`.

    Parameters
    ----------
    mass_function : {None, 'baldry2012', 'tinker2008'}
        As for :class:`CosmicPopulation` (default 'baldry2012', so that ``sfr_mass_slope``
        and ``delta_G_mass_slope`` act).
    n_z : int
        Redshift nodes (default 48: the two energies change by < 0.2% from 96).
    mass_evolution : bool
        As for :class:`CosmicPopulation` (default True; acts with 'tinker2008').
    cascade : bool
        γ rays with the cascade of the absorbed energy (default True, as
        :class:`CosmicPopulation`).
    """

    name = "population"
    vectorized = False

    def __init__(
        self,
        mass_function: str | None = "baldry2012",
        n_z: int = 48,
        mass_evolution: bool = True,
        cascade: bool = True,
    ):
        self.variables = _variable_specs()
        self.mass_function = mass_function
        self.n_z = int(n_z)
        self.mass_evolution = mass_evolution
        self.cascade = bool(cascade)
        CosmicPopulation(mass_function=mass_function, n_z=self.n_z, mass_evolution=mass_evolution)

    def evaluate(self, params, variables, n):
        flat = params.as_flat()
        tpl = {k: flat[k] for k in _TEMPLATE_KEYS if k != "delta_G"}
        kw = {k: float(variables.get(k, s.default)) for k, s in self.variables.items()}
        pop = CosmicPopulation(
            float(params.cgs.delta_G),
            mass_function=self.mass_function,
            mass_evolution=self.mass_evolution,
            n_z=self.n_z,
            cascade=self.cascade,
            params=tpl,
            **kw,
        )
        return {
            k: np.array([v]) if _is_ratio(k) else u.Quantity([v], SED_UNIT)
            for k, v in background_numbers(pop).items()
        }

    def output_attrs(self, name):
        return {"long_name": SWEEP_OUTPUTS[name]}

    def describe(self):
        return {
            "product": self.name,
            "mass_function": self.mass_function,
            "n_z": self.n_z,
            "mass_evolution": bool(self.mass_evolution),
            "cascade": self.cascade,
        }


def assumption_sweep(
    axes: dict | None = None, *, scheduler: Any = "serial", mass_function="baldry2012", **kwargs
):
    """The population background over a grid of its assumptions (:func:`crescape.analysis.sweep.sweep`).

    Default axes (5 × 3 × 3 × 2 × 2 = 180 points): δ_G 30-300, slope 2.0-2.4, E_max 0.3-3 PeV,
    ξ 0.05 and 0.2, β 0.6 and 1.0 (with δ_G the same in every halo). Returns the sweep's
    :class:`xarray.Dataset`.
    """
    from .analysis.sweep import sweep

    if axes is None:
        axes = {
            "delta_G": np.geomspace(30.0, 300.0, 5),
            "slope": [2.0, 2.2, 2.4],
            "E_max": [3e5, 1e6, 3e6],
            "xi": [0.05, 0.2],
            "sfr_mass_slope": [0.6, 1.0],
        }
    kwargs.setdefault("progress", False)
    return sweep(
        PopulationProduct(mass_function=mass_function), axes, scheduler=scheduler, **kwargs
    )


def uncertainty_bands(
    ds, outputs=("nu_mu_100TeV", "gamma_100GeV", "pop_over_mw_nu", "pop_over_mw_gamma")
):
    """Median, 16-84% and min-max of sweep outputs over every point (the spread of the assumptions)."""
    out = {}
    for k in outputs:
        v = np.asarray(ds[k].values, dtype=float).ravel()
        v = v[np.isfinite(v)]
        q = np.percentile(v, [0, 16, 50, 84, 100])
        out[k] = {
            "min": float(q[0]),
            "p16": float(q[1]),
            "median": float(q[2]),
            "p84": float(q[3]),
            "max": float(q[4]),
            "n": int(v.size),
        }
    return out


def plot_background(pops: dict, E=None, ax=None):
    """Figure: the population's ν (per flavour, all flavours) and γ background against the data.

    ``pops`` maps a label to a :class:`CosmicPopulation`; with its cascade on, the γ curve
    includes it and the cascade part is drawn too. Drawn with IceCube 2015 (all
    flavours / 3) and 2025 (per flavour), the Fermi-LAT IGRB (model A), the Milky Way's
    own CGM of the first population, and the published estimates of
    :func:`published_estimates` (the Loeb & Waxman 2006 power law as stated; fractions as
    markers at the fraction times the IceCube 2015 flux at 100 TeV). Returns (fig, ax).
    """
    import matplotlib.pyplot as plt

    Ev = np.geomspace(10.0, 1e7, 100) if E is None else np.atleast_1d(_energy(E)) / C.GeV
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 5.6))
    else:
        fig = ax.figure
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    first = None
    for i, (label, pop) in enumerate(pops.items()):
        c = colours[i % len(colours)]
        first = first or pop
        ax.loglog(Ev, pop.sed(Ev * u.GeV, "nu_mu").to_value(SED_UNIT), "-", color=c,
                  label=f"{label}: ν_μ+ν̄_μ")  # fmt: skip
        ax.loglog(Ev, pop.sed(Ev * u.GeV, "nu_all").to_value(SED_UNIT), ":", color=c,
                  label=f"{label}: all flavours")  # fmt: skip
        ax.loglog(Ev, pop.sed(Ev * u.GeV, "gamma").to_value(SED_UNIT), "--", color=c,
                  label=f"{label}: γ after EBL+CMB" + (" (with cascade)" if pop.cascade and pop._absorbs else ""))  # fmt: skip
        if pop.cascade and pop._absorbs:
            cas = Ev**2 * pop.cascade_intensity(Ev * u.GeV).to_value(
                INTENSITY_UNIT
            )  # GeV cm⁻² s⁻¹ sr⁻¹
            ax.loglog(Ev, cas, "-.", color=c, lw=0.8, label=f"{label}: γ cascade part")  # fmt: skip
    if first is not None:
        ax.loglog(Ev, first.milky_way_sed(Ev * u.GeV, "nu_mu").to_value(SED_UNIT), "-", color="0.5",
                  lw=0.8, label="Milky Way CGM (same template): ν_μ+ν̄_μ")  # fmt: skip
    ic = _data.all_to_per_flavour(_data.load("icecube_2015_differential"))
    det = ~np.asarray(ic["is_upper_limit"], bool)
    Ec = ic["E_c"].quantity.to_value(u.GeV)
    f = ic["E2Phi"].quantity.to_value(SED_UNIT)
    ax.errorbar(Ec[det], f[det], yerr=[f[det] - ic["E2Phi_lo"].quantity.to_value(SED_UNIT)[det],
                ic["E2Phi_hi"].quantity.to_value(SED_UNIT)[det] - f[det]], fmt="o", color="k", ms=4,
                label="IceCube 2015 (Aartsen et al. 2015, ApJ 809, 98), /3")  # fmt: skip
    i25 = _data.load("icecube_2025_combinedfit")
    d25 = ~np.asarray(i25["is_upper_limit"], bool)
    ax.plot(i25["E_c"].quantity.to_value(u.GeV)[d25], i25["E2Phi"].quantity.to_value(SED_UNIT)[d25],
            "s", mfc="none", color="k", ms=5, label="IceCube 2025 combined fit, per flavour")  # fmt: skip
    fg = _data.fermi_band_to_e2dnde(_data.load("fermi_igrb_ackermann2015"), model="A")
    ax.plot(fg["E_c"].quantity.to_value(u.GeV), fg["E2dNdE"].quantity.to_value(SED_UNIT), "^",
            color="tab:green", ms=4, label="Fermi-LAT IGRB (Ackermann et al. 2015, model A)")  # fmt: skip
    lw = published_power_law_sed("LW06")
    E_lw = np.geomspace(1.0, 3e5, 30)
    ax.loglog(E_lw, lw.to_value(SED_UNIT), "-.", color="tab:purple",
              label="Loeb & Waxman 2006 (abstract: 1e-7 E^-0.15 to 0.3 PeV)")  # fmt: skip
    ic100 = _references_100()[0]
    for r in _estimates_read():
        if str(r["kind"]) == "fraction" and str(r["messenger"]) == "neutrino":
            E0 = 1e5 if math.isnan(float(r["E_lo"])) else float(r["E_lo"])
            mark = "v" if "upper" in str(r["fraction_kind"]) else "D"
            ax.plot([E0], [float(r["fraction"]) * ic100], mark, color="tab:purple", ms=6,
                    label=f"{r['key']}: {float(r['fraction']):g} × IceCube ({r['fraction_kind']})")  # fmt: skip
    ax.set_xlabel("E [GeV]")
    ax.set_ylabel("E² Φ [GeV cm⁻² s⁻¹ sr⁻¹]")
    ax.set_ylim(1e-14, 1e-5)
    ax.set_title("CGM of all galaxies: diffuse ν and γ background (crescape.population)")
    ax.legend(fontsize=6.5, loc="lower left", ncol=2)
    return fig, ax
