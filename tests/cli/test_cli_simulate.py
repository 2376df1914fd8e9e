"""The ``crescape simulate`` command."""

import subprocess
import sys

import xarray as xr


def test_simulate_writes_netcdf(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[simulation]\nn_cells = 20\nn_momenta = 6\nz_max = "30 kpc"\nt_end = "2 Myr"\nn_output = 2\n'
                   'E_grid_max = "1e3 GeV"\n')
    out = tmp_path / "run.nc"
    r = subprocess.run([sys.executable, "-m", "crescape", "simulate", str(cfg), "--out", str(out), "--no-progress"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    ds = xr.open_dataset(out, engine="h5netcdf")
    assert ds.dB.shape == (2, 20) and ds.n_CR.shape == (2, 20, 6)
    assert "param_delta_G" in ds.attrs


def test_simulate_bad_input(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[simulation]\nn_cells = 1\n")
    r = subprocess.run([sys.executable, "-m", "crescape", "simulate", str(cfg), "--out", str(tmp_path / "x.nc")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "n_cells" in r.stderr
