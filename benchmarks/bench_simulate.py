"""Speed of the coupled circumgalactic run (``crescape simulate``), the fiducial case.

1. The fiducial run of ``examples/simulate_fiducial.toml`` (the paper's Milky Way,
   1000 cells × 48 momenta, z = H … 200 kpc, planar up to R_d then spherical,
   all three saturation criteria), from the CGM at rest to 1 Gyr, numba kernels:
   wall time, steps, time per step and per cell-update, the closure of the
   budgets, and how steady the end state is (relative change of u, δB and
   n_CR(1 GeV) over the last 10% of the run).
2. Baseline: the same run with the numpy reference kernels of the transport
   operator and of the gas solver, for a fixed number of steps from the same
   state; the ratio of the time per step is printed beside the numba one.

``python benchmarks/bench_simulate.py [t_end_Myr]`` (default 20: with the reservoir boundary
the CR-driven wind is hypersonic and thin, the gas Courant limit with the CR sound speed sets
steps of ~1e3–1e4 yr on 1000 cells, and the 1 Gyr run takes hours on two cores; the number of
steps grows linearly with t_end, so the time per step and per cell-update measured here is
what a longer run costs).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from _timing import time_per_step

from crescape import constants as C
from crescape.simulate.cgm_config import load_config
from crescape.simulate.coupled import CGMSimulation

CONFIG = Path(__file__).resolve().parents[1] / "examples" / "simulate_fiducial.toml"
N_BASELINE = 30


def main(t_end_myr: float = 20.0) -> None:
    params, cfg = load_config(CONFIG, {"t_end": t_end_myr, "n_output": 11})
    sim = CGMSimulation(params, cfg, backend="numba")
    time_per_step(sim, 2)  # compile or load the numba cache
    sim = CGMSimulation(params, cfg, backend="numba")
    n_cells, n_p = sim.transport.shape
    print(
        f"fiducial run: {n_cells} cells x {n_p} momenta, z_max = {cfg.z_max:g} kpc, t_end = {t_end_myr:g} Myr"
    )
    t0 = time.perf_counter()
    ds = sim.run()
    wall = time.perf_counter() - t0
    steps = sim.step_count
    per_step = wall / steps
    b = sim.budgets()
    i1 = int(np.argmin(np.abs(np.log(sim.pgrid.energy / C.GeV))))
    change = {}
    for name, arr in (
        ("u", ds.u.values),
        ("dB", ds.dB.values),
        ("n_CR(1 GeV)", ds.n_CR.values[:, :, i1]),
    ):
        a, z = arr[-2], arr[-1]
        change[name] = float(np.max(np.abs(z - a)) / max(np.max(np.abs(z)), 1e-300))
    print(f"  wall time            {wall:8.1f} s")
    print(f"  steps                {steps:8d}")
    print(f"  time per step        {per_step * 1e3:8.2f} ms")
    print(f"  per cell-update      {per_step / (n_cells * n_p) * 1e9:8.1f} ns")
    print(f"  cell-updates/s       {n_cells * n_p / per_step:8.3g}   (coupled step, all operators)")
    print(
        "  budgets (relative)   mass {mass_residual:.1e}  momentum {momentum_residual:.1e}  "
        "energy {energy_residual:.1e}  CR number {cr_number_residual:.1e}".format(**b)
    )
    span = float(ds.t.values[-1] - ds.t.values[-2])
    print(
        f"  steadiness: max relative change over the last {span:.0f} Myr: "
        + ", ".join(f"{k} {v:.2e}" for k, v in change.items())
    )
    print(
        f"  end state at the halo boundary: dB = {sim.dB[0]:.3e} G, u = {sim.gas_state.u[0] / 1e5:.0f} km/s"
    )

    # baseline: numpy reference kernels, per step, from the end state of a short numba run
    ref = CGMSimulation(params, cfg, backend="reference")
    fast = CGMSimulation(params, cfg, backend="numba")
    for s in (ref, fast):
        s.run(times=[0.0, 1.0 * C.Myr])
    t_ref = time_per_step(ref, N_BASELINE)
    t_fast = time_per_step(fast, N_BASELINE)
    print(
        f"  per step, {N_BASELINE} steps after 1 Myr:  numba {t_fast * 1e3:8.2f} ms   reference (numpy) {t_ref * 1e3:8.2f} ms   ratio {t_ref / t_fast:6.1f}x"
    )
    print(f"  fiducial run with the reference kernels (estimate): {t_ref * steps:8.0f} s")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0)
