"""1.5D MHD with a fixed CR current (crescape.simulate.mhd): Bell's instability against the linear relation."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest

from crescape import constants as C
from crescape.errors import ParameterError
from crescape.physics.dispersion import dispersion_modes
from crescape.simulate.mhd import (
    BellMHD,
    _flux_np,
    _hlld_flux,
    fit_growth_rate,
    linear_growth_run,
    mode_amplitude,
    rhs_reference,
)

J_KC1 = C.c / (4.0 * np.pi)  # J giving k_c = 1 cm^-1 for B0 = 1 G
VA = 1.0 / np.sqrt(4.0 * np.pi)  # v_A for B0 = 1 G, rho = 1 g cm^-3


def _random_state(sim, seed=1, amp=0.5, mean_perp=(0.0, 0.0)):
    """A strongly perturbed (nonlinear) periodic state: smooth random ρ, u, B_⊥, P (plus a mean B_⊥)."""
    rng = np.random.default_rng(seed)
    x = sim.x * 2.0 * np.pi / sim.L
    W = sim.primitive(sim.uniform_state())
    for v, scale in ((0, 0.3), (1, 0.3 * VA), (2, VA), (3, VA), (4, 1.0), (5, 1.0), (6, 0.3)):
        for m in (1, 2, 3):
            a, ph = rng.normal() * amp * scale / m, rng.uniform(0, 2 * np.pi)
            W[v] += a * np.cos(m * x + ph) * (W[v] if v in (0, 6) else 1.0)
    W[4] += mean_perp[0]
    W[5] += mean_perp[1]
    from crescape.simulate.mhd import _conserved_np

    s = sim.uniform_state()
    s.U = _conserved_np(W, sim.B0, sim.gamma, sim.isothermal)
    return s


# --- the force: sign and form (Bell 2004: F = -(1/c) J_CR x B) ---------------------------


def test_cr_force_sign_on_uniform_transverse_field():
    """A uniform B_⊥ has no flux divergence: dU/dt is the CR force alone, F_y = J B_z/c, F_z = -J B_y/c."""
    sim = BellMHD(16, 1.0, 1.0, 1.0, J=3.0 * J_KC1, sound_speed=VA, backend="numpy")
    s = sim.uniform_state()
    W = sim.primitive(s)
    W[2], W[4], W[5] = 0.2, 0.3, -0.7  # u_y, B_y, B_z
    from crescape.simulate.mhd import _conserved_np

    U = _conserved_np(W, 1.0, sim.gamma, False)
    dU, S = rhs_reference(U, sim.dx, 1.0, sim.Jc, sim.gamma, False, sim.cs2, "mc")
    Jc = 3.0 * J_KC1 / C.c
    np.testing.assert_allclose(dU[2], Jc * (-0.7), rtol=1e-13)
    np.testing.assert_allclose(dU[3], -Jc * 0.3, rtol=1e-13)
    np.testing.assert_allclose(dU[6], 0.2 * Jc * (-0.7), rtol=1e-13)  # u·F
    assert np.all(dU[[0, 1, 4, 5]] == 0.0)
    np.testing.assert_array_equal(S[2:4], dU[2:4])


# --- linear growth against physics.dispersion (cold, sigma = 0) ---------------------------


@pytest.mark.parametrize("q", [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9])
def test_growth_rate_matches_cold_relation(q):
    """Seeded right-hand mode, 64 cells per wavelength: γ within 2% of Im ω of dispersion_modes."""
    r = linear_growth_run(q, n_cells=64)
    expected = dispersion_modes(q, J_KC1, 1.0, 1.0, 1.0, cr_response=False)["right"].imag / VA
    assert r["expected"] == pytest.approx(expected, rel=1e-12, abs=0)
    assert r["expected"] == pytest.approx(
        np.sqrt(q * (1 - q)), rel=1e-12, abs=0
    )  # Bell (2004), cold
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02
    assert r["final_amplitude"] > 1e-6 * np.exp(0.9 * 4 * 2 * np.sqrt(q * (1 - q)))


def test_growth_rate_isothermal():
    r = linear_growth_run(0.3, n_cells=64, isothermal=True)
    assert abs(r["measured"] / r["expected"] - 1.0) < 0.02


def test_fastest_mode_at_half_kc():
    """γ_max = k_c v_A/2 at k = k_c/2 (Bell 2004; Caprioli & Spitkovsky 2014 Eq. 9, secondary)."""
    g = {q: linear_growth_run(q, n_cells=64)["measured"] for q in (0.4, 0.5, 0.6)}
    assert abs(g[0.5] - 0.5) < 0.005
    assert g[0.5] > g[0.4] and g[0.5] > g[0.6]


@pytest.mark.parametrize("q", [0.2, 0.5, 0.9])
def test_left_polarisation_is_a_stable_wave(q):
    """Opposite helicity: no growth, oscillation at Re ω = v_A √(k² + k k_c) (dispersion 'left')."""
    r = linear_growth_run(q, n_cells=64, polarisation="left")
    assert r["expected"] == 0.0
    assert abs(r["measured"]) < 2e-3  # numerical damping only, in units of k_c v_A
    assert r["frequency"] == pytest.approx(r["expected_frequency"], rel=0.01, abs=0)
    # b = B_y + iB_z ∝ e^{-ikx}: ω = -ω_L* of dispersion_modes (which writes B_y - iB_z)
    assert r["expected_frequency"] == pytest.approx(-np.sqrt(q * q + q), rel=1e-12, abs=0)


def test_white_noise_of_eigenmodes_grows_mode_by_mode():
    """Random-phase eigenmodes of both helicities in one box of 10 λ_c (64 cells per λ_c).

    Every right-hand mode with 0.1 <= k/k_c <= 0.9 grows at the cold rate within 2%
    (dispersion_modes, σ = 0); the right-hand modes above k_c and all left-hand modes do not grow.
    """
    M, m_max = 10, 15
    sim = BellMHD(64 * M, 2 * np.pi * M, 1.0, 1.0, J_KC1, sound_speed=VA)
    s = sim.seed_noise(sim.uniform_state(), 1e-6, m_max, seed=2)
    ms = np.r_[-m_max:0, 1 : m_max + 1]
    ts, amps = [], []

    def observe(st):
        ts.append(st.t)
        amps.append(np.fft.fft(st.U[4] + 1j * st.U[5])[ms % sim.n])

    sim.run(s, 5.0 / sim.gamma_max, every=2, observe=observe)
    amps = np.array(amps)
    k = sim.wavenumber(1) * np.abs(ms)
    for j, m in enumerate(ms):
        g = fit_growth_rate(ts, amps[:, j], t_min=1.0 / sim.gamma_max)
        pol = "right" if m > 0 else "left"
        expected = dispersion_modes(k[j], J_KC1, 1.0, 1.0, 1.0, cr_response=False)[pol].imag
        if expected > 0 and 0.1 <= k[j] <= 0.9:
            assert abs(g / expected - 1) < 0.02, (m, g, expected)
        elif expected == 0:
            # no growth; only the scheme's damping (largest at the marginal k = k_c)
            assert -0.02 * sim.gamma_max < g < 2e-3 * sim.gamma_max, (m, g)


def test_single_circular_mode_keeps_growing_past_B0():
    """|B_⊥| of one circular mode is uniform: no magnetic-pressure gradient, an exact nonlinear
    solution, so with a fixed current the mode grows at the linear rate k_c v_A/2 far past B0."""
    sim = BellMHD(64, 4 * np.pi, 1.0, 1.0, J_KC1, sound_speed=VA)
    s = sim.seed_mode(sim.uniform_state(), 1, 1e-2)
    ts, a = [], []
    sim.run(
        s,
        8.0 / sim.gamma_max,
        observe=lambda st: (ts.append(st.t), a.append(mode_amplitude(st, 1))),
    )
    assert abs(a[-1]) > 20.0  # δB > 20 B0
    assert abs(fit_growth_rate(ts, a) / sim.gamma_max - 1) < 0.01


def test_growth_error_converges_at_second_order():
    """At k = 0.9 k_c (the slowest-resolved end of the band) the error falls as N^-p, p >= 1.8."""
    err = [
        abs(linear_growth_run(0.9, n_cells=n)["measured"] / np.sqrt(0.09) - 1) for n in (16, 32, 64)
    ]
    orders = np.log2(np.array(err[:-1]) / np.array(err[1:]))
    assert np.all(orders > 1.8), (err, orders)


def test_zero_current_gives_alfven_waves():
    sim = BellMHD(64, 2 * np.pi, 1.0, 1.0, J=0.0, sound_speed=VA)
    s = sim.seed_mode(sim.uniform_state(), 1, 1e-6, "right")
    ts, a = [], []
    sim.run(s, 2.0 / VA, observe=lambda st: (ts.append(st.t), a.append(mode_amplitude(st, 1))))
    phase = np.unwrap(np.angle(a))
    assert -np.polyfit(ts, phase, 1)[0] == pytest.approx(VA, rel=0.01, abs=0)
    assert abs(fit_growth_rate(ts, a)) < 1e-3 * VA


# --- the two kernels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "isothermal, riemann", [(False, "hll"), (True, "hll"), (False, "hlld"), (True, "hlld")]
)
@pytest.mark.parametrize("limiter", ["mc", "minmod", "none"])
def test_numba_kernel_matches_reference(isothermal, riemann, limiter):
    kw = dict(sound_speed=VA, isothermal=isothermal, limiter=limiter, riemann=riemann)
    fast = BellMHD(48, 7.0, 1.0, 1.0, J=2.0 * J_KC1, backend="numba", **kw)
    ref = BellMHD(48, 7.0, 1.0, 1.0, J=2.0 * J_KC1, backend="numpy", **kw)
    s = _random_state(ref)
    (a, sa), (b, sb) = fast.rhs(s.U), ref.rhs(s.U)
    scale = np.max(np.abs(b), axis=1, keepdims=True) + 1e-300
    assert np.max(np.abs(a - b) / scale) < 1e-12
    np.testing.assert_allclose(sa, sb, rtol=1e-14, atol=0)
    s1, s2 = fast.run(s, 2.0), ref.run(s, 2.0)
    assert s1.steps == s2.steps > 5
    sc = np.max(np.abs(s2.U), axis=1, keepdims=True) + 1e-300
    assert np.max(np.abs(s1.U - s2.U) / sc) < 1e-11


# --- conservation in the periodic box ----------------------------------------------------


@pytest.mark.parametrize("riemann", ["hll", "hlld"])
def test_conservation_with_cr_impulse_and_work(riemann):
    """Mass, momentum and energy (gas + field) change by exactly the CR impulse and work."""
    sim = BellMHD(128, 12.0, 1.0, 1.0, J=2.0 * J_KC1, sound_speed=VA, riemann=riemann)
    s0 = _random_state(sim, seed=3, mean_perp=(0.3, -0.2))
    s = sim.run(s0, 6.0)
    T0, T = sim.totals(s0), sim.totals(s)
    b = s.budget
    p_scale = T0["mass"] * (abs(T0["momentum_y"]) / T0["mass"] + VA)
    assert abs(T["mass"] - T0["mass"]) <= 1e-13 * T0["mass"]
    assert b["impulse_x"] == 0.0
    assert abs(T["momentum_x"] - T0["momentum_x"]) <= 1e-12 * p_scale
    for c in ("y", "z"):
        change = T[f"momentum_{c}"] - T0[f"momentum_{c}"]
        assert abs(b[f"impulse_{c}"]) > 1e-2 * p_scale  # the force did give momentum
        assert abs(change - b[f"impulse_{c}"]) <= 1e-10 * p_scale
    dE = T["energy"] - T0["energy"]
    assert abs(b["work"]) > 1e-3 * T0["energy"]  # the force did work
    assert abs(dE - b["work"]) <= 1e-10 * T0["energy"]
    assert abs(dE - b["work"]) <= 1e-8 * abs(b["work"])


# --- HLLD (Miyoshi & Kusano 2005) ------------------------------------------------------------


def test_hlld_flux_is_consistent():
    """F_HLLD(w, w) = F(w) for any state (several velocities, signs of B_x)."""
    rng = np.random.default_rng(5)
    for Bx in (1.0, -0.7, 2.5):
        for _ in range(5):
            w = np.array(
                [1.3, rng.normal(), rng.normal(), rng.normal(), rng.normal(), rng.normal(), 0.4]
            )
            w[1] *= 5.0 * VA
            F = np.empty(7)
            _hlld_flux(w, w, Bx, 5.0 / 3.0, F, np.empty((10, 7)))
            from crescape.simulate.mhd import _conserved_np

            Fx = _flux_np(w[:, None], _conserved_np(w[:, None], Bx, 5.0 / 3.0, False), Bx, False)[
                :, 0
            ]
            np.testing.assert_allclose(F, Fx, rtol=1e-12, atol=1e-13 * np.max(np.abs(Fx)))


@pytest.mark.parametrize("Bx", [1.0, -1.0])
def test_hlld_is_exact_for_a_rotational_discontinuity(Bx):
    """Equal ρ, P, |B_⊥| and u_x = 0 on both sides: S_M = 0, and the HLLD state between the
    Alfvén waves is the exact one, B_⊥** = (B_L + B_R)/2 + sgn(B_x)√(4πρ)(u_R − u_L)/2,
    u_⊥** = (u_L + u_R)/2 + sgn(B_x)(B_R − B_L)/(2√(4πρ)) (Miyoshi & Kusano 2005, Eqs. 59-62)."""
    rho = 1.7
    wl = np.array([rho, 0.0, 0.3, -0.1, 0.6, 0.8, 0.5])
    wr = np.array([rho, 0.0, -0.2, 0.25, 0.8, -0.6, 0.5])
    F = np.empty(7)
    _hlld_flux(wl, wr, Bx, 5.0 / 3.0, F, np.empty((10, 7)))
    sg, z = np.sign(Bx), np.sqrt(4 * np.pi * rho)
    b = 0.5 * (wl[4:6] + wr[4:6]) + sg * z * 0.5 * (wr[2:4] - wl[2:4])
    v = 0.5 * (wl[2:4] + wr[2:4]) + sg * 0.5 * (wr[4:6] - wl[4:6]) / z
    np.testing.assert_allclose(F[2:4], -Bx * b / (4 * np.pi), rtol=1e-12)
    np.testing.assert_allclose(F[4:6], -v * Bx, rtol=1e-12)
    assert abs(F[0]) < 1e-15


def test_hlld_resolves_the_alfven_fan_when_sound_is_fast():
    """c_s = 3 v_A: HLL's signal speeds ±c_f damp the Alfvénic mode more; HLLD does not."""
    e = {
        r: abs(
            linear_growth_run(0.5, n_cells=32, riemann=r, sound_speed=3 * VA)["measured"] / 0.5 - 1
        )
        for r in ("hll", "hlld")
    }
    assert e["hlld"] < 0.5 * e["hll"]
    assert e["hlld"] < 2e-3


