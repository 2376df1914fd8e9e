"""Tests of the Bell (2004) dispersion relation with the CR response (crescape.physics.dispersion)."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from scipy.integrate import quad

from crescape import constants as C
from crescape import formulary
from crescape.params import ParameterError
from crescape.physics import dispersion as D
from crescape.physics.instability import gamma_max_cold, gamma_max_paper, k_max_paper
from crescape.physics.saturation import B_sat_current

# A CGM-like reference point: J(>1 GeV) of the paper's Galaxy, delta_G = 1, B0 = 1e-10 G
J_REF = 3.627e-13  # statA cm^-2
RHO_REF = 4.136e-31  # g cm^-3
B_REF = 1e-10  # G
E_REF = C.GeV


# --- reference integrals by adaptive quadrature (independent of the closed forms) -----------


def K_quad(x: float) -> complex:
    """(3/4) ∫(1-μ²)/(1+xμ - i0) dμ: principal value by QUADPACK's Cauchy weight, plus iπ residue."""
    if x < 1.0:
        re = 0.75 * quad(lambda m: (1 - m * m) / (1 + x * m), -1, 1, epsabs=1e-14, epsrel=1e-13)[0]
        return complex(re, 0.0)
    if x == 1.0:
        re = 0.75 * quad(lambda m: 1 - m, -1, 1)[0]  # (1-μ²)/(1+μ) = 1-μ
        return complex(re, 0.0)
    re = (
        0.75
        * quad(
            lambda m: (1 - m * m) / x,
            -1,
            1,
            weight="cauchy",
            wvar=-1 / x,
            epsabs=1e-14,
            epsrel=1e-13,
        )[0]
    )
    im = 0.75 * np.pi * (1 - 1 / x**2) / x  # residue at μ = -1/x
    return complex(re, im)


def sigma_quad(x1: float, s: float, t_max: float = np.inf) -> complex:
    """σ = ∫ t^-s K(x1 t) dt / ∫ t^-s dt over [1, t_max], with K itself by quadrature."""

    def re_f(t):
        return t**-s * K_quad(x1 * t).real

    def im_f(t):
        return t**-s * K_quad(x1 * t).imag

    t_res = 1.0 / x1
    brk = [1.0] + ([t_res] if 1.0 < t_res < t_max else []) + [t_max]
    re = im = 0.0
    for a, b in zip(brk[:-1], brk[1:], strict=True):
        if np.isinf(b):
            mid = max(4.0 * a, 4.0 * t_res)
            re += quad(re_f, a, mid, limit=400, epsabs=0, epsrel=1e-11)[0]
            re += quad(re_f, mid, np.inf, limit=400, epsabs=0, epsrel=1e-11)[0]
            im += quad(im_f, a, mid, limit=400, epsabs=0, epsrel=1e-11)[0]
            im += quad(im_f, mid, np.inf, limit=400, epsabs=0, epsrel=1e-11)[0]
        else:
            re += quad(re_f, a, b, limit=400, epsabs=0, epsrel=1e-11)[0]
            im += quad(im_f, a, b, limit=400, epsabs=0, epsrel=1e-11)[0]
    norm = (1.0 - (t_max ** (1 - s) if np.isfinite(t_max) else 0.0)) / (s - 1)
    return complex(re / norm, im / norm)


# --- the cold limit without CR response (acceptance 1) --------------------------------------


def test_cold_limit_without_cr_response():
    k = np.logspace(-3, 1, 200) * k_max_paper(J_REF, B_REF)
    w = D.dispersion_modes(k, J_REF, B_REF, RHO_REF, E_REF, cr_response=False)
    kc = k_max_paper(J_REF, B_REF)
    vA2 = B_REF**2 / (4 * np.pi * RHO_REF)
    expected_R = k**2 * vA2 - k * kc * vA2
    expected_L = k**2 * vA2 + k * kc * vA2
    np.testing.assert_allclose((w["right"] ** 2).real, expected_R, rtol=1e-12)
    np.testing.assert_allclose((w["left"] ** 2).real, expected_L, rtol=1e-12)
    assert np.all(w["right"].imag >= 0) and np.all(w["left"].imag == 0)
    # purely growing inside the band, neutral outside
    inside = k < kc
    np.testing.assert_allclose(w["right"].imag[inside], np.sqrt(-expected_R[inside]), rtol=1e-12)
    assert np.all(w["right"].imag[~inside] == 0)


