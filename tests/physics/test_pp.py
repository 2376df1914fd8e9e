"""Tests of the pp secondary spectra (Kelner, Aharonian & Bugayov 2006, KAB06)."""

from __future__ import annotations

import numpy as np
import pytest

from crescape import constants as C
from crescape.physics import pp

R = pp.R_MU_PI


# --- cross sections against the published formulas and measurements ---------------------------
@pytest.mark.parametrize(
    "E_p_GeV, expected_mb, source",
    [
        # KAB06 Eq. 79 at L = 0: 34.3 mb (threshold factor ~1)
        (1000.0, 34.3, "KAB06 Eq. 79, L = 0"),
        # KAB06 Eq. 79 at L = ln 1000: 34.3 + 1.88*6.9078 + 0.25*6.9078^2
        (1e6, 34.3 + 1.88 * np.log(1e3) + 0.25 * np.log(1e3) ** 2, "KAB06 Eq. 79, L = ln 1e3"),
    ],
)
def test_sigma_kab06_values(E_p_GeV, expected_mb, source):
    assert pp.sigma_inel_kab06(E_p_GeV * C.GeV) / C.mb == pytest.approx(
        expected_mb, rel=1e-6, abs=0
    ), source


def test_sigma_kab06_threshold():
    assert pp.sigma_inel_kab06(1.2 * C.GeV) == 0.0
    # [1 - (E_th/E)^4]^2 at E = 2 E_th
    E = 2 * pp.E_TH_KAB06
    L = np.log(E / C.TeV)
    ref = (34.3 + 1.88 * L + 0.25 * L**2) * (1 - 1 / 16) ** 2
    assert pp.sigma_inel_kab06(E) / C.mb == pytest.approx(ref, rel=1e-12, abs=0)
    assert pp.E_TH_KAB06 / C.GeV == pytest.approx(1.22, rel=1e-12, abs=0)


@pytest.mark.parametrize("E_p_GeV", [1.3, 1.5, 2.0, 5.0])
def test_sigma_kab06_published_threshold(E_p_GeV):
    """KAB06 Eq. 79 written out with the published E_th = 1.22 GeV (the kinematic
    1.2179 GeV gives 1.05% more at 1.5 GeV)."""
    L = np.log(E_p_GeV / 1000.0)
    ref = (34.3 + 1.88 * L + 0.25 * L**2) * (1 - (1.22 / E_p_GeV) ** 4) ** 2
    got = pp.sigma_inel(E_p_GeV * C.GeV, "KAB06") / C.mb
    assert got == pytest.approx(ref, rel=1e-10, abs=0)


def test_sigma_kab06_kinematic_threshold_option():
    # pp -> pp pi0: s = (2 m_p + m_pi0)^2, E_th = s/(2 m_p) - m_p (total energy)
    m_p, m_pi = C.m_p_c2, pp.M_PI0_C2
    E_th = ((2 * m_p + m_pi) ** 2 - 2 * m_p**2) / (2 * m_p)
    assert pp.E_TH_PI0 == pytest.approx(E_th, rel=1e-12, abs=0)
    assert pp.E_TH_PI0 / C.GeV == pytest.approx(1.21793, rel=1e-5, abs=0)
    # between the two thresholds only the kinematic variant is open
    E = 1.219 * C.GeV
    assert pp.sigma_inel(E, "KAB06") == 0.0
    assert pp.sigma_inel(E, "KAB06-kinematic") > 0.0
    # 1.05% apart at 1.5 GeV, converging above
    r15 = pp.sigma_inel(1.5 * C.GeV, "KAB06-kinematic") / pp.sigma_inel(1.5 * C.GeV, "KAB06")
    assert r15 - 1 == pytest.approx(0.01054, rel=0.01, abs=0)
    r1T = pp.sigma_inel(C.TeV, "KAB06-kinematic") / pp.sigma_inel(C.TeV, "KAB06")
    assert r1T == pytest.approx(1.0, rel=1e-10, abs=0)


def test_sigma_kafexhiu_formula_and_totem():
    # Kafexhiu et al. 2014 Eq. 1 written out at T_p = 1 TeV
    T = 1000.0 * C.GeV
    x = T / pp.T_TH_KAF14
    ref = (30.7 - 0.96 * np.log(x) + 0.18 * np.log(x) ** 2) * (1 - x**-1.9) ** 3
    assert pp.sigma_inel_kafexhiu14(T + C.m_p_c2) / C.mb == pytest.approx(ref, rel=1e-12, abs=0)
    assert pp.T_TH_KAF14 / C.GeV == pytest.approx(0.2797, abs=1e-3)
    # TOTEM (EPL 96, 21002, 2011): sigma_inel = 73.5 mb at sqrt(s) = 7 TeV, E_lab = s/(2 m_p)
    E_lab = (7000.0 * C.GeV) ** 2 / (2 * C.m_p_c2)
    assert pp.sigma_inel_kafexhiu14(E_lab) / C.mb == pytest.approx(73.5, rel=0.03, abs=0)
    assert pp.sigma_inel_kafexhiu14(C.m_p_c2 + 0.2 * C.GeV) == 0.0


