"""Benchmark: Bell's dispersion relation with the CR response on a 1000 × 1000 (k, B0) grid.

The vectorised call (numpy broadcasting, closed-form σ for the E^-2 spectrum)
is timed against a plain Python loop that calls the same function one point
at a time (timed on a sample of the grid and scaled to the full grid); the
two agree to rounding.
"""

from __future__ import annotations

import time

import numpy as np

from crescape import constants as C
from crescape.physics import dispersion as D

J, RHO, E = 3.627e-13, 4.136e-31, C.GeV
N = 1000
N_LOOP = 3000  # points of the loop baseline


def _best(f, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    k = np.logspace(-17, -10, N)[:, None]
    B0 = np.logspace(-12, -8, N)[None, :]
    D.dispersion_modes(k[:10], J, B0[:, :10], RHO, E)  # warm-up
    t_vec, w = _best(lambda: D.dispersion_modes(k, J, B0, RHO, E))
    t_hall, _ = _best(lambda: D.dispersion_modes(k, J, B0, RHO, E, hall=True, T=1e6))

    rng = np.random.default_rng(1)
    ii = rng.integers(0, N, N_LOOP)
    jj = rng.integers(0, N, N_LOOP)

    def loop():
        out = np.empty(N_LOOP, dtype=complex)
        for n, (i, j) in enumerate(zip(ii, jj, strict=True)):
            out[n] = D.dispersion_modes(float(k[i, 0]), J, float(B0[0, j]), RHO, E)["right"]
        return out

    t_loop, w_loop = _best(loop, repeat=1)
    err = np.max(np.abs(w_loop - w["right"][ii, jj]) / np.abs(w["right"][ii, jj]))
    t_loop_full = t_loop / N_LOOP * N * N

    zeta = np.logspace(0.5, 6, N)
    t_fast, _ = _best(lambda: D.fastest_mode(zeta))
    t_fast_loop, _ = _best(lambda: [D.fastest_mode(z) for z in zeta[:50]], repeat=1)
    t_fast_loop *= N / 50

    print(f"{'task':<48} {'vectorised':>11} {'loop':>11} {'ratio':>8}")
    print(
        f"{'omega(k) both modes, 1000 x 1000 (k, B0) grid':<48} {t_vec:10.3f}s {t_loop_full:10.1f}s "
        f"{t_loop_full / t_vec:7.0f}x"
    )
    print(f"{'  same with Hall term and T = 1e6 K':<48} {t_hall:10.3f}s {'':>11} {'':>8}")
    print(
        f"{'fastest mode for 1000 values of k_c r_L':<48} {t_fast:10.3f}s {t_fast_loop:10.1f}s "
        f"{t_fast_loop / t_fast:7.0f}x"
    )
    print(
        f"loop baseline timed on {N_LOOP} grid points and scaled; largest relative difference {err:.1e}"
    )
    print(f"target: the 1e6-point grid in under 1 s -> {'met' if t_vec < 1.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
