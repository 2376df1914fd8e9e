"""Build a transport run from a TOML configuration (the format is documented in docs/transport.md).

Tables:

``[galaxy]``, ``[cgm]``, ``[micro]``
    physical parameters of :mod:`crescape.params` (L_CR, R_d, slope, E_min, E_max, ...).
``[grid]``
    ``geometry`` (planar | spherical | flux_tube), ``z_min``, ``z_max``, ``n_z``,
    ``spacing`` (uniform | log); for a flux tube A(z) = (1 + z/area_scale)^area_index.
``[momentum]``
    ``E_min``, ``E_max`` (total energy of the bin edges, above the proton rest energy), ``n_p``.
``[transport]``
    ``diffusion`` (bohm | constant | power_law), ``D0``, ``E0``, ``delta``, ``dB``
    ("eq8" or a field), ``u``, ``inner`` (escape_flux | reflecting),
    ``outer`` (free_escape | outflow | reflecting), ``flux_limiter``,
    ``adiabatic``, ``limited_advection``, ``backend``.
``[time]``
    ``t_end``, ``n_out``, ``theta``, ``cfl``, ``light_cfl``, ``dt_max``.
``[checkpoint]``
    ``every_steps``, ``every_seconds``.

The table :data:`SCHEMA` is the one place where the keys, their defaults,
units and allowed ranges are written. Every value is checked: an unknown key,
a value of the wrong type (a boolean where a number is expected, a number where
a choice is expected), a value out of range, and combinations that would give
a run in which nothing happens (a spherical grid from r = 0, whose inner face
has zero area; a flux tube whose area reaches zero) raise
:class:`~crescape.params.ParameterError` with one line naming ``table.key``,
the value and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from typing import Any

import astropy.units as u
import numpy as np

from .. import constants as C
from ..params import GROUPS, SPECS, ParameterError, Parameters, from_toml
from ..physics.saturation import B_sat_escape, bohm_diffusion
from .boundaries import FreeEscape, Outflow, PrescribedFlux, Reflecting
from .grid import FluxTube, MomentumGrid, Planar, SpatialGrid, Spherical
from .operator import TransportOperator
from .state import State
from .stepper import Stepper

__all__ = ["TransportConfig", "load_config", "SCHEMA"]

_dimless = u.dimensionless_unscaled


@dataclass(frozen=True)
class _Key:
    """One configuration key: its kind, default, unit, allowed range and meaning.

    ``kind`` is ``"quantity"`` (a number in ``unit``, or a string with a unit;
    stored as a float in ``unit``), ``"int"``, ``"choice"`` or ``"bool"``.
    ``shown`` is the unit in which messages quote ranges.
    """

    kind: str
    default: Any
    unit: Any = None
    shown: Any = None
    low: float = -math.inf
    low_open: bool = False
    high: float = math.inf
    high_open: bool = False
    choices: tuple = ()
    doc: str = ""
    note: str = ""
    eg: str = ""

    def range_text(self) -> str:
        """'> 0 kpc and <= 1' in the shown unit."""
        shown = self.shown or self.unit
        unit = "" if shown in (None, _dimless) else f" {shown.to_string()}"

        def conv(x):
            return (x * self.unit).to_value(shown) if self.unit is not None else x

        parts = []
        if math.isfinite(self.low):
            parts.append(f"{'>' if self.low_open else '>='} {conv(self.low):g}{unit}")
        if math.isfinite(self.high):
            parts.append(f"{'<' if self.high_open else '<='} {conv(self.high):g}{unit}")
        text = " and ".join(parts)
        return f"{text} {self.note}".strip()

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(map(repr, self.choices))
        if self.kind == "bool":
            return "true or false"
        rng = self.range_text()
        if self.kind == "int":
            return "an integer" + (f" {rng}" if rng else "")
        if self.unit in (None, _dimless):
            what = "a finite number"
        else:
            what = (
                f"a finite quantity in {self.unit.to_string()} (plain number) or with a unit, "
                f"e.g. {self.example()!r}"
            )
        return what + (f", {rng}" if rng else "")

    def example(self) -> str:
        if self.eg:
            return self.eg
        d = self.default
        if isinstance(d, str):
            return d
        shown = self.shown or self.unit
        return f"{(d * self.unit).to_value(shown):g} {shown.to_string()}"


_kpc, _GeV, _Myr = u.kpc, u.GeV, u.Myr

#: Every key of every table: kind, default, unit, range and meaning, written once.
SCHEMA: dict[str, dict[str, _Key]] = {
    "grid": {
        "geometry": _Key(
            "choice", "planar", choices=("planar", "spherical", "flux_tube"), doc="geometry"
        ),
        "z_min": _Key("quantity", "0 kpc", u.cm, _kpc, doc="inner face (z or r)"),
        "z_max": _Key("quantity", "30 kpc", u.cm, _kpc, doc="outer face, > z_min"),
        "n_z": _Key("int", 200, low=3, doc="number of cells"),
        "spacing": _Key("choice", "uniform", choices=("uniform", "log"), doc="cell spacing"),
        "area_scale": _Key(
            "quantity", "10 kpc", u.cm, _kpc, 0.0, True, doc="flux tube A = (1 + z/L)^a: L"
        ),
        "area_index": _Key("quantity", 2.0, _dimless, doc="flux tube A = (1 + z/L)^a: a"),
    },
    "momentum": {
        "E_min": _Key(
            "quantity",
            "10 GeV",
            u.erg,
            _GeV,
            C.m_p_c2,
            True,
            note="(the proton rest energy; E is the total energy)",
            doc="total energy of the lowest bin edge",
        ),
        "E_max": _Key(
            "quantity", "1e6 GeV", u.erg, _GeV, doc="total energy of the highest edge, > E_min"
        ),
        "n_p": _Key("int", 16, low=1, doc="number of momentum bins"),
    },
    "transport": {
        "diffusion": _Key("choice", "bohm", choices=("bohm", "constant", "power_law"), doc="D(E)"),
        "D0": _Key("quantity", "1e28 cm2/s", u.cm**2 / u.s, low=0.0, low_open=True, doc="D0"),
        "E0": _Key(
            "quantity",
            "1 GeV",
            u.erg,
            _GeV,
            0.0,
            True,
            doc="reference energy of D0, and of Eq. (8) when dB = eq8",
        ),
        "delta": _Key("quantity", 1.0 / 3.0, _dimless, doc="slope of the power-law D"),
        "dB": _Key(
            "quantity",
            "eq8",
            u.G,
            low=0.0,
            low_open=True,
            note="(or 'eq8': B_sat of Eq. 8)",
            eg="2e-8 G",
            doc='field of the Bohm D: "eq8" (B_sat of Eq. 8) or a value',
        ),
        "u": _Key("quantity", "0 km/s", u.cm / u.s, u.km / u.s, doc="gas speed"),
        "inner": _Key("choice", "escape_flux", choices=("escape_flux", "reflecting")),
        "outer": _Key("choice", "free_escape", choices=("free_escape", "outflow", "reflecting")),
        "flux_limiter": _Key("bool", True),
        "adiabatic": _Key("bool", True),
        "limited_advection": _Key("bool", True),
        "backend": _Key("choice", "numba", choices=("numba", "reference")),
    },
    "time": {
        "t_end": _Key("quantity", "10 Myr", u.s, _Myr, 0.0, True, doc="end time"),
        "n_out": _Key("int", 10, low=1, doc="outputs after t = 0"),
        "theta": _Key("quantity", 0.5, _dimless, low=0.5, high=1.0, doc="theta scheme"),
        "cfl": _Key("quantity", 0.5, _dimless, low=0.0, low_open=True, high=1.0, doc="C_adv"),
        "light_cfl": _Key("quantity", 1.0, _dimless, low=0.0, low_open=True),
        "dt_max": _Key(
            "quantity", math.inf, u.s, _Myr, 0.0, True, eg="0.01 Myr", doc="largest step"
        ),
    },
    "checkpoint": {
        "every_steps": _Key("int", 0, low=0, doc="checkpoint cadence in steps (0: off)"),
        "every_seconds": _Key(
            "quantity", None, u.s, u.s, 0.0, True, eg="600 s", doc="wall-clock cadence (off)"
        ),
    },
}

_TABLES = tuple(SCHEMA)


def _fail(table: str, key: str, value: Any, allowed: str) -> ParameterError:
    return ParameterError(f"{table}.{key} = {value!r} is not allowed: must be {allowed}")


def _read(table: str, key: str, given: dict) -> Any:
    """The value of ``table.key`` (given or default), converted and range-checked."""
    spec = SCHEMA[table][key]
    value = given.get(key, spec.default)
    if spec.kind == "choice":
        if not isinstance(value, str) or value not in spec.choices:
            raise _fail(table, key, value, spec.allowed())
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise _fail(table, key, value, spec.allowed())
        return value
    if spec.kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < spec.low:
            raise _fail(table, key, value, spec.allowed())
        return value
    if key not in given and (spec.default is None or spec.default == math.inf):
        return spec.default  # "off" / "no limit"
    try:
        if isinstance(value, bool):
            raise TypeError
        q = u.Quantity(value)
        q = q.value * spec.unit if q.unit == _dimless else q.to(spec.unit)
        x = float(q.to_value(spec.unit))
    except (TypeError, ValueError, u.UnitsError):
        raise _fail(table, key, value, spec.allowed()) from None
    bad = not math.isfinite(x)
    bad |= (x <= spec.low) if spec.low_open else (x < spec.low)
    bad |= (x >= spec.high) if spec.high_open else (x > spec.high)
    if bad:
        raise _fail(table, key, value, spec.allowed())
    return x


class TransportConfig:
    """A validated transport configuration; :meth:`build` makes the operator and stepper.

    Parameters
    ----------
    tables : dict
        ``{"grid": {...}, "momentum": {...}, ...}`` as read from TOML.
    params : Parameters
        Physical parameters (Eq. 3 flux, Eq. 8 field).

    Attributes
    ----------
    resolved : dict
        Every key of every table with the defaults filled in, quantities as
        floats in the unit of :data:`SCHEMA` (cgs).

    Raises
    ------
    ParameterError
        On an unknown table or key, a value of the wrong type or out of range,
        or a combination that is not allowed (see the module docstring).
    """

    def __init__(self, tables: dict[str, dict], params: Parameters):
        self.params = params
        unknown = set(tables) - set(_TABLES)
        if unknown:
            raise ParameterError(
                f"unknown table(s) {sorted(unknown)}: allowed are {list(_TABLES)} and galaxy/cgm/micro"
            )
        for tname, table in tables.items():
            if not isinstance(table, dict):
                raise ParameterError(f"[{tname}] = {table!r} is not allowed: must be a table")
            for key in table:
                if key not in SCHEMA[tname]:
                    raise ParameterError(
                        f"{tname}.{key} = {table[key]!r} is not allowed: unknown key; "
                        f"the keys of [{tname}] must be among {', '.join(SCHEMA[tname])}"
                    )
        self.tables = {k: dict(tables.get(k, {})) for k in _TABLES}
        res: dict[str, dict[str, Any]] = {}
        for tname, keys in SCHEMA.items():
            given = self.tables[tname]
            res[tname] = {
                k: _read(tname, k, given) for k in keys if not (tname == "transport" and k == "dB")
            }
        gr, tr, ck = self.tables["grid"], self.tables["transport"], self.tables["checkpoint"]
        # --- the field of the Bohm D: Eq. (8) or a value
        dB = tr.get("dB", "eq8")
        if isinstance(dB, str) and dB.strip().lower() == "eq8":
            # Eq. (8) at the reference energy E0 of D0, for the galaxy's own slope
            c = params.cgs
            spec = (c.slope, c.E_min, c.E_max, c.cutoff)
            E0 = res["transport"]["E0"]
            res["transport"]["dB"] = float(B_sat_escape(E0, c.L_CR, c.R_d, *spec))
            self.dB_source = "eq8"
        else:
            res["transport"]["dB"] = _read("transport", "dB", tr)
            self.dB_source = "given"
        self.resolved = res
        for table in res.values():
            for k, v in table.items():
                setattr(self, k, v)
        self.every_steps = res["checkpoint"]["every_steps"] or None
        self.every_seconds = res["checkpoint"]["every_seconds"]
        self._check_combinations(gr, self.tables["momentum"], ck)

    def _check_combinations(self, gr, mo, ck):
        """Checks across keys: the domain, the geometry and the energy range."""
        zmin_given = gr.get("z_min", SCHEMA["grid"]["z_min"].default)
        if not self.z_max > self.z_min:
            raise _fail("grid", "z_max", gr.get("z_max", "30 kpc"), f"> z_min = {zmin_given!r}")
        if self.geometry == "spherical" and not self.z_min > 0:
            raise _fail(
                "grid",
                "z_min",
                zmin_given,
                "> 0 for geometry = 'spherical' (the inner face r = 0 has zero area, "
                "so no particle would enter)",
            )
        if self.spacing == "log" and not self.z_min > 0:
            raise _fail("grid", "z_min", zmin_given, "> 0 for spacing = 'log'")
        if self.geometry == "flux_tube":
            L, a = self.area_scale, self.area_index
            L_given = gr.get("area_scale", SCHEMA["grid"]["area_scale"].default)
            if a != 0 and not 1.0 + self.z_min / L > 0:
                raise _fail(
                    "grid",
                    "z_min",
                    zmin_given,
                    f"> -area_scale = -{L / C.kpc:g} kpc for geometry = 'flux_tube' with "
                    f"area_scale = {L_given!r}: the area (1 + z/area_scale)^area_index must be "
                    "> 0 on the whole grid",
                )
            faces = self._faces()
            with np.errstate(all="ignore"):
                z = np.concatenate([faces, 0.5 * (faces[1:] + faces[:-1])])
                A = (1.0 + z / L) ** a
            if not np.all(np.isfinite(A) & (A > 0)):
                raise _fail(
                    "grid",
                    "area_index",
                    gr.get("area_index", 2.0),
                    f"such that the area (1 + z/area_scale)^area_index is finite and > 0 on "
                    f"the grid (it reaches {A[~(np.isfinite(A) & (A > 0))][0]:g})",
                )
        if not self.E_max > self.E_min:
            raise _fail(
                "momentum",
                "E_max",
                mo.get("E_max", "1e6 GeV"),
                f"> E_min = {mo.get('E_min', '10 GeV')!r}",
            )

    def _faces(self):
        if self.spacing == "log":
            return np.geomspace(self.z_min, self.z_max, self.n_z + 1)
        return np.linspace(self.z_min, self.z_max, self.n_z + 1)

    def grid(self):
        geom = {"planar": Planar(), "spherical": Spherical()}.get(self.geometry)
        if geom is None:
            L, a = self.area_scale, self.area_index
            geom = FluxTube(lambda z: (1.0 + z / L) ** a, f"A(z) = (1 + z/{L:g} cm)^{a:g}")
        maker = SpatialGrid.log if self.spacing == "log" else SpatialGrid.uniform
        return maker(self.z_min, self.z_max, self.n_z, geom)

    def diffusion_coefficient(self, pgrid):
        """D(E) per momentum bin [cm² s^-1]: Bohm (Eq. 9), constant, or D0 (E/E0)^delta."""
        E = pgrid.energy
        if self.diffusion == "bohm":
            return bohm_diffusion(E, self.dB)
        if self.diffusion == "constant":
            return np.full_like(E, self.D0)
        return self.D0 * (E / self.E0) ** self.delta

    def build(self):
        """(operator, stepper, output times)."""
        G = self.grid()
        P = MomentumGrid.from_energy(self.E_min, self.E_max, self.n_p)
        inner = (
            PrescribedFlux.escape(P, self.params) if self.inner == "escape_flux" else Reflecting()
        )
        outer = {"free_escape": FreeEscape(), "outflow": Outflow(), "reflecting": Reflecting()}[
            self.outer
        ]
        op = TransportOperator(
            G,
            P,
            D=self.diffusion_coefficient(P)[None, :],
            u=self.u,
            inner=inner,
            outer=outer,
            flux_limiter=self.flux_limiter,
            adiabatic=self.adiabatic,
            limited_advection=self.limited_advection,
            backend=self.backend,
        )
        st = Stepper(
            op,
            State(np.zeros(op.shape)),
            theta=self.theta,
            cfl=self.cfl,
            light_cfl=self.light_cfl,
            dt_max=self.dt_max,
        )
        times = np.linspace(0.0, self.t_end, self.n_out + 1)
        return op, st, times

    def params_cgs(self) -> dict[str, Any]:
        """Every physical parameter in cgs (strings for choices)."""
        return dict(vars(self.params.cgs))

    def full(self) -> dict[str, dict[str, Any]]:
        """The full resolved configuration: every table with defaults, and ``params`` (cgs)."""
        return {**{t: dict(v) for t, v in self.resolved.items()}, "params": self.params_cgs()}

    def fingerprint(self) -> dict:
        """:func:`~crescape.simulate.observers.config_fingerprint` of :meth:`full`."""
        from .observers import config_fingerprint

        return config_fingerprint(self.full())

    def attrs(self) -> dict[str, Any]:
        """The full configuration, flat, for the output attributes, with units.

        ``config.<table>.<key>`` holds every key (defaults filled in; quantities
        as floats) and ``config.<table>.<key>.units`` the unit of each
        dimensional one; ``param.<name>_cgs`` and ``param.<name>_cgs.units`` every
        physical parameter; ``dB_G`` the field of the Bohm D and ``dB_source``
        whether it is Eq. (8) or given; ``config_hash`` the checkpoint fingerprint.
        """
        out: dict[str, Any] = {}
        for tname, table in self.resolved.items():
            for k, v in table.items():
                out[f"config.{tname}.{k}"] = _attr_value(v)
                unit = SCHEMA[tname][k].unit
                if SCHEMA[tname][k].kind == "quantity" and unit not in (None, _dimless):
                    out[f"config.{tname}.{k}.units"] = unit.to_string()
        for name, value in self.params_cgs().items():
            out[f"param.{name}_cgs"] = _attr_value(value)
            spec = SPECS.get(name)
            if spec is not None and spec.cgs not in (None, _dimless):
                out[f"param.{name}_cgs.units"] = spec.cgs.to_string()
        out["dB_G"] = self.dB
        out["dB_source"] = "Eq. (8) B_sat" if self.dB_source == "eq8" else "given"
        out["config_hash"] = self.fingerprint()["hash"]
        return out


def _attr_value(v):
    if isinstance(v, bool):
        return int(v)
    if v is None:
        return "none"
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v.item()
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    return str(v)


def _override_value(value: Any) -> Any:
    """A ``--set`` value: a TOML value if it reads as one (100, 0.5, true, "5 Myr"), else the text."""
    if not isinstance(value, str):
        return value
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value.strip()


def _check_parameter_types(flat: dict[str, Any]) -> None:
    """Booleans are not numbers: ``L_CR = true`` is an error (not 1 erg/s)."""
    for key, value in flat.items():
        name = key.split(".", 1)[-1]
        if isinstance(value, bool) and name in SPECS:
            raise ParameterError(
                f"{key} = {value!r} is not allowed: must be {SPECS[name].allowed()}"
            )


def load_config(path, overrides: dict[str, Any] | None = None) -> TransportConfig:
    """Read a TOML file (physical parameters + transport tables), with optional overrides.

    Parameters
    ----------
    path : path-like
        The TOML file.
    overrides : dict
        ``--set`` values: ``"table.key"`` (``"grid.n_z"``, ``"time.t_end"``) for
        the transport tables, a flat parameter name (``"L_CR"``) or
        ``"group.name"`` (``"galaxy.L_CR"``) for physical parameters. String
        values of table keys are read as TOML values when they are one
        (``"100"`` is an integer, ``"true"`` a boolean), else as text
        (``"5 Myr"``). Overrides win over the file.

    Raises
    ------
    ParameterError
        On any bad key or value (one line naming it).
    """
    flat = from_toml(path)
    tables = {k[1:]: v for k, v in flat.items() if k.startswith("_")}
    phys = {k: v for k, v in flat.items() if not k.startswith("_")}
    for key, value in (overrides or {}).items():
        head, dot, name = str(key).partition(".")
        if dot and head in SCHEMA:
            if not name:
                raise ParameterError(f"--set {key}={value}: no key after {head!r}")
            table = tables.setdefault(head, {})
            if not isinstance(table, dict):
                raise ParameterError(f"[{head}] = {table!r} is not allowed: must be a table")
            table[name] = _override_value(value)
        elif dot and head not in GROUPS:
            raise ParameterError(
                f"--set {key}={value}: unknown table {head!r}; the tables are "
                f"{', '.join(SCHEMA)} and {', '.join(GROUPS)} for physical parameters"
            )
        else:
            pname = name if dot else head
            for k in [k for k in phys if k.split(".", 1)[-1] == pname]:
                del phys[k]
            phys[key] = value
    _check_parameter_types(phys)
    params = Parameters.from_flat(phys)
    return TransportConfig(tables, params)
