"""Sweep stores: only crescape stores are overwritten or resumed, one writer at a time (lock),
the resume fingerprint of a callable follows its code, schedulers are checked before any work."""

import textwrap
import warnings

import numpy as np
import pytest
import xarray as xr

from crescape.analysis import sweep as S
from crescape.analysis.sweep import (
    MAX_POINTS,
    Grid,
    StoreLock,
    SweepFailureWarning,
    SweepSpecError,
    check_scheduler,
    code_hash,
    open_sweep,
    store_info,
    sweep,
)
from crescape.params import SPECS, Parameters

AXES = {"delta_G": [1.0, 10.0, 100.0]}


def scaled(c):
    def f(params):
        return {"y": params.cgs.delta_G * c}

    return f


def same_name(body: str):
    """A function called ``f`` (module and qualname equal every time) with the given body."""
    ns: dict = {}
    exec(textwrap.dedent(f"def f(params):\n    {body}\n"), ns)
    return ns["f"]


def run(func, store, **kw):
    return sweep(func, AXES, out=store, scheduler="serial", progress=False, **kw)


def test_resume_refuses_an_edited_function_with_the_same_name(tmp_path):
    store = tmp_path / "s.zarr"
    a = same_name("return {'y': params.cgs.delta_G * 2.0}")
    b = same_name("return {'y': params.cgs.delta_G * 3.0}")
    assert S.FunctionProduct(a).name == S.FunctionProduct(b).name
    run(a, store)
    with pytest.raises(SweepSpecError, match="different sweep.*product"):
        run(b, store, resume=True)
    ds = run(a, store, resume=True)  # the same code resumes
    np.testing.assert_array_equal(ds["y"].values, [2.0, 20.0, 200.0])


def test_resume_refuses_another_closure_constant(tmp_path):
    store = tmp_path / "s.zarr"
    run(scaled(1.0), store)
    with pytest.raises(SweepSpecError, match="different sweep"):
        run(scaled(2.0), store, resume=True)
    run(scaled(1.0), store, resume=True)


def test_code_hash_ignores_mutable_state_and_follows_defaults_and_arrays():
    log = []

    def f(params, k=2.0):
        log.append(1)
        return {"y": k}

    h = code_hash(f)
    log.append(0)
    assert code_hash(f) == h
    f.__defaults__ = (3.0,)
    assert code_hash(f) != h

    def with_array(a):
        return lambda p: {"y": a.sum()}

    assert code_hash(with_array(np.arange(3.0))) != code_hash(with_array(np.arange(4.0)))
    assert code_hash(with_array(np.arange(3.0))) == code_hash(with_array(np.arange(3.0)))


def test_store_info_only_for_crescape_stores(tmp_path):
    import xarray as xr

    assert store_info(tmp_path / "missing") is None
    (tmp_path / "file").write_text("x")
    assert store_info(tmp_path / "file") is None
    assert store_info(tmp_path) is None
    xr.Dataset({"a": ("x", np.arange(2.0))}).to_zarr(tmp_path / "other.zarr", consolidated=False)
    assert store_info(tmp_path / "other.zarr") is None
    run(scaled(1.0), tmp_path / "s.zarr")
    assert store_info(tmp_path / "s.zarr")["format"] == "crescape-sweep/1"


def test_overwrite_refuses_a_folder_that_is_not_a_store(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    (d / "keep.txt").write_text("keep")
    with pytest.raises(SweepSpecError, match="not a crescape sweep store; refusing to overwrite"):
        run(scaled(1.0), d)
    assert (d / "keep.txt").read_text() == "keep"


def test_one_writer_per_store(tmp_path):
    store = tmp_path / "s.zarr"
    lock = StoreLock(store).acquire()
    try:
        with pytest.raises(SweepSpecError, match="being written by another sweep"):
            run(scaled(1.0), store)
        with pytest.raises(SweepSpecError, match="another sweep"):
            StoreLock(store).acquire()
    finally:
        lock.release()
    assert not lock.path.exists()
    run(scaled(1.0), store)  # free again
    assert not lock.path.exists()


def test_lock_is_released_when_the_sweep_fails(tmp_path):
    store = tmp_path / "s.zarr"

    def broken(params):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(broken, store)
    assert not (tmp_path / "s.zarr.lock").exists()


@pytest.mark.parametrize(
    "address", [None, "serial", "local", "tcp://127.0.0.1:8786", "127.0.0.1:8786", "tls://h.x:1"]
)
def test_good_scheduler_addresses(address):
    check_scheduler(address)


@pytest.mark.parametrize(
    "address",
    ["garbage", "foo://bar", "foo://bar:1", "tcp://host", "tcp://host:0", "tcp://h:99999", "", " "],
)
def test_bad_scheduler_addresses(address):
    with pytest.raises(SweepSpecError, match="scheduler = "):
        check_scheduler(address)


def test_library_refuses_a_bad_scheduler_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "_connect", lambda *a: pytest.fail("connected"))
    with pytest.raises(SweepSpecError, match="'foo://bar'"):
        sweep("chain", AXES, scheduler="foo://bar", progress=False)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "nonsense")
    with pytest.raises(SweepSpecError, match="DASK_SCHEDULER_ADDRESS"):
        sweep("chain", AXES, progress=False)


def test_grids_too_large_are_refused_before_allocation():
    with pytest.raises(SweepSpecError, match="num = 100000000000"):
        Grid(axes={"delta_G": {"start": 1, "stop": 10, "num": 10**11}})
    n = int(MAX_POINTS**0.5) + 1
    with pytest.raises(SweepSpecError, match="at most"):
        Grid(
            axes={
                "delta_G": {"start": 1, "stop": 10, "num": n},
                "T": {"start": 1e5, "stop": 1e6, "num": n},
            }
        )


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), "5", True])
def test_bad_timeouts(timeout):
    with pytest.raises(SweepSpecError, match="timeout"):
        sweep("chain", AXES, scheduler="serial", timeout=timeout, progress=False)


