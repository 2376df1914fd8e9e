"""The reproduction step of the coupled run, on coarse grids."""

import numpy as np

from crescape.params import Parameters
from crescape.reproduction import simulate as step


def test_reproduction_step_coarse(tmp_path, monkeypatch):
    monkeypatch.setattr(
        step,
        "FIDUCIAL",
        {**step.FIDUCIAL, "n_cells": 40, "n_momenta": 8, "t_end": 20.0, "n_output": 3},
    )
    monkeypatch.setattr(
        step, "BINDING", {**step.BINDING, "n_cells": 20, "n_momenta": 6, "t_end": 2.0}
    )
    monkeypatch.setattr(step, "BINDING_CASES", [(1.0, 1e-11), (100.0, 1e-9)])
    monkeypatch.setattr(
        step,
        "BINDING_EARLY",
        {"n_cells": 30, "n_momenta": 6, "n_out": 2, "n_steps": 60, "theta": 1.0},
    )
    monkeypatch.setattr(
        step,
        "TRANSITION",
        {"n_cells": 40, "n_momenta": 6, "n_out": 12, "n_steps": 100, "theta": 1.0},
    )
    arts = step.run(tmp_path, Parameters())
    names = {a.name for a in arts}
    assert {
        "simulate_vs_paper",
        "simulate_binding",
        "simulate_neutrino",
        "simulate_fiducial_data",
    } <= names
    for a in arts:
        assert (tmp_path / a.path).stat().st_size > 0
    v = next(a for a in arts if a.name == "simulate_vs_paper").values
    assert abs(v["energy_residual"]) < 1e-6
    assert abs(v["mass_residual"]) < 1e-6
    assert 0 < v["dB_over_eq8_first_cell"] < 2
    assert np.isfinite(v["nu_E2_flux_sim_GeV_cm2_s_sr"]) and v["nu_E2_flux_sim_GeV_cm2_s_sr"] > 0
    b = next(a for a in arts if a.name == "simulate_binding").values
    assert b["dG1_B01e-11_dominant_cap"] in ("capped_larmor", "capped_alfven", "capped_energy_flux")
