"""Unit-checked public twins of the paper's formulas (Eqs. 1-17) and of the linear theory.

Each function here takes astropy Quantities (any compatible unit), converts
them to cgs once, calls the vectorised cgs function of :mod:`crescape.physics`
(reachable as ``.lite``) and returns a Quantity in cgs units. Plain numbers
are read in the argument's documented unit, one table for every function
(:data:`ARGUMENT_UNITS`, docs/units.md): the model parameters in the unit of
their :class:`~crescape.params.Spec` (``R_d``, ``H`` in kpc, ``E_min``,
``E_max`` in GeV, ``sigma_pp`` in mb), the CR energy ``E`` in GeV and the
height ``z`` in kpc, every other quantity in cgs. A wrong unit raises
:class:`~crescape.errors.ParameterError` naming the argument.

Examples
--------
>>> import astropy.units as u
>>> from crescape import formulary as f
>>> B = f.B_sat(1.21e-6 * u.erg / u.cm**2 / u.s)
>>> print(round(float(B.to_value(u.G)) * 1e8, 2))
2.25
>>> f"{f.bohm_diffusion(1 * u.GeV, B).to(u.cm**2 / u.s):.3g}"
'1.48e+24 cm2 / s'
>>> f"{f.bohm_diffusion(1, 2.25e-8):.3g}"  # 1 GeV, 2.25e-8 G
'1.48e+24 cm2 / s'
>>> w = f.cold_dispersion(1e-15 / u.cm, 1e-12 * u.statA / u.cm**2, 1e-10 * u.G,
...                       1e-27 * u.g / u.cm**3, 1 * u.GeV)
>>> sorted(w), w["right"].unit
(['left', 'right'], Unit("rad / s"))
"""

from __future__ import annotations

import astropy.units as u

from .params import SPECS
from .physics import dispersion, emission, escape, instability, saturation, thermal, transport
from .units import quantity_twin

__all__ = [
    "n_gal",
    "n_halo",
    "escape_flux",
    "escape_energy_flux",
    "current_above",
    "current_paper",
    "n_ballistic",
    "gas_density",
    "alfven_speed",
    "B0_max",
    "k_max_paper",
    "k_fastest_cold",
    "gamma_max_paper",
    "gamma_max_cold",
    "B_thermal_paper",
    "B_thermal",
    "B_star_paper",
    "B_sat",
    "B_sat_luminosity",
    "larmor_radius",
    "bohm_diffusion",
    "B_alfven_balance",
    "n_diffusive",
    "drift_speed",
    "pressure_gradient",
    "pressure_gradient_isotropic",
    "gas_speed",
    "advection_time",
    "n_advective",
    "fill_time",
    "neutrino_E2_flux_eq16",
    "neutrino_E2_flux_eq17",
    "dispersion_modes",
    "cold_dispersion",
    "warm_dispersion",
    "thermal_parameter",
    "B_star_warm",
    "ion_larmor_radius",
    "ARGUMENT_UNITS",
]

_E = u.erg
_G = u.G
_rho = u.g / u.cm**3
_D = u.cm**2 / u.s
_phi = 1 / (u.erg * u.cm**2 * u.s)
_E2phi = u.erg / (u.cm**2 * u.s)
_J = u.statA / u.cm**2
_nE = 1 / (u.erg * u.cm**3)
_I = u.erg / (u.cm**2 * u.s * u.sr)
_one = u.dimensionless_unscaled

#: Documented unit (plain numbers are read in it) and cgs unit (the lite function's) of
#: every argument name of the formulary; model parameters take theirs from ``params.SPECS``.
ARGUMENT_UNITS: dict[str, tuple[u.UnitBase, u.UnitBase]] = {
    **{
        name: (spec.unit, spec.cgs)
        for name, spec in SPECS.items()
        if spec.unit is not None and spec.group in ("galaxy", "cgm", "micro")
    },
    "E": (u.GeV, _E),
    "z": (u.kpc, u.cm),
    "D": (_D, _D),
    "phi": (_phi, _phi),
    "E2phi": (_E2phi, _E2phi),
    "E2phi_parent": (_E2phi, _E2phi),
    "J": (_J, _J),
    "B": (_G, _G),
    "dB": (_G, _G),
    "rho": (_rho, _rho),
    "t": (u.s, u.s),
    "v_A": (u.cm / u.s, u.cm / u.s),
    "n_gas": (u.cm**-3, u.cm**-3),
    "Lambda": (_one, _one),
    "k": (1 / u.cm, 1 / u.cm),
    "tau": (_one, _one),
}


