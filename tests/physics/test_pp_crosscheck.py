"""Peer cross-checks of the pp spectra: naima (KAB06 and Kafexhiu 2014) and aafragpy (AAfrag).

These tests need the optional ``naima`` and ``aafragpy`` packages (the ``test`` extra);
each skips cleanly when its package is absent.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from crescape import constants as C
from crescape.physics import pp

u = pytest.importorskip("astropy.units")


def _ecpl(amp_per_erg, slope, E_cut):
    J, E_p_max = pp.power_law_protons(amp_per_erg, slope, E_cut, "exponential")
    return J, E_p_max


def test_naima_kelner06_gamma_agrees_to_percent():
    naima = pytest.importorskip("naima")
    from naima.radiative import PionDecayKelner06

    amp = 1e30 / u.eV
    model = naima.models.ExponentialCutoffPowerLaw(amp, 1 * u.TeV, 2.0, 1000 * u.TeV)
    J, E_p_max = _ecpl(amp.to_value(1 / u.erg), 2.0, 1000 * C.TeV)
    E = np.logspace(-3, 3, 13) * u.TeV  # both sides of the 0.1 TeV transition
    theirs = (
        PionDecayKelner06(model, nh=1 / u.cm**3).flux(E, distance=0).to_value(1 / (u.s * u.erg))
    )
    ours = pp.emissivity(E.to_value(u.erg), J, 1.0, "gamma", E_p_max)
    np.testing.assert_allclose(ours / theirs, 1.0, rtol=0.03)


def test_naima_piondecay_kafexhiu_within_30_percent():
    naima = pytest.importorskip("naima")
    from naima.radiative import PionDecay

    amp = 1e30 / u.eV
    model = naima.models.ExponentialCutoffPowerLaw(amp, 1 * u.TeV, 2.0, 1000 * u.TeV)
    J, E_p_max = _ecpl(amp.to_value(1 / u.erg), 2.0, 1000 * C.TeV)
    E = np.logspace(-3, 3, 13) * u.TeV
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd = PionDecay(model, nh=1 / u.cm**3, nuclear_enhancement=False)
        theirs = pd.flux(E, distance=0).to_value(1 / (u.s * u.erg))
    ours = pp.emissivity(E.to_value(u.erg), J, 1.0, "gamma", E_p_max, sigma_model="Kafexhiu14")
    np.testing.assert_allclose(ours / theirs, 1.0, rtol=0.30)


def test_naima_kafexhiu_cross_section():
    pytest.importorskip("naima")
    from naima.radiative import PionDecay

    pd = PionDecay.__new__(PionDecay)
    Tp = np.logspace(0, 6, 7)  # GeV
    theirs = np.array([pd._sigma_inel(t) for t in Tp]) / C.mb  # naima returns cm2
    ours = pp.sigma_inel_kafexhiu14(Tp * C.GeV + C.m_p_c2) / C.mb
    np.testing.assert_allclose(ours, theirs, rtol=2e-3)


def test_naima_kelner06_cross_section_near_threshold():
    """KAB06 Eq. 79 against naima's PionDecayKelner06 (E_th = 1.22 GeV) from threshold up."""
    pytest.importorskip("naima")
    from naima.radiative import PionDecayKelner06

    pd = PionDecayKelner06.__new__(PionDecayKelner06)
    Ep = np.array([1.25, 1.3, 1.5, 2.0, 5.0, 30.0, 100.0])  # GeV, total energy (naima: <= 0.1 TeV)
    theirs = np.array([pd._sigma_inel(e * 1e-3) for e in Ep])  # cm2
    ours = pp.sigma_inel(Ep * C.GeV, "KAB06")
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=0)


@pytest.mark.parametrize(
    "species, aafrag_names",
    [
        ("nu_mu", ("nu_mu", "anu_mu")),
        ("nu_e", ("nu_e", "anu_e")),
        ("gamma", ("gam",)),
        ("e", ("el", "posi")),
    ],
)
def test_aafrag_within_30_percent(species, aafrag_names):
    aafragpy = pytest.importorskip("aafragpy")
    Ep = np.logspace(1, 9, 400)  # GeV, total energy
    Es = np.logspace(3, 6, 7)  # 1 TeV - 1 PeV
    E_p_max = Ep[-1] * C.GeV

    def J(E):
        return (E / C.TeV) ** -2.0 * (E <= E_p_max)

    prim = J(Ep * C.GeV) * C.GeV  # per GeV
    tot = 0.0
    for name in aafrag_names:
        cs, e1, e2 = aafragpy.get_cross_section(name, "p-p", E_primaries=Ep, E_secondaries=Es)
        tot = tot + aafragpy.get_spectrum(e1, e2, cs, prim)
    theirs = tot * C.c * C.mb / C.GeV
    ours = pp.emissivity(Es * C.GeV, J, 1.0, species, E_p_max)
    np.testing.assert_allclose(ours / theirs, 1.0, rtol=0.30)
