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
    assert "param_delta_G" in ds.attrs


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
