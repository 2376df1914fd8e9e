"""The halo-mass weights at each redshift and the conversion between halo-mass definitions."""

import math

import astropy.units as u
import numpy as np
import pytest
from astropy.cosmology import Planck18
from scipy.integrate import quad
from scipy.optimize import brentq

from crescape import constants as C
from crescape import massfunction as MF
from crescape import population as P
from crescape.errors import ParameterError

# F of CosmicPopulation(mass_function="tinker2008") at z = 0 before the redshift dependence
# and the mass conversion (β = 0.6, 32 nodes): the number the weighting gave with the
# Tinker et al. (2008) mass function evaluated directly
OLD_F_TINKER = 1.9873747329064566


def _mu(x):
    return math.log1p(x) - x / (1.0 + x)


def _old_weights(beta, n=32, z=0.0):
    """The weights written out with the direct σ(M, z) and no mass conversion."""
    x, wq = np.polynomial.legendre.leggauss(n)
    a, b = (math.log(v) for v in MF.HALO_RANGE)
    Mh = np.exp(0.5 * (b - a) * x + 0.5 * (b + a))
    w = (
        wq
        * MF.halo_mass_function(Mh, z=z).value
        * (MF.moster13_stellar_mass(Mh, z) / 6.08e10) ** beta
    )
    return Mh, w / w.sum()


def test_z0_unconverted_weights_are_the_old_ones():
    Ms, w, r = MF.halo_cr_luminosity_weights(0.6, 32, mass_definition="200m")
    Mh, w_old = _old_weights(0.6)
    np.testing.assert_allclose(w, w_old, rtol=1e-6)
    np.testing.assert_allclose(Ms, MF.moster13_stellar_mass(Mh), rtol=1e-12)
    pop = P.CosmicPopulation(
        10,
        mass_function="tinker2008",
        mass_evolution=False,
        moster_mass_definition="200m",
        luminosity_normalisation="milky_way",
    )
    assert pop.mass_factor == pytest.approx(OLD_F_TINKER, rel=1e-6, abs=0)
    # without the evolution F is one number and the background is F × that of Milky-Way copies
    np.testing.assert_array_equal(pop.mass_factor_at([0.0, 1.0, 5.0]), pop.mass_factor)
    E = [100] * u.TeV
    ratio = pop.intensity(E, "nu_mu")[0] / P.CosmicPopulation(10).intensity(E, "nu_mu")[0]
    assert float(ratio) == pytest.approx(pop.mass_factor, rel=1e-10, abs=0)


def test_evolving_F_at_z0_is_the_z0_factor():
    pop = P.CosmicPopulation(
        10,
        mass_function="tinker2008",
        moster_mass_definition="200m",
        luminosity_normalisation="milky_way",
    )
    assert float(pop.mass_factor_at(0.0)) == pytest.approx(OLD_F_TINKER, rel=1e-6, abs=0)
    assert float(pop.mass_factor_at(0.0)) == pytest.approx(pop.mass_factor, rel=1e-12, abs=0)


def test_weights_sum_to_one_at_every_redshift():
    z, _ = P._z_nodes(6.0, 96)
    Ms, w, r = MF.halo_cr_luminosity_weights(0.6, 32, z=z)
    assert Ms.shape == w.shape == r.shape == (96, 32)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(w > 0)
    # the array form is the scalar form row by row
    for i in (0, 40, 95):
        Ms_i, w_i, _ = MF.halo_cr_luminosity_weights(0.6, 32, z=float(z[i]))
        np.testing.assert_allclose(w[i], w_i, rtol=1e-9)
        np.testing.assert_allclose(Ms[i], Ms_i, rtol=1e-9)


def test_fewer_massive_halos_at_z2_so_the_low_mass_share_grows():
    # the Tinker et al. (2008) mass function at z = 2 has fewer massive halos
    M = np.geomspace(1e13, 1e15, 40)
    n0 = np.trapezoid(MF.halo_mass_function(M, 0.0).value, np.log10(M))
    n2 = np.trapezoid(MF.halo_mass_function(M, 2.0).value, np.log10(M))
    assert n2 < 0.2 * n0
    Mh, _ = _old_weights(0.0)
    low = Mh < 1e12
    for beta in (0.0, 0.6):
        w0 = MF.halo_cr_luminosity_weights(beta, 32, z=0.0)[1]
        w2 = MF.halo_cr_luminosity_weights(beta, 32, z=2.0)[1]
        assert w2[low].sum() > w0[low].sum() + 0.01, beta
    # and the smaller galaxies (less L_CR each) emit more per unit L_CR: at a fixed
    # luminosity scale F grows with z
    pop = P.CosmicPopulation(100, mass_function="tinker2008", luminosity_normalisation="milky_way")
    F = pop.mass_factor_at([0.0, 1.0, 2.0, 4.0])
    assert np.all(np.diff(F) > 0)


