"""Build a transport run from a TOML configuration (the format is documented in docs/transport.md).

Tables:

``[galaxy]``, ``[cgm]``, ``[micro]``
    physical parameters of :mod:`crescape.params` (L_CR, R_d, slope, E_min, E_max, ...).
``[grid]``
    ``geometry`` (planar | spherical | flux_tube), ``z_min``, ``z_max``, ``n_z``,
    ``spacing`` (uniform | log); for a flux tube A(z) = (1 + z/area_scale)^area_index.
``[momentum]``
    ``E_min``, ``E_max`` (total energy of the bin edges), ``n_p``.
``[transport]``
    ``diffusion`` (bohm | constant | power_law), ``D0``, ``E0``, ``delta``, ``dB``
    ("eq8" or a field), ``u``, ``inner`` (escape_flux | reflecting),
    ``outer`` (free_escape | outflow | reflecting), ``flux_limiter``,
    ``adiabatic``, ``limited_advection``, ``backend``.
``[time]``
    ``t_end``, ``n_out``, ``theta``, ``cfl``, ``light_cfl``, ``dt_max``.
``[checkpoint]``
    ``every_steps``, ``every_seconds``.
"""

from __future__ import annotations

import math
from typing import Any

import astropy.units as u
import numpy as np

from ..params import ParameterError, Parameters, from_toml
from ..physics.saturation import B_sat_luminosity, bohm_diffusion
from .boundaries import FreeEscape, Outflow, PrescribedFlux, Reflecting
from .grid import FluxTube, MomentumGrid, Planar, SpatialGrid, Spherical
from .operator import TransportOperator
from .state import State
from .stepper import Stepper

__all__ = ["TransportConfig", "load_config"]

_TABLES = ("grid", "momentum", "transport", "time", "checkpoint")


def _quantity(table: dict, name: str, key: str, unit, default):
    """A number or a string with a unit ("30 kpc"); plain numbers are read in ``unit``."""
    value = table.get(key, default)
    try:
        if isinstance(value, bool):
            raise TypeError
        q = u.Quantity(value)
        q = q.value * unit if q.unit == u.dimensionless_unscaled else q.to(unit)
        x = float(q.to_value(unit))
    except (TypeError, ValueError, u.UnitsError):
        raise ParameterError(
            f"{name}.{key} = {value!r} cannot be read as a quantity in {unit}"
        ) from None
    if not math.isfinite(x):
        raise ParameterError(f"{name}.{key} = {value!r} is not allowed: must be finite")
    return x


def _positive(table, name, key, unit, default):
    x = _quantity(table, name, key, unit, default)
    if not x > 0:
        raise ParameterError(
            f"{name}.{key} = {table.get(key, default)!r} is not allowed: must be > 0"
        )
    return x


def _int(table, name, key, default, low):
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ParameterError(
            f"{name}.{key} = {value!r} is not allowed: must be an integer >= {low}"
        )
    return value


def _choice(table, name, key, default, choices):
    value = table.get(key, default)
    if value not in choices:
        raise ParameterError(
            f"{name}.{key} = {value!r} is not allowed: must be one of {', '.join(map(repr, choices))}"
        )
    return value


def _bool(table, name, key, default):
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ParameterError(f"{name}.{key} = {value!r} is not allowed: must be true or false")
    return value


