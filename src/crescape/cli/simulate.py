"""``crescape simulate CONFIG.toml --out run.nc [--resume] [--no-progress]``: the coupled CGM run."""

from __future__ import annotations

import sys
from pathlib import Path

from ..params import parse_set
from ._common import CLIError, add_run_arguments, check_run_outputs


def config_path(args) -> str:
    """The configuration file, given as CONFIG.toml or --config (one of them, once)."""
    a, b = args.config, args.config_option
    if a and b and a != b:
        raise CLIError(f"config = {a!r} and --config = {b!r}: give the configuration once")
    if not (a or b):
        raise CLIError("config: a configuration file is required (CONFIG.toml or --config FILE)")
    return a or b


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="coupled CR-field-gas run of the circumgalactic medium",
        description="Time-dependent coupled run: CR current, field growth paid by the CRs, "
        "Bohm diffusion, CR and magnetic pressure forces on the gas; writes netCDF. "
        "Exit code 1 if the run fails its energy check (floors not negligible).",
    )
    add_run_arguments(
        p,
        "TOML file ([galaxy], [cgm], [micro], [simulation] tables)",
        "override a simulation option (n_cells=200 or simulation.n_cells=200, "
        "'t_end=300 Myr') or a physical parameter (delta_G=10, cgm.delta_G=10); repeatable",
    )
    p.set_defaults(func=main)


def main(args) -> int:
    from ..simulate.cgm_config import load_config
    from ..simulate.coupled import CGMSimulation
    from ..simulate.observers import write_netcdf

    args.config = config_path(args)
    if not Path(args.config).exists():
        raise CLIError(f"config = {args.config!r}: no such file")
    from ..simulate.observers import CheckpointCorrupt, CheckpointMismatch

    params, cfg = load_config(args.config, parse_set(args.set))
    out, ckpt_path = check_run_outputs(args.out)
    sim = CGMSimulation(params, cfg)
    try:
        ds = sim.run(
            progress=not args.no_progress,
            checkpoint=ckpt_path,
            resume=args.resume,
        )
    except (CheckpointMismatch, CheckpointCorrupt) as exc:
        raise CLIError(str(exc)) from None
    write_netcdf(ds, out)
    if args.json:
        from ._common import print_json

        b = sim.budgets()
        print_json(
            {
                "out": str(out),
                "steps": int(sim.step_count),
                "t_end_Myr": float(ds.t.values[-1]),
                "n_cells": sim.grid.n,
                "n_momenta": sim.pgrid.n,
                "valid": bool(ds.attrs.get("valid", 1)),
                "corrections": float(b["corrections"]),
                "energy_residual": float(b["energy_residual"]),
                "u_halo_km_s": float(sim.gas_state.u[0] / 1e5),
                "dB_halo_G": float(sim.dB[0]),
                "energy_sources": sim.energy_sources(),
            }
        )
    if not ds.attrs.get("valid", 1):
        print(f"crescape simulate: {ds.attrs['failure']} (written to {out})", file=sys.stderr)
        return 1
    return 0
