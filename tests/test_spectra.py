"""The naima-style public API: CGMEmission."""

import astropy.units as u
import numpy as np
import pytest

from crescape import constants as C
from crescape.params import ParameterError, Parameters
from crescape.physics import emission, oscillation
from crescape.physics.spectrum import energy_norm
from crescape.spectra import CGMEmission


@pytest.fixture(scope="module")
def model():
    return CGMEmission(Parameters.from_flat({"delta_G": 100}))


def test_units_and_shapes(model):
    E = [1, 10, 100] * u.TeV
    assert model.spectrum(E, "nu_mu").unit == u.Unit("1 / (GeV cm2 s sr)")
    sed = model.sed(E, "nu_all")
    assert sed.unit == u.Unit("GeV / (cm2 s sr)") and sed.shape == (3,)
    assert model.emissivity(E, "e").unit == u.Unit("1 / (GeV cm3 s)")
    assert model.proton_density(E).unit == u.Unit("1 / (GeV cm3)")


def test_flavours_sum_to_all(model):
    E = np.logspace(0, 5, 6) * u.GeV
    tot = sum(model.spectrum(E, f) for f in ("nu_e", "nu_mu", "nu_tau"))
    np.testing.assert_allclose(tot.value, model.spectrum(E, "nu_all").value, rtol=1e-10)


def test_flavour_ratio_near_one_third(model):
    E = [1, 10] * u.TeV
    tot = model.spectrum(E, "nu_all")
    for f in ("nu_e", "nu_mu", "nu_tau"):
        r = (model.spectrum(E, f) / tot).value
        np.testing.assert_allclose(r, 1 / 3, atol=0.03)
    # the source ratio ν_μ/ν_e = 1 + F_νμ1/F_e: below 2 because ν_μ^(1) is harder to
    # produce at high x (KAB06 Eq. 66, x < 0.427), ≈ 1.75 at 1 TeV for an E^-2 spectrum
    q = (model.emissivity(E, "nu_mu") / model.emissivity(E, "nu_e")).value
    assert np.all((q > 1.6) & (q < 1.9))
    P = oscillation.transition_matrix()
    assert P.shape == (3, 3)


def test_delta_G_scaling(model):
    m2 = CGMEmission(Parameters.from_flat({"delta_G": 400}))
    E = [10, 100] * u.TeV
    ratio = (m2.sed(E, "nu_all") / model.sed(E, "nu_all")).value
    np.testing.assert_allclose(ratio, 4**1.5, rtol=1e-10)


def test_vs_paper_eq16_yield(model):
    """Eq. (16) with the geometry factor replaced by ours, η·yield by the spectrum-weighted
    KAB06 energy fraction and σ by σ_inel: matches our full result within 15% in the flat part."""
    p = model.params.cgs
    E = 10 * u.TeV
    full = model.sed(E, "nu_all").to_value("erg / (cm2 s sr)")
    E2phi = p.L_CR / (2 * np.pi * p.R_d**2 * energy_norm(p.slope, p.E_min, p.E_max))
    from crescape.physics import pp

    Ep = 10 * E.to_value(u.erg)
    Z = pp.energy_fraction(Ep, "nu_e") + pp.energy_fraction(Ep, "nu_mu")
    eq16 = emission.neutrino_E2_flux_eq16(
        E2phi, model.v_A, model.n_target, p.R_d, 1.0, pp.sigma_inel(Ep), Z
    )
    eq16 *= model.paper_geometry_ratio()
    assert full / eq16 == pytest.approx(1.0, rel=0.15, abs=0)


def test_gamma_absorption_only_at_high_energy(model):
    E = [1, 100, 500] * u.TeV
    r = (model.spectrum(E, "gamma") / model.spectrum(E, "gamma_unabsorbed")).value
    assert r[0] == pytest.approx(1.0, abs=1e-6)
    assert r[1] > 0.99
    m = CGMEmission(Parameters.from_flat({"delta_G": 100, "E_max": "100 PeV"}))
    r2 = (m.spectrum([2] * u.PeV, "gamma") / m.spectrum([2] * u.PeV, "gamma_unabsorbed")).value
    assert 0.2 < r2[0] < 0.6


def test_slope_and_cutoff_variants():
    E = [1, 10, 100] * u.TeV
    for flat in ({"slope": 2.3}, {"cutoff": "exponential"}, {"E_max": "10 PeV"}):
        m = CGMEmission(Parameters.from_flat({"delta_G": 10, **flat}))
        v = m.sed(E, "nu_all").value
        assert np.all(np.isfinite(v) & (v > 0))
    steep = CGMEmission(Parameters.from_flat({"delta_G": 10, "slope": 2.3}))
    v = steep.sed(E, "nu_all").value
    assert v[2] < v[0]


