"""γγ absorption on the CMB."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.physics import gamma_absorption as ga


def test_cross_section_limits():
    assert ga.sigma_gg(0.99) == 0.0
    # maximum ≈ 0.256 σ_T near s̃ ≈ 1.97 (Gould & Schréder 1967)
    s = np.linspace(1.01, 5, 4000)
    sig = ga.sigma_gg(s)
    assert sig.max() / C.sigma_T == pytest.approx(0.256, abs=0.003)
    assert s[np.argmax(sig)] == pytest.approx(1.97, abs=0.05)
    # high-energy limit σ → (3σ_T/8s̃)(ln 4s̃ - 1)
    big = 1e8
    assert ga.sigma_gg(big) == pytest.approx(
        3 * C.sigma_T / (8 * big) * (np.log(4 * big) - 1), rel=1e-6, abs=0
    )
    # near threshold [(3 - β⁴) ln((1+β)/(1-β)) - 2β(2 - β²)] → 2β, so σ → (3/8) σ_T β
    b = 1e-3
    assert ga.sigma_gg(1 / (1 - b**2)) / (C.sigma_T * b) == pytest.approx(3 / 8, rel=1e-3, abs=0)


def _kappa_bruteforce(E):
    # direct double integral over ε and cos θ of n(ε) (1 - cos θ)/2 σ_γγ
    kT = C.k_B * C.T_cmb
    eps = np.exp(np.linspace(np.log(1e-3 * kT), np.log(40 * kT), 1500))
    mu = np.linspace(-1, 1, 2001)
    n = 8 * np.pi / (C.h_planck * C.c) ** 3 * eps**2 / np.expm1(eps / kT)
    s = E * eps[:, None] * (1 - mu[None, :]) / (2 * C.m_e_c2**2)
    inner = np.trapezoid((1 - mu) / 2 * ga.sigma_gg(s), mu, axis=1)
    return np.trapezoid(n * inner * eps, np.log(eps))


@pytest.mark.parametrize("E_PeV", [0.3, 2.0, 30.0])
def test_absorption_against_double_integral(E_PeV):
    E = E_PeV * C.PeV
    assert ga.absorption_coefficient(np.array([E]))[0] == pytest.approx(
        _kappa_bruteforce(E), rel=3e-3, abs=0
    )


def test_mean_free_path_minimum():
    # minimum λ ≈ 7.1 kpc at E ≈ 2.2 PeV for T = 2.7255 K
    E = np.logspace(np.log10(0.3), np.log10(30), 300) * C.PeV
    lam = 1 / ga.absorption_coefficient(E)
    i = np.argmin(lam)
    assert lam[i] / C.kpc == pytest.approx(7.1, rel=0.03, abs=0)
    assert 1.5 < E[i] / C.PeV < 3.0


def test_transparent_below_threshold_and_scaling_with_T():
    assert ga.absorption_coefficient(np.array([1.0 * C.TeV]))[0] * 100 * C.kpc < 1e-6
    # blackbody scaling: κ(E; aT) = a³ κ(aE; T)
    E = np.array([0.5, 1.0, 3.0]) * C.PeV
    np.testing.assert_allclose(
        ga.absorption_coefficient(E, 2 * C.T_cmb), 8 * ga.absorption_coefficient(2 * E), rtol=2e-3
    )


def test_attenuation():
    E = np.array([2.0 * C.PeV])
    a = ga.attenuation(E, 20 * C.kpc)
    assert 0.05 < a[0] < 0.15