def test_hlld_and_hll_converge_to_the_same_nonlinear_flow():
    diffs = []
    for n in (64, 256):
        a = BellMHD(n, 7.0, 1.0, 1.0, J=0.5 * J_KC1, sound_speed=VA, riemann="hlld")
        b = BellMHD(n, 7.0, 1.0, 1.0, J=0.5 * J_KC1, sound_speed=VA)
        s = _random_state(a, amp=0.2)
        sa, sb = a.run(s, 3.0), b.run(s, 3.0)
        diffs.append(np.max(np.abs(sa.U - sb.U) / np.max(np.abs(sb.U), axis=1, keepdims=True)))
    assert diffs[1] < 3e-4 and diffs[1] < 0.2 * diffs[0]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_cells=4), "n_cells = 4"),
        (dict(n_cells=64.0), "n_cells = 64.0"),
        (dict(length=-1.0), "length = -1"),
        (dict(B0=0.0), "B0 = 0"),
        (dict(rho=-2.0), "rho = -2"),
        (dict(J=-1.0), "J = -1"),
        (dict(sound_speed=0.0), "sound_speed = 0"),
        (dict(gamma=1.0), r"gamma = 1.0 .*\(1, 3\]"),
        (dict(limiter="superbee"), "limiter = 'superbee'"),
        (dict(backend="cuda"), "backend = 'cuda'"),
        (dict(cfl=1.5), "cfl = 1.5"),
        (dict(riemann="roe"), "riemann = 'roe'"),
        (dict(limiter="superbee"), "limiter = 'superbee'"),
        (dict(B0=1.0 * u.km), "B0"),
    ],
)
def test_bad_input(kwargs, match):
    args = dict(n_cells=32, length=1.0, B0=1.0, rho=1.0, J=1.0, sound_speed=1.0)
    args.update(kwargs)
    with pytest.raises(ParameterError, match=match):
        BellMHD(**args)


def test_bad_seed():
    sim = BellMHD(32, 1.0, 1.0, 1.0, J=1.0, sound_speed=1.0)
    s = sim.uniform_state()
    with pytest.raises(ParameterError, match="m = 16"):
        sim.seed_mode(s, 16, 1e-3)
    with pytest.raises(ParameterError, match="polarisation = 'up'"):
        sim.seed_mode(s, 1, 1e-3, "up")
    with pytest.raises(ParameterError, match="amplitude = -1"):
        sim.seed_mode(s, 1, -1)
    with pytest.raises(ParameterError, match="m_max = 0"):
        sim.seed_noise(s, 1e-3, 0)


def test_quantities_at_the_edge():
    sim = BellMHD(
        32, 1e-2 * u.m, 1e-4 * u.T, 1e-3 * u.kg / u.m**3, J=1.0, sound_speed=1 * u.cm / u.s
    )
    assert sim.L == pytest.approx(1.0, rel=1e-14, abs=0)
    assert sim.B0 == pytest.approx(1.0, rel=1e-14, abs=0)
    assert sim.rho0 == pytest.approx(1e-6, rel=1e-14, abs=0)
