"""Sweeps on Dask: LocalCluster == serial loop, a killed worker loses and duplicates nothing,
an external scheduler (started here on 127.0.0.1) and DASK_SCHEDULER_ADDRESS.

The clusters are small (2 single-threaded worker processes) and closed by each test.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
import cloudpickle  # noqa: E402

from crescape.analysis.sweep import STATUS_DONE, sweep, sweep_status  # noqa: E402
from crescape.model import EscapeModel  # noqa: E402
from crescape.params import CGM, Galaxy  # noqa: E402

# the workers cannot import this test module: ship its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

OUT = ["v_A_amplified", "neutrino_E2_flux", "D_bohm"]


def test_local_cluster_equals_serial_loop(tmp_path):
    dG = np.geomspace(1, 1000, 7)
    L = np.geomspace(1e40, 1e42, 5)
    ds = sweep("chain", {"delta_G": dG, "L_CR": L}, outputs=OUT, n_workers=2, chunk_size=4,
               out=tmp_path / "lc.zarr", scheduler=None, progress=False, timeout=60)
    info = json.loads(ds.attrs["sweep"])
    assert info["engine"].startswith("LocalCluster(2 workers")
    assert (ds["status"].values == STATUS_DONE).all()
    for i, d in enumerate(dG):
        for j, lum in enumerate(L):
            m = EscapeModel(Galaxy(L_CR=lum), CGM(delta_G=d))
            for q in OUT:
                assert ds[q].values[i, j] == m[q].to_value(ds[q].attrs["units"])


def _killer(params):
    """Vectorised product that kills its worker process the first time it sees δ_G = 13."""
    log = Path(os.environ["CRESCAPE_TEST_LOG"])
    d = np.atleast_1d(params.cgs.delta_G)
    with log.open("a") as fh:
        fh.write(" ".join(f"{x:g}" for x in d) + "\n")
    marker = log.with_suffix(".killed")
    if 13.0 in d and not marker.exists():
        marker.write_text(str(os.getpid()))
        os._exit(1)  # the worker dies mid-task: no result, no exception
    return {"y": d**2, "pid": np.full(d.shape, float(os.getpid()))}


def test_killed_worker_loses_and_duplicates_nothing(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("CRESCAPE_TEST_LOG", str(log))
    dG = np.arange(1.0, 41.0)
    ds = sweep(_killer, {"delta_G": dG}, vectorized=True, chunk_size=4, n_workers=2, retries=0,
               out=tmp_path / "k.zarr", progress=False, timeout=60)
    killed_pid = float((tmp_path / "calls.killed").read_text())
    # the chunk holding δ_G = 13 ran at least twice (once on the killed worker); results the
    # killed worker held but had not yet handed over are recomputed elsewhere by Dask
    lines = [tuple(map(float, ln.split())) for ln in log.read_text().splitlines()]
    assert lines.count((13.0, 14.0, 15.0, 16.0)) >= 2
    assert set(lines) == {tuple(dG[i:i + 4]) for i in range(0, 40, 4)}
    assert len(lines) > len(dG) // 4
    # ... and the store has every point exactly once, with the right value
    assert sweep_status(tmp_path / "k.zarr") == {"total": 40, "done": 40, "failed": 0, "missing": 0}
    np.testing.assert_array_equal(ds["y"].values, dG**2)
    assert killed_pid not in set(ds["pid"].values[12:16])
    assert ds.attrs["n_failed"] == 0


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    t0 = time.monotonic()
    while not path.exists():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{path} not written within {timeout} s")
        time.sleep(0.1)


@pytest.fixture
def external_cluster(tmp_path):
    """A scheduler and one worker (2 processes x 1 thread) started as separate processes on 127.0.0.1."""
    sfile = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(sfile)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    try:
        _wait_for(sfile)
        time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                       "--nworkers", "2", "--nthreads", "1", "--host", "127.0.0.1",
                                       "--no-dashboard"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_external_scheduler_and_environment_variable(external_cluster, tmp_path, monkeypatch):
    axes = {"delta_G": np.geomspace(1, 1000, 6), "B0": ["1e-11 G", "1e-10 G", "1e-9 G"]}
    serial = sweep("chain", axes, outputs=["instability_margin", "v_A_seed"], scheduler="serial", progress=False)
    ds = sweep("chain", axes, outputs=["instability_margin", "v_A_seed"], scheduler=external_cluster,
               chunk_size=5, out=tmp_path / "ext.zarr", progress=False, timeout=60)
    assert json.loads(ds.attrs["sweep"])["engine"] == external_cluster
    for q in ("instability_margin", "v_A_seed"):
        np.testing.assert_array_equal(ds[q].values, serial[q].values)
    # the same sweep through DASK_SCHEDULER_ADDRESS (no code change)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", external_cluster)
    ds2 = sweep("chain", axes, outputs=["instability_margin"], chunk_size=5, progress=False, timeout=60)
    assert json.loads(ds2.attrs["sweep"])["engine"] == external_cluster
    np.testing.assert_array_equal(ds2["instability_margin"].values, serial["instability_margin"].values)
