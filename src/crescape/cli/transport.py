"""``crescape transport CONFIG.toml --out run.nc [--resume] [--no-progress]``: a 1D transport run.

The configuration format is documented in docs/transport.md (example:
examples/transport_eq10.toml). A checkpoint ``<out>.ckpt.npz`` is written
every ``[checkpoint] every_steps`` steps / ``every_seconds`` seconds and at
every output time; ``--resume`` continues from it to a bit-identical result.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..params import ParameterError
from ._common import CLIError, print_json


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transport",
        help="run the 1D cosmic-ray transport solver from a TOML configuration",
        description="Time-dependent CR transport (diffusion with a flux limiter, advection, "
        "adiabatic changes) in planar, spherical or flux-tube geometry; writes netCDF.",
    )
    p.add_argument(
        "config", metavar="CONFIG.toml", help="run configuration (see docs/transport.md)"
    )
    p.add_argument("--out", required=True, metavar="RUN.nc", help="output netCDF file")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue from the checkpoint <out>.ckpt.npz if it exists",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print a JSON summary of the run")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..simulate.config import load_config
    from ..simulate.observers import Checkpointer, run, write_netcdf

    if not Path(args.config).is_file():
        raise CLIError(f"config = {args.config!r}: no such file")
    cfg = load_config(args.config)
    op, stepper, times = cfg.build()
    out = Path(args.out)
    ckpt = Checkpointer(out.with_name(out.name + ".ckpt.npz"), cfg.every_steps, cfg.every_seconds)
    attrs = cfg.attrs()
    attrs["config_file"] = str(args.config)
    try:
        ds = run(
            stepper,
            times,
            progress=not args.no_progress,
            checkpoint=ckpt,
            resume=args.resume,
            attrs=attrs,
        )
    except ValueError as exc:  # e.g. a checkpoint from a different grid
        if isinstance(exc, ParameterError):
            raise
        raise CLIError(str(exc)) from None
    write_netcdf(ds, out)
    if args.json:
        print_json(
            {
                "out": str(out),
                "steps": int(ds.attrs["steps"]),
                "t_end_s": float(ds.t[-1]),
                "n_z": op.grid.n,
                "n_p": op.pgrid.n,
            }
        )
    return 0
