"""Sweeps on Dask: chain throughput on 1 and 2 workers, parallel efficiency, start-up cost.

Printed side by side with their baselines:

* throughput of the analytic chain (points/s): in-process (the baseline) and
  through ``sweep`` on a LocalCluster of 1 and 2 single-threaded workers
  (cluster already running, results gathered in memory);
* parallel efficiency on a CPU-bound product (the full KAB06 neutrino spectrum,
  point by point): t(1 worker) / (2 × t(2 workers)), target >= 85%;
* the cost of starting a LocalCluster against a serial loop over a small sweep.
"""

from __future__ import annotations

import logging
import os
import time

# quiet Dask: only errors from the scheduler, nannies and workers
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")

import numpy as np

from crescape.analysis.sweep import ChainProduct, Grid, run_chunk, sweep

OUTPUTS = ["v_A_amplified", "neutrino_E2_flux", "B_sat", "D_bohm", "fill_time"]
AXES = {"delta_G": np.geomspace(1, 1e4, 1000), "L_CR": np.geomspace(1e40, 1e42, 1000)}  # 1e6 points


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    from distributed import Client, LocalCluster

    n = int(np.prod([len(v) for v in AXES.values()]))
    # baseline: the chain in this process, one vectorised call per chunk of 200k points
    prod = ChainProduct(outputs=OUTPUTS)
    grid = Grid(axes=AXES, extra=prod.variables)
    t_serial, _ = _timed(
        lambda: [run_chunk(prod, grid, a, min(a + 200_000, n)) for a in range(0, n, 200_000)]
    )
    print(
        f"chain, in-process (baseline):       {n / t_serial:12.3e} points/s  ({t_serial:.2f} s for {n:.0e})"
    )

    rate = {}
    clusters = {}
    for nw in (1, 2):
        t_start, cluster = _timed(
            lambda nw=nw: LocalCluster(
                n_workers=nw,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
                silence_logs=logging.WARNING,
            )
        )
        client = Client(cluster)
        clusters[nw] = (cluster, client, t_start)
        sweep(
            "chain",
            {"delta_G": [1, 2, 3, 4]},
            outputs=OUTPUTS,
            scheduler=client,
            chunk_size=1,
            progress=False,
        )
        t, _ = _timed(
            lambda client=client: sweep(
                "chain", AXES, outputs=OUTPUTS, scheduler=client, chunk_size=125_000, progress=False
            )
        )
        rate[nw] = n / t
        print(
            f"chain, sweep on {nw} worker(s):        {rate[nw]:12.3e} points/s  ({t:.2f} s; "
            f"{rate[nw] * t_serial / n:.2f} x in-process)"
        )

    # parallel efficiency on a CPU-bound product: full pp spectra, one parameter set per call
    cpu_axes = {
        "delta_G": np.geomspace(1, 1e3, 240),
        "slope": [2.0, 2.1, 2.2, 2.3, 2.4],
    }  # 1200 points
    t_cpu = {}
    for nw in (1, 2):
        client = clusters[nw][1]
        sweep(
            "neutrino_spectrum",
            {"delta_G": np.arange(1.0, 9.0)},
            model="full",
            scheduler=client,
            chunk_size=1,
            progress=False,
        )  # warm every worker
        t_cpu[nw] = min(
            _timed(
                lambda client=client: sweep(
                    "neutrino_spectrum",
                    cpu_axes,
                    model="full",
                    E_nu=np.geomspace(1e3, 1e7, 60),
                    scheduler=client,
                    chunk_size=50,
                    progress=False,
                )
            )[0]
            for _ in range(2)
        )
    eff = t_cpu[1] / (2 * t_cpu[2])
    print(
        f"CPU-bound product (1200 full spectra): 1 worker {t_cpu[1]:.2f} s, 2 workers {t_cpu[2]:.2f} s; "
        f"parallel efficiency {100 * eff:.0f}% (target >= 85%)"
    )
    print(
        f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; other "
        "processes on the machine lower the 2-worker figures)"
    )
    print(
        f"chain throughput ratio 2 vs 1 worker: {rate[2] / rate[1]:.2f} (memory-bound: results travel to the client)"
    )

    for cluster, client, _ in clusters.values():
        client.close()
        cluster.close()

    # start-up cost: a small sweep on a fresh LocalCluster vs the serial loop
    small = {"delta_G": np.geomspace(1, 1e3, 30), "L_CR": np.geomspace(1e40, 1e42, 30)}
    t_ser, _ = _timed(
        lambda: sweep("chain", small, outputs=OUTPUTS, scheduler="serial", progress=False)
    )
    t_loc, _ = _timed(
        lambda: sweep(
            "chain", small, outputs=OUTPUTS, scheduler="local", n_workers=2, progress=False
        )
    )
    print(
        f"start-up: 900-point sweep serial {t_ser:.3f} s (baseline) vs new LocalCluster(2) {t_loc:.2f} s "
        f"(x{t_loc / t_ser:.0f}); cluster start alone {clusters[2][2]:.2f} s"
    )


if __name__ == "__main__":
    main()
