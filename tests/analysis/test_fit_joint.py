"""Joint fits (independent likelihoods summed, shared events refused), the one-event
KM3-230213A likelihood and the differential neutrino limits as one-sided constraints."""

import math
import warnings

import numpy as np
import pytest

from crescape.analysis import fit as F
from crescape.params import ParameterError


def test_one_event_poisson_chi2():
    """Baker & Cousins (1984): 2(N - 1 - ln N) for one observed event; 0 at N = 1 and 1 at
    N = 0.3017 and 2.3577 (the roots of 2(N - 1 - ln N) = 1)."""
    mu1 = 5.8e-8
    assert F.chi2_one_event(mu1, mu1) == pytest.approx(0.0, abs=1e-15)
    for N in (0.30170956268433596, 2.3576766739458996):
        assert F.chi2_one_event(N * mu1, mu1) == pytest.approx(1.0, rel=1e-9, abs=0)
    assert F.chi2_one_event(0.0, mu1) == math.inf


def test_km3_event_is_loaded_from_the_nature_paper():
    """Nature 638, 376: E^2 Phi = 5.8e-8 GeV cm^-2 s^-1 sr^-1 per flavour over 72 PeV - 2.6 EeV."""
    d = F.load_icecube("km3net_230213a")
    assert d.value[0] == pytest.approx(5.8e-8, rel=1e-9, abs=0) and d.n_events[0] == 1
    assert d.E_min[0] == pytest.approx(7.24e7, rel=1e-9, abs=0)
    a = F.load_icecube("km3net_230213a", flavour="all")
    assert a.value[0] == pytest.approx(3 * 5.8e-8, rel=1e-9, abs=0)


def test_joint_likelihood_is_the_sum_of_the_parts():
    cm = F.CGMModel(("delta_G", "slope"))
    a, b = F.load_icecube("icecube_2025_combined"), F.load_icecube("km3net_230213a")
    theta = np.array([[2.3, 2.1], [2.7, 2.4], [1.5, 2.0]])
    joint = F.Likelihood(cm, [a, b], F.load_igrb())
    sep = F.Likelihood(cm, a, F.load_igrb()).chi2(theta) + F.Likelihood(cm, b).chi2(theta)
    np.testing.assert_allclose(joint.chi2(theta), sep, rtol=1e-12)
    assert joint.icecube.value.size == a.value.size + 1


@pytest.mark.parametrize(
    "names, match",
    [
        ("icecube_2015,icecube_2025_mese", "both IceCube samples that may share events"),
        ("icecube_2025_combined,icecube_2025_mese", "both IceCube samples"),
        ("icecube_2015,icecube_2015", "names a data set twice"),
        ("icecube_2015,nope", "dataset = 'nope'"),
        ("", "name at least one data set"),
    ],
)
def test_joint_fits_refuse_shared_events(names, match):
    with pytest.raises(ParameterError, match=match):
        F.resolve_datasets(names)


def test_shared_events_allowed_only_on_request_and_said():
    assert F.resolve_datasets("icecube_2015,icecube_2025_mese", allow_shared_events=True) == [
        "icecube_2015",
        "icecube_2025_mese",
    ]
    with pytest.warns(UserWarning, match="may share events"):
        r = F.fit(
            "icecube_2015,icecube_2025_mese",
            ("delta_G",),
            allow_shared_events=True,
            mcmc=False,
            profile_points=0,
            igrb=False,
        )
    assert r.data["joint"] and not r.data["independent"]
    assert any("not independent" in w for w in r.warnings)


def test_joint_fit_2025_and_km3net_records_its_data_and_ndof():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = F.fit(
            "icecube_2025_combined,km3net_230213a", ("delta_G",), mcmc=False, profile_points=0
        )
    assert r.data["datasets"] == ["icecube_2025_combined", "km3net_230213a"]
    assert r.data["joint"] and r.data["independent"]
    assert r.ndof == 14 + 1 - 1 and "KM3-230213A" in r.data["icecube"]
    assert r.data["flavour"] == "per flavour"


