"""The halo-mass weighting: Eisenstein & Hu (1998) σ(M), Tinker et al. (2008) f(σ), Moster et al. (2013)."""

import math

import astropy.units as u
import numpy as np
import pytest
from astropy.cosmology import Planck18

from crescape import massfunction as MF
from crescape.cli import main
from crescape.errors import ParameterError
from crescape.population import CosmicPopulation


def _mass_of_radius(R_Mpc):
    return 4.0 * math.pi / 3.0 * float((Planck18.Om0 * Planck18.critical_density0).to_value(
        u.Msun / u.Mpc**3)) * R_Mpc**3  # fmt: skip


def test_sigma8_is_reproduced():
    # the normalisation: σ(R = 8 h⁻¹ Mpc) = σ8 of Planck18 (Planck 2018 VI, Table 2: 0.8102)
    M8 = _mass_of_radius(8.0 / Planck18.h)
    assert float(MF.mass_variance(M8)) == pytest.approx(0.8102, rel=1e-9, abs=0)


def test_sigma_falls_with_mass_and_grows_with_time():
    s = MF.mass_variance(np.geomspace(1e8, 1e15, 8) * u.Msun)
    assert np.all(np.diff(s) < 0)
    # a growing mode: σ(z = 1) < σ(z = 0), D(1)/D(0) ≈ 0.61 for Planck18 (Ω_m ≈ 0.31)
    r = float(MF.mass_variance(1e12, z=1.0) / MF.mass_variance(1e12))
    assert 0.58 < r < 0.64


def test_tinker08_table2_delta200():
    # Tinker et al. (2008), Table 2, Δ = 200: A = 0.186, a = 1.47, b = 2.57, c = 1.19
    p = MF.tinker08_parameters(0.0)
    for k, v in {"A": 0.186, "a": 1.47, "b": 2.57, "c": 1.19}.items():
        assert p[k] == pytest.approx(v, rel=1e-12, abs=0)
    # Eq. 8: log10 α = -[0.75/log10(200/75)]^1.2 → α = 0.010676
    assert p["alpha"] == pytest.approx(0.0106756, rel=1e-5, abs=0)
    # Eqs. 5-7 at z = 1
    p1 = MF.tinker08_parameters(1.0)
    assert p1["A"] == pytest.approx(0.186 * 2**-0.14, rel=1e-12, abs=0)
    assert p1["a"] == pytest.approx(1.47 * 2**-0.06, rel=1e-12, abs=0)
    assert p1["b"] == pytest.approx(2.57 * 2 ** -p["alpha"], rel=1e-12, abs=0)
    assert p1["c"] == pytest.approx(1.19, rel=1e-12, abs=0)


def test_tinker08_eq3():
    # f(σ) = A [(σ/b)^-a + 1] exp(-c/σ²) with the Table 2 values, at σ = 0.5 and 2
    for s in (0.5, 2.0):
        want = 0.186 * ((s / 2.57) ** -1.47 + 1.0) * math.exp(-1.19 / s**2)
        assert float(MF.tinker08_multiplicity(s)) == pytest.approx(want, rel=1e-12, abs=0)


def test_eisenstein_hu_limits_and_sound_horizon():
    T = MF.transfer_function([1e-5, 1e-1, 10.0] / u.Mpc)
    assert T[0] == pytest.approx(1.0, rel=1e-3, abs=0)
    assert np.all(np.diff(T) < 0)
    # Eq. 26 against Planck 2018 VI (Table 2) r_drag = 147.09 Mpc: the fit holds to ~2%
    assert MF.sound_horizon().to_value(u.Mpc) == pytest.approx(147.09, rel=0.03, abs=0)


