"""A CR-driven wind in an isothermal sphere against the scalings of Modak et al. (2023).

``python benchmarks/wind_scaling.py``: the set-up of
:func:`crescape.simulate.coupled.streaming.isothermal_sphere_wind` (an isothermal gas at
2e5 K, c_i = 53 km/s, in Φ = 2V_g² ln(r/H), spherical from H = 4 kpc, CRs of Eq. (3) with
L_CR = 1e41 erg/s streaming at the Alfvén speed of a radial field 1.3 μG (H/r)², base density
δ_G = 3.4e4, i.e. n ≈ 1e-2 cm⁻³) for V_g = 100, 150 and 200 km/s, to 2 Gyr, the last 30%
averaged. Modak, Quataert, Jiang & Thompson (2023, MNRAS 524, 6374), abstract: Ṁ ∝ v_esc⁻²
and asymptotic speeds ~0.4 v_esc. Here v_esc = 2V_g (the speed that climbs from r to e·r in
the isothermal sphere). Prints one JSON line: per V_g the mass-loss rate (mean over the outer
half, and its spread there), the speed at the outer edge, the fitted exponent of Ṁ(v_esc) and
the ratios to the published numbers, and the same at twice the cells and on a domain of twice
the radius (the resolution and the domain errors). docs/halo.md quotes the numbers.

``python benchmarks/wind_scaling.py geometry [n_cells]``: the Milky Way example
(``examples/simulate_milky_way_halo.toml``, default 500 cells) in the three geometries
(planar, spherical from H, planar to R_d then spherical) and in the last with streaming: u
and the Bernoulli parameter over v_esc²/2 at 10, 20 and 50 kpc at 1 Gyr, gravity's work and
the reservoir's enthalpy in units of the CR energy supplied, and that energy in units of
L_CR × 1 Gyr. One JSON line per run.
"""

import json
import time
import warnings

import numpy as np

from crescape import constants as C
from crescape.physics.potential import M_SUN
from crescape.simulate.coupled.streaming import MODAK_2023, run_wind_test, wind_mass_loss_rate

MODAK_MDOT_EXPONENT = MODAK_2023["mdot_exponent"]
MODAK_V_INF_OVER_V_ESC = MODAK_2023["v_inf_over_v_esc"]
V_G = (100.0, 150.0, 200.0)


def wind(V_g_kms, **opts):
    """Ṁ [M_sun/yr] (mean and relative spread over the outer half), u at the edge [km/s]."""
    sim, ds = run_wind_test(V_g_kms * C.km_s, **opts)
    mdot = wind_mass_loss_rate(sim, ds).mean(axis=0) * C.yr / M_SUN
    outer = mdot[mdot.size // 2 :]
    u = ds["u"].values.mean(axis=0) / C.km_s
    return {
        "V_g_km_s": V_g_kms,
        "v_esc_km_s": 2 * V_g_kms,
        "Mdot_Msun_yr": float(outer.mean()),
        "Mdot_spread": float(np.ptp(outer) / outer.mean()),
        "u_edge_km_s": float(u[-1]),
        "u_edge_over_v_esc": float(u[-1] / (2 * V_g_kms)),
        "Pc_over_Pgas_base": float(ds["P_CR"].values[-1, 0] / ds["P_gas"].values[-1, 0]),
        "steps": sim.step_count,
    }


def scaling(rows):
    v = np.log([r["v_esc_km_s"] for r in rows])
    m = np.log([r["Mdot_Msun_yr"] for r in rows])
    slope = float(np.polyfit(v, m, 1)[0])
    ratio_u = [r["u_edge_over_v_esc"] / MODAK_V_INF_OVER_V_ESC for r in rows]
    return {
        "Mdot_exponent": slope,
        "exponent_ratio_to_modak": slope / MODAK_MDOT_EXPONENT,
        "u_edge_ratio_to_modak": ratio_u,
    }


def geometry_run(geometry, n_cells=500, streaming="none"):
    """The headline numbers of the Milky Way example in one geometry (module docstring)."""
    from crescape.simulate.cgm_config import load_config
    from crescape.simulate.coupled import CGMSimulation
    from crescape.simulate.coupled.gravity import bernoulli

    over = {"geometry": geometry, "n_cells": n_cells, "n_output": 2, "streaming": streaming}
    p, cfg = load_config("examples/simulate_milky_way_halo.toml", over)
    sim = CGMSimulation(p, cfg)
    t0 = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ds = sim.run().isel(t=-1)
    z = ds["z"].values
    phi = sim.gravity.phi_c
    be = bernoulli(
        ds["rho"].values, ds["u"].values, ds["P_gas"].values, phi, cfg.gamma, ds["P_CR"].values
    )
    v_esc2 = -2.0 * phi
    en, supplied = sim.ledger.entries["energy"], sim.cr_supplied()
    R_d = float(p.cgs.R_d)
    out = {"geometry": geometry, "streaming": streaming, "n_cells": n_cells}
    for r in (10, 20, 50):
        out[f"u_{r}kpc_km_s"] = float(np.interp(r, z, ds["u"].values)) / C.km_s
        out[f"v_esc_{r}kpc_km_s"] = float(np.interp(r, z, np.sqrt(v_esc2))) / C.km_s
        out[f"Be_over_half_v_esc2_{r}kpc"] = float(np.interp(r, z, be / (0.5 * v_esc2)))
    out["gravity_work_over_supplied"] = en.get("gravity_work", 0.0) / supplied
    out["gas_in_over_supplied"] = en.get("gas_in", 0.0) / supplied
    out["streaming_heating_over_supplied"] = (
        sim.ledger.entries["exchange"].get("cr_streaming_heating", 0.0) / supplied
    )
    # per unit A of the geometry, A = 1 at R_d: 2πR_d² A supplied is the power of both sides
    out["supplied_over_L_CR_t"] = 2 * np.pi * R_d**2 * supplied / (float(p.cgs.L_CR) * sim.t)
    out["energy_residual"] = sim.budgets()["energy_residual"]
    out["wall_s"] = time.time() - t0
    return out


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "geometry":
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
        for g, st in [
            ("planar", "none"),
            ("spherical", "none"),
            ("planar_spherical", "none"),
            ("planar_spherical", "alfven_dB"),
        ]:
            print(json.dumps(geometry_run(g, n, st)), flush=True)
        sys.exit(0)
    t0 = time.time()
    out = {}
    for label, opts in [
        ("fiducial", {}),
        ("double_cells", {"n_cells": 200}),
        ("double_radius", {"n_cells": 200, "z_max": 44.0}),
    ]:
        rows = [wind(v, **opts) for v in V_G]
        out[label] = {"runs": rows, **scaling(rows)}
    out["wall_s"] = time.time() - t0
    print(json.dumps(out))