def test_weights_above_the_calibrated_redshift_written_out():
    # z = 4 > 2.5: f(σ) with the z = 2.5 parameters of Tinker et al., σ grown to z = 4,
    # M_200m of each M_200c node through the NFW conversion, Moster's m* at z = 4
    z, zc = 4.0, MF.TINKER08_Z_CALIBRATED
    x, wq = np.polynomial.legendre.leggauss(16)
    a, b = (math.log(v) for v in MF.HALO_RANGE)
    Mc = np.exp(0.5 * (b - a) * x + 0.5 * (b + a))
    Mm = MF.convert_halo_mass(Mc, z)
    e = 1e-4
    jac = np.log(MF.convert_halo_mass(Mc * math.exp(e), z) / MF.convert_halo_mass(Mc * math.exp(-e), z)) / (2 * e)  # fmt: skip
    h = 1e-3
    s = MF.mass_variance(Mm, z)
    dlns = np.log(MF.mass_variance(Mm * math.exp(h), z) / MF.mass_variance(Mm * math.exp(-h), z)) / (2 * h)  # fmt: skip
    f = MF.tinker08_multiplicity(s, zc)
    want = wq * f / Mm * np.abs(dlns) * jac * (MF.moster13_stellar_mass(Mc, z) / 6.08e10) ** 0.6
    w = MF.halo_cr_luminosity_weights(0.6, 16, z=z)[1]
    np.testing.assert_allclose(w, want / want.sum(), rtol=2e-6)
    # held, not extrapolated: with the z = 4 parameters the weights differ
    f4 = MF.tinker08_multiplicity(s, z)
    assert np.max(np.abs(f4 / f - 1)) > 1e-3


def test_sigma_table_and_growth_against_the_direct_ones():
    lns, dlns = MF._sigma_table(Planck18)
    M = np.geomspace(1e8, 1e16, 29)
    np.testing.assert_allclose(np.exp(lns(np.log(M))), MF.mass_variance(M), rtol=1e-7)
    h = 1e-3
    fd = np.log(MF.mass_variance(M * math.exp(h)) / MF.mass_variance(M * math.exp(-h))) / (2 * h)
    np.testing.assert_allclose(dlns(np.log(M)), fd, rtol=1e-6)

    def D(z):
        return Planck18.efunc(z) * quad(lambda x: (1 + x) / Planck18.efunc(x) ** 3, z, np.inf)[0]

    zs = np.array([0.3, 1.0, 2.5, 6.0])
    np.testing.assert_allclose(MF._growth(zs, Planck18), [D(z) / D(0) for z in zs], rtol=1e-8)


def test_duffy08_table1():
    # Duffy et al. (2008), Table 1, NFW full sample: c = A (M / 2e12 h⁻¹ M_⊙)^B (1+z)^C
    M = 2e12 / Planck18.h
    assert float(MF.halo_concentration(M)) == pytest.approx(5.71, rel=1e-12, abs=0)
    c1 = float(MF.halo_concentration(10 * M, z=1.0, definition="200m"))
    assert c1 == pytest.approx(10.14 * 10**-0.081 * 2**-1.01, rel=1e-12, abs=0)


def test_nfw_mass_ratio_for_c5_against_an_independent_root():
    # M_200m/M_200c of an NFW halo with c_200c = 5 today: solve μ(x)/x³ = Ω_m μ(5)/5³
    om = float(Planck18.Om0)
    target = om * _mu(5.0) / 125.0
    x = brentq(lambda t: _mu(t) / t**3 - target, 5.0, 50.0, xtol=1e-14)
    assert float(MF.nfw_mass_ratio(5.0, om)) == pytest.approx(_mu(x) / _mu(5.0), rel=1e-12, abs=0)
    # and back: the halo of concentration x at 200m has M_200c/M_200m = μ(5)/μ(x)
    assert float(MF.nfw_mass_ratio(x, 1 / om)) == pytest.approx(_mu(5.0) / _mu(x), rel=1e-12, abs=0)


def test_m200c_is_below_m200m_for_the_same_halo():
    M = np.geomspace(1e10, 1e15, 6)
    r = [MF.convert_halo_mass(M, z) / M for z in (0.0, 1.0, 3.0, 8.0)]
    assert np.all(r[0] > 1.1) and np.all(r[0] < 1.6)
    # Ω_m(z) → 1: the two definitions meet at high z
    assert np.all(np.diff(np.array(r), axis=0) < 0) and np.all(r[-1] < 1.01)
    assert np.all(MF.convert_halo_mass(M, 0.0, "200m", "200c") < M)
    np.testing.assert_array_equal(MF.convert_halo_mass(M, 1.0, "200c", "200c"), M)


