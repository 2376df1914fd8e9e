"""Parameters of the model: the Galaxy, the circumgalactic medium and the microphysics.

Three frozen dataclasses, :class:`Galaxy`, :class:`CGM` and :class:`Microphysics`,
hold the physical assumptions of Blasi & Amato (2019). Their defaults are the
paper's values. Every value is validated when the object is made and converted
to cgs once; the physics layer reads the plain float64 (or array) values from
``obj.cgs``.

Values may be given as

* astropy Quantities of any compatible unit (``R_d=12 * u.kpc``),
* plain numbers, read in the documented unit of the field (``R_d=12`` is 12 kpc),
* strings that astropy can parse (``R_d="12 kpc"``), as from a TOML file or ``--set``,
* numpy arrays of any of these, for vectorised parameter studies.

The table :data:`SPECS` is the single place where the name, unit, default,
allowed range and meaning of every parameter are written.

Examples
--------
>>> from crescape.params import Galaxy, CGM
>>> import astropy.units as u
>>> g = Galaxy(L_CR=2e41 * u.erg / u.s)
>>> print(round(float(g.cgs.R_d) / 3.0857e21, 3))
10.0
>>> CGM(delta_G=100).delta_G
<Quantity 100.>
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import astropy.units as u
import numpy as np

__all__ = [
    "ParameterError",
    "Spec",
    "SPECS",
    "Galaxy",
    "CGM",
    "Microphysics",
    "Parameters",
    "from_toml",
    "parse_set",
    "parse_value",
]


class ParameterError(ValueError):
    """A parameter has a value that is not allowed.

    The message names the parameter, the value given and what is allowed.
    """


@dataclass(frozen=True)
class Spec:
    """The specification of one parameter.

    Attributes
    ----------
    name : str
        Attribute name, also the ``--set`` key.
    group : str
        ``"galaxy"``, ``"cgm"`` or ``"micro"``.
    unit : astropy.units.UnitBase
        Documented unit: plain numbers are read in it.
    cgs : astropy.units.UnitBase
        The cgs unit of the value stored in ``obj.cgs``.
    default : float or str
        The paper's value (in ``unit``), or a string for a choice parameter.
    low, high : float
        Allowed range in ``unit``; ``low_open``/``high_open`` make the bound exclusive.
    doc : str
        Meaning and source.
    choices : tuple of str
        For choice parameters, the allowed values.
    """

    name: str
    group: str
    unit: Any
    cgs: Any
    default: Any
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        """Human-readable allowed range."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        unit = "" if self.unit == u.dimensionless_unscaled else f" {self.unit.to_string()}"
        lo = (
            f"{'>' if self.low_open else '>='} {self.low:g}{unit}"
            if math.isfinite(self.low)
            else ""
        )
        hi = (
            f"{'<' if self.high_open else '<='} {self.high:g}{unit}"
            if math.isfinite(self.high)
            else ""
        )
        if lo and hi:
            return f"a finite value {lo} and {hi}"
        return f"a finite value {lo or hi}".rstrip()


_dimless = u.dimensionless_unscaled
_flux_unit = u.erg / u.s

