"""Speed of the 1D transport engine (1000 cells × 64 momenta) and a scipy baseline.

1. Full physics (flux-limited diffusion, advection with ∇·u ≠ 0, adiabatic term,
   Eq. (3)-like inlet): cell-updates per second of :class:`crescape.simulate.Stepper`
   at its default settings (Crank–Nicolson) and with ``scheme="tr-bdf2"``, for a fixed
   number of steps of fixed size.
2. The same spatial discretisation of a linear problem (diffusion with D(p), flux
   inlet, free escape, no limiter), integrated to t_end by
   (a) the engine, Crank–Nicolson or TR-BDF2 with a fixed number of steps, and the
       adaptive default (Crank–Nicolson with its positivity limit), and
   (b) scipy ``solve_ivp(method="BDF")`` with the sparse Jacobian pattern,
   both compared with a time-converged solution of the same semi-discrete system
   (the engine with 8× more steps), so that only the time integration differs.
   The ratio is taken at equal accuracy: the engine's error and time are fitted as
   power laws of the number of steps and evaluated at each baseline run's error.
"""

from __future__ import annotations

import math
import time

import numba
import numpy as np
import scipy.sparse as sp
from scipy.integrate import solve_ivp

from crescape import constants as C
from crescape.simulate import (
    FreeEscape,
    MomentumGrid,
    PrescribedFlux,
    SpatialGrid,
    State,
    Stepper,
    TransportOperator,
)
from crescape.simulate.reference import face_transmissibility

NZ, NP = 1000, 64
L = 10 * C.kpc


def grids():
    return SpatialGrid.uniform(0.0, L, NZ), MomentumGrid.from_energy(10 * C.GeV, 1e6 * C.GeV, NP)


def full_physics_rate(n_steps=200, repeats=5, scheme="theta", threads=None):
    G, P = grids()
    D = 1e28 * (P.energy / (10 * C.GeV)) ** (1 / 3)
    op = TransportOperator(
        G,
        P,
        D=np.ascontiguousarray(np.broadcast_to(D, (NZ, NP))),
        u=3e7 * G.faces / L,
        inner=PrescribedFlux(1e-10 * (P.p / P.p[0]) ** -1.0),
        outer=FreeEscape(),
        threads=threads,
    )
    st = Stepper(op, State(np.zeros(op.shape)), scheme=scheme, warn=False)
    dt = Stepper(op, State(np.zeros(op.shape))).next_dt()  # the default (CN) step for both
    st.step(dt)  # compile / load the numba cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n_steps):
            st.step(dt)
        times.append((time.perf_counter() - t0) / n_steps)
    t_lim = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n_steps):
            st.dt_limits()
        t_lim = min(t_lim, (time.perf_counter() - t0) / n_steps)
    best = min(times)
    return NZ * NP / best, best, t_lim, max(times)


def linear_problem():
    G, P = grids()
    D = 1e27 * (P.energy / (10 * C.GeV)) ** (1 / 3)
    Dfull = np.ascontiguousarray(np.broadcast_to(D, (NZ, NP)))
    F_in = 1e-10 * (P.p / P.p[0]) ** -1.0
    t_end = (0.2 * L) ** 2 / (4 * D.max())
    return G, P, Dfull, F_in, t_end


def engine(n_steps, scheme="theta"):
    """Fixed steps (n_steps to t_end), or the adaptive default stepper if n_steps is None."""
    G, P, D, F_in, t_end = linear_problem()
    op = TransportOperator(
        G,
        P,
        D=D,
        inner=PrescribedFlux(F_in),
        outer=FreeEscape(),
        flux_limiter=False,
        adiabatic=False,
    )
    if n_steps is None:
        st = Stepper(op, State(np.zeros(op.shape)))
    else:
        st = Stepper(
            op,
            State(np.zeros(op.shape)),
            scheme=scheme,
            dt_max=t_end / n_steps,
            positivity=False,
            warn=False,
        )
    t0 = time.perf_counter()
    st.advance_to(t_end)
    return st.state.g, time.perf_counter() - t0, st.state.step


def scale_guess():
    """The largest density of the linear problem, 2φ√(t/(πD)) (Eq. 10), for the absolute tolerance."""
    G, P, D, F_in, t_end = linear_problem()
    return float(np.max(2 * F_in * np.sqrt(t_end / (np.pi * D[0]))))


