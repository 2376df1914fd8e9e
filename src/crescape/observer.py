"""The circumgalactic emission of an external galaxy, seen from Earth at a distance d.

:class:`crescape.spectra.CGMEmission` gives the intensity seen from *inside* a
halo, at the Sun's position. :class:`ExternalGalaxy` puts the same halo at a
distance ``d`` from the observer (M31 at 0.78 Mpc, an M82-like starburst at
3.5 Mpc) and gives

* the luminosity per unit energy, L(E) = ∫ q(E, r) 4πr² dr;
* the flux F(E) = G L(E)/(4πd²), exact for any d > R_out: G is
  :func:`finite_distance_factor` (1 in the point-source limit d ≫ R_out);
* the surface brightness of the extended halo, I(E, θ), whose integral over
  the solid angle of the halo is L(E)/(4πd²) (small-angle limit, below);
* the angular radii of the inner region and of the halo.

Geometry (stated, the one of :mod:`crescape.physics.cgm_source`): the emissivity is
q(E, r) = q₀(E) f(r) with f = 1 for r <= R_d, (R_d/r)² for R_d < r <= R_out, 0 beyond
(the CR density of Eq. 15 and the r⁻² fall-off after it, in uniform gas). The flux is
exact: a shell of radius r seen from a distance d > r has ⟨1/|x − x_obs|²⟩ =
ln((d + r)/(d − r))/(2 r d), so F = (1/2d) ∫ q(r) r ln((d + r)/(d − r)) dr. The surface
brightness is the small-angle limit d ≫ R_out: the lines of sight through the halo are
parallel, the impact parameter is b = dθ and dΩ = 2πθ dθ; its errors are of order
(R_out/d)²: 8e-4 for the default R_out = 100 kpc at 3.5 Mpc, 2e-2 at M31's 0.78 Mpc, and
of order 1 for the Magellanic Clouds, whose halos reach almost to the Sun (a
:class:`~crescape.errors.ValidityWarning` says so when R_out/d > 0.3, an error of ~10%).

Absorption: for ``species='gamma'`` the photons are attenuated by exp(-κ(E) d)
on the CMB (:func:`crescape.physics.gamma_absorption.absorption_coefficient`);
the extragalactic background light is not included, so above ~10 TeV the
absorbed γ-ray flux of a galaxy at Mpc distances is an upper bound. Neutrinos
are mixed by averaged oscillations, as for the view from inside.

Units follow docs/units.md: plain numbers for ``E`` are GeV, for ``distance``
kpc, for ``theta`` radians.

Examples
--------
>>> import astropy.units as u
>>> from crescape.observer import ExternalGalaxy
>>> m82 = ExternalGalaxy(distance=3.5 * u.Mpc)
>>> m82.flux(100 * u.TeV, "nu_all").unit
Unit("1 / (GeV s cm2)")
>>> round(float(m82.angular_radius.to_value(u.deg)), 2)
1.64
"""

from __future__ import annotations

import warnings
from typing import Any

import astropy.units as u
import numpy as np

from .errors import ValidityWarning
from .params import ParameterError, Parameters
from .physics import gamma_absorption
from .spectra import SPECIES_AT_EARTH, CGMEmission, _energy, _length
from .units import parse_quantity

__all__ = [
    "ExternalGalaxy",
    "emitting_volume",
    "finite_distance_factor",
    "halo_luminosity",
    "projected_column",
    "LUMINOSITY_UNIT",
    "FLUX_UNIT",
    "SURFACE_BRIGHTNESS_UNIT",
]

LUMINOSITY_UNIT = u.Unit("1 / (GeV s)")
FLUX_UNIT = u.Unit("1 / (GeV cm2 s)")
SURFACE_BRIGHTNESS_UNIT = u.Unit("1 / (GeV cm2 s sr)")
#: species seen from outside (the electrons stay in the halo)
SPECIES_FROM_OUTSIDE = SPECIES_AT_EARTH
#: R_out/d above which the small-angle surface brightness warns ((R_out/d)² ~ 0.1)
SMALL_ANGLE_LIMIT = 0.3


