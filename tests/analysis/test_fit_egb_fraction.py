"""The point-source (blazar) fraction of the EGB above 50 GeV as an upper limit of the fit."""

import math

import numpy as np
import pytest

from crescape import data
from crescape.analysis import fit as F


def test_shipped_numbers_are_the_papers():
    """Ackermann et al. (2016), PRL 116, 151105, abstract: point sources account for at least
    86 (+16 -14)% of the total EGB (E > 50 GeV)."""
    t = data.load("fermi_egb_resolved_ackermann2016")
    assert len(t) == 1
    assert float(t["E_min"].quantity[0].to_value("GeV")) == 50.0
    assert (float(t["fraction"][0]), float(t["fraction_err_lo"][0])) == (0.86, 0.14)
    assert float(t["fraction_err_hi"][0]) == 0.16
    assert t.meta["doi"] == "10.1103/PhysRevLett.116.151105"
    assert "total EGB" in t.meta["quantity"] and "not of the IGRB" in t.meta["quantity"]
    assert "fermi_egb_resolved_ackermann2016" in list(data.available()["name"])


def test_room_and_sigma_spot_values():
    """R = 0.14 x I_EGB(51.2-819.2 GeV, model A of ApJ 799, 86 Table 3, summed by hand:
    2.393993e-9 cm^-2 s^-1 sr^-1); sigma_R from 0.14 I_EGB and 0.14 x (its upper errors:
    2.67947e-10 stat+instr, 4.18491e-10 foreground, summed over the bands)."""
    lim = F.load_egb_fraction("A")
    assert lim.E_min.min() == pytest.approx(51.2, rel=1e-12, abs=0)
    assert lim.E_max.max() == pytest.approx(819.2, rel=1e-12, abs=0)
    assert lim.egb == pytest.approx(2.393993e-9, rel=1e-6, abs=0)
    assert lim.room == pytest.approx(0.14 * 2.393993e-9, rel=1e-6, abs=0)
    egb_err = math.hypot(2.67947e-10, 4.18491e-10)
    assert lim.egb_err == pytest.approx(egb_err, rel=1e-5, abs=0)
    want = math.hypot(0.14 * 2.393993e-9, 0.14 * egb_err)
    assert lim.sigma == pytest.approx(want, rel=1e-5, abs=0)
    # one-sided: 0 up to the room, 1 one sigma above it, 4 two sigma above it
    c = lim.chi2(np.array([0.0, lim.room, lim.room + lim.sigma, lim.room + 2 * lim.sigma]))
    np.testing.assert_allclose(c, [0.0, 0.0, 1.0, 4.0], rtol=1e-12, atol=0)
    # tighter than the IGRB above 50 GeV (the IGRB there is ~0.56 of the EGB)
    igrb = F.load_igrb("A")
    above = igrb.E_min >= 50.0
    assert lim.room < 0.3 * igrb.intensity[above].sum()


def test_fit_uses_it_and_says_so():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = dict(model="eq17", mcmc=False, profile_points=0)
        a = F.fit("icecube_2015", ("delta_G",), **kw)
        b = F.fit("icecube_2015", ("delta_G",), blazar_fraction=True, **kw)
    assert a.data["egb_fraction"] == "not used"
    d = b.data["egb_fraction"]
    assert d["point_source_fraction"] == [0.86, -0.14, 0.16]
    # the γ-ray chi2 at the best fit includes the new term
    lik = b._lik
    th = np.array([[math.log10(b.best["delta_G"])]])
    ic, ig = lik.chi2_parts(th)
    assert float(ig[0]) == pytest.approx(
        float(lik.igrb.chi2_terms(lik.igrb_bands(th)).sum() + lik.chi2_egb_fraction(th)[0]),
        rel=1e-12,
        abs=0,
    )
    assert d["chi2_at_best"] == pytest.approx(float(lik.chi2_egb_fraction(th)[0]), rel=1e-12, abs=0)
    # a tighter limit cannot allow a larger delta_G
    assert b.best["delta_G"] <= a.best["delta_G"] * (1 + 1e-6)
    assert "point-source fraction" in b.summary()
