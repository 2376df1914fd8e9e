"""The CR current's linear response σ(k r_L) and the Hall term in the 1.5D MHD solver.

Reference values: :func:`crescape.physics.dispersion.dispersion_modes` (Bell 2004,
Eqs. 8-13, with the σ of the power-law or one-energy current and the Hall form
ω² = R(1 ∓ ω/Ω_i)), computed by ``linear_growth_run`` for the same physics.
"""

from __future__ import annotations

import numpy as np
import pytest

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.physics.dispersion import dispersion_modes, sigma_complement
from crescape.simulate.mhd import BellMHD, linear_growth_run

J_KC1 = C.c / (4.0 * np.pi)  # k_c = 1 cm^-1 for B0 = 1 G


# --- growth rates with the CR response against the dispersion relation --------------------


@pytest.mark.parametrize("limiter, efolds", [("mc", 3.0), ("none", 4.0)])
@pytest.mark.parametrize("zeta", [3.0, 10.0, 30.0])
@pytest.mark.parametrize("q", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_growth_with_response_matches_dispersion(zeta, q, limiter, efolds):
    """64 cells per wavelength: γ within 2% and Re ω within 2% of dispersion_modes (s = 2).

    With the MC limiter the run stops at 3 growth times: its clipping at the extrema
    makes odd harmonics of the seeded mode, and in the box of 10 λ_c at q = 0.1 the
    harmonic m = 5 (k = k_c/2) grows 6.7 times faster than the seeded mode (ζ = 3) and
    spoils the fit after ~3.5 growth times (docs/mhd.md).
    """
    r = linear_growth_run(q, n_cells=64, kc_rL=zeta, limiter=limiter, efolds=efolds)
    om = dispersion_modes(q, J_KC1, 1.0, 1.0, C.e * zeta, slope=2.0)["right"]
    vA = 1.0 / np.sqrt(4.0 * np.pi)
    assert r["expected"] == pytest.approx(om.imag / vA, rel=1e-12, abs=0)
    assert r["expected"] > 0.05
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02
    assert abs(r["frequency"] / r["expected_frequency"] - 1.0) < 0.02


def test_response_slows_growth_below_cold():
    """σ > 0 removes part of the driving: γ(ζ = 3) < γ(ζ = 30) < cold √(q(1 − q)) at q = 0.3."""
    g3 = linear_growth_run(0.3, 64, kc_rL=3.0)["measured"]
    g30 = linear_growth_run(0.3, 64, kc_rL=30.0)["measured"]
    assert g3 < g30 < np.sqrt(0.3 * 0.7)
    assert g3 < 0.6 * np.sqrt(0.3 * 0.7)


@pytest.mark.parametrize("q", [0.3, 0.5, 0.9])
def test_below_threshold_only_resonant_growth(q):
    """ζ = 1 < ζ_c = 2.49: no nonresonant band; the slow resonant growth (Im σ) is reproduced."""
    r = linear_growth_run(q, n_cells=64, kc_rL=1.0)
    assert r["expected"] < 0.3
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02


@pytest.mark.parametrize("q", [0.2, 0.5, 0.8])
def test_one_energy_response(q):
    """σ = K(k r_L) of CRs of one energy (Bell 2004, Eq. 10), ζ = 10."""
    r = linear_growth_run(q, n_cells=64, kc_rL=10.0, cr_slope=None)
    om = dispersion_modes(q, J_KC1, 1.0, 1.0, C.e * 10.0, slope=None)["right"]
    assert r["expected"] == pytest.approx(om.imag * np.sqrt(4 * np.pi), rel=1e-12, abs=0)
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02


@pytest.mark.parametrize("pol", ["right", "left"])
@pytest.mark.parametrize("q", [0.3, 0.5, 0.8])
def test_drifting_p4_response(q, pol):
    """The drifting isotropic p^-4 response of Amato & Blasi (2009) (drifting_p4_complement)."""
    r = linear_growth_run(q, n_cells=64, kc_rL=10.0, cr_spectrum="drifting_p4", polarisation=pol)
    assert r["expected"] > 0.03
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02


def test_weak_current_resonant_growth_pi_over_8():
    """Blasi (2013) Eq. 87 (secondary, as transcribed in the refs): the left-hand mode of a
    weak current grows at (π/8) Ω_p (V/v_A) n_CR(>p_res)/n_i = (π/8) k_c v_A k r_L for the
    drifting p^-4 distribution and k r_L(p_min) < 1, k ≫ k_c. Here k = 8 k_c, k r_L = 0.5:
    the MHD run within 0.5% of the full relation and within 2% of π/8 (the relation itself is
    0.57% below it at k = 8 k_c, a finite-k_c/k correction)."""
    q, x = 8.0, 0.5
    r = linear_growth_run(
        q, n_cells=64, kc_rL=x / q, cr_spectrum="drifting_p4", polarisation="left", limiter="none"
    )
    assert abs(r["measured"] / r["expected"] - 1.0) < 5e-3
    assert abs(r["measured"] / (np.pi / 8 * x) - 1.0) < 0.02


@pytest.mark.parametrize("q", [0.2, 0.5, 0.8])
def test_left_helicity_resonant_growth(q):
    """The left helicity grows by the resonant part Im σ alone (ζ = 10); γ within 2%."""
    r = linear_growth_run(q, n_cells=64, kc_rL=10.0, polarisation="left")
    assert r["expected"] > 0.04
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02
    assert abs(r["frequency"] / r["expected_frequency"] - 1.0) < 0.01


def test_response_factor_is_the_dispersion_complement():
    sim = BellMHD(32, 2 * np.pi * 4, 1.0, 1.0, J_KC1, 1.0, cr_energy=C.e * 10.0)
    assert sim.kc_rL == pytest.approx(10.0, rel=1e-12, abs=0)
    for m in (1, 3, 15):
        x = 2 * np.pi * m / sim.L * sim.larmor_radius
        ref = complex(sigma_complement(x, 2.0))
        assert sim.response_factor(m) == ref
        assert sim.response_factor(-m) == ref  # same σ for b ∝ e^{-ikx} (not σ*)
    assert sim.response_factor(0) == 0
    assert BellMHD(32, 1.0, 1.0, 1.0, J_KC1, 1.0).response_factor(3) == 1


# --- the Hall term ---------------------------------------------------------------------


@pytest.mark.parametrize("kc_di", [0.5, 2.0])
@pytest.mark.parametrize("q", [0.2, 0.5, 0.8])
def test_hall_growth_matches_dispersion(kc_di, q):
    """ω² = R(1 − ω/Ω_i) (dispersion_modes, hall=True): γ within 2%, Re ω within 1%."""
    r = linear_growth_run(q, n_cells=64, kc_di=kc_di)
    cold = np.sqrt(q * (1 - q))
    assert r["expected"] < cold  # the Hall term slows the growth
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02
    assert abs(r["frequency"] / r["expected_frequency"] - 1.0) < 0.01


def test_hall_strong_stabilises_to_a_wave():
    """k_c d_i = 10 (Ω_i = k_c v_A/10): the relation has real roots; the mode oscillates at Re ω."""
    r = linear_growth_run(0.5, n_cells=64, kc_di=10.0)
    assert r["expected"] == 0.0
    assert abs(r["measured"]) < 2e-3
    assert abs(r["frequency"] / r["expected_frequency"] - 1.0) < 0.01


@pytest.mark.parametrize("q", [0.2, 0.8])
def test_hall_left_helicity_wave(q):
    """Left helicity with the Hall term: a stable wave at ω = −ω_L* of dispersion_modes."""
    r = linear_growth_run(q, n_cells=64, kc_di=1.0, polarisation="left")
    assert r["expected"] == 0.0
    assert abs(r["measured"]) < 2e-3
    assert abs(r["frequency"] / r["expected_frequency"] - 1.0) < 0.01


@pytest.mark.parametrize("pol", ["right", "left"])
def test_hall_with_response(pol):
    """Both pieces at once (k_c r_L = 10, k_c d_i = 1), both helicities: γ within 2%."""
    r = linear_growth_run(0.5, n_cells=64, kc_rL=10.0, kc_di=1.0, polarisation=pol)
    assert r["expected"] > 0.1
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02


def test_ion_inertial_length():
    """d_i = v_A/Ω_i = m_p c/(e √(4πρ)) (= c/ω_pi)."""
    rho = 1.6726e-24
    sim = BellMHD(16, 1e10, 1e-6, rho, 0.0, 1e6, hall=True)
    assert sim.ion_inertial_length == pytest.approx(
        C.m_p * C.c / (C.e * np.sqrt(4 * np.pi * rho)), rel=1e-12, abs=0
    )


# --- kernels, conservation, inputs ------------------------------------------------------


def _noisy(backend, **kw):
    sim = BellMHD(
        64,
        2 * np.pi * 8,
        1.0,
        1.0,
        J_KC1,
        1.0,
        backend=backend,
        cr_energy=C.e * 10.0,
        hall=True,
        **kw,
    )
    s = sim.seed_noise(sim.uniform_state(), 0.1, 20, seed=3)
    return sim, s


@pytest.mark.parametrize("iso", [False, True])
def test_numba_and_numpy_agree_with_response_and_hall(iso):
    out = []
    for backend in ("numba", "numpy"):
        sim, s = _noisy(backend, isothermal=iso)
        for _ in range(15):
            s = sim.step(s, sim.max_dt(s))
        out.append(s)
    np.testing.assert_allclose(out[0].U, out[1].U, rtol=1e-12, atol=1e-14 * 1.0)
    assert out[0].budget["work"] == pytest.approx(out[1].budget["work"], rel=1e-10, abs=0)


def test_conservation_with_response_and_hall():
    """Mass exact; momentum and energy change by the recorded impulse and work (1e-12)."""
    sim, s0 = _noisy("numba")
    T0 = sim.totals(s0)
    s = s0
    for _ in range(200):
        s = sim.step(s, sim.max_dt(s))
    T = sim.totals(s)
    db2 = float(np.mean(s.U[4] ** 2 + s.U[5] ** 2))
    assert db2 > 1.0  # nonlinear: δB > B0
    assert T["mass"] == pytest.approx(T0["mass"], rel=1e-13, abs=0)
    scale_p = float(np.sum(np.abs(s.U[1:4])) * sim.dx)
    for ax in "xyz":
        err = T[f"momentum_{ax}"] - T0[f"momentum_{ax}"] - s.budget[f"impulse_{ax}"]
        assert abs(err) < 1e-12 * scale_p
    err = T["energy"] - T0["energy"] - s.budget["work"]
    assert abs(err) < 1e-12 * T["energy"]
    assert s.budget["work"] > 0  # the current pays for the field and the flow


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"cr_energy": -1.0}, "cr_energy"),
        ({"cr_energy": 1.0, "cr_energy_max": 0.5}, "cr_energy_max"),
        ({"cr_energy": 1.0, "cr_slope": 0.5}, "slope"),
        ({"cr_energy": 1.0, "cr_spectrum": "kappa"}, "cr_spectrum"),
    ],
)
def test_bad_response_inputs(kw, match):
    with pytest.raises(ParameterError, match=match):
        BellMHD(16, 1.0, 1.0, 1.0, J_KC1, 1.0, **kw)


