"""The isothermal HLLD fluxes (Mignone 2007, J. Comput. Phys. 225, 1427) of the 1.5D MHD solver."""

from __future__ import annotations

import numpy as np
import pytest

from crescape import constants as C
from crescape.simulate.mhd import BellMHD, _conserved_np, _flux_np, linear_growth_run
from crescape.simulate.mhd_kernels import _hlld_iso_flux

VA = 1.0 / np.sqrt(4.0 * np.pi)
J_KC1 = C.c / (4.0 * np.pi)


def _flux(wl, wr, Bx, cs2):
    F = np.empty(7)
    _hlld_iso_flux(wl, wr, Bx, cs2, F, np.empty((10, 7)))
    return F


def test_flux_is_consistent():
    """F(w, w) = F(w) for any state (several velocities, signs of B_x)."""
    rng = np.random.default_rng(7)
    for Bx in (1.0, -0.7, 2.5):
        for _ in range(5):
            w = np.array([1.3, *rng.normal(size=5), 0.0])
            w[1] *= 5.0 * VA
            cs2 = 0.09
            w[6] = cs2 * w[0]
            Fx = _flux_np(w[:, None], _conserved_np(w[:, None], Bx, 5 / 3, True), Bx, True)[:, 0]
            np.testing.assert_allclose(
                _flux(w, w, Bx, cs2), Fx, rtol=1e-12, atol=1e-13 * np.max(np.abs(Fx))
            )


@pytest.mark.parametrize("Bx", [1.0, -1.0])
def test_exact_for_a_rotational_discontinuity(Bx):
    """Equal ρ and |B_⊥|, u_x = 0: u* = 0 and the central state is the exact one (Mignone 2007;
    the equal-density form of Miyoshi & Kusano 2005, Eqs. 59-62)."""
    rho, cs2 = 1.7, 0.3
    wl = np.array([rho, 0.0, 0.3, -0.1, 0.6, 0.8, cs2 * rho])
    wr = np.array([rho, 0.0, -0.2, 0.25, 0.8, -0.6, cs2 * rho])
    F = _flux(wl, wr, Bx, cs2)
    sg, z = np.sign(Bx), np.sqrt(4 * np.pi * rho)
    b = 0.5 * (wl[4:6] + wr[4:6]) + sg * z * 0.5 * (wr[2:4] - wl[2:4])
    v = 0.5 * (wl[2:4] + wr[2:4]) + sg * 0.5 * (wr[4:6] - wl[4:6]) / z
    np.testing.assert_allclose(F[2:4], -Bx * b / (4 * np.pi), rtol=1e-12)
    np.testing.assert_allclose(F[4:6], -v * Bx, rtol=1e-12)
    assert abs(F[0]) < 1e-15 and F[6] == 0.0


def test_mass_and_normal_momentum_fluxes_are_hll():
    """ρ and ρu_x fluxes of the intermediate states are the HLL ones (Mignone 2007)."""
    wl = np.array([1.0, 0.2, 0.1, 0.0, 0.3, 0.1, 0.5])
    wr = np.array([0.6, -0.1, -0.2, 0.1, -0.2, 0.4, 0.3])
    cs2 = 0.5
    F = _flux(wl, wr, 1.0, cs2)
    # HLL of the same states (Toro 2009, §10.3) with the same signal speeds
    U = np.stack(
        [
            _conserved_np(wl[:, None], 1.0, 5 / 3, True)[:, 0],
            _conserved_np(wr[:, None], 1.0, 5 / 3, True)[:, 0],
        ],
        axis=1,
    )
    ul, ur = U[:, 0], U[:, 1]
    fl = _flux_np(wl[:, None], ul[:, None], 1.0, True)[:, 0]
    fr = _flux_np(wr[:, None], ur[:, None], 1.0, True)[:, 0]

    def cf(w):
        a2, b2, bx2 = (
            cs2,
            (1.0 + w[4] ** 2 + w[5] ** 2) / (4 * np.pi * w[0]),
            1 / (4 * np.pi * w[0]),
        )
        s = a2 + b2
        return np.sqrt(0.5 * (s + np.sqrt(s * s - 4 * a2 * bx2)))

    c = max(cf(wl), cf(wr))
    SL, SR = min(wl[1], wr[1]) - c, max(wl[1], wr[1]) + c
    hll = (SR * fl - SL * fr + SL * SR * (ur - ul)) / (SR - SL)
    np.testing.assert_allclose(F[:2], hll[:2], rtol=1e-13)


def test_resolves_the_alfven_fan_when_sound_is_fast():
    """c_s = 3 v_A, isothermal: HLL damps the Alfvénic Bell mode; the isothermal HLLD much less."""
    e = {
        r: abs(
            linear_growth_run(0.5, n_cells=32, riemann=r, sound_speed=3 * VA, isothermal=True)[
                "measured"
            ]
            / 0.5
            - 1
        )
        for r in ("hll", "hlld")
    }
    assert e["hlld"] < 0.5 * e["hll"]
    assert e["hlld"] < 2e-3


def test_conservation_and_nonlinear_agreement_with_hll():
    """Mass and momentum (with the CR impulse) conserved; HLLD and HLL converge to one flow."""
    kw = dict(sound_speed=VA, isothermal=True)
    out = {}
    for r in ("hll", "hlld"):
        sim = BellMHD(256, 7.0, 1.0, 1.0, J=0.5 * J_KC1, riemann=r, **kw)
        s0 = sim.seed_noise(sim.uniform_state(), 0.3, 6, seed=2)
        s = sim.run(s0, 3.0)
        T0, T = sim.totals(s0), sim.totals(s)
        assert T["mass"] == pytest.approx(T0["mass"], rel=1e-13, abs=0)
        for ax in "yz":
            err = T[f"momentum_{ax}"] - T0[f"momentum_{ax}"] - s.budget[f"impulse_{ax}"]
            assert abs(err) < 1e-12 * T0["mass"] * VA
        out[r] = s.U[4]
    scale = np.max(np.abs(out["hll"]))
    assert np.max(np.abs(out["hll"] - out["hlld"])) < 0.05 * scale
