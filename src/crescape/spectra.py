"""Spectra of the circumgalactic emission, in the style of naima: Quantities in, Quantities out.

:class:`CGMEmission` ties together the CR density of the advective picture
(Eq. 15 of Blasi & Amato 2019, :mod:`crescape.physics.cgm_source`), the pp secondary
production of Kelner, Aharonian & Bugayov (2006) (:mod:`crescape.physics.pp`),
neutrino oscillations (:mod:`crescape.physics.oscillation`), γγ absorption on the CMB
(:mod:`crescape.physics.gamma_absorption`) and the synchrotron emission of the secondary
e± (:mod:`crescape.physics.synchrotron`).

Units follow docs/units.md: energies ``E`` are Quantities or plain numbers in GeV,
frequencies ``nu`` Quantities (wavelengths and photon energies too) or plain numbers
in Hz, fields ``B`` in G, lengths ``R_out``, ``R_sun`` in kpc.

Examples
--------
>>> import astropy.units as u
>>> from crescape.params import Parameters
>>> from crescape.spectra import CGMEmission
>>> m = CGMEmission(Parameters.from_flat({"delta_G": 100}))
>>> sed = m.sed([10, 100] * u.TeV, species="nu_all")
>>> sed.unit
Unit("GeV / (s sr cm2)")
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import astropy.units as u
import numpy as np

from . import constants as C
from .params import ParameterError, Parameters
from .physics import cgm_source, emission, gamma_absorption, oscillation, pp, synchrotron
from .physics.escape import escape_flux
from .physics.instability import alfven_speed, gas_density
from .physics.saturation import B_sat
from .units import equivalencies_for, parse_quantity

__all__ = ["CGMEmission", "SPECIES_AT_EARTH", "INTENSITY_UNIT", "SED_UNIT", "observed_species"]

#: species of :meth:`CGMEmission.spectrum` (ν + ν̄ per flavour at Earth, their sum, γ rays)
SPECIES_AT_EARTH = ("nu_e", "nu_mu", "nu_tau", "nu_all", "gamma", "gamma_unabsorbed")
INTENSITY_UNIT = u.Unit("1 / (GeV cm2 s sr)")
SED_UNIT = u.Unit("GeV / (cm2 s sr)")
_FLAV = {"nu_e": 0, "nu_mu": 1, "nu_tau": 2}


def _positive(value, unit, name, cgs) -> np.ndarray:
    """``value`` read by the rule of docs/units.md (plain numbers in ``unit``), in ``cgs``, finite and > 0."""
    q = parse_quantity(value, unit, name)
    v = np.asarray(q.to_value(cgs, equivalencies=equivalencies_for(q.unit)), dtype=float)
    if not np.all(np.isfinite(v) & (v > 0)):
        raise ParameterError(
            f"{name} = {value} is not allowed: must be finite and > 0 (plain numbers in {unit})"
        )
    return v


def _energy(E, name="E") -> np.ndarray:
    """An energy [erg]; plain numbers are in GeV."""
    return _positive(E, u.GeV, name, u.erg)


def _enhancement(value) -> float:
    """The nuclear enhancement factor, a finite value in [0.5, 5]."""
    v = float(parse_quantity(value, u.dimensionless_unscaled, "enhancement").value)
    if not (np.isfinite(v) and 0.5 <= v <= 5):
        raise ParameterError(
            f"enhancement = {value} is not allowed: must be a finite value >= 0.5 and <= 5"
        )
    return v


def _frequency(nu, name="nu") -> np.ndarray:
    """A frequency [Hz]; plain numbers are in Hz, wavelengths and photon energies are accepted."""
    return _positive(nu, u.Hz, name, u.Hz)


def _length(x, name) -> float:
    """A length [cm]; plain numbers are in kpc."""
    v = _positive(x, u.kpc, name, u.cm)
    if v.ndim:
        raise ParameterError(f"{name} = {x} is not allowed: must be one length")
    return float(v)


def observed_species(species: str, source: Any) -> Any:
    """The emissivity of a species seen far away, unabsorbed, from the source species.

    ``source(name)`` returns the production of 'nu_e', 'nu_mu' (ν + ν̄ at the source) or
    'gamma' (any array shape). Neutrinos: ν + ν̄ of each flavour after averaged
    oscillations (:func:`crescape.physics.oscillation.transition_matrix`), or their sum
    ('nu_all'; the oscillations conserve it); 'gamma' and 'gamma_unabsorbed' both give the
    γ-ray production (absorption is the caller's).
    """
    if species in _FLAV or species == "nu_all":
        src_e = source("nu_e")
        src_mu = source("nu_mu")
        if species == "nu_all":
            return src_e + src_mu
        P = oscillation.transition_matrix()
        j = _FLAV[species]
        return src_e * P[0, j] + src_mu * P[1, j]
    if species in ("gamma", "gamma_unabsorbed"):
        return source("gamma")
    if species == "e":
        raise ParameterError(
            "species = 'e' has no intensity at Earth (electrons stay in the CGM): "
            "use emissivity(E, 'e') or electron_density(E)"
        )
    raise ParameterError(
        f"species = {species!r} is not allowed: must be one of {', '.join(SPECIES_AT_EARTH)}"
    )


def _field_energy(E_ref, p) -> tuple[float, str]:
    """(E_ref [erg], 'peak' or 'fixed'): the energy of the field of Eq. (8) for the cgs
    parameters ``p`` (:func:`crescape.physics.cgm_source.field_energy`)."""
    if isinstance(E_ref, str) and E_ref.strip() == cgm_source.FIELD_ENERGY_PEAK:
        spec = (p.slope, p.E_min, p.E_max, p.cutoff, p.E_break, p.slope_high)
        return float(cgm_source.field_energy(cgm_source.FIELD_ENERGY_PEAK, *spec)), "peak"
    try:
        v = _energy(E_ref, "E_ref")
    except ParameterError:
        if not isinstance(E_ref, str):
            raise
        raise ParameterError(
            f"E_ref = {E_ref!r} is not allowed: must be {cgm_source.FIELD_ENERGY_PEAK!r} or an "
            "energy (e.g. '1 GeV')"
        ) from None
    if v.ndim:
        raise ParameterError(f"E_ref = {E_ref} is not allowed: must be one energy or 'peak'")
    return float(v), "fixed"


def _n_dir(n_dir) -> int:
    if not (isinstance(n_dir, int | np.integer) and 4 <= n_dir <= 1024):
        raise ParameterError(f"n_dir = {n_dir!r} is not allowed: must be an integer 4 to 1024")
    return int(n_dir)


class CGMEmission:
    """γ rays, neutrinos and secondary e± from pp collisions of escaped CRs in the CGM.

    Parameters
    ----------
    params : Parameters, optional
        The model parameters (defaults: the paper's). ``delta_G``, ``L_CR``, ``R_d``,
        ``slope``, ``E_min``, ``E_max``, ``cutoff``, the break ``E_break``, ``slope_high``
        and the cosmology enter.
    sigma_model : {'KAB06', 'Kafexhiu14'}
        Inelastic pp cross section (KAB06 Eq. 79 or Kafexhiu et al. 2014 Eq. 1).
    target : {'paper', 'hydrogen'}
        Target density ρ/m_p (the paper's Eq. 16) or X_H ρ/m_p.
    enhancement : float
        Nuclear enhancement factor (1 = pure protons; see :func:`crescape.physics.pp.nuclear_enhancement`).
    R_out : Quantity [length] or float in kpc, optional
        Outer radius of the halo (default 10 R_d).
    R_sun : Quantity [length] or float in kpc
        Distance of the Sun from the Galactic Centre (default 8.178 kpc).
    E_ref : 'peak', or Quantity [energy] or float in GeV
        Energy at which δB (and so ṽ_A) is evaluated, which matters for slopes ≠ 2.
        'peak' (the default): where E²φ of the escaping spectrum, and so the field of
        Eq. (8), is largest (:func:`crescape.physics.cgm_source.field_energy`: E_min for
        s ≥ 2, E_break for s < 2 < s₂, ...); an energy: the fixed convention (e.g.
        1 GeV, crescape's convention before 'peak'). The attribute ``E_ref`` is the
        energy in erg either way, ``field_energy`` says which ('peak' or 'fixed').
    profile : crescape.halo.CGMProfile, optional
        The gas profile (default: the uniform CGM of ``params``). The CR density at r is
        that of Eq. (15) in the local gas, n_CR(r, E) = f(r) φ(E)/ṽ_A(r) with
        ṽ_A(r) = δB/√(4πρ(r)) and f(r) the dilution of the geometry; the emissivity is
        then q(r, E) = w(r) q₀(E) (:meth:`weight`), q₀ that of the uniform CGM of
        ``params`` (the reference, which cancels). ``params`` defaults to the paper's
        with the profile's CGM.
    field : {'planar', 'local'}
        With ``profile``: δB in ṽ_A(r) is the planar field of Eq. (8) everywhere (the
        paper's convention, the default; n_CR ∝ f ρ^{1/2}) or that of the diluted local
        flux, B_sat(E²φ f) (n_CR ∝ f^{1/2} ρ^{1/2}); :func:`crescape.model.profile_gas_over_vA`.
        The radio field is B(r) = δB √f(r) in both.
    n_dir : int
        Directions of the sky quadrature (:func:`crescape.physics.cgm_source.los_nodes`,
        default 48).
    """

    def __init__(
        self,
        params: Parameters | None = None,
        *,
        sigma_model: str = "KAB06",
        target: str = "paper",
        enhancement: float = 1.0,
        R_out: Any = None,
        R_sun: Any = cgm_source.R_SUN * u.cm,
        E_ref: Any = cgm_source.FIELD_ENERGY_PEAK,
        profile: Any = None,
        field: str = "planar",
        n_dir: int = 48,
    ):
        from .model import _check_field, _check_profile

        self.field = _check_field(field)
        self.profile = None if profile is None else _check_profile(profile)
        if profile is None and field != "planar":
            raise ParameterError(
                f"field = {field!r} is not allowed without profile: give "
                "profile=CGMProfile(cgm=params.cgm) for the uniform CGM"
            )
        self.n_dir = _n_dir(n_dir)
        if params is None:
            params = Parameters() if profile is None else Parameters(cgm=profile.cgm)
        self.params = params
        if sigma_model not in ("KAB06", "Kafexhiu14"):
            raise ParameterError(
                f"sigma_model = {sigma_model!r} is not allowed: must be 'KAB06' or 'Kafexhiu14'"
            )
        self.sigma_model = sigma_model
        self.enhancement = _enhancement(enhancement)
        p = self.params.cgs
        for name in ("delta_G", "L_CR", "R_d", "slope", "E_max", "E_break", "slope_high"):
            if np.ndim(getattr(p, name)) != 0:
                raise ParameterError(f"{name} must be a scalar for CGMEmission (got an array)")
        self.rho = float(gas_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2))
        self.n_target = float(
            cgm_source.target_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2, p.X_H, target)
        )
        self.E_ref, self.field_energy = _field_energy(E_ref, p)
        R_out_cgs = None if R_out is None else _length(R_out, "R_out")
        self.geometry = cgm_source.HaloGeometry(float(p.R_d), R_out_cgs, _length(R_sun, "R_sun"))
        self._spec = (p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff)
        self._brk = {"E_break": p.E_break, "slope_high": p.slope_high}  # the optional break
        self.E_p_max = p.E_max if p.cutoff == "sharp" else 60.0 * p.E_max

    # --- the CR source -------------------------------------------------------------------
    @cached_property
    def delta_B(self) -> float:
        """Saturated field δB of Eq. (8) at E_ref [G] (Eq. 3 with the optional break)."""
        E = self.E_ref
        return float(B_sat(E**2 * escape_flux(E, *self._spec, **self._brk)))

    @cached_property
    def v_A(self) -> float:
        """Advection speed ṽ_A = δB/√(4πρ) [cm/s]."""
        return float(cgm_source.advection_speed(*self._spec, self.rho, self.E_ref, **self._brk))

    def _J(self, E):
        return escape_flux(E, *self._spec, **self._brk) / self.v_A

    def proton_density(self, E) -> u.Quantity:
        """Eq. (15): n_CR(E) = φ(E)/ṽ_A in the inner region [1/(GeV cm3)]."""
        return u.Quantity(self._J(_energy(E)), "1 / (erg cm3)").to("1 / (GeV cm3)")

    # --- production ------------------------------------------------------------------------
    def _q(self, E, species):
        return pp.emissivity(
            E,
            self._J,
            self.n_target,
            species,
            self.E_p_max,
            self.sigma_model,
            enhancement=self.enhancement,
            E_p_break=float(self._brk["E_break"]),  # the quadratures split at the break
        )

    def emissivity(self, E, species="gamma") -> u.Quantity:
        """Production rate per volume in the inner region [1/(GeV cm3 s)] (KAB06 Eqs. 71, 78).

        With a profile this is q₀ of the uniform CGM of ``params``; the profile's at r is
        :meth:`weight` (r) times it.

        ``species``: 'gamma', 'e' (e⁺ + e⁻), 'nu_e', 'nu_mu' (ν + ν̄, at the source).
        """
        if species not in ("gamma", "e", "nu_e", "nu_mu"):
            raise ParameterError(
                f"species = {species!r} is not allowed: must be one of 'gamma', 'e', 'nu_e', 'nu_mu'"
            )
        return u.Quantity(self._q(_energy(E), species), "1 / (erg cm3 s)").to("1 / (GeV cm3 s)")

    # --- the profile ----------------------------------------------------------------------
    def _gas_ratio(self, r):
        """(n/ṽ_A)(r) of the profile over that of the inner region of the uniform CGM, (m, 1)."""
        from .model import profile_gas_over_vA

        r = np.asarray(r, dtype=float).ravel()
        E2 = self.E_ref**2 * escape_flux(self.E_ref, *self._spec, **self._brk)  # that of δB
        g = profile_gas_over_vA(self.profile, E2, float(self.geometry.R_d), self.field)
        g0 = self.rho / C.m_p / alfven_speed(self.delta_B, self.rho)
        return g(r) / g0

    def weight(self, r: Any) -> np.ndarray:
        """w(r) with q(r, E) = w(r) q₀(E), at radii r [cm] (cgs floats, any shape).

        The uniform CGM: w = f(r), the dilution of the geometry (1 inside R_d, (R_d/r)² to
        R_out). A profile: w = f(r) (n/ṽ_A)(r)/(n/ṽ_A)₀, the Eq. (15) CR density times the
        target density over those of the uniform CGM of ``params`` (:meth:`_gas_ratio`);
        f (ρ/ρ₀)^{3/2} for ``field='planar'``, f^{1/2} (ρ/ρ₀)^{3/2} for 'local'.
        """
        r = np.asarray(r, dtype=float)
        f = self.geometry.profile(r)
        if self.profile is None:
            return f
        return f * self._gas_ratio(r)[:, 0].reshape(r.shape)

    def _profile_column(self, kappa=None):
        """(1/4π)²∫dΩ∫ds w(r) e^{-κs} [cm sr^-1] (:func:`crescape.physics.emission.profile_column`)."""
        return emission.profile_column(
            self._gas_ratio,
            float(self.geometry.R_d),
            float(self.geometry.R_out),
            float(self.geometry.R_sun),
            self.n_dir,
            kappa,
        )

    @cached_property
    def effective_path(self) -> float:
        """Sky-averaged path L_eff [cm], I = q₀ L_eff/(4π).

        The uniform CGM: (1/4π)∫dΩ∫ds f (:func:`cgm_source.effective_path_length`); a
        profile: (1/4π)∫dΩ∫ds w(r), the path weighted by :meth:`weight`, through the
        column of :func:`crescape.physics.emission.profile_column`.
        """
        if self.profile is not None:
            return float(4.0 * np.pi * self._profile_column())
        return float(cgm_source.effective_path_length(self.geometry, self.n_dir))

    @cached_property
    def equivalent_delta_G(self) -> float:
        """δ_G of the uniform CGM whose ν and unabsorbed γ emission equal this model's.

        The emission of the uniform CGM scales as δ_G^{3/2} (n_CR ∝ ρ^{1/2}, Eq. 15 with
        Eq. 8, times the target ∝ ρ, Eq. 16) along the path of
        :func:`cgm_source.effective_path_length`; a profile's is the uniform CGM's of
        ``params`` times L_eff,w/L_eff (:attr:`effective_path`), so the equivalent is
        δ_G (L_eff,w/L_eff)^{2/3}: the column-weighted density of the profile.
        """
        dG = float(self.params.cgs.delta_G)
        if self.profile is None:
            return dG
        L_f = float(cgm_source.effective_path_length(self.geometry, self.n_dir))
        return dG * (self.effective_path / L_f) ** (2.0 / 3.0)

    # --- at Earth ----------------------------------------------------------------------------
    def _q_observed(self, E, species):
        """:meth:`observed_emissivity` on cgs floats: E [erg] → [1/(erg cm3 s)]."""
        return observed_species(species, lambda name: self._q(E, name))

    def observed_emissivity(self, E, species="nu_all") -> u.Quantity:
        """Emissivity q₀ of the inner region of a species seen far away, unabsorbed [1/(GeV cm3 s)].

        Neutrinos: ν + ν̄ of each flavour after averaged oscillations
        (:func:`crescape.physics.oscillation.transition_matrix`) or all flavours;
        'gamma' and 'gamma_unabsorbed' both give the γ-ray emissivity (absorption is the
        caller's; :func:`observed_species`). With a profile the emissivity at r is
        :meth:`weight` (r) times this. Used for the view from inside (:meth:`spectrum`),
        from outside (:mod:`crescape.observer`) and by
        :class:`crescape.analysis.profile_emission.ProfileEmission`.
        """
        q = self._q_observed(_energy(E), species)
        return u.Quantity(q, "1 / (erg cm3 s)").to("1 / (GeV cm3 s)")

    def _intensity(self, E, species):
        q = self._q_observed(E, species)
        if species == "gamma":
            kappa = gamma_absorption.absorption_coefficient(E)
            if self.profile is not None:
                return q * self._profile_column(np.atleast_1d(kappa)).reshape(np.shape(q))
            return cgm_source.sky_averaged_intensity(q, self.geometry, kappa, self.n_dir)
        return q * self.effective_path / (4.0 * np.pi)

    def spectrum(self, E, species="nu_all") -> u.Quantity:
        """Sky-averaged intensity dN/dE at Earth [1/(GeV cm2 s sr)].

        ``species``: 'nu_e', 'nu_mu', 'nu_tau' (ν + ν̄ of one flavour after oscillations),
        'nu_all' (all flavours), 'gamma' (with γγ absorption on the CMB along the line of
        sight), 'gamma_unabsorbed'.
        """
        Ev = _energy(E)
        return u.Quantity(self._intensity(Ev, species), "1 / (erg cm2 s sr)").to(INTENSITY_UNIT)

    def sed(self, E, species="nu_all") -> u.Quantity:
        """E² dN/dE at Earth [GeV/(cm2 s sr)], the unit of the paper's Eq. (17) and Fig. 1."""
        Ev = _energy(E)
        return (u.Quantity(Ev, u.erg) ** 2 * self.spectrum(Ev * u.erg, species)).to(SED_UNIT)

    def paper_geometry_ratio(self) -> float:
        """L_eff/(2R_d): our sky-averaged path over the one implied by the R_d/(2π) of Eq. (16)."""
        return self.effective_path / (2.0 * self.geometry.R_d)

    # --- electrons and radio -----------------------------------------------------------------
    def electron_density(self, E, B=None) -> u.Quantity:
        """Steady-state e± density in the inner region [1/(GeV cm3)] under synchrotron (δB)
        and inverse-Compton (CMB) losses."""
        Ev = _energy(E)
        B = self.delta_B if B is None else float(_positive(B, u.G, "B", u.G))
        N = synchrotron.steady_state(Ev, lambda x: self._q(x, "e"), B, self.E_p_max)
        return u.Quantity(N, "1 / (erg cm3)").to("1 / (GeV cm3)")

    def _radio_at_fields(self, nu, Bs) -> np.ndarray:
        """j_ν [erg/(s cm3 Hz sr)] of the inner-region electrons for each field in ``Bs`` [G].

        The steady state N(E) = K(E)/b(E, B) with K(E) = ∫_E Q dE' is built once, and the
        synchrotron emissivity is evaluated for each B; returns an array (len(Bs), len(nu)).
        """
        E_lo, E_hi = 0.05 * C.GeV, max(0.2 * self.E_p_max, 1.0 * C.TeV)
        lnE = np.linspace(np.log(E_lo), np.log(E_hi), 160)
        Eg = np.exp(lnE)
        # K(E) = ∫_E Q dE' once; N = K/b(E, B)
        K = synchrotron.steady_state(
            Eg, lambda x: self._q(x, "e"), 0.0, E_hi, u_rad=1.0
        ) * synchrotron.energy_loss_rate(Eg, 0.0, 1.0)
        lnK = np.log(np.maximum(K, 1e-300))
        Bs = np.atleast_1d(np.asarray(Bs, dtype=float))
        j = np.empty((Bs.size, np.size(nu)))
        for i, B in enumerate(Bs):

            def N(E, B=B):
                return np.exp(np.interp(np.log(E), lnE, lnK)) / synchrotron.energy_loss_rate(E, B)

            j[i] = synchrotron.emissivity(np.atleast_1d(nu), N, B, E_lo, E_hi)
        return j

    def _radio_tables(self, nu, nB=24):
        """:meth:`radio_emissivity_table` on cgs floats: ν [Hz] → (B [G], j_ν (nB, n_ν))."""
        if not (isinstance(nB, int | np.integer) and nB >= 2):
            raise ParameterError(f"nB = {nB!r} is not allowed: the field grid needs nB >= 2")
        f_min = float(self.geometry.profile(self.geometry.R_out))
        Bs = self.delta_B * np.sqrt(np.geomspace(max(f_min, 1e-12), 1.0, nB))
        return Bs, self._radio_at_fields(nu, Bs)

    def radio_emissivity_table(self, nu, nB: int = 24) -> tuple[u.Quantity, u.Quantity]:
        """j_ν(B) of the inner-region electrons on a grid of fields B = δB √f [G, erg/(s cm3 Hz sr)].

        The fields run from the halo edge, f(R_out), to the centre, f = 1 (the last row,
        B = δB), for B(r) = δB √f(r) (Eq. 8 with E²φ ∝ f). The e± of each field are in
        the steady state under synchrotron and inverse-Compton (CMB) losses; with a
        profile the emissivity at r is :meth:`weight` (r) times the row of B(r).

        Returns
        -------
        (B, j) : Quantity (nB,) [G], Quantity (nB, len(nu)) [erg / (s cm3 Hz sr)]
        """
        Bs, j = self._radio_tables(np.atleast_1d(_frequency(nu)), nB)
        return u.Quantity(Bs, u.G), u.Quantity(j, "erg / (s cm3 Hz sr)")

    def radio_emissivity(self, nu) -> u.Quantity:
        """Synchrotron emissivity of the inner region, j_ν [erg/(s cm3 Hz sr)], in the field δB."""
        nu_v = np.atleast_1d(_frequency(nu))
        return u.Quantity(self._radio_at_fields(nu_v, [self.delta_B])[0], "erg / (s cm3 Hz sr)")

    def radio_flux_density(self, nu) -> dict:
        """Radio emission of the whole CGM region at Earth.

        The field follows the CR energy flux: B(r) = δB √f(r) (Eq. 8 with E²φ ∝ f),
        the electrons are in the local steady state (their injection w(r) times that of
        the inner region, :meth:`weight`), and the emission is integrated over the sky. Returns a dict of Quantities: ``S_all_sky`` [Jy] (∫ I dΩ),
        ``I_mean`` [Jy/sr], ``L_nu`` [erg/(s Hz)] (the luminosity of the region, 4π∫j dV).
        """
        nu_v = np.atleast_1d(_frequency(nu))
        Bs, j = self._radio_tables(nu_v)
        s, r, w = cgm_source.los_nodes(self.geometry, self.n_dir)
        f = self.geometry.profile(r)
        wr = self.weight(r)
        Br = self.delta_B * np.sqrt(np.maximum(f, 1e-300))
        S = np.empty(nu_v.size)
        L = np.empty(nu_v.size)
        lnB = np.log(Bs)
        # volume integral for the luminosity: shells in r
        rr = np.geomspace(1e-3 * self.geometry.R_d, self.geometry.R_out, 2000)
        fr = self.geometry.profile(rr)
        wrr = self.weight(rr)
        for k in range(nu_v.size):
            lnj = np.log(np.maximum(j[:, k], 1e-300))
            jr = wr * np.exp(np.interp(np.log(np.maximum(Br, Bs[0])), lnB, lnj))
            S[k] = np.sum(jr * w)
            jv = wrr * np.exp(
                np.interp(np.log(np.maximum(self.delta_B * np.sqrt(fr), Bs[0])), lnB, lnj)
            )
            L[k] = 4.0 * np.pi * np.trapezoid(4.0 * np.pi * rr**2 * jv, rr)
        return {
            "S_all_sky": u.Quantity(S / C.Jy, u.Jy),
            "I_mean": u.Quantity(S / C.Jy / (4.0 * np.pi), u.Jy / u.sr),
            "L_nu": u.Quantity(L, "erg / (s Hz)"),
        }
