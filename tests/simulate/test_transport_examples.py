"""The transport example scripts run and show the physics they describe."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ballistic_to_diffusive_example(tmp_path):
    """Ballistic phase: n(0) between the collimated-beam φ/v and the paper's 3φ/c (LP gives ≈ 2φ/v);
    after the field grows, n(0, t) follows Eq. (10) to 2% and exceeds the ballistic value 1000-fold."""
    mod = load("transport_ballistic_to_diffusive")
    out = tmp_path / "bd.png"
    res = mod.main(str(out), n_z=200)
    assert 1.0 < res["n0_ballistic_over_phi_v"] < 3.0
    assert res["n0_ballistic_over_phi_v"] == pytest.approx(2.0, rel=0.1, abs=0)
    assert res["n0_over_eq10_last"] == pytest.approx(1.0, abs=0.02)
    assert res["enhancement_over_ballistic"] > 1e3
    assert out.stat().st_size > 10_000


def test_reproduction_step_small(tmp_path, monkeypatch):
    """The reproduction step (ORDER 40) on a coarser grid: files written, Eq. (10) within 2%."""
    from crescape import constants as C
    from crescape.params import Parameters
    from crescape.reproduction import transport as step

    monkeypatch.setattr(step, "N_Z", 300)
    monkeypatch.setattr(step, "Z_MAX", 1 * C.kpc)
    monkeypatch.setattr(step, "N_P", 4)
    monkeypatch.setattr(step, "T_END", 3 * C.Myr)
    monkeypatch.setattr(step, "N_OUT", 6)
    arts = step.run(tmp_path, Parameters.from_flat({}))
    assert step.ORDER == 40
    assert {a.path for a in arts} == {"transport_eq10.nc", "transport_eq10.png"}
    assert all((tmp_path / a.path).stat().st_size > 1000 for a in arts)
    assert arts[0].values["max_rel_dev_n0_vs_eq10_after_1Myr"] < 0.02
    assert 2.0e-8 < arts[0].values["dB_G"] < 2.5e-8  # Eq. (8) for the paper's parameters
    import xarray as xr

    with xr.open_dataset(tmp_path / "transport_eq10.nc", engine="h5netcdf") as ds:
        assert ds.attrs["param.L_CR"] == 1e41 and ds.attrs["param.R_d.units"] == "kpc"


def test_checkpoint_cadence_in_steps_and_seconds(tmp_path, monkeypatch):
    """Checkpoints are due every N steps, or after T seconds of wall time."""
    import numpy as np

    from crescape.simulate import Checkpointer, State, observers

    clock = {"t": 100.0}
    monkeypatch.setattr(observers.time, "monotonic", lambda: clock["t"])
    ck = Checkpointer(tmp_path / "c.npz", every_steps=5)
    assert ck.due(State(np.zeros((2, 2)), step=10)) and not ck.due(State(np.zeros((2, 2)), step=11))
    ck = Checkpointer(tmp_path / "c.npz", every_seconds=30)
    s = State(np.zeros((2, 2)), step=1)
    assert not ck.due(s)
    clock["t"] += 31
    assert ck.due(s)
    with pytest.raises(ValueError, match="every_steps"):
        Checkpointer(tmp_path / "c.npz", every_steps=0)
