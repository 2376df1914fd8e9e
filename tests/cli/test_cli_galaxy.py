"""`crescape galaxy NAME`: the cited values, the chain and the flux; unknown names in one line."""

import json

import pytest

from crescape.cli import main


def run(capsys, *args):
    code = main(["galaxy", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_m31_json(capsys):
    code, out, err = run(capsys, "M31", "--json", "--set", "delta_G=100")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["name"] == "M31" and d["chain"]["delta_G"] == 100.0
    assert d["flux"]["unit"] == "erg / (cm2 s)" and d["flux"]["nu_all"] > 0
    assert "Courteau" in d["parameters"]["R_d"]["source"]


def test_text_output_names_the_sources(capsys):
    code, out, err = run(capsys, "Milky Way")
    assert code == 0
    assert "Licquia" in out and "B_sat" in out and "from inside" in out


def test_unknown_galaxy_lists_the_names(capsys):
    code, out, err = run(capsys, "Andromeda")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert (
        "galaxy = 'Andromeda' is not allowed" in lines[0]
        and "M31" in lines[0]
        and "Arp 220" in lines[0]
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["M31", "--set", "delta_G=-3"], "delta_G"),
        (["M31", "--set", "nonsense=3"], "nonsense"),
    ],
)
def test_bad_set_is_one_line(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1


def test_missing_sfr_is_a_note_not_an_error(capsys, monkeypatch):
    from crescape import galaxies as gx

    read = gx._read
    table = gx.catalogue()
    table["sfr"][gx.names().index("SMC")] = float("nan")  # a galaxy without a citable SFR
    monkeypatch.setattr(gx, "_read", lambda name: table if name == gx._CATALOGUE else read(name))
    code, out, err = run(capsys, "SMC")
    assert code == 0 and "note:" in out and "L_CR" in out


def test_no_name_lists_the_catalogue(capsys):
    code, out, err = run(capsys, "--json")
    assert code == 0 and json.loads(out)["galaxies"][:2] == ["Milky Way", "M31"]
