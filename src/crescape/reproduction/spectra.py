"""Reproduction step: full pp spectra of the CGM, the Fermi IGRB check, the radio flux,
and the δ-function approximation of Eqs. (16)-(17) against the full spectra."""

from __future__ import annotations

import json
from pathlib import Path

import astropy.units as u
import numpy as np

from .. import constants as C
from ..io import atomic_write_text
from ..params import Parameters
from ._base import Artifact, parameter_attrs, save_figure

ORDER = 25
TITLE = "Full pp spectra (KAB06) in the CGM: Fig. 1 variant, IGRB limit on δ_G, radio flux, Eq. (17) vs full"

FIG_DELTA_G = (10.0, 100.0, 300.0)
RADIO_DELTA_G = (1.0, 10.0, 100.0, 300.0)
RADIO_NU_GHZ = (0.15, 1.4, 5.0)
COMPARE_E_TEV = (1.0, 10.0, 30.0, 100.0)


def igrb_limit(params: Parameters, model: str = "A", sigma_model: str = "KAB06") -> dict:
    """δ_G at which the CGM γ rays (absorbed, sky-averaged) reach the Fermi-LAT IGRB in some band.

    The model γ-ray intensity is integrated over each band of Ackermann et al. (2015)
    Table 3 and compared with the band-integrated IGRB (no conversion to E² dN/dE is
    needed). The intensity scales exactly as δ_G^{3/2} (n_CR ∝ ρ^{1/2}, n_gas ∝ ρ), so
    δ_G,max = min_bands (I_IGRB/I_model(δ_G = 1))^{2/3}.

    Two numbers: the central values over the bands where the IGRB is measured
    (I - σ_lo > 0; model A's last band, 579-819 GeV, is consistent with zero), and
    the 1σ upper bounds I + σ_up over all bands.
    """
    from ..data import load
    from ..spectra import CGMEmission

    t = load("fermi_igrb_ackermann2015")
    t = t[t["model"] == model]
    m1 = CGMEmission(params.replace(delta_G=1.0), sigma_model=sigma_model)
    lo = u.Quantity(t["E_min"]).to_value(u.GeV)
    hi = u.Quantity(t["E_max"]).to_value(u.GeV)
    x = np.linspace(0.0, 1.0, 17)
    E = lo[:, None] * (hi / lo)[:, None] ** x  # GeV
    dnde = m1.spectrum(E.ravel() * u.GeV, "gamma").to_value("1 / (GeV cm2 s sr)").reshape(E.shape)
    I_model = np.trapezoid(dnde * E, np.log(E), axis=1)
    I_igrb = u.Quantity(t["I_IGRB"]).to_value("1 / (cm2 s sr)")
    I_up = I_igrb + u.Quantity(t["I_IGRB_err_up"]).to_value("1 / (cm2 s sr)")
    measured = I_igrb - u.Quantity(t["I_IGRB_err_lo"]).to_value("1 / (cm2 s sr)") > 0
    d_central = np.where(measured, (I_igrb / I_model) ** (2.0 / 3.0), np.inf)
    d_up = (I_up / I_model) ** (2.0 / 3.0)
    k = int(np.argmin(d_central))
    k_up = int(np.argmin(d_up))
    return {
        "foreground_model": model,
        "delta_G_exceeds_IGRB": float(d_central[k]),
        "band_GeV": [float(lo[k]), float(hi[k])],
        "delta_G_exceeds_IGRB_plus_1sigma": float(d_up[k_up]),
        "band_GeV_plus_1sigma": [float(lo[k_up]), float(hi[k_up])],
        "bands_consistent_with_zero_GeV": [
            [float(a), float(b)] for a, b, mm in zip(lo, hi, measured, strict=True) if not mm
        ],
        "ratio_model_to_IGRB_at_delta_G_100_per_band": (I_model * 100**1.5 / I_igrb).tolist(),
        "band_centres_GeV": np.sqrt(lo * hi).tolist(),
    }


