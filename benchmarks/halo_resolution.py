"""Resolution study of the Milky Way halo case (docs/simulation.md): ``python benchmarks/halo_resolution.py``.

The case of the reproduction step ``halo`` (:mod:`crescape.reproduction.halo`: the escaping
CRs of Eq. (3) into MWPotential2014, the gas an isothermal 2e6 K atmosphere through the
Miller & Bregman (2015) density at z = H, 1 Gyr), on several grids and with the physics
options given by ``--set`` (e.g. ``--set cooling=sd93 --set streaming=alfven_dB``). Prints, per
grid, the verdict (bound or blown out) and the mass-loss rate of the step's rule, u/v_esc
and δB at 10 kpc against Eq. (8), n_CR(10 GeV) at 10 kpc against Eq. (15) with the run's own
local density (and the gas speed in place of ṽ_A), the all-flavour ν at 10 TeV against
Eq. (17) at δ_G = 100 and against IceCube 2015, the γ rays at 100 GeV, the sky-averaged
radio at 1.4 GHz against the ARCADE 2 excess, the change against the next coarser grid and
the budget residuals. Not part of ``make bench`` (tens of minutes on two cores).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import astropy.units as u
import numpy as np

from crescape import constants as C
from crescape.analysis.profile_emission import ProfileEmission
from crescape.data import radio_excess_intensity
from crescape.errors import RunFailedError
from crescape.model import EscapeModel, neutrino_E2_flux
from crescape.params import Parameters, ValidityWarning
from crescape.physics import instability
from crescape.reproduction import halo as H

#: distance of the local comparisons [kpc]
Z_AT = 10.0
#: energy of the n_CR comparison [GeV]
E_CR = 10.0


def _at(z, q, zk):
    return float(np.interp(zk, z, q))


def values(
    n_cells: int, n_momenta: int, options: dict, save: str | None = None, case: str = "halo"
) -> dict:
    params = Parameters()
    run = H.halo_run if case == "halo" else H.uniform_run
    t0 = time.perf_counter()
    try:
        sim, ds = run(params, {"n_cells": n_cells, "n_momenta": n_momenta, **options})
    except RunFailedError as exc:
        return {"failed": str(exc), "_wall": time.perf_counter() - t0}
    wall = time.perf_counter() - t0
    if save:
        ds.to_netcdf(f"{save}/{case}_{n_cells}x{n_momenta}.nc")
    if case == "halo":
        bn = H.boundness(ds, sim.potential.phi_axis, float(ds.attrs["config.simulation.gamma"]))
    else:  # no potential: the speeds against the Milky Way's escape speed for comparison
        from crescape.halo import HaloPotential

        bn = H.boundness(ds, HaloPotential().cgs.phi_axis, 5.0 / 3.0)
    z = ds["z"].values
    last = ds.isel(t=-1)
    rho = _at(z, last["rho"].values, Z_AT)
    u_gas = _at(z, last["u"].values, Z_AT)
    dB = _at(z, last["dB"].values, Z_AT)
    E = ds["E"].values
    nz = np.array([_at(z, last["n_CR"].values[:, j], Z_AT) for j in range(E.size)])
    with np.errstate(divide="ignore"):
        n_cr = float(np.exp(np.interp(np.log(E_CR), np.log(E), np.log(nz))))
    # Eq. (8) and Eq. (15) at the run's local density (the chain at that δ_G; f(r) = 1 at R_d)
    dG_local = rho / instability.gas_density(1.0, params.cgs.Omega_b_h2, params.cgs.rho_cr_h2)
    p_loc = params.replace(delta_G=dG_local)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ValidityWarning)
        m = EscapeModel.from_params(p_loc, energy=E_CR * u.GeV)
    B_eq8 = float(m.cgs("B_sat"))
    phi = float(m.cgs("cr_flux"))
    n_eq15 = float(m.cgs("n_advective")) * C.GeV
    obs = H.observables(ProfileEmission.from_dataset(ds), f"{n_cells} x {n_momenta}")
    eq17 = float(
        neutrino_E2_flux(params.replace(delta_G=H.UNIFORM_DELTA_G), 10 * u.TeV).to_value(
            "GeV / (cm2 s sr)"
        )
    )
    nu10 = H._at(H.E_NU_GEV, obs["nu_all"], 1e4)
    # the same without the region r < H, which the mapping fills with the first cell's emissivity
    outer = ProfileEmission.from_dataset(ds, inner="zero")
    nu10_out = float(np.squeeze(outer.sed(1e4 * u.GeV, "nu_all").value))
    g100_out = float(np.squeeze(outer.sed(100 * u.GeV, "gamma").value))
    arcade = radio_excess_intensity(1.4 * u.GHz)["I"].to_value(u.Jy / u.sr)
    b = sim.budgets()
    i10 = f"{Z_AT:g}kpc"
    return {
        "verdict": bn["verdict"],
        "front_kpc": bn["front_kpc"],
        "u_over_vesc_10": bn["at"][i10]["u_over_v_esc"],
        "u_10_km_s": u_gas / 1e5,
        "Mdot_10_Msun_yr": bn["at"][i10]["Mdot_Msun_yr"],
        "Be_10": bn["at"][i10]["Be_over_half_v_esc2"],
        "n_10_cm3": rho / C.m_p,
        "dB_10_over_eq8": dB / B_eq8,
        "nCR10GeV_10_over_eq15": n_cr / n_eq15,
        # Eq. (15) with the gas speed instead of ṽ_A: n_CR = φ/u (advection with the gas)
        "nCR10GeV_10_over_phi_u": n_cr / (phi / u_gas * C.GeV) if u_gas > 0 else float("nan"),
        "nu_all_10TeV": nu10,
        "nu_over_eq17_dG100": nu10 / eq17,
        "nu_over_icecube2015": H._icecube(obs)["10TeV"]["ratio"],
        "nu_all_10TeV_r_gt_H": nu10_out,
        "gamma_100GeV": H._at(H.E_GAMMA_GEV, obs["gamma"], 100.0),
        "gamma_100GeV_r_gt_H": g100_out,
        "gamma_max_over_igrb": H._igrb(obs)["max_ratio_to_igrb_upper"],
        "radio_1.4GHz_Jy_sr": float(obs["radio_I_mean_Jy_sr"][1]),
        "radio_over_arcade2": float(obs["radio_I_mean_Jy_sr"][1]) / float(arcade),
        "_wall": wall,
        "_steps": sim.step_count,
        "_energy_residual": b["energy_residual"],
        "_corrections": b["corrections"],
        "_valid": int(ds.attrs.get("valid", 1)),
    }


def _parse_set(items):
    out = {}
    for it in items:
        k, _, v = it.partition("=")
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grids", default="500x48,1000x48,2000x48", help="CELLSxMOMENTA,...")
    ap.add_argument(
        "--case",
        choices=("halo", "uniform"),
        default="halo",
        help="the Milky Way halo, or the step's uniform CGM at δ_G = 100 without gravity",
    )
    ap.add_argument("--set", action="append", default=[], help="simulation option KEY=VALUE")
    ap.add_argument("--json", default=None, help="also write the rows to this JSON file")
    ap.add_argument(
        "--save", default=None, help="write each run's netCDF to DIR/halo_CELLSxMOMENTA.nc"
    )
    args = ap.parse_args(argv)
    options = _parse_set(args.set)
    grids = [tuple(int(x) for x in g.split("x")) for g in args.grids.split(",")]
    rows = {}
    for g in grids:
        rows[g] = values(g[0], g[1], options, args.save, args.case)
        print(f"{g[0]} x {g[1]}: {json.dumps(rows[g], default=str)}", flush=True)
    ok = [g for g in grids if "failed" not in rows[g]]
    keys = [k for k in (rows[ok[0]] if ok else {}) if not k.startswith("_")]
    print(f"case: {args.case}; options: {options or 'none'}")
    print("| quantity | " + " | ".join(f"{n} × {m}" for n, m in ok) + " |")
    print("|---" * (len(ok) + 1) + "|")
    for k in keys:
        v = [rows[g][k] for g in ok]
        txt = []
        for i, x in enumerate(v):
            if isinstance(x, str):
                txt.append(x)
            elif i and isinstance(v[i - 1], float) and v[i - 1]:
                txt.append(f"{x:.3g} ({(x - v[i - 1]) / abs(v[i - 1]):+.1%})")
            else:
                txt.append(f"{x:.3g}")
        print(f"| {k} | " + " | ".join(txt) + " |")
    for g in grids:
        r = rows[g]
        if "failed" in r:
            print(f"{g[0]} × {g[1]}: FAILED after {r['_wall']:.0f} s: {r['failed']}")
        else:
            print(
                f"{g[0]} × {g[1]}: {r['_steps']} steps, {r['_wall']:.0f} s, energy residual "
                f"{r['_energy_residual']:.1e}, corrections {r['_corrections']:.1e}, valid {r['_valid']}"
            )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({f"{n}x{m}": rows[n, m] for n, m in grids}, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