def baseline(rtol):
    G, P, D, F_in, t_end = linear_problem()
    zeros = np.zeros(NP)
    T = face_transmissibility(
        np.zeros((NZ, NP)), D, P.velocity, G.area, G.dz, G.dzc, False, 1, zeros, 0, zeros
    )
    V = G.volume[:, None]
    src = np.zeros((NZ, NP))
    src[0] = G.area[0] * F_in / G.volume[0]

    def rhs(t, y):
        g = y.reshape(NZ, NP)
        flux = np.zeros((NZ + 1, NP))
        flux[1:-1] = T[1:-1] * np.diff(g, axis=0)
        flux[-1] = -T[-1] * g[-1]
        return ((flux[1:] - flux[:-1]) / V + src).ravel()

    n = NZ * NP
    pattern = sp.diags([np.ones(n - NP), np.ones(n), np.ones(n - NP)], [-NP, 0, NP], format="csc")
    t0 = time.perf_counter()
    sol = solve_ivp(
        rhs,
        (0.0, t_end),
        np.zeros(n),
        method="BDF",
        jac_sparsity=pattern,
        rtol=rtol,
        atol=rtol * 1e-6 * scale_guess(),
        t_eval=[t_end],
    )
    elapsed = time.perf_counter() - t0
    return sol.y[:, -1].reshape(NZ, NP), elapsed, sol.nfev


def main():
    print(
        "Full physics, 1000 cells x 64 momenta (flux-limited diffusion, advection, adiabatic term):"
    )
    for scheme in ("theta", "tr-bdf2"):
        rate, t_step, t_lim, t_worst = full_physics_rate(scheme=scheme)
        name = "engine step, CN (default)" if scheme == "theta" else "engine step, TR-BDF2"
        print(
            f"  {name:26s} {t_step * 1e3:6.2f} ms   {rate:.3g} cell-updates/s (target >= 3e7)"
            f"; slowest of 5 runs {t_worst * 1e3:.2f} ms"
        )
    print(
        f"  step-size limits           {t_lim * 1e3:6.2f} ms per evaluation (adaptive runs add this)"
    )
    n_max = numba.config.NUMBA_NUM_THREADS
    if n_max > 1:
        print(f"  threads (TransportOperator(threads=n); default 1), CN, of {n_max}:")
        for n in sorted({1, 2, n_max}):
            rate, t_step, t_lim, t_worst = full_physics_rate(threads=n)
            print(
                f"    {n} thread(s)               {t_step * 1e3:6.2f} ms   {rate:.3g} cell-updates/s"
                f"; slowest of 5 runs {t_worst * 1e3:.2f} ms; limits {t_lim * 1e3:.2f} ms"
            )
    ref, _, _ = engine(1600, "tr-bdf2")
    scale = np.abs(ref).max()
    print("\nLinear diffusion problem, same discretisation, error vs the time-converged solution:")
    print(f"  {'method':40s} {'time [s]':>9s} {'max error':>10s}")
    g, t, n = engine(None)
    print(
        f"  {'engine default (CN, adaptive, ' + str(n) + ' steps)':40s} {t:9.3f} "
        f"{np.abs(g - ref).max() / scale:10.2e}"
    )
    fits = {}
    for scheme, label in (("theta", "CN"), ("tr-bdf2", "TR-BDF2")):
        results = []
        for n in (50, 100, 200):
            g, t, _ = engine(n, scheme)
            err = np.abs(g - ref).max() / scale
            results.append((n, t, err))
            print(f"  {'engine ' + label + ', ' + str(n) + ' steps':40s} {t:9.3f} {err:10.2e}")
        ns, ts, es = (np.array(v, dtype=float) for v in zip(*results, strict=True))
        q, lna = np.polyfit(np.log(ns), np.log(es), 1)
        fits[label] = (q, lna, np.median(ts / ns))
    base = []
    for rtol in (1e-2, 1e-3, 1e-4):
        g, t, nfev = baseline(rtol)
        err = np.abs(g - ref).max() / scale
        base.append((rtol, t, err))
        print(
            f"  {'scipy BDF rtol=' + format(rtol, '.0e') + f' ({nfev} rhs)':40s} {t:9.3f} {err:10.2e}"
        )
    # equal accuracy: fit the engine's error ∝ n^-q and time ∝ n, then ask how long the
    # engine needs to reach each baseline run's error
    for label, (q, lna, per_step) in fits.items():
        print(
            f"\nEngine {label}: error ∝ n^{q:.2f}, {per_step * 1e3:.2f} ms per step. "
            "Speed-up at equal accuracy:"
        )
        for rtol, tb, eb in base:
            n_eq = math.exp((math.log(eb) - lna) / q)
            t_eq = per_step * n_eq
            print(
                f"  BDF rtol={rtol:.0e} (error {eb:.1e}, {tb:.3f} s) vs engine with {n_eq:5.0f} "
                f"steps ({t_eq:.3f} s): {tb / t_eq:6.1f}x (target >= 20x)"
            )


if __name__ == "__main__":
    main()
