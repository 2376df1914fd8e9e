"""Galaxy catalogue, L_CR from the SFR, band and region integrals, and M31's gamma-ray halo."""

import math

import astropy.units as u
import numpy as np
import pytest
from scipy.integrate import quad

from crescape import galaxies as gx
from crescape.params import ParameterError

# ------------------------------------------------------------------ catalogue spot values

# (galaxy, column, value in the column's unit, text of the cited abstract that gives it)
SPOT_VALUES = [
    ("Milky Way", "sfr", 1.65, "1.65 +- 0.19 Msun/yr"),  # Licquia & Newman 2015, abstract
    ("Milky Way", "R_d", 10.0, "R_d = 10 kpc"),  # Blasi & Amato 2019, R_10 = 1
    ("Milky Way", "M_halo", 0.9e12, "0.9 +- 0.3 x 10^12"),  # Watkins, Evans & An 2010
    ("M31", "distance", 784.0, "784 +- 13 (stat) +- 17 (syst) kpc"),  # Stanek & Garnavich 1998
    ("M31", "sfr", 0.35, "0.35 +- 0.04"),  # Rahmani, Lianou & Barmby 2016
    ("M31", "R_d", 5.3, "R_d = 5.3 +- 0.5 kpc"),  # Courteau et al. 2011
    ("M31", "M_halo", 2.85e12, "2.85 (+1.47, -0.77) x 10^12"),  # Patel & Mandel 2023
    ("M31", "ra", 10.6847083, "RA = 10.6847083 deg"),  # SIMBAD
    ("M31", "dec", 41.26875, "Dec = 41.26875 deg"),
    ("M33", "distance", 847.0, "D = 847 +- 60 kpc"),  # Galleti, Bellazzini & Ferraro 2004
    ("M33", "sfr", 0.45, "0.45 +- 0.10 Msun/yr"),  # Verley et al. 2009
    ("LMC", "distance", 49.59, "49.59 +- 0.09 (stat) +- 0.54 (syst) kpc"),  # Pietrzynski 2019
    ("LMC", "M_halo", 1.38e11, "1.38 (+0.27, -0.24) x 10^11"),  # Erkal et al. 2019
    ("SMC", "distance", 62.44, "62.44 +- 0.47 (stat) +- 0.81 (syst) kpc"),  # Graczyk et al. 2020
    ("LMC", "sfr", 0.2, "average rate of roughly 0.2 Msun/yr"),  # Harris & Zaritsky 2009
    ("M82", "distance", 3900.0, "3.9 +- 0.3 (random) +- 0.3 (syst) Mpc"),  # Sakai & Madore 1999
    ("M82", "sfr", 10.0, "star formation rate of ~10 Msun/yr"),  # de Grijs 2001
    ("NGC 253", "distance", 3940.0, "3.94 Mpc (NGC 253)"),  # Karachentsev et al. 2003
    ("NGC 1068", "distance", 14400.0, "adopt a distance of 14.4 Mpc"),  # IceCube 2022
    ("Arp 220", "distance", 77000.0, "at 77 Mpc"),  # Griffin, Dai & Thompson 2016
]


