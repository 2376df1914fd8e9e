"""The chain in a CGM profile at a radius: EscapeModel(profile=, radius=) and Eq. (16) with field=.

Outside truths: the values of the chain, of the emission model and of Eq. (16) with a
profile frozen before profiles entered the chain (tests/reference/frozen_bb740dc.json,
written by the code of commit bb740dc), the Miller & Bregman (2015, ApJ 800, 14) density
n = 1.35e-2 r_kpc^-1.5 cm^-3 (δ_G ≈ 1700 at 10 kpc and 150 at 50 kpc as issue 13 quotes),
the scalings of Eq. (8) (δB ∝ (E²φ)^{1/2}), Eq. (9) (D ∝ 1/δB) and Eq. (15) with Eq. (8)
(n_CR = φ/ṽ_A ∝ φ^{1/2} ρ^{1/2}), and the sky-averaged path of a radial weight w(r) seen
from R_sun, ∫ r² w(r) ln((r + d)/|r − d|)/(2 r d) dr (the shell average of 1/|x − x_sun|²),
by scipy's adaptive quadrature.
"""

from __future__ import annotations

import json
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest

from crescape import CGM, ParameterError
from crescape import constants as C
from crescape.halo import CGMProfile
from crescape.model import QUANTITIES, EscapeModel, neutrino_E2_flux
from crescape.params import Parameters
from crescape.physics import instability

FROZEN = json.loads((Path(__file__).parent / "reference" / "frozen_bb740dc.json").read_text())
MB = CGMProfile(kind="miller_bregman")
R_D = 10.0 * C.kpc


def _frozen_model(case, **kw):
    c = FROZEN["chain"][case]
    params = Parameters.from_flat(c["flat"])
    return EscapeModel.from_params(params, energy=c["energy_GeV"] * u.GeV, **kw), c


@pytest.mark.parametrize("case", sorted(FROZEN["chain"]))
def test_no_profile_is_the_frozen_chain_to_roundoff(case, same_to_roundoff):
    m, c = _frozen_model(case)
    for name in QUANTITIES:
        assert same_to_roundoff(m.cgs(name), c["cgs"][name]), name


@pytest.mark.parametrize("case", sorted(FROZEN["chain"]))
@pytest.mark.parametrize("with_profile", [True, False])
def test_uniform_profile_inside_R_d_is_the_frozen_chain_to_roundoff(
    case, with_profile, same_to_roundoff
):
    """A uniform profile of the model's CGM (or the radius alone) at r <= R_d changes nothing."""
    c = FROZEN["chain"][case]
    params = Parameters.from_flat(c["flat"])
    r = np.array([0.5, 4.0, 10.0]) * u.kpc  # R_d itself included: f(R_d) = 1
    kw = {"radius": r}
    if with_profile:
        kw["profile"] = CGMProfile(cgm=params.cgm)
    m = EscapeModel.from_params(params, energy=c["energy_GeV"] * u.GeV, **kw)
    assert m.shape == (3,)
    for name in QUANTITIES:
        assert same_to_roundoff(m.cgs(name), c["cgs"][name]), name


def test_frozen_eq16_with_a_profile_and_the_planar_default(same_to_roundoff):
    for key, prof in (("miller_bregman", MB), ("uniform_default", None)):
        c = FROZEN["eq16_profile"][key]
        got = neutrino_E2_flux(profile=prof, E_nu=c["E_nu_GeV"] * u.GeV).value
        assert same_to_roundoff(got, c["value"]), key
        if prof is not None:
            explicit = neutrino_E2_flux(profile=prof, E_nu=c["E_nu_GeV"] * u.GeV, field="planar")
            assert np.array_equal(explicit.value, got)


def test_miller_bregman_density_at_10_and_50_kpc():
    """δ_G(r) = ρ(r)/(Ω_b ρ_cr) of the β-model: ≈ 1700 and 150 (issue 13), from n = 1.35e-2 r^-1.5."""
    r = np.array([10.0, 50.0])
    m = EscapeModel(profile=MB, radius=r * u.kpc)
    n_published = 1.35e-2 * r**-1.5  # Miller & Bregman (2015), abstract, r >> r_c
    assert m["n_gas"].to_value(u.cm**-3) == pytest.approx(n_published, rel=1e-12, abs=0)
    assert m.local_delta_G.value == pytest.approx([1700.0, 150.0], rel=0.03, abs=0)
    rho1 = instability.gas_density(1.0, m.params.cgs.Omega_b_h2, m.params.cgs.rho_cr_h2)
    assert m.local_delta_G.value == pytest.approx(m.cgs("rho_gas") / rho1, rel=1e-14, abs=0)
    # the profile's own temperature enters where the chain uses T
    hot = EscapeModel(profile=CGMProfile(kind="miller_bregman", T=3e6), radius=10 * u.kpc)
    ref = EscapeModel(cgm=CGM(T=3e6, delta_G=float(hot.local_delta_G.value)))
    for name in ("B_thermal", "B_thermal_paper", "B_star"):
        assert hot[name].value == pytest.approx(ref[name].value, rel=1e-12, abs=0), name


