"""The cascade of the absorbed γ rays: the universal spectrum and its bookkeeping in the population."""

import json
import math

import astropy.units as u
import numpy as np
import pytest
from scipy.integrate import quad

from crescape import constants as C
from crescape import population as P
from crescape.cli import main
from crescape.params import ParameterError
from crescape.physics import cascade as K

GeV = C.GeV

# ---------------------------------------------------------------- the universal spectrum


def _energy_integral(omega, E_c, E_X, lo_factor=1e-30):
    """∫ E dN/dE dE by quad in ln E, split at E_X and E_c (below E_X down to lo_factor E_X)."""
    X = min(E_X, E_c)

    def f(lnE):
        E = math.exp(lnE)
        return E * E * float(K.spectrum(E, omega, E_c, E_X))

    kw = dict(epsabs=0, epsrel=1e-13, limit=400)
    below = quad(f, math.log(X * lo_factor), math.log(X), **kw)[0]
    above = quad(f, math.log(X), math.log(E_c), **kw)[0] if E_c > X else 0.0
    return below + above


@pytest.mark.parametrize(
    ("E_c_GeV", "E_X_GeV"), [(100.0, 0.0081), (500.0, 1.0), (1e5, 2e4), (10.0, 30.0)]
)
def test_spectrum_carries_the_energy(E_c_GeV, E_X_GeV):
    # ∫ E dN/dE dE = ω; the part below 1e-30 E_X is sqrt(1e-30) of 2/(2+L): 1e-15
    omega = 3.7e-38
    got = _energy_integral(omega, E_c_GeV * GeV, E_X_GeV * GeV)
    assert got == pytest.approx(omega, rel=1e-10, abs=0)


def test_spectrum_slopes_continuity_and_cutoff():
    E_c, E_X = 300.0 * GeV, 0.05 * GeV
    s = lambda E: float(K.spectrum(E, 1.0, E_c, E_X))  # noqa: E731
    # -3/2 below E_X, -2 between E_X and E_c
    assert math.log(s(1e-3 * E_X) / s(1e-5 * E_X)) / math.log(100) == pytest.approx(
        -1.5, rel=1e-12, abs=0
    )
    assert math.log(s(10 * E_X) / s(1000 * E_X)) / math.log(1e-2) == pytest.approx(
        -2.0, rel=1e-12, abs=0
    )
    # continuous at E_X, zero above E_c
    assert s(E_X * (1 - 1e-9)) == pytest.approx(s(E_X * (1 + 1e-9)), rel=1e-8, abs=0)
    assert s(E_c) > 0 and s(E_c * (1 + 1e-12)) == 0.0
    # K = ω / (E_X² (2 + ln(E_c/E_X))) at E_X
    assert s(E_X) == pytest.approx(1.0 / (E_X**2 * (2 + math.log(E_c / E_X))), rel=1e-12, abs=0)


def test_energy_fraction_below_is_the_integral():
    E_c, E_X = 300.0 * GeV, 0.05 * GeV

    def f(lnE):
        return math.exp(lnE) ** 2 * float(K.spectrum(math.exp(lnE), 1.0, E_c, E_X))

    kw = dict(epsabs=0, epsrel=1e-13, limit=400)
    for E in (1e-4 * E_X, E_X, 7 * E_X, 0.3 * E_c, E_c, 3 * E_c):
        top = math.log(min(E, E_X))
        part = quad(f, top - math.log(1e30), top, **kw)[0]
        if E > E_X:
            part += quad(f, math.log(E_X), math.log(min(E, E_c)), **kw)[0]
        assert float(K.energy_fraction_below(E, E_c, E_X)) == pytest.approx(part, rel=1e-9, abs=0)


def test_mean_cmb_photon_energy_is_u_over_n():
    # the Planck law integrated numerically: ε̄/kT = ∫x³/(eˣ-1) / ∫x²/(eˣ-1)
    num = quad(lambda x: x**3 / math.expm1(x), 0, 200, epsabs=0, epsrel=1e-13)[0]
    den = quad(lambda x: x**2 / math.expm1(x), 0, 200, epsabs=0, epsrel=1e-13)[0]
    assert K.MEAN_PHOTON_ENERGY_FACTOR == pytest.approx(num / den, rel=1e-10, abs=0)
    # 2.701 k T: 6.34e-4 eV today
    assert float(K.mean_photon_energy(C.T_cmb)) / C.eV == pytest.approx(6.344e-4, rel=1e-3, abs=0)