# values added to fill the gaps of the catalogue: (galaxy, column, value, unit, ref key, quote)
NEW_VALUES = [
    ("NGC 4945", "distance", 3800.0, "kpc", "B16", "using a distance of 3.8 Mpc"),
    ("NGC 253", "distance_err", 370.0, "kpc", "K03", "3.94 +- 0.37 Mpc"),
    ("NGC 253", "sfr", 1.73, "solMass / yr", "B15", "1.73 +- 0.12 Msun/yr"),
    ("NGC 253", "sfr_err", 0.12, "solMass / yr", "B15", "1.73 +- 0.12 Msun/yr"),
    ("NGC 4945", "sfr", 4.35, "solMass / yr", "B16", "4.35 +- 0.25 Msun/yr"),
    ("NGC 4945", "sfr_err", 0.25, "solMass / yr", "B16", "4.35 +- 0.25 Msun/yr"),
    ("NGC 1068", "sfr", 3.2, "solMass / yr", "N24", "3.2 +- 0.5 Msun/yr"),
    ("NGC 1068", "sfr_err", 0.5, "solMass / yr", "N24", "3.2 +- 0.5 Msun/yr"),
    ("Arp 220", "sfr", 240.0, "solMass / yr", "A00", "an SFR of ~240 M_sun/yr"),
    ("M33", "R_d", 1.8, "kpc", "W09", "1.8 +- 0.1 kpc"),
    ("M33", "R_d_err", 0.1, "kpc", "W09", "1.8 +- 0.1 kpc"),
    ("M33", "M_halo", 5e11, "solMass", "K17", "total mass is 5 x 10^11 Msun"),
    ("SMC", "M_halo", 2.4e9, "solMass", "S04", "is 2.4x10^9 Msolar"),
    ("M82", "M_halo", 1e10, "solMass", "GMT12", "total dynamical mass is ~10^10 Msun"),
    ("NGC 253", "M_halo", 8.1e11, "solMass", "K21", "total mass of NGC 253 to be (8.1+-2.6)10^11"),
    ("NGC 253", "M_halo_err_up", 2.6e11, "solMass", "K21", "(8.1+-2.6)10^11 M_sun"),
    ("NGC 253", "M_halo_err_lo", 2.6e11, "solMass", "K21", "(8.1+-2.6)10^11 M_sun"),
    ("NGC 4945", "M_halo", 1.4e11, "solMass", "O01", "~1.4 x 10^11 Msun within radius R=380"),
    ("M82", "ra", 148.96845833333333, "deg", "SIMBAD_M82", "09 55 52.430 +69 40 46.93"),
    ("M82", "dec", 69.67970277777778, "deg", "SIMBAD_M82", "09 55 52.430 +69 40 46.93"),
    ("SMC", "sfr", 0.05, "solMass / yr", "W04", "SFR_total ~ 0.05 M_sun yr^-1"),
]

# NED J2000 positions as reproduced in OpenNGC (database_files/*.csv at commit 17397545):
# (galaxy, ref key, OpenNGC row, RA h:m:s, Dec d:m:s)
NED_POSITIONS = [
    ("M33", "NED_M33", "NGC0598", "01:33:50.89", "+30:39:36.8"),
    ("LMC", "NED_LMC", "ESO056-115", "05:23:34.5", "-69:45:22"),
    ("SMC", "NED_SMC", "NGC0292", "00:52:44.78", "-72:49:43.0"),
    ("NGC 253", "NED_N253", "NGC0253", "00:47:33.12", "-25:17:17.6"),
    ("NGC 4945", "NED_N4945", "NGC4945", "13:05:27.48", "-49:28:05.6"),
    ("NGC 1068", "NED_N1068", "NGC1068", "02:42:40.71", "-00:00:47.8"),
    ("Arp 220", "NED_A220", "IC4553", "15:34:57.25", "+23:30:11.3"),
]

# HyperLEDA d25 [arcmin] as OpenNGC's MajAx: (galaxy, ref key, OpenNGC row, MajAx, R_25 as
# rounded in the reference text [kpc])
LEDA_D25 = [
    ("LMC", "LEDA_LMC", "ESO056-115", "646.00", "4.659"),
    ("SMC", "LEDA_SMC", "NGC0292", "299.92", "2.724"),
    ("M82", "LEDA_M82", "NGC3034", "10.99", "6.234"),
    ("NGC 253", "LEDA_N253", "NGC0253", "26.79", "15.35"),
    ("NGC 4945", "LEDA_N4945", "NGC4945", "23.33", "12.89"),
    ("NGC 1068", "LEDA_N1068", "NGC1068", "6.11", "12.8"),
    ("Arp 220", "LEDA_A220", "IC4553", "1.11", "12.43"),
]


def _ref_col(col):
    if col in ("ra", "dec"):
        return "position_ref"
    return col.removesuffix("_err_up").removesuffix("_err_lo").removesuffix("_err") + "_ref"


@pytest.fixture(scope="module")
def cat():
    return gx.catalogue()


def _row(cat, name):
    return cat[list(cat["name"]).index(name)]


@pytest.mark.parametrize("name, col, value, quote", SPOT_VALUES)
def test_catalogue_spot_values_against_their_citations(cat, name, col, value, quote):
    row = _row(cat, name)
    assert float(row[col]) == pytest.approx(value, rel=1e-12, abs=0)
    ref_col = "position_ref" if col in ("ra", "dec") else f"{col}_ref"
    assert quote in cat.meta["references"][str(row[ref_col])]


@pytest.mark.parametrize("name, col, value, unit, key, quote", NEW_VALUES)
def test_new_catalogue_values_against_their_citations(cat, name, col, value, unit, key, quote):
    row = _row(cat, name)
    assert float(row[col]) == pytest.approx(value, rel=1e-12, abs=0)
    assert cat[col].unit == u.Unit(unit)
    assert str(row[_ref_col(col)]) == key
    assert quote in cat.meta["references"][key]


