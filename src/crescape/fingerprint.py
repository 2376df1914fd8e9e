"""What a Python callable computes, as a short hash: for resume fingerprints of runs that call user code.

A sweep over a user's function, or a transport run whose D(z, p, t) or u(z, t) is a
user's function, must not resume from a checkpoint written by another version of
it. :func:`code_hash` hashes the bytecode, constants, names, defaults and closure
constants of a callable (recursively for the functions it holds), not its name or
where it is defined.
"""

from __future__ import annotations

import functools
import hashlib
import types
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["code_hash"]


def _code_parts(obj: Any, seen: set[int], depth: int = 0) -> list[str]:
    """What a callable computes with: bytecode, constants, names, defaults and closure values."""
    if depth > 20 or id(obj) in seen:
        return ["<recursion>"]
    seen.add(id(obj))
    if isinstance(obj, functools.partial):
        return [
            "partial",
            *_code_parts(obj.func, seen, depth + 1),
            *_value_parts(obj.args, seen, depth),
            *_value_parts(tuple(sorted(obj.keywords.items())), seen, depth),
        ]
    if isinstance(obj, types.MethodType):
        return ["method", *_code_parts(obj.__func__, seen, depth + 1)]
    if isinstance(obj, types.CodeType):
        parts = [obj.co_name, obj.co_code.hex(), repr(obj.co_names), repr(obj.co_varnames)]
        for c in obj.co_consts:
            parts += (
                _code_parts(c, seen, depth + 1)
                if isinstance(c, types.CodeType)
                else [type(c).__name__, repr(c)]
            )
        return parts
    code = getattr(obj, "__code__", None)
    if code is None:  # a callable object: the code of its class's __call__ and its state
        call = type(obj).__dict__.get("__call__") or getattr(type(obj), "__call__", None)  # noqa: B004
        state = getattr(obj, "__dict__", None)
        name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
        return [
            type(obj).__qualname__,
            f"{getattr(obj, '__module__', None) or ''}.{name}",
            *(_code_parts(call, seen, depth + 1) if call is not None else []),
            *(_value_parts(tuple(sorted(state.items())), seen, depth) if state else []),
        ]
    parts = _code_parts(code, seen, depth + 1)
    parts += _value_parts(getattr(obj, "__defaults__", None), seen, depth)
    kw = getattr(obj, "__kwdefaults__", None) or {}
    parts += _value_parts(tuple(sorted(kw.items(), key=lambda kv: kv[0])), seen, depth)
    for cell in getattr(obj, "__closure__", None) or ():
        try:
            parts += _value_parts(cell.cell_contents, seen, depth)
        except ValueError:  # an empty cell
            parts.append("<empty>")
    return parts


def _value_parts(v: Any, seen: set[int], depth: int) -> list[str]:
    """Hash material of a default or closure value: constants, arrays and functions.

    Mutable containers (lists, dicts, sets) and other objects are state, not
    constants (a counter, a cache, a switch): only their type enters.
    """
    if callable(v) and not isinstance(v, type):
        return _code_parts(v, seen, depth + 1)
    if v is None or isinstance(v, bool | int | float | complex | str | bytes | np.generic):
        return [type(v).__qualname__, repr(v)]
    unit = getattr(v, "unit", None)
    if unit is not None and hasattr(v, "value"):  # an astropy Quantity
        return ["Quantity", str(unit), *_value_parts(np.asarray(v.value), seen, depth)]
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "O":
            return [f"ndarray{v.shape}object", repr(v.tolist())]
        return [f"ndarray{v.shape}{v.dtype}", hashlib.sha256(np.ascontiguousarray(v)).hexdigest()]
    if isinstance(v, tuple | frozenset):
        items = list(v) if isinstance(v, tuple) else sorted(v, key=repr)
        return [type(v).__qualname__, *(p for x in items for p in _value_parts(x, seen, depth))]
    return [f"<{type(v).__qualname__}>"]


def code_hash(func: Callable[..., Any]) -> str:
    """A hash of what ``func`` computes: its bytecode and constants, defaults and closure constants.

    Two functions with the same name but a different body, constant, default
    or closed-over constant (number, string, tuple, array, Quantity, function)
    hash differently; the hash does not depend on comments or on where the
    function is defined. Mutable closure values (lists, dicts: counters,
    switches) and the functions it calls by global name enter by type and name
    only, not by content.

    Examples
    --------
    >>> def f(p, k=2.0):
    ...     return {"x": k}
    >>> def g(p, k=3.0):
    ...     return {"x": k}
    >>> g.__name__ = g.__qualname__ = "f"
    >>> code_hash(f) == code_hash(g), len(code_hash(f))
    (False, 16)
    """
    text = "\x1f".join(_code_parts(func, set()))
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()[:16]
