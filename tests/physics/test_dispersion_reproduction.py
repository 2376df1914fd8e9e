"""The reproduction step of the linear theory (crescape.reproduction.dispersion)."""

from __future__ import annotations

import json

import pytest

from crescape.params import Parameters
from crescape.physics.dispersion import critical_kc_rL
from crescape.reproduction import dispersion as R
from crescape.reproduction import steps


def test_step_is_registered():
    assert R in steps()
    assert R.ORDER == 30 and R.TITLE


def test_run_writes_figures_and_numbers(tmp_path):
    arts = R.run(tmp_path, Parameters())
    names = {a.name for a in arts}
    assert names == {"dispersion_growth", "dispersion_regimes", "dispersion_numbers"}
    for stem in ("dispersion_growth", "dispersion_regimes"):
        assert (tmp_path / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
    d = json.loads((tmp_path / "dispersion.json").read_text())
    assert d["kc_rL_threshold_s2"] == pytest.approx(critical_kc_rL(2.0), rel=1e-12, abs=0)
    assert d["B_sat_linear_over_eq8"] == pytest.approx(
        critical_kc_rL(2.0) ** -0.5, rel=1e-12, abs=0
    )
    assert d["kc_rL_threshold_s1.5_pmax_inf"] == 0.0
    assert d["kc_rL_threshold_s1.5_at_1GeV"] == pytest.approx(0.019808, rel=1e-4, abs=0)
    # with T >= 1e4 K the growth stays far below Omega_i: nothing is Hall-limited
    for panel, fr in d["regime_fractions"].items():
        assert "Hall-limited" not in fr, panel
    g = d["max_gamma_over_Omega"]
    assert g["T=1e+06K,E=1GeV"] == pytest.approx(0.0042, rel=0.02, abs=0)
    assert g["T=10000K,E=1GeV"] == pytest.approx(0.0196, rel=0.02, abs=0)
    for fr in d["regime_fractions"].values():
        assert sum(fr.values()) == pytest.approx(1.0, abs=1e-3)
    # ζ = k_c r_L is independent of E for s = 2 (J E is constant), so the marginal band is too
    marg = {k: v.get("marginal") for k, v in d["regime_fractions"].items()}
    assert len(set(marg.values())) == 1
    # hotter gas: more of the map is thermal
    assert (
        d["regime_fractions"]["T=1e+06K,E=1GeV"]["thermal"]
        > d["regime_fractions"]["T=10000K,E=1GeV"]["thermal"]
    )
