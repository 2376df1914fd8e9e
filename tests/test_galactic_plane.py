"""The Galactic-plane neutrino component: IceCube's region fluxes, averaged over the sky.

Source: IceCube Collaboration (Neste, Huennefeld, Finley et al.), ICRC2025 (arXiv:2507.08097),
abstract of contribution 438 at indico-icehap.phys.s.chiba-u.ac.jp/event/3: inner plane
(|l| < 30 deg, |b| < 8 deg) E^2 Phi(5 TeV) = 21.4 (+6.3 -5.2), outer plane (|l| > 60 deg,
|b| < 8 deg) 4.3 (+2.6 -2.4), in 1e-11 TeV cm^-2 s^-1 sr^-1 per flavour (printed as "m^-2";
the file's unit note says why cm^-2 is read); gamma = 2.76 (+0.17 -0.15) and 3.10 (+0.40 -0.39).
"""

import math

import astropy.units as u
import numpy as np
import pytest

from crescape import data
from crescape.analysis.fit import CGMModel, Likelihood, fit, load_icecube
from crescape.errors import ParameterError
from crescape.galactic_plane import GalacticPlaneNeutrinos, band_solid_angle

TEV_CM2 = 1e-11 * 1e3  # 1e-11 TeV cm^-2 s^-1 sr^-1 in GeV cm^-2 s^-1 sr^-1


def test_dataset_spot_values_against_the_abstract():
    t = data.load("icecube_galactic_plane_regions")
    assert list(t["region"]) == ["inner", "outer"]
    inner, outer = t[0], t[1]
    assert (inner["l_abs_min"], inner["l_abs_max"], inner["b_abs_max"]) == (0.0, 30.0, 8.0)
    assert (outer["l_abs_min"], outer["l_abs_max"], outer["b_abs_max"]) == (60.0, 180.0, 8.0)
    assert t["E_ref"].quantity.to_value(u.TeV).tolist() == [5.0, 5.0]
    assert t["E2Phi"].unit == u.Unit("GeV / (cm2 s sr)")
    for row, (v, lo, hi, g, glo, ghi) in zip(
        t, [(21.4, 5.2, 6.3, 2.76, 0.15, 0.17), (4.3, 2.4, 2.6, 3.10, 0.39, 0.40)], strict=True
    ):
        assert row["E2Phi_as_printed"] == v
        assert row["E2Phi"] == pytest.approx(v * TEV_CM2, rel=1e-15, abs=0)
        assert row["E2Phi_err_lo"] == pytest.approx(lo * TEV_CM2, rel=1e-15, abs=0)
        assert row["E2Phi_err_hi"] == pytest.approx(hi * TEV_CM2, rel=1e-15, abs=0)
        assert (row["gamma"], row["gamma_err_lo"], row["gamma_err_hi"]) == (g, glo, ghi)
    m = t.meta
    assert m["flux_convention"]["flavour"] == "per flavour"
    assert "2507.08097" in m["citation"] and "m^-2" in m["unit_note"]


def test_band_solid_angle_is_exact_on_the_sphere():
    assert band_solid_angle(0, 180, 90) == pytest.approx(4 * math.pi, rel=1e-15, abs=0)
    want = 2 * math.radians(30) * 2 * math.sin(math.radians(8))
    assert band_solid_angle(0, 30, 8) == pytest.approx(want, rel=1e-15, abs=0)
    # additive in |l|
    parts = band_solid_angle(0, 30, 8) + band_solid_angle(30, 60, 8) + band_solid_angle(60, 180, 8)
    assert parts == pytest.approx(band_solid_angle(0, 180, 8), rel=1e-14, abs=0)
    with pytest.raises(ParameterError, match=r"band = \(30, 10, 8\) deg is not allowed"):
        band_solid_angle(30, 10, 8)


