"""The neutrino intensity from the coupled run in the bound Milky Way halo (docs/halo.md).

``python benchmarks/halo_neutrinos.py``: the escaping CRs of Eq. (3) into MWPotential2014
with the gas at 2e6 K through the Miller & Bregman density at the halo boundary
(δ_G = 6800 at 4 kpc), 1000 cells × 48 momenta to 1 Gyr, then the sky-averaged all-flavour
E²I_ν from the simulated profiles at 1, 10 and 30 TeV: the cell-step mapping of
:func:`crescape.physics.cgm_source.column_neutrino_sed`, and
:class:`crescape.analysis.profile_emission.ProfileEmission` (linear in r between cells; ν per
flavour after oscillations, γ rays absorbed on the CMB at 1 and 100 GeV). Prints one JSON line.
The reproduction step ``halo`` runs the same case at 500 cells (docs/halo.md).
"""

import json
import time

import astropy.units as u
import numpy as np

from crescape import constants as C
from crescape.analysis.profile_emission import ProfileEmission
from crescape.model import neutrino_E2_flux
from crescape.params import Parameters
from crescape.physics.cgm_source import column_neutrino_sed
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled import CGMSimulation

res = {}
for label, opts, flat in [  # noqa: E501
    (
        "bound_halo",
        {"potential": "mw2014", "n_output": 2, "t_end": 1000.0},
        {"delta_G": 6800, "T": 2e6},
    ),
]:
    p = Parameters.from_flat(flat)
    cfg = SimulationConfig.from_dict({"n_cells": 1000, "n_momenta": 48, "z_max": 200.0, **opts})
    sim = CGMSimulation(p, cfg)
    t0 = time.time()
    ds = sim.run()
    wall = time.time() - t0
    z = ds.z.values * C.kpc
    E = ds.E.values * C.GeV
    nE = ds.n_CR.values[-1] / C.GeV
    rho = ds.rho.values[-1]
    E_nu = np.array([1e3, 1e4, 3e4]) * C.GeV
    sed = (
        column_neutrino_sed(z, E, nE, rho / C.m_p, E_nu, float(p.cgs.R_d)) / C.GeV
    )  # GeV cm-2 s-1 sr-1 all flavour
    eq17 = neutrino_E2_flux(p, E_nu * u.erg).to_value("GeV / (cm2 s sr)")
    pe = ProfileEmission.from_dataset(ds)
    profile = {
        sp: pe.sed(E_nu * u.erg, sp).value.tolist() for sp in ("nu_all", "nu_e", "nu_mu", "nu_tau")
    }
    profile["gamma_1_100GeV"] = pe.sed([1.0, 100.0] * u.GeV, "gamma").value.tolist()
    res[label] = {
        "wall_s": wall,
        "steps": sim.step_count,
        "E_nu_GeV": (E_nu / C.GeV).tolist(),
        "E2I_all_flavour": sed.tolist(),
        "eq17_same_delta_G": eq17.tolist(),
        "profile_emission": profile,
        "u_10kpc_kms": float(np.interp(10, ds.z.values, ds.u.values[-1]) / 1e5),
        "valid": int(ds.attrs.get("valid", 1)),
        "budgets": {k: float(v) for k, v in sim.budgets().items()},
    }
    print(json.dumps(res[label]), flush=True)
