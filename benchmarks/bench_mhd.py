"""Speed of the 1.5D MHD solver with a fixed CR current (Bell's instability), beside the gas solver.

1. A linear run: 1024 cells, one wavelength of the fastest mode k = k_c/2 in the
   box, sound speed v_A, CFL 0.4, seeded at δB/B0 = 1e-6 and followed for 10
   growth times 1/γ_max (γ_max = k_c v_A/2, Bell 2004), with the numba kernel and
   with the numpy reference. Reported: wall time, steps, cell-updates per second
   (one update = one cell advanced by one full SSP-RK2 step), and the measured
   growth against the linear relation; the same with HLLD fluxes (numba), with the
   CR response σ(k r_L) at k_c r_L = 30, and with the response and the Hall term
   (k_c d_i = 2.9e-5 at ρ = 1 g cm^-3: the Hall correction is negligible, only its cost counts:
   the exact mean-density step and, since the density is no longer exactly uniform after the
   first step, the local-density correction, three stages with an FFT pair each).
   Every run steps the operators of :mod:`crescape.simulate.mhd_ops` through the coupled
   SplitStepper (``BellMHD.run``).
2. Baseline: the 1D Euler solver (:class:`crescape.simulate.gas.EulerSolver`,
   numba, HLLC, same limiter and time integrator) on 1024 cells for the same
   number of steps.
"""

from __future__ import annotations

import time

import numpy as np

from crescape import constants as C
from crescape.simulate.gas import EulerSolver
from crescape.simulate.grid import SpatialGrid
from crescape.simulate.mhd import BellMHD, fit_growth_rate, mode_amplitude

N = 1024


def _mhd_run(backend: str, riemann: str = "hll", extra: str = ""):
    J = C.c / (4.0 * np.pi)  # k_c = 1 cm^-1 with B0 = 1 G
    vA = 1.0 / np.sqrt(4.0 * np.pi)
    kw = {}
    if "sigma" in extra:  # the CR response at k_c r_L = 30 (Fourier transforms each stage)
        kw["cr_energy"] = C.e * 30.0
    if "hall" in extra:  # the Hall term (exact step + local-density correction, Strang-split)
        kw["hall"] = True
    sim = BellMHD(
        N, 4.0 * np.pi, 1.0, 1.0, J, sound_speed=vA, backend=backend, riemann=riemann, **kw
    )
    s = sim.seed_mode(sim.uniform_state(), 1, 1e-6)
    sim.run(s, 1e-3 / sim.gamma_max)  # compile outside the timing
    ts, amps = [], []
    t0 = time.perf_counter()
    s2 = sim.run(
        s,
        10.0 / sim.gamma_max,
        every=16,
        observe=lambda st: (ts.append(st.t), amps.append(mode_amplitude(st, 1))),
    )
    wall = time.perf_counter() - t0
    rate = fit_growth_rate(ts, amps, t_min=1.0 / sim.gamma_max)
    return wall, s2.steps, rate / sim.linear_frequency(1).imag


def _gas_run(steps: int) -> float:
    gas = EulerSolver(SpatialGrid.uniform(0.0, 1.0, N), inner="reflecting", outer="reflecting")
    x = (np.arange(N) + 0.5) / N
    s = gas.state(1.0 + 0.1 * np.sin(2 * np.pi * x), 0.0, 1.0)
    dt = gas.max_dt(s)
    gas.step(s.copy(), dt)
    t0 = time.perf_counter()
    for _ in range(steps):
        s = gas.step(s, dt)
    return time.perf_counter() - t0


def main() -> None:
    results = {}
    for backend in ("numba", "numpy", "numba-hlld", "numba-hll-sigma", "numba-hll-sigma+hall"):
        wall, steps, rate = _mhd_run(*backend.split("-"))
        results[backend] = (wall, steps)
        print(
            f"mhd {backend:20s}: {N} cells, 10 growth times, {steps} steps in {wall:.2f} s "
            f"= {steps * N / wall:.3g} cell-updates/s; gamma/gamma(dispersion) - 1 = {rate - 1:+.2e}"
        )
    steps = results["numba"][1]
    wall_gas = _gas_run(steps)
    print(
        f"gas (Euler, numba): {N} cells, {steps} steps in {wall_gas:.2f} s "
        f"= {steps * N / wall_gas:.3g} cell-updates/s"
    )
    w = results["numba"][0]
    print(f"ratio mhd(numba)/gas per cell-update: {(w / wall_gas):.2f}x the gas solver's time")
    print(f"ratio numpy/numba: {results['numpy'][0] / w:.1f}x; target < 10 s: {w < 10.0}")


if __name__ == "__main__":
    main()