def comparison_numbers(params: Parameters) -> dict:
    """Eq. (17) (δ-function, η = 0.05, σ_pp, one neutrino per collision) against the full spectra."""
    from ..model import neutrino_E2_flux
    from ..physics import pp
    from ..spectra import CGMEmission

    p100 = params.replace(delta_G=100.0)
    m = CGMEmission(p100)
    E = np.array(COMPARE_E_TEV) * u.TeV
    full_all = m.sed(E, "nu_all").to_value("GeV / (cm2 s sr)")
    full_mu = m.sed(E, "nu_mu").to_value("GeV / (cm2 s sr)")
    eq17 = neutrino_E2_flux(p100, E, convention="paper").to_value("GeV / (cm2 s sr)")
    Ep = 1e3 * C.TeV
    Z = {s: float(pp.energy_fraction(Ep, s)) for s in ("nu_mu", "nu_e", "gamma")}
    # the yield η·ν_yield which, with the parameters' σ_pp and the paper's R_d/2π, reproduces the
    # full all-flavour (or per-flavour) result at 10 TeV
    eta_nu = float(params.cgs.eta * params.cgs.nu_yield)
    i10 = 1
    return {
        "E_TeV": list(COMPARE_E_TEV),
        "eq17_GeV_cm2_s_sr_at_delta_G_100": eq17.tolist(),
        "full_all_flavour": full_all.tolist(),
        "full_nu_mu_per_flavour_at_Earth": full_mu.tolist(),
        "ratio_full_all_to_eq17": (full_all / eq17).tolist(),
        "ratio_full_per_flavour_to_eq17": (full_mu / eq17).tolist(),
        "paper_eta_times_yield": eta_nu,
        "equivalent_eta_times_yield_all_flavour": eta_nu * float(full_all[i10] / eq17[i10]),
        "equivalent_eta_times_yield_per_flavour": eta_nu * float(full_mu[i10] / eq17[i10]),
        "KAB06_energy_fractions_at_1PeV_proton": Z,
        "geometry_Leff_over_2Rd": m.paper_geometry_ratio(),
        "v_A_km_s": m.v_A / 1e5,
        "delta_B_G": m.delta_B,
        "sigma_inel_KAB06_mb_at_100TeV_1PeV": [
            float(pp.sigma_inel(100 * C.TeV) / C.mb),
            float(pp.sigma_inel(C.PeV) / C.mb),
        ],
        # the δ_G at which the full all-flavour flux equals Eq. (17) at the paper's δ_G = 100
        "delta_G_equivalent_to_paper_100_all_flavour": float(
            100.0 * (full_all[i10] / eq17[i10]) ** (-2 / 3)
        ),
        "delta_G_equivalent_to_paper_100_per_flavour": float(
            100.0 * (full_mu[i10] / eq17[i10]) ** (-2 / 3)
        ),
    }


def radio_numbers(params: Parameters) -> dict:
    from ..spectra import CGMEmission

    out = {
        "nu_GHz": list(RADIO_NU_GHZ),
        "delta_G": list(RADIO_DELTA_G),
        "S_all_sky_Jy": [],
        "I_mean_Jy_sr": [],
    }
    for d in RADIO_DELTA_G:
        r = CGMEmission(params.replace(delta_G=d)).radio_flux_density(
            np.array(RADIO_NU_GHZ) * u.GHz
        )
        out["S_all_sky_Jy"].append(r["S_all_sky"].to_value(u.Jy).tolist())
        out["I_mean_Jy_sr"].append(r["I_mean"].to_value(u.Jy / u.sr).tolist())
    out["paper"] = "1e-4 to 1e-2 Jy depending on delta_G (text before the caveats)"
    return out


