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


HARD = Parameters().replace(slope=1.2, slope_high=3.2, E_break="700 TeV", E_max="100 PeV")


@pytest.mark.parametrize("cutoff", ["sharp", "exponential"])
@pytest.mark.parametrize("field_energy", ["peak", 1.0])
def test_prefactor_is_the_proton_density_of_CGMEmission(cutoff, field_energy):
    """One ṽ_A: A(θ) shape(E) = n_target n_CR(E) of CGMEmission for a hard broken spectrum."""
    import astropy.units as u

    from crescape import constants as C
    from crescape.physics.spectrum import spectral_shape
    from crescape.spectra import CGMEmission

    p = HARD.replace(cutoff=cutoff)
    fe = field_energy if isinstance(field_energy, str) else field_energy * C.GeV
    m = CGMEmission(p, E_ref=field_energy if isinstance(fe, str) else fe * u.erg)
    q = p.cgs
    E = np.array([10.0, 1e4, 1e6]) * C.GeV
    shape = spectral_shape(E, q.slope, q.E_min, q.E_max, q.cutoff, q.E_break, q.slope_high)
    got = FM.shape_prefactor(p, fe) * shape
    want = m.n_target * m._J(E)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    # vectorised over parameter sets, as the fit evaluates it
    two = q.__class__(**{**vars(q), "slope": np.array([1.2, 1.5])})
    A2 = FM.shape_prefactor(two, fe)
    assert A2[0] == pytest.approx(float(FM.shape_prefactor(p, fe)), rel=1e-12, abs=0)
    assert A2[1] == pytest.approx(
        float(FM.shape_prefactor(p.replace(slope=1.5), fe)), rel=1e-12, abs=0
    )


def test_field_energy_moves_the_prefactor_of_a_hard_spectrum_only():
    from crescape import constants as C

    # the peak of s = 1.2 below 700 TeV is the break: A ∝ 1/ṽ_A ∝ E_break^{-(2-s)/2}
    ratio = FM.shape_prefactor(HARD, C.GeV) / FM.shape_prefactor(HARD)
    assert float(ratio) == pytest.approx(7e5**0.4, rel=1e-12, abs=0)
    soft = Parameters().replace(slope=2.2, slope_high=2.7, E_break="10 TeV")
    assert FM.shape_prefactor(soft) == FM.shape_prefactor(soft, C.GeV)


def test_fit_model_says_which_field_energy():
    from crescape import constants as C

    m = F.CGMModel(("delta_G",), model="full", base=HARD)
    assert m.describe()["field_energy"].startswith("peak")
    m = F.CGMModel(("delta_G",), model="full", base=HARD, field_energy=C.GeV)
    assert m.describe()["field_energy"] == "fixed: the field of Eq. (8) at E = 1 GeV"
    assert (
        F.CGMModel(("delta_G",), model="eq17")
        .describe()["field_energy"]
        .startswith("the parent energy")
    )
    with pytest.raises(ParameterError, match="field_energy = .* not allowed with model='eq17'"):
        F.CGMModel(("delta_G",), model="eq17", field_energy=C.GeV)
    with pytest.raises(ParameterError, match="E_ref = 'top' is not allowed"):
        F.CGMModel(("delta_G",), model="full", field_energy="top")


def test_table_with_either_field_energy_differs_by_the_prefactor_only():
    """A table of a hard broken spectrum: the response S is the same, E²F scales as 1/ṽ_A."""
    from crescape import constants as C

    free = [("delta_G", True, 0.0, 4.0), ("slope", False, 1.2, 1.35)]
    peak = FM.FullSpectrumTable(HARD, free, species=("nu_all",))
    fixed = FM.FullSpectrumTable(HARD, free, species=("nu_all",), field_energy=C.GeV)
    assert peak.describe()["field_energy"].startswith("peak")
    theta = np.array([[2.0, 1.2], [2.5, 1.3]])
    E = np.geomspace(1e4, 1e6, 3)
    np.testing.assert_allclose(
        peak.ln_response("nu_all", theta, E), fixed.ln_response("nu_all", theta, E), rtol=1e-12
    )
    ratio = fixed.sed("nu_all", theta, E) / peak.sed("nu_all", theta, E)
    want = 7e5 ** ((2 - theta[:, 1]) / 2)  # ṽ_A(peak)/ṽ_A(1 GeV), the peak at the break
    np.testing.assert_allclose(ratio, np.broadcast_to(want[:, None], ratio.shape), rtol=1e-10)


@pytest.mark.parametrize("field_energy", ["peak", 1.0])
def test_prefactor_without_a_break_is_the_proton_density_of_CGMEmission(field_energy):
    import astropy.units as u

    from crescape import constants as C
    from crescape.physics.spectrum import spectral_shape
    from crescape.spectra import CGMEmission

    p = Parameters().replace(slope=1.5, cutoff="exponential", E_max="3 PeV")
    fe = field_energy if isinstance(field_energy, str) else field_energy * C.GeV
    m = CGMEmission(p, E_ref=fe if isinstance(fe, str) else fe * u.erg)
    if isinstance(fe, str):  # (2 - s) E_max
        assert m.E_ref == pytest.approx(1.5e6 * C.GeV, rel=1e-12, abs=0)
    q = p.cgs
    E = np.array([10.0, 1e4, 1e6]) * C.GeV
    shape = spectral_shape(E, q.slope, q.E_min, q.E_max, q.cutoff)
    got = FM.shape_prefactor(p, fe) * shape
    np.testing.assert_allclose(got, m.n_target * m._J(E), rtol=1e-12, atol=0)
