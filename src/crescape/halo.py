"""The Milky Way's halo at the public edge: its gravitational potential and its gas profile.

:class:`HaloPotential` and :class:`CGMProfile` are frozen parameter objects
with units, like :class:`crescape.params.CGM`: values are Quantities, plain
numbers in the documented unit or strings astropy parses, validated once (one
line naming the parameter, the value and the allowed range). ``.cgs`` holds
what the physics layer uses for the potential (a
:class:`crescape.physics.potential.GalaxyPotential`); the profile has cgs twins
(``n_cgs``, ``rho_cgs``, ``T_cgs``, ``theta``) of its Quantity methods.

Defaults: MWPotential2014 of Bovy (2015, ApJS 216, 29) for the potential
(:func:`crescape.physics.potential.mw2014`), the paper's uniform CGM for the profile.

Examples
--------
>>> import astropy.units as u
>>> from crescape.halo import CGMProfile, HaloPotential
>>> round(float(HaloPotential().v_circ(8 * u.kpc).to_value(u.km / u.s)), 1)
220.0
>>> mb = CGMProfile(kind="miller_bregman")
>>> round(float(mb.delta_G(50 * u.kpc)))
154
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import astropy.units as u
import numpy as np

from . import constants as C
from .params import CGM, ParameterError, Spec, parse_value
from .physics import cgm_profile as prof
from .physics import instability
from .physics import potential as pot

__all__ = [
    "HaloPotential",
    "CGMProfile",
    "POTENTIAL_SPECS",
    "PROFILE_SPECS",
    "PROFILE_NAMES",
    "H_PLANCK18",
    "parse_profile",
]

#: h = H0/(100 km/s/Mpc) = 0.674 (Planck Collaboration 2020, A&A 641, A6, Table 2), used only
#: for the critical density of an NFW halo given by its virial mass
H_PLANCK18 = 0.674


def _spec(name, group, unit, cgs, default, doc, **kw):
    return Spec(name, group, unit, cgs, default, doc=doc, **kw)


_P = "potential"
#: the options of :class:`HaloPotential`; ``None`` defaults are MWPotential2014's
POTENTIAL_SPECS = {
    s.name: s
    for s in [
        _spec(
            "halo_r_s", _P, u.kpc, u.cm, 16.0, "NFW scale radius (Bovy 2015)", low=0, low_open=True
        ),
        _spec(
            "halo_rho_s",
            _P,
            u.g / u.cm**3,
            u.g / u.cm**3,
            None,
            "NFW characteristic density (None: MWPotential2014's)",
            low=0,
            low_open=True,
        ),
        _spec(
            "halo_M_vir",
            _P,
            u.M_sun,
            u.g,
            None,
            "NFW virial mass (with halo_c; overrides halo_r_s and halo_rho_s)",
            low=0,
            low_open=True,
        ),
        _spec(
            "halo_c", _P, u.one, u.one, None, "NFW concentration r_vir/r_s", low=0, low_open=True
        ),
        _spec(
            "halo_Delta",
            _P,
            u.one,
            u.one,
            200.0,
            "virial overdensity over the critical density",
            low=0,
            low_open=True,
        ),
        _spec(
            "disk_M",
            _P,
            u.M_sun,
            u.g,
            None,
            "Miyamoto-Nagai disk mass (None: MWPotential2014's; 0: no disk)",
            low=0,
        ),
        _spec(
            "disk_a", _P, u.kpc, u.cm, 3.0, "disk scale length (Bovy 2015)", low=0, low_open=True
        ),
        _spec(
            "disk_b", _P, u.kpc, u.cm, 0.28, "disk scale height (Bovy 2015)", low=0, low_open=True
        ),
        _spec(
            "bulge",
            _P,
            None,
            None,
            "power_cutoff",
            "bulge model",
            choices=("power_cutoff", "hernquist", "none"),
        ),
        _spec(
            "bulge_M",
            _P,
            u.M_sun,
            u.g,
            None,
            "bulge mass (None: MWPotential2014's; required for a Hernquist bulge)",
            low=0,
            low_open=True,
        ),
        _spec(
            "bulge_a",
            _P,
            u.kpc,
            u.cm,
            None,
            "Hernquist scale radius (required for a Hernquist bulge)",
            low=0,
            low_open=True,
        ),
    ]
}


def _read(specs, obj, name):
    spec = specs[name]
    value = getattr(obj, name)
    if value is None:
        return None, None
    if spec.choices:
        return parse_value(spec, value), None
    q = parse_value(spec, value)
    return q, float(q.to_value(spec.cgs))


@dataclass(frozen=True, eq=False)
class HaloPotential:
    """The Galaxy's gravitational potential: NFW halo, Miyamoto–Nagai disk, bulge.

    Plain numbers are read in the unit shown; see :data:`POTENTIAL_SPECS`.

    Parameters
    ----------
    halo_r_s : Quantity or float [kpc]
        NFW scale radius, default 16 kpc.
    halo_rho_s : Quantity or float [g/cm3]
        NFW scale density, default MWPotential2014's (the halo's 35% of the radial force
        at 8 kpc).
    halo_M_vir, halo_c, halo_Delta : Quantity or float [M_sun], float, float
        Virial mass, concentration and overdensity over ρ_crit = 3H0²/8πG with
        h = :data:`H_PLANCK18`; if given they define the halo instead.
    disk_M, disk_a, disk_b : Quantity or float [M_sun], [kpc], [kpc]
        Miyamoto–Nagai disk mass (0: no disk) and scale lengths.
    bulge : {"power_cutoff", "hernquist", "none"}
        Bulge profile.
    bulge_M, bulge_a : Quantity or float [M_sun], [kpc]
        Bulge mass and scale.

    Notes
    -----
    Bovy (2015, ApJS 216, 29, §3.5); :mod:`crescape.physics.potential`.
    """

    halo_r_s: Any = 16.0 * u.kpc
    halo_rho_s: Any = None
    halo_M_vir: Any = None
    halo_c: Any = None
    halo_Delta: Any = 200.0
    disk_M: Any = None
    disk_a: Any = 3.0 * u.kpc
    disk_b: Any = 0.28 * u.kpc
    bulge: str = "power_cutoff"
    bulge_M: Any = None
    bulge_a: Any = None
    cgs: Any = field(init=False, repr=False)

    def __post_init__(self):
        v = {}
        for name in POTENTIAL_SPECS:
            q, c = _read(POTENTIAL_SPECS, self, name)
            if q is not None:
                object.__setattr__(self, name, q)
            v[name] = c if c is not None else q
        mw = pot.mw2014()
        halo_mw, disk_mw, bulge_mw = mw.components
        if (v["halo_M_vir"] is None) != (v["halo_c"] is None):
            raise ParameterError(
                f"halo_M_vir = {self.halo_M_vir} and halo_c = {self.halo_c} are not allowed: "
                "must be given both or neither"
            )
        if v["halo_M_vir"] is not None:
            rho_crit = 3.0 * (H_PLANCK18 * 100.0 * C.km_s / C.Mpc) ** 2 / (8.0 * np.pi * pot.G)
            rho_s, r_s = pot.nfw_rho_s(v["halo_M_vir"], v["halo_c"], rho_crit, v["halo_Delta"])
        else:
            r_s = v["halo_r_s"]
            rho_s = v["halo_rho_s"]
            if rho_s is None:  # MWPotential2014's force at R0 from a halo of this r_s
                R0 = pot.MW2014["R0"]
                rho_s = halo_mw.rho_s * (
                    pot.nfw_enclosed_mass(R0, 1.0, halo_mw.r_s)
                    / pot.nfw_enclosed_mass(R0, 1.0, r_s)
                )
        comps = [pot.NFW(rho_s, r_s)]
        M_d = disk_mw.M if v["disk_M"] is None else v["disk_M"]
        if M_d > 0:
            comps.append(pot.MiyamotoNagai(M_d, v["disk_a"], v["disk_b"]))
        if self.bulge == "power_cutoff":
            M_b = bulge_mw.M if v["bulge_M"] is None else v["bulge_M"]
            comps.append(pot.PowerCutoff(M_b, bulge_mw.alpha, bulge_mw.r_c))
        elif self.bulge == "hernquist":
            if v["bulge_M"] is None or v["bulge_a"] is None:
                raise ParameterError(
                    f"bulge_M = {self.bulge_M} and bulge_a = {self.bulge_a} are not allowed for "
                    "bulge = 'hernquist': must both be given (> 0)"
                )
            comps.append(pot.Hernquist(v["bulge_M"], v["bulge_a"]))
        object.__setattr__(self, "cgs", pot.GalaxyPotential(tuple(comps)))

    def phi(self, R, z=0.0 * u.kpc) -> u.Quantity:
        """Φ(R, z) [km²/s²]."""
        Rc = _length(R, "R")
        zc = _length(z, "z")
        return (self.cgs.phi(Rc, zc) * u.cm**2 / u.s**2).to(u.km**2 / u.s**2)

    def v_circ(self, R) -> u.Quantity:
        """Circular velocity in the plane [km/s]."""
        return (self.cgs.v_circ(_length(R, "R")) * u.cm / u.s).to(u.km / u.s)

    def v_esc(self, R, z=0.0 * u.kpc) -> u.Quantity:
        """Escape speed √(−2Φ) [km/s]."""
        return (self.cgs.v_esc(_length(R, "R"), _length(z, "z")) * u.cm / u.s).to(u.km / u.s)


def _length(x, name):
    from .units import parse_quantity

    q = parse_quantity(x, u.kpc, name)
    v = np.asarray(q.to_value(u.cm), dtype=float)
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        bad = v[~(np.isfinite(v) & (v >= 0))].flat[0] if v.ndim else float(v)
        raise ParameterError(
            f"{name} = {bad / C.kpc:g} kpc is not allowed: must be a finite value >= 0 kpc"
        )
    return v


_G = "cgm_profile"
_KINDS = ("uniform", "miller_bregman", "beta", "hydrostatic", "polytropic", "table")
#: the options of :class:`CGMProfile`
PROFILE_SPECS = {
    s.name: s
    for s in [
        _spec("kind", _G, None, None, "uniform", "profile", choices=_KINDS),
        _spec(
            "n0_rc3b",
            _G,
            u.one,
            u.one,
            prof.MILLER_BREGMAN_2015["n0_rc3b"],
            "β-model normalisation n0 r_c^{3β} in cm^-3 kpc^{3β} (Miller & Bregman 2015)",
            low=0,
            low_open=True,
        ),
        _spec(
            "beta",
            _G,
            u.one,
            u.one,
            prof.MILLER_BREGMAN_2015["beta"],
            "β-model slope (Miller & Bregman 2015)",
            low=0,
            low_open=True,
            high=2.0,
        ),
        _spec(
            "r_c",
            _G,
            u.kpc,
            u.cm,
            0.0,
            "β-model core radius (Miller & Bregman 2015: r ≫ r_c)",
            low=0,
        ),
        _spec(
            "n_ref",
            _G,
            u.cm**-3,
            u.cm**-3,
            None,
            "hydrostatic: n = ρ/m_p at r_ref",
            low=0,
            low_open=True,
        ),
        _spec("r_ref", _G, u.kpc, u.cm, None, "hydrostatic: radius of n_ref", low=0, low_open=True),
        _spec("T", _G, u.K, u.K, None, "temperature (None: the CGM's T)", low=0, low_open=True),
        _spec(
            "Gamma",
            _G,
            u.one,
            u.one,
            5.0 / 3.0,
            "polytropic: P ∝ ρ^Γ (5/3: isentropic)",
            low=1.0,
            low_open=True,
            high=10.0,
        ),
    ]
}


@dataclass(frozen=True, eq=False)
class CGMProfile:
    """The circumgalactic gas: density n(r) = ρ/m_p and temperature T(r).

    Parameters
    ----------
    kind : {"uniform", "miller_bregman", "beta", "hydrostatic", "table"}
        ``uniform``: ρ = δ_G Ω_b ρ_cr of ``cgm`` (the paper); ``miller_bregman``:
        the β-model with the O VIII fit of Miller & Bregman (2015, ApJ 800, 14);
        ``beta``: the same form with ``n0_rc3b``, ``beta``, ``r_c``; ``hydrostatic``:
        the isothermal gas at T in ``potential`` through ``n_ref`` at ``r_ref``
        (along the rotation axis, the line of the 1D run); ``polytropic``: the gas
        P ∝ ρ^Γ in ``potential``, n_ref and T at r_ref; ``table``: n(r), T(r)
        from the ECSV file ``table`` (columns ``r``, ``n``, ``T`` with units).
    cgm : crescape.params.CGM
        δ_G, Ω_b h², ρ_cr/h², X_H and the default temperature.
    T : K
        Temperature (default the CGM's; the table's own for ``table``).
    potential : HaloPotential
    """

    kind: str = "uniform"
    cgm: Any = field(default_factory=CGM)
    n0_rc3b: Any = prof.MILLER_BREGMAN_2015["n0_rc3b"]
    beta: Any = prof.MILLER_BREGMAN_2015["beta"]
    r_c: Any = 0.0 * u.kpc
    n_ref: Any = None
    r_ref: Any = None
    T: Any = None
    Gamma: Any = 5.0 / 3.0
    potential: Any = field(default_factory=HaloPotential)
    table: Any = None

    def __post_init__(self):
        v = {}
        for name in PROFILE_SPECS:
            q, c = _read(PROFILE_SPECS, self, name)
            if q is not None:
                object.__setattr__(self, name, q)
            v[name] = c if c is not None else q
        if self.kind == "miller_bregman":
            mb = prof.MILLER_BREGMAN_2015
            v.update(n0_rc3b=mb["n0_rc3b"], beta=mb["beta"], r_c=mb["r_c"])
        T = float(self.cgm.cgs.T) if v["T"] is None else v["T"]
        object.__setattr__(self, "_T", T)
        object.__setattr__(
            self, "_mu", float(instability.mean_molecular_weight(float(self.cgm.cgs.X_H)))
        )
        if self.kind in ("hydrostatic", "polytropic") and (
            v["n_ref"] is None or v["r_ref"] is None
        ):
            raise ParameterError(
                f"n_ref = {self.n_ref} and r_ref = {self.r_ref} are not allowed for "
                f"kind = {self.kind!r}: must both be given (> 0)"
            )
        if self.kind == "table":
            self._load_table()
        object.__setattr__(self, "_v", v)

    def _load_table(self):
        from astropy.table import Table

        if self.table is None:
            raise ParameterError("table = None is not allowed for kind = 'table': must be a file")
        try:
            t = Table.read(str(self.table), format="ascii.ecsv")
        except (OSError, ValueError) as exc:
            raise ParameterError(
                f"table = {str(self.table)!r} is not allowed: not a readable ECSV file ({exc})"
            ) from None
        try:
            r = np.asarray(t["r"].quantity.to_value(u.cm), dtype=float)
            n = np.asarray(t["n"].quantity.to_value(u.cm**-3), dtype=float)
            T = np.asarray(t["T"].quantity.to_value(u.K), dtype=float)
        except (KeyError, AttributeError, u.UnitsError) as exc:
            raise ParameterError(
                f"table = {str(self.table)!r} is not allowed: needs columns r [length], "
                f"n [cm-3] and T [K] with units ({exc})"
            ) from None
        ok = np.all(np.isfinite(r) & np.isfinite(n) & np.isfinite(T)) and np.all(n > 0)
        if not (ok and np.all(T > 0) and np.all(np.diff(r) > 0) and r.size >= 2 and r[0] > 0):
            raise ParameterError(
                f"table = {str(self.table)!r} is not allowed: needs >= 2 rows, r > 0 increasing, "
                "n > 0 and T > 0 finite"
            )
        object.__setattr__(self, "_tab", (r, n, T))

    # ---------------------------------------------------------------- cgs
    def _theta_T(self, T):
        return C.k_B * T / (self._mu * C.m_p)

    def theta(self, r):
        """P/ρ = k_B T/(μ m_p) [cm² s^-2] at r [cm]."""
        return self._theta_T(self.T_cgs(r))

    def n_cgs(self, r):
        """n = ρ/m_p [cm^-3] at r [cm]."""
        v, r = self._v, np.asarray(r, dtype=float)
        if self.kind == "uniform":
            return np.full(r.shape, prof.number_density(self._rho_uniform()))
        if self.kind in ("miller_bregman", "beta"):
            return prof.beta_model_density(r, v["n0_rc3b"], v["beta"], v["r_c"])
        if self.kind == "hydrostatic":
            phi = self.potential.cgs.phi_axis
            rho = prof.isothermal_hydrostatic_density(
                phi(r), phi(v["r_ref"]), prof.mass_density(v["n_ref"]), self.theta(r)
            )
            return prof.number_density(rho)
        if self.kind == "polytropic":
            phi = self.potential.cgs.phi_axis
            rho = prof.polytropic_hydrostatic_density(
                phi(r),
                phi(v["r_ref"]),
                prof.mass_density(v["n_ref"]),
                self._theta_T(self._T),
                v["Gamma"],
            )
            if np.any(rho <= 0):
                bad = r[rho <= 0].flat[0] if r.ndim else float(r)
                raise ParameterError(
                    f"r = {bad / C.kpc:g} kpc is not allowed: must be below the top of the "
                    "polytropic atmosphere (where its temperature reaches 0)"
                )
            return prof.number_density(rho)
        rt, nt, _ = self._tab
        return prof.log_interpolate(r, rt, nt)

    def _rho_uniform(self):
        """ρ = δ_G Ω_b ρ_cr of the CGM (text after Eq. 5) [g cm^-3]."""
        c = self.cgm.cgs
        return instability.gas_density(float(c.delta_G), float(c.Omega_b_h2), float(c.rho_cr_h2))

    def rho_cgs(self, r):
        """ρ = m_p n [g cm^-3] at r [cm] (:func:`crescape.physics.cgm_profile.mass_density`).

        For ``uniform`` it is δ_G Ω_b ρ_cr itself, to the last bit (no round trip through n).
        """
        if self.kind == "uniform":
            return np.full(np.shape(r), self._rho_uniform())
        return prof.mass_density(self.n_cgs(r))

    def as_dict(self) -> dict[str, Any]:
        """The profile's options in their documented units (plain floats; the JSON form)."""
        out: dict[str, Any] = {"kind": self.kind}
        for name, spec in PROFILE_SPECS.items():
            if name == "kind":
                continue
            value = getattr(self, name)
            if value is None:
                out[name] = None
            else:
                out[name] = float(u.Quantity(value, spec.unit).value)
        out["T_used"] = float(self._T)
        out["table"] = None if self.table is None else str(self.table)
        return out

    def T_cgs(self, r):
        """T [K] at r [cm]."""
        r = np.asarray(r, dtype=float)
        if self.kind == "table":
            rt, _, Tt = self._tab
            return prof.log_interpolate(r, rt, Tt)
        if self.kind == "polytropic":
            n_ref = self._v["n_ref"]
            return self._T * (self.n_cgs(r) / n_ref) ** (self._v["Gamma"] - 1.0)
        return np.full(r.shape, self._T)

    # ---------------------------------------------------------------- Quantities
    def number_density(self, r) -> u.Quantity:
        """n = ρ/m_p [cm^-3]."""
        return self.n_cgs(_length(r, "r")) * u.cm**-3

    def density(self, r) -> u.Quantity:
        """ρ [g/cm3]."""
        return self.rho_cgs(_length(r, "r")) * u.g / u.cm**3

    def temperature(self, r) -> u.Quantity:
        """T [K]."""
        return self.T_cgs(_length(r, "r")) * u.K

    def delta_G(self, r) -> u.Quantity:
        """The local overdensity ρ/(Ω_b ρ_cr) (the paper's δ_G, text after Eq. 5)."""
        c = self.cgm.cgs
        rho1 = instability.gas_density(1.0, float(c.Omega_b_h2), float(c.rho_cr_h2))
        return self.rho_cgs(_length(r, "r")) / rho1 * u.one


