"""Thermal modification of the nonresonant instability and the validity of the cold MHD treatment.

The paper (text after Eq. 7, refs [13, 14]: Reville et al. 2008, IJMPD 17,
1795; Zweibel & Everett 2010, ApJ 709, 1412) notes that a finite ion
temperature reduces the growth when B0 < B_*. Here the warm-ion correction is
the first finite-Larmor-radius term of the parallel kinetic ion response
(Maxwellian ions, |ω ± Ω_i| ≫ k v_th; derivation in docs/dispersion.md):

    ω² + ω k² (k_B T/m_p)/Ω_i = k²v_A² - k k_c v_A²          (right-hand mode)

so thermal effects matter where k² (k_BT/m_p) ≳ Ω_i γ, the condition the
paper quotes. Solving the quadratic gives the reduced growth
γ(k) = √(k k_c v_A² - k²v_A² - k⁴ (k_BT/m_p)²/(4Ω_i²)), whose maximum is found
from a cubic (:func:`warm_growth_max`). In the hot limit
γ_max → √3 τ^-1/3 (k_c v_A/2), with τ = k_c k_BT/(m_p Ω_i v_A).

:func:`regimes` classifies a parameter set by the validity conditions of the
cold MHD treatment: a nonresonant branch exists (k_c r_L > ζ_c), growth slower
than the ion gyration (γ < Ω_i), the thermal condition, and the ion thermal
Larmor radius against the unstable wavelength.

cgs floats or arrays in and out; the Quantity forms are in :mod:`crescape.formulary`
(``warm_dispersion``, ``thermal_parameter``, ``B_star_warm``, ...).
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ..errors import ParameterError
from . import escape, saturation
from .dispersion import (
    _golden_max,
    check_positive,
    critical_kc_rL,
    dispersion_modes,
    fastest_growth,
    saturation_field,
)
from .instability import B_star_paper, gamma_max_cold, gamma_max_paper, gas_density, k_max_paper

__all__ = [
    "ion_cyclotron_frequency",
    "ion_thermal_speed",
    "ion_larmor_radius",
    "thermal_parameter",
    "thermal_ratio_paper",
    "B_star",
    "warm_growth_max",
    "warm_modes",
    "warm_fastest_growth",
    "REGIMES",
    "regimes",
    "linear_summary",
]


def ion_cyclotron_frequency(B0):
    """Ω_i = eB0/(m_p c) [rad s^-1], the proton gyrofrequency."""
    return C.e * np.asarray(B0, dtype=float) / (C.m_p * C.c)


def ion_thermal_speed(T):
    """v_th = √(2 k_B T/m_p) [cm s^-1] (the paper's convention for B_*)."""
    return np.sqrt(2.0 * C.k_B * np.asarray(T, dtype=float) / C.m_p)


def ion_larmor_radius(T, B0):
    """Thermal proton Larmor radius r_i = v_th/Ω_i [cm], v_th = √(2k_BT/m_p) (the paper's B_*, after Eq. 7)."""
    return ion_thermal_speed(T) / ion_cyclotron_frequency(B0)


def thermal_parameter(J, B0, rho, T):
    """τ = k_c (k_BT/m_p)/(Ω_i v_A): the strength of the ion finite-Larmor-radius term.

    Notes
    -----
    In units of k_c v_A the warm right-hand mode without the CR response is
    ω̂² + τ q² ω̂ = q² - q (q = k/k_c). τ = 2 k²(k_BT/m_p)/(Ω_i γ) at Bell's
    fastest cold mode (k = k_c/2, γ = k_c v_A/2): thermal effects matter for
    τ ≳ 1. τ ∝ J T √ρ / B0³.
    """
    J = check_positive("J", J, unit="statA cm^-2")
    B0 = check_positive("B0", B0, unit="G")
    rho = check_positive("rho", rho, unit="g cm^-3")
    T = check_positive("T", T, allow_zero=True, unit="K")
    kc = k_max_paper(J, B0)
    vA = B0 / np.sqrt(4.0 * np.pi * rho)
    return kc * C.k_B * T / (C.m_p * ion_cyclotron_frequency(B0) * vA)


def thermal_ratio_paper(J, B0, rho, T):
    """The paper's thermal condition k_max² v_th²/(Ω_i γ_max) with Eqs. (5), (7), v_th² = 2k_BT/m_p.

    Equal to 2τ (:func:`thermal_parameter`); it is 1 at B0 = B_* of the paper
    (:func:`crescape.physics.instability.B_star_paper`).
    """
    return 2.0 * thermal_parameter(J, B0, rho, T)


def B_star(J, rho, T, tau=1.0):
    """The field below which ion temperature changes the fastest growth: τ(B_*) = tau [G].

    Parameters
    ----------
    J : float or array [statA cm^-2]
    rho : float or array [g cm^-3]
    T : float or array [K]
    tau : float
        The value of τ that marks the transition (default 1: the thermal term
        equals γ at Bell's fastest cold mode, k²k_BT/m_p = Ω_i γ/2 at k = k_c/2).

    Returns
    -------
    array [G]
        B_*³ = 4π J k_B T √(4πρ)/(e tau), i.e. B_* = B_*(paper) (2 tau)^(-1/3).

    Notes
    -----
    The paper's B_* (≈ 1.8e-9 G δ_G^1/6 T_6^1/3 (L_41/(E_GeV R_10²))^1/3, refs
    [13, 14]) corresponds to k_max² v_th² = Ω_i γ_max with the paper's k_max and
    γ_max, i.e. τ = 1/2. With Bell's fastest mode (τ = 1) the threshold is
    2^(-1/3) = 0.79 times the paper's; the growth is halved (γ_warm = γ_cold/2) at
    τ ≈ 34.4, i.e. at 0.244 B_*(paper) (docs/dispersion.md).
    """
    return B_star_paper(J, rho, T) * (2.0 * np.asarray(tau, dtype=float)) ** (-1.0 / 3.0)


def warm_growth_max(tau):
    """Fastest growth of the warm right-hand mode without CR response, in units of k_c.

    Parameters
    ----------
    tau : float or array
        :func:`thermal_parameter` (>= 0).

    Returns
    -------
    (q_max, g_max) : arrays
        k/k_c of the fastest growth, the real root of τ² q³ + 2q - 1 = 0, and
        γ_max/(k_c v_A) = √(q - q² - τ² q⁴/4). τ = 0 gives Bell's 1/2, 1/2; for
        τ ≫ 1, q → τ^(-2/3) and γ_max/(k_c v_A) → (√3/2) τ^(-1/3).
    """
    tau = check_positive("tau", tau, allow_zero=True)
    t2 = tau**2
    q = np.full(tau.shape, 0.5)
    q = np.minimum(q, np.where(tau > 0, 1.0 / np.cbrt(np.maximum(t2, 1e-300)), 0.5))
    q = np.maximum(q, 0.0)
    # Newton on f(q) = τ² q³ + 2q - 1 (increasing, convex for q > 0); start right of the root
    q = np.where(t2 * q**3 + 2 * q - 1 >= 0, q, 0.5)
    for _ in range(60):
        f = t2 * q**3 + 2.0 * q - 1.0
        q = q - f / (3.0 * t2 * q**2 + 2.0)
    g2 = q - q**2 - 0.25 * t2 * q**4
    return q, np.sqrt(np.maximum(g2, 0.0))


def warm_modes(k, J, B0, rho, E, T, slope=2.0, E_max=np.inf, cr_response=True, hall=True):
    """ω(k) [s^-1] of both polarisations with ion temperature and the Hall term (cgs lite form).

    Parameters
    ----------
    k [cm^-1], J [statA cm^-2], B0 [G], rho [g cm^-3], E [erg], T [K] : float or array
        ``E`` is the energy of the lowest-energy current-carrying CRs, ``T`` the ion temperature.
    slope : float or None
        Index of dJ/dE ∝ E^-s (None: one energy).
    E_max : float [erg] or None
        Highest energy of the current (None: no cutoff).
    cr_response, hall : bool

    Returns
    -------
    dict of complex arrays [s^-1]
        ``{"right": ω_R, "left": ω_L}``.

    Notes
    -----
    ω² ± ω [R_± + k² k_BT/m_p]/Ω_i = R_±, R_± = k² v_A² ∓ k k_c v_A² (1 - σ):
    Bell (2004), Eqs. 8-13 with the Hall term and the first finite-Larmor-radius
    term of the Maxwellian ion response (cf. Reville et al. 2008; Zweibel &
    Everett 2010); valid for k r_i ≪ 1. It is
    :func:`crescape.physics.dispersion.dispersion_modes` with the Hall term on by
    default; the Quantity form is :func:`crescape.formulary.warm_dispersion`.
    """
    return dispersion_modes(
        k,
        J,
        B0,
        rho,
        E,
        slope=slope,
        E_max=np.inf if E_max is None else E_max,
        cr_response=cr_response,
        hall=hall,
        T=T,
    )


#: Regime codes of :func:`regimes`, in order of precedence (the first that applies wins).
REGIMES = {
    0: "no nonresonant branch (k_c r_L < zeta_c): resonant streaming only",
    1: "Hall-limited: gamma_max > Omega_i, ions unmagnetised on the growth time",
    2: "kinetic ions: k r_i > 1 at the fastest mode, MHD and the FLR expansion fail",
    3: "thermal: finite ion temperature reduces the growth (tau > 1)",
    4: "marginal: k_c r_L < 20, the CR response changes the growth",
    5: "cold Bell: the paper's estimates apply (up to the factor 2 of Eq. 7)",
}


def regimes(J, B0, rho, T, E, slope=2.0):
    """Validity conditions of the cold MHD treatment and the regime that applies.

    Parameters
    ----------
    J : float or array [statA cm^-2]
        Current of CRs above E.
    B0 [G], rho [g cm^-3], T [K], E [erg] : float or array
        Field, density, temperature, energy of the lowest-energy current-carrying CRs.
    slope : float
        Index of the current spectrum.

    Returns
    -------
    dict of arrays
        ``kc_rL`` (ζ), ``zeta_c``, ``driven`` (ζ > ζ_c), ``gamma_cold`` (k_c v_A/2)
        [s^-1], ``Omega_i`` [s^-1], ``gamma_over_Omega`` (γ/Ω_i, ≪ 1 needed),
        ``k_rL`` (k_c r_L/2 at Bell's fastest mode, ≫ 1 for the nonresonant
        regime), ``k_ri`` (k r_i at the fastest warm mode, < 1 needed), ``tau``,
        ``thermal_ratio_paper`` (2τ), ``gamma_warm`` [s^-1] and
        ``warm_reduction`` (γ_warm/γ_cold), ``regime`` (int code, see
        :data:`REGIMES`).
    """
    J = check_positive("J", J, unit="statA cm^-2")
    B0 = check_positive("B0", B0, unit="G")
    rho = check_positive("rho", rho, unit="g cm^-3")
    T = check_positive("T", T, allow_zero=True, unit="K")
    E = check_positive("E", E, unit="erg")
    if slope is None or not np.isscalar(slope):
        raise ParameterError(f"slope = {slope!r} is not allowed: must be one number > 1")
    J, B0, rho, T, E = np.broadcast_arrays(J, B0, rho, T, E)
    kc = k_max_paper(J, B0)
    vA = B0 / np.sqrt(4.0 * np.pi * rho)
    zeta = kc * E / (C.e * B0)
    zc = critical_kc_rL(slope)
    Om = ion_cyclotron_frequency(B0)
    g_cold = gamma_max_cold(J, rho)
    tau = thermal_parameter(J, B0, rho, T)
    q_w, g_w = warm_growth_max(tau)
    k_ri = q_w * kc * ion_larmor_radius(T, B0)
    code = np.full(zeta.shape, 5, dtype=int)
    code = np.where(zeta < 20.0, 4, code)
    code = np.where(tau > 1.0, 3, code)
    code = np.where(k_ri > 1.0, 2, code)
    code = np.where(g_cold > Om, 1, code)
    code = np.where(zeta <= zc, 0, code)
    return {
        "kc_rL": zeta,
        "zeta_c": np.full(zeta.shape, zc),
        "driven": zeta > zc,
        "gamma_cold": g_cold,
        "Omega_i": Om,
        "gamma_over_Omega": g_cold / Om,
        "k_rL": 0.5 * zeta,
        "k_ri": k_ri,
        "tau": tau,
        "thermal_ratio_paper": 2.0 * tau,
        "gamma_warm": g_w * kc * vA,
        "warm_reduction": 2.0 * g_w,
        "regime": code,
    }


def warm_fastest_growth(
    J, B0, rho, E, T, slope=2.0, E_max=np.inf, hall=True, cr_response=True, n_grid=400
):
    """Fastest growth of the full relation (CR response, Hall term, ion temperature), right-hand mode.

    Parameters
    ----------
    J [statA cm^-2], B0 [G], rho [g cm^-3], E [erg], T [K] : float or array
    slope : float or None
    E_max : float [erg]
    hall, cr_response : bool
    n_grid : int
        Coarse grid points in ln(k/k_c) before a golden-section refinement.

    Returns
    -------
    (k_fastest [cm^-1], gamma_max [s^-1], omega_r [s^-1]) : arrays
        The wavenumber and growth rate of the fastest mode and its real
        frequency (zero for a purely growing mode).
    """
    J, B0, rho, E, T = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (J, B0, rho, E, T))
    )
    kc = k_max_paper(check_positive("J", J), check_positive("B0", B0))
    zeta = kc * check_positive("E", E) / (C.e * B0)
    lz = np.log(np.maximum(zeta, 1e-300))
    lo = np.minimum(np.log(0.05) - 2.0 * lz, np.log(1e-8))
    hi = np.maximum(np.log(2.0), np.log(10.0) - lz)
    u_ = np.linspace(0.0, 1.0, n_grid)
    grid = lo[..., None] + u_ * (hi - lo)[..., None]

    def growth(lq, expand=False):
        ax = (lambda a: a[..., None]) if expand else (lambda a: a)
        w = dispersion_modes(
            np.exp(lq) * ax(kc),
            ax(J),
            ax(B0),
            ax(rho),
            ax(E),
            slope=slope,
            E_max=E_max,
            cr_response=cr_response,
            hall=hall,
            T=ax(T),
        )["right"]
        return w

    g = growth(grid, expand=True).imag
    i = np.argmax(g, axis=-1)
    a = np.take_along_axis(grid, np.clip(i - 1, 0, n_grid - 1)[..., None], -1)[..., 0]
    b = np.take_along_axis(grid, np.clip(i + 1, 0, n_grid - 1)[..., None], -1)[..., 0]
    lq, gmax = _golden_max(lambda x: growth(x).imag, a, b)
    w = growth(lq)
    return np.exp(lq) * kc, gmax, w.real