def test_n_CR_scales_as_the_square_root_of_the_density_at_fixed_flux():
    """Eq. (15) with Eq. (8): n_CR = φ/ṽ_A, ṽ_A = δB/√(4πρ), δB independent of ρ (inside R_d)."""
    prof = CGMProfile(kind="beta", n0_rc3b=2e-2, beta=0.6, r_c=1.0)
    m = EscapeModel(profile=prof, radius=[2.0, 5.0, 9.0] * u.kpc)
    assert np.all(m.cgs("cr_flux") == m.cgs("cr_flux")[0])
    assert np.all(m.cgs("B_sat") == m.cgs("B_sat")[0])
    rho = m.cgs("rho_gas")
    assert rho[0] / rho[-1] > 2.0
    n = m.cgs("n_advective")
    assert n / n[0] == pytest.approx(np.sqrt(rho / rho[0]), rel=1e-12, abs=0)
    v = m.cgs("v_A_amplified")
    assert v / v[0] == pytest.approx(np.sqrt(rho[0] / rho), rel=1e-12, abs=0)


def test_the_flux_is_diluted_beyond_R_d():
    """f(r) = (R_d/r)² beyond R_d: φ, J ∝ f; B_sat ∝ f^{1/2} (Eq. 8); D_Bohm ∝ f^{-1/2} (Eq. 9)."""
    r = np.array([5.0, 20.0, 40.0])
    f = np.minimum(1.0, (10.0 / r) ** 2)
    ref = EscapeModel(energy=10 * u.GeV)
    m = EscapeModel(radius=r * u.kpc, energy=10 * u.GeV)
    for name, power in (
        ("cr_flux", 1.0),
        ("cr_energy_flux", 1.0),
        ("current", 1.0),
        ("current_paper", 1.0),
        ("n_ballistic", 1.0),
        ("B_sat", 0.5),
        ("B0_bound", 0.5),
        ("D_bohm", -0.5),
        ("v_A_amplified", 0.5),
        ("n_advective", 0.5),
    ):
        assert m.cgs(name) / ref.cgs(name) == pytest.approx(f**power, rel=1e-12, abs=0), name
    for name in ("Lambda", "n_gal", "rho_gas", "R_1D"):
        assert np.all(m.cgs(name) == ref.cgs(name)), name
    # the paper's numbers follow with L_CR f(r): Eq. (8) 2.2e-8 G L41^{1/2}
    assert m.paper_value("B_sat").to_value(u.G) == pytest.approx(
        2.2e-8 * np.sqrt(f), rel=1e-12, abs=0
    )


def test_radius_broadcasts_with_energies_and_parameters():
    m = EscapeModel(
        cgm=CGM(delta_G=np.array([[1.0], [100.0]])),
        radius=[5.0, 30.0] * u.kpc,
        energy=[[1.0], [10.0]] * u.GeV,
    )
    assert m.shape == (2, 2)
    lone = EscapeModel(cgm=CGM(delta_G=100.0), radius=30 * u.kpc, energy=10 * u.GeV)
    assert m.cgs("n_advective")[1, 1] == lone.cgs("n_advective")


