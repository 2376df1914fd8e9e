"""The galaxies and population reproduction steps: their files, numbers and claims, on small grids."""

from __future__ import annotations

import json

import numpy as np
import pytest
from astropy.table import Table

from crescape import galaxies as gx
from crescape import population as P
from crescape.params import Parameters
from crescape.reproduction import galaxies as step_g
from crescape.reproduction import population as step_p
from crescape.reproduction import steps


def test_steps_are_discovered():
    names = [m.__name__.rsplit(".", 1)[1] for m in steps()]
    assert "galaxies" in names and "population" in names


def test_galaxies_step(tmp_path, monkeypatch):
    monkeypatch.setattr(step_g, "DELTA_G", np.array([10.0, 100.0]))
    monkeypatch.setattr(step_g, "VARIANTS", step_g.VARIANTS[:2])
    arts = step_g.run(tmp_path, Parameters())
    for name in ("galaxies.json", "m31_halo.ecsv", "m31_halo.md", "m31_halo.png", "m31_halo.pdf"):
        assert (tmp_path / name).stat().st_size > 0
    lim = arts[1].values["limits"]
    key = "pshirkov2015_uniform_circle | " + step_g.VARIANTS[0][0]
    assert lim[key]["delta_G_max"] == pytest.approx(gx.m31_delta_G_limit(), rel=1e-9, abs=0)
    t = Table.read(tmp_path / "m31_halo.ecsv")
    assert len(t) == 2 * 2 * 2 and "param.delta_G" in t.meta
    d = json.loads((tmp_path / "galaxies.json").read_text())
    assert set(d["galaxies"]) == set(gx.names())


def test_population_step(tmp_path, monkeypatch):
    monkeypatch.setattr(step_p, "DELTA_G", (100.0,))
    monkeypatch.setattr(step_p, "SWEEP_AXES", {"slope": [2.0, 2.2], "xi": [0.05, 0.2]})
    arts = step_p.run(tmp_path, Parameters())
    for name in ("population.json", "population.md", "population.png", "population.pdf"):
        assert (tmp_path / name).stat().st_size > 0
    d = json.loads((tmp_path / "population.json").read_text())
    mw = d["numbers"]["mw_copies delta_G=100"]
    direct = P.background_numbers(P.CosmicPopulation(100.0))
    assert mw["nu_mu_100TeV"] == pytest.approx(direct["nu_mu_100TeV"], rel=1e-12, abs=0)
    assert d["dominant"]["neutrinos_100TeV"] == "Milky Way CGM"
    halo = d["numbers"]["tinker2008 delta_G=100"]
    direct_t = P.CosmicPopulation(100.0, mass_function="tinker2008")
    assert halo["mass_factor"] == pytest.approx(direct_t.mass_factor, rel=1e-12, abs=0)
    b = d["sweep"]["bands"]["nu_mu_100TeV"]
    assert b["n"] == 4 and b["min"] <= b["median"] <= b["max"]
    bt = d["sweep"]["bands_tinker2008"]["nu_mu_100TeV"]
    assert bt["n"] == 4 and bt["min"] <= bt["median"] <= bt["max"]
    assert "Tinker et al. (2008) halos" in (tmp_path / "population.md").read_text()
    assert "Milky Way's CGM dominates" in arts[0].description


def _record(tmp_path, png, js):
    from PIL import Image

    im = Image.open(tmp_path / png)
    back = Parameters.from_attrs(json.loads(im.info["crescape:parameters"]))
    attrs = json.loads((tmp_path / js).read_text())["attrs"]
    return back, attrs


def test_steps_record_the_parameters(tmp_path, monkeypatch):
    params = Parameters.from_flat({"delta_G": 30, "slope": 2.2})
    monkeypatch.setattr(step_g, "DELTA_G", np.array([10.0]))
    monkeypatch.setattr(step_g, "VARIANTS", step_g.VARIANTS[:1])
    step_g.run(tmp_path, params)
    back, attrs = _record(tmp_path, "m31_halo.png", "galaxies.json")
    assert back.as_attrs() == params.as_attrs() and attrs["param.delta_G"] == 30
    d = json.loads((tmp_path / "galaxies.json").read_text())["galaxies"]
    assert d["M31"]["chain"]["delta_G"] == 30.0
