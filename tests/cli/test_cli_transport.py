"""``crescape transport``: output file, attributes, bad input, and kill-and-resume (item (h))."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from crescape.cli import main

ROOT = Path(__file__).resolve().parents[2]

SMALL = """
[galaxy]
L_CR = "1e41 erg/s"
[grid]
geometry = "{geometry}"
z_min = "{z_min}"
z_max = "2 kpc"
n_z = {n_z}
[momentum]
E_min = "10 GeV"
E_max = "1e4 GeV"
n_p = {n_p}
[transport]
diffusion = "bohm"
u = "{u}"
[time]
t_end = "{t_end}"
n_out = 4
[checkpoint]
every_steps = {every}
"""


def write_config(
    tmp_path,
    geometry="planar",
    z_min="0 kpc",
    n_z=50,
    n_p=4,
    u="30 km/s",
    t_end="0.3 Myr",
    every=10,
):
    path = tmp_path / "run.toml"
    path.write_text(
        SMALL.format(
            geometry=geometry, z_min=z_min, n_z=n_z, n_p=n_p, u=u, t_end=t_end, every=every
        )
    )
    return path


@pytest.mark.parametrize(
    "geometry, z_min", [("planar", "0 kpc"), ("spherical", "1 kpc"), ("flux_tube", "0 kpc")]
)
def test_transport_writes_netcdf_with_units_and_parameters(tmp_path, geometry, z_min, capsys):
    cfg = write_config(tmp_path, geometry, z_min)
    out = tmp_path / "run.nc"
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress", "--json"]) == 0
    assert '"steps"' in capsys.readouterr().out
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.n.dims[1] in ("z", "r")
        assert ds.n.attrs["units"] == "cm-3"
        assert ds.t.attrs["units"] == "s"
        assert ds.attrs["geometry"] == geometry
        assert ds.attrs["param.L_CR"] == pytest.approx(1e41, rel=1e-9, abs=0)
        assert ds.attrs["config.transport.diffusion"] == "bohm"
        assert ds.sizes["t"] == 5 and ds.sizes["p"] == 4
        assert float(ds.n.isel(t=-1).sum()) > 0
        assert np.all(ds.n.values >= 0)


def test_attributes_hold_the_full_configuration_with_units(tmp_path):
    """Every key of every table, defaults filled in, quantities in cgs with their unit."""
    from crescape.params import SPECS
    from crescape.simulate.config import SCHEMA

    cfg = write_config(tmp_path)
    out = tmp_path / "run.nc"
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress"]) == 0
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        a = ds.attrs
    for table, keys in SCHEMA.items():
        for key in keys:
            assert f"config.{table}.{key}" in a, (table, key)
    # every value in its documented unit, with the unit beside it (the rule of Parameters.as_attrs)
    assert a["config.grid.z_max"] == pytest.approx(2.0, rel=1e-12, abs=0)
    assert a["config.grid.z_max.units"] == "kpc"
    assert a["config.momentum.E_min"] == pytest.approx(10.0, rel=1e-12, abs=0)
    assert a["config.momentum.E_min.units"] == "GeV"
    assert a["config.time.t_end"] == pytest.approx(0.3, rel=1e-12, abs=0)
    assert a["config.time.t_end.units"] == "Myr"
    assert a["config.transport.u"] == pytest.approx(30.0, rel=1e-12, abs=0)
    assert a["config.transport.u.units"] == "km / s"
    assert a["config.time.theta"] == 0.5 and a["config.transport.backend"] == "numba"  # defaults
    assert a["config.transport.flux_limiter"] == 1 and a["config.grid.n_z"] == 50
    assert (
        a["config.transport.dB"] == pytest.approx(a["dB_G"], rel=1e-9, abs=0)
        and a["dB_source"] == "Eq. (8) B_sat"
    )
    for name, spec in SPECS.items():
        if spec.default is None:  # absent by default (no spectral break): written only if given
            assert f"param.{name}" not in a
            continue
        assert f"param.{name}" in a
        if spec.kind == "quantity" and not spec.choices and spec.unit.to_string():
            assert a[f"param.{name}.units"] == spec.unit.to_string()
    assert a["param.L_CR.units"] == "erg / s" and len(a["config_hash"]) == 64


def test_fingerprint_is_built_from_the_full_resolved_configuration():
    """Defaults written out give the same fingerprint; any table value or parameter changes it."""
    from crescape.params import SPECS, Parameters
    from crescape.simulate.config import SCHEMA, TransportConfig

    base = TransportConfig({"grid": {"n_z": 50}}, Parameters())
    full = base.full()
    assert set(full) == set(SCHEMA) | {"params"}
    assert all(set(full[t]) == set(SCHEMA[t]) for t in SCHEMA)
    assert set(full["params"]) == set(SPECS)
    explicit = TransportConfig(
        {"grid": {"n_z": 50, "geometry": "planar"}, "time": {"theta": 0.5, "n_out": 10}},
        Parameters(),
    )
    assert explicit.fingerprint()["hash"] == base.fingerprint()["hash"]
    others = [
        TransportConfig({"grid": {"n_z": 51}}, Parameters()),
        TransportConfig({"grid": {"n_z": 50}, "time": {"t_end": "11 Myr"}}, Parameters()),
        TransportConfig({"grid": {"n_z": 50}, "checkpoint": {"every_steps": 5}}, Parameters()),
        TransportConfig({"grid": {"n_z": 50}}, Parameters.from_flat({"L_CR": 2e41})),
        TransportConfig({"grid": {"n_z": 50}}, Parameters.from_flat({"X_H": 0.75})),
    ]
    hashes = {c.fingerprint()["hash"] for c in others} | {base.fingerprint()["hash"]}
    assert len(hashes) == len(others) + 1


#: Bad configurations: (table, lines put at the top of it, text the one-line message must contain).
BAD_CONFIGS = [
    ("grid", ['n_z = "many"'], "grid.n_z"),
    ("grid", ['geometry = "cubic"'], "grid.geometry"),
    ("transport", ['diffusion = "fast"'], "transport.diffusion"),
    ("time", ["theta = 0.2"], "time.theta"),
    ("time", ['t_end = "-1 Myr"'], "time.t_end"),
    ("momentum", ['E_min = "3 kpc"'], "momentum.E_min"),
    # unknown keys in known tables (D = ... used to run with the default D and record 1e30)
    ("transport", ['D = "1e30 cm2/s"'], "transport.D = '1e30 cm2/s'"),
    ("grid", ["nz = 100"], "grid.nz"),
    ("checkpoint", ["every = 3"], "checkpoint.every"),
    # geometries in which nothing could enter
    ("grid", ['geometry = "spherical"'], "grid.z_min = '0 kpc'"),
    ("grid", ['geometry = "flux_tube"', 'z_min = "-20 kpc"'], "grid.z_min = '-20 kpc'"),
    ("grid", ['geometry = "flux_tube"', 'z_min = "-10 kpc"'], "-area_scale"),
    ("grid", ['geometry = "flux_tube"', "area_index = 1e5"], "grid.area_index"),
    # energies below the proton rest energy
    ("momentum", ['E_min = "0.5 GeV"'], "> 0.938272 GeV"),
    ("momentum", ['E_min = "0.938272 GeV"'], "momentum.E_min"),
    # booleans are not numbers
    ("grid", ["n_z = true"], "grid.n_z = True"),
    ("time", ["theta = true"], "time.theta = True"),
    ("time", ["t_end = false"], "time.t_end = False"),
    ("transport", ["u = true"], "transport.u = True"),
    ("transport", ["dB = true"], "transport.dB = True"),
    ("galaxy", ["L_CR = true"], "L_CR = True"),
    ("checkpoint", ["every_steps = true"], "checkpoint.every_steps"),
    # other types and ranges
    ("transport", ['flux_limiter = "yes"'], "transport.flux_limiter"),
    ("transport", ['dB = "3 kpc"'], "transport.dB"),
    ("grid", ['z_max = "-1 kpc"'], "grid.z_max"),
    ("time", ['dt_max = "0 s"'], "time.dt_max"),
    ("time", ["cfl = 1.5"], "time.cfl"),
    ("checkpoint", ["every_steps = -1"], "checkpoint.every_steps"),
    ("galaxy", ['L_CR = "-1 erg/s"'], "L_CR"),
]


def bad_config(tmp_path, table, lines):
    cfg = tmp_path / "bad.toml"
    keys = {ln.split("=")[0].strip() for ln in lines}
    text = write_config(tmp_path).read_text()
    out = [ln for ln in text.splitlines() if ln.split("=")[0].strip() not in keys]
    i = out.index(f"[{table}]")
    out[i + 1 : i + 1] = lines
    cfg.write_text("\n".join(out))
    return cfg


@pytest.mark.parametrize("table, lines, message", BAD_CONFIGS)
def test_bad_config_gives_exit_code_2(tmp_path, table, lines, message, capsys):
    cfg = bad_config(tmp_path, table, lines)
    out = tmp_path / "x.nc"
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "is not allowed" in err and "must be" in err
    assert not out.exists() and not Path(str(out) + ".ckpt.npz").exists()


def test_missing_config_gives_exit_code_2(tmp_path, capsys):
    assert main(["transport", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "x.nc")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_interrupted_run_resumes_bit_identical(tmp_path, monkeypatch):
    """An exception in the middle of a run, then --resume: identical arrays to an uninterrupted run."""
    from crescape.simulate.stepper import Stepper

    cfg = write_config(tmp_path, n_z=200, every=7)
    ref = tmp_path / "ref.nc"
    assert main(["transport", str(cfg), "--out", str(ref), "--no-progress"]) == 0
    out = tmp_path / "run.nc"
    original = Stepper.step
    calls = {"n": 0}

    def failing_step(self, dt):
        calls["n"] += 1
        if calls["n"] == 53:
            raise KeyboardInterrupt
        return original(self, dt)

    monkeypatch.setattr(Stepper, "step", failing_step)
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress"]) == 130
    monkeypatch.setattr(Stepper, "step", original)
    assert not out.exists() and Path(str(out) + ".ckpt.npz").exists()
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress", "--resume"]) == 0
    with xr.open_dataset(ref, engine="h5netcdf") as a, xr.open_dataset(out, engine="h5netcdf") as b:
        assert a.attrs["steps"] == b.attrs["steps"]
        for name in ("n", "P", "N", "budget_inner_in", "budget_outer_out", "t"):
            assert np.array_equal(a[name].values, b[name].values), name


def test_killed_process_resumes_bit_identical(tmp_path):
    """(h) SIGKILL a running ``crescape transport`` after a checkpoint, resume: bit-identical result."""
    cfg = write_config(tmp_path, n_z=300, n_p=8, t_end="3 Myr", every=20)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, "-m", "crescape.cli", "transport", str(cfg), "--no-progress"]
    out = tmp_path / "run.nc"
    ckpt = Path(str(out) + ".ckpt.npz")
    proc = subprocess.Popen(
        [*cmd, "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    t0 = time.monotonic()

    def checkpoint_step():
        try:
            with np.load(ckpt) as data:
                return int(data["step"])
        except (OSError, ValueError, KeyError):
            return 0

    while checkpoint_step() == 0 and proc.poll() is None and time.monotonic() - t0 < 120:
        time.sleep(0.02)  # the first checkpoint (t = 0) has step 0; wait for one written mid-run
    still_running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert still_running, "the run finished before it could be killed"
    assert ckpt.exists() and not out.exists()
    with np.load(ckpt) as data:
        assert int(data["step"]) > 0
    assert (
        subprocess.run(
            [*cmd, "--out", str(out), "--resume"], env=env, capture_output=True
        ).returncode
        == 0
    )
    ref = tmp_path / "ref.nc"
    assert (
        main(["transport", str(cfg), "--out", str(ref), "--no-progress"]) == 0
    )  # uninterrupted, in-process
    with xr.open_dataset(ref, engine="h5netcdf") as a, xr.open_dataset(out, engine="h5netcdf") as b:
        assert a.attrs["steps"] == b.attrs["steps"]
        for name in ("n", "P", "N", "budget_inner_in", "budget_outer_out", "t"):
            assert np.array_equal(a[name].values, b[name].values), name


def test_example_config_builds():
    """examples/transport_eq10.toml is valid and describes the Eq. (10) problem with Bohm D."""
    from crescape.simulate.config import load_config

    cfg = load_config(ROOT / "examples" / "transport_eq10.toml")
    op, st, times = cfg.build()
    assert cfg.diffusion == "bohm" and cfg.inner == "escape_flux"
    assert op.shape == (400, 8) and times[-1] == pytest.approx(3.15576e13, rel=1e-4, abs=0)
    assert 1e-8 < cfg.dB < 5e-8  # Eq. (8): about 2.2e-8 G for the paper's parameters


def test_resume_from_a_checkpoint_of_another_grid_is_a_clear_error(tmp_path, capsys):
    cfg = write_config(tmp_path, n_z=50)
    out = tmp_path / "run.nc"
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress"]) == 0
    cfg2 = write_config(tmp_path, n_z=60)
    assert main(["transport", str(cfg2), "--out", str(out), "--no-progress", "--resume"]) == 2
    assert "checkpoint" in capsys.readouterr().err


# ------------------------------------------------------------------ --set, --out, checkpoints (CLI)
def interrupt(monkeypatch, argv, at):
    """Run ``crescape transport argv`` and interrupt it at step ``at`` (exit code 130)."""
    from crescape.simulate.stepper import Stepper

    original = Stepper.step
    calls = {"n": 0}

    def failing_step(self, dt):
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt
        return original(self, dt)

    monkeypatch.setattr(Stepper, "step", failing_step)
    try:
        assert main(argv) == 130
    finally:
        monkeypatch.setattr(Stepper, "step", original)


def one_line_error(capsys):
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("crescape transport: error: ")
    return err


def test_set_overrides_tables_and_parameters(tmp_path, capsys):
    from crescape import constants as C

    cfg = write_config(tmp_path)
    out = tmp_path / "run.nc"
    argv = ["transport", str(cfg), "--out", str(out), "--no-progress", "--json"]
    argv += ["--set", "grid.n_z=30", "--set", "time.t_end=0.1 Myr", "--set", "L_CR=2e41"]
    argv += ["--set", "transport.flux_limiter=false", "--set", "galaxy.R_d=12"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_z"] == 30 and len(summary["config_hash"]) == 64
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.sizes[ds.n.dims[1]] == 30
        assert float(ds.t[-1]) == pytest.approx(0.1 * C.Myr, rel=1e-9, abs=0)
        assert ds.attrs["param.L_CR"] == pytest.approx(2e41, rel=1e-9, abs=0)
        assert ds.attrs["param.R_d"] == pytest.approx(12.0, rel=1e-12, abs=0)
        assert ds.attrs["config.transport.flux_limiter"] == 0
        assert ds.attrs["config_hash"] == summary["config_hash"]


def _unwritable(tmp_path, monkeypatch):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    if os.geteuid() == 0:  # root may write anywhere: pretend, to reach the check
        import crescape.cli._common as mod

        real = os.access
        monkeypatch.setattr(
            mod.os, "access", lambda p, m: False if Path(p) == d else real(p, m), raising=True
        )
    return d / "x.nc"


def _file_parent(tmp_path, monkeypatch):
    (tmp_path / "file.txt").write_text("x")
    return tmp_path / "file.txt" / "x.nc"


#: Bad command lines: (extra arguments or a function of tmp_path giving --out, message fragment).
BAD_COMMAND_LINES = [
    (["--set", "grid.nz=100"], "grid.nz"),
    (["--set", "transport.D=1e30 cm2/s"], "transport.D"),
    (["--set", "foo.bar=1"], "unknown table 'foo'"),
    (["--set", "n_z"], "--set 'n_z'"),
    (["--set", "nonsense=1"], "nonsense"),
    (["--set", "L_CR=-1"], "L_CR"),
    (["--set", "L_CR=true"], "L_CR"),
    (["--set", "grid.n_z=true"], "grid.n_z = True"),
    (["--set", "grid.n_z=100.5"], "grid.n_z = 100.5"),
    (["--set", "grid.geometry=spherical"], "grid.z_min"),
    (["--set", "momentum.E_min=0.5 GeV"], "momentum.E_min = '0.5 GeV'"),
    (["--set", "time.t_end=5 kpc"], "time.t_end"),
    (lambda tmp, mp: tmp, "is a directory"),
    (lambda tmp, mp: tmp / "missing" / "x.nc", "does not exist"),
    (_file_parent, "is not a directory"),
    (_unwritable, "is not writable"),
]


@pytest.mark.parametrize("extra, message", BAD_COMMAND_LINES)
def test_bad_command_line_gives_exit_code_2(tmp_path, monkeypatch, capsys, extra, message):
    cfg = write_config(tmp_path)
    out = tmp_path / "x.nc"
    if callable(extra):
        out, extra = extra(tmp_path, monkeypatch), []
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress", *extra]) == 2
    assert message in one_line_error(capsys)
    assert not Path(str(out) + ".ckpt.npz").exists()


@pytest.mark.parametrize("out", ["dir", "missing", "unwritable"])
def test_output_is_checked_before_any_work(tmp_path, monkeypatch, capsys, out):
    """A bad --out is refused before the configuration is even read."""
    import crescape.simulate.config as config
    import crescape.simulate.observers as observers

    def no_work(*a, **k):
        raise AssertionError("work started before --out was checked")

    monkeypatch.setattr(config, "load_config", no_work)
    monkeypatch.setattr(observers, "run", no_work)
    target = {
        "dir": lambda: tmp_path,
        "missing": lambda: tmp_path / "missing" / "x.nc",
        "unwritable": lambda: _unwritable(tmp_path, monkeypatch),
    }[out]()
    cfg = write_config(tmp_path)
    assert main(["transport", str(cfg), "--out", str(target), "--no-progress"]) == 2
    assert "--out" in one_line_error(capsys)


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path):
    path.write_text("not a checkpoint")


def _empty(path):
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [_truncate, _garbage, _empty])
def test_damaged_checkpoint_gives_exit_code_2(tmp_path, monkeypatch, capsys, damage):
    cfg = write_config(tmp_path, n_z=100, every=5)
    out = tmp_path / "run.nc"
    interrupt(monkeypatch, ["transport", str(cfg), "--out", str(out), "--no-progress"], at=12)
    ckpt = Path(str(out) + ".ckpt.npz")
    damage(ckpt)
    capsys.readouterr()
    assert main(["transport", str(cfg), "--out", str(out), "--no-progress", "--resume"]) == 2
    err = one_line_error(capsys)
    assert str(ckpt) in err and "corrupt" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (["--set", "grid.n_z=60"], "grid.n_z = 50 (checkpoint) vs 60 (now)"),
        (["--set", "L_CR=2e41"], "params.L_CR = 1e+41 (checkpoint) vs 2e+41 (now)"),
        (["--set", "time.t_end=0.4 Myr"], "time.t_end = "),
        (["--set", "transport.u=31 km/s"], "transport.u = 3000000.0 (checkpoint) vs 3100000.0"),
        (["--set", "momentum.n_p=4", "--set", "transport.backend=reference"], "backend"),
    ],
)
def test_resume_with_another_configuration_is_refused(
    tmp_path, monkeypatch, capsys, change, message
):
    """--resume with a changed parameter: exit 2, one line naming it; the checkpoint is untouched
    and resuming with the original configuration still gives the uninterrupted result."""
    cfg = write_config(tmp_path, n_z=50, every=3)
    out = tmp_path / "run.nc"
    base = ["transport", str(cfg), "--out", str(out), "--no-progress"]
    interrupt(monkeypatch, base, at=6)
    ckpt = Path(str(out) + ".ckpt.npz")
    before = ckpt.read_bytes()
    capsys.readouterr()
    assert main([*base, "--resume", *change]) == 2
    err = one_line_error(capsys)
    assert message in err and str(ckpt) in err and "different configuration" in err
    assert ckpt.read_bytes() == before and not out.exists()
    assert main([*base, "--resume"]) == 0
    ref = tmp_path / "ref.nc"
    assert main(["transport", str(cfg), "--out", str(ref), "--no-progress"]) == 0
    with xr.open_dataset(ref, engine="h5netcdf") as a, xr.open_dataset(out, engine="h5netcdf") as b:
        assert a.attrs["steps"] == b.attrs["steps"]
        assert np.array_equal(a.n.values, b.n.values)


def test_finished_run_is_not_resumed(tmp_path, capsys):
    """After the output is written the checkpoint is flagged final: --resume says so (exit 2);
    a new run without --resume starts afresh."""
    from crescape.simulate.observers import Checkpointer

    cfg = write_config(tmp_path)
    out = tmp_path / "run.nc"
    base = ["transport", str(cfg), "--out", str(out), "--no-progress"]
    assert main(base) == 0
    ckpt = Path(str(out) + ".ckpt.npz")
    assert Checkpointer(ckpt).is_final()
    capsys.readouterr()
    assert main([*base, "--resume"]) == 2
    assert "finished run" in one_line_error(capsys)
    assert main(base) == 0


def test_bad_input_has_no_traceback_in_a_real_process(tmp_path):
    """The same errors from ``python -m crescape.cli``: exit code 2, one line, no traceback."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cfg = write_config(tmp_path)
    (tmp_path / "x.nc.ckpt.npz").write_bytes(b"PK\x03\x04 truncated")
    cases = [
        (["--out", str(tmp_path)], "is a directory"),
        (["--out", str(tmp_path / "x.nc"), "--resume"], "x.nc.ckpt.npz"),
        (["--out", str(tmp_path / "y.nc"), "--set", "transport.D=1e30"], "transport.D"),
    ]
    for extra, message in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "crescape.cli", "transport", str(cfg), "--no-progress", *extra],
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        assert message in proc.stderr
