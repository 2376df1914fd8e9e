"""Parameter sweeps from a laptop to a cluster: any crescape product over a grid, with Dask.

:func:`sweep` evaluates a *product* (the analytic chain, the neutrino spectrum,
the dispersion-relation maxima, or any function of :class:`~crescape.params.Parameters`)
over a *grid* (a product of axes, or a table of points) and returns an
:class:`xarray.Dataset` with the parameters as coordinates and the units and
provenance in the attributes.

Engine
    ``dask.distributed``. With ``scheduler=None`` a :class:`~distributed.LocalCluster`
    sized to the machine (one single-threaded worker process per core) is started
    and closed again; ``scheduler="tcp://host:port"`` (or the environment variable
    ``DASK_SCHEDULER_ADDRESS``) sends the same sweep to an existing cluster;
    ``scheduler="serial"`` runs in this process (no Dask). A vectorised product
    with at most :data:`SERIAL_BELOW` points runs serially when no scheduler is
    given: it takes less time than starting a cluster (see ``benchmarks/bench_sweep.py``).
Chunks
    The points are numbered in C order of the grid and cut into contiguous chunks;
    one task evaluates one chunk. Vectorised products (the analytic chain) get
    one numpy call per chunk, so chunks are large (up to :data:`MAX_CHUNK` points).
Output
    With ``out="sweep.zarr"`` each finished chunk is written to the zarr store as it
    arrives (by the client, the only writer): the data variables first, then the
    ``status`` flags of its points. A crash loses at most the chunks in flight.
    The store is flat (dimension ``point`` plus any output dimensions), with the
    swept parameters as coordinates along ``point`` (with ``units``) and the fixed
    ones in the attributes of :meth:`~crescape.params.Parameters.as_attrs`, as in
    every crescape file; its consolidated metadata is kept current, so a plain
    ``xr.open_zarr(path)`` opens it. :func:`open_sweep` returns it reshaped on the grid.
Resume
    ``resume=True`` reopens the store, checks that it was made by the same sweep,
    and computes only the chunks that hold points without a ``status`` of done.
    Writes are by point index, so a chunk computed twice (a worker killed after
    finishing it, Dask's retry) overwrites identical numbers: nothing is lost or
    duplicated.
Failures
    A chunk whose vectorised evaluation raises is evaluated point by point, so
    only the points that fail are marked failed (``status == 2``) and their
    errors are kept (``attrs["failures"]``, a JSON list) and reported
    (:class:`SweepFailureWarning`); they are never hidden.

Examples
--------
>>> import numpy as np
>>> from crescape.analysis.sweep import sweep
>>> ds = sweep("chain", {"delta_G": [1, 10, 100], "L_CR": ["1e40 erg/s", "1e41 erg/s"]},
...            outputs=["v_A_amplified", "neutrino_E2_flux"], scheduler="serial", progress=False)
>>> ds["v_A_amplified"].dims
('delta_G', 'L_CR')
>>> ds["v_A_amplified"].attrs["units"]
'km / s'
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import math
import os
import platform
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import astropy.units as u
import numpy as np
import xarray as xr

from ..fingerprint import code_hash
from ..params import SPECS, ParameterError, Parameters, Spec, parse_value

__all__ = [
    "sweep",
    "Grid",
    "Axis",
    "Product",
    "ChainProduct",
    "NeutrinoSpectrumProduct",
    "DispersionProduct",
    "FunctionProduct",
    "PRODUCTS",
    "make_product",
    "open_sweep",
    "sweep_status",
    "parameter_attrs",
    "read_spec",
    "SweepSpecError",
    "SweepFailureWarning",
    "STATUS_MISSING",
    "STATUS_DONE",
    "STATUS_FAILED",
]

#: status flags of a point in the store
STATUS_MISSING, STATUS_DONE, STATUS_FAILED = 0, 1, 2
#: largest chunk of a vectorised product (points per task)
MAX_CHUNK = 200_000
#: largest chunk of a point-by-point product
MAX_CHUNK_SCALAR = 256
#: a vectorised sweep this small runs in-process when no scheduler is given
SERIAL_BELOW = 20_000
#: how many failures are kept with their parameters and traceback line
MAX_FAILURES_KEPT = 1000
#: largest sweep (points of the grid): the coordinates of every point are held in memory
MAX_POINTS = 100_000_000
#: seconds to wait for a scheduler (connection and handshake) and for its first worker
DEFAULT_TIMEOUT = 30.0
#: schemes of a Dask scheduler address
SCHEDULER_SCHEMES = ("tcp", "tls", "inproc", "ucx", "ws", "wss")

_FORMAT = "crescape-sweep/1"


class SweepSpecError(ParameterError):
    """A sweep specification is not valid (unknown parameter, empty axis, bad unit, ...)."""


class SweepFailureWarning(UserWarning):
    """Some points of a sweep failed; the warning says how many and why."""


# ----------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Axis:
    """One swept parameter.

    Attributes
    ----------
    name : str
        A parameter of :data:`crescape.params.SPECS` or an evaluation variable of
        the product (e.g. ``energy`` for the chain).
    values : numpy.ndarray
        Float values in ``unit`` (or strings for a choice parameter such as ``cutoff``).
    unit : str
        The parameter's documented unit ('' for dimensionless and choices).
    """

    name: str
    values: np.ndarray
    unit: str

    @property
    def is_choice(self) -> bool:
        return self.values.dtype.kind in "OUS"


def _spec_for(name: str, extra: Mapping[str, Spec]) -> Spec:
    if name in extra:
        return extra[name]
    key = name.split(".", 1)[1] if "." in name else name
    if key in SPECS:
        return SPECS[key]
    known = ", ".join([*SPECS, *extra])
    raise SweepSpecError(f"unknown parameter {name!r} in the sweep grid; known parameters: {known}")


def _expand_axis(name: str, raw: Any) -> list[Any] | np.ndarray | u.Quantity:
    """Turn an axis description (list, array, Quantity or range dict) into a list of values."""
    if isinstance(raw, Mapping):
        if "values" in raw:
            return _expand_axis(name, raw["values"])
        missing = [k for k in ("start", "stop", "num") if k not in raw]
        if missing:
            raise SweepSpecError(
                f"axis {name!r} = {dict(raw)!r} is not allowed: a range needs 'start', 'stop' and "
                f"'num' (missing {', '.join(missing)}), or give 'values'"
            )
        unknown = set(raw) - {"start", "stop", "num", "scale", "log", "unit"}
        if unknown:
            raise SweepSpecError(
                f"axis {name!r}: unknown keys {sorted(unknown)}; allowed: start, stop, num, scale, unit"
            )
        num = raw["num"]
        if not isinstance(num, int | np.integer) or isinstance(num, bool) or num < 1:
            raise SweepSpecError(
                f"axis {name!r}: num = {num!r} is not allowed: must be an integer >= 1"
            )
        if num > MAX_POINTS:
            raise SweepSpecError(
                f"axis {name!r}: num = {num} is not allowed: must be <= {MAX_POINTS:.0e} "
                "(split the sweep)"
            )
        scale = raw.get("scale", "log" if raw.get("log", False) else "linear")
        if scale not in ("linear", "log"):
            raise SweepSpecError(
                f"axis {name!r}: scale = {scale!r} is not allowed: must be 'linear' or 'log'"
            )
        unit = raw.get("unit")
        try:
            lo, hi = (
                u.Quantity(raw[k]) if isinstance(raw[k], str) else raw[k] for k in ("start", "stop")
            )
            if unit is not None:
                lo, hi = u.Quantity(lo, unit), u.Quantity(hi, unit)
            lo, hi = u.Quantity(lo), u.Quantity(hi)
            hi = hi.to(lo.unit)
        except (TypeError, ValueError, u.UnitsError) as exc:
            raise SweepSpecError(
                f"axis {name!r}: start/stop {raw['start']!r}, {raw['stop']!r} cannot be read: {exc}"
            ) from None
        if scale == "log":
            if lo.value <= 0 or hi.value <= 0:
                raise SweepSpecError(
                    f"axis {name!r}: a log range needs start and stop > 0 (got {lo}, {hi})"
                )
            vals = np.geomspace(lo.value, hi.value, num)
        else:
            vals = np.linspace(lo.value, hi.value, num)
        # plain numbers are read in the parameter's documented unit
        return vals if lo.unit == u.dimensionless_unscaled else vals * lo.unit
    if isinstance(raw, str | bytes) or np.ndim(raw) == 0:
        return [raw]
    return raw


def _parse_axis(name: str, raw: Any, extra: Mapping[str, Spec]) -> Axis:
    spec = _spec_for(name, extra)
    vals = _expand_axis(name, raw)
    if len(vals) == 0:
        raise SweepSpecError(f"axis {name!r} is empty: give at least one value")
    if spec.choices:
        for v in vals:
            try:
                parse_value(spec, v)
            except ParameterError as exc:
                raise SweepSpecError(f"axis {name!r}: {exc}") from None
        return Axis(spec.name, np.array([str(v) for v in vals], dtype=object), "")
    try:
        if isinstance(vals, u.Quantity) or all(not isinstance(v, str | u.Quantity) for v in vals):
            q = parse_value(spec, vals)
        else:
            q = u.Quantity([parse_value(spec, v) for v in vals])
    except ParameterError as exc:
        raise SweepSpecError(f"axis {name!r}: {exc}") from None
    arr = np.atleast_1d(np.asarray(q.to_value(spec.unit), dtype=float))
    if arr.ndim != 1:
        raise SweepSpecError(f"axis {name!r} must be one-dimensional (got shape {arr.shape})")
    unit = "" if spec.unit in (None, u.dimensionless_unscaled) else spec.unit.to_string()
    return Axis(spec.name, arr, unit)


class Grid:
    """The points of a sweep: a product of axes or a table of points, plus fixed parameters.

    Parameters
    ----------
    axes : mapping, optional
        ``{name: values}`` for a product grid (C order: the last axis varies fastest).
        Values are a list (numbers in the documented unit, strings with units,
        Quantities), an array, a Quantity array, or a range
        ``{"start": ..., "stop": ..., "num": n, "scale": "log"|"linear"}``.
    points : mapping or astropy Table, optional
        ``{name: column}`` with columns of equal length: a table of points.
    fixed : mapping, optional
        Parameters held fixed (flat names, values as for ``Parameters.from_flat``).
    extra : mapping, optional
        Evaluation variables of the product that may also be axes (name → Spec).

    Raises
    ------
    SweepSpecError
        On an unknown parameter, an empty axis, a bad unit or value, unequal columns,
        a parameter both swept and fixed, or neither/both of ``axes`` and ``points``.
    """

    def __init__(
        self,
        axes: Mapping[str, Any] | None = None,
        points: Any = None,
        fixed: Mapping[str, Any] | None = None,
        extra: Mapping[str, Spec] | None = None,
    ):
        extra = dict(extra or {})
        if (axes is None) == (points is None):
            raise SweepSpecError(
                "a sweep grid needs exactly one of 'axes' (a product) or 'points' (a table)"
            )
        self.kind = "product" if axes is not None else "points"
        source = axes if axes is not None else _columns(points)
        if not source:
            raise SweepSpecError(
                f"the sweep grid has no {'axes' if axes is not None else 'columns'}: give at least one parameter"
            )
        self.axes: list[Axis] = [_parse_axis(k, v, extra) for k, v in source.items()]
        names = [a.name for a in self.axes]
        if len(set(names)) != len(names):
            raise SweepSpecError(f"a parameter appears twice in the sweep grid: {names}")
        if self.kind == "points":
            lengths = {a.name: len(a.values) for a in self.axes}
            if len(set(lengths.values())) != 1:
                raise SweepSpecError(
                    f"the columns of a table of points must have equal lengths; got {lengths}"
                )
        size = math.prod(len(a.values) for a in self.axes) if self.kind == "product" else 0
        if size > MAX_POINTS:
            raise SweepSpecError(
                f"the sweep grid has {size:.3g} points ("
                + " x ".join(f"{a.name}: {len(a.values)}" for a in self.axes)
                + f"); at most {MAX_POINTS:.0e} are allowed (split the sweep)"
            )
        self.fixed: dict[str, Any] = {}
        self.fixed_extra: dict[str, Any] = {}
        for key, value in (fixed or {}).items():
            name = key.split(".", 1)[1] if "." in key else key
            if name in names:
                raise SweepSpecError(
                    f"parameter {name!r} is both swept and fixed; remove it from one of them"
                )
            if name in extra:
                self.fixed_extra[name] = parse_value(extra[name], value)
            elif name in SPECS:
                if isinstance(value, list | tuple | dict) or np.ndim(
                    getattr(value, "value", value)
                ):
                    raise SweepSpecError(
                        f"fixed parameter {key!r} = {value!r} is not allowed: must be one value "
                        "(to vary it, give it as an axis)"
                    )
                self.fixed[name] = value
            else:
                raise SweepSpecError(
                    f"unknown fixed parameter {key!r}; known parameters: {', '.join([*SPECS, *extra])}"
                )
        try:
            base = Parameters.from_flat(self.fixed)
        except ParameterError as exc:
            raise SweepSpecError(f"fixed parameters: {exc}") from None
        self.fixed = {k: _plain(v) for k, v in base.as_dict().items() if k in self.fixed}
        self.fixed_extra = {
            k: float(v.to_value(extra[k].unit)) for k, v in self.fixed_extra.items()
        }
        self.extra = extra

    # --- shape ------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [a.name for a in self.axes]

    @property
    def shape(self) -> tuple[int, ...]:
        if self.kind == "product":
            return tuple(len(a.values) for a in self.axes)
        return (len(self.axes[0].values),)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def values_at(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """Parameter values (documented units) at flat point indices."""
        index = np.asarray(index)
        if self.kind == "points":
            return {a.name: a.values[index] for a in self.axes}
        sub = np.unravel_index(index, self.shape)
        return {a.name: a.values[i] for a, i in zip(self.axes, sub, strict=True)}

    def parameters_at(self, i: int) -> dict[str, Any]:
        """All parameters of one point (fixed and swept), JSON-friendly."""
        vals = self.values_at(np.array([i]))
        return {**self.fixed, **self.fixed_extra, **{k: _plain(v[0]) for k, v in vals.items()}}

    # --- serialisation ------------------------------------------------------------------
    def to_spec(self) -> dict[str, Any]:
        """A JSON-friendly description (the values in documented units)."""
        key = "axes" if self.kind == "product" else "points"
        return {
            "kind": self.kind,
            key: {a.name: [_plain(v) for v in a.values] for a in self.axes},
            "units": {a.name: a.unit for a in self.axes},
            "fixed": self.fixed | self.fixed_extra,
        }


def _columns(points: Any) -> dict[str, Any]:
    if hasattr(points, "colnames"):  # astropy Table
        return {c: points[c] for c in points.colnames}
    if hasattr(points, "to_dict") and hasattr(points, "columns"):  # pandas
        return {c: np.asarray(points[c]) for c in points.columns}
    if isinstance(points, Mapping):
        return dict(points)
    raise SweepSpecError(
        f"points = {type(points).__name__} is not allowed: give a mapping of columns or a Table"
    )


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


# ----------------------------------------------------------------------------- products


class Product:
    """Something a sweep evaluates. Subclasses define :meth:`evaluate`.

    Attributes
    ----------
    name : str
    vectorized : bool
        :meth:`evaluate` takes 1-D arrays of parameters (one chunk) at once.
    variables : dict
        Evaluation variables (name → Spec) that may be grid axes besides the parameters.
    scalar_params : tuple of str
        Parameters that must be one value per call: a chunk is split into groups
        with equal values of these before :meth:`evaluate` is called.
    """

    name = "product"
    vectorized = True
    variables: dict[str, Spec] = {}
    scalar_params: tuple[str, ...] = ("cutoff",)

    def evaluate(
        self, params: Parameters, variables: dict[str, np.ndarray], n: int
    ) -> dict[str, Any]:
        """Evaluate ``n`` points; return ``{name: Quantity or array}`` with leading dimension ``n``."""
        raise NotImplementedError

    def output_dims(self) -> dict[str, tuple[str, np.ndarray, str]]:
        """Output dimensions beyond ``point``: ``{dim: (dim, coordinate values, unit)}``."""
        return {}

    def output_attrs(self, name: str) -> dict[str, str]:
        """Attributes (description, equation) of one output."""
        return {}

    def describe(self) -> dict[str, Any]:
        """JSON-friendly description for the provenance and the resume check."""
        return {"product": self.name}


class ChainProduct(Product):
    """The analytic chain of :class:`crescape.model.EscapeModel` (Eqs. 1-17).

    Parameters
    ----------
    outputs : sequence of str, optional
        Quantities of :data:`crescape.model.QUANTITIES` (default: all).
    energy : Quantity or float in GeV
        CR energy of the energy-dependent quantities (also an axis: ``energy``).
    """

    name = "chain"
    scalar_params = ("cutoff",)

    def __init__(self, outputs: Sequence[str] | None = None, energy: Any = 1.0 * u.GeV):
        from ..model import ENERGY_SPEC, QUANTITIES

        self.variables = {"energy": ENERGY_SPEC}
        if isinstance(outputs, str):
            outputs = [outputs]
        names = list(outputs) if outputs else [q for q in QUANTITIES if q != "energy"]
        bad = [q for q in names if q not in QUANTITIES]
        if bad:
            raise SweepSpecError(f"unknown chain output(s) {bad}; known: {', '.join(QUANTITIES)}")
        self.outputs = names
        self.energy = float(parse_value(ENERGY_SPEC, energy).to_value(u.GeV))

    def evaluate(self, params, variables, n):
        from ..model import EscapeModel

        energy = variables.get("energy", self.energy)
        m = EscapeModel.from_params(params, energy=np.broadcast_to(energy, (n,)) * u.GeV)
        return {q: np.broadcast_to(m[q], (n,), subok=True) for q in self.outputs}

    def output_attrs(self, name):
        from ..model import QUANTITIES

        info = QUANTITIES[name]
        return {"long_name": info.description, "equation": info.equation}

    def describe(self):
        return {"product": self.name, "outputs": self.outputs, "energy_GeV": self.energy}


class NeutrinoSpectrumProduct(Product):
    """E_ν² F_ν of the CGM at given neutrino energies.

    ``model="eq17"``: :func:`crescape.model.neutrino_E2_flux` (Eqs. 16-17,
    δ-function approximation; ``convention`` 'paper' or 'eq16'), vectorised.
    ``model="full"``: :class:`crescape.spectra.CGMEmission` (KAB06 pp spectra,
    oscillations, halo geometry), point by point; ``species`` selects
    'nu_all', 'nu_mu', ..., or 'gamma'.
    """

    name = "neutrino_spectrum"
    scalar_params = ("cutoff",)

    def __init__(
        self,
        E_nu: Any = None,
        model: str = "eq17",
        convention: str = "paper",
        species: str = "nu_all",
    ):
        if model not in ("eq17", "full"):
            raise SweepSpecError(f"model = {model!r} is not allowed: must be 'eq17' or 'full'")
        if convention not in ("paper", "eq16"):
            raise SweepSpecError(
                f"convention = {convention!r} is not allowed: must be 'paper' or 'eq16'"
            )
        E = np.geomspace(1e4, 1e7, 13) * u.GeV if E_nu is None else E_nu
        try:
            if isinstance(E, Mapping):
                E = _expand_axis("E_nu", E)
            if not isinstance(E, u.Quantity):
                E = u.Quantity(
                    [
                        u.Quantity(v, u.GeV) if not isinstance(v, str) else u.Quantity(v)
                        for v in np.atleast_1d(np.asarray(E, dtype=object))
                    ]
                )
            E = E.to(u.GeV)
        except (u.UnitsError, TypeError, ValueError) as exc:
            raise SweepSpecError(f"E_nu = {E_nu!r} is not an energy: {exc}") from None
        self.E_nu = np.atleast_1d(E.value).astype(float)
        if self.E_nu.size == 0 or not np.all(np.isfinite(self.E_nu) & (self.E_nu > 0)):
            raise SweepSpecError(
                f"E_nu = {E_nu!r} is not allowed: must be one or more finite energies > 0"
            )
        self.model, self.convention, self.species = model, convention, species
        self.vectorized = model == "eq17"

    def evaluate(self, params, variables, n):
        E = self.E_nu * u.GeV
        if self.model == "eq17":
            from ..model import neutrino_E2_flux

            p2 = params.replace(**{k: v[:, None] for k, v in _array_params(params).items()})
            val = neutrino_E2_flux(p2, E[None, :], convention=self.convention)
            return {"E2_flux": np.broadcast_to(val, (n, E.size), subok=True)}
        from ..spectra import CGMEmission

        return {"E2_flux": CGMEmission(params).sed(E, species=self.species)[None, :]}

    def output_dims(self):
        return {"E_nu": ("E_nu", self.E_nu, "GeV")}

    def output_attrs(self, name):
        if self.model == "eq17":
            return {
                "long_name": "E_nu^2 F_nu, all flavours nu + nubar",
                "equation": f"Eqs. (16)-(17), convention {self.convention}",
            }
        return {
            "long_name": f"E^2 dN/dE of {self.species}",
            "equation": "KAB06 pp spectra (crescape.spectra)",
        }

    def describe(self):
        return {
            "product": self.name,
            "E_nu_GeV": self.E_nu.tolist(),
            "model": self.model,
            "convention": self.convention,
            "species": self.species,
        }


def _array_params(params: Parameters) -> dict[str, Any]:
    return {k: v for k, v in params.as_flat().items() if isinstance(v, u.Quantity) and v.ndim > 0}


class DispersionProduct(Product):
    """Maxima of the dispersion relation with the CR response (:mod:`crescape.physics.dispersion`).

    The current is the exact J(>E) of Eq. (3) at the CR energy ``energy``
    (an axis too), the density δ_G Ω_b ρ_cr; evaluated per group of equal
    ``slope`` and ``E_max`` (one spectrum per call).
    """

    name = "dispersion"
    scalar_params = ("cutoff", "slope", "E_max", "E_min")
    OUTPUTS = {
        "k_fastest": "1 / pc",
        "gamma_max": "1 / yr",
        "gamma_over_paper": "",
        "k_over_paper": "",
        "kc_rL": "",
        "k_band_lo": "1 / pc",
        "k_band_hi": "1 / pc",
    }

    def __init__(self, energy: Any = 1.0 * u.GeV):
        from ..model import ENERGY_SPEC

        self.variables = {"energy": ENERGY_SPEC}
        self.energy = float(parse_value(ENERGY_SPEC, energy).to_value(u.GeV))

    def evaluate(self, params, variables, n):
        from ..physics import dispersion, escape, instability

        p = params.cgs
        E = np.broadcast_to(
            np.asarray(variables.get("energy", self.energy)) * u.GeV.to(u.erg), (n,)
        )
        J = escape.current_above(
            E, p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff, p.E_break, p.slope_high
        )
        rho = instability.gas_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2)
        B0 = np.broadcast_to(p.B0, (n,))
        r = dispersion.fastest_growth(
            J,
            B0,
            np.broadcast_to(rho, (n,)),
            E,
            float(np.ravel(p.slope)[0]),
            float(np.ravel(p.E_max)[0]),
        )
        out = {}
        for k, unit in self.OUTPUTS.items():
            cgs = {"1 / pc": 1 / u.cm, "1 / yr": 1 / u.s}.get(unit)
            out[k] = (
                np.broadcast_to(r[k], (n,)) * cgs
                if cgs is not None
                else np.broadcast_to(r[k], (n,))
            )
        out["driven"] = np.broadcast_to(r["driven"], (n,)).astype(float)
        return out

    def output_attrs(self, name):
        return {
            "equation": "Bell (2004) Eqs. 8-13 with the CR response (crescape.physics.dispersion)"
        }

    def describe(self):
        return {"product": self.name, "energy_GeV": self.energy}


class FunctionProduct(Product):
    """Any function of the parameters.

    Parameters
    ----------
    func : callable
        ``func(params: Parameters) -> Mapping[str, Quantity | float | array]``.
        With ``vectorized=True`` the parameters of a whole chunk arrive as 1-D
        arrays of length n and every output must have leading dimension n (or be
        a scalar); otherwise ``func`` is called once per point. Output arrays beyond
        the point dimension get dimensions ``<name>_dim_0``, ...
        The function must be importable or picklable by the Dask workers.
    vectorized : bool
    """

    scalar_params = ("cutoff",)

    def __init__(
        self,
        func: Callable[..., Mapping[str, Any]],
        vectorized: bool = False,
        name: str | None = None,
    ):
        if not callable(func):
            raise SweepSpecError(f"func = {func!r} is not callable")
        self.func = func
        self.vectorized = bool(vectorized)
        self.name = (
            name
            or f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"
        )

    def evaluate(self, params, variables, n):
        out = dict(self.func(params))
        if not self.vectorized:
            return {
                k: (
                    v[None, ...]
                    if isinstance(v, u.Quantity)
                    else np.asarray(v, dtype=float)[None, ...]
                )
                for k, v in out.items()
            }
        return out

    def describe(self):
        return {"product": self.name, "vectorized": self.vectorized, "code": code_hash(self.func)}


#: built-in products by name (``sweep("chain", ...)``, ``product = "chain"`` in a spec file)
PRODUCTS: dict[str, type[Product]] = {
    "chain": ChainProduct,
    "neutrino_spectrum": NeutrinoSpectrumProduct,
    "dispersion": DispersionProduct,
}


def make_product(func: Any, vectorized: bool | None = None, **options: Any) -> Product:
    """A :class:`Product` from a name of :data:`PRODUCTS`, a Product or a callable."""
    if isinstance(func, Product):
        if options:
            raise SweepSpecError(
                f"options {sorted(options)} are not allowed with a Product instance"
            )
        return func
    if isinstance(func, str):
        if func == "population" and func not in PRODUCTS:  # defined there (it imports this module)
            from ..population import PopulationProduct

            PRODUCTS[func] = PopulationProduct
        if func not in PRODUCTS:
            raise SweepSpecError(
                f"product = {func!r} is not allowed: must be one of {', '.join(PRODUCTS)} or a callable"
            )
        try:
            return PRODUCTS[func](**options)
        except TypeError as exc:
            raise SweepSpecError(
                f"product {func!r}: bad options {sorted(options)}: {exc}"
            ) from None
    if options:
        raise SweepSpecError(f"options {sorted(options)} are only allowed with a named product")
    return FunctionProduct(func, vectorized=bool(vectorized))


# ----------------------------------------------------------------------------- evaluation of one chunk


@dataclass
class ChunkResult:
    """What a task returns: values of the points [start, stop) in display units."""

    start: int
    stop: int
    values: dict[str, np.ndarray] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    status: np.ndarray | None = None
    errors: list[tuple[int, str]] = field(default_factory=list)


def _to_plain(v: Any) -> tuple[np.ndarray, str]:
    if isinstance(v, u.Quantity):
        unit = "" if v.unit == u.dimensionless_unscaled else v.unit.to_string()
        return np.asarray(v.value, dtype=float), unit
    return np.asarray(v, dtype=float), ""


def _call(
    product: Product, grid_fixed: dict, fixed_extra: dict, vals: dict[str, np.ndarray], n: int
) -> dict:
    extra_names = set(product.variables)
    variables = {**fixed_extra, **{k: v for k, v in vals.items() if k in extra_names}}
    if not product.vectorized:
        variables = {k: (v[0] if isinstance(v, np.ndarray) else v) for k, v in variables.items()}
    pvals = {}
    for k, v in vals.items():
        if k in extra_names:
            continue
        scalar = not product.vectorized or k in product.scalar_params or v.dtype.kind in "OUS"
        pvals[k] = (str(v[0]) if v.dtype.kind in "OUS" else v[0]) if scalar else v
    params = Parameters.from_flat({**grid_fixed, **pvals})
    out = product.evaluate(params, variables, n)
    res = {}
    for k, v in out.items():
        arr, unit = _to_plain(v)
        if arr.ndim == 0:
            arr = np.broadcast_to(arr, (n,))
        elif arr.shape[0] != n:
            if arr.shape[0] != 1:
                raise ValueError(
                    f"output {k!r} has leading dimension {arr.shape[0]}, expected {n} points"
                )
            arr = np.broadcast_to(arr, (n, *arr.shape[1:]))
        res[k] = (np.array(arr, dtype=float), unit)
    return res


def _groups(product: Product, vals: dict[str, np.ndarray], n: int) -> list[np.ndarray]:
    """Index groups of a chunk: equal values of the product's scalar parameters (and choices)."""
    keys = [k for k, v in vals.items() if k in product.scalar_params or v.dtype.kind in "OUS"]
    if not keys or not product.vectorized:
        return [np.arange(n)] if product.vectorized else [np.array([i]) for i in range(n)]
    tags = np.array(["\x1f".join(str(vals[k][i]) for k in keys) for i in range(n)], dtype=object)
    _, inv = np.unique(tags.astype(str), return_inverse=True)
    return [np.flatnonzero(inv == g) for g in range(inv.max() + 1)]


