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
from .physics import cgm_source, gamma_absorption, oscillation, pp, synchrotron
from .physics.escape import escape_flux
from .physics.instability import gas_density
from .physics.saturation import B_sat
from .units import equivalencies_for, parse_quantity

__all__ = ["CGMEmission", "SPECIES_AT_EARTH", "INTENSITY_UNIT", "SED_UNIT"]

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
    E_ref : Quantity [energy] or float in GeV
        Energy at which δB (and so ṽ_A) is evaluated for slopes ≠ 2 (default 1 GeV).
    source_flavour : tuple
        Source flavour composition override (e, μ, τ); by default the computed
        ν_e and ν_μ spectra of pion decay are oscillated as they are.
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
        E_ref: Any = 1.0 * u.GeV,
    ):
        self.params = params if params is not None else Parameters()
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
        self.E_ref = float(_energy(E_ref, "E_ref"))
        R_out_cgs = None if R_out is None else _length(R_out, "R_out")
        self.geometry = cgm_source.HaloGeometry(float(p.R_d), R_out_cgs, _length(R_sun, "R_sun"))
        self._spec = (p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff)
        self._brk = {"E_break": p.E_break, "slope_high": p.slope_high}  # the optional break
        self.E_p_max = p.E_max if p.cutoff == "sharp" else 60.0 * p.E_max

    # --- the CR source -------------------------------------------------------------------
    @cached_property
    def delta_B(self) -> float:
        """Saturated field δB of Eq. (8) at E_ref [G]."""
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

        ``species``: 'gamma', 'e' (e⁺ + e⁻), 'nu_e', 'nu_mu' (ν + ν̄, at the source).
        """
        if species not in ("gamma", "e", "nu_e", "nu_mu"):
            raise ParameterError(
                f"species = {species!r} is not allowed: must be one of 'gamma', 'e', 'nu_e', 'nu_mu'"
            )
        return u.Quantity(self._q(_energy(E), species), "1 / (erg cm3 s)").to("1 / (GeV cm3 s)")

    @cached_property
    def effective_path(self) -> float:
        """Sky-averaged path L_eff [cm], I = q L_eff/(4π) (:func:`cgm_source.effective_path_length`)."""
        return float(cgm_source.effective_path_length(self.geometry))

    # --- at Earth ----------------------------------------------------------------------------
    def _q_observed(self, E, species):
        """Emissivity of the inner region [1/(erg cm3 s)] of a species seen far away, unabsorbed.

        Neutrinos: ν + ν̄ of each flavour after averaged oscillations
        (:func:`crescape.physics.oscillation.transition_matrix`); 'gamma' and
        'gamma_unabsorbed' both give the γ-ray emissivity (absorption is the caller's).
        Used for the view from inside (:meth:`spectrum`) and from outside
        (:mod:`crescape.observer`).
        """
        if species in _FLAV or species == "nu_all":
            src_e = self._q(E, "nu_e")
            src_mu = self._q(E, "nu_mu")
            if species == "nu_all":
                return src_e + src_mu
            P = oscillation.transition_matrix()
            j = _FLAV[species]
            return src_e * P[0, j] + src_mu * P[1, j]
        if species in ("gamma", "gamma_unabsorbed"):
            return self._q(E, "gamma")
        if species == "e":
            raise ParameterError(
                "species = 'e' has no intensity at Earth (electrons stay in the CGM): "
                "use emissivity(E, 'e') or electron_density(E)"
            )
        raise ParameterError(
            f"species = {species!r} is not allowed: must be one of {', '.join(SPECIES_AT_EARTH)}"
        )

    def _intensity(self, E, species):
        q = self._q_observed(E, species)
        if species == "gamma":
            kappa = gamma_absorption.absorption_coefficient(E)
            return cgm_source.sky_averaged_intensity(q, self.geometry, kappa)
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
        """j_ν(B) on a grid of B = δB √f from the halo edge, f(R_out), to the centre, f = 1.

        For B(r) = δB √f(r) (Eq. 8 with E²φ ∝ f); the last row is at B = δB.
        """
        if nB < 2:
            raise ValueError(f"nB = {nB} is not allowed: the field grid needs nB >= 2")
        f_min = float(self.geometry.profile(self.geometry.R_out))
        Bs = self.delta_B * np.sqrt(np.geomspace(max(f_min, 1e-12), 1.0, nB))
        return Bs, self._radio_at_fields(nu, Bs)

    def radio_emissivity(self, nu) -> u.Quantity:
        """Synchrotron emissivity of the inner region, j_ν [erg/(s cm3 Hz sr)], in the field δB."""
        nu_v = np.atleast_1d(_frequency(nu))
        return u.Quantity(self._radio_at_fields(nu_v, [self.delta_B])[0], "erg / (s cm3 Hz sr)")

    def radio_flux_density(self, nu) -> dict:
        """Radio emission of the whole CGM region at Earth.

        The field follows the CR energy flux: B(r) = δB √f(r) (Eq. 8 with E²φ ∝ f),
        the electrons are in the local steady state, and the emission is integrated
        over the sky. Returns a dict of Quantities: ``S_all_sky`` [Jy] (∫ I dΩ),
        ``I_mean`` [Jy/sr], ``L_nu`` [erg/(s Hz)] (the luminosity of the region, 4π∫j dV).
        """
        nu_v = np.atleast_1d(_frequency(nu))
        Bs, j = self._radio_tables(nu_v)
        s, r, w = cgm_source.los_nodes(self.geometry)
        f = self.geometry.profile(r)
        Br = self.delta_B * np.sqrt(np.maximum(f, 1e-300))
        S = np.empty(nu_v.size)
        L = np.empty(nu_v.size)
        lnB = np.log(Bs)
        # volume integral for the luminosity: shells in r
        rr = np.geomspace(1e-3 * self.geometry.R_d, self.geometry.R_out, 2000)
        fr = self.geometry.profile(rr)
        for k in range(nu_v.size):
            lnj = np.log(np.maximum(j[:, k], 1e-300))
            jr = f * np.exp(np.interp(np.log(np.maximum(Br, Bs[0])), lnB, lnj))
            S[k] = np.sum(jr * w)
            jv = fr * np.exp(
                np.interp(np.log(np.maximum(self.delta_B * np.sqrt(fr), Bs[0])), lnB, lnj)
            )
            L[k] = 4.0 * np.pi * np.trapezoid(4.0 * np.pi * rr**2 * jv, rr)
        return {
            "S_all_sky": u.Quantity(S / C.Jy, u.Jy),
            "I_mean": u.Quantity(S / C.Jy / (4.0 * np.pi), u.Jy / u.sr),
            "L_nu": u.Quantity(L, "erg / (s Hz)"),
        }
