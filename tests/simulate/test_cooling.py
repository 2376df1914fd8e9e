"""Radiative cooling: isochoric cooling against the integral of the shipped SD93 function, ledger."""

from types import SimpleNamespace

import numpy as np
import pytest
from astropy.table import Table
from scipy.integrate import quad, solve_ivp

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.params import Parameters
from crescape.physics.cooling import cooling_densities
from crescape.simulate.coupled.cooling import RadiativeCooling, add_cooling, sd93_cooling_function
from crescape.simulate.gas import EulerSolver
from crescape.simulate.grid import Planar, SpatialGrid, cell_faces

X_H = 0.76
GAMMA = 5.0 / 3.0


def _shipped(column="log_Lambda_N_00"):
    """The shipped table read directly, interpolated linearly in log-log (independent of the module)."""
    from importlib import resources

    ref = resources.files("crescape.data").joinpath("files/cooling_sd93_cie.ecsv")
    with resources.as_file(ref) as p:
        t = Table.read(p, format="ascii.ecsv")
    lt, ll = np.asarray(t["log_T"]), np.asarray(t[column])
    return lambda T: 10.0 ** np.interp(np.log10(T), lt, ll), t


def test_table_is_sutherland_dopita():
    _, t = _shipped()
    assert t.meta["doi"] == "10.1086/191823"
    assert len(t) == 91 and t["log_T"][0] == 4.0 and t["log_T"][-1] == 8.5
    # SD93 Table 6, solar: log Λ_N = -21.96 at log T = 6.0 and the peak -20.96 at 5.30-5.35
    row = {float(a): float(b) for a, b in zip(t["log_T"], t["log_Lambda_N_00"], strict=True)}
    assert row[6.0] == -21.96 and row[5.3] == -20.96 and max(row.values()) == -20.96


def _box(n_H=1e-2, T0=1e6, n=4):
    G = SpatialGrid(cell_faces(0.0, C.kpc, n), Planar())
    s = EulerSolver(G, inner="reflecting", outer="reflecting")
    rho = n_H * C.m_p / X_H
    ne, nt, mu = cooling_densities(rho, X_H)
    P = (ne + nt) * C.k_B * T0
    return s, s.state(rho, 0.0, P), ne, nt


@pytest.mark.parametrize("T0", [1e6, 3e7])
def test_isochoric_cooling_against_the_integral_of_the_shipped_function(T0):
    """The time to cool from T0 to T is ∫_T^{T0} dT'/(a Λ_N(T')), a = (γ−1) n_e n_t/(n k_B):
    checked at 1% (it holds to 1e-8) for steps of any size."""
    lam, _ = _shipped()
    s, st, ne, nt = _box(T0=T0)
    op = RadiativeCooling(s, X_H)
    a = (GAMMA - 1) * ne * nt / ((ne + nt) * C.k_B)
    nodes = list(10.0 ** np.arange(4.0, 8.51, 0.05))
    targets = sorted({0.5 * T0, 0.1 * T0, 2e5, 3e4}, reverse=True)

    def t_to(T):
        pts = [x for x in nodes if T < x < T0]
        return quad(lambda x: 1.0 / (a * lam(x)), T, T0, points=pts, limit=500, epsrel=1e-11)[0]

    ts = np.array([t_to(T) for T in targets])
    t, T_now = 0.0, T0
    for t_next, T_want in zip(ts, targets, strict=True):
        n_sub = 7
        for _ in range(n_sub):  # uneven: several steps per interval
            op.energy_lost(st, (t_next - t) / n_sub)
        t = t_next
        T_now = op._thermo(st)[0]
        assert T_now == pytest.approx(np.full(4, T_want), rel=0.01, abs=0)
        assert T_now == pytest.approx(np.full(4, T_want), rel=1e-8, abs=0)
    # an independent ODE integration of dT/dt = −aΛ(T) agrees
    sol = solve_ivp(lambda _, y: -a * lam(y), (0, ts[1]), [T0], rtol=1e-10, atol=0, method="LSODA")
    assert sol.y[0, -1] == pytest.approx(targets[1], rel=1e-4, abs=0)


