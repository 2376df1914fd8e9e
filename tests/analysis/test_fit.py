"""The IceCube fit: likelihood pieces, recovery of known parameters from synthetic data,
the IGRB limit, the statements and the saved results."""

import json
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from crescape.analysis import fit as F  # noqa: E402
from crescape.model import neutrino_E2_flux  # noqa: E402
from crescape.params import ParameterError, Parameters  # noqa: E402


def test_barlow_asymmetric_chi2_is_one_at_the_interval_ends():
    x, sl, sh = 2.26, 0.56, 0.59
    assert F.chi2_asymmetric(x + sh, x, sl, sh) == pytest.approx(1.0, rel=1e-6, abs=0)
    assert F.chi2_asymmetric(x - sl, x, sl, sh) == pytest.approx(1.0, rel=1e-6, abs=0)
    assert F.chi2_asymmetric(x, x, sl, sh) == 0.0
    # symmetric errors: the ordinary Gaussian
    assert F.chi2_asymmetric(5.0, 3.0, 1.0, 1.0) == pytest.approx(4.0, rel=1e-6, abs=0)


@pytest.mark.parametrize("ul68, ul90", [(1.5, 3.5), (1.5, 3.8), (0.6, 1.5), (1.0, 1.645)])
def test_upper_limit_chi2_matches_both_bounds(ul68, ul90):
    a, b = F.upper_limit_coefficients(ul68, ul90)
    assert a >= 0 and b >= 0
    assert F.chi2_upper_limit(ul68, a, b) == pytest.approx(1.0, rel=1e-6, abs=0)
    assert F.chi2_upper_limit(ul90, a, b) == pytest.approx(F.D90, rel=1e-6, abs=0)
    assert F.chi2_upper_limit(-1.0, a, b) == 0.0


def test_icecube_2015_is_loaded_as_published():
    d = F.load_icecube("icecube_2015", flavour="all")
    assert d.value.size == 9 and d.is_ul.sum() == 3
    assert d.value[1] == pytest.approx(2.26e-7, rel=1e-6, abs=0) and d.hi[5] == pytest.approx(
        1.5e-8, rel=1e-6, abs=0
    )
    # the default is the per-flavour reading: the all-flavour Table 6 divided by 3
    pf = F.load_icecube("icecube_2015")
    assert pf.flavour == "per flavour" and "per flavour" in pf.label
    assert pf.value[1] == pytest.approx(2.26e-7 / 3, rel=1e-6, abs=0)
    with pytest.raises(ParameterError, match="dataset = 'nope'"):
        F.load_icecube("nope")


def test_model_is_eq17_and_its_gamma_counterpart():
    cm = F.CGMModel(("delta_G",))
    E = np.array([1e4, 1e5, 1e6])
    nu = cm.nu_sed(np.array([[2.0]]), E)[0]
    ref = neutrino_E2_flux(Parameters.from_flat({"delta_G": 100}), E * F.u.GeV).to_value(F.E2_UNIT)
    np.testing.assert_allclose(nu, ref, rtol=1e-12)
    # flat for s = 2 (Eq. 17) and ∝ δ_G^{3/2}
    assert np.ptp(nu) / nu[0] < 1e-12
    assert cm.nu_sed(np.array([[3.0]]), E)[0, 0] / nu[0] == pytest.approx(10**1.5, rel=1e-6, abs=0)
    # γ: 2/3 of the all-flavour neutrino energy, at E_γ = 2 E_ν; in the per-flavour reading
    # (the default) the all-flavour neutrinos are 3 x Eq. (17)
    assert cm.flavour == "per flavour"
    np.testing.assert_allclose(cm.gamma_sed(np.array([[2.0]]), E)[0], 2 * nu, rtol=1e-12)
    cm_all = F.CGMModel(("delta_G",), flavour="all")
    np.testing.assert_allclose(cm_all.gamma_sed(np.array([[2.0]]), E)[0], 2 / 3 * nu, rtol=1e-12)