def test_cold_limit_maximum_is_half_kc_vA_at_half_kc():
    q = np.linspace(1e-4, 1.0, 100001)
    g = D.growth_curve(q, 1e15)  # k_c r_L → ∞: the CR response vanishes
    np.testing.assert_allclose(g, np.sqrt(q * (1 - q)), atol=1e-7)
    q_max, g_max = D.fastest_mode(1e15)
    assert q_max == pytest.approx(0.5, abs=1e-6)
    assert g_max == pytest.approx(0.5, abs=1e-9)
    # in physical units: the lead's cold γ_max and k_c/2
    res = D.fastest_growth(J_REF, B_REF, RHO_REF, 1e9 * E_REF)
    assert float(res["gamma_max"]) == pytest.approx(
        float(gamma_max_cold(J_REF, RHO_REF)), rel=1e-6, abs=0
    )
    assert float(res["k_fastest"]) == pytest.approx(
        0.5 * float(k_max_paper(J_REF, B_REF)), rel=1e-5, abs=0
    )


def test_paper_eqs_5_and_7_are_the_band_edge_and_twice_the_rate():
    res = D.fastest_growth(J_REF, B_REF, RHO_REF, E_REF)
    assert float(res["k_over_paper"]) == pytest.approx(0.5, abs=1e-3)
    assert float(res["gamma_over_paper"]) == pytest.approx(0.5, abs=1e-3)
    assert float(res["gamma_max"] / gamma_max_paper(J_REF, RHO_REF)) == pytest.approx(0.5, abs=1e-3)
    assert float(res["k_band_hi"] / res["k_c"]) == pytest.approx(1.0, abs=1e-3)


# --- σ: closed forms against quadrature (acceptance 2) --------------------------------------

X_VALUES = [
    1e-4,
    0.003,
    0.0999,
    0.1001,
    0.5,
    0.99,
    1.0,
    1.01,
    1.7,
    3.0,
    9.99,
    10.01,
    40.0,
    1e3,
    1e5,
]


@pytest.mark.parametrize("x", X_VALUES)
def test_sigma_mono_against_quadrature(x):
    assert abs(complex(D.sigma_mono(x)) - K_quad(x)) < 1e-10


@pytest.mark.parametrize("x1", [1e-3, 0.05, 0.3, 0.9, 1.2, 1.7, 5.0, 30.0, 1e3])
@pytest.mark.parametrize("t_max", [np.inf, 1e3])
def test_sigma_s2_closed_form_against_quadrature(x1, t_max):
    closed = complex(D.sigma_powerlaw(x1, 2.0, t_max))
    assert abs(closed - sigma_quad(x1, 2.0, t_max)) < 1e-6


@pytest.mark.parametrize("x1", [1e-3, 0.3, 1.2, 5.0, 100.0])
@pytest.mark.parametrize("s,t_max", [(2.2, np.inf), (2.7, 1e2), (1.5, 1e4), (3.5, np.inf)])
def test_sigma_other_slopes_against_quadrature(x1, s, t_max):
    assert abs(complex(D.sigma_powerlaw(x1, s, t_max)) - sigma_quad(x1, s, t_max)) < 1e-6


def test_sigma_limits():
    x = np.array([1e-6, 1e-4, 1e-3])
    # 1 - σ = x²/5 - i (3π/16) x + ... for s = 2: computed without cancellation
    om = D.sigma_complement(x, 2.0)
    np.testing.assert_allclose(om.real, x**2 / 5, rtol=1e-5)
    np.testing.assert_allclose(-om.imag, 3 * np.pi / 16 * x, rtol=1e-12)
    X = np.array([1e4, 1e6])
    sig = D.sigma_powerlaw(X, 2.0)
    np.testing.assert_allclose(sig.real, 1 / X**2, rtol=1e-6)
    np.testing.assert_allclose(sig.imag, 3 * np.pi / (8 * X), rtol=1e-6)
    # monoenergetic: K = 1 + x²/5 (small), 3/x² (large), Re K(1) = 3/2
    # K = 1 + x²/5 + 3x⁴/35 + ...: the x⁴ term is 8.6e-14 at x = 1e-3
    assert complex(D.sigma_mono(1e-3)).real == pytest.approx(
        1 + 1e-6 / 5 + 3e-12 / 35, rel=1e-14, abs=0
    )
    assert complex(D.sigma_mono(1e4)).real == pytest.approx(3e-8, rel=1e-7, abs=0)
    assert complex(D.sigma_mono(1.0)) == pytest.approx(1.5, rel=1e-6, abs=0)
    # σ is continuous at the series/closed-form switches
    for edge in (0.1, 10.0):
        a, b = D.sigma_powerlaw(edge * (1 - 1e-9), 2.0), D.sigma_powerlaw(edge * (1 + 1e-9), 2.0)
        assert abs(a - b) < 1e-8


