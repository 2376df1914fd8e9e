"""Tests of crescape.population: the cosmic SFH, EBL/CMB absorption and the background integral."""

import math

import astropy.units as u
import numpy as np
import pytest
from astropy.cosmology import FlatLambdaCDM, Planck18
from scipy.integrate import quad
from scipy.special import gamma as _gamma_fn

from crescape import constants as C
from crescape import massfunction as MF
from crescape import population as P
from crescape.observer import halo_luminosity
from crescape.params import ParameterError
from crescape.physics import gamma_absorption
from crescape.spectra import CGMEmission

# ---------------------------------------------------------------- Madau & Dickinson (2014)


def test_psi_at_zero_is_0015():
    # Madau & Dickinson (2014), Eq. 15 at z = 0: 0.015 / (1 + 2.9^-5.6)
    psi0 = P.star_formation_rate_density(0).to_value("Msun / (yr Mpc3)")
    assert psi0 == pytest.approx(0.015 / (1.0 + 2.9**-5.6), rel=1e-12, abs=0)
    assert psi0 == pytest.approx(0.015, rel=3e-3, abs=0)


def test_psi_peaks_near_z_1_9():
    # Madau & Dickinson (2014), abstract: the SFR density peaked at z ≈ 1.9
    z = np.linspace(0, 6, 6001)
    psi = P.star_formation_rate_density(z).value
    assert 1.8 < z[np.argmax(psi)] < 2.0


def test_psi_values_and_norm():
    # Eq. 15 at z = 1: 0.015 * 2^2.7 / (1 + (2/2.9)^5.6)
    assert P.star_formation_rate_density(1.0).value == pytest.approx(
        0.015 * 2**2.7 / (1 + (2 / 2.9) ** 5.6), rel=1e-12, abs=0
    )
    assert P.star_formation_rate_density(1.0, norm=0.03).value == pytest.approx(
        2 * P.star_formation_rate_density(1.0).value, rel=1e-12, abs=0
    )


def test_salpeter_supernovae_per_mass():
    # Salpeter (1955) m^-2.35 over 0.1-100 Msun, every star above 8 Msun explodes
    n = (8**-1.35 - 100**-1.35) / 1.35
    m = (0.1**-0.35 - 100**-0.35) / 0.35
    assert P.salpeter_supernovae_per_mass() == pytest.approx(n / m, rel=1e-12, abs=0)
    assert P.salpeter_supernovae_per_mass() == pytest.approx(0.00742, rel=1e-3, abs=0)


def test_cr_luminosity_density_at_zero():
    # ξ E_SN ψ(0) N_SN/M_*(Salpeter): the supernova rate density of ψ, per second
    psi0 = 0.015 / (1.0 + 2.9**-5.6)
    expect = 0.1 * 1e51 * psi0 * P.salpeter_supernovae_per_mass() / u.yr.to(u.s)
    got = P.cr_luminosity_density(0).to_value("erg / (s Mpc3)")
    assert got == pytest.approx(expect, rel=1e-10, abs=0)
    assert got == pytest.approx(3.52e38, rel=1e-2, abs=0)


# ---------------------------------------------------------------- EBL: Domínguez et al. (2011)

# (E [TeV], z, τ) copied from the file tau_dominguez11.out of Domínguez et al. (2011)
DOMINGUEZ_NODES = [
    (0.03, 0.01, 7.8804e-06),
    (0.03, 2.0, 0.164034),
    (0.106694, 1.0, 0.823273),
    (0.106694, 2.0, 2.2548),
    (0.0345419, 0.01, 2.45385e-05),
    (0.0397713, 0.3, 6.04318e-03),
]


@pytest.mark.parametrize(("E_TeV", "z", "tau"), DOMINGUEZ_NODES)
def test_ebl_optical_depth_at_table_nodes(E_TeV, z, tau):
    assert float(P.ebl_optical_depth(E_TeV * u.TeV, z)) == pytest.approx(tau, rel=1e-9, abs=0)


def test_ebl_table_meta_and_shape():
    t = P.ebl_table()
    assert len(t) == 50 * 39
    assert t.meta["doi"] == "10.1111/j.1365-2966.2010.17631.x"
    assert "Dominguez" in t.meta["citation"]
    assert t["E"].unit == u.TeV