#: Every parameter, once: name, group, documented unit, cgs unit, default, range, meaning.
SPECS: dict[str, Spec] = {
    s.name: s
    for s in [
        # --- the Galaxy -----------------------------------------------------------------
        Spec(
            "L_CR",
            "galaxy",
            _flux_unit,
            _flux_unit,
            1e41,
            0,
            math.inf,
            True,
            False,
            "CR luminosity of the Galaxy; the paper's L_41 = 1 (Eq. 3)",
        ),
        Spec(
            "R_d",
            "galaxy",
            u.kpc,
            u.cm,
            10.0,
            0,
            math.inf,
            True,
            False,
            "radius of the Galactic disk; the paper's R_10 = 1 (Eq. 1)",
        ),
        Spec(
            "H",
            "galaxy",
            u.kpc,
            u.cm,
            4.0,
            0,
            math.inf,
            True,
            False,
            "halo half-height, the free-escape boundary |z| = H (Eq. 2); not fixed by the paper",
        ),
        Spec(
            "slope",
            "galaxy",
            _dimless,
            _dimless,
            2.0,
            1.0,
            4.0,
            True,
            False,
            "source spectral index s, Q(E) ∝ E^-s (paper: s = 2, Eq. 3)",
        ),
        Spec(
            "E_min",
            "galaxy",
            u.GeV,
            u.erg,
            1.0,
            0,
            math.inf,
            True,
            False,
            "lowest energy of the source spectrum (paper: 1 GeV, in Λ)",
        ),
        Spec(
            "E_max",
            "galaxy",
            u.GeV,
            u.erg,
            1e6,
            0,
            math.inf,
            True,
            False,
            "highest energy (or cutoff energy) of the source spectrum (paper: 1 PeV, Eq. 6)",
        ),
        Spec(
            "cutoff",
            "galaxy",
            None,
            None,
            "sharp",
            doc="shape of the spectrum at E_max: 'sharp' (paper) or 'exponential' (exp(-E/E_max))",
            choices=("sharp", "exponential"),
        ),
        Spec(
            "D_gal",
            "galaxy",
            u.cm**2 / u.s,
            u.cm**2 / u.s,
            3e28,
            0,
            math.inf,
            True,
            False,
            "Galactic diffusion coefficient at E_D (Eq. 1); only n_gal depends on it",
        ),
        Spec(
            "D_gal_slope",
            "galaxy",
            _dimless,
            _dimless,
            1.0 / 3.0,
            0.0,
            1.0,
            False,
            False,
            "energy slope of the Galactic diffusion coefficient, D ∝ E^delta (Eq. 1)",
        ),
        Spec(
            "E_D",
            "galaxy",
            u.GeV,
            u.erg,
            1.0,
            0,
            math.inf,
            True,
            False,
            "reference energy of D_gal",
        ),
        # --- the circumgalactic medium --------------------------------------------------
        Spec(
            "delta_G",
            "cgm",
            _dimless,
            _dimless,
            1.0,
            0,
            1e6,
            True,
            False,
            "baryon overdensity of the CGM, rho = delta_G Omega_b rho_cr (after Eq. 5)",
        ),
        Spec(
            "T",
            "cgm",
            u.K,
            u.K,
            1e6,
            0,
            1e10,
            True,
            False,
            "CGM temperature (the paper's T_4, T_6 normalisations)",
        ),
        Spec(
            "B0",
            "cgm",
            u.G,
            u.G,
            1e-10,
            0,
            1e-3,
            True,
            False,
            "seed (pre-existing, regular) field of the CGM (Eq. 4); not fixed by the paper",
        ),
        Spec(
            "Omega_b_h2",
            "cgm",
            _dimless,
            _dimless,
            0.022,
            0,
            1,
            True,
            False,
            "cosmic baryon density parameter times h^2 (paper: 0.022)",
        ),
        Spec(
            "rho_cr_h2",
            "cgm",
            u.g / u.cm**3,
            u.g / u.cm**3,
            1.88e-29,
            0,
            math.inf,
            True,
            False,
            "critical density divided by h^2 (paper: 1.88e-29 g cm^-3); h cancels",
        ),
        Spec(
            "X_H",
            "cgm",
            _dimless,
            _dimless,
            0.76,
            0,
            1,
            True,
            False,
            "hydrogen mass fraction of the CGM gas (primordial); the rest is helium",
        ),
        # --- microphysics ---------------------------------------------------------------
        Spec(
            "eta",
            "micro",
            _dimless,
            _dimless,
            0.05,
            0,
            1,
            True,
            False,
            "neutrino energy fraction, E_nu = eta E (Eq. 17)",
        ),
        Spec(
            "sigma_pp",
            "micro",
            u.mbarn,
            u.cm**2,
            35.0,
            0,
            1e3,
            True,
            False,
            "inelastic pp cross section (Eq. 16); the paper does not state it: 35 mb, the "
            "inelastic cross section at a few TeV, gives its Eq. 17 value (docs/paper-notes.md)",
        ),
        Spec(
            "nu_yield",
            "micro",
            _dimless,
            _dimless,
            1.0,
            0,
            100,
            True,
            False,
            "neutrinos of energy eta E per interaction (the paper's Eq. 16 implies 1)",
        ),
    ]
}

GROUPS = {"galaxy": "Galaxy", "cgm": "CGM", "micro": "Microphysics"}


