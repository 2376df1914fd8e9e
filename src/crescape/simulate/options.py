"""Options of the simulation runs (transport and coupled), read by the one rule of :mod:`crescape.params`.

A run's options are tables of :class:`crescape.params.Spec` (``{table: {key: Spec}}``):
each key's kind, documented unit, cgs unit, default, allowed range and meaning, written
once. This module reads them for both configuration files, the transport's
(:mod:`crescape.simulate.config`, tables ``[grid]``, ``[momentum]``, ...) and the
coupled run's (:mod:`crescape.simulate.cgm_config`, table ``[simulation]``):

* :func:`option` makes a Spec for an option (a number with a unit, an integer, a
  boolean or a choice; ``default=None`` or ``inf`` means "off" or "automatic" and is
  kept as it is unless a value is given);
* :func:`read_table` checks a table (unknown keys, types, units, ranges) and returns
  every key with its default filled in, quantities as floats in the cgs unit;
* :func:`load` reads a TOML file strictly with :func:`crescape.params.load_toml`
  (unknown tables and keys, keys given twice and booleans for numbers are errors
  naming the file and the key) and applies ``--set`` overrides: ``table.key=value``
  for an option, ``name=value`` or ``group.name=value`` for a physical parameter, and,
  for a file with one table of options, a bare option name.

Values are written as in :mod:`crescape.params`: a plain number is in the documented
unit, a string may carry a unit (``"200 kpc"``), ``--set`` values are read as TOML
values when they are one (``100`` an integer, ``true`` a boolean) and as text
otherwise (``5 Myr``).
"""

from __future__ import annotations

import importlib
import math
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import astropy.units as u

from ..params import GROUPS, SPECS, ParameterError, Parameters, Spec, load_toml, parse_value

__all__ = ["option", "read_table", "load", "override_value", "describe_options", "user_function"]

_dimless = u.dimensionless_unscaled


def option(
    table: str,
    name: str,
    default: Any,
    unit: Any = None,
    cgs: Any = None,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    choices: tuple = (),
    kind: str | None = None,
    doc: str = "",
) -> Spec:
    """A :class:`~crescape.params.Spec` for an option of ``[table]``.

    ``kind`` defaults to ``"integer"`` for an int default, ``"boolean"`` for a bool
    default, a choice when ``choices`` are given, else a quantity in ``unit``
    (dimensionless if None) stored in ``cgs`` (default: ``unit``).
    """
    if kind is None:
        if isinstance(default, bool):
            kind = "boolean"
        elif isinstance(default, int) and not choices:
            kind = "integer"
        else:
            kind = "quantity"
    if kind == "quantity" and not choices:
        unit = _dimless if unit is None else unit
        cgs = unit if cgs is None else cgs
    return Spec(name, table, unit, cgs, default, low, high, low_open, high_open, doc, choices, kind)


def _is_off(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isinf(value))


def read_value(table: str, spec: Spec, value: Any) -> Any:
    """One option value, checked; a quantity as a float in the cgs unit."""
    try:
        v = parse_value(spec, value)
    except ParameterError:
        raise ParameterError(
            f"{table}.{spec.name} = {value!r} is not allowed: must be {spec.allowed()}"
        ) from None
    if isinstance(v, u.Quantity):
        if v.ndim != 0:  # an option is one value (a parameter study is a sweep)
            raise ParameterError(
                f"{table}.{spec.name} = {value!r} is not allowed: must be one value, "
                f"{spec.allowed()}"
            )
        return float(v.to_value(spec.cgs))
    return v


def read_table(
    table: str, schema: Mapping[str, Spec], given: Mapping[str, Any] | None, skip=()
) -> dict[str, Any]:
    """Every key of ``[table]``: the given value or the default, checked and converted to cgs.

    Parameters
    ----------
    table : str
        The table's name (in messages: ``table.key = value is not allowed: ...``).
    schema : mapping of key to Spec
    given : mapping
        The keys the user gave.
    skip : iterable of str
        Keys the caller reads itself (returned as given, or absent).

    Raises
    ------
    ParameterError
        An unknown key, a value of the wrong kind or unit, or out of range.
    """
    given = dict(given or {})
    for key in given:
        if key not in schema:
            raise ParameterError(
                f"{table}.{key} = {given[key]!r} is not allowed: unknown key; "
                f"the keys of [{table}] must be among {', '.join(schema)}"
            )
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        if key in skip:
            if key in given:
                out[key] = given[key]
            continue
        if key not in given and _is_off(spec.default):
            out[key] = spec.default
            continue
        out[key] = read_value(table, spec, given.get(key, spec.default))
    return out


def override_value(value: Any) -> Any:
    """A ``--set`` value: a TOML value if it reads as one (100, 0.5, true, [..]), else the text."""
    if not isinstance(value, str):
        return value
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value.strip()


