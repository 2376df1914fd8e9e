"""Helpers shared by the subcommands: parameters from --config/--set, output checks, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..params import GROUPS, ParameterError, Parameters, from_toml, parse_set

__all__ = [
    "CLIError",
    "add_param_args",
    "params_from_args",
    "read_config",
    "check_output_file",
    "check_run_outputs",
    "check_output_dir",
    "print_json",
]


class CLIError(Exception):
    """Bad command-line input that is not a parameter value (e.g. a missing file)."""


def add_param_args(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    """Add ``--config FILE``, ``--set key=value`` (repeatable) and ``--json``."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML file with parameters, flat or in tables [galaxy], [cgm], [micro] "
        "(see `crescape params` for every name, unit and default)",
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="set a parameter, e.g. --set delta_G=100 --set 'R_d=12 kpc' (repeatable)",
    )
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_run_arguments(
    parser: argparse.ArgumentParser, config_help: str, set_help: str, checkpoint: bool = False
) -> None:
    """The arguments of the commands that run a simulation from a TOML file (simulate,
    transport, mhd): CONFIG.toml or ``--config``, ``--out``, ``--set``, ``--resume``
    (optionally ``--checkpoint``), ``--no-progress``, ``--json``."""
    parser.add_argument("config", nargs="?", metavar="CONFIG.toml", help=config_help)
    parser.add_argument(
        "--config", dest="config_option", metavar="FILE", help="the same, as an option"
    )
    parser.add_argument("--out", required=True, metavar="RUN.nc", help="output netCDF file")
    parser.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], help=set_help)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue from the checkpoint (default RUN.nc.ckpt.npz) if it exists (refused if "
        "it was written with another configuration)",
    )
    if checkpoint:
        parser.add_argument(
            "--checkpoint", metavar="FILE", help="checkpoint file (default: RUN.nc.ckpt.npz)"
        )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="print a JSON summary of the run")


def read_config(path: str, option: str = "--config", specs: dict | None = None) -> dict[str, Any]:
    """The flat parameters of a TOML file, with one-line errors for a file that cannot be read.

    ``specs`` (``{name: Spec}``) checks those parameters against a command's own range
    (:func:`crescape.params.from_toml`).

    Raises
    ------
    CLIError
        If ``path`` is empty, a directory, unreadable or not UTF-8 text.
    ParameterError
        If the file is missing or is not valid TOML (from :func:`crescape.params.from_toml`).
    """
    if not str(path).strip():
        raise CLIError(f"{option} '': give the path of a TOML file")
    p = Path(path)
    if p.is_dir():
        raise CLIError(f"{option} {str(path)!r} is a directory, not a TOML file")
    try:
        return from_toml(p, specs)
    except UnicodeDecodeError:
        raise CLIError(f"{option} {str(path)!r} is not a text (UTF-8) TOML file") from None
    except OSError as exc:
        raise CLIError(
            f"{option} {str(path)!r} cannot be read: {exc.strerror or type(exc).__name__}"
        ) from None


def _check_value(key: str, value: Any, source: str) -> None:
    """A parameter of a subcommand is one value: not a list, a table or a boolean."""
    if isinstance(value, bool | list | tuple | dict) or np.ndim(getattr(value, "value", 0)):
        raise ParameterError(
            f"{key} = {value!r} ({source}) is not allowed: must be one number or a string "
            "such as '12 kpc'"
        )


