"""Tests of the Euler solver: Sod shock tube, reference vs fast, conservation, balance with a force."""

import numpy as np
import pytest

from crescape.simulate.gas import EulerSolver, exact_riemann
from crescape.simulate.grid import SpatialGrid, Spherical


def _sod(n, backend="numba", limiter="mc"):
    g = SpatialGrid.uniform(0.0, 1.0, n)
    s = EulerSolver(
        g, gamma=1.4, inner="outflow", outer="outflow", backend=backend, limiter=limiter
    )
    x = g.centres
    st = s.state(np.where(x < 0.5, 1.0, 0.125), 0.0, np.where(x < 0.5, 1.0, 0.1))
    while st.t < 0.2:
        s.step(st, min(s.max_dt(st, 0.4), 0.2 - st.t))
    r, u, p = exact_riemann(x, 0.2, (1.0, 0.0, 1.0), (0.125, 0.0, 0.1), 1.4, 0.5)
    return s, st, r, u, p


def test_sod_shock_tube_matches_exact_solution_and_converges():
    """Toro (2009) test 1: L1 density error small and decreasing ~ N^-1 (first order at discontinuities)."""
    errs = []
    for n in (100, 200, 400):
        s, st, r, u, p = _sod(n)
        errs.append(np.mean(np.abs(st.rho - r)))
        if n == 400:
            assert np.mean(np.abs(st.u - u)) < 0.01
            assert np.mean(np.abs(s.pressure(st) - p)) < 0.005
    assert errs[-1] < 0.003
    order = np.log2(errs[0] / errs[-1]) / 2
    assert 0.7 < order < 1.5


def test_exact_riemann_star_state():
    """Toro (2009) Table 4.2, test 1: p* = 0.30313, u* = 0.92745."""
    r, u, p = exact_riemann(np.array([0.6]), 0.1, (1.0, 0.0, 1.0), (0.125, 0.0, 0.1), 1.4, 0.5)
    assert p[0] == pytest.approx(0.30313, rel=1e-4, abs=0)
    assert u[0] == pytest.approx(0.92745, rel=1e-4, abs=0)