def test_sigma_bad_model():
    with pytest.raises(ValueError, match="sigma_model = 'foo'"):
        pp.sigma_inel(1e3, "foo")


# --- pion decay distributions (KAB06 Eqs. 36-39) ----------------------------------------------
def _integrate(f, n=4000):
    # piecewise Gauss-Legendre on [0, 1-r], [1-r, r], [r, 1] (1 - r < r)
    total_n = total_e = 0.0
    x, w = np.polynomial.legendre.leggauss(200)
    for a, b in ((1e-12, 1 - R), (1 - R, R), (R, 1.0)):
        xx = a + (b - a) * (x + 1) / 2
        ww = w * (b - a) / 2
        fx = f(xx)
        total_n += np.sum(fx * ww)
        total_e += np.sum(xx * fx * ww)
    return total_n, total_e


@pytest.mark.parametrize("species", ["nu_mu1", "nu_mu2", "nu_e", "e"])
def test_decay_distributions_normalised(species):
    n, _ = _integrate(lambda x: pp.pion_decay_lepton_distribution(x, species))
    assert n == pytest.approx(1.0, rel=1e-6, abs=0)


def test_decay_distributions_energy_conservation():
    # pi -> mu nu: nu_mu1 takes (1 - r)/2 of E_pi, the muon (1 + r)/2, which its three
    # decay products share: the four leptons carry all of E_pi
    e = {
        s: _integrate(lambda x, s=s: pp.pion_decay_lepton_distribution(x, s))[1]
        for s in ("nu_mu1", "nu_mu2", "nu_e", "e")
    }
    assert e["nu_mu1"] == pytest.approx((1 - R) / 2, rel=1e-6, abs=0)
    assert e["nu_mu2"] + e["nu_e"] + e["e"] == pytest.approx((1 + R) / 2, rel=1e-6, abs=0)
    assert sum(e.values()) == pytest.approx(1.0, rel=1e-6, abs=0)


@pytest.mark.parametrize("species", ["nu_mu2", "nu_e"])
def test_decay_distributions_continuous_at_r(species):
    f = pp.pion_decay_lepton_distribution
    assert f(R * (1 - 1e-9), species) == pytest.approx(f(R * (1 + 1e-9), species), rel=1e-6, abs=0)


# --- KAB06 fits: energy fractions ---------------------------------------------------------------
def test_energy_fractions_at_1TeV():
    """Energy fractions ∫x F dx at E_p = 1 TeV from KAB06 Eqs. 58, 62, 66.

    Reference numbers are those of the published fits (computed once with an independent
    400-node rule; they reproduce KAB06's statement that about 1/6 of E_p goes to γ rays
    per inelastic collision at TeV energies).
    """
    E = C.TeV
    fr = {s: float(pp.energy_fraction(E, s)) for s in ("gamma", "e", "nu_mu1", "nu_mu2", "nu_e")}
    assert fr["gamma"] == pytest.approx(0.166, abs=0.002)
    assert fr["e"] == pytest.approx(0.0609, abs=0.001)
    assert fr["nu_mu1"] == pytest.approx(0.0497, abs=0.001)
    # nu_mu^(1) carries (1 - r)/2 of the charged-pion energy, i.e. of the lepton energy
    leptons = fr["e"] + fr["nu_mu1"] + fr["nu_mu2"] + fr["nu_e"]
    assert fr["nu_mu1"] / leptons == pytest.approx((1 - R) / 2, rel=0.02, abs=0)
    # energy conservation: the secondaries take less than the pp inelasticity (~0.5)
    total = fr["gamma"] + leptons
    assert 0.3 < total < 0.55
    # charged pions carry twice the pi0 energy; gamma also has eta decays: ratio in (1.2, 2)
    assert 1.2 < leptons / fr["gamma"] < 2.0


def test_energy_fraction_rises_slowly():
    f = pp.energy_fraction(np.array([0.1, 1.0, 100.0, 1e4]) * C.TeV, "gamma")
    assert np.all(np.diff(f[:3]) > 0)
    assert np.all(np.abs(f / f[1] - 1) < 0.15)


# --- full and δ-approximation spectra ------------------------------------------------------------
def _protons(slope=2.0, E_max=1e3 * C.TeV, cutoff="exponential"):
    return pp.power_law_protons(1.0, slope, E_max, cutoff)


