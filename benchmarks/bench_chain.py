"""Time to evaluate the paper's chain for 1e6 parameter points (issue: the analytic chain).

Baseline, run side by side: the same chain evaluated point by point in a
Python loop over a subsample, scaled to 1e6 points.
"""

from __future__ import annotations

import time

import numpy as np

from crescape import CGM, Galaxy
from crescape.model import EscapeModel

N = 1_000_000
N_LOOP = 2_000


def _best(fn, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    dG = np.logspace(0, 3, N)
    L = np.logspace(40, 42, N)

    def vector_dG():
        m = EscapeModel(cgm=CGM(delta_G=dG))
        m.quantities()

    def vector_dG_L():
        m = EscapeModel(galaxy=Galaxy(L_CR=L), cgm=CGM(delta_G=dG))
        m.quantities()

    def loop():
        for x in dG[:: N // N_LOOP]:
            EscapeModel(cgm=CGM(delta_G=float(x)))["neutrino_E2_flux"]

    t_vec = _best(vector_dG)
    t_vec2 = _best(vector_dG_L)
    t_loop = _best(loop, repeat=1) * (N / N_LOOP)
    print(
        f"chain, 1e6 values of delta_G (all {len(EscapeModel().quantities())} quantities): {t_vec:.3f} s "
        f"({N / t_vec:.3g} points/s)"
    )
    print(f"chain, 1e6 values of (delta_G, L_CR):                  {t_vec2:.3f} s")
    print(f"baseline: scalar loop, extrapolated to 1e6 points:     {t_loop:.1f} s")
    print(f"speed-up of the vectorised chain over the loop:        {t_loop / t_vec:.0f}x")


if __name__ == "__main__":
    main()