def test_the_population_factor_is_cached_and_vectorised():
    pop = P.CosmicPopulation(30, mass_function="tinker2008", n_z=16)
    z, _ = P._z_nodes(pop.z_max, pop.n_z)
    F = pop.mass_factor_at(z)
    assert pop.mass_factor_at(z) is F
    for i in (0, 7, 15):
        assert F[i] == pytest.approx(float(pop.mass_factor_at(z[i])), rel=1e-9, abs=0)
    # Baldry et al. (2012) has no redshift dependence: the same F at every z
    b = P.CosmicPopulation(30, mass_function="baldry2012", luminosity_normalisation="milky_way")
    np.testing.assert_array_equal(b.mass_factor_at(z), b.mass_factor)
    assert "at each z" in pop.assumptions["mass_function"]
    assert "M_200c converted" in pop.assumptions["mass_function"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: P.CosmicPopulation(mass_function="tinker2008", mass_evolution="yes"), "mass_evolution"),
        (lambda: P.CosmicPopulation(moster_mass_definition="vir"), "moster_mass_definition = 'vir'"),
        (lambda: MF.halo_cr_luminosity_weights(0.6, z=[-1.0]), "z = "),
        (lambda: MF.halo_cr_luminosity_weights(0.6, mass_definition="500c"), "mass_definition"),
        (lambda: MF.convert_halo_mass(1e12, 0.0, "fof"), "from_definition = 'fof'"),
        (lambda: MF.convert_halo_mass(1e12, -1.0), "z = -1"),
        (lambda: MF.nfw_mass_ratio(0.0, 0.3), "c, density_ratio"),
        (lambda: MF.halo_concentration(1e12, definition="vir"), "definition = 'vir'"),
        (lambda: MF.moster13_stellar_mass(1e12, z=-0.5), "z = -0.5"),
    ],
)  # fmt: skip
def test_bad_input(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_the_background_integral_takes_F_at_each_redshift():
    pop = P.CosmicPopulation(
        30, mass_function="tinker2008", n_z=24, luminosity_normalisation="milky_way"
    )
    mw = P.CosmicPopulation(30, n_z=24)
    E = np.array([1e5 * C.GeV])  # 100 TeV [erg]
    z, _ = P._z_nodes(pop.z_max, pop.n_z)
    F = pop.mass_factor_at(z)
    q_mw = mw._emissivity("nu_mu")
    want = P.background_intensity(E, lambda Ee, zz: q_mw(Ee, zz) * F, z_max=pop.z_max, n_z=24)
    got = pop._intensity(E, "nu_mu")
    assert float(got[0]) == pytest.approx(float(want[0]), rel=1e-12, abs=0)
    ratio = float(got[0] / mw._intensity(E, "nu_mu")[0])
    assert F.min() < ratio < F.max() and ratio > 1.05 * pop.mass_factor


@pytest.mark.parametrize("mass_function", ["baldry2012", "tinker2008"])
def test_total_normalisation_scales_every_galaxy_by_S(mass_function):
    """'total': L_CR(M, z) = S(z) L_CR,MW (M*/M_MW)^β with ρ_LCR(z) = S L_CR,MW N_eq(z); a halo's
    emission per unit L_CR goes as L_CR^(-1/2) (ṽ_A ∝ L_CR^(1/2)), so F = F_milky_way S^(-1/2)."""
    kw = dict(mass_function=mass_function, n_z=16)
    tot = P.CosmicPopulation(30, **kw)
    mw = P.CosmicPopulation(30, luminosity_normalisation="milky_way", **kw)
    z = np.array([0.0, 0.5, 2.0, 5.0])
    S = tot.luminosity_scale_at(z)
    np.testing.assert_array_equal(mw.luminosity_scale_at(z), 1.0)
    np.testing.assert_allclose(tot.mass_factor_at(z), mw.mass_factor_at(z) / np.sqrt(S), rtol=1e-12)
    # S from its definition: the Madau & Dickinson density over the galaxies' own total
    rho = P.cr_luminosity_density(z).to_value("erg / (s Mpc3)")
    neq = MF.milky_way_equivalents(
        mass_function, 0.6, 32, z=z if mass_function == "tinker2008" else 0.0
    )
    np.testing.assert_allclose(S, rho / (tot.L_CR * neq), rtol=1e-12)
    # today the Milky-Way-anchored relation gives nearly the measured density (S ~ 1);
    # at z ~ 2 galaxies are ~10-25 times more CR-luminous than today's of the same mass
    assert 0.8 < S[0] < 1.5 and 5 < S[2] < 40


def test_baldry_equivalents_against_a_direct_integral():
    """N_eq = ∫ φ(M) (M/M_MW)^β dlog10 M over Baldry et al. (2012)'s range, by quad."""

    def integrand(lgM):
        M = 10.0**lgM
        return MF.stellar_mass_function(M).value * (M / MF.M_MILKY_WAY) ** 0.6

    want = quad(integrand, 8.0, 11.5, epsabs=0, epsrel=1e-11)[0]
    got = float(MF.milky_way_equivalents("baldry2012", 0.6, 48))
    assert got == pytest.approx(want, rel=1e-9, abs=0)
    with pytest.raises(ParameterError, match="mass_function = 'schechter' is not allowed"):
        MF.milky_way_equivalents("schechter", 0.6)
    with pytest.raises(ParameterError, match="luminosity_normalisation = 'x' is not allowed"):
        P.CosmicPopulation(mass_function="tinker2008", luminosity_normalisation="x")
