"""The δ_G at which Eq. (17) meets the IceCube flux, against a hand calculation."""

from __future__ import annotations

import math
import warnings

import astropy.units as u
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crescape import constants as C
from crescape.analysis import icecube_match as im
from crescape.params import ParameterError, Parameters, ValidityWarning

E2 = u.Unit("GeV / (cm2 s sr)")


def eq17_by_hand(p):
    """Eq. (17) written out: (L/Λ)^1/2 (c ρ / 2π)^3/2 η σ_pp / m_p, ρ = Ω_b ρ_cr (δ_G = 1), in GeV."""
    lam = math.log(p.E_max / p.E_min)
    rho = p.Omega_b_h2 * p.rho_cr_h2
    val = math.sqrt(p.L_CR / lam) * (C.c * rho / (2 * math.pi)) ** 1.5 * p.eta * p.sigma_pp / C.m_p
    return val * p.nu_yield / C.GeV


def test_match_2015_fit_against_hand_calculation():
    p = Parameters().cgs
    f1 = eq17_by_hand(p)
    # sanity of the hand number: the paper's 5e-12 to within its one significant figure
    assert 4.5e-12 < f1 < 5.5e-12
    m = im.delta_G_match("combined_2015", flavour="all")
    # ApJ 809, 98: all-flavour f = 6.7 (+1.1 -1.2) x 1e-18 GeV^-1 cm^-2 s^-1 sr^-1 at 100 TeV
    assert m.measured.to_value(E2) == pytest.approx(6.7e-8, rel=1e-3, abs=0)
    assert m.model_at_1.to_value(E2) == pytest.approx(f1, rel=1e-10, abs=0)
    assert m.exponent == pytest.approx(1.5, abs=1e-10)
    assert m.delta_G == pytest.approx((6.7e-8 / f1) ** (2 / 3), rel=1e-3, abs=0)
    assert m.delta_G_lo == pytest.approx((5.5e-8 / f1) ** (2 / 3), rel=1e-3, abs=0)
    assert m.delta_G_hi == pytest.approx((7.8e-8 / f1) ** (2 / 3), rel=1e-3, abs=0)
    # with the paper's own 5e-12: (6.7e-8 / 5e-12)^(2/3) = 564
    assert m.delta_G_paper_norm == pytest.approx((6.7e-8 / 5e-12) ** (2 / 3), rel=1e-3, abs=0)
    assert 560 < m.delta_G_paper_norm < 570
    assert m.flavour == "all" and "809, 98" in m.citation


def test_per_flavour_reading_is_smaller_by_three_to_the_two_thirds():
    a = im.delta_G_match("combined_2015", flavour="all")
    pf = im.delta_G_match("combined_2015", flavour="per flavour")
    assert a.delta_G / pf.delta_G == pytest.approx(3 ** (2 / 3), rel=1e-10, abs=0)
    assert pf.measured.to_value(E2) == pytest.approx(2.233e-8, rel=1e-3, abs=0)


def test_per_flavour_reading_is_the_default_and_is_stated():
    """The default reading of Eq. (17) is per flavour: the 2015 combined fit (6.7/3 x 1e-8 per
    flavour at 100 TeV) is met at delta_G = 276 (574 in the all-flavour reading)."""
    assert im.DEFAULT_FLAVOUR == "per flavour"
    m = im.delta_G_match("combined_2015")
    f1 = eq17_by_hand(Parameters().cgs)
    assert m.flavour == "per flavour"
    assert m.delta_G == pytest.approx((6.7e-8 / 3 / f1) ** (2 / 3), rel=1e-3, abs=0)
    assert 270 < m.delta_G < 282
    d = m.as_dict()
    assert d["flavour"] == "per flavour" and "one flavour" in d["flavour_reading"]
    assert "summed over the three flavours" in im.flavour_reading("all")
    assert all(x.flavour == "per flavour" for x in im.match_all())


def test_model_closes_at_the_delta_found():
    from crescape.model import neutrino_E2_flux

    m = im.delta_G_match("combinedfit_2025")
    back = neutrino_E2_flux(Parameters.from_flat({"delta_G": m.delta_G}), 100 * u.TeV)
    assert back.to_value(E2) == pytest.approx(m.measured.to_value(E2), rel=1e-9, abs=0)


@pytest.mark.parametrize("error, closes", [(1e-3, False), (-2e-6, False), (3e-7, True)])
def test_closure_check_is_relative(error, closes):
    """The model flux at the δ_G found must equal the measured one to 1e-6 relative: a model off
    by 1e-3 (2e-11 in absolute terms, below np.isclose's default atol = 1e-8) is caught."""
    val = 2.233e-8 * E2
    model = val * (1.0 + error)
    if closes:
        im._check_closure(model, val)
    else:
        with pytest.raises(RuntimeError, match="does not close"):
            im._check_closure(model, val)


def test_closure_check_runs_in_the_match(monkeypatch):
    """delta_G_match checks the flux at the δ_G it found with the model it solved."""
    true = im.neutrino_E2_flux

    def off_at_the_match(params, *args, **kwargs):  # exact at δ_G = 1 and 100 (the solve)
        f = true(params, *args, **kwargs)
        return f if float(params.cgm.delta_G.value) in (1.0, 100.0) else f * (1 + 1e-4)

    im.delta_G_match()  # closes
    monkeypatch.setattr(im, "neutrino_E2_flux", off_at_the_match)
    with pytest.raises(RuntimeError, match="does not close"):
        im.delta_G_match()


