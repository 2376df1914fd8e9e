"""Observables of radial profiles: crescape.analysis.profile_emission and neutrino_E2_flux(profile=).

Outside truths: the uniform CGM of crescape.spectra.CGMEmission (which the profile machinery
must reproduce), and the closed forms of the all-sky line-of-sight integral of a uniform sphere
and of a 1/r emissivity seen from inside (the shell average of 1/|x - x_sun|² is
ln((r + d)/|r - d|)/(2 r d)).
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
import xarray as xr

from crescape import constants as C
from crescape.analysis.profile_emission import ProfileEmission, radial_los_integral
from crescape.halo import CGMProfile
from crescape.model import neutrino_E2_flux
from crescape.params import ParameterError, Parameters
from crescape.physics import cgm_source, pp
from crescape.physics.escape import escape_flux
from crescape.spectra import CGMEmission

P100 = Parameters.from_flat({"delta_G": 100})
E_TEST = np.geomspace(1.0, 3e5, 6) * u.GeV
SPECIES = ["nu_e", "nu_mu", "nu_tau", "nu_all", "gamma", "gamma_unabsorbed"]


@pytest.fixture(scope="module")
def uniform_pair():
    return ProfileEmission.from_profile(CGMProfile(cgm=P100.cgm), P100), CGMEmission(P100)


@pytest.mark.parametrize("species", SPECIES)
def test_uniform_profile_is_the_uniform_cgm(uniform_pair, species):
    pe, em = uniform_pair
    a = pe.sed(E_TEST, species).value
    b = em.sed(E_TEST, species).value
    assert np.all(b > 0)
    assert a == pytest.approx(b, rel=1e-6, abs=0)


def test_uniform_profile_radio_is_the_uniform_cgm(uniform_pair):
    pe, em = uniform_pair
    nu = [1e8, 1.4e9] * u.Hz
    a = pe.radio_flux_density(nu)["S_all_sky"].to_value(u.Jy)
    b = em.radio_flux_density(nu)["S_all_sky"].to_value(u.Jy)
    assert a == pytest.approx(b, rel=1e-6, abs=0)


def test_profile_weight_scales_as_density_to_three_halves():
    """n_CR ∝ 1/ṽ_A ∝ √ρ and q ∝ n_CR n_gas: the weight of a β-model is (ρ/ρ₀)^{3/2} inside R_d."""
    pe = ProfileEmission.from_profile(CGMProfile(kind="miller_bregman"), P100)
    r = np.array([3.0, 5.0, 9.0]) * C.kpc
    mb = CGMProfile(kind="miller_bregman")
    expect = (mb.rho_cgs(r) / pe.emission.rho) ** 1.5
    assert pe.weight(r) == pytest.approx(expect, rel=1e-12, abs=0)


def _closed_uniform(R, d):
    """(1/4π)∫dΩ∫ds over a sphere of radius R seen from d < R: (R + (a²/d) asinh(d/a))/2."""
    a = np.sqrt(R**2 - d**2)
    return 0.5 * (R + a**2 / d * np.arcsinh(d / a))


def _closed_inverse_r(R, d):
    """(1/4π)∫dΩ∫ds (1/r) over a sphere of radius R seen from d < R."""
    return 0.5 / d * ((R + d) * np.log(R + d) - (R - d) * np.log(R - d) - 2.0 * d * np.log(d))


def test_los_integral_of_uniform_sphere():
    R, d = 80.0 * C.kpc, cgm_source.R_SUN
    geom = cgm_source.HaloGeometry(10.0 * C.kpc, R, d)
    val = radial_los_integral(lambda r: np.ones_like(r), geom)
    assert val == pytest.approx(_closed_uniform(R, d), rel=1e-10, abs=0)


def _inverse_r_dataset(r_kpc, E_GeV, n_CR_of_E, rho=1e-27):
    """A coupled-run-like Dataset with n_CR(z, E) = (1 kpc/z) n(E), uniform gas."""
    z = r_kpc
    n = (1.0 / z)[:, None] * n_CR_of_E[None, :] * C.GeV  # per GeV
    nz = z.size
    return xr.Dataset(
        {
            "n_CR": (("t", "z", "E"), n[None]),
            "rho": (("t", "z"), np.full((1, nz), rho)),
            "dB": (("t", "z"), np.full((1, nz), 1e-7)),
        },
        coords={"t": [0.0], "z": z, "E": E_GeV},
        attrs={"B0_G": 0.0},
    )


def test_dataset_inverse_r_profile_against_closed_form():
    """A run-like column with n_CR ∝ 1/r: the sky-averaged ν intensity is q₁(E) × the closed form."""
    R = 100.0
    r = np.geomspace(0.02, R, 500)
    E = np.geomspace(1.0, 1e6, 40)
    nE = (E * C.GeV) ** -2.2 * 1e-3  # cm^-3 erg^-1 at r = 1 kpc
    ds = _inverse_r_dataset(r, E, nE)
    pe = ProfileEmission.from_dataset(ds)
    E_nu = np.array([1e3, 1e4]) * C.GeV
    got = pe.spectrum(E_nu * u.erg, "nu_all").to_value("1 / (erg cm2 s sr)")
    J = cgm_source._loglog_density(E * C.GeV, nE[None, :])
    n_t = 1e-27 / C.m_p
    q1 = sum(
        pp.emissivity(E_nu, lambda x: J(x)[0], n_t, sp, E[-1] * C.GeV) for sp in ("nu_e", "nu_mu")
    )  # at r = 1 kpc
    expect = q1 * C.kpc * _closed_inverse_r(R * C.kpc, cgm_source.R_SUN) / (4.0 * np.pi)
    assert got == pytest.approx(expect, rel=2e-3, abs=0)


def test_dataset_of_the_uniform_cgm_matches_cgm_emission():
    """The analytic uniform-CGM profile written as a run column gives CGMEmission's ν and γ."""
    em = CGMEmission(P100)
    c = P100.cgs
    r = np.geomspace(0.05, 100.0, 600)
    E = np.geomspace(1.0, 1e6, 60)
    spec = (c.L_CR, c.R_d, c.slope, c.E_min, c.E_max, c.cutoff)
    n = escape_flux(E * C.GeV, *spec) / em.v_A  # per erg
    f = em.geometry.profile(r * C.kpc)
    ds = xr.Dataset(
        {
            "n_CR": (("t", "z", "E"), (f[:, None] * n[None, :] * C.GeV)[None]),
            "rho": (("t", "z"), np.full((1, r.size), em.rho)),
            "dB": (("t", "z"), (em.delta_B * np.sqrt(f))[None]),
        },
        coords={"t": [0.0], "z": r, "E": E},
        attrs={"B0_G": 0.0},
    )
    pe = ProfileEmission.from_dataset(ds, n_dir=96)
    E_obs = [1e3, 3e4, 3e5] * u.GeV
    for sp in ("nu_mu", "gamma"):
        assert pe.sed(E_obs, sp).value == pytest.approx(em.sed(E_obs, sp).value, rel=5e-3, abs=0)


