"""Timing helpers shared by the benchmark scripts (importable: the scripts' folder is on sys.path)."""

from __future__ import annotations

import time


def time_per_step(sim, n: int) -> float:
    """Mean wall time [s] of ``n`` steps of a coupled run, each of its own next step length."""
    t0 = time.perf_counter()
    for _ in range(n):
        sim.step(sim.next_dt())
    return (time.perf_counter() - t0) / n
