"""``fit(profile=...)``: a CGM gas profile in place of the uniform delta_G (its column factor K)."""

import math
import warnings

import numpy as np
import pytest

from crescape.analysis import fit as F
from crescape.cli import main
from crescape.halo import CGMProfile
from crescape.params import ParameterError, Parameters
from crescape.physics.emission import profile_column

KW = dict(model="eq17", mcmc=False, profile_points=0)


def _fit(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return F.fit("icecube_2015", ("delta_G",), **KW, **kw)


def test_uniform_profile_is_the_delta_G_fit():
    a = _fit()
    b = _fit(profile="uniform")
    assert b.model["profile"]["column_factor_K"] == 1.0
    assert b.best == a.best and b.chi2_min == a.chi2_min
    assert b.intervals["delta_G"]["lo"] == a.intervals["delta_G"]["lo"]


def test_profile_is_the_uniform_model_at_delta_ref_K_two_thirds():
    """The likelihood of the profile at log10 delta_ref is the uniform one at log10 delta_ref +
    (2/3) log10 K, so the best fit moves by exactly that (and chi2_min does not change)."""
    a = _fit()
    b = _fit(profile="miller_bregman")
    K = b.model["profile"]["column_factor_K"]
    assert K > 1.0  # centrally concentrated: more column than its density at 50 kpc
    # (to the minimiser's tolerance: it starts from other points of the shifted box)
    assert b.best["delta_G"] * K ** (2 / 3) == pytest.approx(a.best["delta_G"], rel=1e-3, abs=0)
    assert b.chi2_min == pytest.approx(a.chi2_min, rel=1e-5, abs=0)


def test_column_factor_is_the_ratio_of_columns():
    p = Parameters()
    prof = CGMProfile(kind="miller_bregman", cgm=p.cgm)
    r = 80.0 * 3.0856775814913673e21
    m = F.CGMModel(("delta_G",), model="eq17", profile=prof, r_ref=80.0)
    rho_ref = float(prof.rho_cgs(np.array([r]))[0])
    R_d = float(p.cgs.R_d)
    num = profile_column(lambda rr: (prof.rho_cgs(rr) / rho_ref) ** 1.5, R_d)
    den = profile_column(lambda rr: np.ones_like(rr), R_d)
    assert m.column_factor == pytest.approx(float(num / den), rel=1e-12, abs=0)
    th = np.array([[2.0]])
    want = F.CGMModel(("delta_G",), model="eq17").nu_sed(
        th + (2 / 3) * math.log10(m.column_factor), np.array([1e5])
    )
    np.testing.assert_allclose(m.nu_sed(th, np.array([1e5])), want, rtol=1e-12, atol=0)


def test_profile_errors():
    with pytest.raises(ParameterError, match="profile = 'nfw' is not allowed"):
        F.CGMModel(("delta_G",), model="eq17", profile="nfw")
    with pytest.raises(ParameterError, match="needs delta_G free"):
        F.CGMModel(("slope",), model="eq17", profile="uniform")
    with pytest.raises(ParameterError, match="r_ref = -1"):
        F.CGMModel(("delta_G",), model="eq17", profile="uniform", r_ref=-1.0)


def test_cli_profile(capsys):
    rc = main(
        [
            "fit", "--model", "eq17", "--free", "delta_G", "--no-mcmc", "--profile-points", "0",
            "--profile", "miller_bregman", "--r-ref", "50",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert (
        rc == 0 and "profile: miller_bregman; delta_G is its overdensity at r_ref = 50 kpc" in out
    )
    assert main(["fit", "--model", "eq17", "--free", "delta_G", "--profile", "nfw"]) == 2
    err = capsys.readouterr().err
    assert "profile = 'nfw' is not allowed" in err and "Traceback" not in err
