"""``crescape spectrum``."""

import json

import numpy as np
import pytest

from crescape.cli import main


def test_table(capsys):
    assert (
        main(["spectrum", "--species", "nu_mu,nu_all,gamma,e", "--delta-G", "100", "--num", "4"])
        == 0
    )
    out = capsys.readouterr().out
    assert "nu_all" in out and "GeV / (s sr cm2)" in out and "GeV / (s cm3)" in out


def test_json_and_scaling(capsys):
    assert (
        main(
            [
                "spectrum",
                "--species",
                "nu_all",
                "--delta-G",
                "100",
                "--num",
                "3",
                "--emin",
                "1 TeV",
                "--emax",
                "100 TeV",
                "--json",
            ]
        )
        == 0
    )
    a = json.loads(capsys.readouterr().out)
    assert (
        main(
            [
                "spectrum",
                "--species",
                "nu_all",
                "--set",
                "delta_G=400",
                "--num",
                "3",
                "--emin",
                "1 TeV",
                "--emax",
                "100 TeV",
                "--json",
            ]
        )
        == 0
    )
    b = json.loads(capsys.readouterr().out)
    ratio = np.array(b["E2_dN_dE"]["nu_all"]) / np.array(a["E2_dN_dE"]["nu_all"])
    np.testing.assert_allclose(ratio, 8.0, rtol=1e-10)
    assert a["units"]["nu_all"] == "GeV / (s sr cm2)"
    assert a["energy_GeV"][0] == pytest.approx(1000.0, rel=1e-6, abs=0)


def test_csv(capsys):
    assert main(["spectrum", "--species", "gamma,nu_e", "--num", "3", "--csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("E_GeV,gamma") and len(lines) == 4


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--species", "mu"], "species"),
        (["--num", "1"], "num = 1"),
        (["--emin", "1 m"], "emin"),
        (["--emin", "10 TeV", "--emax", "1 TeV"], "emin"),
        (["--set", "delta_G=-3"], "delta_G"),
        (["--json", "--csv"], "exclusive"),
    ],
)
def test_bad_input(argv, match, capsys):
    assert main(["spectrum", *argv]) == 2
    err = capsys.readouterr().err
    assert match in err and len(err.strip().splitlines()) == 1


def _json(argv, capsys):
    assert main(["spectrum", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_profile_prints_the_profile_spectrum(capsys):
    """--profile miller_bregman is CGMEmission(profile=CGMProfile(kind='miller_bregman'))."""
    import astropy.units as u

    from crescape.halo import CGMProfile
    from crescape.spectra import CGMEmission

    argv = ["--species", "nu_all,gamma", "--num", "3", "--emin", "1 TeV", "--emax", "100 TeV"]
    for field in ("planar", "local"):
        d = _json([*argv, "--profile", "miller_bregman", "--field", field], capsys)
        em = CGMEmission(profile=CGMProfile(kind="miller_bregman"), field=field)
        E = np.array(d["energy_GeV"]) * u.GeV
        for s in ("nu_all", "gamma"):
            assert np.array_equal(np.array(d["E2_dN_dE"][s]), em.sed(E, s).value), (field, s)
        assert d["profile"]["kind"] == "miller_bregman" and d["field"] == field
        assert d["equivalent_delta_G"] == pytest.approx(em.equivalent_delta_G, rel=1e-12, abs=0)
    plain = _json(argv, capsys)
    assert plain["profile"] is None and plain["equivalent_delta_G"] == 1.0
    assert main(["spectrum", *argv, "--profile", "miller_bregman"]) == 0
    assert "profile = miller_bregman (planar field)" in capsys.readouterr().out


def test_profile_options_and_a_table(tmp_path, capsys):
    import astropy.units as u
    from astropy.table import QTable

    argv = ["--species", "nu_all", "--num", "2", "--emin", "1 TeV", "--emax", "10 TeV"]
    d = _json(
        [*argv, "--profile", "beta", "--profile-set", "r_c=3 kpc", "--profile-set", "beta=0.6"],
        capsys,
    )
    assert d["profile"]["r_c"] == 3.0 and d["profile"]["beta"] == 0.6
    # a table with the uniform CGM's density at δ_G = 100: the uniform CGM's spectrum
    from crescape import CGM
    from crescape.halo import CGMProfile

    n0 = float(CGMProfile(cgm=CGM(delta_G=100.0)).number_density(1 * u.kpc).value)
    t = QTable(
        {
            "r": [1e-3, 1e3] * u.kpc,
            "n": [n0, n0] * u.cm**-3,
            "T": [1e6, 1e6] * u.K,
        }
    )
    path = tmp_path / "flat.ecsv"
    t.write(path, format="ascii.ecsv")
    tab = _json([*argv, "--profile", str(path)], capsys)
    assert tab["profile"]["kind"] == "table" and tab["profile"]["table"] == str(path)
    assert tab["equivalent_delta_G"] == pytest.approx(100.0, rel=1e-12, abs=0)
    uni = _json([*argv, "--delta-G", str(tab["equivalent_delta_G"])], capsys)
    np.testing.assert_allclose(tab["E2_dN_dE"]["nu_all"], uni["E2_dN_dE"]["nu_all"], rtol=1e-10)


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--profile", "nfw"], "profile = 'nfw'"),
        (["--profile", "nope.ecsv"], "nope.ecsv"),
        (["--profile", "hydrostatic"], "n_ref"),
        (["--profile", "beta", "--profile-set", "r_c=-1"], "r_c"),
        (["--profile", "beta", "--profile-set", "colour=red"], "colour"),
        (["--profile", "beta", "--profile-set", "r_c"], "key=value"),
        (["--profile-set", "r_c=1"], "--profile-set needs --profile"),
        (["--profile", "uniform", "--species", "e"], "species = 'e'"),
        (["--field", "sideways"], "--field"),
        (["--field", "local"], "--field local needs --profile"),
        (["--r-out", "5"], "R_out = 5 kpc"),
    ],
)
def test_bad_profile_input(argv, match, capsys):
    assert main(["spectrum", *argv]) == 2
    err = capsys.readouterr().err
    assert match in err and len(err.strip().splitlines()) == 1, err


def test_field_energy_option(capsys):
    hard = ["--set", "slope=1.5", "--set", "E_break=1e5", "--set", "slope_high=3"]
    hard += ["--species", "nu_all", "--num", "3", "--emax", "100 TeV"]
    peak = _json(hard, capsys)
    fixed = _json([*hard, "--field-energy", "1 GeV"], capsys)
    assert (peak["field_energy"], fixed["field_energy"]) == ("peak", "fixed")
    assert peak["field_energy_GeV"] == pytest.approx(1e5, rel=1e-12, abs=0)
    assert fixed["field_energy_GeV"] == pytest.approx(1.0, rel=1e-12, abs=0)
    # δB ∝ E^{(2-s)/2} below the break (Eq. 8): ṽ_A larger, the emission smaller by 10^1.25
    assert peak["v_A_km_s"] / fixed["v_A_km_s"] == pytest.approx(1e5**0.25, rel=1e-12, abs=0)
    ratio = np.array(fixed["E2_dN_dE"]["nu_all"]) / np.array(peak["E2_dN_dE"]["nu_all"])
    np.testing.assert_allclose(ratio, 1e5**0.25, rtol=1e-12, atol=0)
    assert main(["spectrum", *hard, "--field-energy", "1"]) == 0
    assert "field of Eq. (8) at 1 GeV (fixed)" in capsys.readouterr().out
    assert main(["spectrum", "--field-energy", "1 kpc"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "field-energy = '1 kpc' is not allowed" in err
