"""With no break (the default) every number is what it was before the break existed, to round-off.

``data/single_power_law_bb740dc.json`` holds float.hex() values computed by :func:`recipe`
with the code of commit bb740dc (the last one without ``E_break``/``slope_high``): the chain's
quantities, Eq. (17) in both conventions, the CGMEmission spectra, the fit prefactor and a
FullSpectrumTable. They are compared to round-off (the ``same_to_roundoff`` fixture of tests/conftest.py: 16 ulp),
since libm rounds differently on other machines; a change of a formula moves them far more.
"""

import json
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest

from crescape import constants as C
from crescape.analysis.fit_model import FullSpectrumTable, shape_prefactor
from crescape.model import chain, neutrino_E2_flux
from crescape.params import Parameters
from crescape.spectra import CGMEmission

GOLDEN = json.loads((Path(__file__).parent / "data" / "single_power_law_bb740dc.json").read_text())
CASES = {
    "paper": {},
    "slope_2.3": {"slope": 2.3},
    "exp_2.2": {"cutoff": "exponential", "slope": 2.2, "E_max": "3 PeV"},
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", list(CASES))
def test_single_power_law_numbers_unchanged(name, same_to_roundoff):
    _same = same_to_roundoff
    p = Parameters().replace(**CASES[name])
    want = GOLDEN["cases"][name]
    E = np.array([float.fromhex(x) if isinstance(x, str) else x for x in GOLDEN["E_erg"]])
    assert np.array_equal(E, np.geomspace(1, 1e5, 6) * C.GeV)
    ch = chain(p.cgs, E)
    assert set(ch) == set(want["chain"])
    for key, vals in want["chain"].items():
        assert _same(np.broadcast_to(np.asarray(ch[key], dtype=float), E.shape), vals), key
    Enu = np.geomspace(1e3, 1e7, 5) * u.GeV
    assert _same(neutrino_E2_flux(p, Enu).value, want["eq17_paper"])
    assert _same(neutrino_E2_flux(p, Enu, convention="eq16").value, want["eq17_eq16"])
    m = CGMEmission(p)
    Eg = np.geomspace(1, 1e6, 7) * u.GeV
    assert _same(m.sed(Eg, "nu_all").value, want["cgm_nu_all"])
    assert _same(m.sed(Eg, "gamma").value, want["cgm_gamma"])
    assert _same(shape_prefactor(p), [want["shape_prefactor"]])


def test_fit_table_unchanged(same_to_roundoff):
    _same = same_to_roundoff
    tab = FullSpectrumTable(
        Parameters(), [("delta_G", True, 0.0, 4.0), ("slope", False, 2.0, 2.15)]
    )
    want = GOLDEN["table"]
    theta = np.array(want["theta"])
    assert _same(tab.sed("nu_all", theta, np.geomspace(1e4, 1e6, 4)), sum(want["nu_all"], []))
    assert _same(tab.sed("gamma", theta, np.geomspace(1, 1e3, 4)), sum(want["gamma"], []))