def emitting_volume(R_d, R_out):
    """V_eff = ∫ f(r) 4πr² dr = (4π/3) R_d³ + 4π R_d² (R_out - R_d) [cm³].

    The volume of the halo weighted by the CR profile f(r) of
    :meth:`crescape.physics.cgm_source.HaloGeometry.profile`, so that the
    luminosity is L(E) = q₀(E) V_eff. cgs floats in and out.
    """
    return 4.0 * np.pi * (R_d**3 / 3.0 + R_d**2 * (R_out - R_d))


def projected_column(b, R_d, R_out):
    """Σ(b) = ∫ f(√(b² + s²)) ds along a line of sight of impact parameter b [cm].

    The projection of the spherically symmetric profile f(r) (the Abel transform),
    in closed form: with X = √(R_out² - b²) and Y = √(R_d² - b²),

    * b < R_d:  Σ = 2Y + (2R_d²/b) [atan(X/b) - atan(Y/b)];
    * R_d <= b < R_out: Σ = (2R_d²/b) atan(X/b);
    * b >= R_out: Σ = 0.

    ∫ Σ(b) 2πb db = V_eff (:func:`emitting_volume`). cgs floats or arrays.
    """
    b = np.abs(np.asarray(b, dtype=float))
    X = np.sqrt(np.maximum(R_out**2 - b**2, 0.0))
    Y = np.sqrt(np.maximum(R_d**2 - b**2, 0.0))
    bs = np.where(b > 0, b, R_d)  # b = 0 takes the limit below
    # atan(X/b) - atan(Y/b) = atan2((X - Y) b, b² + XY), which stays accurate as b -> 0
    outer = np.where(
        b > 0,
        2.0 * R_d**2 * np.arctan2((X - Y) * bs, bs**2 + X * Y) / bs,
        2.0 * R_d**2 * (R_out - R_d) / (R_out * R_d),
    )
    inner = np.where(b < R_d, 2.0 * Y, 0.0)
    halo = np.where(b < R_d, outer, 2.0 * R_d**2 * np.arctan2(X, bs) / bs)
    return np.where(b < R_out, inner + halo, 0.0)


def finite_distance_factor(R_d, R_out, d, n: int = 128) -> float:
    """G = F / [L/(4πd²)]: the flux of the halo at a finite distance d over the point-source flux.

    For the profile f(r) (1 for r <= R_d, (R_d/r)² to R_out) and an observer at d > R_out:
    the mean of 1/|x − x_obs|² over a sphere of radius r < d about the centre is
    ln((d + r)/(d − r))/(2 r d) (the integral of 1/(r² + d² − 2rdμ) over μ ∈ [−1, 1]), so

        G = (d/2) ∫ f(r) r ln((d + r)/(d − r)) dr / ∫ f(r) r² dr,

    G = 1 + O(R_out²/d²) and G > 1. Gauss-Legendre on [0, R_d] and [R_d, R_out] with
    ``n`` nodes each (the logarithm's singularity at r = d lies outside). cgs floats.
    """
    R_d, R_out, d = float(R_d), float(R_out), float(d)
    if not (0.0 < R_d <= R_out < d):
        raise ParameterError(
            f"R_d, R_out, d = {R_d:g}, {R_out:g}, {d:g} cm are not allowed: need 0 < R_d <= R_out < d"
        )
    x, w = np.polynomial.legendre.leggauss(int(n))
    num = den = 0.0
    for a, b in ((0.0, R_d), (R_d, R_out)):
        if b <= a:
            continue
        r = 0.5 * (b - a) * x + 0.5 * (b + a)
        wr = 0.5 * (b - a) * w
        f = np.where(r <= R_d, 1.0, (R_d / r) ** 2)
        # ln((d + r)/(d − r)) = 2 artanh(r/d), accurate for r ≪ d
        num += float(np.sum(wr * f * r * 2.0 * np.arctanh(r / d)))
        den += float(np.sum(wr * f * r**2))
    return 0.5 * d * num / den


