"""Sweeps in-process: the grid, products, provenance, failures, zarr output, resume and bad specs."""

import json
import warnings

import astropy.units as u
import numpy as np
import pytest

from crescape.analysis import sweep as S
from crescape.analysis.sweep import (
    STATUS_DONE,
    STATUS_FAILED,
    Grid,
    SweepFailureWarning,
    SweepSpecError,
    open_sweep,
    sweep,
    sweep_status,
)
from crescape.model import EscapeModel, neutrino_E2_flux
from crescape.params import CGM, Galaxy, Parameters

OUT = ["v_A_amplified", "neutrino_E2_flux", "B_sat", "gamma_max_paper"]


def test_chain_matches_scalar_loop():
    """Every point of a vectorised product sweep equals EscapeModel at that point alone."""
    dG = [1.0, 30.0, 300.0]
    L = [1e40, 1e41, 5e41]
    ds = sweep(
        "chain",
        {"delta_G": dG, "L_CR": [f"{x:g} erg/s" for x in L]},
        outputs=OUT,
        scheduler="serial",
        progress=False,
    )
    assert ds["v_A_amplified"].dims == ("delta_G", "L_CR")
    assert ds["v_A_amplified"].attrs["units"] == "km / s"
    assert ds["delta_G"].attrs["units"] == "" and ds["L_CR"].attrs["units"] == "erg / s"
    for i, d in enumerate(dG):
        for j, lum in enumerate(L):
            m = EscapeModel(Galaxy(L_CR=lum), CGM(delta_G=d))
            for q in OUT:
                assert ds[q].values[i, j] == pytest.approx(
                    m[q].to_value(ds[q].attrs["units"]), rel=1e-12, abs=0
                )
    # physics through the sweep: E²F ∝ δ_G^{3/2} L^{1/2} (Eq. 17)
    f = ds["neutrino_E2_flux"].values
    assert f[2, 1] / f[0, 1] == pytest.approx(300.0**1.5, rel=1e-10, abs=0)
    assert f[1, 2] / f[1, 1] == pytest.approx(5.0**0.5, rel=1e-10, abs=0)
    assert (ds["status"].values == STATUS_DONE).all()


def test_table_of_points_and_energy_axis():
    pts = {"delta_G": [1, 10, 100, 1000], "R_d": ["8 kpc", "10 kpc", "12 kpc", "15 kpc"]}
    ds = sweep(
        "chain",
        points=pts,
        outputs=["B_sat"],
        fixed={"L_CR": "2e41 erg/s"},
        scheduler="serial",
        progress=False,
    )
    assert ds["B_sat"].dims == ("point",)
    np.testing.assert_allclose(ds["R_d"].values, [8, 10, 12, 15])
    # Eq. (8): B_sat ∝ L^1/2 / R_d, independent of δ_G
    b = ds["B_sat"].values
    np.testing.assert_allclose(b * ds["R_d"].values, b[0] * 8, rtol=1e-12)
    ref = EscapeModel(Galaxy(L_CR=2e41))["B_sat"].to_value("G")
    assert b[1] == pytest.approx(ref, rel=1e-12, abs=0)
    # energy is an axis of the chain product: γ_max ∝ 1/E (Eq. 7)
    e = sweep(
        "chain",
        {"energy": [1, 10, 100]},
        outputs=["gamma_max_paper"],
        scheduler="serial",
        progress=False,
    )
    g = e["gamma_max_paper"].values
    np.testing.assert_allclose(g[0] / g, [1, 10, 100], rtol=1e-12)


def test_log_range_axis_and_provenance(tmp_path):
    ds = sweep(
        "chain",
        {
            "delta_G": {"start": 1, "stop": 1000, "num": 4, "scale": "log"},
            "T": {"start": "1e5 K", "stop": "1e7 K", "num": 3},
        },
        outputs=["B_thermal"],
        out=tmp_path / "s.zarr",
        scheduler="serial",
        progress=False,
    )
    np.testing.assert_allclose(ds["delta_G"].values, [1, 10, 100, 1000])
    info = json.loads(ds.attrs["sweep"])
    assert info["product"]["product"] == "chain"
    assert info["grid"]["axes"]["T"] == pytest.approx([1e5, 5.05e6, 1e7], rel=1e-6, abs=0)
    assert "crescape_version" in info
    # the parameters as every crescape file records them (Parameters.as_attrs)
    assert ds.attrs["param.R_d"] == 10.0 and ds.attrs["param.R_d.units"] == "kpc"
    assert ds.attrs["param.varied"] == "delta_G, T" and "param.T" not in ds.attrs
    # B_th ∝ (δ_G T)^{1/2}
    b = ds["B_thermal"].values
    assert b[3, 0] / b[0, 0] == pytest.approx(1000**0.5, rel=1e-10, abs=0)
    back = open_sweep(tmp_path / "s.zarr")
    np.testing.assert_array_equal(back["B_thermal"].values, b)
    assert sweep_status(tmp_path / "s.zarr") == {"total": 12, "done": 12, "failed": 0, "missing": 0}