def test_eisenstein_hu_no_wiggle_form_written_out():
    """T_0(k) through the suppression scale k ~ 1/(0.43 s), from Eisenstein & Hu (1998)
    Eqs. 26, 28-31 written out here for Planck 2018: pins every coefficient, including the
    0.43 of Γ_eff (Eq. 30), which no limit checks."""
    h, Om, Ob = Planck18.h, Planck18.Om0, Planck18.Ob0
    theta = Planck18.Tcmb0.to_value(u.K) / 2.7
    wm, wb, fb = Om * h * h, Ob * h * h, Ob / Om
    s = 44.5 * math.log(9.83 / wm) / math.sqrt(1 + 10 * wb**0.75)
    alpha = 1 - 0.328 * math.log(431 * wm) * fb + 0.38 * math.log(22.3 * wm) * fb**2
    for k in (0.005, 0.016, 0.03, 0.1):  # 1/Mpc
        gam = Om * h * (alpha + (1 - alpha) / (1 + (0.43 * k * s) ** 4))
        q = k / h * theta**2 / gam
        L0 = math.log(2 * math.e + 1.8 * q)
        want = L0 / (L0 + (14.2 + 731 / (1 + 62.5 * q)) * q * q)
        got = float(MF.transfer_function(k / u.Mpc))
        assert got == pytest.approx(want, rel=1e-12, abs=0), k


def test_collapsed_fraction_over_all_masses():
    # ∫ M n(M) dM over (almost) all masses against ρ̄_m: Tinker's f(σ) is not normalised
    # (f → A as σ → ∞, so the integral keeps growing like A ln σ at low mass); from
    # 1e-6 to 1e17 M_⊙ it holds 0.84 of the matter, over the calibrated 1e11-1e15 h⁻¹ M_⊙ 0.44.
    full = MF.collapsed_mass_fraction(1e-6, 1e17, n=600)
    calibrated = MF.collapsed_mass_fraction(1e11 / Planck18.h, 1e15 / Planck18.h)
    assert 0.75 < full < 1.0
    assert 0.3 < calibrated < full


def test_moster13_at_the_characteristic_mass():
    # Eq. 2 at M = M_1: m*/M = 2N/(1 + 1) = N = 0.0351 (Table 1, z = 0)
    M1 = 10**11.590
    assert float(MF.moster13_stellar_mass(M1) / M1) == pytest.approx(0.0351, rel=1e-12, abs=0)
    # z = 1: N = 0.0351 - 0.0247/2, M_1 = 10^(11.590 + 1.195/2)
    M1z = 10 ** (11.590 + 1.195 / 2)
    ratio = float(MF.moster13_stellar_mass(M1z, z=1.0) / M1z)
    assert ratio == pytest.approx(0.0351 - 0.0247 / 2, rel=1e-12, abs=0)


def test_halo_weighting_matches_the_stellar_mass_function():
    # Moster et al. (2013) matched halos to an observed stellar-mass function, so the two
    # weightings of the CR luminosity density must nearly agree at z = 0 (0.7% at β = 0.6, 9% at
    # β = 1, with Moster's M_200c converted to Tinker's M_200m)
    for beta in (0.6, 1.0):
        b = CosmicPopulation(10, mass_function="baldry2012", sfr_mass_slope=beta).mass_factor
        t = CosmicPopulation(10, mass_function="tinker2008", sfr_mass_slope=beta).mass_factor
        assert t == pytest.approx(b, rel=0.1, abs=0)
    Ms, w, _ = MF.halo_cr_luminosity_weights(0.6, n=16)
    assert np.sum(w) == pytest.approx(1.0, rel=1e-12, abs=0)
    assert 1e8 < Ms.min() < Ms.max() < 10**11.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: MF.tinker08_parameters(-1), "z = -1"),
        (lambda: MF.mass_variance(0), "M = 0"),
        (lambda: MF.transfer_function(-1), "k = -1"),
        (lambda: MF.collapsed_mass_fraction(1e12, 1e10), "M_min, M_max"),
        (lambda: MF.halo_cr_luminosity_weights(0.6, M_range=(1e12, 1e10)), "M_range"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_cli_tinker2008(capsys):
    code = main(["population", "--mass-function", "tinker2008", "--delta-G", "10"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Tinker et al. (2008)" in out and "Moster" in out