def test_ebl_interpolation_between_nodes_and_extensions():
    # between two redshift nodes, τ lies between their values
    lo = float(P.ebl_optical_depth(0.106694 * u.TeV, 1.0))
    hi = float(P.ebl_optical_depth(0.106694 * u.TeV, 1.2))
    mid = float(P.ebl_optical_depth(0.106694 * u.TeV, 1.1))
    assert lo < mid < hi
    # z > 2 holds the z = 2 value; z < 0.01 scales as z; z = 0 gives 0
    assert float(P.ebl_optical_depth(0.106694 * u.TeV, 3.0)) == pytest.approx(
        2.2548, rel=1e-9, abs=0
    )
    assert float(P.ebl_optical_depth(0.03 * u.TeV, 0.005)) == pytest.approx(
        7.8804e-06 / 2, rel=1e-9, abs=0
    )
    assert float(P.ebl_optical_depth(0.03 * u.TeV, 0.0)) == 0.0


# ---------------------------------------------------------------- CMB along the path


def test_cmb_kappa_scales_with_temperature():
    # κ(E, T0(1+z)) = (1+z)^3 κ_0(E(1+z)): the blackbody scaling used for τ_CMB
    E = np.geomspace(1e5, 1e8, 7) * C.GeV
    zp = 1.7
    direct = gamma_absorption.absorption_coefficient(E, C.T_cmb * zp)
    scaled = zp**3 * gamma_absorption.absorption_coefficient(E * zp)
    np.testing.assert_allclose(direct, scaled, rtol=1e-6)


def test_cmb_kappa_table_against_direct():
    E = np.geomspace(3e4, 1e10, 400) * C.GeV
    a = gamma_absorption.absorption_coefficient(E)
    np.testing.assert_allclose(P._kappa_cmb0(E), a, rtol=2e-4)


def test_cmb_optical_depth_small_z_is_kappa_times_distance():
    z = 1e-4
    E = 2e6  # GeV, near the minimum mean free path
    d = C.c * z / Planck18.H0.to_value(1 / u.s)
    kappa = gamma_absorption.absorption_coefficient(np.array([E * C.GeV]))[0]
    tau = P.cmb_optical_depth(E, z)[0, 0]
    assert tau == pytest.approx(kappa * d, rel=1e-3, abs=0)


def test_cmb_optical_depth_against_direct_path_integral():
    # τ = ∫ c dz / ((1+z) H) κ(E(1+z), T_0(1+z)), κ evaluated directly at each temperature
    E, z = 3e5, 0.05  # GeV
    H0 = Planck18.H0.to_value(1 / u.s)

    def integrand(zp):
        k = gamma_absorption.absorption_coefficient(
            np.array([E * C.GeV * (1 + zp)]), C.T_cmb * (1 + zp)
        )
        return C.c / ((1 + zp) * H0 * Planck18.efunc(zp)) * k[0]

    ref, _ = quad(integrand, 0, z, epsabs=0, epsrel=1e-8)
    assert P.cmb_optical_depth(E, z)[0, 0] == pytest.approx(ref, rel=1e-3, abs=0)


# ---------------------------------------------------------------- the background integral


def test_redshift_factor_matter_only_closed_form():
    eds = FlatLambdaCDM(H0=70, Om0=1.0, Tcmb0=0)
    for slope in (2.0, 2.5):
        closed = (1 - 7.0 ** (-(slope + 0.5))) / (slope + 0.5)
        assert P.redshift_factor(slope, 6.0, eds) == pytest.approx(closed, rel=1e-10, abs=0)


def test_redshift_factor_planck18_against_quad():
    ref, _ = quad(lambda z: (1 + z) ** -2 / Planck18.efunc(z), 0, 6, epsabs=0, epsrel=1e-12)
    assert P.redshift_factor(2.0, 6.0, Planck18) == pytest.approx(ref, rel=1e-9, abs=0)


@pytest.mark.parametrize("cosmo", [FlatLambdaCDM(H0=70, Om0=1.0, Tcmb0=0), Planck18])
def test_background_of_non_evolving_E2_population(cosmo):
    # q_c = K E^-2 at every z: I(E) = (c / 4π H0) K E^-2 ξ, ξ = ∫ dz (1+z)^-2 / E(z)
    K = 1e-40
    E = np.geomspace(1, 1e6, 5) * C.GeV
    I = P.background_intensity(E, lambda Ee, z: K * Ee**-2, z_max=6.0, cosmology=cosmo)
    xi, _ = quad(lambda z: (1 + z) ** -2 / cosmo.efunc(z), 0, 6, epsabs=0, epsrel=1e-12)
    expect = C.c / (4 * np.pi * cosmo.H0.to_value(1 / u.s)) * K * E**-2 * xi
    np.testing.assert_allclose(I, expect, rtol=1e-9)


