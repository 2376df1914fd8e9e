"""The per-process shortcuts of the population sweep give the same numbers as the plain path."""

import astropy.units as u
import pytest

from crescape import population as P
from crescape.spectra import SED_UNIT


def test_background_numbers_equal_the_quantity_path():
    pop = P.CosmicPopulation(30.0, mass_function="tinker2008", params={"slope": 2.2}, n_z=16)
    n = P.background_numbers(pop)
    want = {
        "nu_mu_100TeV": pop.sed(100 * u.TeV, "nu_mu")[0],
        "nu_all_100TeV": pop.sed(100 * u.TeV, "nu_all")[0],
        "gamma_100GeV": pop.sed(100 * u.GeV, "gamma")[0],
        "mw_nu_mu_100TeV": pop.milky_way_sed(100 * u.TeV, "nu_mu"),
        "mw_gamma_100GeV": pop.milky_way_sed(100 * u.GeV, "gamma"),
    }
    for k, v in want.items():
        assert n[k] == pytest.approx(float(v.to_value(SED_UNIT)), rel=1e-12, abs=0)


def test_template_cache_keys_on_every_input():
    a = P.CosmicPopulation(30.0, params={"slope": 2.2})
    b = P.CosmicPopulation(30.0, params={"slope": 2.2})
    c = P.CosmicPopulation(30.0, params={"slope": 2.3})
    d = P.CosmicPopulation(30.0, params={"slope": 2.2}, xi=0.2)
    e = P.CosmicPopulation(30.0, params={"slope": 2.2}, R_out=200 * u.kpc)
    assert a.emission is b.emission
    assert len({id(x.emission) for x in (a, c, d, e)}) == 4
    assert float(c.template.cgs.slope) == 2.3 and d.xi == 0.2
    assert float(e.emission.geometry.R_out) != float(a.emission.geometry.R_out)
