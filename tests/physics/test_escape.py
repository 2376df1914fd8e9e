"""Eqs. (1)-(3): normalisation for any slope, flux conservation, the current."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from crescape import constants as C
from crescape.physics import escape
from crescape.physics.spectrum import energy_norm, integral_shape

E_MIN, E_MAX = C.GeV, 1e6 * C.GeV


def test_lambda_is_ln_ratio_for_slope_two():
    assert energy_norm(2.0, E_MIN, E_MAX) == pytest.approx(np.log(1e6), rel=1e-12, abs=0)


@pytest.mark.parametrize("slope", [1.5, 1.9, 1.99999999, 2.0, 2.00000001, 2.2, 2.7, 3.5])
@pytest.mark.parametrize("cutoff", ["sharp", "exponential"])
def test_injected_luminosity_is_L(slope, cutoff):
    """∫ E Q(E) dE = L_CR for any slope and cutoff (Eq. 3's normalisation)."""
    L = 1e41
    top = E_MAX * (60 if cutoff == "exponential" else 1)
    f = lambda lnE: (
        np.exp(lnE) ** 2 * escape.injection_rate(np.exp(lnE), L, slope, E_MIN, E_MAX, cutoff)
    )
    val, _ = integrate.quad(f, np.log(E_MIN), np.log(top), limit=400, epsabs=0, epsrel=1e-10)
    assert val == pytest.approx(L, rel=1e-7, abs=0)


@pytest.mark.parametrize("slope", [1.7, 2.0, 2.4])
@pytest.mark.parametrize("cutoff", ["sharp", "exponential"])
def test_current_is_integral_of_flux(slope, cutoff):
    """J(>E) = e ∫_E φ dE' (exact current) against quadrature."""
    E = np.array([1.0, 30.0, 1e4]) * C.GeV
    args = (1e41, 10 * C.kpc, slope, E_MIN, E_MAX, cutoff)
    J = escape.current_above(E, *args)
    top = E_MAX * (60 if cutoff == "exponential" else 1)
    for Ei, Ji in zip(E, J, strict=True):
        f = lambda lnE: np.exp(lnE) * escape.escape_flux(np.exp(lnE), *args)
        val, _ = integrate.quad(f, np.log(Ei), np.log(top), limit=400, epsrel=1e-10)
        assert Ji == pytest.approx(C.e * val, rel=1e-7, abs=0)


def test_current_paper_vs_exact_for_slope_two():
    """For s = 2: J = eEφ (1 - E/E_max) exactly."""
    E = np.array([1.0, 1e3, 5e5]) * C.GeV
    args = (1e41, 10 * C.kpc, 2.0, E_MIN, E_MAX)
    ratio = escape.current_above(E, *args) / escape.current_paper(E, *args)
    np.testing.assert_allclose(ratio, 1 - E / E_MAX, rtol=1e-10)


def test_current_is_zero_above_sharp_cutoff():
    assert escape.current_above(2 * E_MAX, 1e41, 10 * C.kpc, 2.0, E_MIN, E_MAX) == 0.0


@settings(max_examples=50, deadline=None)
@given(
    D=st.floats(1e26, 1e30),
    H=st.floats(0.5, 20.0),
    slope=st.floats(1.5, 3.0),
    logE=st.floats(0.0, 5.9),
)
def test_escape_flux_is_D_n_gal_over_H(D, H, slope, logE):
    """Eq. (3): the escaping flux D n_gal/H is the injected spectrum, whatever D and H."""
    E = 10**logE * C.GeV
    H = H * C.kpc
    R = 10 * C.kpc
    n = escape.n_gal(E, 1e41, R, H, D, slope, E_MIN, E_MAX)
    phi = escape.escape_flux(E, 1e41, R, slope, E_MIN, E_MAX)
    assert D * n / H == pytest.approx(phi, rel=1e-12, abs=0)


def test_halo_profile_eq2():
    z = np.array([0.0, 2.0, 4.0, 6.0]) * C.kpc
    args = (C.GeV, 1e41, 10 * C.kpc, 4 * C.kpc, 3e28, 2.0, E_MIN, E_MAX)
    n = escape.n_halo(z, *args)
    np.testing.assert_allclose(n / n[0], [1.0, 0.5, 0.0, 0.0])


def test_energy_flux_is_flat_for_slope_two():
    """E²φ = L/(2πR²Λ) ≈ 1.21e-6 erg cm^-2 s^-1 at the paper's parameters."""
    E = np.logspace(0, 5, 6) * C.GeV
    val = escape.escape_energy_flux(E, 1e41, 10 * C.kpc, 2.0, E_MIN, E_MAX)
    expected = 1e41 / (2 * np.pi * (10 * C.kpc) ** 2 * np.log(1e6))
    np.testing.assert_allclose(val, expected, rtol=1e-12)
    assert expected == pytest.approx(1.21e-6, rel=2e-3, abs=0)


def test_integral_shape_at_and_above_cutoff():
    assert integral_shape(E_MAX, 2.0, E_MIN, E_MAX) == 0.0
    assert integral_shape(0.5 * E_MIN, 2.0, E_MIN, E_MAX) == pytest.approx(
        integral_shape(E_MIN, 2.0, E_MIN, E_MAX), rel=1e-6, abs=0
    )