def test_background_with_uniform_absorption():
    # τ independent of E and z: the intensity is reduced by e^-τ
    E = np.array([1.0]) * C.GeV
    kw = dict(z_max=3.0, cosmology=Planck18)
    a = P.background_intensity(E, lambda Ee, z: Ee**-2, **kw)
    b = P.background_intensity(E, lambda Ee, z: Ee**-2, optical_depth=lambda E, z: 0.5, **kw)
    assert b[0] / a[0] == pytest.approx(math.exp(-0.5), rel=1e-12, abs=0)


# ---------------------------------------------------------------- the population


@pytest.fixture(scope="module")
def pop():
    return P.CosmicPopulation(delta_G=10)


def test_population_flavours_sum(pop):
    E = [1e4, 1e5, 1e6] * u.GeV
    tot = pop.intensity(E, "nu_all")
    s = sum(pop.intensity(E, f) for f in ("nu_e", "nu_mu", "nu_tau"))
    np.testing.assert_allclose(s.value, tot.value, rtol=1e-10)


def test_population_scales_with_sfr_norm_and_delta_G(pop):
    E = [1e5] * u.GeV
    base = pop.intensity(E, "nu_mu").value[0]
    double = P.CosmicPopulation(10, sfr_norm=0.03).intensity(E, "nu_mu").value[0]
    assert double / base == pytest.approx(2.0, rel=1e-10, abs=0)
    # the CGM emission grows as δ_G^{3/2} (docs/population.md, M31 section)
    hundred = P.CosmicPopulation(100).intensity(E, "nu_mu").value[0]
    assert hundred / base == pytest.approx(10**1.5, rel=1e-6, abs=0)


def test_population_emissivity_is_number_density_times_template(pop):
    # n(0) = ρ_LCR(0) / L_CR,MW
    n0 = pop._number_density(np.array([0.0]))[0]
    rho = P.cr_luminosity_density(0).to_value("erg / (s cm3)")
    assert n0 == pytest.approx(rho / pop.L_CR, rel=1e-10, abs=0)


def test_population_gamma_absorption(pop):
    E = [1e2, 1e4] * u.GeV
    bare = P.CosmicPopulation(10, ebl=False, cmb=False).intensity(E, "gamma").value
    ebl = pop.intensity(E, "gamma").value
    assert np.all(ebl < bare)
    # at 10 TeV the EBL removes nearly everything beyond z ~ 0.1
    assert ebl[1] / bare[1] < 0.05
    assert 0.2 < ebl[0] / bare[0] < 0.95


def test_population_cgm_model_is_a_parameter(pop):
    # the hydrogen target density X_H rho/m_p instead of the paper's rho/m_p
    E = [1e5] * u.GeV
    h = P.CosmicPopulation(10, target="hydrogen")
    ratio = h.intensity(E, "nu_mu").value[0] / pop.intensity(E, "nu_mu").value[0]
    assert ratio == pytest.approx(h.template.cgs.X_H, rel=1e-10, abs=0)
    assert "cascades" in pop.assumptions


def test_absorbed_energy_intensity(pop):
    w = pop.absorbed_energy_intensity().value
    assert w > 0
    assert P.CosmicPopulation(10, ebl=False, cmb=False).absorbed_energy_intensity().value == 0.0
    # with the EBL alone less is removed than with the EBL and the CMB
    assert P.CosmicPopulation(10, cmb=False).absorbed_energy_intensity().value < w


def test_population_is_vectorised_over_energy(pop, monkeypatch):
    # 100 energies: one emissivity call on the whole (energy, redshift) grid, the same numbers
    # as energy by energy (the timing itself is in benchmarks/bench_population.py)
    E = np.geomspace(10, 1e7, 100) * u.GeV
    one_by_one = np.array([pop.intensity(e, "gamma").value[0] for e in E[::11]])
    calls = []
    real = P.halo_luminosity

    def counted(emission, Ev, species):
        calls.append(np.shape(Ev))
        return real(emission, Ev, species)

    monkeypatch.setattr(P, "halo_luminosity", counted)
    all_at_once = pop.intensity(E, "gamma").value
    assert calls == [(100, pop.n_z)]
    np.testing.assert_allclose(all_at_once[::11], one_by_one, rtol=1e-12)


