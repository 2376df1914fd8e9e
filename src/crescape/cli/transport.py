"""``crescape transport CONFIG.toml --out run.nc [--set key=value ...] [--resume] [--json]``: a 1D run.

The configuration format is documented in docs/transport.md (example:
examples/transport_eq10.toml); ``--set table.key=value`` (``grid.n_z=100``,
``time.t_end="5 Myr"``) or ``--set name=value`` for a physical parameter
(``L_CR=2e41``) overrides the file. A checkpoint ``<out>.ckpt.npz`` is written
every ``[checkpoint] every_steps`` steps / ``every_seconds`` seconds and at
every output time; ``--resume`` continues from it to a bit-identical result.
The checkpoint carries the fingerprint of the full resolved configuration, so
resuming with another configuration, or from a finished run (whose checkpoint
is flagged final once the output is written), is refused with exit code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..params import ParameterError, parse_set
from ._common import CLIError, add_run_arguments, check_run_outputs, print_json
from .simulate import config_path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "transport",
        help="run the 1D cosmic-ray transport solver from a TOML configuration",
        description="Time-dependent CR transport (diffusion with a flux limiter, advection, "
        "adiabatic changes) in planar, spherical or flux-tube geometry; writes netCDF.",
    )
    add_run_arguments(
        p,
        "run configuration (see docs/transport.md)",
        "override the configuration: table.key=value (e.g. grid.n_z=100, "
        "'time.t_end=5 Myr') or a physical parameter by name (e.g. L_CR=2e41); repeatable",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..simulate.config import load_config
    from ..simulate.observers import (
        CheckpointCorrupt,
        Checkpointer,
        CheckpointMismatch,
        run,
        write_netcdf,
    )

    args.config = config_path(args)
    if not Path(args.config).is_file():
        raise CLIError(f"config = {args.config!r}: no such file")
    out, ckpt_path = check_run_outputs(args.out)
    cfg = load_config(args.config, parse_set(args.set))
    try:
        op, stepper, times = cfg.build()
    except ValueError as exc:
        if isinstance(exc, ParameterError):
            raise
        raise CLIError(f"config = {args.config!r}: {exc}") from None
    fingerprint = cfg.fingerprint()
    ckpt = Checkpointer(ckpt_path, cfg.every_steps, cfg.every_seconds, fingerprint=fingerprint)
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
            finalize=False,
        )
    except (CheckpointMismatch, CheckpointCorrupt) as exc:
        raise CLIError(str(exc)) from None
    except ValueError as exc:  # e.g. an output time before the checkpoint's time
        if isinstance(exc, ParameterError):
            raise
        raise CLIError(str(exc)) from None
    try:
        write_netcdf(ds, out)
    except OSError as exc:
        raise CLIError(f"--out {args.out!r} cannot be written: {exc.strerror or exc}") from None
    ckpt.mark_final()  # the output exists: the checkpoint is not to be resumed
    if args.json:
        print_json(
            {
                "out": str(out),
                "steps": int(ds.attrs["steps"]),
                "t_end_s": float(ds.t[-1]),
                "n_z": op.grid.n,
                "n_p": op.pgrid.n,
                "config_hash": fingerprint["hash"],
                "checkpoint": str(ckpt.path),
            }
        )
    return 0