def test_spectrum_product_matches_model():
    E = [1e4, 1e5, 1e6] * u.GeV
    ds = sweep(
        "neutrino_spectrum",
        {"delta_G": [10, 100], "slope": [2.0, 2.3]},
        E_nu=E,
        scheduler="serial",
        progress=False,
    )
    assert ds["E2_flux"].dims == ("delta_G", "slope", "E_nu")
    p = Parameters.from_flat({"delta_G": 100, "slope": 2.3})
    ref = neutrino_E2_flux(p, E).to_value(ds["E2_flux"].attrs["units"])
    np.testing.assert_allclose(ds["E2_flux"].sel(delta_G=100, slope=2.3).values, ref, rtol=1e-12)


def test_choice_axis_is_split_into_groups():
    ds = sweep(
        "chain",
        {"cutoff": ["sharp", "exponential"], "delta_G": [1, 10]},
        outputs=["cr_flux"],
        energy=1e5,
        scheduler="serial",
        progress=False,
    )
    f = ds["cr_flux"].values
    assert f[1, 0] < f[0, 0]  # exp(-E/E_max) cuts the flux at 100 TeV
    assert (ds["status"].values == STATUS_DONE).all()


def test_failed_points_are_counted_and_reported(tmp_path):
    with pytest.warns(SweepFailureWarning, match="2 of 6 sweep points failed"):
        ds = sweep(
            "chain",
            {"delta_G": [1, 10], "energy": [1, 10, 1e7]},
            outputs=["B_sat"],
            out=tmp_path / "f.zarr",
            scheduler="serial",
            progress=False,
        )
    assert ds.attrs["n_failed"] == 2
    st = ds["status"].values
    assert (st[:, 2] == STATUS_FAILED).all() and (st[:, :2] == STATUS_DONE).all()
    assert np.isnan(ds["B_sat"].values[:, 2]).all() and np.isfinite(ds["B_sat"].values[:, :2]).all()
    fails = json.loads(ds.attrs["failures"])
    assert {f["index"] for f in fails} == {2, 5}
    assert all("energy" in f["error"] and "E_max" in f["error"] for f in fails)
    assert fails[0]["parameters"]["energy"] == 1e7
    assert sweep_status(tmp_path / "f.zarr")["failed"] == 2


class _Interrupt(BaseException):
    """Stands for a crash (not an Exception, so the sweep does not catch it)."""


def test_resume_computes_only_missing_points(tmp_path):
    calls: list[float] = []
    crash = {"at": 30.0}

    def f(params):
        d = params.cgs.delta_G
        calls.extend(np.atleast_1d(d).tolist())
        if crash["at"] in np.atleast_1d(d):
            raise _Interrupt
        return {"y": d**1.5 * u.km / u.s, "z": np.sqrt(d)}

    axes = {"delta_G": np.arange(1.0, 41.0), "T": [1e5, 1e6]}
    store = tmp_path / "r.zarr"
    with pytest.raises(_Interrupt):
        sweep(f, axes, vectorized=True, chunk_size=8, out=store, scheduler="serial", progress=False)
    st = sweep_status(store)
    assert st["done"] == 29 * 2 // 8 * 8 and st["missing"] == 80 - st["done"]
    done_before = st["done"]
    calls.clear()
    crash["at"] = -1.0
    ds = sweep(
        f,
        axes,
        vectorized=True,
        chunk_size=8,
        out=store,
        resume=True,
        scheduler="serial",
        progress=False,
    )
    # only the missing points were evaluated, each once
    assert len(calls) == 80 - done_before
    assert sorted(calls) == sorted(np.repeat(np.arange(1.0, 41.0), 2)[done_before:].tolist())
    assert (ds["status"].values == STATUS_DONE).all()
    np.testing.assert_allclose(
        ds["y"].values, (np.arange(1.0, 41.0)[:, None] ** 1.5) * np.ones((1, 2))
    )
    assert ds["y"].attrs["units"] == "km / s"
    # resuming a finished store computes nothing
    calls.clear()
    sweep(
        f,
        axes,
        vectorized=True,
        chunk_size=8,
        out=store,
        resume=True,
        scheduler="serial",
        progress=False,
    )
    assert calls == []