def parse_value(spec: Spec, value: Any) -> Any:
    """Validate one parameter value and return it as a Quantity in ``spec.unit``.

    Parameters
    ----------
    spec : Spec
        The parameter's specification.
    value : Quantity, float, str or array
        The value, as described in the module docstring.

    Returns
    -------
    astropy.units.Quantity or str
        The value in the documented unit (a string for choice parameters).

    Raises
    ------
    ParameterError
        If the value has the wrong unit, is not finite or is out of range.
    """
    if spec.choices:
        if not isinstance(value, str) or value not in spec.choices:
            raise ParameterError(
                f"{spec.name} = {value!r} is not allowed: must be {spec.allowed()}"
            )
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            q = u.Quantity(text)
        except (TypeError, ValueError):
            raise ParameterError(
                f"{spec.name} = {value!r} cannot be read as a number with an optional unit; "
                f"expected e.g. '{spec.default:g} {spec.unit.to_string()}'".rstrip()
            ) from None
        if q.unit == _dimless and spec.unit != _dimless:
            q = q.value * spec.unit
    elif isinstance(value, u.Quantity):
        q = value
    else:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(
                f"{spec.name} = {value!r} is not a number; must be {spec.allowed()}"
            ) from None
        q = arr * spec.unit
    try:
        q = q.to(spec.unit)
    except u.UnitConversionError:
        raise ParameterError(
            f"{spec.name} = {value} has the wrong unit ({q.unit.to_string() or 'dimensionless'}); "
            f"expected a quantity convertible to {spec.unit.to_string() or 'dimensionless'}"
        ) from None
    v = np.asarray(q.value, dtype=float)
    bad = ~np.isfinite(v)
    if spec.low_open:
        bad |= v <= spec.low
    else:
        bad |= v < spec.low
    if spec.high_open:
        bad |= v >= spec.high
    else:
        bad |= v > spec.high
    if np.any(bad):
        shown = v[bad].flat[0] if v.ndim else float(v)
        raise ParameterError(
            f"{spec.name} = {shown:g} {spec.unit.to_string()} is not allowed: "
            f"must be {spec.allowed()}".replace("  ", " ")
        )
    return q


def _group_specs(group: str) -> list[Spec]:
    return [s for s in SPECS.values() if s.group == group]