def test_comparison_table():
    t = P.comparison((1.0, 100.0))
    assert len(t) == 2
    r = t["nu_pop_100TeV"][1] / t["nu_pop_100TeV"][0]
    assert float(r) == pytest.approx(100**1.5, rel=1e-6, abs=0)
    ratio = t["nu_pop_100TeV"][0] / t.meta["icecube2015_per_flavour_100TeV"]
    assert float(ratio) == pytest.approx(t["nu_pop_over_icecube2015"][0], rel=1e-12, abs=0)


BAD = [
    (lambda: P.star_formation_rate_density(-1), "z = -1"),
    (lambda: P.star_formation_rate_density(0, norm=0), "norm = 0"),
    (lambda: P.CosmicPopulation(sfr_norm=-1), "sfr_norm = -1"),
    (lambda: P.CosmicPopulation(z_max=11), "z_max = 11"),
    (lambda: P.CosmicPopulation(n_z=4), "n_z = 4"),
    (lambda: P.CosmicPopulation().intensity(1, "e"), "species = 'e'"),
    (lambda: P.ebl_optical_depth(-1, 0.1), "E = -1"),
]


@pytest.mark.parametrize(("call", "message"), BAD)
def test_raises(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


# ---------------------------------------------------------------- stellar-mass function (Baldry et al. 2012)

# Baldry et al. (2012, MNRAS 421, 621), abstract: M* = 10^10.66 Msun, phi1* = 3.96e-3 Mpc^-3,
# alpha1 = -0.35, phi2* = 0.79e-3 Mpc^-3, alpha2 = -1.47 (H0 = 70)
BALDRY_ABSTRACT = [
    ("M_star", 10**10.66),
    ("phi1", 3.96e-3),
    ("alpha1", -0.35),
    ("phi2", 0.79e-3),
    ("alpha2", -1.47),
]


@pytest.mark.parametrize(("key", "value"), BALDRY_ABSTRACT)
def test_baldry_parameters_are_the_published_ones(key, value):
    assert MF.BALDRY12[key] == pytest.approx(value, rel=1e-12, abs=0)


def _baldry_eq6_per_dM(M):
    # Eq. 6 of Baldry et al. (2012): phi(M) dM = exp(-M/M*) [phi1 (M/M*)^a1 + phi2 (M/M*)^a2] dM/M*
    Ms = 10**10.66
    x = M / Ms
    return math.exp(-x) * (3.96e-3 * x**-0.35 + 0.79e-3 * x**-1.47) / Ms


@pytest.mark.parametrize("M", [1e8, 1e9, 10**10.66, 1e11, 10**11.5])
def test_stellar_mass_function_is_eq6_per_dex(M):
    # dn/dlog10 M = ln(10) M dn/dM
    expected = math.log(10) * M * _baldry_eq6_per_dM(M)
    assert float(MF.stellar_mass_function(M).value) == pytest.approx(expected, rel=1e-12, abs=0)


def test_stellar_mass_function_at_M_star():
    # at M = M*: ln10 e^-1 (phi1 + phi2) = 4.0236e-3 Mpc^-3 dex^-1
    v = float(MF.stellar_mass_function(10**10.66 * u.Msun).to_value("Mpc-3"))
    assert v == pytest.approx(math.log(10) * math.exp(-1) * 4.75e-3, rel=1e-12, abs=0)
    assert v == pytest.approx(4.0236e-3, rel=1e-4, abs=0)


def test_stellar_mass_density_against_quad():
    lo, hi = 1e8, 10**11.5
    ref = quad(
        lambda lm: math.exp(lm) ** 2 * _baldry_eq6_per_dM(math.exp(lm)), math.log(lo), math.log(hi)
    )[0]
    assert MF.stellar_mass_density(lo, hi).value == pytest.approx(ref, rel=1e-8, abs=0)
    # the whole mass range in closed form: sum phi_i M* Gamma(alpha_i + 2) above 0
    tot = 10**10.66 * (3.96e-3 * _gamma_fn(1.65) + 0.79e-3 * _gamma_fn(0.53))
    assert MF.stellar_mass_density(1e-30).value == pytest.approx(tot, rel=1e-8, abs=0)


def test_cr_luminosity_weights():
    M, w, ratio = MF.cr_luminosity_weights(0.6, n=40)
    assert w.sum() == pytest.approx(1.0, rel=1e-12, abs=0)
    assert np.all(w > 0) and M.min() > 1e8 and M.max() < 10**11.5
    np.testing.assert_allclose(ratio, (M / 6.08e10) ** 0.6, rtol=1e-12)
    # the Whitaker et al. (2012) slopes
    assert MF.sfr_mass_slope("star_forming") == 0.6 and MF.sfr_mass_slope("blue") == 1.0


def test_mass_factor_is_one_for_identical_halos():
    # beta = 0 and gamma = 0: every galaxy has the Milky Way's L_CR and delta_G
    pop = P.CosmicPopulation(
        10, mass_function="baldry2012", sfr_mass_slope=0.0, luminosity_normalisation="milky_way"
    )
    assert pop.mass_factor == pytest.approx(1.0, rel=1e-12, abs=0)
    # with the total normalisation every galaxy is S(0) times as luminous: F = S^(-1/2)
    tot = P.CosmicPopulation(10, mass_function="baldry2012", sfr_mass_slope=0.0)
    S0 = float(tot.luminosity_scale_at(0.0))
    assert tot.mass_factor == pytest.approx(S0**-0.5, rel=1e-12, abs=0)
    assert P.CosmicPopulation(10).mass_factor == 1.0


def test_mass_factor_against_the_halo_luminosity_of_each_mass():
    # F = sum_k w_k L_k(E)/L_MW(E) L_MW,CR/L_CR,k, every halo built as a CGMEmission, at 2 energies
    pop = P.CosmicPopulation(30, mass_function="baldry2012", delta_G_mass_slope=0.4, n_mass=6,
                             params={"slope": 2.2})  # fmt: skip
    M, w, r = MF.cr_luminosity_weights(0.6, 6)
    S0 = float(pop.luminosity_scale_at(0.0))  # every galaxy S(0) L_CR,MW (M/M_MW)^0.6 today
    E = np.array([1e3, 1e5]) * C.GeV
    L0 = halo_luminosity(pop.emission, E, "gamma")
    F = np.zeros(2)
    for Mk, wk, rk in zip(M, w, r, strict=True):
        p = pop.template.replace(
            L_CR=pop.L_CR * rk * S0 * u.erg / u.s, delta_G=30 * (Mk / 6.08e10) ** 0.4
        )
        F += wk * halo_luminosity(CGMEmission(p), E, "gamma") / L0 / (rk * S0)
    np.testing.assert_allclose(F, pop.mass_factor, rtol=1e-9)
    # at z = 0 only: with the total normalisation S (hence F) changes with z, so the
    # background over that of Milky-Way copies is F at z = 0 only for the fixed scale
    fixed = P.CosmicPopulation(30, mass_function="baldry2012", delta_G_mass_slope=0.4, n_mass=6,
                               params={"slope": 2.2}, luminosity_normalisation="milky_way")  # fmt: skip
    E_nu = [1e5] * u.GeV
    ratio = (
        fixed.intensity(E_nu, "nu_mu")[0]
        / P.CosmicPopulation(30, params={"slope": 2.2}).intensity(E_nu, "nu_mu")[0]
    )
    assert float(ratio) == pytest.approx(fixed.mass_factor, rel=1e-10, abs=0)


def test_population_scales_as_sqrt_xi():
    # n ∝ rho_LCR / L_CR,MW does not change with xi; each halo's emission ∝ L_CR^(1/2) (v_A ∝ L^(1/2))
    E = [1e5] * u.GeV
    a = P.CosmicPopulation(10, xi=0.05).intensity(E, "nu_mu").value[0]
    b = P.CosmicPopulation(10, xi=0.2).intensity(E, "nu_mu").value[0]
    assert b / a == pytest.approx(2.0, rel=1e-9, abs=0)


# ---------------------------------------------------------------- published estimates


def test_published_estimates_as_stated():
    t = P.published_estimates()
    lw = t[t["key"] == "LW06"][0]
    # Loeb & Waxman (2006), abstract: E^2 Phi ~ 1e-7 GeV cm^-2 s^-1 sr^-1, E^-0.15 +- 0.1 up to ~0.3 PeV
    assert float(lw["E2Phi_ref"]) == 1e-7 and float(lw["index"]) == -0.15
    assert float(lw["index_err"]) == 0.1 and float(lw["E_hi"]) == 3e5
    frac = {
        (str(r["key"]), str(r["messenger"])): float(r["fraction"])
        for r in t
        if r["kind"] == "fraction"
    }
    assert frac == {("B17", "neutrino"): 0.1, ("P20", "neutrino"): 1.0, ("P20", "gamma"): 0.4,
                    ("A21", "neutrino"): 0.4}  # fmt: skip
    assert set(t.meta["references"]) == {"LW06", "B17", "P20", "A21"}
    assert "Tamborra" in t.meta["not_shipped"]


def test_published_power_law_sed():
    v = P.published_power_law_sed("LW06", [1e5, 1e6] * u.GeV).value
    assert v[0] == pytest.approx(1e-7 * 1e5**-0.15, rel=1e-12, abs=0)
    assert math.isnan(v[1])  # beyond the stated 0.3 PeV


# ---------------------------------------------------------------- sweep product and figure


def test_population_product_in_a_sweep():
    from crescape.analysis.sweep import sweep

    ds = sweep("population", {"delta_G": [10.0, 100.0], "xi": [0.1]}, scheduler="serial",
               progress=False)  # fmt: skip
    assert ds["nu_mu_100TeV"].attrs["units"] == "GeV / (s sr cm2)"
    nu = ds["nu_mu_100TeV"].values[:, 0]
    assert nu[1] / nu[0] == pytest.approx(10**1.5, rel=1e-6, abs=0)
    direct = P.background_numbers(P.CosmicPopulation(10.0, mass_function="baldry2012", n_z=48))
    assert nu[0] == pytest.approx(direct["nu_mu_100TeV"], rel=1e-12, abs=0)
    assert ds["gamma_over_igrb"].values[0, 0] == pytest.approx(
        direct["gamma_over_igrb"], rel=1e-12, abs=0
    )
    b = P.uncertainty_bands(ds)
    assert b["nu_mu_100TeV"]["min"] == pytest.approx(nu[0], rel=1e-12, abs=0)
    assert b["nu_mu_100TeV"]["n"] == 2


def test_background_numbers_consistent():
    pop = P.CosmicPopulation(10)
    n = P.background_numbers(pop)
    ref = P.reference_values()
    assert n["nu_over_icecube2015"] == pytest.approx(
        n["nu_mu_100TeV"] / ref["icecube2015_per_flavour_100TeV"].value, rel=1e-12, abs=0
    )
    assert n["pop_over_mw_nu"] == pytest.approx(
        n["nu_mu_100TeV"] / n["mw_nu_mu_100TeV"], rel=1e-12, abs=0
    )
    assert n["nu_all_100TeV"] > n["nu_mu_100TeV"]


def test_plot_background(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = P.plot_background(
        {"x": P.CosmicPopulation(10, n_z=16)}, E=np.geomspace(10, 1e7, 12) * u.GeV
    )
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("Loeb & Waxman" in s for s in labels) and any("IceCube 2015" in s for s in labels)
    plt.close(fig)


BAD_MASS = [
    (lambda: P.CosmicPopulation(mass_function="tinker"), "mass_function = 'tinker'"),
    (
        lambda: P.CosmicPopulation(mass_function="baldry2012", delta_G_mass_slope=3),
        "delta_G_mass_slope = 3",
    ),
    (lambda: P.CosmicPopulation(n_mass=2), "n_mass = 2"),
    (lambda: P.CosmicPopulation(sfr_mass_slope="red"), "relation = 'red'"),
    (lambda: P.CosmicPopulation(xi=0), "xi = 0"),
    (lambda: MF.stellar_mass_function(-1), "M = -1"),
    (lambda: P.published_power_law_sed("B17"), "key = 'B17'"),
]


@pytest.mark.parametrize(("call", "message"), BAD_MASS)
def test_raises_mass_weighting(call, message):
    with pytest.raises(ParameterError, match=message):
        call()