@pytest.mark.parametrize("iso", [False, True])
@pytest.mark.parametrize("geom", ["planar", "spherical"])
def test_reference_and_fast_agree(iso, geom):
    geometry = Spherical() if geom == "spherical" else None
    g = SpatialGrid.uniform(1.0, 2.0, 64, geometry)
    x = g.centres
    out = []
    for be in ("numba", "reference"):
        s = EulerSolver(
            g, isothermal=iso, cs_iso=1.0, backend=be, inner="reflecting", outer="outflow"
        )
        st = s.state(1 + 0.5 * np.sin(6 * x), 0.1 * np.cos(5 * x), 1 + 0.3 * np.cos(3 * x))
        f = np.random.default_rng(1).normal(size=g.n) * 0.1
        for _ in range(20):
            s.step(st, 0.002, f)
        out.append((st.rho, st.mom, st.ener, dict(st.budget)))
    for a, b in zip(out[0][:3], out[1][:3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)
    for k in out[0][3]:
        assert out[0][3][k] == pytest.approx(out[1][3][k], rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("geom", ["planar", "spherical"])
def test_budgets_close(geom):
    """Mass, momentum and energy change = boundary fluxes + force (+ geometric momentum), to round-off."""
    geometry = Spherical() if geom == "spherical" else None
    g = SpatialGrid.uniform(1.0, 3.0, 100, geometry)
    x = g.centres
    s = EulerSolver(g, inner="reflecting", outer="outflow")
    st = s.state(1 + 0.5 * np.exp(-((x - 2) ** 2) * 20), 0.0, 1 + np.exp(-((x - 2) ** 2) * 30))
    f = 0.3 * np.exp(-((x - 1.5) ** 2) * 10)
    t0 = s.totals(st)
    for _ in range(200):
        s.step(st, s.max_dt(st, 0.4), f)
    t1 = s.totals(st)
    b = st.budget
    assert t1["mass"] - t0["mass"] == pytest.approx(
        b["mass_in"] - b["mass_out"], abs=1e-12 * t0["mass"]
    )
    dmom = b["mom_in"] - b["mom_out"] + b["force_momentum"] + b["geometric_momentum"]
    assert t1["momentum"] - t0["momentum"] == pytest.approx(dmom, abs=1e-10 * t0["mass"])
    dE = b["energy_in"] - b["energy_out"] + b["force_work"]
    assert t1["energy"] - t0["energy"] == pytest.approx(dE, abs=1e-10 * t0["energy"])
    assert abs(b["mass_in"]) < 1e-15 * t0["mass"]  # reflecting wall


@pytest.mark.parametrize("geom", ["planar", "spherical"])
def test_uniform_state_is_exact_equilibrium(geom):
    geometry = Spherical() if geom == "spherical" else None
    g = SpatialGrid.uniform(1.0, 3.0, 50, geometry)
    s = EulerSolver(g, inner="reflecting", outer="outflow")
    st = s.state(2.0, 0.0, 3.0)
    for _ in range(50):
        s.step(st, s.max_dt(st))
    assert np.max(np.abs(st.u)) < 1e-12


@pytest.mark.parametrize("iso", [False, True])
def test_hydrostatic_balance_with_fixed_cr_pressure_gradient(iso):
    """Gas pressure gradient balances a fixed CR force f = −dP_c/dz: the gas stays at rest (to O(Δz²))."""
    n = 100
    g = SpatialGrid.uniform(0.0, 1.0, n)
    x = g.centres
    Pc_grad = -0.5  # dP_c/dz, fixed
    f = np.full(n, -Pc_grad)  # force pushes towards +z
    s = EulerSolver(g, isothermal=iso, cs_iso=1.0, inner="reflecting", outer="reflecting")
    P = 1.0 + 0.5 * x  # dP/dz = f exactly
    rho = P if iso else 1.0 + 0.3 * np.sin(3 * x)
    st = s.state(rho, 0.0, P)
    for _ in range(300):
        s.step(st, s.max_dt(st), f)
    # interior: linear P is reconstructed exactly; the mirrored ghost cells at the walls cost O(Δz) there
    assert np.max(np.abs(st.u[3:-3])) < 1e-4
    assert np.max(np.abs(st.u)) < 5e-3
    # without the force the same atmosphere moves at ~ f t / rho
    s2 = EulerSolver(g, isothermal=iso, cs_iso=1.0, inner="reflecting", outer="reflecting")
    st2 = s2.state(rho, 0.0, rho)
    for _ in range(300):
        s2.step(st2, s2.max_dt(st2))
    assert np.max(np.abs(st2.u[3:-3])) > 1e3 * np.max(np.abs(st.u[3:-3]))


def test_uniform_force_accelerates_as_eq13():
    """A uniform CR pressure gradient gives u = f t/ρ, the form of Eq. (13), v_bg = E²φ t/(Dρ)."""
    from crescape.physics.transport import gas_speed

    g = SpatialGrid.uniform(0.0, 1.0, 40)
    s = EulerSolver(g, inner="outflow", outer="outflow")
    rho, E2phi, D = 2.0, 0.3, 1.5
    st = s.state(rho, 0.0, 1.0)
    f = np.full(g.n, E2phi / D)  # Eq. (12)
    t = 0.0
    for _ in range(10):
        s.step(st, 0.01, f)
        t += 0.01
    np.testing.assert_allclose(st.u, gas_speed(E2phi, D, rho, t), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"gamma": 1.0}, "gamma"),
        ({"isothermal": True}, "cs_iso"),
        ({"limiter": "superbee"}, "limiter"),
        ({"inner": "periodic"}, "inner"),
        ({"backend": "cuda"}, "backend"),
    ],
)
def test_bad_input(kwargs, match):
    g = SpatialGrid.uniform(0.0, 1.0, 10)
    with pytest.raises(ValueError, match=match):
        EulerSolver(g, **kwargs)
