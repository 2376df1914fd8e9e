"""Every file of the reproduction steps records the full parameter set (Parameters.as_attrs)."""

from __future__ import annotations

import functools
import json

import matplotlib

matplotlib.use("Agg")

from PIL import Image

from crescape.params import Parameters

PARAMS = Parameters.from_flat({"delta_G": 30, "L_CR": 2e41})


def _check_png(path):
    im = Image.open(path)
    assert min(im.info["dpi"]) >= 199.5, path
    back = Parameters.from_attrs(json.loads(im.info["crescape:parameters"]))
    assert back.as_attrs() == PARAMS.as_attrs()


def _check_json(path):
    attrs = json.loads(path.read_text())["attrs"]
    assert {k: attrs[k] for k in PARAMS.as_attrs()} == PARAMS.as_attrs(), path
    assert attrs["param.delta_G"] == 30 and attrs["param.L_CR"] == 2e41


def test_figure1_step(tmp_path):
    from crescape.reproduction import figure1

    figure1.run(tmp_path, PARAMS)
    _check_json(tmp_path / "delta_G_match.json")
    _check_png(tmp_path / "figure1.png")
    _check_png(tmp_path / "figure1_newest.png")


def test_dispersion_step(tmp_path, monkeypatch):
    from crescape.reproduction import dispersion as D

    monkeypatch.setattr(D, "regime_map", functools.partial(D.regime_map, n=9))
    monkeypatch.setattr(D, "growth_curves", functools.partial(D.growth_curves, n=60))
    D.run(tmp_path, PARAMS)
    _check_json(tmp_path / "dispersion.json")
    _check_png(tmp_path / "dispersion_regimes.png")
    _check_png(tmp_path / "dispersion_growth.png")
    assert (tmp_path / "dispersion_regimes.pdf").read_bytes()[:5] == b"%PDF-"


def test_spectra_step(tmp_path, monkeypatch):
    from crescape.reproduction import spectra as S

    monkeypatch.setattr(S, "RADIO_DELTA_G", (10.0,))
    monkeypatch.setattr(S, "FIG_DELTA_G", (100.0,))
    S.run(tmp_path, PARAMS)
    _check_json(tmp_path / "spectra_checks.json")
    _check_png(tmp_path / "spectra_figure1.png")
