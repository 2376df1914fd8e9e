"""The broken power law of the source spectrum (crescape.physics.spectrum, E_break / slope_high)."""

import math

import numpy as np
import pytest
from scipy import integrate

from crescape import constants as C
from crescape.physics import escape
from crescape.physics.spectrum import energy_norm, integral_shape, spectral_shape

GeV = C.GeV
E_MIN, E_MAX = 1.0 * GeV, 1e6 * GeV

#: (slope, slope_high, E_break [GeV], cutoff)
CASES = [
    (2.0, 2.5, 1e5, "sharp"),
    (2.2, 2.0, 3e3, "sharp"),
    (2.5, 3.5, 1e2, "sharp"),
    (1.5, 2.0, 1e4, "sharp"),
    (2.0, 2.5, 1e5, "exponential"),
    (2.3, 2.9, 3e4, "exponential"),
]


def _quad(f, a, b, points=()):
    """∫_a^b f dE by adaptive quadrature in ln E, split at ``points``."""
    edges = [a, *sorted(p for p in points if a < p < b), b]
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        val, _err = integrate.quad(
            lambda x: f(math.exp(x)) * math.exp(x),
            math.log(lo),
            math.log(hi),
            epsabs=0,
            epsrel=1e-13,
            limit=400,
        )
        total += val
    return total


def _top(cutoff):
    return E_MAX if cutoff == "sharp" else 60.0 * E_MAX


@pytest.mark.parametrize("s, s2, Eb, cutoff", CASES)
def test_energy_norm_against_quadrature(s, s2, Eb, cutoff):
    Eb = Eb * GeV
    exact = _quad(
        lambda E: E * float(spectral_shape(E, s, E_MIN, E_MAX, cutoff, Eb, s2)),
        E_MIN,
        _top(cutoff),
        (Eb, E_MAX),
    )
    got = float(energy_norm(s, E_MIN, E_MAX, cutoff, Eb, s2))
    assert got == pytest.approx(exact, rel=1e-10, abs=0)


@pytest.mark.parametrize("s, s2, Eb, cutoff", CASES)
@pytest.mark.parametrize("E_GeV", [0.5, 3.0, 2e3, 1e5, 4e5])
def test_number_above_E_against_quadrature(s, s2, Eb, cutoff, E_GeV):
    Eb, E = Eb * GeV, E_GeV * GeV
    lo = max(E, E_MIN)
    exact = _quad(
        lambda x: float(spectral_shape(x, s, E_MIN, E_MAX, cutoff, Eb, s2)),
        lo,
        _top(cutoff),
        (Eb, E_MAX),
    )
    got = float(integral_shape(E, s, E_MIN, E_MAX, cutoff, Eb, s2))
    assert got == pytest.approx(exact, rel=1e-10, abs=0)


@pytest.mark.parametrize("s, s2, Eb, cutoff", CASES)
def test_current_above_is_e_times_the_flux_integral(s, s2, Eb, cutoff):
    Eb = Eb * GeV
    L, R = 1e41, 10 * C.kpc
    args = (L, R, s, E_MIN, E_MAX, cutoff, Eb, s2)
    for E in (2.0 * GeV, 0.5 * Eb, 2.0 * Eb):
        phi_int = _quad(lambda x: float(escape.escape_flux(x, *args)), E, _top(cutoff), (Eb, E_MAX))
        J = float(escape.current_above(E, *args))
        assert J == pytest.approx(C.e * phi_int, rel=1e-10, abs=0)


@pytest.mark.parametrize("s, s2, Eb, cutoff", CASES)
def test_continuous_at_the_break(s, s2, Eb, cutoff):
    Eb = Eb * GeV
    below = float(spectral_shape(Eb * (1 - 1e-12), s, E_MIN, E_MAX, cutoff, Eb, s2))
    at = float(spectral_shape(Eb, s, E_MIN, E_MAX, cutoff, Eb, s2))
    assert at == pytest.approx(below, rel=1e-10, abs=0)
    # and the index changes there: the local logarithmic slopes are -s and -s2
    h = 1e-4
    f = lambda E: float(spectral_shape(E, s, E_MIN, E_MAX, "sharp", Eb, s2))  # noqa: E731
    lo = math.log(f(Eb * (1 - h)) / f(Eb * (1 - 2 * h))) / math.log((1 - h) / (1 - 2 * h))
    hi = math.log(f(Eb * (1 + 2 * h)) / f(Eb * (1 + h))) / math.log((1 + 2 * h) / (1 + h))
    assert lo == pytest.approx(-s, rel=1e-6, abs=0)
    assert hi == pytest.approx(-s2, rel=1e-6, abs=0)


@pytest.mark.parametrize("cutoff", ["sharp", "exponential"])
@pytest.mark.parametrize("s", [1.7, 2.0, 2.4])
def test_equal_slopes_are_the_single_power_law(cutoff, s):
    E = np.geomspace(0.3, 3e6, 41) * GeV
    Eb = 1e4 * GeV
    np.testing.assert_allclose(
        spectral_shape(E, s, E_MIN, E_MAX, cutoff, Eb, s),
        spectral_shape(E, s, E_MIN, E_MAX, cutoff),
        rtol=1e-13,
        atol=0,
    )
    assert float(energy_norm(s, E_MIN, E_MAX, cutoff, Eb, s)) == pytest.approx(
        float(energy_norm(s, E_MIN, E_MAX, cutoff)), rel=1e-12, abs=0
    )
    np.testing.assert_allclose(
        integral_shape(E, s, E_MIN, E_MAX, cutoff, Eb, s),
        integral_shape(E, s, E_MIN, E_MAX, cutoff),
        rtol=1e-11,
        atol=0,
    )


def test_infinite_break_is_the_single_power_law_bit_for_bit():
    E = np.geomspace(0.3, 3e6, 41) * GeV
    for cutoff in ("sharp", "exponential"):
        for f, args in (
            (spectral_shape, (E, 2.3, E_MIN, E_MAX, cutoff)),
            (energy_norm, (2.3, E_MIN, E_MAX, cutoff)),
            (integral_shape, (E, 2.3, E_MIN, E_MAX, cutoff)),
        ):
            a = f(*args)
            b = f(*args, np.inf, 2.9)
            assert np.array_equal(a, b)


def test_arrays_mix_broken_and_unbroken_elements():
    """A sweep over E_break may hold inf (no break) beside finite breaks: each element is its own."""
    Eb = np.array([np.inf, 1e4 * GeV, 1e5 * GeV])
    s2 = np.array([2.7, 2.7, 3.0])
    got = energy_norm(2.0, E_MIN, E_MAX, "sharp", Eb, s2)
    want = [float(energy_norm(2.0, E_MIN, E_MAX, "sharp"))] + [
        float(energy_norm(2.0, E_MIN, E_MAX, "sharp", b, t))
        for b, t in zip(Eb[1:], s2[1:], strict=True)
    ]
    np.testing.assert_array_equal(got, want)
    assert got[0] == math.log(1e6)


def test_sharp_norm_closed_form():
    """Λ = ln(E_b/E_min) + E_b^(s2-2) (E_b^(2-s2) - E_max^(2-s2))/(s2-2) for s = 2."""
    s2, Eb = 2.5, 1e5 * GeV
    want = math.log(Eb / E_MIN) + Eb ** (s2 - 2) * (Eb ** (2 - s2) - E_MAX ** (2 - s2)) / (s2 - 2)
    assert float(energy_norm(2.0, E_MIN, E_MAX, "sharp", Eb, s2)) == pytest.approx(
        want, rel=1e-13, abs=0
    )
