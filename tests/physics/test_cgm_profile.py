"""CGM profiles against the published fit and the hydrostatic equation; the public parameter objects."""

import astropy.units as u
import numpy as np
import pytest
from astropy.table import Table

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.halo import CGMProfile, HaloPotential
from crescape.params import CGM
from crescape.physics.instability import mean_molecular_weight
from crescape.physics.potential import M_SUN, G

#: δ_G = m_p n/(Ω_b ρ_cr) of the Miller & Bregman (2015, ApJ 800, 14) O VIII fit,
#: n = 1.35e-2 (r/kpc)^-1.5 cm^-3: 1700, 600 and 150 at 10, 20 and 50 kpc
MB_DELTA_G = [(10.0, 1700.0), (20.0, 600.0), (50.0, 150.0)]


@pytest.mark.parametrize(("r_kpc", "delta_G"), MB_DELTA_G)
def test_miller_bregman_overdensity(r_kpc, delta_G):
    mb = CGMProfile(kind="miller_bregman")
    assert float(mb.delta_G(r_kpc * u.kpc)) == pytest.approx(delta_G, rel=0.03, abs=0)


@pytest.mark.parametrize("r_kpc", [10.0, 50.0])
def test_miller_bregman_density_is_their_fit(r_kpc):
    """n = n0 r_c^{3β} r^{-3β}, n0 r_c^{3β} = 1.35e-2 cm^-3 kpc^{3β}, β = 0.50 (their abstract)."""
    n = CGMProfile(kind="miller_bregman").number_density(r_kpc * u.kpc)
    assert n.to_value(u.cm**-3) == pytest.approx(1.35e-2 * r_kpc**-1.5, rel=1e-12, abs=0)
    # the same β-model given by hand, and with a core radius far inside
    b = CGMProfile(kind="beta", n0_rc3b=1.35e-2, beta=0.5, r_c=0.01 * u.kpc)
    assert b.number_density(r_kpc * u.kpc).to_value(u.cm**-3) == pytest.approx(
        1.35e-2 * r_kpc**-1.5, rel=1e-5, abs=0
    )


def test_uniform_is_the_papers_cgm():
    cgm = CGM(delta_G=100)
    p = CGMProfile(cgm=cgm)
    rho = 100 * float(cgm.cgs.Omega_b_h2) * float(cgm.cgs.rho_cr_h2)
    r = [5, 50, 500] * u.kpc
    np.testing.assert_allclose(p.density(r).to_value(u.g / u.cm**3), rho, rtol=1e-14, atol=0)
    np.testing.assert_allclose(p.delta_G(r).value, 100.0, rtol=1e-14, atol=0)


def test_hydrostatic_profile_is_the_analytic_isothermal_atmosphere():
    T = 2e6
    pot = HaloPotential()
    p = CGMProfile(kind="hydrostatic", n_ref=1e-3, r_ref=10 * u.kpc, T=T * u.K, potential=pot)
    r = np.array([5.0, 10.0, 30.0, 100.0, 250.0])
    cs2 = C.k_B * T / (mean_molecular_weight(0.76) * C.m_p)
    phi = pot.phi(0 * u.kpc, r * u.kpc).to_value(u.cm**2 / u.s**2)
    phi_ref = pot.phi(0 * u.kpc, 10 * u.kpc).to_value(u.cm**2 / u.s**2)
    exact = 1e-3 * np.exp(-(phi - phi_ref) / cs2)
    np.testing.assert_allclose(p.number_density(r * u.kpc).value, exact, rtol=1e-12, atol=0)


def test_hydrostatic_profile_solves_the_hydrostatic_equation():
    """dP/dz = −ρ dΦ/dz along the axis, by finite differences of P = ρ k T/(μ m_p)."""
    p = CGMProfile(kind="hydrostatic", n_ref=1e-3, r_ref=10 * u.kpc, T=1.5e6 * u.K)
    z = np.array([8.0, 40.0, 150.0]) * C.kpc
    h = 1e-3 * C.kpc
    P = lambda x: p.rho_cgs(x) * p.theta(x)  # noqa: E731
    dPdz = (P(z + h) - P(z - h)) / (2 * h)
    g = p.potential.cgs.g_axis(z)
    np.testing.assert_allclose(dPdz, p.rho_cgs(z) * g, rtol=1e-6, atol=0)


