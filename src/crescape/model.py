"""The paper's analytic chain, Eqs. (1)-(17), as one model object.

:class:`EscapeModel` evaluates every quantity of Blasi & Amato (2019) for one
parameter set or for arrays of them (numpy broadcasting). Each quantity has a
name, a value with unit, the equation it comes from, a one-line meaning and,
where the paper quotes a number, the paper's value: its quoted normalisation
scaled with its stated scaling law to the parameters at hand.

The computation is the pure function :func:`chain` on cgs floats; the
object only converts units at the edges.

Examples
--------
>>> from crescape.model import EscapeModel
>>> m = EscapeModel()
>>> print(round(float(m["B_sat"].to_value("G")) / 1e-8, 2))
2.25
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import astropy.units as u
import numpy as np
from astropy.table import QTable

from . import constants as C
from .params import (
    CGM,
    OPTION_SPECS,
    Galaxy,
    Microphysics,
    ParameterError,
    Parameters,
    ValidityWarning,
    parse_value,
)
from .physics import cgm_source, emission, escape, instability, saturation, transport
from .physics.spectrum import energy_norm, spectral_shape

__all__ = [
    "EscapeModel",
    "QuantityInfo",
    "QUANTITIES",
    "FIELDS",
    "chain",
    "neutrino_E2_flux",
    "profile_gas_over_vA",
    "validity_messages",
]

#: default energy at which energy-dependent quantities are evaluated
DEFAULT_ENERGY = 1.0 * u.GeV
#: the evaluation energies, read by the rule of docs/units.md (plain numbers in GeV)
ENERGY_SPEC = OPTION_SPECS["energy"]
_E_NU = OPTION_SPECS["E_nu"]


@dataclass(frozen=True)
class QuantityInfo:
    """Metadata of one chain quantity.

    Attributes
    ----------
    name : str
    unit : str
        Display unit (parses with ``astropy.units.Unit``).
    cgs : str
        Unit of the cgs value returned by :func:`chain`.
    equation : str
        The paper's equation or text location.
    description : str
    """

    name: str
    unit: str
    cgs: str
    equation: str
    description: str


def _q(name, unit, cgs, equation, description):
    return QuantityInfo(name, unit, cgs, equation, description)


#: Every quantity of the chain, in the paper's order.
QUANTITIES: dict[str, QuantityInfo] = {
    q.name: q
    for q in [
        _q("energy", "GeV", "erg", "-", "CR energy E at which the chain is evaluated"),
        _q(
            "Lambda",
            "",
            "",
            "Eq. (3)",
            "effective logarithm L/(2πR_d²E²φ); ln(E_max/E_min) for s = 2",
        ),
        _q("rho_gas", "g / cm3", "g / cm3", "after Eq. (5)", "CGM mass density δ_G Ω_b ρ_cr"),
        _q("n_gas", "cm-3", "cm-3", "Eq. (16)", "CGM number density ρ/m_p"),
        _q("n_gal", "1 / (GeV cm3)", "1 / (erg cm3)", "Eq. (1)", "CR density in the disk at E"),
        _q("cr_flux", "1 / (GeV cm2 s)", "1 / (erg cm2 s)", "Eq. (3)", "escaping CR flux φ_CR(E)"),
        _q(
            "cr_energy_flux",
            "erg / (cm2 s)",
            "erg / (cm2 s)",
            "Eq. (3)",
            "escaping energy flux E²φ_CR",
        ),
        _q(
            "current",
            "statA / cm2",
            "statA / cm2",
            "Eq. (3), J(>E)",
            "exact CR current above E, e∫_E φ dE'",
        ),
        _q(
            "current_paper",
            "statA / cm2",
            "statA / cm2",
            "before Eq. (4)",
            "the paper's current J = eEφ(E)",
        ),
        _q(
            "n_ballistic",
            "1 / (GeV cm3)",
            "1 / (erg cm3)",
            "after Eq. (3)",
            "CR density for ballistic escape, 3φ/c",
        ),
        _q(
            "B0_bound",
            "G",
            "G",
            "Eq. (4)/(6)",
            "largest seed field for which the instability is driven",
        ),
        _q(
            "instability_margin",
            "",
            "",
            "Eq. (4)",
            "B0_bound/B0: the instability is driven where > 1",
        ),
        _q("v_A_seed", "km / s", "cm / s", "after Eq. (5)", "Alfvén speed in the seed field B0"),
        _q(
            "k_max_paper",
            "1 / pc",
            "1 / cm",
            "Eq. (5)",
            "the paper's k_max = 4πJ/(cB0): the cutoff k_c of the unstable band",
        ),
        _q(
            "k_max",
            "1 / pc",
            "1 / cm",
            "Bell (2004)",
            "fastest-growing wavenumber of the cold relation, k_c/2",
        ),
        _q("gamma_max_paper", "1 / yr", "1 / s", "Eq. (7)", "the paper's growth rate k_max v_A"),
        _q(
            "gamma_max",
            "1 / yr",
            "1 / s",
            "Bell (2004)",
            "maximum growth rate of the cold relation, k_c v_A/2",
        ),
        _q(
            "B_thermal_paper",
            "G",
            "G",
            "after Eq. (6)",
            "the paper's equipartition field √(4π n k_B T)",
        ),
        _q(
            "B_thermal", "G", "G", "after Eq. (6)", "B²/8π = (3/2) n_tot k_B T (electrons and ions)"
        ),
        _q(
            "B_star",
            "G",
            "G",
            "after Eq. (7), refs [13,14]",
            "seed field below which thermal effects reduce growth",
        ),
        _q("B_sat", "G", "G", "Eq. (6)/(8)", "saturation field √(4πE²φ/c) (Larmor criterion)"),
        _q(
            "B_sat_current",
            "G",
            "G",
            "Eq. (8), exact J",
            "saturation field with the exact current J(>E)",
        ),
        _q(
            "B_sat_linear",
            "G",
            "G",
            "Eq. (8), Bell (2004) σ",
            "field at which the nonresonant branch disappears, k_c r_L = ζ_c(s, E_max/E) (2.49 for s = 2)",
        ),
        _q("r_L_sat", "pc", "cm", "Eq. (8)", "Larmor radius at E in B_sat"),
        _q("D_bohm", "cm2 / s", "cm2 / s", "Eq. (9)", "Bohm diffusion coefficient in B_sat"),
        _q("t_advection", "yr", "s", "Eqs. (11), (13)", "time at which v_bg overtakes v_D"),
        _q(
            "t_advection_gamma",
            "",
            "",
            "after Eq. (14)",
            "t_advection × γ_max(paper): 'a few γ_max^-1'",
        ),
        _q(
            "n_diffusive",
            "1 / (GeV cm3)",
            "1 / (erg cm3)",
            "Eq. (10)",
            "diffusive CR density at t_advection",
        ),
        _q("v_drift", "km / s", "cm / s", "Eq. (11)", "diffusive drift speed at t_advection"),
        _q(
            "grad_P_CR_paper",
            "erg / cm4",
            "erg / cm4",
            "Eq. (12)",
            "the paper's CR pressure gradient E²φ/D",
        ),
        _q(
            "grad_P_CR",
            "erg / cm4",
            "erg / cm4",
            "Eq. (12), P = (1/3)∫En",
            "CR pressure gradient E²φ/(3D) per ln E",
        ),
        _q("dB_alfven_balance", "G", "G", "Eq. (14)", "field at which v_D ≈ v_bg ≈ ṽ_A"),
        _q("v_A_amplified", "km / s", "cm / s", "before Eq. (10)", "Alfvén speed ṽ_A in B_sat"),
        _q(
            "n_advective",
            "1 / (GeV cm3)",
            "1 / (erg cm3)",
            "Eq. (15)",
            "advective CR density φ/ṽ_A",
        ),
        _q("cr_overdensity", "", "", "Eq. (15)", "n_advective/n_ballistic = c/(3ṽ_A)"),
        _q("cr_overdensity_paper", "", "", "after Eq. (15)", "the paper's overdensity c/ṽ_A"),
        _q("fill_time", "yr", "s", "after Eq. (15)", "time R_d/ṽ_A to fill the 1D region"),
        _q("R_1D", "kpc", "cm", "after Eq. (15)", "distance where the 1D picture ends (~R_d)"),
        _q("neutrino_energy", "GeV", "erg", "Eq. (17)", "neutrino energy ηE"),
        _q(
            "neutrino_E2_flux",
            "GeV / (cm2 s sr)",
            "erg / (cm2 s sr)",
            "Eq. (16)/(17)",
            "E_ν²F_ν, δ-function estimate",
        ),
    ]
}


def chain(
    p: Any, E: Any, *, rho: Any = None, T: Any = None, dilution: Any = None
) -> dict[str, np.ndarray]:
    """Evaluate the whole chain on cgs values.

    Parameters
    ----------
    p : namespace
        cgs parameters (``Parameters().cgs``); values may be arrays that broadcast.
    E : float or array
        CR energy [erg].
    rho : float or array, optional
        Gas mass density [g cm^-3] in place of δ_G Ω_b ρ_cr (after Eq. 5): the
        density of a CGM profile at the radius of evaluation.
    T : float or array, optional
        Gas temperature [K] in place of ``p.T`` (the profile's, at that radius).
    dilution : float or array, optional
        f(r), the escaping flux at the radius over that of Eq. (3)
        (:func:`crescape.physics.cgm_source.dilution`: 1 inside R_d, (R_d/r)² beyond).
        Every flux-driven quantity (φ, E²φ, J, B_sat of Eq. 8, D of Eq. 9, ṽ_A,
        n_CR of Eq. 15, Eq. 16, ...) is then evaluated with φ f; ``Lambda`` (a
        property of the source spectrum) and ``n_gal`` (the disk) are not diluted.

    Returns
    -------
    dict
        Name → cgs value (units as in :data:`QUANTITIES`). With the three
        options None the result is the paper's uniform CGM, bit for bit.
    """
    E = np.asarray(E, dtype=float)
    spec = (p.slope, p.E_min, p.E_max, p.cutoff, p.E_break, p.slope_high)
    out: dict[str, Any] = {"energy": E}
    if rho is None:
        rho = instability.gas_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2)
    if T is None:
        T = p.T
    out["rho_gas"] = rho
    out["n_gas"] = n_gas = rho / C.m_p
    phi = escape.escape_flux(E, p.L_CR, p.R_d, *spec)
    E2phi = E**2 * phi
    out["Lambda"] = p.L_CR / (2.0 * np.pi * p.R_d**2 * E2phi)
    if dilution is not None:
        phi = phi * dilution
        E2phi = E**2 * phi
    D_gal = escape.galactic_diffusion(E, p.D_gal, p.D_gal_slope, p.E_D)
    out["n_gal"] = escape.n_gal(E, p.L_CR, p.R_d, p.H, D_gal, *spec)
    out["cr_flux"] = phi
    out["cr_energy_flux"] = E2phi
    J = escape.current_above(E, p.L_CR, p.R_d, *spec)
    if dilution is not None:
        J = J * dilution
    J_paper = C.e * E * phi
    out["current"] = J
    out["current_paper"] = J_paper
    out["n_ballistic"] = escape.n_ballistic(phi)
    out["B0_bound"] = B0_bound = instability.B0_max(E2phi)
    out["instability_margin"] = B0_bound / p.B0
    out["v_A_seed"] = instability.alfven_speed(p.B0, rho)
    out["k_max_paper"] = instability.k_max_paper(J_paper, p.B0)
    out["k_max"] = instability.k_fastest_cold(J, p.B0)
    out["gamma_max_paper"] = gamma_paper = instability.gamma_max_paper(J_paper, rho)
    out["gamma_max"] = instability.gamma_max_cold(J, rho)
    out["B_thermal_paper"] = instability.B_thermal_paper(rho, T)
    out["B_thermal"] = instability.B_thermal(rho, T, p.X_H)
    out["B_star"] = instability.B_star_paper(J_paper, rho, T)
    out["B_sat"] = dB = saturation.B_sat(E2phi)
    out["B_sat_current"] = saturation.B_sat_current(E, J)
    # the local index of the current's spectrum: slope_high above a break (an approximation)
    s_local = np.where(E >= p.E_break, p.slope_high, p.slope)
    out["B_sat_linear"] = _B_sat_linear(J, E, s_local, p.E_max)
    out["r_L_sat"] = saturation.larmor_radius(E, dB)
    out["D_bohm"] = D = saturation.bohm_diffusion(E, dB)
    out["t_advection"] = t_adv = transport.advection_time(E2phi, D, rho)
    out["t_advection_gamma"] = t_adv * gamma_paper
    out["n_diffusive"] = transport.n_diffusive(phi, D, t_adv)
    out["v_drift"] = transport.drift_speed(D, t_adv)
    out["grad_P_CR_paper"] = transport.pressure_gradient(E2phi, D)
    out["grad_P_CR"] = transport.pressure_gradient_isotropic(E2phi, D)
    out["dB_alfven_balance"] = saturation.B_alfven_balance(E2phi, rho)
    out["v_A_amplified"] = v_A = instability.alfven_speed(dB, rho)
    out["n_advective"] = transport.n_advective(phi, v_A)
    out["cr_overdensity"] = transport.overdensity(v_A)
    out["cr_overdensity_paper"] = transport.overdensity_paper(v_A)
    out["fill_time"] = transport.fill_time(p.R_d, v_A)
    out["R_1D"] = np.broadcast_to(p.R_d, np.shape(v_A))
    out["neutrino_energy"] = p.eta * E
    out["neutrino_E2_flux"] = emission.neutrino_E2_flux_eq16(
        E2phi, v_A, n_gas, p.R_d, p.eta, p.sigma_pp, p.nu_yield
    )
    return out


def _B_sat_linear(J, E, slope, E_max):
    """Eq. (8) from Bell's (2004) dispersion relation: the field at which k_c r_L falls to ζ_c.

    The current spectrum runs from E to E_max, p_max/p_min = E_max/E (an exponential
    cutoff taken as a sharp one at E_max), the convention of ``crescape dispersion``
    (:func:`crescape.physics.validity.linear_summary`): with p_max = ∞ the threshold ζ_c
    is 0 for s < 2 and the field would be infinite. :func:`crescape.physics.dispersion.
    saturation_field` for each distinct slope; 0 where there is no current (E >= E_max).
    """
    from .physics.dispersion import saturation_field

    J, E, slope, E_max = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (J, E, slope, E_max))
    )
    out = np.zeros(J.shape)
    live = (J > 0) & (E_max > E)
    for s in np.unique(slope[live]):
        sel = live & (slope == s)
        out[sel] = saturation_field(J[sel], E[sel], float(s), E_max[sel])
    return out


def paper_values(p: Any, E: Any) -> dict[str, np.ndarray]:
    """The numbers the paper quotes, scaled with the paper's own scaling laws [display units].

    Each entry is the paper's normalisation times its stated parameter
    scaling (e.g. Eq. (7): 2 yr^-1 δ_G^-1/2 E_GeV^-1 L_41 R_10^-2). Quantities
    for which the paper quotes only a range or nothing are absent.
    """
    L41 = p.L_CR / 1e41
    R10 = p.R_d / (10 * C.kpc)
    EG = np.asarray(E, dtype=float) / C.GeV
    dG = p.delta_G
    return {
        "B0_bound": 2.2e-8 * L41**0.5 / R10,  # Eq. (6)
        "gamma_max_paper": 2.0 * dG**-0.5 / EG * L41 / R10**2,  # Eq. (7)
        "B_thermal_paper": 2e-9 * dG**0.5 * (p.T / 1e4) ** 0.5,  # after Eq. (6)
        "B_star": 1.8e-9
        * dG ** (1 / 6)
        * (p.T / 1e6) ** (1 / 3)
        * (L41 / (EG * R10**2)) ** (1 / 3),
        "B_sat": 2.2e-8 * L41**0.5 / R10,  # Eqs. (6), (8)
        "D_bohm": 1.5e24 * EG * L41**0.5 * R10,  # Eq. (9)
        "dB_alfven_balance": 3e-7 * L41 ** (1 / 3) * dG ** (1 / 6) * R10 ** (-2 / 3),  # Eq. (14)
        # Eq. (17): the number at L_41 = 1, η = 0.05, with the formula's L^1/2 and η scalings
        "neutrino_E2_flux": 5e-12 * dG**1.5 * L41**0.5 * p.eta / 0.05,
    }


#: the field conventions of a CGM profile (:func:`neutrino_E2_flux`, ``field=``)
FIELDS = ("planar", "local")


def _check_field(field: Any) -> str:
    if field not in FIELDS:
        raise ParameterError(f"field = {field!r} is not allowed: must be 'planar' or 'local'")
    return field


def _check_profile(profile: Any) -> Any:
    from .halo import CGMProfile

    if not isinstance(profile, CGMProfile):
        raise ParameterError(
            f"profile = {profile!r} is not allowed: must be a crescape.halo.CGMProfile"
        )
    return profile


def profile_gas_over_vA(profile: Any, E2phi: Any, R_d: float, field: str = "planar") -> Any:
    """The integrand n(r)/ṽ_A(r) of the column of Eq. (16) in a CGM profile, as a function of r.

    n = ρ(r)/m_p (Eq. 16) and ṽ_A(r) = δB/√(4πρ(r)) (before Eq. 10) with δB the
    saturated field of Eq. (8):

    * ``field="planar"`` (the paper's convention): δB = B_sat(E²φ) of the flux of
      Eq. (3), the same at every radius; the CR density f(r) φ/ṽ_A(r) then scales as
      f ρ^{1/2};
    * ``field="local"`` (self-consistent): δB(r) = B_sat(E²φ f(r)) of the diluted local
      flux (:func:`crescape.physics.cgm_source.dilution`), so δB ∝ f^{1/2} and the CR
      density f φ/ṽ_A(r) scales as f^{1/2} ρ^{1/2}.

    The two agree inside R_d (f = 1).

    Parameters
    ----------
    profile : crescape.halo.CGMProfile
    E2phi : float or array (n,)
        E²φ of Eq. (3) at the energies of interest [erg cm^-2 s^-1].
    R_d : float
        Disk radius [cm].
    field : {'planar', 'local'}

    Returns
    -------
    callable
        g(r) for radii r [cm] (an array of shape (m,)): n/ṽ_A [s cm^-4], shape (m, n).
    """
    E2 = np.atleast_1d(np.asarray(E2phi, dtype=float))[None, :]
    _check_field(field)
    if field == "planar":
        B = saturation.B_sat(E2)

    def g(r):
        rho = profile.rho_cgs(r)[:, None]
        dB = B if field == "planar" else saturation.B_sat(E2 * cgm_source.dilution(r, R_d)[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            return rho / C.m_p / instability.alfven_speed(dB, rho)

    return g


def paper_energy_flux(p: Any, E: Any) -> np.ndarray:
    """E²φ(E) as the paper draws it in Fig. 1: the source spectrum without its cutoff [cgs].

    E²φ = L_CR/(2πR_d² Λ) E² Q̂(E) (Eq. 3), Q̂ = E^-s continued beyond E_max (for s = 2 the
    flat line of Eq. 17), or the broken power law (``E_break``, ``slope_high``) continued
    beyond E_max; Λ is the normalisation of the spectrum with its cutoff. ``p`` holds cgs
    parameters (``Parameters().cgs``), ``E`` the CR energy [erg].
    """
    brk = (p.E_break, p.slope_high)
    Lam = energy_norm(p.slope, p.E_min, p.E_max, p.cutoff, *brk)
    if np.any(np.isfinite(p.E_break)):  # the broken power law, continued above E_max
        shape = spectral_shape(E, p.slope, 0.0, np.inf, "sharp", *brk)
        return p.L_CR / (2.0 * np.pi * p.R_d**2 * Lam) * E**2 * shape
    return p.L_CR / (2.0 * np.pi * p.R_d**2 * Lam) * E ** (2.0 - p.slope)


def neutrino_E2_flux(
    params: Parameters | None = None,
    E_nu: Any = None,
    convention: str = "paper",
    *,
    profile: Any = None,
    R_out: Any = None,
    field: str = "planar",
) -> u.Quantity:
    """The paper's neutrino intensity E_ν² F_ν at neutrino energies E_ν (Eqs. 16-17).

    δ-function approximation with ``nu_yield`` neutrinos of energy E_ν = ηE per
    collision, CR density φ/ṽ_A (Eq. 15) with ṽ_A in the saturated field of
    Eq. (8) at the parent energy E = E_ν/η, and the geometric factor R_d/2π.
    The flavour content is not specified by the paper (see docs/paper-notes.md).

    Parameters
    ----------
    params : Parameters
        Defaults to the paper's.
    E_nu : Quantity [energy]
        Neutrino energies (default 100 TeV).
    convention : {'paper', 'eq16'}
        'paper': the parent spectrum is the pure power law E^-s without its
        cutoff, as the paper draws it in Fig. 1; for s = 2 this is Eq. (17), flat
        in E_ν. 'eq16': Eq. (16) with the source spectrum including its cutoff at
        E_max, so the flux vanishes above ηE_max (50 TeV for the paper's 1 PeV).
    profile : crescape.halo.CGMProfile, optional
        The gas profile: the factor n R_d/(2πṽ_A) of Eq. (16) becomes the sky-averaged
        column (1/4π)²∫dΩ∫ds f n/ṽ_A (:func:`crescape.physics.emission.profile_column`)
        through the geometry of :class:`crescape.physics.cgm_source.HaloGeometry`.
    R_out : Quantity [length] or float in kpc, optional
        Outer radius of the halo with ``profile`` (default 10 R_d).
    field : {'planar', 'local'}
        With ``profile``: the field in ṽ_A(r) (:func:`profile_gas_over_vA`): the
        planar field of Eq. (8) at every radius (the paper's convention, the default)
        or that of the diluted local flux.

    Returns
    -------
    Quantity [GeV cm^-2 s^-1 sr^-1]
    """
    if convention not in ("paper", "eq16"):
        raise ParameterError(
            f"convention = {convention!r} is not allowed: must be 'paper' or 'eq16'"
        )
    _check_field(field)
    if profile is not None:
        _check_profile(profile)
    elif field != "planar":
        raise ParameterError(
            f"field = {field!r} is not allowed without profile: Eq. (16) with R_d/(2π) has no "
            "radius (give profile=CGMProfile(cgm=...) for the uniform CGM)"
        )
    params = params or Parameters()
    E_nu = 100 * u.TeV if E_nu is None else E_nu
    E_nu_cgs = parse_value(_E_NU, E_nu).to_value(u.erg)
    p = params.cgs
    E = E_nu_cgs / p.eta
    if convention == "paper":
        E2phi = paper_energy_flux(p, E)
    else:
        E2phi = E**2 * escape.escape_flux(
            E, p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff, p.E_break, p.slope_high
        )
    if profile is not None:
        val = _neutrino_profile(p, E2phi, profile, R_out, field)
        return (val * u.erg / (u.cm**2 * u.s * u.sr)).to(u.GeV / (u.cm**2 * u.s * u.sr))
    rho = instability.gas_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2)
    with np.errstate(divide="ignore", invalid="ignore"):
        v_A = instability.alfven_speed(saturation.B_sat(E2phi), rho)
        val = emission.neutrino_E2_flux_eq16(
            E2phi, v_A, rho / C.m_p, p.R_d, p.eta, p.sigma_pp, p.nu_yield
        )
    val = np.where(E2phi > 0, val, 0.0)
    return (val * u.erg / (u.cm**2 * u.s * u.sr)).to(u.GeV / (u.cm**2 * u.s * u.sr))


def _neutrino_profile(
    p: Any, E2phi: np.ndarray, profile: Any, R_out: Any, field: str = "planar"
) -> np.ndarray:
    """Eq. (16) with the column of a gas profile (:func:`neutrino_E2_flux`, ``profile=``) [cgs]."""
    from .units import parse_quantity

    for name in ("R_d", "eta", "sigma_pp", "nu_yield"):
        if np.ndim(getattr(p, name)) != 0:
            raise ParameterError(f"{name} must be a scalar with profile= (got an array)")
    R_out_c = None
    if R_out is not None:
        R_out_c = float(parse_quantity(R_out, u.kpc, "R_out").to_value(u.cm))
    E2 = np.atleast_1d(np.asarray(E2phi, dtype=float))
    g = profile_gas_over_vA(profile, E2, float(p.R_d), field)
    col = np.atleast_1d(emission.profile_column(g, float(p.R_d), R_out_c))
    val = emission.neutrino_E2_flux_column(E2, col, p.eta, p.sigma_pp, p.nu_yield)
    val = np.where(E2 > 0, val, 0.0)
    return val.reshape(np.shape(E2phi))


def validity_messages(
    values: dict[str, Any], params: Parameters, energy: Any, context: str = ""
) -> list[str]:
    """Why a chain result is unphysical or not a number, one message each (empty if none).

    Checked: the Alfvén speeds in the seed and in the saturated field (before
    Eq. 10) must stay below c, the non-relativistic MHD of the paper; every
    quantity must be finite (an overflow or underflow of the cgs arithmetic
    gives inf or NaN). The messages name the parameters that differ from the
    paper's, and ``context`` (e.g. the radius and profile of :class:`EscapeModel`).
    """
    out: list[str] = []

    def where() -> str:
        e = u.Quantity(energy)
        shown = f"{e:g}" if e.ndim == 0 else f"{np.min(e):g} to {np.max(e):g}"
        return f"at energy = {shown}{context} with {params.changes_text()}"

    for name, what in (
        ("v_A_amplified", "ṽ_A (saturated field)"),
        ("v_A_seed", "v_A (seed field)"),
    ):
        v = np.asarray(values[name], dtype=float)
        if np.any(v > C.c):
            out.append(
                f"{name}: {what} = {np.nanmax(v) / C.c:.3g} c exceeds the speed of light {where()}; "
                "the non-relativistic picture of the paper does not apply"
            )
    bad = [n for n, v in values.items() if not np.all(np.isfinite(np.asarray(v, dtype=float)))]
    if bad:
        out.append(
            f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not finite {where()} "
            "(the cgs arithmetic overflows or underflows)"
        )
    return out


@functools.cache
def _factor(cgs: str, display: str) -> float:
    """Conversion factor from a cgs unit to a display unit (cached)."""
    return float(_unit(cgs).to(_unit(display)))


@functools.cache
def _unit(name: str) -> u.UnitBase:
    return u.Unit(name)


#: the CGM fields a profile reads, checked against the model's ``cgm`` (:class:`EscapeModel`)
_PROFILE_CGM_FIELDS = ("X_H", "Omega_b_h2", "rho_cr_h2")


def _radius(radius: Any) -> np.ndarray:
    """The radius [cm] of :class:`EscapeModel`: plain numbers in kpc, finite and > 0."""
    from .units import parse_quantity

    q = parse_quantity(radius, u.kpc, "radius")
    r = np.asarray(q.to_value(u.cm), dtype=float)
    if r.size == 0:
        raise ParameterError("radius = [] is not allowed: must be finite lengths > 0 kpc")
    ok = np.isfinite(r) & (r > 0)
    if not np.all(ok):
        bad = float(r[~ok].flat[0]) if r.ndim else float(r)
        raise ParameterError(
            f"radius = {bad / C.kpc:g} kpc is not allowed: must be a finite length > 0 kpc"
        )
    return r


def _profile_and_cgm(profile: Any, cgm: CGM | None) -> CGM:
    """The model's CGM with a profile: the profile's own, or ``cgm`` if it agrees with it."""
    _check_profile(profile)
    if cgm is None:
        return profile.cgm
    names = list(_PROFILE_CGM_FIELDS)
    if profile.kind == "uniform":
        names.append("delta_G")
    if profile.T is None and profile.kind != "table":
        names.append("T")
    for name in names:
        mine, theirs = getattr(cgm.cgs, name), getattr(profile.cgm.cgs, name)
        if not np.array_equal(mine, theirs):
            raise ParameterError(
                f"cgm {name} = {getattr(cgm, name)} is not allowed with this profile: must equal "
                f"the profile's {name} = {getattr(profile.cgm, name)} (build the profile with "
                "cgm=..., or omit cgm)"
            )
    return cgm


class EscapeModel:
    """The paper's chain for one parameter set, or for arrays of them.

    Parameters
    ----------
    galaxy, cgm, micro : Galaxy, CGM, Microphysics
        Default to the paper's values. Any field may be an array; arrays
        broadcast against each other and against ``energy``.
    energy : Quantity [energy] or float in GeV
        CR energy for the energy-dependent quantities (default 1 GeV).
    profile : crescape.halo.CGMProfile, optional
        Evaluate the chain in this gas profile at ``radius`` (required with it): the gas
        density is the profile's ρ(r), so δ_G(r) = ρ(r)/(Ω_b ρ_cr) (text after Eq. 5),
        and its temperature T(r) enters wherever the chain uses T. ``cgm`` defaults to
        the profile's; if given, its X_H, Ω_b h², ρ_cr/h² (and δ_G for a uniform
        profile, T unless the profile sets its own) must be the profile's.
    radius : Quantity [length] or float in kpc, optional
        Distance from the Galactic Centre (may be an array; it broadcasts like the
        parameters). The escaping flux is diluted to φ f(r), f = 1 inside R_d and
        (R_d/r)² beyond (text after Eq. 15; :func:`crescape.physics.cgm_source.dilution`),
        and every quantity driven by it follows at r: J, B0_bound, k_max, γ_max, B_*,
        B_sat (Eq. 8, ∝ f^{1/2}), D_Bohm (Eq. 9), t_advection, ṽ_A, n_CR (Eq. 15), and
        Eq. (16) with the local gas and CR densities. Without ``profile`` the gas is the
        uniform CGM of ``cgm``. ``Lambda`` and ``n_gal`` stay those of the source.

    Notes
    -----
    The chain at r is the self-consistent local picture: the field of Eq. (8) is that of
    the local flux (``field="local"`` of :func:`neutrino_E2_flux`). Inside R_d it is also
    the paper's planar convention. ``paper_value`` then applies the paper's scaling laws
    with the local δ_G, T and the flux L_CR f(r). With ``profile=None, radius=None``, or a
    uniform profile of the model's CGM at r <= R_d, every quantity is the paper's uniform
    CGM bit for bit.

    Examples
    --------
    >>> import numpy as np
    >>> from crescape import CGM
    >>> m = EscapeModel(cgm=CGM(delta_G=np.array([1.0, 100.0])))
    >>> m["v_A_amplified"].round(1)
    <Quantity [98.8,  9.9] km / s>

    The Miller & Bregman (2015) halo at 10 and 50 kpc (beyond R_d = 10 kpc the flux is
    diluted by (R_d/r)², so B_sat falls by R_d/r):

    >>> import astropy.units as u
    >>> from crescape.halo import CGMProfile
    >>> mb = EscapeModel(profile=CGMProfile(kind="miller_bregman"), radius=[10, 50] * u.kpc)
    >>> mb.local_delta_G.round(0)
    <Quantity [1726.,  154.]>
    >>> (mb["B_sat"] / EscapeModel()["B_sat"]).round(3)
    <Quantity [1. , 0.2]>
    """

    def __init__(
        self,
        galaxy: Galaxy | None = None,
        cgm: CGM | None = None,
        micro: Microphysics | None = None,
        energy: Any = DEFAULT_ENERGY,
        *,
        profile: Any = None,
        radius: Any = None,
    ) -> None:
        if profile is not None:
            cgm = _profile_and_cgm(profile, cgm)
            if radius is None:
                raise ParameterError(
                    "radius = None is not allowed with profile: give the distance from the "
                    "Galactic Centre (e.g. radius=20 * u.kpc)"
                )
        r = None if radius is None else _radius(radius)
        self.params = Parameters(galaxy or Galaxy(), cgm or CGM(), micro or Microphysics())
        e = parse_value(ENERGY_SPEC, energy)
        self.energy = e
        E = e.to_value(u.erg)
        if np.any(E < self.params.cgs.E_min) or np.any(E > self.params.cgs.E_max):
            raise ParameterError(
                f"energy = {e} is not allowed: must lie between E_min = {self.params.galaxy.E_min} "
                f"and E_max = {self.params.galaxy.E_max}"
            )
        p = self.params.cgs
        #: the gas profile (None: the uniform CGM of ``cgm``) and the radius [kpc] (None: the
        #: paper's region, no dilution)
        self.profile = profile
        self.radius = None if r is None else (r / C.kpc) * u.kpc
        local: dict[str, Any] = {}
        if r is not None:
            local["dilution"] = cgm_source.dilution(r, p.R_d)
            if profile is not None:
                local["rho"] = profile.rho_cgs(r)
                local["T"] = profile.T_cgs(r)
        self._local = local
        #: the broadcast shape of all parameters and the energy
        self.shape = np.broadcast_shapes(
            np.shape(E),
            *(np.shape(v) for v in vars(p).values() if not isinstance(v, str)),
            *(np.shape(v) for v in local.values()),
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            self._cgs = chain(p, E, **local)
        self._paper: dict[str, np.ndarray] | None = None
        context = ""
        if r is not None:
            rk = r / C.kpc
            where = f"{rk:g}" if np.ndim(rk) == 0 else f"{np.min(rk):g} to {np.max(rk):g}"
            gas = "" if profile is None else f" in the {profile.kind} profile"
            context = f", radius = {where} kpc{gas}"
        for message in validity_messages(self._cgs, self.params, self.energy, context):
            warnings.warn(message, ValidityWarning, stacklevel=2)

    @property
    def local_delta_G(self) -> u.Quantity:
        """δ_G where the chain is evaluated: ρ/(Ω_b ρ_cr) (text after Eq. 5), dimensionless.

        The profile's at ``radius`` (:meth:`crescape.halo.CGMProfile.delta_G`), else the CGM's.
        """
        if self.profile is not None:
            d = self.profile.delta_G(self.radius)
        else:
            d = self.params.cgm.delta_G * u.one
        return np.broadcast_to(u.Quantity(d, u.one).value, self.shape) * u.one

    @classmethod
    def from_params(
        cls, params: Parameters, energy: Any = DEFAULT_ENERGY, **kwargs: Any
    ) -> EscapeModel:
        """Build from a :class:`Parameters` bundle (``kwargs``: ``profile``, ``radius``)."""
        return cls(params.galaxy, params.cgm, params.micro, energy=energy, **kwargs)

    @property
    def galaxy(self) -> Galaxy:
        return self.params.galaxy

    @property
    def cgm(self) -> CGM:
        return self.params.cgm

    @property
    def micro(self) -> Microphysics:
        return self.params.micro

    def __getitem__(self, name: str) -> u.Quantity:
        """One quantity, as a Quantity in its display unit."""
        try:
            info = QUANTITIES[name]
        except KeyError:
            raise KeyError(f"unknown quantity {name!r}; known: {', '.join(QUANTITIES)}") from None
        factor = _factor(info.cgs, info.unit)
        value = np.broadcast_to(self._cgs[name], self.shape)
        return np.asarray(value if factor == 1.0 else value * factor, dtype=float) << _unit(
            info.unit
        )

    def cgs(self, name: str) -> np.ndarray:
        """One quantity as a plain cgs array (no unit conversion), broadcast to :attr:`shape`."""
        return np.broadcast_to(self._cgs[name], self.shape)

    def paper_value(self, name: str) -> u.Quantity | None:
        """The paper's quoted value of a quantity (scaled to these parameters), or None."""
        if self._paper is None:
            p = self.params.cgs
            if self._local:
                loc = dict(vars(p))
                loc["L_CR"] = p.L_CR * self._local["dilution"]
                loc["delta_G"] = self.local_delta_G.value
                loc["T"] = self._local.get("T", p.T)
                p = SimpleNamespace(**loc)
            self._paper = paper_values(p, self.energy.to_value(u.erg))
        if name not in self._paper:
            return None
        return u.Quantity(self._paper[name], u.Unit(QUANTITIES[name].unit))

    def quantities(self) -> dict[str, u.Quantity]:
        """Every quantity as a Quantity (arrays for array parameters)."""
        return {name: self[name] for name in QUANTITIES}

    def table(self) -> QTable:
        """A table with one row per quantity: name, value, unit, paper value, equation, description.

        For array parameters use :meth:`quantities` instead.
        """
        rows = []
        for name, info in QUANTITIES.items():
            q = self[name]
            if np.ndim(q) != 0:
                raise ParameterError(
                    "table() needs scalar parameters; use quantities() for arrays of parameters"
                )
            pv = self.paper_value(name)
            rows.append(
                (
                    name,
                    float(q.value),
                    info.unit,
                    np.nan if pv is None else float(pv.value),
                    info.equation,
                    info.description,
                )
            )
        return QTable(
            rows=rows, names=("name", "value", "unit", "paper_value", "equation", "description")
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``crescape summary --json``."""
        quantities = {}
        for name, info in QUANTITIES.items():
            q = self[name]
            pv = self.paper_value(name)
            quantities[name] = {
                "value": q.value.tolist() if np.ndim(q) else float(q.value),
                "unit": info.unit,
                "equation": info.equation,
                "paper_value": None
                if pv is None
                else (pv.value.tolist() if np.ndim(pv) else float(pv.value)),
            }
        out = {
            "parameters": self.params.as_dict() | {"energy": float(self.energy.to_value(u.GeV))},
            "quantities": quantities,
        }
        if self.radius is not None:
            rk = self.radius.to_value(u.kpc)
            out["radius_kpc"] = rk.tolist() if np.ndim(rk) else float(rk)
            out["profile"] = None if self.profile is None else self.profile.as_dict()
        return out
