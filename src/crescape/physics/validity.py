"""Validity of the cold MHD treatment of the nonresonant instability, and the regime that applies.

The paper's Eqs. (5) and (7) are the cold, ideal-MHD estimates of Bell (2004). Whether they
apply is decided here with the full linear relation of :mod:`crescape.physics.dispersion`
(CR response, Hall term, ion temperature; docs/dispersion.md §5-6):

* a nonresonant branch exists: k_c r_L > ζ_c (:func:`~crescape.physics.dispersion.critical_kc_rL`,
  with the same p_max/p_min = E_max/E as every other number);
* the ions are magnetised on the growth time: both the growth of the full relation and
  the growth without the Hall term, i.e. the warm (finite-Larmor-radius) rate of
  :func:`~crescape.physics.thermal.warm_growth_max`, are below Ω_i. For T = 0 the second
  is Bell's k_c v_A/2 (the Hall term then caps the first at Ω_i); in the hot limit the warm rate,
  (√3/2)(k_c v_A²/(Ω_i v_T))^(2/3) Ω_i with v_T² = k_BT/m_p, does not depend on B0 and is
  0.004-0.02 Ω_i for T >= 1e4 K at the paper's parameters, so the growth never outruns the
  ion gyration there;
* the FLR expansion holds: k r_i < 1 at the fastest mode of the full relation;
* the thermal term is small: τ = k_c k_BT/(m_p Ω_i v_A) < 1;
* the mode is nonresonant: k r_L ≫ 1 at the fastest mode (flagged below 10).

T = 0 selects the cold relation (the Hall term only). cgs floats or arrays in and out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import constants as C
from ..errors import ParameterError
from . import escape, saturation
from ._typing import ArrayLike
from .dispersion import check_positive, critical_kc_rL, fastest_growth, saturation_field
from .instability import B_star_paper, gamma_max_paper, gas_density, k_max_paper
from .thermal import (
    B_star,
    ion_cyclotron_frequency,
    ion_larmor_radius,
    thermal_parameter,
    warm_fastest_growth,
    warm_growth_max,
)

__all__ = ["REGIMES", "K_RL_MARGINAL", "regimes", "linear_summary"]

#: Regime codes of :func:`regimes`, in order of precedence (the first that applies wins).
REGIMES = {
    0: "no nonresonant branch (k_c r_L < zeta_c): resonant streaming only",
    1: "Hall-limited: the growth (with or without the Hall term) reaches Omega_i",
    2: "kinetic ions: k r_i > 1 at the fastest mode, MHD and the FLR expansion fail",
    3: "thermal: finite ion temperature reduces the growth (tau > 1)",
    4: "marginal: k r_L < 10 at the fastest mode, the CR response changes the growth",
    5: "cold Bell: the paper's estimates apply (up to the factor 2 of Eq. 7)",
}

#: k r_L at the fastest mode below which the CR response changes the growth by > 0.3 %
#: (k_c r_L < 20 for Bell's fastest mode k_c/2; docs/dispersion.md §3)
K_RL_MARGINAL = 10.0


def _t_max(E_max, E) -> float:
    """p_max/p_min = E_max/E, one number for the whole call."""
    t = np.asarray(E_max, dtype=float) / np.asarray(E, dtype=float)
    if np.ndim(t) and np.unique(t).size > 1:
        raise ParameterError("E_max/E must be the same for every element (one spectrum per call)")
    t = float(np.ravel(t)[0])
    if not t > 1.0:
        raise ParameterError(f"E_max/E = {t:g} is not allowed: E_max must be above E")
    return t


def regimes(
    J: ArrayLike,
    B0: ArrayLike,
    rho: ArrayLike,
    T: ArrayLike,
    E: ArrayLike,
    slope: float = 2.0,
    E_max: ArrayLike = np.inf,
    n_grid: int = 200,
) -> dict[str, np.ndarray]:
    """Validity conditions of the cold MHD treatment and the regime that applies.

    Parameters
    ----------
    J : float or array [statA cm^-2]
        Current of CRs above E.
    B0 [G], rho [g cm^-3], T [K], E [erg] : float or array
        Field, density, ion temperature (0: the cold relation), energy of the
        lowest-energy current-carrying CRs.
    slope : float
        Index of the current spectrum.
    E_max : float [erg]
        Highest energy of the current spectrum (p_max = E_max/c), the same for the
        threshold and the growth (default ∞).
    n_grid : int
        Coarse grid of the fastest-mode search (:func:`~crescape.physics.thermal.warm_fastest_growth`).

    Returns
    -------
    dict of arrays
        ``kc_rL`` (ζ), ``zeta_c``, ``x_c`` (k r_L(p_min) of the last unstable mode),
        ``driven`` (ζ > ζ_c), ``gamma_cold`` (k_c v_A/2) [s^-1], ``Omega_i`` [s^-1],
        ``gamma_nohall`` [s^-1] (the warm rate without the Hall term; the regime is
        Hall-limited where it or ``gamma`` exceeds Ω_i), ``k_fastest``, ``gamma``, ``omega_r`` [cm^-1, s^-1, s^-1] (the fastest
        mode of the full relation: CR response, Hall term, ion temperature),
        ``gamma_over_Omega`` (γ/Ω_i of that mode), ``k_rL`` (its k r_L(E)), ``k_ri`` (its
        k r_i), ``kc_ri`` (k_c r_i), ``tau``, ``thermal_ratio_paper`` (2τ),
        ``growth_over_cold`` (γ/(k_c v_A/2)), ``regime`` (int code, see :data:`REGIMES`).

    Notes
    -----
    Bell (2004), Eqs. 8-13 with the CR response (Eq. 10), the Hall term and the first
    finite-Larmor-radius term (docs/dispersion.md §5); r_i = v_th/Ω_i with
    v_th² = 2k_BT/m_p (the paper's convention for B_*, text after Eq. 7).
    """
    J = check_positive("J", J, unit="statA cm^-2")
    B0 = check_positive("B0", B0, unit="G")
    rho = check_positive("rho", rho, unit="g cm^-3")
    T = check_positive("T", T, allow_zero=True, unit="K")
    E = check_positive("E", E, unit="erg")
    if slope is None or not np.isscalar(slope):
        raise ParameterError(f"slope = {slope!r} is not allowed: must be one number > 1")
    J, B0, rho, T, E = np.broadcast_arrays(J, B0, rho, T, E)
    t_max = _t_max(E_max, E)
    kc = k_max_paper(J, B0)
    vA = B0 / np.sqrt(4.0 * np.pi * rho)
    zeta = kc * E / (C.e * B0)
    zc, xc = critical_kc_rL(slope, t_max, return_x=True)
    Om = ion_cyclotron_frequency(B0)
    g_cold = 0.5 * kc * vA
    tau = thermal_parameter(J, B0, rho, T)
    _, g_w = warm_growth_max(tau)
    g_nohall = g_w * kc * vA
    k_f, g_f, w_r = warm_fastest_growth(J, B0, rho, E, T, slope, E_max, hall=True, n_grid=n_grid)
    r_i = ion_larmor_radius(T, B0)
    k_rL = k_f * E / (C.e * B0)
    k_ri = k_f * r_i
    code = np.full(zeta.shape, 5, dtype=int)
    code = np.where(k_rL < K_RL_MARGINAL, 4, code)
    code = np.where(tau > 1.0, 3, code)
    code = np.where(k_ri > 1.0, 2, code)
    code = np.where(np.maximum(g_nohall, g_f) > Om, 1, code)
    code = np.where(zeta <= zc, 0, code)
    return {
        "kc_rL": zeta,
        "zeta_c": np.full(zeta.shape, zc),
        "x_c": np.full(zeta.shape, xc),
        "driven": zeta > zc,
        "gamma_cold": g_cold,
        "Omega_i": Om,
        "gamma_nohall": g_nohall,
        "k_fastest": k_f,
        "gamma": g_f,
        "omega_r": w_r,
        "gamma_over_Omega": g_f / Om,
        "k_rL": k_rL,
        "k_ri": k_ri,
        "kc_ri": kc * r_i,
        "tau": tau,
        "thermal_ratio_paper": 2.0 * tau,
        "growth_over_cold": g_f / g_cold,
        "regime": code,
    }


def linear_summary(
    params: Any, E: float, T: float | None = None
) -> dict[str, tuple[float, str, str]]:
    """The linear theory at one parameter set and CR energy: every number ``crescape dispersion`` prints.

    Parameters
    ----------
    params : crescape.params.Parameters
        Scalar parameters (the Galaxy sets J(>E) through Eqs. 1-3, the CGM sets ρ, T, B0).
    E : float [erg]
        Energy of the lowest-energy current-carrying CRs.
    T : float [K], optional
        Ion temperature in place of the CGM's ``T``; 0 selects the cold relation (the
        Hall term only), which the CGM's ``T`` (> 0: gas pressure) cannot express.

    Returns
    -------
    dict
        name → (value, unit, meaning) with the paper's Eqs. (5), (7), (8) and B_*
        beside the exact linear theory (docs/dispersion.md).

    Notes
    -----
    One p_max for everything: the current spectrum runs from E to E_max (for the
    exponential cutoff, a sharp one at E_max), so the threshold, the ``driven`` flag, the
    growth and ``B_sat_linear`` all use p_max/p_min = E_max/E.
    """
    g, m = params.galaxy.cgs, params.cgm.cgs
    E = float(check_positive("energy", E, unit="erg"))
    J = float(
        escape.current_above(
            E, g.L_CR, g.R_d, g.slope, g.E_min, g.E_max, g.cutoff, g.E_break, g.slope_high
        )
    )
    if not (J > 0 and E < g.E_max):
        raise ParameterError(
            f"energy = {E / C.GeV:g} GeV is not allowed: must be below E_max = "
            f"{g.E_max / C.GeV:g} GeV (no current above it)"
        )
    E2phi = float(
        escape.escape_energy_flux(
            E, g.L_CR, g.R_d, g.slope, g.E_min, g.E_max, g.cutoff, g.E_break, g.slope_high
        )
    )
    rho = float(gas_density(m.delta_G, m.Omega_b_h2, m.rho_cr_h2))
    B0 = float(m.B0)
    T = float(m.T) if T is None else float(check_positive("T", T, allow_zero=True, unit="K"))
    slope = float(g.slope)
    E_max = float(g.E_max)
    t_max = E_max / E
    cold = fastest_growth(J, B0, rho, E, slope, E_max)
    reg = regimes(J, B0, rho, T, E, slope, E_max, n_grid=400)
    B_lin = float(saturation_field(J, E, slope, E_max))
    B_eq8 = float(saturation.B_sat(E2phi))
    code = int(reg["regime"])
    # the threshold depends on p_max where doubling it moves ζ_c by more than 1 %
    zc = float(reg["zeta_c"])
    at_p_max = bool(abs(critical_kc_rL(slope, 2.0 * t_max) - zc) > 0.01 * zc)
    f = float
    return {
        "energy": (E / C.GeV, "GeV", "energy of the lowest-energy current-carrying CRs"),
        "current": (J, "statA cm^-2", "J(>E), Eq. (3) integrated"),
        "rho": (rho, "g cm^-3", "gas density delta_G Omega_b rho_cr"),
        "p_max_over_p_min": (t_max, "", "E_max/E: the current spectrum used for every number"),
        "k_c": (
            f(cold["k_c"]),
            "cm^-1",
            "4 pi J/(c B0): the paper's k_max (Eq. 5), Bell's band edge",
        ),
        "gamma_paper": (f(gamma_max_paper(J, rho)), "s^-1", "k_max v_A (Eq. 7)"),
        "kc_rL": (f(cold["kc_rL"]), "", "k_c r_L(E): distance above threshold"),
        "kc_rL_threshold": (
            f(reg["zeta_c"]),
            "",
            "k_c r_L below which the nonresonant branch vanishes (0: none, any current drives it)",
        ),
        "threshold_at_p_max": (
            at_p_max,
            "",
            "doubling E_max moves the threshold by > 1% (s < 2: set by the highest energies)",
        ),
        "driven": (bool(reg["driven"]), "", "a nonresonant branch exists"),
        "k_fastest": (
            f(cold["k_fastest"]),
            "cm^-1",
            "fastest-growing k, cold relation with CR response",
        ),
        "gamma_max": (f(cold["gamma_max"]), "s^-1", "its growth rate"),
        "k_fastest_over_eq5": (f(cold["k_over_paper"]), "", "k_fastest / k_max(Eq. 5)"),
        "gamma_max_over_eq7": (f(cold["gamma_over_paper"]), "", "gamma_max / gamma_max(Eq. 7)"),
        "k_band_lo": (
            f(cold["k_band_lo"]),
            "cm^-1",
            "lower edge of the nonresonant band (Re w^2 < 0)",
        ),
        "k_band_hi": (f(cold["k_band_hi"]), "cm^-1", "upper edge of the nonresonant band"),
        "k_fastest_full": (
            f(reg["k_fastest"]),
            "cm^-1",
            "fastest k with Hall term and ion temperature (T = 0: cold)",
        ),
        "gamma_max_full": (f(reg["gamma"]), "s^-1", "its growth rate"),
        "omega_r_full": (f(reg["omega_r"]), "s^-1", "its real frequency"),
        "tau": (f(reg["tau"]), "", "thermal parameter k_c k_B T/(m_p Omega_i v_A); > 1: thermal"),
        "thermal_ratio_paper": (
            f(reg["thermal_ratio_paper"]),
            "",
            "k_max^2 v_th^2/(Omega_i gamma_max), paper",
        ),
        "B_star_paper": (
            f(B_star_paper(C.e * E2phi / E, rho, T)),
            "G",
            "the paper's B_* (text after Eq. 7), with J = eE phi",
        ),
        "B_star": (
            f(B_star(J, rho, T)),
            "G",
            "field where tau = 1 (thermal term = gamma at k_c/2)",
        ),
        "gamma_over_Omega": (
            f(reg["gamma_over_Omega"]),
            "",
            "gamma_max_full/Omega_i: the actual growth; << 1 for magnetised ions",
        ),
        "gamma_nohall_over_Omega": (
            f(reg["gamma_nohall"] / reg["Omega_i"]),
            "",
            "warm growth without the Hall term / Omega_i; > 1 (or gamma_over_Omega > 1): Hall-limited",
        ),
        "k_rL": (f(reg["k_rL"]), "", "k r_L(E) at the fastest full mode; >> 1: nonresonant"),
        "k_ri": (f(reg["k_ri"]), "", "k r_i at the fastest full mode; < 1 for the FLR expansion"),
        "kc_ri": (f(reg["kc_ri"]), "", "k_c r_i, r_i = v_th/Omega_i the thermal ion Larmor radius"),
        "B_sat_eq8": (B_eq8, "G", "Eq. (8)"),
        "B_sat_linear": (B_lin, "G", "field at which k_c r_L falls to the threshold"),
        "B_sat_ratio": (B_lin / B_eq8, "", "B_sat_linear / B_sat(Eq. 8)"),
        "regime": (code, "", REGIMES[code]),
    }
