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

from .. import constants as C
from ..params import ParameterError, Parameters, parse_value
from ..physics.cooling import METALLICITIES
from .field import BRANCHES, CLOSURES, CRITERIA, RATES
from .options import load, option, read_table

__all__ = ["SimulationConfig", "load_config"]

_GEOMETRIES = ("planar_spherical", "planar", "spherical")
_GAS_BC = ("inflow", "reflecting", "outflow")
_OUTER = ("free_escape", "outflow", "reflecting")
_CR_INNER = ("escape_flux", "reflecting")

_S = "simulation"
_kpc, _GeV, _Myr, _yr, _cm2s = u.kpc, u.GeV, u.Myr, u.yr, u.cm**2 / u.s

#: Every option of the ``[simulation]`` table once: kind, documented and cgs unit, default,
#: range, meaning (read by :mod:`crescape.simulate.options`). ``None``: automatic (see the
#: attributes of :class:`SimulationConfig`).
SCHEMA = {
    s.name: s
    for s in [
        option(_S, "n_cells", 1000, low=3, doc="spatial cells between H and z_max"),
        option(_S, "z_max", 200.0, _kpc, u.cm, 0.0, low_open=True, doc="outer edge"),
        option(
            _S,
            "stretch",
            1.0,
            low=0.0,
            high=1e12,
            low_open=True,
            doc="last cell width over the first",
        ),
        option(_S, "geometry", "planar_spherical", choices=_GEOMETRIES, doc="cross-section A(z)"),
        option(_S, "n_momenta", 48, low=1, doc="momentum bins"),
        option(
            _S,
            "E_grid_min",
            None,
            _GeV,
            u.erg,
            0.0,
            low_open=True,
            doc="lowest grid energy (default E_min)",
        ),
        option(
            _S,
            "E_grid_max",
            None,
            _GeV,
            u.erg,
            0.0,
            low_open=True,
            doc="highest grid energy (default E_max)",
        ),
        option(
            _S,
            "E_J",
            None,
            _GeV,
            u.erg,
            0.0,
            low_open=True,
            doc="lowest energy of the current (default: lowest bin)",
        ),
        option(_S, "t_end", 1000.0, _Myr, u.s, 0.0, low_open=True, doc="end of the run"),
        option(_S, "n_output", 21, low=1, doc="snapshots including t = 0"),
        option(_S, "cfl", 0.4, low=0.0, high=1.0, low_open=True, doc="Courant number"),
        option(_S, "dt_max", 10.0, _Myr, u.s, 0.0, low_open=True, doc="largest step"),
        option(_S, "dt_initial", 1.0, _yr, u.s, 0.0, low_open=True, doc="first step"),
        option(
            _S,
            "dt_growth",
            1.2,
            low=1.0,
            high=10.0,
            low_open=True,
            doc="largest ratio of consecutive steps",
        ),
        option(
            _S,
            "criteria",
            "larmor,alfven,energy_flux",
            kind="quantity",
            choices=(),
            doc=f"saturation criteria, a non-empty subset of {', '.join(CRITERIA)}",
        ),
        option(_S, "rate", "dispersion", choices=RATES, doc="growth rate"),
        option(_S, "closure", "exponential", choices=CLOSURES, doc="integration of the growth"),
        option(_S, "branch", "nonresonant", choices=BRANCHES, doc="branches that grow"),
        option(_S, "seed_fraction", 1.0, low=0.0, high=1e3, low_open=True, doc="initial δB/B0"),
        option(
            _S,
            "coherence_length",
            None,
            _kpc,
            u.cm,
            0.0,
            low_open=True,
            doc="ℓ_c of the amplified field (default: r_L of the top energy)",
        ),
        option(_S, "D_max", 1e33, _cm2s, _cm2s, 0.0, low_open=True, doc="largest D"),
        option(
            _S,
            "gamma",
            5.0 / 3.0,
            low=1.0,
            high=10.0,
            low_open=True,
            doc="adiabatic index of the gas",
        ),
        option(_S, "isothermal", False, doc="isothermal gas"),
        option(_S, "gas_inner", "inflow", choices=_GAS_BC, doc="gas at the halo boundary"),
        option(_S, "gas_limiter", "minmod", choices=("minmod", "mc"), doc="slope limiter"),
        option(
            _S,
            "gas_outer",
            "outflow",
            choices=("outflow", "reflecting", "inflow"),
            doc="gas at the outer edge",
        ),
        option(_S, "cr_inner", "escape_flux", choices=_CR_INNER, doc="CRs at the halo boundary"),
        option(_S, "cr_outer", "free_escape", choices=_OUTER, doc="CRs at the outer edge"),
        option(_S, "theta", 1.0, low=0.5, high=1.0, doc="implicitness of the CR diffusion"),
        option(_S, "checkpoint_every", 500, low=1, doc="steps between checkpoints"),
        option(
            _S,
            "damping",
            "none",
            choices=("none", "cascade"),
            doc="decay of the undriven turbulence (cascade: strong MHD turbulence)",
        ),
        option(
            _S,
            "damping_efficiency",
            1.0,
            low=0.0,
            low_open=True,
            doc="c_d of the cascade rate c_d δv/ℓ",
        ),
        option(
            _S,
            "damping_length",
            None,
            _kpc,
            u.cm,
            0.0,
            low_open=True,
            doc="outer scale ℓ of the decaying turbulence (default: r_L of the top energy)",
        ),
        # --- the Milky Way halo: gravity and radiative cooling (docs/halo.md) -------------
        option(
            _S,
            "potential",
            "none",
            choices=("none", "mw2014", "mw2014_halo"),
            doc="gravitational potential: MWPotential2014 (Bovy 2015) or its NFW halo alone",
        ),
        option(
            _S,
            "halo_scale",
            1.0,
            low=0.0,
            high=100.0,
            low_open=True,
            doc="factor on the density of the potential's NFW halo",
        ),
        option(
            _S,
            "cooling",
            "none",
            choices=("none", "sd93"),
            doc="radiative cooling: CIE of Sutherland & Dopita (1993), exact isochoric step",
        ),
        option(
            _S,
            "cooling_feh",
            "0.0",
            choices=tuple(METALLICITIES),
            doc="[Fe/H] of the cooling function",
        ),
        option(
            _S,
            "cooling_courant",
            0.2,
            low=0.0,
            doc="largest change of T in a step, as a fraction of T (0: no limit; the step is exact)",
        ),
        option(
            _S,
            "streaming",
            "none",
            choices=("none", "alfven_dB", "alfven_B0"),
            doc="CR streaming at v_A down ∇P_CR, heating the gas: v_A in √(B0²+δB²) or in B0",
        ),
    ]
}

