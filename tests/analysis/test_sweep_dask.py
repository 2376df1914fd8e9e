"""Sweeps on Dask: LocalCluster == serial loop; a killed worker loses and duplicates nothing.

The clusters are small (2 single-threaded worker processes) and closed by each test.
The external scheduler (``--scheduler`` and ``DASK_SCHEDULER_ADDRESS``) is tested in
tests/cli/test_cli_sweep.py.
"""

import json
import os
import sys
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
    ds = sweep(
        "chain",
        {"delta_G": dG, "L_CR": L},
        outputs=OUT,
        n_workers=2,
        chunk_size=4,
        out=tmp_path / "lc.zarr",
        scheduler=None,
        progress=False,
        timeout=60,
    )
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
    ds = sweep(
        _killer,
        {"delta_G": dG},
        vectorized=True,
        chunk_size=4,
        n_workers=2,
        retries=0,
        out=tmp_path / "k.zarr",
        progress=False,
        timeout=60,
    )
    killed_pid = float((tmp_path / "calls.killed").read_text())
    # the chunk holding δ_G = 13 ran at least twice (once on the killed worker); results the
    # killed worker held but had not yet handed over are recomputed elsewhere by Dask
    lines = [tuple(map(float, ln.split())) for ln in log.read_text().splitlines()]
    assert lines.count((13.0, 14.0, 15.0, 16.0)) >= 2
    assert set(lines) == {tuple(dG[i : i + 4]) for i in range(0, 40, 4)}
    assert len(lines) > len(dG) // 4
    # ... and the store has every point exactly once, with the right value
    assert sweep_status(tmp_path / "k.zarr") == {"total": 40, "done": 40, "failed": 0, "missing": 0}
    np.testing.assert_array_equal(ds["y"].values, dG**2)
    assert killed_pid not in set(ds["pid"].values[12:16])
    assert ds.attrs["n_failed"] == 0