def test_limit_likelihood_at_its_stated_confidence():
    """A limit at 90% C.L.: the half-Gaussian gives chi2 = z^2 = 1.6424 at the limit
    (z = Phi^-1(0.9) = 1.28155), the zero-event Poisson 2 ln(10) = 4.605; the strongest
    point decides; points outside an energy range are dropped."""
    lim = F.load_limit("icecube_ehe_2018", 0.9)
    assert lim.likelihood == "gaussian"
    assert lim.z_cl == pytest.approx(1.2815515655446004, rel=1e-12, abs=0)
    mu = 0.5 * lim.ul.copy()
    i = int(np.argmin(lim.ul))
    mu[i] = lim.ul[i]  # at the limit at one point, half of it elsewhere
    assert lim.chi2(mu[None, :])[0] == pytest.approx(1.2815515655446004**2, rel=1e-12, abs=0)
    assert lim.chi2(0.5 * lim.ul[None, :])[0] == pytest.approx(
        1.2815515655446004**2 / 4, rel=1e-12, abs=0
    )
    poi = F.load_limit("icecube_ehe_2018", 0.9, likelihood="poisson")
    assert poi.n_cl == pytest.approx(math.log(10.0), rel=1e-12, abs=0)
    assert poi.chi2(mu[None, :])[0] == pytest.approx(2 * math.log(10.0), rel=1e-12, abs=0)
    assert lim.chi2(np.zeros((1, lim.E.size)))[0] == 0.0
    # PRD 98, 062003 (per flavour, as shipped): 3.9e-9 at 5.57e6 GeV
    assert lim.E[0] == pytest.approx(5573310.0, rel=1e-9, abs=0)
    assert lim.ul[0] == pytest.approx(3.9e-9, rel=1e-9, abs=0)
    assert lim.select(1e3, 1e6) is None
    assert F.load_limit("icecube_ehe_2018", 0.9, "all").ul[0] == pytest.approx(
        3 * 3.9e-9, rel=1e-9, abs=0
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"limits": ["auger_2023"]}, "the data files do not state the confidence level"),
        ({"limits": ["auger_2023"], "limit_cl": 1.5}, "limit_cl = 1.5"),
        ({"limits": ["nope"], "limit_cl": 0.9}, "limits = 'nope'"),
        ({"flavour": "mu"}, "flavour = 'mu'"),
        (
            {"limits": ["auger_2023"], "limit_cl": 0.9, "limit_likelihood": "x"},
            "limit_likelihood = 'x'",
        ),
    ],
)
def test_bad_limit_options(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        F.fit(free=("delta_G",), mcmc=False, profile_points=0, **kwargs)


def test_limits_constrain_the_flat_extension_and_are_recorded():
    """The paper's flat E^-2 extension (no cutoff) reaches the EHE/Auger range: with the limits
    the best-fit delta_G of the 2015 fit falls; the JSON says which limits entered, at what C.L."""
    base = F.fit("icecube_2015", ("delta_G",), model="eq17", mcmc=False, profile_points=0)
    r = F.fit(
        "icecube_2015",
        ("delta_G",),
        model="eq17",
        limits=["icecube_ehe_2018", "auger_2023"],
        limit_cl=0.9,
        mcmc=False,
        profile_points=0,
    )
    assert r.data["limits_used"] == ["icecube_ehe_2018", "auger_2023"]
    assert {x["confidence_level"] for x in r.data["limits"]} == {0.9}
    assert r.chi2_limits > 0 and r.best["delta_G"] < base.best["delta_G"]
    assert r.chi2_min == pytest.approx(
        r.chi2_icecube + r.chi2_igrb + r.chi2_limits, rel=1e-9, abs=0
    )
    assert base.data["limits_used"] == [] and base.chi2_limits == 0.0
