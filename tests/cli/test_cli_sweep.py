"""`crescape sweep`: the example spec, resume, bad specs (exit 2, one line), failures (exit 1),
and --scheduler / DASK_SCHEDULER_ADDRESS with a scheduler and workers started here on 127.0.0.1."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from crescape.analysis.sweep import open_sweep, sweep_status
from crescape.cli import main
from crescape.model import EscapeModel
from crescape.params import CGM, Galaxy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sweep_spec.toml"

SPEC = """
product = "chain"
[options]
outputs = ["B_sat", "v_A_amplified", "neutrino_E2_flux"]
[axes]
delta_G = {{ start = 1, stop = 1000, num = 4, scale = "log" }}
L_CR = ["1e40 erg/s", "1e41 erg/s"]
[fixed]
R_d = "{R_d}"
"""


def write(tmp_path, text, name="spec.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_example_spec_runs_serially(tmp_path, capsys):
    out = tmp_path / "ex.zarr"
    assert (
        main(
            [
                "sweep",
                str(EXAMPLE),
                "--out",
                str(out),
                "--scheduler",
                "serial",
                "--no-progress",
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["points"] == 93 and summary["done"] == 93 and summary["failed"] == 0
    ds = open_sweep(out)
    assert ds["neutrino_E2_flux"].dims == ("delta_G", "L_CR")
    # Eq. (17): E²F ∝ δ_G^{3/2} along the log axis (1 ... 1000 in 31 steps)
    f = ds["neutrino_E2_flux"].values[:, 1]
    assert f[-1] / f[0] == pytest.approx(1000**1.5, rel=1e-10, abs=0)
    m = EscapeModel(Galaxy(L_CR=1e41), CGM(delta_G=1000))
    assert f[-1] == pytest.approx(
        m["neutrino_E2_flux"].to_value(ds["neutrino_E2_flux"].attrs["units"]), rel=1e-12, abs=0
    )


def test_existing_store_needs_resume_or_force(tmp_path, capsys):
    spec = write(tmp_path, SPEC.format(R_d="12 kpc"))
    out = tmp_path / "s.zarr"
    assert (
        main(["sweep", str(spec), "--out", str(out), "--scheduler", "serial", "--no-progress"]) == 0
    )
    capsys.readouterr()
    assert main(["sweep", str(spec), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--resume" in err
    assert (
        main(
            [
                "sweep",
                str(spec),
                "--out",
                str(out),
                "--resume",
                "--scheduler",
                "serial",
                "--no-progress",
            ]
        )
        == 0
    )
    assert "8/8 points done" in capsys.readouterr().out
    assert sweep_status(out)["done"] == 8


@pytest.mark.parametrize(
    "text, match",
    [
        ('product = "chain"\n[axes]\ndelta_X = [1, 2]\n', "unknown parameter 'delta_X'"),
        ('product = "chain"\n[axes]\ndelta_G = []\n', "axis 'delta_G' is empty"),
        ('product = "chain"\n[axes]\nL_CR = ["1e41 kpc"]\n', "wrong unit"),
        ('product = "chain"\n[axes]\nR_d = ["12 parsnips"]\n', "cannot be read"),
        ('product = "chain"\n[axis]\ndelta_G = [1]\n', "unknown key"),
        ("[axes]\ndelta_G = [1]\n", "no 'product'"),
        ('product = "chain"\n', "nothing to sweep"),
        ('product = "chain"\n[axes]\ndelta_G = [1]\n[run]\nthreads = 4\n', r"unknown \[run\] key"),
        (
            'product = "chain"\n[axes]\ndelta_G = [1]\n[options]\noutputs = ["B_magic"]\n',
            "unknown chain output",
        ),
        ('product = "chain"\naxes = [1', "not valid TOML"),
    ],
)
def test_bad_specs_exit_2_with_one_line(tmp_path, capsys, text, match):
    spec = write(tmp_path, text)
    assert (
        main(
            [
                "sweep",
                str(spec),
                "--out",
                str(tmp_path / "x.zarr"),
                "--scheduler",
                "serial",
                "--no-progress",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("crescape sweep: error:")
    import re

    assert re.search(match, err), err


def test_missing_spec_file(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "x.zarr")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_failed_points_exit_1_and_are_listed(tmp_path, capsys):
    spec = write(
        tmp_path, 'product = "chain"\n[options]\noutputs = ["B_sat"]\n[axes]\nenergy = [1, 1e7]\n'
    )
    assert (
        main(
            [
                "sweep",
                str(spec),
                "--out",
                str(tmp_path / "f.zarr"),
                "--scheduler",
                "serial",
                "--no-progress",
            ]
        )
        == 1
    )
    cap = capsys.readouterr()
    assert "1 failed" in cap.out
    assert "point 1 {'energy': 10000000.0}" in cap.err and "E_max" in cap.err


# --------------------------------------------------------------------------- external scheduler


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    t0 = time.monotonic()
    while not path.exists():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{path} not written within {timeout} s")
        time.sleep(0.1)


@pytest.fixture
def external_cluster(tmp_path):
    """A Dask scheduler and a worker process (2 workers x 1 thread), started separately on 127.0.0.1."""
    pytest.importorskip("distributed")
    sfile = tmp_path / "scheduler.json"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(sfile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        _wait_for(sfile)
        address = json.loads(sfile.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        yield address
        from distributed import Client

        Client(
            address, timeout=10
        ).shutdown()  # closes the scheduler, its workers and the client quickly
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_scheduler_option_and_environment_variable(external_cluster, tmp_path, capsys, monkeypatch):
    spec = write(tmp_path, SPEC.format(R_d="10 kpc"))
    serial = tmp_path / "serial.zarr"
    assert (
        main(["sweep", str(spec), "--out", str(serial), "--scheduler", "serial", "--no-progress"])
        == 0
    )
    capsys.readouterr()
    out = tmp_path / "ext.zarr"
    assert (
        main(
            [
                "sweep",
                str(spec),
                "--out",
                str(out),
                "--scheduler",
                external_cluster,
                "--chunk-size",
                "3",
                "--no-progress",
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["engine"] == external_cluster and summary["done"] == 8
    a, b = open_sweep(serial), open_sweep(out)
    for q in ("B_sat", "v_A_amplified", "neutrino_E2_flux"):
        np.testing.assert_array_equal(a[q].values, b[q].values)
    # the same command, cluster from the environment
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", external_cluster)
    out2 = tmp_path / "env.zarr"
    assert (
        main(
            ["sweep", str(spec), "--out", str(out2), "--chunk-size", "3", "--no-progress", "--json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["engine"] == external_cluster
    np.testing.assert_array_equal(open_sweep(out2)["B_sat"].values, a["B_sat"].values)


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("distributed")
    spec = write(tmp_path, SPEC.format(R_d="10 kpc") + "[run]\ntimeout = 1.0\n")
    code = main(
        [
            "sweep",
            str(spec),
            "--out",
            str(tmp_path / "u.zarr"),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--no-progress",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "cannot connect" in err and "tcp://127.0.0.1:9" in err
    assert os.path.exists(tmp_path / "u.zarr") is False