def test_response_force_along_the_current_for_one_mode():
    """One circular mode b = a B0 e^{ikx}: F_x = (J/(cB0)) Im σ |b|² (uniform, along +x for
    Im σ > 0: the resonant part pushes the plasma toward the CR drift); F_⊥ as in Bell (2004)
    with k_c → k_c (1 − σ)."""
    sim = BellMHD(64, 2 * np.pi / 0.5, 1.0, 1.0, J_KC1, 1.0, cr_energy=C.e * 10.0)
    s = sim.seed_mode(sim.uniform_state(), 1, 0.01)
    S = sim.cr_source(s.U)
    sig = 1.0 - sim.response_factor(1)
    assert sig.imag > 0
    b = s.U[4] + 1j * s.U[5]
    np.testing.assert_allclose(S[1], J_KC1 / C.c * sig.imag * np.abs(b) ** 2, rtol=1e-10)
    np.testing.assert_allclose(
        S[2] + 1j * S[3], -1j * J_KC1 / C.c * (1 - sig) * b, rtol=1e-10, atol=1e-14
    )


def test_response_accelerates_the_plasma_along_the_current():
    """Nonlinear growth with the response: the box gains x-momentum, exactly the recorded
    impulse, and moves along +x (without the response F_x = 0 and it does not)."""
    sim = BellMHD(64, 2 * np.pi / 0.5, 1.0, 1.0, J_KC1, 1.0, cr_energy=C.e * 10.0)
    s0 = sim.seed_mode(sim.uniform_state(), 1, 0.01)
    s = sim.run(s0, 8.0 / sim.gamma_max)
    px = float(np.sum(s.U[1]) * sim.dx)
    assert px > 0 and s.budget["impulse_x"] > 0
    assert px == pytest.approx(s.budget["impulse_x"], rel=1e-10, abs=0)
    assert float(np.mean(s.U[4] ** 2 + s.U[5] ** 2)) > 1.0  # δB > B0