def test_sigma_tends_to_mono_for_narrow_spectrum():
    # a power law squeezed into [p, 1.0001 p] is one momentum
    for x in (0.3, 2.0, 20.0):
        assert complex(D.sigma_powerlaw(x, 2.0, 1.0001)) == pytest.approx(
            complex(D.sigma_mono(x * 1.00005)), abs=2e-4
        )


# --- the growth maximum as a function of k_c r_L (acceptance 3) -----------------------------

#: (k_c r_L, k_fastest/k_c, γ_max/(k_c v_A)) for s = 2, p_max = ∞; computed with this module
#: and checked below against a brute-force grid. ζ → ∞ gives Bell's 1/2, 1/2; the departure
#: of γ_max from 1/2 falls as ζ^-2 (the leading σ correction at q = 1/2 is Re σ = 4/ζ², and
#: the O(1/ζ) resonant part only shifts Re ω); below ζ ≈ 10 the mode becomes Alfvénic
#: (Re ω ≈ Im ω) and moves to larger k r_L as the resonant part takes over.
GROWTH_TABLE = [
    (3.0, 0.66631, 0.45485),
    (5.0, 0.56928, 0.47944),
    (10.0, 0.51913, 0.49417),
    (30.0, 0.50221, 0.49932),
    (100.0, 0.50020, 0.499939),
    (1e3, 0.500002, 0.4999994),
]


@pytest.mark.parametrize("zeta,q_ref,g_ref", GROWTH_TABLE)
def test_growth_maximum_table(zeta, q_ref, g_ref):
    q, g = D.fastest_mode(zeta)
    assert float(q) == pytest.approx(q_ref, rel=2e-4, abs=0)
    assert float(g) == pytest.approx(g_ref, rel=2e-5, abs=0)
    # brute force: a dense grid in k/k_c (independent of the golden-section search)
    grid = np.linspace(0.3, 0.9, 60001)
    assert float(g) == pytest.approx(D.growth_curve(grid, zeta).max(), rel=1e-7, abs=0)


def test_growth_maximum_converges_as_inverse_square():
    z = np.array([1e3, 1e4])
    _, g = D.fastest_mode(z)
    c = (0.5 - g) * z**2
    assert c[0] == pytest.approx(c[1], rel=0.05, abs=0)


def test_fastest_mode_vectorised_matches_scalar():
    z = np.array([[3.0, 30.0], [300.0, 3e4]])
    q, g = D.fastest_mode(z)
    for idx in np.ndindex(z.shape):
        qs, gs = D.fastest_mode(z[idx])
        assert q[idx] == pytest.approx(float(qs), rel=1e-9, abs=0)
        assert g[idx] == pytest.approx(float(gs), rel=1e-12, abs=0)


# --- the threshold where the nonresonant branch vanishes (acceptance 4) ---------------------


