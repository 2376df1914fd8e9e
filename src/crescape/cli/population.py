"""``crescape population``: the ν and γ background of the CGM of all galaxies, against the data."""

from __future__ import annotations

import argparse
import json

from ._common import CLIError, check_output_dir, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "population",
        help="the cosmic nu and gamma background from the CGM of all galaxies vs IceCube and Fermi",
        description="Sum the CGM emission of all galaxies over cosmic time (crescape.population: "
        "Madau & Dickinson 2014 star formation, Planck18, EBL absorption of Dominguez et al. 2011 "
        "and the CMB, the absorbed energy re-emitted as the universal cascade spectrum) and print E^2 Phi per flavour and for all flavours at 100 TeV and of gamma "
        "rays at 100 GeV, against IceCube 2015 and 2025, the Fermi-LAT IGRB and the Milky Way's own "
        "CGM. With --out DIR: the figure population.png/.pdf (with the published star-forming-"
        "galaxy estimates) and population.json.",
    )
    p.add_argument("--delta-G", dest="delta_G", default="1", metavar="X",
                   help="CGM overdensity of every halo (default 1)")  # fmt: skip
    p.add_argument(
        "--mass-function",
        choices=["none", "baldry2012", "tinker2008"],
        default="none",
        help="none: Milky-Way copies (default); baldry2012: the CR luminosity shared by stellar "
        "mass (Baldry et al. 2012); tinker2008: shared by halo mass (Tinker et al. 2008 halo-mass "
        "function, stellar masses from Moster et al. 2013)",
    )
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="a template parameter (slope, E_max, ...) or xi, sfr_mass_slope, delta_G_mass_slope, "
        "z_max, sfr_norm (repeatable)",
    )
    p.add_argument(
        "--luminosity-normalisation",
        choices=["total", "milky_way"],
        default="total",
        help="with a mass function: total (default): every galaxy S(z) times the Milky-Way-"
        "anchored L_CR(M*), S set so the mass function's galaxies add up to the cosmic CR "
        "luminosity density; milky_way: the anchored L_CR(M*) at every z",
    )
    p.add_argument("--no-cascade", action="store_true",
                   help="gamma rays without the cascade of the absorbed energy (direct only)")  # fmt: skip
    p.add_argument("--out", metavar="DIR", help="folder for the figure and the numbers")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


_POP_KEYS = ("xi", "sfr_mass_slope", "delta_G_mass_slope", "z_max", "sfr_norm")


def _population(args):
    from ..params import Parameters, parse_set
    from ..population import CosmicPopulation

    sets = parse_set(args.set) if args.set else {}
    pop_kw = {k: sets.pop(k) for k in list(sets) if k in _POP_KEYS}
    for k, v in pop_kw.items():
        if k != "sfr_mass_slope" or v not in ("star_forming", "blue"):
            try:
                pop_kw[k] = float(v)
            except ValueError:
                raise CLIError(f"--set {k}={v!r} is not allowed: must be a number") from None
    if "delta_G" in sets:
        raise CLIError("--set delta_G is not allowed here: use --delta-G")
    Parameters.from_flat(sets)  # every template parameter checked before any work
    mf = None if args.mass_function == "none" else args.mass_function
    cascade = not args.no_cascade
    return CosmicPopulation(
        args.delta_G,
        params=sets,
        mass_function=mf,
        cascade=cascade,
        luminosity_normalisation=args.luminosity_normalisation,
        **pop_kw,
    )


