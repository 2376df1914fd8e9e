"""Tests of the coupled CGM run: budgets, exact momentum exchange, kill-and-resume, growth to saturation."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import Parameters
from crescape.physics.dispersion import saturation_field
from crescape.simulate.cgm_config import SimulationConfig, load_config
from crescape.simulate.coupled import CGMSimulation, diffusion_coefficient

SMALL = {
    "n_cells": 40,
    "n_momenta": 8,
    "t_end": 5,
    "n_output": 3,
    "z_max": 40,
    "E_grid_max": "1e4 GeV",
}


def _sim(**kw):
    opts = dict(SMALL)
    opts.update(kw)
    return CGMSimulation(Parameters.from_flat({}), SimulationConfig.from_dict(opts))


def test_budgets_close_and_momentum_exchange_is_exact():
    sim = _sim()
    sim.run()
    b = sim.budgets()
    assert abs(b["mass_residual"]) < 1e-6
    assert abs(b["momentum_residual"]) < 1e-6
    assert abs(b["exchange_residual"]) < 1e-6
    assert abs(b["cr_number_residual"]) < 1e-6
    # gas + CR + field + boundary fluxes + growth: the conservative CR-gas exchange
    assert abs(b["energy_residual"]) < 1e-6
    # the CRs' adiabatic loss and the gas's work f·u differ by truncation error only
    assert sim.budget["gas_heating"] > 0 and abs(b["exchange_correction"]) < 0.3


def test_energy_budget_with_plain_work_only_closes_to_truncation():
    """With energy_exchange = "work" the gas gets f·u: the budget misses the truncation error."""
    sim = _sim(energy_exchange="work")
    sim.run()
    b = sim.budgets()
    assert 1e-6 < abs(b["energy_residual"]) < 0.3
    assert abs(b["momentum_residual"]) < 1e-6


def test_status_history_is_recorded_and_resumed(tmp_path):
    """Per-step history of the field status: the first cell grows, then is capped."""
    sim = _sim(t_end=1, n_output=2)
    ds = sim.run()
    h = sim.status_history()
    assert len(h["t"]) == sim.step_count == ds.sizes["step"]
    assert h["cells"].sum(axis=1).tolist() == [sim.grid.n] * sim.step_count
    np.testing.assert_allclose(h["time_fraction"].sum(), 1.0)
    assert list(ds.status.values) == ["larmor", "alfven", "energy_flux", "growing", "not_driven"]
    np.testing.assert_allclose(ds.status_time.sum("status").values, 1.0)  # 1 Myr in every cell


def test_field_grows_to_the_larmor_cap_near_the_boundary():
    """With the Larmor criterion only, δB at the halo boundary reaches the dispersion-relation cap (Eq. 8 / √ζ_c)."""
    sim = _sim(criteria=["larmor"], t_end=0.5, n_output=2)
    sim.run()
    J, N, FE = sim.currents()
    cap = saturation_field(np.abs(J[0]), sim.E_J, 2.0, sim.pgrid.energy[-1])
    assert sim.B_tot()[0] == pytest.approx(cap, rel=0.5)
    assert sim.dB[0] > 10 * sim.B0


def test_no_growth_when_B0_above_threshold():
    """Eq. (6): a seed field above ~2e-8 G is not amplified."""
    sim = CGMSimulation(Parameters.from_flat({"B0": 1e-7}), SimulationConfig.from_dict(SMALL))
    sim.run()
    assert np.all(sim.gamma_grow == 0)
    assert sim.budget["field_growth_energy"] == 0.0  # δB changes only by flux freezing


def test_kill_and_resume_is_bit_identical(tmp_path):
    ref = _sim(checkpoint_every=7).run()
    ck = tmp_path / "run.ckpt.npz"
    assert _sim(checkpoint_every=7).run(checkpoint=ck, stop=23) is None
    res = _sim(checkpoint_every=7).run(checkpoint=ck, resume=True)
    for k in ("dB", "u", "rho", "n_CR", "D"):
        np.testing.assert_array_equal(ref[k].values, res[k].values)


def test_diffusion_coefficient_bohm_and_small_scale():
    E = np.array([C.GeV, 1e6 * C.GeV])
    v = np.full(2, C.c)
    B = np.array([2e-8])
    D = diffusion_coefficient(E, v, B, B)
    np.testing.assert_allclose(D[0], E * C.c / (3 * C.e * B[0]))  # Eq. (9)
    lc = np.array([1e18])
    D2 = diffusion_coefficient(E, v, B, B, lc)
    rL = E[1] / (C.e * B[0])
    assert D2[0, 0] == D[0, 0]
    assert D2[0, 1] == pytest.approx(C.c / 3 * rL**2 / lc[0])


def test_config_errors(tmp_path):
    from crescape.params import ParameterError

    with pytest.raises(ParameterError, match="n_cells"):
        SimulationConfig.from_dict({"n_cells": 1})
    with pytest.raises(ParameterError, match="criteria"):
        SimulationConfig.from_dict({"criteria": ["bohm"]})
    with pytest.raises(ParameterError, match="unknown simulation option"):
        SimulationConfig.from_dict({"n_cell": 10})
    f = tmp_path / "c.toml"
    f.write_text('[cgm]\ndelta_G = 10\n[simulation]\nn_cells = 30\nz_max = "50 kpc"\n')
    p, c = load_config(f, {"n_momenta": 6})
    assert c.n_cells == 30 and c.n_momenta == 6 and c.cgs("z_max") == pytest.approx(50 * C.kpc)


def test_metered_transport_matches_the_operator_and_meters_P_div_u():
    """MeteredTransport evolves g exactly as TransportOperator does, and the energy it meters for
    the adiabatic term is −P_CR ∇·u V Δt (per cell) for a uniform expansion."""
    from crescape.simulate import MomentumGrid, SpatialGrid, State, Stepper, TransportOperator
    from crescape.simulate.boundaries import Outflow, PrescribedFlux
    from crescape.simulate.coupled import MeteredTransport

    G = SpatialGrid.uniform(0.0, 10 * C.kpc, 50)
    P = MomentumGrid.from_energy(10 * C.GeV, 1e5 * C.GeV, 24)
    u = 1e7 * G.faces / G.faces[-1]  # ∇·u = 1e7 / L
    g0 = np.broadcast_to(1e-12 * (P.p / P.p[0]) ** -1.0, (G.n, P.n)).copy()
    kw = dict(D=1e28, u=u, inner=PrescribedFlux(0.0), outer=Outflow(), backend="numba")
    ref = Stepper(TransportOperator(G, P, **kw), State(g0.copy()), theta=1.0)
    met_op = MeteredTransport(G, P, **kw)
    met = Stepper(met_op, State(g0.copy()), theta=1.0)
    dt = 0.01 * C.Myr
    Pc = met_op.pressure(g0)
    ref.step(dt)
    met.step(dt)
    np.testing.assert_allclose(met.state.g, ref.state.g, rtol=1e-12, atol=0)
    div = 1e7 / G.faces[-1]
    expected = -Pc * div * G.volume * dt
    inner = slice(5, -5)
    np.testing.assert_allclose(met_op.adiabatic_energy[inner], expected[inner], rtol=0.05)
