"""CR streaming at the Alfvén speed: the heating v_A|∇P_CR| paid by the CRs, budgets, off is off."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.params import Parameters
from crescape.physics.instability import alfven_speed
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled.streaming import CRStreamingOp

BUDGETS = ("mass_residual", "momentum_residual", "energy_residual", "cr_number_residual")


def _sim(make_halo_sim, B0=1e-10, **kw):
    """The small run (conftest) at δ_G = 100 with the base field B0."""
    return make_halo_sim(Parameters.from_flat({"delta_G": 100, "B0": B0}), **kw)


def _closed_box(make_halo_sim, geometry, streaming="alfven_dB"):
    """Walls for the gas and the CRs; CRs with the injected spectrum in a Gaussian in z."""
    sim = _sim(
        make_halo_sim,
        B0=3e-7,
        streaming=streaming,
        geometry=geometry,
        cr_inner="reflecting",
        cr_outer="reflecting",
        gas_inner="reflecting",
        gas_outer="reflecting",
        t_end=20,
        n_output=2,
    )
    z = sim.grid.centres
    prof = np.exp(-(((z - 15 * C.kpc) / (4 * C.kpc)) ** 2))
    shape = sim.phi / sim.phi.max()
    sim.state.cr.g = 1e-12 * prof[:, None] * shape[None, :]
    sim.reset_initial()
    return sim


@pytest.mark.parametrize("geometry", ["planar", "planar_spherical"])
def test_closed_box_energy_budget_with_streaming(geometry, make_halo_sim):
    """Nothing enters or leaves: the CRs lose what the gas gains, to round-off; the heating is
    a sizeable part of the CR energy and the CRs spread out from the peak."""
    sim = _closed_box(make_halo_sim, geometry)
    e_cr0 = sim.totals()["cr_energy"]
    P0 = sim.cr_pressure().copy()
    sim.run()
    b = sim.budgets()
    for k in BUDGETS:
        assert abs(b[k]) < 1e-10, (k, b[k])
    heat = sim.ledger.entries["exchange"]["cr_streaming_heating"]
    assert heat > 0.02 * e_cr0
    assert sim.ledger.entries["energy"].get("unpaid_streaming", 0.0) == 0.0
    assert sim.ledger.entries["energy"]["cr_streaming_out"] == 0.0  # walls: nothing streams out
    P1 = sim.cr_pressure()
    assert P1.max() < P0.max()


def test_halo_run_with_streaming_closes_its_budgets(make_halo_sim):
    """The CR-escape run in MWPotential2014 with streaming and cooling: budgets to 1e-10."""
    sim = _sim(make_halo_sim, potential="mw2014", streaming="alfven_dB", cooling="sd93")
    sim.run()
    b = sim.budgets()
    for k in BUDGETS:
        assert abs(b[k]) < 1e-10, (k, b[k])
    assert b["corrections"] < 1e-6
    assert sim.ledger.entries["exchange"]["cr_streaming_heating"] > 0
    assert sim.ledger.entries["energy"]["gravity_work"] < 0


@pytest.mark.parametrize("mode", ["alfven_dB", "alfven_B0"])
def test_heating_rate_is_v_A_times_the_cr_pressure_gradient(mode, make_halo_sim):
    """H of the operator against v_A|dP_CR/dz| from the saved profiles (np.gradient; the
    field of the option); and the ledger's heating over a step is Σ H V Δt."""
    sim = _closed_box(make_halo_sim, "planar_spherical", streaming=mode)
    ds = sim.run()
    last = ds.isel(t=-1)
    z = last["z"].values * C.kpc
    rho, P, dB = (last[k].values for k in ("rho", "P_CR", "dB"))
    B = np.sqrt(sim.B0**2 + dB**2) if mode == "alfven_dB" else np.full_like(dB, sim.B0)
    expected = alfven_speed(B, rho) * np.abs(np.gradient(P, z))
    H = last["streaming_heating"].values  # the saved heating
    assert last["streaming_heating"].attrs["units"] == "erg cm-3 s-1"
    # the smooth outer side of the CR cloud (inside, streaming leaves plateaus where ∇P
    # changes sign from cell to cell) and away from the wall
    zk = z / C.kpc
    sel = (zk > 24) & (zk < 38)
    assert H[sel] == pytest.approx(expected[sel], rel=0.03, abs=0)
    assert np.min(dB[sel]) > 0.5 * sim.B0  # the two options differ there by > 10%
    # one step: the ledger gets exactly Σ H V Δt and the gas that much internal energy
    before = sim.ledger.get("exchange", "cr_streaming_heating")
    H0 = sim.streaming.heating_rate(sim.state)
    dt = sim.next_dt()
    sim.streaming.advance(sim.state, dt, sim.ledger)
    got = sim.ledger.get("exchange", "cr_streaming_heating") - before
    assert got == pytest.approx(float(np.sum(H0 * sim.grid.volume)) * dt, rel=1e-13, abs=0)


def test_streaming_heating_is_saved_only_with_streaming(make_halo_sim):
    assert "streaming_heating" not in _sim(make_halo_sim, t_end=0.1, n_output=2).run()


def test_streaming_off_is_bit_identical(make_halo_sim):
    """streaming = "none" adds no operator and gives the run of the default configuration;
    the operator at zero speed changes nothing, bit for bit."""
    runs = {}
    for key, kw in {
        "default": {},
        "none": {"streaming": "none"},
        "zero": {"streaming": "alfven_B0"},
    }.items():
        sim = _sim(make_halo_sim, potential="mw2014", **kw)
        if key == "zero":
            sim.streaming.alfven_speed = lambda state: np.zeros(sim.grid.n)
        else:
            assert sim.streaming is None
            assert all(not isinstance(op, CRStreamingOp) for op in sim.stepper.operators)
        sim.run()
        runs[key] = sim
    ref = runs["default"]
    for key in ("none", "zero"):
        s = runs[key]
        assert np.array_equal(s.g, ref.g)
        assert np.array_equal(s.state.gas.rho, ref.state.gas.rho)
        assert np.array_equal(s.state.gas.mom, ref.state.gas.mom)
        assert np.array_equal(s.state.gas.ener, ref.state.gas.ener)
        assert np.array_equal(s.dB, ref.dB)
        assert s.step_count == ref.step_count


@pytest.mark.parametrize(
    "value, match",
    [("alfven", "streaming"), ("dB", "alfven_dB"), (1, "streaming")],
)
def test_bad_streaming_option(value, match):
    with pytest.raises(ParameterError, match=match):
        SimulationConfig.from_dict({"streaming": value})
