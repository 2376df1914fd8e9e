"""``crescape reproduce --out DIR``: the main job, on the paper's defaults.

Runs every step of :mod:`crescape.reproduction` and writes ``summary.md`` and
``summary.json``: every number the paper quotes beside crescape's value, their
ratio and the equation, then the products (figures, runs) of each step.
"""

from __future__ import annotations

import argparse
import json
import time
import traceback
from pathlib import Path

from .. import __version__
from ..io import atomic_write_text
from ..model import EscapeModel
from ..paper import audit, audit_table_markdown
from ..reproduction import steps
from ._common import CLIError, add_param_args, params_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reproduce",
        help="reproduce the paper's numbers and figures into a folder",
        description="Run every reproduction step and write summary.md and summary.json.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument(
        "--only",
        metavar="STEP",
        action="append",
        default=[],
        help="run only these steps (module names; repeatable)",
    )
    add_param_args(p, json_flag=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params, _ = params_from_args(args)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CLIError(f"--out {str(out)!r} cannot be created: {exc.strerror}") from None
    model = EscapeModel.from_params(params)
    claims = audit(params)
    products = []
    failed = []
    for step in steps():
        name = step.__name__.rsplit(".", 1)[-1]
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        print(f"[reproduce] {name}: {getattr(step, 'TITLE', '')} ...", flush=True)
        try:
            arts = step.run(out, params)
        except Exception as exc:  # a failed step is reported, the others still run
            failed.append(
                {
                    "step": name,
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                }
            )
            print(f"[reproduce] {name}: FAILED: {type(exc).__name__}: {exc}", flush=True)
            continue
        dt = time.perf_counter() - t0
        products.append(
            {
                "step": name,
                "title": getattr(step, "TITLE", name),
                "seconds": round(dt, 2),
                "artifacts": [a.__dict__ for a in arts],
            }
        )
        print(f"[reproduce] {name}: done in {dt:.1f} s", flush=True)

    summary = {
        "crescape_version": __version__,
        "paper": "Blasi & Amato 2019, PRL 122, 051101",
        "parameters": params.as_dict(),
        "units": params.units(),
        "audit": [c.as_dict() for c in claims],
        "chain": model.to_dict()["quantities"],
        "products": products,
        "failed_steps": failed,
    }
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=2, default=float))
    md = [
        "# crescape reproduction of Blasi & Amato (2019), PRL 122, 051101",
        "",
        f"crescape {__version__}. Parameters: "
        + ", ".join(f"{k} = {v} {params.units()[k]}".rstrip() for k, v in params.as_dict().items()),
        "",
        "## Every number the paper quotes",
        "",
        "'crescape' is the value in the paper's own convention; 'exact' is crescape's exact "
        "physics where it differs. See docs/paper-notes.md for each entry.",
        "",
        audit_table_markdown(claims),
        "",
        "## Products",
        "",
    ]
    for prod in products:
        md.append(f"### {prod['title']} (`{prod['step']}`, {prod['seconds']} s)")
        md.append("")
        for a in prod["artifacts"]:
            where = f" — [`{a['path']}`]({a['path']})" if a["path"] else ""
            md.append(f"- **{a['name']}**: {a['description']}{where}")
        md.append("")
    if failed:
        md += ["## Failed steps", ""] + [f"- `{f['step']}`: {f['error']}" for f in failed] + [""]
    atomic_write_text(out / "summary.md", "\n".join(md))
    print(f"[reproduce] wrote {out / 'summary.md'} and {out / 'summary.json'}")
    return 1 if failed else 0