def test_polytropic_profile_solves_the_hydrostatic_equation():
    """P ∝ ρ^Γ with dP/dz = −ρ dΦ/dz along the axis; T = T_ref at r_ref."""
    p = CGMProfile(kind="polytropic", n_ref=1e-3, r_ref=10 * u.kpc, T=3e6 * u.K, Gamma=1.2)
    z = np.array([8.0, 10.0, 40.0, 150.0]) * C.kpc
    h = 1e-3 * C.kpc
    P = lambda x: p.rho_cgs(x) * p.theta(x)  # noqa: E731
    dPdz = (P(z + h) - P(z - h)) / (2 * h)
    np.testing.assert_allclose(dPdz, p.rho_cgs(z) * p.potential.cgs.g_axis(z), rtol=1e-6, atol=0)
    np.testing.assert_allclose(
        P(z) / p.rho_cgs(z) ** 1.2, P(z[0]) / p.rho_cgs(z[0]) ** 1.2, rtol=1e-12
    )
    assert p.temperature(10 * u.kpc).value == pytest.approx(3e6, rel=1e-14, abs=0)
    # an isentropic atmosphere of 1e6 K ends below 200 kpc in MWPotential2014
    top = CGMProfile(kind="polytropic", n_ref=1e-3, r_ref=10 * u.kpc, T=1e6 * u.K)
    with pytest.raises(ParameterError, match="below the top of the polytropic atmosphere"):
        top.number_density(200 * u.kpc)


def test_table_profile(tmp_path):
    r = np.array([5.0, 20.0, 80.0, 300.0])
    t = Table({"r": r * u.kpc, "n": 1e-2 * r**-1.2 / u.cm**3, "T": 1e6 * (r / 5) ** 0.1 * u.K})
    t.meta["citation"] = "test table"
    f = tmp_path / "profile.ecsv"
    t.write(f, format="ascii.ecsv")
    p = CGMProfile(kind="table", table=f)
    x = np.array([5.0, 11.0, 150.0, 300.0])
    np.testing.assert_allclose(p.number_density(x * u.kpc).value, 1e-2 * x**-1.2, rtol=1e-12)
    np.testing.assert_allclose(p.temperature(x * u.kpc).value, 1e6 * (x / 5) ** 0.1, rtol=1e-12)
    with pytest.raises(ParameterError, match="r = 400 kpc is not allowed: must be within"):
        p.number_density(400 * u.kpc)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "nfw"}, "kind = 'nfw' is not allowed: must be one of"),
        ({"kind": "beta", "beta": -1}, "beta = -1 is not allowed"),
        ({"kind": "beta", "n0_rc3b": 0}, "n0_rc3b = 0 is not allowed"),
        ({"kind": "hydrostatic", "n_ref": 1e-3}, "r_ref = None are not allowed"),
        ({"kind": "hydrostatic", "n_ref": -1, "r_ref": 10}, "n_ref = -1 1 / cm3 is not allowed"),
        ({"T": 0}, "T = 0 K is not allowed"),
        ({"kind": "polytropic", "Gamma": 1.0, "n_ref": 1, "r_ref": 1}, "Gamma = 1 is not allowed"),
        ({"kind": "table"}, "table = None is not allowed"),
        ({"kind": "table", "table": "/nonexistent.ecsv"}, "not a readable ECSV file"),
    ],
)
def test_bad_profiles(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        CGMProfile(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"halo_M_vir": 1e12}, "must be given both or neither"),
        ({"halo_r_s": -3}, "halo_r_s = -3 kpc is not allowed"),
        ({"bulge": "hernquist"}, "must both be given"),
        ({"bulge": "sersic"}, "bulge = 'sersic' is not allowed"),
        ({"disk_M": -1}, "disk_M = -1 solMass is not allowed"),
    ],
)
def test_bad_potentials(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        HaloPotential(**kwargs)


def test_bad_radius():
    with pytest.raises(ParameterError, match="R = -1 kpc is not allowed"):
        HaloPotential().v_circ(-1 * u.kpc)


def test_potential_options():
    """The parameter object reproduces MWPotential2014, and its halo options act."""
    hp = HaloPotential()
    assert hp.v_circ(8 * u.kpc).to_value(u.km / u.s) == pytest.approx(220.0, rel=1e-12, abs=0)
    # a bare NFW of 1e12 M_sun, c = 10: v_c(r_vir) = √(G M_vir/r_vir)
    halo = HaloPotential(halo_M_vir=1e12, halo_c=10, disk_M=0, bulge="none")
    assert len(halo.cgs.components) == 1
    nfw = halo.cgs.components[0]
    r_vir = 10 * nfw.r_s
    v = halo.v_circ(r_vir * u.cm).to_value(u.cm / u.s)
    assert v == pytest.approx(np.sqrt(G * 1e12 * M_SUN / r_vir), rel=1e-10, abs=0)
    hq = HaloPotential(bulge="hernquist", bulge_M=5e9, bulge_a=0.6)
    assert type(hq.cgs.components[-1]).__name__ == "Hernquist"