def run_chunk(product: Product, grid: Grid, start: int, stop: int) -> ChunkResult:
    """Evaluate the points [start, stop) of ``grid`` (the task a worker runs).

    A failing vectorised group is retried point by point so that only the
    failing points are marked failed; each failure keeps its error message.
    """
    n = stop - start
    vals_all = grid.values_at(np.arange(start, stop))
    res = ChunkResult(start, stop, status=np.full(n, STATUS_FAILED, dtype=np.int8))

    def store(idx: np.ndarray, out: dict) -> None:
        for k, (arr, unit) in out.items():
            if k not in res.values:
                res.values[k] = np.full((n, *arr.shape[1:]), np.nan)
                res.units[k] = unit
            elif res.values[k].shape[1:] != arr.shape[1:]:
                raise ValueError(
                    f"output {k!r} changes shape between points: {res.values[k].shape[1:]} vs {arr.shape[1:]}"
                )
            res.values[k][idx] = arr
        res.status[idx] = STATUS_DONE

    def one(idx: np.ndarray) -> None:
        sub = {k: v[idx] for k, v in vals_all.items()}
        with np.errstate(all="ignore"):
            store(idx, _call(product, grid.fixed, grid.fixed_extra, sub, idx.size))

    for idx in _groups(product, vals_all, n):
        try:
            one(idx)
        except Exception:
            if idx.size == 1:
                res.errors.append((start + int(idx[0]), _error_text()))
                continue
            for i in idx:
                try:
                    one(np.array([i]))
                except Exception:
                    res.errors.append((start + int(i), _error_text()))
    return res


