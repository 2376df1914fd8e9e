"""Resolution study of the coupled run (docs/simulation.md): ``python benchmarks/simulate_resolution.py``.

The fiducial case (the paper's Milky Way, δ_G = 1, B0 = 1e-10 G, all saturation
criteria; z = H … 200 kpc, planar up to R_d and spherical beyond, 16 momenta) on
100, 200, 400 and 800 cells (or one grid with several ``--momenta``) to ``--t-end`` (300 Myr by default). Prints, per
resolution, the gas speed u, the field δB, the density and n_CR(1 GeV, 1 TeV) in
the first cell and at fixed distances (12, 20, 50 kpc), the change against the next coarser grid and the
observed order p = log2(|q_n − q_{n/2}| / |q_{2n} − q_n|), and the budget residuals.
Not part of ``make bench`` (it takes tens of minutes on two cores).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from crescape import constants as C
from crescape.params import Parameters
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled import CGMSimulation

#: fixed distances from the Galactic plane [kpc] (the first cell's values are a grid quantity:
#: the gas accelerates from the reservoir's sound speed to thousands of km/s within it)
Z_FIXED = (12.0, 20.0, 50.0)
#: energies of the n_CR rows [GeV]: 1 GeV is the Galaxy's E_min (the lower edge of the injected
#: spectrum, below it only adiabatically cooled particles), 10 GeV and 1 TeV inside it
E_ROWS = {"nCR1GeV": 1.0, "nCR10GeV": 10.0, "nCR1TeV": 1e3}
QUANTITIES = ("u_0", "dB_0", "nCR1GeV_0", "nCR10GeV_0") + tuple(
    f"{q}_{zk:g}" for zk in Z_FIXED for q in ("u", "dB", "rho", *E_ROWS)
)


def values(n_cells: int, t_end: float, n_momenta: int = 16, E_grid_min=None) -> dict:
    opts = {"n_cells": n_cells, "n_momenta": n_momenta, "z_max": 200.0, "t_end": t_end}
    if E_grid_min is not None:
        opts["E_grid_min"] = f"{E_grid_min} GeV"
    cfg = SimulationConfig.from_dict({**opts, "n_output": 2})
    sim = CGMSimulation(Parameters(), cfg)
    t0 = time.perf_counter()
    sim.run()
    wall = time.perf_counter() - t0
    z = sim.grid.centres / C.kpc
    E = sim.pgrid.energy
    n = sim.g / sim.pgrid.dE_dlnp()[None, :] * C.GeV
    # n_CR at a fixed energy: log-log interpolation between the bin centres, so that grids
    # with different momentum bins are compared at the same energy (the nearest bin of a
    # coarse grid is up to half a bin away, ~30% in n_CR for an E^-2.2 spectrum)
    lnE = np.log(E / C.GeV)

    def at_energy(col, e):
        with np.errstate(divide="ignore"):
            return float(np.exp(np.interp(np.log(e), lnE, np.log(col))))

    def at(q, zk):  # linear interpolation between cell centres at a fixed distance
        return float(np.interp(zk, z, q))

    b = sim.budgets()
    out = {"u_0": sim.gas_state.u[0] / 1e5, "dB_0": sim.dB[0]}
    for name, e in E_ROWS.items():
        out[f"{name}_0"] = at_energy(n[0], e)
    for zk in Z_FIXED:
        out[f"u_{zk:g}"] = at(sim.gas_state.u, zk) / 1e5
        out[f"dB_{zk:g}"] = at(sim.dB, zk)
        out[f"rho_{zk:g}"] = at(sim.gas_state.rho, zk) / sim.rho0
        nz = np.array([at(n[:, j], zk) for j in range(E.size)])
        for name, e in E_ROWS.items():
            out[f"{name}_{zk:g}"] = at_energy(nz, e)
    return {
        **out,
        "_wall": wall,
        "_steps": sim.step_count,
        "_energy_residual": b["energy_residual"],
        "_corrections": b["corrections"],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--t-end", type=float, default=300.0, help="Myr")
    ap.add_argument("--cells", default="100,200,400,800")
    ap.add_argument(
        "--momenta",
        default="16",
        help="momenta, or a comma list (with one --cells value) for a momentum-resolution study",
    )
    ap.add_argument(
        "--e-grid-min",
        type=float,
        default=None,
        help="lowest grid energy [GeV] (default the Galaxy's E_min, where 1 GeV is the edge bin)",
    )
    args = ap.parse_args(argv)
    cells = [int(x) for x in args.cells.split(",")]
    momenta = [int(x) for x in args.momenta.split(",")]
    if len(cells) > 1 and len(momenta) > 1:
        ap.error("vary either --cells or --momenta, not both")
    grids = [(n, m) for n in cells for m in momenta]
    rows = {g: values(g[0], args.t_end, g[1], args.e_grid_min) for g in grids}
    print(f"momentum grid from {args.e_grid_min or 'E_min'} GeV; n_CR interpolated in log-log")
    print("| quantity | " + " | ".join(f"{n} × {m}" for n, m in grids) + " | observed order |")
    print("|---" * (len(grids) + 2) + "|")
    for q in QUANTITIES:
        v = [rows[g][q] for g in grids]
        cells_txt = [f"{v[0]:.4g}"] + [
            f"{x:.4g} ({(x - y) / y:+.1%})" if y else f"{x:.4g}"
            for x, y in zip(v[1:], v[:-1], strict=False)
        ]
        orders = []
        for a, b, c in zip(v, v[1:], v[2:], strict=False):
            d1, d2 = abs(b - a), abs(c - b)
            orders.append(f"{math.log2(d1 / d2):.2f}" if d1 > 0 and d2 > 0 else "–")
        print(f"| {q} | " + " | ".join(cells_txt) + " | " + ", ".join(orders) + " |")
    for n, m in grids:
        r = rows[n, m]
        print(
            f"{n} × {m}: {r['_steps']} steps, {r['_wall']:.0f} s, energy residual "
            f"{r['_energy_residual']:.1e}, corrections {r['_corrections']:.1e}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