def test_delta_gamma_energy_conservation():
    """∫ E Φ_γ dE equals the π0 energy production rate ∫ E_π q_π dE_π (KAB06 Eq. 78)."""
    J, Emax = _protons(2.5, 1e3 * C.TeV, "sharp")
    lnE = np.linspace(np.log(1e-3 * C.GeV), np.log(2e2 * C.TeV), 4000)
    E = np.exp(lnE)
    phi = pp.emissivity_delta(E, J, 1.0, "gamma", Emax)
    energy_gamma = np.trapezoid(E * E * phi, lnE)
    lnEpi = np.linspace(np.log(pp.M_PI0_C2), np.log(pp.K_PI * Emax), 4000)
    Epi = np.exp(lnEpi)
    q = pp._pion_rate(Epi, J, 1.0, "KAB06")
    energy_pi = np.trapezoid(Epi * Epi * q, lnEpi)
    assert energy_gamma == pytest.approx(energy_pi, rel=0.01, abs=0)


@pytest.mark.parametrize("species", ["e", "nu_e", "nu_mu"])
def test_delta_lepton_energy_sum(species):
    """Leptons of the δ-approximation carry 2 × (their decay fraction) of the π0 energy rate."""
    J, Emax = _protons(2.5, 1e3 * C.TeV, "sharp")
    lnE = np.linspace(np.log(1e-2 * C.GeV), np.log(2e2 * C.TeV), 3000)
    E = np.exp(lnE)
    phi = pp.emissivity_delta(E, J, 1.0, species, Emax)
    energy = np.trapezoid(E * E * phi, lnE)
    lnEpi = np.linspace(np.log(1e-2 * C.GeV), np.log(pp.K_PI * Emax), 3000)
    Epi = np.exp(lnEpi)
    energy_pi = np.trapezoid(Epi * Epi * pp._pion_rate(Epi, J, 1.0, "KAB06"), lnEpi)
    frac = {"e": 0.2646, "nu_e": 0.2573, "nu_mu": 0.2646 + (1 - R) / 2}[species]
    assert energy / energy_pi == pytest.approx(2 * frac, rel=0.02, abs=0)


@pytest.mark.parametrize("species", ["gamma", "e", "nu_mu", "nu_e"])
@pytest.mark.parametrize("slope", [2.0, 2.4])
def test_matching_at_transition(species, slope):
    """KAB06 fix ñ by continuity at 0.1 TeV: the spectrum is continuous, ñ is O(1),
    and the logarithmic slopes on both sides agree."""
    J, Emax = _protons(slope)
    Et = pp.E_TRANSITION
    E = Et * np.array([1 / 1.3, 1 - 1e-9, 1.0, 1.3])
    phi, nt = pp.emissivity(E, J, 1.0, species, Emax, return_n_tilde=True)
    assert phi[1] == pytest.approx(phi[2], rel=1e-6, abs=0)
    for v in nt.values():
        assert 0.5 < v < 1.6
    slope_lo = np.log(phi[1] / phi[0]) / np.log(1.3)
    slope_hi = np.log(phi[3] / phi[2]) / np.log(1.3)
    assert slope_lo == pytest.approx(slope_hi, abs=0.15)


def test_full_spectrum_power_law_index():
    """For J ∝ E^-2 without cutoff, the secondaries follow E^-2 up to the slow rise of σ, F."""
    J, _ = pp.power_law_protons(1.0, 2.0)
    E = np.array([1.0, 10.0]) * C.TeV
    phi = pp.emissivity_full(E, J, 1.0, "gamma")
    idx = -np.log(phi[1] / phi[0]) / np.log(10.0)
    assert 1.85 < idx < 2.0


def test_full_spectrum_quadrature_converged():
    """The 64-node rule agrees with a dense trapezoid rule to 1e-3."""
    J, Emax = _protons(2.2, 300 * C.TeV, "exponential")
    E = np.array([0.3, 3.0, 30.0]) * C.TeV
    ours = pp.emissivity_full(E, J, 1.0, "nu_mu1", Emax)
    lnx = np.linspace(np.log(pp.X_MIN), np.log(pp.X_NUMU1_MAX), 200001)
    x = np.exp(lnx)
    for Ei, o in zip(E, ours, strict=True):
        Ep = Ei / x
        ref = C.c * np.trapezoid(pp.sigma_inel(Ep) * J(Ep) * pp.F_numu1(x, Ep), lnx)
        assert o == pytest.approx(ref, rel=1e-3, abs=0)


def test_enhancement_and_linearity():
    J, Emax = _protons()
    E = np.array([1e-2, 1.0, 10.0]) * C.TeV
    a = pp.emissivity(E, J, 1.0, "gamma", Emax)
    b = pp.emissivity(E, J, 3.0, "gamma", Emax, enhancement=1.5)
    np.testing.assert_allclose(b, 4.5 * a, rtol=1e-12)
    assert pp.nuclear_enhancement() == 1.0
    eps = pp.nuclear_enhancement(he_gas=0.079, he_cr=0.08)
    assert 1.4 < eps < 1.8
    with pytest.raises(ValueError, match="he_gas"):
        pp.nuclear_enhancement(he_gas=-1)


def test_bad_species():
    with pytest.raises(ValueError, match="species = 'mu'"):
        pp.emissivity(np.array([1.0]), lambda E: E, 1.0, "mu")