def halo_luminosity(emission: CGMEmission, Ev, species: str):
    """L(E) = q₀(E) V_eff [1/(erg s)], unabsorbed, of the halo of ``emission`` (energies in erg).

    q₀ is the inner-region emissivity of the species as seen far away (neutrino
    flavours mixed), V_eff the volume of :func:`emitting_volume`.
    """
    g = emission.geometry
    return emission._q_observed(Ev, species) * emitting_volume(g.R_d, g.R_out)


class ExternalGalaxy:
    """The CGM emission of a galaxy at a distance ``distance`` from the observer.

    Parameters
    ----------
    emission : CGMEmission or Parameters, optional
        The emission model of the halo (default: :class:`CGMEmission` at the paper's
        parameters). Parameters are turned into ``CGMEmission(params, **kwargs)``.
    distance : Quantity [length] or float in kpc
        Distance of the galaxy's centre from the observer; must exceed the halo
        radius R_out (the observer is outside the halo).
    **kwargs
        Passed to :class:`CGMEmission` when ``emission`` is not one.

    Notes
    -----
    F(E) = G L(E)/(4πd²) with L(E) = q₀(E) V_eff (:func:`emitting_volume`) and G the exact
    finite-distance factor (:func:`finite_distance_factor`, 1 + O(R_out²/d²));
    I(E, θ) = q₀(E) Σ(dθ)/(4π) (:func:`projected_column`; the transfer equation
    dI/ds = j with j = q/4π for isotropic emission, Rybicki & Lightman 1979, §1.4), so
    that ∫ I 2πθ dθ = q₀ V_eff/(4πd²) = F(E)/G (small-angle limit, see the module notes).
    """

    def __init__(
        self, emission: CGMEmission | Parameters | None = None, *, distance: Any, **kwargs
    ):
        if emission is None or isinstance(emission, Parameters):
            emission = CGMEmission(emission, **kwargs)
        elif kwargs:
            raise ParameterError(
                f"{', '.join(kwargs)} is not allowed with a CGMEmission: set it on the emission model"
            )
        if not isinstance(emission, CGMEmission):
            raise ParameterError(
                f"emission = {type(emission).__name__} is not allowed: "
                "must be a CGMEmission, Parameters or None"
            )
        if getattr(emission, "profile", None) is not None:
            raise ParameterError(
                "emission with profile = CGMProfile(...) is not allowed: the view from outside "
                "is computed for the uniform CGM only"
            )
        self.emission = emission
        d = _length(distance, "distance")
        R_out = self.emission.geometry.R_out
        if d <= R_out:
            raise ParameterError(
                f"distance = {d / u.kpc.to(u.cm):g} kpc is not allowed: must be > R_out = "
                f"{R_out / u.kpc.to(u.cm):g} kpc (the observer outside the halo; from inside use "
                "CGMEmission.spectrum)"
            )
        self._d = d
        g = self.emission.geometry
        #: F / [L/(4πd²)], the exact finite-distance factor (:func:`finite_distance_factor`)
        self.finite_distance_factor = finite_distance_factor(g.R_d, g.R_out, d)

    @property
    def distance(self) -> u.Quantity:
        """Distance of the galaxy [Mpc]."""
        return (self._d * u.cm).to(u.Mpc)

    @property
    def angular_radius(self) -> u.Quantity:
        """Angular radius of the halo, R_out/d [deg] (small-angle limit)."""
        return (self.emission.geometry.R_out / self._d * u.rad).to(u.deg)

    @property
    def angular_radius_inner(self) -> u.Quantity:
        """Angular radius of the inner region of uniform CR density, R_d/d [deg]."""
        return (self.emission.geometry.R_d / self._d * u.rad).to(u.deg)

    @property
    def volume(self) -> u.Quantity:
        """The profile-weighted emitting volume V_eff [kpc³] (:func:`emitting_volume`)."""
        g = self.emission.geometry
        return (emitting_volume(g.R_d, g.R_out) * u.cm**3).to(u.kpc**3)

    def _check(self, species):
        if species not in SPECIES_FROM_OUTSIDE:
            raise ParameterError(
                f"species = {species!r} is not allowed: must be one of "
                f"{', '.join(SPECIES_FROM_OUTSIDE)}"
            )

    def _transmission(self, Ev, species):
        if species != "gamma":
            return 1.0
        return np.exp(-gamma_absorption.absorption_coefficient(Ev) * self._d)

    def _luminosity(self, Ev, species):
        return halo_luminosity(self.emission, Ev, species)

    def luminosity(self, E, species: str = "nu_all") -> u.Quantity:
        """Differential luminosity L(E) = q₀(E) V_eff of the whole halo [1/(GeV s)], unabsorbed."""
        self._check(species)
        Ev = _energy(E)
        return u.Quantity(self._luminosity(Ev, species), "1 / (erg s)").to(LUMINOSITY_UNIT)

    def _point_flux(self, Ev, species):
        L = self._luminosity(Ev, species)
        return L / (4.0 * np.pi * self._d**2) * self._transmission(Ev, species)

    def _flux(self, Ev, species):
        return self.finite_distance_factor * self._point_flux(Ev, species)

    def flux(self, E, species: str = "nu_all") -> u.Quantity:
        """Flux of the whole halo at Earth, F(E) = G L(E)/(4πd²) [1/(GeV cm2 s)], exact.

        G is :attr:`finite_distance_factor` (1 + O(R_out²/d²)). ``species`` as for
        :meth:`CGMEmission.spectrum`; 'gamma' is attenuated by exp(-κd) on the CMB (the
        centre's distance for every part of the halo).
        """
        self._check(species)
        Ev = _energy(E)
        return u.Quantity(self._flux(Ev, species), "1 / (erg cm2 s)").to(FLUX_UNIT)

    def point_source_flux(self, E, species: str = "nu_all") -> u.Quantity:
        """L(E)/(4πd²) [1/(GeV cm2 s)]: :meth:`flux` in the point-source limit (G = 1)."""
        self._check(species)
        Ev = _energy(E)
        return u.Quantity(self._point_flux(Ev, species), "1 / (erg cm2 s)").to(FLUX_UNIT)

    def sed(self, E, species: str = "nu_all") -> u.Quantity:
        """E² F(E) of the whole halo [erg/(cm2 s)] (naima's unit)."""
        Ev = _energy(E)
        return (u.Quantity(Ev, u.erg) ** 2 * self.flux(Ev * u.erg, species)).to("erg / (cm2 s)")

    def surface_brightness(self, E, theta, species: str = "nu_all") -> u.Quantity:
        """I(E, θ) = q₀(E) Σ(dθ)/(4π) × transmission [1/(GeV cm2 s sr)], θ from the centre.

        Returns an array of shape ``(len(theta), len(E))`` (scalars dropped). Its
        integral ∫ I 2πθ dθ over the halo (θ < R_out/d) is :meth:`point_source_flux`:
        the small-angle view, whose errors are of order (R_out/d)² (a ValidityWarning
        when R_out/d > 0.3).
        """
        self._check(species)
        ratio = self.emission.geometry.R_out / self._d
        if ratio > SMALL_ANGLE_LIMIT:
            warnings.warn(
                f"R_out/d = {ratio:.2g} > {SMALL_ANGLE_LIMIT:g}: the small-angle surface brightness "
                f"errs by ~(R_out/d)^2 = {ratio**2:.2g} (the flux is exact)",
                ValidityWarning,
                stacklevel=2,
            )
        Ev = _energy(E)
        th = parse_quantity(theta, u.rad, "theta").to_value(u.rad)
        th = np.asarray(th, dtype=float)
        if not np.all(np.isfinite(th) & (th >= 0)):
            raise ParameterError(
                f"theta = {theta} is not allowed: must be finite and >= 0 (plain numbers in rad)"
            )
        g = self.emission.geometry
        col = projected_column(self._d * th, g.R_d, g.R_out)
        q = self.emission._q_observed(np.atleast_1d(Ev), species) * self._transmission(
            np.atleast_1d(Ev), species
        )
        out = np.multiply.outer(col, q) / (4.0 * np.pi)
        if np.ndim(Ev) == 0:
            out = out[..., 0]
        return u.Quantity(out, "1 / (erg cm2 s sr)").to(SURFACE_BRIGHTNESS_UNIT)