@pytest.mark.parametrize(
    "truth", [{"delta_G": 300.0, "slope": 2.2}, {"delta_G": 40.0, "slope": 2.0}]
)
def test_fit_recovers_parameters_from_asimov_data(truth):
    cm = F.CGMModel(("delta_G", "slope"))
    data = F.synthetic_icecube(cm, truth, rel_err=0.1)
    r = F.fit(data, ("delta_G", "slope"), model="eq17", igrb=False, mcmc=False, profile_points=0)
    assert r.best["delta_G"] == pytest.approx(truth["delta_G"], rel=2e-3, abs=0)
    assert r.best["slope"] == pytest.approx(truth["slope"], abs=2e-3)
    assert r.chi2_min < 1e-4
    lo, hi = r.minos["delta_G"]
    assert lo < truth["delta_G"] < hi


def test_fit_recovers_parameters_from_noisy_data_within_errors():
    truth = {"delta_G": 200.0, "slope": 2.3}
    cm = F.CGMModel(("delta_G", "slope"))
    pulls = []
    for seed in range(3):
        data = F.synthetic_icecube(cm, truth, rel_err=0.15, rng=np.random.default_rng(seed))
        r = F.fit(
            data, ("delta_G", "slope"), model="eq17", igrb=False, mcmc=False, profile_points=0
        )
        for k in ("delta_G", "slope"):
            lo, hi = r.minos[k]
            v = truth[k] if k == "slope" else math.log10(truth[k])
            b = r.best[k] if k == "slope" else math.log10(r.best[k])
            w = ((hi - lo) if k == "slope" else (math.log10(hi) - math.log10(lo))) / 2
            pulls.append((b - v) / w)
    assert np.all(np.abs(pulls) < 3.5), pulls


def test_mcmc_posterior_contains_truth():
    truth = {"delta_G": 300.0, "slope": 2.2}
    cm = F.CGMModel(("delta_G", "slope"))
    data = F.synthetic_icecube(cm, truth, rel_err=0.1)
    r = F.fit(
        data,
        ("delta_G", "slope"),
        model="eq17",
        igrb=False,
        mcmc=True,
        n_steps=300,
        profile_points=0,
    )
    q = r.posterior["quantiles"]
    assert q["delta_G"][0] < 300 < q["delta_G"][2]
    assert q["slope"][0] < 2.2 < q["slope"][2]
    p = r.posterior
    assert r.chain.shape == (16 * (p["n_steps"] - p["burn_in"]), 2)
    assert p["converged"] is (p["steps_over_tau"] >= 50)


def test_igrb_is_an_upper_limit_only():
    lim = F.load_igrb("A")
    assert lim.intensity.size == 26
    below = 0.5 * lim.intensity
    assert F.IGRBLimit.chi2_terms(lim, below).sum() == 0.0
    above = lim.intensity + 2 * lim.sigma
    np.testing.assert_allclose(lim.chi2_terms(above), 4.0)


def test_icecube_fit_states_delta_G_range_and_igrb_verdict(tmp_path):
    r = F.fit(free=("delta_G",), model="eq17", mcmc=False, profile_points=25)
    s = r.statement
    lo, hi = s["delta_G_68_icecube"]
    # s = 2: the paper's Eq. (17) level needs δ_G of a few hundred (icecube_match gives
    # 240-305 at 100 TeV in the default per-flavour reading)
    assert 100 < lo < r.icecube_only["best"]["delta_G"] < hi < 1000
    assert r.model["flavour"] == r.data["flavour"] == "per flavour"
    assert s["delta_G_95_icecube"][0] < lo and s["delta_G_95_icecube"][1] > hi
    assert "IceCube prefers delta_G" in s["text"]
    assert isinstance(s["igrb_excludes_part"], bool)
    ul, (lo95, hi95) = s["delta_G_igrb_upper_limit"], s["delta_G_95_icecube"]
    assert s["igrb_excludes"] == ("all" if ul <= lo95 else "part" if ul < hi95 else "none")
    assert s["igrb_excludes_part"] == (s["igrb_excludes"] == "part")
    paths = r.save(tmp_path)
    names = {p.name for p in paths}
    assert {"fit_results.json", "fit_spectrum.png", "fit_profile_delta_G.png"} <= names
    back = json.loads((tmp_path / "fit_results.json").read_text())
    assert back["best"]["delta_G"] == pytest.approx(r.best["delta_G"], rel=1e-6, abs=0)


def _param_attrs(d):
    return {k: v for k, v in d.items() if k.startswith("param.")}


