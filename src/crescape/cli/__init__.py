"""The ``crescape`` command line: a thin shell over the package.

Each subcommand lives in its own module of this package and defines
``register(subparsers)``, which adds its parser and sets ``func`` (a callable
taking the parsed namespace and returning an exit code). Modules whose name
starts with ``_`` are helpers. No physics lives here.

Bad input (a :class:`~crescape.params.ParameterError` or a
:class:`~crescape.cli._common.CLIError`) prints one line on stderr and exits
with code 2, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from ..params import ParameterError
from ._common import CLIError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every discovered subcommand."""
    parser = argparse.ArgumentParser(
        prog="crescape",
        description="Escape of cosmic rays from the Galaxy and their effects on the "
        "circumgalactic medium (Blasi & Amato 2019, PRL 122, 051101).",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"crescape {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``crescape``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        code = args.func(args)
    except (ParameterError, CLIError) as exc:
        print(f"crescape {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"crescape {args.command}: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
