"""The ``crescape simulate`` command."""

import subprocess
import sys

import pytest
import xarray as xr


def test_simulate_writes_netcdf(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[simulation]\nn_cells = 20\nn_momenta = 6\nz_max = "30 kpc"\nt_end = "2 Myr"\nn_output = 2\n'
        'E_grid_max = "1e3 GeV"\n'
    )
    out = tmp_path / "run.nc"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "crescape",
            "simulate",
            str(cfg),
            "--out",
            str(out),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    ds = xr.open_dataset(out, engine="h5netcdf")
    assert ds.dB.shape == (2, 20) and ds.n_CR.shape == (2, 20, 6)
    assert ds.attrs["param.delta_G"] == 1.0 and ds.attrs["param.R_d.units"] == "kpc"
    assert ds.attrs["config.simulation.z_max"] == 30.0
    assert ds.attrs["config.simulation.z_max.units"] == "kpc"


def test_simulate_bad_input(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[simulation]\nn_cells = 1\n")
    r = subprocess.run(
        [sys.executable, "-m", "crescape", "simulate", str(cfg), "--out", str(tmp_path / "x.nc")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "n_cells" in r.stderr


def test_set_simulation_options_from_the_command_line():
    """--set values arrive as strings: ints, floats, booleans and lists are converted."""
    from crescape.params import ParameterError
    from crescape.simulate.cgm_config import load_config

    _, cfg = load_config(
        None,
        {
            "n_cells": "100",
            "cfl": "0.5",
            "isothermal": "true",
            "criteria": "larmor,alfven",
            "t_end": "5",
        },
    )
    assert cfg.n_cells == 100 and cfg.cfl == 0.5 and cfg.isothermal is True
    assert cfg.criteria == ("larmor", "alfven") and cfg.t_end == 5.0
    with pytest.raises(ParameterError, match="n_cells"):
        load_config(None, {"n_cells": "many"})


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "crescape", "simulate", *map(str, args), "--no-progress"],
        capture_output=True,
        text=True,
    )


def test_simulate_resume_with_another_configuration_exits_2(tmp_path):
    """A checkpoint is tied to its configuration: --resume with another B0 is refused in one line."""
    import json

    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[simulation]\nn_cells = 20\nn_momenta = 6\nz_max = "30 kpc"\nt_end = "1 Myr"\nn_output = 2\n'
        'E_grid_max = "1e3 GeV"\ncheckpoint_every = 5\n'
    )
    out = tmp_path / "run.nc"
    r = _run(cfg, "--out", out, "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["valid"] and abs(summary["energy_residual"]) < 1e-10
    ck = tmp_path / "run.nc.ckpt.npz"
    assert ck.exists()
    # a finished run's checkpoint is not resumed; another configuration is refused
    for extra in ([], ["--set", "B0=2e-10 G"]):
        r = _run(cfg, "--out", out, "--resume", *extra)
        assert r.returncode == 2, (extra, r.stderr)
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _run(cfg, "--out", tmp_path, "--set", "t_end=1 Myr")
    assert r.returncode == 2 and "directory" in r.stderr and "Traceback" not in r.stderr


#: (file text, --set items, text the one-line message must contain): one strict reader for the
#: simulate and transport configurations (crescape.simulate.options)
BAD_SIMULATE = [
    ("[simulaton]\nn_cells = 20\n", [], "unknown table [simulaton]"),
    ("[simulation]\nn_cell = 20\n", [], "simulation.n_cell = 20 is not allowed: unknown key"),
    ("[simulation]\nn_cells = true\n", [], "simulation.n_cells = True"),
    ('[simulation]\nt_end = "1 kpc"\n', [], "simulation.t_end = '1 kpc'"),
    ('[simulation]\ngeometry = "cubic"\n', [], "simulation.geometry"),
    ('[simulation]\ncriteria = ["larmor", "bohm"]\n', [], "simulation.criteria"),
    ("[galaxy]\nL_CR = true\n", [], "L_CR"),
    ("L_CR = 1e41\n[galaxy]\nL_CR = 2e41\n", [], "given twice"),
    ("[simulation]\nn_cells = 20\n", ["t_end=inf"], "simulation.t_end = inf"),
    ("[simulation]\nn_cells = 20\n", ["simulation.n_cels=3"], "unknown key 'n_cels'"),
    ("[simulation]\nn_cells = 20\n", ["foo.bar=3"], "unknown table 'foo'"),
    ("[simulation]\nn_cells = 20\n", ["L_CR=true"], "L_CR"),
    ('[simulation]\nE_grid_min = "0.5 GeV"\n', [], "simulation.E_grid_min = '0.5 GeV'"),
    ("[simulation]\nE_grid_min = 10\nE_grid_max = 5\n", [], "simulation.E_grid_max = 5"),
]


@pytest.mark.parametrize("text, sets, message", BAD_SIMULATE)
def test_bad_simulate_configuration_exits_2_with_one_line(tmp_path, capsys, text, sets, message):
    from crescape.cli import main

    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    out = tmp_path / "x.nc"
    args = ["simulate", str(cfg), "--out", str(out), "--no-progress"]
    for s in sets:
        args += ["--set", s]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and not out.exists()


def test_simulation_options_accept_the_table_prefix():
    from crescape.simulate.cgm_config import load_config

    _, a = load_config(None, {"simulation.n_cells": "100"})
    _, b = load_config(None, {"n_cells": "100"})
    assert a == b and a.n_cells == 100


@pytest.mark.parametrize("command", ["simulate", "transport"])
def test_config_given_as_option_or_positional_once(tmp_path, capsys, command):
    from crescape.cli import main

    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[galaxy]\nL_CR = true\n")
    b.write_text("")
    out = str(tmp_path / "x.nc")
    assert main([command, "--config", str(a), "--out", out, "--no-progress"]) == 2
    assert "L_CR" in capsys.readouterr().err  # read through --config
    assert main([command, str(a), "--config", str(b), "--out", out]) == 2
    assert "give the configuration once" in capsys.readouterr().err
    assert main([command, "--out", out]) == 2
    assert "configuration file is required" in capsys.readouterr().err
