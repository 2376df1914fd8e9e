"""Observables of a circumgalactic profile: ν, γ and radio intensities at Earth from n_CR(r, E).

:class:`ProfileEmission` integrates the pp secondaries and the synchrotron emission of
a spherically symmetric source along every line of sight from the Sun and averages
over the sky, with the same quadrature and the same physics as the uniform CGM of
:class:`crescape.spectra.CGMEmission`:

* production: the full pp spectra of Kelner, Aharonian & Bugayov (2006, PRD 74, 034018;
  KAB06), Eqs. 71-72 above 0.1 TeV and their δ-function approximation, Eqs. 77-78,
  below (:func:`crescape.physics.pp.emissivity`);
* neutrinos at Earth: ν + ν̄ per flavour after averaged oscillations
  (:func:`crescape.physics.oscillation.transition_matrix`) and their sum;
* γ rays: absorbed on the CMB along each line of sight, exp(−κ(E) s) at the path length
  s from the Sun (Gould & Schréder 1967; :mod:`crescape.physics.gamma_absorption`), as
  :func:`crescape.physics.cgm_source.sky_averaged_intensity` does for the uniform CGM;
* radio: the secondary e± in the local steady state under synchrotron and
  inverse-Compton (CMB) losses, and their synchrotron emission in the local field
  (:mod:`crescape.physics.synchrotron`).

The sky average is (1/4π)∫dΩ (1/4π)∫ds q(r(s, Ω)) on the nodes of
:func:`crescape.physics.cgm_source.los_nodes`, the observer at R_sun = 8.178 kpc from the
centre (GRAVITY Collaboration 2019, A&A 625, L10; :data:`crescape.physics.cgm_source.R_SUN`).

Two sources:

:meth:`ProfileEmission.from_dataset`
    the profiles of a coupled run (:class:`crescape.simulate.coupled.CGMSimulation`):
    n_CR(z, E), ρ(z) and δB(z) along the 1D column, mapped onto a sphere around the
    Galactic Centre by r = z. The emissivity is computed in every cell and interpolated
    linearly in r between the cell centres; below the first cell (the Galaxy, r < H) it
    is that of the first cell (``inner="first_cell"``, the paper's picture of a uniform
    inner region, as :func:`crescape.physics.cgm_source.column_neutrino_sed`) or zero
    (``inner="zero"``); it vanishes beyond the last cell centre. The mapping assumes that
    every direction from the Galactic Centre sees the column of the rotation axis: the
    run's planar-to-spherical flux tube is a stand-in for the real geometry, the disk
    plane has no halo gas of its own, and a gradient across the sky is absent.
:meth:`ProfileEmission.from_profile`
    a :class:`crescape.halo.CGMProfile` with the analytic CR density of Eq. (15) scaled to
    the local gas: n_CR(r, E) = f(r) φ(E)/ṽ_A(r), ṽ_A(r) = δB/√(4πρ(r)) with δB the field of
    Eq. (8) (independent of ρ) and f(r) the stated geometry of
    :class:`crescape.physics.cgm_source.HaloGeometry` (1 inside R_d, (R_d/r)² out to R_out).
    The emissivity is then separable, q(r, E) = w(r) q₀(E) with
    w = f (ρ/ρ₀)^{3/2} against the uniform CGM of density ρ₀ = δ_G Ω_b ρ_cr
    (``field="local"``: δB of the diluted local flux, w = f^{1/2} (ρ/ρ₀)^{3/2}). The source
    is :class:`crescape.spectra.CGMEmission` with ``profile=``, whose intensities it
    returns, so the uniform profile is the uniform CGM. The radio field is that of
    CGMEmission, B(r) = δB √f(r).

Units follow docs/units.md: energies are Quantities or plain numbers in GeV, frequencies
Quantities or plain numbers in Hz.

Examples
--------
>>> import astropy.units as u
>>> from crescape.analysis.profile_emission import ProfileEmission
>>> from crescape.halo import CGMProfile
>>> mb = ProfileEmission.from_profile(CGMProfile(kind="miller_bregman"))
>>> mb.sed(10 * u.TeV, "nu_all").unit
Unit("GeV / (s sr cm2)")
"""

from __future__ import annotations

from typing import Any

import astropy.units as u
import numpy as np

from .. import constants as C
from ..params import ParameterError, Parameters
from ..physics import cgm_source, gamma_absorption, pp, synchrotron
from ..physics.cgm_profile import number_density
from ..spectra import (
    INTENSITY_UNIT,
    SED_UNIT,
    SPECIES_AT_EARTH,
    CGMEmission,
    _enhancement,
    _n_dir,
    _positive,
    observed_species,
)
from ..spectra import _energy as _energy_cgs
from ..units import parse_quantity