def params_from_args(
    args: argparse.Namespace,
    extra_keys: dict[str, Any] | None = None,
    specs: dict | None = None,
) -> tuple[Parameters, dict[str, Any]]:
    """Build :class:`Parameters` from ``--config`` and ``--set`` (``--set`` wins).

    Parameters
    ----------
    extra_keys : dict
        Keys that are options of the subcommand rather than physical
        parameters (e.g. ``energy``), with their defaults. A parameter's name
        here is read by the subcommand itself, not into :class:`Parameters`.
    specs : dict, optional
        ``{name: Spec}``: the range the subcommand reads those parameters with
        (checked in a ``--config`` file; give the name in ``extra_keys`` too).

    Returns
    -------
    (Parameters, dict)
        The parameters and the values of the extra keys.

    Raises
    ------
    ParameterError
        On an unknown key or a bad value.
    CLIError
        On a config file that cannot be read or has an unknown table.
    """
    flat: dict[str, Any] = {}
    if getattr(args, "config", None) is not None:
        for key, value in read_config(args.config, specs=specs).items():
            if key.startswith("_"):
                raise CLIError(
                    f"--config {str(args.config)!r}: unknown table [{key[1:]}]; "
                    f"allowed tables: {', '.join(GROUPS)} (or flat keys)"
                )
            _check_value(key, value, f"in {args.config}")
            flat[key] = value
    flat.update(parse_set(getattr(args, "set", [])))
    extras = dict(extra_keys or {})
    for key in list(flat):
        if key in extras:
            extras[key] = flat.pop(key)
    return Parameters.from_flat(flat), extras


def _writable_dir(d: Path) -> bool:
    return os.access(d, os.W_OK | os.X_OK)


def check_output_file(value: str, option: str = "--out") -> Path:
    """Refuse an output file that cannot be written, before any work is done.

    The file may exist (it is replaced atomically); its directory must exist
    and be writable.

    Raises
    ------
    CLIError
        One line naming ``option`` and the value.
    """
    if not str(value).strip():
        raise CLIError(f"{option} '': give a file name")
    out = Path(value)
    if out.is_dir() or str(value).endswith(os.sep):
        raise CLIError(f"{option} {str(value)!r} is a directory; give a file name")
    parent = out.parent
    if not parent.exists():
        raise CLIError(f"{option} {str(value)!r}: the directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise CLIError(f"{option} {str(value)!r}: {str(parent)!r} is not a directory")
    if not _writable_dir(parent):
        raise CLIError(f"{option} {str(value)!r}: the directory {str(parent)!r} is not writable")
    if out.exists() and not out.is_file():
        raise CLIError(f"{option} {str(value)!r} exists and is not a regular file")
    return out


def check_run_outputs(out_arg: str, checkpoint_arg: str | None = None) -> tuple[Path, Path]:
    """The output file of a run and its checkpoint, refused before any work if not writable.

    The checkpoint is ``checkpoint_arg`` (``--checkpoint``, which must not be the output
    file) or, by default, ``<out>.ckpt.npz`` beside the output (which, if it exists, must be
    a regular file).

    Raises
    ------
    CLIError
        One line naming the option and the value.
    """
    out = check_output_file(out_arg, "--out")
    if checkpoint_arg is not None:
        ckpt = check_output_file(checkpoint_arg, "--checkpoint")
        if ckpt.resolve() == out.resolve():
            raise CLIError(f"--checkpoint {checkpoint_arg!r} is not allowed: it is the --out file")
        return out, ckpt
    ckpt = out.with_name(out.name + ".ckpt.npz")
    if ckpt.exists() and not ckpt.is_file():
        raise CLIError(f"checkpoint {str(ckpt)!r} exists and is not a regular file")
    return out, ckpt


def check_output_dir(value: str, option: str = "--out") -> Path:
    """Refuse an output folder that cannot be made or written, before any work is done.

    A missing folder is fine if its nearest existing ancestor is a writable folder.

    Raises
    ------
    CLIError
        One line naming ``option`` and the value.
    """
    if not str(value).strip():
        raise CLIError(f"{option} '': give a folder name")
    out = Path(value)
    if out.exists():
        if not out.is_dir():
            raise CLIError(f"{option} {str(value)!r} exists and is not a folder")
        if not _writable_dir(out):
            raise CLIError(f"{option} {str(value)!r}: the folder is not writable")
        return out
    anc = out.absolute().parent
    while not anc.exists():
        anc = anc.parent
    if not anc.is_dir():
        raise CLIError(f"{option} {str(value)!r}: {str(anc)!r} is not a folder")
    if not _writable_dir(anc):
        raise CLIError(f"{option} {str(value)!r}: the folder {str(anc)!r} is not writable")
    return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def print_json(obj: Any) -> None:
    """Print ``obj`` as one JSON object (numpy values converted; NaN/inf as null)."""
    print(json.dumps(_jsonable(obj), indent=2))
