"""Speed of the Milky Way halo run (``examples/simulate_milky_way_halo.toml``), to 1 Gyr.

1. The example as shipped: the escaping CRs of Eq. (3) into MWPotential2014, the gas an
   isothermal 2e6 K atmosphere through the Miller & Bregman (2015) density at z = H,
   1000 cells × 48 momenta, 1 Gyr, numba kernels: wall time against the 5-minute target,
   steps, time per step and per cell-update, the budgets, the verdict (bound or blown out).
2. Baseline: the same run with the numpy reference kernels of the transport operator and the
   gas solver, for a fixed number of steps from the end state; the ratio of the time per step
   is printed beside the numba one.

``python benchmarks/bench_halo.py [t_end_Myr]`` (default 1000).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from _timing import time_per_step

from crescape.reproduction.halo import boundness
from crescape.simulate.cgm_config import load_config
from crescape.simulate.coupled import CGMSimulation

CONFIG = Path(__file__).resolve().parents[1] / "examples" / "simulate_milky_way_halo.toml"
#: the speed target for the 1000 × 48 run to 1 Gyr on a 2-core machine [s]
TARGET_S = 300.0
N_BASELINE = 30


def main(t_end_myr: float = 1000.0) -> None:
    params, cfg = load_config(CONFIG, {"t_end": t_end_myr})
    time_per_step(CGMSimulation(params, cfg, backend="numba"), 2)  # compile or load the numba cache
    sim = CGMSimulation(params, cfg, backend="numba")
    n_cells, n_p = sim.transport.shape
    print(f"Milky Way halo: {n_cells} cells x {n_p} momenta, t_end = {t_end_myr:g} Myr")
    t0 = time.perf_counter()
    ds = sim.run()
    wall = time.perf_counter() - t0
    per_step = wall / sim.step_count
    b = sim.budgets()
    bn = boundness(ds, sim.potential.phi_axis, float(ds.attrs["config.simulation.gamma"]))
    print(
        f"  wall time            {wall:8.1f} s   (target {TARGET_S:.0f} s: ratio {wall / TARGET_S:.2f})"
    )
    print(f"  steps                {sim.step_count:8d}")
    print(f"  time per step        {per_step * 1e3:8.2f} ms")
    print(f"  per cell-update      {per_step / (n_cells * n_p) * 1e9:8.1f} ns")
    print(
        "  budgets (relative)   mass {mass_residual:.1e}  momentum {momentum_residual:.1e}  "
        "energy {energy_residual:.1e}  corrections {corrections:.1e}".format(**b)
    )
    at10 = bn["at"]["10kpc"]
    print(
        f"  verdict              {bn['verdict']} (u = {at10['u_km_s']:.0f} km/s = "
        f"{at10['u_over_v_esc']:.2f} v_esc at 10 kpc; CR front {bn['front_kpc']:.0f} kpc)"
    )
    ref = CGMSimulation(params, cfg, backend="reference")
    ref.load_arrays(sim.state_arrays())
    t_ref = time_per_step(ref, N_BASELINE)
    t_fast = time_per_step(sim, N_BASELINE)
    print(
        f"  baseline (numpy reference kernels, {N_BASELINE} steps from the end state): "
        f"{t_ref * 1e3:.2f} ms/step vs numba {t_fast * 1e3:.2f} ms/step: ratio {t_ref / t_fast:.2f}"
    )


if __name__ == "__main__":
    main(*(float(a) for a in sys.argv[1:2]))
