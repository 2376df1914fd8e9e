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
from crescape.physics.validity import regimes


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
    # cgs values ~1e-29..1e-8: relative tolerances only
    assert rho == pytest.approx(100 * p.cgm.cgs.Omega_b_h2 * p.cgm.cgs.rho_cr_h2, rel=1e-12, abs=0)
    assert d["k_c"]["value"] == pytest.approx(float(k_max_paper(J, 1e-9)), rel=1e-12, abs=0)
    assert d["gamma_paper"]["value"] == pytest.approx(
        float(gamma_max_paper(J, rho)), rel=1e-12, abs=0
    )
    # far above threshold the exact maximum is Bell's: half of Eqs. (5) and (7)
    assert d["kc_rL"]["value"] > 100
    assert d["gamma_max_over_eq7"]["value"] == pytest.approx(0.5, abs=1e-3)
    assert d["k_fastest_over_eq5"]["value"] == pytest.approx(0.5, abs=1e-3)
    assert d["k_band_lo"]["value"] < d["k_fastest"]["value"] < d["k_band_hi"]["value"]
    assert d["driven"]["value"] is True
    assert d["regime"]["value"] == 5
    # one p_max for every number: E_max/E = 1e6 (the threshold for p_max = ∞ differs by 5.5e-7)
    t_max = d["p_max_over_p_min"]["value"]
    assert t_max == pytest.approx(1e6, rel=1e-12, abs=0)
    zc = critical_kc_rL(2.0, t_max)
    assert d["kc_rL_threshold"]["value"] == pytest.approx(zc, rel=1e-12, abs=0)
    assert d["B_sat_linear"]["value"] == pytest.approx(
        float(B_sat_current(C.GeV, J)) / zc**0.5, rel=1e-12, abs=0
    )


def test_slope_below_two_threshold_and_warning(capsys):
    """s = 1.5: the threshold sits at k ~ 1/r_L(E_max), 0.0198 for E_max/E = 1e6 (not the 0.2228
    of a search that stopped at k r_L = 0.01), with a warning that it depends on E_max."""
    assert main(["dispersion", "--json", "--set", "slope=1.5"]) == 0
    cap = capsys.readouterr()
    d = json.loads(cap.out)["quantities"]
    assert "warning" in cap.err and "E_max" in cap.err
    assert d["threshold_at_p_max"]["value"] is True
    zc = d["kc_rL_threshold"]["value"]
    assert zc == pytest.approx(0.019808, rel=1e-4, abs=0)
    assert zc == pytest.approx(critical_kc_rL(1.5, 1e6), rel=1e-12, abs=0)
    assert d["B_sat_ratio"]["value"] == pytest.approx(
        (d["B_sat_linear"]["value"] / d["B_sat_eq8"]["value"]), rel=1e-12, abs=0
    )
    assert d["B_sat_ratio"]["value"] == pytest.approx(10.04, rel=2e-3, abs=0)
    # s = 2: no warning
    run_json(capsys)
    assert "warning" not in capsys.readouterr().err


def test_hot_weak_field_is_not_hall_limited(capsys):
    """B0 = 1e-12 G, T = 1e6 K: Bell's cold rate would be 3.48 Omega_i, but the warm growth is
    0.0042 Omega_i: thermal, not Hall-limited, and gamma_over_Omega is the actual growth."""
    d = run_json(capsys, "B0=1e-12", "T=1e6")["quantities"]
    Om = C.e * 1e-12 / (C.m_p * C.c)
    g = d["gamma_max_full"]["value"]
    assert d["gamma_over_Omega"]["value"] == pytest.approx(g / Om, rel=1e-12, abs=0)
    assert d["gamma_over_Omega"]["value"] == pytest.approx(0.00419, rel=0.01, abs=0)
    assert d["gamma_nohall_over_Omega"]["value"] < 0.01
    assert d["regime"]["value"] == 3
    # k_c r_i with r_i = v_th/Omega_i, v_th^2 = 2 k_B T/m_p; k r_i, k r_L at the fastest mode
    r_i = (2 * C.k_B * 1e6 / C.m_p) ** 0.5 / Om
    assert d["kc_ri"]["value"] == pytest.approx(d["k_c"]["value"] * r_i, rel=1e-12, abs=0)
    k_f = d["k_fastest_full"]["value"]
    assert d["k_ri"]["value"] == pytest.approx(k_f * r_i, rel=1e-12, abs=0)
    assert d["k_rL"]["value"] == pytest.approx(k_f * C.GeV / (C.e * 1e-12), rel=1e-12, abs=0)
    assert 0.05 < d["k_ri"]["value"] < 0.2


