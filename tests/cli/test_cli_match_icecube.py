"""`crescape match-icecube`: warnings outside the data and for unphysical matches, messages naming the input."""

import json

import pytest

from crescape.cli import main


def run(capsys, *args):
    code = main(["match-icecube", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_energy_outside_the_fit_warns_on_stderr(capsys):
    code, out, err = run(capsys, "--energy", "1 GeV")
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("crescape match-icecube: warning: energy = 1 GeV is outside")
    assert "delta_G = 12810" in out  # per flavour; 26645 in the all-flavour reading


def test_json_carries_the_warnings(capsys):
    code, out, err = run(capsys, "--set", "L_CR=1e300", "--json")
    assert code == 0
    d = json.loads(out)
    assert any("above the speed of light" in w for w in d["warnings"])
    assert "L_CR = 1e+300 erg / s" in err


def test_paper_parameters_give_no_warning(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""


@pytest.mark.parametrize(
    "args, words",
    [
        (["--energy", "3 kg"], "energy = 3 kg has the wrong unit"),
        (["--set", "L_CR=1e-300"], "with L_CR = 1e-300 erg / s"),
        (
            ["--dataset", "mese_2025", "--energy", "1 GeV"],
            "energy = 1 GeV is not allowed for dataset",
        ),
    ],
)
def test_bad_input_names_what_was_passed(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert words in err and len(err.strip().splitlines()) == 1


def test_a_given_delta_G_is_reported_as_ignored(capsys):
    code, out, err = run(capsys, "--set", "delta_G=1e-30")
    assert code == 0
    assert "warning: delta_G = 1e-30 is ignored" in err
    assert "delta_G = 276" in out and "one flavour" in out
    code, out, err = run(capsys, "--flavour", "all")
    assert code == 0 and "delta_G = 574" in out and "summed over the three flavours" in out


def test_all_datasets_json_states_the_reading(capsys):
    code, out, err = run(capsys, "--dataset", "all", "--json")
    d = json.loads(out)
    assert code == 0 and d["flavour"] == "per flavour" and "one flavour" in d["flavour_reading"]
    assert {m["flavour"] for m in d["matches"]} == {"per flavour"}
