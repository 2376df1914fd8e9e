"""``crescape params``: every parameter with its group, unit, default, allowed range and meaning."""

from __future__ import annotations

import argparse
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
        help="only this group (repeatable): galaxy, cgm, micro or evaluation",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def rows(groups: list[str] | None = None) -> list[dict[str, Any]]:
    """The parameter table as dicts with the keys of :data:`COLUMNS`.

    From :func:`crescape.params.describe` where it exists, else from the
    registry :data:`crescape.params.SPECS` itself.
    """
    from .. import params

    describe = getattr(params, "describe", None)
    if describe is not None:
        return [{c: getattr(r, c) for c in COLUMNS} for r in describe(groups if groups else None)]
    out = []
    for sp in params.SPECS.values():
        if groups and sp.group not in groups:
            continue
        unit = "" if sp.unit is None else sp.unit.to_string()
        out.append(
            {
                "name": sp.name,
                "group": sp.group,
                "unit": unit,
                "default": sp.default,
                "range": sp.allowed(),
                "doc": sp.doc,
            }
        )
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
