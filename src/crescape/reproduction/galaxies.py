"""Reproduction step: other galaxies - the catalogue through the chain, and M31's γ-ray halo against δ_G."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..io import atomic_write, atomic_write_text
from ..params import Parameters
from ._base import Artifact, parameter_attrs, save_figure

ORDER = 70
TITLE = "Other galaxies: the catalogue through the chain, and the delta_G that M31's gamma-ray halo allows"

#: δ_G grid of the M31 comparison
DELTA_G = np.geomspace(1.0, 3e4, 25)
#: (label, R_d [kpc] or None for the catalogue's, R_out [kpc] or None for 10 R_d)
VARIANTS = (
    ("catalogue R_d = 5.3 kpc, R_out = 10 R_d", None, None),
    ("R_d = 10 kpc, R_out = 10 R_d", 10.0, None),
    ("catalogue R_d, R_out = 120 kpc", None, 120.0),
    ("catalogue R_d, R_out = 200 kpc", None, 200.0),
)
MEASUREMENTS = ("pshirkov2015_uniform_circle", "ackermann2017_disk")


def _changes(params: Parameters) -> dict:
    """The CR spectrum and δ_G of the run's parameters (L_CR and R_d come from each galaxy)."""
    flat = params.as_flat()
    return {k: flat[k] for k in ("slope", "E_max", "E_min", "cutoff")}


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write galaxies.json, m31_halo.ecsv, m31_halo.md and m31_halo.{png,pdf}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from astropy.table import Table

    from ..galaxies import galaxy_summary, m31_delta_G_limit, m31_halo_comparison, names

    out_dir = Path(out_dir)
    attrs = parameter_attrs(params)
    dG = float(params.cgm.delta_G.value)
    summaries = {n: galaxy_summary(n, delta_G=dG, **_changes(params)) for n in names()}
    atomic_write_text(
        out_dir / "galaxies.json",
        json.dumps({"attrs": attrs, "galaxies": summaries}, indent=2, default=str),
    )

    rows, limits = [], {}
    fig, ax = plt.subplots(figsize=(7.2, 5.0))
    for meas in MEASUREMENTS:
        for label, R_d, R_out in VARIANTS:
            t = m31_halo_comparison(DELTA_G, meas, R_d=R_d, R_out=R_out)
            lim = m31_delta_G_limit(meas, R_d=R_d, R_out=R_out)
            lim2 = m31_delta_G_limit(meas, n_sigma=2.0, R_d=R_d, R_out=R_out)
            limits[f"{meas} | {label}"] = {"delta_G_max": lim, "delta_G_max_2sigma": lim2}
            for x, r in zip(t["delta_G"], t["ratio"], strict=True):
                rows.append((meas, label, float(x), float(r)))
            ls = "-" if meas == MEASUREMENTS[0] else "--"
            ax.loglog(t["delta_G"], t["ratio"], ls, label=f"{meas.split('_')[0]}: {label}")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.axvspan(100, 200, color="0.9", label="the paper's δ_G ~ 100-200")
    ax.set_xlabel("δ_G (CGM overdensity)")
    ax.set_ylabel("predicted CGM flux / measured extended flux")
    ax.set_title(
        "M31: crescape CGM vs Fermi-LAT extended emission\n(Pshirkov et al. 2015: 0.9°, 0.3-100 GeV; "
        "Ackermann et al. 2017: 0.4°, 0.1-100 GeV)",
        fontsize=9,
    )
    ax.legend(fontsize=6.5)
    figs = save_figure(fig, out_dir / "m31_halo.png", params)
    plt.close(fig)

    tab = Table(rows=rows, names=("measurement", "variant", "delta_G", "ratio"))
    tab.meta.update(
        {
            "description": "crescape CGM flux of M31 over the measured extended gamma-ray flux "
            "(same band and region) vs delta_G",
            **attrs,
        }
    )
    atomic_write(
        out_dir / "m31_halo.ecsv",
        writer=lambda tmp: tab.write(tmp, format="ascii.ecsv", overwrite=True),
    )
    md = [
        "# M31's γ-ray halo and the CGM of crescape",
        "",
        "The whole measured extended flux is read as an upper bound on the CGM component; the "
        "predicted flux grows as δ_G^{3/2}, so each row is the largest δ_G it allows.",
        "",
        "| measurement | halo | δ_G max | δ_G max (+2σ) |",
        "|---|---|---|---|",
    ]
    for k, v in limits.items():
        m, lab = k.split(" | ")
        md.append(f"| {m} | {lab} | {v['delta_G_max']:.3g} | {v['delta_G_max_2sigma']:.3g} |")
    atomic_write_text(out_dir / "m31_halo.md", "\n".join(md) + "\n")
    base = limits[f"{MEASUREMENTS[0]} | {VARIANTS[0][0]}"]
    lo = min(v["delta_G_max"] for v in limits.values())
    hi = max(v["delta_G_max"] for v in limits.values())
    at100 = float(m31_halo_comparison([100.0])["ratio"][0])
    return [
        Artifact(
            "galaxies",
            f"{len(summaries)} catalogue galaxies with their citations, the chain and the CGM "
            f"flux at Earth (delta_G = {dG:g})",
            "galaxies.json",
            {
                n: (s["flux"] or {}).get("nu_all")
                for n, s in summaries.items()
                if s["flux"] is not None
            },
        ),
        Artifact(
            "m31_halo",
            f"M31: the measured extended gamma-ray flux allows delta_G < {base['delta_G_max']:.3g} "
            f"(+2 sigma: {base['delta_G_max_2sigma']:.3g}); {lo:.3g}-{hi:.3g} over the halo sizes "
            f"and both measurements; at delta_G = 100 the CGM gives {at100:.2g} of the "
            "Pshirkov et al. flux",
            figs[0].name,
            {"limits": limits, "ratio_at_delta_G_100": at100, "table": "m31_halo.ecsv"},
        ),
    ]