def test_neutrino_E2_flux_profile_uniform_is_paper_times_path_ratio():
    E = [1e3, 1e5] * u.TeV
    base = neutrino_E2_flux(P100, E)
    prof = neutrino_E2_flux(P100, E, profile=CGMProfile(cgm=P100.cgm))
    ratio = CGMEmission(P100).paper_geometry_ratio()
    assert prof.value == pytest.approx(base.value * ratio, rel=1e-10, abs=0)
    # the default is unchanged by the new keywords
    assert neutrino_E2_flux(P100, E, profile=None).value == pytest.approx(
        base.value, rel=1e-15, abs=0
    )


def test_neutrino_E2_flux_profile_scales_as_density_to_three_halves():
    """A β-model with ρ ∝ r^0 (β = 0) at twice the density: the flux rises by 2^{3/2}."""
    cg = P100.cgm
    n_u = float(CGMProfile(cgm=cg).n_cgs(np.array(1.0)))
    flat = CGMProfile(kind="beta", n0_rc3b=2.0 * n_u, beta=1e-12, cgm=cg)
    E = [10.0] * u.TeV
    ratio = neutrino_E2_flux(P100, E, profile=flat) / neutrino_E2_flux(
        P100, E, profile=CGMProfile(cgm=cg)
    )
    assert float(ratio.to_value(u.one)[0]) == pytest.approx(2.0**1.5, rel=1e-9, abs=0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"inner": "none"}, "inner"),
        ({"n_dir": 2}, "n_dir"),
        ({"sigma_model": "x"}, "sigma_model"),
        ({"enhancement": 10.0}, "enhancement"),
        ({"R_out": 5.0}, "R_"),
    ],
)
def test_bad_inputs(kwargs, match):
    ds = _inverse_r_dataset(np.geomspace(1, 100, 5), np.geomspace(1, 1e3, 4), np.ones(4))
    with pytest.raises(ParameterError, match=match):
        ProfileEmission.from_dataset(ds, **kwargs)


def test_bad_species_and_profile():
    pe = ProfileEmission.from_profile(CGMProfile(), P100)
    with pytest.raises(ParameterError, match="species"):
        pe.sed(1e3, "e")
    with pytest.raises(ParameterError, match="profile"):
        ProfileEmission.from_profile("uniform")
    with pytest.raises(ParameterError, match="profile"):
        neutrino_E2_flux(P100, 1e3, profile="uniform")
