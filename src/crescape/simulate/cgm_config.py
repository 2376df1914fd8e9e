"""Configuration of the coupled circumgalactic run, read from TOML.

A configuration file holds the physical parameters in the usual tables
(``[galaxy]``, ``[cgm]``, ``[micro]``, see :mod:`crescape.params`; defaults are
the paper's Milky Way) and the numerical and model options of the run in a
``[simulation]`` table, whose keys are the fields of :class:`SimulationConfig`.
Lengths, energies and times may be numbers in the documented unit or strings
that astropy parses (``"200 kpc"``, ``"1 Gyr"``).

Example: ``examples/simulate_fiducial.toml``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import astropy.units as u

from ..params import ParameterError, Parameters, from_toml
from .field import BRANCHES, CLOSURES, CRITERIA, RATES

__all__ = ["SimulationConfig", "load_config"]

_GEOMETRIES = ("planar_spherical", "planar", "spherical")
_GAS_BC = ("inflow", "reflecting", "outflow")
_OUTER = ("free_escape", "outflow", "reflecting")
_CR_INNER = ("escape_flux", "reflecting")

#: quantities with units: field name -> (display unit, cgs unit)
_UNITS = {
    "z_max": (u.kpc, u.cm),
    "E_grid_min": (u.GeV, u.erg),
    "E_grid_max": (u.GeV, u.erg),
    "E_J": (u.GeV, u.erg),
    "t_end": (u.Myr, u.s),
    "dt_max": (u.Myr, u.s),
    "dt_initial": (u.yr, u.s),
    "coherence_length": (u.kpc, u.cm),
    "D_max": (u.cm**2 / u.s, u.cm**2 / u.s),
}


@dataclass(frozen=True)
class SimulationConfig:
    """Options of the coupled run (cgs floats after :meth:`from_dict`).

    Attributes
    ----------
    n_cells : int
        Spatial cells between the halo boundary z = H and ``z_max``.
    z_max : float [kpc]
        Outer edge, measured from the Galactic plane.
    stretch : float
        Width of the last cell over that of the first (geometric progression;
        1: uniform cells). Resolves the halo boundary on a domain that extends
        far out.
    geometry : {"planar_spherical", "planar", "spherical"}
        Cross-section A(z): 1 up to R_d then (z/R_d)² (the paper's "1D up to
        R_d, spherical beyond"), 1, or (z/R_d)² everywhere.
    n_momenta : int
        Momentum bins (uniform in ln p).
    E_grid_min, E_grid_max : float [GeV] or None
        Energy range of the momentum grid (default: E_min, E_max of the Galaxy).
    E_J : float [GeV] or None
        Lowest energy of the particles whose current drives the instability
        (default: the lowest bin).
    t_end : float [Myr]
        End of the run (1 Gyr by default).
    n_output : int
        Number of snapshots (including t = 0).
    cfl : float
        Courant number of the gas and of the explicit advection.
    dt_max : float [Myr]
    dt_initial : float [yr]
        First step; each later step is at most ``dt_growth`` times the previous one.
    dt_growth : float
    criteria : list of str
        Saturation criteria (:data:`crescape.simulate.field.CRITERIA`).
    rate, closure : str
        Growth rate and integration (:mod:`crescape.simulate.field`).
    branch : {"nonresonant", "full"}
        Growth only on the nonresonant branch (default), or also below its threshold at
        the rate of the same dispersion relation (the resonant branch; rate "dispersion").
    seed_fraction : float
        Initial δB/B0 (the seed turbulence).
    coherence_length : float [kpc] or None
        ℓ_c of the amplified field; None: r_L of the highest grid energy in the
        local field (then every particle is in the Bohm regime).
    D_max : float [cm² s^-1]
        Largest diffusion coefficient (the flux limiter keeps |F| ≤ v g anyway).
    gamma : float
        Adiabatic index of the gas.
    isothermal : bool
    gas_inner : {"inflow", "reflecting", "outflow"}
        The halo boundary for the gas: a reservoir at rest at the initial CGM
        density and pressure (default; the face flux is the Riemann solution
        between the reservoir and the first cell, the inflowing gas carries the
        seed field), a wall, or open (zero gradient).
    gas_limiter : {"minmod", "mc"}
        Slope limiter of the gas reconstruction. minmod (default): with the monotonised
        central limiter the hypersonic, cold flow next to the halo boundary drives the
        internal energy negative in the Runge–Kutta stages and the pressure floor adds
        ~1e-4 of the CR energy supplied (100 cells, 20 Myr); with minmod nothing.
    gas_outer : {"outflow", "reflecting", "inflow"}
        The outer boundary for the gas (default: open).
    cr_inner : {"escape_flux", "reflecting"}
        The CRs enter through the halo boundary with the flux of Eq. (3), or a wall
        (closed-box tests).
    cr_outer : {"free_escape", "outflow"}
    theta : float
        Implicitness of the CR diffusion step (1: backward Euler, positive for any Δt).
    checkpoint_every : int
        Steps between checkpoints.
    """

    n_cells: int = 1000
    z_max: float = 200.0
    stretch: float = 1.0
    geometry: str = "planar_spherical"
    n_momenta: int = 48
    E_grid_min: float | None = None
    E_grid_max: float | None = None
    E_J: float | None = None
    t_end: float = 1000.0
    n_output: int = 21
    cfl: float = 0.4
    dt_max: float = 10.0
    dt_initial: float = 1.0
    dt_growth: float = 1.2
    criteria: tuple = ("larmor", "alfven", "energy_flux")
    rate: str = "dispersion"
    closure: str = "exponential"
    branch: str = "nonresonant"
    seed_fraction: float = 1.0
    coherence_length: float | None = None
    D_max: float = 1e33
    gamma: float = 5.0 / 3.0
    isothermal: bool = False
    gas_inner: str = "inflow"
    gas_limiter: str = "minmod"
    gas_outer: str = "outflow"
    cr_inner: str = "escape_flux"
    cr_outer: str = "free_escape"
    theta: float = 1.0
    checkpoint_every: int = 500
    _cgs: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict | None) -> SimulationConfig:
        """Validate a ``[simulation]`` table; raise :class:`ParameterError` on bad input."""
        d = dict(d or {})
        names = {f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")}
        unknown = set(d) - names
        if unknown:
            raise ParameterError(
                f"unknown simulation option(s) {sorted(unknown)}; known: {', '.join(sorted(names))}"
            )
        defaults = cls()
        vals = {}
        cgs = {}
        for n in names:
            v = d.get(n, getattr(defaults, n))
            if n in _UNITS and v is not None:
                disp, unit = _UNITS[n]
                try:
                    q = u.Quantity(v.strip()) if isinstance(v, str) else u.Quantity(v, disp)
                    if q.unit == u.dimensionless_unscaled:
                        q = q.value * disp
                    cgs[n] = float(u.Quantity(q).to_value(unit))
                    vals[n] = float(u.Quantity(q).to_value(disp))
                except (u.UnitsError, TypeError, ValueError):
                    raise ParameterError(
                        f"{n} = {v!r} is not allowed: must be a quantity in {disp}"
                    ) from None
                if not cgs[n] > 0:
                    raise ParameterError(f"{n} = {v!r} is not allowed: must be > 0")
            else:
                vals[n] = _coerce(n, v, getattr(defaults, n))
        for n, lo in (("n_cells", 3), ("n_momenta", 1), ("n_output", 1), ("checkpoint_every", 1)):
            if not isinstance(vals[n], int) or vals[n] < lo:
                raise ParameterError(
                    f"{n} = {vals[n]!r} is not allowed: must be an integer >= {lo}"
                )
        for n, lo, hi in (
            ("cfl", 0.0, 1.0),
            ("theta", 0.5, 1.0),
            ("seed_fraction", 0.0, 1e3),
            ("gamma", 1.0, 10.0),
            ("stretch", 0.0, 1e12),
            ("dt_growth", 1.0, 10.0),
        ):
            x = vals[n]
            if not isinstance(x, int | float) or not (lo < x <= hi or (n == "theta" and x == lo)):
                raise ParameterError(f"{n} = {x!r} is not allowed: must be in ({lo}, {hi}]")
        for n, allowed in (
            ("geometry", _GEOMETRIES),
            ("rate", RATES),
            ("closure", CLOSURES),
            ("branch", BRANCHES),
            ("gas_inner", _GAS_BC),
            ("gas_outer", ("outflow", "reflecting", "inflow")),
            ("gas_limiter", ("minmod", "mc")),
            ("cr_inner", _CR_INNER),
            ("cr_outer", _OUTER),
        ):
            if vals[n] not in allowed:
                raise ParameterError(f"{n} = {vals[n]!r} is not allowed: must be one of {allowed}")
        crit = vals["criteria"]
        crit = (crit,) if isinstance(crit, str) else tuple(crit)
        if not crit or any(c not in CRITERIA for c in crit):
            raise ParameterError(
                f"criteria = {list(crit)!r} is not allowed: must be a non-empty subset of {CRITERIA}"
            )
        vals["criteria"] = crit
        if vals["branch"] == "full" and vals["rate"] != "dispersion":
            raise ParameterError(
                f"branch = 'full' is not allowed with rate = {vals['rate']!r}: only with 'dispersion'"
            )
        vals["isothermal"] = bool(vals["isothermal"])
        return cls(**vals, _cgs=cgs)

    def cgs(self, name: str):
        """The cgs value of a unit-carrying option (None if unset)."""
        return self._cgs.get(
            name,
            None
            if getattr(self, name) is None
            else getattr(self, name) * _UNITS[name][0].to(_UNITS[name][1]),
        )

    def replace(self, **kw) -> SimulationConfig:
        d = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if not f.name.startswith("_")
        }
        d.update(kw)
        return SimulationConfig.from_dict(d)

    def attrs(self) -> dict:
        out = {}
        for f in dataclasses.fields(self):
            if f.name.startswith("_"):
                continue
            v = getattr(self, f.name)
            if v is None:
                v = "default"
            elif isinstance(v, tuple):
                v = ",".join(v)
            elif isinstance(v, bool):
                v = int(v)
            unit = _UNITS.get(f.name, (None,))[0]
            out[f"sim_{f.name}" + (f" [{unit}]" if unit is not None else "")] = v
        return out


def _coerce(name, v, default):
    """A string value (from ``--set key=value``) converted to the type of the option's default."""
    if not isinstance(v, str) or isinstance(default, str):
        return v
    text = v.strip()
    try:
        if isinstance(default, bool):
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ValueError(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, tuple):
            return tuple(x.strip().strip("'\"") for x in text.strip("[]").split(",") if x.strip())
    except ValueError:
        raise ParameterError(
            f"{name} = {v!r} is not allowed: must be a {type(default).__name__}"
        ) from None
    return v


def load_config(path, overrides: dict | None = None) -> tuple[Parameters, SimulationConfig]:
    """(Parameters, SimulationConfig) from a TOML file; ``overrides`` are flat ``--set`` keys.

    Keys of ``overrides`` that name a simulation option (``n_cells=200``) go to
    the ``[simulation]`` table; the others are physical parameters.
    """
    flat = from_toml(path) if path is not None else {}
    sim = dict(flat.pop("_simulation", {}) or {})
    flat = {k: v for k, v in flat.items() if not k.startswith("_")}
    names = {f.name for f in dataclasses.fields(SimulationConfig)}
    for k, v in (overrides or {}).items():
        if k in names:
            sim[k] = v
        else:
            flat[k] = v
    return Parameters.from_flat(flat), SimulationConfig.from_dict(sim)