def _error_text() -> str:
    exc = traceback.format_exc(limit=0).strip().splitlines()
    return exc[-1] if exc else "unknown error"


# ----------------------------------------------------------------------------- sinks: memory and zarr


def _attrs_json(d: Mapping[str, Any]) -> dict[str, str]:
    return {k: json.dumps(v, default=_plain) for k, v in d.items()}


class _Sink:
    """Collects chunk results; the zarr sink writes each one as it arrives."""

    def __init__(self, grid: Grid, product: Product, chunk: int, prov: dict):
        self.grid, self.product, self.chunk, self.prov = grid, product, chunk, prov
        self.param_attrs = parameter_attrs(grid)
        self.status = np.zeros(grid.size, dtype=np.int8)
        self.failures: list[dict] = []
        self.n_failed = 0
        self.units: dict[str, str] = {}

    def base_dataset(self) -> xr.Dataset:
        g = self.grid
        coords = {}
        for name, v in g.values_at(np.arange(g.size)).items():
            ax = next(a for a in g.axes if a.name == name)
            coords[name] = ("point", v.astype(str) if ax.is_choice else v, {"units": ax.unit})
        coords["point"] = ("point", np.arange(g.size))
        for dim, (_, values, unit) in self.product.output_dims().items():
            coords[dim] = (dim, values, {"units": unit})
        ds = xr.Dataset(coords=coords)
        ds["status"] = ("point", self.status, {"flag_values": "0 missing, 1 done, 2 failed"})
        ds.attrs.update(_attrs_json(self.prov))
        ds.attrs.update(self.param_attrs)
        return ds

    def record_failures(self, res: ChunkResult) -> None:
        for i, msg in res.errors:
            self.n_failed += 1
            if len(self.failures) < MAX_FAILURES_KEPT:
                self.failures.append(
                    {"index": i, "parameters": self.grid.parameters_at(i), "error": msg}
                )

    def write(self, res: ChunkResult) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def dataset(self) -> xr.Dataset:  # pragma: no cover - interface
        raise NotImplementedError


