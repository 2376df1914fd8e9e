"""The tabulated full-spectrum model with the break axes (slope_high, E_break) against the direct one."""

import numpy as np
import pytest

from crescape.analysis import fit as F
from crescape.analysis import fit_model as FM
from crescape.params import ParameterError, Parameters

FREE = ("delta_G", "slope", "slope_high", "E_break")
BOUNDS = {"slope": (2.0, 2.3), "slope_high": (2.5, 2.9), "E_break": (4.2, 5.0)}


@pytest.fixture(scope="module")
def liks():
    ice, igrb = F.load_icecube("icecube_2025_combined"), F.load_igrb()
    fast = F.CGMModel(FREE, model="full", bounds=BOUNDS)
    direct = F.CGMModel(FREE, model="full-direct", bounds=BOUNDS)
    return F.Likelihood(fast, ice, igrb), F.Likelihood(direct, ice, igrb)


def test_break_table_reproduces_the_direct_model(liks):
    """Bin means, IGRB bands and chi2 at random points of the box: within TOLERANCE_BREAK."""
    fast, direct = liks
    lo = np.array([f.lo for f in fast.model.free])
    hi = np.array([f.hi for f in fast.model.free])
    th = lo + (hi - lo) * np.random.default_rng(5).random((6, lo.size))
    bf, bd = fast.icecube_bins(th), direct.icecube_bins(th)
    big = bd > 1e-6 * bd.max(axis=1, keepdims=True)  # where the flux is not cut off
    assert np.max(np.abs(bf / bd - 1)[big]) < FM.TOLERANCE_BREAK
    gf, gd = fast.igrb_bands(th), direct.igrb_bands(th)
    assert np.max(np.abs(gf / gd - 1)) < FM.TOLERANCE_BREAK
    np.testing.assert_allclose(fast.chi2(th), direct.chi2(th), rtol=FM.TOLERANCE_BREAK, atol=0)


def test_break_box_is_kept_inside_the_spectrum():
    m = F.CGMModel(("delta_G", "E_break"), model="eq17")
    (f,) = [f for f in m.free if f.name == "E_break"]
    assert (f.lo, f.hi) == (3.0, 5.8)
    m = F.CGMModel(("delta_G", "E_break"), model="eq17", base=Parameters().replace(E_max="100 TeV"))
    (f,) = [f for f in m.free if f.name == "E_break"]
    assert f.hi == pytest.approx(4.99, rel=1e-12, abs=0)
    with pytest.raises(ParameterError, match="bounds of 'E_break' = \\(3, 6.5\\)"):
        F.CGMModel(("delta_G", "E_break"), model="eq17", bounds={"E_break": (3.0, 6.5)})
    with pytest.raises(ParameterError, match="free = E_break, E_max is not allowed"):
        F.CGMModel(("delta_G", "E_break", "E_max"), model="eq17")
    with pytest.raises(ParameterError, match="E_max must stay above the break"):
        F.CGMModel(("delta_G", "E_max"), model="eq17", base=Parameters().replace(E_break="100 TeV"))


def test_slope_alone_keeps_slope_high_tied():
    """With a fixed break and no slope_high of its own, slope_high follows the free slope."""
    base = Parameters().replace(E_break="100 TeV")
    tab = FM.FullSpectrumTable(base, [("delta_G", True, 0.0, 4.0), ("slope", False, 2.0, 2.15)])
    p = tab.cgs_of(np.array([[1.0, 2.1]]))
    assert p.slope_high[0] == p.slope[0] == 2.1
    assert float(FM.shape_prefactor(p)[0]) == float(
        FM.shape_prefactor(base.replace(delta_G=10.0, slope=2.1))
    )
