"""An external galaxy's CGM seen from Earth: point-source flux and extended surface brightness."""

import astropy.units as u
import numpy as np
import pytest

from crescape.observer import ExternalGalaxy, emitting_volume, projected_column
from crescape.params import ParameterError, Parameters
from crescape.spectra import CGMEmission

KPC = u.kpc.to(u.cm)
E = [0.1, 1.0, 10.0, 100.0] * u.TeV


@pytest.fixture(scope="module")
def emission():
    return CGMEmission(Parameters.from_flat({"delta_G": 100}))


@pytest.mark.parametrize("species", ["nu_all", "gamma_unabsorbed"])
@pytest.mark.parametrize("d_Mpc", [0.78, 3.5])
def test_point_source_flux_is_L_over_4pi_d2(emission, species, d_Mpc):
    """F = L/(4πd²), L = q₀ V with V = (4π/3)R_d³ + 4πR_d²(R_out - R_d) for f = 1, (R_d/r)²."""
    g = ExternalGalaxy(emission, distance=d_Mpc * u.Mpc)
    R_d, R_out = emission.geometry.R_d, emission.geometry.R_out
    V = 4 * np.pi / 3 * R_d**3 + 4 * np.pi * R_d**2 * (R_out - R_d)
    parts = ("nu_e", "nu_mu") if species == "nu_all" else ("gamma",)
    q0 = sum(emission.emissivity(E, s).to_value("1 / (GeV cm3 s)") for s in parts)
    L = q0 * V
    d = (d_Mpc * u.Mpc).to_value(u.cm)
    np.testing.assert_allclose(
        g.luminosity(E, species).to_value("1 / (GeV s)"), L, rtol=1e-12, atol=0
    )
    point = L / (4 * np.pi * d**2)
    np.testing.assert_allclose(
        g.point_source_flux(E, species).to_value("1 / (GeV cm2 s)"), point, rtol=1e-12, atol=0
    )
    # the exact flux differs from it by the finite-distance factor, 1 + O(R_out²/d²)
    G = g.finite_distance_factor
    assert 1.0 < G < 1.0 + (R_out / d) ** 2
    np.testing.assert_allclose(
        g.flux(E, species).to_value("1 / (GeV cm2 s)"), G * point, rtol=1e-12, atol=0
    )


def test_finite_distance_factor_against_a_direct_integral():
    """F = ∫ q dV/(4π|x - x_obs|²) by a 2-D quadrature over (r, cos θ), for halos from
    far away to nearly touching the observer (the LMC: R_out = 46.6 kpc at 49.6 kpc)."""
    from scipy.integrate import dblquad

    from crescape.observer import finite_distance_factor

    for R_d, R_out, d in ((10.0, 100.0, 3500.0), (5.3, 53.0, 784.0), (4.66, 46.6, 49.59),
                          (10.0, 10.0, 12.0)):  # fmt: skip
        f = lambda r, R_d=R_d: 1.0 if r <= R_d else (R_d / r) ** 2  # noqa: E731
        num = dblquad(
            lambda mu, r, f=f, d=d: f(r) * r * r * 0.5 / (r * r + d * d - 2 * r * d * mu),
            0, R_out, -1, 1, epsabs=0, epsrel=1e-11,
        )[0]  # fmt: skip
        V = R_d**3 / 3 + R_d**2 * (R_out - R_d)  # ∫ f r² dr
        want = num / V * d * d
        got = finite_distance_factor(R_d * KPC, R_out * KPC, d * KPC)
        assert got == pytest.approx(want, rel=1e-9, abs=0), (R_d, R_out, d)
    # far away it tends to 1; it is larger than 1 at any finite distance
    far = finite_distance_factor(10 * KPC, 100 * KPC, 1e6 * KPC)
    assert 0 < far - 1 < 1e-8
    with pytest.raises(ParameterError, match="R_d, R_out, d = .* are not allowed"):
        finite_distance_factor(10 * KPC, 100 * KPC, 50 * KPC)


def test_small_angle_surface_brightness_warns_near_the_observer(emission):
    from crescape.errors import ValidityWarning

    near = ExternalGalaxy(emission, distance=0.15 * u.Mpc)  # R_out/d = 0.67
    with pytest.warns(ValidityWarning, match="small-angle surface brightness"):
        near.surface_brightness(E, 0.01 * u.rad)


