"""``crescape reproduce --out DIR``: the main job, on the paper's defaults.

Runs every step of :mod:`crescape.reproduction` and writes ``summary.md`` and
``summary.json``: every number the paper quotes beside crescape's value, their
ratio and the equation, then the products (figures, runs) of each step.

The folder says whether it is complete: before the first step the marker file
``IN_PROGRESS`` is written and any old ``summary.md``/``summary.json`` are
replaced by an "in progress" note; the summaries are written last and the
marker is removed. A killed run therefore never leaves an old summary beside
new figures. Links in ``summary.md`` are relative to the folder.
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
from ..reproduction import step_names, steps, write_in_progress_html, write_summary_html
from ._common import CLIError, add_param_args, check_output_dir, params_from_args

#: the marker of an unfinished reproduction in its output folder
MARKER = "IN_PROGRESS"


def register(sub: argparse._SubParsersAction) -> None:
    names = step_names()
    p = sub.add_parser(
        "reproduce",
        help="reproduce the paper's numbers and figures into a folder",
        description="Run every reproduction step and write summary.md and summary.json. "
        f"Steps: {', '.join(names)}.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument(
        "--only",
        metavar="STEP",
        action="append",
        default=[],
        help=f"run only this step (repeatable; comma-separated lists too); one of {', '.join(names)}",
    )
    add_param_args(p, json_flag=False)
    p.set_defaults(func=run)


def selected_steps(only: list[str]) -> list[str]:
    """The step names asked for by ``--only`` (all when empty); CLIError on an unknown one."""
    names = step_names()
    wanted = [w.strip() for item in only for w in str(item).split(",") if w.strip()]
    if only and not wanted:
        raise CLIError(f"--only {only[0]!r} is not allowed: must be one of {', '.join(names)}")
    bad = [w for w in wanted if w not in names]
    if bad:
        raise CLIError(
            f"--only {', '.join(repr(b) for b in bad)} is not allowed: "
            f"must be one of {', '.join(names)}"
        )
    return wanted or names


def _link(path: str | None, out: Path) -> str | None:
    """A product's path relative to the output folder (where summary.md is)."""
    if not path:
        return path
    p = Path(path)
    try:
        return p.relative_to(out.resolve() if p.is_absolute() else out).as_posix()
    except ValueError:
        return p.as_posix()


def _start(out: Path, argv_text: str) -> None:
    """Mark the folder as in progress and retire any summary of an earlier run."""
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    atomic_write_text(
        out / MARKER,
        f"crescape reproduce started {started}: {argv_text}\n"
        "This folder is incomplete until summary.md lists the products and this file is gone.\n",
    )
    old = out / "summary.json"
    if old.exists():
        old.unlink()
    write_in_progress_html(out, started)
    atomic_write_text(
        out / "summary.md",
        "# crescape reproduction in progress\n\n"
        f"Started {started}. The files in this folder may come from this run or an earlier one; "
        "this file is replaced by the summary when the run is complete.\n",
    )


def run(args: argparse.Namespace) -> int:
    wanted = selected_steps(args.only)
    out = check_output_dir(args.out)
    params, _ = params_from_args(args)
    out.mkdir(parents=True, exist_ok=True)
    _start(out, " ".join(["--out", str(args.out), *(f"--only {w}" for w in args.only)]))
    model = EscapeModel.from_params(params)
    claims = audit(params)
    products = []
    failed = []
    for step in steps():
        name = step.__name__.rsplit(".", 1)[-1]
        if name not in wanted:
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
                "artifacts": [{**a.__dict__, "path": _link(a.path, out)} for a in arts],
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
        "physics where it differs. Each entry is discussed in docs/paper-notes.md of the crescape "
        "source repository.",
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
    write_summary_html(out, summary)
    atomic_write_text(out / "summary.md", "\n".join(md))
    (out / MARKER).unlink(missing_ok=True)
    print(
        f"[reproduce] wrote {out / 'summary.md'}, {out / 'summary.html'} and {out / 'summary.json'}"
    )
    return 1 if failed else 0
