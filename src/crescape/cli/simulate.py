"""``crescape simulate CONFIG.toml --out run.nc [--resume] [--no-progress]``: the coupled CGM run."""

from __future__ import annotations

from pathlib import Path

from ..params import parse_set
from ._common import CLIError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "simulate", help="coupled CR-field-gas run of the circumgalactic medium"
    )
    p.add_argument("config", help="TOML file ([galaxy], [cgm], [micro], [simulation] tables)")
    p.add_argument("--out", required=True, help="output netCDF file")
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a parameter or simulation option (repeatable)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue from the checkpoint OUT.ckpt.npz if it exists",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    from ..simulate.cgm_config import load_config
    from ..simulate.coupled import CGMSimulation
    from ..simulate.observers import write_netcdf

    if not Path(args.config).exists():
        raise CLIError(f"config = {args.config!r}: no such file")
    params, cfg = load_config(args.config, parse_set(args.set))
    out = Path(args.out)
    sim = CGMSimulation(params, cfg)
    ds = sim.run(
        progress=not args.no_progress,
        checkpoint=out.with_name(out.name + ".ckpt.npz"),
        resume=args.resume,
    )
    write_netcdf(ds, out)
    return 0
