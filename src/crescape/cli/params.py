"""``crescape params``: every parameter with its group, unit, default, allowed range and meaning."""

from __future__ import annotations

import argparse
import math
from typing import Any

from ._common import CLIError, print_json

__all__ = ["register", "rows"]

COLUMNS = ("name", "group", "unit", "default", "range", "doc")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "params",
        help="list every parameter with its unit, default and allowed range",
        description="List the parameters accepted by --set and --config (and the evaluation "
        "options such as energy): group, documented unit (plain numbers are read in it), "
        "default (the paper's value), allowed range and meaning.",
    )
    p.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="GROUP",
        help="only this group (repeatable): galaxy, cgm, micro, evaluation, or an option table "
        "(simulation; grid, momentum, transport, time, checkpoint)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def rows(groups: list[str] | None = None) -> list[dict[str, Any]]:
    """The parameter table as dicts with the keys of :data:`COLUMNS`.

    The model parameters and evaluation options (:func:`crescape.params.describe`), then the
    options of the coupled run (group ``simulation``) and of the transport runs (groups
    ``grid``, ``momentum``, ``transport``, ``time``, ``checkpoint``), each group being the
    TOML table it is written in; then those of the MHD runs (``crescape mhd``), as groups
    ``mhd.<table>`` (their tables share names with the transport's).
    """
    from .. import params
    from ..simulate import cgm_config, config, mhd_config
    from ..simulate.options import describe_options

    table = list(params.describe())
    table += describe_options({"simulation": cgm_config.SCHEMA, **config.SCHEMA})
    table += describe_options({f"mhd.{t}": tab for t, tab in mhd_config.SCHEMA.items()})
    out = []
    for r in table:
        if groups and r.group not in groups:
            continue
        row = {c: getattr(r, c) for c in COLUMNS}
        d = row["default"]
        if d is None:  # an option whose value is chosen by the run (see its meaning)
            row["default"] = "automatic"
        elif isinstance(d, float) and not math.isfinite(d):
            row["default"] = str(d)  # "inf": no limit (valid JSON)
        out.append(row)
    return out


def _known_groups() -> list[str]:
    return list(dict.fromkeys(r["group"] for r in rows()))


def _fmt_default(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def run(args: argparse.Namespace) -> int:
    known = _known_groups()
    bad = [g for g in args.group if g not in known]
    if bad:
        raise CLIError(f"--group {bad[0]!r} is not allowed: must be one of {', '.join(known)}")
    table = rows(args.group or None)
    if args.json:
        print_json({"parameters": table})
        return 0
    head = {"name": "name", "group": "group", "unit": "unit", "default": "default"}
    w = {
        c: max(len(head[c]), *(len(_fmt_default(r[c])) for r in table))
        for c in ("name", "group", "unit", "default")
    }
    print(
        f"{'name':<{w['name']}}  {'group':<{w['group']}}  {'unit':<{w['unit']}}  "
        f"{'default':>{w['default']}}  allowed; meaning"
    )
    print("-" * (sum(w.values()) + 8 + 40))
    for r in table:
        print(
            f"{r['name']:<{w['name']}}  {r['group']:<{w['group']}}  {r['unit']:<{w['unit']}}  "
            f"{_fmt_default(r['default']):>{w['default']}}  {r['range']}; {r['doc']}"
        )
    print("Plain numbers are read in the unit shown; strings may carry any compatible unit.")
    return 0