def load(
    path,
    overrides: Mapping[str, Any] | None,
    schemas: Mapping[str, Mapping[str, Spec]],
    skip: Mapping[str, tuple] | None = None,
) -> tuple[Parameters, dict[str, dict[str, Any]]]:
    """(Parameters, ``{table: {key: value as given}}``) from a TOML file and ``--set`` overrides.

    Parameters
    ----------
    path : path-like or None
        The TOML file (None: defaults and overrides only).
    overrides : mapping
        ``--set`` keys and values (see the module docstring); they win over the file.
    schemas : mapping of table name to ``{key: Spec}``
        The option tables the file may hold.
    skip : mapping of table name to keys
        Keys whose values the caller checks itself (e.g. a number or a keyword).

    Raises
    ------
    ParameterError
        Naming the file (or ``--set``) and the key.
    """
    skip = dict(skip or {})
    data = load_toml(path, tables=list(schemas)) if path is not None else {}
    tables = {}
    for t in [t for t in data if t in schemas]:
        table = data.pop(t)
        if not isinstance(table, dict):
            raise ParameterError(f"{path}: [{t}] = {table!r} is not allowed: must be a table")
        try:  # checked here, so that the message names the file
            read_table(t, schemas[t], table, skip=skip.get(t, ()))
        except ParameterError as exc:
            raise ParameterError(f"{path}: {exc}") from None
        tables[t] = dict(table)
    phys = dict(data)
    sole = next(iter(schemas)) if len(schemas) == 1 else None
    for key, value in (overrides or {}).items():
        key = str(key).strip()
        head, dot, name = key.partition(".")
        if dot and head in schemas:
            if not name or name not in schemas[head]:
                raise ParameterError(
                    f"--set {key}={value}: unknown key {name!r} of [{head}]; "
                    f"its keys are {', '.join(schemas[head])}"
                )
            tables.setdefault(head, {})[name] = override_value(value)
        elif not dot and sole is not None and key in schemas[sole]:
            tables.setdefault(sole, {})[key] = override_value(value)
        elif dot and head not in GROUPS:
            raise ParameterError(
                f"--set {key}={value}: unknown table {head!r}; the tables are "
                f"{', '.join(schemas)} for the options and {', '.join(GROUPS)} for the "
                "physical parameters"
            )
        else:
            pname = name if dot else head
            if pname not in SPECS:
                raise ParameterError(
                    f"--set {key}={value}: unknown key {pname!r}; the options are "
                    + "; ".join(f"[{t}] {', '.join(s)}" for t, s in schemas.items())
                    + f"; the physical parameters {', '.join(SPECS)}"
                )
            v = override_value(value)
            if isinstance(v, bool):
                raise ParameterError(
                    f"--set {key}={value} is not allowed: must be {SPECS[pname].allowed()}"
                )
            phys = {k: x for k, x in phys.items() if k.split(".", 1)[-1] != pname}
            phys[pname] = value
    return Parameters.from_flat(phys), tables


def describe_options(schemas: Mapping[str, Mapping[str, Spec]]) -> list:
    """One :class:`crescape.params.ParamRow` per option (group = its table), for listings."""
    from ..params import ParamRow

    rows = []
    for t, schema in schemas.items():
        for k, s in schema.items():
            unit = "" if s.unit in (None, _dimless) or s.choices else s.unit.to_string()
            rows.append(ParamRow(k, t, unit, s.default, s.allowed(), s.doc))
    return rows


def user_function(table: str, key: str, ref: Any, base_dir=None):
    """The callable named by ``"module:function"`` (a user's D, u, Q or inlet flux).

    ``module`` is an importable module or a ``.py`` file name (``"wind.py:u"`` or
    ``"wind:u"``), looked up first in ``base_dir`` (the directory of the
    configuration file), then on ``sys.path``.

    Raises
    ------
    ParameterError
        ``table.key = ref is not allowed: ...`` if it is not of that form, the module
        cannot be imported or has no such callable.
    """

    def bad(why):
        return ParameterError(
            f"{table}.{key} = {ref!r} is not allowed: must be 'module:function' naming a "
            f"callable ({why})"
        )

    if not isinstance(ref, str) or ref.count(":") != 1:
        raise bad("not of that form")
    mod_name, func_name = (x.strip() for x in ref.split(":"))
    if mod_name.endswith(".py"):
        mod_name = mod_name[:-3]
    if not mod_name or not func_name:
        raise bad("not of that form")
    added = None
    if base_dir is not None and (Path(base_dir) / f"{mod_name}.py").is_file():
        added = str(Path(base_dir).resolve())
        sys.path.insert(0, added)
    try:
        module = importlib.import_module(mod_name)
    except Exception as exc:  # the user's module may fail in any way
        raise bad(f"cannot import {mod_name!r}: {type(exc).__name__}: {exc}") from None
    finally:
        if added is not None and added in sys.path:
            sys.path.remove(added)
    func = getattr(module, func_name, None)
    if not callable(func):
        raise bad(f"module {mod_name!r} has no callable {func_name!r}")
    return func
