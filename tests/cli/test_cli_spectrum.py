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
