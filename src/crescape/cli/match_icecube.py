"""``crescape match-icecube``: the δ_G at which Eq. (17) equals the measured IceCube flux."""

from __future__ import annotations

import argparse
import warnings

from ._common import add_param_args, params_from_args, print_json


def register(sub: argparse._SubParsersAction) -> None:
    from ..analysis.icecube_match import MATCH_DATASETS

    p = sub.add_parser(
        "match-icecube",
        help="delta_G at which the paper's Eq. (17) flux equals IceCube's at 100 TeV",
        description="Solve the paper's Eq. (17) (E^2 F ∝ delta_G^1.5) for the overdensity at which "
        "it equals a measured IceCube flux, with the measurement's 68% interval propagated. "
        "Datasets: " + ", ".join(MATCH_DATASETS) + " (or 'all').",
    )
    p.add_argument(
        "--dataset",
        default="combined_2015",
        metavar="NAME",
        help="measurement to match (default combined_2015; 'all' for every one)",
    )
    p.add_argument(
        "--energy",
        default="100 TeV",
        help="neutrino energy, with a unit or a plain number in GeV (default '100 TeV'); "
        "outside the fitted range of the data a warning is printed",
    )
    p.add_argument(
        "--flavour",
        choices=["per-flavour", "all"],
        default="per-flavour",
        help="reading of Eq. (17); the data are converted to it (default per-flavour: the full "
        "KAB06 spectra put the paper's eta = 0.05 close to one flavour; 'all' for the "
        "all-flavour reading)",
    )
    add_param_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..analysis.icecube_match import delta_G_match, flavour_reading, match_all

    params, _ = params_from_args(args)
    if "delta_G" in params.changes():
        warnings.warn(
            f"delta_G = {params.cgm.delta_G.value:g} is ignored: it is what match-icecube solves for",
            UserWarning,
            stacklevel=1,
        )
    flavour = "per flavour" if args.flavour == "per-flavour" else "all"
    # the warnings (outside the data, unphysical matches) are printed by the CLI entry point
    if args.dataset == "all":
        res = match_all(args.energy, params, flavour)
    else:
        res = [delta_G_match(args.dataset, args.energy, params, flavour)]
    if args.json:
        print_json(
            {
                "flavour": flavour,
                "flavour_reading": flavour_reading(flavour),
                "matches": [m.as_dict() for m in res],
            }
            if len(res) > 1
            else res[0].as_dict()
        )
        return 0
    m0 = res[0]
    print(
        f"crescape match-icecube: Eq. (17) at delta_G = 1 gives "
        f"{m0.model_at_1.value:.3g} GeV cm-2 s-1 sr-1 at {m0.energy:g} "
        f"(scales as delta_G^{m0.exponent:.3g}); "
        f"flavour reading: {flavour_reading(flavour)}"
    )
    for m in res:
        print(m.summary())
    return 0