def test_radio_scaling_and_order(model):
    r = model.radio_flux_density([1.4] * u.GHz)
    S = r["S_all_sky"].to_value(u.Jy)[0]
    assert 0.01 < S < 1.0
    m10 = CGMEmission(Parameters.from_flat({"delta_G": 10}))
    S10 = m10.radio_flux_density([1.4] * u.GHz)["S_all_sky"].to_value(u.Jy)[0]
    # IC on the CMB dominates the losses, so S ∝ δG^1.5 (the field does not depend on δG)
    assert S / S10 == pytest.approx(10**1.5, rel=0.02, abs=0)


@pytest.mark.parametrize("delta_G", [1, 100])
@pytest.mark.parametrize("nu", [1.4e8, 1.4e9, 1.4e10])
def test_radio_inner_hand_estimate(delta_G, nu):
    """4πν j_ν ≈ ½ (u_B/(u_B + u_CMB)) E ∫_E Q dE' at the electron energy radiating at ν,
    in the field δB of Eq. (8) (measured ratio 1.05-1.09)."""
    m = CGMEmission(Parameters.from_flat({"delta_G": delta_G}))
    j = m.radio_emissivity([nu] * u.Hz).to_value("erg / (s cm3 Hz sr)")[0]
    B = m.delta_B
    E = np.sqrt(nu / 0.5 / (3 * C.e * B / (4 * np.pi * C.m_e * C.c))) * C.m_e_c2
    q = m.emissivity([E] * u.erg, "e").to_value("1 / (erg cm3 s)")[0]
    uB = B**2 / (8 * np.pi)
    hand = 0.5 * uB / (uB + C.u_cmb) * E**2 * q  # for a locally E^-2 injection
    # j_ν ~ 1e-51..1e-47: relative tolerance only
    assert 4 * np.pi * nu * j == pytest.approx(hand, rel=0.15, abs=0)


def test_radio_emissivity_is_the_field_table_at_delta_B(model):
    """The inner-region j_ν is the row B = δB of the table used for the flux density."""
    nu = np.array([1.4e8, 1.4e9])
    Bs, j = model._radio_tables(nu)
    assert Bs[-1] == pytest.approx(model.delta_B, rel=1e-12, abs=0)
    got = model.radio_emissivity(nu * u.Hz).to_value("erg / (s cm3 Hz sr)")
    np.testing.assert_allclose(got, j[-1], rtol=1e-12, atol=0)


def test_radio_emissivity_reference_value():
    """j_ν(1.4 GHz) at δ_G = 1 with the paper's defaults: 3.38e-51 erg/(s cm3 Hz sr)."""
    m = CGMEmission(Parameters())
    j = m.radio_emissivity([1.4] * u.GHz).to_value("erg / (s cm3 Hz sr)")[0]
    assert j == pytest.approx(3.382e-51, rel=0.01, abs=0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m: m.spectrum(u.Quantity([1, 2]), "nu_mu"), "E = .* dimensionless Quantity"),
        (lambda m: m.spectrum([1] * u.cm, "nu_mu"), "wrong unit"),
        (lambda m: m.spectrum([-1] * u.TeV, "nu_mu"), "> 0"),
        (lambda m: m.spectrum([1] * u.TeV, "e"), "electrons stay"),
        (lambda m: m.spectrum([1] * u.TeV, "mu"), "species = 'mu'"),
        (lambda m: m.emissivity([1] * u.TeV, "nu_tau"), "species = 'nu_tau'"),
    ],
)
def test_bad_input(model, call, match):
    with pytest.raises(ParameterError, match=match):
        call(model)


def test_bad_options():
    with pytest.raises(ParameterError, match="sigma_model"):
        CGMEmission(sigma_model="x")
    with pytest.raises(ParameterError, match="enhancement"):
        CGMEmission(enhancement=-1)


def test_igrb_limit_scaling_and_value():
    """The δ_G at which the CGM γ rays reach the IGRB; the model scales as δ_G^1.5."""
    from crescape.reproduction.spectra import igrb_limit

    res = igrb_limit(Parameters())
    d = res["delta_G_exceeds_IGRB"]
    assert 30 < d < 150
    assert res["delta_G_exceeds_IGRB_plus_1sigma"] <= d * 1.5
    # at that δ_G the model equals the IGRB in the limiting band
    ratios = np.array(res["ratio_model_to_IGRB_at_delta_G_100_per_band"]) * (d / 100) ** 1.5
    measured = [
        b not in res["bands_consistent_with_zero_GeV"]
        for b in [[lo, hi] for lo, hi in zip(*_band_edges(), strict=True)]
    ]
    assert np.max(ratios[np.array(measured)]) == pytest.approx(1.0, rel=1e-6, abs=0)