def test_sky_average_at_the_reference_energy_by_hand():
    om = {k: band_solid_angle(*b) for k, b in
          {"in": (0, 30, 8), "gap": (30, 60, 8), "out": (60, 180, 8)}.items()}  # fmt: skip
    A_in, A_out = 21.4 * TEV_CM2, 4.3 * TEV_CM2
    cases = {
        "lower": om["in"] * A_in + (om["gap"] + om["out"]) * A_out,
        "upper": (om["in"] + om["gap"]) * A_in + om["out"] * A_out,
        "none": om["in"] * A_in + om["out"] * A_out,
    }
    for gap, num in cases.items():
        got = GalacticPlaneNeutrinos(gap).sky_average_sed(5 * u.TeV).to_value("GeV / (cm2 s sr)")
        assert got[0] == pytest.approx(num / (4 * math.pi), rel=1e-13, abs=0), gap
    gp = GalacticPlaneNeutrinos()
    pf = gp.sky_average_sed([5, 50] * u.TeV)
    allf = gp.sky_average_sed([5, 50] * u.TeV, flavour="all")
    np.testing.assert_allclose(allf.value, 3 * pf.value, rtol=1e-15, atol=0)
    two = GalacticPlaneNeutrinos(scale=2).sky_average_sed(5 * u.TeV).value[0]
    assert two == pytest.approx(2 * pf.value[0], rel=1e-15, abs=0)


def test_region_power_laws():
    gp = GalacticPlaneNeutrinos()
    r_in = gp.region_sed("inner", [5, 50] * u.TeV).value
    r_out = gp.region_sed("outer", [5, 50] * u.TeV).value
    assert r_in[0] == pytest.approx(21.4 * TEV_CM2, rel=1e-14, abs=0)
    assert r_in[1] / r_in[0] == pytest.approx(10 ** (2 - 2.76), rel=1e-13, abs=0)
    assert r_out[1] / r_out[0] == pytest.approx(10 ** (2 - 3.10), rel=1e-13, abs=0)
    # sed_GeV is the same function for plain GeV energies
    np.testing.assert_allclose(
        gp.sed_GeV(np.array([5e3, 5e4])), gp.sky_average_sed([5, 50] * u.TeV).value, rtol=1e-14
    )


def test_bad_input_names_the_parameter():
    with pytest.raises(ParameterError, match="gap = 'middle' is not allowed"):
        GalacticPlaneNeutrinos("middle")
    with pytest.raises(ParameterError, match="scale = -1 is not allowed"):
        GalacticPlaneNeutrinos(scale=-1)
    with pytest.raises(ParameterError, match="region = 'bulge' is not allowed"):
        GalacticPlaneNeutrinos().region_sed("bulge", 5)
    with pytest.raises(ParameterError, match="flavour = 'mu' is not allowed"):
        GalacticPlaneNeutrinos().sky_average_sed(5, "mu")


def test_likelihood_adds_exactly_the_component_to_every_bin():
    ice = load_icecube("icecube_2025_combined")
    cm = CGMModel(("delta_G",), model="eq17")
    gp = GalacticPlaneNeutrinos("upper")
    lik0, lik1 = Likelihood(cm, ice), Likelihood(cm, ice, galactic_plane=gp)
    theta = np.array([[2.0]])
    diff = lik1.icecube_bins(theta)[0] - lik0.icecube_bins(theta)[0]
    # the bin mean over ln E of the plane's power laws, in closed form
    t = gp.table
    want = np.zeros(len(ice.E_min))
    for i, row in enumerate(t):
        k = 2.0 - row["gamma"]
        E0 = row["E_ref"] * 1e3  # GeV
        mean = ((ice.E_max / E0) ** k - (ice.E_min / E0) ** k) / k / np.log(ice.E_max / ice.E_min)
        want += gp.solid_angles[i] * row["E2Phi"] * mean / (4 * np.pi)
    np.testing.assert_allclose(diff, want, rtol=2e-6, atol=0)
    assert np.all(diff > 0)


def test_fit_records_the_component_and_it_lowers_the_cgm():
    kw = dict(model="eq17", mcmc=False, profile_points=0, igrb=False)
    r0 = fit("icecube_2025_combined", ("delta_G",), **kw)
    r1 = fit("icecube_2025_combined", ("delta_G",), galactic_plane="upper", **kw)
    assert r0.data["galactic_plane"] == "not included"
    d = r1.data["galactic_plane"]
    assert d["gap"] == "upper" and d["dataset"] == "icecube_galactic_plane_regions"
    assert r1.file_attrs()["fit.galactic_plane"] == "IceCube regions, gap upper"
    assert "Galactic plane: IceCube regions" in r1.summary()
    # the plane takes part of the flux: the CGM needs less gas
    assert r1.best["delta_G"] < r0.best["delta_G"]
    with pytest.raises(ParameterError, match="galactic_plane = 'yes' is not allowed"):
        fit("icecube_2025_combined", ("delta_G",), galactic_plane="yes", **kw)
