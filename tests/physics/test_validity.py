"""Tests of the validity conditions and regimes (crescape.physics.validity)."""

from __future__ import annotations

import numpy as np
import pytest

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.params import Parameters
from crescape.physics import dispersion as D
from crescape.physics import validity as V
from crescape.physics.instability import gamma_max_cold

#: the paper's Galaxy at E = 1 GeV, δ_G = 1 (J(>E), ρ)
J1 = 3.627e-13  # statA cm^-2
RHO1 = 4.136e-31  # g cm^-3
E1 = C.GeV
EMAX = 1e6 * C.GeV


def _hot_limit(J, rho, T):
    """(√3/2)(k_c v_A²/(Ω_i v_T))^(2/3), v_T² = k_BT/m_p; k_c v_A²/Ω_i = J m_p/(ρ e) (docs §5.2)."""
    return 0.5 * np.sqrt(3.0) * (J * C.m_p / (rho * C.e) / np.sqrt(C.k_B * T / C.m_p)) ** (2 / 3)


@pytest.mark.parametrize("T, ref", [(1e6, 0.0042), (1e4, 0.0195)])
def test_hot_growth_over_Omega_is_independent_of_B0(T, ref):
    """The actual growth at weak fields: γ/Ω_i does not depend on B0 and is ≪ 1, so these
    fields are thermal, not Hall-limited, although k_c v_A/2 > Ω_i there."""
    B0 = np.array([1e-13, 1e-12, 3e-12])
    r = V.regimes(J1, B0, RHO1, T, E1, 2.0, EMAX)
    g = r["gamma_over_Omega"]
    np.testing.assert_allclose(g, g[0], rtol=0.02, atol=0)
    assert g[0] == pytest.approx(ref, rel=0.02, abs=0)
    assert g[0] == pytest.approx(_hot_limit(J1, RHO1, T), rel=0.02, abs=0)
    np.testing.assert_allclose(g, r["gamma"] / r["Omega_i"], rtol=1e-12, atol=0)
    # the cold estimate the old classification used
    assert np.all(gamma_max_cold(J1, RHO1) / r["Omega_i"] > 1.0)
    assert np.all(r["regime"] == 3)


def test_T_zero_selects_the_cold_relation_and_the_hall_cap():
    """T = 0: τ = 0, r_i = 0, and below B0 = γ_cold m_p c/e the Hall term caps γ at ≤ Ω_i."""
    B_hall = gamma_max_cold(J1, RHO1) * C.m_p * C.c / C.e
    assert B_hall == pytest.approx(3.5e-12, rel=0.02, abs=0)
    B0 = np.array([0.3, 3.0, 30.0]) * B_hall
    r = V.regimes(J1, B0, RHO1, 0.0, E1, 2.0, EMAX)
    assert np.all(r["tau"] == 0.0) and np.all(r["k_ri"] == 0.0) and np.all(r["kc_ri"] == 0.0)
    # without the Hall term the growth is Bell's k_c v_A/2
    np.testing.assert_allclose(r["gamma_nohall"], r["gamma_cold"], rtol=1e-12, atol=0)
    assert list(r["regime"]) == [1, 5, 5]
    assert np.all(r["gamma"] <= r["Omega_i"] * (1 + 1e-9))
    # the Hall relation ω² = R(1 - ω/Ω_i) with R = -D: γ = √(D - D²/(4Ω_i²)), D <= (k_c v_A/2)²
    # at B0 = 30 B_hall the Hall term hardly matters
    assert r["growth_over_cold"][2] == pytest.approx(1.0, abs=2e-3)
    # and the full fastest mode is the direct solution of the relation
    w = D.dispersion_modes(r["k_fastest"], J1, B0, RHO1, E1, 2.0, EMAX, hall=True, T=0.0)
    np.testing.assert_allclose(w["right"].imag, r["gamma"], rtol=1e-12, atol=0)


def test_threshold_uses_the_same_p_max():
    r = V.regimes(J1, 1e-10, RHO1, 1e6, E1, 1.5, EMAX)
    assert float(r["zeta_c"]) == pytest.approx(D.critical_kc_rL(1.5, 1e6), rel=1e-12, abs=0)
    assert float(r["zeta_c"]) == pytest.approx(0.019808, rel=1e-4, abs=0)
    r_inf = V.regimes(J1, 1e-10, RHO1, 1e6, E1, 1.5)
    assert float(r_inf["zeta_c"]) == 0.0 and bool(r_inf["driven"])


def test_regime_precedence_no_branch():
    # a strong field: k_c r_L below ζ_c
    r = V.regimes(J1, 1e-7, RHO1, 1e4, E1, 2.0, EMAX)
    assert int(r["regime"]) == 0 and not bool(r["driven"])


def test_marginal_uses_k_rL_of_the_fastest_mode():
    """Cold gas, B0 where k_c r_L ≈ 12: Bell's fastest mode has k r_L ≈ 6 < 10: marginal."""
    B0 = np.sqrt(4 * np.pi * J1 * E1 / (C.c * C.e * 12.0))
    r = V.regimes(J1, B0, RHO1, 0.0, E1, 2.0, EMAX)
    assert float(r["kc_rL"]) == pytest.approx(12.0, rel=1e-9, abs=0)
    assert 4.0 < float(r["k_rL"]) < V.K_RL_MARGINAL
    assert int(r["regime"]) == 4


def test_linear_summary_weak_field_is_thermal():
    s = V.linear_summary(Parameters.from_flat({"B0": 1e-12}), C.GeV)
    assert s["tau"][0] > 1  # the CGM default T = 1e6 K
    assert s["regime"][0] == 3
    Om = C.e * 1e-12 / (C.m_p * C.c)
    assert s["gamma_over_Omega"][0] == pytest.approx(s["gamma_max_full"][0] / Om, rel=1e-12, abs=0)
    assert s["gamma_over_Omega"][0] < 0.01


def test_linear_summary_T_zero_overrides_the_cgm():
    """T = 0 is not a CGM parameter value (T > 0: gas pressure) but selects the cold relation."""
    p = Parameters.from_flat({"B0": 1e-12})
    s = V.linear_summary(p, C.GeV, T=0.0)
    assert s["tau"][0] == 0.0 and s["k_ri"][0] == 0.0 and s["B_star"][0] == 0.0
    assert s["regime"][0] == 1  # cold: the Hall term caps the growth at Omega_i
    warm = V.linear_summary(p, C.GeV, T=1e6)
    assert warm == V.linear_summary(p, C.GeV)  # the CGM's T = 1e6 K
    with pytest.raises(ParameterError, match="T = -1 K"):
        V.linear_summary(p, C.GeV, T=-1.0)


@pytest.mark.parametrize(
    "args, match",
    [
        ((J1, 1e-10, RHO1, -1.0, E1), "T = -1"),
        ((J1, 0.0, RHO1, 1e6, E1), "B0 = 0"),
        ((J1, 1e-10, RHO1, 1e6, E1, 2.0, 0.5 * E1), "E_max/E = 0.5"),
        ((J1, 1e-10, RHO1, 1e6, E1, None), "slope = None"),
    ],
)
def test_regimes_bad_input(args, match):
    with pytest.raises(ParameterError, match=match):
        V.regimes(*args)
