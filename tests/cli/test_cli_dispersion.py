"""Tests of ``crescape dispersion``."""

from __future__ import annotations

import json

import pytest

from crescape import constants as C
from crescape.cli import main
from crescape.params import Parameters
from crescape.physics.dispersion import critical_kc_rL
from crescape.physics.instability import gamma_max_paper, k_max_paper
from crescape.physics.saturation import B_sat_current


def run_json(capsys, *sets):
    argv = ["dispersion", "--json"]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_text_output_lists_the_key_numbers(capsys):
    assert main(["dispersion"]) == 0
    out = capsys.readouterr().out
    for key in (
        "gamma_max",
        "k_fastest",
        "k_band_lo",
        "k_band_hi",
        "regime",
        "B_sat_linear",
        "tau",
    ):
        assert key in out


def test_json_numbers_follow_the_physics(capsys):
    d = run_json(capsys, "delta_G=100", "T=1e4", "B0=1e-9")["quantities"]
    J, rho = d["current"]["value"], d["rho"]["value"]
    p = Parameters.from_flat({"delta_G": 100})
    assert rho == pytest.approx(100 * p.cgm.cgs.Omega_b_h2 * p.cgm.cgs.rho_cr_h2, rel=1e-12)
    assert d["k_c"]["value"] == pytest.approx(float(k_max_paper(J, 1e-9)), rel=1e-12)
    assert d["gamma_paper"]["value"] == pytest.approx(float(gamma_max_paper(J, rho)), rel=1e-12)
    # far above threshold the exact maximum is Bell's: half of Eqs. (5) and (7)
    assert d["kc_rL"]["value"] > 100
    assert d["gamma_max_over_eq7"]["value"] == pytest.approx(0.5, abs=1e-3)
    assert d["k_fastest_over_eq5"]["value"] == pytest.approx(0.5, abs=1e-3)
    assert d["k_band_lo"]["value"] < d["k_fastest"]["value"] < d["k_band_hi"]["value"]
    assert d["driven"]["value"] is True
    assert d["regime"]["value"] == 5
    assert d["B_sat_linear"]["value"] == pytest.approx(
        float(B_sat_current(C.GeV, J)) / critical_kc_rL(2.0) ** 0.5, rel=1e-12
    )


def test_energy_key_and_regimes(capsys):
    low = run_json(capsys, "energy=1 GeV")["quantities"]
    high = run_json(capsys, "energy=10 TeV")["quantities"]
    assert low["energy"]["value"] == 1.0 and high["energy"]["value"] == pytest.approx(1e4)
    # J ∝ 1/E (s = 2): the paper's γ_max (Eq. 7) falls as 1/E
    ratio = high["gamma_paper"]["value"] / low["gamma_paper"]["value"]
    assert ratio == pytest.approx(1e-4 * (1 - 1e4 / 1e6) / (1 - 1e-6), rel=1e-9)
    # a strong field kills the nonresonant branch
    strong = run_json(capsys, "B0=1e-7", "T=1e4")["quantities"]
    assert strong["driven"]["value"] is False and strong["regime"]["value"] == 0


@pytest.mark.parametrize(
    "setting,word",
    [
        ("B0=0", "B0"),
        ("delta_G=-1", "delta_G"),
        ("energy=-1", "energy"),
        ("energy=1e7", "energy"),
        ("energy=abc", "energy"),
        ("T=-5", "T"),
    ],
)
def test_bad_input_exit_code_2(capsys, setting, word):
    assert main(["dispersion", "--set", setting]) == 2
    err = capsys.readouterr().err
    assert word in err and len(err.strip().splitlines()) == 1