def _twin(lite, output):
    """The public form of ``lite``: every argument found in :data:`ARGUMENT_UNITS` is checked."""
    import inspect

    names = [n for n in inspect.signature(lite).parameters if n in ARGUMENT_UNITS]
    return quantity_twin({n: ARGUMENT_UNITS[n] for n in names}, output)(lite)


n_gal = _twin(escape.n_gal, _nE)
n_halo = _twin(escape.n_halo, _nE)
escape_flux = _twin(escape.escape_flux, _phi)
escape_energy_flux = _twin(escape.escape_energy_flux, _E2phi)
current_above = _twin(escape.current_above, _J)
current_paper = _twin(escape.current_paper, _J)
n_ballistic = _twin(escape.n_ballistic, _nE)

gas_density = _twin(instability.gas_density, _rho)
alfven_speed = _twin(instability.alfven_speed, u.cm / u.s)
B0_max = _twin(instability.B0_max, _G)
k_max_paper = _twin(instability.k_max_paper, 1 / u.cm)
k_fastest_cold = _twin(instability.k_fastest_cold, 1 / u.cm)
gamma_max_paper = _twin(instability.gamma_max_paper, 1 / u.s)
gamma_max_cold = _twin(instability.gamma_max_cold, 1 / u.s)
B_thermal_paper = _twin(instability.B_thermal_paper, _G)
B_thermal = _twin(instability.B_thermal, _G)
B_star_paper = _twin(instability.B_star_paper, _G)

B_sat = _twin(saturation.B_sat, _G)
B_sat_luminosity = _twin(saturation.B_sat_luminosity, _G)
larmor_radius = _twin(saturation.larmor_radius, u.cm)
bohm_diffusion = _twin(saturation.bohm_diffusion, _D)
B_alfven_balance = _twin(saturation.B_alfven_balance, _G)

n_diffusive = _twin(transport.n_diffusive, _nE)
drift_speed = _twin(transport.drift_speed, u.cm / u.s)
pressure_gradient = _twin(transport.pressure_gradient, u.erg / u.cm**4)
pressure_gradient_isotropic = _twin(transport.pressure_gradient_isotropic, u.erg / u.cm**4)
gas_speed = _twin(transport.gas_speed, u.cm / u.s)
advection_time = _twin(transport.advection_time, u.s)
n_advective = _twin(transport.n_advective, _nE)
fill_time = _twin(transport.fill_time, u.s)

neutrino_E2_flux_eq16 = _twin(emission.neutrino_E2_flux_eq16, _I)
neutrino_E2_flux_eq17 = _twin(emission.neutrino_E2_flux_eq17, _I)

dispersion_modes = _twin(dispersion.dispersion_modes, u.rad / u.s)
#: ω(k) of both polarisations of Bell's (2004) relation, Eqs. 8-13 with σ (Eq. 10), as
#: Quantities: :func:`dispersion_modes` with its cold defaults (T = 0, no Hall term), e.g.
#: ``cold_dispersion(1e-15 / u.cm, 1e-12 * u.statA / u.cm**2, 1e-10 * u.G, 1e-27 * u.g / u.cm**3,
#: 1 * u.GeV)``; the current density may be in SI (A/m2).
cold_dispersion = dispersion_modes
warm_dispersion = _twin(thermal.warm_modes, u.rad / u.s)
thermal_parameter = _twin(thermal.thermal_parameter, _one)
B_star_warm = _twin(thermal.B_star, _G)
ion_larmor_radius = _twin(thermal.ion_larmor_radius, u.cm)
