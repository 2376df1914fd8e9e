"""Reproduction step: the ν and γ background of the CGM of all galaxies, with its spread over the assumptions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..io import atomic_write_text
from ..params import Parameters
from ._base import Artifact, parameter_attrs, save_figure

ORDER = 75
TITLE = "The cosmic population: nu and gamma background of all galaxies' CGM vs IceCube, the IGRB and the Milky Way"

DELTA_G = (1.0, 10.0, 100.0)
#: the weightings of the population: Milky-Way copies, stellar mass (Baldry et al. 2012),
#: halo mass (Tinker et al. 2008 with Moster et al. 2013)
MASS_FUNCTIONS = (None, "baldry2012", "tinker2008")
#: the assumption sweep at δ_G = 100 (3 × 3 × 3 × 2 × 3 = 162 points)
SWEEP_AXES = {
    "slope": [2.0, 2.2, 2.4],
    "E_max": [3e5, 1e6, 3e6],
    "xi": [0.05, 0.1, 0.2],
    "sfr_mass_slope": [0.6, 1.0],
    "delta_G_mass_slope": [-0.5, 0.0, 0.5],
}
SWEEP_DELTA_G = 100.0


def _template(params: Parameters) -> dict:
    flat = params.as_flat()
    return {k: flat[k] for k in ("slope", "E_max", "E_min", "cutoff")}


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write population.{png,pdf}, population.json and population.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..population import (
        CosmicPopulation,
        assumption_sweep,
        background_numbers,
        plot_background,
        reference_values,
        uncertainty_bands,
    )

    out_dir = Path(out_dir)
    tpl = _template(params)
    table = {}
    pops = {}
    labels = {
        None: "Milky-Way copies",
        "baldry2012": "Baldry+12 masses",
        "tinker2008": "Tinker+08 halos",
    }
    for mf in MASS_FUNCTIONS:
        for dG in DELTA_G:
            pop = CosmicPopulation(dG, mass_function=mf, params=tpl)
            key = f"{'mw_copies' if mf is None else mf} delta_G={dG:g}"
            table[key] = background_numbers(pop)
            table[key]["mass_factor"] = pop.mass_factor
            if dG == 100.0:
                pops[f"δ_G = 100, {labels[mf]}"] = pop
    fig, _ = plot_background(pops)
    figs = save_figure(fig, out_dir / "population.png", params)
    plt.close(fig)

    ds = assumption_sweep(SWEEP_AXES, fixed={"delta_G": SWEEP_DELTA_G, "cutoff": tpl["cutoff"],
                                              "E_min": tpl["E_min"]})  # fmt: skip
    bands = uncertainty_bands(ds)
    ds_t = assumption_sweep(SWEEP_AXES, mass_function="tinker2008", fixed={"delta_G": SWEEP_DELTA_G,
                            "cutoff": tpl["cutoff"], "E_min": tpl["E_min"]})  # fmt: skip
    bands_t = uncertainty_bands(ds_t)
    ref = {
        k: (float(v.value) if hasattr(v, "value") else list(v))
        for k, v in reference_values().items()
    }
    dominant = {
        "neutrinos_100TeV": "Milky Way CGM"
        if all(v["pop_over_mw_nu"] < 1 for v in table.values())
        else "depends on the assumptions",
        "gamma_100GeV": "Milky Way CGM"
        if all(v["pop_over_mw_gamma"] < 1 for v in table.values())
        else "depends on the assumptions",
        "sweep_max_pop_over_mw_nu": bands["pop_over_mw_nu"]["max"],
        "sweep_max_pop_over_mw_gamma": bands["pop_over_mw_gamma"]["max"],
    }
    payload = {
        "attrs": parameter_attrs(params),
        "numbers": table,
        "references": ref,
        "sweep": {
            "delta_G": SWEEP_DELTA_G,
            "axes": SWEEP_AXES,
            "bands": bands,
            "bands_tinker2008": bands_t,
            "n_failed": int(ds.attrs.get("n_failed", 0)) + int(ds_t.attrs.get("n_failed", 0)),
        },  # fmt: skip
        "dominant": dominant,
        "units": "GeV cm-2 s-1 sr-1; ratios dimensionless",
    }
    atomic_write_text(out_dir / "population.json", json.dumps(payload, indent=2, default=float))
    md = [
        "# The cosmic population of CGM halos",
        "",
        "E²Φ [GeV cm⁻² s⁻¹ sr⁻¹]: ν_μ + ν̄_μ at 100 TeV, γ rays at 100 GeV after EBL + CMB absorption.",
        "",
        "| population | ν pop. | ν MW | pop./IceCube 2015 | γ pop. | γ MW | pop./IGRB | mass factor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for k, v in table.items():
        md.append(
            f"| {k} | {v['nu_mu_100TeV']:.3g} | {v['mw_nu_mu_100TeV']:.3g} | {v['nu_over_icecube2015']:.2g} "
            f"| {v['gamma_100GeV']:.3g} | {v['mw_gamma_100GeV']:.3g} | {v['gamma_over_igrb']:.2g} "
            f"| {v['mass_factor']:.3g} |"
        )
    md += ["", f"Spread over {int(np.prod([len(v) for v in SWEEP_AXES.values()]))} assumptions at "
           f"δ_G = {SWEEP_DELTA_G:g} (Baldry et al. 2012 masses): {SWEEP_AXES}", "",
           "| quantity | min | 16% | median | 84% | max |", "|---|---|---|---|---|---|"]  # fmt: skip
    for k, b in bands.items():
        md.append(
            f"| {k} | {b['min']:.3g} | {b['p16']:.3g} | {b['median']:.3g} | {b['p84']:.3g} | {b['max']:.3g} |"
        )
    md += ["", "The same spread with Tinker et al. (2008) halos (stellar mass from Moster et al. 2013):",
           "", "| quantity | min | 16% | median | 84% | max |", "|---|---|---|---|---|---|"]  # fmt: skip
    for k, b in bands_t.items():
        md.append(
            f"| {k} | {b['min']:.3g} | {b['p16']:.3g} | {b['median']:.3g} | {b['p84']:.3g} | {b['max']:.3g} |"
        )
    md += [
        "",
        f"Dominant at 100 TeV: {dominant['neutrinos_100TeV']}; at 100 GeV: {dominant['gamma_100GeV']}.",
    ]
    atomic_write_text(out_dir / "population.md", "\n".join(md) + "\n")
    b_nu, b_g = bands["nu_mu_100TeV"], bands["gamma_100GeV"]
    k100 = "mw_copies delta_G=100"
    who = (
        "the Milky Way's CGM dominates"
        if max(table[k100]["pop_over_mw_nu"], table[k100]["pop_over_mw_gamma"]) < 1
        else "the population dominates"
    )
    return [
        Artifact(
            "population",
            f"the population at delta_G = 100: nu_mu {table[k100]['nu_mu_100TeV']:.3g} at 100 TeV "
            f"({table[k100]['nu_over_icecube2015']:.2g} of IceCube 2015), gamma {table[k100]['gamma_100GeV']:.3g} "
            f"at 100 GeV ({table[k100]['gamma_over_igrb']:.2g} of the IGRB); {who} "
            f"(population/MW: nu {table[k100]['pop_over_mw_nu']:.2g}, gamma {table[k100]['pop_over_mw_gamma']:.2g}); "
            "published star-forming-galaxy estimates overlaid",
            figs[0].name,
            {"numbers": table, "references": ref, "dominant": dominant},
        ),
        Artifact(
            "population_bands",
            f"spread over the assumptions at delta_G = 100: nu_mu at 100 TeV {b_nu['p16']:.2g}-{b_nu['p84']:.2g} "
            f"(16-84%; all {b_nu['min']:.2g}-{b_nu['max']:.2g}), gamma at 100 GeV {b_g['p16']:.2g}-{b_g['p84']:.2g} "
            f"(all {b_g['min']:.2g}-{b_g['max']:.2g}) GeV cm-2 s-1 sr-1",
            "population.md",
            {"bands": bands, "axes": SWEEP_AXES},
        ),
    ]
