"""Secondary electrons: losses, steady state, synchrotron kernel and emissivity."""

import numpy as np
import pytest
from scipy.special import kv

from crescape import constants as C
from crescape.physics import synchrotron as s


def _F_exact(x):
    """F(x) = x ∫_x^∞ K_{5/3}(t) dt by a dense log-grid integral."""
    t = np.exp(np.linspace(np.log(1e-7), np.log(80.0), 40001))
    k = kv(5.0 / 3.0, t) * t
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (k[1:] + k[:-1]) * np.diff(np.log(t)))])
    tail = cum[-1] - np.interp(np.log(x), np.log(t), cum)
    return x * tail


@pytest.mark.parametrize("x", [1e-3, 0.1, 1.0, 3.0])
def test_G_isotropic_against_pitch_angle_average(x):
    # G(x) = ∫_0^{π/2} sin²α F(x/sin α) dα (average of P ∝ sin α F over an isotropic α)
    a = np.linspace(1e-4, np.pi / 2, 4001)
    ref = np.trapezoid(np.sin(a) ** 2 * _F_exact(x / np.sin(a)), a)
    assert s.G_isotropic(x) == pytest.approx(ref, rel=0.01, abs=0)


def test_synchrotron_power_integrates_to_total():
    # ∫ P dν = (4/3) σ_T c γ² B²/8π for isotropic pitch angles
    B, E = 1e-6, 10 * C.GeV
    nu = np.exp(np.linspace(np.log(1e-8), np.log(60.0), 20001)) * s.critical_frequency(E, B)
    P = np.trapezoid(s.synchrotron_power(nu, E, B) * nu, np.log(nu))
    assert P == pytest.approx(s.energy_loss_rate(E, B, u_rad=0.0), rel=2e-3, abs=0)


def test_loss_rate_thomson():
    g = 1e5
    E = g * C.m_e_c2
    b = s.energy_loss_rate(E, 0.0)
    assert b == pytest.approx(4 / 3 * C.sigma_T * C.c * g**2 * C.u_cmb, rel=1e-12, abs=0)
    # CMB equivalent field 3.24 μG (B²/8π = u_CMB)
    B_cmb = np.sqrt(8 * np.pi * C.u_cmb)
    assert B_cmb == pytest.approx(3.24e-6, rel=0.01, abs=0)


def test_steady_state_power_law():
    # Q ∝ E^-2 up to E_top → N = E Q(E)(1 - E/E_top)/b(E)
    Q = lambda E: (E / C.GeV) ** -2.0  # noqa: E731
    E = np.array([1.0, 10.0, 100.0]) * C.GeV
    top = 1e3 * C.GeV
    N = s.steady_state(E, Q, 1e-8, top)
    ref = E * Q(E) * (1 - E / top) / s.energy_loss_rate(E, 1e-8)
    np.testing.assert_allclose(N, ref, rtol=1e-10)


@pytest.mark.parametrize("nu", [1.5e8, 1.4e9, 5e9])
def test_radio_emissivity_hand_estimate(nu):
    """For Q ∝ E^-2 in steady state, 4πν j_ν = ½ (u_B/(u_B + u_CMB)) E² Q(E) exactly:
    the synchrotron share of the injected power, per ln ν = 2 ln E."""
    B = 2e-8
    Q = lambda E: 1e-30 * (E / C.GeV) ** -2.0  # noqa: E731
    N = lambda E: s.steady_state(E, Q, B, 1e4 * C.TeV)  # noqa: E731
    j = s.emissivity(np.array([nu]), N, B, 0.01 * C.GeV, 1e3 * C.TeV)[0]
    uB = B**2 / (8 * np.pi)
    E = 50 * C.GeV
    hand = 0.5 * uB / (uB + C.u_cmb) * E**2 * Q(E)
    assert 4 * np.pi * nu * j == pytest.approx(hand, rel=0.01, abs=0)
