"""The reproduction step of the 1.5D MHD check (crescape.reproduction.mhd), on coarse settings."""

from __future__ import annotations

import numpy as np
import xarray as xr

from crescape.params import Parameters
from crescape.reproduction import mhd as step
from crescape.reproduction import steps


def test_step_is_discovered():
    assert step in steps()


def test_reproduction_step_coarse(tmp_path, monkeypatch):
    monkeypatch.setattr(step, "Q", np.array([0.3, 0.5, 0.8]))
    nl = {
        **step.NONLINEAR,
        "grid": {"n_cells": 64, "length": 4.0},
        "time": {"t_end": 11.0, "n_output": 12},
    }
    monkeypatch.setattr(step, "NONLINEAR", nl)
    arts = step.run(tmp_path, Parameters.from_flat({}))
    names = {a.name: a for a in arts}
    for a in arts:
        assert (tmp_path / a.path).is_file()
    lin = names["mhd_growth_rates"].values
    assert len(lin) == len(step.CASES)
    assert all(0 <= v < 0.02 for v in lin.values())
    nl_values = names["mhd_nonlinear_data"].values
    # the linear phase grows at the fastest rate k_c v_A/2 (within the spread of the box's modes)
    assert 0.9 < nl_values["linear_phase_gamma_over_gamma_max"] < 1.02
    assert nl_values["dB2_final"] > 10.0  # well past δB ~ B0 with the fixed current
    assert 0.5 < nl_values["u_perp_over_vA_dB_final"] < 2.0  # Alfvénic transverse motion
    with xr.open_dataset(tmp_path / "mhd_nonlinear.nc", engine="h5netcdf") as ds:
        assert ds.attrs["config.grid.n_cells"] == 64
        assert ds.B_y.attrs["units"] == "G"