def test_resume_refuses_a_different_sweep(tmp_path):
    store = tmp_path / "a.zarr"
    sweep(
        "chain",
        {"delta_G": [1, 2]},
        outputs=["B_sat"],
        out=store,
        scheduler="serial",
        progress=False,
    )
    with pytest.raises(SweepSpecError, match="different sweep"):
        sweep(
            "chain",
            {"delta_G": [1, 3]},
            outputs=["B_sat"],
            out=store,
            resume=True,
            scheduler="serial",
        )
    with pytest.raises(SweepSpecError, match="does not exist"):
        sweep(
            "chain",
            {"delta_G": [1, 3]},
            out=tmp_path / "none.zarr",
            resume=True,
            scheduler="serial",
        )


def test_point_by_point_function():
    def f(params):
        m = EscapeModel.from_params(params)
        return {"v": m["v_A_amplified"], "vec": np.arange(3.0) * float(params.cgs.delta_G)}

    ds = sweep(f, {"delta_G": [1, 100]}, scheduler="serial", progress=False)
    assert ds["vec"].dims == ("delta_G", "vec_dim_0")
    np.testing.assert_allclose(ds["vec"].values[1], [0, 100, 200])
    assert ds["v"].values[0] / ds["v"].values[1] == pytest.approx(10.0, rel=1e-12, abs=0)


def test_small_vectorised_sweep_runs_in_process(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    ds = sweep("chain", {"delta_G": [1, 2]}, outputs=["B_sat"], progress=False)
    assert json.loads(ds.attrs["sweep"])["engine"].startswith("serial")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"grid": {"delta_X": [1, 2]}}, "unknown parameter 'delta_X'"),
        ({"grid": {"delta_G": []}}, "axis 'delta_G' is empty"),
        ({"grid": {"L_CR": ["1e41 km"]}}, "wrong unit"),
        ({"grid": {"R_d": ["ten kpc"]}}, "cannot be read"),
        ({"grid": {"delta_G": [-1, 2]}}, "delta_G = -1 .*not allowed"),
        ({"grid": {"delta_G": {"start": 1, "stop": 10}}}, "needs 'start', 'stop' and 'num'"),
        ({"grid": {"delta_G": {"start": 0, "stop": 10, "num": 3, "scale": "log"}}}, "log range"),
        ({"grid": {"delta_G": {"start": 1, "stop": 10, "num": 0}}}, "num = 0"),
        ({"grid": {}}, "no axes"),
        ({"grid": None, "points": {"delta_G": [1, 2], "T": [1e6]}}, "equal lengths"),
        ({"grid": {"delta_G": [1]}, "points": {"T": [1]}}, "exactly one"),
        ({"grid": {"delta_G": [1, 2]}, "fixed": {"delta_G": 3}}, "both swept and fixed"),
        ({"grid": {"delta_G": [1, 2]}, "fixed": {"R_x": 3}}, "unknown fixed parameter"),
        ({"grid": {"cutoff": ["sharp", "smooth"]}}, "cutoff = 'smooth' is not allowed"),
        ({"grid": {"delta_G": [1]}, "outputs": ["B_magic"]}, "unknown chain output"),
        ({"grid": {"delta_G": [1]}, "func": "nonsense"}, "product = 'nonsense'"),
        ({"grid": {"delta_G": [1]}, "chunk_size": 0}, "chunk_size = 0"),
        ({"grid": {"delta_G": [1]}, "resume": True}, "resume = True needs out"),
    ],
)
def test_bad_specs(kwargs, match):
    kwargs = dict(kwargs)
    func = kwargs.pop("func", "chain")
    grid = kwargs.pop("grid")
    with pytest.raises(SweepSpecError, match=match):
        sweep(func, grid, scheduler="serial", progress=False, **kwargs)


def test_grid_object_and_spec_round_trip():
    g = Grid(axes={"delta_G": [1, 10], "L_CR": [1e40, 1e41, 1e42]}, fixed={"R_d": "12 kpc"})
    assert g.shape == (2, 3) and g.size == 6
    v = g.values_at(np.array([0, 5]))
    np.testing.assert_allclose(v["delta_G"], [1, 10])
    np.testing.assert_allclose(v["L_CR"], [1e40, 1e42])
    assert g.to_spec()["fixed"] == {"R_d": 12.0}
    ds = sweep("chain", g, outputs=["B_sat"], scheduler="serial", progress=False)
    # Eq. (8): B_sat ∝ 1/R_d
    ref = EscapeModel(Galaxy(L_CR=1e41, R_d=12))["B_sat"].to_value("G")
    assert ds["B_sat"].values[0, 1] == pytest.approx(ref, rel=1e-12, abs=0)


def test_default_chunks():
    chain = S.ChainProduct(outputs=["B_sat"])
    assert S._default_chunk(chain, 10**6, 2) == 125_000
    assert S._default_chunk(chain, 10**8, 2) == S.MAX_CHUNK
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = S.FunctionProduct(lambda p: {}, vectorized=False)
    assert S._default_chunk(f, 100, 2) == 7
