"""``crescape mhd``: output file with units and configuration, --set, --json, resume, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from crescape.cli import main

ROOT = Path(__file__).resolve().parents[2]

SMALL = """
[plasma]
B0 = 1.0
n = 1.0
sound_speed = 10.0
[current]
J = 1e-12
[grid]
n_cells = 64
length = 4.0
[init]
amplitude = 1e-3
[time]
t_end = {t_end}
n_output = 5
[checkpoint]
every_steps = 7
"""


def write_config(tmp_path, t_end=4.0, extra=""):
    path = tmp_path / "run.toml"
    path.write_text(SMALL.format(t_end=t_end) + extra)
    return path


def one_line_error(capsys):
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("crescape mhd: error: ")
    return err


def test_mhd_writes_netcdf_with_units_and_configuration(tmp_path, capsys):
    cfg = write_config(tmp_path)
    out = tmp_path / "run.nc"
    argv = ["mhd", str(cfg), "--out", str(out), "--no-progress", "--json"]
    assert main([*argv, "--set", "grid.n_cells=32"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_cells"] == 32
    assert summary["t_end_growth_times"] == pytest.approx(4.0, rel=1e-12, abs=0)
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.sizes == {"t": 5, "x": 32, "k": 32}
        assert ds["B_y"].attrs["units"] == "G" and ds["u_y"].attrs["units"] == "km/s"
        assert ds.t.attrs["units"] == "s" and ds.k.attrs["units"] == "cm-1"
        assert ds.attrs["config.grid.n_cells"] == 32
        assert ds.attrs["config.plasma.B0"] == 1.0
        assert ds.attrs["config.plasma.B0.units"] == "uG"
        assert ds.attrs["config_hash"] == summary["config_hash"]
        kc = 4 * np.pi * 1e-12 / (2.99792458e10 * 1e-6)
        assert ds.attrs["k_c_cm-1"] == pytest.approx(kc, rel=1e-12, abs=0)
        # Parseval: the spectrum sums to the box-mean transverse field energy
        np.testing.assert_allclose(ds.power.sum("k"), ds.dB2, rtol=1e-10)
        assert float(ds.dB2[-1]) > 10 * float(ds.dB2[1])  # the field grows


def test_example_config_runs_short(tmp_path):
    out = tmp_path / "bell.nc"
    argv = ["mhd", str(ROOT / "examples" / "mhd_bell.toml"), "--out", str(out), "--no-progress"]
    assert main([*argv, "--set", "time.t_end=1", "--set", "time.n_output=3"]) == 0
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.sizes["x"] == 256 and ds.attrs["config.cr.response"] == 0


def _interrupt(monkeypatch, argv, at):
    """Run ``argv`` and kill it (KeyboardInterrupt) in the ``at``-th step of the flux operator."""
    from crescape.simulate.mhd_ops import MHDFluxOperator

    original = MHDFluxOperator.advance
    calls = {"n": 0}

    def failing_advance(self, state, dt, ledger):
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt
        return original(self, state, dt, ledger)

    monkeypatch.setattr(MHDFluxOperator, "advance", failing_advance)
    try:
        assert main(argv) == 130
    finally:
        monkeypatch.setattr(MHDFluxOperator, "advance", original)


@pytest.mark.parametrize(
    "extra", ["", "[cr]\nresponse = true\nE_min = 1e3\n[scheme]\nhall = true\n"]
)
def test_interrupted_run_resumes_bit_identical(tmp_path, monkeypatch, extra):
    cfg = write_config(tmp_path, extra=extra)
    ref = tmp_path / "ref.nc"
    assert main(["mhd", str(cfg), "--out", str(ref), "--no-progress"]) == 0
    out = tmp_path / "run.nc"
    ckpt = tmp_path / "my.ckpt"
    argv = ["mhd", str(cfg), "--out", str(out), "--no-progress", "--checkpoint", str(ckpt)]
    _interrupt(monkeypatch, argv, at=40)
    assert not out.exists() and ckpt.exists()
    assert main([*argv, "--resume"]) == 0
    with xr.open_dataset(ref, engine="h5netcdf") as a, xr.open_dataset(out, engine="h5netcdf") as b:
        assert a.attrs["steps"] == b.attrs["steps"]
        for name in ("B_y", "B_z", "u_y", "rho", "P", "power", "dB2", "work", "t"):
            assert np.array_equal(a[name].values, b[name].values), name


def test_resume_with_another_configuration_is_refused(tmp_path, monkeypatch, capsys):
    cfg = write_config(tmp_path)
    out = tmp_path / "run.nc"
    argv = ["mhd", str(cfg), "--out", str(out), "--no-progress"]
    _interrupt(monkeypatch, argv, at=30)
    capsys.readouterr()
    assert main([*argv, "--resume", "--set", "plasma.B0=2"]) == 2
    err = one_line_error(capsys)
    assert "different configuration" in err and "plasma.B0" in err
    assert main([*argv, "--resume"]) == 0  # the checkpoint is untouched
    capsys.readouterr()
    assert main([*argv, "--resume"]) == 2  # a finished run is not resumed
    assert "finished run" in one_line_error(capsys)


@pytest.mark.parametrize(
    "sets, message",
    [
        (["grid.n_cells=4"], "grid.n_cells = 4 is not allowed"),
        (["grid.width=4"], "unknown key 'width'"),
        (["plasma.B0=-1"], "plasma.B0"),
        (["plasma.B0=1 km"], "plasma.B0"),
        (["scheme.riemann=roe"], "scheme.riemann"),
        (["scheme.cfl=2"], "scheme.cfl"),
        (["init.m_max=40"], "init.m_max = 40"),
        (["scheme.limiter=superbee"], "scheme.limiter"),
        (["cr.response=true", "cr.E_max=5"], "cr.E_max"),
        (["init.seed=mode", "init.m=40"], "init.m = 40"),
        (["L_CR=2e41"], "L_CR"),
        (["magic.key=1"], "unknown table 'magic'"),
        (["plasma.sound_speed=1.34e149"], "below the speed of light"),
        (["plasma.B0=1e30", "plasma.n=1e-30"], "Alfvén speed"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, capsys, sets, message):
    cfg = write_config(tmp_path)
    argv = ["mhd", str(cfg), "--out", str(tmp_path / "x.nc"), "--no-progress"]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 2
    assert message in one_line_error(capsys)
    assert not (tmp_path / "x.nc").exists()


def test_bad_file_and_table(tmp_path, capsys):
    assert main(["mhd", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "x.nc")]) == 2
    assert "no such file" in one_line_error(capsys)
    cfg = write_config(tmp_path, extra="[grid2]\nn = 3\n")
    assert main(["mhd", str(cfg), "--out", str(tmp_path / "x.nc")]) == 2
    assert "grid2" in one_line_error(capsys)
    cfg = write_config(tmp_path)
    argv = [
        "mhd",
        str(cfg),
        "--out",
        str(tmp_path / "x.nc"),
        "--checkpoint",
        str(tmp_path / "x.nc"),
    ]
    assert main(argv) == 2
    assert "--checkpoint" in one_line_error(capsys)


def test_run_that_breaks_down_writes_what_it_has_and_exits_1(tmp_path, capsys):
    """Magnetic pressure ≫ gas pressure ends in a negative pressure: exit 1, one line, the
    snapshots before it in the file with valid = 0 and the reason."""
    cfg = write_config(tmp_path, t_end=30.0)
    out = tmp_path / "run.nc"
    argv = ["mhd", str(cfg), "--out", str(out), "--no-progress", "--set", "plasma.sound_speed=0.5"]
    assert main([*argv, "--set", "init.amplitude=0.3", "--set", "time.n_output=31"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "stopped early" in err
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.attrs["valid"] == 0 and "pressure" in ds.attrs["failure"]
        assert 1 < ds.sizes["t"] < 31
        assert float(ds.dB2[-1]) > 10.0


def test_configuration_fuzz_never_gives_another_exception():
    """Random --set values on every key: the reader accepts them or raises ParameterError."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from crescape.errors import ParameterError
    from crescape.simulate.mhd_config import SCHEMA, load_mhd_config

    keys = [f"{t}.{k}" for t, tab in SCHEMA.items() for k in tab]
    values = st.one_of(
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["true", "false", "'3 uG'", "'1 km'", "[1, 2]", "none", "'mode'", "''"]),
        st.text(max_size=8),
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(st.sampled_from(keys), values, max_size=3))
    def check(sets):
        try:
            cfg = load_mhd_config(None, sets)
            cfg.build()
        except ParameterError as exc:
            assert "\n" not in str(exc)

    check()