class _MemorySink(_Sink):
    def __init__(self, *a):
        super().__init__(*a)
        self.values: dict[str, np.ndarray] = {}

    def write(self, res: ChunkResult) -> None:
        sl = slice(res.start, res.stop)
        for k, arr in res.values.items():
            if k not in self.values:
                self.values[k] = np.full((self.grid.size, *arr.shape[1:]), np.nan)
                self.units[k] = res.units[k]
            self.values[k][sl] = arr
        self.status[sl] = res.status
        self.record_failures(res)

    def dataset(self) -> xr.Dataset:
        ds = self.base_dataset()
        for k, arr in self.values.items():
            ds[k] = (
                _dims(self.product, k, arr),
                arr,
                {"units": self.units[k], **self.product.output_attrs(k)},
            )
        ds.attrs["n_failed"] = int(self.n_failed)
        ds.attrs["failures"] = json.dumps(self.failures)
        return ds


def parameter_attrs(grid: Grid) -> dict[str, Any]:
    """The parameters of a sweep as every crescape file records them (``Parameters.as_attrs``).

    The fixed parameters (the paper's values unless given) are ``param.<name>`` with
    ``param.<name>.units``; the swept ones are the coordinates (with ``units``) and are
    named in ``param.varied``.
    """
    base = Parameters.from_flat(grid.fixed)
    return base.as_attrs(varied=[n for n in grid.names if n in SPECS])


