"""The halo options of the [simulation] table: potential, halo_scale, cooling."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.params import Parameters
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled import CGMSimulation


def test_default_run_has_no_gravity_and_no_cooling(make_halo_sim):
    sim = make_halo_sim()
    assert sim.gravity is None and sim.cooling is None
    assert not sim.solver.wb
    assert [op.name for op in sim.stepper.operators].count("radiative_cooling") == 0


@pytest.mark.parametrize("potential", ["mw2014", "mw2014_halo"])
def test_potential_option_starts_an_atmosphere_at_rest(make_halo_sim, potential):
    sim = make_halo_sim(
        Parameters.from_flat({"delta_G": 100, "B0": 1e-14}),
        potential=potential,
        cr_inner="reflecting",
    )
    assert sim.solver.wb and sim.gravity is not None
    g = sim.state.gas
    assert g.rho[-1] < 0.5 * g.rho[0]  # stratified
    rho0 = g.rho.copy()
    sim.run()
    assert np.max(np.abs(sim.state.gas.u)) < 1e-4
    assert np.max(np.abs(sim.state.gas.rho / rho0 - 1)) < 1e-12


def test_halo_scale_deepens_the_potential(make_halo_sim):
    a = make_halo_sim(potential="mw2014_halo")
    b = make_halo_sim(potential="mw2014_halo", halo_scale=2.0)
    contrast = lambda s: s.state.gas.rho[0] / s.state.gas.rho[-1]  # noqa: E731
    assert contrast(b) > contrast(a) ** 1.9
    assert a.fingerprint() != b.fingerprint()


def test_cooling_option_adds_the_operator_after_the_gas_step(make_halo_sim):
    sim = make_halo_sim(
        Parameters.from_flat({"delta_G": 3e3, "T": 3e5}), cooling="sd93", cooling_feh="-0.5"
    )
    names = [op.name for op in sim.stepper.operators]
    assert names[names.index("gas") + 1] == "radiative_cooling"
    assert "[Fe/H] = -0.5" in sim.cooling.attrs()["cooling_function"]
    sim.run()
    assert sim.ledger.entries["energy"]["radiative_cooling"] < 0
    assert abs(sim.budgets()["energy_residual"]) < 1e-10


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"potential": "nfw"}, "simulation.potential = 'nfw' is not allowed"),
        ({"halo_scale": 0}, "halo_scale = 0 is not allowed"),
        ({"cooling": "yes"}, "simulation.cooling = 'yes' is not allowed"),
        ({"cooling_feh": "-4"}, "simulation.cooling_feh = '-4' is not allowed"),
        ({"cooling_courant": -1}, "cooling_courant = -1 is not allowed"),
    ],
)
def test_bad_options(make_halo_sim, kw, match):
    with pytest.raises(ParameterError, match=match):
        SimulationConfig.from_dict(make_halo_sim.options(**kw))


def test_cooling_refused_for_an_isothermal_gas(make_halo_sim):
    with pytest.raises(ParameterError, match="cooling = 'sd93' is not allowed with isothermal"):
        make_halo_sim(cooling="sd93", isothermal=True)


def test_gravity_run_in_the_fiducial_configuration_closes_its_budgets(make_halo_sim):
    """CRs of Eq. (3) into the bound atmosphere with cooling: every budget to 1e-10."""
    sim = make_halo_sim(potential="mw2014", cooling="sd93", t_end=5)
    sim.run()
    b = sim.budgets()
    for k in ("mass_residual", "momentum_residual", "energy_residual", "cr_number_residual"):
        assert abs(b[k]) < 1e-10, (k, b[k])
    en = sim.ledger.entries["energy"]
    assert en["gravity_work"] < 0 and en["radiative_cooling"] < 0
    assert np.max(sim.state.gas.u) > 1 * C.km_s


def test_fiducial_configuration_holds_the_atmosphere_for_a_gyr():
    """The default grid (1000 cells, 4-200 kpc, planar then spherical), potential = mw2014, no CRs
    and a negligible field, for the default 1 Gyr: at rest (|u| < 1 km/s) and on its profile to
    1e-4; in fact to round-off."""
    p = Parameters.from_flat({"delta_G": 1000, "B0": 1e-14})
    cfg = SimulationConfig.from_dict(
        {"potential": "mw2014", "cr_inner": "reflecting", "n_momenta": 8, "n_output": 2}
    )
    sim = CGMSimulation(p, cfg)
    rho0 = sim.state.gas.rho.copy()
    assert sim.grid.n == 1000 and rho0[0] / rho0[-1] > 5e3
    sim.run()
    assert sim.t == pytest.approx(C.Gyr, rel=1e-3, abs=0)
    u = np.abs(sim.state.gas.u)
    assert np.max(u) < 1 * C.km_s and np.max(u) < 1e-3
    assert np.max(np.abs(sim.state.gas.rho / rho0 - 1)) < 1e-4
    assert np.max(np.abs(sim.state.gas.rho / rho0 - 1)) < 1e-11
