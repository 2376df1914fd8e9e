"""The Milky Way halo reproduction step: its bound/blown-out diagnostic and its products.

The diagnostic is checked against cases whose answer is known: a hydrostatic atmosphere at
rest is bound; a steady wind with constant ρur² and positive Bernoulli parameter is blown out;
the Bernoulli parameter of a cell against its closed form. The step itself runs on a tiny grid.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr
from PIL import Image

from crescape import constants as C
from crescape.params import Parameters
from crescape.reproduction import halo

GAMMA = 5.0 / 3.0
V_ESC = 400e5  # cm/s, a point-mass-like potential Φ = -v_esc²/2 (10 kpc/z)


def _phi(z):
    return -0.5 * V_ESC**2 * (10.0 * C.kpc / z)


def _ds(z_kpc, rho, u, P, P_cr):
    one = lambda x: (("t", "z"), np.asarray(x, dtype=float)[None])  # noqa: E731
    return xr.Dataset(
        {"rho": one(rho), "u": one(u), "P_gas": one(P), "P_CR": one(P_cr), "dB": one(0 * rho)},
        coords={"t": [1000.0], "z": z_kpc},
    )


def test_static_atmosphere_is_bound():
    z = np.linspace(4.0, 200.0, 300)
    theta = 0.1 * V_ESC**2  # cold: θ ≪ v_esc²
    rho = 1e-27 * np.exp(-(_phi(z * C.kpc) - _phi(4.0 * C.kpc)) / theta)
    P_cr = 1e-13 * np.exp(-z / 20.0)
    bn = halo.boundness(_ds(z, rho, 0 * z, theta * rho, P_cr), _phi, GAMMA)
    assert bn["verdict"] == "bound"
    assert bn["at"]["10kpc"]["Mdot_Msun_yr"] == 0.0


def test_steady_wind_is_blown_out_and_bernoulli_closed_form():
    z = np.linspace(4.0, 200.0, 300)
    u = np.full_like(z, 600e5)  # faster than the escape speed
    rho = 1e-27 * (4.0 / z) ** 2  # ρ u r² constant
    P = 1e-3 * rho * u**2
    P_cr = 1e-13 * (4.0 / z) ** 2
    bn = halo.boundness(_ds(z, rho, u, P, P_cr), _phi, GAMMA)
    assert bn["verdict"] == "blown out"
    i = int(np.argmin(np.abs(z - 20.0)))
    zc = z[i] * C.kpc
    be = 0.5 * u[i] ** 2 + 2.5 * P[i] / rho[i] + 4.0 * P_cr[i] / rho[i] + _phi(zc)
    v2 = -2.0 * _phi(zc)
    assert bn["at"]["20kpc"]["Be_over_half_v_esc2"] == pytest.approx(
        be / (0.5 * v2), rel=1e-12, abs=0
    )
    mdot = 4 * np.pi * zc**2 * rho[i] * u[i] / (halo_msun() / C.yr)
    assert bn["at"]["20kpc"]["Mdot_Msun_yr"] == pytest.approx(mdot, rel=1e-12, abs=0)
    assert bn["at"]["50kpc"]["Mdot_Msun_yr"] == pytest.approx(mdot, rel=1e-12, abs=0)


def halo_msun():
    from crescape.physics.potential import M_SUN

    return M_SUN


def test_halo_parameters_use_miller_bregman_at_H():
    p = halo.halo_parameters(Parameters())
    # Miller & Bregman (2015): n = 1.35e-2 cm^-3 (r/kpc)^-1.5 at r = H = 4 kpc, with n = ρ/m_p
    n_H = 1.35e-2 * 4.0**-1.5
    rho_1 = float(p.cgs.Omega_b_h2 * p.cgs.rho_cr_h2)
    assert float(p.cgs.delta_G) == pytest.approx(n_H * C.m_p / rho_1, rel=1e-10, abs=0)
    assert float(p.cgs.T) == pytest.approx(halo.HALO_T, rel=1e-12, abs=0)


def test_step_runs_on_a_tiny_grid(tmp_path, monkeypatch):
    small = {"n_cells": 40, "n_momenta": 10, "t_end": 60.0, "n_output": 3}
    monkeypatch.setattr(halo, "HALO_RUN", {**halo.HALO_RUN, **small})
    monkeypatch.setattr(halo, "UNIFORM_RUN", {**halo.UNIFORM_RUN, **small})
    arts = halo.run(tmp_path, Parameters())
    names = {a.name for a in arts}
    assert {"halo_run", "halo_profiles", "halo_figure1", "halo_radio", "halo_observables"} <= names
    for a in arts:
        assert (tmp_path / a.path).exists()
    for png in ("halo_profiles.png", "halo_figure1.png", "halo_radio.png"):
        dpi = Image.open(tmp_path / png).info["dpi"]
        assert dpi[0] == pytest.approx(200, rel=0.01, abs=0)
    d = json.loads((tmp_path / "halo_observables.json").read_text())
    assert d["boundness"]["verdict"] in ("bound", "blown out")
    assert d["run"]["cells"] == 40
    h = d["numbers"]["halo"]
    assert h["nu_all_10TeV"] > 0 and h["gamma_100GeV"] > 0
    # the radio against the ARCADE 2 excess at 1.4 GHz: T = 24.1 K (1400/310)^-2.599, I = 2kTν²/c²
    arcade = 2 * 1.380649e-16 * 24.1 * (1400 / 310) ** -2.599 * 1.4e9**2 / 2.99792458e10**2 / 1e-23
    assert h["radio_over_arcade2_1.4GHz"] == pytest.approx(
        h["radio_I_mean_1.4GHz_Jy_sr"] / arcade, rel=1e-9, abs=0
    )
    # the flavours at Earth add up to the all-flavour intensity
    s = d["sed"]["halo"]
    tot = np.array(s["nu_e"]) + np.array(s["nu_mu"]) + np.array(s["nu_tau"])
    assert tot == pytest.approx(np.array(s["nu_all"]), rel=1e-10, abs=0)


def test_step_runs_the_example_configuration():
    """The step's Milky Way run is examples/simulate_milky_way_halo.toml at its own cell count
    (the example is not package data, so the step keeps a copy: this keeps them one fact)."""
    from pathlib import Path

    from crescape.simulate.cgm_config import SimulationConfig, load_config

    ex = Path(__file__).resolve().parents[2] / "examples" / "simulate_milky_way_halo.toml"
    params, cfg = load_config(ex)
    step_params = halo.halo_parameters(Parameters())
    step_cfg = SimulationConfig.from_dict(halo.HALO_RUN)
    for key in halo.HALO_RUN:
        if key != "n_cells":
            assert getattr(cfg, key) == getattr(step_cfg, key), key
    assert cfg.cooling == step_cfg.cooling == "none" and cfg.streaming == step_cfg.streaming
    assert float(params.cgs.delta_G) == pytest.approx(
        float(step_params.cgs.delta_G), rel=5e-3, abs=0
    )  # the example rounds it
    assert float(params.cgs.T) == float(step_params.cgs.T)
    assert float(params.cgs.B0) == float(step_params.cgs.B0)
