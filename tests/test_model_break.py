"""The spectral break passed through the chain, Eq. (17), CGMEmission and the simulation's injection."""

import math

import astropy.units as u
import numpy as np
import pytest

from crescape import constants as C
from crescape.model import EscapeModel, chain, neutrino_E2_flux
from crescape.params import Parameters
from crescape.physics import escape
from crescape.simulate.boundaries import escape_flux_per_lnp
from crescape.simulate.grid import MomentumGrid
from crescape.spectra import CGMEmission

BREAK = {"E_break": "100 TeV", "slope_high": 2.6}


def test_chain_uses_the_broken_spectrum():
    p = Parameters().replace(**BREAK).cgs
    E = np.array([10.0, 1e4, 3e5]) * C.GeV
    out = chain(p, E)
    args = (p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff, p.E_break, p.slope_high)
    np.testing.assert_array_equal(out["cr_flux"], escape.escape_flux(E, *args))
    np.testing.assert_array_equal(out["current"], escape.current_above(E, *args))
    # below the break the flux is the s = 2 one, lowered by the larger Λ of the broken spectrum
    lam_single = math.log(1e6)
    lam = math.log(1e5) + (1e5**0.6) * (1e5**-0.6 - 1e6**-0.6) / 0.6
    single = chain(Parameters().cgs, E)["cr_flux"]
    assert out["cr_flux"][0] / single[0] == pytest.approx(lam_single / lam, rel=1e-12, abs=0)
    assert out["cr_flux"][2] / out["cr_flux"][1] == pytest.approx(
        (1e5 / 1e4) ** -2 * (3e5 / 1e5) ** -2.6, rel=1e-12, abs=0
    )


def test_escape_model_has_the_break():
    params = Parameters().replace(**BREAK)
    m = EscapeModel.from_params(params, energy=3e5 * u.GeV)
    want = chain(params.cgs, 3e5 * C.GeV)["cr_flux"]
    assert float(m.cgs("cr_flux")) == float(want)
    assert float(m.cgs("cr_flux")) < float(EscapeModel(energy=3e5 * u.GeV).cgs("cr_flux"))


def test_eq17_paper_convention_bends_at_eta_E_break():
    """E_ν²F_ν ∝ (E²φ)^{1/2}: flat below η E_break for s = 2, ∝ E_ν^{(2-s₂)/2} above."""
    p = Parameters().replace(**BREAK)
    Enu = np.array([1e3, 2e3, 2e4, 4e4]) * u.GeV  # η E_break = 5 TeV
    f = neutrino_E2_flux(p, Enu).value
    assert f[1] / f[0] == pytest.approx(1.0, rel=1e-12, abs=0)
    assert f[3] / f[2] == pytest.approx(2.0 ** (-0.3), rel=1e-12, abs=0)


def test_cgm_emission_with_equal_slopes_is_the_single_power_law():
    E = np.geomspace(10, 1e6, 9) * u.GeV
    a = CGMEmission(Parameters().replace(slope=2.2))
    b = CGMEmission(Parameters().replace(slope=2.2, slope_high=2.2, E_break="30 TeV"))
    for sp in ("nu_all", "gamma"):
        np.testing.assert_allclose(b.sed(E, sp).value, a.sed(E, sp).value, rtol=1e-10, atol=0)


def test_cgm_emission_steepens_above_the_break():
    E = np.array([1e2, 1e5]) * u.GeV
    a = CGMEmission(Parameters()).sed(E, "nu_all").value
    b = CGMEmission(Parameters().replace(**BREAK)).sed(E, "nu_all").value
    # the break lowers the high-energy neutrinos relative to the low-energy ones
    assert (b[1] / b[0]) < 0.5 * (a[1] / a[0])


def test_simulation_injection_has_the_break():
    params = Parameters().replace(**BREAK)
    P = MomentumGrid.from_energy(1.0 * C.GeV, 1e6 * C.GeV, 40)
    c = params.cgs
    phi = escape.escape_flux(
        P.energy, c.L_CR, c.R_d, c.slope, c.E_min, c.E_max, c.cutoff, c.E_break, c.slope_high
    )
    np.testing.assert_array_equal(escape_flux_per_lnp(P, params), phi * P.dE_dlnp())


@pytest.mark.parametrize("s, s2, Eb", [(2.0, 2.7, 1e5), (1.6, 3.0, 3e4), (2.4, 2.0, 1e4)])
def test_pp_quadrature_split_at_the_break_is_converged(monkeypatch, s, s2, Eb):
    """The pp integrals are split at the kink of the broken spectrum (pp.emissivity E_p_break):
    with 64/48 nodes a part they agree with 400/300-node rules to 1e-10 (without the split a
    kink inside a rule costs ~1e-2)."""
    from crescape.physics import pp

    p = Parameters().replace(slope=s, slope_high=s2, E_break=Eb)
    E = np.geomspace(1, 1e6, 13) * u.GeV
    ref = {sp: CGMEmission(p).sed(E, sp).value for sp in ("nu_all", "gamma")}
    fine64, fine48 = np.polynomial.legendre.leggauss(400), np.polynomial.legendre.leggauss(300)
    monkeypatch.setattr(pp, "_GL64", fine64)
    monkeypatch.setattr(pp, "_GL48", fine48)
    monkeypatch.setattr(pp._gl_nodes, "__defaults__", (fine64,))
    monkeypatch.setattr(pp._gl_nodes_split, "__defaults__", (fine64,))
    for sp, want in ref.items():
        got = CGMEmission(p).sed(E[:-1], sp).value
        np.testing.assert_allclose(want[:-1], got, rtol=1e-10, atol=0)


def test_sweep_takes_the_break_as_an_axis():
    """The sweep reads Galaxy fields generically: E_break and slope_high are axes like any."""
    from crescape.analysis.sweep import sweep

    ds = sweep(
        "chain",
        {"E_break": ["10 TeV", "100 TeV"], "slope_high": [2.0, 2.7]},
        outputs=["cr_flux"],
        scheduler="serial",
        progress=False,
    )
    for i, Eb in enumerate((1e4, 1e5)):
        for j, s2 in enumerate((2.0, 2.7)):
            m = EscapeModel.from_params(Parameters().replace(E_break=Eb, slope_high=s2))
            want = m["cr_flux"].to_value(ds["cr_flux"].attrs["units"])
            assert float(ds["cr_flux"].values[i, j]) == pytest.approx(want, rel=1e-12, abs=0)