def _consolidate(path: Path) -> None:
    """Write the consolidated metadata, so that a plain ``xr.open_zarr(path)`` opens the store
    without a warning; called after every change of the metadata (the data chunks do not change
    it). Zarr's notice that format 3 has no consolidated metadata in its specification is not
    for the user: readers without it fall back to the plain metadata."""
    import zarr

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
        zarr.consolidate_metadata(str(path))


def _dims(product: Product, name: str, arr: np.ndarray) -> tuple[str, ...]:
    extra = list(product.output_dims())
    if arr.ndim - 1 == len(extra) and all(
        arr.shape[1 + i] == len(product.output_dims()[d][1]) for i, d in enumerate(extra)
    ):
        return ("point", *extra)
    return ("point", *(f"{name}_dim_{i}" for i in range(arr.ndim - 1)))


class _ZarrSink(_Sink):
    def __init__(self, path: Path, *a, resume: bool = False):
        super().__init__(*a)
        self.path = Path(path)
        if resume:
            self._open_existing()
        else:
            ds = self.base_dataset()
            ds.attrs["n_failed"] = 0
            ds.attrs["failures"] = "[]"
            encoding = {"status": {"chunks": (self.chunk,)}}
            ds.to_zarr(self.path, mode="w", encoding=encoding, consolidated=False)
            _consolidate(self.path)
            self.known: set[str] = set()

    def _open_existing(self) -> None:
        got = store_info(self.path)
        want = self.prov["sweep"]
        if got is None:
            raise SweepSpecError(
                f"out = {str(self.path)!r} is not a crescape sweep store; cannot resume"
            )
        if got.get("fingerprint") != want["fingerprint"]:
            raise SweepSpecError(
                f"out = {str(self.path)!r} was made by a different sweep (differs in: "
                f"{_spec_differences(got, want)}); resume needs the same product, grid and "
                "chunk size, or start a new store"
            )
        ds = xr.open_zarr(self.path, consolidated=False)
        self.status = ds["status"].values.astype(np.int8)
        self.known = {k for k in ds.data_vars if k != "status"}
        self.units = {k: ds[k].attrs.get("units", "") for k in self.known}
        # failed points are computed again on resume (their chunks are not done): forget old errors
        self.failures, self.n_failed = [], 0
        ds.close()

    def _add_variables(self, res: ChunkResult) -> None:
        import dask.array as da

        new = {}
        enc = {}
        for k, arr in res.values.items():
            if k in self.known:
                continue
            dims = _dims(self.product, k, arr)
            shape = (self.grid.size, *arr.shape[1:])
            chunks = (self.chunk, *arr.shape[1:])
            new[k] = xr.Variable(
                dims,
                da.full(shape, np.nan, chunks=chunks),
                {"units": res.units[k], **self.product.output_attrs(k)},
            )
            enc[k] = {"chunks": chunks}
            self.units[k] = res.units[k]
        if new:
            xr.Dataset(new).to_zarr(
                self.path, mode="a", compute=False, encoding=enc, consolidated=False
            )
            self.known |= set(new)
            self._write_attrs()  # appending variables may replace the group attributes

    def write(self, res: ChunkResult) -> None:
        self._add_variables(res)
        sl = slice(res.start, res.stop)
        data = {k: (_dims(self.product, k, arr), arr) for k, arr in res.values.items()}
        if data:
            xr.Dataset(data).to_zarr(self.path, region={"point": sl}, mode="r+", consolidated=False)
        # status last: a crash before this line leaves the chunk "missing" and it is recomputed
        self.status[sl] = res.status
        xr.Dataset({"status": ("point", res.status)}).to_zarr(
            self.path, region={"point": sl}, mode="r+", consolidated=False
        )
        if res.errors:
            self.record_failures(res)
            self._write_attrs()

    def _write_attrs(self) -> None:
        import zarr

        grp = zarr.open_group(str(self.path), mode="r+", use_consolidated=False)
        grp.attrs.update(
            {
                **_attrs_json(self.prov),
                **self.param_attrs,
                "n_failed": int(self.n_failed),
                "failures": json.dumps(self.failures),
            }
        )
        _consolidate(self.path)

    def finish(self) -> None:
        self._write_attrs()

    def dataset(self) -> xr.Dataset:
        self.finish()
        return xr.open_zarr(self.path, consolidated=False).load()


