"""`crescape fit`: JSON output, files written, bad input (exit 2, one line)."""

import json

import matplotlib
import pytest

matplotlib.use("Agg")

from crescape.cli import main  # noqa: E402


def test_fit_json_and_files(tmp_path, capsys):
    code = main(
        [
            "fit",
            "--model",
            "eq17",
            "--free",
            "delta_G",
            "--no-mcmc",
            "--profile-points",
            "15",
            "--out",
            str(tmp_path),
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["free"] == ["delta_G"]
    assert 100 < out["best"]["delta_G"] < 1000
    lo, hi = out["minos"]["delta_G"]
    assert lo < out["best"]["delta_G"] < hi
    assert "IceCube prefers delta_G" in out["statement"]["text"]
    assert (tmp_path / "fit_results.json").exists() and (tmp_path / "fit_spectrum.png").exists()


def test_fit_with_mcmc_text_output(tmp_path, capsys):
    code = main(
        [
            "fit",
            "--free",
            "delta_G,slope",
            "--steps",
            "60",
            "--max-steps",
            "60",
            "--profile-points",
            "0",
            "--set",
            "R_d=12 kpc",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "posterior delta_G" in text and "fit_corner.png" in text
    assert "MCMC NOT converged: stopped at the cap of 60 steps" in text
    assert (tmp_path / "fit_chain.nc").exists() and not (tmp_path / "fit_chain.npz").exists()


@pytest.mark.parametrize(
    "args, match",
    [
        (["--free", "delta_X"], "free = "),
        (["--dataset", "icecube_1999"], "dataset = 'icecube_1999'"),
        (["--steps", "5"], "--steps 5"),
        (["--set", "delta_G=-3"], "delta_G"),
        (["--emin", "1e9"], "energy_range = (1e+09, inf) GeV is not allowed"),
        (["--emin", "1e5", "--emax", "1e4"], "--emin 100000 --emax 10000 is not allowed"),
        (["--steps", "100", "--max-steps", "50"], "--max-steps 50 is not allowed"),
    ],
)
def test_bad_input_exit_2(capsys, args, match):
    assert main(["fit", "--no-mcmc", "--profile-points", "0", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and match in err


def test_strict_exits_3_on_a_bad_fit_with_a_one_line_warning(capsys):
    """The flat E^-2 spectrum (Eq. 17) against the 2025 combined-fit bins >= 10 TeV: p < 1e-3."""
    args = ["fit", "--dataset", "icecube_2025_combined", "--free", "delta_G", "--emin", "1e4"]
    args += ["--model", "eq17", "--no-mcmc", "--no-igrb", "--profile-points", "0", "--json"]
    assert main(args) == 0
    cap = capsys.readouterr()
    out = json.loads(cap.out)
    assert out["gof"]["p_value"] < 1e-3 and out["gof"]["ndof"] == 9
    assert out["warnings"] and out["warnings"][0].startswith("bad fit: chi2 = ")
    err = cap.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("crescape fit: warning: bad fit: chi2 = ")
    assert main([*args, "--strict"]) == 3


def test_strict_exits_0_on_a_good_fit(capsys):
    args = ["fit", "--model", "eq17", "--free", "delta_G", "--no-mcmc", "--profile-points", "0"]
    args.append("--strict")
    # the 2015 bins from 60 TeV to 3 PeV: a flat spectrum is acceptable there
    assert main([*args, "--emin", "6e4", "--emax", "3e6", "--no-igrb", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["gof"]["p_value"] > 1e-3 and out["warnings"] == []


def test_strict_exits_3_when_the_mcmc_stops_at_its_cap(capsys):
    args = ["fit", "--model", "eq17", "--free", "delta_G", "--emin", "6e4", "--emax", "3e6"]
    args.append("--no-igrb")
    args += ["--steps", "40", "--max-steps", "40", "--profile-points", "0", "--strict"]
    assert main(args) == 3
    cap = capsys.readouterr()
    assert "MCMC NOT converged: stopped at the cap of 40 steps" in cap.out
    assert "bad fit" not in cap.out
    assert cap.err.strip().startswith("crescape fit: warning: MCMC NOT converged")


@pytest.mark.parametrize(
    "args, match",
    [
        (["--dataset", "icecube_2015,icecube_2025_mese"], "may share events"),
        (["--limits", "auger_2023"], "--limits auger_2023 needs --limit-cl"),
        (["--limits", "auger_2023", "--limit-cl", "90"], "--limit-cl 90 is not allowed"),
        (["--limits", "nope", "--limit-cl", "0.9"], "limits = 'nope'"),
    ],
)
def test_joint_and_limit_options_bad_input_exit_2(capsys, args, match):
    assert main(["fit", "--free", "delta_G", "--no-mcmc", "--profile-points", "0", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and match in err


def test_joint_fit_with_limits_json_says_what_entered(capsys):
    argv = ["fit", "--free", "delta_G", "--no-mcmc", "--profile-points", "0", "--json"]
    argv += ["--dataset", "icecube_2025_combined,km3net_230213a"]
    argv += ["--limits", "icecube_ehe_2018,auger_2023", "--limit-cl", "0.9"]
    assert main(argv) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["data"]["datasets"] == ["icecube_2025_combined", "km3net_230213a"]
    assert d["data"]["independent"] is True
    assert d["data"]["limits_used"] == ["icecube_ehe_2018", "auger_2023"]
    assert d["data"]["flavour"] == "per flavour" and d["model"]["flavour"] == "per flavour"
    assert "one flavour" in d["data"]["flavour_reading"]


def test_flavour_all_option(capsys):
    argv = ["fit", "--model", "eq17", "--free", "delta_G", "--no-mcmc", "--profile-points", "0"]
    argv.append("--json")
    assert main([*argv, "--flavour", "all"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    p = json.loads(capsys.readouterr().out)
    assert a["model"]["flavour"] == "all" and p["model"]["flavour"] == "per flavour"
    # same chi2, delta_G larger by 3^(2/3) in the all-flavour reading (F ∝ delta_G^1.5)
    assert a["chi2_min"] == pytest.approx(p["chi2_min"], rel=1e-4, abs=0)
    assert a["best"]["delta_G"] / p["best"]["delta_G"] == pytest.approx(
        3 ** (2 / 3), rel=1e-3, abs=0
    )


def test_field_energy_option_moves_delta_G_only(capsys):
    """s = 1.5 to a sharp 1 PeV: the peak of E²φ is E_max, δB larger by (10^6)^(1/4) than at
    1 GeV, and δ_G (flux ∝ δ_G^1.5/δB) by (10^6)^(1/6) = 10; χ² the same."""
    argv = ["fit", "--free", "delta_G", "--no-mcmc", "--profile-points", "0", "--set", "slope=1.5"]
    assert main([*argv, "--json"]) == 0
    peak = json.loads(capsys.readouterr().out)
    assert main([*argv, "--json", "--field-energy", "1 GeV"]) == 0
    fixed = json.loads(capsys.readouterr().out)
    assert peak["model"]["field_energy"].startswith("peak")
    assert fixed["model"]["field_energy"] == "fixed: the field of Eq. (8) at E = 1 GeV"
    assert peak["chi2_min"] == pytest.approx(fixed["chi2_min"], rel=1e-6, abs=0)
    ratio = peak["best"]["delta_G"] / fixed["best"]["delta_G"]
    assert ratio == pytest.approx(10.0, rel=1e-4, abs=0)
    assert main([*argv, "--field-energy", "1"]) == 0
    assert (
        "field of v_A (Eq. 8): fixed: the field of Eq. (8) at E = 1 GeV" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    "args, match",
    [
        (["--field-energy", "top"], "field-energy = 'top' is not allowed"),
        (["--field-energy", "0"], "field-energy = '0' is not allowed"),
        (["--model", "eq17", "--field-energy", "1"], "not allowed with model='eq17'"),
    ],
)
def test_bad_field_energy_exit_2(capsys, args, match):
    assert main(["fit", "--free", "delta_G", "--no-mcmc", "--profile-points", "0", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and match in err
