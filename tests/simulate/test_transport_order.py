"""Temporal convergence order of the whole transport step with every term on.

Self-convergence in Δt on a fixed spatial grid: spherical geometry, diffusion
D(p), a constant wind u (so that ∇·u = 2u/r ≠ 0 and the adiabatic rate
ẏ = −(∇·u)/3 varies with r), the adiabatic term, a smooth pulse in r and in ln p
(with an extremum in both), reflecting inner and free-escape outer boundary,
the default settings of :class:`~crescape.simulate.Stepper` (θ = 1/2). The steps
are fixed (``Stepper.step``), so Δt is the only thing that changes. The order is
the least-squares slope of the differences between successive step sizes,
|g_Δt − g_Δt/2|_max.
"""

from __future__ import annotations

import numpy as np
import pytest

from crescape.simulate import (
    FreeEscape,
    MomentumGrid,
    Reflecting,
    SpatialGrid,
    Spherical,
    State,
    Stepper,
    TransportOperator,
)

STEPS = (12, 24, 48, 96)


def all_terms_run(backend, n_steps, nz=40, ny=8, t_end=0.4, **stepper_kw):
    """g(t_end) after n_steps equal steps (diffusion + wind + adiabatic term, spherical)."""
    G = SpatialGrid.uniform(0.3, 2.3, nz, Spherical())
    P = MomentumGrid(1e-10, 1e-8, ny)
    y = np.log(P.p / P.p[0])
    g0 = np.exp(-(((G.centres[:, None] - 1.3) / 0.3) ** 2) - ((y[None, :] - 2.3) / 0.8) ** 2)
    D = np.broadcast_to(0.01 * (P.p / P.p[0]) ** 0.3, (nz, ny))
    op = TransportOperator(
        G, P, D=D, u=1.0, inner=Reflecting(), outer=FreeEscape(), backend=backend
    )
    st = Stepper(op, State(g0.copy()), **stepper_kw)
    dt = t_end / n_steps
    for _ in range(n_steps):
        st.step(dt)
    return st.state.g


def time_order(backend, **stepper_kw):
    gs = [all_terms_run(backend, n, **stepper_kw) for n in STEPS]
    diffs = [np.max(np.abs(a - b)) for a, b in zip(gs[:-1], gs[1:], strict=True)]
    return -np.polyfit(np.log(STEPS[:-1]), np.log(diffs), 1)[0], diffs


@pytest.mark.parametrize("scheme", ["theta", "tr-bdf2"])
@pytest.mark.parametrize("backend", ["numba", "reference"])
def test_second_order_in_time_with_every_term_on(backend, scheme):
    """Strang splitting z, ln p, D, ln p, z with SSP-RK2 advection and Crank–Nicolson (the
    default) or TR-BDF2: measured order 2.02 for both (and both backends); asserted >= 1.9.
    The unsymmetric z, ln p, D, z, ln p gives 1.72 here, and with the old one-step ln p
    advection 1.66."""
    p, diffs = time_order(backend, scheme=scheme)
    assert p >= 1.9, (p, diffs)


@pytest.mark.parametrize("backend", ["numba", "reference"])
def test_tr_bdf2_second_order_pure_diffusion(backend):
    """TR-BDF2 on a Gaussian (no limiter, reflecting walls), 10/20/40 steps: order 2.02
    measured, 2 ± 0.25 asserted (as Crank–Nicolson in test (i))."""
    G = SpatialGrid.uniform(0.0, 1.0, 100)
    P = MomentumGrid(1e-10, 2e-10, 1)
    g0 = np.exp(-(((G.centres - 0.5) / 0.1) ** 2))[:, None]
    t = 0.01
    finals = []
    for n in (10, 20, 40):
        op = TransportOperator(
            G,
            P,
            D=1.0,
            inner=Reflecting(),
            outer=Reflecting(),
            flux_limiter=False,
            adiabatic=False,
            backend=backend,
        )
        st = Stepper(op, State(g0.copy()), dt_max=t / n, scheme="tr-bdf2")
        st.advance_to(t)
        assert st.state.step == n
        finals.append(st.state.g[:, 0])
    e1 = np.max(np.abs(finals[0] - finals[1]))
    e2 = np.max(np.abs(finals[1] - finals[2]))
    assert np.log2(e1 / e2) == pytest.approx(2.0, abs=0.25)


@pytest.mark.parametrize("backend", ["numba", "reference"])
def test_momentum_advection_second_order_in_time_at_an_extremum(backend):
    """The ln p advection alone (ẏ varying from cell to cell, a spectrum with a maximum): the
    method of lines with SSP-RK2 is second order in Δt also where the minmod slope is zero
    (a one-step scheme with the flux averaged over the step is first order there).
    Measured 2.0; asserted >= 1.9."""
    from crescape.simulate import _fast, reference

    kernels = _fast if backend == "numba" else reference
    nz, ny = 4, 24
    y = (np.arange(ny) + 0.5) * (4.6 / ny)
    g0 = np.tile(np.exp(-(((y - 2.3) / 0.8) ** 2)), (nz, 1))
    ydot = np.array([-0.5, -0.2, 0.3, 0.5])
    steps = (8, 16, 32, 64)
    finals = []
    for n in steps:
        g = g0.copy()
        for _ in range(n):
            g, _, _ = kernels.advect_y(g, ydot, np.ones(nz), 4.6 / ny, 1.0 / n, True, True)
        finals.append(g)
    diffs = [np.max(np.abs(a - b)) for a, b in zip(finals[:-1], finals[1:], strict=True)]
    p = -np.polyfit(np.log(steps[:-1]), np.log(diffs), 1)[0]
    assert p >= 1.9, (p, diffs)
