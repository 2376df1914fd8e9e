"""``crescape dispersion``: the linear theory of the nonresonant instability at one parameter set."""

from __future__ import annotations

import argparse
import dataclasses
import warnings

import astropy.units as u
import numpy as np

from ..errors import ValidityWarning
from ..model import ENERGY_SPEC
from ..params import SPECS, parse_value
from ..physics.validity import linear_summary
from ._common import add_param_args, params_from_args, print_json

#: the extra ``--set`` key of this command (the chain's evaluation energy)
ENERGY = ENERGY_SPEC

#: ``T`` as this command reads it: the CGM's T, and T = 0 for the cold relation (the Hall
#: term only). Only here: elsewhere T divides (gas pressure, thermal quantities) and stays > 0.
T_ION = dataclasses.replace(
    SPECS["T"],
    group="evaluation",
    low=0.0,
    low_open=False,
    doc=SPECS["T"].doc + "; 0 selects the cold dispersion relation (crescape dispersion only)",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dispersion",
        help="linear theory of the nonresonant instability: growth, band, regime",
        description="Solve Bell's dispersion relation with the CR response for the current J(>E) "
        "of the escaping CRs and print the fastest growth, its wavenumber, the unstable band, "
        "the thermal and validity conditions and the regime, beside the paper's Eqs. (5), (7), (8). "
        "--set energy=... sets E, the energy of the lowest-energy current-carrying CRs "
        "(default 1 GeV); --set T=0 selects the cold relation (Hall term, no ion temperature).",
    )
    add_param_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params, extra = params_from_args(
        args, {"energy": ENERGY.default, "T": None, "cgm.T": None}, specs={"T": T_ION}
    )
    T_given = extra["T"] if extra["cgm.T"] is None else extra["cgm.T"]
    T = None if T_given is None else float(parse_value(T_ION, T_given).to_value(u.K))
    E = parse_value(ENERGY, extra["energy"]).to_value(u.erg)
    if np.ndim(E):
        E = float(np.ravel(E)[0]) if np.size(E) == 1 else E
    if T:  # a warm T is the CGM's, recorded with the parameters
        params, T = params.replace(T=T * u.K), None
    table = linear_summary(params, float(E), T=T)
    recorded = params.as_dict()
    if T is not None:  # T = 0: the cold relation
        recorded["T"] = 0.0
    if table["threshold_at_p_max"][0]:  # printed in one line by the CLI entry point
        warnings.warn(
            "the nonresonant threshold is set by the highest energies (doubling E_max moves "
            "it by > 1%): kc_rL_threshold and B_sat_linear depend on E_max",
            ValidityWarning,
            stacklevel=1,
        )
    if args.json:
        print_json(
            {
                "parameters": recorded,
                "quantities": {
                    k: {"value": v, "unit": unit, "meaning": doc}
                    for k, (v, unit, doc) in table.items()
                },
            }
        )
        return 0
    print(
        "crescape dispersion: Bell (2004) dispersion relation with the CR response "
        f"(E = {table['energy'][0]:g} GeV)"
    )
    print(f"{'quantity':<22} {'value':>12}  {'unit':<12} meaning")
    print("-" * 96)
    for name, (value, unit, doc) in table.items():
        shown = f"{value!s:>12}" if isinstance(value, bool | int | np.bool_) else f"{value:12.4g}"
        print(f"{name:<22} {shown}  {unit:<12} {doc}")
    return 0
