"""Reproduction step 30: the linear theory of the nonresonant instability.

Products: the growth curve γ(k)/(k_c v_A) against k/k_c for several k_c r_L
(with the CR response of Bell 2004 averaged over the E^-2 spectrum) and for
several values of the thermal parameter; the regime map over (δ_G, B0) at
T = 1e4 and 1e6 K and E = 1 GeV and 1 TeV; and the key numbers that compare
the exact linear theory with the paper's Eqs. (5), (7), (8) and B_*.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import constants as C
from ..params import Parameters
from ..physics import dispersion as D
from ..physics import escape, saturation
from ..physics import thermal as TH
from ..physics import validity as V
from ..physics.instability import B_star_paper, gamma_max_cold, gas_density
from ._base import Artifact, atomic_write_text, parameter_attrs, save_figure

ORDER = 30
TITLE = "Linear theory of the nonresonant instability: growth curves, threshold, thermal effects, regimes"

#: k_c r_L values of the growth-curve figure
ZETAS = (3.0, 10.0, 30.0, 100.0, 1e3)
#: thermal parameters τ of the second panel
TAUS = (0.0, 1.0, 10.0, 100.0, 1e3)
#: (T [K], E [GeV]) of the regime-map panels
MAP_PANELS = ((1e4, 1.0), (1e6, 1.0), (1e4, 1e3), (1e6, 1e3))
#: the paper's parameter space
DELTA_G = (1.0, 300.0)
B0_RANGE = (1e-12, 1e-8)
#: the map extends above the paper's range to show where the nonresonant branch disappears
B0_PLOT = (1e-12, 1e-7)


def growth_curves(n: int = 1200) -> dict:
    """γ/(k_c v_A) on a grid of k/k_c for :data:`ZETAS` (CR response) and :data:`TAUS` (thermal)."""
    q = np.logspace(-4, 1, n)
    curves = {f"kc_rL={z:g}": D.growth_curve(q, z) for z in ZETAS}
    curves["cold (no CR response)"] = D.growth_curve(q, 1e30)
    thermal = {}
    for tau in TAUS:
        w = D._solve_modes(q, 1.0, 1.0, np.ones_like(q, dtype=complex), Omega=1.0, thermal2=tau)
        thermal[f"tau={tau:g}"] = w["right"].imag
    return {"q": q, "cr": curves, "thermal": thermal}


def regime_map(params: Parameters, T: float, E_GeV: float, n: int = 161) -> dict:
    """The regime code of :func:`crescape.physics.validity.regimes` on a (δ_G, B0) grid.

    The current spectrum runs from E to E_max for the threshold, the growth and B_sat_linear
    alike. The fastest-mode search uses a 100-point coarse grid (the same codes and rates,
    to 3e-15, as 400 points on this map).
    """
    g, m = params.galaxy.cgs, params.cgm.cgs
    E = E_GeV * C.GeV
    J = float(escape.current_above(E, g.L_CR, g.R_d, g.slope, g.E_min, g.E_max, g.cutoff))
    dG = np.logspace(np.log10(DELTA_G[0]), np.log10(DELTA_G[1]), n)
    B0 = np.logspace(np.log10(B0_PLOT[0]), np.log10(B0_PLOT[1]), n)
    rho = gas_density(dG, m.Omega_b_h2, m.rho_cr_h2)
    r = V.regimes(J, B0[:, None], rho[None, :], T, E, float(g.slope), float(g.E_max), n_grid=100)
    E2phi = float(escape.escape_energy_flux(E, g.L_CR, g.R_d, g.slope, g.E_min, g.E_max, g.cutoff))
    return {
        "delta_G": dG,
        "B0": B0,
        "regime": r["regime"],
        "growth_over_cold": r["growth_over_cold"],
        "gamma_over_Omega": r["gamma_over_Omega"],
        "B_star_paper": B_star_paper(C.e * E2phi / E, rho, T),
        "B_star": TH.B_star(J, rho, T),
        "B_sat_linear": float(D.saturation_field(J, E, float(g.slope), float(g.E_max))),
        "B_sat_eq8": float(saturation.B_sat(E2phi)),
        "B_hall": _hall_field(J, rho),
        "J": J,
    }


def _hall_field(J, rho):
    """B0 below which Bell's cold rate k_c v_A/2 exceeds Ω_i = eB0/(m_p c) (γ is B0-independent).

    Only for cold gas does this bound the Hall-limited region: with T > 0 the warm growth
    stays far below Ω_i there (:mod:`crescape.physics.validity`).
    """
    return gamma_max_cold(J, rho) * C.m_p * C.c / C.e


def _figure_growth(curves: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2))
    ax1, ax2 = fig.subplots(1, 2)
    q = curves["q"]
    for label, g in curves["cr"].items():
        ls = "k--" if label.startswith("cold") else "-"
        ax1.plot(q, g, ls, label=label.replace("kc_rL", r"$k_c r_L$"), lw=1.4)
    ax1.axvline(1.0, color="0.6", lw=0.8)
    ax1.set_xscale("log")
    ax1.set_xlim(1e-4, 10)
    ax1.set_ylim(0, 0.55)
    ax1.set_xlabel(r"$k/k_c$  ($k_c = 4\pi J/cB_0$ = the paper's $k_{\rm max}$, Eq. 5)")
    ax1.set_ylabel(r"$\gamma/(k_c v_A)$  (Eq. 7: 1)")
    ax1.set_title("CR response, $dJ/dE \\propto E^{-2}$ (Bell 2004)", fontsize=10)
    ax1.legend(fontsize=8, loc="upper left")
    for label, g in curves["thermal"].items():
        ax2.plot(q, g, label=label.replace("tau", r"$\tau$"), lw=1.4)
    ax2.set_xscale("log")
    ax2.set_xlim(1e-3, 1.5)
    ax2.set_ylim(0, 0.55)
    ax2.set_xlabel(r"$k/k_c$")
    ax2.set_ylabel(r"$\gamma/(k_c v_A)$")
    ax2.set_title(r"ion temperature, $\tau = k_c k_BT/(m_p\Omega_i v_A)$", fontsize=10)
    ax2.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


_REGIME_COLORS = ["#bdbdbd", "#d73027", "#fc8d59", "#fee090", "#91bfdb", "#4575b4"]


#: colour of the two saturation lines: visible on every regime colour and on white
_SAT_COLOUR = "#762a83"


def _contour_label_positions(m: dict, level: float, x_frac: float) -> list[tuple[float, float]]:
    """Where to write the label of the γ/γ_cold = ``level`` contour: inside the panel.

    At the δ_G a fraction ``x_frac`` across the (logarithmic) axis, the B0 at which
    the growth ratio crosses ``level`` (log-interpolated); none if it does not cross there.
    """
    dG, B0, g = m["delta_G"], m["B0"], m["growth_over_cold"]
    j = int(round(x_frac * (dG.size - 1)))
    col = g[:, j]
    k = np.flatnonzero(np.diff(np.sign(col - level)) != 0)
    if k.size == 0:
        return []
    k = int(k[0])
    t = (level - col[k]) / (col[k + 1] - col[k])
    y = float(np.exp(np.log(B0[k]) + t * (np.log(B0[k + 1]) - np.log(B0[k]))))
    return [(float(dG[j]), y)]


def _figure_map(maps: list[tuple[float, float, dict]]):
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = Figure(figsize=(10, 9.6), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True, sharey=True)
    cmap = ListedColormap(_REGIME_COLORS)
    norm = BoundaryNorm(np.arange(-0.5, 6.5), cmap.N)
    present: set[int] = set()
    for ax, (T, E_GeV, m) in zip(axes.flat, maps, strict=True):
        present |= {int(c) for c in np.unique(m["regime"])}
        ax.pcolormesh(m["delta_G"], m["B0"], m["regime"], cmap=cmap, norm=norm, shading="nearest")
        ax.plot(m["delta_G"], m["B_star_paper"], "k-", lw=1.2)
        ax.plot(m["delta_G"], m["B_star"], "k:", lw=1.2)
        ax.plot(m["delta_G"], m["B_hall"], "k-.", lw=1.0)
        ax.axhline(m["B_sat_eq8"], color=_SAT_COLOUR, ls="--", lw=1.4)
        ax.axhline(m["B_sat_linear"], color=_SAT_COLOUR, ls="-", lw=1.4)
        ax.axhline(B0_RANGE[1], color="k", lw=0.7, ls=(0, (6, 3)))
        cs = ax.contour(
            m["delta_G"],
            m["B0"],
            m["growth_over_cold"],
            levels=[0.1, 0.5],
            colors="0.25",
            linewidths=0.8,
        )
        manual = _contour_label_positions(m, 0.1, 0.3) + _contour_label_positions(m, 0.5, 0.62)
        if manual:
            labels = ax.clabel(
                cs,
                fmt={0.1: r"$\gamma/\gamma_{\rm cold}=0.1$", 0.5: r"$0.5$"},
                fontsize=7.5,
                manual=manual,
                inline=False,
            )
            for t in labels:
                t.set_bbox(dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.75))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(m["delta_G"][0], m["delta_G"][-1])
        ax.set_ylim(*B0_PLOT)
        ax.set_title(f"T = {T:.0e} K, E = {E_GeV:g} GeV", fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel(r"$\delta_G$")
    for ax in axes[:, 0]:
        ax.set_ylabel(r"$B_0$ [G]")
    lines = [
        Line2D([], [], color="k", lw=1.2, label=r"$B_*$ of the paper (thermal threshold)"),
        Line2D([], [], color="k", ls=":", lw=1.2, label=r"$\tau = 1$ (exact thermal threshold)"),
        Line2D([], [], color="k", ls="-.", lw=1.0, label=r"$k_cv_A/2 = \Omega_i$ (cold gas)"),
        Line2D([], [], color=_SAT_COLOUR, ls="--", lw=1.4, label=r"$B_{\rm sat}$, Eq. (8)"),
        Line2D(
            [],
            [],
            color=_SAT_COLOUR,
            lw=1.4,
            label=r"$B_{\rm sat}$ of the linear theory ($k_cr_L = \zeta_c$)",
        ),
        Line2D(
            [],
            [],
            color="k",
            lw=0.7,
            ls=(0, (6, 3)),
            label=r"$B_0 = 10^{-8}$ G, upper end of the paper's range",
        ),
        Line2D([], [], color="0.25", lw=0.8, label=r"contours of $\gamma/\gamma_{\rm cold}$"),
    ]
    # a legend entry only for the regimes that appear in some panel
    patches = [
        Patch(color=_REGIME_COLORS[i], label=V.REGIMES[i].split(":")[0]) for i in sorted(present)
    ]
    fig.legend(
        handles=lines + patches,
        loc="outside lower center",
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    return fig


def key_numbers(params: Parameters) -> dict:
    """The numbers of docs/dispersion.md: threshold, saturation, growth table, thermal."""
    zc, xc = D.critical_kc_rL(2.0, return_x=True)
    t_max = float(params.galaxy.cgs.E_max / C.GeV)
    table = {}
    for z in ZETAS:
        q, g = D.fastest_mode(z)
        table[f"{z:g}"] = {"k_over_kc": float(q), "gamma_over_kc_vA": float(g)}
    summ = V.linear_summary(params, C.GeV)
    return {
        "kc_rL_threshold_s2": zc,
        "x_threshold_s2": xc,
        "kc_rL_threshold_mono": D.critical_kc_rL(None),
        "kc_rL_threshold_s2.2": D.critical_kc_rL(2.2),
        # s < 2: no threshold for p_max = ∞; with p_max = E_max at 1 GeV
        "kc_rL_threshold_s1.5_pmax_inf": D.critical_kc_rL(1.5),
        "kc_rL_threshold_s1.5_at_1GeV": D.critical_kc_rL(1.5, t_max),
        "kc_rL_threshold_s1.9_at_1GeV": D.critical_kc_rL(1.9, t_max),
        "B_sat_linear_over_eq8": 1.0 / np.sqrt(zc),
        "growth_table_s2": table,
        "tau_half_growth": 34.4,
        "at_default_parameters": {k: v[0] for k, v in summ.items()},
    }


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write the growth-curve figure, the regime map and the key numbers."""
    out_dir = Path(out_dir)
    curves = growth_curves()
    save_figure(_figure_growth(curves), out_dir / "dispersion_growth.png", params)
    maps = [(T, E, regime_map(params, T, E)) for T, E in MAP_PANELS]
    save_figure(_figure_map(maps), out_dir / "dispersion_regimes.png", params)
    fractions, fastest = {}, {}
    for T, E, m in maps:  # over the paper's range B0 <= 1e-8 G
        inside = m["B0"] <= B0_RANGE[1] * (1 + 1e-9)
        reg = m["regime"][inside]
        codes, counts = np.unique(reg, return_counts=True)
        fractions[f"T={T:g}K,E={E:g}GeV"] = {
            V.REGIMES[int(c)].split(":")[0]: round(float(n) / reg.size, 4)
            for c, n in zip(codes, counts, strict=True)
        }
        fastest[f"T={T:g}K,E={E:g}GeV"] = float(np.max(m["gamma_over_Omega"][inside]))
    numbers = key_numbers(params)
    numbers["regime_fractions"] = fractions
    numbers["max_gamma_over_Omega"] = fastest
    numbers["attrs"] = parameter_attrs(params)
    atomic_write_text(out_dir / "dispersion.json", json.dumps(numbers, indent=2, default=float))
    zc = numbers["kc_rL_threshold_s2"]
    d = numbers["at_default_parameters"]
    return [
        Artifact(
            "dispersion_growth",
            "γ(k)/(k_c v_A) vs k/k_c for k_c r_L = 3-1000 (CR response) and τ = 0-1000 (ion temperature)",
            "dispersion_growth.png",
            {"growth_table_s2": numbers["growth_table_s2"]},
        ),
        Artifact(
            "dispersion_regimes",
            "regime map over (δ_G, B0) at T = 1e4, 1e6 K and E = 1 GeV, 1 TeV (fractions over B0 <= 1e-8 G)",
            "dispersion_regimes.png",
            {"fractions": fractions},
        ),
        Artifact(
            "dispersion_numbers",
            f"nonresonant threshold k_c r_L = {zc:.3f}; B_sat(linear) = {1 / np.sqrt(zc):.3f} × Eq. (8); "
            f"at the default parameters γ_max = {d['gamma_max_over_eq7']:.3f} × Eq. (7), "
            f"with ion temperature {d['gamma_max_full'] / d['gamma_paper']:.3g} × Eq. (7)",
            "dispersion.json",
            {
                "kc_rL_threshold": zc,
                "B_sat_linear_over_eq8": 1 / np.sqrt(zc),
                "gamma_full_over_eq7": d["gamma_max_full"] / d["gamma_paper"],
            },
        ),
    ]
