"""The CGM source: CR density (Eq. 15), target density, geometry and line-of-sight integrals."""

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import ParameterError, Parameters
from crescape.physics import cgm_source as cs
from crescape.physics.emission import geometric_factor_paper
from crescape.physics.escape import escape_flux


def test_effective_path_observer_at_centre():
    Rd = 10 * C.kpc
    # no outer halo: L = R_d exactly
    g = cs.HaloGeometry(Rd, Rd, 1e-9 * C.kpc)
    assert cs.effective_path_length(g) == pytest.approx(Rd, rel=1e-9, abs=0)
    # r^-2 to R_out: L = R_d + R_d²(1/R_d - 1/R_out) = 2R_d - R_d²/R_out;
    # for R_out → ∞ this is 2R_d, the paper's R_d/(2π) = L/(4π) of Eq. (16)
    Ro = 1e4 * Rd
    g = cs.HaloGeometry(Rd, Ro, 1e-9 * C.kpc)
    assert cs.effective_path_length(g) == pytest.approx(2 * Rd - Rd**2 / Ro, rel=1e-6, abs=0)
    assert cs.effective_path_length(g) / (4 * np.pi) == pytest.approx(
        geometric_factor_paper(Rd), rel=1e-3, abs=0
    )


def test_effective_path_sun_uniform_sphere():
    # uniform sphere of radius R seen from a point at distance a from its centre:
    # the sky-averaged path is ∫ dμ/2 of the exit distance a μ + √(R² - a²(1 - μ²))
    R, a = 10 * C.kpc, 8.178 * C.kpc
    g = cs.HaloGeometry(R, R, a)
    mu = np.linspace(-1, 1, 200001)
    ref = np.trapezoid(a * mu + np.sqrt(R**2 - a**2 * (1 - mu**2)), mu) / 2
    assert cs.effective_path_length(g) == pytest.approx(ref, rel=1e-6, abs=0)


def test_effective_path_default_geometry_vs_paper():
    g = cs.HaloGeometry(10 * C.kpc)
    ratio = cs.effective_path_length(g) / (2 * 10 * C.kpc)
    assert ratio == pytest.approx(0.868, abs=0.005)


def test_sun_outside_inner_region_converges():
    g = cs.HaloGeometry(5 * C.kpc, 50 * C.kpc)
    a = cs.effective_path_length(g, 48)
    b = cs.effective_path_length(g, 192)
    assert a == pytest.approx(b, rel=1e-4, abs=0)


def test_absorbed_intensity_limits():
    g = cs.HaloGeometry(10 * C.kpc)
    q = np.array([1.0, 1.0])
    I0 = cs.sky_averaged_intensity(q, g)
    I = cs.sky_averaged_intensity(q, g, kappa=np.array([0.0, 1.0 / C.kpc]))
    assert I[0] == pytest.approx(I0[0], rel=1e-12, abs=0)
    # strong absorption: only the nearest ~1 kpc contributes, I → q λ/(4π)
    assert I[1] == pytest.approx(C.kpc / (4 * np.pi), rel=0.02, abs=0)


def test_cr_density_eq15():
    p = Parameters.from_flat({"delta_G": 100}).cgs
    rho = p.delta_G * p.Omega_b_h2 * p.rho_cr_h2
    E = np.array([10.0, 1e4]) * C.GeV
    n = cs.cr_density(E, p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff, rho)
    v = cs.advection_speed(p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff, rho)
    np.testing.assert_allclose(
        n * v, escape_flux(E, p.L_CR, p.R_d, p.slope, p.E_min, p.E_max), rtol=1e-12
    )
    # ṽ_A ≈ 10 km/s at δ_G = 100 (paper: 10-100 km/s), ∝ δ_G^-1/2
    assert v / 1e5 == pytest.approx(9.9, rel=0.05, abs=0)
    v1 = cs.advection_speed(p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff, rho / 100)
    assert v1 / v == pytest.approx(10.0, rel=1e-12, abs=0)


def test_target_density():
    n = cs.target_density(100, 0.022, 1.88e-29)
    assert n == pytest.approx(100 * 0.022 * 1.88e-29 / C.m_p, rel=1e-6, abs=0)
    assert cs.target_density(100, 0.022, 1.88e-29, 0.76, "hydrogen") == pytest.approx(
        0.76 * n, rel=1e-6, abs=0
    )
    with pytest.raises(ParameterError, match="target"):
        cs.target_density(1, 0.022, 1.88e-29, convention="x")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"R_d": -1.0}, "R_d"),
        ({"R_d": 10 * C.kpc, "R_out": 5 * C.kpc}, "R_out"),
        ({"R_d": 1 * C.kpc, "R_out": 5 * C.kpc, "R_sun": 8 * C.kpc}, "R_sun"),
    ],
)
def test_bad_geometry(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        cs.HaloGeometry(**kwargs)


def test_column_sed_below_the_full_spectra_raises_a_parameter_error():
    z = np.array([1.0, 2.0]) * C.kpc
    E = np.array([1.0, 10.0]) * C.TeV
    with pytest.raises(ParameterError, match="^E_nu min = 1 GeV is not allowed"):
        cs.column_neutrino_sed(z, E, np.ones((2, 2)), np.ones(2), [C.GeV], 10 * C.kpc)


def test_a_geometry_too_large_for_float64_is_refused():
    """R_out² must stay finite in the line-of-sight nodes (an R_d of 4e131 kpc overflowed)."""
    with pytest.raises(ParameterError, match="R_out = .* kpc is not allowed: must be below"):
        cs.HaloGeometry(4.3e131 * C.kpc)
    cs.HaloGeometry(1e6 * C.kpc)  # a Gpc-scale halo is still fine
