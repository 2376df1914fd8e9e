"""Tests of the thermal modification (crescape.physics.thermal) and the regimes it feeds (validity)."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crescape import constants as C
from crescape import formulary
from crescape.params import ParameterError, Parameters
from crescape.physics import thermal as T
from crescape.physics import validity as V
from crescape.physics.dispersion import critical_kc_rL, dispersion_modes
from crescape.physics.escape import current_above, current_paper
from crescape.physics.instability import B_star_paper, gamma_max_cold, k_max_paper

_P = Parameters()
_G = _P.galaxy.cgs
RHO1 = _P.cgm.cgs.delta_G * _P.cgm.cgs.Omega_b_h2 * _P.cgm.cgs.rho_cr_h2  # delta_G = 1
J1 = float(current_above(C.GeV, _G.L_CR, _G.R_d, _G.slope, _G.E_min, _G.E_max))  # J(>1 GeV)
J1_PAPER = float(current_paper(C.GeV, _G.L_CR, _G.R_d, _G.slope, _G.E_min, _G.E_max))


# --- the paper's thermal condition and its published normalisation --------------------------


def test_paper_B_star_normalisation():
    """Text after Eq. (7): B_* = 1.8e-9 G δ_G^1/6 T_6^1/3 [L_41/(E_GeV R_10²)]^1/3."""
    assert float(B_star_paper(J1_PAPER, RHO1, 1e6)) == pytest.approx(1.8e-9, rel=0.02, abs=0)
    # at B_*(paper) the paper's condition k_max² v_th² = Ω_i γ_max holds with equality
    Bs = B_star_paper(J1_PAPER, RHO1, 1e6)
    assert float(T.thermal_ratio_paper(J1_PAPER, Bs, RHO1, 1e6)) == pytest.approx(
        1.0, rel=1e-12, abs=0
    )
    kc = k_max_paper(J1_PAPER, Bs)
    vA = Bs / np.sqrt(4 * np.pi * RHO1)
    lhs = kc**2 * T.ion_thermal_speed(1e6) ** 2
    rhs = T.ion_cyclotron_frequency(Bs) * kc * vA
    assert float(lhs / rhs) == pytest.approx(1.0, rel=1e-12, abs=0)


@settings(max_examples=40, deadline=None)
@given(
    dG=st.floats(1, 300),
    T6=st.floats(0.01, 1),
    scale=st.floats(0.1, 10),
)
def test_B_star_scaling(dG, T6, scale):
    """B_* ∝ δ_G^1/6 T^1/3 J^1/3, and τ(B_*(τ)) = τ."""
    b = T.B_star(J1 * scale, RHO1 * dG, T6 * 1e6)
    ref = T.B_star(J1, RHO1, 1e6)
    assert float(b / ref) == pytest.approx(
        dG ** (1 / 6) * T6 ** (1 / 3) * scale ** (1 / 3), rel=1e-10, abs=0
    )
    for tau in (0.5, 1.0, 30.0):
        Bt = T.B_star(J1 * scale, RHO1 * dG, T6 * 1e6, tau=tau)
        assert float(T.thermal_parameter(J1 * scale, Bt, RHO1 * dG, T6 * 1e6)) == pytest.approx(
            tau, rel=1e-10, abs=0
        )


# --- the reduced growth rate -----------------------------------------------------------------


@pytest.mark.parametrize("tau", [0.0, 0.3, 1.0, 5.0, 34.4, 1e3])
def test_warm_growth_max_against_dispersion_relation(tau):
    """The cubic for the fastest warm mode against a dense scan of the full quadratic."""
    B0 = 1e-10
    kc = float(k_max_paper(J1, B0))
    vA = B0 / np.sqrt(4 * np.pi * RHO1)
    Om = float(T.ion_cyclotron_frequency(B0))
    Tk = tau * C.m_p * Om * vA / (kc * C.k_B)
    assert float(T.thermal_parameter(J1, B0, RHO1, Tk)) == pytest.approx(tau, rel=1e-12, abs=0)
    q = np.linspace(1e-4, 1.0, 200001)
    g = dispersion_modes(q * kc, J1, B0, RHO1, C.GeV, cr_response=False, T=Tk)["right"].imag / (
        kc * vA
    )
    q_w, g_w = T.warm_growth_max(tau)
    assert float(g_w) == pytest.approx(g.max(), rel=1e-8, abs=0)
    assert float(q_w) == pytest.approx(q[np.argmax(g)], abs=2e-5)


def test_warm_growth_limits():
    q, g = T.warm_growth_max(np.array([0.0, 1e-3]))
    np.testing.assert_allclose(q, 0.5, atol=1e-7)
    np.testing.assert_allclose(g, 0.5, atol=1e-7)
    tau = np.array([1e4, 1e6, 1e8])
    q, g = T.warm_growth_max(tau)
    np.testing.assert_allclose(q, tau ** (-2 / 3), rtol=1e-2)
    np.testing.assert_allclose(g, np.sqrt(3) / 2 * tau ** (-1 / 3), rtol=1e-2)
    # the growth is halved at τ ≈ 34.4 (docs/dispersion.md)
    assert 2 * float(T.warm_growth_max(34.4)[1]) == pytest.approx(0.5, abs=1e-3)


@settings(max_examples=30, deadline=None)
@given(t1=st.floats(0, 1e6), t2=st.floats(0, 1e6))
def test_warm_growth_decreases_with_temperature(t1, t2):
    lo, hi = sorted((t1, t2))
    assert float(T.warm_growth_max(hi)[1]) <= float(T.warm_growth_max(lo)[1]) + 1e-15


def test_warm_dispersion_quantity_api():
    k = np.logspace(-2, 0, 5) * float(k_max_paper(J1, 1e-10)) / u.cm
    args = (J1 * u.statA / u.cm**2, 1e-10 * u.G, RHO1 * u.g / u.cm**3, 1 * u.GeV)
    cold = formulary.warm_dispersion(k, *args, 0 * u.K)
    warm = formulary.warm_dispersion(k, *args, 1e6 * u.K)
    assert set(warm) == {"left", "right"}
    assert warm["right"].unit == u.rad / u.s
    assert np.all(warm["right"].imag <= cold["right"].imag * (1 + 1e-12))
    lite = formulary.warm_dispersion.lite(k.value, J1, 1e-10, RHO1, C.GeV, T=1e6, hall=True)
    np.testing.assert_allclose(warm["right"].value, lite["right"], rtol=1e-12)


# --- validity conditions and regimes (crescape.physics.validity) ----------------------------

#: (T [K], B0 [G], delta_G, regime code) at E = 1 GeV with the paper's Galaxy, p_max/p_min =
#: E_max/E = 1e6; the regime is decided by the actual growth of the full relation:
REGIME_TABLE = [
    (0.0, 1e-12, 1, 1),  # cold: k_c v_A/2 = 3.5 Ω_i without the Hall term: Hall-limited
    (1e4, 1e-12, 1, 3),  # the warm growth is 0.0196 Ω_i (k_c v_A/2 = 3.5 Ω_i): thermal, τ = 3e7
    (1e6, 1e-10, 1, 3),  # τ = 3.0e3: thermal, γ = 0.0042 Ω_i
    (1e4, 1e-9, 1, 5),  # τ = 0.03, ζ = 507: cold Bell
    (1e4, 1e-8, 1, 4),  # ζ = 5.07, k r_L = 2.9 < 10 at the fastest mode: the CR response matters
    (1e4, 1e-7, 1, 0),  # ζ = 0.0507 < ζ_c = 2.49: no nonresonant branch
]


@pytest.mark.parametrize("Tk,B0,dG,code", REGIME_TABLE)
def test_regime_table(Tk, B0, dG, code):
    r = V.regimes(J1, B0, RHO1 * dG, Tk, C.GeV, 2.0, _G.E_max)
    assert int(r["regime"]) == code
    assert V.REGIMES[code]


def test_regimes_live_in_validity_only():
    """One fact, one place: the classification by the cold growth k_c v_A/2 is gone."""
    for name in ("regimes", "REGIMES", "linear_summary"):
        assert not hasattr(T, name)
        assert name not in T.__all__


def test_regime_quantities_follow_their_formulas():
    B0 = np.logspace(-12, -8, 9)
    r = V.regimes(J1, B0, RHO1, 1e6, C.GeV, 2.0, _G.E_max)
    kc = k_max_paper(J1, B0)
    np.testing.assert_allclose(r["kc_rL"], kc * C.GeV / (C.e * B0), rtol=1e-12, atol=0)
    np.testing.assert_allclose(r["gamma_over_Omega"], r["gamma"] / r["Omega_i"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        r["gamma_cold"], gamma_max_cold(J1, RHO1) * np.ones_like(B0), rtol=1e-12, atol=0
    )
    np.testing.assert_allclose(
        r["zeta_c"], critical_kc_rL(2.0, _G.E_max / C.GeV), rtol=1e-12, atol=0
    )
    # τ ∝ B0^-3
    np.testing.assert_allclose(r["tau"] * B0**3, r["tau"][0] * B0[0] ** 3, rtol=1e-10, atol=0)
    assert np.all(r["growth_over_cold"] <= 1.0)


@pytest.mark.parametrize(
    "func,args,name",
    [
        (T.thermal_parameter, (J1, 1e-10, RHO1, -1.0), "T"),
        (T.thermal_parameter, (J1, 0.0, RHO1, 1e6), "B0"),
        (T.thermal_parameter, (J1, 1e-10, -RHO1, 1e6), "rho"),
        (V.regimes, (J1, 1e-10, 0.0, 1e6, C.GeV), "rho"),
        (V.regimes, (J1, -1e-10, RHO1, 1e6, C.GeV), "B0"),
        (T.warm_growth_max, (-1.0,), "tau"),
    ],
)
def test_bad_input(func, args, name):
    with pytest.raises(ParameterError, match=name):
        func(*args)


def test_hall_relation_is_the_exact_cold_ion_form():
    """With the Hall term and T = 0, ω solves ω²Ω_i/(Ω_i ∓ ω) = R_± (cold-ion kinetic response).

    The right-hand (Bell) mode is the ion-cyclotron-resonant polarisation."""
    B0, rho, J = 1e-11, 1e-28, 1e-10  # k_c v_A > Ω_i: strong Hall effects
    kc = float(k_max_paper(J, B0))
    k = np.logspace(-4, 1, 300) * kc
    Om = float(T.ion_cyclotron_frequency(B0))
    vA2 = B0**2 / (4 * np.pi * rho)
    w = dispersion_modes(k, J, B0, rho, C.GeV, hall=True)
    from crescape.physics.dispersion import sigma_complement

    oms = sigma_complement(k * C.GeV / (C.e * B0))
    for name, eps, om in (("right", 1, oms), ("left", -1, np.conj(oms))):
        R = k**2 * vA2 - eps * k * kc * vA2 * om
        lhs = w[name] ** 2 * Om / (Om - eps * w[name])
        np.testing.assert_allclose(lhs, R, rtol=1e-9, atol=1e-12 * np.abs(R).max())
