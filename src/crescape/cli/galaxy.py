"""``crescape galaxy NAME``: a catalogue galaxy, its cited values, the analytic chain and its CGM flux."""

from __future__ import annotations

import argparse

from ..params import parse_set
from ._common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    from ..galaxies import names

    p = sub.add_parser(
        "galaxy",
        help="one galaxy of the catalogue: cited values, the chain, its CGM flux at Earth",
        description="Print a galaxy of the shipped catalogue (crescape.galaxies): distance, SFR, "
        "R_d, halo mass and position with their citations, L_CR from the SFR (xi E_SN R_SN), the "
        "analytic chain for it (saturated field, advection speed, CR density at 1 GeV) and the CGM's "
        "neutrino and gamma-ray E^2 F at Earth with the halo's angular size. Known galaxies: "
        + ", ".join(names())
        + ".",
    )
    p.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        help="galaxy name, e.g. M31 or 'Milky Way' (none: list the catalogue)",
    )
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="set a parameter, e.g. --set delta_G=100 --set 'L_CR=1e40 erg/s' (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _fmt(v, unit):
    return "-" if v is None else f"{v:.4g} {unit}"


def run(args: argparse.Namespace) -> int:
    from ..galaxies import galaxy, galaxy_summary

    if args.name is None:
        from ..galaxies import names

        if args.json:
            print_json({"galaxies": names()})
        else:
            print("crescape galaxy: the catalogue holds " + ", ".join(names()))
        return 0
    galaxy(args.name)  # an unknown name is one line listing the known ones, before any work
    changes = parse_set(args.set)
    d = galaxy_summary(args.name, **changes)
    if args.json:
        print_json(d)
        return 0
    print(f"crescape galaxy: {d['name']}")
    for key, entry in d["parameters"].items():
        if key == "position":
            val = (
                "-"
                if entry["ra"] is None
                else f"RA {entry['ra']:.6g} deg, Dec {entry['dec']:.6g} deg"
            )
        else:
            val = _fmt(entry["value"], entry["unit"])
        print(f"  {key:<9} {val:<28} {entry['source'] or 'no citable value in the catalogue'}")
    if d["chain"] is not None:
        c = d["chain"]
        print(
            f"chain at {c['energy_GeV']:g} GeV (R_d = {c['R_d_kpc']:g} kpc, delta_G = {c['delta_G']:g}):"
        )
        for k, q in c.items():
            if isinstance(q, dict):
                print(f"  {k:<15} {q['value']:12.4g} {q['unit']:<16} {q['equation']}")
    f = d["flux"]
    if f is not None:
        print(f"flux ({f['view']}) [{f['unit']}]:")
        print(f"  nu, all flavours at {f['E_nu_GeV']:g} GeV: {f['nu_all']:.4g}")
        print(f"  nu_mu + nu_mu-bar at {f['E_nu_GeV']:g} GeV: {f['nu_mu']:.4g}")
        print(f"  gamma at {f['E_gamma_GeV']:g} GeV:           {f['gamma']:.4g}")
        if "angular_radius_deg" in f:
            print(
                f"  angular radius: halo {f['angular_radius_deg']:.3g} deg (R_out = "
                f"{f['R_out_kpc']:g} kpc), inner region {f['angular_radius_inner_deg']:.3g} deg"
            )
    if d.get("note"):
        print(f"note: {d['note']}")
    return 0
