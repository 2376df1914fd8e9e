"""Gravitational potentials against the published Milky Way model and against their own densities."""

import numpy as np
import pytest
from scipy.integrate import quad

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.physics import potential as P

KPC, KMS = C.kpc, C.km_s

#: (quantity, value at R = 8 kpc, source)
PUBLISHED = [
    ("v_circ", 220.0, "Bovy (2015), ApJS 216, 29, §3.5: v_c(R0 = 8 kpc) = 220 km/s"),
    ("v_esc", 512.96, "galpy documentation (Bovy): vesc(MWPotential2014, R0) x 220 km/s"),
]


@pytest.mark.parametrize(("what", "value", "source"), PUBLISHED)
def test_mw2014_at_8_kpc_against_the_published_values(what, value, source):
    pot = P.mw2014()
    got = getattr(pot, what)(8.0 * KPC) / KMS
    assert got == pytest.approx(value, rel=0.02, abs=0), source
    # the model reproduces them closely, not only within 2%
    assert got == pytest.approx(value, rel=1e-3, abs=0), source


def test_mw2014_disk_mass_is_bovys():
    """Bovy (2015), Table 1: Miyamoto–Nagai disk of 6.8e10 M_sun."""
    disk = P.mw2014().components[1]
    assert disk.M / P.M_SUN == pytest.approx(6.8e10, rel=0.01, abs=0)


def test_force_fractions_at_R0():
    """Bulge, disk and halo supply 0.05, 0.6, 0.35 of the radial force at R0 (Bovy 2015, §3.5)."""
    pot = P.mw2014()
    R0, v0 = P.MW2014["R0"], P.MW2014["v0"]
    got = [c.gradient(R0, 0.0)[0] / (v0**2 / R0) for c in pot.components]
    np.testing.assert_allclose(got, [0.35, 0.6, 0.05], rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    "comp",
    [
        P.NFW(1e-24, 16 * KPC),
        P.MiyamotoNagai(6.8e10 * P.M_SUN, 3 * KPC, 0.28 * KPC),
        P.Hernquist(5e9 * P.M_SUN, 0.6 * KPC),
        P.PowerCutoff(4.5e9 * P.M_SUN, 1.8, 1.9 * KPC),
    ],
    ids=["nfw", "mn", "hernquist", "power_cutoff"],
)
def test_gradient_is_the_derivative_of_the_potential(comp):
    R, z, h = 5.0 * KPC, 3.0 * KPC, 1e-4 * KPC
    gR, gz = comp.gradient(R, z)
    assert (comp.phi(R + h, z) - comp.phi(R - h, z)) / (2 * h) == pytest.approx(gR, rel=1e-7, abs=0)
    assert (comp.phi(R, z + h) - comp.phi(R, z - h)) / (2 * h) == pytest.approx(gz, rel=1e-7, abs=0)


_Q = {"epsabs": 0.0, "epsrel": 1e-12, "limit": 500}


def _poisson_potential(rho, r):
    """Φ(r) = −G[M(<r)/r + 4π∫_r^∞ ρ r' dr'] by quadrature (Binney & Tremaine 2008, ch. 2)."""
    x = r / KPC  # integrate in kpc
    M = quad(lambda s: 4 * np.pi * s**2 * rho(s * KPC), 0, x, **_Q)[0] * KPC**3
    outer = quad(lambda s: 4 * np.pi * s * rho(s * KPC), x, np.inf, **_Q)[0] * KPC**2
    return -P.G * (M / r + outer)


@pytest.mark.parametrize("r_kpc", [0.5, 8.0, 60.0])
def test_spherical_potentials_solve_poisson(r_kpc):
    """Each spherical potential is the one of its density (NFW 1997, Hernquist 1990 Eq. 2,
    Bovy 2015's power law with Gaussian cut-off normalised to its total mass)."""
    r = r_kpc * KPC
    rho_s, r_s = 1e-24, 16 * KPC
    nfw = lambda s: rho_s / ((s / r_s) * (1 + s / r_s) ** 2)  # noqa: E731
    M, a = 5e9 * P.M_SUN, 0.6 * KPC
    hq = lambda s: M * a / (2 * np.pi * s * (s + a) ** 3)  # noqa: E731
    al, rc = 1.8, 1.9 * KPC
    x_c = rc / KPC
    norm = quad(lambda s: 4 * np.pi * s ** (2 - al) * np.exp(-((s / x_c) ** 2)), 0, np.inf, **_Q)[0]
    pc = lambda s: M / (norm * KPC**3) * (s / KPC) ** -al * np.exp(-((s / rc) ** 2))  # noqa: E731
    for phi, rho in (
        (P.nfw_potential(r, rho_s, r_s), nfw),
        (P.hernquist_potential(r, M, a), hq),
        (P.power_cutoff_potential(r, M, al, rc), pc),
    ):
        assert phi == pytest.approx(_poisson_potential(rho, r), rel=1e-9, abs=0)


def test_nfw_from_virial_mass_encloses_it():
    rho_crit = 9.2e-30
    rho_s, r_s = P.nfw_rho_s(1e12 * P.M_SUN, 10.0, rho_crit)
    r_vir = 10.0 * r_s
    M = P.nfw_enclosed_mass(r_vir, rho_s, r_s)
    assert M / P.M_SUN == pytest.approx(1e12, rel=1e-12, abs=0)
    assert M / (4 / 3 * np.pi * r_vir**3) == pytest.approx(200 * rho_crit, rel=1e-12, abs=0)


def test_axis_potential_and_acceleration():
    pot = P.mw2014()
    z = np.array([4.0, 20.0, 100.0]) * KPC
    h = 1e-4 * KPC
    g = pot.g_axis(z)
    assert np.all(g < 0)
    np.testing.assert_allclose(g, -(pot.phi_axis(z + h) - pot.phi_axis(z - h)) / (2 * h), rtol=1e-7)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: P.NFW(-1.0, KPC), "halo_rho_s = -1 is not allowed"),
        (lambda: P.NFW(1e-24, 0.0), "halo_r_s = 0 is not allowed"),
        (lambda: P.MiyamotoNagai(1e44, KPC, float("nan")), "disk_b = nan is not allowed"),
        (lambda: P.Hernquist(0.0, KPC), "bulge_M = 0 is not allowed"),
        (lambda: P.PowerCutoff(1e43, 2.5, KPC), "bulge_alpha = 2.5 is not allowed"),
    ],
)
def test_bad_components(make, match):
    with pytest.raises(ParameterError, match=match):
        make()
