"""Parameters of the model: the Galaxy, the circumgalactic medium and the microphysics.

Three frozen dataclasses, :class:`Galaxy`, :class:`CGM` and :class:`Microphysics`,
hold the physical assumptions of Blasi & Amato (2019). Their defaults are the
paper's values. Every value is validated when the object is made and converted
to cgs once; the physics layer reads the plain float64 (or array) values from
``obj.cgs``.

Values may be given as (the one rule of docs/units.md, :func:`crescape.units.parse_quantity`)

* astropy Quantities of any compatible unit (``R_d=12 * u.kpc``; ``T`` also in keV),
* plain numbers, read in the documented unit of the field (``R_d=12`` is 12 kpc),
* strings that astropy can parse (``R_d="12 kpc"``), as from a TOML file or ``--set``,
* numpy arrays of any of these, for vectorised parameter studies.

Booleans, wrong dimensions and values outside the allowed range are errors
(:class:`ParameterError`, one line naming the parameter, the value and the range).

The API other modules build on
------------------------------
:data:`SPECS`
    Every model parameter once: name, group, documented unit, cgs unit, default,
    allowed range and meaning (:class:`Spec`). :data:`OPTION_SPECS` holds the
    evaluation points (``energy``, ``E_nu``) read by the same rule.
:class:`Spec`
    Also describes the options of other modules: ``kind="integer"`` (a grid
    size) and ``kind="boolean"`` (a switch) besides numbers with units and
    choices, so that a table of options is a ``{key: Spec}`` mapping.
:func:`parse_value`
    One value against its :class:`Spec` (unit, range, choices) -> Quantity
    (or str, int, bool).
:func:`parse_quantity`
    The single reader of "a number with a unit" (:func:`crescape.units.parse_quantity`).
:func:`load_toml`
    The strict TOML loader: unknown tables, unknown keys, a key given twice
    (top level and in its group), booleans for numbers and bad values are
    errors naming the key and the file. Returns ``{name: value}`` (checked,
    as written) plus, for each extra table the caller accepts, ``{table: {key: value}}``.
:func:`describe`
    One row per Spec (name, group, unit, default, range, doc), for listings.
:meth:`Parameters.as_attrs` / :meth:`Parameters.from_attrs`
    The full parameter set as flat, netCDF-safe output attributes, and back:
    ``param.<name>`` holds the value in the documented unit and
    ``param.<name>.units`` that unit (for dimensional parameters only).

Examples
--------
>>> from crescape.params import Galaxy, CGM
>>> import astropy.units as u
>>> g = Galaxy(L_CR=2e41 * u.erg / u.s)
>>> print(round(float(g.cgs.R_d) / 3.0857e21, 3))
10.0
>>> CGM(delta_G=100).delta_G
<Quantity 100.>
>>> Parameters().as_attrs()["param.R_d"], Parameters().as_attrs()["param.R_d.units"]
(10.0, 'kpc')
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import astropy.units as u
import numpy as np

from .errors import ParameterError, ValidityWarning
from .units import parse_quantity

__all__ = [
    "ParameterError",
    "ValidityWarning",
    "Spec",
    "SPECS",
    "DEFAULT_TEXT",
    "OPTION_SPECS",
    "GROUPS",
    "Galaxy",
    "CGM",
    "Microphysics",
    "Parameters",
    "ParamRow",
    "describe",
    "load_toml",
    "from_toml",
    "parse_quantity",
    "parse_set",
    "parse_value",
]


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
    default : float, str or None
        The paper's value (in ``unit``), or a string for a choice parameter. None for
        an optional model parameter that is absent by default (``E_break``: no break;
        ``slope_high``: equal to ``slope``), whose meaning :data:`DEFAULT_TEXT` states.
    low, high : float
        Allowed range in ``unit``; ``low_open``/``high_open`` make the bound exclusive.
    doc : str
        Meaning and source.
    choices : tuple of str
        For choice parameters, the allowed values.
    kind : {'quantity', 'integer', 'boolean'}
        What the value is: a number with a unit (the default; a choice
        parameter when ``choices`` is set), an integer (``unit`` None; the range
        applies) or a boolean (``true``/``false``; nothing else is one). Options
        of other modules (e.g. a grid size or a switch) are described this way
        and read by :func:`parse_value` and :func:`load_toml` like the parameters.
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
    kind: str = "quantity"

    def allowed(self) -> str:
        """Human-readable allowed range."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "boolean":
            return "true or false"
        unit = (
            ""
            if self.unit is None or self.unit == u.dimensionless_unscaled
            else f" {self.unit.to_string()}"
        )
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
        what = "an integer" if self.kind == "integer" else "a finite value"
        if lo and hi:
            return f"{what} {lo} and {hi}"
        return f"{what} {lo or hi}".rstrip()


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
            "E_break",
            "galaxy",
            u.GeV,
            u.erg,
            None,
            0,
            math.inf,
            True,
            False,
            "break energy of the source spectrum, Q ∝ E^-slope below it and "
            "E_break^(slope_high-slope) E^-slope_high above (continuous); not in the paper. "
            "Default none (the paper's single power law); if given, E_min < E_break < E_max",
        ),
        Spec(
            "slope_high",
            "galaxy",
            _dimless,
            _dimless,
            None,
            1.0,
            4.0,
            True,
            False,
            "source spectral index above E_break (default: equal to slope)",
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

#: The meaning of the default of the model parameters whose default is None (absent).
DEFAULT_TEXT = {"E_break": "none (no break)", "slope_high": "slope"}

#: The parameter groups: TOML table name -> dataclass name.
GROUPS = {"galaxy": "Galaxy", "cgm": "CGM", "micro": "Microphysics"}
_GROUP_ALIASES = {"microphysics": "micro"}

#: Values that are not model parameters but are read by the same rule: where the chain is evaluated.
OPTION_SPECS: dict[str, Spec] = {
    s.name: s
    for s in [
        Spec(
            "energy",
            "evaluation",
            u.GeV,
            u.erg,
            1.0,
            0.0,
            math.inf,
            True,
            False,
            "CR energy at which the chain is evaluated",
        ),
        Spec(
            "E_nu",
            "evaluation",
            u.GeV,
            u.erg,
            1e5,
            0.0,
            math.inf,
            True,
            False,
            "neutrino energy",
        ),
    ]
}


class ParamRow(NamedTuple):
    """One row of :func:`describe`."""

    name: str
    group: str
    unit: str
    default: float | str
    range: str
    doc: str


def describe(groups: Iterable[str] | None = None, options: bool = True) -> list[ParamRow]:
    """Every parameter's name, group, documented unit, default, allowed range and meaning.

    Parameters
    ----------
    groups : iterable of str, optional
        Only these groups (``"galaxy"``, ``"cgm"``, ``"micro"``, ``"evaluation"``).
    options : bool
        Include :data:`OPTION_SPECS` (the evaluation energies).

    Returns
    -------
    list of ParamRow
        In the order of :data:`SPECS`; ``unit`` is ``""`` for dimensionless and
        choice parameters, ``range`` the text of :meth:`Spec.allowed`.

    Examples
    --------
    >>> row = describe(["galaxy"])[1]
    >>> row.name, row.unit, row.default, row.range
    ('R_d', 'kpc', 10.0, 'a finite value > 0 kpc')
    """
    specs = list(SPECS.values()) + (list(OPTION_SPECS.values()) if options else [])
    wanted = None if groups is None else set(groups)
    rows = []
    for sp in specs:
        if wanted is not None and sp.group not in wanted:
            continue
        unit = "" if sp.unit is None else sp.unit.to_string()
        default = DEFAULT_TEXT.get(sp.name, sp.default) if sp.default is None else sp.default
        rows.append(ParamRow(sp.name, sp.group, unit, default, sp.allowed(), sp.doc))
    return rows


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
    if spec.kind == "boolean":
        text = value.strip().lower() if isinstance(value, str) else None
        if isinstance(value, bool | np.bool_) or text in ("true", "false"):
            return bool(value) if text is None else text == "true"
        raise ParameterError(f"{spec.name} = {value!r} is not allowed: must be true or false")
    if spec.kind == "integer":
        return _parse_integer(spec, value)
    q = parse_quantity(value, spec.unit, spec.name)
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


def _parse_integer(spec: Spec, value: Any) -> int:
    """An integer option: an int, an integral float or its text; not a boolean."""
    bad = ParameterError(f"{spec.name} = {value!r} is not allowed: must be {spec.allowed()}")
    if isinstance(value, bool | np.bool_):
        raise bad
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise bad from None
    if not (math.isfinite(number) and number == int(number)):
        raise bad
    n = int(number)
    below = n <= spec.low if spec.low_open else n < spec.low
    above = n >= spec.high if spec.high_open else n > spec.high
    if below or above:
        raise bad
    return n


def _group_specs(group: str) -> list[Spec]:
    return [s for s in SPECS.values() if s.group == group]


class _ParamGroup:
    """Shared behaviour of the three parameter dataclasses."""

    _group: str = ""

    def __post_init__(self) -> None:
        cgs = {}
        for spec in _group_specs(self._group):
            if spec.default is None and getattr(self, spec.name) is None:
                cgs[spec.name] = None  # absent (the group's _check gives its cgs meaning)
                continue
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
            if v is None:
                out[spec.name] = None
            elif isinstance(v, u.Quantity):
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
    if spec.default is None:
        return field(default=None, metadata={"spec": spec})
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
    E_break : Quantity [energy] or float in GeV, optional
        Break of the source spectrum (not in the paper): Q ∝ E^-slope below it,
        E_break^(slope_high - slope) E^-slope_high above (continuous at E_break).
        Default None: no break (``cgs.E_break`` is inf). Must lie in (E_min, E_max).
    slope_high : float, optional
        Index above E_break, 1 < s₂ <= 4. Default None: equal to ``slope``
        (``cgs.slope_high`` is ``cgs.slope``).
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
    E_break: Any = _field("E_break")
    slope_high: Any = _field("slope_high")

    def _check(self) -> None:
        E_min, E_max = np.asarray(self.cgs.E_min), np.asarray(self.cgs.E_max)
        if np.any(E_min >= E_max):
            raise ParameterError(
                f"E_min = {self.E_min} and E_max = {self.E_max} are not allowed: "
                "E_min must be below E_max"
            )
        if self.cgs.E_break is None:
            self.cgs.E_break = np.inf
        else:
            Eb = np.asarray(self.cgs.E_break)
            bad = (Eb <= E_min) | (Eb >= E_max)
            if np.any(bad):
                shown = np.broadcast_to(self.E_break.to_value(u.GeV), bad.shape)[bad].flat[0]
                lo = np.broadcast_to(self.E_min.to_value(u.GeV), bad.shape)[bad].flat[0]
                hi = np.broadcast_to(self.E_max.to_value(u.GeV), bad.shape)[bad].flat[0]
                raise ParameterError(
                    f"E_break = {shown:g} GeV is not allowed: must be > E_min = {lo:g} GeV "
                    f"and < E_max = {hi:g} GeV"
                )
        if self.cgs.slope_high is None:
            self.cgs.slope_high = self.cgs.slope

    def spectrum(self) -> dict[str, Any]:
        """The break of the source spectrum as keyword arguments of the physics functions.

        ``{"E_break": cgs.E_break, "slope_high": cgs.slope_high}`` (inf and ``slope``
        without a break), for :mod:`crescape.physics.spectrum` / :mod:`~crescape.physics.escape`.
        """
        return {"E_break": self.cgs.E_break, "slope_high": self.cgs.slope_high}


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

    def changes(self) -> dict[str, Any]:
        """The parameters that differ from the paper's defaults, ``{name: Quantity or str}``."""
        out = {}
        for name, value in self.as_flat().items():
            spec = SPECS[name]
            if value is None or spec.default is None:
                if value is not None:
                    out[name] = value
                continue
            if spec.choices:
                if value != spec.default:
                    out[name] = value
            elif np.any(value.to_value(spec.unit) != spec.default):
                out[name] = value
        return out

    def changes_text(self) -> str:
        """:meth:`changes` as text for messages, e.g. ``"L_CR = 1e+300 erg / s, delta_G = 3"``."""
        parts = []
        for name, v in self.changes().items():
            if isinstance(v, str):
                parts.append(f"{name} = {v!r}")
            elif v.ndim == 0:
                parts.append(f"{name} = {v.value:g} {v.unit.to_string()}".rstrip())
            else:
                unit = f" {v.unit.to_string()}".rstrip()
                parts.append(
                    f"{name} = {np.min(v.value):g} to {np.max(v.value):g}{unit} ({v.size} values)"
                )
        return ", ".join(parts) or "the paper's parameters"

    def as_attrs(self, prefix: str = "param.", varied: Iterable[str] = ()) -> dict[str, Any]:
        """The full parameter set as flat, netCDF-safe attributes, the same in every output file.

        ``<prefix><name>`` holds the value in the parameter's documented unit
        (a float, a 1-D list of floats for array parameters, or the string of a
        choice parameter) and ``<prefix><name>.units`` that unit, for
        dimensional parameters only. Arrays of more than one dimension are
        stored flattened with ``<prefix><name>.shape``.
        :meth:`from_attrs` reads them back.

        Parameters
        ----------
        prefix : str
            Prefix of every key.
        varied : iterable of str
            Parameters that vary within the file (the axes of a sweep, the free
            parameters of a fit): their values are the file's coordinates or
            columns, so they are left out here and named, comma-separated, in
            ``<prefix>varied``.

        Examples
        --------
        >>> a = Parameters().as_attrs()
        >>> a["param.L_CR"], a["param.L_CR.units"], a["param.cutoff"], "param.slope.units" in a
        (1e+41, 'erg / s', 'sharp', False)
        >>> b = Parameters().as_attrs(varied=["delta_G", "L_CR"])
        >>> "param.delta_G" in b, "param.L_CR.units" in b, b["param.varied"]
        (False, False, 'delta_G, L_CR')
        """
        varied = list(dict.fromkeys(varied))
        unknown = [n for n in varied if n not in SPECS]
        if unknown:
            raise ParameterError(
                f"varied = {unknown!r} is not allowed: must be parameters ({', '.join(SPECS)})"
            )
        out: dict[str, Any] = {}
        if varied:
            out[prefix + "varied"] = ", ".join(varied)
        for name, value in self.as_flat().items():
            if name in varied:
                continue
            spec = SPECS[name]
            key = prefix + name
            if value is None:  # absent (E_break: no break): not written, read back as absent
                continue
            if spec.choices:
                out[key] = str(value)
                continue
            v = np.asarray(value.to_value(spec.unit), dtype=float)
            if v.ndim == 0:
                out[key] = float(v)
            else:
                out[key] = v.ravel().tolist()
                if v.ndim > 1:
                    out[key + ".shape"] = list(v.shape)
            if spec.unit != _dimless:
                out[key + ".units"] = spec.unit.to_string()
        return out

    @classmethod
    def from_attrs(cls, attrs: Mapping[str, Any], prefix: str = "param.") -> Parameters:
        """The parameters recorded by :meth:`as_attrs` (missing ones take their defaults)."""
        flat: dict[str, Any] = {}
        for name, spec in SPECS.items():
            key = prefix + name
            if key not in attrs:
                continue
            value = attrs[key]
            if spec.choices:
                flat[name] = str(value)
                continue
            v = np.asarray(value, dtype=float)
            if key + ".shape" in attrs:
                v = v.reshape([int(n) for n in np.atleast_1d(attrs[key + ".shape"])])
            unit = u.Unit(str(attrs.get(key + ".units", "")))
            flat[name] = v * unit if unit != _dimless or spec.unit == _dimless else v
        return cls.from_flat(flat)

    @classmethod
    def from_toml(cls, path: str | Path) -> Parameters:
        """Parameters from a TOML file, read by the strict :func:`load_toml`."""
        return cls.from_flat(load_toml(path))

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


def _read_toml(path: str | Path) -> tuple[str, dict[str, Any]]:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return str(path), tomllib.load(fh)
    except FileNotFoundError:
        raise ParameterError(f"config = {str(path)!r}: no such file") from None
    except IsADirectoryError:
        raise ParameterError(f"config = {str(path)!r} is a directory, not a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"config = {str(path)!r} is not valid TOML: {exc}") from None


def _group_of(table: str) -> str | None:
    table = _GROUP_ALIASES.get(table, table)
    return table if table in GROUPS else None


def _read_parameters(
    where: str,
    data: dict[str, Any],
    groups: set[str],
    other_tables: Any,
    specs: Mapping[str, Spec] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate the parameter keys of a parsed TOML document; return (parameters, other tables).

    ``other_tables`` is a set of accepted table names, or ``None`` to accept any;
    ``specs`` replaces the Spec some parameters are checked against (same name and group).
    """
    known_tables = sorted(groups) + sorted(other_tables or ())
    params: dict[str, Any] = {}
    origin: dict[str, str] = {}
    rest: dict[str, Any] = {}

    def take(name: str, value: Any, place: str, group: str | None = None) -> None:
        spec = SPECS.get(name)
        check = (specs or {}).get(name, spec)
        if spec is None or spec.group not in groups:
            close = difflib.get_close_matches(
                name, [n for n, s in SPECS.items() if s.group in groups], 1
            )
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(
                f"{where}: unknown key {name!r} {place}{hint}; the parameters are "
                + ", ".join(n for n, s in SPECS.items() if s.group in groups)
            )
        if group is not None and group != spec.group:
            raise ParameterError(
                f"{where}: key {name!r} {place} is not allowed: it belongs in [{spec.group}]"
            )
        if name in params:
            raise ParameterError(
                f"{where}: {name} is given twice ({origin[name]} and {place}); give it once"
            )
        try:
            parse_value(check, value)  # checked here, so that the error names the file
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
        params[name] = value
        origin[name] = place

    for key, value in data.items():
        if not isinstance(value, dict):
            take(key, value, "at the top level")
            continue
        grp = _group_of(key)
        if grp is not None and grp in groups:
            for k, v in value.items():
                take(k, v, f"in [{key}]", grp)
        elif other_tables is None or key in other_tables:
            rest[key] = value
        else:
            close = difflib.get_close_matches(key, known_tables, 1)
            hint = f" (did you mean [{close[0]}]?)" if close else ""
            raise ParameterError(
                f"{where}: unknown table [{key}]{hint}; the tables are "
                + ", ".join(f"[{t}]" for t in known_tables)
            )
    return params, rest


def load_toml(
    path: str | Path,
    groups: Iterable[str] | None = None,
    tables: Iterable[str] | Mapping[str, Mapping[str, Spec] | None] = (),
) -> dict[str, Any]:
    """Read parameters from a TOML file, strictly.

    The file may be flat (``L_CR = "1e41 erg/s"``) or grouped in tables
    ``[galaxy]``, ``[cgm]``, ``[micro]`` (also ``[microphysics]``); plain
    numbers are in the documented units (docs/units.md).

    Parameters
    ----------
    path : path-like
        The TOML file.
    groups : iterable of str, optional
        The parameter groups accepted (default all of :data:`GROUPS`).
    tables : iterable of str, or mapping of table name to ``{key: Spec}`` or None
        Further tables the caller accepts. With a Spec mapping, the table's
        keys must be among them and each value is read by :func:`parse_value`;
        with None (or a plain name) the table is returned as it is.

    Returns
    -------
    dict
        ``{name: value}`` for every parameter given, and ``{table: {key: value}}``
        for each extra table present. Every value is checked against its Spec
        but returned as written in the file (a number, string or list), so that
        later messages show what the user wrote; :class:`Parameters` reads it.

    Raises
    ------
    ParameterError
        Naming the file and the key: an unknown table or key, a parameter in
        the wrong group, a key given twice (at the top level and in its group),
        a boolean where a number is expected, or a value out of range.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.toml"
    >>> _ = f.write_text("[galaxy]\\nR_d = 12\\n[cgm]\\ndelta_G = 100\\n")
    >>> load_toml(f)
    {'R_d': 12, 'delta_G': 100}
    """
    where, data = _read_toml(path)
    grp = set(GROUPS) if groups is None else set(groups)
    for g in grp:
        if g not in GROUPS:
            raise ParameterError(
                f"groups = {sorted(grp)!r} is not allowed: must be among {', '.join(GROUPS)}"
            )
    if not isinstance(tables, Mapping):
        tables = {t: None for t in tables}
    params, rest = _read_parameters(where, data, grp, set(tables))
    for tname, table in rest.items():
        schema = tables[tname]
        if schema is None:
            params[tname] = table
            continue
        out = {}
        for k, v in table.items():
            if k not in schema:
                raise ParameterError(
                    f"{where}: unknown key {k!r} in [{tname}]; its keys are {', '.join(schema)}"
                )
            try:
                parse_value(schema[k], v)
            except ParameterError as exc:
                raise ParameterError(f"{where}: {tname}.{exc}") from None
            out[k] = v
        params[tname] = out
    return params


def from_toml(path: str | Path, specs: Mapping[str, Spec] | None = None) -> dict[str, Any]:
    """Read parameters and pass the other tables through (the reader of the simulation configs).

    The parameter keys are checked as strictly as by :func:`load_toml` (unknown
    keys, keys given twice, booleans, bad values, and tables whose name is a
    misspelt group such as ``[galaxyy]`` are errors naming the key and the
    file). Tables that are not parameter groups are returned under their name
    prefixed with ``_`` for the caller to check. New code should call
    :func:`load_toml` with the tables it accepts. ``specs`` (``{name: Spec}``)
    checks those parameters against another range, for a caller that reads
    them itself (``crescape dispersion`` reads ``T >= 0``).

    Returns
    -------
    dict
        ``{name: value}`` (as written, checked) and ``{"_" + table: dict}``.
    """
    where, data = _read_toml(path)
    for key, value in data.items():
        if isinstance(value, dict) and _group_of(key) is None:
            close = difflib.get_close_matches(key, list(GROUPS) + list(_GROUP_ALIASES), 1, 0.75)
            if close:
                raise ParameterError(
                    f"{where}: unknown table [{key}] (did you mean [{close[0]}]?); "
                    f"the parameter tables are " + ", ".join(f"[{t}]" for t in GROUPS)
                )
    params, rest = _read_parameters(where, data, set(GROUPS), None, specs)
    return {**params, **{"_" + k: v for k, v in rest.items()}}
