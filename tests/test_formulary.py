"""The unit-checked twins agree with the cgs functions and reject wrong units."""

import astropy.units as u
import numpy as np
import pytest

from crescape import ParameterError
from crescape import constants as C
from crescape import formulary as f


def test_every_twin_has_its_lite_function_and_equation():
    for name in f.__all__:
        fn = getattr(f, name)
        if not callable(fn):
            continue
        assert callable(fn.lite)
        assert (
            "Eq" in fn.__doc__ or "Bell" in fn.__doc__ or "ρ" in fn.__doc__ or "r_L" in fn.__doc__
        )


def test_twin_matches_lite_with_any_units():
    E = np.array([1.0, 1e3]) * u.GeV
    q = f.escape_flux(E, 1e34 * u.W, 10 * u.kpc, 2.0, 1 * u.GeV, 1 * u.PeV)
    lite = f.escape_flux.lite(E.to_value(u.erg), 1e41, 10 * C.kpc, 2.0, C.GeV, 1e6 * C.GeV)
    np.testing.assert_allclose(q.to_value(1 / (u.erg * u.cm**2 * u.s)), lite, rtol=1e-12)


def test_bohm_diffusion_number():
    D = f.bohm_diffusion(1 * u.GeV, 2.252e-8 * u.G)
    assert D.to_value(u.cm**2 / u.s) == pytest.approx(1.48e24, rel=2e-3, abs=0)
    assert f.bohm_diffusion(1 * u.GeV, 2.252e-12 * u.T).to_value(u.m**2 / u.s) == pytest.approx(
        1.48e20, rel=2e-3, abs=0
    )


def test_wrong_unit_is_named():
    with pytest.raises(ParameterError, match="dB"):
        f.bohm_diffusion(1 * u.GeV, 1 * u.kpc)
    with pytest.raises(ParameterError, match="E = nan"):
        f.larmor_radius(np.nan * u.GeV, 1 * u.G)


def test_alfven_speed_units():
    v = f.alfven_speed(1 * u.uG, 1.6726e-24 * u.g / u.cm**3)
    assert v.to_value(u.km / u.s) == pytest.approx(2.18, rel=1e-2, abs=0)