def test_break_energy_is_ic_of_half_the_energy():
    # E_X = (4/3) γ² ε̄(z), γ = E_c / (2 m_e c²), ε̄(z) = 2.701 k T0 (1+z)
    E_c, z = 200.0 * GeV, 1.5
    gamma = E_c / (2 * C.m_e_c2)
    expect = 4 / 3 * gamma**2 * K.MEAN_PHOTON_ENERGY_FACTOR * C.k_B * C.T_cmb * (1 + z)
    assert float(K.break_energy(E_c, z)) == pytest.approx(expect, rel=1e-12, abs=0)
    # 8.1 MeV for 100 GeV today
    assert float(K.break_energy(100 * GeV, 0.0)) / GeV == pytest.approx(8.10e-3, rel=2e-3, abs=0)


def test_unit_depth_energy_on_a_power_law():
    # τ = (E/E1)^2 on a coarse grid: ln τ is linear in ln E, so the crossing is exact
    E = np.geomspace(1.0, 1e4, 9)
    E1 = np.array([37.0, 3.0])
    tau = (E[:, None] / E1) ** 2
    np.testing.assert_allclose(K.unit_depth_energy(E, tau), E1, rtol=1e-12)
    # τ >= 1 at the first point: E[0]; never 1: E[-1]
    assert K.unit_depth_energy(E, np.full(E.size, 2.0)) == 1.0
    assert K.unit_depth_energy(E, np.full(E.size, 0.5)) == 1e4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: K.spectrum(1.0, -1.0, 2.0, 1.0), "omega = -1"),
        (lambda: K.spectrum(1.0, 1.0, 0.0, 1.0), "E_c = 0"),
        (lambda: K.spectrum(1.0, 1.0, 2.0, float("nan")), "E_X = nan"),
        (lambda: K.unit_depth_energy([2.0, 1.0], [0.1, 2.0]), "must be increasing"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


# ---------------------------------------------------------------- the population's cascade


@pytest.fixture(scope="module")
def pop():
    return P.CosmicPopulation(10)


def _direct_absorbed_per_node(pop, E, z):
    """Unabsorbed minus absorbed energy emissivity [erg s⁻¹ cm⁻³] at each node, from the direct γ rays."""
    Eem = np.multiply.outer(E, 1 + z)
    q = pop._emissivity("gamma")(Eem, z)
    tau = pop._optical_depth(E, z)
    lnE = np.log(E)
    bare = np.trapezoid(Eem**2 * q, lnE, axis=0)
    kept = np.trapezoid(Eem**2 * q * np.exp(-tau), lnE, axis=0)
    return bare - kept


def test_absorbed_energy_is_the_direct_photons_removed(pop):
    # ω_abs(z) at every node = (unabsorbed - absorbed) direct energy emissivity on the budget's grid
    b = pop.cascade_budget
    E = P._cascade_grid()[:: P._CASCADE_STRIDE]
    want = _direct_absorbed_per_node(pop, E, b["z"])
    np.testing.assert_allclose(b["absorbed"], want, rtol=1e-6, atol=0)
    assert np.all(b["absorbed"] > 0)


def test_absorbed_energy_grid_is_converged(pop):
    # 4× the emissivity points (40 a decade) change ω_abs by < 1e-3 at every node
    b = pop.cascade_budget
    fine = _direct_absorbed_per_node(pop, P._cascade_grid(), b["z"])
    np.testing.assert_allclose(b["absorbed"], fine, rtol=1e-3, atol=0)


def test_cascade_emitted_and_escaping_energy_per_node(pop):
    b = pop.cascade_budget
    q = pop._cascade_emissivity()
    for j in range(0, b["z"].size, 7):
        zj = np.array([b["z"][j]])
        E_c, E_X = b["E_c"][j], b["E_X"][j]

        def f(lnE, zj=zj):
            E = math.exp(lnE)
            return E * E * float(q(np.array([[E]]), zj)[0, 0])

        kw = dict(epsabs=0, epsrel=1e-12, limit=400)
        emitted = quad(f, math.log(E_X * 1e-30), math.log(E_X), **kw)[0]
        emitted += quad(f, math.log(E_X), math.log(E_c), **kw)[0]
        # the spectrum handed to the background integral carries the emitted energy ...
        assert emitted == pytest.approx(b["emitted"][j], rel=1e-9, abs=0)
        # ... of which the share f is absorbed again and recycled: what escapes is ω_abs
        assert emitted * (1 - b["reabsorbed"][j]) == pytest.approx(
            b["absorbed"][j], rel=1e-6, abs=0
        )


def test_reabsorbed_share_against_a_fine_quadrature(pop):
    # ∫ E'² q_cas (1 - e^-τ) d ln E' on 20001 points, τ evaluated directly, E_X on the grid
    b = pop.cascade_budget
    q = pop._cascade_emissivity()
    for j in (10, 40, 70, 95):
        opz, E_c, E_X = b["opz"][j], b["E_c"][j], b["E_X"][j]
        Eo = np.unique(np.concatenate([np.geomspace(1e-12 * E_X, E_c, 20001), [E_X]]) / opz)
        tau = pop._optical_depth(Eo, b["z"])[:, j]
        g = (Eo * opz) ** 2 * q((Eo * opz)[:, None], np.array([b["z"][j]]))[:, 0]
        share = np.trapezoid(g * -np.expm1(-tau), np.log(Eo)) / np.trapezoid(g, np.log(Eo))
        assert share == pytest.approx(b["reabsorbed"][j], rel=1e-3, abs=0)


def test_cached_halo_luminosity_is_the_emissivity(pop):
    b = pop.cascade_budget
    E = P._cascade_grid()[:: P._CASCADE_STRIDE]
    direct = pop._emissivity("gamma")(np.multiply.outer(E, b["opz"]), b["z"])
    cached = pop._number_density(b["z"]) * P._halo_gamma_on_cascade_grid(
        pop.emission, pop.z_max, pop.n_z
    )
    np.testing.assert_allclose(cached, direct, rtol=1e-12, atol=0)


def test_cutoff_is_where_tau_is_one(pop):
    b = pop.cascade_budget
    for j in (5, 50, 90):
        E_h = np.array([b["E_c"][j] / b["opz"][j]])
        assert pop._optical_depth(E_h, b["z"])[0, j] == pytest.approx(1.0, rel=2e-2, abs=0)
    np.testing.assert_allclose(b["E_X"], K.break_energy(b["E_c"], b["z"]), rtol=1e-12)


def _energy_today(E, I):
    """∫ E I dE [GeV cm⁻² s⁻¹ sr⁻¹], trapezoid in ln E, E [erg], I [1/(erg cm² s sr)]."""
    return float(np.trapezoid(E**2 * I, np.log(E))) / GeV


def test_cascade_energy_today_against_the_absorbed_energy(pop):
    # the cascade at Earth carries the energy the direct γ rays lost (0.1 GeV-1e8 GeV, the
    # budget's range): <= the bound of absorbed_energy_intensity, equal within the
    # quadratures (ratio 0.99975), since the re-absorbed cascade photons are recycled
    E = np.geomspace(1e-7, 1e9, 3000) * GeV
    cas = _energy_today(E, pop.cascade_intensity(E * u.erg).to_value("1 / (erg cm2 s sr)"))
    bound = pop.absorbed_energy_intensity(0.1 * u.GeV, 1e8 * u.GeV).value
    assert 0.998 < cas / bound < 1.0002
    # against the default band (10 GeV-1e8 GeV) it is 2.8% more: what the table's clamped
    # τ takes out below 10 GeV
    assert cas / pop.absorbed_energy_intensity().value == pytest.approx(1.028, rel=2e-3, abs=0)


def test_direct_plus_cascade_conserve_the_energy():
    # direct (absorbed) + cascade = unabsorbed, in energy today
    E = np.geomspace(0.1, 1e8, 2000) * GeV
    wide = np.geomspace(1e-7, 1e9, 3000) * GeV
    on = P.CosmicPopulation(10)
    bare = _energy_today(E, P.CosmicPopulation(10, ebl=False, cmb=False)._intensity(E, "gamma"))
    direct = _energy_today(E, P.CosmicPopulation(10, cascade=False)._intensity(E, "gamma"))
    cas = _energy_today(wide, on.cascade_intensity(wide * u.erg).to_value("1 / (erg cm2 s sr)"))
    assert direct < 0.8 * bare
    assert (direct + cas) / bare == pytest.approx(1.0, rel=5e-4, abs=0)


def test_intensity_is_direct_plus_cascade(pop):
    E = [1, 10, 100, 1000] * u.GeV
    off = P.CosmicPopulation(10, cascade=False)
    np.testing.assert_allclose(
        pop.intensity(E, "gamma").value,
        off.intensity(E, "gamma").value + pop.cascade_intensity(E).value,
        rtol=1e-12,
    )
    # the cascade does not touch the neutrinos; the accessor is the same with cascade=False
    np.testing.assert_allclose(
        pop.intensity(E, "nu_mu").value, off.intensity(E, "nu_mu").value, rtol=0, atol=0
    )
    np.testing.assert_allclose(
        off.cascade_intensity(E).value, pop.cascade_intensity(E).value, rtol=1e-12
    )


def test_no_absorption_no_cascade():
    bare = P.CosmicPopulation(10, ebl=False, cmb=False)
    E = [1, 100, 1e4] * u.GeV
    assert np.all(bare.cascade_intensity(E).value == 0)
    assert np.all(bare.cascade_budget["absorbed"] == 0)
    np.testing.assert_array_equal(
        bare.intensity(E, "gamma").value,
        P.CosmicPopulation(10, ebl=False, cmb=False, cascade=False).intensity(E, "gamma").value,
    )
    assert bare.assumptions["cascades"].startswith("not included")


def test_cascade_at_earth_is_about_E_minus_2(pop):
    # between the IC break (MeV-GeV) and the cutoffs (70-500 GeV emitted at τ = 1)
    I = pop.cascade_intensity([1, 10, 30] * u.GeV).value
    assert math.log(I[1] / I[0]) / math.log(10) == pytest.approx(-2.0, rel=0.02, abs=0)
    assert -2.3 < math.log(I[2] / I[1]) / math.log(3) < -1.9
    # and it softens above 30 GeV, where the horizon cuts the cascade of z > 1
    J = pop.cascade_intensity([30, 100] * u.GeV).value
    assert math.log(J[1] / J[0]) / math.log(100 / 30) < -2.3


def test_cascade_share_at_10_and_100_GeV(pop):
    # the numbers of docs/population.md (independent of δ_G)
    E = [10, 100] * u.GeV
    share = pop.cascade_intensity(E).value / pop.intensity(E, "gamma").value
    assert share[0] == pytest.approx(0.470, rel=5e-3, abs=0)
    assert share[1] == pytest.approx(0.383, rel=5e-3, abs=0)


def test_assumptions_and_redshift_fraction(pop):
    assert "Berezinsky" in pop.assumptions["cascades"] and "recycled" in pop.assumptions["cascades"]
    assert "cascade=False" in P.CosmicPopulation(10, cascade=False).assumptions["cascades"]
    # the fraction beyond z_cut counts the cascade too: beyond z = 1e-6 it is all of it
    assert pop.redshift_fraction("gamma", 100 * u.GeV, 1e-6) == pytest.approx(1.0, rel=1e-9, abs=0)
    assert 0 < pop.redshift_fraction("gamma", 10 * u.GeV, 2.0) < 1


def test_cli_cascade_flag(capsys):
    assert main(["population", "--delta-G", "10", "--json"]) == 0
    on = json.loads(capsys.readouterr().out)
    assert main(["population", "--delta-G", "10", "--json", "--no-cascade"]) == 0
    off = json.loads(capsys.readouterr().out)
    assert on["cascade"] is True and off["cascade"] is False
    assert off["assumptions"]["cascades"].startswith("not included")
    # γ at 100 GeV: with the cascade = without + the cascade part (stated in both)
    assert on["gamma_cascade_100GeV"] == pytest.approx(
        off["gamma_cascade_100GeV"], rel=1e-12, abs=0
    )
    assert on["numbers"]["gamma_100GeV"] == pytest.approx(
        off["numbers"]["gamma_100GeV"] + on["gamma_cascade_100GeV"], rel=1e-10, abs=0
    )
