"""`crescape summary` and `crescape reproduce`: output, JSON schema, and bad input (exit 2, one line)."""

import json
import subprocess
import sys

import astropy.units as u
import pytest

from crescape.cli import main

REQUIRED = [
    "cr_energy_flux",
    "B_sat",
    "gamma_max_paper",
    "gamma_max",
    "D_bohm",
    "dB_alfven_balance",
    "v_A_amplified",
    "B_thermal",
    "B_star",
    "fill_time",
    "cr_overdensity",
    "neutrino_E2_flux",
]


def run_json(capsys, *args):
    assert main(["summary", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_schema_and_units(capsys):
    out = run_json(capsys)
    assert set(out) == {"parameters", "quantities"}
    for name in REQUIRED:
        q = out["quantities"][name]
        assert set(q) == {"value", "unit", "equation", "paper_value"}
        assert isinstance(q["value"], float)
        u.Unit(q["unit"])
        assert q["paper_value"] is None or isinstance(q["paper_value"], float)
    assert out["quantities"]["B_sat"]["value"] == pytest.approx(2.25e-8, rel=1e-2, abs=0)
    assert out["quantities"]["B_sat"]["paper_value"] == pytest.approx(2.2e-8, rel=1e-6, abs=0)


def test_set_energy_and_delta_G(capsys):
    a = run_json(capsys)
    b = run_json(capsys, "--set", "energy=10 GeV", "--set", "delta_G=100")
    assert b["parameters"]["energy"] == 10.0
    ratio = (
        b["quantities"]["gamma_max_paper"]["value"] / a["quantities"]["gamma_max_paper"]["value"]
    )
    assert ratio == pytest.approx(0.1 * 100**-0.5, rel=1e-9, abs=0)
    nu = b["quantities"]["neutrino_E2_flux"]["value"] / a["quantities"]["neutrino_E2_flux"]["value"]
    assert nu == pytest.approx(1000.0, rel=1e-9, abs=0)


def test_config_file(capsys, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[cgm]\ndelta_G = 100\n")
    a = run_json(capsys, "--config", str(cfg))
    b = run_json(capsys, "--config", str(cfg), "--set", "delta_G=1")
    assert a["parameters"]["delta_G"] == 100 and b["parameters"]["delta_G"] == 1


def test_table_output(capsys):
    assert main(["summary"]) == 0
    text = capsys.readouterr().out
    for name in REQUIRED:
        assert name in text


@pytest.mark.parametrize(
    "args, words",
    [
        (["--set", "L_CR=-1"], ["L_CR", "-1", "> 0"]),
        (["--set", "L_CR=0"], ["L_CR", "> 0"]),
        (["--set", "delta_G=nan"], ["delta_G", "nan"]),
        (["--set", "B0=1 kpc"], ["B0", "wrong unit"]),
        (["--set", "E_min=1e7", "--set", "E_max=1e6"], ["E_min", "E_max"]),
        (["--set", "Lcr=1e41"], ["unknown parameter", "'Lcr'"]),
        (["--set", "delta_G"], ["key=value"]),
        (["--set", "energy=1e9 GeV"], ["energy", "E_max"]),
        (["--config", "/nonexistent/file.toml"], ["config", "no such file"]),
    ],
)
def test_bad_input_exit_code_2_one_line(capsys, args, words):
    assert main(["summary", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_console_script_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "crescape.cli", "summary", "--set", "L_CR=-5"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "L_CR" in proc.stderr


def test_reproduce_chain_step(tmp_path, capsys):
    assert main(["reproduce", "--out", str(tmp_path), "--only", "chain"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    ids = {c["id"] for c in summary["audit"]}
    assert {
        "B0_bound",
        "gamma_max",
        "D_bohm",
        "dB_alfven_balance",
        "neutrino_E2_flux",
        "B_star",
    } <= ids
    for c in summary["audit"]:
        assert c["ratio"] == pytest.approx(c["crescape"] / c["paper"], rel=1e-6, abs=0)
    md = (tmp_path / "summary.md").read_text()
    assert "Eq. (17)" in md and "chain.ecsv" in md
    assert (tmp_path / "chain.ecsv").exists() and (tmp_path / "audit.md").exists()
