"""The transport example scripts run and show the physics they describe."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ballistic_to_diffusive_example(tmp_path):
    """Ballistic phase: n(0) between the collimated-beam φ/v and the paper's 3φ/c (LP gives ≈ 2φ/v);
    after the field grows, n(0, t) follows Eq. (10) to 2% and exceeds the ballistic value 1000-fold."""
    mod = load("transport_ballistic_to_diffusive")
    out = tmp_path / "bd.png"
    res = mod.main(str(out), n_z=200)
    assert 1.0 < res["n0_ballistic_over_phi_v"] < 3.0
    assert res["n0_ballistic_over_phi_v"] == pytest.approx(2.0, rel=0.1)
    assert res["n0_over_eq10_last"] == pytest.approx(1.0, abs=0.02)
    assert res["enhancement_over_ballistic"] > 1e3
    assert out.stat().st_size > 10_000