def test_one_step_equals_many():
    s1, st1, *_ = _box()
    s2, st2, *_ = _box()
    op1, op2 = RadiativeCooling(s1, X_H), RadiativeCooling(s2, X_H)
    dt = 0.5 * float(np.min(op1.cooling_time(st1)))
    op1.energy_lost(st1, dt)
    for _ in range(200):
        op2.energy_lost(st2, dt / 200)
    np.testing.assert_allclose(st1.ener, st2.ener, rtol=1e-10, atol=0)


def test_cooling_stops_at_the_bottom_of_the_table():
    s, st, *_ = _box(n_H=1.0)
    op = RadiativeCooling(s, X_H)
    op.energy_lost(st, 1e3 * C.Gyr)
    assert op._thermo(st)[0] == pytest.approx(np.full(4, 1e4), rel=1e-10, abs=0)
    E = st.ener.copy()
    op.energy_lost(st, C.Gyr)
    np.testing.assert_allclose(st.ener, E, rtol=1e-12, atol=0)


def test_function_integral_and_inverse():
    cf = sd93_cooling_function("-1.0")
    lam, _ = _shipped("log_Lambda_N_m10")
    T = np.geomspace(1.2e4, 3e8, 40)
    np.testing.assert_allclose(cf(T), lam(T), rtol=1e-12)
    np.testing.assert_allclose(cf.inverse(cf.integral(T)), T, rtol=1e-12)
    # above the table: the power law of the last interval (free-free-like, ~T^0.5)
    assert 0.3 < np.log(cf(1e9) / cf(10**8.5)) / np.log(1e9 / 10**8.5) < 0.7


def test_coupled_run_with_cooling_closes_its_energy_budget(make_sim):
    sim = make_sim(Parameters.from_flat({"delta_G": 3e3, "T": 3e5}))
    op = add_cooling(sim)
    sim.run()
    b = sim.budgets()
    for k in ("mass_residual", "momentum_residual", "energy_residual"):
        assert abs(b[k]) < 1e-10, (k, b[k])
    lost = sim.ledger.entries["energy"]["radiative_cooling"]
    assert lost < 0
    assert abs(lost) > 1e-3 * sim.cr_supplied()
    assert "cooling" in op.limits(sim.state)


@pytest.mark.parametrize(
    ("feh", "match"), [("solar", "metallicity = 'solar' is not allowed"), ("0", "must be one of")]
)
def test_bad_metallicity(feh, match):
    with pytest.raises(ParameterError, match=match):
        sd93_cooling_function(feh)


def test_limit_is_a_fraction_of_the_temperature_and_ignores_cells_near_the_floor():
    """courant × T/|dT/dt| where a cell can still lose more than courant × T; cells that
    have cooled to within courant × T of T_min set no limit (they cannot change more)."""
    s, st, *_ = _box()
    op = RadiativeCooling(s, X_H, courant=0.2)
    T, a, _ = op._thermo(st)
    want = 0.2 * float(np.min(T / (a * op.function(T))))
    box = SimpleNamespace(gas=st)
    assert op.limits(box)["cooling"] == pytest.approx(want, rel=1e-12, abs=0)
    # every cell just above T_min: no limit at all (before, the limit fell to ~0 there)
    op.energy_lost(st, 1e3 * C.Gyr)
    st.ener = st.ener * (1.0 + 1e-6)
    assert op.limits(box) == {}
    # one step of the exact integration over a long Δt then changes T by < courant × T
    T0 = op._thermo(st)[0]
    op.energy_lost(st, C.Gyr)
    assert np.all(np.abs(op._thermo(st)[0] - T0) <= 0.2 * T0)
