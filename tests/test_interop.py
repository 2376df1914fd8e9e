"""naima and gammapy adapters: the same numbers as crescape's own, in their conventions."""

import astropy.units as u
import numpy as np
import pytest

from crescape.interop import NaimaModel, gammapy_model
from crescape.observer import ExternalGalaxy
from crescape.params import ParameterError, Parameters
from crescape.spectra import CGMEmission

E = np.geomspace(0.1, 300, 7) * u.TeV
D = 3.5 * u.Mpc


@pytest.fixture(scope="module")
def emission():
    return CGMEmission(Parameters.from_flat({"delta_G": 100}))


@pytest.mark.parametrize("species", ["gamma", "gamma_unabsorbed", "nu_all", "nu_mu"])
def test_naima_flux_equals_crescape_flux(emission, species):
    m = NaimaModel(emission, species, distance=D)
    own = ExternalGalaxy(emission, distance=D).point_source_flux(E, species)
    own = own.to_value("1 / (eV cm2 s)")
    for got in (m(E), m.flux(E, distance=D), m.flux(E.to(u.erg))):
        assert got.unit == u.Unit("1 / (eV cm2 s)")
        np.testing.assert_allclose(got.value, own, rtol=1e-6, atol=0)
    sed = m.sed(E, distance=D)
    np.testing.assert_allclose(
        sed.to_value("erg / (cm2 s)"), (E**2 * own / u.eV).to_value("erg"), rtol=1e-6, atol=0
    )


def test_naima_distance_zero_is_the_luminosity(emission):
    m = NaimaModel(emission, "nu_all", distance=D)
    L = ExternalGalaxy(emission, distance=D).luminosity(E, "nu_all")
    np.testing.assert_allclose(
        m.flux(E, distance=0).to_value("1 / (eV s)"), L.to_value("1 / (eV s)"), rtol=1e-6, atol=0
    )
    assert m.sed(E, distance=0).unit == u.Unit("erg / s")
    # naima's inverse-square convention: F(2d) = F(d)/4
    np.testing.assert_allclose((m.flux(E, 2 * D) * 4 / m.flux(E, D)).to_value(""), 1, rtol=1e-12)


def test_naima_model_from_inside_is_the_sky_averaged_intensity(emission):
    m = NaimaModel(emission, "nu_all")
    own = emission.spectrum(E, "nu_all").to_value("1 / (eV cm2 s sr)")
    np.testing.assert_allclose(m(E).to_value("1 / (eV cm2 s sr)"), own, rtol=1e-6, atol=0)


def test_naima_bad_input():
    with pytest.raises(ParameterError, match="species = 'e'"):
        NaimaModel(species="e", distance=D)
    with pytest.raises(ParameterError, match="distance = 10 kpc is not allowed"):
        NaimaModel(species="gamma", distance=10 * u.kpc)


def test_gammapy_spectral_model(emission):
    pytest.importorskip("gammapy.modeling.models", reason="gammapy is optional (crescape[gammapy])")
    from gammapy.modeling.models import SkyModel, SpectralModel

    g = gammapy_model(emission, "gamma", distance=D, norm=2.0)
    assert isinstance(g, SpectralModel)
    own = ExternalGalaxy(emission, distance=D).flux(E, "gamma").to_value("1 / (TeV cm2 s)")
    np.testing.assert_allclose(g(E).to_value("1 / (TeV cm2 s)"), 2.0 * own, rtol=1e-6, atol=0)
    # broadcasting as gammapy evaluates on (n_E, 1, 1) grids
    grid = E.reshape(-1, 1, 1)
    assert g(grid).shape == grid.shape
    # integral flux through gammapy's own machinery
    F = g.integral(1 * u.TeV, 10 * u.TeV).to_value("1 / (cm2 s)")
    x = np.geomspace(1, 10, 2001)
    ref = np.trapezoid(
        2.0
        * ExternalGalaxy(emission, distance=D).flux(x * u.TeV, "gamma").to_value("1 / (TeV cm2 s)"),
        x,
    )
    assert F == pytest.approx(ref, rel=1e-3, abs=0)
    g.parameters["norm"].value = 1.0
    assert SkyModel(spectral_model=g, name="m82").spectral_model.parameters["norm"].value == 1.0