# ----------------------------------------------------------------------------- stores and locks


def store_info(path: str | Path) -> dict[str, Any] | None:
    """The provenance (``attrs["sweep"]``) of a crescape sweep store, or None for anything else.

    Reads only the store's group metadata; a missing path, a file, a folder
    that is not a zarr group, or a zarr group not written by :func:`sweep` give None.
    """
    p = Path(path)
    if not p.is_dir() or not any((p / n).is_file() for n in ("zarr.json", ".zattrs", ".zgroup")):
        return None
    try:
        import zarr

        raw = zarr.open_group(str(p), mode="r").attrs.get("sweep")
        info = json.loads(raw) if isinstance(raw, str) else None
    except Exception:  # unreadable metadata: not a store we wrote
        return None
    return info if isinstance(info, dict) and info.get("format") == _FORMAT else None


class StoreLock:
    """An exclusive lock on a sweep store, held while a sweep writes it.

    The lock is an advisory :func:`fcntl.flock` on ``<store>.lock`` beside the
    store, taken without waiting: a second sweep on the same store (new or old)
    is refused with :class:`SweepSpecError` instead of interleaving its writes.
    The lock file is removed on release.
    """

    def __init__(self, path: str | Path):
        self.store = Path(path)
        self.path = self.store.with_name(self.store.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> StoreLock:
        import fcntl

        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                try:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                finally:
                    os.close(fd)
                raise SweepSpecError(
                    f"out = {str(self.store)!r} is being written by another sweep "
                    f"(lock {str(self.path)!r}{', pid ' + holder if holder else ''}); "
                    "wait for it to finish or choose another store"
                ) from None
            try:  # the file may have been removed by the previous holder: lock the current one
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _flat(obj: Any, prefix: str) -> dict[str, Any]:
    if isinstance(obj, dict) and obj:
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flat(v, f"{prefix}.{k}"))
        return out
    return {prefix: obj}


def _spec_differences(stored: dict, now: dict, n_max: int = 3) -> str:
    """'product.code = 'a' (store) vs 'b' (now); ...' for the keys that differ."""
    a = {
        k: v
        for part in ("product", "grid", "chunk_size")
        for k, v in _flat(stored.get(part), part).items()
    }
    b = {
        k: v
        for part in ("product", "grid", "chunk_size")
        for k, v in _flat(now.get(part), part).items()
    }
    keys = sorted(k for k in set(a) | set(b) if a.get(k, "(absent)") != b.get(k, "(absent)"))

    def short(v: Any) -> str:
        text = json.dumps(v, default=_plain) if v is not None else "(absent)"
        return text if len(text) <= 40 else text[:37] + "..."

    parts = [f"{k} = {short(a.get(k))} (store) vs {short(b.get(k))} (now)" for k in keys[:n_max]]
    if len(keys) > n_max:
        parts.append(f"and {len(keys) - n_max} more")
    return "; ".join(parts) or "fingerprint"


def check_scheduler(address: Any, name: str = "scheduler") -> None:
    """Refuse a scheduler that is not 'serial', 'local', a Client or a Dask address.

    Raises
    ------
    SweepSpecError
        Naming ``name`` and the value, e.g. for ``garbage`` or ``foo://bar``.
    """
    import re

    if address is None or address in ("serial", "local") or _is_client(address):
        return
    text = str(address).strip()
    m = re.fullmatch(
        r"(?:([A-Za-z][A-Za-z0-9+.-]*)://)?(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d{1,5})", text
    )
    scheme = m.group(1) if m else None
    if isinstance(address, str) and m and (scheme is None or scheme in SCHEDULER_SCHEMES):
        if 0 < int(m.group(3)) < 65536:
            return
    raise SweepSpecError(
        f"{name} = {address!r} is not allowed: must be 'serial', 'local' or a Dask scheduler "
        f"address SCHEME://HOST:PORT with SCHEME one of {', '.join(SCHEDULER_SCHEMES)} "
        "(e.g. tcp://127.0.0.1:8786)"
    )


# ----------------------------------------------------------------------------- reshaping


def unflatten(ds: xr.Dataset) -> xr.Dataset:
    """A flat sweep Dataset (dimension ``point``) reshaped on its grid.

    For a product grid the ``point`` dimension becomes one dimension per axis
    (the axis values as coordinates, with units); a table of points keeps
    ``point`` with the parameters as coordinates along it.
    """
    info = json.loads(ds.attrs["sweep"])
    grid = info["grid"]
    if grid["kind"] != "product":
        return ds
    names = list(grid["axes"])
    shape = tuple(len(v) for v in grid["axes"].values())
    out = xr.Dataset(attrs=ds.attrs)
    for name in names:
        vals = np.asarray(grid["axes"][name])
        out.coords[name] = (name, vals, {"units": grid["units"][name]})
    for name, c in ds.coords.items():
        if "point" not in c.dims:
            out.coords[name] = c
    for k, v in ds.data_vars.items():
        rest = v.dims[1:]
        out[k] = ((*names, *rest), v.values.reshape(shape + v.shape[1:]), v.attrs)
    return out


def open_sweep(path: str | Path, flat: bool = False) -> xr.Dataset:
    """Open a sweep store written by :func:`sweep` (loaded into memory).

    Parameters
    ----------
    path : str or Path
        The zarr store.
    flat : bool
        Keep the flat ``point`` layout of the store (default: reshape on the grid).
    """
    ds = xr.open_zarr(Path(path), consolidated=False).load()
    return ds if flat else unflatten(ds)


def sweep_status(path: str | Path) -> dict[str, int]:
    """Counts of missing, done and failed points in a store."""
    ds = xr.open_zarr(Path(path), consolidated=False)
    s = ds["status"].values
    return {
        "total": int(s.size),
        "done": int((s == STATUS_DONE).sum()),
        "failed": int((s == STATUS_FAILED).sum()),
        "missing": int((s == STATUS_MISSING).sum()),
    }


# ----------------------------------------------------------------------------- the engine


def _n_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _default_chunk(product: Product, size: int, n_workers: int) -> int:
    if product.vectorized:
        return int(max(1, min(MAX_CHUNK, math.ceil(size / (4 * n_workers)))))
    return int(max(1, min(MAX_CHUNK_SCALAR, math.ceil(size / (8 * n_workers)))))


