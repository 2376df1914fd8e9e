"""Gravity as a source term of the gas: a hydrostatic atmosphere at rest, convergence, both kernels."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.physics.potential import mw2014
from crescape.simulate.coupled.gravity import Gravity
from crescape.simulate.gas import EulerSolver
from crescape.simulate.grid import FluxTube, SpatialGrid, cell_faces

KPC = C.kpc
POT = mw2014()
NFW_ONLY = mw2014(disk=False, bulge=False)
#: the fiducial run's domain and cross-section: H = 4 kpc to 200 kpc, 1000 cells,
#: A = 1 below R_d = 10 kpc and (z/R_d)² beyond
H, Z_MAX, R_D = 4.0 * KPC, 200.0 * KPC, 10.0 * KPC
THETA = C.k_B * 1e6 / (0.59 * C.m_p)  # P/ρ of a 1e6 K gas of mean molecular weight 0.59
RHO_B = 1e-3 * C.m_p


def _grid(n, planar=False):
    geo = FluxTube(lambda z: np.ones_like(z) if planar else np.where(z <= R_D, 1.0, (z / R_D) ** 2))
    return SpatialGrid(cell_faces(H, Z_MAX, n, 1.0), geo)


def _atmosphere(n, backend="numba", isothermal=False, planar=False, pot=POT):
    G = _grid(n, planar)
    # the reservoirs hold the analytic atmosphere on the boundary faces
    rho_out = RHO_B * np.exp(-(pot.phi_axis(Z_MAX) - pot.phi_axis(H)) / THETA)
    s = EulerSolver(
        G,
        inner="inflow",
        outer="inflow",
        backend=backend,
        isothermal=isothermal,
        cs_iso=np.sqrt(THETA) if isothermal else None,
        reservoir=(RHO_B, RHO_B * THETA, rho_out, rho_out * THETA),
        potential=pot.phi_axis,
    )
    return s, s.hydrostatic_state(RHO_B, RHO_B * THETA), Gravity(G, pot.phi_axis)


def _run(solver, state, sources, t_end):
    t = 0.0
    while t < t_end:
        dt = min(solver.max_dt(state, 0.4), t_end - t)
        solver.step(state, dt, sources=sources)
        t += dt
    return state


@pytest.mark.parametrize("pot", [POT, NFW_ONLY], ids=["mw2014", "nfw"])
def test_isothermal_atmosphere_at_rest_for_a_gyr_at_the_fiducial_resolution(pot):
    """ρ ∝ exp(−Φ/θ) in MWPotential2014 (a density contrast of ~7000 from 4 to 200 kpc), or in
    its NFW halo alone (a contrast of ~300), stays at rest, |u| < 1 km/s, and on the analytic profile to 1e-4 for
    1 Gyr (it does to round-off)."""
    s, st, grav = _atmosphere(1000, pot=pot)
    exact = RHO_B * np.exp(-(pot.phi_axis(s.grid.centres) - pot.phi_axis(H)) / THETA)
    assert exact[0] / exact[-1] > (5e3 if pot is POT else 300)
    _run(s, st, [grav], 1.0 * C.Gyr)
    assert np.max(np.abs(st.u)) < 1.0 * C.km_s
    assert np.max(np.abs(st.rho / exact - 1)) < 1e-4
    # in fact to round-off
    assert np.max(np.abs(st.u)) < 1e-3  # cm/s
    assert np.max(np.abs(st.rho / exact - 1)) < 1e-12
    # the reservoirs supplied nothing
    assert abs(st.budget["mass_in"]) < 1e-12 * np.sum(st.rho * s.grid.volume)


@pytest.mark.parametrize("isothermal", [False, True], ids=["adiabatic", "isothermal"])
@pytest.mark.parametrize("planar", [False, True], ids=["flux_tube", "planar"])
def test_atmosphere_at_rest_both_kernels(isothermal, planar):
    for backend in ("numba", "reference"):
        s, st, grav = _atmosphere(100, backend, isothermal, planar)
        rho0 = st.rho.copy()
        _run(s, st, [grav], 0.2 * C.Gyr)
        assert np.max(np.abs(st.u)) < 1e-3, backend
        assert np.max(np.abs(st.rho / rho0 - 1)) < 1e-12, backend


@pytest.mark.parametrize("isothermal", [False, True], ids=["adiabatic", "isothermal"])
def test_numba_and_reference_agree_out_of_equilibrium(isothermal):
    """A perturbed, moving atmosphere: the two kernels give the same right-hand side."""
    rng = np.random.default_rng(3)
    out = []
    for backend in ("numba", "reference"):
        s, st, _ = _atmosphere(60, backend, isothermal)
        r = np.random.default_rng(3) if backend == "reference" else rng
        rho = st.rho * (1 + 0.1 * r.standard_normal(60))
        u = 30 * C.km_s * r.standard_normal(60)
        P = rho * THETA * (1 + 0.2 * r.standard_normal(60) ** 2)
        st2 = s.state(rho, u, P)
        out.append(s.rhs(st2.rho, st2.mom, st2.ener, np.zeros(60)))
    for a, b in zip(out[0], out[1], strict=True):
        scale = np.max(np.abs(a)) or 1.0
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("area", [lambda z: np.ones_like(z), lambda z: z**2], ids=["planar", "r2"])
def test_gravity_source_tends_to_rho_g_at_second_order(area):
    """S_i → ρ_i g_i with g = −dΦ/dz (Käppeli & Mishra 2014, §4), the error falling as Δz²
    (in a smooth cross-section; the kink of A at R_d makes it first order in the two cells there)."""
    errs = []
    for n in (100, 200, 400):
        G = SpatialGrid(cell_faces(H, Z_MAX, n, 1.0), FluxTube(area))
        grav = Gravity(G, POT.phi_axis)
        z = G.centres
        rho = RHO_B * (z / H) ** -1.5
        P = rho * THETA * (z / H) ** -0.5
        g = POT.g_axis(z)
        errs.append(np.max(np.abs(grav.force(rho, P) / (rho * g) - 1)))
    assert errs[-1] < 0.015
    assert errs[0] / errs[1] > 3.5 and errs[1] / errs[2] > 3.5


def _polytrope(G, gamma=5.0 / 3.0):
    """The isentropic atmosphere P = Kρ^γ in the potential: h = γK ρ^{γ−1}/(γ−1) = h_b − (Φ − Φ_b),
    hot enough at its base (5e6 K) to reach 200 kpc."""
    K = RHO_B * 5 * THETA / RHO_B**gamma
    h_b = gamma * K * RHO_B ** (gamma - 1) / (gamma - 1)
    h = h_b - (POT.phi_axis(G.centres) - POT.phi_axis(H))
    rho = ((gamma - 1) * h / (gamma * K)) ** (1 / (gamma - 1))
    return rho, K * rho**gamma


def test_isentropic_atmosphere_converges_at_second_order():
    """Not an isothermal equilibrium, so not held to round-off: the spurious velocity of the
    analytic polytrope falls as Δz² in the bulk (median) and as Δz^1.6 at its maximum (a wave
    from the walls, whose ghosts extend the cells' isothermal equilibria)."""
    umax, umed = [], []
    for n in (100, 200, 400):
        G = _grid(n, planar=True)
        rho, P = _polytrope(G)
        s = EulerSolver(
            G, inner="reflecting", outer="reflecting", potential=POT.phi_axis, limiter="mc"
        )
        st = s.state(rho, 0.0, P)
        _run(s, st, [Gravity(G, POT.phi_axis)], 0.1 * C.Gyr)
        umax.append(np.max(np.abs(st.u)))
        umed.append(np.median(np.abs(st.u)))
    assert umax[-1] < 0.01 * C.km_s
    assert umed[0] / umed[1] > 3.8 and umed[1] / umed[2] > 3.8
    assert umax[0] / umax[1] > 2.8 and umax[1] / umax[2] > 2.8
