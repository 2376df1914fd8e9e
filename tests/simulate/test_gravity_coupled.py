"""Gravity's work: drawn exactly from the potential energy, and closing the coupled run's budgets."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import Parameters
from crescape.physics.potential import mw2014
from crescape.simulate.coupled.gravity import Gravity, hydrostatic_halo
from crescape.simulate.gas import EulerSolver
from crescape.simulate.grid import FluxTube, SpatialGrid, cell_faces

KPC = C.kpc
POT = mw2014()
THETA = C.k_B * 1e6 / (0.59 * C.m_p)
RHO_B = 1e-3 * C.m_p


@pytest.mark.parametrize("inner", ["reflecting", "inflow"])
@pytest.mark.parametrize("backend", ["numba", "reference"])
def test_gravity_work_is_the_potential_energy_released(inner, backend):
    """A lump of gas falls through the atmosphere: the work gravity gives the gas equals
    −Δ Σ ρΦV plus the potential energy the mass carried through the boundaries (round-off),
    and the gas energy changes by that work plus its boundary fluxes."""
    G = SpatialGrid(
        cell_faces(4 * KPC, 200 * KPC, 100),
        FluxTube(lambda z: np.where(z <= 10 * KPC, 1.0, (z / 10 / KPC) ** 2)),
    )
    s = EulerSolver(
        G,
        inner=inner,
        outer="outflow",
        potential=POT.phi_axis,
        backend=backend,
        reservoir=(1.2 * RHO_B, RHO_B * THETA, 1.0, 1.0),
    )
    eq = s.hydrostatic_state(RHO_B, RHO_B * THETA)
    z = G.centres
    st = s.state(
        eq.rho * (1 + 0.3 * np.exp(-(((z - 30 * KPC) / (8 * KPC)) ** 2))), 0.0, eq.rho * THETA
    )
    grav = Gravity(G, POT.phi_axis)
    U0, E0, b0 = grav.potential_energy(st.rho), np.sum(st.ener * G.volume), dict(st.budget)
    W = F_pe = 0.0
    t = 0.0
    while t < 0.1 * C.Gyr:
        dt = s.max_dt(st)
        s.step(st, dt, sources=[grav])
        t += dt
        W += float(np.sum(s.delivered["gravity_work"][1]))
        F_pe += grav.potential_energy_flux(s.face_flux[0]) * dt
    assert np.max(np.abs(st.u)) > 5 * C.km_s  # the gas did move
    released = -(grav.potential_energy(st.rho) - U0) + F_pe
    assert W == pytest.approx(released, rel=1e-12, abs=0)
    d = {k: st.budget[k] - b0[k] for k in st.budget}
    dE = np.sum(st.ener * G.volume) - E0
    assert dE == pytest.approx(W + d["energy_in"] - d["energy_out"], rel=1e-12, abs=0)


def test_work_tends_to_rho_g_u():
    """The flux form of the work tends to S·u (ρ g u) as the cells shrink."""
    errs = []
    for n in (100, 200, 400):
        G = SpatialGrid(cell_faces(4 * KPC, 200 * KPC, n), FluxTube(lambda z: np.ones_like(z)))
        s = EulerSolver(G, inner="reflecting", outer="reflecting", potential=POT.phi_axis)
        z = G.centres
        rho = RHO_B * (z / (4 * KPC)) ** -1.5
        u = 50 * C.km_s * np.sin(np.pi * (z - z[0]) / (z[-1] - z[0]))
        st = s.state(rho, u, rho * THETA)
        F = s.rhs(st.rho, st.mom, st.ener, np.zeros(n))[3]
        grav = Gravity(G, POT.phi_axis)
        Su = grav.force(rho, rho * THETA) * u
        inner = slice(n // 10, -n // 10)  # away from the walls, where F = 0 but u ≠ 0 nearby
        errs.append(np.max(np.abs(grav.work(F[0]) - Su)[inner] / np.abs(Su[inner])))
    assert errs[-1] < 0.01
    assert errs[0] / errs[1] > 1.8 and errs[1] / errs[2] > 1.8


def _sim(make_halo_sim, B0=1e-10, **kw):
    """The small run (conftest) at δ_G = 100 in hydrostatic equilibrium in MWPotential2014."""
    sim = make_halo_sim(Parameters.from_flat({"delta_G": 100, "B0": B0}), **kw)
    hydrostatic_halo(sim, POT.phi_axis)
    return sim


def test_cr_driven_run_in_the_potential_closes_its_budgets(make_halo_sim):
    """CRs escaping into the bound atmosphere lift the gas: gravity's work is negative and
    listed in the ledger; mass, momentum, energy and CR number close to 1e-10."""
    sim = _sim(make_halo_sim)
    sim.run()
    b = sim.budgets()
    for k in ("mass_residual", "momentum_residual", "energy_residual", "cr_number_residual"):
        assert abs(b[k]) < 1e-10, (k, b[k])
    en = sim.ledger.entries["energy"]
    assert en["gravity_work"] < 0
    assert abs(en["gravity_work"]) > 1e-3 * sim.cr_supplied()
    assert np.max(sim.state.gas.u) > 10 * C.km_s
    # the run's gravity_work is the potential energy released (its flux form, round-off)
    assert sim.ledger.entries["momentum"]["gravity_work"] < 0


@pytest.mark.parametrize("geometry", ["planar", "planar_spherical"])
def test_atmosphere_without_crs_stays_at_rest_in_the_coupled_run(geometry, make_halo_sim):
    """No CRs (reflecting halo boundary) and a negligible field: the atmosphere stays at rest."""
    sim = _sim(make_halo_sim, cr_inner="reflecting", geometry=geometry, B0=1e-14)
    rho0 = sim.state.gas.rho.copy()
    sim.run()
    assert np.max(np.abs(sim.state.gas.u)) < 1e-4  # cm/s
    assert np.max(np.abs(sim.state.gas.rho / rho0 - 1)) < 1e-12
    # energy closes to round-off of the gas energy (the run's own scale is ~0 here)
    tot = sim.totals()["energy"]
    now, ini = sim.totals(), sim.initial
    etot = lambda d: d["energy"] + d["cr_energy"] + d["field_energy"]  # noqa: E731
    assert abs(etot(now) - etot(ini) - sim.ledger.sources("energy")) < 1e-12 * tot


def test_bernoulli_parameter_of_the_atmosphere_and_a_free_stream():
    """At rest: Be = γθ/(γ−1) + Φ, negative (bound) for the 1e6 K halo; a stream faster than the
    escape speed with negligible enthalpy has Be > 0."""
    from crescape.simulate.coupled.gravity import bernoulli

    z = np.array([10.0, 50.0]) * KPC
    phi = POT.phi_axis(z)
    be = bernoulli(RHO_B, 0.0, RHO_B * THETA, phi, 5.0 / 3.0)
    np.testing.assert_allclose(be, 2.5 * THETA + phi, rtol=1e-14, atol=0)
    assert np.all(be < 0)
    v_esc = np.sqrt(-2 * phi)
    assert np.all(bernoulli(RHO_B, 1.01 * v_esc, 1e-6 * RHO_B * THETA, phi, 5.0 / 3.0) > 0)
    assert np.all(bernoulli(RHO_B, 0.99 * v_esc, 1e-6 * RHO_B * THETA, phi, 5.0 / 3.0) < 0)
    # CRs add their enthalpy 4 P_c/ρ
    b2 = bernoulli(RHO_B, 0.0, RHO_B * THETA, phi, 5.0 / 3.0, P_cr=RHO_B * THETA)
    np.testing.assert_allclose(b2 - be, 4 * THETA, rtol=1e-12, atol=0)
