"""Statistics of the IceCube fit that report honestly: goodness of fit, intervals at prior
bounds, root-finding profiles, the IGRB verdict, MCMC convergence and prior sensitivity."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from crescape.analysis import fit as F
from crescape.params import ParameterError


def test_goodness_of_fit_p_values():
    g = F.goodness_of_fit(5.0, 5)
    assert g["p_value"] == pytest.approx(stats.chi2.sf(5.0, 5), rel=1e-12, abs=0)
    assert 0.41 < g["p_value"] < 0.42 and not g["bad"]
    bad = F.goodness_of_fit(53.0, 5)
    assert math.log10(bad["p_value"]) == pytest.approx(math.log10(3.4e-10), abs=0.05)
    assert bad["bad"]
    assert math.isnan(F.goodness_of_fit(1.0, 0)["p_value"]) and not F.goodness_of_fit(1.0, 0)["bad"]


def test_flat_spectrum_is_rejected_by_the_2025_combined_fit_with_a_warning():
    """Eq. (17) (s = 2, δ_G free) against the 2025 combined-fit bins >= 10 TeV, IceCube alone."""
    with pytest.warns(F.FitQualityWarning, match=r"bad fit: chi2 = .* for 9 dof, p = "):
        r = F.fit(
            "icecube_2025_combined",
            ("delta_G",),
            model="eq17",
            igrb=False,
            energy_range=(1e4, 1e8),
            mcmc=False,
            profile_points=5,
        )
    assert r.gof["n_bins"] == 10 and r.ndof == r.gof["ndof"] == 9
    assert r.gof["p_value"] < 1e-3 and r.gof["bad"]
    assert r.gof["p_value"] == pytest.approx(stats.chi2.sf(r.chi2_min, 9), rel=1e-9, abs=0)
    assert len(r.warnings) == 1 and "bad fit" in r.summary()
    assert r.to_dict()["gof"]["p_value"] < 1e-3
    # the δ_G intervals are narrow but finite (grid interpolation gave NaN)
    lo, hi = r.statement["delta_G_68_icecube"]
    assert lo < r.best["delta_G"] < hi and (hi - lo) / r.best["delta_G"] < 0.05
    assert "nan" not in r.statement["text"]


def test_a_good_fit_gives_no_warning():
    cm = F.CGMModel(("delta_G", "slope"))
    data = F.synthetic_icecube(cm, {"delta_G": 300.0, "slope": 2.2}, rel_err=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", F.FitQualityWarning)
        r = F.fit(
            data, ("delta_G", "slope"), model="eq17", igrb=False, mcmc=False, profile_points=0
        )
    assert r.gof["p_value"] > 0.99 and r.warnings == []
    for k in ("delta_G", "slope"):
        iv = r.intervals[k]
        assert iv["kind"] == "two-sided" and not iv["at_bound"] and iv["method"] == "minos"
        assert iv["lo"] < r.best[k] < iv["hi"]


def test_interval_at_a_prior_bound_is_a_one_sided_limit():
    """Data at δ_G = 300, prior log10 δ_G in (2.6, 4): the best fit sits at the bound 398."""
    cm = F.CGMModel(("delta_G",))
    data = F.synthetic_icecube(cm, {"delta_G": 300.0}, rel_err=0.5)
    r = F.fit(
        data,
        ("delta_G",),
        model="eq17",
        igrb=False,
        bounds={"delta_G": (2.6, 4.0)},
        mcmc=False,
        profile_points=0,
    )
    iv = r.intervals["delta_G"]
    assert iv["at_bound"] and iv["lo_at_bound"] and not iv["hi_at_bound"]
    assert iv["kind"] == "upper limit" and iv["method"] == "profile"
    assert iv["lo"] == pytest.approx(10**2.6, rel=1e-12, abs=0)
    assert "one-sided 68% upper limit" in iv["text"] and "prior bound 398" in iv["text"]
    # the limit is the root of Δχ² = (Φ⁻¹(0.6827))² = 0.2258, not the grid
    lik = r._lik
    d = lik(math.log10(iv["hi"])) - r.chi2_min
    assert d == pytest.approx(stats.norm.ppf(F.CL68) ** 2, abs=1e-5)
    assert r.to_dict()["intervals"]["delta_G"]["at_bound"] is True


def test_slope_at_its_bound_and_delta_G_lower_limit_with_2015_data():
    """The issue's case: δ_G + slope, IceCube 2015 alone: s runs to its lower bound 1.8 and the
    IceCube-only δ_G range to the upper bound 1e4; both are reported as limits."""
    with pytest.warns(F.FitQualityWarning):
        r = F.fit(free=("delta_G", "slope"), model="eq17", mcmc=False, profile_points=5)
    s = r.intervals["slope"]
    assert s["at_bound"] and s["kind"] == "upper limit" and s["lo"] == 1.8
    assert s["method"] == "profile" and s["minos_valid"] is False
    ic = r.statement["intervals"]["icecube_68"]
    assert (
        ic["kind"] == "lower limit"
        and ic["hi_at_bound"]
        and ic["hi"] == pytest.approx(1e4, rel=1e-6, abs=0)
    )
    assert "lower limit: the interval reaches the prior bound 1e+04" in r.statement["text"]
    # the IGRB limit lies below the whole IceCube range: "all", not "part"
    assert r.statement["igrb_excludes"] == "all" and r.statement["igrb_excludes_all"]
    assert not r.statement["igrb_excludes_part"]
    assert "EXCLUDES ALL" in r.statement["text"] and "EXCLUDES PART" not in r.statement["text"]


@pytest.mark.parametrize(
    "bounds, match",
    [
        ({"slope": (0.5, 3.0)}, r"bounds of 'slope' = \(0.5, 3\).*slope = 0.5.*> 1 and <= 4"),
        # log10 δ_G = 7: δ_G = 1e7 > 1e6
        (
            {"delta_G": (0.0, 7.0)},
            r"bounds of 'delta_G' = \(0, 7\).*upper bound gives delta_G = 1e\+07",
        ),
    ],
)
def test_bounds_where_the_model_is_undefined_are_refused(bounds, match):
    with pytest.raises(ParameterError, match=match):
        F.fit(free=("delta_G", "slope"), bounds=bounds, mcmc=False, profile_points=0)


def test_energy_range_selects_bins_and_refuses_an_empty_range():
    r = F.fit("icecube_2015", ("delta_G",), energy_range=(1e5, 1e7), mcmc=False, profile_points=0)
    assert r.gof["n_bins"] == 6 and r.data["energy_range_GeV"][0] == pytest.approx(
        1e5, rel=0.01, abs=0
    )
    with pytest.raises(ParameterError, match=r"energy_range = \(1e\+09, 1e\+10\) GeV.*no bin"):
        F.fit("icecube_2015", ("delta_G",), energy_range=(1e9, 1e10), mcmc=False)


def test_mcmc_that_stops_at_the_cap_says_it_did_not_converge():
    cm = F.CGMModel(("delta_G",))
    data = F.synthetic_icecube(cm, {"delta_G": 300.0}, rel_err=0.2)
    with pytest.warns(F.ConvergenceWarning, match="MCMC NOT converged"):
        r = F.fit(
            data, ("delta_G",), model="eq17", igrb=False, n_steps=40, max_steps=40, profile_points=0
        )
    p = r.posterior
    assert p["converged"] is False and p["n_steps"] == 40 and p["steps_over_tau"] < 50
    assert "NOT converged" in r.summary() and r.warnings


def test_mcmc_runs_to_fifty_autocorrelation_times():
    cm = F.CGMModel(("delta_G",))
    data = F.synthetic_icecube(
        cm, {"delta_G": 300.0}, rel_err=0.2, E_edges=np.geomspace(1e4, 1e7, 4)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", F.ConvergenceWarning)
        r = F.fit(
            data,
            ("delta_G",),
            model="eq17",
            igrb=False,
            n_steps=200,
            max_steps=20000,
            profile_points=0,
        )
    p = r.posterior
    assert p["converged"] is True and p["n_steps"] > 200
    tau = p["autocorr_time"]["delta_G"]
    assert (p["n_steps"] - p["burn_in"]) >= 50 * tau and p["steps_over_tau"] >= 50
    assert p["n_independent"] == pytest.approx(
        p["n_walkers"] * p["steps_over_tau"], rel=1e-9, abs=0
    )
    assert 0.2 < p["acceptance"] < 0.9
    # the four groups of walkers agree
    assert 1.0 - 1e-3 < p["r_hat_walker_groups"]["delta_G"] < 1.02
    q = p["quantiles"]["delta_G"]
    assert q[0] < 300 < q[2]
    ps = p["prior_sensitivity"]
    assert set(ps) >= {"flat_in_log10_delta_G", "flat_in_delta_G", "text"}
    # flat in δ_G weights high δ_G more: its median is not below the log-prior one
    assert ps["flat_in_delta_G"][1] >= ps["flat_in_log10_delta_G"][1]
    assert "prior sensitivity" in r.summary()


class _FakeMError:
    def __init__(self, lower, upper, valid):
        self.lower, self.upper, self.is_valid = lower, upper, valid
        self.at_lower_limit = self.at_upper_limit = False


class _FakeMinuit:
    """What _parameter_intervals reads of an iminuit result, with a MINOS error marked invalid."""

    def __init__(self, values, fval, merrors):
        self.values, self.fval, self.merrors = values, fval, merrors


def test_invalid_minos_is_flagged_and_replaced_by_the_profile():
    cm = F.CGMModel(("delta_G",))
    data = F.synthetic_icecube(cm, {"delta_G": 300.0}, rel_err=0.3)
    lik = F.Likelihood(cm, data, None)
    x0 = math.log10(300.0)
    bogus = _FakeMinuit([x0], lik(x0), {"delta_G": _FakeMError(-0.5, 1.2, valid=False)})
    minos, iv = F._parameter_intervals(lik, bogus)
    rec = iv["delta_G"]
    assert rec["method"] == "profile" and rec["minos_valid"] is False
    assert minos["delta_G"] == pytest.approx((10 ** (x0 - 0.5), 10 ** (x0 + 1.2)), rel=1e-12, abs=0)
    # the reported ends are the Δχ² = 1 crossings, not MINOS's numbers
    for end in ("lo", "hi"):
        d = lik(math.log10(rec[end])) - lik(x0)
        assert d == pytest.approx(1.0, abs=1e-6)
    assert rec["lo"] > 10 ** (x0 - 0.5) and rec["hi"] < 10 ** (x0 + 1.2)
    # the same MINOS numbers marked valid are used as they are
    ok = _FakeMinuit([x0], lik(x0), {"delta_G": _FakeMError(-0.1, 0.1, valid=True)})
    rec2 = F._parameter_intervals(lik, ok)[1]["delta_G"]
    assert rec2["method"] == "minos" and rec2["lo"] == pytest.approx(
        10 ** (x0 - 0.1), rel=1e-12, abs=0
    )


def test_r_hat_separates_groups_of_walkers_that_disagree():
    rng = np.random.default_rng(0)
    same = rng.standard_normal((2000, 16, 1))
    assert F._r_hat_walker_groups(same)[0] == pytest.approx(1.0, abs=0.01)
    apart = same.copy()
    apart[:, :4, 0] += 3.0  # one group of walkers in another mode
    assert F._r_hat_walker_groups(apart)[0] > 1.2
