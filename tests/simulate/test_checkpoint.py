"""Checkpoints tied to their configuration: fingerprints, save/load, mismatch, corruption, file modes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crescape.simulate.observers import (
    CheckpointCorrupt,
    Checkpointer,
    CheckpointMismatch,
    Recorder,
    _atomic_write,
    config_fingerprint,
    run,
    write_netcdf,
)
from crescape.simulate.state import State

ROOT = Path(__file__).resolve().parents[2]

CONFIG = {
    "grid": {"geometry": "planar", "n_z": 200, "z_max": 9.257032744474101e22, "z_min": 0.0},
    "time": {"t_end": 3.15576e14, "dt_max": float("inf"), "theta": 0.5},
    "checkpoint": {"every_steps": None},
    "params": {"L_CR": 1e41, "cutoff": "sharp"},
}


def reordered(d):
    """The same mapping with every level's keys in reverse order."""
    return {k: reordered(v) if isinstance(v, dict) else v for k, v in reversed(list(d.items()))}


# ------------------------------------------------------------------------------ config_fingerprint
def test_fingerprint_has_hash_canonical_config_and_version():
    import crescape

    fp = config_fingerprint(CONFIG)
    assert set(fp) == {"hash", "config", "code_version"}
    assert len(fp["hash"]) == 64 and int(fp["hash"], 16) >= 0
    assert fp["code_version"] == crescape.__version__
    assert fp["config"]["time"]["dt_max"] == "inf"  # non-finite floats as strings: valid JSON
    json.dumps(fp["config"], allow_nan=False)


def test_fingerprint_does_not_depend_on_key_order_or_numpy_types():
    fp = config_fingerprint(CONFIG)
    assert config_fingerprint(reordered(CONFIG))["hash"] == fp["hash"]
    numpyish = json.loads(json.dumps(CONFIG))  # a deep copy
    numpyish["grid"]["n_z"] = np.int64(200)
    numpyish["grid"]["z_max"] = np.float64(9.257032744474101e22)
    numpyish["time"]["dt_max"] = np.inf
    assert config_fingerprint(numpyish)["hash"] == fp["hash"]
    arr = config_fingerprint({"a": np.array([1.0, 2.5])})
    assert arr["config"] == {"a": [1.0, 2.5]}
    assert arr["hash"] == config_fingerprint({"a": [1.0, 2.5]})["hash"]


