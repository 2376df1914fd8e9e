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
    assert (tmp_path / "fit_chain.nc").exists() and not (tmp_path / "fit_chain.npz").exists()


@pytest.mark.parametrize(
    "args, match",
    [
        (["--free", "delta_X"], "free = "),
        (["--dataset", "icecube_1999"], "dataset = 'icecube_1999'"),
        (["--steps", "5"], "--steps 5"),
        (["--set", "delta_G=-3"], "delta_G"),
    ],
)
def test_bad_input_exit_2(capsys, args, match):
    assert main(["fit", "--no-mcmc", "--profile-points", "0", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and match in err
