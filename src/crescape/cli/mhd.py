"""``crescape mhd CONFIG.toml --out run.nc [--set key=value] [--resume] [--checkpoint FILE] [--json]``.

A 1.5D MHD run of Bell's instability with a CR current (:mod:`crescape.simulate.mhd`,
configuration :mod:`crescape.simulate.mhd_config`, example ``examples/mhd_bell.toml``,
documentation docs/mhd.md). ``--set table.key=value`` (``grid.n_cells=512``,
``cr.response=true``, ``'plasma.B0=3 uG'``) overrides the file. A checkpoint (default
``<out>.ckpt.npz``) is written every ``[checkpoint]`` interval and at every output time;
``--resume`` continues from it to a bit-identical result. It carries the fingerprint of
the resolved configuration: resuming with another configuration, or from a finished
run, is refused with exit code 2. A run that breaks down (a negative pressure once the
magnetic pressure dwarfs the gas pressure) writes the snapshots before it and exits with 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..params import ParameterError, parse_set
from ._common import CLIError, add_run_arguments, check_run_outputs, print_json
from .simulate import config_path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "mhd",
        help="1.5D MHD run of Bell's instability driven by a CR current",
        description="Periodic 1.5D MHD (B_x = B0) with the CR force -J_CR x B/c, optional CR "
        "response sigma(k r_L) and Hall term; writes netCDF (fields, spectrum, diagnostics).",
    )
    add_run_arguments(
        p,
        "run configuration (see docs/mhd.md)",
        "override the configuration: table.key=value (e.g. grid.n_cells=512, "
        "cr.response=true, 'plasma.B0=3 uG'); repeatable",
        checkpoint=True,
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..simulate.mhd_config import checkpointer, load_mhd_config, run_mhd
    from ..simulate.observers import CheckpointCorrupt, CheckpointMismatch, write_netcdf

    args.config = config_path(args)
    if not Path(args.config).is_file():
        raise CLIError(f"config = {args.config!r}: no such file")
    out, ckpt_path = check_run_outputs(args.out, args.checkpoint)
    cfg = load_mhd_config(args.config, parse_set(args.set))
    try:
        cfg.build()
    except ParameterError:
        raise
    except ValueError as exc:
        raise CLIError(f"config = {args.config!r}: {exc}") from None
    fingerprint = cfg.fingerprint()
    ckpt = checkpointer(cfg, ckpt_path)
    try:
        ds = run_mhd(
            cfg, progress=not args.no_progress, checkpoint=ckpt, resume=args.resume, finalize=False
        )
    except (CheckpointMismatch, CheckpointCorrupt) as exc:
        raise CLIError(str(exc)) from None
    ds.attrs["config_file"] = str(args.config)
    try:
        write_netcdf(ds, out)
    except OSError as exc:
        raise CLIError(f"--out {args.out!r} cannot be written: {exc.strerror or exc}") from None
    ckpt.mark_final()  # the output exists: the checkpoint is not to be resumed
    valid = bool(ds.attrs.get("valid", 1))
    if args.json:
        print_json(
            {
                "out": str(out),
                "steps": int(ds.attrs["steps"]),
                "t_end_s": float(ds.t[-1]),
                "t_end_growth_times": float(ds.t[-1]) / float(ds.attrs["time_unit_s"]),
                "n_cells": int(ds.sizes["x"]),
                "dB2_final": float(ds.dB2[-1]),
                "k_peak_over_kc_final": float(ds.k_peak[-1]) / float(ds.attrs["k_c_cm-1"])
                if float(ds.attrs["k_c_cm-1"]) > 0
                else None,
                "config_hash": fingerprint["hash"],
                "checkpoint": str(ckpt.path),
                "valid": valid,
            }
        )
    if not valid:
        print(
            f"crescape mhd: the run stopped early: {ds.attrs['failure']} "
            f"(the {ds.sizes['t']} snapshots before are written to {out})",
            file=sys.stderr,
        )
        return 1
    return 0
