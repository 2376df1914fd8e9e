"""The tabulated full-spectrum model against the direct KAB06 computation (crescape.spectra)."""

import warnings

import numpy as np
import pytest

from crescape.analysis import fit as F
from crescape.analysis import fit_model as FM
from crescape.params import ParameterError, Parameters


def _liks(free, bounds, data="icecube_2025_combined"):
    ice, igrb = F.load_icecube(data), F.load_igrb()
    fast = F.CGMModel(free, model="full", bounds=bounds)
    direct = F.CGMModel(free, model="full-direct", bounds=bounds)
    return F.Likelihood(fast, ice, igrb), F.Likelihood(direct, ice, igrb)


@pytest.mark.parametrize(
    "free, bounds",
    [
        (("delta_G", "slope"), {"slope": (2.0, 2.4)}),
        (("delta_G", "L_CR", "slope", "E_max"), {"slope": (2.0, 2.3), "E_max": (5.5, 6.5)}),
    ],
)
def test_tabulated_model_reproduces_the_direct_one(free, bounds):
    """Bin means, IGRB band integrals and chi2 at random points of the prior box agree with the
    direct CGMEmission to TOLERANCE (measured: < 2e-4 on the bins, < 1e-4 on the bands)."""
    fast, direct = _liks(free, bounds)
    lo = np.array([f.lo for f in fast.model.free])
    hi = np.array([f.hi for f in fast.model.free])
    th = lo + (hi - lo) * np.random.default_rng(3).random((6, lo.size))
    bf, bd = fast.icecube_bins(th), direct.icecube_bins(th)
    big = bd > 1e-6 * bd.max(axis=1, keepdims=True)  # where the flux is not cut off
    assert np.max(np.abs(bf / bd - 1)[big]) < FM.TOLERANCE
    gf, gd = fast.igrb_bands(th), direct.igrb_bands(th)
    assert np.max(np.abs(gf / gd - 1)) < FM.TOLERANCE
    np.testing.assert_allclose(fast.chi2(th), direct.chi2(th), rtol=FM.TOLERANCE, atol=0)


def test_prefactor_carries_delta_G_and_L_CR_exactly():
    """At a grid node of the shape the table is the direct model up to the interpolation in E
    only: δ_G and L_CR move it as the direct model does (n ∝ δ_G, ṽ_A ∝ (L/δ_G)^1/2 ...)."""
    fast, direct = _liks(("delta_G", "L_CR"), None)
    th = np.array([[0.5, 40.2], [3.5, 41.9], [2.0, 41.0]])
    bf, bd = fast.icecube_bins(th), direct.icecube_bins(th)
    big = bd > 1e-2 * bd.max(axis=1, keepdims=True)  # below the 1 PeV cutoff
    assert big.sum() > 12 and np.max(np.abs(bf / bd - 1)[big]) < 5e-4
    # the ratios between parameter sets (what the prefactor carries) to 1e-10
    np.testing.assert_allclose(
        (bf[1:] / bf[:1])[:, big[0]], (bd[1:] / bd[:1])[:, big[0]], rtol=1e-9, atol=0
    )


def test_eta_is_refused_and_range_is_checked():
    with pytest.raises(ParameterError, match="eta is not allowed with model = 'full'"):
        F.CGMModel(("delta_G", "eta"), model="full")
    cm = F.CGMModel(("delta_G",), model="full")
    with pytest.raises(ParameterError, match="outside the tabulated"):
        cm.nu_sed(np.array([[2.0]]), np.array([1e13]))


def test_full_model_is_the_default_of_the_fit_and_says_so():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = F.fit("icecube_2015", ("delta_G",), mcmc=False, profile_points=0)
    assert r.model["model"] == "full"
    assert r.model["tabulation"]["tolerance_vs_direct"] == FM.TOLERANCE
    # the full spectra are physical: the reading of Eq. (17) does not change delta_G
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = F.fit("icecube_2015", ("delta_G",), mcmc=False, profile_points=0, flavour="all")
    assert a.best["delta_G"] == pytest.approx(r.best["delta_G"], rel=1e-3, abs=0)


def test_shape_prefactor_is_the_ratio_of_direct_spectra():
    """A(θ) scales the whole spectrum: two δ_G at one shape differ by A's ratio."""
    from crescape.spectra import CGMEmission

    p1, p2 = Parameters.from_flat({"delta_G": 10}), Parameters.from_flat({"delta_G": 300})
    E = [1e4, 1e5] * F.u.GeV
    r = CGMEmission(p2).sed(E, "nu_all") / CGMEmission(p1).sed(E, "nu_all")
    np.testing.assert_allclose(
        r.value, FM.shape_prefactor(p2) / FM.shape_prefactor(p1), rtol=1e-10, atol=0
    )


@pytest.mark.parametrize(
    "free, bounds, theta",
    [
        (("delta_G", "slope"), {"slope": (1.8, 2.4)}, [1.6, 1.8]),  # sharp cutoff at 1 PeV
        (("delta_G", "E_max"), {"E_max": (5.0, 7.0)}, [2.0, 5.93]),  # exponential cutoff
    ],
)
def test_tabulated_spectrum_has_no_ringing_at_the_cutoff(free, bounds, theta):
    """On a fine energy grid (not only at the bins' nodes) the tabulated E^2F follows the direct
    one: within TOLERANCE where it is above 1e-3 of its peak, and nowhere above 1e-3 of the
    peak where the direct one is below it (a cubic through the drop at the cutoff rang)."""
    from crescape.analysis.fit import CGMModel

    E = np.geomspace(1e3, 1e8, 400)
    th = np.array([theta])
    f = CGMModel(free, model="full", bounds=bounds).nu_sed(th, E)[0]
    d = CGMModel(free, model="full-direct", bounds=bounds).nu_sed(th, E)[0]
    peak = d.max()
    big = d > 1e-3 * peak
    assert np.max(np.abs(f[big] / d[big] - 1)) < FM.TOLERANCE
    assert np.max(np.abs(f[~big] - d[~big])) < 1e-3 * peak