def run(args: argparse.Namespace) -> int:
    from ..population import SWEEP_OUTPUTS, background_numbers, reference_values

    out = check_output_dir(args.out) if args.out is not None else None
    pop = _population(args)
    nums = background_numbers(pop)
    ref = reference_values()
    payload = {
        "delta_G": pop.delta_G,
        "cascade": pop.cascade,
        "units": "GeV / (s sr cm2) (ratios dimensionless)",
        "numbers": nums,
        "gamma_cascade_100GeV": _cascade_sed_100(pop),
        "descriptions": SWEEP_OUTPUTS,
        "references": {
            "icecube2015_per_flavour_100TeV": float(ref["icecube2015_per_flavour_100TeV"].value),
            "icecube2015_bin_GeV": list(ref["icecube2015_bin_GeV"]),
            "icecube2025_per_flavour_100TeV": float(ref["icecube2025_per_flavour_100TeV"].value),
            "igrb_100GeV": float(ref["igrb_100GeV"].value),
            "igrb_band_GeV": list(ref["igrb_band_GeV"]),
        },
        "nu_over_icecube2025": nums["nu_mu_100TeV"]
        / float(ref["icecube2025_per_flavour_100TeV"].value),
        "dominant_at_100TeV": "population" if nums["pop_over_mw_nu"] > 1 else "Milky Way CGM",
        "dominant_at_100GeV": "population" if nums["pop_over_mw_gamma"] > 1 else "Milky Way CGM",
        "assumptions": pop.assumptions,
    }
    if out is not None:
        payload["files"] = _write(out, pop, payload)
    if args.json:
        print_json(payload)
        return 0
    n = nums
    print(f"crescape population: delta_G = {pop.delta_G:g}, {pop.assumptions['mass_function']}")
    print("E^2 Phi [GeV cm-2 s-1 sr-1]       population      Milky Way CGM   reference")
    print(f"nu_mu + nu_mu-bar, 100 TeV     {n['nu_mu_100TeV']:12.4g}    {n['mw_nu_mu_100TeV']:12.4g}    "
          f"IceCube 2015 {payload['references']['icecube2015_per_flavour_100TeV']:.3g}, "
          f"2025 {payload['references']['icecube2025_per_flavour_100TeV']:.3g} (per flavour)")  # fmt: skip
    print(f"nu, all flavours, 100 TeV      {n['nu_all_100TeV']:12.4g}")
    label = "gamma (EBL+CMB+cascade)" if pop.cascade else "gamma (EBL + CMB)"
    print(f"{label + ', 100 GeV':<31}{n['gamma_100GeV']:12.4g}    {n['mw_gamma_100GeV']:12.4g}    "
          f"Fermi IGRB {payload['references']['igrb_100GeV']:.3g}")  # fmt: skip
    print(f"  of which cascade, 100 GeV    {payload['gamma_cascade_100GeV']:12.4g}"
          + ("" if pop.cascade else "    (not included: --no-cascade)"))  # fmt: skip
    print(f"population / IceCube 2015: {n['nu_over_icecube2015']:.3g}; / IceCube 2025: "
          f"{payload['nu_over_icecube2025']:.3g}; gamma / IGRB: {n['gamma_over_igrb']:.3g}")  # fmt: skip
    print(f"population / Milky Way CGM: nu {n['pop_over_mw_nu']:.3g}, gamma {n['pop_over_mw_gamma']:.3g} "
          f"(dominant: {payload['dominant_at_100TeV']} at 100 TeV, {payload['dominant_at_100GeV']} at 100 GeV)")  # fmt: skip
    for f in payload.get("files", []):
        print(f"wrote {f}")
    return 0


def _cascade_sed_100(pop):
    """E² dN/dE of the cascade part at 100 GeV [GeV cm⁻² s⁻¹ sr⁻¹] (computed even with --no-cascade)."""
    import astropy.units as u

    from ..spectra import SED_UNIT

    return float(pop.cascade_sed(100 * u.GeV).to_value(SED_UNIT)[0])


def _write(out, pop, payload):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..analysis.figure1 import save_figure
    from ..io import atomic_write_text
    from ..population import plot_background

    try:
        out.mkdir(parents=True, exist_ok=True)
        fig, _ = plot_background({f"δ_G = {pop.delta_G:g}": pop})
        written = save_figure(fig, out / "population.png")
        plt.close(fig)
        atomic_write_text(out / "population.json", json.dumps(payload, indent=2, default=str))
    except OSError as exc:
        raise CLIError(f"--out {str(out)!r} cannot be written: {exc.strerror or exc}") from None
    return [str(p) for p in written] + [str(out / "population.json")]
