"""Tests of the field-growth operator: exponential growth for a frozen current, caps, closures."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.physics import dispersion, instability, saturation
from crescape.simulate.field import FieldGrowth

# the paper's Milky Way at the halo boundary, E_J = 1 GeV (Eq. 3: E²φ = L/(2πR_d²Λ))
RHO = 0.022 * 1.88e-29
E_J = C.GeV
E2PHI = 1e41 / (2 * np.pi * (10 * C.kpc) ** 2 * np.log(1e6))
J = C.e * E2PHI / E_J  # J = eEφ
B0 = 1e-10


@pytest.mark.parametrize("rate", ["dispersion", "cold", "paper"])
def test_exponential_growth_at_the_dispersion_rate_for_frozen_current(rate):
    """Far below the cap, δB(t) = δB(0) exp(γ t) with γ of the dispersion relation (or Eq. 7, or γ/2)."""
    f = FieldGrowth(B0, criteria=("larmor",), rate=rate)
    dB = np.array([1e-4 * B0])
    gam = f.growth_rate(J, RHO, E_J, np.hypot(B0, dB))
    if rate == "dispersion":
        ref = dispersion.fastest_growth(J, B0, RHO, E_J)["gamma_max"]
        assert gam[0] == pytest.approx(float(ref), rel=2e-3, abs=0)
    elif rate == "cold":
        assert gam[0] == pytest.approx(instability.gamma_max_cold(J, RHO), rel=1e-12, abs=0)
    else:
        assert gam[0] == pytest.approx(instability.gamma_max_paper(J, RHO), rel=1e-12, abs=0)
    # γ ≈ 2 yr^-1 (Eq. 7 for δ_G = 1, E = 1 GeV); integrate 3 e-folds in many small steps and in one
    t = 3.0 / gam[0]
    x = dB.copy()
    for _ in range(100):
        x, _ = f.grow(x, gam, np.array([1.0]), t / 100)
    one, _ = f.grow(dB, gam, np.array([1.0]), t)
    assert x[0] == pytest.approx(dB[0] * np.exp(3.0), rel=1e-12, abs=0)
    assert one[0] == pytest.approx(x[0], rel=1e-12, abs=0)


def test_eq7_normalisation():
    """Eq. (7): γ_max ≈ 2 yr^-1 for δ_G = 1, E = 1 GeV, L_41 = R_10 = 1 (paper convention)."""
    f = FieldGrowth(B0, rate="paper")
    assert f.growth_rate(J, RHO, E_J, B0) * C.yr == pytest.approx(2.0, rel=0.6, abs=0)


def test_threshold_eq4_no_growth_above_B_sat():
    """Eq. (4)/(6): no growth when B0 exceeds ~2e-8 G (B_sat); growth below it."""
    Bs = saturation.B_sat(E2PHI)
    for rate in ("cold", "dispersion"):
        zc = FieldGrowth(1e-10, rate=rate).zeta_c
        hi = FieldGrowth(1.01 * Bs / np.sqrt(zc), rate=rate)
        lo = FieldGrowth(0.99 * Bs / np.sqrt(zc), rate=rate)
        assert hi.growth_rate(J, RHO, E_J, hi.B0) == 0.0
        assert lo.growth_rate(J, RHO, E_J, lo.B0) > 0.0


def test_larmor_cap_is_eq8():
    """The Larmor cap is Eq. (8) divided by √ζ_c (dispersion) or Eq. (8) itself (cold)."""
    cold = FieldGrowth(B0, criteria=("larmor",), rate="cold")
    disp = FieldGrowth(B0, criteria=("larmor",), rate="dispersion")
    bs = saturation.B_sat(E2PHI)
    assert cold.caps(J, RHO, E_J, 1.0, 1.0)["larmor"] == pytest.approx(bs, rel=1e-12, abs=0)
    assert disp.caps(J, RHO, E_J, 1.0, 1.0)["larmor"] == pytest.approx(
        dispersion.saturation_field(J, E_J), rel=1e-12, abs=0
    )
    # and the growth rate vanishes there
    B_L = disp.caps(J, RHO, E_J, 1.0, 1.0)["larmor"]
    assert disp.growth_rate(J, RHO, E_J, 1.0001 * B_L) == 0.0


def test_alfven_and_energy_flux_caps():
    f = FieldGrowth(B0, criteria=("larmor", "alfven", "energy_flux"))
    vd = 1e7
    N = J / (C.e * vd)
    FE = 1e-6
    caps = f.caps(J, RHO, E_J, N, FE)
    assert caps["alfven"] / np.sqrt(4 * np.pi * RHO) == pytest.approx(vd, rel=1e-12, abs=0)
    # (B²/4π) ṽ_A = F_E
    B = caps["energy_flux"]
    assert B**2 / (4 * np.pi) * B / np.sqrt(4 * np.pi * RHO) == pytest.approx(FE, rel=1e-12, abs=0)
    cap, i = f.cap(np.array([J]), RHO, E_J, np.array([N]), np.array([FE]))
    assert cap[0] == min(caps.values())
    assert f.criteria[i[0]] == min(caps, key=caps.get)


def test_exponential_and_instantaneous_closures_agree_after_saturation():
    """Exponential integrator with cap and instantaneous saturation agree once t ≫ ln(B_cap/δB0)/γ."""
    dB0 = np.full(5, 1e-3 * B0)
    Jv = J * np.array([0.5, 1, 2, 4, 8])
    ex = FieldGrowth(B0, closure="exponential")
    ins = FieldGrowth(B0, closure="instantaneous")
    cap, _ = ex.cap(Jv, RHO, E_J, 1.0, 1.0)
    gam = ex.growth_rate(Jv, RHO, E_J, np.hypot(B0, dB0))
    a, _ = ex.grow(dB0, gam, cap, 1e-3 / gam.min())  # far too short: exponential still growing
    b, _ = ins.grow(dB0, gam, cap, 1e-3 / gam.min())
    assert np.all(a < b)
    t = 40.0 / gam.min()
    a, dW = ex.grow(dB0, gam, cap, t)
    b, _ = ins.grow(dB0, gam, cap, t)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(B0, a), cap, rtol=1e-12)
    np.testing.assert_allclose(dW, (a**2 - dB0**2) / (8 * np.pi))
    # growth in many small steps, the rate re-evaluated each step (Larmor: rate → 0 at the cap) converges to the cap
    x = dB0.copy()
    for _ in range(200):
        g = ex.growth_rate(Jv, RHO, E_J, np.hypot(B0, x))
        x, _ = ex.grow(x, g, cap, t / 200)
    np.testing.assert_allclose(np.hypot(B0, x), cap, rtol=1e-3)


def test_no_decay_above_cap():
    f = FieldGrowth(B0)
    dB = np.array([1e-6])
    new, dW = f.grow(dB, np.array([1.0]), np.array([1e-8]), 10.0)
    assert new[0] == dB[0] and dW[0] == 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"criteria": ()}, "criteria"),
        ({"criteria": ("bohm",)}, "criteria"),
        ({"rate": "hot"}, "rate"),
        ({"closure": "implicit"}, "closure"),
        ({"B0": 0.0}, "B0"),
    ],
)
def test_bad_input(kwargs, match):
    kw = {"B0": 1e-10}
    kw.update(kwargs)
    with pytest.raises(ValueError, match=match):
        FieldGrowth(**kw)


def test_resonant_branch_below_the_threshold_from_the_same_dispersion_relation():
    """branch = "full": above ζ_c the nonresonant rate is unchanged; below it the growth is the
    fastest root of the same relation (either polarisation), γ ~ k_c v_A for v_d ≫ v_A (the
    classic resonant rate Ω_i (n_CR/n_i)(v_d/v_A), which equals k_c v_A)."""
    Bs = saturation.B_sat(E2PHI)
    nr = FieldGrowth(1e-10, rate="dispersion")
    full = FieldGrowth(1e-10, rate="dispersion", branch="full")
    # well above threshold: identical
    assert full.growth_rate(J, RHO, E_J, 1e-10) == nr.growth_rate(J, RHO, E_J, 1e-10)
    # above the nonresonant threshold in B0: the default does not grow, the full branch does
    B_hi = 3.0 * Bs / np.sqrt(nr.zeta_c)
    nr_hi = FieldGrowth(B_hi, rate="dispersion", criteria=("alfven",))
    full_hi = FieldGrowth(B_hi, rate="dispersion", criteria=("alfven",), branch="full")
    assert nr_hi.growth_rate(J, RHO, E_J, B_hi) == 0.0
    g = full_hi.growth_rate(J, RHO, E_J, B_hi)[()]
    zeta = full_hi.zeta(J, E_J, B_hi)
    q = np.geomspace(1e-6, 1e4, 20001)
    ref = dispersion.growth_curve(q, zeta, 2.0, np.inf, mode="max").max()
    assert g / instability.gamma_max_paper(J, RHO) == pytest.approx(ref, rel=2e-2, abs=0)
    assert 0.1 < ref < 0.6
    with pytest.raises(ValueError, match="branch"):
        FieldGrowth(1e-10, rate="cold", branch="full")
