"""A CR-driven wind in an isothermal sphere against Modak, Quataert, Jiang & Thompson (2023).

Their abstract states Ṁ ∝ v_esc⁻² and asymptotic speeds of ~0.4 v_esc for CR-driven winds
(isothermal in the shallowest potentials); the set-up of
:func:`crescape.simulate.coupled.streaming.isothermal_sphere_wind` is the slow check's
(benchmarks/wind_scaling.py, docs/halo.md, its fiducial resolution) at v_esc = 2V_g = 200 and
400 km/s. crescape's exponent is steeper (−3.2, at 100 and 200 cells): the test holds the
measured ratios to the published numbers within bounds around what the slow check measures,
so that a change of the physics that moves them shows.
"""

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import Parameters
from crescape.physics.potential import isothermal_sphere_potential
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled import streaming as S
from crescape.simulate.coupled.streaming import MODAK_2023, run_wind_test, wind_mass_loss_rate

MODAK_MDOT_EXPONENT = MODAK_2023["mdot_exponent"]
MODAK_V_INF_OVER_V_ESC = MODAK_2023["v_inf_over_v_esc"]


def _wind(V_g_kms):
    return run_wind_test(V_g_kms * C.km_s)


@pytest.fixture(scope="module")
def winds():
    return {v: _wind(v) for v in (100.0, 200.0)}


def test_the_wind_is_steady_and_its_budgets_close(winds):
    for sim, ds in winds.values():
        mdot = wind_mass_loss_rate(sim, ds).mean(axis=0)
        outer = mdot[mdot.size // 2 :]
        assert np.all(outer > 0)
        assert np.ptp(outer) / outer.mean() < 0.15  # the same Ṁ through the outer shells (3–13%)
        b = sim.budgets()
        for k in ("mass_residual", "momentum_residual", "cr_number_residual"):
            assert abs(b[k]) < 1e-10, (k, b[k])
        # the CRs carry the wind: their pressure at the base exceeds the gas pressure
        assert ds["P_CR"].values[-1, 0] > ds["P_gas"].values[-1, 0]
        assert sim.ledger.entries["exchange"]["cr_streaming_heating"] > 0


def test_mass_loss_and_speed_against_modak_2023(winds):
    """Ṁ(v_esc) and u at the edge over v_esc, as ratios to the published numbers."""
    v_esc = {v: 2 * v for v in winds}
    mdot = {}
    for v, (sim, ds) in winds.items():
        m = wind_mass_loss_rate(sim, ds).mean(axis=0)
        mdot[v] = m[m.size // 2 :].mean()
    slope = np.log(mdot[200.0] / mdot[100.0]) / np.log(v_esc[200.0] / v_esc[100.0])
    ratio = slope / MODAK_MDOT_EXPONENT
    assert 1.4 < ratio < 1.8, slope  # steeper than energy-like: −3.2 (docs/halo.md)
    for v, (_, ds) in winds.items():
        u_edge = ds["u"].values.mean(axis=0)[-1] / C.km_s
        r = u_edge / v_esc[v] / MODAK_V_INF_OVER_V_ESC
        assert 0.9 < r < 1.4, (v, u_edge)  # 1.26 and 1.09 (docs/halo.md)


def test_isothermal_sphere_potential():
    """Φ = 2V_g² ln(r/r_0): g = −dΦ/dr = −2V_g²/r, so v_c = √(r dΦ/dr) = √2 V_g everywhere."""
    V, r0 = 150 * C.km_s, 4 * C.kpc
    r = np.array([5.0, 20.0, 80.0]) * C.kpc
    h = 1e-6 * r
    dphi = (
        isothermal_sphere_potential(r + h, V, r0) - isothermal_sphere_potential(r - h, V, r0)
    ) / (2 * h)
    assert np.sqrt(r * dphi) == pytest.approx(np.full(3, np.sqrt(2) * V), rel=1e-8, abs=0)
    assert isothermal_sphere_potential(r0, V, r0) == 0.0


def test_the_wind_set_up_is_spherical_and_isothermal():
    cfg = SimulationConfig.from_dict({**S.WIND_TEST_OPTIONS, "geometry": "planar"})
    with pytest.raises(ValueError, match="spherical and isothermal"):
        S.isothermal_sphere_wind(
            Parameters.from_flat(S.WIND_TEST_PARAMETERS), cfg, 1e7, S.WIND_TEST_B_BASE
        )