def test_m82_position_is_the_simbad_sexagesimal_one(cat):
    row = _row(cat, "M82")
    ra = (9 + 55 / 60 + 52.430 / 3600) * 15
    dec = 69 + 40 / 60 + 46.93 / 3600
    assert float(row["ra"]) == pytest.approx(ra, rel=1e-12, abs=0)
    assert float(row["dec"]) == pytest.approx(dec, rel=1e-12, abs=0)
    assert "RA = 148.96845833 deg, Dec = 69.67970278 deg" in cat.meta["references"]["SIMBAD_M82"]


def _sexagesimal(ra, dec):
    h, m, sec = (float(x) for x in ra.split(":"))
    d, dm, ds = (abs(float(x)) for x in dec.split(":"))
    sign = -1.0 if dec.startswith("-") else 1.0
    return 15.0 * (h + m / 60 + sec / 3600), sign * (d + dm / 60 + ds / 3600)


@pytest.mark.parametrize("name, key, row_id, ra, dec", NED_POSITIONS)
def test_ned_positions_are_the_quoted_sexagesimal_ones(cat, name, key, row_id, ra, dec):
    row = _row(cat, name)
    ra_deg, dec_deg = _sexagesimal(ra, dec)
    assert float(row["ra"]) == pytest.approx(ra_deg, rel=1e-12, abs=0)
    assert float(row["dec"]) == pytest.approx(dec_deg, rel=1e-12, abs=0)
    assert str(row["position_ref"]) == key
    text = cat.meta["references"][key]
    assert f"'{row_id};G;{ra};{dec}'" in text and "'RA:1|Dec:1' names NED" in text
    assert f"RA = {ra_deg:.8f} deg, Dec = {dec_deg:.8f} deg" in text


def test_every_galaxy_outside_has_a_position(cat):
    for row in cat:
        if row["name"] == "Milky Way":
            continue
        assert 0 <= float(row["ra"]) < 360 and -90 <= float(row["dec"]) <= 90, row["name"]
        assert str(row["position_ref"]) in cat.meta["references"], row["name"]


@pytest.mark.parametrize("name, key, row_id, majax, rounded", LEDA_D25)
def test_R25_is_half_the_leda_d25_at_the_catalogue_distance(cat, name, key, row_id, majax, rounded):
    row = _row(cat, name)
    d_kpc = float(row["distance"])
    arcmin = math.pi / (180 * 60)
    assert float(row["R_d"]) == pytest.approx(0.5 * float(majax) * arcmin * d_kpc, rel=1e-12, abs=0)
    assert str(row["R_d_ref"]) == key and math.isnan(float(row["R_d_err"]))
    assert str(row["R_d_kind"]).startswith("optical radius R_25")
    text = cat.meta["references"][key]
    assert f"row {row_id}, MajAx = {majax} arcmin" in text and "'MajAx:3' = HyperLeda" in text
    assert f"distance of {d_kpc:g} kpc" in text and f"is {rounded} kpc" in text
    assert "isophotal level 25 mag/arcsec2 in the B-band" in text


def test_ngc253_R25_by_hand(cat):
    # 26.79 arcmin / 2 at 3.94 Mpc: 13.395 / 3437.747 rad * 3940 kpc
    assert float(_row(cat, "NGC 253")["R_d"]) == pytest.approx(15.352003, rel=1e-6, abs=0)


def test_kinds_of_the_new_sizes_and_masses_are_stated(cat):
    assert "exponential scale length" in str(_row(cat, "M33")["R_d_kind"])
    assert "virial radius" in str(_row(cat, "M33")["M_halo_kind"])
    for name in ("SMC", "M82", "NGC 4945"):
        assert "dynamical mass" in str(_row(cat, name)["M_halo_kind"]), name
    assert "orbital" in str(_row(cat, "NGC 253")["M_halo_kind"])
    assert "3.70 Mpc" in str(_row(cat, "NGC 253")["M_halo_kind"])
    assert "supersedes the dynamical mass within 17.2 kpc" in cat.meta["references"]["K21"]
    assert "6.7 Mpc" in str(_row(cat, "NGC 4945")["M_halo_kind"])
    notes = " ".join(cat.meta["notes"])
    assert "abstracts of the SFRs of the SMC, NGC 253" in notes  # no IMF stated, none converted
    assert "NED's J2000 equatorial coordinates, shipped as given" in notes
    # the uncertainties no source gives stay NaN
    for name, col in [
        ("Arp 220", "sfr_err"),
        ("M33", "M_halo_err_up"),
        ("NGC 4945", "distance_err"),
    ]:
        assert math.isnan(float(_row(cat, name)[col])), (name, col)