def test_energy_key_and_regimes(capsys):
    low = run_json(capsys, "energy=1 GeV")["quantities"]
    high = run_json(capsys, "energy=10 TeV")["quantities"]
    assert low["energy"]["value"] == 1.0 and high["energy"]["value"] == pytest.approx(
        1e4, rel=1e-6, abs=0
    )
    # J ∝ 1/E (s = 2): the paper's γ_max (Eq. 7) falls as 1/E
    ratio = high["gamma_paper"]["value"] / low["gamma_paper"]["value"]
    assert ratio == pytest.approx(1e-4 * (1 - 1e4 / 1e6) / (1 - 1e-6), rel=1e-9, abs=0)
    # a strong field kills the nonresonant branch
    strong = run_json(capsys, "B0=1e-7", "T=1e4")["quantities"]
    assert strong["driven"]["value"] is False and strong["regime"]["value"] == 0


def test_T_zero_selects_the_cold_relation(capsys):
    """--set T=0: no ion temperature (τ = 0, r_i = 0), the Hall term only; at B0 = 1e-12 G the
    cold growth k_c v_A/2 is 3.48 Ω_i, so the Hall term caps γ at Ω_i: Hall-limited."""
    out = run_json(capsys, "T=0", "B0=1e-12")
    d = out["quantities"]
    assert out["parameters"]["T"] == 0.0
    for key in ("tau", "thermal_ratio_paper", "k_ri", "kc_ri", "B_star", "B_star_paper"):
        assert d[key]["value"] == 0.0, key
    assert d["regime"]["value"] == 1
    Om = C.e * 1e-12 / (C.m_p * C.c)
    assert d["gamma_over_Omega"]["value"] == pytest.approx(
        d["gamma_max_full"]["value"] / Om, rel=1e-12, abs=0
    )
    assert d["gamma_nohall_over_Omega"]["value"] == pytest.approx(3.48, rel=0.01, abs=0)
    assert d["gamma_over_Omega"]["value"] <= 1.0 + 1e-9
    r = regimes(
        d["current"]["value"], 1e-12, d["rho"]["value"], 0.0, C.GeV, 2.0, 1e6 * C.GeV, n_grid=400
    )
    assert d["gamma_max_full"]["value"] == pytest.approx(float(r["gamma"]), rel=1e-9, abs=0)
    # the group name works too, and a warm T is recorded as the CGM's
    assert run_json(capsys, "cgm.T=0")["parameters"]["T"] == 0.0
    assert run_json(capsys, "T=1e4")["parameters"]["T"] == 1e4


@pytest.mark.parametrize("text", ["T = 0\n", "[cgm]\nT = 0\nB0 = 1e-12\n"])
def test_T_zero_in_a_config_file(tmp_path, capsys, text):
    """The same range for --config as for --set: T = 0 is the cold relation here, and --set wins."""
    f = tmp_path / "cold.toml"
    f.write_text(text)
    assert main(["dispersion", "--json", "--config", str(f)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["parameters"]["T"] == 0.0 and d["quantities"]["tau"]["value"] == 0.0
    assert main(["dispersion", "--json", "--config", str(f), "--set", "T=1e4"]) == 0
    assert json.loads(capsys.readouterr().out)["parameters"]["T"] == 1e4
    f.write_text(text.replace("T = 0", "T = -3"))
    assert main(["dispersion", "--config", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"crescape dispersion: error: {f}: T = -3 K is not allowed: must be a finite value >= 0 K and <= 1e+10 K"
    )
    # every other command keeps T > 0, also from a file
    f.write_text(text)
    assert main(["summary", "--config", str(f)]) == 2
    assert "T = 0 K is not allowed" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["summary", "spectrum", "match-icecube"])
def test_T_zero_is_refused_where_T_divides(capsys, command):
    """Only the dispersion relation has a T = 0 limit; the chain's thermal quantities and the gas
    pressure need T > 0: one line naming T and the range."""
    assert main([command, "--set", "T=0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "T = 0 K is not allowed" in err and "> 0 K" in err


@pytest.mark.parametrize(
    "setting,word",
    [
        ("B0=0", "B0"),
        ("delta_G=-1", "delta_G"),
        ("energy=-1", "energy"),
        ("energy=1e7", "energy"),
        ("energy=abc", "energy"),
        ("T=-5", "T = -5 K is not allowed: must be a finite value >= 0 K"),
        ("cgm.T=-5", "T = -5 K"),
        ("T=1e11", "<= 1e+10 K"),
    ],
)
def test_bad_input_exit_code_2(capsys, setting, word):
    assert main(["dispersion", "--set", setting]) == 2
    err = capsys.readouterr().err
    assert word in err and len(err.strip().splitlines()) == 1