def test_fingerprint_is_stable_across_processes():
    """Same hash in fresh interpreters with different string-hash seeds (sets, dict order)."""
    code = (
        "from crescape.simulate.observers import config_fingerprint as f;"
        "print(f({'b': {'x', 'y', 'z'}, 'a': {'q': 1.5, 'p': 'bohm'}, 'c': object})['hash'])"
    )
    hashes = {
        subprocess.run(
            [sys.executable, "-c", code],
            env=dict(os.environ, PYTHONHASHSEED=str(seed), PYTHONPATH=str(ROOT / "src")),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in (0, 1, 12345)
    }
    assert len(hashes) == 1 and len(hashes.pop()) == 64


@pytest.mark.parametrize(
    "path, value",
    [
        (("grid", "n_z"), 201),
        (("grid", "geometry"), "spherical"),
        (("grid", "z_max"), float(np.nextafter(9.257032744474101e22, np.inf))),  # one ulp
        (("time", "dt_max"), 1e20),
        (("time", "theta"), 0.5000000000000001),
        (("checkpoint", "every_steps"), 10),
        (("params", "L_CR"), 2e41),
        (("params", "cutoff"), "exponential"),
        (("params", "new_key"), 1.0),
    ],
)
def test_fingerprint_changes_with_any_value(path, value):
    changed = json.loads(json.dumps(CONFIG))
    changed[path[0]][path[1]] = value
    assert config_fingerprint(changed)["hash"] != config_fingerprint(CONFIG)["hash"]


def test_fingerprint_changes_with_the_code_version(monkeypatch):
    import crescape

    before = config_fingerprint(CONFIG)["hash"]
    monkeypatch.setattr(crescape, "__version__", crescape.__version__ + ".post1")
    assert config_fingerprint(CONFIG)["hash"] != before


# ------------------------------------------------------------------------------ Checkpointer
def state_and_recorder(step=7):
    st = State(np.arange(6.0).reshape(3, 2), t=12.5, step=step)
    rec = Recorder([0.0, 10.0, 20.0])
    rec.snapshots.append({"t": 0.0, "g": np.zeros((3, 2)), "N": 0.0, "P": np.zeros(3)})
    return st, rec


def test_save_and_load_round_trip_without_fingerprint_entries(tmp_path):
    fp = config_fingerprint(CONFIG)
    ck = Checkpointer(tmp_path / "c.npz", fingerprint=fp)
    assert not ck.exists()
    st, rec = state_and_recorder()
    ck.save(st, rec)
    assert ck.exists()
    data = Checkpointer(
        tmp_path / "c.npz", fingerprint=config_fingerprint(reordered(CONFIG))
    ).load()
    assert not any(k.startswith("_ckpt") for k in data)
    back = State.from_arrays(data)
    assert np.array_equal(back.g, st.g) and back.t == st.t and back.step == st.step
    assert np.array_equal(data["snap_t"], [0.0])
    ck.save_arrays({"x": np.arange(3), "y": np.float64(2.0)})
    data = ck.load()
    assert set(data) == {"x", "y"} and np.array_equal(data["x"], [0, 1, 2])
    assert list(tmp_path.iterdir()) == [tmp_path / "c.npz"]  # no temporary files left


def test_save_arrays_refuses_reserved_names(tmp_path):
    with pytest.raises(ValueError, match="reserved"):
        Checkpointer(tmp_path / "c.npz").save_arrays({"_ckpt_hash": np.array("x")})


def test_load_with_another_configuration_names_the_differing_keys(tmp_path):
    ck = Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(CONFIG))
    ck.save_arrays({"x": np.zeros(2)})
    changed = json.loads(json.dumps(CONFIG))
    changed["grid"]["n_z"] = 100
    changed["params"]["L_CR"] = 2e41
    with pytest.raises(CheckpointMismatch) as info:
        Checkpointer(ck.path, fingerprint=config_fingerprint(changed)).load()
    msg = str(info.value)
    assert len(msg.splitlines()) == 1 and str(ck.path) in msg
    assert "grid.n_z = 200 (checkpoint) vs 100 (now)" in msg
    assert "params.L_CR = 1e+41 (checkpoint) vs 2e+41 (now)" in msg
    assert "time" not in msg


def test_mismatch_message_lists_at_most_five_keys(tmp_path):
    a = {f"k{i}": i for i in range(9)}
    b = {f"k{i}": i + 1 for i in range(9)}
    Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(a)).save_arrays({"x": 1})
    with pytest.raises(CheckpointMismatch) as info:
        Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(b)).load()
    msg = str(info.value)
    assert msg.count("(checkpoint) vs") == 5 and "and 4 more" in msg
    assert len(msg.splitlines()) == 1


def test_mismatch_of_the_code_version_is_named(tmp_path, monkeypatch):
    import crescape

    Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(CONFIG)).save_arrays({"x": 1})
    monkeypatch.setattr(crescape, "__version__", "99.0")
    with pytest.raises(CheckpointMismatch, match=r'code_version = .* vs "99.0" \(now\)'):
        Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(CONFIG)).load()


def test_checkpoint_without_fingerprint_mismatches(tmp_path):
    path = tmp_path / "old.npz"
    np.savez(path, g=np.zeros((3, 2)), t=0.0, step=0)
    with pytest.raises(CheckpointMismatch, match="no configuration fingerprint"):
        Checkpointer(path, fingerprint=config_fingerprint(CONFIG)).load()
    with pytest.raises(CheckpointMismatch):
        Checkpointer(path).load()


def test_checkpointer_without_fingerprint_refuses_a_fingerprinted_checkpoint(tmp_path):
    Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(CONFIG)).save_arrays({"x": 1})
    with pytest.raises(CheckpointMismatch):
        Checkpointer(tmp_path / "c.npz").load()


def _truncated(path):
    Checkpointer(path).save_arrays({"g": np.random.default_rng(1).random((50, 8))})
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path):
    path.write_text("this is not a checkpoint\n")


def _empty(path):
    path.write_bytes(b"")


def _npy(path):
    with open(path, "wb") as fh:
        np.save(fh, np.zeros(3))


