"""The emission model of a CGM profile: CGMEmission(profile=, field=) and ProfileEmission.from_profile.

Outside truths: the sky-averaged values of the uniform CGM frozen before profiles entered
(tests/reference/frozen_bb740dc.json, commit bb740dc); the closed-form sky-averaged path
of a radial weight w(r) seen from R_sun, ∫ r² w(r) ln((r + d)/|r − d|)/(2 r d) dr (the shell
average of 1/|x − x_sun|²; scipy quad), which with w = f (ρ/ρ₀)^{3/2} (Eq. 15 with Eq. 8:
n_CR ∝ ρ^{1/2}, times the target ∝ ρ) gives the density of the uniform CGM with the same
emission, ρ_eq = ρ₀ (∫ w / ∫ f)^{2/3}.
"""

from __future__ import annotations

import json
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest

from crescape import CGM, ParameterError
from crescape import constants as C
from crescape.analysis.profile_emission import ProfileEmission
from crescape.halo import CGMProfile
from crescape.model import neutrino_E2_flux
from crescape.params import Parameters
from crescape.spectra import CGMEmission

FROZEN = json.loads((Path(__file__).parent / "reference" / "frozen_bb740dc.json").read_text())
SPECIES = ["nu_e", "nu_mu", "nu_tau", "nu_all", "gamma", "gamma_unabsorbed"]
P100 = Parameters.from_flat({"delta_G": 100})
R_D = 10.0 * C.kpc
# a cored β-model (smooth at the centre, so that the sky quadrature converges)
CORED = CGMProfile(kind="beta", n0_rc3b=1.35e-2, beta=0.5, r_c=3.0, cgm=P100.cgm)


@pytest.mark.parametrize("case", sorted(FROZEN["emission"]))
def test_no_profile_is_the_frozen_emission_to_roundoff(case, same_to_roundoff):
    c = FROZEN["emission"][case]
    em = CGMEmission(Parameters.from_flat(c["flat"]))
    E = c["E_GeV"] * u.GeV
    for sp in SPECIES:
        assert same_to_roundoff(em.sed(E, sp).value, c["sed"][sp]), sp
    r = em.radio_flux_density([1e8, 1.4e9] * u.Hz)
    assert same_to_roundoff(r["S_all_sky"].value, c["sed"]["radio_S"])
    assert same_to_roundoff(r["L_nu"].value, c["sed"]["radio_L"])
    assert same_to_roundoff(em.effective_path, c["sed"]["effective_path"][:1])


@pytest.fixture(scope="module")
def uniform_pair():
    return CGMEmission(P100, profile=CGMProfile(cgm=P100.cgm)), CGMEmission(P100)


@pytest.mark.parametrize("species", SPECIES)
def test_uniform_profile_is_the_uniform_cgm(uniform_pair, species):
    prof, em = uniform_pair
    E = np.geomspace(1.0, 1e6, 9) * u.GeV  # up to 1 PeV: the CMB absorbs there
    a, b = prof.sed(E, species).value, em.sed(E, species).value
    assert np.all(b[:-1] > 0)
    assert a == pytest.approx(b, rel=1e-13, abs=0)


def test_uniform_profile_radio_is_the_uniform_cgm_bit_for_bit(uniform_pair):
    prof, em = uniform_pair
    a, b = (m.radio_flux_density([1e8, 1.4e9] * u.Hz) for m in uniform_pair)
    for k in ("S_all_sky", "I_mean", "L_nu"):
        assert np.array_equal(a[k].value, b[k].value), k
    r = np.array([1.0, 30.0, 99.0]) * C.kpc
    assert np.array_equal(prof.weight(r), em.geometry.profile(r))


@pytest.mark.parametrize("field", ["planar", "local"])
@pytest.mark.parametrize("E_ref", ["peak", 1 * u.GeV])
def test_uniform_profile_with_a_break_is_the_uniform_cgm(field, E_ref):
    # the profile's n/ṽ_A uses the field of δB (the broken spectrum's E²φ at E_ref)
    p = P100.replace(slope=1.2, slope_high=3.2, E_break="700 TeV", E_max="100 PeV")
    prof = CGMEmission(p, profile=CGMProfile(cgm=p.cgm), field=field, E_ref=E_ref)
    r = np.array([1.0, 9.0]) * C.kpc  # inside R_d: f = 1 in both fields
    assert prof.weight(r) == pytest.approx(np.ones(2), rel=1e-12, abs=0)


@pytest.mark.parametrize("field, power", [("planar", 1.0), ("local", 0.5)])
def test_profile_is_the_uniform_cgm_of_its_column_weighted_density(field, power, shell_path):
    """Emission of the profile = emission of the uniform CGM at ρ_eq = ρ₀(∫w/∫f)^{2/3} (ν, unabsorbed γ)."""
    em = CGMEmission(P100, profile=CORED, field=field)
    g = em.geometry
    rho0 = em.rho

    def f(r):
        return 1.0 if r <= R_D else (R_D / r) ** 2

    def w(r):
        return f(r) ** power * (float(CORED.rho_cgs(np.array(r))) / rho0) ** 1.5

    L_w = shell_path(w, g.R_out, g.R_sun)
    L_f = shell_path(f, g.R_out, g.R_sun)
    assert em.effective_path == pytest.approx(L_w, rel=1e-9, abs=0)
    delta_eq = 100.0 * (L_w / L_f) ** (2.0 / 3.0)
    assert em.equivalent_delta_G == pytest.approx(delta_eq, rel=1e-9, abs=0)
    assert delta_eq > 300.0  # the profile is denser than δ_G = 100 within R_d
    uni = CGMEmission(Parameters.from_flat({"delta_G": delta_eq}))
    E = [1.0, 1e3, 1e5] * u.GeV
    for sp in ("nu_all", "nu_mu", "gamma_unabsorbed"):
        assert em.sed(E, sp).value == pytest.approx(uni.sed(E, sp).value, rel=1e-8, abs=0), sp


