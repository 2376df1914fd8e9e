"""Flux conventions: per flavour <-> all flavours, and Fermi band intensities -> E^2 dN/dE."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from crescape import data

E2 = u.Unit("GeV / (cm2 s sr)")


@pytest.mark.parametrize(
    "name", ["icecube_2025_combinedfit", "icecube_segmented_km3net", "icecube_diffuse_bestfits"]
)
def test_per_flavour_round_trip_on_tables(name):
    t = data.load(name)
    allf = data.per_flavour_to_all(t)
    assert allf.meta["flux_convention"]["flavour"] == "all"
    for col in t.meta["flux_columns"]:
        np.testing.assert_allclose(allf[col], 3 * t[col], rtol=1e-15)
        assert allf[col].unit == t[col].unit
    back = data.all_to_per_flavour(allf)
    assert back.meta["flux_convention"]["flavour"] == "per flavour"
    for col in t.meta["flux_columns"]:
        np.testing.assert_allclose(back[col], t[col], rtol=1e-14)
    # the input is untouched
    assert t.meta["flux_convention"]["flavour"] == "per flavour"
    assert len(back.meta["conversions"]) == 2


def test_icecube_2015_per_flavour_matches_source_column():
    # the source gives E2Phi_perflavor = all / 3 rounded: 3.1, 7.533, 1.867, 1.067, 1.433, 0, 2.3, 0, 0
    pf = data.all_to_per_flavour(data.load("icecube_2015_differential"))
    ref = np.array([3.1, 7.533, 1.867, 1.067, 1.433, 0, 2.3, 0, 0]) * 1e-8
    np.testing.assert_allclose(pf["E2Phi"], ref, atol=1e-11)


def test_converting_the_wrong_convention_raises():
    with pytest.raises(ValueError, match="flavour = 'per flavour'"):
        data.all_to_per_flavour(data.load("icecube_2025_mese"))
    with pytest.raises(ValueError, match="flavour = 'all'"):
        data.per_flavour_to_all(data.load("icecube_2015_differential"))
    with pytest.raises(ValueError, match="not applicable"):
        data.per_flavour_to_all(data.load("fermi_igrb_ackermann2015"))


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-12, 1e-5))
def test_round_trip_on_quantities(x):
    q = x * E2
    assert data.per_flavour_to_all(q).unit == E2
    assert data.all_to_per_flavour(data.per_flavour_to_all(q)).value == pytest.approx(
        x, rel=1e-14, abs=0
    )
    assert data.per_flavour_to_all(x) == pytest.approx(3 * x, rel=1e-6, abs=0)


# ----------------------------------------------------------------------- Fermi bands


@pytest.mark.parametrize("index", [1.0, 1.5, 2.0, 2.32, 3.0, 4.5])
def test_band_conversion_is_exact_for_a_power_law(index):
    """A pure power law integrated over a band is converted back to its own E^2 dN/dE."""
    e1, e2 = 3.0, 7.0  # GeV
    K = 2.5e-7

    def f(e):
        return K * e**-index

    band = quad(f, e1, e2, epsabs=0, epsrel=1e-12)[0]
    t = data.load("fermi_igrb_ackermann2015")[:1]
    t["E_min"] = [e1 * 1e3] * u.MeV
    t["E_max"] = [e2 * 1e3] * u.MeV
    t["I_IGRB"] = [band] * t["I_IGRB"].unit
    out = data.fermi_band_to_e2dnde(t, index=index)
    ec = np.sqrt(e1 * e2)
    assert out["E_c"][0] == pytest.approx(ec, rel=1e-6, abs=0)
    assert out["E2dNdE"][0] == pytest.approx(ec**2 * f(ec), rel=1e-10, abs=0)


def test_gamma_2_is_the_source_file_estimate():
    t = data.load("fermi_igrb_ackermann2015")
    a = t[t["model"] == "A"]
    out = data.fermi_band_to_e2dnde(t)
    emin, emax = a["E_min"].quantity.to_value(u.GeV), a["E_max"].quantity.to_value(u.GeV)
    ref = emin * emax * a["I_IGRB"] / (emax - emin)  # E_c^2 I / (E_max - E_min)
    np.testing.assert_allclose(out["E2dNdE"].quantity.to_value(E2), ref, rtol=1e-12)
    np.testing.assert_allclose(
        out["E2dNdE_err_up"] / out["E2dNdE"], a["I_IGRB_err_up"] / a["I_IGRB"], rtol=1e-12
    )
    assert out["E2dNdE"].unit == E2 and out["E_c"].unit == u.GeV
    assert len(out) == 26 and set(out["model"]) == {"A"}
    # the index inside the band barely matters for sqrt(2)-wide bands (documented: -0.4%)
    steep = data.fermi_band_to_e2dnde(t, index=2.32)
    np.testing.assert_allclose(steep["E2dNdE"] / out["E2dNdE"], 0.9963, atol=5e-4)


def _fit_E2dNdE(E_GeV, fit):
    E_MeV = E_GeV * 1e3
    dnde = fit["I_100"] * (E_MeV / 100.0) ** -fit["gamma"] * np.exp(-E_GeV / fit["E_cut"])
    return dnde * E_MeV**2 * 1e-3  # MeV^-1 * MeV^2 -> MeV -> GeV


def test_fermi_conversion_agrees_with_published_cutoff_power_law():
    """Acceptance: the converted IGRB (model A) follows the fit Γ = 2.32, E_cut = 279 GeV
    to within the band errors (statistical + instrumental)."""
    fit = data.load("fermi_igrb_fit_ackermann2015")
    fit = fit[fit["component"] == "IGRB"][0]
    assert (fit["gamma"], fit["E_cut"]) == (2.32, 279.0)
    out = data.fermi_band_to_e2dnde(data.load("fermi_igrb_ackermann2015"), index=2.32)
    model = _fit_E2dNdE(out["E_c"].quantity.to_value(u.GeV), fit)
    val = out["E2dNdE"].quantity.to_value(E2)
    err = np.where(model > val, out["E2dNdE_err_up"], out["E2dNdE_err_lo"]).astype(float)
    pull = (model - val) / err
    assert np.all(np.abs(pull) < 2.5), pull
    assert np.sqrt(np.mean(pull**2)) < 1.0
    # a wrong cutoff (or none) is excluded by the same points: the test can fail
    no_cut = dict(I_100=fit["I_100"], gamma=fit["gamma"], E_cut=1e9)
    pull_nc = (_fit_E2dNdE(out["E_c"].quantity.to_value(u.GeV), no_cut) - val) / out[
        "E2dNdE_err_up"
    ]
    assert np.sqrt(np.mean(pull_nc**2)) > 1.5


def test_fermi_bad_inputs():
    t = data.load("fermi_igrb_ackermann2015")
    with pytest.raises(ValueError, match="column = 'I_x'"):
        data.fermi_band_to_e2dnde(t, "I_x")
    with pytest.raises(ValueError, match="model = 'D'"):
        data.fermi_band_to_e2dnde(t, model="D")
    with pytest.raises(ValueError, match="index"):
        data.fermi_band_to_e2dnde(t, index=np.nan)