def test_catalogue_units_and_names(cat):
    assert gx.names() == [
        "Milky Way", "M31", "M33", "LMC", "SMC", "M82", "NGC 253", "NGC 4945", "NGC 1068", "Arp 220",
    ]  # fmt: skip
    assert cat["distance"].unit == u.kpc and cat["R_d"].unit == u.kpc
    assert cat["sfr"].unit == u.Msun / u.yr and cat["M_halo"].unit == u.Msun


def test_every_shipped_value_has_a_source_and_missing_ones_are_nan(cat):
    refs = cat.meta["references"]
    for col in ("distance", "sfr", "R_d", "M_halo"):
        for row in cat:
            if math.isnan(float(row[col])):
                assert str(row[f"{col}_ref"]) in ("", "--")  # empty (masked)
            else:
                assert str(row[f"{col}_ref"]) in refs, (row["name"], col)
    # not found: no value invented
    for name in ("NGC 1068", "Arp 220"):
        assert math.isnan(float(_row(cat, name)["M_halo"])), name
        assert str(_row(cat, name)["M_halo_kind"]) in ("", "--"), name
    assert "the halo masses of NGC 1068 and Arp 220" in cat.meta["missing"]
    assert "the uncertainties of the disk sizes R_25" in cat.meta["missing"]
    assert math.isnan(float(_row(cat, "SMC")["sfr_err"]))
    # every galaxy now has an SFR and a disk size
    assert not any(math.isnan(float(v)) for v in cat["sfr"])
    assert not any(math.isnan(float(v)) for v in cat["R_d"])


def test_catalogue_is_a_fresh_copy(cat):
    t = gx.catalogue()
    t["distance"][1] = -1
    assert float(gx.catalogue()["distance"][1]) == 784.0


# ------------------------------------------------------------------ L_CR from SFR


def test_supernovae_per_mass_against_quadrature():
    def xi(m):  # Kroupa (2001) Eq. 2, continuous at 0.5 Msun
        return m**-1.3 if m < 0.5 else 0.5 * m**-2.3

    n = quad(xi, 8, 100, epsabs=0, epsrel=1e-12)[0]
    mass = quad(lambda m: m * xi(m), 0.1, 100, points=[0.5], epsabs=0, epsrel=1e-12)[0]
    assert gx.supernovae_per_mass() == pytest.approx(n / mass, rel=1e-10, abs=0)
    assert gx.supernovae_per_mass() == pytest.approx(0.011132, rel=1e-4, abs=0)


def test_milky_way_L_CR_from_its_sfr_is_in_the_papers_range():
    mw = gx.galaxy("Milky Way")
    L = mw.cr_luminosity.to_value(u.erg / u.s)
    expected = 0.1 * 1e51 * 1.65 * gx.supernovae_per_mass() / u.yr.to(u.s)
    assert L == pytest.approx(expected, rel=1e-12, abs=0)
    assert 3e40 < L < 3e41  # the paper's L_41 ~ 1
    assert math.log10(L) == pytest.approx(40.765, abs=1e-3)


def test_L_CR_is_linear_in_sfr_and_xi_and_can_be_given():
    a = gx.cr_luminosity_from_sfr(2.0, xi=0.05).value
    b = gx.cr_luminosity_from_sfr(1.0, xi=0.1).value
    assert a == pytest.approx(b, rel=1e-14, abs=0)
    g = gx.galaxy("M31", L_CR=3e40)
    assert g.cr_luminosity.to_value("erg/s") == 3e40
    assert float(g.parameters().cgs.L_CR) == pytest.approx(3e40, rel=1e-14, abs=0)
    assert float(g.parameters().cgs.R_d) == pytest.approx(5.3 * u.kpc.to(u.cm), rel=1e-14, abs=0)


# ------------------------------------------------------------------ band and region integrals


@pytest.mark.parametrize("index", [1.0, 1.5, 2.0, 2.7, 4.0])
def test_band_integral_of_a_power_law_against_the_closed_form(index):
    E1, E2, K = 0.3, 100.0, 2.5e-9
    got = gx.band_integral(lambda E: K * E**-index, E1, E2)
    if index == 1.0:
        exact = K * math.log(E2 / E1)
    else:
        exact = K * (E1 ** (1 - index) - E2 ** (1 - index)) / (index - 1)
    assert got == pytest.approx(exact, rel=1e-12, abs=0)