def figure(params: Parameters, out_dir: Path):
    """Fig. 1 with the full KAB06 spectra: one colour per δ_G, one line style per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from ..analysis.figure1 import delta_G_colour, legend, plot_figure1, plot_sed
    from ..spectra import CGMEmission

    fig, ax = plot_figure1(params, FIG_DELTA_G, line_labels=False)
    for line in ax.get_lines():  # the Eq. (17) lines: named by the style legend below
        if (line.get_gid() or "").startswith("model_delta_G="):
            line.set_label("_nolegend_")
    for d in FIG_DELTA_G:
        m = CGMEmission(params.replace(delta_G=d))
        plot_sed(m, "nu_all", ax=ax, ls="-.", lw=1.4)
        plot_sed(m, "gamma", ax=ax, ls=":", lw=1.6)
    k = "0.25"
    proxies = [
        Line2D([], [], color=k, lw=2, label=r"Eq. (17), $\delta$-function (the paper)"),
        Line2D([], [], color=k, lw=1.4, ls="-.", label=r"KAB06 $\nu$, all flavours"),
        Line2D([], [], color=k, lw=1.6, ls=":", label=r"KAB06 $\gamma$, CMB-absorbed"),
    ] + [
        Line2D([], [], color=delta_G_colour(d), lw=5, label=rf"$\delta_G$ = {d:g}")
        for d in FIG_DELTA_G
    ]
    legend(ax, extra_handles=proxies)
    ax.set_title(
        "Fig. 1 with the full pp spectra (KAB06): colour = δ_G, line style = model",
        fontsize=10,
        pad=16,
    )
    paths = save_figure(fig, out_dir / "spectra_figure1.png", params)
    plt.close(fig)
    return paths


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write spectra_figure1.{png,pdf} and spectra_checks.{json,md}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    arts = []
    paths = figure(params, out_dir)
    arts.append(
        Artifact(
            "spectra_figure1",
            "Fig. 1 with the full KAB06 ν (all flavours) and γ spectra "
            "for δ_G = 10, 100, 300 over the Fermi IGRB and IceCube data",
            Path(paths[0]).name,  # relative to the output folder, where summary.md is
        )
    )
    igrb = igrb_limit(params)
    comp = comparison_numbers(params)
    radio = radio_numbers(params)
    payload = {
        "igrb": igrb,
        "eq17_vs_full": comp,
        "radio": radio,
        "parameters": params.as_dict(),
        "attrs": parameter_attrs(params),
    }
    atomic_write_text(out_dir / "spectra_checks.json", json.dumps(payload, indent=2))
    i14 = RADIO_NU_GHZ.index(1.4)
    md = [
        "# Full pp spectra of the CGM: checks",
        "",
        f"- CGM γ rays reach the Fermi-LAT IGRB (model A, central values of the measured bands) at "
        f"δ_G = {igrb['delta_G_exceeds_IGRB']:.0f} (band {igrb['band_GeV'][0]:.3g}-{igrb['band_GeV'][1]:.3g} GeV); "
        f"the 1σ upper bounds (all bands) at δ_G = {igrb['delta_G_exceeds_IGRB_plus_1sigma']:.0f} "
        f"(band {igrb['band_GeV_plus_1sigma'][0]:.3g}-{igrb['band_GeV_plus_1sigma'][1]:.3g} GeV).",
        f"- Eq. (17) vs full KAB06 at δ_G = 100, 10 TeV: full/Eq.17 = {comp['ratio_full_all_to_eq17'][1]:.2f} "
        f"(all flavours), {comp['ratio_full_per_flavour_to_eq17'][1]:.2f} (ν_μ per flavour).",
        f"- The paper's η·yield = {comp['paper_eta_times_yield']:.3g}; the full spectra correspond to "
        f"{comp['equivalent_eta_times_yield_all_flavour']:.3g} (all flavours) or "
        f"{comp['equivalent_eta_times_yield_per_flavour']:.3g} (per flavour).",
        f"- Sky-averaged path / paper's 2R_d = {comp['geometry_Leff_over_2Rd']:.3f}.",
        "",
        "| δ_G | S(1.4 GHz), all sky [Jy] | mean intensity [Jy/sr] |",
        "|---|---|---|",
    ]
    for d, S, I in zip(RADIO_DELTA_G, radio["S_all_sky_Jy"], radio["I_mean_Jy_sr"], strict=True):
        md.append(f"| {d:g} | {S[i14]:.3g} | {I[i14]:.3g} |")
    md.append("")
    md.append("Paper: 1e-4 to 1e-2 Jy depending on δ_G.")
    atomic_write_text(out_dir / "spectra_checks.md", "\n".join(md) + "\n")
    arts.append(
        Artifact(
            "igrb_limit",
            "δ_G at which the CGM γ rays would exceed the Fermi IGRB (model A)",
            "spectra_checks.json",
            {
                "delta_G_exceeds_IGRB": igrb["delta_G_exceeds_IGRB"],
                "delta_G_exceeds_IGRB_plus_1sigma": igrb["delta_G_exceeds_IGRB_plus_1sigma"],
            },
        )
    )
    arts.append(
        Artifact(
            "radio_1.4GHz",
            "all-sky synchrotron flux density of the CGM at 1.4 GHz",
            "spectra_checks.md",
            {
                f"S_Jy_delta_G_{d:g}": radio["S_all_sky_Jy"][i][i14]
                for i, d in enumerate(RADIO_DELTA_G)
            },
        )
    )
    arts.append(
        Artifact(
            "eq17_vs_full",
            "δ-function Eq. (17) against the full KAB06 neutrino spectra",
            "spectra_checks.json",
            {
                "ratio_full_all_to_eq17_10TeV": comp["ratio_full_all_to_eq17"][1],
                "ratio_full_per_flavour_to_eq17_10TeV": comp["ratio_full_per_flavour_to_eq17"][1],
                "equivalent_eta_yield_all": comp["equivalent_eta_times_yield_all_flavour"],
                "geometry_ratio": comp["geometry_Leff_over_2Rd"],
            },
        )
    )
    return arts