__all__ = ["ProfileEmission", "SPECIES_AT_EARTH", "radial_los_integral"]

_RADIO_UNIT = u.Unit("erg / (s cm3 Hz sr)")


def _energy(E, name="E") -> np.ndarray:
    return np.atleast_1d(_energy_cgs(E, name))


def _check_species(species):
    if species not in SPECIES_AT_EARTH:
        raise ParameterError(
            f"species = {species!r} is not allowed: must be one of {', '.join(SPECIES_AT_EARTH)}"
        )


def radial_los_integral(
    g: Any, geom: cgm_source.HaloGeometry, n_dir: int = 48, kappa: Any = None
) -> np.ndarray:
    """(1/4π)∫dΩ ∫ds g(r) e^{−κ s}: the sky-averaged line-of-sight integral of a radial function.

    Parameters
    ----------
    g : callable
        g(r) for r an array of radii [cm]; returns an array of shape r.shape + (n,)
        (n quantities, e.g. energies) or r.shape.
    geom : HaloGeometry
        Observer distance, the radius of the kink of the quadrature (``R_d``) and the
        outer radius; g is not evaluated beyond R_out.
    n_dir : int
        Gauss-Legendre directions in cos ψ (:func:`crescape.physics.cgm_source.los_nodes`).
    kappa : array (n,) or None
        Absorption coefficient [cm^-1] of each quantity (γ rays on the CMB).

    Returns
    -------
    array (n,) or scalar
        In units of g times cm. The intensity of an isotropic emissivity q is this
        integral of q divided by 4π.
    """
    s, r, w = cgm_source.los_nodes(geom, n_dir)
    gv = np.asarray(g(r.ravel()), dtype=float)
    scalar = gv.ndim == 1
    gv = gv.reshape(r.size, -1)
    ww = w.ravel()[:, None]
    if kappa is not None:
        ww = ww * np.exp(-np.asarray(kappa, dtype=float)[None, :] * s.ravel()[:, None])
    out = np.sum(ww * gv, axis=0) / (4.0 * np.pi)
    return out[0] if scalar else out


def _cell_density(E_grid, n_cell):
    """J(E_p) of one cell: log-log interpolation of n_cell over E_grid, zero outside it."""
    lE = np.log(E_grid)
    ln = np.log(np.maximum(n_cell, 1e-300))
    live = n_cell > 0

    def J(Ep):
        x = np.log(np.asarray(Ep, dtype=float))
        i = np.clip(np.searchsorted(lE, x) - 1, 0, lE.size - 2)
        w = (x - lE[i]) / (lE[i + 1] - lE[i])
        inside = (x >= lE[0]) & (x <= lE[-1]) & live[i] & live[i + 1]
        return np.where(inside, np.exp(ln[i] * (1.0 - w) + ln[i + 1] * w), 0.0)

    return J