def test_region_flux_beyond_the_halo_is_the_band_integral_of_the_flux():
    ext = gx.galaxy("M31").external(delta_G=100)
    big = 2 * ext.angular_radius.to_value(u.rad)
    whole = gx.region_photon_flux(ext, 0.3, 100, big).to_value("1 / (cm2 s)")
    direct = gx.band_integral(
        lambda E: ext.point_source_flux(E * u.GeV, "gamma").to_value("1 / (GeV cm2 s)"), 0.3, 100
    )
    assert whole == pytest.approx(direct, rel=1e-6, abs=0)
    inner = gx.region_photon_flux(ext, 0.3, 100, 0.9 * u.deg).to_value("1 / (cm2 s)")
    assert 0 < inner < whole
    energy = gx.region_energy_flux(ext, 0.1, 100, big).to_value("erg / (cm2 s)")
    direct_e = gx.band_integral(
        lambda E: (
            (E * u.GeV).to_value(u.erg)
            * ext.point_source_flux(E * u.GeV, "gamma").to_value("1 / (GeV cm2 s)")
        ),
        0.1,
        100,
    )
    assert energy == pytest.approx(direct_e, rel=1e-6, abs=0)


# ------------------------------------------------------------------ M31 halo


def test_m31_halo_measurements_as_published():
    t = gx.m31_halo_measurements()
    r = t[list(t["measurement"]).index("pshirkov2015_uniform_circle")]
    assert float(r["radius"]) == 0.9 and float(r["photon_flux"]) == pytest.approx(
        3.2e-9, rel=1e-12, abs=0
    )
    assert (float(r["E_min"]), float(r["E_max"])) == (0.3, 100.0)
    assert "arXiv:1501.03460" in t.meta["references"][str(r["ref"])]
    a = t[list(t["measurement"]).index("ackermann2017_disk")]
    assert float(a["radius"]) == 0.4 and float(a["photon_index"]) == 2.4
    assert float(a["energy_flux"]) == pytest.approx(5.6e-12, rel=1e-12, abs=0)
    assert (float(a["E_min"]), float(a["E_max"])) == (0.1, 100.0)
    assert "(5.6 +- 0.6 (stat+syst)) x 10^-12" in t.meta["references"][str(a["ref"])]
    b = t[list(t["measurement"]).index("pshirkov2016_bubbles")]
    assert float(b["photon_flux"]) == pytest.approx(2.6e-9, rel=1e-12, abs=0)
    assert "MNRAS 459, L76" in t.meta["references"][str(b["ref"])]


@pytest.mark.parametrize("measurement", ["pshirkov2015_uniform_circle", "ackermann2017_disk"])
def test_m31_comparison_is_monotonic_in_delta_G(measurement):
    dg = [1.0, 3.0, 10.0, 100.0, 1000.0]
    t = gx.m31_halo_comparison(dg, measurement)
    pred = np.asarray(t["predicted"])
    assert np.all(np.diff(pred) > 0)
    # n_target ∝ δ_G and n_CR ∝ 1/ṽ_A ∝ δ_G^(1/2): F ∝ δ_G^(3/2)
    slope = np.diff(np.log(pred)) / np.diff(np.log(dg))
    np.testing.assert_allclose(slope, 1.5, rtol=1e-6, atol=0)
    if measurement == "ackermann2017_disk":
        assert t.meta["quantity"] == "energy flux" and t["predicted"].unit == u.Unit(
            "erg / (cm2 s)"
        )
    else:
        assert t.meta["band_GeV"] == (0.3, 100.0) and t.meta["radius_deg"] == 0.9