def linear_summary(params, E):
    """The linear theory at one parameter set and CR energy: every number the CLI prints.

    Parameters
    ----------
    params : crescape.params.Parameters
        Scalar parameters (the Galaxy sets J(>E) through Eqs. 1-3, the CGM sets ρ, T, B0).
    E : float [erg]
        Energy of the lowest-energy current-carrying CRs.

    Returns
    -------
    dict
        name → (value, unit, meaning) with the paper's Eqs. (5), (7), (8) and B_*
        beside the exact linear theory (docs/dispersion.md).
    """
    g, m = params.galaxy.cgs, params.cgm.cgs
    E = float(check_positive("energy", E, unit="erg"))
    J = float(escape.current_above(E, g.L_CR, g.R_d, g.slope, g.E_min, g.E_max, g.cutoff))
    if not J > 0:
        raise ParameterError(
            f"energy = {E / C.GeV:g} GeV is not allowed: no current above it (must be below E_max = "
            f"{g.E_max / C.GeV:g} GeV)"
        )
    E2phi = float(escape.escape_energy_flux(E, g.L_CR, g.R_d, g.slope, g.E_min, g.E_max, g.cutoff))
    rho = float(gas_density(m.delta_G, m.Omega_b_h2, m.rho_cr_h2))
    B0, T = float(m.B0), float(m.T)
    slope = float(g.slope)
    E_max = float(g.E_max) if g.cutoff == "sharp" else np.inf
    cold = fastest_growth(J, B0, rho, E, slope, E_max)
    reg = regimes(J, B0, rho, T, E, slope)
    k_w, g_w, w_r = warm_fastest_growth(J, B0, rho, E, T, slope, E_max)
    B_lin = float(saturation_field(J, E, slope, E_max))
    B_eq8 = float(saturation.B_sat(E2phi))
    code = int(reg["regime"])
    f = float
    return {
        "energy": (E / C.GeV, "GeV", "energy of the lowest-energy current-carrying CRs"),
        "current": (J, "statA cm^-2", "J(>E), Eq. (3) integrated"),
        "rho": (rho, "g cm^-3", "gas density delta_G Omega_b rho_cr"),
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
            "k_c r_L below which the nonresonant branch vanishes",
        ),
        "driven": (bool(cold["driven"]), "", "a nonresonant branch exists"),
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
        "k_fastest_full": (f(k_w), "cm^-1", "fastest k with Hall term and ion temperature"),
        "gamma_max_full": (f(g_w), "s^-1", "its growth rate"),
        "omega_r_full": (f(w_r), "s^-1", "its real frequency"),
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
            "k_c v_A/(2 Omega_i); << 1 for magnetised ions",
        ),
        "k_ri": (f(reg["k_ri"]), "", "k r_i at the fastest warm mode; < 1 for the FLR expansion"),
        "B_sat_eq8": (B_eq8, "G", "Eq. (8)"),
        "B_sat_linear": (B_lin, "G", "field at which k_c r_L falls to the threshold"),
        "B_sat_ratio": (B_lin / B_eq8, "", "B_sat_linear / B_sat(Eq. 8)"),
        "regime": (code, "", REGIMES[code]),
    }
