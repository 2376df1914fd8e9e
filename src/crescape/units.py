"""Units at the public edge: one reader of "a number with a unit" and one validating decorator.

The rule (docs/units.md) is the same everywhere in crescape:

* an astropy Quantity is converted from its own unit (any compatible one);
* a plain number (or array) is read in the argument's **documented unit**
  (``R_d=10`` is 10 kpc, ``E=10`` is 10 GeV, ``T=1e6`` is 1e6 K);
* a string is parsed by astropy (``"12 kpc"``; a bare ``"12"`` is the documented unit);
* anything else (a wrong dimension, a boolean, a dimensionless Quantity for a
  dimensional argument, text that is no number) raises
  :class:`~crescape.errors.ParameterError` naming the argument and the value.

Temperatures also accept energies (``1 * u.keV``, :func:`astropy.units.temperature_energy`)
and frequencies accept wavelengths and photon energies (:func:`astropy.units.spectral`).

:func:`parse_quantity` implements the reading, once; :func:`quantity_twin` turns a
cgs function of the physics layer (the "lite" form) into its public form, after
PlasmaPy's ``validate_quantities`` decorator and ``lite`` twins.

Examples
--------
>>> import astropy.units as u
>>> parse_quantity(10, u.kpc, "R_d")
<Quantity 10. kpc>
>>> parse_quantity("2 keV", u.K, "T").to(u.MK).round(2)
<Quantity 23.21 MK>
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import astropy.units as u
import numpy as np

from . import constants as C
from .errors import ParameterError

__all__ = ["parse_quantity", "equivalencies_for", "quantity_twin", "to_cgs"]

_dimless = u.dimensionless_unscaled


def _unit_text(unit: u.UnitBase) -> str:
    return unit.to_string() or "dimensionless"


#: statA per A: 1 A = c/10 statA, c in cm/s (Gaussian units; Jackson, Classical
#: Electrodynamics, 3rd ed., Appendix, Table 3)
_STATA_PER_A = C.c / 10.0
_STATA_CM2 = u.statA / u.cm**2


def _gaussian_current() -> list:
    """SI currents and current densities to Gaussian (esu) ones, which astropy keeps apart."""
    return [
        (u.A, u.statA, lambda x: x * _STATA_PER_A, lambda x: x / _STATA_PER_A),
        (
            u.A / u.m**2,
            _STATA_CM2,
            lambda x: x * 1e-4 * _STATA_PER_A,
            lambda x: x / (1e-4 * _STATA_PER_A),
        ),
    ]


def equivalencies_for(unit: u.UnitBase) -> list:
    """The equivalencies allowed when converting to ``unit``.

    Temperatures accept energies (k_B T), frequencies accept wavelengths and
    photon energies, Gaussian currents and current densities (statA, statA/cm2)
    accept SI ones (A, A/m2); angles may be dropped (rad/s to 1/s) everywhere.
    """
    eq = list(u.dimensionless_angles())
    ptype = unit.physical_type
    if ptype == "temperature":
        eq += u.temperature_energy()
    elif ptype == "frequency":
        eq += u.spectral()
    elif unit.is_equivalent(u.statA) or unit.is_equivalent(_STATA_CM2):
        eq += _gaussian_current()
    return eq


def _is_bool(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return True
    return isinstance(value, np.ndarray) and value.dtype == bool


def parse_quantity(value: Any, unit: Any, name: str = "value") -> u.Quantity:
    """Read a value as a Quantity in ``unit``: the one reader of "a number with a unit".

    Parameters
    ----------
    value : Quantity, float, array, sequence of Quantities or str
        Plain numbers are in ``unit``; strings are parsed by astropy
        (``"12 kpc"``, or ``"12"`` for 12 in ``unit``).
    unit : astropy unit or str
        The documented unit of the argument.
    name : str
        The argument's name, for the error message.

    Returns
    -------
    astropy.units.Quantity
        ``value`` converted to ``unit`` (float64). Finiteness and ranges are
        the caller's to check.

    Raises
    ------
    ParameterError
        For a boolean, text that is not a number with an optional unit, a
        dimensionless Quantity where a dimension is needed, or a wrong dimension.
    """
    unit = u.Unit(unit)
    if _is_bool(value):
        raise ParameterError(
            f"{name} = {value!r} is not allowed: must be a number (in {_unit_text(unit)}), "
            "not a boolean"
        )
    if isinstance(value, str):
        text = value.strip()
        try:
            q = u.Quantity(text)
        except (TypeError, ValueError):
            example = f"'1 {unit.to_string()}'" if unit != _dimless else "'1'"
            raise ParameterError(
                f"{name} = {value!r} cannot be read as a number with an optional unit; "
                f"expected e.g. {example}"
            ) from None
        if q.unit == _dimless:
            q = q.value * unit
    elif isinstance(value, u.Quantity):
        q = value
    else:
        try:
            q = np.asarray(value, dtype=float) * unit
        except (TypeError, ValueError):
            try:
                q = u.Quantity(value)  # a sequence of Quantities
            except (TypeError, ValueError):
                raise ParameterError(
                    f"{name} = {value!r} is not a number (expected a value in {_unit_text(unit)})"
                ) from None
    if q.unit == _dimless and unit != _dimless and isinstance(value, u.Quantity):
        raise ParameterError(
            f"{name} = {value} is a dimensionless Quantity; expected a quantity convertible to "
            f"{_unit_text(unit)} (or a plain number in {_unit_text(unit)})"
        )
    try:
        return q.to(unit, equivalencies=equivalencies_for(unit))
    except u.UnitConversionError:
        raise ParameterError(
            f"{name} = {value} has the wrong unit ({_unit_text(q.unit)}); expected a quantity "
            f"convertible to {_unit_text(unit)}"
        ) from None


def to_cgs(name: str, value: Any, unit: Any, allow_inf: bool = False) -> np.ndarray:
    """:func:`parse_quantity` to ``unit`` as a finite float array (plain numbers are in ``unit``).

    ``allow_inf`` lets +inf through (for an upper bound that may be absent).

    Raises
    ------
    ParameterError
        If the unit does not match or the value is not finite.
    """
    q = parse_quantity(value, unit, name)
    v = np.asarray(q.value, dtype=float)
    ok = np.isfinite(v) | (allow_inf & (v == np.inf))
    if not np.all(ok):
        raise ParameterError(
            f"{name} = {q} is not allowed: must be finite" + (" or +inf" if allow_inf else "")
        )
    return v


def _as_pair(spec: Any) -> tuple[u.UnitBase, u.UnitBase]:
    if isinstance(spec, tuple):
        doc, cgs = spec
        return u.Unit(doc), u.Unit(cgs)
    unit = u.Unit(spec)
    return unit, unit


def quantity_twin(inputs: Mapping[str, Any], output: Any) -> Callable:
    """Decorator: the validated public function of a cgs ("lite") function.

    Parameters
    ----------
    inputs : mapping
        For each argument of the lite function that carries a unit, either its
        unit (documented and cgs unit are the same) or a pair
        ``(documented unit, cgs unit)``: the lite function receives the value in
        the cgs unit, a plain number given to the public function is read in the
        documented unit. Arguments not listed are passed through unchanged.
    output : astropy unit
        The cgs unit of the lite function's result.

    Returns
    -------
    callable
        The public function: it reads every listed argument with
        :func:`parse_quantity`, rejects non-finite values, and only then calls
        the lite function; its result is a Quantity in ``output`` (a dict of
        them if the lite function returns a dict). ``None`` is passed through. The lite
        function stays reachable as ``public.lite``, the documented units as
        ``public.units``.
    """
    pairs = {name: _as_pair(spec) for name, spec in inputs.items()}
    factors = {name: doc.to(cgs) for name, (doc, cgs) in pairs.items()}
    out_unit = u.Unit(output)

    def wrap(lite: Callable) -> Callable:
        sig = inspect.signature(lite)
        unknown = set(pairs) - set(sig.parameters)
        if unknown:
            raise TypeError(f"{lite.__name__} has no argument(s) {', '.join(sorted(unknown))}")

        # an argument whose cgs default is +inf ("no cutoff") may be given as +inf
        open_ended = {
            n
            for n, p in sig.parameters.items()
            if isinstance(p.default, float) and p.default == np.inf
        }

        @functools.wraps(lite)
        def public(*args: Any, **kwargs: Any) -> u.Quantity:
            bound = sig.bind(*args, **kwargs)  # defaults stay the lite function's (cgs)
            cgs = dict(bound.arguments)
            for name, (doc, _cgs) in pairs.items():
                if name not in cgs or cgs[name] is None:
                    continue
                v = to_cgs(name, cgs[name], doc, allow_inf=name in open_ended)
                cgs[name] = v * factors[name] if factors[name] != 1.0 else v
            result = lite(**cgs)
            if isinstance(result, dict):
                return {key: u.Quantity(val, out_unit) for key, val in result.items()}
            return u.Quantity(result, out_unit)

        public.lite = lite
        public.units = {name: doc for name, (doc, _c) in pairs.items()}
        listed = ", ".join(f"{n} [{_unit_text(d)}]" for n, (d, _c) in pairs.items())
        public.__doc__ = (lite.__doc__ or "").rstrip() + (
            "\n\n    Public form: arguments are Quantities of any compatible unit, or plain "
            f"numbers in the documented units {listed} (docs/units.md); the result is a "
            f"Quantity in {_unit_text(out_unit)}. ``.lite`` is the cgs-float twin.\n"
        )
        return public

    return wrap