def test_the_weight_is_eq15_times_the_target():
    """w = f (ρ/ρ₀)^{3/2} (planar) and f^{1/2} (ρ/ρ₀)^{3/2} (local) at r inside and beyond R_d."""
    r = np.array([2.0, 8.0, 25.0, 60.0]) * C.kpc
    f = np.minimum(1.0, (R_D / r) ** 2)
    x = (CORED.rho_cgs(r) / CGMEmission(P100).rho) ** 1.5
    for field, power in (("planar", 1.0), ("local", 0.5)):
        em = CGMEmission(P100, profile=CORED, field=field)
        assert em.weight(r) == pytest.approx(f**power * x, rel=1e-13, abs=0), field


def test_local_over_planar_is_the_same_in_eq16_and_in_the_full_spectra():
    """The field convention changes only the column: Eq. (16) and KAB06 see the same ratio (s = 2)."""
    mb = CGMProfile(kind="miller_bregman")
    ratio_eq16 = (neutrino_E2_flux(profile=mb, field="local") / neutrino_E2_flux(profile=mb)).value
    full = [CGMEmission(profile=mb, field=f).sed([1e4] * u.GeV, "nu_all") for f in FIELDS]
    assert ratio_eq16 > 1.0
    assert (full[1] / full[0]).value[0] == pytest.approx(ratio_eq16, rel=1e-12, abs=0)


FIELDS = ("planar", "local")


def test_absorbed_gamma_rays_of_a_profile_are_weighted_along_each_line_of_sight():
    """Above ~300 TeV the CMB absorbs (mean free path ≳ 7 kpc); a profile concentrated near the
    centre, ~R_sun away, loses less than the uniform CGM that extends to 100 kpc."""
    E = [1e3, 3e5, 6e5] * u.GeV

    def kept(m):
        return (m.sed(E, "gamma") / m.sed(E, "gamma_unabsorbed")).value

    prof, uni = kept(CGMEmission(P100, profile=CORED)), kept(CGMEmission(P100))
    assert prof[0] == pytest.approx(1.0, rel=1e-3, abs=0)
    assert np.all(uni[1:] < prof[1:]) and np.all(prof[1:] < 0.95)
    assert prof[2] < prof[1]


def test_profile_emission_from_profile_is_cgm_emission_with_the_profile():
    mb = CGMProfile(kind="miller_bregman")
    pe = ProfileEmission.from_profile(mb, field="local")
    em = CGMEmission(profile=mb, field="local")
    E = [10.0, 1e4] * u.GeV
    for sp in ("nu_all", "gamma"):
        assert np.array_equal(pe.sed(E, sp).value, em.sed(E, sp).value)
    assert pe.effective_path() == em.effective_path
    r = np.array([3.0, 30.0]) * C.kpc
    assert np.array_equal(pe.weight(r), em.weight(r))
    radio = pe.radio_flux_density(1.4e9 * u.Hz)["S_all_sky"]
    assert np.array_equal(radio.value, em.radio_flux_density(1.4e9 * u.Hz)["S_all_sky"].value)


def test_public_emissivity_and_radio_table():
    em = CGMEmission(P100)
    E = [1.0, 1e4] * u.GeV
    q = em.observed_emissivity(E, "nu_all")
    assert q.unit == u.Unit("1 / (GeV cm3 s)")
    both = em.emissivity(E, "nu_e") + em.emissivity(E, "nu_mu")
    assert q.value == pytest.approx(both.value, rel=1e-14, abs=0)
    B, j = em.radio_emissivity_table([1e8, 1.4e9] * u.Hz, nB=5)
    assert B.unit == u.G and j.shape == (5, 2)
    assert B[-1].value == pytest.approx(em.delta_B, rel=1e-14, abs=0)
    assert j[-1].value == pytest.approx(
        em.radio_emissivity([1e8, 1.4e9] * u.Hz).value, rel=1e-14, abs=0
    )


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"profile": "miller_bregman"}, ["profile = 'miller_bregman'", "CGMProfile"]),
        ({"profile": CORED, "field": "up"}, ["field = 'up'"]),
        ({"n_dir": 2}, ["n_dir = 2"]),
        ({"field": "local"}, ["field = 'local'", "without profile"]),
    ],
)
def test_bad_inputs_give_one_line(kw, words):
    with pytest.raises(ParameterError) as exc:
        CGMEmission(P100, **kw)
    for w in words:
        assert w in str(exc.value)
    with pytest.raises(ParameterError, match="nB = 1"):
        CGMEmission(P100).radio_emissivity_table(1e9, nB=1)


def test_the_view_from_outside_refuses_a_profile():
    from crescape.observer import ExternalGalaxy

    with pytest.raises(ParameterError, match="profile"):
        ExternalGalaxy(CGMEmission(P100, profile=CORED), distance=1e3)


def test_params_default_to_the_profile_cgm():
    prof = CGMProfile(cgm=CGM(delta_G=40.0))
    em = CGMEmission(profile=prof)
    assert float(em.params.cgs.delta_G) == 40.0
    assert em.equivalent_delta_G == pytest.approx(40.0, rel=1e-13, abs=0)
