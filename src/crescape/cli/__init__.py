"""The ``crescape`` command line: a thin shell over the package.

Each subcommand lives in its own module of this package and defines
``register(subparsers)``, which adds its parser and sets ``func`` (a callable
taking the parsed namespace and returning an exit code). Modules whose name
starts with ``_`` are helpers. No physics lives here.

Errors never end in a traceback. Each prints one line on stderr,
``crescape COMMAND: error: ...``, and gives the exit code

* 2 for bad input: a :class:`~crescape.params.ParameterError`, a
  :class:`~crescape.cli._common.CLIError`, a bad command line, a file that
  cannot be read or written (:class:`OSError`: read-only or full disk, a
  directory where a file is expected), an output closed early (broken pipe),
  or a request too large for the memory;
* 3 for a run that broke down numerically (:class:`~crescape.errors.RunFailedError`:
  when and where it broke; what was written before is kept);
* 1 for an internal error (any other exception), with a hint to report it; set
  the environment variable ``CRESCAPE_TRACEBACK=1`` to see the traceback;
* 130 on Ctrl-C.

Warnings are one line too, ``crescape COMMAND: warning: ...`` on stderr, each
distinct message once per command, whatever module issues them (printed here,
for every command, by :func:`main`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings

from ..errors import ParameterError, RunFailedError, ValidityWarning
from ._common import CLIError

__all__ = ["main", "build_parser", "EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_RUN_FAILED"]

#: exit code on bad input (parameters, files, command line)
EXIT_BAD_INPUT = 2
#: exit code on an internal error
EXIT_INTERNAL = 1
#: exit code of a run that broke down numerically
EXIT_RUN_FAILED = 3

PROJECT = "crescape"
HELP_EPILOG = (
    "Every parameter with its unit, default and allowed range: `crescape params`. "
    "The API reference is in the docstrings: `python -m pydoc crescape`."
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (with a pointer to --help), exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        name = self.prog if self.prog.startswith("crescape") else f"crescape {self.prog}"
        self.exit(
            EXIT_BAD_INPUT,
            f"{name}: error: {_one_line(message)} (see {name} --help)\n",
        )


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every discovered subcommand."""
    parser = _Parser(
        prog="crescape",
        description="Escape of cosmic rays from the Galaxy and their effects on the "
        "circumgalactic medium (Blasi & Amato 2019, PRL 122, 051101).",
        epilog=HELP_EPILOG,
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


def _one_line(text: object) -> str:
    lines = [s.strip() for s in str(text).splitlines() if s.strip()]
    return "; ".join(lines) if lines else ""


def _os_error_text(exc: OSError) -> str:
    """One line for an OSError: the file and the reason, or the kind of failure."""
    what = exc.strerror or _one_line(exc) or type(exc).__name__
    if exc.filename is not None:
        extra = f" -> {exc.filename2!r}" if getattr(exc, "filename2", None) else ""
        return f"cannot read or write {str(exc.filename)!r}{extra}: {what}"
    if isinstance(exc, ConnectionError | TimeoutError):
        return f"network error ({type(exc).__name__}): {what}"
    return f"system error ({type(exc).__name__}): {what}"


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the exit flush does not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _warning_printer(name: str):
    """A :func:`warnings.showwarning` that prints ``<name>: warning: <message>``, one line, once."""
    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = _one_line(message)
        if text in seen:
            return
        seen.add(text)
        try:
            print(f"{name}: warning: {text}", file=sys.stderr)
        except (OSError, ValueError):
            pass

    return show


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``crescape``; returns the exit code (never raises, never a traceback)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad command line (one line printed)
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_BAD_INPUT
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    name = f"crescape {args.command}"

    def fail(code: int, message: str) -> int:
        try:
            print(f"{name}: error: {_one_line(message)}", file=sys.stderr)
        except (OSError, ValueError):
            pass
        return code

    try:
        with warnings.catch_warnings():
            warnings.showwarning = _warning_printer(name)
            # every warning of crescape's own, each time (deduplicated by the printer)
            warnings.filterwarnings("always", category=ValidityWarning)
            warnings.filterwarnings("always", module=r"crescape(\.|$)")
            code = args.func(args)
            sys.stdout.flush()
    except (ParameterError, CLIError) as exc:
        return fail(EXIT_BAD_INPUT, str(exc))
    except RunFailedError as exc:
        return fail(EXIT_RUN_FAILED, str(exc))
    except KeyboardInterrupt:
        try:
            print(f"{name}: interrupted", file=sys.stderr)
        except (OSError, ValueError):
            pass
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return fail(EXIT_BAD_INPUT, "stdout was closed before everything was written (broken pipe)")
    except OSError as exc:
        return fail(EXIT_BAD_INPUT, _os_error_text(exc))
    except MemoryError:
        return fail(
            EXIT_BAD_INPUT,
            "out of memory: the request is too large for this machine (fewer points, a smaller grid)",
        )
    except Exception as exc:
        if os.environ.get("CRESCAPE_TRACEBACK"):
            import traceback

            traceback.print_exc()
        return fail(
            EXIT_INTERNAL,
            f"internal error: {type(exc).__name__}: {_one_line(exc)} -- this is a bug in "
            f"{PROJECT}; please report it with the command line (CRESCAPE_TRACEBACK=1 shows the "
            "traceback)",
        )
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
