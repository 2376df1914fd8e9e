"""Helpers shared by the subcommands: parameters from --config/--set, JSON output."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import numpy as np

from ..params import Parameters, from_toml, parse_set

__all__ = ["CLIError", "add_param_args", "params_from_args", "print_json"]


class CLIError(Exception):
    """Bad command-line input that is not a parameter value (e.g. a missing file)."""


def add_param_args(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    """Add ``--config FILE``, ``--set key=value`` (repeatable) and ``--json``."""
    parser.add_argument("--config", metavar="FILE", help="TOML file with parameters")
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="set a parameter, e.g. --set delta_G=100 --set 'R_d=12 kpc' (repeatable)",
    )
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print one JSON object")


def params_from_args(
    args: argparse.Namespace, extra_keys: dict[str, Any] | None = None
) -> tuple[Parameters, dict[str, Any]]:
    """Build :class:`Parameters` from ``--config`` and ``--set`` (``--set`` wins).

    Parameters
    ----------
    extra_keys : dict
        Keys that are options of the subcommand rather than physical
        parameters (e.g. ``energy``), with their defaults.

    Returns
    -------
    (Parameters, dict)
        The parameters and the values of the extra keys.

    Raises
    ------
    ParameterError
        On an unknown key or a bad value.
    """
    flat: dict[str, Any] = {}
    if getattr(args, "config", None):
        flat.update({k: v for k, v in from_toml(args.config).items() if not k.startswith("_")})
    flat.update(parse_set(getattr(args, "set", [])))
    extras = dict(extra_keys or {})
    for key in list(flat):
        if key in extras:
            extras[key] = flat.pop(key)
    return Parameters.from_flat(flat), extras


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
