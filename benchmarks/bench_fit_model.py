"""Benchmark: the likelihood evaluation of the fit's full-spectrum model, tabulated vs direct.

The fit's default model (``model="full"``, :mod:`crescape.analysis.fit_model`) is the
KAB06 CGM spectrum with CMB absorption, tabulated once per fit over the prior box; the
reference is the same model computed directly (``model="full-direct"``,
:class:`crescape.spectra.CGMEmission` at every call). For the IceCube 2025 combined fit
with the Fermi IGRB limit, this prints the time to build the table, the time of one
likelihood evaluation of each (target: <= 2 ms for the tabulated one), their ratio, the
time of the Eq. (17) model for comparison, and the largest relative difference of the
χ² between tabulated and direct at random points of the prior box.
Run: ``python benchmarks/bench_fit_model.py`` (part of ``make bench``).
"""

from __future__ import annotations

import time

import numpy as np

from crescape.analysis import fit as F
from crescape.analysis import fit_model as FM

CASES = [
    (("delta_G", "slope"), None),
    (("delta_G", "slope", "E_max"), {"E_max": (5.0, 8.0)}),
    # the break axes (three shape axes, a 4^3 stencil), on the box of the tests
    (
        ("delta_G", "slope", "slope_high", "E_break"),
        {"slope": (2.0, 2.3), "slope_high": (2.5, 2.9), "E_break": (4.2, 5.0)},
    ),
]


def _per_call(lik, points, repeat):
    t0 = time.perf_counter()
    for i in range(repeat):
        lik(*points[i % len(points)])
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    ice, igrb = F.load_icecube("icecube_2025_combined"), F.load_igrb()
    rng = np.random.default_rng(0)
    for free, bounds in CASES:
        fast = F.Likelihood(F.CGMModel(free, model="full", bounds=bounds), ice, igrb)
        direct = F.Likelihood(F.CGMModel(free, model="full-direct", bounds=bounds), ice, igrb)
        eq17 = F.Likelihood(F.CGMModel(free, model="eq17", bounds=bounds), ice, igrb)
        lo = np.array([f.lo for f in fast.model.free])
        hi = np.array([f.hi for f in fast.model.free])
        pts = lo + (hi - lo) * rng.random((20, lo.size))
        t0 = time.perf_counter()
        fast(*pts[0])
        build = time.perf_counter() - t0
        t_fast = _per_call(fast, pts, 400)
        t_direct = _per_call(direct, pts, 10)
        t_eq17 = _per_call(eq17, pts, 400)
        dev = float(np.max(np.abs(fast.chi2(pts) / direct.chi2(pts) - 1.0)))
        axes = ", ".join(f"{n}: {a.size} nodes" for n, a in fast.model.table.axes)
        print(f"free {', '.join(free)} (table axes {axes or 'none'}; built in {build:.2f} s)")
        print(
            f"  likelihood evaluation: tabulated {1e3 * t_fast:.2f} ms "
            f"(target <= 2 ms: {'ok' if t_fast <= 2e-3 else 'SLOWER'}), "
            f"direct {1e3 * t_direct:.1f} ms, ratio direct/tabulated {t_direct / t_fast:.1f}; "
            f"Eq. (17) {1e3 * t_eq17:.2f} ms"
        )
        print(
            f"  largest relative chi2 difference tabulated vs direct over 20 points: {dev:.2e} "
            f"(tolerance {FM.TOLERANCE:g})"
        )


if __name__ == "__main__":
    main()
