"""Unit-checked public twins of the paper's formulas (Eqs. 1-17).

Each function here takes astropy Quantities (any compatible unit), converts
them to cgs once, calls the vectorised cgs function of :mod:`crescape.physics`
(reachable as ``.lite``) and returns a Quantity. Plain numbers are taken as
cgs values. A wrong unit raises :class:`~crescape.params.ParameterError`
naming the argument.

Examples
--------
>>> import astropy.units as u
>>> from crescape import formulary as f
>>> B = f.B_sat(1.21e-6 * u.erg / u.cm**2 / u.s)
>>> print(round(float(B.to_value(u.G)) * 1e8, 2))
2.25
>>> f"{f.bohm_diffusion(1 * u.GeV, B).to(u.cm**2 / u.s):.3g}"
'1.48e+24 cm2 / s'
"""

from __future__ import annotations

import astropy.units as u

from .physics import emission, escape, instability, saturation, transport
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
]

_E = u.erg
_L = u.erg / u.s
_cm = u.cm
_one = u.dimensionless_unscaled
_G = u.G
_rho = u.g / u.cm**3
_D = u.cm**2 / u.s
_s = u.s
_v = u.cm / u.s
_phi = 1 / (u.erg * u.cm**2 * u.s)
_E2phi = u.erg / (u.cm**2 * u.s)
_J = u.statA / u.cm**2
_nE = 1 / (u.erg * u.cm**3)
_I = u.erg / (u.cm**2 * u.s * u.sr)
_spec = {"slope": _one, "E_min": _E, "E_max": _E}

n_gal = quantity_twin({"E": _E, "L_CR": _L, "R_d": _cm, "H": _cm, "D": _D, **_spec}, _nE)(
    escape.n_gal
)
n_halo = quantity_twin(
    {"z": _cm, "E": _E, "L_CR": _L, "R_d": _cm, "H": _cm, "D": _D, **_spec}, _nE
)(escape.n_halo)
escape_flux = quantity_twin({"E": _E, "L_CR": _L, "R_d": _cm, **_spec}, _phi)(escape.escape_flux)
escape_energy_flux = quantity_twin({"E": _E, "L_CR": _L, "R_d": _cm, **_spec}, _E2phi)(
    escape.escape_energy_flux
)
current_above = quantity_twin({"E": _E, "L_CR": _L, "R_d": _cm, **_spec}, _J)(escape.current_above)
current_paper = quantity_twin({"E": _E, "L_CR": _L, "R_d": _cm, **_spec}, _J)(escape.current_paper)
n_ballistic = quantity_twin({"phi": _phi}, _nE)(escape.n_ballistic)

gas_density = quantity_twin({"delta_G": _one, "Omega_b_h2": _one, "rho_cr_h2": _rho}, _rho)(
    instability.gas_density
)
alfven_speed = quantity_twin({"B": _G, "rho": _rho}, _v)(instability.alfven_speed)
B0_max = quantity_twin({"E2phi": _E2phi}, _G)(instability.B0_max)
k_max_paper = quantity_twin({"J": _J, "B0": _G}, 1 / u.cm)(instability.k_max_paper)
k_fastest_cold = quantity_twin({"J": _J, "B0": _G}, 1 / u.cm)(instability.k_fastest_cold)
gamma_max_paper = quantity_twin({"J": _J, "rho": _rho}, 1 / u.s)(instability.gamma_max_paper)
gamma_max_cold = quantity_twin({"J": _J, "rho": _rho}, 1 / u.s)(instability.gamma_max_cold)
B_thermal_paper = quantity_twin({"rho": _rho, "T": u.K}, _G)(instability.B_thermal_paper)
B_thermal = quantity_twin({"rho": _rho, "T": u.K, "X_H": _one}, _G)(instability.B_thermal)
B_star_paper = quantity_twin({"J": _J, "rho": _rho, "T": u.K}, _G)(instability.B_star_paper)

B_sat = quantity_twin({"E2phi": _E2phi}, _G)(saturation.B_sat)
B_sat_luminosity = quantity_twin({"L_CR": _L, "R_d": _cm, "Lambda": _one}, _G)(
    saturation.B_sat_luminosity
)
larmor_radius = quantity_twin({"E": _E, "B": _G}, _cm)(saturation.larmor_radius)
bohm_diffusion = quantity_twin({"E": _E, "dB": _G}, _D)(saturation.bohm_diffusion)
B_alfven_balance = quantity_twin({"E2phi": _E2phi, "rho": _rho}, _G)(saturation.B_alfven_balance)

n_diffusive = quantity_twin({"phi": _phi, "D": _D, "t": _s}, _nE)(transport.n_diffusive)
drift_speed = quantity_twin({"D": _D, "t": _s}, _v)(transport.drift_speed)
pressure_gradient = quantity_twin({"E2phi": _E2phi, "D": _D}, u.erg / u.cm**4)(
    transport.pressure_gradient
)
pressure_gradient_isotropic = quantity_twin({"E2phi": _E2phi, "D": _D}, u.erg / u.cm**4)(
    transport.pressure_gradient_isotropic
)
gas_speed = quantity_twin({"E2phi": _E2phi, "D": _D, "rho": _rho, "t": _s}, _v)(transport.gas_speed)
advection_time = quantity_twin({"E2phi": _E2phi, "D": _D, "rho": _rho}, _s)(
    transport.advection_time
)
n_advective = quantity_twin({"phi": _phi, "v_A": _v}, _nE)(transport.n_advective)
fill_time = quantity_twin({"R_d": _cm, "v_A": _v}, _s)(transport.fill_time)

neutrino_E2_flux_eq16 = quantity_twin(
    {
        "E2phi_parent": _E2phi,
        "v_A": _v,
        "n_gas": u.cm**-3,
        "R_d": _cm,
        "eta": _one,
        "sigma_pp": u.cm**2,
        "nu_yield": _one,
    },
    _I,
)(emission.neutrino_E2_flux_eq16)
neutrino_E2_flux_eq17 = quantity_twin(
    {"L_CR": _L, "Lambda": _one, "rho": _rho, "eta": _one, "sigma_pp": u.cm**2, "nu_yield": _one},
    _I,
)(emission.neutrino_E2_flux_eq17)