def test_table_and_dict_record_the_profile_and_radius():
    m = EscapeModel(profile=MB, radius=20 * u.kpc)
    t = m.table()
    assert len(t) == len(QUANTITIES)
    d = m.to_dict()
    assert d["radius_kpc"] == pytest.approx(20.0, rel=1e-15, abs=0)
    assert d["profile"]["kind"] == "miller_bregman" and d["profile"]["beta"] == 0.5
    assert "radius_kpc" not in EscapeModel().to_dict()
    assert m.profile is MB and m.radius.unit == u.kpc


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"profile": MB}, ["radius = None", "profile"]),
        ({"profile": "miller_bregman", "radius": 10}, ["profile = 'miller_bregman'", "CGMProfile"]),
        ({"radius": -1.0}, ["radius = -1 kpc", "> 0"]),
        ({"radius": 0.0}, ["radius = 0 kpc", "> 0"]),
        ({"radius": [5.0, np.inf]}, ["radius = inf kpc", "finite"]),
        ({"radius": np.nan}, ["radius = nan kpc"]),
        ({"radius": []}, ["radius = []"]),
        ({"radius": 3 * u.erg}, ["radius"]),
        (
            {"profile": CGMProfile(), "radius": 5, "cgm": CGM(delta_G=100.0)},
            ["delta_G", "profile's delta_G", "cgm"],
        ),
        ({"profile": MB, "radius": 5, "cgm": CGM(T=2e6)}, ["T", "profile's T"]),
        ({"profile": MB, "radius": 5, "cgm": CGM(X_H=0.7)}, ["X_H"]),
    ],
)
def test_bad_profile_inputs_give_one_line(kw, words):
    with pytest.raises(ParameterError) as exc:
        EscapeModel(**kw)
    msg = str(exc.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


def test_a_profile_with_a_matching_cgm_is_accepted():
    cgm = CGM(delta_G=100.0, B0=3e-7)
    m = EscapeModel(
        cgm=cgm, profile=CGMProfile(kind="miller_bregman", cgm=CGM(delta_G=100.0)), radius=5
    )
    assert m.params.cgm.B0 == cgm.B0  # the seed field is the model's


# ---------------------------------------------------------------- the field conventions


@pytest.mark.parametrize("R_out_kpc", [50.0, 100.0])
def test_local_over_planar_is_the_ratio_of_the_diluted_paths(R_out_kpc, shell_path):
    """For a uniform CGM, Eq. (16) local/planar = ∫∫ f^{1/2} / ∫∫ f (ṽ_A ∝ f^{1/2} in the local field)."""
    prof = CGMProfile(cgm=CGM(delta_G=30.0))
    params = Parameters(cgm=prof.cgm)
    kw = {"profile": prof, "R_out": R_out_kpc * u.kpc, "E_nu": [1e3, 1e4] * u.GeV}
    planar = neutrino_E2_flux(params, field="planar", **kw).value
    local = neutrino_E2_flux(params, field="local", **kw).value
    R_out = R_out_kpc * C.kpc

    def f(r):
        return 1.0 if r <= R_D else (R_D / r) ** 2

    want = shell_path(lambda r: np.sqrt(f(r)), R_out) / shell_path(f, R_out)
    assert want > 1.05
    assert local / planar == pytest.approx(want, rel=1e-9, abs=0)


def test_the_conventions_agree_inside_R_d():
    kw = {"profile": MB, "R_out": 10.0 * u.kpc, "E_nu": [1e3, 1e4] * u.GeV}
    a = neutrino_E2_flux(field="planar", **kw).value
    b = neutrino_E2_flux(field="local", **kw).value
    assert b == pytest.approx(a, rel=1e-14, abs=0)


def test_bad_field_is_refused():
    with pytest.raises(ParameterError, match="field = 'sideways'"):
        neutrino_E2_flux(profile=MB, field="sideways")
    with pytest.raises(ParameterError, match="profile = 3"):
        neutrino_E2_flux(profile=3)
    with pytest.raises(ParameterError, match="field = 'local' is not allowed without profile"):
        neutrino_E2_flux(field="local")


@pytest.mark.parametrize("delta_G", [0.018, 1.0, 100.0])
def test_uniform_profile_density_is_the_cgm_density_to_the_last_bit(delta_G):
    """0.018: a δ_G whose ρ does not survive the round trip ρ/m_p·m_p (the density is not rebuilt from n)."""
    cgm = CGM(delta_G=delta_G)
    ref = EscapeModel(cgm=cgm)
    m = EscapeModel(cgm=cgm, profile=CGMProfile(cgm=cgm), radius=7 * u.kpc)
    for name in QUANTITIES:
        assert np.array_equal(m.cgs(name), ref.cgs(name)), name


def test_validity_warnings_name_the_radius_and_the_profile():
    from crescape.errors import ValidityWarning

    thin = CGM(delta_G=1e-12)
    with pytest.warns(ValidityWarning, match="radius = 1 to 5 kpc in the uniform profile"):
        EscapeModel(cgm=thin, profile=CGMProfile(cgm=thin), radius=[1, 5] * u.kpc)
