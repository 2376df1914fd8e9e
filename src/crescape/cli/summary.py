"""``crescape summary``: the paper's chain as a table, or as one JSON object."""

from __future__ import annotations

import argparse

import numpy as np

from ..model import QUANTITIES, EscapeModel
from ._common import add_param_args, params_from_args, print_json

DEFAULT_ENERGY = "1 GeV"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "summary",
        help="print the analytic chain, Eqs. (1)-(17)",
        description="Evaluate the paper's chain and print every quantity with its unit, "
        "equation and the paper's value. --set energy=... sets the CR energy (default 1 GeV).",
    )
    add_param_args(p)
    p.set_defaults(func=run)


def format_table(model: EscapeModel) -> str:
    """The chain as a fixed-width text table."""
    lines = [f"{'quantity':<22} {'value':>12} {'paper':>10}  {'unit':<18} equation"]
    lines.append("-" * 86)
    for name, info in QUANTITIES.items():
        q = model[name]
        pv = model.paper_value(name)
        paper = f"{float(pv.value):10.3g}" if pv is not None else f"{'':>10}"
        lines.append(f"{name:<22} {float(q.value):12.4g} {paper}  {info.unit:<18} {info.equation}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    params, extra = params_from_args(args, {"energy": DEFAULT_ENERGY})
    model = EscapeModel.from_params(params, energy=extra["energy"])
    if args.json:
        print_json(model.to_dict())
        return 0
    p = params.as_dict()
    print(
        f"crescape summary: L_CR = {p['L_CR']:g} erg/s, R_d = {p['R_d']:g} kpc, "
        f"delta_G = {p['delta_G']:g}, T = {p['T']:g} K, B0 = {p['B0']:g} G, "
        f"E = {float(np.asarray(model.energy.value)):g} GeV"
    )
    print(format_table(model))
    return 0
