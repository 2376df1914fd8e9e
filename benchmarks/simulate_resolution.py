"""Resolution study of the coupled run (docs/simulation.md): ``python benchmarks/simulate_resolution.py``.

The fiducial case (the paper's Milky Way, δ_G = 1, B0 = 1e-10 G, all saturation
criteria; z = H … 200 kpc, planar up to R_d and spherical beyond, 16 momenta) on
100, 200, 400 and 800 cells to ``--t-end`` (300 Myr by default). Prints, per
resolution, the gas speed u, the field δB, the density and n_CR(1 GeV, 1 TeV) in
the first cell and at 50 kpc, the change against the next coarser grid and the
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

QUANTITIES = (
    "u_0",
    "u_50",
    "dB_0",
    "dB_50",
    "rho_0",
    "nCR1GeV_0",
    "nCR1TeV_0",
    "nCR1GeV_50",
    "nCR1TeV_50",
)


def values(n_cells: int, t_end: float, n_momenta: int = 16) -> dict:
    cfg = SimulationConfig.from_dict(
        {"n_cells": n_cells, "n_momenta": n_momenta, "z_max": 200.0, "t_end": t_end, "n_output": 2}
    )
    sim = CGMSimulation(Parameters(), cfg)
    t0 = time.perf_counter()
    sim.run()
    wall = time.perf_counter() - t0
    z = sim.grid.centres / C.kpc
    i50 = int(np.argmin(np.abs(z - 50.0)))
    E = sim.pgrid.energy
    j1, j3 = (int(np.argmin(np.abs(np.log(E / (e * C.GeV))))) for e in (1.0, 1e3))
    n = sim.g / sim.pgrid.dE_dlnp()[None, :] * C.GeV
    b = sim.budgets()
    return {
        "u_0": sim.gas_state.u[0] / 1e5,
        "u_50": sim.gas_state.u[i50] / 1e5,
        "dB_0": sim.dB[0],
        "dB_50": sim.dB[i50],
        "rho_0": sim.gas_state.rho[0] / sim.rho0,
        "nCR1GeV_0": n[0, j1],
        "nCR1TeV_0": n[0, j3],
        "nCR1GeV_50": n[i50, j1],
        "nCR1TeV_50": n[i50, j3],
        "_wall": wall,
        "_steps": sim.step_count,
        "_energy_residual": b["energy_residual"],
        "_corrections": b["corrections"],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--t-end", type=float, default=300.0, help="Myr")
    ap.add_argument("--cells", default="100,200,400,800")
    args = ap.parse_args(argv)
    cells = [int(x) for x in args.cells.split(",")]
    rows = {n: values(n, args.t_end) for n in cells}
    print("| quantity | " + " | ".join(f"{n} cells" for n in cells) + " | observed order |")
    print("|---" * (len(cells) + 2) + "|")
    for q in QUANTITIES:
        v = [rows[n][q] for n in cells]
        cells_txt = [f"{v[0]:.4g}"] + [
            f"{x:.4g} ({(x - y) / y:+.1%})" if y else f"{x:.4g}" for x, y in zip(v[1:], v[:-1], strict=False)
        ]
        orders = []
        for a, b, c in zip(v, v[1:], v[2:], strict=False):
            d1, d2 = abs(b - a), abs(c - b)
            orders.append(f"{math.log2(d1 / d2):.2f}" if d1 > 0 and d2 > 0 else "–")
        print(f"| {q} | " + " | ".join(cells_txt) + " | " + ", ".join(orders) + " |")
    for n in cells:
        r = rows[n]
        print(
            f"{n} cells: {r['_steps']} steps, {r['_wall']:.0f} s, energy residual "
            f"{r['_energy_residual']:.1e}, corrections {r['_corrections']:.1e}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
