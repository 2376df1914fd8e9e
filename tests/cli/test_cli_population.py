"""`crescape population`: the numbers, the figure with --out, one-line errors before any work."""

import json

import pytest

from crescape.cli import main


def run(capsys, *args):
    code = main(["population", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_and_out(capsys, tmp_path):
    code, out, err = run(capsys, "--delta-G", "100", "--json", "--out", str(tmp_path / "pop"),
                         "--set", "z_max=3")  # fmt: skip
    assert code == 0, err
    d = json.loads(out)
    n = d["numbers"]
    assert n["nu_over_icecube2015"] == pytest.approx(
        n["nu_mu_100TeV"] / d["references"]["icecube2015_per_flavour_100TeV"], rel=1e-12, abs=0
    )
    assert d["dominant_at_100TeV"] == "Milky Way CGM"
    assert d["assumptions"]["z_max"] == 3.0
    for name in ("population.png", "population.pdf", "population.json"):
        assert (tmp_path / "pop" / name).stat().st_size > 0


def test_text(capsys):
    code, out, err = run(capsys, "--mass-function", "baldry2012", "--set", "sfr_mass_slope=blue")
    assert code == 0
    assert "Baldry" in out and "IceCube 2015" in out and "Fermi IGRB" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--delta-G", "0"], "delta_G = 0"),
        (["--set", "xi=2"], "xi = 2"),
        (["--set", "slope=abc"], "slope"),
        (["--set", "delta_G=3"], "use --delta-G"),
        (["--set", "sfr_mass_slope=red"], "sfr_mass_slope"),
        (["--mass-function", "tinker"], "invalid choice"),
        (["--luminosity-normalisation", "sfr"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line(capsys, tmp_path, args, words):
    out_dir = tmp_path / "never"
    code, out, err = run(capsys, *args, "--out", str(out_dir))
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert not out_dir.exists()


def test_out_that_is_a_file(capsys, tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    code, out, err = run(capsys, "--out", str(f))
    assert code == 2 and "is not a folder" in err


def test_luminosity_normalisation(capsys):
    """--luminosity-normalisation milky_way drops the scale S(z): the background is larger
    (a halo emits ∝ L_CR^(1/2), and S > 1 at every z), and the JSON says which was used."""
    got = {}
    for norm in ("total", "milky_way"):
        code, out, err = run(capsys, "--mass-function", "baldry2012", "--json",
                             "--luminosity-normalisation", norm)  # fmt: skip
        assert code == 0, err
        d = json.loads(out)
        assert d["assumptions"]["luminosity_normalisation"].startswith(norm)
        got[norm] = d["numbers"]["nu_mu_100TeV"]
    assert 1.2 < got["milky_way"] / got["total"] < 3
