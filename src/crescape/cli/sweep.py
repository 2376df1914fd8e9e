"""``crescape sweep SPEC.toml --out sweep.zarr``: a parameter sweep from a spec file.

Runs :func:`crescape.analysis.sweep.sweep` on the grid of the spec (format:
:func:`crescape.analysis.sweep.read_spec`), on a LocalCluster sized to the
machine, or on an existing Dask cluster given by ``--scheduler tcp://HOST:PORT``
or ``DASK_SCHEDULER_ADDRESS``. Exit code 0 when every point succeeded, 1 when
some points failed (they are listed on stderr and kept in the store), 2 on a bad
spec, store or scheduler.

``--out`` must be a new path or a crescape sweep store: ``--force`` overwrites
only a store that crescape wrote, and a store being written by another sweep
is refused (a lock beside it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

from ._common import CLIError, check_output_dir, print_json

__all__ = ["register"]

SPEC_EXAMPLE = """\
a spec file (TOML):
  product = "chain"            # or "neutrino_spectrum", "dispersion"
  [options]                    # options of the product
  outputs = ["B_sat", "v_A_amplified", "neutrino_E2_flux"]
  [axes]                       # a product grid (or [points]: a table of equal-length columns)
  delta_G = { start = 1, stop = 1000, num = 31, scale = "log" }
  L_CR = ["3e40 erg/s", "1e41 erg/s"]
  [fixed]                      # everything else keeps the paper's values
  R_d = "10 kpc"
  [run]                        # chunk_size, retries, n_workers, scheduler, timeout

Numbers are in each parameter's documented unit (`crescape params`); strings may
carry any compatible unit. Full format: `python -m pydoc crescape.analysis.sweep`.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sweep",
        help="evaluate a crescape product over a parameter grid (Dask; zarr output, resumable)",
        description="Evaluate a product (the analytic chain, the neutrino spectrum, the dispersion-"
        "relation maxima) over the grid of a TOML spec; write an xarray/zarr store chunk by chunk.",
        epilog=SPEC_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", metavar="SPEC.toml", help="sweep spec (format below)")
    p.add_argument(
        "--out", required=True, metavar="PATH", help="zarr store to write (e.g. sweep.zarr)"
    )
    p.add_argument(
        "--resume", action="store_true", help="compute only the points missing from --out"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://HOST:PORT), 'local' (LocalCluster) or 'serial' (no Dask); "
        "default: DASK_SCHEDULER_ADDRESS, else a LocalCluster sized to the machine",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="workers of the LocalCluster (default: cores)"
    )
    p.add_argument("--chunk-size", type=int, metavar="N", help="points per task")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="deadline to connect to the scheduler, finish its handshake and find a worker "
        "(default: [run] timeout of the spec, else crescape.analysis.sweep.DEFAULT_TIMEOUT)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing --out store (only a crescape sweep store is overwritten)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..analysis.sweep import (
        SweepFailureWarning,
        check_scheduler,
        read_spec,
        store_info,
        sweep,
    )

    if args.resume and args.force:
        raise CLIError("--resume and --force are exclusive: continue the store or overwrite it")
    out = check_output_dir(args.out)
    kwargs = read_spec(args.spec)
    if out.exists():
        if store_info(out) is None:
            raise CLIError(
                f"--out {str(out)!r} exists and is not a crescape sweep store; refusing to "
                f"{'resume' if args.resume else 'overwrite'} it (remove it yourself or choose "
                "another path)"
            )
        if not (args.resume or args.force):
            raise CLIError(
                f"--out {str(out)!r} exists; use --resume to continue it or --force to overwrite it"
            )
    elif args.resume:
        raise CLIError(f"--out {str(out)!r} does not exist; nothing to resume")
    if args.timeout is not None:
        if not (0 < args.timeout < float("inf")):
            raise CLIError(f"--timeout {args.timeout:g} is not allowed: must be seconds > 0")
        kwargs["timeout"] = args.timeout
    if args.workers is not None:
        if args.workers < 1:
            raise CLIError(f"--workers {args.workers} is not allowed: must be >= 1")
        kwargs["n_workers"] = args.workers
    if args.chunk_size is not None:
        if args.chunk_size < 1:
            raise CLIError(f"--chunk-size {args.chunk_size} is not allowed: must be >= 1")
        kwargs["chunk_size"] = args.chunk_size
    if args.scheduler is not None:
        kwargs["scheduler"] = args.scheduler
    check_scheduler(kwargs.get("scheduler"), "--scheduler" if args.scheduler else "scheduler")
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SweepFailureWarning)
        ds = sweep(**kwargs, out=out, resume=args.resume, progress=not args.no_progress)
    elapsed = time.perf_counter() - t0
    for w in caught:
        if not issubclass(w.category, SweepFailureWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    info = json.loads(ds.attrs["sweep"])
    status = ds["status"].values
    failures = json.loads(ds.attrs.get("failures", "[]"))
    n_failed = int(ds.attrs.get("n_failed", 0))
    summary = {
        "out": str(out),
        "product": info["product"]["product"],
        "engine": info["engine"],
        "points": int(status.size),
        "done": int((status == 1).sum()),
        "failed": n_failed,
        "seconds": round(elapsed, 3),
        "dims": {k: int(v) for k, v in ds.sizes.items()},
        "outputs": [k for k in ds.data_vars if k != "status"],
        "failures": failures[:20],
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"sweep {summary['product']}: {summary['done']}/{summary['points']} points done, "
            f"{n_failed} failed, {elapsed:.2f} s on {summary['engine']}"
        )
        print(f"wrote {out} (dims {summary['dims']}; outputs {', '.join(summary['outputs'])})")
    if n_failed:
        print(f"crescape sweep: {n_failed} point(s) failed:", file=sys.stderr)
        for f in failures[:20]:
            print(f"  point {f['index']} {f['parameters']}: {f['error']}", file=sys.stderr)
        if n_failed > 20:
            print(
                f"  ... and {n_failed - 20} more (all in the store's attrs['failures'])",
                file=sys.stderr,
            )
        return 1
    return 0