def test_threshold_value_and_band_collapse():
    zc, xc = D.critical_kc_rL(2.0, return_x=True)
    assert zc == pytest.approx(2.4927, rel=1e-4, abs=0)
    assert xc == pytest.approx(1.6047, rel=1e-3, abs=0)
    # independent check: min over a dense grid of x/Re(1 - σ(x))
    x = np.linspace(1.0, 2.5, 300001)
    assert zc == pytest.approx((x / D.sigma_complement(x, 2.0).real).min(), rel=1e-9, abs=0)
    lo, hi = D.unstable_band(np.array([zc * 0.999, zc * 1.001, 10.0, 1e4]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    assert lo[1] < hi[1] and hi[1] - lo[1] < 0.05  # the band opens at q = x_c/ζ_c
    assert 0.5 * (lo[1] + hi[1]) == pytest.approx(xc / zc, rel=0.02, abs=0)
    # ζ ≫ 1: the band tends to Bell's (0, k_c) with q_lo ≈ 5/ζ²
    assert lo[3] == pytest.approx(5e-8, rel=1e-3, abs=0)
    assert hi[3] == pytest.approx(1.0, abs=1e-7)


def test_threshold_other_spectra():
    # the threshold depends on the spectrum; the monoenergetic one is higher (K > 1 for x < 1)
    assert D.critical_kc_rL(None) == pytest.approx(4.4088, rel=1e-4, abs=0)
    assert D.critical_kc_rL(2.2) > D.critical_kc_rL(2.0)
    # a finite p_max changes little for t_max ≫ 1
    assert D.critical_kc_rL(2.0, 1e6) == pytest.approx(D.critical_kc_rL(2.0), rel=1e-5, abs=0)


def _brute_threshold(slope, t_max, x_lo, n=60001):
    """min of x/Re(1 - σ) on a dense log grid (independent of the bracketing search)."""
    x = np.geomspace(x_lo, 1e3, n)
    re = D.sigma_complement(x, slope, t_max).real
    r = np.where(re > 0, x / np.where(re > 0, re, 1.0), np.inf)
    return r.min(), x[np.argmin(r)]


@pytest.mark.parametrize("s", [1.2, 1.5, 1.8, 2.5])
def test_small_x_complement_is_the_leading_term(s):
    """Re[1-σ] → (s-1) I(s) x^(s-1), I(s) = 3π tan(π(2-s)/2)/(2s(s+2)), for p_max = ∞."""
    x = np.array([1e-8, 1e-6])
    got = D.sigma_complement(x, s, np.inf).real
    lead = D.small_x_complement(x, s)
    # the next term, x²/(5(3-s)), is ~1e-3 of the leading one at s = 2.5, x = 1e-6
    np.testing.assert_allclose(got, lead, rtol=2e-3, atol=0)
    assert np.all(np.sign(lead) == np.sign(2.0 - s))
    # s = 2: the Mellin transform vanishes, and x²/5 leads
    assert D.small_x_complement(1e-3, 2.0) == pytest.approx(0.0, abs=1e-15)
    assert D.sigma_complement(1e-3, 2.0).real == pytest.approx(1e-6 / 5, rel=1e-4, abs=0)


@pytest.mark.parametrize("s", [1.2, 1.5, 1.9, 1.99])
def test_threshold_vanishes_below_slope_two_for_infinite_pmax(s):
    """For s < 2 and p_max = ∞ x/Re[1-σ] ∝ x^(2-s) → 0: no threshold (ζ_c = 0, x_c = 0)."""
    assert D.critical_kc_rL(s, return_x=True) == (0.0, 0.0)
    # the ratio keeps falling towards small x (the old search stopped at x = 1e-2)
    x = np.array([1e-4, 1e-6, 1e-8])
    r = x / D.sigma_complement(x, s).real
    assert np.all(r > 0) and np.all(np.diff(r) < 0)
    lo, hi = D.unstable_band(np.array([0.05, 10.0]), s)
    if s <= 1.9:  # for s = 1.99, ζ = 0.05 the long-wave band lies below x = 1e-100
        np.testing.assert_array_equal(lo, 0.0)
        assert np.all(hi > 0)
        # its upper end from the leading term: x*^(2-s) = ζ (s-1) I(s)
        x_star = (0.05 * D.small_x_complement(1.0, s)) ** (1 / (2 - s))
        assert hi[0] * 0.05 == pytest.approx(x_star, rel=0.05, abs=0)
    # the field at which the branch would vanish is infinite
    assert np.isinf(D.saturation_field(J_REF, C.GeV, s))


@pytest.mark.parametrize(
    "s, t_max, zc_ref, xc_ref",
    [
        # minimum near x ~ 1/t_max: k ~ 1/r_L(p_max)
        (1.5, 1e6, 0.019808, 1.967e-5),
        (1.5, 1e3, 0.60670, 1.971e-2),
        (1.2, 1e6, 7.3163e-4, 1.206e-5),
        # s = 1.9, t_max = 1e6: the x ≈ 1.54 minimum is the global one
        (1.9, 1e6, 2.39734, 1.5376),
        (2.0, np.inf, 2.49270, 1.6047),
        (2.5, np.inf, 2.85172, 1.8527),
    ],
)
def test_threshold_is_the_global_minimum(s, t_max, zc_ref, xc_ref):
    zc, xc = D.critical_kc_rL(s, t_max, return_x=True)
    x_lo = 1e-3 / t_max if np.isfinite(t_max) else 1e-3
    brute, xb = _brute_threshold(s, t_max, x_lo)
    # the search is at or below every grid value and within its resolution of the minimum
    assert zc <= brute * (1 + 1e-12)
    assert zc == pytest.approx(brute, rel=1e-6, abs=0)
    assert zc == pytest.approx(zc_ref, rel=2e-4, abs=0)
    if xc_ref is not None:
        assert xc == pytest.approx(xc_ref, rel=2e-3, abs=0)
    # and the band opens there
    lo, hi = D.unstable_band(np.array([zc * 0.99, zc * 1.01]), s, t_max)
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    assert lo[1] <= xc / zc <= hi[1]


def test_threshold_finite_pmax_scaling_below_slope_two():
    """s < 2, finite t_max: ζ_c ∝ t_max^-(2-s) once t_max ≫ 1."""
    z3, z6 = D.critical_kc_rL(1.5, 1e3), D.critical_kc_rL(1.5, 1e6)
    assert np.log(z3 / z6) / np.log(1e3) == pytest.approx(0.5, rel=0.02, abs=0)


def test_threshold_bad_t_max():
    with pytest.raises(ParameterError, match="t_max = 1 is not allowed"):
        D.critical_kc_rL(2.0, 1.0)
    with pytest.raises(ParameterError, match="t_max = 0.5 is not allowed"):
        D.critical_kc_rL(2.0, [10.0, 0.5])


@pytest.mark.parametrize("s", [None, 1.5, 2.0, 2.5])
def test_threshold_on_an_array_of_t_max_is_the_scalar_one(s):
    """One vectorised search: each element equals the scalar call (repeated values, ∞, shape)."""
    t = np.array([[1.5, 1e3, np.inf], [1e6, 1e3, 30.0]])
    zc, xc = D.critical_kc_rL(s, t, return_x=True)
    assert zc.shape == xc.shape == t.shape
    for i in np.ndindex(t.shape):
        z1, x1 = D.critical_kc_rL(s, float(t[i]), return_x=True)
        assert zc[i] == pytest.approx(z1, rel=1e-13, abs=0)
        assert xc[i] == pytest.approx(x1, rel=1e-6, abs=0)


def test_saturation_field_is_eq8_over_sqrt_threshold():
    E = np.array([1.0, 10.0, 1e3]) * C.GeV
    J = J_REF / np.array([1.0, 10.0, 1e3])  # J ∝ 1/E for s = 2
    B = D.saturation_field(J, E)
    np.testing.assert_allclose(B, B_sat_current(E, J) / np.sqrt(D.critical_kc_rL(2.0)), rtol=1e-12)
    np.testing.assert_allclose(B, B[0], rtol=1e-12)  # scale invariant for s = 2
    # at that field k_c r_L = ζ_c
    kc = k_max_paper(J, B)
    np.testing.assert_allclose(kc * E / (C.e * B), D.critical_kc_rL(2.0), rtol=1e-12)


@pytest.mark.parametrize("s", [1.5, 2.0])
def test_saturation_field_has_a_threshold_per_element(s):
    """E_max/E differs between the elements: each gets its own ζ_c (the first one's was used)."""
    E = np.array([1.0, 1e3, 1e5]) * C.GeV
    J = J_REF / np.array([1.0, 10.0, 1e3])
    E_max = 1e6 * C.GeV
    B = D.saturation_field(J, E, s, E_max)
    kc = k_max_paper(J, B)
    zc = [D.critical_kc_rL(s, float(E_max / e)) for e in E]
    np.testing.assert_allclose(kc * E / (C.e * B), zc, rtol=1e-12, atol=0)
    assert len(set(np.round(zc, 6))) == 3


# --- polarisations, Hall term, units ---------------------------------------------------------


def test_polarisations_resonant_growth_of_forward_waves():
    # k r_L ~ 3, k ≫ k_c: both forward Alfvén waves grow at k_c v_A Im σ/2 (resonant streaming)
    zeta = 1e-3
    q = 3.0 / zeta
    w_R = D._solve_modes(q, 1.0, 1.0, D.sigma_complement(q * zeta))
    sig = complex(D.sigma_powerlaw(q * zeta))
    for mode in ("right", "left"):
        assert complex(w_R[mode]).real > 0
        assert complex(w_R[mode]).imag == pytest.approx(sig.imag / 2, rel=1e-3, abs=0)


def test_hall_limits_growth_to_ion_cyclotron_frequency():
    B0, rho = 1e-10, 1e-27
    Om = C.e * B0 / (C.m_p * C.c)
    for J in (1e-12, 1e-10, 1e-8):
        kc = float(k_max_paper(J, B0))
        k = np.logspace(-6, 1, 20001) * kc
        g = D.dispersion_modes(k, J, B0, rho, E_REF, cr_response=False, hall=True)["right"].imag
        g_cold = float(gamma_max_cold(J, rho))
        assert g.max() <= min(g_cold, Om) * (1 + 1e-9)
        if g_cold > 10 * Om:
            assert g.max() == pytest.approx(Om, rel=1e-3, abs=0)


def test_quantity_api_and_lite_twin():
    """The Quantity twin lives in crescape.formulary (the physics module is unit-free)."""
    k = np.logspace(-2, 0, 5) * k_max_paper(J_REF, B_REF) / u.cm
    w = formulary.cold_dispersion(
        k, J_REF * u.statA / u.cm**2, B_REF * u.G, RHO_REF * u.g / u.cm**3, 1 * u.GeV
    )
    assert set(w) == {"left", "right"}
    assert w["right"].unit == u.rad / u.s
    assert formulary.cold_dispersion.lite is D.dispersion_modes
    lite = formulary.cold_dispersion.lite(k.value, J_REF, B_REF, RHO_REF, E_REF)
    np.testing.assert_allclose(w["right"].value, lite["right"], rtol=1e-12, atol=0)
    # SI inputs give the same numbers (1 A = c/10 statA)
    J_si = J_REF / (C.c / 10.0) * 1e4 * u.A / u.m**2
    w2 = formulary.cold_dispersion(
        k.to(1 / u.m),
        J_si,
        (B_REF * u.G).to(u.T),
        (RHO_REF * u.g / u.cm**3).to(u.kg / u.m**3),
        (1 * u.GeV).to(u.J),
    )
    np.testing.assert_allclose(w2["right"].value, lite["right"], rtol=1e-9, atol=0)
    # plain numbers in the documented units (E in GeV); E_max = None is no cutoff
    w3 = formulary.cold_dispersion(k.value, J_REF, B_REF, RHO_REF, 1.0, E_max=None)
    np.testing.assert_allclose(w3["right"].value, lite["right"], rtol=1e-12, atol=0)
    assert not hasattr(D, "cold_dispersion") and not hasattr(D, "modes_from_quantities")


def test_broadcasting_k_by_parameter_grid():
    k = np.logspace(-16, -12, 50)[:, None]
    B0 = np.logspace(-12, -8, 30)[None, :]
    w = D.dispersion_modes(k, J_REF, B0, RHO_REF, E_REF)
    assert w["right"].shape == (50, 30)
    for j in (0, 17, 29):
        col = D.dispersion_modes(k[:, 0], J_REF, B0[0, j], RHO_REF, E_REF)["right"]
        np.testing.assert_array_equal(w["right"][:, j], col)


# --- bad input (acceptance 6) ----------------------------------------------------------------

BAD = [
    (dict(rho=-1e-30), "rho"),
    (dict(rho=0.0), "rho"),
    (dict(B0=0.0), "B0"),
    (dict(B0=np.nan), "B0"),
    (dict(J=-1.0), "J"),
    (dict(k=0.0), "k"),
    (dict(E=-1.0), "E"),
    (dict(T=-5.0), "T"),
    (dict(slope=1.0), "slope"),
    (dict(E_max=0.5 * C.GeV), "E_max"),
]


@pytest.mark.parametrize("change,name", BAD)
def test_bad_input_raises_named_error(change, name):
    args = dict(k=1e-15, J=J_REF, B0=B_REF, rho=RHO_REF, E=E_REF)
    args.update(change)
    with pytest.raises(ParameterError, match=name) as info:
        D.dispersion_modes(**args)
    assert "allowed" in str(info.value)


def test_bad_quantity_unit():
    with pytest.raises(ParameterError, match="B0"):
        formulary.cold_dispersion(1 / u.cm, 1e-12, 1 * u.m, 1e-27, 1 * u.GeV)
    with pytest.raises(ParameterError, match="rho"):
        formulary.cold_dispersion(1 / u.cm, 1e-12, 1e-10 * u.G, -1e-27 * u.g / u.cm**3, 1 * u.GeV)
    with pytest.raises(ParameterError, match="J"):
        formulary.cold_dispersion(1 / u.cm, 1 * u.A, 1e-10 * u.G, 1e-27, 1 * u.GeV)