def test_fit_outputs_record_the_parameters_as_every_file(tmp_path):
    """JSON, ECSV meta and netCDF attributes: Parameters.as_attrs of the fixed parameters, the
    free ones named in param.varied (their values are the table's rows, the chain's columns)."""
    import xarray as xr
    from astropy.table import Table

    from crescape.params import Parameters

    base = Parameters.from_flat({"R_d": 12, "T": 1e5})
    r = F.fit(
        free=("delta_G", "slope"),
        params=base,
        model="eq17",
        n_steps=40,
        max_steps=40,
        profile_points=0,
    )
    want = base.as_attrs(varied=["delta_G", "slope"])
    assert r.parameters == want
    paths = {p.name: p for p in r.save(tmp_path, plots=False)}
    assert set(paths) == {"fit_results.json", "fit_best.ecsv", "fit_chain.nc"}
    assert _param_attrs(json.loads(paths["fit_results.json"].read_text())["parameters"]) == want
    t = Table.read(paths["fit_best.ecsv"], format="ascii.ecsv")
    assert _param_attrs(t.meta) == want and t.meta["fit.free"] == "delta_G, slope"
    assert list(t["parameter"]) == ["delta_G", "slope"]
    assert [str(x) for x in np.ma.filled(t["unit"], "")] == ["", ""]  # dimensionless
    assert t["best"][0] == pytest.approx(r.best["delta_G"], rel=1e-12, abs=0)
    with xr.open_dataset(paths["fit_chain.nc"], engine="h5netcdf") as ds:
        assert _param_attrs(ds.attrs) == want
        assert ds.attrs["crescape_version"] and ds.attrs["fit.model"] == "eq17"
        assert list(ds["parameter"].values) == ["delta_G", "slope"]
        assert list(ds["log10"].values) == [1, 0]
        np.testing.assert_array_equal(ds["chain"].values, r.chain)
        back = Parameters.from_attrs(ds.attrs)
    assert back.galaxy.R_d.value == 12.0 and back.cgm.T.value == 1e5


def test_fit_of_E_max_records_the_exponential_cutoff_it_uses():
    r = F.fit(free=("delta_G", "E_max"), mcmc=False, profile_points=0)
    assert r.parameters["param.cutoff"] == "exponential"
    assert r.parameters["param.varied"] == "delta_G, E_max" and "param.E_max" not in r.parameters
    t = F.table_of(r)
    assert list(t["unit"]) == ["", "GeV"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"free": ("delta_X",)}, "free = "),
        ({"free": ()}, "free = "),
        ({"free": ("delta_G", "delta_G")}, "twice"),
        ({"model": "exact"}, "model = 'exact'"),
        ({"igrb_model": "D"}, "igrb_model = 'D'"),
        ({"free": ("delta_G",), "bounds": {"slope": (2.0, 2.5)}}, "not free"),
        ({"bounds": {"delta_G": (3.0, 1.0)}}, "lo < hi"),
    ],
)
def test_bad_fit_options(kwargs, match):
    kw = {"mcmc": False, "profile_points": 0, **kwargs}
    with pytest.raises(ParameterError, match=match):
        F.fit(**kw)


def test_full_spectra_model_option():
    """model='full' uses crescape.spectra (KAB06 pp spectra); the fit runs and finds a finite δ_G."""
    from crescape.spectra import CGMEmission

    cm = F.CGMModel(("delta_G",), model="full-direct", flavour="all")
    E = np.array([1e4, 3e4])
    ref = (
        CGMEmission(Parameters.from_flat({"delta_G": 100}))
        .sed(E * F.u.GeV, "nu_all")
        .to_value(F.E2_UNIT)
    )
    np.testing.assert_allclose(cm.nu_sed(np.array([[2.0]]), E)[0], ref, rtol=1e-12)
    # per flavour (the default): a third of all flavours (1:1:1)
    pf = F.CGMModel(("delta_G",), model="full-direct")
    np.testing.assert_allclose(pf.nu_sed(np.array([[2.0]]), E)[0], ref / 3, rtol=1e-12)
    r = F.fit(free=("delta_G",), model="full", mcmc=False, profile_points=0)
    assert np.isfinite(r.best["delta_G"]) and 1 <= r.best["delta_G"] <= 1e4
    assert r.model["model"] == "full"