class TransportConfig:
    """A validated transport configuration; :meth:`build` makes the operator and stepper.

    Parameters
    ----------
    tables : dict
        ``{"grid": {...}, "momentum": {...}, ...}`` as read from TOML.
    params : Parameters
        Physical parameters (Eq. 3 flux, Eq. 8 field).
    """

    def __init__(self, tables: dict[str, dict], params: Parameters):
        self.params = params
        self.tables = {k: dict(tables.get(k, {})) for k in _TABLES}
        unknown = set(tables) - set(_TABLES)
        if unknown:
            raise ParameterError(
                f"unknown table(s) {sorted(unknown)}: allowed are {list(_TABLES)} and galaxy/cgm/micro"
            )
        gr, mo, tr, ti, ck = (self.tables[k] for k in _TABLES)
        self.geometry = _choice(
            gr, "grid", "geometry", "planar", ("planar", "spherical", "flux_tube")
        )
        self.z_min = _quantity(gr, "grid", "z_min", u.cm, "0 kpc")
        self.z_max = _quantity(gr, "grid", "z_max", u.cm, "30 kpc")
        if not self.z_max > self.z_min:
            raise ParameterError(
                f"grid.z_max = {gr.get('z_max')!r} is not allowed: must exceed z_min"
            )
        if self.geometry == "spherical" and self.z_min < 0:
            raise ParameterError(
                f"grid.z_min = {gr.get('z_min')!r} is not allowed for spherical geometry: must be >= 0"
            )
        self.n_z = _int(gr, "grid", "n_z", 200, 3)
        self.spacing = _choice(gr, "grid", "spacing", "uniform", ("uniform", "log"))
        if self.spacing == "log" and not self.z_min > 0:
            raise ParameterError("grid.z_min must be > 0 for spacing = 'log'")
        self.area_scale = _positive(gr, "grid", "area_scale", u.cm, "10 kpc")
        self.area_index = _quantity(gr, "grid", "area_index", u.dimensionless_unscaled, 2.0)
        self.E_min = _positive(mo, "momentum", "E_min", u.erg, "10 GeV")
        self.E_max = _positive(mo, "momentum", "E_max", u.erg, "1e6 GeV")
        if not self.E_max > self.E_min:
            raise ParameterError(
                f"momentum.E_max = {mo.get('E_max')!r} is not allowed: must exceed E_min"
            )
        self.n_p = _int(mo, "momentum", "n_p", 16, 1)
        self.diffusion = _choice(
            tr, "transport", "diffusion", "bohm", ("bohm", "constant", "power_law")
        )
        self.D0 = _positive(tr, "transport", "D0", u.cm**2 / u.s, "1e28 cm2/s")
        self.E0 = _positive(tr, "transport", "E0", u.erg, "1 GeV")
        self.delta = _quantity(tr, "transport", "delta", u.dimensionless_unscaled, 1.0 / 3.0)
        dB = tr.get("dB", "eq8")
        c = params.cgs
        self.dB = (
            B_sat_luminosity(c.L_CR, c.R_d, math.log(c.E_max / c.E_min))
            if dB == "eq8"
            else _positive(tr, "transport", "dB", u.G, dB)
        )
        self.u = _quantity(tr, "transport", "u", u.cm / u.s, "0 km/s")
        self.inner = _choice(tr, "transport", "inner", "escape_flux", ("escape_flux", "reflecting"))
        self.outer = _choice(
            tr, "transport", "outer", "free_escape", ("free_escape", "outflow", "reflecting")
        )
        self.flux_limiter = _bool(tr, "transport", "flux_limiter", True)
        self.adiabatic = _bool(tr, "transport", "adiabatic", True)
        self.limited_advection = _bool(tr, "transport", "limited_advection", True)
        self.backend = _choice(tr, "transport", "backend", "numba", ("numba", "reference"))
        self.t_end = _positive(ti, "time", "t_end", u.s, "10 Myr")
        self.n_out = _int(ti, "time", "n_out", 10, 1)
        self.theta = _quantity(ti, "time", "theta", u.dimensionless_unscaled, 0.5)
        if not 0.5 <= self.theta <= 1:
            raise ParameterError(
                f"time.theta = {self.theta} is not allowed: must be between 0.5 and 1"
            )
        self.cfl = _positive(ti, "time", "cfl", u.dimensionless_unscaled, 0.5)
        if self.cfl > 1:
            raise ParameterError(f"time.cfl = {self.cfl} is not allowed: must be > 0 and <= 1")
        self.light_cfl = _positive(ti, "time", "light_cfl", u.dimensionless_unscaled, 1.0)
        self.dt_max = _positive(ti, "time", "dt_max", u.s, math.inf) if "dt_max" in ti else math.inf
        self.every_steps = _int(ck, "checkpoint", "every_steps", 0, 0) or None
        self.every_seconds = (
            _positive(ck, "checkpoint", "every_seconds", u.s, 60.0)
            if "every_seconds" in ck
            else None
        )

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

    def attrs(self) -> dict[str, Any]:
        """Every parameter, flat, for the output attributes (cgs numbers and strings)."""
        out: dict[str, Any] = {}
        for tname, table in self.tables.items():
            for k, v in table.items():
                out[f"config.{tname}.{k}"] = v if isinstance(v, int | float | str) else str(v)
        for name, value in vars(self.params.cgs).items():
            out[f"param.{name}_cgs"] = value if isinstance(value, int | float | str) else str(value)
        out["dB_G"] = self.dB
        return out


def load_config(path) -> TransportConfig:
    """Read a TOML file (physical parameters + transport tables)."""
    flat = from_toml(path)
    tables = {k[1:]: v for k, v in flat.items() if k.startswith("_")}
    params = Parameters.from_flat({k: v for k, v in flat.items() if not k.startswith("_")})
    return TransportConfig(tables, params)