def test_segmented_bin_selection_and_upper_limit():
    m = im.delta_G_match("differential_2015", flavour="all")  # 100 TeV: lower edge of bin f4
    assert m.measured.to_value(E2) == pytest.approx(3.2e-8, rel=1e-6, abs=0) and m.note.startswith(
        "bin 1e+05-"
    )
    # bin f6: upper limit 1.5e-8 (68%, all flavours)
    ul = im.delta_G_match("differential_2015", energy="700 TeV", flavour="all")
    assert ul.is_upper_limit and np.isnan(ul.delta_G) and ul.delta_G_lo == 0
    assert ul.delta_G_hi == pytest.approx(
        (1.5e-8 / ul.model_at_1.to_value(E2)) ** (2 / 3), rel=1e-10, abs=0
    )


def test_every_dataset_gives_an_ordered_interval():
    for m in im.match_all():
        if not m.is_upper_limit:
            assert m.delta_G_lo < m.delta_G < m.delta_G_hi
            assert 50 < m.delta_G < 1000  # (per flavour) all of them above the paper's ~100
        d = m.as_dict()
        assert d["energy"] == pytest.approx(1e5, rel=1e-6, abs=0) and isinstance(
            d["measured"], float
        )


@settings(max_examples=20, deadline=None)
@given(st.floats(0.1, 10.0))
def test_delta_scales_as_L_CR_to_minus_one_third(x):
    # F ∝ L^1/2 δ^3/2  =>  δ ∝ L^-1/3 at fixed measured flux
    base = im.delta_G_match("combined_2015")
    m = im.delta_G_match("combined_2015", params=Parameters.from_flat({"L_CR": 1e41 * x}))
    assert m.delta_G / base.delta_G == pytest.approx(x ** (-1 / 3), rel=1e-9, abs=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"dataset": "nope"}, "dataset = 'nope'"),
        ({"energy": "-1 TeV"}, "energy"),
        ({"energy": "3 kg"}, "energy"),
        ({"flavour": "mu"}, "flavour = 'mu'"),
        ({"dataset": "combinedfit_2025", "energy": "1e9 GeV"}, "no bin contains"),
    ],
)
def test_bad_inputs(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        im.delta_G_match(**kwargs)


# --- results outside the data or the model warn, and say why ----------------------------------


def test_energy_outside_the_fitted_range_warns_and_is_recorded():
    with pytest.warns(
        ValidityWarning,
        match=r"energy = 1 GeV is outside the energy range of the Combined_2015 fit \(25-2800 TeV\)",
    ):
        m = im.delta_G_match("combined_2015", energy="1 GeV")
    assert m.warnings and "extrapolated" in m.warnings[0]
    assert "extrapolated" in m.note
    assert m.as_dict()["warnings"] == list(m.warnings)


def test_energy_inside_the_fitted_range_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = im.delta_G_match("combined_2015", energy="100 TeV")
    assert m.warnings == ()


def test_plain_energy_is_in_gev():
    a = im.delta_G_match("combined_2015", energy=1e5)
    b = im.delta_G_match("combined_2015", energy=100 * u.TeV)
    assert a.delta_G == pytest.approx(b.delta_G, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    "flat, words",
    [
        ({"L_CR": 1e300}, ["L_CR = 1e+300 erg / s", "above the speed of light"]),
        ({"eta": 1e-30}, ["eta = 1e-30", "outside the model's range of delta_G"]),
    ],
)
def test_unphysical_match_warns_naming_the_parameters(flat, words):
    with pytest.warns(ValidityWarning) as rec:
        m = im.delta_G_match("combined_2015", params=Parameters.from_flat(flat))
    text = " | ".join(str(w.message) for w in rec)
    for w in words:
        assert w in text, text
    assert len(m.warnings) >= 1
    assert np.isfinite(m.delta_G) and m.delta_G > 0


def test_vanishing_model_flux_names_the_parameters():
    with pytest.raises(ParameterError, match=r"zero \(or underflows\) with L_CR = 1e-300 erg / s"):
        im.delta_G_match("combined_2015", params=Parameters.from_flat({"L_CR": 1e-300}))


def test_match_all_leaves_out_datasets_without_a_bin():
    with pytest.warns(ValidityWarning, match="no bin of hese_2021_segmented, nst_2022_segmented"):
        res = im.match_all("10 TeV")
    assert "hese_2021_segmented" not in {m.dataset for m in res}
    assert len(res) == len(im.MATCH_DATASETS) - 2


def test_delta_G_from_flux_units():
    assert float(im.delta_G_from_flux(8e-12, 1e-12, 1.5)) == pytest.approx(4.0, rel=1e-12, abs=0)
    assert float(im.delta_G_from_flux(8e-12 * E2, 1e-12, 1.5)) == pytest.approx(
        4.0, rel=1e-12, abs=0
    )
    with pytest.raises(ParameterError, match="^measured = 1.0 GeV has the wrong unit"):
        im.delta_G_from_flux(1 * u.GeV, 1e-12)