class _ParamGroup:
    """Shared behaviour of the three parameter dataclasses."""

    _group: str = ""

    def __post_init__(self) -> None:
        cgs = {}
        for spec in _group_specs(self._group):
            q = parse_value(spec, getattr(self, spec.name))
            object.__setattr__(self, spec.name, q)
            cgs[spec.name] = q if spec.choices else q.to_value(spec.cgs)
        object.__setattr__(self, "cgs", SimpleNamespace(**cgs))
        self._check()

    def _check(self) -> None:  # cross-parameter checks
        pass

    def replace(self, **changes: Any):
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Parameters as plain values in their documented units (JSON-friendly for scalars)."""
        out = {}
        for spec in _group_specs(self._group):
            v = getattr(self, spec.name)
            if isinstance(v, u.Quantity):
                out[spec.name] = v.value.tolist() if v.ndim else float(v.value)
            else:
                out[spec.name] = v
        return out

    def units(self) -> dict[str, str]:
        """Documented unit of each parameter."""
        return {
            s.name: (s.unit.to_string() if s.unit is not None else "")
            for s in _group_specs(self._group)
        }


def _field(name: str):
    spec = SPECS[name]
    default = spec.default if spec.choices else spec.default * spec.unit
    return field(default=default, metadata={"spec": spec})


@dataclass(frozen=True, eq=False)
class Galaxy(_ParamGroup):
    """The Galaxy as a source of escaping cosmic rays (Eqs. 1-3).

    Parameters
    ----------
    L_CR : Quantity [erg/s] or float in erg/s
        CR luminosity. Default 1e41 erg/s.
    R_d : Quantity [length] or float in kpc
        Disk radius. Default 10 kpc.
    H : Quantity [length] or float in kpc
        Halo half-height (free-escape boundary). Default 4 kpc.
    slope : float
        Source spectral index s (Q ∝ E^-s), 1 < s <= 4. Default 2.
    E_min, E_max : Quantity [energy] or float in GeV
        Energy range of the source spectrum. Defaults 1 GeV and 1 PeV.
    cutoff : {'sharp', 'exponential'}
        Spectral shape at E_max. Default 'sharp' (the paper's).
    D_gal : Quantity [cm2/s] or float, D_gal_slope : float, E_D : energy
        Galactic diffusion coefficient D(E) = D_gal (E/E_D)^D_gal_slope (Eq. 1 only).
    """

    _group = "galaxy"
    L_CR: Any = _field("L_CR")
    R_d: Any = _field("R_d")
    H: Any = _field("H")
    slope: Any = _field("slope")
    E_min: Any = _field("E_min")
    E_max: Any = _field("E_max")
    cutoff: Any = _field("cutoff")
    D_gal: Any = _field("D_gal")
    D_gal_slope: Any = _field("D_gal_slope")
    E_D: Any = _field("E_D")

    def _check(self) -> None:
        if np.any(np.asarray(self.cgs.E_min) >= np.asarray(self.cgs.E_max)):
            raise ParameterError(
                f"E_min = {self.E_min} and E_max = {self.E_max} are not allowed: "
                "E_min must be below E_max"
            )


@dataclass(frozen=True, eq=False)
class CGM(_ParamGroup):
    """The circumgalactic medium around the Galaxy.

    Parameters
    ----------
    delta_G : float
        Baryon overdensity; rho = delta_G Omega_b rho_cr. Default 1.
    T : Quantity [K] or float in K
        Gas temperature. Default 1e6 K.
    B0 : Quantity [G] or float in G
        Seed field. Default 1e-10 G.
    Omega_b_h2 : float
        Baryon density parameter times h^2. Default 0.022 (paper).
    rho_cr_h2 : Quantity [g/cm3] or float in g/cm3
        Critical density over h^2. Default 1.88e-29 g/cm3 (paper).
    X_H : float
        Hydrogen mass fraction. Default 0.76.
    """

    _group = "cgm"
    delta_G: Any = _field("delta_G")
    T: Any = _field("T")
    B0: Any = _field("B0")
    Omega_b_h2: Any = _field("Omega_b_h2")
    rho_cr_h2: Any = _field("rho_cr_h2")
    X_H: Any = _field("X_H")


@dataclass(frozen=True, eq=False)
class Microphysics(_ParamGroup):
    """Microphysics of the neutrino estimate (Eqs. 16-17).

    Parameters
    ----------
    eta : float
        Fraction of the proton energy given to one neutrino. Default 0.05.
    sigma_pp : Quantity [area] or float in mb
        Inelastic pp cross section. Default 35 mb.
    nu_yield : float
        Neutrinos of energy eta E per interaction (paper: 1).
    """

    _group = "micro"
    eta: Any = _field("eta")
    sigma_pp: Any = _field("sigma_pp")
    nu_yield: Any = _field("nu_yield")


@dataclass(frozen=True, eq=False)
class Parameters:
    """The three parameter groups together."""

    galaxy: Galaxy = field(default_factory=Galaxy)
    cgm: CGM = field(default_factory=CGM)
    micro: Microphysics = field(default_factory=Microphysics)

    @classmethod
    def from_flat(cls, values: dict[str, Any] | None = None) -> Parameters:
        """Build from a flat mapping ``{name: value}`` (``--set`` keys; ``group.name`` also accepted)."""
        groups: dict[str, dict[str, Any]] = {"galaxy": {}, "cgm": {}, "micro": {}}
        for key, value in (values or {}).items():
            name = key.split(".", 1)[1] if "." in key else key
            spec = SPECS.get(name)
            if spec is None or ("." in key and key.split(".", 1)[0] != spec.group):
                raise ParameterError(
                    f"unknown parameter {key!r}; known parameters: {', '.join(SPECS)}"
                )
            groups[spec.group][name] = value
        return cls(
            Galaxy(**groups["galaxy"]), CGM(**groups["cgm"]), Microphysics(**groups["micro"])
        )

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some parameters (by flat name) changed."""
        flat = self.as_flat()
        flat.update(changes)
        return Parameters.from_flat(flat)

    def as_flat(self) -> dict[str, Any]:
        """Flat mapping of every parameter as Quantity (or string)."""
        out: dict[str, Any] = {}
        for grp in (self.galaxy, self.cgm, self.micro):
            for spec in _group_specs(grp._group):
                out[spec.name] = getattr(grp, spec.name)
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain values in documented units, for JSON and netCDF attributes."""
        return {**self.galaxy.as_dict(), **self.cgm.as_dict(), **self.micro.as_dict()}

    def units(self) -> dict[str, str]:
        """Documented unit of every parameter."""
        return {**self.galaxy.units(), **self.cgm.units(), **self.micro.units()}

    @property
    def cgs(self) -> SimpleNamespace:
        """All cgs values in one namespace."""
        return SimpleNamespace(
            **vars(self.galaxy.cgs), **vars(self.cgm.cgs), **vars(self.micro.cgs)
        )


def parse_set(items: list[str] | None) -> dict[str, str]:
    """Parse ``key=value`` strings (from ``--set``) into a mapping.

    Raises
    ------
    ParameterError
        If an item has no ``=`` or names an unknown key.
    """
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ParameterError(f"--set {item!r} is not of the form key=value")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def from_toml(path: str | Path) -> dict[str, Any]:
    """Read parameters from a TOML file.

    The file may be flat (``L_CR = "1e41 erg/s"``) or grouped in tables
    ``[galaxy]``, ``[cgm]``, ``[micro]``. Numbers are read in the documented units.

    Returns
    -------
    dict
        Flat mapping ``{name: value}``; other top-level tables are returned
        under their own key prefixed with ``_`` for the caller to use.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ParameterError(f"config = {str(path)!r}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"config = {str(path)!r} is not valid TOML: {exc}") from None
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            if key in GROUPS or key in ("micro", "microphysics"):
                grp = "micro" if key == "microphysics" else key
                for k, v in value.items():
                    flat[f"{grp}.{k}"] = v
            else:
                flat["_" + key] = value
        else:
            flat[key] = value
    return flat
