"""Benchmark: coverage of the fit's 68% intervals with IceCube-like synthetic data.

Each synthetic data set is nine E^-2 bins from 10 TeV to 10 PeV, as in IceCube's
2015 differential analysis. The counts in a bin are Poisson with a mean that is the
model's bin value times an exposure falling with energy (about 30 events in the first
bin, well below one in the last), so that the high-energy bins often have no event.
Each bin is then reported as IceCube reports it:

* a bin with events: the best fit N/k and the 68% interval of its Poisson likelihood
  (Δ(-2 ln L) = 1, asymmetric), fitted with Barlow's variable-width Gaussian;
* a bin without events: an upper limit, with the 68% and 90% bounds of the Poisson
  likelihood (Δ(-2 ln L) = 1 and 2.706 from zero), fitted with χ² = aμ + bμ².

The data are fitted with δ_G and the slope free (no IGRB), and the fraction of data sets
whose reported 68% interval (a one-sided limit where it reaches a prior bound) contains
the truth is compared with 0.68 ± 0.05. Run: ``python benchmarks/bench_fit_coverage.py [N]``
(default 200 data sets; part of ``make bench``).
"""

from __future__ import annotations

import math
import sys
import time
import warnings

import numpy as np
from scipy.optimize import brentq

from crescape.analysis import fit as F

TRUTH = {"delta_G": 300.0, "slope": 2.2}
EDGES = np.geomspace(1e4, 1e7, 10)
#: expected events in the first bin at the truth; the exposure falls as E^-0.7
N_FIRST = 30.0
TARGET, TOLERANCE = 0.68, 0.05


def _poisson_interval(n: int, level: float = 1.0) -> tuple[float, float]:
    """The λ where -2 ln [P(n|λ)/P(n|n)] = level, on each side of n (n >= 1)."""

    def d(lam):
        return 2.0 * (lam - n - n * math.log(lam / n)) - level

    return brentq(d, 1e-12, n), brentq(d, n, 10.0 * n + 20.0)


def synthetic(model: F.CGMModel, rng: np.random.Generator) -> F.Dataset:
    """One IceCube-like data set: Poisson counts, asymmetric intervals, upper-limit bins."""
    asimov = F.synthetic_icecube(model, TRUTH, E_edges=EDGES, rel_err=0.1)
    mu = asimov.value  # the model's bin values at the truth
    Ec = np.sqrt(EDGES[:-1] * EDGES[1:])
    lam = N_FIRST * (Ec / Ec[0]) ** -0.7  # expected counts
    k = lam / mu  # counts per unit E²Φ
    n = rng.poisson(lam)
    value, lo, hi, hi90 = (np.zeros(n.size) for _ in range(4))
    hi90[:] = np.nan
    for i, (ni, ki) in enumerate(zip(n, k, strict=True)):
        if ni == 0:  # -2 ln L = 2 k μ: 68% at Δ = 1, 90% at Δ = 2.706
            hi[i], hi90[i] = 0.5 / ki, 0.5 * F.D90 / ki
        else:
            a, b = _poisson_interval(int(ni))
            value[i], lo[i], hi[i] = ni / ki, a / ki, b / ki
    return F.Dataset(EDGES[:-1], EDGES[1:], value, lo, hi, hi90, n == 0, "synthetic Poisson")


def coverage(n_sets: int = 200, seed: int = 1) -> dict:
    model = F.CGMModel(("delta_G", "slope"))
    rng = np.random.default_rng(seed)
    inside = {k: 0 for k in TRUTH}
    limits = {k: 0 for k in TRUTH}
    n_ul = 0
    pvals = []
    for _ in range(n_sets):
        data = synthetic(model, rng)
        n_ul += int(data.is_ul.sum())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = F.fit(data, tuple(TRUTH), model="eq17", igrb=False, mcmc=False, profile_points=0)
        pvals.append(r.gof["p_value"])
        for name, true in TRUTH.items():
            iv = r.intervals[name]
            inside[name] += int(iv["lo"] <= true <= iv["hi"])
            limits[name] += int(iv["at_bound"])
    return {
        "n_sets": n_sets,
        "coverage": {k: v / n_sets for k, v in inside.items()},
        "limits": limits,
        "upper_limit_bins_per_set": n_ul / n_sets,
        "p_below_0.05": float(np.mean(np.array(pvals) < 0.05)),
    }


def main(n_sets: int = 200) -> None:
    t0 = time.perf_counter()
    res = coverage(n_sets)
    dt = time.perf_counter() - t0
    sigma = math.sqrt(TARGET * (1 - TARGET) / n_sets)
    print(
        f"{n_sets} IceCube-like data sets (9 bins, Poisson counts, "
        f"{res['upper_limit_bins_per_set']:.1f} upper-limit bins per set), "
        f"delta_G and slope free: {dt:.1f} s ({1e3 * dt / n_sets:.0f} ms per fit)"
    )
    bad = []
    for name, c in res["coverage"].items():
        ok = abs(c - TARGET) <= TOLERANCE
        print(
            f"  coverage of the 68% interval of {name}: {c:.3f} (binomial sigma {sigma:.3f}; "
            f"{res['limits'][name]} one-sided limits)  {'ok' if ok else 'OUTSIDE 0.68 +- 0.05'}"
        )
        if not ok:
            bad.append(name)
    print(f"  fraction of fits with p < 0.05: {res['p_below_0.05']:.3f} (expected ~0.05)")
    if bad:
        raise RuntimeError(f"coverage outside {TARGET} +- {TOLERANCE} for {', '.join(bad)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
