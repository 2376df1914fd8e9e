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

The table :data:`SCHEMA` ({table: {key: Spec}}, read by :mod:`crescape.simulate.options` with the rule of :mod:`crescape.params`) is the one place where the keys, their defaults,
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
from pathlib import Path
from typing import Any

import astropy.units as u
import numpy as np

from .. import constants as C
from ..fingerprint import code_hash
from ..params import ParameterError, Parameters
from ..physics.saturation import B_sat_escape, bohm_diffusion
from .boundaries import FreeEscape, Outflow, PrescribedFlux, Reflecting
from .grid import FluxTube, MomentumGrid, Planar, SpatialGrid, Spherical
from .operator import TransportOperator
from .options import load, option, read_table, read_value, user_function
from .state import State
from .stepper import Stepper

__all__ = ["TransportConfig", "load_config", "SCHEMA"]

_dimless = u.dimensionless_unscaled
_kpc, _GeV, _Myr = u.kpc, u.GeV, u.Myr
_cm2s = u.cm**2 / u.s


def _tab(name, *specs):
    return {s.name: s for s in specs}


#: Every key of every table: kind, documented and cgs unit, default, range and meaning, once.
SCHEMA: dict[str, dict] = {
    "grid": _tab(
        "grid",
        option(
            "grid",
            "geometry",
            "planar",
            choices=("planar", "spherical", "flux_tube"),
            doc="geometry of the cross-section A(z)",
        ),
        option("grid", "z_min", "0 kpc", _kpc, u.cm, doc="inner face (z or r)"),
        option("grid", "z_max", "30 kpc", _kpc, u.cm, doc="outer face, > z_min"),
        option("grid", "n_z", 200, low=3, doc="number of cells"),
        option("grid", "spacing", "uniform", choices=("uniform", "log"), doc="cell spacing"),
        option(
            "grid",
            "area_scale",
            "10 kpc",
            _kpc,
            u.cm,
            0.0,
            low_open=True,
            doc="flux tube A = (1 + z/L)^a: L",
        ),
        option("grid", "area_index", 2.0, doc="flux tube A = (1 + z/L)^a: a"),
    ),
    "momentum": _tab(
        "momentum",
        option(
            "momentum",
            "E_min",
            "10 GeV",
            _GeV,
            u.erg,
            C.m_p_c2 / C.GeV,
            low_open=True,
            doc="total energy of the lowest bin edge, above the proton rest energy",
        ),
        option(
            "momentum",
            "E_max",
            "1e6 GeV",
            _GeV,
            u.erg,
            doc="total energy of the highest edge, > E_min",
        ),
        option("momentum", "n_p", 16, low=1, doc="number of momentum bins"),
    ),
    "transport": _tab(
        "transport",
        option(
            "transport",
            "diffusion",
            "bohm",
            choices=("bohm", "constant", "power_law", "function"),
            doc="D(E): Bohm in dB (Eq. 9), constant D0, or D0 (E/E0)^delta",
        ),
        option(
            "transport",
            "D0",
            "1e28 cm2/s",
            _cm2s,
            _cm2s,
            0.0,
            low_open=True,
            doc="D0 of the constant and power-law D",
        ),
        option(
            "transport",
            "E0",
            "1 GeV",
            _GeV,
            u.erg,
            0.0,
            low_open=True,
            doc="reference energy of D0, and of Eq. (8) when dB = eq8",
        ),
        option("transport", "delta", 1.0 / 3.0, doc="slope of the power-law D"),
        option(
            "transport",
            "dB",
            "eq8",
            u.G,
            u.G,
            0.0,
            low_open=True,
            doc='field of the Bohm D: "eq8" (B_sat of Eq. 8) or a value',
        ),
        option("transport", "u", "0 km/s", u.km / u.s, u.cm / u.s, doc="gas speed"),
        option(
            "transport",
            "inner",
            "escape_flux",
            choices=("escape_flux", "reflecting", "flux"),
            doc="inner boundary: the flux of Eq. (3), a wall, or inlet_function",
        ),
        # user functions, 'module:function' (module: a .py file beside the configuration or an
        # importable module); arguments and results in cgs
        option("transport", "D_function", None, doc="D(z, p, t) [cm2/s] for diffusion = function"),
        option("transport", "u_function", None, doc="u(z_faces, t) [cm/s], replaces u"),
        option("transport", "Q_function", None, doc="source Q(z, p, t) [cm^-3 s^-1 per ln p]"),
        option(
            "transport",
            "inlet_function",
            None,
            doc="inner flux(p, t) [cm^-2 s^-1 per ln p] for inner = flux",
        ),
        option(
            "transport",
            "outer",
            "free_escape",
            choices=("free_escape", "outflow", "reflecting"),
            doc="outer boundary",
        ),
        option("transport", "flux_limiter", True, doc="limit |F| to v n"),
        option("transport", "adiabatic", True, doc="adiabatic term in a diverging flow"),
        option("transport", "limited_advection", True, doc="second-order limited advection"),
        option("transport", "backend", "numba", choices=("numba", "reference"), doc="kernels"),
    ),
    "time": _tab(
        "time",
        option("time", "t_end", "10 Myr", _Myr, u.s, 0.0, low_open=True, doc="end time"),
        option("time", "n_out", 10, low=1, doc="outputs after t = 0"),
        option("time", "theta", 0.5, low=0.5, high=1.0, doc="implicitness of the theta scheme"),
        option(
            "time",
            "cfl",
            0.5,
            low=0.0,
            high=1.0,
            low_open=True,
            doc="Courant number of the advection",
        ),
        option(
            "time",
            "light_cfl",
            1.0,
            low=0.0,
            low_open=True,
            doc="step over the light-crossing time of a cell",
        ),
        option(
            "time",
            "dt_max",
            math.inf,
            _Myr,
            u.s,
            0.0,
            low_open=True,
            doc="largest step (default: no limit)",
        ),
    ),
    "checkpoint": _tab(
        "checkpoint",
        option("checkpoint", "every_steps", 0, low=0, doc="checkpoint cadence in steps (0: off)"),
        option(
            "checkpoint",
            "every_seconds",
            None,
            u.s,
            u.s,
            0.0,
            low_open=True,
            doc="wall-clock checkpoint cadence (default: off)",
        ),
    ),
}

