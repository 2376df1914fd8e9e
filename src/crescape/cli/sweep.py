"""``crescape sweep SPEC.toml --out sweep.zarr``: a parameter sweep from a spec file.

Runs :func:`crescape.analysis.sweep.sweep` on the grid of the spec (see
``docs/sweeps.md``), on a LocalCluster sized to the machine, or on an existing
Dask cluster given by ``--scheduler tcp://HOST:PORT`` or ``DASK_SCHEDULER_ADDRESS``.
Exit code 0 when every point succeeded, 1 when some points failed (they are
listed on stderr and kept in the store), 2 on a bad spec.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

from ._common import CLIError, print_json

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sweep",
        help="evaluate a crescape product over a parameter grid (Dask; zarr output, resumable)",
        description="Evaluate a product (the analytic chain, the neutrino spectrum, the dispersion-"
        "relation maxima) over the grid of a TOML spec; write an xarray/zarr store chunk by chunk.",
    )
    p.add_argument("spec", metavar="SPEC.toml", help="sweep spec (see examples/sweep_spec.toml)")
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
    p.add_argument("--force", action="store_true", help="overwrite an existing --out store")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..analysis.sweep import SweepFailureWarning, read_spec, sweep

    kwargs = read_spec(args.spec)
    out = Path(args.out)
    if out.exists() and not (args.resume or args.force):
        raise CLIError(
            f"--out {str(out)!r} exists; use --resume to continue it or --force to overwrite it"
        )
    if args.workers is not None:
        if args.workers < 1:
            raise CLIError(f"--workers {args.workers} is not allowed: must be >= 1")
        kwargs["n_workers"] = args.workers
    if args.chunk_size is not None:
        kwargs["chunk_size"] = args.chunk_size
    if args.scheduler:
        kwargs["scheduler"] = args.scheduler
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