def _bad_member(path):
    Checkpointer(path).save_arrays({"g": np.zeros(1000)})
    raw = bytearray(path.read_bytes())
    i = raw.index(b"g.npy") + 200  # inside the data of the member: CRC error on reading
    raw[i : i + 8] = b"\xff" * 8
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage", [_truncated, _garbage, _empty, _npy, _bad_member])
def test_corrupt_checkpoint_is_one_line_naming_the_file(tmp_path, damage):
    path = tmp_path / "c.npz"
    damage(path)
    with pytest.raises(CheckpointCorrupt) as info:
        Checkpointer(path).load()
    msg = str(info.value)
    assert str(path) in msg and len(msg.splitlines()) == 1
    assert isinstance(info.value, ValueError)


def test_mark_final_refuses_resume_and_a_new_save_clears_it(tmp_path):
    ck = Checkpointer(tmp_path / "c.npz", fingerprint=config_fingerprint(CONFIG))
    ck.mark_final()  # no file: nothing to do
    assert not ck.exists()
    ck.save_arrays({"x": np.arange(4)})
    assert not ck.is_final()
    ck.mark_final()
    assert ck.exists() and ck.is_final()
    with pytest.raises(CheckpointMismatch, match="finished run") as info:
        ck.load()
    assert len(str(info.value).splitlines()) == 1
    assert np.array_equal(ck.load(allow_final=True)["x"], np.arange(4))
    ck.save_arrays({"x": np.arange(2)})
    assert not ck.is_final() and np.array_equal(ck.load()["x"], [0, 1])


# ------------------------------------------------------------------------------ the driver
def small_run():
    from crescape.params import Parameters
    from crescape.simulate.config import TransportConfig

    cfg = TransportConfig(
        {
            "grid": {"n_z": 20, "z_max": "0.5 kpc"},
            "momentum": {"E_max": "100 GeV", "n_p": 2},
            "time": {"t_end": "0.02 Myr", "n_out": 2},
        },
        Parameters(),
    )
    return cfg.build()


def test_run_marks_the_checkpoint_final_and_refuses_another_configuration(tmp_path):
    op, st, times = small_run()
    fp = config_fingerprint({"run": 1})
    ck = Checkpointer(tmp_path / "c.npz", every_steps=3, fingerprint=fp)
    ds = run(st, times, progress=False, checkpoint=ck)
    assert ck.is_final() and ds.attrs["steps"] > 0
    with pytest.raises(CheckpointMismatch, match="finished run"):
        run(small_run()[1], times, progress=False, checkpoint=ck, resume=True)
    other = Checkpointer(ck.path, fingerprint=config_fingerprint({"run": 2}))
    with pytest.raises(CheckpointMismatch, match=r"run = 1 \(checkpoint\) vs 2 \(now\)"):
        run(small_run()[1], times, progress=False, checkpoint=other, resume=True)
    # finalize=False leaves it resumable (the CLI marks it after writing the output)
    ck2 = Checkpointer(tmp_path / "d.npz", fingerprint=fp)
    run(small_run()[1], times, progress=False, checkpoint=ck2, finalize=False)
    assert ck2.exists() and not ck2.is_final()


# ------------------------------------------------------------------------------ files and modes
@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_checkpoint_and_netcdf_modes_follow_the_umask(tmp_path, umask):
    import xarray as xr

    ck = Checkpointer(tmp_path / "c.npz")
    ck.save_arrays({"x": np.zeros(2)})
    assert mode(ck.path) == 0o666 & ~umask
    ck.mark_final()
    assert mode(ck.path) == 0o666 & ~umask
    nc = tmp_path / "out.nc"
    write_netcdf(xr.Dataset({"a": ("x", np.arange(3.0))}), nc)
    assert mode(nc) == 0o666 & ~umask
    with xr.open_dataset(nc, engine="h5netcdf") as ds:
        assert np.array_equal(ds.a.values, [0.0, 1.0, 2.0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npz", "out.nc"]


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "f.bin"
    _atomic_write(path, b"old")

    def failing(tmp):
        Path(tmp).write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        _atomic_write(path, writer=failing)
    assert path.read_bytes() == b"old" and list(tmp_path.iterdir()) == [path]


def test_observers_do_not_import_reproduction(tmp_path):
    """The low layer writes its own files: no import of crescape.reproduction."""
    code = (
        "import sys, numpy as np, crescape.simulate.observers as o;"
        "o.Checkpointer(sys.argv[1]).save_arrays({'x': np.zeros(1)});"
        "print(any(m.startswith('crescape.reproduction') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "c.npz")],
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