@pytest.mark.parametrize("measurement", ["pshirkov2015_uniform_circle", "ackermann2017_disk"])
def test_m31_delta_G_limit_matches_the_measured_flux(measurement):
    lim = gx.m31_delta_G_limit(measurement)
    t = gx.m31_halo_comparison([lim], measurement)
    assert float(t["ratio"][0]) == pytest.approx(1.0, rel=1e-5, abs=0)
    assert gx.m31_delta_G_limit(measurement, n_sigma=2) > lim
    # a larger CR luminosity needs less gas for the same flux
    assert gx.m31_delta_G_limit(measurement, L_CR=1e41) < lim


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: gx.galaxy("M99"), "galaxy = 'M99' is not allowed"),
        (lambda: gx.NearbyGalaxy("x", distance=-1), "distance = -1 is not allowed"),
        (lambda: gx.NearbyGalaxy("x", sfr=-2), "sfr = -2 is not allowed"),
        (lambda: gx.NearbyGalaxy("x", xi=0), "xi = 0 is not allowed"),
        (lambda: gx.NearbyGalaxy("x", dec=95), "dec = 95 is not allowed"),
        (lambda: gx.NearbyGalaxy("x").cr_luminosity, "neither L_CR nor sfr"),
        (lambda: gx.NearbyGalaxy("x", sfr=1).external(), "has no distance"),
        (lambda: gx.cr_luminosity_from_sfr(1, xi=1.5), "xi = 1.5 is not allowed"),
        (lambda: gx.supernovae_per_mass(m_sn=200), "must be 0.08 <= m_low < m_sn < m_up"),
        (lambda: gx.band_integral(np.exp, 10, 1), "E_min, E_max = 10, 1 are not allowed"),
        (lambda: gx.m31_halo_comparison([-1]), "delta_G = \\[-1\\] is not allowed"),
        (lambda: gx.m31_halo_comparison([1], "pshirkov2016_bubbles"), "no circular radius"),
        (lambda: gx.m31_halo_comparison([1], "nope"), "measurement = 'nope' is not allowed"),
        (lambda: gx.m31_delta_G_limit(bracket=(1, 2)), "does not cross"),
    ],
)
def test_bad_input_raises_one_line(call, match):
    with pytest.raises(ParameterError, match=match) as e:
        call()
    assert "\n" not in str(e.value)


def test_region_flux_rejects_a_zero_radius():
    ext = gx.galaxy("M31").external(delta_G=10)
    with pytest.raises(ParameterError, match="theta_max = 0 is not allowed"):
        gx.region_photon_flux(ext, 0.3, 100, 0)


# ------------------------------------------------------------------ galaxy_summary (crescape galaxy)


def test_galaxy_summary_m31_matches_its_parts():
    d = gx.galaxy_summary("M31", delta_G=100)
    assert d["parameters"]["distance"]["value"] == 784.0
    assert "Stanek" in d["parameters"]["distance"]["source"]
    L = gx.galaxy("M31").cr_luminosity.to_value("erg/s")
    assert d["parameters"]["L_CR"]["value"] == pytest.approx(L, rel=1e-12, abs=0)
    ext = gx.galaxy("M31").external(delta_G=100)
    nu = ext.sed(100 * u.TeV, "nu_all").to_value("erg / (cm2 s)")
    assert d["flux"]["nu_all"] == pytest.approx(float(nu), rel=1e-12, abs=0)
    assert d["flux"]["angular_radius_deg"] == pytest.approx(
        math.degrees(10 * 5.3 / 784.0), rel=1e-3, abs=0
    )
    from crescape.model import EscapeModel

    m = EscapeModel.from_params(gx.galaxy("M31").parameters(delta_G=100))
    assert d["chain"]["v_A_amplified"]["value"] == pytest.approx(
        float(m["v_A_amplified"].value), rel=1e-12, abs=0
    )
    assert d["chain"]["delta_G"] == 100.0


def test_galaxy_summary_milky_way_is_seen_from_inside():
    d = gx.galaxy_summary("Milky Way")
    assert d["flux"]["view"].startswith("from inside")
    assert d["parameters"]["distance"]["value"] is None


def test_galaxy_summary_notes(monkeypatch):
    # the LMC at 49.59 kpc is inside its own halo (R_out = 10 R_d) once R_d = 10 kpc
    d = gx.galaxy_summary("LMC", R_d=10)
    assert "the observer is inside LMC's halo" in d["note"] and d["flux"] is None
    # with its R_25 = 4.66 kpc, R_out = 46.6 kpc < 49.59 kpc: seen from outside
    assert gx.galaxy_summary("LMC")["flux"]["view"].startswith("from outside")
    # a galaxy without an SFR (every catalogue galaxy has one now: remove the SMC's)
    read = gx._read
    table = gx.catalogue()
    table["sfr"][gx.names().index("SMC")] = float("nan")
    monkeypatch.setattr(gx, "_read", lambda name: table if name == gx._CATALOGUE else read(name))
    d = gx.galaxy_summary("SMC")
    assert "has neither L_CR nor sfr" in d["note"] and d["flux"] is None


def test_galaxy_summary_with_given_L_CR():
    d = gx.galaxy_summary("NGC 253", L_CR=1e40)
    assert d["parameters"]["L_CR"]["source"] == "given"
    assert d["flux"]["gamma"] > 0
