"""`crescape params`: every parameter of the registry with its unit, default and range."""

import json

import pytest

from crescape.cli import main
from crescape.params import DEFAULT_TEXT, SPECS


def test_json_lists_every_registered_parameter(capsys):
    assert main(["params", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["parameters"]
    by_name = {r["name"]: r for r in rows if r["group"] in {s.group for s in SPECS.values()}}
    assert set(SPECS) <= set(by_name)
    for name, spec in SPECS.items():
        r = by_name[name]
        assert r["group"] == spec.group and r["range"] == spec.allowed()
        unit = "" if spec.unit is None else spec.unit.to_string()
        assert r["unit"] == unit
        assert r["default"] == (DEFAULT_TEXT[name] if spec.default is None else spec.default)
    assert by_name["R_d"]["unit"] == "kpc" and by_name["R_d"]["default"] == 10.0


def test_table_has_one_line_per_parameter(capsys):
    assert main(["params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = {ln.split()[0] for ln in lines[2:-1]}
    assert set(SPECS) <= names
    r_d = next(ln for ln in lines if ln.startswith("R_d "))
    assert " kpc " in r_d and " 10 " in r_d and "> 0 kpc" in r_d


@pytest.mark.parametrize("group", ["galaxy", "cgm", "micro"])
def test_group_filter(group, capsys):
    assert main(["params", "--json", "--group", group]) == 0
    rows = json.loads(capsys.readouterr().out)["parameters"]
    assert {r["name"] for r in rows} == {n for n, s in SPECS.items() if s.group == group}


def test_the_option_tables_of_simulate_and_transport_are_listed(capsys):
    """Every key of the [simulation] table, of the transport tables and of the MHD tables
    (as ``mhd.<table>``), by its table."""
    from crescape.simulate import cgm_config, config, mhd_config

    assert main(["params", "--json"]) == 0
    text = capsys.readouterr().out
    rows = json.loads(text)["parameters"]
    keys = {(r["group"], r["name"]) for r in rows}
    assert {("simulation", k) for k in cgm_config.SCHEMA} <= keys
    assert {(t, k) for t, tab in config.SCHEMA.items() for k in tab} <= keys
    assert {(f"mhd.{t}", k) for t, tab in mhd_config.SCHEMA.items() for k in tab} <= keys
    assert "Infinity" not in text and "NaN" not in text  # strict JSON
    by_key = {(r["group"], r["name"]): r for r in rows}
    assert by_key[("simulation", "z_max")]["unit"] == "kpc"
    assert by_key[("time", "dt_max")]["default"] == "inf"