def _band_edges():
    from crescape.data import load

    t = load("fermi_igrb_ackermann2015")
    t = t[t["model"] == "A"]
    return u.Quantity(t["E_min"]).to_value(u.GeV), u.Quantity(t["E_max"]).to_value(u.GeV)


# --- units at the public edge (docs/units.md) -----------------------------------------------


@pytest.mark.parametrize(
    "method, quantity, plain",
    [
        ("sed", 100 * u.TeV, 1e5),  # plain energies in GeV
        ("spectrum", 1 * u.PeV, 1e6),
        ("emissivity", 10 * u.TeV, 1e4),
        ("proton_density", 1 * u.erg, 1 / 1.602176634e-3),
        ("electron_density", 10 * u.GeV, 10.0),
        ("radio_emissivity", 21.106 * u.cm, 1.42041e9),  # a wavelength; plain numbers in Hz
    ],
)
def test_plain_numbers_are_in_the_documented_unit(model, method, quantity, plain):
    fn = getattr(model, method)
    a, b = fn(quantity), fn(plain)
    assert a.unit == b.unit
    np.testing.assert_allclose(a.value, b.value, rtol=1e-4, atol=0)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda m: m.sed(1 * u.s), "E"),
        (lambda m: m.electron_density(1 * u.GeV, B=1 * u.kpc), "B"),
        (lambda m: m.radio_emissivity(1 * u.G), "nu"),
        (lambda m: m.sed(True), "E"),
        (lambda: CGMEmission(R_out=1 * u.GeV), "R_out"),
        (lambda: CGMEmission(E_ref=3 * u.kpc), "E_ref"),
        (lambda: CGMEmission(enhancement=True), "enhancement"),
    ],
)
def test_wrong_dimension_names_the_argument(model, call, name):
    with pytest.raises(ParameterError, match=rf"^{name} = "):
        call(model) if call.__code__.co_argcount else call()


def test_lengths_in_kpc_and_energies_in_gev():
    a = CGMEmission(R_out=200, R_sun=8.178, E_ref=1)
    b = CGMEmission(R_out=200 * u.kpc, R_sun=8.178 * u.kpc, E_ref=1 * u.GeV)
    assert a.geometry == b.geometry
    assert a.E_ref == b.E_ref


HARD_BREAK = Parameters().replace(slope=1.2, slope_high=3.2, E_break="700 TeV", E_max="100 PeV")


def test_field_energy_default_is_the_peak():
    # the paper's s = 2 (and any s >= 2 from E_min = 1 GeV): the peak is 1 GeV, bit for bit
    for p in (Parameters(), Parameters().replace(slope=2.3)):
        a, b = CGMEmission(p), CGMEmission(p, E_ref=1 * u.GeV)
        assert (a.E_ref, a.field_energy, b.field_energy) == (C.GeV, "peak", "fixed")
        assert a.v_A == b.v_A and a.delta_B == b.delta_B
    # a hard spectrum below a break: the field of the break, δB ∝ E^{(2-s)/2} (Eq. 8)
    a, b = CGMEmission(HARD_BREAK), CGMEmission(HARD_BREAK, E_ref=1)
    # a string with a unit is an energy like any other (only 'peak' is the keyword)
    assert CGMEmission(HARD_BREAK, E_ref="1 GeV").E_ref == b.E_ref == C.GeV
    assert isinstance(a.E_ref, float)
    assert a.E_ref == pytest.approx(7e5 * C.GeV, rel=1e-12, abs=0)
    assert a.delta_B / b.delta_B == pytest.approx(7e5**0.4, rel=1e-12, abs=0)
    assert a.v_A / b.v_A == pytest.approx(7e5**0.4, rel=1e-12, abs=0)
    # the emission is ∝ 1/ṽ_A
    E = [1e3, 1e5] * u.GeV
    np.testing.assert_allclose(
        (b.sed(E, "nu_all") / a.sed(E, "nu_all")).value, 7e5**0.4, rtol=1e-12, atol=0
    )


@pytest.mark.parametrize(
    "E_ref, match",
    [("peaks", "E_ref = 'peaks' is not allowed"), ([1, 2] * u.GeV, "must be one energy")],
)
def test_bad_field_energy(E_ref, match):
    with pytest.raises(ParameterError, match=match):
        CGMEmission(E_ref=E_ref)
