"""Reproduction step: a δ_G × L_CR sweep of the analytic chain, the fit to IceCube with the IGRB
limit, and which CGM models survive the 2015 and 2025 IceCube spectra (p-values).

Every fit reads Eq. (17) per flavour (the package default; the full KAB06 spectra do not depend on
the reading); the files say so."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..io import atomic_write_text
from ..params import Parameters
from ._base import Artifact, save_figure

ORDER = 60
TITLE = (
    "Parameter sweep (δ_G × L_CR), the likelihood fit to IceCube with the Fermi IGRB limit, "
    "and which CGM models survive the 2015 and 2025 spectra"
)

OUTPUTS = ["neutrino_E2_flux", "v_A_amplified", "B_sat", "fill_time"]


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write sweep.zarr and its map, and the fit results and plots (δ_G only at s = 2; δ_G and s with MCMC)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..analysis.fit import fit
    from ..analysis.fit_survey import DEFAULT_MODELS, markdown, survey
    from ..analysis.icecube_match import DEFAULT_FLAVOUR, flavour_reading
    from ..analysis.sweep import sweep

    out_dir = Path(out_dir)
    fixed = {k: v for k, v in params.as_dict().items() if k not in ("delta_G", "L_CR")}
    ds = sweep(
        "chain",
        {
            "delta_G": {"start": 1, "stop": 1e4, "num": 41, "scale": "log"},
            "L_CR": {"start": 1e40, "stop": 1e42, "num": 21, "scale": "log"},
        },
        fixed=fixed,
        outputs=OUTPUTS,
        out=out_dir / "sweep.zarr",
        progress=False,
    )
    f = ds["neutrino_E2_flux"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    x, y = ds["delta_G"].values, ds["L_CR"].values
    im = axes[0].pcolormesh(x, y, np.log10(f.values.T), shading="nearest", cmap="viridis")
    cs = axes[0].contour(x, y, f.values.T, levels=[1e-8, 3e-8, 1e-7], colors="w", linewidths=0.8)
    # labels beside the lines (an inline label cuts a long gap into these straight contours)
    for t in axes[0].clabel(cs, fmt=lambda v: f"{v:.0e}", fontsize=7, inline=False):
        t.set_bbox(dict(boxstyle="round,pad=0.1", fc="black", ec="none", alpha=0.35))
    fig.colorbar(im, ax=axes[0], label=r"$\log_{10} E_\nu^2F_\nu$ [" + f.attrs["units"] + "]")
    axes[0].set(
        xscale="log",
        yscale="log",
        xlabel=r"$\delta_G$",
        ylabel=r"$L_{CR}$ [erg/s]",
        title="Eq. (17): neutrino intensity over the sweep (read per flavour)",
    )
    v = ds["v_A_amplified"]
    im2 = axes[1].pcolormesh(x, y, np.log10(v.values.T), shading="nearest", cmap="magma")
    fig.colorbar(im2, ax=axes[1], label=r"$\log_{10}\tilde v_A$ [km/s]")
    axes[1].set(
        xscale="log",
        yscale="log",
        xlabel=r"$\delta_G$",
        ylabel=r"$L_{CR}$ [erg/s]",
        title=r"Advection speed $\tilde v_A$ in $B_{\rm sat}$ (Eqs. 8, 15)",
    )
    fig.tight_layout()
    save_figure(fig, out_dir / "sweep_map.png", params, formats=("png",))
    plt.close(fig)
    # scaling check through the sweep: E²F ∝ δ_G^{3/2} L^{1/2}
    lf = np.log(f.values)
    slope_d = float(np.polyfit(np.log(x), lf[:, 10], 1)[0])
    slope_l = float(np.polyfit(np.log(y), lf[20, :], 1)[0])

    fit_dir = out_dir / "fit"
    r1 = fit(free=("delta_G",), params=params, model="eq17", mcmc=False, profile_points=161)
    p1 = r1.save(fit_dir / "delta_G_only")
    r2 = fit(
        free=("delta_G", "slope"),
        params=params,
        model="full",
        mcmc=True,
        n_steps=2000,
        max_steps=40000,
        profile_points=25,
    )
    p2 = r2.save(fit_dir / "delta_G_slope")
    s1, s2 = r1.statement, r2.statement
    rows = survey(params=params)
    # the same fits with the Galactic plane's neutrinos (IceCube's regions) beside the CGM
    rows_gp = survey(
        datasets=("icecube_2025_combined", "icecube_2025_mese"),
        models=[m for m in DEFAULT_MODELS if m[2] == ("delta_G", "E_max")],
        params=params,
        galactic_plane="lower",
    )
    survivors = [f"{r['model']} vs {r['dataset']}" for r in rows if r["verdict"] == "survives"]
    survivors_ic = [
        f"{r['model']} vs {r['dataset']}"
        for r in rows
        if r["icecube_only"]["verdict"] == "survives"
    ]
    survey_text = (
        "With the Fermi IGRB limit: "
        + (
            "surviving (p >= 0.05): " + "; ".join(survivors)
            if survivors
            else "no CGM model survives (p >= 0.05) any of the spectra"
        )
        + ". IceCube alone: "
        + ("surviving: " + "; ".join(survivors_ic) if survivors_ic else "none survives")
        + "."
    )
    atomic_write_text(
        fit_dir / "survival.json",
        json.dumps(
            {
                "description": "best fits of CGM models to the IceCube 2015 and 2025 spectra, "
                "with and without the Fermi IGRB limit; verdict from the p-value "
                "(survives: p >= 0.05; disfavoured: 1e-3 <= p < 0.05; rejected: p < 1e-3)",
                "flavour": DEFAULT_FLAVOUR,
                "flavour_reading": flavour_reading(DEFAULT_FLAVOUR),
                "rows": rows,
                "rows_with_galactic_plane": rows_gp,
                "galactic_plane": "IceCube's inner and outer Galactic-plane fluxes averaged over "
                "the sky (crescape.galactic_plane, gap 'lower') added to the CGM's neutrinos",
                "summary": survey_text,
            },
            indent=2,
            default=float,
        ),
    )
    atomic_write_text(
        fit_dir / "survival.md",
        "# Which CGM models survive the IceCube 2015 and 2025 spectra\n\n"
        f"Flavour reading: {flavour_reading(DEFAULT_FLAVOUR)}.\n\n"
        + markdown(rows)
        + "\n\n"
        + survey_text
        + "\n\n## With the Galactic plane's neutrinos beside the CGM\n\n"
        + "IceCube's inner and outer Galactic-plane fluxes averaged over the sky "
        + "(crescape.galactic_plane, the band 30-60 deg at the outer flux) added to the "
        + "CGM's:\n\n"
        + markdown(rows_gp)
        + "\n",
    )
    text = [
        "# Fit of the CGM neutrino model to IceCube 2015 with the Fermi IGRB limit",
        "",
        f"Flavour reading: {flavour_reading(DEFAULT_FLAVOUR)}.",
        "",
        "## delta_G free, s = 2 (the paper's Eq. 17)",
        "",
        "```",
        r1.summary(),
        "```",
        "",
        "## delta_G and s free, full KAB06 spectra (emcee posterior)",
        "",
        "```",
        r2.summary(),
        "```",
        "",
        "## Which CGM models survive the 2015 and 2025 spectra",
        "",
        markdown(rows),
        "",
        survey_text,
        "",
    ]
    atomic_write_text(fit_dir / "fit_summary.md", "\n".join(text))
    rel = lambda p: str(Path(p).relative_to(out_dir))  # noqa: E731
    return [
        Artifact(
            "sweep",
            f"δ_G × L_CR sweep of the chain ({ds['status'].size} points, "
            f"{int(ds.attrs['n_failed'])} failed); E²F ∝ δ_G^{slope_d:.3f} L^{slope_l:.3f} "
            "(Eq. 17: 1.5, 0.5)",
            "sweep.zarr",
            {
                "points": int(ds["status"].size),
                "failed": int(ds.attrs["n_failed"]),
                "dlnF_dln_delta_G": slope_d,
                "dlnF_dlnL": slope_l,
            },
        ),
        Artifact("sweep_map", "map of E_ν²F_ν and ṽ_A over δ_G × L_CR", "sweep_map.png"),
        Artifact(
            "fit_delta_G",
            s1["text"],
            rel(p1[0]),
            {
                "best_delta_G": r1.best["delta_G"],
                "minos_68": list(r1.minos["delta_G"]),
                "interval_68": r1.intervals["delta_G"],
                "gof": {k: v for k, v in r1.gof.items() if k != "ndof_rule"},
                "warnings": r1.warnings,
                **{k: v for k, v in s1.items() if k != "text"},
            },
        ),
        Artifact(
            "fit_delta_G_spectrum", "best fit (s = 2) over IceCube and the Fermi IGRB", rel(p1[-2])
        ),
        Artifact("fit_delta_G_profile", "profile Δχ² of δ_G: IceCube, IceCube + IGRB", rel(p1[-1])),
        Artifact(
            "fit_delta_G_slope",
            s2["text"],
            rel(p2[0]),
            {
                "best": r2.best,
                "minos_68": {k: list(v) for k, v in r2.minos.items()},
                "interval_68": r2.intervals,
                "gof": {k: v for k, v in r2.gof.items() if k != "ndof_rule"},
                "warnings": r2.warnings,
                "posterior": r2.posterior.get("quantiles", {}),
                "mcmc_converged": r2.posterior.get("converged"),
                "autocorr_time": r2.posterior.get("autocorr_time"),
                "n_independent": r2.posterior.get("n_independent"),
                **{k: v for k, v in s2.items() if k != "text"},
            },
        ),
        Artifact(
            "fit_corner",
            "posterior of (log10 δ_G, s) from emcee (full KAB06 spectra)",
            rel(fit_dir / "delta_G_slope" / "fit_corner.png"),
        ),
        Artifact(
            "fit_band",
            "posterior band of the ν and γ spectra over IceCube and the IGRB",
            rel(fit_dir / "delta_G_slope" / "fit_spectrum.png"),
        ),
        Artifact(
            "fit_survival",
            survey_text,
            rel(fit_dir / "survival.md"),
            {
                "flavour": DEFAULT_FLAVOUR,
                "rows": [
                    {
                        k: r[k]
                        for k in ("dataset", "model", "best", "chi2", "ndof", "p_value", "verdict")
                    }
                    | {
                        "icecube_only_p_value": r["icecube_only"]["p_value"],
                        "icecube_only_verdict": r["icecube_only"]["verdict"],
                    }
                    for r in rows
                ],
            },
        ),
        Artifact(
            "fit_summary",
            "both fits in words",
            rel(fit_dir / "fit_summary.md"),
            {"json": json.loads(json.dumps({"delta_G_only": r1.best, "delta_G_slope": r2.best}))},
        ),
    ]
