"""Quantity-checked public twins of the cgs physics functions.

The physics layer works on plain float64 arrays in cgs (the "lite" functions).
:func:`quantity_twin` wraps such a function into a public one that takes
astropy Quantities, converts them to cgs once, calls the lite function and
returns a Quantity, after the pattern of PlasmaPy's ``lite`` functions.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import astropy.units as u
import numpy as np

from .params import ParameterError

__all__ = ["quantity_twin", "to_cgs"]


def to_cgs(name: str, value: Any, unit: u.UnitBase) -> np.ndarray | float:
    """Convert a Quantity (or a plain number, taken as already cgs) to a cgs float array.

    Raises
    ------
    ParameterError
        If the unit does not match or the value is not finite.
    """
    if isinstance(value, u.Quantity):
        try:
            v = value.to_value(unit, equivalencies=u.dimensionless_angles())
        except u.UnitConversionError:
            raise ParameterError(
                f"{name} = {value} has the wrong unit; expected a quantity convertible to "
                f"{unit.to_string() or 'dimensionless'}"
            ) from None
    else:
        v = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(v)):
        raise ParameterError(f"{name} = {value} is not allowed: must be finite")
    return v


def quantity_twin(inputs: dict[str, u.UnitBase], output: u.UnitBase) -> Callable:
    """Decorator: build the unit-checked public function from a cgs function.

    Parameters
    ----------
    inputs : dict
        cgs unit of each argument of the lite function (by name).
    output : astropy unit
        cgs unit of the lite function's result.

    The public function is returned; the lite function stays reachable as
    ``public.lite``. Plain numbers passed to the public function are read as
    cgs values.
    """

    def wrap(lite: Callable) -> Callable:
        sig = inspect.signature(lite)

        @functools.wraps(lite)
        def public(*args: Any, **kwargs: Any) -> u.Quantity:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            cgs = {}
            for name, value in bound.arguments.items():
                unit = inputs.get(name)
                cgs[name] = to_cgs(name, value, unit) if unit is not None else value
            return u.Quantity(lite(**cgs), output)

        public.lite = lite
        public.__doc__ = (lite.__doc__ or "") + (
            "\n\n    This public form takes and returns astropy Quantities; "
            "``.lite`` is the cgs-float twin.\n"
        )
        return public

    return wrap