class ProfileEmission:
    """ν, γ and radio intensities at Earth from a spherically symmetric CR and gas profile.

    Build it with :meth:`from_dataset` (a coupled run) or :meth:`from_profile`
    (a :class:`crescape.halo.CGMProfile` with the analytic CR density), or directly
    from tabulated profiles.

    Parameters
    ----------
    r : Quantity [length] (n_r,), increasing
        Radii of the profile nodes (plain numbers in kpc).
    E : Quantity [energy] (n_E,), increasing
        CR energies (plain numbers in GeV).
    n_CR : Quantity (n_r, n_E) [1/(GeV cm3)]
        CR proton density per unit energy.
    n_target : Quantity (n_r,) [cm^-3]
        pp target density (the paper's ρ/m_p, Eq. 16).
    B : Quantity (n_r,) [G]
        Magnetic field seen by the secondary electrons.
    R_sun : Quantity [length]
        Observer's distance from the centre (default 8.178 kpc).
    R_out : Quantity [length] or None
        Outer radius of the source (default: the last node).
    inner : {"first_cell", "zero"}
        The source below the first node: that of the first node, or none.
    sigma_model : {"KAB06", "Kafexhiu14"}
        Inelastic pp cross section (KAB06 Eq. 79 or Kafexhiu et al. 2014, Eq. 1).
    enhancement : float
        Nuclear enhancement factor (1: protons only).
    n_dir : int
        Directions of the sky quadrature (default 48).
    """

    def __init__(
        self,
        r: Any,
        E: Any,
        n_CR: Any,
        n_target: Any,
        B: Any,
        *,
        R_sun: Any = cgm_source.R_SUN * u.cm,
        R_out: Any = None,
        inner: str = "first_cell",
        sigma_model: str = "KAB06",
        enhancement: float = 1.0,
        n_dir: int = 48,
    ) -> None:
        self.r = np.atleast_1d(_positive(r, u.kpc, "r", u.cm))
        self.E = _energy(E, "E")
        nq = parse_quantity(n_CR, u.Unit("1 / (GeV cm3)"), "n_CR")
        self.n_CR = np.asarray(nq.to_value("1 / (erg cm3)"), dtype=float)
        self.n_target = np.asarray(
            parse_quantity(n_target, u.cm**-3, "n_target").to_value(u.cm**-3), dtype=float
        )
        self.B = np.asarray(parse_quantity(B, u.G, "B").to_value(u.G), dtype=float)
        nr, nE = self.r.size, self.E.size
        if self.n_CR.shape != (nr, nE):
            raise ParameterError(
                f"n_CR shape = {self.n_CR.shape} is not allowed: must be (len(r), len(E)) = ({nr}, {nE})"
            )
        for name, v in (("n_target", self.n_target), ("B", self.B)):
            if v.shape != (nr,):
                raise ParameterError(
                    f"{name} shape = {v.shape} is not allowed: must be (len(r),) = ({nr},)"
                )
        if nr < 2 or np.any(np.diff(self.r) <= 0) or np.any(np.diff(self.E) <= 0):
            raise ParameterError(
                "r and E are not allowed: must have >= 2 nodes and increase strictly"
            )
        if not (np.all(np.isfinite(self.n_CR)) and np.all(self.n_CR >= 0)):
            raise ParameterError("n_CR is not allowed: must be finite and >= 0")
        if inner not in ("first_cell", "zero"):
            raise ParameterError(
                f"inner = {inner!r} is not allowed: must be 'first_cell' or 'zero'"
            )
        if sigma_model not in ("KAB06", "Kafexhiu14"):
            raise ParameterError(
                f"sigma_model = {sigma_model!r} is not allowed: must be 'KAB06' or 'Kafexhiu14'"
            )
        self.inner = inner
        self.sigma_model = sigma_model
        self.enhancement = _enhancement(enhancement)
        self.n_dir = _n_dir(n_dir)
        R_sun_c = float(_positive(R_sun, u.kpc, "R_sun", u.cm))
        R_out_c = (
            float(self.r[-1]) if R_out is None else float(_positive(R_out, u.kpc, "R_out", u.cm))
        )
        # the quadrature's kink at the first node (the halo boundary of a run)
        self.geometry = cgm_source.HaloGeometry(float(self.r[0]), R_out_c, R_sun_c)
        self.E_p_max = float(self.E[-1])
        self._separable = None
        self._cache: dict[tuple, np.ndarray] = {}

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dataset(
        cls, ds: Any, time_index: int = -1, *, target: str = "paper", **kwargs: Any
    ) -> ProfileEmission:
        """From the xarray Dataset of a coupled run, at the snapshot ``time_index`` (default the last).

        r = z (the cell centres, kpc), n_CR(z, E), n_target = ρ/m_p (``target='paper'``,
        Eq. 16) or X_H ρ/m_p (``'hydrogen'``, X_H from the run's attributes) and
        B = √(B0² + δB²) with the run's seed field B0. ``kwargs`` go to the constructor.
        """
        if target not in ("paper", "hydrogen"):
            raise ParameterError(
                f"target = {target!r} is not allowed: must be 'paper' or 'hydrogen'"
            )
        nt = ds.sizes["t"]
        if not -nt <= int(time_index) < nt:
            raise ParameterError(
                f"time_index = {time_index} is not allowed: must be in {-nt} to {nt - 1}"
            )
        rho = np.asarray(ds["rho"].values[time_index], dtype=float)
        n_t = number_density(rho)
        if target == "hydrogen":
            n_t = float(ds.attrs.get("param.X_H", 0.76)) * n_t
        B0 = float(ds.attrs.get("B0_G", 0.0))
        B = np.sqrt(B0**2 + np.asarray(ds["dB"].values[time_index], dtype=float) ** 2)
        return cls(
            ds["z"].values * u.kpc,
            ds["E"].values * u.GeV,
            ds["n_CR"].values[time_index] * u.Unit("1 / (GeV cm3)"),
            n_t * u.cm**-3,
            B * u.G,
            **kwargs,
        )

    @classmethod
    def from_profile(
        cls,
        profile: Any,
        params: Parameters | None = None,
        *,
        R_out: Any = None,
        R_sun: Any = cgm_source.R_SUN * u.cm,
        sigma_model: str = "KAB06",
        target: str = "paper",
        enhancement: float = 1.0,
        n_dir: int = 48,
        field: str = "planar",
    ) -> ProfileEmission:
        """From a :class:`crescape.halo.CGMProfile` with the analytic CR density (module docstring).

        The source is :class:`crescape.spectra.CGMEmission` with ``profile=`` (the
        intensities are its own, one computation). ``params`` (default: the paper's,
        with the profile's CGM) give the CR source (L_CR, R_d, s, E_min, E_max, cutoff)
        and the reference density ρ₀ = δ_G Ω_b ρ_cr; the result does not depend on ρ₀.
        R_out defaults to 10 R_d. ``field``: 'planar' (the paper's convention) or
        'local' (:func:`crescape.model.profile_gas_over_vA`).
        """
        em = CGMEmission(
            params,
            sigma_model=sigma_model,
            target=target,
            enhancement=enhancement,
            R_out=R_out,
            R_sun=R_sun,
            profile=profile,
            field=field,
            n_dir=n_dir,
        )
        self = cls.__new__(cls)
        self.geometry = em.geometry
        self.sigma_model = sigma_model
        self.enhancement = em.enhancement
        self.n_dir = em.n_dir
        self.inner = "first_cell"
        self.E_p_max = em.E_p_max
        self._cache = {}
        self._separable = em
        self.profile = profile
        self.emission = em
        return self

    # ------------------------------------------------------------------ the radial source
    def weight(self, r: Any) -> np.ndarray:
        """w(r) of the analytic source at r [cm] (:meth:`from_profile` only).

        :meth:`crescape.spectra.CGMEmission.weight`: f(r)(ρ(r)/ρ₀)^{3/2} for the planar
        field, f(r)^{1/2}(ρ(r)/ρ₀)^{3/2} for the local one.
        """
        if self._separable is None:
            raise ParameterError("weight() is defined only for a source built with from_profile")
        return self._separable.weight(r)

    def _cells(self, E, species):
        """Emissivity of the source species in every node [cm^-3 s^-1 erg^-1], (n_r, n_E); cached."""
        key = (species, E.tobytes())
        if key not in self._cache:
            out = np.empty((self.r.size, E.size))
            for k in range(self.r.size):
                J = _cell_density(self.E, self.n_CR[k])
                out[k] = pp.emissivity(
                    E,
                    J,
                    self.n_target[k],
                    species,
                    self.E_p_max,
                    self.sigma_model,
                    enhancement=self.enhancement,
                )
            self._cache[key] = out
        return self._cache[key]

    def _at_radius(self, table):
        """g(r): the node values ``table`` (n_r, ...) interpolated linearly in r."""
        rc = self.r

        def g(r):
            i = np.clip(np.searchsorted(rc, r) - 1, 0, rc.size - 2)
            w = np.clip((r - rc[i]) / (rc[i + 1] - rc[i]), 0.0, 1.0)
            val = table[i] * (1.0 - w)[:, None] + table[i + 1] * w[:, None]
            if self.inner == "zero":
                val = np.where((r < rc[0])[:, None], 0.0, val)
            return np.where((r <= self.geometry.R_out)[:, None], val, 0.0)

        return g

    def _source(self, E, species):
        """g(r) → observed-species emissivity (n, n_E) at radii r [cm], unabsorbed (a run)."""
        return self._at_radius(observed_species(species, lambda name: self._cells(E, name)))

    # ------------------------------------------------------------------ at Earth
    def _intensity(self, E, species):
        _check_species(species)
        if self._separable is not None:
            return self._separable.spectrum(E * u.erg, species).to_value("1 / (erg cm2 s sr)")
        kappa = gamma_absorption.absorption_coefficient(E) if species == "gamma" else None
        g = self._source(E, species)
        return radial_los_integral(g, self.geometry, self.n_dir, kappa) / (4.0 * np.pi)

    def spectrum(self, E: Any, species: str = "nu_all") -> u.Quantity:
        """Sky-averaged intensity dN/dE at Earth [1/(GeV cm2 s sr)].

        ``species``: 'nu_e', 'nu_mu', 'nu_tau' (ν + ν̄ of one flavour after oscillations),
        'nu_all', 'gamma' (absorbed on the CMB along each line of sight), 'gamma_unabsorbed'.
        """
        Ev = _energy(E)
        return u.Quantity(self._intensity(Ev, species), "1 / (erg cm2 s sr)").to(INTENSITY_UNIT)

    def sed(self, E: Any, species: str = "nu_all") -> u.Quantity:
        """E² dN/dE at Earth [GeV/(cm2 s sr)], the unit of Eq. (17) and Fig. 1."""
        Ev = _energy(E)
        return (u.Quantity(Ev, u.erg) ** 2 * self.spectrum(Ev * u.erg, species)).to(SED_UNIT)

    def effective_path(self) -> float:
        """(1/4π)∫dΩ∫ds w(r) [cm] for :meth:`from_profile` (the analytic source's weighted path).

        :attr:`crescape.spectra.CGMEmission.effective_path` of the source.
        """
        if self._separable is None:
            raise ParameterError(
                "effective_path() is defined only for a source built with from_profile"
            )
        return self._separable.effective_path

    # ------------------------------------------------------------------ radio
    def _radio_cells(self, nu):
        """j_ν in every node [erg s^-1 cm^-3 Hz^-1 sr^-1], (n_r, n_ν).

        The e± of each node in the steady state N = K(E)/b(E, B), K(E) = ∫_E Q dE'
        (Blumenthal & Gould 1970, Sec. 4; :func:`crescape.physics.synchrotron.steady_state`
        with K by the trapezoidal rule on 160 energies from 0.05 GeV to
        max(0.2 E_p,max, 1 TeV), the range of CGMEmission), in the node's field B.
        """
        E_lo, E_hi = 0.05 * C.GeV, max(0.2 * self.E_p_max, 1.0 * C.TeV)
        lnE = np.linspace(np.log(E_lo), np.log(E_hi), 160)
        Eg = np.exp(lnE)
        Q = self._cells(Eg, "e")  # (n_r, 160)
        f = Q * Eg  # dK/dlnE
        seg = 0.5 * (f[:, 1:] + f[:, :-1]) * np.diff(lnE)
        K = np.concatenate([np.cumsum(seg[:, ::-1], axis=1)[:, ::-1], np.zeros((Q.shape[0], 1))], 1)
        lnK = np.log(np.maximum(K, 1e-300))
        # the synchrotron quadrature of crescape.physics.synchrotron.emissivity, all nodes at once
        x, _ = np.polynomial.legendre.leggauss(128)
        lnEn = 0.5 * (lnE[-1] + lnE[0]) + 0.5 * (lnE[-1] - lnE[0]) * x
        i = np.clip(np.searchsorted(lnE, lnEn) - 1, 0, lnE.size - 2)
        t = (lnEn - lnE[i]) / (lnE[i + 1] - lnE[i])
        lnK_nodes = lnK[:, i] * (1.0 - t) + lnK[:, i + 1] * t  # (n_r, 128)
        B = np.maximum(self.B, 1e-300)[:, None, None]

        def N(E):
            return (np.exp(lnK_nodes) / synchrotron.energy_loss_rate(E, B[:, :, 0]))[:, None, :]

        nu_b = np.broadcast_to(nu, (self.r.size, nu.size))
        j = synchrotron.emissivity(nu_b, N, B, E_lo, E_hi, n=128)
        return np.where((self.B > 0)[:, None], j, 0.0)

    def radio_flux_density(self, nu: Any) -> dict[str, u.Quantity]:
        """Synchrotron emission of the secondary e± seen from Earth.

        Returns a dict of Quantities: ``S_all_sky`` [Jy] (∫ I dΩ over the sky) and
        ``I_mean`` [Jy/sr]. For :meth:`from_profile` the field and electrons are those of
        :meth:`crescape.spectra.CGMEmission.radio_flux_density` (B(r) = δB √f(r)) with the
        weight w(r); for a run, the node's own field.
        """
        nu_v = np.atleast_1d(_positive(nu, u.Hz, "nu", u.Hz))
        if self._separable is not None:
            out = self._separable.radio_flux_density(nu_v * u.Hz)
            return {k: out[k] for k in ("S_all_sky", "I_mean")}
        g = self._at_radius(self._radio_cells(nu_v))
        # radial_los_integral is (1/4π)∫dΩ∫ds j; ∫ I dΩ = ∫dΩ∫ds j is 4π times it
        S = radial_los_integral(g, self.geometry, self.n_dir) * 4.0 * np.pi
        return {
            "S_all_sky": u.Quantity(S / C.Jy, u.Jy),
            "I_mean": u.Quantity(S / C.Jy / (4.0 * np.pi), u.Jy / u.sr),
        }