_TABLES = tuple(SCHEMA)
#: keys of [transport] read by TransportConfig itself: a field or "eq8", and the user functions
_FUNCTIONS = ("D_function", "u_function", "Q_function", "inlet_function")
_SPECIAL = ("dB", *_FUNCTIONS)


def _fail(table: str, key: str, value: Any, allowed: str) -> ParameterError:
    return ParameterError(f"{table}.{key} = {value!r} is not allowed: must be {allowed}")


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

    def __init__(self, tables: dict[str, dict], params: Parameters, base_dir=None):
        self.params = params
        unknown = set(tables) - set(_TABLES)
        if unknown:
            raise ParameterError(
                f"unknown table(s) {sorted(unknown)}: allowed are {list(_TABLES)} and galaxy/cgm/micro"
            )
        for tname, table in tables.items():
            if not isinstance(table, dict):
                raise ParameterError(f"[{tname}] = {table!r} is not allowed: must be a table")
        self.tables = {k: dict(tables.get(k, {})) for k in _TABLES}
        res = {
            t: read_table(t, SCHEMA[t], self.tables[t], skip=_SPECIAL if t == "transport" else ())
            for t in _TABLES
        }
        gr, ck = self.tables["grid"], self.tables["checkpoint"]
        # --- the field of the Bohm D: Eq. (8) or a value
        dB = res["transport"].pop("dB", "eq8")
        if isinstance(dB, str) and dB.strip().lower() == "eq8":
            # Eq. (8) at the reference energy E0 of D0, for the galaxy's own slope
            c = params.cgs
            spec = (c.slope, c.E_min, c.E_max, c.cutoff, c.E_break, c.slope_high)
            E0 = res["transport"]["E0"]
            res["transport"]["dB"] = float(B_sat_escape(E0, c.L_CR, c.R_d, *spec))
            self.dB_source = "eq8"
        else:
            res["transport"]["dB"] = read_value("transport", SCHEMA["transport"]["dB"], dB)
            self.dB_source = "given"
        # --- user functions: resolved now (a bad reference fails before any work), recorded
        # by reference and by a hash of their code (so that a checkpoint of another version
        # of the function is refused)
        tr = self.tables["transport"]
        self.functions = {}
        for key in _FUNCTIONS:
            ref = tr.get(key)
            if ref is None:
                res["transport"][key] = "none"
                continue
            func = user_function("transport", key, ref, base_dir)
            self.functions[key] = func
            res["transport"][key] = f"{ref} [{code_hash(func)}]"
        need = {"D_function": ("diffusion", "function"), "inlet_function": ("inner", "flux")}
        for key, (other, value) in need.items():
            on = res["transport"][other] == value
            if on and key not in self.functions:
                raise _fail("transport", key, None, f"'module:function' for {other} = {value!r}")
            if key in self.functions and not on:
                raise _fail(
                    "transport",
                    key,
                    tr[key],
                    f"used with {other} = {value!r} only (it is {res['transport'][other]!r})",
                )
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
        """D(E) per momentum bin [cm² s^-1]: Bohm (Eq. 9), constant, or D0 (E/E0)^delta.

        With ``diffusion = "function"``: the user's D(z, p, t), a callable for the operator.
        """
        if self.diffusion == "function":
            return self.functions["D_function"]
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
        if self.inner == "escape_flux":
            inner = PrescribedFlux.escape(P, self.params)
        elif self.inner == "flux":
            inner = PrescribedFlux(self.functions["inlet_function"])
        else:
            inner = Reflecting()
        D = self.diffusion_coefficient(P)
        outer = {"free_escape": FreeEscape(), "outflow": Outflow(), "reflecting": Reflecting()}[
            self.outer
        ]
        op = TransportOperator(
            G,
            P,
            D=D if callable(D) else D[None, :],
            u=self.functions.get("u_function", self.u),
            Q=self.functions.get("Q_function", 0.0),
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
        dimensional one, in the documented unit; ``param.<name>`` and ``param.<name>.units``
        every physical parameter (:meth:`crescape.params.Parameters.as_attrs`); ``dB_G`` the field of the Bohm D and ``dB_source``
        whether it is Eq. (8) or given; ``config_hash`` the checkpoint fingerprint.
        """
        out: dict[str, Any] = {}
        for tname, table in self.resolved.items():
            for k, v in table.items():
                sp = SCHEMA[tname][k]
                dim = sp.kind == "quantity" and not sp.choices and sp.unit not in (None, _dimless)
                if dim and isinstance(v, float):  # the documented unit, as params.as_attrs
                    v = float((v * sp.cgs).to_value(sp.unit))
                out[f"config.{tname}.{k}"] = _attr_value(v)
                if dim:
                    out[f"config.{tname}.{k}.units"] = sp.unit.to_string()
        out.update({k: _attr_value(v) for k, v in self.params.as_attrs().items()})
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
    params, tables = load(path, overrides, SCHEMA, skip={"transport": _SPECIAL})
    return TransportConfig(tables, params, base_dir=None if path is None else Path(path).parent)