#: options with units: name -> (documented unit, cgs unit)
_UNITS = {
    k: (sp.unit, sp.cgs)
    for k, sp in SCHEMA.items()
    if sp.kind == "quantity" and not sp.choices and sp.unit != u.dimensionless_unscaled
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
    damping : {"none", "cascade"}
        Decay of the turbulence where no current drives it (status ``not_driven`` or
        ``above_cap``), its energy heating the gas
        (:class:`crescape.simulate.coupled.operators.FieldDampingOp`); default none.
    damping_efficiency : float
        c_d of the decay rate c_d δv/ℓ.
    damping_length : float [kpc] or None
        Outer scale ℓ; None: r_L of the highest grid energy in the local field.
    potential : {"none", "mw2014", "mw2014_halo"}
        Gravity of MWPotential2014 (Bovy 2015) along the rotation axis, or of its NFW halo
        alone (:mod:`crescape.physics.potential`); the gas then starts as the isothermal
        atmosphere at rest through the CGM's ρ0, P0 at the halo boundary (δ_G is the
        overdensity there), with hydrostatic reservoirs (:mod:`.coupled.gravity`).
    halo_scale : float
        Factor on the density of the potential's NFW halo.
    cooling : {"none", "sd93"}
        Radiative cooling with the CIE function of Sutherland & Dopita (1993), integrated
        exactly after the gas step (:mod:`.coupled.cooling`).
    cooling_feh : str
        [Fe/H] of the cooling function (:data:`crescape.physics.cooling.METALLICITIES`).
    cooling_courant : float
        Largest change of the temperature in a step, as a fraction of T (0: no limit).
    streaming : {"none", "alfven_dB", "alfven_B0"}
        CR streaming down the CR pressure gradient at the Alfvén speed in the total field
        √(B0² + δB²) or in B0, with its heating v_A|∇P_CR| of the gas paid by the CRs
        (:mod:`.coupled.streaming`).
    """

    n_cells: int = SCHEMA["n_cells"].default
    z_max: float = SCHEMA["z_max"].default
    stretch: float = SCHEMA["stretch"].default
    geometry: str = SCHEMA["geometry"].default
    n_momenta: int = SCHEMA["n_momenta"].default
    E_grid_min: float | None = SCHEMA["E_grid_min"].default
    E_grid_max: float | None = SCHEMA["E_grid_max"].default
    E_J: float | None = SCHEMA["E_J"].default
    t_end: float = SCHEMA["t_end"].default
    n_output: int = SCHEMA["n_output"].default
    cfl: float = SCHEMA["cfl"].default
    dt_max: float = SCHEMA["dt_max"].default
    dt_initial: float = SCHEMA["dt_initial"].default
    dt_growth: float = SCHEMA["dt_growth"].default
    criteria: tuple = tuple(SCHEMA["criteria"].default.split(","))
    rate: str = SCHEMA["rate"].default
    closure: str = SCHEMA["closure"].default
    branch: str = SCHEMA["branch"].default
    seed_fraction: float = SCHEMA["seed_fraction"].default
    coherence_length: float | None = SCHEMA["coherence_length"].default
    D_max: float = SCHEMA["D_max"].default
    gamma: float = SCHEMA["gamma"].default
    isothermal: bool = SCHEMA["isothermal"].default
    gas_inner: str = SCHEMA["gas_inner"].default
    gas_limiter: str = SCHEMA["gas_limiter"].default
    gas_outer: str = SCHEMA["gas_outer"].default
    cr_inner: str = SCHEMA["cr_inner"].default
    cr_outer: str = SCHEMA["cr_outer"].default
    theta: float = SCHEMA["theta"].default
    checkpoint_every: int = SCHEMA["checkpoint_every"].default
    damping: str = SCHEMA["damping"].default
    damping_efficiency: float = SCHEMA["damping_efficiency"].default
    damping_length: float | None = SCHEMA["damping_length"].default
    potential: str = SCHEMA["potential"].default
    halo_scale: float = SCHEMA["halo_scale"].default
    cooling: str = SCHEMA["cooling"].default
    cooling_feh: str = SCHEMA["cooling_feh"].default
    cooling_courant: float = SCHEMA["cooling_courant"].default
    streaming: str = SCHEMA["streaming"].default
    _cgs: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict | None) -> SimulationConfig:
        """Validate a ``[simulation]`` table; raise :class:`ParameterError` on bad input."""
        d = dict(d or {})
        res = read_table(_S, SCHEMA, d, skip=("criteria",))
        vals, cgs = {}, {}
        for n, v in res.items():
            if n in _UNITS and v is not None:  # the value as given, in the documented unit
                cgs[n] = v
                vals[n] = float(parse_value(SCHEMA[n], d.get(n, SCHEMA[n].default)).value)
            else:
                vals[n] = v
        crit = d.get("criteria", cls.criteria)
        if isinstance(crit, str):
            crit = tuple(x.strip().strip("'\"") for x in crit.strip("[]").split(",") if x.strip())
        if (
            not isinstance(crit, list | tuple)
            or not crit
            or any(not isinstance(c, str) or c not in CRITERIA for c in crit)
        ):
            raise ParameterError(
                f"{_S}.criteria = {d.get('criteria')!r} is not allowed: must be a non-empty "
                f"subset of {', '.join(CRITERIA)}"
            )
        vals["criteria"] = tuple(crit)
        lo, hi = cgs.get("E_grid_min"), cgs.get("E_grid_max")
        if lo is not None and not lo > C.m_p_c2:
            raise ParameterError(
                f"{_S}.E_grid_min = {d['E_grid_min']!r} is not allowed: must be > "
                f"{C.m_p_c2 / C.GeV:.6g} GeV (the proton rest energy; E is the total energy)"
            )
        if lo is not None and hi is not None and not hi > lo:
            raise ParameterError(
                f"{_S}.E_grid_max = {d['E_grid_max']!r} is not allowed: must be > "
                f"E_grid_min = {d['E_grid_min']!r}"
            )
        if vals["branch"] == "full" and vals["rate"] != "dispersion":
            raise ParameterError(
                f"{_S}.branch = 'full' is not allowed with rate = {vals['rate']!r}: "
                "must be used with rate = 'dispersion'"
            )
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
        """Every option for the output attributes: ``config.simulation.<key>`` in the documented
        unit, with ``config.simulation.<key>.units`` for the dimensional ones (the rule of
        :meth:`crescape.params.Parameters.as_attrs`); None (automatic) is ``"default"``."""
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
            key = f"config.{_S}.{f.name}"
            out[key] = v
            if f.name in _UNITS:
                out[key + ".units"] = _UNITS[f.name][0].to_string()
        return out


def load_config(path, overrides: dict | None = None) -> tuple[Parameters, SimulationConfig]:
    """(Parameters, SimulationConfig) from a TOML file and ``--set`` overrides.

    The file and the overrides are read strictly (:func:`crescape.simulate.options.load`):
    ``n_cells=200`` or ``simulation.n_cells=200`` sets an option, ``delta_G=10`` or
    ``cgm.delta_G=10`` a physical parameter.
    """
    params, tables = load(path, overrides, {_S: SCHEMA}, skip={_S: ("criteria",)})
    return params, SimulationConfig.from_dict(tables.get(_S, {}))