def test_progress_off_a_terminal_is_plain_lines(tmp_path, capsys):
    sweep(scaled(1.0), AXES, scheduler="serial", progress=True)
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[-1].startswith("sweep ") and "3/3 points (100%)" in err


def test_resume_with_another_spec_names_what_differs_in_one_line(tmp_path, capsys):
    from crescape.cli import main

    spec = tmp_path / "spec.toml"
    store = tmp_path / "s.zarr"
    spec.write_text(
        'product = "chain"\n[options]\noutputs = ["B_sat"]\n[axes]\ndelta_G = [1, 10]\n'
    )
    argv = ["sweep", str(spec), "--out", str(store), "--scheduler", "serial", "--no-progress"]
    assert main(argv) == 0
    spec.write_text(
        'product = "chain"\n[options]\noutputs = ["B_sat"]\n[axes]\ndelta_G = [1, 30]\n'
    )
    capsys.readouterr()
    assert main([*argv, "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "grid.axes.delta_G = [1.0, 10.0] (store) vs [1.0, 30.0] (now)" in err


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_workers": "x"}, "n_workers = 'x'"),
        ({"n_workers": 0}, "n_workers = 0"),
        ({"retries": "x"}, "retries = 'x'"),
        ({"retries": -1}, "retries = -1"),
        ({"fixed": {"R_d": [1, 2]}}, "fixed parameter 'R_d'"),
    ],
)
def test_bad_run_options_and_fixed_values(kwargs, match):
    with pytest.raises(SweepSpecError, match=match):
        sweep("chain", AXES, scheduler="serial", progress=False, **kwargs)


def test_one_output_as_a_string():
    ds = sweep("chain", AXES, outputs="B_sat", scheduler="serial", progress=False)
    assert [k for k in ds.data_vars if k != "status"] == ["B_sat"]


def test_lock_holds_across_processes(tmp_path):
    """A sweep in another process holds the store: this one is refused, then runs once it ends."""
    import subprocess
    import sys
    import time

    store = tmp_path / "s.zarr"
    code = (
        "import sys, time; from crescape.analysis.sweep import StoreLock;"
        "l = StoreLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(SweepSpecError, match=rf"another sweep \(lock .*pid {proc.pid}\)"):
            run(scaled(1.0), store)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    t0 = time.monotonic()
    run(scaled(1.0), store)  # the killed holder left its lock file, but no lock
    assert time.monotonic() - t0 < 30 and store_info(store) is not None


# --- what the store says about how it was made --------------------------------------------------


def _plain_open(path):
    """xr.open_zarr with no options, every warning an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return xr.open_zarr(path)


@pytest.mark.parametrize("kind", ["axes", "points"])
def test_store_opens_with_plain_open_zarr_parameters_as_coordinates(tmp_path, kind):
    store = tmp_path / "s.zarr"
    grid = {"delta_G": [1.0, 10.0, 100.0], "L_CR": ["1e40 erg/s", "1e41 erg/s", "2e41 erg/s"]}
    args = {"points": grid} if kind == "points" else {"grid": grid}
    sweep(
        "chain",
        **args,
        fixed={"R_d": "12 kpc", "T": 1e4},
        outputs=["v_A_amplified", "B_sat"],
        out=store,
        scheduler="serial",
        chunk_size=2,  # several chunks: the metadata written after the first stays complete
        progress=False,
    )
    ds = _plain_open(store)
    assert {"v_A_amplified", "B_sat", "status"} <= set(ds.data_vars)
    assert int(ds["status"].min()) == 1
    for name in ("delta_G", "L_CR"):  # the swept parameters: coordinates in their Spec's unit
        assert name in ds.coords and ds[name].attrs["units"] == SPECS[name].unit.to_string()
    np.testing.assert_array_equal(np.unique(ds["L_CR"].values), [1e40, 1e41, 2e41])
    assert ds["v_A_amplified"].attrs["units"] == "km / s"
    # the fixed ones: the attributes of Parameters.as_attrs, the same as in every crescape file
    want = Parameters.from_flat({"R_d": 12, "T": 1e4}).as_attrs(varied=["delta_G", "L_CR"])
    assert {k: v for k, v in ds.attrs.items() if k.startswith("param.")} == want
    back = Parameters.from_attrs(ds.attrs)
    assert back.galaxy.R_d.value == 12.0 and back.cgm.T.value == 1e4
    # the reshaped view keeps them
    assert open_sweep(store).attrs["param.R_d.units"] == "kpc"


def test_store_metadata_stays_current_through_failures_and_resume(tmp_path):
    store = tmp_path / "s.zarr"

    def f(params):
        d = float(params.cgs.delta_G)
        if d > 50 and not (tmp_path / "fixed").exists():
            raise ValueError("not yet")
        return {"y": d}

    with pytest.warns(SweepFailureWarning):
        run(f, store)
    ds = _plain_open(store)
    assert ds.attrs["n_failed"] == 1 and list(ds["status"].values) == [1, 1, 2]
    (tmp_path / "fixed").touch()
    run(f, store, resume=True)
    ds = _plain_open(store)
    assert ds.attrs["n_failed"] == 0 and list(ds["status"].values) == [1, 1, 1]
    assert ds.attrs["param.varied"] == "delta_G" and ds.attrs["param.L_CR"] == 1e41