#: the profiles that have a name (``table`` is given by its ECSV file instead)
PROFILE_NAMES = tuple(k for k in _KINDS if k != "table")


def parse_profile(name: str, options: Any = None, cgm: CGM | None = None) -> CGMProfile:
    """A :class:`CGMProfile` from its name or an ECSV file, and options (the command-line form).

    Parameters
    ----------
    name : str
        One of :data:`PROFILE_NAMES` (``uniform``, ``miller_bregman``, ``beta``,
        ``hydrostatic``, ``polytropic``), or the path of an ECSV table (``FILE.ecsv``,
        columns ``r``, ``n``, ``T`` with units).
    options : mapping, optional
        ``{key: value}`` of :data:`PROFILE_SPECS` (``n0_rc3b``, ``beta``, ``r_c``,
        ``n_ref``, ``r_ref``, ``T``, ``Gamma``) and of :data:`POTENTIAL_SPECS` (the
        potential of ``hydrostatic`` and ``polytropic``); values as for the classes
        (Quantities, strings such as ``"10 kpc"``, or plain numbers in the documented unit).
    cgm : crescape.params.CGM, optional
        δ_G, Ω_b h², ρ_cr/h², X_H and the default temperature.

    Raises
    ------
    ParameterError
        One line naming the name, the key or the value and what is allowed.
    """
    from pathlib import Path

    options = dict(options or {})
    text = str(name).strip()
    if text in PROFILE_NAMES:
        kw: dict[str, Any] = {"kind": text}
    elif text.lower().endswith(".ecsv") or Path(text).is_file():
        kw = {"kind": "table", "table": text}
    else:
        raise ParameterError(
            f"profile = {str(name)!r} is not allowed: must be one of {', '.join(PROFILE_NAMES)} "
            "or an ECSV file (FILE.ecsv with columns r, n, T)"
        )
    pot: dict[str, Any] = {}
    for key, value in options.items():
        if key in POTENTIAL_SPECS:
            pot[key] = value
        elif key in PROFILE_SPECS and key != "kind":
            kw[key] = value
        else:
            allowed = [k for k in PROFILE_SPECS if k != "kind"] + list(POTENTIAL_SPECS)
            raise ParameterError(
                f"profile option {key!r} is not allowed: must be one of {', '.join(allowed)}"
            )
    if pot:
        kw["potential"] = HaloPotential(**pot)
    return CGMProfile(cgm=cgm if cgm is not None else CGM(), **kw)