@pytest.mark.parametrize("species", ["nu_all", "nu_mu", "gamma"])
def test_surface_brightness_integrates_to_the_flux(emission, species):
    """∫ I(θ) 2πθ dθ over the halo equals the point-source flux L/(4πd²) (small-angle geometry)."""
    g = ExternalGalaxy(emission, distance=3.5 * u.Mpc)
    th_d = emission.geometry.R_d / g.distance.to_value(u.cm)
    th_out = g.angular_radius.to_value(u.rad)
    # Gauss-Legendre on each side of the kink at R_d
    x, w = np.polynomial.legendre.leggauss(200)
    total = 0.0
    for a, b in ((0.0, th_d), (th_d, th_out)):
        th = 0.5 * (b - a) * x + 0.5 * (b + a)
        I = g.surface_brightness(E, th * u.rad, species).to_value("1 / (GeV cm2 s sr)")
        total = total + np.sum((0.5 * (b - a) * w * 2 * np.pi * th)[:, None] * I, axis=0)
    F = g.point_source_flux(E, species).to_value("1 / (GeV cm2 s)")
    np.testing.assert_allclose(total, F, rtol=1e-7, atol=0)
    # nothing beyond the halo's edge
    assert np.all(g.surface_brightness(E, 1.0001 * th_out * u.rad, species).value == 0)


def test_projected_column_closed_form_against_quadrature():
    from scipy.integrate import quad

    R_d, R_out = 10.0, 100.0
    f = lambda r: 1.0 if r <= R_d else ((R_d / r) ** 2 if r <= R_out else 0.0)  # noqa: E731
    for b in (0.0, 1e-9, 3.0, 9.99, 10.0, 10.01, 42.0, 99.0):
        smax = np.sqrt(max(R_out**2 - b**2, 0.0))
        num = (
            2
            * quad(
                lambda s: f(np.hypot(b, s)),
                0,
                smax,
                points=[np.sqrt(max(R_d**2 - b**2, 0))],
                limit=200,
                epsabs=0,
            )[0]
        )
        assert projected_column(b, R_d, R_out) == pytest.approx(num, rel=1e-9, abs=0)
    assert emitting_volume(R_d, R_out) == pytest.approx(
        quad(
            lambda b: projected_column(b, R_d, R_out) * 2 * np.pi * b,
            0,
            R_out,
            points=[R_d],
            limit=200,
        )[0],
        rel=1e-9,
        abs=0,
    )


def test_flux_scales_as_inverse_square_and_gamma_is_attenuated_on_the_cmb(emission):
    from crescape.physics.gamma_absorption import absorption_coefficient

    near = ExternalGalaxy(emission, distance=1 * u.Mpc)
    far = ExternalGalaxy(emission, distance=2 * u.Mpc)
    ratio = near.point_source_flux(E, "nu_all") / far.point_source_flux(E, "nu_all")
    np.testing.assert_allclose(ratio.to_value(""), 4.0, rtol=1e-12, atol=0)
    exact = near.flux(E, "nu_all") / far.flux(E, "nu_all")
    G = near.finite_distance_factor / far.finite_distance_factor
    np.testing.assert_allclose(exact.to_value(""), 4.0 * G, rtol=1e-12, atol=0)
    Ev = E.to_value(u.erg)
    tau = absorption_coefficient(Ev) * (2 * u.Mpc).to_value(u.cm)
    att = far.flux(E, "gamma") / far.flux(E, "gamma_unabsorbed")
    np.testing.assert_allclose(att.to_value(""), np.exp(-tau), rtol=1e-12, atol=0)
    assert 0.9 < att[-1] < 1  # 100 TeV: CMB nearly transparent over 2 Mpc
    pev = far.flux(500 * u.TeV, "gamma") / far.flux(500 * u.TeV, "gamma_unabsorbed")
    assert pev < 1e-20  # 500 TeV: mean free path 20 kpc on the CMB, absorbed


def test_angular_sizes(emission):
    g = ExternalGalaxy(emission, distance=3.5 * u.Mpc)
    assert g.angular_radius.to_value(u.rad) == pytest.approx(
        100 * KPC / (3.5e3 * KPC), rel=1e-12, abs=0
    )
    assert g.angular_radius_inner.to_value(u.rad) == pytest.approx(10 / 3.5e3, rel=1e-12, abs=0)
    assert g.distance.to_value(u.Mpc) == pytest.approx(3.5, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"distance": 50}, r"distance = 50 kpc is not allowed: must be > R_out = 100 kpc"),
        ({"distance": -1}, r"distance = -1 is not allowed"),
        ({"distance": "3.5 Mpc", "sigma_model": "x"}, r"sigma_model"),
    ],
)
def test_bad_distance(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        ExternalGalaxy(**kwargs)


def test_bad_species_and_theta(emission):
    g = ExternalGalaxy(emission, distance="3.5 Mpc")
    with pytest.raises(ParameterError, match="species = 'e'"):
        g.flux(E, "e")
    with pytest.raises(ParameterError, match="theta = "):
        g.surface_brightness(E, -1 * u.deg)
