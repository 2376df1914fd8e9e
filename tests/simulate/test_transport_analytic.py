"""Analytic solutions of the transport engine, with tolerances and measured convergence orders.

Acceptance items (a)-(e) and (i) of the transport issue. Tolerances are stated
next to each assertion; orders are fitted from errors on successively refined grids.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erfc

from crescape.physics.transport import n_advective, n_diffusive
from crescape.simulate import (
    FixedValue,
    FreeEscape,
    MomentumGrid,
    Outflow,
    PrescribedFlux,
    Reflecting,
    SpatialGrid,
    Spherical,
    State,
    Stepper,
    TransportOperator,
)

P1 = MomentumGrid(1e-10, 2e-10, 1)  # one momentum bin (~GeV protons)


def ierfc(x):
    """First repeated integral of erfc: e^{-x²}/√π − x erfc(x)."""
    return np.exp(-(x**2)) / np.sqrt(np.pi) - x * erfc(x)


def half_space(n, t, D=1e28, phi=1.0, theta=0.5, dt_max=math.inf, L_factor=8.0, positivity=True):
    """Constant flux φ into [0, L] with constant D; returns (grid, g(t))."""
    L = L_factor * math.sqrt(4 * D * t)
    G = SpatialGrid.uniform(0.0, L, n)
    op = TransportOperator(
        G, P1, D=D, inner=PrescribedFlux(phi), outer=FreeEscape(), adiabatic=False
    )
    st = Stepper(op, State(np.zeros(op.shape)), theta=theta, dt_max=dt_max, positivity=positivity)
    st.advance_to(t)
    return G, st.state.g[:, 0], op


def exact_half_space(z, t, D=1e28, phi=1.0):
    """n(z, t) = 2φ √(t/D) ierfc(z/√(4Dt)) (Carslaw & Jaeger 1959, §2.9, Eq. 2); n(0,t) is Eq. (10)."""
    return 2 * phi * np.sqrt(t / D) * ierfc(z / np.sqrt(4 * D * t))


def order(errors, hs):
    """Least-squares slope of log(error) against log(h)."""
    return np.polyfit(np.log(hs), np.log(errors), 1)[0]


# ----------------------------------------------------------------------------- (a)
def test_eq10_surface_density_and_profile_within_one_percent():
    """(a) n(0,t) = 2φ√(t/(πD)) (Eq. 10) and the whole profile, to 1% (limiter on, D ≪ c Δz)."""
    t, D, phi = 1e13, 1e28, 1.0
    G, g, _ = half_space(200, t, D, phi)
    n0 = 1.5 * g[0] - 0.5 * g[1]  # linear extrapolation of the cell values to z = 0
    assert n0 == pytest.approx(n_diffusive(phi, D, t), rel=1e-2, abs=0)
    exact = exact_half_space(G.centres, t, D, phi)
    assert np.max(np.abs(g - exact)) < 1e-2 * exact[0]
    # the front: beyond z = √(4Dt) the density is below the Eq. (10) estimate, as the paper says
    assert np.all(g[G.centres > 3 * np.sqrt(4 * D * t)] < 1e-3 * exact[0])


def test_space_convergence_order_diffusion():
    """(i) second order in space: fitted order of the max error in [1.8, 2.3]."""
    t = 1e13
    ns = [40, 80, 160]
    errs = []
    for n in ns:
        G, g, _ = half_space(n, t)
        errs.append(np.max(np.abs(g - exact_half_space(G.centres, t))))
    p = order(errs, [1.0 / n for n in ns])
    assert 1.8 < p < 2.3, (p, errs)


@pytest.mark.parametrize("theta, expected", [(0.5, 2.0), (1.0, 1.0)])
def test_time_convergence_order(theta, expected):
    """(i) Crank–Nicolson is second order in Δt, backward Euler first (Richardson, ±0.25)."""
    D, L, t = 1.0, 1.0, 0.01
    G = SpatialGrid.uniform(0.0, L, 100)
    g0 = np.exp(-(((G.centres - 0.5) / 0.1) ** 2))[:, None]
    finals = []
    for nsteps in (10, 20, 40):
        op = TransportOperator(
            G, P1, D=D, inner=Reflecting(), outer=Reflecting(), flux_limiter=False, adiabatic=False
        )
        st = Stepper(op, State(g0.copy()), theta=theta, dt_max=t / nsteps, positivity=False)
        st.advance_to(t)
        assert st.state.step == nsteps
        finals.append(st.state.g[:, 0])
    e1 = np.max(np.abs(finals[0] - finals[1]))
    e2 = np.max(np.abs(finals[1] - finals[2]))
    assert math.log2(e1 / e2) == pytest.approx(expected, abs=0.25)


# ----------------------------------------------------------------------------- (b)
@pytest.mark.parametrize("D", [0.0, 1e27])
def test_steady_advection_eq15(D):
    """(b) n = φ/u (Eq. 15) once the flow has crossed the box three times: to 1e-6."""
    u, phi, L = 1e7, 2.0, 3e21
    G = SpatialGrid.uniform(0.0, L, 100)
    op = TransportOperator(
        G, P1, D=D, u=u, inner=PrescribedFlux(phi), outer=Outflow(), adiabatic=False
    )
    st = Stepper(op, State(np.zeros(op.shape)))
    st.advance_to(4 * L / u)
    assert np.max(np.abs(st.state.g[:, 0] / n_advective(phi, u) - 1)) < 1e-6


# ----------------------------------------------------------------------------- (c)
def exact_advection_diffusion(z, t, u, D, phi):
    """Flux inlet u n − D ∂n/∂z = φ at z = 0 into a semi-infinite medium, n(z, 0) = 0.

    Lindstrom et al. (1967), Soil Sci. Soc. Am. Proc. 31, 725; van Genuchten &
    Alves (1982), USDA Tech. Bull. 1661, solution A2 (third-type inlet), with C0 = φ/u:
    n/C0 = ½ erfc((z−ut)/√(4Dt)) + √(u²t/(πD)) e^{−(z−ut)²/(4Dt)}
           − ½ (1 + uz/D + u²t/D) e^{uz/D} erfc((z+ut)/√(4Dt)).
    """
    s = np.sqrt(4 * D * t)
    a = 0.5 * erfc((z - u * t) / s) + np.sqrt(u * u * t / (np.pi * D)) * np.exp(
        -((z - u * t) ** 2) / s**2
    )
    # e^{uz/D} erfc(x) written with erfcx to avoid overflow
    from scipy.special import erfcx

    x = (z + u * t) / s
    b = 0.5 * (1 + u * z / D + u * u * t / D) * erfcx(x) * np.exp(u * z / D - x * x)
    return phi / u * (a - b)


def run_adv_diff(n, limited=True):
    u, D, phi, L = 1.0, 0.05, 1.0, 4.0
    t = 1.5
    G = SpatialGrid.uniform(0.0, L, n)
    op = TransportOperator(
        G,
        P1,
        D=D,
        u=u,
        inner=PrescribedFlux(phi),
        outer=Outflow(),
        flux_limiter=False,
        adiabatic=False,
        limited_advection=limited,
    )
    st = Stepper(op, State(np.zeros(op.shape)), cfl=0.5)
    st.advance_to(t)
    return np.max(np.abs(st.state.g[:, 0] - exact_advection_diffusion(G.centres, t, u, D, phi))) / (
        phi / u
    )


def test_advection_diffusion_flux_inlet_closed_form():
    """(c) the third-type-inlet solution to 1% of φ/u; measured order >= 1.8 (limited scheme,
    2.2 measured) and >= 0.6 for first-order upwind (0.8-0.9 measured at these resolutions)."""
    ns = [100, 200, 400]
    errs = [run_adv_diff(n) for n in ns]
    assert errs[0] < 1e-2
    assert order(errs, [1.0 / n for n in ns]) > 1.8, errs
    errs_up = [run_adv_diff(n, limited=False) for n in ns]
    assert errs_up[-1] < 2e-2
    assert order(errs_up, [1.0 / n for n in ns]) > 0.6, errs_up


def test_closed_form_reduces_to_eq10():
    """The closed form of (c) tends to Eq. (10) at z = 0 when u → 0."""
    D, phi, t = 2.0, 1.0, 3.0
    assert exact_advection_diffusion(np.array([0.0]), t, 1e-6, D, phi)[0] == pytest.approx(
        n_diffusive(phi, D, t), rel=1e-5, abs=0
    )


# ----------------------------------------------------------------------------- (d)
def test_spherical_steady_diffusion():
    """(d) n = Q/(4πDr) − Q/(4πDR) with n(R) = 0, to 0.5% (Q = 4π r_in² F_in)."""
    r_in, R, D, F = 1.0, 20.0, 1.0, 1.0
    G = SpatialGrid.uniform(r_in, R, 200, Spherical())
    op = TransportOperator(
        G, P1, D=D, inner=PrescribedFlux(F), outer=FreeEscape(), flux_limiter=False, adiabatic=False
    )
    st = Stepper(
        op, State(np.zeros(op.shape)), theta=1.0, dt_max=0.5, warn=False
    )  # to steady state
    st.advance_to(40 * R**2 / D)
    Q = 4 * np.pi * r_in**2 * F
    r = G.centres
    exact = Q / (4 * np.pi * D) * (1 / r - 1 / R)
    inner = r < 0.8 * R
    assert np.max(np.abs(st.state.g[inner, 0] / exact[inner] - 1)) < 5e-3


def spherical_advection(n, k, n_p=16):
    """Steady spherical advection from a flux inlet at r_in = 1 with u = 1; returns (grid, g, exact cell averages)."""
    r_in, R, u, F = 1.0, 10.0, 1.0, 1.0
    P = MomentumGrid(1e-10, 1e-8, n_p)
    G = SpatialGrid.uniform(r_in, R, n, Spherical())
    flux = F * (P.p / P.p[0]) ** k
    op = TransportOperator(G, P, D=0.0, u=u, inner=PrescribedFlux(flux), outer=Outflow())
    st = Stepper(op, State(np.zeros(op.shape)))
    st.advance_to(3 * R / u)
    # exact: n = Q/(4π r² u) (r/r_in)^{2k/3}, Q = 4π r_in² F; averaged over each shell
    a = 2 * k / 3 + 1
    f = G.faces
    avg = (
        r_in**2
        * flux[None, :]
        / u
        * ((f[1:] ** a - f[:-1] ** a) / a)[:, None]
        / r_in ** (2 * k / 3)
    ) / G.volume[:, None]
    return G, st.state.g, avg


def test_spherical_steady_advection_flat_spectrum_exact():
    """(d) n = Q/(4πr²u) for a spectrum flat in ln p (k = 0, no net adiabatic change):
    the scheme carries the particles per unit length, so the steady state is exact (1e-12)."""
    G, g, exact = spherical_advection(100, 0.0, n_p=4)
    assert np.max(np.abs(g / exact - 1)) < 1e-12


def test_spherical_steady_advection_with_adiabatic_losses():
    """(d) with g ∝ p^-1 (N(E) ∝ E^-2, Eq. 3) adiabatic losses give n ∝ r^{-2+2k/3}:
    beyond the first three cells to 0.5%; the inlet cell converges at first order (>= 0.85)."""
    ns = [75, 150, 300]
    errs = []
    for n in ns:
        G, g, exact = spherical_advection(n, -1.0)
        rel = np.abs(g / exact - 1)
        errs.append(rel[0].max())
    assert np.max(rel[3:]) < 5e-3
    assert order(errs, [1.0 / n for n in ns]) > 0.85, errs


# ----------------------------------------------------------------------------- (e)
@pytest.mark.parametrize("a", [1.0, -1.0])
def test_adiabatic_power_law(a):
    """(e) u = a z (∇·u = a): a power law g ∝ p^k keeps its slope and its normalisation
    follows g ∝ exp(−(3 − k) a t/3); expansion (a > 0) and compression (a < 0), to 1e-3."""
    k, t = -1.5, 0.5
    P = MomentumGrid(1e-10, 1e-7, 32)
    G = SpatialGrid.uniform(0.0, 1.0, 20)
    g0 = (P.p / P.p[0]) ** k
    exact = lambda tt: g0 * np.exp(-(3 - k) * a * tt / 3)  # noqa: E731
    outer = (
        Outflow()
        if a > 0
        else FixedValue(lambda p, tt: np.interp(np.log(p), np.log(P.p), exact(tt)))
    )
    op = TransportOperator(G, P, D=0.0, u=lambda z, tt: a * z, inner=Reflecting(), outer=outer)
    st = Stepper(op, State(np.tile(g0, (G.n, 1))))
    st.advance_to(t)
    # for compression the inflowing boundary value reaches z = e^{-|a| t} ≈ 0.61: check z < 0.5
    g = st.state.g if a > 0 else st.state.g[G.centres < 0.5]
    assert np.max(np.abs(g / exact(t)[None, :] - 1)) < 1e-3
    slope = np.diff(np.log(g), axis=1) / P.dy
    assert np.max(np.abs(slope - k)) < 1e-6