def _client_within(address: str, timeout: float):
    """A :class:`distributed.Client` of ``address``, or SweepSpecError after ``timeout`` seconds.

    ``Client(address, timeout=...)`` bounds the TCP connection but not the
    handshake that follows: a server that accepts and never answers would hang
    it for minutes. The client is therefore made in a helper thread, waited for
    at most ``timeout`` seconds (plus one), and given up
    otherwise.
    """
    import threading

    from distributed import Client

    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = Client(address, timeout=timeout)
        except BaseException as exc:  # reported below, in the caller's thread
            box["error"] = exc

    th = threading.Thread(target=connect, name="crescape-sweep-connect", daemon=True)
    th.start()
    th.join(timeout + 1.0)
    if th.is_alive():
        raise SweepSpecError(
            f"scheduler = {address!r}: no answer within {timeout:g} s (it accepted the "
            "connection but did not complete the Dask handshake); check the address or "
            "raise the timeout"
        )
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, OSError | TimeoutError | ValueError):
            why = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise SweepSpecError(f"scheduler = {address!r}: cannot connect ({why})") from None
        raise exc
    return box["client"]


def _connect(scheduler: Any, n_workers: int | None, timeout: float):
    """(client, cluster we own or None, description)."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler, None, f"client {scheduler.scheduler.address}"
    if scheduler:
        return _client_within(str(scheduler), timeout), None, str(scheduler)
    n = n_workers or _n_cores()
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        host="127.0.0.1",
        silence_logs=logging.WARNING,
    )
    return Client(cluster), cluster, f"LocalCluster({n} workers x 1 thread)"


def _n_workers(client, timeout: float, engine: str = "the scheduler") -> int:
    """The number of workers, waiting up to ``timeout`` s for the first; SweepSpecError if none."""
    import time

    t0 = time.monotonic()
    while True:
        n = len(client.scheduler_info().get("workers", {}))
        if n:
            return n
        if time.monotonic() - t0 > timeout:
            raise SweepSpecError(
                f"scheduler = {engine!r} has no workers (waited {timeout:g} s); start workers "
                "for it, or use scheduler 'local' or 'serial'"
            )
        time.sleep(0.1)


def sweep(
    func: Any,
    grid: Grid | Mapping[str, Any] | None = None,
    *,
    points: Any = None,
    fixed: Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    scheduler: Any = None,
    n_workers: int | None = None,
    chunk_size: int | None = None,
    vectorized: bool | None = None,
    progress: bool = True,
    retries: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Any,
) -> xr.Dataset:
    """Evaluate a crescape product over a grid of parameters, serially or on a Dask cluster.

    Parameters
    ----------
    func : str, Product or callable
        A built-in product (``"chain"``, ``"neutrino_spectrum"``, ``"dispersion"``;
        :data:`PRODUCTS`), a :class:`Product`, or ``func(params) -> {name: value}``.
    grid : Grid or mapping
        A :class:`Grid`, or the axes of a product grid ``{name: values}``.
    points : mapping or Table, optional
        A table of points instead of ``grid``.
    fixed : mapping, optional
        Parameters held fixed (default: the paper's values).
    out : str or Path, optional
        Zarr store written chunk by chunk (default: in memory only).
    resume : bool
        Continue the sweep stored in ``out``: only missing (or failed) points are computed.
    scheduler : None, "local", "serial", address or distributed.Client
        None: ``DASK_SCHEDULER_ADDRESS`` if set, else a LocalCluster sized to the
        machine (but in-process for a vectorised sweep of at most :data:`SERIAL_BELOW`
        points when ``n_workers`` is not given). "local": always a LocalCluster.
        "serial": in this process, without Dask.
    n_workers : int, optional
        Workers of the LocalCluster (default: the number of cores); giving it
        asks for a LocalCluster even for a small sweep.
    chunk_size : int, optional
        Points per task (default: a few chunks per worker, at most :data:`MAX_CHUNK`).
    vectorized : bool, optional
        For a plain callable: it takes whole chunks as arrays.
    progress : bool
        Show a progress bar (tqdm) on stderr.
    retries : int
        Dask retries of a task that raised (worker deaths are retried by the scheduler).
    timeout : float
        Seconds to wait for a scheduler (the connection and the handshake) and
        for its first worker (default :data:`DEFAULT_TIMEOUT`); a scheduler that
        does not answer or has no worker by then is a :class:`SweepSpecError`.
    **options
        Options of a named product (e.g. ``outputs=[...]``, ``energy=``, ``E_nu=``).

    Returns
    -------
    xarray.Dataset
        One variable per output (with ``units``), ``status`` per point, the axes as
        coordinates (with ``units``); ``attrs``: the fixed parameters as
        :meth:`~crescape.params.Parameters.as_attrs` (``param.<name>``,
        ``param.<name>.units``, the swept ones named in ``param.varied``), ``sweep``
        (JSON provenance: product, grid, fixed values, chunk size, engine, crescape
        version, time), ``n_failed`` and ``failures`` (JSON list of index, parameters, error).

    Raises
    ------
    SweepSpecError
        On a bad grid, product, store or scheduler address.

    Warns
    -----
    SweepFailureWarning
        When points failed (their number and the first errors).
    """
    product = make_product(func, vectorized, **options)
    if isinstance(grid, Grid):
        if points is not None or fixed is not None:
            raise SweepSpecError("give 'points' and 'fixed' inside the Grid, not beside it")
        g = grid
        g_extra = set(g.extra)
        if not g_extra <= set(product.variables) and g_extra:
            raise SweepSpecError(
                f"grid variables {sorted(g_extra)} are not variables of product {product.name!r}"
            )
        if any(a.name in product.variables for a in g.axes) and not g.extra:
            g = Grid(**_grid_kwargs(g), extra=product.variables)
    else:
        g = Grid(axes=grid, points=points, fixed=fixed, extra=product.variables)
    if resume and out is None:
        raise SweepSpecError("resume = True needs out = the store of the interrupted sweep")
    if chunk_size is not None and (not isinstance(chunk_size, int | np.integer) or chunk_size < 1):
        raise SweepSpecError(f"chunk_size = {chunk_size!r} is not allowed: must be an integer >= 1")
    if not (isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0):
        raise SweepSpecError(
            f"timeout = {timeout!r} is not allowed: must be a number of seconds > 0"
        )
    if math.isinf(timeout):
        raise SweepSpecError("timeout = inf is not allowed: must be a finite number of seconds > 0")
    for name, value, low in (("n_workers", n_workers, 1), ("retries", retries, 0)):
        if value is not None and (
            not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low
        ):
            raise SweepSpecError(f"{name} = {value!r} is not allowed: must be an integer >= {low}")
    check_scheduler(scheduler)
    env_addr = os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if scheduler is None:
        check_scheduler(env_addr, "DASK_SCHEDULER_ADDRESS")
    addr = scheduler if scheduler is not None else env_addr
    if addr is None and n_workers is None and product.vectorized and g.size <= SERIAL_BELOW:
        addr = "serial"
    if addr == "local":
        addr = None
    lock = None
    if out is not None:
        if not str(out).strip():
            raise SweepSpecError("out = '' is not allowed: give the path of a zarr store")
        out = Path(out)
        if not out.parent.is_dir():
            raise SweepSpecError(
                f"out = {str(out)!r}: the folder {str(out.parent)!r} does not exist"
            )
        lock = StoreLock(out).acquire()
    try:
        stored_chunk = None
        if out is not None and out.exists():
            info = store_info(out)
            if info is None:
                raise SweepSpecError(
                    f"out = {str(out)!r} exists and is not a crescape sweep store; refusing to "
                    f"{'resume' if resume else 'overwrite'} it (remove it yourself or choose "
                    "another path)"
                )
            if resume:
                stored_chunk = info.get("chunk_size")
        elif resume:
            raise SweepSpecError(f"out = {str(out)!r} does not exist; nothing to resume")
        return _sweep_locked(
            product,
            g,
            out,
            resume,
            addr,
            scheduler,
            n_workers,
            chunk_size,
            stored_chunk,
            progress,
            retries,
            timeout,
        )
    finally:
        if lock is not None:
            lock.release()


def _sweep_locked(
    product,
    g,
    out,
    resume,
    addr,
    scheduler,
    n_workers,
    chunk_size,
    stored_chunk,
    progress,
    retries,
    timeout,
) -> xr.Dataset:
    """The body of :func:`sweep` once the arguments are checked and the store is locked."""
    from .. import __version__

    client = cluster = None
    engine = "serial (in-process)"
    try:
        if addr != "serial":
            client, cluster, engine = _connect(addr, n_workers, timeout)
            nw = _n_workers(client, timeout, engine)
        else:
            nw = 1
        chunk = int(stored_chunk or chunk_size or _default_chunk(product, g.size, nw))
        spec = {
            "format": _FORMAT,
            "product": product.describe(),
            "grid": g.to_spec(),
            "chunk_size": chunk,
        }
        spec["fingerprint"] = hashlib.sha256(
            json.dumps(spec, sort_keys=True, default=_plain).encode()
        ).hexdigest()[:16]
        prov = {
            "sweep": {
                **spec,
                "engine": engine,
                "crescape_version": __version__,
                "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "numpy": np.__version__,
                "host": platform.node(),
            }
        }
        if out is not None:
            sink: _Sink = _ZarrSink(Path(out), g, product, chunk, prov, resume=resume)
        else:
            sink = _MemorySink(g, product, chunk, prov)
        todo = [
            (a, min(a + chunk, g.size))
            for a in range(0, g.size, chunk)
            if np.any(sink.status[a : min(a + chunk, g.size)] != STATUS_DONE)
        ]
        _execute(product, g, todo, sink, client, progress, retries)
        ds = sink.dataset()
    finally:
        if client is not None and cluster is not None:
            client.close()
            cluster.close()
        elif client is not None and not _is_client(scheduler):
            client.close()
    ds = unflatten(ds)
    if sink.n_failed:
        first = "; ".join(
            f"point {f['index']} {f['parameters']}: {f['error']}" for f in sink.failures[:3]
        )
        warnings.warn(
            f"{sink.n_failed} of {g.size} sweep points failed (status == 2); first: {first}",
            SweepFailureWarning,
            stacklevel=3,
        )
    return ds


def _is_client(obj: Any) -> bool:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, Client)


def _grid_kwargs(g: Grid) -> dict[str, Any]:
    vals = {
        a.name: (list(a.values) if a.is_choice else a.values * u.Unit(a.unit or "")) for a in g.axes
    }
    key = "axes" if g.kind == "product" else "points"
    return {key: vals, "fixed": {**g.fixed, **g.fixed_extra}}


def _execute(product, grid, todo, sink, client, progress, retries) -> None:
    from ..progress import Progress

    total = sum(b - a for a, b in todo)
    bar = Progress(
        total, desc=f"sweep {product.name}", unit="points", enabled=progress, fmt="{:.0f}"
    )
    try:
        if client is None:
            for a, b in todo:
                sink.write(run_chunk(product, grid, a, b))
                bar.update(b - a)
            return
        from distributed import as_completed

        gfut = client.scatter(grid, broadcast=True, hash=False)
        pfut = client.scatter(product, broadcast=True, hash=False)
        futures = [
            client.submit(
                run_chunk,
                pfut,
                gfut,
                a,
                b,
                retries=retries,
                pure=False,
                key=f"crescape-sweep-{a}-{b}-{os.urandom(4).hex()}",
            )
            for a, b in todo
        ]
        span = {f.key: (a, b) for f, (a, b) in zip(futures, todo, strict=True)}
        for fut in as_completed(futures):
            a, b = span[fut.key]
            try:
                res = fut.result()
            except Exception as exc:  # the task itself failed after its retries (e.g. KilledWorker)
                res = ChunkResult(
                    a,
                    b,
                    status=np.full(b - a, STATUS_FAILED, dtype=np.int8),
                    errors=[(i, f"{type(exc).__name__}: {exc}") for i in range(a, b)],
                )
            sink.write(res)
            fut.release()
            bar.update(b - a)
    finally:
        bar.close()


# ----------------------------------------------------------------------------- spec files

_SPEC_KEYS = {"product", "options", "axes", "points", "fixed", "run"}
_RUN_KEYS = {"chunk_size", "retries", "n_workers", "scheduler", "timeout"}


def read_spec(path: str | Path) -> dict[str, Any]:
    """Read a sweep spec (TOML) into keyword arguments of :func:`sweep`.

    The file has ``product = "chain"`` (or another name of :data:`PRODUCTS`) and the
    tables ``[axes]`` (a product grid) or ``[points]`` (a table of points),
    ``[fixed]`` (parameters held fixed), ``[options]`` (options of the product, e.g.
    ``outputs``, ``energy``, ``E_nu``) and ``[run]`` (``chunk_size``, ``retries``,
    ``n_workers``, ``scheduler``, ``timeout``). See ``docs/sweeps.md`` and
    ``examples/sweep_spec.toml``.

    Raises
    ------
    SweepSpecError
        On a missing file, bad TOML, or an unknown key.
    """
    import tomllib

    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SweepSpecError(f"spec = {str(path)!r}: no such file") from None
    except IsADirectoryError:
        raise SweepSpecError(f"spec = {str(path)!r} is a directory, not a TOML file") from None
    except UnicodeDecodeError:
        raise SweepSpecError(f"spec = {str(path)!r} is not a text (UTF-8) TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SweepSpecError(f"spec = {str(path)!r} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise SweepSpecError(
            f"spec = {str(path)!r} cannot be read: {exc.strerror or type(exc).__name__}"
        ) from None
    unknown = set(data) - _SPEC_KEYS
    if unknown:
        raise SweepSpecError(
            f"spec {str(path)!r}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_SPEC_KEYS)}"
        )
    if "product" not in data:
        raise SweepSpecError(f"spec {str(path)!r} has no 'product' (one of {', '.join(PRODUCTS)})")
    for key in ("options", "axes", "points", "fixed", "run"):
        if key in data and not isinstance(data[key], Mapping):
            raise SweepSpecError(f"spec {str(path)!r}: '{key}' must be a table [{key}]")
    run = dict(data.get("run", {}))
    bad = set(run) - _RUN_KEYS
    if bad:
        raise SweepSpecError(
            f"spec {str(path)!r}: unknown [run] key(s) {sorted(bad)}; allowed: {sorted(_RUN_KEYS)}"
        )
    if "axes" in data and "points" in data:
        raise SweepSpecError(
            f"spec {str(path)!r}: give [axes] (a product grid) or [points] (a table), not both"
        )
    if "axes" not in data and "points" not in data:
        raise SweepSpecError(f"spec {str(path)!r}: no [axes] or [points] table: nothing to sweep")
    return {
        "func": data["product"],
        "grid": data.get("axes"),
        "points": data.get("points"),
        "fixed": data.get("fixed"),
        **run,
        **data.get("options", {}),
    }
